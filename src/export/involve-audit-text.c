/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-export"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "involve-audit-text.h"
#include "involve-store-anchors.h"
#include "involve-store-involvement.h"

void
involve_audit_row_free (InvolveAuditRow *row)
{
  if (row == NULL)
    return;
  g_free (row->kind);
  g_free (row->field_id);
  g_free (row->actor);
  g_free (row->what);
  g_free (row->old_text);
  g_free (row->new_text);
  g_free (row->details);
  g_free (row);
}

static const char *
option_label (const InvolveField *field,
              const char         *id)
{
  for (guint i = 0; field != NULL && field->options != NULL && i < field->options->len; i++)
    {
      const InvolveOption *option = g_ptr_array_index (field->options, i);

      if (g_strcmp0 (option->id, id) == 0 && option->label != NULL)
        return option->label;
    }
  return id;
}

/* "2023-02-14" as "14 February 2023"; anything else as it was typed. */
static char *
format_date (const char *text)
{
  g_autoptr(GDateTime) date = NULL;
  int year, month, day;
  char tail;

  if (sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &tail) != 3 || strlen (text) != 10)
    return g_strdup (text);
  date = g_date_time_new_utc (year, month, day, 0, 0, 0);
  if (date == NULL)
    return g_strdup (text);
  /* Translators: a date a person typed, see g_date_time_format () */
  return g_date_time_format (date, _("%-d %B %Y"));
}

char *
involve_audit_format_value (InvolveDefinitions *definitions,
                            const InvolveField *field,
                            const char         *stored)
{
  g_autoptr(GVariant) value = NULL;

  (void) definitions;
  if (stored == NULL || *stored == '\0')
    return g_strdup (_("(empty)"));
  value = g_variant_parse (NULL, stored, NULL, NULL, NULL);
  if (value == NULL)
    return g_strdup (stored);

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (g_variant_get_boolean (value) ? _("Yes") : _("No"));

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      const char *text = g_variant_get_string (value, NULL);

      if (*text == '\0')
        return g_strdup (_("(empty)"));
      if (field != NULL && field->type == INVOLVE_FIELD_CHOICE)
        return g_strdup (option_label (field, text));
      if (field != NULL && field->type == INVOLVE_FIELD_DATE)
        return format_date (text);
      return g_strdup (text);
    }

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autoptr(GString) text = g_string_new (NULL);
      gsize n = g_variant_n_children (value);

      if (n == 0)
        return g_strdup (_("(none chosen)"));
      for (gsize i = 0; i < n; i++)
        {
          const char *id = NULL;

          g_variant_get_child (value, i, "&s", &id);
          g_string_append_printf (text, "%s%s", i > 0 ? "; " : "", option_label (field, id));
        }
      return g_string_free (g_steal_pointer (&text), FALSE);
    }

  if (g_variant_is_of_type (value, G_VARIANT_TYPE ("aas")))
    {
      g_autoptr(GString) text = g_string_new (NULL);
      gsize n_rows = g_variant_n_children (value);

      if (n_rows == 0)
        return g_strdup (_("(no rows)"));
      for (gsize i = 0; i < n_rows; i++)
        {
          g_autoptr(GVariant) row = g_variant_get_child_value (value, i);
          gsize n_cells = g_variant_n_children (row);

          g_string_append_printf (text, "%s%" G_GSIZE_FORMAT ".", i > 0 ? "\n" : "", i + 1);
          for (gsize j = 0; j < n_cells; j++)
            {
              const InvolveColumn *column = field != NULL && field->columns != NULL &&
                                            j < field->columns->len ?
                                            g_ptr_array_index (field->columns, j) : NULL;
              const char *cell = NULL;

              g_variant_get_child (row, j, "&s", &cell);
              if (column != NULL)
                g_string_append_printf (text, "%s %s: %s", j > 0 ? ";" : "", column->label, cell);
              else
                g_string_append_printf (text, "%s %s", j > 0 ? ";" : "", cell);
            }
        }
      return g_string_free (g_steal_pointer (&text), FALSE);
    }

  return g_variant_print (value, FALSE);
}

static const char *
status_words (const char *id)
{
  InvolveStatus status;

  return involve_status_from_string (id, &status) ? involve_status_get_label (status) : id;
}

/* "draft -> awaiting-sign-off: reason" as "Draft → Awaiting sign-off: reason". */
static char *
dup_status_details (const char *details)
{
  g_autofree char *from = NULL;
  const char *arrow;
  const char *to;
  const char *reason;
  g_autofree char *to_id = NULL;

  if (details == NULL)
    return NULL;
  arrow = strstr (details, " -> ");
  if (arrow == NULL)
    return g_strdup (details);
  from = g_strndup (details, arrow - details);
  to = arrow + 4;
  reason = strstr (to, ": ");
  to_id = reason != NULL ? g_strndup (to, reason - to) : g_strdup (to);
  return g_strdup_printf ("%s → %s%s", status_words (from), status_words (to_id),
                          reason != NULL ? reason : "");
}

/* "reference R, framework ID" with the duty in words instead of its id. */
static char *
dup_create_details (InvolveDefinitions *definitions,
                    const char         *details)
{
  const char *framework_at;
  const InvolveFramework *framework;
  g_autofree char *head = NULL;

  if (details == NULL || *details == '\0')
    return NULL;
  framework_at = strstr (details, ", framework ");
  if (framework_at == NULL || definitions == NULL)
    return g_strdup (details);
  framework = involve_definitions_lookup_framework (definitions, framework_at + strlen (", framework "));
  if (framework == NULL)
    return g_strdup (details);
  head = g_strndup (details, framework_at - details);
  return g_strdup_printf (_("%s; duty: section %s of the %s (%s)"), head, framework->section,
                          framework->act, framework->organisation_label);
}

char *
involve_audit_describe (const InvolveAuditEntry *entry,
                        const InvolveField      *field)
{
  const char *kind = entry->kind != NULL ? entry->kind : "";

  if (g_str_equal (kind, INVOLVE_AUDIT_CREATE))
    return g_strdup (_("Record created"));
  if (g_str_equal (kind, INVOLVE_AUDIT_VALUE))
    return g_strdup_printf (_("Changed “%s”"),
                            field != NULL && field->label != NULL ? field->label :
                            entry->field_id != NULL ? entry->field_id : "");
  if (g_str_equal (kind, INVOLVE_AUDIT_STATUS))
    return g_strdup (_("Status changed"));
  if (g_str_equal (kind, INVOLVE_AUDIT_SIGN_OFF))
    return g_strdup (_("Signed off"));
  if (g_str_equal (kind, INVOLVE_AUDIT_RETURN))
    return g_strdup (_("Returned with comments"));
  if (g_str_equal (kind, INVOLVE_AUDIT_AMEND))
    return g_strdup (_("Amended: new version"));
  if (g_str_equal (kind, INVOLVE_AUDIT_EXPORT))
    return g_strdup (_("Exported"));
  if (g_str_equal (kind, INVOLVE_AUDIT_IMPORT))
    return g_strdup (_("Imported"));
  if (g_str_equal (kind, INVOLVE_AUDIT_BACKUP))
    return g_strdup (_("Backed up"));
  if (g_str_equal (kind, INVOLVE_AUDIT_SUBMIT))
    return g_strdup (_("Submitted for sign-off (signed)"));
  if (g_str_equal (kind, INVOLVE_AUDIT_TRUST))
    return g_strdup (_("Trust list changed (signed)"));
  if (g_str_equal (kind, INVOLVE_AUDIT_REFUSED))
    return g_strdup (_("Refused"));
  if (g_str_equal (kind, INVOLVE_AUDIT_INVOLVEMENT))
    return g_strdup_printf (_("Involvement logged (%s)"), entry->field_id != NULL ? entry->field_id : "");
  if (g_str_equal (kind, INVOLVE_AUDIT_IMPORT_VERSION))
    return g_strdup (_("Version imported"));
  if (g_str_equal (kind, INVOLVE_AUDIT_SEEN_HEAD))
    return g_strdup (_("Noted where another register’s audit trail stood"));
  return g_strdup (kind);
}

char *
involve_audit_dup_details (InvolveDefinitions      *definitions,
                           const InvolveAuditEntry *entry)
{
  if (g_strcmp0 (entry->kind, INVOLVE_AUDIT_STATUS) == 0)
    return dup_status_details (entry->details);
  if (g_strcmp0 (entry->kind, INVOLVE_AUDIT_CREATE) == 0)
    return dup_create_details (definitions, entry->details);
  if (entry->details != NULL && *entry->details != '\0')
    return g_strdup (entry->details);
  return NULL;
}

/* Short labels ("Date", "Name") say little alone: name their section too. */
#define SHORT_LABEL 24

static char *
dup_what (InvolveDefinitions      *definitions,
          const InvolveAuditEntry *entry,
          const InvolveField      *field)
{
  g_autofree char *what = involve_audit_describe (entry, field);
  InvolveForm *form = NULL;
  const InvolveSection *section;

  if (field == NULL || field->label == NULL || g_utf8_strlen (field->label, -1) > SHORT_LABEL ||
      definitions == NULL)
    return g_steal_pointer (&what);
  if (involve_definitions_lookup_field (definitions, field->id, &form) == NULL || form == NULL)
    return g_steal_pointer (&what);
  section = involve_form_find_field_section (form, field->id);
  if (section == NULL || section->title == NULL)
    return g_steal_pointer (&what);
  /* Translators: what an audit entry did, and the form section of its question */
  return g_strdup_printf (_("%s in “%s”"), what, section->title);
}

char *
involve_audit_dup_actor (const InvolveAuditEntry *entry)
{
  if (entry->profile != NULL && *entry->profile != '\0')
    return g_strdup_printf ("%s (%s)", entry->account != NULL ? entry->account : "", entry->profile);
  return g_strdup (entry->account != NULL ? entry->account : "");
}

/* Whether @entry continues @row's run of keystrokes. */
static gboolean
continues_run (const InvolveAuditRow   *row,
               const InvolveAuditEntry *entry,
               const char              *actor,
               gint64                   session_gap_usec)
{
  return row != NULL && row->field_id != NULL && row->details == NULL &&
         (entry->details == NULL || *entry->details == '\0') &&
         g_strcmp0 (entry->kind, INVOLVE_AUDIT_VALUE) == 0 &&
         g_strcmp0 (entry->field_id, row->field_id) == 0 &&
         entry->version == row->version &&
         g_strcmp0 (actor, row->actor) == 0 &&
         entry->time_usec >= row->last_usec &&
         entry->time_usec - row->last_usec <= session_gap_usec;
}

GPtrArray *
involve_audit_fold (InvolveDefinitions *definitions,
                    GPtrArray          *entries,
                    gint64              session_gap_usec)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_audit_row_free);
  InvolveAuditRow *run = NULL;
  const char *run_last_stored = NULL;

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      const InvolveAuditEntry *entry = g_ptr_array_index (entries, i);
      const InvolveField *field = NULL;
      g_autofree char *actor = involve_audit_dup_actor (entry);
      InvolveAuditRow *row;

      if (entry->field_id != NULL && definitions != NULL)
        field = involve_definitions_lookup_field (definitions, entry->field_id, NULL);

      if (continues_run (run, entry, actor, session_gap_usec))
        {
          run->last_id = entry->id;
          run->last_usec = entry->time_usec;
          run->n_entries++;
          run_last_stored = entry->new_value;
          continue;
        }
      if (run != NULL)
        {
          run->new_text = involve_audit_format_value (definitions,
                                                      involve_definitions_lookup_field (definitions, run->field_id, NULL),
                                                      run_last_stored);
          run = NULL;
        }

      row = g_new0 (InvolveAuditRow, 1);
      row->first_id = row->last_id = entry->id;
      row->first_usec = row->last_usec = entry->time_usec;
      row->n_entries = 1;
      row->version = entry->version;
      row->kind = g_strdup (entry->kind);
      row->actor = g_steal_pointer (&actor);
      row->what = dup_what (definitions, entry, field);
      g_ptr_array_add (rows, row);

      if (g_strcmp0 (entry->kind, INVOLVE_AUDIT_VALUE) == 0 && entry->field_id != NULL)
        {
          row->field_id = g_strdup (entry->field_id);
          row->old_text = involve_audit_format_value (definitions, field, entry->old_value);
          run = row;
          run_last_stored = entry->new_value;
          if (entry->details != NULL && *entry->details != '\0')
            row->details = g_strdup (entry->details);
        }
      else
        row->details = involve_audit_dup_details (definitions, entry);
    }
  if (run != NULL)
    run->new_text = involve_audit_format_value (definitions,
                                                involve_definitions_lookup_field (definitions, run->field_id, NULL),
                                                run_last_stored);
  return rows;
}
