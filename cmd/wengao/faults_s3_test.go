package main

// The object store out of reach (issue 16): wengao serve keeps its files
// in an S3 bucket behind a TCP proxy that the test takes down in the
// middle of a workload and brings back on the same address. Uploads and
// downloads must fail with 503 and a clear message, writing and charging
// nothing; reading, searching and logging in go on; once the store is
// back everything works again without a restart.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/blob/s3"
)

// switchProxy forwards TCP connections to target while it is up. Down
// closes its listener and every connection it carries, so that clients
// find nothing listening, as when the store's process is stopped; up
// listens again on the same address.
type switchProxy struct {
	addr, target string

	mu    sync.Mutex
	ln    net.Listener // nil while down
	conns map[net.Conn]bool
}

func newSwitchProxy(t *testing.T, target string) *switchProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &switchProxy{addr: ln.Addr().String(), target: target, conns: map[net.Conn]bool{}}
	p.ln = ln
	go p.accept(ln)
	t.Cleanup(p.down)
	return p
}

func (p *switchProxy) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go p.forward(c)
	}
}

// forward copies between c and a new connection to the target until
// either side closes or the proxy goes down.
func (p *switchProxy) forward(c net.Conn) {
	u, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.ln == nil { // went down meanwhile
		p.mu.Unlock()
		c.Close()
		u.Close()
		return
	}
	p.conns[c], p.conns[u] = true, true
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { io.Copy(u, c); done <- struct{}{} }()
	go func() { io.Copy(c, u); done <- struct{}{} }()
	<-done
	c.Close()
	u.Close()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, u)
	p.mu.Unlock()
}

// down stops the proxy: nothing listens on its address, and the
// connections it carried are cut.
func (p *switchProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// up listens again on the proxy's address.
func (p *switchProxy) up(t *testing.T) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var err error
	for range 50 { // the port may linger for a moment
		var ln net.Listener
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			p.ln = ln
			go p.accept(ln)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("listen again on %s: %v", p.addr, err)
}

// s3Answer is one request of the workload: what it was, when it ran
// and what came back.
type s3Answer struct {
	kind       string // upload, download, page, search, file-less download
	start, end time.Time
	status     int    // 0: no answer
	message    string // the error's message
	cut        bool   // status 200, but the body did not arrive whole
	charged    int64  // X-Points-Charged of a download
	doc        string
	uploads    []int64
}

func TestFaultsS3Down(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	blobURL := testBlobURL(t)
	loc, err := s3.ParseURL(blobURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newSwitchProxy(t, loc.Endpoint)
	loc.Endpoint = proxy.addr
	dir := t.TempDir()
	c := &faultCampaign{t: t, dir: dir, data: filepath.Join(dir, "data"), bin: filepath.Join(dir, "wengao"),
		blob: loc.String(), approved: map[int64]string{}, uploads: map[int64]string{},
		report: faultReport{Acknowledged: map[string]int{}}}
	c.storeArgs = []string{"--data", c.data}
	t.Setenv("WENGAO_BLOB", c.blob)
	if out, err := exec.Command("go", "build", "-o", c.bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	// Three documents without a file of their own, and the accounts.
	var jsonl bytes.Buffer
	for i := range 3 {
		b, _ := json.Marshal(map[string]any{"id": fmt.Sprintf("s3-text-%d", i), "title": fmt.Sprintf("关于对象存储演练第%d项的通知", i),
			"body": fmt.Sprintf("各单位：现将对象存储演练第%d项有关事项通知如下。\n一、确保阅读不受影响。", i)})
		jsonl.Write(append(b, '\n'))
	}
	src := filepath.Join(dir, "text.jsonl")
	writeFile(t, src, jsonl.String())
	if out, err := c.cli(nil, "import", "--quiet", src); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	const password = "s3-down-password-1"
	for _, u := range []struct{ name, role string }{{"uploader", ""}, {"buyer", ""}, {"mod", "--moderator"}} {
		args := []string{"user", "add", "--password-stdin"}
		if u.role != "" {
			args = append(args, u.role)
		}
		if out, err := c.cli(strings.NewReader(password+"\n"), append(args, u.name)...); err != nil {
			t.Fatalf("user add %s: %v\n%s", u.name, err, out)
		}
	}
	if out, err := c.cli(nil, "points", "grant", "buyer", "1000", "--reason", "s3 down"); err != nil {
		t.Fatalf("points grant: %v\n%s", err, out)
	}
	ctx := context.Background()
	db := c.open()
	st, _, err := db.LoadSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.DownloadPrice, st.UploadsPerDay, st.SearchPerMinute, st.DownloadsPerMinute = faultPrice, 1_000_000, 0, 0
	if err := db.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	sessions := map[string]string{}
	ids := map[string]int64{}
	for _, name := range []string{"uploader", "buyer", "mod"} {
		u, err := db.FindUserByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		s, err := db.CreateSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		sessions[name], ids[name] = s.Token, u.ID
	}
	db.Close()

	srv, base := c.serve()
	defer srv.kill()
	uploader, buyer, mod := sessionClient(base, sessions["uploader"]), sessionClient(base, sessions["buyer"]), sessionClient(base, sessions["mod"])

	var mu sync.Mutex
	var answers []s3Answer
	record := func(a s3Answer) s3Answer {
		a.end = time.Now()
		mu.Lock()
		answers = append(answers, a)
		mu.Unlock()
		return a
	}
	n := 0
	upload := func() s3Answer {
		mu.Lock()
		n++
		tag := fmt.Sprintf("%03d", n)
		mu.Unlock()
		a := s3Answer{kind: "upload", start: time.Now()}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		w, _ := mw.CreateFormFile("file", "存储演练"+tag+".txt")
		fmt.Fprintf(w, "关于对象存储演练%s的通知\n各单位：\n现将存储演练%s有关事项通知如下。\n一、加强组织领导。\n", tag, tag)
		mw.Close()
		var got struct{ Uploads []wengao.Upload }
		a.status, a.message, _ = s3Request(uploader, "POST", base+"/api/v1/uploads?submit=1", mw.FormDataContentType(), &body, &got)
		for _, u := range got.Uploads {
			a.uploads = append(a.uploads, u.ID)
		}
		return record(a)
	}
	download := func(doc string) s3Answer {
		a := s3Answer{kind: "download", start: time.Now(), doc: doc}
		if strings.HasPrefix(doc, "s3-text-") {
			a.kind = "file-less download"
		}
		var h http.Header
		a.status, a.message, h = s3Request(buyer, "POST", base+"/api/v1/documents/"+doc+"/download", "", nil, nil)
		a.cut = a.status == http.StatusOK && h == nil
		if h != nil {
			a.charged, _ = strconv.ParseInt(h.Get("X-Points-Charged"), 10, 64)
		}
		return record(a)
	}
	read := func(kind, u string) s3Answer {
		a := s3Answer{kind: kind, start: time.Now()}
		a.status, a.message, _ = s3Request(http.DefaultClient, "GET", u, "", nil, nil)
		return record(a)
	}

	// Documents with their files in the bucket: uploads, approved.
	for range 8 {
		if a := upload(); a.status != http.StatusCreated {
			t.Fatalf("upload with the store up: %d %s", a.status, a.message)
		}
	}
	for deadline := time.Now().Add(30 * time.Second); len(c.approved) < 8 && time.Now().Before(deadline); {
		c.approve(base, mod)
	}
	var fileDocs []string
	for _, d := range c.approved {
		fileDocs = append(fileDocs, d)
	}
	if len(fileDocs) < 8 {
		t.Fatalf("approved %d uploads, want 8", len(fileDocs))
	}
	textDocs := []string{"s3-text-0", "s3-text-1", "s3-text-2"}
	if a := download(fileDocs[0]); a.status != http.StatusOK {
		t.Fatalf("download with the store up: %d %s", a.status, a.message)
	}

	// The workload: uploads, downloads (paid, of files in the bucket, and
	// of documents without one), pages and searches.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	loop := func(fn func(i int)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				fn(i)
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	loop(func(int) { upload() })
	loop(func(i int) { download(fileDocs[i%len(fileDocs)]) })
	loop(func(i int) { download(textDocs[i%len(textDocs)]) })
	loop(func(i int) { read("page", base+"/doc/"+fileDocs[i%len(fileDocs)]) })
	loop(func(i int) { read("search", base+"/api/v1/search?q="+url.QueryEscape("存储演练")) })
	time.Sleep(1500 * time.Millisecond)

	proxy.down()
	downAt := time.Now()
	t.Logf("object store down at %s", downAt.Format("15:04:05.000"))
	time.Sleep(500 * time.Millisecond)
	// One of each, while the store is down.
	before := balance(t, buyer, base)
	if a := upload(); a.status != http.StatusServiceUnavailable || a.message != wengao.ErrFilesUnavailable.Message {
		t.Errorf("upload with the store down: %d %q, want 503 %q", a.status, a.message, wengao.ErrFilesUnavailable.Message)
	}
	if a := download(fileDocs[0]); a.status != http.StatusServiceUnavailable || a.message != wengao.ErrFilesUnavailable.Message {
		t.Errorf("download with the store down: %d %q, want 503 %q", a.status, a.message, wengao.ErrFilesUnavailable.Message)
	}
	// The site: the download of a document bought before, and the form
	// that buys one.
	if st, msg, _ := s3Request(buyer, "GET", base+"/doc/"+fileDocs[0]+"/download", "", nil, nil); st != http.StatusServiceUnavailable {
		t.Errorf("download page with the store down: %d %.100q, want 503", st, msg)
	}
	form := url.Values{"key": {"s3-down-form"}}.Encode()
	if st, msg, _ := s3Request(buyer, "POST", base+"/doc/"+fileDocs[1]+"/download", "application/x-www-form-urlencoded", strings.NewReader(form), nil); st != http.StatusServiceUnavailable {
		t.Errorf("download form with the store down: %d %.100q, want 503", st, msg)
	}
	if got := balance(t, buyer, base); got != before {
		t.Errorf("balance after downloads with the store down: %d, want %d (nothing charged)", got, before)
	}
	if a := download(textDocs[0]); a.status != http.StatusOK {
		t.Errorf("download of a document without a file, with the store down: %d %q, want 200", a.status, a.message)
	}
	// A complaint with a proof file cannot keep it; one without is filed.
	var proof bytes.Buffer
	mw := multipart.NewWriter(&proof)
	for k, v := range map[string]string{"document_id": fileDocs[0], "kind": wengao.ComplaintOther, "reason": "演练：内容有误。", "contact": "s3@example.org"} {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "证明.pdf")
	fw.Write([]byte("%PDF-1.4 演练证明"))
	mw.Close()
	if st, msg, _ := s3Request(buyer, "POST", base+"/api/v1/complaints", mw.FormDataContentType(), &proof, nil); st != http.StatusServiceUnavailable || msg != wengao.ErrFilesUnavailable.Message {
		t.Errorf("complaint with a proof file, with the store down: %d %q, want 503 %q", st, msg, wengao.ErrFilesUnavailable.Message)
	}
	cj, _ := json.Marshal(map[string]string{"document_id": fileDocs[0], "kind": wengao.ComplaintOther, "reason": "演练：内容有误。", "contact": "s3@example.org"})
	if st, msg, _ := s3Request(buyer, "POST", base+"/api/v1/complaints", "application/json", bytes.NewReader(cj), nil); st != http.StatusCreated {
		t.Errorf("complaint without a file, with the store down: %d %q, want 201", st, msg)
	}
	b, _ := json.Marshal(map[string]string{"username": "buyer", "password": password})
	if st, msg, _ := s3Request(&http.Client{Timeout: 30 * time.Second}, "POST", base+"/api/v1/auth/login", "application/json", bytes.NewReader(b), nil); st != http.StatusOK {
		t.Errorf("login with the store down: %d %q, want 200", st, msg)
	}
	time.Sleep(2 * time.Second)
	proxy.up(t)
	upAt := time.Now()
	t.Logf("object store up at %s", upAt.Format("15:04:05.000"))

	// Back without a restart: an upload and a download go through.
	var back time.Duration
	for deadline := upAt.Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if a := upload(); a.status == http.StatusCreated {
			back = time.Since(upAt)
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("upload %s after the store came back: %d %q", time.Since(upAt), a.status, a.message)
		}
	}
	if a := download(fileDocs[len(fileDocs)-1]); a.status != http.StatusOK {
		t.Errorf("download after the store came back: %d %q", a.status, a.message)
	}
	t.Logf("uploads work again %s after the store came back", back.Round(time.Millisecond))
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()
	srv.kill()

	// What was answered: never a 500; while the store was down, 503 for
	// uploads and downloads of files, and the rest answered.
	counts := map[string]map[int]int{}
	acked := map[int64]bool{}
	var chargedAcks, cut int
	for _, a := range answers {
		if counts[a.kind] == nil {
			counts[a.kind] = map[int]int{}
		}
		counts[a.kind][a.status]++
		down := a.start.After(downAt) && a.end.Before(upAt)
		switch {
		case a.status == http.StatusServiceUnavailable && (a.kind == "upload" || a.kind == "download"):
			if a.message != wengao.ErrFilesUnavailable.Message {
				t.Errorf("%s: 503 %q, want %q", a.kind, a.message, wengao.ErrFilesUnavailable.Message)
			}
		case a.status/100 == 2 && down && (a.kind == "upload" || a.kind == "download"):
			t.Errorf("%s of %s while the store was down: %d", a.kind, a.doc, a.status)
		case a.status/100 != 2:
			t.Errorf("%s %s: %d %q", a.kind, a.doc, a.status, a.message)
		}
		for _, id := range a.uploads {
			acked[id] = true
		}
		if a.charged > 0 {
			chargedAcks++
		}
		if a.cut {
			cut++
		}
	}
	t.Logf("answers by kind and status: %v", counts)
	if counts["upload"][http.StatusServiceUnavailable] == 0 || counts["download"][http.StatusServiceUnavailable] == 0 {
		t.Errorf("no upload or download was refused while the store was down: %v", counts)
	}

	// What was written: exactly the uploads acknowledged, each with its
	// file; a spend for each download acknowledged as charged (a body cut
	// off after the charge, once the store went down, may add one, which
	// downloads again for nothing).
	db = c.open()
	defer db.Close()
	ups, _, err := db.ListUploads(ctx, wengao.UploadFilter{UserID: ids["uploader"], Page: 1, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range ups {
		if !acked[u.ID] {
			t.Errorf("upload %d (%s) is recorded, but no upload was acknowledged with it", u.ID, u.File.Name)
		}
		delete(acked, u.ID)
	}
	for id := range acked {
		t.Errorf("upload %d was acknowledged and is not recorded", id)
	}
	entries, err := allEntries(ctx, db, ids["buyer"])
	if err != nil {
		t.Fatal(err)
	}
	spends := 0
	for _, e := range entries {
		if e.Kind == wengao.KindDownload && e.Amount < 0 {
			spends++
		}
	}
	if spends < chargedAcks || spends > chargedAcks+cut {
		t.Errorf("buyer: %d downloads charged in the ledger, %d acknowledged as charged (%d bodies cut off)", spends, chargedAcks, cut)
	}
	if out, err := c.cli(nil, "ledger", "check"); err != nil {
		t.Errorf("ledger check: %v\n%s", err, out)
	}
	complaints, _, err := db.ListComplaints(ctx, wengao.ComplaintFilter{Page: 1, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(complaints) != 1 || complaints[0].EvidenceFile != nil {
		t.Errorf("complaints recorded: %d (want 1, the one without a file)", len(complaints))
	}
	c.checkFiles(0, db)
	t.Logf("uploads recorded %d, paid downloads %d (bodies cut off %d), orphans collected %d", len(ups), spends, cut, c.report.Orphans)
}

// s3Request sends a request and returns its status, the message of an
// error answer (JSON or the error page's text), and the headers of an
// answer read whole (nil when cut off). v, when not nil, receives a 2xx
// JSON answer.
func s3Request(cl *http.Client, method, u, contentType string, body io.Reader, v any) (int, string, http.Header) {
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return 0, err.Error(), nil
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := cl.Do(req)
	if err != nil {
		return 0, err.Error(), nil
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err.Error(), nil
	}
	if resp.StatusCode/100 == 2 {
		if v != nil {
			json.Unmarshal(raw, v)
		}
		return resp.StatusCode, "", resp.Header
	}
	var e struct{ Error struct{ Message string } }
	if json.Unmarshal(raw, &e) == nil && e.Error.Message != "" {
		return resp.StatusCode, e.Error.Message, resp.Header
	}
	return resp.StatusCode, string(raw), resp.Header
}

// balance returns the points of the user of cl.
func balance(t *testing.T, cl *http.Client, base string) int64 {
	t.Helper()
	var me struct{ Points int64 }
	if st, msg, _ := s3Request(cl, "GET", base+"/api/v1/me", "", nil, &me); st != http.StatusOK {
		t.Fatalf("GET /api/v1/me: %d %s", st, msg)
	}
	return me.Points
}
