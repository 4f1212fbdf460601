/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Helper for test-store-stress: one process using a register for a while,
 * opening it afresh for each step as separate runs of the app or the CLI
 * would, so that opens meet the other processes' writes and checkpoints.
 * Prints after each acknowledged change (one line, flushed):
 *   "ACK <uuid> <n>"   writer: value "write <n>" saved in record <uuid>
 *   "NEW <uuid>"       importer: record created in a batch
 * and at the end "OPENS <n>".  Anything refused prints
 * "ALARM <what>: <message>" (the register is sound, so every alarm is a
 * false one) and the worker goes on.
 * Usage: store-stress-worker LOCATION ROLE SECONDS [LOGIN]
 *   ROLE: writer, reader, importer or backup
 * LOCATION is a register file, or a team register's connection string for
 * the test cluster's superuser: the worker then acts as LOGIN (SET SESSION
 * AUTHORIZATION), as the tests' own stores do (store-engine-test-util.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "involve-store.h"
#include "involve-store-private.h"

static guint opens;
static const char *login;

static InvolveStore *
open_register (const char *path)
{
  g_autoptr(GError) error = NULL;
  InvolveStore *store;

  opens++;
  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error,
                          "path", path, "create", FALSE, "auto-backup", FALSE,
                          "busy-timeout", 20000, "os-account", "stress", NULL);
  if (store != NULL && login != NULL && !involve_store_server_become (store, login, &error))
    g_clear_object (&store);
  if (store == NULL)
    printf ("ALARM open: %s\n", error->message);
  else if (involve_store_is_damaged (store))
    {
      g_autofree char *damage = involve_store_dup_damage (store);

      printf ("ALARM open: %s\n", damage);
      g_clear_object (&store);
    }
  fflush (stdout);
  return store;
}

static void
alarm_on (const char   *what,
          const GError *error)
{
  printf ("ALARM %s: %s\n", what, error->message);
  fflush (stdout);
}

int
main (int   argc,
      char *argv[])
{
  const char *path;
  const char *role;
  gint64 until;
  g_autofree char *uuid = NULL;
  g_autofree char *copy = NULL;
  guint n = 0;

  if (argc != 4 && argc != 5)
    return 2;
  login = argc == 5 ? argv[4] : NULL;
  path = argv[1];
  role = argv[2];
  until = g_get_monotonic_time () + g_ascii_strtoll (argv[3], NULL, 10) * G_USEC_PER_SEC;
  copy = g_strdup_printf ("%s.stress-copy-%d", path, (int) getpid ());

  while (g_get_monotonic_time () < until)
    {
      g_autoptr(InvolveStore) store = open_register (path);
      g_autoptr(GError) error = NULL;

      if (store == NULL)
        continue;
      n++;

      if (g_str_equal (role, "writer"))
        {
          g_autoptr(InvolveRecord) record = NULL;
          g_autofree char *text = g_strdup_printf ("write %u", n);

          if (uuid == NULL)
            {
              record = involve_store_create_record (store, "icb-14z45", &error);
              if (record != NULL)
                uuid = g_strdup (involve_record_get_uuid (record));
            }
          else
            record = involve_store_load_record (store, uuid, 0, &error);
          if (record == NULL)
            alarm_on ("load", error);
          else if (!involve_store_set_value (store, record, "b1-objectives", g_variant_new_string (text), &error))
            alarm_on ("save", error);
          else
            printf ("ACK %s %u\n", uuid, n);
        }
      else if (g_str_equal (role, "reader"))
        {
          g_autoptr(GPtrArray) list = involve_store_list (store, NULL, NULL, &error);

          if (list == NULL)
            alarm_on ("list", error);
          else if (n % 5 == 0 && !involve_store_verify (store, NULL, &error))
            alarm_on ("verify", error);
        }
      else if (g_str_equal (role, "importer"))
        {
          g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func (g_free);

          if (!involve_store_begin_batch (store, &error))
            alarm_on ("begin", error);
          for (guint i = 0; error == NULL && i < 3; i++)
            {
              g_autoptr(InvolveRecord) record = involve_store_create_record (store, "icb-14z45", &error);

              if (record != NULL &&
                  involve_store_set_value (store, record, "b1-title", g_variant_new_string ("imported"), &error))
                g_ptr_array_add (made, g_strdup (involve_record_get_uuid (record)));
            }
          if (error != NULL)
            {
              alarm_on ("import", error);
              involve_store_rollback_batch (store);
            }
          else if (!involve_store_commit_batch (store, &error))
            alarm_on ("commit", error);
          else
            for (guint i = 0; i < made->len; i++)
              printf ("NEW %s\n", (char *) made->pdata[i]);
        }
      else if (g_str_equal (role, "backup"))
        {
          if (!involve_store_backup (store, copy, &error))
            alarm_on ("backup", error);
          g_unlink (copy);
          /* What moves the file under the others: a checkpoint. */
          sqlite3_wal_checkpoint_v2 (involve_store_get_db (store), NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        }
      else
        return 2;
      fflush (stdout);
    }
  printf ("OPENS %u\n", opens);
  return 0;
}
