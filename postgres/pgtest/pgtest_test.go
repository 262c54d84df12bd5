package pgtest

import (
	"context"
	"testing"
)

// TestCluster checks that the test cluster answers and stores text as
// UTF-8, which the Chinese documents need.
func TestCluster(t *testing.T) {
	conn := Connect(t)
	ctx := context.Background()
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
	if one != 1 {
		t.Errorf("SELECT 1 = %d, want 1", one)
	}
	var enc string
	if err := conn.QueryRow(ctx, "SHOW server_encoding").Scan(&enc); err != nil {
		t.Fatal(err)
	}
	if enc != "UTF8" {
		t.Errorf("server_encoding = %q, want UTF8", enc)
	}
	const text = "关于推进乡村振兴的通知"
	var back string
	if err := conn.QueryRow(ctx, "SELECT $1::text", text).Scan(&back); err != nil {
		t.Fatal(err)
	}
	if back != text {
		t.Errorf("round trip of %q gave %q", text, back)
	}
}
