/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Four processes on one register at once: one writing, one reading and
 * verifying, one importing in batches, one backing up and checkpointing,
 * each opening the register afresh for every step.  The register is sound
 * throughout, so no open may call it damaged (or fail at all), and every
 * acknowledged change must be there afterwards.
 *
 * On a team register (INVOLVE_TEST_ENGINE=postgresql) each worker is an
 * officer login of its own.  A team register has no backups of the app's
 * (its server's IT takes them) nor checkpoints, so the fourth worker is a
 * second writer instead: two writers contend for the audit chain's head,
 * which the server serialises.
 *
 * It runs for INVOLVE_STRESS_SECONDS (default 10, short enough for two
 * shared cores); the long run of the issue is
 *   INVOLVE_STRESS_SECONDS=60 meson test -C _build test-store-stress -t 10
 * (also: ninja -C _build bench-store-stress).
 */
#include "config.h"

#include <string.h>

#include "store-test-util.h"

typedef struct
{
  const char *role;
  GSubprocess *process;
} Worker;

static void
test_stress (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) last_ack = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func (g_free);
  const char *worker_path = g_getenv ("INVOLVE_STRESS_WORKER");
  const char *seconds = g_getenv ("INVOLVE_STRESS_SECONDS");
  Worker workers[] = { { "writer" }, { "reader" }, { "importer" },
                       { store_test_on_server () ? "writer" : "backup" } };
  guint alarms = 0;
  guint opens = 0;
  guint acks = 0;

  g_assert_nonnull (worker_path);
  if (seconds == NULL)
    seconds = "10";

  /* A register with something in it, so that checkpoints move pages. */
  store = open_store (td->path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 30; i++)
    {
      g_autoptr(InvolveRecord) record = involve_store_create_record (store, "icb-14z45", &error);
      g_autofree char *text = g_strnfill (2000, 'a' + i % 26);

      g_assert_no_error (error);
      set_string (store, record, "b1-objectives", text);
    }
  g_clear_object (&store);

  for (guint i = 0; i < G_N_ELEMENTS (workers); i++)
    {
      g_autofree char *who = g_strdup_printf ("stress-%s-%u", workers[i].role, i);

      /* On a file the trailing NULL ends the arguments before the login. */
      workers[i].process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                             worker_path, store_test_location (td->path), workers[i].role, seconds,
                                             store_test_on_server () ? store_test_login (td->path, who) : NULL,
                                             NULL);
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (workers); i++)
    {
      g_autofree char *out = NULL;
      g_auto(GStrv) lines = NULL;

      g_assert_true (g_subprocess_communicate_utf8 (workers[i].process, NULL, NULL, &out, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (workers[i].process));
      g_assert_cmpint (g_subprocess_get_exit_status (workers[i].process), ==, 0);
      g_clear_object (&workers[i].process);

      lines = g_strsplit (out, "\n", -1);
      for (guint j = 0; lines[j] != NULL; j++)
        {
          const char *line = lines[j];

          if (g_str_has_prefix (line, "ALARM "))
            {
              g_test_message ("%s: %s", workers[i].role, line);
              alarms++;
            }
          else if (g_str_has_prefix (line, "OPENS "))
            opens += (guint) g_ascii_strtoull (line + 6, NULL, 10);
          else if (g_str_has_prefix (line, "NEW "))
            {
              g_ptr_array_add (created, g_strdup (line + 4));
              acks++;
            }
          else if (g_str_has_prefix (line, "ACK "))
            {
              g_auto(GStrv) parts = g_strsplit (line + 4, " ", 2);

              g_hash_table_insert (last_ack, g_strdup (parts[0]),
                                   GUINT_TO_POINTER ((guint) g_ascii_strtoull (parts[1], NULL, 10)));
              acks++;
            }
        }
    }
  g_test_message ("%u opens, %u acknowledged changes, %u alarms", opens, acks, alarms);
  g_assert_cmpuint (alarms, ==, 0);
  g_assert_cmpuint (opens, >, 20);
  g_assert_cmpuint (acks, >, 10);
  /* Both writers got their turns at the audit chain's head. */
  g_assert_cmpuint (g_hash_table_size (last_ack), ==, store_test_on_server () ? 2 : 1);

  /* Nothing acknowledged is missing, and the whole is sound. */
  store = open_store (td->path, &error);
  g_assert_no_error (error);
  g_assert_false (involve_store_is_damaged (store));
  for (guint i = 0; i < created->len; i++)
    {
      g_autoptr(InvolveRecord) record = involve_store_load_record (store, created->pdata[i], 0, &error);

      g_assert_no_error (error);
      g_assert_nonnull (record);
    }
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, last_ack);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        g_autoptr(InvolveRecord) record = involve_store_load_record (store, key, 0, &error);
        g_autofree char *expected = g_strdup_printf ("write %u", GPOINTER_TO_UINT (value));
        GVariant *saved;

        g_assert_no_error (error);
        saved = involve_record_get_value (record, "b1-objectives");
        g_assert_nonnull (saved);
        g_assert_cmpstr (g_variant_get_string (saved, NULL), ==, expected);
      }
  }
  g_assert_true (involve_store_verify (store, NULL, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/stress/four-processes", test_stress);
  return g_test_run ();
}
