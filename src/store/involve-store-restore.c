/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "involve-db.h"
#include "involve-store.h"
#include "involve-store-anchors.h"
#include "involve-store-internal.h"

/*
 * Finding a good backup of a damaged register, and putting it back.  Only
 * the store's public API is used: a backup is checked by opening a copy of
 * it as a register and verifying it.
 */

#define INVOLVE_APPLICATION_ID 0x496E766C

static char *
register_stem (const char *register_path)
{
  g_autofree char *base = g_path_get_basename (register_path);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_steal_pointer (&base);
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  return -strcmp (*(char * const *) a, *(char * const *) b);
}

/* An Involve register that SQLite's quick check finds sound; read-only. */
static gboolean
backup_is_sound (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean sound = FALSE;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK)
    goto out;
  if (sqlite3_prepare_v2 (db, "PRAGMA application_id", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_int (stmt, 0) != INVOLVE_APPLICATION_ID)
    goto out;
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (sqlite3_prepare_v2 (db, "PRAGMA quick_check (1)", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    goto out;
  sound = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
out:
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return sound;
}

char *
involve_store_find_good_backup (const char *register_path)
{
  g_autofree char *parent = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *stem = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) listing = NULL;
  const char *entry;

  g_return_val_if_fail (register_path != NULL, NULL);

  /* A team register has no backups folder beside it. */
  if (involve_db_location_is_server (register_path))
    return NULL;

  parent = g_path_get_dirname (register_path);
  dir = g_build_filename (parent, "backups", NULL);
  stem = register_stem (register_path);
  listing = g_dir_open (dir, 0, NULL);
  while (listing != NULL && (entry = g_dir_read_name (listing)) != NULL)
    {
      const char *rest = entry + strlen (stem);

      /* The rolling backups, "STEM-YYYY-MM-DD.sqlite": names sort by date. */
      if (g_str_has_prefix (entry, stem) && g_str_has_suffix (entry, ".sqlite") &&
          strlen (rest) == strlen ("-YYYY-MM-DD.sqlite") && rest[0] == '-')
        g_ptr_array_add (names, g_strdup (entry));
    }
  g_ptr_array_sort (names, compare_newest_first);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);

      if (backup_is_sound (path))
        return g_steal_pointer (&path);
      g_debug ("Backup %s is not sound; looking at an older one", path);
    }
  return NULL;
}

static gboolean
copy_failed (const char *from,
             int         saved_errno,
             GError    **error)
{
  g_set_error (error, INVOLVE_STORE_ERROR,
               saved_errno == ENOSPC || saved_errno == EDQUOT ? INVOLVE_STORE_ERROR_FULL :
               saved_errno == ENOENT ? INVOLVE_STORE_ERROR_NOT_FOUND :
               INVOLVE_STORE_ERROR_IO,
               _("Could not restore the backup “%s”: %s."), from, g_strerror (saved_errno));
  return FALSE;
}

/* A plain copy a MiB at a time, synced before it counts as made. */
static gboolean
copy_file (const char *from,
           const char *to,
           GError    **error)
{
  g_autofree char *buffer = g_malloc (1024 * 1024);
  gboolean ok = TRUE;
  int in, out;

  in = g_open (from, O_RDONLY | O_CLOEXEC, 0);
  if (in < 0)
    return copy_failed (from, errno, error);
  out = g_open (to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0)
    {
      int saved = errno;

      close (in);
      return copy_failed (from, saved, error);
    }
  for (;;)
    {
      gssize got = read (in, buffer, 1024 * 1024);
      gssize done = 0;

      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        {
          if (got < 0)
            ok = copy_failed (from, errno, error);
          break;
        }
      while (ok && done < got)
        {
          gssize wrote = write (out, buffer + done, got - done);

          if (wrote < 0 && errno == EINTR)
            continue;
          if (wrote <= 0)
            ok = copy_failed (from, wrote < 0 ? errno : ENOSPC, error);
          else
            done += wrote;
        }
      if (!ok)
        break;
    }
  if (ok && fsync (out) != 0)
    ok = copy_failed (from, errno, error);
  close (in);
  if (close (out) != 0 && ok)
    ok = copy_failed (from, errno, error);
  return ok;
}

/* Opens @path (a copy) as a register and verifies it. */
static gboolean
check_restored_copy (const char *path,
                     const char *backup_path,
                     GError    **error)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *damage = NULL;

  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &local_error,
                          "path", path, "create", FALSE, "auto-backup", FALSE,
                          "journal-mode", "delete", NULL);
  if (store != NULL && (damage = involve_store_dup_damage (store)) != NULL)
    g_set_error_literal (&local_error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CORRUPT,
                         _("it is damaged too"));
  if (store == NULL || local_error != NULL || !involve_store_verify (store, NULL, &local_error))
    {
      g_set_error (error, INVOLVE_STORE_ERROR, local_error->code,
                   _("Did not restore the backup “%s”: it failed its check (%s). The register was left as it was; try an older backup."),
                   backup_path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
involve_store_restore_backup (const char *register_path,
                              const char *backup_path,
                              char      **kept_path,
                              GError    **error)
{
  static const char * const journals[] = { "", "-wal", "-shm", "-journal" };
  g_autofree char *restoring = NULL;
  g_autofree char *kept = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autofree char *details = NULL;
  g_autofree char *backup_base = NULL;

  g_return_val_if_fail (register_path != NULL, FALSE);
  g_return_val_if_fail (backup_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (kept_path != NULL)
    *kept_path = NULL;
  if (involve_db_location_is_server (register_path))
    {
      g_set_error_literal (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID,
                           _("Restoring a backup is for a register file. A team register lives on its server, "
                             "which your IT department backs up and restores (pg_dump, pg_restore)."));
      return FALSE;
    }
  if (!g_file_test (backup_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NOT_FOUND,
                   _("There is no backup “%s”."), backup_path);
      return FALSE;
    }

  /* Check a copy beside the register (same disk, so the rename is atomic). */
  restoring = g_strconcat (register_path, ".restoring", NULL);
  g_unlink (restoring);
  if (!copy_file (backup_path, restoring, error))
    {
      g_unlink (restoring);
      return FALSE;
    }
  if (!check_restored_copy (restoring, backup_path, error))
    {
      g_unlink (restoring);
      return FALSE;
    }

  /* Keep the damaged file, with its journals, for the record. */
  if (g_file_test (register_path, G_FILE_TEST_EXISTS))
    {
      now = g_date_time_new_now_utc ();
      stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
      kept = g_strdup_printf ("%s.damaged-%s", register_path, stamp);
      for (guint i = 0; i < G_N_ELEMENTS (journals); i++)
        {
          g_autofree char *from = g_strconcat (register_path, journals[i], NULL);
          g_autofree char *to = g_strconcat (kept, journals[i], NULL);

          if (g_rename (from, to) != 0 && (i == 0 || errno != ENOENT))
            {
              int saved = errno;

              g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_IO,
                           _("Could not restore the backup: could not move “%s” aside: %s. The register was left as it was."),
                           from, g_strerror (saved));
              g_unlink (restoring);
              return FALSE;
            }
        }
    }
  if (g_rename (restoring, register_path) != 0)
    {
      int saved = errno;

      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_IO,
                   _("Could not restore the backup: could not put “%s” in place: %s. The old register is kept as “%s”."),
                   register_path, g_strerror (saved), kept != NULL ? kept : "");
      return FALSE;
    }

  /* The restored register's own log says what happened. */
  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, error,
                          "path", register_path, "create", FALSE, "auto-backup", FALSE, NULL);
  if (store == NULL)
    return FALSE;
  backup_base = g_path_get_basename (backup_path);
  if (kept != NULL)
    {
      g_autofree char *kept_base = g_path_get_basename (kept);

      details = g_strdup_printf ("restored from %s; the previous file was kept as %s", backup_base, kept_base);
    }
  else
    details = g_strdup_printf ("restored from %s", backup_base);
  if (!involve_store_log_event (store, INVOLVE_AUDIT_BACKUP, NULL, 0, details, error))
    return FALSE;
  /* Branch anchors: a deliberate restore may go back; the head recorded
   * outside the register follows it, or verify would call it a rollback. */
  {
    g_autoptr(GError) head_error = NULL;

    if (_involve_store_has_anchors (store) && !involve_store_reset_own_head (store, &head_error))
      g_warning ("Could not record the restored register’s head: %s", head_error->message);
  }

  if (kept_path != NULL)
    *kept_path = g_steal_pointer (&kept);
  return TRUE;
}
