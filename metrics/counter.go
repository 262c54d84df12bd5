package metrics

import "sync/atomic"

// Counter is a count that only goes up, such as requests served.
type Counter struct {
	v atomic.Uint64
}

// Inc adds one.
func (c *Counter) Inc() { c.v.Add(1) }

// Add adds n.
func (c *Counter) Add(n uint64) { c.v.Add(n) }

// Value returns the count.
func (c *Counter) Value() uint64 { return c.v.Load() }

type counterFamily struct {
	desc
	c Counter
}

func (f *counterFamily) appendSamples(b []byte) []byte {
	return appendSample(b, f.name, "", nil, nil, "", "", float64(f.c.Value()))
}

// NewCounter registers and returns a counter without labels.
func (r *Registry) NewCounter(name, help string) *Counter {
	f := &counterFamily{desc: desc{name: name, help: help, typ: "counter"}}
	r.register(f)
	return &f.c
}

// CounterVec is a family of counters told apart by label values.
type CounterVec struct {
	desc
	v *vec[Counter]
}

// NewCounterVec registers and returns a family of counters with the given
// label names.
func (r *Registry) NewCounterVec(name, help string, labels ...string) *CounterVec {
	f := &CounterVec{desc: desc{name: name, help: help, typ: "counter", labels: labels}, v: newVec(labels, func() *Counter { return new(Counter) })}
	r.register(f)
	return f
}

// With returns the counter for the label values, given in the order of the
// label names; it creates the counter, at zero, on first use. It panics
// when the number of values differs from the number of labels.
func (f *CounterVec) With(values ...string) *Counter { return f.v.with(values) }

func (f *CounterVec) appendSamples(b []byte) []byte {
	for _, s := range f.v.sorted() {
		b = appendSample(b, f.name, "", f.labels, s.values, "", "", float64(s.m.Value()))
	}
	return b
}

// funcFamily is a counter or gauge whose value a function gives at each
// scrape.
type funcFamily struct {
	desc
	f func() float64
}

func (f *funcFamily) appendSamples(b []byte) []byte {
	return appendSample(b, f.name, "", nil, nil, "", "", f.f())
}

// NewCounterFunc registers a counter whose value f returns at each scrape,
// for counts kept elsewhere, such as the Go runtime's. f must be safe for
// concurrent use and never decrease.
func (r *Registry) NewCounterFunc(name, help string, f func() float64) {
	r.register(&funcFamily{desc: desc{name: name, help: help, typ: "counter"}, f: f})
}
