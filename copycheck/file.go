package copycheck

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"unsafe"
)

// The passage index is kept in one file (Options.Path, in the data
// folder: copycheck.idx), so that a server opens it at start-up instead of
// reading the whole library again, and maps it: memory holds only the
// pages that checks touch.
//
// Layout: a 4 KiB header, then sections, each at a 4 KiB boundary, in
// the machine's byte order (the header says which):
//
//	df       uint32 × 1<<dfBits   document frequency of each shingle (mod the table)
//	slotRow  int64 × slots        slot → store row
//	slotSig  uint64 × slots       slot → textSig of the document indexed
//	alive    byte × slots         slot → 1 when the document is still shown
//	offsets  uint32 × 1<<bits + 1 the table's buckets (table.go)
//	entries  uint32 × entries     the table's entries
//
// The header holds each section's place, length and CRC-32C, and its own
// CRC. A file is written under a temporary name, synced and renamed over
// the old one, so a crash leaves the old file or the new one, never a
// torn one. Opening checks the header, the file's length and the small
// sections; the large ones (df, offsets, entries: gigabytes at a million
// documents) are checked by verify after the index is in use, which a
// damaged table cannot crash (table.lookup) nor lead to a wrong passage
// (every passage is aligned with the document's text from the store).
const (
	fileMagic    = "WGCCIDX\x00"
	fileFormat   = 1
	fileEndian   = 0x01020304
	headerSize   = 4096
	sectionAlign = 4096
	headerFields = 64                            // bytes of fixed fields before the sections
	headerCRCAt  = headerFields + numSections*24 // where the header's own CRC is
	secDF        = 0
	secSlotRow   = 1
	secSlotSig   = 2
	secAlive     = 3
	secOffsets   = 4
	secEntries   = 5
	numSections  = 6
)

// FileName is the name of the index file in a data folder.
const FileName = "copycheck.idx"

var (
	errTableOrder = errors.New("copycheck: table pairs out of order")
	errTableFull  = errors.New("copycheck: table holds more than 2^32 entries")
	// errBadIndex is wrapped by every error telling that an index file
	// is damaged, truncated or of another format (it is then rebuilt).
	errBadIndex = errors.New("copycheck: index file invalid")
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

type fileSection struct {
	Off, Len uint64
	CRC      uint32
}

// fileHeader is what the header of an index file says.
type fileHeader struct {
	DFBits, TableBits uint32
	Slots             uint64
	Entries           uint64
	Docs              uint64 // alive slots
	CatalogVersion    int64  // the store's catalog version indexed (informative)
	Size              uint64 // of the whole file
	Sections          [numSections]fileSection
}

func (h *fileHeader) marshal() []byte {
	b := make([]byte, headerSize)
	ne := binary.NativeEndian
	copy(b, fileMagic)
	ne.PutUint32(b[8:], fileEndian)
	ne.PutUint32(b[12:], fileFormat)
	ne.PutUint32(b[16:], h.DFBits)
	ne.PutUint32(b[20:], h.TableBits)
	ne.PutUint64(b[24:], h.Slots)
	ne.PutUint64(b[32:], h.Entries)
	ne.PutUint64(b[40:], h.Docs)
	ne.PutUint64(b[48:], uint64(h.CatalogVersion))
	ne.PutUint64(b[56:], h.Size)
	for i, s := range h.Sections {
		at := headerFields + 24*i
		ne.PutUint64(b[at:], s.Off)
		ne.PutUint64(b[at+8:], s.Len)
		ne.PutUint32(b[at+16:], s.CRC)
	}
	ne.PutUint32(b[headerCRCAt:], crc32.Checksum(b[:headerCRCAt], castagnoli))
	return b
}

func badIndex(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errBadIndex, fmt.Sprintf(format, args...))
}

// unmarshalHeader reads a header and checks it against the file's size.
func unmarshalHeader(b []byte, size int64) (fileHeader, error) {
	var h fileHeader
	if len(b) < headerSize {
		return h, badIndex("header truncated")
	}
	ne := binary.NativeEndian
	if string(b[:8]) != fileMagic || ne.Uint32(b[8:]) != fileEndian {
		return h, badIndex("not an index file of this machine")
	}
	if v := ne.Uint32(b[12:]); v != fileFormat {
		return h, badIndex("format %d, want %d", v, fileFormat)
	}
	if got, want := crc32.Checksum(b[:headerCRCAt], castagnoli), ne.Uint32(b[headerCRCAt:]); got != want {
		return h, badIndex("header checksum")
	}
	h.DFBits, h.TableBits = ne.Uint32(b[16:]), ne.Uint32(b[20:])
	h.Slots, h.Entries, h.Docs = ne.Uint64(b[24:]), ne.Uint64(b[32:]), ne.Uint64(b[40:])
	h.CatalogVersion, h.Size = int64(ne.Uint64(b[48:])), ne.Uint64(b[56:])
	for i := range h.Sections {
		at := headerFields + 24*i
		h.Sections[i] = fileSection{ne.Uint64(b[at:]), ne.Uint64(b[at+8:]), ne.Uint32(b[at+16:])}
	}
	if h.Size != uint64(size) {
		return h, badIndex("%d bytes, header says %d (truncated?)", size, h.Size)
	}
	if h.DFBits < 8 || h.DFBits > 32 || h.TableBits < 8 || h.TableBits > 30 || h.Slots >= 1<<h.TableBits || h.Docs > h.Slots {
		return h, badIndex("header fields out of range")
	}
	want := [numSections]uint64{
		secDF: 4 << h.DFBits, secSlotRow: 8 * h.Slots, secSlotSig: 8 * h.Slots, secAlive: h.Slots,
		secOffsets: 4 * (1<<h.TableBits + 1), secEntries: 4 * h.Entries,
	}
	for i, s := range h.Sections {
		if s.Len != want[i] || s.Off%sectionAlign != 0 || s.Off < headerSize || s.Off > h.Size || s.Len > h.Size-s.Off {
			return h, badIndex("section %d misplaced", i)
		}
	}
	return h, nil
}

// indexWriter writes an index file under a temporary name; commit
// renames it into place.
type indexWriter struct {
	f    *os.File
	path string
	h    fileHeader
	secs [numSections]*sectionWriter
}

// createIndexFile starts the index file path for a table with the given
// bucket bits, slots and a frequency table of 1<<dfBits counters; the
// entries come last, so their number need not be known yet.
func createIndexFile(path string, dfBits, tableBits uint, slots int) (*indexWriter, error) {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	w := &indexWriter{f: f, path: path}
	w.h.DFBits, w.h.TableBits, w.h.Slots = uint32(dfBits), uint32(tableBits), uint64(slots)
	lens := [numSections]uint64{
		secDF: 4 << dfBits, secSlotRow: 8 * uint64(slots), secSlotSig: 8 * uint64(slots), secAlive: uint64(slots),
		secOffsets: 4 * (1<<tableBits + 1),
	}
	off := uint64(headerSize)
	for i := range w.h.Sections {
		w.h.Sections[i].Off = off
		w.secs[i] = &sectionWriter{f: f, off: int64(off), crc: crc32.New(castagnoli)}
		off = (off + lens[i] + sectionAlign - 1) / sectionAlign * sectionAlign
	}
	return w, nil
}

// section returns the writer of section i, to be written in order.
func (w *indexWriter) section(i int) io.Writer { return w.secs[i] }

// commit completes the header, syncs the file and renames it into place.
func (w *indexWriter) commit(docs int, catalogVersion int64) error {
	defer w.abort()
	for i, s := range w.secs {
		w.h.Sections[i].Len, w.h.Sections[i].CRC = uint64(s.n), s.crc.Sum32()
	}
	w.h.Entries = uint64(w.secs[secEntries].n) / 4
	w.h.Docs, w.h.CatalogVersion = uint64(docs), catalogVersion
	last := w.h.Sections[secEntries]
	w.h.Size = last.Off + last.Len
	hb := w.h.marshal()
	if _, err := unmarshalHeader(hb, int64(w.h.Size)); err != nil {
		return fmt.Errorf("copycheck: writing the index: %w", err)
	}
	if err := w.f.Truncate(int64(w.h.Size)); err != nil {
		return err
	}
	if _, err := w.f.WriteAt(hb, 0); err != nil {
		return err
	}
	if err := w.f.Sync(); err != nil {
		return err
	}
	if err := w.f.Close(); err != nil {
		return err
	}
	if err := os.Rename(w.f.Name(), w.path); err != nil {
		return err
	}
	w.f = nil
	return syncDir(filepath.Dir(w.path))
}

// abort removes the temporary file (after a successful commit: nothing).
func (w *indexWriter) abort() {
	if w.f != nil {
		w.f.Close()
		os.Remove(w.f.Name())
		w.f = nil
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// sectionWriter writes one section at its place, summing it.
type sectionWriter struct {
	f   *os.File
	off int64
	n   int64
	crc hash.Hash32
}

func (s *sectionWriter) Write(p []byte) (int, error) {
	n, err := s.f.WriteAt(p, s.off+s.n)
	s.crc.Write(p[:n])
	s.n += int64(n)
	return n, err
}

// indexFile is an index file opened and mapped read-only.
type indexFile struct {
	path string
	h    fileHeader
	data []byte // the whole file, mapped (or read, where mmap is missing)
}

// openIndexFile opens and maps an index file, checking its header,
// length and small sections. A missing file gives an error satisfying
// os.IsNotExist; a damaged one, errBadIndex.
func openIndexFile(path string) (*indexFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	hb := make([]byte, headerSize)
	if _, err := io.ReadFull(f, hb); err != nil {
		return nil, badIndex("header: %v", err)
	}
	h, err := unmarshalHeader(hb, fi.Size())
	if err != nil {
		return nil, err
	}
	data, err := mapFile(f, int(h.Size))
	if err != nil {
		return nil, err
	}
	x := &indexFile{path: path, h: h, data: data}
	if err := x.verify(secSlotRow, secSlotSig, secAlive); err != nil {
		x.close()
		return nil, err
	}
	adviseRandom(x.section(secDF))
	adviseRandom(x.section(secEntries))
	adviseRandom(x.section(secOffsets))
	return x, nil
}

// section returns section i of the mapping.
func (x *indexFile) section(i int) []byte {
	s := x.h.Sections[i]
	return x.data[s.Off : s.Off+s.Len : s.Off+s.Len]
}

// verify checks the sections' checksums. It reads the file rather than
// the mapping, so that checking gigabytes does not make them resident.
func (x *indexFile) verify(secs ...int) error {
	f, err := os.Open(x.path)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	for _, i := range secs {
		s := x.h.Sections[i]
		crc := crc32.New(castagnoli)
		if _, err := io.CopyBuffer(crc, io.NewSectionReader(f, int64(s.Off), int64(s.Len)), buf); err != nil {
			return err
		}
		if crc.Sum32() != s.CRC {
			return badIndex("section %d checksum", i)
		}
	}
	return nil
}

// close unmaps the file; nothing of it may be used after.
func (x *indexFile) close() {
	if x.data != nil {
		unmapFile(x.data)
		x.data = nil
	}
}

// bytesOf returns the memory of s as bytes (native order), for writing.
func bytesOf[T uint32 | uint64 | int64](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

// u64View and i64View return b (8-byte aligned) as uint64s or int64s.
func u64View(b []byte) []uint64 {
	if len(b) < 8 {
		return nil
	}
	return unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), len(b)/8)
}

func i64View(b []byte) []int64 {
	if len(b) < 8 {
		return nil
	}
	return unsafe.Slice((*int64)(unsafe.Pointer(&b[0])), len(b)/8)
}
