-- Register format 5: imported audit trails.
-- Read by involve-store-schema.c: lines starting with -- are dropped, the
-- others joined without their line breaks (SQLite keeps the text of each
-- CREATE as written, so a step never changes once released).
-- Audit trails kept from other registers by imports: one imported_trails
-- row a trail (its record, where and when it was imported, and the local
-- audit entry that binds it), one imported_audit row an entry exactly as
-- the source register wrote it, hashes included.  Append-only, like audit.
CREATE TABLE imported_trails (
  id INTEGER PRIMARY KEY,
  record_uuid TEXT NOT NULL,
  import_audit_id INTEGER NOT NULL UNIQUE REFERENCES audit (id),
  source TEXT NOT NULL,
  imported_usec INTEGER NOT NULL,
  n_entries INTEGER NOT NULL,
  digest TEXT NOT NULL
);
CREATE INDEX imported_trails_by_record ON imported_trails (record_uuid, id);
CREATE TABLE imported_audit (
  trail_id INTEGER NOT NULL REFERENCES imported_trails (id),
  position INTEGER NOT NULL CHECK (position >= 1),
  source_id INTEGER NOT NULL,
  time_usec INTEGER NOT NULL,
  -- Nullable where the source's were: kept as they were hashed.
  account TEXT,
  profile TEXT,
  kind TEXT,
  record_uuid TEXT,
  version INTEGER NOT NULL DEFAULT 0,
  field_id TEXT,
  old_value TEXT,
  new_value TEXT,
  details TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (trail_id, position)
) WITHOUT ROWID;
CREATE TRIGGER imported_trails_no_update BEFORE UPDATE ON imported_trails 
BEGIN SELECT RAISE (ABORT, 'imported audit trails are append-only and cannot be changed'); END;
CREATE TRIGGER imported_trails_no_delete BEFORE DELETE ON imported_trails 
BEGIN SELECT RAISE (ABORT, 'imported audit trails are append-only and cannot be deleted'); END;
CREATE TRIGGER imported_audit_no_update BEFORE UPDATE ON imported_audit 
BEGIN SELECT RAISE (ABORT, 'imported audit entries are append-only and cannot be changed'); END;
CREATE TRIGGER imported_audit_no_delete BEFORE DELETE ON imported_audit 
BEGIN SELECT RAISE (ABORT, 'imported audit entries are append-only and cannot be deleted'); END;
