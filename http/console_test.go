package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wengao/wengao"
)

// consoleEnv is the upload environment with the whole console wired and
// an admin.
func consoleEnv(t *testing.T) (*uploadEnv, *http.Client) {
	e := newUploadEnv(t)
	admin, err := e.db.FindUserByName(context.Background(), "管理员")
	if err != nil {
		t.Fatal(err)
	}
	return e, e.clientFor(t, admin.ID)
}

func TestComplaintWorkflow(t *testing.T) {
	e, admin := consoleEnv(t)
	ctx := context.Background()
	ids, _ := e.db.DocumentIDs(ctx)
	id := ids[3]
	doc, _ := e.db.FindDocumentByID(ctx, id)
	var apiErr apiError
	// Malformed complaints get clear errors.
	for _, body := range []string{`{"document_id":"` + id + `","kind":"copyright","reason":"","contact":"x@example.org"}`, `{"document_id":"` + id + `","kind":"spam","reason":"r","contact":"c"}`, `{"document_id":"nope","kind":"copyright","reason":"r","contact":"c"}`} {
		if st := call(t, e.anonymous, "POST", e.ts.URL+"/api/v1/complaints", body, &apiErr); st != 400 && st != 404 {
			t.Errorf("%s: %d %+v", body, st, apiErr)
		}
	}
	// A takedown notice with what the law asks for, from an account in
	// good standing.
	e.srv.Settings.TakedownAccountDays = 0
	var c wengao.Complaint
	body, ct := multipartBody(map[string]string{"document_id": id, "kind": "copyright", "reason": "未经授权转载", "contact": "legal@example.org",
		"rights_holder": "某某出版社", "work": "《文集》"}, "证明.pdf", []byte("%PDF-1.4"))
	{
		resp, raw := post(t, e.reader, e.ts.URL+"/api/v1/complaints", body, map[string]string{"Content-Type": ct})
		if got := resp.StatusCode; got != 201 {
			t.Fatalf("complaint: resp.StatusCode = %v, want %v", got, 201)
		}
		if got := json.Unmarshal(raw, &c); got != nil {
			t.Fatalf("complaint: json.Unmarshal(raw, &c) = %v, want %v", got, nil)
		}
		if c.ID == 0 {
			t.Fatalf("complaint: %d %s (want not c.ID == 0)", resp.StatusCode, raw)
		}
		if got := c.Status; got != wengao.ComplaintOpen {
			t.Fatalf("complaint: c.Status = %v, want %v", got, wengao.ComplaintOpen)
		}
	}
	// Hidden at once: 451 on the page and the API, gone from search.
	for _, path := range []string{"/doc/" + id, "/api/v1/documents/" + id} {
		if code, _ := serve(e.srv, path, nil); code != http.StatusUnavailableForLegalReasons {
			t.Errorf("%s while the complaint is open: %d", path, code)
		}
	}
	var res wengao.SearchResult
	getJSON(t, e.ts.URL+"/api/v1/search?q="+url.QueryEscape(`"`+doc.Title+`"`), 200, &res)
	for _, h := range res.Hits {
		if h.ID == id {
			t.Errorf("a hidden document is found")
		}
	}
	// Readers may not handle complaints; moderators and admins may.
	if st := call(t, e.reader, "GET", e.ts.URL+"/api/v1/admin/complaints", "", &apiErr); st != 403 {
		t.Errorf("reader lists complaints: %d", st)
	}
	var list struct {
		Total      int
		Complaints []wengao.Complaint
	}
	{
		st := call(t, e.moderator, "GET", e.ts.URL+"/api/v1/admin/complaints?status=open", "", &list)
		if got := st; got != 200 {
			t.Fatalf("open complaints: st = %v, want %v", got, 200)
		}
		if got := list.Total; got != 1 {
			t.Fatalf("open complaints: list.Total = %v, want %v", got, 1)
		}
		if got := list.Complaints[0].DocumentTitle; got != doc.Title {
			t.Fatalf("open complaints: list.Complaints[0].DocumentTitle = %v, want %v", got, doc.Title)
		}
	}
	var done wengao.Complaint
	{
		st := call(t, e.moderator, "POST", fmt.Sprintf("%s/api/v1/admin/complaints/%d/reject", e.ts.URL, c.ID), `{"note":"公开发布的政府文件"}`, &done)
		if got := st; got != 200 {
			t.Fatalf("reject: st = %v, want %v", got, 200)
		}
		if got := done.Status; got != wengao.ComplaintRejected {
			t.Fatalf("reject: done.Status = %v, want %v", got, wengao.ComplaintRejected)
		}
	}
	if code, _ := serve(e.srv, "/doc/"+id, nil); code != 200 {
		t.Errorf("after the rejection: %d", code)
	}
	// Upheld: the document is gone for good (to the recycle bin).
	call(t, e.anonymous, "POST", e.ts.URL+"/api/v1/complaints", `{"document_id":"`+id+`","kind":"copyright","reason":"再次投诉","contact":"legal@example.org"}`, &c)
	{
		st := call(t, admin, "POST", fmt.Sprintf("%s/api/v1/admin/complaints/%d/uphold", e.ts.URL, c.ID), `{"note":"投诉成立"}`, &done)
		if got := st; got != 200 {
			t.Fatalf("uphold: st = %v, want %v", got, 200)
		}
		if got := done.Status; got != wengao.ComplaintUpheld {
			t.Fatalf("uphold: done.Status = %v, want %v", got, wengao.ComplaintUpheld)
		}
	}
	if code, _ := serve(e.srv, "/doc/"+id, nil); code != 404 {
		t.Errorf("after upholding: %d", code)
	}
	full, err := e.db.FindComplaint(ctx, c.ID)
	if err != nil {
		t.Fatalf("events: %v", err)
	}
	if len(full.Events) < 3 {
		t.Fatalf("events: %+v %v (want not len(full.Events) < 3)", full, err)
	}
	entries, _, err := e.db.ListAudit(ctx, "", 1, 50)
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	if len(entries) < 3 {
		t.Errorf("audit: %d entries, %v (want not len(entries) < 3)", len(entries), err)
	}
}

func TestConsoleSettingsAndBans(t *testing.T) {
	e, admin := consoleEnv(t)
	ctx := context.Background()
	ids, _ := e.db.DocumentIDs(ctx)
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	st := wengao.DefaultSettings()
	values := url.Values{
		"site_name": {"公文文稿库"}, "preview_percent": {"50"}, "preview_max_chars": {"800"}, "download_price": {"7"},
		"upload_reward": {"12"}, "signin_points": {"3"}, "signup_bonus": {fmt.Sprint(st.SignupBonus)}, "upload_max_mb": {"10"}, "near_duplicate_policy": {"reject"},
	}
	// Moderators may not change settings.
	if resp, _ := post(t, e.moderator, e.ts.URL+"/admin/settings", values.Encode(), form); resp.StatusCode != 403 {
		t.Errorf("moderator saving settings: %d", resp.StatusCode)
	}
	if resp, body := post(t, admin, e.ts.URL+"/admin/settings", values.Encode(), form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving settings: %d %s", resp.StatusCode, body)
	}
	// Applied without a restart.
	var doc struct{ Price int }
	getJSON(t, e.ts.URL+"/api/v1/documents/"+ids[0], 200, &doc)
	if doc.Price != 7 {
		t.Errorf("price %d after the settings changed to 7", doc.Price)
	}
	if _, page := serve(e.srv, "/", nil); !strings.Contains(page, "公文文稿库") {
		t.Errorf("the site name is not shown")
	}
	values.Set("preview_percent", "0")
	{
		resp, body := post(t, admin, e.ts.URL+"/admin/settings", values.Encode(), form)
		if got := resp.StatusCode; got != 400 {
			t.Errorf("bad settings: resp.StatusCode = %v, want %v", got, 400)
		}
		if !strings.Contains(string(body), "试读比例") {
			t.Errorf("bad settings: %d (want strings.Contains(string(body), \"试读比例\"))", resp.StatusCode)
		}
	}
	// A download ban holds until its day is over.
	until := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, 3).Format(wengao.DayLayout)
	if resp, body := post(t, admin, fmt.Sprintf("%s/admin/users/%d/bans", e.ts.URL, e.uploader.ID), url.Values{"download_until": {until}}.Encode(), form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("ban: %d %s", resp.StatusCode, body)
	}
	resp, body := post(t, e.reader, e.ts.URL+"/api/v1/documents/"+ids[0]+"/download", "", nil)
	if got := resp.StatusCode; got != 403 {
		t.Errorf("banned download: resp.StatusCode = %v, want %v", got, 403)
	}
	if !strings.Contains(string(body), "不能下载") {
		t.Errorf("banned download: %d %s (want strings.Contains(string(body), \"不能下载\"))", resp.StatusCode, body)
	}
	// Points adjusted by an admin, with a reason, in the ledger.
	if resp, _ := post(t, admin, fmt.Sprintf("%s/admin/users/%d/points", e.ts.URL, e.uploader.ID), url.Values{"amount": {"30"}, "reason": {"征文奖励"}}.Encode(), form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("points: %d", resp.StatusCode)
	}
	entries, _, _ := e.db.Entries(ctx, e.uploader.ID, 1, 1)
	if got := len(entries); got != 1 {
		t.Fatalf("adjustment: len(entries) = %v, want %v", got, 1)
	}
	if got := entries[0].Amount; got != 30 {
		t.Errorf("adjustment: entries[0].Amount = %v, want %v", got, 30)
	}
	if got := entries[0].Reason; got != "征文奖励" {
		t.Errorf("adjustment: entries[0].Reason = %v, want %v", got, "征文奖励")
	}
	if entries[0].OperatorID == 0 {
		t.Errorf("adjustment: %+v (want not entries[0].OperatorID == 0)", entries)
	}
	// Masking rules by API, admins only.
	var masks struct{ Rules []wengao.MaskRule }
	if st := call(t, e.moderator, "POST", e.ts.URL+"/api/v1/admin/masks", `{"word":"党委","shown":"D委"}`, nil); st != 403 {
		t.Errorf("moderator adding a rule: %d", st)
	}
	{
		st := call(t, admin, "POST", e.ts.URL+"/api/v1/admin/masks", `{"word":"党委","shown":"D委"}`, &masks)
		if got := st; got != 200 {
			t.Errorf("admin adding a rule: st = %v, want %v", got, 200)
		}
		if got := len(masks.Rules); got != 1 {
			t.Errorf("admin adding a rule: len(masks.Rules) = %v, want %v", got, 1)
		}
	}
}

// TestConsoleAbbreviations: an admin's abbreviation makes search find the
// full form by the short one (and is audited); a moderator may not add
// one; removing it ends that.
func TestConsoleAbbreviations(t *testing.T) {
	e, admin := consoleEnv(t)
	ctx := context.Background()
	doc := &wengao.Document{ID: "abbr-1", Title: "文稿库管理办公室关于整理公文样本的通知", Date: "2025-03-01", Body: []string{"各处室：请整理公文样本。"}}
	if _, err := e.db.SaveDocuments(ctx, []*wengao.Document{doc}); err != nil {
		t.Fatal(err)
	}
	found := func() bool {
		t.Helper()
		var res wengao.SearchResult
		if st := call(t, e.anonymous, "GET", e.ts.URL+"/api/v1/search?strict=1&q="+url.QueryEscape("文稿库办 样本"), "", &res); st != 200 {
			t.Fatalf("search: status %d", st)
		}
		for _, h := range res.Hits {
			if h.ID == doc.ID {
				return true
			}
		}
		return false
	}
	page := func() string {
		t.Helper()
		resp, err := e.anonymous.Get(e.ts.URL + "/search?strict=1&q=" + url.QueryEscape("文稿库办 样本"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if found() {
		t.Fatal("found by the short form before any entry")
	}
	if strings.Contains(page(), `href="/doc/abbr-1"`) { // and cached so
		t.Fatal("the search page lists it before any entry")
	}
	form := func(c *http.Client, v url.Values) int {
		t.Helper()
		resp, err := c.PostForm(e.ts.URL+"/admin/abbreviations", v)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	add := url.Values{"action": {"add"}, "short": {"文稿库办"}, "full": {"文稿库管理办公室"}}
	if st := form(e.moderator, add); st != http.StatusForbidden {
		t.Errorf("moderator adding an abbreviation: status %d, want 403", st)
	}
	if found() {
		t.Error("found after a moderator's refused entry")
	}
	if st := form(admin, url.Values{"action": {"add"}, "short": {"文稿库办"}, "full": {"文稿库办"}}); st != http.StatusBadRequest {
		t.Errorf("an entry whose forms are the same: status %d, want 400", st)
	}
	if st := form(admin, add); st != http.StatusSeeOther {
		t.Fatalf("admin adding an abbreviation: status %d, want 303", st)
	}
	if !found() {
		t.Error("not found by the short form after the entry was added")
	}
	if !strings.Contains(page(), `href="/doc/abbr-1"`) {
		t.Error("the cached search page was kept after the entry was added")
	}
	entries, _, err := e.db.ListAudit(ctx, "abbreviation:文稿库办", 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Action != "abbreviation.add" {
		t.Errorf("audit entries of the abbreviation: %+v, want one abbreviation.add", entries)
	}
	if st := form(admin, url.Values{"action": {"remove"}, "short": {"文稿库办"}}); st != http.StatusSeeOther {
		t.Fatalf("admin removing an abbreviation: status %d, want 303", st)
	}
	if found() {
		t.Error("still found by the short form after the entry was removed")
	}
}
