package metrics

import (
	"runtime"
	rtmetrics "runtime/metrics"
	"time"
)

// processStart approximates the start of the process: the moment this
// package was initialised.
var processStart = time.Now()

// RegisterRuntime registers the Go runtime's basic figures and the
// process start time, under the names the Prometheus Go client uses:
// go_goroutines, go_memstats_heap_alloc_bytes, go_gc_cycles_total, go_info
// and process_start_time_seconds. They are read at each scrape.
func (r *Registry) RegisterRuntime() {
	r.NewGaugeFunc("go_goroutines", "Number of goroutines that currently exist.",
		func() float64 { return float64(runtime.NumGoroutine()) })
	r.NewGaugeFunc("go_memstats_heap_alloc_bytes", "Number of heap bytes allocated and still in use.",
		func() float64 { return readRuntime("/memory/classes/heap/objects:bytes") })
	r.NewCounterFunc("go_gc_cycles_total", "Number of completed garbage collection cycles.",
		func() float64 { return readRuntime("/gc/cycles/total:gc-cycles") })
	r.register(&constFamily{desc: desc{name: "go_info", help: "Information about the Go environment.", typ: "gauge", labels: []string{"version"}},
		values: []string{runtime.Version()}, v: 1})
	r.NewGaugeFunc("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
		func() float64 { return float64(processStart.UnixMicro()) / 1e6 })
}

// readRuntime returns one runtime/metrics figure, 0 when the runtime
// does not know the name.
func readRuntime(name string) float64 {
	s := []rtmetrics.Sample{{Name: name}}
	rtmetrics.Read(s)
	switch s[0].Value.Kind() {
	case rtmetrics.KindUint64:
		return float64(s[0].Value.Uint64())
	case rtmetrics.KindFloat64:
		return s[0].Value.Float64()
	}
	return 0
}

// constFamily is one series with fixed labels and value, such as go_info.
type constFamily struct {
	desc
	values []string
	v      float64
}

func (f *constFamily) appendSamples(b []byte) []byte {
	return appendSample(b, f.name, "", f.labels, f.values, "", "", f.v)
}
