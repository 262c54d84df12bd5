package site

import (
	"html"
	"html/template"
	"regexp"
	"strings"
)

// markdownHTML renders the small part of Markdown that the about page's
// attribution text uses: headings, paragraphs, pipe tables, inline code,
// bold and links with http(s) targets. Everything else is shown as text;
// all text is escaped.
func markdownHTML(md string) template.HTML {
	var b strings.Builder
	lines := strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n")
	var para []string
	flush := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + markdownInline(strings.Join(para, " ")) + "</p>\n")
			para = nil
		}
	}
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "#"):
			flush()
			level := len(line) - len(strings.TrimLeft(line, "#"))
			// The page has its own h1; the text's headings start at h2.
			tag := "h" + string(rune('0'+min(level+1, 6)))
			b.WriteString("<" + tag + ">" + markdownInline(strings.TrimSpace(line[level:])) + "</" + tag + ">\n")
		case strings.HasPrefix(line, "|"):
			flush()
			var rows [][]string
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
				row := strings.Split(strings.Trim(strings.TrimSpace(lines[i]), "|"), "|")
				for j := range row {
					row[j] = strings.TrimSpace(row[j])
				}
				rows = append(rows, row)
			}
			i--
			b.WriteString(`<div class="table-wrap"><table>` + "\n")
			for r, row := range rows {
				if r == 1 && isTableRule(row) {
					continue
				}
				cell := "td"
				if r == 0 && len(rows) > 1 && isTableRule(rows[1]) {
					cell = "th"
				}
				b.WriteString("<tr>")
				for _, c := range row {
					b.WriteString("<" + cell + ">" + markdownInline(c) + "</" + cell + ">")
				}
				b.WriteString("</tr>\n")
			}
			b.WriteString("</table></div>\n")
		default:
			para = append(para, line)
		}
	}
	flush()
	return template.HTML(b.String())
}

func isTableRule(row []string) bool {
	for _, c := range row {
		if strings.Trim(c, "-: ") != "" {
			return false
		}
	}
	return true
}

var (
	mdLink = regexp.MustCompile(`\[([^\]]+)\]\((https?://[^)\s]+)\)`)
	mdCode = regexp.MustCompile("`([^`]+)`")
	mdBold = regexp.MustCompile(`\*\*([^*]+)\*\*`)
)

// markdownInline escapes s and renders its links, code and bold text.
// Escaping first keeps every character of the source inert; the patterns
// then only add elements around escaped text.
func markdownInline(s string) string {
	s = html.EscapeString(s)
	s = mdCode.ReplaceAllString(s, "<code>$1</code>")
	s = mdBold.ReplaceAllString(s, "<strong>$1</strong>")
	s = mdLink.ReplaceAllStringFunc(s, func(m string) string {
		sub := mdLink.FindStringSubmatch(m)
		return `<a href="` + sub[2] + `" rel="nofollow noopener">` + sub[1] + `</a>`
	})
	return s
}
