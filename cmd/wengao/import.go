package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/wengao/wengao/config"
	"github.com/wengao/wengao/convert"
	"github.com/wengao/wengao/importer"
	"github.com/wengao/wengao/sqlite"
	"golang.org/x/term"
)

const importUsage = `usage: wengao import [--data DIR] [--report FILE] [--max-file-size 20MB] [--workers N] PATH...

PATH is a .jsonl or .jsonl.gz file (fields id, title, date, source,
category, body), a document file (.docx, .doc, .pdf, .txt, .md, .html,
.htm) or a folder, searched recursively for document files; files of
other types in a folder are ignored, as are hidden files and folders and
Office lock files (~$…). Word and PDF files are read as uploads are: .doc
needs antiword, PDF uses pdftotext when installed. The title of a .txt or
.md file is its first line. Date, issuer and category are detected from
the text. A document file's id derives from its content (file- and 16 hex
digits of its SHA-256), its source is its path inside the folder given,
so importing the same folder again leaves everything unchanged.

When something fails, a CSV report (UTF-8 with BOM, for Excel) lists every
file or record that failed and why, the exact duplicates skipped and the
near-duplicates imported; columns 文件,行号,类型,原因,文档ID,对应文档ID,相似度,
类型 being 失败 (failed), 重复 (duplicate, skipped) or 近似重复
(near-duplicate, imported). It goes to --report FILE (always written), or
else to wengao-import-failures-YYYYMMDD-HHMMSS.csv in the current folder.

`

// reportDir is where the default report is written; tests move it.
var reportDir = "."

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, data := newFlagSet("import", stderr)
	batch := fs.Int("batch", 1024, "documents per transaction (at most 16 MB of text)")
	quiet := fs.Bool("quiet", false, "no progress output")
	report := fs.String("report", "", "write the CSV report of failures and (near-)duplicates to `FILE`, even when nothing failed (default: wengao-import-failures-YYYYMMDD-HHMMSS.csv in the current folder, written only when something failed)")
	maxSize := config.Size(convert.DefaultLimits().MaxFileSize)
	fs.Var(&maxSize, "max-file-size", "largest document `size` converted (such as 20MB, 512KB); larger files fail (JSON Lines files are not limited)")
	workers := fs.Int("workers", 0, "document files converted at once (default: the number of CPUs)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the import to `FILE` (for go tool pprof)")
	fs.Usage = func() {
		fmt.Fprint(stderr, importUsage)
		fs.PrintDefaults()
	}
	paths, db, err := openCommand(fs, data, args, func(pos []string) bool { return len(pos) > 0 })
	if err != nil {
		return err
	}
	defer db.Close()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	im := &importer.Importer{Service: db, BatchSize: *batch, Workers: *workers,
		Limits: convert.Limits{MaxFileSize: int64(maxSize)}}
	if !*quiet {
		im.Progress = newProgress(stderr)
	}
	started := time.Now()
	if err := db.SetBulkLoad(ctx, true); err != nil {
		return err
	}
	sum, runErr := im.Run(ctx, paths)
	if err := db.SetBulkLoad(context.WithoutCancel(ctx), false); err != nil {
		fmt.Fprintln(stderr, "warning: restore index settings:", err)
	}
	if runErr == nil && ctx.Err() == nil && sum.Imported+sum.Updated > 0 {
		// Merge index segments, when the import wrote enough of the
		// library to be worth rewriting its whole index, and fold the
		// log into the file.
		if worthOptimizing(context.WithoutCancel(ctx), db, sum) {
			if err := db.Optimize(context.WithoutCancel(ctx)); err != nil {
				fmt.Fprintln(stderr, "warning: optimize:", err)
			}
		}
		db.Checkpoint(context.WithoutCancel(ctx))
	}
	printSummary(stdout, sum)
	reportErr := writeImportReport(stdout, *report, started, sum)
	if ctx.Err() != nil {
		fmt.Fprintln(stdout, "interrupted: the documents listed as imported are saved; run the same command again to finish.")
		return exitError(130)
	}
	if runErr != nil {
		return runErr
	}
	if reportErr != nil {
		return reportErr
	}
	if len(sum.Failures) > 0 {
		return exitError(1)
	}
	return nil
}

// worthOptimizing reports whether an import that did sum should end by
// merging the whole search index into one segment: when it wrote a
// quarter or more of the library's documents. Optimize rewrites the
// whole index (10 s for 60,000 documents on 2 cores), which after a
// small import into a large library costs more than the import; the few
// segments it leaves are merged by later writes.
func worthOptimizing(ctx context.Context, db *sqlite.DB, sum *importer.Summary) bool {
	n, err := db.CountDocuments(ctx)
	return err != nil || 4*(sum.Imported+sum.Updated) >= n
}

// writeImportReport writes the CSV report to path, or, when path is "" and
// something failed, to a new file named after the start time in
// reportDir.
func writeImportReport(w io.Writer, path string, started time.Time, sum *importer.Summary) error {
	var f *os.File
	var err error
	if path != "" {
		f, err = os.Create(path)
	} else if len(sum.Failures) > 0 {
		f, err = createNew(filepath.Join(reportDir, "wengao-import-failures-"+started.Format("20060102-150405")), ".csv")
	} else {
		return nil
	}
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	err = importer.WriteReport(f, sum)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("report %s: %w", f.Name(), err)
	}
	fmt.Fprintf(w, "report: %d failed, %d duplicates, %d near-duplicates listed in %s\n",
		len(sum.Failures), len(sum.Duplicates), len(sum.NearDuplicates), f.Name())
	return nil
}

// createNew creates the file base+ext, or base-2+ext, base-3+ext… when it
// exists, never overwriting one.
func createNew(base, ext string) (*os.File, error) {
	for i := 1; ; i++ {
		name := base + ext
		if i > 1 {
			name = fmt.Sprintf("%s-%d%s", base, i, ext)
		}
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, fs.ErrExist) || i == 100 {
			return f, err
		}
	}
}

func printSummary(w io.Writer, s *importer.Summary) {
	secs := s.Elapsed.Seconds()
	fmt.Fprintf(w, "imported %d, updated %d, unchanged %d, duplicates %d, failed %d, near-duplicates %d in %.1fs (%.0f docs/s, %.1f MB/s",
		s.Imported, s.Updated, s.Unchanged, len(s.Duplicates), len(s.Failures), len(s.NearDuplicates), secs,
		float64(s.Docs())/max(secs, 1e-9), float64(s.Bytes)/1e6/max(secs, 1e-9))
	if s.Files > 0 {
		fmt.Fprintf(w, "; %d %s, %.1f files/s", s.Files, plural(s.Files, "file", "files"), float64(s.Files)/max(secs, 1e-9))
	}
	fmt.Fprintln(w, ")")
	if s.Ignored > 0 {
		fmt.Fprintf(w, "  ignored %d %s in the folders\n", s.Ignored, plural(s.Ignored, "file of another type", "files of other types"))
	}
	const show = 20
	for i, d := range s.Duplicates {
		if i == show {
			fmt.Fprintf(w, "  … and %d more duplicates\n", len(s.Duplicates)-show)
			break
		}
		if d.OfPath != "" {
			fmt.Fprintf(w, "  duplicate: %s is the same file as %s\n", d.Path, d.OfPath)
		} else {
			fmt.Fprintf(w, "  duplicate: %s has the same text as %s\n", d.ID, d.Of)
		}
	}
	for i, n := range s.NearDuplicates {
		if i == show {
			fmt.Fprintf(w, "  … and %d more near-duplicates\n", len(s.NearDuplicates)-show)
			break
		}
		fmt.Fprintf(w, "  near-duplicate: %s is %.0f%% similar to %s\n", n.ID, n.Similarity*100, n.Of)
	}
	for i, f := range s.Failures {
		if i == show {
			fmt.Fprintf(w, "  … and %d more failures\n", len(s.Failures)-show)
			break
		}
		if f.Line > 0 {
			fmt.Fprintf(w, "  failed: %s line %d: %s\n", f.Path, f.Line, f.Reason)
		} else {
			fmt.Fprintf(w, "  failed: %s: %s\n", f.Path, f.Reason)
		}
	}
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// progress draws a progress bar on a terminal, or prints a plain line every
// few seconds otherwise.
type progress struct {
	w     io.Writer
	tty   bool
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	return p
}

func (p *progress) Update(s importer.Status) {
	now := time.Now()
	interval := 5 * time.Second
	if p.tty {
		interval = 100 * time.Millisecond
	}
	if now.Sub(p.last) < interval {
		return
	}
	p.last = now
	secs := max(s.Elapsed.Seconds(), 1e-9)
	frac := s.Fraction()
	eta := "?"
	if frac > 0 {
		eta = (time.Duration(secs*(1-frac)/frac) * time.Second).Round(time.Second).String()
	}
	// Files and files/s for document files, documents and MB/s else.
	var figures string
	if s.TotalFiles > 0 {
		figures = fmt.Sprintf("%d/%d files  %d docs saved  %.1f files/s", s.Files, s.TotalFiles, s.Docs, float64(s.Files)/secs)
	} else {
		figures = fmt.Sprintf("%d docs  %.0f docs/s  %.1f MB/s", s.Docs, float64(s.Docs)/secs, float64(s.Raw)/1e6/secs)
	}
	if p.tty {
		const width = 30
		n := int(frac * width)
		bar := strings.Repeat("=", n) + strings.Repeat(" ", width-n)
		if n < width {
			bar = bar[:n] + ">" + bar[n+1:]
		}
		fmt.Fprintf(p.w, "\r[%s] %3.0f%% %s  ETA %s   ", bar, frac*100, figures, eta)
		p.drawn = true
		return
	}
	fmt.Fprintf(p.w, "progress: %.0f%% %s, ETA %s\n", frac*100, strings.ReplaceAll(figures, "  ", ", "), eta)
}

func (p *progress) Done() {
	if p.tty && p.drawn {
		fmt.Fprint(p.w, "\n")
	}
}
