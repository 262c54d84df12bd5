package copycheck

import (
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/docx"
	"github.com/wengao/wengao/gongwen"
)

// WriteText writes the report for a terminal: the share copied, each
// passage with its source, then the format findings.
func WriteText(w io.Writer, text string, r *wengao.CopyReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "复制比 %.1f%%（%d 字中 %d 段与文库相同或相近）\n", r.Copied*100, r.Chars, len(r.Passages))
	for i, p := range r.Passages {
		fmt.Fprintf(&b, "\n%d. 第 %d–%d 字，相似度 %.0f%%\n   文稿：%s\n   来源：《%s》%s（%s）第 %d–%d 字\n   原文：%s\n",
			i+1, p.Start+1, p.End, p.Similarity*100, oneLine(runeSlice(text, p.Start, p.End)),
			p.Title, p.Date, p.DocumentID, p.SourceStart+1, p.SourceEnd, oneLine(p.Source))
	}
	if len(r.Findings) > 0 {
		fmt.Fprintf(&b, "\n格式检查：%d 处\n", len(r.Findings))
		for _, f := range r.Findings {
			fmt.Fprintf(&b, "  第 %d 行 [%s] %s", f.Line, f.Rule, f.Message)
			if f.Expected != "" {
				fmt.Fprintf(&b, "（应为：%s）", f.Expected)
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ⏎ ") }

// Segment is a stretch of a draft line, marked when inside a passage.
type Segment struct {
	Text    string
	Passage int // 1-based number of the passage in the report, 0 for none
}

// MarkedLine is a non-empty line of a draft cut into segments.
type MarkedLine struct {
	Number   int // 1-based
	Segments []Segment
}

type htmlData struct {
	Title    string
	Report   *wengao.CopyReport
	Percent  string
	Lines    []MarkedLine
	Passages []htmlPassage
}

type htmlPassage struct {
	Number int
	P      wengao.CopiedPassage
	Draft  string
	Pct    string
}

var reportHTML = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:"FangSong","仿宋",serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.8}
h1{font-family:"SimHei","黑体",sans-serif;font-size:1.4rem;text-align:center}
.summary{font-size:1.1rem}
.cols{display:grid;grid-template-columns:3fr 2fr;gap:1.5rem}
.draft p{margin:0 0 .4rem;text-indent:2em}
mark{background:#fde68a}
mark sup{font-size:.7em;color:#92400e}
.src{border-left:3px solid #d97706;padding-left:.6rem;margin-bottom:.8rem;font-size:.95rem}
.note{color:#555;font-size:.9rem}
@media print{.cols{display:block}mark{background:none;text-decoration:underline}}
</style></head><body>
<h1>{{.Title}}</h1>
<p class="summary">复制比 <strong>{{.Percent}}</strong>：全文 {{.Report.Chars}} 字，{{len .Report.Passages}} 段与文库中已发布的文稿相同或相近。</p>
<p class="note">文稿仅用于本次检查，不予保存。常用套语（如“深入学习贯彻”“高度重视”）不计为复制。</p>
<div class="cols">
<section class="draft"><h2>文稿</h2>
{{range .Lines}}<p id="l{{.Number}}">{{range .Segments}}{{if .Passage}}<mark>{{.Text}}<sup>[{{.Passage}}]</sup></mark>{{else}}{{.Text}}{{end}}{{end}}</p>
{{end}}</section>
<section><h2>来源</h2>
{{range .Passages}}<div class="src" id="p{{.Number}}"><strong>[{{.Number}}]</strong> 《{{.P.Title}}》{{.P.Date}}，相似度 {{.Pct}}<br>原文：{{.P.Source}}</div>
{{else}}<p>未发现与文库相同的段落。</p>{{end}}
{{if .Report.Findings}}<h2>格式检查</h2><ul>
{{range .Report.Findings}}<li>第 {{.Line}} 行：{{.Message}}{{if .Expected}}（应为：{{.Expected}}）{{end}}</li>
{{end}}</ul>{{end}}
</section></div>
</body></html>
`))

// WriteHTML writes the report as a standalone, printable HTML page: the
// draft with copied passages marked and numbered, and their sources
// beside them. Every text is escaped.
func WriteHTML(w io.Writer, title, text string, r *wengao.CopyReport) error {
	if title == "" {
		title = "查重报告"
	}
	d := htmlData{Title: title, Report: r, Percent: fmt.Sprintf("%.1f%%", r.Copied*100)}
	for i, p := range r.Passages {
		d.Passages = append(d.Passages, htmlPassage{Number: i + 1, P: p, Draft: runeSlice(text, p.Start, p.End), Pct: fmt.Sprintf("%.0f%%", p.Similarity*100)})
	}
	d.Lines = MarkLines(text, r)
	return reportHTML.Execute(w, d)
}

// MarkLines cuts the non-empty lines of a draft into segments, each
// marked with the passage of the report it lies in (the longest where
// passages overlap).
func MarkLines(text string, r *wengao.CopyReport) []MarkedLine {
	runes := []rune(text)
	owner := make([]int, len(runes))
	for i := len(r.Passages) - 1; i >= 0; i-- { // the longest wins where passages overlap
		p := r.Passages[i]
		for k := max(p.Start, 0); k < p.End && k < len(runes); k++ {
			owner[k] = i + 1
		}
	}
	var out []MarkedLine
	start := 0
	for n, line := range strings.Split(text, "\n") {
		end := start + len([]rune(line))
		if strings.TrimSpace(line) != "" {
			hl := MarkedLine{Number: n + 1}
			for k := start; k < end; {
				e := k
				for e < end && owner[e] == owner[k] {
					e++
				}
				hl.Segments = append(hl.Segments, Segment{Text: string(runes[k:e]), Passage: owner[k]})
				k = e
			}
			out = append(out, hl)
		}
		start = end + 1
	}
	return out
}

// Corrected returns the draft with the format findings that can be fixed
// mechanically fixed (gongwen.ApplyFixes), and how many lines changed.
func Corrected(text string) (string, int) {
	lines := strings.Split(text, "\n")
	fixed := gongwen.ApplyFixes(lines, gongwen.Check("", lines))
	n := 0
	for i := range lines {
		if lines[i] != fixed[i] {
			n++
		}
	}
	return strings.Join(fixed, "\n"), n
}

// WriteDocx writes the report as a .docx file: the summary, each passage
// with its source, and the format findings.
func WriteDocx(w io.Writer, title, text string, r *wengao.CopyReport) error {
	if title == "" {
		title = "查重报告"
	}
	d := docx.Document{Title: title, Headings: map[int]int{}}
	add := func(s string) { d.Paragraphs = append(d.Paragraphs, s) }
	heading := func(s string) {
		d.Headings[len(d.Paragraphs)] = 1
		add(s)
	}
	add(fmt.Sprintf("复制比 %.1f%%：全文 %d 字，%d 段与文库中已发布的文稿相同或相近。常用套语不计为复制；文稿仅用于本次检查，不予保存。", r.Copied*100, r.Chars, len(r.Passages)))
	heading("一、相同或相近的段落")
	if len(r.Passages) == 0 {
		add("未发现与文库相同的段落。")
	}
	for i, p := range r.Passages {
		add(fmt.Sprintf("%d. 文稿第 %d–%d 字（相似度 %.0f%%）：%s", i+1, p.Start+1, p.End, p.Similarity*100, runeSlice(text, p.Start, p.End)))
		add(fmt.Sprintf("来源：《%s》%s，第 %d–%d 字：%s", p.Title, p.Date, p.SourceStart+1, p.SourceEnd, p.Source))
	}
	heading("二、格式检查")
	if len(r.Findings) == 0 {
		add("未发现格式问题。")
	}
	for _, f := range r.Findings {
		s := fmt.Sprintf("第 %d 行：%s", f.Line, f.Message)
		if f.Expected != "" {
			s += "（应为：" + f.Expected + "）"
		}
		add(s)
	}
	return docx.Write(w, d)
}
