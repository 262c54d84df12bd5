package site

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
	qrcode "github.com/yeqown/go-qrcode/v2"
)

// handleQRCode serves an SVG QR code of the address of one of the site's
// pages (?path=/doc/…), for sharing to WeChat by scanning.
func (s *Handler) handleQRCode(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Query().Get("path")
	if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") || strings.ContainsAny(path, "\\\r\n") || len(path) > 512 {
		s.ErrorPage(w, r, wengao.Errorf(wengao.EINVALID, web.MsgBadSharePath))
		return
	}
	svg, err := qrSVG(s.SiteURL(r) + path)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	s.WriteBody(w, r, http.StatusOK, svg, time.Time{})
}

// qrSVG draws the QR code of text as SVG, one path of unit squares with a
// quiet zone of four modules.
func qrSVG(text string) ([]byte, error) {
	qr, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return nil, err
	}
	var bitmap [][]bool
	if err := qr.Save(web.MatrixWriter(func(m qrcode.Matrix) { bitmap = m.Bitmap() })); err != nil {
		return nil, err
	}
	const quiet = 4
	size := len(bitmap) + 2*quiet
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges">`, size, size, size*6, size*6)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, size, size)
	for y, row := range bitmap {
		for x := 0; x < len(row); x++ {
			if !row[x] {
				continue
			}
			run := 1
			for x+run < len(row) && row[x+run] {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+quiet, y+quiet, run, run)
			x += run - 1
		}
	}
	b.WriteString(`"/></svg>`)
	return b.Bytes(), nil
}
