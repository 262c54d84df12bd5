package corpus

import (
	"math"
	"sort"
	"strings"
)

// MaxWord is the longest word, in Han characters, that Stats finds.
const MaxWord = 4

// maxGram is the longest n-gram counted: one more than MaxWord, for the
// branching entropy of the longest words.
const maxGram = MaxWord + 1

// gramKey is an n-gram as character ids, zero-padded.
type gramKey [maxGram]uint16

// gram holds the counts of one n-gram.
type gram struct {
	key  gramKey
	freq int32 // occurrences
	df   int32 // documents holding it
	last int32 // last document counted in df, plus one
	// sums of f·ln f over the n-grams one character longer that extend it
	// to the left and to the right, for its branching entropy
	sumL, sumR float64
}

// Stats holds the counts of every Han n-gram (1 to MaxWord+1 characters) of
// a set of documents, counting inside runs of Han characters only.
type Stats struct {
	Docs   int // documents counted
	ids    map[rune]uint16
	index  map[gramKey]int32
	grams  []gram
	totals [maxGram + 1]int64 // occurrences of all n-grams, by length
}

// NewStats counts the n-grams of the documents' titles and bodies.
func NewStats(docs []*Doc) *Stats {
	st := &Stats{Docs: len(docs), ids: map[rune]uint16{}, index: map[gramKey]int32{}}
	for di, d := range docs {
		for _, text := range []string{d.Title, d.Body} {
			for _, run := range HanRuns(text) {
				st.addRun(run, int32(di+1))
			}
		}
	}
	// Branching entropy: the extensions of each gram by one character, in
	// insertion order so that float sums come out the same on every run.
	for i := range st.grams {
		g := &st.grams[i]
		n := g.key.len()
		if n < 2 || g.freq < 2 {
			continue
		}
		fl := float64(g.freq) * math.Log(float64(g.freq))
		var prefix, suffix gramKey
		copy(prefix[:], g.key[:n-1])
		copy(suffix[:], g.key[1:n])
		if j, ok := st.index[prefix]; ok {
			st.grams[j].sumR += fl
		}
		if j, ok := st.index[suffix]; ok {
			st.grams[j].sumL += fl
		}
	}
	return st
}

func (k gramKey) len() int {
	n := 0
	for n < maxGram && k[n] != 0 {
		n++
	}
	return n
}

func (st *Stats) id(r rune) uint16 {
	if id, ok := st.ids[r]; ok {
		return id
	}
	if len(st.ids) >= math.MaxUint16-1 {
		return 0
	}
	id := uint16(len(st.ids) + 1)
	st.ids[r] = id
	return id
}

func (st *Stats) addRun(run []rune, doc int32) {
	ids := make([]uint16, len(run))
	for i, r := range run {
		ids[i] = st.id(r)
	}
	for i := range ids {
		var k gramKey
		for n := 1; n <= maxGram && i+n <= len(ids); n++ {
			if ids[i+n-1] == 0 {
				break // too many distinct characters: ignore the rarest
			}
			k[n-1] = ids[i+n-1]
			j, ok := st.index[k]
			if !ok {
				j = int32(len(st.grams))
				st.index[k] = j
				st.grams = append(st.grams, gram{key: k})
			}
			g := &st.grams[j]
			g.freq++
			if g.last != doc {
				g.df++
				g.last = doc
			}
			st.totals[n]++
		}
	}
}

func (st *Stats) lookup(s string) *gram {
	var k gramKey
	n := 0
	for _, r := range s {
		if n == maxGram {
			return nil
		}
		id, ok := st.ids[r]
		if !ok {
			return nil
		}
		k[n] = id
		n++
	}
	if n == 0 {
		return nil
	}
	j, ok := st.index[k]
	if !ok {
		return nil
	}
	return &st.grams[j]
}

// DF returns the number of documents holding the Han string s (1 to
// MaxWord+1 characters), or 0.
func (st *Stats) DF(s string) int {
	if g := st.lookup(s); g != nil {
		return int(g.df)
	}
	return 0
}

// Freq returns the number of occurrences of the Han string s (1 to
// MaxWord+1 characters), or 0.
func (st *Stats) Freq(s string) int {
	if g := st.lookup(s); g != nil {
		return int(g.freq)
	}
	return 0
}

// Word is a Han string that behaves as a word in the corpus.
type Word struct {
	Text     string
	Freq, DF int
	// Cohesion is the smallest pointwise mutual information (natural log)
	// between the two parts of any split of the word.
	Cohesion float64
	// Left and Right are the branching entropies (nats) of the characters
	// found before and after the word; a run boundary counts as a
	// character seen once.
	Left, Right float64
}

// WordOptions are the thresholds of Words.
type WordOptions struct {
	MinFreq     int     // occurrences
	MinDF       int     // documents
	MinCohesion float64 // nats
	MinEntropy  float64 // nats, on both sides
}

// DefaultWordOptions suit the 43 M characters of the corpus.
var DefaultWordOptions = WordOptions{MinFreq: 8, MinDF: 3, MinCohesion: 2.5, MinEntropy: 1.2}

// Words returns the n-grams of 2 to MaxWord characters that pass the
// thresholds, sorted by text.
func (st *Stats) Words(o WordOptions) []Word {
	runes := make([]rune, len(st.ids)+1)
	for r, id := range st.ids {
		runes[id] = r
	}
	var out []Word
	for i := range st.grams {
		g := &st.grams[i]
		n := g.key.len()
		if n < 2 || n > MaxWord || int(g.freq) < o.MinFreq || int(g.df) < o.MinDF {
			continue
		}
		f := float64(g.freq)
		left := math.Log(f) - g.sumL/f
		right := math.Log(f) - g.sumR/f
		if left < o.MinEntropy || right < o.MinEntropy {
			continue
		}
		coh := math.Inf(1)
		pw := math.Log(f) - math.Log(float64(st.totals[n]))
		for cut := 1; cut < n; cut++ {
			var a, b gramKey
			copy(a[:], g.key[:cut])
			copy(b[:], g.key[cut:n])
			fa := float64(st.grams[st.index[a]].freq)
			fb := float64(st.grams[st.index[b]].freq)
			pa := math.Log(fa) - math.Log(float64(st.totals[cut]))
			pb := math.Log(fb) - math.Log(float64(st.totals[n-cut]))
			coh = min(coh, pw-pa-pb)
		}
		if coh < o.MinCohesion {
			continue
		}
		text := make([]rune, n)
		for j := 0; j < n; j++ {
			text[j] = runes[g.key[j]]
		}
		out = append(out, Word{Text: string(text), Freq: int(g.freq), DF: int(g.df), Cohesion: coh, Left: left, Right: right})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Text < out[j].Text })
	return out
}

// Vocab is a set of words for segmentation.
type Vocab map[string]bool

// NewVocab returns the set of the words' texts.
func NewVocab(words []Word) Vocab {
	v := make(Vocab, len(words))
	for _, w := range words {
		v[w.Text] = true
	}
	return v
}

// Segment splits a run of Han characters into words by forward maximum
// matching; characters that start no word stand alone.
func (v Vocab) Segment(run []rune) []string {
	var out []string
	for i := 0; i < len(run); {
		n := 1
		for l := min(MaxWord, len(run)-i); l >= 2; l-- {
			if v[string(run[i:i+l])] {
				n = l
				break
			}
		}
		out = append(out, string(run[i:i+n]))
		i += n
	}
	return out
}

// Characters that rarely start or end a word but often a phrase ("的规定",
// "中的问题", "电商等").
const (
	startStops = "的了和与及或在对等是并但将把被从向于其之所而也就都还又即且再已该由为以按经使中后内上下时这那此个每各要"
	endStops   = "的了和与及或在对等是并但将把被从向于其之所而也就都还又即且再已该由为以按经使这那此个每各不应可"
)

// Verbs and adverbs that open phrases rather than words ("立即采取",
// "进行调解", "可以决定").
var genericHeads = map[string]bool{}

func init() {
	for _, w := range []string{
		"进行", "可以", "立即", "具有", "利用", "定期", "应当", "依法", "及时", "严格",
		"加强", "推进", "推广", "建立", "做好", "实行", "开展", "采取", "我们", "服从",
		"配置", "不得", "予以", "负责", "组织", "依照", "按照", "根据", "对于", "关于",
		"通过", "全面", "大力", "积极", "切实", "认真", "紧紧", "努力", "重新", "需要",
		"提高", "鼓励", "支持", "引导", "促进", "保障", "确保", "保证", "落实", "完善",
		"健全", "坚持", "深化", "统筹", "强化", "优化", "提升", "规范", "实施", "设立",
		"设置", "使用", "出现", "造成", "发生", "经过", "相关", "其他", "各类", "有关",
		"一切", "所有", "任何", "一般", "一定", "主要", "重要", "重大", "不能", "不再",
		"逐步", "配合", "回答", "发现", "产生", "如何", "虽然", "如果", "但是", "因此",
	} {
		genericHeads[w] = true
	}
	for _, w := range []string{
		"或者", "以及", "左右", "之间", "以上", "以下", "以内", "之内", "之后", "以前", "以后",
		"期间", "等等", "提出", "造成", "进行", "开展", "实施", "方面",
	} {
		genericTails[w] = true
	}
}

// Function words and generic verbs that close phrases rather than words
// ("死亡或者", "亿元左右").
var genericTails = map[string]bool{}

// Plain reports whether a word found by Words is one a writer would type as
// a search word: cohesive, free on both sides, and not a phrase opened or
// closed by a function character or a generic verb.
func Plain(w Word) bool {
	rs := []rune(w.Text)
	n := len(rs)
	if n < 2 || n > MaxWord || w.Freq < 8 || w.DF < 3 || w.Cohesion < 3 {
		return false
	}
	edgeStop := strings.ContainsRune(startStops, rs[0]) || strings.ContainsRune(endStops, rs[n-1])
	if n == 2 {
		return min(w.Left, w.Right) >= 1.5 && (!edgeStop || w.Cohesion >= 5.5)
	}
	if min(w.Left, w.Right) < 1.6 || edgeStop || strings.ContainsAny(w.Text, "的了") || strings.ContainsRune("上下中内外后前时者", rs[n-1]) {
		return false
	}
	return !(n == 4 && (genericHeads[string(rs[:2])] || genericTails[string(rs[2:])]))
}
