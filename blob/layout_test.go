package blob

import "testing"

func TestRelPath(t *testing.T) {
	key := Key([]byte("公文"))
	rel := RelPath(key)
	if want := key[0:2] + "/" + key[2:4] + "/" + key; rel != want {
		t.Errorf("RelPath = %q, want %q", rel, want)
	}
	if got := KeyOfRelPath(rel); got != key {
		t.Errorf("KeyOfRelPath(%q) = %q, want %q", rel, got, key)
	}
	for _, bad := range []string{"", key, "ab/cd/" + key, rel + "/x", "../" + rel, key[0:2] + "/" + key[2:4] + "/" + key[:len(key)-1] + "G"} {
		if got := KeyOfRelPath(bad); got != "" {
			t.Errorf("KeyOfRelPath(%q) = %q, want none", bad, got)
		}
	}
	// The store keeps the content where RelPath says.
	l, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := l.path(key), l.Dir()+"/"+rel; got != want {
		t.Errorf("path = %q, want %q", got, want)
	}
}
