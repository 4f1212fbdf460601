/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "involve-definitions.h"

static InvolveDefinitions *
load_source_definitions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) directory = g_file_new_for_path (g_getenv ("INVOLVE_SOURCE_DATADIR"));
  InvolveDefinitions *definitions;

  definitions = involve_definitions_new_from_directory (directory, &error);
  g_assert_no_error (error);
  g_assert_nonnull (definitions);

  return definitions;
}

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

  g_assert_cmpuint (involve_definitions_get_forms (definitions)->len, ==, 3);
  g_assert_cmpuint (involve_definitions_get_frameworks (definitions)->len, ==, 3);
  g_assert_cmpuint (involve_definitions_get_reference_lists (definitions)->len, ==, 9);
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
  g_autoptr(InvolveDefinitions) definitions = load_source_definitions ();

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/definitions/default/from-resources", test_default_from_resources);
  g_test_add_func ("/definitions/frameworks/citations", test_frameworks);

  return g_test_run ();
}
