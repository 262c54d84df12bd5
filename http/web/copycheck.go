package web

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/copycheck"
)

// Limits of the copy check (查重) beside the daily quota of the settings.
const (
	// checksPerMinute bounds the checks of one account, and
	// checksPerMinuteIP those from one address, in a minute.
	checksPerMinute   = 6
	checksPerMinuteIP = 20
	// checkSlots is how many checks run at once (each aligns on every
	// core); checkWait is how long a check waits for a slot before it is
	// refused as busy.
	checkSlots = 2
	checkWait  = 10 * time.Second
	// checkRetryAfter is the Retry-After while the index is being built.
	checkRetryAfter = 30
	// maxCheckJSON bounds the JSON body of POST /api/v1/check: a draft of
	// MaxDraftBytes with every character escaped (\uXXXX).
	maxCheckJSON = 6*wengao.MaxDraftBytes + 4<<10
	// maxCheckForm bounds a form posting a draft's text: percent-encoded,
	// each byte takes up to three.
	maxCheckForm = 3*wengao.MaxDraftBytes + 4<<10
	// reportsKept is how many recent reports are kept (by draft hash, not
	// the draft) so that the downloads of a report just shown do not
	// count as checks again; reportLifetime is how long.
	reportsKept    = 256
	reportLifetime = 30 * time.Minute
)

// CheckEnabled reports whether the server checks drafts (查重).
func (s *Core) CheckEnabled() bool { return s.CopyChecker != nil }

// CheckReady reports whether the check's index is built.
func (s *Core) CheckReady() bool { return s.CopyChecker != nil && s.CopyChecker.Ready() }

// CheckAllowed returns nil when u may check drafts: the check is on and
// the settings give u's role a quota (wengao.CheckLimit); ENOTFOUND when
// the check is off, EFORBIDDEN when readers' quota is 0.
func (s *Core) CheckAllowed(ctx context.Context, u *wengao.User) error {
	if s.CopyChecker == nil {
		return wengao.Errorf(wengao.ENOTFOUND, msgCheckOff)
	}
	if _, ok := wengao.CheckLimit(u.Role, s.CurrentSettings(ctx).CheckDailyQuota); !ok {
		return wengao.ErrCheckOff
	}
	return nil
}

// CheckQuotaLeft returns how many checks u has left today, -1 for no
// limit.
func (s *Core) CheckQuotaLeft(ctx context.Context, u *wengao.User) (int, error) {
	limit, ok := wengao.CheckLimit(u.Role, s.CurrentSettings(ctx).CheckDailyQuota)
	switch {
	case !ok:
		return 0, nil
	case limit == 0:
		return -1, nil
	}
	used, err := s.Services.checkQuota().ChecksUsed(ctx, u.ID, s.siteDay())
	if err != nil {
		return 0, err
	}
	return max(0, limit-used), nil
}

// siteDay returns the site's calendar day.
func (s *Core) siteDay() string { return s.Time().In(SiteZone).Format(wengao.DayLayout) }

// checkState is the copy check's state in the server: the slots of the
// checks running, the recent reports, and each user's count as last taken.
type checkState struct {
	once    sync.Once
	slots   chan struct{}
	mu      sync.Mutex
	reports map[[32]byte]keptReport
}

type keptReport struct {
	report *wengao.CopyReport
	at     time.Time
}

func (c *checkState) init() {
	c.once.Do(func() {
		c.slots = make(chan struct{}, checkSlots)
		c.reports = map[[32]byte]keptReport{}
	})
}

// reportKey is what a kept report is found by: the user and a hash of the
// draft (the draft itself is never kept).
func reportKey(userID int64, text string) [32]byte {
	h := sha256.New()
	h.Write([]byte(strconv.FormatInt(userID, 10) + "\x00"))
	io.WriteString(h, text)
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// CheckDraft checks u's draft against the library, within the limits: the
// draft's size (EINVALID, ETOOLARGE), the rate of u and of the address
// (ETOOMANY, Retry-After set), the index being built (EUNAVAILABLE,
// Retry-After set), the daily quota (ETOOMANY) and the checks running at
// once (EUNAVAILABLE). With reuse, a report of the same draft made for u
// in the last half hour is returned without counting a check (the
// downloads of a report just shown).
func (s *Core) CheckDraft(w http.ResponseWriter, r *http.Request, u *wengao.User, text string, reuse bool) (*wengao.CopyReport, error) {
	ctx := r.Context()
	if err := s.CheckAllowed(ctx, u); err != nil {
		return nil, err
	}
	s.checkState.init()
	text = copycheck.DraftText(text)
	if err := copycheck.ValidateDraft(text); err != nil {
		return nil, err
	}
	key := reportKey(u.ID, text)
	if reuse {
		s.checkState.mu.Lock()
		k, ok := s.checkState.reports[key]
		s.checkState.mu.Unlock()
		if ok && s.Time().Sub(k.at) < reportLifetime {
			return k.report, nil
		}
	}
	if !s.CopyChecker.Ready() {
		w.Header().Set("Retry-After", strconv.Itoa(checkRetryAfter))
		return nil, wengao.Errorf(wengao.EUNAVAILABLE, msgCheckBuilding)
	}
	ip, user := s.clientIP(r), "user:"+strconv.FormatInt(u.ID, 10)
	if ok, wait := s.limits.checks.Allow(user, checksPerMinute); !ok {
		return nil, tooMany(w, wait, msgCheckTooFast)
	}
	if ok, wait := s.limits.checks.Allow(ip, checksPerMinuteIP); !ok {
		s.limits.checks.Undo(user)
		return nil, tooMany(w, wait, msgCheckTooFast)
	}
	limit, _ := wengao.CheckLimit(u.Role, s.CurrentSettings(ctx).CheckDailyQuota)
	day := s.siteDay()
	q := s.Services.checkQuota()
	_, ok, err := q.TakeCheck(ctx, u.ID, day, limit)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, wengao.ErrCheckQuota(limit)
	}
	report, err := s.runCheck(ctx, text)
	if err != nil {
		// Nothing was checked: the check is given back.
		if rerr := q.ReturnCheck(context.WithoutCancel(ctx), u.ID, day); rerr != nil {
			s.Logger.Error("return a check", "err", rerr)
		}
		if wengao.ErrorCode(err) == wengao.EUNAVAILABLE {
			w.Header().Set("Retry-After", strconv.Itoa(checkRetryAfter))
		}
		return nil, err
	}
	s.keepReport(key, report)
	return report, nil
}

// runCheck checks text in one of the slots, waiting for one at most
// checkWait.
func (s *Core) runCheck(ctx context.Context, text string) (*wengao.CopyReport, error) {
	t := time.NewTimer(checkWait)
	defer t.Stop()
	select {
	case s.checkState.slots <- struct{}{}:
	case <-t.C:
		return nil, wengao.Errorf(wengao.EUNAVAILABLE, msgCheckBusy)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.checkState.slots }()
	return s.CopyChecker.CheckDraft(ctx, text)
}

// keepReport keeps a report for its downloads, dropping expired ones and,
// when full, the oldest.
func (s *Core) keepReport(key [32]byte, r *wengao.CopyReport) {
	now := s.Time()
	c := &s.checkState
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.reports) >= reportsKept {
		var oldest [32]byte
		var at time.Time
		for k, v := range c.reports {
			if now.Sub(v.at) >= reportLifetime {
				delete(c.reports, k)
				continue
			}
			if at.IsZero() || v.at.Before(at) {
				oldest, at = k, v.at
			}
		}
		if len(c.reports) >= reportsKept {
			delete(c.reports, oldest)
		}
	}
	c.reports[key] = keptReport{report: r, at: now}
}

// Draft is a draft sent to be checked, and what the page asked for.
type Draft struct {
	Text string
	// Name is the uploaded file's name, "" for pasted text.
	Name string
	// Format is the report download asked for: "docx", "html" or "".
	Format string
}

// ReadDraft reads the draft of a check request: JSON {"text": …}, a
// multipart form with a file (field "file", any upload format, within the
// settings' upload size) or a text field ("text"), or a plain form with
// "text". A form's "format" field asks for a report download.
func (s *Core) ReadDraft(w http.ResponseWriter, r *http.Request) (Draft, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var in struct {
			Text string `json:"text"`
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCheckJSON))
		if err != nil {
			return Draft{}, wengao.Errorf(wengao.ETOOLARGE, msgDraftTooLong, wengao.MaxDraftChars)
		}
		if err := json.Unmarshal(body, &in); err != nil {
			return Draft{}, wengao.Errorf(wengao.EINVALID, MsgBadJSON)
		}
		if strings.TrimSpace(in.Text) == "" {
			return Draft{}, wengao.Errorf(wengao.EINVALID, MsgCheckNoDraft)
		}
		return Draft{Text: in.Text}, nil
	case "multipart/form-data":
		return s.readDraftMultipart(w, r)
	case "application/x-www-form-urlencoded":
		r.Body = http.MaxBytesReader(w, r.Body, maxCheckForm)
		if err := r.ParseForm(); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return Draft{}, wengao.Errorf(wengao.ETOOLARGE, msgDraftTooLong, wengao.MaxDraftChars)
			}
			return Draft{}, wengao.Errorf(wengao.EINVALID, MsgBadForm)
		}
		d := Draft{Text: r.PostForm.Get("text"), Format: r.PostForm.Get("format")}
		if strings.TrimSpace(d.Text) == "" {
			return Draft{}, wengao.Errorf(wengao.EINVALID, MsgCheckNoDraft)
		}
		return d, nil
	}
	return Draft{}, wengao.Errorf(wengao.EINVALID, MsgCheckNoDraft)
}

func (s *Core) readDraftMultipart(w http.ResponseWriter, r *http.Request) (Draft, error) {
	max := s.CurrentSettings(r.Context()).UploadMaxBytes
	tooLarge := wengao.Errorf(wengao.ETOOLARGE, MsgCheckFileTooLarge, wengao.FormatSize(max))
	r.Body = http.MaxBytesReader(w, r.Body, max+maxCheckForm+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return Draft{}, wengao.Errorf(wengao.EINVALID, MsgCheckNoDraft)
	}
	var d Draft
	var text string
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return Draft{}, tooLarge
			}
			return Draft{}, wengao.Errorf(wengao.EINVALID, msgUploadBroken)
		}
		switch part.FormName() {
		case "file":
			if part.FileName() == "" || d.Name != "" {
				break
			}
			name := cleanFileName(part.FileName())
			ctx, cancel := context.WithTimeout(r.Context(), convertTimeout)
			t, err := copycheck.DraftFromFile(ctx, name, part, max)
			cancel()
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) || wengao.ErrorCode(err) == wengao.ETOOLARGE {
					return Draft{}, tooLarge
				}
				if errors.Is(err, context.DeadlineExceeded) {
					return Draft{}, wengao.Errorf(wengao.EINVALID, msgUploadTimeout)
				}
				if wengao.ErrorCode(err) == wengao.EINTERNAL {
					// Most often a file the converters cannot read: the
					// sender is told so, the detail logged.
					s.Logger.Warn("check: read a draft file", "file", name, "err", err)
					return Draft{}, wengao.Errorf(wengao.EINVALID, msgUploadNoText)
				}
				return Draft{}, err
			}
			d.Text, d.Name = t, name
		case "text", "format":
			b, err := io.ReadAll(io.LimitReader(part, wengao.MaxDraftBytes+1))
			if err != nil {
				return Draft{}, wengao.Errorf(wengao.EINVALID, msgUploadBroken)
			}
			if part.FormName() == "format" {
				d.Format = string(b)
			} else if len(b) > wengao.MaxDraftBytes {
				return Draft{}, wengao.Errorf(wengao.ETOOLARGE, msgDraftTooLong, wengao.MaxDraftChars)
			} else {
				text = string(b)
			}
		}
		part.Close()
	}
	if d.Name == "" {
		d.Text = text
	}
	if strings.TrimSpace(d.Text) == "" {
		return Draft{}, wengao.Errorf(wengao.EINVALID, MsgCheckNoDraft)
	}
	return d, nil
}
