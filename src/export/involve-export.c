/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-export"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "involve-export.h"
#include "involve-export-file.h"

G_DEFINE_QUARK (involve-export-error-quark, involve_export_error)

char *
involve_export_format_usec (gint64 usec)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *seconds = NULL;
  gint64 whole = usec / G_USEC_PER_SEC;
  gint64 fraction = usec % G_USEC_PER_SEC;

  if (fraction < 0)
    {
      fraction += G_USEC_PER_SEC;
      whole -= 1;
    }

  utc = g_date_time_new_from_unix_utc (whole);
  if (utc == NULL)
    return g_strdup ("1970-01-01T00:00:00.000000Z");

  seconds = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%06" G_GINT64_FORMAT "Z", seconds, fraction);
}

/* Strict: exactly the form involve_export_format_usec () writes. */
gboolean
involve_export_parse_usec (const char *text,
                           gint64     *usec)
{
  static const char pattern[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";
  g_autoptr(GDateTime) utc = NULL;
  int year, month, day, hour, minute, second, fraction;

  g_return_val_if_fail (usec != NULL, FALSE);

  if (text == NULL || strlen (text) != sizeof pattern - 1)
    return FALSE;

  for (gsize i = 0; i < sizeof pattern - 1; i++)
    {
      if (pattern[i] == 'd' ? !g_ascii_isdigit (text[i]) : text[i] != pattern[i])
        return FALSE;
    }

  if (sscanf (text, "%4d-%2d-%2dT%2d:%2d:%2d.%6d",
              &year, &month, &day, &hour, &minute, &second, &fraction) != 7)
    return FALSE;

  utc = g_date_time_new_utc (year, month, day, hour, minute, second);
  if (utc == NULL)
    return FALSE;

  *usec = g_date_time_to_unix (utc) * G_USEC_PER_SEC + fraction;
  return TRUE;
}

char *
_involve_export_make_temp (const char  *path,
                           GError     **error)
{
  g_autofree char *temp_path = g_strdup_printf ("%s.XXXXXX", path);
  int fd = g_mkstemp_full (temp_path, O_RDWR, 0666);

  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_IO,
                   _("Cannot write “%s”: %s"), path, g_strerror (saved_errno));
      return NULL;
    }
  close (fd);
  return g_steal_pointer (&temp_path);
}

gboolean
_involve_export_move_into_place (const char  *temp_path,
                                 const char  *path,
                                 GError     **error)
{
  if (g_rename (temp_path, path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_IO,
                   _("Cannot write “%s”: %s"), path, g_strerror (saved_errno));
      g_unlink (temp_path);
      return FALSE;
    }
  return TRUE;
}
