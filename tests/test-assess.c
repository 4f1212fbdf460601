/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "involve-assess.h"
#include "core-test-util.h"
#include "framework-fixtures.h"

/*
 * The three-step test against every worked example in seed 004 ("A process
 * for assessing…", steps 1 to 3, and "What if a decision needs to be taken
 * urgently?"), for each of the three commissioner frameworks.
 */

#define YES INVOLVE_ANSWER_YES
#define NO INVOLVE_ANSWER_NO
#define UNKNOWN INVOLVE_ANSWER_UNKNOWN
#define PLANNING INVOLVE_ACTIVITY_PLANNING
#define PROPOSAL INVOLVE_ACTIVITY_PROPOSAL
#define OPERATIONAL INVOLVE_ACTIVITY_OPERATIONAL

typedef struct
{
  const char         *name;
  InvolveAnswer       commissioning;
  InvolveActivity     activities;
  InvolveAnswer       impact_delivery;
  InvolveAnswer       impact_range;
  gboolean            urgent;
  InvolveOutcome      outcome;
  InvolveNotApplying  why;
  const char         *limbs;   /* limb ids, comma-separated; "" for none */
} WorkedExample;

static const WorkedExample worked_examples[] = {
  /* Step 1: a podiatry service the body commissions is moved: patients go elsewhere. */
  { "podiatry-relocation", YES, OPERATIONAL, YES, NO, FALSE,
    INVOLVE_OUTCOME_APPLIES, INVOLVE_NOT_APPLYING_NONE, "c" },
  /* Step 1: the body's own administrative office is moved: not commissioning. */
  { "administrative-office-relocation", NO, 0, UNKNOWN, UNKNOWN, FALSE,
    INVOLVE_OUTCOME_DOES_NOT_APPLY, INVOLVE_NOT_APPLYING_NOT_COMMISSIONING, "" },
  /* Step 2, planning: a policy for commissioning diabetes services; no impact asked. */
  { "diabetes-commissioning-policy", YES, PLANNING, UNKNOWN, UNKNOWN, FALSE,
    INVOLVE_OUTCOME_APPLIES, INVOLVE_NOT_APPLYING_NONE, "a" },
  /* Step 2, planning: a new urgent care service for rising demand. */
  { "urgent-care-service-planning", YES, PLANNING, UNKNOWN, UNKNOWN, FALSE,
    INVOLVE_OUTCOME_APPLIES, INVOLVE_NOT_APPLYING_NONE, "a" },
  /* Step 2, proposals: developing and considering options to reconfigure A&E. */
  { "ae-reconfiguration-options", YES, PROPOSAL, YES, YES, FALSE,
    INVOLVE_OUTCOME_APPLIES, INVOLVE_NOT_APPLYING_NONE, "b" },
  /* Step 2, operational: closing a fracture clinic for operational reasons. */
  { "fracture-clinic-closure", YES, OPERATIONAL, YES, UNKNOWN, FALSE,
    INVOLVE_OUTCOME_APPLIES, INVOLVE_NOT_APPLYING_NONE, "c" },
  /* Step 3, impact on the range: decommissioning a service of limited clinical benefit. */
  { "limited-benefit-decommissioning", YES, PROPOSAL, NO, YES, FALSE,
    INVOLVE_OUTCOME_APPLIES, INVOLVE_NOT_APPLYING_NONE, "b" },
  /* Step 3, impact: a GP practice closes; patients must find a new practice. */
  { "gp-practice-closure", YES, OPERATIONAL, YES, NO, FALSE,
    INVOLVE_OUTCOME_APPLIES, INVOLVE_NOT_APPLYING_NONE, "c" },
  /* Step 3, no impact: a GP retires; range and manner of delivery unchanged. */
  { "gp-retirement", YES, OPERATIONAL, NO, NO, FALSE,
    INVOLVE_OUTCOME_DOES_NOT_APPLY, INVOLVE_NOT_APPLYING_NO_IMPACT, "" },
  /* Step 3, no impact: a GP contract is ended and re-awarded, specification unchanged. */
  { "gp-contract-reaward-unchanged", YES, OPERATIONAL, NO, NO, FALSE,
    INVOLVE_OUTCOME_DOES_NOT_APPLY, INVOLVE_NOT_APPLYING_NO_IMPACT, "" },
  /* Urgency: a dental contract is terminated on patient-safety grounds; patients
   * must go elsewhere, so the duty is engaged, but only letters are possible. */
  { "dental-contract-patient-safety", YES, OPERATIONAL, YES, NO, TRUE,
    INVOLVE_OUTCOME_APPLIES, INVOLVE_NOT_APPLYING_NONE, "c" },
};

static const char * const framework_ids[] = { "icb-14z45", "ccg-14z2", "nhse-13q" };
static InvolveFramework *frameworks[G_N_ELEMENTS (framework_ids)];
static InvolveDefinitions *defs;

static const InvolveFramework *
get_framework (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (framework_ids); i++)
    {
      if (g_str_equal (framework_ids[i], id))
        return frameworks[i];
    }
  g_assert_not_reached ();
}

static char *
expected_citations (const InvolveFramework *framework,
                    const char             *limbs)
{
  g_auto(GStrv) ids = g_strsplit (limbs, ",", -1);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (*limbs == '\0')
    return NULL;
  for (guint i = 0; ids[i] != NULL; i++)
    g_ptr_array_add (parts, g_strdup_printf ("section %s(2)(%s)", framework->section, ids[i]));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (", ", (char **) parts->pdata);
}

static gboolean
reasons_mention (const InvolveAssessment *assessment,
                 const char              *needle)
{
  for (guint i = 0; assessment->reasons[i] != NULL; i++)
    {
      if (strstr (assessment->reasons[i], needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  const WorkedExample    *example;
  const InvolveFramework *framework;
} ExampleCase;

static void
test_worked_example (gconstpointer data)
{
  const ExampleCase *test_case = data;
  const WorkedExample *example = test_case->example;
  const InvolveFramework *framework = test_case->framework;
  InvolveAssessInput input = { 0 };
  g_autoptr(InvolveAssessment) assessment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *citations = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *section = NULL;
  g_autofree char *joined = NULL;

  input.framework = framework;
  input.commissioning = example->commissioning;
  input.activities = example->activities;
  input.impact_delivery = example->impact_delivery;
  input.impact_range = example->impact_range;
  input.urgent = example->urgent;

  assessment = involve_assess (&input, &error);
  g_assert_no_error (error);
  g_assert_nonnull (assessment);

  g_assert_cmpint (assessment->outcome, ==, example->outcome);
  g_assert_cmpint (assessment->not_applying, ==, example->why);
  g_assert_cmpstr (involve_assessment_get_outcome_string (assessment), ==,
                   example->outcome == INVOLVE_OUTCOME_APPLIES ? "applies" : "does-not-apply");
  g_assert_cmpstr (assessment->framework_id, ==, framework->id);

  joined = g_strjoinv (",", assessment->limb_ids);
  g_assert_cmpstr (joined, ==, example->limbs);
  citations = involve_assessment_dup_citations_string (assessment);
  expected = expected_citations (framework, example->limbs);
  g_assert_cmpstr (citations, ==, expected);

  /* The reasons cite the pinned framework's section. */
  section = g_strdup_printf ("section %s", framework->section);
  g_assert_true (reasons_mention (assessment, section));
  if (expected != NULL)
    g_assert_true (reasons_mention (assessment, assessment->citations[0]));

  /* Beneficial involvement is judged exactly when the duty does not apply. */
  g_assert_cmpint (assessment->beneficial_involvement_needed, ==,
                   example->outcome == INVOLVE_OUTCOME_DOES_NOT_APPLY);
  g_assert_cmpint (involve_assessment_find_note (assessment, INVOLVE_ASSESS_NOTE_BENEFICIAL_INVOLVEMENT) != NULL, ==,
                   example->outcome == INVOLVE_OUTCOME_DOES_NOT_APPLY);

  /* Urgency never switches the duty off; it asks for a justification. */
  g_assert_cmpint (assessment->urgency_justification_needed, ==, example->urgent);
  if (example->urgent)
    {
      const InvolveAssessNote *note = involve_assessment_find_note (assessment, INVOLVE_ASSESS_NOTE_URGENCY);

      g_assert_nonnull (note);
      g_assert_nonnull (strstr (note->text, "still applies"));
      g_assert_nonnull (strstr (note->text, "genuine risk"));
      g_assert_nonnull (strstr (note->text, "own delay does not count"));
    }
  else
    {
      g_assert_null (involve_assessment_find_note (assessment, INVOLVE_ASSESS_NOTE_URGENCY));
    }

  /* Without co-commissioning only this organisation's duty is in play. */
  g_assert_cmpint (assessment->form_completer, ==, INVOLVE_FORM_BY_THIS_ORGANISATION);
  g_assert_null (involve_assessment_find_note (assessment, INVOLVE_ASSESS_NOTE_CO_COMMISSIONING));
}

static InvolveAssessment *
assess_ok (InvolveAssessInput *input)
{
  g_autoptr(GError) error = NULL;
  InvolveAssessment *assessment = involve_assess (input, &error);

  g_assert_no_error (error);
  g_assert_nonnull (assessment);
  return assessment;
}

static void
test_several_activities (void)
{
  for (guint f = 0; f < G_N_ELEMENTS (framework_ids); f++)
    {
      InvolveAssessInput input = { 0 };
      g_autoptr(InvolveAssessment) both = NULL;
      g_autoptr(InvolveAssessment) planning_only = NULL;
      g_autoptr(InvolveAssessment) all = NULL;
      g_autofree char *citations = NULL;
      g_autofree char *expected = NULL;

      /* A plan that is also an operational decision with an impact: (a) and (c). */
      input.framework = frameworks[f];
      input.commissioning = YES;
      input.activities = PLANNING | OPERATIONAL;
      input.impact_delivery = YES;
      input.impact_range = NO;
      both = assess_ok (&input);
      g_assert_cmpint (both->outcome, ==, INVOLVE_OUTCOME_APPLIES);
      citations = involve_assessment_dup_citations_string (both);
      expected = expected_citations (frameworks[f], "a,c");
      g_assert_cmpstr (citations, ==, expected);
      g_assert_true (involve_assessment_has_limb (both, "a"));
      g_assert_false (involve_assessment_has_limb (both, "b"));
      g_assert_true (involve_assessment_has_limb (both, "c"));

      /* Without an impact, the planning limb still applies on its own. */
      input.activities = PLANNING | PROPOSAL | OPERATIONAL;
      input.impact_delivery = NO;
      input.impact_range = NO;
      planning_only = assess_ok (&input);
      g_assert_cmpint (planning_only->outcome, ==, INVOLVE_OUTCOME_APPLIES);
      g_assert_cmpuint (g_strv_length (planning_only->limb_ids), ==, 1);
      g_assert_cmpstr (planning_only->limb_ids[0], ==, "a");

      input.impact_range = YES;
      all = assess_ok (&input);
      g_assert_cmpuint (g_strv_length (all->limb_ids), ==, 3);
    }
}

static void
test_special_administrator (void)
{
  for (guint f = 0; f < G_N_ELEMENTS (framework_ids); f++)
    {
      InvolveAssessInput input = { 0 };
      g_autoptr(InvolveAssessment) excluded = NULL;
      g_autoptr(InvolveAssessment) not_commissioning = NULL;

      input.framework = frameworks[f];
      input.commissioning = YES;
      input.activities = PROPOSAL;
      input.impact_delivery = YES;
      input.special_administrator = TRUE;
      excluded = assess_ok (&input);
      g_assert_cmpint (excluded->outcome, ==, INVOLVE_OUTCOME_DOES_NOT_APPLY);
      g_assert_cmpint (excluded->not_applying, ==, INVOLVE_NOT_APPLYING_SPECIAL_ADMINISTRATOR);
      g_assert_cmpstr (involve_not_applying_to_string (excluded->not_applying), ==, "special-administrator");
      g_assert_cmpuint (g_strv_length (excluded->citations), ==, 0);
      g_assert_true (reasons_mention (excluded, frameworks[f]->special_administrator_citation));
      g_assert_true (excluded->beneficial_involvement_needed);

      /* Step 1 comes first: not commissioning is the reason, not the exclusion. */
      input.commissioning = NO;
      input.activities = 0;
      not_commissioning = assess_ok (&input);
      g_assert_cmpint (not_commissioning->not_applying, ==, INVOLVE_NOT_APPLYING_NOT_COMMISSIONING);
    }
}

static void
assert_assess_error (InvolveAssessInput *input,
                     int                 code,
                     const char         *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveAssessment) assessment = involve_assess (input, &error);

  g_assert_null (assessment);
  g_assert_error (error, INVOLVE_ASSESS_ERROR, code);
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, needle);
}

static void
test_incomplete (void)
{
  InvolveAssessInput input = { 0 };

  assert_assess_error (&input, INVOLVE_ASSESS_ERROR_INCOMPLETE, "legal framework");

  input.framework = get_framework ("icb-14z45");
  assert_assess_error (&input, INVOLVE_ASSESS_ERROR_INCOMPLETE, "Step 1");

  input.commissioning = YES;
  assert_assess_error (&input, INVOLVE_ASSESS_ERROR_INCOMPLETE, "Step 2");

  input.activities = PROPOSAL;
  assert_assess_error (&input, INVOLVE_ASSESS_ERROR_INCOMPLETE, "Step 3 is not answered");

  input.impact_delivery = NO;
  assert_assess_error (&input, INVOLVE_ASSESS_ERROR_INCOMPLETE, "range of services");

  input.impact_delivery = UNKNOWN;
  input.impact_range = NO;
  assert_assess_error (&input, INVOLVE_ASSESS_ERROR_INCOMPLETE, "manner in which services are delivered");

  /* Planning alongside still needs step 3 for the proposal. */
  input.activities = PLANNING | OPERATIONAL;
  assert_assess_error (&input, INVOLVE_ASSESS_ERROR_INCOMPLETE, "manner in which services are delivered");

  /* One "yes" settles step 3. */
  input.impact_range = YES;
  {
    g_autoptr(InvolveAssessment) assessment = assess_ok (&input);
    g_assert_cmpint (assessment->outcome, ==, INVOLVE_OUTCOME_APPLIES);
  }
}

static void
test_contradictory (void)
{
  InvolveAssessInput input = { 0 };

  input.framework = get_framework ("ccg-14z2");
  input.commissioning = NO;
  input.activities = OPERATIONAL;
  assert_assess_error (&input, INVOLVE_ASSESS_ERROR_CONTRADICTORY, "does not relate to commissioning");

  input.commissioning = YES;
  input.activities = 1 << 5;
  assert_assess_error (&input, INVOLVE_ASSESS_ERROR_INVALID, "type of activity");

  input.activities = PLANNING;
  input.co_commissioning = 17;
  assert_assess_error (&input, INVOLVE_ASSESS_ERROR_INVALID, "co-commissioning");
}

static void
test_co_commissioning (void)
{
  const InvolveFramework *nhse = get_framework ("nhse-13q");

  for (guint f = 0; f < G_N_ELEMENTS (framework_ids); f++)
    {
      gboolean is_nhse = frameworks[f] == nhse;

      for (guint m = INVOLVE_CO_COMMISSIONING_SEAT_AT_TABLE; m < INVOLVE_N_CO_COMMISSIONING; m++)
        {
          InvolveAssessInput input = { 0 };
          g_autoptr(InvolveAssessment) assessment = NULL;
          const InvolveAssessNote *note;

          input.framework = frameworks[f];
          input.nhs_england_framework = nhse;
          input.commissioning = YES;
          input.activities = OPERATIONAL;
          input.impact_delivery = YES;
          input.co_commissioning = m;
          assessment = assess_ok (&input);

          note = involve_assessment_find_note (assessment, INVOLVE_ASSESS_NOTE_CO_COMMISSIONING);
          g_assert_nonnull (note);

          switch (m)
            {
            case INVOLVE_CO_COMMISSIONING_SEAT_AT_TABLE:
              /* Only NHS England's 13Q duty; NHS England completes the form. */
              g_assert_true (assessment->nhs_england_duty_engaged);
              g_assert_false (assessment->local_duty_engaged);
              g_assert_cmpint (assessment->form_completer, ==, INVOLVE_FORM_BY_NHS_ENGLAND);
              g_assert_nonnull (strstr (note->text, "section 13Q"));
              if (is_nhse)
                {
                  g_assert_cmpint (assessment->outcome, ==, INVOLVE_OUTCOME_APPLIES);
                }
              else
                {
                  g_assert_cmpint (assessment->outcome, ==, INVOLVE_OUTCOME_DOES_NOT_APPLY);
                  g_assert_cmpint (assessment->not_applying, ==, INVOLVE_NOT_APPLYING_NOT_COMMISSIONING);
                }
              break;

            case INVOLVE_CO_COMMISSIONING_JOINT_COMMITTEE:
              g_assert_cmpint (assessment->outcome, ==, INVOLVE_OUTCOME_APPLIES);
              g_assert_true (assessment->nhs_england_duty_engaged);
              g_assert_true (assessment->local_duty_engaged);
              g_assert_cmpint (assessment->form_completer, ==, INVOLVE_FORM_BY_NHS_ENGLAND);
              g_assert_nonnull (strstr (note->text, "NHS England completes"));
              break;

            case INVOLVE_CO_COMMISSIONING_DELEGATED:
              g_assert_cmpint (assessment->outcome, ==, INVOLVE_OUTCOME_APPLIES);
              g_assert_true (assessment->nhs_england_duty_engaged);
              g_assert_true (assessment->local_duty_engaged);
              g_assert_cmpint (assessment->form_completer, ==, INVOLVE_FORM_BY_LOCAL_COMMISSIONER);
              g_assert_nonnull (strstr (note->text, "needs no form"));
              break;

            case INVOLVE_CO_COMMISSIONING_DEVOLVED:
              g_assert_true (assessment->liability_transferred);
              g_assert_cmpint (assessment->form_completer, ==, INVOLVE_FORM_BY_RECEIVING_BODY);
              g_assert_nonnull (strstr (note->text, "liability"));
              break;

            default:
              g_assert_not_reached ();
            }

          if (!is_nhse)
            {
              g_autofree char *local = g_strdup_printf ("section %s", frameworks[f]->section);

              if (m == INVOLVE_CO_COMMISSIONING_JOINT_COMMITTEE || m == INVOLVE_CO_COMMISSIONING_DELEGATED)
                g_assert_nonnull (strstr (note->text, local));
            }
        }
    }
}

static void
test_beneficial_involvement_circumstances (void)
{
  InvolveAssessInput input = { 0 };
  g_autoptr(InvolveAssessment) plain = NULL;
  g_autoptr(InvolveAssessment) weighty = NULL;
  g_autoptr(InvolveAssessment) promised = NULL;
  const InvolveAssessNote *note;

  input.framework = get_framework ("icb-14z45");
  input.commissioning = YES;
  input.activities = OPERATIONAL;
  input.impact_delivery = NO;
  input.impact_range = NO;
  plain = assess_ok (&input);
  note = involve_assessment_find_note (plain, INVOLVE_ASSESS_NOTE_BENEFICIAL_INVOLVEMENT);
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (note->text, "matters most"));

  input.significant_public_interest = TRUE;
  input.promise_to_consult = TRUE;
  input.precedent_to_consult = TRUE;
  input.scrutiny_substantial_variation = TRUE;
  input.notifiable_reconfiguration = TRUE;
  weighty = assess_ok (&input);
  note = involve_assessment_find_note (weighty, INVOLVE_ASSESS_NOTE_BENEFICIAL_INVOLVEMENT);
  g_assert_nonnull (strstr (note->text, "significant public interest"));
  g_assert_nonnull (strstr (note->text, "promise to consult"));
  g_assert_nonnull (strstr (note->text, "precedent"));
  g_assert_nonnull (involve_assessment_find_note (weighty, INVOLVE_ASSESS_NOTE_SCRUTINY));
  g_assert_nonnull (involve_assessment_find_note (weighty, INVOLVE_ASSESS_NOTE_NOTIFIABLE_RECONFIGURATION));
  g_assert_null (involve_assessment_find_note (weighty, INVOLVE_ASSESS_NOTE_PROMISE_TO_CONSULT));

  /* When the duty applies, a promise to consult gets its own warning. */
  input.impact_delivery = YES;
  promised = assess_ok (&input);
  g_assert_false (promised->beneficial_involvement_needed);
  g_assert_null (involve_assessment_find_note (promised, INVOLVE_ASSESS_NOTE_BENEFICIAL_INVOLVEMENT));
  g_assert_nonnull (involve_assessment_find_note (promised, INVOLVE_ASSESS_NOTE_PROMISE_TO_CONSULT));
}

static void
test_names (void)
{
  InvolveActivity activities = 0;
  InvolveCoCommissioning model = INVOLVE_CO_COMMISSIONING_NONE;
  InvolveOutcome outcome = INVOLVE_OUTCOME_APPLIES;
  g_autoptr(GError) error = NULL;

  g_assert_true (involve_activity_parse (" planning, operational ,", &activities, &error));
  g_assert_no_error (error);
  g_assert_cmpint (activities, ==, PLANNING | OPERATIONAL);
  g_assert_false (involve_activity_parse ("planning,consultation", &activities, &error));
  g_assert_error (error, INVOLVE_ASSESS_ERROR, INVOLVE_ASSESS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "consultation"));
  g_assert_cmpstr (involve_activity_to_string (PROPOSAL), ==, "proposal");

  for (guint m = 0; m < INVOLVE_N_CO_COMMISSIONING; m++)
    {
      g_assert_true (involve_co_commissioning_from_string (involve_co_commissioning_to_string (m), &model));
      g_assert_cmpint (model, ==, m);
    }
  g_assert_false (involve_co_commissioning_from_string ("merger", &model));

  g_assert_true (involve_outcome_from_string ("does-not-apply", &outcome));
  g_assert_cmpint (outcome, ==, INVOLVE_OUTCOME_DOES_NOT_APPLY);
  g_assert_false (involve_outcome_from_string ("maybe", &outcome));
}

/* Every combination of answers: either a clear error or an outcome that
 * keeps the test's invariants. */
static void
test_exhaustive_invariants (void)
{
  static const InvolveAnswer answers[] = { UNKNOWN, YES, NO };
  guint n_applies = 0, n_errors = 0;

  for (guint f = 0; f < G_N_ELEMENTS (framework_ids); f++)
    for (guint c = 0; c < 3; c++)
      for (guint a = 0; a <= INVOLVE_ACTIVITY_ALL; a++)
        for (guint d = 0; d < 3; d++)
          for (guint r = 0; r < 3; r++)
            for (guint flags = 0; flags < 4; flags++)
              for (guint m = 0; m < INVOLVE_N_CO_COMMISSIONING; m++)
                {
                  InvolveAssessInput input = { 0 };
                  g_autoptr(InvolveAssessment) assessment = NULL;
                  g_autoptr(GError) error = NULL;
                  gboolean impact, needs_impact, local_seat, applies;

                  input.framework = frameworks[f];
                  input.commissioning = answers[c];
                  input.activities = a;
                  input.impact_delivery = answers[d];
                  input.impact_range = answers[r];
                  input.urgent = (flags & 1) != 0;
                  input.special_administrator = (flags & 2) != 0;
                  input.co_commissioning = m;

                  assessment = involve_assess (&input, &error);
                  if (assessment == NULL)
                    {
                      n_errors++;
                      g_assert_true (error->domain == INVOLVE_ASSESS_ERROR);
                      g_assert_true (error->code == INVOLVE_ASSESS_ERROR_INCOMPLETE ||
                                     error->code == INVOLVE_ASSESS_ERROR_CONTRADICTORY);
                      g_assert_cmpuint (strlen (error->message), >, 20);
                      continue;
                    }
                  g_assert_no_error (error);

                  /* Errors exactly when an answer the test needs is missing. */
                  impact = input.impact_delivery == YES || input.impact_range == YES;
                  needs_impact = (a & (PROPOSAL | OPERATIONAL)) != 0;
                  g_assert_cmpint (input.commissioning, !=, UNKNOWN);
                  if (input.commissioning == YES)
                    {
                      g_assert_cmpuint (a, !=, 0);
                      if (needs_impact && !impact)
                        g_assert_true (input.impact_delivery == NO && input.impact_range == NO);
                    }
                  else
                    g_assert_cmpuint (a, ==, 0);

                  local_seat = m == INVOLVE_CO_COMMISSIONING_SEAT_AT_TABLE &&
                               !g_str_equal (frameworks[f]->organisation_type, "nhse");
                  applies = input.commissioning == YES && !input.special_administrator && !local_seat &&
                            ((a & PLANNING) != 0 || impact);

                  g_assert_cmpint (assessment->outcome == INVOLVE_OUTCOME_APPLIES, ==, applies);
                  g_assert_cmpint (assessment->not_applying == INVOLVE_NOT_APPLYING_NONE, ==, applies);
                  g_assert_cmpint (g_strv_length (assessment->citations) > 0, ==, applies);
                  g_assert_cmpuint (g_strv_length (assessment->citations), ==, g_strv_length (assessment->limb_ids));
                  if (applies)
                    {
                      n_applies++;
                      g_assert_cmpint (involve_assessment_has_limb (assessment, "a"), ==, (a & PLANNING) != 0);
                      g_assert_cmpint (involve_assessment_has_limb (assessment, "b"), ==, (a & PROPOSAL) != 0 && impact);
                      g_assert_cmpint (involve_assessment_has_limb (assessment, "c"), ==, (a & OPERATIONAL) != 0 && impact);
                    }
                  g_assert_cmpint (assessment->beneficial_involvement_needed, ==, !applies);
                  g_assert_cmpint (involve_assessment_find_note (assessment, INVOLVE_ASSESS_NOTE_BENEFICIAL_INVOLVEMENT) != NULL, ==, !applies);
                  g_assert_cmpint (involve_assessment_find_note (assessment, INVOLVE_ASSESS_NOTE_URGENCY) != NULL, ==, input.urgent);
                  g_assert_cmpint (involve_assessment_find_note (assessment, INVOLVE_ASSESS_NOTE_CO_COMMISSIONING) != NULL, ==,
                                   m != INVOLVE_CO_COMMISSIONING_NONE);
                  g_assert_nonnull (assessment->reasons[0]);
                  g_assert_true (g_str_has_prefix (assessment->reasons[0], "Step 1:"));
                }

  g_test_message ("%u combinations applied, %u were refused", n_applies, n_errors);
  g_assert_cmpuint (n_applies, >, 0);
  g_assert_cmpuint (n_errors, >, 0);
}

static InvolveAssessment *
assess_planning_on (const char *framework_id,
                    const char *date)
{
  InvolveAssessInput input = { 0 };

  input.framework = involve_definitions_lookup_framework (defs, framework_id);
  g_assert_nonnull (input.framework);
  input.commissioning = YES;
  input.activities = PLANNING;
  g_strlcpy (input.assessed_on, date, sizeof input.assessed_on);
  return assess_ok (&input);
}

static void
test_guidance_edition (void)
{
  g_autoptr(InvolveAssessment) nhse_2019 = assess_planning_on ("nhse-13q", "2019-05-01");
  g_autoptr(InvolveAssessment) nhse_2024 = assess_planning_on ("nhse-13q", "2024-05-01");
  g_autoptr(InvolveAssessment) nhse_today = assess_planning_on ("nhse-13q", "");
  g_autoptr(InvolveAssessment) ccg_2019 = assess_planning_on ("ccg-14z2", "2019-05-01");
  g_autoptr(InvolveAssessment) ccg_2023 = assess_planning_on ("ccg-14z2", "2023-01-10");
  g_autoptr(InvolveAssessment) icb_2020 = assess_planning_on ("icb-14z45", "2020-01-10");
  const InvolveAssessNote *note;
  InvolveAssessInput input = { 0 };

  /* NHS England had regard to the 2017 guidance until mid-2022, then 2022's. */
  g_assert_cmpstr (nhse_2019->guidance_edition, ==, "2017");
  g_assert_true (reasons_mention (nhse_2019, "(2017)"));
  g_assert_cmpstr (nhse_2024->guidance_edition, ==, "2022");
  g_assert_cmpstr (nhse_today->guidance_edition, ==, "2022");
  g_assert_null (involve_assessment_find_note (nhse_2019, INVOLVE_ASSESS_NOTE_NOT_IN_FORCE));

  /* A 2019 CCG record is a 14Z2 record under the 2017 guidance. */
  g_assert_cmpstr (ccg_2019->guidance_edition, ==, "2017");
  g_assert_null (involve_assessment_find_note (ccg_2019, INVOLVE_ASSESS_NOTE_NOT_IN_FORCE));

  /* CCGs were gone by 2023; ICBs did not exist in 2020. */
  note = involve_assessment_find_note (ccg_2023, INVOLVE_ASSESS_NOTE_NOT_IN_FORCE);
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (note->text, "2022-06-30"));
  note = involve_assessment_find_note (icb_2020, INVOLVE_ASSESS_NOTE_NOT_IN_FORCE);
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (note->text, "2022-07-01"));

  input.framework = get_framework ("icb-14z45");
  input.commissioning = YES;
  input.activities = PLANNING;
  g_strlcpy (input.assessed_on, "2024-13-01", sizeof input.assessed_on);
  assert_assess_error (&input, INVOLVE_ASSESS_ERROR_INVALID, "YYYY-MM-DD");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_free);
  int status;

  g_test_init (&argc, &argv, NULL);

  for (guint f = 0; f < G_N_ELEMENTS (framework_ids); f++)
    frameworks[f] = fixture_framework_new (framework_ids[f]);

  /* Hand-built frameworks, and the real ones from data/frameworks.xml. */
  defs = core_test_load_source_definitions ();

  for (guint source = 0; source < 2; source++)
    {
      for (guint f = 0; f < G_N_ELEMENTS (framework_ids); f++)
        {
          const InvolveFramework *framework = source == 0
            ? frameworks[f]
            : involve_definitions_lookup_framework (defs, framework_ids[f]);

          g_assert_nonnull (framework);
          for (guint e = 0; e < G_N_ELEMENTS (worked_examples); e++)
            {
              ExampleCase *test_case = g_new0 (ExampleCase, 1);
              g_autofree char *path = NULL;

              test_case->example = &worked_examples[e];
              test_case->framework = framework;
              g_ptr_array_add (cases, test_case);
              path = g_strdup_printf ("/assess/%s/worked-example/%s/%s",
                                      source == 0 ? "fixture" : "data",
                                      framework_ids[f], worked_examples[e].name);
              g_test_add_data_func (path, test_case, test_worked_example);
            }
        }
    }

  g_test_add_func ("/assess/several-activities", test_several_activities);
  g_test_add_func ("/assess/special-administrator", test_special_administrator);
  g_test_add_func ("/assess/error/incomplete", test_incomplete);
  g_test_add_func ("/assess/error/contradictory", test_contradictory);
  g_test_add_func ("/assess/co-commissioning", test_co_commissioning);
  g_test_add_func ("/assess/beneficial-involvement-circumstances", test_beneficial_involvement_circumstances);
  g_test_add_func ("/assess/names", test_names);
  g_test_add_func ("/assess/guidance-edition", test_guidance_edition);
  g_test_add_func ("/assess/exhaustive-invariants", test_exhaustive_invariants);

  status = g_test_run ();

  for (guint f = 0; f < G_N_ELEMENTS (framework_ids); f++)
    fixture_framework_free (frameworks[f]);
  g_clear_object (&defs);

  return status;
}
