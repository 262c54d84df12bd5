package gongwen

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// checkFindingsValid checks what every finding must satisfy: a line within
// the paragraphs (0 for the title), a known rule, a message, and a fix
// whose span holds its Old text.
func checkFindingsValid(t *testing.T, ps []string, fs []Finding) {
	t.Helper()
	for _, f := range fs {
		if f.Line < 0 || f.Line > len(ps) {
			t.Fatalf("finding %+v: line out of range [0, %d]", f, len(ps))
		}
		if !slices.Contains(CheckRules, f.Rule) {
			t.Fatalf("finding %+v: unknown rule", f)
		}
		if f.Message == "" {
			t.Fatalf("finding %+v: no message", f)
		}
		if f.Fix != nil {
			if f.Line == 0 {
				t.Fatalf("finding %+v: a fix on the title", f)
			}
			p := ps[f.Line-1]
			if f.Fix.Start < 0 || f.Fix.End < f.Fix.Start || f.Fix.End > len(p) || p[f.Fix.Start:f.Fix.End] != f.Fix.Old {
				t.Fatalf("finding %+v: fix span [%d,%d) does not hold %q in %q", f, f.Fix.Start, f.Fix.End, f.Fix.Old, p)
			}
		}
	}
}

// wellFormed is a notice that follows the conventions throughout.
const wellFormed = `国务院办公厅关于加强基层治理工作的通知
国办发〔2023〕5号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
为进一步加强基层治理工作，经国务院同意，现就有关事项通知如下：
一、总体要求
（一）指导思想。以新时代中国特色社会主义思想为指导，全面贯彻《中华人民共和国宪法》。
（二）基本原则。坚持“以人民为中心”，坚持问题导向。
1.坚持统筹兼顾。加强统筹协调（含跨部门协作）。
2.坚持稳中求进。2024年2月29日前完成摸底。
二、重点任务
（一）加强组织领导。各地区要按照《国务院关于印发某某方案的通知》（国发〔2019〕4号）要求抓好落实。
（二）强化督促检查。具体要求见附件2。
附件：1.基层治理重点任务清单
2.基层治理示范单位名单
国务院办公厅
2023年5月6日
（此件公开发布）`

// checkCases are drafts with the findings Check must give, as
// "line rule" strings in order.
var checkCases = []struct {
	name  string
	title string
	text  string
	want  []string
}{
	{"well-formed notice", "", wellFormed, nil},
	{"well-formed with title given", "国务院办公厅关于加强基层治理工作的通知", wellFormed, nil},
	{"well-formed law", "某某市物业管理条例", `某某市物业管理条例
第一章　总　则
第一条　为了规范物业管理活动，制定本条例。
第二条　本条例适用于本市行政区域内的物业管理活动。
第二章　业主
第三条　业主享有下列权利：
（一）按照物业服务合同的约定，接受物业服务；
（二）提议召开业主大会会议，并就物业管理的有关事项提出建议：
1.制定业主大会议事规则；
2.选举业主委员会。
第四条　业主应当履行下列义务：（一）遵守管理规约；（二）按时交纳物业费；
（三）法律、法规规定的其他义务。`, nil},
	{"level skipped", "", `关于开展专项检查的通知
一、检查范围
（一）重点行业。
（1）危险化学品企业。
（二）重点区域。
1.城乡接合部。`, []string{"4 heading-jump"}},
	{"level skipped where the level is never used", "", `关于开展专项检查的通知
一、检查范围
1.重点行业。
2.重点区域。`, nil},
	{"lower level first", "", `关于开展专项检查的通知
（一）重点行业。
（二）重点区域。
一、工作要求
二、时间安排`, []string{"2 heading-order"}},
	{"gap and repeat", "", `关于开展专项检查的通知
一、检查范围
三、检查方式
（一）自查。
（二）抽查。
（二）督查。
四、工作要求`, []string{"3 heading-number", "6 heading-number"}},
	{"list starting at two", "", `关于开展专项检查的通知
一、检查范围
（二）抽查。
（三）督查。`, []string{"3 heading-number"}},
	{"numbering going on across parts", "", `关于开展专项检查的通知
一、检查范围
（一）自查。
（二）抽查。
二、工作要求
（三）加强领导。
（四）严格督查。`, nil},
	{"items run into the article", "", `某某条例
第一条　下列行为应当禁止： （一）乱扔垃圾； （二）乱贴广告；
（三）占道经营。
第二条　本条例自公布之日起施行。`, nil},
	{"a list run into a paragraph goes on under the next part", "", `关于罪名的意见
一、危害国家安全罪
1．背叛国家罪 2．分裂国家罪 3．武装叛乱罪
二、危害公共安全罪
4．放火罪
5．决水罪`, nil},
	{"article numbers gap and reversal", "", `某某条例
第一条　为了规范管理，制定本条例。
第三条　本条例适用于本市。
第二条　市人民政府负责实施。`, []string{"3 heading-number", "4 heading-number"}},
	{"article item level skipped", "", `某某条例
第一条　业主享有下列权利：
1.接受物业服务；
2.提出建议。
第二条　业主应当履行下列义务：
（一）遵守管理规约；
（二）按时交纳物业费。`, []string{"3 heading-jump"}},
	{"punctuation after numbers", "", `关于开展专项检查的通知
一．检查范围
（一）、重点行业。
1、危险化学品企业。
2、烟花爆竹企业。
（1）.生产企业。
(2)经营企业。
二、工作要求`, []string{"2 heading-punct", "3 heading-punct", "4 heading-punct", "5 heading-punct", "6 heading-punct", "7 heading-punct"}},
	{"two styles of 1.", "", `关于开展专项检查的通知
一、检查范围
1.重点行业。
2.重点区域。
3．重点企业。`, []string{"5 heading-mixed"}},
	{"document number brackets", "", `关于开展专项检查的通知
国办发[2023]5号
各省、自治区、直辖市人民政府：
根据《关于某某的通知》（国发(2019)4号）和国办发【2020】10号文件要求，现通知如下。`, []string{"2 docnum-bracket", "4 docnum-bracket", "4 docnum-bracket"}},
	{"old document numbers cited as issued", "", `关于某某问题的复函
根据京高法（1992）12号、法研〔79〕5号和常务委员会公告（2019）第8号，现答复如下。`, nil},
	{"document number year and serial", "", `关于开展专项检查的通知
国办发〔23〕第05号
各省、自治区、直辖市人民政府：
现通知如下。`, []string{"2 docnum-year", "2 docnum-serial", "2 docnum-serial"}},
	{"document number without 号", "", `关于开展专项检查的通知
国办发〔2023〕5
各省、自治区、直辖市人民政府：`, []string{"2 docnum-serial"}},
	{"dates", "", `关于开展专项检查的通知
请于2023年2月30日前报送，2023年2月29日后不再受理，2024年2月29日召开会议。
检查自2023年05月06日开始，到13月1日结束，4月31日汇总。
国务院办公厅
二〇二三年五月六日`, []string{"2 date-invalid", "2 date-invalid", "3 date-zero", "3 date-invalid", "3 date-invalid", "5 date-chinese"}},
	{"Chinese-numeral dates in the body are left alone", "", `某某条例
（一九九三年十二月二十九日第八届全国人民代表大会常务委员会第五次会议通过）
第一条　为了规范管理，制定本条例。
第二条　本条例自二〇二三年二月三十日起施行。`, []string{"4 date-invalid"}},
	{"paired punctuation", "", `关于开展专项检查的通知
各地要认真学习《关于某某的意见，抓好落实。
各地要坚持“以人民为中心”（含基层】。
要做到“三个到位”。”`, []string{"2 punct-pair", "3 punct-pair", "4 punct-pair"}},
	{"quotation over paragraphs and title over lines", "关于修改《某某市物业管理条例》的决定", `关于修改《某某市物业管理
条例》的决定
一、将第三条修改为：“本市鼓励业主参与物业管理。
“业主应当遵守管理规约。”
二、将第五条修改为：“市人民政府负责实施
（一）制定规划；
（二）组织实施。”`, nil},
	{"title ending in punctuation", "关于开展专项检查的通知。", `关于开展专项检查的通知。
各地要抓好落实。`, []string{"1 title-punct"}},
	{"title not in the text", "关于开展专项检查的通知：", `各地要抓好落实。`, []string{"0 title-punct"}},
	{"title from the first paragraph", "", `关于开展专项检查的通知。
各地要抓好落实。`, []string{"1 title-punct"}},
	{"title closing with a bracket", "关于印发《某某办法（试行）》的通知（第二批）", `各地要抓好落实。`, nil},
	{"attachment not listed", "", `关于开展专项检查的通知
具体要求见附件3，名单见附件2。
附件：1.检查方案
2.检查名单
国务院办公厅
2023年5月6日`, []string{"2 attachment-missing"}},
	{"attachment list below a bare 附件：", "", `关于开展专项检查的通知
一、检查范围
具体要求见附件2。
附件：
1.检查方案
2、检查名单
国务院办公厅
2023年5月6日`, []string{"6 attachment-number"}},
	{"attachment referred to without a list", "", `关于开展专项检查的通知
具体要求详见附件。
国务院办公厅
2023年5月6日`, []string{"2 attachment-missing"}},
	{"attachments labelled after the date", "", `关于开展专项检查的通知
具体要求见附件1，名单见附件2。
国务院办公厅
2023年5月6日
附件1
检查方案
附件2
检查名单`, nil},
	{"an annex of another law", "", `关于某某问题的决定
根据《中华人民共和国香港特别行政区基本法》附件一和基本法附件二的规定，作出如下决定。`, nil},
	{"single attachment numbered", "", `关于开展专项检查的通知
具体要求见附件。
附件：1.检查方案
国务院办公厅
2023年5月6日`, []string{"3 attachment-number"}},
	{"attachments numbered wrongly", "", `关于开展专项检查的通知
具体要求见附件。
附件：1、检查方案
3.检查名单
国务院办公厅
2023年5月6日`, []string{"3 attachment-number", "4 attachment-number"}},
	{"half-width punctuation", "", `关于开展专项检查的通知
各地区,各部门要按照《某某办法(试行)》要求;切实抓好落实。
时间:2023年5月6日。联系电话:010-12345678,邮箱:abc@example.com。
The meeting (in English), starts at 10:30; bring notes.`, []string{"2 punct-halfwidth", "3 punct-halfwidth"}},
}

func TestCheck(t *testing.T) {
	for _, c := range checkCases {
		t.Run(c.name, func(t *testing.T) {
			ps := strings.Split(c.text, "\n")
			fs := Check(c.title, ps)
			checkFindingsValid(t, ps, fs)
			var got []string
			for _, f := range fs {
				got = append(got, fmt.Sprintf("%d %s", f.Line, f.Rule))
			}
			if !slices.Equal(got, c.want) {
				for _, f := range fs {
					t.Logf("line %d %s: %s [%s]", f.Line, f.Rule, f.Message, f.Expected)
				}
				t.Errorf("findings %q, want %q", got, c.want)
			}
		})
	}
}

func TestApplyFixes(t *testing.T) {
	draft := strings.Split(`关于开展专项检查的通知
国办发[2023]第05号
各省、自治区、直辖市人民政府：
一．检查范围
（一）、重点行业,包括危险化学品企业(含仓储)。
1、生产企业。
2、经营企业。
（二）重点区域。根据国发(2019)4号文件，自2023年05月06日开始。
附件：1、检查方案
2.检查名单
国务院办公厅
二〇二三年五月六日`, "\n")
	want := strings.Split(`关于开展专项检查的通知
国办发〔2023〕5号
各省、自治区、直辖市人民政府：
一、检查范围
（一）重点行业，包括危险化学品企业（含仓储）。
1.生产企业。
2.经营企业。
（二）重点区域。根据国发〔2019〕4号文件，自2023年5月6日开始。
附件：1.检查方案
2.检查名单
国务院办公厅
2023年5月6日`, "\n")
	fs := Check("", draft)
	checkFindingsValid(t, draft, fs)
	got := ApplyFixes(draft, fs)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: got %q, want %q", i+1, got[i], want[i])
		}
	}
	if draft[1] != "国办发[2023]第05号" {
		t.Errorf("ApplyFixes changed its input: %q", draft[1])
	}
	// The corrected copy has nothing left to fix.
	for _, f := range Check("", got) {
		if f.Fix != nil {
			t.Errorf("after the fixes: line %d %s: %s", f.Line, f.Rule, f.Message)
		}
	}
}

func TestApplyFixesSkipsStaleAndOverlapping(t *testing.T) {
	ps := []string{"甲,乙", "丙"}
	fs := []Finding{
		{Line: 1, Fix: &Fix{Start: 3, End: 4, Old: ",", New: "，"}},
		{Line: 1, Fix: &Fix{Start: 3, End: 4, Old: ",", New: "、"}}, // overlaps the first
		{Line: 2, Fix: &Fix{Start: 0, End: 3, Old: "丁", New: "戊"}}, // stale: the text changed
		{Line: 3, Fix: &Fix{Start: 0, End: 1, Old: "x", New: "y"}}, // no such line
		{Line: 0, Fix: &Fix{Start: 0, End: 1, Old: "x", New: "y"}}, // the title
		{Line: 1, Fix: &Fix{Start: 5, End: 2, Old: "", New: "y"}},  // a bad span
	}
	got := ApplyFixes(ps, fs)
	want := []string{"甲，乙", "丙"}
	if !slices.Equal(got, want) {
		t.Errorf("ApplyFixes = %q, want %q", got, want)
	}
}

func TestHanNumeral(t *testing.T) {
	for n, want := range map[int]string{1: "一", 10: "十", 11: "十一", 20: "二十", 21: "二十一", 100: "一百", 105: "一百零五", 110: "一百一十", 1001: "一千零一"} {
		if got := hanNumeral(n); got != want {
			t.Errorf("hanNumeral(%d) = %q, want %q", n, got, want)
		}
	}
}

// FuzzCheck checks that Check never fails, that its findings are valid
// (lines within range, fixes that match their text) and that the fixes
// apply.
func FuzzCheck(f *testing.F) {
	for _, c := range checkCases {
		f.Add(c.title, c.text)
	}
	f.Add("", "\ue003 第一条 \xff（（“\n“”》\n附件：1、\n附件3\n国发(20)第0号\n二〇二三年二月三十日")
	f.Fuzz(func(t *testing.T, title, text string) {
		if len(text) > 1<<16 {
			return
		}
		ps := strings.Split(text, "\n")
		fs := Check(title, ps)
		checkFindingsValid(t, ps, fs)
		if len(fs) > maxFindings {
			t.Fatalf("%d findings, more than %d", len(fs), maxFindings)
		}
		if got := ApplyFixes(ps, fs); len(got) != len(ps) {
			t.Fatalf("ApplyFixes gave %d paragraphs, want %d", len(got), len(ps))
		}
	})
}

// benchDraft is a draft of about 5,000 characters with a few findings.
var benchDraft = func() []string {
	ps := strings.Split(wellFormed, "\n")
	body := []string{
		"各地区、各部门要充分认识做好这项工作的重要意义，加强组织领导，健全工作机制,强化协同配合，务求取得实效，确保各项任务落到实处。",
		"（三）完善工作机制。按照《关于某某的意见》（国发〔2019〕4号）要求，于2023年05月06日前建立台账，“一地一策”推进。",
		"1.明确责任分工。各牵头部门要细化任务清单，明确时间表、路线图。",
		"2.加强督促检查。对工作推进不力的地方，及时督促整改。",
	}
	var out []string
	out = append(out, ps[:11]...)
	for len(strings.Join(out, "")) < 3*5000 { // 3 bytes a character
		out = append(out, body...)
	}
	return append(out, ps[11:]...)
}()

func BenchmarkCheck(b *testing.B) {
	b.Run("draft-5000", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(strings.Join(benchDraft, "\n"))))
		for b.Loop() {
			Check("", benchDraft)
		}
	})
	// Hostile input: 64 KB of brackets closed by the wrong mark, which
	// would cost quadratic time without the bound on open marks.
	hostile := []string{strings.Repeat("(", 32<<10) + strings.Repeat("】", 10<<10)}
	b.Run("nested-marks-64k", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(hostile[0])))
		for b.Loop() {
			Check("", hostile)
		}
	})
}

func TestArabicDates(t *testing.T) {
	for s, want := range map[string][]string{
		"于2023年5月6日和7月08日召开": {"2023年5月6日", "7月08日"},
		"12023年5月6日":         nil, // run into other digits
		"第112月3日":            nil,
		"5月123日":             nil,
		"23年5月6日":            {"5月6日"}, // a two-digit year is not the date's
		"月日，5月，6日":           nil,
	} {
		var got []string
		for _, m := range arabicDates(s) {
			got = append(got, s[m[0]:m[1]])
		}
		if !slices.Equal(got, want) {
			t.Errorf("arabicDates(%q) = %q, want %q", s, got, want)
		}
	}
}
