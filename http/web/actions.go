package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/wengao/wengao"
)

// Auditing returns the audit entry of the operator's action that r asks
// for, and r's context carrying it to do the action with: the store that
// does the action writes the entry in the action's own transaction
// (wengao.NewContextWithAudit). The entry may be completed until then.
func (s *Core) Auditing(r *http.Request, action, target, detail string) (*wengao.AuditEntry, context.Context) {
	e := &wengao.AuditEntry{Action: action, Target: target, Detail: detail}
	if u := s.CurrentUser(r); u != nil {
		e.ActorID, e.ActorName = u.ID, u.Username
	}
	return e, wengao.NewContextWithAudit(r.Context(), e)
}

// Audited records e, the entry of an action done, when the store that did
// it did not (e.ID is still 0: a store that does not record actions). A
// failure to record is logged, not shown: the action itself is done.
func (s *Core) Audited(r *http.Request, e *wengao.AuditEntry) {
	if e.ID != 0 {
		return
	}
	if err := s.Audit.Audit(r.Context(), e); err != nil {
		s.Logger.Error("audit", "id", RequestID(r.Context()), "action", e.Action, "err", err)
	}
}

// ChangeDocumentStatus moves document id to status as u, for reason,
// recorded in the audit log as action: the one action behind the API and
// the console, which only translate their input and its outcome. The
// store checks who may make which move.
func (s *Core) ChangeDocumentStatus(r *http.Request, u *wengao.User, action, id, status, reason string) error {
	e, ctx := s.Auditing(r, action, "doc:"+id, reason)
	if err := s.DocAdmin.SetDocumentStatus(ctx, wengao.ActorOf(u), id, status, reason); err != nil {
		return err
	}
	s.Audited(r, e)
	return nil
}

// UploadAction is what a moderator asks of an upload, as a front end
// read it from its request.
type UploadAction struct {
	Name   string // approve, reject, meta or delete
	Reason string // why it is rejected
	// Meta is the metadata as the moderator left it: what meta stores,
	// and what approve stores first when the upload is still pending
	// (nil: approve as it is).
	Meta *wengao.UploadMeta
}

// ModerateUpload approves, rejects, corrects or deletes upload id as
// moderator u: the one action behind the API and the console, which
// only translate their input and its outcome. The store checks who may
// do what.
func (s *Core) ModerateUpload(r *http.Request, u *wengao.User, id int64, a UploadAction) (*wengao.Upload, error) {
	e, ctx := s.Auditing(r, "upload."+a.Name, "upload:"+strconv.FormatInt(id, 10), a.Reason)
	var up *wengao.Upload
	var err error
	switch a.Name {
	case "approve":
		up, err = s.Uploads.ApproveUpload(ctx, id, u.ID, s.CurrentSettings(r.Context()).UploadReward, a.Meta)
	case "reject":
		up, err = s.Uploads.RejectUpload(ctx, id, u.ID, a.Reason)
	case "meta":
		if a.Meta == nil {
			return nil, wengao.Errorf(wengao.EINVALID, MsgBadForm)
		}
		up, err = s.Uploads.UpdateUploadMeta(ctx, id, u.ID, *a.Meta)
	case "delete":
		up, err = s.Uploads.DeleteUpload(ctx, id, u.ID)
	default:
		return nil, wengao.Errorf(wengao.ENOTFOUND, msgNotFoundPage)
	}
	if err != nil {
		return nil, err
	}
	s.Audited(r, e)
	return up, nil
}

// ResolveComplaint upholds or rejects complaint id with a note.
func (s *Core) ResolveComplaint(r *http.Request, u *wengao.User, id int64, action, note string) (*wengao.Complaint, error) {
	var c *wengao.Complaint
	var err error
	e, ctx := s.Auditing(r, "complaint."+action, "complaint:"+strconv.FormatInt(id, 10), note)
	switch action {
	case "uphold":
		c, err = s.Complaints.UpholdComplaint(ctx, id, u.ID, note)
	case "reject":
		c, err = s.Complaints.RejectComplaint(ctx, id, u.ID, note)
	default:
		return nil, wengao.Errorf(wengao.ENOTFOUND, msgNotFoundPage)
	}
	if err != nil {
		return nil, err
	}
	s.Audited(r, e)
	return c, nil
}
