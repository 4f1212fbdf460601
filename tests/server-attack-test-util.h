/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Tamper cases on a team register.  What somebody holding a register file
 * does with sqlite3 (triggers dropped), the register's own people try on
 * the server, each on a connection they really logged in with
 * (store_test_server_exec_as ()), and the server must refuse it; a
 * digest of every table read by the superuser shows nothing changed.
 * What a superuser does behind the application (restoring an old dump) is
 * made with server_superuser_tamper (): verify and the heads must tell.
 */

#include <libpq-fe.h>
#include <string.h>

#include "store-engine-test-util.h"

/* Who tries each attack: the officer (also the register's administrator),
 * the reviewer, and another officer. */
static const char * const server_attackers[] = { "officer", "reviewer", "other" };

/* @sql as @who on @path's team register: the server refuses it with
 * @sqlstate and a message holding @words (may be NULL). */
static inline void
assert_server_refuses (const char *path,
                       const char *who,
                       const char *sql,
                       const char *sqlstate,
                       const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;

  if (store_test_server_exec_as (path, who, sql, &state, &error))
    g_error ("The server let %s (%s) do: %s", who, store_test_login (path, who), sql);
  g_test_message ("%s: refused, %s: %s", who, state, error->message);
  g_assert_cmpstr (state, ==, sqlstate);
  if (words != NULL && strstr (error->message, words) == NULL)
    g_error ("“%s” not in the server’s refusal to %s: “%s”", words, who, error->message);
}

/* The same refusal for each of server_attackers. */
static inline void
assert_server_refuses_all (const char *path,
                           const char *sql,
                           const char *sqlstate,
                           const char *words)
{
  for (guint i = 0; i < G_N_ELEMENTS (server_attackers); i++)
    assert_server_refuses (path, server_attackers[i], sql, sqlstate, words);
}

/* The register's owner alone may change its tables' definitions: the
 * triggers that keep it cannot be dropped nor turned off. */
static inline void
assert_server_keeps_triggers (const char *path)
{
  assert_server_refuses_all (path, "DROP TRIGGER audit_no_change ON audit", "42501", "must be owner");
  assert_server_refuses_all (path, "ALTER TABLE versions DISABLE TRIGGER ALL", "42501", "must be owner");
  assert_server_refuses_all (path, "SET session_replication_role = replica", "42501", NULL);
}

static inline PGconn *
server_superuser_connect (const char *path)
{
  g_autofree char *conninfo = pg_test_register_conninfo (store_test_server_register (path), NULL);
  PGconn *conn = PQconnectdb (conninfo);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect as the superuser: %s", PQerrorMessage (conn));
  return conn;
}

/* Every table of @path's team register, rows sorted, as the superuser
 * reads them: equal digests mean nothing changed. */
static inline char *
server_digest (const char *path)
{
  PGconn *conn = server_superuser_connect (path);
  PGresult *tables = PQexec (conn, "SELECT tablename FROM pg_catalog.pg_tables"
                                   " WHERE schemaname = 'involve' ORDER BY tablename");
  g_autoptr(GString) all = g_string_new (NULL);

  g_assert_cmpint (PQresultStatus (tables), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (PQntuples (tables), >, 10);
  for (int i = 0; i < PQntuples (tables); i++)
    {
      const char *name = PQgetvalue (tables, i, 0);
      g_autofree char *sql =
        g_strdup_printf ("SELECT md5 (coalesce (string_agg (t::text, E'\\n' ORDER BY t::text), ''))"
                         " FROM involve.\"%s\" t", name);
      PGresult *rows = PQexec (conn, sql);

      g_assert_cmpint (PQresultStatus (rows), ==, PGRES_TUPLES_OK);
      g_string_append_printf (all, "%s %s\n", name, PQgetvalue (rows, 0, 0));
      PQclear (rows);
    }
  PQclear (tables);
  PQfinish (conn);
  return g_string_free (g_steal_pointer (&all), FALSE);
}

/* @sql as the cluster's superuser with the triggers off, as a restore of
 * an old dump or a hand edit by whoever runs the server would be: only
 * verify and the heads kept outside the server can tell. */
static inline void
server_superuser_tamper (const char *path,
                         const char *sql)
{
  g_autofree char *all = g_strconcat ("SET search_path = involve; SET session_replication_role = replica; ",
                                      sql, NULL);

  pg_test_register_exec (store_test_server_register (path), all);
}

/* The first column of the first row of @sql, read as the superuser (0
 * when there is none). */
static inline gint64
server_query_int64 (const char *path,
                    const char *sql)
{
  PGconn *conn = server_superuser_connect (path);
  g_autofree char *all = g_strconcat ("SET search_path = involve; ", sql, NULL);
  PGresult *result = PQexec (conn, all);
  gint64 value = 0;

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  if (PQntuples (result) > 0 && !PQgetisnull (result, 0, 0))
    value = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  PQfinish (conn);
  return value;
}
