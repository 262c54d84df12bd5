package convert

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The real files of shared/corpus/files are converted and compared with a
// reference: antiword's text output for .doc, pdftotext's plain output
// for .pdf, and the raw w:t text of the XML for .docx. The counts of Han
// characters must agree within 1%, and the reference's lines must be found
// in the converted text.

// corpusTolerance is the largest relative difference of Han counts.
const corpusTolerance = 0.01

func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatalf("no files in %s: %v", dir, err)
	}
	if len(files) == 0 {
		t.Fatalf("no files in %s: %v (want not len(files) == 0)", dir, err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			switch strings.ToLower(filepath.Ext(name)) {
			case ".doc":
				requireTool(t, "antiword")
				ref := runReference(t, "antiword", "-m", "UTF-8.txt", "-w", "0", path)
				compareWithReference(t, name, data, ref, ToolAntiword)
			case ".pdf":
				requireTool(t, "pdftotext")
				ref := runReference(t, "pdftotext", "-enc", "UTF-8", path, "-")
				compareWithReference(t, name, data, ref, ToolPdftotext)
				t.Run("go", func(t *testing.T) {
					withoutPdftotext(t)
					compareWithReference(t, name, data, ref, ToolGo)
				})
			case ".docx":
				compareWithReference(t, name, data, docxReference(t, data), ToolGo)
			default:
				t.Skipf("no reference for %s", name)
			}
		})
	}
}

// withoutPdftotext hides pdftotext for the rest of the test, keeping the
// shell on PATH.
func withoutPdftotext(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	if sh, err := exec.LookPath("sh"); err == nil {
		if err := os.Symlink(sh, filepath.Join(dir, "sh")); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
}

// runReference runs a reference tool and returns its output.
func runReference(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return string(out)
}

var wordText = regexp.MustCompile(`<w:t(?:\s[^>]*)?>([^<]*)</w:t>`)

// docxReference gathers the w:t text of a .docx with a regular
// expression, independently of the converter's parser.
func docxReference(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range zr.File {
		switch f.Name {
		case "word/document.xml", "word/footnotes.xml", "word/endnotes.xml":
		default:
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		xml, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		// One line per paragraph, so that lines can be sampled.
		for _, p := range strings.Split(string(xml), "</w:p>") {
			for _, m := range wordText.FindAllStringSubmatch(p, -1) {
				b.WriteString(m[1])
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// compareWithReference converts data and compares it with ref.
func compareWithReference(t *testing.T, name string, data []byte, ref, tool string) {
	t.Helper()
	res := mustConvert(t, name, data)
	if res.Tool != tool {
		t.Errorf("tool = %q, want %q", res.Tool, tool)
	}
	text := strings.Join(res.Paragraphs, "\n")
	got, want := hanCount(text), hanCount(ref)
	diff := float64(got-want) / float64(max(want, 1))
	t.Logf("%s [%s]: %d Han characters, reference %d (%+.2f%%), %d paragraphs, title %q",
		name, tool, got, want, 100*diff, len(res.Paragraphs), res.Title)
	if want == 0 {
		t.Errorf("Han characters %d, reference %d: more than %.0f%% apart (want not want == 0)", got, want, 100*corpusTolerance)
	}
	if diff > corpusTolerance {
		t.Errorf("Han characters %d, reference %d: more than %.0f%% apart (want not diff > corpusTolerance)", got, want, 100*corpusTolerance)
	}
	if diff < -corpusTolerance {
		t.Errorf("Han characters %d, reference %d: more than %.0f%% apart (want not diff < -corpusTolerance)", got, want, 100*corpusTolerance)
	}
	squashed := squash(text)
	lines, found := 0, 0
	for _, line := range strings.Split(ref, "\n") {
		if strings.Contains(line, "|") || hanCount(line) < 12 {
			continue // table fragments and short lines
		}
		lines++
		if strings.Contains(squashed, squash(line)) {
			found++
		} else if lines-found <= 3 {
			t.Logf("reference line not found: %q", line)
		}
	}
	t.Logf("%s [%s]: %d of %d reference lines found", name, tool, found, lines)
	if found*100 < lines*95 {
		t.Errorf("only %d of %d reference lines found in the text", found, lines)
	}
	if res.Title == "" {
		t.Errorf("no title")
	}
}
