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
	{
		got := q.Clauses[1][0]
		if !got.Phrase {
			t.Errorf("phrase = %+v (want got.Phrase)", got)
		}
		if !reflect.DeepEqual(got.Runs, []string{"细化工产业发"}) {
			t.Errorf("phrase = %+v (want reflect.DeepEqual(got.Runs, []string{\"细化工产业发\"}))", got)
		}
	}
	if got := len(q.Excluded); got != 1 {
		t.Fatalf("excluded =: len(q.Excluded) = %v, want %v", got, 1)
	}
	if got := q.Excluded[0].Runs[0]; got != "农业" {
		t.Errorf("excluded =: q.Excluded[0].Runs[0] = %v, want %v", got, "农业")
	}
	if got := q.Category; got != "报告" {
		t.Errorf("filters: q.Category = %v, want %v", got, "报告")
	}
	if got := q.Year; got != 2024 {
		t.Errorf("filters: q.Year = %v, want %v", got, 2024)
	}
}

func TestParseOr(t *testing.T) {
	q := Parse(`营商环境 OR 市场主体 优化`)
	if got := len(q.Clauses); got != 2 {
		t.Fatalf("clauses =: len(q.Clauses) = %v, want %v", got, 2)
	}
	if got := len(q.Clauses[0]); got != 2 {
		t.Fatalf("clauses =: len(q.Clauses[0]) = %v, want %v", got, 2)
	}
	if got := q.Clauses[1][0].Runs[0]; got != "优化" {
		t.Fatalf("clauses =: q.Clauses[1][0].Runs[0] = %v, want %v", got, "优化")
	}
	// A leading OR has nothing to join and is ignored.
	{
		q := Parse(`OR 安全`)
		if got := len(q.Clauses); got != 1 {
			t.Fatalf("leading OR: len(q.Clauses) = %v, want %v", got, 1)
		}
		if got := len(q.Clauses[0]); got != 1 {
			t.Fatalf("leading OR: len(q.Clauses[0]) = %v, want %v", got, 1)
		}
	}
}

func TestParseDates(t *testing.T) {
	q := Parse(`from:2020-01-01 to:2023 政府`)
	if got := q.From; got != "2020-01-01" {
		t.Fatalf("from: q.From = %v, want %v", got, "2020-01-01")
	}
	if got := q.To; got != "2023-12-31" {
		t.Fatalf("from: q.To = %v, want %v", got, "2023-12-31")
	}
	// A bad value is text, not a filter.
	q = Parse(`year:abc`)
	if got := q.Year; got != 0 {
		t.Fatalf("year:abc →: q.Year = %v, want %v", got, 0)
	}
	if got := len(q.Clauses); got != 1 {
		t.Fatalf("year:abc →: len(q.Clauses) = %v, want %v", got, 1)
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
