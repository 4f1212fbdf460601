/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The rules a team register's server enforces (src/store/sql/postgresql/),
 * tried as the people who would break them: officers and reviewers logged
 * in as themselves, with nothing but SQL.  Each refusal is checked by its
 * SQLSTATE and message.
 *
 * Needs INVOLVE_TEST_PG, a superuser's connection string on a throw-away
 * cluster (bash tools/run-tests starts one); INVOLVE_TEST_PG=skip skips.
 * Each test makes its own database and roles and drops them again.
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "cli-test-util.h"
#include "common-test-util.h"
#include "involve-pg-schema.h"
#include "involve-store.h"
#include "pg-test-util.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct
{
  char   *dbname;
  char   *reg;
  char   *officer_login;
  char   *reviewer_login;
  char   *both_login;      /* officer and reviewer */
  char   *admin_login;
  PGconn *super;           /* superuser, on the test database */
  PGconn *officer;
  PGconn *reviewer;
  PGconn *both;
  PGconn *admin;
} Fixture;

/* Asserts that @sql fails with @sqlstate and a message containing @words. */
static void
check_refused (PGconn     *conn,
               const char *sql,
               const char *sqlstate,
               const char *words)
{
  g_autofree char *state = NULL;
  g_autofree char *message = NULL;

  if (pg_test_try_exec (conn, sql, &state, &message))
    g_error ("%s was allowed", sql);
  g_test_message ("%s -> %s %s", sql, state, message);
  g_assert_cmpstr (state, ==, sqlstate);
  if (words != NULL && strstr (message, words) == NULL)
    g_error ("%s: expected “%s” in “%s”", sql, words, message);
  /* Leave an aborted transaction behind, if any. */
  if (PQtransactionStatus (conn) == PQTRANS_INERROR)
    pg_test_exec (conn, "ROLLBACK");
}

static char *
query_value (PGconn     *conn,
             const char *sql)
{
  PGresult *result = PQexec (conn, sql);
  char *value = NULL;

  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s failed: %s", sql, PQresultErrorMessage (result));
  if (PQntuples (result) > 0 && !PQgetisnull (result, 0, 0))
    value = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  return value;
}

static gint64
query_int (PGconn     *conn,
           const char *sql)
{
  g_autofree char *value = query_value (conn, sql);

  g_assert_nonnull (value);
  return g_ascii_strtoll (value, NULL, 10);
}

/* Which part of an audit entry a test gets wrong on purpose. */
typedef struct
{
  const char *account;     /* NULL: the person logged in */
  gint64      time_usec;   /* 0: the server's */
  gint64      id_offset;   /* added to the next id */
  const char *prev_hash;   /* NULL: the last entry's */
  gboolean    bad_hash;
} AuditLie;

/* Appends an audit entry as @conn inside the caller's transaction (or its
 * own), about @field_id of @record_uuid's version 1 giving it @new_value
 * when @field_id is not NULL; returns the server's SQLSTATE ("" when
 * accepted) and sets *@id. */
static char *
append_audit_full (PGconn         *conn,
                   const AuditLie *lie,
                   const char     *kind,
                   const char     *record_uuid,
                   const char     *field_id,
                   const char     *new_value,
                   gint64         *id)
{
  AuditLie honest = { 0 };
  InvolveAuditEntry entry = { 0 };
  /* The time is the transaction's: read it in the same one. */
  gboolean own_transaction = (PQtransactionStatus (conn) == PQTRANS_IDLE &&
                              (pg_test_exec (conn, "BEGIN"), TRUE));
  g_autofree char *now = query_value (conn, "SELECT involve.now_usec ()");
  g_autofree char *me = query_value (conn, "SELECT session_user");
  g_autofree char *head_id = query_value (conn, "SELECT max (id) FROM involve.audit");
  g_autofree char *head_hash = query_value (conn, "SELECT hash FROM involve.audit ORDER BY id DESC LIMIT 1");
  g_autofree char *hash = NULL;
  g_autofree char *id_text = NULL;
  g_autofree char *time_text = NULL;
  const char *params[13];
  PGresult *result;
  char *state;

  if (lie == NULL)
    lie = &honest;
  entry.id = (head_id != NULL ? g_ascii_strtoll (head_id, NULL, 10) : 0) + 1 + lie->id_offset;
  entry.time_usec = lie->time_usec != 0 ? lie->time_usec : g_ascii_strtoll (now, NULL, 10);
  entry.account = (char *) (lie->account != NULL ? lie->account : me);
  entry.profile = (char *) "Test profile";
  entry.kind = (char *) kind;
  entry.record_uuid = (char *) record_uuid;
  entry.version = record_uuid != NULL ? 1 : 0;
  entry.field_id = (char *) field_id;
  entry.new_value = (char *) (field_id != NULL ? new_value : "'Café – naïve “quotes”'");
  entry.details = (char *) "written by test-pg-rules";
  entry.prev_hash = (char *) (lie->prev_hash != NULL ? lie->prev_hash : head_hash != NULL ? head_hash : ZERO_HASH);
  hash = involve_audit_entry_compute_hash (&entry);
  if (lie->bad_hash)
    hash[0] = hash[0] == 'a' ? 'b' : 'a';

  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, entry.id);
  time_text = g_strdup_printf ("%" G_GINT64_FORMAT, entry.time_usec);
  params[0] = id_text;
  params[1] = time_text;
  params[2] = entry.account;
  params[3] = entry.profile;
  params[4] = entry.kind;
  params[5] = entry.record_uuid;
  params[6] = entry.version != 0 ? "1" : "0";
  params[7] = entry.field_id;
  params[8] = NULL;
  params[9] = entry.new_value;
  params[10] = entry.details;
  params[11] = entry.prev_hash;
  params[12] = hash;
  result = PQexecParams (conn,
                         "INSERT INTO involve.audit (id, time_usec, account, profile, kind, record_uuid, version,"
                         " field_id, old_value, new_value, details, prev_hash, hash)"
                         " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                         13, NULL, params, NULL, NULL, 0);
  if (PQresultStatus (result) == PGRES_COMMAND_OK)
    state = g_strdup ("");
  else
    {
      state = g_strdup (PQresultErrorField (result, PG_DIAG_SQLSTATE));
      g_test_message ("audit entry refused: %s %s", state, PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY));
    }
  PQclear (result);
  if (id != NULL)
    *id = entry.id;
  if (*state != '\0' && PQtransactionStatus (conn) == PQTRANS_INERROR)
    pg_test_exec (conn, "ROLLBACK");
  else if (own_transaction)
    pg_test_exec (conn, "COMMIT");
  return state;
}

static char *
append_audit (PGconn         *conn,
              const AuditLie *lie,
              const char     *kind,
              const char     *record_uuid,
              gint64         *id)
{
  return append_audit_full (conn, lie, kind, record_uuid, NULL, NULL, id);
}

/* The entry that gives @field_id of @record_uuid's version 1 @value
 * (NULL: clears it), accepted. */
static gint64
append_value_ok (PGconn     *conn,
                 const char *record_uuid,
                 const char *field_id,
                 const char *value)
{
  gint64 id = 0;
  g_autofree char *state = append_audit_full (conn, NULL, "value", record_uuid, field_id, value, &id);

  g_assert_cmpstr (state, ==, "");
  return id;
}

static gint64
append_audit_ok (PGconn     *conn,
                 const char *kind,
                 const char *record_uuid)
{
  gint64 id = 0;
  g_autofree char *state = append_audit (conn, NULL, kind, record_uuid, &id);

  g_assert_cmpstr (state, ==, "");
  return id;
}

static void
add_person (Fixture        *f,
            const char     *login,
            InvolvePgRoles  roles)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (involve_pg_schema_add_person (f->super, f->reg, login, roles, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *suffix = NULL;
  g_autofree char *sql = NULL;
  PGconn *postgres;

  memset (f, 0, sizeof *f);
  if (!pg_test_available ())
    return;
  suffix = g_strdup_printf ("%08x", g_random_int ());
  f->dbname = g_strconcat ("involve_test_", suffix, NULL);
  f->reg = g_strconcat ("t", suffix, NULL);
  f->officer_login = g_strconcat (f->reg, "_olive", NULL);
  f->reviewer_login = g_strconcat (f->reg, "_rita", NULL);
  f->both_login = g_strconcat (f->reg, "_bea", NULL);
  f->admin_login = g_strconcat (f->reg, "_ada", NULL);

  postgres = pg_test_connect (NULL, NULL);
  sql = g_strdup_printf ("CREATE DATABASE %s ENCODING 'UTF8' TEMPLATE template0", f->dbname);
  pg_test_exec (postgres, sql);
  PQfinish (postgres);

  f->super = pg_test_connect (f->dbname, NULL);
  g_assert_true (involve_pg_schema_install (f->super, f->reg, &error));
  g_assert_no_error (error);
  add_person (f, f->officer_login, INVOLVE_PG_ROLE_OFFICER);
  add_person (f, f->reviewer_login, INVOLVE_PG_ROLE_REVIEWER);
  add_person (f, f->both_login, INVOLVE_PG_ROLE_OFFICER | INVOLVE_PG_ROLE_REVIEWER);
  add_person (f, f->admin_login, INVOLVE_PG_ROLE_ADMIN);
  f->officer = pg_test_connect (f->dbname, f->officer_login);
  f->reviewer = pg_test_connect (f->dbname, f->reviewer_login);
  f->both = pg_test_connect (f->dbname, f->both_login);
  f->admin = pg_test_connect (f->dbname, f->admin_login);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  PGconn *postgres;
  g_autofree char *sql = NULL;
  const char *kinds[] = { "officer", "reviewer", "admin", "owner" };

  if (f->dbname == NULL)
    return;
  g_clear_pointer (&f->officer, PQfinish);
  g_clear_pointer (&f->reviewer, PQfinish);
  g_clear_pointer (&f->both, PQfinish);
  g_clear_pointer (&f->admin, PQfinish);
  g_clear_pointer (&f->super, PQfinish);

  postgres = pg_test_connect (NULL, NULL);
  sql = g_strdup_printf ("DROP DATABASE %s WITH (FORCE)", f->dbname);
  pg_test_exec (postgres, sql);
  g_free (sql);
  sql = g_strdup_printf ("DROP ROLE IF EXISTS %s, %s, %s, %s",
                         f->officer_login, f->reviewer_login, f->both_login, f->admin_login);
  pg_test_exec (postgres, sql);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_free (sql);
      sql = g_strdup_printf ("DROP ROLE IF EXISTS %s_%s", f->reg, kinds[i]);
      pg_test_exec (postgres, sql);
    }
  PQfinish (postgres);
  g_free (f->dbname);
  g_free (f->reg);
  g_free (f->officer_login);
  g_free (f->reviewer_login);
  g_free (f->both_login);
  g_free (f->admin_login);
}

#define REQUIRE_SERVER(f) G_STMT_START { if ((f)->super == NULL) return; } G_STMT_END

/* Install */

static void
test_install_idempotent (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *register_id = NULL;
  g_autofree char *again_id = NULL;
  g_autofree char *other = NULL;

  REQUIRE_SERVER (f);
  register_id = query_value (f->super, "SELECT value FROM involve.meta WHERE key = 'register-id'");
  g_assert_true (g_regex_match_simple ("^[0-9a-f]{32}$", register_id, 0, 0));
  g_assert_cmpint (query_int (f->super, "SELECT value::bigint FROM involve.meta WHERE key = 'schema-version'"),
                   ==, INVOLVE_PG_SCHEMA_VERSION);
  g_assert_cmpint (query_int (f->super, "SELECT value::bigint FROM involve.meta WHERE key = 'signed-acts-since'"),
                   ==, 0);

  /* Again: nothing new, nothing lost, the people still in. */
  append_audit_ok (f->officer, "test", NULL);
  g_assert_true (involve_pg_schema_install (f->super, f->reg, &error));
  g_assert_no_error (error);
  again_id = query_value (f->super, "SELECT value FROM involve.meta WHERE key = 'register-id'");
  g_assert_cmpstr (again_id, ==, register_id);
  g_assert_cmpint (query_int (f->super, "SELECT count (*) FROM involve.audit"), ==, 1);
  append_audit_ok (f->officer, "test", NULL);

  /* Another register never goes into the same database. */
  other = g_strconcat (f->reg, "x", NULL);
  g_assert_false (involve_pg_schema_install (f->super, other, &error));
  g_assert_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_OTHER_REGISTER);
  g_assert_nonnull (strstr (error->message, f->reg));
  g_clear_error (&error);

  /* Names that would not be safe role prefixes are refused before the server. */
  g_assert_false (involve_pg_schema_install (f->super, "North; DROP", &error));
  g_assert_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_INVALID_NAME);
  g_clear_error (&error);

  /* Never inside the caller's transaction, which it would commit. */
  pg_test_exec (f->super, "BEGIN");
  g_assert_false (involve_pg_schema_install (f->super, f->reg, &error));
  g_assert_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpint (PQtransactionStatus (f->super), ==, PQTRANS_INTRANS);
  pg_test_exec (f->super, "ROLLBACK");

  /* Only a superuser sets up a register. */
  g_assert_false (involve_pg_schema_install (f->officer, f->reg, &error));
  g_assert_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  {
    g_autofree char *group = involve_pg_schema_dup_role_name (f->reg, "reviewer");

    /* A group is not a person; a person joins only a register that is here. */
    g_assert_false (involve_pg_schema_add_person (f->super, f->reg, group, INVOLVE_PG_ROLE_OFFICER, &error));
    g_assert_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_INVALID_NAME);
    g_clear_error (&error);
    g_assert_false (involve_pg_schema_add_person (f->super, other, f->officer_login, INVOLVE_PG_ROLE_OFFICER, &error));
    g_assert_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_NOT_INSTALLED);
    g_clear_error (&error);
  }
}

/* Databases a register does not go into. */
static void
test_install_refused (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *latin = g_strconcat (f->dbname, "_latin", NULL);
  g_autofree char *foreign = g_strconcat (f->dbname, "_foreign", NULL);
  g_autofree char *sql = NULL;
  PGconn *postgres;
  PGconn *conn;

  REQUIRE_SERVER (f);
  postgres = pg_test_connect (NULL, NULL);
  sql = g_strdup_printf ("CREATE DATABASE %s ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0",
                         latin);
  pg_test_exec (postgres, sql);
  g_free (sql);
  sql = g_strdup_printf ("CREATE DATABASE %s ENCODING 'UTF8' TEMPLATE template0", foreign);
  pg_test_exec (postgres, sql);

  /* Audit hashes are over UTF-8. */
  conn = pg_test_connect (latin, NULL);
  g_assert_false (involve_pg_schema_install (conn, f->reg, &error));
  g_assert_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "UTF8"));
  g_clear_error (&error);
  g_assert_cmpint (PQtransactionStatus (conn), ==, PQTRANS_IDLE);
  PQfinish (conn);

  /* Somebody else's schema called involve stays as it is. */
  conn = pg_test_connect (foreign, NULL);
  pg_test_exec (conn, "CREATE SCHEMA involve; CREATE TABLE involve.things (t text)");
  g_assert_false (involve_pg_schema_install (conn, f->reg, &error));
  g_assert_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_OTHER_REGISTER);
  g_clear_error (&error);
  g_assert_cmpint (query_int (conn, "SELECT count (*) FROM pg_tables WHERE schemaname = 'involve'"), ==, 1);
  PQfinish (conn);

  g_free (sql);
  sql = g_strdup_printf ("DROP DATABASE %s", latin);
  pg_test_exec (postgres, sql);
  g_free (sql);
  sql = g_strdup_printf ("DROP DATABASE %s", foreign);
  pg_test_exec (postgres, sql);
  PQfinish (postgres);
}

/* The same tables and columns as a register file at its latest format. */
static void
test_install_same_columns (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) store = NULL;
  g_autoptr(GHashTable) sqlite_columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  PGresult *result;
  guint n_tables = 0;

  REQUIRE_SERVER (f);
  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", td->path, "create", TRUE, NULL);
  g_assert_no_error (error);
  g_assert_cmpint (involve_store_get_schema_version (INVOLVE_STORE (store)), ==,
                   involve_store_get_latest_schema_version ());
  g_clear_object (&store);

  g_assert_cmpint (sqlite3_open_v2 (td->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info (m.name) p"
                                       " WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
                                       " AND m.name NOT LIKE 'search_text_%'",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (sqlite_columns, g_strdup_printf ("%s.%s", sqlite3_column_text (stmt, 0),
                                                       sqlite3_column_text (stmt, 1)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpuint (g_hash_table_size (sqlite_columns), >, 100);

  /* Every SQLite column is on the server, and the server has only the
   * columns it keeps for itself besides. */
  result = PQexec (f->super,
                   "SELECT table_name || '.' || column_name FROM information_schema.columns"
                   " WHERE table_schema = 'involve'"
                   " AND table_name IN (SELECT table_name FROM information_schema.tables"
                   "                    WHERE table_schema = 'involve' AND table_type = 'BASE TABLE')");
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  for (int i = 0; i < PQntuples (result); i++)
    {
      const char *column = PQgetvalue (result, i, 0);

      if (g_hash_table_remove (sqlite_columns, column))
        n_tables++;
      else if (!g_str_equal (column, "versions.submitted_role") &&
               !g_str_equal (column, "versions.created_xact") &&
               !g_str_equal (column, "search_text.rowid") &&
               !g_str_equal (column, "search_text.document"))
        g_error ("The server has %s, which a register file has not", column);
    }
  PQclear (result);
  if (g_hash_table_size (sqlite_columns) > 0)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, sqlite_columns);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_test_message ("missing on the server: %s", (const char *) key);
      g_test_fail_printf ("%u columns of a register file are missing on the server",
                          g_hash_table_size (sqlite_columns));
    }
}

/* Audit */

static void
test_audit_chain (Fixture       *f,
                  gconstpointer  data)
{
  AuditLie lie = { 0 };
  g_autofree char *state = NULL;
  g_autofree char *account = NULL;
  g_autofree char *me = NULL;

  REQUIRE_SERVER (f);
  /* The honest entries go in, from two people in turn. */
  g_assert_cmpint (append_audit_ok (f->officer, "create", "uuid-1"), ==, 1);
  g_assert_cmpint (append_audit_ok (f->reviewer, "value", "uuid-1"), ==, 2);
  account = query_value (f->super, "SELECT account FROM involve.audit WHERE id = 2");
  g_assert_cmpstr (account, ==, f->reviewer_login);

  /* Somebody else's name. */
  lie = (AuditLie) { .account = f->reviewer_login };
  state = append_audit (f->officer, &lie, "value", "uuid-1", NULL);
  g_assert_cmpstr (state, ==, "42501");
  g_clear_pointer (&state, g_free);

  /* A time the client chose: an hour ago. */
  me = query_value (f->officer, "SELECT involve.now_usec () - 3600000000");
  lie = (AuditLie) { .time_usec = g_ascii_strtoll (me, NULL, 10) };
  state = append_audit (f->officer, &lie, "value", "uuid-1", NULL);
  g_assert_cmpstr (state, ==, "42501");
  g_clear_pointer (&state, g_free);

  /* A gap in the ids, or the same id again. */
  lie = (AuditLie) { .id_offset = 1 };
  state = append_audit (f->officer, &lie, "value", "uuid-1", NULL);
  g_assert_cmpstr (state, ==, "23000");
  g_clear_pointer (&state, g_free);
  lie = (AuditLie) { .id_offset = -1 };
  state = append_audit (f->officer, &lie, "value", "uuid-1", NULL);
  g_assert_cmpstr (state, ==, "23000");
  g_clear_pointer (&state, g_free);

  /* A prev_hash that is not the last entry's. */
  lie = (AuditLie) { .prev_hash = ZERO_HASH };
  state = append_audit (f->officer, &lie, "value", "uuid-1", NULL);
  g_assert_cmpstr (state, ==, "23000");
  g_clear_pointer (&state, g_free);

  /* A hash that does not match the content. */
  lie = (AuditLie) { .bad_hash = TRUE };
  state = append_audit (f->officer, &lie, "value", "uuid-1", NULL);
  g_assert_cmpstr (state, ==, "23000");
  g_clear_pointer (&state, g_free);

  /* Nothing of that went in; the chain goes on. */
  g_assert_cmpint (query_int (f->super, "SELECT count (*) FROM involve.audit"), ==, 2);
  g_assert_cmpint (append_audit_ok (f->officer, "value", "uuid-1"), ==, 3);

  /* Changing the trail: no privilege, and the trigger even for the owner's superuser. */
  check_refused (f->officer, "UPDATE audit SET details = 'nothing happened' WHERE id = 1", "42501", "permission denied");
  check_refused (f->officer, "DELETE FROM audit WHERE id = 3", "42501", "permission denied");
  check_refused (f->officer, "TRUNCATE audit", "42501", "permission denied");
  check_refused (f->reviewer, "DELETE FROM audit", "42501", "permission denied");
  check_refused (f->super, "UPDATE involve.audit SET details = 'x' WHERE id = 1", "23000", "append-only");
  check_refused (f->super, "DELETE FROM involve.audit WHERE id = 3", "23000", "append-only");
  check_refused (f->super, "TRUNCATE involve.audit CASCADE", "23000", "append-only");
  g_assert_cmpint (query_int (f->super, "SELECT count (*) FROM involve.audit"), ==, 3);
}

/* Two people append at once: the second waits for the first to commit,
 * then follows it. */
static void
test_audit_concurrent (Fixture       *f,
                       gconstpointer  data)
{
  PGresult *result;

  REQUIRE_SERVER (f);
  pg_test_exec (f->officer, "BEGIN");
  pg_test_exec (f->officer, "SELECT involve.audit_lock ()");
  g_assert_cmpint (append_audit_ok (f->officer, "value", "uuid-1"), ==, 1);

  /* Rita asks for the lock and waits. */
  pg_test_exec (f->reviewer, "BEGIN");
  g_assert_cmpint (PQsendQuery (f->reviewer, "SELECT involve.audit_lock ()"), ==, 1);
  g_usleep (200 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (PQconsumeInput (f->reviewer), ==, 1);
  g_assert_cmpint (PQisBusy (f->reviewer), ==, 1);

  pg_test_exec (f->officer, "COMMIT");
  while ((result = PQgetResult (f->reviewer)) != NULL)
    {
      g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
      PQclear (result);
    }
  /* Under the lock she reads the head Olive left and follows it. */
  g_assert_cmpint (append_audit_ok (f->reviewer, "value", "uuid-1"), ==, 2);
  pg_test_exec (f->reviewer, "COMMIT");

  g_assert_cmpint (query_int (f->super, "SELECT count (*) FROM involve.audit"), ==, 2);
}

/* A copy by a superuser keeps the copied people and times, but not a broken chain. */
static void
test_audit_copy (Fixture       *f,
                 gconstpointer  data)
{
  AuditLie lie = { .account = "someone-on-a-desktop", .time_usec = G_GINT64_CONSTANT (1700000000000000) };
  g_autofree char *state = NULL;

  REQUIRE_SERVER (f);
  /* Without saying so, even a superuser writes as themselves. */
  state = append_audit (f->super, &lie, "create", "uuid-1", NULL);
  g_assert_cmpstr (state, ==, "42501");
  g_clear_pointer (&state, g_free);
  /* An officer cannot switch copying on. */
  pg_test_exec (f->officer, "SET involve.copy = 'on'");
  state = append_audit (f->officer, &lie, "create", "uuid-1", NULL);
  g_assert_cmpstr (state, ==, "42501");
  g_clear_pointer (&state, g_free);

  pg_test_exec (f->super, "SET involve.copy = 'on'");
  /* A new register takes the copied register's id... */
  pg_test_exec (f->super, "INSERT INTO involve.meta (key, value) VALUES ('register-id', 'copied-id'), ('signed-acts-since', '1')"
           " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  check_refused (f->super, "UPDATE involve.meta SET value = 'x' WHERE key = 'register-name'", "23000", "identity");

  /* ...then its rows as they are: values before their signed-off version
   * (foreign keys checked at commit), people and times kept. */
  pg_test_exec (f->super, "BEGIN; SET CONSTRAINTS ALL DEFERRED;"
           " INSERT INTO involve.records (id, uuid, reference, ref_year, ref_number, framework, latest_version,"
           "  status, created_usec, modified_usec) VALUES (10, 'uuid-1', 'ICB-2020-0001', 2020, 1, 'x', 1,"
           "  'signed-off', 1, 1)");
  state = append_audit (f->super, &lie, "create", "uuid-1", NULL);
  g_assert_cmpstr (state, ==, "");
  g_clear_pointer (&state, g_free);
  pg_test_exec (f->super, "INSERT INTO involve.field_values (version_id, field_id, value, modified_usec, audit_id)"
           " VALUES (20, 'title', '''Old''', 1, 1);"
           " INSERT INTO involve.versions (id, record_id, version, status, created_usec, modified_usec,"
           "  decision, decided_usec) VALUES (20, 10, 1, 'signed-off', 1, 1, 'signed-off', 1700000000000000);"
           " COMMIT");
  {
    g_autofree char *account = query_value (f->super, "SELECT account FROM involve.audit WHERE id = 1");

    g_assert_cmpstr (account, ==, "someone-on-a-desktop");
  }
  /* The chain is still checked. */
  lie.id_offset = 1;
  state = append_audit (f->super, &lie, "value", "uuid-1", NULL);
  g_assert_cmpstr (state, ==, "23000");
  g_clear_pointer (&state, g_free);
  /* Once the register has a history, its id stays. */
  check_refused (f->super, "UPDATE involve.meta SET value = 'x' WHERE key = 'register-id'", "23000", "identity");
  pg_test_exec (f->super, "SELECT involve.sync_identities ()");
  pg_test_exec (f->super, "RESET involve.copy");

  /* The ids go on after the copied ones; nobody else may reset them. */
  check_refused (f->officer, "SELECT involve.sync_identities ()", "42501", "permission denied");
  pg_test_exec (f->officer, "BEGIN; INSERT INTO records (uuid, reference, ref_year, ref_number, framework,"
           " created_usec, modified_usec) VALUES ('uuid-2', 'ICB-2020-0002', 2020, 2, 'x', 1, 1);"
           " INSERT INTO versions (record_id, version, status, created_usec, modified_usec)"
           " VALUES ((SELECT id FROM records WHERE uuid = 'uuid-2'), 1, 'draft', 1, 1); COMMIT");
  g_assert_cmpint (query_int (f->super, "SELECT max (id) FROM involve.records"), ==, 11);
  g_assert_cmpint (query_int (f->super, "SELECT max (id) FROM involve.versions"), ==, 21);
  g_assert_cmpint (query_int (f->super, "SELECT count (*) FROM involve.meta WHERE value = 'copied-id'"), ==, 1);
}

/* No DDL, no temporary tables, nothing in public. */
static void
test_no_ddl (Fixture       *f,
             gconstpointer  data)
{
  REQUIRE_SERVER (f);
  check_refused (f->officer, "CREATE TABLE involve.notes (t text)", "42501", "permission denied");
  check_refused (f->officer, "CREATE TABLE public.notes (t text)", "42501", "permission denied");
  check_refused (f->officer, "CREATE TABLE notes (t text)", "42501", NULL);
  check_refused (f->officer, "CREATE TEMPORARY TABLE notes (t text)", "42501", "permission denied");
  check_refused (f->reviewer, "DROP TABLE involve.audit", "42501", "must be owner");
  check_refused (f->admin, "ALTER TABLE involve.audit DISABLE TRIGGER audit_no_change", "42501", "must be owner");
  check_refused (f->officer, "ALTER TABLE involve.versions DISABLE ROW LEVEL SECURITY", "42501", "must be owner");
  check_refused (f->officer, "SELECT setval ('involve.records_id_seq', 1000)", "42501", "permission denied");
  check_refused (f->officer, "DELETE FROM involve.versions", "42501", "permission denied");
  check_refused (f->officer, "UPDATE involve.meta SET value = 'x' WHERE key = 'register-id'", "23000", "cannot be changed");
  check_refused (f->officer, "DELETE FROM involve.meta WHERE key = 'signed-acts-since'", "42501", "permission denied");
  check_refused (f->officer, "INSERT INTO trust (fingerprint, roles, audit_id) VALUES ('x', 'sign-off', 1)",
                 "42501", "permission denied");
}

/* Life cycle */

typedef struct
{
  gint64 record_id;
  gint64 version_id;
} Draft;

/* A record with one draft version and one value, written by @conn. */
static Draft
make_draft (PGconn     *conn,
            const char *uuid,
            const char *reference)
{
  Draft draft;
  g_autofree char *sql = NULL;
  gint64 audit_id;

  pg_test_exec (conn, "BEGIN");
  audit_id = append_audit_ok (conn, "create", uuid);
  sql = g_strdup_printf ("INSERT INTO records (uuid, reference, ref_year, ref_number, framework,"
                         " created_usec, modified_usec) VALUES ('%s', '%s', 2026, 1, 'icb-14z45', 1, 1)",
                         uuid, reference);
  pg_test_exec (conn, sql);
  draft.record_id = query_int (conn, "SELECT lastval ()");
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO versions (record_id, version, status, created_usec, modified_usec)"
                         " VALUES (%" G_GINT64_FORMAT ", 1, 'draft', 1, 1)", draft.record_id);
  pg_test_exec (conn, sql);
  draft.version_id = query_int (conn, "SELECT lastval ()");
  audit_id = append_value_ok (conn, uuid, "title", "'A title'");
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO field_values (version_id, field_id, value, modified_usec, audit_id)"
                         " VALUES (%" G_GINT64_FORMAT ", 'title', '''A title''', 1, %" G_GINT64_FORMAT ")"
                         " ON CONFLICT (version_id, field_id) DO UPDATE SET value = excluded.value",
                         draft.version_id, audit_id);
  pg_test_exec (conn, sql);
  pg_test_exec (conn, "COMMIT");
  return draft;
}

/* The store keeps a record's summary with its latest version's status,
 * and the server checks that at commit. */
#define SYNC_SUMMARY "UPDATE records r SET status = v.status FROM versions v" \
                     " WHERE v.record_id = r.id AND v.version = r.latest_version AND r.status <> v.status"

/* @format with $V replaced by @version_id, in a transaction of its own
 * that also brings the records' summary up to date, as the store does. */
static char *
version_sql (const char *format,
             gint64      version_id)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, version_id);
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "BEGIN; %s; %s; COMMIT", format, SYNC_SUMMARY);
  g_string_replace (out, "$V", id, 0);
  return g_string_free (out, FALSE);
}

static void
run_version (PGconn     *conn,
             const char *format,
             gint64      version_id)
{
  g_autofree char *sql = version_sql (format, version_id);

  pg_test_exec (conn, sql);
}

static void
refuse_version (PGconn     *conn,
                const char *format,
                gint64      version_id,
                const char *sqlstate,
                const char *words)
{
  g_autofree char *sql = version_sql (format, version_id);

  check_refused (conn, sql, sqlstate, words);
}

/* Sets the title of @uuid's draft @version_id to @value, with the audit
 * entry that records it, as the store does. */
static void
edit_title (PGconn     *conn,
            const char *uuid,
            gint64      version_id,
            const char *value)
{
  g_autofree char *sql = NULL;
  char *quoted;
  gint64 audit_id;

  pg_test_exec (conn, "BEGIN");
  audit_id = append_value_ok (conn, uuid, "title", value);
  quoted = PQescapeLiteral (conn, value, strlen (value));
  sql = g_strdup_printf ("UPDATE field_values SET value = %s, audit_id = %" G_GINT64_FORMAT
                         " WHERE version_id = %" G_GINT64_FORMAT " AND field_id = 'title'",
                         quoted, audit_id, version_id);
  PQfreemem (quoted);
  pg_test_exec (conn, sql);
  pg_test_exec (conn, "COMMIT");
}

#define SUBMIT "UPDATE versions SET status = 'awaiting-sign-off', fingerprint = 'f' WHERE id = $V"
#define DECIDE "UPDATE versions SET reviewer_name = 'R', decision = 'signed-off'," \
               " decided_usec = involve.now_usec (), decided_fingerprint = 'f' WHERE id = $V;" \
               " UPDATE versions SET status = 'signed-off' WHERE id = $V"

static void
test_self_sign_off (Fixture       *f,
                    gconstpointer  data)
{
  Draft draft;
  g_autofree char *submitted = NULL;
  g_autofree char *status = NULL;

  REQUIRE_SERVER (f);
  draft = make_draft (f->both, "uuid-self", "ICB-2026-0001");

  /* The client cannot name who submitted. */
  refuse_version (f->both, "UPDATE versions SET submitted_role = 'someone-else' WHERE id = $V",
                  draft.version_id, "42501", "permission denied");
  check_refused (f->both, "INSERT INTO versions (record_id, version, status, created_usec, modified_usec,"
                 " submitted_role) VALUES (1, 9, 'draft', 1, 1, 'someone-else')", "42501", "permission denied");

  run_version (f->both, SUBMIT, draft.version_id);
  submitted = query_value (f->super, "SELECT submitted_role FROM involve.versions");
  g_assert_cmpstr (submitted, ==, f->both_login);

  /* Bea is a reviewer too, but not of her own submission: neither the
   * decision nor the status change goes in. */
  refuse_version (f->both, DECIDE, draft.version_id, "42501",
                  "a record cannot be signed off by the person who submitted it");
  refuse_version (f->both, "UPDATE versions SET status = 'signed-off' WHERE id = $V", draft.version_id,
                  "42501", "a record cannot be signed off by the person who submitted it");
  refuse_version (f->both, "UPDATE versions SET status = 'returned', decision = 'returned',"
                  " decided_usec = involve.now_usec () WHERE id = $V",
                  draft.version_id, "42501", "a record cannot be returned by the person who submitted it");

  /* What was submitted is what the reviewer sees: no change to it, nor to its values. */
  refuse_version (f->both, "UPDATE versions SET fingerprint = 'other' WHERE id = $V", draft.version_id,
                  "23000", "recall it first");
  refuse_version (f->officer, "UPDATE field_values SET value = '''Changed''' WHERE version_id = $V",
                  draft.version_id, "23000", "cannot be changed");

  /* An officer is no reviewer at all. */
  refuse_version (f->officer, DECIDE, draft.version_id, "42501", "only a reviewer of this register");

  /* The reviewer's time must be the server's. */
  refuse_version (f->reviewer, "UPDATE versions SET decision = 'signed-off', decided_usec = 1 WHERE id = $V",
                  draft.version_id, "42501", "server's time");
  /* And a status without its decision does not go in either. */
  refuse_version (f->reviewer, "UPDATE versions SET status = 'signed-off' WHERE id = $V",
                  draft.version_id, "23000", "only with that decision");

  /* Rita may. */
  run_version (f->reviewer, DECIDE, draft.version_id);
  status = query_value (f->super, "SELECT status || ' ' || decision FROM involve.versions");
  g_assert_cmpstr (status, ==, "signed-off signed-off");
  g_assert_cmpint (query_int (f->super, "SELECT count (*) FROM involve.versions WHERE decided_usec > 0"), ==, 1);
}

static void
test_signed_off_locked (Fixture       *f,
                        gconstpointer  data)
{
  Draft draft;
  g_autofree char *sql = NULL;

  REQUIRE_SERVER (f);
  draft = make_draft (f->officer, "uuid-lock", "ICB-2026-0002");
  run_version (f->officer, SUBMIT, draft.version_id);
  run_version (f->reviewer, DECIDE, draft.version_id);

  refuse_version (f->officer, "UPDATE versions SET outcome = 'does-not-apply' WHERE id = $V",
                  draft.version_id, "23000", "cannot be changed");
  refuse_version (f->reviewer, "UPDATE versions SET review_comments = 'better now' WHERE id = $V",
                  draft.version_id, "23000", "cannot be changed");
  refuse_version (f->officer, "UPDATE versions SET status = 'draft' WHERE id = $V",
                  draft.version_id, "23000", "cannot be changed");
  /* Superseded only by a newer signed-off version. */
  refuse_version (f->reviewer, "UPDATE versions SET status = 'superseded' WHERE id = $V",
                  draft.version_id, "23000", "newer signed-off version");
  /* Its values are locked, whoever asks. */
  refuse_version (f->officer, "UPDATE field_values SET value = '''Another title''' WHERE version_id = $V",
                  draft.version_id, "23000", "cannot be changed");
  refuse_version (f->officer, "DELETE FROM field_values WHERE version_id = $V",
                  draft.version_id, "23000", "cannot be changed");
  refuse_version (f->super, "UPDATE involve.field_values SET value = '''Another''' WHERE version_id = $V",
                  draft.version_id, "23000", "cannot be changed");
  sql = g_strdup_printf ("INSERT INTO field_values (version_id, field_id, value, modified_usec, audit_id)"
                         " VALUES (%" G_GINT64_FORMAT ", 'summary', '''x''', 1, 1)", draft.version_id);
  check_refused (f->officer, sql, "23000", "cannot be changed");

  /* No new version is born decided. */
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO versions (record_id, version, status, created_usec, modified_usec)"
                         " VALUES (%" G_GINT64_FORMAT ", 2, 'signed-off', 1, 1)", draft.record_id);
  check_refused (f->reviewer, sql, "23000", "starts as a draft");
  g_assert_cmpint (query_int (f->super, "SELECT count (*) FROM involve.versions"), ==, 1);
}

/* The ordinary ways round the life cycle all go through. */
static void
test_return_and_resubmit (Fixture       *f,
                          gconstpointer  data)
{
  Draft draft;
  Draft other;
  g_autofree char *state = NULL;

  REQUIRE_SERVER (f);
  draft = make_draft (f->officer, "uuid-return", "ICB-2026-0005");
  run_version (f->officer, SUBMIT, draft.version_id);
  /* Recalled, edited, submitted again. */
  run_version (f->officer, "UPDATE versions SET status = 'draft' WHERE id = $V", draft.version_id);
  edit_title (f->officer, "uuid-return", draft.version_id, "'Better title'");
  run_version (f->officer, SUBMIT, draft.version_id);
  /* Returned by the reviewer (the decision first, then the status, as the store does). */
  run_version (f->reviewer, "UPDATE versions SET decision = 'returned', review_comments = 'More detail',"
               " decided_usec = involve.now_usec () WHERE id = $V;"
               " UPDATE versions SET status = 'returned' WHERE id = $V", draft.version_id);
  /* Reopened, edited, submitted and signed off. */
  run_version (f->officer, "UPDATE versions SET status = 'draft' WHERE id = $V", draft.version_id);
  edit_title (f->officer, "uuid-return", draft.version_id, "'Best title'");
  run_version (f->officer, SUBMIT, draft.version_id);
  run_version (f->reviewer, DECIDE, draft.version_id);
  state = query_value (f->super, "SELECT status || ' ' || decision || ' ' || submitted_role FROM involve.versions");
  g_assert_nonnull (strstr (state, "signed-off signed-off "));
  g_assert_nonnull (strstr (state, f->officer_login));

  /* Another is withdrawn while a draft; then it is final. */
  other = make_draft (f->officer, "uuid-withdraw", "ICB-2026-0006");
  run_version (f->officer, "UPDATE versions SET status = 'withdrawn', status_reason = 'Not needed' WHERE id = $V",
               other.version_id);
  refuse_version (f->officer, "UPDATE versions SET status = 'draft' WHERE id = $V", other.version_id,
                  "23000", "cannot be changed");
}

/* An amendment signed off supersedes the version before it; an import of
 * decided versions is the administrators' act. */
static void
test_supersede_and_import (Fixture       *f,
                           gconstpointer  data)
{
  Draft draft;
  gint64 second;
  g_autofree char *sql = NULL;
  g_autofree char *status = NULL;

  REQUIRE_SERVER (f);
  draft = make_draft (f->officer, "uuid-amend", "ICB-2026-0003");
  run_version (f->officer, SUBMIT, draft.version_id);
  run_version (f->reviewer, DECIDE, draft.version_id);

  /* The amendment: version 2, a draft, now the record's latest. */
  sql = g_strdup_printf ("BEGIN; INSERT INTO versions (record_id, version, status, created_usec, modified_usec)"
                         " VALUES (%" G_GINT64_FORMAT ", 2, 'draft', 2, 2);"
                         " UPDATE records SET latest_version = 2, status = 'draft' WHERE id = %" G_GINT64_FORMAT ";"
                         " COMMIT", draft.record_id, draft.record_id);
  pg_test_exec (f->officer, sql);
  second = query_int (f->officer, "SELECT max (id) FROM versions");
  run_version (f->officer, SUBMIT, second);
  {
    g_autofree char *sign = g_strdup_printf ("UPDATE versions SET decision = 'signed-off',"
                                             " decided_usec = involve.now_usec () WHERE id = $V;"
                                             " UPDATE versions SET status = 'signed-off' WHERE id = $V;"
                                             " UPDATE versions SET status = 'superseded', modified_usec = 5"
                                             " WHERE id = %" G_GINT64_FORMAT, draft.version_id);

    run_version (f->reviewer, sign, second);
  }
  status = query_value (f->super, "SELECT string_agg (status, ',' ORDER BY version) FROM involve.versions");
  g_assert_cmpstr (status, ==, "superseded,signed-off");

  /* A version created and decided in one go: an import.  Not for reviewers. */
  g_free (sql);
  sql = g_strdup_printf ("BEGIN; INSERT INTO versions (record_id, version, status, created_usec, modified_usec)"
                         " VALUES (%" G_GINT64_FORMAT ", 3, 'draft', 3, 3);"
                         " UPDATE versions SET status = 'signed-off', decision = 'signed-off', decided_usec = 42"
                         " WHERE record_id = %" G_GINT64_FORMAT " AND version = 3; COMMIT",
                         draft.record_id, draft.record_id);
  check_refused (f->reviewer, sql, "42501", "only an administrator");
  check_refused (f->officer, sql, "42501", "only an administrator");
  pg_test_exec (f->admin, sql);
  g_assert_cmpint (query_int (f->super, "SELECT decided_usec FROM involve.versions WHERE version = 3"), ==, 42);

  /* A draft of an earlier transaction is no import: an admin cannot decide it. */
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO versions (record_id, version, status, created_usec, modified_usec)"
                         " VALUES (%" G_GINT64_FORMAT ", 4, 'draft', 4, 4)", draft.record_id);
  pg_test_exec (f->admin, sql);
  g_free (sql);
  sql = g_strdup_printf ("UPDATE versions SET status = 'signed-off', decision = 'signed-off',"
                         " decided_usec = involve.now_usec () WHERE record_id = %" G_GINT64_FORMAT
                         " AND version = 4", draft.record_id);
  check_refused (f->admin, sql, "23000", "only on a version awaiting sign-off");
}

/* A draft's value changes only with the audit entry that records it, so
 * nobody changes, clears or puts back a value unlogged. */
static void
test_values_logged (Fixture       *f,
                    gconstpointer  data)
{
  Draft draft;
  gint64 first;
  gint64 other;
  g_autofree char *sql = NULL;
  g_autofree char *value = NULL;

  REQUIRE_SERVER (f);
  draft = make_draft (f->officer, "uuid-logged", "ICB-2026-0007");
  first = query_int (f->super, "SELECT audit_id FROM involve.field_values");
  edit_title (f->officer, "uuid-logged", draft.version_id, "'Second title'");

  /* Changed without an entry, by an officer or a reviewer. */
  refuse_version (f->officer, "UPDATE field_values SET value = '''Other''' WHERE version_id = $V",
                  draft.version_id, "23000", "written only with the audit entry that records it");
  refuse_version (f->reviewer, "UPDATE field_values SET value = '''Other''' WHERE version_id = $V",
                  draft.version_id, "23000", "written only with the audit entry that records it");
  /* Put back with the entry that wrote it before. */
  sql = g_strdup_printf ("UPDATE field_values SET value = '''A title''', audit_id = %" G_GINT64_FORMAT
                         " WHERE version_id = $V", first);
  refuse_version (f->officer, sql, draft.version_id, "23000", "written only with the audit entry");
  /* Another field given that old entry. */
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO field_values (version_id, field_id, value, modified_usec, audit_id)"
                         " VALUES ($V, 'summary', '''A title''', 1, %" G_GINT64_FORMAT ")", first);
  refuse_version (f->admin, sql, draft.version_id, "23000", "written only with the audit entry");
  /* Cleared without an entry. */
  refuse_version (f->officer, "DELETE FROM field_values WHERE version_id = $V", draft.version_id,
                  "23000", "cleared only with the audit entry that records it");
  /* An entry of this transaction, but for another field. */
  pg_test_exec (f->officer, "BEGIN");
  other = append_value_ok (f->officer, "uuid-logged", "organisation-name", "'Other ICB'");
  g_free (sql);
  sql = g_strdup_printf ("UPDATE field_values SET value = '''Other ICB''', audit_id = %" G_GINT64_FORMAT
                         " WHERE version_id = %" G_GINT64_FORMAT, other, draft.version_id);
  check_refused (f->officer, sql, "23000", "written only with the audit entry");
  /* Or for this field, but another value. */
  pg_test_exec (f->officer, "BEGIN");
  other = append_value_ok (f->officer, "uuid-logged", "title", "'Third title'");
  g_free (sql);
  sql = g_strdup_printf ("UPDATE field_values SET value = '''Not that title''', audit_id = %" G_GINT64_FORMAT
                         " WHERE version_id = %" G_GINT64_FORMAT, other, draft.version_id);
  check_refused (f->officer, sql, "23000", "written only with the audit entry");
  value = query_value (f->super, "SELECT value FROM involve.field_values");
  g_assert_cmpstr (value, ==, "'Second title'");

  /* With its entry, each goes in, whoever it was. */
  edit_title (f->reviewer, "uuid-logged", draft.version_id, "'Third title'");
  pg_test_exec (f->officer, "BEGIN");
  append_value_ok (f->officer, "uuid-logged", "title", NULL);
  g_free (sql);
  sql = g_strdup_printf ("DELETE FROM field_values WHERE version_id = %" G_GINT64_FORMAT, draft.version_id);
  pg_test_exec (f->officer, sql);
  pg_test_exec (f->officer, "COMMIT");
  g_assert_cmpint (query_int (f->super, "SELECT count (*) FROM involve.field_values"), ==, 0);
}

/* Row-level security: a new version is a draft; an officer never writes a decided state. */
static void
test_row_security (Fixture       *f,
                   gconstpointer  data)
{
  Draft draft;

  REQUIRE_SERVER (f);
  draft = make_draft (f->officer, "uuid-rls", "ICB-2026-0004");
  /* Everyone in the register reads everything. */
  g_assert_cmpint (query_int (f->reviewer, "SELECT count (*) FROM versions"), ==, 1);
  g_assert_cmpint (query_int (f->admin, "SELECT count (*) FROM field_values"), ==, 1);
  /* The owner's own functions see nothing (forced row security, no policy). */
  pg_test_exec (f->super, "BEGIN");
  {
    g_autofree char *set = g_strdup_printf ("SET LOCAL ROLE %s_owner", f->reg);

    pg_test_exec (f->super, set);
  }
  g_assert_cmpint (query_int (f->super, "SELECT count (*) FROM involve.versions"), ==, 0);
  pg_test_exec (f->super, "ROLLBACK");

  /* A record's summary cannot claim a state its latest version is not in. */
  check_refused (f->officer, "UPDATE records SET status = 'signed-off'", "23000",
                 "says its version 1 is signed-off, but that version is draft");
  check_refused (f->officer, "BEGIN; UPDATE records SET latest_version = 2; COMMIT", "23000",
                 "but that version is missing");

  /* With the life-cycle trigger out of the way, the policies alone still
   * keep an officer from writing a decided status. */
  run_version (f->officer, SUBMIT, draft.version_id);
  pg_test_exec (f->super, "ALTER TABLE involve.versions DISABLE TRIGGER versions_life_cycle");
  refuse_version (f->officer, "UPDATE versions SET status = 'signed-off' WHERE id = $V", draft.version_id,
                  "42501", "row-level security");
  run_version (f->reviewer, "UPDATE versions SET status = 'returned' WHERE id = $V", draft.version_id);
  refuse_version (f->officer, "INSERT INTO versions (record_id, version, status, created_usec, modified_usec)"
                  " VALUES ($V, 7, 'signed-off', 1, 1)", draft.record_id, "42501", "row-level security");
  pg_test_exec (f->super, "ALTER TABLE involve.versions ENABLE TRIGGER versions_life_cycle");
}

/* Append-only tables and the trust list. */
static void
test_append_only (Fixture       *f,
                  gconstpointer  data)
{
  /* Each table and one of its columns. */
  const char *tables[][2] = {
    { "audit_signatures", "signer" }, { "certificates", "subject" }, { "trust", "roles" },
    { "imported_trails", "source" }, { "imported_audit", "details" }, { "seen_heads", "source" },
    { "involvement_activities", "method" }, { "involvement_reach", "item" },
    { "involvement_feedback", "theme" }, { "involvement_responses", "we_did" },
    { "involvement_evaluations", "impact" },
  };
  gint64 audit_id;
  g_autofree char *sql = NULL;

  REQUIRE_SERVER (f);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *update = g_strdup_printf ("UPDATE %s SET %s = 'x'", tables[i][0], tables[i][1]);
      g_autofree char *remove = g_strdup_printf ("DELETE FROM %s", tables[i][0]);
      g_autofree char *truncate = g_strdup_printf ("TRUNCATE %s", tables[i][0]);
      g_autofree char *super_truncate = g_strdup_printf ("TRUNCATE involve.%s CASCADE", tables[i][0]);

      check_refused (f->officer, update, "42501", "permission denied");
      check_refused (f->admin, remove, "42501", "permission denied");
      check_refused (f->reviewer, truncate, "42501", "permission denied");
      check_refused (f->super, super_truncate, "23000", "append-only");
    }

  /* A row that is there stays as it is, even for a superuser. */
  pg_test_exec (f->admin, "BEGIN");
  audit_id = append_audit_ok (f->admin, "trust", NULL);
  pg_test_exec (f->admin, "INSERT INTO certificates (fingerprint, der) VALUES ('fp', '\\x3082')");
  sql = g_strdup_printf ("INSERT INTO trust (fingerprint, roles, audit_id) VALUES ('fp', 'sign-off', %"
                         G_GINT64_FORMAT ")", audit_id);
  pg_test_exec (f->admin, sql);
  pg_test_exec (f->admin, "COMMIT");
  check_refused (f->super, "UPDATE involve.trust SET roles = ''", "23000", "append-only");
  check_refused (f->super, "DELETE FROM involve.certificates", "23000", "append-only");
}

/* A signature goes in with the entry it signs; no entry is signed later. */
#define SIGN_ENTRY "INSERT INTO audit_signatures (audit_id, signer, data, signature)" \
                   " VALUES (%" G_GINT64_FORMAT ", 'fp', '\\x01', '\\x02')"

static void
test_signature_with_entry (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *sql = NULL;
  gint64 unsigned_id;
  gint64 signed_id;

  REQUIRE_SERVER (f);
  pg_test_exec (f->officer, "INSERT INTO certificates (fingerprint, der) VALUES ('fp', '\\x3082')");
  unsigned_id = append_audit_ok (f->officer, "value", "uuid-1");
  /* As the store signs an act: the entry, then its signature. */
  pg_test_exec (f->reviewer, "BEGIN");
  signed_id = append_audit_ok (f->reviewer, "sign-off", "uuid-1");
  sql = g_strdup_printf (SIGN_ENTRY, signed_id);
  pg_test_exec (f->reviewer, sql);
  pg_test_exec (f->reviewer, "COMMIT");

  /* The older entry stays unsigned, whoever signs and however. */
  g_free (sql);
  sql = g_strdup_printf (SIGN_ENTRY, unsigned_id);
  check_refused (f->officer, sql, "23000", "a signature is kept with the audit entry it signs");
  check_refused (f->reviewer, sql, "23000", "a signature is kept with the audit entry it signs");
  check_refused (f->admin, sql, "23000", "a signature is kept with the audit entry it signs");
  g_free (sql);
  sql = g_strdup_printf ("SET involve.copy = 'on'; " SIGN_ENTRY, unsigned_id);
  check_refused (f->officer, sql, "23000", "a signature is kept with the audit entry it signs");
  pg_test_exec (f->officer, "RESET involve.copy");
  /* Nor a second signature for the last entry. */
  g_free (sql);
  sql = g_strdup_printf (SIGN_ENTRY, signed_id);
  check_refused (f->officer, sql, "23505", NULL);
  g_assert_cmpint (query_int (f->super, "SELECT count (*) FROM involve.audit_signatures"), ==, 1);
}

/* A kept audit trail: written whole, bound to its own import entry, and
 * closed; append-only alone would let entries be added to it later. */
static void
test_imported_trail_kept (Fixture       *f,
                          gconstpointer  data)
{
  /* The digest: the new value append_audit () writes into the import entry. */
  const char *digest = "(SELECT new_value FROM audit ORDER BY id DESC LIMIT 1)";
  const char *entry_columns = "(trail_id, position, source_id, time_usec, prev_hash, hash)";
  g_autofree char *sql = NULL;
  g_autofree char *kept = NULL;
  gint64 import_id;
  gint64 trail_id;

  REQUIRE_SERVER (f);
  /* As the store imports: the entry, then the trail and its entries. */
  pg_test_exec (f->officer, "BEGIN");
  import_id = append_audit_ok (f->officer, "import", "uuid-kept");
  sql = g_strdup_printf ("INSERT INTO imported_trails (record_uuid, import_audit_id, source, imported_usec,"
                         " n_entries, digest) VALUES ('uuid-kept', %" G_GINT64_FORMAT ", 'a.xml', 1, 2, %s)",
                         import_id, digest);
  pg_test_exec (f->officer, sql);
  trail_id = query_int (f->officer, "SELECT lastval ()");
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO imported_audit %s VALUES (%" G_GINT64_FORMAT ", 1, 7, 1, 'p', 'h1'),"
                         " (%" G_GINT64_FORMAT ", 2, 9, 2, 'h1', 'h2')", entry_columns, trail_id, trail_id);
  pg_test_exec (f->officer, sql);
  pg_test_exec (f->officer, "COMMIT");
  kept = query_value (f->super, "SELECT md5 (string_agg (a::text, '|' ORDER BY position)) FROM involve.imported_audit a");

  /* Nothing is added to it later, by anybody. */
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO imported_audit %s VALUES (%" G_GINT64_FORMAT ", 3, 10, 3, 'h2', 'h3')",
                         entry_columns, trail_id);
  check_refused (f->officer, sql, "23000", "kept as it came");
  check_refused (f->admin, sql, "23000", "kept as it came");
  check_refused (f->reviewer, sql, "23000", "kept as it came");
  /* Its places are taken, and there are no others. */
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO imported_audit %s VALUES (%" G_GINT64_FORMAT ", 2, 9, 2, 'h1', 'forged')",
                         entry_columns, trail_id);
  check_refused (f->officer, sql, "23505", NULL);

  /* A trail for an import entry that is not the one just appended, or
   * that does not carry its digest. */
  append_audit_ok (f->officer, "value", "uuid-kept");
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO imported_trails (record_uuid, import_audit_id, source, imported_usec,"
                         " n_entries, digest) VALUES ('uuid-kept', %" G_GINT64_FORMAT ", 'b.xml', 1, 0, %s)",
                         import_id, digest);
  check_refused (f->officer, sql, "23000", "bound to the import entry appended for it");
  pg_test_exec (f->officer, "BEGIN");
  import_id = append_audit_ok (f->officer, "import", "uuid-kept");
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO imported_trails (record_uuid, import_audit_id, source, imported_usec,"
                         " n_entries, digest) VALUES ('uuid-kept', %" G_GINT64_FORMAT ", 'b.xml', 1, 0, 'other')",
                         import_id);
  check_refused (f->officer, sql, "23000", "bound to the import entry appended for it");

  /* A trail is written whole: one of its two entries is not enough at commit. */
  pg_test_exec (f->officer, "BEGIN");
  import_id = append_audit_ok (f->officer, "import", "uuid-kept");
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO imported_trails (record_uuid, import_audit_id, source, imported_usec,"
                         " n_entries, digest) VALUES ('uuid-kept', %" G_GINT64_FORMAT ", 'c.xml', 1, 2, %s)",
                         import_id, digest);
  pg_test_exec (f->officer, sql);
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO imported_audit %s VALUES (lastval (), 1, 7, 1, 'p', 'h1'); COMMIT",
                         entry_columns);
  check_refused (f->officer, sql, "23000", "a trail is written whole");

  /* Not even with copy mode, which is a superuser's. */
  g_free (sql);
  sql = g_strdup_printf ("SET involve.copy = 'on'; INSERT INTO imported_audit %s VALUES (%" G_GINT64_FORMAT
                         ", 3, 10, 3, 'h2', 'h3')", entry_columns, trail_id);
  check_refused (f->officer, sql, "23000", "kept as it came");
  pg_test_exec (f->officer, "RESET involve.copy");

  /* The trail is as it was written; just the one. */
  g_assert_cmpint (query_int (f->super, "SELECT count (*) FROM involve.imported_trails"), ==, 1);
  {
    g_autofree char *now = query_value (f->super, "SELECT md5 (string_agg (a::text, '|' ORDER BY position))"
                                                  " FROM involve.imported_audit a");

    g_assert_cmpstr (now, ==, kept);
  }
}

/* Search: accents and case do not matter. */
static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  REQUIRE_SERVER (f);
  pg_test_exec (f->officer, "INSERT INTO search_text (rowid, reference, title, organisation, body)"
           " VALUES (202600000001, 'ICB-2026-0001', 'Réaménagement du Café', 'Nörth ICB', 'Naïve body text')");
  g_assert_cmpint (query_int (f->officer, "SELECT rowid FROM search_text WHERE document @@"
                              " plainto_tsquery ('simple', search_unaccent ('cafe NORTH naive'))"), ==,
                   G_GINT64_CONSTANT (202600000001));
  pg_test_exec (f->officer, "UPDATE search_text SET title = 'Podiatry' WHERE rowid = 202600000001");
  g_assert_cmpint (query_int (f->officer, "SELECT count (*) FROM search_text WHERE document @@"
                              " plainto_tsquery ('simple', 'cafe')"), ==, 0);
  pg_test_exec (f->officer, "DELETE FROM search_text WHERE rowid = 202600000001");
  /* References are one whatever their case, as in a register file. */
  make_draft (f->officer, "uuid-case-1", "ICB-2026-0001");
  check_refused (f->officer, "INSERT INTO records (uuid, reference, ref_year, ref_number, framework,"
                 " created_usec, modified_usec) VALUES ('uuid-case-2', 'icb-2026-0001', 2026, 1, 'x', 1, 1)",
                 "23505", "records_reference_nocase");
  g_assert_cmpint (query_int (f->officer, "SELECT count (*) FROM records WHERE reference = 'icb-2026-0001'"),
                   ==, 1);
  pg_test_exec (f->officer, "SELECT title FROM records ORDER BY title COLLATE NOCASE");

  /* The store's "MAX (a, b)". */
  g_assert_cmpint (query_int (f->officer, "SELECT MAX (3, 7)"), ==, 7);
}

/* The IT department's commands, on the fixture's database. */
static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_auto(CliRun) run = { 0 };
  g_autofree char *conninfo = NULL;
  g_autofree char *other = NULL;
  g_autofree char *sql = NULL;

  REQUIRE_SERVER (f);
  /* A later dbname= wins in a key=value connection string. */
  conninfo = g_strdup_printf ("%s dbname=%s", g_getenv ("INVOLVE_TEST_PG"), f->dbname);
  cli_test_run (&run, "server-setup", conninfo, "--register", f->reg, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, f->dbname));

  other = g_strconcat (f->reg, "_other", NULL);
  cli_test_run (&run, "server-setup", conninfo, "--register", other, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "already holds the register"));

  cli_test_run (&run, "server-setup", conninfo, "--register", "Bad Name", NULL);
  g_assert_cmpint (run.status, ==, 2);
  cli_test_run (&run, "server-setup", conninfo, NULL);
  g_assert_cmpint (run.status, ==, 2);
  cli_test_run (&run, "server-add-person", conninfo, "--register", f->reg, "--login", f->officer_login,
                "--role", "boss", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "boss"));

  /* Olive becomes a reviewer too. */
  sql = g_strdup_printf ("SELECT pg_has_role ('%s', '%s_reviewer', 'MEMBER')", f->officer_login, f->reg);
  {
    g_autofree char *member = query_value (f->super, sql);

    g_assert_cmpstr (member, ==, "f");
  }
  cli_test_run (&run, "server-add-person", conninfo, "--register", f->reg, "--login", f->officer_login,
                "--role", "reviewer", NULL);
  g_assert_cmpint (run.status, ==, 0);
  {
    g_autofree char *member = query_value (f->super, sql);

    g_assert_cmpstr (member, ==, "t");
  }
}

int
main (int argc, char **argv)
{
  g_autofree char *home = test_util_isolate_user_dirs ();

  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/pg-rules/install/idempotent", test_install_idempotent);
  ADD ("/pg-rules/install/refused", test_install_refused);
  ADD ("/pg-rules/install/same-columns", test_install_same_columns);
  ADD ("/pg-rules/audit/chain", test_audit_chain);
  ADD ("/pg-rules/audit/copy", test_audit_copy);
  ADD ("/pg-rules/audit/concurrent", test_audit_concurrent);
  ADD ("/pg-rules/privileges/no-ddl", test_no_ddl);
  ADD ("/pg-rules/life-cycle/self-sign-off", test_self_sign_off);
  ADD ("/pg-rules/life-cycle/signed-off-locked", test_signed_off_locked);
  ADD ("/pg-rules/life-cycle/return-and-resubmit", test_return_and_resubmit);
  ADD ("/pg-rules/life-cycle/supersede-and-import", test_supersede_and_import);
  ADD ("/pg-rules/life-cycle/row-security", test_row_security);
  ADD ("/pg-rules/life-cycle/values-logged", test_values_logged);
  ADD ("/pg-rules/append-only", test_append_only);
  ADD ("/pg-rules/signature-with-entry", test_signature_with_entry);
  ADD ("/pg-rules/imported-trail-kept", test_imported_trail_kept);
  ADD ("/pg-rules/search", test_search);
  ADD ("/pg-rules/cli", test_cli);
  return g_test_run ();
}
