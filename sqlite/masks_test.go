package sqlite_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wengao/wengao"
)

func TestMaskedWordsSearchAsOne(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	if _, err := db.SaveDocuments(ctx, []*wengao.Document{
		{ID: "real", Title: "关于加强基层党委建设的意见", Body: []string{"各级党委要切实履行主体责任。"}},
		{ID: "masked", Title: "在常委会议上的讲话", Body: []string{"市D委书记强调，坚持D的领导，团结各民主D派。"}},
	}); err != nil {
		t.Fatal(err)
	}
	ids := func(q string) string {
		t.Helper()
		res, err := db.Search(ctx, wengao.SearchRequest{Query: q, Sort: wengao.SortDate})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		return strings.Join(out, ",")
	}
	if got := ids("党委"); got != "real" {
		t.Fatalf("without rules 党委 finds %q", got)
	}
	for _, m := range []wengao.MaskRule{{Word: "党委", Shown: "D委"}, {Word: "党的", Shown: "D的"}, {Word: "民主党派", Shown: "民主D派"}} {
		if err := db.AddMask(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	for q, want := range map[string]string{
		"党委": "masked,real", "D委": "masked,real", "d委": "masked,real", `"党委书记"`: "masked",
		"民主党派": "masked", "党的领导": "masked", "党委 -D的": "real", "黨委": "masked,real",
	} {
		if got := ids(q); got != want {
			t.Errorf("%s finds %q, want %q", q, got, want)
		}
	}
	// Snippets show the shown form, marked.
	res, _ := db.Search(ctx, wengao.SearchRequest{Query: "党委"})
	for _, h := range res.Hits {
		if strings.Contains(h.Snippet+h.TitleHTML, "党委") || !strings.Contains(h.Snippet+h.TitleHTML, "<mark>D委</mark>") {
			t.Errorf("%s: snippet %q title %q", h.ID, h.Snippet, h.TitleHTML)
		}
	}
	rules, v, err := db.MaskRules(ctx)
	if err != nil || len(rules) != 3 || rules[0].Word != "民主党派" || v == 0 {
		t.Fatalf("rules %+v v%d %v", rules, v, err)
	}
	if err := db.RemoveMask(ctx, "党委"); err != nil {
		t.Fatal(err)
	}
	if got := ids("党委"); got != "real" {
		t.Errorf("after removing the rule 党委 finds %q", got)
	}
	if err := db.RemoveMask(ctx, "党委"); wengao.ErrorCode(err) != wengao.ENOTFOUND {
		t.Errorf("removing a missing rule: %v", err)
	}
	for _, bad := range []wengao.MaskRule{{Word: "", Shown: "x"}, {Word: "党", Shown: "党"}, {Word: "<b>", Shown: "x"}, {Word: "党委", Shown: "D 委"}} {
		if err := db.AddMask(ctx, bad); wengao.ErrorCode(err) != wengao.EINVALID {
			t.Errorf("AddMask(%+v) = %v", bad, err)
		}
	}
}
