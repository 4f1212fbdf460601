/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "involve-fingerprint.h"
#include "involve-store-internal.h"
#include "involve-store-trust.h"

/*
 * Signed acts and the trust list (docs/signatures.md).  Everything here
 * runs inside a transaction the caller holds, except the public trust
 * functions, which hold their own.
 */

/* Roles */

static const struct
{
  guint       flag;
  const char *name;
} role_names[] = {
  { INVOLVE_TRUST_COMPLETE, "complete" },
  { INVOLVE_TRUST_SIGN_OFF, "sign-off" },
  { INVOLVE_TRUST_ADMINISTER, "administer" },
};

gboolean
involve_trust_roles_parse (const char  *text,
                           guint       *roles,
                           GError     **error)
{
  g_auto(GStrv) parts = NULL;
  guint result = 0;

  g_return_val_if_fail (roles != NULL, FALSE);

  parts = g_strsplit (text != NULL ? text : "", ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);
      guint flag = 0;

      for (guint j = 0; j < G_N_ELEMENTS (role_names); j++)
        if (g_str_equal (part, role_names[j].name))
          flag = role_names[j].flag;
      if (flag == 0 || (result & flag) != 0)
        {
          g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID,
                       _("“%s” is not a role (or is named twice): the roles are complete, sign-off and administer."),
                       part);
          return FALSE;
        }
      result |= flag;
    }
  if (result == 0)
    {
      g_set_error_literal (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID,
                           _("Name at least one role: complete, sign-off or administer."));
      return FALSE;
    }
  *roles = result;
  return TRUE;
}

char *
involve_trust_roles_to_string (guint roles)
{
  GString *out = g_string_new (NULL);

  for (guint j = 0; j < G_N_ELEMENTS (role_names); j++)
    {
      if ((roles & role_names[j].flag) == 0)
        continue;
      if (out->len > 0)
        g_string_append_c (out, ',');
      g_string_append (out, role_names[j].name);
    }
  return g_string_free (out, FALSE);
}

static guint
roles_from_text (const char *text)
{
  guint roles = 0;

  if (text == NULL || *text == '\0' || !involve_trust_roles_parse (text, &roles, NULL))
    return 0;
  return roles;
}

InvolveTrustEntry *
involve_trust_entry_copy (const InvolveTrustEntry *entry)
{
  InvolveTrustEntry *copy = g_new0 (InvolveTrustEntry, 1);

  *copy = *entry;
  copy->fingerprint = g_strdup (entry->fingerprint);
  copy->name = g_strdup (entry->name);
  copy->email = g_strdup (entry->email);
  copy->added_by = g_strdup (entry->added_by);
  return copy;
}

void
involve_trust_entry_free (InvolveTrustEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->fingerprint);
  g_free (entry->name);
  g_free (entry->email);
  g_free (entry->added_by);
  g_free (entry);
}

G_DEFINE_BOXED_TYPE (InvolveTrustEntry, involve_trust_entry,
                     involve_trust_entry_copy, involve_trust_entry_free)

/* Helpers inside a transaction */

static char *
dup_meta (InvolveStore *self,
          const char   *key)
{
  INTERNAL_AUTO_STMT stmt = _involve_store_prepare (self, "SELECT value FROM meta WHERE key = ?1", NULL);
  const char *text;

  if (stmt == NULL)
    return NULL;
  involve_db_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (involve_db_step (stmt) != SQLITE_ROW)
    return NULL;
  text = (const char *) involve_db_column_text (stmt, 0);
  return g_strdup (text);
}

static gboolean
read_head (InvolveStore *self,
           gint64       *count,
           char        **hash,
           GError      **error)
{
  INTERNAL_AUTO_STMT stmt = _involve_store_prepare (self, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = involve_db_step (stmt);
  *count = 0;
  *hash = g_strdup ("0000000000000000000000000000000000000000000000000000000000000000");
  if (rc == SQLITE_ROW)
    {
      *count = involve_db_column_int64 (stmt, 0);
      g_free (*hash);
      *hash = g_strdup ((const char *) involve_db_column_text (stmt, 1));
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    {
      _involve_store_set_sqlite_error (self, error, rc, _("Could not read the audit log"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
keep_certificate (InvolveStore       *self,
                  InvolveCertificate *certificate,
                  GError            **error)
{
  INTERNAL_AUTO_STMT stmt = _involve_store_prepare (self,
                                                    "INSERT INTO certificates (fingerprint, der, subject)"
                                                    " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                                                    error);
  GBytes *der = involve_certificate_get_der (certificate);
  g_autofree char *subject = involve_certificate_dup_description (certificate);

  if (stmt == NULL)
    return FALSE;
  involve_db_bind_text (stmt, 1, involve_certificate_get_fingerprint (certificate), -1, SQLITE_TRANSIENT);
  involve_db_bind_blob (stmt, 2, g_bytes_get_data (der, NULL), (int) g_bytes_get_size (der), SQLITE_TRANSIENT);
  involve_db_bind_text (stmt, 3, subject, -1, SQLITE_TRANSIENT);
  return _involve_store_step_done (self, stmt, _("Could not keep the certificate"), error);
}

/* The roles the trust list gives @fingerprint now; -1 on errors. */
static gint64
current_roles (InvolveStore *self,
               const char   *fingerprint,
               GError      **error)
{
  INTERNAL_AUTO_STMT stmt = _involve_store_prepare (self,
                                                    "SELECT roles FROM trust WHERE fingerprint = ?1"
                                                    " ORDER BY id DESC LIMIT 1",
                                                    error);
  g_autofree char *lower = NULL;
  int rc;

  if (stmt == NULL)
    return -1;
  lower = g_ascii_strdown (fingerprint, -1);
  involve_db_bind_text (stmt, 1, lower, -1, SQLITE_TRANSIENT);
  rc = involve_db_step (stmt);
  if (rc == SQLITE_ROW)
    return roles_from_text ((const char *) involve_db_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      _involve_store_set_sqlite_error (self, error, rc, _("Could not read the trust list"));
      return -1;
    }
  return 0;
}

static gint64
count_trusted (InvolveStore *self,
               guint         role,
               GError      **error)
{
  g_autoptr(GPtrArray) list = involve_store_trust_list (self, error);
  gint64 n = 0;

  if (list == NULL)
    return -1;
  for (guint i = 0; i < list->len; i++)
    if ((((InvolveTrustEntry *) list->pdata[i])->roles & role) != 0)
      n++;
  return n;
}

InvolveIdentity *
_involve_store_require_identity (InvolveStore *self,
                                 const char   *act_label,
                                 GError      **error)
{
  InvolveIdentity *identity = involve_store_get_identity (self);

  if (identity == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("%s needs your signing key. Create one in Preferences or with “involve-cli key create”, then unlock it."),
                         act_label);
      _involve_store_set_error (error, INVOLVE_STORE_ERROR_NO_IDENTITY, message);
      return NULL;
    }
  return identity;
}

static const char *
role_label (guint role)
{
  switch (role)
    {
    case INVOLVE_TRUST_COMPLETE:
      return _("to complete records");
    case INVOLVE_TRUST_SIGN_OFF:
      return _("to sign off records");
    default:
      return _("to administer the trust list");
    }
}

static gboolean trust_write (InvolveStore *self, InvolveCertificate *certificate,
                             guint roles, gint64 now, GError **error);

gboolean
_involve_store_check_role (InvolveStore       *self,
                           InvolveCertificate *certificate,
                           guint               role,
                           GError            **error)
{
  InvolveIdentity *identity = involve_store_get_identity (self);
  gint64 roles = current_roles (self, involve_certificate_get_fingerprint (certificate), error);
  g_autofree char *who = NULL;
  g_autofree char *message = NULL;

  if (roles < 0)
    return FALSE;
  if ((roles & role) != 0)
    return TRUE;

  if (identity != NULL && roles == 0 &&
      involve_certificate_equal (certificate, involve_identity_get_certificate (identity)))
    {
      gint64 n = count_trusted (self, INVOLVE_TRUST_ADMINISTER, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        {
          gint64 now = 0;

          return _involve_store_now_usec (self, &now, error) &&
                 trust_write (self, certificate, INVOLVE_TRUST_ALL, now, error);
        }
    }

  who = involve_certificate_dup_description (certificate);
  message = g_strdup_printf (_("%s is not trusted %s in this register. An administrator of the register must add the certificate with the role first (Preferences, or “involve-cli trust add”)."),
                             who, role_label (role));
  _involve_store_set_error (error, INVOLVE_STORE_ERROR_UNTRUSTED, message);
  return FALSE;
}

static gboolean
append_signed (InvolveStore       *self,
               InvolveAct         *act,
               GBytes             *data,
               GBytes             *signature,
               InvolveCertificate *certificate,
               const char         *kind,
               const char         *field_id,
               const char         *new_value,
               const char         *details,
               gint64              time_usec,
               gint64             *out_id,
               GError            **error)
{
  g_autoptr(GBytes) made_data = NULL;
  g_autoptr(GBytes) made_signature = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *full_details = NULL;
  INTERNAL_AUTO_STMT insert = NULL;
  gint64 id = 0;

  if (data == NULL)
    {
      InvolveIdentity *identity = _involve_store_require_identity (self, _("Signing"), error);

      if (identity == NULL)
        return FALSE;
      certificate = involve_identity_get_certificate (identity);
      g_free (act->register_id);
      act->register_id = dup_meta (self, "register-id");
      act->time_usec = time_usec;
      g_clear_pointer (&act->head_hash, g_free);
      if (!read_head (self, &act->head_count, &act->head_hash, error))
        return FALSE;
      g_free (act->signer);
      act->signer = g_strdup (involve_certificate_get_fingerprint (certificate));
      made_data = involve_act_serialise (act);
      made_signature = involve_identity_sign (identity, made_data, error);
      if (made_signature == NULL)
        return FALSE;
      /* What verify will check later must hold now: an expired
       * certificate or a key that does not match it signs nothing. */
      {
        g_autoptr(InvolveAct) check = NULL;
        g_autoptr(GError) local = NULL;

        check = involve_act_verify (made_data, made_signature, certificate, &local);
        if (check == NULL)
          {
            g_autofree char *message =
              g_strdup_printf (_("Your signing key cannot sign this act: %s"), local->message);
            _involve_store_set_error (error, INVOLVE_STORE_ERROR_BAD_SIGNATURE, message);
            return FALSE;
          }
      }
      data = made_data;
      signature = made_signature;
    }

  digest = involve_act_dup_signature_digest (signature);
  full_details = g_strdup_printf ("%s%s[signed by %s; signature sha256 %s]",
                                  details != NULL ? details : "", details != NULL ? " " : "",
                                  involve_certificate_get_fingerprint (certificate), digest);
  if (!keep_certificate (self, certificate, error) ||
      !_involve_store_audit_append (self, kind, act->record_uuid, act->version, field_id, NULL, new_value,
                                    full_details, time_usec, &id, error))
    return FALSE;

  insert = _involve_store_prepare (self,
                                   "INSERT INTO audit_signatures (audit_id, signer, data, signature)"
                                   " VALUES (?1, ?2, ?3, ?4)",
                                   error);
  if (insert == NULL)
    return FALSE;
  involve_db_bind_int64 (insert, 1, id);
  involve_db_bind_text (insert, 2, involve_certificate_get_fingerprint (certificate), -1, SQLITE_TRANSIENT);
  involve_db_bind_blob (insert, 3, g_bytes_get_data (data, NULL), (int) g_bytes_get_size (data), SQLITE_TRANSIENT);
  involve_db_bind_blob (insert, 4, g_bytes_get_data (signature, NULL), (int) g_bytes_get_size (signature), SQLITE_TRANSIENT);
  if (!_involve_store_step_done (self, insert, _("Could not keep the signature"), error))
    return FALSE;
  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

gboolean
_involve_store_append_signed (InvolveStore       *self,
                              InvolveAct         *act,
                              GBytes             *data,
                              GBytes             *signature,
                              InvolveCertificate *certificate,
                              const char         *kind,
                              const char         *new_value,
                              const char         *details,
                              gint64              time_usec,
                              gint64             *out_id,
                              GError            **error)
{
  return append_signed (self, act, data, signature, certificate, kind, NULL, new_value,
                        details, time_usec, out_id, error);
}

gboolean
_involve_store_append_signed_field (InvolveStore *self,
                                    InvolveAct   *act,
                                    const char   *kind,
                                    const char   *field_id,
                                    const char   *new_value,
                                    const char   *details,
                                    gint64        time_usec,
                                    gint64       *out_id,
                                    GError      **error)
{
  return append_signed (self, act, NULL, NULL, NULL, kind, field_id, new_value,
                        details, time_usec, out_id, error);
}

void
_involve_store_log_refusal (InvolveStore       *self,
                            const char         *record_uuid,
                            guint               version,
                            InvolveCertificate *certificate,
                            const GError       *why)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *who = certificate != NULL ? involve_certificate_dup_description (certificate)
                                             : g_strdup (_("nobody (no signing key)"));
  g_autofree char *details = g_strdup_printf ("refused %s: %s", who, why->message);
  gint64 now = 0;

  if (!_involve_store_txn_begin (self, &error))
    goto fail;
  if (!_involve_store_now_usec (self, &now, &error) ||
      !_involve_store_audit_append (self, INVOLVE_AUDIT_REFUSED, record_uuid, version, NULL, NULL,
                                    certificate != NULL ? involve_certificate_get_fingerprint (certificate) : NULL,
                                    details, now, NULL, &error) ||
      !_involve_store_txn_commit (self, &error))
    {
      _involve_store_txn_rollback (self);
      goto fail;
    }
  return;

fail:
  /* The refusal itself reaches the user as the act's error; that it could
   * not also be logged (a full disk) is said here, and is no program fault. */
  g_message ("Could not record a refusal in the audit log: %s", error->message);
}

/* The trust list */

static gboolean
trust_write (InvolveStore       *self,
             InvolveCertificate *certificate,
             guint               roles,
             gint64              now,
             GError            **error)
{
  g_autoptr(InvolveAct) act = involve_act_new (roles != 0 ? INVOLVE_ACT_TRUST : INVOLVE_ACT_UNTRUST);
  g_autofree char *role_text = involve_trust_roles_to_string (roles);
  g_autofree char *who = involve_certificate_dup_description (certificate);
  g_autofree char *details = NULL;
  INTERNAL_AUTO_STMT insert = NULL;
  gint64 id = 0;

  act->subject = g_strdup (involve_certificate_get_fingerprint (certificate));
  act->roles = g_strdup (role_text);
  details = roles != 0 ? g_strdup_printf ("trusted %s as %s", who, role_text)
                       : g_strdup_printf ("no longer trusted: %s", who);
  if (!keep_certificate (self, certificate, error) ||
      !_involve_store_append_signed (self, act, NULL, NULL, NULL, INVOLVE_AUDIT_TRUST,
                                     role_text, details, now, &id, error))
    return FALSE;

  insert = _involve_store_prepare (self,
                                   "INSERT INTO trust (fingerprint, roles, audit_id) VALUES (?1, ?2, ?3)",
                                   error);
  if (insert == NULL)
    return FALSE;
  involve_db_bind_text (insert, 1, involve_certificate_get_fingerprint (certificate), -1, SQLITE_TRANSIENT);
  involve_db_bind_text (insert, 2, role_text, -1, SQLITE_TRANSIENT);
  involve_db_bind_int64 (insert, 3, id);
  return _involve_store_step_done (self, insert, _("Could not change the trust list"), error);
}

/* The acting identity must be an administrator (or the very first). */
static InvolveIdentity *
require_administrator (InvolveStore *self,
                       GError      **error)
{
  InvolveIdentity *identity = _involve_store_require_identity (self, _("Changing the trust list"), error);

  if (identity == NULL ||
      !_involve_store_check_role (self, involve_identity_get_certificate (identity),
                                  INVOLVE_TRUST_ADMINISTER, error))
    return NULL;
  return identity;
}

gboolean
involve_store_trust_add (InvolveStore        *self,
                         InvolveCertificate  *certificate,
                         guint                roles,
                         GError             **error)
{
  INTERNAL_STORE_LOCK (self);
  InvolveIdentity *identity;
  gint64 had;
  gint64 now = 0;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (certificate), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (roles == 0 || (roles & ~INVOLVE_TRUST_ALL) != 0)
    {
      _involve_store_set_error (error, INVOLVE_STORE_ERROR_INVALID,
                                _("Name at least one role: complete, sign-off or administer."));
      return FALSE;
    }
  if (!_involve_store_txn_begin (self, error))
    return FALSE;
  identity = require_administrator (self, error);
  if (identity == NULL)
    goto fail;
  had = current_roles (self, involve_certificate_get_fingerprint (certificate), error);
  if (had < 0)
    goto fail;
  /* The administrator demoting themselves must leave another one. */
  if ((had & INVOLVE_TRUST_ADMINISTER) != 0 && (roles & INVOLVE_TRUST_ADMINISTER) == 0 &&
      count_trusted (self, INVOLVE_TRUST_ADMINISTER, NULL) <= 1)
    {
      _involve_store_set_error (error, INVOLVE_STORE_ERROR_INVALID,
                                _("This is the register’s last administrator: trust another administrator first."));
      goto fail;
    }
  if ((guint) had != roles &&
      (!_involve_store_now_usec (self, &now, error) ||
       !trust_write (self, certificate, roles, now, error)))
    goto fail;
  if (!_involve_store_txn_commit (self, error))
    goto fail;
  return TRUE;

fail:
  _involve_store_txn_rollback (self);
  return FALSE;
}

gboolean
involve_store_trust_remove (InvolveStore *self,
                            const char   *fingerprint,
                            GError      **error)
{
  INTERNAL_STORE_LOCK (self);
  g_autoptr(InvolveCertificate) certificate = NULL;
  gint64 had;
  gint64 now = 0;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (fingerprint != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_involve_store_txn_begin (self, error))
    return FALSE;
  if (require_administrator (self, error) == NULL)
    goto fail;
  had = current_roles (self, fingerprint, error);
  if (had < 0)
    goto fail;
  if (had == 0)
    {
      g_autofree char *message = g_strdup_printf (_("No certificate %s is trusted in this register."), fingerprint);
      _involve_store_set_error (error, INVOLVE_STORE_ERROR_NOT_FOUND, message);
      goto fail;
    }
  if ((had & INVOLVE_TRUST_ADMINISTER) != 0 && count_trusted (self, INVOLVE_TRUST_ADMINISTER, NULL) <= 1)
    {
      _involve_store_set_error (error, INVOLVE_STORE_ERROR_INVALID,
                                _("This is the register’s last administrator: trust another administrator first."));
      goto fail;
    }
  certificate = involve_store_dup_certificate (self, fingerprint, error);
  if (certificate == NULL ||
      !_involve_store_now_usec (self, &now, error) ||
      !trust_write (self, certificate, 0, now, error) ||
      !_involve_store_txn_commit (self, error))
    goto fail;
  return TRUE;

fail:
  _involve_store_txn_rollback (self);
  return FALSE;
}

GPtrArray *
involve_store_trust_list (InvolveStore *self,
                          GError      **error)
{
  INTERNAL_STORE_LOCK (self);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_trust_entry_free);
  INTERNAL_AUTO_STMT stmt = NULL;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);

  stmt = _involve_store_prepare (self,
                                 "SELECT t.fingerprint, t.roles, t.audit_id, a.time_usec, s.signer, c.der"
                                 " FROM trust t JOIN audit a ON a.id = t.audit_id"
                                 " LEFT JOIN audit_signatures s ON s.audit_id = t.audit_id"
                                 " LEFT JOIN certificates c ON c.fingerprint = t.fingerprint"
                                 " WHERE t.id = (SELECT MAX (id) FROM trust t2 WHERE t2.fingerprint = t.fingerprint)"
                                 " AND t.roles <> '' ORDER BY t.id",
                                 error);
  if (stmt == NULL)
    return NULL;
  while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      InvolveTrustEntry *entry = g_new0 (InvolveTrustEntry, 1);
      g_autoptr(GBytes) der = NULL;
      g_autoptr(InvolveCertificate) certificate = NULL;

      entry->fingerprint = g_strdup ((const char *) involve_db_column_text (stmt, 0));
      entry->roles = roles_from_text ((const char *) involve_db_column_text (stmt, 1));
      entry->audit_id = involve_db_column_int64 (stmt, 2);
      entry->time_usec = involve_db_column_int64 (stmt, 3);
      entry->added_by = g_strdup ((const char *) involve_db_column_text (stmt, 4));
      der = g_bytes_new (involve_db_column_blob (stmt, 5), involve_db_column_bytes (stmt, 5));
      certificate = involve_certificate_new_from_data (der, NULL);
      if (certificate != NULL)
        {
          entry->name = g_strdup (involve_certificate_get_name (certificate));
          entry->email = g_strdup (involve_certificate_get_email (certificate));
        }
      g_ptr_array_add (list, entry);
    }
  if (rc != SQLITE_DONE)
    {
      _involve_store_set_sqlite_error (self, error, rc, _("Could not read the trust list"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

gboolean
involve_store_trust_lookup (InvolveStore *self,
                            const char   *fingerprint,
                            guint        *roles,
                            GError      **error)
{
  INTERNAL_STORE_LOCK (self);
  gint64 found;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (fingerprint != NULL && roles != NULL, FALSE);

  found = current_roles (self, fingerprint, error);
  if (found < 0)
    return FALSE;
  *roles = (guint) found;
  return TRUE;
}

InvolveCertificate *
involve_store_dup_certificate (InvolveStore *self,
                               const char   *fingerprint,
                               GError      **error)
{
  INTERNAL_STORE_LOCK (self);
  INTERNAL_AUTO_STMT stmt = NULL;
  g_autoptr(GBytes) der = NULL;
  g_autofree char *lower = NULL;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  g_return_val_if_fail (fingerprint != NULL, NULL);

  stmt = _involve_store_prepare (self, "SELECT der FROM certificates WHERE fingerprint = ?1", error);
  if (stmt == NULL)
    return NULL;
  lower = g_ascii_strdown (fingerprint, -1);
  involve_db_bind_text (stmt, 1, lower, -1, SQLITE_TRANSIENT);
  rc = involve_db_step (stmt);
  if (rc != SQLITE_ROW)
    {
      g_autofree char *message = g_strdup_printf (_("The register has no certificate %s."), fingerprint);

      if (rc == SQLITE_DONE)
        _involve_store_set_error (error, INVOLVE_STORE_ERROR_NOT_FOUND, message);
      else
        _involve_store_set_sqlite_error (self, error, rc, _("Could not read the certificate"));
      return NULL;
    }
  der = g_bytes_new (involve_db_column_blob (stmt, 0), involve_db_column_bytes (stmt, 0));
  return involve_certificate_new_from_data (der, error);
}

gboolean
involve_store_get_submit_act (InvolveStore        *self,
                              const char          *uuid,
                              guint                version,
                              GBytes             **data,
                              GBytes             **signature,
                              InvolveCertificate **certificate,
                              GError             **error)
{
  INTERNAL_STORE_LOCK (self);
  INTERNAL_AUTO_STMT stmt = NULL;
  g_autoptr(GBytes) der = NULL;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);

  stmt = _involve_store_prepare (self,
                                 "SELECT s.data, s.signature, c.der FROM audit a"
                                 " JOIN audit_signatures s ON s.audit_id = a.id"
                                 " JOIN certificates c ON c.fingerprint = s.signer"
                                 " WHERE a.kind = 'submit' AND a.record_uuid = ?1 AND a.version = ?2"
                                 " ORDER BY a.id DESC LIMIT 1",
                                 error);
  if (stmt == NULL)
    return FALSE;
  involve_db_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  involve_db_bind_int64 (stmt, 2, version);
  rc = involve_db_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        _involve_store_set_error (error, INVOLVE_STORE_ERROR_NOT_FOUND,
                                  _("This version was not submitted with a signature, so it cannot be sent for sign-off by file. Recall it and submit it again with your signing key."));
      else
        _involve_store_set_sqlite_error (self, error, rc, _("Could not read the audit log"));
      return FALSE;
    }
  if (data != NULL)
    *data = g_bytes_new (involve_db_column_blob (stmt, 0), involve_db_column_bytes (stmt, 0));
  if (signature != NULL)
    *signature = g_bytes_new (involve_db_column_blob (stmt, 1), involve_db_column_bytes (stmt, 1));
  if (certificate != NULL)
    {
      der = g_bytes_new (involve_db_column_blob (stmt, 2), involve_db_column_bytes (stmt, 2));
      *certificate = involve_certificate_new_from_data (der, error);
      if (*certificate == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Sign-off by file */

static gboolean
refuse_response (InvolveStore       *self,
                 const InvolveAct   *act,
                 InvolveCertificate *certificate,
                 int                 code,
                 const char         *message,
                 GError            **error)
{
  g_autoptr(GError) why = g_error_new_literal (INVOLVE_STORE_ERROR, code, message);

  _involve_store_log_refusal (self, act != NULL ? act->record_uuid : NULL,
                              act != NULL ? act->version : 0, certificate, why);
  g_propagate_error (error, g_steal_pointer (&why));
  return FALSE;
}

gboolean
involve_store_apply_signed_response (InvolveStore        *self,
                                     GBytes              *data,
                                     GBytes              *signature,
                                     InvolveCertificate  *certificate,
                                     GError             **error)
{
  INTERNAL_STORE_LOCK (self);
  g_autoptr(InvolveAct) act = NULL;
  g_autoptr(InvolveAct) request = NULL;
  g_autoptr(GBytes) request_data = NULL;
  g_autoptr(GBytes) request_signature = NULL;
  g_autoptr(InvolveCertificate) completer = NULL;
  g_autoptr(InvolveSignOff) block = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *request_digest = NULL;
  g_autofree char *register_id = NULL;
  g_autofree char *message = NULL;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (data == NULL || signature == NULL || certificate == NULL)
    return refuse_response (self, NULL, certificate, INVOLVE_STORE_ERROR_BAD_SIGNATURE,
                            _("The response is not signed by the reviewer, so it cannot prove who decided. It was not applied; ask the reviewer to sign their decision with their key."),
                            error);

  act = involve_act_verify (data, signature, certificate, &local);
  if (act == NULL)
    {
      message = g_strdup_printf (_("The reviewer’s signature on the response does not verify (%s): the response was altered or forged. It was not applied."),
                                 local->message);
      return refuse_response (self, NULL, certificate, INVOLVE_STORE_ERROR_BAD_SIGNATURE, message, error);
    }
  if (!(g_strcmp0 (act->act, INVOLVE_ACT_SIGN_OFF) == 0 && g_strcmp0 (act->decision, "signed-off") == 0) &&
      !(g_strcmp0 (act->act, INVOLVE_ACT_RETURN) == 0 && g_strcmp0 (act->decision, "returned") == 0))
    return refuse_response (self, act, certificate, INVOLVE_STORE_ERROR_INVALID,
                            _("The signed response is neither a sign-off nor a return. It was not applied."),
                            error);

  register_id = dup_meta (self, "register-id");
  if (act->register_id != NULL && g_strcmp0 (act->register_id, register_id) != 0)
    return refuse_response (self, act, certificate, INVOLVE_STORE_ERROR_FINGERPRINT_MISMATCH,
                            _("The response answers a request from another register. It was not applied."),
                            error);

  /* It must answer this version's own signed request. */
  if (act->record_uuid == NULL || act->request == NULL ||
      !involve_store_get_submit_act (self, act->record_uuid, act->version,
                                     &request_data, &request_signature, &completer, NULL))
    {
      message = g_strdup_printf (_("The response for %s version %u answers no sign-off request of this register (no matching request). It was not applied; send the reviewer a new sign-off request."),
                                 act->reference != NULL ? act->reference : "?", act->version);
      return refuse_response (self, act, certificate, INVOLVE_STORE_ERROR_FINGERPRINT_MISMATCH, message, error);
    }
  request_digest = involve_act_dup_signature_digest (request_signature);
  request = involve_act_parse (request_data, NULL);
  if (g_ascii_strcasecmp (request_digest, act->request) != 0 || request == NULL)
    {
      message = g_strdup_printf (_("The response for %s version %u does not answer its latest sign-off request (no matching request). It was not applied; send the reviewer a new sign-off request."),
                                 act->reference != NULL ? act->reference : "?", act->version);
      return refuse_response (self, act, certificate, INVOLVE_STORE_ERROR_FINGERPRINT_MISMATCH, message, error);
    }
  if (act->time_usec < request->time_usec)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (act->time_usec / G_USEC_PER_SEC);
      g_autoptr(GDateTime) submitted = g_date_time_new_from_unix_utc (request->time_usec / G_USEC_PER_SEC);
      g_autofree char *when_text = when != NULL ? g_date_time_format_iso8601 (when) : g_strdup ("?");
      g_autofree char *submitted_text = submitted != NULL ? g_date_time_format_iso8601 (submitted) : g_strdup ("?");

      message = g_strdup_printf (_("The response says it was decided at %s, before %s version %u was submitted at %s: it is backdated. It was not applied."),
                                 when_text, act->reference != NULL ? act->reference : "?", act->version,
                                 submitted_text);
      return refuse_response (self, act, certificate, INVOLVE_STORE_ERROR_FINGERPRINT_MISMATCH, message, error);
    }

  block = involve_sign_off_new ();
  block->reviewer_name = g_strdup (act->reviewer_name);
  block->reviewer_job_title = g_strdup (act->reviewer_job_title);
  block->reviewer_email = g_strdup (act->reviewer_email);
  block->reviewer_team = g_strdup (act->reviewer_team);
  block->date = g_strdup (act->review_date);
  block->decision = g_strdup (act->decision);
  block->comments = g_strdup (act->comments);
  block->fingerprint = g_strdup (act->fingerprint);
  block->decided_at_usec = act->time_usec;

  if (!involve_fingerprint_is_valid (act->fingerprint))
    return refuse_response (self, act, certificate, INVOLVE_STORE_ERROR_FINGERPRINT_MISMATCH,
                            _("The response does not carry a valid fingerprint (64 hexadecimal digits). It was not applied."),
                            error);
  return _involve_store_decide_signed (self, act->record_uuid, act->version, act->fingerprint, block,
                                       data, signature, certificate, error);
}
