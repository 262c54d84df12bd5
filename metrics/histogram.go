package metrics

import (
	"fmt"
	"math"
	"slices"
	"sync/atomic"
	"time"
)

// DurationBuckets are upper bounds, in seconds, suited to the latency of
// web requests and queries: from a millisecond to ten seconds.
var DurationBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Histogram counts observations, such as request durations, in buckets
// fixed when it is made, and keeps their sum.
type Histogram struct {
	upper []float64       // bucket upper bounds, increasing, without +Inf
	les   []string        // upper formatted for the le label
	count []atomic.Uint64 // observations per bucket, not cumulative; the last is above every bound
	sum   atomic.Uint64   // math.Float64bits of the sum
}

func newHistogram(upper []float64, les []string) *Histogram {
	return &Histogram{upper: upper, les: les, count: make([]atomic.Uint64, len(upper)+1)}
}

// Observe records v. It allocates nothing and takes no lock.
func (h *Histogram) Observe(v float64) {
	i := 0
	for i < len(h.upper) && v > h.upper[i] {
		i++
	}
	h.count[i].Add(1)
	addFloat(&h.sum, v)
}

// ObserveDuration records d in seconds.
func (h *Histogram) ObserveDuration(d time.Duration) { h.Observe(d.Seconds()) }

// Count returns the number of observations.
func (h *Histogram) Count() uint64 {
	var n uint64
	for i := range h.count {
		n += h.count[i].Load()
	}
	return n
}

// Sum returns the sum of the observations.
func (h *Histogram) Sum() float64 { return math.Float64frombits(h.sum.Load()) }

// appendSamples appends the _bucket, _sum and _count lines. The count is
// the +Inf bucket, both taken from the bucket counters read once, so the
// two always agree even while observations arrive.
func (h *Histogram) appendSamples(b []byte, name string, labels, values []string) []byte {
	var cum uint64
	for i := range h.upper {
		cum += h.count[i].Load()
		b = appendSample(b, name, "_bucket", labels, values, "le", h.les[i], float64(cum))
	}
	cum += h.count[len(h.upper)].Load()
	b = appendSample(b, name, "_bucket", labels, values, "le", "+Inf", float64(cum))
	b = appendSample(b, name, "_sum", labels, values, "", "", h.Sum())
	return appendSample(b, name, "_count", labels, values, "", "", float64(cum))
}

// checkBuckets returns the bounds without a final +Inf, and their le
// labels; it panics unless they increase strictly.
func checkBuckets(name string, buckets []float64) ([]float64, []string) {
	upper := slices.Clone(buckets)
	if n := len(upper); n > 0 && math.IsInf(upper[n-1], 1) {
		upper = upper[:n-1]
	}
	les := make([]string, len(upper))
	for i, u := range upper {
		if math.IsNaN(u) || i > 0 && u <= upper[i-1] {
			panic(fmt.Sprintf("metrics: buckets of %s must increase: %v", name, buckets))
		}
		les[i] = string(appendFloat(nil, u))
	}
	return upper, les
}

type histogramFamily struct {
	desc
	h *Histogram
}

func (f *histogramFamily) appendSamples(b []byte) []byte {
	return f.h.appendSamples(b, f.name, nil, nil)
}

// NewHistogram registers and returns a histogram without labels, with the
// given bucket upper bounds (a +Inf bucket is always added). It panics
// unless the bounds increase.
func (r *Registry) NewHistogram(name, help string, buckets []float64) *Histogram {
	upper, les := checkBuckets(name, buckets)
	f := &histogramFamily{desc: desc{name: name, help: help, typ: "histogram"}, h: newHistogram(upper, les)}
	r.register(f)
	return f.h
}

// HistogramVec is a family of histograms told apart by label values, all
// with the same buckets.
type HistogramVec struct {
	desc
	v *vec[Histogram]
}

// NewHistogramVec registers and returns a family of histograms with the
// given buckets and label names.
func (r *Registry) NewHistogramVec(name, help string, buckets []float64, labels ...string) *HistogramVec {
	upper, les := checkBuckets(name, buckets)
	f := &HistogramVec{desc: desc{name: name, help: help, typ: "histogram", labels: labels},
		v: newVec(labels, func() *Histogram { return newHistogram(upper, les) })}
	r.register(f)
	return f
}

// With returns the histogram for the label values, creating it on first
// use.
func (f *HistogramVec) With(values ...string) *Histogram { return f.v.with(values) }

func (f *HistogramVec) appendSamples(b []byte) []byte {
	for _, s := range f.v.sorted() {
		b = s.m.appendSamples(b, f.name, f.labels, s.values)
	}
	return b
}
