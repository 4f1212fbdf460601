/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <libxml/xmlerror.h>
#include <libxml/globals.h>

#include "core-test-util.h"
#include "involve-definitions.h"

/*
 * The field inventory: every field of the three-step test and of seed 004's
 * Appendix B and Appendix C, with its section and type.  A field missing from
 * the data, in the wrong section or of the wrong type fails; so does a field
 * in the data that is not listed here.
 */
typedef struct
{
  const char       *section;
  const char       *field;
  InvolveFieldType  type;
} Expected;

#define T INVOLVE_FIELD_TEXT
#define L INVOLVE_FIELD_LONG_TEXT
#define YN INVOLVE_FIELD_YES_NO
#define C INVOLVE_FIELD_CHOICE
#define M INVOLVE_FIELD_MULTI_CHOICE
#define D INVOLVE_FIELD_DATE
#define TB INVOLVE_FIELD_TABLE

static const Expected three_step_test[] = {
  { "identity", "title", T },
  { "identity", "organisation-name", T },
  { "identity", "organisation-type", C },
  { "identity", "form-edition", C },
  { "test-step1", "step1-commissioning", YN },
  { "test-step1", "step1-explanation", L },
  { "test-step2", "step2-activity-types", M },
  { "test-step2", "step2-explanation", L },
  { "test-step3", "step3-impact-delivery", YN },
  { "test-step3", "step3-impact-delivery-details", L },
  { "test-step3", "step3-impact-range", YN },
  { "test-step3", "step3-impact-range-details", L },
  { "test-step3", "step3-impact-other", L },
  { "test-circumstances", "special-administrator", YN },
  { "test-circumstances", "urgent", YN },
  { "test-circumstances", "urgency-justification", L },
  { "test-circumstances", "urgency-limited-involvement", L },
  { "test-circumstances", "co-commissioning-model", C },
  { "test-circumstances", "day-to-day-responsibility", T },
  { "test-circumstances", "scrutiny-substantial-variation", YN },
  { "test-circumstances", "notifiable-reconfiguration", YN },
  { "test-circumstances", "significant-public-interest", YN },
  { "test-circumstances", "promise-to-consult", YN },
  { "test-circumstances", "precedent-to-consult", YN },
  { "test-circumstances", "promise-precedent-details", L },
  { "test-conclusion", "duty-applies-opinion", YN },
  { "test-conclusion", "duty-applies-reason", L },
  { "test-conclusion", "departure-reason", L },
  { "test-conclusion", "beneficial-involvement", YN },
  { "test-conclusion", "beneficial-involvement-reason", L },
};

/* Appendix B, including the step 2 questions it shares with the test. */
static const Expected appendix_b[] = {
  /* Step 1: location, title and description, key objectives. */
  { "b-step1", "b1-location", T },
  { "b-step1", "b1-title-description", L },
  { "b-step1", "b1-objectives", L },
  /* Step 2 (a), (b), (c) and "does the legal duty apply in your opinion". */
  { "b-step2", "step3-impact-delivery", YN },
  { "b-step2", "step3-impact-delivery-details", L },
  { "b-step2", "step3-impact-range", YN },
  { "b-step2", "step3-impact-range-details", L },
  { "b-step2", "step3-impact-other", L },
  { "b-step2", "duty-applies-opinion", YN },
  { "b-step2", "duty-applies-reason", L },
  { "b-step2", "beneficial-involvement", YN },
  { "b-step2", "beneficial-involvement-reason", L },
  /* Step 3 (a), (b) and the sources of insight its heading asks for. */
  { "b-step3", "b3-existing-arrangements", L },
  { "b-step3", "b3-insight-use", L },
  { "b-step3", "b3-insight-sources", M },
  { "b-step3", "b3-insight-sources-details", L },
  { "b-step3", "b3-previous-involvement", L },
  /* Step 4: are additional arrangements required, (a), (b). */
  { "b-step4", "b4-additional-required", YN },
  { "b-step4", "b4-approach", L },
  { "b-step4", "b4-no-additional-reason", L },
  { "b-step4", "b4-seldom-heard-groups", M },
  { "b-step4", "b4-protected-characteristics", M },
  { "b-step4", "b4-health-inequalities", L },
  { "b-step4", "b4-methods", M },
  { "b-step4", "b4-fair-proportionate", L },
  /* Step 5 (a), (b), (c). */
  { "b-step5", "b5-influence", L },
  { "b-step5", "b5-feedback", L },
  { "b-step5", "b5-ongoing-impact", L },
  /* The person completing the form. */
  { "b-completer", "completer-name", T },
  { "b-completer", "completer-job-title", T },
  { "b-completer", "completer-email", T },
  { "b-completer", "completer-team", T },
  { "b-completer", "completer-date", D },
};

/* What the 2022 edition adds; part of 2022-edition records only. */
static const Expected partnership_2022[] = {
  { "p22-people", "p22-carers-representatives", L },
  { "p22-people", "p22-healthwatch", L },
  { "p22-people", "p22-vcse-partners", L },
  { "p22-principles", "p22-principles-applied", M },
  { "p22-principles", "p22-principles-details", L },
  { "p22-equality", "p22-eqhia-status", C },
  { "p22-equality", "p22-eqhia-findings", L },
  { "p22-equality", "p22-health-inequalities-regard", L },
  { "p22-scrutiny", "scrutiny-substantial-variation", YN },
  { "p22-scrutiny", "p22-scrutiny-consultation", L },
  { "p22-scrutiny", "notifiable-reconfiguration", YN },
  { "p22-scrutiny", "p22-notification", L },
};

static const Expected appendix_c[] = {
  { "c-overview", "c-date-produced", D },
  { "c-overview", "c-project-lead", T },
  { "c-overview", "c-background", L },
  { "c-overview", "c-proposal", L },
  { "c-audiences", "c-key-messages", L },
  { "c-audiences", "c-target-audiences", L },
  { "c-audiences", "c-objectives", L },
  { "c-delivery", "c-budget", L },
  { "c-delivery", "c-methods", L },
  { "c-delivery", "c-timescales", L },
  { "c-delivery", "c-equality", L },
  { "c-delivery", "c-partners", L },
  { "c-delivery", "c-key-contacts", L },
  { "c-risk-register", "c-risks", TB },
  { "c-evaluation-feedback", "c-evaluation", L },
  { "c-evaluation-feedback", "c-feedback", L },
};

static void
check_inventory (const char     *form_id,
                 const Expected *expected,
                 gsize           n_expected)
{
  g_autoptr(InvolveDefinitions) definitions = core_test_load_source_definitions ();
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  InvolveForm *form = involve_definitions_get_form (definitions, form_id);
  GPtrArray *sections;

  g_assert_nonnull (form);

  for (gsize i = 0; i < n_expected; i++)
    {
      const InvolveField *field = involve_form_lookup_field (form, expected[i].field);
      const InvolveSection *section;

      if (field == NULL)
        g_error ("%s: field “%s” is missing", form_id, expected[i].field);

      section = involve_form_find_field_section (form, expected[i].field);
      g_assert_nonnull (section);
      g_assert_cmpstr (section->id, ==, expected[i].section);
      g_assert_cmpstr (involve_field_type_to_string (field->type), ==,
                       involve_field_type_to_string (expected[i].type));
      g_assert_nonnull (field->label);
      g_assert_nonnull (field->help);
      g_assert_nonnull (field->guidance_ref);
      g_hash_table_add (listed, (gpointer) expected[i].field);
    }

  /* Nothing in the data that the inventory does not list. */
  sections = involve_form_get_sections (form);
  for (guint i = 0; i < sections->len; i++)
    {
      const InvolveSection *section = g_ptr_array_index (sections, i);

      g_assert_nonnull (section->title);
      g_assert_cmpuint (section->fields->len, >, 0);
      for (guint j = 0; j < section->fields->len; j++)
        {
          const InvolveField *field = g_ptr_array_index (section->fields, j);

          if (!g_hash_table_contains (listed, field->id))
            g_error ("%s: field “%s” is not in the inventory", form_id, field->id);
        }
    }
}

static void
test_inventory_three_step_test (void)
{
  check_inventory (INVOLVE_FORM_THREE_STEP_TEST, three_step_test, G_N_ELEMENTS (three_step_test));
}

static void
test_inventory_appendix_b (void)
{
  check_inventory (INVOLVE_FORM_APPENDIX_B, appendix_b, G_N_ELEMENTS (appendix_b));
}

static void
test_inventory_partnership_2022 (void)
{
  check_inventory (INVOLVE_FORM_PARTNERSHIP_2022, partnership_2022, G_N_ELEMENTS (partnership_2022));
}

static void
test_inventory_appendix_c (void)
{
  check_inventory (INVOLVE_FORM_APPENDIX_C, appendix_c, G_N_ELEMENTS (appendix_c));
}

static void
test_field_refs_shared (void)
{
  g_autoptr(InvolveDefinitions) definitions = core_test_load_source_definitions ();
  InvolveForm *test = involve_definitions_get_form (definitions, INVOLVE_FORM_THREE_STEP_TEST);
  InvolveForm *b = involve_definitions_get_form (definitions, INVOLVE_FORM_APPENDIX_B);
  InvolveForm *owner = NULL;
  const InvolveSection *step2 = involve_form_lookup_section (b, "b-step2");
  const InvolveField *field;

  /* The same field, defined once by the three-step test. */
  field = involve_form_lookup_field (b, "step3-impact-delivery");
  g_assert_true (field == involve_form_lookup_field (test, "step3-impact-delivery"));
  g_assert_cmpstr (field->form_id, ==, INVOLVE_FORM_THREE_STEP_TEST);
  g_assert_true (involve_definitions_lookup_field (definitions, "step3-impact-delivery", &owner) == field);
  g_assert_true (owner == test);
  g_assert_cmpstr (involve_form_find_field_section (test, "step3-impact-delivery")->id, ==, "test-step3");

  /* In document order within the section. */
  g_assert_cmpstr (((InvolveField *) g_ptr_array_index (step2->fields, 0))->id, ==, "step3-impact-delivery");
  g_assert_cmpstr (((InvolveField *) g_ptr_array_index (step2->fields, 5))->id, ==, "duty-applies-opinion");

  field = involve_definitions_lookup_field (definitions, "b4-approach", &owner);
  g_assert_true (owner == b);
  g_assert_cmpstr (field->form_id, ==, INVOLVE_FORM_APPENDIX_B);
  g_assert_null (involve_definitions_lookup_field (definitions, "no-such-field", &owner));
  g_assert_null (owner);
}

static void
test_conditions (void)
{
  g_autoptr(InvolveDefinitions) definitions = core_test_load_source_definitions ();
  InvolveForm *test = involve_definitions_get_form (definitions, INVOLVE_FORM_THREE_STEP_TEST);
  InvolveForm *b = involve_definitions_get_form (definitions, INVOLVE_FORM_APPENDIX_B);
  const InvolveField *field;
  const InvolveSection *section;

  field = involve_form_lookup_field (test, "title");
  g_assert_true (field->required);
  g_assert_false (involve_condition_is_set (&field->required_when));

  field = involve_form_lookup_field (test, "urgency-justification");
  g_assert_false (field->required);
  g_assert_cmpint (field->required_when.kind, ==, INVOLVE_CONDITION_FIELD_EQUALS);
  g_assert_cmpstr (field->required_when.field_id, ==, "urgent");
  g_assert_cmpstr (field->required_when.value, ==, "yes");
  g_assert_cmpint (field->shown_when.kind, ==, INVOLVE_CONDITION_FIELD_EQUALS);

  field = involve_form_lookup_field (test, "urgency-limited-involvement");
  g_assert_cmpstr (field->required_when.field_id, ==, "urgent");

  field = involve_form_lookup_field (test, "departure-reason");
  g_assert_cmpint (field->required_when.kind, ==, INVOLVE_CONDITION_DEPARTS_FROM_OUTCOME);
  g_assert_cmpstr (field->required_when.field_id, ==, "duty-applies-opinion");
  g_assert_null (field->required_when.value);

  for (guint i = 0; i < 2; i++)
    {
      field = involve_form_lookup_field (test, i == 0 ? "beneficial-involvement" : "beneficial-involvement-reason");
      g_assert_cmpint (field->required_when.kind, ==, INVOLVE_CONDITION_OUTCOME);
      g_assert_cmpstr (field->required_when.value, ==, "does-not-apply");
      g_assert_null (field->required_when.field_id);
    }

  g_assert_true (involve_form_lookup_field (test, "duty-applies-opinion")->required);
  g_assert_true (involve_form_lookup_field (test, "duty-applies-reason")->required);

  section = involve_form_lookup_section (test, "test-step2");
  g_assert_cmpint (section->shown_when.kind, ==, INVOLVE_CONDITION_FIELD_EQUALS);
  g_assert_cmpstr (section->shown_when.field_id, ==, "step1-commissioning");
  g_assert_cmpstr (section->shown_when.value, ==, "yes");
  g_assert_false (involve_condition_is_set (&involve_form_lookup_section (test, "test-step1")->shown_when));

  /* Appendix B steps 3-5 are required whether or not the duty applies. */
  {
    const char * const always[] = {
      "b3-existing-arrangements", "b3-insight-use", "b4-additional-required",
      "b4-fair-proportionate", "b5-influence", "b5-feedback", "b5-ongoing-impact",
      "b1-location", "b1-title-description", "completer-name", "completer-job-title",
      "completer-email", "completer-team", "completer-date",
    };

    for (guint i = 0; i < G_N_ELEMENTS (always); i++)
      {
        field = involve_form_lookup_field (b, always[i]);
        g_test_message ("%s", always[i]);
        g_assert_true (field->required);
        g_assert_false (involve_condition_is_set (&field->shown_when));
      }
  }

  field = involve_form_lookup_field (b, "b4-approach");
  g_assert_cmpstr (field->required_when.field_id, ==, "b4-additional-required");
  g_assert_cmpstr (field->required_when.value, ==, "yes");
}

static void
test_options_and_columns (void)
{
  g_autoptr(InvolveDefinitions) definitions = core_test_load_source_definitions ();
  const InvolveField *field;

  field = involve_definitions_lookup_field (definitions, "organisation-type", NULL);
  g_assert_cmpuint (field->options->len, ==, 4);
  g_assert_cmpstr (((InvolveOption *) g_ptr_array_index (field->options, 0))->id, ==, "icb");
  g_assert_cmpstr (((InvolveOption *) g_ptr_array_index (field->options, 3))->id, ==, "provider");

  field = involve_definitions_lookup_field (definitions, "step2-activity-types", NULL);
  g_assert_cmpuint (field->options->len, ==, 3);
  g_assert_cmpstr (((InvolveOption *) g_ptr_array_index (field->options, 1))->id, ==, "proposal");

  field = involve_definitions_lookup_field (definitions, "co-commissioning-model", NULL);
  g_assert_cmpuint (field->options->len, ==, 5);
  g_assert_cmpstr (((InvolveOption *) g_ptr_array_index (field->options, 4))->id, ==, "devolved");

  /* Options from a reference list are filled in by the loader. */
  field = involve_definitions_lookup_field (definitions, "b4-protected-characteristics", NULL);
  g_assert_cmpstr (field->options_list, ==, "protected-characteristics");
  g_assert_cmpuint (field->options->len, ==, 9);
  field = involve_definitions_lookup_field (definitions, "b3-insight-sources", NULL);
  g_assert_cmpstr (field->options_list, ==, "insight-sources");
  g_assert_cmpuint (field->options->len, >, 5);

  field = involve_definitions_lookup_field (definitions, "c-risks", NULL);
  g_assert_cmpuint (field->columns->len, ==, 2);
  g_assert_cmpstr (((InvolveColumn *) g_ptr_array_index (field->columns, 0))->id, ==, "risk");
  g_assert_cmpstr (((InvolveColumn *) g_ptr_array_index (field->columns, 1))->id, ==, "action");
}

static void
test_personal_fields (void)
{
  g_autoptr(InvolveDefinitions) definitions = core_test_load_source_definitions ();
  const char * const personal[] = { "completer-name", "completer-email", "c-project-lead", "c-key-contacts" };
  GPtrArray *forms = involve_definitions_get_forms (definitions);
  guint n_personal = 0;

  for (guint i = 0; i < G_N_ELEMENTS (personal); i++)
    g_assert_true (involve_definitions_lookup_field (definitions, personal[i], NULL)->personal);

  for (guint i = 0; i < forms->len; i++)
    {
      GPtrArray *sections = involve_form_get_sections (g_ptr_array_index (forms, i));

      for (guint j = 0; j < sections->len; j++)
        {
          GPtrArray *fields = ((InvolveSection *) g_ptr_array_index (sections, j))->fields;

          for (guint k = 0; k < fields->len; k++)
            {
              const InvolveField *field = g_ptr_array_index (fields, k);

              if (field->personal && g_strcmp0 (field->form_id, involve_form_get_id (g_ptr_array_index (forms, i))) == 0)
                n_personal++;
            }
        }
    }

  g_assert_cmpuint (n_personal, ==, G_N_ELEMENTS (personal));
}

static void
test_worked_examples (void)
{
  g_autoptr(InvolveDefinitions) definitions = core_test_load_source_definitions ();
  /* Each worked example of seed 004, by a word of its title and the section showing it. */
  const struct { const char *form; const char *section; const char *needle; } examples[] = {
    { INVOLVE_FORM_THREE_STEP_TEST, "test-step1", "podiatry" },
    { INVOLVE_FORM_THREE_STEP_TEST, "test-step1", "administrative office" },
    { INVOLVE_FORM_THREE_STEP_TEST, "test-step2", "diabetes" },
    { INVOLVE_FORM_THREE_STEP_TEST, "test-step2", "urgent care" },
    { INVOLVE_FORM_THREE_STEP_TEST, "test-step2", "A&E" },
    { INVOLVE_FORM_THREE_STEP_TEST, "test-step2", "fracture clinic" },
    { INVOLVE_FORM_THREE_STEP_TEST, "test-step3", "Closing a GP practice" },
    { INVOLVE_FORM_THREE_STEP_TEST, "test-step3", "GP retiring" },
    { INVOLVE_FORM_THREE_STEP_TEST, "test-step3", "re-awarded unchanged" },
    { INVOLVE_FORM_THREE_STEP_TEST, "test-circumstances", "dental contract" },
    { INVOLVE_FORM_APPENDIX_B, "b-step3", "primary care" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      InvolveForm *form = involve_definitions_get_form (definitions, examples[i].form);
      const InvolveSection *section = involve_form_lookup_section (form, examples[i].section);
      gboolean found = FALSE;

      g_assert_nonnull (section);
      g_assert_nonnull (section->guidance);
      g_assert_nonnull (section->guidance_ref);
      for (guint j = 0; j < section->examples->len; j++)
        {
          const InvolveExample *example = g_ptr_array_index (section->examples, j);

          g_assert_nonnull (example->text);
          if (strstr (example->title, examples[i].needle) != NULL)
            found = TRUE;
        }

      if (!found)
        g_error ("no worked example “%s” in section %s", examples[i].needle, examples[i].section);
    }
}

static void
test_field_types (void)
{
  const struct { InvolveFieldType type; const char *name; const char *variant; } types[] = {
    { INVOLVE_FIELD_TEXT, "text", "s" },
    { INVOLVE_FIELD_LONG_TEXT, "long-text", "s" },
    { INVOLVE_FIELD_YES_NO, "yes-no", "b" },
    { INVOLVE_FIELD_CHOICE, "choice", "s" },
    { INVOLVE_FIELD_MULTI_CHOICE, "multi-choice", "as" },
    { INVOLVE_FIELD_DATE, "date", "s" },
    { INVOLVE_FIELD_TABLE, "table", "aas" },
  };
  InvolveFieldType parsed;

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_assert_cmpstr (involve_field_type_to_string (types[i].type), ==, types[i].name);
      g_assert_true (g_variant_type_equal (involve_field_type_get_variant_type (types[i].type),
                                           G_VARIANT_TYPE (types[i].variant)));
      g_assert_true (involve_field_type_from_string (types[i].name, &parsed));
      g_assert_cmpint (parsed, ==, types[i].type);
    }

  g_assert_false (involve_field_type_from_string ("colour", &parsed));
  g_assert_false (involve_field_type_from_string (NULL, &parsed));
}

/* Broken files on their own */

static void
assert_file_refused (const char *file_name,
                     int         code,
                     const char *line,
                     const char *problem)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", file_name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveForm) form = NULL;
  g_autofree char *file_and_line = g_strdup_printf ("%s:%s:", file_name, line);

  form = involve_form_new_from_file (file, &error);
  g_assert_null (form);
  g_assert_error (error, INVOLVE_FORM_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, file_and_line));
  g_assert_nonnull (strstr (error->message, problem));
}

static void
test_malformed (void)
{
  assert_file_refused ("malformed.xml", INVOLVE_FORM_ERROR_MALFORMED, "8", "not well-formed");
  assert_file_refused ("malformed.xml", INVOLVE_FORM_ERROR_MALFORMED, "8", "labl");
}

static void
test_unknown_type (void)
{
  assert_file_refused ("unknown-type.xml", INVOLVE_FORM_ERROR_INVALID, "11", "unknown type “colour”");
  assert_file_refused ("unknown-type.xml", INVOLVE_FORM_ERROR_INVALID, "11", "“f2”");
}

static void
test_missing_id (void)
{
  assert_file_refused ("missing-id.xml", INVOLVE_FORM_ERROR_INVALID, "7", "no id attribute");
}

static void
test_choice_without_options (void)
{
  assert_file_refused ("choice-without-options.xml", INVOLVE_FORM_ERROR_INVALID, "7", "no <option> elements");
}

static void
test_schema_invalid (void)
{
  /* Caught by the RELAX NG schema itself: the message says so. */
  assert_file_refused ("bad-boolean.xml", INVOLVE_FORM_ERROR_INVALID, "11", "does not match the schema form.rng");
  assert_file_refused ("bad-boolean.xml", INVOLVE_FORM_ERROR_INVALID, "11", "field");
}

static void
test_duplicate_field (void)
{
  assert_file_refused ("duplicate-field.xml", INVOLVE_FORM_ERROR_INVALID, "14", "“same”");
  assert_file_refused ("duplicate-field.xml", INVOLVE_FORM_ERROR_INVALID, "14", "line 7");
}

static void
test_doctype_refused (void)
{
  assert_file_refused ("doctype-entity.xml", INVOLVE_FORM_ERROR_MALFORMED, "2", "document type");
}

static void
test_bytes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) junk = g_bytes_new_static ("\n\nnot xml", 9);
  g_autoptr(InvolveForm) form = NULL;

  form = involve_form_new_from_bytes (empty, "empty.xml", &error);
  g_assert_null (form);
  g_assert_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_MALFORMED);
  g_assert_true (g_str_has_prefix (error->message, "empty.xml:1:"));
  g_clear_error (&error);

  form = involve_form_new_from_bytes (junk, "junk.xml", &error);
  g_assert_null (form);
  g_assert_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_MALFORMED);
  g_assert_true (g_str_has_prefix (error->message, "junk.xml:3:"));
  g_clear_error (&error);

  /* Far too large: refused before parsing. */
  {
    gsize size = 3 * 1024 * 1024;
    char *data = g_malloc (size);
    g_autoptr(GBytes) huge = NULL;

    memset (data, ' ', size);
    memcpy (data, "<form>", 6);
    huge = g_bytes_new_take (data, size);
    form = involve_form_new_from_bytes (huge, "huge.xml", &error);
    g_assert_null (form);
    g_assert_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_MALFORMED);
    g_assert_nonnull (strstr (error->message, "too large"));
    g_clear_error (&error);
  }
}

static int handler_calls;

static void
count_errors_cb (void        *user_data,
                 xmlErrorPtr  error)
{
  handler_calls++;
}

static void
test_error_handler_restored (void)
{
  /* Fails in the RELAX NG validator. */
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "bad-boolean.xml", NULL);
  g_autofree char *malformed_path = g_test_build_filename (G_TEST_DIST, "data", "malformed.xml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) malformed = g_file_new_for_path (malformed_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveForm) form = NULL;
  int marker;

  /* Someone else's handler stays in place, and our errors do not reach it. */
  xmlSetStructuredErrorFunc (&marker, count_errors_cb);

  form = involve_form_new_from_file (malformed, &error);
  g_assert_null (form);
  g_clear_error (&error);
  form = involve_form_new_from_file (file, &error);
  g_assert_null (form);
  g_clear_error (&error);

  g_assert_true (xmlStructuredError == count_errors_cb);
  g_assert_true (xmlStructuredErrorContext == &marker);
  g_assert_cmpint (handler_calls, ==, 0);

  xmlSetStructuredErrorFunc (NULL, NULL);
}

static void
test_missing_file (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/involve/form.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveForm) form = involve_form_new_from_file (file, &error);

  g_assert_null (form);
  g_assert_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/involve/form.xml"));
}

static void
test_single_form_file (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("INVOLVE_SOURCE_DATADIR"), "forms", "appendix-b.xml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveForm) form = involve_form_new_from_file (file, &error);
  const InvolveSection *step2;

  g_assert_no_error (error);
  g_assert_cmpstr (involve_form_get_id (form), ==, INVOLVE_FORM_APPENDIX_B);
  g_assert_nonnull (involve_form_get_title (form));
  g_assert_nonnull (involve_form_get_source (form));
  g_assert_cmpuint (involve_form_get_version (form), ==, 1);
  g_assert_true (g_str_has_suffix (involve_form_get_name (form), "appendix-b.xml"));

  /* On its own, a form leaves its field-refs out. */
  step2 = involve_form_lookup_section (form, "b-step2");
  g_assert_nonnull (step2);
  g_assert_cmpuint (step2->fields->len, ==, 0);
  g_assert_null (involve_form_lookup_field (form, "step3-impact-delivery"));
  g_assert_nonnull (involve_form_lookup_field (form, "b5-feedback"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/forms/inventory/three-step-test", test_inventory_three_step_test);
  g_test_add_func ("/forms/inventory/appendix-b", test_inventory_appendix_b);
  g_test_add_func ("/forms/inventory/appendix-c", test_inventory_appendix_c);
  g_test_add_func ("/forms/inventory/partnership-2022", test_inventory_partnership_2022);
  g_test_add_func ("/forms/field-refs/shared", test_field_refs_shared);
  g_test_add_func ("/forms/conditions", test_conditions);
  g_test_add_func ("/forms/options-and-columns", test_options_and_columns);
  g_test_add_func ("/forms/personal-fields", test_personal_fields);
  g_test_add_func ("/forms/worked-examples", test_worked_examples);
  g_test_add_func ("/forms/field-types", test_field_types);
  g_test_add_func ("/forms/file/single", test_single_form_file);
  g_test_add_func ("/forms/file/missing", test_missing_file);
  g_test_add_func ("/forms/broken/malformed", test_malformed);
  g_test_add_func ("/forms/broken/unknown-type", test_unknown_type);
  g_test_add_func ("/forms/broken/missing-id", test_missing_id);
  g_test_add_func ("/forms/broken/choice-without-options", test_choice_without_options);
  g_test_add_func ("/forms/broken/schema-invalid", test_schema_invalid);
  g_test_add_func ("/forms/broken/duplicate-field", test_duplicate_field);
  g_test_add_func ("/forms/broken/doctype", test_doctype_refused);
  g_test_add_func ("/forms/broken/bytes", test_bytes);
  g_test_add_func ("/forms/broken/error-handler-restored", test_error_handler_restored);

  return g_test_run ();
}
