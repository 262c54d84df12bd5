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
	id int64
	n  int
}

type relatedEntry struct {
	id    int64
	score float64
}

// Related-reading parameters.
const (
	relatedTitleTerms = 12
	relatedBodyTerms  = 12
	relatedCandidates = 60
	relatedCacheMax   = 4096
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
	key := relatedKey{rowID, n}
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
	if len(cands) > 400 {
		cands = cands[:400]
	}
	df, total, err := db.docFreq(ctx, "body_vocab", cands)
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

	scores := map[int64]float64{}
	for _, part := range []struct {
		table  string
		terms  []string
		weight float64
	}{{"title_fts", titleTerms, 2}, {"body_fts", append(append([]string{}, titleTerms...), bodyTerms...), 1}} {
		if len(part.terms) == 0 {
			continue
		}
		list, err := db.bm25(ctx, part.table, orExpr(part.terms), relatedCandidates)
		if err != nil {
			return nil, err
		}
		if len(list) == 0 {
			continue
		}
		top := list[0].score
		for _, s := range list {
			if s.id != rowID && top > 0 {
				scores[s.id] += part.weight * s.score / top
			}
		}
	}
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

func orExpr(terms []string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + t + `"`
	}
	return strings.Join(parts, " OR ")
}

// docFreq returns the number of documents holding each term according to
// the given fts5vocab table, and the number of documents.
func (db *DB) docFreq(ctx context.Context, vocab string, terms []string) (map[string]int, int, error) {
	df := make(map[string]int, len(terms))
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents`).Scan(&total); err != nil {
		return nil, 0, err
	}
	if len(terms) == 0 {
		return df, total, nil
	}
	args := make([]any, len(terms))
	for i, t := range terms {
		args[i] = t
	}
	rows, err := db.read.QueryContext(ctx, `SELECT term, doc FROM `+vocab+` WHERE term IN (`+placeholders(len(terms))+`)`, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return nil, 0, err
		}
		df[t] = n
	}
	return df, total, rows.Err()
}
