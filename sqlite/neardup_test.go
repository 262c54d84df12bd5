package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/importer"
	"github.com/wengao/wengao/neardup"
	"github.com/wengao/wengao/sharedtest"
	"github.com/wengao/wengao/sqlite"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

// editDoc returns a copy of d under id whose Han characters are each, with
// probability rate, replaced by another of the text, preceded by one or
// deleted.
func editDoc(d *wengao.Document, id string, rate float64, seed uint64) *wengao.Document {
	rng := rand.New(rand.NewPCG(seed, 77))
	var han []rune
	for _, p := range d.Body {
		for _, r := range p {
			if r >= 0x4E00 && r <= 0x9FFF {
				han = append(han, r)
			}
		}
	}
	e := *d
	e.ID, e.Hash, e.Outline = id, "", nil
	e.Body = make([]string, len(d.Body))
	for i, p := range d.Body {
		var sb strings.Builder
		for _, r := range p {
			if r < 0x4E00 || r > 0x9FFF || rng.Float64() >= rate {
				sb.WriteRune(r)
				continue
			}
			switch rng.IntN(3) {
			case 0:
				sb.WriteRune(han[rng.IntN(len(han))])
			case 1:
				sb.WriteRune(han[rng.IntN(len(han))])
				sb.WriteRune(r)
			}
		}
		e.Body[i] = sb.String()
	}
	return &e
}

func cloneDoc(d *wengao.Document) *wengao.Document {
	c := *d
	c.Body = slices.Clone(d.Body)
	c.Outline = nil
	return &c
}

func docRunes(d *wengao.Document) int {
	n := 0
	for _, p := range d.Body {
		n += utf8.RuneCountInString(p)
	}
	return n
}

// unrelatedTo returns the first of docs whose exact similarity to every one
// of others is below 0.6, far below the threshold.
func unrelatedTo(t *testing.T, docs, others []*wengao.Document) *wengao.Document {
	t.Helper()
	text := func(d *wengao.Document) []string { return append([]string{d.Title}, d.Body...) }
next:
	for _, d := range docs {
		if docRunes(d) < 1000 {
			continue
		}
		for _, o := range others {
			if neardup.ExactSimilarity(text(d), text(o)) >= 0.6 {
				continue next
			}
		}
		return d
	}
	t.Fatal("no unrelated document")
	return nil
}

// longDoc returns the first of docs with at least 3,000 characters.
func longDoc(t *testing.T, docs []*wengao.Document) *wengao.Document {
	t.Helper()
	for _, d := range docs {
		if docRunes(d) >= 3000 {
			return d
		}
	}
	t.Fatal("no long document")
	return nil
}

func save(t *testing.T, db *sqlite.DB, docs ...*wengao.Document) []wengao.ImportResult {
	t.Helper()
	res, err := db.SaveDocuments(context.Background(), docs)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestNearDuplicateImport(t *testing.T) {
	all := sampleDocs(t)
	// Small batches look near-duplicates up in SQL, large ones in memory:
	// both must report the same.
	for _, batch := range []int{1, 8, 200} {
		db := MustOpenDB(t)
		first := all[:120]
		orig := longDoc(t, first)
		other := unrelatedTo(t, all[120:], first)
		var docs []*wengao.Document
		for _, d := range first {
			docs = append(docs, cloneDoc(d))
		}
		// A copy with 10 % of its characters edited, saved after its
		// original (in the same batch when batches are large).
		docs = append(docs, editDoc(orig, "copy10", 0.10, 1), cloneDoc(other))
		var res []wengao.ImportResult
		for i := 0; i < len(docs); i += batch {
			res = append(res, save(t, db, docs[i:min(i+batch, len(docs))]...)...)
		}
		copyRes, otherRes := res[len(res)-2], res[len(res)-1]
		if got := copyRes.Outcome; got != wengao.Imported {
			t.Fatalf("batch %d: copyRes.Outcome = %v, want %v", batch, got, wengao.Imported)
		}
		if got := copyRes.NearDuplicateOf; got != orig.ID {
			t.Fatalf("batch %d: copyRes.NearDuplicateOf = %v, want %v", batch, got, orig.ID)
		}
		if copyRes.Similarity < 0.8 {
			t.Fatalf("batch %d: 10%%-edited copy of %s: %+v (want not copyRes.Similarity < 0.8)", batch, orig.ID, copyRes)
		}
		if copyRes.Similarity >= 1 {
			t.Fatalf("batch %d: 10%%-edited copy of %s: %+v (want not copyRes.Similarity >= 1)", batch, orig.ID, copyRes)
		}
		if got := otherRes.Outcome; got != wengao.Imported {
			t.Fatalf("batch %d: otherRes.Outcome = %v, want %v", batch, got, wengao.Imported)
		}
		if got := otherRes.NearDuplicateOf; got != "" {
			t.Fatalf("batch %d: otherRes.NearDuplicateOf = %v, want %v", batch, got, "")
		}
		if got := otherRes.Similarity; got != 0 {
			t.Fatalf("batch %d: otherRes.Similarity = %v, want %v", batch, got, 0)
		}
		for i, r := range res[:len(first)] {
			if r.NearDuplicateOf == r.ID {
				t.Fatalf("batch %d: document %d: %+v (want not r.NearDuplicateOf == r.ID)", batch, i, r)
			}
			if r.NearDuplicateOf != "" && r.Similarity < 0.8 {
				t.Fatalf("batch %d: document %d: %+v (want not (r.NearDuplicateOf != \"\" && r.Similarity < 0.8))", batch, i, r)
			}
		}

		// An exact duplicate is skipped and names the original, whatever
		// the near-duplicates.
		dup := cloneDoc(orig)
		dup.ID = "dup"
		{
			r := save(t, db, dup)[0]
			if got := r.Outcome; got != wengao.Duplicate {
				t.Fatalf("batch %d: r.Outcome = %v, want %v", batch, got, wengao.Duplicate)
			}
			if got := r.DuplicateOf; got != orig.ID {
				t.Fatalf("batch %d: r.DuplicateOf = %v, want %v", batch, got, orig.ID)
			}
			if got := r.NearDuplicateOf; got != "" {
				t.Fatalf("batch %d: r.NearDuplicateOf = %v, want %v", batch, got, "")
			}
		}
		// A document updated with a 2 %-edited text of its own is not
		// its own near-duplicate, but the copy's (or another's).
		upd := editDoc(orig, orig.ID, 0.02, 2)
		{
			r := save(t, db, upd)[0]
			if got := r.Outcome; got != wengao.Updated {
				t.Fatalf("batch %d: r.Outcome = %v, want %v", batch, got, wengao.Updated)
			}
			if r.NearDuplicateOf == "" {
				t.Fatalf("batch %d: update: %+v (want not r.NearDuplicateOf == \"\")", batch, r)
			}
			if r.NearDuplicateOf == orig.ID {
				t.Fatalf("batch %d: update: %+v (want not r.NearDuplicateOf == orig.ID)", batch, r)
			}
			if r.Similarity < 0.8 {
				t.Fatalf("batch %d: update: %+v (want not r.Similarity < 0.8)", batch, r)
			}
		}
	}
}

func TestFindNearDuplicates(t *testing.T) {
	ctx := context.Background()
	db := MustOpenSampleDB(t)
	all := sampleDocs(t)
	orig := longDoc(t, all[10:])
	e := editDoc(orig, "x", 0.10, 3)
	ms, err := db.FindNearDuplicates(ctx, e.Title, e.Body, wengao.NearDuplicateThreshold, "", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatalf("10%%-edited copy of %s: %+v (want not len(ms) == 0)", orig.ID, ms)
	}
	if got := ms[0].ID; got != orig.ID {
		t.Fatalf("10%%-edited copy of %s: ms[0].ID = %v, want %v", orig.ID, got, orig.ID)
	}
	if got := ms[0].Title; got != orig.Title {
		t.Fatalf("10%%-edited copy of %s: ms[0].Title = %v, want %v", orig.ID, got, orig.Title)
	}
	if ms[0].Similarity < 0.8 {
		t.Fatalf("10%%-edited copy of %s: %+v (want not ms[0].Similarity < 0.8)", orig.ID, ms)
	}
	if ms[0].Similarity >= 1 {
		t.Fatalf("10%%-edited copy of %s: %+v (want not ms[0].Similarity >= 1)", orig.ID, ms)
	}
	for i, m := range ms {
		if m.Similarity < 0.8 {
			t.Fatalf("matches: %+v (want not m.Similarity < 0.8)", ms)
		}
		if i > 0 && m.Similarity > ms[i-1].Similarity {
			t.Fatalf("matches: %+v (want not i > 0 && m.Similarity > ms[i-1].Similarity)", ms)
		}
	}
	// The document itself, excluded.
	ms, err = db.FindNearDuplicates(ctx, orig.Title, orig.Body, 0.8, orig.ID, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.ID == orig.ID {
			t.Fatalf("excluded document found: %+v", ms)
		}
	}
	ms, err = db.FindNearDuplicates(ctx, orig.Title, orig.Body, 0.8, "", 1)
	if err != nil {
		t.Fatalf("the document itself: %v", err)
	}
	if got := len(ms); got != 1 {
		t.Fatalf("the document itself: len(ms) = %v, want %v", got, 1)
	}
	if got := ms[0].ID; got != orig.ID {
		t.Fatalf("the document itself: ms[0].ID = %v, want %v", got, orig.ID)
	}
	if got := ms[0].Similarity; got != 1 {
		t.Fatalf("the document itself: ms[0].Similarity = %v, want %v", got, 1)
	}
	// Paragraphs joined by line breaks or shuffled are the same text.
	sh := slices.Clone(orig.Body)
	slices.Reverse(sh)
	ms, err = db.FindNearDuplicates(ctx, orig.Title, []string{strings.Join(sh, "\n")}, 0.8, "", 1)
	if err != nil {
		t.Fatalf("shuffled paragraphs: %v", err)
	}
	if got := len(ms); got != 1 {
		t.Fatalf("shuffled paragraphs: len(ms) = %v, want %v", got, 1)
	}
	if got := ms[0].ID; got != orig.ID {
		t.Fatalf("shuffled paragraphs: ms[0].ID = %v, want %v", got, orig.ID)
	}
	if got := ms[0].Similarity; got != 1 {
		t.Fatalf("shuffled paragraphs: ms[0].Similarity = %v, want %v", got, 1)
	}
	// Unrelated text, and no text.
	rng := rand.New(rand.NewPCG(4, 4))
	var sb strings.Builder
	for range 3000 {
		sb.WriteRune(rune(0x4E00 + rng.IntN(3000)))
	}
	for _, body := range [][]string{{sb.String()}, nil, {"，。"}} {
		ms, err = db.FindNearDuplicates(ctx, "", body, 0.8, "", 5)
		if err != nil {
			t.Fatalf("unrelated text: %v", err)
		}
		if got := len(ms); got != 0 {
			t.Fatalf("unrelated text: len(ms) = %v, want %v", got, 0)
		}
	}
	// Only published documents are near-duplicates of an upload.
	if err := db.SetDocumentStatus(ctx, wengao.Actor{}, orig.ID, wengao.DocHidden, "test"); err != nil {
		t.Fatal(err)
	}
	ms, err = db.FindNearDuplicates(ctx, e.Title, e.Body, 0.8, "", 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.ID == orig.ID {
			t.Fatalf("hidden document found: %+v", ms)
		}
	}
}

func TestNearDuplicateUpdateReplacesBands(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	all := sampleDocs(t)
	a := longDoc(t, all)
	b := unrelatedTo(t, all, []*wengao.Document{a})
	save(t, db, cloneDoc(a))
	found := func(d *wengao.Document) bool {
		t.Helper()
		ms, err := db.FindNearDuplicates(ctx, d.Title, d.Body, 0.8, "", 5)
		if err != nil {
			t.Fatal(err)
		}
		return len(ms) == 1 && ms[0].ID == a.ID
	}
	if !found(a) || found(b) {
		t.Fatal("before the update")
	}
	// Document a gets the text of b.
	upd := cloneDoc(b)
	upd.ID = a.ID
	{
		r := save(t, db, upd)[0]
		if got := r.Outcome; got != wengao.Updated {
			t.Fatalf("update: r.Outcome = %v, want %v", got, wengao.Updated)
		}
		if got := r.NearDuplicateOf; got != "" {
			t.Fatalf("update: r.NearDuplicateOf = %v, want %v", got, "")
		}
	}
	if found(a) || !found(b) {
		t.Fatal("old text still matches, or the new one does not")
	}
	// Its old band keys are gone.
	raw := rawDB(t, db)
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM document_bands WHERE id = (SELECT id FROM documents WHERE ext_id = ?)`, a.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != neardup.Bands {
		t.Fatalf("%d band keys after the update", n)
	}
	// A copy of the old text is no near-duplicate any more.
	if r := save(t, db, editDoc(a, "c", 0.05, 5))[0]; r.NearDuplicateOf != "" {
		t.Fatalf("copy of the old text: %+v", r)
	}
	// Deleting a document deletes its signature and bands.
	if err := db.DeleteDocument(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if found(b) {
		t.Fatal("deleted document found")
	}
	if err := raw.QueryRow(`SELECT (SELECT COUNT(*) FROM document_bands) + (SELECT COUNT(*) FROM document_signatures)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != neardup.Bands+1 { // those of c
		t.Fatalf("%d rows left", n)
	}
}

// rawDB opens the database file of db directly.
func rawDB(t *testing.T, db *sqlite.DB) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(on)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func TestBackfillSignatures(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := sqlitetest.OpenDir(t, dir)
	all := sampleDocs(t)[:40]
	orig := longDoc(t, all)
	save(t, db, all...)
	e := editDoc(orig, "e", 0.10, 6)
	near := func(db *sqlite.DB) bool {
		ms, err := db.FindNearDuplicates(ctx, e.Title, e.Body, 0.8, "", 1)
		if err != nil {
			t.Fatal(err)
		}
		return len(ms) == 1 && ms[0].ID == orig.ID
	}
	if !near(db) {
		t.Fatal("not found before")
	}
	{
		n, err := db.BackfillSignatures(ctx)
		if err != nil {
			t.Fatalf("nothing missing: %v", err)
		}
		if got := n; got != 0 {
			t.Fatalf("nothing missing: n = %v, want %v", got, 0)
		}
	}
	// Signatures deleted, as in a database made before migration 005
	// (whose band keys, left here, are stale, and which migration 016
	// marks as not known to be complete).
	raw := rawDB(t, db)
	if _, err := raw.Exec(`DELETE FROM document_signatures WHERE id IN (SELECT id FROM documents ORDER BY id LIMIT 25); UPDATE neardup_version SET complete = 0`); err != nil {
		t.Fatal(err)
	}
	{
		n, err := db.BackfillSignatures(ctx)
		if err != nil {
			t.Fatalf("backfill: %v", err)
		}
		if got := n; got != 25 {
			t.Fatalf("backfill: n = %v, want %v", got, 25)
		}
	}
	if !near(db) {
		t.Fatal("not found after the backfill")
	}
	// Once all are signed, that is recorded: the next Open reads one row
	// instead of looking through every document.
	var complete int
	if err := raw.QueryRow(`SELECT complete FROM neardup_version`).Scan(&complete); err != nil {
		t.Fatal(err)
	}
	if complete != 1 {
		t.Errorf("complete after the backfill = %d, want 1", complete)
	}
	// All of them, and Open signs them again.
	if _, err := raw.Exec(`DELETE FROM document_signatures; DELETE FROM document_bands; UPDATE neardup_version SET complete = 0`); err != nil {
		t.Fatal(err)
	}
	if near(db) {
		t.Fatal("found without signatures")
	}
	db.Close()
	db = sqlitetest.OpenDir(t, dir)
	if !near(db) {
		t.Fatal("not found after Open")
	}
	// Signatures of another version are all replaced.
	if _, err := raw.Exec(`UPDATE neardup_version SET v = 1; UPDATE document_signatures SET sig = x'01'`); err != nil {
		t.Fatal(err)
	}
	ids, err := db.DocumentIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	{
		n, err := db.BackfillSignatures(ctx)
		if err != nil {
			t.Fatalf("other version: %v", err)
		}
		if got := n; got != len(ids) {
			t.Fatalf("other version: n = %v, want %v", got, len(ids))
		}
	}
	if !near(db) {
		t.Fatal("not found after the version change")
	}
	var sigs, bands int
	if err := raw.QueryRow(`SELECT (SELECT COUNT(*) FROM document_signatures), (SELECT COUNT(*) FROM document_bands)`).Scan(&sigs, &bands); err != nil {
		t.Fatal(err)
	}
	if got := sigs; got != len(ids) {
		t.Fatalf("sigs = %v, want %v", got, len(ids))
	}
	if got := bands; got != len(ids)*neardup.Bands {
		t.Fatalf("bands = %v, want %v", got, len(ids)*neardup.Bands)
	}
	db.Close()
}

// corpusPath is the test corpus: $CORPUS or shared/corpus/docs.jsonl.gz
// beside the repository. Without it the benchmark is skipped, except in CI.
func corpusPath(tb testing.TB) string {
	if p := os.Getenv("CORPUS"); p != "" {
		return p
	}
	return sharedtest.Path(tb, "corpus/docs.jsonl.gz")
}

// BenchmarkFindNearDuplicates looks up texts in a database holding the
// whole test corpus (skipped without it): 10 %-edited copies of corpus
// documents, and corpus documents themselves (excluded from the answer).
func BenchmarkFindNearDuplicates(b *testing.B) {
	path := corpusPath(b)
	if _, err := os.Stat(path); err != nil {
		sharedtest.Missing(b, "no corpus: %v", err)
	}
	ctx := context.Background()
	db, err := sqlite.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	im := &importer.Importer{Service: db}
	if _, err := im.Run(ctx, []string{path}); err != nil {
		b.Fatal(err)
	}
	ids, err := db.DocumentIDs(ctx)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	var docs []*wengao.Document
	for len(docs) < 200 {
		d, err := db.FindDocumentByID(ctx, ids[rng.IntN(len(ids))])
		if err != nil {
			b.Fatal(err)
		}
		if docRunes(d) >= 200 {
			docs = append(docs, d)
		}
	}
	for _, kind := range []string{"edited-10%", "document"} {
		b.Run(kind, func(b *testing.B) {
			var queries []*wengao.Document
			for i, d := range docs {
				if kind == "document" {
					queries = append(queries, d)
				} else {
					queries = append(queries, editDoc(d, "q", 0.10, uint64(i)))
				}
			}
			found, i := 0, 0
			for b.Loop() {
				q := queries[i%len(queries)]
				exclude := ""
				if kind == "document" {
					exclude = q.ID
				}
				ms, err := db.FindNearDuplicates(ctx, q.Title, q.Body, wengao.NearDuplicateThreshold, exclude, 5)
				if err != nil {
					b.Fatal(err)
				}
				if len(ms) > 0 {
					found++
				}
				i++
			}
			b.ReportMetric(float64(found)/float64(i), "found/op")
		})
	}
}

// TestNearDuplicateBulkLoad checks that the lookups of a bulk import, which
// keep sketches of the signatures in memory, report what the plain lookups
// report, also after another process changed or deleted documents.
func TestNearDuplicateBulkLoad(t *testing.T) {
	ctx := context.Background()
	all := sampleDocs(t)
	first := all[:150]
	orig := longDoc(t, first)
	var docs []*wengao.Document
	for i, d := range first {
		docs = append(docs, cloneDoc(d))
		if i%10 == 3 { // edited copies of documents saved before
			docs = append(docs, editDoc(first[i/2], fmt.Sprintf("copy%d", i), 0.02+float64(i%7)/50, uint64(i)))
		}
	}
	docs = append(docs, editDoc(orig, "copy-orig", 0.10, 1))
	run := func(bulk bool, batch int) []wengao.ImportResult {
		db := MustOpenDB(t)
		if err := db.SetBulkLoad(ctx, bulk); err != nil {
			t.Fatal(err)
		}
		var res []wengao.ImportResult
		for i := 0; i < len(docs); i += batch {
			res = append(res, save(t, db, cloneDocs(docs[i:min(i+batch, len(docs))])...)...)
		}
		// An update of a document to a 2 %-edited text of its own.
		res = append(res, save(t, db, editDoc(orig, orig.ID, 0.02, 2))...)
		return res
	}
	for _, batch := range []int{7, 200} {
		want, got := run(false, batch), run(true, batch)
		if len(got) != len(want) {
			t.Fatalf("batch %d: %d results, want %d", batch, len(got), len(want))
		}
		near := 0
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("batch %d: document %d: got %+v, want %+v", batch, i, got[i], want[i])
			}
			if want[i].NearDuplicateOf != "" {
				near++
			}
		}
		if near < 10 {
			t.Errorf("batch %d: %d near-duplicates, want 10 or more", batch, near)
		}
	}

	// Another process changes a document to another text, deletes one and
	// saves one in its place: the bulk import sees the library as it is.
	db := MustOpenDB(t)
	if err := db.SetBulkLoad(ctx, true); err != nil {
		t.Fatal(err)
	}
	a := longDoc(t, first)
	b := unrelatedTo(t, all[150:], []*wengao.Document{a})
	c := unrelatedTo(t, all[150:], []*wengao.Document{a, b})
	save(t, db, cloneDocs(first[:40])...)
	save(t, db, cloneDoc(a))
	other, err := sqlite.OpenFile(db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	changed := cloneDoc(b)
	changed.ID = a.ID
	if r := save(t, other, changed)[0]; r.Outcome != wengao.Updated {
		t.Fatalf("update by another process: %+v", r)
	}
	if r := save(t, db, editDoc(b, "copy-b", 0.05, 3))[0]; r.NearDuplicateOf != a.ID {
		t.Errorf("copy of the new text of %s: got %+v", a.ID, r)
	}
	if r := save(t, db, editDoc(a, "copy-a", 0.05, 4))[0]; r.NearDuplicateOf == a.ID {
		t.Errorf("copy of the old text of %s: got %+v", a.ID, r)
	}
	last := first[40]
	save(t, db, cloneDoc(last))
	if err := other.DeleteDocument(ctx, last.ID); err != nil {
		t.Fatal(err)
	}
	save(t, other, cloneDoc(c))
	if r := save(t, db, editDoc(c, "copy-c", 0.05, 5))[0]; r.NearDuplicateOf != c.ID {
		t.Errorf("copy of %s, saved by another process in place of a deleted document: got %+v", c.ID, r)
	}
}

func cloneDocs(docs []*wengao.Document) []*wengao.Document {
	out := make([]*wengao.Document, len(docs))
	for i, d := range docs {
		out[i] = cloneDoc(d)
	}
	return out
}
