package http

import (
	"context"
	"net/http"
	"strings"

	"github.com/wengao/wengao"
)

// The 来源 rules: how the importer's Source of a document is shown to
// readers (wengao.ShowSource), edited by admins at /admin/sources and
// kept with the other settings.

func (s *Server) registerSourceRoutes() {
	s.mux.HandleFunc("GET /admin/sources", s.handleAdminSources)
	s.mux.HandleFunc("POST /admin/sources", s.handleAdminSourcesForm)
}

// showSource returns the name and link a document's Source is shown as.
func (s *Server) showSource(ctx context.Context, source string) (name, link string) {
	return wengao.ShowSource(s.settings(ctx).Sources, source)
}

// adminSourcesView is the form of the 来源 rules: one rule a line,
// "prefix | name | link".
type adminSourcesView struct {
	layout
	Rules  []wengao.SourceRule
	Text   string
	Error  string
	Notice string
}

func (s *Server) handleAdminSources(w http.ResponseWriter, r *http.Request) {
	if s.requireAdminPage(w, r) == nil {
		return
	}
	rules := s.settings(r.Context()).Sources
	s.adminSources(w, r, http.StatusOK, rules, formatSourceRules(rules), "", meNotices[r.URL.Query().Get("notice")])
}

func (s *Server) adminSources(w http.ResponseWriter, r *http.Request, status int, rules []wengao.SourceRule, text, errMsg, notice string) {
	v := adminSourcesView{Rules: rules, Text: text, Error: errMsg, Notice: notice}
	s.adminRender(w, r, status, "admin_sources", "来源名称", &v)
}

func (s *Server) handleAdminSourcesForm(w http.ResponseWriter, r *http.Request) {
	if s.requireAdminPage(w, r) == nil || !s.wired(w, r, s.SettingsStore != nil) {
		return
	}
	current := s.settings(r.Context()).Sources
	if err := parseForm(w, r); err != nil {
		s.adminSources(w, r, http.StatusBadRequest, current, formatSourceRules(current), msgBadForm, "")
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
		st := s.settings(r.Context())
		st.Sources = rules
		e, ctx := s.auditing(r, "sources.save", "settings", "")
		if err = s.SettingsStore.SaveSettings(ctx, st); err == nil {
			s.audited(r, e)
		}
	}
	if err != nil {
		s.adminSources(w, r, ErrorStatus(err), current, text, wengao.ErrorMessage(err), "")
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
