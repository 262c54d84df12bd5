package convert

import (
	"encoding/xml"
	"errors"
	"io"

	"github.com/wengao/wengao"
)

// Guards on the XML we parse: the decoder holds a whole token (a text
// run, a tag with its attributes) and the chain of open elements in
// memory, so both are bounded.
const (
	maxXMLDepth      = 256
	maxXMLTokenBytes = 4 << 20
)

// tokenGuard counts the bytes read since the last token, failing once
// they exceed maxXMLTokenBytes. It keeps the first error of the reader,
// since the decoder reports some of them as syntax errors (a read that
// fails inside a multi-byte character is "invalid UTF-8").
type tokenGuard struct {
	r   io.Reader
	n   int64
	err error
}

func (g *tokenGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	if g.n > maxXMLTokenBytes {
		g.err = errTooComplex()
		return 0, g.err
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	if err != nil && err != io.EOF {
		g.err = err
	}
	return n, err
}

// walkXML streams the tokens of the XML document in r to visit, which
// must copy what it keeps (character data is reused between tokens).
// Malformed XML is EINVALID; a token or nesting past the guards is
// ETOOLARGE; errors from r or visit are returned as they are.
func walkXML(r io.Reader, visit func(xml.Token) error) error {
	g := &tokenGuard{r: r}
	d := xml.NewDecoder(g)
	depth := 0
	for {
		g.n = 0
		tok, err := d.Token()
		if err == io.EOF {
			if depth != 0 {
				return errorf(wengao.EINVALID, msgMalformedXML)
			}
			return nil
		}
		if err != nil {
			if g.err != nil {
				err = g.err
			}
			var we *wengao.Error
			if errors.As(err, &we) {
				return we
			}
			return errorf(wengao.EINVALID, msgMalformedXML)
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxXMLDepth {
				return errTooComplex()
			}
		case xml.EndElement:
			depth--
		}
		if err := visit(tok); err != nil {
			return err
		}
	}
}

// attr returns the value of the attribute with the given local name.
func attr(el xml.StartElement, local string) string {
	for _, a := range el.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
