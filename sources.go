package wengao

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// SourceRule names where documents come from: a document whose Source
// starts with Prefix is shown as from Name, linked to URL (or to the
// address its Source holds, when it holds one). The importer writes as
// Source the provenance of a corpus record ("owner/repo:path@commit",
// then the original address if known), which readers should never see.
type SourceRule struct {
	Prefix string `json:"prefix"`
	Name   string `json:"name"`
	URL    string `json:"url,omitempty"`
}

// Limits of the source rules.
const (
	MaxSourceRules   = 100
	maxSourcePrefix  = 200
	maxSourceName    = 40
	maxSourceRuleURL = 500
)

// DefaultSourceRules name the sources of the sample corpus (see the
// corpus README): the database or site each snapshot was taken from.
func DefaultSourceRules() []SourceRule {
	return []SourceRule{
		{Prefix: "sonqyau/Bibliotheca:", Name: "国家法律法规数据库", URL: "https://flk.npc.gov.cn/"},
		{Prefix: "LawRefBook/Laws:部门规章", Name: "国家规章库", URL: "https://www.gov.cn/zhengce/xxgk/gjgzk/"},
		{Prefix: "LawRefBook/Laws:案例", Name: "人民法院典型案例", URL: "https://www.court.gov.cn/"},
		{Prefix: "aldohemsn/chinese-political-corpora:", Name: "维基文库", URL: "https://zh.wikisource.org/"},
		{Prefix: "johncodes404/china-provincial-gov-reports-2026:", Name: "省级人民政府工作报告"},
		{Prefix: "ZhouYNF/platform-1:", Name: "中国政府网", URL: "https://www.gov.cn/"},
	}
}

// sourceURL finds an address in a Source.
var sourceURL = regexp.MustCompile(`https?://[^\s<>"'（）()]+`)

// provenance matches a corpus provenance: "owner/repo:path@commit".
var provenance = regexp.MustCompile(`^[\w.-]+/[\w.-]+:\S*@[0-9a-f]{7,40}$`)

// ShowSource returns how a document's Source is shown to readers: the
// name of the longest rule whose prefix it starts with, and a link (the
// address in the Source, else the rule's). A Source no rule names is
// shown as it is, less a repository provenance, which is never shown.
func ShowSource(rules []SourceRule, source string) (name, link string) {
	source = strings.TrimSpace(source)
	if source == "" {
		return "", ""
	}
	link = sourceURL.FindString(source)
	best := -1
	for i, r := range rules {
		if r.Prefix != "" && strings.HasPrefix(source, r.Prefix) && (best < 0 || len(r.Prefix) > len(rules[best].Prefix)) {
			best = i
		}
	}
	if best >= 0 {
		if link == "" {
			link = rules[best].URL
		}
		return rules[best].Name, link
	}
	text := strings.TrimSpace(strings.Replace(source, link, "", 1))
	if provenance.MatchString(text) {
		text = ""
	}
	if text == "" && link != "" {
		if u, err := url.Parse(link); err == nil {
			text = u.Hostname()
		}
	}
	return text, link
}

// ValidateSourceRules returns EINVALID unless every rule has a prefix, a
// name and an http(s) address or none, within their lengths, with no
// prefix twice.
func ValidateSourceRules(rules []SourceRule) error {
	if len(rules) > MaxSourceRules {
		return ErrSourceRulesTooMany
	}
	seen := map[string]bool{}
	for _, r := range rules {
		if r.Prefix == "" || len(r.Prefix) > maxSourcePrefix {
			return ErrSourcePrefix
		}
		if n := utf8.RuneCountInString(r.Name); n == 0 || n > maxSourceName {
			return ErrSourceName
		}
		if r.URL != "" {
			u, err := url.Parse(r.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(r.URL) > maxSourceRuleURL {
				return ErrSourceURL(r.URL)
			}
		}
		if seen[r.Prefix] {
			return ErrSourcePrefixRepeated(r.Prefix)
		}
		seen[r.Prefix] = true
	}
	return nil
}
