/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Refusing a hostile exchange file: 63 MiB of empty elements inside a
 * real <involve-exchange> root (the case, which cost 2.27 GB and
 * 12.6 s when the whole tree was built first).  Prints the time
 * involve_xml_read_file () takes to refuse it and how much the process's
 * peak memory grew (goal: under 1 s and under 50 MB).
 *
 * Usage: bench-xml-import [--mib N]
 * Not a test: ninja -C _build bench && _build/bench/bench-xml-import
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <glib/gstdio.h>

#include "involve-xml.h"

static long
peak_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *dir = g_dir_make_tmp ("involve-bench-xml-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "hostile.xml", NULL);
  g_autofree char *chunk = NULL;
  gint mib = 63;
  GOptionEntry entries[] = {
    { "mib", 0, 0, G_OPTION_ARG_INT, &mib, "Size of the file in MiB", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  const char *head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<involve-exchange xmlns=\"urn:involve:exchange:1\" format-version=\"1\">";
  gint64 start;
  long before;
  FILE *file;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }

  /* Written a MiB at a time, so that making it costs no memory. */
  chunk = g_malloc (1024 * 1024 + 1);
  for (gsize i = 0; i < 1024 * 1024; i += 4)
    memcpy (chunk + i, "<a/>", 4);
  file = g_fopen (path, "wb");
  fputs (head, file);
  for (gint i = 0; i < mib; i++)
    fwrite (chunk, 1, 1024 * 1024 - (i == mib - 1 ? 1024 : 0), file);
  fputs ("</involve-exchange>\n", file);
  fclose (file);
  g_clear_pointer (&chunk, g_free);

  before = peak_kib ();
  start = g_get_monotonic_time ();
  records = involve_xml_read_file (path, &error);
  printf ("file: %d MiB of <a/> in an exchange root\n", mib);
  printf ("refused in %.3f s, peak memory grew by %.1f MB (%s)\n",
          (g_get_monotonic_time () - start) / 1e6, (peak_kib () - before) / 1024.0,
          records != NULL ? "ACCEPTED?!" : "refused");
  if (error != NULL)
    printf ("message: %s\n", error->message);

  g_unlink (path);
  g_rmdir (dir);
  return records == NULL ? 0 : 1;
}
