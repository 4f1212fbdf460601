/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Tampering with a team register, for the tamper cases of test-store.c.
 * A register file's owner can write anything into it, so on SQLite those
 * cases tamper and then show that verify catches it.  On a server the same
 * tampering is tried by each of the register's people, logged in as
 * themselves with nothing but SQL (tamper_exec_as ()), and the
 * server must refuse it: the cases assert the server's own SQLSTATE and
 * message, never something the attacker wrote, then that nothing changed.
 */

#include <string.h>
#include <libpq-fe.h>

#include "store-test-util.h"

/* The register's people (store-engine-test-util.h): "officer" is also its
 * administrator, "reviewer" a reviewer, "other" a plain officer. */
static const char *const tamper_people[] = { "officer", "reviewer", "other" };

/* Logged-in connections by connection string, kept for a case: the
 * cases try many statements, and a new connection costs more than each. */
static GHashTable *tamper_connections;

static inline void
tamper_disconnect (void)
{
  g_clear_pointer (&tamper_connections, g_hash_table_unref);
}

/* Like store_test_server_exec_as (): runs @sql on @path's team register
 * on a connection that logged in as @who, which then starts afresh
 * (DISCARD ALL: no setting, role or transaction carries over). */
static inline gboolean
tamper_exec_as (const char  *path,
                const char  *who,
                const char  *sql,
                char       **sqlstate,
                GError     **error)
{
  g_autofree char *conninfo = pg_test_register_conninfo (store_test_server_register (path),
                                                         store_test_login (path, who));
  PGconn *conn;
  PGresult *result;
  ExecStatusType status;
  gboolean ok;

  if (tamper_connections == NULL)
    tamper_connections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) PQfinish);
  conn = g_hash_table_lookup (tamper_connections, conninfo);
  if (conn == NULL)
    {
      conn = PQconnectdb (conninfo);
      if (PQstatus (conn) != CONNECTION_OK)
        g_error ("Cannot log in as %s: %s", who, PQerrorMessage (conn));
      g_hash_table_insert (tamper_connections, g_strdup (conninfo), conn);
    }
  result = PQexec (conn, "SET search_path = involve");
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
  PQclear (result);

  *sqlstate = NULL;
  result = PQexec (conn, sql);
  status = PQresultStatus (result);
  ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  if (!ok)
    {
      *sqlstate = g_strdup (PQresultErrorField (result, PG_DIAG_SQLSTATE));
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "%s",
                   PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY));
    }
  PQclear (result);

  if (PQtransactionStatus (conn) != PQTRANS_IDLE)
    PQclear (PQexec (conn, "ROLLBACK"));
  result = PQexec (conn, "DISCARD ALL");
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
  PQclear (result);
  return ok;
}

/* Asserts that the server refuses @sql from @who with @sqlstate and a
 * message containing @words (NULL: any). */
static inline void
tamper_refused_as (const char *path,
                   const char *who,
                   const char *sql,
                   const char *sqlstate,
                   const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;

  if (tamper_exec_as (path, who, sql, &state, &error))
    g_error ("the server let %s do it: %s", who, sql);
  g_test_message ("%s as %s -> %s %s", sql, who, state, error->message);
  g_assert_cmpstr (state, ==, sqlstate);
  if (words != NULL && strstr (error->message, words) == NULL)
    g_error ("%s as %s: expected “%s” in “%s”", sql, who, words, error->message);
}

/* The same from every person of the register. */
static inline void
tamper_refused (const char *path,
                const char *sql,
                const char *sqlstate,
                const char *words)
{
  for (guint i = 0; i < G_N_ELEMENTS (tamper_people); i++)
    tamper_refused_as (path, tamper_people[i], sql, sqlstate, words);
}

/* Asserts that @who may run @sql (a control: the attack next to it is
 * refused for what it forges, not for being malformed). */
static inline void
tamper_allowed_as (const char *path,
                   const char *who,
                   const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;

  if (!tamper_exec_as (path, who, sql, &state, &error))
    g_error ("%s as %s was refused: %s %s", sql, who, state, error->message);
}

/* The cluster's superuser, whom nobody else may become. */
static inline char *
tamper_superuser (const char *path)
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

/*
 * The ways round the server's rules that a file has no analogue of, each
 * tried before @write (a statement on @table the server refuses with
 * @sqlstate and @words) by every person: turning the table's triggers
 * off or dropping @trigger, switching triggers off for the session
 * (replica mode), becoming the owner, a superuser or somebody else,
 * replacing a rule's function, and copy mode, which is a superuser's.
 */
static inline void
tamper_ways_round (const char *path,
                   const char *table,
                   const char *trigger,
                   const char *write,
                   const char *sqlstate,
                   const char *words)
{
  PgTestRegister *reg = store_test_server_register (path);
  g_autofree char *super = tamper_superuser (path);
  g_autofree char *owner = g_strdup_printf ("%s_owner", reg->name);

  for (guint i = 0; i < G_N_ELEMENTS (tamper_people); i++)
    {
      const char *who = tamper_people[i];
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
          tamper_refused_as (path, who, tries[t].sql, tries[t].state, tries[t].words);
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
tamper_audit_entry_sql (const char *account_sql,
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
tamper_forged_entries_refused (const char *path)
{
  g_autofree char *honest = tamper_audit_entry_sql ("session_user", "involve.now_usec ()", "h.hash", "honest");
  g_autofree char *control = g_strdup_printf ("BEGIN; %s; ROLLBACK", honest);

  for (guint i = 0; i < G_N_ELEMENTS (tamper_people); i++)
    {
      const char *who = tamper_people[i];
      const char *other = g_str_equal (who, "reviewer") ? "officer" : "reviewer";
      g_autofree char *name = g_strdup_printf ("'%s'", store_test_login (path, other));
      g_autofree char *forged_account = tamper_audit_entry_sql (name, "involve.now_usec ()", "h.hash",
                                                                "forged account");
      g_autofree char *forged_time = tamper_audit_entry_sql ("session_user", "involve.now_usec () - 86400000000",
                                                             "h.hash", "forged time");
      g_autofree char *copy_account = g_strdup_printf ("SET involve.copy = 'on'; %s", forged_account);
      g_autofree char *copy_time = g_strdup_printf ("SET involve.copy = 'on'; %s", forged_time);

      tamper_allowed_as (path, who, control);
      tamper_refused_as (path, who, forged_account, "42501", "an audit entry names the person logged in");
      tamper_refused_as (path, who, forged_time, "42501", "an audit entry carries the server's time");
      tamper_refused_as (path, who, copy_account, "42501", "an audit entry names the person logged in");
      tamper_refused_as (path, who, copy_time, "42501", "an audit entry carries the server's time");
    }
}

/* What the register holds, as its superuser reads it: a digest of each
 * table that tampering would change.  Equal before and after means the
 * server wrote nothing. */
static inline char *
tamper_server_state (const char *path)
{
  const char *tables[][2] = {
    { "audit", "id" }, { "audit_signatures", "audit_id" }, { "records", "id" }, { "versions", "id" },
    { "field_values", "version_id, field_id" }, { "imported_trails", "id" },
    { "imported_audit", "trail_id, position" }, { "certificates", "fingerprint" }, { "trust", "id" },
  };
  g_autofree char *conninfo = pg_test_register_conninfo (store_test_server_register (path), NULL);
  PGconn *conn = PQconnectdb (conninfo);
  GString *state = g_string_new (NULL);

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count (*) || ' ' || coalesce (md5 (string_agg (t::text, '|'"
                                              " ORDER BY %s)), '-') FROM involve.%s t",
                                              tables[i][1], tables[i][0]);
      PGresult *result = PQexec (conn, sql);

      if (PQresultStatus (result) != PGRES_TUPLES_OK)
        g_error ("%s: %s", sql, PQresultErrorMessage (result));
      g_string_append_printf (state, "%s %s\n", tables[i][0], PQgetvalue (result, 0, 0));
      PQclear (result);
    }
  PQfinish (conn);
  return g_string_free (state, FALSE);
}

/* Asserts that the register still holds what @before says it held, and
 * that verify passes: the server wrote nothing. */
static inline void
tamper_assert_untouched (const char *path,
                         const char *before)
{
  g_autofree char *after = tamper_server_state (path);
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 broken = -1;

  tamper_disconnect ();
  g_assert_cmpstr (after, ==, before);
  store = open_store (path, &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_verify (store, &broken, &error));
  g_assert_no_error (error);
  g_assert_cmpint (broken, ==, 0);
}
