package wengao

import (
	"strings"
	"testing"
)

func TestShowSource(t *testing.T) {
	rules := DefaultSourceRules()
	for _, c := range []struct{ source, name, link string }{
		{"sonqyau/Bibliotheca:国家法律法规数据库/法律/法律/中华人民共和国畜牧法.md@9d3056d", "国家法律法规数据库", "https://flk.npc.gov.cn/"},
		{"ZhouYNF/platform-1:db/ge_policy_raw20190217.sql@2197df5 http://www.gov.cn/zhengce/content/2019-02/15/content_5365945.htm", "中国政府网", "http://www.gov.cn/zhengce/content/2019-02/15/content_5365945.htm"},
		{"LawRefBook/Laws:部门规章/人力资源社会保障部/企业职工带薪年休假实施办法(2008-07-17).md@2f4c5c2", "国家规章库", "https://www.gov.cn/zhengce/xxgk/gjgzk/"},
		{"LawRefBook/Laws:案例/劳动人事/加班费的仲裁时效应当如何认定.md@2f4c5c2", "人民法院典型案例", "https://www.court.gov.cn/"},
		{"johncodes404/china-provincial-gov-reports-2026:output/2026_raw_text/2026_上海市_政府工作报告.csv@ad4c815", "省级人民政府工作报告", ""},
		// Not named by a rule: shown as it is, without a provenance.
		{"国务院公报 2019年第5号", "国务院公报 2019年第5号", ""},
		{"someone/repo:path/file.md@abcdef1", "", ""},
		{"someone/repo:path/file.md@abcdef1 https://example.org/a", "example.org", "https://example.org/a"},
		{"", "", ""},
	} {
		name, link := ShowSource(rules, c.source)
		if got := name; got != c.name {
			t.Errorf("ShowSource(: name = %v, want %v", got, c.name)
		}
		if got := link; got != c.link {
			t.Errorf("ShowSource(: link = %v, want %v", got, c.link)
		}
	}
	// The longest prefix wins.
	rules = append(rules, SourceRule{Prefix: "sonqyau/Bibliotheca:国家法律法规数据库/司法解释", Name: "司法解释库"})
	if name, _ := ShowSource(rules, "sonqyau/Bibliotheca:国家法律法规数据库/司法解释/x.md@9d3056d"); name != "司法解释库" {
		t.Errorf("longest prefix: got %q", name)
	}
}

func TestValidateSourceRules(t *testing.T) {
	if err := ValidateSourceRules(DefaultSourceRules()); err != nil {
		t.Errorf("defaults: %v", err)
	}
	for _, bad := range [][]SourceRule{
		{{Prefix: "", Name: "x"}},
		{{Prefix: "a", Name: ""}},
		{{Prefix: "a", Name: "x", URL: "javascript:alert(1)"}},
		{{Prefix: "a", Name: "x"}, {Prefix: "a", Name: "y"}},
		{{Prefix: "a", Name: strings.Repeat("名", 41)}},
	} {
		if err := ValidateSourceRules(bad); ErrorCode(err) != EINVALID {
			t.Errorf("%+v: %v, want EINVALID", bad, err)
		}
	}
}
