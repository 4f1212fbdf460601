-- Register format 4: stale search rows.
-- Read by involve-store-schema.c: lines starting with -- are dropped, the
-- others joined without their line breaks (SQLite keeps the text of each
-- CREATE as written, so a step never changes once released).
-- Saving a keystroke does not re-index the record: it marks it stale, and
-- the next search brings stale records up to date first.
ALTER TABLE records ADD COLUMN search_stale INTEGER NOT NULL DEFAULT 0;
CREATE INDEX records_search_stale ON records (id) WHERE search_stale;
