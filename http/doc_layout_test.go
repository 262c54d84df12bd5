package http_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
)

// gongwenDoc is a 公文 as the corpus holds it: the title over two lines,
// the 发文字号, the 主送机关, a long body, the 落款, the date and a 附注.
func gongwenDoc() *wengao.Document {
	body := []string{
		"国务院办公厅关于开展",
		"城镇小区配套幼儿园治理工作的通知",
		"国办发〔2019〕3号",
		"各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
		"城镇小区配套建设幼儿园是城镇公共服务设施建设的重要内容。经国务院同意，现就开展治理工作通知如下。",
		"一、总体要求",
	}
	for i := range 30 {
		body = append(body, strings.Repeat("各地区要认真落实治理任务，确保按期完成。", 3)+string(rune('甲'+i)))
	}
	body = append(body, "国务院办公厅", "2019年1月9日", "（此件公开发布，落款之后的附注）")
	doc := &wengao.Document{
		ID: "gov-layout-test", Title: "国务院办公厅关于开展城镇小区配套幼儿园治理工作的通知",
		Date: "2019-01-09", Category: "公文/国务院文件", Body: body,
		Source: "ZhouYNF/platform-1:db/ge_policy_raw20190217.sql@2197df5 http://www.gov.cn/zhengce/content/2019-01/22/content_5360047.htm",
	}
	doc.Outline = chinese.Outline(body)
	return doc
}

// TestDocumentPageAsGongwen checks the article page of a 公文: its parts
// laid out as printed, the info box, the price on the download button and
// a readable 来源; and that a visitor who reads only the preview gets
// nothing of the 落款 from the new layout.
func TestDocumentPageAsGongwen(t *testing.T) {
	srv, db, reader := sampleServer(t)
	doc := gongwenDoc()
	if _, err := db.SaveDocuments(context.Background(), []*wengao.Document{doc}); err != nil {
		t.Fatal(err)
	}
	code, page := serve(srv, "/doc/"+doc.ID, reader)
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	for _, want := range []string{
		`class="gw-docno">国办发〔2019〕3号</p>`,
		`class="gw-to">各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>`,
		`class="gw-sign gw-sign-first">国务院办公厅</p>`,
		`class="gw-date">2019年1月9日</p>`,
		`class="gw-note">（此件公开发布，落款之后的附注）</p>`,
		`<dt>发文机关</dt><dd>国务院办公厅</dd>`,
		`<dt>发文字号</dt><dd>国办发〔2019〕3号</dd>`,
		`<dt>成文日期</dt><dd>2019年1月9日</dd>`,
		`<dt>文种</dt><dd>通知</dd>`,
		`<dt>下载价格</dt><dd>5 积分</dd>`,
		`<dt>下载次数</dt><dd>0 次</dd>`,
		`下载源文档<span class="price">（5 积分）</span>`,
		`来源：<a href="http://www.gov.cn/zhengce/content/2019-01/22/content_5360047.htm" rel="nofollow noopener noreferrer">中国政府网</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	// The title once (the h1), not again from the body's first lines.
	if strings.Contains(page, ">国务院办公厅关于开展</p>") || strings.Contains(page, ">城镇小区配套幼儿园治理工作的通知</p>") {
		t.Error("the body repeats the title")
	}
	if strings.Contains(page, "ZhouYNF") || strings.Contains(page, "@2197df5") {
		t.Error("the page shows the repository provenance")
	}

	// A visitor who has not logged in reads a preview: no 落款, no 附注,
	// and the price is on the button too.
	code, page = serve(srv, "/doc/"+doc.ID, nil)
	if code != 200 {
		t.Fatalf("anonymous: status %d", code)
	}
	lastBody := doc.Body[len(doc.Body)-4] // the paragraph above the 落款
	for _, leak := range []string{"gw-sign", "gw-date", "gw-note", "落款之后的附注", lastBody} {
		if strings.Contains(page, leak) {
			t.Errorf("the preview page holds %q", leak)
		}
	}
	if !strings.Contains(page, `class="gw-docno">国办发〔2019〕3号</p>`) {
		t.Error("the preview page does not centre the 发文字号")
	}
	if !strings.Contains(page, `下载源文档<span class="price">（5 积分）</span>`) {
		t.Error("the anonymous download button has no price")
	}
}
