-- The drafts each user checked against the library (查重) on a day (the
-- site's calendar day), for the daily quota: a row per user and day, so
-- that the count survives restarts and holds for every server sharing
-- the database. Drafts themselves are never stored.
CREATE TABLE copy_checks (
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	day     TEXT NOT NULL,
	count   INTEGER NOT NULL CHECK (count >= 0),
	PRIMARY KEY (user_id, day)
) WITHOUT ROWID;
