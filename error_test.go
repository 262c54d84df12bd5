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
