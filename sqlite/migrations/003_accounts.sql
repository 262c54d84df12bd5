-- Accounts, sessions, the points ledger, purchases and favourites.
-- Times are Unix seconds.

-- points caches the sum of the user's ledger entries; it is written in
-- the same transaction as each entry, and `wengao ledger check` compares
-- the two.
CREATE TABLE users (
	id                  INTEGER PRIMARY KEY,
	username            TEXT NOT NULL COLLATE NOCASE UNIQUE,
	email               TEXT NOT NULL DEFAULT '',
	password_hash       TEXT NOT NULL, -- argon2id, PHC string format
	role                TEXT NOT NULL DEFAULT 'reader' CHECK (role IN ('reader', 'moderator', 'admin')),
	points              INTEGER NOT NULL DEFAULT 0 CHECK (points >= 0),
	created_at          INTEGER NOT NULL,
	password_changed_at INTEGER NOT NULL
);

-- A session is found by the SHA-256 of its token; the token itself is
-- never stored.
CREATE TABLE sessions (
	token_hash BLOB PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	last_seen  INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

-- The ledger is append-only: the triggers below refuse any change to a
-- row. document_id is the external id as text, so that entries outlive
-- their documents.
CREATE TABLE ledger (
	id          INTEGER PRIMARY KEY,
	user_id     INTEGER NOT NULL REFERENCES users(id),
	kind        TEXT NOT NULL CHECK (kind IN ('signup', 'signin', 'upload_approved', 'download', 'refund', 'adjust')),
	amount      INTEGER NOT NULL CHECK (amount <> 0),
	balance     INTEGER NOT NULL CHECK (balance >= 0),
	document_id TEXT NOT NULL DEFAULT '',
	reason      TEXT NOT NULL DEFAULT '',
	operator_id INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL
);
CREATE INDEX ledger_user ON ledger(user_id, id);
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN
	SELECT RAISE(ABORT, 'ledger entries cannot be changed');
END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN
	SELECT RAISE(ABORT, 'ledger entries cannot be deleted');
END;

-- One daily sign-in per user and day (the site's calendar day).
CREATE TABLE sign_ins (
	user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	day       TEXT NOT NULL,
	ledger_id INTEGER REFERENCES ledger(id), -- NULL when it granted nothing
	PRIMARY KEY (user_id, day)
) WITHOUT ROWID;

-- A purchase allows downloading a document until expires_at. The
-- idempotency key, when the client sent one, makes a replayed request
-- return the same purchase instead of charging again.
CREATE TABLE purchases (
	id              INTEGER PRIMARY KEY,
	user_id         INTEGER NOT NULL REFERENCES users(id),
	document_id     INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	cost            INTEGER NOT NULL CHECK (cost >= 0),
	ledger_id       INTEGER REFERENCES ledger(id), -- NULL for free access
	idempotency_key TEXT,
	created_at      INTEGER NOT NULL,
	expires_at      INTEGER NOT NULL,
	UNIQUE (user_id, idempotency_key)
);
CREATE INDEX purchases_user_document ON purchases(user_id, document_id, expires_at);
CREATE INDEX purchases_document ON purchases(document_id);

CREATE TABLE favorites (
	user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	created_at  INTEGER NOT NULL,
	PRIMARY KEY (user_id, document_id)
) WITHOUT ROWID;
CREATE INDEX favorites_document ON favorites(document_id);
CREATE INDEX favorites_user_created ON favorites(user_id, created_at);
