/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "store-test-util.h"
#include "involve-db.h"
#include "server-attack-test-util.h"
#include "involve-validate.h"

/* Opening and migrations */

static void
test_open_creates_register (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *nested = g_build_filename (td->dir, "a", "b", "register.sqlite", NULL);
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = open_store (nested, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_cmpint (involve_store_get_schema_version (store), ==, involve_store_get_latest_schema_version ());
  if (store_test_on_server ())
    {
      /* A team register is the server's: nothing is made on this disk,
       * and it has no backups folder here. */
      g_assert_true (involve_store_is_server (store));
      g_assert_false (g_file_test (nested, G_FILE_TEST_EXISTS));
      g_assert_cmpstr (involve_store_get_journal_mode (store), ==, "server");
      g_assert_cmpstr (involve_store_get_path (store), ==, store_test_location (nested));
      g_assert_cmpstr (involve_store_get_os_account (store), ==, store_test_login (nested, "officer"));
      g_assert_null (involve_store_dup_backup_dir (store));
    }
  else
    {
      g_assert_false (involve_store_is_server (store));
      g_assert_true (g_file_test (nested, G_FILE_TEST_IS_REGULAR));
      g_assert_cmpstr (involve_store_get_journal_mode (store), ==, "wal");
      g_assert_cmpstr (involve_store_get_path (store), ==, nested);
    }
  g_clear_object (&store);

  /* Opening again changes nothing. */
  store = open_store (nested, &error);
  g_assert_no_error (error);
  g_assert_cmpint (involve_store_get_schema_version (store), ==, involve_store_get_latest_schema_version ());
}

static void
test_open_default_path (void)
{
  g_autofree char *path = involve_store_dup_default_path ();

  g_assert_true (g_str_has_suffix (path, "/involve/register.sqlite"));
  g_assert_true (g_str_has_prefix (path, g_get_user_data_dir ()));
}

static void
test_migrate_to_latest (gconstpointer data)
{
  int from = GPOINTER_TO_INT (data);
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *backup = NULL;
  InvolveStoreQuery query;
  gint64 broken = -1;

  STORE_TEST_FILE_ONLY ("migrates register files of older formats");

  store = involve_store_open_at_schema (td->path, from, &error);
  g_assert_no_error (error);
  g_assert_cmpint (involve_store_get_schema_version (store), ==, from);
  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_no_error (error);
  uuid = g_strdup (involve_record_get_uuid (record));
  g_assert_true (involve_store_set_value (store, record, "title",
                                          g_variant_new_string ("Podiatry clinic relocation"), &error));
  g_assert_true (involve_store_set_value (store, record, "step1-explanation",
                                          g_variant_new_string ("Moving the chiropody service"), &error));
  g_clear_object (&store);

  /* An older register has no (usable) search index; opening migrates and fills it. */
  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", td->path, NULL);
  g_assert_no_error (error);
  g_assert_cmpint (involve_store_get_schema_version (store), ==, involve_store_get_latest_schema_version ());

  involve_store_query_init (&query);
  query.text = "chiropody";
  found = involve_store_list (store, &query, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((InvolveRecordSummary *) found->pdata[0])->uuid, ==, uuid);
  g_assert_cmpstr (((InvolveRecordSummary *) found->pdata[0])->title, ==, "Podiatry clinic relocation");

  /* The old file was kept before its format changed. */
  {
    g_autofree char *name = g_strdup_printf ("register.sqlite.before-format-%d",
                                             involve_store_get_latest_schema_version ());
    backup = g_build_filename (td->dir, "backups", name, NULL);
  }
  g_assert_true (g_file_test (backup, G_FILE_TEST_IS_REGULAR));

  involve_store_verify (store, &broken, &error);
  g_assert_no_error (error);
}

static void
test_migrate_failure_rolls_back (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  STORE_TEST_FILE_ONLY ("migrates a register file of an older format");

  store = involve_store_open_at_schema (td->path, 1, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  /* Something in the way of migration 2: it must fail as a whole. */
  raw_exec (td->path, "CREATE TABLE record_text (x);");
  raw_exec (td->path, "PRAGMA wal_checkpoint(TRUNCATE);");
  before = file_checksum (td->path);

  store = open_store (td->path, &error);
  g_assert_null (store);
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  after = file_checksum (td->path);
  g_assert_cmpstr (before, ==, after);

  store = involve_store_open_at_schema (td->path, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (involve_store_get_schema_version (store), ==, 1);
}

/* Bad input: each refused with a clear error, the file left as it was. */

static void
assert_open_refused (const char *path,
                     int         code)
{
  g_autofree char *before = file_checksum (path);
  g_autofree char *after = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = open_store (path, &error);
  g_assert_null (store);
  g_assert_error (error, INVOLVE_STORE_ERROR, code);
  g_test_message ("refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, path));

  after = file_checksum (path);
  g_assert_cmpstr (before, ==, after);
}

/* What a team register's location may carry that no message may show. */
#define TEST_PASSWORD "n0t-to-be-shown"

/* @path's team register, with a password the test cluster ignores
 * (it trusts loopback) but no message may show. */
static char *
server_location_with_password (const char *path)
{
  return g_strconcat (store_test_location (path), " password=" TEST_PASSWORD, NULL);
}

/* @path's team register opened through a location with a password,
 * acting as the officer. */
static InvolveStore *
open_server_with_password (const char *path)
{
  g_autofree char *location = server_location_with_password (path);
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", location, "auto-backup", FALSE,
                          "busy-timeout", 200, "profile-name", "Officer", NULL);
  g_assert_no_error (error);
  g_assert_true (involve_store_server_become (store, store_test_login (path, "officer"), &error));
  g_assert_no_error (error);
  involve_store_set_identity (store, test_identity ("officer"));
  return g_steal_pointer (&store);
}

/* On a team register: opening @location is refused with @code, naming
 * the location without its password. */
static void
assert_server_open_refused (const char *location,
                            int         code)
{
  g_autofree char *shown = involve_db_redact_location (location);
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (strstr (location, TEST_PASSWORD));
  g_assert_null (strstr (shown, TEST_PASSWORD));
  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", location, "auto-backup", FALSE, NULL);
  g_assert_null (store);
  g_assert_error (error, INVOLVE_STORE_ERROR, code);
  g_test_message ("refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, shown));
  g_assert_null (strstr (error->message, TEST_PASSWORD));
}

static void
test_open_not_a_database (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (5000, 'x');

  if (store_test_on_server ())
    {
      g_autofree char *missing = NULL;

      /* Nothing there: no server at that address, or no such database
       * on the server.  Either way it says where, never the password. */
      assert_server_open_refused ("host=127.0.0.1 port=1 dbname=involve user=officer password=" TEST_PASSWORD,
                                  INVOLVE_STORE_ERROR_IO);
      assert_server_open_refused ("postgresql://officer:" TEST_PASSWORD "@127.0.0.1:1/involve?connect_timeout=5",
                                  INVOLVE_STORE_ERROR_IO);
      missing = g_strconcat (store_test_location (td->path), " dbname=involve_test_no_such_database",
                             " password=" TEST_PASSWORD, NULL);
      assert_server_open_refused (missing, INVOLVE_STORE_ERROR_IO);
      return;
    }

  g_file_set_contents (td->path, "Minutes of the meeting\n", -1, &error);
  g_assert_no_error (error);
  assert_open_refused (td->path, INVOLVE_STORE_ERROR_NOT_A_REGISTER);

  g_file_set_contents (td->path, big, -1, &error);
  g_assert_no_error (error);
  assert_open_refused (td->path, INVOLVE_STORE_ERROR_NOT_A_REGISTER);
}

static void
test_open_foreign_database (void)
{
  g_autoptr(TestDir) td = test_dir_new ();

  if (store_test_on_server ())
    {
      /* A database without a register: empty, then another program's,
       * with a table named like one of ours.  Refused, and left as it was
       * (opening never creates a register there). */
      g_autoptr(PgTestRegister) foreign = pg_test_register_new ("foreign");
      g_autofree char *conninfo = pg_test_register_conninfo (foreign, NULL);
      g_autofree char *location = g_strconcat (conninfo, " password=" TEST_PASSWORD, NULL);

      pg_test_register_exec (foreign, "DROP SCHEMA involve CASCADE");
      assert_server_open_refused (location, INVOLVE_STORE_ERROR_NOT_A_REGISTER);
      pg_test_register_exec (foreign,
                             "CREATE TABLE public.patients (name text);"
                             "INSERT INTO public.patients VALUES ('x');"
                             "CREATE TABLE public.meta (name text)");
      assert_server_open_refused (location, INVOLVE_STORE_ERROR_NOT_A_REGISTER);
      pg_test_register_exec (foreign,
                             "DO $$ BEGIN"
                             " IF to_regnamespace ('involve') IS NOT NULL"
                             "  OR (SELECT count(*) FROM public.patients) <> 1"
                             "  OR (SELECT count(*) FROM public.meta) <> 0"
                             " THEN RAISE EXCEPTION 'opening changed the database'; END IF;"
                             " END $$");
      return;
    }

  raw_exec (td->path, "CREATE TABLE patients (name TEXT); INSERT INTO patients VALUES ('x');");
  assert_open_refused (td->path, INVOLVE_STORE_ERROR_NOT_A_REGISTER);
}

static void
test_open_newer_schema (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = open_store (td->path, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  if (store_test_on_server ())
    {
      PgTestRegister *reg = store_test_server_register (td->path);
      g_autofree char *location = server_location_with_password (td->path);

      /* A register set up by a newer Involve: the server format the
       * register records.  Refused, and left as it was. */
      pg_test_register_exec (reg, "SET session_replication_role = replica;"
                                  "UPDATE involve.meta SET value = '99' WHERE key = 'schema-version'");
      assert_server_open_refused (location, INVOLVE_STORE_ERROR_NEWER_SCHEMA);
      pg_test_register_exec (reg,
                             "DO $$ BEGIN"
                             " IF (SELECT value FROM involve.meta WHERE key = 'schema-version') <> '99'"
                             " THEN RAISE EXCEPTION 'opening changed the register'; END IF;"
                             " END $$");
      return;
    }

  raw_exec (td->path, "PRAGMA user_version = 99;");

  assert_open_refused (td->path, INVOLVE_STORE_ERROR_NEWER_SCHEMA);
}

static void
test_open_truncated (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  STORE_TEST_FILE_ONLY ("about the bytes of a register file");

  store = open_store (td->path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(InvolveRecord) record = involve_store_create_record (store, "icb-14z45", &error);
      g_autofree char *text = g_strnfill (2000, 'a' + i);

      g_assert_no_error (error);
      g_assert_true (involve_store_set_value (store, record, "b1-objectives", g_variant_new_string (text), &error));
    }
  g_clear_object (&store);

  g_assert_true (g_file_get_contents (td->path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 8192);
  g_file_set_contents (td->path, contents, length / 2, &error);
  g_assert_no_error (error);

  assert_open_refused (td->path, INVOLVE_STORE_ERROR_CORRUPT);
}

static void
test_open_directory (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;

  STORE_TEST_FILE_ONLY ("about a folder where a register file should be");

  store = open_store (td->dir, &error);
  g_assert_null (store);
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NOT_A_REGISTER);
}

/* Permission checks mean nothing to root: drop to nobody in a child. */
static void
become_nobody_if_root (const char *dir)
{
  if (geteuid () != 0)
    return;
  g_assert_cmpint (chown (dir, 65534, 65534), ==, 0);
  g_assert_cmpint (setgid (65534), ==, 0);
  g_assert_cmpint (setuid (65534), ==, 0);
}

static void
test_open_read_only_file (void)
{
  STORE_TEST_FILE_ONLY ("about file permissions");

  if (g_test_subprocess ())
    {
      g_autoptr(TestDir) td = test_dir_new ();
      g_autoptr(InvolveStore) store = NULL;
      g_autoptr(GError) error = NULL;

      become_nobody_if_root (td->dir);
      store = open_store (td->path, &error);
      g_assert_no_error (error);
      g_clear_object (&store);
      g_assert_cmpint (g_chmod (td->path, 0444), ==, 0);

      assert_open_refused (td->path, INVOLVE_STORE_ERROR_READ_ONLY);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_open_read_only_folder (void)
{
  STORE_TEST_FILE_ONLY ("about folder permissions");

  if (g_test_subprocess ())
    {
      g_autoptr(TestDir) td = test_dir_new ();
      g_autoptr(InvolveStore) store = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *missing = g_build_filename (td->dir, "sub", "register.sqlite", NULL);

      become_nobody_if_root (td->dir);
      store = open_store (td->path, &error);
      g_assert_no_error (error);
      g_clear_object (&store);
      g_assert_cmpint (g_chmod (td->dir, 0555), ==, 0);

      assert_open_refused (td->path, INVOLVE_STORE_ERROR_READ_ONLY);

      store = open_store (missing, &error);
      g_assert_null (store);
      g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_READ_ONLY);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_open_locked (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  sqlite3 *other = NULL;

  if (store_test_on_server ())
    {
      /* Another person's change holding what a save needs past the
       * server's lock timeout: PostgreSQL then cancels the save with
       * SQLSTATE 55P03, raised here by a trigger so as not to wait for it.
       * The save fails with a clear message, changes nothing, and the
       * next one goes through. */
      PgTestRegister *reg = store_test_server_register (td->path);

      store = open_server_with_password (td->path);
      record = involve_store_create_record (store, "nhse-13q", &error);
      g_assert_no_error (error);
      pg_test_register_exec (reg,
                             "CREATE FUNCTION public.test_lock_timeout () RETURNS trigger LANGUAGE plpgsql AS $$"
                             " BEGIN"
                             "  RAISE EXCEPTION 'canceling statement due to lock timeout'"
                             "   USING ERRCODE = 'lock_not_available';"
                             " END $$;"
                             "CREATE TRIGGER test_lock_timeout BEFORE INSERT OR UPDATE ON involve.field_values"
                             " FOR EACH ROW EXECUTE FUNCTION public.test_lock_timeout ()");
      g_assert_false (involve_store_set_value (store, record, "title", g_variant_new_string ("x"), &error));
      g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_BUSY);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "team register"));
      g_assert_null (strstr (error->message, TEST_PASSWORD));
      g_clear_error (&error);
      g_assert_false (involve_record_has_value (record, "title"));

      pg_test_register_exec (reg, "DROP TRIGGER test_lock_timeout ON involve.field_values");
      g_assert_true (involve_store_set_value (store, record, "title", g_variant_new_string ("x"), &error));
      g_assert_no_error (error);
      uuid = g_strdup (involve_record_get_uuid (record));
      g_clear_object (&record);
      record = involve_store_load_record (store, uuid, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (involve_record_get_string (record, "title"), ==, "x");
      g_assert_true (involve_store_verify (store, NULL, &error));
      g_assert_no_error (error);
      return;
    }

  /* A rollback-journal register: another program's exclusive lock keeps
   * even readers out, so opening fails. */
  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", td->path,
                          "auto-backup", FALSE, "journal-mode", "delete", NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (involve_store_get_journal_mode (store), ==, "delete");
  record = involve_store_create_record (store, "nhse-13q", &error);
  g_assert_no_error (error);
  uuid = g_strdup (involve_record_get_uuid (record));
  g_clear_object (&store);

  g_assert_cmpint (sqlite3_open (td->path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);

  assert_open_refused (td->path, INVOLVE_STORE_ERROR_BUSY);

  sqlite3_exec (other, "COMMIT", NULL, NULL, NULL);

  /* A WAL register opens while another writer holds the lock, but writing
   * waits, then fails with a clear message, and changes nothing. */
  store = open_store (td->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  before = file_checksum (td->path);
  g_clear_object (&record);
  record = involve_store_load_record (store, uuid, 0, &error);
  g_assert_no_error (error);
  g_assert_false (involve_store_set_value (store, record, "title", g_variant_new_string ("x"), &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_BUSY);
  g_assert_cmpint (involve_store_error_get_sqlite_code (error) & 0xff, ==, SQLITE_BUSY);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  after = file_checksum (td->path);
  g_assert_cmpstr (before, ==, after);
  g_assert_false (involve_record_has_value (record, "title"));

  sqlite3_exec (other, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (other);

  g_assert_true (involve_store_set_value (store, record, "title", g_variant_new_string ("x"), &error));
  g_assert_no_error (error);
}

static void
test_disk_full (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(InvolveRecord) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = g_strnfill (400000, 'z');
  gint64 broken = 0;

  if (store_test_on_server ())
    store = open_server_with_password (td->path);
  else
    store = open_store (td->path, &error);
  g_assert_no_error (error);
  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_set_value (store, record, "title", g_variant_new_string ("Before"), &error));

  if (store_test_on_server ())
    {
      /* The server's disk fills up: it refuses the write with SQLSTATE
       * 53100, as PostgreSQL does when it cannot extend a file. */
      pg_test_register_exec (store_test_server_register (td->path),
                             "CREATE FUNCTION public.test_disk_full () RETURNS trigger LANGUAGE plpgsql AS $$"
                             " BEGIN"
                             "  IF length (NEW.value) > 100000 THEN"
                             "   RAISE EXCEPTION 'could not extend file: No space left on device'"
                             "    USING ERRCODE = 'disk_full';"
                             "  END IF;"
                             "  RETURN NEW;"
                             " END $$;"
                             "CREATE TRIGGER test_disk_full BEFORE INSERT OR UPDATE ON involve.field_values"
                             " FOR EACH ROW EXECUTE FUNCTION public.test_disk_full ()");
    }
  else
    {
      /* SQLite reports a full disk when the file may not grow. */
      g_assert_cmpint (sqlite3_exec (involve_store_get_db (store),
                                     "PRAGMA max_page_count = 1", NULL, NULL, NULL), ==, SQLITE_OK);
    }
  g_assert_false (involve_store_set_value (store, record, "b1-objectives", g_variant_new_string (huge), &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_FULL);
  g_test_message ("%s", error->message);
  g_assert_null (strstr (error->message, TEST_PASSWORD));
  g_clear_error (&error);
  g_assert_false (involve_record_has_value (record, "b1-objectives"));

  g_clear_object (&store);
  store = open_store (td->path, &error);
  g_assert_no_error (error);
  reloaded = involve_store_load_record (store, involve_record_get_uuid (record), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (involve_record_get_string (reloaded, "title"), ==, "Before");
  g_assert_false (involve_record_has_value (reloaded, "b1-objectives"));
  g_assert_true (involve_store_verify (store, &broken, &error));
}

/* A team register's connection lost between two saves (the server
 * restarted, the network went): the next save connects again.  When it
 * cannot, the save fails saying so, without the location's password, and
 * nothing of it is kept (the rest: test-store-reconnect). */
static void
test_connection_lost (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveStore) again = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(InvolveRecord) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *refuse = NULL;
  g_autofree char *allow = NULL;
  g_autofree char *end_sessions = NULL;
  PgTestRegister *reg;
  PGconn *postgres;
  const char *terminate = "SELECT pg_terminate_backend (pid) FROM pg_stat_activity"
                          " WHERE datname = current_database () AND application_name = 'Involve'";

  if (!store_test_on_server ())
    {
      g_test_skip ("about a team register's connection (files: test-store-faults)");
      return;
    }

  store = open_server_with_password (td->path);
  reg = store_test_server_register (td->path);
  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_no_error (error);
  set_string (store, record, "title", "Before");

  /* Lost between two saves: the next one connects again and saves. */
  pg_test_register_exec (reg, terminate);
  set_string (store, record, "title", "After");

  /* Lost, and the server lets nobody in any more. */
  refuse = g_strdup_printf ("ALTER DATABASE %s ALLOW_CONNECTIONS false", reg->dbname);
  allow = g_strdup_printf ("ALTER DATABASE %s ALLOW_CONNECTIONS true", reg->dbname);
  postgres = pg_test_connect ("postgres", NULL);
  pg_test_exec (postgres, refuse);
  end_sessions = g_strdup_printf ("SELECT pg_terminate_backend (pid) FROM pg_stat_activity"
                          " WHERE datname = '%s' AND application_name = 'Involve'", reg->dbname);
  pg_test_exec (postgres, end_sessions);
  g_assert_false (involve_store_set_value (store, record, "title", g_variant_new_string ("Lost"), &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CONNECTION_LOST);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "team register"));
  g_assert_null (strstr (error->message, TEST_PASSWORD));
  g_clear_error (&error);
  g_assert_cmpstr (involve_record_get_string (record, "title"), ==, "After");
  pg_test_exec (postgres, allow);
  PQfinish (postgres);

  again = open_store (td->path, &error);
  g_assert_no_error (error);
  reloaded = involve_store_load_record (again, involve_record_get_uuid (record), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (involve_record_get_string (reloaded, "title"), ==, "After");
  g_assert_true (involve_store_verify (again, NULL, &error));
  g_assert_no_error (error);
}

/* Autosave */

static void
test_autosave_and_reload (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(InvolveRecord) reloaded = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *reference = NULL;
  const char *activities[] = { "planning", "proposal", NULL };
  g_autoptr(GVariant) risks = NULL;
  gint64 before = g_get_real_time ();
  InvolveAuditEntry *last;

  store = open_store (td->path, &error);
  g_assert_no_error (error);
  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_no_error (error);
  uuid = g_strdup (involve_record_get_uuid (record));
  reference = g_strdup (involve_record_get_reference (record));
  g_assert_true (g_str_has_prefix (reference, "INV-"));
  g_assert_cmpint (strlen (reference), ==, strlen ("INV-2026-0001"));
  g_assert_cmpuint (involve_record_get_version (record), ==, 1);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_DRAFT);

  fill_record (store, record, "Fracture clinic closure");
  g_assert_true (involve_store_set_value (store, record, "step2-activity-types",
                                          g_variant_new_strv (activities, -1), &error));
  g_assert_true (involve_store_set_value (store, record, "title",
                                          g_variant_new_string ("Fracture clinic closure — Welsh: Cau’r clinig"), &error));
  /* Clearing a field removes it. */
  g_assert_true (involve_store_set_value (store, record, "organisation-type", NULL, &error));
  /* The same value again is no change and no audit entry. */
  g_assert_true (involve_store_set_value (store, record, "step1-commissioning", g_variant_new_boolean (TRUE), &error));
  g_assert_no_error (error);
  risks = g_variant_ref (involve_record_get_value (record, "c-risks"));
  g_clear_object (&record);
  g_clear_object (&store);

  store = open_store (td->path, &error);
  g_assert_no_error (error);
  reloaded = involve_store_load_by_reference (store, reference, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (involve_record_get_uuid (reloaded), ==, uuid);
  g_assert_cmpstr (involve_record_get_string (reloaded, "title"), ==, "Fracture clinic closure — Welsh: Cau’r clinig");
  g_assert_cmpint (involve_record_get_answer (reloaded, "step1-commissioning"), ==, INVOLVE_ANSWER_YES);
  g_assert_true (involve_record_has_choice (reloaded, "step2-activity-types", "proposal"));
  g_assert_false (involve_record_has_value (reloaded, "organisation-type"));
  g_assert_true (g_variant_equal (involve_record_get_value (reloaded, "c-risks"), risks));
  g_assert_cmpint (involve_record_get_value_modified (reloaded, "title"), >=, before);
  g_assert_cmpint (involve_record_get_value_modified (reloaded, "title"), <=, g_get_real_time ());
  g_assert_cmpint (involve_record_get_created_usec (reloaded), >=, before);

  /* Lower-case lookups work too. */
  g_clear_object (&reloaded);
  {
    g_autofree char *lower = g_ascii_strdown (reference, -1);
    reloaded = involve_store_load_by_reference (store, lower, 0, &error);
    g_assert_no_error (error);
  }

  audit = involve_store_list_audit (store, uuid, &error);
  g_assert_no_error (error);
  /* create + the pinned form edition + 34 answers + activities + title + clear */
  g_assert_cmpuint (audit->len, ==, 39);
  g_assert_cmpstr (((InvolveAuditEntry *) audit->pdata[0])->kind, ==, INVOLVE_AUDIT_CREATE);
  last = audit->pdata[audit->len - 1];
  g_assert_cmpstr (last->kind, ==, INVOLVE_AUDIT_VALUE);
  g_assert_cmpstr (last->field_id, ==, "organisation-type");
  g_assert_cmpstr (last->old_value, ==, "'icb'");
  g_assert_null (last->new_value);
  /* On a team register the account is the login, which the server checks. */
  g_assert_cmpstr (last->account, ==, store_test_on_server () ? store_test_login (td->path, "officer") : "officer");
  g_assert_cmpstr (last->profile, ==, "Officer");
  last = audit->pdata[audit->len - 2];
  g_assert_cmpstr (last->field_id, ==, "title");
  g_assert_cmpstr (last->old_value, ==, "'Fracture clinic closure'");

  /* Unknown records are NOT_FOUND. */
  g_assert_null (involve_store_load_record (store, "00000000-0000-4000-8000-000000000000", 0, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (involve_store_load_by_reference (store, "INV-1999-0001", 0, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NOT_FOUND);
}

static void
test_create_with_values (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) values = involve_record_new ("nhse-13q");
  g_autoptr(InvolveRecord) created = NULL;
  g_autoptr(InvolveRecord) loaded = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  gint64 broken = 0;

  involve_record_set_string (values, "title", "Dental contract terminated");
  involve_record_set_answer (values, "urgent", INVOLVE_ANSWER_YES);
  store = open_store (td->path, &error);
  created = involve_store_create_record_with_values (store, values, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (involve_record_get_framework_id (created), ==, "nhse-13q");
  g_assert_cmpstr (involve_record_get_string (created, "title"), ==, "Dental contract terminated");

  loaded = involve_store_load_record (store, involve_record_get_uuid (created), 0, &error);
  g_assert_cmpstr (involve_record_get_string (loaded, "title"), ==, "Dental contract terminated");
  g_assert_cmpint (involve_record_get_answer (loaded, "urgent"), ==, INVOLVE_ANSWER_YES);
  /* An NHS England record made today pins the 2022 form. */
  g_assert_cmpstr (involve_record_get_form_edition (loaded), ==, "2022");
  audit = involve_store_list_audit (store, involve_record_get_uuid (created), &error);
  /* create, the two values and the form edition */
  g_assert_cmpuint (audit->len, ==, 4);
  g_assert_true (involve_store_verify (store, &broken, &error));
}

static void
test_references_per_year (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *expected = NULL;

  store = open_store (td->path, &error);
  g_assert_no_error (error);
  for (guint i = 1; i <= 12; i++)
    {
      g_autoptr(InvolveRecord) record = involve_store_create_record (store, "ccg-14z2", &error);
      g_assert_no_error (error);
      g_free (expected);
      expected = g_strdup_printf ("INV-%04d-%04u", g_date_time_get_year (now), i);
      g_assert_cmpstr (involve_record_get_reference (record), ==, expected);
    }
}

/* Life cycle */

static void
test_lifecycle_sign_off_and_amend (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(InvolveRecord) v1 = NULL;
  g_autoptr(InvolveRecord) v2 = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *fingerprint = NULL;
  const InvolveStatus *dummy = NULL;
  InvolveVersionInfo *info;
  gint64 broken = 0;
  guint next;

  (void) dummy;
  store = open_store (td->path, &error);
  g_assert_no_error (error);
  record = involve_store_create_record (store, "icb-14z45", &error);
  uuid = g_strdup (involve_record_get_uuid (record));
  fill_record (store, record, "Diabetes commissioning policy");

  /* Signing off a draft is refused with a reason. */
  {
    g_autoptr(InvolveSignOff) sign_off = reviewer ("Sam Reviewer", "sam@example.org");
    g_assert_false (involve_store_sign_off (store, uuid, sign_off, &error));
    g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_INVALID_TRANSITION);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
  }

  g_assert_true (involve_store_submit (store, uuid, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&record);
  record = involve_store_load_record (store, uuid, 0, &error);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);

  /* No edits while it awaits sign-off; submitting twice is refused. */
  g_assert_false (involve_store_set_value (store, record, "title", g_variant_new_string ("x"), &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_false (involve_store_submit (store, uuid, NULL, &error));
  g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);

  sign_off_as_reviewer (store, uuid);

  v1 = involve_store_load_record (store, uuid, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (involve_record_get_status (v1), ==, INVOLVE_STATUS_SIGNED_OFF);
  g_assert_nonnull (involve_record_get_sign_off (v1));
  g_assert_cmpstr (involve_record_get_sign_off (v1)->reviewer_name, ==, "Sam Reviewer");
  g_assert_cmpstr (involve_record_get_sign_off (v1)->decision, ==, "signed-off");
  g_assert_nonnull (involve_record_get_sign_off (v1)->date);
  g_assert_cmpint (involve_record_get_sign_off (v1)->decided_at_usec, >, 0);
  fingerprint = involve_fingerprint_compute (v1);
  g_assert_cmpstr (involve_record_get_sign_off (v1)->fingerprint, ==, fingerprint);

  /* Signed off: locked, cannot be withdrawn, signed twice, or amended without a reason. */
  g_assert_false (involve_store_set_value (store, v1, "title", g_variant_new_string ("x"), &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_LOCKED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (involve_store_withdraw (store, uuid, "no longer needed", &error));
  g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);
  g_assert_cmpuint (involve_store_amend (store, uuid, "  ", &error), ==, 0);
  g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_REASON_REQUIRED);
  g_clear_error (&error);

  next = involve_store_amend (store, uuid, "Consultation dates changed", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (next, ==, 2);

  v2 = involve_store_load_record (store, uuid, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (involve_record_get_version (v2), ==, 2);
  g_assert_cmpint (involve_record_get_status (v2), ==, INVOLVE_STATUS_DRAFT);
  g_assert_cmpstr (involve_record_get_status_reason (v2), ==, "Consultation dates changed");
  g_assert_cmpstr (involve_record_get_string (v2, "title"), ==, "Diabetes commissioning policy");

  /* The old version is untouched and still signed off until v2 is. */
  g_assert_false (involve_store_set_value (store, v1, "title", g_variant_new_string ("x"), &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_true (involve_store_set_value (store, v2, "title",
                                          g_variant_new_string ("Diabetes commissioning policy (revised)"), &error));
  g_assert_no_error (error);
  g_clear_object (&v1);
  v1 = involve_store_load_record (store, uuid, 1, &error);
  g_assert_cmpint (involve_record_get_status (v1), ==, INVOLVE_STATUS_SIGNED_OFF);
  g_assert_cmpstr (involve_record_get_string (v1, "title"), ==, "Diabetes commissioning policy");

  g_assert_true (involve_store_submit (store, uuid, NULL, &error));
  sign_off_as_reviewer (store, uuid);

  versions = involve_store_list_versions (store, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (versions->len, ==, 2);
  info = versions->pdata[0];
  g_assert_cmpint (info->status, ==, INVOLVE_STATUS_SUPERSEDED);
  g_assert_cmpstr (info->fingerprint, ==, fingerprint);
  info = versions->pdata[1];
  g_assert_cmpint (info->status, ==, INVOLVE_STATUS_SIGNED_OFF);
  g_assert_cmpstr (info->status_reason, ==, "Consultation dates changed");
  g_assert_nonnull (info->sign_off);

  g_assert_true (involve_store_verify (store, &broken, &error));
  g_assert_no_error (error);
  g_assert_cmpint (broken, ==, 0);
}

static void
test_lifecycle_return_and_resubmit (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(InvolveSignOff) review = reviewer ("Sam Reviewer", "sam@example.org");
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  InvolveIdentity *officer = NULL;

  store = open_store (td->path, &error);
  record = involve_store_create_record (store, "icb-14z45", &error);
  uuid = g_strdup (involve_record_get_uuid (record));
  fill_record (store, record, "GP practice closure");
  g_assert_true (involve_store_submit (store, uuid, NULL, &error));

  if (store_test_on_server ())
    {
      /* On a team register only a reviewer returns a record, and never
       * the person who submitted it: the server refuses the officer. */
      review->comments = g_strdup ("Returned by the person who submitted it.");
      g_assert_false (involve_store_return (store, uuid, review, &error));
      g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_UNTRUSTED);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "only a reviewer of this register can sign off or return a record"));
      g_clear_error (&error);
      g_clear_pointer (&review->comments, g_free);
      g_clear_object (&record);
      record = involve_store_load_record (store, uuid, 0, &error);
      g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);
      g_assert_null (involve_record_get_sign_off (record));

      trust_reviewer (store);
      officer = act_as (store, "reviewer");
    }

  /* Returning needs comments. */
  g_assert_false (involve_store_return (store, uuid, review, &error));
  g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  review->comments = g_strdup ("Step 3 needs the patient survey results.");
  g_assert_true (involve_store_return (store, uuid, review, &error));
  g_assert_no_error (error);
  if (officer != NULL)
    act_as_identity (store, officer);

  g_clear_object (&record);
  record = involve_store_load_record (store, uuid, 0, &error);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_RETURNED);
  g_assert_cmpstr (involve_record_get_sign_off (record)->decision, ==, "returned");
  g_assert_cmpstr (involve_record_get_sign_off (record)->comments, ==, "Step 3 needs the patient survey results.");

  /* A returned version can be edited and submitted again. */
  g_assert_true (involve_store_set_value (store, record, "b3-insight-use",
                                          g_variant_new_string ("Survey of 400 patients"), &error));
  g_assert_no_error (error);
  g_assert_true (involve_store_submit (store, uuid, NULL, &error));
  g_assert_true (involve_store_recall (store, uuid, &error));
  g_assert_no_error (error);
  g_clear_object (&record);
  record = involve_store_load_record (store, uuid, 0, &error);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_DRAFT);
  g_assert_true (involve_store_submit (store, uuid, NULL, &error));
  sign_off_as_reviewer (store, uuid);

  /* Reopen only works on returned. */
  g_assert_false (involve_store_reopen (store, uuid, &error));
  g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_INVALID_TRANSITION);
}

static void
test_lifecycle_withdraw (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;

  store = open_store (td->path, &error);
  record = involve_store_create_record (store, "nhse-13q", &error);
  uuid = g_strdup (involve_record_get_uuid (record));
  g_assert_true (involve_store_set_value (store, record, "title", g_variant_new_string ("Dental contract"), &error));

  g_assert_false (involve_store_withdraw (store, uuid, "", &error));
  g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  g_assert_true (involve_store_withdraw (store, uuid, "Activity cancelled by the board", &error));
  g_assert_no_error (error);

  g_clear_object (&record);
  record = involve_store_load_record (store, uuid, 0, &error);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_WITHDRAWN);
  g_assert_cmpstr (involve_record_get_status_reason (record), ==, "Activity cancelled by the board");
  g_assert_cmpstr (involve_record_get_string (record, "title"), ==, "Dental contract");

  g_assert_false (involve_store_set_value (store, record, "title", g_variant_new_string ("x"), &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_false (involve_store_submit (store, uuid, NULL, &error));
  g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_INVALID_TRANSITION);
}

static void
test_submit_runs_validation (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  InvolveStoreQuery query;

  store = open_store (td->path, &error);
  record = involve_store_create_record (store, "icb-14z45", &error);
  uuid = g_strdup (involve_record_get_uuid (record));
  set_string (store, record, "title", "Half-finished assessment");

  g_assert_false (involve_store_submit (store, uuid, &problems, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INCOMPLETE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (problems);
  g_assert_cmpuint (problems->len, >, 5);
  g_assert_nonnull (involve_problems_find_field (problems, "completer-name"));
  g_assert_nonnull (strstr (error->message, ((InvolveProblem *) problems->pdata[0])->message));
  g_clear_error (&error);
  g_clear_object (&record);
  record = involve_store_load_record (store, uuid, 0, &error);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_DRAFT);

  /* Once complete it goes, and the engine's outcome is in the register list. */
  fill_record (store, record, "Complete assessment");
  g_assert_true (involve_store_submit (store, uuid, NULL, &error));
  g_assert_no_error (error);
  involve_store_query_init (&query);
  found = involve_store_list (store, &query, NULL, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((InvolveRecordSummary *) found->pdata[0])->outcome, ==, "applies");
  g_assert_cmpint (((InvolveRecordSummary *) found->pdata[0])->status, ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);
}

static GPtrArray *
validate_needs_title (InvolveRecord *record,
                      GError       **error)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);

  if (involve_record_get_string (record, "title") == NULL)
    g_ptr_array_add (problems, g_strdup ("title"));
  return problems;
}

static void
test_lifecycle_submit_validates (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  involve_store_set_engine_hooks (validate_needs_title, NULL);
  store = open_store (td->path, &error);
  record = involve_store_create_record (store, "icb-14z45", &error);

  g_assert_false (involve_store_submit (store, involve_record_get_uuid (record), &problems, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INCOMPLETE);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_nonnull (problems);
  g_assert_cmpuint (problems->len, ==, 1);

  g_assert_true (involve_store_set_value (store, record, "title", g_variant_new_string ("x"), &error));
  g_assert_true (involve_store_submit (store, involve_record_get_uuid (record), NULL, &error));
  g_assert_no_error (error);
  involve_store_set_engine_hooks (NULL, NULL);
}

static void
test_reviewer_is_completer (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;

  store = open_store (td->path, &error);
  record = involve_store_create_record (store, "icb-14z45", &error);
  uuid = g_strdup (involve_record_get_uuid (record));
  fill_record (store, record, "A&E reconfiguration");
  g_assert_true (involve_store_submit (store, uuid, NULL, &error));

  trust_reviewer (store);

  /* The completer's own key, whatever names, account or profile are typed:
   * a different person is a different key. */
  {
    g_autoptr(InvolveSignOff) other = reviewer ("Sam Reviewer", "sam@example.org");
    involve_store_set_os_account (store, "reviewer");
    involve_store_set_profile_name (store, "Sam Reviewer");
    g_assert_false (involve_store_sign_off (store, uuid, other, &error));
    g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_SAME_PERSON);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
  }
  /* No key at all. */
  {
    g_autoptr(InvolveSignOff) other = reviewer ("Sam Reviewer", "sam@example.org");
    act_as (store, NULL);
    g_assert_false (involve_store_sign_off (store, uuid, other, &error));
    g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NO_IDENTITY);
    g_clear_error (&error);
  }
  /* The account and profile that submitted it, even with another key. */
  {
    g_autoptr(InvolveSignOff) other = reviewer ("Sam Reviewer", "sam@example.org");
    g_autoptr(InvolveRecord) still = NULL;

    /* On a team register the account is the login: the officer's, with
     * the reviewer's key. */
    if (store_test_on_server ())
      involve_store_set_identity (store, test_identity ("reviewer"));
    else
      act_as (store, "reviewer");
    involve_store_set_os_account (store, "officer");
    involve_store_set_profile_name (store, "Officer");
    g_assert_false (involve_store_sign_off (store, uuid, other, &error));
    g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_SAME_PERSON);
    g_test_message ("%s", error->message);
    g_clear_error (&error);

    if (store_test_on_server ())
      {
        /* Another profile name does not make the officer's login a
         * reviewer: the server refuses it, whatever key signs. */
        g_assert_cmpstr (involve_store_get_os_account (store), ==, store_test_login (td->path, "officer"));
        involve_store_set_profile_name (store, "Sam Reviewer");
        g_assert_false (involve_store_sign_off (store, uuid, other, &error));
        g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_UNTRUSTED);
        g_test_message ("%s", error->message);
        g_assert_nonnull (strstr (error->message, "only a reviewer of this register can sign off or return a record"));
        g_clear_error (&error);
        act_as (store, "reviewer");
      }
    still = involve_store_load_record (store, uuid, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpint (involve_record_get_status (still), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);

    /* A different profile with a different key is a different person. */
    involve_store_set_profile_name (store, "Sam Reviewer");
    g_assert_true (involve_store_sign_off (store, uuid, other, &error));
    g_assert_no_error (error);
  }
}

static void
test_sign_off_by_file (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(InvolveRecord) submitted = NULL;
  g_autoptr(InvolveSignOff) response = reviewer ("Sam Reviewer", "sam@example.org");
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *fingerprint = NULL;
  const char *wrong = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  store = open_store (td->path, &error);
  record = involve_store_create_record (store, "icb-14z45", &error);
  uuid = g_strdup (involve_record_get_uuid (record));
  fill_record (store, record, "Podiatry relocation");
  g_assert_true (involve_store_submit (store, uuid, NULL, &error));
  submitted = involve_store_load_record (store, uuid, 0, &error);
  fingerprint = involve_fingerprint_compute (submitted);

  response->decision = g_strdup ("signed-off");
  trust_reviewer (store);

  /* Unsigned: anybody could have written it. */
  g_assert_false (involve_store_apply_sign_off (store, uuid, 1, fingerprint, response, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_BAD_SIGNATURE);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* Signed, but for other content. */
  {
    g_autoptr(GBytes) data = NULL;
    g_autoptr(GBytes) signature = NULL;
    g_autoptr(InvolveAct) act = NULL;

    make_response (store, uuid, 1, "reviewer", response, 0, &data, &signature);
    act = involve_act_parse (data, &error);
    g_free (act->fingerprint);
    act->fingerprint = g_strdup (wrong);
    g_clear_pointer (&data, g_bytes_unref);
    g_clear_pointer (&signature, g_bytes_unref);
    data = involve_act_serialise (act);
    signature = involve_identity_sign (test_identity ("reviewer"), data, &error);
    g_assert_false (involve_store_apply_signed_response (store, data, signature, test_certificate ("reviewer"), &error));
    g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_FINGERPRINT_MISMATCH);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
  }

  /* The officer imports the reviewer's response on their own desktop.  On
   * a team register whoever applies it writes the decision, so the server
   * holds them to a reviewer's rules: the officer is refused by the server
   * itself, and a reviewer's login applies it. */
  {
    g_autoptr(GBytes) data = NULL;
    g_autoptr(GBytes) signature = NULL;
    g_autoptr(GPtrArray) audit = NULL;
    const InvolveAuditEntry *entry = NULL;
    g_autofree char *note = NULL;
    gint64 decided = g_get_real_time () + 1000;
    gint64 applied;

    response->date = g_strdup ("2023-11-14");
    make_response (store, uuid, 1, "reviewer", response, decided, &data, &signature);
    if (store_test_on_server ())
      {
        g_assert_false (involve_store_apply_signed_response (store, data, signature, test_certificate ("reviewer"), &error));
        g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_UNTRUSTED);
        g_assert_nonnull (strstr (error->message, "a reviewer of the register who did not submit the record must apply it"));
        g_assert_nonnull (strstr (error->message, "only a reviewer of this register can sign off or return a record"));
        g_test_message ("%s", error->message);
        g_clear_error (&error);
        g_clear_object (&record);
        record = involve_store_load_record (store, uuid, 0, &error);
        g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);
        audit = involve_store_list_audit (store, uuid, &error);
        g_assert_no_error (error);
        entry = g_ptr_array_index (audit, audit->len - 1);
        g_assert_cmpstr (entry->kind, ==, INVOLVE_AUDIT_REFUSED);
        g_assert_nonnull (strstr (entry->details, "only a reviewer of this register"));
        g_clear_pointer (&audit, g_ptr_array_unref);
        act_as (store, "reviewer");
      }
    applied = g_get_real_time ();
    g_assert_true (involve_store_apply_signed_response (store, data, signature, test_certificate ("reviewer"), &error));
    g_assert_no_error (error);
    g_clear_object (&record);
    record = involve_store_load_record (store, uuid, 0, &error);
    g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_SIGNED_OFF);
    /* A file keeps the reviewer's signed time; a team register records its
     * own, and its entry names the reviewer's, which the signed act keeps. */
    audit = involve_store_list_audit (store, uuid, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < audit->len; i++)
      if (g_str_equal (((InvolveAuditEntry *) audit->pdata[i])->kind, INVOLVE_AUDIT_SIGN_OFF))
        entry = audit->pdata[i];
    g_assert_nonnull (entry);
    {
      g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (decided / G_USEC_PER_SEC);
      g_autoptr(GDateTime) when = g_date_time_add (seconds, decided % G_USEC_PER_SEC);
      g_autofree char *iso = g_date_time_format (when, "%Y-%m-%dT%H:%M:%S.%fZ");

      note = g_strdup_printf ("; response signed by the reviewer at %s, recorded at the team register's time [signed by ",
                              iso);
    }
    if (store_test_on_server ())
      {
        g_assert_cmpint (involve_record_get_sign_off (record)->decided_at_usec, ==, entry->time_usec);
        g_assert_cmpint (entry->time_usec, >=, applied - 5 * G_USEC_PER_SEC);
        g_assert_cmpint (entry->time_usec, !=, decided);
        g_test_message ("%s", entry->details);
        g_assert_nonnull (strstr (entry->details, note));
        g_test_message ("%s", entry->details);
      }
    else
      {
        g_assert_cmpint (involve_record_get_sign_off (record)->decided_at_usec, ==, decided);
        g_assert_null (strstr (entry->details, "recorded at the team register's time"));
      }
    g_assert_cmpstr (involve_record_get_sign_off (record)->date, ==, "2023-11-14");
    g_assert_cmpstr (involve_record_get_sign_off (record)->fingerprint, ==, fingerprint);
    g_assert_cmpstr (involve_record_get_sign_off (record)->reviewer_email, ==, "sam.reviewer@example.org");

    /* Applying it again is refused. */
    g_assert_false (involve_store_apply_signed_response (store, data, signature, test_certificate ("reviewer"), &error));
    g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_INVALID_TRANSITION);
    g_clear_error (&error);
  }
  g_assert_true (involve_store_verify (store, NULL, &error));
  g_assert_no_error (error);
}

/* Immutability in the database */

static int
raw_try (sqlite3    *db,
         const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (message != NULL)
    g_test_message ("%s -> %s", sql, message);
  sqlite3_free (message);
  return rc;
}

static char *
signed_record (const char *path)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  char *uuid;

  store = open_store (path, &error);
  g_assert_no_error (error);
  record = involve_store_create_record (store, "icb-14z45", &error);
  uuid = g_strdup (involve_record_get_uuid (record));
  fill_record (store, record, "Signed assessment");
  g_assert_true (involve_store_submit (store, uuid, NULL, &error));
  sign_off_as_reviewer (store, uuid);
  return uuid;
}

/* What the server says when a signed-off version's values, the version
 * itself or the audit log are written to. */
#define LOCKED_VALUES "the values of a signed-off version cannot be changed"
#define LOCKED_VERSION "a signed-off or withdrawn version cannot be changed"
#define NO_AUDIT_WRITES "permission denied for table audit"

/* On a team register nobody gets as far as the triggers of a file: the
 * server refuses each change, whoever asks and however. */
static void
server_triggers_block_changes (const char *path)
{
  static const struct
  {
    const char *sql;
    const char *sqlstate;
    const char *words;
  } writes[] = {
    { "UPDATE field_values SET value = '''Edited''' WHERE field_id = 'title'", "23000", LOCKED_VALUES },
    { "DELETE FROM field_values", "23000", LOCKED_VALUES },
    { "INSERT INTO field_values SELECT version_id, 'extra', '''x''', 0, audit_id FROM field_values LIMIT 1",
      "23000", LOCKED_VALUES },
    { "UPDATE field_values SET audit_id = 1 WHERE field_id = 'title'", "23000", LOCKED_VALUES },
    { "UPDATE field_values SET version_id = version_id + 1", "42501", "permission denied for table field_values" },
    { "TRUNCATE field_values", "42501", "permission denied for table field_values" },
    { "UPDATE versions SET fingerprint = 'x'", "23000", LOCKED_VERSION },
    { "UPDATE versions SET status = 'draft'", "23000", LOCKED_VERSION },
    { "UPDATE versions SET status = 'withdrawn', status_reason = 'Tamper'", "23000", LOCKED_VERSION },
    { "UPDATE versions SET reviewer_name = 'Someone'", "23000", LOCKED_VERSION },
    { "UPDATE versions SET decided_usec = decided_usec - 1", "23000", LOCKED_VERSION },
    { "UPDATE versions SET status = 'superseded'", "23000", "superseded only by a newer signed-off version" },
    { "UPDATE versions SET submitted_role = session_user", "42501", "permission denied for table versions" },
    { "DELETE FROM versions", "42501", "permission denied for table versions" },
    { "TRUNCATE versions", "42501", "permission denied for table versions" },
    { "UPDATE records SET status = 'draft'", "23000", "says its version 1 is draft, but that version is signed-off" },
    { "UPDATE audit SET details = 'x' WHERE id = 2", "42501", NO_AUDIT_WRITES },
    { "DELETE FROM audit WHERE id = 2", "42501", NO_AUDIT_WRITES },
    { "DELETE FROM audit", "42501", NO_AUDIT_WRITES },
    { "TRUNCATE audit", "42501", NO_AUDIT_WRITES },
  };
  g_autofree char *before = server_digest (path);

  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    assert_server_refuses_all (path, writes[i].sql, writes[i].sqlstate, writes[i].words);
  assert_server_refuses_ways_round (path, "field_values", "field_values_locked", writes[0].sql,
                                    "23000", LOCKED_VALUES);
  assert_server_refuses_ways_round (path, "versions", "versions_life_cycle", "UPDATE versions SET fingerprint = 'x'",
                                    "23000", LOCKED_VERSION);
  assert_server_refuses_ways_round (path, "audit", "audit_no_change", "DELETE FROM audit WHERE id = 2",
                                    "42501", NO_AUDIT_WRITES);
  assert_server_untouched (path, before);
}

static void
test_triggers_block_changes (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *uuid = signed_record (td->path);
  g_assert_nonnull (uuid);
  sqlite3 *db = NULL;

  if (store_test_on_server ())
    {
      server_triggers_block_changes (td->path);
      return;
    }

  g_assert_cmpint (sqlite3_open (td->path, &db), ==, SQLITE_OK);
  sqlite3_extended_result_codes (db, 1);

  g_assert_cmpint (raw_try (db, "UPDATE field_values SET value = '''Edited''' WHERE field_id = 'title'"),
                   ==, SQLITE_CONSTRAINT_TRIGGER);
  g_assert_cmpint (raw_try (db, "DELETE FROM field_values"), ==, SQLITE_CONSTRAINT_TRIGGER);
  g_assert_cmpint (raw_try (db, "INSERT INTO field_values SELECT version_id, 'extra', '''x''', 0, audit_id"
                                " FROM field_values LIMIT 1"), ==, SQLITE_CONSTRAINT_TRIGGER);
  g_assert_cmpint (raw_try (db, "UPDATE versions SET fingerprint = 'x'"), ==, SQLITE_CONSTRAINT_TRIGGER);
  g_assert_cmpint (raw_try (db, "UPDATE versions SET status = 'draft'"), ==, SQLITE_CONSTRAINT_TRIGGER);
  g_assert_cmpint (raw_try (db, "UPDATE versions SET reviewer_name = 'Someone'"), ==, SQLITE_CONSTRAINT_TRIGGER);
  g_assert_cmpint (raw_try (db, "DELETE FROM versions"), ==, SQLITE_CONSTRAINT_TRIGGER);
  g_assert_cmpint (raw_try (db, "UPDATE audit SET details = 'x' WHERE id = 2"), ==, SQLITE_CONSTRAINT_TRIGGER);
  g_assert_cmpint (raw_try (db, "DELETE FROM audit WHERE id = 2"), ==, SQLITE_CONSTRAINT_TRIGGER);
  g_assert_cmpint (raw_try (db, "DELETE FROM audit"), ==, SQLITE_CONSTRAINT_TRIGGER);

  sqlite3_close (db);
}

/* Tampering behind the app's back: drop the triggers, then change things. */

#define DROP_TRIGGERS \
  "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;" \
  "DROP TRIGGER values_locked_insert; DROP TRIGGER values_locked_update;" \
  "DROP TRIGGER values_locked_delete; DROP TRIGGER versions_locked_update;" \
  "DROP TRIGGER versions_locked_delete;"

static gint64
verify_path (const char *path,
             gboolean    expect_ok)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 broken = -1;

  store = open_store (path, &error);
  g_assert_no_error (error);
  if (expect_ok)
    {
      g_assert_true (involve_store_verify (store, &broken, &error));
      g_assert_no_error (error);
      g_assert_cmpint (broken, ==, 0);
    }
  else
    {
      g_assert_false (involve_store_verify (store, &broken, &error));
      g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
      g_test_message ("verify: %s", error->message);
      g_assert_cmpint (broken, >, 0);
    }
  return broken;
}

static gint64
audit_id_of (const char *path,
             const char *where)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM audit WHERE %s ORDER BY id DESC LIMIT 1", where);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* The signed-off title of @uuid is still the one it was signed off with. */
static void
assert_signed_title (const char *path,
                     const char *uuid)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  store = open_store (path, &error);
  record = involve_store_load_record (store, uuid, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_SIGNED_OFF);
  g_assert_cmpstr (involve_record_get_string (record, "title"), ==, "Signed assessment");
}

/* On a team register the edit never happens. */
static void
server_tamper_value (const char *path,
                     const char *uuid,
                     const char *sql)
{
  g_autofree char *before = server_digest (path);

  assert_server_refuses_all (path, sql, "23000", LOCKED_VALUES);
  assert_server_refuses_ways_round (path, "field_values", "field_values_locked", sql,
                                    "23000", LOCKED_VALUES);
  assert_server_untouched (path, before);
  assert_signed_title (path, uuid);
}

static void
test_tamper_signed_value (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *uuid = signed_record (td->path);
  g_assert_nonnull (uuid);
  if (store_test_on_server ())
    {
      server_tamper_value (td->path, uuid, "UPDATE field_values SET value = '''A different title'''"
                                           " WHERE field_id = 'title'");
      return;
    }
  gint64 title_entry = audit_id_of (td->path, "field_id = 'title'");

  verify_path (td->path, TRUE);
  raw_exec (td->path, DROP_TRIGGERS
            "UPDATE field_values SET value = '''A different title''' WHERE field_id = 'title';");
  g_assert_cmpint (verify_path (td->path, FALSE), ==, title_entry);
}

/* On a team register neither the value nor its entry changes, together
 * or apart, and no forged entry follows them. */
static void
server_tamper_value_and_audit (const char *path,
                               const char *uuid)
{
  const char *value = "UPDATE field_values SET value = '''Forged''' WHERE field_id = 'title'";
  const char *entry = "UPDATE audit SET new_value = '''Forged''' WHERE field_id = 'title'";
  g_autofree char *both = g_strdup_printf ("BEGIN; %s; %s; COMMIT", entry, value);
  g_autofree char *before = server_digest (path);

  assert_server_refuses_all (path, value, "23000", LOCKED_VALUES);
  assert_server_refuses_all (path, entry, "42501", NO_AUDIT_WRITES);
  assert_server_refuses_all (path, both, "42501", NO_AUDIT_WRITES);
  assert_server_refuses_ways_round (path, "audit", "audit_no_change", entry, "42501", NO_AUDIT_WRITES);
  assert_server_refuses_forged_entries (path);
  assert_server_untouched (path, before);
  assert_signed_title (path, uuid);
}

static void
test_tamper_signed_value_and_audit (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *uuid = signed_record (td->path);
  g_assert_nonnull (uuid);
  if (store_test_on_server ())
    {
      server_tamper_value_and_audit (td->path, uuid);
      return;
    }
  gint64 title_entry = audit_id_of (td->path, "field_id = 'title'");

  /* A careful forger also edits the audit entry: the chain breaks there. */
  raw_exec (td->path, DROP_TRIGGERS
            "UPDATE field_values SET value = '''Forged''' WHERE field_id = 'title';"
            "UPDATE audit SET new_value = '''Forged''' WHERE field_id = 'title';");
  g_assert_cmpint (verify_path (td->path, FALSE), ==, title_entry);
}

static void
test_tamper_deleted_value (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *uuid = signed_record (td->path);
  g_assert_nonnull (uuid);
  if (store_test_on_server ())
    {
      server_tamper_value (td->path, uuid, "DELETE FROM field_values WHERE field_id = 'step1-explanation'");
      return;
    }
  gint64 sign_off_entry = audit_id_of (td->path, "kind = 'sign-off'");

  /* Removing an answer from a signed-off version breaks its fingerprint. */
  raw_exec (td->path, DROP_TRIGGERS "DELETE FROM field_values WHERE field_id = 'step1-explanation';");
  g_assert_cmpint (verify_path (td->path, FALSE), ==, sign_off_entry);
}

/* Edits of the audit log itself, and the first entry verify names. */
typedef struct
{
  const char *sql;
  gint64      first_broken;
} AuditTamper;

static const AuditTamper deleted_entry = { "DELETE FROM audit WHERE id = 4;", 4 };
static const AuditTamper deleted_first_entry = { "DELETE FROM audit WHERE id = 1;", 1 };
/* Entries 5 and 6 swapped (ids kept, contents exchanged). */
static const AuditTamper reordered_entries = {
  "UPDATE audit SET id = -5 WHERE id = 5;"
  "UPDATE audit SET id = 5 WHERE id = 6;"
  "UPDATE audit SET id = 6 WHERE id = -5;", 5
};
static const AuditTamper altered_entry = { "UPDATE audit SET account = 'somebody-else' WHERE id = 7;", 7 };

/* On a team register the log stays as written: no change, no removal,
 * and no entry written again in another form, nor a forged one added. */
static void
server_tamper_audit (const char        *path,
                     const AuditTamper *tamper)
{
  g_autofree char *before = server_digest (path);
  g_autofree char *again = g_strdup_printf ("INSERT INTO audit SELECT * FROM audit WHERE id = %" G_GINT64_FORMAT,
                                            tamper->first_broken);
  g_autofree char *follows = g_strdup_printf ("audit entry %" G_GINT64_FORMAT " does not follow the last entry",
                                              tamper->first_broken);
  /* A signature (somebody's real one, of another act) given later to an
   * entry that had none. */
  g_autofree char *signed_later = g_strdup_printf ("INSERT INTO audit_signatures SELECT %" G_GINT64_FORMAT ","
                                                   " signer, data, signature FROM audit_signatures LIMIT 1",
                                                   tamper->first_broken);

  assert_server_refuses_all (path, tamper->sql, "42501", NO_AUDIT_WRITES);
  assert_server_refuses_all (path, "TRUNCATE audit CASCADE", "42501", NO_AUDIT_WRITES);
  assert_server_refuses_all (path, again, "23000", follows);
  assert_server_refuses_all (path, signed_later, "23000", "a signature is kept with the audit entry it signs");
  assert_server_refuses_ways_round (path, "audit", "audit_no_change", tamper->sql,
                                    "42501", NO_AUDIT_WRITES);
  assert_server_refuses_forged_entries (path);
  assert_server_untouched (path, before);
}

static void
test_tamper_audit (gconstpointer data)
{
  const AuditTamper *tamper = data;
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *uuid = signed_record (td->path);
  g_autofree char *sql = g_strconcat (DROP_TRIGGERS, tamper->sql, NULL);

  g_assert_nonnull (uuid);
  if (store_test_on_server ())
    {
      server_tamper_audit (td->path, tamper);
      return;
    }
  raw_exec (td->path, sql);
  g_assert_cmpint (verify_path (td->path, FALSE), ==, tamper->first_broken);
}

static void
test_tamper_rehashed_entry (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *uuid = signed_record (td->path);
  g_assert_nonnull (uuid);
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *hash = NULL;
  InvolveAuditEntry *entry;

  /* Altering an entry and recomputing its own hash still breaks the next link. */
  store = open_store (td->path, &error);
  entries = involve_store_list_audit (store, NULL, &error);
  g_clear_object (&store);
  entry = entries->pdata[2];
  g_free (entry->details);
  entry->details = g_strdup ("rewritten");
  hash = involve_audit_entry_compute_hash (entry);
  if (store_test_on_server ())
    {
      g_autofree char *before = server_digest (td->path);
      g_autofree char *update = g_strdup_printf ("UPDATE audit SET details = 'rewritten', hash = '%s' WHERE id = 3",
                                                 hash);
      /* The rewritten entry 3 with its own hash, as a new entry ... */
      g_autofree char *again = g_strdup_printf ("INSERT INTO audit SELECT id, time_usec, account, profile, kind,"
                                                " record_uuid, version, field_id, old_value, new_value,"
                                                " 'rewritten', prev_hash, '%s' FROM audit WHERE id = 3", hash);
      /* ... and rewritten at the end, hashed to follow entry 2. */
      g_autofree char *relinked = server_forged_entry_sql ("session_user", "involve.now_usec ()",
                                                           "(SELECT hash FROM audit WHERE id = 2)", "rewritten");

      assert_server_refuses_all (td->path, update, "42501", NO_AUDIT_WRITES);
      assert_server_refuses_all (td->path, again, "23000", "audit entry 3 does not follow the last entry");
      assert_server_refuses_all (td->path, relinked, "23000", "does not carry the hash of entry");
      assert_server_refuses_ways_round (td->path, "audit", "audit_no_change", update,
                                        "42501", NO_AUDIT_WRITES);
      assert_server_untouched (td->path, before);
      return;
    }
  sql = g_strdup_printf (DROP_TRIGGERS "UPDATE audit SET details = 'rewritten', hash = '%s' WHERE id = 3;", hash);
  raw_exec (td->path, sql);
  g_assert_cmpint (verify_path (td->path, FALSE), ==, 4);
}

static void
test_verify_damaged_file (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  gint64 broken = -1;

  STORE_TEST_FILE_ONLY ("scribbles over the bytes of a register file");
  store = open_store (td->path, &error);
  g_assert_true (involve_store_begin_batch (store, &error));
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(InvolveRecord) record = involve_store_create_record (store, "icb-14z45", &error);
      g_autofree char *text = g_strdup_printf ("Answer number %u for the damaged file test", i);
      g_assert_true (involve_store_set_value (store, record, "b1-objectives", g_variant_new_string (text), &error));
    }
  g_assert_true (involve_store_commit_batch (store, &error));
  g_clear_object (&store);

  /* Scribble over a page in the middle of the file. */
  g_assert_true (g_file_get_contents (td->path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 40 * 4096);
  memset (contents + 20 * 4096, 0xab, 2000);
  g_assert_true (g_file_set_contents (td->path, contents, length, NULL));

  store = open_store (td->path, &error);
  if (store == NULL)
    {
      g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CORRUPT);
      return;
    }
  g_assert_false (involve_store_verify (store, &broken, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_assert_cmpint (broken, ==, 0);
}

/* Search and lists */

static void
test_search_and_filters (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_auto(GStrv) organisations = NULL;
  InvolveStoreQuery query;
  guint total = 0;
  const char *titles[] = { "Podiatry relocation", "Administrative office move", "Fracture clinic closure",
                           "Żółć and café: Ysbyty Gwynedd", "GP practice closure" };
  const char *frameworks[] = { "icb-14z45", "ccg-14z2", "icb-14z45", "nhse-13q", "icb-14z45" };
  g_autofree char *first_uuid = NULL;

  store = open_store (td->path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autoptr(InvolveRecord) record = involve_store_create_record (store, frameworks[i], &error);

      g_assert_no_error (error);
      if (i == 0)
        first_uuid = g_strdup (involve_record_get_uuid (record));
      g_assert_true (involve_store_set_value (store, record, "title", g_variant_new_string (titles[i]), &error));
      g_assert_true (involve_store_set_value (store, record, "organisation-name",
                                              g_variant_new_string (i % 2 ? "Westshire CCG" : "Northshire ICB"), &error));
      g_assert_true (involve_store_set_value (store, record, "b1-objectives",
                                              g_variant_new_string (i == 2 ? "Orthopaedic outpatients" : "Other"), &error));
    }
  g_assert_true (involve_store_withdraw (store, first_uuid, "duplicate", &error));

  involve_store_query_init (&query);
  found = involve_store_list (store, &query, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 5);
  g_assert_cmpuint (total, ==, 5);
  g_assert_cmpstr (((InvolveRecordSummary *) found->pdata[0])->title, ==, "Podiatry relocation");
  g_assert_cmpint (((InvolveRecordSummary *) found->pdata[0])->status, ==, INVOLVE_STATUS_WITHDRAWN);
  g_assert_cmpstr (((InvolveRecordSummary *) found->pdata[0])->organisation, ==, "Northshire ICB");
  g_assert_cmpstr (((InvolveRecordSummary *) found->pdata[0])->framework_id, ==, "icb-14z45");
  g_clear_pointer (&found, g_ptr_array_unref);

  /* Full text, prefixes, any field, accents folded. */
  query.text = "orthop";
  found = involve_store_list (store, &query, &total, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((InvolveRecordSummary *) found->pdata[0])->title, ==, "Fracture clinic closure");
  g_clear_pointer (&found, g_ptr_array_unref);
  query.text = "cafe gwyn";
  found = involve_store_list (store, &query, &total, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  query.text = "closure";
  found = involve_store_list (store, &query, &total, &error);
  g_assert_cmpuint (found->len, ==, 2);
  g_clear_pointer (&found, g_ptr_array_unref);
  query.text = "\"unbalanced AND OR (";
  found = involve_store_list (store, &query, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* Filters. */
  involve_store_query_init (&query);
  query.framework_id = "icb-14z45";
  query.status_mask = 1u << INVOLVE_STATUS_DRAFT;
  found = involve_store_list (store, &query, &total, &error);
  g_assert_cmpuint (found->len, ==, 2);
  g_clear_pointer (&found, g_ptr_array_unref);
  query.organisation = "Westshire CCG";
  found = involve_store_list (store, &query, &total, &error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);

  involve_store_query_init (&query);
  query.outcome = "unknown";
  g_assert_true (involve_store_count (store, &query, &total, &error));
  g_assert_cmpuint (total, ==, 5);
  query.outcome = "applies";
  g_assert_true (involve_store_count (store, &query, &total, &error));
  g_assert_cmpuint (total, ==, 0);

  involve_store_query_init (&query);
  query.modified_from = g_get_real_time () + (gint64) G_USEC_PER_SEC * 3600;
  g_assert_true (involve_store_count (store, &query, &total, &error));
  g_assert_cmpuint (total, ==, 0);

  /* Sorting and paging. */
  involve_store_query_init (&query);
  query.sort = INVOLVE_STORE_SORT_TITLE;
  query.limit = 2;
  query.offset = 1;
  found = involve_store_list (store, &query, &total, &error);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpuint (total, ==, 5);
  g_assert_cmpstr (((InvolveRecordSummary *) found->pdata[0])->title, ==, "Fracture clinic closure");
  g_clear_pointer (&found, g_ptr_array_unref);

  involve_store_query_init (&query);
  query.sort = INVOLVE_STORE_SORT_MODIFIED;
  query.descending = TRUE;
  query.limit = 1;
  found = involve_store_list (store, &query, &total, &error);
  g_assert_cmpstr (((InvolveRecordSummary *) found->pdata[0])->title, ==, "Podiatry relocation");
  g_clear_pointer (&found, g_ptr_array_unref);

  organisations = involve_store_dup_organisations (store, &error);
  g_assert_cmpuint (g_strv_length (organisations), ==, 2);
  g_assert_cmpstr (organisations[0], ==, "Northshire ICB");
}

/* Records marked for the search index, read on a connection of its own
 * on a team register (what the server holds, committed). */
static int
count_stale_on_server (InvolveStore *store)
{
  g_autoptr(GError) error = NULL;
  InvolveDb *db = involve_db_connect_postgresql (involve_store_get_path (store), &error);
  InvolveDbStmt *stmt = NULL;
  int n;

  g_assert_no_error (error);
  g_assert_cmpint (involve_db_prepare (db, "SELECT count(*) FROM records WHERE search_stale <> 0", FALSE, &stmt),
                   ==, SQLITE_OK);
  g_assert_cmpint (involve_db_step (stmt), ==, SQLITE_ROW);
  n = involve_db_column_int (stmt, 0);
  involve_db_finalize (stmt);
  involve_db_close (db);
  return n;
}

static int
count_stale (InvolveStore *store)
{
  sqlite3_stmt *stmt = NULL;
  int n;

  if (involve_store_is_server (store))
    return count_stale_on_server (store);
  g_assert_cmpint (sqlite3_prepare_v2 (involve_store_get_db (store),
                                       "SELECT count(*) FROM records WHERE search_stale", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static void
test_search_index_catches_up (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveStore) other = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  InvolveStoreQuery query;
  guint total = 0;

  store = open_store (td->path, &error);
  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_cmpint (count_stale (store), ==, 0);

  /* Saving marks the record; the next search (from any connection) indexes it. */
  set_string (store, record, "b4-approach", "Pop-up stalls at the farmers market");
  g_assert_cmpint (count_stale (store), ==, 1);
  other = open_store (td->path, &error);
  involve_store_query_init (&query);
  query.text = "farmers";
  g_assert_true (involve_store_count (other, &query, &total, &error));
  g_assert_cmpuint (total, ==, 1);
  g_assert_cmpint (count_stale (store), ==, 0);

  set_string (store, record, "b4-approach", "Online survey");
  g_assert_true (involve_store_count (store, &query, &total, &error));
  g_assert_cmpuint (total, ==, 0);
  query.text = "surv";
  g_assert_true (involve_store_count (store, &query, &total, &error));
  g_assert_cmpuint (total, ==, 1);
}

static GPtrArray *
outcome_from_step1 (InvolveRecord *record,
                    GError       **error)
{
  return g_ptr_array_new ();
}

static char *
outcome_yes (InvolveRecord *record)
{
  if (involve_record_get_answer (record, "step1-commissioning") == INVOLVE_ANSWER_YES)
    return g_strdup ("applies");
  if (involve_record_get_answer (record, "step1-commissioning") == INVOLVE_ANSWER_NO)
    return g_strdup ("does-not-apply");
  return NULL;
}

static void
test_outcome_kept_in_summary (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  InvolveStoreQuery query;
  guint total = 0;

  involve_store_set_engine_hooks (outcome_from_step1, outcome_yes);
  store = open_store (td->path, &error);
  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_true (involve_store_set_value (store, record, "step1-commissioning", g_variant_new_boolean (FALSE), &error));

  involve_store_query_init (&query);
  query.outcome = "does-not-apply";
  g_assert_true (involve_store_count (store, &query, &total, &error));
  g_assert_cmpuint (total, ==, 1);
  g_assert_true (involve_store_set_value (store, record, "step1-commissioning", g_variant_new_boolean (TRUE), &error));
  g_assert_true (involve_store_count (store, &query, &total, &error));
  g_assert_cmpuint (total, ==, 0);
  query.outcome = "applies";
  g_assert_true (involve_store_count (store, &query, &total, &error));
  g_assert_cmpuint (total, ==, 1);
  involve_store_set_engine_hooks (NULL, NULL);
}

/* Audit events from others, batches */

static void
test_log_event_and_batch (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *head_hash = NULL;
  gint64 head = 0;
  gint64 broken = 0;
  guint count = 0;

  store = open_store (td->path, &error);
  g_assert_true (involve_store_log_event (store, INVOLVE_AUDIT_EXPORT, NULL, 0, "evidence.pdf", &error));
  g_assert_no_error (error);

  g_assert_true (involve_store_begin_batch (store, &error));
  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(InvolveRecord) record = involve_store_create_record (store, "icb-14z45", &error);
      g_assert_true (involve_store_set_value (store, record, "title", g_variant_new_string ("Batch"), &error));
    }
  g_assert_true (involve_store_commit_batch (store, &error));
  g_assert_no_error (error);

  /* A rolled-back batch leaves no trace. */
  g_assert_true (involve_store_begin_batch (store, &error));
  {
    g_autoptr(InvolveRecord) record = involve_store_create_record (store, "icb-14z45", &error);
    g_assert_nonnull (record);
  }
  involve_store_rollback_batch (store);

  g_assert_true (involve_store_count (store, NULL, &count, &error));
  g_assert_cmpuint (count, ==, 50);
  entries = involve_store_list_audit (store, NULL, &error);
  /* The export, and for each record its creation, form edition and title. */
  g_assert_cmpuint (entries->len, ==, 151);
  g_assert_cmpstr (((InvolveAuditEntry *) entries->pdata[0])->kind, ==, INVOLVE_AUDIT_EXPORT);
  g_assert_cmpstr (((InvolveAuditEntry *) entries->pdata[0])->prev_hash, ==,
                   "0000000000000000000000000000000000000000000000000000000000000000");
  g_assert_true (involve_store_get_audit_head (store, &head, &head_hash, &error));
  g_assert_cmpint (head, ==, 151);
  g_assert_cmpstr (head_hash, ==, ((InvolveAuditEntry *) entries->pdata[150])->hash);
  g_assert_true (involve_store_verify (store, &broken, &error));
}

typedef struct
{
  InvolveStore *store;
  char         *uuid;
} ThreadJob;

static gpointer
edit_thread (gpointer data)
{
  ThreadJob *job = data;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  record = involve_store_load_record (job->store, job->uuid, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *text = g_strdup_printf ("edit %u", i);
      InvolveStoreQuery query;
      guint total = 0;

      g_assert_true (involve_store_set_value (job->store, record, "b4-approach", g_variant_new_string (text), &error));
      g_assert_no_error (error);
      involve_store_query_init (&query);
      query.text = "edit";
      g_assert_true (involve_store_count (job->store, &query, &total, &error));
    }
  return NULL;
}

static void
test_threads_share_a_store (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  ThreadJob jobs[4];
  GThread *threads[4];
  gint64 broken = 0;

  store = open_store (td->path, &error);
  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    {
      g_autoptr(InvolveRecord) record = involve_store_create_record (store, "icb-14z45", &error);

      jobs[i].store = store;
      jobs[i].uuid = g_strdup (involve_record_get_uuid (record));
    }
  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    threads[i] = g_thread_new ("editor", edit_thread, &jobs[i]);
  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    {
      g_thread_join (threads[i]);
      g_free (jobs[i].uuid);
    }
  g_assert_true (involve_store_verify (store, &broken, &error));
  g_assert_no_error (error);
}

/* Backups */

static void
test_backup (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *uuid = signed_record (td->path);
  g_assert_nonnull (uuid);
  g_autofree char *dest = g_build_filename (td->dir, "copy.sqlite", NULL);
  g_autofree char *bad_dest = g_build_filename (td->dir, "missing", "copy.sqlite", NULL);
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveStore) copy = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  gint64 broken = 0;

  store = open_store (td->path, &error);
  if (store_test_on_server ())
    {
      /* A team register is backed up on its server (pg_dump), not into a
       * file on this desktop: refused, saying so, and nothing written. */
      g_assert_false (involve_store_backup (store, dest, &error));
      g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "pg_dump"));
      g_clear_error (&error);
      g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
      g_assert_true (involve_store_verify (store, &broken, &error));
      g_assert_no_error (error);
      return;
    }
  g_assert_true (involve_store_backup (store, dest, &error));
  g_assert_no_error (error);
  g_assert_false (involve_store_backup (store, bad_dest, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  copy = open_store (dest, &error);
  g_assert_no_error (error);
  record = involve_store_load_record (copy, uuid, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_SIGNED_OFF);
  g_assert_true (involve_store_verify (copy, &broken, &error));
}

static void
test_rolling_backup (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backups = g_build_filename (td->dir, "backups", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "register-%Y-%m-%d.sqlite");
  g_autofree char *today_path = g_build_filename (backups, today, NULL);
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n = 0;

  if (store_test_on_server ())
    {
      /* Opened as the app opens it, a team register makes no daily copy on
       * this desktop, and asking for one is refused, saying why. */
      store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", store_test_location (td->path), NULL);
      g_assert_no_error (error);
      involve_store_wait_for_backup (store);
      g_assert_null (involve_store_dup_backup_dir (store));
      g_assert_false (involve_store_rolling_backup (store, &error));
      g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_clear_error (&error);
      g_assert_false (g_file_test (backups, G_FILE_TEST_EXISTS));
      return;
    }

  /* Seven old backups from earlier days. */
  g_assert_cmpint (g_mkdir_with_parents (backups, 0700), ==, 0);
  for (guint i = 1; i <= 7; i++)
    {
      g_autofree char *old = g_strdup_printf ("%s/register-2020-01-%02u.sqlite", backups, i);
      g_file_set_contents (old, "old", -1, NULL);
    }

  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", td->path, NULL);
  g_assert_no_error (error);
  involve_store_wait_for_backup (store);
  g_assert_true (g_file_test (today_path, G_FILE_TEST_IS_REGULAR));
  g_clear_object (&store);

  /* At most one a day: opening again keeps today's copy. */
  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", td->path, NULL);
  g_assert_no_error (error);

  dir = g_dir_open (backups, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_assert_false (g_str_equal (name, "register-2020-01-01.sqlite"));
      g_assert_false (g_str_equal (name, "register-2020-01-03.sqlite"));
      n++;
    }
  g_assert_cmpuint (n, ==, 5);
}

/* Each name once, none for records without one, in alphabetical order
 * whatever the case. */
static void
test_organisations (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) organisations = NULL;
  const char *names[] = { "Westshire ICB", "eastbridge CCG", NULL, "Westshire ICB", "Northshire ICB", "" };

  store = open_store (td->path, &error);
  g_assert_no_error (error);
  organisations = involve_store_dup_organisations (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (organisations), ==, 0);
  g_clear_pointer (&organisations, g_strfreev);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(InvolveRecord) record = involve_store_create_record (store, "icb-14z45", &error);

      g_assert_no_error (error);
      if (names[i] != NULL)
        g_assert_true (involve_store_set_value (store, record, "organisation-name", g_variant_new_string (names[i]), &error));
    }

  organisations = involve_store_dup_organisations (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (organisations), ==, 3);
  g_assert_cmpstr (organisations[0], ==, "eastbridge CCG");
  g_assert_cmpstr (organisations[1], ==, "Northshire ICB");
  g_assert_cmpstr (organisations[2], ==, "Westshire ICB");
}

/* The app opens with "defer-backup" and starts the copy after its first frame. */
static void
test_rolling_backup_deferred (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(TestDir) td2 = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "register-%Y-%m-%d.sqlite");
  g_autofree char *today_path = g_build_filename (td->dir, "backups", today, NULL);
  g_autofree char *today_path2 = g_build_filename (td2->dir, "backups", today, NULL);

  if (store_test_on_server ())
    {
      /* Nothing to start on a team register, and nothing made here. */
      store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", store_test_location (td->path),
                              "defer-backup", TRUE, NULL);
      g_assert_no_error (error);
      g_assert_cmpstr (involve_store_get_journal_mode (store), ==, "server");
      involve_store_start_deferred_backup (store);
      involve_store_wait_for_backup (store);
      g_assert_false (g_file_test (today_path, G_FILE_TEST_EXISTS));
      g_assert_null (involve_store_dup_backup_dir (store));
      return;
    }

  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", td->path, "defer-backup", TRUE, NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (involve_store_get_journal_mode (store), ==, "wal");
  involve_store_wait_for_backup (store);
  g_assert_false (g_file_test (today_path, G_FILE_TEST_EXISTS));

  involve_store_start_deferred_backup (store);
  involve_store_wait_for_backup (store);
  g_assert_true (g_file_test (today_path, G_FILE_TEST_IS_REGULAR));
  /* Once only. */
  involve_store_start_deferred_backup (store);
  involve_store_wait_for_backup (store);
  g_clear_object (&store);

  /* With a rollback journal the backup is still made on open, before any
   * editing (a long reader would block every save). */
  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", td2->path, "defer-backup", TRUE,
                          "journal-mode", "delete", NULL);
  g_assert_no_error (error);
  g_assert_true (g_file_test (today_path2, G_FILE_TEST_IS_REGULAR));
}

/* A register big enough that copying it takes a while. */
static void
fill_many_records (const char *path,
                   guint       n_records)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = open_store (path, &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_begin_batch (store, &error));
  for (guint i = 0; i < n_records; i++)
    {
      g_autoptr(InvolveRecord) record = involve_store_create_record (store, "icb-14z45", &error);
      g_autofree char *text = g_strnfill (4000, 'a' + i % 26);
      g_assert_true (involve_store_set_value (store, record, "b1-objectives", g_variant_new_string (text), &error));
    }
  g_assert_true (involve_store_commit_batch (store, &error));
  g_assert_no_error (error);
}

static void
test_rolling_backup_interrupted (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backups = g_build_filename (td->dir, "backups", NULL);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  STORE_TEST_FILE_ONLY ("about the daily backup files of a register file");

  fill_many_records (td->path, 300);

  /* Closing at once: the backup may be cut short, but never left half-written. */
  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", td->path, NULL);
  g_assert_no_error (error);
  g_clear_object (&store);

  dir = g_dir_open (backups, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (backups, name, NULL);
      g_autoptr(InvolveStore) copy = NULL;
      gint64 broken = 0;

      g_assert_false (g_str_has_suffix (name, ".partial"));
      copy = open_store (path, &error);
      g_assert_no_error (error);
      g_assert_true (involve_store_verify (copy, &broken, &error));
    }
}

/* Another program holding today's lock: this one skips quietly and
 * leaves its lock alone; a lock left by a crash long ago is taken over. */
static void
test_rolling_backup_locked (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "register-%Y-%m-%d.sqlite");
  g_autofree char *backups = g_build_filename (td->dir, "backups", NULL);
  g_autofree char *dest = g_build_filename (backups, today, NULL);
  g_autofree char *lock = g_strconcat (dest, ".lock", NULL);
  struct utimbuf old_times;

  STORE_TEST_FILE_ONLY ("about the lock files beside the daily backups of a register file");

  store = open_store (td->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (backups, 0700), ==, 0);
  g_assert_true (g_file_set_contents (lock, "elsewhere 1\n", -1, NULL));

  g_assert_true (involve_store_rolling_backup (store, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (lock, G_FILE_TEST_EXISTS));

  old_times.actime = old_times.modtime = time (NULL) - 2 * 60 * 60;
  g_assert_cmpint (g_utime (lock, &old_times), ==, 0);
  g_assert_true (involve_store_rolling_backup (store, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (dest, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (lock, G_FILE_TEST_EXISTS));
}

/* Several programs open the same register at once and all start the
 * daily backup: one makes it, the others skip, and nothing is left over. */
static void
test_rolling_backup_concurrent (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backups = g_build_filename (td->dir, "backups", NULL);
  g_autoptr(GDir) dir = NULL;
  const char *name;
  GPid children[6];
  int start[2];
  guint n_files = 0;

  STORE_TEST_FILE_ONLY ("about the daily backup files of a register file");

  fill_many_records (td->path, 200);

  /* Each child waits until the parent closes the pipe, so they start together. */
  g_assert_cmpint (pipe (start), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      children[i] = fork ();
      g_assert_cmpint (children[i], >=, 0);
      if (children[i] == 0)
        {
          InvolveStore *mine;
          char byte;
          gboolean ok;

          close (start[1]);
          mine = open_store (td->path, NULL);
          if (read (start[0], &byte, 1) != 0 || mine == NULL)
            _exit (2);
          ok = involve_store_rolling_backup (mine, NULL);
          _exit (ok ? 0 : 1);
        }
    }
  close (start[0]);
  close (start[1]);
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      int status = 0;

      g_assert_cmpint (waitpid (children[i], &status, 0), ==, children[i]);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    }

  dir = g_dir_open (backups, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (backups, name, NULL);
      g_autoptr(InvolveStore) copy = NULL;
      gint64 broken = 0;

      g_test_message ("backups/%s", name);
      g_assert_true (g_str_has_suffix (name, ".sqlite"));
      copy = open_store (path, &error);
      g_assert_no_error (error);
      g_assert_true (involve_store_verify (copy, &broken, &error));
      g_assert_no_error (error);
      n_files++;
    }
  g_assert_cmpuint (n_files, ==, 1);
}

/* Import */

static void
test_import_round_trip (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(TestDir) td2 = test_dir_new ();
  g_autofree char *uuid = signed_record (td->path);
  g_assert_nonnull (uuid);
  g_autoptr(InvolveStore) source = NULL;
  g_autoptr(InvolveStore) target = NULL;
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(InvolveRecord) imported = NULL;
  g_autoptr(InvolveRecord) created = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fp1 = NULL;
  g_autofree char *fp2 = NULL;
  gint64 broken = 0;
  guint v;

  source = open_store (td->path, &error);
  v = involve_store_amend (source, uuid, "Dates moved", &error);
  g_assert_cmpuint (v, ==, 2);
  for (guint i = 1; i <= 2; i++)
    g_ptr_array_add (versions, involve_store_load_record (source, uuid, i, &error));
  g_assert_no_error (error);
  fp1 = involve_fingerprint_compute (versions->pdata[0]);

  target = open_store (td2->path, &error);
  g_assert_true (involve_store_import_record (target, versions, "exchange.xml", &error));
  g_assert_no_error (error);
  imported = involve_store_load_record (target, uuid, 1, &error);
  g_assert_no_error (error);
  fp2 = involve_fingerprint_compute (imported);
  g_assert_cmpstr (fp1, ==, fp2);
  g_assert_cmpint (involve_record_get_status (imported), ==, INVOLVE_STATUS_SIGNED_OFF);
  g_assert_cmpstr (involve_record_get_sign_off (imported)->reviewer_name, ==, "Sam Reviewer");
  g_assert_true (involve_store_verify (target, &broken, &error));
  g_assert_no_error (error);

  /* The same again is a duplicate. */
  g_assert_false (involve_store_import_record (target, versions, "exchange.xml", &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  /* A signed-off version with other content is never overwritten. */
  {
    InvolveRecord *v1 = versions->pdata[0];
    g_ptr_array_set_size (versions, 1);
    involve_record_set_string (v1, "title", "Changed elsewhere");
    g_assert_false (involve_store_import_record (target, versions, "evil.xml", &error));
    g_assert_nonnull (error);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
  }

  /* New references in the target continue after the imported one. */
  created = involve_store_create_record (target, "icb-14z45", &error);
  g_assert_cmpstr (involve_record_get_reference (created), !=, involve_record_get_reference (imported));
}

/* Audit trails kept from other registers */

#define DROP_IMPORTED_TRIGGERS \
  "DROP TRIGGER imported_trails_no_update; DROP TRIGGER imported_trails_no_delete;" \
  "DROP TRIGGER imported_audit_no_update; DROP TRIGGER imported_audit_no_delete;"

/* @uuid's audit trail in @source, as an exchange file would carry it. */
static InvolveImportedTrail *
trail_of (InvolveStore *source,
          const char   *uuid)
{
  InvolveImportedTrail *trail = involve_imported_trail_new (uuid, "exchange file “a.xml”", 0);
  g_autoptr(GError) error = NULL;

  g_ptr_array_unref (trail->entries);
  trail->entries = involve_store_list_audit (source, uuid, &error);
  g_assert_no_error (error);
  return trail;
}

/* A signed-off record in @source_path whose trail has a gap (another
 * record's entries) and goes on after it, imported with that trail into
 * @target_path.  Returns the record's uuid. */
static char *
import_with_trail (const char *source_path,
                   const char *target_path)
{
  g_autofree char *uuid = signed_record (source_path);
  g_autoptr(InvolveStore) source = NULL;
  g_autoptr(InvolveStore) target = NULL;
  g_autoptr(InvolveRecord) other = NULL;
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) trails = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_imported_trail_free);
  g_autoptr(GError) error = NULL;

  source = open_store (source_path, &error);
  g_assert_no_error (error);
  other = involve_store_create_record (source, "icb-14z45", &error);
  set_string (source, other, "title", "Another record in between");
  g_assert_cmpuint (involve_store_amend (source, uuid, "Dates moved", &error), ==, 2);
  g_assert_no_error (error);
  for (guint i = 1; i <= 2; i++)
    g_ptr_array_add (versions, involve_store_load_record (source, uuid, i, &error));
  g_assert_no_error (error);

  g_ptr_array_add (trails, trail_of (source, uuid));

  target = open_store (target_path, &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_import_record_full (target, versions, trails, "a.xml", &error));
  g_assert_no_error (error);
  return g_steal_pointer (&uuid);
}

static void
test_import_keeps_trail (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(TestDir) td2 = test_dir_new ();
  g_autofree char *uuid = import_with_trail (td->path, td2->path);
  g_autoptr(InvolveStore) source = NULL;
  g_autoptr(InvolveStore) target = NULL;
  g_autoptr(GPtrArray) original = NULL;
  g_autoptr(GPtrArray) trails = NULL;
  g_autoptr(GPtrArray) local = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *digest = NULL;
  InvolveImportedTrail *trail;
  InvolveAuditEntry *binding;
  gint64 broken = -1;

  source = open_store (td->path, &error);
  original = involve_store_list_audit (source, uuid, &error);
  target = open_store (td2->path, &error);
  g_assert_no_error (error);
  trails = involve_store_list_imported_trails (target, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (trails->len, ==, 1);
  trail = trails->pdata[0];
  g_assert_cmpstr (trail->source, ==, "exchange file “a.xml”");
  g_assert_cmpint (trail->imported_usec, >, 0);

  /* Exactly as the source wrote them: numbers, hashes, gaps and all. */
  g_assert_cmpuint (trail->entries->len, ==, original->len);
  for (guint i = 0; i < original->len; i++)
    {
      InvolveAuditEntry *a = original->pdata[i];
      InvolveAuditEntry *b = trail->entries->pdata[i];

      g_assert_cmpint (a->id, ==, b->id);
      g_assert_cmpint (a->time_usec, ==, b->time_usec);
      g_assert_cmpstr (a->account, ==, b->account);
      g_assert_cmpstr (a->new_value, ==, b->new_value);
      g_assert_cmpstr (a->prev_hash, ==, b->prev_hash);
      g_assert_cmpstr (a->hash, ==, b->hash);
    }

  /* A local import entry binds it: its new value is the trail's digest. */
  local = involve_store_list_audit (target, uuid, &error);
  binding = local->pdata[local->len - 1];
  digest = involve_imported_trail_compute_digest (trail);
  g_assert_cmpint (binding->id, ==, trail->import_id);
  g_assert_cmpstr (binding->kind, ==, INVOLVE_AUDIT_IMPORT);
  g_assert_cmpstr (binding->new_value, ==, digest);
  g_assert_nonnull (strstr (binding->details, ((InvolveAuditEntry *) original->pdata[original->len - 1])->hash));

  g_assert_true (involve_store_verify (target, &broken, &error));
  g_assert_no_error (error);
}

static void
test_import_broken_trail_refused (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(TestDir) td2 = test_dir_new ();
  g_autofree char *uuid = signed_record (td->path);
  g_assert_nonnull (uuid);
  g_autoptr(InvolveStore) source = NULL;
  g_autoptr(InvolveStore) target = NULL;
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) trails = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_imported_trail_free);
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  InvolveImportedTrail *trail;
  InvolveAuditEntry *entry;
  gint64 broken = 0;

  source = open_store (td->path, &error);
  g_ptr_array_add (versions, involve_store_load_record (source, uuid, 1, &error));
  trail = trail_of (source, uuid);
  g_ptr_array_add (trails, trail);

  /* Entry 3 rewritten and re-hashed: its own hash holds, entry 4's link does not. */
  entry = trail->entries->pdata[2];
  g_free (entry->new_value);
  entry->new_value = g_strdup ("'Forged'");
  g_free (entry->hash);
  entry->hash = involve_audit_entry_compute_hash (entry);
  g_assert_false (involve_audit_entries_check_chain (trail->entries, uuid, &broken, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
  g_assert_cmpint (broken, ==, 4);
  g_clear_error (&error);

  target = open_store (td2->path, &error);
  g_assert_false (involve_store_import_record_full (target, versions, trails, "a.xml", &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "nothing was imported"));
  g_clear_error (&error);

  /* Nothing written: no record, no audit entry. */
  audit = involve_store_list_audit (target, NULL, &error);
  g_assert_cmpuint (audit->len, ==, 0);
  g_assert_null (involve_store_load_record (target, uuid, 0, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NOT_FOUND);
}

static gint64
imported_source_id (const char *path,
                    int         position)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GPtrArray) trails = NULL;
  InvolveImportedTrail *trail;

  store = open_store (path, NULL);
  trails = involve_store_list_imported_trails (store, NULL, NULL);
  g_assert_nonnull (trails);
  trail = trails->pdata[0];
  return ((InvolveAuditEntry *) trail->entries->pdata[position - 1])->id;
}

/* Verify fails, names the record and returns the imported entry it names. */
static gint64
verify_imported_broken (const char *path,
                        const char *uuid)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reference = NULL;
  const char *expected;
  gint64 broken = -1;
  gint64 entry = -1;

  store = open_store (path, &error);
  g_assert_no_error (error);
  record = involve_store_load_record (store, uuid, 0, &error);
  g_assert_no_error (error);
  expected = involve_record_get_reference (record);
  g_assert_false (involve_store_verify_full (store, &broken, &reference, &entry, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
  g_test_message ("verify: %s", error->message);
  g_assert_cmpstr (reference, ==, expected);
  g_assert_nonnull (strstr (error->message, expected));
  return entry;
}

/* What the server says to a change of a kept trail. */
#define NO_IMPORTED_WRITES "permission denied for table imported_"

/* A new entry appended to the kept trail, after its last one. */
#define APPEND_IMPORTED_ENTRY \
  "INSERT INTO imported_audit SELECT trail_id, position + 1, source_id + 1, time_usec, account, profile, kind," \
  " record_uuid, version, field_id, old_value, new_value, 'appended', hash, hash FROM imported_audit" \
  " WHERE position = (SELECT max (position) FROM imported_audit)"

/* On a team register a kept trail stays as it came: each of @writes is
 * refused for want of privilege, nothing is added to the trail and no
 * other trail is bound to its record's import; then everything reads as
 * before and verify passes. */
static void
server_tamper_imported (const char        *path,
                        const char *const *writes,
                        const char        *table)
{
  g_autofree char *before = server_digest (path);
  g_autofree char *trigger = g_strdup_printf ("%s_no_change", table);
  /* A trail of its own for an import entry that has none. */
  const char *bound = "INSERT INTO imported_trails (record_uuid, import_audit_id, source, imported_usec,"
                      " n_entries, digest) SELECT record_uuid, id, 'elsewhere', 1, 0, 'x' FROM audit"
                      " WHERE kind = 'import' AND id NOT IN (SELECT import_audit_id FROM imported_trails)"
                      " ORDER BY id LIMIT 1";

  for (guint i = 0; writes[i] != NULL; i++)
    assert_server_refuses_all (path, writes[i], "42501", NO_IMPORTED_WRITES);
  assert_server_refuses_ways_round (path, table, trigger, writes[0], "42501", NO_IMPORTED_WRITES);
  assert_server_refuses_all (path, APPEND_IMPORTED_ENTRY, "23000", "an imported audit trail is kept as it came");
  assert_server_refuses_all (path, bound, "23000", "bound to the import entry appended for it");
  assert_server_untouched (path, before);
}

static void
test_tamper_imported_entry (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(TestDir) td2 = test_dir_new ();
  g_autofree char *uuid = import_with_trail (td->path, td2->path);
  gint64 third = imported_source_id (td2->path, 3);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  verify_path (td2->path, TRUE);
  if (store_test_on_server ())
    {
      const char *writes[] = { "UPDATE imported_audit SET account = 'somebody-else' WHERE position = 3",
                               "UPDATE imported_audit SET details = 'x' WHERE position = 3",
                               "DELETE FROM imported_audit WHERE position = 3",
                               "UPDATE imported_trails SET source = 'x'",
                               "DELETE FROM imported_trails",
                               NULL };

      server_tamper_imported (td2->path, writes, "imported_audit");
      return;
    }

  /* The triggers refuse it ... */
  g_assert_cmpint (sqlite3_open (td2->path, &db), ==, SQLITE_OK);
  sqlite3_extended_result_codes (db, 1);
  g_assert_cmpint (raw_try (db, "UPDATE imported_audit SET details = 'x' WHERE position = 3"), ==,
                   SQLITE_CONSTRAINT_TRIGGER);
  g_assert_cmpint (raw_try (db, "DELETE FROM imported_audit WHERE position = 3"), ==, SQLITE_CONSTRAINT_TRIGGER);
  g_assert_cmpint (raw_try (db, "UPDATE imported_trails SET source = 'x'"), ==, SQLITE_CONSTRAINT_TRIGGER);
  g_assert_cmpint (raw_try (db, "DELETE FROM imported_trails"), ==, SQLITE_CONSTRAINT_TRIGGER);
  sqlite3_close (db);

  /* ... so somebody drops them first: verify names the entry. */
  raw_exec (td2->path, DROP_IMPORTED_TRIGGERS
            "UPDATE imported_audit SET account = 'somebody-else' WHERE position = 3;");
  g_assert_cmpint (verify_imported_broken (td2->path, uuid), ==, third);
}

static void
test_tamper_imported_entry_rehashed (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(TestDir) td2 = test_dir_new ();
  g_autofree char *uuid = import_with_trail (td->path, td2->path);
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GPtrArray) trails = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *hash = NULL;
  InvolveImportedTrail *trail;
  InvolveAuditEntry *last;

  /* The last entry rewritten with a hash to match: no link follows it,
   * but the local import entry's digest no longer matches. */
  store = open_store (td2->path, NULL);
  trails = involve_store_list_imported_trails (store, uuid, NULL);
  g_clear_object (&store);
  trail = trails->pdata[0];
  last = trail->entries->pdata[trail->entries->len - 1];
  g_free (last->details);
  last->details = g_strdup ("rewritten");
  hash = involve_audit_entry_compute_hash (last);
  if (store_test_on_server ())
    {
      g_autofree char *update = g_strdup_printf ("UPDATE imported_audit SET details = 'rewritten', hash = '%s'"
                                                 " WHERE position = %u", hash, trail->entries->len);
      const char *writes[] = { update, NULL };

      server_tamper_imported (td2->path, writes, "imported_audit");
      return;
    }
  sql = g_strdup_printf (DROP_IMPORTED_TRIGGERS
                         "UPDATE imported_audit SET details = 'rewritten', hash = '%s' WHERE position = %u;",
                         hash, trail->entries->len);
  raw_exec (td2->path, sql);
  verify_imported_broken (td2->path, uuid);
}

static void
test_tamper_imported_entry_deleted (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(TestDir) td2 = test_dir_new ();
  g_autofree char *uuid = import_with_trail (td->path, td2->path);
  gint64 sixth = imported_source_id (td2->path, 6);

  if (store_test_on_server ())
    {
      const char *writes[] = { "DELETE FROM imported_audit WHERE position = 5", "TRUNCATE imported_audit", NULL };

      server_tamper_imported (td2->path, writes, "imported_audit");
      return;
    }
  raw_exec (td2->path, DROP_IMPORTED_TRIGGERS "DELETE FROM imported_audit WHERE position = 5;");
  g_assert_cmpint (verify_imported_broken (td2->path, uuid), ==, sixth);
}

static void
test_tamper_imported_last_entry_deleted (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(TestDir) td2 = test_dir_new ();
  g_autofree char *uuid = import_with_trail (td->path, td2->path);

  if (store_test_on_server ())
    {
      const char *writes[] = {
        "DELETE FROM imported_audit WHERE position = (SELECT max (position) FROM imported_audit)",
        "UPDATE imported_trails SET n_entries = n_entries - 1",
        "BEGIN; DELETE FROM imported_audit WHERE position = (SELECT max (position) FROM imported_audit);"
        " UPDATE imported_trails SET n_entries = n_entries - 1; COMMIT",
        NULL
      };

      server_tamper_imported (td2->path, writes, "imported_audit");
      return;
    }
  /* The newest entry removed and the count fixed: the digest catches it. */
  raw_exec (td2->path, DROP_IMPORTED_TRIGGERS
            "DELETE FROM imported_audit WHERE position = (SELECT max (position) FROM imported_audit);"
            "UPDATE imported_trails SET n_entries = n_entries - 1;");
  verify_imported_broken (td2->path, uuid);
}

static void
test_tamper_imported_trail_deleted (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(TestDir) td2 = test_dir_new ();
  g_autofree char *uuid = import_with_trail (td->path, td2->path);

  if (store_test_on_server ())
    {
      const char *writes[] = { "DELETE FROM imported_trails", "DELETE FROM imported_audit",
                               "BEGIN; DELETE FROM imported_audit; DELETE FROM imported_trails; COMMIT",
                               "TRUNCATE imported_trails CASCADE", NULL };

      server_tamper_imported (td2->path, writes, "imported_trails");
      return;
    }
  gint64 binding = audit_id_of (td2->path, "kind = 'import' AND new_value IS NOT NULL");

  raw_exec (td2->path, DROP_IMPORTED_TRIGGERS "DELETE FROM imported_audit; DELETE FROM imported_trails;");
  verify_imported_broken (td2->path, uuid);
  g_assert_cmpint (verify_path (td2->path, FALSE), ==, binding);
}

/* A register of the previous format: migrated in place, nothing lost,
 * and then it keeps imported trails. */
static void
test_migrate_previous_keeps_data (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(TestDir) td2 = test_dir_new ();
  int previous = involve_store_get_latest_schema_version () - 1;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) trails = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *imported = NULL;
  g_autofree char *backup = NULL;
  gint64 broken = -1;

  STORE_TEST_FILE_ONLY ("migrates a register file of the previous format");

  store = involve_store_open_at_schema (td->path, previous, &error);
  g_assert_no_error (error);
  record = involve_store_create_record (store, "icb-14z45", &error);
  uuid = g_strdup (involve_record_get_uuid (record));
  /* Signed acts need the newest format, so the old file holds a draft. */
  fill_record (store, record, "Kept across the upgrade");
  before = involve_store_list_audit (store, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  store = open_store (td->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (involve_store_get_schema_version (store), ==, previous + 1);
  g_clear_object (&record);
  record = involve_store_load_record (store, uuid, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (involve_record_get_string (record, "title"), ==, "Kept across the upgrade");
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_DRAFT);
  after = involve_store_list_audit (store, NULL, &error);
  g_assert_cmpuint (after->len, ==, before->len);
  g_assert_cmpstr (((InvolveAuditEntry *) after->pdata[after->len - 1])->hash, ==,
                   ((InvolveAuditEntry *) before->pdata[before->len - 1])->hash);
  trails = involve_store_list_imported_trails (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (trails->len, ==, 0);
  g_assert_true (involve_store_verify (store, &broken, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  {
    g_autofree char *name = g_strdup_printf ("register.sqlite.before-format-%d", previous + 1);
    backup = g_build_filename (td->dir, "backups", name, NULL);
  }
  g_assert_true (g_file_test (backup, G_FILE_TEST_IS_REGULAR));

  /* The migrated register takes an import with its trail (of a record
   * numbered after the one it holds). */
  store = open_store (td2->path, &error);
  g_clear_object (&record);
  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  imported = import_with_trail (td2->path, td->path);
  verify_path (td->path, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/open/creates-register", test_open_creates_register);
  g_test_add_func ("/store/open/default-path", test_open_default_path);
  for (int from = 1; from < involve_store_get_latest_schema_version (); from++)
    {
      g_autofree char *name = g_strdup_printf ("/store/migrate/v%d-to-latest", from);
      g_test_add_data_func (name, GINT_TO_POINTER (from), test_migrate_to_latest);
    }
  g_test_add_func ("/store/migrate/failure-rolls-back", test_migrate_failure_rolls_back);
  g_test_add_func ("/store/open/not-a-database", test_open_not_a_database);
  g_test_add_func ("/store/open/foreign-database", test_open_foreign_database);
  g_test_add_func ("/store/open/newer-schema", test_open_newer_schema);
  g_test_add_func ("/store/open/truncated", test_open_truncated);
  g_test_add_func ("/store/open/directory", test_open_directory);
  g_test_add_func ("/store/open/read-only-file", test_open_read_only_file);
  g_test_add_func ("/store/open/read-only-folder", test_open_read_only_folder);
  g_test_add_func ("/store/open/locked", test_open_locked);
  g_test_add_func ("/store/save/disk-full", test_disk_full);
  g_test_add_func ("/store/save/connection-lost", test_connection_lost);
  g_test_add_func ("/store/save/autosave-and-reload", test_autosave_and_reload);
  g_test_add_func ("/store/save/references-per-year", test_references_per_year);
  g_test_add_func ("/store/save/create-with-values", test_create_with_values);
  g_test_add_func ("/store/lifecycle/sign-off-and-amend", test_lifecycle_sign_off_and_amend);
  g_test_add_func ("/store/lifecycle/return-and-resubmit", test_lifecycle_return_and_resubmit);
  g_test_add_func ("/store/lifecycle/withdraw", test_lifecycle_withdraw);
  g_test_add_func ("/store/lifecycle/submit-validates", test_lifecycle_submit_validates);
  g_test_add_func ("/store/lifecycle/submit-runs-validation", test_submit_runs_validation);
  g_test_add_func ("/store/sign-off/reviewer-is-completer", test_reviewer_is_completer);
  g_test_add_func ("/store/sign-off/by-file", test_sign_off_by_file);
  g_test_add_func ("/store/immutable/triggers-block-changes", test_triggers_block_changes);
  g_test_add_func ("/store/audit/verify-detects-edited-signed-value", test_tamper_signed_value);
  g_test_add_func ("/store/audit/verify-detects-edited-value-and-entry", test_tamper_signed_value_and_audit);
  g_test_add_func ("/store/audit/verify-detects-deleted-signed-value", test_tamper_deleted_value);
  g_test_add_data_func ("/store/audit/verify-detects-deleted-entry", &deleted_entry, test_tamper_audit);
  g_test_add_data_func ("/store/audit/verify-detects-deleted-first-entry", &deleted_first_entry, test_tamper_audit);
  g_test_add_data_func ("/store/audit/verify-detects-reordered-entries", &reordered_entries, test_tamper_audit);
  g_test_add_data_func ("/store/audit/verify-detects-altered-entry", &altered_entry, test_tamper_audit);
  g_test_add_func ("/store/audit/verify-detects-rehashed-entry", test_tamper_rehashed_entry);
  g_test_add_func ("/store/audit/log-event-and-batch", test_log_event_and_batch);
  g_test_add_func ("/store/audit/verify-detects-damaged-file", test_verify_damaged_file);
  g_test_add_func ("/store/threads/share-a-store", test_threads_share_a_store);
  g_test_add_func ("/store/search/full-text-and-filters", test_search_and_filters);
  g_test_add_func ("/store/list/organisations", test_organisations);
  g_test_add_func ("/store/search/outcome", test_outcome_kept_in_summary);
  g_test_add_func ("/store/search/index-catches-up", test_search_index_catches_up);
  g_test_add_func ("/store/backup/online", test_backup);
  g_test_add_func ("/store/backup/rolling", test_rolling_backup);
  g_test_add_func ("/store/backup/rolling-interrupted", test_rolling_backup_interrupted);
  g_test_add_func ("/store/backup/rolling-deferred", test_rolling_backup_deferred);
  g_test_add_func ("/store/backup/rolling-skips-while-another-program-backs-up", test_rolling_backup_locked);
  g_test_add_func ("/store/backup/rolling-from-several-programs-at-once", test_rolling_backup_concurrent);
  g_test_add_func ("/store/import/round-trip", test_import_round_trip);
  g_test_add_func ("/store/import/keeps-imported-trail", test_import_keeps_trail);
  g_test_add_func ("/store/import/broken-trail-refused", test_import_broken_trail_refused);
  g_test_add_func ("/store/audit/verify-detects-altered-imported-entry", test_tamper_imported_entry);
  g_test_add_func ("/store/audit/verify-detects-rehashed-imported-entry", test_tamper_imported_entry_rehashed);
  g_test_add_func ("/store/audit/verify-detects-deleted-imported-entry", test_tamper_imported_entry_deleted);
  g_test_add_func ("/store/audit/verify-detects-deleted-last-imported-entry", test_tamper_imported_last_entry_deleted);
  g_test_add_func ("/store/audit/verify-detects-deleted-imported-trail", test_tamper_imported_trail_deleted);
  g_test_add_func ("/store/migrate/previous-format-keeps-data", test_migrate_previous_keeps_data);

  return g_test_run ();
}
