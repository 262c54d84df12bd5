package site

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// authView is the login or registration page.
type authView struct {
	web.Layout
	Next     string
	Username string
	Email    string
	Error    string
	Register bool
	Bonus    int64
}

func (s *Handler) authPage(w http.ResponseWriter, r *http.Request, status int, v authView) {
	title := "登录"
	if v.Register {
		title = "注册"
	}
	v.Layout = s.NewLayout(r, title, "", "")
	v.NoIndex, v.Nav = true, "account"
	v.Bonus = s.CurrentSettings(r.Context()).SignupBonus
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, status, "auth", v)
}

func (s *Handler) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	next := web.LocalPath(r.URL.Query().Get("next"))
	if s.CurrentUser(r) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.authPage(w, r, http.StatusOK, authView{Next: next})
}

func (s *Handler) handleRegisterPage(w http.ResponseWriter, r *http.Request) {
	next := web.LocalPath(r.URL.Query().Get("next"))
	if s.CurrentUser(r) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.authPage(w, r, http.StatusOK, authView{Next: next, Register: true})
}

func (s *Handler) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	if err := web.ParseForm(w, r); err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	v := authView{Next: web.LocalPath(r.PostForm.Get("next")), Username: strings.TrimSpace(r.PostForm.Get("username"))}
	u, err := s.Login(w, r, v.Username, r.PostForm.Get("password"))
	if err == nil {
		err = s.StartSession(w, r, u)
	}
	if err != nil {
		v.Error = wengao.ErrorMessage(err)
		s.authPage(w, r, web.ErrorStatus(err), v)
		return
	}
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
}

func (s *Handler) handleRegisterForm(w http.ResponseWriter, r *http.Request) {
	if err := web.ParseForm(w, r); err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	f := r.PostForm
	v := authView{Next: web.LocalPath(f.Get("next")), Username: strings.TrimSpace(f.Get("username")), Email: strings.TrimSpace(f.Get("email")), Register: true}
	var err error
	if f.Get("password") != f.Get("password2") {
		err = wengao.Errorf(wengao.EINVALID, web.MsgPasswordsDiffer)
	}
	var u *wengao.User
	var undo func()
	if err == nil {
		undo, err = s.AllowRegistration(w, r)
	}
	if err == nil {
		u, err = s.Users.CreateUser(r.Context(), wengao.NewUser{Username: v.Username, Password: f.Get("password"), Email: v.Email, Bonus: s.CurrentSettings(r.Context()).SignupBonus})
		if err != nil {
			undo()
		}
	}
	if err == nil {
		err = s.StartSession(w, r, u)
	}
	if err != nil {
		v.Error = wengao.ErrorMessage(err)
		s.authPage(w, r, web.ErrorStatus(err), v)
		return
	}
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
}

func (s *Handler) handleLogoutForm(w http.ResponseWriter, r *http.Request) {
	if err := s.EndSession(w, r); err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// meView is the reader's own page, one tab at a time.
type meView struct {
	web.Layout
	User      *wengao.User
	Tab       string
	Tabs      []web.Link
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
	Pages                 web.Pagination
	Now                   time.Time
}

// meTabs are the tabs of /me and their labels.
var meTabs = []struct{ Name, Label string }{
	{"", "概览"}, {"ledger", "积分明细"}, {"favorites", "我的收藏"}, {"downloads", "我的下载"}, {"uploads", "我的上传"}, {"complaints", "投诉与留言"}, {"password", "修改密码"},
}

// mePageSize is the number of items on one page of a /me list.
const mePageSize = 20

func (s *Handler) handleMe(w http.ResponseWriter, r *http.Request) {
	u := s.RequireLogin(w, r, r.URL.RequestURI())
	if u == nil {
		return
	}
	tab := r.PathValue("tab")
	known := false
	for _, t := range meTabs {
		known = known || t.Name == tab
	}
	if !known {
		s.NotFound(w, r)
		return
	}
	s.renderMe(w, r, u, tab, http.StatusOK, r.URL.Query().Get("notice"), "")
}

func (s *Handler) renderMe(w http.ResponseWriter, r *http.Request, u *wengao.User, tab string, status int, notice, errMsg string) {
	ctx := r.Context()
	v := meView{User: u, Tab: tab, Notice: web.MeNotices[notice], Error: errMsg, Settings: s.CurrentSettings(r.Context()), Now: s.Time()}
	title := "个人中心"
	for _, t := range meTabs {
		path := "/me"
		if t.Name != "" {
			path += "/" + t.Name
		}
		v.Tabs = append(v.Tabs, web.Link{Label: t.Label, URL: path, Current: t.Name == tab})
		if t.Name == tab && t.Name != "" {
			title = t.Label
		}
	}
	v.Layout = s.NewLayout(r, title, "", "")
	v.NoIndex, v.Nav = true, "me"
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	var total int
	var err error
	switch tab {
	case "":
		// The overview shows the latest few of each and no pages.
		v.Ledger, _, err = s.Ledger.Entries(ctx, u.ID, 1, 5)
		if err == nil {
			v.Favorites, _, err = s.Favorites.ListFavorites(ctx, u.ID, 1, 5)
		}
		if err == nil {
			v.Downloads, _, err = s.Ledger.ListPurchases(ctx, u.ID, 1, 5)
		}
	case "ledger":
		v.Ledger, total, err = s.Ledger.Entries(ctx, u.ID, page, mePageSize)
	case "favorites":
		v.Favorites, total, err = s.Favorites.ListFavorites(ctx, u.ID, page, mePageSize)
	case "downloads":
		v.Downloads, total, err = s.Ledger.ListPurchases(ctx, u.ID, page, mePageSize)
	case "complaints":
		v.Complaints, total, err = s.Complaints.ListComplaints(ctx, wengao.ComplaintFilter{UserID: u.ID, Page: page, Limit: mePageSize})
		if err == nil {
			v.AboutMine, _, err = s.Complaints.ListComplaints(ctx, wengao.ComplaintFilter{UploaderID: u.ID, Page: 1, Limit: mePageSize})
		}
	case "uploads":
		v.Uploads, total, err = s.Uploads.ListUploads(ctx, wengao.UploadFilter{UserID: u.ID, Page: page, Limit: mePageSize})
	}
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	if total > 0 {
		v.Pages = web.Paginate(page, (total+mePageSize-1)/mePageSize, func(n int) string {
			return "/me/" + tab + "?page=" + strconv.Itoa(n)
		})
	}
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, status, "me", v)
}

func (s *Handler) handleSignInForm(w http.ResponseWriter, r *http.Request) {
	u := s.RequireLogin(w, r, "/me")
	if u == nil {
		return
	}
	if _, err := s.SignIn(r.Context(), u); err != nil {
		s.renderMe(w, r, u, "", web.ErrorStatus(err), "", wengao.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, "/me?notice=signin", http.StatusSeeOther)
}

func (s *Handler) handlePasswordForm(w http.ResponseWriter, r *http.Request) {
	u := s.RequireLogin(w, r, "/me/password")
	if u == nil {
		return
	}
	if err := web.ParseForm(w, r); err != nil {
		s.renderMe(w, r, u, "password", http.StatusBadRequest, "", wengao.ErrorMessage(err))
		return
	}
	f := r.PostForm
	var err error = wengao.Errorf(wengao.EINVALID, web.MsgPasswordsDiffer)
	if f.Get("new") == f.Get("new2") {
		err = s.Users.ChangePassword(r.Context(), u.ID, f.Get("current"), f.Get("new"))
	}
	if err == nil {
		// Every session ended with the change; this browser gets a new one.
		err = s.StartSession(w, r, u)
	}
	if err != nil {
		s.renderMe(w, r, u, "password", web.ErrorStatus(err), "", wengao.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, "/me?notice=password", http.StatusSeeOther)
}

func (s *Handler) handleFavoriteForm(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	u := s.RequireLogin(w, r, web.DocURL(id))
	if u == nil {
		return
	}
	if err := web.ParseForm(w, r); err != nil {
		s.ErrorPage(w, r, err)
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
		s.ErrorPage(w, r, err)
		return
	}
	s.SetFavoriteCount(id, n)
	// Back to the buttons, which now show the change.
	http.Redirect(w, r, web.DocURL(id)+"#actions", http.StatusSeeOther)
}

// newIdempotencyKey returns a random key for a purchase form, so that
// submitting it twice charges once.
func newIdempotencyKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
