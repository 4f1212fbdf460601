/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "involve-record.h"

static void
count_changes_cb (InvolveRecord *record,
                  const char    *field_id,
                  guint         *count)
{
  (*count)++;
}

static void
test_record_values (void)
{
  g_autoptr(InvolveRecord) record = involve_record_new ("icb-14z45");
  guint changes = 0;

  g_assert_nonnull (involve_record_get_uuid (record));
  g_assert_cmpstr (involve_record_get_framework_id (record), ==, "icb-14z45");
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_DRAFT);
  g_assert_cmpuint (involve_record_get_version (record), ==, 1);

  g_signal_connect (record, "value-changed::title", G_CALLBACK (count_changes_cb), &changes);

  g_assert_false (involve_record_has_value (record, "title"));
  involve_record_set_string (record, "title", "Podiatry relocation");
  g_assert_cmpstr (involve_record_get_string (record, "title"), ==, "Podiatry relocation");
  g_assert_cmpint (involve_record_get_value_modified (record, "title"), >, 0);
  g_assert_cmpuint (changes, ==, 1);

  /* Setting the same value again is not a change. */
  involve_record_set_string (record, "title", "Podiatry relocation");
  g_assert_cmpuint (changes, ==, 1);

  involve_record_set_string (record, "title", NULL);
  g_assert_false (involve_record_has_value (record, "title"));
  g_assert_cmpuint (changes, ==, 2);

  involve_record_set_answer (record, "step1", INVOLVE_ANSWER_NO);
  g_assert_cmpint (involve_record_get_answer (record, "step1"), ==, INVOLVE_ANSWER_NO);
  g_assert_cmpint (involve_record_get_answer (record, "missing"), ==, INVOLVE_ANSWER_UNKNOWN);
}

static void
test_record_choices_and_copy (void)
{
  g_autoptr(InvolveRecord) record = involve_record_new ("ccg-14z2");
  g_autoptr(InvolveRecord) copy = NULL;
  const char *types[] = { "planning", "operational", NULL };
  g_auto(GStrv) ids = NULL;

  involve_record_set_value (record, "types", g_variant_new_strv (types, -1));
  involve_record_set_string (record, "a", "x");
  g_assert_true (involve_record_has_choice (record, "types", "operational"));
  g_assert_false (involve_record_has_choice (record, "types", "proposal"));

  copy = involve_record_copy (record);
  g_assert_cmpstr (involve_record_get_uuid (copy), ==, involve_record_get_uuid (record));
  g_assert_true (involve_record_has_choice (copy, "types", "planning"));

  ids = involve_record_dup_field_ids (copy);
  g_assert_cmpuint (g_strv_length (ids), ==, 2);
  g_assert_cmpstr (ids[0], ==, "a");
  g_assert_cmpstr (ids[1], ==, "types");
}

static void
test_value_empty (void)
{
  g_autoptr(GVariant) blank = g_variant_ref_sink (g_variant_new_string (" \n\t"));
  g_autoptr(GVariant) text = g_variant_ref_sink (g_variant_new_string ("ok"));
  g_autoptr(GVariant) table = g_variant_ref_sink (g_variant_new_parsed ("[['', ' '], ['', '']]"));
  g_autoptr(GVariant) filled = g_variant_ref_sink (g_variant_new_parsed ("[['', 'risk']]"));
  g_autoptr(GVariant) no = g_variant_ref_sink (g_variant_new_boolean (FALSE));

  g_assert_true (involve_value_is_empty (NULL));
  g_assert_true (involve_value_is_empty (blank));
  g_assert_false (involve_value_is_empty (text));
  g_assert_true (involve_value_is_empty (table));
  g_assert_false (involve_value_is_empty (filled));
  g_assert_false (involve_value_is_empty (no));
}

static void
test_text_blank (void)
{
  g_assert_true (involve_text_is_blank (NULL));
  g_assert_true (involve_text_is_blank (""));
  g_assert_true (involve_text_is_blank (" \t\n\u00a0\u3000"));
  g_assert_false (involve_text_is_blank ("  x "));
}

static void
test_status_strings (void)
{
  for (guint i = 0; i < INVOLVE_N_STATUSES; i++)
    {
      InvolveStatus status;

      g_assert_true (involve_status_from_string (involve_status_to_string (i), &status));
      g_assert_cmpint (status, ==, i);
      g_assert_nonnull (involve_status_get_label (i));
    }
  {
    InvolveStatus status;
    g_assert_false (involve_status_from_string ("signed", &status));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/record/values", test_record_values);
  g_test_add_func ("/record/choices-and-copy", test_record_choices_and_copy);
  g_test_add_func ("/record/value-empty", test_value_empty);
  g_test_add_func ("/record/text-blank", test_text_blank);
  g_test_add_func ("/record/status-strings", test_status_strings);

  return g_test_run ();
}
