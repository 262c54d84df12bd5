package convert

import (
	"regexp"
	"strings"
)

// Markdown is read lightly: headings (# and underlined), paragraphs
// (consecutive lines), list items, block quotes, code blocks and tables are
// recognised, and inline markup (emphasis, code, links, images) is
// stripped. It is not a CommonMark parser.
var (
	mdATXHeading   = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	mdSetextLine   = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)
	mdFence        = regexp.MustCompile("^ {0,3}(```|~~~)")
	mdRule         = regexp.MustCompile(`^ {0,3}([-*_])(?:[ \t]*[-*_]){2,}[ \t]*$`)
	mdBullet       = regexp.MustCompile(`^[ \t]*[-*+][ \t]+`)
	mdOrdered      = regexp.MustCompile(`^[ \t]*\d{1,9}[.)][ \t]+`)
	mdQuote        = regexp.MustCompile(`^[ \t]*(?:>[ \t]?)+`)
	mdTableSep     = regexp.MustCompile(`^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$`)
	mdImage        = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink         = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdRefLink      = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
	mdLinkDef      = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:[ \t]+\S`)
	mdAutolink     = regexp.MustCompile(`<((?:https?|mailto):[^>\s]+)>`)
	mdEmphasis     = regexp.MustCompile(`(\*\*|__|~~)(\S(?:.*?\S)?)(\*\*|__|~~)`)
	mdEmphasisOne  = regexp.MustCompile(`(^|[^\w*])[*_](\S(?:[^*_]*?\S)?)[*_]($|[^\w*])`)
	mdInlineCode   = regexp.MustCompile("`+([^`]*)`+")
	mdHTMLComment  = regexp.MustCompile(`<!--.*?-->`)
	mdBackslashEsc = regexp.MustCompile(`\\([\\` + "`" + `*_{}\[\]()#+\-.!|>~])`)
)

// convertMarkdown reads Markdown text.
func convertMarkdown(text string, lim Limits) (*Result, error) {
	c := &collector{max: lim.MaxTextBytes}
	var para []string
	flush := func() error {
		if len(para) == 0 {
			return nil
		}
		err := c.add(block{text: stripInlineMarkdown(joinLines(para))})
		para = para[:0]
		return err
	}
	lines := splitLines(text)
	inFence := ""
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if inFence != "" {
			if strings.HasPrefix(strings.TrimSpace(line), inFence) {
				inFence = ""
				continue
			}
			if err := c.add(block{text: line}); err != nil {
				return nil, err
			}
			continue
		}
		if m := mdFence.FindStringSubmatch(line); m != nil {
			if err := flush(); err != nil {
				return nil, err
			}
			inFence = m[1]
			continue
		}
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || mdLinkDef.MatchString(line):
			if err := flush(); err != nil {
				return nil, err
			}
			continue
		case mdRule.MatchString(line) && len(para) == 0:
			continue
		}
		if m := mdATXHeading.FindStringSubmatch(line); m != nil {
			if err := flush(); err != nil {
				return nil, err
			}
			if err := c.add(block{text: stripInlineMarkdown(m[2]), heading: true, title: len(m[1]) == 1}); err != nil {
				return nil, err
			}
			continue
		}
		if m := mdSetextLine.FindStringSubmatch(line); m != nil && len(para) > 0 {
			text := stripInlineMarkdown(joinLines(para))
			para = para[:0]
			if err := c.add(block{text: text, heading: true, title: m[1][0] == '='}); err != nil {
				return nil, err
			}
			continue
		}
		if strings.HasPrefix(trimmed, "|") && i+1 < len(lines) && mdTableSep.MatchString(lines[i+1]) || strings.HasPrefix(trimmed, "|") && strings.HasSuffix(trimmed, "|") {
			if err := flush(); err != nil {
				return nil, err
			}
			if !mdTableSep.MatchString(line) {
				if err := c.add(block{text: markdownRow(trimmed)}); err != nil {
					return nil, err
				}
			}
			continue
		}
		if mdTableSep.MatchString(line) && strings.Contains(line, "|") {
			continue
		}
		quoted := mdQuote.ReplaceAllString(line, "")
		if item := mdBullet.FindString(quoted); item != "" || mdOrdered.MatchString(quoted) {
			// A list item starts its own paragraph; the ordered number is
			// kept (it is part of the text in Chinese documents).
			if err := flush(); err != nil {
				return nil, err
			}
			quoted = strings.TrimPrefix(quoted, item)
		}
		para = append(para, strings.TrimSpace(quoted))
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return c.result(FormatMD, ToolGo, "")
}

// markdownRow turns a table row "| a | b |" into "a\tb".
func markdownRow(row string) string {
	row = strings.TrimSuffix(strings.TrimPrefix(row, "|"), "|")
	cells := strings.Split(row, "|")
	for i, cell := range cells {
		cells[i] = stripInlineMarkdown(strings.TrimSpace(cell))
	}
	return strings.Join(cells, "\t")
}

// stripInlineMarkdown removes emphasis, code spans, links and images,
// keeping their text.
func stripInlineMarkdown(s string) string {
	s = mdHTMLComment.ReplaceAllString(s, "")
	s = mdImage.ReplaceAllString(s, "$1")
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdRefLink.ReplaceAllString(s, "$1")
	s = mdAutolink.ReplaceAllString(s, "$1")
	s = mdInlineCode.ReplaceAllString(s, "$1")
	s = mdEmphasis.ReplaceAllString(s, "$2")
	s = mdEmphasisOne.ReplaceAllString(s, "$1$2$3")
	s = mdBackslashEsc.ReplaceAllString(s, "$1")
	return strings.TrimSpace(s)
}
