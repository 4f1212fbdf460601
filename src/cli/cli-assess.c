/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "cli-commands.h"
#include "involve-assess.h"

/*
 * involve-cli assess: the three-step test from the command line.
 *
 *   line 1  outcome: applies | does-not-apply
 *   line 2  limbs: CITATION, CITATION | none
 *   then    the reasons, one a line, and the notes ("Note: …")
 *
 * The first two lines are fixed, untranslated keys for scripts.  Missing
 * or contradictory answers exit with status 2 and say what is missing.
 */

static gboolean
parse_answer (const char     *option,
              const char     *text,
              InvolveAnswer  *answer,
              GError        **error)
{
  if (text == NULL)
    {
      *answer = INVOLVE_ANSWER_UNKNOWN;
      return TRUE;
    }
  if (g_ascii_strcasecmp (text, "yes") == 0)
    *answer = INVOLVE_ANSWER_YES;
  else if (g_ascii_strcasecmp (text, "no") == 0)
    *answer = INVOLVE_ANSWER_NO;
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s takes “yes” or “no”, not “%s”."), option, text);
      return FALSE;
    }
  return TRUE;
}

/* The option that answers the field the engine complained about. */
static const char *
option_for_field (const char *field_id)
{
  if (g_strcmp0 (field_id, "organisation-type") == 0)
    return "--framework icb-14z45|ccg-14z2|nhse-13q";
  if (g_strcmp0 (field_id, "step1-commissioning") == 0)
    return "--commissioning yes|no";
  if (g_strcmp0 (field_id, "step2-activity-types") == 0)
    return "--activity planning,proposal,operational";
  if (g_strcmp0 (field_id, "step3-impact-delivery") == 0)
    return "--impact-delivery yes|no";
  if (g_strcmp0 (field_id, "step3-impact-range") == 0)
    return "--impact-range yes|no";
  if (g_strcmp0 (field_id, "co-commissioning-model") == 0)
    return "--co-commissioning none|seat-at-table|joint-committee|delegated|devolved";
  return NULL;
}

static char *
framework_ids (InvolveDefinitions *defs)
{
  GPtrArray *frameworks = involve_definitions_get_frameworks (defs);
  GString *ids = g_string_new (NULL);

  for (guint i = 0; i < frameworks->len; i++)
    {
      const InvolveFramework *framework = g_ptr_array_index (frameworks, i);

      if (i > 0)
        g_string_append (ids, ", ");
      g_string_append (ids, framework->id);
    }
  return g_string_free (ids, FALSE);
}

int
involve_cli_assess (const char  *database_path,
                    int          argc,
                    char       **argv)
{
  g_autofree char *framework_id = NULL;
  g_autofree char *commissioning = NULL;
  g_autofree char *activity = NULL;
  g_autofree char *impact_delivery = NULL;
  g_autofree char *impact_range = NULL;
  g_autofree char *co_commissioning = NULL;
  g_autofree char *date = NULL;
  gboolean urgent = FALSE;
  gboolean special_administrator = FALSE;
  gboolean public_interest = FALSE;
  gboolean promise = FALSE;
  gboolean precedent = FALSE;
  gboolean scrutiny = FALSE;
  gboolean notifiable = FALSE;
  const GOptionEntry entries[] = {
    { "framework", 0, 0, G_OPTION_ARG_STRING, &framework_id,
      N_("The duty the activity is assessed under"), "icb-14z45|ccg-14z2|nhse-13q" },
    { "commissioning", 0, 0, G_OPTION_ARG_STRING, &commissioning,
      N_("Step 1: does the activity relate to commissioning responsibilities?"), "yes|no" },
    { "activity", 0, 0, G_OPTION_ARG_STRING, &activity,
      N_("Step 2: the types of activity, comma-separated"), "planning,proposal,operational" },
    { "impact-delivery", 0, 0, G_OPTION_ARG_STRING, &impact_delivery,
      N_("Step 3: an impact on the manner in which services are delivered?"), "yes|no" },
    { "impact-range", 0, 0, G_OPTION_ARG_STRING, &impact_range,
      N_("Step 3: an impact on the range of services available?"), "yes|no" },
    { "urgent", 0, 0, G_OPTION_ARG_NONE, &urgent,
      N_("The decision has to be taken urgently"), NULL },
    { "special-administrator", 0, 0, G_OPTION_ARG_NONE, &special_administrator,
      N_("The matter is covered by a trust special administrator’s report"), NULL },
    { "co-commissioning", 0, 0, G_OPTION_ARG_STRING, &co_commissioning,
      N_("The co-commissioning model"), "none|seat-at-table|joint-committee|delegated|devolved" },
    { "significant-public-interest", 0, 0, G_OPTION_ARG_NONE, &public_interest,
      N_("Significant public interest is likely"), NULL },
    { "promise-to-consult", 0, 0, G_OPTION_ARG_NONE, &promise,
      N_("A promise to consult has been made"), NULL },
    { "precedent-to-consult", 0, 0, G_OPTION_ARG_NONE, &precedent,
      N_("A precedent of consulting has been set"), NULL },
    { "scrutiny", 0, 0, G_OPTION_ARG_NONE, &scrutiny,
      N_("A substantial development or variation for overview and scrutiny"), NULL },
    { "notifiable-reconfiguration", 0, 0, G_OPTION_ARG_NONE, &notifiable,
      N_("A notifiable reconfiguration (Schedule 10A)"), NULL },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date,
      N_("The date of the assessment, for the guidance edition in force then"), "YYYY-MM-DD" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveAssessment) assessment = NULL;
  g_autofree char *citations = NULL;
  InvolveDefinitions *defs;
  InvolveAssessInput input = { 0 };
  const char *field_id = NULL;
  int status;

  (void) database_path;

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Run the three-step test: does the duty to involve the public apply?"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  status = involve_cli_parse_options ("assess", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc > 1)
    return involve_cli_usage_error ("assess", _("Unexpected argument “%s”."), argv[1]);

  defs = involve_definitions_get_default (&error);
  if (defs == NULL)
    {
      fprintf (stderr, "involve-cli assess: %s\n", error->message);
      return 1;
    }

  if (framework_id == NULL)
    {
      g_autofree char *ids = framework_ids (defs);

      return involve_cli_usage_error ("assess", _("--framework is missing: say which duty the activity is assessed under (%s)."), ids);
    }
  input.framework = involve_definitions_lookup_framework (defs, framework_id);
  if (input.framework == NULL)
    {
      g_autofree char *ids = framework_ids (defs);

      return involve_cli_usage_error ("assess", _("Unknown framework “%s”: use one of %s."), framework_id, ids);
    }
  input.nhs_england_framework = involve_definitions_lookup_framework (defs, "nhse-13q");

  if (!parse_answer ("--commissioning", commissioning, &input.commissioning, &error) ||
      !parse_answer ("--impact-delivery", impact_delivery, &input.impact_delivery, &error) ||
      !parse_answer ("--impact-range", impact_range, &input.impact_range, &error) ||
      (activity != NULL && !involve_activity_parse (activity, &input.activities, &error)))
    return involve_cli_usage_error ("assess", "%s", error->message);

  if (co_commissioning != NULL &&
      !involve_co_commissioning_from_string (co_commissioning, &input.co_commissioning))
    return involve_cli_usage_error ("assess", _("Unknown co-commissioning model “%s”: use none, seat-at-table, joint-committee, delegated or devolved."),
                                    co_commissioning);

  input.urgent = urgent;
  input.special_administrator = special_administrator;
  input.significant_public_interest = public_interest;
  input.promise_to_consult = promise;
  input.precedent_to_consult = precedent;
  input.scrutiny_substantial_variation = scrutiny;
  input.notifiable_reconfiguration = notifiable;
  if (date != NULL)
    {
      if (strlen (date) >= sizeof input.assessed_on)
        return involve_cli_usage_error ("assess", _("--date takes a date written YYYY-MM-DD, not “%s”."), date);
      g_strlcpy (input.assessed_on, date, sizeof input.assessed_on);
    }

  if (!involve_assess_input_check (&input, &field_id, &error))
    {
      const char *option = option_for_field (field_id);

      if (option != NULL)
        return involve_cli_usage_error ("assess", _("%s (%s)"), error->message, option);
      return involve_cli_usage_error ("assess", "%s", error->message);
    }

  assessment = involve_assess (&input, &error);
  if (assessment == NULL)
    return involve_cli_usage_error ("assess", "%s", error->message);

  citations = involve_assessment_dup_citations_string (assessment);
  printf ("outcome: %s\n", involve_assessment_get_outcome_string (assessment));
  printf ("limbs: %s\n", citations != NULL ? citations : "none");
  for (guint i = 0; assessment->reasons[i] != NULL; i++)
    printf ("%s\n", assessment->reasons[i]);
  for (guint i = 0; i < assessment->notes->len; i++)
    {
      const InvolveAssessNote *note = g_ptr_array_index (assessment->notes, i);

      printf (_("Note: %s\n"), note->text);
    }

  return 0;
}
