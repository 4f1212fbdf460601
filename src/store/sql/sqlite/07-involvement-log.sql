-- Register format 7: the involvement log.
-- Read by involve-store-schema.c: lines starting with -- are dropped, the
-- others joined without their line breaks (SQLite keeps the text of each
-- CREATE as written, so a step never changes once released).
-- Branch involvement-log: the involvement log kept after sign-off
-- (involve-store-involvement.c).  One table each for activities, feedback
-- themes, "you said, we did" responses and evaluations, and one for the
-- reference-list items an activity reached.  Each row names the audit
-- entry that wrote it; rows are never changed or deleted: a correction is
-- a new row that supersedes the old one (at most once).
CREATE TABLE involvement_activities (
  id INTEGER PRIMARY KEY,
  record_uuid TEXT NOT NULL,
  version INTEGER NOT NULL,
  audit_id INTEGER NOT NULL UNIQUE REFERENCES audit (id),
  supersedes INTEGER UNIQUE REFERENCES involvement_activities (id),
  retracted INTEGER NOT NULL DEFAULT 0,
  correction TEXT,
  method TEXT,
  description TEXT,
  start_date TEXT,
  end_date TEXT,
  reach INTEGER NOT NULL DEFAULT 0,
  partners TEXT,
  documents TEXT
);
CREATE INDEX involvement_activities_by_record ON involvement_activities (record_uuid, id);
CREATE INDEX involvement_activities_by_start ON involvement_activities (start_date);
CREATE TABLE involvement_reach (
  activity_id INTEGER NOT NULL REFERENCES involvement_activities (id),
  list TEXT NOT NULL,
  item TEXT NOT NULL,
  PRIMARY KEY (activity_id, list, item)
) WITHOUT ROWID;
CREATE TABLE involvement_feedback (
  id INTEGER PRIMARY KEY,
  record_uuid TEXT NOT NULL,
  version INTEGER NOT NULL,
  audit_id INTEGER NOT NULL UNIQUE REFERENCES audit (id),
  supersedes INTEGER UNIQUE REFERENCES involvement_feedback (id),
  retracted INTEGER NOT NULL DEFAULT 0,
  correction TEXT,
  activity_id INTEGER REFERENCES involvement_activities (id),
  theme TEXT,
  summary TEXT,
  responses INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX involvement_feedback_by_record ON involvement_feedback (record_uuid, id);
CREATE TABLE involvement_responses (
  id INTEGER PRIMARY KEY,
  record_uuid TEXT NOT NULL,
  version INTEGER NOT NULL,
  audit_id INTEGER NOT NULL UNIQUE REFERENCES audit (id),
  supersedes INTEGER UNIQUE REFERENCES involvement_responses (id),
  retracted INTEGER NOT NULL DEFAULT 0,
  correction TEXT,
  feedback_id INTEGER REFERENCES involvement_feedback (id),
  you_said TEXT,
  we_did TEXT,
  not_taken_reason TEXT
);
CREATE INDEX involvement_responses_by_record ON involvement_responses (record_uuid, id);
CREATE TABLE involvement_evaluations (
  id INTEGER PRIMARY KEY,
  record_uuid TEXT NOT NULL,
  version INTEGER NOT NULL,
  audit_id INTEGER NOT NULL UNIQUE REFERENCES audit (id),
  supersedes INTEGER UNIQUE REFERENCES involvement_evaluations (id),
  retracted INTEGER NOT NULL DEFAULT 0,
  correction TEXT,
  response_id INTEGER REFERENCES involvement_responses (id),
  evaluated_on TEXT,
  impact TEXT
);
CREATE INDEX involvement_evaluations_by_record ON involvement_evaluations (record_uuid, id);
-- The annual report finds each version's sign-off, import and withdrawal.
CREATE INDEX audit_by_kind ON audit (kind, record_uuid, version, id);
CREATE TRIGGER involvement_activities_no_update BEFORE UPDATE ON involvement_activities 
BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be changed: add a correction'); END;
CREATE TRIGGER involvement_activities_no_delete BEFORE DELETE ON involvement_activities 
BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be deleted: add a correction'); END;
CREATE TRIGGER involvement_reach_no_update BEFORE UPDATE ON involvement_reach 
BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be changed: add a correction'); END;
CREATE TRIGGER involvement_reach_no_delete BEFORE DELETE ON involvement_reach 
BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be deleted: add a correction'); END;
CREATE TRIGGER involvement_feedback_no_update BEFORE UPDATE ON involvement_feedback 
BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be changed: add a correction'); END;
CREATE TRIGGER involvement_feedback_no_delete BEFORE DELETE ON involvement_feedback 
BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be deleted: add a correction'); END;
CREATE TRIGGER involvement_responses_no_update BEFORE UPDATE ON involvement_responses 
BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be changed: add a correction'); END;
CREATE TRIGGER involvement_responses_no_delete BEFORE DELETE ON involvement_responses 
BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be deleted: add a correction'); END;
CREATE TRIGGER involvement_evaluations_no_update BEFORE UPDATE ON involvement_evaluations 
BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be changed: add a correction'); END;
CREATE TRIGGER involvement_evaluations_no_delete BEFORE DELETE ON involvement_evaluations 
BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be deleted: add a correction'); END;
