/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Form editions: a record pins the edition of its duty's guidance when it
 * is made (2022 for integrated care boards and NHS England today, 2017 for
 * clinical commissioning groups), keeps it for ever, and validation, the
 * evidence PDF and the XML exchange follow it.
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "involve-export-store.h"
#include "involve-fingerprint.h"
#include "involve-pdf.h"
#include "involve-validate.h"
#include "common-test-util.h"
#include "export-test-util.h"

typedef struct
{
  char         *dir;
  InvolveStore *store;
} Register;

static void
register_open (Register   *reg,
               const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  reg->dir = export_test_make_tmpdir ();
  path = g_build_filename (reg->dir, name, NULL);
  reg->store = involve_store_open (path, &error);
  g_assert_no_error (error);
}

static void
register_close (Register *reg)
{
  g_clear_object (&reg->store);
  if (reg->dir != NULL)
    test_util_remove_tree (reg->dir);
  g_clear_pointer (&reg->dir, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Register, register_close)

static InvolveForm *
partnership_form (void)
{
  InvolveForm *form = involve_definitions_get_form (export_test_definitions (),
                                                    INVOLVE_FORM_PARTNERSHIP_2022);

  g_assert_nonnull (form);
  g_assert_cmpstr (involve_form_get_edition (form), ==, "2022");
  return form;
}

/* New records pin the edition in force for their duty; it never changes. */
static void
test_new_records_pin_edition (void)
{
  g_auto(Register) reg = { 0 };
  g_autoptr(InvolveRecord) icb = NULL;
  g_autoptr(InvolveRecord) ccg = NULL;
  g_autoptr(InvolveRecord) nhse = NULL;
  g_autoptr(InvolveRecord) given = NULL;
  g_autoptr(InvolveRecord) values = involve_record_new ("icb-14z45");
  g_autoptr(InvolveRecord) reloaded = NULL;
  g_autoptr(InvolveRecord) old = involve_record_new ("icb-14z45");
  g_autoptr(GError) error = NULL;

  register_open (&reg, "register.sqlite");
  icb = involve_store_create_record (reg.store, "icb-14z45", &error);
  g_assert_no_error (error);
  ccg = involve_store_create_record (reg.store, "ccg-14z2", &error);
  g_assert_no_error (error);
  nhse = involve_store_create_record (reg.store, "nhse-13q", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (involve_record_get_form_edition (icb), ==, "2022");
  g_assert_cmpstr (involve_record_get_form_edition (ccg), ==, "2017");
  g_assert_cmpstr (involve_record_get_form_edition (nhse), ==, "2022");

  /* A caller that knows better (an import of an older record) gives it. */
  involve_record_set_string (values, INVOLVE_FIELD_FORM_EDITION, "2017");
  involve_record_set_string (values, "title", "Made on paper in 2021");
  given = involve_store_create_record_with_values (reg.store, values, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (involve_record_get_form_edition (given), ==, "2017");

  /* Pinned: changing it is refused and leaves it as it was; so is clearing it. */
  g_assert_false (involve_store_set_value (reg.store, icb, INVOLVE_FIELD_FORM_EDITION,
                                           g_variant_new_string ("2017"), &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "keeps the form edition it was made with (2022)"));
  g_clear_error (&error);
  g_assert_false (involve_store_set_value (reg.store, icb, INVOLVE_FIELD_FORM_EDITION, NULL, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID);
  g_clear_error (&error);
  reloaded = involve_store_load_record (reg.store, involve_record_get_uuid (icb), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (involve_record_get_form_edition (reloaded), ==, "2022");
  /* Setting the same value again is no change and allowed. */
  g_assert_true (involve_store_set_value (reg.store, icb, INVOLVE_FIELD_FORM_EDITION,
                                          g_variant_new_string ("2022"), &error));
  g_assert_no_error (error);

  /* A record from before editions existed follows the 2017 form. */
  g_assert_cmpstr (involve_record_get_form_edition (old), ==, "2017");
  g_assert_false (involve_form_applies_to_record (partnership_form (), old));
  g_assert_true (involve_form_applies_to_record (partnership_form (), reloaded));
}

/* The edition in force on a date, from frameworks.xml. */
static void
test_edition_on_dates (void)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(GDateTime) before = g_date_time_new_utc (2021, 5, 1, 12, 0, 0);
  g_autoptr(GDateTime) after = g_date_time_new_utc (2022, 7, 1, 12, 0, 0);
  gint64 before_usec = g_date_time_to_unix (before) * G_USEC_PER_SEC;
  gint64 after_usec = g_date_time_to_unix (after) * G_USEC_PER_SEC;

  g_assert_cmpstr (involve_definitions_form_edition_for (definitions, "nhse-13q", before_usec), ==, "2017");
  g_assert_cmpstr (involve_definitions_form_edition_for (definitions, "nhse-13q", after_usec), ==, "2022");
  g_assert_cmpstr (involve_definitions_form_edition_for (definitions, "ccg-14z2", before_usec), ==, "2017");
  g_assert_cmpstr (involve_definitions_form_edition_for (definitions, "ccg-14z2", after_usec), ==, "2017");
  g_assert_cmpstr (involve_definitions_form_edition_for (definitions, "icb-14z45", after_usec), ==, "2022");
  /* Unknown duty: the 2017 form, no crash. */
  g_assert_cmpstr (involve_definitions_form_edition_for (definitions, "no-such-duty", after_usec), ==, "2017");
}

/* Validation follows the edition: a 2022 record is asked the new questions. */
static void
test_validation_follows_edition (void)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveRecord) record = export_test_make_record (definitions, "INV-2026-0201", 0, 1);
  g_autoptr(GPtrArray) problems = NULL;

  /* export_test_make_record () answers every field; clear the 2022 ones. */
  involve_record_set_value (record, "p22-scrutiny-consultation", NULL);
  involve_record_set_answer (record, "scrutiny-substantial-variation", INVOLVE_ANSWER_YES);

  involve_record_set_string (record, INVOLVE_FIELD_FORM_EDITION, "2022");
  problems = involve_validate_record (definitions, record);
  g_assert_nonnull (involve_problems_find_field (problems, "p22-scrutiny-consultation"));
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* The same answers on the 2017 form: the question is not part of it. */
  involve_record_set_string (record, INVOLVE_FIELD_FORM_EDITION, "2017");
  problems = involve_validate_record (definitions, record);
  g_assert_null (involve_problems_find_field (problems, "p22-scrutiny-consultation"));
}

static char *
pdf_text (InvolveRecord *record,
          const char    *dir)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveEvidenceDocument) document =
    involve_evidence_document_new (definitions, record, INVOLVE_EVIDENCE_FULL);
  g_autofree char *fingerprint = involve_fingerprint_compute (record);
  g_autofree char *path = g_build_filename (dir, "edition.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *raw = NULL;
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };
  int status = 1;

  involve_evidence_document_set_fingerprint (document, fingerprint);
  involve_evidence_document_derive_assessment (document);
  g_assert_true (involve_evidence_document_write_pdf (document, path, &error));
  g_assert_no_error (error);
  raw = export_test_run (argv, &status);
  g_assert_cmpint (status, ==, 0);
  return export_test_squash (raw);
}

/* The PDF prints the form of the record's edition, and names it. */
static void
test_pdf_follows_edition (void)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveRecord) record = export_test_make_record (definitions, "INV-2026-0202", 0, 1);
  g_autofree char *dir = export_test_make_tmpdir ();
  g_autofree char *text_2022 = NULL;
  g_autofree char *text_2017 = NULL;

  if (!export_test_have_program ("pdftotext"))
    {
      g_test_skip ("pdftotext (poppler-utils) is not installed");
      return;
    }

  involve_record_set_string (record, INVOLVE_FIELD_FORM_EDITION, "2022");
  text_2022 = pdf_text (record, dir);
  g_assert_nonnull (strstr (text_2022, "Form edition 2022 guidance: Working in partnership with people and communities"));
  g_assert_nonnull (strstr (text_2022, "Working in partnership: what the 2022 guidance adds Form and the references "
                                       "beside its questions: NHS England, Working in partnership with people and "
                                       "communities: statutory guidance (2022)"));
  g_assert_nonnull (strstr (text_2022, "How will carers and representatives of the people affected be involved?"));
  g_assert_nonnull (strstr (text_2022, "Which of the ten principles does this involvement put into practice?"));
  g_assert_nonnull (strstr (text_2022, "Qp22-healthwatch"));

  involve_record_set_string (record, INVOLVE_FIELD_FORM_EDITION, "2017");
  text_2017 = pdf_text (record, dir);
  g_assert_nonnull (strstr (text_2017, "Form edition 2017 guidance: Patient and public participation"));
  g_assert_null (strstr (text_2017, "Working in partnership: what the 2022 guidance adds"));
  g_assert_null (strstr (text_2017, "How will carers and representatives"));

  test_util_remove_tree (dir);
}

/* An exchange file carries the edition; the imported record keeps its form. */
static void
test_xml_round_trip_keeps_edition (void)
{
  g_auto(Register) from = { 0 };
  g_auto(Register) to = { 0 };
  g_autoptr(InvolveRecord) icb = NULL;
  g_autoptr(InvolveRecord) ccg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *contents = NULL;
  const char *uuids[3];

  register_open (&from, "from.sqlite");
  register_open (&to, "to.sqlite");
  icb = involve_store_create_record (from.store, "icb-14z45", &error);
  g_assert_no_error (error);
  ccg = involve_store_create_record (from.store, "ccg-14z2", &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_set_value (from.store, icb, "p22-healthwatch",
                                          g_variant_new_string ("Healthwatch reviews the survey."), &error));
  g_assert_no_error (error);
  uuids[0] = involve_record_get_uuid (icb);
  uuids[1] = involve_record_get_uuid (ccg);
  uuids[2] = NULL;

  xml = g_build_filename (from.dir, "records.xml", NULL);
  g_assert_true (involve_export_xml (from.store, uuids, xml, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (xml, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "field=\"form-edition\""));

  g_assert_true (involve_import_xml (to.store, xml, &summary, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(InvolveRecord) before = involve_store_load_record (from.store, uuids[i], 0, &error);
      g_autoptr(InvolveRecord) after = involve_store_load_record (to.store, uuids[i], 0, &error);
      g_autofree char *fingerprint_before = NULL;
      g_autofree char *fingerprint_after = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (involve_record_get_form_edition (after), ==,
                       involve_record_get_form_edition (before));
      fingerprint_before = involve_fingerprint_compute (before);
      fingerprint_after = involve_fingerprint_compute (after);
      g_assert_cmpstr (fingerprint_after, ==, fingerprint_before);
    }
  {
    g_autoptr(InvolveRecord) after = involve_store_load_record (to.store, uuids[0], 0, &error);

    g_assert_cmpstr (involve_record_get_form_edition (after), ==, "2022");
    g_assert_cmpstr (involve_record_get_string (after, "p22-healthwatch"), ==, "Healthwatch reviews the survey.");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/export/edition/new-records-pin-edition", test_new_records_pin_edition);
  g_test_add_func ("/export/edition/edition-on-dates", test_edition_on_dates);
  g_test_add_func ("/export/edition/validation-follows-edition", test_validation_follows_edition);
  g_test_add_func ("/export/edition/pdf-follows-edition", test_pdf_follows_edition);
  g_test_add_func ("/export/edition/xml-round-trip-keeps-edition", test_xml_round_trip_keeps_edition);

  return g_test_run ();
}
