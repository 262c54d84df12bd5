// Package metrics keeps counters, gauges and histograms in memory and
// writes them in the Prometheus text exposition format (version 0.0.4).
// It has no dependency outside the standard library: recording a value is
// an atomic operation, and nothing is allocated on the hot path once a
// labelled series exists.
package metrics

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// ContentType is the media type of the text exposition format.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Registry holds metric families and writes them, sorted by name, for a
// scrape. Its New… methods panic on an invalid or duplicate name: metrics
// are declared once at start-up, and a mistake there is a programming
// error. A Registry is safe for concurrent use.
type Registry struct {
	mu       sync.Mutex
	families map[string]family
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{families: make(map[string]family)}
}

// family is one metric family: a name, its help and type, and the samples
// written at scrape time.
type family interface {
	describe() *desc
	// appendSamples appends the family's sample lines to b.
	appendSamples(b []byte) []byte
}

// desc describes a family.
type desc struct {
	name   string
	help   string
	typ    string // counter, gauge or histogram
	labels []string
}

func (d *desc) describe() *desc { return d }

func (r *Registry) register(f family) {
	d := f.describe()
	if !validMetricName(d.name) {
		panic(fmt.Sprintf("metrics: invalid metric name %q", d.name))
	}
	for i, l := range d.labels {
		if !validLabelName(l) || d.typ == "histogram" && l == "le" || slices.Contains(d.labels[:i], l) {
			panic(fmt.Sprintf("metrics: invalid label name %q for %s", l, d.name))
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.families[d.name]; dup {
		panic(fmt.Sprintf("metrics: %s registered twice", d.name))
	}
	r.families[d.name] = f
}

// WriteTo writes every family in the text exposition format: for each, a
// HELP and a TYPE line, then its samples.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	r.mu.Lock()
	fams := make([]family, 0, len(r.families))
	for _, f := range r.families {
		fams = append(fams, f)
	}
	r.mu.Unlock()
	slices.SortFunc(fams, func(a, b family) int { return strings.Compare(a.describe().name, b.describe().name) })
	b := make([]byte, 0, 4096)
	for _, f := range fams {
		d := f.describe()
		b = append(b, "# HELP "...)
		b = append(b, d.name...)
		b = append(b, ' ')
		b = appendEscaped(b, d.help, false)
		b = append(b, "\n# TYPE "...)
		b = append(b, d.name...)
		b = append(b, ' ')
		b = append(b, d.typ...)
		b = append(b, '\n')
		b = f.appendSamples(b)
	}
	n, err := w.Write(b)
	return int64(n), err
}

// Handler returns a handler that answers with the registry's samples.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var buf bytes.Buffer
		r.WriteTo(&buf)
		h := w.Header()
		h.Set("Content-Type", ContentType)
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Length", strconv.Itoa(buf.Len()))
		if req.Method != http.MethodHead {
			w.Write(buf.Bytes())
		}
	})
}

// appendSample appends one sample line: name{labels…,extra="…"} value.
// extraName is an additional label such as le, "" for none.
func appendSample(b []byte, name, suffix string, labels, values []string, extraName, extraValue string, v float64) []byte {
	b = append(b, name...)
	b = append(b, suffix...)
	if len(labels) > 0 || extraName != "" {
		b = append(b, '{')
		for i, l := range labels {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendLabel(b, l, values[i])
		}
		if extraName != "" {
			if len(labels) > 0 {
				b = append(b, ',')
			}
			b = appendLabel(b, extraName, extraValue)
		}
		b = append(b, '}')
	}
	b = append(b, ' ')
	b = appendFloat(b, v)
	return append(b, '\n')
}

func appendLabel(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, '=', '"')
	b = appendEscaped(b, value, true)
	return append(b, '"')
}

// appendEscaped appends s escaped as the format requires: backslash and
// newline always, the double quote in label values. Bytes that are not
// UTF-8 become U+FFFD, which Prometheus accepts.
func appendEscaped(b []byte, s string, quote bool) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\\':
				b = append(b, '\\', '\\')
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '"' && quote:
				b = append(b, '\\', '"')
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = utf8.AppendRune(b, utf8.RuneError)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// appendFloat appends v as Prometheus reads it: without an exponent
// unless very small or very large, +Inf, -Inf and NaN spelled as the
// format does.
func appendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsInf(v, 1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	case math.IsNaN(v):
		return append(b, "NaN"...)
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return strconv.AppendInt(b, int64(v), 10)
	case math.Abs(v) >= 1e-4 && math.Abs(v) < 1e15:
		return strconv.AppendFloat(b, v, 'f', -1, 64)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// validMetricName reports whether name matches [a-zA-Z_:][a-zA-Z0-9_:]*.
func validMetricName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return name != ""
}

// validLabelName reports whether name matches [a-zA-Z_][a-zA-Z0-9_]* and
// does not start with the reserved "__".
func validLabelName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return name != "" && !(len(name) >= 2 && name[:2] == "__")
}
