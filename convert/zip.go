package convert

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"

	"github.com/wengao/wengao"
)

// notDocxError explains why an archive without a Word main part is
// refused: it is a spreadsheet, a presentation, an OpenDocument file or
// some other archive.
func notDocxError(zr *zip.Reader) error {
	switch {
	case findZipFile(zr, "xl/workbook.xml") != nil:
		return errorf(wengao.EINVALID, msgExcel)
	case findZipFile(zr, "ppt/presentation.xml") != nil:
		return errorf(wengao.EINVALID, msgPowerPoint)
	case findZipFile(zr, "content.xml") != nil && findZipFile(zr, "mimetype") != nil:
		return errorf(wengao.EINVALID, msgODF)
	}
	return errorf(wengao.EINVALID, msgZipNotDocx)
}

// openZip opens an archive after checking the entry count its end record
// declares, so that a forged directory is refused before it is read.
func openZip(data []byte, maxEntries int) (*zip.Reader, error) {
	if n, ok := zipDeclaredEntries(data); ok && n > uint64(maxEntries) {
		return nil, errorf(wengao.ETOOLARGE, msgZipEntries)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, errCorrupt()
	}
	if len(zr.File) > maxEntries {
		return nil, errorf(wengao.ETOOLARGE, msgZipEntries)
	}
	return zr, nil
}

// zipDeclaredEntries reads the entry count from the end of central
// directory record (or its zip64 form).
func zipDeclaredEntries(data []byte) (uint64, bool) {
	const eocdLen = 22
	start := max(0, len(data)-eocdLen-0xffff)
	i := bytes.LastIndex(data[start:], []byte("PK\x05\x06"))
	if i < 0 || start+i+eocdLen > len(data) {
		return 0, false
	}
	eocd := data[start+i:]
	n := uint64(binary.LittleEndian.Uint16(eocd[10:]))
	if n != 0xffff {
		return n, true
	}
	// zip64: the locator precedes the end record and points at the
	// zip64 end record, whose count is at offset 32.
	loc := start + i - 20
	if loc < 0 || string(data[loc:loc+4]) != "PK\x06\x07" {
		return 0, false
	}
	off := binary.LittleEndian.Uint64(data[loc+8:])
	if len(data) < 56 || off > uint64(len(data)-56) || string(data[off:off+4]) != "PK\x06\x06" {
		return 0, false
	}
	return binary.LittleEndian.Uint64(data[off+32:]), true
}

// findZipFile returns the first entry named name, or nil.
func findZipFile(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if strings.TrimPrefix(f.Name, "/") == name {
			return f
		}
	}
	return nil
}

// zipBudget counts the bytes that may still be decompressed from one
// archive.
type zipBudget struct {
	left int64
}

// open opens entry f for reading within the budget. Its declared size is
// checked first, and the bytes actually read are counted as well, since
// declared sizes can lie.
func (zb *zipBudget) open(f *zip.File) (io.ReadCloser, error) {
	if f.UncompressedSize64 > uint64(zb.left) {
		return nil, errZipBomb()
	}
	rc, err := f.Open()
	if err != nil {
		return nil, errCorrupt()
	}
	return &budgetReader{rc: rc, zb: zb, declared: int64(f.UncompressedSize64)}, nil
}

// budgetReader reads one archive entry, charging its bytes to a zipBudget.
type budgetReader struct {
	rc       io.ReadCloser
	zb       *zipBudget
	declared int64
	n        int64
}

func (r *budgetReader) Read(p []byte) (int, error) {
	if int64(len(p)) > r.zb.left+1 {
		p = p[:r.zb.left+1]
	}
	n, err := r.rc.Read(p)
	r.n += int64(n)
	r.zb.left -= int64(n)
	switch {
	case r.zb.left < 0:
		return n, errZipBomb()
	case errors.Is(err, zip.ErrFormat):
		// archive/zip refuses an entry that inflates past its declared
		// size: a bomb that lied about its size.
		return n, errZipBomb()
	case err != nil && err != io.EOF:
		return n, errCorrupt()
	}
	return n, err
}

func (r *budgetReader) Close() error { return r.rc.Close() }
