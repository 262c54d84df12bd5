package main

// The fault campaign of issue 16: wengao serve, an import and a backup
// run on one data folder under a concurrent HTTP workload, all three are
// killed with SIGKILL at a random moment, and the data folder is checked
// against every write the server acknowledged. TestFaults runs a few
// rounds as a normal test; bench/faults.sh runs many (WENGAO_FAULTS=N)
// and keeps the report (WENGAO_FAULTS_REPORT=FILE).

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/backup"
	"github.com/wengao/wengao/docx"
	"github.com/wengao/wengao/http/web"
	"github.com/wengao/wengao/sample"
	"github.com/wengao/wengao/sqlite"
)

// faultUsers are the accounts of the workload: buyers with plenty of
// points, one granted exactly one download's price every round, and the
// moderator who approves uploads and resolves complaints.
var faultUsers = []struct {
	name   string
	role   string
	points int
}{
	{"buyer1", "", 100000}, {"buyer2", "", 100000}, {"buyer3", "", 100000},
	{"poor", "", 0}, {"mod", "--moderator", 0},
}

// faultPrice is the download price the campaign sets.
const faultPrice = 5

// faultCampaign is the state of a campaign: the data folder, the binary,
// and every write the server acknowledged, to check after each kill.
type faultCampaign struct {
	t    *testing.T
	bin  string
	dir  string
	data string
	// storeArgs name the store to every command (--data DIR now; a
	// --db URL when the PostgreSQL half of the campaign comes).
	storeArgs []string
	// blob names the store of files as --blob does ("" for the data
	// folder's files/); the commands read it from WENGAO_BLOB.
	blob     string
	sessions map[string]string // user name → session token
	userIDs  map[string]int64
	docs     []string // published documents to buy, read and favour

	failMu     sync.Mutex // guards report.Failures
	mu         sync.Mutex
	uploads    map[int64]string    // upload id → last acknowledged status
	approved   map[int64]string    // upload id → its document
	purchases  map[string]int64    // "user doc" → points charged when first acknowledged
	favorites  map[string]bool     // "user doc"
	complaints map[int64]string    // complaint id → acknowledged status
	reads      map[string]int64    // document → highest read count shown
	stored     map[string]int64    // document → highest read count stored
	imported   map[string][]string // import chunk document id → its body

	report faultReport
}

// faultReport holds the campaign's figures.
type faultReport struct {
	Rounds       int
	KillPhases   map[string]int // where the kills fell
	Acknowledged map[string]int // writes acknowledged, by kind
	Verified     map[string]int // acknowledged writes found after restart, by kind
	Failures     []string
	BackupsDone  int
	BackupsKill  int
	BackupTemps  int // temporary files left by killed backups
	// BackupTempsLast is how many of those were still there for the last
	// backup to remove (the others, the next round's backup removed).
	BackupTempsLast int
	Restored        int
	ImportDocs      int // documents of killed imports found whole
	Orphans         int // stored files no record names (collected by blobs gc)
	// ReadsLost is the reads shown before a kill and not stored after it
	// (buffered, unwritten), over ReadsLostDocs document checks.
	ReadsLost, ReadsLostDocs int64
}

func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it")
	}
	rounds := 5
	if s := os.Getenv("WENGAO_FAULTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("WENGAO_FAULTS=%q: want a number of rounds", s)
		}
		rounds = n
	}
	c := newFaultCampaign(t)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("WENGAO_FAULTS_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (WENGAO_FAULTS_SEED reruns it)", seed)
	rng := mathrand.New(mathrand.NewPCG(seed, 16))
	for r := 1; r <= rounds; r++ {
		c.round(r, rng)
		c.check(r)
		if t.Failed() && os.Getenv("WENGAO_FAULTS_KEEP_GOING") == "" {
			break
		}
	}
	c.checkBackupTemps()
	c.writeReport()
}

// checkBackupTemps runs a last backup, not killed: it removes what the
// killed ones left, and leaves no temporary file of its own.
func (c *faultCampaign) checkBackupTemps() {
	out, err := c.cli(nil, "backup", "--to", filepath.Join(c.dir, "last.tar.gz"))
	if err != nil {
		c.fail("the last backup: %v\n%s", err, out)
		return
	}
	if tmps, _ := filepath.Glob(filepath.Join(c.dir, backup.TempPrefix+"*")); len(tmps) > 0 {
		c.fail("%d temporary files of backups remain after the last backup: %v", len(tmps), tmps)
	}
	if m := regexp.MustCompile(`removed (\d+) temporary files`).FindStringSubmatch(out); m != nil {
		c.report.BackupTempsLast, _ = strconv.Atoi(m[1])
	}
}

func newFaultCampaign(t *testing.T) *faultCampaign {
	dir := t.TempDir()
	c := &faultCampaign{
		t: t, dir: dir, data: filepath.Join(dir, "data"), bin: filepath.Join(dir, "wengao"),
		sessions: map[string]string{}, userIDs: map[string]int64{},
		uploads: map[int64]string{}, approved: map[int64]string{}, purchases: map[string]int64{},
		favorites: map[string]bool{}, complaints: map[int64]string{}, reads: map[string]int64{}, stored: map[string]int64{},
		imported: map[string][]string{},
		report:   faultReport{KillPhases: map[string]int{}, Acknowledged: map[string]int{}, Verified: map[string]int{}},
	}
	c.storeArgs = []string{"--data", c.data}
	build := exec.Command("go", "build", "-o", c.bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	// The sample library, the accounts and their sessions, written before
	// the first start.
	r, err := sample.JSONL()
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "sample.jsonl")
	f, _ := os.Create(in)
	io.Copy(f, r)
	f.Close()
	if out, err := c.cli(nil, "import", "--quiet", "--report", filepath.Join(dir, "sample.csv"), in); err != nil {
		t.Fatalf("import sample: %v\n%s", err, out)
	}
	for _, u := range faultUsers {
		args := []string{"user", "add", "--password-stdin"}
		if u.role != "" {
			args = append(args, u.role)
		}
		if out, err := c.cli(strings.NewReader("faults-password-1\n"), append(args, u.name)...); err != nil {
			t.Fatalf("user add %s: %v\n%s", u.name, err, out)
		}
		if u.points > 0 {
			if out, err := c.cli(nil, "points", "grant", u.name, strconv.Itoa(u.points), "--reason", "fault campaign"); err != nil {
				t.Fatalf("points grant: %v\n%s", err, out)
			}
		}
	}
	db := c.open()
	defer db.Close()
	ctx := context.Background()
	st, _, err := db.LoadSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Limits that would stop the workload, and complaints that would hide
	// the documents it buys, are out of the way.
	st.DownloadPrice, st.UploadsPerDay, st.TakedownPolicy = faultPrice, 1_000_000, wengao.TakedownReview
	if err := db.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	for _, u := range faultUsers {
		user, err := db.FindUserByName(ctx, u.name)
		if err != nil {
			t.Fatal(err)
		}
		s, err := db.CreateSession(ctx, user.ID)
		if err != nil {
			t.Fatal(err)
		}
		c.sessions[u.name], c.userIDs[u.name] = s.Token, user.ID
	}
	ids, err := db.DocumentIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(ids)
	c.docs = ids[:min(60, len(ids))]
	return c
}

// cli runs the binary on the campaign's store and returns its output.
func (c *faultCampaign) cli(stdin io.Reader, args ...string) (string, error) {
	var full []string
	if args[0] == "user" || args[0] == "points" || args[0] == "ledger" || args[0] == "blobs" {
		full = append([]string{args[0], args[1]}, append(append([]string{}, c.storeArgs...), args[2:]...)...)
	} else {
		full = append([]string{args[0]}, append(append([]string{}, c.storeArgs...), args[1:]...)...)
	}
	cmd := exec.Command(c.bin, full...)
	cmd.Stdin = stdin
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (c *faultCampaign) open() *sqlite.DB {
	db, err := sqlite.Open(c.data)
	if err != nil {
		c.t.Fatalf("open the store: %v", err)
	}
	return db
}

func (c *faultCampaign) fail(format string, args ...any) {
	c.t.Helper()
	msg := fmt.Sprintf(format, args...)
	c.failMu.Lock()
	c.report.Failures = append(c.report.Failures, msg)
	c.failMu.Unlock()
	c.t.Error(msg)
}

func (c *faultCampaign) ack(kind string) {
	c.mu.Lock()
	c.report.Acknowledged[kind]++
	c.mu.Unlock()
}

// proc is a spawned wengao command.
type proc struct {
	cmd  *exec.Cmd
	out  syncBuffer
	done chan struct{}
	err  error
}

func (c *faultCampaign) start(args ...string) *proc {
	p := &proc{done: make(chan struct{})}
	full := append([]string{args[0]}, append(append([]string{}, c.storeArgs...), args[1:]...)...)
	p.cmd = exec.Command(c.bin, full...)
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.cmd.Start(); err != nil {
		c.t.Fatalf("start %v: %v", args, err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	return p
}

// serve starts wengao serve on a free port and returns it with its
// address once it answers; a server that does not start ends the test.
func (c *faultCampaign) serve(args ...string) (*proc, string) {
	srv := c.start(append([]string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json"}, args...)...)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, rest, ok := strings.Cut(srv.out.String(), "wengao is serving at "); ok {
			base, _, _ := strings.Cut(rest, "\n")
			return srv, strings.TrimSpace(base)
		}
		if time.Now().After(deadline) || srv.exited() {
			srv.kill()
			c.t.Fatalf("wengao serve did not start:\n%s", srv.out.String())
		}
	}
}

// sessionClient returns an HTTP client that sends the session token to
// the server at base.
func sessionClient(base, token string) *http.Client {
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(base)
	jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: token}})
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *proc) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// round starts serve, an import and a backup, drives the workload and
// kills all three at a random moment.
func (c *faultCampaign) round(r int, rng *mathrand.Rand) {
	t := c.t
	c.report.Rounds++
	srv, base := c.serve()
	clients := map[string]*http.Client{}
	for name, tok := range c.sessions {
		clients[name] = sessionClient(base, tok)
	}
	c.repurchase(r, base, clients)

	// The import: a chunk of new documents, each with a phrase of its own.
	chunk := filepath.Join(c.dir, fmt.Sprintf("chunk-%d.jsonl", r))
	var jsonl bytes.Buffer
	for i := range 400 {
		id := fmt.Sprintf("fault-%d-%d", r, i)
		body := []string{
			fmt.Sprintf("关于第%d轮第%d号故障演练文稿的通知", r, i),
			fmt.Sprintf("各单位：为检验断电恢复能力，现将演练编号%s的有关事项通知如下。", strings.ReplaceAll(id, "-", "")),
			"一、总体要求\n坚持问题导向，确保数据完整。",
		}
		b, _ := json.Marshal(map[string]any{"id": id, "title": body[0], "date": "2024-05-01", "category": "公文/通知", "body": strings.Join(body, "\n")})
		jsonl.Write(append(b, '\n'))
		c.imported[id] = body
	}
	os.WriteFile(chunk, jsonl.Bytes(), 0o644)
	archive := filepath.Join(c.dir, fmt.Sprintf("backup-%d.tar.gz", r))
	// The kill comes 0.1–3.5 s into the workload; the import and the
	// backup start at random moments before it.
	killAt := time.Duration(100+rng.IntN(3400)) * time.Millisecond
	impAt, bakAt := time.Duration(rng.Int64N(int64(killAt))), time.Duration(rng.Int64N(int64(killAt)))
	var imp, bak *proc
	var spawned sync.WaitGroup
	spawned.Add(2)
	go func() {
		defer spawned.Done()
		time.Sleep(impAt)
		imp = c.start("import", "--quiet", "--batch", "25", "--report", filepath.Join(c.dir, fmt.Sprintf("chunk-%d.csv", r)), chunk)
	}()
	go func() {
		defer spawned.Done()
		time.Sleep(bakAt)
		bak = c.start("backup", "--to", archive)
	}()

	// The workload, until the kill.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var inflight [8]atomic.Int32 // by workload kind, for the kill's phase
	kinds := []string{"upload", "approve", "download", "read", "favorite", "complaint", "resolve", "doublespend"}
	worker := func(kind int, seed uint64, fn func(rng *mathrand.Rand)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := mathrand.New(mathrand.NewPCG(seed, uint64(kind)))
			for {
				select {
				case <-stop:
					return
				default:
				}
				inflight[kind].Add(1)
				fn(rng)
				inflight[kind].Add(-1)
			}
		}()
	}
	for i, name := range []string{"buyer1", "buyer2"} {
		worker(0, rng.Uint64()+uint64(i), func(rng *mathrand.Rand) { c.upload(base, clients[name], r, rng) })
	}
	worker(1, rng.Uint64(), func(rng *mathrand.Rand) { c.approve(base, clients["mod"]) })
	for _, name := range []string{"buyer1", "buyer2", "buyer3"} {
		worker(2, rng.Uint64(), func(rng *mathrand.Rand) { c.download(base, clients[name], name, c.docs[rng.IntN(len(c.docs))]) })
	}
	worker(3, rng.Uint64(), func(rng *mathrand.Rand) { c.read(base, c.docs[rng.IntN(len(c.docs))], rng) })
	worker(4, rng.Uint64(), func(rng *mathrand.Rand) { c.favorite(base, clients["buyer3"], "buyer3", c.docs[rng.IntN(len(c.docs))]) })
	worker(5, rng.Uint64(), func(rng *mathrand.Rand) { c.complain(base, clients["buyer2"], c.docs[rng.IntN(len(c.docs))]) })
	worker(6, rng.Uint64(), func(rng *mathrand.Rand) { c.resolve(base, clients["mod"]) })
	// Double spends: the poor user, granted exactly one download's
	// price, asks for four documents at once; a buyer asks for one
	// document twice at once.
	worker(7, rng.Uint64(), func(rng *mathrand.Rand) {
		var g sync.WaitGroup
		for range 4 {
			doc := c.docs[rng.IntN(len(c.docs))]
			g.Add(1)
			go func() { defer g.Done(); c.download(base, clients["poor"], "poor", doc) }()
		}
		doc := c.docs[rng.IntN(len(c.docs))]
		for range 2 {
			g.Add(1)
			go func() { defer g.Done(); c.download(base, clients["buyer1"], "buyer1", doc) }()
		}
		g.Wait()
		time.Sleep(50 * time.Millisecond)
	})

	time.Sleep(killAt)
	spawned.Wait()
	phase := []string{}
	if !imp.exited() {
		phase = append(phase, "import")
	}
	if !bak.exited() {
		phase = append(phase, "backup")
	}
	for i, k := range kinds {
		if inflight[i].Load() > 0 {
			phase = append(phase, k)
		}
	}
	srv.kill()
	impDone, bakDone := imp.exited(), bak.exited()
	imp.kill()
	bak.kill()
	close(stop)
	wg.Wait()
	if len(phase) == 0 {
		phase = []string{"idle"}
	}
	for _, p := range phase {
		c.report.KillPhases[p]++
	}
	t.Logf("round %d: killed during %s", r, strings.Join(phase, ", "))

	// The backup: complete and restorable, or absent. (Killed after its
	// rename, before it exited, it is complete.)
	_, statErr := os.Stat(archive)
	if statErr == nil {
		c.report.BackupsDone++
		restored := filepath.Join(c.dir, fmt.Sprintf("restored-%d", r))
		out, err := exec.Command(c.bin, "restore", "--data", restored, archive).CombinedOutput()
		if err != nil {
			c.fail("round %d: the backup that completed does not restore: %v\n%s", r, err, out)
		} else {
			c.report.Restored++
		}
		os.RemoveAll(restored)
	} else {
		c.report.BackupsKill++
		if bakDone && bak.err == nil {
			c.fail("round %d: wengao backup succeeded and left no %s", r, archive)
		}
	}
	os.Remove(archive)
	// A killed backup leaves its dot-named temporary files, which no
	// restore takes for a backup and the next backup removes once they
	// are a minute old: counted, and aged by as much (a round lasts
	// seconds) for the next backups to remove (checkBackupTemps).
	tmps, _ := filepath.Glob(filepath.Join(c.dir, backup.TempPrefix+"*"))
	aged := time.Now().Add(-2 * time.Minute)
	for _, f := range tmps {
		if fi, err := os.Stat(f); err == nil && fi.ModTime().After(aged) {
			c.report.BackupTemps++
			os.Chtimes(f, aged, aged)
		}
	}
	if impDone && imp.err != nil {
		t.Logf("round %d: import: %v\n%s", r, imp.err, imp.out.String())
	}
}

// repurchase downloads again documents bought before the kill: a paid
// download is not charged twice.
func (c *faultCampaign) repurchase(r int, base string, clients map[string]*http.Client) {
	c.mu.Lock()
	var keys []string
	for k, charged := range c.purchases {
		if charged > 0 {
			keys = append(keys, k)
		}
	}
	c.mu.Unlock()
	sort.Strings(keys)
	if len(keys) > 8 {
		keys = keys[len(keys)-8:]
	}
	for _, k := range keys {
		user, doc, _ := strings.Cut(k, " ")
		st, h := c.post(clients[user], base+"/api/v1/documents/"+doc+"/download", "", nil)
		if st != http.StatusOK {
			c.fail("round %d: %s downloads %s again: status %d", r, user, doc, st)
			continue
		}
		if got := h.Get("X-Points-Charged"); got != "0" {
			c.fail("round %d: %s paid for %s before the kill and is charged %s again", r, user, doc, got)
		}
	}
}

// post sends a request and reads the whole answer; status 0 is a request
// that got no answer.
func (c *faultCampaign) post(cl *http.Client, u, contentType string, body io.Reader) (int, http.Header) {
	st, h, _ := c.do(cl, "POST", u, contentType, body, nil)
	return st, h
}

func (c *faultCampaign) do(cl *http.Client, method, u, contentType string, body io.Reader, v any) (int, http.Header, []byte) {
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return 0, nil, nil
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Idempotency-Key", rand.Text())
	if cl == nil {
		cl = http.DefaultClient
	}
	resp, err := cl.Do(req)
	if err != nil {
		return 0, nil, nil
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, nil // cut off: not acknowledged
	}
	if v != nil && resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(raw, v); err != nil {
			return 0, nil, nil
		}
	}
	return resp.StatusCode, resp.Header, raw
}

func (c *faultCampaign) upload(base string, cl *http.Client, r int, rng *mathrand.Rand) {
	tag := strings.ToUpper(hex.EncodeToString(randBytes(rng, 6)))
	title := fmt.Sprintf("关于开展第%d轮上传演练%s的通知", r, tag)
	paras := []string{"各有关单位：", fmt.Sprintf("为做好演练%s工作，现将有关事项通知如下。", tag), "一、提高认识，加强组织领导。", "二、明确任务，确保按期完成。"}
	var name string
	var data []byte
	if rng.IntN(2) == 0 {
		name, data = "演练"+tag+".txt", []byte(title+"\n"+strings.Join(paras, "\n")+"\n")
	} else {
		var buf bytes.Buffer
		docx.Write(&buf, docx.Document{Title: title, Paragraphs: paras})
		name, data = "演练"+tag+".docx", buf.Bytes()
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, _ := mw.CreateFormFile("file", name)
	w.Write(data)
	mw.Close()
	var a struct{ Uploads []wengao.Upload }
	st, _, raw := c.do(cl, "POST", base+"/api/v1/uploads?submit=1", mw.FormDataContentType(), &body, &a)
	if st/100 != 2 {
		if st != 0 {
			c.fail("upload %s: status %d: %s", name, st, raw)
		}
		return
	}
	c.mu.Lock()
	for _, up := range a.Uploads {
		if c.uploads[up.ID] == "" {
			c.uploads[up.ID] = up.Status
		}
	}
	c.mu.Unlock()
	c.ack("upload")
}

func (c *faultCampaign) approve(base string, cl *http.Client) {
	var list struct{ Uploads []wengao.Upload }
	if st, _, _ := c.do(cl, "GET", base+"/api/v1/admin/uploads?status=pending&limit=5", "", nil, &list); st != 200 || len(list.Uploads) == 0 {
		time.Sleep(30 * time.Millisecond)
		return
	}
	for _, up := range list.Uploads {
		var got wengao.Upload
		st, _, _ := c.do(cl, "POST", fmt.Sprintf("%s/api/v1/admin/uploads/%d/approve", base, up.ID), "", nil, &got)
		if st/100 == 2 && got.Status == wengao.UploadApproved {
			c.mu.Lock()
			c.uploads[up.ID] = got.Status
			c.approved[up.ID] = got.DocumentID
			c.mu.Unlock()
			c.ack("approval")
		}
	}
}

func (c *faultCampaign) download(base string, cl *http.Client, user, doc string) {
	st, h := c.post(cl, base+"/api/v1/documents/"+doc+"/download", "", nil)
	if st != http.StatusOK {
		return // EINSUFFICIENT for the poor user, or cut off
	}
	charged, _ := strconv.ParseInt(h.Get("X-Points-Charged"), 10, 64)
	if bal, _ := strconv.ParseInt(h.Get("X-Points-Balance"), 10, 64); bal < 0 {
		c.fail("%s: balance %d after buying %s", user, bal, doc)
	}
	c.mu.Lock()
	if _, ok := c.purchases[user+" "+doc]; !ok || charged > 0 {
		c.purchases[user+" "+doc] = charged
	}
	c.mu.Unlock()
	c.ack("download")
}

// readsShown is the read count of a document page.
var readsShown = regexp.MustCompile(`<span data-reads>(\d+)</span>`)

// read views a document, as a page (which counts the read) or through
// the API, and notes the read count shown.
func (c *faultCampaign) read(base, doc string, rng *mathrand.Rand) {
	page := rng.IntN(4) != 0
	u := base + "/api/v1/documents/" + doc
	if page {
		u = base + "/doc/" + doc
	}
	req, _ := http.NewRequest("GET", u, nil)
	// Each visitor's read is counted once a day: a new browser each time.
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/"+strconv.Itoa(100+rng.IntN(1_000_000)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		return
	}
	var d struct{ Reads int64 }
	if page {
		m := readsShown.FindSubmatch(raw)
		if m == nil {
			c.fail("the page of %s shows no read count", doc)
			return
		}
		d.Reads, _ = strconv.ParseInt(string(m[1]), 10, 64)
	} else if json.Unmarshal(raw, &d) != nil {
		return
	}
	c.mu.Lock()
	c.reads[doc] = max(c.reads[doc], d.Reads)
	c.mu.Unlock()
	c.ack("read")
}

func (c *faultCampaign) favorite(base string, cl *http.Client, user, doc string) {
	if st, _ := c.post(cl, base+"/api/v1/documents/"+doc+"/favorite", "", nil); st == 200 {
		c.mu.Lock()
		c.favorites[user+" "+doc] = true
		c.mu.Unlock()
		c.ack("favorite")
	}
}

func (c *faultCampaign) complain(base string, cl *http.Client, doc string) {
	b, _ := json.Marshal(map[string]string{"document_id": doc, "kind": wengao.ComplaintOther, "reason": "演练：内容有误，请核实。", "contact": "faults@example.org"})
	var got wengao.Complaint
	if st, _, _ := c.do(cl, "POST", base+"/api/v1/complaints", "application/json", bytes.NewReader(b), &got); st == 201 && got.ID > 0 {
		c.mu.Lock()
		c.complaints[got.ID] = wengao.ComplaintOpen
		c.mu.Unlock()
		c.ack("complaint")
	}
	time.Sleep(20 * time.Millisecond)
}

func (c *faultCampaign) resolve(base string, cl *http.Client) {
	var list struct{ Complaints []wengao.Complaint }
	if st, _, _ := c.do(cl, "GET", base+"/api/v1/admin/complaints?status=open&limit=5", "", nil, &list); st != 200 || len(list.Complaints) == 0 {
		time.Sleep(30 * time.Millisecond)
		return
	}
	for _, cp := range list.Complaints {
		var got wengao.Complaint
		st, _, _ := c.do(cl, "POST", fmt.Sprintf("%s/api/v1/admin/complaints/%d/reject", base, cp.ID), "application/json", strings.NewReader(`{"note":"演练：经核实无误"}`), &got)
		if st == 200 && got.Status == wengao.ComplaintRejected {
			c.mu.Lock()
			c.complaints[cp.ID] = got.Status
			c.mu.Unlock()
			c.ack("resolution")
		}
	}
}

func randBytes(rng *mathrand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// check verifies the data folder after a kill against every write
// acknowledged so far.
func (c *faultCampaign) check(r int) {
	ctx := context.Background()
	// The restart: wengao serve starts on what the kill left (recovering
	// what it recovers at start-up), then stops.
	srv := c.start("serve", "--addr", "127.0.0.1:0", "--log-format", "json")
	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(srv.out.String(), "wengao is serving at "); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) || srv.exited() {
			srv.kill()
			c.t.Fatalf("round %d: wengao serve does not restart:\n%s", r, srv.out.String())
		}
	}
	srv.cmd.Process.Signal(syscall.SIGTERM)
	<-srv.done
	if srv.err != nil {
		c.fail("round %d: wengao serve stopped with %v:\n%s", r, srv.err, srv.out.String())
	}
	if out, err := c.cli(nil, "ledger", "check"); err != nil {
		c.fail("round %d: wengao ledger check: %v\n%s", r, err, out)
	}
	db := c.open()
	defer db.Close()
	c.checkIntegrity(r, db.Path)
	verified := func(kind string) { c.report.Verified[kind]++ }

	// Balances: never negative, the sum of the entries, and every
	// acknowledged purchase charged once.
	for name, id := range c.userIDs {
		bal, err := db.Balance(ctx, id)
		if err != nil {
			c.fail("round %d: balance of %s: %v", r, name, err)
			continue
		}
		if bal < 0 {
			c.fail("round %d: %s has %d points", r, name, bal)
		}
		entries, err := allEntries(ctx, db, id)
		if err != nil {
			c.fail("round %d: entries of %s: %v", r, name, err)
			continue
		}
		var sum int64
		paid := map[string]int{}
		for _, e := range entries {
			sum += e.Amount
			if e.Kind == wengao.KindDownload {
				paid[e.DocumentID]++
			}
		}
		if sum != bal {
			c.fail("round %d: %s: balance %d, entries (grants − spends + rewards) sum to %d", r, name, bal, sum)
		}
		for doc, n := range paid {
			if n > 1 {
				c.fail("round %d: %s was charged %d times for %s within a purchase's validity", r, name, n, doc)
			}
		}
		c.mu.Lock()
		for k, charged := range c.purchases {
			user, doc, _ := strings.Cut(k, " ")
			if user != name {
				continue
			}
			if charged > 0 && paid[doc] != 1 {
				c.fail("round %d: %s's acknowledged purchase of %s (%d points) is not in the ledger", r, name, doc, charged)
			} else {
				verified("download")
			}
		}
		c.mu.Unlock()
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	for id, status := range c.uploads {
		up, err := db.FindUpload(ctx, id)
		if err != nil {
			c.fail("round %d: acknowledged upload %d: %v", r, id, err)
			continue
		}
		if status == wengao.UploadApproved && up.Status != wengao.UploadApproved {
			c.fail("round %d: upload %d was approved, now %s", r, id, up.Status)
			continue
		}
		verified("upload")
	}
	for id, doc := range c.approved {
		d, err := db.FindDocumentByID(ctx, doc)
		if err != nil || len(d.Body) == 0 {
			c.fail("round %d: the document %s of approved upload %d: %v", r, doc, id, err)
			continue
		}
		verified("approval")
	}
	for k := range c.favorites {
		user, doc, _ := strings.Cut(k, " ")
		if ok, err := db.IsFavorite(ctx, c.userIDs[user], doc); err != nil || !ok {
			c.fail("round %d: %s's acknowledged favourite %s is missing (%v)", r, user, doc, err)
			continue
		}
		verified("favorite")
	}
	for id, status := range c.complaints {
		cp, err := db.FindComplaint(ctx, id)
		if err != nil {
			c.fail("round %d: acknowledged complaint %d: %v", r, id, err)
			continue
		}
		if status != wengao.ComplaintOpen && cp.Status != status {
			c.fail("round %d: complaint %d was %s, now %s", r, id, status, cp.Status)
			continue
		}
		verified("complaint")
	}
	for doc, seen := range c.reads {
		d, err := db.FindDocumentByID(ctx, doc)
		if err != nil {
			c.fail("round %d: read document %s: %v", r, doc, err)
			continue
		}
		// The stored total never goes down.
		if d.Reads < c.stored[doc] {
			c.fail("round %d: %s had %d reads stored, now %d", r, doc, c.stored[doc], d.Reads)
		}
		c.stored[doc] = max(c.stored[doc], d.Reads)
		// The total shown includes the reads the server buffers for up
		// to web.ReadCounter.Interval (5 s) before it writes them; its
		// read journal gives them back at the restart.
		if d.Reads < seen {
			c.fail("round %d: %s showed %d reads before the kill, %d after the restart", r, doc, seen, d.Reads)
			c.report.ReadsLost += seen - d.Reads
			c.report.ReadsLostDocs++
			c.reads[doc] = d.Reads // count each loss once
			continue
		}
		verified("read")
	}
	c.checkImport(r, db)
	c.checkFiles(r, db)
	// The poor user gets exactly one download's price for the next round.
	if out, err := c.cli(nil, "points", "grant", "poor", strconv.Itoa(faultPrice), "--reason", "fault campaign"); err != nil {
		c.fail("round %d: points grant: %v\n%s", r, err, out)
	}
}

// allEntries returns every ledger entry of a user, page by page.
func allEntries(ctx context.Context, db *sqlite.DB, userID int64) ([]wengao.LedgerEntry, error) {
	var all []wengao.LedgerEntry
	for page := 1; ; page++ {
		es, total, err := db.Entries(ctx, userID, page, 100)
		if err != nil {
			return nil, err
		}
		all = append(all, es...)
		if len(es) == 0 || len(all) >= total {
			return all, nil
		}
	}
}

func (c *faultCampaign) checkIntegrity(r int, path string) {
	sdb, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		c.fail("round %d: open for integrity_check: %v", r, err)
		return
	}
	defer sdb.Close()
	var res string
	if err := sdb.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		c.fail("round %d: PRAGMA integrity_check: %q %v", r, res, err)
	}
}

// checkImport finds every document of the killed import whole or absent:
// its title, its whole body, and a search hit for a phrase of it.
func (c *faultCampaign) checkImport(r int, db *sqlite.DB) {
	ctx := context.Background()
	for id, body := range c.imported {
		d, err := db.FindDocumentByID(ctx, id)
		if err != nil {
			continue // absent: the kill came first
		}
		if d.Title != body[0] || strings.Join(d.Body, "\n") != strings.Join(body, "\n") {
			c.fail("round %d: imported document %s is not whole: title %q, %d paragraphs", r, id, d.Title, len(d.Body))
			continue
		}
		phrase := strings.ReplaceAll(id, "-", "")
		res, err := db.Search(ctx, wengao.SearchRequest{Query: `"演练编号` + phrase + `"`, Limit: 5})
		found := false
		if err == nil {
			for _, h := range res.Hits {
				found = found || h.ID == id
			}
		}
		if !found {
			c.fail("round %d: imported document %s is stored but a phrase of it finds nothing (%v)", r, id, err)
			continue
		}
		c.report.ImportDocs++
		delete(c.imported, id) // checked once
	}
}

// checkFiles compares the files folder with the records: no record names
// a missing file; files no record names (an upload killed between its
// file and its record) are counted and collected by wengao blobs gc.
func (c *faultCampaign) checkFiles(r int, db *sqlite.DB) {
	ctx := context.Background()
	files, err := openFiles(ctx, c.blob, c.data)
	if err != nil {
		c.fail("round %d: files: %v", r, err)
		return
	}
	stored := map[string]bool{}
	files.Walk(ctx, func(key string, size int64) error { stored[key] = true; return nil })
	refs, err := db.BlobKeys(ctx)
	if err != nil {
		c.fail("round %d: blob keys: %v", r, err)
		return
	}
	for k := range refs {
		if !stored[k] {
			c.fail("round %d: a record names the file %s, which is missing", r, k)
		}
	}
	orphans := 0
	for k := range stored {
		if !refs[k] {
			orphans++
		}
	}
	if orphans > 0 {
		c.report.Orphans += orphans
		if out, err := c.cli(nil, "blobs", "gc", "--grace", "0s"); err != nil || !strings.Contains(out, fmt.Sprintf("removed %d unreferenced", orphans)) {
			c.fail("round %d: blobs gc of %d unreferenced files: %v\n%s", r, orphans, err, out)
		}
	}
}

func (c *faultCampaign) writeReport() {
	rep := &c.report
	var b strings.Builder
	fmt.Fprintf(&b, "rounds %d (kill -9 of serve, import and backup each round)\n", rep.Rounds)
	fmt.Fprintf(&b, "kills by phase (a kill counts in every phase under way):%s\n", sortedCounts(rep.KillPhases))
	fmt.Fprintf(&b, "writes acknowledged:%s\n", sortedCounts(rep.Acknowledged))
	fmt.Fprintf(&b, "acknowledged writes verified after restarts (cumulative):%s\n", sortedCounts(rep.Verified))
	fmt.Fprintf(&b, "backups written before the kill %d, restored %d; killed before they were written %d (temporary files left %d, removed by a later backup: all, %d of them by the last)\n", rep.BackupsDone, rep.Restored, rep.BackupsKill, rep.BackupTemps, rep.BackupTempsLast)
	fmt.Fprintf(&b, "documents of killed imports found whole %d; unreferenced files collected %d\n", rep.ImportDocs, rep.Orphans)
	fmt.Fprintf(&b, "reads shown before a kill and missing after the restart %d, in %d document checks\n", rep.ReadsLost, rep.ReadsLostDocs)
	fmt.Fprintf(&b, "failures %d\n", len(rep.Failures))
	for _, f := range rep.Failures {
		fmt.Fprintf(&b, "  - %s\n", strings.SplitN(f, "\n", 2)[0])
	}
	c.t.Log("\n" + b.String())
	if path := os.Getenv("WENGAO_FAULTS_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			c.t.Error(err)
		}
	}
}

func sortedCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, " %s %d", k, m[k])
	}
	return b.String()
}

// TestFaultsFullDisk runs wengao on a 20 MB tmpfs, fills it, and checks
// that uploads and imports fail with a clear error, and that once space
// returns nothing is corrupted and both work again. It needs to mount a
// file system (root); elsewhere it is skipped, except in CI.
func TestFaultsFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	mnt := filepath.Join(t.TempDir(), "mnt")
	os.MkdirAll(mnt, 0o755)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", mnt).CombinedOutput(); err != nil {
		msg := fmt.Sprintf("cannot mount a 20 MB tmpfs for the full-disk test (it needs root): %v %s", err, out)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount: %v %s", err, out)
		}
	})
	dir := t.TempDir()
	c := &faultCampaign{t: t, dir: dir, data: filepath.Join(mnt, "data"), bin: filepath.Join(dir, "wengao")}
	c.storeArgs = []string{"--data", c.data}
	if out, err := exec.Command("go", "build", "-o", c.bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	small := filepath.Join(dir, "small.jsonl")
	writeFile(t, small, `{"id":"disk-1","title":"关于磁盘空间演练的通知","body":"各单位：请做好磁盘空间演练工作。"}`+"\n")
	if out, err := c.cli(nil, "import", "--quiet", small); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if out, err := c.cli(strings.NewReader("faults-password-1\n"), "user", "add", "--password-stdin", "uploader"); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	db := c.open()
	u, err := db.FindUserByName(context.Background(), "uploader")
	if err != nil {
		t.Fatal(err)
	}
	sess, err := db.CreateSession(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	srv, base := c.serve()
	defer srv.kill()
	cl := sessionClient(base, sess.Token)
	upload := func(tag string) (int, []byte) {
		var buf bytes.Buffer
		docx.Write(&buf, docx.Document{Title: "关于磁盘演练" + tag + "的通知", Paragraphs: []string{"各单位：", "现将磁盘演练" + tag + "有关事项通知如下。", strings.Repeat("一、加强组织领导，确保演练顺利进行。", 200)}})
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		w, _ := mw.CreateFormFile("file", "演练"+tag+".docx")
		w.Write(buf.Bytes())
		mw.Close()
		st, _, raw := c.do(cl, "POST", base+"/api/v1/uploads?submit=1", mw.FormDataContentType(), &body, nil)
		return st, raw
	}
	if st, raw := upload("甲"); st != http.StatusCreated {
		t.Fatalf("upload before the disk is full: %d %s", st, raw)
	}

	// fill fills the disk but for leave bytes (to the last byte for 0).
	fill := func(name string, leave int64) {
		t.Helper()
		f, err := os.Create(filepath.Join(mnt, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var fs syscall.Statfs_t
		if err := syscall.Statfs(mnt, &fs); err != nil {
			t.Fatal(err)
		}
		chunk := make([]byte, 64<<10)
		for n := int64(fs.Bavail)*fs.Bsize - leave; n > 0; n -= int64(len(chunk)) {
			if _, err := f.Write(chunk[:min(n, int64(len(chunk)))]); err != nil {
				return
			}
		}
		for leave == 0 {
			if _, err := f.Write(chunk[:512]); err != nil {
				return
			}
		}
	}
	// The writes that need no file: each is answered 2xx, or 503 saying
	// the disk is full, never 500; what is acknowledged is kept.
	var acked []string
	smallWrites := func(when string) (refused int) {
		t.Helper()
		for _, w := range []struct{ what, method, path, body string }{
			{"favourite", "POST", "/api/v1/documents/disk-1/favorite", ""},
			{"complaint", "POST", "/api/v1/complaints", `{"document_id":"disk-1","kind":"other","reason":"演练：内容有误。","contact":"disk@example.org"}`},
			{"download", "POST", "/api/v1/documents/disk-1/download", ""},
		} {
			ctype := ""
			if w.body != "" {
				ctype = "application/json"
			}
			st, _, raw := c.do(cl, w.method, base+w.path, ctype, strings.NewReader(w.body), nil)
			t.Logf("%s %s: %d %.200s", w.what, when, st, raw)
			var e struct{ Error struct{ Message string } }
			json.Unmarshal(raw, &e)
			switch {
			case st/100 == 2:
				acked = append(acked, w.what)
			case st == http.StatusServiceUnavailable && e.Error.Message == wengao.MessageStorageFull:
				refused++
			default:
				t.Errorf("%s %s: %d %s, want 2xx or 503 %q", w.what, when, st, raw, wengao.MessageStorageFull)
			}
		}
		return refused
	}
	if out, err := c.cli(nil, "points", "grant", "uploader", "100", "--reason", "full disk"); err != nil {
		t.Fatalf("points grant: %v\n%s", err, out)
	}

	fill("filler", 0)
	filler := filepath.Join(mnt, "filler")
	if refused := smallWrites("on a full disk"); refused == 0 {
		t.Errorf("no favourite, complaint or download was refused on a full disk: SQLite found room")
	}
	if st, _, _ := c.do(cl, "GET", base+"/doc/disk-1", "", nil, nil); st != http.StatusOK {
		t.Errorf("reading a document on a full disk: %d, want 200", st)
	}
	st, raw := upload("乙")
	t.Logf("upload on a full disk: %d %s", st, raw)
	if st == http.StatusInternalServerError {
		time.Sleep(300 * time.Millisecond) // the log is written every 200 ms
		t.Logf("server log:\n%s", srv.out.String())
	}
	if st/100 == 2 || st == 0 {
		t.Errorf("upload on a full disk: status %d, want an error", st)
	}
	var e struct {
		Error struct{ Code, Message string }
	}
	json.Unmarshal(raw, &e)
	if !strings.Contains(e.Error.Message, "空间") {
		t.Errorf("upload on a full disk: message %q does not say the disk is full (空间)", e.Error.Message)
	}
	big := filepath.Join(dir, "big.jsonl")
	var jsonl bytes.Buffer
	for i := range 300 {
		b, _ := json.Marshal(map[string]any{"id": fmt.Sprintf("disk-big-%d", i), "title": fmt.Sprintf("关于第%d次磁盘演练的通知", i), "body": strings.Repeat(fmt.Sprintf("第%d次演练，确保数据完整。", i), 100)})
		jsonl.Write(append(b, '\n'))
	}
	writeFile(t, big, jsonl.String())
	out, err := c.cli(nil, "import", "--quiet", "--report", filepath.Join(dir, "big.csv"), big)
	t.Logf("import on a full disk: %v\n%s", err, out)
	if err == nil {
		t.Errorf("import on a full disk succeeded:\n%s", out)
	}
	if !strings.Contains(out, "no space left on device") && !strings.Contains(out, "disk is full") && !strings.Contains(out, "空间") {
		t.Errorf("import on a full disk: the output does not say the disk is full:\n%s", out)
	}

	// Space returns: nothing is corrupted, and everything works again.
	os.Remove(filler)
	if refused := smallWrites("once space returned"); refused > 0 {
		t.Errorf("%d writes refused once space returned", refused)
	}
	wantUploads := 1
	if st, raw := upload("丙"); st != http.StatusCreated {
		t.Errorf("upload once space returned: %d %s", st, raw)
	} else {
		wantUploads++
	}
	// Room for the file, not for its record: the upload is refused and
	// leaves no record.
	fill("filler2", 16<<10)
	st, raw = upload("丁")
	t.Logf("upload with room for its file only: %d %.200s", st, raw)
	if st == http.StatusCreated {
		wantUploads++
	} else if st != http.StatusServiceUnavailable {
		t.Errorf("upload with room for its file only: %d %s, want 201 or 503", st, raw)
	}
	os.Remove(filepath.Join(mnt, "filler2"))
	srv.kill()
	if out, err := c.cli(nil, "import", "--quiet", "--report", filepath.Join(dir, "big2.csv"), big); err != nil {
		t.Errorf("import once space returned: %v\n%s", err, out)
	}
	if out, err := c.cli(nil, "ledger", "check"); err != nil {
		t.Errorf("ledger check: %v\n%s", err, out)
	}
	db = c.open()
	defer db.Close()
	c.checkIntegrity(0, db.Path)
	checkAllSearchable(t, db)
	ups, _, err := db.ListUploads(context.Background(), wengao.UploadFilter{UserID: u.ID, Page: 1, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(ups) != wantUploads {
		t.Errorf("uploads after the full disk: %d, want %d (甲, 丙, and 丁 if acknowledged)", len(ups), wantUploads)
	}
	for _, what := range acked {
		var n int
		var err error
		switch what {
		case "favourite":
			var ok bool
			ok, err = db.IsFavorite(context.Background(), u.ID, "disk-1")
			if ok {
				n = 1
			}
		case "complaint":
			_, n, err = db.ListComplaints(context.Background(), wengao.ComplaintFilter{Page: 1, Limit: 10})
		case "download":
			if _, err = db.FindPurchase(context.Background(), u.ID, "disk-1"); err == nil {
				n = 1
			}
		}
		if err != nil || n == 0 {
			t.Errorf("the acknowledged %s is missing after the full disk (%v)", what, err)
		}
	}
	c.checkFiles(0, db)
}
