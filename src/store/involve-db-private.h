/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-db.h"

G_BEGIN_DECLS

/*
 * What an engine implements behind involve-db.h.  Each engine embeds
 * InvolveDb / InvolveDbStmt at the start of its own structures and fills
 * in one InvolveDbEngineFuncs; involve-db.c dispatches and keeps the list
 * of open statements so that closing finalizes them.
 */

typedef struct _InvolveDbEngineFuncs InvolveDbEngineFuncs;

struct _InvolveDb
{
  const InvolveDbEngineFuncs *funcs;
  InvolveDbEngine             engine;
  GList                      *statements;   /* InvolveDbStmt *, open ones */
};

struct _InvolveDbStmt
{
  InvolveDb *db;
  GList     *link;                          /* in db->statements */
  char      *sql;
};

struct _InvolveDbEngineFuncs
{
  void          (*close)              (InvolveDb *db);
  const char   *(*errmsg)             (InvolveDb *db);
  int           (*errcode)            (InvolveDb *db);
  const char   *(*sqlstate)           (InvolveDb *db);
  int           (*exec)               (InvolveDb *db, const char *sql, char **errmsg);
  gboolean      (*get_autocommit)     (InvolveDb *db);
  gint64        (*last_insert_rowid)  (InvolveDb *db);
  int           (*changes)            (InvolveDb *db);

  /* Returns a new statement (with db, sql unset) or NULL with the code. */
  InvolveDbStmt *(*prepare)           (InvolveDb *db, const char *sql, gboolean persistent, int *rc);
  void          (*finalize)           (InvolveDbStmt *stmt);
  int           (*step)               (InvolveDbStmt *stmt);
  int           (*reset)              (InvolveDbStmt *stmt);
  int           (*clear_bindings)     (InvolveDbStmt *stmt);
  int           (*bind_parameter_index) (InvolveDbStmt *stmt, const char *name);
  int           (*bind_null)          (InvolveDbStmt *stmt, int index);
  int           (*bind_int64)         (InvolveDbStmt *stmt, int index, gint64 value);
  int           (*bind_text)          (InvolveDbStmt *stmt, int index, const char *text, int length,
                                       void (*destructor) (void *));
  int           (*bind_blob)          (InvolveDbStmt *stmt, int index, const void *data, int length,
                                       void (*destructor) (void *));
  int           (*column_count)       (InvolveDbStmt *stmt);
  int           (*column_type)        (InvolveDbStmt *stmt, int column);
  const char   *(*column_text)        (InvolveDbStmt *stmt, int column);
  gint64        (*column_int64)       (InvolveDbStmt *stmt, int column);
  const void   *(*column_blob)        (InvolveDbStmt *stmt, int column);
  int           (*column_bytes)       (InvolveDbStmt *stmt, int column);
  int           (*get_socket)         (InvolveDb *db);
  /* Adds InvolveDbNotification * to @out. */
  void          (*take_notifications) (InvolveDb *db, GPtrArray *out);
  /* Lost connections: NULL on engines without a server. */
  InvolveDbLoss (*get_loss)           (InvolveDb *db);
  const char   *(*get_loss_reason)    (InvolveDb *db);
  gboolean      (*is_lost)            (InvolveDb *db);
  void          (*set_reconnect_func) (InvolveDb *db, InvolveDbReconnectFunc func, gpointer data);
};

/* For engines: the SQLite connection behind an SQLite InvolveDb. */
sqlite3 *_involve_db_sqlite_get_handle (InvolveDb *db);

G_END_DECLS
