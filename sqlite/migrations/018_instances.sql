-- What several processes or instances sharing the database keep in
-- common instead of in memory (package sqlstore: changelog.go,
-- limits.go, visitors.go).

-- The change log: one row per kind of change a write transaction
-- commits, written in that transaction, so that the followers of other
-- instances tell their subscribers. doc_ids are the documents' external
-- ids separated by newlines, '' for any. AUTOINCREMENT: an id is never
-- handed out twice, even once every row is pruned.
CREATE TABLE change_log (
	id       INTEGER PRIMARY KEY AUTOINCREMENT,
	instance TEXT NOT NULL,
	kind     TEXT NOT NULL,
	doc_ids  TEXT NOT NULL,
	at       INTEGER NOT NULL
);

-- The highest id pruned from the log: a follower behind it missed rows.
CREATE TABLE change_log_state (
	one         INTEGER PRIMARY KEY CHECK (one = 1),
	pruned_upto INTEGER NOT NULL
);
INSERT INTO change_log_state (one, pruned_upto) VALUES (1, 0);

-- Rate limits counted across instances: events of a key in the fixed
-- window beginning at window_start (Unix seconds); last_at is the time
-- of the latest event, prev_at of the one before it.
CREATE TABLE rate_limits (
	key          TEXT NOT NULL,
	window_start INTEGER NOT NULL,
	count        INTEGER NOT NULL,
	last_at      INTEGER NOT NULL,
	prev_at      INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL,
	PRIMARY KEY (key, window_start)
) WITHOUT ROWID;
CREATE INDEX rate_limits_expiry ON rate_limits (expires_at, key, window_start);

-- The visitors who read a document on a day, as keyed hashes under the
-- day's salt, so that a visitor counts once across instances. A day's
-- rows and salt are deleted once it is over: the hashes cannot be tied
-- to an address afterwards.
CREATE TABLE read_salts (
	day  TEXT PRIMARY KEY,
	salt BLOB NOT NULL
);
CREATE TABLE visitor_reads (
	day     TEXT NOT NULL,
	doc_id  TEXT NOT NULL,
	visitor BLOB NOT NULL,
	PRIMARY KEY (day, doc_id, visitor)
) WITHOUT ROWID;
