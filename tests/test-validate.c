/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "core-test-util.h"
#include "involve-assess.h"
#include "involve-validate.h"

/*
 * Validation against the real form definitions (read from the source tree,
 * so a rule dropped from the form files fails here).
 */

static InvolveDefinitions *defs;

static void
set_yes_no (InvolveRecord *record,
            const char    *field_id,
            gboolean       yes)
{
  involve_record_set_answer (record, field_id, yes ? INVOLVE_ANSWER_YES : INVOLVE_ANSWER_NO);
}

static void
set_choices (InvolveRecord *record,
             const char    *field_id,
             const char    *first,
             ...)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  va_list args;

  va_start (args, first);
  for (const char *id = first; id != NULL; id = va_arg (args, const char *))
    g_ptr_array_add (ids, (gpointer) id);
  va_end (args);

  involve_record_set_value (record, field_id,
                            g_variant_new_strv ((const char * const *) ids->pdata, ids->len));
}

/* The podiatry relocation (seed 004, step 1), complete and ready to submit. */
static InvolveRecord *
complete_record (void)
{
  InvolveRecord *record = involve_record_new ("icb-14z45");

  involve_record_set_string (record, "title", "Relocation of the community podiatry service");
  involve_record_set_string (record, "organisation-name", "Example integrated care board");
  involve_record_set_string (record, "organisation-type", "icb");
  set_yes_no (record, "step1-commissioning", TRUE);
  involve_record_set_string (record, "step1-explanation", "We commission the service.");
  set_choices (record, "step2-activity-types", "operational", NULL);
  involve_record_set_string (record, "step2-explanation", "A decision about where the service runs.");
  set_yes_no (record, "step3-impact-delivery", TRUE);
  involve_record_set_string (record, "step3-impact-delivery-details", "Patients travel to a new site.");
  set_yes_no (record, "step3-impact-range", FALSE);
  involve_record_set_string (record, "step3-impact-range-details", "The same services are offered.");
  set_yes_no (record, "duty-applies-opinion", TRUE);
  involve_record_set_string (record, "duty-applies-reason", "The move changes how patients reach the service.");

  involve_record_set_string (record, "b1-location", "North district");
  involve_record_set_string (record, "b1-title-description", "Moving podiatry clinics to the health centre.");
  involve_record_set_string (record, "b3-existing-arrangements", "Patient reference group.");
  involve_record_set_string (record, "b3-insight-use", "Survey results inform the choice of site.");
  set_yes_no (record, "b4-additional-required", TRUE);
  involve_record_set_string (record, "b4-approach", "Drop-in sessions and a survey.");
  involve_record_set_string (record, "b4-fair-proportionate", "Six weeks, in accessible formats.");
  involve_record_set_string (record, "b5-influence", "Findings go to the decision meeting.");
  involve_record_set_string (record, "b5-feedback", "A you-said-we-did report.");
  involve_record_set_string (record, "b5-ongoing-impact", "Review after six months.");
  involve_record_set_string (record, "completer-name", "A. Officer");
  involve_record_set_string (record, "completer-job-title", "Engagement manager");
  involve_record_set_string (record, "completer-email", "officer@example.org");
  involve_record_set_string (record, "completer-team", "Communications");
  involve_record_set_string (record, "completer-date", "2026-03-31");
  involve_record_set_string (record, "c-target-audiences", "Patients of the service and their carers.");
  involve_record_set_string (record, "c-objectives", "Everyone affected knows of the move and can comment.");
  involve_record_set_string (record, "c-methods", "Drop-in sessions and a survey.");
  involve_record_set_string (record, "c-timescales", "Six weeks from the first of May.");
  involve_record_set_string (record, "c-feedback", "A you-said-we-did report.");
  return record;
}

static void
dump_problems (GPtrArray *problems)
{
  for (guint i = 0; i < problems->len; i++)
    {
      const InvolveProblem *problem = g_ptr_array_index (problems, i);

      g_test_message ("%s/%s/%s: %s", problem->form_id, problem->section_id,
                      problem->field_id, problem->message);
    }
}

static const InvolveProblem *
assert_problem (GPtrArray  *problems,
                const char *field_id,
                const char *needle)
{
  const InvolveProblem *problem = involve_problems_find_field (problems, field_id);

  if (problem == NULL)
    {
      dump_problems (problems);
      g_error ("no problem reported for “%s”", field_id);
    }
  if (needle != NULL && strstr (problem->message, needle) == NULL)
    g_error ("the problem for “%s” (“%s”) does not mention “%s”", field_id, problem->message, needle);
  return problem;
}

static void
assert_no_problem (GPtrArray  *problems,
                   const char *field_id)
{
  const InvolveProblem *problem = involve_problems_find_field (problems, field_id);

  if (problem != NULL)
    g_error ("unexpected problem for “%s”: %s", field_id, problem->message);
}

static void
test_complete_record (void)
{
  g_autoptr(InvolveRecord) record = complete_record ();
  g_autoptr(GPtrArray) problems = involve_validate_record (defs, record);

  dump_problems (problems);
  g_assert_cmpuint (problems->len, ==, 0);
}

static void
test_empty_record (void)
{
  g_autoptr(InvolveRecord) record = involve_record_new ("ccg-14z2");
  g_autoptr(GPtrArray) problems = involve_validate_record (defs, record);
  const InvolveProblem *problem;

  dump_problems (problems);

  problem = assert_problem (problems, "b3-existing-arrangements", NULL);
  g_assert_cmpstr (problem->form_id, ==, "appendix-b");
  g_assert_cmpstr (problem->section_id, ==, "b-step3");
  g_assert_cmpstr (problem->message, ==,
                   "Assessment and planning form, Step 3: Existing arrangements and insight — "
                   "“(a) What arrangements are already in place to involve the public that are relevant to this activity?” is required.");

  problem = assert_problem (problems, "step1-commissioning", "Step 1");
  g_assert_cmpstr (problem->form_id, ==, "three-step-test");
  g_assert_cmpstr (problem->section_id, ==, "test-step1");
  assert_problem (problems, "title", "is required");
  assert_problem (problems, "completer-date", "“Date” is required");

  /* Step 2 is not asked until step 1 is answered yes. */
  assert_no_problem (problems, "step2-activity-types");
  /* Nothing in Appendix C is required. */
  assert_no_problem (problems, "c-background");

  /* In form, section and field order: the three-step test first. */
  problem = g_ptr_array_index (problems, 0);
  g_assert_cmpstr (problem->form_id, ==, "three-step-test");
  g_assert_cmpstr (problem->field_id, ==, "title");
  problem = g_ptr_array_index (problems, problems->len - 1);
  g_assert_cmpstr (problem->form_id, ==, "appendix-b");
}

static void
test_beneficial_involvement_when_not_applying (void)
{
  g_autoptr(InvolveRecord) record = complete_record ();
  g_autoptr(GPtrArray) applies = NULL;
  g_autoptr(GPtrArray) no_impact = NULL;
  g_autoptr(GPtrArray) answered = NULL;

  applies = involve_validate_record (defs, record);
  assert_no_problem (applies, "beneficial-involvement");
  g_assert_false (involve_validate_field_shown (defs, record, "beneficial-involvement"));

  /* The GP retirement: no impact, so the duty does not apply. */
  set_yes_no (record, "step3-impact-delivery", FALSE);
  set_yes_no (record, "duty-applies-opinion", FALSE);
  no_impact = involve_validate_record (defs, record);
  assert_problem (no_impact, "beneficial-involvement", "duty to involve does not apply");
  assert_problem (no_impact, "beneficial-involvement-reason", "duty to involve does not apply");
  g_assert_true (involve_validate_field_shown (defs, record, "beneficial-involvement"));
  assert_no_problem (no_impact, "departure-reason");

  set_yes_no (record, "beneficial-involvement", TRUE);
  involve_record_set_string (record, "beneficial-involvement-reason", "Patients asked about it.");
  answered = involve_validate_record (defs, record);
  dump_problems (answered);
  g_assert_cmpuint (answered->len, ==, 0);
}

static void
test_beneficial_involvement_not_commissioning (void)
{
  g_autoptr(InvolveRecord) record = complete_record ();
  g_autoptr(GPtrArray) problems = NULL;

  /* The administrative office: not commissioning.  Step 2's old answers
   * are no longer asked and do not count, even an invalid one. */
  set_yes_no (record, "step1-commissioning", FALSE);
  set_choices (record, "step2-activity-types", "consultation", NULL);
  set_yes_no (record, "duty-applies-opinion", FALSE);
  problems = involve_validate_record (defs, record);
  assert_problem (problems, "beneficial-involvement", "does not apply");
  assert_no_problem (problems, "step2-activity-types");
  assert_no_problem (problems, "step2-explanation");
  g_assert_false (involve_validate_field_shown (defs, record, "step2-activity-types"));
}

static void
test_departure_reason (void)
{
  g_autoptr(InvolveRecord) record = complete_record ();
  g_autoptr(GPtrArray) departs = NULL;
  g_autoptr(GPtrArray) departs_other_way = NULL;
  g_autoptr(GPtrArray) explained = NULL;

  /* The test says the duty applies; the assessor thinks not. */
  set_yes_no (record, "duty-applies-opinion", FALSE);
  departs = involve_validate_record (defs, record);
  assert_problem (departs, "departure-reason", "departs from the three-step test, which finds that the duty to involve applies");

  involve_record_set_string (record, "departure-reason", "Legal advice says otherwise.");
  explained = involve_validate_record (defs, record);
  assert_no_problem (explained, "departure-reason");

  /* The other way round: no impact, yet the assessor thinks it applies. */
  involve_record_set_string (record, "departure-reason", NULL);
  set_yes_no (record, "duty-applies-opinion", TRUE);
  set_yes_no (record, "step3-impact-delivery", FALSE);
  departs_other_way = involve_validate_record (defs, record);
  assert_problem (departs_other_way, "departure-reason", "does not apply");
}

static void
test_urgency_justification (void)
{
  g_autoptr(InvolveRecord) record = complete_record ();
  g_autoptr(GPtrArray) not_urgent = NULL;
  g_autoptr(GPtrArray) urgent = NULL;
  g_autoptr(GPtrArray) justified = NULL;

  set_yes_no (record, "urgent", FALSE);
  not_urgent = involve_validate_record (defs, record);
  assert_no_problem (not_urgent, "urgency-justification");

  /* The dental contract terminated on patient-safety grounds. */
  set_yes_no (record, "urgent", TRUE);
  urgent = involve_validate_record (defs, record);
  assert_problem (urgent, "urgency-justification", "is required when the answer to “Does the decision have to be taken urgently?” is “Yes”");
  assert_problem (urgent, "urgency-limited-involvement", "“Yes”");

  involve_record_set_string (record, "urgency-justification", "A genuine risk to patients' safety.");
  involve_record_set_string (record, "urgency-limited-involvement", "A letter to every registered patient.");
  justified = involve_validate_record (defs, record);
  dump_problems (justified);
  g_assert_cmpuint (justified->len, ==, 0);
}

/* The empty plan that read "Complete" while the duty applied and Step 4
 * planned more involvement: its core is required when either holds, and
 * only then. */
static void
test_plan_required_when_involving (void)
{
  static const char * const core[] = {
    "c-target-audiences", "c-objectives", "c-methods", "c-timescales", "c-feedback",
  };
  struct { gboolean applies; gboolean more; gboolean required; } cases[] = {
    { TRUE, TRUE, TRUE }, { TRUE, FALSE, TRUE }, { FALSE, TRUE, TRUE }, { FALSE, FALSE, FALSE },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(InvolveRecord) record = complete_record ();
      g_autoptr(GPtrArray) problems = NULL;
      g_autoptr(InvolveAssessment) assessment = NULL;

      if (!cases[c].applies)
        {
          set_yes_no (record, "step3-impact-delivery", FALSE);
          set_yes_no (record, "duty-applies-opinion", FALSE);
          set_yes_no (record, "beneficial-involvement", FALSE);
          involve_record_set_string (record, "beneficial-involvement-reason", "Nothing changes for patients.");
        }
      set_yes_no (record, "b4-additional-required", cases[c].more);
      if (!cases[c].more)
        involve_record_set_string (record, "b4-no-additional-reason", "The patient panel already covers it.");
      assessment = involve_assess_record (record, defs, NULL);
      g_assert_cmpint (assessment->outcome, ==, cases[c].applies ? INVOLVE_OUTCOME_APPLIES : INVOLVE_OUTCOME_DOES_NOT_APPLY);

      for (guint i = 0; i < G_N_ELEMENTS (core); i++)
        involve_record_set_value (record, core[i], NULL);
      problems = involve_validate_record (defs, record);
      for (guint i = 0; i < G_N_ELEMENTS (core); i++)
        {
          if (cases[c].required)
            assert_problem (problems, core[i], "is required");
          else
            assert_no_problem (problems, core[i]);
        }
      if (!cases[c].required)
        {
          dump_problems (problems);
          g_assert_cmpuint (problems->len, ==, 0);
        }
    }
}

static void
test_appendix_b_steps_always_required (void)
{
  static const char * const steps_3_to_5[] = {
    "b3-existing-arrangements", "b3-insight-use", "b4-additional-required",
    "b4-fair-proportionate", "b5-influence", "b5-feedback", "b5-ongoing-impact",
  };

  for (guint applies = 0; applies < 2; applies++)
    {
      g_autoptr(InvolveRecord) record = complete_record ();
      g_autoptr(GPtrArray) problems = NULL;
      g_autoptr(InvolveAssessment) assessment = NULL;

      if (!applies)
        {
          set_yes_no (record, "step3-impact-delivery", FALSE);
          set_yes_no (record, "duty-applies-opinion", FALSE);
        }
      assessment = involve_assess_record (record, defs, NULL);
      g_assert_nonnull (assessment);
      g_assert_cmpint (assessment->outcome, ==, applies ? INVOLVE_OUTCOME_APPLIES : INVOLVE_OUTCOME_DOES_NOT_APPLY);

      for (guint i = 0; i < G_N_ELEMENTS (steps_3_to_5); i++)
        involve_record_set_value (record, steps_3_to_5[i], NULL);

      problems = involve_validate_record (defs, record);
      for (guint i = 0; i < G_N_ELEMENTS (steps_3_to_5); i++)
        assert_problem (problems, steps_3_to_5[i], "is required");
    }
}

static void
test_step_4_branches (void)
{
  g_autoptr(InvolveRecord) record = complete_record ();
  g_autoptr(GPtrArray) problems = NULL;

  /* No additional arrangements: the approach is not asked, the reason is. */
  set_yes_no (record, "b4-additional-required", FALSE);
  problems = involve_validate_record (defs, record);
  assert_no_problem (problems, "b4-approach");
  assert_problem (problems, "b4-no-additional-reason", "“No”");
}

static void
test_day_to_day_responsibility (void)
{
  g_autoptr(InvolveRecord) record = complete_record ();
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) delegated = NULL;

  involve_record_set_string (record, "co-commissioning-model", "none");
  none = involve_validate_record (defs, record);
  assert_no_problem (none, "day-to-day-responsibility");

  involve_record_set_string (record, "co-commissioning-model", "delegated");
  delegated = involve_validate_record (defs, record);
  assert_problem (delegated, "day-to-day-responsibility", "commissioned with another body");
}

static void
test_value_checks (void)
{
  g_autoptr(InvolveRecord) record = complete_record ();
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) impossible = NULL;

  involve_record_set_string (record, "completer-date", "31/03/2026");
  involve_record_set_string (record, "co-commissioning-model", "merger");
  set_choices (record, "b3-insight-sources", "no-such-source", NULL);
  involve_record_set_value (record, "c-risks", g_variant_new_parsed ("[['Low turnout', 'Evening sessions'], ['Only a risk']]"));
  involve_record_set_string (record, "b4-additional-required", "yes");
  problems = involve_validate_record (defs, record);
  dump_problems (problems);
  assert_problem (problems, "completer-date", "YYYY-MM-DD");
  assert_problem (problems, "co-commissioning-model", "“merger”");
  assert_problem (problems, "b3-insight-sources", "“no-such-source”");
  assert_problem (problems, "c-risks", "row 2 has 1 cell,");
  assert_problem (problems, "b4-additional-required", "wrong kind");

  involve_record_set_string (record, "completer-date", "2026-02-30");
  impossible = involve_validate_record (defs, record);
  assert_problem (impossible, "completer-date", "“2026-02-30”");
}

static void
test_organisation_matches_framework (void)
{
  g_autoptr(InvolveRecord) record = complete_record ();
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) unknown = NULL;

  involve_record_set_string (record, "organisation-type", "ccg");
  problems = involve_validate_record (defs, record);
  assert_problem (problems, "organisation-type", "section 14Z45");

  involve_record_set_string (record, "organisation-type", "icb");
  involve_record_set_framework_id (record, "pct-1999");
  unknown = involve_validate_record (defs, record);
  assert_problem (unknown, "organisation-type", "“pct-1999”");
}

static void
test_engine_problems (void)
{
  g_autoptr(InvolveRecord) record = complete_record ();
  g_autoptr(GPtrArray) problems = NULL;

  /* The engine's own check: step 2 ticked but nothing chosen. */
  involve_record_set_value (record, "step2-activity-types", g_variant_new_strv (NULL, 0));
  problems = involve_validate_record (defs, record);
  assert_problem (problems, "step2-activity-types", "is required");
  assert_no_problem (problems, "beneficial-involvement");
  assert_no_problem (problems, "departure-reason");
}

static void
test_record_assessment (void)
{
  g_autoptr(InvolveRecord) record = complete_record ();
  g_autoptr(InvolveAssessment) assessment = NULL;
  g_autoptr(GError) error = NULL;
  InvolveAssessInput input;

  set_choices (record, "step2-activity-types", "planning", "operational", NULL);
  set_yes_no (record, "urgent", TRUE);
  involve_record_set_string (record, "co-commissioning-model", "joint-committee");
  set_yes_no (record, "promise-to-consult", TRUE);

  g_assert_true (involve_assess_input_from_record (record, defs, &input, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (input.framework->id, ==, "icb-14z45");
  g_assert_cmpint (input.activities, ==, INVOLVE_ACTIVITY_PLANNING | INVOLVE_ACTIVITY_OPERATIONAL);
  g_assert_cmpint (input.co_commissioning, ==, INVOLVE_CO_COMMISSIONING_JOINT_COMMITTEE);
  g_assert_true (input.urgent);
  g_assert_true (input.promise_to_consult);
  g_assert_false (input.special_administrator);

  assessment = involve_assess (&input, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (assessment->citations[0], ==, "section 14Z45(2)(a)");
  g_assert_cmpstr (assessment->citations[1], ==, "section 14Z45(2)(c)");
  g_assert_null (assessment->citations[2]);
  g_assert_true (assessment->nhs_england_duty_engaged);
  g_assert_true (assessment->local_duty_engaged);
  g_assert_cmpint (assessment->form_completer, ==, INVOLVE_FORM_BY_NHS_ENGLAND);

  /* A bad option id in the record is an error, not a guess. */
  involve_record_set_string (record, "co-commissioning-model", "merger");
  g_clear_pointer (&assessment, involve_assessment_unref);
  assessment = involve_assess_record (record, defs, &error);
  g_assert_null (assessment);
  g_assert_error (error, INVOLVE_ASSESS_ERROR, INVOLVE_ASSESS_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  defs = core_test_load_source_definitions ();

  g_test_add_func ("/validate/complete-record", test_complete_record);
  g_test_add_func ("/validate/plan-required-when-involving", test_plan_required_when_involving);
  g_test_add_func ("/validate/empty-record", test_empty_record);
  g_test_add_func ("/validate/beneficial-involvement/no-impact", test_beneficial_involvement_when_not_applying);
  g_test_add_func ("/validate/beneficial-involvement/not-commissioning", test_beneficial_involvement_not_commissioning);
  g_test_add_func ("/validate/departure-reason", test_departure_reason);
  g_test_add_func ("/validate/urgency-justification", test_urgency_justification);
  g_test_add_func ("/validate/appendix-b-steps-3-to-5", test_appendix_b_steps_always_required);
  g_test_add_func ("/validate/step-4-branches", test_step_4_branches);
  g_test_add_func ("/validate/day-to-day-responsibility", test_day_to_day_responsibility);
  g_test_add_func ("/validate/value-checks", test_value_checks);
  g_test_add_func ("/validate/organisation-matches-framework", test_organisation_matches_framework);
  g_test_add_func ("/validate/engine-problems", test_engine_problems);
  g_test_add_func ("/validate/record-assessment", test_record_assessment);

  status = g_test_run ();
  g_clear_object (&defs);
  return status;
}
