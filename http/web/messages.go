package web

import (
	"net/http"

	"github.com/wengao/wengao"
)

// The words the site says to its readers, kept in one place so that the
// wording stays consistent. Templates hold the fixed text of each page.
const (
	siteName        = "文稿库"
	siteTagline     = "公文、讲话、报告、法规的检索与阅读"
	SiteDescription = "文稿库收录公文、讲话、报告、法规等公开文稿，提供精确的中文全文检索、公文结构导读与相关推荐。"

	msgNotFoundPage    = "您访问的页面不存在，可能已被删除或地址有误。"
	msgNoDocuments     = "文稿库中还没有文稿。"
	MsgCategoryMissing = "该分类不存在或暂无文稿。"
	MsgPageTooDeep     = "页码超出范围，请用搜索缩小范围。"
	MsgSearchAll       = "全部文稿"
	MsgBadSharePath    = "只能为本站页面生成二维码。"
	MsgBadJSON         = "请求格式有误，请提交 JSON。"
	MsgLoginNeeded     = "请先登录。"
	MsgBadForm         = "表单内容有误，请返回重试。"
	MsgCrossSite       = "请求来自其他网站，已拒绝。请在本站页面上操作。"

	msgUploadNotMultipart    = "请以 multipart/form-data 格式上传文件（字段名 file）。"
	msgUploadBroken          = "上传中断或格式有误，请重新上传。"
	msgUploadTooLarge        = "文件超过 %s 的大小上限，请压缩或拆分后上传。"
	msgUploadTooMany         = "一次最多上传 %d 个文件。"
	msgUploadNoFile          = "没有收到文件，请选择要上传的文件。"
	msgUploadFormat          = "只支持 .docx、.doc、.pdf、.txt、.md 和 .html 文件。"
	msgUploadEmpty           = "文件为空。"
	msgUploadSameFile        = "该文件已经上传过（上传编号 %d，%s），无需重复上传。"
	msgUploadNoText          = "文件中没有可提取的文字。"
	msgUploadTimeout         = "文件过于复杂，转换超时，已放弃。"
	msgNearDuplicateRejected = "与已收录的《%s》高度相似（相似度 %.0f%%），按本站规定不予收录。"
	msgBannedComment         = "您的账号在 %s 之前不能提交留言或投诉。"
	msgBannedUpload          = "您的账号在 %s 之前不能上传文稿。"
	msgBannedDownload        = "您的账号在 %s 之前不能下载文档。"
	MsgEvidenceTooLarge      = "证明材料不能超过 %s。"
	MsgDocumentGone          = "该文稿不存在或已下线。"
	msgDocumentHidden        = "该文稿因收到权利人投诉，正在核实，暂停显示。"
	MsgBadPrice              = "价格须为不小于 0 的整数，留空表示使用默认价格。"
	MsgBadPoints             = "积分须为非零整数（可为负数）。"
	MsgBadNumbers            = "请填写整数。"
	MsgBadDate               = "日期格式应为 YYYY-MM-DD。"
	MsgDocumentEmpty         = "标题和正文不能为空。"
	MsgDocumentDuplicate     = "修改后的文稿与已收录的 %s 完全相同。"
	MsgPasswordsDiffer       = "两次输入的密码不一致。"
	msgUploadDailyLimit      = "每人每天最多上传 %d 个文件，请明天再试。"
	msgUploadQuota           = "您的上传空间（%s）已用完，请删除不需要的上传后再试。"
	msgSearchTooFast         = "搜索过于频繁，请 %d 秒后再试。登录后可获得更高的搜索额度。"
	msgRegisterTooFast       = "同一网络注册的账号过多，请 %d 秒后再试。"
	msgDownloadTooFast       = "下载过于频繁，请 %d 秒后再试。"
	msgCheckOff              = "本站未启用查重功能。"
	msgCheckBuilding         = "查重索引正在建立，请稍后再试。"
	msgCheckTooFast          = "查重过于频繁，请 %d 秒后再试。"
	msgCheckBusy             = "查重的人较多，请稍后再试。"
	MsgCheckNoDraft          = "请粘贴文稿或选择文件（字段 text 或 file）。"
	msgDraftTooLong          = "文稿过长：一次最多查 %d 字。"
	MsgCheckFileTooLarge     = "文件超过 %s 的大小上限。"
)

// statusTitles are the headings of error pages by HTTP status.
var statusTitles = map[int]string{
	http.StatusBadRequest:                 "请求有误",
	http.StatusUnauthorized:               "请先登录",
	http.StatusForbidden:                  "没有访问权限",
	http.StatusNotFound:                   "页面不存在",
	http.StatusUnavailableForLegalReasons: "暂停显示",
	http.StatusTooManyRequests:            "访问过于频繁",
	http.StatusServiceUnavailable:         "服务暂不可用",
	http.StatusInternalServerError:        "服务器出错了",
}

// statusTitle returns the heading of the error page for status.
func statusTitle(status int) string {
	if t, ok := statusTitles[status]; ok {
		return t
	}
	if status >= 500 {
		return statusTitles[http.StatusInternalServerError]
	}
	return statusTitles[http.StatusBadRequest]
}

// PeriodLabels name the ranking periods.
var PeriodLabels = map[wengao.Period]string{
	wengao.PeriodToday: "今日",
	wengao.PeriodWeek:  "7日",
	wengao.PeriodAll:   "总榜",
}

// SortLabels name the orders of search results.
var SortLabels = map[wengao.Sort]string{
	wengao.SortRelevance: "相关度",
	wengao.SortDate:      "最新",
	wengao.SortReads:     "最热",
}

// SearchTips are shown when a search finds nothing.
var SearchTips = []string{
	"检查是否有错别字，或换用意思相近的词语。",
	"减少关键词，或用空格把长句拆成几个词。",
	"去掉引号：加引号的词组须原样出现。",
	"去掉分类、年份等筛选条件。",
}

// kindLabels name the kinds of ledger entries.
var kindLabels = map[string]string{
	wengao.KindSignup:         "注册奖励",
	wengao.KindSignIn:         "每日签到",
	wengao.KindUploadApproved: "上传通过",
	wengao.KindDownload:       "下载文档",
	wengao.KindRefund:         "退还",
	wengao.KindAdjust:         "管理员调整",
}

// roleLabels name the roles.
var roleLabels = map[string]string{
	wengao.RoleReader:    "读者",
	wengao.RoleModerator: "审核员",
	wengao.RoleAdmin:     "管理员",
}

// StatusLabels name the statuses of uploads.
var StatusLabels = map[string]string{
	wengao.UploadDraft:    "待确认",
	wengao.UploadPending:  "待审核",
	wengao.UploadApproved: "已通过",
	wengao.UploadRejected: "未通过",
	wengao.UploadDeleted:  "已删除",
}

// ComplaintStatusLabels name the states of complaints, and "all".
var ComplaintStatusLabels = map[string]string{
	wengao.ComplaintOpen:     "待处理",
	wengao.ComplaintUpheld:   "投诉成立",
	wengao.ComplaintRejected: "已驳回",
	"all":                    "全部",
}

// complaintKindLabels name the kinds of complaints.
var complaintKindLabels = map[string]string{
	wengao.ComplaintCopyright: "侵权投诉",
	wengao.ComplaintOther:     "举报与咨询",
}

// DocStatusLabels name the states of documents; "" is all.
var DocStatusLabels = map[string]string{
	"":                  "全部",
	wengao.DocPublished: "已发布",
	wengao.DocHidden:    "已隐藏",
	wengao.DocDeleted:   "回收站",
}
