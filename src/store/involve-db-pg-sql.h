/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The PostgreSQL engine's view of the SQL the store writes for SQLite
 * (involve-db-pg.c).  No libpq here, so the fuzz target and the unit test
 * use it alone.
 *
 * Parameters are numbered as SQLite numbers them: "?" takes one more than
 * the highest number so far, "?NNN" takes NNN, and ":name", "@name",
 * "$name" take the number the same name had before, or one more than the
 * highest.  They become PostgreSQL's "$n".  Nothing inside string
 * literals ('', E'', U&''), quoted identifiers, dollar-quoted strings or
 * comments (-- and nested block comments) is touched, and "::" is a cast.
 * PostgreSQL's own "?" operators (jsonb) cannot be written: use the
 * functions.
 */

#define INVOLVE_DB_PG_MAX_PARAMS 32766

typedef struct
{
  char  *sql;          /* with $1, $2, ... */
  int    n_params;     /* the highest parameter number */
  char **names;        /* [1..n_params]: ":name", "?NNN" or NULL ("?") */
  guint8 *used;        /* [1..n_params]: whether the SQL names it (?NNN leaves gaps) */
} InvolveDbPgSql;

/* NULL with a message in *@errmsg (g_free ()) for an unterminated
 * literal or comment or a parameter number out of range. */
InvolveDbPgSql *_involve_db_pg_sql_rewrite      (const char           *sql,
                                                 char                **errmsg);
void            _involve_db_pg_sql_free         (InvolveDbPgSql       *parsed);
/* 0 when there is no parameter of that name (as sqlite3_bind_parameter_index). */
int             _involve_db_pg_sql_param_index  (const InvolveDbPgSql *parsed,
                                                 const char           *name);

/* The statements of @sql (split at top-level ";"), trimmed, empty ones
 * left out. */
GPtrArray      *_involve_db_pg_sql_split        (const char           *sql);

typedef enum
{
  INVOLVE_DB_PG_STMT_OTHER,
  INVOLVE_DB_PG_STMT_BEGIN,            /* BEGIN [DEFERRED] [TRANSACTION] */
  INVOLVE_DB_PG_STMT_BEGIN_IMMEDIATE,  /* BEGIN IMMEDIATE / EXCLUSIVE */
  INVOLVE_DB_PG_STMT_TRANSACTION,      /* COMMIT, ROLLBACK, SAVEPOINT, ... */
} InvolveDbPgStmtKind;

/* Whether one statement controls the transaction (and so must not be
 * wrapped in a savepoint), and whether it is SQLite's own BEGIN. */
InvolveDbPgStmtKind _involve_db_pg_sql_classify (const char           *statement);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveDbPgSql, _involve_db_pg_sql_free)

G_END_DECLS
