package http_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wengao/wengao"
)

// The role × entity × transition matrix, through the JSON API and the
// site's forms. The expected outcome of every case is written out here,
// not derived from the root package's transition tables, so that the
// test pins the product's rules: a change to the tables that changes
// what someone may do fails here until this matrix says so too.

// outcome is what a request should come to.
type outcome int

const (
	allowed   outcome = iota + 1 // done: API 200, site 303 back to the console
	login                        // not signed in: API 401, site 303 to /login
	forbidden                    // 403
	notFound                     // 404: the upload is not shown to the actor
	conflict                     // 409: no one may make the move from this state
	invalid                      // 400
)

func (o outcome) String() string {
	return [...]string{"?", "allowed", "login", "forbidden", "notFound", "conflict", "invalid"}[o]
}

// front is one of the two ways to ask for a change.
type front string

const (
	api  front = "api"
	site front = "site"
)

// The actors. owner is a reader who owns the entity (uploaded the upload
// or the document, made the complaint, is the account); modOwner is a
// moderator who does (their own upload, their own complaint).
const (
	anonymous = "anonymous"
	reader    = "reader"
	owner     = "owner"
	moderator = "moderator"
	modOwner  = "moderator-owner"
	admin     = "admin"
)

// rulesEnv is the console environment with a client for each actor.
type rulesEnv struct {
	*uploadEnv
	clients map[string]*http.Client
	users   map[string]*wengao.User
	seq     int
}

func newRulesEnv(t *testing.T) *rulesEnv {
	t.Helper()
	e, adminClient := consoleEnv(t)
	ctx := context.Background()
	r := &rulesEnv{uploadEnv: e, clients: map[string]*http.Client{}, users: map[string]*wengao.User{}}
	find := func(name string) *wengao.User {
		u, err := e.db.FindUserByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	other, err := e.db.CreateUser(ctx, wengao.NewUser{Username: "另一位读者", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	r.users[owner], r.users[reader] = e.uploader, other
	r.users[moderator], r.users[modOwner], r.users[admin] = find("审核员"), find("审核员"), find("管理员")
	r.clients[anonymous] = e.anonymous
	r.clients[admin] = adminClient
	for _, name := range []string{owner, reader, moderator, modOwner} {
		r.clients[name] = e.clientFor(t, r.users[name].ID)
	}
	// Nobody is held back by the site's limits while the matrix runs.
	e.srv.Settings.UploadsPerDay = 0
	return r
}

// send makes a request as actor: JSON to the API, a form to the site.
// It returns the status and, for a redirect, where it goes.
func (r *rulesEnv) send(t *testing.T, actor, method, path, body string, f front) (int, string) {
	t.Helper()
	c := r.clients[actor]
	if c == r.anonymous {
		c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	req, err := http.NewRequest(method, r.ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if f == api {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Location")
}

// check compares what a request came to with the outcome wanted.
func check(t *testing.T, f front, status int, location string, want outcome) {
	t.Helper()
	var wantStatus int
	switch want {
	case allowed:
		wantStatus = http.StatusOK
		if f == site {
			wantStatus = http.StatusSeeOther
		}
	case login:
		wantStatus = http.StatusUnauthorized
		if f == site {
			wantStatus = http.StatusSeeOther
		}
	case forbidden:
		wantStatus = http.StatusForbidden
	case notFound:
		wantStatus = http.StatusNotFound
	case conflict:
		wantStatus = http.StatusConflict
	case invalid:
		wantStatus = http.StatusBadRequest
	}
	if status != wantStatus {
		t.Errorf("status %d, want %d (%s)", status, wantStatus, want)
		return
	}
	if f == site && status == http.StatusSeeOther {
		toLogin := strings.HasPrefix(location, "/login")
		if got, wantLogin := toLogin, want == login; got != wantLogin {
			t.Errorf("redirect to %q: to the login page %v, want %v", location, got, wantLogin)
		}
	}
}

// TestRoleTransitionMatrix runs every role over every transition of
// documents, uploads, complaints and account roles, through the API and
// the site, and checks both the answer and the state after it: changed
// as asked when allowed, unchanged when refused.
func TestRoleTransitionMatrix(t *testing.T) {
	r := newRulesEnv(t)
	t.Run("document", r.testDocuments)
	t.Run("upload", r.testUploads)
	t.Run("complaint", r.testComplaints)
	t.Run("role", r.testRoles)
}

// docMove is a move of a document and who may make it.
type docMove struct {
	from, to string
	want     map[string]outcome // by actor
}

// staffOnly is the outcome of a move that moderators and admins make.
var staffOnly = map[string]outcome{anonymous: login, reader: forbidden, owner: forbidden, moderator: allowed, admin: allowed}

// adminOnly is the outcome of a move that only admins make.
var adminOnly = map[string]outcome{anonymous: login, reader: forbidden, owner: forbidden, moderator: forbidden, admin: allowed}

// documentMatrix: moderators hide and publish again; only admins delete
// and bring a document back from the recycle bin, whichever way they ask
// (a moderator's "publish" of a deleted document is refused as its
// "restore" is).
var documentMatrix = []docMove{
	{wengao.DocPublished, wengao.DocPublished, staffOnly},
	{wengao.DocPublished, wengao.DocHidden, staffOnly},
	{wengao.DocPublished, wengao.DocDeleted, adminOnly},
	{wengao.DocHidden, wengao.DocPublished, staffOnly},
	{wengao.DocHidden, wengao.DocHidden, staffOnly},
	{wengao.DocHidden, wengao.DocDeleted, adminOnly},
	{wengao.DocDeleted, wengao.DocPublished, adminOnly},
	{wengao.DocDeleted, wengao.DocHidden, adminOnly},
	{wengao.DocDeleted, wengao.DocDeleted, adminOnly},
}

// siteDocActions name the console's buttons by the state they move a
// document to; restore is the recycle bin's publish.
var siteDocActions = map[string][]string{
	wengao.DocPublished: {"publish", "restore"},
	wengao.DocHidden:    {"hide"},
	wengao.DocDeleted:   {"delete"},
}

func (r *rulesEnv) testDocuments(t *testing.T) {
	ctx := context.Background()
	// The document of an upload of owner, so that owner is its uploader.
	up := r.newUpload(t, owner, wengao.UploadApproved)
	id := up.DocumentID
	if id == "" {
		t.Fatalf("upload %d has no document", up.ID)
	}
	for _, m := range documentMatrix {
		for _, actor := range []string{anonymous, reader, owner, moderator, admin} {
			type attempt struct {
				f            front
				method, path string
				body         string
			}
			attempts := []attempt{{api, "POST", "/api/v1/admin/documents/" + id + "/status", fmt.Sprintf(`{"status":%q,"reason":"矩阵"}`, m.to)}}
			for _, action := range siteDocActions[m.to] {
				attempts = append(attempts, attempt{site, "POST", "/admin/documents/" + id + "/" + action, "reason=矩阵"})
			}
			for _, a := range attempts {
				name := fmt.Sprintf("%s→%s/%s/%s%s", m.from, m.to, actor, a.f, a.path[strings.LastIndexByte(a.path, '/'):])
				t.Run(name, func(t *testing.T) {
					if err := r.db.SetDocumentStatus(ctx, wengao.Actor{}, id, m.from, "矩阵准备"); err != nil {
						t.Fatal(err)
					}
					status, location := r.send(t, actor, a.method, a.path, a.body, a.f)
					want := m.want[actor]
					check(t, a.f, status, location, want)
					_, ad, err := r.db.AdminDocument(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					wantState := m.from
					if want == allowed {
						wantState = m.to
					}
					if ad.Status != wantState {
						t.Errorf("state after: %q, want %q", ad.Status, wantState)
					}
				})
			}
		}
	}
}

// newUpload makes an upload of actor's in state status, through the
// store as the system, with a text of its own.
func (r *rulesEnv) newUpload(t *testing.T, actor, status string) *wengao.Upload {
	t.Helper()
	ctx := context.Background()
	r.seq++
	n := r.seq
	first := wengao.UploadPending
	if status == wengao.UploadDraft {
		first = wengao.UploadDraft
	}
	up := &wengao.Upload{
		UserID: r.users[actor].ID,
		Status: first,
		File:   wengao.SourceFile{Key: fmt.Sprintf("%064x", n), Name: fmt.Sprintf("矩阵%d.txt", n), Size: 100},
		Format: "txt",
		Meta:   wengao.UploadMeta{Title: fmt.Sprintf("关于规则矩阵第%d号的通知", n), Category: "公文/通知"},
		Body:   []string{fmt.Sprintf("第%d号：%s。", n, strings.Repeat(string(rune('甲'+n%200)), 8)), fmt.Sprintf("编号%08d，专供规则矩阵测试。", n*7919)},
		Chars:  40,
	}
	if err := r.db.CreateUpload(ctx, up); err != nil {
		t.Fatal(err)
	}
	var err error
	switch status {
	case wengao.UploadApproved:
		up, err = r.db.ApproveUpload(ctx, up.ID, 0, 0, nil)
	case wengao.UploadRejected:
		up, err = r.db.RejectUpload(ctx, up.ID, 0, "矩阵准备")
	case wengao.UploadDeleted:
		up, err = r.db.DeleteUpload(ctx, up.ID, 0)
	}
	if err != nil {
		t.Fatalf("upload %d to %s: %v", n, status, err)
	}
	if up.Status != status {
		t.Fatalf("upload %d is %s, want %s", n, up.Status, status)
	}
	return up
}

// uploadMove is an action on an upload in a state, where it leads and
// who may take it.
type uploadMove struct {
	from, action, to string
	want             map[string]outcome // by actor
}

// The outcomes of the actions on uploads, by actor. A reader who does
// not own an upload does not see it on the site (404) and is refused
// the moderators' API (403).
var (
	// review: a moderator or admin who did not upload it.
	review = map[string]outcome{anonymous: login, reader: forbidden, owner: forbidden, moderator: allowed, modOwner: forbidden, admin: allowed}
	// reviewLate: a review of an upload no longer in review.
	reviewLate = map[string]outcome{anonymous: login, reader: forbidden, owner: forbidden, moderator: conflict, modOwner: forbidden, admin: conflict}
	// rejectLate: rejecting an upload no longer in review, a move that
	// no one may make (409), whoever asks.
	rejectLate = map[string]outcome{anonymous: login, reader: forbidden, owner: forbidden, moderator: conflict, modOwner: conflict, admin: conflict}
	// removal: any moderator or admin, their own uploads too.
	removal = map[string]outcome{anonymous: login, reader: forbidden, owner: forbidden, moderator: allowed, modOwner: allowed, admin: allowed}
	// removed: deleting what is deleted.
	removed = map[string]outcome{anonymous: login, reader: forbidden, owner: forbidden, moderator: conflict, modOwner: conflict, admin: conflict}
)

var uploadMatrix = []uploadMove{
	{wengao.UploadPending, "approve", wengao.UploadApproved, review},
	{wengao.UploadApproved, "approve", wengao.UploadApproved, review}, // again: nothing changes
	{wengao.UploadDraft, "approve", wengao.UploadApproved, reviewLate},
	{wengao.UploadRejected, "approve", wengao.UploadApproved, reviewLate},
	{wengao.UploadDeleted, "approve", wengao.UploadApproved, reviewLate},
	{wengao.UploadDraft, "reject", wengao.UploadRejected, review},
	{wengao.UploadPending, "reject", wengao.UploadRejected, review},
	{wengao.UploadApproved, "reject", wengao.UploadRejected, rejectLate},
	{wengao.UploadDeleted, "reject", wengao.UploadRejected, rejectLate},
	{wengao.UploadPending, "meta", wengao.UploadPending, review},
	{wengao.UploadDraft, "meta", wengao.UploadPending, reviewLate},
	{wengao.UploadApproved, "meta", wengao.UploadPending, reviewLate},
	{wengao.UploadDraft, "delete", wengao.UploadDeleted, removal},
	{wengao.UploadPending, "delete", wengao.UploadDeleted, removal},
	{wengao.UploadApproved, "delete", wengao.UploadDeleted, removal},
	{wengao.UploadRejected, "delete", wengao.UploadDeleted, removal},
	{wengao.UploadDeleted, "delete", wengao.UploadDeleted, removed},
	// The uploader submits a draft, or a pending upload again with
	// corrected metadata; nobody else does.
	{wengao.UploadDraft, "submit", wengao.UploadPending, map[string]outcome{anonymous: login, reader: notFound, owner: allowed, moderator: forbidden, modOwner: allowed, admin: forbidden}},
	{wengao.UploadPending, "submit", wengao.UploadPending, map[string]outcome{anonymous: login, reader: notFound, owner: allowed, moderator: forbidden, modOwner: allowed, admin: forbidden}},
	{wengao.UploadApproved, "submit", wengao.UploadPending, map[string]outcome{anonymous: login, reader: notFound, owner: conflict, moderator: forbidden, modOwner: conflict, admin: forbidden}},
	{wengao.UploadRejected, "submit", wengao.UploadPending, map[string]outcome{anonymous: login, reader: notFound, owner: conflict, moderator: forbidden, modOwner: conflict, admin: forbidden}},
}

// uploadRequest is the request of action on upload id through f.
func uploadRequest(f front, action string, id int64) (method, path, body string) {
	metaJSON := `{"title":"更正后的标题"}`
	metaForm := url.Values{"title": {"更正后的标题"}, "category": {"公文/通知"}}.Encode()
	switch {
	case action == "submit" && f == api:
		return "POST", fmt.Sprintf("/api/v1/uploads/%d/submit", id), metaJSON
	case action == "submit":
		return "POST", fmt.Sprintf("/me/uploads/%d", id), metaForm
	case action == "delete" && f == api:
		return "DELETE", fmt.Sprintf("/api/v1/admin/uploads/%d", id), ""
	case f == api && action == "reject":
		return "POST", fmt.Sprintf("/api/v1/admin/uploads/%d/reject", id), `{"reason":"不符合收录范围"}`
	case f == api && action == "meta":
		return "POST", fmt.Sprintf("/api/v1/admin/uploads/%d/meta", id), metaJSON
	case f == api:
		return "POST", fmt.Sprintf("/api/v1/admin/uploads/%d/%s", id, action), ""
	case action == "reject":
		return "POST", fmt.Sprintf("/admin/uploads/%d/reject", id), "reason=不符合收录范围"
	case action == "meta":
		return "POST", fmt.Sprintf("/admin/uploads/%d/meta", id), metaForm
	}
	return "POST", fmt.Sprintf("/admin/uploads/%d/%s", id, action), ""
}

func (r *rulesEnv) testUploads(t *testing.T) {
	ctx := context.Background()
	for _, m := range uploadMatrix {
		for _, actor := range []string{anonymous, reader, owner, moderator, modOwner, admin} {
			for _, f := range []front{api, site} {
				t.Run(fmt.Sprintf("%s-%s/%s/%s", m.from, m.action, actor, f), func(t *testing.T) {
					uploader := owner
					if actor == modOwner {
						uploader = modOwner
					}
					up := r.newUpload(t, uploader, m.from)
					method, path, body := uploadRequest(f, m.action, up.ID)
					status, location := r.send(t, actor, method, path, body, f)
					want := m.want[actor]
					check(t, f, status, location, want)
					after, err := r.db.FindUpload(ctx, up.ID)
					if err != nil {
						t.Fatal(err)
					}
					wantState, wantTitle := m.from, up.Meta.Title
					if want == allowed {
						wantState = m.to
						if m.action == "meta" || m.action == "submit" {
							wantTitle = "更正后的标题"
						}
					}
					if after.Status != wantState {
						t.Errorf("state after: %q, want %q", after.Status, wantState)
					}
					if after.Meta.Title != wantTitle {
						t.Errorf("title after: %q, want %q", after.Meta.Title, wantTitle)
					}
				})
			}
		}
	}
}

// complaintMove is a resolution of a complaint in a state and who may
// make it.
type complaintMove struct {
	from, action, to string
	want             map[string]outcome
}

var (
	// resolve: a moderator or admin who did not make the complaint.
	resolve = map[string]outcome{anonymous: login, reader: forbidden, owner: forbidden, moderator: allowed, modOwner: forbidden, admin: allowed}
	// resolved: a complaint resolved already.
	resolved = map[string]outcome{anonymous: login, reader: forbidden, owner: forbidden, moderator: conflict, modOwner: forbidden, admin: conflict}
)

var complaintMatrix = []complaintMove{
	{wengao.ComplaintOpen, "uphold", wengao.ComplaintUpheld, resolve},
	{wengao.ComplaintOpen, "reject", wengao.ComplaintRejected, resolve},
	{wengao.ComplaintUpheld, "reject", wengao.ComplaintRejected, resolved},
	{wengao.ComplaintUpheld, "uphold", wengao.ComplaintUpheld, resolved},
	{wengao.ComplaintRejected, "uphold", wengao.ComplaintUpheld, resolved},
	{wengao.ComplaintRejected, "reject", wengao.ComplaintRejected, resolved},
}

func (r *rulesEnv) testComplaints(t *testing.T) {
	ctx := context.Background()
	ids, err := r.db.DocumentIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range complaintMatrix {
		for _, actor := range []string{anonymous, reader, owner, moderator, modOwner, admin} {
			for _, f := range []front{api, site} {
				t.Run(fmt.Sprintf("%s-%s/%s/%s", m.from, m.action, actor, f), func(t *testing.T) {
					complainant := owner
					if actor == modOwner {
						complainant = modOwner
					}
					c := &wengao.Complaint{DocumentID: ids[len(ids)-1], Kind: wengao.ComplaintOther, Reason: "标题有错别字", Contact: "a@example.org", UserID: r.users[complainant].ID}
					if err := r.db.CreateComplaint(ctx, c); err != nil {
						t.Fatal(err)
					}
					switch m.from {
					case wengao.ComplaintUpheld:
						_, err = r.db.UpholdComplaint(ctx, c.ID, 0, "矩阵准备")
					case wengao.ComplaintRejected:
						_, err = r.db.RejectComplaint(ctx, c.ID, 0, "矩阵准备")
					}
					if err != nil {
						t.Fatal(err)
					}
					path, body := fmt.Sprintf("/admin/complaints/%d/%s", c.ID, m.action), "note=矩阵"
					if f == api {
						path, body = "/api/v1"+path, `{"note":"矩阵"}`
					}
					status, location := r.send(t, actor, "POST", path, body, f)
					want := m.want[actor]
					check(t, f, status, location, want)
					after, err := r.db.FindComplaint(ctx, c.ID)
					if err != nil {
						t.Fatal(err)
					}
					wantState := m.from
					if want == allowed {
						wantState = m.to
					}
					if after.Status != wantState {
						t.Errorf("state after: %q, want %q", after.Status, wantState)
					}
				})
			}
		}
	}
}

// roleMove is a change of an account's role and who may make it. owner
// is the account itself. Roles are changed in the console only: the API
// has no endpoint for it.
type roleMove struct {
	from, to string
	want     map[string]outcome
}

var roleMatrix = []roleMove{
	{wengao.RoleReader, wengao.RoleModerator, map[string]outcome{anonymous: login, reader: forbidden, owner: forbidden, moderator: forbidden, admin: allowed}},
	{wengao.RoleReader, wengao.RoleAdmin, map[string]outcome{anonymous: login, reader: forbidden, owner: forbidden, moderator: forbidden, admin: allowed}},
	{wengao.RoleModerator, wengao.RoleReader, map[string]outcome{anonymous: login, reader: forbidden, owner: forbidden, moderator: forbidden, admin: allowed}},
	{wengao.RoleModerator, wengao.RoleAdmin, map[string]outcome{anonymous: login, reader: forbidden, owner: forbidden, moderator: forbidden, admin: allowed}},
	// Nobody changes an admin's role but the command line; an admin's own
	// is refused as a mistake.
	{wengao.RoleAdmin, wengao.RoleModerator, map[string]outcome{anonymous: login, reader: forbidden, owner: invalid, moderator: forbidden, admin: forbidden}},
	{wengao.RoleAdmin, wengao.RoleReader, map[string]outcome{anonymous: login, reader: forbidden, owner: invalid, moderator: forbidden, admin: forbidden}},
}

func (r *rulesEnv) testRoles(t *testing.T) {
	ctx := context.Background()
	for _, m := range roleMatrix {
		for _, actor := range []string{anonymous, reader, owner, moderator, admin} {
			t.Run(fmt.Sprintf("%s→%s/%s/site", m.from, m.to, actor), func(t *testing.T) {
				r.seq++
				target, err := r.db.CreateUser(ctx, wengao.NewUser{Username: fmt.Sprintf("账号%d", r.seq), Password: "correct horse battery"})
				if err != nil {
					t.Fatal(err)
				}
				if err := r.db.SetUserRole(ctx, wengao.Actor{}, target.ID, m.from); err != nil {
					t.Fatal(err)
				}
				client := actor
				if actor == owner {
					r.clients["target"] = r.clientFor(t, target.ID)
					client = "target"
				}
				status, location := r.send(t, client, "POST", fmt.Sprintf("/admin/users/%d/role", target.ID), "role="+m.to, site)
				want := m.want[actor]
				check(t, site, status, location, want)
				after, err := r.db.FindUserByID(ctx, target.ID)
				if err != nil {
					t.Fatal(err)
				}
				wantRole := m.from
				if want == allowed {
					wantRole = m.to
				}
				if after.Role != wantRole {
					t.Errorf("role after: %q, want %q", after.Role, wantRole)
				}
			})
		}
	}
}
