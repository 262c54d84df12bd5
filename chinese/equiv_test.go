package chinese

import (
	"slices"
	"testing"
)

func TestBuiltinAbbreviationsParse(t *testing.T) {
	abbrs := BuiltinAbbreviations()
	if got, want := len(abbrs), 60; got < want {
		t.Fatalf("got %d built-in abbreviations, want at least %d", got, want)
	}
	seen := map[string]bool{}
	for _, a := range abbrs {
		if seen[a.Short] {
			t.Errorf("short form %q listed twice", a.Short)
		}
		seen[a.Short] = true
	}
}

func TestAlternatives(t *testing.T) {
	e := NewEquivalences(BuiltinAbbreviations())
	for _, c := range []struct {
		in   string
		want string // one of the alternatives
	}{
		{"全国人大常委会", "全国人民代表大会常务委员会"},
		{"全国人民代表大会常务委员会", "全国人大常委会"},
		{"广东省人大常委会", "广东省人民代表大会常务委员会"},
		{"最高法", "最高人民法院"},
		{"最高人民检察院", "最高检"},
		{"国家发改委", "国家发展和改革委员会"},
		{"住建部", "住房和城乡建设部"},
		{"人社部", "人力资源和社会保障部"},
		{"市场监管总局", "市场监督管理总局"},
		{"十四五规划", "第十四个五年规划"},
		{"第十四个五年规划", "十四五规划"},
		{"国办", "国务院办公厅"},
		{"第36条", "第三十六条"},
		{"第三十六条", "第36条"},
		{"第14届", "第十四届"},
		{"第110条", "第一百一十条"},
		{"第105条", "第一百零五条"},
		{"2023年", "二〇二三年"},
		{"二○二三年", "2023年"},
		{"2023年5月1日", "二〇二三年五月一日"},
		{"國辦發[2019]4號", "国办发〔2019〕4号"},
		{"国办发(2019)4号", "国办发〔2019〕4号"},
		{"国办发（2019）4号", "国办发〔2019〕4号"},
		{"国办发【2019】4号", "国办发〔2019〕4号"},
		{"国办发〔2019〕4", "国办发〔2019〕4号"},
		{"国办发2019年4号", "国办发〔2019〕4号"},
		{"京政发[2019]3号", "京政发〔2019〕第3号"},
	} {
		got := e.Alternatives(c.in)
		if !slices.Contains(got, c.want) {
			t.Errorf("Alternatives(%q) = %q, want it to hold %q", c.in, got, c.want)
		}
	}
}

func TestAlternativesNone(t *testing.T) {
	e := NewEquivalences(BuiltinAbbreviations())
	for _, in := range []string{"个人大额", "全国办理", "民间借贷", ""} {
		if got := e.Alternatives(in); len(got) != 0 {
			t.Errorf("Alternatives(%q) = %q, want none", in, got)
		}
	}
}

func TestChineseNumbers(t *testing.T) {
	for n, want := range map[int]string{1: "一", 10: "十", 11: "十一", 20: "二十", 36: "三十六", 100: "一百", 105: "一百零五", 110: "一百一十", 1001: "一千零一", 1210: "一千二百一十"} {
		if got := ChineseNumber(n); got != want {
			t.Errorf("ChineseNumber(%d) = %q, want %q", n, got, want)
		}
		if got, ok := ParseChineseNumber(want); !ok || got != n {
			t.Errorf("ParseChineseNumber(%q) = %d, %v, want %d", want, got, ok, n)
		}
	}
	for _, bad := range []string{"", "百", "三三", "十十"} {
		if n, ok := ParseChineseNumber(bad); ok {
			t.Errorf("ParseChineseNumber(%q) = %d, want no number", bad, n)
		}
	}
}

func TestArticleNumber(t *testing.T) {
	for s, want := range map[string]int{"第36条": 36, "第三十六条": 36, "第一百零五条": 105, "第三十六章": 0, "36条": 0} {
		got, _ := ArticleNumber(s)
		if got != want {
			t.Errorf("ArticleNumber(%q) = %d, want %d", s, got, want)
		}
	}
}

func FuzzAlternatives(f *testing.F) {
	e := NewEquivalences(BuiltinAbbreviations())
	for _, s := range []string{"第36条", "国办发[2019]4号", "全国人大常委会", "2023年5月1日"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := e.Alternatives(s); len(got) > maxAlternatives {
			t.Errorf("Alternatives(%q) gave %d forms, want at most %d", s, len(got), maxAlternatives)
		}
	})
}
