package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/backup"
	"github.com/wengao/wengao/blob"
	"github.com/wengao/wengao/sample"
	"github.com/wengao/wengao/sqlite"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

// backupHelperEnv carries the command line of TestBackupHelperProcess,
// fields separated by backupHelperSep.
const (
	backupHelperEnv = "WENGAO_BACKUP_HELPER_ARGS"
	backupHelperSep = "\x1f"
)

// TestBackupHelperProcess is not a test: it runs a wengao command line in
// a child process (the test binary run again), as a second program on
// the same data folder.
func TestBackupHelperProcess(t *testing.T) {
	args := os.Getenv(backupHelperEnv)
	if args == "" {
		t.Skip("runs only as a child process of the backup tests")
	}
	err := run(context.Background(), strings.Split(args, backupHelperSep), os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wengao:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// startWengaoProcess starts a wengao command line in a child process.
// The process is killed at the end of the test, or by calling kill.
func startWengaoProcess(t *testing.T, dir string, args ...string) (out *lockedBuffer, done chan error, kill func()) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestBackupHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), backupHelperEnv+"="+strings.Join(args, backupHelperSep))
	cmd.Dir = dir
	out = &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done = make(chan error, 1)
	exited := make(chan struct{})
	go func() {
		done <- cmd.Wait()
		close(exited)
	}()
	kill = func() {
		cmd.Process.Kill()
		<-exited
	}
	t.Cleanup(kill)
	return out, done, kill
}

// raceEnabled reports a test binary built with -race, which runs
// imports many times slower.
func raceEnabled() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" {
				return s.Value == "true"
			}
		}
	}
	return false
}

// isBusy reports SQLite's "database is locked": a writer that waited for
// the lock longer than its timeout.
func isBusy(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "SQLITE_BUSY") || strings.Contains(err.Error(), "database is locked"))
}

// writeSampleHead writes the first n records of the sample library as
// JSON Lines.
func writeSampleHead(t *testing.T, path string, n int) {
	t.Helper()
	var buf bytes.Buffer
	for _, m := range sampleRecords(t)[:n] {
		b, _ := json.Marshal(m)
		buf.Write(append(b, '\n'))
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// sampleRecords returns the records of the sample library.
func sampleRecords(t *testing.T) []map[string]any {
	t.Helper()
	r, err := sample.JSONL()
	if err != nil {
		t.Fatal(err)
	}
	var records []map[string]any
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		records = append(records, m)
	}
	return records
}

// writeSampleCopies writes copies of the sample library as JSON Lines,
// each copy's documents with ids and titles of their own, and returns
// the number of records.
func writeSampleCopies(t *testing.T, path string, copies int) int {
	t.Helper()
	records := sampleRecords(t)
	var buf bytes.Buffer
	n := 0
	for c := range copies {
		for _, m := range records {
			m2 := map[string]any{}
			for k, v := range m {
				m2[k] = v
			}
			m2["id"] = fmt.Sprintf("%s-copy%d", m["id"], c)
			m2["title"] = fmt.Sprintf("%s（第%s版）", m["title"], strings.Repeat("又", c+1))
			b, _ := json.Marshal(m2)
			buf.Write(append(b, '\n'))
			n++
		}
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return n
}

// readBackupManifest reads the manifest of a backup file.
func readBackupManifest(t *testing.T, path string) *backup.Manifest {
	t.Helper()
	members := readBackupMembers(t, path)
	if len(members) == 0 {
		t.Fatalf("%s does not start with its manifest (want not len(members) == 0)", path)
	}
	if got := members[0].hdr.Name; got != backup.ManifestName {
		t.Fatalf("members[0].hdr.Name = %v, want %v", got, backup.ManifestName)
	}
	var m backup.Manifest
	if err := json.Unmarshal(members[0].body, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

type tarMember struct {
	hdr  *tar.Header
	body []byte
}

// readBackupMembers reads every member of a backup file.
func readBackupMembers(t *testing.T, path string) []tarMember {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = gz
	}
	tr := tar.NewReader(r)
	var out []tarMember
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tarMember{hdr, body})
	}
}

// writeTar writes members as a tar file.
func writeTar(t *testing.T, path string, members []tarMember) {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, m := range members {
		h := *m.hdr
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(m.body))
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(m.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// addUploads stores n random files in the data folder's store and makes
// an upload of each by user, approving those approve says; it returns
// the files' keys.
func addUploads(t *testing.T, db *sqlite.DB, files *blob.Local, userID, reviewerID int64, tag string, n int, approve func(i int) bool) []string {
	t.Helper()
	ctx := context.Background()
	var keys []string
	for i := range n {
		content := make([]byte, 1000+i*337)
		rand.Read(content)
		key, size, err := files.Put(ctx, bytes.NewReader(content), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key)
		title := fmt.Sprintf("关于%s第%s批上传材料的通知", tag, strings.Repeat("又", i+1))
		u := &wengao.Upload{
			UserID: userID, Status: wengao.UploadPending,
			File:   wengao.SourceFile{Key: key, Name: fmt.Sprintf("%s-%d.docx", tag, i), Size: size},
			Format: "docx",
			Meta:   wengao.UploadMeta{Title: title, Issuer: "某某市人民政府办公室", Date: "2024-03-01", Genre: "通知", Category: "公文/通知"},
			Body:   []string{"各区县人民政府：", fmt.Sprintf("现将%s第%d批材料印发给你们，请结合实际认真贯彻落实。编号%s。", tag, i, key[:16])},
			Chars:  60,
		}
		if err := db.CreateUpload(ctx, u); err != nil {
			t.Fatal(err)
		}
		if approve != nil && approve(i) {
			if _, err := db.ApproveUpload(ctx, u.ID, reviewerID, 5, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	return keys
}

// TestBackupWhileImportingAndPurchasing is the backup's promise: a backup
// taken while the site serves, another process imports and readers buy
// documents restores to a store whose ledger checks out and whose
// documents are all found by search, with every stored file byte for
// byte.
func TestBackupWhileImportingAndPurchasing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs an import in a child process")
	}
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	race := raceEnabled()

	// The site, serving in process, with part of the sample library.
	seed := filepath.Join(dir, "seed.jsonl")
	writeSampleHead(t, seed, 80)
	if out, err := runCLI(t, "import", "--data", data, "--quiet", seed); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	serveCtx, stopServe := context.WithCancel(ctx)
	serveOut, serveLog := &lockedBuffer{}, &lockedBuffer{}
	serveDone := make(chan error, 1)
	go func() {
		serveDone <- run(serveCtx, []string{"serve", "--data", data, "--addr", "127.0.0.1:0", "--seed=false"}, serveOut, serveLog)
	}()
	defer func() {
		stopServe()
		select {
		case err := <-serveDone:
			if err != nil {
				t.Errorf("serve: %v\n%s", err, serveLog)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	}()
	var siteURL string
	for deadline := time.Now().Add(5 * time.Minute); siteURL == ""; {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", serveLog)
		}
		select {
		case err := <-serveDone:
			t.Fatalf("serve stopped: %v\n%s", err, serveLog)
		case <-time.After(50 * time.Millisecond):
		}
		if _, rest, ok := strings.Cut(serveOut.String(), "wengao is serving at "); ok {
			siteURL = strings.TrimSpace(rest)
		}
	}

	// Readers with points, and uploads with their files, some published.
	db := sqlitetest.OpenDir(t, data)
	defer db.Close()
	files, err := blob.NewLocal(filepath.Join(data, "files"))
	if err != nil {
		t.Fatal(err)
	}
	admin, err := db.CreateUser(ctx, wengao.NewUser{Username: "admin", Password: "correct horse battery", Role: wengao.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	var readers []*wengao.User
	for i := range 6 {
		u, err := db.CreateUser(ctx, wengao.NewUser{Username: fmt.Sprintf("reader%d", i), Password: "correct horse battery", Bonus: 50})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Grant(ctx, &wengao.LedgerEntry{UserID: u.ID, Kind: wengao.KindAdjust, Amount: 400, Reason: "test"}); err != nil {
			t.Fatal(err)
		}
		readers = append(readers, u)
	}
	addUploads(t, db, files, readers[0].ID, admin.ID, "甲", 6, func(i int) bool { return i%2 == 0 })
	seeded, err := db.DocumentIDs(ctx)
	if err != nil {
		t.Fatalf("seeded library: %v", err)
	}
	if len(seeded) < 80 {
		t.Fatalf("seeded library: %d documents, %v (want not len(seeded) < 80)", len(seeded), err)
	}

	// The import, in another process.
	input := filepath.Join(dir, "big.jsonl")
	want := writeSampleCopies(t, input, 10)
	childOut, childDone, killChild := startWengaoProcess(t, dir, "import", "--data", data, "--batch", "50", "--quiet", input)

	// Readers buying and searching, and uploads arriving, meanwhile.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var purchases, charged, searches, busy atomic.Int64
	var errMu sync.Mutex
	var errs []string
	fail := func(format string, args ...any) {
		errMu.Lock()
		errs = append(errs, fmt.Sprintf(format, args...))
		errMu.Unlock()
	}
	for i, u := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := i * 37; ; j++ {
				select {
				case <-stop:
					return
				default:
				}
				_, paid, err := db.Purchase(ctx, u.ID, seeded[j%len(seeded)], 1+int64(j%3), fmt.Sprintf("k%d-%d", u.ID, j))
				if race && isBusy(err) {
					busy.Add(1) // waited past the timeout, slowed down
					continue
				}
				if err != nil && wengao.ErrorCode(err) != wengao.EPAYMENT {
					fail("purchase: %v", err)
					return
				}
				purchases.Add(1)
				if paid {
					charged.Add(1)
				}
			}
		}()
	}
	wg.Add(1)
	go func() { // visitors searching the site
		defer wg.Done()
		queries := []string{"安全生产", "乡村振兴", "政府工作报告", "条例", "通知"}
		for i := 0; ; i++ {
			q := queries[i%len(queries)]
			select {
			case <-stop:
				return
			default:
			}
			resp, err := http.Get(siteURL + "/api/v1/search?q=" + url.QueryEscape(q))
			if err != nil {
				fail("search: %v", err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			searches.Add(1)
		}
	}()
	wg.Add(1)
	go func() { // uploads arriving
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			content := make([]byte, 2048)
			rand.Read(content)
			key, size, err := files.Put(ctx, bytes.NewReader(content), 1<<20)
			if err != nil {
				fail("put: %v", err)
				return
			}
			err = db.CreateUpload(ctx, &wengao.Upload{UserID: readers[1].ID, Status: wengao.UploadDraft,
				File: wengao.SourceFile{Key: key, Name: "草稿.docx", Size: size}, Format: "docx",
				Body: []string{fmt.Sprintf("草稿第%d号正文，编号%s。", i, key[:12])}})
			if race && isBusy(err) {
				busy.Add(1)
				continue
			}
			if err != nil {
				fail("upload: %v", err)
				return
			}
		}
	}()

	// The backup, once the import is well under way.
	for deadline := time.Now().Add(5 * time.Minute); ; {
		n, _ := db.CountDocuments(ctx)
		if n >= len(seeded)+300 || race && n >= len(seeded)+100 {
			break
		}
		select {
		case err := <-childDone:
			t.Fatalf("the import ended before the backup: %v\n%s", err, childOut)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the import did not get going:\n%s", childOut)
		}
		time.Sleep(20 * time.Millisecond)
	}
	archive := filepath.Join(dir, "backup.tar.gz")
	out, err := runCLI(t, "backup", "--data", data, "--to", archive)
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(out))
	select {
	case err := <-childDone:
		t.Fatalf("the import ended during the backup (%v): it should have been running throughout; make it longer", err)
	default:
	}
	close(stop)
	wg.Wait()
	for _, e := range errs {
		t.Error(e)
	}
	if charged.Load() == 0 {
		t.Errorf("no purchase was charged while the backup ran (%d purchases)", purchases.Load())
	}
	// The import goes on after the backup; it need not finish.
	time.Sleep(200 * time.Millisecond)
	final, _ := db.CountDocuments(ctx)
	killChild()
	if race {
		t.Logf("%d writes gave up waiting for the lock under the race detector", busy.Load())
	}
	t.Logf("%d purchases (%d charged) and %d searches ran; the store went from %d to %d documents while the backup ran and just after (of %d to import)", purchases.Load(), charged.Load(), searches.Load(), len(seeded), final, want)

	// The restore.
	m := readBackupManifest(t, archive)
	restored := filepath.Join(dir, "restored")
	out, err = runCLI(t, "restore", "--data", restored, archive)
	if err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(out))
	if !strings.Contains(out, fmt.Sprintf("%d documents, %d users, %d files", m.Documents, m.Users, m.Files)) {
		t.Errorf("restore summary does not give the manifest's counts %d/%d/%d:\n%s", m.Documents, m.Users, m.Files, out)
	}
	if m.Documents <= len(seeded) {
		t.Fatalf("the backup holds %d documents: want a snapshot taken mid-import, between %d and %d (want not m.Documents <= len(seeded))", m.Documents, len(seeded), final)
	}
	if m.Documents >= final {
		t.Errorf("the backup holds %d documents: want a snapshot taken mid-import, between %d and %d (want not m.Documents >= final)", m.Documents, len(seeded), final)
	}
	if out, err := runCLI(t, "ledger", "check", "--data", restored); err != nil {
		t.Errorf("ledger check of the restored store: %v\n%s", err, out)
	}

	rdb := sqlitetest.OpenDir(t, restored)
	defer rdb.Close()
	n, err := rdb.CountDocuments(ctx)
	if err != nil {
		t.Fatalf("restored store: %v", err)
	}
	if got := n; got != m.Documents {
		t.Errorf("restored store: n = %v, want %v", got, m.Documents)
	}
	{
		users := rawCount(t, restored, `SELECT COUNT(*) FROM users`)
		if got := users; got != m.Users {
			t.Errorf("restored store: users = %v, want %v", got, m.Users)
		}
		if got := users; got != len(readers)+1 {
			t.Errorf("restored store: users = %v, want %v", got, len(readers)+1)
		}
	}
	// Every charge has its purchase.
	if a, b := rawCount(t, restored, `SELECT COUNT(*) FROM ledger WHERE kind = 'download'`),
		rawCount(t, restored, `SELECT COUNT(*) FROM purchases WHERE ledger_id IS NOT NULL`); a != b || a == 0 {
		t.Errorf("restored store: %d download charges, %d paid purchases", a, b)
	}

	// Every document is found by its title (a few hundred, evenly).
	ids, err := rdb.DocumentIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	step := max(1, len(ids)/400)
	if race {
		step = max(1, len(ids)/100)
	}
	checked := 0
	for i := 0; i < len(ids); i += step {
		d, err := rdb.FindDocumentByID(ctx, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		res, err := rdb.Search(ctx, wengao.SearchRequest{Query: `"` + d.Title + `"`, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range res.Hits {
			found = found || h.ID == d.ID
		}
		if !found {
			t.Errorf("restored document %s (%s) is not found by its title", d.ID, d.Title)
		}
		checked++
	}
	t.Logf("searched %d of %d restored documents by title", checked, len(ids))

	// Every file, byte for byte; and every file a row refers to is there.
	rfiles, err := blob.NewLocal(filepath.Join(restored, "files"))
	if err != nil {
		t.Fatal(err)
	}
	nfiles := 0
	err = rfiles.Walk(ctx, func(key string, size int64) error {
		nfiles++
		got, err := os.ReadFile(filepath.Join(restored, "files", key[0:2], key[2:4], key))
		if err != nil {
			return err
		}
		orig, err := os.ReadFile(filepath.Join(data, "files", key[0:2], key[2:4], key))
		if err != nil {
			return err
		}
		if !bytes.Equal(got, orig) {
			t.Errorf("restored file %s differs from the original", key)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := nfiles; got != m.Files {
		t.Errorf("restored: nfiles = %v, want %v", got, m.Files)
	}
	if nfiles < 6 {
		t.Errorf("restored %d files, manifest %d (want not nfiles < 6)", nfiles, m.Files)
	}
	snap, err := sqlite.InspectFile(ctx, filepath.Join(restored, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range snap.FileKeys {
		if ok, _ := rfiles.Exists(ctx, key); !ok {
			t.Errorf("the restored store refers to file %s, which it lacks", key)
		}
	}
	if len(m.Missing) > 0 {
		t.Errorf("the backup reports missing files: %v", m.Missing)
	}
}

// rawCount runs a counting query on a read-only connection to the data
// folder's database.
func rawCount(t *testing.T, data, query string) int {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(data, sqlite.FileName)+"?mode=ro")
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

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// smallBackup makes a data folder with a few documents, a user and two
// stored files, and its backup (a plain tar).
func smallBackup(t *testing.T) (data, archive string) {
	t.Helper()
	dir := t.TempDir()
	data = filepath.Join(dir, "data")
	input := filepath.Join(dir, "in.jsonl")
	writeFile(t, input, strings.Join([]string{
		`{"id":"d1","title":"关于加强安全生产工作的通知","date":"2024-03-01","category":"公文/通知","body":"一、总体要求\n加强安全生产。"}`,
		`{"id":"d2","title":"营口市精细化工产业发展报告","date":"2023-06-28","category":"报告/调研报告","body":"推进精细化工产业发展。"}`,
	}, "\n"))
	if out, err := runCLI(t, "import", "--data", data, "--quiet", input); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	db := sqlitetest.OpenDir(t, data)
	u, err := db.CreateUser(context.Background(), wengao.NewUser{Username: "reader", Password: "correct horse battery", Bonus: 20})
	if err != nil {
		t.Fatal(err)
	}
	files, err := blob.NewLocal(filepath.Join(data, "files"))
	if err != nil {
		t.Fatal(err)
	}
	addUploads(t, db, files, u.ID, 0, "乙", 2, nil)
	db.Close()
	archive = filepath.Join(dir, "small.tar")
	if out, err := runCLI(t, "backup", "--data", data, "--to", archive); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	return data, archive
}

// assertUntouched checks that a restore left dir as it was.
func assertUntouched(t *testing.T, dir string, existed bool) {
	t.Helper()
	names, err := readDirNames(dir)
	switch {
	case !existed && err == nil:
		t.Errorf("a failed restore left %s behind, holding %v", dir, names)
	case existed && err != nil:
		t.Errorf("a failed restore removed %s: %v", dir, err)
	case existed && len(names) > 0:
		t.Errorf("a failed restore left %v in %s", names, dir)
	}
}

func TestBackupRefusesToOverwrite(t *testing.T) {
	data, archive := smallBackup(t)
	before, _ := os.ReadFile(archive)
	out, err := runCLI(t, "backup", "--data", data, "--to", archive)
	if err == nil {
		t.Fatalf("backup over an existing file: err is nil")
	}
	if !strings.Contains(out+err.Error(), "already exists") {
		t.Fatalf("backup over an existing file: %v\n%s (want strings.Contains(out+err.Error(), \"already exists\"))", err, out)
	}
	if after, _ := os.ReadFile(archive); !bytes.Equal(before, after) {
		t.Error("the existing backup was changed")
	}
	if out, err := runCLI(t, "backup", "--data", data, "--force", "--to", archive); err != nil {
		t.Fatalf("backup --force: %v\n%s", err, out)
	}
	// No temporary files are left next to the backup.
	names, _ := readDirNames(filepath.Dir(archive))
	for _, n := range names {
		if strings.Contains(n, ".tmp") {
			t.Errorf("left %s behind", n)
		}
	}
	// A missing data folder is not created.
	missing := filepath.Join(t.TempDir(), "nothing")
	out, err = runCLI(t, "backup", "--data", missing, "--to", filepath.Join(t.TempDir(), "x.tar"))
	if err == nil {
		t.Fatalf("backup of a missing folder: err is nil")
	}
	if !strings.Contains(err.Error(), "no wengao database") {
		t.Errorf("backup of a missing folder: %v\n%s (want strings.Contains(err.Error(), \"no wengao database\"))", err, out)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("backup created the missing data folder")
	}
	{
		out, err := runCLI(t, "backup", "--data", data)
		if err == nil {
			t.Fatalf("backup without --to: err is nil")
		}
		if !strings.Contains(out, "--to FILE") {
			t.Errorf("backup without --to: %v\n%s (want strings.Contains(out, \"--to FILE\"))", err, out)
		}
	}
}

func TestRestoreSmall(t *testing.T) {
	data, archive := smallBackup(t)
	// Into an existing empty folder.
	target := t.TempDir()
	out, err := runCLI(t, "restore", "--data", target, archive)
	if err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	if !strings.Contains(out, "2 documents, 1 users, 2 files") {
		t.Errorf("restore summary:\n%s", out)
	}
	names, _ := readDirNames(target)
	if strings.Join(names, ",") != "files,wengao.db" {
		t.Errorf("restored folder holds %v", names)
	}
	out, err = runCLI(t, "search", "--data", target, "精细化工")
	if err != nil {
		t.Fatalf("search the restored store: %v", err)
	}
	if !strings.Contains(out, "1 documents") {
		t.Errorf("search the restored store: %v\n%s (want strings.Contains(out, \"1 documents\"))", err, out)
	}
	_ = data
}

func TestRestoreRefusesNonEmptyFolder(t *testing.T) {
	_, archive := smallBackup(t)
	target := t.TempDir()
	writeFile(t, filepath.Join(target, "notes.txt"), "keep me")
	out, err := runCLI(t, "restore", "--data", target, archive)
	if err == nil {
		t.Fatalf("restore into a non-empty folder: err is nil")
	}
	if !strings.Contains(err.Error(), "is not empty") {
		t.Fatalf("restore into a non-empty folder: %v\n%s (want strings.Contains(err.Error(), \"is not empty\"))", err, out)
	}
	if !strings.Contains(err.Error(), "notes.txt") {
		t.Fatalf("restore into a non-empty folder: %v\n%s (want strings.Contains(err.Error(), \"notes.txt\"))", err, out)
	}
	names, _ := readDirNames(target)
	if strings.Join(names, ",") != "notes.txt" {
		t.Errorf("the folder changed: %v", names)
	}
	if b, _ := os.ReadFile(filepath.Join(target, "notes.txt")); string(b) != "keep me" {
		t.Error("notes.txt changed")
	}
}

func TestRestoreCorruptedBackup(t *testing.T) {
	_, archive := smallBackup(t)
	buf, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	members := readBackupMembers(t, archive)
	// The database's bytes: after the manifest's header and blocks and
	// its own header.
	start := 512 + (len(members[0].body)+511)/512*512 + 512
	if members[1].hdr.Name != backup.DBName {
		t.Fatalf("second member %s", members[1].hdr.Name)
	}
	bad := bytes.Clone(buf)
	for i := start + len(members[1].body)/2; i < start+len(members[1].body)/2+64; i++ {
		bad[i] ^= 0xff
	}
	corrupt := filepath.Join(t.TempDir(), "corrupt.tar")
	os.WriteFile(corrupt, bad, 0o644)

	for _, existed := range []bool{false, true} {
		target := filepath.Join(t.TempDir(), "new", "data")
		if existed {
			target = t.TempDir()
		}
		out, err := runCLI(t, "restore", "--data", target, corrupt)
		if err == nil {
			t.Fatalf("restore of a corrupted backup: err is nil")
		}
		if !strings.Contains(err.Error(), "checksum mismatch") {
			t.Fatalf("restore of a corrupted backup: %v\n%s (want strings.Contains(err.Error(), \"checksum mismatch\"))", err, out)
		}
		if !strings.Contains(err.Error(), backup.DBName) {
			t.Fatalf("restore of a corrupted backup: %v\n%s (want strings.Contains(err.Error(), backup.DBName))", err, out)
		}
		assertUntouched(t, target, existed)
		if !existed {
			if _, err := os.Stat(filepath.Dir(target)); err == nil {
				t.Errorf("a failed restore left the folder it made, %s", filepath.Dir(target))
			}
		}
	}

	// Truncated.
	short := filepath.Join(t.TempDir(), "short.tar")
	os.WriteFile(short, buf[:start+len(members[1].body)/2], 0o644)
	target := t.TempDir()
	{
		_, err := runCLI(t, "restore", "--data", target, short)
		if err == nil {
			t.Fatalf("restore of a truncated backup: err is nil")
		}
		if !strings.Contains(err.Error(), "truncated") {
			t.Errorf("restore of a truncated backup: %v (want strings.Contains(err.Error(), \"truncated\"))", err)
		}
	}
	assertUntouched(t, target, true)

	// A damaged gzip stream.
	var gzbuf bytes.Buffer
	zw := gzip.NewWriter(&gzbuf)
	zw.Write(buf)
	zw.Close()
	gzBad := gzbuf.Bytes()
	for i := len(gzBad) / 2; i < len(gzBad)/2+32; i++ {
		gzBad[i] ^= 0xff
	}
	gzPath := filepath.Join(t.TempDir(), "bad.tar.gz")
	os.WriteFile(gzPath, gzBad, 0o644)
	target = t.TempDir()
	if _, err := runCLI(t, "restore", "--data", target, gzPath); err == nil || !strings.Contains(err.Error(), "not a usable wengao backup") {
		t.Errorf("restore of a damaged gzip: %v", err)
	} else {
		t.Logf("damaged gzip: %v", err)
	}
	assertUntouched(t, target, true)

	// A file that is no backup at all.
	junk := filepath.Join(t.TempDir(), "junk.tar")
	os.WriteFile(junk, []byte("this is not a tar file, just some text that goes on for a while"), 0o644)
	{
		_, err := runCLI(t, "restore", "--data", target, junk)
		if err == nil {
			t.Fatalf("restore of junk: err is nil")
		}
		if !strings.Contains(err.Error(), "not a usable wengao backup") {
			t.Errorf("restore of junk: %v (want strings.Contains(err.Error(), \"not a usable wengao backup\"))", err)
		}
	}
	assertUntouched(t, target, true)
}

func TestRestoreRefusesHostileMembers(t *testing.T) {
	_, archive := smallBackup(t)
	members := readBackupMembers(t, archive)
	var m backup.Manifest
	if err := json.Unmarshal(members[0].body, &m); err != nil {
		t.Fatal(err)
	}
	withManifest := func(m backup.Manifest) tarMember {
		b, _ := json.Marshal(m)
		return tarMember{&tar.Header{Typeflag: tar.TypeReg, Name: backup.ManifestName, Mode: 0o644}, b}
	}
	evil := []byte("evil")
	evilSum := blob.Key(evil)
	blobName := m.Members[1].Name

	cases := map[string]struct {
		members []tarMember
		want    string
	}{
		"extra ../evil member": {
			append(append([]tarMember{}, members...), tarMember{&tar.Header{Typeflag: tar.TypeReg, Name: "../evil", Mode: 0o644}, evil}),
			`refusing member "../evil"`,
		},
		"absolute member": {
			append([]tarMember{members[0], {&tar.Header{Typeflag: tar.TypeReg, Name: "/tmp/evil", Mode: 0o644}, evil}}, members[1:]...),
			`refusing member "/tmp/evil"`,
		},
		"manifest lists ../evil": func() struct {
			members []tarMember
			want    string
		} {
			m2 := m
			m2.Members = append(append([]backup.Member{}, m.Members...), backup.Member{Name: "files/../../evil", Size: 4, SHA256: evilSum})
			ms := append([]tarMember{withManifest(m2)}, members[1:]...)
			ms = append(ms, tarMember{&tar.Header{Typeflag: tar.TypeReg, Name: "files/../../evil", Mode: 0o644}, evil})
			return struct {
				members []tarMember
				want    string
			}{ms, `refusing member "files/../../evil"`}
		}(),
		"symbolic link": {
			append(append([]tarMember{}, members[:2]...),
				tarMember{&tar.Header{Typeflag: tar.TypeSymlink, Name: blobName, Linkname: "/etc/passwd", Mode: 0o777}, nil}),
			"symbolic link",
		},
		"hard link": {
			append(append([]tarMember{}, members[:2]...),
				tarMember{&tar.Header{Typeflag: tar.TypeLink, Name: blobName, Linkname: "../../../etc/passwd"}, nil}),
			"hard link",
		},
		"member larger than the manifest says": func() struct {
			members []tarMember
			want    string
		} {
			ms := append([]tarMember{}, members...)
			ms[2] = tarMember{ms[2].hdr, append(bytes.Clone(ms[2].body), make([]byte, 1<<20)...)}
			return struct {
				members []tarMember
				want    string
			}{ms, "the manifest says"}
		}(),
		"file content not its name": func() struct {
			members []tarMember
			want    string
		} {
			ms := append([]tarMember{}, members...)
			body := bytes.Clone(ms[2].body)
			body[0] ^= 1
			ms[2] = tarMember{ms[2].hdr, body}
			return struct {
				members []tarMember
				want    string
			}{ms, "checksum mismatch"}
		}(),
		"newer format": func() struct {
			members []tarMember
			want    string
		} {
			m2 := m
			m2.Version = backup.Version + 1
			return struct {
				members []tarMember
				want    string
			}{append([]tarMember{withManifest(m2)}, members[1:]...), "newer"}
		}(),
		"newer schema": func() struct {
			members []tarMember
			want    string
		} {
			m2 := m
			m2.Migrations = append(append([]string{}, m.Migrations...), "migrations/999_future.sql")
			return struct {
				members []tarMember
				want    string
			}{append([]tarMember{withManifest(m2)}, members[1:]...), "newer version of wengao"}
		}(),
		"manifest not first": {
			append(append([]tarMember{}, members[1:]...), members[0]),
			"first member",
		},
	}
	parent := t.TempDir()
	for name, c := range cases {
		t.Run(strings.ReplaceAll(name, "/", "_"), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "hostile.tar")
			writeTar(t, path, c.members)
			target := filepath.Join(parent, "sub", "data")
			out, err := runCLI(t, "restore", "--data", target, path)
			if err == nil {
				t.Fatalf("want an error containing: err is nil")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want an error containing %q, got %v\n%s (want strings.Contains(err.Error(), c.want))", c.want, err, out)
			}
			t.Log(err)
			assertUntouched(t, target, false)
			for _, p := range []string{filepath.Join(parent, "evil"), filepath.Join(parent, "sub", "evil"), "/tmp/evil"} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s was written", p)
				}
			}
		})
	}
}

// readDirNames returns the sorted names in a folder.
func readDirNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names, err
}
