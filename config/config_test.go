package config

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wengao/wengao"
)

// env returns a lookup function over the given variables, in place of
// os.LookupEnv.
func env(vars ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(vars); i += 2 {
		m[vars[i]] = vars[i+1]
	}
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// writeConfig writes content to a file called name in a new folder and
// returns its path.
func writeConfig(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigDefaults(t *testing.T) {
	c, err := Load("serve", nil, env(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got %+v\nwant %+v", c, want)
	}
	// The defaults are contracts.
	if c.Data != "./wengao-data" || c.Addr != ":8080" || c.BaseURL != "" || !c.Seed || c.LogFormat != "auto" ||
		!reflect.DeepEqual(c.Settings, wengao.DefaultSettings()) {
		t.Errorf("defaults changed: %+v", c)
	}
	for _, o := range configOptions {
		if c.Source(o.key) != "default" {
			t.Errorf("%s from %q", o.key, c.Source(o.key))
		}
	}
}

// TestConfigPrecedence sets options at every level: a flag beats the
// environment, which beats the file, which beats the default.
func TestConfigPrecedence(t *testing.T) {
	file := writeConfig(t, "wengao.toml", `# a wengao config
addr = "127.0.0.1:9000"
contact = ops@example.org   # bare string
preview_percent = 40
download_price = 8
seed = false
upload_max_size = "5MB"
`)
	c, err := Load("serve", []string{"--config", file, "--download-price", "9", "--seed"}, env(
		"WENGAO_PREVIEW_PERCENT", "50",
		"WENGAO_DOWNLOAD_PRICE", "7",
		"WENGAO_BASE_URL", "https://wengao.example.org",
		"WENGAO_CONTACT", "", // empty counts as unset, as before
	), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key, source string
		got, want   any
	}{
		{"addr", "file", c.Addr, "127.0.0.1:9000"},
		{"contact", "file", c.Contact, "ops@example.org"},
		{"preview_percent", "env WENGAO_PREVIEW_PERCENT", c.Settings.Percent, 50},
		{"download_price", "flag", c.Settings.DownloadPrice, int64(9)},
		{"base_url", "env WENGAO_BASE_URL", c.BaseURL, "https://wengao.example.org"},
		{"seed", "flag", c.Seed, true},
		{"upload_max_size", "file", c.Settings.UploadMaxBytes, int64(5 << 20)},
		{"data", "default", c.Data, "./wengao-data"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.key, c.got, c.want)
		}
	}
	for key, want := range map[string]string{"addr": "file", "preview_percent": "env WENGAO_PREVIEW_PERCENT", "download_price": "flag", "data": "default"} {
		if got := c.Source(key); got != want {
			t.Errorf("source of %s = %q, want %q", key, got, want)
		}
	}
	if c.File != file {
		t.Errorf("File = %q", c.File)
	}

	// WENGAO_CONFIG names the file when --config does not; --config wins.
	other := writeConfig(t, "other.toml", "addr = :7000\n")
	c, err = Load("serve", nil, env("WENGAO_CONFIG", other), io.Discard)
	if err != nil {
		t.Fatalf("WENGAO_CONFIG: %v", err)
	}
	if got := c.Addr; got != ":7000" {
		t.Errorf("WENGAO_CONFIG: c.Addr = %v, want %v", got, ":7000")
	}
	c, err = Load("serve", []string{"--config", file}, env("WENGAO_CONFIG", other), io.Discard)
	if err != nil {
		t.Fatalf("--config over WENGAO_CONFIG: %v", err)
	}
	if got := c.Addr; got != "127.0.0.1:9000" {
		t.Errorf("--config over WENGAO_CONFIG: c.Addr = %v, want %v", got, "127.0.0.1:9000")
	}
	// Flags may follow other arguments' flags in any order, and the last
	// of a repeated flag wins.
	c, err = Load("serve", []string{"--addr", ":1", "--seed=false", "--addr=:2"}, env(), io.Discard)
	if err != nil {
		t.Fatalf("repeated flags: %v", err)
	}
	if got := c.Addr; got != ":2" {
		t.Errorf("repeated flags: c.Addr = %v, want %v", got, ":2")
	}
	if c.Seed {
		t.Errorf("repeated flags: %v, addr %q, seed %v (want not c.Seed)", err, c.Addr, c.Seed)
	}
}

func TestConfigJSON(t *testing.T) {
	file := writeConfig(t, "wengao.json", `{
  "addr": ":9100",
  "seed": false,
  "preview_chars": 800,
  "upload_max_size": "1MB",
  "metrics_token": "s3cret-token"
}`)
	c, err := Load("serve", []string{"--config", file}, env(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Addr; got != ":9100" {
		t.Errorf("got: c.Addr = %v, want %v", got, ":9100")
	}
	if c.Seed {
		t.Errorf("got %+v (want not c.Seed)", c)
	}
	if got := c.Settings.MaxChars; got != 800 {
		t.Errorf("got: c.Settings.MaxChars = %v, want %v", got, 800)
	}
	if c.Settings.UploadMaxBytes != 1<<20 {
		t.Errorf("got %+v (want not c.Settings.UploadMaxBytes != 1<<20)", c)
	}
	if got := c.MetricsToken; got != "s3cret-token" {
		t.Errorf("got: c.MetricsToken = %v, want %v", got, "s3cret-token")
	}
}

// TestConfigFileErrors checks that every mistake in a file is an error
// naming the file and line.
func TestConfigFileErrors(t *testing.T) {
	for _, c := range []struct {
		name, content, want string
	}{
		{"unknown key", "addr = :1\n\nport = 8080\n", `:3: unknown key "port"`},
		{"flag spelling", "# hi\nbase-url = \"https://a.example\"\n", `:2: unknown key "base-url" (did you mean base_url?)`},
		{"no equals", "addr :8080\n", `:1: want key = value`},
		{"no value", "contact =\n", `:1: no value for contact`},
		{"unterminated", "contact = \"ops\n", `:1: unterminated string`},
		{"bad escape", `contact = "a\q"` + "\n", `:1: bad string`},
		{"junk after string", `contact = "a" b` + "\n", `:1: unexpected "b" after the value`},
		{"bare with space", "contact = ops team\n", `:1: quote the value of contact`},
		{"table", "[serve]\naddr = :1\n", `:1: tables ([section]) are not supported`},
		{"bad key", "a.b = 1\n", `:1: bad key "a.b"`},
		{"duplicate", "addr = :1\naddr = :2\n", `:2: addr set again (first on line 1)`},
		{"not a number", "\n\npreview_percent = many\n", `:3: preview_percent: "many" is not a whole number`},
		{"quoted number", "download_price = \"5\"\n", `:1: download_price: want a number without quotes`},
		{"not a bool", "seed = maybe\n", `:1: seed: "maybe" is not true or false`},
		{"bad size", "upload_max_size = lots\n", `:1: upload_max_size: "lots"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := writeConfig(t, "wengao.toml", c.content)
			_, err := Load("serve", []string{"--config", file}, env(), io.Discard)
			if err == nil {
				t.Fatalf("got: err is nil")
			}
			if !strings.Contains(err.Error(), "config "+file+c.want) {
				t.Errorf("got %v\nwant config %s%s (want strings.Contains(err.Error(), \"config \"+file+c.want))", err, file, c.want)
			}
		})
	}
	for _, c := range []struct {
		name, content, want string
	}{
		{"unknown key", "{\n  \"addr\": \":1\",\n  \"port\": 8080\n}\n", `:3: unknown key "port"`},
		{"syntax", "{\n  \"addr\": \":1\"\n  \"seed\": true\n}\n", `:3: `},
		{"nested", "{\n  \"addr\": {\"host\": \"a\"}\n}\n", `:2: addr: want a string, number or boolean`},
		{"not an object", "[1]\n", `:1: want a JSON object`},
		{"trailing", "{}\n{}\n", `:2: unexpected data after the object`},
		{"bad value", "{\"preview_percent\": 1.5}", `:1: preview_percent: "1.5" is not a whole number`},
		{"truncated", "{\"addr\": \":1\",", `:1: `},
	} {
		t.Run("json "+c.name, func(t *testing.T) {
			file := writeConfig(t, "wengao.json", c.content)
			_, err := Load("serve", []string{"--config", file}, env(), io.Discard)
			if err == nil {
				t.Fatalf("got: err is nil")
			}
			if !strings.Contains(err.Error(), "config "+file+c.want) {
				t.Errorf("got %v\nwant config %s%s (want strings.Contains(err.Error(), \"config \"+file+c.want))", err, file, c.want)
			}
		})
	}
	_, err := Load("serve", []string{"--config", "/does/not/exist.toml"}, env(), io.Discard)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// TestConfigBadValues checks values that parse but are wrong, from every
// source: the error names the option and where it came from.
func TestConfigBadValues(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  []string
		want string
	}{
		{[]string{"--addr", "8080"}, nil, `addr (flag): "8080" is not host:port`},
		{[]string{"--addr", ":http-nope"}, nil, `addr (flag)`},
		{[]string{"--data", ""}, nil, `data (flag): must not be empty`},
		{[]string{"--base-url", "ftp://example.org"}, nil, `base_url (flag): "ftp://example.org" is not an http or https address`},
		{[]string{"--base-url", "wengao.example.org"}, nil, `base_url (flag)`},
		{[]string{"--log-format", "xml"}, nil, `log_format (flag): "xml" is not one of auto, json, text`},
		{nil, []string{"WENGAO_LOG_FORMAT", "yaml"}, `log_format (env WENGAO_LOG_FORMAT)`},
		{[]string{"--metrics-token", "two words"}, nil, `metrics_token (flag): may hold only printable ASCII`},
		{[]string{"--preview-percent", "0"}, nil, `preview_percent (flag): 0 is not between 1 and 100`},
		{nil, []string{"WENGAO_PREVIEW_PERCENT", "101"}, `preview_percent (env WENGAO_PREVIEW_PERCENT): 101 is not between 1 and 100`},
		{nil, []string{"WENGAO_PREVIEW_CHARS", "abc"}, `env WENGAO_PREVIEW_CHARS: "abc" is not a whole number`},
		{nil, []string{"WENGAO_SEED", "maybe"}, `env WENGAO_SEED: "maybe" is not true or false`},
		{[]string{"--download-price", "-1"}, nil, `download_price (flag): -1 is not between 0`},
		{[]string{"--upload-max-size", "2GB"}, nil, `upload_max_size (flag): 2147483648 is not between 1024 and 1073741824`},
		{[]string{"--near-duplicate-policy", "ignore"}, nil, `near_duplicate_policy (flag): "ignore" is not one of flag, reject`},
		{[]string{"extra"}, nil, `serve takes no arguments, got "extra"`},
	} {
		_, err := Load("serve", c.args, env(c.env...), io.Discard)
		if err == nil {
			t.Fatalf("%v %v: err is nil", c.args, c.env)
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: got %v, want %q (want strings.Contains(err.Error(), c.want))", c.args, c.env, err, c.want)
		}
	}
	// A flag that does not parse fails as flags always did: with the
	// usage.
	var usage strings.Builder
	_, err := Load("serve", []string{"--preview-chars", "x"}, env(), &usage)
	if err == nil {
		t.Fatalf("bad flag: err is nil")
	}
	if !strings.Contains(usage.String(), "usage: wengao serve") {
		t.Errorf("bad flag: %v\n%s (want strings.Contains(usage.String(), \"usage: wengao serve\"))", err, usage.String())
	}
	if _, err := Load("serve", []string{"-h"}, env(), io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
	// The legacy spellings of booleans still work.
	for _, v := range []string{"false", "0", "no", "off", "FALSE"} {
		c, err := Load("serve", nil, env("WENGAO_SEED", v), io.Discard)
		if err != nil {
			t.Fatalf("WENGAO_SEED=%s: %v", v, err)
		}
		if c.Seed {
			t.Errorf("WENGAO_SEED=%s: %v, seed %v (want not c.Seed)", v, err, c.Seed)
		}
	}
}

// TestConfigRoundTrip saves the output of wengao config as a file and
// loads it: the same configuration comes back, the secret excepted,
// which is never printed.
func TestConfigRoundTrip(t *testing.T) {
	file := writeConfig(t, "wengao.toml", `contact = "运维组 \"值班\" # <ops@example.org>\\n"
upload_max_size = 1536KB
near_duplicate_policy = reject
`)
	c, err := Load("config", []string{"--config", file, "--preview-chars", "900", "--log-format", "json"}, env(
		"WENGAO_METRICS_TOKEN", "s3cret-token-123",
		"WENGAO_SIGNUP_BONUS", "0",
		"WENGAO_DATA", "/var/lib/wengao data",
	), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	c.WriteTo(&out)
	text := out.String()
	t.Logf("wengao config:\n%s", text)
	if strings.Contains(text, "s3cret") {
		t.Fatalf("the secret is printed:\n%s", text)
	}
	for _, want := range []string{
		`# metrics_token = "********"`, "# env WENGAO_METRICS_TOKEN (secret, masked)",
		`preview_chars = 900 `, "# flag\n",
		`signup_bonus = 0 `, "# env WENGAO_SIGNUP_BONUS\n",
		`upload_max_size = "1536KB" `, `near_duplicate_policy = "reject" `, "# file\n",
		`addr = ":8080" `, "# default\n",
		`data = "/var/lib/wengao data" `,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
	saved := writeConfig(t, "saved.toml", text)
	back, err := Load("serve", []string{"--config", saved}, env(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	c.MetricsToken = ""
	c.File, back.File = "", ""
	c.source, back.source = nil, nil
	if !reflect.DeepEqual(back, c) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, c)
	}
}

// TestSize checks the sizes flags and options take, and that each prints
// as it parses back.
func TestSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Size
		text string
	}{
		{"1048576", 1 << 20, "1MB"},
		{"20MB", 20 << 20, "20MB"},
		{"512kb", 512 << 10, "512KB"},
		{"1.5M", 3 << 19, "1536KB"},
		{" 2GiB ", 2 << 30, "2GB"},
		{"1000", 1000, "1000"},
	} {
		var s Size
		if err := s.Set(c.in); err != nil {
			t.Errorf("Set(%q): %v", c.in, err)
			continue
		}
		if s != c.want {
			t.Errorf("Set(%q) = %d, want %d", c.in, s, c.want)
		}
		if got := s.String(); got != c.text {
			t.Errorf("Size(%d).String() = %q, want %q", s, got, c.text)
		}
		var back Size
		{
			err := back.Set(s.String())
			if err != nil {
				t.Fatalf("Set(: %v", err)
			}
			if got := back; got != s {
				t.Errorf("Set(: back = %v, want %v", got, s)
			}
		}
	}
	for _, in := range []string{"", "MB", "twenty", "-1KB", "0", "2000GB"} {
		var s Size
		if err := s.Set(in); err == nil {
			t.Errorf("Set(%q) = %d, want an error", in, s)
		}
	}
}

// TestWriteToAligns checks that the source comments of wengao config line
// up in a terminal, Chinese characters taking two columns.
func TestWriteToAligns(t *testing.T) {
	c, err := Load("config", []string{"--contact", "运维组 <ops@example.org>"}, env(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	c.WriteTo(&out)
	col := -1
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if strings.HasPrefix(line, "# wengao") || strings.HasPrefix(line, "# Points") {
			continue
		}
		i := strings.LastIndex(line, "  # ")
		if i < 0 {
			t.Fatalf("no source comment in %q", line)
		}
		w := displayWidth(line[:i])
		if col < 0 {
			col = w
		}
		if w != col {
			t.Errorf("comment of %q at column %d, want %d", line, w, col)
		}
	}
	if got, want := displayWidth("运维组 a"), 8; got != want {
		t.Errorf("displayWidth(%q) = %d, want %d", "运维组 a", got, want)
	}
}
