/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "cli-test-util.h"
#include "common-test-util.h"

/*
 * involve-cli with a team register's connection string for --database:
 * taken as it is, never shown with its password, and never "created" by
 * --create.  No server is needed: the socket folder does not exist.
 */

#define SECRET "s3cret-Pa55"
#define KEYWORDS "host=/nonexistent-involve-test port=5 dbname=involve user=officer"
#define KEYWORDS_WITH_PASSWORD "host=/nonexistent-involve-test port=5 dbname=involve password=" SECRET " user=officer"
#define URI_WITH_PASSWORD "postgresql://officer:" SECRET "@localhost/involve?sslmode=disable&password=" SECRET

static void
assert_no_secret (const CliRun *run)
{
  g_assert_null (strstr (run->out, SECRET));
  g_assert_null (strstr (run->err, SECRET));
}

/* Nothing was made in the working folder under the connection string's
 * name, as a file path would have been. */
static void
assert_no_files (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);

  g_assert_nonnull (listing);
  g_assert_null (g_dir_read_name (listing));
}

static void
test_paths_redacted (void)
{
  g_auto(CliRun) run = { 0 };

  cli_test_run (&run, "--database", KEYWORDS_WITH_PASSWORD, "paths", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "register: " KEYWORDS "\n"));
  assert_no_secret (&run);

  cli_test_run (&run, "--database=" URI_WITH_PASSWORD, "paths", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "register: postgresql://officer@localhost/involve?sslmode=disable\n"));
  assert_no_secret (&run);

  /* A file is shown as it is. */
  cli_test_run (&run, "--database", "/tmp/some register.involve", "paths", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "register: /tmp/some register.involve\n"));
}

static void
test_create_refused (TestDir       *fixture,
                     gconstpointer  data)
{
  g_auto(CliRun) run = { 0 };
  g_autofree char *cwd = g_get_current_dir ();

  g_assert_cmpint (g_chdir (fixture->dir), ==, 0);

  /* --create before any command. */
  cli_test_run (&run, "--database", KEYWORDS_WITH_PASSWORD, "--create", "list", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "involve-cli server-setup"));
  assert_no_secret (&run);

  cli_test_run (&run, "--database", URI_WITH_PASSWORD, "--create", "list", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "involve-cli server-setup"));
  assert_no_secret (&run);

  /* The create command. */
  cli_test_run (&run, "--database", KEYWORDS_WITH_PASSWORD, "create", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "involve-cli server-setup"));
  assert_no_secret (&run);

  /* A backup file does not replace a server's register. */
  cli_test_run (&run, "--database", KEYWORDS_WITH_PASSWORD, "restore", "backup.involve", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "ask your IT department"));
  assert_no_secret (&run);

  assert_no_files (fixture->dir);
  g_assert_cmpint (g_chdir (cwd), ==, 0);
}

/* The server cannot be reached: the error says so, without the password. */
static void
test_open_error_redacted (TestDir       *fixture,
                          gconstpointer  data)
{
  g_auto(CliRun) run = { 0 };
  g_autofree char *cwd = g_get_current_dir ();

  g_assert_cmpint (g_chdir (fixture->dir), ==, 0);

  cli_test_run (&run, "--database", KEYWORDS_WITH_PASSWORD, "list", NULL);
  g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_cmpstr (run.err, !=, "");
  assert_no_secret (&run);

  cli_test_run (&run, "--database", KEYWORDS_WITH_PASSWORD, "verify", NULL);
  g_assert_cmpint (run.status, !=, 0);
  assert_no_secret (&run);

  cli_test_run (&run, "--database", KEYWORDS_WITH_PASSWORD, "demo", NULL);
  g_assert_cmpint (run.status, !=, 0);
  assert_no_secret (&run);

  assert_no_files (fixture->dir);
  g_assert_cmpint (g_chdir (cwd), ==, 0);
}

static void
fixture_set_up (TestDir       *fixture,
                gconstpointer  data)
{
  test_dir_init (fixture);
}

static void
fixture_tear_down (TestDir       *fixture,
                   gconstpointer  data)
{
  test_dir_clear (fixture);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = test_util_isolate_user_dirs ();
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/server-location/paths-redacted", test_paths_redacted);
  g_test_add ("/cli/server-location/create-refused", TestDir, NULL,
              fixture_set_up, test_create_refused, fixture_tear_down);
  g_test_add ("/cli/server-location/open-error-redacted", TestDir, NULL,
              fixture_set_up, test_open_error_redacted, fixture_tear_down);

  status = g_test_run ();
  test_util_remove_tree (home);
  return status;
}
