/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-identity"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>

#include "involve-identity.h"
#include "involve-paths.h"

/*
 * Interim implementation on branch signed-acts, enough for signed acts and
 * their tests: branch identity replaces this file with the full one
 * (PKCS#12, PKCS#11, chains).
 */

G_DEFINE_QUARK (involve-identity-error-quark, involve_identity_error)

static void
set_gnutls_error (GError    **error,
                  int         code,
                  const char *doing,
                  int         rc)
{
  g_set_error (error, INVOLVE_IDENTITY_ERROR, code, "%s: %s", doing, gnutls_strerror (rc));
}

struct _InvolveCertificate
{
  GObject            parent_instance;
  gnutls_x509_crt_t  crt;
  GBytes            *der;
  char              *fingerprint;
  char              *name;
  char              *email;
  char              *organisation;
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

static char *
dup_dn_part (gnutls_x509_crt_t crt,
             const char       *oid)
{
  char buffer[1024];
  size_t size = sizeof buffer;

  if (gnutls_x509_crt_get_dn_by_oid (crt, oid, 0, 0, buffer, &size) < 0)
    return NULL;
  return g_strndup (buffer, size);
}

static InvolveCertificate *
certificate_take (gnutls_x509_crt_t   crt,
                  GError            **error)
{
  g_autoptr(InvolveCertificate) self = g_object_new (INVOLVE_TYPE_CERTIFICATE, NULL);
  gnutls_datum_t der = { NULL, 0 };
  int rc;

  self->crt = crt;
  rc = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
  if (rc < 0)
    {
      set_gnutls_error (error, INVOLVE_IDENTITY_ERROR_INVALID, _("Could not read the certificate"), rc);
      return NULL;
    }
  self->der = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  self->fingerprint = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, self->der);
  self->name = dup_dn_part (crt, GNUTLS_OID_X520_COMMON_NAME);
  self->email = dup_dn_part (crt, GNUTLS_OID_PKCS9_EMAIL);
  self->organisation = dup_dn_part (crt, GNUTLS_OID_X520_ORGANIZATION_NAME);
  return g_steal_pointer (&self);
}

InvolveCertificate *
involve_certificate_new_from_data (GBytes  *data,
                                   GError **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  gsize size = 0;
  int rc;

  g_return_val_if_fail (data != NULL, NULL);

  datum.data = (unsigned char *) g_bytes_get_data (data, &size);
  datum.size = size;
  gnutls_x509_crt_init (&crt);
  rc = gnutls_x509_crt_import (crt, &datum,
                               size > 10 && g_strstr_len ((const char *) datum.data, size, "-----BEGIN") != NULL
                               ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER);
  if (rc < 0)
    {
      gnutls_x509_crt_deinit (crt);
      set_gnutls_error (error, INVOLVE_IDENTITY_ERROR_INVALID, _("Not a certificate"), rc);
      return NULL;
    }
  return certificate_take (crt, error);
}

InvolveCertificate *
involve_certificate_new_from_file (const char  *path,
                                   GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) local = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (!g_file_get_contents (path, &contents, &length, &local))
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_NOT_FOUND, "%s", local->message);
      return NULL;
    }
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  return involve_certificate_new_from_data (bytes, error);
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
  char *result;

  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (self), NULL);
  if (gnutls_x509_crt_export2 (self->crt, GNUTLS_X509_FMT_PEM, &pem) < 0)
    return NULL;
  result = g_strndup ((const char *) pem.data, pem.size);
  gnutls_free (pem.data);
  return result;
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
  return (gint64) gnutls_x509_crt_get_activation_time (self->crt) * G_USEC_PER_SEC;
}

gint64
involve_certificate_get_not_after (InvolveCertificate *self)
{
  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (self), 0);
  return (gint64) gnutls_x509_crt_get_expiration_time (self->crt) * G_USEC_PER_SEC;
}

char *
involve_certificate_dup_description (InvolveCertificate *self)
{
  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (self), NULL);
  return g_strdup_printf ("%s%s%s%s, SHA-256 %.16s…",
                          self->name ? self->name : "?",
                          self->email ? " <" : "", self->email ? self->email : "",
                          self->email ? ">" : "", self->fingerprint);
}

gboolean
involve_certificate_verify (InvolveCertificate  *self,
                            GBytes              *data,
                            GBytes              *signature,
                            gint64               time_usec,
                            GError             **error)
{
  gnutls_pubkey_t pubkey = NULL;
  gnutls_datum_t d, s;
  gsize size;
  int algo, rc;
  gint64 when = time_usec != 0 ? time_usec : g_get_real_time ();

  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (self), FALSE);
  g_return_val_if_fail (data != NULL && signature != NULL, FALSE);

  gnutls_pubkey_init (&pubkey);
  rc = gnutls_pubkey_import_x509 (pubkey, self->crt, 0);
  if (rc < 0)
    {
      gnutls_pubkey_deinit (pubkey);
      set_gnutls_error (error, INVOLVE_IDENTITY_ERROR_INVALID, _("Unusable certificate"), rc);
      return FALSE;
    }
  algo = gnutls_pubkey_get_pk_algorithm (pubkey, NULL);
  d.data = (unsigned char *) g_bytes_get_data (data, &size);
  d.size = size;
  s.data = (unsigned char *) g_bytes_get_data (signature, &size);
  s.size = size;
  rc = gnutls_pubkey_verify_data2 (pubkey,
                                   gnutls_pk_to_sign (algo, GNUTLS_DIG_SHA256),
                                   0, &d, &s);
  gnutls_pubkey_deinit (pubkey);
  if (rc < 0)
    {
      g_set_error_literal (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_SIGNATURE,
                           _("The signature does not verify with the certificate."));
      return FALSE;
    }
  if (when < involve_certificate_get_not_before (self) - 300 * G_USEC_PER_SEC ||
      when > involve_certificate_get_not_after (self))
    {
      g_set_error_literal (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_EXPIRED,
                           _("The certificate was not valid at the time of signing."));
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
  if (a == NULL || b == NULL)
    return FALSE;
  return g_str_equal (a->fingerprint, b->fingerprint);
}

/* Identities */

struct _InvolveIdentity
{
  GObject              parent_instance;
  gnutls_x509_privkey_t key;
  gnutls_privkey_t      privkey;
  InvolveCertificate   *certificate;
  GPtrArray            *chain;
};

G_DEFINE_FINAL_TYPE (InvolveIdentity, involve_identity, G_TYPE_OBJECT)

static void
involve_identity_finalize (GObject *object)
{
  InvolveIdentity *self = INVOLVE_IDENTITY (object);

  if (self->privkey != NULL)
    gnutls_privkey_deinit (self->privkey);
  if (self->key != NULL)
    gnutls_x509_privkey_deinit (self->key);
  g_clear_object (&self->certificate);
  g_clear_pointer (&self->chain, g_ptr_array_unref);
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

/* Takes @key; @crt is taken too. */
static InvolveIdentity *
identity_take (gnutls_x509_privkey_t key,
               gnutls_x509_crt_t     crt,
               GError              **error)
{
  g_autoptr(InvolveIdentity) self = g_object_new (INVOLVE_TYPE_IDENTITY, NULL);
  int rc;

  self->key = key;
  self->certificate = certificate_take (crt, error);
  if (self->certificate == NULL)
    return NULL;
  gnutls_privkey_init (&self->privkey);
  rc = gnutls_privkey_import_x509 (self->privkey, key, 0);
  if (rc < 0)
    {
      set_gnutls_error (error, INVOLVE_IDENTITY_ERROR_INVALID, _("Unusable key"), rc);
      return NULL;
    }
  return g_steal_pointer (&self);
}

InvolveIdentity *
involve_identity_generate (const char      *name,
                           const char      *email,
                           const char      *organisation,
                           InvolveKeyType   key_type,
                           guint            valid_days,
                           GError         **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  unsigned char serial[16];
  time_t now = time (NULL);
  int rc;

  g_return_val_if_fail (name != NULL && *name != '\0', NULL);

  gnutls_x509_privkey_init (&key);
  if (key_type == INVOLVE_KEY_RSA_3072)
    rc = gnutls_x509_privkey_generate (key, GNUTLS_PK_RSA, 3072, 0);
  else
    rc = gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                       GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0);
  if (rc < 0)
    goto fail;

  gnutls_x509_crt_init (&crt);
  gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial);
  serial[0] &= 0x7f;
  gnutls_x509_crt_set_version (crt, 3);
  gnutls_x509_crt_set_serial (crt, serial, sizeof serial);
  gnutls_x509_crt_set_activation_time (crt, now - 60);
  gnutls_x509_crt_set_expiration_time (crt, now + (time_t) valid_days * 86400);
  if ((rc = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, name, strlen (name))) < 0)
    goto fail;
  if (email != NULL && *email != '\0' &&
      (rc = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_PKCS9_EMAIL, 0, email, strlen (email))) < 0)
    goto fail;
  if (organisation != NULL && *organisation != '\0' &&
      (rc = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                           organisation, strlen (organisation))) < 0)
    goto fail;
  gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION);
  if ((rc = gnutls_x509_crt_set_key (crt, key)) < 0 ||
      (rc = gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0)) < 0)
    goto fail;
  return identity_take (key, crt, error);

fail:
  set_gnutls_error (error, INVOLVE_IDENTITY_ERROR_FAILED, _("Could not create the key"), rc);
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
  return NULL;
}

gboolean
involve_identity_save (InvolveIdentity  *self,
                       const char       *path,
                       const char       *passphrase,
                       GError          **error)
{
  gnutls_datum_t out = { NULL, 0 };
  g_autofree char *pem = NULL;
  g_autofree char *contents = NULL;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_IDENTITY (self), FALSE);

  if (passphrase == NULL || *passphrase == '\0')
    {
      g_set_error_literal (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE,
                           _("A key is always saved encrypted: give a passphrase."));
      return FALSE;
    }
  rc = gnutls_x509_privkey_export2_pkcs8 (self->key, GNUTLS_X509_FMT_PEM, passphrase,
                                          GNUTLS_PKCS_PBES2_AES_256, &out);
  if (rc < 0)
    {
      set_gnutls_error (error, INVOLVE_IDENTITY_ERROR_FAILED, _("Could not save the key"), rc);
      return FALSE;
    }
  pem = involve_certificate_dup_pem (self->certificate);
  contents = g_strdup_printf ("%.*s%s", (int) out.size, (const char *) out.data, pem);
  gnutls_free (out.data);
  return g_file_set_contents_full (path, contents, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

InvolveIdentity *
involve_identity_load (const char  *path,
                       const char  *passphrase,
                       GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local = NULL;
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  gsize length = 0;
  int rc;

  if (!g_file_get_contents (path, &contents, &length, &local))
    {
      g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_NOT_FOUND, "%s", local->message);
      return NULL;
    }
  datum.data = (unsigned char *) contents;
  datum.size = length;
  gnutls_x509_privkey_init (&key);
  rc = gnutls_x509_privkey_import_pkcs8 (key, &datum, GNUTLS_X509_FMT_PEM,
                                         passphrase != NULL ? passphrase : "", 0);
  if (rc < 0)
    {
      gnutls_x509_privkey_deinit (key);
      g_set_error (error, INVOLVE_IDENTITY_ERROR,
                   rc == GNUTLS_E_DECRYPTION_FAILED ? INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE
                                                    : INVOLVE_IDENTITY_ERROR_INVALID,
                   _("Could not unlock the key in “%s”: %s"), path, gnutls_strerror (rc));
      return NULL;
    }
  gnutls_x509_crt_init (&crt);
  rc = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM);
  if (rc < 0)
    {
      gnutls_x509_crt_deinit (crt);
      gnutls_x509_privkey_deinit (key);
      set_gnutls_error (error, INVOLVE_IDENTITY_ERROR_INVALID, _("The key file holds no certificate"), rc);
      return NULL;
    }
  return identity_take (key, crt, error);
}

InvolveCertificate *
involve_identity_load_certificate (const char  *path,
                                   GError     **error)
{
  return involve_certificate_new_from_file (path, error);
}

InvolveIdentity *
involve_identity_import_pkcs12 (GBytes      *pkcs12,
                                const char  *passphrase,
                                GError     **error)
{
  g_set_error_literal (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_UNSUPPORTED,
                       _("PKCS#12 import is not available in this build."));
  return NULL;
}

InvolveIdentity *
involve_identity_open_url (const char  *url,
                           const char  *pin,
                           GError     **error)
{
  g_set_error_literal (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_UNSUPPORTED,
                       _("Tokens are not available in this build."));
  return NULL;
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
  GBytes *result;
  gsize size;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_IDENTITY (self), NULL);
  g_return_val_if_fail (data != NULL, NULL);

  d.data = (unsigned char *) g_bytes_get_data (data, &size);
  d.size = size;
  rc = gnutls_privkey_sign_data (self->privkey, GNUTLS_DIG_SHA256, 0, &d, &sig);
  if (rc < 0)
    {
      set_gnutls_error (error, INVOLVE_IDENTITY_ERROR_FAILED, _("Could not sign"), rc);
      return NULL;
    }
  result = g_bytes_new (sig.data, sig.size);
  gnutls_free (sig.data);
  return result;
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
