-- Uploads: files readers send to the library, with the text taken from
-- them, their 公文 metadata and their moderation. Times are Unix seconds.
-- document_id is the external id of the published document of an
-- approved upload (as text, like the ledger's, so that it outlives the
-- document); reward is what the approval granted.
CREATE TABLE uploads (
	id              INTEGER PRIMARY KEY,
	user_id         INTEGER NOT NULL REFERENCES users(id),
	status          TEXT NOT NULL CHECK (status IN ('draft', 'pending', 'approved', 'rejected', 'deleted')),
	file_key        TEXT NOT NULL DEFAULT '', -- hex sha256 of the file: its key in the blob store
	file_name       TEXT NOT NULL DEFAULT '',
	file_size       INTEGER NOT NULL DEFAULT 0,
	format          TEXT NOT NULL DEFAULT '',
	title           TEXT NOT NULL DEFAULT '',
	issuer          TEXT NOT NULL DEFAULT '',
	doc_number      TEXT NOT NULL DEFAULT '',
	date            TEXT NOT NULL DEFAULT '',
	genre           TEXT NOT NULL DEFAULT '',
	category        TEXT NOT NULL DEFAULT '',
	body            TEXT NOT NULL, -- paragraphs joined by \n
	outline         TEXT NOT NULL DEFAULT '[]',
	chars           INTEGER NOT NULL DEFAULT 0,
	text_hash       TEXT NOT NULL DEFAULT '',
	near_duplicates TEXT NOT NULL DEFAULT '[]',
	reason          TEXT NOT NULL DEFAULT '', -- why it was rejected
	document_id     TEXT NOT NULL DEFAULT '',
	reward          INTEGER NOT NULL DEFAULT 0 CHECK (reward >= 0),
	reviewer_id     INTEGER REFERENCES users(id),
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	reviewed_at     INTEGER
);
CREATE INDEX uploads_status ON uploads(status, id);
CREATE INDEX uploads_user ON uploads(user_id, id);
CREATE INDEX uploads_file ON uploads(file_key);
CREATE INDEX uploads_text_hash ON uploads(text_hash);

-- Content that earned an upload reward, whoever uploaded it: 'file:' and
-- the file's key, 'text:' and the upload's text hash, 'doc:' and the
-- published document's hash. Rows are never removed, so that deleting an
-- upload and sending the same file or text again earns nothing.
CREATE TABLE rewarded_content (
	key        TEXT PRIMARY KEY,
	upload_id  INTEGER NOT NULL REFERENCES uploads(id),
	user_id    INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Deleted documents. The metadata cache picks up rows whose seq is newer
-- than the version it has seen; a deleted row leaves no seq behind, so the
-- trigger records each deletion here under a new doc_version, and the
-- cache forgets the rows logged since its version (see refreshMeta).
CREATE TABLE deleted_documents (
	id         INTEGER NOT NULL, -- the row id (documents.id), which SQLite may reuse
	ext_id     TEXT NOT NULL,
	seq        INTEGER NOT NULL,
	deleted_at INTEGER NOT NULL
);
CREATE INDEX deleted_documents_seq ON deleted_documents(seq);
CREATE TRIGGER documents_deleted AFTER DELETE ON documents
BEGIN
	UPDATE doc_version SET v = v + 1;
	INSERT INTO deleted_documents (id, ext_id, seq, deleted_at)
		VALUES (OLD.id, OLD.ext_id, (SELECT v FROM doc_version), CAST(strftime('%s', 'now') AS INTEGER));
END;
