package chinese

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sharedtest"
)

// outlineLines renders items as "level paragraph marker text" lines.
func outlineLines(items []wengao.OutlineItem) []string {
	lines := make([]string, len(items))
	for i, it := range items {
		lines[i] = fmt.Sprintf("%d %d %s %s", it.Level, it.Paragraph, it.Marker, it.Text)
	}
	return lines
}

func checkOutline(t *testing.T, paragraphs []string, want []string) {
	t.Helper()
	got := outlineLines(Outline(paragraphs))
	if !slices.Equal(got, want) {
		t.Errorf("outline:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

func TestOutlineWorkReport(t *testing.T) {
	doc := []string{
		"政府工作报告",
		"——2025年3月5日在第十四届全国人民代表大会第三次会议上",
		"国务院总理　李强",
		"各位代表：",
		"现在，我代表国务院，向大会报告政府工作，请予审议。",
		"一、2024年工作回顾",
		"过去一年，我国发展历程很不平凡。国内生产总值增长5%。",
		"一是宏观调控稳中有进。加力实施存量政策，推出一揽子增量政策。",
		"二是改革开放持续深化。推动党的二十届三中全会部署的重大改革举措落地。",
		"二、2025年经济社会发展总体要求和政策取向",
		"今年是“十四五”规划收官之年。主要预期目标是：国内生产总值增长5%左右。",
		"1.5亿元以上的项目要加快推进。",
		"2024.1数据显示，开局良好。",
		"三、2025年政府工作任务",
		"（一）大力提振消费、提高投资效益，全方位扩大国内需求。促进消费和投资更好结合，加快补上内需特别是消费短板。",
		"1.实施提振消费专项行动。制定提升消费能力、增加优质供给、改善消费环境专项措施。",
		"（1）推动汽车以旧换新。安排超长期特别国债3000亿元。",
		"（2）扩大服务消费。",
		"2.积极扩大有效投资。",
		"（二）因地制宜发展新质生产力，加快建设现代化产业体系。推动科技创新和产业创新融合发展。",
		"1.培育壮大新兴产业、未来产业。",
		"2.推动传统产业改造提升。",
		"各位代表！让我们更加紧密地团结在以习近平同志为核心的党中央周围，砥砺奋进。",
	}
	checkOutline(t, doc, []string{
		"1 5 一、 2024年工作回顾",
		"1 9 二、 2025年经济社会发展总体要求和政策取向",
		"1 13 三、 2025年政府工作任务",
		"2 14 （一） 大力提振消费、提高投资效益，全方位扩大国内需求",
		"3 15 1. 实施提振消费专项行动",
		"4 16 （1） 推动汽车以旧换新",
		"4 17 （2） 扩大服务消费",
		"3 18 2. 积极扩大有效投资",
		"2 19 （二） 因地制宜发展新质生产力，加快建设现代化产业体系",
		"3 20 1. 培育壮大新兴产业、未来产业",
		"3 21 2. 推动传统产业改造提升",
	})
}

func TestOutlineLaw(t *testing.T) {
	doc := []string{
		"中华人民共和国示例法",
		"（2024年6月28日第十四届全国人民代表大会常务委员会第十次会议通过）",
		"目　　录",
		"第一章　总　　则",
		"第二章　管理制度",
		"　　第一节　一般规定",
		"　　第二节　特别规定",
		"第三章　附　　则",
		"第一章　总　　则",
		"第一条　为了规范示例管理，制定本法。",
		"第二条　本法所称示例，包括：",
		"（一）甲类示例；",
		"（二）乙类示例。",
		"第二章　管理制度",
		"第一节　一般规定",
		"第三条　国家建立示例管理制度。",
		"1.登记；",
		"2.备案。",
		"第二节　特别规定",
		"第四条　特别示例的管理办法由国务院规定。",
		"第三章　附　　则",
		"第五条　本法自2025年1月1日起施行。",
	}
	checkOutline(t, doc, []string{
		"1 8 第一章 总则",
		"1 13 第二章 管理制度",
		"2 14 第一节 一般规定",
		"2 18 第二节 特别规定",
		"1 20 第三章 附则",
	})

	// The same without chapters: the articles are the outline, the items
	// of the articles are not.
	var flat []string
	for _, p := range doc[9:] {
		if strings.HasPrefix(p, "第") && !strings.Contains(p[:12], "条") {
			continue
		}
		flat = append(flat, p)
	}
	checkOutline(t, flat, []string{
		"1 0 第一条 为了规范示例管理，制定本法",
		"1 1 第二条 本法所称示例，包括",
		"1 4 第三条 国家建立示例管理制度",
		"1 7 第四条 特别示例的管理办法由国务院规定",
		"1 8 第五条 本法自2025年1月1日起施行",
	})
}

func TestOutlineStateCouncil(t *testing.T) {
	doc := []string{
		"国务院办公厅关于加强示例工作的意见",
		"国办发〔2024〕12号",
		"各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
		"为加强示例工作，经国务院同意，现提出如下意见。",
		"一、总体要求",
		"以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神。",
		"二、重点任务",
		"（一）加强组织领导。各地要把示例工作摆上重要日程，主要负责同志亲自抓。",
		"（二）强化政策支持：加大财政投入，落实税收优惠。",
		"（三）完善工作机制（牵头单位：发展改革委；参与单位：财政部）。建立部门协同机制。",
		"(四)  推进 数字化 转型。",
		"三、保障措施",
		"（一）加强督促检查！国务院办公厅将适时开展督查。",
		"（二）建立健全覆盖全国、统一规范、上下联动、资源共享、安全可靠的示例工作信息平台和数据共享交换体系，实现互联互通。",
		"国务院办公厅",
		"2024年5月6日",
		"（此件公开发布）",
	}
	checkOutline(t, doc, []string{
		"1 4 一、 总体要求",
		"1 6 二、 重点任务",
		"2 7 （一） 加强组织领导",
		"2 8 （二） 强化政策支持",
		"2 9 （三） 完善工作机制（牵头单位：发展改革委；参与单位：财政部）",
		"2 10 (四) 推进数字化转型",
		"1 11 三、 保障措施",
		"2 12 （一） 加强督促检查",
		"2 13 （二） 建立健全覆盖全国、统一规范、上下联动、资源共享、安全可靠的示例工作信息平台和数据…",
	})
}

// The speech of shared/seed/page.txt, shortened: 一是… paragraphs
// are not headings, "一、立足政协职能…" is.
func TestOutlineSpeech(t *testing.T) {
	doc := []string{
		"在市政协十四届七次常委会议上的讲话",
		"营口市政协主席 李红莉",
		"(2023年6月28日)",
		"这次围绕“推进我市精细化工产业发展”建言献策的常委会议,经过大家的共同努力,至此圆满完成了各项议程。",
		"与往届常委会议相比,本次会议体现了连续性、高起点、深层次、精准化的特点:",
		"一是连续性聚焦。2021年,按照李强书记的指示精神,市政协委托省政协出面邀请省内专家。",
		"二是高起点推进。按照惯例,市政协常委会议的主题多数相对宏观。",
		"三是深层次研讨。为帮助各调研组打开思路、拓宽视野。",
		"四是精准化献策。为确保常委会议主题鲜明、有的放矢。",
		"下面,我就贯彻本次会议精神和下半年政协工作再强调两点意见:",
		"一、立足政协职能,继续助推“精细化工产业”高质量发展",
		"聚力聚焦市委、市政府中心工作协商议政、建言献策,是人民政协的职责所在、使命所在。",
	}
	checkOutline(t, doc, []string{
		"1 10 一、 立足政协职能,继续助推“精细化工产业”高质量发展",
	})
}

// The full page as scraped, when the shared seed is there.
func TestOutlineSeedPage(t *testing.T) {
	data, err := os.ReadFile(sharedtest.Path(t, "seed/page.txt"))
	if err != nil {
		t.Fatal(err)
	}
	paragraphs := strings.Split(string(data), "\n")
	items := Outline(paragraphs)
	var top []string
	for _, it := range items {
		if strings.HasPrefix(strings.TrimSpace(paragraphs[it.Paragraph]), "一是") {
			t.Errorf("一是 paragraph taken as a heading: %+v", it)
		}
		if it.Level == 1 {
			top = append(top, it.Marker+it.Text)
		}
	}
	// The page ends with numbered lists of links (推荐阅读), which are
	// numbered paragraphs too; the speech's own structure is the one 一、.
	if want := []string{"一、立足政协职能,继续助推“精细化工产业”高质量发展"}; !slices.Equal(top, want) {
		t.Errorf("level 1 = %q, want %q", top, want)
	}
}

func readFixture(t testing.TB, name string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "outline", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(data), "\n"), "\n")
}

// Real documents of the corpus (see testdata/outline/README.md).
func TestOutlineFixtures(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"law-af0d32e633e7.txt", []string{ // 海关关衔条例: chapters; the （一） items of articles are left out
			"1 1 第一章 总则",
			"1 9 第二章 关衔等级的设置",
			"1 27 第三章 关衔的授予",
			"1 35 第四章 关衔的晋级",
			"1 44 第五章 关衔的保留、降级、取消",
			"1 52 第六章 附则",
		}},
		{"law-bae9551f9146.txt", []string{ // 北川羌族自治县立法条例: chapters and sections
			"1 2 第一章 总则",
			"1 8 第二章 立法权限",
			"1 23 第三章 立法准备",
			"2 24 第一节 立法规划、立法计划、立法项目",
			"2 38 第二节 自治条例案、单行条例案的起草",
			"1 48 第四章 立法程序",
			"2 49 第一节 自治条例案、单行条例案的提出",
			"2 59 第二节 自治条例案、单行条例案的审议及通过",
			"1 69 第五章 自治条例、单行条例的报批、公布及解释",
			"1 82 第六章 其他规定",
		}},
		{"gov-6032948a88f5.txt", []string{ // 一、 then 1. directly
			"1 5 一、 总体要求",
			"1 7 二、 工作任务",
			"2 8 1. 城镇小区严格依标配建幼儿园",
			"2 9 2. 确保小区配套幼儿园如期移交",
			"2 10 3. 规范小区配套幼儿园使用",
			"1 11 三、 工作措施",
			"2 12 1. 摸底排查",
			"2 13 2. 全面整改",
			"2 14 3. 监督评估",
			"1 15 四、 组织实施",
			"2 16 1. 建立治理工作协调机制",
			"2 17 2. 落实治理责任分工",
			"2 18 3. 加强治理工作保障",
		}},
		{"gov-4840e2ef5ea7.txt", []string{ // run-in （一） headings
			"1 10 一、 总体要求",
			"2 11 （一） 指导思想",
			"2 13 （二） 基本原则",
			"3 14 1. 问题导向",
			"3 15 2. 开放融合",
			"3 16 3. 集约节约",
			"3 17 4. 平稳有序",
			"2 18 （三） 工作目标",
			"1 20 二、 试点范围",
			"1 22 三、 试点任务",
			"2 24 （一） 建设集约化平台",
			"2 25 （二） 形成标准规范",
			"2 26 （三） 构建信息资源库",
			"2 27 （四） 提供一体化服务",
			"2 28 （五） 强化安全保障",
			"1 29 四、 工作进度",
			"2 30 （一） 制定实施方案",
			"2 31 （二） 组织开展试点",
			"2 32 （三） 总结经验做法",
			"1 33 五、 保障措施",
			"2 34 （一） 加强组织领导",
			"2 35 （二） 强化运维保障",
			"2 36 （三） 开展考核评估",
		}},
		{"gov-238a8c0abbd7.txt", []string{ // 一、（一）1.; a paragraph "（1）…；（2）…" alone is no list
			"1 12 一、 清理整顿工作的指导思想",
			"1 14 二、 清理整顿的原则",
			"2 15 （一） “双重”负责的原则",
			"2 17 （二） 从严的原则",
			"2 19 （三） 统一归口登记的原则",
			"1 21 三、 清理整顿工作的主要内容",
			"2 23 （一） 清理整顿的重点",
			"3 25 1. 对党的政策和国家有关法律法规的贯彻执行情况，秘书长以上负责人的政治和有关方面情况",
			"3 26 2. 社会团体的重大业务活动，特别是涉及政治、经济、理论等方面学术交流活动的情况",
			"3 27 3. 接受境外资助、捐赠等情况",
			"3 28 4. 参加国际民间组织情况",
			"3 29 5. 财务活动和向社会集资等情况",
			"2 30 （二） 符合下列要求的社会团体予以保留",
			"3 31 1. 遵守国家法律法规和有关政策规定，依照章程开展活动",
			"3 32 2. 有规范的名称",
			"3 33 3. 有50个以上的成员（基金会除外）",
			"3 34 4. 有稳定的经费来源和独立的财务帐号",
			"3 35 5. 社会团体的法定代表人由会长（理事长）或《章程》规定的人员担任",
			"3 36 6. 秘书长以上负责人（不含名誉职务）应身体健康，能够坚持正常工作，任期一般不超过两届…",
			"3 37 7. 依照规定办理有关变更登记及机构设置审批手续",
			"3 38 8. 按规定参加并通过年检",
			"3 39 9. 挂靠单位、业务主管部门审查同意（基金会还需中国人民银行审查同意）",
			"3 40 10. 法人社会团体还应具备",
			"2 43 （三） 对存在下列问题的社会团体要进行整改",
			"3 44 1. 未依照章程开展业务活动的",
			"3 45 2. 财务管理混乱、经费收支明显存在问题或经费不足以开展正常业务活动的",
			"3 46 3. 对创办的实体疏于管理、造成严重后果的",
			"3 47 4. 内部管理不善，影响开展正常业务活动的",
			"3 48 5. 未按有关规定办理变更登记或机构设置审批手续的",
			"3 49 6. 未按规定参加年检或未通过年检的",
			"3 50 7. 违反国家有关规定，经营企业或进行变相集资、贷款和拆借资金等活动的基金会",
			"2 51 （四） 对宗旨、业务范围相同相似的社会团体，予以合并",
			"2 52 （五） 对存在下列问题的社会团体予以撤销",
			"3 53 1. 散布资产阶级自由化观点或与境外敌对势力勾结，危害国家安全和社会公共利益的",
			"3 54 2. 严重违法违纪，在社会上造成恶劣影响的",
			"3 55 3. 在规定的时间内未达到整改要求的",
			"2 56 （六） 对未经核准登记，擅自以社会团体名义进行活动的，劝其停止活动",
			"1 57 四、 清理整顿工作的方法、步骤",
			"2 59 （一） 第一阶段为社会团体自查阶段",
			"2 61 （二） 第二阶段为业务主管部门审查阶段",
			"2 64 （三） 第三阶段为登记管理机关审定与换发证书阶段",
			"1 66 五、 清理整顿工作的组织领导",
			"2 68 （一） 各级登记管理机关和业务主管部门要在各级党委和政府领导下，认真履行有关通知规定的职…",
			"2 69 （二） 社会团体数量大、难点问题多、管理工作任务重的地方，可成立清理整顿工作领导小组，协…",
			"2 70 （三） 清理整顿工作结束后，登记管理机关和业务主管部门要做好检查验收",
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			checkOutline(t, readFixture(t, tc.file), tc.want)
		})
	}
}

func TestParseOutlineMarker(t *testing.T) {
	for _, tc := range []struct {
		p            string
		ok           bool
		kind         outlineKind
		n            int
		marker, text string
	}{
		{"一、总体要求", true, kindHanComma, 1, "一、", "总体要求"},
		{"十二、 其他", true, kindHanComma, 12, "十二、", "其他"},
		{"二十一、附则", true, kindHanComma, 21, "二十一、", "附则"},
		{"（一）加强组织领导。各地要…", true, kindHanParen, 1, "（一）", "加强组织领导"},
		{"(十)扩大开放", true, kindHanParen, 10, "(十)", "扩大开放"},
		{"（十一)混合括号", true, kindHanParen, 11, "（十一)", "混合括号"},
		{"1.实施行动", true, kindArabicDot, 1, "1.", "实施行动"},
		{"12．全角点", true, kindArabicDot, 12, "12．", "全角点"},
		{"３、全角数字", true, kindArabicDot, 3, "３、", "全角数字"},
		{"（1）推动", true, kindArabicParen, 1, "（1）", "推动"},
		{"(２)扩大", true, kindArabicParen, 2, "(２)", "扩大"},
		{"①工会学校", true, kindCircled, 1, "①", "工会学校"},
		{"⑳第二十", true, kindCircled, 20, "⑳", "第二十"},
		{"㉑二十一", true, kindCircled, 21, "㉑", "二十一"},
		{"⑶括号数字", true, kindArabicParen, 3, "⑶", "括号数字"},
		{"⒉点数字", true, kindArabicDot, 2, "⒉", "点数字"},
		{"㈢括号汉字", true, kindHanParen, 3, "㈢", "括号汉字"},
		{"第一编 总 则", true, kindBian, 1, "第一编", "总则"},
		{"第二分编　典型合同", true, kindFenbian, 2, "第二分编", "典型合同"},
		{"第十章　附　　则", true, kindZhang, 10, "第十章", "附则"},
		{"第3章 数字章", true, kindZhang, 3, "第3章", "数字章"},
		{"第一章总则", true, kindZhang, 1, "第一章", "总则"},
		{"第一章", true, kindZhang, 1, "第一章", ""},
		{"第二节 走私罪", true, kindJie, 2, "第二节", "走私罪"},
		{"第一百零三条　本法自公布之日起施行。", true, kindTiao, 103, "第一百零三条", "本法自公布之日起施行"},
		{"第31条　第2款的批复", true, kindTiao, 31, "第31条", "第2款的批复"},

		{"一是连续性聚焦。", false, 0, 0, "", ""},
		{"第一，稳定宏观经济政策。", false, 0, 0, "", ""},
		{"第三条规定的期限，可以延长。", false, 0, 0, "", ""},
		{"第一章规定的各项制度，由国务院组织实施。", false, 0, 0, "", ""},
		{"第二款改为第三款", false, 0, 0, "", ""},
		{"1.5亿元以上的项目", false, 0, 0, "", ""},
		{"2024.1数据显示", false, 0, 0, "", ""},
		{"2024年工作回顾", false, 0, 0, "", ""},
		{"1、2月份工业增加值", false, 0, 0, "", ""},
		{"一、二月份工业增加值", false, 0, 0, "", ""},
		{"(2023年6月28日)", false, 0, 0, "", ""},
		{"（此件公开发布）", false, 0, 0, "", ""},
		{"（民政部　一九九七年一月二十八日）", false, 0, 0, "", ""},
		{"1000.元", false, 0, 0, "", ""},
		{"十分重要", false, 0, 0, "", ""},
		{"①列宁：《全俄中央执行委员会会议》，《列宁全集》第26卷，第269页。", false, 0, 0, "", ""},
		{"", false, 0, 0, "", ""},
	} {
		c, ok := parseOutlineMarker(tc.p)
		if ok != tc.ok {
			t.Errorf("parseOutlineMarker(%q) ok = %v, want %v", tc.p, ok, tc.ok)
			continue
		}
		text := headingText(c.rest)
		if ok && (c.kind != tc.kind || c.n != tc.n || c.marker != tc.marker || text != tc.text) {
			t.Errorf("parseOutlineMarker(%q) = kind %d n %d %q %q, want kind %d n %d %q %q",
				tc.p, c.kind, c.n, c.marker, text, tc.kind, tc.n, tc.marker, tc.text)
		}
	}
}

func TestHeadingText(t *testing.T) {
	long := strings.Repeat("加强", 25)
	for _, tc := range []struct{ in, want string }{
		{"总体要求", "总体要求"},
		{"  总体要求  ", "总体要求"},
		{"总　　则", "总则"},
		{"GB 50180 标准", "GB 50180 标准"},
		{"加强组织领导。各地要抓好落实。", "加强组织领导"},
		{"强化政策支持：加大投入", "强化政策支持"},
		{"有何意义？答案是", "有何意义"},
		{"加强督促检查！", "加强督促检查"},
		{"国家机关；", "国家机关"},
		{"会议时间10:30，地点", "会议时间10:30，地点"},
		{"意见如下:一是", "意见如下"},
		{"完善机制（牵头单位：发展改革委）。建立", "完善机制（牵头单位：发展改革委）"},
		{"关于《决定。》的说明。后文", "关于《决定。》的说明"},
		{"大力提振消费，", "大力提振消费"},
		{long, long[:len("加强")*20] + "…"},
		{long + "。后文", long[:len("加强")*20] + "…"},
		{"", ""},
		{"。", ""},
		{"　，、 ；后文", ""},
		{"，（一）", "（一）"},
	} {
		if got := headingText(tc.in); got != tc.want {
			t.Errorf("headingText(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if empty := headingTextEmpty(tc.in); empty != (tc.want == "") {
			t.Errorf("headingTextEmpty(%q) = %v", tc.in, empty)
		}
	}
}

func TestParseHanNumber(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		rest string
	}{
		{"一、", 1, "、"},
		{"十", 10, ""},
		{"十二章", 12, "章"},
		{"二十", 20, ""},
		{"九十九", 99, ""},
		{"一百", 100, ""},
		{"一百零三条", 103, "条"},
		{"一百一十", 110, ""},
		{"二百五十九条", 259, "条"},
		{"一千二百六十", 1260, ""},
		{"一〇三", 103, ""},
		{"两", 2, ""},
		{"章", 0, "章"},
		{strings.Repeat("九", 30), 0, strings.Repeat("九", 30)},
	} {
		n, size := parseHanNumber(tc.s)
		if got := n; got != tc.n {
			t.Errorf("parseHanNumber(: n = %v, want %v", got, tc.n)
		}
		if got := tc.s[size:]; got != tc.rest {
			t.Errorf("parseHanNumber(: tc.s[size:] = %v, want %v", got, tc.rest)
		}
	}
}

func TestOutlinePlausibility(t *testing.T) {
	// A numbering that jumps back or far ahead is body text; a lone "1."
	// is no list; a list may restart at 1 or skip a missed item.
	checkOutline(t, []string{
		"一、第一部分",
		"1.甲项",
		"2.乙项",
		"9.跳得太远",
		"二、第二部分",
		"1.孤零零的一项",
		"三、第三部分",
		"二、回头的编号",
		"五、漏了一项的编号",
		"（一）分项一",
		"（二）分项二",
		"（1）细目一",
		"（2）细目二",
		"①一",
		"②二",
		"（三）",
		"（四）分项四",
	}, []string{
		"1 0 一、 第一部分",
		"2 1 1. 甲项",
		"2 2 2. 乙项",
		"1 4 二、 第二部分",
		"1 6 三、 第三部分",
		"1 8 五、 漏了一项的编号",
		"2 9 （一） 分项一",
		"2 10 （二） 分项二",
		"3 11 （1） 细目一",
		"3 12 （2） 细目二",
		"4 13 ① 一",
		"4 14 ② 二",
		"2 16 （四） 分项四",
	})
}

func TestOutlineChapterTitleOnNextLine(t *testing.T) {
	checkOutline(t, []string{
		"目录",
		"第一章",
		"总则",
		"第二章",
		"附则",
		"第一章",
		"总则",
		"第一条　为了规范管理，制定本条例。",
		"第二章",
		"附则",
		"第二条　本条例自公布之日起施行。",
	}, []string{
		"1 5 第一章 总则",
		"1 8 第二章 附则",
	})
}

func TestOutlineEmpty(t *testing.T) {
	if got := Outline(nil); len(got) != 0 {
		t.Errorf("Outline(nil) = %v", got)
	}
	if got := Outline([]string{"", "　", "正文。"}); len(got) != 0 {
		t.Errorf("Outline(no headings) = %v", got)
	}
}

func FuzzOutline(f *testing.F) {
	f.Add("一、总体要求\n（一）加强领导。各地要…\n1.甲\n2.乙\n（1）丙\n（2）丁\n①戊\n②己")
	f.Add("目录\n第一章 总则\n第一章 总则\n第一条　为了…\n第二条　本法")
	f.Add("第一编 总则\n第一分编 通则\n第一章 一般规定\n第一节 甲\n第一条　乙。")
	f.Add("(2023年6月28日)\n1.5亿\n第\n（\n(一\n一、\n①")
	f.Add("第一百零三条　\n第九九九九九九九九九九九九九九九条 x\n（１）\n⑴\n㈠\n\xff、")
	f.Fuzz(func(t *testing.T, s string) {
		if headingTextEmpty(s) != (headingText(s) == "") {
			t.Fatalf("headingTextEmpty(%q) = %v, headingText = %q", s, headingTextEmpty(s), headingText(s))
		}
		paragraphs := strings.Split(s, "\n")
		items := Outline(paragraphs)
		prevPara, prevLevel := -1, 0
		for _, it := range items {
			if it.Paragraph <= prevPara {
				t.Fatalf("paragraph %d after %d of %d (want not it.Paragraph <= prevPara)", it.Paragraph, prevPara, len(paragraphs))
			}
			if it.Paragraph >= len(paragraphs) {
				t.Fatalf("paragraph %d after %d of %d (want not it.Paragraph >= len(paragraphs))", it.Paragraph, prevPara, len(paragraphs))
			}
			if it.Level < 1 {
				t.Fatalf("level %d after %d (want not it.Level < 1)", it.Level, prevLevel)
			}
			if it.Level > prevLevel+1 {
				t.Fatalf("level %d after %d (want not it.Level > prevLevel+1)", it.Level, prevLevel)
			}
			if it.Marker == "" {
				t.Fatalf("empty marker or text: %+v (want not it.Marker == \"\")", it)
			}
			if it.Text == "" {
				t.Fatalf("empty marker or text: %+v (want not it.Text == \"\")", it)
			}
			if n := utf8.RuneCountInString(it.Text); n > outlineTextMax+1 {
				t.Fatalf("text of %d runes: %q", n, it.Text)
			}
			if !strings.Contains(paragraphs[it.Paragraph], it.Marker) {
				t.Fatalf("marker %q not in paragraph %q", it.Marker, paragraphs[it.Paragraph])
			}
			prevPara, prevLevel = it.Paragraph, it.Level
		}
	})
}

// longLaw builds a law the size of the 民法典: 7 编, 84 章 with 节, 1,260
// articles with enumerated items, and a table of contents.
func longLaw() []string {
	var ps []string
	ps = append(ps, "中华人民共和国示例法典", "（2020年5月28日第十三届全国人民代表大会第三次会议通过）", "目　　录")
	var body []string
	art := 0
	for b := 1; b <= 7; b++ {
		body = append(body, fmt.Sprintf("第%s编　第%d编的标题", hanNumeral(b), b))
		ps = append(ps, body[len(body)-1])
		for z := 1; z <= 12; z++ {
			ch := (b-1)*12 + z
			body = append(body, fmt.Sprintf("第%s章　第%d章的标题", hanNumeral(ch), ch))
			ps = append(ps, body[len(body)-1])
			for j := 1; j <= 3; j++ {
				body = append(body, fmt.Sprintf("第%s节　一般规定", hanNumeral(j)))
				for range 5 {
					art++
					body = append(body,
						fmt.Sprintf("第%s条　民事主体从事民事活动，应当遵循诚信原则，秉持诚实，恪守承诺。有下列情形之一的，依照本法第%d条的规定处理：", hanNumeral(art), art),
						"（一）不能辨认自己行为的；",
						"（二）违反法律、行政法规的强制性规定的；",
						"民事主体从事民事活动，不得违反法律，不得违背公序良俗。")
				}
			}
		}
	}
	return append(ps, body...)
}

// hanNumeral writes n (< 10000) in Chinese numerals.
func hanNumeral(n int) string {
	digits := []rune("零一二三四五六七八九")
	units := []string{"千", "百", "十", ""}
	var b strings.Builder
	zero := false
	for i, p := range []int{1000, 100, 10, 1} {
		d := n / p % 10
		if d == 0 {
			zero = b.Len() > 0
			continue
		}
		if zero {
			b.WriteRune('零')
			zero = false
		}
		if !(d == 1 && p == 10 && b.Len() == 0) {
			b.WriteRune(digits[d])
		}
		b.WriteString(units[i])
	}
	return b.String()
}

func TestLongLaw(t *testing.T) {
	if got := hanNumeral(103); got != "一百零三" {
		t.Errorf("hanNumeral(103) = %q", got)
	}
	if got := hanNumeral(12); got != "十二" {
		t.Errorf("hanNumeral(12) = %q", got)
	}
	items := Outline(longLaw())
	var count [5]int
	for _, it := range items {
		count[it.Level]++
	}
	if got := count[1]; got != 7 {
		t.Errorf("items per level: count[1] = %v, want %v", got, 7)
	}
	if got := count[2]; got != 84 {
		t.Errorf("items per level: count[2] = %v, want %v", got, 84)
	}
	if got := count[3]; got != 252 {
		t.Errorf("items per level: count[3] = %v, want %v", got, 252)
	}
	if got := count[4]; got != 0 {
		t.Errorf("items per level: count[4] = %v, want %v", got, 0)
	}
}

func BenchmarkOutline(b *testing.B) {
	law := longLaw()
	size := 0
	for _, p := range law {
		size += len(p) + 1
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ReportMetric(float64(len(law)), "paragraphs")
	for b.Loop() {
		Outline(law)
	}
}
