package sqlite_test

import (
	"context"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlstore/storetest"
)

// BenchmarkSearch runs typical queries against the sample library.
func BenchmarkSearch(b *testing.B) {
	db := MustOpenSampleDB(b)
	for _, q := range []struct{ name, query string }{
		{"word", "安全生产"},
		{"two-words", "生态环境 保护"},
		{"phrase", `"人民政府应当"`},
		{"traditional", "國務院辦公廳"},
		{"common", "规定"},
		{"filter", "管理 category:法律法规 from:2020"},
	} {
		b.Run(q.name, func(b *testing.B) {
			ctx := context.Background()
			req := wengao.SearchRequest{Query: q.query, Limit: 10}
			for b.Loop() {
				if _, err := db.Search(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSaveDocuments measures indexing: the sample library saved again
// under new ids, in batches of 64.
func BenchmarkSaveDocuments(b *testing.B) {
	docs := sampleDocs(b)
	var bytes int64
	for _, d := range docs {
		bytes += int64(len(d.Title))
		for _, p := range d.Body {
			bytes += int64(len(p))
		}
	}
	b.SetBytes(bytes)
	n := 0
	for b.Loop() {
		b.StopTimer()
		db := MustOpenDB(b)
		b.StartTimer()
		for i := 0; i < len(docs); i += 64 {
			batch := docs[i:min(i+64, len(docs))]
			for _, d := range batch {
				d.ID = d.ID + "-" + string(rune('a'+n%26))
			}
			if _, err := db.SaveDocuments(context.Background(), batch); err != nil {
				b.Fatal(err)
			}
		}
		n++
	}
}

// BenchmarkInstances: see storetest.BenchmarkInstances.
func BenchmarkInstances(b *testing.B) {
	storetest.BenchmarkInstances(b, MustOpenDB(b).Store)
}
