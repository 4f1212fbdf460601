-- Register format 3: search keyed by reference.
-- Read by involve-store-schema.c: lines starting with -- are dropped, the
-- others joined without their line breaks (SQLite keeps the text of each
-- CREATE as written, so a step never changes once released).
DROP TABLE record_text;
CREATE VIRTUAL TABLE search_text USING fts5 (
  reference, title, organisation, body,
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE INDEX records_by_framework_status ON records (framework, status, ref_year, ref_number);
CREATE INDEX records_by_outcome_status ON records (outcome, status, ref_year, ref_number);
