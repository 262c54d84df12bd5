package backup

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// TempPrefix begins the names of the temporary files a backup writes next
// to its archive (the database snapshot, the archive before its rename).
// They are dot-named and end in .tmp, so that no listing of backups takes
// them for one, and restore refuses them.
const TempPrefix = ".wengao-backup-"

// staleAfter is how old an unlocked temporary file must be before
// another backup removes it: one younger may belong to a backup that has
// created it and not yet locked it.
const staleAfter = time.Minute

// createTemp creates a temporary file for the backup named base in dir
// (name ending in suffix) and locks it while this process keeps it open,
// so that another backup tells it from the files of one that was killed
// (removeStaleTemps).
func createTemp(dir, base, suffix string) (*os.File, error) {
	f, err := os.CreateTemp(dir, TempPrefix+base+".*"+suffix)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	return f, nil
}

// removeStaleTemps removes from dir the temporary files of backups that
// did not finish (killed, or the machine stopped): those older than
// staleAfter that no running backup holds locked. It says what it removed
// on warn.
func removeStaleTemps(dir string, now time.Time, warn io.Writer) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	var removed []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, TempPrefix) || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) < staleAfter {
			continue
		}
		path := filepath.Join(dir, name)
		// SQLite's journal of a snapshot goes with the snapshot.
		if owner, ok := strings.CutSuffix(path, "-journal"); ok && inUse(owner) || !ok && inUse(path) {
			continue
		}
		if os.Remove(path) == nil {
			removed = append(removed, name)
		}
	}
	if len(removed) > 0 {
		fmt.Fprintf(warn, "wengao: removed %d temporary files of backups that did not finish from %s: %s\n", len(removed), dir, strings.Join(removed, ", "))
	}
}

// inUse reports whether a running backup holds the file at path locked.
// Where files cannot be locked, only their age tells (see lock_other.go).
func inUse(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false // gone
	}
	defer f.Close() // gives up the lock taken here
	err = lockFile(f)
	return err != nil && !errors.Is(err, errors.ErrUnsupported)
}
