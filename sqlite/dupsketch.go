package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/neardup"
)

// During a bulk import (SetBulkLoad) the near-duplicate lookup of each
// document saved keeps the sketches (neardup.Sketch, 64 bytes) of the
// stored documents' signatures in memory: it reads the row ids filed under
// the text's band keys from document_bands, as dupCandidatesSQL does,
// dismisses in memory the candidates whose sketch cannot reach the
// threshold, and reads the full signature of the others only. Without it a
// lookup reads the signature of every candidate — hundreds per document in
// a large library, most of the CPU time of an import of 100,000 documents.
// The answers are the same: a sketch never dismisses a pair that its
// signatures would keep.
//
// The cache fills as it goes: the writer adds the sketches of the
// documents it saves, a lookup those of the stored documents whose
// signature it had to read. So it costs nothing to start, whatever the size
// of the library, and holds at most one sketch per document (64 MB for a
// million). Documents saved, changed or deleted by another process are
// forgotten at the start of the next batch: their seq, or their row in
// deleted_documents, is newer than the doc_version the cache is up to date
// with.

// dupBucketsSQL reads the row ids filed under the neardup.Bands keys of a
// text, at most neardup.MaxBucket most recent per key, as dupCandidatesSQL
// does; an id may come more than once.
var dupBucketsSQL = func() string {
	var b strings.Builder
	for i := range neardup.Bands {
		if i > 0 {
			b.WriteString(` UNION ALL `)
		}
		fmt.Fprintf(&b, `SELECT id FROM (SELECT id FROM document_bands WHERE key = ? ORDER BY id DESC LIMIT %d)`, neardup.MaxBucket)
	}
	return b.String()
}()

// dupSigSQL reads one stored signature.
const dupSigSQL = `SELECT sig FROM document_signatures WHERE id = ?`

// sketchPageRows is the number of row ids of one page of dupSketches.
const sketchPageRows = 1024

// maxSketchRows bounds the row ids whose sketch is kept (1 GB of them):
// documents beyond are looked up as without the cache.
const maxSketchRows = 1 << 24

type sketchPage struct {
	known    [sketchPageRows / 64]uint64 // bit set: sketch[i] is that of the stored signature
	sketches [sketchPageRows]neardup.Sketch
}

// dupSketches is the cache of sketches of an import. It is safe for
// concurrent use.
type dupSketches struct {
	mu    sync.RWMutex
	pages []*sketchPage // by row id / sketchPageRows; nil: none known
	// version is the doc_version whose documents the sketches are of.
	version int64

	buckets, sigs *sql.Stmt // dupBucketsSQL and dupSigSQL on the read pool
}

// mayReach returns, in place, the documents of ids whose sketch is not
// known or has at least need values equal to those of k.
func (c *dupSketches) mayReach(ids []int64, k *neardup.Sketch, need int) []int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := ids[:0]
	for _, id := range ids {
		if id >= 0 && id < int64(len(c.pages))*sketchPageRows {
			p, i := c.pages[id/sketchPageRows], id%sketchPageRows
			if p != nil && p.known[i/64]&(1<<(i%64)) != 0 && !k.EqualAtLeast(&p.sketches[i], need) {
				continue
			}
		}
		out = append(out, id)
	}
	return out
}

// set records the sketch of the signature stored for document rowID.
func (c *dupSketches) set(rowID int64, k neardup.Sketch) {
	if rowID < 0 || rowID >= maxSketchRows {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := int(rowID / sketchPageRows)
	if n >= len(c.pages) {
		c.pages = append(c.pages, make([]*sketchPage, n+1-len(c.pages))...)
	}
	if c.pages[n] == nil {
		c.pages[n] = new(sketchPage)
	}
	i := rowID % sketchPageRows
	c.pages[n].sketches[i] = k
	c.pages[n].known[i/64] |= 1 << (i % 64)
}

// forget drops what is known of document rowID; c.mu is held.
func (c *dupSketches) forget(rowID int64) {
	if rowID < 0 || rowID >= int64(len(c.pages))*sketchPageRows {
		return
	}
	if p, i := c.pages[rowID/sketchPageRows], rowID%sketchPageRows; p != nil {
		p.known[i/64] &^= 1 << (i % 64)
	}
}

// refresh forgets the documents written by others since c.version: those
// whose seq is newer, and those deleted since.
func (c *dupSketches) refresh(ctx context.Context, db *sql.DB) error {
	var v int64
	if err := db.QueryRowContext(ctx, `SELECT v FROM doc_version`).Scan(&v); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v == c.version {
		return nil
	}
	rows, err := db.QueryContext(ctx, `SELECT id FROM documents WHERE seq > ?1 UNION ALL SELECT id FROM deleted_documents WHERE seq > ?1`, c.version)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		c.forget(id)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	c.version = v
	return nil
}

// committed records the sketches of the signatures that the batch written
// under doc_version version stored. When another writer committed since
// c.version, c.version stays, so that the next refresh forgets its
// documents.
func (c *dupSketches) committed(version int64, signed []signedRow) {
	for _, s := range signed {
		c.set(s.rowID, s.sketch)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if version == c.version+1 {
		c.version = version
	}
}

type signedRow struct {
	rowID  int64
	sketch neardup.Sketch
}

// lookup is lookupStored with the cache: the same dupStoredHits most
// similar documents, by the stored signatures.
func (c *dupSketches) lookup(ctx context.Context, sig *neardup.Signature) ([]dupHit, error) {
	args := dupBandArgs(sig)
	if args == nil {
		return nil, nil
	}
	rows, err := c.buckets.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	need := neardup.MinEqual(wengao.NearDuplicateThreshold)
	sk := sig.Sketch()
	ids = c.mayReach(ids, &sk, need)
	var hits []dupHit
	for _, id := range ids {
		var blob []byte
		err := c.sigs.QueryRowContext(ctx, id).Scan(&blob)
		if errors.Is(err, sql.ErrNoRows) {
			continue // deleted since
		} else if err != nil {
			return nil, err
		}
		var s neardup.Signature
		if s.UnmarshalBinary(blob) != nil {
			continue // another version: BackfillSignatures signs it again
		}
		c.set(id, s.Sketch())
		if sim := neardup.Similarity(*sig, s); sim >= wengao.NearDuplicateThreshold {
			hits = append(hits, dupHit{id, sim})
		}
	}
	slices.SortFunc(hits, func(a, b dupHit) int {
		if c := cmp.Compare(b.sim, a.sim); c != 0 {
			return c
		}
		return cmp.Compare(a.rowID, b.rowID)
	})
	return hits[:min(len(hits), dupStoredHits)], nil
}

// startDupSketches starts keeping sketches for the lookups of
// SaveDocuments, until stopDupSketches.
func (db *DB) startDupSketches(ctx context.Context) error {
	if db.sketches.Load() != nil {
		return nil
	}
	c := &dupSketches{}
	if err := db.read.QueryRowContext(ctx, `SELECT v FROM doc_version`).Scan(&c.version); err != nil {
		return err
	}
	var err error
	if c.buckets, err = db.read.PrepareContext(ctx, dupBucketsSQL); err != nil {
		return err
	}
	if c.sigs, err = db.read.PrepareContext(ctx, dupSigSQL); err != nil {
		c.buckets.Close()
		return err
	}
	db.sketches.Store(c)
	return nil
}

// stopDupSketches drops the sketches, once the import's saves have
// returned.
func (db *DB) stopDupSketches() {
	if c := db.sketches.Swap(nil); c != nil {
		c.buckets.Close()
		c.sigs.Close()
	}
}
