package http

import (
	"net/http"

	"github.com/wengao/wengao"
)

// The words the site says to its readers, kept in one place so that the
// wording stays consistent. Templates hold the fixed text of each page.
const (
	siteName        = "文稿库"
	siteTagline     = "公文、讲话、报告、法规的检索与阅读"
	siteDescription = "文稿库收录公文、讲话、报告、法规等公开文稿，提供精确的中文全文检索、公文结构导读与相关推荐。"

	msgInternal        = "服务器内部错误，请稍后再试。"
	msgNotFoundPage    = "您访问的页面不存在，可能已被删除或地址有误。"
	msgNoDocuments     = "文稿库中还没有文稿。"
	msgCategoryMissing = "该分类不存在或暂无文稿。"
	msgSearchAll       = "全部文稿"
	msgBadSharePath    = "只能为本站页面生成二维码。"
	msgAccountsOff     = "本站暂未开放账号功能。"
	msgBadJSON         = "请求格式有误，请提交 JSON。"
	msgLoginNeeded     = "请先登录。"
	msgBadForm         = "表单内容有误，请返回重试。"
	msgPasswordsDiffer = "两次输入的密码不一致。"
)

// statusTitles are the headings of error pages by HTTP status.
var statusTitles = map[int]string{
	http.StatusBadRequest:          "请求有误",
	http.StatusUnauthorized:        "请先登录",
	http.StatusForbidden:           "没有访问权限",
	http.StatusNotFound:            "页面不存在",
	http.StatusTooManyRequests:     "访问过于频繁",
	http.StatusServiceUnavailable:  "服务暂不可用",
	http.StatusInternalServerError: "服务器出错了",
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

// periodLabels name the ranking periods.
var periodLabels = map[wengao.Period]string{
	wengao.PeriodToday: "今日",
	wengao.PeriodWeek:  "7日",
	wengao.PeriodAll:   "总榜",
}

// sortLabels name the orders of search results.
var sortLabels = map[wengao.Sort]string{
	wengao.SortRelevance: "相关度",
	wengao.SortDate:      "最新",
	wengao.SortReads:     "最热",
}

// searchTips are shown when a search finds nothing.
var searchTips = []string{
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
