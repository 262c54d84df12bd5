package sqlstore

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/neardup"
)

// Prepared is a document with everything derived from its text, computed
// outside the write transaction: its stored forms, hashes, index tokens
// and near-duplicate signature.
type Prepared struct {
	Doc        *wengao.Document
	Body       string            // the paragraphs joined by "\n"
	Tags       string            // JSON
	Outline    string            // JSON
	Plain      bool              // title and body hold nothing to fold
	Size       int               // characters of the body
	Hash       string            // normalised title and body: exact duplicates
	RecordHash string            // every stored field: change detection
	TitleToks  string            // the title's index tokens (chinese.AppendTokens)
	BodyToks   string            // the title's then the body's
	Sig        neardup.Signature // of title and body, for near-duplicates
	SigBlob    []byte            // Sig encoded
	// Err says why the document cannot be stored (EINVALID), if it
	// cannot.
	Err error
}

// Prepare validates and derives the stored forms of d, which it
// normalises in place (title trimmed, empty paragraphs dropped, a missing
// id, tags and outline filled in).
func Prepare(d *wengao.Document) Prepared {
	p := Prepared{Doc: d}
	d.Title = strings.TrimSpace(d.Title)
	if d.Title == "" {
		p.Err = wengao.Errorf(wengao.EINVALID, "missing title")
		return p
	}
	paras := make([]string, 0, len(d.Body))
	for _, para := range d.Body {
		for _, line := range strings.Split(para, "\n") {
			line = strings.TrimRight(line, " \t\r\u3000")
			if strings.TrimSpace(line) != "" {
				paras = append(paras, line)
			}
		}
	}
	if len(paras) == 0 {
		p.Err = wengao.Errorf(wengao.EINVALID, "empty body")
		return p
	}
	d.Body = paras
	if d.ID == "" {
		sum := sha256.Sum256([]byte(d.Title + "\x00" + strings.Join(paras, "\n")))
		d.ID = "doc-" + hex.EncodeToString(sum[:6])
	}
	if d.Tags == nil {
		d.Tags = []string{}
	}
	if d.Outline == nil {
		d.Outline = chinese.Outline(paras)
	}
	if d.Outline == nil {
		d.Outline = []wengao.OutlineItem{}
	}
	p.Body = strings.Join(paras, "\n")
	tags, _ := json.Marshal(d.Tags)
	outline, _ := json.Marshal(d.Outline)
	p.Tags, p.Outline = string(tags), string(outline)
	// Normalise title and body once; tokens, the plain flag and the
	// duplicate hash all derive from it. The scratch buffers are reused
	// from document to document: only the strings kept are allocated.
	sc := prepScratch.Get().(*prepareScratch)
	defer prepScratch.Put(sc)
	titleNorm := chinese.NormalizeRunes(sc.title[:0], d.Title, nil)
	bodyNorm := chinese.NormalizeRunes(sc.body[:0], p.Body, nil)
	sc.title, sc.body = titleNorm, bodyNorm
	sc.toks = chinese.AppendTokens(sc.toks[:0], titleNorm)
	p.TitleToks = string(sc.toks)
	sc.toks = chinese.AppendTokens(sc.toks, bodyNorm)
	p.BodyToks = string(sc.toks)
	p.Plain = chinese.IsPlainAs(d.Title, titleNorm) && chinese.IsPlainAs(p.Body, bodyNorm)
	p.Size = len(bodyNorm)

	// The hashes of the same bytes as sha256 of title, 0, body in UTF-8,
	// and of every field followed by 0.
	b := sc.bytes[:0]
	for _, r := range titleNorm {
		b = utf8.AppendRune(b, r)
	}
	b = append(b, 0)
	for _, r := range bodyNorm {
		b = utf8.AppendRune(b, r)
	}
	sum := sha256.Sum256(b)
	p.Hash = hex.EncodeToString(sum[:])
	b = b[:0]
	for _, f := range []string{p.Hash, d.Title, d.Date, d.Category, p.Tags, d.Source, d.Author, p.Body, p.Outline} {
		b = append(b, f...)
		b = append(b, 0)
	}
	sum = sha256.Sum256(b)
	p.RecordHash = hex.EncodeToString(sum[:])
	sc.bytes = b
	p.Sig = neardup.Sign(neardup.DocumentText(d.Title, paras))
	p.SigBlob, _ = p.Sig.MarshalBinary()
	return p
}

// prepareScratch holds the buffers of one prepareDocument call.
type prepareScratch struct {
	title, body []rune
	toks, bytes []byte
}

var prepScratch = sync.Pool{New: func() any { return new(prepareScratch) }}
