/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-cli"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "cli-commands.h"
#include "involve-db.h"
#include "involve-paths.h"

/* Starting a register on purpose, and putting a backup back. */

int
involve_cli_create (const char *database_path,
                    int         argc,
                    char      **argv)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autofree char *path = NULL;
  int status;

  status = involve_cli_check_arguments ("create", _("Usage: involve-cli create\n\n"
                                          "Starts a new, empty register at the --database PATH given before the\n"
                                          "command (or the default register); never over an existing file."), argc, argv, 0);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;

  if (involve_db_location_is_server (database_path))
    {
      involve_cli_refuse_server_create ();
      return 1;
    }
  path = database_path != NULL ? g_strdup (database_path) : involve_paths_get_default_register ();
  /* Never over an existing file, not even an empty one: it may be a
   * register whose copy has not finished. */
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      fprintf (stderr, _("“%s” exists already; a new register needs a new file name.\n"), path);
      return 1;
    }
  store = involve_cli_open_store_full (path, TRUE);
  if (store == NULL)
    return 1;
  printf (_("Created the register %s\n"), involve_store_get_path (store));
  return 0;
}

int
involve_cli_restore (const char *database_path,
                     int         argc,
                     char      **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *kept = NULL;
  int status;

  status = involve_cli_check_arguments ("restore",
                                        _("Usage: involve-cli restore BACKUP\n\n"
                                          "Checks BACKUP, keeps the register (--database PATH before the command,\n"
                                          "or the default one) as PATH.damaged-DATE-TIME and puts the checked\n"
                                          "copy in its place.  Close Involve first."),
                                        argc, argv, 1);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc < 2)
    return involve_cli_usage_error ("restore", _("Give the backup to restore (see “involve-cli paths” for the backups folder)."));

  if (involve_db_location_is_server (database_path))
    {
      fprintf (stderr, "%s\n", _("A team register on a server is not restored from a backup file: "
                                 "its server keeps its own backups; ask your IT department."));
      return 1;
    }
  path = database_path != NULL ? g_strdup (database_path) : involve_paths_get_default_register ();
  if (!involve_store_restore_backup (path, argv[1], &kept, &error))
    return involve_cli_fail (NULL, error);
  printf (_("Restored %s from %s\n"), path, argv[1]);
  if (kept != NULL)
    printf (_("The previous file is kept as %s\n"), kept);
  return 0;
}
