/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib.h>

#include "cli-test-util.h"

/*
 * Runs the built involve-cli (path in $INVOLVE_CLI) the way a script would
 * and checks its first two lines and exit status: every worked example of
 * seed 004 under each framework, and the usage errors.
 */

typedef struct
{
  const char *name;
  const char *args;     /* after --framework ID */
  const char *outcome;
  const char *limbs;    /* limb letters, e.g. "ac"; "" for none */
} CliExample;

static const CliExample examples[] = {
  { "podiatry-relocation", "--commissioning yes --activity operational --impact-delivery yes --impact-range no", "applies", "c" },
  { "administrative-office-relocation", "--commissioning no", "does-not-apply", "" },
  { "diabetes-commissioning-policy", "--commissioning yes --activity planning", "applies", "a" },
  { "ae-reconfiguration-options", "--commissioning yes --activity proposal --impact-delivery yes --impact-range yes", "applies", "b" },
  { "fracture-clinic-closure", "--commissioning yes --activity operational --impact-delivery yes", "applies", "c" },
  { "gp-practice-closure", "--commissioning yes --activity operational --impact-delivery yes --impact-range no", "applies", "c" },
  { "gp-retirement", "--commissioning yes --activity operational --impact-delivery no --impact-range no", "does-not-apply", "" },
  { "gp-contract-reaward-unchanged", "--commissioning yes --activity operational --impact-delivery no --impact-range no", "does-not-apply", "" },
  { "dental-contract-patient-safety", "--commissioning yes --activity operational --impact-delivery yes --impact-range no --urgent", "applies", "c" },
  { "planning-and-operational", "--commissioning yes --activity planning,operational --impact-delivery yes --impact-range no", "applies", "ac" },
  { "special-administrator", "--commissioning yes --activity proposal --impact-delivery yes --special-administrator", "does-not-apply", "" },
};

static const struct
{
  const char *id;
  const char *section;
} frameworks[] = {
  { "icb-14z45", "14Z45" },
  { "ccg-14z2", "14Z2" },
  { "nhse-13q", "13Q" },
};

static int
run_cli (const char  *args,
         char       **out,
         char       **err)
{
  g_autofree char *line = g_strdup_printf ("assess %s", args);
  g_auto(CliRun) run = { 0 };

  cli_test_run_line (&run, line);
  *out = g_steal_pointer (&run.out);
  *err = g_steal_pointer (&run.err);
  return run.status;
}

typedef struct
{
  const CliExample *example;
  guint             framework;
} CliCase;

static void
test_cli_example (gconstpointer data)
{
  const CliCase *test_case = data;
  const CliExample *example = test_case->example;
  const char *section = frameworks[test_case->framework].section;
  g_autofree char *args = g_strdup_printf ("--framework %s %s", frameworks[test_case->framework].id, example->args);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *line1 = NULL;
  g_auto(GStrv) lines = NULL;
  GString *line2 = g_string_new ("limbs: ");
  g_autofree char *expected_line2 = NULL;
  int status;

  status = run_cli (args, &out, &err);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);

  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, 4);

  line1 = g_strdup_printf ("outcome: %s", example->outcome);
  g_assert_cmpstr (lines[0], ==, line1);

  if (*example->limbs == '\0')
    g_string_append (line2, "none");
  for (const char *limb = example->limbs; *limb != '\0'; limb++)
    g_string_append_printf (line2, "%ssection %s(2)(%c)", limb == example->limbs ? "" : ", ", section, *limb);
  expected_line2 = g_string_free (line2, FALSE);
  g_assert_cmpstr (lines[1], ==, expected_line2);

  /* Then the reasons, which cite the framework's section. */
  g_assert_true (g_str_has_prefix (lines[2], "Step 1:"));
  {
    g_autofree char *cite = g_strdup_printf ("section %s ", section);

    g_assert_nonnull (strstr (lines[2], cite));
  }
  if (strstr (example->args, "--urgent") != NULL)
    g_assert_nonnull (strstr (out, "Note: Urgency does not switch the duty off"));
}

static void
assert_usage_error (const char *args,
                    const char *needle)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = run_cli (args, &out, &err);

  g_assert_cmpint (status, ==, 2);
  g_assert_cmpstr (out, ==, "");
  if (strstr (err, needle) == NULL)
    g_error ("“involve-cli assess %s” said “%s”, not “%s”", args, err, needle);
}

static void
test_cli_missing_and_contradictory (void)
{
  assert_usage_error ("--commissioning yes", "--framework is missing");
  assert_usage_error ("--framework pct-1999 --commissioning yes", "Unknown framework “pct-1999”");
  assert_usage_error ("--framework icb-14z45", "--commissioning yes|no");
  assert_usage_error ("--framework icb-14z45 --commissioning perhaps", "“yes” or “no”");
  assert_usage_error ("--framework icb-14z45 --commissioning yes", "Step 2 is not answered");
  assert_usage_error ("--framework icb-14z45 --commissioning yes --activity proposal", "Step 3 is not answered");
  assert_usage_error ("--framework icb-14z45 --commissioning yes --activity operational --impact-delivery no",
                      "--impact-range yes|no");
  assert_usage_error ("--framework icb-14z45 --commissioning yes --activity consultation", "“consultation”");
  assert_usage_error ("--framework ccg-14z2 --commissioning no --activity planning", "does not relate to commissioning");
  assert_usage_error ("--framework ccg-14z2 --commissioning yes --activity planning --co-commissioning merger", "“merger”");
  assert_usage_error ("--framework ccg-14z2 --commissioning yes --activity planning extra", "“extra”");
  assert_usage_error ("--framework ccg-14z2 --no-such-option", "no-such-option");
  assert_usage_error ("--framework nhse-13q --commissioning no --date 2019-02-30", "YYYY-MM-DD");
  assert_usage_error ("--framework nhse-13q --commissioning no --date 2019-02-300000", "YYYY-MM-DD");
}

static void
test_cli_co_commissioning (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  /* Model 1 for a CCG: only NHS England's 13Q duty is engaged. */
  status = run_cli ("--framework ccg-14z2 --commissioning yes --activity operational --impact-delivery yes --co-commissioning seat-at-table",
                    &out, &err);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out, "outcome: does-not-apply\nlimbs: none\n"));
  g_assert_nonnull (strstr (out, "section 13Q"));
  g_assert_nonnull (strstr (out, "NHS England completes the assessment and planning form"));
}

static void
test_cli_guidance_date (void)
{
  g_autofree char *out_2019 = NULL;
  g_autofree char *out_2024 = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli ("--framework nhse-13q --commissioning yes --activity planning --date 2019-05-01", &out_2019, &err), ==, 0);
  g_assert_nonnull (strstr (out_2019, "(2017)"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli ("--framework nhse-13q --commissioning yes --activity planning --date 2024-05-01", &out_2024, &err), ==, 0);
  g_assert_nonnull (strstr (out_2024, "(2022)"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_free);

  g_test_init (&argc, &argv, NULL);

  for (guint f = 0; f < G_N_ELEMENTS (frameworks); f++)
    {
      for (guint e = 0; e < G_N_ELEMENTS (examples); e++)
        {
          CliCase *test_case = g_new0 (CliCase, 1);
          g_autofree char *path = g_strdup_printf ("/cli/assess/%s/%s", frameworks[f].id, examples[e].name);

          test_case->example = &examples[e];
          test_case->framework = f;
          g_ptr_array_add (cases, test_case);
          g_test_add_data_func (path, test_case, test_cli_example);
        }
    }
  g_test_add_func ("/cli/assess/usage-errors", test_cli_missing_and_contradictory);
  g_test_add_func ("/cli/assess/co-commissioning", test_cli_co_commissioning);
  g_test_add_func ("/cli/assess/guidance-date", test_cli_guidance_date);

  return g_test_run ();
}
