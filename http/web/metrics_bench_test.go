package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wengao/wengao/metrics"
)

// BenchmarkMetricsObserve is what the middleware records for a request.
func BenchmarkMetricsObserve(b *testing.B) {
	m := NewMetrics(metrics.NewRegistry())
	b.ReportAllocs()
	for b.Loop() {
		m.requests.With("GET /doc/{id}", methodLabel("GET"), statusLabel(200)).Inc()
		m.duration.With("GET /doc/{id}").Observe(0.0042)
	}
}

// BenchmarkMeasure times a request through the router alone and through
// the metrics middleware and router.
func BenchmarkMeasure(b *testing.B) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /doc/{id}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	s := &Core{Metrics: NewMetrics(metrics.NewRegistry())}
	for _, c := range []struct {
		name string
		h    http.Handler
	}{{"bare", mux}, {"measured", s.measure(mux)}} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/doc/gov-1", nil)
			w := &statusWriter{ResponseWriter: httptest.NewRecorder()}
			b.ReportAllocs()
			for b.Loop() {
				w.status = 0
				c.h.ServeHTTP(w, req)
			}
		})
	}
}
