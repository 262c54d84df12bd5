package main

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

func TestUserPointsLedgerCLI(t *testing.T) {
	data := t.TempDir()
	stdin = strings.NewReader("correct horse battery\n")
	out, err := runCLI(t, "user", "add", "--data", data, "--admin", "--password-stdin", "王科长")
	if err != nil {
		t.Fatalf("user add: %v", err)
	}
	if !strings.Contains(out, "created user 王科长") {
		t.Fatalf("user add: %v\n%s (want strings.Contains(out, \"created user 王科长\"))", err, out)
	}
	if !strings.Contains(out, "role admin") {
		t.Fatalf("user add: %v\n%s (want strings.Contains(out, \"role admin\"))", err, out)
	}
	stdin = strings.NewReader("correct horse battery\n")
	if out, err := runCLI(t, "user", "add", "--data", data, "王科长"); err == nil {
		t.Fatalf("duplicate user accepted:\n%s", out)
	}
	out, err = runCLI(t, "points", "grant", "--data", data, "王科长", "15", "--reason", "征文奖励")
	if err != nil {
		t.Fatalf("points grant: %v", err)
	}
	if !strings.Contains(out, "+15 points") {
		t.Fatalf("points grant: %v\n%s (want strings.Contains(out, \"+15 points\"))", err, out)
	}
	if out, err := runCLI(t, "points", "grant", "--data", data, "王科长", "-1000", "--reason", "扣除"); err == nil {
		t.Fatalf("a grant below zero was accepted:\n%s", out)
	}
	if out, err := runCLI(t, "points", "grant", "--data", data, "王科长", "5"); err == nil {
		t.Fatalf("a grant without a reason was accepted:\n%s", out)
	}
	{
		out, err := runCLI(t, "ledger", "check", "--data", data)
		if err != nil {
			t.Fatalf("ledger check: %v", err)
		}
		if !strings.Contains(out, "ledger ok") {
			t.Fatalf("ledger check: %v\n%s (want strings.Contains(out, \"ledger ok\"))", err, out)
		}
	}
	// Tamper with the cached balance: the check names the user and fails.
	db, err := sql.Open("sqlite", filepath.Join(data, "wengao.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE users SET points = points + 7`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, err = runCLI(t, "ledger", "check", "--data", data)
	if err == nil {
		t.Fatalf("tampered ledger not reported: err is nil")
	}
	if !strings.Contains(out, "王科长") {
		t.Fatalf("tampered ledger not reported: %v\n%s (want strings.Contains(out, \"王科长\"))", err, out)
	}
}
