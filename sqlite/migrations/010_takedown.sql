-- A takedown notice names the rights holder (权利人名称) and the work
-- concerned; its proof of ownership is the evidence file.
ALTER TABLE complaints ADD COLUMN rights_holder TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN work TEXT NOT NULL DEFAULT '';
