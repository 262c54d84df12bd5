package http

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/wengao/wengao"
)

// SessionCookie is the name of the cookie that holds a session token.
const SessionCookie = "wengao_session"

// maxAuthBody bounds the JSON body of account requests.
const maxAuthBody = 16 << 10

func (s *Server) registerAccountRoutes() {
	s.mux.HandleFunc("POST /api/v1/auth/register", s.handleAPIRegister)
	s.mux.HandleFunc("POST /api/v1/auth/login", s.handleAPILogin)
	s.mux.HandleFunc("POST /api/v1/auth/logout", s.handleAPILogout)
	s.mux.HandleFunc("GET /api/v1/me", s.handleAPIMe)
	s.mux.HandleFunc("GET /api/v1/me/ledger", s.handleAPILedger)
	s.mux.HandleFunc("GET /api/v1/me/favorites", s.handleAPIFavorites)
	s.mux.HandleFunc("POST /api/v1/documents/{id}/favorite", s.handleAPIFavorite)
	s.mux.HandleFunc("DELETE /api/v1/documents/{id}/favorite", s.handleAPIFavorite)
	s.mux.HandleFunc("POST /api/v1/documents/{id}/download", s.handleAPIDownload)
	s.mux.HandleFunc("POST /api/v1/auth/password", s.handleAPIPassword)
	s.mux.HandleFunc("POST /api/v1/me/signin", s.handleAPISignIn)
	s.mux.HandleFunc("GET /api/v1/me/downloads", s.handleAPIDownloads)
}

func (s *Server) handleAPIDownloads(w http.ResponseWriter, r *http.Request) {
	if !s.accountsReady(w, r) {
		return
	}
	listForUser(s, w, r, "downloads", s.Ledger.ListPurchases, nil)
}

func (s *Server) handleAPISignIn(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	e, err := s.signIn(r.Context(), u)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	points := u.Points + e.Amount
	writeJSON(w, http.StatusOK, map[string]any{"granted": e.Amount, "points": points})
}

// passwordChange is the JSON body of a password change.
type passwordChange struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
}

// handleAPIPassword changes the user's password, which ends all their
// sessions, and starts a new session for this client.
func (s *Server) handleAPIPassword(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	var c passwordChange
	if err := json.NewDecoder(io.LimitReader(r.Body, maxAuthBody)).Decode(&c); err != nil {
		s.jsonError(w, r, wengao.Errorf(wengao.EINVALID, msgBadJSON))
		return
	}
	err := s.Users.ChangePassword(r.Context(), u.ID, c.Current, c.New)
	if err == nil {
		err = s.startSession(w, r, u)
	}
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toMe(u))
}

// accountsReady reports whether the account services are wired, writing
// an error when they are not.
func (s *Server) accountsReady(w http.ResponseWriter, r *http.Request) bool {
	if s.Users == nil || s.Sessions == nil || s.Ledger == nil || s.Favorites == nil {
		s.jsonError(w, r, wengao.Errorf(wengao.EUNAVAILABLE, msgAccountsOff))
		return false
	}
	return true
}

// credentials is the JSON body of register and login.
type credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Email    string `json:"email"`
}

func readCredentials(r *http.Request) (credentials, error) {
	var c credentials
	dec := json.NewDecoder(io.LimitReader(r.Body, maxAuthBody))
	if err := dec.Decode(&c); err != nil {
		return c, wengao.Errorf(wengao.EINVALID, msgBadJSON)
	}
	return c, nil
}

// meJSON is the signed-in user as the API shows them.
type meJSON struct {
	Username string `json:"username"`
	Role     string `json:"role"`
	Points   int64  `json:"points"`
	Email    string `json:"email,omitempty"`
}

func toMe(u *wengao.User) meJSON {
	return meJSON{Username: u.Username, Role: u.Role, Points: u.Points, Email: u.Email}
}

func (s *Server) handleAPIRegister(w http.ResponseWriter, r *http.Request) {
	if !s.accountsReady(w, r) {
		return
	}
	c, err := readCredentials(r)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	undo, err := s.allowRegistration(w, r)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	u, err := s.Users.CreateUser(r.Context(), wengao.NewUser{
		Username: c.Username, Password: c.Password, Email: c.Email,
		Bonus: s.settings(r.Context()).SignupBonus,
	})
	if err != nil {
		undo()
	}
	s.signedIn(w, r, u, err, http.StatusCreated)
}

func (s *Server) handleAPILogin(w http.ResponseWriter, r *http.Request) {
	if !s.accountsReady(w, r) {
		return
	}
	c, err := readCredentials(r)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	u, err := s.login(w, r, c.Username, c.Password)
	s.signedIn(w, r, u, err, http.StatusOK)
}

func (s *Server) handleAPILogout(w http.ResponseWriter, r *http.Request) {
	if !s.accountsReady(w, r) {
		return
	}
	if err := s.endSession(w, r); err != nil {
		s.jsonError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// signedIn finishes a registration or login: unless err, it starts a
// session for u, sets its cookie and answers with the user.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request, u *wengao.User, err error, status int) {
	if err == nil {
		err = s.startSession(w, r, u)
	}
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	writeJSON(w, status, toMe(u))
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, sess *wengao.Session) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: sess.Token, Path: "/",
		Expires: sess.ExpiresAt, MaxAge: int(time.Until(sess.ExpiresAt).Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.isHTTPS(r),
	})
}

// currentUser returns the signed-in user of r, or nil: for pages and
// answers that only change with who is looking. A store failure is
// logged and taken as nobody; requireUser and requireLogin answer it with
// an error instead.
func (s *Server) currentUser(r *http.Request) *wengao.User {
	u, err := s.sessionUser(r)
	if err != nil {
		return nil
	}
	return u
}

// sessionUser returns the user of the session cookie of r: nil when there
// is no cookie or its session has ended, and an error only when the
// session could not be read. It looks once per request.
func (s *Server) sessionUser(r *http.Request) (*wengao.User, error) {
	if s.Sessions == nil {
		return nil, nil
	}
	if st, ok := r.Context().Value(requestIDKey).(*requestState); ok {
		st.once.Do(func() {
			if st.user, st.userErr = s.lookupUser(r); st.userErr != nil {
				s.Logger.Error("find session", "id", st.id, "err", st.userErr)
			}
		})
		return st.user, st.userErr
	}
	return s.lookupUser(r)
}

// lookupUser finds the user of the session cookie of r: nil when there is
// none or it has ended, an error when the store fails.
func (s *Server) lookupUser(r *http.Request) (*wengao.User, error) {
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	sess, err := s.Sessions.FindSession(r.Context(), c.Value)
	switch wengao.ErrorCode(err) {
	case "":
		return sess.User, nil
	case wengao.EUNAUTHORIZED, wengao.ENOTFOUND:
		return nil, nil
	}
	return nil, err
}

// requireUser returns the signed-in user or writes EUNAUTHORIZED, or the
// error that kept the session from being read.
func (s *Server) requireUser(w http.ResponseWriter, r *http.Request) *wengao.User {
	if !s.accountsReady(w, r) {
		return nil
	}
	u, err := s.sessionUser(r)
	if err != nil {
		s.jsonError(w, r, err)
		return nil
	}
	if u == nil {
		s.jsonError(w, r, wengao.Errorf(wengao.EUNAUTHORIZED, msgLoginNeeded))
	}
	return u
}

func (s *Server) handleAPIMe(w http.ResponseWriter, r *http.Request) {
	if u := s.requireUser(w, r); u != nil {
		writeJSON(w, http.StatusOK, toMe(u))
	}
}

// pageParams reads page and limit, with defaults and bounds.
func pageParams(r *http.Request) (page, limit int) {
	page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	limit, _ = strconv.Atoi(r.URL.Query().Get("limit"))
	if page < 1 {
		page = 1
	}
	if limit < 1 || limit > 100 {
		limit = 20
	}
	return page, limit
}

func (s *Server) handleAPILedger(w http.ResponseWriter, r *http.Request) {
	if !s.accountsReady(w, r) { // before taking a method of a nil service
		return
	}
	listForUser(s, w, r, "entries", s.Ledger.Entries, func(u *wengao.User, out map[string]any) { out["points"] = u.Points })
}

func (s *Server) handleAPIFavorites(w http.ResponseWriter, r *http.Request) {
	if !s.accountsReady(w, r) {
		return
	}
	listForUser(s, w, r, "favorites", s.Favorites.ListFavorites, nil)
}

// listForUser answers a paginated list of the signed-in user's items as
// {"total","page","limit",name:[...]}; extra may add fields.
func listForUser[T any](s *Server, w http.ResponseWriter, r *http.Request, name string,
	list func(ctx context.Context, userID int64, page, limit int) ([]T, int, error),
	extra func(u *wengao.User, out map[string]any)) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	page, limit := pageParams(r)
	items, total, err := list(r.Context(), u.ID, page, limit)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	if items == nil {
		items = []T{}
	}
	out := map[string]any{"total": total, "page": page, "limit": limit, name: items}
	if extra != nil {
		extra(u, out)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleAPIFavorite(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id := r.PathValue("id")
	var n int
	var err error
	if r.Method == http.MethodDelete {
		n, err = s.Favorites.RemoveFavorite(r.Context(), u.ID, id)
	} else {
		n, err = s.Favorites.AddFavorite(r.Context(), u.ID, id)
	}
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.setFavoriteCount(id, n)
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "favorite": r.Method != http.MethodDelete, "count": n})
}
