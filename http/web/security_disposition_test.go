package web

import (
	"mime"
	"strings"
	"testing"
)

// TestSecurityDisposition (issue 16): the Content-Disposition of a
// download with a hostile file name is one attachment header with a
// harmless ASCII name and the real name in filename* (RFC 6266, 5987):
// no quote, CR, LF or path gets through, and a browser reads one file
// name.
func TestSecurityDisposition(t *testing.T) {
	for _, c := range []struct{ attack, name, wantExt string }{
		{"quote ending the parameter", `a"; filename="evil.html`, ""},
		{"header injection", "a\r\nSet-Cookie: x=1.docx", ".docx"},
		{"path traversal", "../../etc/passwd", ""},
		{"Windows path", `C:\Windows\evil.exe`, ".exe"},
		{"Chinese name with quotes", "报告《2024》“终稿”.docx", ".docx"},
		{"markup", "<img src=x onerror=alert(1)>.pdf", ".pdf"},
		{"encoded CRLF", "%0d%0a.txt", ".txt"},
		{"very long name", strings.Repeat("长", 300) + ".docx", ".docx"},
		{"semicolon, space and right-to-left override", "a;b c.docx\u202egpj.exe", ".exe"},
		{"NUL", "a\x00b.docx", ".docx"},
	} {
		cd := attachment(c.name)
		if strings.ContainsAny(cd, "\r\n\x00<>\\") {
			t.Errorf("%s: %q holds CR, LF, NUL, markup or a backslash", c.attack, cd)
		}
		disp, params, err := mime.ParseMediaType(cd)
		if err != nil {
			t.Errorf("%s: %q does not parse: %v", c.attack, cd, err)
			continue
		}
		if disp != "attachment" {
			t.Errorf("%s: disposition %q, want attachment", c.attack, disp)
		}
		// mime decodes filename* into filename when it is there.
		name := params["filename"]
		if strings.ContainsAny(name, `/\"`) || strings.Contains(name, "..") && strings.Contains(name, "/") {
			t.Errorf("%s: file name %q names a path or holds a quote", c.attack, name)
		}
		if n := strings.Count(cd, "filename="); n != 1 {
			t.Errorf("%s: %q has %d filename parameters, want 1", c.attack, cd, n)
		}
		if c.wantExt != "" && !strings.HasSuffix(name, c.wantExt) {
			t.Errorf("%s: file name %q lost its extension %s", c.attack, name, c.wantExt)
		}
	}
}
