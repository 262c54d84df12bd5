package svgchart

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// days returns n days ending on last.
func days(last string, n int) []string {
	t, err := time.Parse(time.DateOnly, last)
	if err != nil {
		panic(err)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = t.AddDate(0, 0, i-n+1).Format(time.DateOnly)
	}
	return out
}

// wave returns n whole values that rise and fall.
func wave(n int, scale float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = math.Round(scale * (1.2 + math.Sin(float64(i)/3)) * float64(i%7+3) / 5)
	}
	return out
}

var goldenCharts = map[string]Chart{
	"line": {ID: "reads", Title: "每日阅读", Kind: Line, Unit: "次", Labels: days("2024-05-30", 30),
		Series: []Series{{Name: "阅读", Values: wave(30, 40)}}},
	"line-two": {ID: "searches", Title: "每日搜索", Kind: Line, Unit: "次", Labels: days("2024-05-07", 7),
		Series: []Series{{Name: "搜索", Values: []float64{12, 30, 25, 0, 8, 41, 33}}, {Name: "无结果", Values: []float64{1, 4, 2, 0, 0, 9, 3}}}},
	"bar": {ID: "uploads", Title: "上传与审核", Kind: Bar, Unit: "件", Labels: days("2024-05-07", 7),
		Series: []Series{{Name: "上传", Values: []float64{3, 0, 5, 2, 1, 0, 4}}, {Name: "通过审核", Values: []float64{1, 0, 4, 2, 0, 0, 2}}}},
	"bar-year": {ID: "downloads", Title: "每日下载", Kind: Bar, Unit: "次", Labels: days("2025-02-10", 365),
		Series: []Series{{Name: "下载", Values: wave(365, 300)}}},
	"negative": {ID: "net", Title: "积分净流入 <净值> & \"差额\"", Kind: Bar, Unit: "积分", Labels: days("2024-05-05", 5),
		Series: []Series{{Name: "净流入", Values: []float64{120, -45.5, 0, 30000, -12000}}}},
	"empty": {ID: "nothing", Title: "暂无记录", Kind: Line},
	"single": {ID: "one", Title: "一天", Kind: Line, Unit: "次", Labels: []string{"2024-05-01"},
		Series: []Series{{Name: "阅读", Values: []float64{7}}}},
	"gaps": {ID: "gaps", Title: "缺值", Kind: Line, Labels: []string{"甲", "乙", "丙", "丁", "戊"},
		Series: []Series{{Name: "值", Values: []float64{1, math.NaN(), 3, math.Inf(1), 0.25}}}},
}

func TestGolden(t *testing.T) {
	for name, c := range goldenCharts {
		t.Run(name, func(t *testing.T) {
			got := Render(c)
			checkSVG(t, got)
			path := filepath.Join("testdata", name+".svg")
			if *update {
				if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./svgchart -update to write it)", err)
			}
			if got+"\n" != string(want) {
				t.Errorf("%s differs from %s; run go test ./svgchart -update and review the diff", name, path)
			}
			if again := Render(c); again != got {
				t.Error("output is not deterministic")
			}
		})
	}
}

// checkSVG fails unless s is one well-formed svg element without scripts,
// style attributes or event handlers, and without non-numbers in it.
func checkSVG(t *testing.T, s string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, s)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if got := e.Name.Local; got != "svg" {
					t.Fatalf("root element: e.Name.Local = %v, want %v", got, "svg")
				}
				if got := e.Name.Space; got != "http://www.w3.org/2000/svg" {
					t.Fatalf("root element: e.Name.Space = %v, want %v", got, "http://www.w3.org/2000/svg")
				}
			}
			depth++
			if e.Name.Local == "script" {
				t.Errorf("element <%s> (want not e.Name.Local == \"script\")", e.Name.Local)
			}
			if e.Name.Local == "style" {
				t.Errorf("element <%s> (want not e.Name.Local == \"style\")", e.Name.Local)
			}
			if e.Name.Local == "foreignObject" {
				t.Errorf("element <%s> (want not e.Name.Local == \"foreignObject\")", e.Name.Local)
			}
			for _, a := range e.Attr {
				if a.Name.Local == "style" {
					t.Errorf("attribute %s on <%s> (want not a.Name.Local == \"style\")", a.Name.Local, e.Name.Local)
				}
				if strings.HasPrefix(a.Name.Local, "on") {
					t.Errorf("attribute %s on <%s> (want not strings.HasPrefix(a.Name.Local, \"on\"))", a.Name.Local, e.Name.Local)
				}
				if a.Name.Local == "href" {
					t.Errorf("attribute %s on <%s> (want not a.Name.Local == \"href\")", a.Name.Local, e.Name.Local)
				}
				if strings.Contains(a.Value, "NaN") {
					t.Errorf("attribute %s=%q (want not strings.Contains(a.Value, \"NaN\"))", a.Name.Local, a.Value)
				}
				if strings.Contains(a.Value, "Inf") {
					t.Errorf("attribute %s=%q (want not strings.Contains(a.Value, \"Inf\"))", a.Name.Local, a.Value)
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	if roots != 1 {
		t.Errorf("%d root elements", roots)
	}
	if strings.Contains(strings.ToLower(s), "<script") {
		t.Error("contains <script")
	}
}

func TestRobustness(t *testing.T) {
	huge := []float64{math.MaxFloat64, -math.MaxFloat64, 1e300, math.SmallestNonzeroFloat64, 0}
	cases := map[string]Chart{
		"no labels":          {Title: "空", Series: []Series{{Name: "x"}}},
		"no series":          {Title: "空", Labels: days("2024-01-01", 3)},
		"single point bar":   {Kind: Bar, Labels: []string{"2024-01-01"}, Series: []Series{{Values: []float64{3}}}},
		"all zero":           {Labels: days("2024-01-03", 3), Series: []Series{{Values: []float64{0, 0, 0}}}},
		"all negative":       {Kind: Bar, Labels: days("2024-01-03", 3), Series: []Series{{Values: []float64{-1, -2, -3}}}},
		"huge":               {Labels: days("2024-01-05", 5), Series: []Series{{Values: huge}}},
		"huge bar":           {Kind: Bar, Labels: days("2024-01-05", 5), Series: []Series{{Values: huge}}},
		"all missing":        {Labels: days("2024-01-02", 2), Series: []Series{{Values: []float64{math.NaN(), math.Inf(-1)}}}},
		"more values":        {Labels: []string{"a"}, Series: []Series{{Values: []float64{1, 2, 3}}}},
		"more labels":        {Labels: days("2024-01-05", 5), Series: []Series{{Values: []float64{1}}}},
		"tiny fractions":     {Labels: days("2024-01-02", 2), Series: []Series{{Values: []float64{1e-9, 3e-9}}}},
		"close large values": {Labels: days("2024-01-02", 2), Series: []Series{{Values: []float64{1e15, 1e15 + 2}}}},
		"tiny box":           {Width: 1, Height: 1, Labels: days("2024-01-02", 2), Series: []Series{{Values: []float64{1, 2}}}},
		"hostile text": {ID: `"><script>`, Title: "<script>alert(1)</script>\x00\x1b\ufffe", Unit: "]]>",
			Labels: []string{"<b>", "&amp;", "\xff\xfe"}, Series: []Series{{Name: "</svg><script>", Values: []float64{1, 2, 3}}, {Name: "\"'", Values: []float64{3, 2, 1}}}},
		"many series": {Kind: Bar, Labels: days("2024-01-02", 2), Series: []Series{{Values: []float64{1, 2}}, {}, {}, {}, {}, {}, {}, {Values: []float64{2, 1}}}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			s := Render(c)
			checkSVG(t, s)
			if !strings.Contains(s, "<title") || !strings.Contains(s, "<desc") {
				t.Error("no title or description")
			}
		})
	}
	{
		s := Render(cases["hostile text"])
		if strings.Contains(s, "<b>") {
			t.Errorf("text not escaped:\n%s (want not strings.Contains(s, \"<b>\"))", s)
		}
		if strings.Contains(s, "</svg><script>") {
			t.Errorf("text not escaped:\n%s (want not strings.Contains(s, \"</svg><script>\"))", s)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		values []float64
		want   string
	}{
		{[]float64{0, 7}, "0 2 4 6 8"},
		{[]float64{3}, "0 1 2 3"},
		{[]float64{0}, "0 1"},
		{[]float64{1234}, "0 500 1000 1500"},
		{[]float64{48000}, "0 1万 2万 3万 4万 5万"},
		{[]float64{-45.5, 120}, "-50 0 50 100 150"},
		{[]float64{0.3, 0.25}, "0 0.1 0.2 0.3"},
		{[]float64{2.5e8}, "0 0.5亿 1亿 1.5亿 2亿 2.5亿"},
	} {
		p := &plot{top: 0, bottom: 100}
		p.scale([][]float64{tc.values})
		var got []string
		for _, v := range p.ticks {
			got = append(got, formatTick(v, p.step, max(-p.lo, p.hi)))
		}
		if s := strings.Join(got, " "); s != tc.want {
			t.Errorf("ticks of %v = %s, want %s", tc.values, s, tc.want)
		}
	}
}

func TestFormatValue(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0", 7: "7", 1234: "1,234", -1234567: "-1,234,567", 2.5: "2.5", 1.005: "1", 1234.25: "1,234.25",
		1e20: "1e+20", math.NaN(): "—",
	} {
		if got := FormatValue(v); got != want {
			t.Errorf("FormatValue(%v) = %q, want %q", v, got, want)
		}
	}
}

func FuzzRender(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3}, "标题", "2024-01-01", uint8(0))
	f.Add([]byte{}, "", "", uint8(1))
	f.Add([]byte{255, 0, 255}, "<&>", "\xff", uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, title, label string, shape uint8) {
		n := len(data) / 2
		values := make([]float64, n)
		labels := make([]string, n)
		for i := range values {
			v := float64(int8(data[2*i])) * math.Pow(10, float64(data[2*i+1]%40)-10)
			switch data[2*i+1] {
			case 250:
				v = math.NaN()
			case 251:
				v = math.Inf(1)
			case 252:
				v = math.MaxFloat64
			}
			values[i] = v
			labels[i] = label
		}
		c := Chart{ID: title, Title: title, Unit: label, Kind: Kind(shape % 2), Labels: labels, Series: []Series{{Name: label, Values: values}}}
		if shape&2 != 0 {
			c.Series = append(c.Series, Series{Name: title, Values: values[:n/2]})
		}
		checkSVG(t, Render(c))
	})
}

// TestPreview writes the golden charts into one HTML page for a look in
// a browser, when SVGCHART_PREVIEW names its file.
func TestPreview(t *testing.T) {
	out := os.Getenv("SVGCHART_PREVIEW")
	if out == "" {
		t.Skip("SVGCHART_PREVIEW not set")
	}
	var b bytes.Buffer
	b.WriteString("<!doctype html><meta charset=utf-8><body>")
	for _, name := range []string{"line", "line-two", "bar", "bar-year", "negative", "empty", "single", "gaps"} {
		b.WriteString("<div>" + Render(goldenCharts[name]) + "</div>")
	}
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestAxisTicks(t *testing.T) {
	texts := func(ticks []axisTick) string {
		var s []string
		for _, t := range ticks {
			s = append(s, t.text)
		}
		return strings.Join(s, " ")
	}
	for _, tc := range []struct {
		labels []string
		width  float64
		want   string
	}{
		{days("2024-05-07", 7), 640, "5月1日 5月2日 5月3日 5月4日 5月5日 5月6日 5月7日"},
		{days("2024-05-30", 30), 480, "5月5日 5月10日 5月15日 5月20日 5月25日 5月30日"},
		{days("2025-01-03", 7), 640, "2024年12月28日 12月30日 2025年1月1日 1月3日"},
		{days("2024-11-30", 365), 480, "2024年1月 3月 5月 7月 9月 11月"},
		{days("2024-06-30", 181), 480, "2月 3月 4月 5月 6月"},
		{[]string{"甲", "乙", "丙"}, 480, "甲 乙 丙"},
		{[]string{"2024-01-01"}, 480, "1月1日"},
		{nil, 480, ""},
	} {
		if got := texts(axisTicks(tc.labels, tc.width)); got != tc.want {
			t.Errorf("%d labels: %q, want %q", len(tc.labels), got, tc.want)
		}
	}
}
