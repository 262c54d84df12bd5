package sqlstore

import "testing"

func TestToDollars(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT * FROM t WHERE a = ? AND b IN (?, ?)`, `SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)`},
		{`SELECT '?', "col?" FROM t WHERE a = ?`, `SELECT '?', "col?" FROM t WHERE a = $1`},
		{`SELECT 'it''s ?' WHERE a = ?`, `SELECT 'it''s ?' WHERE a = $1`},
		{"SELECT ? -- why?\nFROM t WHERE a = ?", "SELECT $1 -- why?\nFROM t WHERE a = $2"},
		{`SELECT a - ? FROM t`, `SELECT a - $1 FROM t`},
		{`SELECT 'unterminated ?`, `SELECT 'unterminated ?`},
		{`SELECT ? -- to the end ?`, `SELECT $1 -- to the end ?`},
	} {
		if got := ToDollars(tt.in); got != tt.want {
			t.Errorf("ToDollars(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRebindCache(t *testing.T) {
	const q = `SELECT ? + ?`
	if got, want := rebind(Dollars, q), `SELECT $1 + $2`; got != want {
		t.Errorf("rebind(Dollars, %q) = %q, want %q", q, got, want)
	}
	if got, want := rebind(Dollars, q), `SELECT $1 + $2`; got != want {
		t.Errorf("rebind(Dollars, %q) from the cache = %q, want %q", q, got, want)
	}
	if got := rebind(QuestionMarks, q); got != q {
		t.Errorf("rebind(QuestionMarks, %q) = %q, want it unchanged", q, got)
	}
}

func BenchmarkRebind(b *testing.B) {
	const q = `SELECT u.id FROM users u WHERE u.id = (SELECT id FROM users WHERE username IN (?, ?) ORDER BY username = ? DESC LIMIT 1)`
	for b.Loop() {
		rebind(Dollars, q)
	}
}
