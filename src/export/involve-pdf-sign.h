/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "involve-identity.h"
#include "involve-pdf.h"

G_BEGIN_DECLS

/*
 * Digitally signed evidence PDFs (PAdES, ETSI.CAdES.detached).
 *
 * involve_pdf_sign () takes a finished PDF with classic cross-reference
 * tables (what cairo writes, plus our own incremental updates) and appends
 * one more incremental update: a signature field whose widget shows the
 * signer and time on the first page, and a signature dictionary whose
 * /ByteRange covers the whole file but its /Contents, which hold a CMS
 * SignedData (SHA-256, detached, with the signer's certificate, signing
 * time and the ESS signingCertificateV2 attribute).  docs/pdf-signature.md
 * says how a third party checks it with pdfsig or openssl alone.
 *
 * involve_pdf_signature_read () checks a file the other way round without
 * any register: one signature, covering every byte but its own, nothing
 * after it, and a CMS signature that verifies with the certificate it
 * carries.  Whether that certificate is trusted is a separate question
 * (involve_pdf_signature_check_trust ()).
 */

#define INVOLVE_PDF_SIGN_ERROR (involve_pdf_sign_error_quark ())

typedef enum
{
  INVOLVE_PDF_SIGN_ERROR_FAILED,        /* GnuTLS or writing failed */
  INVOLVE_PDF_SIGN_ERROR_NOT_PDF,       /* not a PDF file at all */
  INVOLVE_PDF_SIGN_ERROR_UNSUPPORTED,   /* a PDF laid out in a way we do not sign or read */
  INVOLVE_PDF_SIGN_ERROR_NOT_SIGNED,    /* no signature */
  INVOLVE_PDF_SIGN_ERROR_MODIFIED,      /* bytes changed, added or cut after signing */
  INVOLVE_PDF_SIGN_ERROR_BAD_SIGNATURE, /* the CMS signature does not verify */
  INVOLVE_PDF_SIGN_ERROR_UNTRUSTED,     /* valid, by a certificate nobody trusts */
  INVOLVE_PDF_SIGN_ERROR_TOO_LARGE,     /* the signature does not fit its reserved space */
  INVOLVE_PDF_SIGN_ERROR_NOT_INVOLVE,   /* signed, but carries no Involve metadata */
  INVOLVE_PDF_SIGN_ERROR_NO_IDENTITY,   /* nobody's key is unlocked to sign with */
} InvolvePdfSignError;

GQuark involve_pdf_sign_error_quark (void);

/* Bytes reserved for the DER of the CMS signature (twice as many hex digits). */
#define INVOLVE_PDF_SIGNATURE_SPACE 16384

/*
 * Returns @pdf with the signature appended.  @chain (may be NULL) are
 * further certificates to carry, e.g. the issuer of an organisation's
 * certificate.  @reason (may be NULL) goes into /Reason; @time_usec (0 =
 * now) is the time shown and put in /M; the CMS signing time is the
 * system time GnuTLS reads.
 */
GBytes   *involve_pdf_sign                  (GBytes                  *pdf,
                                             gnutls_x509_crt_t        certificate,
                                             const gnutls_x509_crt_t *chain,
                                             guint                    n_chain,
                                             gnutls_privkey_t         key,
                                             const char              *reason,
                                             gint64                   time_usec,
                                             GError                 **error);

/*
 * Writes @document as a PDF signed by @identity (NULL: refused with
 * INVOLVE_PDF_SIGN_ERROR_NO_IDENTITY, for the app to ask for the key),
 * through a temporary file next to @path, so that a failure never leaves
 * an unsigned or half-written file behind.
 */
gboolean  involve_evidence_document_write_signed_pdf (InvolveEvidenceDocument *document,
                                                      const char              *path,
                                                      InvolveIdentity         *identity,
                                                      const char              *reason,
                                                      GError                 **error);

typedef struct
{
  /* From the signed document's metadata (/Info /Keywords). */
  char     *reference;
  guint     version;
  char     *status;          /* "signed-off", "draft", … or NULL when absent */
  char     *fingerprint;
  gboolean  is_public;
  /* From the signature. */
  GBytes   *signer_der;      /* the signing certificate, DER */
  char     *signer_fingerprint; /* lower-case hex SHA-256 of signer_der */
  char     *signer_name;     /* its subject's common name, or the whole DN */
  gint64    signing_usec;    /* the CMS signing time, UTC usec, 0 if absent */
  GPtrArray *certificates;   /* GBytes DER of every certificate the signature carries */
} InvolvePdfSignature;

void      involve_pdf_signature_free        (InvolvePdfSignature     *signature);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolvePdfSignature, involve_pdf_signature_free)

/* Structure and cryptography only; see above.  @name is how errors call the file. */
InvolvePdfSignature *involve_pdf_signature_read (GBytes              *pdf,
                                                 const char          *name,
                                                 GError             **error);
InvolvePdfSignature *involve_pdf_signature_read_file (const char     *path,
                                                      GError        **error);

/*
 * TRUE when the signer's certificate is one of @trusted (GBytes DER), or
 * is issued by one of them (through the certificates the signature
 * carries), and the signing time lies within its validity.
 */
gboolean  involve_pdf_signature_check_trust (InvolvePdfSignature     *signature,
                                             GPtrArray               *trusted,
                                             GError                 **error);

/* Reads every certificate of a PEM bundle (or one DER certificate) as GBytes DER. */
GPtrArray *involve_pdf_read_certificates    (const char              *path,
                                             GError                 **error);

G_END_DECLS
