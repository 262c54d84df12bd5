package http_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/wengao/wengao"
	wengaohttp "github.com/wengao/wengao/http"
	"github.com/wengao/wengao/sqlite"
)

func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	db, err := sqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, err = db.SaveDocuments(context.Background(), []*wengao.Document{
		{ID: "gov-1", Title: "国务院办公厅关于加强安全生产工作的意见", Date: "2024-01-02", Category: "公文/国务院文件", Source: "https://www.gov.cn/x", Body: []string{"一、总体要求", "（一）指导思想。坚持安全第一。", "二、重点任务", "加强安全生产监管。"}},
		{ID: "gov-2", Title: "关于做好安全生产检查的通知", Date: "2023-05-06", Category: "公文/通知", Body: []string{"各单位要做好安全生产检查。"}},
		{ID: "law-3", Title: "中华人民共和国安全生产法", Date: "2021-06-10", Category: "法律法规/法律", Body: []string{"第一章 总则", "第一条 为了加强安全生产工作，制定本法。"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := wengaohttp.MustNewServer(t, wengaohttp.AllServices(t, db))
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

func getJSON(t *testing.T, u string, status int, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d: %s", u, resp.StatusCode, status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v: %s", u, err, body)
	}
}

func TestAPISearch(t *testing.T) {
	ts := newTestServer(t)
	var res struct {
		Total  int
		Hits   []map[string]any
		Facets struct {
			Category []struct {
				Value string
				Count int
			}
			Year []struct {
				Value string
				Count int
			}
		}
		TookMS float64 `json:"took_ms"`
	}
	getJSON(t, ts.URL+"/api/v1/search?q="+url.QueryEscape("安全生产")+"&limit=2&page=1", 200, &res)
	if got := res.Total; got != 3 {
		t.Fatalf("search: res.Total = %v, want %v", got, 3)
	}
	if got := len(res.Hits); got != 2 {
		t.Fatalf("search: len(res.Hits) = %v, want %v", got, 2)
	}
	if got := len(res.Facets.Category); got != 3 {
		t.Fatalf("search: len(res.Facets.Category) = %v, want %v", got, 3)
	}
	if got := len(res.Facets.Year); got != 3 {
		t.Fatalf("search: len(res.Facets.Year) = %v, want %v", got, 3)
	}
	for _, k := range []string{"id", "title", "date", "category", "score", "snippet"} {
		if _, ok := res.Hits[0][k]; !ok {
			t.Errorf("hit lacks %q: %v", k, res.Hits[0])
		}
	}
	getJSON(t, ts.URL+"/api/v1/search?q="+url.QueryEscape("安全生产")+"&category="+url.QueryEscape("公文")+"&sort=date", 200, &res)
	if got := res.Total; got != 2 {
		t.Fatalf("category+sort: res.Total = %v, want %v", got, 2)
	}
	if got := res.Hits[0]["id"]; got != "gov-1" {
		t.Fatalf("category+sort: res.Hits[0][\"id\"] = %v, want %v", got, "gov-1")
	}
	var e struct {
		Error struct{ Code, Message string }
	}
	getJSON(t, ts.URL+"/api/v1/search?q=x&page=999999", 400, &e)
	if got := e.Error.Code; got != wengao.EINVALID {
		t.Fatalf("error: e.Error.Code = %v, want %v", got, wengao.EINVALID)
	}
	if e.Error.Message == "" {
		t.Fatalf("error: %+v (want not e.Error.Message == \"\")", e)
	}
}

func TestAPIDocument(t *testing.T) {
	ts := newTestServer(t)
	var doc struct {
		ID, Title, Date, Category, Source string
		Body                              []string
		Outline                           []wengao.OutlineItem
		Related                           []wengao.DocumentRef
		Reads                             *int64
		Price, Chars                      int
		Truncated                         bool
	}
	getJSON(t, ts.URL+"/api/v1/documents/gov-1", 200, &doc)
	if got := doc.Title; got != "国务院办公厅关于加强安全生产工作的意见" {
		t.Fatalf("document: doc.Title = %v, want %v", got, "国务院办公厅关于加强安全生产工作的意见")
	}
	if doc.Source == "" {
		t.Fatalf("document: %+v (want not doc.Source == \"\")", doc)
	}
	if doc.Reads == nil {
		t.Fatalf("document: doc.Reads is nil")
	}
	if got := doc.Price; got != 5 {
		t.Fatalf("document: doc.Price = %v, want %v", got, 5)
	}
	if got := doc.Chars; got != 36 {
		t.Fatalf("document: doc.Chars = %v, want %v", got, 36)
	}
	// An anonymous reader gets the preview: 30% of 36 characters is 10,
	// which holds the first paragraph and no sentence of the second.
	if !doc.Truncated {
		t.Errorf("preview: %+v (want doc.Truncated)", doc)
	}
	if got := len(doc.Body); got != 1 {
		t.Fatalf("preview: len(doc.Body) = %v, want %v", got, 1)
	}
	if got := doc.Body[0]; got != "一、总体要求" {
		t.Errorf("preview: doc.Body[0] = %v, want %v", got, "一、总体要求")
	}
	if got := len(doc.Outline); got != 1 {
		t.Fatalf("outline: len(doc.Outline) = %v, want %v", got, 1)
	}
	if got := doc.Outline[0].Paragraph; got != 0 {
		t.Errorf("outline: doc.Outline[0].Paragraph = %v, want %v", got, 0)
	}
	if len(doc.Related) == 0 {
		t.Errorf("no related documents")
	}
	for _, r := range doc.Related {
		if r.ID == "gov-1" {
			t.Errorf("related: %+v (want not r.ID == \"gov-1\")", r)
		}
		if r.Title == "" {
			t.Errorf("related: %+v (want not r.Title == \"\")", r)
		}
	}
	var e struct{ Error struct{ Code string } }
	getJSON(t, ts.URL+"/api/v1/documents/missing", 404, &e)
	if e.Error.Code != wengao.ENOTFOUND {
		t.Fatalf("missing: %+v", e)
	}
	var h struct {
		Status    string
		Documents int
	}
	getJSON(t, ts.URL+"/healthz", 200, &h)
	if got := h.Status; got != "ok" {
		t.Fatalf("healthz: h.Status = %v, want %v", got, "ok")
	}
	if got := h.Documents; got != 3 {
		t.Fatalf("healthz: h.Documents = %v, want %v", got, 3)
	}
}

// The OpenAPI description is valid JSON and describes every API route.
func TestOpenAPI(t *testing.T) {
	ts := newTestServer(t)
	var doc struct {
		OpenAPI string
		Paths   map[string]map[string]any
	}
	getJSON(t, ts.URL+"/api/v1/openapi.json", 200, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	for _, route := range []string{
		"GET /api/v1/search", "GET /api/v1/documents/{id}", "POST /api/v1/documents/{id}/favorite", "DELETE /api/v1/documents/{id}/favorite",
		"POST /api/v1/documents/{id}/download", "POST /api/v1/auth/register", "POST /api/v1/auth/login", "POST /api/v1/auth/logout",
		"POST /api/v1/auth/password", "GET /api/v1/me", "GET /api/v1/me/ledger", "GET /api/v1/me/favorites", "GET /api/v1/me/downloads",
		"POST /api/v1/me/signin", "POST /api/v1/uploads", "GET /api/v1/uploads/{id}", "POST /api/v1/uploads/{id}/submit", "GET /api/v1/me/uploads",
		"GET /api/v1/admin/uploads", "POST /api/v1/admin/uploads/{id}/approve", "POST /api/v1/admin/uploads/{id}/reject", "DELETE /api/v1/admin/uploads/{id}",
		"POST /api/v1/check", "POST /api/v1/complaints", "GET /api/v1/me/complaints", "GET /api/v1/admin/complaints", "POST /api/v1/admin/complaints/{id}/{action}",
		"POST /api/v1/admin/documents/{id}/status", "GET /api/v1/admin/masks", "POST /api/v1/admin/masks", "GET /api/v1/admin/stats",
	} {
		method, path, _ := strings.Cut(route, " ")
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("openapi.json lacks %s", route)
		}
	}
}
