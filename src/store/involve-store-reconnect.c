/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include "involve-db-pg-private.h"
#include "involve-store-rooms.h"

/*
 * A team register whose server connection went away (a restart, the
 * network, an idle timeout): what to tell the person, what to redo on
 * the new connection, and the change follower's way back.
 *
 * The engine (involve-db-pg.c) connects again on the next call and says
 * what the loss took with it; the store never repeats a write itself:
 * the person does, once told whether anything was saved.
 */

#define FOLLOW_RETRY_FIRST_MS 500
#define FOLLOW_RETRY_MAX_MS   30000

void
_involve_store_connection_lost_error (InvolveStore *self,
                                      GError      **error,
                                      int           rc,
                                      const char   *doing)
{
  const char *reason = involve_db_get_loss_reason (self->db);
  g_autofree char *message = NULL;

  switch (involve_db_get_loss (self->db))
    {
    case INVOLVE_DB_LOSS_ROLLED_BACK:
      message = g_strdup_printf (_("%s: the connection to the team register was lost before the change was saved "
                                   "(%s). The server undid all of it: nothing of this change is in the register. "
                                   "Try again; Involve connects again by itself."),
                                 doing, reason);
      break;
    case INVOLVE_DB_LOSS_UNKNOWN:
      message = g_strdup_printf (_("%s: the connection to the team register was lost while the change was being "
                                   "saved (%s), so Involve cannot tell whether it was saved. Check the record "
                                   "before you make the change again."),
                                 doing, reason);
      break;
    case INVOLVE_DB_LOSS_UNREACHABLE:
      message = g_strdup_printf (_("%s: the connection to the team register was lost and could not be made again "
                                   "(%s). Nothing was changed. Check the network, or ask your IT department "
                                   "whether the server is running, then try again."),
                                 doing, reason);
      break;
    case INVOLVE_DB_LOSS_IDLE:
    case INVOLVE_DB_LOSS_NONE:
    default:
      message = g_strdup_printf (_("%s: the connection to the team register was lost (%s). Nothing was changed. "
                                   "Try again; Involve connects again by itself."),
                                 doing, reason);
      break;
    }
  _involve_store_set_error_code (error, INVOLVE_STORE_ERROR_CONNECTION_LOST, rc, message);
}

static gboolean
query_text (InvolveDb   *db,
            const char  *sql,
            char       **out_value,
            GError     **error)
{
  g_autoptr(InvolveDbStmt) stmt = NULL;
  int rc = involve_db_prepare (db, sql, FALSE, &stmt);

  if (rc == SQLITE_OK)
    rc = involve_db_step (stmt);
  if (rc == SQLITE_ROW && involve_db_column_text (stmt, 0) != NULL)
    {
      *out_value = g_strdup (involve_db_column_text (stmt, 0));
      return TRUE;
    }
  g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CONNECTION_LOST,
               "%s: %s", sql, involve_db_errmsg (db));
  return FALSE;
}

/* The engine's reconnect function: the store's own session set-up, as
 * at open.  The account and the server process are the new session's
 * (the account goes into every audit entry's hash; the process tells
 * the follower which notifications are this store's own). */
gboolean
_involve_store_server_reconnected (InvolveDb  *db,
                                   gpointer    data,
                                   GError    **error)
{
  InvolveStore *self = data;
  g_autofree char *account = NULL;
  g_autofree char *pid = NULL;

  if (self->server_login != NULL)
    {
      g_autofree char *sql = _involve_store_become_sql (self->server_login);

      if (involve_db_exec (db, sql, NULL) != SQLITE_OK)
        {
          g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CONNECTION_LOST,
                       "%s", involve_db_errmsg (db));
          return FALSE;
        }
    }
  if (!query_text (db, "SELECT session_user::text", &account, error) ||
      !query_text (db, "SELECT pg_backend_pid ()::text", &pid, error))
    return FALSE;
  g_debug ("Connected to the team register again as %s (process %s)", account, pid);
  g_free (self->os_account);
  self->os_account = g_steal_pointer (&account);
  self->backend_pid = (int) g_ascii_strtoll (pid, NULL, 10);
  return TRUE;
}

/* Following other clients again */

static gboolean follow_retry_cb (gpointer data);

static void
schedule_follow_retry (InvolveStore *self)
{
  GSource *source;

  if (self->listen_retry_id != 0 || self->listen_context == NULL)
    return;
  source = g_timeout_source_new (self->listen_retry_ms);
  g_source_set_callback (source, follow_retry_cb, self, NULL);
  g_source_set_static_name (source, "[involve] following the team register again");
  self->listen_retry_id = g_source_attach (source, self->listen_context);
  g_source_unref (source);
}

static gboolean
follow_retry_cb (gpointer data)
{
  InvolveStore *self = data;
  g_autoptr(GError) error = NULL;

  self->listen_retry_id = 0;
  if (!_involve_store_listen (self, &error))
    {
      /* Not a busy loop: twice as long each time, up to half a minute. */
      self->listen_retry_ms = MIN (self->listen_retry_ms * 2, FOLLOW_RETRY_MAX_MS);
      g_debug ("%s; trying again in %u ms", error->message, self->listen_retry_ms);
      schedule_follow_retry (self);
      return G_SOURCE_REMOVE;
    }
  g_debug ("Following the team register's changes again");
  self->listen_retry_ms = FOLLOW_RETRY_FIRST_MS;
  /* Whatever changed meanwhile went unannounced: any record may have. */
  g_signal_emit_by_name (self, "records-changed", NULL);
  return G_SOURCE_REMOVE;
}

void
_involve_store_follow_lost (InvolveStore *self)
{
  g_message ("The team register closed the connection that follows changes; connecting again.");
  if (self->listen_source != NULL)
    {
      g_source_destroy (self->listen_source);
      g_clear_pointer (&self->listen_source, g_source_unref);
    }
  g_clear_pointer (&self->listener, involve_db_close);
  if (self->listen_retry_ms == 0)
    self->listen_retry_ms = FOLLOW_RETRY_FIRST_MS;
  schedule_follow_retry (self);
}

void
_involve_store_follow_stop (InvolveStore *self)
{
  if (self->listen_retry_id != 0 && self->listen_context != NULL)
    {
      GSource *source = g_main_context_find_source_by_id (self->listen_context, self->listen_retry_id);

      if (source != NULL)
        g_source_destroy (source);
    }
  self->listen_retry_id = 0;
  g_clear_pointer (&self->listen_context, g_main_context_unref);
}

int
involve_store_server_get_backend_pid (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), 0);
  return self->is_server ? self->backend_pid : 0;
}

int
involve_store_server_get_listener_pid (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), 0);
  if (self->listener == NULL || involve_db_is_lost (self->listener))
    return 0;
  return _involve_db_pg_get_backend_pid (self->listener);
}
