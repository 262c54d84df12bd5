package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wengao/wengao"
)

// TestDupCheckUsesIndex pins the plan of the exact-duplicate check: with
// the statistics that PRAGMA optimize gathers after a first, small import,
// SQLite preferred scanning documents, once per document saved, which made
// imports into a non-empty library quadratic.
func TestDupCheckUsesIndex(t *testing.T) {
	ctx := context.Background()
	db, err := OpenFile(filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	doc := &wengao.Document{ID: "a", Title: "关于印发办法的通知", Body: []string{"第一条 为了规范管理，制定本办法。"}}
	if _, err := db.SaveDocuments(ctx, []*wengao.Document{doc}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	rows, err := db.write.QueryContext(ctx, `EXPLAIN QUERY PLAN `+docWriterSQL["dup"], "h", "a")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if got := strings.Join(plan, "; "); !strings.Contains(got, "USING INDEX documents_hash") {
		t.Errorf("plan of the duplicate check: got %q, want a search using documents_hash", got)
	}
}
