package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/copycheck"
	"github.com/wengao/wengao/http/web"
	"github.com/wengao/wengao/ingest"
	"github.com/wengao/wengao/sqlite"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

// checkEnv is the sample library with the copy check (查重): its index not
// yet built (Build builds it), a reader and a moderator logged in.
type checkEnv struct {
	*uploadEnv
	checker *copycheck.Checker
}

func newCheckEnv(t *testing.T) *checkEnv {
	t.Helper()
	e := &checkEnv{uploadEnv: newUploadEnv(t)}
	e.checker = copycheck.New(e.db.SearchStore(), copycheck.Options{Maskers: e.db.Maskers(), Background: true})
	e.srv.CopyChecker = e.checker
	return e
}

func (e *checkEnv) build(t *testing.T) {
	t.Helper()
	if err := e.checker.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// checkAnswer is a response of POST /api/v1/check.
type checkAnswer struct {
	status int
	header http.Header
	raw    []byte
	report wengao.CopyReport
	err    struct{ Code, Message string }
}

// checkJSON posts a draft as JSON, from the site's origin.
func (e *checkEnv) checkJSON(t *testing.T, c *http.Client, text string) checkAnswer {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"text": text})
	return e.post(t, c, "/api/v1/check", "application/json", body)
}

// checkFile posts a draft as a multipart file.
func (e *checkEnv) checkFile(t *testing.T, c *http.Client, name string, data []byte) checkAnswer {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, _ := mw.CreateFormFile("file", name)
	w.Write(data)
	mw.Close()
	return e.post(t, c, "/api/v1/check", mw.FormDataContentType(), body.Bytes())
}

func (e *checkEnv) post(t *testing.T, c *http.Client, path, contentType string, body []byte) checkAnswer {
	t.Helper()
	req, _ := http.NewRequest("POST", e.ts.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", browserUA)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	a := checkAnswer{status: resp.StatusCode, header: resp.Header}
	a.raw, _ = io.ReadAll(resp.Body)
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if resp.StatusCode == http.StatusOK {
			if err := json.Unmarshal(a.raw, &a.report); err != nil {
				t.Fatalf("report: %v: %s", err, a.raw)
			}
		} else {
			var out struct {
				Error struct{ Code, Message string }
			}
			json.Unmarshal(a.raw, &out)
			a.err = out.Error
		}
	}
	return a
}

// postForm posts a form to the page, from the site's origin.
func (e *checkEnv) postForm(t *testing.T, c *http.Client, form url.Values) checkAnswer {
	t.Helper()
	return e.post(t, c, "/check", "application/x-www-form-urlencoded", []byte(form.Encode()))
}

// copiedDraft is a draft holding a sentence of a sample document between
// sentences of its own, and that document.
func copiedDraft(t *testing.T, db *sqlite.DB) (string, string, *wengao.Document) {
	t.Helper()
	for _, d := range sqlitetest.SampleDocuments(t) {
		for _, p := range d.Body {
			if n := utf8.RuneCountInString(p); n >= 80 && n <= 400 {
				passage := string([]rune(p)[:60])
				draft := "本报告由起草组于今年春天撰写，供内部讨论。\n" + passage + "\n以上意见请各位同志认真研究，提出修改建议。"
				return draft, passage, d
			}
		}
	}
	t.Fatal("no paragraph of 80 to 400 characters in the sample library")
	return "", "", nil
}

func TestCheckAPI(t *testing.T) {
	e := newCheckEnv(t)
	draft, passage, doc := copiedDraft(t, e.db)

	if a := e.checkJSON(t, e.anonymous, draft); a.status != http.StatusUnauthorized {
		t.Errorf("not logged in: status %d, want 401", a.status)
	}

	// While the index is being built: 503 with Retry-After, at once.
	a := e.checkJSON(t, e.reader, draft)
	if a.status != http.StatusServiceUnavailable {
		t.Fatalf("before the index is built: status %d, want 503: %s", a.status, a.raw)
	}
	if got := a.header.Get("Retry-After"); got == "" {
		t.Errorf("before the index is built: no Retry-After")
	}
	if !strings.Contains(a.err.Message, "查重索引正在建立") {
		t.Errorf("before the index is built: message %q, want it to say the index is being built", a.err.Message)
	}
	e.build(t)

	a = e.checkJSON(t, e.reader, draft)
	if a.status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", a.status, a.raw)
	}
	// The contract's fields, by their JSON names.
	var raw map[string]any
	if err := json.Unmarshal(a.raw, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"copied", "chars", "passages", "findings", "paragraphs"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("report lacks %q: %s", k, a.raw)
		}
	}
	passages, _ := raw["passages"].([]any)
	if len(passages) == 0 {
		t.Fatalf("no passage found of a sentence copied from %s: %s", doc.ID, a.raw)
	}
	p0, _ := passages[0].(map[string]any)
	for _, k := range []string{"start", "end", "document_id", "title", "date", "source_start", "source_end", "similarity"} {
		if _, ok := p0[k]; !ok {
			t.Errorf("passage lacks %q: %v", k, p0)
		}
	}
	p := a.report.Passages[0]
	if got := string([]rune(draft)[p.Start:p.End]); !strings.Contains(got, string([]rune(passage)[5:40])) {
		t.Errorf("passage [%d, %d) of the draft = %q, want the copied sentence %q", p.Start, p.End, got, passage)
	}
	if a.report.Copied <= 0 || a.report.Copied >= 1 {
		t.Errorf("copied = %v, want between 0 and 1", a.report.Copied)
	}
	if got, want := a.report.Chars, utf8.RuneCountInString(strings.ReplaceAll(draft, "\n", "")); got != want {
		t.Errorf("chars = %d, want %d", got, want)
	}

	// Format findings carry line, rule, message and expected.
	a = e.checkJSON(t, e.reader, "关于加强管理的通知。\n一、总体要求\n（三）、工作目标\n2023年2月30日")
	if a.status != http.StatusOK {
		t.Fatalf("format draft: status %d: %s", a.status, a.raw)
	}
	if len(a.report.Findings) == 0 {
		t.Fatalf("format draft: no findings")
	}
	json.Unmarshal(a.raw, &raw)
	f0, _ := raw["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"line", "rule", "message", "expected"} {
		if _, ok := f0[k]; !ok {
			t.Errorf("finding lacks %q: %v", k, f0)
		}
	}

	// A multipart file: a .docx and a .txt.
	a = e.checkFile(t, e.reader, "draft.txt", []byte(draft))
	if a.status != http.StatusOK {
		t.Fatalf("multipart .txt: status %d: %s", a.status, a.raw)
	}
	if len(a.report.Passages) == 0 {
		t.Errorf("multipart .txt: no passage found")
	}
	a = e.checkFile(t, e.reader, "notice.docx", noticeDocx(t, ""))
	if a.status != http.StatusOK {
		t.Fatalf("multipart .docx: status %d: %s", a.status, a.raw)
	}
	if a.report.Chars < 100 {
		t.Errorf("multipart .docx: chars = %d, want the notice's text", a.report.Chars)
	}

	// A request from another site is refused, as every state change.
	req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/check", strings.NewReader(`{"text":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := e.reader.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: status %d, want 403", resp.StatusCode)
	}
}

func TestCheckHostileInput(t *testing.T) {
	e := newCheckEnv(t)
	e.build(t)
	e.srv.Settings.CheckDailyQuota = 100
	tests := []struct {
		name   string
		send   func() checkAnswer
		status int
	}{
		{"huge draft", func() checkAnswer {
			return e.checkJSON(t, e.reader, strings.Repeat("各地要加强管理。", wengao.MaxDraftChars/8+10))
		}, http.StatusRequestEntityTooLarge},
		{"huge JSON body", func() checkAnswer {
			return e.post(t, e.reader, "/api/v1/check", "application/json", []byte(`{"text":"`+strings.Repeat(`\u4e00`, wengao.MaxDraftBytes+10)+`"}`))
		}, http.StatusRequestEntityTooLarge},
		{"binary text", func() checkAnswer { return e.checkJSON(t, e.reader, "文稿\x00\x01\x02\x03") }, http.StatusBadRequest},
		{"binary file", func() checkAnswer {
			return e.checkFile(t, e.reader, "draft.txt", []byte("\x00\x01\x02\xff\xfe binary"))
		}, http.StatusBadRequest},
		{"broken docx", func() checkAnswer {
			return e.checkFile(t, e.reader, "draft.docx", []byte("PK\x03\x04 not a zip"))
		}, http.StatusBadRequest},
		{"unsupported file", func() checkAnswer { return e.checkFile(t, e.reader, "draft.exe", []byte("MZ")) }, http.StatusBadRequest},
		{"empty", func() checkAnswer { return e.checkJSON(t, e.reader, "  \n ") }, http.StatusBadRequest},
		{"not JSON", func() checkAnswer { return e.post(t, e.reader, "/api/v1/check", "application/json", []byte("{text")) }, http.StatusBadRequest},
		{"no body", func() checkAnswer { return e.post(t, e.reader, "/api/v1/check", "text/plain", []byte("文稿")) }, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.send()
			if a.status != tt.status {
				t.Errorf("status %d, want %d: %.200s", a.status, tt.status, a.raw)
			}
			if a.err.Message == "" {
				t.Errorf("no error message: %.200s", a.raw)
			}
		})
	}

	// HTML in a draft is text on the page and in the HTML report.
	draft := "关于<script>alert(1)</script>的通知\n各单位要<b>加强</b>管理。"
	a := e.postForm(t, e.reader, url.Values{"text": {draft}})
	if a.status != http.StatusOK {
		t.Fatalf("page: status %d: %.300s", a.status, a.raw)
	}
	if bytes.Contains(a.raw, []byte("<script>alert")) || bytes.Contains(a.raw, []byte("<b>加强")) {
		t.Errorf("page: the draft's HTML is not escaped")
	}
	if !bytes.Contains(a.raw, []byte("&lt;script&gt;alert(1)")) {
		t.Errorf("page: the draft's text is not shown escaped")
	}
	a = e.postForm(t, e.reader, url.Values{"text": {draft}, "format": {"html"}})
	if a.status != http.StatusOK {
		t.Fatalf("HTML report: status %d", a.status)
	}
	if bytes.Contains(a.raw, []byte("<script>alert")) {
		t.Errorf("HTML report: the draft's HTML is not escaped")
	}
}

func TestCheckQuota(t *testing.T) {
	e := newCheckEnv(t)
	e.build(t)
	e.srv.Settings.CheckDailyQuota = 2
	draft, _, _ := copiedDraft(t, e.db)
	for i := 1; i <= 2; i++ {
		if a := e.checkJSON(t, e.reader, draft+strings.Repeat("。", i)); a.status != http.StatusOK {
			t.Fatalf("check %d of 2: status %d: %s", i, a.status, a.raw)
		}
	}
	a := e.checkJSON(t, e.reader, draft)
	if a.status != http.StatusTooManyRequests {
		t.Fatalf("check 3 of 2: status %d, want 429: %s", a.status, a.raw)
	}
	if !strings.Contains(a.err.Message, "今日查重次数已用完") {
		t.Errorf("check 3 of 2: message %q, want it to say the day's checks are used up", a.err.Message)
	}
	// The count is in the store, not the server.
	ctx := context.Background()
	day := e.srv.Time().In(web.SiteZone).Format(wengao.DayLayout)
	if n, err := e.db.ChecksUsed(ctx, e.uploader.ID, day); err != nil || n != 2 {
		t.Errorf("ChecksUsed = %d, %v, want 2, nil", n, err)
	}
	// Moderators are not counted.
	for i := 0; i < 3; i++ {
		if a := e.checkJSON(t, e.moderator, draft); a.status != http.StatusOK {
			t.Fatalf("moderator's check %d: status %d: %s", i+1, a.status, a.raw)
		}
	}
	// A quota of 0 closes the check to readers, not to moderators.
	e.srv.Settings.CheckDailyQuota = 0
	if a := e.checkJSON(t, e.reader, draft); a.status != http.StatusForbidden {
		t.Errorf("quota 0, reader: status %d, want 403", a.status)
	}
	if a := e.checkJSON(t, e.moderator, draft); a.status != http.StatusOK {
		t.Errorf("quota 0, moderator: status %d, want 200", a.status)
	}
	if code, _ := serve(e.srv, "/check", nil); code != http.StatusSeeOther && code != http.StatusFound {
		t.Errorf("GET /check not logged in: status %d, want a redirect to the login page", code)
	}
}

func TestCheckRateLimit(t *testing.T) {
	e := newCheckEnv(t)
	e.build(t)
	e.srv.Settings.CheckDailyQuota = 1000
	var a checkAnswer
	for i := 0; i < 10; i++ {
		a = e.checkJSON(t, e.reader, "各单位要加强管理，第"+strings.Repeat("一", i+1)+"条。")
		if a.status != http.StatusOK {
			break
		}
	}
	if a.status != http.StatusTooManyRequests {
		t.Fatalf("10 checks in a minute: last status %d, want 429", a.status)
	}
	if a.header.Get("Retry-After") == "" {
		t.Errorf("rate limit: no Retry-After")
	}
}

func TestCheckOff(t *testing.T) {
	e := &checkEnv{uploadEnv: newUploadEnv(t)} // no CopyChecker
	if a := e.checkJSON(t, e.reader, "各单位要加强管理。"); a.status != http.StatusNotFound {
		t.Errorf("API without a checker: status %d, want 404", a.status)
	}
	c := e.clientFor(t, e.uploader.ID)
	resp, err := c.Get(e.ts.URL + "/check")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("page without a checker: status %d, want 404", resp.StatusCode)
	}
	if bytes.Contains(body, []byte(`href="/check"`)) {
		t.Errorf("the nav links /check without a checker")
	}
}

func TestCheckPage(t *testing.T) {
	e := newCheckEnv(t)
	e.srv.Settings.CheckDailyQuota = 2
	draft, _, doc := copiedDraft(t, e.db)

	resp, err := e.reader.Get(e.ts.URL + "/check")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("page while the index is built: status %d, want 503", resp.StatusCode)
	}
	for _, want := range []string{"文稿仅用于本次检测，不保存", "查重索引正在建立", `href="/check"`, `name="file"`, `name="text"`, "今日还可查重"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("page lacks %q", want)
		}
	}
	e.build(t)

	// The page's own form is multipart, with the text and no file.
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	mw.WriteField("text", draft+"\n（一）、工作目标")
	fw, _ := mw.CreateFormFile("file", "")
	fw.Write(nil)
	mw.Close()
	a := e.post(t, e.reader, "/check", mw.FormDataContentType(), mp.Bytes())
	if a.status != http.StatusOK {
		t.Fatalf("page check: status %d: %.300s", a.status, a.raw)
	}
	for _, want := range []string{"<mark>", web.DocURL(doc.ID), "复制比", "第 4 行", "（一）", "一键更正", `name="format" value="docx"`, `name="format" value="html"`} {
		if !bytes.Contains(a.raw, []byte(want)) {
			t.Errorf("result lacks %q", want)
		}
	}

	// The downloads post the draft again; they do not count as checks.
	text := draft + "\n（一）、工作目标"
	for _, f := range []struct{ format, contentType string }{
		{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"html", "text/html; charset=utf-8"},
	} {
		a := e.postForm(t, e.reader, url.Values{"text": {text}, "format": {f.format}})
		if a.status != http.StatusOK {
			t.Fatalf("%s report: status %d: %.300s", f.format, a.status, a.raw)
		}
		if got := a.header.Get("Content-Type"); got != f.contentType {
			t.Errorf("%s report: Content-Type %q, want %q", f.format, got, f.contentType)
		}
		if !strings.Contains(a.header.Get("Content-Disposition"), "attachment") {
			t.Errorf("%s report: not an attachment", f.format)
		}
	}
	day := e.srv.Time().In(web.SiteZone).Format(wengao.DayLayout)
	if n, _ := e.db.ChecksUsed(context.Background(), e.uploader.ID, day); n != 1 {
		t.Errorf("checks counted after a check and its two downloads = %d, want 1", n)
	}
}

// TestCheckGating checks that a draft copying a sentence from the part of
// a document a reader may not read gets that sentence back as the source,
// and nothing around it: not in the JSON, on the page or in the reports.
func TestCheckGating(t *testing.T) {
	e := newCheckEnv(t)
	e.build(t)
	e.srv.Settings.CheckDailyQuota = 100
	rule := e.srv.Settings.PreviewRule
	var doc *wengao.Document
	var para []rune
	var hiddenIdx int
	for _, d := range sqlitetest.SampleDocuments(t) {
		shown, full := rule.Cut(d.Body)
		if full {
			continue
		}
		for i := len(shown) + 1; i < len(d.Body); i++ {
			if n := utf8.RuneCountInString(d.Body[i]); n >= 150 && n <= 600 {
				doc, para, hiddenIdx = d, []rune(d.Body[i]), i
				break
			}
		}
		if doc != nil {
			break
		}
	}
	if doc == nil {
		t.Fatal("no document with a long paragraph past its preview")
	}
	// The middle of the hidden paragraph, between text of the draft's own.
	mid := len(para) / 2
	copied := string(para[mid-30 : mid+30])
	before, after := string(para[mid-60:mid-32]), string(para[mid+32:mid+60])
	draft := "本报告由起草组于今年春天撰写，供内部讨论使用。" + copied + "以上意见请各位同志认真研究，提出修改建议。"
	t.Logf("document %s, paragraph %d: %q", doc.ID, hiddenIdx, copied)

	a := e.checkJSON(t, e.reader, draft)
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.raw)
	}
	if len(a.report.Passages) == 0 {
		t.Fatalf("the copied sentence was not found: %s", a.raw)
	}
	src := a.report.Passages[0].Source
	if !strings.Contains(src, string(para[mid-20:mid+20])) {
		t.Errorf("source %q, want the copied sentence %q", src, copied)
	}
	if n, max := utf8.RuneCountInString(src), len([]rune(copied))+4; n > max {
		t.Errorf("source holds %d characters, want at most %d (the passage itself)", n, max)
	}
	page := e.postForm(t, e.reader, url.Values{"text": {draft}})
	htmlReport := e.postForm(t, e.reader, url.Values{"text": {draft}, "format": {"html"}})
	docxReport := e.postForm(t, e.reader, url.Values{"text": {draft}, "format": {"docx"}})
	docxText := ""
	if d, err := ingest.File(context.Background(), "report.docx", bytes.NewReader(docxReport.raw), ingest.Options{}); err == nil {
		docxText = d.Meta.Title + "\n" + strings.Join(d.Body, "\n")
	} else {
		t.Errorf("docx report: %v", err)
	}
	for _, out := range []struct {
		name, text string
	}{
		{"JSON", string(a.raw)}, {"page", pageText(string(page.raw))}, {"HTML report", pageText(string(htmlReport.raw))}, {"docx report", docxText},
	} {
		for _, hidden := range []string{string([]rune(before)[len([]rune(before))-12:]), string([]rune(after)[:12]), before, after} {
			if strings.Contains(out.text, hidden) {
				t.Errorf("%s reveals hidden text around the passage: %q", out.name, hidden)
			}
		}
	}
}

// TestCheckQuotaSetting checks that the console saves the daily quota and
// that the check follows it without a restart.
func TestCheckQuotaSetting(t *testing.T) {
	ue, admin := consoleEnv(t)
	e := &checkEnv{uploadEnv: ue}
	e.checker = copycheck.New(e.db.SearchStore(), copycheck.Options{Maskers: e.db.Maskers(), Background: true})
	e.srv.CopyChecker = e.checker
	e.build(t)
	st := wengao.DefaultSettings()
	values := url.Values{
		"site_name": {st.SiteName}, "preview_percent": {fmt.Sprint(st.Percent)}, "preview_max_chars": {fmt.Sprint(st.MaxChars)},
		"download_price": {fmt.Sprint(st.DownloadPrice)}, "upload_reward": {fmt.Sprint(st.UploadReward)}, "signin_points": {fmt.Sprint(st.SignInPoints)},
		"signup_bonus": {fmt.Sprint(st.SignupBonus)}, "upload_max_mb": {fmt.Sprint(st.UploadMaxBytes >> 20)}, "near_duplicate_policy": {st.NearDuplicatePolicy},
		"check_daily_quota": {"0"},
	}
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	if resp, body := post(t, admin, e.ts.URL+"/admin/settings", values.Encode(), form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving settings: %d %s", resp.StatusCode, body)
	}
	saved, _, err := e.db.LoadSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if saved.CheckDailyQuota != 0 {
		t.Errorf("saved check_daily_quota = %d, want 0", saved.CheckDailyQuota)
	}
	if a := e.checkJSON(t, e.reader, "各单位要加强管理。"); a.status != http.StatusForbidden {
		t.Errorf("reader after the quota was set to 0: status %d, want 403", a.status)
	}
	values.Set("check_daily_quota", "-1")
	if resp, _ := post(t, admin, e.ts.URL+"/admin/settings", values.Encode(), form); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("negative quota: status %d, want 400", resp.StatusCode)
	}
}
