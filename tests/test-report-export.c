/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "store-test-util.h"
#include "export-test-util.h"
#include "report-test-util.h"
#include "involve-export.h"
#include "involve-report-pdf.h"

typedef DemoYearFixture Fixture;

static gboolean
need_poppler (void)
{
  if (!export_test_have_program ("pdftotext"))
    {
      g_test_skip ("poppler-utils (pdftotext) is not installed");
      return FALSE;
    }
  return TRUE;
}

static void
assert_pdf (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
}

static void
test_annual_report (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf = g_build_filename (f->td->dir, "report.pdf", NULL);
  g_autofree char *csv = g_build_filename (f->td->dir, "report.csv", NULL);
  g_autofree char *csv_text = NULL;
  g_autofree char *text = NULL;
  g_autofree char *squashed = NULL;
  g_autofree char *head_text = NULL;
  g_autoptr(InvolveAnnualReport) report = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  InvolveAuditEntry *last;

  report = involve_export_annual_report (f->store, "2025-26", NULL, 0, pdf, csv, &error);
  g_assert_no_error (error);
  assert_pdf (pdf);
  g_assert_true (g_file_get_contents (csv, &csv_text, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv_text, "year,organisation,as_of_entry"));
  g_assert_nonnull (strstr (csv_text, "\"limb-c\""));

  /* The export is audited, after the head the report names. */
  audit = involve_store_list_audit (f->store, NULL, &error);
  last = audit->pdata[audit->len - 1];
  g_assert_cmpstr (last->kind, ==, INVOLVE_AUDIT_EXPORT);
  g_assert_cmpint (last->id, ==, report->as_of_entry + 1);
  g_assert_nonnull (strstr (last->details, "2025-26"));
  g_assert_nonnull (strstr (last->details, report->as_of_hash));

  if (!need_poppler ())
    return;
  text = export_test_pdftotext (pdf, 0, 0);
  g_assert_nonnull (text);
  squashed = export_test_squash (text);
  g_assert_nonnull (strstr (squashed, "annual report 2025-26"));
  head_text = g_strdup_printf ("audit entry %" G_GINT64_FORMAT, report->as_of_entry);
  g_assert_nonnull (strstr (squashed, head_text));
  g_assert_nonnull (strstr (squashed, report->as_of_hash));
  g_assert_nonnull (strstr (squashed, "Appendix A"));
  /* Every counted record is named in the appendix; the others are not. */
  for (guint i = 0; i < G_N_ELEMENTS (f->demo.refs); i++)
    {
      gboolean counted = i == 0 || i == 1 || i == 2 || i == 3 || i == 5;

      if (counted != (strstr (squashed, f->demo.refs[i]) != NULL))
        g_error ("%s %s in the PDF", f->demo.refs[i], counted ? "missing" : "wrongly");
    }
}

static void
test_bad_paths (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveAnnualReport) report = NULL;
  g_autofree char *missing = g_build_filename (f->td->dir, "no-such-folder", "report.pdf", NULL);
  gint64 before = 0, after = 0;

  g_assert_true (involve_store_get_audit_head (f->store, &before, NULL, NULL));
  report = involve_export_annual_report (f->store, "2025-26", NULL, 0, missing, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_IO);
  g_clear_error (&error);
  g_assert_false (involve_export_you_said_we_did (f->store, f->demo.uuids[0], missing, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_IO);
  g_clear_error (&error);
  /* Nothing audited for what was not written. */
  g_assert_true (involve_store_get_audit_head (f->store, &after, NULL, NULL));
  g_assert_cmpint (before, ==, after);
  /* A draft has no public log. */
  g_assert_false (involve_export_you_said_we_did (f->store, f->demo.uuids[6], missing, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_LOCKED);
}

static void
test_you_said_we_did (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf = g_build_filename (f->td->dir, "ysd.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *squashed = NULL;
  const char *never[] = { "Sam Reviewer", "sam.reviewer", "Alex Officer", "alex.officer", "officer",
                          "reviewer", "example.org", NULL };

  g_assert_true (involve_export_you_said_we_did (f->store, f->demo.uuids[0], pdf, &error));
  g_assert_no_error (error);
  assert_pdf (pdf);
  if (!need_poppler ())
    return;
  text = export_test_pdftotext (pdf, 0, 0);
  squashed = export_test_squash (text);
  g_assert_nonnull (strstr (squashed, "You said, we did"));
  g_assert_nonnull (strstr (squashed, "Moving the podiatry clinic"));
  g_assert_nonnull (strstr (squashed, "Sunday shuttle"));
  g_assert_nonnull (strstr (squashed, "no clinical room is left there"));
  g_assert_nonnull (strstr (squashed, "Missed appointments fell"));
  g_assert_nonnull (strstr (squashed, "48 people said this"));
  /* Public: no staff names, accounts or contact details. */
  for (guint i = 0; never[i] != NULL; i++)
    {
      g_autofree char *lower = g_ascii_strdown (squashed, -1);

      if (strstr (lower, never[i]) != NULL)
        g_error ("the public PDF names “%s”", never[i]);
    }
}

static void
test_you_said_we_did_corrected (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf = g_build_filename (f->td->dir, "ysd2.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *squashed = NULL;

  /* R2: the withdrawn social-media activity and the wrong count are gone. */
  g_assert_true (involve_export_you_said_we_did (f->store, f->demo.uuids[1], pdf, &error));
  g_assert_no_error (error);
  if (!need_poppler ())
    return;
  text = export_test_pdftotext (pdf, 0, 0);
  squashed = export_test_squash (text);
  g_assert_null (strstr (squashed, "999"));
  g_assert_null (strstr (squashed, "10 people took part"));
  g_assert_nonnull (strstr (squashed, "15 people took part"));
  g_assert_nonnull (strstr (squashed, "No responses have been recorded yet"));
}

/* A response longer than a page flows over pages, to its last word. */
static void
test_you_said_we_did_long (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveLogEntry) entry = involve_log_entry_new (INVOLVE_LOG_RESPONSE, f->demo.uuids[2]);
  g_autofree char *pdf = g_build_filename (f->td->dir, "long.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *squashed = NULL;
  GString *long_text = g_string_new ("Startmarker ");

  for (guint i = 0; i < 1500; i++)
    g_string_append_printf (long_text, "word%u ", i);
  g_string_append (long_text, "Endmarker");
  entry->you_said = g_strdup ("Tell us everything.");
  entry->we_did = g_string_free (long_text, FALSE);
  g_assert_true (involve_store_add_log_entry (f->store, entry, &error));
  g_assert_no_error (error);
  g_assert_true (involve_export_you_said_we_did (f->store, f->demo.uuids[2], pdf, &error));
  g_assert_no_error (error);
  if (!need_poppler ())
    return;
  text = export_test_pdftotext (pdf, 0, 0);
  squashed = export_test_squash (text);
  g_assert_nonnull (strstr (squashed, "Startmarker"));
  g_assert_nonnull (strstr (squashed, "word777"));
  g_assert_nonnull (strstr (squashed, "Endmarker"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = test_util_isolate_user_dirs ();

  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, report_test_fixture_setup, func, report_test_fixture_teardown)
  ADD ("/report-export/annual-report", test_annual_report);
  ADD ("/report-export/bad-paths", test_bad_paths);
  ADD ("/report-export/you-said-we-did", test_you_said_we_did);
  ADD ("/report-export/you-said-we-did-corrected", test_you_said_we_did_corrected);
  ADD ("/report-export/you-said-we-did-long", test_you_said_we_did_long);
#undef ADD
  return g_test_run ();
}
