-- Abbreviations an operator adds to the built-in table of search
-- (chinese/equiv.tsv): short is found as full and back.
-- abbreviation_version changes with every change, so that every process
-- notices.
CREATE TABLE abbreviations (
	short      TEXT PRIMARY KEY,
	full       TEXT NOT NULL,
	created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE abbreviation_version (v INTEGER NOT NULL);
INSERT INTO abbreviation_version (v) VALUES (0);
CREATE TRIGGER abbreviations_insert AFTER INSERT ON abbreviations BEGIN UPDATE abbreviation_version SET v = v + 1; END;
CREATE TRIGGER abbreviations_update AFTER UPDATE ON abbreviations BEGIN UPDATE abbreviation_version SET v = v + 1; END;
CREATE TRIGGER abbreviations_delete AFTER DELETE ON abbreviations BEGIN UPDATE abbreviation_version SET v = v + 1; END;
