/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include "involve-db.h"
#include "involve-store-rooms.h"

/*
 * Moving a register between engines (a file to a team server and back):
 * every table is copied row by row, ids, hashes and signatures exactly as
 * they are, so the copy is the same register (same register id, same audit
 * chain) and verify passes on both sides.  The destination must be a new,
 * empty register; the whole copy is one transaction there, so a failure
 * leaves it empty.
 */

/* Parents before children (foreign keys), except that the values come
 * before their versions: SQLite refuses values for a signed-off version
 * (its triggers cannot be set aside), so they go in while the version does
 * not exist yet and the foreign key is checked at commit.  The server
 * takes them in either order in a bulk copy.  The full-text index is
 * copied too: both engines keep it in a table called search_text with the
 * same columns, and rebuilding it from the values would cost more. */
static const char *const copied_tables[] = {
  "meta",
  "reference_counters",
  "records",
  "audit",
  "field_values",
  "versions",
  "imported_trails",
  "imported_audit",
  "certificates",
  "trust",
  "audit_signatures",
  "involvement_activities",
  "involvement_reach",
  "involvement_feedback",
  "involvement_responses",
  "involvement_evaluations",
  "seen_heads",
  "search_text",
};

/* Keys that describe the file or server, not the register's history. */
static gboolean
meta_key_is_local (const char *key)
{
  return g_strcmp0 (key, "schema-version") == 0;
}

/* The server's own stamps and index (docs/postgresql.md), which a file has
 * no place for: who submitted in which role, in which transaction. */
static gboolean
server_only_column (const char *table,
                    const char *column)
{
  return (g_str_equal (table, "versions") &&
          (g_str_equal (column, "submitted_role") || g_str_equal (column, "created_xact"))) ||
         /* FTS5 makes its own index from the same text. */
         (g_str_equal (table, "search_text") && g_str_equal (column, "document"));
}

static gboolean
db_failed (InvolveDb   *db,
           int          rc,
           const char  *doing,
           GError     **error)
{
  g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_FAILED,
               "%s: %s (%d)", doing, involve_db_errmsg (db), rc);
  return FALSE;
}

/* The columns of @table, in order; an empty array when it does not exist. */
static GPtrArray *
list_columns (InvolveDb   *db,
              const char  *table,
              GError     **error)
{
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(InvolveDbStmt) stmt = NULL;
  const char *sql;
  int rc;

  if (involve_db_get_engine (db) == INVOLVE_DB_ENGINE_SQLITE)
    sql = "SELECT name FROM pragma_table_info (?1) ORDER BY cid";
  else
    sql = "SELECT column_name FROM information_schema.columns"
          " WHERE table_schema = current_schema () AND table_name = ?1 ORDER BY ordinal_position";
  rc = involve_db_prepare (db, sql, FALSE, &stmt);
  if (rc != SQLITE_OK)
    {
      db_failed (db, rc, _("Could not read the register’s tables"), error);
      return NULL;
    }
  involve_db_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (columns, g_strdup (involve_db_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      db_failed (db, rc, _("Could not read the register’s tables"), error);
      return NULL;
    }
  /* SQLite's FTS5 table has a hidden rowid, the server's a column. */
  if (g_str_equal (table, "search_text") && columns->len > 0 &&
      !g_ptr_array_find_with_equal_func (columns, "rowid", g_str_equal, NULL))
    g_ptr_array_insert (columns, 0, g_strdup ("rowid"));
  return g_steal_pointer (&columns);
}

static gboolean
destination_is_empty (InvolveDb  *db,
                      GError    **error)
{
  g_autoptr(InvolveDbStmt) stmt = NULL;
  int rc = involve_db_prepare (db, "SELECT (SELECT COUNT (*) FROM audit) + (SELECT COUNT (*) FROM records)",
                               FALSE, &stmt);

  if (rc != SQLITE_OK || (rc = involve_db_step (stmt)) != SQLITE_ROW)
    return db_failed (db, rc, _("Could not read the destination register"), error);
  if (involve_db_column_int64 (stmt, 0) != 0)
    {
      g_set_error_literal (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_EXISTS,
                           _("The destination register is not empty. Copy only into a new register, "
                             "so that no history is mixed or overwritten."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
copy_table (InvolveDb   *from,
            InvolveDb   *to,
            const char  *table,
            gint64      *n_rows,
            GError     **error)
{
  g_autoptr(GPtrArray) from_columns = NULL;
  g_autoptr(GPtrArray) to_columns = NULL;
  g_autoptr(GPtrArray) shared = g_ptr_array_new ();
  g_autoptr(GString) select = g_string_new ("SELECT ");
  g_autoptr(GString) insert = NULL;
  g_autoptr(InvolveDbStmt) reader = NULL;
  g_autoptr(InvolveDbStmt) writer = NULL;
  g_autofree char *doing = g_strdup_printf (_("Could not copy the table “%s”"), table);
  int key_column = -1;
  int rc;

  *n_rows = 0;
  from_columns = list_columns (from, table, error);
  if (from_columns == NULL)
    return FALSE;
  to_columns = list_columns (to, table, error);
  if (to_columns == NULL)
    return FALSE;
  /* A table the source is too old to have: nothing to copy. */
  if (from_columns->len == 0)
    return TRUE;
  if (to_columns->len == 0)
    {
      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NEWER_SCHEMA,
                   _("The destination register has no table “%s”: it was made by an older Involve."), table);
      return FALSE;
    }

  /* Columns only one engine has (the server's own stamps) are left to it;
   * a column of the source the destination lacks would lose data. */
  for (guint i = 0; i < from_columns->len; i++)
    {
      const char *column = from_columns->pdata[i];

      if (involve_db_get_engine (to) == INVOLVE_DB_ENGINE_SQLITE &&
          involve_db_get_engine (from) == INVOLVE_DB_ENGINE_POSTGRESQL && server_only_column (table, column))
        continue;
      if (!g_ptr_array_find_with_equal_func (to_columns, column, g_str_equal, NULL))
        {
          g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NEWER_SCHEMA,
                       _("The destination register has no column “%s” in “%s”: it was made by an older Involve."),
                       column, table);
          return FALSE;
        }
      g_ptr_array_add (shared, (gpointer) column);
    }

  insert = g_string_new (NULL);
  g_string_append_printf (insert, "INSERT INTO %s (", table);
  for (guint i = 0; i < shared->len; i++)
    {
      const char *column = shared->pdata[i];

      g_string_append_printf (select, "%s%s", i > 0 ? ", " : "", column);
      g_string_append_printf (insert, "%s%s", i > 0 ? ", " : "", column);
      if (g_str_equal (table, "meta") && g_str_equal (column, "key"))
        key_column = (int) i;
    }
  g_string_append (insert, ") VALUES (");
  for (guint i = 0; i < shared->len; i++)
    g_string_append_printf (insert, "%s?%u", i > 0 ? ", " : "", i + 1);
  g_string_append (insert, ")");
  /* meta: the destination's own rows (made when it was created) give way
   * to the register's. */
  if (g_str_equal (table, "meta"))
    g_string_append (insert, " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                             " WHERE meta.value IS DISTINCT FROM excluded.value");
  g_string_append_printf (select, " FROM %s", table);
  if (g_ptr_array_find_with_equal_func (shared, "rowid", g_str_equal, NULL))
    g_string_append (select, " ORDER BY rowid");
  else if (g_ptr_array_find_with_equal_func (shared, "id", g_str_equal, NULL))
    g_string_append (select, " ORDER BY id");

  rc = involve_db_prepare (from, select->str, FALSE, &reader);
  if (rc != SQLITE_OK)
    return db_failed (from, rc, doing, error);
  rc = involve_db_prepare (to, insert->str, TRUE, &writer);
  if (rc != SQLITE_OK)
    return db_failed (to, rc, doing, error);

  while ((rc = involve_db_step (reader)) == SQLITE_ROW)
    {
      if (key_column >= 0 && meta_key_is_local (involve_db_column_text (reader, key_column)))
        continue;
      involve_db_reset (writer);
      involve_db_clear_bindings (writer);
      for (guint i = 0; i < shared->len; i++)
        {
          int column = (int) i;

          switch (involve_db_column_type (reader, column))
            {
            case SQLITE_NULL:
              involve_db_bind_null (writer, column + 1);
              break;
            case SQLITE_INTEGER:
              involve_db_bind_int64 (writer, column + 1, involve_db_column_int64 (reader, column));
              break;
            case SQLITE_BLOB:
              {
                const void *data = involve_db_column_blob (reader, column);
                int length = involve_db_column_bytes (reader, column);

                /* An empty blob is still a blob, not NULL. */
                involve_db_bind_blob (writer, column + 1, data != NULL ? data : "", length, SQLITE_TRANSIENT);
              }
              break;
            default:
              involve_db_bind_text (writer, column + 1, involve_db_column_text (reader, column),
                                    -1, SQLITE_TRANSIENT);
              break;
            }
        }
      rc = involve_db_step (writer);
      if (rc != SQLITE_DONE)
        return db_failed (to, rc, doing, error);
      (*n_rows)++;
    }
  if (rc != SQLITE_DONE)
    return db_failed (from, rc, doing, error);
  return TRUE;
}

/* The server checks foreign keys at once but lets a bulk copy add the
 * values of a signed-off version; SQLite is the other way round. */
/* Values before their versions on both engines: the server, too, refuses
 * values for a version that is already signed off, even in a copy. */
static const char *
copy_order (InvolveDb *to,
            guint      i)
{
  return copied_tables[i];
}

static gboolean
begin_bulk_copy (InvolveStore  *destination,
                 InvolveDb     *to,
                 GError       **error)
{
  const char *sql;

  if (involve_db_get_engine (to) == INVOLVE_DB_ENGINE_SQLITE)
    sql = "PRAGMA defer_foreign_keys = ON";
  else
    /* Only a superuser's "on" lets the server take other people's
     * entries and times (sql/postgresql/schema.sql, involve.copying ()). */
    sql = "SET LOCAL involve.copy = 'on'; SET CONSTRAINTS ALL DEFERRED";
  return exec_sql (destination, sql, _("Could not start the copy"), error);
}

/* The server's identity columns go on after the copied ids. */
static gboolean
end_bulk_copy (InvolveStore  *destination,
               InvolveDb     *to,
               GError       **error)
{
  if (involve_db_get_engine (to) == INVOLVE_DB_ENGINE_SQLITE)
    return TRUE;
  return exec_sql (destination,
                   "DO $$ DECLARE r record; BEGIN"
                   " FOR r IN SELECT table_name, column_name FROM information_schema.columns"
                   "   WHERE table_schema = current_schema () AND is_identity = 'YES' LOOP"
                   "   EXECUTE format ('SELECT setval (pg_get_serial_sequence (%L, %L),"
                   "                   COALESCE ((SELECT max (%I) FROM %I), 0) + 1, false)',"
                   "                   r.table_name, r.column_name, r.column_name, r.table_name);"
                   " END LOOP;"
                   " END $$",
                   _("Could not finish the copy"), error);
}

gboolean
involve_store_copy_to (InvolveStore  *self,
                       InvolveStore  *destination,
                       gint64        *n_rows,
                       GError       **error)
{
  InvolveDb *from, *to;
  gint64 total = 0;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (INVOLVE_IS_STORE (destination), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* A copy of a register that does not verify would spread the damage
   * and make it look deliberate. */
  if (!involve_store_verify (self, NULL, error))
    {
      g_prefix_error (error, _("The register to copy does not verify; it was not copied: "));
      return FALSE;
    }

  from = _involve_store_get_connection (self);
  to = _involve_store_get_connection (destination);
  {
    INVOLVE_STORE_LOCKED (self);
    INVOLVE_STORE_LOCKED (destination);

    if (!_involve_store_txn_begin (destination, error))
      return FALSE;
    if (!begin_bulk_copy (destination, to, error) ||
        !destination_is_empty (to, error))
      {
        _involve_store_txn_rollback (destination);
        return FALSE;
      }
    for (guint i = 0; i < G_N_ELEMENTS (copied_tables); i++)
      {
        gint64 n = 0;

        if (!copy_table (from, to, copy_order (to, i), &n, error))
          {
            _involve_store_txn_rollback (destination);
            return FALSE;
          }
        g_debug ("copied %" G_GINT64_FORMAT " rows of %s", n, copy_order (to, i));
        total += n;
      }
    if (!end_bulk_copy (destination, to, error) ||
        !_involve_store_txn_commit (destination, error))
      {
        _involve_store_txn_rollback (destination);
        return FALSE;
      }
  }

  if (n_rows != NULL)
    *n_rows = total;
  /* Whatever the destination keeps in memory about the register (its id,
   * its head) is read again. */
  return involve_store_verify (destination, NULL, error);
}

gboolean
involve_store_count_history (InvolveStore  *self,
                             gint64        *n_records,
                             gint64        *n_versions,
                             gint64        *n_audit,
                             GError       **error)
{
  InvolveDb *db;
  g_autoptr(InvolveDbStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  db = _involve_store_get_connection (self);
  {
    INVOLVE_STORE_LOCKED (self);

    rc = involve_db_prepare (db, "SELECT (SELECT COUNT (*) FROM records), (SELECT COUNT (*) FROM versions),"
                                 " (SELECT COUNT (*) FROM audit)", FALSE, &stmt);
    if (rc != SQLITE_OK || (rc = involve_db_step (stmt)) != SQLITE_ROW)
      return db_failed (db, rc, _("Could not read the register"), error);
    if (n_records != NULL)
      *n_records = involve_db_column_int64 (stmt, 0);
    if (n_versions != NULL)
      *n_versions = involve_db_column_int64 (stmt, 1);
    if (n_audit != NULL)
      *n_audit = involve_db_column_int64 (stmt, 2);
  }
  return TRUE;
}
