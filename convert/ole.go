package convert

import (
	"encoding/binary"
	"errors"
	"unicode/utf16"
)

// OLE2 compound file ("Compound File Binary") constants.
const (
	oleHeaderSize  = 512
	oleDirEntry    = 128
	oleEndOfChain  = 0xfffffffe
	oleMaxRegSect  = 0xfffffffa // sector numbers at and above are special
	oleHeaderDIFAT = 109
)

var errOLE = errors.New("malformed OLE2 compound file")

// oleEntryNames returns the names of the storages and streams in the
// directory of an OLE2 compound file (a .doc, .xls or an encrypted .docx).
// It reads only the header, the FAT and the directory chain, with every
// chain bounded by the number of sectors in data.
func oleEntryNames(data []byte) ([]string, error) {
	if len(data) < oleHeaderSize || string(data[:8]) != magicOLE {
		return nil, errOLE
	}
	le := binary.LittleEndian
	shift := le.Uint16(data[0x1e:])
	if shift != 9 && shift != 12 {
		return nil, errOLE
	}
	secSize := 1 << shift
	nSectors := (len(data) - oleHeaderSize + secSize - 1) / secSize
	sector := func(n uint32) ([]byte, bool) {
		if n >= oleMaxRegSect || int(n) >= nSectors {
			return nil, false
		}
		off := (int(n) + 1) * secSize
		end := min(off+secSize, len(data))
		if off >= len(data) {
			return nil, false
		}
		return data[off:end], true
	}

	// The sectors of the FAT: 109 in the header, more in the DIFAT chain.
	nFAT := int(le.Uint32(data[0x2c:]))
	if nFAT > nSectors {
		return nil, errOLE
	}
	fatSectors := make([]uint32, 0, nFAT)
	for i := 0; i < oleHeaderDIFAT && len(fatSectors) < nFAT; i++ {
		fatSectors = append(fatSectors, le.Uint32(data[0x4c+4*i:]))
	}
	next := le.Uint32(data[0x44:])
	for steps := 0; len(fatSectors) < nFAT && next < oleMaxRegSect; steps++ {
		s, ok := sector(next)
		if !ok || steps > nSectors {
			return nil, errOLE
		}
		per := len(s)/4 - 1
		for i := 0; i < per && len(fatSectors) < nFAT; i++ {
			fatSectors = append(fatSectors, le.Uint32(s[4*i:]))
		}
		next = le.Uint32(s[len(s)-4:])
	}
	fat := make([]uint32, 0, len(fatSectors)*secSize/4)
	for _, n := range fatSectors {
		s, ok := sector(n)
		if !ok {
			return nil, errOLE
		}
		for i := 0; i+4 <= len(s); i += 4 {
			fat = append(fat, le.Uint32(s[i:]))
		}
	}

	// The directory: a chain of sectors of 128-byte entries.
	var names []string
	dir := le.Uint32(data[0x30:])
	for steps := 0; dir != oleEndOfChain; steps++ {
		s, ok := sector(dir)
		if !ok || steps > nSectors || int(dir) >= len(fat) {
			return nil, errOLE
		}
		for off := 0; off+oleDirEntry <= len(s); off += oleDirEntry {
			if name, ok := oleDirName(s[off : off+oleDirEntry]); ok {
				names = append(names, name)
			}
		}
		dir = fat[dir]
	}
	if len(names) == 0 {
		return nil, errOLE
	}
	return names, nil
}

// oleDirName decodes the name of a used directory entry.
func oleDirName(e []byte) (string, bool) {
	typ := e[0x42]
	if typ != 1 && typ != 2 && typ != 5 { // storage, stream, root
		return "", false
	}
	n := int(binary.LittleEndian.Uint16(e[0x40:]))
	if n < 2 || n > 64 || n%2 != 0 {
		return "", false
	}
	u := make([]uint16, 0, n/2-1)
	for i := 0; i+2 <= n-2; i += 2 {
		u = append(u, binary.LittleEndian.Uint16(e[i:]))
	}
	return string(utf16.Decode(u)), true
}
