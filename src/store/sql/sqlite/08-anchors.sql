-- Register format 8: the heads seen in other registers.
-- Read by involve-store-schema.c: lines starting with -- are dropped, the
-- others joined without their line breaks (SQLite keeps the text of each
-- CREATE as written, so a step never changes once released).
-- Branch anchors: the heads (audit entry count and head hash) of other
-- registers, read from their files (exchange files, sign-off files), kept
-- so that a later file from the same register can be checked against
-- them.  Append-only; each row bound by a local audit entry.
CREATE TABLE seen_heads (
  id INTEGER PRIMARY KEY,
  register_id TEXT NOT NULL,
  entries INTEGER NOT NULL,
  hash TEXT NOT NULL,
  head_usec INTEGER NOT NULL,
  signer TEXT,
  source TEXT NOT NULL,
  seen_usec INTEGER NOT NULL,
  audit_id INTEGER NOT NULL REFERENCES audit (id),
  text TEXT NOT NULL
);
CREATE INDEX seen_heads_by_register ON seen_heads (register_id, entries);
CREATE TRIGGER seen_heads_no_update BEFORE UPDATE ON seen_heads 
BEGIN SELECT RAISE (ABORT, 'seen heads are append-only and cannot be changed'); END;
CREATE TRIGGER seen_heads_no_delete BEFORE DELETE ON seen_heads 
BEGIN SELECT RAISE (ABORT, 'seen heads are append-only and cannot be deleted'); END;
