/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-db"
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <libpq-fe.h>

#include "involve-db-pg-private.h"
#include "involve-db-pg-sql.h"
#include "involve-db-private.h"

/*
 * The PostgreSQL engine: the store's SQLite-shaped calls on libpq.
 *
 * Parameters.  "?", "?NNN", ":name", "@name" and "$name" become "$n"
 * (involve-db-pg-sql.c).  Bound values go as text, except blobs (binary
 * bytea).  An int64 is declared int8, a blob bytea; text and NULL are left
 * for the server to infer from the SQL around them.  Where the SQL gives
 * the server nothing to infer from ("? IS NULL", "SELECT ?", "coalesce
 * (?, ?)") it refuses with "could not determine data type of parameter"
 * (SQLITE_ERROR, SQLSTATE 42P18): write "CAST (? AS text)" there.  An int8
 * is not implicitly narrowed, so functions that take an integer need
 * "CAST (? AS integer)" (substr (x, CAST (? AS integer))).
 *
 * Execution.  The first step runs the statement and keeps the whole
 * result; later steps hand out its rows.  Statements the store keeps
 * (persistent) are prepared once per connection, in the same round trip
 * as their first run; others go as one PQexecParams.  A persistent
 * statement bound with other types than it was prepared with (NULL fits
 * any) runs unprepared that time.
 *
 * Transactions.  In PostgreSQL a failed statement aborts its whole
 * transaction; in SQLite only the statement is undone.  Inside a
 * transaction each statement is therefore wrapped in "SAVEPOINT
 * involve_stmt" ... "RELEASE involve_stmt", pipelined with the statement
 * (no extra round trip); on failure "ROLLBACK TO involve_stmt" (one more
 * round trip, only then) leaves the transaction as it was before the
 * statement.  SQLite's BEGIN DEFERRED is BEGIN; BEGIN IMMEDIATE and
 * EXCLUSIVE also take one transaction-scoped advisory lock, so that
 * writers queue one at a time as they do on a register file, and each
 * sees what the one before committed (READ COMMITTED after the lock).
 * Waiting for it ends with SQLITE_BUSY after lock_timeout (30 s).
 *
 * Lost connections (a server restart, the network, pg_terminate_backend).
 * The call that finds the connection gone fails with SQLITE_IOERR and
 * says what went with it (involve_db_get_loss ()): nothing, when no
 * transaction was open and the statement only read; the open transaction,
 * which the server rolled back; or, when it went during COMMIT (or a
 * write outside a transaction, which commits by itself), nobody knows
 * whether it was committed.  After a lost transaction every statement
 * fails the same way until the caller's ROLLBACK (or COMMIT, which fails),
 * so that nothing meant for that transaction runs outside it.  The next
 * call then connects again (PQreset), sets the session up as at connect,
 * forgets the prepared statements (they died with the session) and calls
 * the reconnect function (the caller's own set-up).  A SELECT or BEGIN
 * outside a transaction that finds the connection gone had changed
 * nothing: it runs once more, on the new connection.
 */

/* "Involve" in ASCII: the one advisory lock of BEGIN IMMEDIATE. */
#define WRITER_LOCK_SQL "SELECT pg_advisory_xact_lock (20691956569798245)"
#define LOCK_TIMEOUT "30s"

/* Type oids (pg_type.h is for the server's own headers). */
#define OID_BOOL    16
#define OID_BYTEA   17
#define OID_INT8    20
#define OID_INT2    21
#define OID_INT4    23
#define OID_OID     26
#define OID_TEXT    25
#define OID_FLOAT4  700
#define OID_FLOAT8  701
#define OID_NUMERIC 1700

typedef struct
{
  InvolveDb  parent;
  PGconn    *conn;
  int        errcode;
  char       sqlstate[6];
  char      *errmsg;
  int        changes;
  guint      next_name;
  gboolean   statement_savepoints;

  /* Lost connections */
  char                   *conninfo;     /* to redact messages */
  InvolveDbLoss           loss;         /* of the last error */
  char                   *loss_reason;  /* ... and why, as the server or libpq said */
  gboolean                txn_open;     /* when the current statement began */
  gboolean                committing;   /* the current statement commits */
  gboolean                lost_txn;     /* waits for the caller's ROLLBACK */
  gboolean                set_up;       /* the session is set up */
  gboolean                reconnecting;
  guint                   session;      /* counts connections */
  InvolveDbReconnectFunc  reconnect_func;
  gpointer                reconnect_data;
} PgDb;

typedef enum
{
  PARAM_NULL = 0,   /* also: not bound */
  PARAM_INT,
  PARAM_TEXT,
  PARAM_BLOB,
} ParamKind;

typedef struct
{
  ParamKind  kind;
  char      *value;    /* owned, or not when static */
  int        length;
  gboolean   owned;
} PgParam;

typedef struct
{
  InvolveDbStmt        parent;
  InvolveDbPgSql      *parsed;
  InvolveDbPgStmtKind  kind;
  gboolean             persistent;
  char                *name;             /* once prepared on the server */
  guint                session;          /* ... in this session (PgDb.session) */
  Oid                 *prepared_types;
  PgParam             *params;           /* [1..n_params] */
  PGresult            *result;
  int                  row;
  gboolean             executed;
  gboolean             done;             /* SQLITE_DONE was returned */
  char               **decoded;          /* bytea of the current row, per column */
  size_t              *decoded_length;
} PgStmt;

#define PG_DB(db)     ((PgDb *) (db))
#define PG_STMT(stmt) ((PgStmt *) (stmt))

/* ---- errors ---------------------------------------------------------- */

static int
map_sqlstate (const char *state)
{
  if (state == NULL || strlen (state) != 5)
    return SQLITE_ERROR;
  if (g_str_equal (state, "23505"))
    return SQLITE_CONSTRAINT_UNIQUE;
  if (g_str_equal (state, "23503"))
    return SQLITE_CONSTRAINT_FOREIGNKEY;
  if (g_str_equal (state, "23502"))
    return SQLITE_CONSTRAINT_NOTNULL;
  if (g_str_equal (state, "23514"))
    return SQLITE_CONSTRAINT_CHECK;
  if (g_str_has_prefix (state, "23"))
    return SQLITE_CONSTRAINT;
  if (g_str_equal (state, "P0001"))
    return SQLITE_CONSTRAINT_TRIGGER;
  if (g_str_equal (state, "42501"))
    return SQLITE_AUTH;
  if (g_str_equal (state, "40001") || g_str_equal (state, "40P01") || g_str_equal (state, "55P03"))
    return SQLITE_BUSY;
  if (g_str_equal (state, "57014"))
    return SQLITE_INTERRUPT;
  if (g_str_equal (state, "53100"))
    return SQLITE_FULL;
  if (g_str_equal (state, "53200"))
    return SQLITE_NOMEM;
  /* Connection failures, and the server ending this session. */
  if (g_str_has_prefix (state, "08") || g_str_has_prefix (state, "57P"))
    return SQLITE_IOERR;
  if (g_str_has_prefix (state, "22"))
    return SQLITE_MISMATCH;
  return SQLITE_ERROR;
}

static void
set_error (PgDb       *db,
           int         code,
           const char *state,
           const char *message)
{
  db->errcode = code;
  g_strlcpy (db->sqlstate, state != NULL ? state : "", sizeof db->sqlstate);
  g_free (db->errmsg);
  db->errmsg = g_strdup (message);
  db->loss = INVOLVE_DB_LOSS_NONE;
}

static void
set_ok (PgDb *db)
{
  if (db->errcode != SQLITE_OK)
    set_error (db, SQLITE_OK, "", "not an error");
}

/* The error of a lost connection: what went with it, and why (@res: the
 * server's goodbye, when it sent one). */
static void
set_loss_because (PgDb           *db,
                  InvolveDbLoss   loss,
                  const PGresult *res,
                  const char     *why)
{
  const char *primary = res != NULL ? PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  g_autofree char *reason = NULL;
  g_autofree char *message = NULL;

  if (why != NULL)
    reason = g_strdup (why);
  else if (primary != NULL)
    reason = g_strdup (primary);
  else
    {
      g_autofree char *text = g_strstrip (g_strdup (PQerrorMessage (db->conn)));
      char *newline = strchr (text, '\n');

      /* libpq's first line says it; the rest is advice for servers. */
      if (newline != NULL)
        *newline = '\0';
      if (g_str_has_prefix (text, "FATAL:"))
        memmove (text, text + 6, strlen (text + 6) + 1);
      reason = g_strdup (*g_strstrip (text) != '\0' ? text : "no reason given");
    }
  if (db->conninfo != NULL)
    {
      char *redacted = _involve_db_pg_redact (reason, db->conninfo);

      g_free (reason);
      reason = redacted;
    }
  switch (loss)
    {
    case INVOLVE_DB_LOSS_ROLLED_BACK:
      message = g_strdup_printf ("the connection to the register server was lost (%s); "
                                 "the server rolled back the open transaction", reason);
      break;
    case INVOLVE_DB_LOSS_UNKNOWN:
      message = g_strdup_printf ("the connection to the register server was lost before the server confirmed "
                                 "the commit (%s); whether the transaction was committed is unknown", reason);
      break;
    case INVOLVE_DB_LOSS_UNREACHABLE:
      message = g_strdup_printf ("the connection to the register server was lost and could not be made again (%s)",
                                 reason);
      break;
    case INVOLVE_DB_LOSS_IDLE:
    case INVOLVE_DB_LOSS_NONE:
    default:
      message = g_strdup_printf ("the connection to the register server was lost (%s)", reason);
      loss = INVOLVE_DB_LOSS_IDLE;
      break;
    }
  set_error (db, SQLITE_IOERR, loss == INVOLVE_DB_LOSS_UNKNOWN ? "08007" : "08006", message);
  db->loss = loss;
  g_free (db->loss_reason);
  db->loss_reason = g_steal_pointer (&reason);
}

static void
set_loss (PgDb           *db,
          InvolveDbLoss   loss,
          const PGresult *res)
{
  set_loss_because (db, loss, res, NULL);
}

/* Whether the connection is gone (found out during the statement that
 * began with db->txn_open and db->committing); if so, the error says
 * what went with it. */
static gboolean
connection_lost_with (PgDb           *db,
                      const PGresult *res)
{
  const char *severity = res != NULL ? PQresultErrorField (res, PG_DIAG_SEVERITY_NONLOCALIZED) : NULL;
  InvolveDbLoss loss;

  /* A FATAL error ends the session (libpq may not have seen the socket
   * close yet): the next call connects again. */
  if (g_strcmp0 (severity, "FATAL") == 0 || g_strcmp0 (severity, "PANIC") == 0)
    db->set_up = FALSE;
  else if (PQstatus (db->conn) == CONNECTION_OK)
    return FALSE;
  if (db->committing)
    loss = INVOLVE_DB_LOSS_UNKNOWN;
  else if (db->txn_open)
    loss = INVOLVE_DB_LOSS_ROLLED_BACK;
  else
    loss = INVOLVE_DB_LOSS_IDLE;
  /* Once: the same statement may notice it more than once. */
  if (db->errcode == SQLITE_IOERR && db->loss != INVOLVE_DB_LOSS_NONE)
    return TRUE;
  set_loss (db, loss, res);
  /* The caller's ROLLBACK ends it (see the top of this file). */
  db->lost_txn = db->txn_open && !db->committing;
  db->txn_open = FALSE;
  db->committing = FALSE;
  return TRUE;
}

static gboolean
connection_lost (PgDb *db)
{
  return connection_lost_with (db, NULL);
}

/* The error of @res (or of the connection when @res has none). */
static int
set_error_from_result (PgDb           *db,
                       const PGresult *res)
{
  const char *state = res != NULL ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
  const char *primary = res != NULL ? PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  const char *detail = res != NULL ? PQresultErrorField (res, PG_DIAG_MESSAGE_DETAIL) : NULL;
  const char *hint = res != NULL ? PQresultErrorField (res, PG_DIAG_MESSAGE_HINT) : NULL;
  g_autoptr(GString) message = NULL;

  if (connection_lost_with (db, res))
    return db->errcode;
  if (primary == NULL)
    {
      g_autofree char *text = g_strstrip (g_strdup (PQerrorMessage (db->conn)));

      set_error (db, state != NULL ? map_sqlstate (state) : SQLITE_ERROR, state,
                 *text != '\0' ? text : "unknown error");
      return db->errcode;
    }
  message = g_string_new (primary);
  if (detail != NULL)
    g_string_append_printf (message, " (%s)", detail);
  if (hint != NULL)
    g_string_append_printf (message, " %s", hint);
  set_error (db, map_sqlstate (state), state, message->str);
  return db->errcode;
}

static const char *
pg_errmsg (InvolveDb *db)
{
  return PG_DB (db)->errmsg;
}

static int
pg_errcode (InvolveDb *db)
{
  return PG_DB (db)->errcode;
}

static const char *
pg_sqlstate (InvolveDb *db)
{
  return PG_DB (db)->sqlstate;
}

/* ---- running SQL ----------------------------------------------------- */

static gboolean
result_failed (const PGresult *res)
{
  ExecStatusType status = res != NULL ? PQresultStatus (res) : PGRES_FATAL_ERROR;

  return status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
         status != PGRES_EMPTY_QUERY;
}

/* Rows changed, as sqlite3_changes () counts them: only by INSERT,
 * UPDATE and DELETE (a SELECT leaves the count alone). */
static void
note_changes (PgDb           *db,
              const PGresult *res)
{
  const char *status = PQcmdStatus ((PGresult *) res);

  if (g_str_has_prefix (status, "INSERT ") || g_str_has_prefix (status, "UPDATE ") ||
      g_str_has_prefix (status, "DELETE ") || g_str_has_prefix (status, "MERGE "))
    db->changes = atoi (PQcmdTuples ((PGresult *) res));
}

/* Runs @sql (one or more statements, no parameters) with the simple
 * protocol; the first error is kept. */
static int
run_simple (PgDb       *db,
            const char *sql)
{
  PGresult *res;
  int rc = SQLITE_OK;

  if (!PQsendQuery (db->conn, sql))
    return set_error_from_result (db, NULL);
  while ((res = PQgetResult (db->conn)) != NULL)
    {
      if (rc == SQLITE_OK && result_failed (res))
        rc = set_error_from_result (db, res);
      else if (rc == SQLITE_OK)
        note_changes (db, res);
      PQclear (res);
    }
  if (rc == SQLITE_OK && connection_lost (db))
    rc = db->errcode;
  return rc;
}

static gboolean
in_transaction (PgDb *db)
{
  return PQtransactionStatus (db->conn) == PQTRANS_INTRANS;
}

/* After a failed statement in a transaction: back to before it. */
static void
undo_statement (PgDb *db)
{
  PGresult *res;

  if (PQtransactionStatus (db->conn) != PQTRANS_INERROR)
    return;
  res = PQexec (db->conn, "ROLLBACK TO involve_stmt; RELEASE involve_stmt");
  if (result_failed (res))
    g_debug ("Could not undo a failed statement: %s", PQerrorMessage (db->conn));
  PQclear (res);
}

/* The part of a pipelined run that failed first, and its result. */
typedef struct
{
  PGresult *main;       /* the statement's own result */
  PGresult *error;      /* the first failure, if any */
  int       failed_at;  /* index of the failing command, -1 if none */
} PipelineResults;

/* Reads @n_commands results and the sync. */
static gboolean
read_pipeline (PgDb            *db,
               int              n_commands,
               int              main_index,
               PipelineResults *out)
{
  gboolean ok = TRUE;

  out->main = NULL;
  out->error = NULL;
  out->failed_at = -1;
  for (int i = 0; i < n_commands; i++)
    {
      PGresult *res = PQgetResult (db->conn);
      PGresult *extra;

      if (res == NULL)
        return FALSE;    /* the connection broke */
      if (PQresultStatus (res) == PGRES_FATAL_ERROR && out->error == NULL)
        {
          out->error = res;
          out->failed_at = i;
        }
      else if (i == main_index && PQresultStatus (res) != PGRES_PIPELINE_ABORTED)
        out->main = res;
      else
        PQclear (res);
      /* Each command's results end with NULL. */
      while ((extra = PQgetResult (db->conn)) != NULL)
        {
          if (PQresultStatus (extra) == PGRES_PIPELINE_SYNC)
            {
              PQclear (extra);
              return FALSE;
            }
          PQclear (extra);
        }
    }
  for (;;)
    {
      PGresult *res = PQgetResult (db->conn);

      if (res == NULL)
        {
          ok = FALSE;
          break;
        }
      if (PQresultStatus (res) == PGRES_PIPELINE_SYNC)
        {
          PQclear (res);
          break;
        }
      PQclear (res);
    }
  return ok;
}

/* Runs one statement with parameters: prepared (@prepare_name: prepare it
 * first with @types; @exec_name: run the prepared one) or not, wrapped in
 * the statement savepoint inside a transaction.  Returns its result or
 * NULL with the error set. */
static PGresult *
run_statement (PgDb              *db,
               const char        *sql,
               int                n_params,
               const Oid         *types,
               const char *const *values,
               const int         *lengths,
               const int         *formats,
               const char        *prepare_name,
               const char        *exec_name,
               gboolean          *prepare_failed)
{
  gboolean wrap = db->statement_savepoints && in_transaction (db);
  PipelineResults results = { NULL, NULL, -1 };
  int n_commands = 0;
  int main_index;
  gboolean sent = TRUE;

  if (prepare_failed != NULL)
    *prepare_failed = FALSE;

  if (!wrap && prepare_name == NULL)
    {
      PGresult *res;

      if (exec_name != NULL)
        res = PQexecPrepared (db->conn, exec_name, n_params, values, lengths, formats, 0);
      else
        res = PQexecParams (db->conn, sql, n_params, types, values, lengths, formats, 0);
      if (result_failed (res))
        {
          set_error_from_result (db, res);
          PQclear (res);
          return NULL;
        }
      return res;
    }

  if (!PQenterPipelineMode (db->conn))
    {
      set_error_from_result (db, NULL);
      return NULL;
    }
  if (wrap)
    {
      sent = sent && PQsendQueryParams (db->conn, "SAVEPOINT involve_stmt", 0, NULL, NULL, NULL, NULL, 0);
      n_commands++;
    }
  if (prepare_name != NULL)
    {
      sent = sent && PQsendPrepare (db->conn, prepare_name, sql, n_params, types);
      n_commands++;
    }
  main_index = n_commands;
  if (exec_name != NULL)
    sent = sent && PQsendQueryPrepared (db->conn, exec_name, n_params, values, lengths, formats, 0);
  else
    sent = sent && PQsendQueryParams (db->conn, sql, n_params, types, values, lengths, formats, 0);
  n_commands++;
  if (wrap)
    {
      sent = sent && PQsendQueryParams (db->conn, "RELEASE involve_stmt", 0, NULL, NULL, NULL, NULL, 0);
      n_commands++;
    }
  sent = sent && PQpipelineSync (db->conn);
  if (!sent || !read_pipeline (db, n_commands, main_index, &results))
    {
      if (!sent)
        set_error_from_result (db, NULL);
      else if (!connection_lost (db))
        set_error (db, SQLITE_IOERR, "08000", PQerrorMessage (db->conn));
      PQclear (results.error);
      PQclear (results.main);
      PQexitPipelineMode (db->conn);
      return NULL;
    }
  PQexitPipelineMode (db->conn);

  if (results.error != NULL)
    {
      set_error_from_result (db, results.error);
      PQclear (results.error);
      PQclear (results.main);
      if (prepare_failed != NULL && prepare_name != NULL && results.failed_at < main_index)
        *prepare_failed = TRUE;
      if (wrap)
        undo_statement (db);
      return NULL;
    }
  if (results.main == NULL)
    {
      set_error (db, SQLITE_ERROR, "", "the server sent no result");
      return NULL;
    }
  return results.main;
}

/* ---- lost connections ------------------------------------------------ */

/* What every connection runs first.  The register's tables are in the
 * schema "involve" when there is one (search_path takes a missing schema
 * silently).  Backslashes in literals are literal, as in SQLite. */
static gboolean
set_up_session (PGconn  *conn,
                char   **message)
{
  PGresult *res = PQexec (conn, "SET search_path = involve, public; "
                                "SET standard_conforming_strings = on; "
                                "SET lock_timeout = '" LOCK_TIMEOUT "'");
  gboolean ok = !result_failed (res);

  if (!ok)
    *message = g_strstrip (g_strdup (PQerrorMessage (conn)));
  PQclear (res);
  return ok;
}

/* Whether @sql (one statement) changes nothing by itself outside a
 * transaction: a SELECT (functions that write are for transactions), a
 * setting, or the start or end of a transaction.  Anything else commits
 * on its own there, so a loss during it leaves its outcome unknown. */
static gboolean
statement_only_reads (const char *sql)
{
  static const char *const words[] = {
    "SELECT", "SHOW", "SET", "RESET", "LISTEN", "UNLISTEN", "BEGIN", "START", "ROLLBACK", "ABORT",
  };

  while (g_ascii_isspace (*sql) || *sql == '(')
    sql++;
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      size_t n = strlen (words[i]);

      if (g_ascii_strncasecmp (sql, words[i], n) == 0 && !g_ascii_isalnum (sql[n]) && sql[n] != '_')
        return TRUE;
    }
  return FALSE;
}

/* Connects again after a loss, as at first.  FALSE with the error set. */
static gboolean
reconnect (PgDb *db)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (db->reconnecting)
    {
      set_loss (db, INVOLVE_DB_LOSS_UNREACHABLE, NULL);
      return FALSE;
    }
  g_debug ("Connecting to the register server again");
  db->set_up = FALSE;
  PQreset (db->conn);
  if (PQstatus (db->conn) != CONNECTION_OK)
    {
      set_loss (db, INVOLVE_DB_LOSS_UNREACHABLE, NULL);
      return FALSE;
    }
  if (PQpipelineStatus (db->conn) != PQ_PIPELINE_OFF)
    PQexitPipelineMode (db->conn);
  /* The old session's prepared statements died with it. */
  db->session++;
  if (!set_up_session (db->conn, &message))
    {
      db->set_up = FALSE;
      set_loss_because (db, INVOLVE_DB_LOSS_UNREACHABLE, NULL, message);
      return FALSE;
    }
  db->set_up = TRUE;
  set_ok (db);
  if (db->reconnect_func != NULL)
    {
      gboolean ok;

      db->reconnecting = TRUE;
      ok = db->reconnect_func (&db->parent, db->reconnect_data, &error);
      db->reconnecting = FALSE;
      if (!ok)
        {
          /* Not fit for use: the next call starts afresh. */
          db->set_up = FALSE;
          set_loss_because (db, INVOLVE_DB_LOSS_UNREACHABLE, NULL,
                            error != NULL ? error->message : "the session could not be set up again");
          return FALSE;
        }
    }
  set_ok (db);
  return TRUE;
}

/* Before each statement: refuses while a lost transaction waits for its
 * ROLLBACK, connects again when the connection was lost, and notes what a
 * loss during the statement would take with it.  @sql: the statement. */
static gboolean
begin_statement (PgDb       *db,
                 const char *sql)
{
  PGTransactionStatusType status;

  if (db->lost_txn)
    {
      set_loss (db, INVOLVE_DB_LOSS_ROLLED_BACK, NULL);
      return FALSE;
    }
  if ((PQstatus (db->conn) != CONNECTION_OK || !db->set_up) && !reconnect (db))
    return FALSE;
  status = PQtransactionStatus (db->conn);
  db->loss = INVOLVE_DB_LOSS_NONE;
  db->txn_open = status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
  db->committing = !db->txn_open && !statement_only_reads (sql);
  return TRUE;
}

/* After a statement failed: whether it may run once more on a new
 * connection (it found the connection gone and had changed nothing). */
static gboolean
may_run_again (PgDb       *db,
               const char *sql)
{
  return db->loss == INVOLVE_DB_LOSS_IDLE && statement_only_reads (sql) && reconnect (db);
}

/* The caller's statements after a transaction was lost: its ROLLBACK
 * ends the matter, a COMMIT hears that nothing was committed, anything
 * else fails as the transaction did. */
static int
exec_after_lost_transaction (PgDb       *db,
                             const char *statement)
{
  InvolveDbPgStmtKind kind = _involve_db_pg_sql_classify (statement);
  gboolean rollback = (g_ascii_strncasecmp (statement, "ROLLBACK", 8) == 0 ||
                       g_ascii_strncasecmp (statement, "ABORT", 5) == 0) &&
                      strstr (statement, " TO ") == NULL && strstr (statement, " to ") == NULL;

  if (kind == INVOLVE_DB_PG_STMT_TRANSACTION && rollback)
    {
      db->lost_txn = FALSE;
      set_ok (db);
      return SQLITE_OK;
    }
  set_loss (db, INVOLVE_DB_LOSS_ROLLED_BACK, NULL);
  if (kind == INVOLVE_DB_PG_STMT_TRANSACTION &&
      (g_ascii_strncasecmp (statement, "COMMIT", 6) == 0 || g_ascii_strncasecmp (statement, "END", 3) == 0))
    db->lost_txn = FALSE;
  return db->errcode;
}

/* Runs one statement without parameters, as involve_db_exec () does. */
static int
exec_one (PgDb       *db,
          const char *statement)
{
  InvolveDbPgStmtKind kind = _involve_db_pg_sql_classify (statement);
  g_autofree char *sql = NULL;

  if (db->lost_txn)
    return exec_after_lost_transaction (db, statement);
  if (!begin_statement (db, statement))
    return db->errcode;

  switch (kind)
    {
    case INVOLVE_DB_PG_STMT_BEGIN:
      {
        int rc = run_simple (db, "BEGIN");

        if (rc != SQLITE_OK && may_run_again (db, statement) && begin_statement (db, statement))
          rc = run_simple (db, "BEGIN");
        return rc;
      }
    case INVOLVE_DB_PG_STMT_BEGIN_IMMEDIATE:
      {
        int rc = run_simple (db, "BEGIN; " WRITER_LOCK_SQL);

        if (rc != SQLITE_OK && may_run_again (db, statement) && begin_statement (db, statement))
          rc = run_simple (db, "BEGIN; " WRITER_LOCK_SQL);

        /* Waiting for the lock failed: no half-begun transaction. */
        if (rc != SQLITE_OK && PQtransactionStatus (db->conn) == PQTRANS_INERROR)
          {
            PGresult *res = PQexec (db->conn, "ROLLBACK");
            PQclear (res);
          }
        return rc;
      }
    case INVOLVE_DB_PG_STMT_TRANSACTION:
      /* PostgreSQL answers COMMIT of a failed transaction with a silent
       * ROLLBACK; the caller must hear that nothing was saved. */
      if (PQtransactionStatus (db->conn) == PQTRANS_INERROR &&
          (g_ascii_strncasecmp (statement, "COMMIT", 6) == 0 ||
           g_ascii_strncasecmp (statement, "END", 3) == 0))
        {
          PGresult *res = PQexec (db->conn, "ROLLBACK");

          PQclear (res);
          set_error (db, SQLITE_ERROR, "25P02",
                     "the transaction failed earlier and was rolled back, not committed");
          return SQLITE_ERROR;
        }
      if (db->txn_open && (g_ascii_strncasecmp (statement, "COMMIT", 6) == 0 ||
                           g_ascii_strncasecmp (statement, "END", 3) == 0))
        db->committing = TRUE;
      return run_simple (db, statement);
    case INVOLVE_DB_PG_STMT_OTHER:
    default:
      break;
    }
  if (!db->statement_savepoints || !in_transaction (db))
    {
      int rc = run_simple (db, statement);

      if (rc != SQLITE_OK && may_run_again (db, statement) && begin_statement (db, statement))
        rc = run_simple (db, statement);
      return rc;
    }
  /* The newlines keep a trailing "--" comment from hiding RELEASE. */
  sql = g_strdup_printf ("SAVEPOINT involve_stmt;\n%s\n;RELEASE involve_stmt", statement);
  if (run_simple (db, sql) != SQLITE_OK)
    {
      int rc = db->errcode;
      InvolveDbLoss loss = db->loss;
      g_autofree char *message = g_strdup (db->errmsg);
      char state[6];

      g_strlcpy (state, db->sqlstate, sizeof state);
      undo_statement (db);
      set_error (db, rc, state, message);
      db->loss = loss;
      return rc;
    }
  return SQLITE_OK;
}

static int
pg_exec (InvolveDb   *idb,
         const char  *sql,
         char       **errmsg)
{
  PgDb *db = PG_DB (idb);
  g_autoptr(GPtrArray) statements = _involve_db_pg_sql_split (sql);

  for (guint i = 0; i < statements->len; i++)
    if (exec_one (db, g_ptr_array_index (statements, i)) != SQLITE_OK)
      goto failed;
  set_ok (db);
  return SQLITE_OK;

failed:
  if (errmsg != NULL)
    *errmsg = g_strdup (db->errmsg);
  return db->errcode & 0xff;
}

static gboolean
pg_get_autocommit (InvolveDb *db)
{
  PGTransactionStatusType status = PQtransactionStatus (PG_DB (db)->conn);

  /* A lost transaction is still the caller's to roll back. */
  if (PG_DB (db)->lost_txn)
    return FALSE;
  return status == PQTRANS_IDLE || status == PQTRANS_UNKNOWN;
}

static gint64
pg_last_insert_rowid (InvolveDb *idb)
{
  PgDb *db = PG_DB (idb);
  int code = db->errcode;
  g_autofree char *message = g_strdup (db->errmsg);
  char state[6];
  PGresult *res;
  gint64 id = 0;

  /* Nothing to ask a lost connection. */
  if (db->lost_txn || PQstatus (db->conn) != CONNECTION_OK)
    return 0;
  /* lastval () fails before any sequence was used: that is 0, and it
   * must neither abort the transaction nor change the last error. */
  g_strlcpy (state, db->sqlstate, sizeof state);
  res = run_statement (db, "SELECT lastval ()", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  if (res != NULL && PQntuples (res) == 1 && !PQgetisnull (res, 0, 0))
    id = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  PQclear (res);
  if (db->errcode != SQLITE_IOERR)
    set_error (db, code, state, message);
  return id;
}

static int
pg_changes (InvolveDb *db)
{
  return PG_DB (db)->changes;
}

/* ---- statements ------------------------------------------------------ */

static void
clear_row (PgStmt *stmt)
{
  if (stmt->decoded == NULL)
    return;
  for (int i = 0; stmt->result != NULL && i < PQnfields (stmt->result); i++)
    g_clear_pointer (&stmt->decoded[i], g_free);
}

static void
clear_result (PgStmt *stmt)
{
  clear_row (stmt);
  g_clear_pointer (&stmt->decoded, g_free);
  g_clear_pointer (&stmt->decoded_length, g_free);
  g_clear_pointer (&stmt->result, PQclear);
  stmt->row = -1;
  stmt->executed = FALSE;
  stmt->done = FALSE;
}

static void
clear_param (PgParam *param)
{
  if (param->owned)
    g_free (param->value);
  param->value = NULL;
  param->owned = FALSE;
  param->length = 0;
  param->kind = PARAM_NULL;
}

static InvolveDbStmt *
pg_prepare (InvolveDb  *idb,
            const char *sql,
            gboolean    persistent,
            int        *rc)
{
  PgDb *db = PG_DB (idb);
  g_autofree char *message = NULL;
  InvolveDbPgSql *parsed;
  PgStmt *stmt;

  parsed = _involve_db_pg_sql_rewrite (sql, &message);
  if (parsed == NULL)
    {
      set_error (db, SQLITE_ERROR, "42601", message);
      *rc = SQLITE_ERROR;
      return NULL;
    }
  if (strspn (parsed->sql, " \t\r\n;") == strlen (parsed->sql))
    {
      _involve_db_pg_sql_free (parsed);
      set_error (db, SQLITE_MISUSE, "", "no statement to prepare");
      *rc = SQLITE_MISUSE;
      return NULL;
    }
  stmt = g_new0 (PgStmt, 1);
  stmt->parsed = parsed;
  stmt->kind = _involve_db_pg_sql_classify (parsed->sql);
  stmt->persistent = persistent;
  stmt->params = g_new0 (PgParam, parsed->n_params + 1);
  stmt->row = -1;
  set_ok (db);
  return &stmt->parent;
}

static void
pg_finalize (InvolveDbStmt *istmt)
{
  PgStmt *stmt = PG_STMT (istmt);

  clear_result (stmt);
  for (int i = 1; i <= stmt->parsed->n_params; i++)
    clear_param (&stmt->params[i]);
  g_free (stmt->params);
  /* A prepared statement stays on the server until the connection ends:
   * persistent statements live as long as the connection anyway. */
  g_free (stmt->name);
  g_free (stmt->prepared_types);
  _involve_db_pg_sql_free (stmt->parsed);
  g_free (stmt);
}

static Oid
param_type (const PgParam *param)
{
  switch (param->kind)
    {
    case PARAM_INT:
      return OID_INT8;
    case PARAM_BLOB:
      return OID_BYTEA;
    case PARAM_TEXT:
    case PARAM_NULL:
    default:
      return 0;
    }
}

static int
execute (PgStmt *stmt)
{
  PgDb *db = PG_DB (stmt->parent.db);
  int n = stmt->parsed->n_params;
  g_autofree Oid *types = g_new0 (Oid, n + 1);
  g_autofree const char **values = g_new0 (const char *, n + 1);
  g_autofree int *lengths = g_new0 (int, n + 1);
  g_autofree int *formats = g_new0 (int, n + 1);
  gboolean use_prepared = FALSE;
  gboolean prepare_failed = FALSE;
  g_autofree char *prepare_name = NULL;
  gboolean ran_again = FALSE;
  PGresult *res;

  /* BEGIN IMMEDIATE and friends go the way involve_db_exec () takes them. */
  if (stmt->kind != INVOLVE_DB_PG_STMT_OTHER && n == 0)
    {
      int rc = exec_one (db, stmt->parsed->sql);

      if (rc == SQLITE_OK)
        {
          stmt->executed = TRUE;
          set_ok (db);
        }
      return rc;
    }

  for (int i = 0; i < n; i++)
    {
      const PgParam *param = &stmt->params[i + 1];

      /* A number the SQL skips (?1, ?3) has nothing to infer from, and
       * its value goes nowhere. */
      if (!stmt->parsed->used[i + 1])
        {
          types[i] = OID_TEXT;
          continue;
        }
      types[i] = param_type (param);
      values[i] = param->kind == PARAM_NULL ? NULL : param->value;
      lengths[i] = param->length;
      formats[i] = param->kind == PARAM_BLOB ? 1 : 0;
    }

  if (!begin_statement (db, stmt->parsed->sql))
    return db->errcode;
  for (int attempt = 0; attempt < 3; attempt++)
    {
      use_prepared = FALSE;
      g_clear_pointer (&prepare_name, g_free);
      /* Prepared in a session that has ended: gone with it. */
      if (stmt->name != NULL && stmt->session != db->session)
        g_clear_pointer (&stmt->name, g_free);
      if (stmt->persistent && stmt->name == NULL)
        {
          prepare_name = g_strdup_printf ("involve_%u", ++db->next_name);
          use_prepared = TRUE;
        }
      else if (stmt->name != NULL)
        {
          use_prepared = TRUE;
          for (int i = 0; i < n; i++)
            if (stmt->params[i + 1].kind != PARAM_NULL && types[i] != stmt->prepared_types[i])
              use_prepared = FALSE;
        }

      res = run_statement (db, stmt->parsed->sql, n, types, values, lengths, formats,
                           prepare_name, use_prepared ? (prepare_name != NULL ? prepare_name : stmt->name) : NULL,
                           &prepare_failed);
      if (prepare_name != NULL && !prepare_failed && (res != NULL || db->errcode != SQLITE_IOERR))
        {
          stmt->name = g_steal_pointer (&prepare_name);
          stmt->session = db->session;
          g_free (stmt->prepared_types);
          stmt->prepared_types = g_memdup2 (types, sizeof (Oid) * (n + 1));
        }
      /* A table the plan was made for has changed ("cached plan must not
       * change result type"): plan it again once, as SQLite re-prepares
       * on SQLITE_SCHEMA.  The failed run was undone. */
      if (res == NULL && use_prepared && prepare_name == NULL && g_str_equal (db->sqlstate, "0A000") &&
          db->errmsg != NULL && strstr (db->errmsg, "cached plan") != NULL)
        {
          g_debug ("Planning %s again: %s", stmt->name, db->errmsg);
          g_clear_pointer (&stmt->name, g_free);
          continue;
        }
      /* A read that found the connection gone runs once more. */
      if (res == NULL && !ran_again && may_run_again (db, stmt->parsed->sql) &&
          begin_statement (db, stmt->parsed->sql))
        {
          ran_again = TRUE;
          continue;
        }
      break;
    }
  if (res == NULL)
    return db->errcode;

  stmt->result = res;
  stmt->executed = TRUE;
  stmt->row = -1;
  if (PQnfields (res) > 0)
    {
      stmt->decoded = g_new0 (char *, PQnfields (res));
      stmt->decoded_length = g_new0 (size_t, PQnfields (res));
    }
  note_changes (db, res);
  set_ok (db);
  return SQLITE_OK;
}

static int
pg_step (InvolveDbStmt *istmt)
{
  PgStmt *stmt = PG_STMT (istmt);

  /* As SQLite: stepping again after SQLITE_DONE runs it again. */
  if (stmt->done)
    clear_result (stmt);
  if (!stmt->executed)
    {
      int rc = execute (stmt);

      if (rc != SQLITE_OK)
        return rc & 0xff;
    }
  clear_row (stmt);
  if (stmt->result == NULL)
    {
      stmt->done = TRUE;
      return SQLITE_DONE;
    }
  if (stmt->row + 1 < PQntuples (stmt->result))
    {
      stmt->row++;
      return SQLITE_ROW;
    }
  stmt->row = PQntuples (stmt->result);
  stmt->done = TRUE;
  return SQLITE_DONE;
}

static int
pg_reset (InvolveDbStmt *istmt)
{
  clear_result (PG_STMT (istmt));
  return SQLITE_OK;
}

static int
pg_clear_bindings (InvolveDbStmt *istmt)
{
  PgStmt *stmt = PG_STMT (istmt);

  for (int i = 1; i <= stmt->parsed->n_params; i++)
    clear_param (&stmt->params[i]);
  return SQLITE_OK;
}

static int
pg_bind_parameter_index (InvolveDbStmt *stmt,
                         const char    *name)
{
  return _involve_db_pg_sql_param_index (PG_STMT (stmt)->parsed, name);
}

/* The parameter to bind, or NULL (SQLITE_RANGE) when there is none, or
 * when the statement has run and was not reset (SQLITE_MISUSE, as SQLite). */
static PgParam *
bind_target (PgStmt *stmt,
             int     index,
             int    *rc)
{
  PgDb *db = PG_DB (stmt->parent.db);

  if (stmt->executed)
    {
      *rc = SQLITE_MISUSE;
      set_error (db, SQLITE_MISUSE, "", "bad parameter or other API misuse");
      return NULL;
    }
  if (index < 1 || index > stmt->parsed->n_params)
    {
      *rc = SQLITE_RANGE;
      set_error (db, SQLITE_RANGE, "", "column index out of range");
      return NULL;
    }
  *rc = SQLITE_OK;
  clear_param (&stmt->params[index]);
  return &stmt->params[index];
}

static int
pg_bind_null (InvolveDbStmt *istmt,
              int            index)
{
  int rc;

  bind_target (PG_STMT (istmt), index, &rc);
  return rc;
}

static int
pg_bind_int64 (InvolveDbStmt *istmt,
               int            index,
               gint64         value)
{
  int rc;
  PgParam *param = bind_target (PG_STMT (istmt), index, &rc);

  if (param == NULL)
    return rc;
  param->kind = PARAM_INT;
  param->value = g_strdup_printf ("%" G_GINT64_FORMAT, value);
  param->length = (int) strlen (param->value);
  param->owned = TRUE;
  return SQLITE_OK;
}

/* Keeps @data (static and usable as it is) or a NUL-terminated copy. */
static void
take_value (PgParam     *param,
            const void  *data,
            int          length,
            gboolean     usable,
            void       (*destructor) (void *))
{
  if (destructor == SQLITE_STATIC && usable)
    {
      param->value = (char *) data;
      param->owned = FALSE;
    }
  else
    {
      param->value = g_malloc (length + 1);
      memcpy (param->value, data, length);
      param->value[length] = '\0';
      param->owned = TRUE;
      if (destructor != SQLITE_STATIC && destructor != SQLITE_TRANSIENT && destructor != NULL)
        destructor ((void *) data);
    }
  param->length = length;
}

static int
pg_bind_text (InvolveDbStmt  *istmt,
              int             index,
              const char     *text,
              int             length,
              void          (*destructor) (void *))
{
  PgStmt *stmt = PG_STMT (istmt);
  gboolean terminated = length < 0;
  int rc;
  PgParam *param = bind_target (stmt, index, &rc);

  if (param == NULL)
    {
      if (destructor != SQLITE_STATIC && destructor != SQLITE_TRANSIENT && destructor != NULL)
        destructor ((void *) text);
      return rc;
    }
  if (length < 0)
    length = (int) strlen (text);
  else if (memchr (text, '\0', length) != NULL)
    {
      /* PostgreSQL's text cannot hold NUL; SQLite's can.  Refused here,
       * not cut short by the server. */
      if (destructor != SQLITE_STATIC && destructor != SQLITE_TRANSIENT && destructor != NULL)
        destructor ((void *) text);
      set_error (PG_DB (istmt->db), SQLITE_MISMATCH, "22021",
                 "text with a NUL character cannot be stored on PostgreSQL: use a blob");
      return SQLITE_MISMATCH;
    }
  param->kind = PARAM_TEXT;
  /* Text goes in text format, which must end with a NUL: a text with a
   * length is copied. */
  take_value (param, text, length, terminated, destructor);
  return SQLITE_OK;
}

static int
pg_bind_blob (InvolveDbStmt  *istmt,
              int             index,
              const void     *data,
              int             length,
              void          (*destructor) (void *))
{
  int rc;
  PgParam *param = bind_target (PG_STMT (istmt), index, &rc);

  if (param == NULL)
    {
      if (destructor != SQLITE_STATIC && destructor != SQLITE_TRANSIENT && destructor != NULL)
        destructor ((void *) data);
      return rc;
    }
  if (length < 0)
    {
      set_error (PG_DB (istmt->db), SQLITE_RANGE, "", "a blob needs a length");
      return SQLITE_RANGE;
    }
  param->kind = PARAM_BLOB;
  take_value (param, data, length, TRUE, destructor);
  return SQLITE_OK;
}

/* ---- columns --------------------------------------------------------- */

static gboolean
has_value (PgStmt *stmt,
           int     column)
{
  return stmt->result != NULL && stmt->row >= 0 && stmt->row < PQntuples (stmt->result) &&
         column >= 0 && column < PQnfields (stmt->result);
}

static int
pg_column_count (InvolveDbStmt *istmt)
{
  PgStmt *stmt = PG_STMT (istmt);

  return stmt->result != NULL ? PQnfields (stmt->result) : 0;
}

static int
pg_column_type (InvolveDbStmt *istmt,
                int            column)
{
  PgStmt *stmt = PG_STMT (istmt);

  if (!has_value (stmt, column) || PQgetisnull (stmt->result, stmt->row, column))
    return SQLITE_NULL;
  switch (PQftype (stmt->result, column))
    {
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
    case OID_OID:
    case OID_BOOL:
      return SQLITE_INTEGER;
    case OID_FLOAT4:
    case OID_FLOAT8:
    case OID_NUMERIC:
      return SQLITE_FLOAT;
    case OID_BYTEA:
      return SQLITE_BLOB;
    default:
      return SQLITE_TEXT;
    }
}

/* A bytea value, decoded once per row. */
static const char *
decoded_bytea (PgStmt *stmt,
               int     column,
               size_t *length)
{
  if (stmt->decoded[column] == NULL)
    {
      size_t n = 0;
      unsigned char *raw = PQunescapeBytea ((const unsigned char *) PQgetvalue (stmt->result, stmt->row, column), &n);

      stmt->decoded[column] = g_malloc (n + 1);
      if (raw != NULL)
        memcpy (stmt->decoded[column], raw, n);
      stmt->decoded[column][n] = '\0';
      stmt->decoded_length[column] = raw != NULL ? n : 0;
      PQfreemem (raw);
    }
  *length = stmt->decoded_length[column];
  return stmt->decoded[column];
}

static const char *
pg_column_text (InvolveDbStmt *istmt,
                int            column)
{
  PgStmt *stmt = PG_STMT (istmt);
  const char *value;
  size_t length;

  if (!has_value (stmt, column) || PQgetisnull (stmt->result, stmt->row, column))
    return NULL;
  value = PQgetvalue (stmt->result, stmt->row, column);
  switch (PQftype (stmt->result, column))
    {
    case OID_BOOL:
      return *value == 't' ? "1" : "0";
    case OID_BYTEA:
      return decoded_bytea (stmt, column, &length);
    default:
      return value;
    }
}

static gint64
pg_column_int64 (InvolveDbStmt *istmt,
                 int            column)
{
  PgStmt *stmt = PG_STMT (istmt);
  const char *value;

  if (!has_value (stmt, column) || PQgetisnull (stmt->result, stmt->row, column))
    return 0;
  value = PQgetvalue (stmt->result, stmt->row, column);
  switch (PQftype (stmt->result, column))
    {
    case OID_BOOL:
      return *value == 't' ? 1 : 0;
    case OID_FLOAT4:
    case OID_FLOAT8:
    case OID_NUMERIC:
      {
        double d = g_ascii_strtod (value, NULL);

        if (d >= 9223372036854775807.0)
          return G_MAXINT64;
        if (d <= -9223372036854775808.0)
          return G_MININT64;
        return (gint64) d;
      }
    default:
      return g_ascii_strtoll (value, NULL, 10);
    }
}

static const void *
pg_column_blob (InvolveDbStmt *istmt,
                int            column)
{
  PgStmt *stmt = PG_STMT (istmt);
  size_t length;

  if (!has_value (stmt, column) || PQgetisnull (stmt->result, stmt->row, column))
    return NULL;
  if (PQftype (stmt->result, column) == OID_BYTEA)
    return decoded_bytea (stmt, column, &length);
  return pg_column_text (istmt, column);
}

static int
pg_column_bytes (InvolveDbStmt *istmt,
                 int            column)
{
  PgStmt *stmt = PG_STMT (istmt);
  size_t length;
  const char *text;

  if (!has_value (stmt, column) || PQgetisnull (stmt->result, stmt->row, column))
    return 0;
  if (PQftype (stmt->result, column) == OID_BYTEA)
    {
      decoded_bytea (stmt, column, &length);
      return (int) length;
    }
  text = pg_column_text (istmt, column);
  return (int) strlen (text);
}

/* ---- notifications --------------------------------------------------- */

static int
pg_get_socket (InvolveDb *db)
{
  return PQsocket (PG_DB (db)->conn);
}

static void
pg_take_notifications (InvolveDb *idb,
                       GPtrArray *out)
{
  PgDb *db = PG_DB (idb);
  PGnotify *notify;

  if (PQstatus (db->conn) == CONNECTION_OK)
    {
      PGTransactionStatusType status = PQtransactionStatus (db->conn);

      db->txn_open = status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
      db->committing = FALSE;
    }
  if (!PQconsumeInput (db->conn))
    connection_lost (db);
  /* Those that came in with other results are queued as well. */
  while ((notify = PQnotifies (db->conn)) != NULL)
    {
      InvolveDbNotification *n = g_new0 (InvolveDbNotification, 1);

      n->channel = g_strdup (notify->relname);
      n->payload = g_strdup (notify->extra != NULL ? notify->extra : "");
      g_ptr_array_add (out, n);
      PQfreemem (notify);
    }
}

static InvolveDbLoss
pg_get_loss (InvolveDb *db)
{
  return PG_DB (db)->loss;
}

static const char *
pg_get_loss_reason (InvolveDb *idb)
{
  PgDb *db = PG_DB (idb);

  return db->loss != INVOLVE_DB_LOSS_NONE && db->loss_reason != NULL ? db->loss_reason : "";
}

static gboolean
pg_is_lost (InvolveDb *idb)
{
  PgDb *db = PG_DB (idb);

  return db->lost_txn || PQstatus (db->conn) != CONNECTION_OK || !db->set_up;
}

static void
pg_set_reconnect_func (InvolveDb              *idb,
                       InvolveDbReconnectFunc  func,
                       gpointer                data)
{
  PgDb *db = PG_DB (idb);

  db->reconnect_func = func;
  db->reconnect_data = data;
}

/* ---- connecting ------------------------------------------------------ */

static void
pg_close (InvolveDb *idb)
{
  PgDb *db = PG_DB (idb);

  PQfinish (db->conn);
  g_free (db->errmsg);
  g_free (db->conninfo);
  g_free (db->loss_reason);
  g_free (db);
}

static const InvolveDbEngineFuncs pg_funcs = {
  .close = pg_close,
  .errmsg = pg_errmsg,
  .errcode = pg_errcode,
  .sqlstate = pg_sqlstate,
  .exec = pg_exec,
  .get_autocommit = pg_get_autocommit,
  .last_insert_rowid = pg_last_insert_rowid,
  .changes = pg_changes,
  .prepare = pg_prepare,
  .finalize = pg_finalize,
  .step = pg_step,
  .reset = pg_reset,
  .clear_bindings = pg_clear_bindings,
  .bind_parameter_index = pg_bind_parameter_index,
  .bind_null = pg_bind_null,
  .bind_int64 = pg_bind_int64,
  .bind_text = pg_bind_text,
  .bind_blob = pg_bind_blob,
  .column_count = pg_column_count,
  .column_type = pg_column_type,
  .column_text = pg_column_text,
  .column_int64 = pg_column_int64,
  .column_blob = pg_column_blob,
  .column_bytes = pg_column_bytes,
  .get_socket = pg_get_socket,
  .take_notifications = pg_take_notifications,
  .get_loss = pg_get_loss,
  .get_loss_reason = pg_get_loss_reason,
  .is_lost = pg_is_lost,
  .set_reconnect_func = pg_set_reconnect_func,
};

/* Replaces every occurrence of @secret in @text. */
static void
redact_one (GString    *text,
            const char *secret)
{
  if (secret == NULL || *secret == '\0')
    return;
  g_string_replace (text, secret, "********", 0);
}

char *
_involve_db_pg_redact (const char *message,
                       const char *conninfo)
{
  GString *text = g_string_new (message);
  PQconninfoOption *options = PQconninfoParse (conninfo, NULL);
  const char *p;

  if (options != NULL)
    {
      for (PQconninfoOption *o = options; o->keyword != NULL; o++)
        if (g_str_equal (o->keyword, "password"))
          redact_one (text, o->val);
      PQconninfoFree (options);
    }
  /* The string may not parse: look for the password by hand too.  In a
   * URI it sits between "user:" and "@"; elsewhere after "password=". */
  p = strstr (conninfo, "://");
  if (p != NULL)
    {
      const char *at = strchr (p + 3, '@');
      const char *colon = strchr (p + 3, ':');

      if (at != NULL && colon != NULL && colon < at)
        {
          g_autofree char *secret = g_strndup (colon + 1, at - colon - 1);
          redact_one (text, secret);
        }
    }
  for (p = conninfo; (p = strstr (p, "password")) != NULL; )
    {
      const char *v = p + strlen ("password");
      const char *end;
      g_autofree char *secret = NULL;

      while (*v == ' ')
        v++;
      if (*v != '=')
        {
          p = v;
          continue;
        }
      v++;
      while (*v == ' ')
        v++;
      if (*v == '\'')
        {
          v++;
          end = strchr (v, '\'');
          if (end == NULL)
            end = v + strlen (v);
        }
      else
        end = v + strcspn (v, " &");
      secret = g_strndup (v, end - v);
      redact_one (text, secret);
      p = end;
    }
  return g_string_free (text, FALSE);
}

/* The server's notices (a COMMIT without a transaction, say) are for
 * debugging, not for the terminal. */
static void
log_notice (void       *data,
            const char *message)
{
  g_debug ("PostgreSQL: %s", message);
}

static GIOErrorEnum
connect_error_code (PGconn     *conn,
                    const char *message)
{
  if (PQconnectionNeedsPassword (conn) || strstr (message, "password authentication failed") ||
      strstr (message, "no pg_hba.conf entry") || strstr (message, "permission denied") ||
      strstr (message, "role \"") != NULL)
    return G_IO_ERROR_PERMISSION_DENIED;
  if (strstr (message, "Connection refused") != NULL)
    return G_IO_ERROR_CONNECTION_REFUSED;
  if (strstr (message, "timeout expired") != NULL)
    return G_IO_ERROR_TIMED_OUT;
  if (strstr (message, "could not translate host name") != NULL)
    return G_IO_ERROR_HOST_NOT_FOUND;
  if (strstr (message, "does not exist") != NULL)
    return G_IO_ERROR_NOT_FOUND;
  return G_IO_ERROR_FAILED;
}

InvolveDb *
involve_db_connect_postgresql (const char  *conninfo,
                               GError     **error)
{
  const char *keywords[6];
  const char *values[6];
  int n = 0;
  gboolean has_timeout = FALSE;
  PQconninfoOption *options;
  PGconn *conn;
  PgDb *db;
  g_autofree char *raw_setup = NULL;

  g_return_val_if_fail (conninfo != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  options = PQconninfoParse (conninfo, NULL);
  if (options != NULL)
    {
      for (PQconninfoOption *o = options; o->keyword != NULL; o++)
        if (g_str_equal (o->keyword, "connect_timeout") && o->val != NULL && *o->val != '\0')
          has_timeout = TRUE;
      PQconninfoFree (options);
    }

  /* The string first (expanded), then what Involve insists on. */
  keywords[n] = "dbname", values[n++] = conninfo;
  keywords[n] = "application_name", values[n++] = "Involve";
  keywords[n] = "client_encoding", values[n++] = "UTF8";
  if (!has_timeout)
    keywords[n] = "connect_timeout", values[n++] = "10";
  keywords[n] = NULL, values[n] = NULL;

  conn = PQconnectdbParams (keywords, values, 1);
  if (conn == NULL || PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *raw = g_strstrip (g_strdup (conn != NULL ? PQerrorMessage (conn) : "out of memory"));
      g_autofree char *message = _involve_db_pg_redact (raw, conninfo);

      g_set_error (error, G_IO_ERROR, conn != NULL ? connect_error_code (conn, raw) : G_IO_ERROR_FAILED,
                   _("Could not connect to the register server: %s"), message);
      PQfinish (conn);
      return NULL;
    }

  if (!set_up_session (conn, &raw_setup))
    {
      g_autofree char *message = _involve_db_pg_redact (raw_setup, conninfo);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not set up the connection to the register server: %s"), message);
      PQfinish (conn);
      return NULL;
    }
  PQsetNoticeProcessor (conn, log_notice, NULL);

  db = g_new0 (PgDb, 1);
  db->parent.funcs = &pg_funcs;
  db->parent.engine = INVOLVE_DB_ENGINE_POSTGRESQL;
  db->conn = conn;
  db->errcode = SQLITE_OK;
  db->errmsg = g_strdup ("not an error");
  db->statement_savepoints = TRUE;
  db->conninfo = g_strdup (conninfo);
  db->set_up = TRUE;
  return &db->parent;
}

void
_involve_db_pg_set_statement_savepoints (InvolveDb *db,
                                         gboolean   enabled)
{
  g_return_if_fail (db != NULL && db->engine == INVOLVE_DB_ENGINE_POSTGRESQL);

  PG_DB (db)->statement_savepoints = enabled;
}

int
_involve_db_pg_get_backend_pid (InvolveDb *db)
{
  g_return_val_if_fail (db != NULL && db->engine == INVOLVE_DB_ENGINE_POSTGRESQL, 0);

  return PQbackendPID (PG_DB (db)->conn);
}
