package docx

import (
	"bufio"
	"strings"
	"unicode/utf8"
)

// allowed reports whether r may appear in the text of a part: XML 1.0
// characters, less the C0 and C1 controls (tab, line feed and carriage
// return are handled by the callers before they get here).
func allowed(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return false
	case r >= 0xd800 && r <= 0xdfff, r == 0xfffe, r == 0xffff:
		return false
	case r > utf8.MaxRune:
		return false
	}
	return true
}

// writeEscaped writes the allowed characters of s, XML-escaped for both
// character data and attribute values; invalid UTF-8 is dropped.
func writeEscaped(w *bufio.Writer, s string) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			continue // invalid byte (also an encoded lone surrogate)
		}
		if !allowed(r) {
			continue
		}
		switch r {
		case '&':
			w.WriteString("&amp;")
		case '<':
			w.WriteString("&lt;")
		case '>':
			w.WriteString("&gt;")
		case '"':
			w.WriteString("&quot;")
		case '\'':
			w.WriteString("&apos;")
		default:
			w.WriteRune(r)
		}
	}
}

// singleLine turns the tabs and line breaks of s into spaces, for text
// that has no room for them (a document property).
func singleLine(s string) string {
	if !strings.ContainsAny(s, "\t\r\n\u2028\u2029") {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case '\t', '\r', '\n', '\u2028', '\u2029':
			return true
		}
		return false
	}), " ")
}

// writeRun writes s as one run of the given run properties (which may be
// ""), with tabs as w:tab and line breaks (\n, \r\n, \r, U+2028, U+2029)
// as w:br. An empty s writes nothing.
func writeRun(w *bufio.Writer, rPr, s string) {
	if s == "" {
		return
	}
	w.WriteString("<w:r>")
	w.WriteString(rPr)
	open := false
	for len(s) > 0 {
		cut := strings.IndexAny(s, "\t\r\n\u2028\u2029")
		seg := s
		if cut >= 0 {
			seg = s[:cut]
		}
		if seg != "" {
			if !open {
				w.WriteString(`<w:t xml:space="preserve">`)
				open = true
			}
			writeEscaped(w, seg)
		}
		if cut < 0 {
			break
		}
		if open {
			w.WriteString("</w:t>")
			open = false
		}
		r, size := utf8.DecodeRuneInString(s[cut:])
		s = s[cut+size:]
		switch r {
		case '\t':
			w.WriteString("<w:tab/>")
		case '\r':
			s = strings.TrimPrefix(s, "\n")
			w.WriteString("<w:br/>")
		default:
			w.WriteString("<w:br/>")
		}
	}
	if open {
		w.WriteString("</w:t>")
	}
	w.WriteString("</w:r>")
}
