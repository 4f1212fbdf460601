/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Prints how long exports take: the evidence PDF of a typical record, of a
 * record of about 100 pages, of a record with a 100,000-word answer and
 * 10,000 audit entries, and of 1,000 records; the XML exchange file of
 * 1,000 records.  Figures, not a test:  ninja -C _build bench-export
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <glib/gstdio.h>

#include "involve-fingerprint.h"
#include "involve-pdf.h"
#include "involve-xml.h"
#include "../tests/export-test-util.h"

static guint
export_pdf (InvolveDefinitions *definitions,
            InvolveRecord      *record,
            const char         *path)
{
  g_autoptr(InvolveEvidenceDocument) document =
    involve_evidence_document_new (definitions, record, INVOLVE_EVIDENCE_FULL);
  g_autofree char *fingerprint = involve_fingerprint_compute (record);
  g_autoptr(GError) error = NULL;

  involve_evidence_document_set_fingerprint (document, fingerprint);
  involve_evidence_document_derive_assessment (document);
  if (!involve_evidence_document_write_pdf (document, path, &error))
    g_error ("%s", error->message);
  return involve_evidence_document_get_n_pages (document);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autofree char *dir = export_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "bench.pdf", NULL);
  g_autofree char *xml_path = g_build_filename (dir, "bench.xml", NULL);
  g_autoptr(InvolveRecord) typical = export_test_make_record (definitions, "INV-2026-0001", 150, 8);
  g_autoptr(InvolveRecord) big = export_test_make_record (definitions, "INV-2026-0002", 1250, 60);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_exchange_record_free);
  g_autoptr(GError) error = NULL;
  guint n_records = argc > 1 ? (guint) atoi (argv[1]) : 1000;
  double times[21];
  guint pages = 0;
  gint64 start;

  /* Warm up fonts and the definitions. */
  export_pdf (definitions, typical, path);

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      start = g_get_monotonic_time ();
      pages = export_pdf (definitions, typical, path);
      times[i] = (g_get_monotonic_time () - start) / 1000.0;
    }
  qsort (times, G_N_ELEMENTS (times), sizeof (double), compare_doubles);
  printf ("typical record PDF (%u pages):  median %.1f ms, max %.1f ms (%u runs)\n",
          pages, times[G_N_ELEMENTS (times) / 2], times[G_N_ELEMENTS (times) - 1],
          (guint) G_N_ELEMENTS (times));

  start = g_get_monotonic_time ();
  pages = export_pdf (definitions, big, path);
  printf ("large record PDF (%u pages):    %.1f ms\n", pages,
          (g_get_monotonic_time () - start) / 1000.0);

  /* The worst case: one answer of 100,000 words and a trail of
   * 10,000 entries, each holding a 5,000-word answer. */
  {
    g_autoptr(InvolveRecord) huge = involve_record_copy (typical);
    g_autoptr(InvolveEvidenceDocument) document = NULL;
    g_autoptr(GPtrArray) audit = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_audit_entry_free);
    g_autoptr(GString) essay = g_string_new (NULL);
    g_autoptr(GString) answer = g_string_new ("'");
    g_autofree char *fingerprint = NULL;

    for (guint i = 0; i < 100000; i++)
      g_string_append (essay, i % 12 == 11 ? "patients.\n" : "words ");
    for (guint i = 0; i < 5000; i++)
      g_string_append (answer, i % 12 == 11 ? "patients. " : "words ");
    g_string_append_c (answer, '\'');
    involve_record_set_string (huge, "b1-objectives", essay->str);
    for (guint i = 0; i < 10000; i++)
      {
        InvolveAuditEntry *entry = g_new0 (InvolveAuditEntry, 1);

        entry->id = i + 1;
        entry->time_usec = G_GINT64_CONSTANT (1764000000000000) + i;
        entry->account = g_strdup ("officer");
        entry->kind = g_strdup ("value");
        entry->version = 1;
        entry->field_id = g_strdup ("b1-objectives");
        entry->old_value = g_strdup (answer->str);
        entry->new_value = g_strdup (answer->str);
        g_ptr_array_add (audit, entry);
      }
    fingerprint = involve_fingerprint_compute (huge);
    start = g_get_monotonic_time ();
    document = involve_evidence_document_new (definitions, huge, INVOLVE_EVIDENCE_FULL);
    involve_evidence_document_set_fingerprint (document, fingerprint);
    involve_evidence_document_derive_assessment (document);
    involve_evidence_document_set_audit (document, audit);
    if (!involve_evidence_document_write_pdf (document, path, &error))
      g_error ("%s", error->message);
    printf ("100,000-word answer, 10,000 entries (%u pages): %.1f s\n",
            involve_evidence_document_get_n_pages (document), (g_get_monotonic_time () - start) / 1e6);
  }

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_records; i++)
    {
      g_autofree char *reference = g_strdup_printf ("INV-2026-%04u", i + 1);
      g_autofree char *uuid = g_uuid_string_random ();
      g_autoptr(InvolveRecord) record = involve_record_copy (typical);
      g_autofree char *one = g_strdup_printf ("%s/%s.pdf", dir, reference);
      InvolveExchangeRecord *exchange = involve_exchange_record_new ();

      involve_record_set_uuid (record, uuid);
      involve_record_set_reference (record, reference);
      export_pdf (definitions, record, one);
      g_unlink (one);
      involve_exchange_record_add_version (exchange, record);
      g_ptr_array_add (records, exchange);
    }
  printf ("%u record PDFs:                %.2f s\n", n_records,
          (g_get_monotonic_time () - start) / 1e6);

  start = g_get_monotonic_time ();
  if (!involve_xml_write_file (records, xml_path, &error))
    g_error ("%s", error->message);
  printf ("%u records to one XML file:    %.2f s\n", n_records,
          (g_get_monotonic_time () - start) / 1e6);

  start = g_get_monotonic_time ();
  {
    g_autoptr(GPtrArray) back = involve_xml_read_file (xml_path, &error);
    if (back == NULL)
      g_error ("%s", error->message);
  }
  printf ("reading it back with all checks: %.2f s\n", (g_get_monotonic_time () - start) / 1e6);

  g_unlink (path);
  g_unlink (xml_path);
  g_rmdir (dir);
  return 0;
}
