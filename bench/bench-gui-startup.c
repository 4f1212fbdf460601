/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Cold start of the app on a large register: starts the real `involve`
 * N times, each a new process, and prints the median, minimum and maximum
 * time from starting the process to each milestone of its start (GTK
 * ready, definitions loaded, register open, window built, first frame
 * painted), and the CPU time the process had used by each: on a busy
 * machine the times vary with the load, the CPU time less so (compare two
 * builds in alternate series).  Goal: first frame under 500 ms on 100,000
 * records.
 *
 *   ninja -C _build
 *   _build/bench/bench-store --path /tmp/bench/big.sqlite --keep   # once: 100,000 records, minutes
 *   dbus-run-session -- xvfb-run -a -s '-screen 0 1366x768x24' \
 *     _build/bench/bench-gui-startup --path /tmp/bench/big.sqlite --runs 10
 *
 * Needs a display (or xvfb-run) and, for a start like a desktop's, a
 * session bus (dbus-run-session).  The app reads settings from a memory
 * backend (the default window size) and reports its milestones with
 * G_MESSAGES_DEBUG=involve-application; each run is stopped after its first
 * frame.  Before the runs, today's backup of the register is made if it is
 * missing, so the runs time an ordinary start; --first-of-day puts it aside
 * during each run to time the first start of a day (which also copies the
 * register, in a thread started after the first frame).  --drop-caches
 * empties the page cache before each run (root only) for a start from
 * disk.  --app PROGRAM times another build; the benchmark itself opens the
 * register first, which brings it to this build's format, so an older
 * build may refuse it (the run then times out after 60 s).  Set
 * GSK_RENDERER as you like: under Xvfb the default GL renderer is Mesa's
 * software one.  Prints figures; it is not a timed test.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "involve-store.h"

/* The milestones the app logs (involve-application.c), in order. */
static const char * const marks[] = {
  "GTK ready",
  "definitions loaded",
  "register open",
  "window built",
  "first frame painted",
};
#define N_MARKS G_N_ELEMENTS (marks)

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Sorts ms in place. */
static void
summarise (GArray *ms,
           double *median,
           double *min,
           double *max)
{
  qsort (ms->data, ms->len, sizeof (double), compare_doubles);
  *min = g_array_index (ms, double, 0);
  *max = g_array_index (ms, double, ms->len - 1);
  if (ms->len % 2 == 1)
    *median = g_array_index (ms, double, ms->len / 2);
  else
    *median = (g_array_index (ms, double, ms->len / 2 - 1) + g_array_index (ms, double, ms->len / 2)) / 2;
}

static gboolean
drop_caches (GError **error)
{
  /* Written in place: /proc refuses what g_file_set_contents() does. */
  int fd;

  sync ();
  fd = g_open ("/proc/sys/vm/drop_caches", O_WRONLY, 0);
  if (fd < 0 || write (fd, "3\n", 2) != 2)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "/proc/sys/vm/drop_caches: %s", g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* Makes today's backup, so that no run starts the daily copy of the
 * register unless asked to, and returns its path. */
static char *
prepare_register (const char  *path,
                  guint       *count,
                  GError     **error)
{
  g_autoptr(InvolveStore) store = involve_store_open (path, error);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  gint64 start = g_get_monotonic_time ();
  char *dot = strrchr (base, '.');

  if (store == NULL)
    return NULL;
  involve_store_wait_for_backup (store);
  if (g_get_monotonic_time () - start > 500000)
    printf ("made today's backup of the register in %.1f s\n",
            (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  if (!involve_store_count (store, NULL, count, error))
    return NULL;

  /* backups/STEM-YYYY-MM-DD.sqlite, as the store names it. */
  if (dot != NULL && dot != base)
    *dot = '\0';
  dir = involve_store_dup_backup_dir (store);
  name = g_strdup_printf ("%s-%s.sqlite", base, today);
  return g_build_filename (dir, name, NULL);
}

/* --first-of-day: today's backup is put aside for one run, and back after
 * it, with what the stopped run left of its own copy removed. */
static void
put_backup_aside (const char *backup,
                  gboolean    aside)
{
  g_autofree char *kept = g_strconcat (backup, ".bench-aside", NULL);

  if (aside)
    {
      if (g_rename (backup, kept) != 0)
        g_error ("Cannot move %s aside: %s", backup, g_strerror (errno));
    }
  else
    {
      g_autofree char *partial = g_strconcat (backup, ".partial", NULL);
      g_autofree char *journal = g_strconcat (backup, ".partial-journal", NULL);
      g_autofree char *lock = g_strconcat (backup, ".lock", NULL);

      g_unlink (partial);
      g_unlink (journal);
      /* Else the next run would find the copy "in progress" and skip it. */
      g_unlink (lock);
      if (g_rename (kept, backup) != 0)
        g_error ("Cannot put %s back: %s", backup, g_strerror (errno));
    }
}

/* A run that shows nothing for this long has hung (seen once under Xvfb). */
#define RUN_TIMEOUT_USEC (60 * G_USEC_PER_SEC)

typedef struct
{
  GMutex        mutex;
  GCond         cond;
  gboolean      done;
  GCancellable *cancellable;
} Watchdog;

static gpointer
watchdog_thread (gpointer data)
{
  Watchdog *watchdog = data;
  gint64 end = g_get_monotonic_time () + RUN_TIMEOUT_USEC;

  g_mutex_lock (&watchdog->mutex);
  while (!watchdog->done)
    if (!g_cond_wait_until (&watchdog->cond, &watchdog->mutex, end))
      {
        g_cancellable_cancel (watchdog->cancellable);
        break;
      }
  g_mutex_unlock (&watchdog->mutex);
  return NULL;
}

/* One start: fills times[] with ms since the process was started, and
 * cpu[] with the CPU time it had used by then. */
static gboolean
run_once (const char  *app,
          const char  *path,
          const char  *settings_dir,
          double       times[N_MARKS],
          double       cpu[N_MARKS],
          GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *data_dirs = NULL;
  const char *old_data_dirs = g_getenv ("XDG_DATA_DIRS");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Watchdog watchdog = { .cancellable = cancellable };
  GThread *timer;
  guint seen = 0; /* bit i: marks[i] */
  guint all = (1u << N_MARKS) - 1;
  gint64 start;

  /* As tools/run-app: the build's settings schema, the source's icon. */
  data_dirs = g_strdup_printf ("%s:%s", INVOLVE_SOURCE_ROOT,
                               old_data_dirs != NULL ? old_data_dirs : "/usr/local/share:/usr/share");
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_DIRS", data_dirs, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_SCHEMA_DIR", settings_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "involve-application", TRUE);

  start = g_get_monotonic_time ();
  process = g_subprocess_launcher_spawn (launcher, error, app, "--database", path, NULL);
  if (process == NULL)
    return FALSE;

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_mutex_init (&watchdog.mutex);
  g_cond_init (&watchdog.cond);
  timer = g_thread_new ("watchdog", watchdog_thread, &watchdog);
  /* Until the last mark, or the app exits (its output ends), or it hangs. */
  while (seen != all)
    {
      g_autofree char *line = g_data_input_stream_read_line (lines, NULL, cancellable, error);
      const char *found;

      if (line == NULL)
        break;
      found = strstr (line, "Startup: ");
      for (guint i = 0; found != NULL && i < N_MARKS; i++)
        {
          const char *rest = found + strlen ("Startup: ");
          gsize len = strlen (marks[i]);

          if (strncmp (rest, marks[i], len) == 0 && g_str_has_prefix (rest + len, " at "))
            {
              const char *cpu_text = strstr (rest, ", CPU ");
              gint64 at = g_ascii_strtoll (rest + len + strlen (" at "), NULL, 10);

              times[i] = (at - start) / 1000.0;
              if (cpu_text != NULL)
                cpu[i] = g_ascii_strtoll (cpu_text + strlen (", CPU "), NULL, 10) / 1000.0;
              seen |= 1u << i;
            }
        }
    }

  g_mutex_lock (&watchdog.mutex);
  watchdog.done = TRUE;
  g_cond_signal (&watchdog.cond);
  g_mutex_unlock (&watchdog.mutex);
  g_thread_join (timer);
  g_mutex_clear (&watchdog.mutex);
  g_cond_clear (&watchdog.cond);

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_clear_error (error);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "no first frame after %d s", RUN_TIMEOUT_USEC / G_USEC_PER_SEC);
      return FALSE;
    }
  if (seen != all)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "%s stopped before its first frame (run it by hand to see why)", app);
      return FALSE;
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *app = NULL;
  g_autoptr(GArray) runs_times = NULL; /* double[N_MARKS] a run */
  g_autoptr(GArray) runs_cpu = NULL;   /* double[N_MARKS] a run */
  const char *renderer = g_getenv ("GSK_RENDERER");
  gboolean cold = FALSE;
  gboolean first_of_day = FALSE;
  guint hung = 0;
  g_autofree char *backup = NULL;
  int runs = 10;
  guint count = 0;
  const GOptionEntry entries[] = {
    { "path", 'p', 0, G_OPTION_ARG_FILENAME, &path, "The register to open (see bench-store)", "FILE" },
    { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Starts to time (default 10)", "N" },
    { "app", 0, 0, G_OPTION_ARG_FILENAME, &app, "The involve program (default: the build's)", "PROGRAM" },
    { "drop-caches", 0, 0, G_OPTION_ARG_NONE, &cold, "Empty the page cache before each start (root)", NULL },
    { "first-of-day", 0, 0, G_OPTION_ARG_NONE, &first_of_day,
      "Time the first start of a day (today's backup put aside during each run)", NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, "Times the app's cold start up to its first painted frame.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || path == NULL || runs < 1)
    {
      fprintf (stderr, "%s\n", error ? error->message : "--path FILE is required (and --runs at least 1)");
      return 2;
    }
  if (app == NULL)
    app = g_strdup (INVOLVE_APP_PATH);
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      fprintf (stderr, "No display: run under xvfb-run (see the top of bench/bench-gui-startup.c)\n");
      return 2;
    }
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    fprintf (stderr, "note: no session bus; the app starts without one (use dbus-run-session)\n");

  backup = prepare_register (path, &count, &error);
  if (backup == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  runs_times = g_array_new (FALSE, TRUE, sizeof (double) * N_MARKS);
  runs_cpu = g_array_new (FALSE, TRUE, sizeof (double) * N_MARKS);
  for (int r = 0; r < runs; r++)
    {
      double t[N_MARKS] = { 0 };
      double c[N_MARKS] = { 0 };
      gboolean ok;

      if (cold && !drop_caches (&error))
        {
          fprintf (stderr, "--drop-caches: %s\n", error->message);
          return 1;
        }
      if (first_of_day)
        put_backup_aside (backup, TRUE);
      ok = run_once (app, path, INVOLVE_SETTINGS_SCHEMA_DIR, t, c, &error);
      if (first_of_day)
        put_backup_aside (backup, FALSE);
      if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        {
          /* Seen once in hundreds of runs under Xvfb: say so, go on. */
          fprintf (stderr, "run %d: %s; not counted\n", r + 1, error->message);
          g_clear_error (&error);
          hung++;
          continue;
        }
      if (!ok)
        {
          fprintf (stderr, "run %d: %s\n", r + 1, error->message);
          return 1;
        }
      fprintf (stderr, "run %2d: first frame %7.1f ms (CPU %.1f ms)\n", r + 1, t[N_MARKS - 1], c[N_MARKS - 1]);
      g_array_append_vals (runs_times, t, 1);
      g_array_append_vals (runs_cpu, c, 1);
    }

  if (runs_times->len == 0)
    {
      fprintf (stderr, "no run painted a frame\n");
      return 1;
    }
  printf ("\n%s on %s (%u records)\n", app, path, count);
  if (hung > 0)
    printf ("%u of %d runs hung and are not counted\n", hung, runs);
  printf ("%u runs, %s page cache, %s, GSK_RENDERER=%s\n\n", runs_times->len, cold ? "emptied" : "warm",
          first_of_day ? "first start of the day" : "today's backup made",
          renderer != NULL ? renderer : "(default)");
  printf ("ms since the process started   median      min      max   step median  step max  CPU median\n");
  for (guint m = 0; m < N_MARKS; m++)
    {
      g_autoptr(GArray) at = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) step = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) used = g_array_new (FALSE, FALSE, sizeof (double));
      double median, min, max, step_median, step_min, step_max, cpu_median, cpu_min, cpu_max;

      for (guint r = 0; r < runs_times->len; r++)
        {
          const double *t = (const double *) (runs_times->data + r * sizeof (double) * N_MARKS);
          double d = t[m] - (m > 0 ? t[m - 1] : 0);

          const double *c = (const double *) (runs_cpu->data + r * sizeof (double) * N_MARKS);

          g_array_append_val (at, t[m]);
          g_array_append_val (step, d);
          g_array_append_val (used, c[m]);
        }
      summarise (at, &median, &min, &max);
      summarise (step, &step_median, &step_min, &step_max);
      summarise (used, &cpu_median, &cpu_min, &cpu_max);
      printf ("  %-26s %8.1f %8.1f %8.1f   %8.1f   %8.1f    %8.1f\n",
              marks[m], median, min, max, step_median, step_max, cpu_median);
      if (m == N_MARKS - 1)
        printf ("\nfirst frame: median %.1f ms, min %.1f ms, max %.1f ms over %u runs (goal: under 500 ms)\n",
                median, min, max, runs_times->len);
    }
  return 0;
}
