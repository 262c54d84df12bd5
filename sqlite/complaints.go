package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wengao/wengao"
)

var _ wengao.ComplaintService = (*DB)(nil)

// Complaint events besides the complaint's own states (opened, upheld,
// rejected): what its handling did to the document.
const (
	eventOpened    = "opened"
	eventHidden    = "hidden"    // a copyright complaint hid the document
	eventUpheld    = "upheld"    //
	eventRejected  = "rejected"  //
	eventDeleted   = "deleted"   // upholding moved the document to the recycle bin
	eventPublished = "published" // rejecting published the document again
)

// Ledger reason of an upload reward taken back for an upheld complaint.
const reasonCopyrightUpheld = "版权投诉成立，收回上传奖励"

// complaintNoteMaxRunes bounds the operators' answer.
const complaintNoteMaxRunes = wengao.ComplaintReasonMaxRunes

// evidenceNameMaxRunes bounds the name of an evidence file.
const evidenceNameMaxRunes = 255

// complaintColumns are the columns scanComplaint reads, from complaints
// aliased c left-joined to documents d on the external id; the title is
// the current one, or the one at the time of the complaint for a purged
// document.
const complaintSelect = `SELECT c.id, c.document_id, COALESCE(d.title, c.document_title), c.kind, c.reason, c.contact, c.evidence,
	c.evidence_key, c.evidence_name, c.evidence_size, COALESCE(c.user_id, 0), c.status, c.note, c.created_at, c.resolved_at,
	c.rights_holder, c.work
	FROM complaints c LEFT JOIN documents d ON d.ext_id = c.document_id AND c.document_id <> '' `

func scanComplaint(row rowScanner) (*wengao.Complaint, error) {
	c := &wengao.Complaint{}
	var file wengao.SourceFile
	var created int64
	var resolved sql.NullInt64
	err := row.Scan(&c.ID, &c.DocumentID, &c.DocumentTitle, &c.Kind, &c.Reason, &c.Contact, &c.Evidence,
		&file.Key, &file.Name, &file.Size, &c.UserID, &c.Status, &c.Note, &created, &resolved, &c.RightsHolder, &c.Work)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wengao.ErrComplaintNotFound
	} else if err != nil {
		return nil, err
	}
	if file.Key != "" {
		c.EvidenceFile = &file
	}
	c.CreatedAt = time.Unix(created, 0).UTC()
	if resolved.Valid {
		t := time.Unix(resolved.Int64, 0).UTC()
		c.ResolvedAt = &t
	}
	return c, nil
}

// rowsQueryer is what *sql.DB and *sql.Tx share for queries of many rows.
type rowsQueryer interface {
	queryer
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// findComplaint returns a complaint with its events.
func findComplaint(ctx context.Context, q rowsQueryer, id int64) (*wengao.Complaint, error) {
	c, err := scanComplaint(q.QueryRowContext(ctx, complaintSelect+`WHERE c.id = ?`, id))
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT e.action, COALESCE(e.actor_id, 0), COALESCE(u.username, ''), e.note, e.created_at
		FROM complaint_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.complaint_id = ? ORDER BY e.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e wengao.ComplaintEvent
		var created int64
		if err := rows.Scan(&e.Action, &e.ActorID, &e.ActorName, &e.Note, &created); err != nil {
			return nil, err
		}
		e.CreatedAt = time.Unix(created, 0).UTC()
		c.Events = append(c.Events, e)
	}
	return c, rows.Err()
}

// addComplaintEvent records a step of a complaint's handling; actor 0 is
// the system.
func addComplaintEvent(ctx context.Context, tx *Tx, complaintID int64, action string, actor int64, note string, now int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO complaint_events (complaint_id, action, actor_id, note, created_at) VALUES (?, ?, ?, ?, ?)`,
		complaintID, action, nullID(actor), note, now)
	return err
}

// validateComplaint trims the fields of c and checks them.
func validateComplaint(c *wengao.Complaint) error {
	c.DocumentID = strings.TrimSpace(c.DocumentID)
	c.Reason = strings.TrimSpace(c.Reason)
	c.Contact = strings.TrimSpace(c.Contact)
	c.Evidence = strings.TrimSpace(c.Evidence)
	c.RightsHolder = strings.TrimSpace(c.RightsHolder)
	c.Work = strings.TrimSpace(c.Work)
	for _, f := range []struct{ name, value string }{{"权利人名称", c.RightsHolder}, {"作品名称", c.Work}} {
		if !utf8.ValidString(f.value) {
			return wengao.ErrFieldInvalidChars(f.name)
		}
		if utf8.RuneCountInString(f.value) > wengao.ComplaintNameMaxRunes {
			return wengao.ErrFieldTooLong(f.name, wengao.ComplaintNameMaxRunes)
		}
	}
	if c.Kind != wengao.ComplaintCopyright && c.Kind != wengao.ComplaintOther {
		return wengao.ErrComplaintKind
	}
	for _, f := range []struct{ name, value string }{{"投诉理由", c.Reason}, {"联系方式", c.Contact}, {"证明材料", c.Evidence}} {
		if !utf8.ValidString(f.value) {
			return wengao.ErrFieldInvalidChars(f.name)
		}
	}
	switch n := utf8.RuneCountInString(c.Reason); {
	case n == 0:
		return wengao.ErrComplaintReasonRequired
	case n > wengao.ComplaintReasonMaxRunes:
		return wengao.ErrComplaintReasonTooLong
	}
	switch n := utf8.RuneCountInString(c.Contact); {
	case n == 0:
		return wengao.ErrComplaintContactRequired
	case n > wengao.ComplaintContactMaxRunes:
		return wengao.ErrComplaintContactTooLong
	}
	if utf8.RuneCountInString(c.Evidence) > wengao.ComplaintEvidenceMaxRunes {
		return wengao.ErrComplaintEvidenceTooLong
	}
	if c.Kind == wengao.ComplaintCopyright && c.DocumentID == "" {
		return wengao.ErrComplaintNeedsDocument
	}
	if f := c.EvidenceFile; f != nil {
		f.Name = strings.TrimSpace(f.Name)
		if f.Key == "" || f.Size < 0 || !utf8.ValidString(f.Name) || utf8.RuneCountInString(f.Name) > evidenceNameMaxRunes {
			return wengao.ErrComplaintEvidenceFile
		}
	}
	return nil
}

// complaintHoldReason is the reason a document hidden by a copyright
// complaint shows.
func complaintHoldReason(id int64) string {
	return fmt.Sprintf("收到版权投诉（投诉 #%d），核实中", id)
}

// CreateComplaint validates and records an open complaint. A takedown
// notice asked to hide (c.Takedown) that qualifies, from an account in
// good standing, hides a published document, held by the complaint, in
// the same transaction; a document already hidden (by an operator or
// another complaint) or deleted is left as it is, and any other
// complaint waits in the queue. The audit entry of ctx, if any, is
// written with the new complaint as its target.
func (db *DB) CreateComplaint(ctx context.Context, c *wengao.Complaint) error {
	if err := validateComplaint(c); err != nil {
		return err
	}
	var file wengao.SourceFile
	if c.EvidenceFile != nil {
		file = *c.EvidenceFile
	}
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var docRowID int64
	var docStatus string
	c.DocumentTitle = ""
	if c.DocumentID != "" {
		if err := tx.QueryRowContext(ctx, `SELECT id, title, status FROM documents WHERE ext_id = ?`, c.DocumentID).Scan(&docRowID, &c.DocumentTitle, &docStatus); errors.Is(err, sql.ErrNoRows) {
			return wengao.ErrComplaintDocumentNotFound
		} else if err != nil {
			return err
		}
	}
	standing := false
	if c.UserID != 0 {
		u, err := findUser(ctx, tx, `u.id = ?`, c.UserID)
		if err != nil {
			return err
		}
		if c.Takedown != nil && c.QualifiesForTakedown() && docStatus == wengao.DocPublished {
			if standing, err = goodStanding(ctx, tx, u, c.Takedown.MinAccountAge); err != nil {
				return err
			}
		}
	}
	now := tx.now.Unix()
	if err := tx.QueryRowContext(ctx, `INSERT INTO complaints (document_id, document_title, kind, reason, contact, evidence,
		evidence_key, evidence_name, evidence_size, user_id, status, created_at, rights_holder, work) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?) RETURNING id`,
		c.DocumentID, c.DocumentTitle, c.Kind, c.Reason, c.Contact, c.Evidence, file.Key, file.Name, file.Size, nullID(c.UserID), now,
		c.RightsHolder, c.Work).Scan(&c.ID); err != nil {
		return err
	}
	if err := addComplaintEvent(ctx, tx, c.ID, eventOpened, c.UserID, "", now); err != nil {
		return err
	}
	if standing {
		reason := complaintHoldReason(c.ID)
		if err := setDocumentStatusTx(ctx, tx, docRowID, c.DocumentID, wengao.DocHidden, reason, c.ID); err != nil {
			return err
		}
		if err := addComplaintEvent(ctx, tx, c.ID, eventHidden, 0, reason, now); err != nil {
			return err
		}
	}
	out, err := findComplaint(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	if e := wengao.AuditFromContext(ctx); e != nil && e.ID == 0 {
		e.Target = fmt.Sprintf("complaint:%d", c.ID)
	}
	if err := auditTx(ctx, tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	*c = *out
	return nil
}

// goodStanding reports whether u may hide a document at once with a
// takedown notice (wengao.GoodStanding), reading their bans and rejected
// complaints in tx.
func goodStanding(ctx context.Context, tx *Tx, u *wengao.User, minAge time.Duration) (bool, error) {
	var upload, download, comment int64
	var rejected int
	if err := tx.QueryRowContext(ctx, `SELECT ban_upload_until, ban_download_until, ban_comment_until,
		(SELECT COUNT(*) FROM complaints WHERE user_id = u.id AND status = 'rejected') FROM users u WHERE u.id = ?`, u.ID).
		Scan(&upload, &download, &comment, &rejected); err != nil {
		return false, err
	}
	return wengao.GoodStanding(u, wengao.Bans{UploadUntil: unixOrZero(upload), DownloadUntil: unixOrZero(download), CommentUntil: unixOrZero(comment)},
		rejected, minAge, tx.now), nil
}

// FindComplaint returns a complaint with its events.
func (db *DB) FindComplaint(ctx context.Context, id int64) (*wengao.Complaint, error) {
	return findComplaint(ctx, db.read, id)
}

// ListComplaints returns one page of complaints, newest first, without
// their events.
func (db *DB) ListComplaints(ctx context.Context, f wengao.ComplaintFilter) ([]wengao.Complaint, int, error) {
	offset, limit, err := pageBounds(f.Page, f.Limit)
	if err != nil {
		return nil, 0, err
	}
	var where []string
	var args []any
	switch f.Status {
	case "":
	case wengao.ComplaintOpen, wengao.ComplaintUpheld, wengao.ComplaintRejected:
		where, args = append(where, `c.status = ?`), append(args, f.Status)
	default:
		return nil, 0, wengao.ErrUnknownComplaintStatus(f.Status)
	}
	if f.UserID != 0 {
		where, args = append(where, `c.user_id = ?`), append(args, f.UserID)
	}
	if f.UploaderID != 0 {
		// Through the uploads, which outlive their documents.
		where, args = append(where, `c.document_id IN (SELECT document_id FROM uploads WHERE user_id = ? AND document_id <> '')`), append(args, f.UploaderID)
	}
	cond := ""
	if len(where) > 0 {
		cond = `WHERE ` + strings.Join(where, ` AND `) + ` `
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM complaints c `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, complaintSelect+cond+`ORDER BY c.id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []wengao.Complaint{}
	for rows.Next() {
		c, err := scanComplaint(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *c)
	}
	return out, total, rows.Err()
}

// resolveComplaint starts the resolution of an open complaint: it checks
// the note, locks the complaint in a write transaction and records its
// new state and event. The caller does the rest in tx and commits.
func (db *DB) resolveComplaint(ctx context.Context, id, operatorID int64, note, status string) (*Tx, *wengao.Complaint, int64, error) {
	note = strings.TrimSpace(note)
	if !utf8.ValidString(note) || utf8.RuneCountInString(note) > complaintNoteMaxRunes {
		return nil, nil, 0, wengao.ErrComplaintNoteTooLong(complaintNoteMaxRunes)
	}
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return nil, nil, 0, err
	}
	c, err := scanComplaint(tx.QueryRowContext(ctx, complaintSelect+`WHERE c.id = ?`, id))
	if err != nil {
		tx.Rollback()
		return nil, nil, 0, err
	}
	role, err := actorRole(ctx, tx, wengao.Actor{ID: operatorID})
	if err != nil {
		tx.Rollback()
		return nil, nil, 0, err
	}
	var uploader int64
	if c.DocumentID != "" {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(user_id), 0) FROM uploads WHERE document_id = ?`, c.DocumentID).Scan(&uploader); err != nil {
			tx.Rollback()
			return nil, nil, 0, err
		}
	}
	if err := wengao.CanResolveComplaint(wengao.Actor{ID: operatorID, Role: role}, c, uploader, status); err != nil {
		tx.Rollback()
		return nil, nil, 0, err
	}
	now := tx.now.Unix()
	if _, err := tx.ExecContext(ctx, `UPDATE complaints SET status = ?, note = ?, resolved_at = ? WHERE id = ?`, status, note, now, id); err != nil {
		tx.Rollback()
		return nil, nil, 0, err
	}
	action := eventUpheld
	if status == wengao.ComplaintRejected {
		action = eventRejected
	}
	if err := addComplaintEvent(ctx, tx, id, action, operatorID, note, now); err != nil {
		tx.Rollback()
		return nil, nil, 0, err
	}
	return tx, c, now, nil
}

// UpholdComplaint accepts an open complaint. For a copyright complaint
// about a document, in the same transaction: the document goes to the
// recycle bin (unless it is there already or purged); and when it was
// published from an upload, its uploader's infringement count rises and,
// if the upload is still approved, its reward is taken back as
// DeleteUpload does (a KindAdjust entry of at most the uploader's
// balance) and the upload is marked deleted, with the reason shown to the
// uploader. Marking it deleted keeps DeleteUpload from taking the reward
// back a second time; the document itself stays in the recycle bin, where
// an operator may still restore or purge it.
func (db *DB) UpholdComplaint(ctx context.Context, id, operatorID int64, note string) (*wengao.Complaint, error) {
	tx, c, now, err := db.resolveComplaint(ctx, id, operatorID, note, wengao.ComplaintUpheld)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if c.Kind == wengao.ComplaintCopyright && c.DocumentID != "" {
		var notes []string
		reason := fmt.Sprintf("版权投诉成立（投诉 #%d）", c.ID)
		switch rowID, status, _, err := findDocumentState(ctx, tx, c.DocumentID); {
		case wengao.ErrorCode(err) == wengao.ENOTFOUND:
			notes = append(notes, "文档已不存在")
		case err != nil:
			return nil, err
		case status != wengao.DocDeleted:
			if err := setDocumentStatusTx(ctx, tx, rowID, c.DocumentID, wengao.DocDeleted, reason, 0); err != nil {
				return nil, err
			}
			notes = append(notes, "文档已移入回收站")
		default:
			notes = append(notes, "文档已在回收站中")
		}
		taken, found, err := db.punishUploader(ctx, tx, c.DocumentID, operatorID, reason, now)
		if err != nil {
			return nil, err
		}
		if found {
			notes = append(notes, "上传者侵权次数加一")
			if taken > 0 {
				notes = append(notes, fmt.Sprintf("收回上传奖励 %d 积分", taken))
			}
		}
		if err := addComplaintEvent(ctx, tx, c.ID, eventDeleted, 0, strings.Join(notes, "；"), now); err != nil {
			return nil, err
		}
	}
	out, err := findComplaint(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := auditTx(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return out, nil
}

// punishUploader handles the upload that document docID was published
// from, if any (approved, or deleted since): the uploader's infringement
// count rises; an approved upload is marked deleted and its reward taken
// back, at most the uploader's balance. It returns the points taken and
// whether there was such an upload.
func (db *DB) punishUploader(ctx context.Context, tx *Tx, docID string, operatorID int64, reason string, now int64) (int64, bool, error) {
	var uploadID, userID, reward int64
	var status string
	err := tx.QueryRowContext(ctx, `SELECT id, user_id, status, reward FROM uploads WHERE document_id = ? AND status IN ('approved', 'deleted')
		ORDER BY id DESC LIMIT 1`, docID).Scan(&uploadID, &userID, &status, &reward)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	} else if err != nil {
		return 0, false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET infringements = infringements + 1 WHERE id = ?`, userID); err != nil {
		return 0, false, err
	}
	if status != wengao.UploadApproved {
		return 0, true, nil // deleted by its uploader or an operator: the reward went back then
	}
	taken, err := takeBackReward(ctx, tx, userID, reward, docID, reasonCopyrightUpheld, operatorID)
	if err != nil {
		return 0, false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE uploads SET status = 'deleted', reason = ?, updated_at = ? WHERE id = ?`, reason, now, uploadID); err != nil {
		return 0, false, err
	}
	return taken, true, nil
}

// takeBackReward takes back an upload's reward from its uploader, for
// DeleteUpload and an upheld complaint: a KindAdjust entry of all of it
// (wengao.RewardTakeBack), even when the balance goes below zero, naming
// the document, the reason and the operator. It returns the points taken.
func takeBackReward(ctx context.Context, tx *Tx, userID, reward int64, docID, reason string, operatorID int64) (int64, error) {
	take := wengao.RewardTakeBack(reward)
	if take <= 0 {
		return 0, nil
	}
	e := &wengao.LedgerEntry{UserID: userID, Kind: wengao.KindAdjust, Amount: -take, DocumentID: docID, Reason: reason, OperatorID: operatorID}
	if err := appendEntryTo(ctx, tx, e, true); err != nil {
		return 0, err
	}
	return take, nil
}

// RejectComplaint turns down an open complaint. A copyright complaint's
// document that a complaint's hold keeps hidden is published again when
// no other open copyright complaint remains about it (otherwise the next
// one holds it); a document an operator hid or deleted meanwhile is left
// as it is.
func (db *DB) RejectComplaint(ctx context.Context, id, operatorID int64, note string) (*wengao.Complaint, error) {
	tx, c, now, err := db.resolveComplaint(ctx, id, operatorID, note, wengao.ComplaintRejected)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if c.Kind == wengao.ComplaintCopyright && c.DocumentID != "" {
		rowID, status, hold, err := findDocumentState(ctx, tx, c.DocumentID)
		if err != nil && wengao.ErrorCode(err) != wengao.ENOTFOUND {
			return nil, err
		}
		if err == nil && status == wengao.DocHidden && hold != 0 {
			var next int64
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MIN(id), 0) FROM complaints WHERE document_id = ? AND kind = 'copyright' AND status = 'open'`,
				c.DocumentID).Scan(&next); err != nil {
				return nil, err
			}
			if next == 0 {
				if err := setDocumentStatusTx(ctx, tx, rowID, c.DocumentID, wengao.DocPublished, "", 0); err != nil {
					return nil, err
				}
				if err := addComplaintEvent(ctx, tx, c.ID, eventPublished, 0, "文档已重新发布", now); err != nil {
					return nil, err
				}
			} else if hold != next {
				// Still hidden, now by the next complaint.
				if _, err := tx.ExecContext(ctx, `UPDATE documents SET hold_complaint = ?, status_reason = ? WHERE id = ?`,
					next, complaintHoldReason(next), rowID); err != nil {
					return nil, err
				}
				// Shown to operators on the document's page.
				tx.changed(wengao.ChangeDocuments, c.DocumentID)
			}
		}
	}
	out, err := findComplaint(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := auditTx(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return out, nil
}
