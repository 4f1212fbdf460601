/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/*
 * The store's connection to its database engine: SQLite (a register file,
 * the default) or PostgreSQL (a team register on a server, through libpq).
 *
 * The calls are shaped like SQLite's own so that the store's register
 * operations run unchanged on either engine: statements are prepared once
 * and stepped row by row, parameters are bound by 1-based index (written
 * "?", "?NNN" or ":name" in the SQL on both engines), columns are read by
 * 0-based index, and every call returns a SQLite result code (SQLITE_OK,
 * SQLITE_ROW, SQLITE_DONE, SQLITE_CONSTRAINT, ...).  PostgreSQL's errors
 * are mapped onto those codes; the SQLSTATE itself is kept
 * (involve_db_get_sqlstate ()) for callers that need the exact reason, and
 * the server's message is involve_db_errmsg ().
 *
 * SQL that differs between the engines (full-text search, DDL, PRAGMAs)
 * is chosen by the caller with involve_db_get_engine (); SQLite-only work
 * (backups, integrity checks, journal modes) uses involve_db_get_sqlite ().
 *
 * Writing SQL that runs on both (involve-db-pg.c has the details):
 *  - "?", "?NNN", ":name", "@name" and "$name" are numbered as SQLite
 *    numbers them; PostgreSQL's "?" jsonb operators cannot be used.
 *  - An int64 is sent as PostgreSQL's bigint, a blob as bytea; text and
 *    NULL take the type the SQL around them implies.  Where nothing
 *    implies one ("? IS NULL", "coalesce (?, ?)") PostgreSQL refuses
 *    (SQLSTATE 42P18): write "CAST (? AS text)".  A bigint is not narrowed
 *    for functions that take an integer: "substr (x, CAST (? AS integer))".
 *  - PostgreSQL's text cannot hold a NUL character: binding one is
 *    refused (SQLITE_MISMATCH); keep such bytes in blobs.
 *  - Inside a transaction a failed statement undoes only itself and the
 *    transaction goes on, on both engines.  BEGIN IMMEDIATE (or
 *    EXCLUSIVE) makes writers queue one at a time on both; waiting too
 *    long is SQLITE_BUSY.
 *  - Results are read whole on PostgreSQL when a statement first steps.
 *
 * Not thread-safe: the store serialises access with its own lock.
 */

typedef enum
{
  INVOLVE_DB_ENGINE_SQLITE,
  INVOLVE_DB_ENGINE_POSTGRESQL,
} InvolveDbEngine;

typedef struct _InvolveDb     InvolveDb;
typedef struct _InvolveDbStmt InvolveDbStmt;

/* Takes ownership of @sqlite (closed with sqlite3_close_v2 ()). */
InvolveDb       *involve_db_new_sqlite          (sqlite3        *sqlite);
/* Connects to a server with a libpq connection string or a
 * postgresql:// URI.  Fails with G_IO_ERROR when the server cannot be
 * reached or refuses the login, with the server's message. */
InvolveDb       *involve_db_connect_postgresql  (const char     *conninfo,
                                                 GError        **error);
/* Whether @location names a PostgreSQL server (a postgresql:// or
 * postgres:// URI, or a key=value connection string) rather than a file. */
gboolean         involve_db_location_is_server  (const char     *location);
/* @location fit to show: a server's connection string without its
 * password (URI or key=value form); a file path unchanged. */
char            *involve_db_redact_location     (const char     *location);
/* Finalizes every statement still open, then closes. */
void             involve_db_close               (InvolveDb      *db);

InvolveDbEngine  involve_db_get_engine          (InvolveDb      *db);
/* The SQLite connection, or NULL on PostgreSQL. */
sqlite3         *involve_db_get_sqlite          (InvolveDb      *db);

/* The last error of @db: a message, a SQLite result code (extended where
 * SQLite gives one) and, on PostgreSQL, the five-character SQLSTATE
 * ("" on SQLite). */
const char      *involve_db_errmsg              (InvolveDb      *db);
int              involve_db_errcode             (InvolveDb      *db);
const char      *involve_db_get_sqlstate        (InvolveDb      *db);

/* Runs one or more statements without parameters or results.  On error,
 * *@errmsg (if not NULL) gets a g_malloc ()ed copy of the message. */
int              involve_db_exec                (InvolveDb      *db,
                                                 const char     *sql,
                                                 char          **errmsg);
/* TRUE outside any transaction. */
gboolean         involve_db_get_autocommit      (InvolveDb      *db);
/* The id of the row the last INSERT added to a table with an integer
 * key (SQLite's rowid; PostgreSQL's lastval ()). */
gint64           involve_db_last_insert_rowid   (InvolveDb      *db);
/* Rows changed by the last INSERT, UPDATE or DELETE. */
int              involve_db_changes             (InvolveDb      *db);

/* @persistent: the statement is kept for the connection's life (the
 * store's cache), so the engine may plan it once. */
int              involve_db_prepare             (InvolveDb      *db,
                                                 const char     *sql,
                                                 gboolean        persistent,
                                                 InvolveDbStmt **out_stmt);
void             involve_db_finalize            (InvolveDbStmt  *stmt);
InvolveDb       *involve_db_stmt_get_db         (InvolveDbStmt  *stmt);
const char      *involve_db_stmt_get_sql        (InvolveDbStmt  *stmt);

/* SQLITE_ROW while there are rows, then SQLITE_DONE, or an error code. */
int              involve_db_step                (InvolveDbStmt  *stmt);
/* Ready to run again; bindings are kept. */
int              involve_db_reset               (InvolveDbStmt  *stmt);
int              involve_db_clear_bindings      (InvolveDbStmt  *stmt);

int              involve_db_bind_parameter_index (InvolveDbStmt *stmt,
                                                  const char    *name);
int              involve_db_bind_null           (InvolveDbStmt  *stmt,
                                                 int             index);
int              involve_db_bind_int            (InvolveDbStmt  *stmt,
                                                 int             index,
                                                 int             value);
int              involve_db_bind_int64          (InvolveDbStmt  *stmt,
                                                 int             index,
                                                 gint64          value);
/* @text may be NULL (binds NULL); @length -1 for NUL-terminated.  The
 * text is copied unless @destructor is SQLITE_STATIC. */
int              involve_db_bind_text           (InvolveDbStmt  *stmt,
                                                 int             index,
                                                 const char     *text,
                                                 int             length,
                                                 void          (*destructor) (void *));
int              involve_db_bind_blob           (InvolveDbStmt  *stmt,
                                                 int             index,
                                                 const void     *data,
                                                 int             length,
                                                 void          (*destructor) (void *));

/* Valid until the next step, reset or finalize of @stmt. */
int              involve_db_column_count        (InvolveDbStmt  *stmt);
/* SQLITE_NULL, SQLITE_INTEGER, SQLITE_TEXT or SQLITE_BLOB (PostgreSQL's
 * numeric types are SQLITE_INTEGER or SQLITE_FLOAT, bytea is a blob). */
int              involve_db_column_type         (InvolveDbStmt  *stmt,
                                                 int             column);
const char      *involve_db_column_text         (InvolveDbStmt  *stmt,
                                                 int             column);
gint64           involve_db_column_int64        (InvolveDbStmt  *stmt,
                                                 int             column);
int              involve_db_column_int          (InvolveDbStmt  *stmt,
                                                 int             column);
const void      *involve_db_column_blob         (InvolveDbStmt  *stmt,
                                                 int             column);
int              involve_db_column_bytes        (InvolveDbStmt  *stmt,
                                                 int             column);

/* LISTEN/NOTIFY on PostgreSQL: the connection's socket, to watch for
 * input (-1 on SQLite, which has none), and the notifications that have
 * arrived since the last call, oldest first (an empty array on SQLite).
 * Never blocks. */
typedef struct
{
  char *channel;
  char *payload;   /* "" when the sender gave none */
} InvolveDbNotification;

int              involve_db_get_socket          (InvolveDb      *db);
/* (element-type InvolveDbNotification) (transfer full) */
GPtrArray       *involve_db_take_notifications  (InvolveDb      *db);
void             involve_db_notification_free   (InvolveDbNotification *notification);

/* A lost connection to a server (a restart, the network, the server
 * ending the session).  The call that finds it gone fails with
 * SQLITE_IOERR (SQLSTATE 08006, or 08007 when the outcome of a COMMIT is
 * unknown), and this says what went with it; INVOLVE_DB_LOSS_NONE after
 * any other error, after success and on SQLite.  After
 * INVOLVE_DB_LOSS_ROLLED_BACK everything fails the same way until the
 * caller's ROLLBACK (a COMMIT fails, and ends it too).  The call after
 * that connects again: the session is set up as at connect, prepared
 * statements are planned again, and the reconnect function runs before
 * the statement.  A SELECT or BEGIN outside a transaction that finds the
 * connection gone runs once more on a new connection (a SELECT outside a
 * transaction is taken to change nothing: call functions that write
 * inside one). */
typedef enum
{
  INVOLVE_DB_LOSS_NONE,
  INVOLVE_DB_LOSS_IDLE,          /* no transaction was open: nothing changed */
  INVOLVE_DB_LOSS_ROLLED_BACK,   /* the server rolled back the open transaction */
  INVOLVE_DB_LOSS_UNKNOWN,       /* during COMMIT: committed or not, nobody can tell */
  INVOLVE_DB_LOSS_UNREACHABLE,   /* lost earlier, and connecting again failed */
} InvolveDbLoss;

/* Redoes what the caller set up on the session (FALSE with @error: the
 * statement fails and the next call connects again). */
typedef gboolean (*InvolveDbReconnectFunc) (InvolveDb  *db,
                                            gpointer    data,
                                            GError    **error);

InvolveDbLoss    involve_db_get_loss            (InvolveDb      *db);
/* Why, in the server's or libpq's words ("" without a loss). */
const char      *involve_db_get_loss_reason     (InvolveDb      *db);
/* TRUE while a server connection is known to be gone (and not made again
 * yet); FALSE on SQLite. */
gboolean         involve_db_is_lost             (InvolveDb      *db);
void             involve_db_set_reconnect_func  (InvolveDb      *db,
                                                 InvolveDbReconnectFunc func,
                                                 gpointer        data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveDbStmt, involve_db_finalize)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveDbNotification, involve_db_notification_free)

G_END_DECLS
