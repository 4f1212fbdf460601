/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Several people saving edits to one register at once.  Each client (a
 * thread with its own connection, as separate desktops would have) edits
 * its own record for a fixed time; the figures are the median and 99th
 * percentile time of one save and the register's throughput, for each
 * register given:
 *
 *   bench-concurrent [--clients 8] [--seconds 10] [--same-record]
 *                    [--sqlite FILE] [--server CONNINFO]
 *                    [--server-admin CONNINFO]
 *
 * --sqlite defaults to a new file in a temporary folder; --server names a
 * team register on PostgreSQL (see README.md, and tools/pg-test-cluster for
 * a throw-away server); both may be given and are printed side by side.
 * --server-admin takes a superuser's connection string instead (key=value
 * or a postgresql:// URI):
 * it makes a throw-away database with a register and one officer login a
 * client (each client then logs in as its own person, as on a real team
 * register), and drops the database after.
 * With --same-record every client edits the same record, which measures
 * the conflicts (refused saves are counted, never lost silently).
 *
 * Figures, 2026-12-05, 8 clients for 10 s each on own records, on a shared
 * 2-core build machine (other builds running; compare runs, not absolutes),
 * PostgreSQL 15 on loopback (tools/pg-test-cluster), --server-admin:
 *   engine       clients    saves  refused  median ms     p99 ms      saves/s
 *   SQLite             8    21868        4       0.38       2.08       2186.8
 *   PostgreSQL         8     3260        0      21.04      53.19        326.0
 * (SQLite's 4 refused saves waited more than the 5 s busy timeout.)
 * Not a test: ninja -C _build bench/bench-concurrent && _build/bench/bench-concurrent
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include <libpq-fe.h>

#include "involve-db-pg-private.h"
#include "involve-pg-schema.h"
#include "involve-store.h"

static int     n_clients = 8;
static int     seconds = 10;
static gboolean same_record = FALSE;

typedef struct
{
  const char *location;
  char       *login;         /* --server-admin: this client's own login */
  char       *uuid;          /* the record this client edits */
  guint       index;
  GArray     *save_usec;     /* gint64 each successful save */
  guint       refused;       /* saves refused: conflict or lock */
  char       *first_error;
  gint64      deadline;
} Client;

static gpointer
client_run (gpointer data)
{
  Client *client = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *own = client->login != NULL
                         ? g_strdup_printf ("%s user=%s", client->location, client->login) : NULL;
  g_autoptr(InvolveStore) store = involve_store_open (own != NULL ? own : client->location, &error);
  guint n = 0;

  if (store == NULL)
    {
      client->first_error = g_strdup (error->message);
      return NULL;
    }
  while (g_get_monotonic_time () < client->deadline)
    {
      g_autoptr(InvolveRecord) record = NULL;
      g_autofree char *text = NULL;
      gint64 start;

      record = involve_store_load_record (store, client->uuid, 0, &error);
      if (record == NULL)
        {
          client->first_error = g_strdup (error->message);
          return NULL;
        }
      text = g_strdup_printf ("Objectives as client %u typed them, edit %u", client->index, n++);
      start = g_get_monotonic_time ();
      if (involve_store_set_value (store, record, "b1-objectives", g_variant_new_string (text), &error))
        {
          gint64 elapsed = g_get_monotonic_time () - start;
          g_array_append_val (client->save_usec, elapsed);
        }
      else
        {
          client->refused++;
          if (client->first_error == NULL)
            client->first_error = g_strdup (error->message);
          g_clear_error (&error);
        }
    }
  return NULL;
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static gboolean
run_engine (const char  *label,
            const char  *location,
            GStrv        logins,
            GError     **error)
{
  g_autofree char *first = logins != NULL ? g_strdup_printf ("%s user=%s", location, logins[0]) : NULL;
  g_autoptr(InvolveStore) store = involve_store_open (first != NULL ? first : location, error);
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree Client *clients = g_new0 (Client, n_clients);
  g_autofree GThread **threads = g_new0 (GThread *, n_clients);
  guint refused = 0;
  gint64 deadline;
  double median, p99;

  if (store == NULL)
    return FALSE;
  deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  for (int i = 0; i < n_clients; i++)
    {
      if (i == 0 || !same_record)
        {
          g_autoptr(InvolveRecord) record = involve_store_create_record (store, "icb-14z45", error);

          if (record == NULL)
            return FALSE;
          clients[i].uuid = g_strdup (involve_record_get_uuid (record));
        }
      else
        clients[i].uuid = g_strdup (clients[0].uuid);
      clients[i].location = location;
      clients[i].login = logins != NULL ? logins[i] : NULL;
      clients[i].index = i;
      clients[i].save_usec = g_array_new (FALSE, FALSE, sizeof (gint64));
      clients[i].deadline = deadline;
    }
  for (int i = 0; i < n_clients; i++)
    threads[i] = g_thread_new ("bench-client", client_run, &clients[i]);
  for (int i = 0; i < n_clients; i++)
    {
      g_thread_join (threads[i]);
      g_array_append_vals (all, clients[i].save_usec->data, clients[i].save_usec->len);
      refused += clients[i].refused;
      if (clients[i].first_error != NULL)
        g_printerr ("%s: client %d: %s\n", label, i, clients[i].first_error);
      g_array_unref (clients[i].save_usec);
      g_free (clients[i].uuid);
      g_free (clients[i].first_error);
    }
  if (all->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: no save succeeded", label);
      return FALSE;
    }
  g_array_sort (all, compare_int64);
  median = g_array_index (all, gint64, all->len / 2) / 1000.0;
  p99 = g_array_index (all, gint64, MIN (all->len - 1, (all->len * 99) / 100)) / 1000.0;
  printf ("%-12s %7d %8u %8u %10.2f %10.2f %12.1f\n", label, n_clients, all->len, refused,
          median, p99, all->len / (double) seconds);
  return TRUE;
}

static gboolean
admin_exec (PGconn     *conn,
            const char *sql)
{
  PGresult *result = PQexec (conn, sql);
  gboolean ok = PQresultStatus (result) == PGRES_COMMAND_OK;

  if (!ok)
    g_printerr ("bench-concurrent: %s: %s", sql, PQerrorMessage (conn));
  PQclear (result);
  return ok;
}

/* A throw-away database with a register and @n officer logins; the
 * connection string to it without a user. */
static char *
admin_setup (const char *admin,
             const char *dbname,
             const char *register_name,
             GStrv      *logins)
{
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", dbname);
  g_autoptr(GError) error = NULL;
  g_autofree char *in_db = _involve_db_pg_conninfo_with_dbname (admin, dbname, &error);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  PGconn *conn;
  char *location;

  if (in_db == NULL)
    {
      g_printerr ("bench-concurrent: --server-admin: %s\n", error->message);
      return NULL;
    }
  conn = PQconnectdb (admin);
  if (PQstatus (conn) != CONNECTION_OK || !admin_exec (conn, create))
    {
      g_printerr ("bench-concurrent: %s", PQerrorMessage (conn));
      PQfinish (conn);
      return NULL;
    }
  location = g_strdup_printf ("host=%s port=%s dbname=%s", PQhost (conn), PQport (conn), dbname);
  PQfinish (conn);
  conn = PQconnectdb (in_db);
  if (PQstatus (conn) != CONNECTION_OK || !involve_pg_schema_install (conn, register_name, &error))
    goto fail;
  for (int i = 0; i < n_clients; i++)
    {
      g_autofree char *login = g_strdup_printf ("%s_officer_%d", register_name, i);

      if (!involve_pg_schema_add_person (conn, register_name, login, INVOLVE_PG_ROLE_OFFICER, &error))
        goto fail;
      g_strv_builder_add (names, login);
    }
  PQfinish (conn);
  *logins = g_strv_builder_end (names);
  return location;

fail:
  g_printerr ("bench-concurrent: %s\n", error != NULL ? error->message : PQerrorMessage (conn));
  PQfinish (conn);
  g_free (location);
  return NULL;
}

static void
admin_teardown (const char *admin,
                const char *dbname,
                GStrv       logins)
{
  g_autofree char *drop = g_strdup_printf ("DROP DATABASE IF EXISTS %s WITH (FORCE)", dbname);
  PGconn *conn = PQconnectdb (admin);

  if (PQstatus (conn) == CONNECTION_OK)
    {
      admin_exec (conn, drop);
      for (guint i = 0; logins != NULL && logins[i] != NULL; i++)
        {
          g_autofree char *role = g_strdup_printf ("DROP ROLE IF EXISTS %s", logins[i]);
          admin_exec (conn, role);
        }
    }
  PQfinish (conn);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *sqlite_path = NULL;
  g_autofree char *server = NULL;
  g_autofree char *server_admin = NULL;
  g_autofree char *bench_db = NULL;
  g_auto(GStrv) logins = NULL;
  g_autofree char *tmpdir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  GOptionEntry entries[] = {
    { "clients", 0, 0, G_OPTION_ARG_INT, &n_clients, "Clients saving at once (8)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "How long each engine runs (10)", "S" },
    { "same-record", 0, 0, G_OPTION_ARG_NONE, &same_record, "Every client edits the same record", NULL },
    { "sqlite", 0, 0, G_OPTION_ARG_FILENAME, &sqlite_path, "Register file (default: a new one)", "FILE" },
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, "Team register on PostgreSQL", "CONNINFO" },
    { "server-admin", 0, 0, G_OPTION_ARG_STRING, &server_admin,
      "A superuser's connection string (key=value or postgresql://): a throw-away register with one login a client", "CONNINFO" },
    { NULL }
  };
  gboolean ok = TRUE;

  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_clients < 1 || seconds < 1)
    {
      g_printerr ("bench-concurrent: %s\n", error != NULL ? error->message : "bad numbers");
      return 2;
    }
  /* A string libpq cannot read is said before anything runs. */
  if (server_admin != NULL)
    {
      g_autofree char *parsed = _involve_db_pg_conninfo_with_dbname (server_admin, "postgres", &error);

      if (parsed == NULL)
        {
          g_printerr ("bench-concurrent: --server-admin: %s\n", error->message);
          return 2;
        }
    }
  if (sqlite_path == NULL)
    {
      tmpdir = g_dir_make_tmp ("involve-bench-concurrent-XXXXXX", &error);
      if (tmpdir == NULL)
        {
          g_printerr ("bench-concurrent: %s\n", error->message);
          return 1;
        }
      sqlite_path = g_build_filename (tmpdir, "register.involve", NULL);
    }

  printf ("%s clients saving edits for %d s each%s\n", same_record ? "Same record:" : "Own records:",
          seconds, same_record ? " (conflicts are refused saves)" : "");
  printf ("%-12s %7s %8s %8s %10s %10s %12s\n", "engine", "clients", "saves", "refused",
          "median ms", "p99 ms", "saves/s");
  if (!run_engine ("SQLite", sqlite_path, NULL, &error))
    {
      g_printerr ("bench-concurrent: SQLite: %s\n", error->message);
      g_clear_error (&error);
      ok = FALSE;
    }
  if (server != NULL && !run_engine ("PostgreSQL", server, NULL, &error))
    {
      g_printerr ("bench-concurrent: PostgreSQL: %s\n", error->message);
      g_clear_error (&error);
      ok = FALSE;
    }
  if (server_admin != NULL)
    {
      g_autofree char *location = NULL;
      g_autofree char *name = g_strdup_printf ("bench_%d_%u", (int) getpid (), g_random_int_range (0, 100000));

      bench_db = g_strdup_printf ("involve_%s", name);
      location = admin_setup (server_admin, bench_db, name, &logins);
      if (location == NULL || !run_engine ("PostgreSQL", location, logins, &error))
        {
          g_printerr ("bench-concurrent: PostgreSQL: %s\n", error != NULL ? error->message : "setup failed");
          ok = FALSE;
        }
      admin_teardown (server_admin, bench_db, logins);
    }
  if (tmpdir != NULL)
    {
      g_autofree char *command = g_strdup_printf ("rm -rf '%s'", tmpdir);
      if (system (command) != 0)
        g_printerr ("bench-concurrent: could not remove %s\n", tmpdir);
    }
  return ok ? 0 : 1;
}
