package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/docx"
	"github.com/wengao/wengao/gongwen"
	"github.com/wengao/wengao/sharedtest"
)

// officeCorpusDocs are the real documents TestGeneratedDocxInLibreOffice
// lays out: three State Council documents (发文字号, 主送机关, 落款; one
// dated in Chinese numerals), a law and a short case.
var officeCorpusDocs = []string{
	"gov-27a6e325d157", "gov-b8d18c462725", "gov-f824402ca535",
	"law-10ef46b7fdb2", "case-a774cb605f85",
}

// officeSample is a generated 公文 with every part: 发文字号, 主送机关,
// headings of two levels, a run-in heading, 附件说明 with two items, 落款
// and a Chinese-numeral date, and a 附注.
func officeSample() *wengao.Document {
	body := []string{
		"国务院办公厅关于进一步优化政务服务",
		"提升行政效能的通知",
		"国办发〔2024〕1号",
		"各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
		"为深入贯彻落实党中央、国务院决策部署，进一步优化政务服务、提升行政效能，经国务院同意，现就有关事项通知如下。",
		"一、总体要求",
	}
	para := "以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，完整、准确、全面贯彻新发展理念，坚持以人民为中心的发展思想，加快构建全国一体化政务服务体系，推动政务服务从“能办”向“好办”转变。"
	for i := range 6 {
		body = append(body, fmt.Sprintf("（%s）加强第%d项工作。", []string{"一", "二", "三", "四", "五", "六"}[i], i+1)+para+para)
		if i == 2 {
			body = append(body, "二、重点任务")
		}
	}
	body = append(body,
		"附件：1.政务服务事项基本目录",
		"2.高效办成一件事重点事项清单",
		"国务院办公厅",
		"二〇二四年一月十六日",
		"（此件公开发布）",
	)
	return &wengao.Document{ID: "sample", Title: "国务院办公厅关于进一步优化政务服务提升行政效能的通知", Body: body}
}

// readOfficeCorpus returns the documents of officeCorpusDocs found in the
// shared corpus (WENGAO_CORPUS, or shared/ beside the repository), or
// none when it is not there outside CI.
func readOfficeCorpus(t *testing.T) []*wengao.Document {
	t.Helper()
	path := os.Getenv("WENGAO_CORPUS")
	if path == "" {
		p, ok := sharedtest.Find("corpus/docs.jsonl.gz")
		if !ok {
			if sharedtest.InCI() {
				t.Fatal("shared/corpus/docs.jsonl.gz not found beside the repository (CI=true: the test must run)")
			}
			t.Log("corpus not found: only the generated document is laid out")
			return nil
		}
		path = p
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	found := map[string]*wengao.Document{}
	for sc.Scan() && len(found) < len(officeCorpusDocs) {
		line := sc.Bytes()
		want := false
		for _, id := range officeCorpusDocs {
			if bytes.HasPrefix(line, []byte(`{"id": "`+id+`"`)) {
				want = true
			}
		}
		if !want {
			continue
		}
		var d struct {
			ID, Title, Date, Category, Body string
		}
		if err := json.Unmarshal(line, &d); err != nil {
			t.Fatal(err)
		}
		found[d.ID] = &wengao.Document{ID: d.ID, Title: d.Title, Date: d.Date, Category: d.Category, Body: strings.Split(d.Body, "\n")}
	}
	var out []*wengao.Document
	for _, id := range officeCorpusDocs {
		if d := found[id]; d != nil {
			out = append(out, d)
		}
	}
	return out
}

// officeTool finds a program the test needs: when it is missing the test
// skips, except in CI (CI=true), where it fails.
func officeTool(t *testing.T, names ...string) string {
	t.Helper()
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("%s not installed (scripts/test.sh installs libreoffice-writer-nogui and poppler-utils)", names[0])
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// TestGeneratedDocxInLibreOffice lays out real and generated documents as
// the download does, has LibreOffice render them to PDF and checks the
// pages as printed (GB/T 9704): about 28 characters on a full line and at
// most 22 lines a page, the title once, as many pages as the characters
// give at 616 a page (within 25 %), the 发文字号 centred, the 落款 on the
// right half of the page. With WENGAO_DOCX_OUT set, the .docx and .pdf
// files are kept in that folder.
func TestGeneratedDocxInLibreOffice(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: starts LibreOffice")
	}
	soffice := officeTool(t, "soffice", "libreoffice")
	pdftotext := officeTool(t, "pdftotext")

	docs := append(readOfficeCorpus(t), officeSample())
	dir := t.TempDir()
	if out := os.Getenv("WENGAO_DOCX_OUT"); out != "" {
		dir = out
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var files []string
	for _, doc := range docs {
		doc.Outline = chinese.Outline(doc.Body)
		var buf bytes.Buffer
		if err := docx.Write(&buf, generatedDocx(doc, "文稿库")); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, doc.ID+".docx")
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	// One LibreOffice run converts them all (it is slow to start).
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"--headless", "--norestore", "-env:UserInstallation=file://" + filepath.Join(t.TempDir(), "profile"),
		"--convert-to", "pdf", "--outdir", dir}, files...)
	cmd := exec.CommandContext(ctx, soffice, args...)
	cmd.Env = append(os.Environ(), "FONTCONFIG_FILE="+writeFontAliases(t))
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	t.Logf("LibreOffice converted %d files in %v", len(files), time.Since(start).Round(time.Millisecond))

	for _, doc := range docs {
		t.Run(doc.ID, func(t *testing.T) {
			pdf := filepath.Join(dir, doc.ID+".pdf")
			out, err := exec.Command(pdftotext, "-layout", pdf, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext %s: %v", pdf, err)
			}
			checkPrinted(t, doc, string(out))
			bbox, err := exec.Command(pdftotext, "-bbox", "-f", "1", "-l", "1000", pdf, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext -bbox %s: %v", pdf, err)
			}
			checkPlaced(t, doc, string(bbox))
		})
	}
}

// fontAliases maps the fonts the .docx names to free faces of the same
// kind, as a Chinese desktop's font configuration does: LibreOffice on
// Linux leaves a missing font to fontconfig, which otherwise falls back
// to a sans face whatever the font table says. The layout does not depend
// on it (every CJK face is one em wide); it makes the rendering look like
// the printed 公文.
var fontAliases = [][2]string{
	{"仿宋_GB2312", "Noto Serif CJK SC"}, {"仿宋", "Noto Serif CJK SC"}, {"FangSong", "Noto Serif CJK SC"},
	{"方正小标宋简体", "Noto Serif CJK SC"}, {"华文中宋", "Noto Serif CJK SC"}, {"宋体", "Noto Serif CJK SC"},
	{"楷体_GB2312", "AR PL UKai CN"}, {"楷体", "AR PL UKai CN"},
	{"黑体", "Noto Sans CJK SC"},
}

// writeFontAliases writes a fontconfig file with the system's
// configuration and fontAliases, and returns its path.
func writeFontAliases(t *testing.T) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>` +
		`<include ignore_missing="yes">/etc/fonts/fonts.conf</include>`)
	for _, a := range fontAliases {
		b.WriteString(`<alias binding="same"><family>` + a[0] + `</family><prefer><family>` + a[1] + `</family></prefer></alias>`)
	}
	b.WriteString(`</fontconfig>`)
	name := filepath.Join(t.TempDir(), "fonts.conf")
	if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

// pageNumberLine is the footer's "— N —".
var pageNumberLine = regexp.MustCompile(`^\s*—\s*\d+\s*—\s*$`)

// lineWidth returns the width of a printed line in characters: Chinese
// characters and full-width punctuation count one, ASCII a half, spaces
// (pdftotext's layout padding) nothing.
func lineWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
		case r < 0x2000:
			w += 0.5
		default:
			w++
		}
	}
	return w
}

// checkPrinted checks the text of the PDF of doc.
func checkPrinted(t *testing.T, doc *wengao.Document, text string) {
	t.Helper()
	pages := strings.Split(strings.TrimRight(text, "\f\n"), "\f")
	var fullLines []float64
	maxLines := 0
	for i, page := range pages {
		lines := 0
		for _, l := range strings.Split(page, "\n") {
			if strings.TrimSpace(l) == "" || pageNumberLine.MatchString(l) {
				continue
			}
			lines++
			if w := lineWidth(l); w >= 20 && !unicode.IsSpace([]rune(l)[0]) {
				fullLines = append(fullLines, w)
			}
		}
		maxLines = max(maxLines, lines)
		if lines > 22 {
			t.Errorf("page %d: %d lines, want at most 22", i+1, lines)
		}
	}
	// Full lines: those that do not start a paragraph (no indent) and hold
	// 20 characters or more (most last lines of paragraphs are shorter;
	// the title's lines are of bigger characters). Most of them must hold
	// 28 characters.
	counts := map[float64]int{}
	mode, widest := 0.0, 0.0
	for _, l := range fullLines {
		counts[l]++
		if counts[l] > counts[mode] || counts[l] == counts[mode] && l > mode {
			mode = l
		}
		widest = max(widest, l)
	}
	if len(fullLines) == 0 {
		t.Fatalf("no full line in\n%s", text)
	}
	if mode < 27.5 {
		t.Errorf("a full line holds %.1f characters (the most frequent width), want 28 (want not mode < 27.5)", mode)
	}
	if mode > 28.5 {
		t.Errorf("a full line holds %.1f characters (the most frequent width), want 28 (want not mode > 28.5)", mode)
	}
	if widest > 29 {
		t.Errorf("the widest line holds %.1f characters, want at most 29", widest)
	}

	compact := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, text)
	title := strings.ReplaceAll(doc.Title, " ", "")
	if n := strings.Count(compact, title); n != 1 {
		t.Errorf("the title is printed %d times, want once", n)
	}
	chars := 0
	for _, p := range doc.Body {
		chars += utf8.RuneCountInString(strings.Join(strings.Fields(p), ""))
	}
	// Pages are whole: the count may round up the quarter more.
	want := float64(chars) / 616
	{
		got := float64(len(pages))
		if got < math.Floor(want*0.75) {
			t.Errorf("%d pages for %d characters, want %.1f ± 25 %% (want not got < math.Floor(want*0.75))", len(pages), chars, want)
		}
		if got > math.Ceil(want*1.25) {
			t.Errorf("%d pages for %d characters, want %.1f ± 25 %% (want not got > math.Ceil(want*1.25))", len(pages), chars, want)
		}
	}
	// A closer estimate counts the lines each paragraph takes at 28
	// characters (two more for the indent): the pages must be those of
	// that many lines at 22 a page, give or take the title block and
	// the lines that Chinese line breaking moves.
	lines := 0
	for _, p := range doc.Body {
		if n := utf8.RuneCountInString(strings.Join(strings.Fields(p), "")); n > 0 {
			lines += (n + 2 + 27) / 28
		}
	}
	byLines := float64(lines) / 22
	{
		got := float64(len(pages))
		if got < byLines*0.9 {
			t.Errorf("%d pages for %d lines of 28 characters, want about %.1f (want not got < byLines*0.9)", len(pages), lines, byLines)
		}
		if got > math.Ceil(byLines*1.1)+1 {
			t.Errorf("%d pages for %d lines of 28 characters, want about %.1f (want not got > math.Ceil(byLines*1.1)+1)", len(pages), lines, byLines)
		}
	}
	t.Logf("%d characters, %d pages (characters ÷ 616 = %.2f; %d lines ÷ 22 = %.2f); full lines: %d of %.1f characters of %d, widest %.1f; at most %d lines a page",
		chars, len(pages), want, lines, byLines, counts[mode], mode, len(fullLines), widest, maxLines)
}

// bboxWord is a word of pdftotext -bbox output.
var bboxWord = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// checkPlaced checks where the 发文字号 and the 落款 stand on the page
// (A4 is 595 pt wide).
func checkPlaced(t *testing.T, doc *wengao.Document, bbox string) {
	t.Helper()
	l := gongwen.Structure(doc.Title, doc.Body)
	// The words of a printed line joined, as pdftotext -bbox splits
	// digits from Chinese characters.
	type word struct {
		y, x0, x1 float64
		text      string
	}
	var words []word
	for _, m := range bboxWord.FindAllStringSubmatch(bbox, -1) {
		x0, _ := strconv.ParseFloat(m[1], 64)
		y, _ := strconv.ParseFloat(m[2], 64)
		x1, _ := strconv.ParseFloat(m[3], 64)
		if n := len(words); n > 0 && math.Abs(words[n-1].y-y) < 1 {
			words[n-1].x1 = x1
			words[n-1].text += html.UnescapeString(m[5])
			continue
		}
		words = append(words, word{y, x0, x1, html.UnescapeString(m[5])})
	}
	find := func(s string) (word, bool) {
		for i := len(words) - 1; i >= 0; i-- { // the 落款 is near the end
			if strings.Contains(words[i].text, s) {
				return words[i], true
			}
		}
		return word{}, false
	}
	const half = 595.0 / 2
	if l.Date >= 0 {
		date := gongwen.FormatDate(l.DateValue)
		w, ok := find(date)
		if !ok {
			t.Errorf("the date %s is not printed", date)
		} else if w.x0 < half {
			t.Errorf("the date starts at %.0f pt, want on the right half (≥ %.0f)", w.x0, half)
		} else {
			t.Logf("落款 date %q at x %.0f–%.0f pt", w.text, w.x0, w.x1)
		}
		for _, i := range l.Signature {
			s := strings.TrimSpace(doc.Body[i])
			if w, ok := find(s); !ok {
				t.Errorf("the issuer %s is not printed", s)
			} else if w.x0 < half {
				t.Errorf("the issuer %s starts at %.0f pt, want on the right half", s, w.x0)
			}
		}
	}
	if l.DocNumber >= 0 {
		s := strings.TrimSpace(doc.Body[l.DocNumber])
		if w, ok := find(s); !ok {
			t.Errorf("the 发文字号 %s is not printed", s)
		} else if mid := (w.x0 + w.x1) / 2; mid < half-20 || mid > half+20 {
			t.Errorf("the 发文字号 is centred at %.0f pt, want about %.0f", mid, half)
		}
	}
}

// TestGeneratedDocxParts checks how the download lays out a 公文's text
// for package docx: the title's lines dropped from the body, the 发文字号
// under the title, each part with its role, the date in Arabic numerals,
// the site in the properties only.
func TestGeneratedDocxParts(t *testing.T) {
	doc := officeSample()
	doc.Outline = chinese.Outline(doc.Body)
	d := generatedDocx(doc, "文稿库")
	if d.Subtitle != "国办发〔2024〕1号" {
		t.Errorf("Subtitle = %q, want the 发文字号", d.Subtitle)
	}
	if d.Source != "文稿库" {
		t.Errorf("Source = %q", d.Source)
	}
	for _, p := range d.Paragraphs {
		if p == doc.Body[0] {
			t.Errorf("the body repeats the title's line %q (want not p == doc.Body[0])", p)
		}
		if p == doc.Body[1] {
			t.Errorf("the body repeats the title's line %q (want not p == doc.Body[1])", p)
		}
	}
	roles := map[docx.Role]string{}
	for i, r := range d.Roles {
		roles[r] += d.Paragraphs[i] + "|"
	}
	for role, want := range map[docx.Role]string{
		docx.Addressee:  "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：|",
		docx.Signature:  "国务院办公厅|",
		docx.Date:       "2024年1月16日|",
		docx.Note:       "（此件公开发布）|",
		docx.Attachment: "", // two lines, in either order
	} {
		if role == docx.Attachment {
			if n := strings.Count(roles[role], "|"); n != 2 {
				t.Errorf("%d 附件说明 lines, want 2", n)
			}
			continue
		}
		if roles[role] != want {
			t.Errorf("role %d: %q, want %q", role, roles[role], want)
		}
	}
	if d.Headings[2] != 1 { // 一、总体要求, after the 主送机关 and the opening
		t.Errorf("headings %v: 一、 is not level 1 at paragraph 2", d.Headings)
	}
}
