/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What a solicitor reads in the evidence PDF beyond the answers: typed and
 * system dates side by side with the gaps flagged, what a version
 * supersedes and why, the guidance's own Appendix C prompts, which
 * guidance edition the form comes from, and no nearly empty pages.
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "involve-fingerprint.h"
#include "involve-pdf.h"
#include "common-test-util.h"
#include "export-test-util.h"

/* 2025-11-22 08:26:40 UTC, when export_test_make_record () made the answers. */
#define MADE_USEC 1763800000000000

static gboolean
need_poppler (void)
{
  if (export_test_have_program ("pdftotext"))
    return TRUE;
  g_test_skip ("pdftotext (poppler-utils) is not installed");
  return FALSE;
}

typedef struct
{
  char  *dir;
  char  *path;
  char  *text;      /* pdftotext in reading order, white space squashed */
  guint  n_pages;
} Output;

static void
output_clear (Output *output)
{
  if (output->dir != NULL)
    test_util_remove_tree (output->dir);
  g_clear_pointer (&output->dir, g_free);
  g_clear_pointer (&output->path, g_free);
  g_clear_pointer (&output->text, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Output, output_clear)

/* Writes @record's PDF with @versions (may be NULL) and @audit (may be NULL). */
static void
write_pdf (Output        *output,
           InvolveRecord *record,
           GPtrArray     *versions,
           GPtrArray     *audit)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveEvidenceDocument) document =
    involve_evidence_document_new (definitions, record, INVOLVE_EVIDENCE_FULL);
  g_autofree char *fingerprint = involve_fingerprint_compute (record);
  g_autoptr(GPtrArray) fingerprints = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *raw = NULL;
  int status = 1;

  output->dir = export_test_make_tmpdir ();
  output->path = g_build_filename (output->dir, "evidence.pdf", NULL);
  involve_evidence_document_set_fingerprint (document, fingerprint);
  involve_evidence_document_derive_assessment (document);
  if (versions != NULL)
    {
      for (guint i = 0; i < versions->len; i++)
        g_ptr_array_add (fingerprints, involve_fingerprint_compute (g_ptr_array_index (versions, i)));
      g_ptr_array_add (fingerprints, NULL);
      involve_evidence_document_set_history (document, versions,
                                             (const char * const *) fingerprints->pdata);
    }
  if (audit != NULL)
    involve_evidence_document_set_audit (document, audit);
  involve_evidence_document_set_generated_usec (document, MADE_USEC + G_TIME_SPAN_DAY);
  g_assert_true (involve_evidence_document_write_pdf (document, output->path, &error));
  g_assert_no_error (error);
  output->n_pages = involve_evidence_document_get_n_pages (document);

  {
    const char *argv[] = { "pdftotext", "-enc", "UTF-8", output->path, "-", NULL };

    raw = export_test_run (argv, &status);
    g_assert_cmpint (status, ==, 0);
    output->text = export_test_squash (raw);
  }
}

static GPtrArray *
submitted_audit (InvolveRecord *record,
                 gint64         when)
{
  GPtrArray *audit = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_audit_entry_free);
  InvolveAuditEntry *entry = g_new0 (InvolveAuditEntry, 1);

  entry->id = 1;
  entry->time_usec = when;
  entry->account = g_strdup ("officer");
  entry->kind = g_strdup (INVOLVE_AUDIT_STATUS);
  entry->record_uuid = g_strdup (involve_record_get_uuid (record));
  entry->version = involve_record_get_version (record);
  entry->details = g_strdup ("draft -> awaiting-sign-off");
  g_ptr_array_add (audit, entry);
  return audit;
}

/* A form dated years before the system saw it, signed off on the day. */
static void
test_cover_dates (void)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveRecord) record = export_test_make_record (definitions, "INV-2026-0101", 0, 1);
  g_autoptr(GPtrArray) audit = NULL;
  g_auto(Output) output = { 0 };
  const char *dates;

  if (!need_poppler ())
    return;

  involve_record_set_string (record, "completer-date", "2021-03-01");
  /* The sign-off: typed 2026-11-20, recorded 2025-11-23 12:13:20 UTC. */
  export_test_sign (record);
  audit = submitted_audit (record, MADE_USEC + G_TIME_SPAN_HOUR);
  write_pdf (&output, record, NULL, audit);

  dates = strstr (output.text, "Date Typed on the form Recorded by the system Difference");
  g_assert_nonnull (dates);
  g_assert_nonnull (strstr (dates, "Form completed (Appendix B) 2021-03-01 22 November 2025, 09:26:40 UTC "
                                   "(submitted for sign-off) CHECK: the typed date is 1727 days before "
                                   "the system time"));
  g_assert_nonnull (strstr (dates, "Signed off 2026-11-20 23 November 2025, 12:13:20 UTC "
                                   "(decision recorded) CHECK: the typed date is 362 days after"));
}

/* Typed dates close to the system's: no flag. */
static void
test_cover_dates_agree (void)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveRecord) record = export_test_make_record (definitions, "INV-2026-0102", 0, 1);
  g_auto(Output) output = { 0 };

  if (!need_poppler ())
    return;

  /* Typed on the 22nd, the last answer changed on the 24th. */
  involve_record_set_value_full (record, "completer-date", g_variant_new_string ("2025-11-22"),
                                 MADE_USEC + 2 * G_TIME_SPAN_DAY);
  involve_record_set_value_full (record, "c-date-produced", g_variant_new_string ("not a date"),
                                 MADE_USEC);
  write_pdf (&output, record, NULL, NULL);
  g_assert_nonnull (strstr (output.text, "Form completed (Appendix B) 2025-11-22 24 November 2025, 08:26:40 UTC"));
  g_assert_nonnull (strstr (output.text, "(last change to an answer) 2 days apart"));
  /* Not a date: printed as typed, no difference worked out, no crash. */
  g_assert_nonnull (strstr (output.text, "Plan produced (Appendix C) not a date"));
  g_assert_null (strstr (output.text, "CHECK: the typed date"));
}

/* Version 2 says what it supersedes and why; version 1 what superseded it. */
static void
test_cover_supersedes (void)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveRecord) first = export_test_make_record (definitions, "INV-2026-0103", 0, 1);
  g_autoptr(InvolveRecord) second = NULL;
  g_autoptr(GPtrArray) versions = g_ptr_array_new ();
  g_auto(Output) output_first = { 0 };
  g_auto(Output) output_second = { 0 };
  g_autofree char *first_fingerprint = NULL;
  g_autofree char *expected = NULL;

  if (!need_poppler ())
    return;

  export_test_sign (first);
  second = involve_record_copy (first);
  involve_record_set_sign_off (second, NULL);
  involve_record_set_status (second, INVOLVE_STATUS_DRAFT);
  involve_record_set_version (second, 2);
  involve_record_set_created_usec (second, MADE_USEC + 7 * G_TIME_SPAN_DAY);
  involve_record_set_status_reason (second, "Qreason The board asked for the prison to be reached.");
  involve_record_set_status (first, INVOLVE_STATUS_SUPERSEDED);
  g_ptr_array_add (versions, first);
  g_ptr_array_add (versions, second);
  first_fingerprint = involve_fingerprint_compute (first);

  write_pdf (&output_second, second, versions, NULL);
  expected = g_strdup_printf ("Supersedes Version 1, created 22 November 2025, 08:26:40 UTC; "
                              "Superseded, signed off on 2026-11-20; fingerprint %.16s… "
                              "Why this version was made: Qreason The board asked", first_fingerprint);
  g_assert_nonnull (strstr (output_second.text, expected));
  g_assert_null (strstr (output_second.text, "Superseded by"));

  write_pdf (&output_first, first, versions, NULL);
  g_assert_nonnull (strstr (output_first.text, "Superseded by Version 2, created 29 November 2025, "
                                               "08:26:40 UTC; Draft"));
  g_assert_nonnull (strstr (output_first.text, "Why it was made: Qreason The board asked"));
  g_assert_null (strstr (output_first.text, "Supersedes "));
}

/* Without the history a superseded version still says so. */
static void
test_cover_superseded_without_history (void)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveRecord) record = export_test_make_record (definitions, "INV-2026-0104", 0, 1);
  g_auto(Output) output = { 0 };

  if (!need_poppler ())
    return;
  involve_record_set_version (record, 3);
  involve_record_set_status (record, INVOLVE_STATUS_SUPERSEDED);
  write_pdf (&output, record, NULL, NULL);
  g_assert_nonnull (strstr (output.text, "Supersedes Version 2 (the version history was not given)"));
  g_assert_nonnull (strstr (output.text, "Superseded by A later version (the version history was not given)"));
}

/* Appendix C: the template's prompts under its headings; the form's edition named. */
static void
test_prompts_and_edition (void)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveRecord) record = export_test_make_record (definitions, "INV-2026-0105", 0, 1);
  g_auto(Output) output = { 0 };
  const char *plan;

  if (!need_poppler ())
    return;
  write_pdf (&output, record, NULL, NULL);

  plan = strstr (output.text, "Communications and engagement plan Form and the references beside its "
                              "questions: NHS England, Patient and public participation in commissioning "
                              "health and care (2017), Appendix C");
  g_assert_nonnull (plan);
  /* An ICB record: the 2022 guidance is named beside the 2017 form. */
  g_assert_nonnull (strstr (plan, "The guidance current for this record’s duty, named on the cover, is "
                                  "Working in partnership with people and communities: statutory "
                                  "guidance (2022 edition)."));
  g_assert_nonnull (strstr (plan, "Objectives of communications Appendix C · 2017 guidance The guidance asks: “What are "
                                  "the measures of success?” Qc-objectives"));
  g_assert_nonnull (strstr (plan, "The guidance asks: “Remember the need to manage expectations. What can "
                                  "people influence/not influence?” Qc-key-messages"));
  g_assert_nonnull (strstr (plan, "The guidance asks: “Include milestones and deadlines.” Qc-timescales"));
  g_assert_nonnull (strstr (output.text, "Assessment and planning form Form and the references beside its "
                                         "questions: NHS England, Patient and public participation in "
                                         "commissioning health and care (2017), Appendix B"));
}

/* No page but the last holds only a few lines. */
static void
test_no_nearly_empty_pages (void)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveRecord) record = export_test_make_record (definitions, "INV-2026-0106", 0, 3);
  g_auto(Output) output = { 0 };

  if (!need_poppler ())
    return;
  export_test_sign (record);
  write_pdf (&output, record, NULL, NULL);
  for (guint page = 1; page < output.n_pages; page++)
    {
      g_autofree char *text = export_test_pdftotext (output.path, page, page);
      g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
      guint n_lines = 0;

      for (guint i = 0; lines[i] != NULL; i++)
        if (*g_strstrip (lines[i]) != '\0')
          n_lines++;
      /* The running header and footer are 3 lines; a third of a page is about 15. */
      if (n_lines < 15)
        g_error ("page %u of %u holds only %u lines:\n%s", page, output.n_pages, n_lines, text);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/export/evidence/cover-dates", test_cover_dates);
  g_test_add_func ("/export/evidence/cover-dates-agree", test_cover_dates_agree);
  g_test_add_func ("/export/evidence/cover-supersedes", test_cover_supersedes);
  g_test_add_func ("/export/evidence/cover-superseded-without-history",
                   test_cover_superseded_without_history);
  g_test_add_func ("/export/evidence/prompts-and-edition", test_prompts_and_edition);
  g_test_add_func ("/export/evidence/no-nearly-empty-pages", test_no_nearly_empty_pages);

  return g_test_run ();
}
