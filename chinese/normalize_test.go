package chinese

import (
	"reflect"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"中華人民共和國", "中华人民共和国"},
		{"ＧＢ／Ｔ　９７０４－２０１２", "gb/t 9704-2012"},
		{"GB/T 9704-2012", "gb/t 9704-2012"},
		{"２０２４年", "2024年"},
		{"2024年", "2024年"},
		{"国办发〔2019〕4号", "国办发〔2019〕4号"},
		{"（一）", "(一)"},
		{"ABC abc", "abc abc"},
		{"", ""},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalizeOrigin(t *testing.T) {
	s := "Ａ國ｂ"
	var origin []int
	rs := NormalizeRunes(nil, s, &origin)
	if string(rs) != "a国b" {
		t.Fatalf("got %q", string(rs))
	}
	if !reflect.DeepEqual(origin, []int{0, 3, 6}) {
		t.Fatalf("origin = %v", origin)
	}
}

// Han characters must survive normalisation and tokenising: a search stack
// once silently dropped every Han character after a tokenizer change.
func TestIndexTokensKeepHan(t *testing.T) {
	got := IndexTokens("精细化工，2024年GB/T")
	want := "精细 细化 化工 工 20 02 24 4年 年g gb b t"
	if got != want {
		t.Fatalf("IndexTokens = %q, want %q", got, want)
	}
	if IndexTokens("國務院") != "国务 务院 院" {
		t.Fatalf("traditional not folded: %q", IndexTokens("國務院"))
	}
}

func TestPhraseTokens(t *testing.T) {
	for _, tc := range []struct {
		runs   []string
		want   string
		prefix bool
	}{
		{[]string{"细化工产业发"}, "细化 化工 工产 产业 业发", false},
		{[]string{"党"}, "党", true},
		{[]string{"党委"}, "党委", false},
		{[]string{"国办发", "2019", "4号"}, "国办 办发 发 20 01 19 9 4号", false},
		{[]string{"今年", "4"}, "今年 年 4", true},
	} {
		toks, prefix := PhraseTokens(tc.runs)
		{
			got := strings.Join(toks, " ")
			if got := got; got != tc.want {
				t.Errorf("PhraseTokens(: got = %v, want %v", got, tc.want)
			}
			if got := prefix; got != tc.prefix {
				t.Errorf("PhraseTokens(: prefix = %v, want %v", got, tc.prefix)
			}
		}
	}
}

func TestIsPlain(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"中华人民共和国，第一条（总则）", true},
		{"國務院", false},
		{"GB/T", true}, // ASCII case is folded on the fly
		{"ＧＢ", false},
		{"gb/t 2024年", true},
	} {
		if got := IsPlain(tc.in); got != tc.want {
			t.Errorf("IsPlain(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestSnippetMarksOriginal(t *testing.T) {
	h := NewHighlighter(QueryRuns("國務院 gb"))
	paras := []string{"第一段没有。", "依据ＧＢ标准，由国务院<办公厅>发布。"}
	got := h.Snippet(paras, false, 60)
	want := "依据<mark>ＧＢ</mark>标准，由<mark>国务院</mark>&lt;办公厅&gt;发布。"
	if got != want {
		t.Fatalf("Snippet = %q, want %q", got, want)
	}
	if got := h.Mark("国务院令", true); got != "<mark>国务院</mark>令" {
		t.Fatalf("Mark = %q", got)
	}
}

// benchText is a paragraph of a real government work report, repeated.
var benchText = strings.Repeat("2023年，我国经济总体回升向好，高质量发展扎实推进。国内生产总值超过126万亿元，增长5.2％，增速居世界主要经济体前列。城镇新增就业1244万人，城镇调查失业率平均为5.2％。居民消费价格上涨0.2％。国际收支基本平衡。粮食产量1.39万亿斤，再创历史新高。\n", 50)

func BenchmarkNormalize(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	var dst []rune
	for b.Loop() {
		dst = NormalizeRunes(dst[:0], benchText, nil)
	}
}

// BenchmarkIndexTokens measures what the index spends per document on
// Chinese text: normalisation and bigram tokens (the segmentation step).
func BenchmarkIndexTokens(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	var buf []byte
	var scratch []rune
	for b.Loop() {
		scratch = NormalizeRunes(scratch[:0], benchText, nil)
		buf = AppendTokens(buf[:0], scratch)
	}
}

func BenchmarkSnippet(b *testing.B) {
	paras := strings.Split(benchText, "\n")
	h := NewHighlighter(QueryRuns("粮食产量 历史新高"))
	for _, plain := range []bool{true, false} {
		name := "plain"
		if !plain {
			name = "normalising"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				h.Snippet(paras, plain, 120)
			}
		})
	}
}

func TestQuickPlainAgreesWithIsPlain(t *testing.T) {
	for _, s := range []string{
		"中华人民共和国，第一条（总则）", "國務院", "ＧＢ", "gb/t 2024年", "２０２４年", "Ⅱ类", "乾隆", "头发", "一目瞭然", "于是", "",
		"各单位：\u3000请于2024年3月1日前报送。", "显著", "看著",
	} {
		if quickPlain(s) && !IsPlain(s) {
			t.Errorf("quickPlain(%q) but not IsPlain", s)
		}
	}
	if !quickPlain("中华人民共和国，第一条（总则）。") {
		t.Error("plain Chinese text not recognised")
	}
}
