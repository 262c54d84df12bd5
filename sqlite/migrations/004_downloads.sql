-- What downloads need of a document: its own price (NULL: the site's
-- default), its uploader (who downloads it free) and its original file,
-- kept in the blob store under the hex sha256 of its content ('' for
-- none).
ALTER TABLE documents ADD COLUMN price INTEGER CHECK (price IS NULL OR price >= 0);
ALTER TABLE documents ADD COLUMN uploader_id INTEGER REFERENCES users(id);
ALTER TABLE documents ADD COLUMN file_key TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN file_name TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN file_size INTEGER NOT NULL DEFAULT 0;
CREATE INDEX documents_uploader ON documents(uploader_id) WHERE uploader_id IS NOT NULL;
CREATE INDEX purchases_user ON purchases(user_id, id);
