//go:build !unix

package backup

import (
	"errors"
	"os"
)

// lockFile cannot lock files here: a backup's temporary files are told
// apart by their age alone (staleAfter).
func lockFile(*os.File) error { return errors.ErrUnsupported }
