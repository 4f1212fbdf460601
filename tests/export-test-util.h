/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-definitions.h"
#include "involve-record.h"

G_BEGIN_DECLS

/* Fixtures shared by the export tests, the benchmark and the fuzz seed maker. */

#define EXPORT_TEST_COMPLETER_NAME   "Alexandra Whitcombe-Example"
#define EXPORT_TEST_COMPLETER_EMAIL  "alexandra.whitcombe@example.nhs.uk"
#define EXPORT_TEST_REVIEWER_NAME    "Samir Okonkwo-Reviewer"
#define EXPORT_TEST_REVIEWER_EMAIL   "samir.okonkwo@example.nhs.uk"
#define EXPORT_TEST_LEAD_NAME        "Priya Leadbetter-Example"

InvolveDefinitions *export_test_definitions     (void);

/*
 * A record with every field of every form answered: each text starts with
 * "Q<field-id>" so tests can find it; long answers get @extra_words more
 * words ("w00001 w00002 ..."); the risk table gets @risk_rows rows.
 * signed_off adds a reviewer's sign-off (the fingerprint must then be set
 * by the caller with export_test_sign).
 */
InvolveRecord      *export_test_make_record     (InvolveDefinitions *definitions,
                                                 const char         *reference,
                                                 guint               extra_words,
                                                 guint               risk_rows);
/* Marks the record signed off by the test reviewer, with its fingerprint. */
void                export_test_sign            (InvolveRecord      *record);
/* "PREFIX00001 PREFIX00002 ...", a paragraph break every 400 words. */
char               *export_test_words           (const char         *prefix,
                                                 guint               n_words);
/* pdftotext -layout of a PDF (pages first..last, 0 = all), NULL if it failed. */
char               *export_test_pdftotext       (const char         *path,
                                                 guint               first,
                                                 guint               last);
/* Collapses runs of white space into one space. */
char               *export_test_squash          (const char         *text);
/* The marker a field's answer starts with. */
char               *export_test_marker          (const char         *field_id);
/* A temporary folder removed at the end of the test. */
char               *export_test_make_tmpdir     (void);
/* Whether a program is on PATH. */
gboolean            export_test_have_program    (const char         *program);
/* Runs a command line, returns its stdout (NULL on failure). */
char               *export_test_run             (const char * const *argv,
                                                 int                *exit_status);

G_END_DECLS
