-- Operators' tools: document states, bans, settings, the audit log and
-- complaints. Times are Unix seconds.

-- A document is published, hidden (pending a decision) or deleted (in the
-- recycle bin). Only published documents are in the metadata cache, and
-- so in search, lists, categories, related reading and rankings; a change
-- of state bumps doc_version and the row's seq like any other write.
-- SaveDocuments lists its columns, so re-importing a document keeps its
-- state. hold_complaint is the copyright complaint whose hold hides the
-- document (NULL when published, or hidden or deleted by an operator):
-- rejecting that complaint publishes it again.
ALTER TABLE documents ADD COLUMN status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'hidden', 'deleted'));
ALTER TABLE documents ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN status_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN hold_complaint INTEGER;
-- The console's lists, most recently changed first, and the counts of
-- hidden and deleted documents.
CREATE INDEX documents_status ON documents(status, max(status_at, updated_at));
CREATE INDEX documents_changed ON documents(max(status_at, updated_at));

-- Bans (0: none) and upheld copyright complaints against a user's uploads.
ALTER TABLE users ADD COLUMN ban_upload_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN ban_download_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN ban_comment_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN infringements INTEGER NOT NULL DEFAULT 0 CHECK (infringements >= 0);
CREATE INDEX users_role ON users(role, id);

-- The operator's settings: one row holding the JSON of wengao.Settings.
-- version rises with every save; processes poll it to notice changes.
CREATE TABLE settings (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	data       TEXT NOT NULL,
	version    INTEGER NOT NULL CHECK (version > 0),
	updated_at INTEGER NOT NULL
);

-- The audit log is append-only, like the ledger. actor_id is 0 for the
-- command line or the system; the name is kept as it was then.
CREATE TABLE audit (
	id         INTEGER PRIMARY KEY,
	actor_id   INTEGER NOT NULL DEFAULT 0,
	actor_name TEXT NOT NULL DEFAULT '',
	action     TEXT NOT NULL,
	target     TEXT NOT NULL DEFAULT '',
	detail     TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE INDEX audit_target ON audit(target, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit entries cannot be changed');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit entries cannot be deleted');
END;

-- Complaints. document_id is the external id as text, and document_title
-- the title when the complaint was made, so that both outlive a purged
-- document. The evidence file is kept in the blob store under its key
-- ('' for none).
CREATE TABLE complaints (
	id             INTEGER PRIMARY KEY,
	document_id    TEXT NOT NULL DEFAULT '',
	document_title TEXT NOT NULL DEFAULT '',
	kind           TEXT NOT NULL CHECK (kind IN ('copyright', 'other')),
	reason         TEXT NOT NULL,
	contact        TEXT NOT NULL,
	evidence       TEXT NOT NULL DEFAULT '',
	evidence_key   TEXT NOT NULL DEFAULT '',
	evidence_name  TEXT NOT NULL DEFAULT '',
	evidence_size  INTEGER NOT NULL DEFAULT 0,
	user_id        INTEGER REFERENCES users(id), -- the complainant; NULL when not logged in
	status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'rejected')),
	note           TEXT NOT NULL DEFAULT '',
	created_at     INTEGER NOT NULL,
	resolved_at    INTEGER
);
CREATE INDEX complaints_status ON complaints(status, id);
CREATE INDEX complaints_user ON complaints(user_id, id) WHERE user_id IS NOT NULL;
CREATE INDEX complaints_document ON complaints(document_id, status);

-- The steps of a complaint's handling; actor_id NULL for the system.
CREATE TABLE complaint_events (
	id           INTEGER PRIMARY KEY,
	complaint_id INTEGER NOT NULL REFERENCES complaints(id),
	action       TEXT NOT NULL,
	actor_id     INTEGER REFERENCES users(id),
	note         TEXT NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL
);
CREATE INDEX complaint_events_complaint ON complaint_events(complaint_id, id);

-- The upload a document was published from, for upheld complaints.
CREATE INDEX uploads_document ON uploads(document_id);
