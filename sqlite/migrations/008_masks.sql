-- Display masking rules: word is shown as shown. mask_version changes
-- with every change of the rules, so that every process notices.
CREATE TABLE masks (
	word       TEXT PRIMARY KEY,
	shown      TEXT NOT NULL,
	created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE mask_version (v INTEGER NOT NULL);
INSERT INTO mask_version (v) VALUES (0);
CREATE TRIGGER masks_insert AFTER INSERT ON masks BEGIN UPDATE mask_version SET v = v + 1; END;
CREATE TRIGGER masks_update AFTER UPDATE ON masks BEGIN UPDATE mask_version SET v = v + 1; END;
CREATE TRIGGER masks_delete AFTER DELETE ON masks BEGIN UPDATE mask_version SET v = v + 1; END;
