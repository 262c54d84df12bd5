package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/wengao/wengao"
)

// SessionCookie is the name of the cookie that holds a session token.
const SessionCookie = "wengao_session"

func (s *Core) setSessionCookie(w http.ResponseWriter, r *http.Request, sess *wengao.Session) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: sess.Token, Path: "/",
		Expires: sess.ExpiresAt, MaxAge: int(time.Until(sess.ExpiresAt).Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.IsHTTPS(r),
	})
}

// CurrentUser returns the signed-in user of r, or nil: for pages and
// answers that only change with who is looking. A store failure is
// logged and taken as nobody; requireUser and requireLogin answer it with
// an error instead.
func (s *Core) CurrentUser(r *http.Request) *wengao.User {
	u, err := s.SessionUser(r)
	if err != nil {
		return nil
	}
	return u
}

// SessionUser returns the user of the session cookie of r: nil when there
// is no cookie or its session has ended, and an error only when the
// session could not be read. It looks once per request.
func (s *Core) SessionUser(r *http.Request) (*wengao.User, error) {
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
func (s *Core) lookupUser(r *http.Request) (*wengao.User, error) {
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

// PageParams reads page and limit, with defaults and bounds.
func PageParams(r *http.Request) (page, limit int) {
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
