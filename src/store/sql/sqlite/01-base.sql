-- Register format 1: the base tables: records, versions, values and the audit log.
-- Read by involve-store-schema.c: lines starting with -- are dropped, the
-- others joined without their line breaks (SQLite keeps the text of each
-- CREATE as written, so a step never changes once released).
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT
);
CREATE TABLE reference_counters (
  year INTEGER PRIMARY KEY,
  last INTEGER NOT NULL
);
-- One row a record: identity plus a summary of its latest version, kept
-- up to date by the store so that lists never touch the values.
CREATE TABLE records (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  reference TEXT NOT NULL UNIQUE COLLATE NOCASE,
  ref_year INTEGER NOT NULL,
  ref_number INTEGER NOT NULL,
  framework TEXT NOT NULL,
  organisation TEXT,
  title TEXT,
  latest_version INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL DEFAULT 'draft',
  outcome TEXT,
  created_usec INTEGER NOT NULL,
  modified_usec INTEGER NOT NULL
);
CREATE TABLE versions (
  id INTEGER PRIMARY KEY,
  record_id INTEGER NOT NULL REFERENCES records (id),
  version INTEGER NOT NULL CHECK (version >= 1),
  status TEXT NOT NULL CHECK (status IN ('draft', 'awaiting-sign-off', 'returned',
                                          'signed-off', 'superseded', 'withdrawn')),
  status_reason TEXT,
  created_usec INTEGER NOT NULL,
  modified_usec INTEGER NOT NULL,
  fingerprint TEXT,
  outcome TEXT,
  submitted_account TEXT,
  submitted_profile TEXT,
  reviewer_name TEXT,
  reviewer_job_title TEXT,
  reviewer_email TEXT,
  reviewer_team TEXT,
  review_date TEXT,
  decision TEXT,
  review_comments TEXT,
  decided_fingerprint TEXT,
  decided_usec INTEGER,
  UNIQUE (record_id, version)
);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  time_usec INTEGER NOT NULL,
  account TEXT NOT NULL,
  profile TEXT,
  kind TEXT NOT NULL,
  record_uuid TEXT,
  version INTEGER NOT NULL DEFAULT 0,
  field_id TEXT,
  old_value TEXT,
  new_value TEXT,
  details TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_by_record ON audit (record_uuid, id);
-- Values in GVariant text form (g_variant_print with types); audit_id is
-- the audit entry that wrote the value, for verify's cross-check.
CREATE TABLE field_values (
  version_id INTEGER NOT NULL REFERENCES versions (id),
  field_id TEXT NOT NULL,
  value TEXT NOT NULL,
  modified_usec INTEGER NOT NULL,
  audit_id INTEGER NOT NULL REFERENCES audit (id),
  PRIMARY KEY (version_id, field_id)
) WITHOUT ROWID;
-- Immutability, enforced by the database itself.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit 
BEGIN SELECT RAISE (ABORT, 'audit entries are append-only and cannot be changed'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit 
BEGIN SELECT RAISE (ABORT, 'audit entries are append-only and cannot be deleted'); END;
CREATE TRIGGER values_locked_insert BEFORE INSERT ON field_values 
WHEN (SELECT status FROM versions WHERE id = NEW.version_id) IN ('signed-off', 'superseded', 'withdrawn') 
BEGIN SELECT RAISE (ABORT, 'the values of a signed-off or withdrawn version cannot be changed'); END;
CREATE TRIGGER values_locked_update BEFORE UPDATE ON field_values 
WHEN (SELECT status FROM versions WHERE id = OLD.version_id) IN ('signed-off', 'superseded', 'withdrawn') 
  OR (SELECT status FROM versions WHERE id = NEW.version_id) IN ('signed-off', 'superseded', 'withdrawn') 
BEGIN SELECT RAISE (ABORT, 'the values of a signed-off or withdrawn version cannot be changed'); END;
CREATE TRIGGER values_locked_delete BEFORE DELETE ON field_values 
WHEN (SELECT status FROM versions WHERE id = OLD.version_id) IN ('signed-off', 'superseded', 'withdrawn') 
BEGIN SELECT RAISE (ABORT, 'the values of a signed-off or withdrawn version cannot be changed'); END;
-- A signed-off version may only become superseded; nothing else in it changes.
CREATE TRIGGER versions_locked_update BEFORE UPDATE ON versions 
WHEN OLD.status IN ('signed-off', 'superseded', 'withdrawn') AND NOT (
  OLD.status = 'signed-off' AND NEW.status = 'superseded'
  AND NEW.id IS OLD.id AND NEW.record_id IS OLD.record_id AND NEW.version IS OLD.version
  AND NEW.status_reason IS OLD.status_reason AND NEW.created_usec IS OLD.created_usec
  AND NEW.fingerprint IS OLD.fingerprint AND NEW.outcome IS OLD.outcome
  AND NEW.reviewer_name IS OLD.reviewer_name AND NEW.reviewer_job_title IS OLD.reviewer_job_title
  AND NEW.reviewer_email IS OLD.reviewer_email AND NEW.reviewer_team IS OLD.reviewer_team
  AND NEW.review_date IS OLD.review_date AND NEW.decision IS OLD.decision
  AND NEW.review_comments IS OLD.review_comments
  AND NEW.decided_fingerprint IS OLD.decided_fingerprint AND NEW.decided_usec IS OLD.decided_usec) 
BEGIN SELECT RAISE (ABORT, 'a signed-off or withdrawn version cannot be changed'); END;
CREATE TRIGGER versions_locked_delete BEFORE DELETE ON versions 
WHEN OLD.status IN ('signed-off', 'superseded', 'withdrawn') 
BEGIN SELECT RAISE (ABORT, 'a signed-off or withdrawn version cannot be deleted'); END;
INSERT INTO meta (key, value) VALUES ('created-by', 'Involve');
