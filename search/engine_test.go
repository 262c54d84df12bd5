package search

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
)

// memStore is a Store over a few documents in memory: what any store must
// give search, with nothing of SQLite. Its MatchNear ignores the distance.
type memStore struct {
	cat   Catalog
	texts map[int64]Text
}

func newMemStore(docs ...Text) *memStore {
	s := &memStore{texts: map[int64]Text{}}
	s.cat.Lock()
	defer s.cat.Unlock()
	for _, d := range docs {
		s.texts[d.Row] = d
		s.cat.Put(d.Row, Meta{ID: d.ID, Title: d.Title, Date: d.Date, Category: d.Category,
			TitleLen: utf8.RuneCountInString(d.Title), Size: utf8.RuneCountInString(d.Body), Plain: d.Plain})
	}
	return s
}

func (s *memStore) Catalog(context.Context) (*Catalog, error) { return &s.cat, nil }

// tokens returns the index tokens of a document's field.
func (s *memStore) tokens(row int64, f Field) []string {
	t := s.texts[row]
	if f == FieldTitle {
		return strings.Fields(chinese.IndexTokens(t.Title))
	}
	return strings.Fields(chinese.IndexTokens(t.Title + "\n" + t.Body))
}

// holds reports whether toks hold p at consecutive positions.
func holds(toks []string, p Phrase) bool {
	for i := 0; i+len(p.Tokens) <= len(toks); i++ {
		ok := true
		for j, want := range p.Tokens {
			got := toks[i+j]
			if got != want && !(p.Prefix && j == len(p.Tokens)-1 && strings.HasPrefix(got, want)) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (s *memStore) Match(_ context.Context, f Field, clauses [][]Phrase, not []Phrase) ([]int64, error) {
	var out []int64
	for row := range s.texts {
		toks := s.tokens(row, f)
		ok := true
		for _, c := range clauses {
			if !slices.ContainsFunc(c, func(p Phrase) bool { return holds(toks, p) }) {
				ok = false
			}
		}
		if ok && !slices.ContainsFunc(not, func(p Phrase) bool { return holds(toks, p) }) {
			out = append(out, row)
		}
	}
	return out, nil
}

func (s *memStore) MatchNear(ctx context.Context, phrases []Phrase, _ int) ([]int64, error) {
	clauses := make([][]Phrase, len(phrases))
	for i, p := range phrases {
		clauses[i] = []Phrase{p}
	}
	return s.Match(ctx, FieldText, clauses, nil)
}

func (s *memStore) MatchRange(ctx context.Context, f Field, clauses [][]Phrase, not []Phrase, lo, hi int64) ([]int64, error) {
	all, err := s.Match(ctx, f, clauses, not)
	return slices.DeleteFunc(all, func(id int64) bool { return id < lo || id > hi }), err
}

func (s *memStore) MatchAmong(ctx context.Context, clauses [][]Phrase, not []Phrase, rows []int64) ([]int64, error) {
	all, err := s.Match(ctx, FieldText, clauses, not)
	return slices.DeleteFunc(all, func(id int64) bool { return !slices.Contains(rows, id) }), err
}

func (s *memStore) MatchNearAmong(ctx context.Context, phrases []Phrase, distance int, rows []int64) ([]int64, error) {
	all, err := s.MatchNear(ctx, phrases, distance)
	return slices.DeleteFunc(all, func(id int64) bool { return !slices.Contains(rows, id) }), err
}

// Ordered walks the rows as the orders say, in batches of two.
func (s *memStore) Ordered(_ context.Context, order Order, fn func([]int64) (bool, error)) error {
	var rows []int64
	for row := range s.texts {
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b int64) int {
		ta, tb := s.texts[a], s.texts[b]
		switch order {
		case OrderSize:
			if la, lb := utf8.RuneCountInString(ta.Body), utf8.RuneCountInString(tb.Body); la != lb {
				return la - lb
			}
			fallthrough
		case OrderDate:
			if c := strings.Compare(tb.Date, ta.Date); c != 0 {
				return c
			}
		case OrderReads:
			if c := cmpInt64(tb.Reads, ta.Reads); c != 0 {
				return c
			}
		}
		return cmpInt64(b, a)
	})
	for i := 0; i < len(rows); i += 2 {
		if more, err := fn(rows[i:min(i+2, len(rows))]); err != nil || !more {
			return err
		}
	}
	return nil
}

func (s *memStore) Texts(_ context.Context, rows []int64) ([]Text, error) {
	var out []Text
	for _, r := range rows {
		if t, ok := s.texts[r]; ok {
			out = append(out, t)
		}
	}
	return out, nil
}

func (s *memStore) DocFreqs(_ context.Context, f Field, tokens []string) (map[string]int, int, error) {
	df := map[string]int{}
	for row := range s.texts {
		toks := s.tokens(row, f)
		for _, t := range tokens {
			if slices.Contains(toks, t) {
				df[t]++
			}
		}
	}
	return df, len(s.texts), nil
}

// rules is a MaskRuleSource whose rules a test changes.
type rules struct {
	list    []wengao.MaskRule
	version int64
}

func (r *rules) MaskRules(context.Context) ([]wengao.MaskRule, int64, error) {
	return r.list, r.version, nil
}

// The ranking's tiers over a store that is not SQLite: the title holding
// every word, then every word within one paragraph, then a word in the
// title, then the rest.
func TestRankTiers(t *testing.T) {
	store := newMemStore(
		Text{Row: 1, ID: "apart", Title: "通知", Body: "加强安全检查。\n其他事项。\n扩大生产规模。", Date: "2024-01-01"},
		Text{Row: 2, ID: "together", Title: "通知", Body: "其他事项。\n抓好安全生产工作。", Date: "2020-01-01"},
		Text{Row: 3, ID: "title-all", Title: "安全生产管理办法", Body: "第一条 为了加强管理，制定本办法。", Date: "2019-01-01"},
		Text{Row: 4, ID: "title-one", Title: "安全工作要点", Body: "加强检查。\n扩大生产。", Date: "2023-01-01"},
		Text{Row: 5, ID: "none", Title: "安全须知", Body: "注意防火。", Date: "2025-01-01"},
	)
	e := New(store, nil)
	res, err := e.Search(context.Background(), wengao.SearchRequest{Query: "安全 生产"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range res.Hits {
		got = append(got, h.ID)
	}
	if want := []string{"title-all", "together", "title-one", "apart"}; !slices.Equal(got, want) {
		t.Errorf("ranked %v, want %v", got, want)
	}
	if res.Total != 4 {
		t.Errorf("total %d, want 4", res.Total)
	}
	if got, want := res.Hits[0].TitleHTML, "<mark>安全生产</mark>管理办法"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
}

// Search and the site take their Masker from one Maskers, rebuilt when the
// rules' version changes and not otherwise.
func TestMaskersFollowVersion(t *testing.T) {
	ctx := context.Background()
	src := &rules{}
	ms := NewMaskers(src)
	if m, _, _ := ms.Masker(ctx); m != nil {
		t.Fatal("a Masker without rules")
	}
	src.list, src.version = []wengao.MaskRule{{Word: "党委", Shown: "D委"}}, 1
	m1, v, err := ms.Masker(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m1 == nil || v != 1 {
		t.Fatalf("Masker = %v, version %d; want one, version 1", m1, v)
	}
	if got := m1.Display("党委书记"); got != "D委书记" {
		t.Errorf("Display = %q, want %q", got, "D委书记")
	}
	if m, _, _ := ms.Masker(ctx); m != m1 {
		t.Error("the Masker was rebuilt for the same version")
	}
	store := newMemStore(Text{Row: 1, ID: "a", Title: "党委会议", Body: "党委书记讲话。"})
	res, err := New(store, ms).Search(ctx, wengao.SearchRequest{Query: "D委"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("%d hits, want 1", len(res.Hits))
	}
	if got, want := res.Hits[0].TitleHTML, "<mark>D委</mark>会议"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	src.list, src.version = nil, 2
	if m, v, _ := ms.Masker(ctx); m != nil || v != 2 {
		t.Errorf("after the rules went: Masker %v, version %d; want none, version 2", m, v)
	}
}
