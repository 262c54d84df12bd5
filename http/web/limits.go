package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/throttle"
)

// limiters are the rate limits of the server, by what they count.
type limiters struct {
	search    *throttle.Limiter // searches per address or user, a minute
	register  rateLimiter       // accounts created per address, an hour
	download  *throttle.Limiter // downloads per account, a minute
	takedowns *throttle.Limiter // notices that hid a document, per account or address, a day
	checks    *throttle.Limiter // drafts checked per account or address, a minute
}

func newLimiters() limiters {
	return limiters{
		search:    throttle.NewLimiter(time.Minute, 0),
		register:  throttle.NewLimiter(time.Hour, 0),
		download:  throttle.NewLimiter(time.Minute, 0),
		takedowns: throttle.NewLimiter(24*time.Hour, 0),
		checks:    throttle.NewLimiter(time.Minute, 0),
	}
}

// rateLimiter is a *throttle.Limiter or, shared by the instances, a
// *throttle.SharedLimiter.
type rateLimiter interface {
	Allow(key string, limit int) (bool, time.Duration)
	Undo(key string)
}

// ShareLimits makes the login throttle and the registration limit count
// in counts, shared by every instance serving the library, each in front
// of this instance's own (see throttle.Shared). Call it before the
// server serves; with one instance it only adds writes.
//
// The other limits stay per instance: searches, downloads, drafts
// checked and takedown notices guard against load and slips rather than
// guessing, and N instances allow N times as many, which the operator
// may divide by N in the settings.
func (s *Core) ShareLimits(counts throttle.Counts) {
	if local, ok := s.Throttle.(*throttle.LoginThrottle); ok {
		s.Throttle = throttle.NewShared(local, counts)
	}
	if local, ok := s.limits.register.(*throttle.Limiter); ok {
		s.limits.register = throttle.NewSharedLimiter(local, counts, "register:")
	}
}

// tooMany returns ETOOMANY with msg (formatted with the seconds to wait)
// and sets Retry-After.
func tooMany(w http.ResponseWriter, wait time.Duration, msg string) error {
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return wengao.Errorf(wengao.ETOOMANY, msg, secs)
}

// AllowSearch counts a search with a query against the limit of its
// visitor: per address for those not logged in, per account for users.
// It writes the 429 page (page) or JSON error and returns false when the
// visitor is over the limit.
func (s *Core) AllowSearch(w http.ResponseWriter, r *http.Request, page bool) bool {
	if r.URL.Query().Get("q") == "" {
		return true
	}
	st := s.CurrentSettings(r.Context())
	key, limit := s.clientIP(r), st.SearchPerMinute
	if u := s.CurrentUser(r); u != nil {
		key, limit = "user:"+strconv.FormatInt(u.ID, 10), st.SearchPerMinuteUser
	}
	ok, wait := s.limits.search.Allow(key, limit)
	if ok {
		return true
	}
	err := tooMany(w, wait, msgSearchTooFast)
	if page {
		s.ErrorPage(w, r, err)
	} else {
		s.JSONError(w, r, err)
	}
	return false
}

// AllowRegistration counts an account about to be created from the
// address of r; undo gives the count back when it was not created.
func (s *Core) AllowRegistration(w http.ResponseWriter, r *http.Request) (undo func(), err error) {
	ip := s.clientIP(r)
	ok, wait := s.limits.register.Allow(ip, s.CurrentSettings(r.Context()).RegistrationsPerHour)
	if !ok {
		return nil, tooMany(w, wait, msgRegisterTooFast)
	}
	return func() { s.limits.register.Undo(ip) }, nil
}

// allowTakedown counts a notice about to hide a document against the
// daily limit of its account and of its address, reporting whether both
// allow it. A notice over a limit still reaches the queue.
func (s *Core) allowTakedown(r *http.Request, u *wengao.User) bool {
	limit := s.CurrentSettings(r.Context()).TakedownsPerDay
	ip := s.clientIP(r)
	if ok, _ := s.limits.takedowns.Allow(ip, limit); !ok {
		return false
	}
	if ok, _ := s.limits.takedowns.Allow("user:"+strconv.FormatInt(u.ID, 10), limit); !ok {
		s.limits.takedowns.Undo(ip)
		return false
	}
	return true
}

// allowDownload counts a download by u against the limit a minute.
func (s *Core) allowDownload(w http.ResponseWriter, r *http.Request, u *wengao.User) error {
	ok, wait := s.limits.download.Allow("user:"+strconv.FormatInt(u.ID, 10), s.CurrentSettings(r.Context()).DownloadsPerMinute)
	if !ok {
		return tooMany(w, wait, msgDownloadTooFast)
	}
	return nil
}
