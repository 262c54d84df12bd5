package convert

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"flag"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/wengao/wengao"
)

// The hostile and broken files of testdata/malformed are committed; run
//
//	go test ./convert -run TestMalformed -update-malformed
//
// to write them again (encrypted.pdf needs qpdf).
var updateMalformed = flag.Bool("update-malformed", false, "rewrite the files of testdata/malformed")

const malformedDir = "testdata/malformed"

// maxMalformedDirBytes keeps the committed files small.
const maxMalformedDirBytes = 200 << 10

// maxMalformedAlloc bounds the memory that converting one of them may
// allocate in total.
const maxMalformedAlloc = 64 << 20

// malformedCase is one file and the error it must give.
type malformedCase struct {
	file string
	code string
	msg  string // "" for any message
	// goCode and goMsg, when set, are the error of the pure-Go PDF reader.
	goCode, goMsg string
	tool          string // external tool the case needs, or ""
	lim           Limits // limits other than the defaults
	gen           func(tb testing.TB) []byte
}

// docxPrefix opens a document up to the text of a run.
const docxPrefix = `<?xml version="1.0" encoding="UTF-8"?><w:document ` + testNS + `><w:body><w:p><w:r><w:t>`

var malformedCases = []malformedCase{
	{file: "truncated.docx", code: wengao.EINVALID, msg: msgCorrupt, gen: func(tb testing.TB) []byte {
		d := makeDocx(tb, strings.Repeat(para("正文。"), 50))
		return d[:len(d)/2]
	}},
	{file: "bomb.docx", code: wengao.ETOOLARGE, msg: msgZipBomb, gen: func(tb testing.TB) []byte {
		// 16 MB of white space, declared as 1 KB.
		return forgedDocx(tb, []byte(docxPrefix+strings.Repeat(" ", 16<<20)), 1024)
	}},
	{file: "bomb-declared.docx", code: wengao.ETOOLARGE, msg: msgZipBomb, gen: func(tb testing.TB) []byte {
		return forgedDocx(tb, []byte(makeDocxXML(para("正文。"))), 1<<40)
	}},
	{file: "bomb-big.docx", code: wengao.ETOOLARGE, msg: msgZipBomb, lim: Limits{MaxUncompressed: 4 << 20}, gen: func(tb testing.TB) []byte {
		content := []byte(docxPrefix + strings.Repeat(" ", 16<<20))
		return forgedDocx(tb, content, uint64(len(content)))
	}},
	{file: "many-entries.docx", code: wengao.ETOOLARGE, msg: msgZipEntries, lim: Limits{MaxZipEntries: 100}, gen: func(tb testing.TB) []byte {
		entries := []zipEntry{{"word/document.xml", makeDocxXML(para("正文。"))}}
		for i := range 120 {
			entries = append(entries, zipEntry{name: "e/" + string(rune('a'+i%26)) + string(rune('a'+i/26)), data: ""})
		}
		return makeZip(tb, entries...)
	}},
	{file: "forged-count.docx", code: wengao.ETOOLARGE, msg: msgZipEntries, gen: func(tb testing.TB) []byte {
		d := makeDocx(tb, para("正文。"))
		eocd := bytes.LastIndex(d, []byte("PK\x05\x06"))
		binary.LittleEndian.PutUint16(d[eocd+8:], 60000)
		binary.LittleEndian.PutUint16(d[eocd+10:], 60000)
		return d
	}},
	{file: "not-xml.docx", code: wengao.EINVALID, msg: msgMalformedXML, gen: func(tb testing.TB) []byte {
		return makeZip(tb, zipEntry{"word/document.xml", "这不是 XML <<< & >>>"})
	}},
	{file: "truncated-xml.docx", code: wengao.EINVALID, msg: msgMalformedXML, gen: func(tb testing.TB) []byte {
		xml := makeDocxXML(strings.Repeat(para("正文。"), 20))
		return makeZip(tb, zipEntry{"word/document.xml", xml[:len(xml)*2/3]})
	}},
	{file: "deep.docx", code: wengao.ETOOLARGE, msg: msgTooComplex, gen: func(tb testing.TB) []byte {
		return makeZip(tb, zipEntry{"word/document.xml", docxPrefix + strings.Repeat("<w:p>", 100000)})
	}},
	{file: "huge-token.docx", code: wengao.ETOOLARGE, msg: msgTooComplex, gen: func(tb testing.TB) []byte {
		return makeZip(tb, zipEntry{"word/document.xml", docxPrefix + strings.Repeat("字", 2<<20) + "</w:t></w:r></w:p></w:body></w:document>"})
	}},
	{file: "lying.docx", code: wengao.EINVALID, msg: msgUnknownType, gen: func(tb testing.TB) []byte {
		elf := []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00")
		return append(elf, bytes.Repeat([]byte{0, 0x90, 0xc3, 0x48}, 256)...)
	}},
	{file: "encrypted.docx", code: wengao.EINVALID, msg: msgEncrypted, gen: func(tb testing.TB) []byte {
		return makeOLE(tb, "EncryptionInfo", "EncryptedPackage")
	}},
	{file: "spreadsheet.doc", code: wengao.EINVALID, msg: msgExcel, gen: func(tb testing.TB) []byte {
		return makeOLE(tb, "Workbook")
	}},
	{file: "broken-ole.doc", code: wengao.EINVALID, msg: msgCorrupt, gen: func(tb testing.TB) []byte {
		return append([]byte(magicOLE), randomBytes(1, 2000)...)
	}},
	{file: "empty-stream.doc", code: wengao.EINVALID, tool: "antiword", gen: func(tb testing.TB) []byte {
		return makeOLE(tb, "WordDocument", "1Table")
	}},
	{file: "encrypted.pdf", code: wengao.EINVALID, msg: msgEncrypted, tool: "pdftotext", gen: encryptedPDF},
	{file: "scanned.pdf", code: wengao.EINVALID, msg: msgScanned, tool: "pdftotext", gen: func(tb testing.TB) []byte {
		return minimalPDF("q 200 0 0 200 72 500 cm /Im1 Do Q", true)
	}},
	{file: "garbage.pdf", code: wengao.EINVALID, msg: msgCorrupt, tool: "pdftotext", gen: func(tb testing.TB) []byte {
		return append([]byte("%PDF-1.7\n"), randomBytes(2, 4000)...)
	}},
	{file: "cyclic.pdf", code: wengao.EINVALID, msg: msgCorrupt, tool: "pdftotext",
		// The Go reader loops forever in the cycle: the worker is killed.
		goCode: wengao.ETOOLARGE, goMsg: msgTimeout, lim: Limits{ToolTimeout: 2 * time.Second}, gen: func(tb testing.TB) []byte {
			// A page tree whose kid is its own parent.
			p := string(minimalPDF(helloPDFContent, false))
			return []byte(strings.Replace(p, "/Kids [3 0 R]", "/Kids [2 0 R]", 1))
		}},
	{file: "deep.pdf", code: wengao.EINVALID, tool: "pdftotext", gen: func(tb testing.TB) []byte {
		// 20 million nested arrays, compressed: recursive readers
		// overflow their stack, which Go cannot recover from.
		return flatePDF(tb, strings.Repeat("[", 20<<20))
	}},
	{file: "empty.txt", code: wengao.EINVALID, msg: msgEmpty, gen: func(tb testing.TB) []byte { return nil }},
	{file: "blank.txt", code: wengao.EINVALID, msg: msgEmpty, gen: func(tb testing.TB) []byte { return []byte(" \r\n\t\n　\n") }},
	{file: "binary.txt", code: wengao.EINVALID, msg: msgBinary, gen: func(tb testing.TB) []byte { return randomBytes(3, 3000) }},
	{file: "control.txt", code: wengao.EINVALID, msg: msgBinary, gen: func(tb testing.TB) []byte {
		return bytes.Repeat([]byte("\x01\x02\x03\x1b[0m文字"), 100)
	}},
	{file: "bad-encoding.txt", code: wengao.EINVALID, msg: msgEncoding, gen: func(tb testing.TB) []byte {
		return []byte("正常的开头\n\x81\x30\xff\x80 损坏的字节")
	}},
}

// randomBytes returns n reproducible pseudo-random bytes.
func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

// flatePDF writes a one-page PDF whose content stream is compressed.
func flatePDF(tb testing.TB, content string) []byte {
	tb.Helper()
	var comp bytes.Buffer
	zw, err := zlib.NewWriterLevel(&comp, zlib.BestCompression)
	if err != nil {
		tb.Fatal(err)
	}
	zw.Write([]byte(content))
	zw.Close()
	return pdfWithStream(comp.Bytes(), "/Filter /FlateDecode")
}

// forgedDocx writes a .docx whose document part declares the given size.
func forgedDocx(tb testing.TB, content []byte, declared uint64) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	rawZipEntry(tb, zw, "word/document.xml", content, declared)
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// encryptedPDF encrypts a small PDF with a user password using qpdf.
func encryptedPDF(tb testing.TB) []byte {
	tb.Helper()
	qpdf, err := exec.LookPath("qpdf")
	if err != nil {
		tb.Skip("qpdf is not installed; keeping encrypted.pdf")
	}
	dir := tb.TempDir()
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "out.pdf")
	if err := os.WriteFile(in, minimalPDF(helloPDFContent, false), 0o600); err != nil {
		tb.Fatal(err)
	}
	if msg, err := exec.Command(qpdf, "--encrypt", "secret", "owner", "256", "--", in, out).CombinedOutput(); err != nil {
		tb.Fatalf("qpdf: %v: %s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func TestMalformed(t *testing.T) {
	if *updateMalformed {
		writeMalformed(t)
	}
	total := int64(0)
	known := map[string]bool{}
	for _, c := range malformedCases {
		known[c.file] = true
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(malformedDir, c.file))
			if err != nil {
				t.Fatalf("%v (go test -run TestMalformed -update-malformed writes it)", err)
			}
			total += int64(len(data))
			if c.tool != "" {
				requireTool(t, c.tool)
			}
			checkMalformed(t, c, data)
			if strings.HasSuffix(c.file, ".pdf") {
				t.Run("go", func(t *testing.T) {
					withoutPdftotext(t)
					if c.goCode != "" {
						c.code, c.msg = c.goCode, c.goMsg
					}
					checkMalformed(t, c, data)
				})
			}
		})
	}
	entries, err := os.ReadDir(malformedDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !known[e.Name()] {
			t.Errorf("%s has no case in malformedCases", e.Name())
		}
	}
	if total > maxMalformedDirBytes {
		t.Errorf("testdata/malformed holds %d bytes, more than %d", total, maxMalformedDirBytes)
	}
}

// checkMalformed converts one malformed file and checks its error and the
// memory it took.
func checkMalformed(t *testing.T, c malformedCase, data []byte) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res, err := convertForTest(t, c.file, data, c.lim)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatalf("no error; got %d paragraphs: %.200q", len(res.Paragraphs), res.Paragraphs)
	}
	// On a loaded machine (or under the race detector) a slow path may hit
	// the tool time-out first: also a clear refusal.
	if wengao.ErrorCode(err) == wengao.ETOOLARGE && wengao.ErrorMessage(err) == msgTimeout && c.code != wengao.ETOOLARGE {
		t.Logf("%s: timed out before the expected %s error", c.file, c.code)
		return
	}
	msg := assertDomainError(t, err, c.code)
	if c.msg != "" && msg != c.msg {
		t.Errorf("message %q, want %q", msg, c.msg)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > maxMalformedAlloc {
		t.Errorf("allocated %d MB", alloc>>20)
	}
	t.Logf("%s: %s", c.file, msg)
}

// writeMalformed generates the files of testdata/malformed.
func writeMalformed(t *testing.T) {
	if err := os.MkdirAll(malformedDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range malformedCases {
		t.Run("write/"+c.file, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(malformedDir, c.file), c.gen(t), 0o644); err != nil {
				t.Fatal(err)
			}
		})
	}
}
