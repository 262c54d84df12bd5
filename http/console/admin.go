package console

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// adminView is the console's front page.
type adminView struct {
	web.Layout
	User            *wengao.User
	PendingUploads  int
	OpenComplaints  int
	Documents       int
	Hidden, Deleted int
	Users           int
	Audit           []wengao.AuditEntry
}

func (s *Handler) handleAdmin(w http.ResponseWriter, r *http.Request) {
	u := s.requireModeratorPage(w, r)
	if u == nil {
		return
	}
	ctx := r.Context()
	v := adminView{User: u}
	// Each count is one query; the first that fails is the page's error,
	// rather than a zero shown as if it were the count.
	var err error
	_, v.PendingUploads, err = s.Uploads.ListUploads(ctx, wengao.UploadFilter{Status: wengao.UploadPending, Page: 1, Limit: 1})
	if err == nil {
		_, v.OpenComplaints, err = s.Complaints.ListComplaints(ctx, wengao.ComplaintFilter{Status: wengao.ComplaintOpen, Page: 1, Limit: 1})
	}
	if err == nil {
		v.Documents, err = s.Documents.CountDocuments(ctx)
	}
	if err == nil {
		_, v.Hidden, err = s.DocAdmin.AdminDocuments(ctx, wengao.AdminDocumentFilter{Status: wengao.DocHidden, Page: 1, Limit: 1})
		if err == nil {
			_, v.Deleted, err = s.DocAdmin.AdminDocuments(ctx, wengao.AdminDocumentFilter{Status: wengao.DocDeleted, Page: 1, Limit: 1})
		}
	}
	if err == nil {
		_, v.Users, err = s.UserAdmin.ListUsers(ctx, wengao.UserFilter{Page: 1, Limit: 1})
	}
	if err == nil {
		v.Audit, _, err = s.Audit.ListAudit(ctx, "", 1, 10)
	}
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	s.adminRender(w, r, http.StatusOK, "admin", "管理后台", &v)
}

// consoleView is the view of a console page: a pointer to a struct that
// embeds layout. Taking the pointer, adminRender fills the very layout
// the template reads; a view passed by value (whose layout would be
// filled in a copy, leaving the page without title, site name and
// account links) does not compile.
type consoleView interface{ PageLayout() *web.Layout }

// adminRender renders a console page, never cached and never indexed.
func (s *Handler) adminRender(w http.ResponseWriter, r *http.Request, status int, name, title string, v consoleView) {
	l := v.PageLayout()
	*l = s.NewLayout(r, title, "", "")
	l.NoIndex, l.Nav = true, "admin"
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, status, name, v)
}

// adminDocumentsView lists documents in any state.
type adminDocumentsView struct {
	web.Layout
	Docs   []wengao.AdminDocument
	Total  int
	Query  string
	Status string
	Tabs   []web.Link
	Pages  web.Pagination
	Notice string
}

func (s *Handler) handleAdminDocuments(w http.ResponseWriter, r *http.Request) {
	if s.requireModeratorPage(w, r) == nil {
		return
	}
	page, limit := web.PageParams(r)
	q := r.URL.Query()
	f := wengao.AdminDocumentFilter{Query: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Page: page, Limit: limit}
	docs, total, err := s.DocAdmin.AdminDocuments(r.Context(), f)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	v := adminDocumentsView{Docs: docs, Total: total, Query: f.Query, Status: f.Status, Notice: web.MeNotices[q.Get("notice")]}
	for _, st := range []string{"", wengao.DocPublished, wengao.DocHidden, wengao.DocDeleted} {
		v.Tabs = append(v.Tabs, web.Link{Label: web.DocStatusLabels[st], URL: "/admin/documents?status=" + st + "&q=" + urlQuery(f.Query), Current: st == f.Status})
	}
	v.Pages = web.Paginate(page, (total+limit-1)/limit, func(n int) string {
		return "/admin/documents?status=" + f.Status + "&q=" + urlQuery(f.Query) + "&page=" + strconv.Itoa(n)
	})
	s.adminRender(w, r, http.StatusOK, "admin_documents", "文稿管理", &v)
}

// adminDocumentView is one document's console page.
type adminDocumentView struct {
	web.Layout
	Doc     *wengao.Document
	Admin   *wengao.AdminDocument
	Body    string
	Price   string
	IsAdmin bool
	Error   string
	Notice  string
	History []wengao.AuditEntry
}

func (s *Handler) handleAdminDocumentPage(w http.ResponseWriter, r *http.Request) {
	u := s.requireModeratorPage(w, r)
	if u == nil {
		return
	}
	s.adminDocumentPage(w, r, u, http.StatusOK, "", web.MeNotices[r.URL.Query().Get("notice")])
}

func (s *Handler) adminDocumentPage(w http.ResponseWriter, r *http.Request, u *wengao.User, status int, errMsg, notice string) {
	doc, ad, err := s.DocAdmin.AdminDocument(r.Context(), r.PathValue("id"))
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	v := adminDocumentView{Doc: doc, Admin: ad, Body: strings.Join(doc.Body, "\n"), IsAdmin: u.IsAdmin(), Error: errMsg, Notice: notice}
	if doc.Price != nil {
		v.Price = strconv.FormatInt(*doc.Price, 10)
	}
	v.History, _, _ = s.Audit.ListAudit(r.Context(), "doc:"+doc.ID, 1, 20)
	s.adminRender(w, r, status, "admin_document", "编辑："+doc.Title, &v)
}

// documentActions are what the console does to a document, and who may:
// a move to another state is checked by the store against the
// transition table (wengao.CanChangeDocumentStatus); the other actions
// are for admins or for all staff.
var documentActions = map[string]struct {
	status    string // the state it moves the document to; "" for none
	adminOnly bool
}{
	"save":    {},
	"price":   {adminOnly: true},
	"hide":    {status: wengao.DocHidden},
	"publish": {status: wengao.DocPublished},
	"delete":  {status: wengao.DocDeleted},
	"restore": {status: wengao.DocPublished},
	"purge":   {adminOnly: true},
}

func (s *Handler) handleAdminDocumentForm(w http.ResponseWriter, r *http.Request) {
	u := s.requireModeratorPage(w, r)
	if u == nil {
		return
	}
	action := r.PathValue("action")
	spec, ok := documentActions[action]
	if !ok {
		s.NotFound(w, r)
		return
	}
	if spec.adminOnly && !u.IsAdmin() {
		s.ErrorPage(w, r, wengao.ErrNotAdmin)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<20)
	if err := r.ParseForm(); err != nil {
		s.adminDocumentPage(w, r, u, http.StatusBadRequest, web.MsgBadForm, "")
		return
	}
	id := r.PathValue("id")
	f := r.PostForm
	var err error
	if spec.status != "" {
		err = s.ChangeDocumentStatus(r, u, "document."+action, id, spec.status, strings.TrimSpace(f.Get("reason")))
	} else {
		err = s.editDocument(r, action, id)
	}
	if err != nil {
		s.adminDocumentPage(w, r, u, web.ErrorStatus(err), wengao.ErrorMessage(err), "")
		return
	}
	if action == "purge" {
		http.Redirect(w, r, "/admin/documents?status=deleted&notice=purged", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/admin/documents/"+urlPath(id)+"?notice=doc-"+action, http.StatusSeeOther)
}

// editDocument saves the console's edit of document id, sets its price
// or purges it (action), and records it in the audit log.
func (s *Handler) editDocument(r *http.Request, action, id string) error {
	f := r.PostForm
	e, ctx := s.Auditing(r, "document."+action, "doc:"+id, strings.TrimSpace(f.Get("reason")))
	var err error
	switch action {
	case "save":
		err = s.saveDocumentEdit(ctx, r, id)
	case "price":
		var price *int64
		if p := strings.TrimSpace(f.Get("price")); p != "" {
			n, perr := strconv.ParseInt(p, 10, 64)
			if perr != nil {
				err = wengao.Errorf(wengao.EINVALID, web.MsgBadPrice)
				break
			}
			price = &n
		}
		err = s.DocAdmin.SetDocumentPrice(ctx, id, price)
	case "purge":
		err = s.DocAdmin.PurgeDocument(ctx, id)
	}
	if err != nil {
		return err
	}
	s.Audited(r, e)
	return nil
}

// saveDocumentEdit stores the metadata and text of the console's form,
// with ctx.
func (s *Handler) saveDocumentEdit(ctx context.Context, r *http.Request, id string) error {
	doc, _, err := s.DocAdmin.AdminDocument(ctx, id)
	if err != nil {
		return err
	}
	f := r.PostForm
	doc.Title = strings.TrimSpace(f.Get("title"))
	doc.Date = strings.TrimSpace(f.Get("date"))
	doc.Category = strings.Trim(strings.TrimSpace(f.Get("category")), "/")
	doc.Author = strings.TrimSpace(f.Get("author"))
	doc.Source = strings.TrimSpace(f.Get("source"))
	doc.Body = strings.Split(strings.ReplaceAll(f.Get("body"), "\r\n", "\n"), "\n")
	doc.Outline = nil // computed again from the new text
	if doc.Title == "" || strings.TrimSpace(strings.Join(doc.Body, "")) == "" {
		return wengao.Errorf(wengao.EINVALID, web.MsgDocumentEmpty)
	}
	if doc.Date != "" {
		if _, err := time.Parse(wengao.DayLayout, doc.Date); err != nil {
			return wengao.Errorf(wengao.EINVALID, web.MsgBadDate)
		}
	}
	res, err := s.Documents.SaveDocuments(ctx, []*wengao.Document{doc})
	if err != nil {
		return err
	}
	if len(res) == 1 && res[0].Outcome == wengao.Duplicate {
		return wengao.Errorf(wengao.ECONFLICT, web.MsgDocumentDuplicate, res[0].DuplicateOf)
	}
	return nil
}

// adminCategoriesView lists the categories with their counts.
type adminCategoriesView struct {
	web.Layout
	Categories []wengao.CategoryCount
	Error      string
	Notice     string
}

func (s *Handler) handleAdminCategories(w http.ResponseWriter, r *http.Request) {
	if s.requireModeratorPage(w, r) == nil {
		return
	}
	s.adminCategories(w, r, http.StatusOK, "", web.MeNotices[r.URL.Query().Get("notice")])
}

func (s *Handler) adminCategories(w http.ResponseWriter, r *http.Request, status int, errMsg, notice string) {
	cats, err := s.Browse.Categories(r.Context())
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	v := adminCategoriesView{Categories: cats, Error: errMsg, Notice: notice}
	s.adminRender(w, r, status, "admin_categories", "分类管理", &v)
}

// handleAdminCategoriesForm renames or merges a category: every document
// under it moves to the new name.
func (s *Handler) handleAdminCategoriesForm(w http.ResponseWriter, r *http.Request) {
	u := s.requireAdminPage(w, r)
	if u == nil {
		return
	}
	if err := web.ParseForm(w, r); err != nil {
		s.adminCategories(w, r, http.StatusBadRequest, web.MsgBadForm, "")
		return
	}
	from := strings.Trim(strings.TrimSpace(r.PostForm.Get("from")), "/")
	to := strings.Trim(strings.TrimSpace(r.PostForm.Get("to")), "/")
	e, ctx := s.Auditing(r, "category.rename", "category:"+from, to)
	n, err := s.DocAdmin.RenameCategory(ctx, from, to)
	if err != nil {
		s.adminCategories(w, r, web.ErrorStatus(err), wengao.ErrorMessage(err), "")
		return
	}
	if e.ID == 0 {
		e.Detail += " (" + strconv.Itoa(n) + ")"
	}
	s.Audited(r, e)
	http.Redirect(w, r, "/admin/categories?notice=saved", http.StatusSeeOther)
}

// adminUsersView lists accounts.
type adminUsersView struct {
	web.Layout
	Users []wengao.AdminUser
	Total int
	Query string
	Pages web.Pagination
	Now   time.Time
}

func (s *Handler) handleAdminUsers(w http.ResponseWriter, r *http.Request) {
	if s.requireModeratorPage(w, r) == nil {
		return
	}
	page, limit := web.PageParams(r)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	users, total, err := s.UserAdmin.ListUsers(r.Context(), wengao.UserFilter{Query: q, Page: page, Limit: limit})
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	v := adminUsersView{Users: users, Total: total, Query: q, Now: s.Time()}
	v.Pages = web.Paginate(page, (total+limit-1)/limit, func(n int) string { return "/admin/users?q=" + urlQuery(q) + "&page=" + strconv.Itoa(n) })
	s.adminRender(w, r, http.StatusOK, "admin_users", "用户管理", &v)
}

// adminUserView is one account's console page.
type adminUserView struct {
	web.Layout
	U       *wengao.AdminUser
	IsAdmin bool
	Ledger  []wengao.LedgerEntry
	History []wengao.AuditEntry
	Error   string
	Notice  string
	Roles   []string
	Now     time.Time
}

func (s *Handler) handleAdminUserPage(w http.ResponseWriter, r *http.Request) {
	u := s.requireModeratorPage(w, r)
	if u == nil {
		return
	}
	s.adminUserPage(w, r, u, http.StatusOK, "", web.MeNotices[r.URL.Query().Get("notice")])
}

func (s *Handler) adminUserPage(w http.ResponseWriter, r *http.Request, me *wengao.User, status int, errMsg, notice string) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var au *wengao.AdminUser
	if err == nil {
		au, err = s.UserAdmin.FindAdminUser(r.Context(), id)
	} else {
		err = wengao.ErrUserNotFound
	}
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	v := adminUserView{U: au, IsAdmin: me.IsAdmin(), Error: errMsg, Notice: notice, Roles: []string{wengao.RoleReader, wengao.RoleModerator, wengao.RoleAdmin}, Now: s.Time()}
	v.Ledger, _, _ = s.Ledger.Entries(r.Context(), au.ID, 1, 20)
	v.History, _, _ = s.Audit.ListAudit(r.Context(), "user:"+strconv.FormatInt(au.ID, 10), 1, 20)
	s.adminRender(w, r, status, "admin_user", "用户："+au.Username, &v)
}

// parseBanDate reads a ban's end (a date: the ban lasts to its end), ""
// for none.
func parseBanDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation(wengao.DayLayout, s, web.SiteZone)
	if err != nil {
		return time.Time{}, wengao.Errorf(wengao.EINVALID, web.MsgBadDate)
	}
	return d.AddDate(0, 0, 1), nil
}

func (s *Handler) handleAdminUserForm(w http.ResponseWriter, r *http.Request) {
	me := s.requireModeratorPage(w, r)
	if me == nil {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.NotFound(w, r)
		return
	}
	if err := web.ParseForm(w, r); err != nil {
		s.adminUserPage(w, r, me, http.StatusBadRequest, web.MsgBadForm, "")
		return
	}
	f := r.PostForm
	action := r.PathValue("action")
	e, ctx := s.Auditing(r, "user."+action, "user:"+strconv.FormatInt(id, 10), "")
	switch action {
	case "role":
		e.Detail = f.Get("role")
		err = s.Users.SetUserRole(ctx, wengao.ActorOf(me), id, e.Detail)
	case "bans":
		var b wengao.Bans
		if b.UploadUntil, err = parseBanDate(f.Get("upload_until")); err == nil {
			if b.DownloadUntil, err = parseBanDate(f.Get("download_until")); err == nil {
				if b.CommentUntil, err = parseBanDate(f.Get("comment_until")); err == nil {
					e.Detail = "upload " + f.Get("upload_until") + ", download " + f.Get("download_until") + ", comment " + f.Get("comment_until")
					err = s.UserAdmin.SetUserBans(ctx, wengao.ActorOf(me), id, b)
				}
			}
		}
	case "points":
		if !me.IsAdmin() {
			err = wengao.ErrNotAdmin
			break
		}
		n, perr := strconv.ParseInt(strings.TrimSpace(f.Get("amount")), 10, 64)
		if perr != nil || n == 0 {
			err = wengao.Errorf(wengao.EINVALID, web.MsgBadPoints)
			break
		}
		reason := strings.TrimSpace(f.Get("reason"))
		e.Detail = strconv.FormatInt(n, 10) + " " + reason
		err = s.Ledger.Grant(ctx, &wengao.LedgerEntry{UserID: id, Kind: wengao.KindAdjust, Amount: n, Reason: reason, OperatorID: me.ID})
	default:
		s.NotFound(w, r)
		return
	}
	if err != nil {
		s.adminUserPage(w, r, me, web.ErrorStatus(err), wengao.ErrorMessage(err), "")
		return
	}
	s.Audited(r, e)
	http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10)+"?notice=saved", http.StatusSeeOther)
}

// adminSettingsView is the settings form.
type adminSettingsView struct {
	web.Layout
	S     wengao.Settings
	MaxMB int64
	// QuotaMB is the upload quota in megabytes.
	QuotaMB int64
	Error   string
	Notice  string
}

func (s *Handler) handleAdminSettings(w http.ResponseWriter, r *http.Request) {
	if s.requireAdminPage(w, r) == nil {
		return
	}
	s.adminSettings(w, r, http.StatusOK, s.CurrentSettings(r.Context()), "", web.MeNotices[r.URL.Query().Get("notice")])
}

func (s *Handler) adminSettings(w http.ResponseWriter, r *http.Request, status int, st wengao.Settings, errMsg, notice string) {
	v := adminSettingsView{S: st, MaxMB: st.UploadMaxBytes >> 20, QuotaMB: st.UploadQuotaBytes >> 20, Error: errMsg, Notice: notice}
	s.adminRender(w, r, status, "admin_settings", "网站设置", &v)
}

func (s *Handler) handleAdminSettingsForm(w http.ResponseWriter, r *http.Request) {
	if s.requireAdminPage(w, r) == nil {
		return
	}
	if err := web.ParseForm(w, r); err != nil {
		s.adminSettings(w, r, http.StatusBadRequest, s.CurrentSettings(r.Context()), web.MsgBadForm, "")
		return
	}
	f := r.PostForm
	st := s.CurrentSettings(r.Context())
	st.SiteName = strings.TrimSpace(f.Get("site_name"))
	st.NearDuplicatePolicy = f.Get("near_duplicate_policy")
	var bad bool
	num := func(k string) int64 {
		n, err := strconv.ParseInt(strings.TrimSpace(f.Get(k)), 10, 64)
		bad = bad || err != nil
		return n
	}
	st.Percent = int(num("preview_percent"))
	st.MaxChars = int(num("preview_max_chars"))
	st.DownloadPrice = num("download_price")
	st.UploadReward = num("upload_reward")
	st.SignInPoints = num("signin_points")
	st.SignupBonus = num("signup_bonus")
	st.UploadMaxBytes = num("upload_max_mb") << 20
	// Fields added since the form's first version keep their value when
	// a form leaves them out.
	if f.Has("takedown_policy") {
		st.TakedownPolicy = f.Get("takedown_policy")
	}
	for k, p := range map[string]*int{"takedowns_per_day": &st.TakedownsPerDay, "takedown_account_days": &st.TakedownAccountDays, "search_per_minute": &st.SearchPerMinute,
		"search_per_minute_user": &st.SearchPerMinuteUser, "registrations_per_hour": &st.RegistrationsPerHour, "downloads_per_minute": &st.DownloadsPerMinute, "uploads_per_day": &st.UploadsPerDay,
		"check_daily_quota": &st.CheckDailyQuota} {
		if f.Has(k) {
			*p = int(num(k))
		}
	}
	if f.Has("upload_quota_mb") {
		st.UploadQuotaBytes = num("upload_quota_mb") << 20
	}
	if bad {
		s.adminSettings(w, r, http.StatusBadRequest, st, web.MsgBadNumbers, "")
		return
	}
	e, ctx := s.Auditing(r, "settings.save", "settings", "")
	if err := s.SettingsStore.SaveSettings(ctx, st); err != nil {
		s.adminSettings(w, r, web.ErrorStatus(err), st, wengao.ErrorMessage(err), "")
		return
	}
	s.Audited(r, e)
	http.Redirect(w, r, "/admin/settings?notice=saved", http.StatusSeeOther)
}

// pairList is a console page of word pairs a store keeps, which admins
// add and remove: the display masking rules (党委 shown as D委) and the
// abbreviations search treats as their full forms.
type pairList struct {
	path, page, title string // "/admin/masks", its template and title
	audit             string // the audit action's prefix and target kind
	key, value        string // the form's fields
	list              func(ctx context.Context) (any, error)
	add               func(ctx context.Context, key, value string) error
	remove            func(ctx context.Context, key string) error
	// saved, when not nil, runs after a change is saved.
	saved func(r *http.Request)
}

// pairListView is a pairList's page.
type pairListView struct {
	web.Layout
	Items  any
	Error  string
	Notice string
}

func (s *Handler) maskList() pairList {
	return pairList{path: "/admin/masks", page: "admin_masks", title: "屏蔽词", audit: "mask", key: "word", value: "shown",
		list: func(ctx context.Context) (any, error) { rules, _, err := s.Masks.MaskRules(ctx); return rules, err },
		add: func(ctx context.Context, word, shown string) error {
			return s.Masks.AddMask(ctx, wengao.MaskRule{Word: word, Shown: shown})
		},
		remove: s.Masks.RemoveMask,
		saved:  func(r *http.Request) { s.Masker(r.Context()) }, // drops the cached pages
	}
}

func (s *Handler) abbreviationList() pairList {
	return pairList{path: "/admin/abbreviations", page: "admin_abbreviations", title: "简称", audit: "abbreviation", key: "short", value: "full",
		list: func(ctx context.Context) (any, error) {
			entries, _, err := s.Abbreviations.Abbreviations(ctx)
			return entries, err
		},
		add: func(ctx context.Context, short, full string) error {
			return s.Abbreviations.AddAbbreviation(ctx, wengao.Abbreviation{Short: short, Full: full})
		},
		remove: s.Abbreviations.RemoveAbbreviation,
	}
}

// pairListPage serves the list's page, to admins.
func (s *Handler) pairListPage(l pairList) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.requireAdminPage(w, r) == nil {
			return
		}
		s.renderPairList(w, r, l, http.StatusOK, "", web.MeNotices[r.URL.Query().Get("notice")])
	}
}

func (s *Handler) renderPairList(w http.ResponseWriter, r *http.Request, l pairList, status int, errMsg, notice string) {
	items, err := l.list(r.Context())
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	s.adminRender(w, r, status, l.page, l.title, &pairListView{Items: items, Error: errMsg, Notice: notice})
}

// pairListForm adds or removes a pair, audited, for admins.
func (s *Handler) pairListForm(l pairList) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.requireAdminPage(w, r) == nil {
			return
		}
		if err := web.ParseForm(w, r); err != nil {
			s.renderPairList(w, r, l, http.StatusBadRequest, web.MsgBadForm, "")
			return
		}
		key, value := strings.TrimSpace(r.PostForm.Get(l.key)), strings.TrimSpace(r.PostForm.Get(l.value))
		action := "add"
		if r.PostForm.Get("action") == "remove" {
			action = "remove"
		}
		e, ctx := s.Auditing(r, l.audit+"."+action, l.audit+":"+key, value)
		var err error
		if action == "remove" {
			err = l.remove(ctx, key)
		} else {
			err = l.add(ctx, key, value)
		}
		if err != nil {
			s.renderPairList(w, r, l, web.ErrorStatus(err), wengao.ErrorMessage(err), "")
			return
		}
		if l.saved != nil {
			l.saved(r)
		}
		s.Audited(r, e)
		http.Redirect(w, r, l.path+"?notice=saved", http.StatusSeeOther)
	}
}

// adminAuditView is the log of operators' actions.
type adminAuditView struct {
	web.Layout
	Entries []wengao.AuditEntry
	Pages   web.Pagination
}

func (s *Handler) handleAdminAudit(w http.ResponseWriter, r *http.Request) {
	if s.requireModeratorPage(w, r) == nil {
		return
	}
	page, limit := web.PageParams(r)
	entries, total, err := s.Audit.ListAudit(r.Context(), r.URL.Query().Get("target"), page, limit)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	v := adminAuditView{Entries: entries}
	v.Pages = web.Paginate(page, (total+limit-1)/limit, func(n int) string { return "/admin/audit?page=" + strconv.Itoa(n) })
	s.adminRender(w, r, http.StatusOK, "admin_audit", "操作记录", &v)
}

func urlQuery(s string) string { return url.QueryEscape(s) }

func urlPath(s string) string { return url.PathEscape(s) }
