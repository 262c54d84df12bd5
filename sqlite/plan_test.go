package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlstore"
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
	rows, err := db.write.QueryContext(ctx, `EXPLAIN QUERY PLAN `+sqlstore.DocumentWriteSQL(db.Dialect())["dup"], "h", "a")
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

// queryPlan returns the details of EXPLAIN QUERY PLAN for q, joined by
// "; ".
func queryPlan(t *testing.T, db *DB, q string, args ...any) string {
	t.Helper()
	rows, err := db.read.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", q, err)
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
	return strings.Join(plan, "; ")
}

// TestListingPlans pins the plans of the listings (home, categories,
// feed, sitemap slices, the all-time ranking) and of related reading: each
// reads an index or the table by key in the order wanted and stops at the
// page, with no sort of the table (USE TEMP B-TREE) nor a full scan
// (SCAN without an index, but for a walk in row id order where asked),
// whatever the library's size.
func TestListingPlans(t *testing.T) {
	ctx := context.Background()
	db, err := OpenFile(filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var docs []*wengao.Document
	cats := []string{"报告", "报告/政府工作报告", "法律法规/行政法规", "法律法规", ""}
	for i := range 60 {
		docs = append(docs, &wengao.Document{
			ID: fmt.Sprintf("d%02d", i), Title: fmt.Sprintf("关于第%d号办法的通知", i),
			Date: fmt.Sprintf("20%02d-01-01", i%25), Category: cats[i%len(cats)],
			Body: []string{fmt.Sprintf("第一条 为了规范第%d项管理，制定本办法。", i)},
		})
	}
	if _, err := db.SaveDocuments(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `UPDATE documents SET reads = id % 7`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	sub := wengao.DocumentListFilter{SummaryRunes: 120}
	list := db.ListingSQL
	home, _ := list(wengao.OrderDate, "", wengao.DocumentListFilter{})
	feed, _ := list(wengao.OrderAdded, "", sub)
	byID, _ := list(wengao.OrderID, "", wengao.DocumentListFilter{})
	top, topArgs := list(wengao.OrderDate, "报告", sub)
	subCat, subArgs := list(wengao.OrderDate, "报告/政府工作报告", sub)
	cases := []struct {
		name, q string
		args    []any
		index   string // what the plan must use
	}{
		{"home", home, []any{12, 0}, "USING INDEX documents_published_date"},
		{"feed", feed, []any{20, 0}, "SCAN d"},
		{"all by id", byID, []any{20, 0}, "SCAN d"},
		{"top category", top, append(topArgs, 20, 40), "USING INDEX documents_top_date"},
		{"sub-category", subCat, append(subArgs, 20, 0), "USING INDEX documents_category_date"},
		{"sitemap slice", db.SliceSQL(), []any{0, 50000, 50000, 0}, "USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"},
		{"all-time ranking", db.TopAllTimeSQL(), []any{50}, "USING INDEX documents_published_reads"},
		{"category count", `SELECT coalesce(sum(n), 0) FROM category_counts WHERE category = ? OR (category > ? AND category < ?)`, []any{"报告", "报告/", "报告0"}, "USING PRIMARY KEY"},
		{"related list", relatedReadSQL, []any{1}, "USING INTEGER PRIMARY KEY"},
	}
	for _, c := range cases {
		plan := queryPlan(t, db, c.q, c.args...)
		if !strings.Contains(plan, c.index) {
			t.Errorf("%s: plan %q, want %s", c.name, plan, c.index)
		}
		if strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%s: plan %q sorts", c.name, plan)
		}
		for _, step := range strings.Split(plan, "; ") {
			// A walk of the table in row id order is what "SCAN d" is
			// wanted for, stopped by LIMIT.
			if strings.HasPrefix(step, "SCAN ") && !strings.Contains(step, "USING") && c.index != "SCAN d" {
				t.Errorf("%s: plan %q scans a table", c.name, plan)
			}
		}
	}
}
