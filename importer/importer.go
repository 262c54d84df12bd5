// Package importer reads documents in bulk — JSON Lines files (optionally
// gzipped), document files (.docx, .doc, .pdf, .txt, .md, .html) and
// folders of them — and saves them in batches through a
// wengao.DocumentService, reporting progress, a summary and, with
// WriteReport, a CSV report of what failed or was similar to a document
// already held.
package importer

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/convert"
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

// Duplicate is a record skipped because another id has the same text, or
// a file skipped because another file of the import has the same content.
type Duplicate struct {
	ID, Of string
	// Path and Line locate the record skipped (Line is 0 for a file).
	Path string
	Line int
	// OfPath is the file with the same content, for a file skipped as a
	// copy of another file of the same import; "" otherwise.
	OfPath string
}

// NearDuplicate is a document saved although it is similar to a document
// already held.
type NearDuplicate struct {
	ID, Of     string
	Similarity float64
	Path       string
	Line       int
}

// Summary counts what an import did.
type Summary struct {
	Imported, Updated, Unchanged int
	Duplicates                   []Duplicate
	NearDuplicates               []NearDuplicate
	Failures                     []Failure
	// Files counts the document files read (converted or failed), Ignored
	// the files in the folders that are not of a type imported.
	Files, Ignored int
	Bytes          int64 // uncompressed text read
	Elapsed        time.Duration
}

// Docs returns the number of records read successfully.
func (s *Summary) Docs() int {
	return s.Imported + s.Updated + s.Unchanged + len(s.Duplicates)
}

// Status is the running figures of an import.
type Status struct {
	Docs              int   // records saved (imported, updated, unchanged) or skipped as duplicates
	Files, TotalFiles int   // document files done (converted or failed), out of those found
	Done, Total       int64 // input bytes read, as stored (perhaps compressed), out of all
	Raw               int64 // uncompressed bytes read
	Elapsed           time.Duration

	fileBytes int64 // of Total, the sizes of the document files
}

// Fraction returns the part of the import done, from 0 to 1: by files
// when the import is of document files only, else by bytes.
func (s Status) Fraction() float64 {
	switch {
	case s.TotalFiles > 0 && s.Total == s.fileBytes:
		return min(float64(s.Files)/float64(s.TotalFiles), 1)
	case s.Total > 0:
		return min(float64(s.Done)/float64(s.Total), 1)
	}
	return 0
}

// Progress receives the running figures of an import.
type Progress interface {
	// Update is called after each saved batch of JSON Lines and after
	// each document file converted.
	Update(Status)
	// Done is called once at the end.
	Done()
}

// Importer saves documents through Service.
type Importer struct {
	Service   wengao.DocumentService
	BatchSize int // documents per transaction
	Progress  Progress
	// Limits bound the conversion of each document file; zero fields
	// take convert.DefaultLimits (20 MB files, 30 s per external tool).
	Limits convert.Limits
	// Workers is how many files are converted at once; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
	// FileTimeout bounds the conversion of one file; 0 means
	// DefaultFileTimeout.
	FileTimeout time.Duration

	sum        Summary
	batch      []*wengao.Document
	batchBytes int
	start      time.Time
	totalBytes int64
	fileBytes  int64 // of totalBytes, the sizes of document files
	totalFiles int
	filesDone  int
	doneBytes  int64 // input bytes read, compressed as stored: for the ETA
	rawBytes   int64 // text bytes read, uncompressed: for MB/s
	origins    []origin
	seenFiles  map[string]string // document id → first file, in this run
	failedIDs  map[string]string // document id → why the file failed, in this run
}

// maxLine bounds one JSON line (a document of up to 64 MB).
const maxLine = 64 << 20

// maxBatchBytes bounds the text of one batch, whatever BatchSize says:
// with the lines read ahead, it bounds the memory an import holds.
const maxBatchBytes = 16 << 20

// input is one part of an import: a JSON Lines file or document files.
type input struct {
	jsonl string
	files []fileJob
}

// Run imports every path: .jsonl and .jsonl.gz files, document files
// (.docx, .doc, .pdf, .txt, .md, .html) and folders of them, searched
// recursively. Document files are converted by package convert, several
// at once, and saved in order. Per-record problems are reported in the
// summary; the error is only for a failure to write.
func (im *Importer) Run(ctx context.Context, paths []string) (*Summary, error) {
	if im.BatchSize <= 0 {
		im.BatchSize = 256
	}
	im.start = time.Now()
	var inputs []input
	addFiles := func(jobs []fileJob) {
		if n := len(inputs); n > 0 && inputs[n-1].jsonl == "" {
			inputs[n-1].files = append(inputs[n-1].files, jobs...)
		} else {
			inputs = append(inputs, input{files: jobs})
		}
		for _, j := range jobs {
			im.totalBytes += j.size
			im.fileBytes += j.size
		}
		im.totalFiles += len(jobs)
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		switch {
		case err != nil:
			im.fail(p, 0, "cannot open: "+err.Error())
		case st.IsDir():
			addFiles(im.walkFiles(p))
		case isJSONL(p):
			inputs = append(inputs, input{jsonl: p})
			im.totalBytes += st.Size()
		case IsDocumentFile(p):
			addFiles([]fileJob{{path: p, rel: filepath.Base(p), size: st.Size()}})
		default:
			im.fail(p, 0, "unsupported file type (want .jsonl, .jsonl.gz, .docx, .doc, .pdf, .txt, .md, .html or a folder)")
		}
	}
	for _, in := range inputs {
		if err := ctx.Err(); err != nil {
			break
		}
		var err error
		if in.jsonl != "" {
			err = im.importJSONL(ctx, in.jsonl)
		} else {
			err = im.importFiles(ctx, in.files)
		}
		if err != nil {
			return im.finish(), err
		}
	}
	err := im.flush(ctx)
	return im.finish(), err
}

func isJSONL(p string) bool {
	for _, ext := range []string{".jsonl", ".jsonl.gz", ".json", ".ndjson"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	return false
}

func (im *Importer) finish() *Summary {
	im.sum.Elapsed = time.Since(im.start)
	im.sum.Bytes = im.rawBytes
	im.sum.Files = im.filesDone
	if im.Progress != nil {
		im.Progress.Done()
	}
	return &im.sum
}

// update reports the running figures to Progress.
func (im *Importer) update() {
	if im.Progress == nil {
		return
	}
	im.Progress.Update(Status{
		Docs: im.sum.Docs(), Files: im.filesDone, TotalFiles: im.totalFiles,
		Done: im.doneBytes, Total: im.totalBytes, Raw: im.rawBytes, Elapsed: time.Since(im.start),
		fileBytes: im.fileBytes,
	})
}

func (im *Importer) fail(path string, line int, reason string) {
	im.sum.Failures = append(im.sum.Failures, Failure{Path: path, Line: line, Reason: reason})
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

// parsedLine is one line of a JSON Lines file, decoded by a worker.
type parsedLine struct {
	line   int
	doc    *wengao.Document // nil when the line is blank or failed
	reason string           // why the line failed
	raw    int64            // uncompressed bytes of the line, with its newline
	done   int64            // input bytes read so far, as stored
	ready  chan struct{}    // closed once doc and reason are set
	buf    []byte
}

// readAhead bounds the lines read and decoded ahead of the writer, and
// aheadUnit the bytes: a line takes one slot per aheadUnit bytes (at
// least one, at most all), so that the lines ahead hold at most 64 MB
// besides the longest line, whatever their length.
const (
	readAhead = 1024
	aheadUnit = 64 << 10
)

// aheadSlots returns the slots of readAhead that a line of n bytes takes.
func aheadSlots(n int) int {
	return min(max(1, (n+aheadUnit-1)/aheadUnit), readAhead)
}

func (im *Importer) readJSONL(ctx context.Context, path string, f io.Reader) error {
	var done atomic.Int64
	done.Store(im.doneBytes)
	var r io.Reader = atomicCountingReader{f, &done}
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(r)
		if err != nil {
			im.fail(path, 0, "not a gzip file: "+err.Error())
			return nil
		}
		defer gz.Close()
		r = gz
	}
	// One goroutine reads lines (and decompresses), workers decode them
	// and this one saves them in order: decoding, like the preparation
	// of the text in SaveDocuments, runs on other cores than the writer.
	rctx, stop := context.WithCancel(ctx)
	readerDone := make(chan struct{})
	defer func() {
		stop()
		<-readerDone // before the caller closes the file
	}()
	lines := make(chan *parsedLine, readAhead) // in file order
	work := make(chan *parsedLine, readAhead)
	slots := make(chan struct{}, readAhead) // taken by the lines ahead
	go func() {
		defer close(readerDone)
		defer close(lines)
		defer close(work)
		br := bufio.NewReaderSize(r, 1<<20)
		for n := 1; ; n++ {
			buf, err := readLine(br)
			l := &parsedLine{line: n, raw: int64(len(buf)) + 1, done: done.Load(), ready: make(chan struct{}), buf: buf}
			switch {
			case errors.Is(err, errLineTooLong):
				l.buf, l.reason = nil, "line longer than 64 MB"
			case err != nil && err != io.EOF:
				l.buf, l.reason = nil, "read error: "+err.Error()
			}
			for range aheadSlots(len(buf)) {
				select {
				case slots <- struct{}{}:
				case <-rctx.Done():
					return
				}
			}
			select {
			case lines <- l:
			case <-rctx.Done():
				return
			}
			select {
			case work <- l:
			case <-rctx.Done():
				return
			}
			if err != nil && !errors.Is(err, errLineTooLong) {
				return // at the end, or after a read error reported on its line
			}
		}
	}()
	workers := im.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	for range workers {
		go func() {
			for l := range work {
				if l.reason == "" && len(bytes.TrimSpace(l.buf)) > 0 {
					l.doc, l.reason = parseRecord(l.buf)
				}
				l.buf = nil
				close(l.ready)
			}
		}()
	}
	for l := range lines {
		<-l.ready
		for range aheadSlots(int(l.raw) - 1) {
			<-slots
		}
		if ctx.Err() != nil {
			return nil
		}
		im.rawBytes += l.raw
		im.doneBytes = l.done
		if l.reason != "" {
			im.fail(path, l.line, l.reason)
		} else if l.doc != nil {
			if err := im.add(ctx, l.doc, path, l.line); err != nil {
				return err
			}
		}
	}
	im.doneBytes = done.Load()
	return nil
}

// atomicCountingReader counts the bytes read, for progress read from
// another goroutine.
type atomicCountingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c atomicCountingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
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

// add queues doc for the next batch.
func (im *Importer) add(ctx context.Context, doc *wengao.Document, path string, line int) error {
	im.batch = append(im.batch, doc)
	im.batchBytes += len(doc.Title)
	for _, p := range doc.Body {
		im.batchBytes += len(p)
	}
	im.origins = append(im.origins, origin{path, line})
	if len(im.batch) >= im.BatchSize || im.batchBytes >= maxBatchBytes {
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
			im.count(res, origins[i:i+1])
		}
	} else if err != nil {
		return err
	} else {
		im.count(results, origins)
	}
	im.update()
	return nil
}

// count adds the outcomes of a batch to the summary; origins are the
// places the batch's documents came from, in the same order.
func (im *Importer) count(results []wengao.ImportResult, origins []origin) {
	for i, r := range results {
		var o origin
		if i < len(origins) {
			o = origins[i]
		}
		switch r.Outcome {
		case wengao.Imported:
			im.sum.Imported++
		case wengao.Updated:
			im.sum.Updated++
		case wengao.Unchanged:
			im.sum.Unchanged++
		case wengao.Duplicate:
			im.sum.Duplicates = append(im.sum.Duplicates, Duplicate{ID: r.ID, Of: r.DuplicateOf, Path: o.path, Line: o.line})
		}
		if r.NearDuplicateOf != "" && (r.Outcome == wengao.Imported || r.Outcome == wengao.Updated) {
			im.sum.NearDuplicates = append(im.sum.NearDuplicates, NearDuplicate{ID: r.ID, Of: r.NearDuplicateOf, Similarity: r.Similarity, Path: o.path, Line: o.line})
		}
	}
}
