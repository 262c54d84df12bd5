// Command soakplot turns the samples of bench/soak.sh into SVG charts
// (package svgchart) and the Markdown section "## Soak" of
// docs/reliability.md, which it replaces in place (or appends), leaving
// the file's other sections as they are.
//
//	soakplot -samples S.tsv -faults F.tsv -load L.json -svg-dir docs/soak -doc docs/reliability.md -command "bench/soak.sh 30"
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wengao/wengao/svgchart"
)

// sample is one line of samples.tsv: the time since the start and the
// named values (see soak.sh for the columns).
type sample struct {
	t float64
	v map[string]float64
}

func readTSV(path string) (header []string, rows [][]string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if header == nil {
			header = fields
			continue
		}
		rows = append(rows, fields)
	}
	return header, rows, sc.Err()
}

func readSamples(path string) ([]sample, error) {
	header, rows, err := readTSV(path)
	if err != nil {
		return nil, err
	}
	var out []sample
	for _, r := range rows {
		s := sample{v: map[string]float64{}}
		for i, name := range header {
			x := math.NaN()
			if i < len(r) && r[i] != "" {
				if f, err := strconv.ParseFloat(r[i], 64); err == nil {
					x = f
				}
			}
			if name == "t" {
				s.t = x
			} else {
				s.v[name] = x
			}
		}
		out = append(out, s)
	}
	if len(out) < 4 {
		return nil, fmt.Errorf("%s: %d samples, need at least 4", path, len(out))
	}
	return out, nil
}

// fit returns the least-squares slope of ys over xs (per second),
// skipping NaNs.
func fit(xs, ys []float64) float64 {
	var n, sx, sy, sxx, sxy float64
	for i := range xs {
		if math.IsNaN(ys[i]) {
			continue
		}
		n++
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	d := n*sxx - sx*sx
	if n < 2 || d == 0 {
		return math.NaN()
	}
	return (n*sxy - sx*sy) / d
}

func mean(ys []float64) float64 {
	var n, s float64
	for _, y := range ys {
		if !math.IsNaN(y) {
			n++
			s += y
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return s / n
}

// series is one measured quantity.
type series struct {
	key, name, unit string
	scale           float64 // multiplies the raw value
	// tolerance is the growth over the last half, relative to its mean,
	// under which the series counts as flat.
	tolerance float64
	// floor is the smallest mean the relative growth is taken against,
	// so that a series near zero is not unflat for one unit.
	floor float64
}

// row is the summary of a series.
type row struct {
	s                     series
	start, end, max, mean float64
	first, last           float64 // growth over each half, in the unit
	flat                  bool
}

func summarize(samples []sample, s series) row {
	xs := make([]float64, len(samples))
	ys := make([]float64, len(samples))
	for i, sm := range samples {
		xs[i] = sm.t
		ys[i] = sm.v[s.key] * s.scale
	}
	r := row{s: s, start: math.NaN(), end: math.NaN(), max: math.NaN()}
	for _, y := range ys {
		if math.IsNaN(y) {
			continue
		}
		if math.IsNaN(r.start) {
			r.start = y
		}
		r.end = y
		if math.IsNaN(r.max) || y > r.max {
			r.max = y
		}
	}
	// The trend is fitted to the median of each minute, so that the
	// short spikes of a fault (200 slowloris connections) do not pass
	// for a trend; runs shorter than four minutes use the samples.
	xs, ys = minuteMedians(xs, ys)
	h := len(xs) / 2
	r.first = fit(xs[:h], ys[:h]) * (xs[h-1] - xs[0])
	r.last = fit(xs[h:], ys[h:]) * (xs[len(xs)-1] - xs[h])
	r.mean = mean(ys[h:])
	r.flat = r.last <= s.tolerance*math.Max(math.Abs(r.mean), s.floor) // falling is flat enough
	return r
}

// minuteMedians returns the median of each whole minute's values, at the
// minute's middle (leaving out minutes with less than half the samples
// of the fullest), or xs and ys when that gives fewer than four points.
func minuteMedians(xs, ys []float64) ([]float64, []float64) {
	byMinute := map[int][]float64{}
	last := 0
	for i, x := range xs {
		if math.IsNaN(ys[i]) {
			continue
		}
		m := int(x / 60)
		byMinute[m] = append(byMinute[m], ys[i])
		last = max(last, m)
	}
	most := 0
	for _, v := range byMinute {
		most = max(most, len(v))
	}
	var mx, my []float64
	for m := 0; m <= last; m++ {
		v := byMinute[m]
		if len(v) == 0 || 2*len(v) < most {
			continue // a part of a minute, at the end: too few to tell
		}
		sort.Float64s(v)
		mx = append(mx, float64(m)*60+30)
		my = append(my, v[len(v)/2])
	}
	if len(mx) < 4 {
		return xs, ys
	}
	return mx, my
}

func num(x float64) string {
	switch {
	case math.IsNaN(x):
		return "–"
	case math.Abs(x) >= 100 || x == math.Trunc(x):
		return strconv.FormatFloat(x, 'f', 0, 64)
	case math.Abs(x) >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

func signed(x float64) string {
	if x > 0 {
		return "+" + num(x)
	}
	return num(x)
}

func label(t float64) string {
	s := int(t)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// loadStats is the part of bench/load's JSON that the summary shows.
type loadStats struct {
	Elapsed  float64                     `json:"elapsed_s"`
	Requests int64                       `json:"requests"`
	Classes  map[string]int64            `json:"classes"`
	Skipped  int64                       `json:"skipped"`
	ByKind   map[string]map[string]int64 `json:"by_kind"`
	P50ms    map[string]float64          `json:"p50_ms"`
	P99ms    map[string]float64          `json:"p99_ms"`
}

func main() {
	samplesPath := flag.String("samples", "", "samples.tsv of soak.sh")
	faultsPath := flag.String("faults", "", "faults.tsv of soak.sh")
	loadPath := flag.String("load", "", "the final JSON of bench/load")
	svgDir := flag.String("svg-dir", "docs/soak", "folder of the SVG charts")
	docPath := flag.String("doc", "docs/reliability.md", "Markdown file whose ## Soak section is replaced")
	command := flag.String("command", "bench/soak.sh", "the command of the run")
	notes := flag.String("notes", "docs/soak/notes.md", "file of extra Markdown lines for the section (the run's context)")
	flag.Parse()
	if err := run(*samplesPath, *faultsPath, *loadPath, *svgDir, *docPath, *command, *notes); err != nil {
		fmt.Fprintln(os.Stderr, "soakplot:", err)
		os.Exit(1)
	}
}

func run(samplesPath, faultsPath, loadPath, svgDir, docPath, command, notesPath string) error {
	samples, err := readSamples(samplesPath)
	if err != nil {
		return err
	}
	_, faults, err := readTSV(faultsPath)
	if err != nil {
		return err
	}
	var ls loadStats
	if b, err := os.ReadFile(loadPath); err != nil {
		return err
	} else if err := json.Unmarshal(b, &ls); err != nil {
		return fmt.Errorf("%s: %v", loadPath, err)
	}
	// Error rates per interval, from the load tool's running counts.
	for i := range samples {
		cur := samples[i].v
		cur["err_pct"], cur["limited_pct"] = math.NaN(), math.NaN()
		if i == 0 {
			continue
		}
		prev := samples[i-1].v
		d := cur["requests"] - prev["requests"]
		if d > 0 {
			cur["err_pct"] = 100 * (cur["server"] - prev["server"] + cur["transport"] - prev["transport"]) / d
			cur["server_pct"] = 100 * (cur["server"] - prev["server"]) / d
			cur["limited_pct"] = 100 * (cur["limited"] - prev["limited"]) / d
		} else {
			cur["server_pct"] = math.NaN()
		}
	}
	quantities := []series{
		{key: "rss_kb", name: "RSS", unit: "MB", scale: 1.0 / 1024, tolerance: 0.10, floor: 1},
		{key: "goroutines", name: "goroutines", unit: "", scale: 1, tolerance: 0.20, floor: 20},
		{key: "fds", name: "open files", unit: "", scale: 1, tolerance: 0.20, floor: 20},
		{key: "db_bytes", name: "database (wengao.db + -wal)", unit: "MB", scale: 1.0 / (1 << 20), tolerance: 0.10, floor: 1},
		{key: "server_pct", name: "5xx answers", unit: "%", scale: 1, tolerance: 1, floor: 1},
		{key: "err_pct", name: "5xx and unanswered", unit: "%", scale: 1, tolerance: 1, floor: 1},
	}
	labels := make([]string, len(samples))
	for i, s := range samples {
		labels[i] = label(s.t)
	}
	charts := []struct {
		file, title, unit string
		keys              []string
		names             []string
		scale             float64
	}{
		{"rss.svg", "Resident memory of wengao serve (MB)", "MB", []string{"rss_kb"}, []string{"RSS"}, 1.0 / 1024},
		{"goroutines.svg", "Goroutines (/metrics)", "", []string{"goroutines"}, []string{"goroutines"}, 1},
		{"fds.svg", "Open files (/proc/PID/fd)", "", []string{"fds"}, []string{"open files"}, 1},
		{"db.svg", "Database size, wengao.db + wengao.db-wal (MB)", "MB", []string{"db_bytes"}, []string{"database"}, 1.0 / (1 << 20)},
		{"errors.svg", "Answers per interval (%)", "%", []string{"server_pct", "err_pct", "limited_pct"}, []string{"5xx", "5xx or no answer", "429"}, 1},
	}
	if err := os.MkdirAll(svgDir, 0o755); err != nil {
		return err
	}
	for _, c := range charts {
		chart := svgchart.Chart{ID: "soak-" + strings.TrimSuffix(c.file, ".svg"), Title: c.title, Kind: svgchart.Line, Labels: labels, Unit: c.unit}
		for i, k := range c.keys {
			vs := make([]float64, len(samples))
			for j, s := range samples {
				vs[j] = s.v[k] * c.scale
			}
			chart.Series = append(chart.Series, svgchart.Series{Name: c.names[i], Values: vs})
		}
		svg := svgchart.Render(chart)
		if !strings.Contains(svg, "xmlns=") {
			svg = strings.Replace(svg, "<svg ", `<svg xmlns="http://www.w3.org/2000/svg" `, 1)
		}
		if err := os.WriteFile(filepath.Join(svgDir, c.file), []byte(svg+"\n"), 0o644); err != nil {
			return err
		}
	}

	var md strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&md, format, a...) }
	dur := samples[len(samples)-1].t
	w("## Soak\n\n")
	w("Mixed traffic (bench/load) against one instance for %s, with one fault a minute in rotation, sampled every %s. This run:\n\n", (time.Duration(dur) * time.Second).String(), (time.Duration(samples[1].t-samples[0].t) * time.Second).String())
	w("```sh\n%s\n```\n\n", command)
	w("The soak issue 16 asks for is 30 minutes, the script's default; that is the command to rerun:\n\n```sh\nnice -n 10 bench/soak.sh        # or bench/soak.sh 30\n```\n\n")
	w("The raw samples, faults and load counts of the run are in `docs/soak/` (`samples.tsv`, `faults.tsv`, `load.json`); `go run ./bench/soakplot -samples docs/soak/samples.tsv -faults docs/soak/faults.tsv -load docs/soak/load.json -command '%s'` redraws the charts and this section from them.\n\n", command)
	if notesPath != "" {
		if b, err := os.ReadFile(notesPath); err == nil {
			w("%s\n", strings.TrimSpace(string(b)))
			w("\n")
		}
	}
	w("### Resources\n\n")
	w("Flat means the least-squares growth over the last half of the run, fitted to the median of each minute, is at most the tolerance of that half's mean (10%% for memory and the database, 20%% for goroutines and files; for error rates, within 1 point); falling counts as flat. `kill -9` restarts the process, so memory starts again from its idle size after each kill, and with the faults in a rotation of five no process lives more than five minutes: a leak slower than that shows as each process settling higher than the one before (the table of processes below), not as a trend.\n\n")
	w("| series | start | end | max | growth, first half | growth, last half | flat |\n| --- | ---: | ---: | ---: | ---: | ---: | --- |\n")
	for _, q := range quantities {
		r := summarize(samples, q)
		unit := ""
		if q.unit != "" {
			unit = " " + q.unit
		}
		flat := "yes"
		if !r.flat {
			flat = "**no**"
		}
		w("| %s%s | %s | %s | %s | %s | %s | %s |\n", q.name, unitSuffix(unit), num(r.start), num(r.end), num(r.max), signed(r.first), signed(r.last), flat)
	}
	w("\nEach process of the run (a `kill -9` ends one and starts the next):\n\n")
	w("| process | from | to | RSS first, MB | RSS median of its last minute, MB | RSS peak, MB | goroutines, median of its last minute |\n| --- | --- | --- | ---: | ---: | ---: | ---: |\n")
	for i, p := range processes(samples) {
		w("| %d | %s | %s | %s | %s | %s | %s |\n", i+1, label(p.from), label(p.to), num(p.first/1024), num(p.lastMedian/1024), num(p.peak/1024), num(p.goroutines))
	}
	db := summarize(samples, quantities[3])
	if up := ls.ByKind["upload"]["ok"]; up > 0 {
		w("\nThe database holds what the traffic writes, so it grows with it: %s MB over the run, for %d uploads (with their text and index), %d downloads bought and %d favourite changes — %s KB per upload if all of it were uploads.\n",
			signed(db.end-db.start), up, ls.ByKind["download"]["ok"], ls.ByKind["favorite"]["ok"], num((db.end-db.start)*1024/float64(up)))
	}
	w("\n")
	for _, c := range charts {
		w("![%s](soak/%s)\n", c.title, c.file)
	}
	w("\n### Traffic\n\n")
	w("bench/load: %d requests in %.0f s (%s); %d ticks skipped because every virtual user was busy.\n\n", ls.Requests, ls.Elapsed, classList(ls.Classes), ls.Skipped)
	w("| action | ok | 429 | other 4xx | 5xx | no answer | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, k := range []string{"page", "search", "download", "favorite", "upload"} {
		c := ls.ByKind[k]
		if c == nil {
			continue
		}
		w("| %s | %d | %d | %d | %d | %d | %s | %s |\n", k, c["ok"], c["limited"], c["refused"], c["server"], c["transport"], num(ls.P50ms[k]), num(ls.P99ms[k]))
	}
	w("\n### Faults\n\n| at | fault | result |\n| --- | --- | --- |\n")
	sort.SliceStable(faults, func(i, j int) bool {
		a, _ := strconv.ParseFloat(faults[i][0], 64)
		b, _ := strconv.ParseFloat(faults[j][0], 64)
		return a < b
	})
	for _, f := range faults {
		if len(f) < 3 {
			continue
		}
		t, _ := strconv.ParseFloat(f[0], 64)
		w("| %s | %s | %s |\n", label(t), f[1], strings.ReplaceAll(f[2], "|", "\\|"))
	}
	w("\n")
	return replaceSection(docPath, md.String())
}

// process is the RSS of one server process over its samples.
type process struct {
	from, to                float64
	first, lastMedian, peak float64 // kB
	goroutines              float64 // median of the last minute
	rss, gor, times         []float64
}

// processes splits the samples by the server's pid, in order.
func processes(samples []sample) []process {
	var out []process
	pid := math.NaN()
	for _, s := range samples {
		if s.v["pid"] != pid {
			pid = s.v["pid"]
			out = append(out, process{from: s.t})
		}
		p := &out[len(out)-1]
		p.to = s.t
		if rss := s.v["rss_kb"]; !math.IsNaN(rss) {
			p.rss = append(p.rss, rss)
			p.times = append(p.times, s.t)
			p.gor = append(p.gor, s.v["goroutines"])
		}
	}
	for i := range out {
		p := &out[i]
		p.first, p.lastMedian, p.peak, p.goroutines = math.NaN(), math.NaN(), math.NaN(), math.NaN()
		if len(p.rss) == 0 {
			continue
		}
		p.first = p.rss[0]
		p.peak = p.rss[0]
		var last, lastGor []float64
		for j, v := range p.rss {
			p.peak = max(p.peak, v)
			if p.times[j] >= p.to-60 {
				last = append(last, v)
				lastGor = append(lastGor, p.gor[j])
			}
		}
		p.lastMedian = median(last)
		p.goroutines = median(lastGor)
	}
	return out
}

func median(v []float64) float64 {
	var kept []float64
	for _, x := range v {
		if !math.IsNaN(x) {
			kept = append(kept, x)
		}
	}
	if len(kept) == 0 {
		return math.NaN()
	}
	sort.Float64s(kept)
	return kept[len(kept)/2]
}

func unitSuffix(u string) string {
	if u == "" {
		return ""
	}
	return "," + u
}

func classList(c map[string]int64) string {
	return fmt.Sprintf("ok %d, 429 %d, other 4xx %d, 5xx %d, no answer %d", c["ok"], c["limited"], c["refused"], c["server"], c["transport"])
}

// replaceSection replaces the "## Soak" section of the Markdown file at
// path (up to the next "## " heading) with section, or appends it; the
// file is created with a title when missing.
func replaceSection(path, section string) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		b = []byte("# Reliability\n\nWhat was tried against wengao, how many times, what held and what did not, with the commands to rerun each (issue 16).\n")
	} else if err != nil {
		return err
	}
	lines := strings.SplitAfter(string(b), "\n")
	start, end := -1, len(lines)
	fence := false
	for i, l := range lines {
		if strings.HasPrefix(l, "```") {
			fence = !fence
		}
		if fence {
			continue
		}
		if start < 0 && strings.TrimSpace(l) == "## Soak" {
			start = i
		} else if start >= 0 && strings.HasPrefix(l, "## ") {
			end = i
			break
		}
	}
	var out string
	if start < 0 {
		out = strings.TrimRight(string(b), "\n") + "\n\n" + section
	} else {
		out = strings.Join(lines[:start], "") + section + strings.Join(lines[end:], "")
	}
	return os.WriteFile(path, []byte(out), 0o644)
}
