/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "involve-db-private.h"

/* Dispatch to the engine, and the bookkeeping both engines share. */

gboolean
involve_db_location_is_server (const char *location)
{
  if (location == NULL)
    return FALSE;
  if (g_str_has_prefix (location, "postgresql://") || g_str_has_prefix (location, "postgres://"))
    return TRUE;
  /* A libpq key=value string: "host=... dbname=..." (a file path never
   * starts with a bare keyword followed by '='). */
  for (const char *p = location; *p != '\0'; p++)
    {
      if (*p == '=')
        return p != location;
      if (!g_ascii_isalpha (*p) && *p != '_')
        return FALSE;
    }
  return FALSE;
}

char *
involve_db_redact_location (const char *location)
{
  GString *out;
  const char *p;

  if (location == NULL)
    return NULL;
  if (!involve_db_location_is_server (location))
    return g_strdup (location);

  out = g_string_new (NULL);
  if (g_str_has_prefix (location, "postgresql://") || g_str_has_prefix (location, "postgres://"))
    {
      const char *authority = strstr (location, "://") + 3;
      const char *end = authority + strcspn (authority, "/?");
      const char *at = g_strstr_len (authority, end - authority, "@");

      g_string_append_len (out, location, authority - location);
      if (at != NULL)
        {
          const char *colon = memchr (authority, ':', at - authority);
          /* user:password@ → user@ */
          g_string_append_len (out, authority, (colon != NULL ? colon : at) - authority);
          authority = at;
        }
      /* A password can also be a query parameter. */
      p = authority + strcspn (authority, "?");
      g_string_append_len (out, authority, p - authority);
      if (*p == '?')
        {
          g_auto(GStrv) params = g_strsplit (p + 1, "&", -1);
          gboolean first = TRUE;

          for (guint i = 0; params[i] != NULL; i++)
            {
              if (g_ascii_strncasecmp (params[i], "password=", 9) == 0)
                continue;
              g_string_append_c (out, first ? '?' : '&');
              g_string_append (out, params[i]);
              first = FALSE;
            }
        }
      return g_string_free (out, FALSE);
    }

  /* key=value pairs, values maybe 'quoted' with \ escapes. */
  p = location;
  while (*p != '\0')
    {
      const char *key = p;
      gboolean is_password;

      while (g_ascii_isspace (*p))
        p++;
      key = p;
      while (*p != '\0' && *p != '=' && !g_ascii_isspace (*p))
        p++;
      is_password = (p - key == 8 && g_ascii_strncasecmp (key, "password", 8) == 0);
      if (!is_password && p > key)
        {
          if (out->len > 0)
            g_string_append_c (out, ' ');
          g_string_append_len (out, key, p - key);
        }
      while (g_ascii_isspace (*p))
        p++;
      if (*p != '=')
        continue;
      p++;
      while (g_ascii_isspace (*p))
        p++;
      {
        const char *value = p;

        if (*p == '\'')
          {
            for (p++; *p != '\0' && *p != '\''; p++)
              if (*p == '\\' && p[1] != '\0')
                p++;
            if (*p == '\'')
              p++;
          }
        else
          while (*p != '\0' && !g_ascii_isspace (*p))
            p++;
        if (!is_password)
          {
            g_string_append_c (out, '=');
            g_string_append_len (out, value, p - value);
          }
      }
    }
  return g_string_free (out, FALSE);
}

void
involve_db_close (InvolveDb *db)
{
  if (db == NULL)
    return;
  while (db->statements != NULL)
    involve_db_finalize (db->statements->data);
  db->funcs->close (db);
}

InvolveDbEngine
involve_db_get_engine (InvolveDb *db)
{
  return db->engine;
}

sqlite3 *
involve_db_get_sqlite (InvolveDb *db)
{
  if (db == NULL || db->engine != INVOLVE_DB_ENGINE_SQLITE)
    return NULL;
  return _involve_db_sqlite_get_handle (db);
}

const char *
involve_db_errmsg (InvolveDb *db)
{
  return db->funcs->errmsg (db);
}

int
involve_db_errcode (InvolveDb *db)
{
  return db->funcs->errcode (db);
}

const char *
involve_db_get_sqlstate (InvolveDb *db)
{
  return db->funcs->sqlstate (db);
}

int
involve_db_exec (InvolveDb   *db,
                 const char  *sql,
                 char       **errmsg)
{
  if (errmsg != NULL)
    *errmsg = NULL;
  return db->funcs->exec (db, sql, errmsg);
}

gboolean
involve_db_get_autocommit (InvolveDb *db)
{
  return db->funcs->get_autocommit (db);
}

gint64
involve_db_last_insert_rowid (InvolveDb *db)
{
  return db->funcs->last_insert_rowid (db);
}

int
involve_db_changes (InvolveDb *db)
{
  return db->funcs->changes (db);
}

int
involve_db_prepare (InvolveDb      *db,
                    const char     *sql,
                    gboolean        persistent,
                    InvolveDbStmt **out_stmt)
{
  InvolveDbStmt *stmt;
  int rc = SQLITE_OK;

  *out_stmt = NULL;
  stmt = db->funcs->prepare (db, sql, persistent, &rc);
  if (stmt == NULL)
    return rc != SQLITE_OK ? rc : SQLITE_ERROR;
  stmt->db = db;
  stmt->sql = g_strdup (sql);
  db->statements = g_list_prepend (db->statements, stmt);
  stmt->link = db->statements;
  *out_stmt = stmt;
  return SQLITE_OK;
}

void
involve_db_finalize (InvolveDbStmt *stmt)
{
  InvolveDb *db;

  if (stmt == NULL)
    return;
  db = stmt->db;
  db->statements = g_list_delete_link (db->statements, stmt->link);
  g_free (stmt->sql);
  db->funcs->finalize (stmt);
}

InvolveDb *
involve_db_stmt_get_db (InvolveDbStmt *stmt)
{
  return stmt->db;
}

const char *
involve_db_stmt_get_sql (InvolveDbStmt *stmt)
{
  return stmt->sql;
}

int
involve_db_step (InvolveDbStmt *stmt)
{
  return stmt->db->funcs->step (stmt);
}

int
involve_db_reset (InvolveDbStmt *stmt)
{
  return stmt->db->funcs->reset (stmt);
}

int
involve_db_clear_bindings (InvolveDbStmt *stmt)
{
  return stmt->db->funcs->clear_bindings (stmt);
}

int
involve_db_bind_parameter_index (InvolveDbStmt *stmt,
                                 const char    *name)
{
  return stmt->db->funcs->bind_parameter_index (stmt, name);
}

int
involve_db_bind_null (InvolveDbStmt *stmt,
                      int            index)
{
  return stmt->db->funcs->bind_null (stmt, index);
}

int
involve_db_bind_int (InvolveDbStmt *stmt,
                     int            index,
                     int            value)
{
  return stmt->db->funcs->bind_int64 (stmt, index, value);
}

int
involve_db_bind_int64 (InvolveDbStmt *stmt,
                       int            index,
                       gint64         value)
{
  return stmt->db->funcs->bind_int64 (stmt, index, value);
}

int
involve_db_bind_text (InvolveDbStmt  *stmt,
                      int             index,
                      const char     *text,
                      int             length,
                      void          (*destructor) (void *))
{
  if (text == NULL)
    return stmt->db->funcs->bind_null (stmt, index);
  return stmt->db->funcs->bind_text (stmt, index, text, length, destructor);
}

int
involve_db_bind_blob (InvolveDbStmt  *stmt,
                      int             index,
                      const void     *data,
                      int             length,
                      void          (*destructor) (void *))
{
  if (data == NULL)
    return stmt->db->funcs->bind_null (stmt, index);
  return stmt->db->funcs->bind_blob (stmt, index, data, length, destructor);
}

int
involve_db_column_count (InvolveDbStmt *stmt)
{
  return stmt->db->funcs->column_count (stmt);
}

int
involve_db_column_type (InvolveDbStmt *stmt,
                        int            column)
{
  return stmt->db->funcs->column_type (stmt, column);
}

const char *
involve_db_column_text (InvolveDbStmt *stmt,
                        int            column)
{
  return stmt->db->funcs->column_text (stmt, column);
}

gint64
involve_db_column_int64 (InvolveDbStmt *stmt,
                         int            column)
{
  return stmt->db->funcs->column_int64 (stmt, column);
}

int
involve_db_column_int (InvolveDbStmt *stmt,
                       int            column)
{
  return (int) stmt->db->funcs->column_int64 (stmt, column);
}

const void *
involve_db_column_blob (InvolveDbStmt *stmt,
                        int            column)
{
  return stmt->db->funcs->column_blob (stmt, column);
}

int
involve_db_column_bytes (InvolveDbStmt *stmt,
                         int            column)
{
  return stmt->db->funcs->column_bytes (stmt, column);
}

int
involve_db_get_socket (InvolveDb *db)
{
  return db->funcs->get_socket (db);
}

GPtrArray *
involve_db_take_notifications (InvolveDb *db)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_db_notification_free);

  db->funcs->take_notifications (db, out);
  return out;
}

void
involve_db_notification_free (InvolveDbNotification *notification)
{
  if (notification == NULL)
    return;
  g_free (notification->channel);
  g_free (notification->payload);
  g_free (notification);
}

InvolveDbLoss
involve_db_get_loss (InvolveDb *db)
{
  return db->funcs->get_loss != NULL ? db->funcs->get_loss (db) : INVOLVE_DB_LOSS_NONE;
}

const char *
involve_db_get_loss_reason (InvolveDb *db)
{
  return db->funcs->get_loss_reason != NULL ? db->funcs->get_loss_reason (db) : "";
}

gboolean
involve_db_is_lost (InvolveDb *db)
{
  return db->funcs->is_lost != NULL && db->funcs->is_lost (db);
}

void
involve_db_set_reconnect_func (InvolveDb              *db,
                               InvolveDbReconnectFunc  func,
                               gpointer                data)
{
  if (db->funcs->set_reconnect_func != NULL)
    db->funcs->set_reconnect_func (db, func, data);
}
