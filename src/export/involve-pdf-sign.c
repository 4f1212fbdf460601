/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-pdf-sign"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/pkcs7.h>

#include "involve-pdf-sign.h"
#include "involve-pdf-update.h"

/* The PDF is read and appended to through involve-pdf-update.h. */

/* GnuTLS takes the signed bytes' length as an unsigned int. */
#define MAX_PDF_SIZE  ((gsize) G_MAXINT32)
/* ESS signingCertificateV2 (RFC 5035), what CAdES requires. */
#define OID_SIGNING_CERTIFICATE_V2 "1.2.840.113549.1.9.16.2.47"

G_DEFINE_QUARK (involve-pdf-sign-error-quark, involve_pdf_sign_error)

static gboolean
unsupported (GError **error)
{
  g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_UNSUPPORTED,
               _("The PDF file’s structure is damaged or of a kind Involve does not read."));
  return FALSE;
}

/* The newest revision's trailer and where each object is; on failure
 * @xref holds nothing. */
static gboolean
read_xref (const InvolvePdf  *pdf,
           InvolvePdfXref    *xref,
           GError           **error)
{
  return _involve_pdf_xref_read (pdf, xref) || unsupported (error);
}

/* Signing */

static char *
dup_certificate_name (gnutls_x509_crt_t certificate)
{
  char buffer[512];
  size_t size = sizeof buffer;

  if (gnutls_x509_crt_get_dn_by_oid (certificate, GNUTLS_OID_X520_COMMON_NAME, 0, 0,
                                     buffer, &size) == 0)
    return g_strndup (buffer, size);
  {
    gnutls_datum_t dn = { NULL, 0 };
    char *text;

    if (gnutls_x509_crt_get_dn3 (certificate, &dn, 0) != 0)
      return g_strdup ("?");
    text = g_strndup ((const char *) dn.data, dn.size);
    gnutls_free (dn.data);
    return text;
  }
}

/* A PDF text string: literal when plain ASCII, else UTF-16BE in hex. */
static void
append_text_string (GString    *out,
                    const char *text)
{
  gboolean ascii = TRUE;

  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || (guchar) *p > 0x7e)
      ascii = FALSE;

  if (ascii)
    {
      g_string_append_c (out, '(');
      for (const char *p = text; *p != '\0'; p++)
        {
          if (*p == '(' || *p == ')' || *p == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, ')');
    }
  else
    {
      gsize length = 0;
      g_autofree char *utf16 = g_convert (text, -1, "UTF-16BE", "UTF-8", NULL, &length, NULL);

      g_string_append (out, "<FEFF");
      for (gsize i = 0; utf16 != NULL && i < length; i++)
        g_string_append_printf (out, "%02X", (guchar) utf16[i]);
      g_string_append_c (out, '>');
    }
}

/* A string for the standard Helvetica font (WinAnsi), as a literal. */
static void
append_winansi_string (GString    *out,
                       const char *text,
                       gsize       max_chars)
{
  g_autofree char *truncated = NULL;
  g_autofree char *converted = NULL;

  if (g_utf8_strlen (text, -1) > (glong) max_chars)
    {
      g_autofree char *head = g_utf8_substring (text, 0, (glong) max_chars - 1);

      truncated = g_strconcat (head, "…", NULL);
      text = truncated;
    }
  /* Letters WinAnsi lacks (ŵ, ŷ, ł…) lose their accent rather than become "?". */
  {
    g_autoptr(GString) latin = g_string_new (NULL);

    for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
      {
        char one[8] = { 0 };
        g_autofree char *single = NULL;

        g_unichar_to_utf8 (g_utf8_get_char (p), one);
        single = g_convert (one, -1, "WINDOWS-1252", "UTF-8", NULL, NULL, NULL);
        if (single != NULL)
          g_string_append (latin, single);
        else
          {
            g_autofree char *ascii = g_str_to_ascii (one, "C");

            g_string_append (latin, ascii);
          }
      }
    converted = g_string_free (g_steal_pointer (&latin), FALSE);
  }
  g_string_append_c (out, '(');
  for (const char *p = converted != NULL ? converted : "?"; *p != '\0'; p++)
    {
      if (*p == '(' || *p == ')' || *p == '\\')
        g_string_append_c (out, '\\');
      if ((guchar) *p < 0x20)
        g_string_append_c (out, ' ');
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, ')');
}

/* The first page's object, through the page tree. */
static gboolean
first_page (const InvolvePdf     *pdf,
            const InvolvePdfXref *xref,
            InvolvePdfSpan        catalog,
            guint64              *number,
            InvolvePdfSpan       *page)
{
  guint64 node;

  if (!_involve_pdf_dict_get_ref (pdf, catalog.start, "Pages", &node))
    return FALSE;
  for (int depth = 0; depth < INVOLVE_PDF_MAX_DEPTH; depth++)
    {
      InvolvePdfSpan dict, kids, type;
      gsize p;

      if (!_involve_pdf_object_dict (pdf, xref, node, &dict) || !_involve_pdf_dict_find (pdf, dict.start, "Type", &type))
        return FALSE;
      if (type.end - type.start == 5 && memcmp (pdf->data + type.start, "/Page", 5) == 0)
        {
          *number = node;
          *page = dict;
          return TRUE;
        }
      if (!_involve_pdf_dict_find (pdf, dict.start, "Kids", &kids) || pdf->data[kids.start] != '[')
        return FALSE;
      p = _involve_pdf_skip_space (pdf, kids.start + 1);
      if (!_involve_pdf_parse_uint (pdf, p, _involve_pdf_token_end (pdf, p), &node))
        return FALSE;
    }
  return FALSE;
}

static void
page_size (const InvolvePdf *pdf,
           InvolvePdfSpan    page,
           double           *width,
           double           *height)
{
  InvolvePdfSpan box;
  double values[4];
  gsize p;

  *width = 595.276;
  *height = 841.89;
  if (!_involve_pdf_dict_find (pdf, page.start, "MediaBox", &box) || pdf->data[box.start] != '[')
    return;
  p = box.start + 1;
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *number = NULL;
      gsize end;

      p = _involve_pdf_skip_space (pdf, p);
      end = _involve_pdf_token_end (pdf, p);
      if (end == p || end - p > 20)
        return;
      number = g_strndup (pdf->data + p, end - p);
      values[i] = g_ascii_strtod (number, NULL);
      p = end;
    }
  if (values[2] - values[0] > 100 && values[3] - values[1] > 100)
    {
      *width = values[2] - values[0];
      *height = values[3] - values[1];
    }
}

static GBytes *
make_appearance (const char *signer,
                 gint64      time_usec,
                 double      width,
                 double      height)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time_usec / G_USEC_PER_SEC);
  g_autofree char *when = g_date_time_format (utc, "%Y-%m-%d %H:%M:%S");
  g_autofree char *line1 = g_strdup_printf (_("Digitally signed by %s"), signer);
  g_autofree char *line2 = g_strdup_printf (_("on %s UTC"), when);
  GString *stream = g_string_new (NULL);

  g_string_append_printf (stream, "q 0.95 0.97 1 rg 0 0 %.2f %.2f re f Q\n", width, height);
  g_string_append_printf (stream, "q 0 0.25 0.48 RG 1 w 0.5 0.5 %.2f %.2f re S Q\n",
                          width - 1, height - 1);
  g_string_append (stream, "BT 0.1 0.11 0.13 rg /F1 9 Tf ");
  g_string_append_printf (stream, "8 %.2f Td ", height - 15);
  append_winansi_string (stream, line1, 58);
  g_string_append (stream, " Tj 0 -12 Td ");
  append_winansi_string (stream, line2, 58);
  g_string_append (stream, " Tj /F1 7 Tf 0 -12 Td ");
  append_winansi_string (stream, _("Any change to this document breaks its signature."), 80);
  g_string_append (stream, " Tj ET\n");
  return g_string_free_to_bytes (stream);
}

static gboolean
sign_failed (int       code,
             GError  **error)
{
  g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_FAILED,
               _("The document could not be signed: %s"), gnutls_strerror (code));
  return FALSE;
}

/* CMS SignedData over @data: SHA-256, detached, with the certificate,
 * the signing time and signingCertificateV2 as signed attributes. */
static gboolean
make_cms (const gnutls_datum_t    *data,
          gnutls_x509_crt_t        certificate,
          const gnutls_x509_crt_t *chain,
          guint                    n_chain,
          gnutls_privkey_t         key,
          gnutls_datum_t          *der,
          GError                 **error)
{
  gnutls_pkcs7_t pkcs7 = NULL;
  gnutls_pkcs7_attrs_t attrs = NULL;
  gnutls_datum_t certificate_der = { NULL, 0 };
  guint8 hash[32];
  guint8 attribute[40];
  gnutls_datum_t attribute_datum = { attribute, sizeof attribute };
  int ret;

  ret = gnutls_x509_crt_export2 (certificate, GNUTLS_X509_FMT_DER, &certificate_der);
  if (ret < 0)
    return sign_failed (ret, error);
  ret = gnutls_hash_fast (GNUTLS_DIG_SHA256, certificate_der.data, certificate_der.size, hash);
  gnutls_free (certificate_der.data);
  if (ret < 0)
    return sign_failed (ret, error);

  /* SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }, one
   * ESSCertIDv2 ::= SEQUENCE { certHash OCTET STRING } (hash algorithm
   * SHA-256 is the default and so left out, DER). */
  attribute[0] = 0x30; attribute[1] = 38;
  attribute[2] = 0x30; attribute[3] = 36;
  attribute[4] = 0x30; attribute[5] = 34;
  attribute[6] = 0x04; attribute[7] = 32;
  memcpy (attribute + 8, hash, 32);

  ret = gnutls_pkcs7_add_attr (&attrs, OID_SIGNING_CERTIFICATE_V2, &attribute_datum, 0);
  if (ret < 0)
    return sign_failed (ret, error);
  ret = gnutls_pkcs7_init (&pkcs7);
  if (ret >= 0)
    ret = gnutls_pkcs7_sign (pkcs7, certificate, key, data, attrs, NULL, GNUTLS_DIG_SHA256,
                             GNUTLS_PKCS7_INCLUDE_TIME | GNUTLS_PKCS7_INCLUDE_CERT);
  for (guint i = 0; ret >= 0 && i < n_chain; i++)
    ret = gnutls_pkcs7_set_crt (pkcs7, chain[i]);
  if (ret >= 0)
    ret = gnutls_pkcs7_export2 (pkcs7, GNUTLS_X509_FMT_DER, der);
  gnutls_pkcs7_attrs_deinit (attrs);
  if (pkcs7 != NULL)
    gnutls_pkcs7_deinit (pkcs7);
  if (ret < 0)
    return sign_failed (ret, error);
  return TRUE;
}

#define BYTE_RANGE_SLOT 48

GBytes *
involve_pdf_sign (GBytes                  *pdf_bytes,
                  gnutls_x509_crt_t        certificate,
                  const gnutls_x509_crt_t *chain,
                  guint                    n_chain,
                  gnutls_privkey_t         key,
                  const char              *reason,
                  gint64                   time_usec,
                  GError                 **error)
{
  InvolvePdf pdf;
  InvolvePdfXref xref;
  InvolvePdfSpan catalog, page, value;
  guint64 root, page_number;
  guint64 sig_object, widget_object, appearance_object;
  g_autofree char *signer = NULL;
  g_autoptr(InvolvePdfUpdate) pdf_update = NULL;
  GString *update;
  g_autoptr(GBytes) appearance = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *pdf_date = NULL;
  gsize byte_range_slot, contents_start, contents_end, total;
  double page_width, page_height;
  const double box_width = 300, box_height = 48;
  double box_x, box_y;
  gnutls_datum_t signed_data, cms = { NULL, 0 };
  g_autofree guint8 *signed_buffer = NULL;
  char *out;

  g_return_val_if_fail (pdf_bytes != NULL, NULL);
  g_return_val_if_fail (certificate != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  pdf.data = g_bytes_get_data (pdf_bytes, &pdf.len);
  if (pdf.len < 8 || memcmp (pdf.data, "%PDF-", 5) != 0)
    {
      g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_NOT_PDF,
                   _("This is not a PDF file."));
      return NULL;
    }
  if (pdf.len > MAX_PDF_SIZE - 2 * INVOLVE_PDF_SIGNATURE_SPACE - 65536)
    {
      unsupported (error);
      return NULL;
    }
  if (time_usec == 0)
    time_usec = g_get_real_time ();

  if (!read_xref (&pdf, &xref, error))
    return NULL;
  root = xref.root;
  if (root == 0 ||
      !_involve_pdf_object_dict (&pdf, &xref, root, &catalog) ||
      !first_page (&pdf, &xref, catalog, &page_number, &page) ||
      xref.size == 0 || xref.size > INVOLVE_PDF_MAX_OBJECTS)
    {
      _involve_pdf_xref_clear (&xref);
      unsupported (error);
      return NULL;
    }
  if (_involve_pdf_dict_find (&pdf, catalog.start, "AcroForm", &value))
    {
      _involve_pdf_xref_clear (&xref);
      g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_UNSUPPORTED,
                   _("The PDF file already has a form or a signature."));
      return NULL;
    }
  if (_involve_pdf_dict_find (&pdf, page.start, "Annots", &value) && pdf.data[value.start] != '[')
    {
      _involve_pdf_xref_clear (&xref);
      unsupported (error);
      return NULL;
    }

  pdf_update = _involve_pdf_update_new (&pdf, &xref);
  _involve_pdf_xref_clear (&xref);
  update = _involve_pdf_update_get_buffer (pdf_update);
  signer = dup_certificate_name (certificate);
  sig_object = _involve_pdf_update_new_number (pdf_update);
  widget_object = _involve_pdf_update_new_number (pdf_update);
  appearance_object = _involve_pdf_update_new_number (pdf_update);
  page_size (&pdf, page, &page_width, &page_height);
  /* Bottom right of the cover, above the footer rule. */
  box_x = page_width - 56 - box_width;
  box_y = 52;
  appearance = make_appearance (signer, time_usec, box_width, box_height);
  utc = g_date_time_new_from_unix_utc (time_usec / G_USEC_PER_SEC);
  pdf_date = g_date_time_format (utc, "D:%Y%m%d%H%M%S+00'00'");

  /* The signature value. */
  _involve_pdf_update_begin_object (pdf_update, sig_object);
  g_string_append (update, "<< /Type /Sig\n"
                   "   /Filter /Adobe.PPKLite\n   /SubFilter /ETSI.CAdES.detached\n"
                   "   /ByteRange [");
  byte_range_slot = update->len;
  for (int i = 0; i < BYTE_RANGE_SLOT; i++)
    g_string_append_c (update, ' ');
  g_string_append (update, "]\n   /Contents ");
  contents_start = update->len;
  g_string_append_c (update, '<');
  for (int i = 0; i < INVOLVE_PDF_SIGNATURE_SPACE * 2; i++)
    g_string_append_c (update, '0');
  g_string_append_c (update, '>');
  contents_end = update->len;
  g_string_append_printf (update, "\n   /M (%s)\n   /Name ", pdf_date);
  append_text_string (update, signer);
  if (reason != NULL)
    {
      g_string_append (update, "\n   /Reason ");
      append_text_string (update, reason);
    }
  g_string_append (update, "\n   /Prop_Build << /App << /Name /Involve >> >>\n>>\n");
  _involve_pdf_update_end_object (pdf_update);

  /* The field and its widget, one object. */
  _involve_pdf_update_begin_object (pdf_update, widget_object);
  g_string_append (update, "<< /Type /Annot\n   /Subtype /Widget\n"
                   "   /FT /Sig\n   /T (Involve signature)\n   /TU ");
  {
    g_autofree char *tooltip = g_strdup_printf (_("Digital signature of %s"), signer);
    append_text_string (update, tooltip);
  }
  g_string_append_printf (update, "\n   /V %" G_GUINT64_FORMAT " 0 R\n   /F 132\n"
                          "   /P %" G_GUINT64_FORMAT " 0 R\n   /Rect [%.2f %.2f %.2f %.2f]\n"
                          "   /AP << /N %" G_GUINT64_FORMAT " 0 R >>\n>>\n",
                          sig_object, page_number, box_x, box_y, box_x + box_width,
                          box_y + box_height, appearance_object);
  _involve_pdf_update_end_object (pdf_update);

  /* What the widget shows. */
  _involve_pdf_update_begin_object (pdf_update, appearance_object);
  g_string_append_printf (update, "<< /Type /XObject\n   /Subtype /Form\n"
                          "   /BBox [0 0 %.2f %.2f]\n"
                          "   /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 "
                          "/BaseFont /Helvetica /Encoding /WinAnsiEncoding >> >> >>\n"
                          "   /Length %" G_GSIZE_FORMAT "\n>>\nstream\n",
                          box_width, box_height, g_bytes_get_size (appearance));
  g_string_append_len (update, g_bytes_get_data (appearance, NULL), g_bytes_get_size (appearance));
  g_string_append (update, "\nendstream\n");
  _involve_pdf_update_end_object (pdf_update);

  /* A new revision of the catalog with the form, and of the page with the widget. */
  _involve_pdf_update_begin_object (pdf_update, root);
  g_string_append (update, "<<");
  _involve_pdf_update_copy_entries (pdf_update, catalog);
  g_string_append_printf (update, "\n   /AcroForm << /Fields [%" G_GUINT64_FORMAT " 0 R] /SigFlags 3 >>\n>>\n",
                          widget_object);
  _involve_pdf_update_end_object (pdf_update);

  _involve_pdf_update_begin_object (pdf_update, page_number);
  g_string_append (update, "<<");
  if (_involve_pdf_dict_find (&pdf, page.start, "Annots", &value))
    {
      /* Everything but the old /Annots array, then the array with ours added. */
      g_string_append_len (update, pdf.data + page.start + 2, value.start - (page.start + 2));
      g_string_append_printf (update, "[%" G_GUINT64_FORMAT " 0 R ", widget_object);
      g_string_append_len (update, pdf.data + value.start + 1, page.end - 2 - (value.start + 1));
      g_string_append (update, "\n>>\n");
    }
  else
    {
      _involve_pdf_update_copy_entries (pdf_update, page);
      g_string_append_printf (update, "\n   /Annots [%" G_GUINT64_FORMAT " 0 R]\n>>\n",
                              widget_object);
    }
  _involve_pdf_update_end_object (pdf_update);
  _involve_pdf_update_finish (pdf_update);

  /* Fill in the byte range, then sign everything but the /Contents value. */
  total = pdf.len + update->len;
  {
    g_autofree char *range = g_strdup_printf ("0 %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT,
                                              pdf.len + contents_start, pdf.len + contents_end,
                                              total - (pdf.len + contents_end));

    g_assert (strlen (range) <= BYTE_RANGE_SLOT);
    memcpy (update->str + byte_range_slot, range, strlen (range));
  }
  signed_buffer = g_malloc (total - (contents_end - contents_start));
  memcpy (signed_buffer, pdf.data, pdf.len);
  memcpy (signed_buffer + pdf.len, update->str, contents_start);
  memcpy (signed_buffer + pdf.len + contents_start, update->str + contents_end,
          update->len - contents_end);
  signed_data.data = signed_buffer;
  signed_data.size = (unsigned int) (total - (contents_end - contents_start));

  if (!make_cms (&signed_data, certificate, chain, n_chain, key, &cms, error))
    return NULL;
  if (cms.size > INVOLVE_PDF_SIGNATURE_SPACE)
    {
      gnutls_free (cms.data);
      g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_TOO_LARGE,
                   _("The signature (%u bytes) does not fit the %d bytes kept for it; the "
                     "certificate chain is too long."), cms.size, INVOLVE_PDF_SIGNATURE_SPACE);
      return NULL;
    }
  for (unsigned int i = 0; i < cms.size; i++)
    {
      static const char digits[] = "0123456789ABCDEF";

      update->str[contents_start + 1 + 2 * i] = digits[cms.data[i] >> 4];
      update->str[contents_start + 2 + 2 * i] = digits[cms.data[i] & 0xf];
    }
  gnutls_free (cms.data);

  out = g_malloc (total);
  memcpy (out, pdf.data, pdf.len);
  memcpy (out + pdf.len, update->str, update->len);
  return g_bytes_new_take (out, total);
}

gboolean
involve_evidence_document_write_signed_pdf (InvolveEvidenceDocument *document,
                                            const char              *path,
                                            InvolveIdentity         *identity,
                                            const char              *reason,
                                            GError                 **error)
{
  g_autofree char *unsigned_path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) input = NULL;
  g_autoptr(GBytes) output = NULL;
  g_autofree gnutls_x509_crt_t *chain = NULL;
  GPtrArray *certificates;
  gsize length;
  gboolean ok;
  int fd;

  g_return_val_if_fail (INVOLVE_IS_EVIDENCE_DOCUMENT (document), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (identity == NULL || INVOLVE_IS_IDENTITY (identity), FALSE);

  if (identity == NULL)
    {
      g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_NO_IDENTITY,
                   _("An evidence PDF is signed with the key of the person who exports it, "
                     "and no key is unlocked. Unlock your signing key first."));
      return FALSE;
    }

  unsigned_path = g_strdup_printf ("%s.unsigned-XXXXXX", path);
  fd = g_mkstemp_full (unsigned_path, O_RDWR, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_FAILED,
                   _("Cannot write “%s”: %s"), display, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);

  ok = involve_evidence_document_write_pdf (document, unsigned_path, error) &&
       g_file_get_contents (unsigned_path, &contents, &length, error);
  g_unlink (unsigned_path);
  if (!ok)
    return FALSE;

  certificates = involve_identity_get_chain (identity);
  chain = g_new0 (gnutls_x509_crt_t, certificates != NULL ? certificates->len + 1 : 1);
  for (guint i = 0; certificates != NULL && i < certificates->len; i++)
    chain[i] = involve_certificate_get_gnutls (g_ptr_array_index (certificates, i));

  input = g_bytes_new_take (g_steal_pointer (&contents), length);
  output = involve_pdf_sign (input,
                             involve_certificate_get_gnutls (involve_identity_get_certificate (identity)),
                             chain, certificates != NULL ? certificates->len : 0,
                             involve_identity_get_gnutls_privkey (identity), reason, 0, error);
  if (output == NULL)
    return FALSE;
  /* Atomic: the old file, if any, stays until the signed one is complete. */
  return g_file_set_contents (path, g_bytes_get_data (output, NULL), g_bytes_get_size (output), error);
}

/* Checking */

void
involve_pdf_signature_free (InvolvePdfSignature *signature)
{
  if (signature == NULL)
    return;
  g_free (signature->reference);
  g_free (signature->status);
  g_free (signature->fingerprint);
  g_clear_pointer (&signature->signer_der, g_bytes_unref);
  g_free (signature->signer_fingerprint);
  g_free (signature->signer_name);
  g_clear_pointer (&signature->certificates, g_ptr_array_unref);
  g_free (signature);
}

static gboolean
modified (GError    **error,
          const char *detail)
{
  g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_MODIFIED,
               "%s %s", _("The document was changed after it was signed."), detail);
  return FALSE;
}

static char *
dup_sha256_hex (const void *data,
                gsize       size)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);
}

/* The length of one DER element at @der, or 0 when it does not fit. */
static gsize
der_length (const guint8 *der,
            gsize         size)
{
  gsize length, header;

  if (size < 2)
    return 0;
  if (der[1] < 0x80)
    {
      length = der[1];
      header = 2;
    }
  else
    {
      guint n = der[1] & 0x7f;

      if (n == 0 || n > 4 || size < 2 + n)
        return 0;
      length = 0;
      for (guint i = 0; i < n; i++)
        length = (length << 8) | der[2 + i];
      header = 2 + n;
    }
  if (length > size - header)
    return 0;
  return header + length;
}

/* The ESS signingCertificateV2 attribute, when present, must name the signer. */
static gboolean
check_signing_certificate (gnutls_pkcs7_attrs_t  attrs,
                           GBytes               *signer_der)
{
  g_autofree char *expected = dup_sha256_hex (g_bytes_get_data (signer_der, NULL),
                                              g_bytes_get_size (signer_der));

  for (unsigned idx = 0;; idx++)
    {
      char *oid = NULL;  /* read-only, the list's */
      gnutls_datum_t value = { NULL, 0 };
      gboolean ok = TRUE;

      if (gnutls_pkcs7_get_attr (attrs, idx, &oid, &value, 0) < 0)
        return TRUE;
      if (g_strcmp0 (oid, OID_SIGNING_CERTIFICATE_V2) == 0)
        {
          /* SEQ { SEQ { SEQ { [AlgorithmIdentifier] OCTET STRING(32) … } } }: find the hash. */
          g_autofree char *found = NULL;

          for (unsigned i = 0; i + 34 <= value.size; i++)
            if (value.data[i] == 0x04 && value.data[i + 1] == 32)
              {
                found = g_malloc (65);
                for (int j = 0; j < 32; j++)
                  g_snprintf (found + 2 * j, 3, "%02x", value.data[i + 2 + j]);
                break;
              }
          ok = found != NULL && g_str_equal (found, expected);
        }

      gnutls_free (value.data);
      if (!ok)
        return FALSE;
    }
}

static void
replace_str (char       **target,
             const char  *value)
{
  g_free (*target);
  *target = g_strdup (value);
}

static gboolean
read_metadata (const InvolvePdf     *pdf,
               InvolvePdfSignature  *signature,
               const char           *name,
               GError              **error)
{
  InvolvePdfXref xref;
  InvolvePdfSpan info, keywords;
  g_autofree char *text = NULL;
  g_auto(GStrv) parts = NULL;

  if (!read_xref (pdf, &xref, error))
    return FALSE;
  if (xref.info == 0 ||
      !_involve_pdf_object_dict (pdf, &xref, xref.info, &info) ||
      !_involve_pdf_dict_find (pdf, info.start, "Keywords", &keywords) ||
      (text = _involve_pdf_decode_string (pdf, keywords)) == NULL)
    {
      _involve_pdf_xref_clear (&xref);
      g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_NOT_INVOLVE,
                   _("“%s” is signed, but it is not an Involve evidence document: it carries "
                     "no record reference or fingerprint."), name);
      return FALSE;
    }
  _involve_pdf_xref_clear (&xref);

  parts = g_strsplit (text, ";", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);
      const char *eq = strchr (part, '=');
      g_autofree char *key = NULL;

      if (eq == NULL)
        continue;
      key = g_strndup (part, eq - part);
      if (g_str_equal (key, "reference"))
        replace_str (&signature->reference, eq + 1);
      else if (g_str_equal (key, "version"))
        signature->version = (guint) g_ascii_strtoull (eq + 1, NULL, 10);
      else if (g_str_equal (key, "status"))
        replace_str (&signature->status, eq + 1);
      else if (g_str_equal (key, "fingerprint"))
        replace_str (&signature->fingerprint, eq + 1);
      else if (g_str_equal (key, "public"))
        signature->is_public = g_str_equal (eq + 1, "yes");
    }
  if (signature->reference == NULL || signature->fingerprint == NULL || signature->version == 0)
    {
      g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_NOT_INVOLVE,
                   _("“%s” is signed, but it is not an Involve evidence document: it carries "
                     "no record reference or fingerprint."), name);
      return FALSE;
    }
  return TRUE;
}

/* Whether GnuTLS can take the certificate's public key.  GnuTLS 3.7
 * leaks when gnutls_pkcs7_verify_direct () meets one it cannot. */
static gboolean
has_usable_key (gnutls_x509_crt_t crt)
{
  gnutls_pubkey_t key = NULL;
  gboolean ok;

  if (gnutls_pubkey_init (&key) < 0)
    return FALSE;
  ok = gnutls_pubkey_import_x509 (key, crt, 0) >= 0;
  gnutls_pubkey_deinit (key);
  return ok;
}

static gboolean
read_byte_range (const InvolvePdf *pdf,
                 gsize             at,
                 guint64           range[4])
{
  gsize p = _involve_pdf_skip_space (pdf, at + strlen ("/ByteRange"));

  if (p >= pdf->len || pdf->data[p] != '[')
    return FALSE;
  p++;
  for (int i = 0; i < 4; i++)
    {
      gsize end;

      p = _involve_pdf_skip_space (pdf, p);
      end = _involve_pdf_token_end (pdf, p);
      if (!_involve_pdf_parse_uint (pdf, p, end, &range[i]))
        return FALSE;
      p = end;
    }
  p = _involve_pdf_skip_space (pdf, p);
  return p < pdf->len && pdf->data[p] == ']';
}

InvolvePdfSignature *
involve_pdf_signature_read (GBytes      *bytes,
                            const char  *name,
                            GError     **error)
{
  g_autoptr(InvolvePdfSignature) signature = g_new0 (InvolvePdfSignature, 1);
  InvolvePdf pdf;
  const char *at = NULL;
  guint n_ranges = 0;
  guint64 range[4];
  gsize gap_start, gap_end, der_size, p;
  g_autofree guint8 *der = NULL;
  g_autofree guint8 *signed_buffer = NULL;
  gnutls_datum_t cms, signed_data;
  gnutls_pkcs7_t pkcs7 = NULL;
  gnutls_pkcs7_signature_info_st info;
  gboolean have_info = FALSE;
  int ret, count;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  pdf.data = g_bytes_get_data (bytes, &pdf.len);
  if (pdf.len < 8 || memcmp (pdf.data, "%PDF-", 5) != 0 ||
      _involve_pdf_find_last (pdf.data, pdf.data + pdf.len, " obj") == NULL)
    {
      g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_NOT_PDF,
                   _("“%s” is not a PDF file."), name);
      return NULL;
    }
  if (pdf.len > MAX_PDF_SIZE)
    {
      unsupported (error);
      return NULL;
    }
  /* A PDF ends with its last revision's %%EOF (and a line end). */
  if (_involve_pdf_find_last (pdf.data + (pdf.len > 32 ? pdf.len - 32 : 0), pdf.data + pdf.len, "%%EOF") == NULL)
    {
      g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_MODIFIED,
                   _("“%s” is incomplete: its end is missing, so it was cut off or damaged."), name);
      return NULL;
    }

  for (gsize q = 0; q + 10 <= pdf.len; q++)
    if (pdf.data[q] == '/' && memcmp (pdf.data + q, "/ByteRange", 10) == 0)
      {
        at = at == NULL ? pdf.data + q : at;
        n_ranges++;
      }
  if (n_ranges == 0)
    {
      g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_NOT_SIGNED,
                   _("“%s” carries no digital signature, so nothing shows who made it or that "
                     "it is unchanged."), name);
      return NULL;
    }
  if (n_ranges > 1)
    {
      modified (error, _("A second signature was added to it."));
      return NULL;
    }

  if (!read_byte_range (&pdf, at - pdf.data, range) || range[0] != 0 || range[1] == 0 ||
      range[2] <= range[1] || range[1] >= pdf.len)
    {
      modified (error, _("Its signature no longer says which bytes it covers."));
      return NULL;
    }
  if (range[2] > pdf.len || range[3] > pdf.len - range[2])
    {
      modified (error, _("It is shorter than what was signed: part of it was cut off."));
      return NULL;
    }
  if (range[2] + range[3] != pdf.len)
    {
      modified (error, _("Something was added after the signature."));
      return NULL;
    }

  /* The gap is exactly the /Contents hex string of this signature. */
  gap_start = (gsize) range[1];
  gap_end = (gsize) range[2];
  if (pdf.data[gap_start] != '<' || pdf.data[gap_end - 1] != '>' ||
      (gsize) (at - pdf.data) > gap_start || gap_start - (gsize) (at - pdf.data) > 200)
    {
      modified (error, _("Its signature no longer says which bytes it covers."));
      return NULL;
    }
  p = gap_start;
  while (p > 0 && _involve_pdf_is_space (pdf.data[p - 1]))
    p--;
  if (p < 9 || memcmp (pdf.data + p - 9, "/Contents", 9) != 0)
    {
      modified (error, _("Its signature no longer says which bytes it covers."));
      return NULL;
    }
  if ((gap_end - gap_start - 2) % 2 != 0)
    {
      modified (error, _("Its signature was damaged."));
      return NULL;
    }
  der = g_malloc ((gap_end - gap_start - 2) / 2 + 1);
  for (gsize i = gap_start + 1, n = 0; i + 1 < gap_end; i += 2, n++)
    {
      int high = g_ascii_xdigit_value (pdf.data[i]), low = g_ascii_xdigit_value (pdf.data[i + 1]);

      if (high < 0 || low < 0)
        {
          modified (error, _("Its signature was damaged."));
          return NULL;
        }
      der[n] = (guint8) (high * 16 + low);
    }
  der_size = der_length (der, (gap_end - gap_start - 2) / 2);
  if (der_size == 0)
    {
      modified (error, _("Its signature was damaged."));
      return NULL;
    }
  for (gsize i = der_size; i < (gap_end - gap_start - 2) / 2; i++)
    if (der[i] != 0)
      {
        modified (error, _("Its signature was damaged."));
        return NULL;
      }

  signed_buffer = g_malloc (pdf.len - (gap_end - gap_start) + 1);
  memcpy (signed_buffer, pdf.data, gap_start);
  memcpy (signed_buffer + gap_start, pdf.data + gap_end, pdf.len - gap_end);
  signed_data.data = signed_buffer;
  signed_data.size = (unsigned int) (pdf.len - (gap_end - gap_start));

  cms.data = der;
  cms.size = (unsigned int) der_size;
  ret = gnutls_pkcs7_init (&pkcs7);
  if (ret >= 0)
    ret = gnutls_pkcs7_import (pkcs7, &cms, GNUTLS_X509_FMT_DER);
  count = ret >= 0 ? gnutls_pkcs7_get_signature_count (pkcs7) : 0;
  if (ret < 0 || count != 1)
    {
      if (pkcs7 != NULL)
        gnutls_pkcs7_deinit (pkcs7);
      g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_BAD_SIGNATURE,
                   _("The signature of “%s” is damaged or not of a kind Involve makes."), name);
      return NULL;
    }

  /* The signer is whichever certificate carried makes the signature verify. */
  signature->certificates = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  count = gnutls_pkcs7_get_crt_count (pkcs7);
  for (int i = 0; i < count; i++)
    {
      gnutls_datum_t raw = { NULL, 0 };

      if (gnutls_pkcs7_get_crt_raw2 (pkcs7, (unsigned) i, &raw) < 0)
        continue;
      g_ptr_array_add (signature->certificates, g_bytes_new (raw.data, raw.size));
      gnutls_free (raw.data);
    }
  for (guint i = 0; i < signature->certificates->len && signature->signer_der == NULL; i++)
    {
      GBytes *candidate = g_ptr_array_index (signature->certificates, i);
      gnutls_datum_t raw = { (guint8 *) g_bytes_get_data (candidate, NULL),
                             (unsigned int) g_bytes_get_size (candidate) };
      gnutls_x509_crt_t crt = NULL;

      if (gnutls_x509_crt_init (&crt) < 0)
        continue;
      if (gnutls_x509_crt_import (crt, &raw, GNUTLS_X509_FMT_DER) >= 0 &&
          has_usable_key (crt) &&
          gnutls_pkcs7_verify_direct (pkcs7, crt, 0, &signed_data, 0) >= 0)
        {
          signature->signer_der = g_bytes_ref (candidate);
          signature->signer_name = dup_certificate_name (crt);
        }
      gnutls_x509_crt_deinit (crt);
    }
  if (signature->signer_der == NULL)
    {
      gnutls_pkcs7_deinit (pkcs7);
      if (signature->certificates->len == 0)
        g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_BAD_SIGNATURE,
                     _("The signature of “%s” does not carry the signer’s certificate."), name);
      else
        modified (error, _("Its signature no longer matches its content."));
      return NULL;
    }
  signature->signer_fingerprint = dup_sha256_hex (g_bytes_get_data (signature->signer_der, NULL),
                                                  g_bytes_get_size (signature->signer_der));

  memset (&info, 0, sizeof info);
  if (gnutls_pkcs7_get_signature_info (pkcs7, 0, &info) >= 0)
    {
      have_info = TRUE;
      if (info.signing_time != (time_t) -1 && info.signing_time > 0)
        signature->signing_usec = (gint64) info.signing_time * G_USEC_PER_SEC;
      if (!check_signing_certificate (info.signed_attrs, signature->signer_der))
        {
          gnutls_pkcs7_signature_info_deinit (&info);
          gnutls_pkcs7_deinit (pkcs7);
          g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_BAD_SIGNATURE,
                       _("The signature of “%s” names a different certificate from the one "
                         "that made it."), name);
          return NULL;
        }
    }
  if (have_info)
    gnutls_pkcs7_signature_info_deinit (&info);
  gnutls_pkcs7_deinit (pkcs7);

  if (!read_metadata (&pdf, signature, name, error))
    return NULL;
  return g_steal_pointer (&signature);
}

InvolvePdfSignature *
involve_pdf_signature_read_file (const char  *path,
                                 GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *display = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  display = g_filename_display_name (path);
  mapped = g_mapped_file_new (path, FALSE, error);
  if (mapped == NULL)
    return NULL;
  bytes = g_mapped_file_get_bytes (mapped);
  return involve_pdf_signature_read (bytes, display, error);
}

static gnutls_x509_crt_t
import_der (GBytes *der)
{
  gnutls_datum_t raw = { (guint8 *) g_bytes_get_data (der, NULL),
                         (unsigned int) g_bytes_get_size (der) };
  gnutls_x509_crt_t crt = NULL;

  if (gnutls_x509_crt_init (&crt) < 0)
    return NULL;
  if (gnutls_x509_crt_import (crt, &raw, GNUTLS_X509_FMT_DER) < 0)
    {
      gnutls_x509_crt_deinit (crt);
      return NULL;
    }
  return crt;
}

gboolean
involve_pdf_signature_check_trust (InvolvePdfSignature  *signature,
                                   GPtrArray            *trusted,
                                   GError              **error)
{
  gnutls_x509_crt_t signer;
  gboolean is_trusted = FALSE;
  gint64 when;
  time_t not_before, not_after;

  g_return_val_if_fail (signature != NULL, FALSE);
  g_return_val_if_fail (trusted != NULL, FALSE);

  signer = import_der (signature->signer_der);
  if (signer == NULL)
    return sign_failed (GNUTLS_E_CERTIFICATE_ERROR, error);

  for (guint i = 0; i < trusted->len && !is_trusted; i++)
    {
      GBytes *der = g_ptr_array_index (trusted, i);
      g_autofree char *fingerprint = dup_sha256_hex (g_bytes_get_data (der, NULL), g_bytes_get_size (der));

      is_trusted = g_str_equal (fingerprint, signature->signer_fingerprint);
    }
  /* Or issued by a trusted certificate (an organisation's). */
  if (!is_trusted && trusted->len > 0)
    {
      g_autofree gnutls_x509_crt_t *issuers = g_new0 (gnutls_x509_crt_t, trusted->len);
      guint n = 0;
      unsigned int status = 0;

      for (guint i = 0; i < trusted->len; i++)
        if ((issuers[n] = import_der (g_ptr_array_index (trusted, i))) != NULL)
          n++;
      if (n > 0 &&
          gnutls_x509_crt_verify (signer, issuers, n,
                                  GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
                                  GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS, &status) >= 0 &&
          status == 0)
        is_trusted = TRUE;
      for (guint i = 0; i < n; i++)
        gnutls_x509_crt_deinit (issuers[i]);
    }

  not_before = gnutls_x509_crt_get_activation_time (signer);
  not_after = gnutls_x509_crt_get_expiration_time (signer);
  gnutls_x509_crt_deinit (signer);

  if (!is_trusted)
    {
      g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_UNTRUSTED,
                   _("The signature was made by a certificate that is not trusted: “%s” "
                     "(SHA-256 %s). Nobody has said that this certificate may sign evidence "
                     "for the register."),
                   signature->signer_name, signature->signer_fingerprint);
      return FALSE;
    }
  when = signature->signing_usec != 0 ? signature->signing_usec : g_get_real_time ();
  if (when / G_USEC_PER_SEC < (gint64) not_before || when / G_USEC_PER_SEC > (gint64) not_after)
    {
      g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_UNTRUSTED,
                   _("The signature was made when the signer’s certificate “%s” was not valid."),
                   signature->signer_name);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
involve_pdf_read_certificates (const char  *path,
                               GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length;
  gnutls_x509_crt_t *list = NULL;
  unsigned int n = 0;
  gnutls_datum_t raw;
  GPtrArray *out;
  int ret;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  raw.data = (guint8 *) contents;
  raw.size = (unsigned int) length;
  ret = gnutls_x509_crt_list_import2 (&list, &n, &raw, GNUTLS_X509_FMT_PEM, 0);
  if (ret < 0)
    ret = gnutls_x509_crt_list_import2 (&list, &n, &raw, GNUTLS_X509_FMT_DER, 0);
  if (ret < 0 || n == 0)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_FAILED,
                   _("“%s” holds no certificates (PEM or DER)."), display);
      return NULL;
    }
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (unsigned int i = 0; i < n; i++)
    {
      gnutls_datum_t der = { NULL, 0 };

      if (gnutls_x509_crt_export2 (list[i], GNUTLS_X509_FMT_DER, &der) >= 0)
        {
          g_ptr_array_add (out, g_bytes_new (der.data, der.size));
          gnutls_free (der.data);
        }
      gnutls_x509_crt_deinit (list[i]);
    }
  gnutls_free (list);
  return out;
}
