/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include <sys/statvfs.h>

#include "involve-store-rooms.h"

/*
 * The connection and its statements: the statement cache, errors that keep
 * the engine's result code, transactions (one an operation, or a savepoint
 * inside a batch) that roll back on every error path.
 */

/* Errors that keep SQLite's result code */

typedef struct
{
  int sqlite_code;
} InvolveStoreErrorPrivate;

static void
involve_store_error_private_init (InvolveStoreErrorPrivate *priv)
{
  priv->sqlite_code = 0;
}

static void
involve_store_error_private_copy (const InvolveStoreErrorPrivate *src,
                                  InvolveStoreErrorPrivate       *dest)
{
  dest->sqlite_code = src->sqlite_code;
}

static void
involve_store_error_private_clear (InvolveStoreErrorPrivate *priv)
{
}

G_DEFINE_EXTENDED_ERROR (InvolveStoreError, involve_store_error)

int
involve_store_error_get_sqlite_code (const GError *error)
{
  if (error == NULL || error->domain != INVOLVE_STORE_ERROR)
    return 0;
  return involve_store_error_get_private (error)->sqlite_code;
}

/* Locks and statements */

/* Held for the whole of each public call that uses the connection;
 * declared first so that it is released after every other cleanup. */
GRecMutex *
_involve_store_lock (InvolveStore *self)
{
  if (!INVOLVE_IS_STORE (self))
    return NULL;
  g_rec_mutex_lock (&self->lock);
  return &self->lock;
}

void
_involve_store_unlock (GRecMutex **lock)
{
  if (*lock != NULL)
    g_rec_mutex_unlock (*lock);
}

void
_involve_store_stmt_reset (InvolveDbStmt **stmt)
{
  if (*stmt != NULL)
    {
      involve_db_reset (*stmt);
      involve_db_clear_bindings (*stmt);
    }
}

void
_involve_store_stmt_finalize (gpointer stmt)
{
  involve_db_finalize (stmt);
}

/* Errors */

void
_involve_store_set_error_code (GError    **error,
                               int         code,
                               int         sqlite_code,
                               const char *message)
{
  GError *local;

  if (error == NULL)
    return;
  local = g_error_new_literal (INVOLVE_STORE_ERROR, code, message);
  involve_store_error_get_private (local)->sqlite_code = sqlite_code;
  g_propagate_error (error, local);
}

int
_involve_store_error_code_for_sqlite (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return INVOLVE_STORE_ERROR_BUSY;
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return INVOLVE_STORE_ERROR_READ_ONLY;
    case SQLITE_FULL:
      return INVOLVE_STORE_ERROR_FULL;
    case SQLITE_NOTADB:
      return INVOLVE_STORE_ERROR_NOT_A_REGISTER;
    case SQLITE_CORRUPT:
      return INVOLVE_STORE_ERROR_CORRUPT;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return INVOLVE_STORE_ERROR_IO;
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_TRIGGER)
        return INVOLVE_STORE_ERROR_LOCKED;
      return INVOLVE_STORE_ERROR_FAILED;
    default:
      return INVOLVE_STORE_ERROR_FAILED;
    }
}

/*
 * Whether an I/O error came from a full disk: the system error SQLite
 * kept says so (it keeps one only for errors inside a statement), or
 * errno does just after the failure, or the disk has next to no room left.
 */
gboolean
_involve_store_disk_is_full (sqlite3    *db,
                             int         saved_errno,
                             const char *path)
{
  int system_errno = db != NULL ? sqlite3_system_errno (db) : 0;
  g_autofree char *dir = NULL;
  struct statvfs st;

  if (system_errno == ENOSPC || system_errno == EDQUOT ||
      saved_errno == ENOSPC || saved_errno == EDQUOT)
    return TRUE;
  if (path == NULL)
    return FALSE;
  dir = g_path_get_dirname (path);
  return statvfs (dir, &st) == 0 && (guint64) st.f_bavail * st.f_frsize < 256 * 1024;
}

/* "What we were doing: why it failed.  What to do." */
void
_involve_store_sqlite_error (InvolveStore *self,
                             GError      **error,
                             int           rc,
                             const char   *doing)
{
  /* A team register's location may carry a password: never show it. */
  g_autofree char *shown = involve_db_redact_location (self->path != NULL ? self->path : "");
  const char *path = shown;
  const char *detail = self->db != NULL ? involve_db_errmsg (self->db) : sqlite3_errstr (rc);
  int saved_errno = errno;
  g_autofree char *message = NULL;
  int code = _involve_store_error_code_for_sqlite (rc);

  /* A full disk shows as an I/O error where SQLite extends a file other
   * than by writing to it (the WAL index, a truncate, a sync): say what
   * it is. */
  if (code == INVOLVE_STORE_ERROR_IO && !self->is_server &&
      _involve_store_disk_is_full (involve_db_get_sqlite (self->db), saved_errno, self->path))
    code = INVOLVE_STORE_ERROR_FULL;

  /* A team register's server refuses by its own rules (42501: not this
   * person's to do; P0001: a raised refusal): say so in its words, which
   * are written for people (docs/postgresql.md). */
  if (self->is_server && self->db != NULL)
    {
      const char *state = involve_db_get_sqlstate (self->db);

      if (g_strcmp0 (state, "42501") == 0 || g_strcmp0 (state, "P0001") == 0)
        {
          message = g_strdup_printf (_("%s: the team register refused it: %s."), doing, detail);
          _involve_store_set_error_code (error,
                                         g_strcmp0 (state, "42501") == 0 ? INVOLVE_STORE_ERROR_UNTRUSTED
                                                                         : INVOLVE_STORE_ERROR_LOCKED,
                                         rc, message);
          return;
        }
    }

  /* The server went away: say what that did to the change. */
  if (self->is_server && self->db != NULL && involve_db_get_loss (self->db) != INVOLVE_DB_LOSS_NONE)
    {
      _involve_store_connection_lost_error (self, error, rc, doing);
      return;
    }

  switch (code)
    {
    case INVOLVE_STORE_ERROR_BUSY:
      /* The server waits by its own lock timeout, not busy_timeout. */
      if (self->is_server)
        {
          message = g_strdup_printf (_("%s: the team register “%s” stayed busy with other people’s changes for too long (%s). Nothing of this change was saved; try again in a moment."),
                                     doing, path, detail);
          break;
        }
      message = g_strdup_printf (_("%s: the register “%s” is in use by another program and stayed locked for %u seconds. Close the other program (or wait for it to finish) and try again."),
                                 doing, path, (self->busy_timeout + 999) / 1000);
      break;
    case INVOLVE_STORE_ERROR_READ_ONLY:
      message = g_strdup_printf (_("%s: the register “%s” or its folder cannot be written (%s). Check that you may write to it, or open a copy."),
                                 doing, path, detail);
      break;
    case INVOLVE_STORE_ERROR_FULL:
      if (self->is_server)
        {
          message = g_strdup_printf (_("%s: the server of the team register “%s” has run out of disk space. Nothing of this change was saved and the register was left as it was. Tell your IT department, then try again."),
                                     doing, path);
          break;
        }
      message = g_strdup_printf (_("%s: the disk holding the register “%s” is full. Nothing of this change was saved and the register was left as it was. Free some space and try again."),
                                 doing, path);
      break;
    case INVOLVE_STORE_ERROR_NOT_A_REGISTER:
      message = g_strdup_printf (_("%s: “%s” is not an Involve register (%s). It was left untouched."),
                                 doing, path, detail);
      break;
    case INVOLVE_STORE_ERROR_CORRUPT:
      message = g_strdup_printf (_("%s: the register “%s” is damaged (%s). It was left untouched; restore it from a backup in the “backups” folder beside it."),
                                 doing, path, detail);
      break;
    case INVOLVE_STORE_ERROR_IO:
      if (self->is_server)
        {
          message = g_strdup_printf (_("%s: the connection to the team register “%s” failed (%s). Check the network connection, open the register again and check that your last change is there."),
                                     doing, path, detail);
          break;
        }
      message = g_strdup_printf (_("%s: the register “%s” could not be read or written (%s). Check that the drive is still there."),
                                 doing, path, detail);
      break;
    case INVOLVE_STORE_ERROR_LOCKED:
      message = g_strdup_printf (_("%s: %s."), doing, detail);
      break;
    default:
      message = g_strdup_printf (_("%s: %s (SQLite error %d)."), doing, detail, rc);
      break;
    }
  _involve_store_set_error_code (error, code, rc, message);
}

InvolveDbStmt *
_involve_store_prepare (InvolveStore *self,
                        const char   *sql,
                        GError      **error)
{
  InvolveDbStmt *stmt;
  int rc;

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    return stmt;

  rc = involve_db_prepare (self->db, sql, TRUE, &stmt);
  if (rc != SQLITE_OK)
    {
      _involve_store_sqlite_error (self, error, rc, _("Could not read the register"));
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

void
_involve_store_bind_text (InvolveDbStmt *stmt,
                          int            index,
                          const char    *text)
{
  if (text == NULL)
    involve_db_bind_null (stmt, index);
  else
    involve_db_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

char *
_involve_store_column_dup (InvolveDbStmt *stmt,
                           int            column)
{
  const char *text = (const char *) involve_db_column_text (stmt, column);

  return text != NULL ? g_strdup (text) : NULL;
}

/* Steps a statement that returns no rows (or ignores them). */
gboolean
_involve_store_step_done (InvolveStore  *self,
                          InvolveDbStmt *stmt,
                          const char    *doing,
                          GError       **error)
{
  int rc = involve_db_step (stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  _involve_store_sqlite_error (self, error, rc, doing);
  return FALSE;
}

gboolean
_involve_store_exec_sql (InvolveStore *self,
                         const char   *sql,
                         const char   *doing,
                         GError      **error)
{
  int rc = involve_db_exec (self->db, sql, NULL);

  if (rc != SQLITE_OK)
    {
      _involve_store_sqlite_error (self, error, rc, doing);
      return FALSE;
    }
  return TRUE;
}

/* Transactions: one per operation, or a savepoint inside a batch. */

gboolean
_involve_store_txn_begin (InvolveStore *self,
                          GError      **error)
{
  if (!_involve_store_check_not_damaged (self, error))
    return FALSE;
  if (self->batch_depth > 0)
    return _involve_store_exec_sql (self, "SAVEPOINT involve_op", _("Could not save"), error);
  return _involve_store_exec_sql (self, "BEGIN IMMEDIATE", _("Could not save"), error);
}

gboolean
_involve_store_txn_commit (InvolveStore *self,
                           GError      **error)
{
  if (self->batch_depth > 0)
    return _involve_store_exec_sql (self, "RELEASE involve_op", _("Could not save"), error);
  if (!_involve_store_exec_sql (self, "COMMIT", _("Could not save"), error))
    {
      /* A failed COMMIT (disk full, I/O) may leave the transaction open. */
      if (!involve_db_get_autocommit (self->db))
        involve_db_exec (self->db, "ROLLBACK", NULL);
      return FALSE;
    }
  return TRUE;
}

void
_involve_store_txn_rollback (InvolveStore *self)
{
  if (self->batch_depth > 0)
    {
      involve_db_exec (self->db, "ROLLBACK TO involve_op; RELEASE involve_op", NULL);
      return;
    }
  if (!involve_db_get_autocommit (self->db))
    involve_db_exec (self->db, "ROLLBACK", NULL);
}

gboolean
involve_store_begin_batch (InvolveStore *self,
                           GError      **error)
{
  INVOLVE_STORE_LOCK (self);
  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_involve_store_check_not_damaged (self, error))
    return FALSE;
  if (self->batch_depth == 0 &&
      !_involve_store_exec_sql (self, "BEGIN IMMEDIATE", _("Could not start saving"), error))
    return FALSE;
  self->batch_depth++;
  return TRUE;
}

gboolean
involve_store_commit_batch (InvolveStore *self,
                            GError      **error)
{
  INVOLVE_STORE_LOCK (self);
  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->batch_depth > 0, FALSE);

  if (--self->batch_depth > 0)
    return TRUE;
  if (!_involve_store_exec_sql (self, "COMMIT", _("Could not save"), error))
    {
      if (!involve_db_get_autocommit (self->db))
        involve_db_exec (self->db, "ROLLBACK", NULL);
      return FALSE;
    }
  return TRUE;
}

void
involve_store_rollback_batch (InvolveStore *self)
{
  INVOLVE_STORE_LOCK (self);
  g_return_if_fail (INVOLVE_IS_STORE (self));

  /* Nothing to do after a failed commit: it rolled back already. */
  if (self->batch_depth == 0)
    return;
  self->batch_depth = 0;
  if (!involve_db_get_autocommit (self->db))
    involve_db_exec (self->db, "ROLLBACK", NULL);
}

sqlite3 *
involve_store_get_db (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  return involve_db_get_sqlite (self->db);
}

InvolveDb *
_involve_store_get_connection (InvolveStore *self)
{
  return self->db;
}

/* For the store's other files (involve-store-internal.h). */

void
_involve_store_set_sqlite_error (InvolveStore *self,
                                 GError      **error,
                                 int           rc,
                                 const char   *doing)
{
  _involve_store_sqlite_error (self, error, rc, doing);
}

void
_involve_store_set_error (GError    **error,
                          int         code,
                          const char *message)
{
  _involve_store_set_error_code (error, code, 0, message);
}
