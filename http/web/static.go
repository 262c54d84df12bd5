package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

//go:embed static
var staticFS embed.FS

// staticAsset is one embedded static file, served under a name that holds
// a hash of its content ("site.3f2a1b9c0d.css"), so it can be cached for
// a year: a changed file gets a new name.
type staticAsset struct {
	name        string // the hashed name
	contentType string
	etag        string
	body        []byte
	gzipped     []byte // nil when compression does not pay
}

// staticAssets holds the static files by plain name ("site.css") and by
// hashed name, loaded once at start-up.
type staticAssets struct {
	byName   map[string]*staticAsset
	byHashed map[string]*staticAsset
	modTime  time.Time
}

var assets = mustLoadStatic()

func mustLoadStatic() *staticAssets {
	a, err := loadStatic(staticFS)
	if err != nil {
		panic(fmt.Sprintf("http: static files: %v", err))
	}
	return a
}

func loadStatic(fsys fs.FS) (*staticAssets, error) {
	// The embedded files have no time of their own: they date from the
	// program's start (package initialisation, before any clock is set).
	a := &staticAssets{byName: map[string]*staticAsset{}, byHashed: map[string]*staticAsset{}, modTime: time.Now().UTC().Truncate(time.Second)}
	entries, err := fs.ReadDir(fsys, "static")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		body, err := fs.ReadFile(fsys, "static/"+e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:5])
		ext := path.Ext(e.Name())
		asset := &staticAsset{
			name:        strings.TrimSuffix(e.Name(), ext) + "." + hash + ext,
			contentType: mime.TypeByExtension(ext),
			etag:        `"` + hash + `"`,
			body:        body,
		}
		if asset.contentType == "" {
			asset.contentType = "application/octet-stream"
		}
		if compressible(asset.contentType) {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(body)
			zw.Close()
			if buf.Len() < len(body)*9/10 {
				asset.gzipped = buf.Bytes()
			}
		}
		a.byName[e.Name()] = asset
		a.byHashed[asset.name] = asset
	}
	return a, nil
}

// url returns the path that serves the static file name; it panics for a
// file that does not exist, so that templates naming one fail at start-up.
func (a *staticAssets) url(name string) string {
	asset, ok := a.byName[name]
	if !ok {
		panic(fmt.Sprintf("http: no static file %q", name))
	}
	return "/static/" + asset.name
}

// handleStatic serves a static file by its hashed name, gzipped when the
// client accepts it.
func (s *Core) HandleStatic(w http.ResponseWriter, r *http.Request) {
	asset, ok := assets.byHashed[r.PathValue("name")]
	if !ok {
		s.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", asset.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", asset.etag)
	h.Set("Last-Modified", assets.modTime.Format(http.TimeFormat))
	if notModified(r, asset.etag, assets.modTime) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := asset.body
	if asset.gzipped != nil && acceptsGzip(r) {
		body = asset.gzipped
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}
