package web

import (
	"bytes"
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/wengao/wengao"
)

// requestState is what the middleware keeps for a request: its id and
// its signed-in user, looked up once.
type requestState struct {
	id      string
	once    sync.Once
	user    *wengao.User
	userErr error // reading the session failed
}

// DocFacts are what a document page's buttons need of the document.
type DocFacts struct {
	Price      int64 // the price charged for a download
	HasPrice   bool  // the document has a price of its own
	UploaderID int64
}

// SlotValues returns the contents of the slots of a page served to r: the
// read count, the account links and, when actions is given, the
// document's buttons for the visitor.
func (s *Core) SlotValues(r *http.Request, reads int64, actions func(u *wengao.User) []byte) *slotValues {
	var v slotValues
	v[slotReads] = strconv.AppendInt(nil, reads, 10)
	u := s.CurrentUser(r)
	v[slotAccount] = accountLinks(r, u)
	if actions != nil {
		v[SlotActions] = actions(u)
	}
	return &v
}

// accountLinks are the header's account links for the visitor u (nil for
// a visitor who has not logged in).
func accountLinks(r *http.Request, u *wengao.User) []byte {
	if u == nil {
		return anonymousLinks(requestPath(r))
	}
	var b bytes.Buffer
	b.WriteString(`<a href="/me" class="account-name">` + html.EscapeString(u.Username) + `<span class="points">` + strconv.FormatInt(u.Points, 10) + ` 积分</span></a>`)
	if u.IsModerator() {
		b.WriteString(`<a href="/admin/uploads">审核</a>`)
	}
	b.WriteString(`<form method="post" action="/logout" class="inline"><button type="submit" class="link">退出</button></form>`)
	return b.Bytes()
}

// requestPath is the path and query of r, to come back to after logging
// in; "/" for anything that is not a path on this site.
func requestPath(r *http.Request) string {
	p := r.URL.RequestURI()
	if len(p) == 0 || p[0] != '/' || len(p) > 1 && (p[1] == '/' || p[1] == '\\') {
		return "/"
	}
	return p
}

// DocumentActions renders a document page's buttons for the visitor u:
// 收藏 with its count, and 下载源文档 with its price or the visitor's
// right to download.
func (s *Core) DocumentActions(r *http.Request, u *wengao.User, id string, facts DocFacts) []byte {
	ctx := r.Context()
	favs := s.favoriteCount(ctx, id)
	if u == nil {
		return anonymousActions(id, favs, facts.Price)
	}
	path := DocURL(id)
	var b bytes.Buffer
	count := `<span class="fav-count" data-fav-count>` + strconv.Itoa(favs) + `</span>`
	isFav := false
	isFav, _ = s.Favorites.IsFavorite(ctx, u.ID, id)
	action, label, class := "add", "☆ 收藏", "btn fav"
	if isFav {
		action, label, class = "remove", "★ 已收藏", "btn fav on"
	}
	b.WriteString(`<form method="post" action="` + html.EscapeString(path+"/favorite") + `" class="inline" data-fav>`)
	b.WriteString(`<input type="hidden" name="action" value="` + action + `">`)
	b.WriteString(`<button type="submit" class="` + class + `" aria-pressed="` + strconv.FormatBool(isFav) + `">` + label + ` ` + count + `</button></form>`)
	note := strconv.FormatInt(facts.Price, 10) + " 积分"
	switch {
	case facts.UploaderID == u.ID:
		note = "本人上传，免费"
	case facts.Price == 0:
		note = "免费"
	default:
		if _, err := s.Ledger.FindPurchase(ctx, u.ID, id); err == nil {
			note = "已购买"
		}
	}
	b.WriteString(`<a class="btn download" href="` + html.EscapeString(path+"/download") + `">下载源文档<span class="price">（` + note + `）</span></a>`)
	return b.Bytes()
}

// favCountTTL is how long a document's favourite count is kept in memory.
// Changes made through this server update it at once; those made through
// another instance show within the TTL.
const favCountTTL = 30 * time.Second

// favCounts caches documents' favourite counts, so that serving a
// document page to a visitor who has not logged in needs no query.
type favCounts struct {
	mu sync.Mutex
	m  map[string]favCount
}

type favCount struct {
	n       int
	expires time.Time
}

// favoriteCount returns the number of users who collected document id.
func (s *Core) favoriteCount(ctx context.Context, id string) int {
	now := s.Time()
	s.favs.mu.Lock()
	c, ok := s.favs.m[id]
	s.favs.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.n
	}
	n, err := s.Favorites.CountFavorites(ctx, id)
	if err != nil {
		return c.n
	}
	s.SetFavoriteCount(id, n)
	return n
}

// SetFavoriteCount records a document's favourite count after a change.
func (s *Core) SetFavoriteCount(id string, n int) {
	s.favs.mu.Lock()
	defer s.favs.mu.Unlock()
	if s.favs.m == nil || len(s.favs.m) > 100000 {
		s.favs.m = map[string]favCount{}
	}
	s.favs.m[id] = favCount{n: n, expires: s.Time().Add(favCountTTL)}
}

// anonActions keeps the buttons shown to visitors who have not logged in,
// which depend only on the document, its favourite count and its price.
var anonActions sync.Map

type anonButtons struct {
	favs  int
	price int64
	html  []byte
}

// anonymousActions returns a document's buttons for a visitor who has not
// logged in: 收藏 and 下载源文档, each leading to the login page.
func anonymousActions(id string, favs int, price int64) []byte {
	if v, ok := anonActions.Load(id); ok {
		if a := v.(*anonButtons); a.favs == favs && a.price == price {
			return a.html
		}
	}
	path := DocURL(id)
	var b bytes.Buffer
	count := `<span class="fav-count" data-fav-count>` + strconv.Itoa(favs) + `</span>`
	b.WriteString(`<a class="btn fav" href="/login?next=` + url.QueryEscape(path) + `" title="登录后收藏">☆ 收藏 ` + count + `</a>`)
	note := "免费"
	if price > 0 {
		note = strconv.FormatInt(price, 10) + " 积分"
	}
	b.WriteString(`<a class="btn download" href="` + html.EscapeString(path+"/download") + `">下载源文档<span class="price">（` + note + `）</span></a>`)
	anonActions.Store(id, &anonButtons{favs: favs, price: price, html: b.Bytes()})
	return b.Bytes()
}

// anonLinks keeps the header's links for visitors who have not logged in,
// by the page they are on: cached pages are asked for again and again.
var anonLinks struct {
	sync.Mutex
	m map[string][]byte
}

// anonLinksPathMax is the longest path whose links are kept.
const anonLinksPathMax = 256

// anonymousLinks returns the login and registration links that come back
// to path.
func anonymousLinks(path string) []byte {
	anonLinks.Lock()
	b, ok := anonLinks.m[path]
	anonLinks.Unlock()
	if ok {
		return b
	}
	next := url.QueryEscape(path)
	b = []byte(`<a href="/login?next=` + next + `">登录</a><a href="/register?next=` + next + `">注册</a>`)
	if len(path) > anonLinksPathMax {
		// Not kept: 10,000 request lines of up to 1 MB each would
		// hold gigabytes.
		return b
	}
	anonLinks.Lock()
	if anonLinks.m == nil || len(anonLinks.m) >= 10000 {
		anonLinks.m = make(map[string][]byte)
	}
	anonLinks.m[path] = b
	anonLinks.Unlock()
	return b
}
