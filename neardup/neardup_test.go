package neardup

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// law is the start of 中华人民共和国畜牧法 (public domain), and lawTrad the
// same in traditional characters with full-width digits and other
// punctuation.
var law = []string{
	"第一章 总 则",
	"第一条　为了规范畜牧业生产经营行为，保障畜禽产品供给和质量安全，保护和合理利用畜禽遗传资源，培育和推广畜禽优良品种，振兴畜禽种业，维护畜牧业生产经营者的合法权益，防范公共卫生风险，促进畜牧业高质量发展，制定本法。",
	"第二条　在中华人民共和国境内从事畜禽的遗传资源保护利用、繁育、饲养、经营、运输、屠宰等活动，适用本法。",
	"本法所称畜禽，是指列入依照本法第12条规定公布的畜禽遗传资源目录的畜禽。",
	"第三条　国家支持畜牧业发展，发挥畜牧业在发展农业、农村经济和增加农民收入中的作用。",
	"县级以上人民政府应当将畜牧业发展纳入国民经济和社会发展规划，加强畜牧业基础设施建设，鼓励和扶持发展规模化、标准化和智能化养殖，促进种养结合和农牧循环、绿色发展，推进畜牧产业化经营，提高畜牧业综合生产能力，发展安全、优质、高效、生态的畜牧业。",
}

var lawTrad = []string{
	"第一章　總　則",
	"第一條 為了規範畜牧業生產經營行為, 保障畜禽產品供給和質量安全, 保護和合理利用畜禽遺傳資源, 培育和推廣畜禽優良品種, 振興畜禽種業, 維護畜牧業生產經營者的合法權益, 防範公共衛生風險, 促進畜牧業高質量發展, 制定本法.",
	"第二條 在中華人民共和國境內從事畜禽的遺傳資源保護利用、繁育、飼養、經營、運輸、屠宰等活動，適用本法。",
	"本法所稱畜禽，是指列入依照本法第１２條規定公佈的畜禽遺傳資源目錄的畜禽。",
	"第三條 國家支持畜牧業發展，發揮畜牧業在發展農業、農村經濟和增加農民收入中的作用。",
	"縣級以上人民政府應當將畜牧業發展納入國民經濟和社會發展規劃，加強畜牧業基礎設施建設，鼓勵和扶持發展規模化、標準化和智能化養殖，促進種養結合和農牧循環、綠色發展，推進畜牧產業化經營，提高畜牧業綜合生產能力，發展安全、優質、高效、生態的畜牧業。",
}

// synth returns a random text of about n Han characters from the first
// `chars` characters of the CJK block, in paragraphs of 20 to 200, with
// punctuation.
func synth(rng *rand.Rand, n, base, chars int) []string {
	var paras []string
	var sb strings.Builder
	for n > 0 {
		l := min(n, 20+rng.IntN(180))
		n -= l
		sb.Reset()
		for i := range l {
			sb.WriteRune(rune(0x4E00 + base + rng.IntN(chars)))
			if i%17 == 16 {
				sb.WriteString("，")
			}
		}
		sb.WriteString("。")
		paras = append(paras, sb.String())
	}
	return paras
}

// edit changes each Han character of paras with probability rate: a
// substitution, an insertion before it or a deletion.
func edit(rng *rand.Rand, paras []string, rate float64) []string {
	out := make([]string, len(paras))
	for i, p := range paras {
		var sb strings.Builder
		for _, r := range p {
			if r < 0x4E00 || rng.Float64() >= rate {
				sb.WriteRune(r)
				continue
			}
			c := rune(0x4E00 + rng.IntN(3000))
			switch rng.IntN(3) {
			case 0:
				sb.WriteRune(c)
			case 1:
				sb.WriteRune(c)
				sb.WriteRune(r)
			}
		}
		out[i] = sb.String()
	}
	return out
}

// exact returns the exact Jaccard similarity of the shingle sets of a and b.
func exact(a, b []string) float64 {
	return Jaccard(Shingles(nil, a, K), Shingles(nil, b, K))
}

// substitute replaces each Han character of paras with probability rate by
// another: the texts keep a share 1 − rate of their characters in common.
func substitute(rng *rand.Rand, paras []string, rate float64) []string {
	out := make([]string, len(paras))
	for i, p := range paras {
		var sb strings.Builder
		for _, r := range p {
			if r >= 0x4E00 && rng.Float64() < rate {
				r = rune(0x4E00 + 3000 + rng.IntN(3000)) // never the same
			}
			sb.WriteRune(r)
		}
		out[i] = sb.String()
	}
	return out
}

func TestIdentical(t *testing.T) {
	a, b := Sign(law), Sign(slices.Clone(law))
	if got := a; got != b {
		t.Fatalf("identical texts: a = %v, want %v", got, b)
	}
	if got := Similarity(a, b); got != 1 {
		t.Fatalf("identical texts: Similarity(a, b) = %v, want %v", got, 1)
	}
	if a.Empty() {
		t.Fatal("signature of a text is empty")
	}
}

func TestDisjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	a := synth(rng, 3000, 0, 1000)
	b := synth(rng, 3000, 1000, 1000) // other characters
	if s := Similarity(Sign(a), Sign(b)); s != 0 {
		t.Fatalf("disjoint texts: similarity %v", s)
	}
	// Two unrelated texts over the same characters share some shingles
	// by chance, but few. (A single equal value of 128 already makes a
	// similarity of 0.18: FromJaccard takes a square root.)
	c := synth(rng, 3000, 0, 1000)
	{
		j, s := EstimateJaccard(Sign(a), Sign(c)), Similarity(Sign(a), Sign(c))
		if j > 0.03 {
			t.Fatalf("unrelated texts: Jaccard %v, similarity %v (exact Jaccard %v) (want not j > 0.03)", j, s, exact(a, c))
		}
		if s > 0.3 {
			t.Fatalf("unrelated texts: Jaccard %v, similarity %v (exact Jaccard %v) (want not s > 0.3)", j, s, exact(a, c))
		}
	}
}

func TestEdited(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 2))
		orig := synth(rng, 5000, 0, 3000)
		e2 := edit(rng, orig, 0.02)
		if s := Similarity(Sign(orig), Sign(e2)); s < 0.9 {
			t.Errorf("seed %d: 2%% edited copy: similarity %v < 0.9 (exact %v)", seed, s, ExactSimilarity(orig, e2))
		}
		// The requirement: a copy with 10 % of its characters edited is a
		// near-duplicate at 0.8.
		e10 := edit(rng, orig, 0.10)
		if s := Similarity(Sign(orig), Sign(e10)); s < 0.8 {
			t.Errorf("seed %d: 10%% edited copy: similarity %v < 0.8 (exact %v)", seed, s, ExactSimilarity(orig, e10))
		}
		e40 := edit(rng, orig, 0.40)
		if s := Similarity(Sign(orig), Sign(e40)); s >= 0.8 {
			t.Errorf("seed %d: 40%% edited copy: similarity %v ≥ 0.8 (exact %v)", seed, s, ExactSimilarity(orig, e40))
		}
	}
}

// TestShareOfCharacters checks what Similarity means: for a copy with a
// share e of its characters replaced, about 1 − e.
func TestShareOfCharacters(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	orig := synth(rng, 8000, 0, 3000)
	so := Sign(orig)
	for _, rate := range []float64{0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5} {
		c := substitute(rng, orig, rate)
		if e := ExactSimilarity(orig, c); math.Abs(e-(1-rate)) > 0.02 {
			t.Errorf("%.0f%% replaced: exact similarity %.3f, want %.3f", 100*rate, e, 1-rate)
		}
		if s := Similarity(so, Sign(c)); math.Abs(s-(1-rate)) > 0.08 {
			t.Errorf("%.0f%% replaced: estimated similarity %.3f, want %.3f", 100*rate, s, 1-rate)
		}
	}
}

func TestFromJaccard(t *testing.T) {
	for _, c := range []struct{ j, s float64 }{
		{-1, 0}, {0, 0}, {1, 1}, {2, 1},
		// J = p^K/(2 − p^K) for p = 0.8, 0.9, 0.5.
		{math.Pow(0.8, K) / (2 - math.Pow(0.8, K)), 0.8},
		{math.Pow(0.9, K) / (2 - math.Pow(0.9, K)), 0.9},
		{math.Pow(0.5, K) / (2 - math.Pow(0.5, K)), 0.5},
	} {
		if s := FromJaccard(c.j); math.Abs(s-c.s) > 1e-12 {
			t.Errorf("FromJaccard(%v) = %v, want %v", c.j, s, c.s)
		}
		if c.j >= 0 && c.j <= 1 {
			if j := ToJaccard(c.s); math.Abs(j-c.j) > 1e-12 {
				t.Errorf("ToJaccard(%v) = %v, want %v", c.s, j, c.j)
			}
		}
	}
	prev := 0.0
	for n := 1; n <= NumHashes; n++ {
		s := FromJaccard(float64(n) / NumHashes)
		if s <= prev {
			t.Fatalf("FromJaccard not increasing at %d/%d: %v (want not s <= prev)", n, NumHashes, s)
		}
		if s > 1 {
			t.Fatalf("FromJaccard not increasing at %d/%d: %v (want not s > 1)", n, NumHashes, s)
		}
		prev = s
	}
}

func TestEqualAtLeast(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	a := Sign(synth(rng, 3000, 0, 3000))
	for _, keep := range []float64{0, 0.3, 0.6, 0.9, 1} {
		b := a
		for i := range b {
			if rng.Float64() >= keep {
				b[i] = a[i] + 1
			}
		}
		for _, threshold := range []float64{0, 0.3, 0.5, 0.8, 0.95, 1} {
			n, ok := equalAtLeast(&a, &b, minEqual(threshold))
			sim := Similarity(a, b)
			if got := ok; got != (sim >= threshold) {
				t.Errorf("keep %v, threshold %v: ok = %v, want %v", keep, threshold, got, (sim >= threshold))
			}
			if ok && FromJaccard(float64(n)/NumHashes) != sim {
				t.Errorf("keep %v, threshold %v: %d %v, similarity %v (want not ok && FromJaccard(float64(n)/NumHashes) != sim)", keep, threshold, n, ok, sim)
			}
		}
	}
	if minEqual(1.01) != NumHashes+1 || minEqual(0) != 0 {
		t.Error("minEqual bounds")
	}
}

func TestConfirm(t *testing.T) {
	calls := 0
	exact := func() float64 { calls++; return 0.5 }
	for _, c := range []struct {
		est  float64
		want float64
	}{{0.9, 0.9}, {0.86, 0.86}, {0.84, 0.5}, {0.8, 0.5}, {0.76, 0.5}, {0.74, 0.74}, {0.1, 0.1}} {
		if got := Confirm(c.est, 0.8, exact); got != c.want {
			t.Errorf("Confirm(%v) = %v, want %v", c.est, got, c.want)
		}
	}
	if calls != 3 {
		t.Errorf("exact called %d times", calls)
	}
	if got := Confirm(0.8, 0.8, nil); got != 0.8 {
		t.Errorf("without texts: %v", got)
	}
}

func TestShuffled(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	orig := synth(rng, 5000, 0, 3000)
	sh := slices.Clone(orig)
	rng.Shuffle(len(sh), func(i, j int) { sh[i], sh[j] = sh[j], sh[i] })
	if s := Similarity(Sign(orig), Sign(sh)); s != 1 {
		t.Fatalf("shuffled paragraphs: similarity %v", s)
	}
	var x Index
	x.Add(1, Sign(orig))
	{
		m := x.Query(Sign(sh), 0.8)
		if got := len(m); got != 1 {
			t.Fatalf("shuffled paragraphs not found: len(m) = %v, want %v", got, 1)
		}
		if got := m[0].ID; got != 1 {
			t.Fatalf("shuffled paragraphs not found: m[0].ID = %v, want %v", got, 1)
		}
	}
}

func TestTraditional(t *testing.T) {
	if s := Similarity(Sign(law), Sign(lawTrad)); s != 1 {
		t.Fatalf("traditional copy: similarity %v (exact %v)", s, exact(law, lawTrad))
	}
}

func TestTiny(t *testing.T) {
	for _, text := range [][]string{nil, {}, {""}, {" ", "\t"}, {"，。！", "——"}} {
		{
			s := Sign(text)
			if !s.Empty() {
				t.Errorf("%q: signature not empty (want s.Empty())", text)
			}
			if got := s; got != (Signature{}) {
				t.Errorf("%q: s = %v, want %v", text, got, (Signature{}))
			}
		}
	}
	empty := Sign(nil)
	if Similarity(empty, empty) != 0 {
		t.Error("empty signatures are similar")
	}
	if empty.Bands() != [Bands]uint64{} {
		t.Error("empty signature has bands")
	}
	var x Index
	x.Add(1, empty)
	if x.Len() != 0 || x.Query(empty, 0) != nil {
		t.Error("empty signature indexed or found")
	}

	// Texts shorter than K are one shingle of the whole.
	short := "甲乙丁戊"[:3*(K-1)] // K − 1 runes
	ab, ab2, ac := Sign([]string{short}), Sign([]string{"，" + short + "。"}), Sign([]string{"丙" + short[3:]})
	if ab.Empty() {
		t.Errorf("tiny text: similarity %v (want not ab.Empty())", Similarity(ab, ab2))
	}
	if got := Similarity(ab, ab2); got != 1 {
		t.Errorf("tiny text: Similarity(ab, ab2) = %v, want %v", got, 1)
	}
	if s := Similarity(ab, ac); s != 0 {
		t.Errorf("different tiny texts: similarity %v", s)
	}
	// A short paragraph is not the same shingle as the tail of a longer
	// text would be.
	if s := Similarity(ab, Sign([]string{"丙" + short})); s != 0 {
		t.Errorf("short paragraph equals the tail of a longer one: %v", s)
	}
	// A few shingles fill every bin (densification) and still compare.
	few := Sign([]string{"一二三四五六"})
	for i, v := range few {
		if v == 0 {
			t.Fatalf("bin %d not filled", i)
		}
	}
	// 4 of 6 shingles shared: J = 2/3, similarity 0.89 for K = 2.
	{
		s := Similarity(few, Sign([]string{"一二三四五七"}))
		if s <= 0.5 {
			t.Errorf("4 shingles of 6 shared: similarity %v (exact %v) (want not s <= 0.5)", s, FromJaccard(exact([]string{"一二三四五六"}, []string{"一二三四五七"})))
		}
		if s >= 1 {
			t.Errorf("4 shingles of 6 shared: similarity %v (exact %v) (want not s >= 1)", s, FromJaccard(exact([]string{"一二三四五六"}, []string{"一二三四五七"})))
		}
	}
}

// TestStable pins the hash scheme: stored signatures depend on it. If this
// fails on purpose, increment SignatureVersion.
func TestStable(t *testing.T) {
	s := Sign(law)
	got := [4]uint32{s[0], s[1], s[2], s[127]}
	want := [4]uint32{0x29b75921, 0x08a6c598, 0x49e90863, 0x4cf5cc7c}
	if got != want {
		t.Errorf("Sign(law) begins %#x, want %#x", got, want)
	}
	if k := s.Bands()[0]; k != 0xc5243a9ed69f56a4 {
		t.Errorf("band 0 = %#x", k)
	}
}

func TestSimilarityEstimate(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, keep := range []float64{0.1, 0.3, 0.5, 0.7, 0.9} {
		a := synth(rng, 4000, 0, 3000)
		b := slices.Clone(a)
		for i := range b {
			if rng.Float64() >= keep {
				b[i] = synth(rng, utf8.RuneCountInString(b[i]), 0, 3000)[0]
			}
		}
		j, e := exact(a, b), EstimateJaccard(Sign(a), Sign(b))
		{
			d := e - j
			if d < -0.15 {
				t.Errorf("exact Jaccard %v, estimated %v (want not d < -0.15)", j, e)
			}
			if d > 0.15 {
				t.Errorf("exact Jaccard %v, estimated %v (want not d > 0.15)", j, e)
			}
		}
		s, x := Similarity(Sign(a), Sign(b)), ExactSimilarity(a, b)
		if x != FromJaccard(j) {
			t.Errorf("ExactSimilarity %v, FromJaccard(Jaccard) %v", x, FromJaccard(j))
		}
		{
			d := s - x
			if d < -0.15 {
				t.Errorf("exact similarity %v, estimated %v (want not d < -0.15)", x, s)
			}
			if d > 0.15 {
				t.Errorf("exact similarity %v, estimated %v (want not d > 0.15)", x, s)
			}
		}
	}
}

func TestMarshal(t *testing.T) {
	for _, s := range []Signature{Sign(law), {}} {
		data, err := s.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if s.Empty() && len(data) != 1 {
			t.Fatalf("encoded length %d (want not s.Empty() && len(data) != 1)", len(data))
		}
		if !s.Empty() && len(data) != EncodedLen {
			t.Fatalf("encoded length %d (want s.Empty() && len(data) != EncodedLen)", len(data))
		}
		var u Signature
		u[3] = 7
		{
			err := u.UnmarshalBinary(data)
			if err != nil {
				t.Fatalf("round trip: %v", err)
			}
			if got := u; got != s {
				t.Fatalf("round trip: u = %v, want %v", got, s)
			}
		}
	}
	good, _ := Sign(law).MarshalBinary()
	zero := slices.Clone(good)
	zero[5], zero[6], zero[7], zero[8] = 0, 0, 0, 0
	for _, bad := range [][]byte{nil, {1}, {SignatureVersion + 1}, {SignatureVersion, 1, 2, 3}, good[:100], append(slices.Clone(good), 0), zero} {
		var u Signature
		if err := u.UnmarshalBinary(bad); err == nil {
			t.Errorf("%d bytes decoded", len(bad))
		}
	}
	var u Signature
	if err := u.UnmarshalBinary(append([]byte{9}, good[1:]...)); err != ErrVersion {
		t.Errorf("other version: %v", err)
	}
}

func TestOverlap(t *testing.T) {
	a := []string{
		"前言：这是无关的内容。",
		"Article 7. 本条例自2024年1月1日起施行，原《某某办法》同时废止。后面不同",
		"甲乙丙丁戊",
		"己庚辛壬癸",
	}
	b := []string{
		"完全另外的开头文字",
		"本條例自２０２４年１月１日起施行, 原「某某辦法」同時廢止。",
		"其他 ARTICLE 7 文字 甲乙丙丁戊己庚辛 结尾",
	}
	got := Overlap(a, b, 5)
	want := []Passage{
		{A: Span{1, 0, 9}, B: Span{2, 7, 16}, Text: "Article 7", Runes: 8},
		{A: Span{1, 11, 83}, B: Span{1, 0, 83}, Text: "本条例自2024年1月1日起施行，原《某某办法》同时废止", Runes: 25},
		// A match across a paragraph break of a: two passages.
		{A: Span{2, 0, 15}, B: Span{2, 24, 39}, Text: "甲乙丙丁戊", Runes: 5},
		{A: Span{3, 0, 9}, B: Span{2, 39, 48}, Text: "己庚辛", Runes: 3},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Overlap:\n got %+v\nwant %+v", got, want)
	}
	for _, p := range got {
		if p.Text != a[p.A.Paragraph][p.A.Start:p.A.End] {
			t.Errorf("text %q is not A", p.Text)
		}
	}
	if b[1][0:83] != "本條例自２０２４年１月１日起施行, 原「某某辦法」同時廢止" {
		t.Errorf("B span: %q", b[1][0:83])
	}
	if got := Overlap(a, b, 30); got != nil {
		t.Errorf("minRunes 30: %+v", got)
	}
}

func TestOverlapSelf(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	a := synth(rng, 5000, 0, 3000)
	ps := Overlap(a, a, 8)
	if len(ps) != len(a) {
		t.Fatalf("%d passages for %d paragraphs", len(ps), len(a))
	}
	for i, p := range ps {
		if got := p.A; got != p.B {
			t.Fatalf("passage %d: p.A = %v, want %v", i, got, p.B)
		}
		if got := p.A.Paragraph; got != i {
			t.Fatalf("passage %d: p.A.Paragraph = %v, want %v", i, got, i)
		}
		if got := p.Text; got != strings.TrimRight(a[i], "，。") {
			t.Fatalf("passage %d: p.Text = %v, want %v", i, got, strings.TrimRight(a[i], "，。"))
		}
	}
	// An edited copy: passages between the edits, in order.
	e := edit(rng, a, 0.02)
	ps = Overlap(a, e, 10)
	n := 0
	for i, p := range ps {
		n += p.Runes
		if i > 0 && (p.A.Paragraph < ps[i-1].A.Paragraph || p.A.Paragraph == ps[i-1].A.Paragraph && p.A.Start < ps[i-1].A.End) {
			t.Fatalf("passages out of order: %+v, %+v", ps[i-1], p)
		}
	}
	if n < 4000 {
		t.Errorf("2%% edited copy: %d of 5000 runes in shared passages", n)
	}
}

func TestOverlapRepetitive(t *testing.T) {
	// Bounded time on a text that is one shingle repeated.
	a := []string{strings.Repeat("的", 200000)}
	b := []string{strings.Repeat("的", 100000), strings.Repeat("的", 100000)}
	ps := Overlap(a, b, 3)
	n := 0
	for _, p := range ps {
		n += p.Runes
	}
	if n != 200000 {
		t.Fatalf("%d runes shared, %d passages", n, len(ps))
	}
}

func TestIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	var x Index
	docs := map[int64][]string{}
	for id := range int64(50) {
		docs[id] = synth(rng, 2000, 0, 3000)
		x.Add(id, Sign(docs[id]))
	}
	near := edit(rng, docs[7], 0.01)
	x.Add(100, Sign(near))
	if x.Len() != 51 {
		t.Fatalf("Len %d", x.Len())
	}
	m := x.Query(Sign(docs[7]), 0.8)
	if got := len(m); got != 2 {
		t.Fatalf("Query: len(m) = %v, want %v", got, 2)
	}
	if got := m[0]; got != (Match{7, 1}) {
		t.Fatalf("Query: m[0] = %v, want %v", got, (Match{7, 1}))
	}
	if got := m[1].ID; got != 100 {
		t.Fatalf("Query: m[1].ID = %v, want %v", got, 100)
	}
	if m[1].Similarity < 0.8 {
		t.Fatalf("Query: %+v (want not m[1].Similarity < 0.8)", m)
	}
	if m[1].Similarity >= 1 {
		t.Fatalf("Query: %+v (want not m[1].Similarity >= 1)", m)
	}
	// Threshold is applied.
	if m := x.Query(Sign(docs[7]), 1); len(m) != 1 {
		t.Fatalf("threshold 1: %+v", m)
	}
	x.Remove(7)
	x.Remove(7)
	x.Remove(1000)
	{
		m := x.Query(Sign(docs[7]), 0.8)
		if got := len(m); got != 1 {
			t.Fatalf("after Remove: len(m) = %v, want %v", got, 1)
		}
		if got := m[0].ID; got != 100 {
			t.Fatalf("after Remove: m[0].ID = %v, want %v", got, 100)
		}
	}
	// Add replaces.
	x.Add(100, Sign(docs[8]))
	if m := x.Query(Sign(near), 0.5); len(m) != 0 {
		t.Fatalf("after replacing: %+v", m)
	}
	{
		m := x.Query(Sign(docs[8]), 0.8)
		if got := len(m); got != 2 {
			t.Fatalf("replacement: len(m) = %v, want %v", got, 2)
		}
		if got := m[0].ID; got != 8 {
			t.Fatalf("replacement: m[0].ID = %v, want %v", got, 8)
		}
		if got := m[1].ID; got != 100 {
			t.Fatalf("replacement: m[1].ID = %v, want %v", got, 100)
		}
	}
	x.Add(100, Signature{})
	if x.Len() != 49 {
		t.Fatalf("Len %d", x.Len())
	}
	for id := range int64(50) {
		x.Remove(id)
	}
	if got := x.Len(); got != 0 {
		t.Fatalf("not empty: x.Len() = %v, want %v", got, 0)
	}
	if got := len(x.buckets); got != 0 {
		t.Fatalf("not empty: len(x.buckets) = %v, want %v", got, 0)
	}
}

func TestConcurrent(t *testing.T) {
	var x Index
	want := Sign(law)
	var wg sync.WaitGroup
	for g := range int64(4) {
		wg.Go(func() {
			for i := range int64(50) {
				if s := Sign(law); s != want {
					t.Error("Sign differs between goroutines")
					return
				}
				id := g*1000 + i
				x.Add(id, want)
				if len(x.Query(want, 0.9)) == 0 {
					t.Error("own document not found")
					return
				}
				if i%2 == 0 {
					x.Remove(id)
				}
			}
		})
	}
	wg.Wait()
	if x.Len() != 100 {
		t.Fatalf("Len %d", x.Len())
	}
}

func FuzzSign(f *testing.F) {
	f.Add("第一条　为了规范\n畜牧业生产", uint8(3))
	f.Add("", uint8(0))
	f.Add("ab\n\nＡＢ國務院\xff\n㍿", uint8(1))
	f.Add("甲\n乙\n甲乙\n乙甲", uint8(2)) // paragraphs of one rune and of K runes
	f.Add("第一条　为了规范畜牧业生产经营行为\n第一条 為了規範畜牧業生產經營行為", uint8(20))
	f.Fuzz(func(t *testing.T, text string, cut uint8) {
		paras := strings.Split(text, "\n")
		s := Sign(paras)
		if s != Sign(paras) {
			t.Fatal("not deterministic")
		}
		if s.Empty() != (len(Shingles(nil, paras, K)) == 0) {
			t.Fatal("empty signature iff no shingle")
		}
		if !s.Empty() {
			if Similarity(s, s) != 1 {
				t.Fatal("self-similarity not 1")
			}
			for _, v := range s {
				if v == 0 {
					t.Fatal("zero value")
				}
			}
		}
		// Paragraph order does not matter.
		rev := slices.Clone(paras)
		slices.Reverse(rev)
		if Sign(rev) != s {
			t.Fatal("depends on paragraph order")
		}
		data, _ := s.MarshalBinary()
		var u Signature
		{
			err := u.UnmarshalBinary(data)
			if err != nil {
				t.Fatalf("round trip: %v", err)
			}
			if got := u; got != s {
				t.Fatalf("round trip: u = %v, want %v", got, s)
			}
		}
		// Similarity is symmetric and in [0, 1].
		other := Sign([]string{text[:int(cut)%(len(text)+1)]})
		sim := Similarity(s, other)
		if got := sim; got != Similarity(other, s) {
			t.Fatalf("similarity: sim = %v, want %v", got, Similarity(other, s))
		}
		if sim < 0 {
			t.Fatalf("similarity %v (want not sim < 0)", sim)
		}
		if sim > 1 {
			t.Fatalf("similarity %v (want not sim > 1)", sim)
		}
		{
			j := EstimateJaccard(s, other)
			if got := sim; got != FromJaccard(j) {
				t.Fatalf("Jaccard: sim = %v, want %v", got, FromJaccard(j))
			}
			if got := (j == 0); got != (sim == 0) {
				t.Fatalf("Jaccard: (j == 0) = %v, want %v", got, (sim == 0))
			}
			if j > sim {
				t.Fatalf("Jaccard %v, similarity %v (want not j > sim)", j, sim)
			}
		}
		{
			x := ExactSimilarity(paras, []string{text[:int(cut)%(len(text)+1)]})
			if x < 0 {
				t.Fatalf("exact similarity %v (want not x < 0)", x)
			}
			if x > 1 {
				t.Fatalf("exact similarity %v (want not x > 1)", x)
			}
		}
	})
}

// runeBoundary reports whether i is where a rune of s starts or len(s), as
// range sees s (an invalid byte is a rune of its own).
func runeBoundary(s string, i int) bool {
	for j := range s {
		if j == i {
			return true
		}
	}
	return i == len(s)
}

func FuzzOverlap(f *testing.F) {
	f.Add("本条例自2024年1月1日起施行\n甲乙丙", "本條例自２０２４年\n１月１日起施行甲乙丙", 3)
	f.Add("", "x", 0)
	f.Add("㍿㍿㍿", "株式会社株式", 2)
	f.Fuzz(func(t *testing.T, x, y string, minRunes int) {
		minRunes = minRunes%40 + 1
		if minRunes < 1 {
			minRunes += 40
		}
		a, b := strings.Split(x, "\n"), strings.Split(y, "\n")
		ps := Overlap(a, b, minRunes)
		for i, p := range ps {
			for _, c := range []struct {
				s     Span
				paras []string
			}{{p.A, a}, {p.B, b}} {
				if c.s.Paragraph < 0 {
					t.Fatalf("span out of range: %+v (want not c.s.Paragraph < 0)", p)
				}
				if c.s.Paragraph >= len(c.paras) {
					t.Fatalf("span out of range: %+v (want not c.s.Paragraph >= len(c.paras))", p)
				}
				if c.s.Start < 0 {
					t.Fatalf("span out of range: %+v (want not c.s.Start < 0)", p)
				}
				if c.s.Start >= c.s.End {
					t.Fatalf("span out of range: %+v (want not c.s.Start >= c.s.End)", p)
				}
				if c.s.End > len(c.paras[c.s.Paragraph]) {
					t.Fatalf("span out of range: %+v (want not c.s.End > len(c.paras[c.s.Paragraph]))", p)
				}
				{
					para := c.paras[c.s.Paragraph]
					if !runeBoundary(para, c.s.Start) {
						t.Fatalf("span cuts a rune: %+v (want runeBoundary(para, c.s.Start))", p)
					}
					if !runeBoundary(para, c.s.End) {
						t.Fatalf("span cuts a rune: %+v (want runeBoundary(para, c.s.End))", p)
					}
				}
			}
			if got := p.Text; got != a[p.A.Paragraph][p.A.Start:p.A.End] {
				t.Fatalf("bad passage: p.Text = %v, want %v", got, a[p.A.Paragraph][p.A.Start:p.A.End])
			}
			if p.Runes < 1 {
				t.Fatalf("bad passage %+v (want not p.Runes < 1)", p)
			}
			if i > 0 {
				q := ps[i-1]
				if p.A.Paragraph < q.A.Paragraph {
					t.Fatalf("out of order: %+v, %+v (want not p.A.Paragraph < q.A.Paragraph)", q, p)
				}
				if p.A.Paragraph == q.A.Paragraph && p.A.Start < q.A.Start {
					t.Fatalf("out of order: %+v, %+v (want not p.A.Paragraph == q.A.Paragraph && p.A.Start < q.A.Start)", q, p)
				}
			}
		}
		// A text shares all its words with itself.
		self := Overlap(a, a, minRunes)
		n, words := 0, len(newStream(a).runes)
		for _, p := range self {
			n += p.Runes
		}
		if words >= minRunes && n != words {
			t.Fatalf("self overlap covers %d of %d runes", n, words)
		}
	})
}
