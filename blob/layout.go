package blob

import (
	"context"
	"io"
	"strings"
)

// RelPath returns where a Local store keeps the content of a valid key,
// relative to its directory and with slashes: "ab/cd/<key>", where ab and
// cd are the key's first two pairs of hex digits. Backups name their
// members after it.
func RelPath(key string) string {
	return key[0:2] + "/" + key[2:4] + "/" + key
}

// KeyOfRelPath returns the key whose RelPath is rel, or "" when rel is
// not the path of a key.
func KeyOfRelPath(rel string) string {
	parts := strings.Split(rel, "/")
	if len(parts) != 3 {
		return ""
	}
	key := parts[2]
	if !ValidKey(key) || RelPath(key) != rel {
		return ""
	}
	return key
}

// ContextReader returns a reader of r whose reads fail once ctx is done,
// so that a long copy stops.
func ContextReader(ctx context.Context, r io.Reader) io.Reader {
	return ctxReader{ctx, r}
}
