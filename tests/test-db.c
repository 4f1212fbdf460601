/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "involve-db.h"
#include "involve-db-pg-private.h"
#include "involve-db-pg-sql.h"

/*
 * The connection interface on both engines: each case runs on SQLite in
 * memory and on PostgreSQL in a fresh database (made on the cluster that
 * INVOLVE_TEST_PG names, dropped at the end).  Without INVOLVE_TEST_PG the
 * PostgreSQL cases fail, so that CI never skips them unseen; only
 * INVOLVE_TEST_PG=skip skips them.
 */

typedef struct
{
  InvolveDb *db;
  InvolveDb *admin;      /* PostgreSQL: the superuser's connection */
  char      *dbname;
  char      *conninfo;   /* PostgreSQL: of the test's database */
} Fixture;

static gboolean
is_pg (Fixture *f)
{
  return involve_db_get_engine (f->db) == INVOLVE_DB_ENGINE_POSTGRESQL;
}

static void
setup_sqlite (Fixture       *f,
              gconstpointer  data)
{
  sqlite3 *sqlite = NULL;

  g_assert_cmpint (sqlite3_open_v2 (":memory:", &sqlite,
                                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), ==, SQLITE_OK);
  f->db = involve_db_new_sqlite (sqlite);
  g_assert_cmpint (involve_db_exec (f->db, "PRAGMA foreign_keys = ON", NULL), ==, SQLITE_OK);
}

/* The admin connection string, or NULL after failing or skipping. */
static const char *
admin_conninfo (void)
{
  const char *admin = g_getenv ("INVOLVE_TEST_PG");

  if (admin == NULL || *admin == '\0')
    {
      g_test_fail_printf ("INVOLVE_TEST_PG is not set: run the tests with `bash tools/run-tests`, "
                          "or start a cluster with `eval \"$(bash tools/pg-test-cluster start DIR)\"` "
                          "(INVOLVE_TEST_PG=skip skips the PostgreSQL cases)");
      return NULL;
    }
  if (g_str_equal (admin, "skip"))
    {
      g_test_skip ("INVOLVE_TEST_PG=skip");
      return NULL;
    }
  if (involve_db_location_is_server (admin) && strstr (admin, "://") != NULL)
    {
      g_test_fail_printf ("INVOLVE_TEST_PG must be a key=value connection string, not a URI");
      return NULL;
    }
  return admin;
}

static InvolveDb *
connect_or_fail (const char *conninfo)
{
  g_autoptr(GError) error = NULL;
  InvolveDb *db = involve_db_connect_postgresql (conninfo, &error);

  g_assert_no_error (error);
  g_assert_nonnull (db);
  return db;
}

static void
setup_pg (Fixture       *f,
          gconstpointer  data)
{
  const char *admin = admin_conninfo ();
  g_autofree char *create = NULL;

  if (admin == NULL)
    return;
  f->admin = connect_or_fail (admin);
  f->dbname = g_strdup_printf ("involve_test_db_%08x%08x", g_random_int (), g_random_int ());
  create = g_strdup_printf ("CREATE DATABASE %s", f->dbname);
  g_assert_cmpint (involve_db_exec (f->admin, create, NULL), ==, SQLITE_OK);
  f->conninfo = g_strdup_printf ("%s dbname=%s", admin, f->dbname);
  f->db = connect_or_fail (f->conninfo);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_pointer (&f->db, involve_db_close);
  if (f->admin != NULL)
    {
      g_autofree char *drop = g_strdup_printf ("DROP DATABASE %s WITH (FORCE)", f->dbname);

      g_assert_cmpint (involve_db_exec (f->admin, drop, NULL), ==, SQLITE_OK);
      g_clear_pointer (&f->admin, involve_db_close);
    }
  g_free (f->dbname);
  g_free (f->conninfo);
}

/* ---- helpers ---------------------------------------------------------- */

static void
exec_ok (InvolveDb  *db,
         const char *sql)
{
  g_autofree char *message = NULL;
  int rc = involve_db_exec (db, sql, &message);

  if (rc != SQLITE_OK)
    g_error ("%s: %s (%d)", sql, message, rc);
}

/* Runs the SQL that suits the engine. */
static void
ddl (Fixture    *f,
     const char *sqlite_sql,
     const char *pg_sql)
{
  exec_ok (f->db, is_pg (f) ? pg_sql : sqlite_sql);
}

static InvolveDbStmt *
prepare_ok (InvolveDb  *db,
            const char *sql)
{
  InvolveDbStmt *stmt = NULL;
  int rc = involve_db_prepare (db, sql, FALSE, &stmt);

  if (rc != SQLITE_OK)
    g_error ("%s: %s (%d)", sql, involve_db_errmsg (db), rc);
  return stmt;
}

static gint64
query_int (InvolveDb  *db,
           const char *sql)
{
  g_autoptr(InvolveDbStmt) stmt = prepare_ok (db, sql);
  int rc = involve_db_step (stmt);

  if (rc != SQLITE_ROW)
    g_error ("%s: %s (%d)", sql, involve_db_errmsg (db), rc);
  return involve_db_column_int64 (stmt, 0);
}

#define SKIP_WITHOUT_DB(f) G_STMT_START { if ((f)->db == NULL) return; } G_STMT_END

/* ---- the rewriter alone ----------------------------------------------- */

static void
check_rewrite (const char *sql,
               const char *expected,
               int         n_params)
{
  g_autofree char *message = NULL;
  g_autoptr(InvolveDbPgSql) parsed = _involve_db_pg_sql_rewrite (sql, &message);

  g_assert_null (message);
  g_assert_nonnull (parsed);
  g_assert_cmpstr (parsed->sql, ==, expected);
  g_assert_cmpint (parsed->n_params, ==, n_params);
}

static void
test_rewriter (void)
{
  check_rewrite ("SELECT 1", "SELECT 1", 0);
  check_rewrite ("SELECT ?, ?", "SELECT $1, $2", 2);
  check_rewrite ("x=? AND y=?", "x=$1 AND y=$2", 2);
  /* ?NNN keeps its number; a bare ? after it takes the next one. */
  check_rewrite ("SELECT ?3, ?, ?1", "SELECT $3, $4, $1", 4);
  /* Named: same name, same number, across the three prefixes. */
  check_rewrite ("SELECT :a, @b, $c, :a, ?", "SELECT $1, $2, $3, $1, $4", 4);
  check_rewrite ("SELECT ?, :a, :a", "SELECT $1, $2, $2", 2);
  /* Literals, quoted names and comments are left alone. */
  check_rewrite ("SELECT '?', 'it''s :x ?', \"a?b\" FROM t WHERE c = ?",
                 "SELECT '?', 'it''s :x ?', \"a?b\" FROM t WHERE c = $1", 1);
  check_rewrite ("SELECT E'\\' ?', ? -- ? :x\n, ?", "SELECT E'\\' ?', $1 -- ? :x\n, $2", 2);
  check_rewrite ("SELECT /* ? /* nested ? */ :x */ ?", "SELECT /* ? /* nested ? */ :x */ $1", 1);
  check_rewrite ("SELECT $$ ? :a $$, $tag$ $$ ? $tag$, ?", "SELECT $$ ? :a $$, $tag$ $$ ? $tag$, $1", 1);
  /* Casts are not parameters; a name with "$" in it is one name. */
  check_rewrite ("SELECT x::text, :y::int, a$b", "SELECT x::text, $1::int, a$b", 1);
  /* No gluing to the names around. */
  check_rewrite ("SELECT a||?||b", "SELECT a||$1||b", 1);
  check_rewrite ("LIMIT?OFFSET?", "LIMIT $1 OFFSET $2", 2);
  check_rewrite ("SELECT 'e'?", "SELECT 'e'$1", 1);
  check_rewrite ("SELECT name'x'", "SELECT name'x'", 0);
  check_rewrite ("SELECT ':x' || :x", "SELECT ':x' || $1", 1);
  check_rewrite ("", "", 0);

  {
    g_autoptr(InvolveDbPgSql) parsed = _involve_db_pg_sql_rewrite ("SELECT :a, ?5, @b, :a", NULL);

    g_assert_cmpint (_involve_db_pg_sql_param_index (parsed, ":a"), ==, 1);
    g_assert_cmpint (_involve_db_pg_sql_param_index (parsed, "?5"), ==, 5);
    g_assert_cmpint (_involve_db_pg_sql_param_index (parsed, "@b"), ==, 6);
    g_assert_cmpint (_involve_db_pg_sql_param_index (parsed, "a"), ==, 0);
    g_assert_cmpint (_involve_db_pg_sql_param_index (parsed, ":b"), ==, 0);
    g_assert_cmpint (parsed->n_params, ==, 6);
    g_assert_true (parsed->used[1] && parsed->used[5] && parsed->used[6]);
    g_assert_false (parsed->used[2] || parsed->used[3] || parsed->used[4]);
  }

  /* Refused: unterminated text, numbers out of range. */
  {
    const char *bad[] = { "SELECT 'abc", "SELECT \"abc", "SELECT /* x", "SELECT $q$ x",
                          "SELECT E'\\'", "SELECT ?0", "SELECT ?32767", "SELECT ?99999999999999999999" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *message = NULL;
        g_autoptr(InvolveDbPgSql) parsed = _involve_db_pg_sql_rewrite (bad[i], &message);

        g_assert_null (parsed);
        g_assert_nonnull (message);
      }
  }
}

static void
test_split_classify (void)
{
  g_autoptr(GPtrArray) parts = _involve_db_pg_sql_split (
    "BEGIN IMMEDIATE; INSERT INTO t VALUES (';'); -- ; x\n ;; "
    "CREATE FUNCTION f () RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;COMMIT");

  g_assert_cmpuint (parts->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (parts, 0), ==, "BEGIN IMMEDIATE");
  g_assert_cmpstr (g_ptr_array_index (parts, 1), ==, "INSERT INTO t VALUES (';')");
  g_assert_cmpstr (g_ptr_array_index (parts, 2), ==, "-- ; x");
  g_assert_cmpstr (g_ptr_array_index (parts, 4), ==, "COMMIT");

  g_assert_cmpint (_involve_db_pg_sql_classify ("begin immediate"), ==, INVOLVE_DB_PG_STMT_BEGIN_IMMEDIATE);
  g_assert_cmpint (_involve_db_pg_sql_classify ("/* x */ BEGIN EXCLUSIVE TRANSACTION"), ==,
                   INVOLVE_DB_PG_STMT_BEGIN_IMMEDIATE);
  g_assert_cmpint (_involve_db_pg_sql_classify ("BEGIN"), ==, INVOLVE_DB_PG_STMT_BEGIN);
  g_assert_cmpint (_involve_db_pg_sql_classify ("BEGIN DEFERRED"), ==, INVOLVE_DB_PG_STMT_BEGIN);
  g_assert_cmpint (_involve_db_pg_sql_classify ("ROLLBACK TO x"), ==, INVOLVE_DB_PG_STMT_TRANSACTION);
  g_assert_cmpint (_involve_db_pg_sql_classify ("release x"), ==, INVOLVE_DB_PG_STMT_TRANSACTION);
  g_assert_cmpint (_involve_db_pg_sql_classify ("SAVEPOINT x"), ==, INVOLVE_DB_PG_STMT_TRANSACTION);
  g_assert_cmpint (_involve_db_pg_sql_classify ("SET TRANSACTION READ ONLY"), ==, INVOLVE_DB_PG_STMT_TRANSACTION);
  g_assert_cmpint (_involve_db_pg_sql_classify ("SET search_path = x"), ==, INVOLVE_DB_PG_STMT_OTHER);
  g_assert_cmpint (_involve_db_pg_sql_classify ("SELECT 1"), ==, INVOLVE_DB_PG_STMT_OTHER);
  g_assert_cmpint (_involve_db_pg_sql_classify (""), ==, INVOLVE_DB_PG_STMT_OTHER);
}

static void
test_redact (void)
{
  const char *conninfo[] = {
    "host=db user=u password=SeCrEt-1 dbname=x",
    "host=db password = 'SeCrEt-1 ' dbname=x",
    "postgresql://u:SeCrEt-1@db/x",
    "postgresql://u:SeCrEt-1@db/x?sslmode=%zz",
    "host=db password=SeCrEt-1 bogus",
  };

  for (guint i = 0; i < G_N_ELEMENTS (conninfo); i++)
    {
      g_autofree char *message = g_strdup_printf ("failed: \"%s\"", conninfo[i]);
      g_autofree char *redacted = _involve_db_pg_redact (message, conninfo[i]);

      g_assert_null (strstr (redacted, "SeCrEt-1"));
      g_assert_nonnull (strstr (redacted, "********"));
    }
}

/* ---- both engines ----------------------------------------------------- */

static void
test_values (Fixture       *f,
             gconstpointer  data)
{
  const char *texts[] = {
    "Mae’r bwrdd iechyd yn ymgynghori â’r cyhoedd",       /* Welsh */
    "عوامی مشاورت ضروری ہے",                                /* Urdu */
    "公众参与",                                              /* Chinese */
    "👩🏽‍⚕️ emoji 🏥",
    "",
    "back\\slash 'quote' \"double\" $$ ?",
  };
  const guint8 blob[] = { 0, 1, 0, 255, 0, 'x', 0 };
  g_autofree char *long_text = NULL;
  g_autoptr(InvolveDbStmt) insert = NULL;
  g_autoptr(InvolveDbStmt) select = NULL;
  int n = 0;

  SKIP_WITHOUT_DB (f);
  ddl (f, "CREATE TABLE v (k INTEGER, i INTEGER, s TEXT, b BLOB)",
       "CREATE TABLE v (k bigint, i bigint, s text, b bytea)");

  insert = prepare_ok (f->db, "INSERT INTO v (k, i, s, b) VALUES (:k, :i, :s, :b)");
  g_assert_cmpint (involve_db_bind_parameter_index (insert, ":s"), ==, 3);
  /* NULLs and the int64 limits. */
  g_assert_cmpint (involve_db_bind_int (insert, 1, n++), ==, SQLITE_OK);
  g_assert_cmpint (involve_db_step (insert), ==, SQLITE_DONE);
  g_assert_cmpint (involve_db_reset (insert), ==, SQLITE_OK);
  involve_db_bind_int (insert, 1, n++);
  involve_db_bind_int64 (insert, 2, G_MININT64);
  g_assert_cmpint (involve_db_step (insert), ==, SQLITE_DONE);
  involve_db_reset (insert);
  involve_db_bind_int (insert, 1, n++);
  involve_db_bind_int64 (insert, 2, G_MAXINT64);
  g_assert_cmpint (involve_db_step (insert), ==, SQLITE_DONE);
  involve_db_reset (insert);
  involve_db_bind_null (insert, 2);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      involve_db_bind_int (insert, 1, n++);
      g_assert_cmpint (involve_db_bind_text (insert, 3, texts[i], -1, SQLITE_TRANSIENT), ==, SQLITE_OK);
      g_assert_cmpint (involve_db_step (insert), ==, SQLITE_DONE);
      involve_db_reset (insert);
    }
  /* Big values inside a transaction too (on PostgreSQL each statement is
   * then pipelined with its savepoint). */
  exec_ok (f->db, "BEGIN");
  /* A mebibyte of text, given with its length and not NUL-terminated. */
  long_text = g_malloc (1024 * 1024 + 1);
  for (int i = 0; i < 1024 * 1024; i++)
    long_text[i] = 'a' + i % 26;
  long_text[1024 * 1024] = 'Z';
  involve_db_bind_int (insert, 1, n++);
  g_assert_cmpint (involve_db_bind_text (insert, 3, long_text, 1024 * 1024, SQLITE_STATIC), ==, SQLITE_OK);
  g_assert_cmpint (involve_db_step (insert), ==, SQLITE_DONE);
  involve_db_reset (insert);
  involve_db_bind_null (insert, 3);
  involve_db_bind_int (insert, 1, n++);
  g_assert_cmpint (involve_db_bind_blob (insert, 4, blob, sizeof blob, SQLITE_STATIC), ==, SQLITE_OK);
  g_assert_cmpint (involve_db_step (insert), ==, SQLITE_DONE);
  involve_db_reset (insert);
  involve_db_bind_int (insert, 1, n++);
  g_assert_cmpint (involve_db_bind_blob (insert, 4, "", 0, SQLITE_STATIC), ==, SQLITE_OK);
  g_assert_cmpint (involve_db_step (insert), ==, SQLITE_DONE);
  {
    g_autoptr(InvolveDbStmt) big = prepare_ok (f->db, "SELECT s FROM v WHERE length (s) > 1000");

    g_assert_cmpint (involve_db_step (big), ==, SQLITE_ROW);
    g_assert_cmpint (involve_db_column_bytes (big, 0), ==, 1024 * 1024);
    g_assert_cmpint (involve_db_step (big), ==, SQLITE_DONE);
  }
  exec_ok (f->db, "COMMIT");

  select = prepare_ok (f->db, "SELECT k, i, s, b FROM v ORDER BY k");
  g_assert_cmpint (involve_db_step (select), ==, SQLITE_ROW);
  g_assert_cmpint (involve_db_column_count (select), ==, 4);
  g_assert_cmpint (involve_db_column_type (select, 0), ==, SQLITE_INTEGER);
  g_assert_cmpint (involve_db_column_type (select, 1), ==, SQLITE_NULL);
  g_assert_cmpint (involve_db_column_type (select, 2), ==, SQLITE_NULL);
  g_assert_cmpint (involve_db_column_type (select, 3), ==, SQLITE_NULL);
  g_assert_null (involve_db_column_text (select, 2));
  g_assert_null (involve_db_column_blob (select, 3));
  g_assert_cmpint (involve_db_column_int64 (select, 1), ==, 0);
  g_assert_cmpint (involve_db_column_bytes (select, 2), ==, 0);
  g_assert_cmpint (involve_db_step (select), ==, SQLITE_ROW);
  g_assert_cmpint (involve_db_column_int64 (select, 1), ==, G_MININT64);
  g_assert_cmpint (involve_db_step (select), ==, SQLITE_ROW);
  g_assert_cmpint (involve_db_column_int64 (select, 1), ==, G_MAXINT64);
  g_assert_cmpint (involve_db_column_type (select, 1), ==, SQLITE_INTEGER);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_assert_cmpint (involve_db_step (select), ==, SQLITE_ROW);
      g_assert_cmpint (involve_db_column_type (select, 2), ==, SQLITE_TEXT);
      g_assert_cmpstr (involve_db_column_text (select, 2), ==, texts[i]);
      g_assert_cmpint (involve_db_column_bytes (select, 2), ==, strlen (texts[i]));
    }
  g_assert_cmpint (involve_db_step (select), ==, SQLITE_ROW);
  g_assert_cmpint (involve_db_column_bytes (select, 2), ==, 1024 * 1024);
  g_assert_cmpint (memcmp (involve_db_column_text (select, 2), long_text, 1024 * 1024), ==, 0);
  g_assert_cmpint (involve_db_column_text (select, 2)[1024 * 1024], ==, '\0');
  g_assert_cmpint (involve_db_step (select), ==, SQLITE_ROW);
  g_assert_cmpint (involve_db_column_type (select, 3), ==, SQLITE_BLOB);
  g_assert_cmpint (involve_db_column_bytes (select, 3), ==, sizeof blob);
  g_assert_cmpmem (involve_db_column_blob (select, 3), involve_db_column_bytes (select, 3), blob, sizeof blob);
  g_assert_cmpint (involve_db_step (select), ==, SQLITE_ROW);
  g_assert_cmpint (involve_db_column_type (select, 3), ==, SQLITE_BLOB);
  g_assert_cmpint (involve_db_column_bytes (select, 3), ==, 0);
  g_assert_cmpint (involve_db_step (select), ==, SQLITE_DONE);

  /* Booleans and numbers as SQLite gives them. */
  g_assert_cmpint (query_int (f->db, "SELECT 1 = 1"), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT 1 = 2"), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM v"), ==, n);
  {
    g_autoptr(InvolveDbStmt) stmt = prepare_ok (f->db, "SELECT 1 = 1, 2.5, 'x'");

    g_assert_cmpint (involve_db_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (involve_db_column_type (stmt, 0), ==, SQLITE_INTEGER);
    g_assert_cmpstr (involve_db_column_text (stmt, 0), ==, "1");
    g_assert_cmpint (involve_db_column_type (stmt, 1), ==, SQLITE_FLOAT);
    g_assert_cmpint (involve_db_column_int64 (stmt, 1), ==, 2);
    g_assert_cmpint (involve_db_column_type (stmt, 2), ==, SQLITE_TEXT);
  }
}

static void
test_placeholders (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(InvolveDbStmt) stmt = NULL;

  SKIP_WITHOUT_DB (f);
  stmt = prepare_ok (f->db,
                     "SELECT :a || '?' || ':x' /* ? :y */ || :a, -- ? :z\n"
                     " ?, ?7, \"k?\" FROM (SELECT 3 AS \"k?\") AS t WHERE 'it''s ?' <> :b");
  g_assert_cmpint (involve_db_bind_parameter_index (stmt, ":a"), ==, 1);
  g_assert_cmpint (involve_db_bind_parameter_index (stmt, ":b"), ==, 8);
  g_assert_cmpint (involve_db_bind_parameter_index (stmt, ":x"), ==, 0);
  g_assert_cmpint (involve_db_bind_parameter_index (stmt, ":y"), ==, 0);
  g_assert_cmpint (involve_db_bind_parameter_index (stmt, ":z"), ==, 0);
  g_assert_cmpint (involve_db_bind_text (stmt, 1, "A", -1, SQLITE_STATIC), ==, SQLITE_OK);
  g_assert_cmpint (involve_db_bind_int64 (stmt, 2, 42), ==, SQLITE_OK);
  g_assert_cmpint (involve_db_bind_int64 (stmt, 7, 7), ==, SQLITE_OK);
  g_assert_cmpint (involve_db_bind_text (stmt, 8, "B", -1, SQLITE_STATIC), ==, SQLITE_OK);
  /* A number the SQL skips may be bound; it goes nowhere. */
  g_assert_cmpint (involve_db_bind_blob (stmt, 4, "\xff\xfe", 2, SQLITE_STATIC), ==, SQLITE_OK);
  g_assert_cmpint (involve_db_bind_int64 (stmt, 9, 1), ==, SQLITE_RANGE);
  g_assert_cmpint (involve_db_bind_int64 (stmt, 0, 1), ==, SQLITE_RANGE);
  g_assert_cmpint (involve_db_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr (involve_db_column_text (stmt, 0), ==, "A?:xA");
  g_assert_cmpint (involve_db_column_int64 (stmt, 1), ==, 42);
  g_assert_cmpint (involve_db_column_int64 (stmt, 2), ==, 7);
  g_assert_cmpint (involve_db_column_int64 (stmt, 3), ==, 3);
  g_assert_cmpint (involve_db_step (stmt), ==, SQLITE_DONE);
  /* Binding while it runs is misuse, as in SQLite. */
  g_assert_cmpint (involve_db_bind_int64 (stmt, 2, 1), ==, SQLITE_MISUSE);
  g_clear_pointer (&stmt, involve_db_finalize);

  /* Where nothing tells the type: CAST works on both engines. */
  stmt = prepare_ok (f->db, "SELECT CAST (? AS text) IS NULL, CAST (? AS text) IS NULL");
  involve_db_bind_null (stmt, 1);
  involve_db_bind_text (stmt, 2, "x", -1, SQLITE_STATIC);
  g_assert_cmpint (involve_db_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (involve_db_column_int64 (stmt, 0), ==, 1);
  g_assert_cmpint (involve_db_column_int64 (stmt, 1), ==, 0);
  g_clear_pointer (&stmt, involve_db_finalize);

  if (is_pg (f))
    {
      /* Casts, dollar quotes and E'' strings are PostgreSQL's own. */
      stmt = prepare_ok (f->db, "SELECT :n::text || $q$ ? :n $q$ || E'\\' ?' || length ($$?$$)");
      g_assert_cmpint (involve_db_bind_parameter_index (stmt, ":n"), ==, 1);
      involve_db_bind_int64 (stmt, 1, 5);
      g_assert_cmpint (involve_db_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpstr (involve_db_column_text (stmt, 0), ==, "5 ? :n ' ?1");
      g_clear_pointer (&stmt, involve_db_finalize);

      /* The documented rule: "? IS NULL" has no type to infer. */
      stmt = prepare_ok (f->db, "SELECT ? IS NULL");
      involve_db_bind_text (stmt, 1, "x", -1, SQLITE_STATIC);
      g_assert_cmpint (involve_db_step (stmt), ==, SQLITE_ERROR);
      g_assert_cmpstr (involve_db_get_sqlstate (f->db), ==, "42P18");
      g_assert_nonnull (strstr (involve_db_errmsg (f->db), "could not determine data type"));
      g_clear_pointer (&stmt, involve_db_finalize);

      /* PostgreSQL's text cannot hold NUL: refused before it is sent. */
      stmt = prepare_ok (f->db, "SELECT CAST (? AS text)");
      g_assert_cmpint (involve_db_bind_text (stmt, 1, "a\0b", 3, SQLITE_STATIC), ==, SQLITE_MISMATCH);
      g_assert_nonnull (strstr (involve_db_errmsg (f->db), "NUL"));
    }

  /* Unterminated text fails to prepare on both. */
  {
    InvolveDbStmt *bad = NULL;

    g_assert_cmpint (involve_db_prepare (f->db, "SELECT 'abc", FALSE, &bad), ==, SQLITE_ERROR);
    g_assert_null (bad);
    if (!is_pg (f))
      g_assert_cmpint (involve_db_prepare (f->db, "SELEKT 1", FALSE, &bad), ==, SQLITE_ERROR);
    else
      {
        /* PostgreSQL finds the syntax error when it runs. */
        g_assert_cmpint (involve_db_prepare (f->db, "SELEKT 1", FALSE, &bad), ==, SQLITE_OK);
        g_assert_cmpint (involve_db_step (bad), ==, SQLITE_ERROR);
        g_assert_cmpstr (involve_db_get_sqlstate (f->db), ==, "42601");
        involve_db_finalize (bad);
      }
  }
}

static void
make_constraint_tables (Fixture *f)
{
  ddl (f,
       "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
       "CREATE TABLE c (id INTEGER NOT NULL, u TEXT UNIQUE, n INTEGER CHECK (n >= 0),"
       "  p INTEGER REFERENCES parent (id));"
       "CREATE TABLE audit (x TEXT);"
       "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
       "BEGIN SELECT RAISE (ABORT, 'audit entries are append-only'); END;"
       "INSERT INTO parent VALUES (1)",
       "CREATE TABLE parent (id bigint PRIMARY KEY);"
       "CREATE TABLE c (id bigint NOT NULL, u text UNIQUE, n bigint CHECK (n >= 0),"
       "  p bigint REFERENCES parent (id));"
       "CREATE TABLE audit (x text);"
       "CREATE FUNCTION audit_refuse () RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
       "RAISE EXCEPTION 'audit entries are append-only'; END $$;"
       "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
       "FOR EACH ROW EXECUTE FUNCTION audit_refuse ();"
       "INSERT INTO parent VALUES (1)");
  exec_ok (f->db, "INSERT INTO c (id, u, n, p) VALUES (1, 'one', 1, 1); INSERT INTO audit VALUES ('a')");
}

static void
check_fails (Fixture    *f,
             const char *sql,
             int         extended)
{
  g_autoptr(InvolveDbStmt) stmt = prepare_ok (f->db, sql);
  int rc = involve_db_step (stmt);

  g_assert_cmpint (rc, ==, extended & 0xff);
  g_assert_cmpint (involve_db_errcode (f->db), ==, extended);
  g_assert_cmpstr (involve_db_errmsg (f->db), !=, "");
  if (is_pg (f))
    g_assert_cmpint (strlen (involve_db_get_sqlstate (f->db)), ==, 5);
}

static void
test_constraints (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *message = NULL;

  SKIP_WITHOUT_DB (f);
  make_constraint_tables (f);
  check_fails (f, "INSERT INTO c (id, u) VALUES (2, 'one')", SQLITE_CONSTRAINT_UNIQUE);
  check_fails (f, "INSERT INTO c (id, p) VALUES (2, 99)", SQLITE_CONSTRAINT_FOREIGNKEY);
  check_fails (f, "INSERT INTO c (u) VALUES ('two')", SQLITE_CONSTRAINT_NOTNULL);
  check_fails (f, "INSERT INTO c (id, n) VALUES (2, -1)", SQLITE_CONSTRAINT_CHECK);
  check_fails (f, "UPDATE audit SET x = 'b'", SQLITE_CONSTRAINT_TRIGGER);
  g_assert_nonnull (strstr (involve_db_errmsg (f->db), "audit entries are append-only"));

  /* The same through exec, with the message handed back. */
  g_assert_cmpint (involve_db_exec (f->db, "UPDATE audit SET x = 'c'", &message), ==, SQLITE_CONSTRAINT);
  g_assert_nonnull (strstr (message, "audit entries are append-only"));
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM c"), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM audit WHERE x = 'a'"), ==, 1);

  if (is_pg (f))
    {
      /* Syntax errors, types, permissions keep their SQLSTATE. */
      g_assert_cmpint (involve_db_exec (f->db, "SELEKT 1", NULL), ==, SQLITE_ERROR);
      g_assert_cmpstr (involve_db_get_sqlstate (f->db), ==, "42601");
      g_assert_cmpint (involve_db_exec (f->db, "SELECT 'x'::int", NULL), ==, SQLITE_MISMATCH);
      g_assert_cmpstr (involve_db_get_sqlstate (f->db), ==, "22P02");
      exec_ok (f->db, "CREATE ROLE involve_test_nobody; SET ROLE involve_test_nobody");
      g_assert_cmpint (involve_db_exec (f->db, "SELECT * FROM c", NULL), ==, SQLITE_AUTH);
      g_assert_cmpstr (involve_db_get_sqlstate (f->db), ==, "42501");
      exec_ok (f->db, "RESET ROLE; DROP ROLE involve_test_nobody");
    }
}

/* A failed statement inside a transaction undoes only itself. */
static void
test_transaction_survives_failure (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(InvolveDbStmt) insert = NULL;

  SKIP_WITHOUT_DB (f);
  make_constraint_tables (f);
  g_assert_true (involve_db_get_autocommit (f->db));
  exec_ok (f->db, "BEGIN IMMEDIATE");
  g_assert_false (involve_db_get_autocommit (f->db));

  insert = prepare_ok (f->db, "INSERT INTO c (id, u) VALUES (?, ?)");
  involve_db_bind_int (insert, 1, 2);
  involve_db_bind_text (insert, 2, "two", -1, SQLITE_STATIC);
  g_assert_cmpint (involve_db_step (insert), ==, SQLITE_DONE);
  involve_db_reset (insert);
  /* A duplicate: refused, the transaction goes on. */
  involve_db_bind_int (insert, 1, 3);
  g_assert_cmpint (involve_db_step (insert), ==, SQLITE_CONSTRAINT);
  involve_db_reset (insert);
  g_assert_false (involve_db_get_autocommit (f->db));
  /* Through exec, and a trigger. */
  g_assert_cmpint (involve_db_exec (f->db, "UPDATE audit SET x = 'z'", NULL), ==, SQLITE_CONSTRAINT);
  g_assert_cmpint (involve_db_exec (f->db, "INSERT INTO c (id) VALUES (4); INSERT INTO c (id) VALUES (NULL); "
                                           "INSERT INTO c (id) VALUES (5)", NULL), ==, SQLITE_CONSTRAINT);
  involve_db_bind_int (insert, 1, 6);
  involve_db_bind_text (insert, 2, "six", -1, SQLITE_STATIC);
  g_assert_cmpint (involve_db_step (insert), ==, SQLITE_DONE);
  g_assert_false (involve_db_get_autocommit (f->db));

  /* The store's own savepoints still nest around the statement ones. */
  exec_ok (f->db, "SAVEPOINT involve_op");
  exec_ok (f->db, "INSERT INTO c (id) VALUES (7)");
  exec_ok (f->db, "ROLLBACK TO involve_op; RELEASE involve_op");
  exec_ok (f->db, "SAVEPOINT involve_op");
  exec_ok (f->db, "INSERT INTO c (id) VALUES (8)");
  exec_ok (f->db, "RELEASE involve_op");
  exec_ok (f->db, "COMMIT");
  g_assert_true (involve_db_get_autocommit (f->db));

  /* 1, 2, 4 (exec stops at the failing one, as SQLite's), 6, 8. */
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM c"), ==, 5);
  g_assert_cmpint (query_int (f->db, "SELECT sum(id) FROM c"), ==, 1 + 2 + 4 + 6 + 8);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM audit WHERE x = 'a'"), ==, 1);
}

static void
test_rollback (Fixture       *f,
               gconstpointer  data)
{
  SKIP_WITHOUT_DB (f);
  make_constraint_tables (f);
  exec_ok (f->db, "BEGIN");
  g_assert_false (involve_db_get_autocommit (f->db));
  exec_ok (f->db, "INSERT INTO c (id) VALUES (2)");
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM c"), ==, 2);
  exec_ok (f->db, "ROLLBACK");
  g_assert_true (involve_db_get_autocommit (f->db));
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM c"), ==, 1);

  exec_ok (f->db, "BEGIN DEFERRED; INSERT INTO c (id) VALUES (3); COMMIT");
  g_assert_true (involve_db_get_autocommit (f->db));
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM c"), ==, 2);

  /* A prepared BEGIN IMMEDIATE and COMMIT work as through exec. */
  {
    g_autoptr(InvolveDbStmt) begin = prepare_ok (f->db, "BEGIN IMMEDIATE");
    g_autoptr(InvolveDbStmt) commit = prepare_ok (f->db, "COMMIT");

    g_assert_cmpint (involve_db_step (begin), ==, SQLITE_DONE);
    g_assert_false (involve_db_get_autocommit (f->db));
    g_assert_cmpint (involve_db_step (commit), ==, SQLITE_DONE);
    g_assert_true (involve_db_get_autocommit (f->db));
  }

  if (is_pg (f))
    {
      /* A transaction PostgreSQL has aborted (a failed RELEASE: control
       * statements get no savepoint) is never reported as committed. */
      exec_ok (f->db, "BEGIN; INSERT INTO c (id) VALUES (40)");
      g_assert_cmpint (involve_db_exec (f->db, "RELEASE no_such_savepoint", NULL), ==, SQLITE_ERROR);
      g_assert_cmpint (involve_db_exec (f->db, "COMMIT", NULL), ==, SQLITE_ERROR);
      g_assert_cmpstr (involve_db_get_sqlstate (f->db), ==, "25P02");
      g_assert_true (involve_db_get_autocommit (f->db));
      g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM c WHERE id = 40"), ==, 0);
    }

  /* COMMIT without a transaction is an error on SQLite; on PostgreSQL a
   * warning.  Neither leaves a transaction open. */
  involve_db_exec (f->db, "COMMIT", NULL);
  g_assert_true (involve_db_get_autocommit (f->db));
}

static void
test_rowid_changes (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(InvolveDbStmt) insert = NULL;

  SKIP_WITHOUT_DB (f);
  /* Nothing inserted yet: 0, also inside a transaction, which goes on. */
  g_assert_cmpint (involve_db_last_insert_rowid (f->db), ==, 0);
  ddl (f, "CREATE TABLE r (id INTEGER PRIMARY KEY, x TEXT)",
       "CREATE TABLE r (id bigserial PRIMARY KEY, x text)");
  exec_ok (f->db, "BEGIN");
  g_assert_cmpint (involve_db_last_insert_rowid (f->db), ==, 0);
  g_assert_cmpint (involve_db_errcode (f->db), ==, SQLITE_OK);
  insert = prepare_ok (f->db, "INSERT INTO r (x) VALUES (?)");
  for (int i = 1; i <= 3; i++)
    {
      involve_db_bind_text (insert, 1, "row", -1, SQLITE_STATIC);
      g_assert_cmpint (involve_db_step (insert), ==, SQLITE_DONE);
      g_assert_cmpint (involve_db_changes (f->db), ==, 1);
      g_assert_cmpint (involve_db_last_insert_rowid (f->db), ==, i);
      involve_db_reset (insert);
    }
  exec_ok (f->db, "COMMIT");
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM r"), ==, 3);

  exec_ok (f->db, "UPDATE r SET x = 'changed' WHERE id >= 2");
  g_assert_cmpint (involve_db_changes (f->db), ==, 2);
  /* A SELECT leaves it alone. */
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM r"), ==, 3);
  g_assert_cmpint (involve_db_changes (f->db), ==, 2);
  exec_ok (f->db, "DELETE FROM r");
  g_assert_cmpint (involve_db_changes (f->db), ==, 3);
}

static void
test_reset_rebind (Fixture       *f,
                   gconstpointer  data)
{
  SKIP_WITHOUT_DB (f);
  ddl (f, "CREATE TABLE n (i INTEGER, s TEXT)", "CREATE TABLE n (i bigint, s text)");

  for (int persistent = 0; persistent <= 1; persistent++)
    {
      InvolveDbStmt *insert = NULL;
      g_autoptr(InvolveDbStmt) sum = NULL;

      exec_ok (f->db, "DELETE FROM n");
      g_assert_cmpint (involve_db_prepare (f->db, "INSERT INTO n (i, s) VALUES (?, ?)", persistent, &insert),
                       ==, SQLITE_OK);
      /* NULL first, so a persistent statement is prepared without types... */
      involve_db_bind_null (insert, 1);
      g_assert_cmpint (involve_db_step (insert), ==, SQLITE_DONE);
      involve_db_reset (insert);
      for (int i = 1; i <= 100; i++)
        {
          g_autofree char *s = g_strdup_printf ("n%d", i);

          involve_db_bind_int (insert, 1, i);
          involve_db_bind_text (insert, 2, s, -1, SQLITE_TRANSIENT);
          g_assert_cmpint (involve_db_step (insert), ==, SQLITE_DONE);
          g_assert_cmpint (involve_db_reset (insert), ==, SQLITE_OK);
        }
      /* Bindings are kept over reset; clear_bindings makes them NULL. */
      g_assert_cmpint (involve_db_step (insert), ==, SQLITE_DONE);
      involve_db_reset (insert);
      involve_db_clear_bindings (insert);
      g_assert_cmpint (involve_db_step (insert), ==, SQLITE_DONE);
      /* Stepping after DONE runs it again, as SQLite does. */
      g_assert_cmpint (involve_db_step (insert), ==, SQLITE_DONE);
      involve_db_finalize (insert);

      g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM n"), ==, 104);
      g_assert_cmpint (query_int (f->db, "SELECT sum(i) FROM n"), ==, 5050 + 100);
      g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM n WHERE i IS NULL AND s IS NULL"), ==, 3);
      g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM n WHERE s = 'n100'"), ==, 2);

      /* A select stopped half way, reset, run again. */
      g_assert_cmpint (involve_db_prepare (f->db, "SELECT i FROM n WHERE i > ? ORDER BY i", persistent, &insert),
                       ==, SQLITE_OK);
      sum = insert;
      for (int round = 0; round < 3; round++)
        {
          involve_db_bind_int (sum, 1, 97 + round);
          g_assert_cmpint (involve_db_step (sum), ==, SQLITE_ROW);
          g_assert_cmpint (involve_db_column_int (sum, 0), ==, 98 + round);
          involve_db_reset (sum);
        }
      /* A failing persistent statement in a transaction, then used again. */
      exec_ok (f->db, "BEGIN");
      involve_db_reset (sum);
      involve_db_bind_text (sum, 1, "not a number", -1, SQLITE_STATIC);
      g_assert_cmpint (involve_db_step (sum), !=, SQLITE_ROW);
      involve_db_reset (sum);
      involve_db_bind_int (sum, 1, 99);
      g_assert_cmpint (involve_db_step (sum), ==, SQLITE_ROW);
      g_assert_cmpint (involve_db_column_int (sum, 0), ==, 100);
      involve_db_reset (sum);
      exec_ok (f->db, "COMMIT");
    }
}

static void
test_close_with_open_statements (Fixture       *f,
                                 gconstpointer  data)
{
  InvolveDbStmt *a = NULL;
  InvolveDbStmt *b = NULL;
  InvolveDbStmt *c = NULL;

  SKIP_WITHOUT_DB (f);
  g_assert_cmpint (involve_db_prepare (f->db, "SELECT 1 UNION ALL SELECT 2", TRUE, &a), ==, SQLITE_OK);
  g_assert_cmpint (involve_db_prepare (f->db, "SELECT ?", FALSE, &b), ==, SQLITE_OK);
  g_assert_cmpint (involve_db_prepare (f->db, "SELECT 'x'", FALSE, &c), ==, SQLITE_OK);
  g_assert_cmpint (involve_db_step (a), ==, SQLITE_ROW);
  involve_db_bind_text (b, 1, "bound", -1, SQLITE_TRANSIENT);
  exec_ok (f->db, "BEGIN");
  /* Closing finalizes all three, the open transaction is dropped. */
  g_clear_pointer (&f->db, involve_db_close);
}

/* ---- PostgreSQL only -------------------------------------------------- */

static void
test_pg_connect_refused (void)
{
  const char *conninfo[] = {
    "host=127.0.0.1 port=1 user=someone password=SeCrEt-42 dbname=register connect_timeout=5",
    "postgresql://someone:SeCrEt-42@127.0.0.1:1/register",
    "host=127.0.0.1 port=1 password=SeCrEt-42 user",
    "postgresql://someone:SeCrEt-42@127.0.0.1:1/register?sslmode=%zz",
  };

  for (guint i = 0; i < G_N_ELEMENTS (conninfo); i++)
    {
      g_autoptr(GError) error = NULL;
      InvolveDb *db = involve_db_connect_postgresql (conninfo[i], &error);

      g_assert_null (db);
      g_assert_error (error, G_IO_ERROR, (i < 2 ? G_IO_ERROR_CONNECTION_REFUSED : G_IO_ERROR_FAILED));
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "register server"));
      g_assert_null (strstr (error->message, "SeCrEt-42"));
    }
}

/* Who may not log in, and a database that is not there. */
static void
test_pg_connect_denied (Fixture       *f,
                        gconstpointer  data)
{
  const char *admin = admin_conninfo ();
  g_autofree char *no_role = NULL;
  g_autofree char *no_db = NULL;
  g_autoptr(GError) error = NULL;

  if (admin == NULL)
    return;
  no_role = g_strdup_printf ("%s user=involve_no_such_role password=SeCrEt-43", admin);
  g_assert_null (involve_db_connect_postgresql (no_role, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_test_message ("%s", error->message);
  g_assert_null (strstr (error->message, "SeCrEt-43"));
  g_clear_error (&error);

  no_db = g_strdup_printf ("%s dbname=involve_no_such_db", admin);
  g_assert_null (involve_db_connect_postgresql (no_db, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
}

/* A persistent statement outlives a change to its table (PostgreSQL
 * refuses the old plan; the engine plans it again, as SQLite does). */
static void
test_replan (Fixture       *f,
             gconstpointer  data)
{
  InvolveDbStmt *stmt = NULL;

  SKIP_WITHOUT_DB (f);
  exec_ok (f->db, "CREATE TABLE p (a bigint); INSERT INTO p VALUES (1)");
  g_assert_cmpint (involve_db_prepare (f->db, "SELECT * FROM p", TRUE, &stmt), ==, SQLITE_OK);
  g_assert_cmpint (involve_db_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (involve_db_column_count (stmt), ==, 1);
  involve_db_reset (stmt);
  exec_ok (f->db, "ALTER TABLE p ADD COLUMN b text DEFAULT 'x'");
  exec_ok (f->db, "BEGIN");
  g_assert_cmpint (involve_db_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (involve_db_column_count (stmt), ==, 2);
  g_assert_cmpstr (involve_db_column_text (stmt, 1), ==, "x");
  exec_ok (f->db, "COMMIT");
  involve_db_finalize (stmt);
}

/* Ends @db's server process, as a restart or a dropped network would. */
static void
terminate (Fixture   *f,
           InvolveDb *db)
{
  g_autofree char *kill = g_strdup_printf ("SELECT pg_terminate_backend (%d)", _involve_db_pg_get_backend_pid (db));

  g_assert_cmpint (query_int (f->admin, kill), ==, 1);
}

static void
assert_lost (InvolveDb     *db,
             int            rc,
             InvolveDbLoss  loss)
{
  g_test_message ("%s", involve_db_errmsg (db));
  g_assert_cmpint (rc & 0xff, ==, SQLITE_IOERR);
  g_assert_cmpint (involve_db_errcode (db) & 0xff, ==, SQLITE_IOERR);
  g_assert_cmpint (involve_db_get_loss (db), ==, loss);
  g_assert_cmpstr (involve_db_get_sqlstate (db), ==, loss == INVOLVE_DB_LOSS_UNKNOWN ? "08007" : "08006");
  g_assert_nonnull (strstr (involve_db_errmsg (db), "connection to the register server was lost"));
}

/* Lost inside a transaction: the server rolled it back, and until the
 * caller's ROLLBACK or COMMIT nothing runs outside it; then the next
 * statement connects again. */
static void
test_pg_lost_connection (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(InvolveDbStmt) stmt = NULL;
  g_autoptr(InvolveDbStmt) insert = NULL;
  int pid;

  SKIP_WITHOUT_DB (f);
  exec_ok (f->db, "CREATE TABLE t (v text)");
  g_assert_cmpint (involve_db_prepare (f->db, "SELECT count(*) FROM t", TRUE, &stmt), ==, SQLITE_OK);
  g_assert_cmpint (involve_db_prepare (f->db, "INSERT INTO t VALUES (?)", TRUE, &insert), ==, SQLITE_OK);
  exec_ok (f->db, "BEGIN");
  involve_db_bind_text (insert, 1, "first half", -1, SQLITE_STATIC);
  g_assert_cmpint (involve_db_step (insert), ==, SQLITE_DONE);
  involve_db_reset (insert);
  pid = _involve_db_pg_get_backend_pid (f->db);
  terminate (f, f->db);

  involve_db_bind_text (insert, 1, "second half", -1, SQLITE_STATIC);
  assert_lost (f->db, involve_db_step (insert), INVOLVE_DB_LOSS_ROLLED_BACK);
  g_assert_nonnull (strstr (involve_db_errmsg (f->db), "rolled back"));
  g_assert_true (involve_db_is_lost (f->db));
  g_assert_false (involve_db_get_autocommit (f->db));
  /* Everything after fails the same way, and nothing crashes: nothing
   * meant for the transaction runs outside it. */
  involve_db_reset (insert);
  assert_lost (f->db, involve_db_step (insert), INVOLVE_DB_LOSS_ROLLED_BACK);
  involve_db_reset (stmt);
  assert_lost (f->db, involve_db_step (stmt), INVOLVE_DB_LOSS_ROLLED_BACK);
  assert_lost (f->db, involve_db_exec (f->db, "INSERT INTO t VALUES ('stray')", NULL), INVOLVE_DB_LOSS_ROLLED_BACK);
  g_assert_cmpint (involve_db_last_insert_rowid (f->db), ==, 0);
  g_ptr_array_unref (involve_db_take_notifications (f->db));
  /* COMMIT hears that nothing was committed, and ends it. */
  assert_lost (f->db, involve_db_exec (f->db, "COMMIT", NULL), INVOLVE_DB_LOSS_ROLLED_BACK);
  g_assert_true (involve_db_get_autocommit (f->db));

  /* The next statement connects again; the persistent one is planned again. */
  involve_db_reset (stmt);
  g_assert_cmpint (involve_db_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (involve_db_column_int64 (stmt, 0), ==, 0);
  g_assert_cmpint (involve_db_errcode (f->db), ==, SQLITE_OK);
  g_assert_cmpint (involve_db_get_loss (f->db), ==, INVOLVE_DB_LOSS_NONE);
  g_assert_false (involve_db_is_lost (f->db));
  g_assert_cmpint (_involve_db_pg_get_backend_pid (f->db), !=, pid);
  /* Set up as at connect. */
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM pg_settings WHERE name = 'lock_timeout' AND setting = '30000'"), ==, 1);
  involve_db_reset (insert);
  g_assert_cmpint (involve_db_step (insert), ==, SQLITE_DONE);
  involve_db_reset (stmt);
  g_assert_cmpint (involve_db_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (involve_db_column_int64 (stmt, 0), ==, 1);
  involve_db_reset (stmt);

  /* The same with the caller's ROLLBACK, in a writer's transaction. */
  exec_ok (f->db, "BEGIN IMMEDIATE");
  exec_ok (f->db, "INSERT INTO t VALUES ('half')");
  terminate (f, f->db);
  assert_lost (f->db, involve_db_exec (f->db, "INSERT INTO t VALUES ('written?')", NULL), INVOLVE_DB_LOSS_ROLLED_BACK);
  assert_lost (f->db, involve_db_exec (f->db, "ROLLBACK TO involve_op; RELEASE involve_op", NULL),
               INVOLVE_DB_LOSS_ROLLED_BACK);
  exec_ok (f->db, "ROLLBACK");
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM t"), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM t WHERE v = 'second half'"), ==, 1);
}

/* Lost between statements: a read or a BEGIN runs again on a new
 * connection, unseen; a write outside a transaction may or may not have
 * happened, and says so. */
static void
test_pg_lost_between (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(InvolveDbStmt) stmt = NULL;
  int pid;

  SKIP_WITHOUT_DB (f);
  exec_ok (f->db, "CREATE TABLE t (v text); INSERT INTO t VALUES ('kept')");
  g_assert_cmpint (involve_db_prepare (f->db, "SELECT v FROM t WHERE v = ?", TRUE, &stmt), ==, SQLITE_OK);
  involve_db_bind_text (stmt, 1, "kept", -1, SQLITE_STATIC);
  g_assert_cmpint (involve_db_step (stmt), ==, SQLITE_ROW);
  involve_db_reset (stmt);

  pid = _involve_db_pg_get_backend_pid (f->db);
  terminate (f, f->db);
  g_assert_cmpint (involve_db_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr (involve_db_column_text (stmt, 0), ==, "kept");
  g_assert_cmpint (_involve_db_pg_get_backend_pid (f->db), !=, pid);
  involve_db_reset (stmt);

  terminate (f, f->db);
  exec_ok (f->db, "BEGIN IMMEDIATE");
  exec_ok (f->db, "INSERT INTO t VALUES ('after BEGIN')");
  exec_ok (f->db, "COMMIT");

  terminate (f, f->db);
  assert_lost (f->db, involve_db_exec (f->db, "INSERT INTO t VALUES ('alone')", NULL), INVOLVE_DB_LOSS_UNKNOWN);
  g_assert_nonnull (strstr (involve_db_errmsg (f->db), "unknown"));
  g_assert_true (involve_db_get_autocommit (f->db));
  /* Not run again: here it never ran, as the next read shows. */
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM t"), ==, 2);
}

/* Lost during COMMIT (the server ends the session while it checks a
 * deferred constraint): nobody can say whether it was committed. */
static void
test_pg_lost_during_commit (Fixture       *f,
                            gconstpointer  data)
{
  SKIP_WITHOUT_DB (f);
  exec_ok (f->db,
           "CREATE TABLE c (v text); "
           "CREATE FUNCTION end_session () RETURNS trigger LANGUAGE plpgsql AS $$ "
           "BEGIN PERFORM pg_terminate_backend (pg_backend_pid ()); PERFORM pg_sleep (10); RETURN NULL; END $$; "
           "CREATE CONSTRAINT TRIGGER end_session AFTER INSERT ON c DEFERRABLE INITIALLY DEFERRED "
           "FOR EACH ROW EXECUTE FUNCTION end_session ()");
  exec_ok (f->db, "BEGIN IMMEDIATE");
  exec_ok (f->db, "INSERT INTO c VALUES ('maybe')");
  assert_lost (f->db, involve_db_exec (f->db, "COMMIT", NULL), INVOLVE_DB_LOSS_UNKNOWN);
  g_assert_nonnull (strstr (involve_db_errmsg (f->db), "whether the transaction was committed is unknown"));
  /* Over either way: no ROLLBACK is owed. */
  g_assert_true (involve_db_get_autocommit (f->db));
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM c"), ==, 0);
}

typedef struct
{
  guint    calls;
  gboolean fail;
} ReconnectLog;

static gboolean
reconnect_cb (InvolveDb  *db,
              gpointer    data,
              GError    **error)
{
  ReconnectLog *log = data;

  log->calls++;
  if (log->fail)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the caller could not set up again");
      return FALSE;
    }
  /* It may use the new connection. */
  return involve_db_exec (db, "SET application_name = 'Involve again'", NULL) == SQLITE_OK;
}

/* The caller's own set-up runs on each new connection; when it fails, or
 * the server does not let the login in again, the statement fails with
 * what happened, and the next one tries again. */
static void
test_pg_reconnect_set_up (Fixture       *f,
                          gconstpointer  data)
{
  ReconnectLog log = { 0, FALSE };
  g_autofree char *login = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *conninfo = NULL;
  InvolveDb *db;
  int rc;

  SKIP_WITHOUT_DB (f);
  involve_db_set_reconnect_func (f->db, reconnect_cb, &log);
  terminate (f, f->db);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM pg_settings WHERE name = 'application_name' AND setting = 'Involve again'"), ==, 1);
  g_assert_cmpuint (log.calls, ==, 1);

  log.fail = TRUE;
  terminate (f, f->db);
  {
    InvolveDbStmt *stmt = prepare_ok (f->db, "SELECT 1");

    assert_lost (f->db, involve_db_step (stmt), INVOLVE_DB_LOSS_UNREACHABLE);
    g_assert_nonnull (strstr (involve_db_errmsg (f->db), "could not set up again"));
    g_assert_true (involve_db_is_lost (f->db));
    log.fail = FALSE;
    involve_db_reset (stmt);
    g_assert_cmpint (involve_db_step (stmt), ==, SQLITE_ROW);
    involve_db_finalize (stmt);
  }
  g_assert_cmpuint (log.calls, ==, 3);

  /* A login the server no longer lets in. */
  login = g_strdup_printf ("involve_test_gone_%08x", g_random_int ());
  sql = g_strdup_printf ("CREATE ROLE %s LOGIN", login);
  exec_ok (f->admin, sql);
  conninfo = g_strdup_printf ("%s user=%s", f->conninfo, login);
  db = connect_or_fail (conninfo);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("ALTER ROLE %s NOLOGIN", login);
  exec_ok (f->admin, sql);
  terminate (f, db);
  rc = involve_db_exec (db, "SELECT 1", NULL);
  assert_lost (db, rc, INVOLVE_DB_LOSS_UNREACHABLE);
  g_assert_nonnull (strstr (involve_db_errmsg (db), "could not be made again"));
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("ALTER ROLE %s LOGIN", login);
  exec_ok (f->admin, sql);
  g_assert_cmpint (query_int (db, "SELECT 7"), ==, 7);
  involve_db_close (db);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("DROP ROLE %s", login);
  exec_ok (f->admin, sql);
}

static void
test_pg_writers_queue (Fixture       *f,
                       gconstpointer  data)
{
  InvolveDb *other;
  g_autofree char *message = NULL;

  SKIP_WITHOUT_DB (f);
  other = connect_or_fail (f->conninfo);
  exec_ok (f->db, "BEGIN IMMEDIATE");
  /* A second writer waits for the first; here only briefly, then BUSY. */
  exec_ok (other, "SET lock_timeout = '200ms'");
  g_assert_cmpint (involve_db_exec (other, "BEGIN IMMEDIATE", &message), ==, SQLITE_BUSY);
  g_assert_cmpstr (involve_db_get_sqlstate (other), ==, "55P03");
  g_assert_true (involve_db_get_autocommit (other));
  /* A reader is not held up. */
  exec_ok (other, "BEGIN; SELECT 1; COMMIT");
  exec_ok (f->db, "COMMIT");
  exec_ok (other, "BEGIN IMMEDIATE");
  exec_ok (other, "COMMIT");
  involve_db_close (other);
}

/* A conflicting edit is SQLITE_BUSY (the caller says so and may try
 * again); a statement stopped by the server is SQLITE_INTERRUPT. */
static void
test_pg_conflicts (Fixture       *f,
                   gconstpointer  data)
{
  InvolveDb *other;

  SKIP_WITHOUT_DB (f);
  other = connect_or_fail (f->conninfo);
  exec_ok (f->db, "CREATE TABLE e (id bigint PRIMARY KEY, v text); INSERT INTO e VALUES (1, 'a')");
  exec_ok (f->db, "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT v FROM e");
  exec_ok (other, "UPDATE e SET v = 'theirs' WHERE id = 1");
  g_assert_cmpint (involve_db_exec (f->db, "UPDATE e SET v = 'mine' WHERE id = 1", NULL), ==, SQLITE_BUSY);
  g_assert_cmpstr (involve_db_get_sqlstate (f->db), ==, "40001");
  g_assert_false (involve_db_get_autocommit (f->db));
  exec_ok (f->db, "ROLLBACK");
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM e WHERE v = 'theirs'"), ==, 1);

  exec_ok (f->db, "SET statement_timeout = '50ms'");
  g_assert_cmpint (involve_db_exec (f->db, "SELECT pg_sleep (5)", NULL), ==, SQLITE_INTERRUPT);
  g_assert_cmpstr (involve_db_get_sqlstate (f->db), ==, "57014");
  exec_ok (f->db, "RESET statement_timeout");
  involve_db_close (other);
}

static void
test_notifications (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) got = NULL;
  InvolveDb *other;
  GPollFD fd;
  gint64 deadline;

  SKIP_WITHOUT_DB (f);
  if (!is_pg (f))
    {
      g_assert_cmpint (involve_db_get_socket (f->db), ==, -1);
      got = involve_db_take_notifications (f->db);
      g_assert_cmpuint (got->len, ==, 0);
      return;
    }

  exec_ok (f->db, "LISTEN involve_register");
  g_assert_cmpint (involve_db_get_socket (f->db), >=, 0);
  got = involve_db_take_notifications (f->db);
  g_assert_cmpuint (got->len, ==, 0);
  g_clear_pointer (&got, g_ptr_array_unref);

  other = connect_or_fail (f->conninfo);
  exec_ok (other, "NOTIFY involve_register, 'record 12 saved'; NOTIFY involve_register");
  involve_db_close (other);

  fd.fd = involve_db_get_socket (f->db);
  fd.events = G_IO_IN;
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  got = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_db_notification_free);
  while (got->len < 2 && g_get_monotonic_time () < deadline)
    {
      g_autoptr(GPtrArray) more = NULL;

      g_poll (&fd, 1, 200);
      more = involve_db_take_notifications (f->db);
      for (guint i = 0; i < more->len; i++)
        g_ptr_array_add (got, g_ptr_array_steal_index (more, i--));
    }
  g_assert_cmpuint (got->len, ==, 2);
  g_assert_cmpstr (((InvolveDbNotification *) got->pdata[0])->channel, ==, "involve_register");
  g_assert_cmpstr (((InvolveDbNotification *) got->pdata[0])->payload, ==, "record 12 saved");
  g_assert_cmpstr (((InvolveDbNotification *) got->pdata[1])->payload, ==, "");
}

int
main (int    argc,
      char **argv)
{
  struct
  {
    const char *name;
    void      (*func) (Fixture *, gconstpointer);
  } cases[] = {
    { "values", test_values },
    { "placeholders", test_placeholders },
    { "constraints", test_constraints },
    { "transaction-survives-failure", test_transaction_survives_failure },
    { "rollback", test_rollback },
    { "rowid-changes", test_rowid_changes },
    { "reset-rebind", test_reset_rebind },
    { "close-with-open-statements", test_close_with_open_statements },
    { "notifications", test_notifications },
  };

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/db/pg-sql/rewrite", test_rewriter);
  g_test_add_func ("/db/pg-sql/split-classify", test_split_classify);
  g_test_add_func ("/db/pg-sql/redact", test_redact);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *sqlite_path = g_strdup_printf ("/db/sqlite/%s", cases[i].name);
      g_autofree char *pg_path = g_strdup_printf ("/db/postgresql/%s", cases[i].name);

      g_test_add (sqlite_path, Fixture, NULL, setup_sqlite, cases[i].func, teardown);
      g_test_add (pg_path, Fixture, NULL, setup_pg, cases[i].func, teardown);
    }
  g_test_add_func ("/db/postgresql/connect-refused", test_pg_connect_refused);
  g_test_add ("/db/postgresql/lost-connection", Fixture, NULL, setup_pg, test_pg_lost_connection, teardown);
  g_test_add ("/db/postgresql/lost-between", Fixture, NULL, setup_pg, test_pg_lost_between, teardown);
  g_test_add ("/db/postgresql/lost-during-commit", Fixture, NULL, setup_pg, test_pg_lost_during_commit, teardown);
  g_test_add ("/db/postgresql/reconnect-set-up", Fixture, NULL, setup_pg, test_pg_reconnect_set_up, teardown);
  g_test_add ("/db/postgresql/connect-denied", Fixture, NULL, NULL, test_pg_connect_denied, teardown);
  g_test_add ("/db/postgresql/replan", Fixture, NULL, setup_pg, test_replan, teardown);
  g_test_add ("/db/postgresql/conflicts", Fixture, NULL, setup_pg, test_pg_conflicts, teardown);
  g_test_add ("/db/postgresql/writers-queue", Fixture, NULL, setup_pg, test_pg_writers_queue, teardown);

  return g_test_run ();
}
