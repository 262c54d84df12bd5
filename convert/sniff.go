package convert

import (
	"bytes"

	"github.com/wengao/wengao"
)

// Magic numbers of the formats we read or recognise.
const (
	magicPDF = "%PDF-"
	magicZip = "PK\x03\x04"
	magicOLE = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
)

// binaryMagics are formats we recognise only to refuse them clearly.
var binaryMagics = []string{
	"\x7fELF",           // Linux executable
	"MZ",                // Windows executable
	"\x89PNG\r\n\x1a\n", // PNG
	"\xff\xd8\xff",      // JPEG
	"GIF87a", "GIF89a",  // GIF
	"\x1f\x8b",           // gzip
	"7z\xbc\xaf\x27\x1c", // 7-Zip
	"Rar!\x1a\x07",       // RAR
	"PK\x05\x06",         // empty zip
	"PK\x07\x08",         // spanned zip
	"BM",                 // bitmap
	"II*\x00", "MM\x00*", // TIFF
	"\x00\x00\x01\x00",    // icon
	"\xca\xfe\xba\xbe",    // Mach-O / Java class
	"\xcf\xfa\xed\xfe",    // Mach-O
	"OggS", "fLaC", "ID3", // audio
	"RIFF",                // WAV, AVI, WebP
	"SQLite format 3\x00", // database
}

// sniff tells the format of data from its content: FormatPDF, FormatDocx,
// FormatDoc, or "" for text-like content, which the caller decodes. name
// is not consulted for binary formats.
func sniff(name string, data []byte) (string, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return "", errorf(wengao.EINVALID, msgEmpty)
	}
	head := data[:min(len(data), 1024)]
	switch {
	case bytes.HasPrefix(data, []byte(magicPDF)):
		return FormatPDF, nil
	case bytes.HasPrefix(data, []byte(magicZip)):
		return FormatDocx, nil // convertDocx tells other archives apart
	case bytes.HasPrefix(data, []byte(magicOLE)):
		return sniffOLE(data)
	case bytes.HasPrefix(data, []byte("{\\rtf")):
		return "", errorf(wengao.EINVALID, msgRTF)
	case bytes.Contains(head, []byte(magicPDF)) && !isText(head):
		// PDF readers accept junk before the header.
		return FormatPDF, nil
	}
	if len(data) > 4 && bytesHasPrefixAt(data, 4, "ftyp") {
		return "", errorf(wengao.EINVALID, msgUnknownType) // MP4, HEIC…
	}
	for _, m := range binaryMagics {
		if bytes.HasPrefix(data, []byte(m)) && !isText(head) {
			return "", errorf(wengao.EINVALID, msgUnknownType)
		}
	}
	return "", nil
}

// isText reports whether b looks like text: no NUL and few control bytes.
// It is only a hint for sniffing; decodeText decides.
func isText(b []byte) bool {
	ctl := 0
	for _, c := range b {
		switch {
		case c == 0:
			return false
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f':
			ctl++
		}
	}
	return ctl*100 <= len(b)
}

// sniffOLE tells a Word 97–2003 document from the other OLE2 compound
// files: encrypted Office 2007+ documents, Excel and PowerPoint files.
func sniffOLE(data []byte) (string, error) {
	names, err := oleEntryNames(data)
	if err != nil {
		return "", errCorrupt()
	}
	has := make(map[string]bool, len(names))
	for _, n := range names {
		has[n] = true
	}
	switch {
	case has["EncryptedPackage"] || has["EncryptionInfo"]:
		return "", errorf(wengao.EINVALID, msgEncrypted)
	case has["WordDocument"]:
		return FormatDoc, nil
	case has["Workbook"] || has["Book"]:
		return "", errorf(wengao.EINVALID, msgExcel)
	case has["PowerPoint Document"]:
		return "", errorf(wengao.EINVALID, msgPowerPoint)
	}
	return "", errorf(wengao.EINVALID, msgOLENotWord)
}
