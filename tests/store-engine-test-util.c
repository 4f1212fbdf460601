/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libpq-fe.h>

#include "involve-store-private.h"
#include "store-engine-test-util.h"

typedef struct
{
  PgTestRegister *reg;
  char           *location;  /* the superuser's connection string */
  GHashTable     *logins;    /* who → login */
} ServerRegister;

static GHashTable *server_registers;  /* path → ServerRegister */

static void
server_register_free (ServerRegister *server)
{
  g_hash_table_unref (server->logins);
  g_free (server->location);
  pg_test_register_free (server->reg);
  g_free (server);
}

static void
drop_server_registers (void)
{
  g_clear_pointer (&server_registers, g_hash_table_unref);
}

gboolean
store_test_on_server (void)
{
  return g_strcmp0 (g_getenv ("INVOLVE_TEST_ENGINE"), "postgresql") == 0;
}

gboolean
store_test_skip_on_server (const char *why)
{
  if (!store_test_on_server ())
    return FALSE;
  g_test_skip (why);
  return TRUE;
}

static ServerRegister *
lookup_server (const char *path)
{
  ServerRegister *server;

  g_assert_true (store_test_on_server ());
  if (server_registers == NULL)
    {
      server_registers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) server_register_free);
      atexit (drop_server_registers);
    }
  server = g_hash_table_lookup (server_registers, path);
  if (server == NULL)
    {
      if (!pg_test_available ())
        g_error ("INVOLVE_TEST_ENGINE=postgresql needs a test cluster (INVOLVE_TEST_PG)");
      server = g_new0 (ServerRegister, 1);
      server->reg = pg_test_register_new ("store");
      server->location = pg_test_register_conninfo (server->reg, NULL);
      server->logins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (server_registers, g_strdup (path), server);
    }
  return server;
}

static const char *
server_login (ServerRegister *server,
              const char     *who)
{
  const char *login = g_hash_table_lookup (server->logins, who);
  InvolvePgRoles roles = INVOLVE_PG_ROLE_OFFICER;
  g_autoptr(GString) stem = g_string_new (NULL);

  if (login != NULL)
    return login;
  /* A login name: lower-case letters, digits and underscores. */
  for (const char *p = who; *p != '\0' && stem->len < 20; p++)
    g_string_append_c (stem, g_ascii_isalnum (*p) ? g_ascii_tolower (*p) : '_');
  if (g_str_equal (who, "officer"))
    roles = INVOLVE_PG_ROLE_OFFICER | INVOLVE_PG_ROLE_ADMIN;
  else if (g_str_equal (who, "reviewer"))
    roles = INVOLVE_PG_ROLE_REVIEWER;
  login = pg_test_unique_login (stem->str);
  pg_test_register_add_person (server->reg, login, roles);
  g_hash_table_insert (server->logins, g_strdup (who), (char *) login);
  return login;
}

const char *
store_test_location (const char *path)
{
  if (!store_test_on_server ())
    return path;
  return lookup_server (path)->location;
}

PgTestRegister *
store_test_server_register (const char *path)
{
  if (!store_test_on_server ())
    return NULL;
  return lookup_server (path)->reg;
}

const char *
store_test_login (const char *path,
                  const char *who)
{
  return server_login (lookup_server (path), who);
}

void
store_test_become (InvolveStore *store,
                   const char   *who)
{
  g_autoptr(GError) error = NULL;
  const char *location;
  ServerRegister *server = NULL;
  GHashTableIter iter;
  gpointer value;

  if (!involve_store_is_server (store) || who == NULL || server_registers == NULL)
    return;
  location = involve_store_get_path (store);
  g_hash_table_iter_init (&iter, server_registers);
  while (server == NULL && g_hash_table_iter_next (&iter, NULL, &value))
    if (g_str_equal (((ServerRegister *) value)->location, location))
      server = value;
  /* A team register the test opened with a connection string of its own
   * (test-store-server.c): its login is the one that string names. */
  if (server == NULL)
    return;
  g_assert_true (involve_store_server_become (store, server_login (server, who), &error));
  g_assert_no_error (error);
}

InvolveStore *
store_test_open_as (const char  *path,
                    const char  *who,
                    const char  *profile_name,
                    GError     **error)
{
  InvolveStore *store = g_initable_new (INVOLVE_TYPE_STORE, NULL, error,
                                        "path", store_test_location (path),
                                        "auto-backup", FALSE,
                                        "busy-timeout", 200,
                                        "profile-name", profile_name,
                                        "os-account", who,
                                        NULL);

  if (store != NULL)
    store_test_become (store, who);
  return store;
}

gboolean
store_test_server_exec_as (const char  *path,
                           const char  *who,
                           const char  *sql,
                           char       **sqlstate,
                           GError     **error)
{
  ServerRegister *server = lookup_server (path);
  g_autofree char *conninfo = pg_test_register_conninfo (server->reg, server_login (server, who));
  PGconn *conn = PQconnectdb (conninfo);
  PGresult *result;
  ExecStatusType status;
  gboolean ok;

  if (sqlstate != NULL)
    *sqlstate = NULL;
  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot log in as %s: %s", who, PQerrorMessage (conn));
  result = PQexec (conn, "SET search_path = involve");
  PQclear (result);
  result = PQexec (conn, sql);
  status = PQresultStatus (result);
  ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  if (!ok)
    {
      if (sqlstate != NULL)
        *sqlstate = g_strdup (PQresultErrorField (result, PG_DIAG_SQLSTATE));
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "%s",
                   PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY));
    }
  PQclear (result);
  PQfinish (conn);
  return ok;
}
