package neardup

import "strings"

// DocumentText returns the text a document is signed as: its title, then
// each line of its paragraphs (a store may keep the lines of a paragraph
// as paragraphs of their own, and the signature must not change with it).
func DocumentText(title string, paragraphs []string) []string {
	text := make([]string, 0, len(paragraphs)+1)
	text = append(text, strings.TrimSpace(title))
	for _, p := range paragraphs {
		if strings.Contains(p, "\n") {
			text = append(text, strings.Split(p, "\n")...)
		} else {
			text = append(text, p)
		}
	}
	return text
}
