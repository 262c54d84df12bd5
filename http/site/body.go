package site

import (
	"html"
	"html/template"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/gongwen"
	"github.com/wengao/wengao/http/web"
)

// renderedBody is a document's text as HTML, cut to what the visitor may
// read, with the outline items that point into the visible part.
type renderedBody struct {
	HTML    template.HTML
	Outline []outlineLink
	// Hidden is the number of characters left out.
	Hidden int
}

// outlineLink is one outline entry linking to its paragraph.
type outlineLink struct {
	Level  int
	Marker string
	Text   string
	Anchor string
}

// headingRunesMax is the longest paragraph shown whole as a heading;
// longer heading paragraphs are run-in headings, whose first sentence is
// set in bold.
const headingRunesMax = 40

// renderBody renders the text of doc as the visitor may see it: each
// paragraph escaped, in an element whose id the outline links to;
// headings of the outline as h2–h4 (by level) or, when the heading runs
// into its text, with the heading in bold. The parts of a 公文 that
// package gongwen finds are laid out as printed (GB/T 9704): the lines
// repeating the title are left out (the page's h1 is the title), the
// 发文字号 is centred, the 主送机关 flush left, the 附件说明, 落款, 成文日期
// and 附注 in their places. Only the paragraphs that v allows are
// rendered, and the parts are looked for in them alone, so that text a
// visitor may not read never leaves the server, not even through the
// layout.
func renderBody(doc *wengao.Document, v web.Visibility) renderedBody {
	body, full := v.Visible(doc.Body)
	shown := len(body)
	headings := make(map[int]int, len(doc.Outline)) // paragraph → level
	var out renderedBody
	for _, it := range doc.Outline {
		if it.Paragraph < 0 || it.Paragraph >= shown {
			continue
		}
		if _, dup := headings[it.Paragraph]; dup {
			continue
		}
		headings[it.Paragraph] = it.Level
		out.Outline = append(out.Outline, outlineLink{Level: it.Level, Marker: it.Marker, Text: it.Text, Anchor: wengao.ParagraphAnchor(it.Paragraph)})
	}
	layout := gongwen.Structure(doc.Title, body)
	if !full {
		// The 落款 ends the whole text: a preview's last lines are not it.
		layout.Attachments, layout.Signature, layout.Date, layout.Note = nil, nil, -1, -1
	}
	var b strings.Builder
	size := 0
	for _, p := range body {
		size += len(p) + 24
	}
	b.Grow(size + size/8)
	prev := gongwen.RoleBody
	for i, p := range body {
		p = strings.TrimSpace(p)
		id := wengao.ParagraphAnchor(i)
		role := layout.Role(i)
		level, isHeading := headings[i]
		class := ""
		switch role {
		case gongwen.RoleTitle:
			continue
		case gongwen.RoleDocNumber:
			class = "gw-docno"
		case gongwen.RoleAddressee:
			class = "gw-to"
		case gongwen.RoleAttachment:
			class = "gw-attach"
			if prev == gongwen.RoleAttachment {
				class += " gw-attach-more"
			}
		case gongwen.RoleSignature:
			class = "gw-sign"
		case gongwen.RoleDate:
			class = "gw-date"
			if prev != gongwen.RoleSignature {
				class += " gw-sign-first"
			}
		case gongwen.RoleNote:
			class = "gw-note"
		}
		if role == gongwen.RoleSignature && prev != gongwen.RoleSignature {
			class += " gw-sign-first"
		}
		prev = role
		switch {
		case class != "":
			b.WriteString(`<p id="` + id + `" class="` + class + `">`)
			b.WriteString(html.EscapeString(p))
			b.WriteString("</p>\n")
		case isHeading && isWholeHeading(p):
			tag := "h" + strconv.Itoa(min(level+1, 4))
			b.WriteString(`<` + tag + ` id="` + id + `" class="hd hd` + strconv.Itoa(min(level, 4)) + `">`)
			b.WriteString(html.EscapeString(p))
			b.WriteString(`</` + tag + ">\n")
		case isHeading:
			lead, rest := splitRunIn(p)
			b.WriteString(`<p id="` + id + `" class="runin"><strong>`)
			b.WriteString(html.EscapeString(lead))
			b.WriteString(`</strong>`)
			b.WriteString(html.EscapeString(rest))
			b.WriteString("</p>\n")
		default:
			b.WriteString(`<p id="` + id + `">`)
			b.WriteString(html.EscapeString(p))
			b.WriteString("</p>\n")
		}
	}
	out.HTML = template.HTML(b.String())
	if !full {
		out.Hidden = max(wengao.BodyChars(doc.Body)-wengao.BodyChars(body), 1)
	}
	return out
}

// isWholeHeading reports whether a heading paragraph is a heading only:
// short, with no sentence ending before its last character.
func isWholeHeading(p string) bool {
	if utf8.RuneCountInString(p) > headingRunesMax {
		return false
	}
	i := strings.IndexAny(p, "。！？；：")
	return i < 0 || i+len("。") >= len(p)
}

// splitRunIn splits a run-in heading paragraph after its first sentence
// ("（一）加强组织领导。" | "各地要…"), or after its first
// headingRunesMax characters when no sentence ends sooner.
func splitRunIn(p string) (lead, rest string) {
	n := 0
	for i, r := range p {
		n++
		if strings.ContainsRune("。！？；：", r) {
			end := i + utf8.RuneLen(r)
			return p[:end], p[end:]
		}
		if n == headingRunesMax {
			break
		}
	}
	// No sentence end near the start: bold the marker alone.
	for i, r := range p {
		if r == '、' || r == '）' || r == ')' || r == '.' || r == '．' || r == ' ' || r == '\u3000' {
			end := i + utf8.RuneLen(r)
			return p[:end], p[end:]
		}
		if i > 24 {
			break
		}
	}
	return "", p
}

// excerpt returns about n characters of the opening of the text of doc
// that v shows, skipping a first paragraph that repeats the title: for
// descriptions.
func excerpt(doc *wengao.Document, v web.Visibility, n int) string {
	body, _ := v.Visible(doc.Body)
	var b strings.Builder
	count := 0
	for i, p := range body {
		p = strings.Join(strings.Fields(p), " ")
		if p == "" || (i == 0 && strings.Contains(doc.Title, p)) {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
			count++
		}
		for _, r := range p {
			if count == n {
				return strings.TrimSpace(b.String()) + "…"
			}
			b.WriteRune(r)
			count++
		}
		if count >= n {
			break
		}
	}
	return b.String()
}
