package sqlite_test

import (
	"context"
	"testing"

	"github.com/wengao/wengao"
)

func TestAbbreviations(t *testing.T) {
	db := MustOpenSampleDB(t)
	ctx := context.Background()
	strict := func() int {
		t.Helper()
		res, err := db.Search(ctx, wengao.SearchRequest{Query: "交警规范 道路", Strict: true})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	if got := strict(); got != 0 {
		t.Fatalf("before the entry: %d hits, want 0", got)
	}
	if err := db.AddAbbreviation(ctx, wengao.Abbreviation{Short: "交警规范", Full: "交通警察道路执勤执法工作规范"}); err != nil {
		t.Fatal(err)
	}
	list, v1, err := db.Abbreviations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(list), 1; got != want {
		t.Fatalf("got %d entries, want %d", got, want)
	}
	if got, want := list[0].Full, "交通警察道路执勤执法工作规范"; got != want {
		t.Errorf("full form %q, want %q", got, want)
	}
	if got := strict(); got == 0 {
		t.Errorf("with the entry: no hits, want 交通警察道路执勤执法工作规范")
	}
	if err := db.RemoveAbbreviation(ctx, "交警规范"); err != nil {
		t.Fatal(err)
	}
	if _, v2, _ := db.Abbreviations(ctx); v2 == v1 {
		t.Errorf("version %d unchanged after a removal", v2)
	}
	if got := strict(); got != 0 {
		t.Errorf("after removing the entry: %d hits, want 0", got)
	}
	if err := db.RemoveAbbreviation(ctx, "交警规范"); wengao.ErrorCode(err) != wengao.ENOTFOUND {
		t.Errorf("removing it twice: code %q, want %q", wengao.ErrorCode(err), wengao.ENOTFOUND)
	}
	for _, bad := range []wengao.Abbreviation{{Short: "督", Full: "督察"}, {Short: "督察", Full: "督察"}, {Short: "<b>", Full: "督察工作"}} {
		if err := db.AddAbbreviation(ctx, bad); wengao.ErrorCode(err) != wengao.EINVALID {
			t.Errorf("AddAbbreviation(%+v): code %q, want %q", bad, wengao.ErrorCode(err), wengao.EINVALID)
		}
	}
}
