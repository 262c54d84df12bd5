package main

import (
	"errors"
	"math/rand/v2"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		status int
		err    error
		want   int
	}{
		{200, nil, classOK},
		{303, nil, classOK},
		{429, nil, classLimited},
		{402, nil, classRefused},
		{500, nil, classServer},
		{503, nil, classServer},
		{0, errors.New("connection refused"), classTransport},
	}
	for _, tt := range tests {
		if got := classify(tt.status, tt.err); got != tt.want {
			t.Errorf("classify(%d, %v) = %s, want %s", tt.status, tt.err, classNames[got], classNames[tt.want])
		}
	}
}

func TestMix(t *testing.T) {
	m, err := parseMix("page=3,search=1,upload=0")
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	counts := map[string]int{}
	for range 4000 {
		counts[m.draw(r)]++
	}
	if got := counts["upload"]; got != 0 {
		t.Errorf("upload drawn %d times with weight 0, want 0", got)
	}
	if got := counts["page"]; got < 2700 || got > 3300 {
		t.Errorf("page drawn %d times of 4000 with weight 3 of 4, want about 3000", got)
	}
	for _, bad := range []string{"page", "page=-1", "lunch=2", "page=x"} {
		if _, err := parseMix(bad); err == nil {
			t.Errorf("parseMix(%q): no error", bad)
		}
	}
}
