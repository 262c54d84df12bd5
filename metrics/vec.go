package metrics

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// vec holds the series of a labelled family, one metric M per combination
// of label values, created on first use.
type vec[M any] struct {
	labels []string
	newM   func() *M

	mu     sync.RWMutex
	series map[string]*series[M] // by seriesKey of the label values
}

// series is one metric of a vec with its label values.
type series[M any] struct {
	values []string
	m      *M
}

func newVec[M any](labels []string, newM func() *M) *vec[M] {
	return &vec[M]{labels: slices.Clone(labels), newM: newM, series: make(map[string]*series[M])}
}

// with returns the metric for the label values, creating it on first use.
// Looking up an existing series allocates nothing: the key is built in a
// buffer on the stack and the map is read with a converted byte slice.
func (v *vec[M]) with(values []string) *M {
	if len(values) != len(v.labels) {
		panic(fmt.Sprintf("metrics: %d label values for labels %v", len(values), v.labels))
	}
	var buf [128]byte
	key := seriesKey(buf[:0], values)
	v.mu.RLock()
	s, ok := v.series[string(key)]
	v.mu.RUnlock()
	if ok {
		return s.m
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if s, ok := v.series[string(key)]; ok {
		return s.m
	}
	s = &series[M]{values: slices.Clone(values), m: v.newM()}
	v.series[string(key)] = s
	return s.m
}

// seriesKey appends each value preceded by its length, so that no two
// lists of values share a key whatever bytes they hold.
func seriesKey(b []byte, values []string) []byte {
	for _, s := range values {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// sorted returns the series ordered by their label values, so that
// scrapes list them in a stable order.
func (v *vec[M]) sorted() []*series[M] {
	v.mu.RLock()
	all := make([]*series[M], 0, len(v.series))
	for _, s := range v.series {
		all = append(all, s)
	}
	v.mu.RUnlock()
	slices.SortFunc(all, func(a, b *series[M]) int { return slices.CompareFunc(a.values, b.values, strings.Compare) })
	return all
}
