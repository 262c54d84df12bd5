package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/search"
)

// Related reading is computed from a bounded set of candidates: for each
// of a few distinctive terms of the document, the relatedProbe newest
// documents holding it (FTS5 reads a term's rows newest first and stops
// there). A term held by fewer documents yields all of them and its exact
// document frequency; a common term's frequency is estimated from the
// span of rows its newest relatedProbe cover. The cost of a list is thus
// at most 2·relatedTitleTerms + relatedTitleTerms + relatedBodyCands
// probes of relatedProbe rows, in two queries, whatever the size of the
// library.
const (
	relatedProbe      = 200  // rows read per term
	relatedTitleTerms = 10   // distinctive title terms a document is matched by
	relatedBodyTerms  = 12   // distinctive body terms a document is matched by
	relatedBodyCands  = 16   // most frequent body terms probed
	relatedBodyRunes  = 6000 // characters of the body its terms are taken from
	relatedRescored   = 80   // best candidates whose length and state are read
	relatedStored     = 20   // entries kept a document
	// relatedTitleWeight is how much more a shared term counts in titles.
	relatedTitleWeight = 2
	// relatedLengthWeight damps long documents, which share more terms by
	// their length alone.
	relatedLengthWeight = 0.25
	relatedLengthScale  = 4000 // characters
	// relatedQueueSize is how many computed lists wait to be stored; more
	// are dropped (and computed again on a later view).
	relatedQueueSize = 512
)

// relatedEntry is one document of a related list and its score.
type relatedEntry struct {
	row   int64
	score float64
}

// relatedList is a document's computed related reading.
type relatedList struct {
	row     int64
	hash    string // the document's hash when computed: stored only if unchanged
	title   string
	size    int
	at      int64 // Unix seconds
	entries []relatedEntry
	raw     map[int64]float64 // raw scores of entries, for merging into theirs
}

// formatRelated renders entries as stored: "row:score" pairs.
func formatRelated(entries []relatedEntry) string {
	var b strings.Builder
	for i, e := range entries {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(e.row, 10))
		b.WriteByte(':')
		b.WriteString(strconv.FormatFloat(e.score, 'g', 6, 64))
	}
	return b.String()
}

// parseRelated reads a stored list, skipping anything malformed.
func parseRelated(s string) []relatedEntry {
	var out []relatedEntry
	for _, p := range strings.Split(s, ",") {
		r, sc, ok := strings.Cut(p, ":")
		if !ok {
			continue
		}
		row, err1 := strconv.ParseInt(r, 10, 64)
		score, err2 := strconv.ParseFloat(sc, 64)
		if err1 == nil && err2 == nil {
			out = append(out, relatedEntry{row, score})
		}
	}
	return out
}

// sortRelated orders entries best first, ties by row id.
func sortRelated(entries []relatedEntry) {
	slices.SortFunc(entries, func(a, b relatedEntry) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.row, b.row)
	})
}

// termProbe is what one term's probe found.
type termProbe struct {
	rows []int64
	df   float64 // documents holding the term, exact or estimated
}

// probes returns, for each term, the newest relatedProbe rows of table
// holding it and its document frequency among maxRow rows: one query for
// all the terms, each a sub-query giving one list of ids (a row each
// costs more in database/sql than in SQLite).
func (db *DB) probes(ctx context.Context, table string, terms []string, maxRow int64) ([]termProbe, error) {
	if len(terms) == 0 {
		return nil, nil
	}
	sub := `(SELECT group_concat(rowid) FROM (SELECT rowid FROM ` + table + ` WHERE ` + table + ` MATCH ? ORDER BY rowid DESC LIMIT ` + strconv.Itoa(relatedProbe) + `))`
	cols := make([]string, len(terms))
	args := make([]any, len(terms))
	lists := make([]sql.NullString, len(terms))
	dest := make([]any, len(terms))
	for i, t := range terms {
		// Tokens hold only letters and digits: quoting cannot be escaped.
		cols[i], args[i], dest[i] = sub, `"`+t+`"`, &lists[i]
	}
	if err := db.read.QueryRowContext(ctx, `SELECT `+strings.Join(cols, ", "), args...).Scan(dest...); err != nil {
		return nil, err
	}
	out := make([]termProbe, len(terms))
	for i, list := range lists {
		p := &out[i]
		if list.Valid {
			p.rows = make([]int64, 0, strings.Count(list.String, ",")+1)
			for _, f := range strings.Split(list.String, ",") {
				r, err := strconv.ParseInt(f, 10, 64)
				if err != nil {
					return nil, err
				}
				p.rows = append(p.rows, r)
			}
		}
		p.df = float64(len(p.rows))
		if len(p.rows) == relatedProbe {
			// The newest rows holding it spread over (oldest, maxRow]:
			// as dense over the whole library.
			span := float64(maxRow - slices.Min(p.rows) + 1)
			p.df = max(p.df, p.df*float64(maxRow)/span)
		}
	}
	return out, nil
}

// computeRelated computes the related reading of document row from the
// candidates that share its most distinctive terms, scored as
// search.Engine.Related scores them over the whole library: the inverse
// document frequency of each shared term, title terms counted again
// (twice) when in the candidate's title, damped by the candidate's length.
// Exact duplicates (of the document or of each other) are left out;
// hidden and deleted documents are kept, to be left out when the list is
// read, so that a document published again is back in the lists.
func (db *DB) computeRelated(ctx context.Context, row int64) (*relatedList, error) {
	c := &relatedList{row: row, at: db.Now().Unix()}
	var body string
	var maxRow int64
	err := db.read.QueryRowContext(ctx, `SELECT d.title, d.hash, d.size, substr(t.body, 1, ?), (SELECT max(id) FROM documents) FROM documents d JOIN document_texts t USING (id) WHERE d.id = ?`,
		relatedBodyRunes, row).Scan(&c.title, &c.hash, &c.size, &body, &maxRow)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return c, nil
		}
		return nil, err
	}
	total := float64(maxRow)
	idf := func(df float64) float64 { return math.Log(1 + total/(1+df)) }
	// Informative terms are held by fewer than a tenth of the documents
	// (all terms in a tiny library).
	informative := func(df float64) bool { return total < 50 || df*10 <= total }

	scores := map[int64]float64{}
	add := func(p termProbe, w float64) {
		for _, r := range p.rows {
			if r != row {
				scores[r] += w
			}
		}
	}
	// Title terms, judged by how common they are among titles, where 关于,
	// 印发 and 通知 are everywhere.
	titleTerms := search.DistinctTokens(chinese.IndexTokens(c.title), 2*relatedTitleTerms)
	type titleTerm struct {
		term string
		p    termProbe
	}
	tps, err := db.probes(ctx, "title_fts", titleTerms, maxRow)
	if err != nil {
		return nil, err
	}
	var tts []titleTerm
	for i, t := range titleTerms {
		if informative(tps[i].df) {
			tts = append(tts, titleTerm{t, tps[i]})
		}
	}
	slices.SortStableFunc(tts, func(a, b titleTerm) int { return cmp.Compare(a.p.df, b.p.df) })
	tts = tts[:min(len(tts), relatedTitleTerms)]
	// Body terms: the most frequent in the text, weighed by rarity.
	tf := map[string]int{}
	for _, t := range strings.Fields(chinese.IndexTokens(body)) {
		if len([]rune(t)) == 2 {
			tf[t]++
		}
	}
	inTitle := map[string]bool{}
	for _, t := range titleTerms {
		inTitle[t] = true
	}
	var cands []string
	for t, n := range tf {
		if n >= 2 && !inTitle[t] {
			cands = append(cands, t)
		}
	}
	slices.SortFunc(cands, func(a, b string) int {
		if c := cmp.Compare(tf[b], tf[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	cands = cands[:min(len(cands), relatedBodyCands)]
	// The title terms in texts, then the body terms, in one query.
	var inBody []string
	for _, tt := range tts {
		inBody = append(inBody, tt.term)
	}
	bps, err := db.probes(ctx, "body_fts", append(inBody, cands...), maxRow)
	if err != nil {
		return nil, err
	}
	for i, tt := range tts {
		add(tt.p, relatedTitleWeight*idf(tt.p.df))
		add(bps[i], idf(bps[i].df))
	}
	type bodyTerm struct {
		p      termProbe
		weight float64
	}
	var terms []bodyTerm
	for i, t := range cands {
		p := bps[len(tts)+i]
		if informative(p.df) {
			terms = append(terms, bodyTerm{p, float64(tf[t]) * idf(p.df)})
		}
	}
	slices.SortStableFunc(terms, func(a, b bodyTerm) int { return cmp.Compare(b.weight, a.weight) })
	for _, bt := range terms[:min(len(terms), relatedBodyTerms)] {
		add(bt.p, idf(bt.p.df))
	}

	// The best candidates by shared terms, then by length.
	best := make([]relatedEntry, 0, len(scores))
	for r, s := range scores {
		best = append(best, relatedEntry{r, s})
	}
	sortRelated(best)
	best = best[:min(len(best), relatedRescored)]
	if len(best) == 0 {
		return c, nil
	}
	args := make([]any, len(best))
	for i, e := range best {
		args[i] = e.row
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, size, hash FROM documents WHERE id IN (`+placeholders(len(best))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type meta struct {
		size int
		hash string
	}
	metas := map[int64]meta{}
	for rows.Next() {
		var r int64
		var m meta
		if err := rows.Scan(&r, &m.size, &m.hash); err != nil {
			return nil, err
		}
		metas[r] = m
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	c.raw = map[int64]float64{}
	var ranked []relatedEntry
	for _, e := range best {
		m, ok := metas[e.row]
		if !ok {
			continue
		}
		ranked = append(ranked, relatedEntry{e.row, e.score / lengthDamping(m.size)})
	}
	sortRelated(ranked)
	seen := map[string]bool{c.hash: true}
	for _, e := range ranked {
		if len(c.entries) == relatedStored {
			break
		}
		h := metas[e.row].hash
		if seen[h] {
			continue
		}
		seen[h] = true
		c.entries = append(c.entries, relatedEntry{e.row, round6(e.score)})
		c.raw[e.row] = scores[e.row]
	}
	return c, nil
}

// lengthDamping is what a candidate's score is divided by for its size.
func lengthDamping(size int) float64 {
	return 1 + relatedLengthWeight*math.Log1p(float64(size)/relatedLengthScale)
}

// round6 rounds a score to the precision it is stored with, so that a
// list computed and a list read back order alike.
func round6(f float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 6, 64), 64)
	return r
}

// relatedWriter stores computed lists in the background, a batch a
// transaction, so that a first view never waits for the writer.
type relatedWriter struct {
	db    *DB
	ch    chan *relatedList
	stop  chan struct{}
	done  chan struct{}
	start sync.Once
	end   sync.Once
}

// queue hands c to the writer, or drops it when the queue is full.
func (w *relatedWriter) queue(c *relatedList) {
	if c == nil || c.hash == "" {
		return
	}
	w.start.Do(func() { go w.loop() })
	select {
	case w.ch <- c:
	default:
	}
}

// close stops the writer once it has stored what was queued.
func (w *relatedWriter) close() {
	w.end.Do(func() {
		started := true
		w.start.Do(func() { started = false })
		close(w.stop)
		if started {
			<-w.done
		}
	})
}

func (w *relatedWriter) loop() {
	defer close(w.done)
	for {
		var batch []*relatedList
		stopping := false
		select {
		case <-w.stop:
			stopping = true
		case c := <-w.ch:
			batch = append(batch, c)
		}
	more:
		for stopping || len(batch) < 64 {
			select {
			case c := <-w.ch:
				batch = append(batch, c)
			default:
				break more
			}
		}
		// A failure (the database closing, a busy writer) drops the
		// batch: each list is computed again on a later view.
		if len(batch) > 0 {
			_ = w.db.storeRelated(context.Background(), batch)
		}
		if stopping {
			return
		}
	}
}

// storeRelated writes computed lists in one transaction, each only if its
// document is unchanged since, and merges each document into the stored
// lists of its related documents where it ranks among their best: a new
// document appears in the lists of older ones.
func (db *DB) storeRelated(ctx context.Context, lists []*relatedList) error {
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, c := range lists {
		res, err := tx.ExecContext(ctx, `INSERT INTO related_lists (id, list, computed_at)
			SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM documents WHERE id = ? AND hash = ? AND title = ?)
			ON CONFLICT (id) DO UPDATE SET list = excluded.list, computed_at = excluded.computed_at`,
			c.row, formatRelated(c.entries), c.at, c.row, c.hash, c.title)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		for _, e := range c.entries {
			if err := mergeRelated(ctx, tx, e.row, relatedEntry{c.row, round6(c.raw[e.row] / lengthDamping(c.size))}, c.at); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

// mergeRelated puts e into the stored list of document row if it ranks
// among its relatedStored best.
func mergeRelated(ctx context.Context, tx *Tx, row int64, e relatedEntry, at int64) error {
	var list string
	err := tx.QueryRowContext(ctx, `SELECT list FROM related_lists WHERE id = ?`, row).Scan(&list)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // computed on its first view, with e among the candidates
	}
	if err != nil {
		return err
	}
	entries := parseRelated(list)
	for _, x := range entries {
		if x.row == e.row {
			return nil
		}
	}
	if len(entries) >= relatedStored && e.score <= entries[len(entries)-1].score {
		return nil
	}
	entries = append(entries, e)
	sortRelated(entries)
	entries = entries[:min(len(entries), relatedStored)]
	_, err = tx.ExecContext(ctx, `UPDATE related_lists SET list = ?, computed_at = max(computed_at, ?) WHERE id = ?`, formatRelated(entries), at, row)
	return err
}

// PrecomputeRelated computes and stores the related reading of the
// published documents that have none, newest first, until every one has a
// list or ctx ends. After each document it sleeps idle times as long as
// the computation took (idle 3: a quarter of one core at most), so that it
// stays in the background. It returns the number of lists stored.
func (db *DB) PrecomputeRelated(ctx context.Context, idle float64) (int, error) {
	next := int64(math.MaxInt64)
	stored := 0
	for {
		rows, err := db.read.QueryContext(ctx, `SELECT d.id FROM documents d WHERE d.id < ? AND d.status = 'published'
			AND NOT EXISTS (SELECT 1 FROM related_lists r WHERE r.id = d.id) ORDER BY d.id DESC LIMIT 32`, next)
		if err != nil {
			return stored, err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return stored, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return stored, err
		}
		if len(ids) == 0 {
			return stored, nil
		}
		var batch []*relatedList
		for _, id := range ids {
			start := time.Now() // measures the work, to idle in proportion
			c, err := db.computeRelated(ctx, id)
			if err != nil {
				return stored, err
			}
			batch = append(batch, c)
			if idle > 0 {
				select {
				case <-ctx.Done():
					return stored, ctx.Err()
				case <-time.After(time.Duration(idle * float64(time.Since(start)))):
				}
			}
		}
		if err := db.storeRelated(ctx, batch); err != nil {
			return stored, err
		}
		stored += len(batch)
		next = ids[len(ids)-1]
	}
}
