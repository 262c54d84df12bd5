package sqlstore

import (
	"regexp"
	"strings"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	h, err := hashPassword("正确的密码 horse")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(h) {
		t.Errorf("hash %q is not a PHC string with the OWASP parameters", h)
	}
	if h2, _ := hashPassword("正确的密码 horse"); h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, tt := range []struct {
		password string
		want     bool
	}{
		{"正确的密码 horse", true},
		{"正确的密码 horse ", false},
		{"", false},
	} {
		{
			ok, err := verifyPassword(tt.password, h)
			if err != nil {
				t.Fatalf("verify(: %v", err)
			}
			if got := ok; got != tt.want {
				t.Errorf("verify(: ok = %v, want %v", got, tt.want)
			}
		}
	}

	// Hashes made elsewhere, with other parameters, verify too: this is
	// the reference implementation's output for
	// echo -n password | argon2 somesalt -id -t 2 -m 16 -p 4 -l 32 -e
	const ref = "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo"
	{
		ok, err := verifyPassword("password", ref)
		if err != nil {
			t.Fatalf("reference hash: %v", err)
		}
		if !ok {
			t.Errorf("reference hash: %v, %v (want ok)", ok, err)
		}
	}

	for _, bad := range []string{
		"",
		"plain",
		strings.Replace(h, "argon2id", "argon2i", 1),
		strings.Replace(h, "v=19", "v=16", 1),
		strings.Replace(h, "m=19456", "m=99999999", 1),
		strings.Replace(h, "t=2", "t=0", 1),
		h[:len(h)-44] + "$!!!",
	} {
		if _, err := verifyPassword("x", bad); err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}
