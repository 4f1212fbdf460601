/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

/*
 * Personal identities for signed acts (GnuTLS).
 *
 * A person is a key pair and an X.509 certificate.  "Who did this" in the
 * register is the certificate, named by its fingerprint (lower-case hex
 * SHA-256 of the DER encoding), never a typed name: two people are the same
 * person when, and only when, their certificate fingerprints are equal.
 *
 * Keys are ECDSA P-256 or RSA-3072 with SHA-256, so that PDF readers and
 * openssl accept the signatures.  A key file is one PEM file: the private
 * key as passphrase-encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY", PBES2 with
 * AES-256) followed by the certificate (and any chain), written with mode
 * 0600.  Organisation-issued keys come as PKCS#12; smartcards and tokens as
 * PKCS#11 URLs ("pkcs11:..."), which GnuTLS opens through p11-kit.
 *
 * A raw signature (involve_identity_sign) is what openssl dgst -sha256
 * -sign makes: ECDSA as a DER SEQUENCE { r, s }, RSA as PKCS#1 v1.5.
 */

#define INVOLVE_IDENTITY_ERROR (involve_identity_error_quark ())

typedef enum
{
  INVOLVE_IDENTITY_ERROR_FAILED,          /* anything else GnuTLS reports */
  INVOLVE_IDENTITY_ERROR_NOT_FOUND,       /* no key file / no such token object */
  INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE,  /* wrong passphrase or PIN */
  INVOLVE_IDENTITY_ERROR_INVALID,         /* not a key, certificate or PKCS#12 file */
  INVOLVE_IDENTITY_ERROR_UNSUPPORTED,     /* key type or size we do not sign with */
  INVOLVE_IDENTITY_ERROR_EXPIRED,         /* certificate outside its validity */
  INVOLVE_IDENTITY_ERROR_BAD_SIGNATURE,   /* a signature does not verify */
} InvolveIdentityError;

GQuark involve_identity_error_quark (void);

typedef enum
{
  INVOLVE_KEY_ECDSA_P256,
  INVOLVE_KEY_RSA_3072,
} InvolveKeyType;

/* Certificates: the public half, all that verifying needs. */

#define INVOLVE_TYPE_CERTIFICATE (involve_certificate_get_type ())
G_DECLARE_FINAL_TYPE (InvolveCertificate, involve_certificate, INVOLVE, CERTIFICATE, GObject)

/* PEM ("CERTIFICATE") or DER, detected. */
InvolveCertificate *involve_certificate_new_from_data     (GBytes              *data,
                                                           GError             **error);
InvolveCertificate *involve_certificate_new_from_file     (const char          *path,
                                                           GError             **error);
GBytes             *involve_certificate_get_der           (InvolveCertificate  *self);
char               *involve_certificate_dup_pem           (InvolveCertificate  *self);
/* lower-case hex SHA-256 of the DER: the identity of the person. */
const char         *involve_certificate_get_fingerprint   (InvolveCertificate  *self);
/* The subject's common name and e-mail address (NULL when absent). */
const char         *involve_certificate_get_name          (InvolveCertificate  *self);
const char         *involve_certificate_get_email         (InvolveCertificate  *self);
const char         *involve_certificate_get_organisation  (InvolveCertificate  *self);
gint64              involve_certificate_get_not_before    (InvolveCertificate  *self);
gint64              involve_certificate_get_not_after     (InvolveCertificate  *self);
/* A one-line description for people: "Name <email>, SHA-256 ab12…". */
char               *involve_certificate_dup_description   (InvolveCertificate  *self);
/* Checks a raw SHA-256 signature made by involve_identity_sign (), and that
 * @time_usec (0 = now) lies within the certificate's validity. */
gboolean            involve_certificate_verify            (InvolveCertificate  *self,
                                                           GBytes              *data,
                                                           GBytes              *signature,
                                                           gint64               time_usec,
                                                           GError             **error);
gnutls_x509_crt_t   involve_certificate_get_gnutls        (InvolveCertificate  *self);
gboolean            involve_certificate_equal             (InvolveCertificate  *a,
                                                           InvolveCertificate  *b);
/* The start of the fingerprint for people: "ab12cd34ef56ab12…". */
char               *involve_certificate_dup_short_fingerprint (InvolveCertificate *self);
/* The key type for people: "ECDSA P-256", "RSA-3072". */
char               *involve_certificate_dup_key_description (InvolveCertificate *self);
/* Every certificate in a PEM bundle (other PEM blocks skipped; none gives
 * an empty array), or the one certificate of DER data; InvolveCertificate*. */
GPtrArray          *involve_certificates_load_bundle      (GBytes              *data,
                                                           GError             **error);

/* Identities: a certificate with its private key, unlocked. */

#define INVOLVE_TYPE_IDENTITY (involve_identity_get_type ())
G_DECLARE_FINAL_TYPE (InvolveIdentity, involve_identity, INVOLVE, IDENTITY, GObject)

/* A new key and a self-signed certificate (subject CN=@name, and
 * emailAddress, O when given) valid for @valid_days from now. */
InvolveIdentity    *involve_identity_generate             (const char          *name,
                                                           const char          *email,
                                                           const char          *organisation,
                                                           InvolveKeyType       key_type,
                                                           guint                valid_days,
                                                           GError             **error);
/* Writes the key file (see above) atomically, mode 0600.  An empty or NULL
 * passphrase is refused: a key on disk is always encrypted. */
gboolean            involve_identity_save                 (InvolveIdentity     *self,
                                                           const char          *path,
                                                           const char          *passphrase,
                                                           GError             **error);
InvolveIdentity    *involve_identity_load                 (const char          *path,
                                                           const char          *passphrase,
                                                           GError             **error);
/* The certificate of a key file, without unlocking the key. */
InvolveCertificate *involve_identity_load_certificate     (const char          *path,
                                                           GError             **error);
InvolveIdentity    *involve_identity_import_pkcs12        (GBytes              *pkcs12,
                                                           const char          *passphrase,
                                                           GError             **error);
/* "pkcs11:..." URLs (or any URL GnuTLS knows): the key and its certificate
 * on a token; @pin may be NULL when the token needs none. */
InvolveIdentity    *involve_identity_open_url             (const char          *url,
                                                           const char          *pin,
                                                           GError             **error);
InvolveCertificate *involve_identity_get_certificate      (InvolveIdentity     *self);
/* The certificates that vouch for ours (from PKCS#12 or the key file), may
 * be empty; InvolveCertificate*. */
GPtrArray          *involve_identity_get_chain            (InvolveIdentity     *self);
/* Raw SHA-256 signature over @data (see above). */
GBytes             *involve_identity_sign                 (InvolveIdentity     *self,
                                                           GBytes              *data,
                                                           GError             **error);
gnutls_privkey_t    involve_identity_get_gnutls_privkey   (InvolveIdentity     *self);

/* The default key file: identity.pem in the user's data folder, or in the
 * portable folder (involve-paths.h). */
char               *involve_identity_dup_default_path     (void);

G_END_DECLS
