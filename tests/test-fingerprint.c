/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "involve-fingerprint.h"

/* The fixed vector: docs/fingerprint.md shows how to reproduce it with
 * nothing but Python's hashlib and unicodedata. */
#define VECTOR_SERIALISATION \
  "format=21:involve-fingerprint-1\n" \
  "uuid=36:0f8fad5b-d9cb-469f-a165-70867728950e\n" \
  "reference=13:INV-2026-0042\n" \
  "version=1:2\n" \
  "framework=9:icb-14z45\n" \
  "field=13:b1-objectives\n" \
  "value=21:s17:Line one\nLine two\n" \
  "field=7:c-risks\n" \
  "value=68:a2:a2:s11:Low turnouts16:Evening sessionsa2:s6:Ysbytys11:Cymraeg: \xc3\xa2\n" \
  "field=19:step1-commissioning\n" \
  "value=2:b1\n" \
  "field=20:step2-activity-types\n" \
  "value=25:a2:s8:plannings8:proposal\n" \
  "field=18:step3-impact-range\n" \
  "value=2:b0\n" \
  "field=5:title\n" \
  "value=29:s25:Caf\xc3\xa9 podiatry relocation\n"
#define VECTOR_FINGERPRINT "0b7f8b46b0f765f0a26c94f2ea379d72a89a4251bf27b0f3a7e33c69910d77f5"

static InvolveRecord *
vector_record (void)
{
  InvolveRecord *record = involve_record_new ("icb-14z45");
  const char *activities[] = { "planning", "proposal", NULL };
  const char *row1[] = { "Low turnout", "Evening sessions", NULL };
  const char *row2[] = { "Ysbyty", "Cymraeg: a\xcc\x82", NULL }; /* â decomposed */
  GVariantBuilder table;

  g_variant_builder_init (&table, G_VARIANT_TYPE ("aas"));
  g_variant_builder_add_value (&table, g_variant_new_strv (row1, -1));
  g_variant_builder_add_value (&table, g_variant_new_strv (row2, -1));

  involve_record_set_uuid (record, "0F8FAD5B-D9CB-469F-A165-70867728950E");
  involve_record_set_reference (record, "INV-2026-0042");
  involve_record_set_version (record, 2);
  /* "Café" with a combining acute accent: NFC makes it one code point. */
  involve_record_set_string (record, "title", "Cafe\xcc\x81 podiatry relocation");
  involve_record_set_answer (record, "step1-commissioning", INVOLVE_ANSWER_YES);
  involve_record_set_answer (record, "step3-impact-range", INVOLVE_ANSWER_NO);
  involve_record_set_value (record, "step2-activity-types", g_variant_new_strv (activities, -1));
  involve_record_set_value (record, "c-risks", g_variant_builder_end (&table));
  involve_record_set_string (record, "b1-objectives", "Line one\nLine two");
  /* Empty answers do not count. */
  involve_record_set_string (record, "b1-location", "   ");
  involve_record_set_value (record, "step2-explanation", g_variant_new_strv (NULL, 0));
  return record;
}

/* Format 2 seals the same record with a sign-off block
 * (docs/fingerprint.md reproduces it). */
#define SEALED_FINGERPRINT "956604e0b729502efc0f2271c6ee71f66c51a188f352560640ca458f15244e09"

static void
test_sealed_vector (void)
{
  g_autoptr(InvolveRecord) record = vector_record ();
  g_autoptr(InvolveSignOff) block = involve_sign_off_new ();
  g_autofree char *certificate = g_strnfill (64, 'x');
  g_autofree char *seal = NULL;
  g_autofree char *other = NULL;
  g_autofree char *plain = involve_fingerprint_compute (record);
  g_autoptr(GBytes) bytes = NULL;

  for (guint i = 0; i < 64; i += 2)
    certificate[i] = 'a', certificate[i + 1] = 'b';
  block->decision = g_strdup ("signed-off");
  block->reviewer_name = g_strdup ("Sam Reviewer");
  block->reviewer_job_title = g_strdup ("Director of Engagement");
  block->reviewer_email = g_strdup ("sam.reviewer@example.org");
  block->reviewer_team = g_strdup ("Governance");
  block->date = g_strdup ("2026-03-31");
  block->comments = g_strdup ("Agreed.");
  block->decided_at_usec = G_GINT64_CONSTANT (1774915200000000);
  seal = involve_fingerprint_compute_sealed (record, block, certificate);
  g_assert_cmpstr (seal, ==, SEALED_FINGERPRINT);
  bytes = involve_fingerprint_serialise_sealed (record, block, certificate);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (bytes, NULL), "format=21:involve-fingerprint-2\n"));

  /* Every part of the block counts, and the format is not format 1's. */
  g_assert_cmpstr (seal, !=, plain);
  g_free (block->comments);
  block->comments = g_strdup ("Agreed!");
  other = involve_fingerprint_compute_sealed (record, block, certificate);
  g_assert_cmpstr (other, !=, seal);
  g_clear_pointer (&other, g_free);
  g_free (block->comments);
  block->comments = g_strdup ("Agreed.");
  certificate[0] = 'c';
  other = involve_fingerprint_compute_sealed (record, block, certificate);
  g_assert_cmpstr (other, !=, seal);
}

static void
test_fixed_vector (void)
{
  g_autoptr(InvolveRecord) record = vector_record ();
  g_autoptr(GBytes) bytes = involve_fingerprint_serialise (record);
  g_autofree char *fingerprint = involve_fingerprint_compute (record);
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  g_assert_cmpmem (data, length, VECTOR_SERIALISATION, strlen (VECTOR_SERIALISATION));
  g_assert_cmpstr (fingerprint, ==, VECTOR_FINGERPRINT);
}

static void
test_not_covered (void)
{
  g_autoptr(InvolveRecord) record = vector_record ();
  g_autoptr(InvolveSignOff) sign_off = involve_sign_off_new ();
  g_autofree char *fingerprint = NULL;

  /* Status, reason, sign-off, times: not part of the content. */
  involve_record_set_status (record, INVOLVE_STATUS_SIGNED_OFF);
  involve_record_set_status_reason (record, "Amended");
  sign_off->reviewer_name = g_strdup ("Sam");
  involve_record_set_sign_off (record, sign_off);
  involve_record_set_created_usec (record, 12345);
  involve_record_set_value_full (record, "title", g_variant_new_string ("Caf\xc3\xa9 podiatry relocation"), 999);
  fingerprint = involve_fingerprint_compute (record);
  g_assert_cmpstr (fingerprint, ==, VECTOR_FINGERPRINT);
}

static void
test_every_part_counts (void)
{
  const char *changes[] = { "uuid", "reference", "version", "framework", "value", "new-field", "type" };

  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_autoptr(InvolveRecord) record = vector_record ();
      g_autofree char *fingerprint = NULL;

      if (i == 0)
        involve_record_set_uuid (record, "1f8fad5b-d9cb-469f-a165-70867728950e");
      else if (i == 1)
        involve_record_set_reference (record, "INV-2026-0043");
      else if (i == 2)
        involve_record_set_version (record, 3);
      else if (i == 3)
        involve_record_set_framework_id (record, "ccg-14z2");
      else if (i == 4)
        involve_record_set_string (record, "b1-objectives", "Line one\nLine two.");
      else if (i == 5)
        involve_record_set_string (record, "b5-feedback", "x");
      else
        involve_record_set_string (record, "step1-commissioning", "b1");
      fingerprint = involve_fingerprint_compute (record);
      g_assert_cmpstr (fingerprint, !=, VECTOR_FINGERPRINT);
    }
}

static void
test_helpers (void)
{
  g_autofree char *short_form = involve_fingerprint_format_short (VECTOR_FINGERPRINT);

  g_assert_cmpstr (short_form, ==, "0b7f 8b46 b0f7 65f0");
  g_assert_true (involve_fingerprint_is_valid (VECTOR_FINGERPRINT));
  g_assert_false (involve_fingerprint_is_valid ("0b7f"));
  g_assert_false (involve_fingerprint_is_valid (NULL));
  g_assert_true (involve_fingerprint_equal (VECTOR_FINGERPRINT,
                                            "0B7F8B46B0F765F0A26C94F2EA379D72A89A4251BF27B0F3A7E33C69910D77F5"));
  g_assert_false (involve_fingerprint_equal (VECTOR_FINGERPRINT, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/fingerprint/fixed-vector", test_fixed_vector);
  g_test_add_func ("/core/fingerprint/sealed-vector", test_sealed_vector);
  g_test_add_func ("/core/fingerprint/status-and-times-not-covered", test_not_covered);
  g_test_add_func ("/core/fingerprint/every-part-counts", test_every_part_counts);
  g_test_add_func ("/core/fingerprint/helpers", test_helpers);

  return g_test_run ();
}
