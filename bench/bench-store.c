/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The register at scale.  Builds (or reuses) a register of 100,000
 * records and prints median and 99th-percentile times for:
 *   saving one field edit (goal: median under 2 ms)
 *   opening the register
 *   listing the first page (50 records) of the default list and a filtered one
 *   full-text search, first page (goal: median under 20 ms)
 * and the time to verify an audit chain of at least 1,000,000 entries.
 *
 * Usage: bench-store [--records N] [--path FILE] [--keep] [--verify-only]
 * (G_MESSAGES_DEBUG=involve-store shows the time of each step of verify.)
 * Not a test: ninja -C _build bench/bench-store && _build/bench/bench-store
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "involve-store.h"

static const char *words[] = {
  "podiatry", "fracture", "clinic", "relocation", "dental", "contract", "pharmacy", "maternity",
  "mental", "health", "community", "hospital", "outpatients", "diabetes", "stroke", "urgent",
  "care", "service", "review", "closure", "consultation", "patients", "carers", "survey",
  "transport", "access", "waiting", "times", "digital", "appointments", "nursing", "therapy",
};

/* Text with the shape of real answers: a few common domain words among
 * many rarer ones (made-up words from syllables). */
static char *
sentence (GRand *rand,
          guint  n_words)
{
  static const char *syllables[] = { "ka", "lo", "mi", "ne", "to", "ra", "shi", "ven", "dor", "pel",
                                     "an", "ith", "ul", "bre", "cos", "fa", "gu", "hin", "jo", "wex" };
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n_words; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      if (g_rand_int_range (rand, 0, 10) < 2)
        g_string_append (out, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
      else
        {
          /* 8,000 distinct made-up words. */
          guint w = g_rand_int_range (rand, 0, 8000);

          g_string_append (out, syllables[w % 20]);
          g_string_append (out, syllables[(w / 20) % 20]);
          g_string_append (out, syllables[(w / 400) % 20]);
        }
    }
  return g_string_free (out, FALSE);
}

static InvolveRecord *
template_record (GRand *rand,
                 guint  i)
{
  static const char *frameworks[] = { "icb-14z45", "ccg-14z2", "nhse-13q" };
  static const char *organisations[] = { "Northshire ICB", "Westshire ICB", "Eastbridge CCG",
                                         "NHS England (South)", "Riverside ICB" };
  static const char *text_fields[] = { "step1-explanation", "step2-explanation", "duty-applies-reason",
                                       "b1-location", "b1-title-description", "b1-objectives",
                                       "b3-existing-arrangements", "b3-insight-use", "b4-approach",
                                       "b5-influence", "c-background" };
  InvolveRecord *record = involve_record_new (frameworks[i % G_N_ELEMENTS (frameworks)]);
  g_autofree char *title = sentence (rand, 4);
  g_autofree char *full_title = NULL;

  /* One record in a thousand mentions a rare word. */
  full_title = g_strdup_printf ("%s%s", title, i % 1000 == 7 ? " chiropody" : "");
  involve_record_set_string (record, "title", full_title);
  involve_record_set_string (record, "organisation-name", organisations[i % G_N_ELEMENTS (organisations)]);
  involve_record_set_string (record, "organisation-type", "icb");
  involve_record_set_answer (record, "step1-commissioning", i % 5 ? INVOLVE_ANSWER_YES : INVOLVE_ANSWER_NO);
  for (guint f = 0; f < G_N_ELEMENTS (text_fields); f++)
    {
      g_autofree char *text = sentence (rand, 12 + g_rand_int_range (rand, 0, 30));
      involve_record_set_string (record, text_fields[f], text);
    }
  return record;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
report (const char *what,
        GArray     *ms,
        const char *goal)
{
  double median, p99;

  qsort (ms->data, ms->len, sizeof (double), compare_doubles);
  median = g_array_index (ms, double, ms->len / 2);
  p99 = g_array_index (ms, double, MIN (ms->len - 1, (guint) (ms->len * 0.99)));
  printf ("%-44s median %8.3f ms   p99 %8.3f ms   (n=%u)%s%s\n",
          what, median, p99, ms->len, goal ? "   goal: " : "", goal ? goal : "");
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* The CPU this thread used: on a shared, busy machine the wall clock
 * mostly measures the others. */
static double
cpu_ms (void)
{
  struct timespec cpu = { 0, };

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &cpu);
  return cpu.tv_sec * 1000.0 + cpu.tv_nsec / 1e6;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GPtrArray) page = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GArray) times = NULL;
  gboolean keep = FALSE;
  gboolean verify_only = FALSE;
  int n_records = 100000;
  guint count = 0;
  gint64 head = 0;
  gint64 start;
  const GOptionEntry entries[] = {
    { "records", 'n', 0, G_OPTION_ARG_INT, &n_records, "Records in the register (default 100000)", "N" },
    { "path", 'p', 0, G_OPTION_ARG_FILENAME, &path, "Register to build or reuse", "FILE" },
    { "keep", 'k', 0, G_OPTION_ARG_NONE, &keep, "Keep the register afterwards", NULL },
    { "verify-only", 0, 0, G_OPTION_ARG_NONE, &verify_only, "Only time verify (with G_MESSAGES_DEBUG=involve-store: each step)", NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  if (path == NULL)
    {
      dir = g_dir_make_tmp ("involve-bench-XXXXXX", &error);
      g_assert_no_error (error);
      path = g_build_filename (dir, "register.sqlite", NULL);
    }

  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", path, "auto-backup", FALSE, NULL);
  if (store == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  involve_store_set_profile_name (store, "Benchmark");
  printf ("register: %s (journal %s)\n", path, involve_store_get_journal_mode (store));

  /* Build what is missing, in batches of 1,000 records. */
  g_assert_true (involve_store_count (store, NULL, &count, &error));
  if (count < (guint) n_records)
    {
      start = g_get_monotonic_time ();
      for (guint i = count; i < (guint) n_records; i++)
        {
          g_autoptr(InvolveRecord) values = template_record (rand, i);
          g_autoptr(InvolveRecord) record = NULL;

          if (i % 1000 == count % 1000 && !involve_store_begin_batch (store, &error))
            g_error ("%s", error->message);
          record = involve_store_create_record_with_values (store, values, &error);
          if (record == NULL)
            g_error ("%s", error->message);
          if ((i + 1) % 1000 == 0 || i + 1 == (guint) n_records)
            {
              if (!involve_store_commit_batch (store, &error))
                g_error ("%s", error->message);
              fprintf (stderr, "\rbuilding: %u records", i + 1);
            }
        }
      fprintf (stderr, "\n");
      printf ("built %d records in %.1f s\n", n_records - (int) count, ms_since (start) / 1000);
    }
  g_assert_true (involve_store_count (store, NULL, &count, &error));
  g_assert_true (involve_store_get_audit_head (store, &head, NULL, &error));
  printf ("records: %u, audit entries: %" G_GINT64_FORMAT "\n\n", count, head);
  /* A large register is checked for damage in a thread: not while timing. */
  involve_store_wait_for_check (store);
  if (verify_only)
    goto verify;

  /* What one flush to this disk costs: each save waits for one. */
  {
    g_autofree char *probe = g_strconcat (path, ".fsync-probe", NULL);
    char block[4096] = { 0 };
    int fd = g_open (probe, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    times = g_array_new (FALSE, FALSE, sizeof (double));
    for (guint i = 0; fd >= 0 && i < 100; i++)
      {
        double ms;

        if (write (fd, block, sizeof block) != sizeof block)
          break;
        start = g_get_monotonic_time ();
        fdatasync (fd);
        ms = ms_since (start);
        g_array_append_val (times, ms);
      }
    if (fd >= 0)
      close (fd);
    g_unlink (probe);
    if (times->len > 0)
      report ("fdatasync of 4 KiB on this disk (for scale)", times, NULL);
    g_array_set_size (times, 0);
  }

  /* Save one field edit: one transaction with its audit entry, fsync'd. */
  {
    InvolveStoreQuery query;
    g_autoptr(GPtrArray) sample = NULL;

    involve_store_query_init (&query);
    query.offset = g_rand_int_range (rand, 0, MAX (1, count - 500));
    query.limit = 200;
    sample = involve_store_list (store, &query, NULL, &error);
    for (guint i = 0; i < 1000; i++)
      {
        InvolveRecordSummary *summary = sample->pdata[i % sample->len];
        g_autoptr(InvolveRecord) record = involve_store_load_record (store, summary->uuid, 0, &error);
        g_autofree char *text = sentence (rand, 20);
        double ms;

        start = g_get_monotonic_time ();
        if (!involve_store_set_value (store, record, "b3-insight-use", g_variant_new_string (text), &error))
          g_error ("%s", error->message);
        ms = ms_since (start);
        g_array_append_val (times, ms);
      }
    report ("save one field edit", times, "< 2 ms median");
  }

  /* Open. */
  g_array_set_size (times, 0);
  g_clear_object (&store);
  for (guint i = 0; i < 20; i++)
    {
      double ms;

      start = g_get_monotonic_time ();
      store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", path, "auto-backup", FALSE, NULL);
      ms = ms_since (start);
      g_assert_no_error (error);
      g_array_append_val (times, ms);
      if (i < 19)
        g_clear_object (&store);
    }
  report ("open the register", times, NULL);

  /* First page of lists. */
  {
    struct { const char *what; InvolveStoreSort sort; gboolean desc; guint status_mask; const char *framework; } lists[] = {
      { "list first page (by reference)", INVOLVE_STORE_SORT_REFERENCE, FALSE, 0, NULL },
      { "list first page (last changed first)", INVOLVE_STORE_SORT_MODIFIED, TRUE, 0, NULL },
      { "list first page (drafts, one framework)", INVOLVE_STORE_SORT_REFERENCE, TRUE, 1u << INVOLVE_STATUS_DRAFT, "nhse-13q" },
    };

    for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
      {
        g_array_set_size (times, 0);
        for (guint i = 0; i < 200; i++)
          {
            InvolveStoreQuery query;
            guint total = 0;
            double ms;

            involve_store_query_init (&query);
            query.sort = lists[l].sort;
            query.descending = lists[l].desc;
            query.status_mask = lists[l].status_mask;
            query.framework_id = lists[l].framework;
            query.limit = 50;
            start = g_get_monotonic_time ();
            page = involve_store_list (store, &query, &total, &error);
            ms = ms_since (start);
            g_assert_no_error (error);
            g_assert_cmpuint (page->len, ==, 50);
            g_clear_pointer (&page, g_ptr_array_unref);
            g_array_append_val (times, ms);
          }
        report (lists[l].what, times, NULL);
      }
  }

  /* Saving only marks records for re-indexing; the first search after the
   * 1,000 edits above re-indexes them. */
  {
    InvolveStoreQuery query;
    guint total = 0;

    involve_store_query_init (&query);
    query.text = "podiatry";
    query.limit = 50;
    start = g_get_monotonic_time ();
    page = involve_store_list (store, &query, &total, &error);
    g_assert_no_error (error);
    g_clear_pointer (&page, g_ptr_array_unref);
    printf ("%-44s %8.3f ms (once, re-indexes the edited records)\n",
            "first search after 1,000 edits", ms_since (start));
  }

  /* Full-text search, first page and the count of matches. */
  {
    const char *searches[] = { "chiropody", "podiatry reloc", "maternity clinic survey", "patients", "kaloven" };

    for (guint s = 0; s < G_N_ELEMENTS (searches); s++)
      {
        g_autofree char *what = g_strdup_printf ("full-text search \"%s\"", searches[s]);
        g_autoptr(GArray) cpu_times = g_array_new (FALSE, FALSE, sizeof (double));
        guint total = 0;

        g_array_set_size (times, 0);
        for (guint i = 0; i < 100; i++)
          {
            InvolveStoreQuery query;
            double ms;
            double cpu_start = cpu_ms ();

            involve_store_query_init (&query);
            query.text = searches[s];
            query.limit = 50;
            start = g_get_monotonic_time ();
            page = involve_store_list (store, &query, &total, &error);
            ms = ms_since (start);
            g_assert_no_error (error);
            g_clear_pointer (&page, g_ptr_array_unref);
            g_array_append_val (times, ms);
            ms = cpu_ms () - cpu_start;
            g_array_append_val (cpu_times, ms);
          }
        report (what, times, "< 10 ms median");
        report ("  the same, CPU time", cpu_times, NULL);
        printf ("%-44s %u matches\n", "", total);
      }
  }

  /* Verify: the whole chain. */
verify:
  {
    gint64 broken = 0;

    g_assert_true (involve_store_get_audit_head (store, &head, NULL, &error));
    if (head < 1000000)
      printf ("\nnote: the chain has only %" G_GINT64_FORMAT " entries (fewer than 1,000,000)\n", head);
    start = g_get_monotonic_time ();
    if (!involve_store_verify (store, &broken, &error))
      g_error ("%s", error->message);
    printf ("\nverify the audit chain of %" G_GINT64_FORMAT " entries: %.2f s\n", head, ms_since (start) / 1000);
  }
  if (verify_only)
    goto done;

  /* The daily backup, once a day on open. */
  {
    g_autofree char *copy = g_strconcat (path, ".bench-backup", NULL);

    start = g_get_monotonic_time ();
    if (!involve_store_backup (store, copy, &error))
      g_error ("%s", error->message);
    printf ("online backup of the register: %.2f s\n", ms_since (start) / 1000);
    g_unlink (copy);
  }

done:
  g_clear_object (&store);
  if (dir != NULL && !keep)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_unlink (path);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (dir);
    }
  else
    printf ("kept %s\n", path);
  return 0;
}
