package s3

import (
	"os"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in   string
		want Location
	}{
		{"s3://docs", Location{Bucket: "docs", Endpoint: "s3.amazonaws.com", Secure: true}},
		{"s3://docs?endpoint=127.0.0.1:8333&secure=false&region=us-east-1",
			Location{Bucket: "docs", Endpoint: "127.0.0.1:8333", Region: "us-east-1"}},
		{"s3://docs/wengao/files/?endpoint=s3.example.org",
			Location{Bucket: "docs", Prefix: "wengao/files/", Endpoint: "s3.example.org", Secure: true}},
		{"S3://docs?secure=true", Location{Bucket: "docs", Endpoint: "s3.amazonaws.com", Secure: true}},
	}
	for _, tt := range tests {
		got, err := ParseURL(tt.in)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", tt.in, err)
			continue
		}
		if *got != tt.want {
			t.Errorf("ParseURL(%q) = %+v, want %+v", tt.in, *got, tt.want)
		}
		again, err := ParseURL(got.String())
		if err != nil || *again != *got {
			t.Errorf("ParseURL(%q) = %+v, %v; want %+v", got.String(), again, err, *got)
		}
	}
	bad := map[string]string{
		"http://docs":                      "want s3://",
		"s3://":                            "bucket",
		"s3://Docs":                        "bucket",
		"s3://key:secret@docs":             "AWS_ACCESS_KEY_ID",
		"s3://docs?endpoint=":              "endpoint",
		"s3://docs?endpoint=h:99999":       "port",
		"s3://docs?endpoint=a/b":           "endpoint",
		"s3://docs?secure=maybe":           "secure",
		"s3://docs?endpont=127.0.0.1:8333": `unknown parameter "endpont"`,
		"s3://docs/a/../b":                 "prefix",
	}
	for in, want := range bad {
		_, err := ParseURL(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseURL(%q) = %v, want an error saying %q", in, err, want)
		}
	}
}

func TestCredentialsFromEnv(t *testing.T) {
	env := map[string]string{"AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token"}
	getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	c, err := CredentialsFromEnv(getenv)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Credentials{"id", "secret", "token"}); c != want {
		t.Errorf("CredentialsFromEnv = %+v, want %+v", c, want)
	}
	delete(env, "AWS_SECRET_ACCESS_KEY")
	if _, err := CredentialsFromEnv(getenv); err == nil || !strings.Contains(err.Error(), "AWS_SECRET_ACCESS_KEY") {
		t.Errorf("without a secret: %v, want an error naming AWS_SECRET_ACCESS_KEY", err)
	}
}

// readDirNames returns the names in dir.
func readDirNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, err
}
