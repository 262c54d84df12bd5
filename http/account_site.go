package http

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/throttle"
)

func (s *Server) registerAccountPages() {
	s.mux.HandleFunc("GET /login", s.handleLoginPage)
	s.mux.HandleFunc("POST /login", s.handleLoginForm)
	s.mux.HandleFunc("GET /register", s.handleRegisterPage)
	s.mux.HandleFunc("POST /register", s.handleRegisterForm)
	s.mux.HandleFunc("POST /logout", s.handleLogoutForm)
	s.mux.HandleFunc("GET /me", s.handleMe)
	s.mux.HandleFunc("GET /me/{tab}", s.handleMe)
	s.mux.HandleFunc("POST /me/signin", s.handleSignInForm)
	s.mux.HandleFunc("POST /me/password", s.handlePasswordForm)
	s.mux.HandleFunc("POST /doc/{id}/favorite", s.handleFavoriteForm)
	s.mux.HandleFunc("GET /doc/{id}/download", s.handleDownloadPage)
	s.mux.HandleFunc("POST /doc/{id}/download", s.handleDownloadForm)
}

// maxFormBody bounds the body of the account forms.
const maxFormBody = 16 << 10

// localPath returns p when it is a path on this site, else "/": the
// target of a redirect after logging in may not lead elsewhere.
func localPath(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n\t\\") {
		return "/"
	}
	if u, err := url.Parse(p); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return p
}

// parseForm reads a small url-encoded form.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		return wengao.Errorf(wengao.EINVALID, msgBadForm)
	}
	return nil
}

// authView is the login or registration page.
type authView struct {
	layout
	Next     string
	Username string
	Email    string
	Error    string
	Register bool
	Bonus    int64
}

func (s *Server) authPage(w http.ResponseWriter, r *http.Request, status int, v authView) {
	title := "登录"
	if v.Register {
		title = "注册"
	}
	v.layout = s.newLayout(r, title, "", "")
	v.NoIndex, v.Nav = true, "account"
	v.Bonus = s.settings(r.Context()).SignupBonus
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "auth", v)
}

func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	if s.currentUser(r) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.authPage(w, r, http.StatusOK, authView{Next: next})
}

func (s *Server) handleRegisterPage(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	if s.currentUser(r) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.authPage(w, r, http.StatusOK, authView{Next: next, Register: true})
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.errorPage(w, r, err)
		return
	}
	v := authView{Next: localPath(r.PostForm.Get("next")), Username: strings.TrimSpace(r.PostForm.Get("username"))}
	if s.Users == nil || s.Sessions == nil {
		v.Error = msgAccountsOff
		s.authPage(w, r, http.StatusServiceUnavailable, v)
		return
	}
	u, err := s.login(w, r, v.Username, r.PostForm.Get("password"))
	if err == nil {
		err = s.startSession(w, r, u)
	}
	if err != nil {
		v.Error = wengao.ErrorMessage(err)
		s.authPage(w, r, ErrorStatus(err), v)
		return
	}
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
}

func (s *Server) handleRegisterForm(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.errorPage(w, r, err)
		return
	}
	f := r.PostForm
	v := authView{Next: localPath(f.Get("next")), Username: strings.TrimSpace(f.Get("username")), Email: strings.TrimSpace(f.Get("email")), Register: true}
	if s.Users == nil || s.Sessions == nil {
		v.Error = msgAccountsOff
		s.authPage(w, r, http.StatusServiceUnavailable, v)
		return
	}
	var err error
	if f.Get("password") != f.Get("password2") {
		err = wengao.Errorf(wengao.EINVALID, msgPasswordsDiffer)
	}
	var u *wengao.User
	var undo func()
	if err == nil {
		undo, err = s.allowRegistration(w, r)
	}
	if err == nil {
		u, err = s.Users.CreateUser(r.Context(), wengao.NewUser{Username: v.Username, Password: f.Get("password"), Email: v.Email, Bonus: s.settings(r.Context()).SignupBonus})
		if err != nil {
			undo()
		}
	}
	if err == nil {
		err = s.startSession(w, r, u)
	}
	if err != nil {
		v.Error = wengao.ErrorMessage(err)
		s.authPage(w, r, ErrorStatus(err), v)
		return
	}
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
}

// login checks a username and password under the login throttle.
func (s *Server) login(w http.ResponseWriter, r *http.Request, username, password string) (*wengao.User, error) {
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

// startSession starts a session for u and sets its cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *wengao.User) error {
	sess, err := s.Sessions.CreateSession(r.Context(), u.ID)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, sess)
	return nil
}

// endSession ends the session of r, if any, and clears its cookie.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil && s.Sessions != nil {
		if err := s.Sessions.DeleteSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.isHTTPS(r)})
	return nil
}

func (s *Server) handleLogoutForm(w http.ResponseWriter, r *http.Request) {
	if err := s.endSession(w, r); err != nil {
		s.errorPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// requireLogin returns the signed-in user, or redirects to the login page
// and returns nil.
func (s *Server) requireLogin(w http.ResponseWriter, r *http.Request, next string) *wengao.User {
	u, err := s.sessionUser(r)
	if err != nil {
		s.errorPage(w, r, err)
		return nil
	}
	if u == nil {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(localPath(next)), http.StatusSeeOther)
	}
	return u
}

// meView is the reader's own page, one tab at a time.
type meView struct {
	layout
	User      *wengao.User
	Tab       string
	Tabs      []link
	Notice    string
	Error     string
	SignedIn  bool // already signed in today
	Settings  wengao.Settings
	Ledger    []wengao.LedgerEntry
	Favorites []wengao.Favorite
	Downloads []wengao.Purchase
	Uploads   []wengao.Upload
	// Complaints the user made, and those about the user's uploads.
	Complaints, AboutMine []wengao.Complaint
	Pages                 pagination
	Now                   time.Time
}

// meTabs are the tabs of /me and their labels.
var meTabs = []struct{ Name, Label string }{
	{"", "概览"}, {"ledger", "积分明细"}, {"favorites", "我的收藏"}, {"downloads", "我的下载"}, {"uploads", "我的上传"}, {"complaints", "投诉与留言"}, {"password", "修改密码"},
}

// mePageSize is the number of items on one page of a /me list.
const mePageSize = 20

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	u := s.requireLogin(w, r, r.URL.RequestURI())
	if u == nil {
		return
	}
	tab := r.PathValue("tab")
	known := false
	for _, t := range meTabs {
		known = known || t.Name == tab
	}
	if !known {
		s.notFound(w, r)
		return
	}
	s.renderMe(w, r, u, tab, http.StatusOK, r.URL.Query().Get("notice"), "")
}

// meNotices are the messages a redirect to /me may ask to show.
var meNotices = map[string]string{
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

func (s *Server) renderMe(w http.ResponseWriter, r *http.Request, u *wengao.User, tab string, status int, notice, errMsg string) {
	ctx := r.Context()
	v := meView{User: u, Tab: tab, Notice: meNotices[notice], Error: errMsg, Settings: s.settings(r.Context()), Now: s.now()}
	title := "个人中心"
	for _, t := range meTabs {
		path := "/me"
		if t.Name != "" {
			path += "/" + t.Name
		}
		v.Tabs = append(v.Tabs, link{Label: t.Label, URL: path, Current: t.Name == tab})
		if t.Name == tab && t.Name != "" {
			title = t.Label
		}
	}
	v.layout = s.newLayout(r, title, "", "")
	v.NoIndex, v.Nav = true, "me"
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	var total int
	var err error
	switch tab {
	case "":
		v.Ledger, total, err = s.Ledger.Entries(ctx, u.ID, 1, 5)
		if err == nil {
			v.Favorites, total, err = s.Favorites.ListFavorites(ctx, u.ID, 1, 5)
		}
		if err == nil {
			v.Downloads, total, err = s.Ledger.ListPurchases(ctx, u.ID, 1, 5)
		}
		total = 0
	case "ledger":
		v.Ledger, total, err = s.Ledger.Entries(ctx, u.ID, page, mePageSize)
	case "favorites":
		v.Favorites, total, err = s.Favorites.ListFavorites(ctx, u.ID, page, mePageSize)
	case "downloads":
		v.Downloads, total, err = s.Ledger.ListPurchases(ctx, u.ID, page, mePageSize)
	case "complaints":
		if s.Complaints != nil {
			v.Complaints, total, err = s.Complaints.ListComplaints(ctx, wengao.ComplaintFilter{UserID: u.ID, Page: page, Limit: mePageSize})
			if err == nil {
				v.AboutMine, _, err = s.Complaints.ListComplaints(ctx, wengao.ComplaintFilter{UploaderID: u.ID, Page: 1, Limit: mePageSize})
			}
		}
	case "uploads":
		if s.Uploads != nil {
			v.Uploads, total, err = s.Uploads.ListUploads(ctx, wengao.UploadFilter{UserID: u.ID, Page: page, Limit: mePageSize})
		}
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if total > 0 {
		v.Pages = paginate(page, (total+mePageSize-1)/mePageSize, func(n int) string {
			return "/me/" + tab + "?page=" + strconv.Itoa(n)
		})
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "me", v)
}

func (s *Server) handleSignInForm(w http.ResponseWriter, r *http.Request) {
	u := s.requireLogin(w, r, "/me")
	if u == nil {
		return
	}
	if _, err := s.signIn(r.Context(), u); err != nil {
		s.renderMe(w, r, u, "", ErrorStatus(err), "", wengao.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, "/me?notice=signin", http.StatusSeeOther)
}

// signIn records the user's daily sign-in (签到) for today in the site's
// time zone.
func (s *Server) signIn(ctx context.Context, u *wengao.User) (*wengao.LedgerEntry, error) {
	return s.Ledger.SignIn(ctx, u.ID, s.now().In(siteZone).Format(wengao.DayLayout), s.settings(ctx).SignInPoints)
}

// siteZone is the time zone of the site's calendar days.
var siteZone = func() *time.Location {
	if z, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return z
	}
	return time.FixedZone("CST", 8*60*60)
}()

func (s *Server) handlePasswordForm(w http.ResponseWriter, r *http.Request) {
	u := s.requireLogin(w, r, "/me/password")
	if u == nil {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.renderMe(w, r, u, "password", http.StatusBadRequest, "", wengao.ErrorMessage(err))
		return
	}
	f := r.PostForm
	var err error = wengao.Errorf(wengao.EINVALID, msgPasswordsDiffer)
	if f.Get("new") == f.Get("new2") {
		err = s.Users.ChangePassword(r.Context(), u.ID, f.Get("current"), f.Get("new"))
	}
	if err == nil {
		// Every session ended with the change; this browser gets a new one.
		err = s.startSession(w, r, u)
	}
	if err != nil {
		s.renderMe(w, r, u, "password", ErrorStatus(err), "", wengao.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, "/me?notice=password", http.StatusSeeOther)
}

func (s *Server) handleFavoriteForm(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	u := s.requireLogin(w, r, docURL(id))
	if u == nil {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.errorPage(w, r, err)
		return
	}
	var n int
	var err error
	if r.PostForm.Get("action") == "remove" {
		n, err = s.Favorites.RemoveFavorite(r.Context(), u.ID, id)
	} else {
		n, err = s.Favorites.AddFavorite(r.Context(), u.ID, id)
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.setFavoriteCount(id, n)
	// Back to the buttons, which now show the change.
	http.Redirect(w, r, docURL(id)+"#actions", http.StatusSeeOther)
}

// newIdempotencyKey returns a random key for a purchase form, so that
// submitting it twice charges once.
func newIdempotencyKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
