/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "common-test-util.h"
#include "core-test-util.h"
#include "involve-definitions.h"

static void
test_default_from_resources (void)
{
  g_autoptr(GError) error = NULL;
  InvolveDefinitions *definitions;

  g_unsetenv ("INVOLVE_DATA_DIR");
  definitions = involve_definitions_get_default (&error);
  g_assert_no_error (error);
  g_assert_true (INVOLVE_IS_DEFINITIONS (definitions));
  /* Cached: the same object every time. */
  g_assert_true (involve_definitions_get_default (NULL) == definitions);

  g_assert_cmpuint (involve_definitions_get_forms (definitions)->len, ==, 4);
  g_assert_cmpuint (involve_definitions_get_frameworks (definitions)->len, ==, 3);
  g_assert_cmpuint (involve_definitions_get_reference_lists (definitions)->len, ==, 11);
}

typedef struct
{
  const char *id;
  const char *type;
  const char *label;
  const char *section;
  const char *act_citation_a;
  const char *citation_c;
  const char *special_administrator;
  const char *annual_report;
  const char *health_inequalities;
  const char *from;
  const char *until;
  const char *edition;
  gboolean    carers;
} FrameworkExpectation;

static const FrameworkExpectation expected_frameworks[] = {
  { "ccg-14z2", "ccg", "Clinical commissioning group", "14Z2", "section 14Z2(2)(a)", "section 14Z2(2)(c)",
    "section 14Z2(7)", "section 14Z15", "section 14T", "2013-04-01", "2022-06-30", "2017", FALSE },
  { "nhse-13q", "nhse", "NHS England", "13Q", "section 13Q(2)(a)", "section 13Q(2)(c)",
    "section 13Q(4)", "section 13U", "section 13G", "2013-04-01", NULL, "2022", TRUE },
  { "icb-14z45", "icb", "Integrated care board", "14Z45", "section 14Z45(2)(a)", "section 14Z45(2)(c)",
    "section 14Z45(6)", "section 14Z58", "section 14Z35", "2022-07-01", NULL, "2022", TRUE },
};

static void
test_frameworks (void)
{
  g_autoptr(InvolveDefinitions) definitions = core_test_load_source_definitions ();

  for (guint i = 0; i < G_N_ELEMENTS (expected_frameworks); i++)
    {
      const FrameworkExpectation *e = &expected_frameworks[i];
      const InvolveFramework *framework = involve_definitions_lookup_framework (definitions, e->id);
      const InvolveLimb *limb;

      g_test_message ("framework %s", e->id);
      g_assert_nonnull (framework);
      g_assert_cmpstr (framework->organisation_type, ==, e->type);
      g_assert_cmpstr (framework->organisation_label, ==, e->label);
      g_assert_cmpstr (framework->section, ==, e->section);
      g_assert_cmpstr (framework->act, ==, "National Health Service Act 2006");
      g_assert_cmpstr (framework->in_force_from, ==, e->from);
      g_assert_cmpstr (framework->in_force_until, ==, e->until);
      g_assert_cmpstr (framework->guidance_edition, ==, e->edition);
      g_assert_nonnull (framework->guidance_title);
      g_assert_nonnull (framework->who_is_involved);
      g_assert_cmpint (framework->carers_and_representatives, ==, e->carers);
      g_assert_cmpstr (framework->special_administrator_citation, ==, e->special_administrator);
      g_assert_cmpstr (framework->annual_report_citation, ==, e->annual_report);
      g_assert_cmpstr (framework->health_inequalities_citation, ==, e->health_inequalities);

      g_assert_cmpuint (framework->limbs->len, ==, 3);
      limb = involve_framework_lookup_limb (framework, "a");
      g_assert_cmpstr (limb->citation, ==, e->act_citation_a);
      g_assert_false (limb->needs_impact);
      g_assert_true (involve_framework_lookup_limb (framework, "b")->needs_impact);
      limb = involve_framework_lookup_limb (framework, "c");
      g_assert_cmpstr (limb->citation, ==, e->citation_c);
      g_assert_true (limb->needs_impact);
      g_assert_nonnull (limb->summary);
      g_assert_null (involve_framework_lookup_limb (framework, "d"));
    }

  g_assert_null (involve_definitions_lookup_framework (definitions, "pct-1999"));
}

static void
test_quotations (void)
{
  g_autoptr(InvolveDefinitions) definitions = core_test_load_source_definitions ();
  const InvolveFramework *ccg = involve_definitions_lookup_framework (definitions, "ccg-14z2");
  const InvolveFramework *nhse = involve_definitions_lookup_framework (definitions, "nhse-13q");
  const InvolveQuotation *quotation;

  g_assert_cmpuint (ccg->quotations->len, >=, 1);
  quotation = g_ptr_array_index (ccg->quotations, 0);
  g_assert_cmpstr (quotation->citation, ==, "section 14Z2(2)");
  g_assert_true (g_str_has_prefix (quotation->text, "The clinical commissioning group must make arrangements"));
  g_assert_nonnull (strstr (quotation->source, "National Health Service Act 2006"));
  g_assert_nonnull (quotation->date);

  /* NHS England: the 2017 guidance, then the 2022 one, which is current. */
  g_assert_cmpuint (nhse->guidance_editions->len, ==, 2);
  g_assert_cmpstr (((InvolveGuidanceEdition *) g_ptr_array_index (nhse->guidance_editions, 0))->edition, ==, "2017");
  g_assert_cmpstr (involve_framework_get_current_guidance (nhse)->edition, ==, "2022");
  g_assert_cmpstr (nhse->guidance_publisher, ==, "NHS England");
  g_assert_cmpstr (involve_framework_get_current_guidance (ccg)->edition, ==, "2017");
}

typedef struct
{
  const char *id;
  guint       n_items;
  const char *first_item;
} ListExpectation;

static void
test_reference_lists (void)
{
  g_autoptr(InvolveDefinitions) definitions = core_test_load_source_definitions ();
  const ListExpectation expected[] = {
    { "protected-characteristics", 9, "age" },
    { "gunning-principles", 4, "formative-stage" },
    { "participation-principles", 10, "reach-out" },
    { "partnership-principles-2022", 10, "decision-making-governance" },
    { "previous-involvement-questions", 7, "same-proposal" },
    { "warning-signs", 4, "group-needs-overlooked" },
    { "insight-sources", 11, "surveys" },
    { "engagement-methods", 18, "elected-representatives" },
    { "seldom-heard-groups", 16, "black-asian-minority-ethnic" },
    { "trigger-circumstances", 11, "strategic-planning" },
    { "partner-types", 6, "healthwatch" },
  };
  const char * const characteristics[] = {
    "age", "disability", "gender-reassignment", "marriage-civil-partnership",
    "pregnancy-maternity", "race", "religion-belief", "sex", "sexual-orientation",
  };
  const InvolveReferenceList *list;

  g_assert_cmpuint (involve_definitions_get_reference_lists (definitions)->len, ==, G_N_ELEMENTS (expected));

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      list = involve_definitions_lookup_reference_list (definitions, expected[i].id);
      g_test_message ("list %s", expected[i].id);
      g_assert_nonnull (list);
      g_assert_nonnull (list->title);
      g_assert_nonnull (list->source);
      g_assert_cmpuint (list->items->len, ==, expected[i].n_items);
      g_assert_cmpstr (((InvolveReferenceItem *) g_ptr_array_index (list->items, 0))->id, ==, expected[i].first_item);
      for (guint j = 0; j < list->items->len; j++)
        g_assert_nonnull (((InvolveReferenceItem *) g_ptr_array_index (list->items, j))->label);
    }

  /* Sex and sexual orientation are two characteristics, not one. */
  list = involve_definitions_lookup_reference_list (definitions, "protected-characteristics");
  for (guint i = 0; i < G_N_ELEMENTS (characteristics); i++)
    g_assert_nonnull (involve_reference_list_lookup_item (list, characteristics[i]));
  g_assert_cmpstr (involve_reference_list_lookup_item (list, "sex")->label, ==, "Sex");
  g_assert_null (involve_reference_list_lookup_item (list, "height"));
  g_assert_null (involve_definitions_lookup_reference_list (definitions, "no-such-list"));
}

static void
test_resources_match_source (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveDefinitions) from_resources = involve_definitions_new_from_resources (&error);
  g_autoptr(InvolveDefinitions) from_source = core_test_load_source_definitions ();
  GPtrArray *a, *b;

  g_assert_no_error (error);
  a = involve_definitions_get_forms (from_resources);
  b = involve_definitions_get_forms (from_source);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      InvolveForm *fa = g_ptr_array_index (a, i);
      InvolveForm *fb = g_ptr_array_index (b, i);

      g_assert_cmpstr (involve_form_get_id (fa), ==, involve_form_get_id (fb));
      g_assert_cmpuint (involve_form_get_sections (fa)->len, ==, involve_form_get_sections (fb)->len);
      g_assert_true (g_str_has_prefix (involve_form_get_name (fa), "resource:///org/involve/Involve/data/forms/"));
    }
}

/* Copies the source data folder so that a test can break one file of it. */
static void
copy_tree (GFile *source,
           GFile *destination)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GError) error = NULL;
  GFileInfo *info;

  g_assert_true (g_file_make_directory_with_parents (destination, NULL, &error) ||
                 g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS));
  g_clear_error (&error);

  enumerator = g_file_enumerate_children (source, "standard::name,standard::type",
                                          G_FILE_QUERY_INFO_NONE, NULL, &error);
  g_assert_no_error (error);

  while ((info = g_file_enumerator_next_file (enumerator, NULL, &error)) != NULL)
    {
      g_autoptr(GFile) from = g_file_get_child (source, g_file_info_get_name (info));
      g_autoptr(GFile) to = g_file_get_child (destination, g_file_info_get_name (info));

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        copy_tree (from, to);
      else
        {
          g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
          g_assert_no_error (error);
        }
      g_object_unref (info);
    }
  g_assert_no_error (error);
}

/* Loads the real data with one file replaced by a broken sample and
 * returns the error. */
static GError *
load_with_replacement (const char *relative_path,
                       const char *sample)
{
  g_autofree char *tmp = g_dir_make_tmp ("involve-definitions-XXXXXX", NULL);
  g_autoptr(GFile) directory = g_file_new_for_path (tmp);
  g_autoptr(GFile) source = g_file_new_for_path (g_getenv ("INVOLVE_SOURCE_DATADIR"));
  g_autofree char *sample_path = g_test_build_filename (G_TEST_DIST, "data", sample, NULL);
  g_autoptr(GFile) sample_file = g_file_new_for_path (sample_path);
  g_autoptr(GFile) target = NULL;
  g_autoptr(InvolveDefinitions) definitions = NULL;
  GError *error = NULL;

  g_assert_nonnull (tmp);
  copy_tree (source, directory);

  /* The unbroken copy loads. */
  definitions = involve_definitions_new_from_directory (directory, &error);
  g_assert_no_error (error);
  g_clear_object (&definitions);

  target = g_file_resolve_relative_path (directory, relative_path);
  g_file_copy (sample_file, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  definitions = involve_definitions_new_from_directory (directory, &error);
  g_assert_null (definitions);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);

  test_util_remove_tree (g_file_peek_path (directory));
  return error;
}

static void
assert_refused (const char *relative_path,
                const char *sample,
                const char *file_and_line,
                const char *problem)
{
  g_autoptr(GError) error = load_with_replacement (relative_path, sample);

  g_assert_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID);
  if (strstr (error->message, file_and_line) == NULL || strstr (error->message, problem) == NULL)
    g_error ("“%s” does not name “%s” and “%s”", error->message, file_and_line, problem);
}

static void
test_duplicate_id_across_forms (void)
{
  assert_refused ("forms/appendix-c.xml", "appendix-c-duplicate-id.xml",
                  "appendix-c.xml:56:", "“title” is already used in");
  assert_refused ("forms/appendix-c.xml", "appendix-c-duplicate-id.xml",
                  "appendix-c.xml:56:", "three-step-test.xml, line 18");
}

static void
test_dangling_ref (void)
{
  assert_refused ("forms/appendix-c.xml", "appendix-c-dangling-ref.xml",
                  "appendix-c.xml:56:", "field-ref “no-such-field”");
}

static void
test_condition_unknown_field (void)
{
  assert_refused ("forms/appendix-c.xml", "appendix-c-bad-condition.xml",
                  "appendix-c.xml:59:", "names “no-such-field”, which is not a field");
}

/* A second <required-when> is checked like the first. */
static void
test_second_condition_unknown_field (void)
{
  assert_refused ("forms/appendix-c.xml", "appendix-c-bad-second-condition.xml",
                  "appendix-c.xml:49:", "names “no-such-field”, which is not a field");
}

/* Guidance pointers name only the frameworks' citations that exist. */
static void
test_unknown_citation_placeholder (void)
{
  assert_refused ("forms/appendix-c.xml", "appendix-c-bad-placeholder.xml",
                  "appendix-c.xml:45:", "{no-such-citation}");
}

/* Each framework's own subsection, from frameworks.xml. */
static void
test_guidance_ref_citations (void)
{
  g_autoptr(GError) error = NULL;
  InvolveDefinitions *defs = involve_definitions_get_default (&error);
  const InvolveField *field;
  g_autofree char *icb = NULL, *ccg = NULL, *nhse = NULL, *unknown = NULL;

  g_assert_no_error (error);
  field = involve_definitions_lookup_field (defs, "special-administrator", NULL);
  g_assert_nonnull (field);
  icb = involve_definitions_dup_guidance_ref (defs, field->guidance_ref, "icb-14z45");
  ccg = involve_definitions_dup_guidance_ref (defs, field->guidance_ref, "ccg-14z2");
  nhse = involve_definitions_dup_guidance_ref (defs, field->guidance_ref, "nhse-13q");
  unknown = involve_definitions_dup_guidance_ref (defs, field->guidance_ref, "no-such-framework");
  g_assert_cmpstr (icb, ==, "Appendix A: section 14Z45(6)");
  g_assert_cmpstr (ccg, ==, "Appendix A: section 14Z2(7)");
  g_assert_cmpstr (nhse, ==, "Appendix A: section 13Q(4)");
  /* Not pinned to a known framework: every one, rather than a wrong one. */
  g_assert_nonnull (strstr (unknown, "14Z45(6)"));
  g_assert_nonnull (strstr (unknown, "14Z2(7)"));
  g_assert_nonnull (strstr (unknown, "13Q(4)"));
  g_assert_null (strchr (unknown, '{'));
}

static void
test_condition_unknown_option (void)
{
  assert_refused ("forms/appendix-c.xml", "appendix-c-bad-option.xml",
                  "appendix-c.xml:59:", "“parish-council”, which is not an option of “organisation-type”");
}

static void
test_condition_on_text_field (void)
{
  assert_refused ("forms/appendix-c.xml", "appendix-c-text-condition.xml",
                  "appendix-c.xml:59:", "a text field");
}

static void
test_unknown_options_list (void)
{
  assert_refused ("forms/appendix-c.xml", "appendix-c-unknown-list.xml",
                  "appendix-c.xml:56:", "“no-such-list”, which is not a reference list");
}

static void
test_framework_missing_limb (void)
{
  assert_refused ("frameworks.xml", "frameworks-missing-limb.xml",
                  "frameworks.xml:54:", "limbs a, b and c");
}

static void
test_reference_duplicate_item (void)
{
  assert_refused ("reference/gunning-principles.xml", "reference-duplicate-item.xml",
                  "gunning-principles.xml:14:", "“formative-stage” is used twice");
}

static void
test_malformed_in_directory (void)
{
  g_autoptr(GError) error = load_with_replacement ("forms/appendix-b.xml", "malformed.xml");

  g_assert_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "forms/appendix-b.xml:8:"));
}

static void
test_default_from_broken_directory (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) again = NULL;

      /* tests/data is laid out nothing like data/: no frameworks.xml. */
      g_setenv ("INVOLVE_DATA_DIR", path, TRUE);
      g_assert_null (involve_definitions_get_default (&error));
      g_assert_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_NOT_FOUND);
      g_assert_nonnull (strstr (error->message, "frameworks.xml"));

      /* The first failure is cached. */
      g_assert_null (involve_definitions_get_default (&again));
      g_assert_cmpstr (again->message, ==, error->message);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_default_from_data_dir (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      InvolveDefinitions *definitions;
      InvolveForm *form;

      g_setenv ("INVOLVE_DATA_DIR", g_getenv ("INVOLVE_SOURCE_DATADIR"), TRUE);
      definitions = involve_definitions_get_default (&error);
      g_assert_no_error (error);
      form = involve_definitions_get_form (definitions, INVOLVE_FORM_APPENDIX_B);
      g_assert_false (g_str_has_prefix (involve_form_get_name (form), "resource:"));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A data folder is checked against the schemas, not only the rules. */
static void
test_default_data_dir_checked_against_schemas (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *tmp = g_dir_make_tmp ("involve-definitions-XXXXXX", NULL);
      g_autoptr(GFile) directory = g_file_new_for_path (tmp);
      g_autoptr(GFile) source = g_file_new_for_path (g_getenv ("INVOLVE_SOURCE_DATADIR"));
      g_autofree char *sample_path = g_test_build_filename (G_TEST_DIST, "data", "bad-boolean.xml", NULL);
      g_autoptr(GFile) sample = g_file_new_for_path (sample_path);
      g_autoptr(GFile) target = NULL;
      g_autoptr(GError) error = NULL;

      copy_tree (source, directory);
      target = g_file_resolve_relative_path (directory, "forms/appendix-b.xml");
      g_file_copy (sample, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);

      g_setenv ("INVOLVE_DATA_DIR", tmp, TRUE);
      g_assert_null (involve_definitions_get_default (&error));
      test_util_remove_tree (g_file_peek_path (directory));
      g_assert_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "does not match the schema form.rng"));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* The app loads the built-in definitions without the schemas (to start
 * faster); this is what makes sure they pass them. */
static void
test_resources_pass_schemas (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveDefinitions) checked = involve_definitions_new_from_resources (&error);
  InvolveDefinitions *trusted;
  GPtrArray *a, *b;

  g_assert_no_error (error);
  g_assert_nonnull (checked);

  /* And without them the same definitions come out. */
  g_unsetenv ("INVOLVE_DATA_DIR");
  trusted = involve_definitions_get_default (&error);
  g_assert_no_error (error);
  a = involve_definitions_get_forms (checked);
  b = involve_definitions_get_forms (trusted);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      GPtrArray *sa = involve_form_get_sections (g_ptr_array_index (a, i));
      GPtrArray *sb = involve_form_get_sections (g_ptr_array_index (b, i));

      g_assert_cmpuint (sa->len, ==, sb->len);
      for (guint j = 0; j < sa->len; j++)
        g_assert_cmpuint (((InvolveSection *) g_ptr_array_index (sa, j))->fields->len, ==,
                          ((InvolveSection *) g_ptr_array_index (sb, j))->fields->len);
    }
  g_assert_cmpuint (involve_definitions_get_frameworks (checked)->len, ==,
                    involve_definitions_get_frameworks (trusted)->len);
  g_assert_cmpuint (involve_definitions_get_reference_lists (checked)->len, ==,
                    involve_definitions_get_reference_lists (trusted)->len);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/definitions/default/from-resources", test_default_from_resources);
  g_test_add_func ("/definitions/default/from-data-dir", test_default_from_data_dir);
  g_test_add_func ("/definitions/default/broken-data-dir", test_default_from_broken_directory);
  g_test_add_func ("/definitions/default/data-dir-checked-against-schemas", test_default_data_dir_checked_against_schemas);
  g_test_add_func ("/definitions/resources-match-source", test_resources_match_source);
  g_test_add_func ("/definitions/resources-pass-schemas", test_resources_pass_schemas);
  g_test_add_func ("/definitions/frameworks/citations", test_frameworks);
  g_test_add_func ("/definitions/frameworks/quotations", test_quotations);
  g_test_add_func ("/definitions/frameworks/missing-limb", test_framework_missing_limb);
  g_test_add_func ("/definitions/reference-lists/counts", test_reference_lists);
  g_test_add_func ("/definitions/reference-lists/duplicate-item", test_reference_duplicate_item);
  g_test_add_func ("/definitions/rules/duplicate-id-across-forms", test_duplicate_id_across_forms);
  g_test_add_func ("/definitions/rules/dangling-ref", test_dangling_ref);
  g_test_add_func ("/definitions/rules/condition-unknown-field", test_condition_unknown_field);
  g_test_add_func ("/definitions/rules/second-condition-unknown-field", test_second_condition_unknown_field);
  g_test_add_func ("/definitions/rules/unknown-citation-placeholder", test_unknown_citation_placeholder);
  g_test_add_func ("/definitions/citations-per-framework", test_guidance_ref_citations);
  g_test_add_func ("/definitions/rules/condition-unknown-option", test_condition_unknown_option);
  g_test_add_func ("/definitions/rules/condition-on-text-field", test_condition_on_text_field);
  g_test_add_func ("/definitions/rules/unknown-options-list", test_unknown_options_list);
  g_test_add_func ("/definitions/rules/malformed-form", test_malformed_in_directory);

  return g_test_run ();
}
