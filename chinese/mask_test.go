package chinese

import (
	"reflect"
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
