/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "involve-definitions.h"
#include "involve-store-internal.h"
#include "involve-store-involvement.h"

#define MAX_TEXT 20000

/* Kinds */

static const char * const kind_names[] = { "activity", "feedback", "response", "evaluation" };
static const char * const kind_tables[] = {
  "involvement_activities", "involvement_feedback",
  "involvement_responses", "involvement_evaluations",
};

const char *
involve_log_kind_to_string (InvolveLogKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

gboolean
involve_log_kind_from_string (const char     *text,
                              InvolveLogKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    {
      if (g_strcmp0 (text, kind_names[i]) == 0)
        {
          *kind = (InvolveLogKind) i;
          return TRUE;
        }
    }
  return FALSE;
}

/* The boxed entry */

G_DEFINE_BOXED_TYPE (InvolveLogEntry, involve_log_entry, involve_log_entry_copy, involve_log_entry_free)

InvolveLogEntry *
involve_log_entry_new (InvolveLogKind  kind,
                       const char     *record_uuid)
{
  InvolveLogEntry *entry = g_new0 (InvolveLogEntry, 1);

  entry->kind = kind;
  entry->record_uuid = g_strdup (record_uuid);
  return entry;
}

InvolveLogEntry *
involve_log_entry_copy (const InvolveLogEntry *entry)
{
  InvolveLogEntry *copy;

  g_return_val_if_fail (entry != NULL, NULL);

  copy = g_new0 (InvolveLogEntry, 1);
  *copy = *entry;
  copy->record_uuid = g_strdup (entry->record_uuid);
  copy->account = g_strdup (entry->account);
  copy->correction = g_strdup (entry->correction);
  copy->method = g_strdup (entry->method);
  copy->description = g_strdup (entry->description);
  copy->start_date = g_strdup (entry->start_date);
  copy->end_date = g_strdup (entry->end_date);
  copy->groups = g_strdupv (entry->groups);
  copy->characteristics = g_strdupv (entry->characteristics);
  copy->partner_types = g_strdupv (entry->partner_types);
  copy->partners = g_strdup (entry->partners);
  copy->documents = g_strdup (entry->documents);
  copy->theme = g_strdup (entry->theme);
  copy->summary = g_strdup (entry->summary);
  copy->you_said = g_strdup (entry->you_said);
  copy->we_did = g_strdup (entry->we_did);
  copy->not_taken_reason = g_strdup (entry->not_taken_reason);
  copy->evaluated_on = g_strdup (entry->evaluated_on);
  copy->impact = g_strdup (entry->impact);
  return copy;
}

void
involve_log_entry_free (InvolveLogEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->record_uuid);
  g_free (entry->account);
  g_free (entry->correction);
  g_free (entry->method);
  g_free (entry->description);
  g_free (entry->start_date);
  g_free (entry->end_date);
  g_strfreev (entry->groups);
  g_strfreev (entry->characteristics);
  g_strfreev (entry->partner_types);
  g_free (entry->partners);
  g_free (entry->documents);
  g_free (entry->theme);
  g_free (entry->summary);
  g_free (entry->you_said);
  g_free (entry->we_did);
  g_free (entry->not_taken_reason);
  g_free (entry->evaluated_on);
  g_free (entry->impact);
  g_free (entry);
}

static void
add_string (GVariantBuilder *builder,
            const char      *key,
            const char      *value)
{
  if (value != NULL)
    g_variant_builder_add (builder, "{sv}", key, g_variant_new_string (value));
}

static void
add_strv (GVariantBuilder *builder,
          const char      *key,
          GStrv            values)
{
  if (values != NULL && values[0] != NULL)
    g_variant_builder_add (builder, "{sv}", key,
                           g_variant_new_strv ((const char * const *) values, -1));
}

static void
add_int (GVariantBuilder *builder,
         const char      *key,
         gint64           value)
{
  if (value != 0)
    g_variant_builder_add (builder, "{sv}", key, g_variant_new_int64 (value));
}

char *
involve_log_entry_to_text (const InvolveLogEntry *entry)
{
  GVariantBuilder builder;
  g_autoptr(GVariant) value = NULL;

  g_return_val_if_fail (entry != NULL, NULL);

  /* Fixed key order: the text is compared byte for byte by verify. */
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  add_string (&builder, "kind", involve_log_kind_to_string (entry->kind));
  add_string (&builder, "record", entry->record_uuid);
  add_int (&builder, "version", entry->version);
  add_int (&builder, "supersedes", entry->supersedes);
  if (entry->retracted)
    g_variant_builder_add (&builder, "{sv}", "retracted", g_variant_new_boolean (TRUE));
  add_string (&builder, "correction", entry->correction);

  switch (entry->kind)
    {
    case INVOLVE_LOG_ACTIVITY:
      add_string (&builder, "method", entry->method);
      add_string (&builder, "description", entry->description);
      add_string (&builder, "start-date", entry->start_date);
      add_string (&builder, "end-date", entry->end_date);
      add_int (&builder, "reach", entry->reach);
      add_strv (&builder, "groups", entry->groups);
      add_strv (&builder, "characteristics", entry->characteristics);
      add_strv (&builder, "partner-types", entry->partner_types);
      add_string (&builder, "partners", entry->partners);
      add_string (&builder, "documents", entry->documents);
      break;
    case INVOLVE_LOG_FEEDBACK:
      add_int (&builder, "activity", entry->activity_id);
      add_string (&builder, "theme", entry->theme);
      add_string (&builder, "summary", entry->summary);
      add_int (&builder, "responses", entry->responses);
      break;
    case INVOLVE_LOG_RESPONSE:
      add_int (&builder, "feedback", entry->feedback_id);
      add_string (&builder, "you-said", entry->you_said);
      add_string (&builder, "we-did", entry->we_did);
      add_string (&builder, "not-taken-reason", entry->not_taken_reason);
      break;
    case INVOLVE_LOG_EVALUATION:
      add_int (&builder, "response", entry->response_id);
      add_string (&builder, "evaluated-on", entry->evaluated_on);
      add_string (&builder, "impact", entry->impact);
      break;
    default:
      g_assert_not_reached ();
    }

  value = g_variant_ref_sink (g_variant_builder_end (&builder));
  return g_variant_print (value, TRUE);
}

/* Checking */

static gboolean
invalid (GError    **error,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError    **error,
         const char *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text != '\0'; text++)
    {
      if (!g_ascii_isspace (*text))
        return FALSE;
    }
  return TRUE;
}

/* Valid UTF-8, no control characters but newlines and tabs, not too long. */
static gboolean
check_text (const char *text,
            const char *what,
            gboolean    required,
            GError    **error)
{
  if (is_blank (text))
    {
      if (required)
        return invalid (error, _("%s is required."), what);
      return TRUE;
    }
  if (!g_utf8_validate (text, -1, NULL))
    return invalid (error, _("%s is not valid text (UTF-8)."), what);
  if (strlen (text) > MAX_TEXT)
    return invalid (error, _("%s is too long: keep it under %d characters."), what, MAX_TEXT);
  for (const char *p = text; *p != '\0'; p++)
    {
      if ((guchar) *p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
        return invalid (error, _("%s holds a control character."), what);
    }
  return TRUE;
}

static gboolean
parse_date (const char *text,
            GDate      *date)
{
  int y, m, d;
  char tail;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-' ||
      sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return FALSE;
  for (guint i = 0; i < 10; i++)
    {
      if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
        return FALSE;
    }
  if (!g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;
  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
  return TRUE;
}

static gboolean
check_date (const char *text,
            const char *what,
            gboolean    required,
            GDate      *date,
            GError    **error)
{
  GDate scratch;

  if (date == NULL)
    date = &scratch;
  g_date_clear (date, 1);
  if (is_blank (text))
    {
      if (required)
        return invalid (error, _("%s is required (YYYY-MM-DD)."), what);
      return TRUE;
    }
  if (!parse_date (text, date))
    return invalid (error, _("%s “%s” is not a date: write it as YYYY-MM-DD, for example 2025-06-30."),
                    what, text);
  return TRUE;
}

/* Feedback is published in "you said, we did": refuse what identifies
 * people directly.  Names cannot be told from words; the form says so. */
static gboolean
check_anonymised (const char *text,
                  const char *what,
                  GError    **error)
{
  static GRegex *email = NULL;
  static GRegex *phone = NULL;
  g_autoptr(GMatchInfo) match = NULL;

  if (text == NULL)
    return TRUE;
  if (g_once_init_enter (&email))
    g_once_init_leave (&email, g_regex_new ("[[:alnum:]._%+-]+@[[:alnum:].-]+\\.[[:alpha:]]{2,}",
                                            G_REGEX_OPTIMIZE, 0, NULL));
  if (g_once_init_enter (&phone))
    g_once_init_leave (&phone, g_regex_new ("\\+?[0-9][0-9 ()-]{8,}[0-9]", G_REGEX_OPTIMIZE, 0, NULL));

  if (g_regex_match (email, text, 0, NULL))
    return invalid (error, _("%s holds an e-mail address. Feedback is published: take out anything that identifies a person."),
                    what);
  g_regex_match (phone, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *found = g_match_info_fetch (match, 0);
      guint digits = 0;

      for (const char *p = found; *p != '\0'; p++)
        digits += g_ascii_isdigit (*p) ? 1 : 0;
      if (digits >= 10)
        return invalid (error, _("%s holds what looks like a phone number. Feedback is published: take out anything that identifies a person."),
                        what);
      g_match_info_next (match, NULL);
    }
  return TRUE;
}

static gboolean
check_items (GStrv       items,
             const char *list_id,
             const char *what,
             GError    **error)
{
  InvolveDefinitions *defs;
  const InvolveReferenceList *list;
  g_autoptr(GError) local_error = NULL;

  if (items == NULL || items[0] == NULL)
    return TRUE;
  defs = involve_definitions_get_default (&local_error);
  if (defs == NULL)
    return invalid (error, _("The reference lists could not be loaded: %s"), local_error->message);
  list = involve_definitions_lookup_reference_list (defs, list_id);
  if (list == NULL)
    return invalid (error, _("The reference list “%s” is missing."), list_id);
  for (guint i = 0; items[i] != NULL; i++)
    {
      if (involve_reference_list_lookup_item (list, items[i]) == NULL)
        return invalid (error, _("%s: “%s” is not in the list “%s”."), what, items[i], list->title);
    }
  return TRUE;
}

gboolean
involve_log_entry_check (const InvolveLogEntry *entry,
                         GError               **error)
{
  g_return_val_if_fail (entry != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((guint) entry->kind >= G_N_ELEMENTS (kind_names))
    return invalid (error, _("Unknown kind of involvement log entry."));
  if (is_blank (entry->record_uuid))
    return invalid (error, _("The entry does not say which record it belongs to."));
  if (entry->supersedes < 0 || entry->activity_id < 0 || entry->feedback_id < 0 || entry->response_id < 0)
    return invalid (error, _("An entry number cannot be negative."));
  if (entry->retracted && entry->supersedes == 0)
    return invalid (error, _("Only an earlier entry can be withdrawn: say which one."));
  if (entry->supersedes != 0 && is_blank (entry->correction))
    return invalid (error, _("Say why the earlier entry is being corrected or withdrawn."));
  if (!check_text (entry->correction, _("The reason for the correction"), FALSE, error))
    return FALSE;

  /* A withdrawal says only which entry and why. */
  if (entry->retracted)
    return TRUE;

  switch (entry->kind)
    {
    case INVOLVE_LOG_ACTIVITY:
      {
        GDate start, end;
        g_autofree char *method[2] = { NULL, NULL };

        if (is_blank (entry->method))
          return invalid (error, _("Choose how people were involved (the method)."));
        method[0] = entry->method;
        if (!check_items ((GStrv) method, INVOLVE_LOG_LIST_METHODS, _("Method"), error))
          {
            method[0] = NULL;
            return FALSE;
          }
        method[0] = NULL;
        if (!check_text (entry->description, _("What was done"), TRUE, error) ||
            !check_date (entry->start_date, _("The start date"), TRUE, &start, error) ||
            !check_date (entry->end_date, _("The end date"), FALSE, &end, error))
          return FALSE;
        if (g_date_valid (&end) && g_date_compare (&end, &start) < 0)
          return invalid (error, _("The end date %s is before the start date %s."),
                          entry->end_date, entry->start_date);
        if (entry->reach < 0)
          return invalid (error, _("The number of people reached cannot be negative."));
        if (!check_items (entry->groups, INVOLVE_LOG_LIST_GROUPS, _("Seldom-heard groups"), error) ||
            !check_items (entry->characteristics, INVOLVE_LOG_LIST_CHARACTERISTICS,
                          _("Protected characteristics"), error) ||
            !check_items (entry->partner_types, INVOLVE_LOG_LIST_PARTNERS, _("Partners"), error) ||
            !check_text (entry->partners, _("The partners"), FALSE, error) ||
            !check_text (entry->documents, _("The documents"), FALSE, error))
          return FALSE;
        return TRUE;
      }
    case INVOLVE_LOG_FEEDBACK:
      if (!check_text (entry->theme, _("The theme"), TRUE, error) ||
          !check_text (entry->summary, _("What people said"), FALSE, error) ||
          !check_anonymised (entry->theme, _("The theme"), error) ||
          !check_anonymised (entry->summary, _("What people said"), error))
        return FALSE;
      if (entry->responses < 0)
        return invalid (error, _("The number of responses cannot be negative."));
      return TRUE;
    case INVOLVE_LOG_RESPONSE:
      return check_text (entry->you_said, _("“You said”"), TRUE, error) &&
             check_text (entry->we_did, _("“We did”"), TRUE, error) &&
             check_text (entry->not_taken_reason, _("The reason the option was not taken"), FALSE, error) &&
             check_anonymised (entry->you_said, _("“You said”"), error) &&
             check_anonymised (entry->we_did, _("“We did”"), error) &&
             check_anonymised (entry->not_taken_reason, _("The reason the option was not taken"), error);
    case INVOLVE_LOG_EVALUATION:
      return check_date (entry->evaluated_on, _("The date of the evaluation"), TRUE, NULL, error) &&
             check_text (entry->impact, _("The impact"), TRUE, error);
    default:
      g_assert_not_reached ();
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Sorted, without duplicates: the reach table holds a set, and the audit
 * text must read back the same. */
static GStrv
normalise_items (GStrv items)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  GStrvBuilder *builder;
  GStrv result;

  if (items == NULL || items[0] == NULL)
    return NULL;
  for (guint i = 0; items[i] != NULL; i++)
    g_ptr_array_add (sorted, items[i]);
  g_ptr_array_sort (sorted, compare_strings);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < sorted->len; i++)
    {
      if (i > 0 && strcmp (sorted->pdata[i], sorted->pdata[i - 1]) == 0)
        continue;
      g_strv_builder_add (builder, sorted->pdata[i]);
    }
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return result;
}

/* The entry as it is written: a withdrawal carries none of the kind's own
 * fields; lists are sets; blank optional text is no text. */
static InvolveLogEntry *
normalised_copy (const InvolveLogEntry *source)
{
  InvolveLogEntry *entry;
  GStrv old;

  if (source->retracted)
    {
      entry = involve_log_entry_new (source->kind, source->record_uuid);
      entry->supersedes = source->supersedes;
      entry->retracted = TRUE;
      entry->correction = g_strdup (source->correction);
      return entry;
    }
  entry = involve_log_entry_copy (source);

  old = entry->groups;
  entry->groups = normalise_items (old);
  g_strfreev (old);
  old = entry->characteristics;
  entry->characteristics = normalise_items (old);
  g_strfreev (old);
  old = entry->partner_types;
  entry->partner_types = normalise_items (old);
  g_strfreev (old);

  /* Blank optional text is no text. */
#define BLANK_TO_NULL(field) if (is_blank (entry->field)) g_clear_pointer (&entry->field, g_free)
  BLANK_TO_NULL (correction);
  BLANK_TO_NULL (end_date);
  BLANK_TO_NULL (partners);
  BLANK_TO_NULL (documents);
  BLANK_TO_NULL (summary);
  BLANK_TO_NULL (not_taken_reason);
#undef BLANK_TO_NULL
  return entry;
}

/* Reading */

static InvolveDbStmt *
prepare_or_fail (InvolveStore *self,
                 const char   *sql,
                 GError      **error)
{
  return _involve_store_prepare (self, sql, error);
}

guint
involve_store_get_loggable_version (InvolveStore *self,
                                    const char   *uuid,
                                    GError      **error)
{
  INVOLVE_STORE_LOCK (self);
  INVOLVE_AUTO_STMT stmt = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *status = NULL;
  guint version = 0;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), 0);
  g_return_val_if_fail (uuid != NULL, 0);

  stmt = prepare_or_fail (self,
                          "SELECT r.reference, r.status,"
                          " (SELECT MAX (v.version) FROM versions v"
                          "  WHERE v.record_id = r.id AND v.status = 'signed-off')"
                          " FROM records r WHERE r.uuid = ?1",
                          error);
  if (stmt == NULL)
    return 0;
  involve_db_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  rc = involve_db_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NOT_FOUND,
                   _("There is no record %s in the register."), uuid);
      return 0;
    }
  if (rc != SQLITE_ROW)
    {
      _involve_store_sqlite_error (self, error, rc, _("Could not read the involvement log"));
      return 0;
    }
  reference = g_strdup ((const char *) involve_db_column_text (stmt, 0));
  status = g_strdup ((const char *) involve_db_column_text (stmt, 1));
  version = (guint) involve_db_column_int64 (stmt, 2);

  if (g_strcmp0 (status, "withdrawn") == 0)
    {
      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_LOCKED,
                   _("%s has been withdrawn: its involvement log is closed."), reference);
      return 0;
    }
  if (version == 0)
    {
      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_LOCKED,
                   _("%s has not been signed off yet. Involvement is logged once the plan is signed off."),
                   reference);
      return 0;
    }
  return version;
}

/* Column lists, in the order read_row () expects after the common ones. */
#define COMMON_COLUMNS "e.id, e.record_uuid, e.version, e.audit_id, e.supersedes, e.retracted," \
                       " e.correction, a.time_usec, a.account"
#define N_COMMON 9

static const char * const kind_columns[] = {
  "e.method, e.description, e.start_date, e.end_date, e.reach, e.partners, e.documents",
  "e.activity_id, e.theme, e.summary, e.responses",
  "e.feedback_id, e.you_said, e.we_did, e.not_taken_reason",
  "e.response_id, e.evaluated_on, e.impact",
};
static const int kind_n_columns[] = { 7, 4, 4, 3 };

static char *
col (InvolveDbStmt *stmt,
     int            i)
{
  const char *text = (const char *) involve_db_column_text (stmt, i);

  return text != NULL ? g_strdup (text) : NULL;
}

static InvolveLogEntry *
read_row (InvolveDbStmt *stmt,
          InvolveLogKind kind)
{
  InvolveLogEntry *entry = g_new0 (InvolveLogEntry, 1);
  int c = N_COMMON;

  entry->kind = kind;
  entry->id = involve_db_column_int64 (stmt, 0);
  entry->record_uuid = col (stmt, 1);
  entry->version = (guint) involve_db_column_int64 (stmt, 2);
  entry->audit_id = involve_db_column_int64 (stmt, 3);
  entry->supersedes = involve_db_column_int64 (stmt, 4);
  entry->retracted = involve_db_column_int (stmt, 5) != 0;
  entry->correction = col (stmt, 6);
  entry->time_usec = involve_db_column_int64 (stmt, 7);
  entry->account = col (stmt, 8);

  switch (kind)
    {
    case INVOLVE_LOG_ACTIVITY:
      entry->method = col (stmt, c++);
      entry->description = col (stmt, c++);
      entry->start_date = col (stmt, c++);
      entry->end_date = col (stmt, c++);
      entry->reach = involve_db_column_int64 (stmt, c++);
      entry->partners = col (stmt, c++);
      entry->documents = col (stmt, c++);
      break;
    case INVOLVE_LOG_FEEDBACK:
      entry->activity_id = involve_db_column_int64 (stmt, c++);
      entry->theme = col (stmt, c++);
      entry->summary = col (stmt, c++);
      entry->responses = involve_db_column_int64 (stmt, c++);
      break;
    case INVOLVE_LOG_RESPONSE:
      entry->feedback_id = involve_db_column_int64 (stmt, c++);
      entry->you_said = col (stmt, c++);
      entry->we_did = col (stmt, c++);
      entry->not_taken_reason = col (stmt, c++);
      break;
    case INVOLVE_LOG_EVALUATION:
      entry->response_id = involve_db_column_int64 (stmt, c++);
      entry->evaluated_on = col (stmt, c++);
      entry->impact = col (stmt, c++);
      break;
    default:
      g_assert_not_reached ();
    }
  return entry;
}

/* An activity's reach, from involvement_reach, sorted as written. */
static gboolean
read_reach (InvolveStore    *self,
            InvolveLogEntry *entry,
            GError         **error)
{
  INVOLVE_AUTO_STMT stmt = NULL;
  g_autoptr(GStrvBuilder) groups = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) characteristics = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) partners = g_strv_builder_new ();
  guint n_groups = 0, n_characteristics = 0, n_partners = 0;
  int rc;

  stmt = prepare_or_fail (self, "SELECT list, item FROM involvement_reach WHERE activity_id = ?1 ORDER BY list, item",
                          error);
  if (stmt == NULL)
    return FALSE;
  involve_db_bind_int64 (stmt, 1, entry->id);
  while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      const char *list = (const char *) involve_db_column_text (stmt, 0);
      const char *item = (const char *) involve_db_column_text (stmt, 1);

      if (g_strcmp0 (list, INVOLVE_LOG_LIST_GROUPS) == 0)
        g_strv_builder_add (groups, item), n_groups++;
      else if (g_strcmp0 (list, INVOLVE_LOG_LIST_CHARACTERISTICS) == 0)
        g_strv_builder_add (characteristics, item), n_characteristics++;
      else if (g_strcmp0 (list, INVOLVE_LOG_LIST_PARTNERS) == 0)
        g_strv_builder_add (partners, item), n_partners++;
    }
  if (rc != SQLITE_DONE)
    {
      _involve_store_sqlite_error (self, error, rc, _("Could not read the involvement log"));
      return FALSE;
    }
  entry->groups = n_groups > 0 ? g_strv_builder_end (groups) : NULL;
  entry->characteristics = n_characteristics > 0 ? g_strv_builder_end (characteristics) : NULL;
  entry->partner_types = n_partners > 0 ? g_strv_builder_end (partners) : NULL;
  return TRUE;
}

static char *
select_sql (InvolveLogKind kind,
            const char    *where)
{
  return g_strdup_printf ("SELECT " COMMON_COLUMNS ", %s,"
                          " (SELECT s.id FROM %s s WHERE s.supersedes = e.id AND s.audit_id <= ?2)"
                          " FROM %s e JOIN audit a ON a.id = e.audit_id %s ORDER BY e.id",
                          kind_columns[kind], kind_tables[kind], kind_tables[kind], where);
}

/* Entries of one kind: of @uuid (NULL = all), up to audit entry @as_of. */
static GPtrArray *
list_entries (InvolveStore  *self,
              const char    *uuid,
              InvolveLogKind kind,
              gint64         as_of,
              GError       **error)
{
  g_autofree char *sql = NULL;
  INVOLVE_AUTO_STMT stmt = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_log_entry_free);
  int rc;

  sql = select_sql (kind, uuid != NULL ? "WHERE e.record_uuid = ?1 AND e.audit_id <= ?2"
                                       : "WHERE e.audit_id <= ?2");
  stmt = prepare_or_fail (self, sql, error);
  if (stmt == NULL)
    return NULL;
  if (uuid != NULL)
    involve_db_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  involve_db_bind_int64 (stmt, 2, as_of > 0 ? as_of : G_MAXINT64);

  while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      InvolveLogEntry *entry = read_row (stmt, kind);

      entry->superseded_by = involve_db_column_int64 (stmt, N_COMMON + kind_n_columns[kind]);
      g_ptr_array_add (entries, entry);
    }
  if (rc != SQLITE_DONE)
    {
      _involve_store_sqlite_error (self, error, rc, _("Could not read the involvement log"));
      return NULL;
    }
  if (kind == INVOLVE_LOG_ACTIVITY)
    {
      for (guint i = 0; i < entries->len; i++)
        {
          if (!read_reach (self, entries->pdata[i], error))
            return NULL;
        }
    }
  return g_steal_pointer (&entries);
}

GPtrArray *
involve_store_list_log_entries (InvolveStore   *self,
                                const char     *uuid,
                                InvolveLogKind  kind,
                                gint64          as_of_entry,
                                GError        **error)
{
  INVOLVE_STORE_LOCK (self);

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return list_entries (self, uuid, kind, as_of_entry, error);
}

/* Writing */

/* An entry @id of @kind in @uuid's log; @superseded_by (may be NULL) gets
 * the entry that corrects it, or 0. */
static gboolean
find_entry (InvolveStore  *self,
            InvolveLogKind kind,
            gint64         id,
            const char    *uuid,
            gint64        *superseded_by,
            GError       **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT record_uuid, (SELECT s.id FROM %s s WHERE s.supersedes = e.id)"
                                          " FROM %s e WHERE e.id = ?1",
                                          kind_tables[kind], kind_tables[kind]);
  INVOLVE_AUTO_STMT stmt = NULL;
  int rc;

  stmt = prepare_or_fail (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  involve_db_bind_int64 (stmt, 1, id);
  rc = involve_db_step (stmt);
  if (rc == SQLITE_ROW && g_strcmp0 ((const char *) involve_db_column_text (stmt, 0), uuid) == 0)
    {
      if (superseded_by != NULL)
        *superseded_by = involve_db_column_int64 (stmt, 1);
      return TRUE;
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _involve_store_sqlite_error (self, error, rc, _("Could not read the involvement log"));
      return FALSE;
    }
  g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NOT_FOUND,
               _("This record’s involvement log has no %s entry %" PRId64 "."),
               involve_log_kind_to_string (kind), id);
  return FALSE;
}

static gboolean
insert_row (InvolveStore          *self,
            const InvolveLogEntry *entry,
            GError               **error)
{
  static const char * const insert_sql[] = {
    "INSERT INTO involvement_activities (id, record_uuid, version, audit_id, supersedes, retracted, correction,"
    " method, description, start_date, end_date, reach, partners, documents)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    "INSERT INTO involvement_feedback (id, record_uuid, version, audit_id, supersedes, retracted, correction,"
    " activity_id, theme, summary, responses)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    "INSERT INTO involvement_responses (id, record_uuid, version, audit_id, supersedes, retracted, correction,"
    " feedback_id, you_said, we_did, not_taken_reason)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    "INSERT INTO involvement_evaluations (id, record_uuid, version, audit_id, supersedes, retracted, correction,"
    " response_id, evaluated_on, impact)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
  };
  const char *doing = _("Could not save the involvement log entry");
  INVOLVE_AUTO_STMT stmt = NULL;
  int rc;

#define BIND_TEXT(i, v) ((v) != NULL ? involve_db_bind_text (stmt, (i), (v), -1, SQLITE_TRANSIENT) : involve_db_bind_null (stmt, (i)))
#define BIND_ID(i, v) ((v) != 0 ? involve_db_bind_int64 (stmt, (i), (v)) : involve_db_bind_null (stmt, (i)))

  stmt = prepare_or_fail (self, insert_sql[entry->kind], error);
  if (stmt == NULL)
    return FALSE;
  involve_db_bind_int64 (stmt, 1, entry->id);
  BIND_TEXT (2, entry->record_uuid);
  involve_db_bind_int64 (stmt, 3, entry->version);
  involve_db_bind_int64 (stmt, 4, entry->audit_id);
  BIND_ID (5, entry->supersedes);
  involve_db_bind_int (stmt, 6, entry->retracted ? 1 : 0);
  BIND_TEXT (7, entry->correction);
  switch (entry->kind)
    {
    case INVOLVE_LOG_ACTIVITY:
      BIND_TEXT (8, entry->method);
      BIND_TEXT (9, entry->description);
      BIND_TEXT (10, entry->start_date);
      BIND_TEXT (11, entry->end_date);
      involve_db_bind_int64 (stmt, 12, entry->reach);
      BIND_TEXT (13, entry->partners);
      BIND_TEXT (14, entry->documents);
      break;
    case INVOLVE_LOG_FEEDBACK:
      BIND_ID (8, entry->activity_id);
      BIND_TEXT (9, entry->theme);
      BIND_TEXT (10, entry->summary);
      involve_db_bind_int64 (stmt, 11, entry->responses);
      break;
    case INVOLVE_LOG_RESPONSE:
      BIND_ID (8, entry->feedback_id);
      BIND_TEXT (9, entry->you_said);
      BIND_TEXT (10, entry->we_did);
      BIND_TEXT (11, entry->not_taken_reason);
      break;
    case INVOLVE_LOG_EVALUATION:
      BIND_ID (8, entry->response_id);
      BIND_TEXT (9, entry->evaluated_on);
      BIND_TEXT (10, entry->impact);
      break;
    default:
      g_assert_not_reached ();
    }
#undef BIND_TEXT
#undef BIND_ID
  rc = involve_db_step (stmt);
  if (rc != SQLITE_DONE)
    {
      _involve_store_sqlite_error (self, error, rc, doing);
      return FALSE;
    }

  if (entry->kind == INVOLVE_LOG_ACTIVITY)
    {
      const struct { const char *list; GStrv items; } reach[] = {
        { INVOLVE_LOG_LIST_GROUPS, entry->groups },
        { INVOLVE_LOG_LIST_CHARACTERISTICS, entry->characteristics },
        { INVOLVE_LOG_LIST_PARTNERS, entry->partner_types },
      };
      INVOLVE_AUTO_STMT item = prepare_or_fail (self,
                                                "INSERT INTO involvement_reach (activity_id, list, item)"
                                                " VALUES (?1, ?2, ?3)", error);

      if (item == NULL)
        return FALSE;
      for (guint l = 0; l < G_N_ELEMENTS (reach); l++)
        {
          for (guint i = 0; reach[l].items != NULL && reach[l].items[i] != NULL; i++)
            {
              involve_db_bind_int64 (item, 1, entry->id);
              involve_db_bind_text (item, 2, reach[l].list, -1, SQLITE_STATIC);
              involve_db_bind_text (item, 3, reach[l].items[i], -1, SQLITE_TRANSIENT);
              rc = involve_db_step (item);
              involve_db_reset (item);
              if (rc != SQLITE_DONE)
                {
                  _involve_store_sqlite_error (self, error, rc, doing);
                  return FALSE;
                }
            }
        }
    }
  return TRUE;
}

static gint64
next_id (InvolveStore  *self,
         InvolveLogKind kind,
         GError       **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT COALESCE (MAX (id), 0) + 1 FROM %s", kind_tables[kind]);
  INVOLVE_AUTO_STMT stmt = prepare_or_fail (self, sql, error);
  int rc;

  if (stmt == NULL)
    return 0;
  rc = involve_db_step (stmt);
  if (rc != SQLITE_ROW)
    {
      _involve_store_sqlite_error (self, error, rc, _("Could not read the involvement log"));
      return 0;
    }
  return involve_db_column_int64 (stmt, 0);
}

/*
 * Every write to the involvement log comes here: check, one transaction,
 * the audit entry and the row.  Signing the entry belongs here too.
 */
gboolean
involve_store_add_log_entry (InvolveStore    *self,
                             InvolveLogEntry *entry,
                             GError         **error)
{
  INVOLVE_STORE_LOCK (self);
  g_autoptr(InvolveLogEntry) work = NULL;
  g_autofree char *text = NULL;
  g_autofree char *details = NULL;
  g_autoptr(InvolveAct) act = NULL;
  gint64 superseded_by = 0;
  gint64 audit_id = 0;
  gint64 now = 0;
  guint version;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!involve_log_entry_check (entry, error))
    return FALSE;
  /* Each entry is a signed act: no key, nothing written. */
  if (_involve_store_require_identity (self, _("Adding to the involvement log"), error) == NULL)
    return FALSE;
  work = normalised_copy (entry);

  if (!_involve_store_txn_begin (self, error))
    return FALSE;
  if (!_involve_store_now_usec (self, &now, error))
    goto fail;

  version = involve_store_get_loggable_version (self, work->record_uuid, error);
  if (version == 0)
    goto fail;
  work->version = version;

  if (work->supersedes != 0)
    {
      if (!find_entry (self, work->kind, work->supersedes, work->record_uuid, &superseded_by, error))
        goto fail;
      if (superseded_by != 0)
        {
          g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_EXISTS,
                       _("Entry %" PRId64 " has already been corrected by entry %" PRId64 ": correct that one instead."),
                       work->supersedes, superseded_by);
          goto fail;
        }
    }
  if ((work->kind == INVOLVE_LOG_FEEDBACK && work->activity_id != 0 &&
       !find_entry (self, INVOLVE_LOG_ACTIVITY, work->activity_id, work->record_uuid, NULL, error)) ||
      (work->kind == INVOLVE_LOG_RESPONSE && work->feedback_id != 0 &&
       !find_entry (self, INVOLVE_LOG_FEEDBACK, work->feedback_id, work->record_uuid, NULL, error)) ||
      (work->kind == INVOLVE_LOG_EVALUATION && work->response_id != 0 &&
       !find_entry (self, INVOLVE_LOG_RESPONSE, work->response_id, work->record_uuid, NULL, error)))
    goto fail;

  work->id = next_id (self, work->kind, error);
  if (work->id == 0)
    goto fail;

  text = involve_log_entry_to_text (work);
  if (work->retracted)
    details = g_strdup_printf ("%s %" PRId64 " withdraws %" PRId64,
                               involve_log_kind_to_string (work->kind), work->id, work->supersedes);
  else if (work->supersedes != 0)
    details = g_strdup_printf ("%s %" PRId64 " corrects %" PRId64,
                               involve_log_kind_to_string (work->kind), work->id, work->supersedes);
  else
    details = g_strdup_printf ("%s %" PRId64, involve_log_kind_to_string (work->kind), work->id);

  act = involve_act_new (INVOLVE_ACT_LOG);
  act->record_uuid = g_strdup (work->record_uuid);
  act->version = version;
  act->content = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  if (!_involve_store_append_signed_field (self, act, INVOLVE_AUDIT_INVOLVEMENT,
                                           involve_log_kind_to_string (work->kind), text, details,
                                           now, &audit_id, error))
    goto fail;
  work->audit_id = audit_id;
  if (!insert_row (self, work, error) ||
      !_involve_store_txn_commit (self, error))
    goto fail;

  entry->id = work->id;
  entry->version = version;
  entry->audit_id = audit_id;
  entry->time_usec = now;
  g_free (entry->account);
  entry->account = g_strdup (involve_store_get_os_account (self));
  return TRUE;

fail:
  _involve_store_txn_rollback (self);
  return FALSE;
}

/* Verification: each row, read back, gives exactly the text of the audit
 * entry that wrote it. */
gboolean
_involve_store_verify_involvement (InvolveStore *self,
                                   gint64       *first_broken_id,
                                   GError      **error)
{
  gboolean has = FALSE;
  int rc;

  if (!_involve_store_has_table (self, "involvement_activities", &has, error))
    return FALSE;
  if (!has)
    return TRUE;

  for (guint k = 0; k < G_N_ELEMENTS (kind_tables); k++)
    {
      g_autoptr(GPtrArray) entries = list_entries (self, NULL, (InvolveLogKind) k, 0, error);

      if (entries == NULL)
        return FALSE;
      for (guint i = 0; i < entries->len; i++)
        {
          InvolveLogEntry *entry = entries->pdata[i];
          g_autofree char *text = involve_log_entry_to_text (entry);
          INVOLVE_AUTO_STMT audit = prepare_or_fail (self,
                                                     "SELECT kind, record_uuid, field_id, new_value"
                                                     " FROM audit WHERE id = ?1", error);

          if (audit == NULL)
            return FALSE;
          involve_db_bind_int64 (audit, 1, entry->audit_id);
          rc = involve_db_step (audit);
          if (rc != SQLITE_ROW ||
              g_strcmp0 ((const char *) involve_db_column_text (audit, 0), INVOLVE_AUDIT_INVOLVEMENT) != 0 ||
              g_strcmp0 ((const char *) involve_db_column_text (audit, 1), entry->record_uuid) != 0 ||
              g_strcmp0 ((const char *) involve_db_column_text (audit, 2), kind_names[k]) != 0 ||
              g_strcmp0 ((const char *) involve_db_column_text (audit, 3), text) != 0)
            {
              if (first_broken_id != NULL)
                *first_broken_id = entry->audit_id;
              g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED,
                           _("The involvement log was changed outside Involve: %s entry %" PRId64 " no longer matches audit entry %" PRId64 " that wrote it."),
                           kind_names[k], entry->id, entry->audit_id);
              return FALSE;
            }
        }
    }

  /* Every involvement audit entry still has its row. */
  {
    INVOLVE_AUTO_STMT orphan = prepare_or_fail (self,
                                                "SELECT a.id FROM audit a WHERE a.kind = 'involvement'"
                                                " AND NOT EXISTS (SELECT 1 FROM involvement_activities WHERE audit_id = a.id)"
                                                " AND NOT EXISTS (SELECT 1 FROM involvement_feedback WHERE audit_id = a.id)"
                                                " AND NOT EXISTS (SELECT 1 FROM involvement_responses WHERE audit_id = a.id)"
                                                " AND NOT EXISTS (SELECT 1 FROM involvement_evaluations WHERE audit_id = a.id)"
                                                " ORDER BY a.id LIMIT 1", error);
    if (orphan == NULL)
      return FALSE;
    rc = involve_db_step (orphan);
    if (rc == SQLITE_ROW)
      {
        gint64 id = involve_db_column_int64 (orphan, 0);

        if (first_broken_id != NULL)
          *first_broken_id = id;
        g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED,
                     _("The involvement log was changed outside Involve: the entry audit entry %" PRId64 " wrote is missing."),
                     id);
        return FALSE;
      }
  }
  return TRUE;
}
