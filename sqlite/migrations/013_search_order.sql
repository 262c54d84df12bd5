-- Orders in which search walks the documents when a query matches too many
-- to rank them all (package search, Store.Ordered): shortest body first
-- (the last tie-break of relevance), newest date first, most read first.
-- Each ends with the row id, so that a walk is one index scan, never a sort.
CREATE INDEX documents_by_size ON documents(size, date DESC, id DESC);
CREATE INDEX documents_by_date ON documents(date, id);
CREATE INDEX documents_by_reads ON documents(reads, id);
