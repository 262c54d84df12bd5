package convert

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/wengao/wengao"
)

// decodeText decodes plain text: UTF-8 (with or without a BOM), UTF-16
// with a BOM, or else GB18030 (a superset of GBK and GB2312). Content
// with NUL bytes or many control characters is refused as binary.
func decodeText(data []byte) (string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	utf16BOM := len(data) >= 2 && (data[0] == 0xff && data[1] == 0xfe || data[0] == 0xfe && data[1] == 0xff)
	var text string
	switch {
	case utf16BOM:
		out, _, err := transform.Bytes(unicode.BOMOverride(unicode.UTF8.NewDecoder()), data)
		if err != nil || !utf8.Valid(out) {
			return "", errorf(wengao.EINVALID, msgEncoding)
		}
		text = string(out)
	case bytes.IndexByte(data, 0) >= 0:
		return "", errorf(wengao.EINVALID, msgBinary)
	case utf8.Valid(data):
		text = string(data)
	default:
		out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(out) || bytes.ContainsRune(out, utf8.RuneError) {
			return "", errorf(wengao.EINVALID, msgEncoding)
		}
		text = string(out)
	}
	if !mostlyPrintable(text) {
		return "", errorf(wengao.EINVALID, msgBinary)
	}
	return text, nil
}

// mostlyPrintable reports whether at most 1% of the runes of s are control
// characters other than white space.
func mostlyPrintable(s string) bool {
	n, bad := 0, 0
	for _, r := range s {
		n++
		if r == 0 || r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' && r != '\v' || r == 0x7f {
			bad++
		}
	}
	return bad*100 <= n
}

// splitLines splits text into lines, accepting \n, \r\n and \r.
func splitLines(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	return strings.Split(text, "\n")
}

// convertText reads plain text: each non-empty line is a paragraph.
func convertText(text string, lim Limits) (*Result, error) {
	c := &collector{max: lim.MaxTextBytes}
	for _, line := range splitLines(text) {
		line = strings.TrimSpace(strings.ReplaceAll(line, "\f", ""))
		if err := c.add(block{text: line}); err != nil {
			return nil, err
		}
	}
	return c.result(FormatText, ToolGo, "")
}
