/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "cli-test-util.h"
#include "store-test-util.h"

/*
 * Runs the built involve-cli (path in $INVOLVE_CLI) on registers made with
 * the store API: list, show, history, verify (also on a tampered register),
 * backup, and the refusals of a bad --database.  With
 * INVOLVE_TEST_ENGINE=postgresql on a team register, as the officer's login.
 */

static int
run_cli (const char  *path,
         const char  *args,
         char       **out,
         char       **err)
{
  g_autofree char *database = store_test_cli_database (path, "officer");
  g_autofree char *line = g_strdup_printf ("--database '%s' %s", database, args);
  g_auto(CliRun) run = { 0 };

  cli_test_run_line (&run, line);
  g_test_message ("%s -> %d\n%s%s", args, run.status, run.out, run.err);
  *out = g_steal_pointer (&run.out);
  *err = g_steal_pointer (&run.err);
  return run.status;
}

static char *
make_register (const char *path)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) signed_record = NULL;
  g_autoptr(InvolveRecord) draft = NULL;
  g_autoptr(GError) error = NULL;
  char *reference;

  store = open_store (path, &error);
  g_assert_no_error (error);
  signed_record = involve_store_create_record (store, "icb-14z45", &error);
  fill_record (store, signed_record, "Podiatry clinic relocation");
  g_assert_true (involve_store_submit (store, involve_record_get_uuid (signed_record), NULL, &error));
  sign_off_as_reviewer (store, involve_record_get_uuid (signed_record));
  reference = g_strdup (involve_record_get_reference (signed_record));

  draft = involve_store_create_record (store, "nhse-13q", &error);
  set_string (store, draft, "title", "Dental contract\twith a tab");
  return reference;
}

static void
test_cli_list_show_history (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *reference = make_register (td->path);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (run_cli (td->path, "list", &out, &err), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  expected = g_strdup_printf ("%s\tsigned-off\tapplies\tPodiatry clinic relocation", reference);
  g_assert_cmpstr (lines[0], ==, expected);
  g_assert_true (g_str_has_suffix (lines[1], "\tdraft\tunknown\tDental contract with a tab"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (td->path, "list --status draft --count", &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "1\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (td->path, "list --search podiatry", &out, &err), ==, 0);
  g_assert_true (g_str_has_prefix (out, reference));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (td->path, "list --status bogus", &out, &err), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  {
    g_autofree char *args = g_strdup_printf ("show %s", reference);
    g_assert_cmpint (run_cli (td->path, args, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "Podiatry clinic relocation"));
    g_assert_nonnull (strstr (out, "Sam Reviewer"));
    g_assert_nonnull (strstr (out, "applies (section 14Z45(2)(c))"));
    g_assert_nonnull (strstr (out, " [title, "));
    g_assert_nonnull (strstr (out, "Low turnout | Hold extra evening sessions"));
    g_assert_nonnull (strstr (out, "signed-off"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  g_assert_cmpint (run_cli (td->path, "show INV-1999-0001", &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "INV-1999-0001"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  {
    g_autofree char *args = g_strdup_printf ("history %s", reference);
    g_assert_cmpint (run_cli (td->path, args, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "\tcreate\t"));
    g_assert_nonnull (strstr (out, "sign-off"));
    g_assert_nonnull (strstr (out, "title: (empty) -> 'Podiatry clinic relocation'"));
  }
}

static void
test_cli_verify (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *reference = make_register (td->path);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_nonnull (reference);
  g_assert_cmpint (run_cli (td->path, "verify", &out, &err), ==, 0);
  g_assert_true (g_str_has_prefix (out, "OK:"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  if (store_test_on_server ())
    {
      const char *people[] = { "officer", "reviewer" };

      /* The server refuses every application login the deletion. */
      for (guint i = 0; i < G_N_ELEMENTS (people); i++)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *sqlstate = NULL;

          g_assert_false (store_test_server_exec_as (td->path, people[i], "DELETE FROM audit WHERE id = 6",
                                                     &sqlstate, &error));
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
          g_assert_cmpstr (sqlstate, ==, "42501");
        }
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      g_assert_cmpint (run_cli (td->path, "verify", &out, &err), ==, 0);
      g_assert_true (g_str_has_prefix (out, "OK:"));
      return;
    }
  raw_exec (td->path, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 6;");
  g_assert_cmpint (run_cli (td->path, "verify", &out, &err), ==, 1);
  g_assert_nonnull (strstr (out, "first broken entry: 6\n"));
}

static void
test_cli_backup (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *reference = make_register (td->path);
  g_autofree char *dest = g_build_filename (td->dir, "copy.sqlite", NULL);
  g_autofree char *args = g_strdup_printf ("backup '%s'", dest);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_nonnull (reference);
  if (store_test_on_server ())
    {
      /* The server's own backups keep a team register: refused, saying so. */
      g_assert_cmpint (run_cli (td->path, args, &out, &err), ==, 1);
      g_assert_nonnull (strstr (err, "A team register lives on its server"));
      g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
      return;
    }
  g_assert_cmpint (run_cli (td->path, args, &out, &err), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (dest, "verify", &out, &err), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* Never over an existing file. */
  g_assert_cmpint (run_cli (td->path, args, &out, &err), ==, 1);
}

static void
test_cli_bad_database (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  if (store_test_on_server ())
    {
      /* A database with no register in it (the server's own), named with
       * a password that is never shown. */
      g_autofree char *login = store_test_cli_database (td->path, "officer");
      g_autofree char *database = g_strdup_printf ("%s dbname=postgres password=s3cret-Pa55", login);
      g_auto(CliRun) run = { 0 };

      cli_test_run (&run, "--database", database, "list", NULL);
      g_test_message ("list -> %d\n%s%s", run.status, run.out, run.err);
      g_assert_cmpint (run.status, ==, 1);
      g_assert_nonnull (strstr (run.err, "holds no Involve register"));
      g_assert_null (strstr (run.err, "s3cret"));
      g_assert_null (strstr (run.out, "s3cret"));
      return;
    }
  g_file_set_contents (td->path, "not a register", -1, NULL);
  before = file_checksum (td->path);
  g_assert_cmpint (run_cli (td->path, "list", &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "not an Involve register"));
  after = file_checksum (td->path);
  g_assert_cmpstr (before, ==, after);
}

/* "--help" is never taken for a file name or a reference. */
static void
test_cli_help_is_not_an_argument (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *stray = g_build_filename (cwd, "--help", NULL);
  const char *commands[] = { "backup --help", "show --help", "history --help" };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (run_cli (td->path, commands[i], &out, &err), ==, 0);
      g_assert_true (g_str_has_prefix (out, "Usage: involve-cli "));
    }
  g_assert_false (g_file_test (stray, G_FILE_TEST_EXISTS));

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (td->path, "show --bogus", &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "--bogus"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/store/list-show-history", test_cli_list_show_history);
  g_test_add_func ("/cli/store/verify", test_cli_verify);
  g_test_add_func ("/cli/store/backup", test_cli_backup);
  g_test_add_func ("/cli/store/bad-database", test_cli_bad_database);
  g_test_add_func ("/cli/store/help-is-not-an-argument", test_cli_help_is_not_an_argument);

  return g_test_run ();
}
