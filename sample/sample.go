// Package sample embeds the small sample library that a new wengao data
// folder is seeded with: 329 public-domain documents (laws, regulations,
// government work reports, State Council documents, typical cases) taken
// from the project's test corpus; see README.md in this folder for where
// they come from.
package sample

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
)

//go:embed sample.jsonl.gz
var gz []byte

// JSONL returns the sample library as JSON Lines.
func JSONL() (io.Reader, error) {
	return gzip.NewReader(bytes.NewReader(gz))
}

// Gzipped returns the sample library as gzipped JSON Lines.
func Gzipped() []byte { return gz }
