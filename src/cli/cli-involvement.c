/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-cli"

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "cli-commands.h"
#include "involve-report-pdf.h"
#include "involve-store-involvement.h"
#include "involve-store-report.h"

/*
 * After sign-off: the involvement log and the annual report.
 *   log REF activity|feedback|response|evaluation [fields...]
 *   involvement REF [--you-said-we-did FILE]
 *   report --year 2025-26 [--organisation NAME] [--as-of-entry N] [--pdf FILE] [--csv FILE]
 */

static gboolean
parse_id (const char *text,
          gint64     *id)
{
  guint64 value;

  if (text == NULL)
    {
      *id = 0;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *id = (gint64) value;
  return TRUE;
}

/* Opens the register and finds the record with this reference: 0, or
 * the exit status after saying why not. */
static int
open_record (const char    *database_path,
             const char    *reference,
             InvolveStore **out_store,
             char         **out_uuid)
{
  g_autoptr(InvolveStore) store = involve_cli_open_store (database_path);
  g_autoptr(GError) error = NULL;

  if (store == NULL)
    return 1;
  *out_uuid = involve_store_lookup_reference (store, reference, &error);
  if (*out_uuid == NULL)
    return involve_cli_fail (reference, error);
  *out_store = g_steal_pointer (&store);
  return 0;
}

int
involve_cli_log (const char  *database_path,
                 int          argc,
                 char       **argv)
{
  g_autofree char *method = NULL, *description = NULL, *start = NULL, *end = NULL;
  g_autofree char *reach = NULL, *partners = NULL, *documents = NULL;
  g_auto(GStrv) groups = NULL, characteristics = NULL, partner_types = NULL;
  g_autofree char *theme = NULL, *summary = NULL, *responses = NULL, *activity = NULL;
  g_autofree char *you_said = NULL, *we_did = NULL, *not_taken = NULL, *feedback = NULL;
  g_autofree char *on = NULL, *impact = NULL, *response = NULL;
  g_autofree char *corrects = NULL, *withdraws = NULL, *reason = NULL;
  const GOptionEntry entries[] = {
    { "method", 0, 0, G_OPTION_ARG_STRING, &method, N_("activity: how people were involved (engagement-methods id)"), N_("ID") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, N_("activity: what was done"), N_("TEXT") },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start, N_("activity: first day"), N_("YYYY-MM-DD") },
    { "end", 0, 0, G_OPTION_ARG_STRING, &end, N_("activity: last day"), N_("YYYY-MM-DD") },
    { "reach", 0, 0, G_OPTION_ARG_STRING, &reach, N_("activity: how many people took part"), N_("N") },
    { "group", 0, 0, G_OPTION_ARG_STRING_ARRAY, &groups, N_("activity: a seldom-heard group reached (repeat)"), N_("ID") },
    { "characteristic", 0, 0, G_OPTION_ARG_STRING_ARRAY, &characteristics, N_("activity: a protected characteristic reached (repeat)"), N_("ID") },
    { "partner-type", 0, 0, G_OPTION_ARG_STRING_ARRAY, &partner_types, N_("activity: a kind of partner (repeat)"), N_("ID") },
    { "partners", 0, 0, G_OPTION_ARG_STRING, &partners, N_("activity: the partners' names"), N_("TEXT") },
    { "documents", 0, 0, G_OPTION_ARG_STRING, &documents, N_("activity: documents used or produced"), N_("TEXT") },
    { "theme", 0, 0, G_OPTION_ARG_STRING, &theme, N_("feedback: the theme"), N_("TEXT") },
    { "summary", 0, 0, G_OPTION_ARG_STRING, &summary, N_("feedback: what people said, anonymised"), N_("TEXT") },
    { "responses", 0, 0, G_OPTION_ARG_STRING, &responses, N_("feedback: how many said it"), N_("N") },
    { "activity", 0, 0, G_OPTION_ARG_STRING, &activity, N_("feedback: the activity it came from"), N_("ID") },
    { "you-said", 0, 0, G_OPTION_ARG_STRING, &you_said, N_("response: what people said"), N_("TEXT") },
    { "we-did", 0, 0, G_OPTION_ARG_STRING, &we_did, N_("response: what was done about it"), N_("TEXT") },
    { "not-taken-reason", 0, 0, G_OPTION_ARG_STRING, &not_taken, N_("response: why an option people supported was not taken"), N_("TEXT") },
    { "feedback", 0, 0, G_OPTION_ARG_STRING, &feedback, N_("response: the feedback theme it answers"), N_("ID") },
    { "on", 0, 0, G_OPTION_ARG_STRING, &on, N_("evaluation: when the impact was assessed"), N_("YYYY-MM-DD") },
    { "impact", 0, 0, G_OPTION_ARG_STRING, &impact, N_("evaluation: what difference the change made"), N_("TEXT") },
    { "response", 0, 0, G_OPTION_ARG_STRING, &response, N_("evaluation: the response it evaluates"), N_("ID") },
    { "corrects", 0, 0, G_OPTION_ARG_STRING, &corrects, N_("This entry replaces entry ID (give --reason, and only what changes)"), N_("ID") },
    { "withdraws", 0, 0, G_OPTION_ARG_STRING, &withdraws, N_("Withdraw entry ID (give --reason)"), N_("ID") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why an entry is corrected or withdrawn"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("REF activity|feedback|response|evaluation — add to a signed-off record's involvement log"));
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveLogEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  InvolveLogKind kind;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = involve_cli_parse_options ("log", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc != 3)
    return involve_cli_usage_error ("log", _("Give the record's reference and the kind of entry (activity, feedback, response or evaluation)."));
  if (!involve_log_kind_from_string (argv[2], &kind))
    return involve_cli_usage_error ("log", _("“%s” is not a kind of entry: use activity, feedback, response or evaluation."), argv[2]);
  if (corrects != NULL && withdraws != NULL)
    return involve_cli_usage_error ("log", _("Give --corrects or --withdraws, not both."));

  status = open_record (database_path, argv[1], &store, &uuid);
  if (status != 0)
    return status;

  entry = involve_log_entry_new (kind, uuid);
#define ID_OPTION(text, field, option) \
  if (!parse_id ((text), &entry->field)) \
    return involve_cli_usage_error ("log", _("%s must be a whole number of 1 or more."), option)
  ID_OPTION (corrects != NULL ? corrects : withdraws, supersedes, withdraws != NULL ? "--withdraws" : "--corrects");
  ID_OPTION (activity, activity_id, "--activity");
  ID_OPTION (feedback, feedback_id, "--feedback");
  ID_OPTION (response, response_id, "--response");
#undef ID_OPTION
  if (reach != NULL && !g_ascii_string_to_signed (reach, 10, 0, G_MAXINT64, &entry->reach, NULL))
    return involve_cli_usage_error ("log", _("--reach must be a whole number of 0 or more."));
  if (responses != NULL && !g_ascii_string_to_signed (responses, 10, 0, G_MAXINT64, &entry->responses, NULL))
    return involve_cli_usage_error ("log", _("--responses must be a whole number of 0 or more."));

  entry->retracted = withdraws != NULL;
  entry->correction = g_steal_pointer (&reason);
  entry->method = g_steal_pointer (&method);
  entry->description = g_steal_pointer (&description);
  entry->start_date = g_steal_pointer (&start);
  entry->end_date = g_steal_pointer (&end);
  entry->groups = g_steal_pointer (&groups);
  entry->characteristics = g_steal_pointer (&characteristics);
  entry->partner_types = g_steal_pointer (&partner_types);
  entry->partners = g_steal_pointer (&partners);
  entry->documents = g_steal_pointer (&documents);
  entry->theme = g_steal_pointer (&theme);
  entry->summary = g_steal_pointer (&summary);
  entry->you_said = g_steal_pointer (&you_said);
  entry->we_did = g_steal_pointer (&we_did);
  entry->not_taken_reason = g_steal_pointer (&not_taken);
  entry->evaluated_on = g_steal_pointer (&on);
  entry->impact = g_steal_pointer (&impact);

  /* A correction starts from the entry it corrects: give only what changes. */
  if (corrects != NULL)
    {
      g_autoptr(GPtrArray) earlier = involve_store_list_log_entries (store, uuid, kind, 0, &error);
      const InvolveLogEntry *old = NULL;

      if (earlier == NULL)
        return involve_cli_fail (argv[1], error);
      for (guint i = 0; i < earlier->len; i++)
        {
          if (((InvolveLogEntry *) earlier->pdata[i])->id == entry->supersedes)
            old = earlier->pdata[i];
        }
      if (old == NULL)
        {
          fprintf (stderr, _("%s: this record’s involvement log has no %s entry %" PRId64 ".\n"),
                   argv[1], involve_log_kind_to_string (kind), entry->supersedes);
          return 1;
        }
      if (!old->retracted)
        {
#define KEEP_TEXT(field) if (entry->field == NULL) entry->field = g_strdup (old->field)
#define KEEP_LIST(field) if (entry->field == NULL) entry->field = g_strdupv (old->field)
          KEEP_TEXT (method);
          KEEP_TEXT (description);
          KEEP_TEXT (start_date);
          KEEP_TEXT (end_date);
          KEEP_LIST (groups);
          KEEP_LIST (characteristics);
          KEEP_LIST (partner_types);
          KEEP_TEXT (partners);
          KEEP_TEXT (documents);
          KEEP_TEXT (theme);
          KEEP_TEXT (summary);
          KEEP_TEXT (you_said);
          KEEP_TEXT (we_did);
          KEEP_TEXT (not_taken_reason);
          KEEP_TEXT (evaluated_on);
          KEEP_TEXT (impact);
#undef KEEP_TEXT
#undef KEEP_LIST
          if (reach == NULL)
            entry->reach = old->reach;
          if (responses == NULL)
            entry->responses = old->responses;
          if (activity == NULL)
            entry->activity_id = old->activity_id;
          if (feedback == NULL)
            entry->feedback_id = old->feedback_id;
          if (response == NULL)
            entry->response_id = old->response_id;
        }
    }

  /* Each log entry is a signed act. */
  if (!involve_cli_unlock_identity (store, &error) ||
      !involve_store_add_log_entry (store, entry, &error))
    return involve_cli_fail (argv[1], error);
  /* TRANSLATORS: "Logged activity 3 of INV-2026-0001 (audit entry 120)" */
  printf (_("Logged %s %" PRId64 " of %s (audit entry %" PRId64 ")\n"),
          involve_log_kind_to_string (kind), entry->id, argv[1], entry->audit_id);
  return 0;
}

static void
print_entry (const InvolveLogEntry *e)
{
  g_autofree char *state = NULL;

  if (e->retracted)
    state = g_strdup_printf (_(" — withdraws %" PRId64 ": %s"), e->supersedes, e->correction);
  else if (e->supersedes != 0)
    state = g_strdup_printf (_(" — corrects %" PRId64 ": %s"), e->supersedes, e->correction);
  else
    state = g_strdup ("");
  printf ("%s %" PRId64 "%s%s\n", involve_log_kind_to_string (e->kind), e->id,
          e->superseded_by != 0 ? _(" (superseded)") : "", state);
  if (e->retracted)
    return;
  switch (e->kind)
    {
    case INVOLVE_LOG_ACTIVITY:
      {
        g_autofree char *groups = e->groups != NULL ? g_strjoinv (", ", e->groups) : g_strdup ("");
        g_autofree char *characteristics = e->characteristics != NULL ? g_strjoinv (", ", e->characteristics) : g_strdup ("");
        g_autofree char *partners = e->partner_types != NULL ? g_strjoinv (", ", e->partner_types) : g_strdup ("");

        printf (_("  %s, %s%s%s, %" PRId64 " people: %s\n"), e->method, e->start_date,
                e->end_date != NULL ? _(" to ") : "", e->end_date != NULL ? e->end_date : "",
                e->reach, e->description);
        if (*groups != '\0')
          printf (_("  groups: %s\n"), groups);
        if (*characteristics != '\0')
          printf (_("  protected characteristics: %s\n"), characteristics);
        if (*partners != '\0' || e->partners != NULL)
          printf (_("  partners: %s %s\n"), partners, e->partners != NULL ? e->partners : "");
        break;
      }
    case INVOLVE_LOG_FEEDBACK:
      printf (_("  %s (%" PRId64 " responses): %s\n"), e->theme, e->responses, e->summary != NULL ? e->summary : "");
      break;
    case INVOLVE_LOG_RESPONSE:
      printf (_("  you said: %s\n  we did: %s\n"), e->you_said, e->we_did);
      if (e->not_taken_reason != NULL)
        printf (_("  not taken because: %s\n"), e->not_taken_reason);
      break;
    case INVOLVE_LOG_EVALUATION:
      printf (_("  evaluated %s: %s\n"), e->evaluated_on, e->impact);
      break;
    default:
      break;
    }
}

int
involve_cli_involvement (const char  *database_path,
                         int          argc,
                         char       **argv)
{
  g_autofree char *pdf_path = NULL;
  const GOptionEntry entries[] = {
    { "you-said-we-did", 0, 0, G_OPTION_ARG_FILENAME, &pdf_path,
      N_("Write the public “you said, we did” PDF to FILE"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("REF — show a record's involvement log"));
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = involve_cli_parse_options ("involvement", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc != 2)
    return involve_cli_usage_error ("involvement", _("Give one record's reference."));

  status = open_record (database_path, argv[1], &store, &uuid);
  if (status != 0)
    return status;

  if (pdf_path != NULL)
    {
      if (!involve_export_you_said_we_did (store, uuid, pdf_path, &error))
        return involve_cli_fail (argv[1], error);
      printf (_("Wrote %s\n"), pdf_path);
      return 0;
    }

  for (guint k = INVOLVE_LOG_ACTIVITY; k <= INVOLVE_LOG_EVALUATION; k++)
    {
      g_autoptr(GPtrArray) entries_of_kind = involve_store_list_log_entries (store, uuid, (InvolveLogKind) k, 0, &error);

      if (entries_of_kind == NULL)
        return involve_cli_fail (argv[1], error);
      for (guint i = 0; i < entries_of_kind->len; i++)
        print_entry (entries_of_kind->pdata[i]);
    }
  return 0;
}

int
involve_cli_report (const char  *database_path,
                    int          argc,
                    char       **argv)
{
  g_autofree char *year = NULL;
  g_autofree char *organisation = NULL;
  g_autofree char *as_of = NULL;
  g_autofree char *pdf_path = NULL;
  g_autofree char *csv_path = NULL;
  const GOptionEntry entries[] = {
    { "year", 0, 0, G_OPTION_ARG_STRING, &year, N_("The financial year, e.g. 2025-26 (1 April to 31 March)"), N_("YYYY-YY") },
    { "organisation", 0, 0, G_OPTION_ARG_STRING, &organisation, N_("Only this organisation"), N_("NAME") },
    { "as-of-entry", 0, 0, G_OPTION_ARG_STRING, &as_of,
      N_("Compute it as the register stood at this audit entry (default: now)"), N_("N") },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf_path, N_("Write the report as a PDF to FILE"), N_("FILE") },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path, N_("Write every figure and its records as CSV to FILE"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— the annual report on the duty to involve"));
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveAnnualReport) report = NULL;
  g_autoptr(GError) error = NULL;
  gint64 as_of_entry = 0;
  const char *section = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = involve_cli_parse_options ("report", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc != 1)
    return involve_cli_usage_error ("report", _("The report takes options only."));
  if (year == NULL)
    return involve_cli_usage_error ("report", _("Give the financial year, e.g. --year 2025-26."));
  if (!involve_financial_year_parse (year, NULL, NULL, &error))
    return involve_cli_usage_error ("report", "%s", error->message);
  if (as_of != NULL && !parse_id (as_of, &as_of_entry))
    return involve_cli_usage_error ("report", _("--as-of-entry must be a whole number of 1 or more."));

  store = involve_cli_open_store (database_path);
  if (store == NULL)
    return 1;
  report = involve_export_annual_report (store, year, organisation, as_of_entry, pdf_path, csv_path, &error);
  if (report == NULL)
    return involve_cli_fail (NULL, error);

  printf (_("Annual report %s (%s to %s), %s\n"), report->year, report->first_day, report->last_day,
          report->organisation != NULL ? report->organisation : _("all organisations"));
  printf (_("Computed at audit entry %" PRId64 " (%s)\n"), report->as_of_entry,
          report->as_of_hash != NULL ? report->as_of_hash : "-");
  for (guint i = 0; i < report->figures->len; i++)
    {
      const InvolveReportFigure *figure = report->figures->pdata[i];

      if (g_strcmp0 (section, figure->section) != 0)
        {
          section = figure->section;
          printf ("\n");
        }
      printf ("  %-44s %6" PRId64, figure->id, figure->count);
      if (figure->people > 0)
        printf (_("  (%" PRId64 " people)"), figure->people);
      printf ("\n");
    }
  if (pdf_path != NULL)
    printf (_("Wrote %s\n"), pdf_path);
  if (csv_path != NULL)
    printf (_("Wrote %s\n"), csv_path);
  return 0;
}
