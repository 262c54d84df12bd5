package convert

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"
	"unicode"

	"github.com/ledongthuc/pdf"

	"github.com/wengao/wengao"
)

// The pure-Go PDF reader runs in a child process: the running executable,
// started again with workerEnv set, which init below catches before main
// runs. A hostile PDF can send a reader into unbounded recursion (a stack
// overflow is fatal in Go, not a panic), into huge allocations or into an
// endless loop over a cyclic object graph; in a child process, with its
// address space capped and a deadline, such a file costs one failed
// conversion instead of the server.
const (
	workerEnv = "WENGAO_CONVERT_WORKER"
	workerArg = "wengao-convert-pdf-worker"
)

// Exit codes of the worker.
const (
	workerOK        = 0
	workerCorrupt   = 4
	workerEncrypted = 5
)

// init turns the process into the worker when it was started as one: both
// the variable and the argument must be there, so that neither alone (an
// operator's stray export) can hijack the server.
func init() {
	if os.Getenv(workerEnv) == "pdf" && len(os.Args) == 2 && os.Args[1] == workerArg {
		os.Exit(pdfWorkerMain(os.Stdin, os.Stdout))
	}
}

// runPDFWorker reads a PDF in a child process running the pure-Go reader.
func runPDFWorker(ctx context.Context, data []byte, lim Limits) (*Result, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, errorf(wengao.EUNAVAILABLE, msgNoPDFConverter)
	}
	t := tool{
		path:  exe,
		args:  []string{workerArg},
		stdin: bytes.NewReader(data),
		env: toolEnv(os.TempDir(), workerEnv+"=pdf", "GOMAXPROCS=1",
			fmt.Sprintf("GOMEMLIMIT=%dMiB", max(lim.ToolMemory>>21, 64))),
		limitMem: !raceEnabled, // the race detector reserves terabytes of address space
	}
	c := &collector{max: lim.MaxTextBytes}
	stats, err := runPDFWords(ctx, lim, t, c)
	var te *toolError
	if errors.As(err, &te) {
		if te.exitCode == workerEncrypted {
			return nil, errorf(wengao.EINVALID, msgEncrypted)
		}
		return nil, errCorrupt()
	}
	if err != nil {
		return nil, err
	}
	return pdfResult(c, stats, data, ToolGo)
}

// pdfWorkerMain is the child: it reads a PDF from stdin and writes its
// words in the TSV format of pdftotext -tsv to stdout.
func pdfWorkerMain(stdin io.Reader, stdout io.Writer) int {
	data, err := io.ReadAll(stdin)
	if err != nil {
		return workerCorrupt
	}
	w := bufio.NewWriter(stdout)
	code := writePDFWords(w, data)
	if err := w.Flush(); err != nil {
		return workerCorrupt
	}
	return code
}

// writePDFWords writes the words of every page it can read.
func writePDFWords(w io.Writer, data []byte) (code int) {
	defer func() {
		if recover() != nil {
			code = workerCorrupt
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) || hasEncryptDict(data) {
			return workerEncrypted
		}
		return workerCorrupt
	}
	n := r.NumPage()
	read := 0
	for i := 1; i <= n; i++ {
		fmt.Fprintf(w, "1\t%d\t0\t0\t0\t0\t0\t0\t0\t0\t-1\t###PAGE###\n", i)
		if writePageWords(w, r, i) {
			read++
		}
	}
	if n > 0 && read == 0 {
		return workerCorrupt
	}
	return workerOK
}

// glyph is one character placed on a page; base (its baseline) grows
// downwards from an arbitrary origin, as only differences matter.
type glyph struct {
	x, base, size float64
	s             string
}

// writePageWords writes the lines and words of page i; it reports false
// when the page could not be read.
func writePageWords(w io.Writer, r *pdf.Reader, i int) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	p := r.Page(i)
	if p.V.IsNull() {
		return false
	}
	var glyphs []glyph
	for _, t := range p.Content().Text {
		if strings.TrimSpace(t.S) == "" || t.FontSize <= 0 {
			continue
		}
		glyphs = append(glyphs, glyph{x: t.X, base: -t.Y, size: t.FontSize, s: t.S})
	}
	for j, line := range glyphLines(glyphs) {
		writeLine(w, i, j, line)
	}
	return true
}

// glyphLines groups glyphs into lines by baseline, top to bottom, each
// sorted left to right.
func glyphLines(glyphs []glyph) [][]glyph {
	sort.SliceStable(glyphs, func(a, b int) bool { return glyphs[a].base < glyphs[b].base })
	var lines [][]glyph
	for _, g := range glyphs {
		if n := len(lines); n > 0 {
			first := lines[n-1][0]
			if math.Abs(g.base-first.base) <= 0.3*math.Min(g.size, first.size) {
				lines[n-1] = append(lines[n-1], g)
				continue
			}
		}
		lines = append(lines, []glyph{g})
	}
	for _, l := range lines {
		sort.SliceStable(l, func(a, b int) bool { return l[a].x < l[b].x })
	}
	return lines
}

// writeLine writes one line record and its words: glyphs closer than a
// third of their size are one word.
func writeLine(w io.Writer, page, n int, line []glyph) {
	last := line[len(line)-1]
	x0, x1 := line[0].x, last.x+advance(last)
	fmt.Fprintf(w, "4\t%d\t0\t0\t%d\t0\t%.2f\t%.2f\t%.2f\t%.2f\t-1\t###LINE###\n", page, n, x0, line[0].base-line[0].size, x1-x0, line[0].size)
	word := 0
	var text strings.Builder
	start, end, size, top := 0.0, 0.0, 0.0, 0.0
	flush := func() {
		if text.Len() > 0 {
			fmt.Fprintf(w, "5\t%d\t0\t0\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t100\t%s\n", page, n, word, start, top, end-start, size, text.String())
			word++
			text.Reset()
		}
	}
	for _, g := range line {
		if text.Len() > 0 && g.x-end > g.size/3 {
			flush()
		}
		if text.Len() == 0 {
			start, size, top = g.x, g.size, g.base-g.size
		}
		text.WriteString(strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || unicode.IsControl(r) {
				return -1
			}
			return r
		}, g.s))
		end = math.Max(end, g.x+advance(g))
	}
	flush()
}

// advance estimates the width of a glyph: the reader gives no widths for
// CID fonts, so a full em for Chinese characters and half for others.
func advance(g glyph) float64 {
	for _, r := range g.s {
		if isWide(r) {
			return g.size
		}
	}
	return g.size / 2
}
