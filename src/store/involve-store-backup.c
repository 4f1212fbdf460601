/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include "involve-store-rooms.h"

/*
 * Backups: a checked copy on request, and the rolling daily backups kept
 * beside the register.
 */

#define BACKUPS_KEPT 5
/* A rolling backup's lock file older than this was left by a process that died. */
#define BACKUP_LOCK_STALE_SEC (60 * 60)

/*
 * A backup is only worth keeping when it is sound: the copy passes SQLite's
 * quick check (@problem gets its finding when not) and involve_store_verify
 * (the audit chain, values, fingerprints).  Otherwise it would push a good
 * backup out of the rotation.
 */
static gboolean
check_backup_copy (sqlite3     *copy,
                   const char  *partial,
                   const char  *dest_path,
                   char       **problem,
                   GError     **error)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!_involve_store_quick_check (copy, problem, error))
    return FALSE;
  if (*problem != NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("Did not back up the register to “%s”: the register is damaged (%s). The backups already there were kept."),
                         dest_path, *problem);
      set_error_code (error, INVOLVE_STORE_ERROR_CORRUPT, SQLITE_CORRUPT, message);
      return FALSE;
    }

  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &local_error,
                          "path", partial, "create", FALSE, "auto-backup", FALSE,
                          "journal-mode", "delete", NULL);
  /* verify () below runs the quick check itself. */
  if (store != NULL)
    _involve_store_stop_background_check (store, TRUE);
  if (store != NULL && store->damage != NULL)
    *problem = g_strdup (sqlite3_errstr (SQLITE_CORRUPT));
  if (store == NULL || store->damage != NULL ||
      !involve_store_verify (store, NULL, &local_error))
    {
      g_autofree char *message =
        g_strdup_printf (_("Did not back up the register to “%s”: it failed its check (%s). The backups already there were kept."),
                         dest_path, local_error != NULL ? local_error->message : *problem);
      set_error_code (error,
                      local_error != NULL ? local_error->code : INVOLVE_STORE_ERROR_CORRUPT,
                      local_error != NULL ? involve_store_error_get_sqlite_code (local_error) : SQLITE_CORRUPT,
                      message);
      return FALSE;
    }
  return TRUE;
}

/*
 * Copies @source into a new file at @dest_path (via "<dest>.partial",
 * renamed into place when complete and, with @check, checked by
 * check_backup_copy (); @problem as there).  @cancel, when not NULL, is
 * polled between steps; a cancelled or failed copy leaves nothing behind.
 */
gboolean
_involve_store_copy_database (sqlite3     *source,
                              const char  *dest_path,
                              gint        *cancel,
                              gboolean     check,
                              char       **problem,
                              GError     **error)
{
  g_autofree char *partial = g_strconcat (dest_path, ".partial", NULL);
  sqlite3 *dest = NULL;
  sqlite3_backup *backup;
  int rc;

  if (problem != NULL)
    *problem = NULL;
  g_unlink (partial);
  rc = sqlite3_open_v2 (partial, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (dest, 1);
      backup = sqlite3_backup_init (dest, "main", source, "main");
      if (backup == NULL)
        rc = sqlite3_errcode (dest);
      else
        {
          do
            {
              rc = sqlite3_backup_step (backup, cancel != NULL ? 4096 : -1);
              if (cancel != NULL && g_atomic_int_get (cancel))
                {
                  rc = SQLITE_INTERRUPT;
                  break;
                }
              if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
                sqlite3_sleep (50);
            }
          while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
          sqlite3_backup_finish (backup);
          if (rc == SQLITE_DONE)
            rc = sqlite3_extended_errcode (dest);
        }
    }
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (dest, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      int saved_errno = errno;
      int code = _involve_store_error_code_for_sqlite (rc);
      g_autofree char *message = NULL;

      if (code == INVOLVE_STORE_ERROR_IO && _involve_store_disk_is_full (dest, saved_errno, dest_path))
        code = INVOLVE_STORE_ERROR_FULL;
      if (code == INVOLVE_STORE_ERROR_FULL)
        message = g_strdup_printf (_("Could not back up the register to “%s”: the disk is full. Free some space and try again; nothing was written and the register was not changed."),
                                   dest_path);
      else
        message = g_strdup_printf (_("Could not back up the register to “%s”: %s."), dest_path,
                                   rc == SQLITE_INTERRUPT ? _("interrupted") :
                                   dest != NULL ? sqlite3_errmsg (dest) : sqlite3_errstr (rc));
      set_error_code (error, code, rc, message);
      sqlite3_close (dest);
      g_unlink (partial);
      return FALSE;
    }

  if (check)
    {
      g_autofree char *found = NULL;
      gboolean ok = check_backup_copy (dest, partial, dest_path, &found, error);

      if (problem != NULL)
        *problem = g_steal_pointer (&found);
      if (!ok)
        {
          sqlite3_close (dest);
          g_unlink (partial);
          return FALSE;
        }
    }
  sqlite3_close (dest);

  if (g_rename (partial, dest_path) != 0)
    {
      int saved = errno;
      g_autofree char *message =
        g_strdup_printf (_("Could not back up the register to “%s”: %s."), dest_path, g_strerror (saved));
      set_error_code (error, saved == ENOSPC ? INVOLVE_STORE_ERROR_FULL : INVOLVE_STORE_ERROR_IO, 0, message);
      g_unlink (partial);
      return FALSE;
    }
  return TRUE;
}

/* Marks the register damaged after the check before a backup found it so. */
void
_involve_store_mark_damaged (InvolveStore *self,
                             const char   *problem)
{
  g_autofree char *message = _involve_store_damage_message (self->path, problem, TRUE);

  g_rec_mutex_lock (&self->lock);
  if (self->damage == NULL)
    self->damage = g_steal_pointer (&message);
  g_rec_mutex_unlock (&self->lock);
}

gboolean
involve_store_backup (InvolveStore *self,
                      const char   *dest_path,
                      GError      **error)
{
  STORE_LOCK (self);
  g_autofree char *problem = NULL;
  gboolean ok;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (dest_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_involve_store_check_file_only (self, _("Backing up"), error))
    return FALSE;
  if (self->damage != NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("Did not back up the register to “%s”: %s"), dest_path, self->damage);

      set_error_code (error, INVOLVE_STORE_ERROR_CORRUPT, SQLITE_CORRUPT, message);
      return FALSE;
    }
  ok = _involve_store_copy_database (involve_db_get_sqlite (self->db), dest_path, NULL, TRUE, &problem, error);
  if (!ok && problem != NULL)
    _involve_store_mark_damaged (self, problem);
  return ok && _involve_store_stamp_backup (self, dest_path, error);
}

char *
involve_store_dup_backup_dir (InvolveStore *self)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);

  /* A connection string has no folder. */
  if (self->is_server)
    return NULL;
  dir = g_path_get_dirname (self->path);
  return g_build_filename (dir, "backups", NULL);
}

static char *
backup_stem (InvolveStore *self)
{
  g_autofree char *base = g_path_get_basename (self->path);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_steal_pointer (&base);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

struct _RollingBackup
{
  char *path;      /* the register */
  char *dir;       /* its backups folder */
  char *stem;      /* "register" */
  gint  cancel;
  InvolveStore *store;  /* unowned: it joins the thread before it goes */
};

static void
rolling_backup_free (RollingBackup *job)
{
  g_free (job->path);
  g_free (job->dir);
  g_free (job->stem);
  g_free (job);
}

static RollingBackup *
rolling_backup_new (InvolveStore *self)
{
  RollingBackup *job = g_new0 (RollingBackup, 1);

  job->path = g_strdup (self->path);
  job->dir = involve_store_dup_backup_dir (self);
  job->stem = backup_stem (self);
  job->store = self;
  return job;
}

static char *
rolling_backup_dest (RollingBackup *job)
{
  g_autofree char *today = _involve_store_today_utc ();
  g_autofree char *name = g_strdup_printf ("%s-%s.sqlite", job->stem, today);

  return g_build_filename (job->dir, name, NULL);
}

static gboolean
backup_lock_is_stale (const char *lock)
{
  GStatBuf st;

  return g_stat (lock, &st) == 0 &&
         g_get_real_time () / G_USEC_PER_SEC - (gint64) st.st_mtime > BACKUP_LOCK_STALE_SEC;
}

/*
 * Only one process backs a register up at a time: whoever creates
 * "<dest>.lock" (O_EXCL, so exactly one) does it, the others skip quietly.
 * Returns TRUE holding the lock, or FALSE with @held set when somebody else
 * holds it, or with @error.  A lock older than BACKUP_LOCK_STALE_SEC was
 * left by a process that died mid-backup and is taken over.
 */
static gboolean
take_backup_lock (const char  *lock,
                  gboolean    *held,
                  GError     **error)
{
  *held = FALSE;
  for (guint attempt = 0; attempt < 2; attempt++)
    {
      int fd = g_open (lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

      if (fd >= 0)
        {
          g_autofree char *owner = g_strdup_printf ("%s %d\n", g_get_host_name (), (int) getpid ());

          /* Who holds it, for a person looking; nothing reads it. */
          if (write (fd, owner, strlen (owner)) < 0)
            g_debug ("Could not write %s: %s", lock, g_strerror (errno));
          close (fd);
          return TRUE;
        }
      if (errno != EEXIST)
        {
          int saved = errno;
          g_autofree char *message =
            g_strdup_printf (_("Could not start the backup of the register: “%s”: %s."), lock, g_strerror (saved));
          set_error_code (error, INVOLVE_STORE_ERROR_IO, 0, message);
          return FALSE;
        }
      if (attempt == 0 && backup_lock_is_stale (lock))
        {
          g_unlink (lock);
          continue;
        }
      break;
    }
  *held = TRUE;
  return FALSE;
}

/* Copies the register with its own read-only connection (so it can run in
 * a thread while the register is in use), then keeps the newest few. */
static gboolean
rolling_backup_copy (RollingBackup *job,
                     const char    *dest,
                     GError       **error)
{
  g_autoptr(GPtrArray) existing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) listing = NULL;
  g_autofree char *problem = NULL;
  sqlite3 *source = NULL;
  const char *entry;
  gboolean ok;
  int rc;

  rc = sqlite3_open_v2 (job->path, &source, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (source, DEFAULT_BUSY_TIMEOUT_MS);
      /* One read transaction: a consistent snapshot while others write. */
      rc = sqlite3_exec (source, "BEGIN; SELECT count(*) FROM sqlite_master;", NULL, NULL, NULL);
    }
  if (rc != SQLITE_OK)
    {
      g_autofree char *message =
        g_strdup_printf (_("Could not back up the register to “%s”: %s."), dest,
                         source != NULL ? sqlite3_errmsg (source) : sqlite3_errstr (rc));
      set_error_code (error, _involve_store_error_code_for_sqlite (rc), rc, message);
      sqlite3_close (source);
      return FALSE;
    }
  ok = _involve_store_copy_database (source, dest, &job->cancel, TRUE, &problem, error);
  sqlite3_exec (source, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (source);
  if (!ok)
    {
      /* Damaged: no backup, none rotated out, and no more writes. */
      if (problem != NULL)
        _involve_store_mark_damaged (job->store, problem);
      return FALSE;
    }
  /* Unsigned: no key is used from the background thread. */
  if (!_involve_store_stamp_backup_file (dest, NULL, error))
    return FALSE;

  /* Keep the newest few: names sort by date. */
  listing = g_dir_open (job->dir, 0, NULL);
  while (listing != NULL && (entry = g_dir_read_name (listing)) != NULL)
    {
      const char *rest;

      if (!g_str_has_prefix (entry, job->stem))
        continue;
      if (g_str_has_suffix (entry, ".sqlite.lock"))
        {
          g_autofree char *lock = g_build_filename (job->dir, entry, NULL);

          /* A lock a crashed process left on another day. */
          if (backup_lock_is_stale (lock))
            g_unlink (lock);
          continue;
        }
      if (!g_str_has_suffix (entry, ".sqlite"))
        continue;
      rest = entry + strlen (job->stem);
      /* "-YYYY-MM-DD.sqlite" */
      if (strlen (rest) != strlen ("-YYYY-MM-DD.sqlite") || rest[0] != '-' ||
          !g_ascii_isdigit (rest[1]) || rest[5] != '-' || rest[8] != '-')
        continue;
      g_ptr_array_add (existing, g_strdup (entry));
    }
  /* Only now that a checked backup is in place; never the newest. */
  g_ptr_array_sort (existing, compare_strings);
  for (guint i = 0; existing->len > BACKUPS_KEPT && i < existing->len - BACKUPS_KEPT; i++)
    {
      g_autofree char *old = g_build_filename (job->dir, existing->pdata[i], NULL);

      if (g_strcmp0 (old, dest) != 0)
        g_unlink (old);
    }
  return TRUE;
}

static gboolean
rolling_backup_run (RollingBackup *job,
                    GError       **error)
{
  g_autofree char *dest = rolling_backup_dest (job);
  g_autofree char *lock = g_strconcat (dest, ".lock", NULL);
  gboolean held = FALSE;
  gboolean ok;

  if (g_file_test (dest, G_FILE_TEST_EXISTS))
    return TRUE;

  if (g_mkdir_with_parents (job->dir, 0700) != 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("Could not create the backup folder “%s”: %s."), job->dir, g_strerror (errno));
      set_error_code (error, INVOLVE_STORE_ERROR_IO, 0, message);
      return FALSE;
    }

  if (!take_backup_lock (lock, &held, error))
    {
      if (!held)
        return FALSE;
      g_debug ("Another program is backing up %s; not backing it up too", job->path);
      return TRUE;
    }
  /* It may have finished between the first look and taking the lock. */
  ok = g_file_test (dest, G_FILE_TEST_EXISTS) || rolling_backup_copy (job, dest, error);
  g_unlink (lock);
  return ok;
}

gboolean
involve_store_rolling_backup (InvolveStore *self,
                              GError      **error)
{
  RollingBackup *job;
  gboolean ok;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_involve_store_check_file_only (self, _("Backing up"), error))
    return FALSE;
  job = rolling_backup_new (self);
  ok = rolling_backup_run (job, error);
  rolling_backup_free (job);
  return ok;
}

static gpointer
rolling_backup_thread (gpointer data)
{
  RollingBackup *job = data;
  g_autoptr(GError) error = NULL;

  /* A failed backup must not keep anybody from their register. */
  if (!rolling_backup_run (job, &error) && !g_atomic_int_get (&job->cancel))
    g_message ("Automatic backup of %s failed: %s", job->path, error->message);
  return NULL;
}

/* On open: today's backup, if missing, in a thread so opening stays fast. */
void
_involve_store_start_rolling_backup (InvolveStore *self)
{
  RollingBackup *job = rolling_backup_new (self);
  g_autofree char *dest = rolling_backup_dest (job);

  if (g_file_test (dest, G_FILE_TEST_EXISTS))
    {
      rolling_backup_free (job);
      return;
    }
  self->backup_job = job;
  self->backup_thread = g_thread_new ("involve-backup", rolling_backup_thread, job);
}

void
_involve_store_stop_rolling_backup (InvolveStore *self,
                                    gboolean      cancel)
{
  if (self->backup_thread == NULL)
    return;
  if (cancel)
    g_atomic_int_set (&self->backup_job->cancel, 1);
  g_thread_join (g_steal_pointer (&self->backup_thread));
  g_clear_pointer (&self->backup_job, rolling_backup_free);
}

void
involve_store_start_deferred_backup (InvolveStore *self)
{
  g_return_if_fail (INVOLVE_IS_STORE (self));

  if (!self->defer_backup || !self->auto_backup || self->target_schema != 0 ||
      self->db == NULL || !g_str_equal (self->journal_mode, "wal"))
    return;
  self->defer_backup = FALSE;
  _involve_store_start_rolling_backup (self);
}

void
involve_store_wait_for_backup (InvolveStore *self)
{
  g_return_if_fail (INVOLVE_IS_STORE (self));
  _involve_store_stop_rolling_backup (self, FALSE);
}
