/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <sys/wait.h>

#include "cli-test-util.h"

void
cli_run_clear (CliRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
  run->status = 0;
}

void
cli_test_run_argv (CliRun             *run,
                   const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("INVOLVE_CLI");
  int wait_status = 0;

  g_assert_nonnull (cli);
  cli_run_clear (run);
  g_ptr_array_add (argv, (char *) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  /* Always capture: the child must not write into the TAP stream. */
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &run->out, &run->err, &wait_status, &error));
  g_assert_no_error (error);
  /* A crash is never an answer; say what the program wrote before it. */
  if (!WIFEXITED (wait_status))
    g_printerr ("involve-cli was killed; its error output:\n%s\n", run->err != NULL ? run->err : "");
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
}

void
cli_test_run (CliRun     *run,
              const char *first,
              ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  cli_test_run_argv (run, (const char * const *) args->pdata);
}

void
cli_test_run_line (CliRun     *run,
                   const char *line)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_shell_parse_argv (line, NULL, &args, &error));
  g_assert_no_error (error);
  cli_test_run_argv (run, (const char * const *) args);
}

char *
cli_test_find_reference (const char *database,
                         const char *status)
{
  g_auto(CliRun) run = { 0 };
  g_auto(GStrv) lines = NULL;
  char *found = NULL;

  cli_test_run (&run, "--database", database, "list", NULL);
  g_assert_cmpint (run.status, ==, 0);
  lines = g_strsplit (run.out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && found == NULL; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], "\t", 4);

      if (g_strv_length (cells) >= 2 && g_str_equal (cells[1], status))
        found = g_strdup (cells[0]);
    }
  g_assert_nonnull (found);
  return found;
}

void
cli_test_respond_signed_off (CliRun     *run,
                             const char *request,
                             const char *key,
                             const char *passphrase_file,
                             const char *response)
{
  cli_test_run (run, "signoff-respond", request, "--decision", "signed-off", "--key", key,
                "--passphrase-file", passphrase_file, "--job-title", "Director of Strategy",
                "--team", "Strategy", "--comments", "Agreed.", "--out", response, NULL);
}
