/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Cold start of the app's window on a register: the time from the start
 * of the process to the register being open, and to the window's first
 * painted frame.  Build a large register first with
 *   bench-store --records 100000 --path /tmp/big.sqlite --keep
 * then run (on a display, or under xvfb-run):
 *   bench-gui-startup --path /tmp/big.sqlite
 * Prints figures; it is not a timed test.
 */
#include "config.h"

#include <stdio.h>
#include <adwaita.h>

#include "involve-settings.h"
#include "involve-store.h"
#include "involve-window.h"

static gint64 process_start;
static gint64 first_frame;

static void
after_paint_cb (GdkFrameClock *clock,
                GMainLoop     *loop)
{
  if (first_frame == 0)
    {
      first_frame = g_get_monotonic_time ();
      g_main_loop_quit (loop);
    }
}

static void
window_mapped_cb (GtkWidget *window,
                  GMainLoop *loop)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), loop);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  InvolveDefinitions *definitions;
  InvolveWindow *window;
  g_autofree char *path = NULL;
  gint64 store_open, definitions_loaded, window_built;
  guint count = 0;
  const GOptionEntry entries[] = {
    { "path", 'p', 0, G_OPTION_ARG_FILENAME, &path, "The register to open", "FILE" },
    { NULL }
  };

  process_start = g_get_monotonic_time ();
  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || path == NULL)
    {
      fprintf (stderr, "%s\n", error ? error->message : "--path FILE is required");
      return 2;
    }

  adw_init ();
  definitions = involve_definitions_get_default (&error);
  if (definitions == NULL)
    g_error ("%s", error->message);
  definitions_loaded = g_get_monotonic_time ();

  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", path, "auto-backup", FALSE, NULL);
  if (store == NULL)
    g_error ("%s", error->message);
  store_open = g_get_monotonic_time ();
  involve_store_count (store, NULL, &count, NULL);

  settings = involve_settings_new (&error);
  if (settings == NULL)
    g_error ("%s", error->message);

  loop = g_main_loop_new (NULL, FALSE);
  window = involve_window_new (NULL, store, definitions, settings);
  g_signal_connect (window, "map", G_CALLBACK (window_mapped_cb), loop);
  gtk_window_present (GTK_WINDOW (window));
  window_built = g_get_monotonic_time ();
  g_main_loop_run (loop);

  printf ("register: %s, %u records\n", path, count);
  printf ("definitions loaded:  %7.1f ms\n", (definitions_loaded - process_start) / 1000.0);
  printf ("register open:       %7.1f ms\n", (store_open - process_start) / 1000.0);
  printf ("window built:        %7.1f ms\n", (window_built - process_start) / 1000.0);
  printf ("first frame painted: %7.1f ms (goal: under 500 ms)\n", (first_frame - process_start) / 1000.0);

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
