/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * involve-cli copy: a rich register (the demo: every state, signatures,
 * involvement logs) copied to a new file verifies there with the same
 * counts and audit head; a non-empty destination, the source itself and a
 * missing source are refused and change nothing.
 */
#include "config.h"

#include "cli-test-util.h"
#include "common-test-util.h"
#include "pg-test-util.h"
#include "store-test-util.h"

static char *
head_of (const char *path)
{
  g_auto(CliRun) run = { 0 };
  const char *line;

  cli_test_run (&run, "--database", path, "verify", NULL);
  g_assert_cmpint (run.status, ==, 0);
  line = strstr (run.out, "last entry hash: ");
  g_assert_nonnull (line);
  return g_strndup (line + strlen ("last entry hash: "), 64);
}

static void
test_file_to_file (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *portable = g_build_filename (td->dir, "p", NULL);
  g_autofree char *source = g_build_filename (portable, "data", "register.sqlite", NULL);
  g_autofree char *copy = g_build_filename (td->dir, "copy.sqlite", NULL);
  g_autofree char *again = g_build_filename (td->dir, "again.sqlite", NULL);
  g_autofree char *missing = g_build_filename (td->dir, "missing.sqlite", NULL);
  g_autofree char *head_source = NULL, *head_copy = NULL, *head_again = NULL;
  g_autofree char *sum_before = NULL, *sum_after = NULL;
  g_auto(CliRun) run = { 0 };

  cli_test_run (&run, "--portable", portable, "demo", NULL);
  g_assert_cmpint (run.status, ==, 0);
  cli_run_clear (&run);

  cli_test_run (&run, "copy", "--from", source, "--to", copy, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Verify passed on both sides"));
  /* The same counts on both lines. */
  {
    g_auto(GStrv) lines = g_strsplit (run.out, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), >=, 3);
    g_assert_cmpstr (strchr (lines[0], ':'), ==, strchr (lines[1], ':'));
    g_assert_nonnull (strstr (lines[0], " versions, "));
  }
  cli_run_clear (&run);

  cli_test_run (&run, "copy", "--from", copy, "--to", again, NULL);
  g_assert_cmpint (run.status, ==, 0);
  cli_run_clear (&run);

  head_source = head_of (source);
  head_copy = head_of (copy);
  head_again = head_of (again);
  g_assert_cmpstr (head_source, ==, head_copy);
  g_assert_cmpstr (head_source, ==, head_again);

  /* A non-empty destination is refused and left as it was. */
  sum_before = file_checksum (copy);
  cli_test_run (&run, "copy", "--from", source, "--to", copy, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "not empty"));
  cli_run_clear (&run);
  sum_after = file_checksum (copy);
  g_assert_cmpstr (sum_before, ==, sum_after);

  /* The source itself, however it is named. */
  {
    g_autofree char *dotted = g_build_filename (portable, "data", "..", "data", "register.sqlite", NULL);

    cli_test_run (&run, "copy", "--from", source, "--to", dotted, NULL);
    g_assert_cmpint (run.status, ==, 2);
    cli_run_clear (&run);
  }

  /* A missing source is not made. */
  cli_test_run (&run, "copy", "--from", missing, "--to", again, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  cli_run_clear (&run);

  /* Usage. */
  cli_test_run (&run, "copy", "--from", source, NULL);
  g_assert_cmpint (run.status, ==, 2);
}

static char *
count_line (const char *out,
            guint       index)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), >, index);
  g_assert_nonnull (strchr (lines[index], ':'));
  return g_strdup (strchr (lines[index], ':'));
}

/* File -> server (as a superuser) -> new file: the same counts and audit
 * head on all three; a copy into the server again is refused. */
static void
test_server_round_trip (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(PgTestRegister) reg = NULL;
  g_autofree char *portable = g_build_filename (td->dir, "p", NULL);
  g_autofree char *source = g_build_filename (portable, "data", "register.sqlite", NULL);
  g_autofree char *back = g_build_filename (td->dir, "back.sqlite", NULL);
  g_autofree char *server = NULL;
  g_autofree char *head_source = NULL, *head_server = NULL, *head_back = NULL;
  g_autofree char *counts_source = NULL, *counts_server = NULL, *counts_back = NULL;
  g_auto(CliRun) run = { 0 };

  if (!pg_test_available ())
    return;
  reg = pg_test_register_new ("copy");
  server = pg_test_register_conninfo (reg, NULL);

  cli_test_run (&run, "--portable", portable, "demo", NULL);
  g_assert_cmpint (run.status, ==, 0);
  cli_run_clear (&run);

  cli_test_run (&run, "copy", "--from", source, "--to", server, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Verify passed on both sides"));
  counts_source = count_line (run.out, 0);
  counts_server = count_line (run.out, 1);
  g_assert_cmpstr (counts_source, ==, counts_server);
  cli_run_clear (&run);

  cli_test_run (&run, "copy", "--from", server, "--to", back, NULL);
  g_assert_cmpint (run.status, ==, 0);
  counts_back = count_line (run.out, 1);
  g_assert_cmpstr (counts_source, ==, counts_back);
  cli_run_clear (&run);

  head_source = head_of (source);
  head_server = head_of (server);
  head_back = head_of (back);
  g_assert_cmpstr (head_source, ==, head_server);
  g_assert_cmpstr (head_source, ==, head_back);

  /* Not into a register that holds one already. */
  cli_test_run (&run, "copy", "--from", source, "--to", server, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "not empty"));
  cli_run_clear (&run);
  g_free (head_server);
  head_server = head_of (server);
  g_assert_cmpstr (head_source, ==, head_server);
}

/* A copy that fails half-way (the destination lacks a table the source
 * fills) leaves the destination empty. */
static void
test_half_way (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *portable = g_build_filename (td->dir, "p", NULL);
  g_autofree char *source = g_build_filename (portable, "data", "register.sqlite", NULL);
  g_autofree char *broken = g_build_filename (td->dir, "broken.sqlite", NULL);
  g_auto(CliRun) run = { 0 };

  cli_test_run (&run, "--portable", portable, "demo", NULL);
  g_assert_cmpint (run.status, ==, 0);
  cli_run_clear (&run);
  cli_test_run (&run, "--database", broken, "--create", "list", NULL);
  g_assert_cmpint (run.status, ==, 0);
  cli_run_clear (&run);
  raw_exec (broken, "DROP TABLE involvement_evaluations");

  cli_test_run (&run, "copy", "--from", source, "--to", broken, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "Nothing was copied"));
  cli_run_clear (&run);

  cli_test_run (&run, "--database", broken, "list", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "");
  cli_run_clear (&run);
  cli_test_run (&run, "--database", broken, "history", NULL);
  g_assert_null (strstr (run.out, "INV-"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli-copy/file-to-file", test_file_to_file);
  g_test_add_func ("/cli-copy/half-way", test_half_way);
  g_test_add_func ("/cli-copy/server-round-trip", test_server_round_trip);

  return g_test_run ();
}
