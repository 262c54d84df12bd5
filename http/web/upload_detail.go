package web

import (
	"net/http"
	"strconv"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/neardup"
)

// UploadID reads the {id} of an upload route.
func UploadID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, wengao.ErrUploadNotFound
	}
	return id, nil
}

// FindVisibleUpload returns upload id when u may see it: its uploader or
// a moderator. Others get ENOTFOUND, as for an upload that does not exist.
func (s *Core) FindVisibleUpload(r *http.Request, u *wengao.User) (*wengao.Upload, error) {
	id, err := UploadID(r)
	if err != nil {
		return nil, err
	}
	up, err := s.Uploads.FindUpload(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if up.UserID != u.ID && !u.IsModerator() {
		return nil, wengao.ErrUploadNotFound
	}
	return up, nil
}

// UploadFilter reads status, page and limit.
func UploadFilter(r *http.Request) wengao.UploadFilter {
	page, limit := PageParams(r)
	return wengao.UploadFilter{Status: r.URL.Query().Get("status"), Page: page, Limit: limit}
}

// uploadDetailView is an upload's page, for its uploader or a moderator.
type uploadDetailView struct {
	Layout
	Up       *wengao.Upload
	Status   string
	Editable bool
	Admin    bool
	Error    string
	Notice   string
	Preview  []string // the opening paragraphs
	More     int      // paragraphs not shown
	Matches  []nearView
	Genres   []string
}

// nearView is a near-duplicate with the passages it shares with the
// upload.
type nearView struct {
	wengao.NearMatch
	Percent  int
	Passages []string
}

// uploadPreviewParagraphs is the number of paragraphs an upload's page
// shows of its text.
const uploadPreviewParagraphs = 30

func (s *Core) UploadDetail(w http.ResponseWriter, r *http.Request, status int, up *wengao.Upload, admin bool, errMsg, notice string) {
	v := uploadDetailView{Up: up, Status: StatusLabels[up.Status], Admin: admin, Error: errMsg, Notice: notice, Genres: genreChoices}
	v.Editable = up.Status == wengao.UploadDraft || up.Status == wengao.UploadPending
	n := min(len(up.Body), uploadPreviewParagraphs)
	if admin {
		n = len(up.Body)
	}
	v.Preview, v.More = up.Body[:n], len(up.Body)-n
	for _, m := range up.NearDuplicates {
		nv := nearView{NearMatch: m, Percent: int(m.Similarity*100 + 0.5)}
		if admin {
			if doc, err := s.Documents.FindDocumentByID(r.Context(), m.ID); err == nil {
				for i, p := range neardup.Overlap(up.Body, doc.Body, 20) {
					if i == 20 {
						break
					}
					nv.Passages = append(nv.Passages, p.Text)
				}
			}
		}
		v.Matches = append(v.Matches, nv)
	}
	title := "上传文稿：" + up.Meta.Title
	v.Layout = s.NewLayout(r, title, "", "")
	v.NoIndex, v.Nav = true, "upload"
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, status, "upload_detail", v)
}

// genreChoices are the 文种 offered on the metadata form.
var genreChoices = []string{"通知", "意见", "决定", "通报", "报告", "请示", "批复", "函", "纪要", "讲话", "方案", "规划", "办法", "规定", "条例", "公告", "通告", "命令", "决议", "议案", "公报", "总结", "计划", "要点"}
