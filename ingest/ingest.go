// Package ingest turns a document file into the text wengao keeps: the one
// path that uploads and imports share. It converts the file (package
// convert), reads its 公文 metadata (package gongwen), takes the title off
// the head of the body, and computes the text hash and the near-duplicate
// signature.
package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/convert"
	"github.com/wengao/wengao/gongwen"
	"github.com/wengao/wengao/neardup"
)

// Extensions are the file types taken, lower case: by uploads, and by
// folder imports (other files in a folder are ignored).
var Extensions = []string{".docx", ".doc", ".pdf", ".txt", ".md", ".html", ".htm"}

// Accepts reports whether the file name has one of Extensions.
func Accepts(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range Extensions {
		if ext == e {
			return true
		}
	}
	return false
}

// IsText reports whether the file name is a .txt or .md file, whose first
// line an import takes as its title (Options.FirstLineTitle).
func IsText(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".txt" || ext == ".md"
}

// DefaultTimeout bounds the conversion of one file.
const DefaultTimeout = 2 * time.Minute

// Options are how a file is read.
type Options struct {
	// Limits bound the conversion; zero fields take convert.DefaultLimits.
	Limits convert.Limits
	// Timeout bounds the conversion; 0 is DefaultTimeout.
	Timeout time.Duration
	// FirstLineTitle takes the first paragraph of a file read as plain
	// text or Markdown as its title, whatever it says, and the others as
	// its body (imports of text folders).
	FirstLineTitle bool
}

// Errors of a file that does not make a document. Conversion failures
// are convert's: *wengao.Error with a message written for uploaders, or
// internal errors.
var (
	// ErrNoText is a file without text to show.
	ErrNoText = errors.New("ingest: no text")
	// ErrEmpty is a plain text file without any (Options.FirstLineTitle).
	ErrEmpty = errors.New("ingest: empty file")
	// ErrNoBody is a plain text file with a title line only
	// (Options.FirstLineTitle).
	ErrNoBody = errors.New("ingest: no body after the title line")
	// ErrTimeout is a conversion that took longer than Options.Timeout.
	ErrTimeout = errors.New("ingest: conversion timed out")
)

// Text is a file's text as wengao keeps it.
type Text struct {
	// Format is the format the file was read as (convert.Format…).
	Format string
	// Meta is gongwen.Detect's; Meta.Title is never "": convert's title
	// as Detect tidies it, else the one Detect reads off the text, else
	// the file name without its extension.
	Meta gongwen.Metadata
	// Body is the text's paragraphs that hold text, without the title
	// that heads them.
	Body []string
	// Hash is TextHash(Body).
	Hash string
	// Signature is Sign(Meta.Title, Body).
	Signature neardup.Signature
}

// File reads the file called name from r and returns its text. The
// conversion stops with ctx, and with ErrTimeout after opt.Timeout.
func File(ctx context.Context, name string, r io.Reader, opt Options) (*Text, error) {
	lim := opt.Limits
	if d := convert.DefaultLimits(); lim.MaxFileSize <= 0 {
		lim.MaxFileSize = d.MaxFileSize
	}
	timeout := opt.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := convert.Convert(cctx, name, r, lim)
	if err != nil {
		if errors.Is(cctx.Err(), context.DeadlineExceeded) {
			return nil, ErrTimeout
		}
		return nil, err
	}
	return FromResult(res, name, opt.FirstLineTitle)
}

// FromResult returns the text of a converted file; name (a file name or
// path) gives the title when nothing better is found.
//
// The title is convert's, tidied by gongwen.Detect, else the one Detect
// reads off the text, else the file name without its extension; the
// paragraphs that spell it near the head of the text (a title may be set
// on two to four lines) are taken off the body, which is shown under the
// title. With firstLineTitle, a file read as plain text or Markdown has
// its first paragraph as title, whatever it says, and the others as body.
func FromResult(res *convert.Result, name string, firstLineTitle bool) (*Text, error) {
	paras := nonEmpty(res.Paragraphs)
	var meta gongwen.Metadata
	if firstLineTitle && (res.Format == convert.FormatText || res.Format == convert.FormatMD) {
		if len(paras) == 0 {
			return nil, ErrEmpty
		}
		first := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(paras[0]), "#"))
		paras = paras[1:]
		if len(paras) == 0 {
			return nil, ErrNoBody
		}
		meta = gongwen.Detect(first, paras)
		if meta.Title == "" {
			meta.Title = first
		}
	} else {
		meta = gongwen.Detect(res.Title, paras)
		if meta.Title == "" {
			base := filepath.Base(filepath.FromSlash(name))
			meta.Title = strings.TrimSpace(strings.TrimSuffix(base, filepath.Ext(base)))
		}
		paras = dropTitle(paras, meta.Title)
	}
	if len(paras) == 0 {
		return nil, ErrNoText
	}
	return &Text{Format: res.Format, Meta: meta, Body: paras, Hash: TextHash(paras), Signature: Sign(meta.Title, paras)}, nil
}

// nonEmpty returns the paragraphs that hold text.
func nonEmpty(paras []string) []string {
	out := make([]string, 0, len(paras))
	for _, p := range paras {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}

// dropTitle removes the run of paragraphs that spells title (a title is
// often set on two or three lines) from the first few paragraphs, unless
// nothing would be left.
func dropTitle(paras []string, title string) []string {
	want := compact(title)
	if want == "" {
		return paras
	}
	for i := 0; i < min(len(paras), 8); i++ {
		got := ""
		for j := i; j < min(len(paras), i+4); j++ {
			got += compact(paras[j])
			if got == want {
				if !hasText(paras[:i]) && !hasText(paras[j+1:]) {
					return paras
				}
				out := make([]string, 0, len(paras)-(j-i+1))
				out = append(out, paras[:i]...)
				return append(out, paras[j+1:]...)
			}
			if len(got) >= len(want) || !strings.HasPrefix(want, got) {
				break
			}
		}
	}
	return paras
}

// compact returns s without white space.
func compact(s string) string {
	if !strings.ContainsFunc(s, unicode.IsSpace) {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), "")
}

func hasText(paras []string) bool {
	for _, p := range paras {
		if strings.TrimSpace(p) != "" {
			return true
		}
	}
	return false
}

// TextHash is the hex sha256 of a text's normalised sentences, whatever
// its paragraphs: the text is normalised, cut into sentences at their
// ends (。！？；.!?; and paragraph ends), each kept without white space
// or punctuation, and the sentences sorted. So the same text from another
// file has the same hash, and so has the same text with its paragraphs
// merged, split or reordered, or with 。 written as ".".
func TextHash(body []string) string {
	var sentences []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			sentences = append(sentences, cur.String())
			cur.Reset()
		}
	}
	for _, p := range body {
		for _, r := range chinese.Normalize(p) {
			switch {
			case strings.ContainsRune("。！？；.!?;", r):
				flush()
			case unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r):
			default:
				cur.WriteRune(r)
			}
		}
		flush()
	}
	sort.Strings(sentences)
	h := sha256.New()
	for _, s := range sentences {
		h.Write([]byte(s))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Sign returns the near-duplicate signature of a document: its title,
// then each line of its paragraphs, as stores sign what they keep.
func Sign(title string, paragraphs []string) neardup.Signature {
	return neardup.Sign(neardup.DocumentText(title, paragraphs))
}
