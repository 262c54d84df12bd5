package web

import (
	"fmt"
	"strings"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/search"
)

// Services are the stores a server serves from. Those marked required
// must be set (NewCore names any missing); the optional ones change what
// the server offers, decided once when it is built.
type Services struct {
	// Required.
	Documents     wengao.DocumentService
	Search        wengao.SearchService
	Browse        wengao.BrowseService
	Users         wengao.UserService
	Sessions      wengao.SessionService
	Ledger        wengao.LedgerService
	Favorites     wengao.FavoriteService
	Uploads       wengao.UploadService
	Complaints    wengao.ComplaintService
	DocAdmin      wengao.DocumentAdmin
	UserAdmin     wengao.UserAdmin
	Audit         wengao.AuditLog
	SettingsStore wengao.SettingsService
	// Masks are the display masking rules.
	Masks wengao.MaskService
	// Abbreviations are the operator's entries that search finds as one
	// with their full forms (人社厅 ⇄ 人力资源和社会保障厅).
	Abbreviations wengao.AbbreviationService
	// Files holds the original files of uploads and documents; a document
	// without one is downloaded as a .docx made from its text.
	Files FileStore

	// Reads ranks documents by reads; nil shows no rankings.
	Reads wengao.ReadService
	// Stats gives the operators' statistics; nil turns them off (their
	// pages answer that they are unavailable).
	Stats wengao.StatsService
	// BlobIndex tells which files records refer to, so that the file of
	// a failed upload is removed; nil takes Uploads when it can tell.
	BlobIndex wengao.BlobIndex
	// Near finds published documents similar to an upload; nil finds none.
	Near wengao.NearDuplicateFinder
	// Maskers gives the Masker of the rules of Masks, shared with search
	// so that both show words alike; nil makes one over Masks.
	Maskers *search.Maskers
	// Changes tells the server of committed writes, so that it drops the
	// pages they make stale; nil takes Documents when it can tell (a
	// store implementing wengao.ChangeNotifier). The server subscribes
	// once, when it serves its first request.
	Changes wengao.ChangeNotifier
	// CopyChecker checks drafts against the library (查重, /check and
	// POST /api/v1/check); nil turns the check off (its routes answer
	// 404). CheckQuota counts each user's checks a day; nil takes
	// Documents when it can, and a CopyChecker without either is an
	// error.
	CopyChecker wengao.CopyChecker
	CheckQuota  wengao.CheckQuotaService
}

// check returns an error naming the required services s lacks.
func (s Services) check() error {
	var missing []string
	for _, r := range []struct {
		name string
		set  bool
	}{
		{"Documents", s.Documents != nil},
		{"Search", s.Search != nil},
		{"Browse", s.Browse != nil},
		{"Users", s.Users != nil},
		{"Sessions", s.Sessions != nil},
		{"Ledger", s.Ledger != nil},
		{"Favorites", s.Favorites != nil},
		{"Uploads", s.Uploads != nil},
		{"Complaints", s.Complaints != nil},
		{"DocAdmin", s.DocAdmin != nil},
		{"UserAdmin", s.UserAdmin != nil},
		{"Audit", s.Audit != nil},
		{"SettingsStore", s.SettingsStore != nil},
		{"Masks", s.Masks != nil},
		{"Abbreviations", s.Abbreviations != nil},
		{"Files", s.Files != nil},
	} {
		if !r.set {
			missing = append(missing, r.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("http: missing required services: %s", strings.Join(missing, ", "))
	}
	if s.CopyChecker != nil && s.checkQuota() == nil {
		return fmt.Errorf("http: CopyChecker needs CheckQuota (the daily quota of checks)")
	}
	return nil
}

// checkQuota returns CheckQuota, or Documents when it counts checks.
func (s Services) checkQuota() wengao.CheckQuotaService {
	if s.CheckQuota != nil {
		return s.CheckQuota
	}
	q, _ := s.Documents.(wengao.CheckQuotaService)
	return q
}
