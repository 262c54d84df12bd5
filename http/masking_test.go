package http_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/wengao/wengao"
)

// A masking rule changes what every page shows, not what search finds.
func TestDisplayMasking(t *testing.T) {
	srv, db, cookie := sampleServer(t)
	ctx := context.Background()
	hits := func() (ids []string, text string) {
		_, raw := serve(srv, "/api/v1/search?limit=50&q="+url.QueryEscape("党委"), cookie)
		var res wengao.SearchResult
		if err := json.Unmarshal([]byte(raw), &res); err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
			text += h.Snippet + h.TitleHTML
		}
		return ids, text
	}
	before, _ := hits()
	if len(before) == 0 {
		t.Fatal("no sample document holds 党委")
	}
	id := before[0]
	_, page := serve(srv, "/doc/"+id, cookie)
	if !strings.Contains(page, "党委") {
		t.Fatalf("%s does not show 党委", id)
	}
	if err := db.AddMask(ctx, wengao.MaskRule{Word: "党委", Shown: "D委"}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/doc/" + id, "/search?q=" + url.QueryEscape("党委"), "/feed.xml", "/api/v1/documents/" + id, "/"} {
		for _, c := range []*struct{ name string }{{"anonymous"}, {"reader"}} {
			ck := cookie
			if c.name == "anonymous" {
				ck = nil
			}
			code, body := serve(srv, path, ck)
			if code != 200 {
				t.Fatalf("%s: %d", path, code)
			}
			// The query itself is echoed in the search box, as typed.
			shown := strings.ReplaceAll(body, `value="D委"`, "")
			if strings.Contains(shown, "党委") {
				i := strings.Index(shown, "党委")
				t.Errorf("%s (%s) still shows 党委: …%s…", path, c.name, shown[max(0, i-80):min(len(shown), i+40)])
			}
		}
	}
	_, page = serve(srv, "/doc/"+id, cookie)
	if !strings.Contains(page, "D委") {
		t.Errorf("%s does not show D委", id)
	}
	after, text := hits()
	if strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("search results changed with the rule:\n%v\n%v", before, after)
	}
	if strings.Contains(text, "党委") {
		t.Errorf("snippets: %.300s (want not strings.Contains(text, \"党委\"))", text)
	}
	if !strings.Contains(text, "<mark>D委</mark>") {
		t.Errorf("snippets: %.300s (want strings.Contains(text, \"<mark>D委</mark>\"))", text)
	}
	// Searching the shown form finds the same documents.
	_, raw := serve(srv, "/api/v1/search?limit=50&q="+url.QueryEscape("D委"), cookie)
	var res wengao.SearchResult
	json.Unmarshal([]byte(raw), &res)
	if res.Total != len(before) && len(before) < 50 {
		t.Errorf("D委 finds %d, 党委 %d", res.Total, len(before))
	}
}
