/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "store-test-util.h"

/*
 * A damaged register: opened read-only, never written to or backed up,
 * its message naming the newest good backup, which restore puts back.
 * A missing or empty file is refused when the register may not be created.
 */

static char *
today_backup (TestDir *td)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *day = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = g_strdup_printf ("register-%s.sqlite", day);

  return g_build_filename (td->dir, "backups", name, NULL);
}

/* A register with some records in it, closed. */
static void
fill_register (const char *path,
               guint       n)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = open_store (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(InvolveRecord) record = involve_store_create_record (store, "icb-14z45", &error);
      g_autofree char *text = g_strnfill (3000, 'a' + i % 26);

      g_assert_no_error (error);
      set_string (store, record, "b1-objectives", text);
    }
}

/* Overwrites pages 3 and 4 (page 1, the schema, stays readable). */
static void
overwrite_two_pages (const char *path)
{
  guint8 garbage[2 * 4096];
  int fd;

  memset (garbage, 0xA5, sizeof garbage);
  fd = open (path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, garbage, sizeof garbage, 2 * 4096), ==, (gssize) sizeof garbage);
  close (fd);
}

static void
copy_to (const char *from,
         const char *to)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (to, contents, length, NULL));
}

static void
test_missing_not_created (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", td->path,
                          "create", FALSE, "auto-backup", FALSE, NULL);
  g_assert_null (store);
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, td->path));
  g_assert_false (g_file_test (td->path, G_FILE_TEST_EXISTS));
}

static void
test_empty_refused (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_true (g_file_set_contents (td->path, "", 0, NULL));
  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", td->path,
                          "create", FALSE, "auto-backup", FALSE, NULL);
  g_assert_null (store);
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NOT_A_REGISTER);
  g_assert_nonnull (strstr (error->message, "empty"));
  g_assert_cmpint (g_stat (td->path, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 0);
  {
    g_autofree char *backups = g_build_filename (td->dir, "backups", NULL);

    g_assert_false (g_file_test (backups, G_FILE_TEST_EXISTS));
  }
}

static void
test_overwritten_pages_read_only (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autofree char *backup = today_backup (td);
  g_autofree char *before = NULL;
  g_autofree char *damage = NULL;
  g_autofree char *found = NULL;
  g_auto(GStrv) listing = NULL;

  fill_register (td->path, 20);
  /* Yesterday's good backup, say (renamed so today's could be made). */
  store = open_store (td->path, &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_rolling_backup (store, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  {
    g_autofree char *older = g_build_filename (td->dir, "backups", "register-2020-01-01.sqlite", NULL);

    g_assert_cmpint (g_rename (backup, older), ==, 0);
    g_free (backup);
    backup = g_steal_pointer (&older);
  }

  overwrite_two_pages (td->path);
  before = file_checksum (td->path);

  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", td->path,
                          "create", FALSE, "auto-backup", TRUE, NULL);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_true (involve_store_is_damaged (store));
  damage = involve_store_dup_damage (store);
  g_test_message ("%s", damage);
  g_assert_nonnull (strstr (damage, "damaged"));
  g_assert_nonnull (strstr (damage, "read-only"));
  g_assert_nonnull (strstr (damage, backup));
  g_assert_nonnull (strstr (damage, "involve-cli"));
  g_assert_nonnull (strstr (damage, "restore"));

  /* Every write is refused, with the same message. */
  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_null (record);
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_false (involve_store_log_event (store, INVOLVE_AUDIT_EXPORT, NULL, 0, "x", &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_false (involve_store_begin_batch (store, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CORRUPT);
  g_clear_error (&error);

  /* No backup of it, by hand or the daily one. */
  {
    g_autofree char *dest = g_build_filename (td->dir, "copy.sqlite", NULL);

    g_assert_false (involve_store_backup (store, dest, &error));
    g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CORRUPT);
    g_clear_error (&error);
    g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  }
  involve_store_wait_for_backup (store);
  g_clear_object (&store);
  {
    g_autofree char *today = today_backup (td);

    g_assert_false (g_file_test (today, G_FILE_TEST_EXISTS));
  }
  {
    g_autofree char *after = file_checksum (td->path);

    g_assert_cmpstr (after, ==, before);
  }

  found = involve_store_find_good_backup (td->path);
  g_assert_cmpstr (found, ==, backup);
}

/* The rolling backup's own connection finds the damage, for a store that
 * was opened before it happened: no backup, none rotated out, read-only. */
static void
test_backup_refused_keeps_rotation (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backups = g_build_filename (td->dir, "backups", NULL);
  g_autofree char *today = today_backup (td);
  g_autoptr(InvolveRecord) record = NULL;

  fill_register (td->path, 20);
  g_assert_cmpint (g_mkdir_with_parents (backups, 0700), ==, 0);
  for (guint i = 1; i <= 5; i++)
    {
      g_autofree char *old = g_strdup_printf ("%s/register-2020-01-%02u.sqlite", backups, i);

      copy_to (td->path, old);
    }

  store = open_store (td->path, &error);
  g_assert_no_error (error);
  g_assert_false (involve_store_is_damaged (store));
  overwrite_two_pages (td->path);

  g_assert_false (involve_store_rolling_backup (store, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (g_file_test (today, G_FILE_TEST_EXISTS));
  for (guint i = 1; i <= 5; i++)
    {
      g_autofree char *old = g_strdup_printf ("%s/register-2020-01-%02u.sqlite", backups, i);

      g_assert_true (g_file_test (old, G_FILE_TEST_EXISTS));
    }
  g_assert_true (involve_store_is_damaged (store));
  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_null (record);
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CORRUPT);
}

/* An altered audit log is not backed up either. */
static void
test_backup_refuses_tampered (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dest = g_build_filename (td->dir, "copy.sqlite", NULL);

  fill_register (td->path, 3);
  raw_exec (td->path,
            "DROP TRIGGER IF EXISTS audit_no_update;"
            "UPDATE audit SET details = 'changed' WHERE id = 2;");
  store = open_store (td->path, &error);
  g_assert_no_error (error);
  g_assert_false (involve_store_backup (store, dest, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  g_assert_false (involve_store_rolling_backup (store, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
}

/* A large register is checked in a thread: read-only once it finds damage. */
static void
test_checked_in_background (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveRecord) record = NULL;

  fill_register (td->path, 20);
  overwrite_two_pages (td->path);

  involve_store_set_check_on_open_max (0);
  store = open_store (td->path, &error);
  involve_store_set_check_on_open_max (64 * 1024 * 1024);
  g_assert_no_error (error);
  involve_store_wait_for_check (store);
  g_assert_true (involve_store_is_damaged (store));
  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_null (record);
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CORRUPT);
}

static void
test_truncated_names_backup (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = today_backup (td);
  g_autofree char *contents = NULL;
  gsize length = 0;

  fill_register (td->path, 20);
  store = open_store (td->path, &error);
  g_assert_true (involve_store_rolling_backup (store, &error));
  g_clear_object (&store);

  g_assert_true (g_file_get_contents (td->path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (td->path, contents, length / 2, NULL));
  store = open_store (td->path, &error);
  g_assert_null (store);
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, backup));
  g_assert_nonnull (strstr (error->message, "restore"));
}

static void
test_restore (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autofree char *backup = today_backup (td);
  g_autofree char *kept = NULL;
  g_autofree char *damaged_sum = NULL;
  InvolveAuditEntry *last;

  fill_register (td->path, 20);
  store = open_store (td->path, &error);
  g_assert_true (involve_store_rolling_backup (store, &error));
  g_clear_object (&store);
  overwrite_two_pages (td->path);
  damaged_sum = file_checksum (td->path);

  /* A damaged backup is refused, and nothing moves. */
  {
    g_autofree char *bad = g_build_filename (td->dir, "bad.sqlite", NULL);

    copy_to (td->path, bad);
    g_assert_false (involve_store_restore_backup (td->path, bad, &kept, &error));
    g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CORRUPT);
    g_clear_error (&error);
    g_assert_null (kept);
    {
      g_autofree char *sum = file_checksum (td->path);

      g_assert_cmpstr (sum, ==, damaged_sum);
    }
  }

  g_assert_true (involve_store_restore_backup (td->path, backup, &kept, &error));
  g_assert_no_error (error);
  g_assert_nonnull (kept);
  {
    g_autofree char *sum = file_checksum (kept);

    g_assert_cmpstr (sum, ==, damaged_sum);
  }

  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", td->path,
                          "create", FALSE, "auto-backup", FALSE, NULL);
  g_assert_no_error (error);
  g_assert_false (involve_store_is_damaged (store));
  g_assert_true (involve_store_verify (store, NULL, &error));
  g_assert_no_error (error);
  audit = involve_store_list_audit (store, NULL, &error);
  g_assert_no_error (error);
  last = audit->pdata[audit->len - 1];
  g_assert_cmpstr (last->kind, ==, INVOLVE_AUDIT_BACKUP);
  g_assert_nonnull (strstr (last->details, "restored from"));
}

/* The fast hashing of verify gives the hashes other registers wrote: a
 * known entry (fuzz/corpus/xml-import/exchange-imported-trail.xml). */
static void
test_audit_hash_golden (void)
{
  InvolveAuditEntry entry = { 0 };
  g_autofree char *hash = NULL;

  entry.id = 1;
  entry.time_usec = G_GINT64_CONSTANT (1763900000000000);
  entry.account = (char *) "sreviewer";
  entry.kind = (char *) "value";
  entry.record_uuid = (char *) "7c9e6679-7425-40de-944b-e07fc1f90ae7";
  entry.version = 1;
  entry.field_id = (char *) "title";
  entry.new_value = (char *) "'Moving the hearing clinic'";
  entry.details = (char *) "imported from XML exchange file “a.xml”";
  entry.prev_hash = (char *) "0000000000000000000000000000000000000000000000000000000000000000";
  hash = involve_audit_entry_compute_hash (&entry);
  g_assert_cmpstr (hash, ==, "bf036b06f38dc9518f3710c8a4b9d8f160844c7c3ac4584e90a25687c90fb9dc");

  /* A negative time (never written, but encodable) keeps its sign. */
  entry.time_usec = -5;
  g_free (hash);
  hash = involve_audit_entry_compute_hash (&entry);
  g_assert_cmpstr (hash, !=, "bf036b06f38dc9518f3710c8a4b9d8f160844c7c3ac4584e90a25687c90fb9dc");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/damage/missing-not-created", test_missing_not_created);
  g_test_add_func ("/store/damage/empty-refused", test_empty_refused);
  g_test_add_func ("/store/damage/overwritten-pages-read-only", test_overwritten_pages_read_only);
  g_test_add_func ("/store/damage/backup-refused-keeps-rotation", test_backup_refused_keeps_rotation);
  g_test_add_func ("/store/damage/backup-refuses-tampered", test_backup_refuses_tampered);
  g_test_add_func ("/store/damage/checked-in-background", test_checked_in_background);
  g_test_add_func ("/store/damage/truncated-names-backup", test_truncated_names_backup);
  g_test_add_func ("/store/damage/restore", test_restore);
  g_test_add_func ("/store/audit-hash/golden", test_audit_hash_golden);

  return g_test_run ();
}
