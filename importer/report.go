package importer

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Kinds of report rows (the column 类型).
const (
	KindFailed        = "失败"   // not imported: the reason says why
	KindDuplicate     = "重复"   // not imported: the same text as another document, or the same file as another file
	KindNearDuplicate = "近似重复" // imported, but similar to a document already held
)

// ReportHeader is the first row of a report.
var ReportHeader = []string{"文件", "行号", "类型", "原因", "文档ID", "对应文档ID", "相似度"}

// ReportRows returns the number of rows WriteReport writes after the
// header.
func (s *Summary) ReportRows() int {
	return len(s.Failures) + len(s.Duplicates) + len(s.NearDuplicates)
}

// WriteReport writes what went wrong in an import as CSV, for a person
// to open in Excel or WPS: UTF-8 with a byte-order mark, CRLF line ends,
// the header ReportHeader, then a row per failure, exact duplicate and
// near-duplicate, in that order:
//
//	文件     the file (as given or found in a folder)
//	行号     the line of a JSON Lines file; empty for a whole file
//	类型     失败 (failed), 重复 (skipped: exact duplicate) or 近似重复 (imported: near-duplicate)
//	原因     why, in words
//	文档ID   the document's id (duplicates and near-duplicates)
//	对应文档ID the id of the document it duplicates or resembles
//	相似度   the similarity of a near-duplicate, 0 to 1
//
// A cell that a spreadsheet would take for a formula (=, +, -, @) is
// prefixed with an apostrophe.
func WriteReport(w io.Writer, s *Summary) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	write := func(path string, line int, kind, reason, id, of, sim string) {
		ln := ""
		if line > 0 {
			ln = strconv.Itoa(line)
		}
		cw.Write([]string{cell(path), ln, kind, cell(reason), cell(id), cell(of), sim})
	}
	cw.Write(ReportHeader)
	for _, f := range s.Failures {
		write(f.Path, f.Line, KindFailed, f.Reason, "", "", "")
	}
	for _, d := range s.Duplicates {
		reason := fmt.Sprintf("与文档 %s 的文字相同，未重复导入。", d.Of)
		if d.OfPath != "" {
			reason = fmt.Sprintf("与文件 %s 的内容相同，未重复导入。", d.OfPath)
		}
		write(d.Path, d.Line, KindDuplicate, reason, d.ID, d.Of, "")
	}
	for _, n := range s.NearDuplicates {
		sim := strconv.FormatFloat(n.Similarity, 'f', 2, 64)
		write(n.Path, n.Line, KindNearDuplicate, fmt.Sprintf("与文档 %s 相似（相似度 %s），已导入，请核对是否重复。", n.Of, sim), n.ID, n.Of, sim)
	}
	cw.Flush()
	return cw.Error()
}

// cell guards a value against being read as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
