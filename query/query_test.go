package query

import (
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	q := Parse(`乡村振兴 "细化工产业发" -农业 category:报告 year:2024`)
	if len(q.Clauses) != 2 {
		t.Fatalf("clauses = %d, want 2: %+v", len(q.Clauses), q.Clauses)
	}
	if got := q.Clauses[1][0]; !got.Phrase || !reflect.DeepEqual(got.Runs, []string{"细化工产业发"}) {
		t.Errorf("phrase = %+v", got)
	}
	if len(q.Excluded) != 1 || q.Excluded[0].Runs[0] != "农业" {
		t.Errorf("excluded = %+v", q.Excluded)
	}
	if q.Category != "报告" || q.Year != 2024 {
		t.Errorf("filters: category %q year %d", q.Category, q.Year)
	}
}

func TestParseOr(t *testing.T) {
	q := Parse(`营商环境 OR 市场主体 优化`)
	if len(q.Clauses) != 2 || len(q.Clauses[0]) != 2 || q.Clauses[1][0].Runs[0] != "优化" {
		t.Fatalf("clauses = %+v", q.Clauses)
	}
	// A leading OR has nothing to join and is ignored.
	if q := Parse(`OR 安全`); len(q.Clauses) != 1 || len(q.Clauses[0]) != 1 {
		t.Fatalf("leading OR: %+v", q.Clauses)
	}
}

func TestParseDates(t *testing.T) {
	q := Parse(`from:2020-01-01 to:2023 政府`)
	if q.From != "2020-01-01" || q.To != "2023-12-31" {
		t.Fatalf("from %q to %q", q.From, q.To)
	}
	// A bad value is text, not a filter.
	q = Parse(`year:abc`)
	if q.Year != 0 || len(q.Clauses) != 1 {
		t.Fatalf("year:abc → %+v", q)
	}
}

func TestParseTraditionalAndFullWidth(t *testing.T) {
	q := Parse(`“國務院辦公廳”　ＧＢ／Ｔ　９７０４`)
	// The ideographic space separates words like a space.
	if len(q.Clauses) != 3 {
		t.Fatalf("clauses = %+v", q.Clauses)
	}
	if got := q.Clauses[0][0].Runs; !reflect.DeepEqual(got, []string{"国务院办公厅"}) {
		t.Errorf("traditional phrase runs = %q", got)
	}
	if got := q.Clauses[1][0].Runs; !reflect.DeepEqual(got, []string{"gb", "t"}) {
		t.Errorf("full-width runs = %q", got)
	}
	if got := q.Clauses[2][0].Runs; !reflect.DeepEqual(got, []string{"9704"}) {
		t.Errorf("full-width digits = %q", got)
	}
}

func TestParseHostile(t *testing.T) {
	for _, s := range []string{
		`"`, `""`, `"unbalanced`, `AND`, `OR OR OR`, `*`, `NEAR(`, `a:`, `:`, `-`, `--`, `- -"`,
		`title:x`, `'; DROP TABLE documents; --`, "\x00\xff", `NOT NOT`, `(((`, `^`, `{col}:x`,
	} {
		q := Parse(s) // must not panic
		for _, c := range q.Clauses {
			for _, term := range c {
				if len(term.Runs) == 0 {
					t.Errorf("%q: term without runs kept", s)
				}
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`乡村振兴 "细化工" -农业 OR x category:报告 year:2024`, `"`, `NEAR(a b`, `from:2020 to:2021-13-01`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := Parse(s)
		if len(q.Clauses)+len(q.Excluded) > maxTerms {
			t.Fatalf("too many terms: %d", len(q.Clauses)+len(q.Excluded))
		}
	})
}
