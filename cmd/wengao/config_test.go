package main

import (
	"strings"
	"testing"
)

// TestConfigCommand runs wengao config as a user would.
func TestConfigCommand(t *testing.T) {
	t.Setenv("WENGAO_METRICS_TOKEN", "s3cret-token-123")
	t.Setenv("WENGAO_ADDR", ":9300")
	out, err := runCLI(t, "config", "--contact", "ops@example.org")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{`addr = ":9300"`, "# env WENGAO_ADDR", `contact = "ops@example.org"`, "# flag", `# metrics_token = "********"`} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "s3cret") {
		t.Errorf("the secret is printed:\n%s", out)
	}
	out, err = runCLI(t, "config", "--preview-percent", "0")
	if err == nil {
		t.Fatalf("bad value: err is nil")
	}
	if !strings.Contains(err.Error(), "preview_percent (flag)") {
		t.Errorf("bad value: %v\n%s (want strings.Contains(err.Error(), \"preview_percent (flag)\"))", err, out)
	}
}
