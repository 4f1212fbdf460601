/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-identity"
#define _GNU_SOURCE /* memmem, explicit_bzero */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/pkcs12.h>
#include <gnutls/pkcs11.h>

#include "involve-identity.h"
#include "involve-paths.h"

/*
 * Keys and certificates with GnuTLS; the formats are in the header and in
 * docs/signatures.md.  Everything here is offline: PKCS#11 URLs reach local
 * tokens through p11-kit, never a network.
 */

#define KEY_PEM_HEADER "-----BEGIN ENCRYPTED PRIVATE KEY-----"
#define PLAIN_KEY_PEM_HEADER "-----BEGIN PRIVATE KEY-----"
/* A certificate made here starts a minute early, so that a clock a little
 * behind on another desktop still accepts a fresh key. */
#define BACKDATE_SECONDS 60
#define DEFAULT_VALID_DAYS (3 * 365)

G_DEFINE_QUARK (involve-identity-error-quark, involve_identity_error)

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)

static char *
display_name (const char *path)
{
  return path != NULL ? g_filename_display_name (path) : g_strdup ("");
}

static void
datum_clear (gnutls_datum_t *datum)
{
  if (datum->data != NULL)
    gnutls_free (datum->data);
  datum->data = NULL;
  datum->size = 0;
}

static GBytes *
datum_steal_bytes (gnutls_datum_t *datum)
{
  GBytes *bytes = g_bytes_new (datum->data, datum->size);

  datum_clear (datum);
  return bytes;
}

static gboolean
bytes_look_pem (GBytes *data)
{
  gsize size = 0;
  const char *raw = g_bytes_get_data (data, &size);

  return raw != NULL && memmem (raw, size, "-----BEGIN", strlen ("-----BEGIN")) != NULL;
}

static gboolean
bytes_contain (GBytes     *data,
               const char *needle)
{
  gsize size = 0;
  const char *raw = g_bytes_get_data (data, &size);

  return raw != NULL && memmem (raw, size, needle, strlen (needle)) != NULL;
}

/* ------------------------------------------------------------------------ */
/* Certificates                                                             */

struct _InvolveCertificate
{
  GObject parent_instance;

  gnutls_x509_crt_t crt;
  GBytes *der;
  char *fingerprint;
  char *name;
  char *email;
  char *organisation;
  gint64 not_before;
  gint64 not_after;
};

G_DEFINE_FINAL_TYPE (InvolveCertificate, involve_certificate, G_TYPE_OBJECT)

static void
involve_certificate_finalize (GObject *object)
{
  InvolveCertificate *self = INVOLVE_CERTIFICATE (object);

  if (self->crt != NULL)
    gnutls_x509_crt_deinit (self->crt);
  g_clear_pointer (&self->der, g_bytes_unref);
  g_free (self->fingerprint);
  g_free (self->name);
  g_free (self->email);
  g_free (self->organisation);

  G_OBJECT_CLASS (involve_certificate_parent_class)->finalize (object);
}

static void
involve_certificate_class_init (InvolveCertificateClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = involve_certificate_finalize;
}

static void
involve_certificate_init (InvolveCertificate *self)
{
}

/* A subject attribute as valid UTF-8, or NULL when absent or empty. */
static char *
dup_dn_attribute (gnutls_x509_crt_t  crt,
                  const char        *oid)
{
  size_t size = 0;
  g_autofree char *buf = NULL;
  int ret;

  ret = gnutls_x509_crt_get_dn_by_oid (crt, oid, 0, 0, NULL, &size);
  if (ret != GNUTLS_E_SHORT_MEMORY_BUFFER || size == 0)
    return NULL;
  buf = g_malloc0 (size + 1);
  if (gnutls_x509_crt_get_dn_by_oid (crt, oid, 0, 0, buf, &size) < 0 || buf[0] == '\0')
    return NULL;
  return g_utf8_make_valid (buf, -1);
}

static char *
dup_san_email (gnutls_x509_crt_t crt)
{
  for (unsigned int i = 0; i < 64; i++)
    {
      char buf[1024];
      size_t size = sizeof buf - 1;
      unsigned int critical = 0;
      int type;

      type = gnutls_x509_crt_get_subject_alt_name (crt, i, buf, &size, &critical);
      if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (type == GNUTLS_SAN_RFC822NAME && size > 0)
        {
          buf[size] = '\0';
          return g_utf8_make_valid (buf, -1);
        }
    }
  return NULL;
}

/* Takes @crt. */
static InvolveCertificate *
certificate_wrap (gnutls_x509_crt_t   crt,
                  GError            **error)
{
  g_autoptr(InvolveCertificate) self = g_object_new (INVOLVE_TYPE_CERTIFICATE, NULL);
  gnutls_datum_t der = { NULL, 0 };
  time_t t;
  int ret;

  self->crt = crt;
  ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
  if (ret < 0)
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                   _("The certificate cannot be encoded: %s"), gnutls_strerror (ret));
      return NULL;
    }
  self->der = datum_steal_bytes (&der);
  self->fingerprint = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, self->der);
  self->name = dup_dn_attribute (crt, GNUTLS_OID_X520_COMMON_NAME);
  self->email = dup_dn_attribute (crt, GNUTLS_OID_PKCS9_EMAIL);
  if (self->email == NULL)
    self->email = dup_san_email (crt);
  self->organisation = dup_dn_attribute (crt, GNUTLS_OID_X520_ORGANIZATION_NAME);

  t = gnutls_x509_crt_get_activation_time (crt);
  self->not_before = t == (time_t) -1 ? G_MININT64 : (gint64) t * G_USEC_PER_SEC;
  t = gnutls_x509_crt_get_expiration_time (crt);
  self->not_after = t == (time_t) -1 ? G_MAXINT64 : (gint64) t * G_USEC_PER_SEC;

  return g_steal_pointer (&self);
}

/* Every certificate in @data (PEM, any number, or one DER). */
static GPtrArray *
certificates_parse (GBytes      *data,
                    gboolean     allow_none,
                    GError     **error)
{
  g_autoptr(GPtrArray) certs = g_ptr_array_new_with_free_func (g_object_unref);
  gnutls_x509_crt_t *list = NULL;
  unsigned int n = 0;
  gsize size = 0;
  gconstpointer raw = g_bytes_get_data (data, &size);
  gnutls_datum_t datum = { (unsigned char *) raw, (unsigned int) size };
  gboolean pem = bytes_look_pem (data);
  int ret;

  if (size == 0 || size > G_MAXUINT)
    ret = GNUTLS_E_NO_CERTIFICATE_FOUND;
  else
    ret = gnutls_x509_crt_list_import2 (&list, &n, &datum,
                                        pem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER, 0);
  if (ret == GNUTLS_E_NO_CERTIFICATE_FOUND && pem && allow_none)
    return g_steal_pointer (&certs);
  if (ret < 0)
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                   _("This is not a certificate: %s"), gnutls_strerror (ret));
      return NULL;
    }

  for (unsigned int i = 0; i < n; i++)
    {
      InvolveCertificate *cert = NULL;

      if (error == NULL || *error == NULL)
        cert = certificate_wrap (list[i], error);
      else
        gnutls_x509_crt_deinit (list[i]);
      if (cert != NULL)
        g_ptr_array_add (certs, cert);
    }
  gnutls_free (list);
  if (error != NULL && *error != NULL)
    return NULL;
  if (certs->len < n)
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                   _("A certificate cannot be read"));
      return NULL;
    }
  return g_steal_pointer (&certs);
}

/**
 * involve_certificate_new_from_data:
 * @data: one certificate, PEM or DER (of a PEM bundle, the first)
 *
 * Returns: (transfer full): the certificate, or %NULL with
 *   %INVOLVE_IDENTITY_ERROR_INVALID
 */
InvolveCertificate *
involve_certificate_new_from_data (GBytes  *data,
                                   GError **error)
{
  g_autoptr(GPtrArray) certs = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  certs = certificates_parse (data, FALSE, error);
  if (certs == NULL)
    return NULL;
  return g_object_ref (g_ptr_array_index (certs, 0));
}

static GBytes *
read_file (const char  *path,
           GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *shown = display_name (path);
  g_autoptr(GError) local = NULL;
  gsize size = 0;

  if (!g_file_get_contents (path, &contents, &size, &local))
    {
      int code = g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                 ? INVOLVE_IDENTITY_ERROR_NOT_FOUND : INVOLVE_IDENTITY_ERROR_FAILED;

      g_set_error (error, INVOLVE_IDENTITY_ERROR, code,
                   _("Cannot read “%s”: %s"), shown, local->message);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&contents), size);
}

static void
prefix_file (GError     **error,
             const char  *path)
{
  g_autofree char *shown = display_name (path);

  g_prefix_error (error, _("“%s”: "), shown);
}

InvolveCertificate *
involve_certificate_new_from_file (const char  *path,
                                   GError     **error)
{
  g_autoptr(GBytes) data = NULL;
  InvolveCertificate *cert;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = read_file (path, error);
  if (data == NULL)
    return NULL;
  cert = involve_certificate_new_from_data (data, error);
  if (cert == NULL)
    prefix_file (error, path);
  return cert;
}

/**
 * involve_certificates_load_bundle:
 * @data: PEM certificates one after another (other PEM blocks are skipped),
 *   or one DER certificate
 *
 * Returns: (transfer full) (element-type InvolveCertificate): the
 *   certificates in their order; empty for PEM text without any
 */
GPtrArray *
involve_certificates_load_bundle (GBytes  *data,
                                  GError **error)
{
  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_bytes_get_size (data) == 0)
    return g_ptr_array_new_with_free_func (g_object_unref);
  return certificates_parse (data, TRUE, error);
}

GBytes *
involve_certificate_get_der (InvolveCertificate *self)
{
  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (self), NULL);
  return self->der;
}

char *
involve_certificate_dup_pem (InvolveCertificate *self)
{
  gnutls_datum_t pem = { NULL, 0 };
  char *out;

  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (self), NULL);

  if (gnutls_x509_crt_export2 (self->crt, GNUTLS_X509_FMT_PEM, &pem) < 0)
    return NULL;
  out = g_strndup ((const char *) pem.data, pem.size);
  datum_clear (&pem);
  return out;
}

const char *
involve_certificate_get_fingerprint (InvolveCertificate *self)
{
  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (self), NULL);
  return self->fingerprint;
}

const char *
involve_certificate_get_name (InvolveCertificate *self)
{
  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (self), NULL);
  return self->name;
}

const char *
involve_certificate_get_email (InvolveCertificate *self)
{
  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (self), NULL);
  return self->email;
}

const char *
involve_certificate_get_organisation (InvolveCertificate *self)
{
  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (self), NULL);
  return self->organisation;
}

gint64
involve_certificate_get_not_before (InvolveCertificate *self)
{
  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (self), 0);
  return self->not_before;
}

gint64
involve_certificate_get_not_after (InvolveCertificate *self)
{
  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (self), 0);
  return self->not_after;
}

char *
involve_certificate_dup_short_fingerprint (InvolveCertificate *self)
{
  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (self), NULL);
  return g_strdup_printf ("%.16s…", self->fingerprint);
}

char *
involve_certificate_dup_description (InvolveCertificate *self)
{
  g_autofree char *shortfp = NULL;
  const char *name;

  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (self), NULL);

  shortfp = involve_certificate_dup_short_fingerprint (self);
  name = self->name != NULL ? self->name : _("(no name)");
  if (self->email != NULL)
    /* TRANSLATORS: a person's certificate: name, e-mail address and the start
     * of its SHA-256 fingerprint */
    return g_strdup_printf (_("%s <%s>, SHA-256 %s"), name, self->email, shortfp);
  /* TRANSLATORS: a person's certificate: name and the start of its SHA-256
   * fingerprint */
  return g_strdup_printf (_("%s, SHA-256 %s"), name, shortfp);
}

/* The key's algorithm, checked against what we sign with. */
static gboolean
check_key_algorithm (int                   pk,
                     unsigned int          bits,
                     gnutls_sign_algorithm_t *sign,
                     GError              **error)
{
  if (pk == GNUTLS_PK_RSA && bits >= 2048)
    {
      *sign = GNUTLS_SIGN_RSA_SHA256;
      return TRUE;
    }
  if (pk == GNUTLS_PK_ECDSA && (bits == 256 || bits == 384 || bits == 521))
    {
      *sign = GNUTLS_SIGN_ECDSA_SHA256;
      return TRUE;
    }
  g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_UNSUPPORTED,
               _("Keys of type %s with %u bits cannot sign here: use ECDSA P-256 or RSA of 2048 bits or more"),
               pk >= 0 ? gnutls_pk_algorithm_get_name (pk) : "?", bits);
  return FALSE;
}

/**
 * involve_certificate_dup_key_description:
 *
 * Returns: (transfer full): the key type for people, e.g. "ECDSA P-256" or
 *   "RSA-3072"
 */
char *
involve_certificate_dup_key_description (InvolveCertificate *self)
{
  unsigned int bits = 0;
  int pk;

  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (self), NULL);

  pk = gnutls_x509_crt_get_pk_algorithm (self->crt, &bits);
  if (pk == GNUTLS_PK_ECDSA)
    return g_strdup_printf ("ECDSA P-%u", bits);
  if (pk == GNUTLS_PK_RSA)
    return g_strdup_printf ("RSA-%u", bits);
  return g_strdup_printf ("%s-%u", pk >= 0 ? gnutls_pk_algorithm_get_name (pk) : "?", bits);
}

gboolean
involve_certificate_verify (InvolveCertificate  *self,
                            GBytes              *data,
                            GBytes              *signature,
                            gint64               time_usec,
                            GError             **error)
{
  gnutls_pubkey_t pubkey = NULL;
  gnutls_sign_algorithm_t sign = GNUTLS_SIGN_UNKNOWN;
  gnutls_datum_t d, s;
  gsize size = 0;
  unsigned int bits = 0;
  int pk, ret;

  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (signature != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  pk = gnutls_x509_crt_get_pk_algorithm (self->crt, &bits);
  if (!check_key_algorithm (pk, bits, &sign, error))
    return FALSE;

  d.data = (unsigned char *) g_bytes_get_data (data, &size);
  d.size = (unsigned int) size;
  s.data = (unsigned char *) g_bytes_get_data (signature, &size);
  s.size = (unsigned int) size;
  if (s.size == 0)
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_SIGNATURE,
                   _("The signature is empty"));
      return FALSE;
    }

  ret = gnutls_pubkey_init (&pubkey);
  if (ret >= 0)
    ret = gnutls_pubkey_import_x509 (pubkey, self->crt, 0);
  if (ret < 0)
    {
      if (pubkey != NULL)
        gnutls_pubkey_deinit (pubkey);
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_FAILED,
                   _("The certificate’s public key cannot be read: %s"), gnutls_strerror (ret));
      return FALSE;
    }
  ret = gnutls_pubkey_verify_data2 (pubkey, sign, 0, &d, &s);
  gnutls_pubkey_deinit (pubkey);
  if (ret < 0)
    {
      g_autofree char *who = involve_certificate_dup_description (self);

      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_SIGNATURE,
                   _("The signature does not match the signed data and the key of %s"), who);
      return FALSE;
    }

  if (time_usec == 0)
    time_usec = g_get_real_time ();
  if (time_usec < self->not_before || time_usec > self->not_after)
    {
      g_autofree char *who = involve_certificate_dup_description (self);
      g_autoptr(GDateTime) from = g_date_time_new_from_unix_utc (self->not_before / G_USEC_PER_SEC);
      g_autoptr(GDateTime) to = g_date_time_new_from_unix_utc (self->not_after / G_USEC_PER_SEC);
      g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc (time_usec / G_USEC_PER_SEC);
      g_autofree char *from_s = from ? g_date_time_format (from, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
      g_autofree char *to_s = to ? g_date_time_format (to, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
      g_autofree char *at_s = at ? g_date_time_format (at, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");

      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_EXPIRED,
                   _("The certificate of %s is valid from %s to %s UTC, not at %s UTC"),
                   who, from_s, to_s, at_s);
      return FALSE;
    }
  return TRUE;
}

gnutls_x509_crt_t
involve_certificate_get_gnutls (InvolveCertificate *self)
{
  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (self), NULL);
  return self->crt;
}

gboolean
involve_certificate_equal (InvolveCertificate *a,
                           InvolveCertificate *b)
{
  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (a), FALSE);
  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (b), FALSE);
  return g_str_equal (a->fingerprint, b->fingerprint);
}

/* ------------------------------------------------------------------------ */
/* Identities                                                               */

struct _InvolveIdentity
{
  GObject parent_instance;

  InvolveCertificate *certificate;
  GPtrArray *chain;
  gnutls_privkey_t privkey;
  /* The key in memory, for saving; NULL for a key on a token. */
  gnutls_x509_privkey_t x509key;
  gnutls_sign_algorithm_t sign;
  /* The token's PIN: GnuTLS may ask again at any signature. */
  char *pin;
};

G_DEFINE_FINAL_TYPE (InvolveIdentity, involve_identity, G_TYPE_OBJECT)

static void
involve_identity_finalize (GObject *object)
{
  InvolveIdentity *self = INVOLVE_IDENTITY (object);

  if (self->privkey != NULL)
    gnutls_privkey_deinit (self->privkey);
  if (self->x509key != NULL)
    gnutls_x509_privkey_deinit (self->x509key);
  g_clear_object (&self->certificate);
  g_clear_pointer (&self->chain, g_ptr_array_unref);
  if (self->pin != NULL)
    {
      explicit_bzero (self->pin, strlen (self->pin));
      g_free (self->pin);
    }

  G_OBJECT_CLASS (involve_identity_parent_class)->finalize (object);
}

static void
involve_identity_class_init (InvolveIdentityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = involve_identity_finalize;
}

static void
involve_identity_init (InvolveIdentity *self)
{
  self->chain = g_ptr_array_new_with_free_func (g_object_unref);
}

/* Does @x509key belong to @cert?  Compares the public keys' ids. */
static gboolean
key_matches_certificate (gnutls_x509_privkey_t  x509key,
                         gnutls_x509_crt_t      crt)
{
  unsigned char a[64], b[64];
  size_t a_size = sizeof a, b_size = sizeof b;

  if (gnutls_x509_privkey_get_key_id (x509key, GNUTLS_KEYID_USE_SHA256, a, &a_size) < 0)
    return FALSE;
  if (gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA256, b, &b_size) < 0)
    return FALSE;
  return a_size == b_size && memcmp (a, b, a_size) == 0;
}

/* Takes @x509key (on success or failure) and refs @certificate. */
static InvolveIdentity *
identity_new_from_x509 (gnutls_x509_privkey_t   x509key,
                        InvolveCertificate     *certificate,
                        GError                **error)
{
  g_autoptr(InvolveIdentity) self = g_object_new (INVOLVE_TYPE_IDENTITY, NULL);
  unsigned int bits = 0;
  int pk, ret;

  self->x509key = x509key;
  self->certificate = g_object_ref (certificate);

  pk = gnutls_x509_privkey_get_pk_algorithm2 (x509key, &bits);
  if (!check_key_algorithm (pk, bits, &self->sign, error))
    return NULL;
  if (!key_matches_certificate (x509key, certificate->crt))
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                   _("The certificate does not belong to the private key"));
      return NULL;
    }

  ret = gnutls_privkey_init (&self->privkey);
  if (ret >= 0)
    ret = gnutls_privkey_import_x509 (self->privkey, x509key, 0);
  if (ret < 0)
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_FAILED,
                   _("The private key cannot be used: %s"), gnutls_strerror (ret));
      return NULL;
    }
  return g_steal_pointer (&self);
}

static gboolean
set_random_serial (gnutls_x509_crt_t crt)
{
  unsigned char serial[16];

  if (gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial) < 0)
    return FALSE;
  /* Positive, and exactly 16 bytes long in DER. */
  serial[0] = (serial[0] & 0x7f) | 0x40;
  return gnutls_x509_crt_set_serial (crt, serial, sizeof serial) >= 0;
}

static int
set_subject (gnutls_x509_crt_t  crt,
             const char        *name,
             const char        *email,
             const char        *organisation)
{
  int ret;

  ret = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                       name, (unsigned int) strlen (name));
  if (ret >= 0 && organisation != NULL && *organisation != '\0')
    ret = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                         organisation, (unsigned int) strlen (organisation));
  if (ret >= 0 && email != NULL && *email != '\0')
    ret = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_PKCS9_EMAIL, 0,
                                         email, (unsigned int) strlen (email));
  if (ret >= 0 && email != NULL && *email != '\0')
    ret = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_RFC822NAME, email,
                                                (unsigned int) strlen (email), GNUTLS_FSAN_SET);
  return ret;
}

static gboolean
text_ok (const char *text,
         gboolean    required)
{
  if (text == NULL || *text == '\0')
    return !required;
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/**
 * involve_identity_generate:
 * @valid_days: how long the certificate is valid; 0 for three years
 *
 * Returns: (transfer full): a new identity, not saved anywhere yet
 */
InvolveIdentity *
involve_identity_generate (const char      *name,
                           const char      *email,
                           const char      *organisation,
                           InvolveKeyType   key_type,
                           guint            valid_days,
                           GError         **error)
{
  gnutls_x509_privkey_t x509key = NULL;
  g_auto(gnutls_x509_crt_t) crt = NULL;
  g_autoptr(InvolveCertificate) certificate = NULL;
  g_autofree char *name_nfc = NULL;
  g_autofree char *email_nfc = NULL;
  g_autofree char *org_nfc = NULL;
  unsigned char key_id[64];
  size_t key_id_size = sizeof key_id;
  char *tmp;
  time_t now;
  int ret;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  g_return_val_if_fail (key_type == INVOLVE_KEY_ECDSA_P256 || key_type == INVOLVE_KEY_RSA_3072, NULL);

  if (name != NULL)
    name_nfc = g_strstrip (g_strdup (name));
  if (!text_ok (name_nfc, TRUE))
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                   _("A key needs the name of the person it belongs to, as one line of text"));
      return NULL;
    }
  if (email != NULL)
    email_nfc = g_strstrip (g_strdup (email));
  if (!text_ok (email_nfc, FALSE)
      || (email_nfc != NULL && *email_nfc != '\0'
          && (strchr (email_nfc, '@') == NULL || strchr (email_nfc, ' ') != NULL
              || !g_str_is_ascii (email_nfc))))
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                   _("“%s” is not an e-mail address"), email);
      return NULL;
    }
  if (organisation != NULL)
    org_nfc = g_strstrip (g_strdup (organisation));
  if (!text_ok (org_nfc, FALSE))
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                   _("The organisation must be one line of text"));
      return NULL;
    }
  /* The same name always encodes the same way. */
  tmp = g_utf8_normalize (name_nfc, -1, G_NORMALIZE_NFC);
  g_free (name_nfc);
  name_nfc = tmp;
  if (org_nfc != NULL)
    {
      tmp = g_utf8_normalize (org_nfc, -1, G_NORMALIZE_NFC);
      g_free (org_nfc);
      org_nfc = tmp;
    }
  if (valid_days == 0)
    valid_days = DEFAULT_VALID_DAYS;
  valid_days = MIN (valid_days, 50 * 366);

  ret = gnutls_x509_privkey_init (&x509key);
  if (ret >= 0)
    {
      if (key_type == INVOLVE_KEY_ECDSA_P256)
        ret = gnutls_x509_privkey_generate2 (x509key, GNUTLS_PK_ECDSA,
                                             GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1),
                                             0, NULL, 0);
      else
        ret = gnutls_x509_privkey_generate2 (x509key, GNUTLS_PK_RSA, 3072, 0, NULL, 0);
    }
  if (ret < 0)
    {
      if (x509key != NULL)
        gnutls_x509_privkey_deinit (x509key);
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_FAILED,
                   _("A new key cannot be made: %s"), gnutls_strerror (ret));
      return NULL;
    }

  now = time (NULL);
  ret = gnutls_x509_crt_init (&crt);
  if (ret >= 0)
    ret = gnutls_x509_crt_set_version (crt, 3);
  if (ret >= 0 && !set_random_serial (crt))
    ret = GNUTLS_E_RANDOM_FAILED;
  if (ret >= 0)
    ret = gnutls_x509_crt_set_key (crt, x509key);
  if (ret >= 0)
    ret = set_subject (crt, name_nfc, email_nfc, org_nfc);
  if (ret >= 0)
    ret = gnutls_x509_crt_set_activation_time (crt, now - BACKDATE_SECONDS);
  if (ret >= 0)
    ret = gnutls_x509_crt_set_expiration_time (crt, now + (time_t) valid_days * 24 * 3600);
  if (ret >= 0)
    ret = gnutls_x509_crt_set_basic_constraints (crt, 0, -1);
  if (ret >= 0)
    ret = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE
                                              | GNUTLS_KEY_NON_REPUDIATION);
  if (ret >= 0)
    ret = gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_EMAIL_PROTECTION, 0);
  if (ret >= 0)
    ret = gnutls_x509_privkey_get_key_id (x509key, GNUTLS_KEYID_USE_SHA1, key_id, &key_id_size);
  if (ret >= 0)
    ret = gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_size);
  if (ret >= 0)
    ret = gnutls_x509_crt_set_authority_key_id (crt, key_id, key_id_size);
  if (ret >= 0)
    ret = gnutls_x509_crt_sign2 (crt, crt, x509key, GNUTLS_DIG_SHA256, 0);
  if (ret < 0)
    {
      gnutls_x509_privkey_deinit (x509key);
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_FAILED,
                   _("A certificate cannot be made: %s"), gnutls_strerror (ret));
      return NULL;
    }

  certificate = certificate_wrap (g_steal_pointer (&crt), error);
  if (certificate == NULL)
    {
      gnutls_x509_privkey_deinit (x509key);
      return NULL;
    }
  return identity_new_from_x509 (x509key, certificate, error);
}

static gboolean
check_passphrase (const char  *passphrase,
                  GError     **error)
{
  if (passphrase == NULL || *passphrase == '\0')
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE,
                   _("A key file needs a passphrase: it is never kept unencrypted"));
      return FALSE;
    }
  if (!g_utf8_validate (passphrase, -1, NULL))
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE,
                   _("The passphrase is not valid text"));
      return FALSE;
    }
  return TRUE;
}

gboolean
involve_identity_save (InvolveIdentity  *self,
                       const char       *path,
                       const char       *passphrase,
                       GError          **error)
{
  g_autoptr(GString) out = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *pem = NULL;
  gnutls_datum_t key = { NULL, 0 };
  int ret;

  g_return_val_if_fail (INVOLVE_IS_IDENTITY (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_passphrase (passphrase, error))
    return FALSE;
  if (self->x509key == NULL)
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_UNSUPPORTED,
                   _("This key stays on its smartcard or token and cannot be saved to a file"));
      return FALSE;
    }

  ret = gnutls_x509_privkey_export2_pkcs8 (self->x509key, GNUTLS_X509_FMT_PEM, passphrase,
                                           GNUTLS_PKCS_PBES2_AES_256, &key);
  if (ret < 0)
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_FAILED,
                   _("The key cannot be encrypted: %s"), gnutls_strerror (ret));
      return FALSE;
    }
  out = g_string_new_len ((const char *) key.data, key.size);
  explicit_bzero (key.data, key.size);
  datum_clear (&key);

  pem = involve_certificate_dup_pem (self->certificate);
  g_string_append (out, pem);
  for (guint i = 0; i < self->chain->len; i++)
    {
      g_autofree char *link = involve_certificate_dup_pem (g_ptr_array_index (self->chain, i));
      g_string_append (out, link);
    }

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) < 0)
    {
      int saved = errno;
      g_autofree char *shown = display_name (dir);

      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_FAILED,
                   _("Cannot make the folder “%s”: %s"), shown, g_strerror (saved));
      return FALSE;
    }
  if (!g_file_set_contents_full (path, out->str, (gssize) out->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  return TRUE;
}

/* The key block of a key file, for GnuTLS. */
static gboolean
find_key_block (GBytes          *data,
                gnutls_datum_t  *block)
{
  gsize size = 0;
  const char *raw = g_bytes_get_data (data, &size);
  const char *start = raw != NULL ? memmem (raw, size, KEY_PEM_HEADER, strlen (KEY_PEM_HEADER)) : NULL;

  if (start == NULL)
    return FALSE;
  block->data = (unsigned char *) start;
  block->size = (unsigned int) (size - (gsize) (start - raw));
  return TRUE;
}

/* The certificates of the key file at @path, read into @data; an error
 * names the file. */
static GPtrArray *
key_file_certificates (GBytes      *data,
                       const char  *path,
                       GError     **error)
{
  GPtrArray *certs = certificates_parse (data, TRUE, error);

  if (certs == NULL)
    prefix_file (error, path);
  return certs;
}

InvolveCertificate *
involve_identity_load_certificate (const char  *path,
                                   GError     **error)
{
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GPtrArray) certs = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = read_file (path, error);
  if (data == NULL)
    return NULL;
  if (!bytes_look_pem (data))
    {
      g_autofree char *shown = display_name (path);

      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                   _("“%s” is not an Involve key file"), shown);
      return NULL;
    }
  certs = key_file_certificates (data, path, error);
  if (certs == NULL)
    return NULL;
  if (certs->len == 0)
    {
      g_autofree char *shown = display_name (path);

      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                   _("“%s” holds no certificate: it is not an Involve key file"), shown);
      return NULL;
    }
  return g_object_ref (g_ptr_array_index (certs, 0));
}

InvolveIdentity *
involve_identity_load (const char  *path,
                       const char  *passphrase,
                       GError     **error)
{
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GPtrArray) certs = NULL;
  g_autoptr(InvolveIdentity) self = NULL;
  g_autofree char *shown = NULL;
  gnutls_x509_privkey_t x509key = NULL;
  gnutls_datum_t block;
  unsigned int iterations = 0, schema = 0, cipher = 0;
  int ret;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  shown = display_name (path);
  data = read_file (path, error);
  if (data == NULL)
    return NULL;

  if (!find_key_block (data, &block))
    {
      if (bytes_contain (data, PLAIN_KEY_PEM_HEADER))
        g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                     _("The private key in “%s” is not encrypted; keep keys only with a passphrase"),
                     shown);
      else
        g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                     _("“%s” is not an Involve key file: it holds no encrypted private key"),
                     shown);
      return NULL;
    }
  /* A well-formed encrypted key that does not decrypt means a wrong
   * passphrase; a malformed one, a damaged file. */
  ret = gnutls_pkcs8_info (&block, GNUTLS_X509_FMT_PEM, &schema, &cipher, NULL, NULL,
                           &iterations, NULL);
  if (ret < 0)
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                   _("The key in “%s” is damaged: %s"), shown, gnutls_strerror (ret));
      return NULL;
    }
  certs = key_file_certificates (data, path, error);
  if (certs == NULL)
    return NULL;
  if (certs->len == 0)
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                   _("“%s” holds no certificate for its key"), shown);
      return NULL;
    }
  if (!check_passphrase (passphrase, error))
    return NULL;

  ret = gnutls_x509_privkey_init (&x509key);
  if (ret >= 0)
    ret = gnutls_x509_privkey_import_pkcs8 (x509key, &block, GNUTLS_X509_FMT_PEM, passphrase, 0);
  if (ret < 0)
    {
      if (x509key != NULL)
        gnutls_x509_privkey_deinit (x509key);
      if (ret == GNUTLS_E_DECRYPTION_FAILED || ret == GNUTLS_E_ASN1_DER_ERROR
          || ret == GNUTLS_E_ASN1_TAG_ERROR || ret == GNUTLS_E_ASN1_GENERIC_ERROR
          || ret == GNUTLS_E_ASN1_VALUE_NOT_FOUND || ret == GNUTLS_E_ASN1_DER_OVERFLOW
          || ret == GNUTLS_E_ASN1_ELEMENT_NOT_FOUND)
        g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE,
                     _("Wrong passphrase for the key in “%s”"), shown);
      else
        g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                     _("The key in “%s” cannot be read: %s"), shown, gnutls_strerror (ret));
      return NULL;
    }

  self = identity_new_from_x509 (x509key, g_ptr_array_index (certs, 0), error);
  if (self == NULL)
    {
      prefix_file (error, path);
      return NULL;
    }
  for (guint i = 1; i < certs->len; i++)
    g_ptr_array_add (self->chain, g_object_ref (g_ptr_array_index (certs, i)));
  return g_steal_pointer (&self);
}

InvolveIdentity *
involve_identity_import_pkcs12 (GBytes      *pkcs12,
                                const char  *passphrase,
                                GError     **error)
{
  gnutls_pkcs12_t p12 = NULL;
  gnutls_x509_privkey_t x509key = NULL;
  gnutls_x509_crt_t *chain = NULL;
  unsigned int chain_len = 0;
  gnutls_x509_crt_t *extra = NULL;
  unsigned int extra_len = 0;
  g_autoptr(InvolveCertificate) certificate = NULL;
  g_autoptr(GPtrArray) rest = g_ptr_array_new_with_free_func (g_object_unref);
  InvolveIdentity *self = NULL;
  gsize size = 0;
  gnutls_datum_t datum;
  int ret;

  g_return_val_if_fail (pkcs12 != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  datum.data = (unsigned char *) g_bytes_get_data (pkcs12, &size);
  datum.size = (unsigned int) size;
  if (size == 0 || size > G_MAXUINT)
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                   _("This is not a PKCS#12 file"));
      return NULL;
    }

  ret = gnutls_pkcs12_init (&p12);
  if (ret >= 0)
    {
      ret = gnutls_pkcs12_import (p12, &datum, GNUTLS_X509_FMT_DER, 0);
      if (ret < 0 && bytes_look_pem (pkcs12))
        ret = gnutls_pkcs12_import (p12, &datum, GNUTLS_X509_FMT_PEM, 0);
    }
  if (ret < 0)
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                   _("This is not a PKCS#12 file: %s"), gnutls_strerror (ret));
      goto out;
    }

  ret = gnutls_pkcs12_verify_mac (p12, passphrase != NULL ? passphrase : "");
  if (ret == GNUTLS_E_MAC_VERIFY_FAILED)
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE,
                   _("Wrong password for the PKCS#12 file"));
      goto out;
    }
  /* (A file without a MAC is still read: its contents are what we check.) */

  ret = gnutls_pkcs12_simple_parse (p12, passphrase != NULL ? passphrase : "", &x509key,
                                    &chain, &chain_len, &extra, &extra_len, NULL,
                                    GNUTLS_PKCS12_SP_INCLUDE_SELF_SIGNED);
  if (ret < 0)
    {
      if (ret == GNUTLS_E_DECRYPTION_FAILED)
        g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE,
                     _("Wrong password for the PKCS#12 file"));
      else
        g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                     _("The PKCS#12 file holds no usable key and certificate: %s"),
                     gnutls_strerror (ret));
      goto out;
    }
  if (x509key == NULL || chain_len == 0)
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                   _("The PKCS#12 file holds no key with its certificate"));
      goto out;
    }

  for (unsigned int i = 0; i < chain_len; i++)
    {
      InvolveCertificate *cert = NULL;

      if (certificate == NULL || error == NULL || *error == NULL)
        cert = certificate_wrap (chain[i], error);
      else
        gnutls_x509_crt_deinit (chain[i]);
      chain[i] = NULL;
      if (cert == NULL)
        continue;
      if (certificate == NULL)
        certificate = cert;
      else
        g_ptr_array_add (rest, cert);
    }
  if (certificate == NULL || (error != NULL && *error != NULL))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                     _("The PKCS#12 file’s certificate cannot be read"));
      goto out;
    }

  self = identity_new_from_x509 (g_steal_pointer (&x509key), certificate, error);
  if (self != NULL)
    for (guint i = 0; i < rest->len; i++)
      g_ptr_array_add (self->chain, g_object_ref (g_ptr_array_index (rest, i)));

out:
  if (x509key != NULL)
    gnutls_x509_privkey_deinit (x509key);
  for (unsigned int i = 0; i < chain_len; i++)
    if (chain[i] != NULL)
      gnutls_x509_crt_deinit (chain[i]);
  gnutls_free (chain);
  for (unsigned int i = 0; i < extra_len; i++)
    gnutls_x509_crt_deinit (extra[i]);
  gnutls_free (extra);
  if (p12 != NULL)
    gnutls_pkcs12_deinit (p12);
  return self;
}

static int
pin_callback (void         *userdata,
              int           attempt,
              const char   *token_url,
              const char   *token_label,
              unsigned int  flags,
              char         *pin,
              size_t        pin_max)
{
  const char *given = userdata;

  /* Never guess twice: a wrong PIN tried again locks the card. */
  if (given == NULL || attempt > 0 || (flags & GNUTLS_PIN_WRONG) != 0)
    return -1;
  if (strlen (given) + 1 > pin_max)
    return -1;
  memcpy (pin, given, strlen (given) + 1);
  return 0;
}

static int
url_error_code (int ret)
{
  switch (ret)
    {
    case GNUTLS_E_PKCS11_PIN_ERROR:
    case GNUTLS_E_PKCS11_PIN_EXPIRED:
    case GNUTLS_E_PKCS11_PIN_LOCKED:
    case GNUTLS_E_PKCS11_USER_ERROR:
      return INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE;
    case GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE:
    case GNUTLS_E_PKCS11_REQUESTED_OBJECT_NOT_AVAILBLE:
    case GNUTLS_E_PKCS11_TOKEN_ERROR:
    case GNUTLS_E_PKCS11_SLOT_ERROR:
      return INVOLVE_IDENTITY_ERROR_NOT_FOUND;
    case GNUTLS_E_PARSING_ERROR:
    case GNUTLS_E_INVALID_REQUEST:
    case GNUTLS_E_UNIMPLEMENTED_FEATURE:
      return INVOLVE_IDENTITY_ERROR_INVALID;
    default:
      return INVOLVE_IDENTITY_ERROR_FAILED;
    }
}

/* The URL of the certificate next to the key @url names. */
static char *
certificate_url (const char *url)
{
  g_auto(GStrv) parts = g_strsplit (url, ";", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = parts[i];

      if (g_str_has_prefix (part, "type="))
        part = "type=cert";
      else if (g_str_has_prefix (part, "pkcs11:type="))
        part = "pkcs11:type=cert";
      if (i > 0)
        g_string_append_c (out, ';');
      g_string_append (out, part);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

InvolveIdentity *
involve_identity_open_url (const char  *url,
                           const char  *pin,
                           GError     **error)
{
  g_autoptr(InvolveIdentity) self = NULL;
  g_auto(gnutls_x509_crt_t) crt = NULL;
  g_autofree char *cert_url = NULL;
  unsigned int bits = 0;
  int pk, ret;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!gnutls_url_is_supported (url))
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                   _("“%s” is not a smartcard or token address (pkcs11:…)"), url);
      return NULL;
    }

  self = g_object_new (INVOLVE_TYPE_IDENTITY, NULL);
  self->pin = g_strdup (pin);
  ret = gnutls_privkey_init (&self->privkey);
  if (ret >= 0)
    {
      gnutls_privkey_set_pin_function (self->privkey, pin_callback, self->pin);
      ret = gnutls_privkey_import_url (self->privkey, url, 0);
    }
  if (ret < 0)
    {
      if (url_error_code (ret) == INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE)
        g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE,
                     _("Wrong or missing PIN for the key at “%s” (%s)"), url, gnutls_strerror (ret));
      else
        g_set_error (error, INVOLVE_IDENTITY_ERROR, url_error_code (ret),
                     _("The key at “%s” cannot be opened: %s"), url, gnutls_strerror (ret));
      return NULL;
    }

  cert_url = certificate_url (url);
  ret = gnutls_x509_crt_init (&crt);
  if (ret >= 0)
    {
      gnutls_x509_crt_set_pin_function (crt, pin_callback, self->pin);
      ret = gnutls_x509_crt_import_url (crt, cert_url, 0);
    }
  if (ret < 0)
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, url_error_code (ret),
                   _("The certificate at “%s” cannot be read: %s"), cert_url,
                   gnutls_strerror (ret));
      return NULL;
    }
  self->certificate = certificate_wrap (g_steal_pointer (&crt), error);
  if (self->certificate == NULL)
    return NULL;

  /* A token may not tell the key's size: the certificate does. */
  pk = gnutls_x509_crt_get_pk_algorithm (self->certificate->crt, &bits);
  if (pk != gnutls_privkey_get_pk_algorithm (self->privkey, NULL))
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                   _("The certificate at “%s” does not belong to its key"), cert_url);
      return NULL;
    }
  if (!check_key_algorithm (pk, bits, &self->sign, error))
    return NULL;

  /* And a signature proves that they belong together. */
  {
    const char probe[] = "involve-key-pair-check-1\n";
    g_autoptr(GBytes) data = g_bytes_new_static (probe, sizeof probe - 1);
    g_autoptr(GBytes) signature = involve_identity_sign (self, data, error);
    g_autoptr(GError) local = NULL;

    if (signature == NULL)
      return NULL;
    if (!involve_certificate_verify (self->certificate, data, signature, 0, &local)
        && !g_error_matches (local, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_EXPIRED))
      {
        g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
                     _("The certificate at “%s” does not belong to its key"), cert_url);
        return NULL;
      }
  }
  return g_steal_pointer (&self);
}

InvolveCertificate *
involve_identity_get_certificate (InvolveIdentity *self)
{
  g_return_val_if_fail (INVOLVE_IS_IDENTITY (self), NULL);
  return self->certificate;
}

GPtrArray *
involve_identity_get_chain (InvolveIdentity *self)
{
  g_return_val_if_fail (INVOLVE_IS_IDENTITY (self), NULL);
  return self->chain;
}

GBytes *
involve_identity_sign (InvolveIdentity  *self,
                       GBytes           *data,
                       GError          **error)
{
  gnutls_datum_t d, sig = { NULL, 0 };
  gsize size = 0;
  int ret;

  g_return_val_if_fail (INVOLVE_IS_IDENTITY (self), NULL);
  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  d.data = (unsigned char *) g_bytes_get_data (data, &size);
  d.size = (unsigned int) size;
  ret = gnutls_privkey_sign_data2 (self->privkey, self->sign, 0, &d, &sig);
  if (ret < 0)
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, url_error_code (ret) == INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE
                                                  ? INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE
                                                  : INVOLVE_IDENTITY_ERROR_FAILED,
                   _("Cannot sign: %s"), gnutls_strerror (ret));
      return NULL;
    }
  return datum_steal_bytes (&sig);
}

gnutls_privkey_t
involve_identity_get_gnutls_privkey (InvolveIdentity *self)
{
  g_return_val_if_fail (INVOLVE_IS_IDENTITY (self), NULL);
  return self->privkey;
}

char *
involve_identity_dup_default_path (void)
{
  g_autofree char *dir = involve_paths_get_data_dir ();

  return g_build_filename (dir, "identity.pem", NULL);
}
