package web

import (
	"strings"
	"testing"
)

// TestSecurityAccountLinksBounded (issue 16): the account links of an
// anonymous page are kept per path for short paths only, so that an
// attacker requesting 10,000 unique megabyte-long URLs cannot make the
// server hold gigabytes.
func TestSecurityAccountLinksBounded(t *testing.T) {
	for _, c := range []struct {
		path string
		kept bool
	}{
		{"/doc/gov-1", true},
		{"/search?q=" + strings.Repeat("%E5%AE%89", 200), false},
		{"/" + strings.Repeat("a", 1<<20), false},
	} {
		b := anonymousLinks(c.path)
		if !strings.Contains(string(b), `href="/login?next=`) {
			t.Errorf("links for a %d-byte path: %.80s", len(c.path), b)
		}
		anonLinks.Lock()
		_, kept := anonLinks.m[c.path]
		anonLinks.Unlock()
		if kept != c.kept {
			t.Errorf("links for a %d-byte path kept = %v, want %v", len(c.path), kept, c.kept)
		}
	}
}
