/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#ifdef __linux__
#include <sys/vfs.h>
#endif

#include "involve-store-rooms.h"

/*
 * Opening: the file checks before SQLite touches it, the connection, the
 * journal mode, damage checks (on open or in a thread) and migration.
 */

/* Larger registers are checked for damage in a thread, not while opening. */
static gint64 check_on_open_max_bytes = G_GINT64_CONSTANT (64) * 1024 * 1024;

char *
involve_store_dup_default_path (void)
{
  /* The user's data folder, or DIR/data in portable mode (involve-paths.h). */
  return involve_paths_get_default_register ();
}

/* The size of a file, or -1 when there is none. */
static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : -1;
}

/*
 * Looks at the file before SQLite does, so that foreign files are refused
 * without SQLite writing anything (a journal roll-back, a WAL header).
 * Only what never changes while others write is read here (the type of
 * the file, its first 16 bytes): whether it is damaged is for SQLite to
 * judge, under its own locks, once it is open (another process may be
 * checkpointing right now, and the size and header read here without a
 * lock can disagree for a moment).  A missing file is fine when the
 * register may be created ("create"); a zero-length one too, then, but
 * never when the person named an existing file.
 */
static gboolean
check_file_before_open (InvolveStore *self,
                        gboolean     *exists,
                        GError      **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  GStatBuf st;
  guint8 header[16];
  FILE *file;
  size_t n;

  *exists = FALSE;

  if (g_stat (self->path, &st) != 0)
    {
      int saved = errno;

      if (saved != ENOENT)
        {
          g_autofree char *message =
            g_strdup_printf (_("Could not open the register “%s”: %s."), self->path, g_strerror (saved));
          set_error_code (error, saved == EACCES ? INVOLVE_STORE_ERROR_READ_ONLY : INVOLVE_STORE_ERROR_IO,
                          0, message);
          return FALSE;
        }
      if (!self->create)
        {
          g_autofree char *message =
            g_strdup_printf (_("There is no register at “%s”. Check the name and the folder. To start a new, empty register there, ask for one: involve-cli --database “%s” create."),
                             self->path, self->path);
          set_error_code (error, INVOLVE_STORE_ERROR_NOT_FOUND, 0, message);
          return FALSE;
        }
      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          g_autofree char *message =
            g_strdup_printf (_("Could not create the folder “%s” for the register: %s."), dir, g_strerror (errno));
          set_error_code (error, INVOLVE_STORE_ERROR_READ_ONLY, 0, message);
          return FALSE;
        }
    }
  else
    {
      *exists = TRUE;
      if (!S_ISREG (st.st_mode))
        {
          g_autofree char *message =
            g_strdup_printf (_("“%s” is not a file, so it cannot be an Involve register."), self->path);
          set_error_code (error, INVOLVE_STORE_ERROR_NOT_A_REGISTER, 0, message);
          return FALSE;
        }
      if (st.st_size == 0 && !self->create)
        {
          g_autofree char *message =
            g_strdup_printf (_("“%s” is empty (0 bytes), so it is not an Involve register: perhaps a copy or a download did not finish. It was left untouched. Open the register you meant, or restore it from a backup."),
                             self->path);
          set_error_code (error, INVOLVE_STORE_ERROR_NOT_A_REGISTER, 0, message);
          return FALSE;
        }
    }

  /* SQLite needs to create its journal files beside the register. */
  if (g_access (dir, W_OK) != 0 || (*exists && g_access (self->path, W_OK) != 0))
    {
      g_autofree char *message =
        g_strdup_printf (_("The register “%s” cannot be opened for writing: the file or its folder is read-only. Ask for write access, or copy the register to a folder you can write to."),
                         self->path);
      set_error_code (error, INVOLVE_STORE_ERROR_READ_ONLY, 0, message);
      return FALSE;
    }

  if (!*exists || st.st_size == 0)
    return TRUE;

  file = g_fopen (self->path, "rb");
  if (file == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("Could not open the register “%s”: %s."), self->path, g_strerror (errno));
      set_error_code (error, INVOLVE_STORE_ERROR_IO, 0, message);
      return FALSE;
    }
  n = fread (header, 1, sizeof header, file);
  fclose (file);

  if (n < sizeof header || memcmp (header, "SQLite format 3", 16) != 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("“%s” is not an Involve register (it is not an SQLite database). It was left untouched."),
                         self->path);
      set_error_code (error, INVOLVE_STORE_ERROR_NOT_A_REGISTER, SQLITE_NOTADB, message);
      return FALSE;
    }
  return TRUE;
}

/* Opens self->db on the file at self->path.  On failure self->db is kept
 * when SQLite gave a handle, for its message. */
static int
open_connection (InvolveStore *self,
                 int           flags)
{
  sqlite3 *sqlite = NULL;
  int rc;

  rc = sqlite3_open_v2 (self->path, &sqlite, flags | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE, NULL);
  if (sqlite == NULL)
    return rc != SQLITE_OK ? rc : SQLITE_NOMEM;
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (sqlite, 1);
      sqlite3_busy_timeout (sqlite, (int) self->busy_timeout);
    }
  self->db = involve_db_new_sqlite (sqlite);
  return rc;
}

static gboolean
query_int (InvolveStore *self,
           const char   *sql,
           int          *value,
           const char   *doing,
           GError      **error)
{
  InvolveDbStmt *stmt = NULL;
  int rc;

  rc = involve_db_prepare (self->db, sql, FALSE, &stmt);
  if (rc == SQLITE_OK)
    {
      rc = involve_db_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = involve_db_column_int (stmt, 0);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        {
          *value = 0;
          rc = SQLITE_OK;
        }
    }
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc, doing);
      involve_db_finalize (stmt);
      return FALSE;
    }
  involve_db_finalize (stmt);
  return TRUE;
}

/*
 * Whether the register's folder is on a network file system.  On Linux the
 * file system's type from statfs () says so directly, the types GIO counts
 * as remote and FUSE (sshfs, rclone; a mapped file is not safe there
 * either); elsewhere GIO is asked.  (GIO loads its modules for that, which
 * costs time on every open and leaves an object LeakSanitizer reports.)
 */
static gboolean
path_is_remote (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
#ifdef __linux__
  static const guint32 remote_types[] = {
    0x6969,       /* NFS */
    0x517B,       /* SMB */
    0xFF534D42,   /* CIFS */
    0xFE534D42,   /* SMB2/3 */
    0x73757245,   /* Coda */
    0x564C,       /* NCP */
    0x5346414F,   /* AFS */
    0x00C36400,   /* Ceph */
    0x01021997,   /* 9P */
    0x01161970,   /* GFS2 */
    0x7461636F,   /* OCFS2 */
    0x0BD00BD0,   /* Lustre */
    0x65735546,   /* FUSE */
  };
  struct statfs st;

  if (statfs (dir, &st) != 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (remote_types); i++)
    if ((guint32) st.f_type == remote_types[i])
      return TRUE;
  return FALSE;
#else
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GFileInfo) info = NULL;

  info = g_file_query_filesystem_info (file, G_FILE_ATTRIBUTE_FILESYSTEM_REMOTE, NULL, NULL);
  return info != NULL && g_file_info_get_attribute_boolean (info, G_FILE_ATTRIBUTE_FILESYSTEM_REMOTE);
#endif
}

/*
 * WAL on local disks: fast, and readers never wait for the writer.  Network
 * drives (SMB, NFS) cannot share WAL's memory map between machines, so
 * there, or when WAL cannot be switched on, the classic rollback journal.
 */
static gboolean
set_journal_mode (InvolveStore *self,
                  GError      **error)
{
  const char *wanted = self->requested_journal_mode;
  const char *doing = _("Could not open the register");
  sqlite3_stmt *stmt = NULL;
  const char *sql;
  int rc;

  if (wanted == NULL)
    wanted = path_is_remote (self->path) ? "delete" : "wal";
  sql = g_ascii_strcasecmp (wanted, "wal") == 0 ? "PRAGMA journal_mode = WAL" : "PRAGMA journal_mode = DELETE";

  rc = sqlite3_prepare_v2 (involve_db_get_sqlite (self->db), sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_free (self->journal_mode);
      self->journal_mode = g_ascii_strdown ((const char *) sqlite3_column_text (stmt, 0), -1);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc, doing);
      return FALSE;
    }

  if (!g_str_equal (self->journal_mode, "wal") && !g_str_equal (self->journal_mode, "delete"))
    {
      /* WAL refused (no shared memory here, say): fall back. */
      if (!exec_sql (self, "PRAGMA journal_mode = DELETE", doing, error))
        return FALSE;
      g_free (self->journal_mode);
      self->journal_mode = g_strdup ("delete");
    }
  return TRUE;
}

/*
 * PRAGMA _involve_store_quick_check (1) on @db, in its own read transaction: @problem is
 * NULL when the file is sound, else SQLite's first finding.  FALSE (with a
 * store error) only when the check itself could not run.
 */
gboolean
_involve_store_quick_check (sqlite3  *db,
                            char    **problem,
                            GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *problem = NULL;
  rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check (1)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *result = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (result, "ok") != 0)
        {
          *problem = g_strdup (result != NULL ? result : "?");
          g_strdelimit (*problem, "\n", ' ');
        }
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    {
      g_autofree char *message =
        g_strdup_printf (_("Could not check the register: %s."), sqlite3_errstr (rc));
      set_error_code (error, _involve_store_error_code_for_sqlite (rc), rc, message);
      return FALSE;
    }
  return TRUE;
}

char *
_involve_store_damage_message (const char *path,
                               const char *problem,
                               gboolean    opened)
{
  g_autofree char *backup = involve_store_find_good_backup (path);
  g_autofree char *parent = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *first = NULL;

  if (opened)
    first = g_strdup_printf (_("The register “%s” is damaged (%s). It was opened read-only so that nothing more is lost: you can read and export what is still readable, but not change it."),
                             path, problem);
  else
    first = g_strdup_printf (_("The register “%s” is damaged (%s) and cannot be read. It was left untouched."),
                             path, problem);
  if (backup != NULL)
    return g_strdup_printf (_("%s The newest good backup is “%s”. To go back to it, close Involve and run: involve-cli --database “%s” restore “%s” (the damaged file is kept beside it)."),
                            first, backup, path, backup);
  parent = g_path_get_dirname (path);
  dir = g_build_filename (parent, "backups", NULL);
  return g_strdup_printf (_("%s No good backup was found in “%s”. Keep the file as it is and ask your IT service to recover it."),
                          first, dir);
}

/*
 * A damaged register is opened read-only, so that what can still be read
 * can be, while nothing is written to it (or backed up from it, pushing a
 * good backup out).  When SQLite cannot read it at all, opening fails; both
 * messages name the newest good backup and how to restore it.
 */
static gboolean
open_damaged (InvolveStore *self,
              const char   *problem,
              GError      **error)
{
  g_autofree char *detail = g_strdup (problem);
  int application_id = 0;
  int n_objects = 0;
  int rc;

  g_debug ("Register %s is damaged: %s", self->path, detail);
  g_hash_table_remove_all (self->statements);
  g_clear_pointer (&self->db, involve_db_close);

  rc = open_connection (self, SQLITE_OPEN_READONLY);
  if (rc != SQLITE_OK ||
      !query_int (self, "PRAGMA application_id", &application_id, "", NULL) ||
      !query_int (self, "PRAGMA user_version", &self->schema_version, "", NULL) ||
      !query_int (self, "SELECT count(*) FROM sqlite_master", &n_objects, "", NULL) ||
      application_id != INVOLVE_APPLICATION_ID ||
      self->schema_version < 1 || self->schema_version > involve_store_get_latest_schema_version ())
    {
      g_autofree char *message = _involve_store_damage_message (self->path, detail, FALSE);

      set_error_code (error, INVOLVE_STORE_ERROR_CORRUPT, SQLITE_CORRUPT, message);
      g_hash_table_remove_all (self->statements);
      g_clear_pointer (&self->db, involve_db_close);
      return FALSE;
    }
  g_free (self->journal_mode);
  self->journal_mode = g_strdup ("delete");
  self->damage = _involve_store_damage_message (self->path, detail, TRUE);
  return TRUE;
}

/* Writes are refused once the register is known to be damaged. */
gboolean
_involve_store_check_not_damaged (InvolveStore *self,
                                  GError      **error)
{
  if (self->damage == NULL)
    return TRUE;
  set_error_code (error, INVOLVE_STORE_ERROR_CORRUPT, SQLITE_CORRUPT, self->damage);
  return FALSE;
}

gboolean
involve_store_is_damaged (InvolveStore *self)
{
  STORE_LOCK (self);
  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  return self->damage != NULL;
}

char *
involve_store_dup_damage (InvolveStore *self)
{
  STORE_LOCK (self);
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  return g_strdup (self->damage);
}

/* The register and its WAL: what a quick check has to read. */
static gint64
register_size (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  GStatBuf st;
  gint64 size = 0;

  if (g_stat (path, &st) == 0)
    size += st.st_size;
  if (g_stat (wal, &st) == 0)
    size += st.st_size;
  return size;
}

typedef struct
{
  InvolveStore *store;    /* unowned: it joins the thread before it goes */
  char         *path;
  gint          cancel;
} BackgroundCheck;

static int
check_progress_cb (void *data)
{
  BackgroundCheck *check = data;

  return g_atomic_int_get (&check->cancel);
}

static gpointer
background_check_thread (gpointer data)
{
  BackgroundCheck *check = data;
  g_autofree char *problem = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  gint64 start = g_get_monotonic_time ();

  if (sqlite3_open_v2 (check->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL) == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, DEFAULT_BUSY_TIMEOUT_MS);
      sqlite3_progress_handler (db, 10000, check_progress_cb, check);
      if (!_involve_store_quick_check (db, &problem, &error))
        {
          if (g_error_matches (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CORRUPT))
            problem = g_strdup (sqlite3_errstr (SQLITE_CORRUPT));
          else if (!g_atomic_int_get (&check->cancel))
            g_debug ("Could not check %s: %s", check->path, error->message);
        }
    }
  sqlite3_close (db);
  if (problem != NULL && !g_atomic_int_get (&check->cancel))
    {
      g_message ("The register %s is damaged: %s", check->path, problem);
      _involve_store_mark_damaged (check->store, problem);
    }
  g_debug ("Background check of %s took %.1f s", check->path,
           (g_get_monotonic_time () - start) / 1e6);
  return NULL;
}

static void
start_background_check (InvolveStore *self)
{
  BackgroundCheck *check = g_new0 (BackgroundCheck, 1);

  check->store = self;
  check->path = g_strdup (self->path);
  self->check_job = check;
  self->check_thread = g_thread_new ("involve-check", background_check_thread, check);
}

void
_involve_store_stop_background_check (InvolveStore *self,
                                      gboolean      cancel)
{
  BackgroundCheck *check = self->check_job;

  if (self->check_thread == NULL)
    return;
  if (cancel)
    g_atomic_int_set (&check->cancel, 1);
  g_thread_join (g_steal_pointer (&self->check_thread));
  g_free (check->path);
  g_clear_pointer (&self->check_job, g_free);
}

void
involve_store_set_check_on_open_max (gint64 bytes)
{
  check_on_open_max_bytes = bytes;
}

void
involve_store_wait_for_check (InvolveStore *self)
{
  g_return_if_fail (INVOLVE_IS_STORE (self));
  _involve_store_stop_background_check (self, FALSE);
}

static gboolean
involve_store_initable_init (GInitable     *initable,
                             GCancellable  *cancellable,
                             GError       **error)
{
  InvolveStore *self = INVOLVE_STORE (initable);
  const char *doing = _("Could not open the register");
  gboolean exists = FALSE;
  g_autoptr(GError) local_error = NULL;
  gboolean check_in_background = FALSE;
  int application_id = 0;
  int n_objects = 0;
  int target;
  int rc;

  if (self->path == NULL)
    self->path = involve_store_dup_default_path ();

  if (!check_file_before_open (self, &exists, error))
    return FALSE;

  rc = open_connection (self, SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE));
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc, doing);
      goto fail;
    }

  if (sqlite3_db_readonly (involve_db_get_sqlite (self->db), "main") == 1)
    {
      set_sqlite_error (self, error, SQLITE_READONLY, doing);
      goto fail;
    }

  /* Only reads until we know the file is ours and not from the future.
   * SQLite reads under its shared lock, so a file shorter than its header
   * says is damaged (CORRUPT), never merely being checkpointed. */
  if (!query_int (self, "PRAGMA application_id", &application_id, doing, &local_error) ||
      !query_int (self, "PRAGMA user_version", &self->schema_version, doing, &local_error) ||
      !query_int (self, "SELECT count(*) FROM sqlite_master", &n_objects, doing, &local_error))
    {
      if (g_error_matches (local_error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CORRUPT))
        return open_damaged (self, sqlite3_errstr (SQLITE_CORRUPT), error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto fail;
    }

  if (application_id != INVOLVE_APPLICATION_ID &&
      !(application_id == 0 && self->schema_version == 0 && n_objects == 0))
    {
      g_autofree char *message =
        g_strdup_printf (_("“%s” is an SQLite database of another program, not an Involve register. It was left untouched."),
                         self->path);
      set_error_code (error, INVOLVE_STORE_ERROR_NOT_A_REGISTER, 0, message);
      goto fail;
    }

  if (self->schema_version > involve_store_get_latest_schema_version ())
    {
      g_autofree char *message =
        g_strdup_printf (_("The register “%s” was written by a newer version of Involve (register format %d; this version knows up to %d). It was left untouched; open it with the newer Involve."),
                         self->path, self->schema_version, involve_store_get_latest_schema_version ());
      set_error_code (error, INVOLVE_STORE_ERROR_NEWER_SCHEMA, 0, message);
      goto fail;
    }

  /* Overwritten pages open fine: SQLite's own quick check finds them, in
   * one read transaction, before anything is written to the file.  It
   * reads the whole file, so a large register is checked in a thread
   * instead (start_background_check ()), which makes it read-only when it
   * finds damage; the check before each backup covers it too. */
  if (n_objects > 0 && register_size (self->path) > check_on_open_max_bytes)
    check_in_background = TRUE;
  else if (n_objects > 0)
    {
      g_autofree char *problem = NULL;

      if (!_involve_store_quick_check (involve_db_get_sqlite (self->db), &problem, &local_error))
        {
          if (g_error_matches (local_error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CORRUPT))
            return open_damaged (self, sqlite3_errstr (SQLITE_CORRUPT), error);
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto fail;
        }
      if (problem != NULL)
        return open_damaged (self, problem, error);
    }

  if (!set_journal_mode (self, error))
    goto fail;

  if (!exec_sql (self,
                 "PRAGMA synchronous = FULL;"
                 "PRAGMA foreign_keys = ON;"
                 "PRAGMA cache_size = -32768;"
                 "PRAGMA trusted_schema = OFF;",
                 doing, error))
    goto fail;

  target = self->target_schema > 0 ? MIN (self->target_schema, involve_store_get_latest_schema_version ()) : involve_store_get_latest_schema_version ();
  if (self->schema_version < target)
    {
      /* Keep a copy of the old file before changing its format. */
      if (self->schema_version > 0)
        {
          g_autofree char *dir = involve_store_dup_backup_dir (self);
          g_autofree char *stem = g_path_get_basename (self->path);
          g_autofree char *name = g_strdup_printf ("%s.before-format-%d", stem, target);
          g_autofree char *dest = g_build_filename (dir, name, NULL);

          if (g_mkdir_with_parents (dir, 0700) != 0 ||
              !_involve_store_copy_database (involve_db_get_sqlite (self->db), dest, NULL, FALSE, NULL, error))
            goto fail;
        }
      if (!_involve_store_migrate (self, target, error))
        goto fail;
    }

  if (check_in_background)
    start_background_check (self);

  if (self->auto_backup && self->target_schema == 0 && self->damage == NULL)
    {
      /* With a rollback journal (network drives) a long reader would block
       * every save, so there the backup is done now, before any editing. */
      if (g_str_equal (self->journal_mode, "wal"))
        {
          if (!self->defer_backup)
            _involve_store_start_rolling_backup (self);
        }
      else
        {
          g_autoptr(GError) backup_error = NULL;

          if (!involve_store_rolling_backup (self, &backup_error))
            g_message ("Automatic backup of %s failed: %s", self->path, backup_error->message);
        }
    }

  return TRUE;

fail:
  g_hash_table_remove_all (self->statements);
  g_clear_pointer (&self->db, involve_db_close);
  /* A register this open was creating (the disk filled up, say) is not
   * left behind as an empty file, which the next open would refuse.  Only
   * while the file is still empty: another program may have created the
   * same register at the same moment, and SQLite writes a register's first
   * page to the file itself (a WAL beside an empty file, SQLite discards). */
  if (!exists && file_size (self->path) == 0)
    {
      static const char * const suffixes[] = { "-wal", "-shm", "-journal", "" };

      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *name = g_strconcat (self->path, suffixes[i], NULL);

          g_unlink (name);
        }
    }
  return FALSE;
}

void
_involve_store_initable_iface_init (GInitableIface *iface)
{
  iface->init = involve_store_initable_init;
}

InvolveStore *
involve_store_open (const char *path,
                    GError    **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (INVOLVE_TYPE_STORE, NULL, error, "path", path, NULL);
}

InvolveStore *
involve_store_open_at_schema (const char *path,
                              int         schema_version,
                              GError    **error)
{
  return g_initable_new (INVOLVE_TYPE_STORE, NULL, error,
                         "path", path,
                         "auto-backup", FALSE,
                         "target-schema-version", schema_version,
                         NULL);
}
