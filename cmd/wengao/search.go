package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"

	"github.com/wengao/wengao"
)

func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, data := newFlagSet("search", stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	limit := fs.Int("limit", 10, "hits per page")
	page := fs.Int("page", 1, "page number")
	sort := fs.String("sort", "relevance", "relevance, date or reads")
	category := fs.String("category", "", "category prefix")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wengao search [--data DIR] [--json] [--limit N] [--page N] QUERY")
		fs.PrintDefaults()
	}
	words, db, err := openCommand(fs, data, args, func(pos []string) bool { return len(pos) > 0 })
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.Search(ctx, wengao.SearchRequest{
		Query: strings.Join(words, " "), Page: *page, Limit: *limit,
		Sort: wengao.Sort(*sort), Category: *category,
	})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(res)
	}
	fmt.Fprintf(stdout, "%d documents (%.2f ms)\n", res.Total, res.TookMS)
	for i, h := range res.Hits {
		fmt.Fprintf(stdout, "\n%d. %s  [%s] %s  (%s)\n   %s\n", (res.Page-1)*res.Limit+i+1, h.Title, h.Category, h.Date, h.ID, plainSnippet(h.Snippet))
	}
	return nil
}

var markTag = regexp.MustCompile(`</?mark>`)

// plainSnippet turns a snippet's HTML into terminal text, matches in
// brackets.
func plainSnippet(s string) string {
	s = strings.ReplaceAll(s, "<mark>", "【")
	s = strings.ReplaceAll(s, "</mark>", "】")
	return html.UnescapeString(markTag.ReplaceAllString(s, ""))
}
