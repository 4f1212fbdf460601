/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-assess"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "involve-assess-private.h"

/*
 * Reading the three-step test's answers out of a record.  Kept apart from
 * the pure engine in involve-assess.c, which needs no definitions.
 */

static gboolean
answer_is_yes (InvolveRecord *record,
               const char    *field_id)
{
  return involve_record_get_answer (record, field_id) == INVOLVE_ANSWER_YES;
}

gboolean
_involve_assess_input_from_record (InvolveRecord       *record,
                                   InvolveDefinitions  *defs,
                                   InvolveAssessInput  *input,
                                   const char         **field_id,
                                   GError             **error)
{
  const char *dummy;
  const char *framework_id;
  const char *model;
  GVariant *types;
  gint64 created;

  g_return_val_if_fail (INVOLVE_IS_RECORD (record), FALSE);
  g_return_val_if_fail (INVOLVE_IS_DEFINITIONS (defs), FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (field_id == NULL)
    field_id = &dummy;
  *field_id = NULL;
  *input = (InvolveAssessInput) { 0 };

  framework_id = involve_record_get_framework_id (record);
  if (framework_id != NULL && *framework_id != '\0')
    {
      input->framework = involve_definitions_lookup_framework (defs, framework_id);
      if (input->framework == NULL)
        {
          *field_id = "organisation-type";
          g_set_error (error, INVOLVE_ASSESS_ERROR, INVOLVE_ASSESS_ERROR_INVALID,
                       _("The record is pinned to the legal framework “%s”, which Involve does not know."),
                       framework_id);
          return FALSE;
        }
    }
  input->nhs_england_framework = involve_definitions_lookup_framework (defs, "nhse-13q");

  input->commissioning = involve_record_get_answer (record, "step1-commissioning");

  /* Step 2 is asked only when step 1 is "yes"; a leftover answer from
   * before step 1 changed is not part of the test. */
  types = involve_record_get_value (record, "step2-activity-types");
  if (input->commissioning == INVOLVE_ANSWER_YES && types != NULL)
    {
      g_autofree const char **ids = NULL;

      *field_id = "step2-activity-types";
      if (!g_variant_is_of_type (types, G_VARIANT_TYPE_STRING_ARRAY))
        {
          g_set_error_literal (error, INVOLVE_ASSESS_ERROR, INVOLVE_ASSESS_ERROR_INVALID,
                               _("Step 2’s answer is not a list of activity types."));
          return FALSE;
        }

      ids = g_variant_get_strv (types, NULL);
      for (guint i = 0; ids[i] != NULL; i++)
        {
          InvolveActivity one;

          if (!involve_activity_parse (ids[i], &one, error))
            return FALSE;
          input->activities |= one;
        }
      *field_id = NULL;
    }

  input->impact_delivery = involve_record_get_answer (record, "step3-impact-delivery");
  input->impact_range = involve_record_get_answer (record, "step3-impact-range");
  input->urgent = answer_is_yes (record, "urgent");
  input->special_administrator = answer_is_yes (record, "special-administrator");
  input->significant_public_interest = answer_is_yes (record, "significant-public-interest");
  input->promise_to_consult = answer_is_yes (record, "promise-to-consult");
  input->precedent_to_consult = answer_is_yes (record, "precedent-to-consult");
  input->scrutiny_substantial_variation = answer_is_yes (record, "scrutiny-substantial-variation");
  input->notifiable_reconfiguration = answer_is_yes (record, "notifiable-reconfiguration");

  model = involve_record_get_string (record, "co-commissioning-model");
  input->co_commissioning = INVOLVE_CO_COMMISSIONING_NONE;
  if (model != NULL && *model != '\0' &&
      !involve_co_commissioning_from_string (model, &input->co_commissioning))
    {
      *field_id = "co-commissioning-model";
      g_set_error (error, INVOLVE_ASSESS_ERROR, INVOLVE_ASSESS_ERROR_INVALID,
                   _("“%s” is not a co-commissioning model Involve knows."), model);
      return FALSE;
    }

  created = involve_record_get_created_usec (record);
  if (created > 0)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (created / G_USEC_PER_SEC);

      if (when != NULL)
        {
          g_autofree char *day = g_date_time_format (when, "%Y-%m-%d");

          g_strlcpy (input->assessed_on, day, sizeof input->assessed_on);
        }
    }

  return TRUE;
}

gboolean
involve_assess_input_from_record (InvolveRecord       *record,
                                  InvolveDefinitions  *defs,
                                  InvolveAssessInput  *input,
                                  GError             **error)
{
  return _involve_assess_input_from_record (record, defs, input, NULL, error);
}

InvolveAssessment *
involve_assess_record (InvolveRecord       *record,
                       InvolveDefinitions  *defs,
                       GError             **error)
{
  InvolveAssessInput input;

  if (!involve_assess_input_from_record (record, defs, &input, error))
    return NULL;
  return involve_assess (&input, error);
}
