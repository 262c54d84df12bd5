// Package corpus reads the test corpus (shared/corpus/docs.jsonl.gz) for the
// benchmark generators and finds its words: without a dictionary, by the
// statistics of its character n-grams (frequency, cohesion and the variety
// of the characters around them), so that generated queries use words as a
// writer would type them rather than arbitrary character strings.
package corpus

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// DefaultPath is where the corpus lies relative to the repository root, as
// in CI (the repository's parent folder holds shared/).
const DefaultPath = "../shared/corpus/docs.jsonl.gz"

// Path returns the corpus path: the environment variable CORPUS, or
// DefaultPath.
func Path() string {
	if p := os.Getenv("CORPUS"); p != "" {
		return p
	}
	return DefaultPath
}

// Doc is one record of the corpus.
type Doc struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Date     string `json:"date"`
	Source   string `json:"source"`
	Category string `json:"category"`
	Body     string `json:"body"` // paragraphs split by \n
}

// Paragraphs returns the body's paragraphs.
func (d *Doc) Paragraphs() []string { return strings.Split(d.Body, "\n") }

// Load reads the corpus at path (gzip-compressed or not), in file order.
func Load(path string) ([]*Doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReaderSize(f, 1<<20)
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	var docs []*Doc
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		d := &Doc{}
		if err := json.Unmarshal(sc.Bytes(), d); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, line, err)
		}
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return docs, nil
}

// IsHan reports whether r is a CJK unified ideograph (basic block or
// extension A).
func IsHan(r rune) bool {
	return (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0x3400 && r <= 0x4DBF)
}

// HanRuns splits s into its maximal runs of Han characters.
func HanRuns(s string) [][]rune {
	var runs [][]rune
	var cur []rune
	for _, r := range s {
		if IsHan(r) {
			cur = append(cur, r)
			continue
		}
		if len(cur) > 0 {
			runs = append(runs, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		runs = append(runs, cur)
	}
	return runs
}

// AllHan reports whether s is made only of Han characters (and is not
// empty).
func AllHan(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !IsHan(r) {
			return false
		}
	}
	return true
}

// hanAt reports whether the UTF-8 sequence at s[i:] is a three-byte Han
// character.
func hanAt(s string, i int) bool {
	if i+3 > len(s) {
		return false
	}
	r := rune(s[i]&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
	return s[i]&0xF0 == 0xE0 && IsHan(r)
}

// Postings returns, for each Han word (up to 16 characters), the indexes of
// the documents whose title or body holds it, in ascending order. Words
// that are not all Han are ignored.
func Postings(docs []*Doc, words []string) map[string][]int {
	want := map[string]bool{}
	var lens []int // in bytes
	seenLen := map[int]bool{}
	for _, w := range words {
		if !AllHan(w) || len([]rune(w)) > 16 || len(w) != 3*len([]rune(w)) {
			continue
		}
		want[w] = true
		if !seenLen[len(w)] {
			seenLen[len(w)] = true
			lens = append(lens, len(w))
		}
	}
	out := map[string][]int{}
	for di, d := range docs {
		found := map[string]bool{}
		for _, s := range []string{d.Title, d.Body} {
			for i := 0; i < len(s); {
				if !hanAt(s, i) {
					i++
					continue
				}
				// s[i:j] is a run of Han characters.
				j := i
				for hanAt(s, j) {
					j += 3
				}
				for p := i; p < j; p += 3 {
					for _, l := range lens {
						if p+l > j {
							continue
						}
						if w := s[p : p+l]; want[w] && !found[w] {
							found[w] = true
							out[w] = append(out[w], di)
						}
					}
				}
				i = j
			}
		}
	}
	return out
}

// Intersect returns the indexes present in every list (each ascending).
func Intersect(lists ...[]int) []int {
	if len(lists) == 0 {
		return nil
	}
	out := append([]int(nil), lists[0]...)
	for _, l := range lists[1:] {
		set := make(map[int]bool, len(l))
		for _, x := range l {
			set[x] = true
		}
		keep := out[:0]
		for _, x := range out {
			if set[x] {
				keep = append(keep, x)
			}
		}
		out = keep
	}
	return out
}

// Year returns the year of a YYYY-MM-DD date, or 0.
func Year(date string) int {
	if len(date) < 4 {
		return 0
	}
	y := 0
	for _, c := range date[:4] {
		if c < '0' || c > '9' {
			return 0
		}
		y = y*10 + int(c-'0')
	}
	return y
}
