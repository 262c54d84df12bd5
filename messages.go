package wengao

import "strconv"

// The messages users read when the stores and the rules refuse something,
// each with its code, kept in one place so that the wording stays
// consistent and callers can recognise an error with errors.Is (an
// *Error matches another of the same code and message). Fixed messages
// are variables; messages that name a value are functions. The front
// ends' own wording is in http/messages.go.

// MessageInternal is what users read of an internal error, whose detail
// is only logged.
const MessageInternal = "服务器内部错误，请稍后再试。"

// MessageStorageFull is what users read when the server's disk is full
// (see IsStorageFull).
const MessageStorageFull = "服务器存储空间已满，暂时无法保存，请稍后再试或联系管理员。"

// ErrFilesUnavailable is the error of an upload or download while the
// store of original files (an S3 bucket) cannot be reached: nothing was
// saved or charged, and reading the site goes on.
var ErrFilesUnavailable = &Error{Code: EUNAVAILABLE, Message: "文件存储暂时无法访问，上传和下载暂停，请稍后再试；浏览和检索不受影响。"}

// Accounts and sessions.
var (
	ErrUserNotFound     = &Error{Code: ENOTFOUND, Message: "用户不存在。"}
	ErrUsernameInvalid  = Errorf(EINVALID, "用户名须为 %d–%d 个字符，只能包含字母、数字、汉字、下划线和连字符。", UsernameMinRunes, UsernameMaxRunes)
	ErrUsernameTaken    = &Error{Code: ECONFLICT, Message: "用户名已被使用。"}
	ErrPasswordTooShort = Errorf(EINVALID, "密码至少需要 %d 个字符。", PasswordMinRunes)
	ErrPasswordTooLong  = Errorf(EINVALID, "密码太长，最多 %d 字节。", PasswordMaxBytes)
	ErrPasswordBlank    = &Error{Code: EINVALID, Message: "密码不能全是空白字符。"}
	ErrPasswordCommon   = &Error{Code: EINVALID, Message: "这个密码太常见，容易被猜到，请换一个。"}
	ErrWrongPassword    = &Error{Code: EINVALID, Message: "当前密码不正确。"}
	ErrPasswordChanged  = &Error{Code: ECONFLICT, Message: "密码刚刚已被修改，请重试。"}
	ErrEmailInvalid     = &Error{Code: EINVALID, Message: "邮箱地址格式不正确。"}
	// ErrBadLogin is the one answer to a failed login, whatever failed.
	ErrBadLogin       = &Error{Code: EUNAUTHORIZED, Message: "用户名或密码错误。"}
	ErrSessionExpired = &Error{Code: EUNAUTHORIZED, Message: "登录已失效，请重新登录。"}
	ErrSignupReward   = Errorf(EINVALID, "注册奖励须在 0 到 %d 积分之间。", MaxPoints)
)

// ErrUnknownRole is the error for a role that is none of the roles.
func ErrUnknownRole(role string) *Error { return Errorf(EINVALID, "未知的角色：%q。", role) }

// ErrLoginThrottled is the error of a login refused for too many
// attempts, to be tried again in minutes.
func ErrLoginThrottled(minutes int) *Error {
	return Errorf(ETOOMANY, "登录尝试过于频繁，请 %d 分钟后再试。", minutes)
}

// The rules of who may change what (roles.go).
var (
	ErrNotStaff        = &Error{Code: EFORBIDDEN, Message: "只有审核员和管理员可以进行此操作。"}
	ErrNotAdmin        = &Error{Code: EFORBIDDEN, Message: "只有管理员可以进行此操作。"}
	ErrOwnRole         = &Error{Code: EINVALID, Message: "不能修改自己的角色。"}
	ErrUserRank        = &Error{Code: EFORBIDDEN, Message: "不能对同级或更高级别的账号进行此操作。"}
	ErrOwnUploadReview = &Error{Code: EFORBIDDEN, Message: "不能审核自己上传的文稿。"}
	ErrNotOwnUpload    = &Error{Code: EFORBIDDEN, Message: "只能操作自己上传的文稿。"}
	ErrOwnComplaint    = &Error{Code: EFORBIDDEN, Message: "不能处理自己提出的投诉，或针对自己上传文稿的投诉。"}
)

// ErrDocTransition is the error of a move of a document that no one may
// make.
func ErrDocTransition(current, next string) *Error {
	return Errorf(ECONFLICT, "文档当前为“%s”，不能改为“%s”。", docStateLabels[current], docStateLabels[next])
}

// ErrDocTransitionAdmin is the error of a move of a document that only
// admins make.
func ErrDocTransitionAdmin(current, next string) *Error {
	return Errorf(EFORBIDDEN, "只有管理员可以将“%s”的文档改为“%s”。", docStateLabels[current], docStateLabels[next])
}

// ErrUploadTransition is the error of a move of an upload that no one
// may make.
func ErrUploadTransition(current, next string) *Error {
	return Errorf(ECONFLICT, "该文稿当前为“%s”，不能改为“%s”。", uploadStateLabels[current], uploadStateLabels[next])
}

// ErrUnknownComplaintOutcome is the error for a resolution of a
// complaint that is neither upheld nor rejected.
func ErrUnknownComplaintOutcome(next string) *Error {
	return Errorf(EINVALID, "未知的投诉处理结果：%q。", next)
}

// ErrComplaintResolved is the error of resolving a complaint again; what
// says how it was resolved.
func ErrComplaintResolved(what string) *Error {
	return Errorf(ECONFLICT, "该投诉已处理（%s），不能再处理。", what)
}

// Documents and categories.
var (
	ErrDocumentNotFound    = &Error{Code: ENOTFOUND, Message: "文档不存在。"}
	ErrPurgeNotDeleted     = &Error{Code: ECONFLICT, Message: "只能彻底删除回收站中的文档，请先删除。"}
	ErrPriceRange          = Errorf(EINVALID, "价格须在 0 到 %d 积分之间。", MaxPoints)
	ErrCategorySame        = &Error{Code: EINVALID, Message: "新分类与原分类相同。"}
	ErrNegativeOffset      = &Error{Code: EINVALID, Message: "偏移量不能为负数。"}
	ErrPageBelowOne        = &Error{Code: EINVALID, Message: "页码须从 1 开始。"}
	ErrPageOutOfRange      = &Error{Code: EINVALID, Message: "页码超出范围。"}
	ErrPreviewInvalid      = &Error{Code: EINVALID, Message: "试读比例须在 1–100 之间，试读字数须大于 0。"}
	ErrMaskWordInvalid     = Errorf(EINVALID, "屏蔽词和显示形式须为 1–%d 个字符，不能含空格或 < > & \" ' 等符号。", MaskWordMaxRunes)
	ErrAbbreviationInvalid = Errorf(EINVALID, "简称和全称须为 2–%d 个字符，不能含空格或 < > & \" ' 等符号。", AbbreviationMaxRunes)
	ErrAbbreviationSame    = Errorf(EINVALID, "简称和全称不能相同。")
	ErrMaskSameAsWord      = &Error{Code: EINVALID, Message: "显示形式须与屏蔽词不同。"}
	ErrSearchQueryTooLong  = Errorf(EINVALID, "搜索词超过 %d 个字符。", SearchQueryMaxRunes)
)

// ErrUnknownDocStatus is the error for a state that is none of a
// document's.
func ErrUnknownDocStatus(status string) *Error {
	return Errorf(EINVALID, "未知的文档状态：%q。", status)
}

// ErrUnknownOrder is the error for an unknown order of a list.
func ErrUnknownOrder(order string) *Error {
	return Errorf(EINVALID, "未知的排序方式：%q。", order)
}

// ErrReasonTooLong is the error of a reason over max characters.
func ErrReasonTooLong(max int) *Error {
	return Errorf(EINVALID, "原因太长，最多 %d 个字。", max)
}

// ErrFieldRequired is the error of an empty field, named what.
func ErrFieldRequired(what string) *Error { return Errorf(EINVALID, "请填写%s。", what) }

// ErrFieldTooLong is the error of field what over max characters.
func ErrFieldTooLong(what string, max int) *Error {
	return Errorf(EINVALID, "%s太长，最多 %d 个字。", what, max)
}

// ErrFieldControlChars is the error of field what holding a line break
// or another control character.
func ErrFieldControlChars(what string) *Error {
	return Errorf(EINVALID, "%s不能包含换行等控制字符。", what)
}

// ErrFieldInvalidChars is the error of field what holding characters
// that are not text.
func ErrFieldInvalidChars(what string) *Error {
	return Errorf(EINVALID, "%s含有无效的字符。", what)
}

// ErrCategoryDepth is the error of a category (named what) of more than
// two levels.
func ErrCategoryDepth(what string) *Error {
	return Errorf(EINVALID, "%s最多两级，如“报告/政府工作报告”。", what)
}

// ErrCategoryEmptyLevel is the error of a category (named what) with an
// empty level.
func ErrCategoryEmptyLevel(what string) *Error {
	return Errorf(EINVALID, "%s的每一级都不能为空，如“报告/政府工作报告”。", what)
}

// ErrCategoryLevelTooLong is the error of a category (named what) with a
// level over UploadFieldMaxRunes characters.
func ErrCategoryLevelTooLong(what string) *Error {
	return Errorf(EINVALID, "%s太长，每一级最多 %d 个字。", what, UploadFieldMaxRunes)
}

// ErrCategoryNotFound is the error of renaming a category no document has.
func ErrCategoryNotFound(category string) *Error {
	return Errorf(ENOTFOUND, "没有分类为“%s”的文档。", category)
}

// ErrCategoryHasChildren is the error of moving a category with
// subcategories under another.
func ErrCategoryHasChildren(category string) *Error {
	return Errorf(EINVALID, "“%s”下有子分类，只能改名为一级分类。", category)
}

// ErrAbbreviationNotFound is the error of removing an abbreviation there
// is not.
func ErrAbbreviationNotFound(short string) *Error {
	return Errorf(ENOTFOUND, "没有简称“%s”。", short)
}

// ErrMaskNotFound is the error of removing a masked word there is not.
func ErrMaskNotFound(word string) *Error {
	return Errorf(ENOTFOUND, "没有屏蔽词“%s”。", word)
}

// ErrFileTooLarge is the error of a file over the size limit, written as
// max ("20 MB").
func ErrFileTooLarge(max string) *Error {
	return Errorf(ETOOLARGE, "文件超过 %s 的大小上限。", max)
}

// Uploads.
var (
	ErrUploadNotFound          = &Error{Code: ENOTFOUND, Message: "上传的文稿不存在。"}
	ErrNotOwnUploadEdit        = &Error{Code: EFORBIDDEN, Message: "只能修改自己上传的文稿。"}
	ErrTitleRequired           = &Error{Code: EINVALID, Message: "请填写标题。"}
	ErrTitleTooLong            = Errorf(EINVALID, "标题太长，最多 %d 个字。", UploadTitleMaxRunes)
	ErrUploadDateFormat        = &Error{Code: EINVALID, Message: "成文日期格式应为 YYYY-MM-DD，如 2019-01-31。"}
	ErrUploadNoBody            = &Error{Code: EINVALID, Message: "文稿没有正文。"}
	ErrRewardRange             = Errorf(EINVALID, "奖励积分须在 0 到 %d 之间。", MaxPoints)
	ErrApprovedDocumentDeleted = &Error{Code: ECONFLICT, Message: "发布的文档刚被删除，请重新审核。"}
	ErrUploadMetaChanged       = &Error{Code: ECONFLICT, Message: "文稿信息刚被修改，请重新审核。"}
	ErrRejectReasonRequired    = &Error{Code: EINVALID, Message: "请填写驳回原因。"}
	ErrRejectReasonTooLong     = Errorf(EINVALID, "驳回原因太长，最多 %d 个字。", UploadReasonMaxRunes)
	ErrUploadDeleted           = &Error{Code: ECONFLICT, Message: "该文稿已删除。"}
)

// ErrNewUploadStatus is the error of creating an upload in a state other
// than draft or pending.
func ErrNewUploadStatus(status string) *Error {
	return Errorf(EINVALID, "新上传的文稿状态无效：%q。", status)
}

// ErrUnknownUploadStatus is the error for a state that is none of an
// upload's.
func ErrUnknownUploadStatus(status string) *Error {
	return Errorf(EINVALID, "未知的文稿状态：%q。", status)
}

// ErrUploadNotEditable is the error of changing the metadata of an upload
// in state status.
func ErrUploadNotEditable(status string) *Error {
	return Errorf(ECONFLICT, "该文稿%s，不能再修改。", uploadStatusName(status))
}

// ErrUploadNotReviewable is the error of approving an upload in state
// status.
func ErrUploadNotReviewable(status string) *Error {
	return Errorf(ECONFLICT, "该文稿%s，不能审核。", uploadStatusName(status))
}

// ErrUploadNotRejectable is the error of rejecting an upload in state
// status.
func ErrUploadNotRejectable(status string) *Error {
	return Errorf(ECONFLICT, "该文稿%s，不能驳回。", uploadStatusName(status))
}

// ErrUploadDuplicate is the error of approving an upload whose text is
// the document titled title.
func ErrUploadDuplicate(title string) *Error {
	return Errorf(ECONFLICT, "该文稿与已收录的《%s》重复。", title)
}

// uploadStatusName says in Chinese where an upload stands, for messages
// such as "该文稿已被驳回，不能审核。".
func uploadStatusName(status string) string {
	switch status {
	case UploadDraft:
		return "尚未提交"
	case UploadPending:
		return "正在等待审核"
	case UploadApproved:
		return "已通过审核"
	case UploadRejected:
		return "已被驳回"
	case UploadDeleted:
		return "已删除"
	}
	return status
}

// Complaints.
var (
	ErrComplaintNotFound         = &Error{Code: ENOTFOUND, Message: "投诉不存在。"}
	ErrComplaintKind             = &Error{Code: EINVALID, Message: "投诉类型只能是版权投诉或其他问题。"}
	ErrComplaintReasonRequired   = &Error{Code: EINVALID, Message: "请填写投诉理由。"}
	ErrComplaintReasonTooLong    = Errorf(EINVALID, "投诉理由太长，最多 %d 个字。", ComplaintReasonMaxRunes)
	ErrComplaintContactRequired  = &Error{Code: EINVALID, Message: "请填写联系方式，以便我们答复。"}
	ErrComplaintContactTooLong   = Errorf(EINVALID, "联系方式太长，最多 %d 个字。", ComplaintContactMaxRunes)
	ErrComplaintEvidenceTooLong  = Errorf(EINVALID, "证明材料太长，最多 %d 个字。", ComplaintEvidenceMaxRunes)
	ErrComplaintNeedsDocument    = &Error{Code: EINVALID, Message: "版权投诉须指明被投诉的文档。"}
	ErrComplaintEvidenceFile     = &Error{Code: EINVALID, Message: "证明文件无效。"}
	ErrComplaintDocumentNotFound = &Error{Code: ENOTFOUND, Message: "被投诉的文档不存在。"}
)

// ErrUnknownComplaintStatus is the error for a state that is none of a
// complaint's.
func ErrUnknownComplaintStatus(status string) *Error {
	return Errorf(EINVALID, "未知的投诉状态：%q。", status)
}

// ErrComplaintNoteTooLong is the error of a moderator's note over max
// characters.
func ErrComplaintNoteTooLong(max int) *Error {
	return Errorf(EINVALID, "处理意见太长，最多 %d 个字。", max)
}

// Points.
var (
	ErrBalanceOverflow      = &Error{Code: EINVALID, Message: "积分余额超出上限。"}
	ErrZeroAmount           = &Error{Code: EINVALID, Message: "积分变动不能为 0。"}
	ErrAmountTooLarge       = Errorf(EINVALID, "单次积分变动不能超过 %d。", MaxPoints)
	ErrAdjustReasonRequired = &Error{Code: EINVALID, Message: "调整积分须写明原因。"}
	ErrSignInRewardRange    = Errorf(EINVALID, "签到积分须在 0 到 %d 之间。", MaxPoints)
	ErrSignedInToday        = &Error{Code: ECONFLICT, Message: "今天已经签到过了。"}
	ErrNoPurchase           = &Error{Code: ENOTFOUND, Message: "没有有效的购买记录。"}
	ErrRequestIDTooLong     = &Error{Code: EINVALID, Message: "请求标识过长。"}
	ErrRequestIDReused      = &Error{Code: ECONFLICT, Message: "该请求标识已用于购买另一篇文档。"}
	ErrRequestIDExpired     = &Error{Code: ECONFLICT, Message: "该请求标识对应的购买已过期，请重新购买。"}
)

// ErrDownloadPoints is the error of a download that costs price points
// with balance points left.
func ErrDownloadPoints(price, balance int64) *Error {
	return Errorf(EPAYMENT, "积分不足：下载需要 %d 积分，当前余额 %d 积分。", price, balance)
}

// ErrInsufficientPoints is the error of taking amount points from a
// balance that has fewer.
func ErrInsufficientPoints(balance, amount int64) *Error {
	return Errorf(EPAYMENT, "积分不足：当前余额 %d 积分，不能扣除 %d 积分。", balance, amount)
}

// ErrUnknownLedgerKind is the error for an unknown kind of ledger entry.
func ErrUnknownLedgerKind(kind string) *Error {
	return Errorf(EINVALID, "无效的积分变动类型：%q。", kind)
}

// 查重 (copy check).
var (
	ErrCheckOff = &Error{Code: EFORBIDDEN, Message: "查重功能暂未向读者开放。"}
)

// ErrCheckQuota is the error of a check beyond the daily quota.
func ErrCheckQuota(quota int) *Error {
	return Errorf(ETOOMANY, "今日查重次数已用完（每天 %d 次），请明天再试。", quota)
}

// Settings and sources.
var (
	ErrSettingsNegativePoints = &Error{Code: EINVALID, Message: "积分设置不能为负数。"}
	ErrSettingsPointsTooHigh  = Errorf(EINVALID, "积分设置不能超过 %d。", MaxPoints)
	ErrSettingsRate           = Errorf(EINVALID, "频率限制须在 0 到 %d 之间（0 为不限）。", maxRate)
	ErrSettingsNegativeQuota  = &Error{Code: EINVALID, Message: "上传空间配额不能为负数。"}
	ErrSettingsTakedown       = &Error{Code: EINVALID, Message: "侵权通知的处理方式只能是 hide（立即隐藏）或 review（审核后处理）。"}
	ErrSettingsSiteName       = &Error{Code: EINVALID, Message: "网站名称须为 1–30 个字符。"}
	ErrSettingsUploadMax      = &Error{Code: EINVALID, Message: "上传文件大小上限须在 1 KB 到 1 GB 之间。"}
	ErrSettingsNearDuplicate  = &Error{Code: EINVALID, Message: "相似文稿的处理方式只能是 flag（交审核员处理）或 reject（直接驳回）。"}
	ErrSourceRulesTooMany     = Errorf(EINVALID, "来源规则最多 %d 条。", MaxSourceRules)
	ErrSourcePrefix           = Errorf(EINVALID, "来源规则的匹配前缀须为 1–%d 个字节。", maxSourcePrefix)
	ErrSourceName             = Errorf(EINVALID, "来源名称须为 1–%d 个字符。", maxSourceName)
)

// ErrSourceURL is the error of a source rule whose link is not a web
// address.
func ErrSourceURL(url string) *Error {
	return Errorf(EINVALID, "来源链接须为 http:// 或 https:// 开头的网址：%s", url)
}

// ErrSourcePrefixRepeated is the error of two source rules with the same
// prefix.
func ErrSourcePrefixRepeated(prefix string) *Error {
	return Errorf(EINVALID, "匹配前缀重复：%s", prefix)
}

// Statistics and logs.
var (
	ErrStatsPeriodReversed = &Error{Code: EINVALID, Message: "统计区间的结束日期早于开始日期。"}
	ErrStatsPeriodTooLong  = Errorf(EINVALID, "统计区间最长 %d 天。", MaxStatsDays)
)

// ErrBadDay is the error of a day that is not YYYY-MM-DD.
func ErrBadDay(day string) *Error { return Errorf(EINVALID, "日期格式无效：%q。", day) }

// ErrBadReadCount is the error of a negative count of reads.
func ErrBadReadCount(n int64) *Error { return Errorf(EINVALID, "阅读次数无效：%d。", n) }

// ErrBadSearchCount is the error of a count of searches with more
// searches without a hit (zero) than searches, or a negative one.
func ErrBadSearchCount(count, zero int64) *Error {
	return Errorf(EINVALID, "搜索次数无效：%d（无结果 %d）。", count, zero)
}

// ErrUnknownMetric is the error for an unknown statistic.
func ErrUnknownMetric(metric string) *Error {
	return Errorf(EINVALID, "未知的统计项：%q。", metric)
}

// ErrAuditAction is the error of an audit entry without an action or
// with one over max characters.
func ErrAuditAction(max int) *Error {
	return Errorf(EINVALID, "审计记录须有动作，最多 %d 个字符。", max)
}

// FormatSize renders a byte count for a message: "20 MB", "35.2 MB",
// "512 KB", "100 字节".
func FormatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " 字节"
}
