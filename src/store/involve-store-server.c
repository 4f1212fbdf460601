/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include <glib-unix.h>

#include "involve-db.h"
#include "involve-pg-schema.h"
#include "involve-store-rooms.h"

/*
 * A team register on PostgreSQL: opening it, the server's clock, and
 * following other clients' changes.  Everything else runs through the
 * same register operations as a file (involve-db.h); what the server
 * enforces is in sql/postgresql/ (docs/postgresql.md).
 */

static gboolean
query_text (InvolveStore  *self,
            const char    *sql,
            char         **out_value,
            GError       **error)
{
  g_autoptr(InvolveDbStmt) stmt = NULL;
  int rc = involve_db_prepare (self->db, sql, FALSE, &stmt);

  *out_value = NULL;
  if (rc == SQLITE_OK)
    rc = involve_db_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_value = g_strdup (involve_db_column_text (stmt, 0));
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    return TRUE;
  set_sqlite_error (self, error, rc, _("Could not open the team register"));
  return FALSE;
}

gboolean
_involve_store_open_server (InvolveStore  *self,
                            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *shown = involve_db_redact_location (self->path);
  g_autofree char *created_by = NULL;
  g_autofree char *version = NULL;
  g_autofree char *account = NULL;
  g_autofree char *pid = NULL;

  self->is_server = TRUE;
  self->db = involve_db_connect_postgresql (self->path, &local_error);
  if (self->db == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("Could not reach the team register “%s”: %s"), shown, local_error->message);
      set_error_code (error, INVOLVE_STORE_ERROR_IO, SQLITE_IOERR, message);
      return FALSE;
    }

  /* Is there a register here at all?  The tables live in the schema
   * "involve", which the connection puts first on its search path; named
   * in full here, as another program's own "meta" in "public" would be
   * found without it. */
  if (!query_text (self, "SELECT to_regclass ('involve.meta')::text", &created_by, error))
    goto fail;
  if (created_by != NULL)
    {
      g_clear_pointer (&created_by, g_free);
      if (!query_text (self, "SELECT value FROM involve.meta WHERE key = 'created-by'", &created_by, error) ||
          !query_text (self, "SELECT value FROM involve.meta WHERE key = 'schema-version'", &version, error))
        goto fail;
    }
  if (g_strcmp0 (created_by, "Involve") != 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("The database “%s” holds no Involve register, or you may not use it. "
                           "Ask your IT department to set one up (involve-cli server-setup) and to let you in."),
                         shown);
      set_error_code (error, INVOLVE_STORE_ERROR_NOT_A_REGISTER, 0, message);
      goto fail;
    }
  if (version == NULL || g_ascii_strtoll (version, NULL, 10) > INVOLVE_PG_SCHEMA_VERSION)
    {
      g_autofree char *message =
        g_strdup_printf (_("The team register “%s” was set up by a newer version of Involve (server format %s; "
                           "this version knows up to %d). Use the newer Involve."),
                         shown, version != NULL ? version : "?", INVOLVE_PG_SCHEMA_VERSION);
      set_error_code (error, INVOLVE_STORE_ERROR_NEWER_SCHEMA, 0, message);
      goto fail;
    }

  /* The person acting is whoever the server logged in: the server writes
   * it into every audit entry's check, so the store must hash the same. */
  if (!query_text (self, "SELECT session_user::text", &account, error) ||
      !query_text (self, "SELECT pg_backend_pid ()::text", &pid, error))
    goto fail;
  g_free (self->os_account);
  self->os_account = g_steal_pointer (&account);
  self->backend_pid = (int) g_ascii_strtoll (pid, NULL, 10);

  /* The server's tables match the newest register format of a file. */
  self->schema_version = involve_store_get_latest_schema_version ();
  g_free (self->journal_mode);
  self->journal_mode = g_strdup ("server");
  /* After a lost connection, the next call connects again; the store's
   * set-up runs again then (involve-store-reconnect.c). */
  involve_db_set_reconnect_func (self->db, _involve_store_server_reconnected, self);
  return TRUE;

fail:
  g_hash_table_remove_all (self->statements);
  g_clear_pointer (&self->db, involve_db_close);
  return FALSE;
}

char *
_involve_store_become_sql (const char *login)
{
  GString *sql = g_string_new ("SET SESSION AUTHORIZATION \"");

  for (const char *p = login; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (sql, '"');
      g_string_append_c (sql, *p);
    }
  g_string_append_c (sql, '"');
  return g_string_free (sql, FALSE);
}

gboolean
involve_store_server_become (InvolveStore  *self,
                             const char    *login,
                             GError       **error)
{
  g_autofree char *sql = NULL;
  g_autofree char *account = NULL;
  char *message = NULL;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->is_server, FALSE);
  g_return_val_if_fail (login != NULL, FALSE);

  sql = _involve_store_become_sql (login);
  if (involve_db_exec (self->db, sql, &message) != SQLITE_OK)
    {
      set_error_code (error, INVOLVE_STORE_ERROR_FAILED, 0, message);
      g_free (message);
      return FALSE;
    }
  /* Again on a new connection, after a lost one. */
  g_free (self->server_login);
  self->server_login = g_strdup (login);
  if (!query_text (self, "SELECT session_user::text", &account, error))
    return FALSE;
  g_free (self->os_account);
  self->os_account = g_steal_pointer (&account);
  return TRUE;
}

gint64
_involve_store_now_usec (InvolveStore *self)
{
  g_autoptr(InvolveDbStmt) stmt = NULL;
  gint64 now;

  if (!self->is_server)
    return g_get_real_time ();

  /* The server refuses any other time; if this fails, so will the write,
   * with the server's message. */
  stmt = _involve_store_prepare (self, "SELECT involve.now_usec ()", NULL);
  if (stmt == NULL || involve_db_step (stmt) != SQLITE_ROW)
    {
      if (stmt != NULL)
        involve_db_reset (stmt);
      return g_get_real_time ();
    }
  now = involve_db_column_int64 (stmt, 0);
  involve_db_reset (stmt);
  /* A cached statement: keep it, reset. */
  g_steal_pointer (&stmt);
  return now;
}

gboolean
_involve_store_lock_audit (InvolveStore  *self,
                           GError       **error)
{
  InvolveDbStmt *stmt;
  int rc;

  if (!self->is_server)
    return TRUE;
  stmt = _involve_store_prepare (self, "SELECT involve.audit_lock ()", error);
  if (stmt == NULL)
    return FALSE;
  rc = involve_db_step (stmt);
  involve_db_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("Could not write the audit log"));
      return FALSE;
    }
  return TRUE;
}

gboolean
_involve_store_check_file_only (InvolveStore  *self,
                                const char    *what,
                                GError       **error)
{
  g_autofree char *message = NULL;

  if (!self->is_server)
    return TRUE;
  message = g_strdup_printf (_("%s is for a register file. A team register lives on its server, "
                               "which your IT department backs up and restores (pg_dump, pg_restore)."),
                             what);
  set_error_code (error, INVOLVE_STORE_ERROR_INVALID, 0, message);
  return FALSE;
}

gboolean
_involve_store_has_table (InvolveStore  *self,
                          const char    *name,
                          gboolean      *has,
                          GError       **error)
{
  INVOLVE_AUTO_STMT stmt = NULL;
  int rc;

  /* The server's tables live in the schema "involve", each role's
   * search_path. */
  stmt = _involve_store_prepare (self,
                                          self->is_server
                                          ? "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = 'involve' AND tablename = ?1"
                                          : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                                          error);
  if (stmt == NULL)
    return FALSE;
  involve_db_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = involve_db_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("Could not read the register"));
      return FALSE;
    }
  *has = rc == SQLITE_ROW;
  return TRUE;
}

/* Following other clients */

static gboolean
listener_ready_cb (int           fd,
                   GIOCondition  condition,
                   gpointer      data)
{
  InvolveStore *self = data;
  g_autoptr(GPtrArray) notifications = involve_db_take_notifications (self->listener);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean several = FALSE;

  /* Gone (the server restarted, the network dropped): back on a timer. */
  if ((condition & (G_IO_HUP | G_IO_ERR)) || involve_db_is_lost (self->listener))
    {
      _involve_store_follow_lost (self);
      return G_SOURCE_REMOVE;
    }

  /* The payload is "uuid pid": the writer's own changes are not news to it. */
  for (guint i = 0; i < notifications->len; i++)
    {
      InvolveDbNotification *notification = notifications->pdata[i];
      g_auto(GStrv) parts = g_strsplit (notification->payload, " ", 2);

      if (parts[0] == NULL || parts[1] == NULL)
        several = TRUE;
      else if ((int) g_ascii_strtoll (parts[1], NULL, 10) != self->backend_pid)
        g_hash_table_add (seen, g_strdup (parts[0]));
    }
  if (several || g_hash_table_size (seen) > 8)
    g_signal_emit_by_name (self, "records-changed", NULL);
  else
    {
      GHashTableIter iter;
      gpointer uuid;

      g_hash_table_iter_init (&iter, seen);
      while (g_hash_table_iter_next (&iter, &uuid, NULL))
        g_signal_emit_by_name (self, "records-changed", (const char *) uuid);
    }
  return G_SOURCE_CONTINUE;
}

gboolean
_involve_store_listen (InvolveStore  *self,
                       GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  int fd;

  /* Its own connection: the register's is used from worker threads. */
  self->listener = involve_db_connect_postgresql (self->path, &local_error);
  if (self->listener == NULL ||
      involve_db_exec (self->listener, "LISTEN involve_records", NULL) != SQLITE_OK)
    {
      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_IO,
                   _("Could not follow other people’s changes to the team register: %s"),
                   local_error != NULL ? local_error->message : involve_db_errmsg (self->listener));
      g_clear_pointer (&self->listener, involve_db_close);
      return FALSE;
    }
  fd = involve_db_get_socket (self->listener);
  self->listen_source = g_unix_fd_source_new (fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_source_set_callback (self->listen_source, (GSourceFunc) (void (*) (void)) listener_ready_cb, self, NULL);
  g_source_set_static_name (self->listen_source, "[involve] team register changes");
  g_source_attach (self->listen_source, self->listen_context);
  return TRUE;
}

gboolean
involve_store_follow_changes (InvolveStore  *self,
                              GError       **error)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);

  if (!self->is_server || self->listen_source != NULL || self->listen_retry_id != 0)
    return TRUE;
  if (self->listen_context == NULL)
    self->listen_context = g_main_context_ref_thread_default ();
  return _involve_store_listen (self, error);
}

void
_involve_store_close_server (InvolveStore *self)
{
  if (self->listen_source != NULL)
    {
      g_source_destroy (self->listen_source);
      g_clear_pointer (&self->listen_source, g_source_unref);
    }
  _involve_store_follow_stop (self);
  g_clear_pointer (&self->listener, involve_db_close);
  g_clear_pointer (&self->server_login, g_free);
}
