package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/wengao/wengao"
)

// MaxEvidenceBytes bounds the file a complaint may carry.
const MaxEvidenceBytes = 10 << 20

// FileComplaint records a complaint from the visitor of r, who may not
// be banned from sending messages. A takedown notice asks to hide its document at once
// only when the operator's policy says so and the notice is within the
// daily limits of its account and address; the store then hides it if
// the notice qualifies and the account is in good standing.
func (s *Core) FileComplaint(r *http.Request, c *wengao.Complaint) error {
	c.UserID, c.Takedown = 0, nil
	u := s.CurrentUser(r)
	if u != nil {
		c.UserID = u.ID
		if au, err := s.UserAdmin.FindAdminUser(r.Context(), u.ID); err == nil && wengao.Banned(au.Bans.CommentUntil, s.Time()) {
			return wengao.Errorf(wengao.EFORBIDDEN, msgBannedComment, au.Bans.CommentUntil.In(SiteZone).Format("2006-01-02 15:04"))
		}
	}
	if st := s.CurrentSettings(r.Context()); u != nil && st.TakedownPolicy == wengao.TakedownHide && c.QualifiesForTakedown() && s.allowTakedown(r, u) {
		c.Takedown = &wengao.TakedownRequest{MinAccountAge: time.Duration(st.TakedownAccountDays) * 24 * time.Hour}
	}
	e, ctx := s.Auditing(r, "complaint.open", "complaint:", c.Kind+" "+c.DocumentID)
	if err := s.Complaints.CreateComplaint(ctx, c); err != nil {
		return err
	}
	if e.ID == 0 {
		e.Target += strconv.FormatInt(c.ID, 10)
	}
	s.Audited(r, e)
	return nil
}

// StoreEvidence stores the file "file" of a multipart complaint, if any,
// in the file store, and holds it (see holdBlob) until release is called.
func (s *Core) StoreEvidence(r *http.Request) (_ *wengao.SourceFile, release func(), _ error) {
	none := func() {}
	if r.MultipartForm == nil {
		return nil, none, nil
	}
	fhs := r.MultipartForm.File["file"]
	if len(fhs) == 0 || fhs[0].Size == 0 {
		return nil, none, nil
	}
	f, err := fhs[0].Open()
	if err != nil {
		return nil, none, wengao.Errorf(wengao.EINVALID, MsgBadForm)
	}
	defer f.Close()
	key, size, err := s.Files.Put(r.Context(), f, MaxEvidenceBytes)
	if wengao.ErrorCode(err) == wengao.ETOOLARGE {
		return nil, none, wengao.Errorf(wengao.ETOOLARGE, MsgEvidenceTooLarge, wengao.FormatSize(MaxEvidenceBytes))
	} else if err != nil {
		return nil, none, fmt.Errorf("store evidence: %w", err) // a full disk, the file store out of reach
	}
	return &wengao.SourceFile{Key: key, Name: cleanFileName(fhs[0].Filename), Size: size}, s.holdBlob(key), nil
}

// DropEvidence releases the evidence file of a complaint that was not
// recorded and removes it, unless a record refers to the same content.
func (s *Core) DropEvidence(r *http.Request, f *wengao.SourceFile, release func()) {
	release()
	if f != nil {
		s.removeBlobIfOrphan(r.Context(), f.Key)
	}
}
