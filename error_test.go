package wengao

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
)

func TestErrorStorageFull(t *testing.T) {
	full := fmt.Errorf("store upload: %w", &os.PathError{Op: "write", Path: "files/tmp/put-1", Err: syscall.ENOSPC})
	for _, tt := range []struct {
		err         error
		code, msg   string
		storageFull bool
	}{
		{full, EUNAVAILABLE, MessageStorageFull, true},
		{errors.New("disk on fire"), EINTERNAL, MessageInternal, false},
		{fmt.Errorf("x: %w", ErrNotStaff), ErrorCode(ErrNotStaff), ErrorMessage(ErrNotStaff), false},
	} {
		if got := ErrorCode(tt.err); got != tt.code {
			t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.code)
		}
		if got := ErrorMessage(tt.err); got != tt.msg {
			t.Errorf("ErrorMessage(%v) = %q, want %q", tt.err, got, tt.msg)
		}
		if got := IsStorageFull(tt.err); got != tt.storageFull {
			t.Errorf("IsStorageFull(%v) = %v, want %v", tt.err, got, tt.storageFull)
		}
	}
}

// driverFull stands for a database driver's own "disk full" error.
type driverFull struct{}

func (driverFull) Error() string { return "database or disk is full (13)" }

// TestRegisterStorageFull: a store's own "disk full" error, once its test
// is registered, is a full disk, also wrapped; other errors are not.
func TestRegisterStorageFull(t *testing.T) {
	wrapped := fmt.Errorf("save: %w", driverFull{})
	if IsStorageFull(wrapped) {
		t.Fatalf("IsStorageFull(%v) before RegisterStorageFull = true, want false", wrapped)
	}
	RegisterStorageFull(func(err error) bool { return errors.As(err, new(driverFull)) })
	if got, want := ErrorCode(wrapped), EUNAVAILABLE; got != want {
		t.Errorf("ErrorCode(%v) = %q, want %q", wrapped, got, want)
	}
	if got, want := ErrorMessage(wrapped), MessageStorageFull; got != want {
		t.Errorf("ErrorMessage(%v) = %q, want %q", wrapped, got, want)
	}
	if other := errors.New("database is locked"); IsStorageFull(other) {
		t.Errorf("IsStorageFull(%v) = true, want false", other)
	}
}
