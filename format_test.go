package wengao_test

import (
	"testing"

	"github.com/wengao/wengao"
)

func TestFormatSize(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{
		{0, "0 字节"},
		{1023, "1023 字节"},
		{1024, "1 KB"},
		{512 << 10, "512 KB"},
		{20 << 20, "20 MB"},
		{35<<20 + 200<<10, "35.2 MB"},
	} {
		if got := wengao.FormatSize(tt.n); got != tt.want {
			t.Errorf("FormatSize(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
