/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "cli-test-util.h"
#include "common-test-util.h"

/*
 * Every command of involve-cli, as "involve-cli --help" lists them, answers
 * --help with its usage on stdout (exit 0) and an unknown option with one
 * line "involve-cli COMMAND: problem" and a pointer to --help on stderr
 * (exit 2), without touching the register.
 */

/* The command names under "Commands:" in "involve-cli --help". */
static GStrv
list_commands (void)
{
  g_auto(CliRun) run = { 0 };
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) lines = NULL;
  gboolean in_commands = FALSE;

  cli_test_run (&run, "--help", NULL);
  g_assert_cmpint (run.status, ==, 0);
  lines = g_strsplit (run.out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_equal (lines[i], "Commands:"))
        in_commands = TRUE;
      else if (in_commands && g_str_has_prefix (lines[i], "  "))
        {
          g_auto(GStrv) words = g_strsplit_set (g_strchug (lines[i]), " ", 2);

          g_strv_builder_add (names, words[0]);
        }
    }
  return g_strv_builder_end (names);
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

static void
test_cli_help (TestDir       *fixture,
               gconstpointer  data)
{
  const char *command = data;
  g_autofree char *named = g_strdup_printf ("involve-cli %s", command);
  g_auto(CliRun) run = { 0 };

  cli_test_run (&run, "--database", fixture->path, command, "--help", NULL);
  g_test_message ("%s", run.out);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_true (g_str_has_prefix (run.out, "Usage:"));
  g_assert_nonnull (strstr (run.out, named));
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
}

static void
test_cli_unknown_option (TestDir       *fixture,
                         gconstpointer  data)
{
  const char *command = data;
  g_autofree char *prefix = g_strdup_printf ("involve-cli %s: ", command);
  g_autofree char *hint = g_strdup_printf ("“involve-cli %s --help”", command);
  g_auto(CliRun) run = { 0 };
  g_auto(GStrv) lines = NULL;

  cli_test_run (&run, "--database", fixture->path, command, "--no-such-option", NULL);
  g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  lines = g_strsplit (run.err, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[0], prefix));
  g_assert_nonnull (strstr (lines[0], "--no-such-option"));
  g_assert_nonnull (strstr (lines[1], hint));
  g_assert_cmpstr (lines[2], ==, "");
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_auto(GStrv) commands = NULL;

  g_test_init (&argc, &argv, NULL);

  commands = list_commands ();
  /* So that a broken listing cannot pass by testing nothing. */
  g_assert_cmpuint (g_strv_length (commands), >=, 16);
  for (guint i = 0; commands[i] != NULL; i++)
    {
      g_autofree char *help = g_strdup_printf ("/cli/usage/%s/help", commands[i]);
      g_autofree char *unknown = g_strdup_printf ("/cli/usage/%s/unknown-option", commands[i]);

      g_test_add (help, TestDir, commands[i], fixture_set_up, test_cli_help, fixture_tear_down);
      g_test_add (unknown, TestDir, commands[i], fixture_set_up, test_cli_unknown_option, fixture_tear_down);
    }

  return g_test_run ();
}
