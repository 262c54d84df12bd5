package search

import (
	"context"
	"strings"
	"testing"

	"github.com/wengao/wengao"
)

// equivLibrary is a few documents as the corpus prints them.
func equivLibrary() *Engine {
	return New(newMemStore(
		Text{Row: 1, ID: "labour", Title: "中华人民共和国劳动法", Date: "2018-12-29",
			Body: "第一章 总则\n第一条　为了保护劳动者的合法权益，制定本法。\n第三十六条　国家实行劳动者每日工作时间不超过八小时的工时制度。\n第三十七条　对实行计件工作的劳动者，用人单位应当合理确定其劳动定额。"},
		Text{Row: 2, ID: "union", Title: "云南省工会劳动法律监督条例", Date: "2016-03-31",
			Body: "第一条　根据《中华人民共和国劳动法》，制定本条例。\n第三十六条　本条例自公布之日起施行。"},
		Text{Row: 3, ID: "loans", Title: "最高人民法院关于审理民间借贷案件适用法律若干问题的规定", Date: "2020-12-29",
			Body: "法释〔2020〕17号\n为正确审理民间借贷纠纷案件，制定本规定。"},
		Text{Row: 4, ID: "office", Title: "国务院办公厅关于加强三级公立医院绩效考核工作的意见", Date: "2019-01-30",
			Body: "国办发〔2019〕4号\n各省、自治区、直辖市人民政府：\n二〇一九年一月三十日"},
		Text{Row: 5, ID: "npc", Title: "广东省人民代表大会常务委员会关于修改《广东省环境保护条例》的决定", Date: "2022-11-30",
			Body: "广东省第十三届人民代表大会常务委员会第四十七次会议决定。"},
	), nil)
}

func search(t *testing.T, e *Engine, req wengao.SearchRequest) *wengao.SearchResult {
	t.Helper()
	res, err := e.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("Search(%q): %v", req.Query, err)
	}
	return res
}

func firstID(res *wengao.SearchResult) string {
	if len(res.Hits) == 0 {
		return "(none)"
	}
	return res.Hits[0].ID
}

func TestSearchFindsOtherForms(t *testing.T) {
	e := equivLibrary()
	for _, c := range []struct{ query, want string }{
		{"最高法 民间借贷", "loans"},
		{"广东省人大常委会 环境保护", "npc"},
		{"国办 公立医院", "office"},
		{"国办发[2019]4号", "office"},
		{"国办发(2019)4号", "office"},
		{"国办发（2019）4号", "office"},
		{"国办发【2019】4号", "office"},
		{"国办发〔2019〕4", "office"},
		{"法释2020年17号", "loans"},
		{"2019年1月30日", "office"},
		{"第13届 第47次", "npc"},
		{"劳动法 第36条", "labour"},
	} {
		res := search(t, e, wengao.SearchRequest{Query: c.query})
		if got := firstID(res); got != c.want {
			t.Errorf("%q: first hit %s, want %s", c.query, got, c.want)
		}
		if len(res.ApproximateHits) > 0 {
			t.Errorf("%q: %d approximate hits, want exact hits alone", c.query, len(res.ApproximateHits))
		}
	}
}

func TestQuotedPhraseStaysExact(t *testing.T) {
	e := equivLibrary()
	res := search(t, e, wengao.SearchRequest{Query: `"最高法"`, Strict: true})
	if got := res.Total; got != 0 {
		t.Errorf(`"最高法" quoted: %d hits, want 0 (quotes turn equivalences off)`, got)
	}
}

func TestArticleHitPointsAtArticle(t *testing.T) {
	e := equivLibrary()
	res := search(t, e, wengao.SearchRequest{Query: "劳动法 第36条"})
	if got, want := firstID(res), "labour"; got != want {
		t.Fatalf("first hit %s, want %s", got, want)
	}
	h := res.Hits[0]
	if got, want := h.Anchor, wengao.ParagraphAnchor(2); got != want {
		t.Errorf("anchor %q, want %q", got, want)
	}
	if got, want := h.Snippet, "每日工作时间"; !contains(got, want) {
		t.Errorf("snippet %q, want the article (holding %q)", got, want)
	}
	// A preview that ends before the article gives no anchor.
	res = search(t, e, wengao.SearchRequest{Query: "劳动法 第36条", Preview: &wengao.PreviewRule{Percent: 10, MaxChars: 20}})
	for _, h := range res.Hits {
		if h.ID == "labour" && h.Anchor != "" {
			t.Errorf("anchor %q into text the preview hides, want none", h.Anchor)
		}
	}
}

func TestApproximateHits(t *testing.T) {
	e := equivLibrary()
	// The issuer dropped, 若干 dropped, 进一步 added: no exact match.
	q := "关于进一步审理民间借贷案件适用法律问题的规定"
	res := search(t, e, wengao.SearchRequest{Query: q})
	if got := res.Total; got != 0 {
		t.Errorf("%q: total %d, want 0 (the exact matches alone)", q, got)
	}
	if got := len(res.Hits); got != 0 {
		t.Errorf("%q: %d hits, want 0 (approximate hits are apart)", q, got)
	}
	if len(res.ApproximateHits) == 0 {
		t.Fatalf("%q: no approximate hits", q)
	}
	if got, want := res.ApproximateHits[0].ID, "loans"; got != want {
		t.Errorf("%q: first approximate hit %s, want %s", q, got, want)
	}
	for _, h := range res.ApproximateHits {
		if !h.Approximate {
			t.Errorf("approximate hit %s not marked approximate", h.ID)
		}
	}
	if got := res.StrictQuery; got != q {
		t.Errorf("strict query %q, want %q", got, q)
	}
	if len(res.Suggestions) == 0 || res.Suggestions[0] != "最高人民法院关于审理民间借贷案件适用法律若干问题的规定" {
		t.Errorf("suggestions %q, want the title of loans first", res.Suggestions)
	}
	for _, req := range []wengao.SearchRequest{
		{Query: q, Strict: true},
		{Query: `"` + q + `"`}, // quotes ask for the words exactly
		{Query: q, Page: 2},    // the first page alone
		{Query: "劳动法律监督条例"},    // an exact match
	} {
		res := search(t, e, req)
		if got := len(res.ApproximateHits); got != 0 {
			t.Errorf("%+v: %d approximate hits, want none", req, got)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// A sentence of a body remembered with one word changed finds its
// document by the paragraph that holds most of it, and the hit points at
// that paragraph.
func TestApproximateHitsByParagraph(t *testing.T) {
	e := equivLibrary()
	// The text says 工时制度.
	const q = "国家实行劳动者每日工作时间不超过八小时的休息制度"
	res := search(t, e, wengao.SearchRequest{Query: q})
	if got := res.Total; got != 0 {
		t.Fatalf("%q: total %d, want 0 (no exact match)", q, got)
	}
	if len(res.ApproximateHits) == 0 {
		t.Fatalf("%q: no approximate hits", q)
	}
	h := res.ApproximateHits[0]
	if got, want := h.ID, "labour"; got != want {
		t.Errorf("%q: first approximate hit %s, want %s", q, got, want)
	}
	if got, want := h.Anchor, wengao.ParagraphAnchor(2); got != want {
		t.Errorf("%q: anchor %q, want %q (the paragraph holding the sentence)", q, got, want)
	}
	if got, want := h.Snippet, "不超过八小时"; !contains(got, want) {
		t.Errorf("%q: snippet %q, want the paragraph (holding %q)", q, got, want)
	}
	if !h.Approximate {
		t.Errorf("%q: hit not marked approximate", q)
	}
	// Hidden text is not shown: a preview ending before the paragraph
	// gives no anchor and a snippet from the preview.
	res = search(t, e, wengao.SearchRequest{Query: q, Preview: &wengao.PreviewRule{Percent: 10, MaxChars: 20}})
	for _, h := range res.ApproximateHits {
		if h.ID != "labour" {
			continue
		}
		if h.Anchor != "" {
			t.Errorf("%q with a preview: anchor %q into hidden text, want none", q, h.Anchor)
		}
		if contains(h.Snippet, "八小时") {
			t.Errorf("%q with a preview: snippet %q shows hidden text", q, h.Snippet)
		}
	}
	// Too little of the query in any paragraph: nothing approximate.
	const far = "国家实行城市居民每月领取补贴不超过三百元的救助办法"
	for _, h := range search(t, e, wengao.SearchRequest{Query: far}).ApproximateHits {
		if h.ID == "labour" {
			t.Errorf("%q: labour listed approximate, want it left out (too little in common)", far)
		}
	}
	// The exact sentence is an exact match, with no approximate hits.
	res = search(t, e, wengao.SearchRequest{Query: "国家实行劳动者每日工作时间不超过八小时的工时制度"})
	if got, want := firstID(res), "labour"; got != want {
		t.Errorf("exact sentence: first hit %s, want %s", got, want)
	}
	if got := len(res.ApproximateHits); got != 0 {
		t.Errorf("exact sentence: %d approximate hits, want 0", got)
	}
}

// A 文号 typed with a number the library lacks gets the numbers of that
// issuer and year it holds as suggestions, nearest first; a title typed
// with a word changed gets the title.
func TestZeroResultSuggestions(t *testing.T) {
	e := equivLibrary()
	for _, c := range []struct{ query, want string }{
		{"国办发〔2019〕5号", "国办发〔2019〕4号"},
		{"国办发[2019]14", "国办发〔2019〕4号"},
		{"法释(2020)18号", "法释〔2020〕17号"},
		{"云南省工会劳动法律监察条例", "云南省工会劳动法律监督条例"},
	} {
		res := search(t, e, wengao.SearchRequest{Query: c.query})
		if got := res.Total; got != 0 {
			t.Errorf("%q: total %d, want 0", c.query, got)
			continue
		}
		if len(res.Suggestions) == 0 {
			t.Errorf("%q: no suggestions, want %q first", c.query, c.want)
			continue
		}
		if got := res.Suggestions[0]; got != c.want {
			t.Errorf("%q: first suggestion %q, want %q", c.query, got, c.want)
		}
		if got := res.StrictQuery; got != c.query {
			t.Errorf("%q: strict query %q, want the query", c.query, got)
		}
		// The suggestion finds its document.
		if got := search(t, e, wengao.SearchRequest{Query: res.Suggestions[0]}).Total; got == 0 {
			t.Errorf("%q: suggestion %q finds nothing", c.query, res.Suggestions[0])
		}
	}
	// Another year or issuer suggests no 文号 of this one.
	for _, q := range []string{"国办发〔2018〕4号", "国发〔2019〕4号"} {
		for _, s := range search(t, e, wengao.SearchRequest{Query: q}).Suggestions {
			if s == "国办发〔2019〕4号" {
				t.Errorf("%q: suggests %q, of another year or issuer", q, s)
			}
		}
	}
}
