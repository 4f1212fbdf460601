/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A writer process killed with SIGKILL at random moments, many times.
 * After each kill: PRAGMA integrity_check is ok, the audit chain verifies,
 * and every change the writer acknowledged (after its commit) is there.
 * On a team register (INVOLVE_TEST_ENGINE=postgresql) the server must end
 * the killed client's session and roll back its open transaction: no
 * session is left behind, no half-written change is kept (the audit
 * chain verifies), and every acknowledged change is there.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store-test-util.h"

#define ROUNDS 60
#define TIME_BUDGET_USEC (20 * G_USEC_PER_SEC)
/* A server round takes longer (connecting, the server's checks). */
#define SERVER_TIME_BUDGET_USEC (60 * G_USEC_PER_SEC)

typedef struct
{
  guint64 sequence;
  char   *uuid;
} Ack;

/* (uuid \t field) -> last acknowledged sequence; created uuids. */
typedef struct
{
  GHashTable *acked;
  GHashTable *created;
  guint       n_acks;
} Expectations;

static void
take_line (Expectations *expect,
           const char   *line)
{
  g_auto(GStrv) parts = g_strsplit (line, " ", -1);

  if (g_strv_length (parts) == 4 && g_str_equal (parts[0], "ACK"))
    {
      char *key = g_strdup_printf ("%s\t%s", parts[2], parts[3]);

      g_hash_table_replace (expect->acked, key,
                            GSIZE_TO_POINTER ((gsize) g_ascii_strtoull (parts[1], NULL, 10)));
      expect->n_acks++;
    }
  else if (g_strv_length (parts) == 2 && g_str_equal (parts[0], "NEW"))
    {
      g_hash_table_add (expect->created, g_strdup (parts[1]));
    }
  /* A partial last line (cut by the kill) is not an acknowledgement. */
}

/* Reads complete lines from @fd until @deadline (monotonic usec) or EOF. */
static void
read_acks (int           fd,
           GString      *pending,
           Expectations *expect,
           gint64        deadline)
{
  for (;;)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      gint64 now = g_get_monotonic_time ();
      int timeout = deadline < 0 ? 1000 : (int) MAX (0, (deadline - now) / 1000);
      char buffer[4096];
      ssize_t n;
      char *newline;

      if (deadline >= 0 && now >= deadline)
        return;
      if (poll (&pfd, 1, timeout) <= 0)
        {
          if (deadline < 0)
            return;
          continue;
        }
      n = read (fd, buffer, sizeof buffer);
      if (n <= 0)
        return;
      g_string_append_len (pending, buffer, n);
      while ((newline = strchr (pending->str, '\n')) != NULL)
        {
          *newline = '\0';
          take_line (expect, pending->str);
          g_string_erase (pending, 0, newline - pending->str + 1);
        }
    }
}

static void
check_register (const char   *path,
                Expectations *expect)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer key, value;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 broken = 0;

  if (store_test_on_server ())
    {
      /* The server noticed the dead client: its session, and with it any
       * transaction it had open, is gone. */
      g_assert_cmpuint (pg_test_register_wait_for_sessions (store_test_server_register (path), 10000), ==, 0);
    }
  else
    {
      /* Integrity first, with a plain connection (this also recovers the WAL). */
      g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
      sqlite3_finalize (stmt);
      sqlite3_close (db);
    }

  store = open_store (path, &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_verify (store, &broken, &error));
  g_assert_no_error (error);

  g_hash_table_iter_init (&iter, expect->created);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr(InvolveRecord) record = involve_store_load_record (store, key, 0, &error);
      g_assert_no_error (error);
      g_assert_nonnull (record);
    }

  g_hash_table_iter_init (&iter, expect->acked);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_auto(GStrv) parts = g_strsplit (key, "\t", 2);
      g_autoptr(InvolveRecord) record = involve_store_load_record (store, parts[0], 0, &error);
      const char *stored;
      guint64 stored_sequence;

      g_assert_no_error (error);
      stored = involve_record_get_string (record, parts[1]);
      g_assert_nonnull (stored);
      g_assert_true (g_str_has_prefix (stored, "edit "));
      stored_sequence = g_ascii_strtoull (stored + 5, NULL, 10);
      /* Later edits (even one committed but not yet acknowledged) may
       * follow, but never an older value than the acknowledged one. */
      g_assert_cmpuint (stored_sequence, >=, GPOINTER_TO_SIZE (value));
    }
}

static void
test_crash_many_times (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  const char *writer = g_getenv ("INVOLVE_CRASH_WRITER");
  Expectations expect = { 0 };
  gint64 start = g_get_monotonic_time ();
  gint64 budget = store_test_on_server () ? SERVER_TIME_BUDGET_USEC : TIME_BUDGET_USEC;
  guint rounds = 0;

  if (writer == NULL)
    {
      g_test_skip ("INVOLVE_CRASH_WRITER is not set");
      return;
    }

  expect.acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  expect.created = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (rounds = 0; rounds < ROUNDS && g_get_monotonic_time () - start < budget; rounds++)
    {
      g_autofree char *first = g_strdup_printf ("%u", (rounds + 1) * 1000000);
      g_autofree char *seed = g_strdup_printf ("%u", g_test_rand_int ());
      /* (A server has no journal mode: it ignores this.) */
      const char *mode = rounds % 4 == 3 ? "delete" : "wal";
      const char *args[] = { writer, store_test_location (td->path), first, mode, seed,
                             store_test_on_server () ? store_test_login (td->path, "officer") : NULL, NULL };
      g_autoptr(GString) pending = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      GPid pid;
      int out_fd;
      int status = 0;
      guint before = expect.n_acks;

      g_assert_true (g_spawn_async_with_pipes (NULL, (char **) args, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                               NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
      g_assert_no_error (error);

      /* Let it make a random number of acknowledged changes, then pull the
       * plug a random fraction of a change later.  Counting changes rather
       * than time keeps the test meaningful on a slow machine or under the
       * sanitizers; the overall deadline keeps a stuck writer from hanging. */
      {
        guint target = before + g_test_rand_int_range (1, 40);
        gint64 give_up = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

        while (expect.n_acks < target && g_get_monotonic_time () < give_up)
          read_acks (out_fd, pending, &expect, g_get_monotonic_time () + 10 * 1000);
        g_usleep (g_test_rand_int_range (0, 5000));
      }
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      /* Lines already in the pipe were written after their commit. */
      read_acks (out_fd, pending, &expect, -1);
      close (out_fd);
      g_spawn_close_pid (pid);

      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
      g_test_message ("round %u (%s): %u acknowledged changes", rounds,
                      store_test_on_server () ? "server" : mode, expect.n_acks - before);

      check_register (td->path, &expect);
    }

  g_test_message ("%u rounds, %u acknowledged changes in all", rounds, expect.n_acks);
  g_assert_cmpuint (rounds, >=, 10);
  g_assert_cmpuint (expect.n_acks, >, 100);

  g_hash_table_unref (expect.acked);
  g_hash_table_unref (expect.created);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/crash/sigkill-many-times", test_crash_many_times);

  return g_test_run ();
}
