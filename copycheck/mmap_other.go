//go:build !unix

package copycheck

import (
	"io"
	"os"
)

// mapFile reads the file into memory where mmap is missing.
func mapFile(f *os.File, size int) ([]byte, error) {
	b := make([]byte, size)
	_, err := f.ReadAt(b, 0)
	if err == io.EOF {
		err = nil
	}
	return b, err
}

func unmapFile([]byte)    {}
func adviseRandom([]byte) {}
func release([]byte)      {}

func allocOffHeap(n int) ([]byte, error) { return make([]byte, n), nil }
func freeOffHeap([]byte)                 {}
