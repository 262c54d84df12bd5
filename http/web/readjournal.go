package web

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wengao/wengao"
)

// The read journal keeps the reads a ReadCounter has counted (and shows)
// but not written yet, so that a crash — kill -9, an out-of-memory kill —
// does not take them back: each counted read is appended to a journal
// segment (Journal.N) as a line "day TAB quoted document id" before the count is
// shown; each flush starts a new segment and, once the store has the
// reads, removes the segments it covered. RecoverJournal, at start-up,
// writes what a crash left and removes it. Appends are not synced: a
// process that dies keeps its writes in the operating system's cache; a
// machine that loses power may lose the last seconds, as it would
// without the journal. A crash between a flush's commit and the removal
// of its segments counts those reads twice at recovery: a read count may
// go up by a few, never down.

// openSegment starts journal segment n. Called with c.mu held.
func (c *ReadCounter) openSegment() {
	c.segment++
	f, err := os.OpenFile(fmt.Sprintf("%s.%d", c.Journal, c.segment), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		c.Logger.Error("read journal", "err", err)
		c.journal = nil
		return
	}
	c.journal = f
}

// journalRead appends a counted read to the journal. Called with c.mu
// held.
func (c *ReadCounter) journalRead(day, id string) {
	if c.Journal == "" {
		return
	}
	if c.journal == nil {
		c.openSegment()
		if c.journal == nil {
			return
		}
	}
	if _, err := c.journal.WriteString(day + "\t" + strconv.Quote(id) + "\n"); err != nil {
		c.Logger.Error("read journal", "err", err)
	}
}

// rotateJournal closes the current segment, so that the next reads go to
// a new one, and returns the number of the last segment the pending
// reads are in. Called with c.mu held.
func (c *ReadCounter) rotateJournal() int {
	if c.journal != nil {
		c.journal.Close()
		c.journal = nil
	}
	return c.segment
}

// dropSegments removes the journal segments up to n, whose reads the
// store has.
func (c *ReadCounter) dropSegments(n int) {
	segs, err := journalSegments(c.Journal)
	if err != nil {
		c.Logger.Error("read journal", "err", err)
		return
	}
	for _, s := range segs {
		if s.n <= n {
			if err := os.Remove(s.path); err != nil {
				c.Logger.Error("read journal", "err", err)
			}
		}
	}
}

type journalSegment struct {
	n    int
	path string
}

// journalSegments lists the segments of the journal at path, oldest
// first.
func journalSegments(path string) ([]journalSegment, error) {
	matches, err := filepath.Glob(path + ".*")
	if err != nil {
		return nil, err
	}
	var segs []journalSegment
	for _, m := range matches {
		n, err := strconv.Atoi(strings.TrimPrefix(m, path+"."))
		if err == nil && n > 0 {
			segs = append(segs, journalSegment{n, m})
		}
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].n < segs[j].n })
	return segs, nil
}

// RecoverJournal writes to the store the reads that the journal holds
// from a run that did not flush them (one that crashed), and removes the
// journal. Call it before Open, with no other process counting into the
// same journal. It returns the number of reads recovered.
func (c *ReadCounter) RecoverJournal(ctx context.Context) (int64, error) {
	if c.Journal == "" {
		return 0, nil
	}
	segs, err := journalSegments(c.Journal)
	if err != nil || len(segs) == 0 {
		return 0, err
	}
	counts := map[wengao.Read]int64{}
	for _, s := range segs {
		f, err := os.Open(s.path)
		if err != nil {
			return 0, err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			// A line cut short by the crash is dropped: its id lacks
			// the closing quote, or its day does not parse.
			day, quoted, _ := strings.Cut(sc.Text(), "\t")
			id, err := strconv.Unquote(quoted)
			if _, derr := time.Parse(wengao.DayLayout, day); err == nil && derr == nil && id != "" {
				counts[wengao.Read{DocumentID: id, Day: day}]++
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return 0, fmt.Errorf("read journal %s: %w", s.path, err)
		}
	}
	var batch []wengao.Read
	var n int64
	for r, k := range counts {
		r.Count = k
		batch = append(batch, r)
		n += k
	}
	if len(batch) > 0 {
		if err := c.Store.RecordReads(ctx, batch); err != nil {
			return 0, err
		}
	}
	for _, s := range segs {
		if err := os.Remove(s.path); err != nil {
			return n, err
		}
	}
	return n, nil
}
