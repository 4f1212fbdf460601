/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "involve-export-store.h"
#include "involve-fingerprint.h"
#include "involve-pdf-sign.h"
#include "involve-store-trust.h"
#include "common-test-util.h"
#include "export-test-util.h"

/*
 * Signed evidence PDFs: what pdfsig and openssl (third parties) say about
 * them, and every attack on a signed PDF that check-pdf must catch, with
 * the message a user sees.
 */

static InvolveIdentity *
make_identity (const char *name)
{
  g_autoptr(GError) error = NULL;
  InvolveIdentity *identity = involve_identity_generate (name, NULL, "NHS Example ICB",
                                                         INVOLVE_KEY_ECDSA_P256, 30, &error);

  g_assert_no_error (error);
  return identity;
}

/* The evidence PDF of a test record, signed by @identity. */
static char *
write_signed (const char      *dir,
              const char      *name,
              const char      *reference,
              gboolean         signed_off,
              InvolveIdentity *identity)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveRecord) record = export_test_make_record (definitions, reference, 0, 1);
  g_autoptr(InvolveEvidenceDocument) document = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  if (signed_off)
    export_test_sign (record);
  fingerprint = involve_fingerprint_compute (record);
  document = involve_evidence_document_new (definitions, record, INVOLVE_EVIDENCE_FULL);
  involve_evidence_document_set_fingerprint (document, fingerprint);
  g_assert_true (involve_evidence_document_write_signed_pdf (document, path, identity,
                                                             "Evidence", &error));
  g_assert_no_error (error);
  return path;
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static void
write_bytes (const char *path,
             const void *data,
             gsize       length)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, data, (gssize) length, &error));
  g_assert_no_error (error);
}

static GPtrArray *
trust_only (InvolveIdentity *identity)
{
  GPtrArray *trusted = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_ptr_array_add (trusted, g_bytes_ref (involve_certificate_get_der (involve_identity_get_certificate (identity))));
  return trusted;
}

/* Checks @path with @trusted and no register; the error, or NULL. */
static GError *
check_error (const char *path,
             GPtrArray  *trusted)
{
  GError *error = NULL;
  g_autofree char *report = NULL;

  if (involve_export_check_signed_pdf (NULL, path, trusted, &report, &error))
    g_assert_nonnull (report);
  return error;
}

static void
assert_refused (const char *path,
                GPtrArray  *trusted,
                int         code,
                const char *message)
{
  g_autoptr(GError) error = check_error (path, trusted);

  g_assert_nonnull (error);
  if (!g_str_has_prefix (error->message, message) && strstr (error->message, message) == NULL)
    g_error ("expected “%s”, got “%s”", message, error->message);
  g_assert_error (error, INVOLVE_PDF_SIGN_ERROR, code);
}

/* Offsets of /Contents <…> as the ByteRange gives them. */
static void
signature_gap (GBytes *bytes,
               gsize  *start,
               gsize  *end)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  const char *at = NULL;
  guint64 a, b, c, d;

  for (gsize i = 0; i + 10 < length; i++)
    if (memcmp (data + i, "/ByteRange", 10) == 0)
      at = data + i;
  g_assert_nonnull (at);
  g_assert_cmpint (sscanf (at, "/ByteRange [%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                           " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &a, &b, &c, &d), ==, 4);
  g_assert_cmpuint (a, ==, 0);
  g_assert_cmpuint (c + d, ==, length);
  *start = (gsize) b;
  *end = (gsize) c;
}

/* The first byte of the first content stream (compressed page text). */
static gsize
first_stream_byte (GBytes *bytes)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  for (gsize i = 0; i + 8 < length; i++)
    if (memcmp (data + i, "stream\n", 7) == 0 && (i == 0 || data[i - 1] != 'd'))
      return i + 7 + 20;
  g_assert_not_reached ();
}

static void
test_pdfsig (void)
{
  g_autofree char *dir = export_test_make_tmpdir ();
  g_autoptr(InvolveIdentity) identity = make_identity ("Rhian Example-Exporter");
  g_autofree char *path = write_signed (dir, "signed.pdf", "INV-T-0001", TRUE, identity);
  g_autofree char *changed = g_build_filename (dir, "changed.pdf", NULL);
  g_autoptr(GBytes) bytes = read_bytes (path);
  g_autoptr(GPtrArray) trusted = trust_only (identity);
  g_autofree char *output = NULL;
  g_autofree char *after = NULL;
  g_autofree guint8 *copy = NULL;
  const char *argv[] = { "pdfsig", path, NULL };
  const char *argv_changed[] = { "pdfsig", changed, NULL };
  gsize length, at;
  int status = -1;

  if (!export_test_have_program ("pdfsig"))
    {
      g_test_skip ("pdfsig (poppler-utils) is not installed");
      return;
    }

  output = export_test_run (argv, &status);
  g_assert_nonnull (output);
  g_test_message ("%s", output);
  g_assert_nonnull (strstr (output, "Signature is Valid."));
  g_assert_nonnull (strstr (output, "Total document signed"));
  g_assert_nonnull (strstr (output, "ETSI.CAdES.detached"));
  g_assert_nonnull (strstr (output, "Rhian Example-Exporter"));
  g_assert_nonnull (strstr (output, "SHA-256"));
  g_assert_null (check_error (path, trusted));

  /* One byte of the first page's text changed. */
  {
    const void *data = g_bytes_get_data (bytes, &length);

    copy = g_memdup2 (data, length);
  }
  at = first_stream_byte (bytes);
  copy[at] ^= 0x01;
  write_bytes (changed, copy, length);
  after = export_test_run (argv_changed, &status);
  g_assert_nonnull (after);
  g_test_message ("%s", after);
  g_assert_null (strstr (after, "Signature is Valid."));
  g_assert_true (strstr (after, "Digest Mismatch") != NULL || strstr (after, "Signature is Invalid") != NULL);
  assert_refused (changed, trusted, INVOLVE_PDF_SIGN_ERROR_MODIFIED,
                  "The document was changed after it was signed.");
  test_util_remove_tree (dir);
}

static void
test_report_and_trust (void)
{
  g_autofree char *dir = export_test_make_tmpdir ();
  g_autoptr(InvolveIdentity) identity = make_identity ("Rhian Example-Exporter");
  g_autoptr(InvolveIdentity) stranger = make_identity ("Rhian Example-Exporter");
  gint64 before = g_get_real_time () / G_USEC_PER_SEC * G_USEC_PER_SEC;
  g_autofree char *path = write_signed (dir, "draft.pdf", "INV-T-0002", FALSE, identity);
  gint64 after = g_get_real_time ();
  g_autoptr(GPtrArray) trusted = trust_only (identity);
  g_autoptr(GPtrArray) others = trust_only (stranger);
  g_autoptr(InvolvePdfSignature) signature = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;
  InvolveCertificate *certificate = involve_identity_get_certificate (identity);

  signature = involve_pdf_signature_read_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (signature->reference, ==, "INV-T-0002");
  g_assert_cmpuint (signature->version, ==, 1);
  g_assert_cmpstr (signature->status, ==, "awaiting-sign-off");
  g_assert_cmpuint (strlen (signature->fingerprint), ==, 64);
  g_assert_cmpstr (signature->signer_name, ==, "Rhian Example-Exporter");
  g_assert_cmpstr (signature->signer_fingerprint, ==, involve_certificate_get_fingerprint (certificate));
  g_assert_cmpint (signature->signing_usec, >=, before);
  g_assert_cmpint (signature->signing_usec, <=, after);

  g_assert_true (involve_export_check_signed_pdf (NULL, path, trusted, &report, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (report, "INV-T-0002"));
  g_assert_nonnull (strstr (report, "Awaiting sign-off"));
  g_assert_nonnull (strstr (report, signature->fingerprint));
  g_assert_nonnull (strstr (report, involve_certificate_get_fingerprint (certificate)));

  /* The same name on another key is another person. */
  assert_refused (path, others, INVOLVE_PDF_SIGN_ERROR_UNTRUSTED,
                  "The signature was made by a certificate that is not trusted");
  /* No trust list at all: intact, but not trusted. */
  assert_refused (path, NULL, INVOLVE_PDF_SIGN_ERROR_UNTRUSTED, "nothing says whether that certificate is trusted");

  /* Every page of a version not signed off says so. */
  if (export_test_have_program ("pdftotext"))
    {
      g_autofree char *text = export_test_pdftotext (path, 0, 0);
      g_auto(GStrv) pages = g_strsplit (text, "\f", -1);
      guint n = 0;

      for (guint i = 0; pages[i] != NULL; i++)
        {
          if (*g_strstrip (pages[i]) == '\0')
            continue;
          g_assert_nonnull (strstr (pages[i], "NOT SIGNED OFF – Awaiting sign-off"));
          n++;
        }
      g_assert_cmpuint (n, >, 1);
    }
  test_util_remove_tree (dir);
}

static void
test_signed_off_pages (void)
{
  g_autofree char *dir = export_test_make_tmpdir ();
  g_autoptr(InvolveIdentity) identity = make_identity ("Rhian Example-Exporter");
  g_autofree char *path = write_signed (dir, "final.pdf", "INV-T-0003", TRUE, identity);
  g_autofree char *text = NULL;

  if (!export_test_have_program ("pdftotext"))
    {
      g_test_skip ("pdftotext (poppler-utils) is not installed");
      return;
    }
  text = export_test_pdftotext (path, 0, 0);
  g_assert_null (strstr (text, "NOT SIGNED OFF"));
  /* The visible signature box on the cover. */
  g_free (text);
  text = export_test_pdftotext (path, 1, 1);
  g_assert_nonnull (strstr (text, "Digitally signed by Rhian Example-Exporter"));

  /* Signed off once, then replaced: not "not signed off", but not current. */
  {
    InvolveDefinitions *definitions = export_test_definitions ();
    g_autoptr(InvolveRecord) record = export_test_make_record (definitions, "INV-T-0010", 0, 1);
    g_autoptr(InvolveEvidenceDocument) document = NULL;
    g_autofree char *old = g_build_filename (dir, "superseded.pdf", NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *squashed = NULL;

    export_test_sign (record);
    involve_record_set_status (record, INVOLVE_STATUS_SUPERSEDED);
    document = involve_evidence_document_new (definitions, record, INVOLVE_EVIDENCE_FULL);
    involve_evidence_document_set_fingerprint (document, "00");
    g_assert_true (involve_evidence_document_write_signed_pdf (document, old, identity, NULL, &error));
    g_assert_no_error (error);
    g_free (text);
    text = export_test_pdftotext (old, 0, 0);
    g_assert_null (strstr (text, "NOT SIGNED OFF"));
    squashed = export_test_squash (text);
    g_assert_nonnull (strstr (squashed, "NO LONGER CURRENT – Superseded"));
  }
  test_util_remove_tree (dir);
}

/* The two signed ranges and the CMS, as a third party would cut them out. */
static void
test_openssl (void)
{
  g_autofree char *dir = export_test_make_tmpdir ();
  g_autoptr(InvolveIdentity) identity = make_identity ("Rhian Example-Exporter");
  g_autofree char *path = write_signed (dir, "signed.pdf", "INV-T-0004", TRUE, identity);
  g_autofree char *data_path = g_build_filename (dir, "data.bin", NULL);
  g_autofree char *cms_path = g_build_filename (dir, "signature.der", NULL);
  g_autofree char *cert_path = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *pem = involve_certificate_dup_pem (involve_identity_get_certificate (identity));
  g_autoptr(GBytes) bytes = read_bytes (path);
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autoptr(GByteArray) der = g_byte_array_new ();
  const char *argv[] = { "openssl", "cms", "-verify", "-inform", "DER", "-in", cms_path,
                         "-content", data_path, "-binary", "-CAfile", cert_path,
                         "-partial_chain", "-purpose", "any", "-out", "/dev/null", NULL };
  const guint8 *pdf;
  gsize length, start, end, der_length;
  g_autofree char *output = NULL;
  int status = -1;

  if (!export_test_have_program ("openssl"))
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  pdf = g_bytes_get_data (bytes, &length);
  signature_gap (bytes, &start, &end);
  g_byte_array_append (data, pdf, (guint) start);
  g_byte_array_append (data, pdf + end, (guint) (length - end));
  for (gsize i = start + 1; i + 1 < end; i += 2)
    {
      guint8 byte = (guint8) (g_ascii_xdigit_value (pdf[i]) * 16 + g_ascii_xdigit_value (pdf[i + 1]));
      g_byte_array_append (der, &byte, 1);
    }
  /* The DER is padded with zeros to the space kept for it. */
  g_assert_cmpuint (der->data[0], ==, 0x30);
  g_assert_cmpuint (der->data[1], ==, 0x82);
  der_length = 4 + ((gsize) der->data[2] << 8 | der->data[3]);
  write_bytes (cms_path, der->data, der_length);
  write_bytes (cert_path, pem, strlen (pem));
  write_bytes (data_path, data->data, data->len);

  output = export_test_run (argv, &status);
  g_assert_nonnull (output);
  g_assert_cmpint (status, ==, 0);

  /* openssl too sees one changed byte. */
  data->data[data->len / 2] ^= 0x20;
  write_bytes (data_path, data->data, data->len);
  g_free (export_test_run (argv, &status));
  g_assert_cmpint (status, !=, 0);
  test_util_remove_tree (dir);
}

static void
test_attacks (void)
{
  g_autofree char *dir = export_test_make_tmpdir ();
  g_autoptr(InvolveIdentity) identity = make_identity ("Rhian Example-Exporter");
  g_autofree char *path_a = write_signed (dir, "a.pdf", "INV-T-0005", TRUE, identity);
  g_autofree char *path_b = write_signed (dir, "b.pdf", "INV-T-0006", TRUE, identity);
  g_autofree char *forged = g_build_filename (dir, "forged.pdf", NULL);
  g_autoptr(GBytes) a = read_bytes (path_a);
  g_autoptr(GBytes) b = read_bytes (path_b);
  g_autoptr(GPtrArray) trusted = trust_only (identity);
  g_autoptr(GError) error = NULL;
  const char *a_data, *b_data;
  gsize a_len, b_len, a_start, a_end, b_start, b_end;

  a_data = g_bytes_get_data (a, &a_len);
  b_data = g_bytes_get_data (b, &b_len);
  signature_gap (a, &a_start, &a_end);
  signature_gap (b, &b_start, &b_end);
  g_assert_null (check_error (path_a, trusted));
  g_assert_null (check_error (path_b, trusted));

  /* A's document carrying B's keywords (same length: only digits differ). */
  {
    g_autofree char *copy = g_memdup2 (a_data, a_len);
    const char *needle = "reference=INV-T-0005";
    gboolean found = FALSE;

    for (gsize i = 0; i + strlen (needle) < a_len; i++)
      if (memcmp (copy + i, needle, strlen (needle)) == 0)
        {
          memcpy (copy + i, "reference=INV-T-0006", strlen (needle));
          found = TRUE;
        }
    g_assert_true (found);
    write_bytes (forged, copy, a_len);
    assert_refused (forged, trusted, INVOLVE_PDF_SIGN_ERROR_MODIFIED,
                    "The document was changed after it was signed.");
  }

  /* A's document with B's whole signature put in. */
  if (a_end - a_start == b_end - b_start)
    {
      g_autofree char *copy = g_memdup2 (a_data, a_len);

      memcpy (copy + a_start, b_data + b_start, b_end - b_start);
      write_bytes (forged, copy, a_len);
      assert_refused (forged, trusted, INVOLVE_PDF_SIGN_ERROR_MODIFIED,
                      "The document was changed after it was signed.");
    }

  /* An unsigned PDF with B's metadata: nothing vouches for it. */
  {
    InvolveDefinitions *definitions = export_test_definitions ();
    g_autoptr(InvolveRecord) record = export_test_make_record (definitions, "INV-T-0006", 0, 1);
    g_autoptr(InvolveEvidenceDocument) document = involve_evidence_document_new (definitions, record,
                                                                                 INVOLVE_EVIDENCE_FULL);
    g_autoptr(InvolvePdfSignature) from_b = involve_pdf_signature_read (b, "b.pdf", &error);

    g_assert_no_error (error);
    involve_evidence_document_set_fingerprint (document, from_b->fingerprint);
    g_assert_true (involve_evidence_document_write_pdf (document, forged, &error));
    g_assert_no_error (error);
    assert_refused (forged, trusted, INVOLVE_PDF_SIGN_ERROR_NOT_SIGNED,
                    "carries no digital signature");
  }

  /* A text file that starts like a PDF. */
  write_bytes (forged, "%PDF-1.7\nreference=INV-T-0005; fingerprint=00\n", 47);
  assert_refused (forged, trusted, INVOLVE_PDF_SIGN_ERROR_NOT_PDF, "is not a PDF file");
  write_bytes (forged, "", 0);
  assert_refused (forged, trusted, INVOLVE_PDF_SIGN_ERROR_NOT_PDF, "is not a PDF file");

  /* Cut short: the end is missing, or the file ends early on a %%EOF. */
  write_bytes (forged, a_data, a_len - 40);
  assert_refused (forged, trusted, INVOLVE_PDF_SIGN_ERROR_MODIFIED, "is incomplete");
  {
    g_autoptr(GString) cut = g_string_new_len (a_data, (gssize) (a_end + 200));

    g_string_append (cut, "\n%%EOF\n");
    write_bytes (forged, cut->str, cut->len);
    assert_refused (forged, trusted, INVOLVE_PDF_SIGN_ERROR_MODIFIED,
                    "It is shorter than what was signed");
  }

  /* An incremental update after the signature: a new /Info with B's keywords. */
  {
    g_autoptr(GString) more = g_string_new_len (a_data, (gssize) a_len);

    g_string_append (more, "9999 0 obj\n<< /Keywords (Involve; reference=INV-T-0006; version=1) >>\n"
                           "endobj\nxref\n9999 1\n0000000000 00000 n \ntrailer\n<< /Size 10000 "
                           "/Info 9999 0 R >>\nstartxref\n0\n%%EOF\n");
    write_bytes (forged, more->str, more->len);
    assert_refused (forged, trusted, INVOLVE_PDF_SIGN_ERROR_MODIFIED,
                    "Something was added after the signature");

    /* … or a second signature in it. */
    g_string_append (more, "9998 0 obj\n<< /Type /Sig /ByteRange [0 10 20 30] /Contents <00> >>\n"
                           "endobj\n%%EOF\n");
    write_bytes (forged, more->str, more->len);
    assert_refused (forged, trusted, INVOLVE_PDF_SIGN_ERROR_MODIFIED, "A second signature");
  }

  /* A signed PDF is not signed again over its signature. */
  {
    g_autoptr(GBytes) again = NULL;
    gnutls_x509_crt_t crt = involve_certificate_get_gnutls (involve_identity_get_certificate (identity));

    again = involve_pdf_sign (a, crt, NULL, 0, involve_identity_get_gnutls_privkey (identity),
                              NULL, 0, &error);
    g_assert_null (again);
    g_assert_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_UNSUPPORTED);
    g_clear_error (&error);
  }
  test_util_remove_tree (dir);
}

/* Damage anywhere is an error, never a crash or a pass. */
static void
test_damage (void)
{
  g_autofree char *dir = export_test_make_tmpdir ();
  g_autoptr(InvolveIdentity) identity = make_identity ("Rhian Example-Exporter");
  g_autofree char *path = write_signed (dir, "a.pdf", "INV-T-0007", TRUE, identity);
  g_autoptr(GBytes) bytes = read_bytes (path);
  gsize length, start, end;
  const char *data = g_bytes_get_data (bytes, &length);
  g_autofree char *copy = g_memdup2 (data, length);

  signature_gap (bytes, &start, &end);
  /* Truncated at many lengths. */
  for (gsize cut = 0; cut < length; cut += length / 97 + 1)
    {
      g_autoptr(GBytes) part = g_bytes_new (data, cut);
      g_autoptr(GError) error = NULL;
      g_autoptr(InvolvePdfSignature) signature = involve_pdf_signature_read (part, "part", &error);

      g_assert_null (signature);
      g_assert_nonnull (error);
    }
  /* One byte changed, at many places outside the zero padding of /Contents. */
  for (gsize at = 0; at < length; at += length / 211 + 1)
    {
      g_autoptr(GBytes) damaged = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(InvolvePdfSignature) signature = NULL;
      char saved = copy[at];

      copy[at] = (char) (saved == '0' ? '1' : saved ^ 0x04);
      damaged = g_bytes_new (copy, length);
      signature = involve_pdf_signature_read (damaged, "damaged", &error);
      copy[at] = saved;
      if (at > start && at < end && data[at] == '0' && signature != NULL)
        continue;   /* could be padding: not signed, not read */
      if (signature != NULL)
        g_error ("a change at byte %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " was not caught", at, length);
      g_assert_nonnull (error);
    }
  test_util_remove_tree (dir);
}

static void
test_refuses_to_sign (void)
{
  g_autoptr(InvolveIdentity) identity = make_identity ("Rhian Example-Exporter");
  gnutls_x509_crt_t crt = involve_certificate_get_gnutls (involve_identity_get_certificate (identity));
  gnutls_privkey_t key = involve_identity_get_gnutls_privkey (identity);
  g_autoptr(GBytes) text = g_bytes_new_static ("hello\n", 6);
  /* A PDF 1.5 cross-reference stream, which we do not sign. */
  static const char xref_stream[] =
    "%PDF-1.5\n1 0 obj\n<< /Type /XRef /Size 2 /W [1 2 1] /Length 0 >>\nstream\n\nendstream\n"
    "endobj\nstartxref\n9\n%%EOF\n";
  g_autoptr(GBytes) modern = g_bytes_new_static (xref_stream, sizeof xref_stream - 1);
  g_autoptr(GBytes) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = export_test_make_tmpdir ();
  g_autofree char *path = write_signed (dir, "a.pdf", "INV-T-0008", TRUE, identity);
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();

  result = involve_pdf_sign (text, crt, NULL, 0, key, NULL, 0, &error);
  g_assert_null (result);
  g_assert_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_NOT_PDF);
  g_clear_error (&error);

  result = involve_pdf_sign (modern, crt, NULL, 0, key, NULL, 0, &error);
  g_assert_null (result);
  g_assert_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* A chain longer than the space kept for the signature fails cleanly. */
  {
    InvolveDefinitions *definitions = export_test_definitions ();
    g_autoptr(InvolveRecord) record = export_test_make_record (definitions, "INV-T-0009", 0, 1);
    g_autoptr(InvolveEvidenceDocument) document = involve_evidence_document_new (definitions, record,
                                                                                 INVOLVE_EVIDENCE_FULL);
    g_autofree char *unsigned_path = g_build_filename (dir, "unsigned.pdf", NULL);
    g_autoptr(GBytes) input = NULL;
    gnutls_x509_crt_t many[60];

    involve_evidence_document_set_fingerprint (document, "00");
    g_assert_true (involve_evidence_document_write_pdf (document, unsigned_path, &error));
    input = read_bytes (unsigned_path);
    for (guint i = 0; i < G_N_ELEMENTS (many); i++)
      many[i] = crt;
    result = involve_pdf_sign (input, crt, many, G_N_ELEMENTS (many), key, NULL, 0, &error);
    g_assert_null (result);
    g_assert_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_TOO_LARGE);
    g_clear_error (&error);
  }
  test_util_remove_tree (dir);
}

/* Through the register: no key, no PDF; the export names its signer; the
 * register says whether the version is still current. */
static void
test_store (void)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autofree char *dir = export_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "register.sqlite", NULL);
  g_autofree char *path = g_build_filename (dir, "evidence.pdf", NULL);
  g_autoptr(InvolveIdentity) identity = make_identity ("Rhian Example-Exporter");
  g_autoptr(GPtrArray) trusted = trust_only (identity);
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;
  const InvolveAuditEntry *last;

  store = involve_store_open (db, &error);
  g_assert_no_error (error);
  involve_store_set_profile_name (store, EXPORT_TEST_COMPLETER_NAME);
  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_set_value (store, record, "title",
                                          g_variant_new_string ("Closure of a test clinic"), &error));
  g_assert_no_error (error);

  g_assert_false (involve_export_pdf (store, definitions, involve_record_get_uuid (record), 0,
                                      INVOLVE_EVIDENCE_FULL, path, &error));
  g_assert_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_NO_IDENTITY);
  g_assert_nonnull (strstr (error->message, "Unlock your signing key"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  involve_store_set_identity (store, identity);
  g_assert_true (involve_export_pdf (store, definitions, involve_record_get_uuid (record), 0,
                                     INVOLVE_EVIDENCE_FULL, path, &error));
  g_assert_no_error (error);
  audit = involve_store_list_audit (store, NULL, &error);
  g_assert_no_error (error);
  last = g_ptr_array_index (audit, audit->len - 1);
  g_assert_cmpstr (last->kind, ==, INVOLVE_AUDIT_EXPORT);
  g_assert_nonnull (strstr (last->details,
                            involve_certificate_get_fingerprint (involve_identity_get_certificate (identity))));

  g_assert_true (involve_export_check_signed_pdf (store, path, trusted, &report, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (report, "matches the register"));

  /* The register's trust list: nobody yet, then the exporter. */
  g_assert_false (involve_export_check_signed_pdf (store, path, NULL, NULL, &error));
  g_assert_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_UNTRUSTED);
  g_assert_nonnull (strstr (error->message, "not on the register’s list of people who may sign"));
  g_clear_error (&error);
  /* The register's first trusted certificate administers it. */
  g_assert_true (involve_store_trust_add (store, involve_identity_get_certificate (identity),
                                          INVOLVE_TRUST_ALL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&report, g_free);
  g_assert_true (involve_export_check_signed_pdf (store, path, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (report, "matches the register"));

  /* Somebody else's key with the same name is not trusted by the register. */
  {
    g_autoptr(InvolveIdentity) namesake = make_identity ("Rhian Example-Exporter");
    g_autofree char *forged = g_build_filename (dir, "namesake.pdf", NULL);

    involve_store_set_identity (store, namesake);
    g_assert_true (involve_export_pdf (store, definitions, involve_record_get_uuid (record), 0,
                                       INVOLVE_EVIDENCE_FULL, forged, &error));
    g_assert_no_error (error);
    involve_store_set_identity (store, identity);
    g_assert_false (involve_export_check_signed_pdf (store, forged, NULL, NULL, &error));
    g_assert_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_UNTRUSTED);
    g_assert_nonnull (strstr (error->message, "The signature was made by a certificate that is not trusted"));
    g_clear_error (&error);
  }

  /* Another answer typed since: the PDF no longer matches the version. */
  g_assert_true (involve_store_set_value (store, record, "title",
                                          g_variant_new_string ("Closure of another clinic"), &error));
  g_assert_no_error (error);
  g_assert_false (involve_export_check_signed_pdf (store, path, trusted, NULL, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT);
  g_assert_nonnull (strstr (error->message, "does NOT match the register"));
  test_util_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = test_util_isolate_user_dirs ();

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pdf-sign/pdfsig", test_pdfsig);
  g_test_add_func ("/pdf-sign/report-and-trust", test_report_and_trust);
  g_test_add_func ("/pdf-sign/signed-off-pages", test_signed_off_pages);
  g_test_add_func ("/pdf-sign/openssl", test_openssl);
  g_test_add_func ("/pdf-sign/attacks", test_attacks);
  g_test_add_func ("/pdf-sign/damage", test_damage);
  g_test_add_func ("/pdf-sign/refuses-to-sign", test_refuses_to_sign);
  g_test_add_func ("/pdf-sign/store", test_store);
  return g_test_run ();
}
