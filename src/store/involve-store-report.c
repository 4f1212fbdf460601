/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "involve-definitions.h"
#include "involve-store-internal.h"
#include "involve-store-private.h"
#include "involve-store-involvement.h"
#include "involve-store-report.h"

/* Figures and the report */

static InvolveReportFigure *
figure_copy (const InvolveReportFigure *figure)
{
  InvolveReportFigure *copy = g_new0 (InvolveReportFigure, 1);

  *copy = *figure;
  copy->section = g_strdup (figure->section);
  copy->id = g_strdup (figure->id);
  copy->label = g_strdup (figure->label);
  copy->references = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; figure->references != NULL && i < figure->references->len; i++)
    g_ptr_array_add (copy->references, g_strdup (figure->references->pdata[i]));
  return copy;
}

static void
figure_free (InvolveReportFigure *figure)
{
  g_free (figure->section);
  g_free (figure->id);
  g_free (figure->label);
  g_clear_pointer (&figure->references, g_ptr_array_unref);
  g_free (figure);
}

static InvolveReportDecision *
decision_copy (const InvolveReportDecision *decision)
{
  InvolveReportDecision *copy = g_new0 (InvolveReportDecision, 1);

  *copy = *decision;
  copy->reference = g_strdup (decision->reference);
  copy->uuid = g_strdup (decision->uuid);
  copy->title = g_strdup (decision->title);
  copy->organisation = g_strdup (decision->organisation);
  copy->review_date = g_strdup (decision->review_date);
  copy->outcome = g_strdup (decision->outcome);
  copy->limbs = g_strdup (decision->limbs);
  copy->beneficial = g_strdup (decision->beneficial);
  copy->beneficial_reason = g_strdup (decision->beneficial_reason);
  copy->methods = g_strdup (decision->methods);
  return copy;
}

static void
decision_free (InvolveReportDecision *decision)
{
  g_free (decision->reference);
  g_free (decision->uuid);
  g_free (decision->title);
  g_free (decision->organisation);
  g_free (decision->review_date);
  g_free (decision->outcome);
  g_free (decision->limbs);
  g_free (decision->beneficial);
  g_free (decision->beneficial_reason);
  g_free (decision->methods);
  g_free (decision);
}

G_DEFINE_BOXED_TYPE (InvolveAnnualReport, involve_annual_report,
                     involve_annual_report_copy, involve_annual_report_free)

InvolveAnnualReport *
involve_annual_report_copy (const InvolveAnnualReport *report)
{
  InvolveAnnualReport *copy;

  g_return_val_if_fail (report != NULL, NULL);

  copy = g_new0 (InvolveAnnualReport, 1);
  *copy = *report;
  copy->year = g_strdup (report->year);
  copy->first_day = g_strdup (report->first_day);
  copy->last_day = g_strdup (report->last_day);
  copy->organisation = g_strdup (report->organisation);
  copy->as_of_hash = g_strdup (report->as_of_hash);
  copy->figures = g_ptr_array_new_with_free_func ((GDestroyNotify) figure_free);
  for (guint i = 0; i < report->figures->len; i++)
    g_ptr_array_add (copy->figures, figure_copy (report->figures->pdata[i]));
  copy->decisions = g_ptr_array_new_with_free_func ((GDestroyNotify) decision_free);
  for (guint i = 0; i < report->decisions->len; i++)
    g_ptr_array_add (copy->decisions, decision_copy (report->decisions->pdata[i]));
  return copy;
}

void
involve_annual_report_free (InvolveAnnualReport *report)
{
  if (report == NULL)
    return;
  g_free (report->year);
  g_free (report->first_day);
  g_free (report->last_day);
  g_free (report->organisation);
  g_free (report->as_of_hash);
  g_clear_pointer (&report->figures, g_ptr_array_unref);
  g_clear_pointer (&report->decisions, g_ptr_array_unref);
  g_free (report);
}

const InvolveReportFigure *
involve_annual_report_lookup (const InvolveAnnualReport *report,
                              const char                *id)
{
  g_return_val_if_fail (report != NULL, NULL);

  for (guint i = 0; i < report->figures->len; i++)
    {
      const InvolveReportFigure *figure = report->figures->pdata[i];

      if (g_strcmp0 (figure->id, id) == 0)
        return figure;
    }
  return NULL;
}

static void
csv_field (GString    *out,
           const char *text)
{
  if (text == NULL)
    text = "";
  /* Quote always; a leading = + - @ could run as a formula in a
   * spreadsheet, so such a field starts with an apostrophe. */
  g_string_append_c (out, '"');
  if (strchr ("=+-@", text[0]) != NULL && text[0] != '\0')
    g_string_append_c (out, '\'');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

char *
involve_annual_report_to_csv (const InvolveAnnualReport *report)
{
  GString *out = g_string_new (NULL);
  g_autofree char *head = NULL;

  g_return_val_if_fail (report != NULL, NULL);

  head = g_strdup_printf ("%" G_GINT64_FORMAT, report->as_of_entry);
  g_string_append (out, "year,organisation,as_of_entry,as_of_hash,section,figure,label,count,people,references\r\n");
  for (guint i = 0; i < report->figures->len; i++)
    {
      const InvolveReportFigure *figure = report->figures->pdata[i];
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, figure->count);
      g_autofree char *people = g_strdup_printf ("%" G_GINT64_FORMAT, figure->people);
      GString *refs = g_string_new (NULL);

      for (guint r = 0; r < figure->references->len; r++)
        {
          if (r > 0)
            g_string_append_c (refs, ' ');
          g_string_append (refs, figure->references->pdata[r]);
        }
      csv_field (out, report->year);
      g_string_append_c (out, ',');
      csv_field (out, report->organisation);
      g_string_append_c (out, ',');
      csv_field (out, head);
      g_string_append_c (out, ',');
      csv_field (out, report->as_of_hash);
      g_string_append_c (out, ',');
      csv_field (out, figure->section);
      g_string_append_c (out, ',');
      csv_field (out, figure->id);
      g_string_append_c (out, ',');
      csv_field (out, figure->label);
      g_string_append_c (out, ',');
      csv_field (out, count);
      g_string_append_c (out, ',');
      csv_field (out, people);
      g_string_append_c (out, ',');
      csv_field (out, refs->str);
      g_string_append (out, "\r\n");
      g_string_free (refs, TRUE);
    }
  return g_string_free (out, FALSE);
}

/* Financial years */

gboolean
involve_financial_year_parse (const char  *year,
                              char       **first_day,
                              char       **last_day,
                              GError     **error)
{
  int start = 0, end = 0;
  char tail;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (year == NULL || strlen (year) != 7 || year[4] != '-' ||
      !g_ascii_isdigit (year[0]) || !g_ascii_isdigit (year[1]) || !g_ascii_isdigit (year[2]) ||
      !g_ascii_isdigit (year[3]) || !g_ascii_isdigit (year[5]) || !g_ascii_isdigit (year[6]) ||
      sscanf (year, "%4d-%2d%c", &start, &end, &tail) != 2 ||
      start < 2000 || start > 9998 || (start + 1) % 100 != end)
    {
      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID,
                   _("“%s” is not a financial year: write it as 2025-26 (1 April 2025 to 31 March 2026)."),
                   year != NULL ? year : "");
      return FALSE;
    }
  if (first_day != NULL)
    *first_day = g_strdup_printf ("%04d-04-01", start);
  if (last_day != NULL)
    *last_day = g_strdup_printf ("%04d-03-31", start + 1);
  return TRUE;
}

char *
involve_financial_year_of (const char *date)
{
  int y, m, d;
  char tail;

  if (date == NULL || strlen (date) != 10 || sscanf (date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
      !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return NULL;
  if (m < 4)
    y--;
  return g_strdup_printf ("%04d-%02d", y, (y + 1) % 100);
}

/* Computing */

typedef struct
{
  InvolveReportFigure *figure;
  GHashTable          *references;   /* the set behind the figure */
} Tally;

typedef struct
{
  GPtrArray  *tallies;   /* Tally*, in report order */
  GHashTable *by_id;     /* id -> Tally* */
} Tallies;

static Tally *
tally_add (Tallies    *tallies,
           const char *section,
           const char *id,
           const char *label)
{
  Tally *tally = g_new0 (Tally, 1);

  tally->figure = g_new0 (InvolveReportFigure, 1);
  tally->figure->section = g_strdup (section);
  tally->figure->id = g_strdup (id);
  tally->figure->label = g_strdup (label);
  tally->references = g_hash_table_new (g_str_hash, g_str_equal);
  g_ptr_array_add (tallies->tallies, tally);
  g_hash_table_insert (tallies->by_id, tally->figure->id, tally);
  return tally;
}

/* Counts @reference once more under figure @id (references kept as a
 * set: @reference must outlive the tallies). */
static void
count (Tallies    *tallies,
       const char *id,
       const char *reference,
       gint64      people)
{
  Tally *tally = g_hash_table_lookup (tallies->by_id, id);

  if (tally == NULL)
    return;
  tally->figure->count++;
  tally->figure->people += people;
  g_hash_table_add (tally->references, (gpointer) reference);
}

static void
add_list_tallies (Tallies    *tallies,
                  const char *section,
                  const char *list_id)
{
  InvolveDefinitions *defs = involve_definitions_get_default (NULL);
  const InvolveReferenceList *list = defs != NULL ? involve_definitions_lookup_reference_list (defs, list_id) : NULL;

  for (guint i = 0; list != NULL && i < list->items->len; i++)
    {
      const InvolveReferenceItem *item = list->items->pdata[i];
      g_autofree char *id = g_strconcat (section, "-", item->id, NULL);

      tally_add (tallies, section, id, item->label);
    }
}

static void
add_tallies (Tallies *tallies)
{
  tally_add (tallies, "decisions", "decisions", _("Decisions signed off in the year"));
  tally_add (tallies, "outcome", "outcome-applies", _("The duty to involve applied"));
  tally_add (tallies, "outcome", "outcome-does-not-apply", _("The duty to involve did not apply"));
  tally_add (tallies, "outcome", "outcome-unknown", _("Outcome not derived"));
  tally_add (tallies, "limb", "limb-a", _("Limb (a): planning of commissioning arrangements"));
  tally_add (tallies, "limb", "limb-b", _("Limb (b): proposals for changes with an impact"));
  tally_add (tallies, "limb", "limb-c", _("Limb (c): decisions affecting operation with an impact"));
  tally_add (tallies, "does-not-apply", "dna-beneficial-yes", _("Did not apply; involvement judged beneficial"));
  tally_add (tallies, "does-not-apply", "dna-beneficial-no", _("Did not apply; involvement judged not beneficial"));
  tally_add (tallies, "does-not-apply", "dna-beneficial-unanswered", _("Did not apply; no judgement recorded"));
  tally_add (tallies, "urgency", "urgent", _("Urgency claimed"));
  tally_add (tallies, "urgency", "urgent-applies", _("Urgency claimed where the duty applied"));
  tally_add (tallies, "reconfiguration", "notifiable-reconfiguration", _("Notifiable reconfigurations"));
  tally_add (tallies, "involvement", "applies-with-activities", _("Duty applied, involvement logged in the year"));
  tally_add (tallies, "involvement", "applies-without-activities", _("Duty applied, no involvement logged in the year"));
  tally_add (tallies, "involvement", "activities", _("Involvement activities in the year"));
  tally_add (tallies, "involvement", "feedback-themes", _("Feedback themes recorded"));
  tally_add (tallies, "involvement", "you-said-we-did", _("“You said, we did” responses"));
  tally_add (tallies, "involvement", "options-not-taken", _("Supported options not taken, with reasons"));
  tally_add (tallies, "involvement", "evaluations", _("Evaluations of impact"));
  add_list_tallies (tallies, "method", INVOLVE_LOG_LIST_METHODS);
  add_list_tallies (tallies, "group", INVOLVE_LOG_LIST_GROUPS);
  add_list_tallies (tallies, "characteristic", INVOLVE_LOG_LIST_CHARACTERISTICS);
  add_list_tallies (tallies, "partner", INVOLVE_LOG_LIST_PARTNERS);
}

static int
compare_references (gconstpointer a,
                    gconstpointer b)
{
  const char *x = *(const char * const *) a;
  const char *y = *(const char * const *) b;

  /* INV-2026-0009 before INV-2026-0010: same length compares as text. */
  if (strlen (x) != strlen (y))
    return strlen (x) < strlen (y) ? -1 : 1;
  return strcmp (x, y);
}

static int
compare_decisions (gconstpointer a,
                   gconstpointer b)
{
  const InvolveReportDecision *x = *(InvolveReportDecision * const *) a;
  const InvolveReportDecision *y = *(InvolveReportDecision * const *) b;

  return compare_references (&x->reference, &y->reference);
}

/* Stored values are GVariant text; these read the few kinds used here,
 * without the parser for the common shapes (a report reads 100,000s). */
static char *
value_string (InvolveDbStmt *stmt,
              int            column)
{
  const char *text = (const char *) involve_db_column_text (stmt, column);
  g_autoptr(GVariant) value = NULL;
  size_t length;

  if (text == NULL)
    return NULL;
  /* 'plain text': single quotes and no escapes inside. */
  length = strlen (text);
  if (length >= 2 && text[0] == '\'' && text[length - 1] == '\'' &&
      memchr (text + 1, '\\', length - 2) == NULL && memchr (text + 1, '\'', length - 2) == NULL)
    return g_strndup (text + 1, length - 2);
  value = g_variant_parse (G_VARIANT_TYPE_STRING, text, NULL, NULL, NULL);
  return value != NULL ? g_variant_dup_string (value, NULL) : NULL;
}

static int
value_answer (InvolveDbStmt *stmt,
              int            column)
{
  const char *text = (const char *) involve_db_column_text (stmt, column);

  if (g_strcmp0 (text, "true") == 0)
    return 1;
  if (g_strcmp0 (text, "false") == 0)
    return 0;
  return -1;
}

/* A list of option ids ("['planning', 'proposal']") holds @item: ids are
 * plain tokens, printed in single quotes. */
static gboolean
value_has_item (InvolveDbStmt *stmt,
                int            column,
                const char    *item)
{
  const char *text = (const char *) involve_db_column_text (stmt, column);
  g_autofree char *quoted = NULL;

  if (text == NULL || text[0] != '[')
    return FALSE;
  quoted = g_strdup_printf ("'%s'", item);
  return strstr (text, quoted) != NULL;
}

#define FIELD(id) "(SELECT value FROM field_values WHERE version_id = v.id AND field_id = '" id "')"

/* Each signed-off version decided in the year, latest version of a
 * record last; whether the register knew it by then is checked against
 * the audit entries (decided_versions ()). */
static const char decisions_sql[] =
  "SELECT r.uuid, r.reference, v.version, v.outcome, v.review_date,"
  " " FIELD ("title") ", " FIELD ("organisation-name") ", " FIELD ("step2-activity-types") ","
  " " FIELD ("step3-impact-delivery") ", " FIELD ("step3-impact-range") ", " FIELD ("urgent") ","
  " " FIELD ("notifiable-reconfiguration") ", " FIELD ("beneficial-involvement") ","
  " " FIELD ("beneficial-involvement-reason")
  " FROM versions v JOIN records r ON r.id = v.record_id"
  " WHERE v.decision = 'signed-off' AND v.review_date BETWEEN ?1 AND ?2"
  " ORDER BY r.id, v.version";

/* Activities current at @as_of that started in the year, with the
 * organisation of the signed-off version they follow. */
static const char activities_sql[] =
  "SELECT e.id, e.record_uuid, r.reference, e.method, e.reach,"
  " (SELECT fv.value FROM versions vv JOIN field_values fv ON fv.version_id = vv.id"
  "  WHERE vv.record_id = r.id AND vv.version = e.version AND fv.field_id = 'organisation-name')"
  " FROM involvement_activities e JOIN records r ON r.uuid = e.record_uuid"
  " WHERE e.audit_id <= ?3 AND e.retracted = 0 AND e.start_date BETWEEN ?1 AND ?2"
  " AND NOT EXISTS (SELECT 1 FROM involvement_activities s WHERE s.supersedes = e.id AND s.audit_id <= ?3)"
  " ORDER BY e.id";

/* Entries of the other kinds current at @as_of, by record. */
#define CURRENT_SQL(table, extra) \
  "SELECT e.record_uuid" extra " FROM " table " e" \
  " WHERE e.audit_id <= ?1 AND e.retracted = 0" \
  " AND NOT EXISTS (SELECT 1 FROM " table " s WHERE s.supersedes = e.id AND s.audit_id <= ?1)"

static gboolean
head_at (InvolveStore *self,
         gint64        as_of,
         gint64       *id,
         char        **hash,
         GError      **error)
{
  INVOLVE_AUTO_STMT stmt = NULL;
  int rc;

  stmt = _involve_store_prepare (self,
                                 "SELECT id, hash FROM audit WHERE id <= ?1 ORDER BY id DESC LIMIT 1",
                                 error);
  if (stmt == NULL)
    return FALSE;
  involve_db_bind_int64 (stmt, 1, as_of > 0 ? as_of : G_MAXINT64);
  rc = involve_db_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *id = involve_db_column_int64 (stmt, 0);
      *hash = g_strdup ((const char *) involve_db_column_text (stmt, 1));
      if (as_of > 0 && *id != as_of)
        {
          g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NOT_FOUND,
                       _("The register has no audit entry %" PRId64 "."), as_of);
          return FALSE;
        }
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    {
      _involve_store_sqlite_error (self, error, rc, _("Could not read the audit log"));
      return FALSE;
    }
  if (as_of > 0)
    {
      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NOT_FOUND,
                   _("The register has no audit entry %" PRId64 "."), as_of);
      return FALSE;
    }
  *id = 0;
  *hash = NULL;
  return TRUE;
}

static gboolean
step_error (InvolveStore *self,
            int           rc,
            GError      **error)
{
  if (rc == SQLITE_DONE)
    return TRUE;
  _involve_store_sqlite_error (self, error, rc, _("Could not compute the annual report"));
  return FALSE;
}

/*
 * The versions signed off here by audit entry @as_of ("uuid/version"),
 * and the records imported by then (their versions count from their first
 * import).  Two range scans of the audit log's kind index, rather than a
 * look-up a version.
 */
static gboolean
decided_versions (InvolveStore *self,
                  gint64        as_of,
                  GHashTable   *signed_here,
                  GHashTable   *imported,
                  GError      **error)
{
  INVOLVE_AUTO_STMT stmt = NULL;
  int rc;

  /* INDEXED BY is SQLite's; a server's planner picks the index itself. */
  stmt = _involve_store_prepare (self,
                                 involve_store_is_server (self)
                                 ? "SELECT kind, record_uuid, version FROM audit"
                                   " WHERE kind IN ('sign-off', 'import') AND id <= ?1"
                                 : "SELECT kind, record_uuid, version FROM audit INDEXED BY audit_by_kind"
                                   " WHERE kind IN ('sign-off', 'import') AND id <= ?1",
                                 error);
  if (stmt == NULL)
    return FALSE;
  involve_db_bind_int64 (stmt, 1, as_of);
  while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      const char *kind = (const char *) involve_db_column_text (stmt, 0);
      const char *uuid = (const char *) involve_db_column_text (stmt, 1);

      if (uuid == NULL)
        continue;
      if (kind[0] == 's')
        g_hash_table_add (signed_here, g_strdup_printf ("%s/%d", uuid, involve_db_column_int (stmt, 2)));
      else
        g_hash_table_add (imported, g_strdup (uuid));
    }
  return step_error (self, rc, error);
}

static gboolean
count_decisions (InvolveStore        *self,
                 InvolveAnnualReport *report,
                 Tallies             *tallies,
                 GError             **error)
{
  INVOLVE_AUTO_STMT stmt = NULL;
  g_autoptr(GHashTable) latest = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) signed_here = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) imported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *organisation_text = NULL;
  GString *key = g_string_new (NULL);
  int rc;

  if (!decided_versions (self, report->as_of_entry, signed_here, imported, error))
    {
      g_string_free (key, TRUE);
      return FALSE;
    }
  /* Compared as stored (GVariant text), not parsed a row. */
  if (report->organisation != NULL)
    {
      g_autoptr(GVariant) value = g_variant_ref_sink (g_variant_new_string (report->organisation));

      organisation_text = g_variant_print (value, TRUE);
    }

  stmt = _involve_store_prepare (self, decisions_sql, error);
  if (stmt == NULL)
    {
      g_string_free (key, TRUE);
      return FALSE;
    }
  involve_db_bind_text (stmt, 1, report->first_day, -1, SQLITE_STATIC);
  involve_db_bind_text (stmt, 2, report->last_day, -1, SQLITE_STATIC);

  while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      InvolveReportDecision *decision;
      const char *uuid = (const char *) involve_db_column_text (stmt, 0);
      int urgent, reconfiguration, beneficial, delivery, range;
      gboolean impact;
      GString *limbs;

      if (organisation_text != NULL &&
          g_strcmp0 ((const char *) involve_db_column_text (stmt, 6), organisation_text) != 0)
        continue;
      g_string_printf (key, "%s/%d", uuid, involve_db_column_int (stmt, 2));
      if (!g_hash_table_contains (signed_here, key->str) && !g_hash_table_contains (imported, uuid))
        continue;

      /* Rows come oldest version first: a later decision replaces it. */
      decision = g_hash_table_lookup (latest, uuid);
      if (decision != NULL)
        {
          g_hash_table_remove (latest, decision->uuid);
          g_ptr_array_remove (report->decisions, decision);
        }
      decision = g_new0 (InvolveReportDecision, 1);
      decision->uuid = g_strdup (uuid);
      decision->reference = g_strdup ((const char *) involve_db_column_text (stmt, 1));
      decision->version = (guint) involve_db_column_int64 (stmt, 2);
      decision->outcome = g_strdup ((const char *) involve_db_column_text (stmt, 3));
      decision->review_date = g_strdup ((const char *) involve_db_column_text (stmt, 4));
      decision->title = value_string (stmt, 5);
      decision->organisation = value_string (stmt, 6);

      delivery = value_answer (stmt, 8);
      range = value_answer (stmt, 9);
      impact = delivery == 1 || range == 1;
      limbs = g_string_new (NULL);
      if (g_strcmp0 (decision->outcome, "applies") == 0)
        {
          if (value_has_item (stmt, 7, "planning"))
            g_string_append (limbs, "a");
          if (impact && value_has_item (stmt, 7, "proposal"))
            g_string_append_printf (limbs, "%sb", limbs->len > 0 ? ", " : "");
          if (impact && value_has_item (stmt, 7, "operational"))
            g_string_append_printf (limbs, "%sc", limbs->len > 0 ? ", " : "");
        }
      decision->limbs = limbs->len > 0 ? g_string_free (limbs, FALSE) : (g_string_free (limbs, TRUE), NULL);

      urgent = value_answer (stmt, 10);
      reconfiguration = value_answer (stmt, 11);
      beneficial = value_answer (stmt, 12);
      decision->urgent = urgent == 1;
      decision->notifiable_reconfiguration = reconfiguration == 1;
      if (g_strcmp0 (decision->outcome, "does-not-apply") == 0 && beneficial >= 0)
        decision->beneficial = g_strdup (beneficial == 1 ? "yes" : "no");
      if (g_strcmp0 (decision->outcome, "does-not-apply") == 0)
        decision->beneficial_reason = value_string (stmt, 13);

      g_ptr_array_add (report->decisions, decision);
      g_hash_table_insert (latest, decision->uuid, decision);
    }
  g_string_free (key, TRUE);
  if (!step_error (self, rc, error))
    return FALSE;

  for (guint i = 0; i < report->decisions->len; i++)
    {
      InvolveReportDecision *d = report->decisions->pdata[i];
      const char *ref = d->reference;
      gboolean applies = g_strcmp0 (d->outcome, "applies") == 0;
      gboolean dna = g_strcmp0 (d->outcome, "does-not-apply") == 0;

      count (tallies, "decisions", ref, 0);
      count (tallies, applies ? "outcome-applies" : dna ? "outcome-does-not-apply" : "outcome-unknown", ref, 0);
      if (d->limbs != NULL && strchr (d->limbs, 'a') != NULL)
        count (tallies, "limb-a", ref, 0);
      if (d->limbs != NULL && strchr (d->limbs, 'b') != NULL)
        count (tallies, "limb-b", ref, 0);
      if (d->limbs != NULL && strchr (d->limbs, 'c') != NULL)
        count (tallies, "limb-c", ref, 0);
      if (dna)
        count (tallies, d->beneficial == NULL ? "dna-beneficial-unanswered" :
                        g_str_equal (d->beneficial, "yes") ? "dna-beneficial-yes" : "dna-beneficial-no",
               ref, 0);
      if (d->urgent)
        count (tallies, "urgent", ref, 0);
      if (d->urgent && applies)
        count (tallies, "urgent-applies", ref, 0);
      if (d->notifiable_reconfiguration)
        count (tallies, "notifiable-reconfiguration", ref, 0);
    }
  return TRUE;
}

static gboolean
count_reach (InvolveStore *self,
             Tallies      *tallies,
             gint64        activity_id,
             const char   *reference,
             gint64        people,
             GError      **error)
{
  INVOLVE_AUTO_STMT stmt = NULL;
  int rc;

  stmt = _involve_store_prepare (self, "SELECT list, item FROM involvement_reach WHERE activity_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  involve_db_bind_int64 (stmt, 1, activity_id);
  while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      const char *list = (const char *) involve_db_column_text (stmt, 0);
      const char *item = (const char *) involve_db_column_text (stmt, 1);
      const char *section = g_strcmp0 (list, INVOLVE_LOG_LIST_GROUPS) == 0 ? "group" :
                            g_strcmp0 (list, INVOLVE_LOG_LIST_CHARACTERISTICS) == 0 ? "characteristic" :
                            g_strcmp0 (list, INVOLVE_LOG_LIST_PARTNERS) == 0 ? "partner" : NULL;
      g_autofree char *id = NULL;

      if (section == NULL)
        continue;
      id = g_strconcat (section, "-", item, NULL);
      count (tallies, id, reference, people);
    }
  return step_error (self, rc, error);
}

/* A record with activities in the year. */
typedef struct
{
  const char *reference;
  guint       n_activities;
  gint64      people;
  GString    *methods;     /* labels, "; "-separated, each once */
} ActiveRecord;

static void
active_record_free (ActiveRecord *record)
{
  if (record->methods != NULL)
    g_string_free (record->methods, TRUE);
  g_free (record);
}

static const char *
method_label (const char *method)
{
  InvolveDefinitions *defs = involve_definitions_get_default (NULL);
  const InvolveReferenceList *list = defs != NULL ? involve_definitions_lookup_reference_list (defs, INVOLVE_LOG_LIST_METHODS) : NULL;
  const InvolveReferenceItem *item = list != NULL ? involve_reference_list_lookup_item (list, method) : NULL;

  return item != NULL ? item->label : method;
}

static gboolean
count_activities (InvolveStore        *self,
                  InvolveAnnualReport *report,
                  Tallies             *tallies,
                  GHashTable          *strings,      /* owns references seen here */
                  GHashTable          *active,       /* uuid -> reference, records with activities */
                  GError             **error)
{
  INVOLVE_AUTO_STMT stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) refs = g_ptr_array_new ();
  g_autoptr(GArray) reach = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  stmt = _involve_store_prepare (self, activities_sql, error);
  if (stmt == NULL)
    return FALSE;
  involve_db_bind_text (stmt, 1, report->first_day, -1, SQLITE_STATIC);
  involve_db_bind_text (stmt, 2, report->last_day, -1, SQLITE_STATIC);
  involve_db_bind_int64 (stmt, 3, report->as_of_entry);

  while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = involve_db_column_int64 (stmt, 0);
      const char *uuid = (const char *) involve_db_column_text (stmt, 1);
      const char *reference = (const char *) involve_db_column_text (stmt, 2);
      const char *method = (const char *) involve_db_column_text (stmt, 3);
      gint64 people = involve_db_column_int64 (stmt, 4);
      g_autofree char *organisation = value_string (stmt, 5);
      g_autofree char *method_id = NULL;
      ActiveRecord *record;
      char *ref;

      if (report->organisation != NULL && g_strcmp0 (organisation, report->organisation) != 0)
        continue;
      ref = g_hash_table_lookup (strings, reference);
      if (ref == NULL)
        {
          ref = g_strdup (reference);
          g_hash_table_add (strings, ref);
        }
      record = g_hash_table_lookup (active, uuid);
      if (record == NULL)
        {
          record = g_new0 (ActiveRecord, 1);
          record->reference = ref;
          g_hash_table_insert (active, g_strdup (uuid), record);
        }
      record->n_activities++;
      record->people += people;
      if (method != NULL)
        {
          const char *label = method_label (method);

          if (record->methods == NULL)
            record->methods = g_string_new (label);
          else if (strstr (record->methods->str, label) == NULL)
            g_string_append_printf (record->methods, "; %s", label);
        }

      count (tallies, "activities", ref, people);
      method_id = g_strconcat ("method-", method, NULL);
      count (tallies, method_id, ref, people);
      g_array_append_val (ids, id);
      g_ptr_array_add (refs, ref);
      g_array_append_val (reach, people);
    }
  if (!step_error (self, rc, error))
    return FALSE;
  involve_db_reset (stmt);

  for (guint i = 0; i < ids->len; i++)
    {
      if (!count_reach (self, tallies, g_array_index (ids, gint64, i), refs->pdata[i],
                        g_array_index (reach, gint64, i), error))
        return FALSE;
    }

  /* Decisions of the year where the duty applied, with or without
   * involvement logged in it. */
  for (guint i = 0; i < report->decisions->len; i++)
    {
      InvolveReportDecision *d = report->decisions->pdata[i];

      if (g_strcmp0 (d->outcome, "applies") != 0)
        continue;
      count (tallies, g_hash_table_contains (active, d->uuid) ? "applies-with-activities"
                                                             : "applies-without-activities",
             d->reference, 0);
    }
  return TRUE;
}

static gboolean
count_follow_up (InvolveStore *self,
                 gint64        as_of,
                 Tallies      *tallies,
                 GHashTable   *active,
                 GError      **error)
{
  static const struct { const char *sql; const char *id; } kinds[] = {
    { CURRENT_SQL ("involvement_feedback", ", 0"), "feedback-themes" },
    { CURRENT_SQL ("involvement_responses", ", e.not_taken_reason IS NOT NULL"), "you-said-we-did" },
    { CURRENT_SQL ("involvement_evaluations", ", 0"), "evaluations" },
  };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      INVOLVE_AUTO_STMT stmt = _involve_store_prepare (self, kinds[k].sql, error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      involve_db_bind_int64 (stmt, 1, as_of);
      while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
        {
          const ActiveRecord *record = g_hash_table_lookup (active, involve_db_column_text (stmt, 0));

          if (record == NULL)
            continue;
          count (tallies, kinds[k].id, record->reference, 0);
          if (involve_db_column_int (stmt, 1) != 0)
            count (tallies, "options-not-taken", record->reference, 0);
        }
      if (!step_error (self, rc, error))
        return FALSE;
    }
  return TRUE;
}

InvolveAnnualReport *
involve_store_compute_report (InvolveStore *self,
                              const char   *year,
                              const char   *organisation,
                              gint64        as_of_entry,
                              GError      **error)
{
  INVOLVE_STORE_LOCK (self);
  g_autoptr(InvolveAnnualReport) report = NULL;
  g_autoptr(GHashTable) strings = NULL;
  g_autoptr(GHashTable) active = NULL;
  Tallies tallies;
  InvolveDb *db;
  gboolean own_txn;
  gboolean ok;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (as_of_entry < 0)
    {
      g_set_error_literal (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID,
                           _("An audit entry number cannot be negative."));
      return NULL;
    }

  report = g_new0 (InvolveAnnualReport, 1);
  report->figures = g_ptr_array_new_with_free_func ((GDestroyNotify) figure_free);
  report->decisions = g_ptr_array_new_with_free_func ((GDestroyNotify) decision_free);
  report->year = g_strdup (year);
  report->organisation = organisation != NULL && *organisation != '\0' ? g_strdup (organisation) : NULL;
  report->computed_usec = g_get_real_time ();
  if (!involve_financial_year_parse (year, &report->first_day, &report->last_day, error))
    return NULL;

  /* One read transaction: every figure from the same state. */
  db = _involve_store_get_connection (self);
  own_txn = involve_db_get_autocommit (db);
  if (own_txn && involve_db_exec (db, "BEGIN", NULL) != SQLITE_OK)
    {
      _involve_store_sqlite_error (self, error, involve_db_errcode (db), _("Could not compute the annual report"));
      return NULL;
    }

  tallies.tallies = g_ptr_array_new ();
  tallies.by_id = g_hash_table_new (g_str_hash, g_str_equal);
  add_tallies (&tallies);
  strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  active = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) active_record_free);

  ok = head_at (self, as_of_entry, &report->as_of_entry, &report->as_of_hash, error) &&
       count_decisions (self, report, &tallies, error) &&
       count_activities (self, report, &tallies, strings, active, error) &&
       count_follow_up (self, report->as_of_entry, &tallies, active, error);

  /* Each decision's involvement in the year. */
  for (guint i = 0; ok && i < report->decisions->len; i++)
    {
      InvolveReportDecision *d = report->decisions->pdata[i];
      const ActiveRecord *record = g_hash_table_lookup (active, d->uuid);

      if (record != NULL)
        {
          d->n_activities = record->n_activities;
          d->people = record->people;
          d->methods = record->methods != NULL ? g_strdup (record->methods->str) : NULL;
        }
    }

  /* End our own read; a batch's transaction stays open. */
  if (own_txn)
    involve_db_exec (db, "COMMIT", NULL);

  if (ok)
    {
      for (guint i = 0; i < tallies.tallies->len; i++)
        {
          Tally *tally = tallies.tallies->pdata[i];
          InvolveReportFigure *figure = tally->figure;
          GHashTableIter iter;
          gpointer key;

          figure->references = g_ptr_array_new_full (g_hash_table_size (tally->references), g_free);
          g_hash_table_iter_init (&iter, tally->references);
          while (g_hash_table_iter_next (&iter, &key, NULL))
            g_ptr_array_add (figure->references, g_strdup (key));
          g_ptr_array_sort (figure->references, compare_references);
          tally->figure = NULL;
          g_ptr_array_add (report->figures, figure);
        }
      g_ptr_array_sort (report->decisions, compare_decisions);
    }

  for (guint i = 0; i < tallies.tallies->len; i++)
    {
      Tally *tally = tallies.tallies->pdata[i];

      if (tally->figure != NULL)
        figure_free (tally->figure);
      g_hash_table_unref (tally->references);
      g_free (tally);
    }
  g_ptr_array_unref (tallies.tallies);
  g_hash_table_unref (tallies.by_id);

  if (!ok)
    return NULL;
  return g_steal_pointer (&report);
}
