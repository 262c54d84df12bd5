package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlite"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

// chineseNumber writes n with the digits 零…九, so that titles differ in
// their characters and a phrase of one title matches no other.
func chineseNumber(n int) string {
	digits := []rune("零一二三四五六七八九")
	var out []rune
	for _, c := range fmt.Sprint(n) {
		out = append(out, digits[c-'0'])
	}
	return string(out)
}

func backupDocTitle(n int) string { return "关于" + chineseNumber(n) + "号工作安排的通知" }

// openSnapshot opens a copy of the snapshot file snap as a wengao store.
func openSnapshot(t *testing.T, snap string) *sqlite.DB {
	t.Helper()
	buf, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	return sqlitetest.OpenCopy(t, buf)
}

// rawQueryInt runs a query giving one number on a plain connection to a
// database.
func rawQueryInt(t *testing.T, db *sqlite.DB, query string) int {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBackupConsistentUnderWrites takes snapshots while other handles on
// the same file (as another process would) save documents in batches and
// users buy them, and checks each snapshot: batches whole, the ledger's
// balances equal to its entries, every charge matched by its purchase,
// every document searchable, and the database and search indexes intact.
func TestBackupConsistentUnderWrites(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	// The writers use handles of their own, as a server and an import
	// running in other processes do.
	other, err := sqlite.OpenFile(db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	const batch = 20
	save := func(from int) error {
		docs := make([]*wengao.Document, batch)
		for i := range docs {
			n := from + i
			docs[i] = &wengao.Document{ID: fmt.Sprintf("d%d", n), Title: backupDocTitle(n), Date: "2024-05-06",
				Body: []string{"各单位：请按照" + chineseNumber(n) + "号文件要求做好工作。"}}
		}
		_, err := other.SaveDocuments(ctx, docs)
		return err
	}
	if err := save(0); err != nil {
		t.Fatal(err)
	}
	var users []*wengao.User
	for i := range 4 {
		u := mustCreateUser(t, other, fmt.Sprintf("buyer%d", i), 10)
		mustGrant(t, other, u.ID, 1000)
		users = append(users, u)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var saved atomic.Int64
	saved.Store(batch)
	var errs sync.Map
	wg.Add(1)
	go func() { // the import
		defer wg.Done()
		for n := batch; ; n += batch {
			select {
			case <-stop:
				return
			default:
			}
			if err := save(n); err != nil {
				errs.Store("save", err)
				return
			}
			saved.Store(int64(n + batch))
		}
	}()
	var bought atomic.Int64
	for _, u := range users {
		wg.Add(1)
		go func() { // a reader buying
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				doc := fmt.Sprintf("d%d", i%int(saved.Load()))
				if _, _, err := other.Purchase(ctx, u.ID, doc, 1, ""); err != nil && wengao.ErrorCode(err) != wengao.EPAYMENT {
					errs.Store("purchase", err)
					return
				}
				bought.Add(1)
				if i%7 == 0 {
					if err := other.Grant(ctx, &wengao.LedgerEntry{UserID: u.ID, Kind: wengao.KindAdjust, Amount: 3, Reason: "test"}); err != nil {
						errs.Store("grant", err)
						return
					}
				}
			}
		}()
	}

	var snaps []string
	for i := range 3 {
		// Let the writers make progress first, however slow they run
		// (the race detector).
		wantSaved, wantBought := int64(batch*(i+2)), bought.Load()+10
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) && (saved.Load() < wantSaved || bought.Load() < wantBought); {
			time.Sleep(10 * time.Millisecond)
		}
		path := filepath.Join(t.TempDir(), fmt.Sprintf("snap%d.db", i))
		snap, err := db.Backup(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if snap.Documents%batch != 0 {
			t.Errorf("snapshot %d holds %d documents: a batch of %d was cut", i, snap.Documents, batch)
		}
		if snap.Users != len(users) {
			t.Errorf("snapshot %d: %d users, want %d", i, snap.Users, len(users))
		}
		if want := sqlite.Migrations(); strings.Join(snap.Migrations, ",") != strings.Join(want, ",") {
			t.Errorf("snapshot migrations %v, want %v", snap.Migrations, want)
		}
		for _, suffix := range []string{"-wal", "-shm", "-journal"} {
			if _, err := os.Stat(path + suffix); err == nil {
				t.Errorf("snapshot left %s%s: it should be one file", path, suffix)
			}
		}
		snaps = append(snaps, path)
	}
	close(stop)
	wg.Wait()
	errs.Range(func(k, v any) bool {
		t.Errorf("%s: %v", k, v)
		return true
	})
	if bought.Load() == 0 {
		t.Error("no purchases ran during the snapshots")
	}

	last := 0
	for i, path := range snaps {
		snap := openSnapshot(t, path)
		n, err := snap.CountDocuments(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n < last {
			t.Errorf("snapshot %d has %d documents, fewer than the one before (%d)", i, n, last)
		}
		last = n
		mustCheckLedger(t, snap)
		if err := snap.CheckIntegrity(ctx); err != nil {
			t.Errorf("snapshot %d: %v", i, err)
		}
		// Every charge has its purchase and the other way round.
		charges := rawQueryInt(t, snap, `SELECT COUNT(*) FROM ledger WHERE kind = 'download'`)
		paid := rawQueryInt(t, snap, `SELECT COUNT(*) FROM purchases WHERE ledger_id IS NOT NULL`)
		if charges != paid {
			t.Errorf("snapshot %d: %d download charges but %d paid purchases", i, charges, paid)
		}
		// Every document is found by its title: the contentless search
		// index came along with the rows.
		for j := 0; j < n; j += max(1, n/40) {
			res, err := snap.Search(ctx, wengao.SearchRequest{Query: `"` + backupDocTitle(j) + `"`, Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) != 1 || res.Hits[0].ID != fmt.Sprintf("d%d", j) {
				t.Errorf("snapshot %d: search for d%d's title gave %+v", i, j, res.Hits)
				break
			}
		}
	}
	t.Logf("%d purchases; snapshots of up to %d documents", bought.Load(), last)
}

// TestBackupSample snapshots the sample library and finds the documents
// of the copy by their titles.
func TestBackupSample(t *testing.T) {
	ctx := context.Background()
	db := MustOpenSampleDB(t)
	path := filepath.Join(t.TempDir(), "snap.db")
	snap, err := db.Backup(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := db.CountDocuments(ctx)
	if got := snap.Documents; got != n {
		t.Fatalf("snapshot of: snap.Documents = %v, want %v", got, n)
	}
	if n == 0 {
		t.Fatalf("snapshot of %d documents, want %d (want not n == 0)", snap.Documents, n)
	}
	insp, err := sqlite.InspectFile(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if got := insp.Documents; got != n {
		t.Errorf("inspect: insp.Documents = %v, want %v", got, n)
	}
	if got := len(insp.UnknownMigrations()); got != 0 {
		t.Errorf("inspect: len(insp.UnknownMigrations()) = %v, want %v", got, 0)
	}
	copyDB := openSnapshot(t, path)
	ids, err := copyDB.DocumentIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(ids); i += 3 { // a third of them, evenly
		id := ids[i]
		d, err := copyDB.FindDocumentByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		res, err := copyDB.Search(ctx, wengao.SearchRequest{Query: `"` + d.Title + `"`, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range res.Hits {
			found = found || h.ID == id
		}
		if !found {
			t.Fatalf("document %s of the snapshot is not found by its title", id)
		}
	}
	if err := copyDB.CheckIntegrity(ctx); err != nil {
		t.Error(err)
	}
}

// TestBackupRefuses: no database is created for a missing source, and an
// existing snapshot file is not overwritten.
func TestBackupRefuses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, err := sqlite.BackupFile(ctx, filepath.Join(dir, "missing", sqlite.FileName), filepath.Join(dir, "snap.db"))
	if err == nil {
		t.Fatalf("missing source: err is nil")
	}
	if !strings.Contains(err.Error(), "no database") {
		t.Errorf("missing source: %v (want strings.Contains(err.Error(), \"no database\"))", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing")); err == nil {
		t.Error("a backup of a missing database created its folder")
	}

	db := MustOpenDB(t)
	mustSaveDocs(t, db, 3)
	taken := filepath.Join(dir, "taken.db")
	writeFileT(t, taken, "precious")
	if _, err := db.Backup(ctx, taken); err == nil {
		t.Error("backup over a file that is not empty: want an error")
	}
	if b, _ := os.ReadFile(taken); string(b) != "precious" {
		t.Errorf("the existing file was changed: %q", b)
	}
}

func writeFileT(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestInspectFileDamaged: a snapshot with damaged pages fails the
// integrity check; a file that is not a wengao database is named so.
func TestInspectFileDamaged(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustSaveDocs(t, db, 300)
	path := filepath.Join(t.TempDir(), "snap.db")
	if _, err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	buf, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Scramble a page in the middle, leaving the header alone.
	for i := len(buf) / 2; i < len(buf)/2+4096 && i < len(buf); i++ {
		buf[i] ^= 0x5a
	}
	damaged := filepath.Join(t.TempDir(), "damaged.db")
	if err := os.WriteFile(damaged, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.InspectFile(ctx, damaged); err == nil {
		t.Error("damaged snapshot: want an error")
	} else {
		t.Logf("damaged: %v", err)
	}

	other := filepath.Join(t.TempDir(), "other.db")
	raw, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	raw.Exec(`CREATE TABLE t (x)`)
	raw.Close()
	{
		_, err := sqlite.InspectFile(ctx, other)
		if err == nil {
			t.Fatalf("foreign database: err is nil")
		}
		if !strings.Contains(err.Error(), "not a wengao database") {
			t.Errorf("foreign database: %v (want strings.Contains(err.Error(), \"not a wengao database\"))", err)
		}
	}
}

// TestBackupUnknownMigrations: a snapshot from a newer wengao names the
// migrations this one does not know.
func TestBackupUnknownMigrations(t *testing.T) {
	s := &sqlite.Snapshot{Migrations: append(sqlite.Migrations(), "migrations/999_future.sql")}
	{
		got := s.UnknownMigrations()
		if got := len(got); got != 1 {
			t.Fatalf("unknown migrations: len(got) = %v, want %v", got, 1)
		}
		if got := got[0]; got != "migrations/999_future.sql" {
			t.Errorf("unknown migrations: got[0] = %v, want %v", got, "migrations/999_future.sql")
		}
	}
}
