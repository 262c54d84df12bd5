package sharedtest

import "testing"

func TestFind(t *testing.T) {
	if p, ok := Find("no/such/file"); ok {
		t.Errorf("Find(no/such/file) = %q, want none", p)
	}
}
