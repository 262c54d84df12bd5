package copycheck

import (
	"context"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/ingest"
)

// Messages users read.
const (
	msgIndexBuilding = "查重索引正在建立，请稍后再试。"
	msgEmpty         = "文稿没有文字。"
	msgTooLong       = "文稿过长：一次最多查 %d 字。"
	msgNotText       = "文稿不是文本（含有无效编码或控制字符）。"
)

// ValidateDraft returns EINVALID for a draft without text, one that is not
// valid UTF-8 or holds control characters (a binary file), and ETOOLARGE
// for one longer than wengao.MaxDraftChars or wengao.MaxDraftBytes.
func ValidateDraft(text string) error {
	if len(text) > wengao.MaxDraftBytes {
		return wengao.Errorf(wengao.ETOOLARGE, msgTooLong, wengao.MaxDraftChars)
	}
	if !utf8.ValidString(text) {
		return wengao.Errorf(wengao.EINVALID, msgNotText)
	}
	n, control, words := 0, 0, 0
	for _, r := range text {
		n++
		switch {
		case r == '\n' || r == '\r' || r == '\t':
		case unicode.IsControl(r) || r == utf8.RuneError || r == '\uFFFE' || r == '\uFFFF':
			control++
		case !unicode.IsSpace(r):
			words++
		}
	}
	if n > wengao.MaxDraftChars {
		return wengao.Errorf(wengao.ETOOLARGE, msgTooLong, wengao.MaxDraftChars)
	}
	if control > 0 {
		return wengao.Errorf(wengao.EINVALID, msgNotText)
	}
	if words == 0 {
		return wengao.Errorf(wengao.EINVALID, msgEmpty)
	}
	return nil
}

// DraftText returns the text of a draft: "\r\n" and "\r" made "\n".
func DraftText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// DraftFromFile reads an uploaded draft in any upload format (ingest) and
// returns its text: the title, then the paragraphs, one a line. A file of
// more than maxBytes is refused with ETOOLARGE before it is converted.
func DraftFromFile(ctx context.Context, name string, r io.Reader, maxBytes int64) (string, error) {
	if !ingest.Accepts(name) {
		return "", wengao.Errorf(wengao.EINVALID, "不支持的文件类型：请上传 .docx .doc .pdf .txt .md .html 文件。")
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return "", err
	}
	if int64(len(data)) > maxBytes {
		return "", wengao.Errorf(wengao.ETOOLARGE, "文件过大：最多 %d MB。", maxBytes>>20)
	}
	if ingest.IsText(name) && utf8.Valid(data) {
		return DraftText(string(data)), nil // kept line for line
	}
	t, err := ingest.File(ctx, name, strings.NewReader(string(data)), ingest.Options{})
	if err != nil {
		return "", err
	}
	lines := append([]string{t.Meta.Title}, t.Body...)
	return strings.Join(lines, "\n"), nil
}
