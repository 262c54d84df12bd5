package main

// Backups: `wengao backup` and `wengao restore` (package backup).

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/wengao/wengao/backup"
	"github.com/wengao/wengao/blob"
)

const backupUsage = `usage: wengao backup [--data DIR] [--blob s3://…] [--force] --to FILE

Writes a backup of the data folder to FILE: a consistent snapshot of the
database and every stored file, taken while the site serves and imports
run. FILE is a tar archive, compressed with gzip when its name ends in .gz
or .tgz. An existing FILE is kept unless --force is given; a backup that
fails leaves no FILE behind. One that is killed leaves temporary files
(.wengao-backup-…tmp) next to FILE, which the next backup into that
folder removes. Restore it with wengao restore. With --blob
(or WENGAO_BLOB), the files are read from that S3 bucket.

`

const restoreUsage = `usage: wengao restore [--data DIR] [--blob s3://…] FILE

Makes the data folder DIR (which must be empty or missing) from the backup
FILE written by wengao backup: checks every member against the checksums
of the backup's manifest, the database's integrity and its search
indexes, and brings the database to this version's schema. On any failure
DIR is left as it was. With --blob (or WENGAO_BLOB), the files go to that
S3 bucket (they may be there already: files are named by their content),
and a failed restore leaves the ones it stored, which wengao blobs gc
removes.

`

// runBackup handles `wengao backup [--data DIR] [--force] --to FILE`.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, data := newFlagSet("backup", stderr)
	blobURL := blobFlag(fs)
	to := fs.String("to", "", "write the backup to `FILE` (.tar, or .tar.gz/.tgz for gzip)")
	force := fs.Bool("force", false, "replace FILE if it exists")
	fs.Usage = func() {
		fmt.Fprint(stderr, backupUsage)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *to == "" || len(pos) > 0 {
		fs.Usage()
		return exitError(2)
	}
	var files blob.Lister
	if *blobURL != "" {
		if files, err = openFiles(ctx, *blobURL, *data); err != nil {
			return err
		}
	}
	started := time.Now()
	m, size, err := backup.WriteFrom(ctx, *data, files, *to, *force, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup of %s: %d documents, %d users, %d files, %s (%d bytes) of data written to %s (%s) in %.1fs\n",
		*data, m.Documents, m.Users, m.Files, backup.FormatSize(m.Bytes), m.Bytes, *to, backup.FormatSize(size), time.Since(started).Seconds())
	return nil
}

// runRestore handles `wengao restore [--data DIR] FILE`.
func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, data := newFlagSet("restore", stderr)
	blobURL := blobFlag(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, restoreUsage)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return exitError(2)
	}
	var files blob.Store
	if *blobURL != "" {
		if files, err = openFiles(ctx, *blobURL, *data); err != nil {
			return err
		}
	}
	started := time.Now()
	res, err := backup.RestoreTo(ctx, pos[0], *data, files, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s into %s: %d documents, %d users, %d files, %s (%d bytes) in %.1fs\n",
		pos[0], *data, res.Documents, res.Users, res.Files, backup.FormatSize(res.Bytes), res.Bytes, time.Since(started).Seconds())
	return nil
}
