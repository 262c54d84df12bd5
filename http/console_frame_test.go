package http_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/wengao/wengao"
)

// TestConsolePagesHaveTheirFrame renders every console page as an admin
// and checks the frame the layout gives it: a <title> naming the page and
// the site, the site's name in the header, the account links, and
// noindex.
func TestConsolePagesHaveTheirFrame(t *testing.T) {
	e, admin := consoleEnv(t)
	ctx := context.Background()
	ids, _ := e.db.DocumentIDs(ctx)
	au, err := e.db.FindUserByName(ctx, "管理员")
	if err != nil {
		t.Fatal(err)
	}
	// A complaint and an upload, for their pages.
	var c wengao.Complaint
	if st := call(t, e.anonymous, "POST", e.ts.URL+"/api/v1/complaints", `{"document_id":"`+ids[1]+`","kind":"copyright","reason":"未经授权转载","contact":"legal@example.org"}`, &c); st != 201 {
		t.Fatalf("complaint: %d", st)
	}
	st, up := e.upload(t, e.reader, "", file{"通知.docx", noticeDocx(t, "")})
	if st != 201 && st != 200 {
		t.Fatalf("upload: %d %+v (want not st != 201 && st != 200)", st, up)
	}
	if len(up.Uploads) == 0 {
		t.Fatalf("upload: %d %+v (want not len(up.Uploads) == 0)", st, up)
	}
	pages := map[string]string{ // path → the page's title
		"/admin":                                  "管理后台",
		"/admin/documents":                        "文稿管理",
		"/admin/documents/" + ids[0]:              "编辑：",
		"/admin/categories":                       "分类管理",
		"/admin/users":                            "用户管理",
		fmt.Sprintf("/admin/users/%d", au.ID):     "用户：管理员",
		"/admin/settings":                         "网站设置",
		"/admin/masks":                            "屏蔽词",
		"/admin/abbreviations":                    "简称",
		"/admin/audit":                            "操作记录",
		"/admin/complaints":                       "投诉处理",
		fmt.Sprintf("/admin/complaints/%d", c.ID): "投诉 #",
		"/admin/stats":                            "运营统计",
		"/admin/uploads":                          "审核上传",
		fmt.Sprintf("/admin/uploads/%d", up.Uploads[0].ID): "上传文稿：",
	}
	titleRe := regexp.MustCompile(`<title>([^<]*)</title>`)
	for path, want := range pages {
		resp, err := admin.Get(e.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := string(b)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", path, resp.StatusCode)
			continue
		}
		title := ""
		if m := titleRe.FindStringSubmatch(page); m != nil {
			title = html.UnescapeString(m[1])
		}
		if !strings.HasPrefix(title, want) {
			t.Errorf("%s: <title> %q, want %q… - 文稿库 (want strings.HasPrefix(title, want))", path, title, want)
		}
		if !strings.HasSuffix(title, " - 文稿库") {
			t.Errorf("%s: <title> %q, want %q… - 文稿库 (want strings.HasSuffix(title, \" - 文稿库\"))", path, title, want)
		}
		if !strings.Contains(page, `<span class="brand-name">文稿库</span>`) {
			t.Errorf("%s: no site name in the header", path)
		}
		if !strings.Contains(page, `<a href="/me" class="account-name">管理员`) {
			t.Errorf("%s: no account links (want strings.Contains(page, `<a href=\"/me\" class=\"account-name\">管理员`))", path)
		}
		if !strings.Contains(page, `action="/logout"`) {
			t.Errorf("%s: no account links (want strings.Contains(page, `action=\"/logout\"`))", path)
		}
		if !strings.Contains(page, `<meta name="robots" content="noindex`) {
			t.Errorf("%s: not marked noindex", path)
		}
		if got := resp.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", path, got)
		}
	}
}

// TestConsoleSources edits the 来源 names: a document's page shows the new
// name at once; bad rules are refused with the line at fault; only admins
// may edit them.
func TestConsoleSources(t *testing.T) {
	e, admin := consoleEnv(t)
	ctx := context.Background()
	ids, _ := e.db.DocumentIDs(ctx)
	doc, err := e.db.FindDocumentByID(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	prefix := doc.Source
	if len(prefix) > 20 {
		prefix = prefix[:20]
	}
	rules := url.Values{"rules": {prefix + " | 测试来源库 | https://example.org/\n"}}
	if resp, _ := post(t, e.moderator, e.ts.URL+"/admin/sources", rules.Encode(), form); resp.StatusCode != 403 {
		t.Errorf("moderator saving sources: %d", resp.StatusCode)
	}
	if resp, body := post(t, admin, e.ts.URL+"/admin/sources", rules.Encode(), form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving sources: %d %s", resp.StatusCode, body)
	}
	if _, page := serve(e.srv, "/doc/"+doc.ID, nil); doc.Source != "" && !strings.Contains(page, ">测试来源库</a>") {
		t.Errorf("the page does not name the source %q as 测试来源库", doc.Source)
	}
	bad := url.Values{"rules": {"只有一栏\n"}}
	{
		resp, body := post(t, admin, e.ts.URL+"/admin/sources", bad.Encode(), form)
		if got := resp.StatusCode; got != 400 {
			t.Errorf("bad rules: resp.StatusCode = %v, want %v", got, 400)
		}
		if !strings.Contains(string(body), "只有一栏") {
			t.Errorf("bad rules: %d (want strings.Contains(string(body), \"只有一栏\"))", resp.StatusCode)
		}
	}
	st, _, err := e.db.LoadSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	{
		got := st.Sources
		if got := len(got); got != 1 {
			t.Fatalf("stored rules: len(got) = %v, want %v", got, 1)
		}
		if got := got[0].Name; got != "测试来源库" {
			t.Errorf("stored rules: got[0].Name = %v, want %v", got, "测试来源库")
		}
	}
}
