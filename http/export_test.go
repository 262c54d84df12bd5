package http

import (
	"html/template"

	"github.com/wengao/wengao"
)

// SetSitemapMax sets the most URLs per sitemap, so that tests can reach a
// sitemap index with few documents.
func (s *Server) SetSitemapMax(n int) { s.sitemapMax = n }

// RenderBody renders doc showing only its first paragraphs (0: all), as
// the document page does for a visitor allowed that much, and returns the
// body HTML and the outline anchors.
func RenderBody(doc *wengao.Document, paragraphs int) (template.HTML, []string, int) {
	b := renderBody(doc, visibility{Paragraphs: paragraphs})
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
