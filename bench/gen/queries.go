package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/wengao/wengao/bench/internal/corpus"
)

// The latency queries (bench/queries.txt): what civil-servant writers type
// into the search box of a library of laws, regulations, work reports and
// State Council documents.

// topics are subjects writers of official documents search for; only those
// held by at least three documents of the corpus are used.
var topics = []string{
	"乡村振兴", "营商环境", "安全生产", "生态环境", "数字经济", "高质量发展", "新质生产力", "共同富裕",
	"碳达峰", "碳中和", "河长制", "垃圾分类", "疫情防控", "脱贫攻坚", "社会保障", "养老服务",
	"食品安全", "网络安全", "知识产权", "基层治理", "文明城市", "人居环境", "耕地保护", "住房公积金",
	"物业管理", "民营经济", "科技创新", "绿色发展", "城乡融合", "一带一路", "国有资产", "审计监督",
	"行政执法", "政务公开", "信访", "应急管理", "防汛抗旱", "大气污染", "水污染防治", "未成年人保护",
	"残疾人", "义务教育", "职业教育", "医疗保障", "住房保障", "市场监管", "招标投标", "政府采购",
	"文物保护", "非物质文化遗产", "历史文化名城", "全域旅游", "人才引进", "创新驱动", "数据安全",
	"个人信息", "生态文明", "黄河流域", "海洋经济", "城市更新", "老旧小区", "网格化", "数字政府",
	"一网通办", "林长制", "消防安全", "城市管理", "家庭教育", "文明行为", "移风易俗", "爱国卫生",
	"禁毒", "平安建设", "扬尘污染", "优化营商环境", "社会信用", "法治政府", "依法行政", "政府工作报告",
	"民族团结", "对口支援", "农村集体经济", "宅基地", "土地承包", "公共文化服务", "全民健身",
	"野生动物", "湿地保护", "水土保持", "节约能源", "循环经济", "中小企业", "对外开放", "自由贸易试验区",
}

// fixedFilters are filter-only queries: every document of a category or
// year, newest first.
var fixedFilters = []string{"category:报告 year:2026", "year:2024"}

type queryGen struct {
	*gen
	rng    *rand.Rand
	post   map[string][]int // documents holding each topic
	topics []string         // the topics present in the corpus
	seen   map[string]bool
	out    []string
}

func (q *queryGen) add(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || q.seen[s] {
		return false
	}
	q.seen[s] = true
	q.out = append(q.out, s)
	return true
}

// plainIn returns the plain words of a paragraph whose document frequency
// lies in [lo, hi) as a share of the corpus, distinct and not overlapping
// any of skip.
func (q *queryGen) plainIn(para string, lo, hi float64, skip ...string) []string {
	n := float64(len(q.docs))
	var out []string
	for _, w := range q.segment(para) {
		pw, ok := q.plain[w]
		if !ok || float64(pw.DF) < lo*n || float64(pw.DF) >= hi*n || containsAny(out, w) || containsAny(skip, w) {
			continue
		}
		out = append(out, w)
	}
	return out
}

// randomParagraph returns a paragraph of at least minLen characters of a
// random document (of the given ones, or of all when nil).
func (q *queryGen) randomParagraph(among []int, minLen int, having string) (string, int) {
	for try := 0; try < 1000; try++ {
		di := q.rng.IntN(len(q.docs))
		if among != nil {
			di = among[q.rng.IntN(len(among))]
		}
		paras := q.docs[di].Paragraphs()
		var ok []string
		for _, p := range paras {
			if runeLen(p) >= minLen && strings.Contains(p, having) {
				ok = append(ok, p)
			}
		}
		if len(ok) > 0 {
			return ok[q.rng.IntN(len(ok))], di
		}
	}
	return "", -1
}

// longRun returns a random run of at least n Han characters.
func (q *queryGen) longRun(n int) []rune {
	for {
		p, _ := q.randomParagraph(nil, n, "")
		var runs [][]rune
		for _, r := range corpus.HanRuns(p) {
			if len(r) >= n {
				runs = append(runs, r)
			}
		}
		if len(runs) > 0 {
			return runs[q.rng.IntN(len(runs))]
		}
	}
}

func (g *gen) queries(rng *rand.Rand) []string {
	q := &queryGen{gen: g, rng: rng, seen: map[string]bool{}}
	q.post = corpus.Postings(g.docs, topics)
	for _, t := range topics {
		if len(q.post[t]) >= 3 {
			q.topics = append(q.topics, t)
		}
	}
	// Plain words by document frequency.
	var high, mid, low []string
	n := float64(len(g.docs))
	var plain []string
	for w := range g.plain {
		plain = append(plain, w)
	}
	slices.Sort(plain)
	for _, w := range plain {
		pw := g.plain[w]
		if min(pw.Left, pw.Right) < 2 {
			continue
		}
		switch df := float64(pw.DF); {
		case df >= 0.05*n:
			high = append(high, w)
		case df >= 0.01*n:
			mid = append(mid, w)
		case df >= 0.001*n:
			low = append(low, w)
		}
	}

	// One word: 35 topics, 35 words of the corpus (12 frequent, 13 of mid
	// frequency, 10 rarer).
	start := len(q.out)
	for _, t := range pick(rng, q.topics, 35) {
		q.add(t)
	}
	for _, band := range []struct {
		words []string
		n     int
	}{{high, 12}, {mid, 13}, {low, 10}} {
		for _, w := range pick(rng, band.words, band.n) {
			q.add(w)
		}
	}
	oneWord := slices.Clone(q.out[start:])

	// Two or three words. Words found together in a paragraph.
	start = len(q.out)
	for added := 0; added < 25; {
		p, _ := q.randomParagraph(nil, 40, "")
		ws := q.plainIn(p, 0.005, 0.4)
		k := 2
		if rng.IntN(3) == 0 {
			k = 3
		}
		if len(ws) >= k && q.add(strings.Join(pick(rng, ws, k), " ")) {
			added++
		}
	}
	// A topic and a word or two of a paragraph that holds it.
	for added := 0; added < 20; {
		t := q.topics[rng.IntN(len(q.topics))]
		p, _ := q.randomParagraph(q.post[t], 30, t)
		ws := q.plainIn(p, 0.01, 0.4, t)
		k := 1 + rng.IntN(2)
		if len(ws) >= k && q.add(t+" "+strings.Join(pick(rng, ws, k), " ")) {
			added++
		}
	}
	// A place and the topic of one of its regulations.
	for added := 0; added < 15; {
		di := rng.IntN(len(g.docs))
		if !strings.Contains(g.docs[di].Category, "地方性法规") {
			continue
		}
		var pl string
		var topic []chunk
		for _, c := range g.titleChunks(rng, g.docs[di].Title) {
			switch c.kind {
			case place:
				if pl == "" {
					pl = c.text
				}
			case content:
				if c.df < int(0.2*n) {
					topic = append(topic, c)
				}
			}
		}
		if pl != "" && len(topic) > 0 && q.add(pl+" "+topic[rng.IntN(len(topic))].text) {
			added++
		}
	}
	multi := slices.Clone(q.out[start:])

	// Quoted phrases: whole words, then strings that cut through words.
	for added := 0; added < 20; {
		run := q.longRun(8)
		ws := g.vocab.Segment(run)
		i := rng.IntN(len(ws))
		phrase := ""
		for j := i; j < len(ws) && runeLen(phrase+ws[j]) <= 8; j++ {
			phrase += ws[j]
		}
		phrase = strings.Trim(phrase, "的了和与及或在对等是并")
		if runeLen(phrase) >= 4 && q.add(`"`+phrase+`"`) {
			added++
		}
	}
	for added := 0; added < 15; {
		run := q.longRun(10)
		l := 4 + rng.IntN(4)
		i := 1 + rng.IntN(len(run)-l-1)
		if q.add(`"` + string(run[i:i+l]) + `"`) {
			added++
		}
	}

	// Traditional characters: queries above as typed on a traditional
	// input method.
	for _, src := range []struct {
		queries []string
		n       int
	}{{oneWord, 15}, {multi, 10}} {
		added := 0
		for _, i := range rng.Perm(len(src.queries)) {
			if added == src.n {
				break
			}
			s := src.queries[i]
			if t := g.trad(s); t != s && q.add(t) {
				added++
			}
		}
	}

	// Filters, with words.
	inCategory := func(cat string) []string {
		var out []string
		for _, t := range q.topics {
			c := 0
			for _, di := range q.post[t] {
				if strings.HasPrefix(g.docs[di].Category, cat) || strings.Contains(g.docs[di].Category, "/"+cat) {
					c++
				}
			}
			if c >= 2 {
				out = append(out, t)
			}
		}
		return out
	}
	for _, f := range []struct {
		cat    string
		n      int
		before bool // filter before the word
	}{{"法律法规", 8, false}, {"报告", 4, true}, {"公文", 2, true}, {"法律法规/地方性法规", 2, false}, {"司法解释", 1, false}} {
		for _, t := range pick(rng, inCategory(f.cat), f.n) {
			if f.before {
				q.add("category:" + f.cat + " " + t)
			} else {
				q.add(t + " category:" + f.cat)
			}
		}
	}
	for added := 0; added < 6; {
		t := q.topics[rng.IntN(len(q.topics))]
		di := q.post[t][rng.IntN(len(q.post[t]))]
		y := corpus.Year(g.docs[di].Date)
		if y >= 2010 && q.add(fmt.Sprintf("%s year:%d", t, y)) {
			added++
		}
	}
	ranges := []string{"from:2020-01-01 to:2023-12-31", "from:2018", "to:2010-12-31", "from:2021-06 to:2022-06", "from:2015-01-01 to:2019-12-31"}
	for i, t := range pick(rng, q.topics, len(ranges)) {
		q.add(t + " " + ranges[i])
	}
	for _, f := range fixedFilters {
		q.add(f)
	}

	// Exclusions and OR.
	for added := 0; added < 3; {
		t := q.topics[rng.IntN(len(q.topics))]
		p, _ := q.randomParagraph(q.post[t], 30, t)
		if ws := q.plainIn(p, 0.01, 0.3, t); len(ws) > 0 && q.add(t+" -"+ws[rng.IntN(len(ws))]) {
			added++
		}
	}
	for added := 0; added < 5; {
		ts := pick(rng, q.topics, 3)
		s := ts[0] + " OR " + ts[1]
		switch added {
		case 3:
			s += " -" + ts[2]
		case 4:
			s += " " + ts[2]
		}
		if q.add(s) {
			added++
		}
	}
	return q.out
}
