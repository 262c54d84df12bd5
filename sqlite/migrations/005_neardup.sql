-- Near-duplicate detection (package neardup). Each document's MinHash
-- signature of its title and paragraphs (neardup.Signature.MarshalBinary),
-- and its LSH band keys: two documents that share a key are candidate
-- near-duplicates, which the signatures then verify. Keys are uint64,
-- stored as the int64 of the same bits. Both are written with the
-- document, in the same transaction, replaced when its text changes and
-- deleted with it.
CREATE TABLE document_signatures (
	id  INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
	sig BLOB NOT NULL
);

-- 42 rows a document. No foreign key: checking it would double the cost
-- of writing them (an import writes 375,000); the trigger deletes them
-- with the document instead, as ON DELETE CASCADE would, so that a reused
-- row id inherits none.
CREATE TABLE document_bands (
	key INTEGER NOT NULL,
	id  INTEGER NOT NULL, -- documents.id
	PRIMARY KEY (key, id)
) WITHOUT ROWID;
CREATE INDEX document_bands_id ON document_bands(id);
CREATE TRIGGER document_bands_deleted AFTER DELETE ON documents
BEGIN
	DELETE FROM document_bands WHERE id = OLD.id;
END;

-- The neardup.SignatureVersion of the rows above. When the program's
-- differs, Open deletes them and signs every document again
-- (BackfillSignatures), as it does for documents without a signature.
CREATE TABLE neardup_version (v INTEGER NOT NULL);
INSERT INTO neardup_version VALUES (0);
