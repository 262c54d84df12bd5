package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReplaceSectionKeepsTheOthers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reliability.md")
	before := "# Reliability\n\n## Security\n\nsecure\n\n## Soak\n\nold soak\n\n```sh\n## not a heading\n```\n\n## Faults\n\nfaults\n"
	if err := os.WriteFile(path, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := replaceSection(path, "## Soak\n\nnew soak\n\n"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	got := string(b)
	want := "# Reliability\n\n## Security\n\nsecure\n\n## Soak\n\nnew soak\n\n## Faults\n\nfaults\n"
	if got != want {
		t.Errorf("after replacing:\n%s\nwant:\n%s", got, want)
	}
}

func TestReplaceSectionAppendsAndCreates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reliability.md")
	if err := replaceSection(path, "## Soak\n\nfirst\n"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if got := string(b); !strings.HasPrefix(got, "# Reliability\n") || !strings.HasSuffix(got, "\n\n## Soak\n\nfirst\n") {
		t.Errorf("new file:\n%s\nwant a title, then the section", got)
	}
	if err := replaceSection(path, "## Soak\n\nsecond\n"); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(path)
	if got := strings.Count(string(b), "## Soak"); got != 1 {
		t.Errorf("%d Soak sections after a second run, want 1", got)
	}
	if strings.Contains(string(b), "first") {
		t.Errorf("the first run's section is still there:\n%s", b)
	}
}

// samplesOf makes a sample every 10 s for 20 minutes of f(t).
func samplesOf(f func(t float64) float64) []sample {
	var out []sample
	for t := 0.0; t <= 1200; t += 10 {
		out = append(out, sample{t: t, v: map[string]float64{"x": f(t)}})
	}
	return out
}

func TestSummarizeFlat(t *testing.T) {
	s := series{key: "x", scale: 1, tolerance: 0.1, floor: 1}
	tests := []struct {
		name string
		f    func(float64) float64
		want bool
	}{
		{"constant", func(float64) float64 { return 100 }, true},
		{"warms up, then flat", func(t float64) float64 { return 100 + min(t, 300)/3 }, true},
		{"one spike a minute", func(t float64) float64 {
			if int(t)%60 == 0 {
				return 1000
			}
			return 100
		}, true},
		{"grows all along", func(t float64) float64 { return 100 + t/6 }, false},
		{"falls", func(t float64) float64 { return 300 - t/6 }, true},
	}
	for _, tt := range tests {
		if got := summarize(samplesOf(tt.f), s).flat; got != tt.want {
			t.Errorf("%s: flat = %v, want %v", tt.name, got, tt.want)
		}
	}
}
