package wengao

import "context"

// MaxDraftChars is the most characters a draft sent to a CopyChecker may
// hold (about 25 pages of a report); a longer one is refused with
// EINVALID rather than checked in part.
const MaxDraftChars = 50_000

// MaxDraftBytes is the most bytes of a draft's text (UTF-8), so that a
// draft of mostly non-Chinese bytes is bounded too.
const MaxDraftBytes = 4 * MaxDraftChars

// CopyReport is the result of checking a draft against the library: the
// passages of the draft found in published documents and the draft's
// 公文 format findings. It is the JSON of POST /api/v1/check.
type CopyReport struct {
	// Copied is the share of the draft's characters inside reported
	// passages, from 0 to 1.
	Copied float64 `json:"copied"`
	// Chars is the number of characters of the draft.
	Chars int `json:"chars"`
	// Passages are the copied passages, longest first.
	Passages []CopiedPassage `json:"passages"`
	// Findings are the format findings (gongwen.Check), in line order.
	Findings []FormatFinding `json:"findings"`
	// Paragraphs is the per-paragraph view: one entry per non-empty line
	// of the draft.
	Paragraphs []ParagraphCopy `json:"paragraphs"`
}

// CopiedPassage is a span of the draft found in a published document.
type CopiedPassage struct {
	// Start and End are character (rune) offsets in the draft, End
	// excluded.
	Start int `json:"start"`
	End   int `json:"end"`
	// DocumentID, Title and Date name the source document.
	DocumentID string `json:"document_id"`
	Title      string `json:"title"`
	Date       string `json:"date"`
	// SourceStart and SourceEnd are character offsets in the source's
	// body (its paragraphs joined by "\n"), End excluded.
	SourceStart int `json:"source_start"`
	SourceEnd   int `json:"source_end"`
	// Similarity is the share of the two spans' characters they have in
	// common (punctuation and 的/了/和 aside), from 0 to 1.
	Similarity float64 `json:"similarity"`
	// Source is the matched passage of the source, as the site shows it
	// (masked); nothing else of the source is revealed.
	Source string `json:"source,omitempty"`
}

// FormatFinding is one 公文 format finding of a draft.
type FormatFinding struct {
	// Line is the 1-based line of the draft.
	Line     int    `json:"line"`
	Rule     string `json:"rule"`
	Message  string `json:"message"`
	Expected string `json:"expected"`
}

// ParagraphCopy is what one line of the draft holds of the library.
type ParagraphCopy struct {
	// Line is the 1-based line of the draft.
	Line int `json:"line"`
	// Start and End are the line's character offsets in the draft.
	Start int `json:"start"`
	End   int `json:"end"`
	// Copied is the share of the line's characters inside passages.
	Copied float64 `json:"copied"`
	// Passages are indexes into CopyReport.Passages of the passages
	// that overlap the line.
	Passages []int `json:"passages"`
}

// CopyChecker checks drafts against the published library (查重). Drafts
// are not stored: the text lives only for the call.
type CopyChecker interface {
	// CheckDraft checks the draft text (lines separated by "\n"). It
	// returns EINVALID for a draft that is empty, not valid UTF-8 or
	// binary, ETOOLARGE for one longer than MaxDraftChars (or
	// MaxDraftBytes), and EUNAVAILABLE while the passage index is first
	// being built.
	CheckDraft(ctx context.Context, text string) (*CopyReport, error)

	// Ready reports whether the passage index is built, so that a check
	// now is not refused with EUNAVAILABLE.
	Ready() bool
}

// CheckQuotaService counts the drafts each user checks a day, so that the
// daily quota (Settings.CheckDailyQuota) holds across restarts and across
// servers sharing one store.
type CheckQuotaService interface {
	// TakeCheck counts one check of the user on day (YYYY-MM-DD, the
	// site's calendar day) unless limit checks are already counted that
	// day (limit 0: no limit); it returns the day's count after and
	// whether the check was counted. Returns EINVALID for a malformed
	// day and ENOTFOUND for an unknown user.
	TakeCheck(ctx context.Context, userID int64, day string, limit int) (used int, ok bool, err error)

	// ReturnCheck gives back a check taken on day that was not done
	// (the index was still being built); a count at zero stays there.
	ReturnCheck(ctx context.Context, userID int64, day string) error

	// ChecksUsed returns the checks counted for the user on day.
	ChecksUsed(ctx context.Context, userID int64, day string) (int, error)
}

// CheckLimit returns how many drafts a user of role may check a day under
// the daily quota of the settings: moderators and admins are not counted
// (0, no limit, with ok true), readers get quota, and a quota of 0 turns
// the check off for them (ok false).
func CheckLimit(role string, quota int) (limit int, ok bool) {
	if RoleRank(role) >= RoleRank(RoleModerator) {
		return 0, true
	}
	if quota <= 0 {
		return 0, false
	}
	return quota, true
}
