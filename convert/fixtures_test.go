package convert

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"
	"unicode/utf16"
)

// helloPDFContent shows a line of Latin text, long enough not to count as
// a scanned page.
const helloPDFContent = "BT /F1 12 Tf 72 720 Td (This generated PDF has a text layer of one line.) Tj ET"

// minimalPDF writes a one-page PDF with the given content stream, a
// standard Helvetica font and, with image, a small image XObject.
func minimalPDF(content string, image bool) []byte {
	return buildPDF([]byte(content), "", image)
}

// pdfWithStream writes a one-page PDF with a content stream given as it
// is stored, with its filter entries.
func pdfWithStream(stream []byte, filter string) []byte {
	return buildPDF(stream, filter, false)
}

// buildPDF writes a one-page PDF.
func buildPDF(content []byte, filter string, image bool) []byte {
	resources := "/Font << /F1 4 0 R >>"
	if image {
		resources += " /XObject << /Im1 6 0 R >>"
	}
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << " + resources + " >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d %s>>\nstream\n%s\nendstream", len(content), filter, content),
	}
	if image {
		objects = append(objects, "<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream")
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, obj := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, obj)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// makeOLE writes a minimal OLE2 compound file (512-byte sectors: header,
// one FAT sector, one directory sector) whose directory names the given
// empty streams.
func makeOLE(tb testing.TB, streams ...string) []byte {
	tb.Helper()
	if len(streams) > 3 {
		tb.Fatal("makeOLE: at most 3 streams")
	}
	le := binary.LittleEndian
	const (
		free       = 0xffffffff
		endOfChain = 0xfffffffe
		fatSect    = 0xfffffffd
	)
	header := make([]byte, 512)
	copy(header, magicOLE)
	le.PutUint16(header[0x18:], 0x3e)
	le.PutUint16(header[0x1a:], 3)
	le.PutUint16(header[0x1c:], 0xfffe)
	le.PutUint16(header[0x1e:], 9)
	le.PutUint16(header[0x20:], 6)
	le.PutUint32(header[0x2c:], 1) // one FAT sector
	le.PutUint32(header[0x30:], 1) // directory at sector 1
	le.PutUint32(header[0x38:], 4096)
	le.PutUint32(header[0x3c:], endOfChain)
	le.PutUint32(header[0x44:], endOfChain)
	for i := 0; i < 109; i++ {
		le.PutUint32(header[0x4c+4*i:], free)
	}
	le.PutUint32(header[0x4c:], 0) // the FAT is sector 0

	fat := make([]byte, 512)
	for i := 0; i < 128; i++ {
		le.PutUint32(fat[4*i:], free)
	}
	le.PutUint32(fat[0:], fatSect)
	le.PutUint32(fat[4:], endOfChain)

	dir := make([]byte, 512)
	entry := func(i int, name string, typ byte, child, right uint32) {
		e := dir[i*128 : (i+1)*128]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			le.PutUint16(e[2*j:], c)
		}
		le.PutUint16(e[0x40:], uint16(2*len(u)+2))
		e[0x42] = typ
		e[0x43] = 1 // black
		le.PutUint32(e[0x44:], free)
		le.PutUint32(e[0x48:], right)
		le.PutUint32(e[0x4c:], child)
		le.PutUint32(e[0x74:], endOfChain)
	}
	entry(0, "Root Entry", 5, 1, free)
	for i, name := range streams {
		right := uint32(free)
		if i+1 < len(streams) {
			right = uint32(i + 2)
		}
		entry(i+1, name, 2, free, right)
	}
	return append(append(header, fat...), dir...)
}

func TestOLEEntryNames(t *testing.T) {
	names, err := oleEntryNames(makeOLE(t, "WordDocument", "1Table"))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(names) != "[Root Entry WordDocument 1Table]" {
		t.Errorf("names = %q", names)
	}
	for _, bad := range [][]byte{nil, []byte(magicOLE), makeOLE(t)[:600]} {
		if _, err := oleEntryNames(bad); err == nil {
			t.Errorf("no error for %d bytes", len(bad))
		}
	}
}
