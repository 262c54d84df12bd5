-- Statistics for operators: the search log, and indexes that let the
-- daily statistics read ledger, purchases and uploads by time.

-- Searches per day (the site's time zone, YYYY-MM-DD): all of them, and
-- those that found nothing. It counts the searches whose query the
-- search log had no room to keep as well.
CREATE TABLE search_daily (
	day   TEXT PRIMARY KEY,
	count INTEGER NOT NULL CHECK (count >= 0),
	zero  INTEGER NOT NULL CHECK (zero >= 0)
) WITHOUT ROWID;

-- Searches per day and normalised query (at most 100 characters).
CREATE TABLE search_queries_daily (
	day   TEXT NOT NULL,
	query TEXT NOT NULL,
	count INTEGER NOT NULL CHECK (count >= 0),
	zero  INTEGER NOT NULL CHECK (zero >= 0),
	PRIMARY KEY (day, query)
) WITHOUT ROWID;

-- Points credited and debited by day: covering, so the sums read the
-- index alone.
CREATE INDEX ledger_created ON ledger(created_at, amount);
-- Download rights granted by day.
CREATE INDEX purchases_created ON purchases(created_at);
-- Files received by day, and approvals by day of review (document_id is
-- set when, and only when, an upload is approved).
CREATE INDEX uploads_created ON uploads(created_at);
CREATE INDEX uploads_reviewed ON uploads(reviewed_at) WHERE document_id <> '';
