// Package svgchart draws line and bar charts of daily values as SVG, on
// the server and in pure Go. The output is deterministic, accessible (a
// title and a description of the data) and safe to put inline in a page
// under a strict Content-Security-Policy: it holds no scripts and no style
// attributes, only presentation attributes and CSS classes.
package svgchart

import (
	"bytes"
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is the kind of a chart.
type Kind int

const (
	Line Kind = iota // one line per series, with a dot per value on short charts
	Bar              // bars side by side per label, one per series
)

// Series is one named row of values, one per label of its chart. A NaN
// or infinite value is missing: lines break around it and bars leave it
// out.
type Series struct {
	Name   string
	Values []float64
}

// Chart is a chart of values by label, usually by day.
type Chart struct {
	// ID prefixes the ids of the chart's elements; charts on one page need
	// different IDs. Only ASCII letters, digits, '-' and '_' are kept.
	ID    string
	Title string
	Kind  Kind
	// Labels name the values, one per value. Days ("2006-01-02") are
	// shown as "1月2日", or by month ("3月") from monthsFrom days on, with
	// the year where it changes; the full labels are in the tooltips.
	Labels []string
	Series []Series
	// Unit follows values in the description and tooltips, and is shown
	// above the y axis: "次", "积分".
	Unit string
	// Width and Height are the size of the view box; zero means 720×260.
	Width, Height int
}

// Layout constants, in view box units.
const (
	defaultWidth  = 720
	defaultHeight = 260
	marginLeft    = 64
	marginRight   = 16
	marginTop     = 44
	marginBottom  = 30
	fontSize      = 11
	titleSize     = 14
	// maxDots is the most values a line chart marks with dots (and
	// tooltips); longer lines are drawn bare.
	maxDots = 92
	// maxAbs bounds the magnitude of values, so that the scale's
	// arithmetic stays finite.
	maxAbs = 1e300
)

// palette colours the series in turn; the page's style sheet may
// override them through the series-N classes.
var palette = []string{"#8f1d1d", "#2f6f9f", "#c98a1b", "#4d7c3a", "#6b4c9a", "#4a4f57"}

const fontFamily = `system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif`

// Render returns the chart as an SVG document: an <svg> element, ready to
// be written to a page as it is.
func Render(c Chart) string {
	w, h := c.Width, c.Height
	if w <= 0 {
		w = defaultWidth
	}
	if h <= 0 {
		h = defaultHeight
	}
	w, h = max(w, marginLeft+marginRight+40), max(h, marginTop+marginBottom+40)
	id := cleanID(c.ID)
	n := len(c.Labels)
	for _, s := range c.Series {
		n = max(n, len(s.Values))
	}
	series := make([][]float64, len(c.Series))
	for i, s := range c.Series {
		series[i] = make([]float64, n)
		for j := range series[i] {
			series[i][j] = math.NaN()
			if j < len(s.Values) {
				series[i][j] = clean(s.Values[j])
			}
		}
	}
	labels := make([]string, n)
	copy(labels, c.Labels)

	p := &plot{
		left: marginLeft, right: float64(w - marginRight),
		top: marginTop, bottom: float64(h - marginBottom),
		n: n,
	}
	p.scale(series)
	empty := n == 0 || len(series) == 0
	if empty {
		p.ticks = p.ticks[:1]
	}

	var b bytes.Buffer
	kind := "chart-line"
	if c.Kind == Bar {
		kind = "chart-bar"
	}
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="chart ` + kind + `" viewBox="0 0 ` + itoa(w) + ` ` + itoa(h) +
		`" width="` + itoa(w) + `" height="` + itoa(h) + `" role="img" aria-labelledby="` + id + `-title ` + id + `-desc" font-family="`)
	escape(&b, fontFamily)
	b.WriteString(`" font-size="` + itoa(fontSize) + `">`)
	b.WriteString(`<title id="` + id + `-title">`)
	escape(&b, c.Title)
	b.WriteString(`</title><desc id="` + id + `-desc">`)
	escape(&b, describe(c, labels, series))
	b.WriteString(`</desc>`)

	// Title and legend.
	b.WriteString(`<text class="chart-title" x="` + coord(p.left-marginLeft+8) + `" y="20" font-size="` + itoa(titleSize) + `" font-weight="600" fill="#1f2328">`)
	escape(&b, c.Title)
	b.WriteString(`</text>`)
	if len(c.Series) > 1 {
		legend(&b, c.Series, p.right)
	}
	if c.Unit != "" {
		b.WriteString(`<text class="axis-unit" x="` + coord(p.left-8) + `" y="` + coord(p.top-10) + `" text-anchor="end" fill="#6b7079">`)
		escape(&b, c.Unit)
		b.WriteString(`</text>`)
	}

	// Grid and y ticks.
	b.WriteString(`<g class="grid" stroke="#e4e1da" stroke-width="1">`)
	for _, t := range p.ticks {
		y := coord(p.y(t))
		b.WriteString(`<line x1="` + coord(p.left) + `" y1="` + y + `" x2="` + coord(p.right) + `" y2="` + y + `"/>`)
	}
	b.WriteString(`</g><g class="axis axis-y" fill="#4a4f57" text-anchor="end">`)
	for _, t := range p.ticks {
		b.WriteString(`<text x="` + coord(p.left-6) + `" y="` + coord(p.y(t)+4) + `">`)
		escape(&b, formatTick(t, p.step, max(-p.lo, p.hi)))
		b.WriteString(`</text>`)
	}
	b.WriteString(`</g>`)

	// The zero line and the x axis.
	base := coord(p.y(0))
	b.WriteString(`<g class="axis axis-x" fill="#4a4f57" stroke="#6b7079">`)
	b.WriteString(`<line x1="` + coord(p.left) + `" y1="` + base + `" x2="` + coord(p.right) + `" y2="` + base + `"/>`)
	for _, t := range axisTicks(labels, p.right-p.left) {
		x := p.x(t.i)
		b.WriteString(`<line x1="` + coord(x) + `" y1="` + coord(p.bottom) + `" x2="` + coord(x) + `" y2="` + coord(p.bottom+4) + `"/>`)
		// Centred under its tick, but inside the view box.
		half := textWidth(t.text)/2 + 2
		x = max(half, min(float64(w)-half, x))
		b.WriteString(`<text stroke="none" x="` + coord(x) + `" y="` + coord(p.bottom+17) + `" text-anchor="middle">`)
		escape(&b, t.text)
		b.WriteString(`</text>`)
	}
	b.WriteString(`</g>`)

	if empty {
		b.WriteString(`<text class="chart-empty" x="` + coord((p.left+p.right)/2) + `" y="` + coord((p.top+p.bottom)/2) +
			`" text-anchor="middle" fill="#6b7079">暂无数据</text>`)
	} else if c.Kind == Bar {
		p.bars(&b, c, labels, series)
	} else {
		p.lines(&b, c, labels, series)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// plot maps values to the plotting area.
type plot struct {
	left, right, top, bottom float64
	n                        int
	lo, hi, step             float64
	ticks                    []float64
}

// scale picks the y range and its ticks: round steps of 1, 2 or 5 times
// a power of ten, whole numbers when every value is one, zero always in
// range.
func (p *plot) scale(series [][]float64) {
	lo, hi := 0.0, 0.0
	whole := true
	for _, s := range series {
		for _, v := range s {
			if math.IsNaN(v) {
				continue
			}
			lo, hi = min(lo, v), max(hi, v)
			if v != math.Trunc(v) {
				whole = false
			}
		}
	}
	if lo == hi {
		hi = lo + 1
	}
	step := niceStep((hi - lo) / 5)
	if whole && step < 1 {
		step = 1
	}
	p.step = step
	p.lo = math.Floor(lo/step) * step
	p.hi = math.Ceil(hi/step) * step
	if p.hi <= p.lo {
		p.hi = p.lo + step
	}
	for i := 0; i <= 12; i++ {
		t := p.lo + float64(i)*step
		if t > p.hi+step/2 {
			break
		}
		if t == 0 {
			t = 0 // no negative zero
		}
		p.ticks = append(p.ticks, t)
	}
}

// niceStep returns the round step at or above raw: 1, 2 or 5 times a
// power of ten.
func niceStep(raw float64) float64 {
	if !(raw > 0) || math.IsInf(raw, 0) {
		return 1
	}
	exp := math.Floor(math.Log10(raw))
	pow := math.Pow(10, exp)
	f := raw / pow
	switch {
	case f <= 1:
		f = 1
	case f <= 2:
		f = 2
	case f <= 5:
		f = 5
	default:
		f = 10
	}
	return f * pow
}

// x returns the centre of the i-th label's band.
func (p *plot) x(i int) float64 {
	if p.n == 0 {
		return p.left
	}
	return p.left + (p.right-p.left)*(float64(i)+0.5)/float64(p.n)
}

// y returns the height of value v.
func (p *plot) y(v float64) float64 {
	return p.bottom - (p.bottom-p.top)*((v-p.lo)/(p.hi-p.lo))
}

func (p *plot) lines(b *bytes.Buffer, c Chart, labels []string, series [][]float64) {
	for si, s := range series {
		color := palette[si%len(palette)]
		b.WriteString(`<g class="series series-` + itoa(si) + `" stroke="` + color + `" fill="` + color + `">`)
		var d strings.Builder
		pen := false
		for i, v := range s {
			if math.IsNaN(v) {
				pen = false
				continue
			}
			if pen {
				d.WriteString(" L")
			} else {
				if d.Len() > 0 {
					d.WriteByte(' ')
				}
				d.WriteString("M")
			}
			d.WriteString(coord(p.x(i)) + " " + coord(p.y(v)))
			pen = true
		}
		if d.Len() > 0 {
			b.WriteString(`<path fill="none" stroke-width="2" stroke-linejoin="round" stroke-linecap="round" d="` + d.String() + `"/>`)
		}
		for i, v := range s {
			if math.IsNaN(v) {
				continue
			}
			alone := (i == 0 || math.IsNaN(s[i-1])) && (i == len(s)-1 || math.IsNaN(s[i+1]))
			if len(s) > maxDots && !alone {
				continue
			}
			b.WriteString(`<circle stroke="none" cx="` + coord(p.x(i)) + `" cy="` + coord(p.y(v)) + `" r="3"><title>`)
			escape(b, tooltip(c, si, labels[i], v))
			b.WriteString(`</title></circle>`)
		}
		b.WriteString(`</g>`)
	}
}

func (p *plot) bars(b *bytes.Buffer, c Chart, labels []string, series [][]float64) {
	band := (p.right - p.left) / float64(p.n)
	inner := band * 0.8
	if band > 4 {
		inner = band - max(1, band*0.2)
	}
	width := inner / float64(len(series))
	for si, s := range series {
		b.WriteString(`<g class="series series-` + itoa(si) + `" fill="` + palette[si%len(palette)] + `">`)
		for i, v := range s {
			if math.IsNaN(v) {
				continue
			}
			x := p.x(i) - inner/2 + width*float64(si)
			top, bottom := p.y(max(v, 0)), p.y(min(v, 0))
			b.WriteString(`<rect x="` + coord(x) + `" y="` + coord(top) + `" width="` + coord(width) + `" height="` + coord(bottom-top) + `"><title>`)
			escape(b, tooltip(c, si, labels[i], v))
			b.WriteString(`</title></rect>`)
		}
		b.WriteString(`</g>`)
	}
}

// legend writes a key of the series, right-aligned at x on the title's
// line.
func legend(b *bytes.Buffer, series []Series, right float64) {
	x := right
	type item struct {
		x    float64
		name string
	}
	items := make([]item, len(series))
	for i := len(series) - 1; i >= 0; i-- {
		name := truncate(series[i].Name, 16)
		x -= textWidth(name) + 14
		items[i] = item{x, name}
		x -= 14
	}
	b.WriteString(`<g class="legend" fill="#4a4f57">`)
	for i, it := range items {
		b.WriteString(`<rect class="series-` + itoa(i) + `" x="` + coord(it.x) + `" y="12" width="10" height="10" fill="` + palette[i%len(palette)] + `"/>`)
		b.WriteString(`<text x="` + coord(it.x+14) + `" y="21">`)
		escape(b, it.name)
		b.WriteString(`</text>`)
	}
	b.WriteString(`</g>`)
}

// textWidth estimates the width of s at the chart's font size: a Han
// character is about 1em wide, a Latin letter or digit about 0.6em.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r < 0x2E80 {
			w += 0.6
		} else {
			w += 1
		}
	}
	return w * fontSize
}

// axisTick is a label shown under the x axis: the text for label i.
type axisTick struct {
	i    int
	text string
}

// monthsFrom is the number of days from which a chart of days is
// labelled by month.
const monthsFrom = 93

// axisTicks returns the labels shown under the x axis, width wide, at a
// spacing that keeps them from overlapping. Days are shown as "1月2日",
// counted back from the last; long spans of days as months ("3月") on
// their first days. The year is added where it changes.
func axisTicks(labels []string, width float64) []axisTick {
	n := len(labels)
	if n == 0 {
		return nil
	}
	days := make([]time.Time, n)
	dated := true
	for i, l := range labels {
		t, err := time.Parse(time.DateOnly, l)
		if err != nil {
			dated = false
			break
		}
		days[i] = t
	}
	crossYear := dated && days[0].Year() != days[n-1].Year()
	var out []axisTick
	prevYear := 0
	add := func(i int, month bool) {
		if !dated {
			out = append(out, axisTick{i, truncate(labels[i], 12)})
			return
		}
		t := days[i]
		text := strconv.Itoa(int(t.Month())) + "月"
		if !month {
			text += strconv.Itoa(t.Day()) + "日"
		}
		if crossYear && (len(out) == 0 || t.Year() != prevYear) {
			text = strconv.Itoa(t.Year()) + "年" + text
		}
		prevYear = t.Year()
		out = append(out, axisTick{i, text})
	}

	if dated && n >= monthsFrom {
		widest := textWidth("12月")
		if crossYear {
			widest = textWidth("2024年12月")
		}
		every := max(1, int(math.Ceil((widest+12)/(width*30.4/float64(n)))))
		for i, t := range days {
			if t.Day() == 1 && (t.Year()*12+int(t.Month())-1)%every == 0 {
				add(i, true)
			}
		}
		if len(out) > 0 {
			return out
		}
	}

	widest := 0.0
	for _, l := range labels {
		text := truncate(l, 12)
		if dated {
			text = "12月30日"
			if crossYear {
				text = "2024年12月30日"
			}
		}
		widest = max(widest, textWidth(text))
	}
	most := max(1, int(width/(widest+16)))
	step := (n + most - 1) / most
	first := (n - 1) % step // so that the last label is shown
	for i := first; i < n; i += step {
		add(i, false)
	}
	return out
}

// describe returns the chart's description for screen readers: its span
// and, for each series, its total, average and highest value.
func describe(c Chart, labels []string, series [][]float64) string {
	if len(labels) == 0 || len(series) == 0 {
		return "暂无数据。"
	}
	var b strings.Builder
	if labels[0] != "" || labels[len(labels)-1] != "" {
		b.WriteString(labels[0] + " 至 " + labels[len(labels)-1] + "，")
	}
	b.WriteString("共 " + itoa(len(labels)) + " 项。")
	for si, s := range series {
		sum, count, best := 0.0, 0, -1
		for i, v := range s {
			if math.IsNaN(v) {
				continue
			}
			sum += v
			count++
			if best < 0 || v > s[best] {
				best = i
			}
		}
		name := c.Series[si].Name
		if name == "" {
			name = c.Title
		}
		b.WriteString(name + "：")
		if count == 0 {
			b.WriteString("无数据。")
			continue
		}
		b.WriteString("合计 " + FormatValue(clean(sum)) + c.Unit + "，平均 " + FormatValue(math.Round(sum/float64(count)*10)/10) + c.Unit +
			"，最高 " + FormatValue(s[best]) + c.Unit)
		if labels[best] != "" {
			b.WriteString("（" + labels[best] + "）")
		}
		b.WriteString("。")
	}
	return b.String()
}

// tooltip is the text shown over one value.
func tooltip(c Chart, si int, label string, v float64) string {
	name := c.Series[si].Name
	if name == "" {
		name = c.Title
	}
	s := name + "：" + FormatValue(v) + c.Unit
	if label != "" {
		s = label + " " + s
	}
	return s
}

// FormatValue writes v for people: whole numbers with thousands
// separators, others with up to two decimals, huge ones in scientific
// notation.
func FormatValue(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "—"
	case math.Abs(v) >= 1e15:
		return strconv.FormatFloat(v, 'g', 4, 64)
	case v == math.Trunc(v):
		return group(strconv.FormatInt(int64(v), 10))
	}
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	whole, frac, _ := strings.Cut(s, ".")
	if frac != "" {
		return group(whole) + "." + frac
	}
	return group(whole)
}

// group puts thousands separators into a string of digits with an
// optional sign.
func group(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	if len(s) <= 3 {
		return sign + s
	}
	var b strings.Builder
	b.WriteString(sign)
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// formatTick writes a tick value compactly, with as many decimals as the
// step needs, in 万 or 亿 when the largest tick (top, in magnitude) is ten
// thousand or more, so that all ticks of a scale share one unit.
func formatTick(v, step, top float64) string {
	if v == 0 {
		return "0"
	}
	abs := math.Abs(top)
	unit, suffix := 1.0, ""
	switch {
	case abs >= 1e16:
		return strconv.FormatFloat(v, 'g', 3, 64)
	case abs >= 1e12:
		unit, suffix = 1e12, "万亿"
	case abs >= 1e8:
		unit, suffix = 1e8, "亿"
	case abs >= 1e4:
		unit, suffix = 1e4, "万"
	}
	decimals := 0
	if r := step / unit; r < 1 {
		decimals = min(6, int(math.Ceil(-math.Log10(r)-1e-9)))
	}
	s := strconv.FormatFloat(v/unit, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s + suffix
}

// clean turns values the chart cannot show into missing ones and bounds
// the others.
func clean(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return math.NaN()
	}
	return max(-maxAbs, min(maxAbs, v))
}

// coord writes a coordinate with one decimal at most.
func coord(v float64) string {
	v = math.Round(v*10) / 10
	if v == 0 {
		v = 0
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func itoa(n int) string { return strconv.Itoa(n) }

// cleanID keeps the characters of id that are safe in an XML id and a
// CSS selector; "chart" when none is left.
func cleanID(id string) string {
	var b strings.Builder
	for _, r := range id {
		if r < utf8.RuneSelf && (r == '-' || r == '_' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			b.WriteRune(r)
		}
	}
	s := b.String()
	if s == "" || s[0] < 'A' {
		s = "chart" + s
	}
	return s
}

// truncate cuts s to n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// escape writes s as XML text or attribute value: markup characters and
// quotes escaped, and characters XML does not allow (control characters,
// invalid UTF-8) replaced by U+FFFD.
func escape(b *bytes.Buffer, s string) {
	xml.EscapeText(b, []byte(s))
}
