-- Reads: one row per document and day with the reads counted that day (the
-- day in the site's time zone, YYYY-MM-DD); rankings over a period sum them.
-- documents.reads stays the all-time total. A batch of reads bumps
-- doc_version and the documents' seq, so that cached metadata sees the
-- new totals.
CREATE TABLE document_reads_daily (
	document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	day         TEXT NOT NULL,
	count       INTEGER NOT NULL,
	PRIMARY KEY (day, document_id)
) WITHOUT ROWID;
CREATE INDEX document_reads_daily_document ON document_reads_daily(document_id);

-- Listings and the all-time ranking.
CREATE INDEX documents_reads ON documents(reads DESC);
CREATE INDEX documents_date ON documents(date DESC);
