package gongwen

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/wengao/wengao/chinese"
)

// cleanTitle tidies a title given by the caller.
func cleanTitle(s string) string {
	if len(s) > 4*maxLineBytes {
		s = s[:4*maxLineBytes]
	}
	return chinese.FirstRunes(tidyTitle(cleanText(s)), maxTitleRunes)
}

// tidyTitle removes the spaces of letter-spaced titles ("几 个 问 题 的 通 知")
// and those next to Chinese punctuation; other single spaces are kept, as
// they may separate issuers ("教育部 财政部关于……").
func tidyTitle(s string) string {
	if !strings.Contains(s, " ") {
		return s
	}
	fields := strings.Fields(s)
	single := 0
	for _, f := range fields {
		if utf8.RuneCountInString(f) == 1 {
			single++
		}
	}
	if len(fields) >= 3 && single*2 >= len(fields) {
		// Mostly single characters: a letter-spaced line.
		return strings.Join(fields, "")
	}
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if r == ' ' && i > 0 && i+1 < len(rs) && (isCJKPunct(rs[i-1]) || isCJKPunct(rs[i+1])) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isCJKPunct reports whether r is full-width punctuation.
func isCJKPunct(r rune) bool {
	return strings.ContainsRune("《》〈〉（）【】〔〕「」『』“”‘’、，。；：？！…—", r)
}

var (
	reArticle    = regexp.MustCompile(`^第[一二三四五六七八九十百千零〇0-9]{1,6}条`)
	reChapter    = regexp.MustCompile(`^第[一二三四五六七八九十百千零〇0-9]{1,6}[章节编]`)
	reEnumerator = regexp.MustCompile(`^(?:[一二三四五六七八九十]{1,3}[、．.]|[（(][一二三四五六七八九十0-9]{1,3}[）)]|[0-9]{1,3}[、．.][^0-9])`)
)

// startsBody reports whether l is a line of the body rather than of the
// header: a salutation ("各省、自治区……："), a sentence, an article or a
// numbered heading.
func startsBody(l line) bool {
	c := l.compact
	return hasAnySuffix(c, "：", ":") ||
		strings.ContainsAny(c, "。！？!?") ||
		reChapter.MatchString(c) ||
		c == "总则" || c == "附则" || c == "序言" || c == "前言" ||
		// An article, unless a title line goes on with it: "第三百四十四条有关问题的批复".
		reArticle.MatchString(c) && (genreOf(c) == "" || strings.ContainsAny(c, "，；")) ||
		reEnumerator.MatchString(c) ||
		utf8.RuneCountInString(c) > 150
}

// titleLike reports whether l can be (part of) a title.
func titleLike(l line) bool {
	c := l.compact
	n := utf8.RuneCountInString(c)
	if startsBody(l) || n > 100 || hasAnySuffix(c, "；", ";") || hasAnyPrefix(c, "，", "、", "。") ||
		hasAnySuffix(c, "，", ",") && n > 30 {
		return false
	}
	if strings.ContainsAny(c, "，；;") && n > 40 && genreOf(c) == "" {
		return false
	}
	return containsHan(c)
}

// containsHan reports whether s has a Chinese character.
func containsHan(s string) bool {
	for _, r := range s {
		if isHan(r) {
			return true
		}
	}
	return false
}

// isOrgs reports whether s names one or more issuing bodies.
func isOrgs(s string) bool {
	_, ok := orgList(s)
	return ok
}

// Labels of web page metadata tables (gov.cn) above the text.
var (
	titleLabels = []string{"标题", "名称", "文件名称", "文件标题"}
	otherLabels = []string{"索引号", "主题分类", "发文机关", "成文日期", "发布日期", "发文字号", "文号", "来源", "生效日期",
		"有效性", "效力级别", "时效性", "实施日期", "施行日期", "公布日期", "制定机关", "发布机构", "发布时间", "信息来源",
		"主题词", "公文种类", "体裁", "分类", "签发人", "密级", "紧急程度", "份号", "保密期限", "文种"}
)

// labelled reports whether c is "label：value" for one of labels.
func labelled(c string, labels []string) bool {
	for _, l := range labels {
		if strings.HasPrefix(c, l) && len(c) > len(l) {
			r, _ := utf8.DecodeRuneInString(c[len(l):])
			if r == '：' || r == ':' {
				return true
			}
		}
	}
	return false
}

// headerNoteEndings end the lines of a law's header notes.
var headerNoteEndings = []string{"通过", "批准", "修正", "修订", "公布", "发布", "颁布", "施行", "并经"}

// speakerPost are words before a speaker's name: "国务院总理 李强".
var speakerPost = []string{"长", "总理", "主席", "书记", "主任", "委员", "同志", "代表", "总经理", "理事", "顾问", "巡视员"}

// isSpeaker reports whether l names a speaker: "省长 胡玉亭", "国务院总理　李　强".
func isSpeaker(l line) bool {
	f := strings.Fields(strings.Trim(l.text, "（）() "))
	if len(f) < 2 {
		return false
	}
	// The name is the last one or more fields of 2 to 4 characters in all.
	for k := len(f) - 1; k >= 1; k-- {
		name := strings.Join(f[k:], "")
		n := utf8.RuneCountInString(name)
		if n > 4 {
			break
		}
		post := strings.Join(f[:k], "")
		if n >= 2 && allHan(name) && allHan(post) && hasAnySuffix(post, speakerPost...) && utf8.RuneCountInString(post) <= 30 {
			return true
		}
	}
	return false
}

// skipBeforeTitle returns how many lines at head[i:] are not the title but
// may come before it: 发文字号, 密级, 紧急程度, 份号, the 版头 ("××文件"),
// header notes of laws, dates, speakers, labels. It returns 0 for others.
func skipBeforeTitle(head []line, i int) int {
	l := head[i]
	c := l.compact
	n := utf8.RuneCountInString(c)
	if _, ok := parseDocNumber(c); ok {
		return 1
	}
	if isOrderHeader(c) {
		if i+1 < len(head) && reOrderNumber.MatchString(head[i+1].compact) {
			return 2
		}
		return 1
	}
	if reOrderNumber.MatchString(c) {
		return 1
	}
	if _, _, ok := dateLed(c); ok {
		return 1
	}
	switch {
	case labelled(c, otherLabels):
		return 1
	case n <= 12 && hasAnyPrefix(c, "绝密", "机密", "秘密", "★"),
		c == "内部" || n <= 10 && hasAnyPrefix(c, "内部资料", "内部文件", "内部材料", "内部发行"):
		return 1
	case strings.HasPrefix(c, "自") && startsWithDate(c[len("自"):]):
		return 1 // "自2000年7月25日起不再适用"
	case n <= 8 && hasAnyPrefix(c, "特急", "加急", "急件", "平急", "特提", "紧急程度") || c == "紧急":
		return 1
	case n <= 12 && strings.Trim(c, "0123456789-—－–No.：:份号第") == "":
		return 1 // 份号 "000123", page numbers "—1—"
	case n <= 30 && strings.HasSuffix(c, "文件") && isOrgs(strings.TrimSuffix(c, "文件")):
		return 1 // 版头 "国务院办公厅文件"
	case n <= 12 && !containsHan(c):
		return 1 // "（", "—1—"
	case n <= 60 && hasAnySuffix(c, headerNoteEndings...) && containsAny(c, []string{"会议", "公告", "委员会"}) &&
		!containsAny(c, []string{"关于", "《"}):
		return 1 // "第六十九次会议通过"
	case isSpeaker(l):
		return 1
	}
	return 0
}

// isBracketSuffix reports whether c is a bracketed addition to a title on a
// line of its own: "（试行）", "（2021—2025年）", "（征求意见稿）".
func isBracketSuffix(c string) bool {
	if !(hasAnyPrefix(c, "（", "(") && hasAnySuffix(c, "）", ")")) {
		return false
	}
	if _, ok := standaloneDate(c); ok {
		return false
	}
	return utf8.RuneCountInString(c) <= 16
}

// detectTitle finds the title in the first lines of a document. last is the
// index in head of its last line; subtitle is a "——在……上的讲话" line
// right under it, if any.
func detectTitle(head []line, h header) (title string, last int, subtitle string) {
	i := 0
	for i < len(head) {
		c := head[i].compact
		if h.note[i] {
			i++
			continue
		}
		if labelled(c, titleLabels) {
			_, v, found := strings.Cut(head[i].text, "：")
			if k := strings.Index(head[i].text, ":"); k >= 0 && (!found || k < strings.Index(head[i].text, "：")) {
				v = head[i].text[k+1:]
			}
			return chinese.FirstRunes(tidyTitle(strings.TrimSpace(v)), maxTitleRunes), i, ""
		}
		if k := skipBeforeTitle(head, i); k > 0 {
			i += k
			continue
		}
		if _, ok := orgList(head[i].text); ok {
			// The first line of a title ("最高人民法院" / "关于……的批复"),
			// or a 发文机关标志 above the 发文字号 or the body.
			if i+1 < len(head) && !h.note[i+1] && titleLike(head[i+1]) && skipBeforeTitle(head, i+1) == 0 {
				break
			}
			i++
			continue
		}
		break
	}
	if i >= len(head) || !titleLike(head[i]) {
		return "", -1, ""
	}
	parts := []string{tidyTitle(head[i].text)}
	runes := utf8.RuneCountInString(parts[0])
	j := i + 1
	for ; j < len(head) && j < i+5; j++ {
		n := head[j]
		if h.note[j] || !titleLike(n) || skipBeforeTitle(head, j) > 0 || hasAnyPrefix(n.compact, "——", "—", "--") {
			break
		}
		bracket := isBracketSuffix(n.compact)
		if !bracket && hasAnyPrefix(n.compact, "（", "(") {
			break
		}
		cur := strings.Join(parts, "")
		if genreOf(cur) != "" && !bracket && !strings.HasPrefix(n.compact, "的") && !continuesTitle(head, j) {
			break
		}
		t := tidyTitle(n.text)
		k := utf8.RuneCountInString(t)
		if runes+k > maxTitleRunes {
			break
		}
		parts = append(parts, t)
		runes += k
	}
	title = chinese.FirstRunes(strings.Join(parts, ""), maxTitleRunes)
	if j < len(head) && hasAnyPrefix(head[j].compact, "——", "—") {
		if _, _, ok := dateLed(head[j].compact); !ok {
			subtitle = strings.TrimLeft(head[j].compact, "—-")
		}
	}
	return title, j - 1, subtitle
}

// continuesTitle reports whether head[j:] goes on with a title that already
// ends in a genre word by chance ("……的处理决定" / "生效后……" / "……的批复"):
// one or two more title-like lines ending in a genre word, then a line that
// cannot be part of a title.
func continuesTitle(head []line, j int) bool {
	ext := ""
	for k := j; k < len(head) && k < j+2; k++ {
		if !titleLike(head[k]) || skipBeforeTitle(head, k) > 0 || hasAnyPrefix(head[k].compact, "（", "(", "——") {
			return false
		}
		ext += head[k].compact
		if genreOf(ext) != "" {
			return k+1 >= len(head) || !titleLike(head[k+1]) || skipBeforeTitle(head, k+1) > 0
		}
	}
	return false
}

// orgSuffixes end the names of issuing bodies.
var orgSuffixes = []string{
	"部", "委", "厅", "局", "院", "办", "会", "府", "室", "处", "署", "行", "社", "团", "队", "组", "站",
	"馆", "所", "司", "科", "军", "关", "校", "庭", "狱", "协", "联", "盟", "央", "中心", "公司", "集团",
	"大学", "学院", "党组", "党委", "工委", "指挥部", "会议",
}

// notInOrg are words not found in the name of an issuing body.
var notInOrg = []string{"关于", "印发", "转发", "批转", "的", "在", "和个人"}

// orgList splits s into the names of issuing bodies ("教育部 财政部",
// "国务院办公厅、中央军委办公厅"); ok is false when s is not such a list.
func orgList(s string) ([]string, bool) {
	if s == "" || len(s) > 240 {
		return nil, false
	}
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '、' })
	if len(fields) == 0 || len(fields) > 8 {
		return nil, false
	}
	single := 0
	for _, f := range fields {
		if utf8.RuneCountInString(f) == 1 {
			single++
		}
	}
	if single > 0 && !strings.Contains(s, "、") {
		// Letter-spaced: "国 务 院".
		fields = []string{strings.Join(fields, "")}
	}
	// Parts that cannot start a name go on with the one before:
	// "某某州人民代表大会 常务委员会", "某某县第十八届人民代表大会 第四次会议".
	for k := len(fields) - 1; k > 0; k-- {
		if hasAnyPrefix(fields[k], "常务委员会", "常委会", "第", "及其", "办公厅", "办公室") {
			fields[k-1] += fields[k]
			fields = slices.Delete(fields, k, k+1)
		}
	}
	for _, f := range fields {
		n := utf8.RuneCountInString(f)
		if n < 2 || n > 30 || !allHan(f) || !hasAnySuffix(f, orgSuffixes...) || containsAny(f, notInOrg) {
			return nil, false
		}
	}
	return fields, true
}

// issuerMarkers follow the issuer in a title: "国务院办公厅关于……".
var issuerMarkers = []string{"关于", "印发", "转发", "批转", "对", "发布", "公布"}

// issuerFromTitle reads the issuer off the start of a title.
func issuerFromTitle(title string) string {
	best := ""
	bestAt := len(title) + 1
	for _, m := range issuerMarkers {
		// Try every occurrence: "对" may be inside a name ("对外经济贸易部").
		from := 0
		for k := 0; k < 4; k++ {
			i := strings.Index(title[from:], m)
			if i < 0 {
				break
			}
			i += from
			if i > 0 && i < bestAt {
				if orgs, ok := orgList(strings.TrimRight(title[:i], " ，,、")); ok {
					best, bestAt = strings.Join(orgs, "、"), i
					break
				}
			}
			from = i + len(m)
		}
	}
	return best
}

// issuerFromLines joins the issuers of the 落款 lines.
func issuerFromLines(lines []line) string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lines {
		orgs, _ := orgList(l.text)
		for _, o := range orgs {
			if !seen[o] {
				seen[o] = true
				out = append(out, o)
			}
		}
	}
	return strings.Join(out, "、")
}

// genreSuffixes maps the last words of titles to genres.
var genreSuffixes = map[string]string{
	"命令": "命令", "令": "命令", "指令": "命令", "通令": "命令", "条令": "条令",
	"决议": "决议", "决定": "决定", "公告": "公告", "通告": "通告", "意见": "意见", "通知": "通知",
	"通报": "通报", "报告": "报告", "请示": "请示", "批复": "批复", "议案": "议案",
	"函": "函", "复函": "函", "答复": "函", "纪要": "纪要", "公报": "公报",
	"讲话": "讲话", "讲话稿": "讲话", "讲话提纲": "讲话", "致辞": "讲话", "贺词": "讲话", "发言": "讲话",
	"发言提纲": "讲话", "讲稿": "讲话", "演讲": "讲话", "演说": "讲话",
	"办法": "办法", "规定": "规定", "条例": "条例", "细则": "细则", "方案": "方案", "规划": "规划",
	"纲要": "纲要", "总结": "总结", "计划": "计划", "要点": "要点", "规则": "规则", "规程": "规程",
	"守则": "守则", "章程": "章程", "准则": "准则", "标准": "标准", "指南": "指南", "指引": "指引",
	"解释": "解释", "解答": "解释", "法": "法律", "法典": "法律", "修正案": "修正案", "公约": "公约",
	"制度": "制度", "预案": "预案", "清单": "清单", "目录": "目录", "说明": "说明", "提案": "提案",
	"建议": "建议", "倡议": "倡议", "倡议书": "倡议", "声明": "声明", "白皮书": "白皮书", "贺信": "贺信",
	"公示": "公示", "简报": "简报", "规范": "规范", "通则": "通则", "总则": "总则", "安排": "安排",
}

// genreKeys are the keys of genreSuffixes, longest first.
var genreKeys = func() []string {
	var ks []string
	for k := range genreSuffixes {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		a, b := utf8.RuneCountInString(ks[i]), utf8.RuneCountInString(ks[j])
		if a != b {
			return a > b
		}
		return ks[i] < ks[j]
	})
	return ks
}()

// Genres lists every genre Detect may return.
var Genres = func() []string {
	seen := map[string]bool{}
	var out []string
	for _, k := range genreKeys {
		if g := genreSuffixes[k]; !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	sort.Strings(out)
	return out
}()

// notLaw are words ending in 法 that do not make a title a law's.
// ("公司法", "建设法" and "执法" endings are laws' names: not listed).
var notLaw = []string{"方法", "做法", "看法", "想法", "说法", "手法", "写法", "用法", "算法", "疗法", "语法",
	"书法", "兵法", "违法", "守法", "依法", "合法", "非法", "无法", "技法", "加法", "减法", "魔法"}

// notOrder are words ending in 令 that are not orders.
var notOrder = []string{"口令", "司令", "县令", "时令", "酒令", "夏令", "冬令", "节令"}

// closing and opening brackets stripped from the end of a title.
var brackets = map[rune]rune{'）': '（', ')': '(', '】': '【', '〕': '〔', ']': '[', '］': '［', '」': '「', '』': '『'}

// genreOf returns the genre of a title from its last words, after taking
// off bracketed additions such as "（试行）" or "（2022年修订）".
func genreOf(title string) string {
	s := strings.ReplaceAll(title, " ", "")
	for k := 0; k < 4; k++ {
		s = strings.TrimRight(s, "。.；;，,!！?？ ")
		r, size := utf8.DecodeLastRuneInString(s)
		open, ok := brackets[r]
		if !ok {
			break
		}
		i := strings.LastIndex(s[:len(s)-size], string(open))
		if i <= 0 {
			break
		}
		s = s[:i]
	}
	if strings.HasPrefix(s, "《") && strings.HasSuffix(s, "》") {
		s = strings.TrimSuffix(strings.TrimPrefix(s, "《"), "》")
	}
	for _, k := range genreKeys {
		if !strings.HasSuffix(s, k) {
			continue
		}
		switch k {
		case "法":
			if utf8.RuneCountInString(s) < 3 || hasAnySuffix(s, notLaw...) {
				continue
			}
		case "令":
			if utf8.RuneCountInString(s) < 3 || hasAnySuffix(s, notOrder...) {
				continue
			}
		case "议案":
			if strings.HasSuffix(s, "协议案") {
				continue // a court case: "……补偿安置协议案"
			}
		case "建议", "说明", "目录", "清单", "制度", "标准", "安排":
			// Only as a whole genre: "关于……的建议", not "合理化建议" inside a heading.
			if !strings.Contains(s, "的"+k) && !strings.Contains(s, "关于") {
				continue
			}
		}
		return genreSuffixes[k]
	}
	if strings.Contains(s, "讲话") || strings.Contains(s, "致辞") || strings.Contains(s, "发言") ||
		strings.Contains(s, "报告会上") ||
		strings.HasPrefix(s, "在") && (strings.HasSuffix(s, "上") || strings.Contains(s, "会上") || strings.Contains(s, "会议上")) {
		return "讲话"
	}
	return ""
}

// judicialBodies issue judicial interpretations in every form (解释, 规定,
// 批复, 决定, 函, 通知); lawBodies also issue laws as decisions and
// resolutions.
var (
	judicialBodies = []string{"人民法院", "人民检察院"}
	lawBodies      = []string{"人民代表大会", "人大"}
)

// categoryOf guesses the library category from the genre and the issuer.
func categoryOf(genre, issuer, title string) string {
	prefix := title
	if i := strings.Index(prefix, "关于"); i >= 0 {
		prefix = prefix[:i]
	}
	if genre != "讲话" && genre != "报告" && (containsAny(issuer, judicialBodies) || strings.HasPrefix(title, "最高人民")) {
		return CategoryLaw
	}
	switch genre {
	case "讲话":
		return CategorySpeech
	case "报告", "总结":
		return CategoryReport
	case "规划", "纲要", "计划", "要点", "方案", "安排":
		return CategoryPlan
	case "法律", "条例", "规定", "办法", "细则", "规则", "规程", "解释", "修正案", "章程", "准则", "守则", "条令",
		"规范", "通则", "总则":
		return CategoryLaw
	case "决定", "决议":
		if containsAny(issuer, lawBodies) || containsAny(prefix, lawBodies) ||
			containsAny(title, []string{"修改《", "废止《", "批准《", "废止部分", "修改部分"}) {
			return CategoryLaw
		}
		return CategoryGovernment
	case "命令", "公告", "通告", "意见", "通知", "通报", "请示", "批复", "议案", "函", "纪要", "公报",
		"提案", "建议", "预案", "制度":
		return CategoryGovernment
	case "":
		if issuer != "" {
			return CategoryGovernment
		}
	}
	return CategoryOther
}
