// Package config is the typed configuration of wengao serve: its
// options, where each value came from, and the config file wengao config
// prints.
package config

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"unicode"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/blob/s3"
	"github.com/wengao/wengao/http/web"
	"golang.org/x/text/width"
)

// Config is the configuration of wengao serve. It is loaded by Load
// from, lowest precedence first: defaults, a config file,
// WENGAO_* environment variables and flags.
type Config struct {
	// Data is the data folder: database and files.
	Data string
	// Blob is where the uploaded files are kept: "" for the data folder's
	// files/, or an S3 bucket's URL (package blob/s3).
	Blob string
	// Addr is the listen address.
	Addr string
	// BaseURL is the site's public address; "" takes it from each request.
	BaseURL string
	// AllowedHosts are Host header values (comma-separated) believed for
	// the site's address when BaseURL is empty, besides loopback ones.
	AllowedHosts string
	// TrustedProxies are the CIDR prefixes (comma-separated) of the
	// proxies whose X-Forwarded-For and X-Forwarded-Proto are believed.
	TrustedProxies string
	// Contact is the e-mail address on the contact page.
	Contact string
	// Seed imports the sample library into an empty database.
	Seed bool
	// LogFormat is auto (text on a terminal, JSON otherwise), json or text.
	LogFormat string
	// MetricsToken, when set, is required as a bearer token to read
	// /metrics; when empty, /metrics is open on the listener.
	MetricsToken string
	// Settings are the operator's figures: preview, prices, uploads.
	Settings wengao.Settings

	// File is the config file read, "" for none.
	File string
	// source says where each option's value came from, by key: "default",
	// "file", "env WENGAO_…" or "flag".
	source map[string]string
}

// Default returns the configuration used when nothing is set.
func Default() *Config {
	c := &Config{
		Data:      "./wengao-data",
		Addr:      ":8080",
		Seed:      true,
		LogFormat: "auto",
		Settings:  wengao.DefaultSettings(),
		source:    make(map[string]string),
	}
	for _, o := range configOptions {
		c.source[o.key] = "default"
	}
	return c
}

// optionKind is how an option's value is written.
type optionKind int

const (
	kindString optionKind = iota
	kindBool
	kindInt
	kindSize // bytes, written as 20MB, 512KB or a number of bytes
)

// configOption is one option. Its key is its name in a config file; its
// flag is the key with '-' for '_', its environment variable WENGAO_ and
// the key in capitals.
type configOption struct {
	key    string
	kind   optionKind
	usage  string
	secret bool
	// field returns the option's field in c: *string, *bool, *int or
	// *int64.
	field func(c *Config) any
	// check returns what is wrong with a value, or nil.
	check func(c *Config) error
}

func (o *configOption) flagName() string { return strings.ReplaceAll(o.key, "_", "-") }
func (o *configOption) envName() string  { return "WENGAO_" + strings.ToUpper(o.key) }

// configOptions are the options, in the order wengao config prints them.
// Their names and defaults are contracts: scripts and service files use
// them.
var configOptions = []*configOption{
	{key: "data", usage: "data `folder`", field: func(c *Config) any { return &c.Data },
		check: func(c *Config) error { return nonEmpty(c.Data) }},
	{key: "blob", usage: BlobUsage, field: func(c *Config) any { return &c.Blob },
		check: func(c *Config) error { return CheckBlob(c.Blob) }},
	{key: "addr", usage: "listen `address`", field: func(c *Config) any { return &c.Addr },
		check: func(c *Config) error { return checkAddr(c.Addr) }},
	{key: "base_url", usage: "public `URL` of the site for canonical links, sitemap and feed, e.g. https://wengao.example.org; empty: taken from each request",
		field: func(c *Config) any { return &c.BaseURL }, check: func(c *Config) error { return checkBaseURL(c.BaseURL) }},
	{key: "allowed_hosts", usage: "comma-separated `hosts` whose Host header is believed for the site's address when base_url is empty (loopback addresses always are)",
		field: func(c *Config) any { return &c.AllowedHosts }},
	{key: "trusted_proxies", usage: "comma-separated `CIDR` list of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed; empty: none",
		field: func(c *Config) any { return &c.TrustedProxies }, check: func(c *Config) error {
			_, err := web.ParseTrustedProxies(c.TrustedProxies)
			return err
		}},
	{key: "contact", usage: "e-mail `address` shown on the contact page", field: func(c *Config) any { return &c.Contact }},
	{key: "seed", kind: kindBool, usage: "seed an empty library with the sample documents", field: func(c *Config) any { return &c.Seed }},
	{key: "log_format", usage: "log `format`: auto (text on a terminal, JSON otherwise), json or text", field: func(c *Config) any { return &c.LogFormat },
		check: func(c *Config) error { return oneOf(c.LogFormat, "auto", "json", "text") }},
	{key: "metrics_token", secret: true, usage: "bearer `token` required to read /metrics; empty: /metrics is open to whoever reaches the listener",
		field: func(c *Config) any { return &c.MetricsToken }, check: func(c *Config) error { return checkToken(c.MetricsToken) }},
	{key: "preview_percent", kind: kindInt, usage: "share of a text, in `percent`, shown to visitors who have not logged in",
		field: func(c *Config) any { return &c.Settings.Percent }, check: func(c *Config) error { return between(int64(c.Settings.Percent), 1, 100) }},
	{key: "preview_chars", kind: kindInt, usage: "most `characters` shown to visitors who have not logged in",
		field: func(c *Config) any { return &c.Settings.MaxChars }, check: func(c *Config) error { return between(int64(c.Settings.MaxChars), 1, 1<<30) }},
	{key: "download_price", kind: kindInt, usage: "`points` a download costs unless a document has its own price",
		field: func(c *Config) any { return &c.Settings.DownloadPrice }, check: func(c *Config) error { return between(c.Settings.DownloadPrice, 0, 1<<40) }},
	{key: "signup_bonus", kind: kindInt, usage: "`points` given to a new account",
		field: func(c *Config) any { return &c.Settings.SignupBonus }, check: func(c *Config) error { return between(c.Settings.SignupBonus, 0, 1<<40) }},
	{key: "signin_points", kind: kindInt, usage: "`points` given for a daily sign-in",
		field: func(c *Config) any { return &c.Settings.SignInPoints }, check: func(c *Config) error { return between(c.Settings.SignInPoints, 0, 1<<40) }},
	{key: "upload_reward", kind: kindInt, usage: "`points` given for an approved upload",
		field: func(c *Config) any { return &c.Settings.UploadReward }, check: func(c *Config) error { return between(c.Settings.UploadReward, 0, 1<<40) }},
	{key: "upload_max_size", kind: kindSize, usage: "largest `size` of a file a reader may upload, such as 20MB or 512KB (1KB to 1GB)",
		field: func(c *Config) any { return &c.Settings.UploadMaxBytes }, check: func(c *Config) error { return between(c.Settings.UploadMaxBytes, 1<<10, 1<<30) }},
	{key: "near_duplicate_policy", usage: "`policy` for an upload very similar to a published document: flag (sent to the moderators) or reject",
		field: func(c *Config) any { return &c.Settings.NearDuplicatePolicy },
		check: func(c *Config) error {
			return oneOf(c.Settings.NearDuplicatePolicy, wengao.NearDuplicateFlag, wengao.NearDuplicateReject)
		}},
	{key: "takedown_policy", usage: "`policy` for a qualified copyright takedown notice: hide (the document at once, pending review) or review (nothing hides before a moderator decides)",
		field: func(c *Config) any { return &c.Settings.TakedownPolicy },
		check: func(c *Config) error {
			return oneOf(c.Settings.TakedownPolicy, wengao.TakedownHide, wengao.TakedownReview)
		}},
	{key: "takedowns_per_day", kind: kindInt, usage: "takedown `notices` that may hide a document at once, per account and per address, a day",
		field: func(c *Config) any { return &c.Settings.TakedownsPerDay }, check: func(c *Config) error { return between(int64(c.Settings.TakedownsPerDay), 0, 1e6) }},
	{key: "search_per_minute", kind: kindInt, usage: "`searches` a minute per address for visitors who have not logged in; 0: no limit",
		field: func(c *Config) any { return &c.Settings.SearchPerMinute }, check: func(c *Config) error { return between(int64(c.Settings.SearchPerMinute), 0, 1e6) }},
	{key: "search_per_minute_user", kind: kindInt, usage: "`searches` a minute per logged-in user; 0: no limit",
		field: func(c *Config) any { return &c.Settings.SearchPerMinuteUser }, check: func(c *Config) error { return between(int64(c.Settings.SearchPerMinuteUser), 0, 1e6) }},
	{key: "downloads_per_minute", kind: kindInt, usage: "`downloads` a minute per account; 0: no limit",
		field: func(c *Config) any { return &c.Settings.DownloadsPerMinute }, check: func(c *Config) error { return between(int64(c.Settings.DownloadsPerMinute), 0, 1e6) }},
	{key: "registrations_per_hour", kind: kindInt, usage: "`accounts` created an hour per address; 0: no limit",
		field: func(c *Config) any { return &c.Settings.RegistrationsPerHour }, check: func(c *Config) error { return between(int64(c.Settings.RegistrationsPerHour), 0, 1e6) }},
	{key: "uploads_per_day", kind: kindInt, usage: "`files` a reader may upload a day; 0: no limit",
		field: func(c *Config) any { return &c.Settings.UploadsPerDay }, check: func(c *Config) error { return between(int64(c.Settings.UploadsPerDay), 0, 1e6) }},
	{key: "check_daily_quota", kind: kindInt, usage: "`drafts` a reader may check against the library (查重) a day; 0: readers may not (moderators and admins are not counted)",
		field: func(c *Config) any { return &c.Settings.CheckDailyQuota }, check: func(c *Config) error { return between(int64(c.Settings.CheckDailyQuota), 0, 1e6) }},
	{key: "upload_quota", kind: kindSize, usage: "`size` of the uploads a reader may keep, such as 1GB; 0: no limit",
		field: func(c *Config) any { return &c.Settings.UploadQuotaBytes }, check: func(c *Config) error { return between(c.Settings.UploadQuotaBytes, 0, 1<<50) }},
}

// lookupOption returns the option with the given key, or nil.
func lookupOption(key string) *configOption {
	for _, o := range configOptions {
		if o.key == key {
			return o
		}
	}
	return nil
}

// set parses s as the option's value into c. quoted says the value was a
// quoted string in a file: numbers and booleans may not be quoted there.
func (o *configOption) set(c *Config, s string, quoted bool) error {
	switch p := o.field(c).(type) {
	case *string:
		*p = s
	case *bool:
		if quoted {
			return fmt.Errorf("want true or false without quotes")
		}
		b, err := parseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		*p = b
	case *int:
		if quoted {
			return fmt.Errorf("want a number without quotes")
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		*p = n
	case *int64:
		if quoted && o.kind == kindInt {
			return fmt.Errorf("want a number without quotes")
		}
		if o.kind == kindSize && strings.TrimSpace(s) == "0" {
			*p = 0 // no limit, where an option allows it
			return nil
		}
		if o.kind == kindSize {
			var b Size
			if err := b.Set(s); err != nil {
				return fmt.Errorf("%q: %v", s, err)
			}
			*p = int64(b)
			return nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		*p = n
	}
	return nil
}

// parseBool is strconv.ParseBool, case-insensitive, with the spellings
// yes, no, on and off that WENGAO_SEED always took.
func parseBool(s string) (bool, error) {
	switch s = strings.ToLower(s); s {
	case "yes", "on":
		return true, nil
	case "no", "off":
		return false, nil
	}
	return strconv.ParseBool(s)
}

// text returns the option's value in c as a flag or variable takes it.
func (o *configOption) text(c *Config) string {
	switch p := o.field(c).(type) {
	case *string:
		return *p
	case *bool:
		return strconv.FormatBool(*p)
	case *int:
		return strconv.Itoa(*p)
	case *int64:
		if o.kind == kindSize {
			return Size(*p).String() // "0" for 0
		}
		return strconv.FormatInt(*p, 10)
	}
	return ""
}

// format returns the option's value in c as a config file writes it:
// strings and sizes quoted, numbers and booleans bare.
func (o *configOption) format(c *Config) string {
	if o.kind == kindString || o.kind == kindSize {
		return strconv.Quote(o.text(c))
	}
	return o.text(c)
}

// BlobUsage describes the blob option, for the commands that take it.
const BlobUsage = "where uploaded files are kept: empty for the data folder's files/, or `s3://BUCKET[/PREFIX]?endpoint=HOST:PORT&region=…&secure=false`, with credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN"

// CheckBlob returns what is wrong with a blob option's value.
func CheckBlob(s string) error {
	if s == "" {
		return nil
	}
	if !s3.IsURL(s) {
		return fmt.Errorf("%q is not an s3:// URL (leave it empty for the data folder)", s)
	}
	_, err := s3.ParseURL(s)
	return err
}

func nonEmpty(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	return nil
}

func oneOf(s string, allowed ...string) error {
	for _, a := range allowed {
		if s == a {
			return nil
		}
	}
	return fmt.Errorf("%q is not one of %s", s, strings.Join(allowed, ", "))
}

func between(n, lo, hi int64) error {
	if n < lo || n > hi {
		return fmt.Errorf("%d is not between %d and %d", n, lo, hi)
	}
	return nil
}

func checkAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port (such as :8080 or 127.0.0.1:8080)", addr)
	}
	if _, err := net.LookupPort("tcp", port); err != nil || strings.ContainsAny(host, " /") {
		return fmt.Errorf("%q is not host:port (such as :8080 or 127.0.0.1:8080)", addr)
	}
	return nil
}

func checkBaseURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q is not an http or https address such as https://wengao.example.org", s)
	}
	return nil
}

func checkToken(s string) error {
	for _, r := range s {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) || r == ' ' {
			return errors.New("may hold only printable ASCII characters without spaces")
		}
	}
	return nil
}

// Validate checks every option, naming the first wrong one and where its
// value came from.
func (c *Config) Validate() error {
	for _, o := range configOptions {
		if o.check == nil {
			continue
		}
		if err := o.check(c); err != nil {
			return fmt.Errorf("%s (%s): %v", o.key, c.source[o.key], err)
		}
	}
	if err := c.Settings.Validate(); err != nil {
		return fmt.Errorf("settings: %s", wengao.ErrorMessage(err))
	}
	return nil
}

// Source returns where the option key's value came from: "default",
// "file", "env WENGAO_…" or "flag".
func (c *Config) Source(key string) string { return c.source[key] }

// usage heads the help of the commands that read the configuration.
const usage = `usage: wengao %s [--config FILE] [flags]

Options come from, lowest precedence first: built-in defaults, a config
file (--config FILE, else WENGAO_CONFIG), WENGAO_* environment variables
(the option's key in capitals: WENGAO_BASE_URL), then flags. A config file
has one "key = value" line per option (key as below, with _ for -; strings
quoted or bare, numbers, true/false; # starts a comment), or is JSON when
its name ends in .json. wengao config prints the effective configuration
in that format. The points, preview and upload options are the site's
settings until an operator saves settings in the console; from then on
the saved ones apply.

`

// flagValue is an option's flag. It parses the value at once into a
// configuration of its own, so that a bad flag fails with the usage;
// Load copies the flags set onto the file and environment afterwards.
type flagValue struct {
	opt *configOption
	c   *Config
}

func (v *flagValue) String() string {
	if v == nil || v.opt == nil {
		return ""
	}
	return v.opt.text(v.c)
}

func (v *flagValue) Set(s string) error { return v.opt.set(v.c, s, false) }

func (v *flagValue) IsBoolFlag() bool { return v != nil && v.opt != nil && v.opt.kind == kindBool }

// Load returns the configuration of command name (serve, config) from
// args and the environment (getenv is os.LookupEnv outside tests):
// defaults, then the config file, then WENGAO_* variables, then flags.
// It returns flag.ErrHelp after printing the help to stderr for -h, and
// an error naming the option, and the file line, for a bad value.
func Load(name string, args []string, getenv func(string) (string, bool), stderr io.Writer) (*Config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("config", "", "read options from `FILE` (env WENGAO_CONFIG)")
	flags := Default()
	for _, o := range configOptions {
		fs.Var(&flagValue{opt: o, c: flags}, o.flagName(), o.usage+" (env "+o.envName()+")")
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, usage, name)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("%s takes no arguments, got %q", name, fs.Arg(0))
	}

	c := Default()
	path := *file
	if path == "" {
		path, _ = getenv("WENGAO_CONFIG")
	}
	if path != "" {
		if err := c.loadFile(path); err != nil {
			return nil, err
		}
	}
	for _, o := range configOptions {
		v, ok := getenv(o.envName())
		if !ok || v == "" {
			continue
		}
		if err := o.set(c, v, false); err != nil {
			return nil, fmt.Errorf("env %s: %v", o.envName(), err)
		}
		c.source[o.key] = "env " + o.envName()
	}
	var err error
	fs.Visit(func(f *flag.Flag) {
		v, ok := f.Value.(*flagValue)
		if !ok || err != nil {
			return
		}
		if err = v.opt.set(c, v.String(), false); err != nil {
			err = fmt.Errorf("flag --%s: %v", f.Name, err)
		}
		c.source[v.opt.key] = "flag"
	})
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// fileSetting is one key = value of a config file.
type fileSetting struct {
	line   int
	key    string
	value  string
	quoted bool
}

// loadFile applies the settings of the config file at path.
func (c *Config) loadFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	var settings []fileSetting
	if strings.HasSuffix(strings.ToLower(path), ".json") {
		settings, err = parseConfigJSON(data)
	} else {
		settings, err = parseConfigText(data)
	}
	var le *lineError
	if errors.As(err, &le) {
		return fmt.Errorf("config %s:%d: %s", path, le.line, le.msg)
	} else if err != nil {
		return fmt.Errorf("config %s: %v", path, err)
	}
	seen := make(map[string]int)
	for _, s := range settings {
		o := lookupOption(s.key)
		if o == nil {
			hint := ""
			if lookupOption(strings.ReplaceAll(strings.ToLower(s.key), "-", "_")) != nil {
				hint = fmt.Sprintf(" (did you mean %s?)", strings.ReplaceAll(strings.ToLower(s.key), "-", "_"))
			}
			return fmt.Errorf("config %s:%d: unknown key %q%s", path, s.line, s.key, hint)
		}
		if prev, dup := seen[s.key]; dup {
			return fmt.Errorf("config %s:%d: %s set again (first on line %d)", path, s.line, s.key, prev)
		}
		seen[s.key] = s.line
		if err := o.set(c, s.value, s.quoted); err != nil {
			return fmt.Errorf("config %s:%d: %s: %v", path, s.line, s.key, err)
		}
		c.source[s.key] = "file"
	}
	c.File = path
	return nil
}

// lineError is a parse error on a line of a config file.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("%d: %s", e.line, e.msg) }

// parseConfigText parses "key = value" lines: # starts a comment (in a
// bare value, after a space); values are "double-quoted" with Go/TOML
// escapes, 'single-quoted' as written, or bare words and numbers. Keys
// are letters, digits and '_'. Tables and arrays are not supported.
func parseConfigText(data []byte) ([]fileSetting, error) {
	var out []fileSetting
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '[' {
			return nil, &lineError{n, "tables ([section]) are not supported: write key = value lines"}
		}
		key, value, ok := strings.Cut(line, "=")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if !ok || key == "" {
			return nil, &lineError{n, fmt.Sprintf("want key = value, got %q", line)}
		}
		for _, r := range key {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
				return nil, &lineError{n, fmt.Sprintf("bad key %q: letters, digits and _ only", key)}
			}
		}
		s := fileSetting{line: n, key: key}
		var rest string
		switch {
		case value == "":
			return nil, &lineError{n, fmt.Sprintf("no value for %s (write %s = \"\" for an empty string)", key, key)}
		case value[0] == '"':
			q, err := strconv.QuotedPrefix(value)
			if err != nil {
				// A string that a closing quote completes was
				// left open; any other is wrong inside.
				if _, err := strconv.QuotedPrefix(value + `"`); err == nil {
					return nil, &lineError{n, "unterminated string"}
				}
				return nil, &lineError{n, fmt.Sprintf("bad string %s", value)}
			}
			v, _ := strconv.Unquote(q)
			s.value, s.quoted, rest = v, true, value[len(q):]
		case value[0] == '\'':
			end := strings.IndexByte(value[1:], '\'')
			if end < 0 {
				return nil, &lineError{n, "unterminated string"}
			}
			s.value, s.quoted, rest = value[1:end+1], true, value[end+2:]
		default:
			v := value
			if i := strings.Index(v, " #"); i >= 0 {
				v = v[:i]
			}
			if i := strings.Index(v, "\t#"); i >= 0 {
				v = v[:i]
			}
			v = strings.TrimSpace(v)
			if strings.ContainsAny(v, " \t\"'") {
				return nil, &lineError{n, fmt.Sprintf("quote the value of %s: %s", key, v)}
			}
			s.value = v
		}
		if rest = strings.TrimSpace(rest); rest != "" && rest[0] != '#' {
			return nil, &lineError{n, fmt.Sprintf("unexpected %q after the value", rest)}
		}
		out = append(out, s)
	}
	return out, sc.Err()
}

// parseConfigJSON parses a JSON object of options: strings, numbers and
// booleans only.
func parseConfigJSON(data []byte) ([]fileSetting, error) {
	lineAt := func(off int64) int { return 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n")) }
	// keyLine is the line of the next token after off, skipping white
	// space and commas.
	keyLine := func(off int64) int {
		for int(off) < len(data) && strings.IndexByte(" \t\r\n,", data[off]) >= 0 {
			off++
		}
		return lineAt(off)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	fail := func(err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return &lineError{lineAt(se.Offset), se.Error()}
		}
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return &lineError{lineAt(dec.InputOffset()), err.Error()}
	}
	if t, err := dec.Token(); err != nil {
		return nil, fail(err)
	} else if t != json.Delim('{') {
		return nil, &lineError{1, "want a JSON object of options"}
	}
	var out []fileSetting
	for dec.More() {
		line := keyLine(dec.InputOffset())
		t, err := dec.Token()
		if err != nil {
			return nil, fail(err)
		}
		key, _ := t.(string)
		t, err = dec.Token()
		if err != nil {
			return nil, fail(err)
		}
		s := fileSetting{line: line, key: key}
		switch v := t.(type) {
		case string:
			s.value, s.quoted = v, true
		case json.Number:
			s.value = v.String()
		case bool:
			s.value = strconv.FormatBool(v)
		default:
			return nil, &lineError{line, fmt.Sprintf("%s: want a string, number or boolean", key)}
		}
		out = append(out, s)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fail(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &lineError{lineAt(dec.InputOffset()), "unexpected data after the object"}
	}
	return out, nil
}

// WriteTo writes the configuration as a config file, each line ending
// with where its value came from. Secrets are masked, on a commented-out
// line, so that saving the output never stores the mask as a secret.
func (c *Config) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	b.WriteString("# wengao configuration: the effective value of every option and where it came from.\n")
	b.WriteString("# Points, preview and upload options apply until settings are saved in the console.\n")
	if c.File != "" {
		fmt.Fprintf(&b, "# config file: %s\n", c.File)
	}
	type row struct{ line, source string }
	var rows []row
	width := 0
	for _, o := range configOptions {
		line := o.key + " = " + o.format(c)
		if o.secret && c.source[o.key] != "default" {
			line = "# " + o.key + ` = "********"`
		}
		src := c.source[o.key]
		if o.secret && src != "default" {
			src += " (secret, masked)"
		}
		rows = append(rows, row{line, src})
		if w := displayWidth(line); w <= maxAlign {
			width = max(width, w)
		}
	}
	for _, r := range rows {
		b.WriteString(r.line)
		b.WriteString(strings.Repeat(" ", max(width-displayWidth(r.line), 0)+2))
		b.WriteString("# " + r.source + "\n")
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// maxAlign is the widest line whose comment the others align with.
const maxAlign = 48

// displayWidth is the number of columns s takes in a terminal: two for
// Chinese characters and other wide ones.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			w += 2
		default:
			w++
		}
	}
	return w
}

// Size is a size in bytes, as a flag or option value: a number of bytes,
// or a number with a unit KB, MB or GB (powers of 1024; K, M, G and a B
// alone also work).
type Size int64

// String returns the size in the largest unit that holds it whole.
func (b Size) String() string {
	n := int64(b)
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + "GB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + "KB"
	}
	return strconv.FormatInt(n, 10)
}

// Set parses s as a size of at most 1TB.
func (b *Size) Set(s string) error {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "IB"), "B")
	mult := int64(1)
	if t != "" {
		switch t[len(t)-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		}
	}
	if mult > 1 {
		t = t[:len(t)-1]
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || f <= 0 || f*float64(mult) > 1<<40 {
		return fmt.Errorf("want a size such as 20MB, 512KB or 1048576")
	}
	*b = Size(f * float64(mult))
	return nil
}
