-- Documents and their search index. The index tables are contentless FTS5
-- tables over character-bigram tokens (see package chinese); they are
-- written in the same transaction as the document row.
CREATE TABLE documents (
	id          INTEGER PRIMARY KEY,
	ext_id      TEXT NOT NULL UNIQUE,
	title       TEXT NOT NULL,
	date        TEXT NOT NULL DEFAULT '',
	category    TEXT NOT NULL DEFAULT '',
	tags        TEXT NOT NULL DEFAULT '[]',
	source      TEXT NOT NULL DEFAULT '',
	author      TEXT NOT NULL DEFAULT '',
	outline     TEXT NOT NULL DEFAULT '[]',
	plain       INTEGER NOT NULL DEFAULT 0,
	size        INTEGER NOT NULL DEFAULT 0, -- characters of the body
	hash        TEXT NOT NULL,
	record_hash TEXT NOT NULL,
	reads       INTEGER NOT NULL DEFAULT 0,
	seq         INTEGER NOT NULL DEFAULT 0,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);
CREATE INDEX documents_hash ON documents(hash);

-- Bodies live apart, so that scanning document metadata stays cheap.
CREATE TABLE document_texts (
	id   INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
	body TEXT NOT NULL -- paragraphs joined by \n
);
CREATE INDEX documents_seq ON documents(seq);

-- version counts committed writes to documents; readers use it to refresh
-- their in-memory metadata.
CREATE TABLE doc_version (v INTEGER NOT NULL);
INSERT INTO doc_version VALUES (0);

CREATE VIRTUAL TABLE title_fts USING fts5(t, content='', contentless_delete=1, tokenize='ascii', detail=full);
CREATE VIRTUAL TABLE body_fts USING fts5(b, content='', contentless_delete=1, tokenize='ascii', detail=full);
CREATE VIRTUAL TABLE body_vocab USING fts5vocab(body_fts, 'row');
CREATE VIRTUAL TABLE title_vocab USING fts5vocab(title_fts, 'row');

