package wengao

import "context"

// auditKey is the context key of the audit entry of an action.
type auditKey struct{}

// NewContextWithAudit returns a copy of ctx carrying e, the record of the
// operator's action about to be done with ctx. The store method that does
// the action writes e in the action's own transaction and sets its ID, so
// that an action and its record are kept together or not at all; it
// completes e with what only it knows (the id of what it creates, the
// number of what it changes), as its documentation says. An entry is
// written once, by the first such method called with ctx.
func NewContextWithAudit(ctx context.Context, e *AuditEntry) context.Context {
	return context.WithValue(ctx, auditKey{}, e)
}

// AuditFromContext returns the audit entry ctx carries, or nil.
func AuditFromContext(ctx context.Context) *AuditEntry {
	e, _ := ctx.Value(auditKey{}).(*AuditEntry)
	return e
}
