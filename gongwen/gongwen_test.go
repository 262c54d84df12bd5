package gongwen

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// want is what a test expects of Detect; Date is "2006-01-02" or "".
type want struct {
	Title, Issuer, DocNumber, Date, Genre, Category string
}

func got(m Metadata) want {
	w := want{Title: m.Title, Issuer: m.Issuer, DocNumber: m.DocNumber, Genre: m.Genre, Category: m.Category}
	if !m.Date.IsZero() {
		w.Date = m.Date.Format("2006-01-02")
	}
	return w
}

var detectCases = []struct {
	name  string
	title string // given title ("" to detect it)
	text  string // paragraphs, one a line
	want  want
}{
	{
		name: "国办 notice, title over two lines, 落款 and date at the end",
		text: `国务院办公厅关于开展
城镇小区配套幼儿园治理工作的通知
国办发〔2019〕3号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
城镇小区配套建设幼儿园是城镇公共服务设施建设的重要内容。经国务院同意，现就开展治理工作通知如下。
一、总体要求
各地区要认真落实。
国务院办公厅
2019年1月9日
（此件公开发布）`,
		want: want{"国务院办公厅关于开展城镇小区配套幼儿园治理工作的通知", "国务院办公厅", "国办发〔2019〕3号", "2019-01-09", "通知", CategoryGovernment},
	},
	{
		name: "Chinese-numeral date with 〇",
		text: `国务院办公厅
关于湖北省在温家宝总理考察工作时
所提问题和建议办理情况的函
国办函〔2004〕25号
湖北省人民政府：
你省提出的问题和建议收悉。现将办理情况函告如下。
国务院办公厅
二〇〇四年三月二日
（本文有删减）`,
		want: want{"国务院办公厅关于湖北省在温家宝总理考察工作时所提问题和建议办理情况的函", "国务院办公厅", "国办函〔2004〕25号", "2004-03-02", "函", CategoryGovernment},
	},
	{
		name: "Chinese-numeral date with ○ (U+25CB) and 二十一",
		text: `江西省人民政府办公厅关于印发江西省数字政府建设三年行动计划的通知
赣府厅字〔2022〕12号
各市、县（区）人民政府，省政府各部门：
现将《江西省数字政府建设三年行动计划》印发给你们，请认真贯彻执行。
江西省人民政府办公厅
二○二二年十二月二十一日`,
		want: want{"江西省人民政府办公厅关于印发江西省数字政府建设三年行动计划的通知", "江西省人民政府办公厅", "赣府厅字〔2022〕12号", "2022-12-21", "通知", CategoryGovernment},
	},
	{
		name: "number in square brackets, ISO date",
		text: `财政部关于提前下达2020年中央对地方转移支付预算的通知
财预[2020]10号
各省、自治区、直辖市财政厅（局）：
现提前下达有关预算，请按规定执行。
财政部
2020-03-04`,
		want: want{"财政部关于提前下达2020年中央对地方转移支付预算的通知", "财政部", "财预〔2020〕10号", "2020-03-04", "通知", CategoryGovernment},
	},
	{
		name: "number in 【】, dotted date",
		text: `赣府厅字【2022】12号
江西省人民政府办公厅关于做好2022年春节期间有关工作的通知
各设区市人民政府，省政府各部门：
请认真做好各项工作。
江西省人民政府办公厅
2022.1.20`,
		want: want{"江西省人民政府办公厅关于做好2022年春节期间有关工作的通知", "江西省人民政府办公厅", "赣府厅字〔2022〕12号", "2022-01-20", "通知", CategoryGovernment},
	},
	{
		name: "number in full-width parentheses and ［］, full-width digits",
		text: `国务院关于印发2023年立法工作计划的通知
国发（２０２３）１号
各省、自治区、直辖市人民政府：
现将计划印发给你们。
国务院
２０２３年５月３１日`,
		want: want{"国务院关于印发2023年立法工作计划的通知", "国务院", "国发〔2023〕1号", "2023-05-31", "通知", CategoryGovernment},
	},
	{
		name: "number with spaces inside, 份号 密级 紧急程度 版头 before the title",
		text: `000123
机密★1年
特急
中共中央文件
中发〔2018〕 1 号
中共中央 国务院关于实施乡村振兴战略的意见
各省、自治区、直辖市党委和人民政府：
现就实施乡村振兴战略提出如下意见。
中共中央
国务院
2018年1月2日`,
		want: want{"中共中央 国务院关于实施乡村振兴战略的意见", "中共中央、国务院", "中发〔2018〕1号", "2018-01-02", "意见", CategoryGovernment},
	},
	{
		name: "number with [ ] and spaces",
		text: `财预 [ 2020 ] 10 号
关于下达资金的通知
各有关单位：
现下达资金。
财政部
2020年3月4日`,
		want: want{"关于下达资金的通知", "财政部", "财预〔2020〕10号", "2020-03-04", "通知", CategoryGovernment},
	},
	{
		name: "cited number in a sentence is not the document's",
		text: `关于进一步做好职业教育工作的通知
各市教育局：
根据《国务院关于印发国家职业教育改革实施方案的通知》（国发〔2019〕4号）要求，现就有关事项通知如下。
一、提高认识。
省教育厅
2019年5月6日`,
		want: want{"关于进一步做好职业教育工作的通知", "省教育厅", "", "2019-05-06", "通知", CategoryGovernment},
	},
	{
		name: "order over two lines",
		text: `中华人民共和国国务院令
第708号
《国务院关于修改部分行政法规的决定》已经2019年2月27日国务院第42次常务会议通过，现予公布，自公布之日起施行。
总理　李克强
2019年3月2日`,
		want: want{"", "", "中华人民共和国国务院令第708号", "2019-03-02", "命令", CategoryGovernment},
	},
	{
		name:  "order on one line, title given",
		title: "国务院关于修改部分行政法规的决定",
		text: `国务院令第708号
《国务院关于修改部分行政法规的决定》已经国务院常务会议通过，现予公布。
总理 李克强
2019年3月2日`,
		want: want{"国务院关于修改部分行政法规的决定", "国务院", "国务院令第708号", "2019-03-02", "决定", CategoryLaw},
	},
	{
		name: "order number before 令",
		text: `第15号令
杭州市人民政府关于修改《杭州市城市市容管理办法》的决定
市政府第20次常务会议审议通过，现予公布。
市长 张三
2020年6月1日`,
		want: want{"杭州市人民政府关于修改《杭州市城市市容管理办法》的决定", "杭州市人民政府", "第15号令", "2020-06-01", "决定", CategoryLaw},
	},
	{
		name: "speech with date under the title and speaker",
		text: `在全省优化营商环境工作会议上的讲话
（2023年3月1日）
王某某
同志们：
今天召开这次会议，主要任务是总结工作、部署任务。
一、充分肯定成绩
谢谢大家！`,
		want: want{"在全省优化营商环境工作会议上的讲话", "", "", "2023-03-01", "讲话", CategorySpeech},
	},
	{
		name: "work report: subtitle with date and speaker",
		text: `2024年政府工作报告
——2024年3月5日在第十四届全国人民代表大会第二次会议上
国务院总理　李　强
各位代表：
现在，我代表国务院，向大会报告政府工作，请予审议。
一、2023年工作回顾`,
		want: want{"2024年政府工作报告", "", "", "2024-03-05", "报告", CategoryReport},
	},
	{
		name: "speech without a title: speaker line is not a title",
		text: `——2026年2月3日在上海市第十六届人民代表大会第四次会议上
上海市市长 龚 正
各位代表：
现在，我代表上海市人民政府，向大会报告工作。`,
		want: want{"", "", "", "2026-02-03", "", CategoryOther},
	},
	{
		name: "joint issuers in the title",
		text: `教育部 财政部关于实施中国特色高水平高职学校和专业建设计划的意见
教职成〔2019〕5号
各省、自治区、直辖市教育厅（教委）、财政厅（局）：
为贯彻落实有关部署，现提出如下意见。
教育部　　　财政部
2019年3月29日`,
		want: want{"教育部 财政部关于实施中国特色高水平高职学校和专业建设计划的意见", "教育部、财政部", "教职成〔2019〕5号", "2019-03-29", "意见", CategoryGovernment},
	},
	{
		name: "joint issuers from the 落款 lines",
		text: `关于做好2023年普通高校毕业生就业创业工作的通知
各省、自治区、直辖市人力资源社会保障厅（局）：
现就做好有关工作通知如下。
人力资源社会保障部
教育部
2023年1月10日`,
		want: want{"关于做好2023年普通高校毕业生就业创业工作的通知", "人力资源社会保障部、教育部", "", "2023-01-10", "通知", CategoryGovernment},
	},
	{
		name: "issuer and date on one 落款 line",
		text: `关于调整国家教材委员会组成人员的通知
各省、自治区、直辖市人民政府：
根据工作需要，决定对组成人员进行调整。
国务院办公厅　2018年11月20日`,
		want: want{"关于调整国家教材委员会组成人员的通知", "国务院办公厅", "", "2018-11-20", "通知", CategoryGovernment},
	},
	{
		name:  "given title with （试行）",
		title: "江西省政府投资项目管理办法（试行）",
		text: `第一条　为规范政府投资行为，制定本办法。
第二条　本办法自印发之日起施行。`,
		want: want{"江西省政府投资项目管理办法（试行）", "", "", "", "办法", CategoryLaw},
	},
	{
		name: "law with header notes: latest date, not the effective date",
		text: `2019年3月22日七台河市第十一届人民代表大会常务委员会第十八次会议通过
2019年6月28日黑龙江省第十三届人民代表大会常务委员会第十二次会议批准
七台河市东北抗联文化遗存保护利用条例（2019年修订）
第一章 总 则
第一条　为了加强保护利用，制定本条例。
第三十条　本条例自2019年8月1日起施行。`,
		want: want{"七台河市东北抗联文化遗存保护利用条例（2019年修订）", "", "", "2019-06-28", "条例", CategoryLaw},
	},
	{
		name: "header note over two lines, judicial interpretation",
		text: `2020年12月25日最高人民法院审判委员会
第1825次会议通过，自2021年1月1日施行
最高人民法院关于适用
《中华人民共和国民法典》 婚姻家庭编的解释（一）
法释〔2020〕22号
为正确审理婚姻家庭纠纷案件，制定本解释。
第一条　持续性、经常性的家庭暴力，可以认定为“虐待”。`,
		want: want{"最高人民法院关于适用《中华人民共和国民法典》婚姻家庭编的解释（一）", "最高人民法院", "法释〔2020〕22号", "2020-12-25", "解释", CategoryLaw},
	},
	{
		name: "title ends in a genre word by chance on its first line",
		text: `最高人民法院
关于行政机关对土地争议的处理决定
生效后一方不履行另一方不应以
民事侵权向法院起诉的批复
1991年7月24日 〔1990〕法民字第2号
河北省高级人民法院：
你院请示收悉。经研究，答复如下。`,
		want: want{"最高人民法院关于行政机关对土地争议的处理决定生效后一方不履行另一方不应以民事侵权向法院起诉的批复", "最高人民法院", "〔1990〕法民字第2号", "1991-07-24", "批复", CategoryLaw},
	},
	{
		name: "second title line starts with 的",
		text: `中共某某县委办公室关于印发2023年工作要点
的通知
各乡镇党委，县直各单位：
现将《2023年工作要点》印发给你们，请结合实际认真贯彻落实。
中共某某县委办公室
2023年2月15日`,
		want: want{"中共某某县委办公室关于印发2023年工作要点的通知", "中共某某县委办公室", "", "2023-02-15", "通知", CategoryGovernment},
	},
	{
		name: "invalid calendar date is ignored",
		text: `关于召开会议的通知
各单位：
定于近期召开会议。
办公室
2019年2月30日`,
		want: want{"关于召开会议的通知", "", "", "", "通知", CategoryGovernment},
	},
	{
		name: "date out of range is ignored",
		text: `关于清理旧档案的通知
各单位：
请清理。
档案馆
1900年1月1日`,
		want: want{"关于清理旧档案的通知", "", "", "", "通知", CategoryGovernment},
	},
	{
		name: "落款 date wins over a date near the top",
		text: `1998年5月7日最高人民检察院第九届检察委员会
第二次会议通过
最高人民检察院
关于对报请批准逮捕的案件可否侦查问题的批复
高检发释字〔1998〕4号
辽宁省人民检察院：
你院请示收悉。经研究，批复如下。
此复。
最高人民检察院
1998年5月12日`,
		want: want{"最高人民检察院关于对报请批准逮捕的案件可否侦查问题的批复", "最高人民检察院", "高检发释字〔1998〕4号", "1998-05-12", "批复", CategoryLaw},
	},
	{
		name: "notice whose attachment follows: date of the notice near the top",
		text: `国务院关于印发国家职业教育改革
实施方案的通知
国发〔2019〕4号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
现将《国家职业教育改革实施方案》印发给你们，请认真贯彻执行。
国务院
2019年1月24日
（此件公开发布）
国家职业教育改革实施方案
职业教育与普通教育是两种不同教育类型。
一、完善国家职业教育制度体系
二、构建职业教育国家标准
三、促进产教融合校企“双元”育人
四、建设多元办学格局
五、完善技术技能人才保障政策
六、加强职业教育办学质量督导评价
七、做好改革组织实施工作
（二十）完善国务院职业教育工作部际联席会议制度。
联席会议统筹协调全国职业教育工作。`,
		want: want{"国务院关于印发国家职业教育改革实施方案的通知", "国务院", "国发〔2019〕4号", "2019-01-24", "通知", CategoryGovernment},
	},
	{
		name: "上行文 with 签发人 on the number line",
		text: `江西省人民政府文件
赣府文〔2021〕8号　　　签发人：张三
江西省人民政府关于恳请支持赣南等原中央苏区振兴发展的请示
国务院：
为加快振兴发展，特请示如下。
妥否，请批示。
江西省人民政府
2021年4月2日`,
		want: want{"江西省人民政府关于恳请支持赣南等原中央苏区振兴发展的请示", "江西省人民政府", "赣府文〔2021〕8号", "2021-04-02", "请示", CategoryGovernment},
	},
	{
		name: "web page metadata labels",
		text: `索引号：000014349/2019-00012
主题分类：教育
标题：国务院办公厅关于加强三级公立医院绩效考核工作的意见
发文字号：国办发〔2019〕4号
成文日期：2019年01月16日
为进一步深化公立医院改革，现提出以下意见。`,
		want: want{"国务院办公厅关于加强三级公立医院绩效考核工作的意见", "国务院办公厅", "国办发〔2019〕4号", "2019-01-16", "意见", CategoryGovernment},
	},
	{
		name: "letter-spaced title line",
		text: `国务院关于棉粮、糖粮挂钩奖售粮
几 个 问 题 的 通 知
国发〔1981〕88号
各省、市、自治区人民政府，国务院有关部委、直属机构：
为了促进棉、糖生产发展，现通知如下。
国 务 院
一九八一年五月二十三日`,
		want: want{"国务院关于棉粮、糖粮挂钩奖售粮几个问题的通知", "国务院", "国发〔1981〕88号", "1981-05-23", "通知", CategoryGovernment},
	},
	{
		name: "plan with years in brackets",
		text: `江西省“十四五”数字经济发展规划（2021—2025年）
为加快数字经济发展，编制本规划。
一、发展基础`,
		want: want{"江西省“十四五”数字经济发展规划（2021—2025年）", "", "", "", "规划", CategoryPlan},
	},
	{
		name: "body starts at once: no title",
		text: `各位代表：
现在，我代表省人民政府，向大会报告工作，请予审议。`,
		want: want{"", "", "", "", "", CategoryOther},
	},
	{
		name: "invalid UTF-8, control characters and a BOM",
		text: "\ufeff国务院办公厅关于\xff\xfe印发\x00试点方案的通知\n国办发〔2019〕2号\n各省：\n现印发。\n国务院办公厅\n2019年1月1日\x01",
		want: want{"国务院办公厅关于印发试点方案的通知", "国务院办公厅", "国办发〔2019〕2号", "2019-01-01", "通知", CategoryGovernment},
	},
	{
		name: "empty input",
		want: want{Category: CategoryOther},
	},
}

func TestDetect(t *testing.T) {
	for _, c := range detectCases {
		t.Run(c.name, func(t *testing.T) {
			var paras []string
			if c.text != "" {
				paras = strings.Split(c.text, "\n")
			}
			g := got(Detect(c.title, paras))
			if g != c.want {
				t.Errorf("Detect:\n got %+v\nwant %+v", g, c.want)
			}
			// The same text as one paragraph with line breaks.
			if c.text != "" {
				if g1 := got(Detect(c.title, []string{c.text})); g1 != c.want {
					t.Errorf("Detect (one paragraph):\n got %+v\nwant %+v", g1, c.want)
				}
			}
		})
	}
}

func TestGenre(t *testing.T) {
	cases := []struct{ title, genre, category string }{
		{"国务院关于授权香港特别行政区实施管辖的深圳湾口岸港方口岸区范围和土地使用期限的批复", "批复", CategoryGovernment},
		{"江西省人民政府关于恳请支持赣南等原中央苏区振兴发展的请示", "请示", CategoryGovernment},
		{"国务院办公厅关于对国务院第五次大督查发现的典型经验做法给予表扬的通报", "通报", CategoryGovernment},
		{"国家统计局关于2022年国民经济和社会发展的统计公报", "公报", CategoryGovernment},
		{"省政府第十二次常务会议纪要", "纪要", CategoryGovernment},
		{"国务院办公厅关于黄金经济政策有关问题的复函", "函", CategoryGovernment},
		{"国务院办公厅对十届全国人大四次会议第7240号建议的答复", "函", CategoryGovernment},
		{"关于提请审议《中华人民共和国民法典（草案）》的议案", "议案", CategoryGovernment},
		{"某某市人民政府关于禁止燃放烟花爆竹的通告", "通告", CategoryGovernment},
		{"中国人民银行公告〔2020〕第1号", "", CategoryOther},
		{"国家税务总局关于个人所得税有关问题的公告", "公告", CategoryGovernment},
		{"第十四届全国人民代表大会第一次会议关于政府工作报告的决议", "决议", CategoryLaw},
		{"国务院关于2018年度国家科学技术奖励的决定", "决定", CategoryGovernment},
		{"国务院关于修改《国家科学技术奖励条例》的决定", "决定", CategoryLaw},
		{"中华人民共和国主席令", "命令", CategoryGovernment},
		{"国务院关于在我国统一实行法定计量单位的命令", "命令", CategoryGovernment},
		{"2025年中华人民共和国国务院政府工作报告", "报告", CategoryReport},
		{"某某县2023年工作总结", "总结", CategoryReport},
		{"某某市2024年工作要点", "要点", CategoryPlan},
		{"全国国土规划纲要（2016—2030年）", "纲要", CategoryPlan},
		{"国家职业教育改革实施方案", "方案", CategoryPlan},
		{"中华人民共和国个人信息保护法", "法律", CategoryLaw},
		{"中华人民共和国公司法", "法律", CategoryLaw},
		{"中华人民共和国宪法修正案（2018年）", "修正案", CategoryLaw},
		{"中华人民共和国专利法实施细则（2023年修订）", "细则", CategoryLaw},
		{"不动产登记暂行条例(征求意见稿)", "条例", CategoryLaw},
		{"中国人民解放军内务条令", "条令", CategoryLaw},
		{"某某市人民代表大会常务委员会议事规则", "规则", CategoryLaw},
		{"最高人民法院关于审理商标民事纠纷案件适用法律若干问题的解释", "解释", CategoryLaw},
		{"最高人民法院关于银行、信用社扣划预付货款收贷应否退还问题的批复", "批复", CategoryLaw},
		{"习近平在中央经济工作会议上的讲话（摘要）", "讲话", CategorySpeech},
		{"在2023年新年招待会上的致辞", "讲话", CategorySpeech},
		{"在全市安全生产工作会议上的讲话提纲", "讲话", CategorySpeech},
		{"在全省经济工作会议上", "讲话", CategorySpeech},
		{"王某某同志在学习贯彻主题教育报告会上的辅导", "讲话", CategorySpeech},
		{"关于进一步优化营商环境的若干意见", "意见", CategoryGovernment},
		{"中山市某房地产发展有限公司诉中山市自然资源局要求解除行政协议案", "", CategoryOther},
		{"科学研究的方法", "", CategoryOther},
		{"", "", CategoryOther},
	}
	for _, c := range cases {
		m := Detect(c.title, nil)
		if got := m.Genre; got != c.genre {
			t.Errorf("%q: m.Genre = %v, want %v", c.title, got, c.genre)
		}
		if got := m.Category; got != c.category {
			t.Errorf("%q: m.Category = %v, want %v", c.title, got, c.category)
		}
	}
}

func TestParseDate(t *testing.T) {
	cases := []struct{ in, want string }{
		{"2019年3月4日", "2019-03-04"},
		{"2019年03月04日", "2019-03-04"},
		{"二〇一九年三月四日", "2019-03-04"},
		{"二○一九年三月四日", "2019-03-04"},
		{"二O一九年三月四日", "2019-03-04"},
		{"二０一九年三月四日", "2019-03-04"},
		{"二〇二三年十二月二十一日", "2023-12-21"},
		{"一九四九年十月一日", "1949-10-01"},
		{"二〇二〇年二月二十九日", "2020-02-29"},
		{"二〇一九年二月二十九日", ""},
		{"2019-03-04", "2019-03-04"},
		{"2019.3.4", "2019-03-04"},
		{"2019/3/4", "2019-03-04"},
		{"2019年2月30日", ""},
		{"2019年13月1日", ""},
		{"2019-3.4", ""},
		{"1948年1月1日", ""},
		{"2101年1月1日", ""},
		{"12019年1月1日", ""},
	}
	for _, c := range cases {
		d, ok := standaloneDate(c.in)
		g := ""
		if ok {
			g = d.Format("2006-01-02")
		}
		if g != c.want {
			t.Errorf("%q: got %q, want %q", c.in, g, c.want)
		}
	}
}

func TestParseDocNumber(t *testing.T) {
	cases := []struct{ in, want string }{
		{"国办发〔2019〕4号", "国办发〔2019〕4号"},
		{"国发[2023]1号", "国发〔2023〕1号"},
		{"赣府厅字【2022】12号", "赣府厅字〔2022〕12号"},
		{"财预（2020）10号", "财预〔2020〕10号"},
		{"财预［2020］10号", "财预〔2020〕10号"},
		{"京政发〔2019〕第3号", "京政发〔2019〕第3号"},
		{"法（经）复〔1989〕1号", "法（经）复〔1989〕1号"},
		{"〔1990〕法民字第2号", "〔1990〕法民字第2号"},
		{"（国发〔2019〕4号）", "国发〔2019〕4号"},
		{"发文字号：国办发〔2019〕4号", "国办发〔2019〕4号"},
		{"国务院令第708号", "国务院令第708号"},
		{"中华人民共和国主席令第三十一号", "中华人民共和国主席令第三十一号"},
		{"第708号令", "第708号令"},
		{"根据国发〔2019〕4号", ""},
		{"关于如何适用国务院国发〔1994〕41号", ""},
		{"〔2019〕4号", ""},
		{"国发〔2019〕号", ""},
		{"2019年4号", ""},
	}
	for _, c := range cases {
		g, _ := parseDocNumber(c.in)
		if g != c.want {
			t.Errorf("%q: got %q, want %q", c.in, g, c.want)
		}
	}
}

// TestDetectBounded checks that huge inputs are handled in bounded time.
func TestDetectBounded(t *testing.T) {
	many := make([]string, 2_000_000)
	for i := range many {
		many[i] = "第一条　本办法所称"
	}
	many[0] = "国务院关于印发某某办法的通知"
	many[1] = "国发〔2019〕1号"
	many[len(many)-2] = "国务院"
	many[len(many)-1] = "2019年1月2日"
	huge := strings.Repeat("国务院办公厅关于印发", 700_000) // 21 MB in one line
	blank := make([]string, 3_000_000)
	for i := range blank {
		blank[i] = "   \t "
	}
	start := time.Now()
	m := Detect("", many)
	if got := m.Title; got != "国务院关于印发某某办法的通知" {
		t.Errorf("many paragraphs: m.Title = %v, want %v", got, "国务院关于印发某某办法的通知")
	}
	if got := m.DocNumber; got != "国发〔2019〕1号" {
		t.Errorf("many paragraphs: m.DocNumber = %v, want %v", got, "国发〔2019〕1号")
	}
	if got := m.Date.Format("2006-01-02"); got != "2019-01-02" {
		t.Errorf("many paragraphs: m.Date.Format(\"2006-01-02\") = %v, want %v", got, "2019-01-02")
	}
	Detect(huge, []string{huge, "\n" + huge, huge + "\n"})
	Detect("", blank)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("huge inputs took %v", d)
	}
}

var reOrderForm = regexp.MustCompile(`令.*第.+号$|^第.+号令$`)

// checkInvariants checks what must hold of any result.
func checkInvariants(t *testing.T, m Metadata) {
	t.Helper()
	for _, s := range []string{m.Title, m.Issuer, m.DocNumber, m.Genre, m.Category} {
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 in %+v", m)
		}
	}
	if n := utf8.RuneCountInString(m.Title); n > maxTitleRunes {
		t.Fatalf("title has %d runes", n)
	}
	if d := m.DocNumber; d != "" {
		i, j := strings.Index(d, "〔"), strings.Index(d, "〕")
		if !(i >= 0 && j > i) && !reOrderForm.MatchString(d) {
			t.Fatalf("bad DocNumber %q", d)
		}
	}
	if !m.Date.IsZero() {
		{
			y := m.Date.Year()
			if y < 1949 {
				t.Fatalf("bad Date %v (want not y < 1949)", m.Date)
			}
			if y > 2100 {
				t.Fatalf("bad Date %v (want not y > 2100)", m.Date)
			}
			if got := m.Date.Location(); got != time.UTC {
				t.Fatalf("bad Date: m.Date.Location() = %v, want %v", got, time.UTC)
			}
		}
		if got := m.Date.Hour(); got != 0 {
			t.Fatalf("Date not at midnight: m.Date.Hour() = %v, want %v", got, 0)
		}
		if got := m.Date.Minute(); got != 0 {
			t.Fatalf("Date not at midnight: m.Date.Minute() = %v, want %v", got, 0)
		}
		if got := m.Date.Second(); got != 0 {
			t.Fatalf("Date not at midnight: m.Date.Second() = %v, want %v", got, 0)
		}
		if got := m.Date.Nanosecond(); got != 0 {
			t.Fatalf("Date not at midnight: m.Date.Nanosecond() = %v, want %v", got, 0)
		}
	}
	if m.Genre != "" && !slices.Contains(Genres, m.Genre) {
		t.Fatalf("unknown genre %q", m.Genre)
	}
	if !slices.Contains(Categories, m.Category) {
		t.Fatalf("unknown category %q", m.Category)
	}
}

func FuzzDetect(f *testing.F) {
	for _, c := range detectCases {
		f.Add(c.title, c.text)
	}
	f.Add("", "\xff\xfe\x00\n\r\n（\n第号令\n〔〕号\n二〇〇〇年二月三十日")
	f.Add("\x80", "国务院令\n第号\n——\n（）")
	f.Fuzz(func(t *testing.T, title, text string) {
		m := Detect(title, strings.Split(text, "\n"))
		checkInvariants(t, m)
		checkInvariants(t, Detect(title, []string{text}))
		checkInvariants(t, Detect(text, nil))
	})
}

// benchText is a typical notice of about 40 paragraphs.
var benchText = func() []string {
	ps := strings.Split(detectCases[0].text, "\n")
	body := slices.Repeat([]string{"各地区、各部门要充分认识做好这项工作的重要意义，加强组织领导，健全工作机制，强化协同配合，务求取得实效，确保各项任务落到实处。"}, 40)
	return slices.Concat(ps[:6], body, ps[6:])
}()

func BenchmarkDetect(b *testing.B) {
	b.Run("notice", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Detect("", benchText)
		}
	})
	b.Run("given-title", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Detect("国务院办公厅关于开展城镇小区配套幼儿园治理工作的通知", benchText)
		}
	})
	many := slices.Repeat([]string{"第一条　本办法所称", ""}, 500_000)
	b.Run("million-paragraphs", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Detect("", many)
		}
	})
}
