package convert

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"unicode"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sharedtest"
)

// requireTool skips the test when an external tool is missing, except in
// CI, where it fails: CI installs antiword and poppler-utils.
func requireTool(tb testing.TB, name string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		sharedtest.Missing(tb, "%s is not installed (apt-get install antiword poppler-utils)", name)
	}
	return path
}

// corpusDir finds the real files of shared/corpus/files:
// $WENGAO_CORPUS_FILES, or a folder "shared" beside one of the parents of
// the package. It skips the test when there is none, except in CI.
func corpusDir(tb testing.TB) string {
	tb.Helper()
	if dir := os.Getenv("WENGAO_CORPUS_FILES"); dir != "" {
		return dir
	}
	return sharedtest.Path(tb, "corpus/files")
}

// convertBytesForTest runs Convert on data.
func convertForTest(tb testing.TB, name string, data []byte, lim Limits) (*Result, error) {
	tb.Helper()
	return Convert(context.Background(), name, bytes.NewReader(data), lim)
}

// mustConvert runs Convert and fails the test on error.
func mustConvert(tb testing.TB, name string, data []byte) *Result {
	tb.Helper()
	res, err := convertForTest(tb, name, data, Limits{})
	if err != nil {
		tb.Fatalf("Convert(%s): %v", name, err)
	}
	return res
}

// assertDomainError checks that err is a *wengao.Error with the code and a
// message in Chinese, and returns the message.
func assertDomainError(tb testing.TB, err error, code string) string {
	tb.Helper()
	var we *wengao.Error
	if !errors.As(err, &we) {
		tb.Fatalf("error %v (%T) is not a *wengao.Error", err, err)
	}
	if we.Code != code {
		tb.Errorf("code = %q (%s), want %q", we.Code, we.Message, code)
	}
	if hanCount(we.Message) < 4 {
		tb.Errorf("message %q is not a Chinese sentence", we.Message)
	}
	return we.Message
}

// hanCount counts the Han characters of s.
func hanCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			n++
		}
	}
	return n
}

// squash removes all white space, for substring comparisons.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// Namespaces for generated documents.
const testNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"`

// zipEntry is one file of a generated archive.
type zipEntry struct {
	name string
	data string
}

// makeZip writes an archive of the entries, deflated.
func makeZip(tb testing.TB, entries ...zipEntry) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e.name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write([]byte(e.data)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// makeDocx writes a minimal .docx around body (the content of w:body),
// with extra parts such as word/styles.xml or word/footnotes.xml.
func makeDocx(tb testing.TB, body string, extra ...zipEntry) []byte {
	tb.Helper()
	entries := []zipEntry{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + testNS + `><w:body>` + body + `</w:body></w:document>`},
	}
	return makeZip(tb, append(entries, extra...)...)
}

// para is a WordprocessingML paragraph of one run.
func para(text string) string {
	return `<w:p><w:r><w:t xml:space="preserve">` + text + `</w:t></w:r></w:p>`
}

// rawZipEntry writes an entry whose compressed data and declared sizes are
// given as they are, so that tests can forge archives.
func rawZipEntry(tb testing.TB, zw *zip.Writer, name string, content []byte, declared uint64) {
	tb.Helper()
	var comp bytes.Buffer
	fw, err := newFlateWriter(&comp)
	if err != nil {
		tb.Fatal(err)
	}
	fw.Write(content)
	fw.Close()
	h := &zip.FileHeader{
		Name:               name,
		Method:             zip.Deflate,
		CRC32:              crc32.ChecksumIEEE(content),
		CompressedSize64:   uint64(comp.Len()),
		UncompressedSize64: declared,
	}
	w, err := zw.CreateRaw(h)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := w.Write(comp.Bytes()); err != nil {
		tb.Fatal(err)
	}
}

// newFlateWriter returns a deflate writer at the best compression.
func newFlateWriter(w io.Writer) (*flate.Writer, error) {
	return flate.NewWriter(w, flate.BestCompression)
}
