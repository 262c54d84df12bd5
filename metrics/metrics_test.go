package metrics_test

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/wengao/wengao/metrics"
)

func TestWriteTo(t *testing.T) {
	reg := metrics.NewRegistry()
	c := reg.NewCounter("test_events_total", "Events seen.")
	c.Add(3)
	vec := reg.NewCounterVec("test_requests_total", "Requests by route.\nSecond line with a \\ backslash.", "route", "code")
	vec.With("GET /doc/{id}", "200").Inc()
	vec.With("GET /doc/{id}", "200").Inc()
	vec.With(`say "hi"`+"\n"+`C:\dir`, "404").Inc()
	vec.With("bad\xffutf8", "500").Inc()
	g := reg.NewGauge("test_temperature", "A gauge.")
	g.Set(21.5)
	g.Dec()
	reg.NewGaugeFunc("test_documents", "A gauge read at scrape.", func() float64 { return 1234567 })
	reg.NewGaugeFunc("test_start_seconds", "A large fraction.", func() float64 { return 1796016643.790226 })
	reg.NewGaugeFunc("test_tiny", "A tiny value.", func() float64 { return 0.0000652 })
	h := reg.NewHistogram("test_duration_seconds", "A histogram.", []float64{0.1, 1, math.Inf(1)})
	for _, v := range []float64{0.05, 0.1, 0.5, 1, 3} {
		h.Observe(v)
	}
	hv := reg.NewHistogramVec("test_size_bytes", "A labelled histogram.", []float64{10}, "kind")
	hv.With("b").Observe(20)
	hv.With("a").Observe(5)

	var buf bytes.Buffer
	if _, err := reg.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	want := `# HELP test_documents A gauge read at scrape.
# TYPE test_documents gauge
test_documents 1234567
# HELP test_duration_seconds A histogram.
# TYPE test_duration_seconds histogram
test_duration_seconds_bucket{le="0.1"} 2
test_duration_seconds_bucket{le="1"} 4
test_duration_seconds_bucket{le="+Inf"} 5
test_duration_seconds_sum 4.65
test_duration_seconds_count 5
# HELP test_events_total Events seen.
# TYPE test_events_total counter
test_events_total 3
# HELP test_requests_total Requests by route.\nSecond line with a \\ backslash.
# TYPE test_requests_total counter
test_requests_total{route="GET /doc/{id}",code="200"} 2
test_requests_total{route="bad\ufffdutf8",code="500"} 1
test_requests_total{route="say \"hi\"\nC:\\dir",code="404"} 1
# HELP test_size_bytes A labelled histogram.
# TYPE test_size_bytes histogram
test_size_bytes_bucket{kind="a",le="10"} 1
test_size_bytes_bucket{kind="a",le="+Inf"} 1
test_size_bytes_sum{kind="a"} 5
test_size_bytes_count{kind="a"} 1
test_size_bytes_bucket{kind="b",le="10"} 0
test_size_bytes_bucket{kind="b",le="+Inf"} 1
test_size_bytes_sum{kind="b"} 20
test_size_bytes_count{kind="b"} 1
# HELP test_start_seconds A large fraction.
# TYPE test_start_seconds gauge
test_start_seconds 1796016643.790226
# HELP test_temperature A gauge.
# TYPE test_temperature gauge
test_temperature 20.5
# HELP test_tiny A tiny value.
# TYPE test_tiny gauge
test_tiny 6.52e-05
`
	want = strings.Replace(want, `\ufffd`, "\ufffd", 1)
	if got := buf.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestHandler(t *testing.T) {
	reg := metrics.NewRegistry()
	reg.NewCounter("test_total", "A counter.").Inc()
	w := httptest.NewRecorder()
	reg.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if ct := w.Header().Get("Content-Type"); ct != metrics.ContentType {
		t.Errorf("Content-Type %q", ct)
	}
	if !strings.Contains(w.Body.String(), "\ntest_total 1\n") {
		t.Errorf("body:\n%s", w.Body)
	}
	w = httptest.NewRecorder()
	reg.Handler().ServeHTTP(w, httptest.NewRequest("HEAD", "/metrics", nil))
	if got := w.Code; got != http.StatusOK {
		t.Errorf("HEAD: w.Code = %v, want %v", got, http.StatusOK)
	}
	if got := w.Body.Len(); got != 0 {
		t.Errorf("HEAD: w.Body.Len() = %v, want %v", got, 0)
	}
}

func TestRuntime(t *testing.T) {
	reg := metrics.NewRegistry()
	reg.RegisterRuntime()
	var buf bytes.Buffer
	reg.WriteTo(&buf)
	for _, name := range []string{"go_goroutines ", "go_memstats_heap_alloc_bytes ", "go_gc_cycles_total ", `go_info{version="go`, "process_start_time_seconds "} {
		if !strings.Contains(buf.String(), "\n"+name) {
			t.Errorf("no %s in\n%s", name, buf.String())
		}
	}
	if strings.Contains(buf.String(), "_bytes 0\n") {
		t.Errorf("heap bytes read as 0:\n%s", buf.String())
	}
}

func TestRegisterPanics(t *testing.T) {
	for name, f := range map[string]func(*metrics.Registry){
		"duplicate":        func(r *metrics.Registry) { r.NewCounter("a_total", ""); r.NewGauge("a_total", "") },
		"bad metric name":  func(r *metrics.Registry) { r.NewCounter("a-b", "") },
		"bad label name":   func(r *metrics.Registry) { r.NewCounterVec("a_total", "", "bad-label") },
		"reserved label":   func(r *metrics.Registry) { r.NewCounterVec("a_total", "", "__x") },
		"repeated label":   func(r *metrics.Registry) { r.NewCounterVec("a_total", "", "x", "x") },
		"le on histogram":  func(r *metrics.Registry) { r.NewHistogramVec("a", "", nil, "le") },
		"unsorted buckets": func(r *metrics.Registry) { r.NewHistogram("a", "", []float64{1, 0.5}) },
		"label count":      func(r *metrics.Registry) { r.NewCounterVec("a_total", "", "x").With("1", "2") },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f(metrics.NewRegistry())
		})
	}
}

// TestNoAllocations checks that the hot path allocates nothing once a
// series exists.
func TestNoAllocations(t *testing.T) {
	reg := metrics.NewRegistry()
	vec := reg.NewCounterVec("a_total", "", "route", "method", "code")
	hv := reg.NewHistogramVec("b_seconds", "", metrics.DurationBuckets, "route")
	h := reg.NewHistogram("c_seconds", "", metrics.DurationBuckets)
	route, method, code := "GET /doc/{id}", "GET", "200"
	vec.With(route, method, code).Inc()
	hv.With(route).Observe(0.1)
	if n := testing.AllocsPerRun(1000, func() {
		vec.With(route, method, code).Inc()
		hv.With(route).Observe(0.003)
		h.Observe(7)
	}); n != 0 {
		t.Errorf("%v allocations per observation", n)
	}
}

// TestConcurrent records from many goroutines while scraping; run it with
// -race. Every scrape must show histograms whose +Inf bucket equals their
// count.
func TestConcurrent(t *testing.T) {
	reg := metrics.NewRegistry()
	vec := reg.NewCounterVec("req_total", "", "route")
	hv := reg.NewHistogramVec("req_seconds", "", []float64{0.5, 1}, "route")
	g := reg.NewGauge("inflight", "")
	const workers, each = 8, 2000
	var wg sync.WaitGroup
	stop := make(chan struct{})
	scraped := make(chan error, 1)
	go func() {
		var err error
		for {
			select {
			case <-stop:
				scraped <- err
				return
			default:
			}
			var buf bytes.Buffer
			reg.WriteTo(&buf)
			if err == nil {
				err = checkInfEqualsCount(buf.String())
			}
		}
	}()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				route := fmt.Sprintf("r%d", (w+i)%5)
				g.Inc()
				vec.With(route).Inc()
				hv.With(route).Observe(float64(i%3) / 2)
				g.Dec()
			}
		}()
	}
	wg.Wait()
	close(stop)
	if err := <-scraped; err != nil {
		t.Error(err)
	}
	var total, count uint64
	for i := range 5 {
		route := fmt.Sprintf("r%d", i)
		total += vec.With(route).Value()
		count += hv.With(route).Count()
	}
	if got := total; got != workers*each {
		t.Errorf("counted: total = %v, want %v", got, workers*each)
	}
	if got := count; got != workers*each {
		t.Errorf("counted: count = %v, want %v", got, workers*each)
	}
	if g.Value() != 0 {
		t.Errorf("gauge %v, want 0", g.Value())
	}
}

// checkInfEqualsCount checks, in an exposition, that each histogram's +Inf
// bucket equals its _count.
func checkInfEqualsCount(text string) error {
	inf := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		name, value, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		if i := strings.Index(name, `,le="+Inf"`); i >= 0 {
			inf[strings.Replace(name[:i], "_bucket{", "_count{", 1)+"}"] = value
		} else if strings.Contains(name, "_count{") {
			if inf[name] != value {
				return fmt.Errorf("%s is %s, +Inf bucket %s", name, value, inf[name])
			}
		}
	}
	return nil
}

func BenchmarkCounterVecInc(b *testing.B) {
	vec := metrics.NewRegistry().NewCounterVec("a_total", "", "route", "method", "code")
	b.ReportAllocs()
	for b.Loop() {
		vec.With("GET /doc/{id}", "GET", "200").Inc()
	}
}

func BenchmarkHistogramObserve(b *testing.B) {
	h := metrics.NewRegistry().NewHistogram("a_seconds", "", metrics.DurationBuckets)
	b.ReportAllocs()
	for b.Loop() {
		h.Observe(0.0042)
	}
}

func BenchmarkHistogramVecObserveParallel(b *testing.B) {
	hv := metrics.NewRegistry().NewHistogramVec("a_seconds", "", metrics.DurationBuckets, "route")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			hv.With("GET /doc/{id}").Observe(0.0042)
		}
	})
}

func BenchmarkWriteTo(b *testing.B) {
	reg := metrics.NewRegistry()
	reg.RegisterRuntime()
	vec := reg.NewCounterVec("a_total", "", "route", "method", "code")
	hv := reg.NewHistogramVec("a_seconds", "", metrics.DurationBuckets, "route")
	for i := range 40 {
		route := fmt.Sprintf("GET /route%d/{id}", i)
		vec.With(route, "GET", "200").Inc()
		hv.With(route).Observe(0.01)
	}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		reg.WriteTo(&buf)
	}
}
