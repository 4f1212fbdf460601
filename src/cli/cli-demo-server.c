/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-cli"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libpq-fe.h>

#include "cli-commands.h"
#include "involve-pg-schema.h"

/*
 * involve-cli demo on a team register.  The server checks who acts: only
 * a reviewer decides, and never on what they submitted.  So the sample
 * people act through two demo people of the register, NAME_demo_officer
 * (officer and administrator: completes, trusts the demo keys) and
 * NAME_demo_reviewer (decides), made without the right to log in.  Only a
 * superuser may act as another role, so the demo on a server runs as
 * one, as server-setup does: IT tries Involve out on a register set up
 * for the purpose.
 */

static gboolean
query_one (PGconn      *conn,
           const char  *sql,
           char       **value)
{
  PGresult *result = PQexec (conn, sql);
  gboolean ok = PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) == 1;

  if (ok)
    *value = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  return ok;
}

static gboolean
forbid_login (PGconn      *conn,
              const char  *login,
              GError     **error)
{
  char *quoted = PQescapeIdentifier (conn, login, strlen (login));
  g_autofree char *sql = g_strdup_printf ("ALTER ROLE %s NOLOGIN", quoted);
  PGresult *result = PQexec (conn, sql);
  gboolean ok = PQresultStatus (result) == PGRES_COMMAND_OK;

  if (!ok)
    g_set_error (error, INVOLVE_CLI_ERROR, INVOLVE_CLI_ERROR_FAILED,
                 _("Could not make the demo person %s: %s"), login,
                 PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY));
  PQclear (result);
  PQfreemem (quoted);
  return ok;
}

gboolean
involve_cli_demo_server_people (const char  *conninfo,
                                char       **officer,
                                char       **reviewer,
                                GError     **error)
{
  g_autofree char *superuser = NULL;
  g_autofree char *name = NULL;
  g_autofree char *officer_login = NULL;
  g_autofree char *reviewer_login = NULL;
  PGconn *conn = PQconnectdb (conninfo);
  gboolean ok = FALSE;

  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strstrip (g_strdup (PQerrorMessage (conn)));

      g_set_error (error, INVOLVE_CLI_ERROR, INVOLVE_CLI_ERROR_FAILED,
                   _("Could not reach the server: %s"), message);
      goto out;
    }
  if (!query_one (conn, "SELECT rolsuper::text FROM pg_catalog.pg_roles WHERE rolname = session_user",
                  &superuser) || !g_str_equal (superuser, "true"))
    {
      g_set_error_literal (error, INVOLVE_CLI_ERROR, INVOLVE_CLI_ERROR_FAILED,
                           _("On a team register the sample records are written by two demo people, an officer "
                             "and a reviewer, because the server lets only a reviewer sign off, and never what "
                             "they submitted. Only a superuser may act as them: run the demo with a superuser’s "
                             "connection string, as for server-setup, on a register set up for trying Involve out."));
      goto out;
    }
  if (!query_one (conn, "SELECT value FROM involve.meta WHERE key = 'register-name'", &name))
    {
      g_set_error_literal (error, INVOLVE_CLI_ERROR, INVOLVE_CLI_ERROR_FAILED,
                           _("This database holds no Involve register: set one up first (involve-cli server-setup)."));
      goto out;
    }
  officer_login = g_strdup_printf ("%s_demo_officer", name);
  reviewer_login = g_strdup_printf ("%s_demo_reviewer", name);
  if (!involve_pg_schema_add_person (conn, name, officer_login, INVOLVE_PG_ROLE_OFFICER | INVOLVE_PG_ROLE_ADMIN,
                                     error) ||
      !involve_pg_schema_add_person (conn, name, reviewer_login, INVOLVE_PG_ROLE_REVIEWER, error) ||
      !forbid_login (conn, officer_login, error) ||
      !forbid_login (conn, reviewer_login, error))
    goto out;
  *officer = g_steal_pointer (&officer_login);
  *reviewer = g_steal_pointer (&reviewer_login);
  ok = TRUE;

out:
  PQfinish (conn);
  return ok;
}
