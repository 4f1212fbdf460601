/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "common-test-util.h"
#include "involve-demo.h"
#include "involve-store.h"
#include "involve-store-private.h"
#include "involve-store-trust.h"
#include "store-engine-test-util.h"

/*
 * Crash test for the register: a writer process is killed with SIGKILL at
 * a random moment, many times over, on the same register.  After every
 * kill the file must pass SQLite's integrity check, the audit chain must
 * verify, and every change the writer was told had succeeded must be there.
 *
 * On a team register (INVOLVE_TEST_ENGINE=postgresql) the server must end
 * the killed client's session and roll back its open transaction: no
 * session is left, the audit chain verifies and every acknowledged change
 * is there.
 *
 * The writer is this program run with --writer PATH SEED sign|edit, and on
 * a team register LOCATION OFFICER REVIEWER after those: it opens LOCATION
 * (the test cluster superuser's connection string) instead of PATH and
 * acts as the login OFFICER, and as REVIEWER to sign off (the server lets
 * only a reviewer decide, never the person who submitted); its keys stay
 * beside PATH either way.  After each call that
 * returns success it prints an acknowledgement line on stdout and flushes
 * it, so the parent knows exactly what was acknowledged before the kill:
 *   create UUID
 *   set UUID FIELD N        (the field now holds "value N"; N only grows)
 *   field UUID I FIELD      (FIELD holds sample record I's value)
 *   signed UUID             (version 1 signed off)
 * Records to be signed off are filled from the demo's sample records, so
 * that they pass the validation that submitting runs.
 */

/* The sample records that are complete enough to submit. */
static GPtrArray *
submittable_samples (void)
{
  g_autoptr(GPtrArray) records = involve_demo_build_records (involve_definitions_get_default (NULL));
  g_autoptr(GPtrArray) plans = involve_demo_build_plans ();
  GPtrArray *samples = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < records->len; i++)
    {
      InvolveDemoPlan *plan = g_ptr_array_index (plans, i);

      if (plan->submit)
        g_ptr_array_add (samples, g_object_ref (g_ptr_array_index (records, i)));
    }
  g_assert_cmpuint (samples->len, >, 0);
  return samples;
}

#define N_FIELDS 4
static const char * const fields[N_FIELDS] = {
  "title", "step1-explanation", "b3-existing-arrangements", "c-background",
};

/* The writer's people keep their keys beside the register across runs. */
static InvolveIdentity *
writer_key (const char  *register_path,
            const char  *name,
            GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (register_path);
  g_autofree char *file = g_strdup_printf ("%s.pem", name);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr(InvolveIdentity) identity = NULL;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return involve_identity_load (path, "crash test", error);
  identity = involve_identity_generate (name, NULL, NULL, INVOLVE_KEY_ECDSA_P256, 30, error);
  if (identity == NULL || !involve_identity_save (identity, path, "crash test", error))
    return NULL;
  return g_steal_pointer (&identity);
}

/* On a team register, acts as @login from now on (nothing on a file). */
static gboolean
writer_become (InvolveStore  *store,
               const char    *login,
               GError       **error)
{
  return login == NULL || involve_store_server_become (store, login, error);
}

static int
run_writer (const char *path,
            guint32     seed,
            gboolean    sign_first,
            const char *location,
            const char *officer_login,
            const char *reviewer_login)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GPtrArray) samples = submittable_samples ();
  g_autoptr(InvolveIdentity) officer = NULL;
  g_autoptr(InvolveIdentity) reviewer = NULL;
  guint64 counter = 0;

  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", location != NULL ? location : path,
                          "auto-backup", FALSE, NULL);
  if (store == NULL || !writer_become (store, officer_login, &error))
    {
      fprintf (stderr, "writer: %s\n", error->message);
      return 1;
    }
  involve_store_set_profile_name (store, "Crash Test Officer");
  officer = writer_key (path, "Crash Test Officer", &error);
  reviewer = officer != NULL ? writer_key (path, "Crash Test Reviewer", &error) : NULL;
  if (reviewer == NULL)
    goto failed;
  involve_store_set_identity (store, officer);
  if (!involve_store_trust_add (store, involve_identity_get_certificate (reviewer), INVOLVE_TRUST_SIGN_OFF, &error))
    goto failed;

  for (;;)
    {
      guint n_edits = 1 + g_rand_int_range (rand, 0, 30);
      gboolean signing = sign_first || g_rand_int_range (rand, 0, 4) == 0;
      guint index = g_rand_int_range (rand, 0, samples->len);
      InvolveRecord *sample = g_ptr_array_index (samples, index);
      g_autoptr(InvolveRecord) initial =
        involve_record_new (signing ? involve_record_get_framework_id (sample) : "icb-14z45");
      g_autoptr(InvolveRecord) record = NULL;
      const char *uuid;

      /* A record pins its form edition when it is made: the sample's own. */
      if (signing)
        involve_record_set_string (initial, INVOLVE_FIELD_FORM_EDITION, involve_record_get_form_edition (sample));
      record = involve_store_create_record_with_values (store, initial, &error);

      if (record == NULL)
        break;
      sign_first = FALSE;
      uuid = involve_record_get_uuid (record);
      printf ("create %s\n", uuid);
      fflush (stdout);

      /* Most records get a run of edits ... */
      for (guint i = 0; !signing && i < n_edits; i++)
        {
          const char *field = fields[g_rand_int_range (rand, 0, N_FIELDS)];
          g_autofree char *text = NULL;

          counter++;
          /* Now and then a long value, so that changes span several pages. */
          if (g_rand_int_range (rand, 0, 8) == 0)
            {
              g_autofree char *padding = g_strnfill (4000 + g_rand_int_range (rand, 0, 20000), 'x');

              text = g_strdup_printf ("value %" G_GUINT64_FORMAT " %s", counter, padding);
            }
          else
            text = g_strdup_printf ("value %" G_GUINT64_FORMAT, counter);

          if (!involve_store_set_value (store, record, field, g_variant_new_string (text), &error))
            goto failed;
          printf ("set %s %s %" G_GUINT64_FORMAT "\n", uuid, field, counter);
          fflush (stdout);
        }

      /* ... and every few a complete one is filled, submitted and signed off. */
      if (signing)
        {
          g_autoptr(InvolveSignOff) sign_off = involve_sign_off_new ();
          g_auto(GStrv) ids = involve_record_dup_field_ids (sample);

          for (guint i = 0; ids[i] != NULL; i++)
            {
              if (!involve_store_set_value (store, record, ids[i], involve_record_get_value (sample, ids[i]), &error))
                goto failed;
              printf ("field %s %u %s\n", uuid, index, ids[i]);
              fflush (stdout);
            }

          sign_off->reviewer_name = g_strdup ("Crash Test Reviewer");
          sign_off->reviewer_email = g_strdup ("crash.reviewer@example.org");
          involve_store_set_profile_name (store, "Crash Test Officer");
          if (!involve_store_submit (store, uuid, NULL, &error))
            goto failed;
          involve_store_set_profile_name (store, "Crash Test Reviewer");
          involve_store_set_identity (store, reviewer);
          if (!writer_become (store, reviewer_login, &error) ||
              !involve_store_sign_off (store, uuid, sign_off, &error) ||
              !writer_become (store, officer_login, &error))
            goto failed;
          involve_store_set_identity (store, officer);
          involve_store_set_profile_name (store, "Crash Test Officer");
          printf ("signed %s\n", uuid);
          fflush (stdout);
        }
    }

failed:
  fprintf (stderr, "writer: %s\n", error != NULL ? error->message : "stopped");
  return 1;
}

typedef struct
{
  GHashTable *created;   /* uuid set */
  GHashTable *latest;    /* "uuid field" -> guint64 counter (boxed) */
  GHashTable *signed_off;
  GHashTable *sample_fields; /* "uuid field" -> sample index + 1 */
  guint       n_acks;
} Acks;

static void
acks_read_line (Acks       *acks,
                const char *line)
{
  g_auto(GStrv) parts = g_strsplit (line, " ", -1);
  guint n = g_strv_length (parts);

  if (n == 2 && g_str_equal (parts[0], "create"))
    g_hash_table_add (acks->created, g_strdup (parts[1]));
  else if (n == 4 && g_str_equal (parts[0], "set"))
    {
      guint64 *value = g_new (guint64, 1);

      *value = g_ascii_strtoull (parts[3], NULL, 10);
      g_hash_table_replace (acks->latest, g_strdup_printf ("%s %s", parts[1], parts[2]), value);
    }
  else if (n == 4 && g_str_equal (parts[0], "field"))
    g_hash_table_replace (acks->sample_fields, g_strdup_printf ("%s %s", parts[1], parts[3]),
                          GUINT_TO_POINTER (g_ascii_strtoull (parts[2], NULL, 10) + 1));
  else if (n == 2 && g_str_equal (parts[0], "signed"))
    g_hash_table_add (acks->signed_off, g_strdup (parts[1]));
  else
    g_error ("unexpected line from the writer: “%s”", line);
  acks->n_acks++;
}

static int
integrity_check (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int ok = 0;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *row = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (row, "ok") == 0)
        ok = 1;
      else
        {
          g_test_message ("integrity_check: %s", row);
          ok = -1;
        }
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ok;
}

/* Everything acknowledged is in the register. */
static void
check_acks (InvolveStore *store,
            Acks         *acks,
            GPtrArray    *samples)
{
  GHashTableIter iter;
  gpointer key, data;

  g_hash_table_iter_init (&iter, acks->sample_fields);
  while (g_hash_table_iter_next (&iter, &key, &data))
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) parts = g_strsplit (key, " ", 2);
      g_autoptr(InvolveRecord) record = involve_store_load_record (store, parts[0], 1, &error);
      InvolveRecord *sample = g_ptr_array_index (samples, GPOINTER_TO_UINT (data) - 1);
      GVariant *value;

      g_assert_no_error (error);
      value = involve_record_get_value (record, parts[1]);
      if (value == NULL || !g_variant_equal (value, involve_record_get_value (sample, parts[1])))
        g_error ("%s: acknowledged value of %s is missing or different", parts[0], parts[1]);
    }

  g_hash_table_iter_init (&iter, acks->created);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(InvolveRecord) record = involve_store_load_record (store, key, 1, &error);

      g_assert_no_error (error);
      g_assert_nonnull (record);
    }

  g_hash_table_iter_init (&iter, acks->latest);
  while (g_hash_table_iter_next (&iter, &key, &data))
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) parts = g_strsplit (key, " ", 2);
      g_autoptr(InvolveRecord) record = involve_store_load_record (store, parts[0], 1, &error);
      const char *value;
      guint64 stored;

      g_assert_no_error (error);
      value = involve_record_get_string (record, parts[1]);
      if (value == NULL || !g_str_has_prefix (value, "value "))
        g_error ("%s: acknowledged value %" G_GUINT64_FORMAT " of %s is missing",
                 parts[0], *(guint64 *) data, parts[1]);
      /* A later change may have been committed just before the kill but not
       * acknowledged; an earlier one never wins. */
      stored = g_ascii_strtoull (value + strlen ("value "), NULL, 10);
      if (stored < *(guint64 *) data)
        g_error ("%s: %s holds value %" G_GUINT64_FORMAT ", older than the acknowledged %" G_GUINT64_FORMAT,
                 parts[0], parts[1], stored, *(guint64 *) data);
    }

  g_hash_table_iter_init (&iter, acks->signed_off);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(InvolveRecord) record = involve_store_load_record (store, key, 1, &error);

      g_assert_no_error (error);
      g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_SIGNED_OFF);
    }
}

static const char *self_path;

static void
test_store_crash_sigkill (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("involve-crash-life-cycle-XXXXXX", &error);
  g_autofree char *path = NULL;
  guint runs = g_test_slow () ? 200 : 25;
  guint killed_before_ack = 0;
  gboolean on_server = store_test_on_server ();
  g_autoptr(GPtrArray) samples = submittable_samples ();
  Acks acks = { 0 };

  g_assert_no_error (error);
  path = g_build_filename (dir, "register.sqlite", NULL);
  acks.created = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  acks.latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  acks.signed_off = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  acks.sample_fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint run = 0; run < runs; run++)
    {
      g_autofree char *seed = g_strdup_printf ("%u", g_test_rand_int ());
      /* Every third run starts with a record it fills, submits and signs
       * off, and is not killed before that is acknowledged. */
      gboolean sign_first = run % 3 == 1;
      const char *argv[] = { self_path, "--writer", path, seed, sign_first ? "sign" : "edit",
                             /* On a team register: where, and who. */
                             on_server ? store_test_location (path) : NULL,
                             on_server ? store_test_login (path, "officer") : NULL,
                             on_server ? store_test_login (path, "reviewer") : NULL, NULL };
      g_autoptr(GIOChannel) channel = NULL;
      g_autoptr(InvolveStore) store = NULL;
      gint64 broken = -1;
      GPid pid;
      int out_fd;
      int status;
      guint before = acks.n_acks;
      char *line = NULL;
      gsize length;

      g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                               NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
      g_assert_no_error (error);

      channel = g_io_channel_unix_new (out_fd);
      g_io_channel_set_close_on_unref (channel, TRUE);

      /* Kill it at a random moment: now and then while it opens the
       * register, otherwise after a random number of acknowledged changes
       * (so that the test means the same on a slow, busy machine) and a
       * random fraction of a further change. */
      if (!sign_first && g_test_rand_int_range (0, 10) == 0)
        g_usleep (g_test_rand_int_range (0, 30000));
      else
        {
          guint target = before + (sign_first ? g_test_rand_int_range (100, 160) : g_test_rand_int_range (1, 120));

          while (acks.n_acks < target &&
                 g_io_channel_read_line (channel, &line, &length, NULL, NULL) == G_IO_STATUS_NORMAL)
            {
              line[length - 1] = '\0';
              acks_read_line (&acks, line);
              g_clear_pointer (&line, g_free);
            }
          g_usleep (g_test_rand_int_range (0, 5000));
        }
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);
      if (!(WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL))
        g_error ("run %u: the writer ended on its own (status %d) before it was killed", run, status);

      /* Every line written before the kill is in the pipe; a line cut in
       * half is not an acknowledgement. */
      while (g_io_channel_read_line (channel, &line, &length, NULL, NULL) == G_IO_STATUS_NORMAL)
        {
          if (line[length - 1] == '\n')
            {
              line[length - 1] = '\0';
              acks_read_line (&acks, line);
            }
          g_clear_pointer (&line, g_free);
        }
      if (acks.n_acks == before)
        killed_before_ack++;

      if (on_server)
        {
          /* The server noticed the dead client: its session, and with it
           * any transaction it had open, is gone. */
          g_assert_cmpuint (pg_test_register_wait_for_sessions (store_test_server_register (path), 10000), ==, 0);
        }
      else
        {
          if (!g_file_test (path, G_FILE_TEST_EXISTS))
            continue;   /* killed before the file was made */
          /* The file is sound. */
          g_assert_cmpint (integrity_check (path), ==, 1);
        }

      /* The register opens, verifies, and holds every acknowledged change. */
      store = store_test_open_as (path, "officer", "Crash Test Officer", &error);
      g_assert_no_error (error);
      check_acks (store, &acks, samples);
      if (!involve_store_verify (store, &broken, &error))
        g_error ("run %u: the register does not verify (entry %" G_GINT64_FORMAT "): %s",
                 run, broken, error->message);
    }

  g_test_message ("%u runs, %u acknowledged changes, %u records, %u signed off, %u kills before any acknowledgement",
                  runs, acks.n_acks, g_hash_table_size (acks.created), g_hash_table_size (acks.signed_off),
                  killed_before_ack);
  /* The writer must actually have written something for the test to mean anything. */
  g_assert_cmpuint (acks.n_acks, >, runs);
  g_assert_cmpuint (g_hash_table_size (acks.signed_off), >, 0);

  g_hash_table_unref (acks.created);
  g_hash_table_unref (acks.latest);
  g_hash_table_unref (acks.signed_off);
  g_hash_table_unref (acks.sample_fields);
  test_util_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  if ((argc == 5 || argc == 8) && g_str_equal (argv[1], "--writer"))
    return run_writer (argv[2], (guint32) g_ascii_strtoull (argv[3], NULL, 10), g_str_equal (argv[4], "sign"),
                       argc == 8 ? argv[5] : NULL, argc == 8 ? argv[6] : NULL, argc == 8 ? argv[7] : NULL);

  self_path = argv[0];
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/crash/sigkill-during-life-cycle", test_store_crash_sigkill);
  return g_test_run ();
}
