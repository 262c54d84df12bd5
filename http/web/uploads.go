package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/convert"
	"github.com/wengao/wengao/ingest"
)

// MaxUploadFiles is the most files one upload request may carry.
const MaxUploadFiles = 10

// convertTimeout bounds the conversion of one uploaded file.
const convertTimeout = ingest.DefaultTimeout

// UploadFailure is one file of an upload request that was not taken.
type UploadFailure struct {
	File  string        `json:"file"`
	Error *wengao.Error `json:"error"`
}

// ReceiveFiles reads the files of a multipart upload request (fields
// named "file"), one at a time as they arrive, and makes each a draft
// upload of u.
func (s *Core) ReceiveFiles(w http.ResponseWriter, r *http.Request, u *wengao.User) ([]*wengao.Upload, []UploadFailure, error) {
	max := s.CurrentSettings(r.Context()).UploadMaxBytes
	// The request may hold maxUploadFiles files of the largest size, plus
	// the multipart framing.
	r.Body = http.MaxBytesReader(w, r.Body, max*MaxUploadFiles+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, wengao.Errorf(wengao.EINVALID, msgUploadNotMultipart)
	}
	var ups []*wengao.Upload
	var failed []UploadFailure
	files := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return ups, failed, wengao.Errorf(wengao.ETOOLARGE, msgUploadTooLarge, wengao.FormatSize(max))
			}
			return ups, failed, wengao.Errorf(wengao.EINVALID, msgUploadBroken)
		}
		if part.FormName() != "file" || part.FileName() == "" {
			part.Close()
			continue
		}
		files++
		name := cleanFileName(part.FileName())
		if files > MaxUploadFiles {
			part.Close()
			failed = append(failed, UploadFailure{File: name, Error: wengao.Errorf(wengao.EINVALID, msgUploadTooMany, MaxUploadFiles)})
			continue
		}
		up, err := s.receiveUpload(r.Context(), u, name, part)
		part.Close()
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return ups, failed, wengao.Errorf(wengao.ETOOLARGE, msgUploadTooLarge, wengao.FormatSize(max))
			}
			if wengao.ErrorCode(err) == wengao.EINTERNAL {
				return ups, failed, err
			}
			failed = append(failed, UploadFailure{File: name, Error: &wengao.Error{Code: wengao.ErrorCode(err), Message: wengao.ErrorMessage(err)}})
			continue
		}
		ups = append(ups, up)
	}
	if files == 0 {
		return nil, nil, wengao.Errorf(wengao.EINVALID, msgUploadNoFile)
	}
	return ups, failed, nil
}

// senderReader reads an uploaded file from its sender and keeps the
// error that reading ended with, other than io.EOF, so that a broken
// upload is told from a failure to store it.
type senderReader struct {
	r   io.Reader
	err error
}

func (s *senderReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// cleanFileName keeps the base name of an uploaded file, without control
// characters, at most 200 characters.
func cleanFileName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	if utf8.RuneCountInString(name) > 200 {
		ext := path.Ext(name)
		name = string([]rune(strings.TrimSuffix(name, ext))[:150]) + ext
	}
	if name == "" || name == "." || name == "/" {
		name = "upload"
	}
	return name
}

// receiveUpload stores one file, takes its text, detects its metadata and
// near-duplicates, and creates a draft upload. The same file sent before
// is recognised by its hash before anything else is done.
//
// Within the daily count and storage quota of the settings, the file is
// stored first; when anything after fails, it is removed again unless
// another record refers to the same content.
func (s *Core) receiveUpload(ctx context.Context, u *wengao.User, name string, r io.Reader) (_ *wengao.Upload, err error) {
	if !ingest.Accepts(name) {
		return nil, wengao.Errorf(wengao.EINVALID, msgUploadFormat)
	}
	settings := s.CurrentSettings(ctx)
	count, used, err := s.Uploads.UploadUsage(ctx, u.ID, s.Time().Add(-24*time.Hour))
	if err != nil {
		return nil, err
	}
	if settings.UploadsPerDay > 0 && count >= settings.UploadsPerDay {
		return nil, wengao.Errorf(wengao.ETOOMANY, msgUploadDailyLimit, settings.UploadsPerDay)
	}
	if settings.UploadQuotaBytes > 0 && used >= settings.UploadQuotaBytes {
		return nil, wengao.Errorf(wengao.ETOOLARGE, msgUploadQuota, wengao.FormatSize(settings.UploadQuotaBytes))
	}
	sent := &senderReader{r: r}
	key, size, err := s.Files.Put(ctx, sent, settings.UploadMaxBytes)
	if err == nil {
		release := s.holdBlob(key)
		defer func() {
			release()
			if err != nil {
				s.removeBlobIfOrphan(ctx, key)
			}
		}()
		if settings.UploadQuotaBytes > 0 && used+size > settings.UploadQuotaBytes {
			return nil, wengao.Errorf(wengao.ETOOLARGE, msgUploadQuota, wengao.FormatSize(settings.UploadQuotaBytes))
		}
	}
	if err != nil {
		if wengao.ErrorCode(err) == wengao.ETOOLARGE {
			return nil, wengao.Errorf(wengao.ETOOLARGE, msgUploadTooLarge, wengao.FormatSize(settings.UploadMaxBytes))
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		if sent.err != nil || errors.Is(err, context.Canceled) {
			// The file did not arrive whole: the sender's fault, not
			// the store's.
			return nil, wengao.Errorf(wengao.EINVALID, msgUploadBroken)
		}
		return nil, fmt.Errorf("store upload: %w", err)
	}
	if size == 0 {
		return nil, wengao.Errorf(wengao.EINVALID, msgUploadEmpty)
	}
	if prev, err := s.Uploads.FindUploadByFile(ctx, key); err == nil {
		return nil, wengao.Errorf(wengao.ECONFLICT, msgUploadSameFile, prev.ID, StatusLabels[prev.Status])
	} else if wengao.ErrorCode(err) != wengao.ENOTFOUND {
		return nil, err
	}
	f, _, err := s.Files.Open(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("open stored upload: %w", err)
	}
	defer f.Close()
	limits := convert.DefaultLimits()
	limits.MaxFileSize = settings.UploadMaxBytes
	text, err := ingest.File(ctx, name, f, ingest.Options{Limits: limits, Timeout: convertTimeout})
	if err != nil {
		return nil, ingestError(err)
	}
	md, body := text.Meta, text.Body
	meta := wengao.UploadMeta{Title: chinese.FirstRunes(md.Title, wengao.UploadTitleMaxRunes), Issuer: md.Issuer, DocNumber: md.DocNumber, Genre: md.Genre, Category: md.Category}
	if !md.Date.IsZero() {
		meta.Date = md.Date.Format(wengao.DayLayout)
	}
	up := &wengao.Upload{
		UserID: u.ID, Username: u.Username, Status: wengao.UploadDraft,
		File:   wengao.SourceFile{Key: key, Name: name, Size: size},
		Format: text.Format, Meta: meta, Body: body, Outline: chinese.Outline(body),
		Chars: wengao.BodyChars(body), TextHash: text.Hash,
	}
	if s.Near != nil {
		if up.NearDuplicates, err = s.Near.FindNearDuplicates(ctx, meta.Title, body, wengao.NearDuplicateThreshold, "", 5); err != nil {
			return nil, err
		}
	}
	if err := s.Uploads.CreateUpload(ctx, up); err != nil {
		return nil, err
	}
	if len(up.NearDuplicates) > 0 && settings.NearDuplicatePolicy == wengao.NearDuplicateReject {
		m := up.NearDuplicates[0]
		reason := fmt.Sprintf(msgNearDuplicateRejected, m.Title, m.Similarity*100)
		if rej, err := s.Uploads.RejectUpload(ctx, up.ID, 0, reason); err == nil {
			up = rej
		} else {
			return nil, err
		}
	}
	return up, nil
}

// ingestError turns the failure to read an uploaded file into the error
// shown to the uploader: convert's errors carry messages written for
// readers.
func ingestError(err error) error {
	var we *wengao.Error
	switch {
	case errors.As(err, &we):
		return err
	case errors.Is(err, ingest.ErrTimeout):
		return wengao.Errorf(wengao.EINVALID, msgUploadTimeout)
	case errors.Is(err, ingest.ErrNoText):
		return wengao.Errorf(wengao.EINVALID, msgUploadNoText)
	}
	return fmt.Errorf("convert upload: %w", err)
}

// ReadMeta reads upload metadata from a form.
func ReadMeta(get func(string) string) wengao.UploadMeta {
	f := func(k string) string { return strings.TrimSpace(get(k)) }
	return wengao.UploadMeta{Title: f("title"), Issuer: f("issuer"), DocNumber: f("doc_number"), Date: f("date"), Genre: f("genre"), Category: strings.Trim(f("category"), "/")}
}
