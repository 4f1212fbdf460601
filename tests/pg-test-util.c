/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pg-test-util.h"

static void
ignore_notice (void       *data,
               const char *message)
{
}

gboolean
pg_test_available (void)
{
  const char *conninfo = g_getenv ("INVOLVE_TEST_PG");

  if (g_strcmp0 (conninfo, "skip") == 0)
    {
      g_test_skip ("INVOLVE_TEST_PG=skip: no PostgreSQL tests");
      return FALSE;
    }
  if (conninfo == NULL || *conninfo == '\0')
    g_error ("INVOLVE_TEST_PG is not set: run the tests with `bash tools/run-tests`, or start a throw-away "
             "cluster with `eval \"$(bash tools/pg-test-cluster start /tmp/pgc)\"` "
             "(INVOLVE_TEST_PG=skip skips these tests)");
  return TRUE;
}

PGconn *
pg_test_connect (const char *dbname,
                 const char *login)
{
  /* The string first (expanded), then what replaces its keywords. */
  const char *keywords[4] = { "dbname", NULL, NULL, NULL };
  const char *values[4] = { g_getenv ("INVOLVE_TEST_PG"), NULL, NULL, NULL };
  int n = 1;
  PGconn *conn;

  if (dbname != NULL)
    keywords[n] = "dbname", values[n++] = dbname;
  if (login != NULL)
    keywords[n] = "user", values[n++] = login;
  conn = PQconnectdbParams (keywords, values, 1);
  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot reach the test server as %s: %s", login != NULL ? login : "the superuser",
             PQerrorMessage (conn));
  PQsetNoticeProcessor (conn, ignore_notice, NULL);
  return conn;
}

gboolean
pg_test_try_exec (PGconn      *conn,
                  const char  *sql,
                  char       **sqlstate,
                  char       **message)
{
  PGresult *result = PQexec (conn, sql);
  ExecStatusType status = PQresultStatus (result);
  gboolean ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;

  if (sqlstate != NULL)
    *sqlstate = ok ? NULL : g_strdup (PQresultErrorField (result, PG_DIAG_SQLSTATE));
  if (message != NULL)
    *message = ok ? NULL : g_strdup (PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY));
  PQclear (result);
  return ok;
}

void
pg_test_exec (PGconn     *conn,
              const char *sql)
{
  g_autofree char *message = NULL;

  if (!pg_test_try_exec (conn, sql, NULL, &message))
    g_error ("%s failed: %s", sql, message != NULL ? message : PQerrorMessage (conn));
}

char *
pg_test_unique_login (const char *stem)
{
  return g_strdup_printf ("%s_%08x", stem, g_random_int ());
}

PgTestRegister *
pg_test_register_new (const char *label)
{
  PgTestRegister *reg = g_new0 (PgTestRegister, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *create = NULL;
  PGconn *conn;

  reg->name = pg_test_unique_login (label);
  reg->dbname = g_strdup_printf ("involve_test_%s", reg->name);
  conn = pg_test_connect ("postgres", NULL);
  create = g_strdup_printf ("CREATE DATABASE %s ENCODING 'UTF8' TEMPLATE template0", reg->dbname);
  pg_test_exec (conn, create);
  PQfinish (conn);

  conn = pg_test_connect (reg->dbname, NULL);
  if (!involve_pg_schema_install (conn, reg->name, &error))
    g_error ("Cannot install register %s: %s", reg->name, error->message);
  PQfinish (conn);
  return reg;
}

void
pg_test_register_add_person (PgTestRegister *reg,
                             const char     *login,
                             InvolvePgRoles  roles)
{
  g_autoptr(GError) error = NULL;
  PGconn *conn = pg_test_connect (reg->dbname, NULL);

  if (!involve_pg_schema_add_person (conn, reg->name, login, roles, &error))
    g_error ("Cannot add %s: %s", login, error->message);
  PQfinish (conn);
}

char *
pg_test_register_new_person (PgTestRegister *reg,
                             const char     *stem,
                             InvolvePgRoles  roles)
{
  char *login = pg_test_unique_login (stem);

  pg_test_register_add_person (reg, login, roles);
  return login;
}

PgTestRegister *
pg_test_register_new_with_person (const char     *label,
                                  const char     *stem,
                                  InvolvePgRoles  roles,
                                  char          **login)
{
  PgTestRegister *reg = pg_test_register_new (label);

  *login = pg_test_register_new_person (reg, stem, roles);
  return reg;
}

char *
pg_test_register_conninfo (PgTestRegister *reg,
                           const char     *login)
{
  /* In a key=value string the last of a keyword wins. */
  if (login == NULL)
    return g_strdup_printf ("%s dbname=%s", g_getenv ("INVOLVE_TEST_PG"), reg->dbname);
  return g_strdup_printf ("%s dbname=%s user=%s", g_getenv ("INVOLVE_TEST_PG"), reg->dbname, login);
}

void
pg_test_register_exec (PgTestRegister *reg,
                       const char     *sql)
{
  PGconn *conn = pg_test_connect (reg->dbname, NULL);

  pg_test_exec (conn, sql);
  PQfinish (conn);
}

guint
pg_test_register_wait_for_sessions (PgTestRegister *reg,
                                    guint           timeout_ms)
{
  PGconn *conn = pg_test_connect (reg->dbname, NULL);
  gint64 give_up = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint left;

  for (;;)
    {
      PGresult *result = PQexec (conn, "SELECT count(*) FROM pg_stat_activity"
                                       " WHERE datname = current_database () AND pid <> pg_backend_pid ()"
                                       " AND backend_type = 'client backend'");

      if (PQresultStatus (result) != PGRES_TUPLES_OK)
        g_error ("Cannot read the server's sessions: %s", PQresultErrorMessage (result));
      left = (guint) g_ascii_strtoull (PQgetvalue (result, 0, 0), NULL, 10);
      PQclear (result);
      if (left == 0 || g_get_monotonic_time () >= give_up)
        break;
      g_usleep (20 * 1000);
    }
  PQfinish (conn);
  return left;
}

void
pg_test_register_free (PgTestRegister *reg)
{
  g_autofree char *drop = NULL;
  PGconn *conn;

  if (reg == NULL)
    return;
  conn = pg_test_connect ("postgres", NULL);
  drop = g_strdup_printf ("DROP DATABASE IF EXISTS %s WITH (FORCE)", reg->dbname);
  pg_test_exec (conn, drop);
  PQfinish (conn);
  g_free (reg->dbname);
  g_free (reg->name);
  g_free (reg);
}
