package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/wengao/wengao/importer"
	"github.com/wengao/wengao/sqlite"
	"golang.org/x/term"
)

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, data := newFlagSet("import", stderr)
	batch := fs.Int("batch", 256, "documents per transaction")
	quiet := fs.Bool("quiet", false, "no progress output")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wengao import [--data DIR] PATH...\n\nPATH is a .jsonl or .jsonl.gz file (fields id, title, date, source, category, body) or a folder of .txt/.md files.")
		fs.PrintDefaults()
	}
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fs.Usage()
		return exitError(2)
	}
	db, err := sqlite.Open(*data)
	if err != nil {
		return err
	}
	defer db.Close()

	im := &importer.Importer{Service: db, BatchSize: *batch}
	if !*quiet {
		im.Progress = newProgress(stderr)
	}
	sum, runErr := im.Run(ctx, paths)
	if runErr == nil && ctx.Err() == nil && sum.Imported+sum.Updated > 0 {
		// Merge index segments and fold the log into the file.
		if err := db.Optimize(context.WithoutCancel(ctx)); err != nil {
			fmt.Fprintln(stderr, "warning: optimize:", err)
		}
		db.Checkpoint(context.WithoutCancel(ctx))
	}
	printSummary(stdout, sum)
	if ctx.Err() != nil {
		fmt.Fprintln(stdout, "interrupted: the documents listed as imported are saved; run the same command again to finish.")
		return exitError(130)
	}
	if runErr != nil {
		return runErr
	}
	if len(sum.Failures) > 0 {
		return exitError(1)
	}
	return nil
}

func printSummary(w io.Writer, s *importer.Summary) {
	secs := s.Elapsed.Seconds()
	fmt.Fprintf(w, "imported %d, updated %d, unchanged %d, duplicates %d, failed %d in %.1fs (%.0f docs/s, %.1f MB/s)\n",
		s.Imported, s.Updated, s.Unchanged, len(s.Duplicates), len(s.Failures), secs,
		float64(s.Docs())/max(secs, 1e-9), float64(s.Bytes)/1e6/max(secs, 1e-9))
	const show = 20
	for i, d := range s.Duplicates {
		if i == show {
			fmt.Fprintf(w, "  … and %d more duplicates\n", len(s.Duplicates)-show)
			break
		}
		fmt.Fprintf(w, "  duplicate: %s has the same text as %s\n", d.ID, d.Of)
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

// progress draws a progress bar on a terminal, or prints a plain line every
// few seconds otherwise.
type progress struct {
	w        io.Writer
	tty      bool
	last     time.Time
	drawn    bool
	lastLine string
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	return p
}

func (p *progress) Update(docs int, done, raw, total int64, elapsed time.Duration) {
	now := time.Now()
	interval := 5 * time.Second
	if p.tty {
		interval = 100 * time.Millisecond
	}
	if now.Sub(p.last) < interval {
		return
	}
	p.last = now
	secs := max(elapsed.Seconds(), 1e-9)
	rate := float64(docs) / secs
	mbps := float64(raw) / 1e6 / secs
	frac := 0.0
	if total > 0 {
		frac = min(float64(done)/float64(total), 1)
	}
	eta := "?"
	if frac > 0 {
		eta = (time.Duration(secs*(1-frac)/frac) * time.Second).Round(time.Second).String()
	}
	if p.tty {
		const width = 30
		n := int(frac * width)
		bar := strings.Repeat("=", n) + strings.Repeat(" ", width-n)
		if n < width {
			bar = bar[:n] + ">" + bar[n+1:]
		}
		fmt.Fprintf(p.w, "\r[%s] %3.0f%% %d docs  %.0f docs/s  %.1f MB/s  ETA %s   ", bar, frac*100, docs, rate, mbps, eta)
		p.drawn = true
		return
	}
	fmt.Fprintf(p.w, "progress: %.0f%% %d docs, %.0f docs/s, %.1f MB/s, ETA %s\n", frac*100, docs, rate, mbps, eta)
}

func (p *progress) Done() {
	if p.tty && p.drawn {
		fmt.Fprint(p.w, "\n")
	}
}
