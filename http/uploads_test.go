package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/docx"
	wengaohttp "github.com/wengao/wengao/http"
	"github.com/wengao/wengao/http/web"
	"github.com/wengao/wengao/sqlite"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// uploadEnv is the sample library with uploads: an uploader and a
// moderator, each with a logged-in client.
type uploadEnv struct {
	ts        *httptest.Server
	srv       *wengaohttp.Server
	db        *sqlite.DB
	uploader  *wengao.User
	reader    *http.Client
	moderator *http.Client
	anonymous *http.Client
}

func newUploadEnv(t *testing.T) *uploadEnv {
	t.Helper()
	srv, db, _ := sampleServer(t)
	srv.Near = db
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	ctx := context.Background()
	e := &uploadEnv{ts: ts, srv: srv, db: db, anonymous: &http.Client{}}
	var err error
	e.uploader, err = db.FindUserByName(ctx, "reader")
	if err != nil {
		t.Fatal(err)
	}
	mod, err := db.FindUserByName(ctx, "审核员")
	if err != nil {
		t.Fatal(err)
	}
	e.reader = e.clientFor(t, e.uploader.ID)
	e.moderator = e.clientFor(t, mod.ID)
	return e
}

// clientFor returns a client logged in as the user.
func (e *uploadEnv) clientFor(t *testing.T, userID int64) *http.Client {
	t.Helper()
	sess, err := e.db.CreateSession(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(e.ts.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: sess.Token}})
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// file is one file of an upload request.
type file struct {
	name string
	data []byte
}

// upload sends files to POST /api/v1/uploads (with the query, if any)
// and decodes the answer.
func (e *uploadEnv) upload(t *testing.T, c *http.Client, query string, files ...file) (int, uploadAnswer) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range files {
		w, _ := mw.CreateFormFile("file", f.name)
		w.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/uploads"+query, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var a uploadAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatalf("upload answer: %v: %s", err, raw)
	}
	return resp.StatusCode, a
}

type uploadAnswer struct {
	Uploads []wengao.Upload
	Failed  []struct {
		File  string
		Error struct{ Code, Message string }
	}
	Error struct{ Code, Message string }
}

// noticeDocx is a State Council notice as a .docx, with its number,
// issuer and date in the places a 公文 has them.
func noticeDocx(t *testing.T, extra string) []byte {
	t.Helper()
	var buf bytes.Buffer
	err := docx.Write(&buf, docx.Document{
		Title: "国务院办公厅关于加强城市地下管线建设管理的指导意见",
		Paragraphs: []string{
			"国办发〔2014〕27号",
			"各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
			"城市地下管线是保障城市运行的重要基础设施和“生命线”。" + extra,
			"一、总体工作要求",
			"（一）指导思想。以邓小平理论、“三个代表”重要思想、科学发展观为指导，切实加强城市地下管线建设管理，保障城市安全运行。",
			"（二）目标任务。2015年底前，完成城市地下管线普查，建立综合管理信息系统。",
			"二、加强规划统筹",
			"严格实施城市地下管线规划管理，按照先地下、后地上的原则，合理安排建设时序。",
			"国务院办公厅",
			"2014年6月3日",
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestUploadLifecycle(t *testing.T) {
	e := newUploadEnv(t)
	ctx := context.Background()
	before, _ := e.db.Balance(ctx, e.uploader.ID)
	data := noticeDocx(t, "独一无二的测试短语甲乙丙丁。")

	// Anonymous visitors may not upload.
	if st, _ := e.upload(t, e.anonymous, "", file{"a.docx", data}); st != 401 {
		t.Fatalf("anonymous upload: %d", st)
	}
	st, a := e.upload(t, e.reader, "", file{"通知.docx", data})
	if got := st; got != 201 {
		t.Fatalf("upload: st = %v, want %v", got, 201)
	}
	if got := len(a.Uploads); got != 1 {
		t.Fatalf("upload: len(a.Uploads) = %v, want %v", got, 1)
	}
	up := a.Uploads[0]
	want := wengao.UploadMeta{Title: "国务院办公厅关于加强城市地下管线建设管理的指导意见", Issuer: "国务院办公厅", DocNumber: "国办发〔2014〕27号", Date: "2014-06-03", Genre: "意见"}
	if got := up.Status; got != wengao.UploadDraft {
		t.Errorf("detected: up.Status = %v, want %v", got, wengao.UploadDraft)
	}
	if got := up.Meta.Title; got != want.Title {
		t.Errorf("detected: up.Meta.Title = %v, want %v", got, want.Title)
	}
	if got := up.Meta.Issuer; got != want.Issuer {
		t.Errorf("detected: up.Meta.Issuer = %v, want %v", got, want.Issuer)
	}
	if got := up.Meta.DocNumber; got != want.DocNumber {
		t.Errorf("detected: up.Meta.DocNumber = %v, want %v", got, want.DocNumber)
	}
	if got := up.Meta.Date; got != want.Date {
		t.Errorf("detected: up.Meta.Date = %v, want %v", got, want.Date)
	}
	if got := up.Meta.Genre; got != want.Genre {
		t.Errorf("detected: up.Meta.Genre = %v, want %v", got, want.Genre)
	}
	if got := up.Format; got != "docx" {
		t.Errorf("upload: up.Format = %v, want %v", got, "docx")
	}
	if up.Chars == 0 {
		t.Errorf("upload: %+v (want not up.Chars == 0)", up)
	}
	if len(up.Outline) < 2 {
		t.Fatalf("upload: %+v (want not len(up.Outline) < 2)", up)
	}
	if got := up.File.Name; got != "通知.docx" {
		t.Errorf("upload: up.File.Name = %v, want %v", got, "通知.docx")
	}
	// The same file again is recognised at once.
	st, a = e.upload(t, e.reader, "", file{"again.docx", data})
	if got := st; got != 409 {
		t.Fatalf("same file: st = %v, want %v", got, 409)
	}
	if got := len(a.Failed); got != 1 {
		t.Fatalf("same file: len(a.Failed) = %v, want %v", got, 1)
	}
	if !strings.Contains(a.Failed[0].Error.Message, "已经上传过") {
		t.Fatalf("same file: %d %+v (want strings.Contains(a.Failed[0].Error.Message, \"已经上传过\"))", st, a)
	}
	// The draft's page shows the detected metadata in its form.
	resp, err := e.reader.Get(fmt.Sprintf("%s/me/uploads/%d", e.ts.URL, up.ID))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, s := range []string{`value="国办发〔2014〕27号"`, `value="2014-06-03"`, "提交审核"} {
		if !strings.Contains(string(page), s) {
			t.Errorf("draft page lacks %s", s)
		}
	}
	// Submitting with a corrected category makes it pending.
	var sub wengao.Upload
	{
		st := call(t, e.reader, "POST", fmt.Sprintf("%s/api/v1/uploads/%d/submit", e.ts.URL, up.ID), `{"category":"公文/意见"}`, &sub)
		if got := st; got != 200 {
			t.Fatalf("submit: st = %v, want %v", got, 200)
		}
		if got := sub.Status; got != wengao.UploadPending {
			t.Fatalf("submit: sub.Status = %v, want %v", got, wengao.UploadPending)
		}
		if got := sub.Meta.Category; got != "公文/意见" {
			t.Fatalf("submit: sub.Meta.Category = %v, want %v", got, "公文/意见")
		}
		if got := sub.Meta.DocNumber; got != want.DocNumber {
			t.Fatalf("submit: sub.Meta.DocNumber = %v, want %v", got, want.DocNumber)
		}
	}
	// Readers may not moderate.
	var apiErr apiError
	{
		st := call(t, e.reader, "GET", e.ts.URL+"/api/v1/admin/uploads?status=pending", "", &apiErr)
		if got := st; got != 403 {
			t.Fatalf("reader moderating: st = %v, want %v", got, 403)
		}
		if got := apiErr.Error.Code; got != wengao.EFORBIDDEN {
			t.Fatalf("reader moderating: apiErr.Error.Code = %v, want %v", got, wengao.EFORBIDDEN)
		}
	}
	var list struct {
		Total   int
		Uploads []wengao.Upload
	}
	{
		st := call(t, e.moderator, "GET", e.ts.URL+"/api/v1/admin/uploads?status=pending", "", &list)
		if got := st; got != 200 {
			t.Fatalf("pending: st = %v, want %v", got, 200)
		}
		if got := list.Total; got != 1 {
			t.Fatalf("pending: list.Total = %v, want %v", got, 1)
		}
		if got := list.Uploads[0].ID; got != up.ID {
			t.Fatalf("pending: list.Uploads[0].ID = %v, want %v", got, up.ID)
		}
	}
	var approved wengao.Upload
	{
		st := call(t, e.moderator, "POST", fmt.Sprintf("%s/api/v1/admin/uploads/%d/approve", e.ts.URL, up.ID), "", &approved)
		if got := st; got != 200 {
			t.Fatalf("approve: st = %v, want %v", got, 200)
		}
		if got := approved.Status; got != wengao.UploadApproved {
			t.Fatalf("approve: approved.Status = %v, want %v", got, wengao.UploadApproved)
		}
		if approved.DocumentID == "" {
			t.Fatalf("approve: %d %+v (want not approved.DocumentID == \"\")", st, approved)
		}
	}
	after, _ := e.db.Balance(ctx, e.uploader.ID)
	if after != before+e.srv.Settings.UploadReward {
		t.Errorf("balance %d after approval, want %d", after, before+e.srv.Settings.UploadReward)
	}
	// Published: searchable, and the uploader downloads the original free.
	var res wengao.SearchResult
	getJSON(t, e.ts.URL+"/api/v1/search?q="+url.QueryEscape(`"独一无二的测试短语"`), 200, &res)
	if got := res.Total; got != 1 {
		t.Fatalf("search after approval: res.Total = %v, want %v", got, 1)
	}
	if got := res.Hits[0].ID; got != approved.DocumentID {
		t.Fatalf("search after approval: res.Hits[0].ID = %v, want %v", got, approved.DocumentID)
	}
	dl, body := post(t, e.reader, e.ts.URL+"/api/v1/documents/"+approved.DocumentID+"/download", "", nil)
	if got := dl.StatusCode; got != 200 {
		t.Fatalf("uploader's download: dl.StatusCode = %v, want %v", got, 200)
	}
	if got := dl.Header.Get("X-Points-Charged"); got != "0" {
		t.Fatalf("uploader's download: dl.Header.Get(\"X-Points-Charged\") = %v, want %v", got, "0")
	}
	if !bytes.Equal(body, data) {
		t.Fatalf("uploader's download: %d charged %s, %d bytes (original %d) (want bytes.Equal(body, data))", dl.StatusCode, dl.Header.Get("X-Points-Charged"), len(body), len(data))
	}
	var mine struct {
		Total   int
		Uploads []wengao.Upload
	}
	{
		st := call(t, e.reader, "GET", e.ts.URL+"/api/v1/me/uploads", "", &mine)
		if got := st; got != 200 {
			t.Fatalf("my uploads: st = %v, want %v", got, 200)
		}
		if got := mine.Total; got != 1 {
			t.Fatalf("my uploads: mine.Total = %v, want %v", got, 1)
		}
		if got := mine.Uploads[0].Status; got != wengao.UploadApproved {
			t.Fatalf("my uploads: mine.Uploads[0].Status = %v, want %v", got, wengao.UploadApproved)
		}
	}
	// Deleting takes the reward back; uploading the same text again earns
	// nothing.
	req, _ := http.NewRequest("DELETE", fmt.Sprintf("%s/api/v1/admin/uploads/%d", e.ts.URL, up.ID), nil)
	resp, err = e.moderator.Do(req)
	if err != nil {
		t.Fatalf("delete: %v", err)
	}
	if got := resp.StatusCode; got != 200 {
		t.Fatalf("delete: resp.StatusCode = %v, want %v", got, 200)
	}
	resp.Body.Close()
	if b, _ := e.db.Balance(ctx, e.uploader.ID); b != before {
		t.Errorf("balance %d after delete, want %d", b, before)
	}
	if st := call(t, e.anonymous, "GET", e.ts.URL+"/api/v1/documents/"+approved.DocumentID, "", &apiErr); st != 404 {
		t.Errorf("deleted document: %d", st)
	}
	st, a = e.upload(t, e.reader, "?submit=1", file{"renamed.docx", data})
	if got := st; got != 201 {
		t.Fatalf("re-upload: st = %v, want %v", got, 201)
	}
	if got := a.Uploads[0].Status; got != wengao.UploadPending {
		t.Fatalf("re-upload: a.Uploads[0].Status = %v, want %v", got, wengao.UploadPending)
	}
	{
		st := call(t, e.moderator, "POST", fmt.Sprintf("%s/api/v1/admin/uploads/%d/approve", e.ts.URL, a.Uploads[0].ID), "", &approved)
		if got := st; got != 200 {
			t.Fatalf("re-approve: st = %v, want %v", got, 200)
		}
		if got := approved.Reward; got != 0 {
			t.Fatalf("re-approve: approved.Reward = %v, want %v", got, 0)
		}
	}
	if b, _ := e.db.Balance(ctx, e.uploader.ID); b != before {
		t.Errorf("balance %d after re-upload, want %d", b, before)
	}
	{
		m, err := e.db.CheckLedger(ctx)
		if err != nil {
			t.Fatalf("ledger: %v", err)
		}
		if got := len(m); got != 0 {
			t.Fatalf("ledger: len(m) = %v, want %v", got, 0)
		}
	}
}

func TestUploadRejectAndNearDuplicates(t *testing.T) {
	e := newUploadEnv(t)
	ctx := context.Background()
	ids, _ := e.db.DocumentIDs(ctx)
	// A copy of a published document with a few characters changed.
	var orig *wengao.Document
	for _, id := range ids {
		d, _ := e.db.FindDocumentByID(ctx, id)
		if wengao.BodyChars(d.Body) > 3000 {
			orig = d
			break
		}
	}
	body := strings.Join(orig.Body, "\n")
	rs := []rune(body)
	for i := 50; i < len(rs); i += 60 {
		if rs[i] > 0x4e00 {
			rs[i] = '改'
		}
	}
	// As GBK text, as many Windows users save it.
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(orig.Title + "\n" + string(rs))
	if err != nil {
		t.Fatal(err)
	}
	st, a := e.upload(t, e.reader, "?submit=1", file{"copy.txt", []byte(gbk)})
	if got := st; got != 201 {
		t.Fatalf("upload: st = %v, want %v", got, 201)
	}
	if got := len(a.Uploads); got != 1 {
		t.Fatalf("upload: len(a.Uploads) = %v, want %v", got, 1)
	}
	up := a.Uploads[0]
	if len(up.NearDuplicates) == 0 {
		t.Fatalf("near-duplicates of a copy: %+v (want not len(up.NearDuplicates) == 0)", up.NearDuplicates)
	}
	if got := up.NearDuplicates[0].ID; got != orig.ID {
		t.Fatalf("near-duplicates of a copy: up.NearDuplicates[0].ID = %v, want %v", got, orig.ID)
	}
	if up.NearDuplicates[0].Similarity < 0.8 {
		t.Fatalf("near-duplicates of a copy: %+v (want not up.NearDuplicates[0].Similarity < 0.8)", up.NearDuplicates)
	}
	if up.Meta.Title != orig.Title {
		t.Errorf("GBK title %q, want %q", up.Meta.Title, orig.Title)
	}
	// The moderator sees the match and the shared passages.
	resp, err := e.moderator.Get(fmt.Sprintf("%s/admin/uploads/%d", e.ts.URL, up.ID))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "相似度") {
		t.Errorf("moderation page lacks the match (want strings.Contains(string(page), \"相似度\"))")
	}
	if !strings.Contains(string(page), `class="overlap"`) {
		t.Errorf("moderation page lacks the match (want strings.Contains(string(page), `class=\"overlap\"`))")
	}
	var rej wengao.Upload
	{
		st := call(t, e.moderator, "POST", fmt.Sprintf("%s/api/v1/admin/uploads/%d/reject", e.ts.URL, up.ID), `{"reason":"与已收录文稿重复"}`, &rej)
		if got := st; got != 200 {
			t.Fatalf("reject: st = %v, want %v", got, 200)
		}
		if got := rej.Status; got != wengao.UploadRejected {
			t.Fatalf("reject: rej.Status = %v, want %v", got, wengao.UploadRejected)
		}
	}
	var mine struct{ Uploads []wengao.Upload }
	call(t, e.reader, "GET", e.ts.URL+"/api/v1/me/uploads", "", &mine)
	if got := len(mine.Uploads); got != 1 {
		t.Fatalf("the uploader does not see the reason: len(mine.Uploads) = %v, want %v", got, 1)
	}
	if got := mine.Uploads[0].Reason; got != "与已收录文稿重复" {
		t.Fatalf("the uploader does not see the reason: mine.Uploads[0].Reason = %v, want %v", got, "与已收录文稿重复")
	}
	// Under the reject policy a near-duplicate is rejected at once.
	e.srv.Settings.NearDuplicatePolicy = wengao.NearDuplicateReject
	rs[10] = '新'
	st, a = e.upload(t, e.reader, "", file{"copy2.md", []byte(orig.Title + "\n\n" + string(rs))})
	if got := st; got != 201 {
		t.Fatalf("reject policy: st = %v, want %v", got, 201)
	}
	if got := a.Uploads[0].Status; got != wengao.UploadRejected {
		t.Fatalf("reject policy: a.Uploads[0].Status = %v, want %v", got, wengao.UploadRejected)
	}
	if !strings.Contains(a.Uploads[0].Reason, "高度相似") {
		t.Fatalf("reject policy: %d %+v (want strings.Contains(a.Uploads[0].Reason, \"高度相似\"))", st, a)
	}
}

// TestHostileUploads: every bad file gets a clear error in Chinese, and
// nothing is stored for it.
func TestHostileUploads(t *testing.T) {
	e := newUploadEnv(t)
	e.srv.Settings.UploadMaxBytes = 256 << 10
	malformed := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "convert", "testdata", "malformed", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, c := range []struct {
		name   string
		data   []byte
		status int
		msg    string
	}{
		{"big.txt", bytes.Repeat([]byte("文稿"), 200<<10), 413, "大小上限"},
		{"bomb.docx", malformed("bomb.docx"), 413, "压缩炸弹"},
		{"not-xml.docx", malformed("not-xml.docx"), 400, "格式有误"},
		{"truncated.docx", malformed("truncated.docx"), 400, "损坏"},
		{"encrypted.pdf", malformed("encrypted.pdf"), 400, "加密"},
		{"scanned.pdf", malformed("scanned.pdf"), 400, "扫描件"},
		{"program.docx", append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 600)...), 400, "无法识别"},
		{"virus.exe", []byte("MZ"), 400, "只支持"},
		{"empty.txt", nil, 400, "为空"},
		{"blank.txt", []byte("  \n\n \t"), 400, "为空"},
	} {
		st, a := e.upload(t, e.reader, "", file{c.name, c.data})
		msg := a.Error.Message
		if len(a.Failed) > 0 {
			msg = a.Failed[0].Error.Message
		}
		if got := st; got != c.status {
			t.Errorf("%s: st = %v, want %v", c.name, got, c.status)
		}
		if !strings.Contains(msg, c.msg) {
			t.Errorf("%s: %d %q, want %d %q (want strings.Contains(msg, c.msg))", c.name, st, msg, c.status, c.msg)
		}
	}
	// A body that is not multipart.
	resp, body := post(t, e.reader, e.ts.URL+"/api/v1/uploads", `{"file":"x"}`, map[string]string{"Content-Type": "application/json"})
	if got := resp.StatusCode; got != 400 {
		t.Errorf("not multipart: resp.StatusCode = %v, want %v", got, 400)
	}
	if !strings.Contains(string(body), "multipart") {
		t.Errorf("not multipart: %d %s (want strings.Contains(string(body), \"multipart\"))", resp.StatusCode, body)
	}
	// A cross-site upload is refused.
	resp, _ = post(t, e.reader, e.ts.URL+"/api/v1/uploads", "", map[string]string{"Sec-Fetch-Site": "cross-site"})
	if resp.StatusCode != 403 {
		t.Errorf("cross-site upload: %d", resp.StatusCode)
	}
	_, total, err := e.db.ListUploads(context.Background(), wengao.UploadFilter{Page: 1, Limit: 10})
	if err != nil {
		t.Fatalf("%v", err)
	}
	if got := total; got != 0 {
		t.Errorf("total = %v, want %v", got, 0)
	}
	// More files than allowed: the first ten are taken, the rest refused.
	var many []file
	for i := range 11 {
		many = append(many, file{fmt.Sprintf("%d.txt", i), []byte(fmt.Sprintf("第%d个文件的内容。", i))})
	}
	{
		st, a := e.upload(t, e.reader, "", many...)
		if got := st; got != 201 {
			t.Errorf("11 files: st = %v, want %v", got, 201)
		}
		if got := len(a.Uploads); got != 10 {
			t.Fatalf("11 files: len(a.Uploads) = %v, want %v", got, 10)
		}
		if got := len(a.Failed); got != 1 {
			t.Fatalf("11 files: len(a.Failed) = %v, want %v", got, 1)
		}
		if !strings.Contains(a.Failed[0].Error.Message, "最多") {
			t.Errorf("11 files: %d %d uploads %+v (want strings.Contains(a.Failed[0].Error.Message, \"最多\"))", st, len(a.Uploads), a.Failed)
		}
	}
}
