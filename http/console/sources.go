package console

import (
	"net/http"
	"strings"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// adminSourcesView is the form of the 来源 rules: one rule a line,
// "prefix | name | link".
type adminSourcesView struct {
	web.Layout
	Rules  []wengao.SourceRule
	Text   string
	Error  string
	Notice string
}

func (s *Handler) handleAdminSources(w http.ResponseWriter, r *http.Request) {
	if s.requireAdminPage(w, r) == nil {
		return
	}
	rules := s.CurrentSettings(r.Context()).Sources
	s.adminSources(w, r, http.StatusOK, rules, formatSourceRules(rules), "", web.MeNotices[r.URL.Query().Get("notice")])
}

func (s *Handler) adminSources(w http.ResponseWriter, r *http.Request, status int, rules []wengao.SourceRule, text, errMsg, notice string) {
	v := adminSourcesView{Rules: rules, Text: text, Error: errMsg, Notice: notice}
	s.adminRender(w, r, status, "admin_sources", "来源名称", &v)
}

func (s *Handler) handleAdminSourcesForm(w http.ResponseWriter, r *http.Request) {
	if s.requireAdminPage(w, r) == nil {
		return
	}
	current := s.CurrentSettings(r.Context()).Sources
	if err := web.ParseForm(w, r); err != nil {
		s.adminSources(w, r, http.StatusBadRequest, current, formatSourceRules(current), web.MsgBadForm, "")
		return
	}
	text := r.PostForm.Get("rules")
	if r.PostForm.Get("action") == "defaults" {
		text = formatSourceRules(wengao.DefaultSourceRules())
	}
	rules, err := parseSourceRules(text)
	if err == nil {
		err = wengao.ValidateSourceRules(rules)
	}
	if err == nil {
		st := s.CurrentSettings(r.Context())
		st.Sources = rules
		e, ctx := s.Auditing(r, "sources.save", "settings", "")
		if err = s.SettingsStore.SaveSettings(ctx, st); err == nil {
			s.Audited(r, e)
		}
	}
	if err != nil {
		s.adminSources(w, r, web.ErrorStatus(err), current, text, wengao.ErrorMessage(err), "")
		return
	}
	http.Redirect(w, r, "/admin/sources?notice=saved", http.StatusSeeOther)
}

// formatSourceRules writes rules one a line, "prefix | name | link".
func formatSourceRules(rules []wengao.SourceRule) string {
	var b strings.Builder
	for _, r := range rules {
		b.WriteString(r.Prefix + " | " + r.Name)
		if r.URL != "" {
			b.WriteString(" | " + r.URL)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// parseSourceRules reads the lines formatSourceRules writes; blank lines
// are skipped.
func parseSourceRules(text string) ([]wengao.SourceRule, error) {
	var rules []wengao.SourceRule
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		f := strings.Split(line, "|")
		if len(f) < 2 || len(f) > 3 {
			return nil, wengao.Errorf(wengao.EINVALID, "每行一条规则：匹配前缀 | 名称 | 链接（链接可省略）。有误的一行：%s", line)
		}
		r := wengao.SourceRule{Prefix: strings.TrimSpace(f[0]), Name: strings.TrimSpace(f[1])}
		if len(f) == 3 {
			r.URL = strings.TrimSpace(f[2])
		}
		rules = append(rules, r)
	}
	if rules == nil {
		rules = []wengao.SourceRule{}
	}
	return rules, nil
}
