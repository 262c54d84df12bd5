package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/wengao/wengao"
)

// The change log carries the changes one instance commits to the
// subscribers (Store.OnChange) of the others. Each write transaction
// that records a change (Tx.Changed) writes one row per kind into
// change_log, in the transaction itself: a change is logged if and only
// if it commits. Each instance's follower (FollowChanges) reads the rows
// after the last it saw, every half second, skips its own (its
// subscribers heard them at commit) and tells its subscribers of the
// others', once each, in id order.
//
// Ids are handed out in commit order because write transactions run one
// at a time (Dialect.BeginWrite), so a follower never passes over a row
// that commits later with a lower id.
//
// The log is pruned by the writers, with bounded work: every
// changeLogPruneEvery-th row, the transaction deletes up to
// changeLogPruneBatch rows older than ChangeLogKeep and records the
// highest id deleted. A follower behind that id (stopped for longer than
// ChangeLogKeep) has missed rows it cannot read: it tells its
// subscribers that everything changed, so that they drop all they hold.
// So does one that finds the log behind it (the database restored from
// an older copy).

// Change kinds in the log besides those of wengao.ChangeKind: masks
// changed (no subscriber is told; the masking cache is dropped).
const changeMasks = "masks"

const (
	// ChangeLogKeep is how long the log keeps a row: how long a
	// follower may stop (a database restart, a paused process) and still
	// hear every change rather than "everything changed".
	ChangeLogKeep = time.Hour
	// DefaultFollowEvery is how often a follower reads the log.
	DefaultFollowEvery = 500 * time.Millisecond

	changeLogPruneEvery = 64   // rows logged between two prunings
	changeLogPruneBatch = 512  // rows deleted by one at most
	changeLogMaxIDs     = 4096 // documents named in a row (about 80 KB); more log as "any"
	followBatch         = 1000
	followMaxBackoff    = 5 * time.Second
)

// newInstanceID returns a random name for a Store, which its rows in the
// log carry so that its follower skips them.
func newInstanceID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Instance returns the name the Store's rows in the change log carry.
func (s *Store) Instance() string { return s.instance }

// changesMasks records that the transaction changes the masking rules:
// other instances drop their cache of them.
func (tx *Tx) changesMasks() { tx.masksChanged = true }

// logChanges writes the transaction's changes into the change log, and
// prunes the log every changeLogPruneEvery rows.
func (tx *Tx) logChanges(ctx context.Context) error {
	var rows [][2]string // kind, ids
	for _, kind := range changeOrder {
		ids, ok := tx.changes[kind]
		if !ok {
			continue
		}
		joined := ""
		if len(ids) <= changeLogMaxIDs {
			joined = strings.Join(ids, "\n")
		}
		rows = append(rows, [2]string{string(kind), joined})
	}
	if tx.masksChanged {
		rows = append(rows, [2]string{changeMasks, ""})
	}
	var last int64
	for _, r := range rows {
		if err := tx.QueryRowContext(ctx, `INSERT INTO change_log (instance, kind, doc_ids, at) VALUES (?, ?, ?, ?) RETURNING id`,
			tx.store.instance, r[0], r[1], tx.now.Unix()).Scan(&last); err != nil {
			return err
		}
		if last%changeLogPruneEvery == 0 {
			if err := tx.pruneChangeLog(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// changeOrder is the order a transaction's changes are told in, so that
// subscribers see the same sequence for the same write, here and
// elsewhere.
var changeOrder = []wengao.ChangeKind{wengao.ChangeDocuments, wengao.ChangeSettings}

// pruneChangeLog deletes up to changeLogPruneBatch rows older than
// ChangeLogKeep and records the highest id deleted.
func (tx *Tx) pruneChangeLog(ctx context.Context) error {
	var upto int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM (
		SELECT id FROM change_log WHERE at < ? ORDER BY id LIMIT ?) AS old`,
		tx.now.Add(-ChangeLogKeep).Unix(), changeLogPruneBatch).Scan(&upto); err != nil || upto == 0 {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM change_log WHERE id <= ?`, upto); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE change_log_state SET pruned_upto = ? WHERE pruned_upto < ?`, upto, upto)
	return err
}

// changeFeed is a Store's follower of the change log.
type changeFeed struct {
	mu      sync.Mutex // one poll at a time
	started bool       // last is set
	last    int64      // the id of the last row handled

	runMu sync.Mutex
	stop  chan struct{}
	done  chan struct{}
}

// FollowChanges starts telling the Store's subscribers (OnChange) of the
// changes other instances and processes commit, reading the change log
// every every (DefaultFollowEvery when 0 or less), in the background,
// until StopFollowing. It is a no-op when already following. Following
// again after a stop resumes after the last row handled.
//
// A follower that cannot read the log (the database restarting) tries
// again, less and less often up to every five seconds, and resumes
// where it was; one that finds it missed rows tells its subscribers that
// everything changed.
func (s *Store) FollowChanges(every time.Duration) {
	if every <= 0 {
		every = DefaultFollowEvery
	}
	f := &s.feed
	f.runMu.Lock()
	defer f.runMu.Unlock()
	if f.stop != nil {
		return
	}
	stop, done := make(chan struct{}), make(chan struct{})
	f.stop, f.done = stop, done
	go func() {
		defer close(done)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			<-stop
			cancel()
		}()
		wait, failing := every, false
		t := time.NewTimer(0)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			if err := s.PollChanges(ctx); err != nil {
				if ctx.Err() != nil {
					return
				}
				if !failing {
					slog.Default().Warn("follow the change log", "store", s.dialect.Name(), "err", err)
				}
				failing = true
				wait = min(2*wait, followMaxBackoff)
			} else {
				if failing {
					slog.Default().Info("following the change log again", "store", s.dialect.Name())
				}
				failing, wait = false, every
			}
			t.Reset(wait)
		}
	}()
}

// StopFollowing stops the follower started by FollowChanges and waits
// for it. It is a no-op when not following.
func (s *Store) StopFollowing() {
	f := &s.feed
	f.runMu.Lock()
	defer f.runMu.Unlock()
	if f.stop == nil {
		return
	}
	close(f.stop)
	<-f.done
	f.stop, f.done = nil, nil
}

// changeRow is a row of the change log.
type changeRow struct {
	id       int64
	instance string
	kind     string
	ids      string
}

// PollChanges reads the change log once and tells the subscribers of
// the rows other instances wrote since the last poll. The first poll
// only notes where the log ends: nothing was cached before it.
// FollowChanges calls it; tests and tools may call it themselves.
func (s *Store) PollChanges(ctx context.Context) error {
	f := &s.feed
	f.mu.Lock()
	defer f.mu.Unlock()
	var rows []changeRow
	if f.started {
		r, err := s.read.QueryContext(ctx, `SELECT id, instance, kind, doc_ids FROM change_log WHERE id > ? ORDER BY id LIMIT ?`, f.last, followBatch)
		if err != nil {
			return err
		}
		rows, err = Collect(r, func(row RowScanner) (*changeRow, error) {
			var c changeRow
			return &c, row.Scan(&c.id, &c.instance, &c.kind, &c.ids)
		})
		if err != nil {
			return err
		}
	}
	// Read after the rows: a pruning between the two reads shows as a
	// miss, at worst one that was not.
	var pruned, head int64
	if err := s.read.QueryRowContext(ctx, `SELECT pruned_upto, (SELECT COALESCE(MAX(id), 0) FROM change_log) FROM change_log_state`).Scan(&pruned, &head); err != nil {
		return err
	}
	head = max(head, pruned)
	if !f.started {
		f.started, f.last = true, head
		return nil
	}
	if pruned > f.last || head < f.last {
		// Rows were pruned before this follower read them, or the log
		// is behind it (an older copy of the database): whatever the
		// subscribers hold may be stale.
		f.last = head
		if len(rows) > 0 {
			f.last = max(head, rows[len(rows)-1].id)
		}
		s.everythingChanged()
		return nil
	}
	for _, r := range rows {
		f.last = r.id
		if r.instance == s.instance {
			continue
		}
		s.remoteChange(r)
	}
	return nil
}

// remoteChange drops what the Store caches of a change another instance
// made and tells the subscribers.
func (s *Store) remoteChange(r changeRow) {
	switch r.kind {
	case string(wengao.ChangeDocuments):
		var ids []string
		if r.ids != "" {
			ids = strings.Split(r.ids, "\n")
		}
		s.changes.notify(wengao.Change{Kind: wengao.ChangeDocuments, DocumentIDs: ids})
	case string(wengao.ChangeSettings):
		s.settings.forget()
		s.abbrs.forget()
		s.changes.notify(wengao.Change{Kind: wengao.ChangeSettings})
	case changeMasks:
		s.masks.forget()
	default:
		// A kind a newer version logs: nothing known may be kept.
		s.everythingChanged()
	}
}

// everythingChanged drops every cache of the Store and tells the
// subscribers that any document and the settings changed.
func (s *Store) everythingChanged() {
	s.settings.forget()
	s.abbrs.forget()
	s.masks.forget()
	for _, kind := range changeOrder {
		s.changes.notify(wengao.Change{Kind: kind})
	}
}
