/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Helper for test-store-crash: edits a register as fast as it can and
 * writes one line to stdout after each change is committed:
 *   "ACK <sequence> <uuid> <field>\n"   value "edit <sequence>" saved
 *   "NEW <uuid>\n"                      record created
 * The test kills it with SIGKILL at a random moment.
 * Usage: store-crash-writer LOCATION FIRST-SEQUENCE JOURNAL-MODE SEED [LOGIN]
 * LOCATION is a register file, or a team register's connection string for
 * the test cluster's superuser: the writer then acts as LOGIN (SET SESSION
 * AUTHORIZATION), as the test's own store does (store-engine-test-util.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "involve-store.h"
#include "involve-store-private.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = NULL;
  guint64 sequence;

  if (argc != 5 && argc != 6)
    return 2;
  sequence = g_ascii_strtoull (argv[2], NULL, 10);
  rand = g_rand_new_with_seed ((guint32) g_ascii_strtoull (argv[4], NULL, 10));

  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error,
                          "path", argv[1], "auto-backup", FALSE,
                          "journal-mode", argv[3], "os-account", "crash-writer", NULL);
  if (store == NULL || (argc == 6 && !involve_store_server_become (store, argv[5], &error)))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  existing = involve_store_list (store, NULL, NULL, &error);
  if (existing == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < existing->len; i++)
    {
      InvolveRecordSummary *summary = existing->pdata[i];

      if (summary->status == INVOLVE_STATUS_DRAFT)
        g_ptr_array_add (uuids, g_strdup (summary->uuid));
    }

  for (;;)
    {
      g_autoptr(InvolveRecord) record = NULL;
      g_autofree char *field = NULL;
      g_autofree char *value = NULL;

      if (uuids->len == 0 || g_rand_int_range (rand, 0, 50) == 0)
        {
          record = involve_store_create_record (store, "icb-14z45", &error);
          if (record == NULL)
            {
              fprintf (stderr, "%s\n", error->message);
              return 1;
            }
          g_ptr_array_add (uuids, g_strdup (involve_record_get_uuid (record)));
          printf ("NEW %s\n", involve_record_get_uuid (record));
          fflush (stdout);
        }
      else
        {
          const char *uuid = uuids->pdata[g_rand_int_range (rand, 0, uuids->len)];

          record = involve_store_load_record (store, uuid, 0, &error);
          if (record == NULL)
            {
              fprintf (stderr, "%s\n", error->message);
              return 1;
            }
        }

      field = g_strdup_printf ("b1-field-%02d", g_rand_int_range (rand, 0, 12));
      value = g_strdup_printf ("edit %" G_GUINT64_FORMAT, sequence);
      if (!involve_store_set_value (store, record, field, g_variant_new_string (value), &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      printf ("ACK %" G_GUINT64_FORMAT " %s %s\n", sequence, involve_record_get_uuid (record), field);
      fflush (stdout);
      sequence++;
    }
}
