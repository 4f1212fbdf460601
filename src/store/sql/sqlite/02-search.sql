-- Register format 2: search and fast lists.
-- Read by involve-store-schema.c: lines starting with -- are dropped, the
-- others joined without their line breaks (SQLite keeps the text of each
-- CREATE as written, so a step never changes once released).
-- Search and fast lists.
CREATE INDEX records_by_reference ON records (ref_year, ref_number);
CREATE INDEX records_by_modified ON records (modified_usec);
CREATE INDEX records_by_title ON records (title COLLATE NOCASE);
CREATE INDEX records_by_status ON records (status, ref_year, ref_number);
CREATE INDEX records_by_status_modified ON records (status, modified_usec);
CREATE INDEX records_by_organisation ON records (organisation, ref_year, ref_number);
CREATE INDEX records_by_framework ON records (framework, ref_year, ref_number);
CREATE INDEX records_by_outcome ON records (outcome, ref_year, ref_number);
CREATE INDEX versions_by_status ON versions (status);
CREATE VIRTUAL TABLE record_text USING fts5 (
  reference, title, organisation, body,
  tokenize = 'unicode61 remove_diacritics 2'
);
