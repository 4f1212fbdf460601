/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-cli"

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "cli-commands.h"
#include "involve-assess.h"
#include "involve-definitions.h"
#include "involve-export-heads.h"
#include "involve-fingerprint.h"
#include "involve-store.h"

/* Register commands: list, show, verify, backup, history. */

static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) time = NULL;

  if (usec <= 0)
    return g_strdup ("-");
  time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S UTC");
}

/* A value as a person reads it. */
static char *
format_value (GVariant *value)
{
  if (value == NULL)
    return g_strdup ("");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (g_variant_get_boolean (value) ? _("yes") : _("no"));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autofree const char **items = g_variant_get_strv (value, NULL);
      return g_strjoinv (", ", (char **) items);
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE ("aas")))
    {
      GString *out = g_string_new (NULL);
      gsize n = g_variant_n_children (value);

      for (gsize i = 0; i < n; i++)
        {
          g_autoptr(GVariant) row = g_variant_get_child_value (value, i);
          g_autofree const char **cells = g_variant_get_strv (row, NULL);
          g_autofree char *joined = g_strjoinv (" | ", (char **) cells);

          g_string_append_printf (out, "\n      %" G_GSIZE_FORMAT ". %s", i + 1, joined);
        }
      return g_string_free (out, FALSE);
    }
  return g_variant_print (value, FALSE);
}

/* Tabs and new lines would break the one-record-a-line format. */
static char *
one_line (const char *text)
{
  char *copy = g_strdup (text != NULL ? text : "");

  for (char *p = copy; *p != '\0'; p++)
    {
      if (*p == '\t' || *p == '\n' || *p == '\r')
        *p = ' ';
    }
  return copy;
}

static gboolean
parse_status_list (const char *text,
                   guint      *mask)
{
  g_auto(GStrv) names = g_strsplit (text, ",", -1);

  *mask = 0;
  for (guint i = 0; names[i] != NULL; i++)
    {
      InvolveStatus status;

      if (!involve_status_from_string (g_strstrip (names[i]), &status))
        return FALSE;
      *mask |= 1u << status;
    }
  return TRUE;
}

int
involve_cli_list (const char *database_path,
                  int         argc,
                  char      **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  g_autofree char *framework = NULL;
  g_autofree char *organisation = NULL;
  g_autofree char *outcome = NULL;
  g_autofree char *search = NULL;
  g_autofree char *sort = NULL;
  int limit = 0;
  int offset = 0;
  gboolean count_only = FALSE;
  InvolveStoreQuery query;
  guint total = 0;
  int exit_status;
  const GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_STRING, &status, N_("Only these statuses (comma-separated: draft, awaiting-sign-off, returned, signed-off, superseded, withdrawn)"), N_("STATUS") },
    { "framework", 0, 0, G_OPTION_ARG_STRING, &framework, N_("Only this legal framework (icb-14z45, ccg-14z2, nhse-13q)"), N_("ID") },
    { "organisation", 0, 0, G_OPTION_ARG_STRING, &organisation, N_("Only this organisation"), N_("NAME") },
    { "outcome", 0, 0, G_OPTION_ARG_STRING, &outcome, N_("Only this outcome (applies, does-not-apply, unknown)"), N_("OUTCOME") },
    { "search", 's', 0, G_OPTION_ARG_STRING, &search, N_("Full-text search"), N_("WORDS") },
    { "sort", 0, 0, G_OPTION_ARG_STRING, &sort, N_("reference (default), modified, title; prefix with - for descending"), N_("KEY") },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("At most this many records"), N_("N") },
    { "offset", 0, 0, G_OPTION_ARG_INT, &offset, N_("Skip this many records"), N_("N") },
    { "count", 'c', 0, G_OPTION_ARG_NONE, &count_only, N_("Print only the number of matching records"), NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Lists the register, one record a line: reference, status, outcome, title (tab-separated)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  exit_status = involve_cli_parse_options ("list", context, &argc, &argv);
  if (exit_status != INVOLVE_CLI_CONTINUE)
    return exit_status;
  if (argc > 1)
    return involve_cli_usage_error ("list", _("Unexpected argument “%s”."), argv[1]);
  if (limit < 0 || offset < 0)
    return involve_cli_usage_error ("list", _("--limit and --offset take a number of records, not less than zero."));

  involve_store_query_init (&query);
  if (status != NULL && !parse_status_list (status, &query.status_mask))
    return involve_cli_usage_error ("list", _("Unknown status in “%s”."), status);
  query.framework_id = framework;
  query.organisation = organisation;
  query.outcome = outcome;
  query.text = search;
  query.limit = (guint) limit;
  query.offset = (guint) offset;
  if (sort != NULL)
    {
      const char *key = sort;

      if (key[0] == '-')
        {
          query.descending = TRUE;
          key++;
        }
      if (g_str_equal (key, "reference"))
        query.sort = INVOLVE_STORE_SORT_REFERENCE;
      else if (g_str_equal (key, "modified"))
        query.sort = INVOLVE_STORE_SORT_MODIFIED;
      else if (g_str_equal (key, "title"))
        query.sort = INVOLVE_STORE_SORT_TITLE;
      else
        return involve_cli_usage_error ("list", _("Unknown sort key “%s”."), sort);
    }

  store = involve_cli_open_store (database_path);
  if (store == NULL)
    return 1;

  if (count_only)
    {
      if (!involve_store_count (store, &query, &total, &error))
        return involve_cli_fail (NULL, error);
      printf ("%u\n", total);
      return 0;
    }

  records = involve_store_list (store, &query, NULL, &error);
  if (records == NULL)
    return involve_cli_fail (NULL, error);
  for (guint i = 0; i < records->len; i++)
    {
      InvolveRecordSummary *summary = records->pdata[i];
      g_autofree char *title = one_line (summary->title);

      printf ("%s\t%s\t%s\t%s\n", summary->reference, involve_status_to_string (summary->status),
              summary->outcome != NULL ? summary->outcome : "unknown", title);
    }
  return 0;
}

static void
print_sign_off (const InvolveSignOff *sign_off)
{
  g_autofree char *when = format_time (sign_off->decided_at_usec);

  printf ("  %-22s %s\n", _("Decision:"), sign_off->decision ? sign_off->decision : "");
  printf ("  %-22s %s\n", _("Reviewer:"), sign_off->reviewer_name ? sign_off->reviewer_name : "");
  if (sign_off->reviewer_job_title != NULL)
    printf ("  %-22s %s\n", _("Job title:"), sign_off->reviewer_job_title);
  if (sign_off->reviewer_email != NULL)
    printf ("  %-22s %s\n", _("E-mail:"), sign_off->reviewer_email);
  if (sign_off->reviewer_team != NULL)
    printf ("  %-22s %s\n", _("Team:"), sign_off->reviewer_team);
  printf ("  %-22s %s\n", _("Date:"), sign_off->date ? sign_off->date : "");
  printf ("  %-22s %s\n", _("Recorded at:"), when);
  if (sign_off->comments != NULL)
    printf ("  %-22s %s\n", _("Comments:"), sign_off->comments);
  if (sign_off->fingerprint != NULL)
    printf ("  %-22s %s\n", _("Fingerprint signed:"), sign_off->fingerprint);
}

/* An option id as its label, when the field has options. */
static const char *
option_label (const InvolveField *field,
              const char         *id)
{
  if (field != NULL && field->options != NULL)
    {
      for (guint i = 0; i < field->options->len; i++)
        {
          const InvolveOption *option = g_ptr_array_index (field->options, i);

          if (g_str_equal (option->id, id))
            return option->label;
        }
    }
  return id;
}

static char *
format_field_value (const InvolveField *field,
                    GVariant           *value)
{
  if (field != NULL && value != NULL && field->type == INVOLVE_FIELD_CHOICE &&
      g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_strdup (option_label (field, g_variant_get_string (value, NULL)));

  if (field != NULL && value != NULL && field->type == INVOLVE_FIELD_MULTI_CHOICE &&
      g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autofree const char **ids = g_variant_get_strv (value, NULL);
      GString *out = g_string_new (NULL);

      for (guint i = 0; ids[i] != NULL; i++)
        g_string_append_printf (out, "%s%s", i > 0 ? "; " : "", option_label (field, ids[i]));
      return g_string_free (out, FALSE);
    }
  return format_value (value);
}

static void
print_field (InvolveRecord      *record,
             const char         *field_id,
             const InvolveField *field)
{
  g_autofree char *text = format_field_value (field, involve_record_get_value (record, field_id));
  g_autofree char *when = format_time (involve_record_get_value_modified (record, field_id));

  if (field != NULL)
    printf ("  %s [%s, %s]\n    %s\n", field->label, field_id, when, text);
  else
    printf ("  %s [%s]\n    %s\n", field_id, when, text);
}

/* Every answer, in the order of the forms when the definitions load. */
static void
print_fields (InvolveRecord *record)
{
  g_autoptr(GHashTable) printed = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) field_ids = involve_record_dup_field_ids (record);
  InvolveDefinitions *defs = involve_definitions_get_default (NULL);
  gboolean others = FALSE;

  if (defs != NULL)
    {
      GPtrArray *forms = involve_definitions_get_forms (defs);

      for (guint f = 0; f < forms->len; f++)
        {
          InvolveForm *form = g_ptr_array_index (forms, f);
          GPtrArray *sections = involve_form_get_sections (form);

          for (guint s = 0; s < sections->len; s++)
            {
              const InvolveSection *section = g_ptr_array_index (sections, s);
              gboolean header = FALSE;

              for (guint i = 0; i < section->fields->len; i++)
                {
                  const InvolveField *field = g_ptr_array_index (section->fields, i);

                  if (!involve_record_has_value (record, field->id) ||
                      g_hash_table_contains (printed, field->id))
                    continue;
                  if (!header)
                    {
                      printf ("\n%s — %s\n", involve_form_get_title (form), section->title);
                      header = TRUE;
                    }
                  print_field (record, field->id, field);
                  g_hash_table_add (printed, field->id);
                }
            }
        }
    }

  for (guint i = 0; field_ids[i] != NULL; i++)
    {
      if (g_hash_table_contains (printed, field_ids[i]))
        continue;
      if (!others)
        {
          printf ("\n%s\n", defs != NULL ? _("Other fields:") : _("Fields:"));
          others = TRUE;
        }
      print_field (record, field_ids[i], NULL);
    }
}

int
involve_cli_show (const char *database_path,
                  int         argc,
                  char      **argv)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *created = NULL;
  g_autofree char *modified = NULL;
  guint64 version = 0;
  int status;

  status = involve_cli_check_arguments ("show", _("Usage: involve-cli show REFERENCE [VERSION]"), argc, argv, 2);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc < 2)
    return involve_cli_usage_error ("show", _("Give the record’s reference."));
  if (argc == 3 && !g_ascii_string_to_unsigned (argv[2], 10, 1, G_MAXUINT, &version, NULL))
    return involve_cli_usage_error ("show", _("“%s” is not a version number."), argv[2]);

  store = involve_cli_open_store (database_path);
  if (store == NULL)
    return 1;
  record = involve_store_load_by_reference (store, argv[1], (guint) version, &error);
  if (record == NULL)
    return involve_cli_fail (NULL, error);

  fingerprint = involve_fingerprint_compute (record);
  created = format_time (involve_record_get_created_usec (record));
  modified = format_time (involve_record_get_modified_usec (record));
  printf ("%-24s %s\n", _("Reference:"), involve_record_get_reference (record));
  printf ("%-24s %s\n", _("UUID:"), involve_record_get_uuid (record));
  printf ("%-24s %u\n", _("Version:"), involve_record_get_version (record));
  printf ("%-24s %s\n", _("Status:"), involve_status_get_label (involve_record_get_status (record)));
  if (involve_record_get_status_reason (record) != NULL)
    printf ("%-24s %s\n", _("Reason:"), involve_record_get_status_reason (record));
  printf ("%-24s %s\n", _("Framework:"), involve_record_get_framework_id (record));
  {
    InvolveDefinitions *defs = involve_definitions_get_default (NULL);
    g_autoptr(InvolveAssessment) assessment = NULL;
    g_autoptr(GError) assess_error = NULL;

    if (defs != NULL)
      assessment = involve_assess_record (record, defs, &assess_error);
    if (assessment != NULL)
      {
        g_autofree char *citations = involve_assessment_dup_citations_string (assessment);

        printf ("%-24s %s%s%s%s\n", _("Outcome:"), involve_assessment_get_outcome_string (assessment),
                citations ? " (" : "", citations ? citations : "", citations ? ")" : "");
      }
    else if (assess_error != NULL)
      printf ("%-24s %s\n", _("Outcome:"), assess_error->message);
  }
  printf ("%-24s %s\n", _("Created:"), created);
  printf ("%-24s %s\n", _("Last change:"), modified);
  printf ("%-24s %s\n", _("Fingerprint:"), fingerprint);

  print_fields (record);

  versions = involve_store_list_versions (store, involve_record_get_uuid (record), &error);
  if (versions == NULL)
    return involve_cli_fail (NULL, error);
  printf ("\n%s\n", _("Versions:"));
  for (guint i = 0; i < versions->len; i++)
    {
      InvolveVersionInfo *info = versions->pdata[i];
      g_autofree char *when = format_time (info->created_usec);

      printf ("  %u\t%s\t%s\t%s%s%s\n", info->version, involve_status_to_string (info->status), when,
              info->fingerprint ? info->fingerprint : "-",
              info->status_reason ? "\t" : "", info->status_reason ? info->status_reason : "");
    }

  if (involve_record_get_sign_off (record) != NULL)
    {
      printf ("\n%s\n", _("Sign-off:"));
      print_sign_off (involve_record_get_sign_off (record));
    }
  return 0;
}

int
involve_cli_verify (const char *database_path,
                    int         argc,
                    char      **argv)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *head_hash = NULL;
  g_autofree char *broken_reference = NULL;
  g_auto(GStrv) against = NULL;
  gint64 broken_imported = 0;
  gint64 broken = 0;
  gint64 head = 0;
  int status;
  const GOptionEntry entries[] = {
    { "against", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &against,
      N_("Also prove that the register still holds the audit trail as it stood when FILE (an evidence PDF, exchange file, sign-off file or backup) was written; may be given more than once"),
      N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— check the audit chain, the register against it, and earlier files"));

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = involve_cli_parse_options ("verify", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc > 1)
    return involve_cli_usage_error ("verify", _("Unexpected argument “%s”."), argv[1]);

  store = involve_cli_open_store (database_path);
  if (store == NULL)
    return 1;

  if (!involve_store_verify_full (store, &broken, &broken_reference, &broken_imported, &error))
    {
      printf ("%s\n", _("FAILED: the register has been tampered with or damaged."));
      printf ("%s\n", error->message);
      if (broken > 0)
        printf (_("first broken entry: %" PRId64 "\n"), broken);
      /* Entries kept from another register, by that register's numbers. */
      if (broken_reference != NULL && broken_imported > 0)
        printf (_("first broken imported entry: %s imported-%" PRId64 "\n"), broken_reference, broken_imported);
      else if (broken_reference != NULL)
        printf (_("broken imported trail: %s\n"), broken_reference);
      return 1;
    }

  for (guint i = 0; against != NULL && against[i] != NULL; i++)
    {
      g_autofree char *report = NULL;

      if (!involve_export_check_against (store, against[i], &report, &error))
        {
          printf ("%s\n", _("FAILED: the register does not hold the audit trail an earlier file vouches for."));
          printf ("%s\n", error->message);
          return 1;
        }
      printf ("%s\n", report);
    }

  /* The head verified is one the register must never fall behind. */
  if (!involve_store_save_own_head (store, &error))
    {
      fprintf (stderr, _("Warning: could not record the register’s head: %s\n"), error->message);
      g_clear_error (&error);
    }

  if (involve_store_get_audit_head (store, &head, &head_hash, NULL))
    printf (_("OK: %" PRId64 " audit entries, chain intact, signed-off versions match their fingerprints.\nlast entry hash: %s\n"),
            head, head_hash);
  else
    printf ("%s\n", _("OK: the audit log is empty."));
  return 0;
}

int
involve_cli_backup (const char *database_path,
                    int         argc,
                    char      **argv)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *details = NULL;
  int status;

  status = involve_cli_check_arguments ("backup", _("Usage: involve-cli backup DESTINATION"), argc, argv, 1);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc < 2)
    return involve_cli_usage_error ("backup", _("Give the file to write the copy to."));
  if (g_file_test (argv[1], G_FILE_TEST_EXISTS))
    {
      fprintf (stderr, _("“%s” exists already; choose a new file name.\n"), argv[1]);
      return 1;
    }

  store = involve_cli_open_store (database_path);
  if (store == NULL)
    return 1;
  /* The backup's register head is signed when a key is given. */
  if (!involve_cli_unlock_identity_if_asked (store, &error) ||
      !involve_store_backup (store, argv[1], &error))
    return involve_cli_fail (NULL, error);
  details = g_strdup_printf ("backup written to %s", argv[1]);
  if (!involve_store_log_event (store, INVOLVE_AUDIT_BACKUP, NULL, 0, details, &error))
    return involve_cli_fail (NULL, error);
  printf (_("Backup written to %s\n"), argv[1]);
  return 0;
}

/* One tab-separated line; @prefix goes before the entry's number. */
static void
print_audit_entry (const InvolveAuditEntry *entry,
                   const char              *prefix)
{
  g_autofree char *when = format_time (entry->time_usec);
  g_autofree char *details = one_line (entry->details);
  g_autofree char *old_value = one_line (entry->old_value);
  g_autofree char *new_value = one_line (entry->new_value);

  printf ("%s%" G_GINT64_FORMAT "\t%s\t%s%s%s\t%s\tv%u",
          prefix, entry->id, when, entry->account ? entry->account : "",
          entry->profile ? "/" : "", entry->profile ? entry->profile : "",
          entry->kind ? entry->kind : "", entry->version);
  if (entry->field_id != NULL)
    printf ("\t%s: %s -> %s", entry->field_id,
            entry->old_value ? old_value : "(empty)", entry->new_value ? new_value : "(empty)");
  if (entry->details != NULL)
    printf ("\t%s", details);
  printf ("\n");
}

int
involve_cli_history (const char *database_path,
                     int         argc,
                     char      **argv)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) trails = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  int status;

  status = involve_cli_check_arguments ("history", _("Usage: involve-cli history [REFERENCE]"), argc, argv, 1);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;

  store = involve_cli_open_store (database_path);
  if (store == NULL)
    return 1;
  if (argc == 2)
    {
      uuid = involve_store_lookup_reference (store, argv[1], &error);
      if (uuid == NULL)
        return involve_cli_fail (NULL, error);
    }

  entries = involve_store_list_audit (store, uuid, &error);
  if (entries == NULL)
    return involve_cli_fail (NULL, error);
  for (guint i = 0; i < entries->len; i++)
    print_audit_entry (entries->pdata[i], "");

  /* Then the trails kept from other registers, each under where it came
   * from, numbered as their own register numbered them. */
  trails = involve_store_list_imported_trails (store, uuid, &error);
  if (trails == NULL)
    return involve_cli_fail (NULL, error);
  for (guint i = 0; i < trails->len; i++)
    {
      InvolveImportedTrail *trail = trails->pdata[i];
      g_autofree char *when = format_time (trail->imported_usec);

      printf (_("# Entries from the source register, imported from %s on %s (kept by entry %" PRId64 "):\n"),
              trail->source, when, trail->import_id);
      for (guint j = 0; j < trail->entries->len; j++)
        print_audit_entry (trail->entries->pdata[j], "imported-");
    }
  return 0;
}
