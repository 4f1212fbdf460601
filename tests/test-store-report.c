/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "store-test-util.h"
#include "report-test-util.h"

typedef DemoYearFixture Fixture;

/* Figure @id counts @count (people @people) from exactly the records
 * @which ("1 2" = R1 and R2). */
static void
check (Fixture                   *f,
       const InvolveAnnualReport *report,
       const char                *id,
       gint64                     count,
       gint64                     people,
       const char                *which)
{
  const InvolveReportFigure *figure = involve_annual_report_lookup (report, id);
  g_auto(GStrv) numbers = g_strsplit (which, " ", -1);
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();

  if (figure == NULL)
    g_error ("no figure %s", id);
  for (guint i = 0; numbers[i] != NULL; i++)
    {
      if (*numbers[i] != '\0')
        g_ptr_array_add (expected, f->demo.refs[atoi (numbers[i]) - 1]);
    }
  if (figure->count != count || figure->people != people || figure->references->len != expected->len)
    g_error ("%s: count %" G_GINT64_FORMAT " people %" G_GINT64_FORMAT " from %u records;"
             " expected %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " from %u",
             id, figure->count, figure->people, figure->references->len, count, people, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpstr (figure->references->pdata[i], ==, expected->pdata[i]);
}

static void
check_demo_year (Fixture                   *f,
                 const InvolveAnnualReport *report)
{
  check (f, report, "decisions", 5, 0, "1 2 3 4 6");
  check (f, report, "outcome-applies", 3, 0, "1 2 6");
  check (f, report, "outcome-does-not-apply", 2, 0, "3 4");
  check (f, report, "outcome-unknown", 0, 0, "");
  check (f, report, "limb-a", 1, 0, "2");
  check (f, report, "limb-b", 1, 0, "2");
  check (f, report, "limb-c", 2, 0, "1 6");
  check (f, report, "dna-beneficial-yes", 1, 0, "3");
  check (f, report, "dna-beneficial-no", 1, 0, "4");
  check (f, report, "dna-beneficial-unanswered", 0, 0, "");
  check (f, report, "urgent", 1, 0, "2");
  check (f, report, "urgent-applies", 1, 0, "2");
  check (f, report, "notifiable-reconfiguration", 1, 0, "2");
  check (f, report, "applies-with-activities", 2, 0, "1 2");
  check (f, report, "applies-without-activities", 1, 0, "6");
  /* 120 + 30 (R1), 50 + 15 corrected (R2); the withdrawn 999 and next
   * year's 400 are out. */
  check (f, report, "activities", 4, 215, "1 2");
  check (f, report, "feedback-themes", 2, 0, "1");
  check (f, report, "you-said-we-did", 2, 0, "1");
  check (f, report, "options-not-taken", 1, 0, "1");
  check (f, report, "evaluations", 1, 0, "1");
  check (f, report, "method-surveys-feedback-forms", 1, 120, "1");
  check (f, report, "method-events", 2, 45, "1 2");
  check (f, report, "method-letters-emails", 1, 50, "2");
  check (f, report, "method-social-media", 0, 0, "");
  check (f, report, "method-formal-consultation", 0, 0, "");
  check (f, report, "group-carers", 3, 200, "1 2");
  check (f, report, "group-learning-disability", 1, 120, "1");
  check (f, report, "group-homeless", 1, 15, "2");
  check (f, report, "group-young-men", 0, 0, "");
  check (f, report, "characteristic-age", 2, 150, "1");
  check (f, report, "characteristic-disability", 1, 120, "1");
  check (f, report, "partner-healthwatch", 1, 120, "1");
  check (f, report, "partner-vcse", 2, 65, "2");
}

static void
test_demo_year (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveAnnualReport) report = NULL;
  g_autoptr(InvolveAnnualReport) copy = NULL;
  g_autofree char *hash = NULL;
  gint64 head = 0;
  InvolveReportDecision *d;

  report = involve_store_compute_report (f->store, "2025-26", NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (report->first_day, ==, "2025-04-01");
  g_assert_cmpstr (report->last_day, ==, "2026-03-31");
  g_assert_true (involve_store_get_audit_head (f->store, &head, &hash, NULL));
  g_assert_cmpint (report->as_of_entry, ==, head);
  g_assert_cmpstr (report->as_of_hash, ==, hash);
  check_demo_year (f, report);
  copy = involve_annual_report_copy (report);
  check_demo_year (f, copy);

  /* The appendix: one row a decision, by reference; R6 at version 2. */
  g_assert_cmpuint (report->decisions->len, ==, 5);
  d = report->decisions->pdata[4];
  g_assert_cmpstr (d->reference, ==, f->demo.refs[5]);
  g_assert_cmpuint (d->version, ==, 2);
  g_assert_cmpstr (d->review_date, ==, "2025-09-01");
  d = report->decisions->pdata[1];
  g_assert_cmpstr (d->reference, ==, f->demo.refs[1]);
  g_assert_cmpstr (d->limbs, ==, "a, b");
  g_assert_cmpuint (d->n_activities, ==, 2);
  g_assert_cmpint (d->people, ==, 65);
  g_assert_cmpstr (d->methods, ==, "Letters or e-mails to the people affected; Events for discussion");
  d = report->decisions->pdata[2];
  g_assert_cmpstr (d->beneficial, ==, "yes");
  g_assert_nonnull (strstr (d->beneficial_reason, "Public interest"));
}

static void
test_other_years (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveAnnualReport) last = involve_store_compute_report (f->store, "2024-25", NULL, 0, &error);
  g_autoptr(InvolveAnnualReport) next = involve_store_compute_report (f->store, "2026-27", NULL, 0, &error);

  g_assert_no_error (error);
  check (f, last, "decisions", 1, 0, "8");
  check (f, last, "activities", 0, 0, "");
  check (f, next, "decisions", 1, 0, "5");
  /* R2's consultation started in April 2026. */
  check (f, next, "activities", 1, 400, "2");
  check (f, next, "method-formal-consultation", 1, 400, "2");
}

static void
test_organisation (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveAnnualReport) north = involve_store_compute_report (f->store, "2025-26", "Northshire ICB", 0, &error);
  g_autoptr(InvolveAnnualReport) south = involve_store_compute_report (f->store, "2025-26", "Southvale ICB", 0, &error);
  g_autoptr(InvolveAnnualReport) nobody = involve_store_compute_report (f->store, "2025-26", "Northshire", 0, &error);

  g_assert_no_error (error);
  check (f, north, "decisions", 4, 0, "1 2 4 6");
  check (f, north, "dna-beneficial-yes", 0, 0, "");
  check (f, north, "activities", 4, 215, "1 2");
  check (f, south, "decisions", 1, 0, "3");
  check (f, south, "activities", 0, 0, "");
  check (f, nobody, "decisions", 0, 0, "");
  g_assert_cmpstr (north->organisation, ==, "Northshire ICB");
}

static void
test_point_in_time (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveAnnualReport) before = NULL;
  g_autoptr(InvolveAnnualReport) again = NULL;
  g_autoptr(InvolveAnnualReport) now = NULL;
  g_autoptr(InvolveAnnualReport) early = NULL;
  g_autoptr(InvolveLogEntry) more = involve_log_entry_new (INVOLVE_LOG_ACTIVITY, f->demo.uuids[5]);
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *csv_before = NULL;
  g_autofree char *csv_again = NULL;
  gint64 first_sign_off = 0;

  before = involve_store_compute_report (f->store, "2025-26", NULL, 0, &error);
  g_assert_no_error (error);

  /* Later: an activity for R6, a correction of R1's survey, R4 amended
   * and signed off again, all dated in 2025-26. */
  more->method = g_strdup ("co-production");
  more->description = g_strdup ("A design group with stroke survivors.");
  more->start_date = g_strdup ("2025-10-01");
  more->reach = 12;
  g_assert_true (involve_store_add_log_entry (f->store, more, &error));
  g_assert_no_error (error);
  list = involve_store_list_log_entries (f->store, f->demo.uuids[0], INVOLVE_LOG_ACTIVITY, 0, &error);
  {
    g_autoptr(InvolveLogEntry) fix = involve_log_entry_copy (list->pdata[0]);

    fix->supersedes = fix->id;
    fix->reach = 100;
    fix->correction = g_strdup ("Duplicates removed.");
    g_assert_true (involve_store_add_log_entry (f->store, fix, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (involve_store_amend (f->store, f->demo.uuids[3], "Reconsidered", &error), ==, 2);
  g_assert_true (involve_store_submit (f->store, f->demo.uuids[3], NULL, &error));
  report_test_sign_off (f->store, f->demo.uuids[3], "2025-12-01");

  now = involve_store_compute_report (f->store, "2025-26", NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (now->as_of_entry, >, before->as_of_entry);
  check (f, now, "activities", 5, 215 - 20 + 12, "1 2 6");
  check (f, now, "applies-without-activities", 0, 0, "");
  check (f, now, "decisions", 5, 0, "1 2 3 4 6");

  /* At the old head: the old numbers, to the byte. */
  again = involve_store_compute_report (f->store, "2025-26", NULL, before->as_of_entry, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->as_of_entry, ==, before->as_of_entry);
  g_assert_cmpstr (again->as_of_hash, ==, before->as_of_hash);
  check_demo_year (f, again);
  csv_before = involve_annual_report_to_csv (before);
  csv_again = involve_annual_report_to_csv (again);
  g_assert_cmpstr (csv_before, ==, csv_again);
  g_assert_cmpuint (((InvolveReportDecision *) again->decisions->pdata[3])->version, ==, 1);

  /* Early on, before most sign-offs. */
  {
    g_autoptr(GPtrArray) audit = involve_store_list_audit (f->store, f->demo.uuids[0], &error);

    for (guint i = 0; i < audit->len; i++)
      {
        InvolveAuditEntry *entry = audit->pdata[i];

        if (g_str_equal (entry->kind, INVOLVE_AUDIT_SIGN_OFF))
          first_sign_off = entry->id;
      }
  }
  early = involve_store_compute_report (f->store, "2025-26", NULL, first_sign_off, &error);
  g_assert_no_error (error);
  check (f, early, "decisions", 1, 0, "1");
  check (f, early, "activities", 0, 0, "");
}

static void
test_bad_arguments (Fixture       *f,
                    gconstpointer  data)
{
  const char *years[] = { "2025", "2025-27", "25-26", "2025/26", "2025-2026", "abcd-ef", "", "1999-00", NULL };
  g_autoptr(GError) error = NULL;
  gint64 head = 0;

  for (guint i = 0; years[i] != NULL; i++)
    {
      g_autoptr(InvolveAnnualReport) report = involve_store_compute_report (f->store, years[i], NULL, 0, &error);

      g_assert_null (report);
      g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "2025-26"));
      g_clear_error (&error);
    }
  g_assert_true (involve_store_get_audit_head (f->store, &head, NULL, NULL));
  g_assert_null (involve_store_compute_report (f->store, "2025-26", NULL, head + 1, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (involve_store_compute_report (f->store, "2025-26", NULL, -3, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID);
}

static void
test_years (void)
{
  g_autofree char *a = involve_financial_year_of ("2025-04-01");
  g_autofree char *b = involve_financial_year_of ("2026-03-31");
  g_autofree char *c = involve_financial_year_of ("2099-12-31");
  g_autofree char *d = involve_financial_year_of ("2025-02-30");

  g_assert_cmpstr (a, ==, "2025-26");
  g_assert_cmpstr (b, ==, "2025-26");
  g_assert_cmpstr (c, ==, "2099-00");
  g_assert_null (d);
}

static void
test_csv (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveAnnualReport) report = involve_store_compute_report (f->store, "2025-26", NULL, 0, &error);
  g_autofree char *csv = NULL;
  g_autofree char *row = NULL;
  g_auto(GStrv) lines = NULL;
  InvolveReportFigure *figure;

  csv = involve_annual_report_to_csv (report);
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpstr (lines[0], ==, "year,organisation,as_of_entry,as_of_hash,section,figure,label,count,people,references");
  g_assert_cmpuint (g_strv_length (lines), ==, report->figures->len + 2);
  row = g_strdup_printf ("\"2025-26\",\"\",\"%" G_GINT64_FORMAT "\",\"%s\",\"outcome\",\"outcome-applies\","
                         "\"The duty to involve applied\",\"3\",\"0\",\"%s %s %s\"",
                         report->as_of_entry, report->as_of_hash,
                         f->demo.refs[0], f->demo.refs[1], f->demo.refs[5]);
  g_assert_cmpstr (lines[2], ==, row);

  /* A label that looks like a formula or holds quotes stays text. */
  figure = report->figures->pdata[0];
  g_free (figure->label);
  figure->label = g_strdup ("=HYPERLINK(\"x\")");
  g_clear_pointer (&csv, g_free);
  csv = involve_annual_report_to_csv (report);
  g_assert_nonnull (strstr (csv, "\"'=HYPERLINK(\"\"x\"\")\""));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = test_util_isolate_user_dirs ();

  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, report_test_fixture_setup, func, report_test_fixture_teardown)
  ADD ("/report/demo-year", test_demo_year);
  ADD ("/report/other-years", test_other_years);
  ADD ("/report/organisation", test_organisation);
  ADD ("/report/point-in-time", test_point_in_time);
  ADD ("/report/bad-arguments", test_bad_arguments);
  ADD ("/report/csv", test_csv);
#undef ADD
  g_test_add_func ("/report/years", test_years);
  return g_test_run ();
}
