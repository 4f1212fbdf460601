-- Register format 6: signed acts and the trust list.
-- Read by involve-store-schema.c: lines starting with -- are dropped, the
-- others joined without their line breaks (SQLite keeps the text of each
-- CREATE as written, so a step never changes once released).
-- Branch signed-acts: signed acts and the trust list.  Certificates by
-- fingerprint; trust rows are events (the newest row of a certificate
-- holds its roles, "" once removed), each bound to its signed audit
-- entry; audit_signatures keeps the signed bytes and signature of a signed
-- entry (the entry's details name the signer and the signature's digest,
-- so the chain covers them); versions remember who submitted and who
-- decided (certificate fingerprints) and the seal (involve-fingerprint-2).
INSERT OR IGNORE INTO meta (key, value) VALUES ('register-id', lower (hex (randomblob (16))));
-- Decisions after this audit entry must be signed (verify).
INSERT OR REPLACE INTO meta (key, value) VALUES ('signed-acts-since',
 (SELECT COALESCE (MAX (id), 0) FROM audit));
CREATE TRIGGER meta_signed_since_no_update BEFORE UPDATE ON meta WHEN OLD.key = 'signed-acts-since' 
BEGIN SELECT RAISE (ABORT, 'the start of signed acts cannot be changed'); END;
CREATE TRIGGER meta_signed_since_no_delete BEFORE DELETE ON meta WHEN OLD.key = 'signed-acts-since' 
BEGIN SELECT RAISE (ABORT, 'the start of signed acts cannot be changed'); END;
CREATE TABLE certificates (
  fingerprint TEXT PRIMARY KEY,
  der BLOB NOT NULL,
  subject TEXT
);
CREATE TABLE trust (
  id INTEGER PRIMARY KEY,
  fingerprint TEXT NOT NULL REFERENCES certificates (fingerprint),
  roles TEXT NOT NULL,
  audit_id INTEGER NOT NULL UNIQUE REFERENCES audit (id)
);
CREATE INDEX trust_by_fingerprint ON trust (fingerprint, id);
CREATE TABLE audit_signatures (
  audit_id INTEGER PRIMARY KEY REFERENCES audit (id),
  signer TEXT NOT NULL REFERENCES certificates (fingerprint),
  data BLOB NOT NULL,
  signature BLOB NOT NULL
);
ALTER TABLE versions ADD COLUMN submitter_certificate TEXT;
ALTER TABLE versions ADD COLUMN reviewer_certificate TEXT;
ALTER TABLE versions ADD COLUMN fingerprint_format TEXT;
ALTER TABLE versions ADD COLUMN seal TEXT;
CREATE TRIGGER certificates_no_update BEFORE UPDATE ON certificates 
BEGIN SELECT RAISE (ABORT, 'certificates are append-only and cannot be changed'); END;
CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates 
BEGIN SELECT RAISE (ABORT, 'certificates are append-only and cannot be deleted'); END;
CREATE TRIGGER trust_no_update BEFORE UPDATE ON trust 
BEGIN SELECT RAISE (ABORT, 'the trust list is append-only and cannot be changed'); END;
CREATE TRIGGER trust_no_delete BEFORE DELETE ON trust 
BEGIN SELECT RAISE (ABORT, 'the trust list is append-only and cannot be deleted'); END;
CREATE TRIGGER audit_signatures_no_update BEFORE UPDATE ON audit_signatures 
BEGIN SELECT RAISE (ABORT, 'signatures are append-only and cannot be changed'); END;
CREATE TRIGGER audit_signatures_no_delete BEFORE DELETE ON audit_signatures 
BEGIN SELECT RAISE (ABORT, 'signatures are append-only and cannot be deleted'); END;
CREATE TRIGGER versions_signed_locked BEFORE UPDATE OF submitter_certificate,
 reviewer_certificate, fingerprint_format, seal ON versions 
WHEN OLD.status IN ('signed-off', 'superseded', 'withdrawn') 
BEGIN SELECT RAISE (ABORT, 'a signed-off or withdrawn version cannot be changed'); END;
