/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "involve-fingerprint.h"
#include "involve-pdf.h"
#include "common-test-util.h"
#include "export-test-util.h"

typedef struct
{
  char          *dir;
  char          *path;
  char          *public_path;
  InvolveRecord *record;
  char          *fingerprint;
  guint          n_pages;
  guint          n_public_pages;
} Fixture;

static GPtrArray *
make_audit (InvolveRecord *record)
{
  GPtrArray *audit = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_audit_entry_free);

  for (int i = 1; i <= 12; i++)
    {
      InvolveAuditEntry *entry = g_new0 (InvolveAuditEntry, 1);

      entry->id = i;
      entry->time_usec = 1763800000000000 + i * 60 * G_USEC_PER_SEC;
      entry->account = g_strdup ("awhitcombe");
      entry->profile = g_strdup (EXPORT_TEST_COMPLETER_NAME);
      entry->kind = g_strdup (i == 1 ? "create" : "value");
      entry->record_uuid = g_strdup (involve_record_get_uuid (record));
      entry->version = 1;
      if (i % 4 == 0)
        {
          entry->field_id = g_strdup ("completer-email");
          entry->new_value = g_strdup ("'" EXPORT_TEST_COMPLETER_EMAIL "'");
        }
      else if (i > 1)
        {
          entry->field_id = g_strdup ("b1-location");
          entry->old_value = g_strdup ("'Town centre'");
          entry->new_value = g_strdup ("'Qb1-location short answer'");
        }
      g_ptr_array_add (audit, entry);
    }

  /* The register writes who signed into the entry's details. */
  {
    InvolveAuditEntry *entry = g_new0 (InvolveAuditEntry, 1);

    entry->id = 13;
    entry->time_usec = 1763900000000000;
    entry->account = g_strdup ("sokonkwo");
    entry->profile = g_strdup (EXPORT_TEST_REVIEWER_NAME);
    entry->kind = g_strdup ("sign-off");
    entry->version = 1;
    entry->details = g_strdup ("signed off by " EXPORT_TEST_REVIEWER_NAME ", "
                               EXPORT_TEST_REVIEWER_EMAIL "; comments: ok");
    g_ptr_array_add (audit, entry);
  }
  return audit;
}

static guint
write_pdf (InvolveRecord       *record,
           const char          *fingerprint,
           InvolveEvidenceKind  kind,
           const char          *path)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveEvidenceDocument) document = involve_evidence_document_new (definitions, record, kind);
  g_autoptr(GPtrArray) audit = make_audit (record);
  g_autoptr(GPtrArray) versions = g_ptr_array_new ();
  const char *fingerprints[] = { fingerprint, NULL };
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (versions, record);
  involve_evidence_document_set_fingerprint (document, fingerprint);
  involve_evidence_document_derive_assessment (document);
  involve_evidence_document_set_history (document, versions, fingerprints);
  involve_evidence_document_set_audit (document, audit);
  involve_evidence_document_write_pdf (document, path, &error);
  g_assert_no_error (error);
  return involve_evidence_document_get_n_pages (document);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  InvolveDefinitions *definitions = export_test_definitions ();

  fixture->dir = export_test_make_tmpdir ();
  fixture->path = g_build_filename (fixture->dir, "evidence.pdf", NULL);
  fixture->public_path = g_build_filename (fixture->dir, "public.pdf", NULL);
  fixture->record = export_test_make_record (definitions, "INV-2026-0042", 40, 5);
  /* Names can turn up in answers that are not personal fields too. */
  involve_record_set_string (fixture->record, "b5-feedback",
                             "Qb5-feedback Ask " EXPORT_TEST_COMPLETER_NAME " (or write to "
                             "feedback.team@example.org) for the themed summary.");
  export_test_sign (fixture->record);
  fixture->fingerprint = involve_fingerprint_compute (fixture->record);
  fixture->n_pages = write_pdf (fixture->record, fixture->fingerprint, INVOLVE_EVIDENCE_FULL,
                                fixture->path);
  fixture->n_public_pages = write_pdf (fixture->record, fixture->fingerprint,
                                       INVOLVE_EVIDENCE_PUBLIC, fixture->public_path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  test_util_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->public_path);
  g_clear_object (&fixture->record);
  g_free (fixture->fingerprint);
}

/* Binary-safe: PDF files hold NUL bytes in their compressed streams. */
static gboolean
contains_bytes (const char *data,
                gsize       length,
                const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= length; i++)
    {
      if (data[i] == needle[0] && memcmp (data + i, needle, n) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
need_poppler (void)
{
  if (!export_test_have_program ("pdftotext") || !export_test_have_program ("pdfinfo"))
    {
      g_test_skip ("poppler-utils (pdftotext, pdfinfo) are not installed");
      return FALSE;
    }
  return TRUE;
}

/* Finds needle in haystack at or after *position; moves *position past it. */
static gboolean
find_after (const char *haystack,
            const char *needle,
            gsize      *position)
{
  const char *found = strstr (haystack + *position, needle);

  if (found == NULL)
    return FALSE;
  *position = (found - haystack) + strlen (needle);
  return TRUE;
}

static char *
label_prefix (const char *label)
{
  g_autofree char *squashed = export_test_squash (label);
  const char *end = squashed;

  /* The first few words: enough to be unique in order, short enough not to wrap. */
  for (guint words = 0; *end != '\0' && words < 5; end++)
    {
      if (*end == ' ')
        words++;
    }
  if (*end != '\0')
    end--;
  return g_strndup (squashed, end - squashed);
}

static void
test_fields_in_reading_order (Fixture       *fixture,
                              gconstpointer  data)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  GPtrArray *forms = involve_definitions_get_forms (definitions);
  g_autofree char *raw = NULL;
  g_autofree char *text = NULL;
  gsize position = 0;
  guint checked = 0;

  if (!need_poppler ())
    return;

  raw = export_test_pdftotext (fixture->path, 0, 0);
  g_assert_nonnull (raw);
  text = export_test_squash (raw);

  /* The cover first. */
  g_assert_true (find_after (text, "INV-2026-0042", &position));
  g_assert_true (find_after (text, fixture->fingerprint, &position));

  for (guint i = 0; i < forms->len; i++)
    {
      InvolveForm *form = g_ptr_array_index (forms, i);
      GPtrArray *sections = involve_form_get_sections (form);
      g_autofree char *title = export_test_squash (involve_form_get_title (form));

      g_assert_true (find_after (text, title, &position));
      for (guint j = 0; j < sections->len; j++)
        {
          const InvolveSection *section = g_ptr_array_index (sections, j);
          g_autofree char *section_title = export_test_squash (section->title);

          if (!find_after (text, section_title, &position))
            g_error ("section “%s” not found in order", section->title);

          for (guint k = 0; k < section->fields->len; k++)
            {
              const InvolveField *field = g_ptr_array_index (section->fields, k);
              g_autofree char *label = label_prefix (field->label);
              g_autofree char *marker = export_test_marker (field->id);

              if (!find_after (text, label, &position))
                g_error ("label of %s (“%s”) not found in order", field->id, label);
              if ((field->type == INVOLVE_FIELD_TEXT || field->type == INVOLVE_FIELD_LONG_TEXT) &&
                  !field->personal && strcmp (field->id, "organisation-name") != 0 &&
                  strcmp (field->id, "title") != 0)
                {
                  if (!find_after (text, marker, &position))
                    g_error ("answer of %s not found after its label", field->id);
                }
              if (field->type == INVOLVE_FIELD_TABLE)
                {
                  g_assert_true (find_after (text, "R005C2", &position));
                }
              checked++;
            }
        }
    }

  /* Then the outcome, sign-off, history, audit trail and how to verify. */
  g_assert_true (find_after (text, "Sign-off", &position));
  g_assert_true (find_after (text, EXPORT_TEST_REVIEWER_NAME, &position));
  g_assert_true (find_after (text, EXPORT_TEST_REVIEWER_EMAIL, &position));
  g_assert_true (find_after (text, "Version history", &position));
  g_assert_true (find_after (text, "Audit trail", &position));
  g_assert_true (find_after (text, "How to verify this document", &position));
  g_assert_cmpuint (checked, >, 50);

  /* The legal basis with its citations. */
  g_assert_nonnull (strstr (text, "The duty to involve applies"));
  g_assert_nonnull (strstr (text, "14Z45(2)(a)"));
}

static void
test_every_page_has_furniture (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *short_fingerprint = g_strndup (fixture->fingerprint, 16);

  if (!need_poppler ())
    return;

  g_assert_cmpuint (fixture->n_pages, >=, 8);
  for (guint page = 1; page <= fixture->n_pages; page++)
    {
      g_autofree char *text = export_test_pdftotext (fixture->path, page, page);
      g_autofree char *page_text = g_strdup_printf ("Page %u of %u", page, fixture->n_pages);

      g_assert_nonnull (text);
      g_assert_nonnull (strstr (text, "INV-2026-0042 · Version 1"));
      g_assert_nonnull (strstr (text, page_text));
      g_assert_nonnull (strstr (text, short_fingerprint));
      g_assert_null (strstr (text, "PUBLIC VERSION"));
    }
}

static void
test_metadata (Fixture       *fixture,
               gconstpointer  data)
{
  const char *argv[] = { "pdfinfo", fixture->path, NULL };
  g_autofree char *info = NULL;
  g_autofree char *keywords = NULL;
  g_autofree char *pages = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr(GError) error = NULL;
  gboolean is_public = TRUE;
  guint version = 0;

  /* Our own reader first: it needs no poppler. */
  g_assert_true (involve_evidence_pdf_read_identity (fixture->path, &reference, &version,
                                                     &fingerprint, &is_public, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (reference, ==, "INV-2026-0042");
  g_assert_cmpuint (version, ==, 1);
  g_assert_cmpstr (fingerprint, ==, fixture->fingerprint);
  g_assert_false (is_public);

  if (!need_poppler ())
    return;

  info = export_test_run (argv, NULL);
  g_assert_nonnull (info);
  g_assert_nonnull (strstr (info, "Title:           INV-2026-0042 version 1: Qtitle Relocating"));
  g_assert_nonnull (strstr (info, "Author:          Example Integrated Care Board"));
  g_assert_nonnull (strstr (info, "Subject:         Assessment of the duty to involve the public, section 14Z45"));
  keywords = g_strdup_printf ("fingerprint=%s", fixture->fingerprint);
  g_assert_nonnull (strstr (info, keywords));
  g_assert_nonnull (strstr (info, "Creator:         Involve "));
  g_assert_nonnull (strstr (info, "CreationDate:"));
  /* Marked as tagged, so that screen readers use the structure tree. */
  g_assert_nonnull (strstr (info, "Tagged:          yes"));
  pages = g_strdup_printf ("Pages:           %u\n", fixture->n_pages);
  g_assert_nonnull (strstr (info, pages));
}

static void
test_outline_and_tags (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (fixture->path, &contents, &length, NULL));
  /* Bookmarks and the structure tree are plain objects in cairo's output. */
  g_assert_true (contains_bytes (contents, length, "/Type /Outlines"));
  g_assert_true (contains_bytes (contents, length, "/Type /StructTreeRoot"));
  g_assert_true (contains_bytes (contents, length, "/S /H1"));
  g_assert_true (contains_bytes (contents, length, "/S /Table"));
  g_assert_true (contains_bytes (contents, length, "/S /TH"));
  g_assert_true (contains_bytes (contents, length, "/S /P"));
  g_assert_true (contains_bytes (contents, length, "(Audit trail)"));
  g_assert_true (contains_bytes (contents, length, "/MarkInfo << /Marked true >>"));
  g_assert_true (contains_bytes (contents, length, "/Lang (en-GB)"));
}

static void
test_public_version (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *forbidden[] = {
    EXPORT_TEST_COMPLETER_NAME, EXPORT_TEST_COMPLETER_EMAIL, EXPORT_TEST_REVIEWER_NAME,
    EXPORT_TEST_REVIEWER_EMAIL, EXPORT_TEST_LEAD_NAME, "Jordan Personal-Detail", "awhitcombe",
    "Whitcombe", "Okonkwo", "Leadbetter", "@example.nhs.uk", "feedback.team@example.org",
    "sokonkwo",
  };
  g_autofree char *raw = NULL;
  g_autofree char *text = NULL;
  g_autofree char *contents = NULL;
  gboolean is_public = FALSE;
  gsize length;

  g_assert_true (involve_evidence_pdf_read_identity (fixture->public_path, NULL, NULL, NULL,
                                                     &is_public, NULL));
  g_assert_true (is_public);

  /* Not in the metadata either. */
  g_assert_true (g_file_get_contents (fixture->public_path, &contents, &length, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (forbidden); i++)
    g_assert_false (contains_bytes (contents, length, forbidden[i]));

  if (!need_poppler ())
    return;

  raw = export_test_pdftotext (fixture->public_path, 0, 0);
  g_assert_nonnull (raw);
  text = export_test_squash (raw);
  for (guint i = 0; i < G_N_ELEMENTS (forbidden); i++)
    {
      if (strstr (text, forbidden[i]) != NULL)
        g_error ("the public version shows “%s”", forbidden[i]);
    }

  /* Still the evidence: answers, job titles and the fingerprint are there. */
  g_assert_nonnull (strstr (text, "Qb1-objectives"));
  g_assert_nonnull (strstr (text, "Director of Participation"));
  g_assert_nonnull (strstr (text, fixture->fingerprint));
  g_assert_nonnull (strstr (text, "Removed from the public version"));
  g_assert_nonnull (strstr (text, "Qb5-feedback Ask [removed] (or write to [removed]) for the themed"));
  g_assert_nonnull (strstr (text, "signed off by [removed],"));

  for (guint page = 1; page <= fixture->n_public_pages; page++)
    {
      g_autofree char *page_text = export_test_pdftotext (fixture->public_path, page, page);
      g_assert_nonnull (strstr (page_text, "PUBLIC VERSION"));
    }
}

/* The same draw_page serves printing: draw on an image surface as GtkPrintOperation would. */
static void
test_draw_page_on_any_surface (void)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveRecord) record = export_test_make_record (definitions, "INV-2026-0043", 0, 2);
  g_autoptr(InvolveEvidenceDocument) document =
    involve_evidence_document_new (definitions, record, INVOLVE_EVIDENCE_FULL);
  g_autofree char *fingerprint = involve_fingerprint_compute (record);
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  guint dark = 0;
  guint8 *pixels;
  int stride;

  involve_evidence_document_set_fingerprint (document, fingerprint);
  /* US Letter, as a printer might ask. */
  g_assert_true (involve_evidence_document_layout (document, 612, 792, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (involve_evidence_document_get_n_pages (document), >=, 4);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 612, 792);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  involve_evidence_document_draw_page (document, cr, 1);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_flush (surface);

  pixels = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < 792; y++)
    for (int x = 0; x < 612; x++)
      if ((((guint32 *) (pixels + y * stride))[x] & 0xff) < 0x80)
        dark++;
  g_assert_cmpuint (dark, >, 2000);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  /* Too small a page is refused, not drawn badly. */
  g_assert_false (involve_evidence_document_layout (document, 100, 100, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FAILED);
}

/* 20,000-word answers and a 200-row risk table: nothing lost, header repeated. */
static void
test_huge_record (void)
{
  static const char *big_fields[] = { "step1-explanation", "b1-objectives", "c-background" };
  static const char *prefixes[] = { "sa", "ob", "bg" };
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveRecord) record = export_test_make_record (definitions, "INV-2026-0099", 0, 200);
  g_autofree char *dir = export_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "huge.pdf", NULL);
  g_autofree char *fingerprint = NULL;
  g_autofree char *raw = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) tokens = NULL;
  guint n_pages, header_rows = 0, table_pages = 0;
  gint64 start;

  for (guint i = 0; i < G_N_ELEMENTS (big_fields); i++)
    {
      g_autofree char *words = export_test_words (prefixes[i], 20000);
      involve_record_set_string (record, big_fields[i], words);
    }
  fingerprint = involve_fingerprint_compute (record);

  start = g_get_monotonic_time ();
  n_pages = write_pdf (record, fingerprint, INVOLVE_EVIDENCE_FULL, path);
  g_test_message ("huge record: %u pages in %.2f s", n_pages,
                  (g_get_monotonic_time () - start) / 1e6);
  /* About 600 words a page: 60,000 words and 200 rows is well over 100 pages. */
  g_assert_cmpuint (n_pages, >, 100);
  g_assert_cmpuint (n_pages, <, 400);

  if (!need_poppler ())
    goto out;

  raw = export_test_pdftotext (path, 0, 0);
  g_assert_nonnull (raw);
  tokens = g_strsplit_set (raw, " \n\f\t", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    if (*tokens[i] != '\0')
      g_hash_table_add (seen, tokens[i]);

  for (guint f = 0; f < G_N_ELEMENTS (prefixes); f++)
    for (guint i = 1; i <= 20000; i++)
      {
        char token[16];

        g_snprintf (token, sizeof token, "%s%05u", prefixes[f], i);
        if (!g_hash_table_contains (seen, token))
          g_error ("word %s was lost", token);
      }
  for (guint r = 1; r <= 200; r++)
    {
      char token[16];

      g_snprintf (token, sizeof token, "R%03uC2", r);
      if (r > 1 && !g_hash_table_contains (seen, token))
        g_error ("risk row %u was lost", r);
    }

  /* The risk table's header row comes back on every page it runs over. */
  for (guint page = 1; page <= n_pages; page++)
    {
      g_autofree char *text = export_test_pdftotext (path, page, page);

      if (strstr (text, "R1") != NULL && g_regex_match_simple ("R[0-9]{3}C1", text, 0, 0))
        {
          table_pages++;
          if (g_regex_match_simple ("#\\s+Risk\\s+Mitigating\\s+action", text, 0, 0))
            header_rows++;
        }
    }
  g_assert_cmpuint (table_pages, >=, 5);
  g_assert_cmpuint (header_rows, ==, table_pages);

out:
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_scripts_render (void)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveRecord) record = export_test_make_record (definitions, "INV-2026-0044", 0, 1);
  g_autofree char *dir = export_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "scripts.pdf", NULL);
  g_autofree char *fingerprint = involve_fingerprint_compute (record);
  g_autofree char *text = NULL;

  involve_record_set_string (record, "b1-objectives",
                             "Welsh: Ymgysylltu â’r cyhoedd ŵ ŷ. Polish: Zażółć gęślą jaźń. "
                             "Chinese: 公众参与评估. Urdu: عوامی شمولیت");
  write_pdf (record, fingerprint, INVOLVE_EVIDENCE_FULL, path);

  if (!need_poppler ())
    goto out;

  text = export_test_pdftotext (path, 0, 0);
  g_assert_nonnull (strstr (text, "Ymgysylltu â’r cyhoedd ŵ ŷ"));
  g_assert_nonnull (strstr (text, "Zażółć gęślą jaźń"));
  g_assert_nonnull (strstr (text, "公众参与评估"));
  /* Right-to-left text comes out in visual or logical order depending on poppler: look for a word. */
  g_assert_true (strstr (text, "عوامی") != NULL || strstr (text, "شمولیت") != NULL);

out:
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_write_failure_leaves_nothing (void)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveRecord) record = export_test_make_record (definitions, "INV-2026-0045", 0, 1);
  g_autoptr(InvolveEvidenceDocument) document =
    involve_evidence_document_new (definitions, record, INVOLVE_EVIDENCE_FULL);
  g_autoptr(GError) error = NULL;

  /* No fingerprint: refused. */
  g_assert_false (involve_evidence_document_write_pdf (document, "/nonexistent/x.pdf", &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FAILED);
  g_clear_error (&error);

  involve_evidence_document_set_fingerprint (document, "00");
  g_assert_false (involve_evidence_document_write_pdf (document, "/nonexistent/dir/x.pdf", &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_IO);
  g_clear_error (&error);

  /* Written whole, then refused at the last step (a folder stands where
   * the file would go): the temporary file beside it is gone too. */
  {
    g_autofree char *dir = export_test_make_tmpdir ();
    g_autofree char *target = g_build_filename (dir, "taken.pdf", NULL);
    g_autoptr(GDir) listing = NULL;
    const char *name;
    guint n = 0;

    g_assert_cmpint (g_mkdir (target, 0700), ==, 0);
    g_assert_false (involve_evidence_document_write_pdf (document, target, &error));
    g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_IO);
    listing = g_dir_open (dir, 0, NULL);
    while ((name = g_dir_read_name (listing)) != NULL)
      {
        g_assert_cmpstr (name, ==, "taken.pdf");
        n++;
      }
    g_assert_cmpuint (n, ==, 1);
    g_rmdir (target);
    g_rmdir (dir);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/export/pdf/fields-in-reading-order", Fixture, NULL, fixture_set_up,
              test_fields_in_reading_order, fixture_tear_down);
  g_test_add ("/export/pdf/every-page-has-reference-version-page-fingerprint", Fixture, NULL,
              fixture_set_up, test_every_page_has_furniture, fixture_tear_down);
  g_test_add ("/export/pdf/metadata", Fixture, NULL, fixture_set_up, test_metadata,
              fixture_tear_down);
  g_test_add ("/export/pdf/outline-and-structure-tags", Fixture, NULL, fixture_set_up,
              test_outline_and_tags, fixture_tear_down);
  g_test_add ("/export/pdf/public-version-has-no-personal-details", Fixture, NULL,
              fixture_set_up, test_public_version, fixture_tear_down);
  g_test_add_func ("/export/pdf/draw-page-on-any-surface", test_draw_page_on_any_surface);
  g_test_add_func ("/export/pdf/huge-record-loses-nothing", test_huge_record);
  g_test_add_func ("/export/pdf/scripts-render", test_scripts_render);
  g_test_add_func ("/export/pdf/write-failure", test_write_failure_leaves_nothing);

  return g_test_run ();
}
