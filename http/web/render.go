package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/crc64"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wengao/wengao"
)

//go:embed templates
var templateFS embed.FS

// pages holds one parsed template set per page, each the layout plus the
// page's own file, parsed once at start-up.
var pages = mustParseTemplates(templateFS)

// mustParseTemplates parses every page template with the layout and
// panics on the first error, so that a broken template stops the program
// at start-up rather than at the first visit.
func mustParseTemplates(fsys fs.FS) map[string]*template.Template {
	set, err := parseTemplates(fsys)
	if err != nil {
		panic(fmt.Sprintf("http: templates: %v", err))
	}
	return set
}

func parseTemplates(fsys fs.FS) (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(fsys, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	set := map[string]*template.Template{}
	for _, name := range names {
		file := path.Base(name)
		if file == "layout.html" || file == "partials.html" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(fsys, name)
		if err != nil {
			return nil, err
		}
		set[strings.TrimSuffix(file, ".html")] = t
	}
	return set, nil
}

var templateFuncs = template.FuncMap{
	"static":      assets.url,
	"docURL":      DocURL,
	"categoryURL": CategoryURL,
	"categoryName": func(path string) string {
		if i := strings.LastIndexByte(path, '/'); i >= 0 {
			return path[i+1:]
		}
		return path
	},
	"number":          FormatNumber,
	"approx":          formatApprox,
	"add":             func(a, b int) int { return a + b },
	"int64":           func(n int) int64 { return int64(n) },
	"date":            func(t time.Time) string { return t.Format(wengao.DayLayout) },
	"datetime":        func(t time.Time) string { return t.In(SiteZone).Format("2006-01-02 15:04") },
	"kindLabel":       func(k string) string { return kindLabels[k] },
	"roleLabel":       func(r string) string { return roleLabels[r] },
	"statusLabel":     func(st string) string { return StatusLabels[st] },
	"complaintStatus": func(st string) string { return ComplaintStatusLabels[st] },
	"complaintKind":   func(k string) string { return complaintKindLabels[k] },
	"docStatus":       func(st string) string { return DocStatusLabels[st] },
	"banned":          wengao.Banned,
	"banDate": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(SiteZone).AddDate(0, 0, -1).Format(wengao.DayLayout)
	},
	"percent": func(f float64) int { return int(f*100 + 0.5) },
	"signed": func(n int64) string {
		if n > 0 {
			return "+" + strconv.FormatInt(n, 10)
		}
		return strconv.FormatInt(n, 10)
	},
	"periodLabel": func(p wengao.Period) string {
		return PeriodLabels[p]
	},
}

// DocURL returns the path of a document's page.
func DocURL(id string) string { return "/doc/" + url.PathEscape(id) }

// CategoryURL returns the path of a category's page; each level is
// escaped on its own, so that the slash between them stays a slash.
func CategoryURL(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "/category/" + strings.Join(parts, "/")
}

// FormatNumber writes n with thousands separators.
func FormatNumber(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// formatApprox writes an estimated count the Chinese way, to two digits:
// 123456 is "12 万", 9800 "9,800".
func formatApprox(n int64) string {
	switch {
	case n >= 100_000_000:
		return strconv.FormatFloat(float64((n+5_000_000)/10_000_000)/10, 'f', -1, 64) + " 亿"
	case n >= 100_000:
		return strconv.FormatInt((n+5000)/10000, 10) + " 万"
	case n >= 10_000:
		return strconv.FormatFloat(float64((n+500)/1000)/10, 'f', -1, 64) + " 万"
	}
	return FormatNumber(n)
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

var crcTable = crc64.MakeTable(crc64.ECMA)

// execute renders the page template name with data into buf.
func (s *Core) execute(buf *bytes.Buffer, name string, data any) error {
	t, ok := pages[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	return t.ExecuteTemplate(buf, "layout", data)
}

// Render executes the page template name with data and writes it with
// the given status. Pages of status 200 get an ETag from their content
// and are answered with 304 when the client has them.
func (s *Core) Render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	buf := buffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer buffers.Put(buf)
	if err := s.execute(buf, name, data); err != nil {
		s.renderFailed(w, r, name, err)
		return
	}
	if m := s.Masker(r.Context()); m != nil {
		masked := m.Display(buf.String())
		buf.Reset()
		buf.WriteString(masked)
	}
	if i := bytes.Index(buf.Bytes(), []byte(Placeholders[slotAccount])); i >= 0 {
		out := bytes.Clone(buf.Bytes()[:i])
		out = append(out, s.SlotValues(r, 0, nil)[slotAccount]...)
		out = append(out, buf.Bytes()[i+len(Placeholders[slotAccount]):]...)
		buf.Reset()
		buf.Write(out)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if h.Get("Cache-Control") == "" {
		// Pages change with every read counted: caches must ask each time,
		// and the ETag makes asking cheap.
		h.Set("Cache-Control", "no-cache")
	}
	s.WriteBody(w, r, status, buf.Bytes(), time.Time{})
}

// renderFailed handles a template that failed to execute: a bug, logged,
// shown as the 500 page (or as plain text when that page failed).
func (s *Core) renderFailed(w http.ResponseWriter, r *http.Request, name string, err error) {
	s.Logger.Error("render", "id", RequestID(r.Context()), "page", name, "err", err)
	if name != "error" {
		s.ErrorPage(w, r, err)
	} else {
		http.Error(w, wengao.MessageInternal, http.StatusInternalServerError)
	}
}

// RenderCached serves the page cached under key, or renders it with the
// template and data that build returns, caches it for pageTTL and serves
// it. Errors from build are shown as the error page and not cached.
func (s *Core) RenderCached(w http.ResponseWriter, r *http.Request, key string, build func() (string, any, error)) {
	// Pages hold absolute links to the site, which may come from the request.
	key = s.SiteURL(r) + "\x00" + key
	if p := s.Pages.Get(key, s.Time()); p != nil {
		p.Serve(s, w, r, s.SlotValues(r, 0, nil))
		return
	}
	var name string
	p, err := s.Pages.Render(r.Context(), key, func() (*CachedPage, error) {
		var data any
		var err error
		if name, data, err = build(); err != nil {
			return nil, err
		}
		p, err := s.RenderPage(context.WithoutCancel(r.Context()), name, data, 0, 0)
		if err != nil {
			return nil, renderError{err}
		}
		return p, nil
	})
	var rerr renderError
	if errors.As(err, &rerr) {
		s.renderFailed(w, r, name, rerr.err)
		return
	} else if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p.Serve(s, w, r, s.SlotValues(r, 0, nil))
}

// renderError is a template that failed to execute, as opposed to an
// error in loading the page's data.
type renderError struct{ err error }

func (e renderError) Error() string { return "render: " + e.err.Error() }

// RenderPage renders a page for the cache, masking its words as the
// masks read with ctx say.
func (s *Core) RenderPage(ctx context.Context, name string, data any, reads int64, flushes uint64) (*CachedPage, error) {
	buf := buffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer buffers.Put(buf)
	if err := s.execute(buf, name, data); err != nil {
		return nil, err
	}
	return newCachedPage(s.MaskBytes(ctx, buf.Bytes()), reads, flushes, s.Time().Add(pageTTL)), nil
}

// WriteBody writes a complete response body: with an ETag made from it
// when the status is 200, and a 304 instead when the client's copy is
// current.
func (s *Core) WriteBody(w http.ResponseWriter, r *http.Request, status int, body []byte, modTime time.Time) {
	h := w.Header()
	if status == http.StatusOK {
		etag := `"` + strconv.FormatUint(crc64.Checksum(body, crcTable), 36) + strconv.FormatInt(int64(len(body)), 36) + `"`
		h.Set("ETag", etag)
		if !modTime.IsZero() {
			h.Set("Last-Modified", modTime.UTC().Format(http.TimeFormat))
		}
		if notModified(r, etag, modTime) {
			h.Del("Content-Type")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}
