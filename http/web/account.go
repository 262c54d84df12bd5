package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/throttle"
)

// maxFormBody bounds the body of the account forms.
const maxFormBody = 16 << 10

// LocalPath returns p when it is a path on this site, else "/": the
// target of a redirect after logging in may not lead elsewhere.
func LocalPath(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n\t\\") {
		return "/"
	}
	if u, err := url.Parse(p); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return p
}

// ParseForm reads a small url-encoded form.
func ParseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		return wengao.Errorf(wengao.EINVALID, MsgBadForm)
	}
	return nil
}

// Login checks a username and password under the login throttle.
func (s *Core) Login(w http.ResponseWriter, r *http.Request, username, password string) (*wengao.User, error) {
	ip := s.clientIP(r)
	if ok, wait := s.Throttle.Allow(username, ip); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		return nil, throttle.Error(wait)
	}
	u, err := s.Users.Authenticate(r.Context(), username, password)
	if wengao.ErrorCode(err) == wengao.EUNAUTHORIZED {
		s.Throttle.Failure(username, ip)
	} else if err == nil {
		s.Throttle.Success(username, ip)
	}
	return u, err
}

// StartSession starts a session for u and sets its cookie. The session
// the browser held before, if any, ends: a login or password change
// always rotates the token, and a token planted in the browser or
// copied from it earlier is worth nothing afterwards.
func (s *Core) StartSession(w http.ResponseWriter, r *http.Request, u *wengao.User) error {
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		if err := s.Sessions.DeleteSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	sess, err := s.Sessions.CreateSession(r.Context(), u.ID)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, sess)
	return nil
}

// EndSession ends the session of r, if any, and clears its cookie.
func (s *Core) EndSession(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := s.Sessions.DeleteSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.IsHTTPS(r)})
	return nil
}

// RequireLogin returns the signed-in user, or redirects to the login page
// and returns nil.
func (s *Core) RequireLogin(w http.ResponseWriter, r *http.Request, next string) *wengao.User {
	u, err := s.SessionUser(r)
	if err != nil {
		s.ErrorPage(w, r, err)
		return nil
	}
	if u == nil {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(LocalPath(next)), http.StatusSeeOther)
	}
	return u
}

// MeNotices are the messages a redirect to /me may ask to show.
var MeNotices = map[string]string{
	"signin":           "签到成功，积分已到账。",
	"password":         "密码已修改，其他设备上的登录已失效。",
	"submitted":        "已提交审核。审核通过后文稿将公开，您将获得积分奖励。",
	"saved":            "已保存。",
	"approve":          "已通过，文稿已公开，上传者已获得积分。",
	"reject":           "已驳回，上传者可看到驳回理由。",
	"delete":           "已删除，文稿已下线，上传奖励已收回。",
	"purged":           "已彻底删除。",
	"complaint-uphold": "投诉成立，文稿已下线，上传奖励已收回。",
	"complaint-reject": "投诉已驳回，文稿已恢复显示。",
}

// SignIn records the user's daily sign-in (签到) for today in the site's
// time zone.
func (s *Core) SignIn(ctx context.Context, u *wengao.User) (*wengao.LedgerEntry, error) {
	return s.Ledger.SignIn(ctx, u.ID, s.Time().In(SiteZone).Format(wengao.DayLayout), s.CurrentSettings(ctx).SignInPoints)
}

// SiteZone is the time zone of the site's calendar days.
var SiteZone = func() *time.Location {
	if z, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return z
	}
	return time.FixedZone("CST", 8*60*60)
}()
