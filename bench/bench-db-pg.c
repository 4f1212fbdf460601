/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the PostgreSQL engine's choices cost, beside SQLite in memory:
 * single-row INSERTs inside one transaction, with and without the
 * savepoint each statement gets there (so that a failure undoes only
 * itself, as in SQLite), prepared once (persistent) or not; and the same
 * in autocommit, where no savepoint is needed.  Prints per-statement
 * median, 99th percentile and the process's CPU time.
 *
 * Usage: INVOLVE_TEST_PG='host=... user=... dbname=postgres' bench-db-pg [N]
 * (a superuser's connection: a database is made and dropped again;
 *  eval "$(bash tools/pg-test-cluster start DIR)" gives one).
 * Not a test: ninja -C _build bench/bench-db-pg && _build/bench/bench-db-pg
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "involve-db.h"
#include "involve-db-pg-private.h"

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
check (InvolveDb  *db,
       int         rc,
       const char *what)
{
  if (rc != SQLITE_OK && rc != SQLITE_DONE)
    {
      fprintf (stderr, "%s: %s\n", what, involve_db_errmsg (db));
      exit (1);
    }
}

static void
run (InvolveDb  *db,
     const char *label,
     gboolean    in_transaction,
     gboolean    persistent,
     int         n)
{
  g_autofree gint64 *times = g_new (gint64, n);
  InvolveDbStmt *stmt = NULL;
  double cpu = cpu_seconds ();
  gint64 start = g_get_monotonic_time ();
  gint64 total;

  check (db, involve_db_exec (db, "DELETE FROM b", NULL), "delete");
  check (db, involve_db_prepare (db, "INSERT INTO b (i, s) VALUES (?, ?)", persistent, &stmt), "prepare");
  if (in_transaction)
    check (db, involve_db_exec (db, "BEGIN IMMEDIATE", NULL), "begin");
  for (int i = 0; i < n; i++)
    {
      gint64 t0 = g_get_monotonic_time ();

      involve_db_bind_int64 (stmt, 1, i);
      involve_db_bind_text (stmt, 2, "a field edit of modest length", -1, SQLITE_STATIC);
      check (db, involve_db_step (stmt), "insert");
      involve_db_reset (stmt);
      times[i] = g_get_monotonic_time () - t0;
    }
  if (in_transaction)
    check (db, involve_db_exec (db, "COMMIT", NULL), "commit");
  involve_db_finalize (stmt);
  total = g_get_monotonic_time () - start;
  cpu = cpu_seconds () - cpu;
  qsort (times, n, sizeof *times, compare_gint64);
  printf ("%-46s median %6.1f µs  p99 %7.1f µs  total %7.1f ms  client CPU %6.1f ms\n",
          label, times[n / 2] / 1.0, times[n * 99 / 100] / 1.0, total / 1000.0, cpu * 1000.0);
}

int
main (int    argc,
      char **argv)
{
  const char *admin_info = g_getenv ("INVOLVE_TEST_PG");
  int n = argc > 1 ? atoi (argv[1]) : 5000;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("involve_bench_%08x", g_random_int ());
  g_autofree char *sql = NULL;
  g_autofree char *conninfo = NULL;
  InvolveDb *admin;
  InvolveDb *db;
  sqlite3 *sqlite = NULL;

  if (admin_info == NULL || n < 100)
    {
      fprintf (stderr, "usage: INVOLVE_TEST_PG='host=... user=... dbname=postgres' bench-db-pg [N >= 100]\n");
      return 2;
    }
  admin = involve_db_connect_postgresql (admin_info, &error);
  if (admin == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  sql = g_strdup_printf ("CREATE DATABASE %s", name);
  check (admin, involve_db_exec (admin, sql, NULL), "create database");
  conninfo = g_strdup_printf ("%s dbname=%s", admin_info, name);
  db = involve_db_connect_postgresql (conninfo, &error);
  if (db == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  check (db, involve_db_exec (db, "CREATE TABLE b (i bigint, s text)", NULL), "create");

  printf ("%d single-row INSERTs each (PostgreSQL on %s)\n", n, admin_info);
  run (db, "PostgreSQL, transaction, savepoint, prepared", TRUE, TRUE, n);
  run (db, "PostgreSQL, transaction, savepoint, unprepared", TRUE, FALSE, n);
  _involve_db_pg_set_statement_savepoints (db, FALSE);
  run (db, "PostgreSQL, transaction, no savepoint, prepared", TRUE, TRUE, n);
  run (db, "PostgreSQL, transaction, no savepoint, unprepared", TRUE, FALSE, n);
  _involve_db_pg_set_statement_savepoints (db, TRUE);
  run (db, "PostgreSQL, autocommit, prepared", FALSE, TRUE, n);
  run (db, "PostgreSQL, autocommit, unprepared", FALSE, FALSE, n);
  involve_db_close (db);

  sqlite3_open_v2 (":memory:", &sqlite, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  db = involve_db_new_sqlite (sqlite);
  check (db, involve_db_exec (db, "CREATE TABLE b (i INTEGER, s TEXT)", NULL), "create");
  run (db, "SQLite in memory, transaction, prepared", TRUE, TRUE, n);
  involve_db_close (db);

  g_free (sql);
  sql = g_strdup_printf ("DROP DATABASE %s WITH (FORCE)", name);
  check (admin, involve_db_exec (admin, sql, NULL), "drop database");
  involve_db_close (admin);
  return 0;
}
