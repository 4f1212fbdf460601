/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "store-test-util.h"

/*
 * The SQLite schema each format step leaves, compared with
 * tests/data/store-schema-sqlite.txt: the text SQLite keeps of every
 * table, index and trigger (sqlite_master), which is what the migration
 * steps' SQL wrote, byte for byte.  So moving or rewriting the steps
 * cannot change a register's schema unnoticed.  Formats added after the
 * file was written are checked against a register migrated step by step
 * from the oldest format instead.
 *
 * INVOLVE_WRITE_SCHEMA=FILE writes the file from the running code.
 */

static char *
dump_schema (const char *path)
{
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT (SELECT user_version FROM pragma_user_version),"
                                       " (SELECT application_id FROM pragma_application_id)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_string_append_printf (out, "format %d application_id %d\n",
                          sqlite3_column_int (stmt, 0), sqlite3_column_int (stmt, 1));
  sqlite3_finalize (stmt);
  /* The full-text index's shadow tables are SQLite's, named after it. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT type, name, tbl_name, sql FROM sqlite_master"
                                       " ORDER BY type, name", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *sql = (const char *) sqlite3_column_text (stmt, 3);

      g_string_append_printf (out, "%s %s on %s: %s\n",
                              (const char *) sqlite3_column_text (stmt, 0),
                              (const char *) sqlite3_column_text (stmt, 1),
                              (const char *) sqlite3_column_text (stmt, 2),
                              sql != NULL ? sql : "(none)");
    }
  sqlite3_finalize (stmt);
  /* Rows the steps themselves write (not the register's random id). */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT key, CASE WHEN key = 'register-id' THEN length (value)"
                                       " ELSE value END FROM meta ORDER BY key", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "meta %s = %s\n",
                            (const char *) sqlite3_column_text (stmt, 0),
                            (const char *) sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* A new register stopped at @format. */
static char *
schema_at (int format)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = involve_store_open_at_schema (td->path, format, &error);
  g_assert_no_error (error);
  g_assert_cmpint (involve_store_get_schema_version (store), ==, format);
  g_clear_object (&store);
  return dump_schema (td->path);
}

/* The sections of the expected file, "format N" each. */
static GPtrArray *
read_expected (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "store-schema-sqlite.txt", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *sections = g_ptr_array_new_with_free_func (g_free);
  const char *p;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  p = contents;
  while (*p != '\0')
    {
      const char *next = strstr (p + 1, "\nformat ");

      next = next != NULL ? next + 1 : p + strlen (p);
      g_ptr_array_add (sections, g_strndup (p, next - p));
      p = next;
    }
  return sections;
}

static void
test_schema_unchanged (void)
{
  g_autoptr(GPtrArray) expected = read_expected ();
  int latest = involve_store_get_latest_schema_version ();

  g_assert_cmpuint (expected->len, >=, 1);
  g_assert_cmpuint (expected->len, <=, (guint) latest);
  for (guint i = 0; i < expected->len; i++)
    {
      g_autofree char *schema = schema_at ((int) i + 1);

      g_assert_cmpstr (schema, ==, expected->pdata[i]);
    }
}

/* Each format reached step by step, reopening in between, is the format
 * a new register gets in one go. */
static void
test_migrated_equals_new (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  int latest = involve_store_get_latest_schema_version ();

  for (int format = 1; format <= latest; format++)
    {
      g_autoptr(InvolveStore) store = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *stepped = NULL;
      g_autofree char *direct = NULL;

      store = involve_store_open_at_schema (td->path, format, &error);
      g_assert_no_error (error);
      g_assert_cmpint (involve_store_get_schema_version (store), ==, format);
      g_clear_object (&store);
      stepped = dump_schema (td->path);
      direct = schema_at (format);
      g_assert_cmpstr (stepped, ==, direct);
    }
}

int
main (int argc, char **argv)
{
  const char *write = g_getenv ("INVOLVE_WRITE_SCHEMA");

  g_test_init (&argc, &argv, NULL);

  if (write != NULL)
    {
      g_autoptr(GString) all = g_string_new (NULL);
      g_autoptr(GError) error = NULL;

      for (int format = 1; format <= involve_store_get_latest_schema_version (); format++)
        {
          g_autofree char *schema = schema_at (format);

          g_string_append (all, schema);
        }
      g_file_set_contents (write, all->str, all->len, &error);
      g_assert_no_error (error);
      return 0;
    }

  g_test_add_func ("/store/schema/unchanged", test_schema_unchanged);
  g_test_add_func ("/store/schema/migrated-equals-new", test_migrated_equals_new);
  return g_test_run ();
}
