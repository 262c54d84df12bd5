package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// maxAuthBody bounds the JSON body of account requests.
const maxAuthBody = 16 << 10

func (s *Handler) handleAPIDownloads(w http.ResponseWriter, r *http.Request) {
	listForUser(s, w, r, "downloads", s.Ledger.ListPurchases, nil)
}

func (s *Handler) handleAPISignIn(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	e, err := s.SignIn(r.Context(), u)
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	points := u.Points + e.Amount
	web.WriteJSON(w, http.StatusOK, map[string]any{"granted": e.Amount, "points": points})
}

// passwordChange is the JSON body of a password change.
type passwordChange struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
}

// handleAPIPassword changes the user's password, which ends all their
// sessions, and starts a new session for this client.
func (s *Handler) handleAPIPassword(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	var c passwordChange
	if err := json.NewDecoder(io.LimitReader(r.Body, maxAuthBody)).Decode(&c); err != nil {
		s.JSONError(w, r, wengao.Errorf(wengao.EINVALID, web.MsgBadJSON))
		return
	}
	err := s.Users.ChangePassword(r.Context(), u.ID, c.Current, c.New)
	if err == nil {
		err = s.StartSession(w, r, u)
	}
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, toMe(u))
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
		return c, wengao.Errorf(wengao.EINVALID, web.MsgBadJSON)
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

func (s *Handler) handleAPIRegister(w http.ResponseWriter, r *http.Request) {
	c, err := readCredentials(r)
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	undo, err := s.AllowRegistration(w, r)
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	u, err := s.Users.CreateUser(r.Context(), wengao.NewUser{
		Username: c.Username, Password: c.Password, Email: c.Email,
		Bonus: s.CurrentSettings(r.Context()).SignupBonus,
	})
	if err != nil {
		undo()
	}
	s.signedIn(w, r, u, err, http.StatusCreated)
}

func (s *Handler) handleAPILogin(w http.ResponseWriter, r *http.Request) {
	c, err := readCredentials(r)
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	u, err := s.Login(w, r, c.Username, c.Password)
	s.signedIn(w, r, u, err, http.StatusOK)
}

func (s *Handler) handleAPILogout(w http.ResponseWriter, r *http.Request) {
	if err := s.EndSession(w, r); err != nil {
		s.JSONError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// signedIn finishes a registration or login: unless err, it starts a
// session for u, sets its cookie and answers with the user.
func (s *Handler) signedIn(w http.ResponseWriter, r *http.Request, u *wengao.User, err error, status int) {
	if err == nil {
		err = s.StartSession(w, r, u)
	}
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	web.WriteJSON(w, status, toMe(u))
}

// requireUser returns the signed-in user or writes EUNAUTHORIZED, or the
// error that kept the session from being read.
func (s *Handler) requireUser(w http.ResponseWriter, r *http.Request) *wengao.User {
	u, err := s.SessionUser(r)
	if err != nil {
		s.JSONError(w, r, err)
		return nil
	}
	if u == nil {
		s.JSONError(w, r, wengao.Errorf(wengao.EUNAUTHORIZED, web.MsgLoginNeeded))
	}
	return u
}

func (s *Handler) handleAPIMe(w http.ResponseWriter, r *http.Request) {
	if u := s.requireUser(w, r); u != nil {
		web.WriteJSON(w, http.StatusOK, toMe(u))
	}
}

func (s *Handler) handleAPILedger(w http.ResponseWriter, r *http.Request) {
	listForUser(s, w, r, "entries", s.Ledger.Entries, func(u *wengao.User, out map[string]any) { out["points"] = u.Points })
}

func (s *Handler) handleAPIFavorites(w http.ResponseWriter, r *http.Request) {
	listForUser(s, w, r, "favorites", s.Favorites.ListFavorites, nil)
}

// listForUser answers a paginated list of the signed-in user's items as
// {"total","page","limit",name:[...]}; extra may add fields.
func listForUser[T any](s *Handler, w http.ResponseWriter, r *http.Request, name string,
	list func(ctx context.Context, userID int64, page, limit int) ([]T, int, error),
	extra func(u *wengao.User, out map[string]any)) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	page, limit := web.PageParams(r)
	items, total, err := list(r.Context(), u.ID, page, limit)
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	if items == nil {
		items = []T{}
	}
	out := map[string]any{"total": total, "page": page, "limit": limit, name: items}
	if extra != nil {
		extra(u, out)
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func (s *Handler) handleAPIFavorite(w http.ResponseWriter, r *http.Request) {
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
		s.JSONError(w, r, err)
		return
	}
	s.SetFavoriteCount(id, n)
	web.WriteJSON(w, http.StatusOK, map[string]any{"id": id, "favorite": r.Method != http.MethodDelete, "count": n})
}
