package query

import (
	"reflect"
	"slices"
	"testing"
)

func TestExpand(t *testing.T) {
	variants := func(run string) []string {
		switch run {
		case "党委":
			return []string{"d委"}
		case "d委":
			return []string{"党委"}
		}
		return nil
	}
	q := Parse(`党委 OR 乡村 -D委 "党委"`)
	q.Expand(variants)
	var got [][]string
	for _, c := range q.Clauses {
		var alts []string
		for _, t := range c {
			alts = append(alts, t.Runs[0])
		}
		got = append(got, alts)
	}
	want := [][]string{{"党委", "乡村", "d委"}, {"党委", "d委"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("clauses %q, want %q", got, want)
	}
	if got := len(q.Excluded); got != 2 {
		t.Fatalf("excluded: len(q.Excluded) = %v, want %v", got, 2)
	}
	if got := q.Excluded[1].Runs[0]; got != "党委" {
		t.Errorf("excluded: q.Excluded[1].Runs[0] = %v, want %v", got, "党委")
	}
	if !q.Clauses[1][1].Phrase {
		t.Error("a phrase's variant is not a phrase")
	}
}

func TestAddAlternatives(t *testing.T) {
	q := Parse(`最高法 "最高法" -国办`)
	q.AddAlternatives(func(s string) []string {
		return map[string][]string{"最高法": {"最高人民法院"}, "国办": {"国务院办公厅"}}[s]
	})
	if got, want := len(q.Clauses[0]), 2; got != want {
		t.Fatalf("first clause has %d terms, want %d", got, want)
	}
	if got := q.Clauses[0][1]; !got.Alternative || !slices.Equal(got.Runs, []string{"最高人民法院"}) {
		t.Errorf("added term %+v, want the alternative 最高人民法院", got)
	}
	if got, want := len(q.Clauses[1]), 1; got != want {
		t.Errorf("quoted clause has %d terms, want %d (quotes stay exact)", got, want)
	}
	if got, want := len(q.Excluded), 2; got != want {
		t.Errorf("%d excluded terms, want %d (an exclusion excludes every form)", got, want)
	}
	// Masking keeps the mark on the variants of an alternative.
	q.Expand(func(run string) []string {
		if run == "最高人民法院" {
			return []string{"最高人民F院"}
		}
		return nil
	})
	for _, term := range q.Clauses[0][1:] {
		if !term.Alternative {
			t.Errorf("variant %+v of an alternative not marked Alternative", term)
		}
	}
}
