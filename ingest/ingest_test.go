package ingest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wengao/wengao/convert"
)

func TestAccepts(t *testing.T) {
	for name, want := range map[string]bool{
		"a.docx": true, "a.DOC": true, "dir/b.pdf": true, "c.txt": true, "d.md": true, "e.html": true, "f.HTM": true,
		"g.xlsx": false, "README": false, "h.docx.zip": false, "": false,
	} {
		if got := Accepts(name); got != want {
			t.Errorf("Accepts(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestDropTitle checks that the title is taken off the head of a body,
// also when it is set on several lines or spaced out.
func TestDropTitle(t *testing.T) {
	for _, c := range []struct {
		paras []string
		title string
		want  []string
	}{
		{[]string{"关于春节的通知", "各单位："}, "关于春节的通知", []string{"各单位："}},
		// A title set on three lines, after an attachment label.
		{[]string{"大纲3", "江西省2022年度考试录用公务员", "财政金融类职位", "专业科目考试大纲", "一、考试"},
			"江西省2022年度考试录用公务员财政金融类职位专业科目考试大纲", []string{"大纲3", "一、考试"}},
		// Spacing does not matter.
		{[]string{"工 作 总 结", "正文"}, "工作总结", []string{"正文"}},
		// Not found at the head: kept.
		{[]string{"正文", "更多正文"}, "工作总结", []string{"正文", "更多正文"}},
		// The title is all there is: kept.
		{[]string{"工作总结"}, "工作总结", []string{"工作总结"}},
	} {
		if got := dropTitle(slices.Clone(c.paras), c.title); !reflect.DeepEqual(got, c.want) {
			t.Errorf("dropTitle(%q, %q) = %q, want %q", c.paras, c.title, got, c.want)
		}
	}
}

// TestFromResult checks the title, body, metadata, hash and signature of
// converted files, and the errors of those that do not make a document.
func TestFromResult(t *testing.T) {
	res := &convert.Result{Format: convert.FormatDocx, Title: "上饶市公安局关于体能测评的通知",
		Paragraphs: []string{"上饶市公安局关于体能测评的通知", "", "各位考生：", "请按时参加体能测评。", "上饶市公安局", "2019年7月3日"}}
	text, err := FromResult(res, "sub/通知.docx", false)
	if err != nil {
		t.Fatal(err)
	}
	wantBody := []string{"各位考生：", "请按时参加体能测评。", "上饶市公安局", "2019年7月3日"}
	if !reflect.DeepEqual(text.Body, wantBody) {
		t.Errorf("body %q, want %q", text.Body, wantBody)
	}
	for _, c := range []struct{ what, got, want string }{
		{"title", text.Meta.Title, res.Title},
		{"issuer", text.Meta.Issuer, "上饶市公安局"},
		{"date", text.Meta.Date.Format("2006-01-02"), "2019-07-03"},
		{"format", text.Format, convert.FormatDocx},
		{"hash", text.Hash, TextHash(wantBody)},
	} {
		if c.got != c.want {
			t.Errorf("%s %q, want %q", c.what, c.got, c.want)
		}
	}
	if got := text.Signature; got != Sign(res.Title, wantBody) {
		t.Errorf("signature is not Sign(title, body): text.Signature = %v, want %v", got, Sign(res.Title, wantBody))
	}
	if text.Signature.Empty() {
		t.Errorf("signature is not Sign(title, body) (want not text.Signature.Empty())")
	}

	// No title anywhere: the file name.
	res = &convert.Result{Format: convert.FormatPDF, Paragraphs: []string{"这是一段很长的正文，说明了很多事情，没有标题，也没有落款，只是正文而已。"}}
	{
		text, err := FromResult(res, "a/b/无题.pdf", false)
		if err != nil {
			t.Fatalf("title from the file name: %v", err)
		}
		if got := text.Meta.Title; got != "无题" {
			t.Errorf("title from the file name: text.Meta.Title = %v, want %v", got, "无题")
		}
	}
	// A text file read with its first line as title, even a sentence.
	res = &convert.Result{Format: convert.FormatText, Paragraphs: []string{"# 今天开了一个会。", "会上讲了三件事。"}}
	{
		text, err := FromResult(res, "x.txt", true)
		if err != nil {
			t.Fatalf("text file: %v", err)
		}
		if got := text.Meta.Title; got != "今天开了一个会。" {
			t.Errorf("text file: text.Meta.Title = %v, want %v", got, "今天开了一个会。")
		}
		if !reflect.DeepEqual(text.Body, []string{"会上讲了三件事。"}) {
			t.Errorf("text file: %+v, %v (want reflect.DeepEqual(text.Body, []string{\"会上讲了三件事。\"}))", text, err)
		}
	}

	for _, c := range []struct {
		name      string
		res       *convert.Result
		firstLine bool
		want      error
	}{
		{"no text", &convert.Result{Format: convert.FormatDocx, Paragraphs: []string{" ", ""}}, false, ErrNoText},
		{"empty text file", &convert.Result{Format: convert.FormatText}, true, ErrEmpty},
		{"title line only", &convert.Result{Format: convert.FormatText, Paragraphs: []string{"只有标题"}}, true, ErrNoBody},
	} {
		if _, err := FromResult(c.res, "x.txt", c.firstLine); !errors.Is(err, c.want) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.want)
		}
	}
}

// TestFile reads a file through conversion, and a cancelled one.
func TestFile(t *testing.T) {
	body := "关于做好春节假期安全工作的通知\n\n各单位：\n\n请做好春节假期安全工作。\n"
	text, err := File(context.Background(), "通知.txt", strings.NewReader(body), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := text.Body, []string{"各单位：", "请做好春节假期安全工作。"}; !reflect.DeepEqual(got, want) {
		t.Errorf("body %q, want %q", got, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	{
		_, err := File(ctx, "通知.txt", strings.NewReader(body), Options{})
		if err == nil {
			t.Fatalf("cancelled: err is nil")
		}
		if errors.Is(err, ErrTimeout) {
			t.Errorf("cancelled: err %v, want the cancellation (want not errors.Is(err, ErrTimeout))", err)
		}
	}
}

// TestTextHash checks that the hash is of the sentences, whatever the
// paragraphs and the way 。 is written.
func TestTextHash(t *testing.T) {
	a := TextHash([]string{"第一句。第二句！", "第三句"})
	for _, same := range [][]string{
		{"第一句。", "第二句！第三句"},
		{"第三句", "第二句！ 第一句."},
		{"第一句。第二句！第三句。"},
	} {
		if got := TextHash(same); got != a {
			t.Errorf("TextHash(%q) differs from TextHash of the same sentences", same)
		}
	}
	if TextHash([]string{"第一句。第二句！", "第四句"}) == a {
		t.Error("another text has the same hash")
	}
}
