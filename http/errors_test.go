package http_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// errBroken is what a store returns when its database fails.
var errBroken = errors.New("disk I/O error")

// brokenSessions is a session store whose lookups fail.
type brokenSessions struct{ wengao.SessionService }

func (brokenSessions) FindSession(context.Context, string) (*wengao.Session, error) {
	return nil, errBroken
}

// TestSessionFailureIsNotLoggedOut checks that a session that cannot be
// read is an internal error, not "not logged in": the API answers 500,
// not 401, and the site shows its error page instead of sending the
// reader to log in again.
func TestSessionFailureIsNotLoggedOut(t *testing.T) {
	e := newUploadEnv(t)
	e.srv.Sessions = brokenSessions{e.srv.Sessions}

	var apiErr apiError
	if got, want := call(t, e.reader, "GET", e.ts.URL+"/api/v1/me", "", &apiErr), http.StatusInternalServerError; got != want {
		t.Errorf("GET /api/v1/me: status %d, want %d", got, want)
	}
	if got, want := apiErr.Error.Code, wengao.EINTERNAL; got != want {
		t.Errorf("GET /api/v1/me: code %q, want %q", got, want)
	}
	resp, err := e.reader.Get(e.ts.URL + "/me")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, want := resp.StatusCode, http.StatusInternalServerError; got != want {
		t.Errorf("GET /me: status %d (Location %q), want %d", got, resp.Header.Get("Location"), want)
	}
	// Without a cookie nothing is read: still not logged in.
	if got, want := call(t, e.anonymous, "GET", e.ts.URL+"/api/v1/me", "", &apiErr), http.StatusUnauthorized; got != want {
		t.Errorf("GET /api/v1/me without a session: status %d, want %d", got, want)
	}
}

// brokenAudit is an audit log that cannot be listed.
type brokenAudit struct{ wengao.AuditLog }

func (brokenAudit) ListAudit(context.Context, string, int, int) ([]wengao.AuditEntry, int, error) {
	return nil, 0, errBroken
}

// TestConsoleFrontPageShowsErrors checks that the console's front page
// fails when one of its counts fails, rather than showing a zero.
func TestConsoleFrontPageShowsErrors(t *testing.T) {
	e, admin := consoleEnv(t)
	get := func() int {
		t.Helper()
		resp, err := admin.Get(e.ts.URL + "/admin")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got, want := get(), http.StatusOK; got != want {
		t.Fatalf("GET /admin: status %d, want %d", got, want)
	}
	e.srv.Audit = brokenAudit{e.srv.Audit}
	if got, want := get(), http.StatusInternalServerError; got != want {
		t.Errorf("GET /admin with a failing audit log: status %d, want %d", got, want)
	}
}

// brokenFiles is a file store whose writes fail, with an error whose
// text speaks of multipart, as a wrapped error may.
type brokenFiles struct{ web.FileStore }

func (brokenFiles) Put(ctx context.Context, r io.Reader, max int64) (string, int64, error) {
	io.CopyN(io.Discard, r, 10)
	return "", 0, errors.New("write multipart upload: no space left on device")
}

// TestUploadStoreFailureIsInternal checks that a failure to store an
// upload is told from a broken upload by where it happened, not by its
// text: the store's failure is a 500, not "上传中断".
func TestUploadStoreFailureIsInternal(t *testing.T) {
	e := newUploadEnv(t)
	e.srv.Files = brokenFiles{e.srv.Files}
	st, ans := e.upload(t, e.reader, "", file{"通知.txt", []byte("关于做好安全生产工作的通知\n各单位：请做好安全生产工作。")})
	if got, want := st, http.StatusInternalServerError; got != want {
		t.Errorf("status %d, want %d (%+v)", got, want, ans)
	}
	if got, want := ans.Error.Code, wengao.EINTERNAL; got != want {
		t.Errorf("code %q, want %q", got, want)
	}
}

// recordingSettings is a settings store that records the request id of
// the contexts it is asked with.
type recordingSettings struct {
	wengao.SettingsService
	mu  sync.Mutex
	ids []string
}

func (s *recordingSettings) LoadSettings(ctx context.Context) (wengao.Settings, int64, error) {
	s.mu.Lock()
	s.ids = append(s.ids, web.RequestID(ctx))
	s.mu.Unlock()
	return s.SettingsService.LoadSettings(ctx)
}

// TestSettingsReadWithRequestContext checks that pages read the settings
// with the request's context, so that a request that ends stops its
// reads and logs carry its id.
func TestSettingsReadWithRequestContext(t *testing.T) {
	e, _ := consoleEnv(t)
	rec := &recordingSettings{SettingsService: e.srv.SettingsStore}
	e.srv.SettingsStore = rec
	ids, err := e.db.DocumentIDs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/doc/" + ids[0], "/api/v1/documents/" + ids[0], "/feed.xml"} {
		resp, err := e.anonymous.Get(e.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.ids) == 0 {
		t.Fatal("the settings were never read")
	}
	without := 0
	for _, id := range rec.ids {
		if id == "" {
			without++
		}
	}
	if without > 0 {
		t.Errorf("%d of %d reads of the settings were without the request's context", without, len(rec.ids))
	}
}

// TestAuditWrittenWithAction checks that an operator's action through the
// API is recorded once, by the store in the action's transaction, with
// the operator as actor.
func TestAuditWrittenWithAction(t *testing.T) {
	e, admin := consoleEnv(t)
	ctx := context.Background()
	ids, err := e.db.DocumentIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id := ids[0]
	var out map[string]string
	if got, want := call(t, admin, "POST", e.ts.URL+"/api/v1/admin/documents/"+id+"/status", `{"status":"hidden","reason":"核实中"}`, &out), http.StatusOK; got != want {
		t.Fatalf("hide: status %d, want %d", got, want)
	}
	entries, total, err := e.db.ListAudit(ctx, "doc:"+id, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 {
		t.Fatalf("%d entries for doc:%s, want 1: %+v", total, id, entries)
	}
	for _, c := range []struct{ what, got, want string }{
		{"action", entries[0].Action, "document.hidden"},
		{"actor", entries[0].ActorName, "管理员"},
		{"detail", entries[0].Detail, "核实中"},
	} {
		if c.got != c.want {
			t.Errorf("%s %q, want %q", c.what, c.got, c.want)
		}
	}
}
