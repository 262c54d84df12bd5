package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/neardup"
)

// Near-duplicates (package neardup): every document's signature and LSH
// band keys are kept in document_signatures and document_bands (migration
// 005), written by SaveDocuments in the transaction that writes the
// document. A lookup reads the documents that share a band key with the
// text's signature, keeps those whose signature estimate reaches the
// threshold and confirms the borderline ones on the texts.

var _ wengao.NearDuplicateFinder = (*DB)(nil)

// dupText returns the text a document is signed as: its title, then each
// line of its paragraphs (SaveDocuments stores the lines of a paragraph as
// paragraphs of their own), as ingest.Sign signs it.
func dupText(title string, paragraphs []string) []string {
	return neardup.DocumentText(title, paragraphs)
}

// dupConfirmBytes bounds the stored text that one lookup reads to confirm
// borderline candidates (neardup.Confirm), the most similar first; the
// candidates beyond it are decided by their estimate. Confirming reads and
// shingles a text, 0.3 ms for one of median size (14 kB), 10 to 40 ms
// for the longest laws; documents of one template can make dozens of
// borderline candidates. 8 MB is about 0.3 s.
const dupConfirmBytes = 8 << 20

// dupCandidatesSQL reads the signatures of the documents that share a band
// key with a text; it takes the neardup.Bands keys. Under each key it reads
// the neardup.MaxBucket most recent documents only, as neardup.Index keeps,
// so that a lookup's work does not grow with the library.
var dupCandidatesSQL = func() string {
	var b strings.Builder
	b.WriteString(`SELECT id, sig FROM document_signatures WHERE id IN (`)
	for i := range neardup.Bands {
		if i > 0 {
			b.WriteString(` UNION ALL `)
		}
		fmt.Fprintf(&b, `SELECT id FROM (SELECT id FROM document_bands WHERE key = ? ORDER BY id DESC LIMIT %d)`, neardup.MaxBucket)
	}
	b.WriteString(`)`)
	return b.String()
}()

// dupTextSQL reads the title and body of a document by row id.
const dupTextSQL = `SELECT title, COALESCE((SELECT body FROM document_texts t WHERE t.id = d.id), '') FROM documents d WHERE id = ?`

// dupWriterSQL are the statements a docWriter prepares for near-duplicates.
var dupWriterSQL = map[string]string{
	"ndCandidates": dupCandidatesSQL,
	"ndExtID":      `SELECT ext_id FROM documents WHERE id = ?`,
	"ndSigGet":     `SELECT sig FROM document_signatures WHERE id = ?`,
	"ndSigPut":     `INSERT INTO document_signatures (id, sig) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET sig = excluded.sig`,
	"ndBandsDel":   `DELETE FROM document_bands WHERE id = ?`,
	"ndBandsPut":   `INSERT OR IGNORE INTO document_bands (key, id) VALUES (?, ?)` + strings.Repeat(", (?, ?)", neardup.Bands-1),
}

// dupSource is where a lookup reads: a write transaction's statements or
// the read pool.
type dupSource struct {
	// candidates queries dupCandidatesSQL with the band keys.
	candidates func(ctx context.Context, keys []any) (*sql.Rows, error)
	// text returns the text a stored document was signed as, to confirm
	// borderline candidates; when nil, the estimate decides.
	text func(ctx context.Context, rowID int64) ([]string, error)
	// keep, when set, tells whether a document (by row id) may be
	// returned; it is asked before its similarity is confirmed.
	keep func(ctx context.Context, rowID int64) (bool, error)
}

type dupHit struct {
	rowID int64
	sim   float64
}

// dupBandArgs returns the band keys of sig as query arguments, or nil for the
// empty signature, which matches nothing.
func dupBandArgs(sig *neardup.Signature) []any {
	if sig.Empty() {
		return nil
	}
	keys := sig.Bands()
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = int64(k)
	}
	return args
}

// dupCandidates returns the documents other than exclude (a row id, 0 for
// none) that share a band key with sig and whose estimated similarity is at
// least lo, most similar first (then by row id).
func dupCandidates(ctx context.Context, src dupSource, sig *neardup.Signature, lo float64, exclude int64) ([]dupHit, error) {
	var hits []dupHit
	args := dupBandArgs(sig)
	if args == nil {
		return nil, nil
	}
	rows, err := src.candidates(ctx, args)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var blob sql.RawBytes
		if err := rows.Scan(&id, &blob); err != nil {
			return nil, err
		}
		var s neardup.Signature
		if id == exclude || s.UnmarshalBinary(blob) != nil {
			continue // another version: BackfillSignatures signs it again
		}
		if sim := neardup.Similarity(*sig, s); sim >= lo {
			hits = append(hits, dupHit{id, sim})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(hits, func(a, b dupHit) int {
		if c := cmp.Compare(b.sim, a.sim); c != 0 {
			return c
		}
		return cmp.Compare(a.rowID, b.rowID)
	})
	return hits, nil
}

// findDups returns up to limit (all when limit ≤ 0) documents, by row id,
// at least threshold similar to text, whose signature is sig, most similar
// first, never exclude (0 for none). Candidates share a band key with sig.
// Their signature estimate decides, except within
// neardup.BorderlineMargin of the threshold when src.text is set, where
// the exact similarity of the texts does (for as many candidates as
// dupConfirmBytes allows, the most similar first).
func findDups(ctx context.Context, src dupSource, sig *neardup.Signature, text []string, threshold float64, exclude int64, limit int) ([]dupHit, error) {
	lo := threshold
	if src.text != nil {
		lo -= neardup.BorderlineMargin
	}
	hits, err := dupCandidates(ctx, src, sig, lo, exclude)
	if err != nil {
		return nil, err
	}
	var out []dupHit
	var shingles []uint64 // of text, when first needed
	budget := dupConfirmBytes
	var textErr error
	for _, h := range hits {
		if limit > 0 && len(out) >= limit {
			break
		}
		if src.keep != nil {
			if ok, err := src.keep(ctx, h.rowID); err != nil {
				return nil, err
			} else if !ok {
				continue
			}
		}
		var exact func() float64
		if src.text != nil && budget > 0 {
			exact = func() float64 {
				other, err := src.text(ctx, h.rowID)
				if err != nil {
					textErr = err
					return 0
				}
				for _, p := range other {
					budget -= len(p)
				}
				if shingles == nil {
					shingles = neardup.Shingles(nil, text, neardup.K)
				}
				return neardup.FromJaccard(neardup.Jaccard(shingles, neardup.Shingles(nil, other, neardup.K)))
			}
		}
		sim := neardup.Confirm(h.sim, threshold, exact)
		if textErr != nil {
			return nil, textErr
		}
		if sim >= threshold {
			out = append(out, dupHit{h.rowID, sim})
		}
	}
	slices.SortStableFunc(out, func(a, b dupHit) int { return cmp.Compare(b.sim, a.sim) })
	return out, nil
}

// FindNearDuplicates returns up to limit published documents (all when
// limit ≤ 0) at least threshold similar to the text (title + paragraphs),
// most similar first, excluding the document excludeID ("" for none).
// Similarity is about the share of characters in common (see package
// neardup). Thresholds below about 0.75 miss some similar documents: they
// are only looked for among those that share a band key with the text.
func (db *DB) FindNearDuplicates(ctx context.Context, title string, paragraphs []string, threshold float64, excludeID string, limit int) ([]wengao.NearMatch, error) {
	text := dupText(title, paragraphs)
	sig := neardup.Sign(text)
	refs := map[int64]wengao.NearMatch{}
	src := dupSource{
		candidates: func(ctx context.Context, keys []any) (*sql.Rows, error) {
			return db.read.QueryContext(ctx, dupCandidatesSQL, keys...)
		},
		text: func(ctx context.Context, rowID int64) ([]string, error) {
			text, err := storedDupText(db.read.QueryRowContext(ctx, dupTextSQL, rowID))
			if errors.Is(err, sql.ErrNoRows) {
				return nil, nil // deleted since: no text in common
			}
			return text, err
		},
		keep: func(ctx context.Context, rowID int64) (bool, error) {
			var m wengao.NearMatch
			var status string
			err := db.read.QueryRowContext(ctx, `SELECT ext_id, title, status FROM documents WHERE id = ?`, rowID).Scan(&m.ID, &m.Title, &status)
			if errors.Is(err, sql.ErrNoRows) {
				return false, nil // deleted since
			} else if err != nil {
				return false, err
			}
			if status != wengao.DocPublished || (excludeID != "" && m.ID == excludeID) {
				return false, nil
			}
			refs[rowID] = m
			return true, nil
		},
	}
	hits, err := findDups(ctx, src, &sig, text, threshold, 0, limit)
	if err != nil {
		return nil, err
	}
	out := make([]wengao.NearMatch, 0, len(hits))
	for _, h := range hits {
		m := refs[h.rowID]
		m.Similarity = h.sim
		out = append(out, m)
	}
	return out, nil
}

// storedDupText scans what dupTextSQL selects into the text the document
// was signed as.
func storedDupText(row *sql.Row) ([]string, error) {
	var title, body string
	if err := row.Scan(&title, &body); err != nil {
		return nil, err
	}
	return dupText(title, strings.Split(body, "\n")), nil
}

// dupStoredHits is how many of the most similar stored documents
// lookupStored keeps: the document itself, when updated, and documents
// whose signature the same batch replaces are passed over.
const dupStoredHits = 4

// lookupStored returns the stored documents at least
// wengao.NearDuplicateThreshold similar to a text signed sig, most similar
// first (then by row id), whatever their status. It reads through the
// read pool, so that the workers preparing a batch look while the writer
// writes the previous one.
func (db *DB) lookupStored(ctx context.Context, sig *neardup.Signature) ([]dupHit, error) {
	if c := db.sketches.Load(); c != nil {
		return c.lookup(ctx, sig)
	}
	src := dupSource{
		candidates: func(ctx context.Context, keys []any) (*sql.Rows, error) {
			return db.dupLookup.QueryContext(ctx, keys...)
		},
	}
	return findDups(ctx, src, sig, nil, wengao.NearDuplicateThreshold, 0, dupStoredHits)
}

// lookupNearDuplicate returns the external id of the most similar document
// other than self (a row id, 0 for none) that is at least
// wengao.NearDuplicateThreshold similar to p, whatever its status, and its
// similarity; "" when there is none. The documents saved earlier in the
// batch count, as they are signed in this batch. The signature estimate
// decides (its standard deviation is 0.026 near the threshold): confirming
// borderline candidates on the texts, as FindNearDuplicates does, would
// add 6 % to the CPU time of an import, on the writer's path.
func (w *docWriter) lookupNearDuplicate(ctx context.Context, p *prepared, self int64) (string, float64, error) {
	var best dupHit
	better := func(h dupHit) bool {
		return h.rowID != self && (best.rowID == 0 || h.sim > best.sim || h.sim == best.sim && h.rowID < best.rowID)
	}
	for _, h := range p.near {
		if !w.resigned[h.rowID] && better(h) {
			best = h
		}
	}
	for _, m := range w.batchDups.Query(p.Sig, wengao.NearDuplicateThreshold) {
		if h := (dupHit{m.ID, m.Similarity}); better(h) {
			best = h
		}
	}
	if best.rowID == 0 {
		return "", 0, nil
	}
	var id string
	if err := w.Stmts["ndExtID"].QueryRowContext(ctx, best.rowID).Scan(&id); err != nil {
		return "", 0, err
	}
	return id, best.sim, nil
}

// writeDupSignature stores p's signature and band keys as those of document
// rowID. An updated document's are replaced, unless its text signs the
// same.
func (w *docWriter) writeDupSignature(ctx context.Context, p *prepared, rowID int64, updated bool) error {
	if updated {
		var old []byte
		err := w.Stmts["ndSigGet"].QueryRowContext(ctx, rowID).Scan(&old)
		if err == nil && string(old) == string(p.SigBlob) {
			return nil
		} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	w.batchDups.Add(rowID, p.Sig)
	w.signed = append(w.signed, signedRow{rowID, p.Sig.Sketch()})
	if updated {
		w.resigned[rowID] = true
	}
	return putDupSignature(ctx, w.Stmts, rowID, &p.Sig, p.SigBlob, updated)
}

// putDupSignature writes the signature sig (encoded as blob) and its band
// keys for document rowID with the statements ndSigPut, ndBandsDel and
// ndBandsPut of dupWriterSQL, deleting the band keys it had first when
// replace is set.
func putDupSignature(ctx context.Context, stmts map[string]*sql.Stmt, rowID int64, sig *neardup.Signature, blob []byte, replace bool) error {
	if replace {
		if _, err := stmts["ndBandsDel"].ExecContext(ctx, rowID); err != nil {
			return err
		}
	}
	if _, err := stmts["ndSigPut"].ExecContext(ctx, rowID, blob); err != nil {
		return err
	}
	keys := dupBandArgs(sig)
	if keys == nil {
		return nil
	}
	args := make([]any, 0, 2*len(keys))
	for _, k := range keys {
		args = append(args, k, rowID)
	}
	_, err := stmts["ndBandsPut"].ExecContext(ctx, args...)
	return err
}

// sigBackfillBatch is the number of documents BackfillSignatures signs per
// write transaction.
const sigBackfillBatch = 256

// BackfillSignatures signs and indexes for near-duplicate lookups the
// documents that have no signature (those saved before migration 005), or
// every document when the stored signatures are of another
// neardup.SignatureVersion, in transactions of a few hundred documents.
// It returns the number of documents signed. Once every document has been
// found signed, neardup_version records it and later calls cost one
// single-row query (every write signs what it saves): opening a library of
// millions of documents does not look through them all. Open calls it.
func (db *DB) BackfillSignatures(ctx context.Context) (int, error) {
	var version int64
	var complete bool
	if err := db.write.QueryRowContext(ctx, `SELECT v, complete FROM neardup_version`).Scan(&version, &complete); err != nil {
		return 0, err
	}
	if version == neardup.SignatureVersion && complete {
		return 0, nil
	}
	var missing bool
	err := db.write.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM documents d WHERE NOT EXISTS (SELECT 1 FROM document_signatures s WHERE s.id = d.id))`).Scan(&missing)
	if err != nil {
		return 0, err
	}
	if version != neardup.SignatureVersion {
		if err := db.resetDupSignatures(ctx); err != nil {
			return 0, err
		}
		missing = true
	}
	n := 0
	for missing {
		k, err := db.backfillSigs(ctx)
		n += k
		if err != nil {
			return n, err
		}
		missing = k == sigBackfillBatch
	}
	if _, err := db.write.ExecContext(ctx, `UPDATE neardup_version SET complete = 1 WHERE v = ?`, neardup.SignatureVersion); err != nil {
		return n, err
	}
	return n, nil
}

// resetDupSignatures deletes every signature and band key, which are of
// another version, and records the current one.
func (db *DB) resetDupSignatures(ctx context.Context) error {
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range []string{`DELETE FROM document_bands`, `DELETE FROM document_signatures`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE neardup_version SET v = ?, complete = 0`, neardup.SignatureVersion); err != nil {
		return err
	}
	return tx.Commit()
}

// backfill signs up to sigBackfillBatch documents without a signature, in one
// transaction, and returns how many.
func (db *DB) backfillSigs(ctx context.Context) (int, error) {
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT d.id, d.title, COALESCE(t.body, '') FROM documents d LEFT JOIN document_texts t ON t.id = d.id
		WHERE NOT EXISTS (SELECT 1 FROM document_signatures s WHERE s.id = d.id) ORDER BY d.id LIMIT ?`, sigBackfillBatch)
	if err != nil {
		return 0, err
	}
	type doc struct {
		rowID int64
		text  []string
		sig   neardup.Signature
		blob  []byte
	}
	var docs []doc
	for rows.Next() {
		var d doc
		var title, body string
		if err := rows.Scan(&d.rowID, &title, &body); err != nil {
			rows.Close()
			return 0, err
		}
		d.text = dupText(title, strings.Split(body, "\n"))
		docs = append(docs, d)
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(docs) == 0 {
		return 0, nil
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				docs[i].sig = neardup.Sign(docs[i].text)
				docs[i].blob, _ = docs[i].sig.MarshalBinary()
			}
		})
	}
	for i := range docs {
		next <- i
	}
	close(next)
	wg.Wait()
	stmts := map[string]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	for _, name := range []string{"ndSigPut", "ndBandsDel", "ndBandsPut"} {
		st, err := tx.PrepareContext(ctx, dupWriterSQL[name])
		if err != nil {
			return 0, err
		}
		stmts[name] = st
	}
	for i := range docs {
		// Band keys without a signature are left over from another
		// version, or from a signature deleted by hand.
		if err := putDupSignature(ctx, stmts, docs[i].rowID, &docs[i].sig, docs[i].blob, true); err != nil {
			return 0, err
		}
	}
	return len(docs), tx.Commit()
}
