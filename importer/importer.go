// Package importer reads documents in bulk — JSON Lines files (optionally
// gzipped) and folders of text files — and saves them in batches through a
// wengao.DocumentService, reporting progress and a summary.
package importer

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Record is one line of a JSON Lines import file. Unknown fields are
// ignored.
type Record struct {
	ID       string          `json:"id"`
	Title    string          `json:"title"`
	Date     string          `json:"date"`
	Source   string          `json:"source"`
	Category string          `json:"category"`
	Body     json.RawMessage `json:"body"` // a string (paragraphs split by \n) or an array of paragraphs
	Tags     []string        `json:"tags"`
	Author   string          `json:"author"`
}

// Failure is an input that could not be imported.
type Failure struct {
	Path   string
	Line   int // 0 for a whole file
	Reason string
}

// Duplicate is a record skipped because another id has the same text.
type Duplicate struct {
	ID, Of string
}

// Summary counts what an import did.
type Summary struct {
	Imported, Updated, Unchanged int
	Duplicates                   []Duplicate
	Failures                     []Failure
	Bytes                        int64 // uncompressed text read
	Elapsed                      time.Duration
}

// Docs returns the number of records read successfully.
func (s *Summary) Docs() int {
	return s.Imported + s.Updated + s.Unchanged + len(s.Duplicates)
}

// Progress receives the running figures of an import.
type Progress interface {
	// Update is called after each saved batch with the documents done, the
	// input bytes read (as stored, perhaps compressed) out of totalBytes,
	// and the uncompressed bytes read.
	Update(docs int, done, raw, totalBytes int64, elapsed time.Duration)
	// Done is called once at the end.
	Done()
}

// Importer saves documents through Service.
type Importer struct {
	Service   wengao.DocumentService
	BatchSize int // documents per transaction
	Progress  Progress

	sum        Summary
	batch      []*wengao.Document
	batchBytes int
	start      time.Time
	totalBytes int64
	doneBytes  int64 // input bytes read, compressed as stored: for the ETA
	rawBytes   int64 // text bytes read, uncompressed: for MB/s
	origins    []origin
}

// maxLine bounds one JSON line (a document of up to 64 MB).
const maxLine = 64 << 20

// Run imports every path: .jsonl and .jsonl.gz files, and folders holding
// .txt and .md files (searched recursively). Per-record problems are
// reported in the summary; the error is only for a failure to write.
func (im *Importer) Run(ctx context.Context, paths []string) (*Summary, error) {
	if im.BatchSize <= 0 {
		im.BatchSize = 256
	}
	im.start = time.Now()
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			if st.IsDir() {
				filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
					if err == nil && !d.IsDir() && isTextFile(path) {
						if info, err := d.Info(); err == nil {
							im.totalBytes += info.Size()
						}
					}
					return nil
				})
			} else {
				im.totalBytes += st.Size()
			}
		}
	}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			break
		}
		var err error
		st, statErr := os.Stat(p)
		switch {
		case statErr != nil:
			im.fail(p, 0, "cannot open: "+statErr.Error())
		case st.IsDir():
			err = im.importDir(ctx, p)
		case strings.HasSuffix(p, ".jsonl") || strings.HasSuffix(p, ".jsonl.gz") || strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".ndjson"):
			err = im.importJSONL(ctx, p)
		case isTextFile(p):
			err = im.importTextFile(ctx, p)
		default:
			im.fail(p, 0, "unsupported file type (want .jsonl, .jsonl.gz, .txt, .md or a folder)")
		}
		if err != nil {
			return im.finish(), err
		}
	}
	err := im.flush(ctx)
	return im.finish(), err
}

func (im *Importer) finish() *Summary {
	im.sum.Elapsed = time.Since(im.start)
	im.sum.Bytes = im.rawBytes
	if im.Progress != nil {
		im.Progress.Done()
	}
	return &im.sum
}

func (im *Importer) fail(path string, line int, reason string) {
	im.sum.Failures = append(im.sum.Failures, Failure{Path: path, Line: line, Reason: reason})
}

func isTextFile(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	return ext == ".txt" || ext == ".md"
}

// countingReader counts the compressed bytes read, for progress.
type countingReader struct {
	r io.Reader
	n *int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

func (im *Importer) importJSONL(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if err != nil {
		im.fail(path, 0, err.Error())
		return nil
	}
	defer f.Close()
	return im.readJSONL(ctx, path, f)
}

// RunJSONL imports JSON Lines (gzipped when name ends in .gz) from r; name
// is used in failure reports.
func (im *Importer) RunJSONL(ctx context.Context, name string, r io.Reader) (*Summary, error) {
	if im.BatchSize <= 0 {
		im.BatchSize = 256
	}
	im.start = time.Now()
	if err := im.readJSONL(ctx, name, r); err != nil {
		return im.finish(), err
	}
	err := im.flush(ctx)
	return im.finish(), err
}

func (im *Importer) readJSONL(ctx context.Context, path string, f io.Reader) error {
	var r io.Reader = countingReader{f, &im.doneBytes}
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(r)
		if err != nil {
			im.fail(path, 0, "not a gzip file: "+err.Error())
			return nil
		}
		defer gz.Close()
		r = gz
	}
	br := bufio.NewReaderSize(r, 1<<20)
	for line := 1; ; line++ {
		if err := ctx.Err(); err != nil {
			return nil
		}
		buf, err := readLine(br)
		im.rawBytes += int64(len(buf)) + 1
		if len(bytes.TrimSpace(buf)) > 0 {
			if doc, reason := parseRecord(buf); reason != "" {
				im.fail(path, line, reason)
			} else if err := im.add(ctx, doc, path, line); err != nil {
				return err
			}
		}
		if errors.Is(err, errLineTooLong) {
			im.fail(path, line, "line longer than 64 MB")
			continue
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			im.fail(path, line, "read error: "+err.Error())
			return nil
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line without its newline; an over-long line is skipped
// to its end and reported.
func readLine(br *bufio.Reader) ([]byte, error) {
	var out []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(out)+len(chunk) > maxLine {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if err == nil || err == io.EOF {
				return nil, errLineTooLong
			}
			return nil, err
		}
		out = append(out, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimRight(out, "\r\n"), err
	}
}

// parseRecord decodes one JSON line; reason is non-empty when it is unusable.
func parseRecord(buf []byte) (*wengao.Document, string) {
	if !utf8.Valid(buf) {
		return nil, "not valid UTF-8"
	}
	var rec Record
	if err := json.Unmarshal(buf, &rec); err != nil {
		return nil, "malformed JSON: " + err.Error()
	}
	var body []string
	if len(rec.Body) > 0 && rec.Body[0] == '[' {
		if err := json.Unmarshal(rec.Body, &body); err != nil {
			return nil, "body: want a string or an array of strings"
		}
	} else if len(rec.Body) > 0 && string(rec.Body) != "null" {
		var s string
		if err := json.Unmarshal(rec.Body, &s); err != nil {
			return nil, "body: want a string or an array of strings"
		}
		body = strings.Split(s, "\n")
	}
	doc := &wengao.Document{
		ID: strings.TrimSpace(rec.ID), Title: strings.TrimSpace(rec.Title), Date: normDate(rec.Date),
		Source: rec.Source, Category: strings.Trim(strings.TrimSpace(rec.Category), "/"), Body: body,
		Tags: rec.Tags, Author: rec.Author,
	}
	if doc.Title == "" {
		return nil, "missing title"
	}
	if !hasText(body) {
		return nil, "empty body"
	}
	if len(doc.ID) > 200 {
		return nil, "id longer than 200 bytes"
	}
	return doc, ""
}

func hasText(body []string) bool {
	for _, p := range body {
		if strings.TrimSpace(p) != "" {
			return true
		}
	}
	return false
}

// normDate keeps a YYYY-MM-DD date (also YYYY/MM/DD, YYYY.MM.DD); anything
// else becomes "".
func normDate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 10 {
		s = s[:10]
	}
	s = strings.NewReplacer("/", "-", ".", "-").Replace(s)
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return ""
	}
	for i, c := range s {
		if i != 4 && i != 7 && (c < '0' || c > '9') {
			return ""
		}
	}
	return s
}

func (im *Importer) importDir(ctx context.Context, dir string) error {
	var files []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			im.fail(path, 0, err.Error())
			return nil
		}
		if !d.IsDir() && isTextFile(path) {
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	for _, f := range files {
		if ctx.Err() != nil {
			return nil
		}
		if err := im.importTextFile(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

// maxTextFile bounds one text file.
const maxTextFile = 64 << 20

// importTextFile imports a .txt or .md file: the first non-empty line is
// the title (a Markdown heading mark is dropped), the rest the body. The id
// is derived from the file name.
func (im *Importer) importTextFile(ctx context.Context, path string) error {
	st, err := os.Stat(path)
	if err != nil {
		im.fail(path, 0, err.Error())
		return nil
	}
	if st.Size() > maxTextFile {
		im.fail(path, 0, "file larger than 64 MB")
		return nil
	}
	buf, err := os.ReadFile(path)
	if err != nil {
		im.fail(path, 0, err.Error())
		return nil
	}
	im.doneBytes += int64(len(buf))
	im.rawBytes += int64(len(buf))
	text, err := DecodeText(buf)
	if err != nil {
		im.fail(path, 0, err.Error())
		return nil
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	title := ""
	var body []string
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		title = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "#"))
		body = lines[i+1:]
		break
	}
	if title == "" {
		im.fail(path, 0, "empty file")
		return nil
	}
	if !hasText(body) {
		im.fail(path, 0, "no body after the title line")
		return nil
	}
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	doc := &wengao.Document{ID: "file-" + base, Title: title, Body: body, Source: filepath.Base(path)}
	return im.add(ctx, doc, path, 0)
}

// DecodeText returns buf as UTF-8 text: UTF-8 (a byte-order mark is
// dropped), UTF-16 with a byte-order mark, or else GB18030 (which covers
// GBK and GB2312). Binary data is refused.
func DecodeText(buf []byte) (string, error) {
	if bytes.HasPrefix(buf, []byte("\xef\xbb\xbf")) {
		buf = buf[3:]
	}
	if bytes.IndexByte(buf, 0) >= 0 && !(len(buf) >= 2 && (buf[0] == 0xff && buf[1] == 0xfe || buf[0] == 0xfe && buf[1] == 0xff)) {
		return "", fmt.Errorf("binary data, not text")
	}
	if utf8.Valid(buf) {
		return string(buf), nil
	}
	if len(buf) >= 2 && (buf[0] == 0xff && buf[1] == 0xfe || buf[0] == 0xfe && buf[1] == 0xff) {
		out, _, err := transform.Bytes(unicode.BOMOverride(unicode.UTF8.NewDecoder()), buf)
		if err != nil {
			return "", fmt.Errorf("malformed UTF-16 text")
		}
		return string(out), nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(buf)
	if err != nil || !utf8.Valid(out) || bytes.ContainsRune(out, utf8.RuneError) {
		return "", fmt.Errorf("text is neither UTF-8 nor GB18030/GBK")
	}
	return string(out), nil
}

// add queues doc for the next batch.
func (im *Importer) add(ctx context.Context, doc *wengao.Document, path string, line int) error {
	im.batch = append(im.batch, doc)
	im.batchBytes += len(doc.Title)
	for _, p := range doc.Body {
		im.batchBytes += len(p)
	}
	im.origins = append(im.origins, origin{path, line})
	if len(im.batch) >= im.BatchSize || im.batchBytes >= 8<<20 {
		return im.flush(ctx)
	}
	return nil
}

type origin struct {
	path string
	line int
}

// flush saves the current batch. A batch refused as invalid is retried one
// document at a time, so one bad record does not sink the others.
func (im *Importer) flush(ctx context.Context) error {
	if len(im.batch) == 0 {
		return nil
	}
	batch, origins := im.batch, im.origins
	im.batch, im.origins, im.batchBytes = nil, nil, 0
	results, err := im.Service.SaveDocuments(context.WithoutCancel(ctx), batch)
	if wengao.ErrorCode(err) == wengao.EINVALID {
		for i, d := range batch {
			res, err := im.Service.SaveDocuments(context.WithoutCancel(ctx), []*wengao.Document{d})
			if wengao.ErrorCode(err) == wengao.EINVALID {
				im.fail(origins[i].path, origins[i].line, wengao.ErrorMessage(err))
				continue
			} else if err != nil {
				return err
			}
			im.count(res)
		}
	} else if err != nil {
		return err
	} else {
		im.count(results)
	}
	if im.Progress != nil {
		im.Progress.Update(im.sum.Docs(), im.doneBytes, im.rawBytes, im.totalBytes, time.Since(im.start))
	}
	return nil
}

func (im *Importer) count(results []wengao.ImportResult) {
	for _, r := range results {
		switch r.Outcome {
		case wengao.Imported:
			im.sum.Imported++
		case wengao.Updated:
			im.sum.Updated++
		case wengao.Unchanged:
			im.sum.Unchanged++
		case wengao.Duplicate:
			im.sum.Duplicates = append(im.sum.Duplicates, Duplicate{ID: r.ID, Of: r.DuplicateOf})
		}
	}
}
