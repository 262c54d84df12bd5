package site

import (
	"html/template"
	"strings"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// renderBodyLimit renders doc as the document page does for a visitor who may
// read a preview of at most limit characters (0: all of it), and returns
// the body HTML, the outline anchors and the number of hidden characters.
func renderBodyLimit(doc *wengao.Document, limit int) (template.HTML, []string, int) {
	v := web.Visibility{Full: limit == 0, Rule: wengao.PreviewRule{Percent: 100, MaxChars: limit}}
	b := renderBody(doc, v)
	var anchors []string
	for _, o := range b.Outline {
		anchors = append(anchors, o.Anchor)
	}
	return b.HTML, anchors, b.Hidden
}

func TestRenderBodyVisibility(t *testing.T) {
	doc := &wengao.Document{
		Body: []string{"一、总体要求", "第一段正文。", "二、重点任务", "第二段正文<秘密>。"},
		Outline: []wengao.OutlineItem{
			{Level: 1, Marker: "一、", Text: "总体要求", Paragraph: 0},
			{Level: 1, Marker: "二、", Text: "重点任务", Paragraph: 2},
		},
	}
	html, anchors, hidden := renderBodyLimit(doc, 0)
	if got := hidden; got != 0 {
		t.Errorf("full: hidden = %v, want %v", got, 0)
	}
	if got := len(anchors); got != 2 {
		t.Fatalf("full: len(anchors) = %v, want %v", got, 2)
	}
	if !strings.Contains(string(html), "第二段正文&lt;秘密&gt;。") {
		t.Errorf("full: %s %v %d (want strings.Contains(string(html), \"第二段正文&lt;秘密&gt;。\"))", html, anchors, hidden)
	}
	html, anchors, hidden = renderBodyLimit(doc, 12)
	if got := hidden; got != 16 {
		t.Errorf("cut: hidden = %v, want %v", got, 16)
	}
	if got := len(anchors); got != 1 {
		t.Fatalf("cut: len(anchors) = %v, want %v", got, 1)
	}
	if strings.Contains(string(html), "第二段") {
		t.Errorf("cut: %s %v %d (want not strings.Contains(string(html), \"第二段\"))", html, anchors, hidden)
	}
	if strings.Contains(string(html), "重点任务") {
		t.Errorf("cut: %s %v %d (want not strings.Contains(string(html), \"重点任务\"))", html, anchors, hidden)
	}
}
