/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "involve-db-private.h"

/* The SQLite engine: every call goes straight to SQLite. */

typedef struct
{
  InvolveDb parent;
  sqlite3  *sqlite;
} SqliteDb;

typedef struct
{
  InvolveDbStmt  parent;
  sqlite3_stmt  *stmt;
} SqliteStmt;

#define SQLITE_DB(db)     (((SqliteDb *) (db))->sqlite)
#define SQLITE_STMT(stmt) (((SqliteStmt *) (stmt))->stmt)

static void
sqlite_close (InvolveDb *db)
{
  sqlite3_close_v2 (SQLITE_DB (db));
  g_free (db);
}

static const char *
sqlite_errmsg (InvolveDb *db)
{
  return sqlite3_errmsg (SQLITE_DB (db));
}

static int
sqlite_errcode (InvolveDb *db)
{
  return sqlite3_extended_errcode (SQLITE_DB (db));
}

static const char *
sqlite_sqlstate (InvolveDb *db)
{
  return "";
}

static int
sqlite_exec (InvolveDb   *db,
             const char  *sql,
             char       **errmsg)
{
  char *message = NULL;
  int rc = sqlite3_exec (SQLITE_DB (db), sql, NULL, NULL, errmsg != NULL ? &message : NULL);

  if (errmsg != NULL && message != NULL)
    *errmsg = g_strdup (message);
  sqlite3_free (message);
  return rc;
}

static gboolean
sqlite_get_autocommit (InvolveDb *db)
{
  return sqlite3_get_autocommit (SQLITE_DB (db)) != 0;
}

static gint64
sqlite_last_insert_rowid (InvolveDb *db)
{
  return sqlite3_last_insert_rowid (SQLITE_DB (db));
}

static int
sqlite_changes (InvolveDb *db)
{
  return sqlite3_changes (SQLITE_DB (db));
}

static InvolveDbStmt *
sqlite_prepare (InvolveDb  *db,
                const char *sql,
                gboolean    persistent,
                int        *rc)
{
  sqlite3_stmt *raw = NULL;
  SqliteStmt *stmt;

  *rc = sqlite3_prepare_v3 (SQLITE_DB (db), sql, -1,
                            persistent ? SQLITE_PREPARE_PERSISTENT : 0, &raw, NULL);
  if (*rc != SQLITE_OK)
    {
      sqlite3_finalize (raw);
      return NULL;
    }
  if (raw == NULL)
    {
      /* Only a comment or white space: SQLite prepares nothing. */
      *rc = SQLITE_MISUSE;
      return NULL;
    }
  stmt = g_new0 (SqliteStmt, 1);
  stmt->stmt = raw;
  return &stmt->parent;
}

static void
sqlite_finalize (InvolveDbStmt *stmt)
{
  sqlite3_finalize (SQLITE_STMT (stmt));
  g_free (stmt);
}

static int
sqlite_step (InvolveDbStmt *stmt)
{
  return sqlite3_step (SQLITE_STMT (stmt));
}

static int
sqlite_reset (InvolveDbStmt *stmt)
{
  return sqlite3_reset (SQLITE_STMT (stmt));
}

static int
sqlite_clear_bindings (InvolveDbStmt *stmt)
{
  return sqlite3_clear_bindings (SQLITE_STMT (stmt));
}

static int
sqlite_bind_parameter_index (InvolveDbStmt *stmt,
                             const char    *name)
{
  return sqlite3_bind_parameter_index (SQLITE_STMT (stmt), name);
}

static int
sqlite_bind_null (InvolveDbStmt *stmt,
                  int            index)
{
  return sqlite3_bind_null (SQLITE_STMT (stmt), index);
}

static int
sqlite_bind_int64 (InvolveDbStmt *stmt,
                   int            index,
                   gint64         value)
{
  return sqlite3_bind_int64 (SQLITE_STMT (stmt), index, value);
}

static int
sqlite_bind_text (InvolveDbStmt  *stmt,
                  int             index,
                  const char     *text,
                  int             length,
                  void          (*destructor) (void *))
{
  return sqlite3_bind_text (SQLITE_STMT (stmt), index, text, length, destructor);
}

static int
sqlite_bind_blob (InvolveDbStmt  *stmt,
                  int             index,
                  const void     *data,
                  int             length,
                  void          (*destructor) (void *))
{
  return sqlite3_bind_blob (SQLITE_STMT (stmt), index, data, length, destructor);
}

static int
sqlite_column_count (InvolveDbStmt *stmt)
{
  return sqlite3_column_count (SQLITE_STMT (stmt));
}

static int
sqlite_column_type (InvolveDbStmt *stmt,
                    int            column)
{
  return sqlite3_column_type (SQLITE_STMT (stmt), column);
}

static const char *
sqlite_column_text (InvolveDbStmt *stmt,
                    int            column)
{
  return (const char *) sqlite3_column_text (SQLITE_STMT (stmt), column);
}

static gint64
sqlite_column_int64 (InvolveDbStmt *stmt,
                     int            column)
{
  return sqlite3_column_int64 (SQLITE_STMT (stmt), column);
}

static const void *
sqlite_column_blob (InvolveDbStmt *stmt,
                    int            column)
{
  return sqlite3_column_blob (SQLITE_STMT (stmt), column);
}

static int
sqlite_column_bytes (InvolveDbStmt *stmt,
                     int            column)
{
  return sqlite3_column_bytes (SQLITE_STMT (stmt), column);
}

static int
sqlite_get_socket (InvolveDb *db)
{
  return -1;
}

static void
sqlite_take_notifications (InvolveDb *db,
                           GPtrArray *out)
{
  /* A register file has no notifications. */
}

static const InvolveDbEngineFuncs sqlite_funcs = {
  .close = sqlite_close,
  .errmsg = sqlite_errmsg,
  .errcode = sqlite_errcode,
  .sqlstate = sqlite_sqlstate,
  .exec = sqlite_exec,
  .get_autocommit = sqlite_get_autocommit,
  .last_insert_rowid = sqlite_last_insert_rowid,
  .changes = sqlite_changes,
  .prepare = sqlite_prepare,
  .finalize = sqlite_finalize,
  .step = sqlite_step,
  .reset = sqlite_reset,
  .clear_bindings = sqlite_clear_bindings,
  .bind_parameter_index = sqlite_bind_parameter_index,
  .bind_null = sqlite_bind_null,
  .bind_int64 = sqlite_bind_int64,
  .bind_text = sqlite_bind_text,
  .bind_blob = sqlite_bind_blob,
  .column_count = sqlite_column_count,
  .column_type = sqlite_column_type,
  .column_text = sqlite_column_text,
  .column_int64 = sqlite_column_int64,
  .column_blob = sqlite_column_blob,
  .column_bytes = sqlite_column_bytes,
  .get_socket = sqlite_get_socket,
  .take_notifications = sqlite_take_notifications,
};

InvolveDb *
involve_db_new_sqlite (sqlite3 *sqlite)
{
  SqliteDb *db;

  g_return_val_if_fail (sqlite != NULL, NULL);

  db = g_new0 (SqliteDb, 1);
  db->parent.funcs = &sqlite_funcs;
  db->parent.engine = INVOLVE_DB_ENGINE_SQLITE;
  db->sqlite = sqlite;
  return &db->parent;
}

sqlite3 *
_involve_db_sqlite_get_handle (InvolveDb *db)
{
  return SQLITE_DB (db);
}
