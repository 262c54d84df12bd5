// Package search ranks, filters, facets and shows search results and
// related reading over any store: the store finds candidates and gives
// texts (Store), this package decides their order and how hits look, so
// that every store returns the same results for the same library.
package search

import (
	"context"

	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/query"
)

// Phrase is a term as index tokens: the bigram tokens that
// chinese.PhraseTokens makes, in order; with Prefix, the last token is a
// prefix. A store holds the same tokens for every document's title and
// text (title plus body), with their positions.
type Phrase struct {
	Tokens []string
	Prefix bool
}

// Text is a document as a page of hits shows it.
type Text struct {
	Row      int64 // the store's row id
	ID       string
	Title    string
	Date     string
	Category string
	Reads    int64
	Body     string // the paragraphs, joined by "\n"
	Plain    bool   // the body holds no letters or digits to fold
}

// Field names an index of a store: titles alone or the whole text.
type Field int

const (
	// FieldText is the title and the body of each document.
	FieldText Field = iota
	// FieldTitle is the title of each document.
	FieldTitle
)

// Store is what a document store gives search: candidates from its
// indexes, metadata and texts. Row ids are the store's own; documents
// absent from the Catalog (hidden, deleted) may be returned by the Match
// methods and are dropped here. A store's results must not depend on how
// it indexes: the same library gives the same ids in every store (the
// tests of this package run against each one).
//
// Match and MatchNear return every candidate, in any order; Search uses
// them alone while a query matches few documents. For a query matching
// many, Search's work is bounded (see topk.go): it counts and facets a
// sample of rows (MatchRange), and walks the documents in the order it
// ranks them by (Ordered), asking which of a batch match (MatchAmong,
// MatchNearAmong) until it holds enough for the page.
type Store interface {
	// Catalog returns the metadata of every shown document, brought up
	// to date with the store.
	Catalog(ctx context.Context) (*Catalog, error)

	// Match returns the row ids of the documents whose field holds, for
	// every clause, at least one of its phrases, and none of the phrases
	// of not. Clauses must not be empty.
	Match(ctx context.Context, field Field, clauses [][]Phrase, not []Phrase) ([]int64, error)

	// MatchNear returns the row ids of the documents whose text holds
	// every phrase within distance tokens of each other (FTS5's NEAR: at
	// most distance tokens between the phrases). Ranking checks the best
	// of them, so a store must return this set exactly, not a superset.
	MatchNear(ctx context.Context, phrases []Phrase, distance int) ([]int64, error)

	// MatchRange is Match over the rows lo to hi (both included) alone.
	MatchRange(ctx context.Context, field Field, clauses [][]Phrase, not []Phrase, lo, hi int64) ([]int64, error)

	// MatchAmong returns those of rows whose text (FieldText) holds, for
	// every clause, at least one of its phrases, and none of not, in any
	// order. Clauses must not be empty.
	MatchAmong(ctx context.Context, clauses [][]Phrase, not []Phrase, rows []int64) ([]int64, error)

	// MatchNearAmong returns those of rows in MatchNear's set.
	MatchNearAmong(ctx context.Context, phrases []Phrase, distance int, rows []int64) ([]int64, error)

	// Ordered calls fn with the row ids of the stored documents (every
	// shown one, others too if the store likes: the Catalog tells) in the
	// given order, a batch at a time, until
	// fn returns false or an error, or the rows run out. The orders are
	// those of ranking and sorting, row id deciding ties (see Order).
	Ordered(ctx context.Context, order Order, fn func(rows []int64) (bool, error)) error

	// Texts returns the documents of the given rows, in any order; rows
	// deleted meanwhile are left out.
	Texts(ctx context.Context, rows []int64) ([]Text, error)

	// DocFreqs returns how many stored documents hold each token in the
	// field, and how many documents are stored.
	DocFreqs(ctx context.Context, field Field, tokens []string) (map[string]int, int, error)
}

// Order is an order of the stored documents that Store.Ordered walks.
type Order int

const (
	// OrderSize is the shortest body first, then the newest date, then
	// the highest row id: relevance's order among documents with no
	// other evidence.
	OrderSize Order = iota
	// OrderDate is the newest date first, then the highest row id.
	OrderDate
	// OrderReads is the most read first, then the highest row id.
	OrderReads
)

// phrase renders one query term as index tokens, or reports false when it
// has none (punctuation alone).
func phrase(t query.Term) (Phrase, bool) {
	toks, prefix := chinese.PhraseTokens(t.Runs)
	if len(toks) == 0 {
		return Phrase{}, false
	}
	return Phrase{Tokens: toks, Prefix: prefix}, true
}

// clauses renders the query's clauses as phrases, leaving out terms and
// clauses without tokens.
func clauses(q *query.Query) [][]Phrase {
	var out [][]Phrase
	for _, c := range q.Clauses {
		var alts []Phrase
		for _, t := range c {
			if p, ok := phrase(t); ok {
				alts = append(alts, p)
			}
		}
		if len(alts) > 0 {
			out = append(out, alts)
		}
	}
	return out
}

// excluded renders the query's exclusions as phrases.
func excluded(q *query.Query) []Phrase {
	var out []Phrase
	for _, t := range q.Excluded {
		if p, ok := phrase(t); ok {
			out = append(out, p)
		}
	}
	return out
}

// singleTerm returns the one term typed for clause c, or false when c
// is an OR of several. The other forms added to a term
// (query.Term.Alternative) do not count: the paragraph test looks for the
// form typed.
func singleTerm(c query.Clause) (query.Term, bool) {
	var one query.Term
	n := 0
	for _, t := range c {
		if !t.Alternative {
			one = t
			n++
		}
	}
	return one, n == 1
}

// nearPhrases returns the phrases of the single-term clauses of q, or nil
// when there are fewer than two.
func nearPhrases(q *query.Query) []Phrase {
	var out []Phrase
	for _, c := range q.Clauses {
		if t, ok := singleTerm(c); ok {
			if p, ok := phrase(t); ok {
				out = append(out, p)
			}
		}
	}
	if len(out) < 2 {
		return nil
	}
	return out
}
