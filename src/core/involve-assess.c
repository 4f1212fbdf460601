/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-assess"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "involve-assess-private.h"

G_DEFINE_QUARK (involve-assess-error-quark, involve_assess_error)

/* ------------------------------------------------------------------ */
/* Names                                                                */

static const struct
{
  InvolveActivity  activity;
  const char      *id;
  const char      *limb_id;
} activities[] = {
  { INVOLVE_ACTIVITY_PLANNING, "planning", "a" },
  { INVOLVE_ACTIVITY_PROPOSAL, "proposal", "b" },
  { INVOLVE_ACTIVITY_OPERATIONAL, "operational", "c" },
};

const char *
involve_activity_to_string (InvolveActivity activity)
{
  for (guint i = 0; i < G_N_ELEMENTS (activities); i++)
    {
      if (activities[i].activity == activity)
        return activities[i].id;
    }
  return NULL;
}

gboolean
involve_activity_parse (const char       *string,
                        InvolveActivity  *result,
                        GError          **error)
{
  g_auto(GStrv) parts = NULL;
  InvolveActivity found = INVOLVE_ACTIVITY_NONE;

  g_return_val_if_fail (string != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  parts = g_strsplit (string, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);
      gboolean known = FALSE;

      if (*part == '\0')
        continue;

      for (guint j = 0; j < G_N_ELEMENTS (activities); j++)
        {
          if (g_str_equal (part, activities[j].id))
            {
              found |= activities[j].activity;
              known = TRUE;
            }
        }

      if (!known)
        {
          g_set_error (error, INVOLVE_ASSESS_ERROR, INVOLVE_ASSESS_ERROR_INVALID,
                       _("“%s” is not a type of commissioning activity: use planning, proposal or operational."),
                       part);
          return FALSE;
        }
    }

  *result = found;
  return TRUE;
}

static const char * const co_commissioning_ids[INVOLVE_N_CO_COMMISSIONING] = {
  [INVOLVE_CO_COMMISSIONING_NONE] = "none",
  [INVOLVE_CO_COMMISSIONING_SEAT_AT_TABLE] = "seat-at-table",
  [INVOLVE_CO_COMMISSIONING_JOINT_COMMITTEE] = "joint-committee",
  [INVOLVE_CO_COMMISSIONING_DELEGATED] = "delegated",
  [INVOLVE_CO_COMMISSIONING_DEVOLVED] = "devolved",
};

const char *
involve_co_commissioning_to_string (InvolveCoCommissioning model)
{
  if ((guint) model >= INVOLVE_N_CO_COMMISSIONING)
    return NULL;
  return co_commissioning_ids[model];
}

gboolean
involve_co_commissioning_from_string (const char             *string,
                                      InvolveCoCommissioning *model)
{
  g_return_val_if_fail (model != NULL, FALSE);

  if (string == NULL)
    return FALSE;

  for (guint i = 0; i < INVOLVE_N_CO_COMMISSIONING; i++)
    {
      if (g_str_equal (string, co_commissioning_ids[i]))
        {
          *model = (InvolveCoCommissioning) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
involve_outcome_to_string (InvolveOutcome outcome)
{
  switch (outcome)
    {
    case INVOLVE_OUTCOME_APPLIES:
      return "applies";
    case INVOLVE_OUTCOME_DOES_NOT_APPLY:
      return "does-not-apply";
    default:
      return NULL;
    }
}

gboolean
involve_outcome_from_string (const char     *string,
                             InvolveOutcome *outcome)
{
  g_return_val_if_fail (outcome != NULL, FALSE);

  if (g_strcmp0 (string, "applies") == 0)
    *outcome = INVOLVE_OUTCOME_APPLIES;
  else if (g_strcmp0 (string, "does-not-apply") == 0)
    *outcome = INVOLVE_OUTCOME_DOES_NOT_APPLY;
  else
    return FALSE;
  return TRUE;
}

const char *
involve_not_applying_to_string (InvolveNotApplying kind)
{
  switch (kind)
    {
    case INVOLVE_NOT_APPLYING_NONE:
      return "";
    case INVOLVE_NOT_APPLYING_NOT_COMMISSIONING:
      return "not-commissioning";
    case INVOLVE_NOT_APPLYING_NO_IMPACT:
      return "no-impact";
    case INVOLVE_NOT_APPLYING_SPECIAL_ADMINISTRATOR:
      return "special-administrator";
    default:
      return NULL;
    }
}

/* ------------------------------------------------------------------ */
/* The assessment                                                       */

static void
note_free (InvolveAssessNote *note)
{
  g_free (note->text);
  g_free (note);
}

static void
assessment_clear (InvolveAssessment *self)
{
  g_free (self->framework_id);
  g_free (self->section);
  g_strfreev (self->limb_ids);
  g_strfreev (self->citations);
  g_strfreev (self->reasons);
  g_clear_pointer (&self->notes, g_ptr_array_unref);
  g_free (self->guidance_title);
  g_free (self->guidance_edition);
}

InvolveAssessment *
involve_assessment_ref (InvolveAssessment *assessment)
{
  g_return_val_if_fail (assessment != NULL, NULL);

  return g_atomic_rc_box_acquire (assessment);
}

void
involve_assessment_unref (InvolveAssessment *assessment)
{
  g_return_if_fail (assessment != NULL);

  g_atomic_rc_box_release_full (assessment, (GDestroyNotify) assessment_clear);
}

G_DEFINE_BOXED_TYPE (InvolveAssessment, involve_assessment,
                     involve_assessment_ref, involve_assessment_unref)

const char *
involve_assessment_get_outcome_string (const InvolveAssessment *assessment)
{
  g_return_val_if_fail (assessment != NULL, NULL);

  return involve_outcome_to_string (assessment->outcome);
}

char *
involve_assessment_dup_citations_string (const InvolveAssessment *assessment)
{
  g_return_val_if_fail (assessment != NULL, NULL);

  if (assessment->citations == NULL || assessment->citations[0] == NULL)
    return NULL;
  return g_strjoinv (", ", assessment->citations);
}

gboolean
involve_assessment_has_limb (const InvolveAssessment *assessment,
                             const char              *limb_id)
{
  g_return_val_if_fail (assessment != NULL, FALSE);
  g_return_val_if_fail (limb_id != NULL, FALSE);

  return g_strv_contains ((const char * const *) assessment->limb_ids, limb_id);
}

const InvolveAssessNote *
involve_assessment_find_note (const InvolveAssessment *assessment,
                              InvolveAssessNoteKind    kind)
{
  g_return_val_if_fail (assessment != NULL, NULL);

  for (guint i = 0; i < assessment->notes->len; i++)
    {
      const InvolveAssessNote *note = g_ptr_array_index (assessment->notes, i);

      if (note->kind == kind)
        return note;
    }
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                              */

static const InvolveLimb *
find_limb (const InvolveFramework *framework,
           const char             *limb_id)
{
  if (framework->limbs == NULL)
    return NULL;

  for (guint i = 0; i < framework->limbs->len; i++)
    {
      const InvolveLimb *limb = g_ptr_array_index (framework->limbs, i);

      if (g_strcmp0 (limb->id, limb_id) == 0)
        return limb;
    }
  return NULL;
}

static gboolean
framework_is_nhs_england (const InvolveFramework *framework)
{
  return g_strcmp0 (framework->organisation_type, "nhse") == 0;
}

static gboolean
framework_is_local (const InvolveFramework *framework)
{
  return g_strcmp0 (framework->organisation_type, "ccg") == 0 ||
         g_strcmp0 (framework->organisation_type, "icb") == 0;
}

/* "the integrated care board", as the subject of a sentence's clause. */
static const char *
organisation_noun (const InvolveFramework *framework)
{
  if (g_strcmp0 (framework->organisation_type, "icb") == 0)
    return _("the integrated care board");
  if (g_strcmp0 (framework->organisation_type, "ccg") == 0)
    return _("the clinical commissioning group");
  if (g_strcmp0 (framework->organisation_type, "nhse") == 0)
    return _("NHS England");
  return _("the organisation");
}

static const char *
act_name (const InvolveFramework *framework)
{
  return framework->act != NULL ? framework->act : _("National Health Service Act 2006");
}

static char *
section_citation (const InvolveFramework *framework)
{
  return g_strdup_printf (_("section %s"), framework->section != NULL ? framework->section : "?");
}

static char *
without_full_stop (const char *text)
{
  char *copy = g_strstrip (g_strdup (text));
  gsize len = strlen (copy);

  if (len > 0 && copy[len - 1] == '.')
    copy[len - 1] = '\0';
  return copy;
}

static const char *
activity_label (InvolveActivity activity)
{
  switch (activity)
    {
    case INVOLVE_ACTIVITY_PLANNING:
      return _("planning");
    case INVOLVE_ACTIVITY_PROPOSAL:
      return _("a proposal for change");
    case INVOLVE_ACTIVITY_OPERATIONAL:
      return _("an operational decision");
    case INVOLVE_ACTIVITY_NONE:
    default:
      return "";
    }
}

static gboolean
needs_impact (const InvolveFramework *framework,
              InvolveActivity         activity)
{
  for (guint i = 0; i < G_N_ELEMENTS (activities); i++)
    {
      if (activities[i].activity == activity)
        {
          const InvolveLimb *limb = find_limb (framework, activities[i].limb_id);

          return limb != NULL && limb->needs_impact;
        }
    }
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* Dates and guidance editions                                          */

gboolean
_involve_is_iso_date (const char *text)
{
  guint year, month, day;

  if (strnlen (text, 11) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    {
      if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
        return FALSE;
    }

  year = (guint) g_ascii_strtoull (text, NULL, 10);
  month = (guint) g_ascii_strtoull (text + 5, NULL, 10);
  day = (guint) g_ascii_strtoull (text + 8, NULL, 10);
  return year >= 1 && g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year);
}

/* ISO dates compare as strings; NULL bounds are open. */
static gboolean
date_within (const char *date,
             const char *from,
             const char *until)
{
  return (from == NULL || g_strcmp0 (from, date) <= 0) &&
         (until == NULL || g_strcmp0 (date, until) <= 0);
}

static void
pick_guidance (InvolveAssessment        *self,
               const InvolveAssessInput *input)
{
  const InvolveFramework *framework = input->framework;
  const InvolveGuidanceEdition *chosen = NULL;

  if (framework->guidance_editions != NULL && framework->guidance_editions->len > 0)
    {
      chosen = g_ptr_array_index (framework->guidance_editions, framework->guidance_editions->len - 1);
      if (input->assessed_on[0] != '\0')
        {
          for (guint i = 0; i < framework->guidance_editions->len; i++)
            {
              const InvolveGuidanceEdition *edition = g_ptr_array_index (framework->guidance_editions, i);

              if (date_within (input->assessed_on, edition->from, edition->until))
                {
                  chosen = edition;
                  break;
                }
            }
        }
    }

  if (chosen != NULL)
    {
      self->guidance_title = g_strdup (chosen->title);
      self->guidance_edition = g_strdup (chosen->edition);
    }
  else
    {
      self->guidance_title = g_strdup (framework->guidance_title);
      self->guidance_edition = g_strdup (framework->guidance_edition);
    }
}

/* ------------------------------------------------------------------ */
/* Checking the answers                                                 */

gboolean
involve_assess_input_check (const InvolveAssessInput  *input,
                             const char               **field_id,
                             GError                   **error)
{
  const InvolveFramework *framework = input->framework;
  gboolean impact_needed = FALSE;
  const char *dummy;

  if (field_id == NULL)
    field_id = &dummy;
  *field_id = NULL;

  if (framework == NULL)
    {
      *field_id = "organisation-type";
      g_set_error_literal (error, INVOLVE_ASSESS_ERROR, INVOLVE_ASSESS_ERROR_INCOMPLETE,
                           _("No legal framework is set: say which organisation’s duty, under which section of the Act, the activity is assessed against."));
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (activities); i++)
    {
      if (find_limb (framework, activities[i].limb_id) == NULL)
        {
          g_set_error (error, INVOLVE_ASSESS_ERROR, INVOLVE_ASSESS_ERROR_INVALID,
                       _("The legal framework “%s” has no limb (%s)."),
                       framework->id, activities[i].limb_id);
          return FALSE;
        }
    }

  if ((input->activities & ~INVOLVE_ACTIVITY_ALL) != 0)
    {
      *field_id = "step2-activity-types";
      g_set_error_literal (error, INVOLVE_ASSESS_ERROR, INVOLVE_ASSESS_ERROR_INVALID,
                           _("Step 2 names a type of activity that does not exist."));
      return FALSE;
    }

  if (input->assessed_on[0] != '\0' && !_involve_is_iso_date (input->assessed_on))
    {
      g_set_error (error, INVOLVE_ASSESS_ERROR, INVOLVE_ASSESS_ERROR_INVALID,
                   _("The date of the assessment must be written YYYY-MM-DD, not “%.10s”."),
                   input->assessed_on);
      return FALSE;
    }

  if ((guint) input->co_commissioning >= INVOLVE_N_CO_COMMISSIONING)
    {
      *field_id = "co-commissioning-model";
      g_set_error_literal (error, INVOLVE_ASSESS_ERROR, INVOLVE_ASSESS_ERROR_INVALID,
                           _("The co-commissioning model is not one Involve knows."));
      return FALSE;
    }

  switch (input->commissioning)
    {
    case INVOLVE_ANSWER_UNKNOWN:
      *field_id = "step1-commissioning";
      g_set_error_literal (error, INVOLVE_ASSESS_ERROR, INVOLVE_ASSESS_ERROR_INCOMPLETE,
                           _("Step 1 is not answered: does the activity relate to the organisation’s commissioning responsibilities (yes or no)?"));
      return FALSE;

    case INVOLVE_ANSWER_NO:
      if (input->activities != INVOLVE_ACTIVITY_NONE)
        {
          *field_id = "step2-activity-types";
          g_set_error_literal (error, INVOLVE_ASSESS_ERROR, INVOLVE_ASSESS_ERROR_CONTRADICTORY,
                               _("Step 1 says the activity does not relate to commissioning responsibilities, but step 2 gives it a type of commissioning activity. Answer step 1 “yes”, or leave the type of activity out."));
          return FALSE;
        }
      /* Nothing else is asked: the duty does not apply. */
      return TRUE;

    case INVOLVE_ANSWER_YES:
    default:
      break;
    }

  if (input->activities == INVOLVE_ACTIVITY_NONE)
    {
      *field_id = "step2-activity-types";
      g_set_error_literal (error, INVOLVE_ASSESS_ERROR, INVOLVE_ASSESS_ERROR_INCOMPLETE,
                           _("Step 2 is not answered: is the activity planning, a proposal for change, an operational decision, or more than one of these?"));
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (activities); i++)
    {
      if ((input->activities & activities[i].activity) != 0 &&
          needs_impact (framework, activities[i].activity))
        impact_needed = TRUE;
    }

  /* One "yes" is enough to settle step 3; a "no" needs the other answer. */
  if (impact_needed &&
      input->impact_delivery != INVOLVE_ANSWER_YES &&
      input->impact_range != INVOLVE_ANSWER_YES)
    {
      if (input->impact_delivery == INVOLVE_ANSWER_UNKNOWN &&
          input->impact_range == INVOLVE_ANSWER_UNKNOWN)
        {
          *field_id = "step3-impact-delivery";
          g_set_error_literal (error, INVOLVE_ASSESS_ERROR, INVOLVE_ASSESS_ERROR_INCOMPLETE,
                               _("Step 3 is not answered: for a proposal for change or an operational decision, say whether it would have an impact on the manner in which services are delivered and whether it would have an impact on the range of services available."));
          return FALSE;
        }
      if (input->impact_delivery == INVOLVE_ANSWER_UNKNOWN)
        {
          *field_id = "step3-impact-delivery";
          g_set_error_literal (error, INVOLVE_ASSESS_ERROR, INVOLVE_ASSESS_ERROR_INCOMPLETE,
                               _("Step 3 is incomplete: say whether the activity would have an impact on the manner in which services are delivered to people."));
          return FALSE;
        }
      if (input->impact_range == INVOLVE_ANSWER_UNKNOWN)
        {
          *field_id = "step3-impact-range";
          g_set_error_literal (error, INVOLVE_ASSESS_ERROR, INVOLVE_ASSESS_ERROR_INCOMPLETE,
                               _("Step 3 is incomplete: say whether the activity would have an impact on the range of services available to people."));
          return FALSE;
        }
    }

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Notes                                                                */

static void
add_note (InvolveAssessment     *self,
          InvolveAssessNoteKind  kind,
          char                  *text)
{
  InvolveAssessNote *note = g_new0 (InvolveAssessNote, 1);

  note->kind = kind;
  note->text = text;
  g_ptr_array_add (self->notes, note);
}

static char *
nhs_england_duty (const InvolveAssessInput *input)
{
  const InvolveFramework *nhse = NULL;

  if (framework_is_nhs_england (input->framework))
    nhse = input->framework;
  else if (input->nhs_england_framework != NULL)
    nhse = input->nhs_england_framework;

  if (nhse != NULL && nhse->section != NULL)
    return g_strdup_printf (_("NHS England’s duty under section %s"), nhse->section);
  return g_strdup (_("NHS England’s duty"));
}

static char *
local_duty (const InvolveAssessInput *input)
{
  const InvolveFramework *framework = input->framework;

  if (g_strcmp0 (framework->organisation_type, "icb") == 0 && framework->section != NULL)
    return g_strdup_printf (_("the ICB’s duty under section %s"), framework->section);
  if (g_strcmp0 (framework->organisation_type, "ccg") == 0 && framework->section != NULL)
    return g_strdup_printf (_("the CCG’s duty under section %s"), framework->section);
  return g_strdup (_("the CCG’s or ICB’s duty"));
}

static void
add_co_commissioning (InvolveAssessment        *self,
                      const InvolveAssessInput *input,
                      gboolean                  test_applies)
{
  g_autofree char *nhse = nhs_england_duty (input);
  g_autofree char *local = local_duty (input);
  gboolean is_nhse = framework_is_nhs_england (input->framework);

  switch (input->co_commissioning)
    {
    case INVOLVE_CO_COMMISSIONING_NONE:
    default:
      self->form_completer = INVOLVE_FORM_BY_THIS_ORGANISATION;
      self->nhs_england_duty_engaged = test_applies && is_nhse;
      self->local_duty_engaged = test_applies && !is_nhse;
      return;

    case INVOLVE_CO_COMMISSIONING_SEAT_AT_TABLE:
      self->form_completer = INVOLVE_FORM_BY_NHS_ENGLAND;
      self->nhs_england_duty_engaged = test_applies;
      self->local_duty_engaged = FALSE;
      add_note (self, INVOLVE_ASSESS_NOTE_CO_COMMISSIONING,
                g_strdup_printf (_("Co-commissioning model 1, “seat at the table”: NHS England keeps accountability and day-to-day responsibility for commissioning and for involving the public. Only %s is engaged, and NHS England completes the assessment and planning form; %s is not engaged."),
                                 nhse, local));
      return;

    case INVOLVE_CO_COMMISSIONING_JOINT_COMMITTEE:
      self->form_completer = INVOLVE_FORM_BY_NHS_ENGLAND;
      self->nhs_england_duty_engaged = test_applies;
      self->local_duty_engaged = test_applies;
      add_note (self, INVOLVE_ASSESS_NOTE_CO_COMMISSIONING,
                g_strdup_printf (_("Co-commissioning model 2, joint committee: NHS England and the CCG or ICB decide together through a joint committee and share day-to-day responsibility, so both %s and %s are engaged. NHS England completes the assessment and planning form. Record who holds day-to-day responsibility for involvement (the joint committee’s terms of reference should say)."),
                                 nhse, local));
      return;

    case INVOLVE_CO_COMMISSIONING_DELEGATED:
      self->form_completer = INVOLVE_FORM_BY_LOCAL_COMMISSIONER;
      self->nhs_england_duty_engaged = test_applies;
      self->local_duty_engaged = test_applies;
      add_note (self, INVOLVE_ASSESS_NOTE_CO_COMMISSIONING,
                g_strdup_printf (_("Co-commissioning model 3, delegated commissioning: the CCG or ICB exercises NHS England’s commissioning function on its behalf and holds day-to-day responsibility. Both %s and %s are engaged, and NHS England remains liable, but it relies on the CCG or ICB to make the involvement arrangements: the CCG or ICB documents the assessment and plan, and NHS England needs no form of its own. NHS England should seek assurance that the arrangements are adequate."),
                                 nhse, local));
      return;

    case INVOLVE_CO_COMMISSIONING_DEVOLVED:
      self->form_completer = INVOLVE_FORM_BY_RECEIVING_BODY;
      self->nhs_england_duty_engaged = FALSE;
      self->local_duty_engaged = FALSE;
      self->liability_transferred = TRUE;
      add_note (self, INVOLVE_ASSESS_NOTE_CO_COMMISSIONING,
                g_strdup_printf (_("Co-commissioning model 4, full devolution: the function, and liability for involving the public in it, transfer to the body that receives it under the transfer order, which should say who makes the involvement arrangements. If %s has transferred this function away, the activity is no longer its commissioning responsibility: answer step 1 accordingly."),
                                 organisation_noun (input->framework)));
      return;
    }
}

static void
add_circumstance_notes (InvolveAssessment        *self,
                        const InvolveAssessInput *input)
{
  if (input->urgent)
    {
      self->urgency_justification_needed = TRUE;
      if (self->outcome == INVOLVE_OUTCOME_APPLIES)
        add_note (self, INVOLVE_ASSESS_NOTE_URGENCY,
                  g_strdup (_("Urgency does not switch the duty off: it still applies. Limited (or no) involvement can be justified only where the lack of time was genuinely caused by an urgent development, or where there is a genuine risk to the health, safety or welfare of patients or staff. Time lost through the organisation’s own delay does not count. Record the justification and the limited involvement that was carried out, for example writing to every patient affected.")));
      else
        add_note (self, INVOLVE_ASSESS_NOTE_URGENCY,
                  g_strdup (_("Urgency is claimed, although the duty does not apply to this activity. Record why it is urgent and any involvement that was carried out all the same.")));
    }

  if (self->outcome == INVOLVE_OUTCOME_DOES_NOT_APPLY)
    {
      GString *text = g_string_new (_("The duty does not apply, but judge whether some involvement of the public, or engagement with staff and stakeholders, would still be beneficial, and record the judgement with its reason."));

      self->beneficial_involvement_needed = TRUE;
      if (input->significant_public_interest || input->promise_to_consult || input->precedent_to_consult)
        {
          g_string_append_c (text, ' ');
          g_string_append (text, _("It weighs heavily here:"));
          if (input->significant_public_interest)
            {
              g_string_append_c (text, ' ');
              g_string_append (text, _("there is likely to be significant public interest."));
            }
          if (input->promise_to_consult)
            {
              g_string_append_c (text, ' ');
              g_string_append (text, _("A promise to consult has been made."));
            }
          if (input->precedent_to_consult)
            {
              g_string_append_c (text, ' ');
              g_string_append (text, _("A precedent of consulting on such matters has been set."));
            }
        }
      else
        {
          g_string_append_c (text, ' ');
          g_string_append (text, _("It matters most where significant public interest is likely, a promise to consult has been made or a precedent of consulting has been set."));
        }
      add_note (self, INVOLVE_ASSESS_NOTE_BENEFICIAL_INVOLVEMENT, g_string_free (text, FALSE));
    }

  if (input->promise_to_consult && self->outcome == INVOLVE_OUTCOME_APPLIES)
    add_note (self, INVOLVE_ASSESS_NOTE_PROMISE_TO_CONSULT,
              g_strdup (_("A promise to consult has been made: keep it, and consult on the specific proposal. Papers must not claim involvement that did not happen; a broken promise to consult can make the decision unlawful.")));

  if (input->assessed_on[0] != '\0' && input->framework->in_force_from != NULL &&
      !date_within (input->assessed_on, input->framework->in_force_from, input->framework->in_force_until))
    {
      const InvolveFramework *framework = input->framework;

      if (framework->in_force_until != NULL)
        add_note (self, INVOLVE_ASSESS_NOTE_NOT_IN_FORCE,
                  g_strdup_printf (_("Section %s was in force from %s to %s, not on %s, the date of this assessment. Check that the record is assessed under the right duty."),
                                   framework->section, framework->in_force_from,
                                   framework->in_force_until, input->assessed_on));
      else
        add_note (self, INVOLVE_ASSESS_NOTE_NOT_IN_FORCE,
                  g_strdup_printf (_("Section %s has been in force only since %s, after %s, the date of this assessment. Check that the record is assessed under the right duty."),
                                   framework->section, framework->in_force_from, input->assessed_on));
    }

  if (input->scrutiny_substantial_variation)
    add_note (self, INVOLVE_ASSESS_NOTE_SCRUTINY,
              g_strdup (_("The local authority’s overview and scrutiny function must be consulted on a substantial development or variation of the health service. That is a separate duty with a higher threshold: it usually runs alongside the duty to involve and does not replace it.")));

  if (input->notifiable_reconfiguration)
    add_note (self, INVOLVE_ASSESS_NOTE_NOTIFIABLE_RECONFIGURATION,
              g_strdup (_("Since 31 January 2024 ICBs and NHS England must notify the Secretary of State of a notifiable reconfiguration (Schedule 10A to the Act); the Secretary of State may call it in. Notification does not replace involving the public.")));
}

/* ------------------------------------------------------------------ */
/* The test                                                             */

static char *
impact_phrase (const InvolveAssessInput *input)
{
  if (input->impact_delivery == INVOLVE_ANSWER_YES && input->impact_range == INVOLVE_ANSWER_YES)
    return g_strdup (_("both the manner in which services are delivered to people and the range of services available to them"));
  if (input->impact_delivery == INVOLVE_ANSWER_YES)
    return g_strdup (_("the manner in which services are delivered to people, where they receive them"));
  return g_strdup (_("the range of services available to people"));
}

InvolveAssessment *
involve_assess (const InvolveAssessInput  *input,
                GError                   **error)
{
  const InvolveFramework *framework;
  g_autoptr(InvolveAssessment) self = NULL;
  g_autoptr(GPtrArray) reasons = NULL;
  g_autoptr(GPtrArray) limb_ids = NULL;
  g_autoptr(GPtrArray) citations = NULL;
  g_autofree char *section = NULL;
  gboolean impact;
  gboolean test_applies = FALSE;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!involve_assess_input_check (input, NULL, error))
    return NULL;

  framework = input->framework;
  section = section_citation (framework);

  self = g_atomic_rc_box_new0 (InvolveAssessment);
  self->framework_id = g_strdup (framework->id);
  self->section = g_strdup (framework->section);
  self->notes = g_ptr_array_new_with_free_func ((GDestroyNotify) note_free);
  self->form_completer = INVOLVE_FORM_BY_THIS_ORGANISATION;

  pick_guidance (self, input);

  reasons = g_ptr_array_new_with_free_func (g_free);
  limb_ids = g_ptr_array_new_with_free_func (g_free);
  citations = g_ptr_array_new_with_free_func (g_free);

  impact = input->impact_delivery == INVOLVE_ANSWER_YES || input->impact_range == INVOLVE_ANSWER_YES;

  if (input->commissioning == INVOLVE_ANSWER_NO)
    {
      self->outcome = INVOLVE_OUTCOME_DOES_NOT_APPLY;
      self->not_applying = INVOLVE_NOT_APPLYING_NOT_COMMISSIONING;
      g_ptr_array_add (reasons,
                       g_strdup_printf (_("Step 1: the activity does not relate to the commissioning responsibilities of %s, so the duty to involve under %s of the %s does not apply."),
                                        organisation_noun (framework), section, act_name (framework)));
    }
  else
    {
      g_ptr_array_add (reasons,
                       g_strdup_printf (_("Step 1: the activity relates to the commissioning responsibilities of %s, so the duty to involve under %s of the %s can apply."),
                                        organisation_noun (framework), section, act_name (framework)));

      for (guint i = 0; i < G_N_ELEMENTS (activities); i++)
        {
          const InvolveLimb *limb;

          if ((input->activities & activities[i].activity) == 0)
            continue;

          limb = find_limb (framework, activities[i].limb_id);
          if (!limb->needs_impact)
            {
              g_ptr_array_add (reasons,
                               g_strdup_printf (_("Step 2: the activity includes %s. People must be involved in the planning of the commissioning arrangements whatever the impact, so %s applies."),
                                                activity_label (activities[i].activity), limb->citation));
            }
          else if (impact)
            {
              g_autofree char *phrase = impact_phrase (input);

              g_ptr_array_add (reasons,
                               g_strdup_printf (_("Step 3: the activity includes %s, and implementing it would have an impact on %s, so %s applies."),
                                                activity_label (activities[i].activity), phrase, limb->citation));
            }
          else
            {
              g_ptr_array_add (reasons,
                               g_strdup_printf (_("Step 3: the activity includes %s, but implementing it would not change the manner in which services are delivered or the range of services available, judged from the patient’s side, so %s does not apply."),
                                                activity_label (activities[i].activity), limb->citation));
              continue;
            }

          g_ptr_array_add (limb_ids, g_strdup (limb->id));
          g_ptr_array_add (citations, g_strdup (limb->citation));
        }

      if (input->co_commissioning == INVOLVE_CO_COMMISSIONING_SEAT_AT_TABLE &&
          framework_is_local (framework))
        {
          g_autofree char *nhse = nhs_england_duty (input);

          self->outcome = INVOLVE_OUTCOME_DOES_NOT_APPLY;
          self->not_applying = INVOLVE_NOT_APPLYING_NOT_COMMISSIONING;
          test_applies = limb_ids->len > 0 && !input->special_administrator;
          g_ptr_array_add (reasons,
                           g_strdup_printf (_("Under a “seat at the table” arrangement NHS England keeps the commissioning function and the decision, so the activity is not a commissioning responsibility of %s and its duty under %s is not engaged. %s is engaged instead, when the test is met."),
                                            organisation_noun (framework), section, nhse));
        }
      else if (limb_ids->len == 0)
        {
          self->outcome = INVOLVE_OUTCOME_DOES_NOT_APPLY;
          self->not_applying = INVOLVE_NOT_APPLYING_NO_IMPACT;
          g_ptr_array_add (reasons,
                           g_strdup_printf (_("No limb of %s applies, so the duty to involve does not apply to this activity."),
                                            section));
        }
      else if (input->special_administrator)
        {
          g_autofree char *would = NULL;

          g_ptr_array_add (citations, NULL);
          would = g_strjoinv (", ", (char **) citations->pdata);
          g_ptr_array_remove_index (citations, citations->len - 1);

          self->outcome = INVOLVE_OUTCOME_DOES_NOT_APPLY;
          self->not_applying = INVOLVE_NOT_APPLYING_SPECIAL_ADMINISTRATOR;
          g_ptr_array_add (reasons,
                           g_strdup_printf (_("The activity concerns matters covered by a trust special administrator’s report or draft report. Until the Secretary of State has reached a decision on it, %s says the duty does not require involvement arrangements for those matters, so the duty does not apply, although %s would otherwise apply."),
                                            framework->special_administrator_citation != NULL ? framework->special_administrator_citation : section,
                                            would));
        }
      else
        {
          g_autofree char *list = NULL;

          g_ptr_array_add (citations, NULL);
          list = g_strjoinv (", ", (char **) citations->pdata);
          g_ptr_array_remove_index (citations, citations->len - 1);

          self->outcome = INVOLVE_OUTCOME_APPLIES;
          test_applies = TRUE;
          g_ptr_array_add (reasons,
                           g_strdup_printf (_("The duty to involve applies under %s."), list));
          if (framework->who_is_involved != NULL)
            {
              g_autofree char *who = without_full_stop (framework->who_is_involved);

              g_ptr_array_add (reasons,
                               g_strdup_printf (_("Who must be involved: %s."), who));
            }
          if (self->guidance_title != NULL)
            g_ptr_array_add (reasons,
                             g_strdup_printf (_("The statutory guidance to have regard to: %s (%s). Where the organisation departs from it, the reasons must be recorded."),
                                              self->guidance_title,
                                              self->guidance_edition != NULL ? self->guidance_edition : ""));
        }
    }

  /* Limbs are listed only when the duty applies. */
  if (self->outcome != INVOLVE_OUTCOME_APPLIES)
    {
      g_ptr_array_set_size (limb_ids, 0);
      g_ptr_array_set_size (citations, 0);
    }

  add_co_commissioning (self, input, test_applies);
  add_circumstance_notes (self, input);

  g_ptr_array_add (limb_ids, NULL);
  g_ptr_array_add (citations, NULL);
  g_ptr_array_add (reasons, NULL);
  self->limb_ids = (GStrv) g_ptr_array_steal (limb_ids, NULL);
  self->citations = (GStrv) g_ptr_array_steal (citations, NULL);
  self->reasons = (GStrv) g_ptr_array_steal (reasons, NULL);

  return g_steal_pointer (&self);
}
