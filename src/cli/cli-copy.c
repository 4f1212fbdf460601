/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-cli"

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "cli-commands.h"
#include "involve-db.h"

/*
 * involve-cli copy --from LOCATION --to LOCATION
 *
 * Moves a register between a file and a team server, either way: the
 * destination gets the same register (ids, audit chain, signatures), which
 * verifies.  A destination file is made only when nothing is there yet; a
 * server register must be set up empty first (server-setup) and reached as
 * a superuser.  Connection strings are never printed with their password.
 */

/* Whether @a and @b name the same register: the same file (through links
 * and relative paths) or the same connection string. */
static gboolean
same_location (const char *a,
               const char *b)
{
  GStatBuf sa, sb;

  if (involve_db_location_is_server (a) || involve_db_location_is_server (b))
    return g_strcmp0 (a, b) == 0;
  if (g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0)
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  {
    g_autofree char *ca = g_canonicalize_filename (a, NULL);
    g_autofree char *cb = g_canonicalize_filename (b, NULL);

    return g_str_equal (ca, cb);
  }
}

static gboolean
print_counts (const char   *label,
              InvolveStore *store,
              gint64        counts[3])
{
  g_autoptr(GError) error = NULL;

  if (!involve_store_count_history (store, &counts[0], &counts[1], &counts[2], &error))
    {
      involve_cli_fail (NULL, error);
      return FALSE;
    }
  printf (_("%s: %" PRId64 " records, %" PRId64 " versions, %" PRId64 " audit entries\n"),
          label, counts[0], counts[1], counts[2]);
  return TRUE;
}

int
involve_cli_copy (const char  *database_path,
                  int          argc,
                  char       **argv)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from,
      N_("The register to copy: a file, or a team register's connection string"), N_("LOCATION") },
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &to,
      N_("A new, empty register: a file that does not exist yet, or an empty team register (as a superuser)"),
      N_("LOCATION") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— copy a register, with its whole history, between a file and a server"));
  g_autoptr(InvolveStore) source = NULL;
  g_autoptr(InvolveStore) destination = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shown_from = NULL;
  g_autofree char *shown_to = NULL;
  gint64 before[3], after[3];
  gint64 n_rows = 0;
  gboolean create;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = involve_cli_parse_options ("copy", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc != 1 || from == NULL || to == NULL || *from == '\0' || *to == '\0')
    return involve_cli_usage_error ("copy", _("Give --from LOCATION and --to LOCATION."));
  if (same_location (from, to))
    return involve_cli_usage_error ("copy", _("The destination is the register being copied; give a new one."));

  shown_from = involve_db_redact_location (from);
  shown_to = involve_db_redact_location (to);

  /* The source must exist: never make an empty one by mistake. */
  source = involve_cli_open_store_full (from, FALSE);
  if (source == NULL)
    return 1;
  if (!print_counts (shown_from, source, before))
    return 1;

  /* Never overwrite a file: a new one only where nothing is. */
  create = !involve_db_location_is_server (to) && !g_file_test (to, G_FILE_TEST_EXISTS);
  destination = involve_cli_open_store_full (to, create);
  if (destination == NULL)
    return 1;

  if (!involve_store_copy_to (source, destination, &n_rows, &error))
    {
      if (error == NULL)
        g_set_error_literal (&error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_FAILED,
                             _("The copy could not be checked; treat the destination as unverified."));
      g_autofree char *message = involve_cli_dup_redacted_message (error->message, to);
      g_autofree char *shown = involve_cli_dup_redacted_message (message, from);

      fprintf (stderr, _("Nothing was copied to %s: %s\n"), shown_to, shown);
      return 1;
    }
  if (!print_counts (shown_to, destination, after))
    return 1;
  if (memcmp (before, after, sizeof before) != 0)
    {
      fprintf (stderr, _("The copy at %s does not hold what %s holds.\n"), shown_to, shown_from);
      return 1;
    }
  printf (_("Copied %" PRId64 " rows from %s to %s. Verify passed on both sides.\n"), n_rows, shown_from, shown_to);
  return 0;
}
