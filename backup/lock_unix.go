//go:build unix

package backup

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive lock on f without waiting, held until f is
// closed (or its process ends, killed or not); it fails when another open
// file holds one.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
