package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/neardup"
)

// Ensure the service interface is implemented.
var _ wengao.DocumentService = (*DB)(nil)

// FindDocumentByID returns the document with external id id, whatever
// its state (Status): callers refuse hidden and deleted ones to readers.
func (db *DB) FindDocumentByID(ctx context.Context, id string) (*wengao.Document, error) {
	row := db.read.QueryRowContext(ctx, `SELECT ext_id, title, date, category, tags, source, author, body, outline, hash, reads, created_at, updated_at,
		price, COALESCE(uploader_id, 0), file_key, file_name, file_size, status, status_reason FROM documents JOIN document_texts USING (id) WHERE ext_id = ?`, id)
	d := &wengao.Document{}
	var tags, body, outline string
	var created, updated int64
	var price sql.NullInt64
	var file wengao.SourceFile
	err := row.Scan(&d.ID, &d.Title, &d.Date, &d.Category, &tags, &d.Source, &d.Author, &body, &outline, &d.Hash, &d.Reads, &created, &updated,
		&price, &d.UploaderID, &file.Key, &file.Name, &file.Size, &d.Status, &d.StatusReason)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wengao.ErrDocumentNotFound
	} else if err != nil {
		return nil, err
	}
	d.Body = strings.Split(body, "\n")
	if err := json.Unmarshal([]byte(tags), &d.Tags); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(outline), &d.Outline); err != nil {
		return nil, err
	}
	d.CreatedAt = time.Unix(created, 0).UTC()
	d.UpdatedAt = time.Unix(updated, 0).UTC()
	if price.Valid {
		d.Price = &price.Int64
	}
	if file.Key != "" {
		d.File = &file
	}
	return d, nil
}

// CountDocuments returns the number of published documents.
func (db *DB) CountDocuments(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT coalesce(sum(n), 0) FROM category_counts`).Scan(&n)
	return n, err
}

// prepared is a document with everything derived from its text computed
// outside the write transaction.
type prepared struct {
	doc        *wengao.Document
	body       string
	tags       string
	outline    string
	plain      bool
	size       int    // characters of the body
	hash       string // normalised title and body: exact duplicates
	recordHash string // every stored field: change detection
	titleToks  string
	bodyToks   string
	sig        neardup.Signature // of title and body, for near-duplicates
	sigBlob    []byte            // sig encoded
	// near are the stored documents most similar to this one, found
	// before the batch's transaction began (lookupStored).
	near    []dupHit
	nearErr error
	err     error
}

// prepareDocument validates and derives the stored forms of d.
func prepareDocument(d *wengao.Document) *prepared {
	p := &prepared{doc: d}
	d.Title = strings.TrimSpace(d.Title)
	if d.Title == "" {
		p.err = wengao.Errorf(wengao.EINVALID, "missing title")
		return p
	}
	paras := make([]string, 0, len(d.Body))
	for _, para := range d.Body {
		for _, line := range strings.Split(para, "\n") {
			line = strings.TrimRight(line, " \t\r\u3000")
			if strings.TrimSpace(line) != "" {
				paras = append(paras, line)
			}
		}
	}
	if len(paras) == 0 {
		p.err = wengao.Errorf(wengao.EINVALID, "empty body")
		return p
	}
	d.Body = paras
	if d.ID == "" {
		sum := sha256.Sum256([]byte(d.Title + "\x00" + strings.Join(paras, "\n")))
		d.ID = "doc-" + hex.EncodeToString(sum[:6])
	}
	if d.Tags == nil {
		d.Tags = []string{}
	}
	if d.Outline == nil {
		d.Outline = chinese.Outline(paras)
	}
	if d.Outline == nil {
		d.Outline = []wengao.OutlineItem{}
	}
	p.body = strings.Join(paras, "\n")
	tags, _ := json.Marshal(d.Tags)
	outline, _ := json.Marshal(d.Outline)
	p.tags, p.outline = string(tags), string(outline)
	// Normalise title and body once; tokens, the plain flag and the
	// duplicate hash all derive from it. The scratch buffers are reused
	// from document to document: only the strings kept are allocated.
	sc := prepScratch.Get().(*prepareScratch)
	defer prepScratch.Put(sc)
	titleNorm := chinese.NormalizeRunes(sc.title[:0], d.Title, nil)
	bodyNorm := chinese.NormalizeRunes(sc.body[:0], p.body, nil)
	sc.title, sc.body = titleNorm, bodyNorm
	sc.toks = chinese.AppendTokens(sc.toks[:0], titleNorm)
	p.titleToks = string(sc.toks)
	sc.toks = chinese.AppendTokens(sc.toks, bodyNorm)
	p.bodyToks = string(sc.toks)
	p.plain = chinese.IsPlainAs(d.Title, titleNorm) && chinese.IsPlainAs(p.body, bodyNorm)
	p.size = len(bodyNorm)

	// The hashes of the same bytes as sha256 of title, 0, body in UTF-8,
	// and of every field followed by 0.
	b := sc.bytes[:0]
	for _, r := range titleNorm {
		b = utf8.AppendRune(b, r)
	}
	b = append(b, 0)
	for _, r := range bodyNorm {
		b = utf8.AppendRune(b, r)
	}
	sum := sha256.Sum256(b)
	p.hash = hex.EncodeToString(sum[:])
	b = b[:0]
	for _, f := range []string{p.hash, d.Title, d.Date, d.Category, p.tags, d.Source, d.Author, p.body, p.outline} {
		b = append(b, f...)
		b = append(b, 0)
	}
	sum = sha256.Sum256(b)
	p.recordHash = hex.EncodeToString(sum[:])
	sc.bytes = b
	p.sig = neardup.Sign(dupText(d.Title, paras))
	p.sigBlob, _ = p.sig.MarshalBinary()
	return p
}

// prepareScratch holds the buffers of one prepareDocument call.
type prepareScratch struct {
	title, body []rune
	toks, bytes []byte
}

var prepScratch = sync.Pool{New: func() any { return new(prepareScratch) }}

// SaveDocuments writes docs in one transaction, with their index.
//
// The index rows of the whole batch are inserted after the document rows:
// FTS5 flushes its pending terms to disk whenever another statement opens
// a savepoint, so interleaving them would write one tiny index segment per
// document and spend the import merging them.
func (db *DB) SaveDocuments(ctx context.Context, docs []*wengao.Document) ([]wengao.ImportResult, error) {
	sketches := db.sketches.Load()
	if sketches != nil {
		if err := sketches.refresh(ctx, db.read); err != nil {
			return nil, err
		}
	}
	// Derive tokens and signatures, and look for near-duplicates among
	// the stored documents, on every core while the transaction writes,
	// in order: document i is written once it is prepared.
	preps := make([]*prepared, len(docs))
	ready := make([]chan struct{}, len(docs))
	for i := range ready {
		ready[i] = make(chan struct{})
	}
	var next atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	defer func() {
		// The callers may retry the documents, which preparing changes.
		stop.Store(true)
		wg.Wait()
	}()
	for range min(runtime.GOMAXPROCS(0), len(docs)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(docs) || stop.Load() {
					return
				}
				p := prepareDocument(docs[i])
				if p.err == nil {
					p.near, p.nearErr = db.lookupStored(ctx, &p.sig)
				}
				preps[i] = p
				close(ready[i])
			}
		})
	}
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	results, err := writeDocuments(ctx, tx, len(docs), func(i int) *prepared {
		<-ready[i]
		return preps[i]
	})
	if err != nil {
		return nil, err
	}
	// An operator's edit is recorded unless it was refused as a duplicate.
	for _, r := range results {
		if r.Outcome != wengao.Duplicate {
			if err := auditTx(ctx, tx); err != nil {
				return nil, err
			}
			break
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return results, nil
}

// writeDocuments writes n prepared documents in tx, document i once
// prep(i) returns it, with their index, under a new doc_version.
func writeDocuments(ctx context.Context, tx *Tx, n int, prep func(i int) *prepared) ([]wengao.ImportResult, error) {
	w, err := newDocWriter(ctx, tx)
	if err != nil {
		return nil, err
	}
	defer w.close()
	results := make([]wengao.ImportResult, 0, n)
	var changed []string
	for i := range n {
		p := prep(i)
		if p.err != nil {
			return nil, wengao.Errorf(wengao.EINVALID, "document %q: %s", p.doc.ID, wengao.ErrorMessage(p.err))
		}
		if p.nearErr != nil {
			return nil, p.nearErr
		}
		res, err := w.save(ctx, p)
		if err != nil {
			return nil, err
		}
		results = append(results, res)
		if res.Outcome == wengao.Imported || res.Outcome == wengao.Updated {
			changed = append(changed, res.ID)
		}
	}
	if err := w.writeIndex(ctx); err != nil {
		return nil, err
	}
	// Only now are the written documents known: their rows carry the
	// version taken at the start (w.version), and the subscribers of
	// OnChange hear of them alone.
	if len(changed) > 0 {
		tx.changed(wengao.ChangeDocuments, changed...)
	}
	// The bulk load's sketches learn of the signatures once they are
	// stored for good.
	if sk := tx.db.sketches.Load(); sk != nil {
		version, signed := w.version, w.signed
		tx.OnCommit(func() { sk.committed(version, signed) })
	}
	return results, nil
}

// docWriter writes one batch of documents inside a transaction.
type docWriter struct {
	tx      *Tx
	version int64
	now     int64
	stmts   map[string]*sql.Stmt
	// batchHash finds duplicates within the batch itself.
	batchHash map[string]string
	// index holds the rows to index once the documents are written.
	index []indexRow
	// batchDups holds the signatures of the documents of the batch, for
	// near-duplicate lookups among them; resigned are the stored documents
	// whose signature the batch replaced.
	batchDups neardup.Index
	resigned  map[int64]bool
	// signed are the sketches of the signatures written.
	signed []signedRow
}

type indexRow struct {
	rowID               int64
	titleToks, bodyToks string
}

var docWriterSQL = map[string]string{
	"find": `SELECT id, record_hash FROM documents WHERE ext_id = ?`,
	// INDEXED BY: statistics gathered on a small library (PRAGMA
	// optimize after a first import) make the planner scan the table
	// instead, once per document saved.
	"dup":        `SELECT ext_id FROM documents INDEXED BY documents_hash WHERE hash = ? AND ext_id <> ? LIMIT 1`,
	"update":     `UPDATE documents SET title=?, date=?, category=?, tags=?, source=?, author=?, outline=?, plain=?, size=?, hash=?, record_hash=?, seq=?, updated_at=? WHERE id=?`,
	"updateText": `UPDATE document_texts SET body = ? WHERE id = ?`,
	"insert":     `INSERT INTO documents (ext_id, title, date, category, tags, source, author, outline, plain, size, hash, record_hash, seq, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id`,
	"insertText": `INSERT INTO document_texts (id, body) VALUES (?, ?)`,
	"delTitle":   `DELETE FROM title_fts WHERE rowid = ?`,
	"delBody":    `DELETE FROM body_fts WHERE rowid = ?`,
	"addTitle":   `INSERT INTO title_fts (rowid, t) VALUES (?, ?)`,
	"addBody":    `INSERT INTO body_fts (rowid, b) VALUES (?, ?)`,
}

// newDocWriter prepares the writer's statements in tx and takes a new
// doc_version for the rows it writes.
func newDocWriter(ctx context.Context, tx *Tx) (*docWriter, error) {
	w := &docWriter{tx: tx, now: tx.now.Unix(), stmts: map[string]*sql.Stmt{}, batchHash: map[string]string{}, resigned: map[int64]bool{}}
	if err := tx.QueryRowContext(ctx, `UPDATE doc_version SET v = v + 1 RETURNING v`).Scan(&w.version); err != nil {
		return nil, err
	}
	for _, m := range []map[string]string{docWriterSQL, dupWriterSQL} {
		for name, q := range m {
			st, err := tx.PrepareContext(ctx, q)
			if err != nil {
				w.close()
				return nil, err
			}
			w.stmts[name] = st
		}
	}
	return w, nil
}

func (w *docWriter) close() {
	for _, st := range w.stmts {
		st.Close()
	}
}

// save writes one document's row and queues its index rows.
func (w *docWriter) save(ctx context.Context, p *prepared) (wengao.ImportResult, error) {
	d := p.doc
	res := wengao.ImportResult{ID: d.ID}
	var rowID int64
	var oldRecord string
	err := w.stmts["find"].QueryRowContext(ctx, d.ID).Scan(&rowID, &oldRecord)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return res, err
	}
	if exists && oldRecord == p.recordHash {
		res.Outcome = wengao.Unchanged
		return res, nil
	}
	// An exact duplicate of another id is skipped, naming that id.
	var other string
	err = w.stmts["dup"].QueryRowContext(ctx, p.hash, d.ID).Scan(&other)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return res, err
	}
	if id, ok := w.batchHash[p.hash]; other == "" && ok && id != d.ID {
		other = id
	}
	if other != "" {
		res.Outcome, res.DuplicateOf = wengao.Duplicate, other
		return res, nil
	}
	w.batchHash[p.hash] = d.ID

	// Near-duplicates are looked for before the document's own band keys
	// are written (an updated document's old ones are not looked at).
	self := int64(0)
	if exists {
		self = rowID
	}
	if res.NearDuplicateOf, res.Similarity, err = w.lookupNearDuplicate(ctx, p, self); err != nil {
		return res, err
	}

	if exists {
		res.Outcome = wengao.Updated
		if _, err := w.stmts["update"].ExecContext(ctx, d.Title, d.Date, d.Category, p.tags, d.Source, d.Author, p.outline, p.plain, p.size, p.hash, p.recordHash, w.version, w.now, rowID); err != nil {
			return res, err
		}
		if _, err := w.stmts["updateText"].ExecContext(ctx, p.body, rowID); err != nil {
			return res, err
		}
		// A document updated twice in one batch is indexed once.
		kept := w.index[:0]
		for _, r := range w.index {
			if r.rowID != rowID {
				kept = append(kept, r)
			}
		}
		w.index = kept
		for _, name := range []string{"delTitle", "delBody"} {
			if _, err := w.stmts[name].ExecContext(ctx, rowID); err != nil {
				return res, err
			}
		}
	} else {
		res.Outcome = wengao.Imported
		err := w.stmts["insert"].QueryRowContext(ctx, d.ID, d.Title, d.Date, d.Category, p.tags, d.Source, d.Author, p.outline, p.plain, p.size, p.hash, p.recordHash, w.version, w.now, w.now).Scan(&rowID)
		if err != nil {
			return res, err
		}
		if _, err := w.stmts["insertText"].ExecContext(ctx, rowID, p.body); err != nil {
			return res, err
		}
	}
	if err := w.writeDupSignature(ctx, p, rowID, exists); err != nil {
		return res, err
	}
	w.index = append(w.index, indexRow{rowID, p.titleToks, p.bodyToks})
	return res, nil
}

// writeIndex inserts the queued index rows.
func (w *docWriter) writeIndex(ctx context.Context) error {
	for _, r := range w.index {
		if _, err := w.stmts["addTitle"].ExecContext(ctx, r.rowID, r.titleToks); err != nil {
			return err
		}
		if _, err := w.stmts["addBody"].ExecContext(ctx, r.rowID, r.bodyToks); err != nil {
			return err
		}
	}
	return nil
}

// DocumentIDs returns the external ids of all documents, in import order.
func (db *DB) DocumentIDs(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT ext_id FROM documents ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
