//go:build !race

package copycheck

import "github.com/wengao/wengao"

const raceEnabled = false

type wengaoPassage = wengao.CopiedPassage
