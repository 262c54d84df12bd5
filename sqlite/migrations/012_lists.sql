-- Listings paged by keys, category counts kept as documents change, and
-- related reading computed once per document (issue 13).

-- Published documents newest first: the home page, and each category's
-- pages (exact category, and top-level category by the part before '/').
CREATE INDEX documents_published_date ON documents(date DESC, id DESC) WHERE status = 'published';
CREATE INDEX documents_category_date ON documents(category, date DESC, id DESC) WHERE status = 'published';
CREATE INDEX documents_top_date ON documents(substr(category, 1, instr(category || '/', '/') - 1), date DESC, id DESC) WHERE status = 'published';
-- The all-time ranking, ties broken by id without sorting.
CREATE INDEX documents_published_reads ON documents(reads DESC, id) WHERE status = 'published' AND reads > 0;

-- The number of published documents of each category ('' for none), kept
-- by triggers in the transaction of every write to documents; their sum
-- is the number of published documents. Rows at zero stay.
CREATE TABLE category_counts (
	category TEXT PRIMARY KEY,
	n        INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO category_counts (category, n)
	SELECT category, COUNT(*) FROM documents WHERE status = 'published' GROUP BY category;
CREATE TRIGGER category_counts_insert AFTER INSERT ON documents WHEN NEW.status = 'published'
BEGIN
	INSERT INTO category_counts (category, n) VALUES (NEW.category, 1)
		ON CONFLICT (category) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER category_counts_delete AFTER DELETE ON documents WHEN OLD.status = 'published'
BEGIN
	UPDATE category_counts SET n = n - 1 WHERE category = OLD.category;
END;
CREATE TRIGGER category_counts_update AFTER UPDATE OF status, category ON documents
	WHEN OLD.status IS NOT NEW.status OR OLD.category IS NOT NEW.category
BEGIN
	UPDATE category_counts SET n = n - 1 WHERE category = OLD.category AND OLD.status = 'published';
	INSERT INTO category_counts (category, n) SELECT NEW.category, 1 WHERE NEW.status = 'published'
		ON CONFLICT (category) DO UPDATE SET n = n + 1;
END;

-- Related reading (推荐阅读) of a document, computed from a bounded set of
-- candidates (see related.go) on its first view or by the background
-- worker: "row:score" pairs of documents.id, best first. A document's row
-- goes when its title or text changes, or it is deleted; documents hidden
-- or deleted since are filtered out when the list is read, as are rows
-- created after computed_at (a reused row id).
CREATE TABLE related_lists (
	id          INTEGER PRIMARY KEY, -- documents.id
	list        TEXT NOT NULL,
	computed_at INTEGER NOT NULL
);
CREATE TRIGGER related_lists_deleted AFTER DELETE ON documents
BEGIN
	DELETE FROM related_lists WHERE id = OLD.id;
END;
CREATE TRIGGER related_lists_changed AFTER UPDATE OF title, hash ON documents
	WHEN OLD.title IS NOT NEW.title OR OLD.hash IS NOT NEW.hash
BEGIN
	DELETE FROM related_lists WHERE id = OLD.id;
END;
