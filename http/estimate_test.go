package http_test

import (
	"encoding/json"
	"math"
	"net/url"
	"strings"
	"testing"

	"github.com/wengao/wengao/search"
)

// A search matching more than the engine counts in full shows its total
// as an estimate: "约" on the page, total_estimated in the API; an exact
// one says neither.
func TestSearchEstimateLabelled(t *testing.T) {
	e := newSampleEnv(t)
	c := e.client(t, browserUA)
	exact := c.get("/search?q="+url.QueryEscape("规定"), 200)
	if strings.Contains(exact, "找到约") {
		t.Error("exact total shown as an estimate")
	}
	var res struct {
		Total          int  `json:"total"`
		TotalEstimated bool `json:"total_estimated"`
	}
	if err := json.Unmarshal([]byte(c.get("/api/v1/search?q="+url.QueryEscape("规定"), 200)), &res); err != nil {
		t.Fatal(err)
	}
	if res.TotalEstimated {
		t.Errorf("API: total_estimated true for an exact total %d", res.Total)
	}

	e.db.SetSearchLimits(search.Limits{Exact: -1, SampleRows: 50, MaxResults: 1000, MaxWalk: math.MaxInt})
	// Another query: the site may keep the page of the first.
	body := c.get("/search?q="+url.QueryEscape("国务院"), 200)
	mustContain(t, "estimated search", body, "找到约 <strong>")
	if err := json.Unmarshal([]byte(c.get("/api/v1/search?q="+url.QueryEscape("国务院"), 200)), &res); err != nil {
		t.Fatal(err)
	}
	if !res.TotalEstimated {
		t.Errorf("API: total_estimated false for an estimate of %d", res.Total)
	}
	if res.Total == 0 {
		t.Error("API: estimated total 0 for a common word")
	}
}
