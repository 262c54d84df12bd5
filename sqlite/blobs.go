package sqlite

import (
	"context"
	"time"

	"github.com/wengao/wengao"
)

var _ wengao.BlobIndex = (*DB)(nil)

// blobRefs are the queries of every column that holds a blob key. A
// table that gains one must be added here, or its files are collected.
const blobRefs = `SELECT file_key FROM uploads WHERE file_key <> ''
	UNION SELECT file_key FROM documents WHERE file_key <> ''
	UNION SELECT evidence_key FROM complaints WHERE evidence_key <> ''`

// BlobReferenced reports whether an upload, a document or a complaint
// refers to the file with the key. It reads from the writer, so that a
// record just committed counts.
func (db *DB) BlobReferenced(ctx context.Context, key string) (bool, error) {
	var n int
	err := db.write.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM uploads WHERE file_key = ?)
		OR EXISTS (SELECT 1 FROM documents WHERE file_key = ?)
		OR EXISTS (SELECT 1 FROM complaints WHERE evidence_key = ?)`, key, key, key).Scan(&n)
	return n != 0, err
}

// BlobKeys returns the keys of every file a record refers to.
func (db *DB) BlobKeys(ctx context.Context) (map[string]bool, error) {
	rows, err := db.write.QueryContext(ctx, blobRefs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}

// UploadUsage returns the user's uploads since a time and the bytes of
// their uploads kept.
func (db *DB) UploadUsage(ctx context.Context, userID int64, since time.Time) (count int, bytes int64, err error) {
	err = db.write.QueryRowContext(ctx, `SELECT COALESCE(SUM(created_at >= ?), 0),
		COALESCE(SUM(CASE WHEN status IN ('rejected', 'deleted') THEN 0 ELSE file_size END), 0)
		FROM uploads WHERE user_id = ?`, since.Unix(), userID).Scan(&count, &bytes)
	return count, bytes, err
}
