package web

import (
	"context"
	"net/http"

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

// PageLayout returns the layout a view embeds.
func (l *Layout) PageLayout() *Layout { return l }

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
