/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "fault-vfs.h"
#include "store-test-util.h"

/*
 * A full disk, or a drive that goes away, in every write path: each write
 * runs with the fault VFS (fault-vfs.h) letting 0, 1, 2, 4, ... KiB through
 * and then failing, so that it fails at every stage of its transaction
 * (journal, WAL, register, sync).  Whatever happens: no assertion, either
 * the change is refused with an accurate message and nothing of it is in
 * the register, or it succeeded and all of it is there; afterwards the
 * register opens, and verifies.
 */

typedef struct
{
  const char   *journal_mode;
  FaultVfsKind  kind;
} Params;

typedef struct
{
  char         *path;
  char         *other;     /* a second register, for imports */
  char         *backup;    /* where the backup goes */
  char         *uuid;      /* a draft record, filled in */
  char         *import_uuid;
  guint         iteration;
} Fixture;

typedef gboolean (*WriteOp) (InvolveStore *store,
                             Fixture      *fixture,
                             GError      **error);

static InvolveStore *
open_mode (const char *path,
           const char *journal_mode,
           GError    **error)
{
  InvolveStore *store = g_initable_new (INVOLVE_TYPE_STORE, NULL, error,
                                        "path", path, "auto-backup", FALSE, "busy-timeout", 200,
                                        "journal-mode", journal_mode, "os-account", "officer",
                                        "profile-name", "Officer", NULL);

  /* Submitting is a signed act: the officer acts with their key. */
  if (store != NULL)
    involve_store_set_identity (store, test_identity ("officer"));
  return store;
}

static gboolean
op_set_value (InvolveStore *store,
              Fixture      *fixture,
              GError      **error)
{
  g_autoptr(InvolveRecord) record = involve_store_load_record (store, fixture->uuid, 0, error);
  g_autofree char *text = NULL;

  if (record == NULL)
    return FALSE;
  /* Large enough to need several pages; a new value each time. */
  text = g_strnfill (20000 + fixture->iteration, 'z');
  return involve_store_set_value (store, record, "b1-objectives", g_variant_new_string (text), error);
}

static gboolean
op_submit (InvolveStore *store,
           Fixture      *fixture,
           GError      **error)
{
  return involve_store_submit (store, fixture->uuid, NULL, error);
}

static gboolean
undo_submit (InvolveStore *store,
             Fixture      *fixture,
             GError      **error)
{
  return involve_store_recall (store, fixture->uuid, error);
}

static gboolean
op_create (InvolveStore *store,
           Fixture      *fixture,
           GError      **error)
{
  g_autoptr(InvolveRecord) record = involve_store_create_record (store, "icb-14z45", error);

  return record != NULL;
}

/* A new record in the other register, for each import. */
static gboolean
prepare_import (InvolveStore *store,
                Fixture      *fixture,
                GError      **error)
{
  g_autoptr(InvolveStore) other = open_mode (fixture->other, "delete", error);
  g_autoptr(InvolveRecord) foreign = NULL;

  if (other == NULL)
    return FALSE;
  foreign = involve_store_create_record (other, "icb-14z45", error);
  if (foreign == NULL)
    return FALSE;
  fill_record (other, foreign, "Elsewhere");
  g_free (fixture->import_uuid);
  fixture->import_uuid = g_strdup (involve_record_get_uuid (foreign));
  return TRUE;
}

static gboolean
op_import (InvolveStore *store,
           Fixture      *fixture,
           GError      **error)
{
  g_autoptr(InvolveStore) other = open_mode (fixture->other, "delete", error);
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func (g_object_unref);
  InvolveRecord *record;

  if (other == NULL)
    return FALSE;
  record = involve_store_load_record (other, fixture->import_uuid, 0, error);
  if (record == NULL)
    return FALSE;
  g_ptr_array_add (versions, record);
  return involve_store_import_record (store, versions, "other.xml", error);
}

static gboolean
op_log_export (InvolveStore *store,
               Fixture      *fixture,
               GError      **error)
{
  return involve_store_log_event (store, INVOLVE_AUDIT_EXPORT, fixture->uuid, 1,
                                  "evidence PDF written to a.pdf", error);
}

static gboolean
op_batch (InvolveStore *store,
          Fixture      *fixture,
          GError      **error)
{
  if (!involve_store_begin_batch (store, error))
    return FALSE;
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(InvolveRecord) record = involve_store_create_record (store, "icb-14z45", error);
      g_autofree char *text = g_strnfill (3000, 'a' + i);

      if (record == NULL ||
          !involve_store_set_value (store, record, "b1-objectives", g_variant_new_string (text), error))
        {
          involve_store_rollback_batch (store);
          return FALSE;
        }
    }
  if (!involve_store_commit_batch (store, error))
    {
      /* What the importer does after a failed commit: no assertion. */
      involve_store_rollback_batch (store);
      return FALSE;
    }
  return TRUE;
}

static gboolean
op_backup (InvolveStore *store,
           Fixture      *fixture,
           GError      **error)
{
  g_unlink (fixture->backup);
  return involve_store_backup (store, fixture->backup, error);
}

static void
fixture_set_up (gpointer       user_data,
                gconstpointer  data)
{
  Fixture *fixture = user_data;
  const Params *params = data;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveStore) other = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("involve-faults-XXXXXX", NULL);

  fixture->path = g_build_filename (dir, "register.sqlite", NULL);
  fixture->other = g_build_filename (dir, "other.sqlite", NULL);
  fixture->backup = g_build_filename (dir, "copy.sqlite", NULL);

  store = open_mode (fixture->path, params->journal_mode, &error);
  g_assert_no_error (error);
  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_no_error (error);
  fill_record (store, record, "Moving the clinic");
  fixture->uuid = g_strdup (involve_record_get_uuid (record));

  /* The other register's first reference is taken here already. */
  other = open_mode (fixture->other, "delete", &error);
  g_assert_no_error (error);
  g_clear_object (&record);
  record = involve_store_create_record (other, "icb-14z45", &error);
  g_assert_no_error (error);

}

static void
fixture_tear_down (gpointer       user_data,
                   gconstpointer  data)
{
  Fixture *fixture = user_data;
  g_autofree char *dir = g_path_get_dirname (fixture->path);

  fault_vfs_disarm ();
  test_util_remove_tree (dir);
  g_free (fixture->path);
  g_free (fixture->other);
  g_free (fixture->backup);
  g_free (fixture->uuid);
  g_free (fixture->import_uuid);
}

static gint64
audit_head (InvolveStore *store)
{
  g_autoptr(GError) error = NULL;
  gint64 head = 0;

  g_assert_true (involve_store_get_audit_head (store, &head, NULL, &error));
  g_assert_no_error (error);
  return head;
}

static void
check_refusal (const Params *params,
               const GError *error)
{
  g_assert_nonnull (error);
  g_test_message ("refused (SQLite %d): %s", involve_store_error_get_sqlite_code (error), error->message);
  if (params->kind == FAULT_VFS_IO)
    {
      g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_IO);
      g_assert_null (strstr (error->message, "full"));
    }
  else
    {
      g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_FULL);
      g_assert_nonnull (strstr (error->message, "disk"));
      g_assert_nonnull (strstr (error->message, "full"));
    }
}

typedef struct
{
  WriteOp   prepare;   /* before the fault is armed, or NULL */
  WriteOp   op;        /* under the fault */
  WriteOp   undo;      /* after it succeeded, so that it can run again, or NULL */
  gboolean  is_backup;
} WritePath;

static void
run_write_path (Fixture         *fixture,
                const Params    *params,
                const WritePath *path)
{
  guint refused = 0;

  for (gint64 budget = 0; budget <= 256 * 1024; budget = budget == 0 ? 1024 : budget * 2)
    {
      g_autoptr(InvolveStore) store = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *before_value = NULL;
      gint64 head_before;
      gint64 head_after = 0;
      gboolean ok;

      store = open_mode (fixture->path, params->journal_mode, &error);
      g_assert_no_error (error);
      fixture->iteration++;
      if (path->prepare != NULL)
        {
          g_assert_true (path->prepare (store, fixture, &error));
          g_assert_no_error (error);
        }
      head_before = audit_head (store);

      fault_vfs_arm (params->kind, budget);
      ok = path->op (store, fixture, &error);
      fault_vfs_disarm ();

      if (ok)
        {
          g_assert_no_error (error);
          head_after = audit_head (store);
          if (path->is_backup)
            g_assert_true (g_file_test (fixture->backup, G_FILE_TEST_EXISTS));
        }
      else
        {
          check_refusal (params, error);
          refused++;
          if (path->is_backup)
            {
              g_autofree char *partial = g_strconcat (fixture->backup, ".partial", NULL);

              g_assert_false (g_file_test (fixture->backup, G_FILE_TEST_EXISTS));
              g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
            }
          /* Nothing of it in this connection... */
          g_assert_cmpint (audit_head (store), ==, head_before);
        }
      g_clear_object (&store);
      g_clear_error (&error);

      /* ...nor in the file: it opens, holds exactly what was acknowledged,
       * and its chain is whole. */
      store = open_mode (fixture->path, params->journal_mode, &error);
      g_assert_no_error (error);
      g_assert_cmpint (audit_head (store), ==, ok ? head_after : head_before);
      g_assert_true (involve_store_verify (store, NULL, &error));
      g_assert_no_error (error);
      if (ok && path->undo != NULL)
        {
          g_assert_true (path->undo (store, fixture, &error));
          g_assert_no_error (error);
        }
    }
  /* The smallest budgets must have made it fail. */
  g_assert_cmpuint (refused, >, 0);
}

static const WritePath set_value_path = { NULL, op_set_value, NULL, FALSE };
static const WritePath submit_path = { NULL, op_submit, undo_submit, FALSE };
static const WritePath create_path = { NULL, op_create, NULL, FALSE };
static const WritePath import_path = { prepare_import, op_import, NULL, FALSE };
static const WritePath log_export_path = { NULL, op_log_export, NULL, FALSE };
static const WritePath batch_path = { NULL, op_batch, NULL, FALSE };
static const WritePath backup_path = { NULL, op_backup, NULL, TRUE };

#define WRITE_PATH_TEST(name) \
  static void \
  test_##name (gpointer fixture, gconstpointer data) \
  { \
    run_write_path (fixture, data, &name##_path); \
  }

WRITE_PATH_TEST (set_value)
WRITE_PATH_TEST (submit)
WRITE_PATH_TEST (create)
WRITE_PATH_TEST (import)
WRITE_PATH_TEST (log_export)
WRITE_PATH_TEST (batch)
WRITE_PATH_TEST (backup)

/* Creating a register on a full disk: refused, and no half-made file
 * is left to be taken for an empty register next time. */
static void
test_create_on_full_disk (void)
{
  g_autofree char *dir = g_dir_make_tmp ("involve-faults-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "register.sqlite", NULL);
  guint refused = 0;

  for (gint64 budget = 0; budget <= 512 * 1024; budget = budget == 0 ? 1024 : budget * 2)
    {
      g_autoptr(InvolveStore) store = NULL;
      g_autoptr(GError) error = NULL;

      fault_vfs_arm (FAULT_VFS_FULL, budget);
      store = open_mode (path, "wal", &error);
      fault_vfs_disarm ();
      if (store != NULL)
        {
          g_assert_no_error (error);
          break;
        }
      refused++;
      g_test_message ("refused: %s", error->message);
      g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_FULL);
      /* Either nothing is left, or a register an older format that opens
       * (and is brought up to date) without being asked to create it. */
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_autoptr(InvolveStore) again = NULL;
          g_autoptr(GError) again_error = NULL;

          again = g_initable_new (INVOLVE_TYPE_STORE, NULL, &again_error, "path", path, "create", FALSE,
                                  "auto-backup", FALSE, NULL);
          g_assert_no_error (again_error);
          g_clear_object (&again);
          test_util_remove_tree (dir);
          g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
        }
    }
  g_assert_cmpuint (refused, >, 0);
  test_util_remove_tree (dir);
}

static const Params params[] = {
  { "wal", FAULT_VFS_FULL },
  { "delete", FAULT_VFS_FULL },
  { "wal", FAULT_VFS_IO_ENOSPC },
  { "wal", FAULT_VFS_IO },
  { "delete", FAULT_VFS_IO },
};

static const char *
kind_name (FaultVfsKind kind)
{
  switch (kind)
    {
    case FAULT_VFS_FULL:
      return "full";
    case FAULT_VFS_IO_ENOSPC:
      return "io-enospc";
    case FAULT_VFS_IO:
    default:
      return "io";
    }
}

int
main (int   argc,
      char *argv[])
{
  static const struct
  {
    const char *name;
    GTestFixtureFunc func;
  } paths[] = {
    { "set-value", test_set_value },
    { "submit", test_submit },
    { "create", test_create },
    { "import", test_import },
    { "log-export", test_log_export },
    { "batch", test_batch },
    { "backup", test_backup },
  };

  g_test_init (&argc, &argv, NULL);
  fault_vfs_install ();

  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    for (guint j = 0; j < G_N_ELEMENTS (paths); j++)
      {
        g_autofree char *name = g_strdup_printf ("/store/faults/%s/%s/%s", params[i].journal_mode,
                                                 kind_name (params[i].kind), paths[j].name);

        g_test_add_vtable (name, sizeof (Fixture), &params[i],
                           fixture_set_up, paths[j].func, fixture_tear_down);
      }

  g_test_add_func ("/store/faults/create-on-full-disk", test_create_on_full_disk);

  return g_test_run ();
}
