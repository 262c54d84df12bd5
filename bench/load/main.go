// Command load drives a running wengao with mixed traffic at a fixed rate
// and reports what the site answered; it is the project's load tool
// (bench/load.sh runs it) and the fault client of bench/soak.sh.
//
//	load [flags]                      mixed traffic (see -h)
//	load slowloris|flood|logins|junk  one fault, then a one-line report
//
// Mixed traffic: a few virtual users, each logged in as its own account
// (PREFIX1…PREFIXn, created beforehand with points), share a fixed rate of
// actions drawn by weight: anonymous pages, anonymous searches, downloads
// that spend points, favourites set and removed, and small uploads. A tick
// no user is free to take is counted as skipped, not queued, so a slow
// server does not build a backlog. Answers are counted by class: ok
// (2xx/3xx), limited (429), refused (other 4xx), server (5xx) and
// transport (no answer: refused connection, reset, timeout). With
// -forwarded each user sends its own X-Forwarded-For address, which the
// server believes only with --trusted-proxies naming 127.0.0.1.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	args := os.Args[1:]
	mode := "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		mode, args = args[0], args[1:]
	}
	var err error
	switch mode {
	case "run":
		err = runLoad(ctx, args)
	case "slowloris":
		err = runSlowloris(ctx, args)
	case "flood":
		err = runFlood(ctx, args)
	case "logins":
		err = runLogins(ctx, args)
	case "junk":
		err = runJunk(ctx, args)
	default:
		err = fmt.Errorf("unknown mode %q (run, slowloris, flood, logins, junk)", mode)
	}
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// Answer classes.
const (
	classOK = iota
	classLimited
	classRefused
	classServer
	classTransport
	nClasses
)

var classNames = [nClasses]string{"ok", "limited", "refused", "server", "transport"}

func classify(status int, err error) int {
	switch {
	case err != nil:
		return classTransport
	case status == http.StatusTooManyRequests:
		return classLimited
	case status >= 500:
		return classServer
	case status >= 400:
		return classRefused
	}
	return classOK
}

// counters counts answers by action and class.
type counters struct {
	mu      sync.Mutex
	byKind  map[string]*[nClasses]int64
	skipped atomic.Int64
	lat     map[string][]time.Duration
}

func (c *counters) add(kind string, class int, d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := c.byKind[kind]
	if k == nil {
		k = new([nClasses]int64)
		c.byKind[kind] = k
	}
	k[class]++
	if class == classOK && len(c.lat[kind]) < 1<<20 {
		c.lat[kind] = append(c.lat[kind], d)
	}
}

// Stats is the state of a run, written to -stats every second and
// printed at the end as JSON.
type Stats struct {
	Elapsed  float64                     `json:"elapsed_s"`
	Requests int64                       `json:"requests"`
	Classes  map[string]int64            `json:"classes"`
	Skipped  int64                       `json:"skipped"`
	ByKind   map[string]map[string]int64 `json:"by_kind"`
	P50ms    map[string]float64          `json:"p50_ms,omitempty"`
	P99ms    map[string]float64          `json:"p99_ms,omitempty"`
}

func (c *counters) snapshot(elapsed time.Duration, latency bool) Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := Stats{Elapsed: elapsed.Seconds(), Classes: map[string]int64{}, ByKind: map[string]map[string]int64{}, Skipped: c.skipped.Load()}
	for _, n := range classNames {
		s.Classes[n] = 0
	}
	for kind, k := range c.byKind {
		m := map[string]int64{}
		for i, v := range k {
			m[classNames[i]] = v
			s.Classes[classNames[i]] += v
			s.Requests += v
		}
		s.ByKind[kind] = m
	}
	if latency {
		s.P50ms, s.P99ms = map[string]float64{}, map[string]float64{}
		for kind, ds := range c.lat {
			sorted := append([]time.Duration(nil), ds...)
			sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
			s.P50ms[kind] = ms(sorted[len(sorted)/2])
			s.P99ms[kind] = ms(sorted[len(sorted)*99/100])
		}
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// writeStats replaces path with s, atomically.
func writeStats(path string, s Stats) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// mix is the weight of each action.
type mix map[string]int

func parseMix(s string) (mix, error) {
	m := mix{}
	for _, f := range strings.Split(s, ",") {
		name, w, ok := strings.Cut(strings.TrimSpace(f), "=")
		n, err := strconv.Atoi(w)
		if !ok || err != nil || n < 0 {
			return nil, fmt.Errorf("-mix: %q is not name=weight", f)
		}
		switch name {
		case "page", "search", "download", "favorite", "upload":
		default:
			return nil, fmt.Errorf("-mix: unknown action %q (page, search, download, favorite, upload)", name)
		}
		m[name] = n
	}
	return m, nil
}

func (m mix) draw(r *mrand.Rand) string {
	total := 0
	for _, w := range m {
		total += w
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	x := r.IntN(max(total, 1))
	for _, n := range names {
		if x < m[n] {
			return n
		}
		x -= m[n]
	}
	return "page"
}

// site holds what the virtual users need to know of the library.
type site struct {
	base    string
	pages   []string // paths of public pages, from the sitemap
	docs    []string // document ids
	queries []string
}

var docPath = regexp.MustCompile(`/doc/([A-Za-z0-9._-]+)`)

func discover(ctx context.Context, client *http.Client, base, queriesFile string) (*site, error) {
	s := &site{base: strings.TrimRight(base, "/")}
	req, _ := http.NewRequestWithContext(ctx, "GET", s.base+"/sitemap.xml", nil)
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("sitemap: status %d, %v", resp.StatusCode, err)
	}
	for _, m := range regexp.MustCompile(`<loc>([^<]+)</loc>`).FindAllStringSubmatch(string(body), -1) {
		u, err := url.Parse(m[1])
		if err != nil {
			continue
		}
		s.pages = append(s.pages, u.RequestURI())
		if d := docPath.FindStringSubmatch(u.Path); d != nil {
			s.docs = append(s.docs, d[1])
		}
	}
	s.pages = append(s.pages, "/")
	if len(s.docs) == 0 {
		return nil, errors.New("the sitemap lists no document")
	}
	s.queries = []string{"乡村振兴", "营商环境", "通知", "安全生产", "河长制", "人民法院", "规划", "意见", "办法 实施", "教育"}
	if queriesFile != "" {
		b, err := os.ReadFile(queriesFile)
		if err != nil {
			return nil, err
		}
		s.queries = nil
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				s.queries = append(s.queries, l)
			}
		}
	}
	return s, nil
}

// user is one virtual user.
type user struct {
	name, password string
	addr           string // X-Forwarded-For, if any
	client         *http.Client
	anon           *http.Client
	rand           *mrand.Rand
	n              int
	favorites      map[string]bool
}

func newTransport(conns int) *http.Transport {
	return &http.Transport{
		MaxIdleConnsPerHost: conns,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}
}

func (u *user) do(ctx context.Context, client *http.Client, method, path string, body io.Reader, header http.Header, base string) (int, error) {
	status, _, err := u.doHeader(ctx, client, method, path, body, header, base)
	return status, err
}

// doHeader is do that also returns the answer's header.
func (u *user) doHeader(ctx context.Context, client *http.Client, method, path string, body io.Reader, header http.Header, base string) (int, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, method, base+path, body)
	if err != nil {
		return 0, nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", "wengao-load/1")
	if u.addr != "" {
		req.Header.Set("X-Forwarded-For", u.addr)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header, err
}

func (u *user) login(ctx context.Context, base string) error {
	b, _ := json.Marshal(map[string]string{"username": u.name, "password": u.password})
	status, err := u.do(ctx, u.client, "POST", "/api/v1/auth/login", bytes.NewReader(b), http.Header{"Content-Type": {"application/json"}}, base)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("login %s: status %d", u.name, status)
	}
	return nil
}

// act does one action and returns its answer.
func (u *user) act(ctx context.Context, s *site, kind string) (int, error) {
	doc := s.docs[u.rand.IntN(len(s.docs))]
	switch kind {
	case "page":
		return u.do(ctx, u.anon, "GET", s.pages[u.rand.IntN(len(s.pages))], nil, nil, s.base)
	case "search":
		q := url.QueryEscape(s.queries[u.rand.IntN(len(s.queries))])
		if u.rand.IntN(2) == 0 {
			return u.do(ctx, u.anon, "GET", "/search?q="+q, nil, nil, s.base)
		}
		return u.do(ctx, u.client, "GET", "/api/v1/search?q="+q, nil, nil, s.base)
	case "download":
		return u.do(ctx, u.client, "POST", "/api/v1/documents/"+doc+"/download", nil, http.Header{"Idempotency-Key": {randomHex(12)}}, s.base)
	case "favorite":
		method := "POST"
		if u.favorites[doc] {
			method = "DELETE"
		}
		status, err := u.do(ctx, u.client, method, "/api/v1/documents/"+doc+"/favorite", nil, nil, s.base)
		if err == nil && status < 300 {
			u.favorites[doc] = method == "POST"
		}
		return status, err
	case "upload":
		u.n++
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", fmt.Sprintf("%s-%d.txt", u.name, u.n))
		fmt.Fprint(fw, uploadText(u.name, u.n))
		mw.Close()
		return u.do(ctx, u.client, "POST", "/api/v1/uploads?submit=1", &body, http.Header{"Content-Type": {mw.FormDataContentType()}}, s.base)
	}
	return 0, fmt.Errorf("unknown action %q", kind)
}

// uploadText is a short notice, different for every upload, so that no
// two are near-duplicates.
func uploadText(name string, n int) string {
	id := randomHex(8)
	return fmt.Sprintf("关于做好第%d批%s工作的通知\n\n各有关单位：\n\n"+
		"为做好编号%s的相关工作，现就有关事项通知如下。\n\n"+
		"一、提高认识。各单位要把第%d项任务放在重要位置，明确责任分工，编号%s。\n\n"+
		"二、加强协调。请于%d月%d日前将落实情况报送办公室，联系人%s。\n\n"+
		"特此通知。\n\n办公室\n2026年%d月%d日\n",
		n, name, id, n, id, 1+n%12, 1+n%28, name, 1+n%12, 1+n%28)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func runLoad(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "the site's address")
	duration := fs.Duration("duration", time.Minute, "how long to run; 0: until interrupted")
	rate := fs.Float64("rate", 10, "actions a second, shared by the users")
	users := fs.Int("users", 6, "virtual users, each with its own account")
	prefix := fs.String("user-prefix", "soak", "accounts are PREFIX1…PREFIXn")
	password := fs.String("password", "soak password 2026", "the accounts' password")
	mixFlag := fs.String("mix", "page=40,search=30,download=14,favorite=12,upload=4", "actions and their weights")
	forwarded := fs.Bool("forwarded", false, "each user sends its own X-Forwarded-For address (198.51.100.N)")
	statsFile := fs.String("stats", "", "write the counts as JSON to this file every second")
	queries := fs.String("queries", "", "file of search queries, one a line (default: a short built-in list)")
	timeout := fs.Duration("timeout", 30*time.Second, "time limit of one request")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, err := parseMix(*mixFlag)
	if err != nil {
		return err
	}
	if *rate <= 0 || *users < 1 {
		return errors.New("-rate and -users must be positive")
	}
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	tr := newTransport(*users * 2)
	anon := &http.Client{Transport: tr, Timeout: *timeout, CheckRedirect: noRedirect}
	s, err := discover(ctx, anon, *base, *queries)
	if err != nil {
		return err
	}
	c := &counters{byKind: map[string]*[nClasses]int64{}, lat: map[string][]time.Duration{}}
	vus := make([]*user, *users)
	for i := range vus {
		jar, _ := cookiejar.New(nil)
		vus[i] = &user{
			name: fmt.Sprintf("%s%d", *prefix, i+1), password: *password,
			client: &http.Client{Transport: tr, Jar: jar, Timeout: *timeout, CheckRedirect: noRedirect},
			anon:   anon, rand: mrand.New(mrand.NewPCG(uint64(i), 1)), favorites: map[string]bool{},
		}
		if *forwarded {
			vus[i].addr = fmt.Sprintf("198.51.100.%d", i+1)
		}
		if err := vus[i].login(ctx, s.base); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "load: %s, %d pages, %d documents, %d users, %.1f actions/s\n", s.base, len(s.pages), len(s.docs), len(vus), *rate)

	start := time.Now()
	jobs := make(chan string)
	var wg sync.WaitGroup
	for _, u := range vus {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for kind := range jobs {
				t0 := time.Now()
				status, err := u.act(ctx, s, kind)
				if ctx.Err() != nil {
					return // the run ended mid-request; not an answer
				}
				if status == http.StatusUnauthorized {
					_ = u.login(ctx, s.base) // the session was lost; next time
				}
				c.add(kind, classify(status, err), time.Since(t0))
			}
		}()
	}
	done := make(chan struct{})
	if *statsFile != "" {
		go func() {
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					if err := writeStats(*statsFile, c.snapshot(time.Since(start), false)); err != nil {
						fmt.Fprintln(os.Stderr, "load:", err)
					}
				}
			}
		}()
	}
	r := mrand.New(mrand.NewPCG(42, 42))
	tick := time.NewTicker(time.Duration(float64(time.Second) / *rate))
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-tick.C:
			select {
			case jobs <- m.draw(r):
			default:
				c.skipped.Add(1)
			}
		}
	}
	tick.Stop()
	close(jobs)
	wg.Wait()
	close(done)
	final := c.snapshot(time.Since(start), true)
	if *statsFile != "" {
		if err := writeStats(*statsFile, final); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(final)
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// statusCounts counts answers by status, 0 for no answer.
type statusCounts struct {
	mu sync.Mutex
	m  map[int]int
}

func (s *statusCounts) add(status int) {
	s.mu.Lock()
	s.m[status]++
	s.mu.Unlock()
}

func (s *statusCounts) String() string {
	keys := make([]int, 0, len(s.m))
	for k := range s.m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		name := strconv.Itoa(k)
		if k == 0 {
			name = "no-answer"
		}
		parts[i] = fmt.Sprintf("%s×%d", name, s.m[k])
	}
	return strings.Join(parts, " ")
}

// runFlood sends N searches as fast as C connections allow, all from one
// address.
func runFlood(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("flood", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "the site's address")
	n := fs.Int("n", 600, "searches")
	conc := fs.Int("c", 8, "concurrent connections")
	addr := fs.String("addr", "203.0.113.9", "X-Forwarded-For address of the flood")
	if err := fs.Parse(args); err != nil {
		return err
	}
	client := &http.Client{Transport: newTransport(*conc), Timeout: 30 * time.Second}
	counts := &statusCounts{m: map[int]int{}}
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range *conc {
		wg.Go(func() {
			u := &user{addr: *addr}
			for i := next.Add(1); i <= int64(*n) && ctx.Err() == nil; i = next.Add(1) {
				status, err := u.do(ctx, client, "GET", fmt.Sprintf("/api/v1/search?q=%s", url.QueryEscape(fmt.Sprintf("通知 %d", i))), nil, nil, *base)
				if err != nil {
					status = 0
				}
				counts.add(status)
			}
		})
	}
	wg.Wait()
	fmt.Printf("search flood: %d searches from %s in %.1f s: %s\n", *n, *addr, time.Since(start).Seconds(), counts)
	return nil
}

// runLogins tries N wrong passwords for one account from one address,
// then logs in with the right one from another address: the owner must
// not be locked out.
func runLogins(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("logins", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "the site's address")
	n := fs.Int("n", 50, "wrong passwords")
	name := fs.String("user", "victim", "the account attacked")
	password := fs.String("password", "soak password 2026", "its right password")
	addr := fs.String("addr", "203.0.113.7", "X-Forwarded-For address of the attacker")
	ownerAddr := fs.String("owner-addr", "198.51.100.200", "X-Forwarded-For address of the owner")
	if err := fs.Parse(args); err != nil {
		return err
	}
	client := &http.Client{Transport: newTransport(4), Timeout: 30 * time.Second}
	counts := &statusCounts{m: map[int]int{}}
	attacker := &user{addr: *addr}
	start := time.Now()
	for i := range *n {
		b, _ := json.Marshal(map[string]string{"username": *name, "password": fmt.Sprintf("wrong %d", i)})
		status, err := attacker.do(ctx, client, "POST", "/api/v1/auth/login", bytes.NewReader(b), http.Header{"Content-Type": {"application/json"}}, *base)
		if err != nil {
			status = 0
		}
		counts.add(status)
	}
	// The owner, from elsewhere, waits as told (Retry-After) and tries
	// again, a few times: slowed down, never locked out.
	owner := &user{addr: *ownerAddr}
	b, _ := json.Marshal(map[string]string{"username": *name, "password": *password})
	t0 := time.Now()
	var tries []string
	for range 4 {
		status, h, err := owner.doHeader(ctx, client, "POST", "/api/v1/auth/login", bytes.NewReader(b), http.Header{"Content-Type": {"application/json"}}, *base)
		if err != nil {
			tries = append(tries, "no answer")
			break
		}
		tries = append(tries, strconv.Itoa(status))
		if status != http.StatusTooManyRequests {
			break
		}
		wait, _ := strconv.Atoi(h.Get("Retry-After"))
		tries[len(tries)-1] += fmt.Sprintf(" (Retry-After %d s)", wait)
		if wait < 1 || wait > 60 {
			break
		}
		time.Sleep(time.Duration(wait) * time.Second)
	}
	fmt.Printf("wrong-password burst: %d logins for %s from %s in %.1f s: %s; then the owner from %s: %s, %.1f s in all\n",
		*n, *name, *addr, t0.Sub(start).Seconds(), counts, *ownerAddr, strings.Join(tries, " → "), time.Since(t0).Seconds())
	return nil
}

// runSlowloris opens N connections, sends part of a request's headers on
// each and a byte more every few seconds, for a while; meanwhile it times
// /healthz. It reports how many connections the server closed.
func runSlowloris(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("slowloris", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "the site's address")
	n := fs.Int("n", 200, "connections")
	hold := fs.Duration("hold", 20*time.Second, "how long to hold them")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, err := url.Parse(*base)
	if err != nil {
		return err
	}
	var conns []net.Conn
	for i := range *n {
		c, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
		if err != nil {
			fmt.Fprintf(os.Stderr, "load: slowloris: connection %d: %v\n", i, err)
			break
		}
		fmt.Fprintf(c, "GET /?slow=%d HTTP/1.1\r\nHost: %s\r\nUser-Agent: slow\r\n", i, u.Host)
		conns = append(conns, c)
	}
	closed := make([]bool, len(conns))
	client := &http.Client{Transport: newTransport(1), Timeout: 10 * time.Second}
	var worst time.Duration
	healthFail := 0
	end := time.Now().Add(*hold)
	for time.Now().Before(end) && ctx.Err() == nil {
		for i, c := range conns {
			if closed[i] {
				continue
			}
			c.SetWriteDeadline(time.Now().Add(time.Second))
			if _, err := c.Write([]byte("X-a: b\r\n")); err != nil {
				closed[i] = true
				continue
			}
			// A server that gave up answers (408) or closes; see it.
			c.SetReadDeadline(time.Now().Add(time.Millisecond))
			var one [1]byte
			if _, err := c.Read(one[:]); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
				closed[i] = true
			} else if err == nil {
				closed[i] = true
			}
		}
		t0 := time.Now()
		status, err := (&user{}).do(ctx, client, "GET", "/healthz", nil, nil, *base)
		if err != nil || status != http.StatusOK {
			healthFail++
		}
		worst = max(worst, time.Since(t0))
		time.Sleep(2 * time.Second)
	}
	nClosed := 0
	for i, c := range conns {
		if closed[i] {
			nClosed++
		}
		c.Close()
	}
	fmt.Printf("slowloris: %d connections held %s, %d closed by the server; /healthz meanwhile: %d failed, slowest %.0f ms\n",
		len(conns), *hold, nClosed, healthFail, ms(worst))
	return nil
}

// runJunk logs in and sends hostile uploads: a file over the size limit,
// a multipart body cut short, a .docx that is no zip and a .pdf of noise.
func runJunk(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("junk", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "the site's address")
	name := fs.String("user", "junk", "the uploading account")
	password := fs.String("password", "soak password 2026", "its password")
	size := fs.Int("size", 25<<20, "bytes of the oversized file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	jar, _ := cookiejar.New(nil)
	u := &user{name: *name, password: *password, client: &http.Client{Transport: newTransport(1), Jar: jar, Timeout: 60 * time.Second}}
	if err := u.login(ctx, *base); err != nil {
		return err
	}
	noise := func(n int) []byte {
		b := make([]byte, n)
		rand.Read(b)
		return b
	}
	send := func(file string, content []byte, cut int) string {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", file)
		fw.Write(content)
		mw.Close()
		b := body.Bytes()
		if cut > 0 {
			b = b[:len(b)-cut]
		}
		status, err := u.do(ctx, u.client, "POST", "/api/v1/uploads", bytes.NewReader(b), http.Header{"Content-Type": {mw.FormDataContentType()}}, *base)
		if err != nil {
			return "no answer (" + err.Error() + ")"
		}
		return strconv.Itoa(status)
	}
	big := send("huge.docx", noise(*size), 0)
	cutShort := send("cut.txt", []byte(strings.Repeat("通知", 1000)), 200)
	docx := send("fake.docx", noise(64<<10), 0)
	pdf := send("noise.pdf", append([]byte("%PDF-1.7\n"), noise(64<<10)...), 0)
	fmt.Printf("hostile uploads: %d MB file %s, cut multipart %s, fake .docx %s, noise .pdf %s\n", *size>>20, big, cutShort, docx, pdf)
	return nil
}
