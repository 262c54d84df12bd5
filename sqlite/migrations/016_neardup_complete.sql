-- Whether every document has a signature of neardup_version's version:
-- set once BackfillSignatures has found or made them all, so that opening
-- a large library does not look through every document again (every
-- write path signs what it saves). A library migrated from before this
-- starts at 0 and is checked once.
ALTER TABLE neardup_version ADD COLUMN complete INTEGER NOT NULL DEFAULT 0;
