//go:build unix

package copycheck

import (
	"os"
	"syscall"
)

// mapFile maps the first size bytes of f read-only and shared: pages are
// read from the page cache as checks touch them, and dropped under
// memory pressure like any cached file.
func mapFile(f *os.File, size int) ([]byte, error) {
	if size == 0 {
		return []byte{}, nil
	}
	return syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
}

func unmapFile(b []byte) {
	if len(b) > 0 {
		syscall.Munmap(b)
	}
}

// adviseRandom tells the kernel that b is read at random, so that a
// lookup faults in its page only, not a read-ahead window around it.
func adviseRandom(b []byte) {
	if len(b) > 0 {
		syscall.Madvise(b, syscall.MADV_RANDOM)
	}
}

// release drops b's pages from the process (they stay in the page cache):
// after a sequential pass over a mapped table, so that it does not stay
// resident.
func release(b []byte) {
	if len(b) > 0 {
		syscall.Madvise(b, syscall.MADV_DONTNEED)
	}
}

// allocOffHeap returns n zeroed bytes outside the Go heap (anonymous
// memory), for the large tables of a build: the garbage collector neither
// scans them nor lets the heap grow to twice their size.
func allocOffHeap(n int) ([]byte, error) {
	if n == 0 {
		return nil, nil
	}
	return syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
}

// freeOffHeap returns memory of allocOffHeap (nil: nothing).
func freeOffHeap(b []byte) {
	if len(b) > 0 {
		syscall.Munmap(b)
	}
}
