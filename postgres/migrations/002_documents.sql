-- Documents, their texts, read counts and search index: what SQLite's
-- migrations 001, 002, 006, 009, 010, 012, 013 and 015 leave of them,
-- with the search index as tsvectors of the same Go-made bigram tokens
-- (see postgres/index.go). The document and its index rows are written
-- in one transaction.

-- Dates and categories compare byte by byte, as in SQLite, whatever the
-- database's locale: the listings walk them in order, and a category's
-- sub-categories are the range ('c/', 'c0').
ALTER TABLE documents
	ALTER COLUMN date TYPE TEXT COLLATE "C",
	ADD COLUMN category       TEXT COLLATE "C" NOT NULL DEFAULT '',
	ADD COLUMN tags           TEXT NOT NULL DEFAULT '[]',
	ADD COLUMN source         TEXT NOT NULL DEFAULT '',
	ADD COLUMN author         TEXT NOT NULL DEFAULT '',
	ADD COLUMN outline        TEXT NOT NULL DEFAULT '[]',
	ADD COLUMN plain          BOOLEAN NOT NULL DEFAULT false,
	ADD COLUMN size           BIGINT NOT NULL DEFAULT 0, -- characters of the body
	ADD COLUMN hash           TEXT NOT NULL DEFAULT '',
	ADD COLUMN record_hash    TEXT NOT NULL DEFAULT '',
	ADD COLUMN reads          BIGINT NOT NULL DEFAULT 0,
	ADD COLUMN seq            BIGINT NOT NULL DEFAULT 0,
	ADD COLUMN created_at     BIGINT NOT NULL DEFAULT 0,
	ADD COLUMN updated_at     BIGINT NOT NULL DEFAULT 0,
	ADD COLUMN price          BIGINT CHECK (price IS NULL OR price >= 0),
	ADD COLUMN uploader_id    BIGINT REFERENCES users (id),
	ADD COLUMN file_key       TEXT NOT NULL DEFAULT '',
	ADD COLUMN file_name      TEXT NOT NULL DEFAULT '',
	ADD COLUMN file_size      BIGINT NOT NULL DEFAULT 0,
	ADD COLUMN status         TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'hidden', 'deleted')),
	ADD COLUMN status_reason  TEXT NOT NULL DEFAULT '',
	ADD COLUMN status_at      BIGINT NOT NULL DEFAULT 0,
	ADD COLUMN hold_complaint BIGINT;

CREATE INDEX documents_hash ON documents (hash);
CREATE INDEX documents_seq ON documents (seq);
CREATE INDEX documents_uploader ON documents (uploader_id) WHERE uploader_id IS NOT NULL;
-- The listings and the orders search walks (search.Store.Ordered), each
-- read in its order.
CREATE INDEX documents_published_date ON documents (date DESC, id DESC) WHERE status = 'published';
CREATE INDEX documents_category_date ON documents (category, date DESC, id DESC) WHERE status = 'published';
CREATE INDEX documents_top_date ON documents (split_part(category, '/', 1), date DESC, id DESC) WHERE status = 'published';
CREATE INDEX documents_published_reads ON documents (reads DESC, id) WHERE status = 'published' AND reads > 0;
CREATE INDEX documents_by_size ON documents (size, date DESC, id DESC);
CREATE INDEX documents_by_reads ON documents (reads, id);

-- Bodies live apart, so that scanning document metadata stays cheap.
CREATE TABLE document_texts (
	id   BIGINT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
	body TEXT NOT NULL -- paragraphs joined by \n
);

-- doc_version counts committed writes to documents; every instance reads
-- it to bring its catalog up to date (rows whose seq is newer, and the
-- deletions logged since).
CREATE TABLE doc_version (v BIGINT NOT NULL);
INSERT INTO doc_version (v) VALUES (0);

CREATE TABLE deleted_documents (
	id         BIGINT NOT NULL, -- documents.id
	ext_id     TEXT NOT NULL,
	seq        BIGINT NOT NULL,
	deleted_at BIGINT NOT NULL
);
CREATE INDEX deleted_documents_seq ON deleted_documents (seq);

CREATE FUNCTION wengao_document_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE doc_version SET v = v + 1;
	INSERT INTO deleted_documents (id, ext_id, seq, deleted_at)
		VALUES (OLD.id, OLD.ext_id, (SELECT v FROM doc_version), 0);
	RETURN NULL;
END;
$$;
CREATE TRIGGER documents_deleted AFTER DELETE ON documents
	FOR EACH ROW EXECUTE FUNCTION wengao_document_deleted();

CREATE TABLE document_reads_daily (
	document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	day         TEXT NOT NULL,
	count       BIGINT NOT NULL,
	PRIMARY KEY (day, document_id)
);
CREATE INDEX document_reads_daily_document ON document_reads_daily (document_id);

-- The published documents of each category, kept by trigger: the
-- listings' totals and the category tree read one row per category.
CREATE TABLE category_counts (
	category TEXT COLLATE "C" PRIMARY KEY,
	n        BIGINT NOT NULL
);
CREATE FUNCTION wengao_category_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.status = 'published' THEN
		UPDATE category_counts SET n = n - 1 WHERE category = OLD.category;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'published' THEN
		INSERT INTO category_counts (category, n) VALUES (NEW.category, 1)
			ON CONFLICT (category) DO UPDATE SET n = category_counts.n + 1;
	END IF;
	RETURN NULL;
END;
$$;
CREATE TRIGGER category_counts_insert AFTER INSERT ON documents
	FOR EACH ROW EXECUTE FUNCTION wengao_category_counts();
CREATE TRIGGER category_counts_delete AFTER DELETE ON documents
	FOR EACH ROW EXECUTE FUNCTION wengao_category_counts();
CREATE TRIGGER category_counts_update AFTER UPDATE OF status, category ON documents
	FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.category IS DISTINCT FROM NEW.category)
	EXECUTE FUNCTION wengao_category_counts();

-- The search index: each document's title tokens (title_index) and title
-- plus body tokens (body_index) as tsvectors with positions, in parts of
-- at most 10,240 positions that overlap (postgres/index.go says why and
-- how), GIN-indexed.
CREATE TABLE title_index (
	id    BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	part  INTEGER NOT NULL,
	start INTEGER NOT NULL, -- the tokens before the part's first
	tsv   TSVECTOR NOT NULL,
	PRIMARY KEY (id, part)
);
CREATE INDEX title_index_tsv ON title_index USING gin (tsv);
CREATE TABLE body_index (
	id    BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	part  INTEGER NOT NULL,
	start INTEGER NOT NULL, -- the tokens before the part's first
	tsv   TSVECTOR NOT NULL,
	PRIMARY KEY (id, part)
);
CREATE INDEX body_index_tsv ON body_index USING gin (tsv);
