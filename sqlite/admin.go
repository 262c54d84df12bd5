package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wengao/wengao"
)

var (
	_ wengao.DocumentAdmin = (*DB)(nil)
	_ wengao.UserAdmin     = (*DB)(nil)
)

// statusReasonMaxRunes bounds the reason given for hiding or deleting a
// document.
const statusReasonMaxRunes = 500

// adminDocColumns are the columns scanAdminDocument reads, from documents
// aliased d. The time a document last changed is the later of its last
// edit and its last change of state.
const adminDocColumns = `d.ext_id, d.title, d.date, d.category, d.status, d.status_reason, COALESCE(d.uploader_id, 0), d.price, d.reads,
	max(d.status_at, d.updated_at)`

func scanAdminDocument(row rowScanner) (*wengao.AdminDocument, error) {
	a := &wengao.AdminDocument{}
	var price sql.NullInt64
	var changed int64
	if err := row.Scan(&a.ID, &a.Title, &a.Date, &a.Category, &a.Status, &a.Reason, &a.UploaderID, &price, &a.Reads, &changed); errors.Is(err, sql.ErrNoRows) {
		return nil, wengao.ErrDocumentNotFound
	} else if err != nil {
		return nil, err
	}
	if price.Valid {
		a.Price = &price.Int64
	}
	a.UpdatedAt = time.Unix(changed, 0).UTC()
	return a, nil
}

// likePattern returns a LIKE pattern (with ESCAPE '\') matching s anywhere.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// AdminDocuments returns one page of documents in any state, most
// recently changed first.
func (db *DB) AdminDocuments(ctx context.Context, f wengao.AdminDocumentFilter) ([]wengao.AdminDocument, int, error) {
	offset, limit, err := pageBounds(f.Page, f.Limit)
	if err != nil {
		return nil, 0, err
	}
	if f.Status != "" && !wengao.ValidDocStatus(f.Status) {
		return nil, 0, wengao.ErrUnknownDocStatus(f.Status)
	}
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, `d.status = ?`), append(args, f.Status)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where, args = append(where, `(d.ext_id = ? OR d.title LIKE ? ESCAPE '\')`), append(args, q, likePattern(q))
	}
	cond := ""
	if len(where) > 0 {
		cond = ` WHERE ` + strings.Join(where, ` AND `)
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents d`+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+adminDocColumns+` FROM documents d`+cond+`
		ORDER BY max(d.status_at, d.updated_at) DESC, d.id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanAdminDocument)
	return out, total, err
}

// AdminDocument returns a document in any state, with its text.
func (db *DB) AdminDocument(ctx context.Context, id string) (*wengao.Document, *wengao.AdminDocument, error) {
	doc, err := db.FindDocumentByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	a, err := scanAdminDocument(db.read.QueryRowContext(ctx, `SELECT `+adminDocColumns+` FROM documents d WHERE d.ext_id = ?`, id))
	if err != nil {
		return nil, nil, err
	}
	return doc, a, nil
}

// setDocumentStatusTx moves the document with row id rowID to status,
// with a reason (cleared for published) and the complaint holding it (0
// for none), under a new doc_version (Tx.bumpDocVersion), so that the metadata cache of every
// process takes it out of (or back into) what readers see.
func setDocumentStatusTx(ctx context.Context, tx *Tx, rowID int64, extID, status, reason string, hold int64) error {
	if status == wengao.DocPublished {
		reason = ""
	}
	version, err := tx.bumpDocVersion(ctx, extID)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE documents SET status = ?, status_reason = ?, status_at = ?, hold_complaint = ?, seq = ? WHERE id = ?`,
		status, reason, tx.now.Unix(), nullID(hold), version, rowID)
	return err
}

// findDocumentState returns the row id, state and holding complaint of
// the document with external id extID. Returns ENOTFOUND.
func findDocumentState(ctx context.Context, q queryer, extID string) (rowID int64, status string, hold int64, err error) {
	var h sql.NullInt64
	err = q.QueryRowContext(ctx, `SELECT id, status, hold_complaint FROM documents WHERE ext_id = ?`, extID).Scan(&rowID, &status, &h)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", 0, wengao.ErrDocumentNotFound
	}
	return rowID, status, h.Int64, err
}

// SetDocumentStatus moves a document between published, hidden and
// deleted. It releases the hold of a complaint: an operator's decision
// stands until the next one.
func (db *DB) SetDocumentStatus(ctx context.Context, actor wengao.Actor, id, status, reason string) error {
	if !wengao.ValidDocStatus(status) {
		return wengao.ErrUnknownDocStatus(status)
	}
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > statusReasonMaxRunes {
		return wengao.ErrReasonTooLong(statusReasonMaxRunes)
	}
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rowID, current, _, err := findDocumentState(ctx, tx, id)
	if err != nil {
		return err
	}
	role, err := actorRole(ctx, tx, actor)
	if err != nil {
		return err
	}
	if err := wengao.CanChangeDocumentStatus(role, current, status); err != nil {
		return err
	}
	if err := setDocumentStatusTx(ctx, tx, rowID, id, status, reason, 0); err != nil {
		return err
	}
	if err := auditTx(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// PurgeDocument removes a document in the recycle bin for good.
func (db *DB) PurgeDocument(ctx context.Context, id string) error {
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	_, status, _, err := findDocumentState(ctx, tx, id)
	if err != nil {
		return err
	}
	if status != wengao.DocDeleted {
		return wengao.ErrPurgeNotDeleted
	}
	if err := db.deleteDocumentTx(ctx, tx, id); err != nil {
		return err
	}
	if err := auditTx(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// SetDocumentPrice sets a document's own price, or clears it.
func (db *DB) SetDocumentPrice(ctx context.Context, id string, price *int64) error {
	var p any
	if price != nil {
		if *price < 0 || *price > wengao.MaxPoints {
			return wengao.ErrPriceRange
		}
		p = *price
	}
	n, err := db.execAudited(ctx, func(tx *Tx) { tx.changed(wengao.ChangeDocuments, id) }, `UPDATE documents SET price = ? WHERE ext_id = ?`, p, id)
	if err != nil {
		return err
	} else if n == 0 {
		return wengao.ErrDocumentNotFound
	}
	return nil
}

// cleanCategory trims a category name and each of its levels; it returns
// EINVALID for an empty or malformed one (more than two levels, an empty
// level, a control character, a level over UploadFieldMaxRunes).
func cleanCategory(name, what string) (string, error) {
	name = strings.Trim(strings.TrimSpace(name), "/")
	if name == "" {
		return "", wengao.ErrFieldRequired(what)
	}
	parts := strings.Split(name, "/")
	if len(parts) > 2 {
		return "", wengao.ErrCategoryDepth(what)
	}
	for i, p := range parts {
		p = strings.TrimSpace(p)
		switch {
		case p == "":
			return "", wengao.ErrCategoryEmptyLevel(what)
		case !utf8.ValidString(p) || strings.ContainsFunc(p, unicode.IsControl):
			return "", wengao.ErrFieldControlChars(what)
		case utf8.RuneCountInString(p) > wengao.UploadFieldMaxRunes:
			return "", wengao.ErrCategoryLevelTooLong(what)
		}
		parts[i] = p
	}
	return strings.Join(parts, "/"), nil
}

// RenameCategory moves the documents of category from, in any state, to
// to; renaming a top-level category moves its subcategories along
// ("报告/政府工作报告" becomes "工作报告/政府工作报告"), which is refused when
// to has two levels (that would make three). Uploads of the category move
// too, so that pending ones are published under the new name. The
// documents' record hashes are left alone: re-importing an unchanged
// record keeps the new name. The audit entry of ctx, if any, is written
// with the number of documents moved added to its detail: "to (n)".
func (db *DB) RenameCategory(ctx context.Context, from, to string) (int, error) {
	from, err := cleanCategory(from, "原分类")
	if err != nil {
		return 0, err
	}
	if to, err = cleanCategory(to, "新分类"); err != nil {
		return 0, err
	}
	if from == to {
		return 0, wengao.ErrCategorySame
	}
	top := !strings.Contains(from, "/")
	// Subcategories are matched by their opening characters, which LIKE's
	// wildcards cannot disturb.
	const under = `substr(category, 1, length(?) + 1) = ? || '/'`

	tx, err := db.BeginTx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var exact, children int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents WHERE category = ?`, from).Scan(&exact); err != nil {
		return 0, err
	}
	if top {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents WHERE `+under, from, from).Scan(&children); err != nil {
			return 0, err
		}
	}
	if exact+children == 0 {
		return 0, wengao.ErrCategoryNotFound(from)
	}
	if children > 0 && strings.Contains(to, "/") {
		return 0, wengao.ErrCategoryHasChildren(from)
	}
	version, err := tx.bumpDocVersion(ctx)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE documents SET category = ?, seq = ? WHERE category = ?`, to, version, from); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE uploads SET category = ? WHERE category = ?`, to, from); err != nil {
		return 0, err
	}
	if top {
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET category = ? || substr(category, length(?) + 1), seq = ? WHERE `+under,
			to, from, version, from, from); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE uploads SET category = ? || substr(category, length(?) + 1) WHERE `+under,
			to, from, from, from); err != nil {
			return 0, err
		}
	}
	if e := wengao.AuditFromContext(ctx); e != nil && e.ID == 0 {
		e.Detail += " (" + strconv.Itoa(exact+children) + ")"
	}
	if err := auditTx(ctx, tx); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return exact + children, nil
}

// adminUserColumns are userColumns followed by what scanAdminUser adds.
const adminUserColumns = userColumns + `, u.ban_upload_until, u.ban_download_until, u.ban_comment_until, u.infringements`

func scanAdminUser(row rowScanner) (*wengao.AdminUser, error) {
	var up, down, comment int64
	var infringements int
	u, err := scanUser(row, &up, &down, &comment, &infringements)
	if err != nil {
		return nil, err
	}
	return &wengao.AdminUser{User: *u, Bans: wengao.Bans{UploadUntil: unixOrZero(up), DownloadUntil: unixOrZero(down), CommentUntil: unixOrZero(comment)},
		Infringements: infringements}, nil
}

// unixOrZero is the time of Unix seconds n, or the zero time for 0.
func unixOrZero(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

// zeroOrUnix is the Unix seconds of t, or 0 for the zero time.
func zeroOrUnix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// ListUsers returns one page of users, newest first.
func (db *DB) ListUsers(ctx context.Context, f wengao.UserFilter) ([]wengao.AdminUser, int, error) {
	offset, limit, err := pageBounds(f.Page, f.Limit)
	if err != nil {
		return nil, 0, err
	}
	if f.Role != "" && !wengao.ValidRole(f.Role) {
		return nil, 0, wengao.ErrUnknownRole(f.Role)
	}
	var where []string
	var args []any
	if f.Role != "" {
		where, args = append(where, `u.role = ?`), append(args, f.Role)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where, args = append(where, `u.username LIKE ? ESCAPE '\'`), append(args, likePattern(q))
	}
	cond := ""
	if len(where) > 0 {
		cond = ` WHERE ` + strings.Join(where, ` AND `)
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u`+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+adminUserColumns+` FROM users u`+cond+` ORDER BY u.id DESC LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []wengao.AdminUser{}
	for rows.Next() {
		u, err := scanAdminUser(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *u)
	}
	return out, total, rows.Err()
}

// FindAdminUser returns a user with bans and infringements.
func (db *DB) FindAdminUser(ctx context.Context, id int64) (*wengao.AdminUser, error) {
	return scanAdminUser(db.read.QueryRowContext(ctx, `SELECT `+adminUserColumns+` FROM users u WHERE u.id = ?`, id))
}

// SetUserBans replaces a user's bans, when the actor ranks above them.
func (db *DB) SetUserBans(ctx context.Context, actor wengao.Actor, id int64, b wengao.Bans) error {
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	target, err := findUser(ctx, tx, `u.id = ?`, id)
	if err != nil {
		return err
	}
	role, err := actorRole(ctx, tx, actor)
	if err != nil {
		return err
	}
	if err := wengao.CanActOnUser(wengao.Actor{ID: actor.ID, Role: role}, target.ID, target.Role); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET ban_upload_until = ?, ban_download_until = ?, ban_comment_until = ? WHERE id = ?`,
		zeroOrUnix(b.UploadUntil), zeroOrUnix(b.DownloadUntil), zeroOrUnix(b.CommentUntil), id); err != nil {
		return err
	}
	if err := auditTx(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}
