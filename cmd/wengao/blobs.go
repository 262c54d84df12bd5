package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/blob"
	"github.com/wengao/wengao/sqlite"
)

// defaultBlobGrace is how old an unreferenced file must be for
// wengao blobs gc to remove it: younger ones may belong to an upload
// whose record is not written yet.
const defaultBlobGrace = time.Hour

// runBlobs runs wengao blobs gc [--dry-run] [--grace D]: it removes the
// stored files that no upload, document or complaint refers to.
func runBlobs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "gc" {
		fmt.Fprintln(stderr, "usage: wengao blobs gc [--data DIR] [--blob s3://…] [--dry-run] [--grace 1h]")
		return exitError(2)
	}
	fs, data := newFlagSet("blobs gc", stderr)
	blobURL := blobFlag(fs)
	dry := fs.Bool("dry-run", false, "list the files that would be removed, remove nothing")
	grace := fs.Duration("grace", defaultBlobGrace, "leave files younger than this (uploads in progress)")
	if _, err := parseInterspersed(fs, args[1:]); err != nil {
		return err
	}
	db, err := sqlite.Open(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	files, err := openFiles(ctx, *blobURL, *data)
	if err != nil {
		return err
	}
	n, size, err := collectBlobs(ctx, db, files, *grace, *dry, time.Now(), stdout)
	if err != nil {
		return err
	}
	verb := "removed"
	if *dry {
		verb = "would remove"
	}
	fmt.Fprintf(stdout, "%s %d unreferenced files, %d bytes\n", verb, n, size)
	return nil
}

// collectBlobs removes (or with dry, lists) the files of store that no
// record of idx refers to and that were last stored more than grace
// before now. The files are listed before the references are read, and
// each is checked again just before it goes, so a record written
// meanwhile keeps its file.
func collectBlobs(ctx context.Context, idx wengao.BlobIndex, store blob.Lister, grace time.Duration, dry bool, now time.Time, out io.Writer) (int, int64, error) {
	type stored struct {
		key  string
		size int64
	}
	var all []stored
	if err := store.Walk(ctx, func(key string, size int64) error {
		all = append(all, stored{key, size})
		return nil
	}); err != nil {
		return 0, 0, err
	}
	refs, err := idx.BlobKeys(ctx)
	if err != nil {
		return 0, 0, err
	}
	var n int
	var total int64
	for _, f := range all {
		if refs[f.key] {
			continue
		}
		mt, err := store.ModTime(ctx, f.key)
		if err != nil || now.Sub(mt) < grace {
			continue // gone, or young: its record may be on its way
		}
		if used, err := idx.BlobReferenced(ctx, f.key); err != nil {
			return n, total, err
		} else if used {
			continue
		}
		if dry {
			fmt.Fprintf(out, "unreferenced: %s (%d bytes, stored %s)\n", f.key, f.size, mt.UTC().Format(time.RFC3339))
		} else if err := store.Delete(ctx, f.key); err != nil {
			return n, total, err
		}
		n++
		total += f.size
	}
	return n, total, nil
}
