/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Attacks on a team register.  What somebody holding a register file does
 * with sqlite3 (triggers dropped, rows rewritten), the register's own
 * people try on the server, each on a connection they really logged in
 * with (store_test_server_exec_as ()), and the server must refuse it: the
 * cases assert the server's own SQLSTATE and message, never something the
 * attacker wrote, then that nothing changed (server_digest (), read by the
 * superuser, and verify).  What a superuser does behind the application
 * (restoring an old dump) is made with server_superuser_tamper (): verify
 * and the heads must tell.
 */

#include <libpq-fe.h>
#include <string.h>

#include "store-test-util.h"

/* Who tries each attack (store-engine-test-util.h): the officer (also the
 * register's administrator), the reviewer, and another officer. */
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
  g_test_message ("%s as %s: refused, %s: %s", sql, who, state, error->message);
  g_assert_cmpstr (state, ==, sqlstate);
  if (words != NULL && strstr (error->message, words) == NULL)
    g_error ("“%s” not in the server’s refusal to %s of %s: “%s”", words, who, sql, error->message);
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

/* @who may run @sql (a control: the attack next to it is refused for what
 * it forges, not for being malformed). */
static inline void
assert_server_allows (const char *path,
                      const char *who,
                      const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;

  if (!store_test_server_exec_as (path, who, sql, &state, &error))
    g_error ("%s as %s was refused: %s %s", sql, who, state, error->message);
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

/* The cluster's superuser's login, whom nobody else may become. */
static inline char *
server_superuser_name (const char *path)
{
  g_autofree char *conninfo = pg_test_register_conninfo (store_test_server_register (path), NULL);
  PQconninfoOption *options = PQconninfoParse (conninfo, NULL);
  char *user = NULL;

  g_assert_nonnull (options);
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    if (g_str_equal (o->keyword, "user") && o->val != NULL)
      user = g_strdup (o->val);
  PQconninfoFree (options);
  if (user == NULL)
    user = g_strdup (g_get_user_name ());
  return user;
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
        g_strdup_printf ("SELECT count (*) || ' ' || md5 (coalesce (string_agg (t::text, E'\\n' ORDER BY t::text), ''))"
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

/* The register still holds what @before (server_digest ()) says it held,
 * and verify passes: the server wrote nothing. */
static inline void
assert_server_untouched (const char *path,
                         const char *before)
{
  g_autofree char *after = server_digest (path);
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 broken = -1;

  g_assert_cmpstr (after, ==, before);
  store = open_store (path, &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_verify (store, &broken, &error));
  g_assert_no_error (error);
  g_assert_cmpint (broken, ==, 0);
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

/*
 * The ways round the server's rules that a file has no analogue of, each
 * tried before @write (a statement on @table the server refuses with
 * @sqlstate and @words) by every attacker: turning the table's triggers
 * off or dropping @trigger, switching triggers off for the session
 * (replica mode), becoming the owner, a superuser or somebody else,
 * replacing a rule's function, and copy mode, which is a superuser's.
 */
static inline void
assert_server_refuses_ways_round (const char *path,
                                  const char *table,
                                  const char *trigger,
                                  const char *write,
                                  const char *sqlstate,
                                  const char *words)
{
  PgTestRegister *reg = store_test_server_register (path);
  g_autofree char *super = server_superuser_name (path);
  g_autofree char *owner = g_strdup_printf ("%s_owner", reg->name);

  for (guint i = 0; i < G_N_ELEMENTS (server_attackers); i++)
    {
      const char *who = server_attackers[i];
      const char *someone_else = store_test_login (path, g_str_equal (who, "officer") ? "reviewer" : "officer");
      struct { char *sql; const char *state; const char *words; } tries[] = {
        { g_strdup_printf ("ALTER TABLE %s DISABLE TRIGGER ALL; %s", table, write), "42501", "must be owner" },
        { g_strdup_printf ("ALTER TABLE %s DISABLE TRIGGER %s; %s", table, trigger, write), "42501", "must be owner" },
        { g_strdup_printf ("DROP TRIGGER %s ON %s; %s", trigger, table, write), "42501", "must be owner" },
        { g_strdup_printf ("ALTER TABLE %s DISABLE ROW LEVEL SECURITY; %s", table, write), "42501", "must be owner" },
        { g_strdup_printf ("SET session_replication_role = replica; %s", write),
          "42501", "permission denied to set parameter" },
        { g_strdup_printf ("SET ROLE %s; %s", owner, write), "42501", "permission denied to set role" },
        { g_strdup_printf ("SET SESSION AUTHORIZATION %s; %s", super, write),
          "42501", "permission denied to set session authorization" },
        { g_strdup_printf ("SET SESSION AUTHORIZATION %s; %s", someone_else, write),
          "42501", "permission denied to set session authorization" },
        { g_strdup_printf ("CREATE OR REPLACE FUNCTION involve.copying () RETURNS boolean"
                           " LANGUAGE sql AS 'SELECT true'; %s", write), "42501", "permission denied" },
        { g_strdup_printf ("SET involve.copy = 'on'; %s", write), sqlstate, words },
        { g_strdup_printf ("BEGIN; SET LOCAL involve.copy = 'on'; %s; COMMIT", write), sqlstate, words },
      };

      for (guint t = 0; t < G_N_ELEMENTS (tries); t++)
        {
          assert_server_refuses (path, who, tries[t].sql, tries[t].state, tries[t].words);
          g_free (tries[t].sql);
        }
    }
}

/*
 * An audit entry appended after the last one, complete and hashed by the
 * server's own function, but for @account_sql, @time_sql and @prev_sql
 * (SQL expressions; session_user, involve.now_usec () and h.hash, the
 * last entry's, are the honest ones).
 */
static inline char *
server_forged_entry_sql (const char *account_sql,
                         const char *time_sql,
                         const char *prev_sql,
                         const char *details)
{
  return g_strdup_printf ("INSERT INTO audit (id, time_usec, account, profile, kind, record_uuid, version,"
                          " field_id, old_value, new_value, details, prev_hash, hash)"
                          " SELECT h.id + 1, e.t, e.a, 'Tamper', 'value', NULL, 0, NULL, NULL, NULL, '%s',"
                          " e.p, audit_entry_hash (h.id + 1, e.t, e.a, 'Tamper', 'value', NULL, 0, NULL,"
                          " NULL, NULL, '%s', e.p)"
                          " FROM (SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1) h,"
                          " LATERAL (SELECT (%s)::text AS a, (%s)::bigint AS t, (%s)::text AS p) e",
                          details, details, account_sql, time_sql, prev_sql);
}

/* Nobody writes an entry in somebody else's name or at another time,
 * copy mode or not; the same entry in their own name and at the
 * server's time would go in (tried, then rolled back). */
static inline void
assert_server_refuses_forged_entries (const char *path)
{
  g_autofree char *honest = server_forged_entry_sql ("session_user", "involve.now_usec ()", "h.hash", "honest");
  g_autofree char *control = g_strdup_printf ("BEGIN; %s; ROLLBACK", honest);

  for (guint i = 0; i < G_N_ELEMENTS (server_attackers); i++)
    {
      const char *who = server_attackers[i];
      const char *other = g_str_equal (who, "reviewer") ? "officer" : "reviewer";
      g_autofree char *name = g_strdup_printf ("'%s'", store_test_login (path, other));
      g_autofree char *forged_account = server_forged_entry_sql (name, "involve.now_usec ()", "h.hash",
                                                                 "forged account");
      g_autofree char *forged_time = server_forged_entry_sql ("session_user", "involve.now_usec () - 86400000000",
                                                              "h.hash", "forged time");
      g_autofree char *copy_account = g_strdup_printf ("SET involve.copy = 'on'; %s", forged_account);
      g_autofree char *copy_time = g_strdup_printf ("SET involve.copy = 'on'; %s", forged_time);

      assert_server_allows (path, who, control);
      assert_server_refuses (path, who, forged_account, "42501", "an audit entry names the person logged in");
      assert_server_refuses (path, who, forged_time, "42501", "an audit entry carries the server's time");
      assert_server_refuses (path, who, copy_account, "42501", "an audit entry names the person logged in");
      assert_server_refuses (path, who, copy_time, "42501", "an audit entry carries the server's time");
    }
}
