/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "involve-fingerprint.h"
#include "involve-xml.h"
#include "export-test-util.h"

static InvolveExchangeRecord *
make_exchange_record (void)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveRecord) first = export_test_make_record (definitions, "INV-2026-0042", 30, 4);
  g_autoptr(InvolveRecord) second = NULL;
  InvolveExchangeRecord *record = involve_exchange_record_new ();

  export_test_sign (first);
  involve_record_set_status (first, INVOLVE_STATUS_SUPERSEDED);
  involve_exchange_record_add_version (record, first);

  second = involve_record_copy (first);
  involve_record_set_version (second, 2);
  involve_record_set_status (second, INVOLVE_STATUS_DRAFT);
  involve_record_set_sign_off (second, NULL);
  involve_record_set_status_reason (second, "Amended after the engagement event: <new> & \"quoted\"");
  involve_record_set_value_full (second, "b1-location",
                                 g_variant_new_string ("  Leading and trailing spaces,\r\nCRLF, tab\t, ]]> and <tags> & more  "),
                                 1763999999123456);
  involve_record_set_value_full (second, "step2-activity-types",
                                 g_variant_new_strv ((const char *[]) { "proposal", NULL }, -1),
                                 1763999999000001);
  involve_exchange_record_add_version (record, second);

  for (int i = 1; i <= 3; i++)
    {
      InvolveAuditEntry *entry = g_new0 (InvolveAuditEntry, 1);

      entry->id = 10 + i;
      entry->time_usec = 1763800000000000 + i;
      entry->account = g_strdup ("awhitcombe");
      entry->profile = i == 2 ? NULL : g_strdup ("Alexandra");
      entry->kind = g_strdup (i == 1 ? "create" : "value");
      entry->record_uuid = g_strdup (involve_record_get_uuid (first));
      entry->version = i == 3 ? 2 : 1;
      entry->field_id = i == 1 ? NULL : g_strdup ("b1-location");
      entry->old_value = i == 3 ? g_strdup ("'Town centre'") : NULL;
      entry->new_value = i == 1 ? NULL : g_strdup ("'Qb1-location'");
      entry->details = g_strdup ("détails ✓");
      entry->prev_hash = g_strnfill (64, 'a');
      entry->hash = g_strnfill (64, 'b');
      g_ptr_array_add (record->audit, entry);
    }

  return record;
}

static void
assert_versions_equal (InvolveRecord *a,
                       InvolveRecord *b)
{
  g_auto(GStrv) ids_a = involve_record_dup_field_ids (a);
  g_auto(GStrv) ids_b = involve_record_dup_field_ids (b);
  const InvolveSignOff *sign_a = involve_record_get_sign_off (a);
  const InvolveSignOff *sign_b = involve_record_get_sign_off (b);

  g_assert_cmpstr (involve_record_get_uuid (a), ==, involve_record_get_uuid (b));
  g_assert_cmpstr (involve_record_get_reference (a), ==, involve_record_get_reference (b));
  g_assert_cmpstr (involve_record_get_framework_id (a), ==, involve_record_get_framework_id (b));
  g_assert_cmpuint (involve_record_get_version (a), ==, involve_record_get_version (b));
  g_assert_cmpint (involve_record_get_status (a), ==, involve_record_get_status (b));
  g_assert_cmpint (involve_record_get_created_usec (a), ==, involve_record_get_created_usec (b));
  g_assert_cmpstr (involve_record_get_status_reason (a), ==, involve_record_get_status_reason (b));
  g_assert_cmpstrv (ids_a, ids_b);

  for (guint i = 0; ids_a[i] != NULL; i++)
    {
      g_assert_true (g_variant_equal (involve_record_get_value (a, ids_a[i]),
                                      involve_record_get_value (b, ids_a[i])));
      g_assert_cmpint (involve_record_get_value_modified (a, ids_a[i]), ==,
                       involve_record_get_value_modified (b, ids_a[i]));
    }

  g_assert_true ((sign_a == NULL) == (sign_b == NULL));
  if (sign_a != NULL)
    {
      g_assert_cmpstr (sign_a->reviewer_name, ==, sign_b->reviewer_name);
      g_assert_cmpstr (sign_a->reviewer_job_title, ==, sign_b->reviewer_job_title);
      g_assert_cmpstr (sign_a->reviewer_email, ==, sign_b->reviewer_email);
      g_assert_cmpstr (sign_a->reviewer_team, ==, sign_b->reviewer_team);
      g_assert_cmpstr (sign_a->date, ==, sign_b->date);
      g_assert_cmpstr (sign_a->decision, ==, sign_b->decision);
      g_assert_cmpstr (sign_a->comments, ==, sign_b->comments);
      g_assert_cmpstr (sign_a->fingerprint, ==, sign_b->fingerprint);
      g_assert_cmpint (sign_a->decided_at_usec, ==, sign_b->decided_at_usec);
    }
}

static void
test_round_trip (void)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_exchange_record_free);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GError) error = NULL;
  InvolveExchangeRecord *original, *copy;

  original = make_exchange_record ();
  g_ptr_array_add (records, original);

  bytes = involve_xml_serialise (records, &error);
  g_assert_no_error (error);
  back = involve_xml_parse (bytes, "round-trip.xml", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 1);
  copy = g_ptr_array_index (back, 0);

  g_assert_cmpuint (copy->versions->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      assert_versions_equal (g_ptr_array_index (original->versions, i),
                             g_ptr_array_index (copy->versions, i));
      g_assert_cmpstr (g_ptr_array_index (original->fingerprints, i), ==,
                       g_ptr_array_index (copy->fingerprints, i));
    }

  g_assert_cmpuint (copy->audit->len, ==, original->audit->len);
  for (guint i = 0; i < copy->audit->len; i++)
    {
      InvolveAuditEntry *a = g_ptr_array_index (original->audit, i);
      InvolveAuditEntry *b = g_ptr_array_index (copy->audit, i);

      g_assert_cmpint (a->id, ==, b->id);
      g_assert_cmpint (a->time_usec, ==, b->time_usec);
      g_assert_cmpstr (a->account, ==, b->account);
      g_assert_cmpstr (a->profile, ==, b->profile);
      g_assert_cmpstr (a->kind, ==, b->kind);
      g_assert_cmpstr (a->record_uuid, ==, b->record_uuid);
      g_assert_cmpuint (a->version, ==, b->version);
      g_assert_cmpstr (a->field_id, ==, b->field_id);
      g_assert_cmpstr (a->old_value, ==, b->old_value);
      g_assert_cmpstr (a->new_value, ==, b->new_value);
      g_assert_cmpstr (a->details, ==, b->details);
      g_assert_cmpstr (a->prev_hash, ==, b->prev_hash);
      g_assert_cmpstr (a->hash, ==, b->hash);
    }

  /* Export of the import: the same records (the export time aside). */
  again = involve_xml_serialise (back, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (again), ==, g_bytes_get_size (bytes));
}

static void
test_write_file_is_atomic (void)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_exchange_record_free);
  g_autofree char *dir = export_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "out.xml", NULL);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  InvolveExchangeRecord *record = make_exchange_record ();
  InvolveRecord *second;
  guint n_files = 0;

  g_ptr_array_add (records, record);
  g_assert_true (g_file_set_contents (path, "previous contents", -1, NULL));

  /* A value XML cannot carry: refused, the old file untouched, no temporary left. */
  second = g_ptr_array_index (record->versions, 1);
  involve_record_set_string (second, "b1-location", "bell \a character");
  g_assert_false (involve_xml_write_file (records, path, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID);
  g_clear_error (&error);
  {
    g_autofree char *contents = NULL;
    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "previous contents");
  }

  involve_record_set_string (second, "b1-location", "fine");
  g_ptr_array_index (record->fingerprints, 1) = (g_free (g_ptr_array_index (record->fingerprints, 1)),
                                                 involve_fingerprint_compute (second));
  g_assert_true (involve_xml_write_file (records, path, &error));
  g_assert_no_error (error);
  back = involve_xml_read_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 1);

  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    n_files++;
  g_assert_cmpuint (n_files, ==, 1);

  g_unlink (path);
  g_rmdir (dir);
}

static void
assert_refused (const char         *name,
                InvolveExportError  code,
                const char         *message_part)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "xml", name, NULL);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  records = involve_xml_read_file (path, &error);
  g_assert_null (records);
  g_assert_error (error, INVOLVE_EXPORT_ERROR, (int) code);
  g_test_message ("%s: %s", name, error->message);
  if (message_part != NULL && strstr (error->message, message_part) == NULL)
    g_error ("%s: message “%s” does not mention “%s”", name, error->message, message_part);
}

static void
test_hostile_files (void)
{
  assert_refused ("xxe.xml", INVOLVE_EXPORT_ERROR_HOSTILE, "document type declaration");
  assert_refused ("external-dtd.xml", INVOLVE_EXPORT_ERROR_HOSTILE, "document type declaration");
  assert_refused ("billion-laughs.xml", INVOLVE_EXPORT_ERROR_HOSTILE, "document type declaration");
  assert_refused ("deep-nesting.xml", INVOLVE_EXPORT_ERROR_HOSTILE, "deep");
  assert_refused ("bad-utf8.xml", INVOLVE_EXPORT_ERROR_HOSTILE, "UTF-8");
  assert_refused ("latin1-declared.xml", INVOLVE_EXPORT_ERROR_HOSTILE, "UTF-8");
  assert_refused ("utf16.xml", INVOLVE_EXPORT_ERROR_HOSTILE, "UTF-8");
  assert_refused ("schema-invalid.xml", INVOLVE_EXPORT_ERROR_INVALID, "line");
  assert_refused ("wrong-namespace.xml", INVOLVE_EXPORT_ERROR_INVALID, NULL);
  assert_refused ("xinclude.xml", INVOLVE_EXPORT_ERROR_INVALID, NULL);
  assert_refused ("not-well-formed.xml", INVOLVE_EXPORT_ERROR_MALFORMED, "line");
  assert_refused ("undefined-entity.xml", INVOLVE_EXPORT_ERROR_MALFORMED, "nbsp");
}

static void
test_deeper_than_libxml (void)
{
  GString *text = g_string_new ("<?xml version=\"1.0\"?><involve-exchange xmlns=\"urn:involve:exchange:1\">");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append (text, "<a>");
  bytes = g_string_free_to_bytes (text);
  g_assert_null (involve_xml_parse (bytes, "deep", &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_HOSTILE);
}

static void
test_huge_file (void)
{
  g_autofree char *dir = export_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "huge.xml", NULL);
  g_autoptr(GError) error = NULL;
  FILE *file = g_fopen (path, "w");

  /* Sparse: 65 MiB without writing them. */
  fputs ("<?xml version=\"1.0\"?>", file);
  g_assert_cmpint (ftruncate (fileno (file), (off_t) INVOLVE_EXPORT_MAX_FILE_SIZE + 1024 * 1024), ==, 0);
  fclose (file);

  g_assert_null (involve_xml_read_file (path, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_HOSTILE);
  g_assert_nonnull (strstr (error->message, "too large"));
  g_clear_error (&error);

  g_unlink (path);
  g_assert_null (involve_xml_read_file (path, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_IO);
  g_rmdir (dir);
}

static GBytes *
valid_bytes (void)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_exchange_record_free);
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  g_ptr_array_add (records, make_exchange_record ());
  bytes = involve_xml_serialise (records, &error);
  g_assert_no_error (error);
  return bytes;
}

static GBytes *
replace_once (GBytes     *bytes,
              const char *from,
              const char *to)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  char *found = strstr (text, from);
  GString *out;

  g_assert_nonnull (found);
  out = g_string_new_len (text, found - text);
  g_string_append (out, to);
  g_string_append (out, found + strlen (from));
  return g_string_free_to_bytes (out);
}

static void
test_tampered_content (void)
{
  g_autoptr(GBytes) bytes = valid_bytes ();
  g_autoptr(GBytes) tampered = NULL;
  g_autoptr(GBytes) unsigned_ = NULL;
  g_autoptr(GBytes) gap = NULL;
  g_autoptr(GError) error = NULL;

  /* One answer changed in the signed-off version: its fingerprint no longer matches. */
  tampered = replace_once (bytes, "Qb1-objectives The answer", "Qb1-objectives An answer");
  g_assert_null (involve_xml_parse (tampered, "tampered.xml", &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT);
  g_clear_error (&error);

  /* A signed-off version whose sign-off was removed. */
  unsigned_ = replace_once (bytes, "decision=\"signed-off\"", "decision=\"returned\"");
  g_assert_null (involve_xml_parse (unsigned_, "unsigned.xml", &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT);
  g_clear_error (&error);

  /* A renumbered version: the number is part of the fingerprinted content. */
  gap = replace_once (bytes, "number=\"2\"", "number=\"3\"");
  g_assert_null (involve_xml_parse (gap, "gap.xml", &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT);
}

static void
test_times (void)
{
  gint64 usec = 0;
  g_autofree char *text = involve_export_format_usec (1763999999123456);

  g_assert_cmpstr (text, ==, "2025-11-24T15:59:59.123456Z");
  g_assert_true (involve_export_parse_usec (text, &usec));
  g_assert_cmpint (usec, ==, 1763999999123456);
  g_assert_false (involve_export_parse_usec ("2025-11-24T15:59:59Z", &usec));
  g_assert_false (involve_export_parse_usec ("2025-13-24T15:59:59.000000Z", &usec));
  g_assert_false (involve_export_parse_usec ("2025-11-24 15:59:59.000000Z", &usec));
  g_assert_false (involve_export_parse_usec (NULL, &usec));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/export/xml/times", test_times);
  g_test_add_func ("/export/xml/round-trip", test_round_trip);
  g_test_add_func ("/export/xml/write-is-atomic-and-validated", test_write_file_is_atomic);
  g_test_add_func ("/export/xml/hostile-files-refused", test_hostile_files);
  g_test_add_func ("/export/xml/nesting-deeper-than-libxml-refused", test_deeper_than_libxml);
  g_test_add_func ("/export/xml/huge-file-refused-unread", test_huge_file);
  g_test_add_func ("/export/xml/tampered-content-refused", test_tampered_content);

  return g_test_run ();
}
