package console

import (
	"encoding/csv"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
	"github.com/wengao/wengao/svgchart"
)

// statsPeriods are the periods offered, in days.
var statsPeriods = []int{7, 30, 90, 365}

// statsChart is a chart of the statistics page, with its CSV file.
type statsChart struct {
	Name    string // of its CSV file
	Title   string
	Kind    svgchart.Kind
	Unit    string
	Metrics []string
	Columns []string // the name of each metric, in the legend and the CSV header
}

var statsCharts = []statsChart{
	{"reads", "每日阅读", svgchart.Line, "次", []string{wengao.MetricReads}, []string{"阅读次数"}},
	{"searches", "每日搜索", svgchart.Line, "次", []string{wengao.MetricSearches, wengao.MetricZeroSearches}, []string{"搜索次数", "无结果搜索次数"}},
	{"uploads", "上传与审核", svgchart.Bar, "件", []string{wengao.MetricUploads, wengao.MetricApprovals}, []string{"上传文件数", "通过审核数"}},
	{"downloads", "每日下载", svgchart.Bar, "次", []string{wengao.MetricDownloads}, []string{"下载次数"}},
	{"points", "积分流动", svgchart.Line, "积分", []string{wengao.MetricPointsEarned, wengao.MetricPointsSpent}, []string{"获得积分", "消耗积分"}},
}

// statsTables are the query tables, by the name of their CSV file.
var statsTables = map[string]struct {
	Title    string
	ZeroOnly bool
}{
	"top_queries":  {"热门搜索", false},
	"zero_queries": {"无结果搜索", true},
}

// handleAdminStatsOff shows moderators that there are no statistics, on a
// server built without a statistics service.
func (s *Handler) handleAdminStatsOff(w http.ResponseWriter, r *http.Request) {
	if s.requireModeratorPage(w, r) != nil {
		s.ErrorPage(w, r, wengao.Errorf(wengao.EUNAVAILABLE, web.MsgStatsOff))
	}
}

// statCard is one total at the top of the statistics page.
type statCard struct {
	Label string
	Value int64
	Note  string
}

// statsChartView is a chart on the page.
type statsChartView struct {
	Title string
	CSV   string
	SVG   template.HTML
}

// statsTableView is a query table on the page.
type statsTableView struct {
	Title    string
	ZeroOnly bool
	CSV      string
	Rows     []wengao.QueryCount
}

// adminStatsView is the statistics page.
type adminStatsView struct {
	web.Layout
	Period web.StatsPeriod
	From   string
	To     string
	Tabs   []web.Link
	Cards  []statCard
	Charts []statsChartView
	Tables []statsTableView
	JSON   string
}

func (s *Handler) handleAdminStats(w http.ResponseWriter, r *http.Request) {
	if s.requireModeratorPage(w, r) == nil {
		return
	}
	ctx := r.Context()
	p := s.ParseStatsPeriod(r)
	series, err := s.LoadSeries(ctx, p)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	sum, err := s.Stats.Summary(ctx, p.From, p.To)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	days := "?days=" + strconv.Itoa(p.Days)
	v := adminStatsView{Period: p, From: p.FromDay(), To: p.ToDay(), JSON: "/api/v1/admin/stats" + days}
	for _, d := range statsPeriods {
		v.Tabs = append(v.Tabs, web.Link{Label: "近 " + strconv.Itoa(d) + " 天", URL: "/admin/stats?days=" + strconv.Itoa(d), Current: d == p.Days})
	}
	zeroShare := ""
	if sum.Searches > 0 {
		zeroShare = "占 " + strconv.FormatFloat(float64(sum.ZeroSearches)*100/float64(sum.Searches), 'f', 1, 64) + "%"
	}
	v.Cards = []statCard{
		{Label: "阅读", Value: sum.Reads},
		{Label: "搜索", Value: sum.Searches, Note: web.FormatNumber(sum.Queries) + " 个不同搜索词"},
		{Label: "无结果搜索", Value: sum.ZeroSearches, Note: zeroShare},
		{Label: "上传文件", Value: sum.Uploads},
		{Label: "通过审核", Value: sum.Approvals},
		{Label: "下载", Value: sum.Downloads},
		{Label: "获得积分", Value: sum.PointsEarned},
		{Label: "消耗积分", Value: sum.PointsSpent},
	}
	for _, c := range statsCharts {
		v.Charts = append(v.Charts, statsChartView{Title: c.Title, CSV: "/admin/stats/" + c.Name + ".csv" + days, SVG: renderStatsChart(c, series)})
	}
	for _, name := range []string{"top_queries", "zero_queries"} {
		t := statsTables[name]
		rows, err := s.Stats.TopQueries(ctx, p.From, p.To, web.StatsTableRows, t.ZeroOnly)
		if err != nil {
			s.ErrorPage(w, r, err)
			return
		}
		v.Tables = append(v.Tables, statsTableView{Title: t.Title, ZeroOnly: t.ZeroOnly, CSV: "/admin/stats/" + name + ".csv" + days, Rows: rows})
	}
	v.Layout = s.NewLayout(r, "运营统计", "", "")
	v.NoIndex, v.Nav = true, "admin"
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, http.StatusOK, "admin_stats", v)
}

// renderStatsChart draws chart c from the daily series. The SVG is built
// by svgchart, which escapes all text and writes no scripts or styles.
func renderStatsChart(c statsChart, series map[string][]wengao.DayValue) template.HTML {
	first := series[c.Metrics[0]]
	chart := svgchart.Chart{ID: "chart-" + c.Name, Title: c.Title, Kind: c.Kind, Unit: c.Unit, Labels: make([]string, len(first)),
		// Sized for two charts side by side on a wide screen, where the
		// text shows at about its nominal size.
		Width: 560, Height: 250}
	for i, d := range first {
		chart.Labels[i] = d.Day
	}
	for i, m := range c.Metrics {
		values := make([]float64, len(series[m]))
		for j, d := range series[m] {
			values[j] = float64(d.Value)
		}
		chart.Series = append(chart.Series, svgchart.Series{Name: c.Columns[i], Values: values})
	}
	return template.HTML(svgchart.Render(chart))
}

// handleAdminStatsCSV serves a chart's series or a query table as CSV:
// UTF-8 with a byte order mark (which spreadsheet programs need to read
// it as UTF-8) and a header row.
func (s *Handler) handleAdminStatsCSV(w http.ResponseWriter, r *http.Request) {
	if s.requireModeratorPage(w, r) == nil {
		return
	}
	name, ok := strings.CutSuffix(r.PathValue("file"), ".csv")
	if !ok {
		s.ErrorPage(w, r, wengao.Errorf(wengao.ENOTFOUND, web.MsgStatsNoExport))
		return
	}
	ctx := r.Context()
	p := s.ParseStatsPeriod(r)
	var records [][]string
	if t, ok := statsTables[name]; ok {
		rows, err := s.Stats.TopQueries(ctx, p.From, p.To, web.StatsExportRows, t.ZeroOnly)
		if err != nil {
			s.ErrorPage(w, r, err)
			return
		}
		records = append(records, []string{"排名", "搜索词", "搜索次数", "无结果次数"})
		for i, q := range rows {
			records = append(records, []string{strconv.Itoa(i + 1), csvText(q.Query), strconv.FormatInt(q.Count, 10), strconv.FormatInt(q.Zero, 10)})
		}
	} else {
		var chart *statsChart
		for i := range statsCharts {
			if statsCharts[i].Name == name {
				chart = &statsCharts[i]
			}
		}
		if chart == nil {
			s.ErrorPage(w, r, wengao.Errorf(wengao.ENOTFOUND, web.MsgStatsNoExport))
			return
		}
		columns := make([][]wengao.DayValue, len(chart.Metrics))
		for i, m := range chart.Metrics {
			series, err := s.Stats.DailySeries(ctx, m, p.From, p.To)
			if err != nil {
				s.ErrorPage(w, r, err)
				return
			}
			columns[i] = series
		}
		records = append(records, append([]string{"日期"}, chart.Columns...))
		for j, d := range columns[0] {
			row := []string{d.Day}
			for _, c := range columns {
				row = append(row, strconv.FormatInt(c[j].Value, 10))
			}
			records = append(records, row)
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="wengao-`+name+`-`+p.FromDay()+`-`+p.ToDay()+`.csv"`)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.WriteAll(records)
}

// csvText guards text that people typed against spreadsheet programs,
// which run a cell starting with = + - @ as a formula: such text gets a
// leading apostrophe.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
