//go:build race

package copycheck

import "github.com/wengao/wengao"

const raceEnabled = true

type wengaoPassage = wengao.CopiedPassage
