/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "core-test-util.h"
#include "involve-assess.h"
#include "involve-definitions.h"
#include "involve-demo.h"
#include "involve-validate.h"

static gboolean
option_is_known (InvolveDefinitions *defs,
                 const InvolveField *field,
                 const char         *option_id)
{
  if (field->options_list != NULL)
    {
      const InvolveReferenceList *list =
        involve_definitions_lookup_reference_list (defs, field->options_list);

      g_assert_nonnull (list);
      for (guint i = 0; i < list->items->len; i++)
        {
          const InvolveReferenceItem *item = g_ptr_array_index (list->items, i);

          if (g_str_equal (item->id, option_id))
            return TRUE;
        }
      return FALSE;
    }

  for (guint i = 0; field->options != NULL && i < field->options->len; i++)
    {
      const InvolveOption *option = g_ptr_array_index (field->options, i);

      if (g_str_equal (option->id, option_id))
        return TRUE;
    }
  return FALSE;
}

/* Every value has a defined field, the field's variant type, and known options. */
static void
test_demo_values_match_definitions (void)
{
  InvolveDefinitions *defs = core_test_default_definitions ();
  g_autoptr(GPtrArray) records = involve_demo_build_records (defs);

  g_assert_cmpuint (records->len, ==, involve_demo_get_n_records ());
  g_assert_cmpuint (records->len, >=, 21);

  for (guint i = 0; i < records->len; i++)
    {
      InvolveRecord *record = g_ptr_array_index (records, i);
      g_auto(GStrv) ids = involve_record_dup_field_ids (record);

      g_assert_cmpuint (g_strv_length (ids), >=, 40);
      for (guint j = 0; ids[j] != NULL; j++)
        {
          const InvolveField *field = involve_definitions_lookup_field (defs, ids[j], NULL);
          GVariant *value = involve_record_get_value (record, ids[j]);

          if (field == NULL)
            g_error ("record %u: field “%s” is not defined", i, ids[j]);
          g_assert_true (g_variant_is_of_type (value, involve_field_type_get_variant_type (field->type)));
          g_assert_false (involve_value_is_empty (value));

          if (field->type == INVOLVE_FIELD_CHOICE)
            g_assert_true (option_is_known (defs, field, g_variant_get_string (value, NULL)));
          if (field->type == INVOLVE_FIELD_MULTI_CHOICE)
            {
              g_autofree const char **options = g_variant_get_strv (value, NULL);

              for (guint k = 0; options[k] != NULL; k++)
                {
                  if (!option_is_known (defs, field, options[k]))
                    g_error ("record %u: “%s” is not an option of “%s”", i, options[k], ids[j]);
                }
            }
          if (field->type == INVOLVE_FIELD_DATE)
            {
              const char *date = g_variant_get_string (value, NULL);

              g_assert_cmpuint (strlen (date), ==, 10);
              g_assert_true (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", date, 0, 0));
            }
          if (field->type == INVOLVE_FIELD_TABLE)
            g_assert_cmpuint (g_variant_n_children (value), >=, 2);
        }
    }
}

/* Built without definitions, the records hold the same values. */
static void
test_demo_without_definitions (void)
{
  InvolveDefinitions *defs = core_test_default_definitions ();
  g_autoptr(GPtrArray) with = involve_demo_build_records (defs);
  g_autoptr(GPtrArray) without = involve_demo_build_records (NULL);

  g_assert_cmpuint (with->len, ==, without->len);
  for (guint i = 0; i < with->len; i++)
    {
      g_auto(GStrv) ids = involve_record_dup_field_ids (g_ptr_array_index (with, i));
      g_auto(GStrv) ids2 = involve_record_dup_field_ids (g_ptr_array_index (without, i));

      g_assert_true (g_strv_equal ((const char * const *) ids, (const char * const *) ids2));
      for (guint j = 0; ids[j] != NULL; j++)
        g_assert_true (g_variant_equal (involve_record_get_value (g_ptr_array_index (with, i), ids[j]),
                                        involve_record_get_value (g_ptr_array_index (without, i), ids[j])));
    }
}

static gboolean
date_in_range (const char *date,
               const char *from,
               const char *until)
{
  return strcmp (date, from) >= 0 && (until == NULL || strcmp (date, until) < 0);
}

/* Every end in every framework; dates inside each framework's period;
 * the identity matches the framework; reviewers are never completers. */
static void
test_demo_plans_cover_life_cycle (void)
{
  InvolveDefinitions *defs = core_test_default_definitions ();
  g_autoptr(GPtrArray) records = involve_demo_build_records (defs);
  g_autoptr(GPtrArray) plans = involve_demo_build_plans ();
  const char *framework_ids[] = { "icb-14z45", "ccg-14z2", "nhse-13q" };
  const char *examples[] = {
    "podiatry-relocation", "admin-office-relocation", "diabetes-policy", "ae-reconfiguration",
    "fracture-clinic-closure", "gp-practice-closure", "gp-retirement", "gp-contract-reaward",
    "dental-termination",
  };
  gboolean seen[3][INVOLVE_DEMO_N_ENDS] = { { 0 } };
  gboolean seen_example[G_N_ELEMENTS (examples)] = { 0 };
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (plans->len, ==, records->len);

  for (guint i = 0; i < plans->len; i++)
    {
      InvolveDemoPlan *plan = g_ptr_array_index (plans, i);
      InvolveRecord *record = g_ptr_array_index (records, i);
      const char *completer = involve_record_get_string (record, "completer-name");
      const char *date = involve_record_get_string (record, "c-date-produced");
      const char *type = involve_record_get_string (record, "organisation-type");
      guint f;

      g_assert_true (g_hash_table_add (keys, plan->key));
      g_assert_cmpstr (plan->framework_id, ==, involve_record_get_framework_id (record));
      for (f = 0; f < G_N_ELEMENTS (framework_ids); f++)
        if (g_str_equal (framework_ids[f], plan->framework_id))
          break;
      g_assert_cmpuint (f, <, G_N_ELEMENTS (framework_ids));
      seen[f][plan->end] = TRUE;
      for (guint e = 0; e < G_N_ELEMENTS (examples); e++)
        if (g_str_equal (examples[e], plan->example))
          seen_example[e] = TRUE;

      g_assert_cmpstr (completer, ==, plan->completer_name);
      g_assert_true (g_str_has_suffix (involve_record_get_string (record, "completer-email"), ".example.org"));

      /* A CCG's record dates from the CCGs' years, an ICB's from after July 2022. */
      if (f == 0)
        {
          g_assert_cmpstr (type, ==, "icb");
          g_assert_true (date_in_range (date, "2022-07-01", NULL));
        }
      else if (f == 1)
        {
          g_assert_cmpstr (type, ==, "ccg");
          g_assert_true (date_in_range (date, "2018-01-01", "2022-01-01"));
        }
      else
        g_assert_cmpstr (type, ==, "nhse");

      g_assert_cmpint (plan->submit, ==, plan->end != INVOLVE_DEMO_END_DRAFT &&
                                         (plan->end != INVOLVE_DEMO_END_WITHDRAWN || plan->withdraw_after_submit));

      switch (plan->end)
        {
        case INVOLVE_DEMO_END_DRAFT:
          /* A draft has not got to the end of Appendix C yet. */
          g_assert_false (involve_record_has_value (record, "c-risks") &&
                          involve_record_has_value (record, "c-feedback"));
          break;
        case INVOLVE_DEMO_END_AWAITING_SIGN_OFF:
          break;
        case INVOLVE_DEMO_END_RETURNED:
          g_assert_nonnull (plan->reviewer);
          g_assert_nonnull (plan->return_comments);
          g_assert_cmpstr (plan->return_date, >, date);
          break;
        case INVOLVE_DEMO_END_SUPERSEDED:
          g_assert_nonnull (plan->amend_reviewer);
          g_assert_cmpstr (plan->amend_reviewer->reviewer_name, !=, completer);
          G_GNUC_FALLTHROUGH;
        case INVOLVE_DEMO_END_AMENDED:
          g_assert_nonnull (plan->amend_reason);
          g_assert_nonnull (plan->amend_field_id);
          g_assert_nonnull (plan->amend_text);
          g_assert_nonnull (involve_definitions_lookup_field (defs, plan->amend_field_id, NULL));
          g_assert_cmpstr (involve_record_get_string (record, plan->amend_field_id), !=, plan->amend_text);
          G_GNUC_FALLTHROUGH;
        case INVOLVE_DEMO_END_SIGNED_OFF:
          g_assert_nonnull (plan->reviewer);
          g_assert_nonnull (plan->reviewer->date);
          g_assert_cmpstr (plan->reviewer->date, >, date);
          break;
        case INVOLVE_DEMO_END_WITHDRAWN:
          g_assert_nonnull (plan->withdraw_reason);
          break;
        default:
          g_assert_not_reached ();
        }

      if (plan->reviewer != NULL)
        {
          g_assert_cmpstr (plan->reviewer->reviewer_name, !=, completer);
          g_assert_cmpstr (plan->reviewer->reviewer_email, !=,
                           involve_record_get_string (record, "completer-email"));
          g_assert_true (g_str_has_suffix (plan->reviewer->reviewer_email, ".example.org"));
        }
      if (plan->return_comments != NULL && plan->end != INVOLVE_DEMO_END_RETURNED)
        g_assert_cmpstr (plan->reviewer->date, >, plan->return_date);
      if (plan->resubmit_field_id != NULL)
        {
          g_assert_nonnull (plan->return_comments);
          g_assert_nonnull (involve_definitions_lookup_field (defs, plan->resubmit_field_id, NULL));
        }
    }

  for (guint f = 0; f < G_N_ELEMENTS (framework_ids); f++)
    for (guint e = 0; e < INVOLVE_DEMO_N_ENDS; e++)
      if (!seen[f][e])
        g_error ("no sample record ends %s under %s", involve_demo_end_to_string (e), framework_ids[f]);
  for (guint e = 0; e < G_N_ELEMENTS (examples); e++)
    g_assert_true (seen_example[e]);
}

/* No token left unfilled and no seed contact details. */
static void
test_demo_text_is_clean (void)
{
  g_autoptr(GPtrArray) records = involve_demo_build_records (core_test_default_definitions ());

  for (guint i = 0; i < records->len; i++)
    {
      g_auto(GStrv) ids = involve_record_dup_field_ids (g_ptr_array_index (records, i));

      for (guint j = 0; ids[j] != NULL; j++)
        {
          g_autofree char *text = g_variant_print (involve_record_get_value (g_ptr_array_index (records, i), ids[j]), FALSE);

          g_assert_null (strchr (text, '{'));
          g_assert_null (strstr (text, "nhs.net"));
          g_assert_null (strstr (text, "@nhs.uk"));
          g_assert_false (g_regex_match_simple ("[0-9]{5} ?[0-9]{6}", text, 0, 0)); /* phone numbers */
        }
    }
}

static void
test_demo_large_is_deterministic (void)
{
  InvolveDefinitions *defs = core_test_default_definitions ();
  g_autoptr(GPtrArray) a = involve_demo_build_large (defs, 200, 42);
  g_autoptr(GPtrArray) b = involve_demo_build_large (defs, 200, 42);
  g_autoptr(GPtrArray) c = involve_demo_build_large (defs, 200, 43);
  g_autoptr(GHashTable) titles = g_hash_table_new (g_str_hash, g_str_equal);
  guint statuses[INVOLVE_N_STATUSES] = { 0 };
  guint frameworks = 0, differ = 0;
  g_autoptr(GHashTable) framework_ids = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < a->len; i++)
    {
      InvolveRecord *ra = g_ptr_array_index (a, i);
      InvolveRecord *rb = g_ptr_array_index (b, i);
      InvolveRecord *rc = g_ptr_array_index (c, i);
      const InvolveSignOff *sign_off = involve_record_get_sign_off (ra);

      g_assert_cmpstr (involve_record_get_string (ra, "title"), ==, involve_record_get_string (rb, "title"));
      g_assert_cmpstr (involve_record_get_string (ra, "c-budget"), ==, involve_record_get_string (rb, "c-budget"));
      g_assert_cmpint (involve_record_get_status (ra), ==, involve_record_get_status (rb));
      if (g_strcmp0 (involve_record_get_string (ra, "title"), involve_record_get_string (rc, "title")) != 0)
        differ++;
      g_hash_table_add (titles, (gpointer) involve_record_get_string (ra, "title"));
      g_hash_table_add (framework_ids, (gpointer) involve_record_get_framework_id (ra));
      statuses[involve_record_get_status (ra)]++;

      if (sign_off != NULL)
        g_assert_cmpstr (sign_off->reviewer_name, !=, involve_record_get_string (ra, "completer-name"));
    }

  frameworks = g_hash_table_size (framework_ids);
  g_assert_cmpuint (frameworks, ==, 3);
  g_assert_cmpuint (differ, >, 150);
  g_assert_cmpuint (g_hash_table_size (titles), >, 150);
  g_assert_cmpuint (statuses[INVOLVE_STATUS_DRAFT], >, 0);
  g_assert_cmpuint (statuses[INVOLVE_STATUS_AWAITING_SIGN_OFF], >, 0);
  g_assert_cmpuint (statuses[INVOLVE_STATUS_RETURNED], >, 0);
  g_assert_cmpuint (statuses[INVOLVE_STATUS_SIGNED_OFF], >, 0);
  g_assert_cmpuint (statuses[INVOLVE_STATUS_WITHDRAWN], >, 0);
}

/* 100,000 records must be quick to produce (one at a time, as a bench would). */
static void
test_demo_large_is_fast (void)
{
  InvolveDefinitions *defs = core_test_default_definitions ();
  gint64 start = g_get_monotonic_time ();
  guint n = g_test_slow () ? 100000 : 10000;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(InvolveRecord) record = involve_demo_build_large_record (defs, 7, i);

      g_assert_nonnull (involve_record_get_string (record, "title"));
    }
  g_test_message ("%u large records in %.2f s", n, (g_get_monotonic_time () - start) / 1e6);
}

static char *
describe_problems (GPtrArray *problems)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < problems->len; i++)
    {
      const InvolveProblem *problem = g_ptr_array_index (problems, i);

      g_string_append_printf (out, "\n  %s: %s", problem->field_id, problem->message);
    }
  return g_string_free (out, FALSE);
}

/* The engine reaches the outcome and limbs each example is meant to show. */
static void
test_demo_engine_outcomes (void)
{
  InvolveDefinitions *defs = core_test_default_definitions ();
  g_autoptr(GPtrArray) records = involve_demo_build_records (defs);
  g_autoptr(GPtrArray) plans = involve_demo_build_plans ();

  for (guint i = 0; i < records->len; i++)
    {
      InvolveRecord *record = g_ptr_array_index (records, i);
      InvolveDemoPlan *plan = g_ptr_array_index (plans, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(InvolveAssessment) assessment = involve_assess_record (record, defs, &error);
      g_autofree char *limbs = NULL;
      InvolveAnswer opinion;
      gboolean applies;

      g_assert_no_error (error);
      g_assert_nonnull (assessment);
      g_assert_cmpstr (involve_assessment_get_outcome_string (assessment), ==, plan->expected_outcome);
      limbs = g_strjoinv (",", assessment->limb_ids);
      if (!g_str_equal (limbs, plan->expected_limbs))
        g_error ("%s: limbs “%s”, expected “%s”", plan->key, limbs, plan->expected_limbs);

      /* Citations name the pinned framework's own section. */
      for (guint j = 0; assessment->citations[j] != NULL; j++)
        g_assert_nonnull (strstr (assessment->citations[j], assessment->section));

      /* The assessor agrees with the test, except where the plan says otherwise. */
      opinion = involve_record_get_answer (record, "duty-applies-opinion");
      applies = assessment->outcome == INVOLVE_OUTCOME_APPLIES;
      g_assert_cmpint (opinion == INVOLVE_ANSWER_YES ? TRUE : FALSE, ==, plan->departs ? !applies : applies);
      g_assert_cmpint (involve_record_has_value (record, "departure-reason"), ==, plan->departs);

      g_assert_cmpint (assessment->urgency_justification_needed, ==,
                       involve_record_get_answer (record, "urgent") == INVOLVE_ANSWER_YES);
    }
}

/* What is meant to be submitted passes validation; drafts do not yet. */
static void
test_demo_validation (void)
{
  InvolveDefinitions *defs = core_test_default_definitions ();
  g_autoptr(GPtrArray) records = involve_demo_build_records (defs);
  g_autoptr(GPtrArray) plans = involve_demo_build_plans ();

  for (guint i = 0; i < records->len; i++)
    {
      InvolveRecord *record = g_ptr_array_index (records, i);
      InvolveDemoPlan *plan = g_ptr_array_index (plans, i);
      g_autoptr(GPtrArray) problems = involve_validate_record (defs, record);

      if (plan->submit && problems->len > 0)
        {
          g_autofree char *text = describe_problems (problems);

          g_error ("%s should be ready to submit:%s", plan->key, text);
        }
      if (plan->end == INVOLVE_DEMO_END_DRAFT)
        g_assert_cmpuint (problems->len, >, 0);

      /* The changes made on resubmission and amendment keep it valid. */
      if (plan->resubmit_field_id != NULL || plan->amend_field_id != NULL)
        {
          g_autoptr(GPtrArray) again = NULL;

          if (plan->resubmit_field_id != NULL)
            involve_record_set_string (record, plan->resubmit_field_id, plan->resubmit_text);
          if (plan->amend_field_id != NULL)
            involve_record_set_string (record, plan->amend_field_id, plan->amend_text);
          again = involve_validate_record (defs, record);
          g_assert_cmpuint (again->len, ==, 0);
        }
    }
}

/* The large records are complete and their outcome is consistent. */
static void
test_demo_large_validates (void)
{
  InvolveDefinitions *defs = core_test_default_definitions ();

  for (guint i = 0; i < 500; i++)
    {
      g_autoptr(InvolveRecord) record = involve_demo_build_large_record (defs, 11, i);
      g_autoptr(GPtrArray) problems = involve_validate_record (defs, record);
      g_autoptr(InvolveAssessment) assessment = involve_assess_record (record, defs, NULL);

      if (problems->len > 0)
        {
          g_autofree char *text = describe_problems (problems);

          g_error ("large record %u (%s):%s", i, involve_record_get_string (record, "title"), text);
        }
      g_assert_nonnull (assessment);
      g_assert_cmpint (assessment->outcome == INVOLVE_OUTCOME_APPLIES, ==,
                       involve_record_get_answer (record, "duty-applies-opinion") == INVOLVE_ANSWER_YES);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo/records/values-match-definitions", test_demo_values_match_definitions);
  g_test_add_func ("/demo/records/without-definitions", test_demo_without_definitions);
  g_test_add_func ("/demo/records/plans-cover-life-cycle", test_demo_plans_cover_life_cycle);
  g_test_add_func ("/demo/records/text-is-clean", test_demo_text_is_clean);
  g_test_add_func ("/demo/records/engine-outcomes", test_demo_engine_outcomes);
  g_test_add_func ("/demo/records/validation", test_demo_validation);
  g_test_add_func ("/demo/large/validates", test_demo_large_validates);
  g_test_add_func ("/demo/large/deterministic", test_demo_large_is_deterministic);
  g_test_add_func ("/demo/large/fast", test_demo_large_is_fast);

  return g_test_run ();
}
