package sqlstore

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"strings"
	"sync"
	"time"

	"github.com/wengao/wengao"
)

var _ wengao.VisitorReads = (*Store)(nil)

// The visitors who read a document on a day (wengao.VisitorReads) are
// rows (day, document, visitor) of visitor_reads, the visitor a keyed
// hash (HMAC-SHA-256, 16 bytes) of one of its keys and the document
// under a random salt of the day, shared by the instances through
// read_salts. A batch is written by multi-row INSERT … ON CONFLICT DO
// NOTHING RETURNING, which hands back the rows it inserted: each
// statement is atomic on its own, so no write transaction (and on
// PostgreSQL no write lock) is taken, and two instances recording the
// same visitor at once insert it once. Days before the day before the
// batch's earliest are deleted as batches come, visitorPruneBatch rows
// at a time, with their salts: once a salt is gone the hashes cannot be
// tied to an address by trying them all.

const (
	visitorHashLen    = 16
	visitorRowsPerSQL = 250 // rows of one INSERT: 750 parameters
	visitorPruneBatch = 2000
)

// daySalts caches the salts of the days a Store recorded reads for.
type daySalts struct {
	mu sync.Mutex
	m  map[string][]byte
}

// FirstReads records reads and reports which are the first of their
// document that day by all their keys, on any instance.
func (s *Store) FirstReads(ctx context.Context, reads []wengao.VisitorRead) ([]bool, error) {
	first := make([]bool, len(reads))
	if len(reads) == 0 {
		return first, nil
	}
	oldest := ""
	for _, r := range reads {
		if _, err := time.Parse(wengao.DayLayout, r.Day); err != nil {
			return nil, wengao.ErrBadDay(r.Day)
		}
		if oldest == "" || r.Day < oldest {
			oldest = r.Day
		}
	}
	type row struct {
		day, doc string
		hash     string
	}
	var rows []row
	owner := map[row][]int{} // the reads each row stands for
	for i, r := range reads {
		salt, err := s.daySalt(ctx, r.Day)
		if err != nil {
			return nil, err
		}
		first[i] = len(r.Keys) > 0
		for _, k := range r.Keys {
			m := hmac.New(sha256.New, salt)
			m.Write([]byte(k))
			m.Write([]byte{0})
			m.Write([]byte(r.DocumentID))
			w := row{r.Day, r.DocumentID, string(m.Sum(nil)[:visitorHashLen])}
			if _, seen := owner[w]; seen {
				// An earlier read of the batch has the key.
				first[i] = false
			} else {
				rows = append(rows, w)
			}
			owner[w] = append(owner[w], i)
		}
	}
	inserted := map[row]bool{}
	for len(rows) > 0 {
		n := min(len(rows), visitorRowsPerSQL)
		var q strings.Builder
		q.WriteString(`INSERT INTO visitor_reads (day, doc_id, visitor) VALUES `)
		args := make([]any, 0, 3*n)
		for i, w := range rows[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?)")
			args = append(args, w.day, w.doc, []byte(w.hash))
		}
		q.WriteString(` ON CONFLICT (day, doc_id, visitor) DO NOTHING RETURNING day, doc_id, visitor`)
		res, err := s.WritePool().QueryContext(ctx, q.String(), args...)
		if err != nil {
			return nil, err
		}
		for res.Next() {
			var w row
			var h []byte
			if err := res.Scan(&w.day, &w.doc, &h); err != nil {
				res.Close()
				return nil, err
			}
			w.hash = string(h)
			inserted[w] = true
		}
		if err := res.Close(); err != nil {
			return nil, err
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
		rows = rows[n:]
	}
	for w, is := range owner {
		if !inserted[w] {
			// Another instance, or an earlier batch, had it.
			for _, i := range is {
				first[i] = false
			}
		}
	}
	cutoff, _ := time.Parse(wengao.DayLayout, oldest)
	if err := s.pruneVisitors(ctx, cutoff.AddDate(0, 0, -1).Format(wengao.DayLayout)); err != nil {
		return nil, err
	}
	return first, nil
}

// daySalt returns the salt of day, making it when no instance has.
func (s *Store) daySalt(ctx context.Context, day string) ([]byte, error) {
	c := &s.salts
	c.mu.Lock()
	defer c.mu.Unlock()
	if salt, ok := c.m[day]; ok {
		return salt, nil
	}
	salt := make([]byte, 32)
	rand.Read(salt)
	w := s.WritePool()
	if _, err := w.ExecContext(ctx, `INSERT INTO read_salts (day, salt) VALUES (?, ?) ON CONFLICT (day) DO NOTHING`, day, salt); err != nil {
		return nil, err
	}
	if err := w.QueryRowContext(ctx, `SELECT salt FROM read_salts WHERE day = ?`, day).Scan(&salt); err != nil {
		return nil, err
	}
	if c.m == nil || len(c.m) >= 4 {
		c.m = map[string][]byte{}
	}
	c.m[day] = salt
	return salt, nil
}

// pruneVisitors deletes up to visitorPruneBatch records of days before
// day, and the salts of those days once their records are gone.
func (s *Store) pruneVisitors(ctx context.Context, day string) error {
	// A look by the key first, so that a flush with nothing to prune
	// costs one index probe.
	var found int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM visitor_reads WHERE day < ? LIMIT 1) AS old`, day).Scan(&found); err != nil || found == 0 {
		return err
	}
	w := s.WritePool()
	n, err := deleteFirst(ctx, w, "visitor_reads", "day, doc_id, visitor", "day < ?", []any{day}, visitorPruneBatch)
	if err != nil || n >= visitorPruneBatch {
		return err // more to delete; the salts wait for them
	}
	_, err = w.ExecContext(ctx, `DELETE FROM read_salts WHERE day < ?`, day)
	return err
}
