package metrics

import (
	"math"
	"sync/atomic"
)

// Gauge is a value that goes up and down, such as requests in flight.
type Gauge struct {
	bits atomic.Uint64 // math.Float64bits of the value
}

// Set sets the value.
func (g *Gauge) Set(v float64) { g.bits.Store(math.Float64bits(v)) }

// Add adds d, which may be negative.
func (g *Gauge) Add(d float64) { addFloat(&g.bits, d) }

// Inc adds one.
func (g *Gauge) Inc() { g.Add(1) }

// Dec subtracts one.
func (g *Gauge) Dec() { g.Add(-1) }

// Value returns the value.
func (g *Gauge) Value() float64 { return math.Float64frombits(g.bits.Load()) }

// addFloat adds d to the float64 whose bits p holds.
func addFloat(p *atomic.Uint64, d float64) {
	for {
		old := p.Load()
		if p.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+d)) {
			return
		}
	}
}

type gaugeFamily struct {
	desc
	g Gauge
}

func (f *gaugeFamily) appendSamples(b []byte) []byte {
	return appendSample(b, f.name, "", nil, nil, "", "", f.g.Value())
}

// NewGauge registers and returns a gauge without labels.
func (r *Registry) NewGauge(name, help string) *Gauge {
	f := &gaugeFamily{desc: desc{name: name, help: help, typ: "gauge"}}
	r.register(f)
	return &f.g
}

// GaugeVec is a family of gauges told apart by label values.
type GaugeVec struct {
	desc
	v *vec[Gauge]
}

// NewGaugeVec registers and returns a family of gauges with the given
// label names.
func (r *Registry) NewGaugeVec(name, help string, labels ...string) *GaugeVec {
	f := &GaugeVec{desc: desc{name: name, help: help, typ: "gauge", labels: labels}, v: newVec(labels, func() *Gauge { return new(Gauge) })}
	r.register(f)
	return f
}

// With returns the gauge for the label values, creating it, at zero, on
// first use.
func (f *GaugeVec) With(values ...string) *Gauge { return f.v.with(values) }

func (f *GaugeVec) appendSamples(b []byte) []byte {
	for _, s := range f.v.sorted() {
		b = appendSample(b, f.name, "", f.labels, s.values, "", "", s.m.Value())
	}
	return b
}

// NewGaugeFunc registers a gauge whose value f returns at each scrape,
// such as the size of a file. f must be safe for concurrent use; a slow f
// slows every scrape, so it should cache what is costly to find out.
func (r *Registry) NewGaugeFunc(name, help string, f func() float64) {
	r.register(&funcFamily{desc: desc{name: name, help: help, typ: "gauge"}, f: f})
}
