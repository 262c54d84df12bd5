package http_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

func BenchmarkDocumentPage(b *testing.B) {
	e := newSampleEnv(b)
	// Wired as in production (every server is): the slots look at
	// accounts, settings and masking rules on every request.
	req := httptest.NewRequest("GET", "/doc/gov-4840e2ef5ea7", nil)
	req.Header.Set("User-Agent", browserUA)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		e.srv.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}

func BenchmarkSearchPage(b *testing.B) {
	e := newSampleEnv(b)
	// One client asking again and again: lift the per-visitor limit,
	// or the benchmark measures the 429 page.
	e.srv.Settings.SearchPerMinute = 0
	req := httptest.NewRequest("GET", "/search?q="+url.QueryEscape("安全生产"), nil)
	req.Header.Set("User-Agent", browserUA)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		e.srv.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}
