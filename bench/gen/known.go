package main

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/wengao/wengao/bench/internal/corpus"
)

// Known-item queries: for a document picked at random, two or three words
// of its title as a writer looking for it would type them: the place and
// the topic, without the generic parts (中华人民共和国, 关于, 条例, 的…).

type knownItem struct {
	query, target string
	titleMatches  int // documents whose title holds every word of the query
}

// chunk is one candidate word of a title query.
type chunk struct {
	text string
	pos  int // rune offset in the title, for ordering
	kind int
	df   int
}

// maxChunk is the longest query word taken from a title, in characters.
const maxChunk = 7

// functionChars end a group of title words ("占有本公司" → "占有").
const functionChars = "的了和与及或在对为等并又向以本其之于由被把将从"

// suffixChars may end a title word after a longer word.
const suffixChars = "区市省县州法者性化业员所局厅部会院费税权案"

// junctions are trimmed from the ends of title words.
const junctions = "和与及等并或、"

const (
	content = iota
	place
	year
)

// isLocal reports whether a category holds documents named after a place.
func isLocal(category string) bool {
	return strings.Contains(category, "地方性法规") || strings.Contains(category, "修改废止决定") || strings.Contains(category, "政府工作报告")
}

var (
	yearRe     = regexp.MustCompile(`(1[89][0-9][0-9]|20[0-9][0-9])年`)
	bracketRe  = regexp.MustCompile(`（[^）]*）|\([^)]*\)|〔[^〕]*〕|\[[^\]]*\]|【[^】]*】`)
	ordinalRe  = regexp.MustCompile(`^第([一二三四五六七八九十百零〇]+)`)
	nonHanRe   = regexp.MustCompile(`[^\p{Han}]+`)
	protectMap = []string{"政府工作报告", "工作报告"}
)

// generic are the parts of titles that say nothing of the topic; removed
// longest first.
var generic = sortedLongestFirst([]string{
	"中华人民共和国", "全国人民代表大会常务委员会", "全国人民代表大会", "人民代表大会常务委员会",
	"人民代表大会", "常务委员会", "人大常委会", "人民政府办公厅", "人民政府", "国务院办公厅", "国务院",
	"最高人民法院", "最高人民检察院", "关于", "若干", "问题", "适用法律", "实施细则", "细则", "实施",
	"暂行", "试行", "条例", "办法", "规定", "决定", "决议", "意见", "通知", "批复", "答复", "解释",
	"规则", "工作", "加强", "进一步", "有关", "的",
})

// weak words are cut from the ends of a chunk at random, as writers often
// leave them out ("扬尘污染防治" → "扬尘污染").
var weakTail = []string{"管理", "保护", "促进", "防治", "服务", "办理", "监督", "建设", "发展", "规范"}
var weakHead = []string{"审理", "办理", "加快", "推进", "促进", "规范", "完善", "健全", "做好", "深化", "全面"}

// ethnic groups as they appear in the names of autonomous areas; the short
// name of an area stops before the first ("延边朝鲜族自治州" → "延边").
var ethnic = []string{
	"蒙古族", "回族", "藏族", "维吾尔", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族",
	"瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族",
	"拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族",
	"羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "普米族", "塔吉克族", "怒族",
	"鄂温克族", "保安族", "裕固族", "独龙族", "鄂伦春族", "各族", "哈萨克", "蒙古", "柯尔克孜",
}

func sortedLongestFirst(list []string) []string {
	out := slices.Clone(list)
	sort.SliceStable(out, func(i, j int) bool { return runeLen(out[i]) > runeLen(out[j]) })
	return out
}

// placePrefix returns the place name that starts s ("揭阳市", "延边朝鲜族自治州"),
// or "" when none seems to.
func placePrefix(s string) string {
	rs := []rune(s)
	for end := 3; end <= min(len(rs), 14); end++ {
		head := string(rs[:end])
		for _, suf := range []string{"自治区", "自治州", "自治县", "自治旗", "经济特区"} {
			if strings.HasSuffix(head, suf) && end-runeLen(suf) >= 2 {
				return head
			}
		}
		if end <= 5 {
			for _, suf := range []string{"省", "市", "县", "区", "盟", "旗"} {
				if strings.HasSuffix(head, suf) && end-1 >= 2 {
					return head
				}
			}
		}
	}
	return ""
}

// shortPlace returns the name a writer types for a place: without its
// administrative suffix and, for autonomous areas, the ethnic groups.
func shortPlace(full string) string {
	for _, suf := range []string{"自治区", "自治州", "自治县", "自治旗", "经济特区"} {
		if name, ok := strings.CutSuffix(full, suf); ok {
			cut := len(name)
			for _, e := range ethnic {
				if i := strings.Index(name, e); i >= 6 && i < cut { // at least two characters before
					cut = i
				}
			}
			return name[:cut]
		}
	}
	rs := []rune(full)
	return string(rs[:len(rs)-1])
}

// indexTitles counts titles and finds the place names that start the titles
// of local documents (kept when at least two titles start with them).
func (g *gen) indexTitles() {
	g.titleCount = map[string]int{}
	g.docsByTitle = map[string]int{}
	count := map[string]int{}
	for i, d := range g.docs {
		g.titleCount[d.Title]++
		g.docsByTitle[d.Title] = i
		if !isLocal(d.Category) {
			continue
		}
		t := strings.TrimSpace(yearRe.ReplaceAllString(d.Title, ""))
		if p := placePrefix(t); p != "" {
			count[p]++
		}
	}
	g.places = map[string]string{}
	for p, n := range count {
		if n >= 2 {
			g.places[p] = shortPlace(p)
			g.placeNames = append(g.placeNames, p)
		}
	}
	slices.Sort(g.placeNames)
	g.placeNames = sortedLongestFirst(g.placeNames)
}

// leadingPlace returns the longest known place name that starts s.
func (g *gen) leadingPlace(s string) string {
	rs := []rune(s)
	for end := min(len(rs), 14); end >= 3; end-- {
		if _, ok := g.places[string(rs[:end])]; ok {
			return string(rs[:end])
		}
	}
	return ""
}

// titleChunks splits a title into candidate query words.
func (g *gen) titleChunks(rng *rand.Rand, title string) []chunk {
	var chunks []chunk
	s := title
	if m := yearRe.FindStringSubmatchIndex(s); m != nil {
		chunks = append(chunks, chunk{text: s[m[2]:m[3]], pos: runeLen(s[:m[0]]), kind: year})
		s = s[:m[0]] + "|" + s[m[1]:]
	}
	s = bracketRe.ReplaceAllString(s, "|")
	// Keep the positions of the title: replace removed parts by as many
	// separators, so that rune offsets stay those of the title (mostly).
	for i, p := range protectMap {
		s = strings.ReplaceAll(s, p, string(rune(0xE000+i)))
	}
	blank := func(part string) { s = strings.ReplaceAll(s, part, strings.Repeat("|", runeLen(part))) }
	// Places: every known place name at the start of a segment.
	usedPlaces := map[string]bool{}
	for _, seg := range strings.FieldsFunc(nonHanRe.ReplaceAllString(s, "|"), func(r rune) bool { return r == '|' }) {
		// A place may follow another: 湖南省麻阳苗族自治县.
		for p := g.leadingPlace(seg); p != ""; p = g.leadingPlace(seg) {
			seg = seg[len(p):]
			if usedPlaces[g.places[p]] {
				continue
			}
			usedPlaces[g.places[p]] = true
			text := g.places[p]
			if rng.Float64() < 0.3 {
				text = p // some writers type the full name: 揭阳市
			}
			chunks = append(chunks, chunk{text: text, pos: runeLen(s[:strings.Index(s, p)]), kind: place})
		}
	}
	for _, full := range g.placeNames {
		if usedPlaces[g.places[full]] && strings.Contains(s, full) {
			blank(full)
		}
	}
	for _, part := range generic {
		blank(part)
	}
	for i, p := range protectMap {
		s = strings.ReplaceAll(s, string(rune(0xE000+i)), p)
	}
	s = nonHanRe.ReplaceAllStringFunc(s, func(x string) string { return strings.Repeat("|", runeLen(x)) })

	// Segments between separators, then words grouped into chunks of at
	// most six characters.
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if rs[i] == '|' {
			i++
			continue
		}
		j := i
		for j < len(rs) && rs[j] != '|' {
			j++
		}
		seg, pos := string(rs[i:j]), i
		i = j
		if m := ordinalRe.FindStringSubmatchIndex(seg); m != nil {
			seg, pos = seg[m[2]:], pos+1 // 第十四届 → 十四届
		}
		seg = strings.TrimPrefix(strings.Trim(seg, junctions), "在")
		if runeLen(seg) < 2 {
			continue
		}
		var group []string
		groupLen, groupPos := 0, pos
		flush := func() {
			// A lone character rarely ends a word, unless a suffix
			// ("特别行政区", "基本法").
			for len(group) > 1 && runeLen(group[len(group)-1]) == 1 && !strings.Contains(suffixChars, group[len(group)-1]) {
				group = group[:len(group)-1]
			}
			if t := strings.Trim(strings.Join(group, ""), junctions); runeLen(t) >= 2 {
				chunks = append(chunks, chunk{text: t, pos: groupPos, kind: content})
			}
			group, groupLen = nil, 0
		}
		if runeLen(seg) <= maxChunk {
			group, groupLen, groupPos = []string{seg}, runeLen(seg), pos
			flush()
			continue
		}
		// A long segment: groups of consecutive words; a function
		// character ends a group, another single character joins it.
		off := pos
		for _, w := range g.vocab.Segment([]rune(seg)) {
			n := runeLen(w)
			function := n == 1 && strings.Contains(functionChars, w)
			if function || groupLen+n > maxChunk || (n == 1 && groupLen == 0) {
				flush()
			}
			if !function && !(n == 1 && groupLen == 0) {
				if groupLen == 0 {
					groupPos = off
				}
				group = append(group, w)
				groupLen += n
			}
			off += n
		}
		flush()
	}
	// Trim weak words at the ends of content chunks, at random.
	out := chunks[:0]
	for _, c := range chunks {
		if c.kind == content {
			for _, w := range weakTail {
				if t, ok := strings.CutSuffix(c.text, w); ok && runeLen(t) >= 2 && rng.Float64() < 0.6 {
					c.text = t
					break
				}
			}
			for _, w := range weakHead {
				if t, ok := strings.CutPrefix(c.text, w); ok && runeLen(t) >= 2 && rng.Float64() < 0.6 {
					c.text = t
					c.pos += runeLen(w)
					break
				}
			}
			if runeLen(c.text) < 2 {
				continue
			}
		}
		c.df = g.df(c.text)
		out = append(out, c)
	}
	return out
}

// titlesWith returns the indexes of the documents whose title holds every
// part.
func (g *gen) titlesWith(parts []string) []int {
	var out []int
	for i, d := range g.docs {
		if containsAll(d.Title, parts) {
			out = append(out, i)
		}
	}
	return out
}

// knownQuery chooses the words of a known-item query for document di, or
// returns ok false when its title gives no query that finds it.
func (g *gen) knownQuery(rng *rand.Rand, di int) (words []string, matches int, ok bool) {
	d := g.docs[di]
	chunks := g.titleChunks(rng, d.Title)
	var fixed, topical []chunk
	for _, c := range chunks {
		if c.kind == content {
			topical = append(topical, c)
		} else {
			fixed = append(fixed, c)
		}
	}
	if len(topical) == 0 {
		return nil, 0, false
	}
	// Most distinctive topic words first.
	sort.SliceStable(topical, func(i, j int) bool { return topical[i].df < topical[j].df })
	want := 2
	if rng.Float64() < 0.4 {
		want = 3
	}
	chosen := slices.Clone(fixed)
	if len(chosen) > 2 {
		chosen = chosen[:2]
	}
	next := 0
	for next < len(topical) && (next == 0 || len(chosen) < want) {
		chosen = append(chosen, topical[next])
		next++
	}
	texts := func() []string {
		var t []string
		for _, c := range chosen {
			t = append(t, c.text)
		}
		return t
	}
	hits := g.titlesWith(texts())
	for len(hits) > 1 && next < len(topical) && len(chosen) < 4 {
		chosen = append(chosen, topical[next])
		next++
		hits = g.titlesWith(texts())
	}
	if !slices.Contains(hits, di) {
		return nil, 0, false
	}
	if len(hits) > 1 {
		// Ambiguous: fair only when the target is the plainest title of
		// those that hold the words (the law, not the decision amending it).
		for _, h := range hits {
			if h != di && runeLen(g.docs[h].Title) <= runeLen(d.Title) {
				return nil, 0, false
			}
		}
	}
	// Drop a word that another chosen word holds ("柳州 柳州螺蛳粉").
	kept := chosen[:0]
	for i, c := range chosen {
		dup := false
		for j, o := range chosen {
			if i != j && strings.Contains(o.text, c.text) && (o.text != c.text || j < i) {
				dup = true
			}
		}
		if !dup {
			kept = append(kept, c)
		}
	}
	chosen = kept
	if len(chosen) == 1 && !strings.HasSuffix(chosen[0].text, "法") {
		return nil, 0, false // one word only for the name of a law: 畜牧法
	}
	sort.SliceStable(chosen, func(i, j int) bool { return chosen[i].pos < chosen[j].pos })
	return texts(), len(hits), true
}

// knownItems returns n known-item queries for documents picked at random
// (local regulations, three quarters of the corpus, less often).
func (g *gen) knownItems(rng *rand.Rand, n int) []knownItem {
	var out []knownItem
	seen := map[string]bool{}
	for _, di := range rng.Perm(len(g.docs)) {
		if len(out) == n {
			break
		}
		d := g.docs[di]
		if g.titleCount[d.Title] > 1 || (strings.Contains(d.Category, "地方性法规") && rng.Float64() < 0.4) {
			continue
		}
		words, matches, ok := g.knownQuery(rng, di)
		q := strings.Join(words, " ")
		if !ok || seen[q] {
			continue
		}
		seen[q] = true
		out = append(out, knownItem{query: q, target: d.ID, titleMatches: matches})
	}
	return out
}

// Mixed queries: a writer remembers the subject of a document and one
// detail of its text: one or two words of the title (the place and the
// topic) and one distinctive word of a paragraph (held by fewer than 2 % of
// the documents, not in the title). The target holds every word, but not
// in its title: ranking must weigh a partial title match.

type mixedItem struct {
	query, target string
	matches       int // documents holding every word
}

func (g *gen) mixedItems(rng *rand.Rand, n int) []mixedItem {
	var out []mixedItem
	seen := map[string]bool{}
	limit := int(maxBodyDF * float64(len(g.docs)))
	for _, di := range rng.Perm(len(g.docs)) {
		if len(out) == n {
			break
		}
		d := g.docs[di]
		if g.titleCount[d.Title] > 1 || (strings.Contains(d.Category, "地方性法规") && rng.Float64() < 0.4) {
			continue
		}
		words, _, ok := g.knownQuery(rng, di)
		if !ok {
			continue
		}
		if len(words) > 2 {
			words = words[:2]
		}
		paras := d.Paragraphs()
		var long []int
		for i, p := range paras {
			if runeLen(strings.TrimSpace(p)) >= 60 {
				long = append(long, i)
			}
		}
		if len(long) == 0 {
			continue
		}
		var cands []string
		for _, w := range g.segment(paras[long[rng.IntN(len(long))]]) {
			if pw, ok := g.plain[w]; ok && pw.DF < limit && !strings.Contains(d.Title, w) && !containsAny(words, w) && !containsAny(cands, w) {
				cands = append(cands, w)
			}
		}
		if len(cands) == 0 {
			continue
		}
		words = append(words, cands[rng.IntN(len(cands))])
		q := strings.Join(words, " ")
		if seen[q] {
			continue
		}
		seen[q] = true
		out = append(out, mixedItem{query: q, target: d.ID})
	}
	// The documents holding every word are among those holding the body
	// word, which is rare.
	var bodyWords []string
	for _, m := range out {
		ws := strings.Fields(m.query)
		bodyWords = append(bodyWords, ws[len(ws)-1])
	}
	post := corpus.Postings(g.docs, bodyWords)
	for i, m := range out {
		words := strings.Fields(m.query)
		for _, j := range post[words[len(words)-1]] {
			if containsAll(g.docs[j].Title+"\n"+g.docs[j].Body, words) {
				out[i].matches++
			}
		}
	}
	return out
}
