//go:build linux

package copycheck

import (
	"os"
	"syscall"
	"testing"
)

// dropCache drops a file's pages from the page cache, for cold figures.
func dropCache(t *testing.T, path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	// POSIX_FADV_DONTNEED = 4 on Linux.
	if _, _, e := syscall.Syscall6(syscall.SYS_FADVISE64, f.Fd(), 0, 0, 4, 0, 0); e != 0 {
		t.Logf("fadvise %s: %v", path, e)
	}
}
