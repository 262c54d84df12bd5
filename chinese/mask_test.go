package chinese

import (
	"reflect"
	"slices"
	"testing"

	"github.com/wengao/wengao"
)

var seedRules = []wengao.MaskRule{{Word: "党委", Shown: "D委"}, {Word: "党的", Shown: "D的"}, {Word: "民主党派", Shown: "民主D派"}}

func TestMaskerDisplay(t *testing.T) {
	m := NewMasker(seedRules)
	got := m.Display("市委党委书记强调，坚持党的领导，团结各民主党派。")
	want := "市委D委书记强调，坚持D的领导，团结各民主D派。"
	if got != want {
		t.Errorf("Display = %q, want %q", got, want)
	}
	if (*Masker)(nil).Display("党委") != "党委" || NewMasker(nil) != nil {
		t.Error("a nil Masker changes text")
	}
}

func TestMaskerVariants(t *testing.T) {
	m := NewMasker(seedRules)
	for run, want := range map[string][]string{
		"党委书记": {"d委书记"},
		"d委书记": {"党委书记"},
		"民主党派": {"民主d派"},
		"民主d派": {"民主党派"},
		"乡村振兴": nil,
	} {
		if got := m.Variants(run); !reflect.DeepEqual(got, want) {
			t.Errorf("Variants(%q) = %q, want %q", run, got, want)
		}
	}
}

func TestMaskerUnmask(t *testing.T) {
	m := NewMasker([]wengao.MaskRule{{Word: "党委", Shown: "D委"}})
	rs := []rune(Normalize("各级D委要把学习"))
	origin := make([]int32, len(rs))
	for i := range origin {
		origin[i] = int32(i)
	}
	got, gotOrigin := m.Unmask(rs, origin)
	if want := "各级党委要把学习"; string(got) != want {
		t.Errorf("Unmask = %q, want %q", string(got), want)
	}
	if want := []int32{0, 1, 2, 2, 4, 5, 6, 7}; !slices.Equal(gotOrigin, want) {
		t.Errorf("origins = %v, want %v", gotOrigin, want)
	}
	var none *Masker
	if got, _ := none.Unmask(rs, origin); string(got) != string(rs) {
		t.Errorf("nil Masker changed the text: %q", string(got))
	}
}
