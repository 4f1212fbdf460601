/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "cli-test-util.h"
#include "identity-test-util.h"
#include "store-test-util.h"
#include "report-test-util.h"

/*
 * involve-cli log, involvement and report on the demo year: what they
 * write and print, the report recomputed at an old audit entry giving the
 * same CSV, and bad usage and bad input refused with exit 2 and 1.  With
 * INVOLVE_TEST_ENGINE=postgresql on a team register, as the officer's login.
 */

typedef struct
{
  TestDir  *td;
  DemoYear  demo;
  char     *key;                /* logging is a signed act: the logger's key */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = NULL;

  f->td = test_dir_new ();
  store = open_store (f->td->path, &error);
  g_assert_no_error (error);
  report_test_build_demo_year (store, &f->demo);
  f->key = test_identity_save ("officer", f->td->dir, NULL);
  g_setenv ("INVOLVE_PASSPHRASE", "test passphrase", TRUE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_unsetenv ("INVOLVE_PASSPHRASE");
  g_free (f->key);
  report_test_demo_year_clear (&f->demo);
  test_dir_free (f->td);
}

static int
run (Fixture    *f,
     CliRun     *result,
     const char *format,
     ...) G_GNUC_PRINTF (3, 4);

static int
run (Fixture    *f,
     CliRun     *result,
     const char *format,
     ...)
{
  va_list args;
  g_autofree char *command = NULL;
  g_autofree char *database = NULL;
  g_autofree char *line = NULL;

  va_start (args, format);
  command = g_strdup_vprintf (format, args);
  va_end (args);
  database = store_test_cli_database (f->td->path, "officer");
  line = g_strdup_printf ("--database '%s' --key '%s' %s", database, f->key, command);
  cli_test_run_line (result, line);
  g_test_message ("%s -> %d\n%s%s", command, result->status, result->out, result->err);
  return result->status;
}

static void
test_log_and_show (Fixture       *f,
                   gconstpointer  data)
{
  g_auto(CliRun) r = { 0 };
  g_autofree char *pdf = g_build_filename (f->td->dir, "ysd.pdf", NULL);

  g_assert_cmpint (run (f, &r, "log %s activity --method co-production --description 'A design group'"
                               " --start 2025-10-01 --end 2025-12-01 --reach 12 --group carers --group rural"
                               " --partner-type vcse --partners 'Stroke Club'", f->demo.refs[5]), ==, 0);
  g_assert_nonnull (strstr (r.out, "Logged activity"));
  g_assert_cmpint (run (f, &r, "involvement %s", f->demo.refs[5]), ==, 0);
  g_assert_nonnull (strstr (r.out, "co-production, 2025-10-01 to 2025-12-01, 12 people: A design group"));
  g_assert_nonnull (strstr (r.out, "groups: carers, rural"));

  /* A correction gives only what changes; the rest is kept. */
  g_assert_cmpint (run (f, &r, "log %s activity --corrects 999 --reach 14 --reason 'Two more came'", f->demo.refs[5]), ==, 1);
  g_assert_nonnull (strstr (r.err, "no activity entry 999"));
  {
    const char *logged;
    g_autofree char *id = NULL;

    g_assert_cmpint (run (f, &r, "involvement %s", f->demo.refs[5]), ==, 0);
    logged = strstr (r.out, "activity ");
    g_assert_nonnull (logged);
    id = g_strndup (logged + strlen ("activity "), strspn (logged + strlen ("activity "), "0123456789"));
    g_assert_cmpint (run (f, &r, "log %s activity --corrects %s --reach 14 --reason 'Two more came'", f->demo.refs[5], id), ==, 0);
    g_assert_cmpint (run (f, &r, "involvement %s", f->demo.refs[5]), ==, 0);
    g_assert_nonnull (strstr (r.out, "co-production, 2025-10-01 to 2025-12-01, 14 people: A design group"));
    g_assert_nonnull (strstr (r.out, "(superseded)"));
  }

  /* R1's log, with its correction chain. */
  g_assert_cmpint (run (f, &r, "involvement %s", f->demo.refs[1]), ==, 0);
  g_assert_nonnull (strstr (r.out, "(superseded)"));
  g_assert_nonnull (strstr (r.out, "withdraws"));

  g_assert_cmpint (run (f, &r, "involvement %s --you-said-we-did '%s'", f->demo.refs[0], pdf), ==, 0);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
}

static void
test_log_refused (Fixture       *f,
                  gconstpointer  data)
{
  g_auto(CliRun) r = { 0 };

  /* Bad usage: 2. */
  g_assert_cmpint (run (f, &r, "log %s", f->demo.refs[0]), ==, 2);
  g_assert_cmpint (run (f, &r, "log %s diary", f->demo.refs[0]), ==, 2);
  g_assert_cmpint (run (f, &r, "log %s activity --reach lots", f->demo.refs[0]), ==, 2);
  g_assert_cmpint (run (f, &r, "log %s activity --corrects 1 --withdraws 1 --reason x", f->demo.refs[0]), ==, 2);
  g_assert_cmpint (run (f, &r, "log %s feedback --activity -3 --theme x", f->demo.refs[0]), ==, 2);
  /* Refused by the register: 1, with what to fix. */
  g_assert_cmpint (run (f, &r, "log %s activity --method events --description x --start 2025-10-01", f->demo.refs[6]), ==, 1);
  g_assert_nonnull (strstr (r.err, "not been signed off"));
  g_assert_cmpint (run (f, &r, "log %s activity --method telepathy --description x --start 2025-10-01", f->demo.refs[0]), ==, 1);
  g_assert_nonnull (strstr (r.err, "telepathy"));
  g_assert_cmpint (run (f, &r, "log %s feedback --theme Parking --summary 'mail me at a.b@example.org'", f->demo.refs[0]), ==, 1);
  g_assert_nonnull (strstr (r.err, "e-mail"));
  g_assert_cmpint (run (f, &r, "log INV-1999-0001 evaluation --on 2025-01-01 --impact x"), ==, 1);
  g_assert_cmpint (run (f, &r, "verify"), ==, 0);
}

static char *
csv_at (Fixture    *f,
        const char *name,
        const char *extra)
{
  g_auto(CliRun) r = { 0 };
  g_autofree char *path = g_build_filename (f->td->dir, name, NULL);
  char *text = NULL;

  g_assert_cmpint (run (f, &r, "report --year 2025-26 --csv '%s' %s", path, extra), ==, 0);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
test_report (Fixture       *f,
             gconstpointer  data)
{
  g_auto(CliRun) r = { 0 };
  g_autofree char *pdf = g_build_filename (f->td->dir, "report.pdf", NULL);
  g_autofree char *first = NULL;
  g_autofree char *later = NULL;
  g_autofree char *again = NULL;
  g_autofree char *as_of = NULL;
  const char *entry;
  gint64 head;

  g_assert_cmpint (run (f, &r, "report --year 2025-26 --pdf '%s'", pdf), ==, 0);
  g_assert_nonnull (strstr (r.out, "Annual report 2025-26 (2025-04-01 to 2026-03-31), all organisations"));
  g_assert_nonnull (strstr (r.out, "activities                                        4  (215 people)"));
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  entry = strstr (r.out, "Computed at audit entry ");
  g_assert_nonnull (entry);
  head = g_ascii_strtoll (entry + strlen ("Computed at audit entry "), NULL, 10);
  g_assert_cmpint (head, >, 0);

  first = csv_at (f, "first.csv", "");
  g_assert_cmpint (run (f, &r, "log %s activity --method events --description x --start 2025-10-01 --reach 5",
                        f->demo.refs[5]), ==, 0);
  later = csv_at (f, "later.csv", "");
  g_assert_cmpstr (first, !=, later);
  /* The first CSV was computed at head + 1 (after the PDF's export entry). */
  as_of = g_strdup_printf ("--as-of-entry %" G_GINT64_FORMAT, head + 1);
  again = csv_at (f, "again.csv", as_of);
  g_assert_cmpstr (first, ==, again);

  g_assert_cmpint (run (f, &r, "report --year 2025-26 --organisation 'Southvale ICB'"), ==, 0);
  g_assert_nonnull (strstr (r.out, "decisions                                         1"));

  /* Bad usage: 2; a head that does not exist: 1. */
  g_assert_cmpint (run (f, &r, "report"), ==, 2);
  g_assert_cmpint (run (f, &r, "report --year 2025"), ==, 2);
  g_assert_nonnull (strstr (r.err, "2025-26"));
  g_assert_cmpint (run (f, &r, "report --year 2025-26 --as-of-entry zero"), ==, 2);
  g_assert_cmpint (run (f, &r, "report --year 2025-26 extra"), ==, 2);
  g_assert_cmpint (run (f, &r, "report --year 2025-26 --as-of-entry 99999999"), ==, 1);
  g_assert_cmpint (run (f, &r, "report --year 2025-26 --pdf /nonexistent-folder/r.pdf"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = test_util_isolate_user_dirs ();

  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/cli/involvement/log-and-show", test_log_and_show);
  ADD ("/cli/involvement/log-refused", test_log_refused);
  ADD ("/cli/involvement/report", test_report);
#undef ADD
  return g_test_run ();
}
