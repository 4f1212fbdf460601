/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-cli"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "cli-commands.h"
#include "involve-db.h"
#include "involve-paths.h"

/*
 * involve-cli [--portable DIR] [--database PATH] paths
 *
 * Prints where Involve keeps its files, one "key: value" a line.  The keys
 * are fixed (scripts such as tools/run-app read them); they are not
 * translated.
 */
int
involve_cli_paths (const char  *database_path,
                   int          argc,
                   char       **argv)
{
  g_autofree char *data_dir = involve_paths_get_data_dir ();
  g_autofree char *config_dir = involve_paths_get_config_dir ();
  g_autofree char *backup_dir = involve_paths_get_backup_dir ();
  g_autofree char *default_register = involve_paths_get_default_register ();
  const char *portable = involve_paths_get_portable_dir ();
  g_autofree char *shown = involve_db_redact_location (database_path);
  int status;

  status = involve_cli_check_arguments ("paths", _("Usage: involve-cli paths"), argc, argv, 0);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;

  /* A server's connection string is shown without its password. */
  printf ("register: %s\n", shown != NULL ? shown : default_register);
  printf ("data: %s\n", data_dir);
  printf ("backups: %s\n", backup_dir);
  printf ("settings: %s\n", config_dir);
  printf ("portable: %s\n", portable != NULL ? portable : "no");
  return 0;
}
