package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"sort"
	"strings"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
)

type relatedKey struct {
	id  int64
	n   int
	gen int64 // the metadata cache's generation: which documents are shown
}

type relatedEntry struct {
	id    int64
	score float64
}

// Related-reading parameters.
const (
	relatedTitleTerms = 12
	relatedBodyTerms  = 12
	relatedCacheMax   = 4096
	dfCacheMax        = 500_000
	relatedBodyCands  = 150
)

// RelatedDocuments returns up to n documents sharing the most distinctive
// terms with document id: the terms of its title (weighted twice) and the
// body terms that are frequent in it and rare in the library. The document
// itself and exact duplicates of it are never returned. Results are cached
// until the next write.
func (db *DB) RelatedDocuments(ctx context.Context, id string, n int) ([]wengao.DocumentRef, error) {
	var rowID int64
	var title, body, hash string
	err := db.read.QueryRowContext(ctx, `SELECT id, title, body, hash FROM documents JOIN document_texts USING (id) WHERE ext_id = ?`, id).Scan(&rowID, &title, &body, &hash)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, wengao.Errorf(wengao.ENOTFOUND, "文档不存在。")
		}
		return nil, err
	}
	if err := db.refreshMeta(ctx); err != nil {
		return nil, err
	}
	// A document hidden, published again, imported or purged by any
	// process changes the generation, and with it the key.
	db.meta.mu.RLock()
	key := relatedKey{rowID, n, db.meta.gen}
	db.meta.mu.RUnlock()
	db.relatedMu.Lock()
	entries, ok := db.relatedCache[key]
	db.relatedMu.Unlock()
	if !ok {
		if entries, err = db.computeRelated(ctx, rowID, title, body, hash, n); err != nil {
			return nil, err
		}
		db.relatedMu.Lock()
		if len(db.relatedCache) >= relatedCacheMax {
			clear(db.relatedCache)
		}
		db.relatedCache[key] = entries
		db.relatedMu.Unlock()
	}
	refs := make([]wengao.DocumentRef, 0, len(entries))
	db.meta.mu.RLock()
	defer db.meta.mu.RUnlock()
	for _, e := range entries {
		if m := db.meta.get(e.id); m != nil {
			refs = append(refs, wengao.DocumentRef{ID: m.ext, Title: m.title, Date: m.date})
		}
	}
	return refs, nil
}

func (db *DB) forgetRelated() {
	db.relatedMu.Lock()
	clear(db.relatedCache)
	db.relatedMu.Unlock()
}

func (db *DB) computeRelated(ctx context.Context, rowID int64, title, body, hash string, n int) ([]relatedEntry, error) {
	titleTerms := distinctTokens(chinese.IndexTokens(title), relatedTitleTerms*3)
	bodyTF := map[string]int{}
	for _, t := range strings.Fields(chinese.IndexTokens(body)) {
		if len([]rune(t)) == 2 {
			bodyTF[t]++
		}
	}
	// Document frequencies of the candidate terms.
	cands := make([]string, 0, len(bodyTF))
	for t, c := range bodyTF {
		if c >= 2 {
			cands = append(cands, t)
		}
	}
	sort.Slice(cands, func(i, j int) bool { return bodyTF[cands[i]] > bodyTF[cands[j]] })
	if len(cands) > relatedBodyCands {
		cands = cands[:relatedBodyCands]
	}
	df, total, err := db.docFreq(ctx, "body_vocab", append(append([]string{}, cands...), titleTerms...))
	if err != nil {
		return nil, err
	}
	idf := func(t string) float64 {
		return math.Log(1 + float64(total)/float64(1+df[t]))
	}
	// Title terms are judged by how common they are among titles, where
	// 关于, 印发 and 通知 are everywhere.
	tdf, _, err := db.docFreq(ctx, "title_vocab", titleTerms)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(titleTerms, func(i, j int) bool { return tdf[titleTerms[i]] < tdf[titleTerms[j]] })
	titleTerms = keepInformative(titleTerms, tdf, total, relatedTitleTerms)
	sort.Slice(cands, func(i, j int) bool {
		return float64(bodyTF[cands[i]])*idf(cands[i]) > float64(bodyTF[cands[j]])*idf(cands[j])
	})
	bodyTerms := keepInformative(cands, df, total, relatedBodyTerms)

	// Score every document by the idf of the terms it shares, title terms
	// twice in titles; each term's document list is one cheap index read.
	scores := map[int64]float64{}
	share := func(table, term string, weight float64) error {
		ids, err := db.matchIDs(ctx, table, `"`+term+`"`)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if id != rowID {
				scores[id] += weight
			}
		}
		return nil
	}
	tidf := func(t string) float64 { return math.Log(1 + float64(total)/float64(1+tdf[t])) }
	for _, t := range titleTerms {
		if err := share("title_fts", t, 2*tidf(t)); err != nil {
			return nil, err
		}
	}
	for _, t := range append(append([]string{}, titleTerms...), bodyTerms...) {
		if err := share("body_fts", t, idf(t)); err != nil {
			return nil, err
		}
	}
	// Long documents share more terms by their length alone. Documents
	// not in the metadata cache are not shown (hidden or deleted).
	db.meta.mu.RLock()
	for id := range scores {
		if m := db.meta.get(id); m != nil {
			scores[id] /= 1 + 0.25*math.Log1p(float64(m.size)/4000)
		} else {
			delete(scores, id)
		}
	}
	db.meta.mu.RUnlock()
	entries := make([]relatedEntry, 0, len(scores))
	for id, s := range scores {
		entries = append(entries, relatedEntry{id, s})
	}
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].score != entries[j].score {
			return entries[i].score > entries[j].score
		}
		return entries[i].id < entries[j].id
	})
	// Drop exact duplicates of the document and of each other.
	out := make([]relatedEntry, 0, n)
	seen := map[string]bool{hash: true}
	for _, e := range entries {
		if len(out) == n {
			break
		}
		var h string
		if err := db.read.QueryRowContext(ctx, `SELECT hash FROM documents WHERE id = ?`, e.id).Scan(&h); err != nil {
			continue
		}
		if seen[h] {
			continue
		}
		seen[h] = true
		out = append(out, e)
	}
	return out, nil
}

// keepInformative returns up to n terms that occur in fewer than a tenth
// of the documents (all of them if the library is tiny).
func keepInformative(terms []string, df map[string]int, total, n int) []string {
	var out []string
	for _, t := range terms {
		if total >= 50 && df[t]*10 > total {
			continue
		}
		out = append(out, t)
		if len(out) == n {
			break
		}
	}
	return out
}

func distinctTokens(s string, n int) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range strings.Fields(s) {
		if len([]rune(t)) == 2 && !seen[t] {
			seen[t] = true
			out = append(out, t)
			if len(out) == n {
				break
			}
		}
	}
	return out
}

// docFreq returns the number of documents holding each term according to
// the given fts5vocab table, and the number of documents.
func (db *DB) docFreq(ctx context.Context, vocab string, terms []string) (map[string]int, int, error) {
	df := make(map[string]int, len(terms))
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents`).Scan(&total); err != nil {
		return nil, 0, err
	}
	// fts5vocab counts a term's documents by walking its whole list, so
	// counts are cached until the next write.
	db.refreshMeta(ctx)
	db.meta.mu.RLock()
	version := db.meta.version
	db.meta.mu.RUnlock()
	db.relatedMu.Lock()
	if db.dfVersion != version || len(db.dfCache) > dfCacheMax {
		db.dfCache, db.dfVersion = map[string]int{}, version
	}
	var missing []any
	for _, t := range terms {
		if n, ok := db.dfCache[vocab+t]; ok {
			df[t] = n
		} else {
			missing = append(missing, t)
		}
	}
	db.relatedMu.Unlock()
	if len(missing) == 0 {
		return df, total, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT term, doc FROM `+vocab+` WHERE term IN (`+placeholders(len(missing))+`)`, missing...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	found := map[string]int{}
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return nil, 0, err
		}
		df[t], found[t] = n, n
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	db.relatedMu.Lock()
	if db.dfVersion == version {
		for _, t := range missing {
			db.dfCache[vocab+t.(string)] = found[t.(string)]
		}
	}
	db.relatedMu.Unlock()
	return df, total, nil
}
