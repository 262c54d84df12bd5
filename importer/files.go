package importer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/convert"
	"github.com/wengao/wengao/ingest"
)

// IsDocumentFile reports whether path is a document file that folder
// imports take: one of ingest.Extensions. Other files in a folder are
// ignored (counted in Summary.Ignored), as are hidden files and folders
// and Office lock files (~$…).
func IsDocumentFile(path string) bool { return ingest.Accepts(path) }

// fileJob is one document file to convert.
type fileJob struct {
	path string // as found on disk
	rel  string // relative to the folder given, with forward slashes; the base name for a file given directly
	size int64  // as listed by the walk
}

// fileResult is a converted file: a document, a failure, a copy of an
// earlier file of the import (not converted again), or nothing when the
// import was interrupted.
type fileResult struct {
	id       string // from the content; "" when the file could not be read
	doc      *wengao.Document
	reason   string
	read     int64 // bytes read
	copy     bool  // the same content as an earlier job, which converts it
	canceled bool
}

// claims finds the files of one import with the same content, so that
// each content is converted once: by the first job in the import's order
// to hold it.
type claims struct {
	mu sync.Mutex
	m  map[string]int // document id → lowest job index seen
}

// later reports whether a job before job i has the same id, recording i
// otherwise.
func (c *claims) later(id string, i int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if j, ok := c.m[id]; ok && j < i {
		return true
	}
	c.m[id] = i
	return false
}

// walkFiles lists the document files under dir, in lexical order, and
// counts the files of other types. Unreadable folders are failures.
func (im *Importer) walkFiles(dir string) []fileJob {
	var jobs []fileJob
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			im.fail(path, 0, "无法读取："+err.Error())
			return nil
		}
		name := d.Name()
		if path != dir && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 || !IsDocumentFile(name) {
			im.sum.Ignored++
			return nil
		}
		var size int64
		if info, err := os.Stat(path); err == nil {
			if !info.Mode().IsRegular() {
				im.sum.Ignored++
				return nil
			}
			size = info.Size()
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			rel = name
		}
		jobs = append(jobs, fileJob{path: path, rel: filepath.ToSlash(rel), size: size})
		return nil
	})
	return jobs
}

// DefaultFileTimeout bounds the conversion of one file, as for uploads.
const DefaultFileTimeout = ingest.DefaultTimeout

// fileLimits returns the conversion limits with their defaults.
func (im *Importer) fileLimits() convert.Limits {
	lim := im.Limits
	d := convert.DefaultLimits()
	if lim.MaxFileSize <= 0 {
		lim.MaxFileSize = d.MaxFileSize
	}
	return lim
}

// importFiles converts jobs on a pool of workers and saves the documents
// in the order of jobs. At most a few files per worker are converted ahead
// of the one being saved, which bounds the memory held.
func (im *Importer) importFiles(ctx context.Context, jobs []fileJob) error {
	if len(jobs) == 0 {
		return nil
	}
	workers := im.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(jobs))
	lim := im.fileLimits()
	timeout := im.FileTimeout
	if timeout <= 0 {
		timeout = DefaultFileTimeout
	}

	type slot struct {
		i   int
		job fileJob
		res chan fileResult
	}
	wctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	queue := make(chan slot, 4*workers) // in job order, for the saver
	work := make(chan slot)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(queue)
		defer close(work)
		for i, j := range jobs {
			s := slot{i, j, make(chan fileResult, 1)}
			select {
			case queue <- s:
			case <-wctx.Done():
				return
			}
			select {
			case work <- s:
			case <-wctx.Done():
				s.res <- fileResult{canceled: true}
				return
			}
		}
	}()
	same := &claims{m: map[string]int{}}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range work {
				s.res <- convertFile(wctx, s.job, lim, timeout, func(id string) bool { return same.later(id, s.i) })
			}
		}()
	}
	for s := range queue {
		var r fileResult
		select {
		case r = <-s.res:
		case <-ctx.Done():
			return nil
		}
		if r.canceled || ctx.Err() != nil {
			return nil
		}
		im.filesDone++
		im.doneBytes += s.job.size
		im.rawBytes += r.read
		if err := im.addFile(ctx, r, s.job.path); err != nil {
			return err
		}
		im.update()
	}
	return nil
}

// addFile records the outcome of a file: a failure, a duplicate of a file
// read before in this run, or a document queued for saving.
func (im *Importer) addFile(ctx context.Context, r fileResult, path string) error {
	if im.seenFiles == nil {
		im.seenFiles = map[string]string{}
	}
	if first, ok := im.seenFiles[r.id]; ok && r.id != "" {
		im.sum.Duplicates = append(im.sum.Duplicates, Duplicate{ID: r.id, Of: r.id, Path: path, OfPath: first})
		return nil
	}
	if r.copy {
		// The earlier file with this content failed.
		if r.reason = im.failedIDs[r.id]; r.reason == "" {
			r.reason = "与本次导入中内容相同的另一个文件未能导入。"
		}
	}
	if r.reason != "" || r.doc == nil {
		if r.id != "" {
			if im.failedIDs == nil {
				im.failedIDs = map[string]string{}
			}
			im.failedIDs[r.id] = r.reason
		}
		im.fail(path, 0, r.reason)
		return nil
	}
	im.seenFiles[r.id] = path
	return im.add(ctx, r.doc, path, 0)
}

// convertFile reads one file and builds its document; later reports
// whether an earlier job has the same content (the document id), in
// which case the file is not converted again.
func convertFile(ctx context.Context, job fileJob, lim convert.Limits, timeout time.Duration, later func(id string) bool) fileResult {
	f, err := os.Open(job.path)
	if err != nil {
		return fileResult{reason: "无法打开文件：" + err.Error()}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > lim.MaxFileSize {
		return fileResult{reason: tooLarge(st.Size(), lim.MaxFileSize)}
	}
	data, err := io.ReadAll(io.LimitReader(f, lim.MaxFileSize+1))
	if err != nil {
		return fileResult{reason: "读取文件失败：" + err.Error()}
	}
	r := fileResult{read: int64(len(data))}
	if r.read > lim.MaxFileSize { // the file grew since the walk
		r.reason = tooLarge(r.read, lim.MaxFileSize)
		return r
	}
	sum := sha256.Sum256(data)
	r.id = "file-" + hex.EncodeToString(sum[:8])
	if later(r.id) {
		r.copy = true
		return r
	}
	name := filepath.Base(job.path)
	if ingest.IsText(name) && len(bytes.TrimSpace(data)) == 0 {
		r.reason = "empty file"
		return r
	}
	text, err := ingest.File(ctx, name, bytes.NewReader(data), ingest.Options{Limits: lim, Timeout: timeout, FirstLineTitle: ingest.IsText(name)})
	switch {
	case ctx.Err() != nil:
		return fileResult{canceled: true}
	case errors.Is(err, ingest.ErrTimeout):
		r.reason = "文件过于复杂，转换超时（超过 " + formatDuration(timeout) + "），已放弃。"
	case err != nil:
		r.reason = ingestReason(err)
	default:
		r.doc = textDocument(text, job.rel)
		r.doc.ID = r.id
	}
	return r
}

// importMessage rewords a message of convert, written for uploads, for
// an import.
func importMessage(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "上传的文件", "文件"), "上传", "导入")
}

// tooLarge is the failure of a file over the size limit.
func tooLarge(size, limit int64) string {
	return fmt.Sprintf("文件大小 %s，超过 %s 的上限，未导入。", wengao.FormatSize(size), wengao.FormatSize(limit))
}

// formatDuration renders a timeout: "2 分钟", "30 秒".
func formatDuration(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return fmt.Sprintf("%d 分钟", d/time.Minute)
	}
	return fmt.Sprintf("%g 秒", d.Seconds())
}

// FileDocument builds the document of a converted file as ingest.FromResult
// reads it; source is the file's path relative to the folder imported,
// and names the document when nothing better is found. It returns a reason
// instead when the text does not make a document. The ID is left for the
// caller to set. With firstLineTitle (a .txt or .md file read as text),
// the first paragraph is the title, whatever it says, and the others the
// body.
func FileDocument(res *convert.Result, source string, firstLineTitle bool) (*wengao.Document, string) {
	text, err := ingest.FromResult(res, source, firstLineTitle)
	if err != nil {
		return nil, ingestReason(err)
	}
	return textDocument(text, source), ""
}

// textDocument is the document of a file's text; source is the file's
// path relative to the folder imported. The issuer is its Author, and
// the category one level, such as "讲话".
func textDocument(text *ingest.Text, source string) *wengao.Document {
	doc := &wengao.Document{
		Title:    text.Meta.Title,
		Body:     text.Body,
		Source:   source,
		Author:   text.Meta.Issuer,
		Category: strings.Trim(text.Meta.Category, "/"),
	}
	if !text.Meta.Date.IsZero() {
		doc.Date = text.Meta.Date.Format(time.DateOnly)
	}
	return doc
}

// ingestReason is the failure of a file that ingest could not read.
func ingestReason(err error) string {
	switch {
	case errors.Is(err, ingest.ErrEmpty):
		return "empty file"
	case errors.Is(err, ingest.ErrNoBody):
		return "no body after the title line"
	case errors.Is(err, ingest.ErrNoText):
		return "文件中没有可提取的文字。"
	}
	return importMessage(wengao.ErrorMessage(err))
}
