/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-cli"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>
#include <libpq-fe.h>

#include "cli-commands.h"
#include "involve-pg-schema.h"

/*
 * involve-cli server-setup CONNINFO --register NAME
 * involve-cli server-add-person CONNINFO --register NAME --login ROLE --role officer[,reviewer][,admin]
 *
 * For the IT department: sets up a team register on a PostgreSQL server
 * (the database CONNINFO names, as a superuser) and lets people's login
 * roles act in it.  CONNINFO is a libpq connection string or a
 * postgresql:// URI.
 */

static PGconn *
open_server (const char *conninfo)
{
  PGconn *conn = PQconnectdb (conninfo);

  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strstrip (g_strdup (PQerrorMessage (conn)));

      g_printerr (_("Could not reach the server: %s\n"), message);
      PQfinish (conn);
      return NULL;
    }
  return conn;
}

int
involve_cli_server_setup (const char  *database_path,
                          int          argc,
                          char       **argv)
{
  g_autofree char *register_name = NULL;
  const GOptionEntry entries[] = {
    { "register", 0, 0, G_OPTION_ARG_STRING, &register_name,
      N_("The register's name, such as north_icb: its roles are named after it"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("CONNINFO — set up a team register in a PostgreSQL database (as a superuser)"));
  g_autoptr(GError) error = NULL;
  PGconn *conn;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = involve_cli_parse_options ("server-setup", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc != 2 || register_name == NULL)
    return involve_cli_usage_error ("server-setup", _("Give the server's connection string and --register."));
  if (!involve_pg_schema_check_register_name (register_name, &error))
    return involve_cli_usage_error ("server-setup", "%s", error->message);

  conn = open_server (argv[1]);
  if (conn == NULL)
    return 1;
  if (!involve_pg_schema_install (conn, register_name, &error))
    {
      PQfinish (conn);
      return involve_cli_fail (NULL, error);
    }
  printf (_("The register %s is ready in the database %s. Add people with “involve-cli server-add-person”.\n"),
          register_name, PQdb (conn));
  PQfinish (conn);
  return 0;
}

int
involve_cli_server_add_person (const char  *database_path,
                               int          argc,
                               char       **argv)
{
  g_autofree char *register_name = NULL;
  g_autofree char *login = NULL;
  g_autofree char *role_text = NULL;
  const GOptionEntry entries[] = {
    { "register", 0, 0, G_OPTION_ARG_STRING, &register_name, N_("The register's name"), N_("NAME") },
    { "login", 0, 0, G_OPTION_ARG_STRING, &login,
      N_("The person's login role on the server (made when missing, without a password)"), N_("ROLE") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_text,
      N_("What they do in the register: officer, reviewer, admin, separated by commas"), N_("ROLES") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("CONNINFO — let a person's login role act in a team register"));
  g_autoptr(GError) error = NULL;
  InvolvePgRoles roles = 0;
  PGconn *conn;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = involve_cli_parse_options ("server-add-person", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc != 2 || register_name == NULL || login == NULL || role_text == NULL)
    return involve_cli_usage_error ("server-add-person",
                                    _("Give the server's connection string, --register, --login and --role."));
  if (!involve_pg_schema_check_register_name (register_name, &error) ||
      !involve_pg_schema_parse_roles (role_text, &roles, &error))
    return involve_cli_usage_error ("server-add-person", "%s", error->message);

  conn = open_server (argv[1]);
  if (conn == NULL)
    return 1;
  if (!involve_pg_schema_add_person (conn, register_name, login, roles, &error))
    {
      PQfinish (conn);
      return involve_cli_fail (NULL, error);
    }
  PQfinish (conn);
  printf (_("%s may now act in the register %s as %s.\n"), login, register_name, role_text);
  return 0;
}
