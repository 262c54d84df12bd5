package http

import (
	"html/template"

	"github.com/wengao/wengao"
)

// SetSitemapMax sets the most URLs per sitemap, so that tests can reach a
// sitemap index with few documents.
func (s *Server) SetSitemapMax(n int) { s.sitemapMax = n }

// RenderBody renders doc as the document page does for a visitor who may
// read a preview of at most limit characters (0: all of it), and returns
// the body HTML, the outline anchors and the number of hidden characters.
func RenderBody(doc *wengao.Document, limit int) (template.HTML, []string, int) {
	v := visibility{Full: limit == 0, Rule: wengao.PreviewRule{Percent: 100, MaxChars: limit}}
	b := renderBody(doc, v)
	var anchors []string
	for _, o := range b.Outline {
		anchors = append(anchors, o.Anchor)
	}
	return b.HTML, anchors, b.Hidden
}

// IsCrawler exposes isCrawler.
var IsCrawler = isCrawler

// MarkdownHTML exposes markdownHTML.
var MarkdownHTML = markdownHTML
