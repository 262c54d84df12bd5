package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlite"
	"github.com/wengao/wengao/sqlstore/storetest"
)

var chinaTime = time.FixedZone("CST", 8*60*60)

// at returns the Unix time of a moment in China time.
func at(day, clock string) int64 {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", day+" "+clock, chinaTime)
	if err != nil {
		panic(err)
	}
	return t.Unix()
}

func chinaDay(day string) time.Time {
	t, err := time.ParseInLocation(wengao.DayLayout, day, chinaTime)
	if err != nil {
		panic(err)
	}
	return t
}

// execRaw runs statements on the database file through a connection of
// its own, to seed rows with chosen times.
func execRaw(t *testing.T, db *sqlite.DB, stmts ...string) {
	t.Helper()
	v := url.Values{}
	v.Add("_pragma", "busy_timeout(10000)")
	v.Add("_pragma", "foreign_keys(on)")
	raw, err := sql.Open("sqlite", "file:"+db.Path+"?"+v.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, s := range stmts {
		if _, err := raw.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func values(series []wengao.DayValue) []int64 {
	out := make([]int64, len(series))
	for i, v := range series {
		out[i] = v.Value
	}
	return out
}

// seedStats fills 2024-05-01..03 (China time) with reads, searches,
// uploads, purchases and ledger entries, and puts a little on the days
// around them that the period must leave out.
func seedStats(t *testing.T, db *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	storetest.SaveReadDocs(t, db)
	if err := db.RecordReads(ctx, []wengao.Read{
		{DocumentID: "a", Day: "2024-04-30", Count: 100},
		{DocumentID: "a", Day: "2024-05-01", Count: 3},
		{DocumentID: "b", Day: "2024-05-01", Count: 2},
		{DocumentID: "c", Day: "2024-05-03", Count: 7},
		{DocumentID: "c", Day: "2024-05-04", Count: 100},
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordSearches(ctx, []wengao.SearchCount{
		{Day: "2024-04-30", Query: "安全生产", Count: 50},
		{Day: "2024-05-01", Query: "安全生产", Count: 4, Zero: 0},
		{Day: "2024-05-01", Query: "乡村振兴 规划", Count: 2, Zero: 2},
		{Day: "2024-05-02", Query: "安全生产", Count: 1},
		{Day: "2024-05-02", Query: "乡村振兴 规划", Count: 1, Zero: 1},
		{Day: "2024-05-02", Query: "不存在的文件", Count: 3, Zero: 3},
		{Day: "2024-05-03", Query: "", Count: 5, Zero: 1}, // beyond the log's room
	}); err != nil {
		t.Fatal(err)
	}
	// A second batch adds to the first.
	if err := db.RecordSearches(ctx, []wengao.SearchCount{{Day: "2024-05-01", Query: "安全生产", Count: 1}}); err != nil {
		t.Fatal(err)
	}
	sqlf := fmt.Sprintf
	execRaw(t, db,
		`INSERT INTO users (id, username, password_hash, created_at, password_changed_at) VALUES (901, 'stats-a', 'x', 0, 0), (902, 'stats-b', 'x', 0, 0)`,
		sqlf(`INSERT INTO ledger (user_id, kind, amount, balance, created_at) VALUES
			(901, 'signup', 20, 20, %d), (901, 'signin', 2, 22, %d), (901, 'download', -5, 17, %d),
			(902, 'signup', 20, 20, %d), (902, 'download', -3, 17, %d), (902, 'refund', 3, 20, %d),
			(902, 'adjust', -4, 16, %d), (901, 'signup', 99, 99, %d), (901, 'signin', 99, 99, %d)`,
			at("2024-05-01", "00:00:00"), at("2024-05-01", "23:59:59"), at("2024-05-02", "08:00:00"),
			at("2024-05-02", "00:00:00"), at("2024-05-03", "12:00:00"), at("2024-05-03", "12:30:00"),
			at("2024-05-03", "23:59:59"), at("2024-04-30", "23:59:59"), at("2024-05-04", "00:00:00")),
		sqlf(`INSERT INTO uploads (id, user_id, status, body, created_at, updated_at, reviewed_at, document_id) VALUES
			(1, 901, 'approved', 'x', %d, 0, %d, 'up-1'),
			(2, 901, 'rejected', 'x', %d, 0, %d, ''),
			(3, 902, 'pending', 'x', %d, 0, NULL, ''),
			(4, 902, 'deleted', 'x', %d, 0, %d, 'up-4'),
			(5, 902, 'draft', 'x', %d, 0, NULL, '')`,
			at("2024-05-01", "09:00:00"), at("2024-05-02", "10:00:00"),
			at("2024-05-01", "09:30:00"), at("2024-05-01", "11:00:00"),
			at("2024-05-02", "09:00:00"),
			at("2024-04-29", "09:00:00"), at("2024-05-03", "10:00:00"),
			at("2024-05-03", "20:00:00")),
		sqlf(`INSERT INTO purchases (user_id, document_id, cost, created_at, expires_at) VALUES
			(901, (SELECT id FROM documents WHERE ext_id = 'a'), 5, %d, 0),
			(902, (SELECT id FROM documents WHERE ext_id = 'b'), 0, %d, 0),
			(902, (SELECT id FROM documents WHERE ext_id = 'c'), 3, %d, 0),
			(902, (SELECT id FROM documents WHERE ext_id = 'd'), 3, %d, 0)`,
			at("2024-05-02", "08:00:00"), at("2024-05-02", "09:00:00"), at("2024-05-03", "12:00:00"), at("2024-05-04", "12:00:00")),
	)
}

func TestStatsDailySeries(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	seedStats(t, db)

	// The period is taken in China time even when to is given in UTC.
	from, to := chinaDay("2024-05-01"), chinaDay("2024-05-03").Add(20*time.Hour).UTC()
	want := map[string][]int64{
		wengao.MetricReads:        {5, 0, 7},
		wengao.MetricSearches:     {7, 5, 5},
		wengao.MetricZeroSearches: {2, 4, 1},
		wengao.MetricUploads:      {2, 1, 1},
		wengao.MetricApprovals:    {0, 1, 1},
		wengao.MetricDownloads:    {0, 2, 1},
		wengao.MetricPointsEarned: {22, 20, 3},
		wengao.MetricPointsSpent:  {0, 5, 7},
	}
	for _, m := range wengao.Metrics {
		series, err := db.DailySeries(ctx, m, from, to)
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if got := values(series); !reflect.DeepEqual(got, want[m]) {
			t.Errorf("%s = %v, want %v", m, got, want[m])
		}
		if len(series) == 3 && (series[0].Day != "2024-05-01" || series[2].Day != "2024-05-03") {
			t.Errorf("%s days = %v", m, series)
		}
	}

	// One day.
	series, err := db.DailySeries(ctx, wengao.MetricReads, chinaDay("2024-05-03"), chinaDay("2024-05-03"))
	if err != nil {
		t.Fatalf("one day =: %v", err)
	}
	if got := len(series); got != 1 {
		t.Fatalf("one day =: len(series) = %v, want %v", got, 1)
	}
	if got := series[0]; got != (wengao.DayValue{Day: "2024-05-03", Value: 7}) {
		t.Errorf("one day =: series[0] = %v, want %v", got, (wengao.DayValue{Day: "2024-05-03", Value: 7}))
	}
	// A period without any data is all zeros.
	series, err = db.DailySeries(ctx, wengao.MetricDownloads, chinaDay("2020-01-01"), chinaDay("2020-01-07"))
	if err != nil {
		t.Fatalf("empty period =: %v", err)
	}
	if got := len(series); got != 7 {
		t.Fatalf("empty period =: len(series) = %v, want %v", got, 7)
	}
	if got := series[6].Day; got != "2020-01-07" {
		t.Errorf("empty period =: series[6].Day = %v, want %v", got, "2020-01-07")
	}
	if got := series[6].Value; got != 0 {
		t.Errorf("empty period =: series[6].Value = %v, want %v", got, 0)
	}

	for name, f := range map[string]func() error{
		"unknown metric": func() error { _, err := db.DailySeries(ctx, "likes", from, to); return err },
		"backwards":      func() error { _, err := db.DailySeries(ctx, wengao.MetricReads, to, from); return err },
		"too long": func() error {
			_, err := db.DailySeries(ctx, wengao.MetricReads, from.AddDate(-11, 0, 0), to)
			return err
		},
		"top backwards":     func() error { _, err := db.TopQueries(ctx, to, from, 10, false); return err },
		"summary backwards": func() error { _, err := db.Summary(ctx, to, from); return err },
	} {
		if code := wengao.ErrorCode(f()); code != wengao.EINVALID {
			t.Errorf("%s: code %q, want EINVALID", name, code)
		}
	}
}

func TestStatsTopQueriesAndSummary(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	seedStats(t, db)
	from, to := chinaDay("2024-05-01"), chinaDay("2024-05-03")

	top, err := db.TopQueries(ctx, from, to, 10, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []wengao.QueryCount{{Query: "安全生产", Count: 6, Zero: 0}, {Query: "不存在的文件", Count: 3, Zero: 3}, {Query: "乡村振兴 规划", Count: 3, Zero: 3}}
	if !reflect.DeepEqual(top, want) {
		t.Errorf("top = %v, want %v", top, want)
	}
	top, err = db.TopQueries(ctx, from, to, 1, false)
	if err != nil {
		t.Fatalf("top 1 =: %v", err)
	}
	if got := len(top); got != 1 {
		t.Fatalf("top 1 =: len(top) = %v, want %v", got, 1)
	}
	if got := top[0].Query; got != "安全生产" {
		t.Errorf("top 1 =: top[0].Query = %v, want %v", got, "安全生产")
	}
	zero, err := db.TopQueries(ctx, from, to, 10, true)
	if err != nil {
		t.Fatal(err)
	}
	want = []wengao.QueryCount{{Query: "不存在的文件", Count: 3, Zero: 3}, {Query: "乡村振兴 规划", Count: 3, Zero: 3}}
	if !reflect.DeepEqual(zero, want) {
		t.Errorf("zero = %v, want %v", zero, want)
	}
	none, err := db.TopQueries(ctx, chinaDay("2020-01-01"), chinaDay("2020-01-02"), 10, false)
	if err != nil {
		t.Fatalf("no queries =: %v", err)
	}
	if none == nil {
		t.Fatalf("no queries =: none is nil")
	}
	if got := len(none); got != 0 {
		t.Errorf("no queries =: len(none) = %v, want %v", got, 0)
	}

	sum, err := db.Summary(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	wantSum := wengao.StatsSummary{From: "2024-05-01", To: "2024-05-03", Reads: 12, Searches: 17, ZeroSearches: 7,
		Uploads: 4, Approvals: 2, Downloads: 3, PointsEarned: 45, PointsSpent: 12, Queries: 3}
	if *sum != wantSum {
		t.Errorf("summary = %+v\nwant      %+v", *sum, wantSum)
	}
}

func TestStatsRecordSearchesInvalid(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	for _, c := range []wengao.SearchCount{
		{Day: "2024-5-1", Query: "x", Count: 1},
		{Day: "2024-05-01", Query: "x", Count: 0},
		{Day: "2024-05-01", Query: "x", Count: 1, Zero: 2},
		{Day: "2024-05-01", Query: "x", Count: 1, Zero: -1},
		{Day: "2024-05-01", Query: strings.Repeat("字", wengao.SearchQueryMaxRunes+1), Count: 1},
	} {
		if err := db.RecordSearches(ctx, []wengao.SearchCount{c}); wengao.ErrorCode(err) != wengao.EINVALID {
			t.Errorf("%+v: %v, want EINVALID", c, err)
		}
	}
	// A bad entry refuses the whole batch.
	err := db.RecordSearches(ctx, []wengao.SearchCount{{Day: "2024-05-01", Query: "好", Count: 1}, {Day: "bad", Count: 1}})
	if wengao.ErrorCode(err) != wengao.EINVALID {
		t.Fatalf("mixed batch: %v", err)
	}
	sum, err := db.Summary(ctx, chinaDay("2024-05-01"), chinaDay("2024-05-01"))
	if err != nil {
		t.Fatalf("after refused batches: %v", err)
	}
	if got := sum.Searches; got != 0 {
		t.Errorf("after refused batches: sum.Searches = %v, want %v", got, 0)
	}
	if err := db.RecordSearches(ctx, nil); err != nil {
		t.Errorf("empty batch: %v", err)
	}
	// The longest query is kept whole.
	long := strings.Repeat("字", wengao.SearchQueryMaxRunes)
	if err := db.RecordSearches(ctx, []wengao.SearchCount{{Day: "2024-05-01", Query: long, Count: 1, Zero: 1}}); err != nil {
		t.Fatal(err)
	}
	top, err := db.TopQueries(ctx, chinaDay("2024-05-01"), chinaDay("2024-05-01"), 5, true)
	if err != nil {
		t.Fatalf("long query: %v", err)
	}
	if got := len(top); got != 1 {
		t.Fatalf("long query: len(top) = %v, want %v", got, 1)
	}
	if got := top[0].Query; got != long {
		t.Errorf("long query: top[0].Query = %v, want %v", got, long)
	}
}

// TestStatsToday checks that entries made through the services show on
// the current day.
func TestStatsToday(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	storetest.SaveReadDocs(t, db)
	u, err := db.CreateUser(ctx, wengao.NewUser{Username: "统计读者", Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Grant(ctx, &wengao.LedgerEntry{UserID: u.ID, Kind: wengao.KindAdjust, Amount: 30, Reason: "测试"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Purchase(ctx, u.ID, "a", 10, ""); err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(chinaTime)
	sum, err := db.Summary(ctx, now.AddDate(0, 0, -1), now)
	if err != nil {
		t.Fatal(err)
	}
	if got := sum.Downloads; got != 1 {
		t.Errorf("today: sum.Downloads = %v, want %v", got, 1)
	}
	if got := sum.PointsSpent; got != 10 {
		t.Errorf("today: sum.PointsSpent = %v, want %v", got, 10)
	}
	if sum.PointsEarned < 30 {
		t.Errorf("today: %+v (want not sum.PointsEarned < 30)", sum)
	}
}
