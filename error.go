package wengao

import (
	"errors"
	"fmt"
	"sync"
	"syscall"
)

// Error codes. Each maps to one HTTP status in the http package.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOMANY      = "too_many_requests"
	ETOOLARGE     = "too_large"
	EUNAVAILABLE  = "unavailable"
	EPAYMENT      = "insufficient_points"
	// ELEGAL: withheld while a legal claim (a copyright complaint) is
	// reviewed.
	ELEGAL = "unavailable_for_legal_reasons"
)

// Error is an error with a code and a message that is safe to show a user.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("wengao error: code=%s message=%s", e.Code, e.Message)
}

// Is reports whether target is an *Error of the same code and message,
// so that errors.Is(err, ErrUserNotFound) holds for any error that says
// the same to the user.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t != nil && e.Code == t.Code && e.Message == t.Message
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error
// and "" for nil; a full disk is EUNAVAILABLE.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	} else if IsStorageFull(err) {
		return EUNAVAILABLE
	}
	return EINTERNAL
}

// IsStorageFull reports whether err is a write that found the server's
// disk full: ENOSPC, or a database driver's own error for it (see
// RegisterStorageFull). The user is told so (MessageStorageFull), the
// operator by the log.
func IsStorageFull(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ENOSPC) {
		return true
	}
	storageFull.mu.RLock()
	defer storageFull.mu.RUnlock()
	for _, is := range storageFull.tests {
		if is(err) {
			return true
		}
	}
	return false
}

// storageFull holds the tests of RegisterStorageFull.
var storageFull struct {
	mu    sync.RWMutex
	tests []func(error) bool
}

// RegisterStorageFull adds a test for a store's own way of saying that
// the disk is full, such as SQLite's SQLITE_FULL, which is not ENOSPC. A
// store package calls it from init, as database/sql drivers register
// themselves; is must look through wrapped errors (errors.As).
func RegisterStorageFull(is func(error) bool) {
	storageFull.mu.Lock()
	defer storageFull.mu.Unlock()
	storageFull.tests = append(storageFull.tests, is)
}

// ErrorMessage returns the user-safe message of err; internal errors get a
// generic message.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	} else if IsStorageFull(err) {
		return MessageStorageFull
	}
	return MessageInternal
}
