package backup

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRemoveStaleTemps: the next backup removes the temporary files a
// killed one left, and nothing else: not those of a backup still running
// (locked), not those just made, not other files.
func TestRemoveStaleTemps(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-2 * staleAfter)
	touch := func(name string, age time.Time) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, age, age)
		return p
	}
	running, err := createTemp(dir, "site.tar.gz", ".db.tmp") // held open and locked
	if err != nil {
		t.Fatal(err)
	}
	defer running.Close()
	os.Chtimes(running.Name(), old, old)
	runningJournal := touch(filepath.Base(running.Name())+"-journal", old)

	killedArchive := touch(TempPrefix+"site.tar.gz.123.tmp", old)
	killedSnapshot := touch(TempPrefix+"site.tar.gz.456.db.tmp", old)
	killedJournal := touch(TempPrefix+"site.tar.gz.456.db.tmp-journal", old)
	orphanJournal := touch(TempPrefix+"other.tar.789.db.tmp-journal", old)
	young := touch(TempPrefix+"site.tar.gz.999.tmp", time.Now())
	archive := touch("site.tar.gz", old)
	foreign := touch(".site.tar.gz.111.tmp", old)

	var warn bytes.Buffer
	removeStaleTemps(dir, time.Now(), &warn)
	for _, tc := range []struct {
		path string
		kept bool
	}{
		{running.Name(), true}, {runningJournal, true}, {young, true}, {archive, true}, {foreign, true},
		{killedArchive, false}, {killedSnapshot, false}, {killedJournal, false}, {orphanJournal, false},
	} {
		_, err := os.Stat(tc.path)
		if got := err == nil; got != tc.kept {
			t.Errorf("%s: kept %v, want %v", filepath.Base(tc.path), got, tc.kept)
		}
	}
	if got, want := warn.String(), "removed 4 temporary files"; !strings.Contains(got, want) {
		t.Errorf("warning %q, want it to contain %q", got, want)
	}

	// Once its backup ends (or is killed), the lock goes, and so does the
	// file at the next backup.
	running.Close()
	warn.Reset()
	removeStaleTemps(dir, time.Now(), &warn)
	if _, err := os.Stat(running.Name()); err == nil {
		t.Errorf("%s: kept after its backup ended", filepath.Base(running.Name()))
	}
}

// TestRestoreRefusesTemp: a temporary file is not taken for a backup.
func TestRestoreRefusesTemp(t *testing.T) {
	dir := t.TempDir()
	tmp := filepath.Join(dir, TempPrefix+"site.tar.gz.123.tmp")
	if err := os.WriteFile(tmp, []byte("part of a tar"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := RestoreTo(t.Context(), tmp, filepath.Join(dir, "data"), nil, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "did not finish") {
		t.Errorf("restore of a temporary file: %v, want an error saying the backup did not finish", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); err == nil {
		t.Error("restore of a temporary file made the data folder")
	}
}
