-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- What the register's group roles may do, run by involve_pg_schema_install ()
-- as the owner role on every install (GRANT and REVOKE are idempotent).
-- Placeholders as in schema.sql.
--
-- Everyone in the register reads everything and appends where the store
-- appends; UPDATE only on the columns meant to change; DELETE only on a
-- draft's values and the search index; nothing on audit or signed data
-- beyond INSERT; no DDL (the schema's CREATE stays the owner's).

REVOKE ALL ON ALL TABLES IN SCHEMA involve FROM PUBLIC, @OFFICER@, @REVIEWER@, @ADMIN@;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA involve FROM PUBLIC, @OFFICER@, @REVIEWER@, @ADMIN@;
REVOKE ALL ON SCHEMA involve FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION involve.copying () FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION involve.sync_identities () FROM PUBLIC;

GRANT USAGE ON SCHEMA involve TO @OFFICER@, @REVIEWER@, @ADMIN@;
GRANT SELECT ON ALL TABLES IN SCHEMA involve TO @OFFICER@, @REVIEWER@, @ADMIN@;
-- lastval () after an INSERT needs the sequence's USAGE or SELECT;
-- setval () needs UPDATE, which nobody gets.
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA involve TO @OFFICER@, @REVIEWER@, @ADMIN@;
GRANT EXECUTE ON FUNCTION involve.copying () TO @OFFICER@, @REVIEWER@, @ADMIN@;

GRANT INSERT ON involve.audit, involve.audit_signatures, involve.certificates,
                involve.records, involve.search_text, involve.reference_counters,
                involve.imported_trails, involve.imported_audit, involve.seen_heads,
                involve.involvement_activities, involve.involvement_reach,
                involve.involvement_feedback, involve.involvement_responses,
                involve.involvement_evaluations, involve.meta, involve.field_values
  TO @OFFICER@, @REVIEWER@, @ADMIN@;
-- Not submitted_role nor created_xact: those are the server's.
GRANT INSERT (id, record_id, version, status, status_reason, created_usec, modified_usec)
  ON involve.versions TO @OFFICER@, @REVIEWER@, @ADMIN@;

-- The records' summary of their latest version.
GRANT UPDATE (title, organisation, outcome, status, modified_usec, latest_version, search_stale)
  ON involve.records TO @OFFICER@, @REVIEWER@, @ADMIN@;
-- A version's state and decision; the triggers say who and when.
GRANT UPDATE (status, status_reason, modified_usec, fingerprint, outcome,
              submitted_account, submitted_profile, submitter_certificate,
              reviewer_name, reviewer_job_title, reviewer_email, reviewer_team,
              review_date, decision, review_comments, decided_fingerprint, decided_usec,
              reviewer_certificate, fingerprint_format, seal)
  ON involve.versions TO @OFFICER@, @REVIEWER@, @ADMIN@;
GRANT UPDATE (value, modified_usec, audit_id), DELETE
  ON involve.field_values TO @OFFICER@, @REVIEWER@, @ADMIN@;
GRANT UPDATE (reference, title, organisation, body), DELETE
  ON involve.search_text TO @OFFICER@, @REVIEWER@, @ADMIN@;
GRANT UPDATE (last) ON involve.reference_counters TO @OFFICER@, @REVIEWER@, @ADMIN@;
-- Keys other than the register's own (the trigger meta_fixed keeps those).
GRANT UPDATE (value) ON involve.meta TO @OFFICER@, @REVIEWER@, @ADMIN@;

-- The trust list is kept by the administrators.
GRANT INSERT ON involve.trust TO @ADMIN@;
