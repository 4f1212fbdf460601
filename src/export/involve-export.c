/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-export"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "involve-export.h"

G_DEFINE_QUARK (involve-export-error-quark, involve_export_error)

G_DEFINE_BOXED_TYPE (InvolveAuditView, involve_audit_view,
                     involve_audit_view_copy, involve_audit_view_free)

InvolveAuditView *
involve_audit_view_new (void)
{
  return g_new0 (InvolveAuditView, 1);
}

InvolveAuditView *
involve_audit_view_copy (const InvolveAuditView *entry)
{
  InvolveAuditView *copy;

  g_return_val_if_fail (entry != NULL, NULL);

  copy = g_new0 (InvolveAuditView, 1);
  copy->id = entry->id;
  copy->time_usec = entry->time_usec;
  copy->account = g_strdup (entry->account);
  copy->profile = g_strdup (entry->profile);
  copy->kind = g_strdup (entry->kind);
  copy->record_uuid = g_strdup (entry->record_uuid);
  copy->version = entry->version;
  copy->field_id = g_strdup (entry->field_id);
  copy->old_value = g_strdup (entry->old_value);
  copy->new_value = g_strdup (entry->new_value);
  copy->details = g_strdup (entry->details);
  copy->prev_hash = g_strdup (entry->prev_hash);
  copy->hash = g_strdup (entry->hash);
  return copy;
}

void
involve_audit_view_free (InvolveAuditView *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->account);
  g_free (entry->profile);
  g_free (entry->kind);
  g_free (entry->record_uuid);
  g_free (entry->field_id);
  g_free (entry->old_value);
  g_free (entry->new_value);
  g_free (entry->details);
  g_free (entry->prev_hash);
  g_free (entry->hash);
  g_free (entry);
}

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
