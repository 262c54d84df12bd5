package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/neardup"
)

var _ wengao.UploadService = (*DB)(nil)

// Ledger reasons of upload rewards.
const (
	reasonUploadApproved = "上传文稿通过审核"
	reasonUploadDeleted  = "删除上传文稿，收回奖励"
)

// uploadSource is the source of documents published from uploads.
const uploadSource = "网友上传"

// uploadColumns are the columns scanUpload reads, from uploads aliased u
// joined to users us; %BODY% and %OUTLINE% are the text columns, or
// empty values for lists.
const uploadColumns = `u.id, u.user_id, us.username, u.status, u.file_key, u.file_name, u.file_size, u.format,
	u.title, u.issuer, u.doc_number, u.date, u.genre, u.category, %BODY%, %OUTLINE%, u.chars, u.text_hash,
	u.near_duplicates, u.reason, u.document_id, u.reward, COALESCE(u.reviewer_id, 0), u.created_at, u.updated_at, u.reviewed_at`

var (
	uploadSelect     = `SELECT ` + strings.NewReplacer("%BODY%", "u.body", "%OUTLINE%", "u.outline").Replace(uploadColumns) + ` FROM uploads u JOIN users us ON us.id = u.user_id `
	uploadListSelect = `SELECT ` + strings.NewReplacer("%BODY%", "''", "%OUTLINE%", "'[]'").Replace(uploadColumns) + ` FROM uploads u JOIN users us ON us.id = u.user_id `
)

func scanUpload(row rowScanner) (*wengao.Upload, error) {
	u := &wengao.Upload{}
	var body, outline, near string
	var created, updated int64
	var reviewed sql.NullInt64
	err := row.Scan(&u.ID, &u.UserID, &u.Username, &u.Status, &u.File.Key, &u.File.Name, &u.File.Size, &u.Format,
		&u.Meta.Title, &u.Meta.Issuer, &u.Meta.DocNumber, &u.Meta.Date, &u.Meta.Genre, &u.Meta.Category, &body, &outline, &u.Chars, &u.TextHash,
		&near, &u.Reason, &u.DocumentID, &u.Reward, &u.ReviewerID, &created, &updated, &reviewed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wengao.ErrUploadNotFound
	} else if err != nil {
		return nil, err
	}
	if body != "" {
		u.Body = strings.Split(body, "\n")
	}
	if err := json.Unmarshal([]byte(outline), &u.Outline); err != nil {
		return nil, err
	}
	if len(u.Outline) == 0 {
		u.Outline = nil
	}
	if err := json.Unmarshal([]byte(near), &u.NearDuplicates); err != nil {
		return nil, err
	}
	if len(u.NearDuplicates) == 0 {
		u.NearDuplicates = nil
	}
	u.CreatedAt = time.Unix(created, 0).UTC()
	u.UpdatedAt = time.Unix(updated, 0).UTC()
	if reviewed.Valid {
		t := time.Unix(reviewed.Int64, 0).UTC()
		u.ReviewedAt = &t
	}
	return u, nil
}

func findUpload(ctx context.Context, q queryer, id int64) (*wengao.Upload, error) {
	return scanUpload(q.QueryRowContext(ctx, uploadSelect+`WHERE u.id = ?`, id))
}

// cleanBody splits and trims paragraphs as SaveDocuments does, dropping
// blank ones, so that outline indexes stay valid once published.
func cleanBody(body []string) []string {
	paras := make([]string, 0, len(body))
	for _, para := range body {
		for _, line := range strings.Split(para, "\n") {
			line = strings.TrimRight(line, " \t\r\u3000")
			if strings.TrimSpace(line) != "" {
				paras = append(paras, line)
			}
		}
	}
	return paras
}

// outlineFits reports whether every item of outline points into a body of
// n paragraphs.
func outlineFits(outline []wengao.OutlineItem, n int) bool {
	for _, it := range outline {
		if it.Paragraph < 0 || it.Paragraph >= n {
			return false
		}
	}
	return true
}

// normalizeUploadMeta trims the fields of m and tidies its category.
func normalizeUploadMeta(m wengao.UploadMeta) wengao.UploadMeta {
	m.Title = strings.TrimSpace(m.Title)
	m.Issuer = strings.TrimSpace(m.Issuer)
	m.DocNumber = strings.TrimSpace(m.DocNumber)
	m.Date = strings.TrimSpace(m.Date)
	m.Genre = strings.TrimSpace(m.Genre)
	m.Category = strings.TrimSpace(m.Category)
	if m.Category != "" {
		parts := strings.Split(m.Category, "/")
		for i, p := range parts {
			parts[i] = strings.TrimSpace(p)
		}
		m.Category = strings.Join(parts, "/")
	}
	return m
}

// validateUploadMeta returns the normalised metadata, or EINVALID when a
// field is missing, too long or malformed.
func validateUploadMeta(m wengao.UploadMeta) (wengao.UploadMeta, error) {
	m = normalizeUploadMeta(m)
	if m.Title == "" {
		return m, wengao.ErrTitleRequired
	}
	if utf8.RuneCountInString(m.Title) > wengao.UploadTitleMaxRunes {
		return m, wengao.ErrTitleTooLong
	}
	for _, f := range []struct{ name, value string }{
		{"标题", m.Title}, {"发文机关", m.Issuer}, {"发文字号", m.DocNumber}, {"成文日期", m.Date}, {"文种", m.Genre}, {"分类", m.Category},
	} {
		if f.name != "标题" && utf8.RuneCountInString(f.value) > wengao.UploadFieldMaxRunes {
			return m, wengao.ErrFieldTooLong(f.name, wengao.UploadFieldMaxRunes)
		}
		if !utf8.ValidString(f.value) || strings.ContainsFunc(f.value, unicode.IsControl) {
			return m, wengao.ErrFieldControlChars(f.name)
		}
	}
	if m.Date != "" {
		if _, err := time.Parse(wengao.DayLayout, m.Date); err != nil || len(m.Date) != len(wengao.DayLayout) {
			return m, wengao.ErrUploadDateFormat
		}
	}
	if m.Category != "" {
		parts := strings.Split(m.Category, "/")
		if len(parts) > 2 {
			return m, wengao.ErrCategoryDepth("分类")
		}
		for _, p := range parts {
			if p == "" {
				return m, wengao.ErrCategoryEmptyLevel("分类")
			}
		}
	}
	return m, nil
}

// CreateUpload stores a new draft or pending upload.
func (db *DB) CreateUpload(ctx context.Context, u *wengao.Upload) error {
	if u.Status == "" {
		u.Status = wengao.UploadDraft
	}
	switch u.Status {
	case wengao.UploadDraft:
		u.Meta = normalizeUploadMeta(u.Meta)
	case wengao.UploadPending:
		m, err := validateUploadMeta(u.Meta)
		if err != nil {
			return err
		}
		u.Meta = m
	default:
		return wengao.ErrNewUploadStatus(u.Status)
	}
	paras := cleanBody(u.Body)
	if len(paras) == 0 {
		return wengao.ErrUploadNoBody
	}
	// The outline points into the paragraphs: derive it again when
	// cleaning moved them, or when there is none.
	changed := len(paras) != len(u.Body)
	for i := 0; !changed && i < len(paras); i++ {
		changed = paras[i] != u.Body[i]
	}
	if changed || u.Outline == nil || !outlineFits(u.Outline, len(paras)) {
		u.Outline = chinese.Outline(paras)
	}
	u.Body = paras
	body := strings.Join(paras, "\n")
	if u.Chars <= 0 {
		u.Chars = wengao.BodyChars(paras)
	}
	if u.TextHash == "" {
		// As the upload handler computes it.
		h := sha256.New()
		for _, p := range paras {
			h.Write([]byte(chinese.Normalize(strings.TrimSpace(p))))
			h.Write([]byte{'\n'})
		}
		u.TextHash = hex.EncodeToString(h.Sum(nil))
	}
	outline, err := json.Marshal(u.Outline)
	if err != nil {
		return err
	}
	if len(u.Outline) == 0 {
		outline = []byte("[]")
	}
	near, err := json.Marshal(u.NearDuplicates)
	if err != nil {
		return err
	}
	if len(u.NearDuplicates) == 0 {
		near = []byte("[]")
	}

	tx, err := db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	user, err := findUser(ctx, tx, `u.id = ?`, u.UserID)
	if err != nil {
		return err
	}
	now := tx.now.Unix()
	m := u.Meta
	if err := tx.QueryRowContext(ctx, `INSERT INTO uploads (user_id, status, file_key, file_name, file_size, format,
		title, issuer, doc_number, date, genre, category, body, outline, chars, text_hash, near_duplicates, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.UserID, u.Status, u.File.Key, u.File.Name, u.File.Size, u.Format,
		m.Title, m.Issuer, m.DocNumber, m.Date, m.Genre, m.Category, body, string(outline), u.Chars, u.TextHash, string(near), now, now).Scan(&u.ID); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	u.Username = user.Username
	u.CreatedAt = time.Unix(now, 0).UTC()
	u.UpdatedAt = u.CreatedAt
	return nil
}

// FindUpload returns an upload with its text.
func (db *DB) FindUpload(ctx context.Context, id int64) (*wengao.Upload, error) {
	return findUpload(ctx, db.read, id)
}

// FindUploadByFile returns the latest live upload of a file.
func (db *DB) FindUploadByFile(ctx context.Context, key string) (*wengao.Upload, error) {
	if key == "" {
		return nil, wengao.ErrUploadNotFound
	}
	return scanUpload(db.read.QueryRowContext(ctx, uploadSelect+`WHERE u.file_key = ? AND u.status NOT IN ('rejected', 'deleted')
		ORDER BY u.id DESC LIMIT 1`, key))
}

// ListUploads returns a page of uploads, newest first, without their text
// (Body and Outline).
func (db *DB) ListUploads(ctx context.Context, f wengao.UploadFilter) ([]wengao.Upload, int, error) {
	offset, limit, err := pageBounds(f.Page, f.Limit)
	if err != nil {
		return nil, 0, err
	}
	if f.Status != "" && !wengao.ValidUploadStatus(f.Status) {
		return nil, 0, wengao.ErrUnknownUploadStatus(f.Status)
	}
	var where []string
	var args []any
	if f.UserID != 0 {
		where, args = append(where, `u.user_id = ?`), append(args, f.UserID)
	}
	if f.Status != "" {
		where, args = append(where, `u.status = ?`), append(args, f.Status)
	}
	cond := ""
	if len(where) > 0 {
		cond = `WHERE ` + strings.Join(where, ` AND `) + ` `
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM uploads u `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, uploadListSelect+cond+`ORDER BY u.id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanUpload)
	return out, total, err
}

// setUploadMeta writes the metadata of a draft or pending upload and makes
// it pending. owner, when not 0, must be its uploader; reviewer, when not
// 0, must be allowed to review it (wengao.CanReviewUpload: a moderator or
// admin who did not upload it); pendingOnly refuses drafts.
func (db *DB) setUploadMeta(ctx context.Context, id, owner, reviewer int64, meta wengao.UploadMeta, pendingOnly bool) (*wengao.Upload, error) {
	meta, err := validateUploadMeta(meta)
	if err != nil {
		return nil, err
	}
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var userID int64
	var status string
	if err := tx.QueryRowContext(ctx, `SELECT user_id, status FROM uploads WHERE id = ?`, id).Scan(&userID, &status); errors.Is(err, sql.ErrNoRows) {
		return nil, wengao.ErrUploadNotFound
	} else if err != nil {
		return nil, err
	}
	if owner != 0 && userID != owner {
		return nil, wengao.ErrNotOwnUploadEdit
	}
	if reviewer != 0 {
		role, err := actorRole(ctx, tx, wengao.Actor{ID: reviewer})
		if err != nil {
			return nil, err
		}
		if err := wengao.CanReviewUpload(wengao.Actor{ID: reviewer, Role: role}, &wengao.Upload{ID: id, UserID: userID}); err != nil {
			return nil, err
		}
	}
	if status != wengao.UploadPending && (pendingOnly || status != wengao.UploadDraft) {
		return nil, wengao.ErrUploadNotEditable(status)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE uploads SET status = 'pending', title = ?, issuer = ?, doc_number = ?, date = ?, genre = ?, category = ?,
		updated_at = ? WHERE id = ?`, meta.Title, meta.Issuer, meta.DocNumber, meta.Date, meta.Genre, meta.Category, tx.now.Unix(), id); err != nil {
		return nil, err
	}
	u, err := findUpload(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	return u, tx.Commit()
}

// SubmitUpload sets the metadata of the user's draft or pending upload and
// makes it pending.
func (db *DB) SubmitUpload(ctx context.Context, id, userID int64, meta wengao.UploadMeta) (*wengao.Upload, error) {
	if userID == 0 {
		return nil, wengao.ErrNotOwnUploadEdit
	}
	return db.setUploadMeta(ctx, id, userID, 0, meta, false)
}

// UpdateUploadMeta sets the metadata of a pending upload, as reviewerID
// (0 for the system), who may not be its uploader.
func (db *DB) UpdateUploadMeta(ctx context.Context, id, reviewerID int64, meta wengao.UploadMeta) (*wengao.Upload, error) {
	return db.setUploadMeta(ctx, id, 0, reviewerID, meta, true)
}

// uploadDocument is the document an upload is published as.
func uploadDocument(u *wengao.Upload) *wengao.Document {
	source := uploadSource
	if u.Meta.DocNumber != "" {
		source += " · " + u.Meta.DocNumber
	}
	return &wengao.Document{
		ID:       wengao.UploadDocumentID(u.ID),
		Title:    u.Meta.Title,
		Date:     u.Meta.Date,
		Category: u.Meta.Category,
		Author:   u.Meta.Issuer,
		Source:   source,
		Body:     append([]string(nil), u.Body...),
		Outline:  u.Outline, // nil: SaveDocuments derives it
	}
}

// ApproveUpload publishes a pending upload and rewards its uploader, in
// one transaction: the document with its index, its uploader and file,
// the reward, the content keys that earned it, the upload's new state and
// the audit entry of ctx are all written, or none is. A moderator's
// correction of the metadata (meta, nil for none) is written in the same
// transaction: a refused approval leaves the upload as it was.
//
// What can be derived outside the transaction is: the document's tokens
// and signature, and the similarity the reward weighs. Should the upload
// have changed meanwhile (rejected, deleted, corrected), the transaction
// finds it and writes nothing.
func (db *DB) ApproveUpload(ctx context.Context, id, reviewerID int64, reward int64, meta *wengao.UploadMeta) (*wengao.Upload, error) {
	if reward < 0 || reward > wengao.MaxPoints {
		return nil, wengao.ErrRewardRange
	}
	u, err := db.FindUpload(ctx, id)
	if err != nil {
		return nil, err
	}
	role, err := actorRole(ctx, db.read, wengao.Actor{ID: reviewerID})
	if err != nil {
		return nil, err
	}
	if err := wengao.CanReviewUpload(wengao.Actor{ID: reviewerID, Role: role}, u); err != nil {
		return nil, err
	}
	docID := wengao.UploadDocumentID(id)
	switch u.Status {
	case wengao.UploadApproved:
		return u, nil
	case wengao.UploadPending:
	default:
		return nil, wengao.ErrUploadNotReviewable(u.Status)
	}
	stored := u.Meta
	if meta != nil {
		u.Meta = *meta
	}
	if u.Meta, err = validateUploadMeta(u.Meta); err != nil {
		return nil, err
	}
	prep := prepareDocument(uploadDocument(u))
	if prep.Err == nil {
		prep.near, prep.nearErr = db.lookupStored(ctx, &prep.Sig)
	}
	nearest, err := db.rewardNearest(ctx, u, docID)
	if err != nil {
		return nil, err
	}

	tx, err := db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cur, err := findUpload(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	switch {
	case cur.Status == wengao.UploadApproved && cur.DocumentID == docID:
		return cur, nil // approved meanwhile, by a concurrent call
	case cur.Status != wengao.UploadPending:
		return nil, wengao.ErrUploadNotReviewable(cur.Status)
	case cur.Meta != stored:
		return nil, wengao.ErrUploadMetaChanged
	}
	results, err := writeDocuments(ctx, tx, 1, func(int) *prepared { return prep })
	if err != nil {
		return nil, err
	}
	if results[0].Outcome == wengao.Duplicate {
		var title string
		if err := tx.QueryRowContext(ctx, `SELECT title FROM documents WHERE ext_id = ?`, results[0].DuplicateOf).Scan(&title); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		if title == "" {
			title = results[0].DuplicateOf
		}
		return nil, wengao.ErrUploadDuplicate(title)
	}
	var docRowID int64
	var docHash string
	if err := tx.QueryRowContext(ctx, `SELECT id, hash FROM documents WHERE ext_id = ?`, docID).Scan(&docRowID, &docHash); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE documents SET uploader_id = ?, file_key = ?, file_name = ?, file_size = ? WHERE id = ?`,
		cur.UserID, cur.File.Key, cur.File.Name, cur.File.Size, docRowID); err != nil {
		return nil, err
	}

	// The same file, text or document earns one reward, whoever sends it.
	var keys []any
	if cur.File.Key != "" {
		keys = append(keys, "file:"+cur.File.Key)
	}
	if cur.TextHash != "" {
		keys = append(keys, "text:"+cur.TextHash)
	}
	keys = append(keys, "doc:"+docHash)
	var rewarded int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM rewarded_content WHERE key IN (`+placeholders(len(keys))+`)`, keys...).Scan(&rewarded); err != nil {
		return nil, err
	}
	now := tx.now.Unix()
	granted := wengao.UploadReward(reward, rewarded > 0, nearest)
	if granted > 0 {
		e := &wengao.LedgerEntry{UserID: cur.UserID, Kind: wengao.KindUploadApproved, Amount: granted, DocumentID: docID, Reason: reasonUploadApproved}
		if err := appendEntry(ctx, tx, e); err != nil {
			return nil, err
		}
	}
	// Record every key of content that has earned, so that a variant
	// sharing any one of them earns nothing either.
	if rewarded > 0 || granted > 0 {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO rewarded_content (key, upload_id, user_id, created_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (key) DO NOTHING`, k, id, cur.UserID, now); err != nil {
				return nil, err
			}
		}
	}
	if err := auditTx(ctx, tx); err != nil {
		return nil, err
	}
	m := u.Meta
	if _, err := tx.ExecContext(ctx, `UPDATE uploads SET status = 'approved', document_id = ?, reward = ?, reviewer_id = ?, reason = '',
		title = ?, issuer = ?, doc_number = ?, date = ?, genre = ?, category = ?,
		reviewed_at = ?, updated_at = ? WHERE id = ?`, docID, granted, nullID(reviewerID),
		m.Title, m.Issuer, m.DocNumber, m.Date, m.Genre, m.Category, now, now, id); err != nil {
		return nil, err
	}
	out, err := findUpload(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	return out, tx.Commit()
}

// rewardOwnUploads bounds the earlier uploads of a user an approval
// compares with.
const rewardOwnUploads = 50

// rewardNearest returns the similarity of upload u's text to the most
// similar published document other than its own (docID), if at least
// wengao.RewardNearThreshold, or to the most similar of the uploader's
// earlier uploads that earned a reward (a rejected one, sent again
// corrected, may still earn): what wengao.UploadReward weighs.
func (db *DB) rewardNearest(ctx context.Context, u *wengao.Upload, docID string) (float64, error) {
	var nearest float64
	matches, err := db.FindNearDuplicates(ctx, u.Meta.Title, u.Body, wengao.RewardNearThreshold, docID, 1)
	if err != nil {
		return 0, err
	}
	if len(matches) > 0 {
		nearest = matches[0].Similarity
	}
	rows, err := db.read.QueryContext(ctx, `SELECT title, body FROM uploads WHERE user_id = ? AND id < ? AND reward > 0 ORDER BY id DESC LIMIT ?`,
		u.UserID, u.ID, rewardOwnUploads)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	text := dupText(u.Meta.Title, u.Body)
	for rows.Next() {
		var title, body string
		if err := rows.Scan(&title, &body); err != nil {
			return 0, err
		}
		nearest = max(nearest, neardup.ExactSimilarity(text, dupText(title, strings.Split(body, "\n"))))
	}
	return nearest, rows.Err()
}

// nullID is id, or NULL for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// RejectUpload rejects a draft or pending upload with a reason.
func (db *DB) RejectUpload(ctx context.Context, id, reviewerID int64, reason string) (*wengao.Upload, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, wengao.ErrRejectReasonRequired
	}
	if utf8.RuneCountInString(reason) > wengao.UploadReasonMaxRunes {
		return nil, wengao.ErrRejectReasonTooLong
	}
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var status string
	var uploader int64
	if err := tx.QueryRowContext(ctx, `SELECT status, user_id FROM uploads WHERE id = ?`, id).Scan(&status, &uploader); errors.Is(err, sql.ErrNoRows) {
		return nil, wengao.ErrUploadNotFound
	} else if err != nil {
		return nil, err
	}
	role, err := actorRole(ctx, tx, wengao.Actor{ID: reviewerID})
	if err != nil {
		return nil, err
	}
	if err := wengao.CanChangeUploadStatus(wengao.Actor{ID: reviewerID, Role: role}, uploader, status, wengao.UploadRejected); err != nil {
		return nil, err
	}
	if status == wengao.UploadApproved || status == wengao.UploadDeleted {
		return nil, wengao.ErrUploadNotRejectable(status)
	}
	// A document left by an approval cut short goes with it.
	if err := db.dropUnapprovedDocument(ctx, tx, id); err != nil {
		return nil, err
	}
	now := tx.now.Unix()
	if _, err := tx.ExecContext(ctx, `UPDATE uploads SET status = 'rejected', reason = ?, reviewer_id = ?, reviewed_at = ?, updated_at = ? WHERE id = ?`,
		reason, nullID(reviewerID), now, now, id); err != nil {
		return nil, err
	}
	u, err := findUpload(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := auditTx(ctx, tx); err != nil {
		return nil, err
	}
	return u, tx.Commit()
}

// dropUnapprovedDocument removes the document of an upload that is not
// approved, should one be there: approvals were two transactions before
// they were one, and one cut short between them left its document.
func (db *DB) dropUnapprovedDocument(ctx context.Context, tx *Tx, id int64) error {
	err := db.deleteDocumentTx(ctx, tx, wengao.UploadDocumentID(id))
	if wengao.ErrorCode(err) == wengao.ENOTFOUND {
		return nil
	}
	return err
}

// DeleteUpload marks an upload deleted; for an approved one it removes
// its document and takes back its reward in full (wengao.RewardTakeBack),
// even below a zero balance.
func (db *DB) DeleteUpload(ctx context.Context, id, operatorID int64) (*wengao.Upload, error) {
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cur, err := findUpload(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if cur.Status == wengao.UploadDeleted {
		return nil, wengao.ErrUploadDeleted
	}
	role, err := actorRole(ctx, tx, wengao.Actor{ID: operatorID})
	if err != nil {
		return nil, err
	}
	if err := wengao.CanChangeUploadStatus(wengao.Actor{ID: operatorID, Role: role}, cur.UserID, cur.Status, wengao.UploadDeleted); err != nil {
		return nil, err
	}
	if cur.Status == wengao.UploadApproved {
		// The document may be gone already, deleted by an operator.
		if err := db.deleteDocumentTx(ctx, tx, cur.DocumentID); err != nil && wengao.ErrorCode(err) != wengao.ENOTFOUND {
			return nil, err
		}
		if _, err := takeBackReward(ctx, tx, cur.UserID, cur.Reward, cur.DocumentID, reasonUploadDeleted, operatorID); err != nil {
			return nil, err
		}
	} else if err := db.dropUnapprovedDocument(ctx, tx, id); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE uploads SET status = 'deleted', updated_at = ? WHERE id = ?`, tx.now.Unix(), id); err != nil {
		return nil, err
	}
	u, err := findUpload(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := auditTx(ctx, tx); err != nil {
		return nil, err
	}
	return u, tx.Commit()
}
