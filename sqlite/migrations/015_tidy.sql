-- Search walks the published documents by date with the partial index of
-- migration 012 (documents_published_date); the full one of 013 is not
-- needed.
DROP INDEX documents_by_date;

-- The time a document was deleted is the deleting transaction's clock
-- (sqlite.Tx), which tests can set, not SQLite's: the trigger records the
-- deletion and deleteDocumentTx stamps it.
DROP TRIGGER documents_deleted;
CREATE TRIGGER documents_deleted AFTER DELETE ON documents
BEGIN
	UPDATE doc_version SET v = v + 1;
	INSERT INTO deleted_documents (id, ext_id, seq, deleted_at)
		VALUES (OLD.id, OLD.ext_id, (SELECT v FROM doc_version), 0);
END;
