/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "involve-export.h"
#include "involve-fingerprint.h"
#include "involve-pdf-head.h"
#include "involve-pdf-sign.h"
#include "involve-pdf-update.h"
#include "common-test-util.h"
#include "export-test-util.h"

/*
 * The one PDF reader and incremental-update writer behind tagging, the
 * register head and the signature: what it appends reads back, what a
 * hostile file holds is refused, and the three updates of an evidence
 * PDF chain up so that every revision stays reachable.
 */

/* A PDF with a classic xref of @objects ("N 0 obj ... endobj" bodies,
 * numbered from 1) and @trailer_extra in its trailer. */
static GString *
make_pdf (const char * const *objects,
          const char         *trailer_extra)
{
  GString *pdf = g_string_new ("%PDF-1.5\n");
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  guint n = g_strv_length ((char **) objects);
  gsize xref;

  for (guint i = 0; i < n; i++)
    {
      gsize offset = pdf->len;

      g_array_append_val (offsets, offset);
      g_string_append_printf (pdf, "%u 0 obj\n%s\nendobj\n", i + 1, objects[i]);
    }
  xref = pdf->len;
  g_string_append_printf (pdf, "xref\n0 %u\n0000000000 65535 f \n", n + 1);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (pdf, "%010" G_GSIZE_MODIFIER "u 00000 n \n",
                            g_array_index (offsets, gsize, i));
  g_string_append_printf (pdf, "trailer\n<< /Size %u /Root 1 0 R%s >>\nstartxref\n%"
                          G_GSIZE_FORMAT "\n%%%%EOF\n", n + 1, trailer_extra, xref);
  return pdf;
}

static const char * const simple_objects[] = {
  "<< /Type /Catalog /Pages 2 0 R >>",
  "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
  "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
  "<< /Title (Plain) /Producer (test) >>",
  NULL,
};

static gboolean
read_string (const char     *text,
             InvolvePdfXref *xref)
{
  InvolvePdf pdf = { text, strlen (text) };

  return _involve_pdf_xref_read (&pdf, xref);
}

/* The text of /KEY in object @number's newest dictionary, or NULL. */
static char *
dup_value (const InvolvePdf     *pdf,
           const InvolvePdfXref *xref,
           guint64               number,
           const char           *key)
{
  InvolvePdfSpan dict, value;

  if (!_involve_pdf_object_dict (pdf, xref, number, &dict) ||
      !_involve_pdf_dict_find (pdf, dict.start, key, &value))
    return NULL;
  return g_strndup (pdf->data + value.start, value.end - value.start);
}

static void
test_round_trip (void)
{
  g_autoptr(GString) text = make_pdf (simple_objects, " /Info 4 0 R /ID [<00ff> <00ff>]");
  g_autoptr(InvolvePdfUpdate) update = NULL;
  InvolvePdf pdf = { text->str, text->len };
  InvolvePdfXref xref, again;
  InvolvePdfSpan catalog;
  g_autofree char *marked = NULL;
  g_autofree char *added = NULL;
  g_autofree char *id = NULL;
  g_autofree char *pages = NULL;
  GString *buffer;
  guint64 old_startxref, number, prev;

  g_assert_true (_involve_pdf_xref_read (&pdf, &xref));
  g_assert_cmpuint (xref.size, ==, 5);
  g_assert_cmpuint (xref.root, ==, 1);
  g_assert_cmpuint (xref.info, ==, 4);
  old_startxref = xref.startxref;

  /* A new revision of the catalog and one new object. */
  update = _involve_pdf_update_new (&pdf, &xref);
  g_assert_true (_involve_pdf_update_is_empty (update));
  buffer = _involve_pdf_update_get_buffer (update);
  g_assert_true (_involve_pdf_object_dict (&pdf, &xref, 1, &catalog));
  number = _involve_pdf_update_new_number (update);
  g_assert_cmpuint (number, ==, 5);
  _involve_pdf_update_begin_object (update, number);
  g_string_append (buffer, "<< /Added (yes) >>\n");
  _involve_pdf_update_end_object (update);
  _involve_pdf_update_begin_object (update, 1);
  g_string_append (buffer, "<<");
  _involve_pdf_update_copy_entries (update, catalog);
  g_string_append (buffer, " /Marked true >>\n");
  _involve_pdf_update_end_object (update);
  g_assert_false (_involve_pdf_update_is_empty (update));
  _involve_pdf_update_finish (update);
  _involve_pdf_xref_clear (&xref);
  g_assert_null (xref.offsets);

  g_string_append_len (text, buffer->str, buffer->len);
  pdf.data = text->str;
  pdf.len = text->len;
  g_assert_true (_involve_pdf_xref_read (&pdf, &again));
  g_assert_cmpuint (again.size, ==, 6);
  g_assert_cmpuint (again.root, ==, 1);
  g_assert_cmpuint (again.info, ==, 4);
  g_assert_cmpuint (again.startxref, >, old_startxref);
  g_assert_true (_involve_pdf_dict_get_uint (&pdf, again.trailer, "Prev", &prev));
  g_assert_cmpuint (prev, ==, old_startxref);
  id = dup_value (&pdf, &again, 1, "Marked");
  g_assert_cmpstr (id, ==, "true");
  pages = dup_value (&pdf, &again, 1, "Pages");
  g_assert_cmpstr (pages, ==, "2 0 R");
  added = dup_value (&pdf, &again, 5, "Added");
  g_assert_cmpstr (added, ==, "(yes)");
  g_clear_pointer (&id, g_free);
  {
    InvolvePdfSpan span;

    g_assert_true (_involve_pdf_dict_find (&pdf, again.trailer, "ID", &span));
    id = g_strndup (pdf.data + span.start, span.end - span.start);
    g_assert_cmpstr (id, ==, "[<00ff> <00ff>]");
  }
  /* Untouched objects still resolve through the older section. */
  marked = dup_value (&pdf, &again, 4, "Title");
  g_assert_cmpstr (marked, ==, "(Plain)");
  _involve_pdf_xref_clear (&again);
}

/* Each refused, never read past its end (ASan watches). */
static void
test_hostile (void)
{
  g_autoptr(GString) good = make_pdf (simple_objects, "");
  const char *xref_at = strstr (good->str, "xref\n");
  gsize xref_offset = (gsize) (xref_at - good->str);
  g_autofree char *head = g_strndup (good->str, xref_offset);
  g_autofree char *loop = NULL;
  g_autofree char *beyond = NULL;
  g_autofree char *huge = NULL;
  g_autofree char *far_entry = NULL;
  g_autofree char *stream = NULL;
  g_autofree char *deep = NULL;
  g_autoptr(GString) nested = g_string_new (NULL);
  InvolvePdfXref xref;

  /* No startxref at all; a cut-off file. */
  g_assert_false (read_string ("%PDF-1.5\n1 0 obj << >> endobj\n%%EOF\n", &xref));
  g_assert_null (xref.offsets);
  g_assert_false (read_string ("", &xref));
  g_assert_false (read_string ("startxref", &xref));
  /* startxref beyond the end. */
  beyond = g_strdup_printf ("%sxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\n"
                            "startxref\n999999\n%%%%EOF\n", head);
  g_assert_false (read_string (beyond, &xref));
  /* /Prev pointing back at its own section: a loop. */
  loop = g_strdup_printf ("%sxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 /Prev %"
                          G_GSIZE_FORMAT " >>\nstartxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n",
                          head, xref_offset, xref_offset);
  g_assert_false (read_string (loop, &xref));
  /* A count larger than the file. */
  huge = g_strdup_printf ("%sxref\n0 9000000\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\n"
                          "startxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n", head, xref_offset);
  g_assert_false (read_string (huge, &xref));
  /* An entry pointing past the end. */
  far_entry = g_strdup_printf ("%sxref\n0 2\n0000000000 65535 f \n9999999999 00000 n \n"
                               "trailer\n<< /Size 2 >>\nstartxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n",
                               head, xref_offset);
  g_assert_false (read_string (far_entry, &xref));
  /* An xref stream (PDF 1.5 compressed): not what we read. */
  stream = g_strdup_printf ("%s9 0 obj\n<< /Type /XRef /Size 9 >>\nstream\nendstream\nendobj\n"
                            "startxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n", head, xref_offset);
  g_assert_false (read_string (stream, &xref));
  /* A trailer nested deeper than the reader goes. */
  for (int i = 0; i < INVOLVE_PDF_MAX_DEPTH + 8; i++)
    g_string_append (nested, "[");
  deep = g_strdup_printf ("%sxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 /X %s >>\n"
                          "startxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n", head, nested->str,
                          xref_offset);
  g_assert_false (read_string (deep, &xref));

  /* And the good one reads. */
  g_assert_true (read_string (good->str, &xref));
  _involve_pdf_xref_clear (&xref);
}

static void
assert_head_refused (GString *text)
{
  g_autoptr(InvolvePdfUpdate) update = NULL;
  InvolvePdf pdf = { text->str, text->len };
  InvolvePdfXref xref;

  g_assert_true (_involve_pdf_xref_read (&pdf, &xref));
  update = _involve_pdf_update_new (&pdf, &xref);
  g_assert_false (_involve_pdf_add_register_head (update, &pdf, &xref, "involve-head-1 new"));
  g_assert_true (_involve_pdf_update_is_empty (update));
  _involve_pdf_xref_clear (&xref);
}

static void
test_register_head (void)
{
  const char * const with_head[] = {
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [] /Count 0 >>",
    "<< /Title (Old) /InvolveHead (involve-head-1 old) >>",
    NULL,
  };
  g_autoptr(GString) text = make_pdf (simple_objects, " /Info 4 0 R");
  g_autoptr(GString) headed = make_pdf (with_head, " /Info 3 0 R");
  g_autoptr(GString) no_info = make_pdf (simple_objects, "");
  g_autoptr(InvolvePdfUpdate) update = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *found = NULL;
  g_autofree char *title = NULL;
  InvolvePdf pdf = { text->str, text->len };
  InvolvePdfXref xref;

  /* Refused, the update left empty: a head already there, no /Info, not ASCII. */
  assert_head_refused (headed);
  assert_head_refused (no_info);
  g_assert_true (_involve_pdf_xref_read (&pdf, &xref));
  update = _involve_pdf_update_new (&pdf, &xref);
  g_assert_false (_involve_pdf_add_register_head (update, &pdf, &xref, "h\xc3\xa9\x61\x64"));
  g_assert_false (_involve_pdf_add_register_head (update, &pdf, &xref, "line\nbreak"));
  g_assert_true (_involve_pdf_update_is_empty (update));

  /* Added, with ( ) \ escaped, and read back; the old entries kept. */
  g_assert_true (_involve_pdf_add_register_head (update, &pdf, &xref, "involve-head-1 (a\\b)"));
  _involve_pdf_update_finish (update);
  _involve_pdf_xref_clear (&xref);
  g_string_append_len (text, _involve_pdf_update_get_buffer (update)->str,
                       _involve_pdf_update_get_buffer (update)->len);
  bytes = g_bytes_new (text->str, text->len);
  found = _involve_pdf_find_register_head (bytes);
  g_assert_cmpstr (found, ==, "involve-head-1 (a\\b)");
  pdf.data = text->str;
  pdf.len = text->len;
  g_assert_true (_involve_pdf_xref_read (&pdf, &xref));
  title = dup_value (&pdf, &xref, 4, "Title");
  g_assert_cmpstr (title, ==, "(Plain)");
  _involve_pdf_xref_clear (&xref);
}

/* memmem () without _GNU_SOURCE: PDFs hold NUL bytes. */
static const char *
find_bytes (const char *p,
            const char *end,
            const char *needle)
{
  gsize n = strlen (needle);

  for (; p + n <= end; p++)
    if (memcmp (p, needle, n) == 0)
      return p;
  return NULL;
}

/* Every revision's trailer but cairo's has one /Prev, and there are @expected_revisions. */
static void
assert_one_prev_each (const InvolvePdf *pdf,
                      guint             expected_revisions)
{
  const char *p = pdf->data;
  const char *end = pdf->data + pdf->len;
  guint revisions = 0;

  while ((p = find_bytes (p, end, "\ntrailer")) != NULL)
    {
      gsize dict = _involve_pdf_skip_space (pdf, (gsize) (p - pdf->data) + strlen ("\ntrailer"));
      gsize q = dict;
      guint prevs = 0;
      InvolvePdfSpan value;

      g_assert_true (_involve_pdf_skip_object (pdf, &q, 0));
      for (const char *r = pdf->data + dict; (r = find_bytes (r, pdf->data + q, "/Prev")) != NULL; r++)
        prevs++;
      /* cairo's own trailer has none, every update's exactly one. */
      g_assert_cmpuint (prevs, ==, revisions == 0 ? 0 : 1);
      g_assert_cmpint (_involve_pdf_dict_find (pdf, dict, "Prev", &value), ==, revisions > 0);
      revisions++;
      p += strlen ("\ntrailer");
    }
  g_assert_cmpuint (revisions, ==, expected_revisions);
}

/*
 * An evidence PDF with a register head, signed: cairo's file, the update
 * that tags it and adds the head, and the signature's.  The signed
 * catalog must still say it is tagged (it once copied cairo's untagged
 * catalog, because the head's trailer carried two /Prev keys and the
 * signer followed the first past the tagged revision).
 */
static void
test_evidence_chain (void)
{
  g_autofree char *dir = export_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "evidence.pdf", NULL);
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveRecord) record = export_test_make_record (definitions, "INV-2026-0077", 0, 1);
  g_autoptr(InvolveEvidenceDocument) document = NULL;
  g_autoptr(InvolveIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *mark = NULL;
  g_autofree char *lang = NULL;
  g_autofree char *form = NULL;
  g_autofree char *head = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(InvolvePdfSignature) signature = NULL;
  InvolvePdfXref xref;
  InvolvePdf pdf;
  gsize length;
  const char *head_text = "involve-head-1 register=00 entries=3 hash=ab";

  identity = involve_identity_generate ("Pat Signer", NULL, "NHS Example ICB",
                                        INVOLVE_KEY_ECDSA_P256, 30, &error);
  g_assert_no_error (error);
  fingerprint = involve_fingerprint_compute (record);
  document = involve_evidence_document_new (definitions, record, INVOLVE_EVIDENCE_FULL);
  involve_evidence_document_set_fingerprint (document, fingerprint);
  involve_evidence_document_set_register_head (document, head_text, "the register's head");
  g_assert_true (involve_evidence_document_write_signed_pdf (document, path, identity,
                                                             "Evidence", &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  pdf.data = contents;
  pdf.len = length;
  assert_one_prev_each (&pdf, 3);
  g_assert_true (_involve_pdf_xref_read (&pdf, &xref));
  mark = dup_value (&pdf, &xref, xref.root, "MarkInfo");
  lang = dup_value (&pdf, &xref, xref.root, "Lang");
  form = dup_value (&pdf, &xref, xref.root, "AcroForm");
  g_assert_cmpstr (mark, ==, "<< /Marked true >>");
  g_assert_cmpstr (lang, ==, "(en-GB)");
  g_assert_nonnull (form);
  _involve_pdf_xref_clear (&xref);

  bytes = g_bytes_new (contents, length);
  head = _involve_pdf_find_register_head (bytes);
  g_assert_cmpstr (head, ==, head_text);
  signature = involve_pdf_signature_read (bytes, "evidence.pdf", &error);
  g_assert_no_error (error);
  g_assert_nonnull (signature);
  g_assert_cmpstr (signature->fingerprint, ==, fingerprint);

  if (export_test_have_program ("pdfinfo"))
    {
      const char *argv[] = { "pdfinfo", path, NULL };
      g_autofree char *info = export_test_run (argv, NULL);

      g_assert_nonnull (info);
      g_assert_nonnull (strstr (info, "Tagged:          yes"));
    }
  test_util_remove_tree (dir);
}

/* The identity a PDF's /Keywords carry, read without the xref (so a
 * damaged file still says what it is), through the shared string decoder. */
static void
test_read_identity (void)
{
  g_autofree char *dir = export_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "identity.pdf", NULL);
  struct
  {
    const char *text;
    const char *reference;   /* NULL: refused */
    int         code;
  } cases[] = {
    { "%PDF-1.5\n<< /Keywords (reference=INV-1; version=2; fingerprint=ab; public=yes) >>\n",
      "INV-1", 0 },
    /* Escapes and nested parentheses, as cairo may write them. */
    { "%PDF-1.5\n<< /Keywords (reference=INV-\\(2\\); version=1; fingerprint=cd (x)) >>\n",
      "INV-(2)", 0 },
    /* UTF-16BE in hex, with its byte order mark. */
    { "%PDF-1.5\n<< /Keywords <FEFF007200650066006500720065006E00630065003D0049004E0056002D0033003B002000760065007200730069006F006E003D0031003B002000660069006E006700650072007000720069006E0074003D00650066> >>\n",
      "INV-3", 0 },
    /* The last /Keywords wins: an older revision's is replaced. */
    { "%PDF-1.5\n<< /Keywords (reference=OLD; version=1; fingerprint=00) >>\n"
      "<< /Keywords (reference=NEW; version=3; fingerprint=11) >>\n", "NEW", 0 },
    /* Cut off inside the string, or right after the key. */
    { "%PDF-1.5\n<< /Keywords (reference=INV-4; version=1; fingerprint=ab", NULL,
      INVOLVE_EXPORT_ERROR_NOT_FOUND },
    { "%PDF-1.5\n<< /Keywords", NULL, INVOLVE_EXPORT_ERROR_NOT_FOUND },
    { "%PDF-1.5\n<< /Keywords <FEFF00", NULL, INVOLVE_EXPORT_ERROR_NOT_FOUND },
    /* Fingerprint there, the rest not. */
    { "%PDF-1.5\n<< /Keywords (fingerprint=ab) >>\n", NULL, INVOLVE_EXPORT_ERROR_INVALID },
    { "not a PDF /Keywords (reference=INV-5; version=1; fingerprint=ab)", NULL,
      INVOLVE_EXPORT_ERROR_INVALID },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *reference = NULL;
      gboolean ok;

      g_assert_true (g_file_set_contents (path, cases[i].text, -1, NULL));
      ok = involve_evidence_pdf_read_identity (path, &reference, NULL, NULL, NULL, &error);
      if (cases[i].reference != NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpstr (reference, ==, cases[i].reference);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, INVOLVE_EXPORT_ERROR, cases[i].code);
        }
    }
  test_util_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = test_util_isolate_user_dirs ();

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pdf-update/round-trip", test_round_trip);
  g_test_add_func ("/pdf-update/hostile", test_hostile);
  g_test_add_func ("/pdf-update/register-head", test_register_head);
  g_test_add_func ("/pdf-update/evidence-chain", test_evidence_chain);
  g_test_add_func ("/pdf-update/read-identity", test_read_identity);
  return g_test_run ();
}
