package query

import (
	"reflect"
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
