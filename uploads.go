package wengao

import (
	"context"
	"time"
)

// Upload statuses. A new upload is a draft until its uploader confirms
// the metadata; then it waits for a moderator, who approves it (it is
// published as a document and earns its uploader points) or rejects it
// with a reason. Deleting an approved upload removes its document and
// takes its reward back.
const (
	UploadDraft    = "draft"
	UploadPending  = "pending"
	UploadApproved = "approved"
	UploadRejected = "rejected"
	UploadDeleted  = "deleted"
)

// ValidUploadStatus reports whether s names an upload status.
func ValidUploadStatus(s string) bool {
	switch s {
	case UploadDraft, UploadPending, UploadApproved, UploadRejected, UploadDeleted:
		return true
	}
	return false
}

// UploadMeta is the 公文 metadata of an upload: detected from its text,
// corrected by its uploader and by moderators.
type UploadMeta struct {
	Title     string `json:"title"`
	Issuer    string `json:"issuer"`     // 发文机关
	DocNumber string `json:"doc_number"` // 发文字号, as 国办发〔2019〕4号
	Date      string `json:"date"`       // 成文日期, YYYY-MM-DD or ""
	Genre     string `json:"genre"`      // 文种: 通知, 意见, 讲话…
	Category  string `json:"category"`   // the library's category, one or two levels
}

// Limits of upload metadata fields, in characters.
const (
	UploadTitleMaxRunes  = 200
	UploadFieldMaxRunes  = 100
	UploadReasonMaxRunes = 500
)

// Upload is a file a reader sent to the library, with the text taken
// from it.
type Upload struct {
	ID       int64  `json:"id"`
	UserID   int64  `json:"user_id"`
	Username string `json:"username"`
	Status   string `json:"status"`
	// File is the original, kept in the blob store.
	File   SourceFile `json:"file"`
	Format string     `json:"format"` // docx, doc, pdf, txt, md, html
	Meta   UploadMeta `json:"meta"`
	// Body is the text's paragraphs; lists leave it out.
	Body    []string      `json:"body,omitempty"`
	Outline []OutlineItem `json:"outline,omitempty"`
	Chars   int           `json:"chars"`
	// TextHash is the hex sha256 of the normalised text, as Document.Hash.
	TextHash string `json:"-"`
	// NearDuplicates are the published documents found similar to the
	// text when it was uploaded.
	NearDuplicates []NearMatch `json:"near_duplicates,omitempty"`
	// Reason is why a moderator rejected the upload, shown to the uploader.
	Reason string `json:"reason,omitempty"`
	// DocumentID is the published document of an approved upload.
	DocumentID string `json:"document_id,omitempty"`
	// Reward is the points the approval granted; 0 when the same content
	// had earned a reward before.
	Reward     int64      `json:"reward"`
	ReviewerID int64      `json:"reviewer_id,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	ReviewedAt *time.Time `json:"reviewed_at,omitempty"`
}

// UploadDocumentID returns the id of the document an upload is published
// as.
func UploadDocumentID(uploadID int64) string {
	return "up-" + itoa(uploadID)
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// UploadFilter selects a page of uploads.
type UploadFilter struct {
	UserID int64  // 0: every user's
	Status string // "": every status
	Page   int    // 1-based
	Limit  int
}

// UploadService keeps uploads and their moderation.
type UploadService interface {
	// CreateUpload stores u (UserID, Status draft or pending, File,
	// Format, Meta, Body, Outline, Chars, TextHash, NearDuplicates) and
	// fills its ID and times. Returns EINVALID for an empty text or a bad
	// status and ENOTFOUND for an unknown user.
	CreateUpload(ctx context.Context, u *Upload) error

	// FindUpload returns an upload with its text. Returns ENOTFOUND when
	// there is none.
	FindUpload(ctx context.Context, id int64) (*Upload, error)

	// UploadUsage returns how many uploads the user created since a
	// time, and the bytes of the user's uploads the library keeps (those
	// not rejected or deleted), for the daily count and the storage
	// quota.
	UploadUsage(ctx context.Context, userID int64, since time.Time) (count int, bytes int64, err error)

	// FindUploadByFile returns the most recent upload of the file with
	// the given key that was not rejected or deleted. Returns ENOTFOUND
	// when there is none.
	FindUploadByFile(ctx context.Context, key string) (*Upload, error)

	// ListUploads returns one page of uploads, newest first, without
	// their text, and the number of uploads the filter selects. Returns
	// EINVALID for a page below 1 or an unknown status.
	ListUploads(ctx context.Context, f UploadFilter) ([]Upload, int, error)

	// SubmitUpload sets the metadata of a draft or pending upload of the
	// user and makes it pending. Returns EINVALID for malformed metadata,
	// EFORBIDDEN when the upload is another user's, ENOTFOUND and
	// ECONFLICT when it is no longer a draft or pending.
	SubmitUpload(ctx context.Context, id, userID int64, meta UploadMeta) (*Upload, error)

	// UpdateUploadMeta sets the metadata of a pending upload (a
	// correction by reviewerID, 0 for the system). Returns EINVALID,
	// ENOTFOUND and ECONFLICT as SubmitUpload, and EFORBIDDEN unless
	// reviewerID may review the upload (CanReviewUpload: a moderator or
	// admin who did not upload it).
	UpdateUploadMeta(ctx context.Context, id, reviewerID int64, meta UploadMeta) (*Upload, error)

	// ApproveUpload publishes a pending upload as document
	// UploadDocumentID(id), with its uploader, file and metadata, and
	// grants its uploader reward points (a KindUploadApproved entry) —
	// unless the same file or text earned a reward before, which makes
	// deleting and uploading again earn nothing. Approving again is not
	// an error and changes nothing. Returns ENOTFOUND, ECONFLICT when the
	// upload is not pending or its text is already in the library.
	// meta, when not nil, is the reviewer's correction of the metadata,
	// written with the approval or not at all.
	ApproveUpload(ctx context.Context, id, reviewerID int64, reward int64, meta *UploadMeta) (*Upload, error)

	// RejectUpload rejects a draft or pending upload with a reason the
	// uploader sees. Returns EINVALID for an empty or overlong reason,
	// ENOTFOUND and ECONFLICT when it is approved or deleted.
	RejectUpload(ctx context.Context, id, reviewerID int64, reason string) (*Upload, error)

	// DeleteUpload marks an upload deleted. For an approved upload it
	// removes the published document and takes the reward back (a
	// KindAdjust entry with a reason, of at most the uploader's balance)
	// in the same transaction. Returns ENOTFOUND, and ECONFLICT when it is
	// already deleted.
	DeleteUpload(ctx context.Context, id, operatorID int64) (*Upload, error)
}
