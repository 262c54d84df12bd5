package wengao

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCutPreview(t *testing.T) {
	tests := []struct {
		name  string
		body  []string
		limit int
		want  []string
		full  bool
	}{
		{"fits", []string{"第一段。", "第二段。"}, 10, []string{"第一段。", "第二段。"}, true},
		{"cut at sentence", []string{"一二三。四五六。七八九。"}, 9, []string{"一二三。四五六。"}, false},
		{"closing quote stays", []string{"他说：“好。”然后走了。"}, 9, []string{"他说：“好。”"}, false},
		{"drop paragraph without sentence end", []string{"第一段。", "没有句号的很长的一段文字"}, 8, []string{"第一段。"}, false},
		{"first paragraph hard cut", []string{"没有句号的很长的一段文字"}, 4, []string{"没有句号"}, false},
		{"spaces trimmed", []string{"  一二。  ", "三四。"}, 3, []string{"一二。"}, false},
		{"empty", nil, 5, nil, true},
	}
	for _, tt := range tests {
		got, full := CutPreview(tt.body, tt.limit)
		if got := strings.Join(got, "|"); got != strings.Join(tt.want, "|") {
			t.Errorf("%s: strings.Join(got, \"|\") = %v, want %v", tt.name, got, strings.Join(tt.want, "|"))
		}
		if got := full; got != tt.full {
			t.Errorf("%s: full = %v, want %v", tt.name, got, tt.full)
		}
	}
}

func TestPreviewRuleLimit(t *testing.T) {
	r := PreviewRule{Percent: 30, MaxChars: 1500}
	for _, c := range []struct{ total, want int }{{100, 30}, {10000, 1500}, {1, 1}, {0, 1}} {
		if got := r.Limit(c.total); got != c.want {
			t.Errorf("Limit(%d) = %d, want %d", c.total, got, c.want)
		}
	}
	if (PreviewRule{Percent: 0, MaxChars: 10}).Validate() == nil {
		t.Error("percent 0 accepted")
	}
}

// The preview is a prefix of the text that never holds more than the
// limit, whatever the text.
func FuzzCutPreview(f *testing.F) {
	f.Add("一二三。四五六！\n七八九", 5)
	f.Add("abc. def? ghi", 2)
	f.Fuzz(func(t *testing.T, text string, limit int) {
		if limit < 0 || limit > 1<<16 {
			return
		}
		body := strings.Split(text, "\n")
		shown, full := CutPreview(body, limit)
		if n := BodyChars(shown); n > limit && !(full && n == BodyChars(body)) {
			t.Fatalf("preview of %d chars over limit %d", n, limit)
		}
		for i, p := range shown {
			orig := strings.TrimSpace(body[i])
			if !strings.HasPrefix(orig, p) {
				t.Fatalf("paragraph %d %q is not a prefix of %q", i, p, orig)
			}
			if i < len(shown)-1 && p != orig {
				t.Fatalf("paragraph %d cut before the last", i)
			}
			if !utf8.ValidString(p) && utf8.ValidString(orig) {
				t.Fatalf("cut inside a character")
			}
		}
	})
}
