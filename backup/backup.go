// Package backup writes a data folder's backup while the site serves and
// imports run (Write), and makes a new data folder of one (Restore).
//
// The file is a tar archive, gzip-compressed when its name ends in .gz or
// .tgz (restore recognises gzip by its content, whatever the name). Its
// members, in this order:
//
//	manifest.json          what the backup holds (Manifest): the
//	                       format and its version, when it was made, the
//	                       schema migrations of the database, the numbers of
//	                       documents, users and files, and the size and
//	                       SHA-256 of every other member
//	wengao.db              the database: a snapshot made by VACUUM INTO
//	                       (see sqlite.BackupFile), one self-contained file
//	files/ab/cd/<sha256>   every file of the data folder's files store (the
//	                       originals of uploads), under the same name as in
//	                       the store
//
// Why the files are consistent with the database although they are copied
// after the snapshot: a file is stored (complete, flushed, renamed into
// place) before any row refers to it, so every file that a row of the
// snapshot refers to existed when the snapshot was taken; files are never
// changed (their name is the hash of their content), and wengao deletes
// none by itself, only an operator's explicit action does. So listing the
// store after the snapshot finds every file the snapshot refers to, plus
// perhaps files stored since, which a restore keeps unused. A file
// deleted or damaged while the backup copies it fails the backup; a file
// that the snapshot refers to but the store lacks (it was already missing
// on the site) is reported, and recorded in the manifest.
package backup

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/wengao/wengao/blob"
	"github.com/wengao/wengao/sqlite"
)

// The archive's format, and the names of its members.
const (
	Format  = "wengao-backup"
	Version = 1 // of the format, in every manifest

	ManifestName = "manifest.json"
	DBName       = sqlite.FileName
	FilesDir     = "files" // inside the data folder and the archive

	// Limits a restore puts on what a backup declares, against damaged
	// or hostile files.
	maxManifestBytes   = 256 << 20 // about a million files
	maxBackupFileBytes = 16 << 30  // one file of the store
	maxBackupDBBytes   = 4 << 40
	maxBackupMembers   = 2_000_000
)

// Manifest is the first member of a backup: what it holds.
type Manifest struct {
	Format     string    `json:"format"`  // the constant Format
	Version    int       `json:"version"` // the constant Version when written
	Created    time.Time `json:"created"`
	Migrations []string  `json:"migrations"` // applied in the database
	Documents  int       `json:"documents"`
	Users      int       `json:"users"`
	Files      int       `json:"files"` // members under files/
	Bytes      int64     `json:"bytes"` // of all members but the manifest
	Missing    []string  `json:"missing_files,omitempty"`
	Members    []Member  `json:"members"`
}

// Member is a member of a backup other than the manifest.
type Member struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Write writes the backup of the data folder data to the file to, and
// returns its manifest and the size of the file. An existing file is kept
// unless force is set; a backup that fails leaves no file behind. Warnings
// (files missing on the site) go to warn.
func Write(ctx context.Context, data, to string, force bool, warn io.Writer) (*Manifest, int64, error) {
	return WriteFrom(ctx, data, nil, to, force, warn)
}

// WriteFrom is Write for a site whose files are kept in files (an S3
// bucket) rather than in the data folder; nil means the data folder's.
// The archive is the same: a restore puts the files where it is told.
func WriteFrom(ctx context.Context, data string, files blob.Lister, to string, force bool, warn io.Writer) (_ *Manifest, size int64, err error) {
	to, err = filepath.Abs(to)
	if err != nil {
		return nil, 0, err
	}
	if fi, err := os.Stat(to); err == nil {
		if fi.IsDir() {
			return nil, 0, fmt.Errorf("%s is a folder: give the name of the backup file to write", to)
		}
		if !force {
			return nil, 0, fmt.Errorf("%s already exists: choose another name, or use --force to replace it", to)
		}
	}
	dbPath := filepath.Join(data, sqlite.FileName)
	if _, err := os.Stat(dbPath); err != nil {
		return nil, 0, fmt.Errorf("no wengao database in %s (%s: %w)", data, dbPath, errors.Unwrap(err))
	}
	dir, base := filepath.Split(to)
	removeStaleTemps(dir, time.Now(), warn)

	// 1. The database, first: every file it refers to exists by then.
	// The snapshot's file stays open, and locked, until the end.
	snapFile, err := createTemp(dir, base, ".db.tmp")
	if err != nil {
		return nil, 0, fmt.Errorf("cannot write next to %s: %w", to, err)
	}
	snapPath := snapFile.Name()
	defer snapFile.Close()
	defer os.Remove(snapPath)
	defer os.Remove(snapPath + "-journal")
	snap, err := sqlite.BackupFile(ctx, dbPath, snapPath)
	if err != nil {
		return nil, 0, err
	}
	dbSum, dbSize, err := hashFile(ctx, snapPath)
	if err != nil {
		return nil, 0, err
	}
	m := &Manifest{
		Format: Format, Version: Version, Created: time.Now().UTC().Truncate(time.Second),
		Migrations: snap.Migrations, Documents: snap.Documents, Users: snap.Users,
		Members: []Member{{Name: DBName, Size: dbSize, SHA256: dbSum}},
		Bytes:   dbSize,
	}

	// 2. The files, listed after the snapshot. The store's folder is not
	// created when missing: a backup changes nothing.
	filesDir := filepath.Join(data, FilesDir)
	if files == nil {
		if fi, err := os.Stat(filesDir); err == nil && fi.IsDir() {
			if files, err = blob.NewLocal(filesDir); err != nil {
				return nil, 0, err
			}
		}
	} else {
		filesDir = fmt.Sprint(files) // named in messages
	}
	stored := map[string]bool{}
	if files != nil {
		err := files.Walk(ctx, func(key string, size int64) error {
			stored[key] = true
			m.Members = append(m.Members, Member{Name: blobMemberName(key), Size: size, SHA256: key})
			m.Bytes += size
			m.Files++
			return nil
		})
		if err != nil {
			return nil, 0, fmt.Errorf("list the files of %s: %w", filesDir, err)
		}
	}
	for _, key := range snap.FileKeys {
		if !stored[key] {
			m.Missing = append(m.Missing, key)
		}
	}
	if n := len(m.Missing); n > 0 {
		fmt.Fprintf(warn, "wengao: warning: %d files that documents or uploads refer to are missing from %s (the backup records them; first: %s)\n", n, filesDir, m.Missing[0])
	}

	// 3. The archive, written to a temporary file renamed into place.
	out, err := createTemp(dir, base, ".tmp")
	if err != nil {
		return nil, 0, fmt.Errorf("cannot write next to %s: %w", to, err)
	}
	defer func() {
		if out != nil {
			out.Close()
			os.Remove(out.Name())
		}
	}()
	bw := bufio.NewWriterSize(out, 1<<20)
	var w io.Writer = bw
	var gz *gzip.Writer
	if lower := strings.ToLower(to); strings.HasSuffix(lower, ".gz") || strings.HasSuffix(lower, ".tgz") {
		gz, _ = gzip.NewWriterLevel(bw, gzip.BestSpeed)
		w = gz
	}
	tw := tar.NewWriter(w)
	manifest, err := json.MarshalIndent(m, "", "\t")
	if err != nil {
		return nil, 0, err
	}
	if err := tw.WriteHeader(backupHeader(ManifestName, int64(len(manifest)), m.Created)); err != nil {
		return nil, 0, err
	}
	if _, err := tw.Write(manifest); err != nil {
		return nil, 0, fmt.Errorf("write %s: %w", to, err)
	}
	for _, mem := range m.Members {
		var f io.ReadCloser
		var err error
		if mem.Name == DBName {
			f, err = os.Open(snapPath)
		} else {
			f, _, err = files.Open(ctx, mem.SHA256)
			if errors.Is(err, fs.ErrNotExist) {
				return nil, 0, fmt.Errorf("file %s was deleted from %s while the backup ran; run the backup again", mem.SHA256, filesDir)
			}
		}
		if err != nil {
			return nil, 0, err
		}
		err = copyMember(ctx, tw, f, mem, m.Created)
		f.Close()
		if err != nil {
			if mem.Name != DBName && !errors.Is(err, context.Canceled) {
				return nil, 0, fmt.Errorf("file %s of %s: %w", mem.SHA256, filesDir, err)
			}
			return nil, 0, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, 0, err
	}
	if gz != nil {
		if err := gz.Close(); err != nil {
			return nil, 0, err
		}
	}
	if err := bw.Flush(); err != nil {
		return nil, 0, fmt.Errorf("write %s: %w", to, err)
	}
	if err := out.Sync(); err != nil {
		return nil, 0, fmt.Errorf("write %s: %w", to, err)
	}
	fi, err := out.Stat()
	if err != nil {
		return nil, 0, err
	}
	if err := out.Close(); err != nil {
		return nil, 0, fmt.Errorf("write %s: %w", to, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	if !force {
		// Someone may have made the file meanwhile.
		if _, err := os.Lstat(to); err == nil {
			return nil, 0, fmt.Errorf("%s already exists: choose another name, or use --force to replace it", to)
		}
	}
	if err := os.Rename(out.Name(), to); err != nil {
		return nil, 0, err
	}
	out = nil
	syncDirOf(to)
	return m, fi.Size(), nil
}

// copyMember writes the member mem, read from r, to tw, checking its size
// and checksum on the way.
func copyMember(ctx context.Context, tw *tar.Writer, r io.Reader, mem Member, mod time.Time) error {
	if err := tw.WriteHeader(backupHeader(mem.Name, mem.Size, mod)); err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), io.LimitReader(blob.ContextReader(ctx, r), mem.Size))
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	if n != mem.Size {
		return fmt.Errorf("it changed size while the backup ran (%d bytes, then %d)", mem.Size, n)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != mem.SHA256 {
		return errors.New("its content does not match its checksum: the file is damaged")
	}
	return nil
}

// backupHeader is the tar header of a member.
func backupHeader(name string, size int64, mod time.Time) *tar.Header {
	return &tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o640, ModTime: mod}
}

// blobMemberName is the member of a stored file: its path in the data
// folder, as blob.Local keeps it.
func blobMemberName(key string) string {
	return FilesDir + "/" + blob.RelPath(key)
}

// blobMemberKey returns the key of a member name of a stored file, or ""
// when name is not one.
func blobMemberKey(name string) string {
	rel, ok := strings.CutPrefix(name, FilesDir+"/")
	if !ok {
		return ""
	}
	return blob.KeyOfRelPath(rel)
}

// hashFile returns the hex SHA-256 and the size of a file.
func hashFile(ctx context.Context, path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	return blob.HashReader(blob.ContextReader(ctx, f))
}

// syncDirOf flushes the entries of the folder of path to disk, so that a
// rename survives a crash; errors are ignored (not every system can).
func syncDirOf(path string) {
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
}

// FormatSize renders a byte count: "12.3 MB".
func FormatSize(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

// Result is what a restore made.
type Result struct {
	Documents, Users, Files int
	Bytes                   int64 // of the members written
}

// restoreStaging is the folder inside the data folder where a restore
// writes before moving everything into place.
const restoreStaging = ".wengao-restore"

// Restore makes the data folder data, which must be empty or missing, of
// the backup file from: it checks every member against the manifest's
// checksums, the database's integrity and its search indexes, and brings
// the database to this version's schema. On failure it removes what it
// wrote, leaving data as it found it. Warnings go to warn.
func Restore(ctx context.Context, from, data string, warn io.Writer) (*Result, error) {
	return RestoreTo(ctx, from, data, nil, warn)
}

// RestoreTo is Restore for a site whose files are kept in files (an S3
// bucket) rather than in the data folder; nil means the data folder's.
// The files are checked and stored there as they are read; a restore that
// fails leaves those it stored, which no record refers to (wengao blobs
// gc removes them).
func RestoreTo(ctx context.Context, from, data string, files blob.Store, warn io.Writer) (_ *Result, err error) {
	if strings.HasPrefix(filepath.Base(from), TempPrefix) {
		return nil, fmt.Errorf("%s is the temporary file of a backup that did not finish, not a backup", from)
	}
	// The target: missing, or an empty folder.
	var created string // the first folder made, removed on failure
	switch fi, err := os.Stat(data); {
	case errors.Is(err, fs.ErrNotExist):
		created, err = firstMissing(data)
		if err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	case !fi.IsDir():
		return nil, fmt.Errorf("%s is not a folder", data)
	default:
		names, err := readDirNames(data)
		if err != nil {
			return nil, err
		}
		if len(names) > 0 {
			shown := names
			if len(shown) > 5 {
				shown = append(shown[:5:5], fmt.Sprintf("and %d more", len(names)-5))
			}
			hint := ""
			if slices.Contains(names, restoreStaging) {
				hint = fmt.Sprintf("; %s is what an interrupted restore left, remove the folder's contents to restore again", restoreStaging)
			}
			return nil, fmt.Errorf("%s is not empty (it holds %s): restore only into an empty or new folder%s", data, strings.Join(shown, ", "), hint)
		}
	}

	f, err := os.Open(from)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", from, err)
		}
		defer gz.Close()
		r = gz
	}
	tr := tar.NewReader(archiveReader{r})
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s is not a usable wengao backup: %s", from, fmt.Sprintf(format, args...))
	}

	// The manifest comes first; nothing is written before it is read.
	hdr, err := tr.Next()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, bad("it is empty")
		}
		return nil, bad("%v", archiveProblem(err))
	}
	if hdr.Name != ManifestName || !isRegular(hdr) {
		return nil, bad("its first member is %q, not %s", hdr.Name, ManifestName)
	}
	if hdr.Size > maxManifestBytes {
		return nil, bad("its manifest is too large (%d bytes)", hdr.Size)
	}
	var m Manifest
	if err := json.NewDecoder(io.LimitReader(tr, maxManifestBytes)).Decode(&m); err != nil {
		var ae archiveError
		if errors.As(err, &ae) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, bad("%v", archiveProblem(err))
		}
		return nil, bad("its manifest is not valid JSON: %v", err)
	}
	members, err := checkManifest(&m)
	if err != nil {
		return nil, bad("%v", err)
	}
	if unknown := (&sqlite.Snapshot{Migrations: m.Migrations}).UnknownMigrations(); len(unknown) > 0 {
		return nil, fmt.Errorf("%s was made by a newer version of wengao: its database has migrations this version does not know (%s); restore it with that version", from, strings.Join(unknown, ", "))
	}

	// From here on, whatever goes wrong removes what was written.
	if created != "" {
		if err := os.MkdirAll(data, 0o755); err != nil {
			return nil, err
		}
	}
	staging := filepath.Join(data, restoreStaging)
	var moved []string // names moved into data
	defer func() {
		if err == nil {
			return
		}
		if created != "" {
			os.RemoveAll(created)
			return
		}
		os.RemoveAll(staging)
		for _, name := range moved {
			os.RemoveAll(filepath.Join(data, name))
		}
	}()
	if err := os.Mkdir(staging, 0o750); err != nil {
		return nil, err
	}
	if files == nil {
		if files, err = blob.NewLocal(filepath.Join(staging, FilesDir)); err != nil {
			return nil, err
		}
	}
	dbPath := filepath.Join(staging, sqlite.FileName)
	seen := map[string]bool{}
	res := &Result{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			return nil, bad("%v", archiveProblem(err))
		}
		name := hdr.Name
		mem, listed := members[name]
		switch {
		case !isRegular(hdr):
			return nil, bad("refusing member %q: a %s, not a regular file", name, tarKind(hdr.Typeflag))
		case !listed || err != nil:
			if unsafeName(name) {
				return nil, bad("refusing member %q: its name points outside the data folder", name)
			}
			return nil, bad("refusing member %q: the manifest does not list it", name)
		case seen[name]:
			return nil, bad("member %q appears twice", name)
		case hdr.Size != mem.Size:
			return nil, bad("member %q has %d bytes, the manifest says %d", name, hdr.Size, mem.Size)
		}
		seen[name] = true
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if name == DBName {
			err = extractFile(ctx, dbPath, tr, mem)
		} else {
			err = extractBlob(ctx, files, tr, mem)
			res.Files++
		}
		if err != nil {
			var ae archiveError
			switch {
			case errors.Is(err, errChecksum):
				return nil, bad("member %q: %v", name, err)
			case errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ae):
				return nil, bad("%v (in member %q)", archiveProblem(err), name)
			}
			return nil, fmt.Errorf("restore %s: %w", name, err)
		}
		res.Bytes += mem.Size
	}
	var missing []string
	for _, mem := range m.Members {
		if !seen[mem.Name] {
			missing = append(missing, mem.Name)
		}
	}
	if len(missing) > 0 {
		return nil, bad("it is truncated or incomplete: %d of the %d members the manifest lists are missing, first %s", len(missing), len(m.Members), missing[0])
	}

	// The database: intact, of a known schema, as the manifest says.
	snap, err := sqlite.InspectFile(ctx, dbPath)
	if err != nil {
		return nil, fmt.Errorf("the database in %s: %w", from, err)
	}
	if unknown := snap.UnknownMigrations(); len(unknown) > 0 {
		return nil, fmt.Errorf("%s was made by a newer version of wengao: its database has migrations this version does not know (%s)", from, strings.Join(unknown, ", "))
	}
	if snap.Documents != m.Documents || snap.Users != m.Users {
		return nil, bad("its database holds %d documents and %d users, the manifest says %d and %d", snap.Documents, snap.Users, m.Documents, m.Users)
	}
	var absent []string
	for _, key := range snap.FileKeys {
		if _, ok := members[blobMemberName(key)]; !ok {
			absent = append(absent, key)
		}
	}
	if len(absent) > 0 {
		fmt.Fprintf(warn, "wengao: warning: %d files that documents or uploads refer to are not in the backup (missing on the site when it was made; first: %s)\n", len(absent), absent[0])
	}
	// Opening brings the schema up to date; then the search indexes.
	db, err := sqlite.OpenFile(dbPath)
	if err != nil {
		return nil, fmt.Errorf("open the restored database: %w", err)
	}
	err = checkRestored(ctx, db, warn)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	res.Documents, res.Users = snap.Documents, snap.Users

	// Into place: names that cannot exist in data, which was empty.
	entries, err := readDirNames(staging)
	if err != nil {
		return nil, err
	}
	for _, name := range entries {
		if err := os.Rename(filepath.Join(staging, name), filepath.Join(data, name)); err != nil {
			return nil, err
		}
		moved = append(moved, name)
	}
	if err := os.Remove(staging); err != nil {
		return nil, err
	}
	syncDirOf(filepath.Join(data, sqlite.FileName))
	return res, nil
}

// checkRestored checks the search indexes of a restored database and
// reports the ledger's and the references' inconsistencies, which the
// site had too, as warnings.
func checkRestored(ctx context.Context, db *sqlite.DB, warn io.Writer) error {
	if err := db.CheckSearchIndexes(ctx); err != nil {
		return err
	}
	if bad, err := db.CheckLedger(ctx); err != nil {
		return err
	} else if len(bad) > 0 {
		fmt.Fprintf(warn, "wengao: warning: the ledger of %d users does not add up (run wengao ledger check)\n", len(bad))
	}
	if probs, err := db.ForeignKeyProblems(ctx, 5); err != nil {
		return err
	} else {
		for _, p := range probs {
			fmt.Fprintf(warn, "wengao: warning: %s\n", p)
		}
	}
	return nil
}

// checkManifest checks what a manifest declares and returns its members
// by name.
func checkManifest(m *Manifest) (map[string]Member, error) {
	switch {
	case m.Format != Format:
		return nil, fmt.Errorf("its manifest is of format %q, not %q", m.Format, Format)
	case m.Version > Version:
		return nil, fmt.Errorf("its format version %d is newer than this wengao reads (%d): restore it with a newer wengao", m.Version, Version)
	case m.Version < 1:
		return nil, fmt.Errorf("its manifest has no valid format version (%d)", m.Version)
	case len(m.Members) > maxBackupMembers:
		return nil, fmt.Errorf("its manifest lists too many members (%d)", len(m.Members))
	}
	members := make(map[string]Member, len(m.Members))
	var total int64
	files := 0
	for _, mem := range m.Members {
		key := blobMemberKey(mem.Name)
		switch {
		case mem.Name == DBName:
			if mem.Size > maxBackupDBBytes {
				return nil, fmt.Errorf("its database is too large (%d bytes)", mem.Size)
			}
		case key != "":
			if mem.SHA256 != key {
				return nil, fmt.Errorf("the checksum of member %q differs from its name", mem.Name)
			}
			if mem.Size > maxBackupFileBytes {
				return nil, fmt.Errorf("member %q is too large (%d bytes)", mem.Name, mem.Size)
			}
			files++
		case unsafeName(mem.Name):
			return nil, fmt.Errorf("refusing member %q: its name points outside the data folder", mem.Name)
		default:
			return nil, fmt.Errorf("its manifest lists an unexpected member %q", mem.Name)
		}
		if mem.Size < 0 || !blob.ValidKey(mem.SHA256) {
			return nil, fmt.Errorf("member %q has an invalid size or checksum", mem.Name)
		}
		if _, dup := members[mem.Name]; dup {
			return nil, fmt.Errorf("its manifest lists %q twice", mem.Name)
		}
		members[mem.Name] = mem
		total += mem.Size
	}
	if _, ok := members[DBName]; !ok {
		return nil, fmt.Errorf("its manifest lists no %s", DBName)
	}
	if files != m.Files || total != m.Bytes {
		return nil, fmt.Errorf("its manifest is inconsistent: %d files of %d bytes listed, %d of %d declared", files, total, m.Files, m.Bytes)
	}
	return members, nil
}

// archiveReader marks the errors of reading a backup, other than its
// end, as archiveErrors.
type archiveReader struct{ r io.Reader }

func (a archiveReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if err != nil && err != io.EOF {
		err = archiveError{err}
	}
	return n, err
}

// archiveError is an error reading a backup: a damaged compression, a
// failing disk.
type archiveError struct{ err error }

func (e archiveError) Error() string { return e.err.Error() }
func (e archiveError) Unwrap() error { return e.err }

// archiveProblem describes an error of reading a backup.
func archiveProblem(err error) string {
	var ae archiveError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "it is truncated"
	case errors.As(err, &ae):
		return "it is damaged: " + ae.err.Error()
	}
	return "it is damaged: " + err.Error()
}

// errChecksum is wrapped by the error of a member whose content does not
// match the manifest.
var errChecksum = errors.New("checksum mismatch: the backup is damaged")

// extractFile writes the member mem, read from r, to the new file path,
// checking its size and checksum, and flushes it to disk.
func extractFile(ctx context.Context, path string, r io.Reader, mem Member) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(blob.ContextReader(ctx, r), mem.Size))
	if err != nil {
		return err
	}
	if n != mem.Size {
		return io.ErrUnexpectedEOF
	}
	if hex.EncodeToString(h.Sum(nil)) != mem.SHA256 {
		return fmt.Errorf("%w (SHA-256 differs from the manifest's)", errChecksum)
	}
	return f.Sync()
}

// extractBlob stores the member mem, read from r, in files, checking that
// its content is what its name says.
func extractBlob(ctx context.Context, files blob.Store, r io.Reader, mem Member) error {
	key, n, err := files.Put(ctx, io.LimitReader(r, mem.Size), mem.Size)
	if err != nil {
		return err
	}
	if n != mem.Size {
		return io.ErrUnexpectedEOF
	}
	if key != mem.SHA256 {
		return fmt.Errorf("%w (SHA-256 differs from the manifest's)", errChecksum)
	}
	return nil
}

// isRegular reports a regular file member.
func isRegular(h *tar.Header) bool {
	// Old archivers write the type as NUL (tar.TypeRegA, deprecated).
	return h.Typeflag == tar.TypeReg || h.Typeflag == 0
}

// tarKind names the type of a tar member.
func tarKind(t byte) string {
	switch t {
	case tar.TypeSymlink:
		return "symbolic link"
	case tar.TypeLink:
		return "hard link"
	case tar.TypeDir:
		return "folder"
	case tar.TypeChar, tar.TypeBlock:
		return "device"
	case tar.TypeFifo:
		return "named pipe"
	}
	return fmt.Sprintf("member of type %q", t)
}

// unsafeName reports a member name that is absolute or climbs out of the
// folder it is extracted to.
func unsafeName(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.HasPrefix(name, `\`) || filepath.IsAbs(name) || strings.Contains(name, ":") {
		return true
	}
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' }) {
		if part == ".." {
			return true
		}
	}
	return false
}

// firstMissing returns the outermost folder of path that does not exist,
// which creating path makes and a failed restore removes.
func firstMissing(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	missing := abs
	for {
		parent := filepath.Dir(missing)
		if parent == missing {
			return missing, nil
		}
		if _, err := os.Stat(parent); err == nil {
			return missing, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		missing = parent
	}
}

// readDirNames returns the sorted names in a folder.
func readDirNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	sort.Strings(names)
	return names, nil
}
