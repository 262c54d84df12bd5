package convert

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/wengao/wengao"
)

// scannedCharsPerPage is the fewest non-space characters a page of a PDF
// with a text layer has on average; below it the PDF is taken as scanned.
const scannedCharsPerPage = 30

// convertPDF reads the text layer of a PDF: with pdftotext when it is
// installed, else with the pure-Go reader in a child process.
func convertPDF(ctx context.Context, data []byte, lim Limits) (*Result, error) {
	if path, err := exec.LookPath("pdftotext"); err == nil {
		res, err := runPdftotext(ctx, path, data, lim)
		if !errors.Is(err, errNoTSV) {
			return res, err
		}
	}
	return runPDFWorker(ctx, data, lim)
}

// errNoTSV reports a pdftotext too old for -tsv; the Go reader is used
// instead.
var errNoTSV = errors.New("pdftotext lacks -tsv")

// runPdftotext extracts the words of a PDF with their boxes
// (pdftotext -tsv) and rebuilds lines and paragraphs from them.
func runPdftotext(ctx context.Context, path string, data []byte, lim Limits) (*Result, error) {
	file, err := writeTemp(data, "wengao-convert-*.pdf")
	if err != nil {
		return nil, err
	}
	defer os.Remove(file)
	t := tool{
		path:     path,
		args:     []string{"-tsv", "-enc", "UTF-8", file, "-"},
		env:      toolEnv(os.TempDir()),
		limitMem: true,
		stderr:   &cappedBuffer{},
	}
	c := &collector{max: lim.MaxTextBytes}
	stats, err := runPDFWords(ctx, lim, t, c)
	var te *toolError
	if errors.As(err, &te) {
		switch {
		case strings.Contains(te.stderr, "-tsv") || strings.Contains(te.stderr, "Usage"):
			return nil, errNoTSV
		case strings.Contains(te.stderr, "password") || te.exitCode == 3 || hasEncryptDict(data):
			return nil, errorf(wengao.EINVALID, msgEncrypted)
		}
		return nil, errCorrupt()
	}
	if err != nil {
		return nil, err
	}
	if stats.chars == 0 && strings.Contains(t.stderr.String(), "Error") {
		// No text, and poppler complained: broken rather than scanned.
		return nil, errCorrupt()
	}
	return pdfResult(c, stats, data, ToolPdftotext)
}

// pdfResult checks that a PDF had a text layer and builds the Result.
func pdfResult(c *collector, stats pdfStats, data []byte, toolName string) (*Result, error) {
	if stats.pages == 0 {
		if hasEncryptDict(data) {
			return nil, errorf(wengao.EINVALID, msgEncrypted)
		}
		return nil, errCorrupt()
	}
	if stats.chars < scannedCharsPerPage*stats.pages {
		return nil, errorf(wengao.EINVALID, msgScanned)
	}
	return c.result(FormatPDF, toolName, "")
}

// hasEncryptDict reports whether the trailer of a PDF names an /Encrypt
// dictionary (trailers and cross-reference stream dictionaries are never
// compressed, so a byte search finds it).
func hasEncryptDict(data []byte) bool {
	return bytes.Contains(data, []byte("/Encrypt"))
}

// runPDFWords runs a tool that prints pdftotext's -tsv word boxes and
// reads them into c.
func runPDFWords(ctx context.Context, lim Limits, t tool, c *collector) (pdfStats, error) {
	var stats pdfStats
	err := runTool(ctx, lim, t, func(r io.Reader) error {
		var readErr error
		stats, readErr = readPDFWords(r, c)
		return readErr
	})
	return stats, err
}
