package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/importer"
	"github.com/wengao/wengao/sample"
)

// collector is a DocumentService that only keeps what it is given.
type collector struct {
	wengao.DocumentService
	docs []*wengao.Document
}

func (c *collector) SaveDocuments(_ context.Context, docs []*wengao.Document) ([]wengao.ImportResult, error) {
	c.docs = append(c.docs, docs...)
	return make([]wengao.ImportResult, len(docs)), nil
}

// TestPrepareDocumentStoredForms pins what Prepare derives, which
// the stored hashes and index rows of existing libraries depend on, to its
// first, allocation-heavy formulation.
func TestPrepareDocumentStoredForms(t *testing.T) {
	r, err := sample.JSONL()
	if err != nil {
		t.Fatal(err)
	}
	c := &collector{}
	if _, err := (&importer.Importer{Service: c}).RunJSONL(context.Background(), "sample.jsonl", r); err != nil {
		t.Fatal(err)
	}
	docs := c.docs
	docs = append(docs, &wengao.Document{ID: "odd", Title: "Ｔｉｔｌｅ 繁體\xff", Body: []string{"第一條\u3000ＡＢＣ 測試\xfe", "", "𠀀𠀁 é"}})
	for _, d := range docs {
		d := *d
		d.Body = slices.Clone(d.Body)
		p := Prepare(&d)
		if p.Err != nil {
			t.Fatalf("%s: %v", d.ID, p.Err)
		}
		titleNorm := chinese.NormalizeRunes(nil, d.Title, nil)
		bodyNorm := chinese.NormalizeRunes(nil, p.Body, nil)
		wantTitleToks := string(chinese.AppendTokens(nil, titleNorm))
		wantBodyToks := string(chinese.AppendTokens(chinese.AppendTokens(nil, titleNorm), bodyNorm))
		h := sha256.New()
		h.Write([]byte(string(titleNorm)))
		h.Write([]byte{0})
		h.Write([]byte(string(bodyNorm)))
		wantHash := hex.EncodeToString(h.Sum(nil))
		rh := sha256.New()
		for _, f := range []string{wantHash, d.Title, d.Date, d.Category, p.Tags, d.Source, d.Author, p.Body, p.Outline} {
			rh.Write([]byte(f))
			rh.Write([]byte{0})
		}
		wantRecord := hex.EncodeToString(rh.Sum(nil))
		for _, c := range []struct{ name, got, want string }{
			{"title tokens", p.TitleToks, wantTitleToks},
			{"body tokens", p.BodyToks, wantBodyToks},
			{"hash", p.Hash, wantHash},
			{"record hash", p.RecordHash, wantRecord},
		} {
			if c.got != c.want {
				t.Errorf("%s: %s: got %.80q, want %.80q", d.ID, c.name, c.got, c.want)
			}
		}
		if got, want := p.Size, len(bodyNorm); got != want {
			t.Errorf("%s: size %d, want %d", d.ID, got, want)
		}
	}
}

// BenchmarkPrepare derives the stored forms of the sample
// documents, as the workers of SaveDocuments do.
func BenchmarkPrepare(b *testing.B) {
	r, err := sample.JSONL()
	if err != nil {
		b.Fatal(err)
	}
	c := &collector{}
	if _, err := (&importer.Importer{Service: c}).RunJSONL(context.Background(), "sample.jsonl", r); err != nil {
		b.Fatal(err)
	}
	var bytes int64
	for _, d := range c.docs {
		bytes += int64(len(d.Title))
		for _, p := range d.Body {
			bytes += int64(len(p))
		}
	}
	b.SetBytes(bytes)
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range c.docs {
			d := *d
			d.Body = slices.Clone(d.Body)
			Prepare(&d)
		}
	}
}
