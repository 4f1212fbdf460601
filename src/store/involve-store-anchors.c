/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "involve-paths.h"
#include "involve-store-anchors.h"
#include "involve-store-internal.h"
#include "involve-store-private.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

InvolveHead *
involve_head_copy (const InvolveHead *head)
{
  InvolveHead *copy;

  if (head == NULL)
    return NULL;
  copy = g_new0 (InvolveHead, 1);
  copy->register_id = g_strdup (head->register_id);
  copy->entries = head->entries;
  copy->hash = g_strdup (head->hash);
  copy->time_usec = head->time_usec;
  copy->signature = head->signature != NULL ? g_bytes_ref (head->signature) : NULL;
  copy->certificate = head->certificate != NULL ? g_bytes_ref (head->certificate) : NULL;
  return copy;
}

void
involve_head_free (InvolveHead *head)
{
  if (head == NULL)
    return;
  g_free (head->register_id);
  g_free (head->hash);
  g_clear_pointer (&head->signature, g_bytes_unref);
  g_clear_pointer (&head->certificate, g_bytes_unref);
  g_free (head);
}

static char *
base64_of (GBytes *bytes)
{
  gsize size = 0;
  const guchar *data = g_bytes_get_data (bytes, &size);

  return g_base64_encode (data, size);
}

char *
involve_head_to_string (const InvolveHead *head)
{
  GString *out = g_string_new (INVOLVE_HEAD_FORMAT);

  g_return_val_if_fail (head != NULL, NULL);

  g_string_append_printf (out, " register=%s entries=%" G_GINT64_FORMAT " hash=%s time=%" G_GINT64_FORMAT,
                          head->register_id, head->entries, head->hash, head->time_usec);
  if (head->signature != NULL && head->certificate != NULL)
    {
      g_autofree char *signature = base64_of (head->signature);
      g_autofree char *certificate = base64_of (head->certificate);

      g_string_append_printf (out, " signature=%s certificate=%s", signature, certificate);
    }
  return g_string_free (out, FALSE);
}

static gboolean
is_hex (const char *text,
        gsize       length)
{
  if (text == NULL || strlen (text) != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i]))
        return FALSE;
    }
  return TRUE;
}

/* Random ids: 32 hex digits (or a UUID), lower case. */
static gboolean
is_register_id (const char *text)
{
  gsize length;

  if (text == NULL)
    return FALSE;
  length = strlen (text);
  if (length < 16 || length > 64)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (text[i] != '-' && (!g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i])))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_int (const char *text,
           gint64     *out)
{
  guint64 n = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &n, NULL) ||
      (text[0] == '0' && text[1] != '\0'))
    return FALSE;
  *out = (gint64) n;
  return TRUE;
}

static GBytes *
parse_base64 (const char *text)
{
  gsize size = 0;
  guchar *data;

  if (text == NULL || *text == '\0')
    return NULL;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
        return NULL;
    }
  data = g_base64_decode (text, &size);
  if (size == 0)
    {
      g_free (data);
      return NULL;
    }
  return g_bytes_new_take (data, size);
}

InvolveHead *
involve_head_parse (const char *text,
                    GError    **error)
{
  g_autoptr(InvolveHead) head = g_new0 (InvolveHead, 1);
  g_auto(GStrv) words = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *certificate = NULL;
  g_autofree char *stripped = NULL;
  gboolean have_entries = FALSE;
  gboolean have_time = FALSE;

  if (text == NULL)
    goto invalid;
  stripped = g_strstrip (g_strdup (text));
  words = g_strsplit (stripped, " ", -1);
  if (words[0] == NULL || g_strcmp0 (words[0], INVOLVE_HEAD_FORMAT) != 0)
    goto invalid;
  for (guint i = 1; words[i] != NULL; i++)
    {
      const char *eq = strchr (words[i], '=');
      g_autofree char *key = NULL;
      const char *value;

      if (eq == NULL)
        goto invalid;
      key = g_strndup (words[i], eq - words[i]);
      value = eq + 1;
      if (g_str_equal (key, "register") && head->register_id == NULL)
        head->register_id = g_strdup (value);
      else if (g_str_equal (key, "entries") && !have_entries)
        have_entries = parse_int (value, &head->entries);
      else if (g_str_equal (key, "hash") && head->hash == NULL)
        head->hash = g_strdup (value);
      else if (g_str_equal (key, "time") && !have_time)
        have_time = parse_int (value, &head->time_usec);
      else if (g_str_equal (key, "signature") && signature == NULL)
        signature = g_strdup (value);
      else if (g_str_equal (key, "certificate") && certificate == NULL)
        certificate = g_strdup (value);
      else
        goto invalid;
    }
  if (!is_register_id (head->register_id) ||
      !have_entries || !have_time || !is_hex (head->hash, 64) ||
      (signature == NULL) != (certificate == NULL))
    goto invalid;
  if (signature != NULL)
    {
      head->signature = parse_base64 (signature);
      head->certificate = parse_base64 (certificate);
      if (head->signature == NULL || head->certificate == NULL)
        goto invalid;
    }
  return g_steal_pointer (&head);

invalid:
  g_set_error_literal (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID,
                       _("The register head it carries is not readable (expected “involve-head-1 register=… entries=… hash=… time=…”)."));
  return NULL;
}

static void
add_item (GString    *out,
          const char *name,
          const char *value)
{
  g_string_append_printf (out, "%s=%zu:%s\n", name, strlen (value), value);
}

GBytes *
involve_head_dup_signed_data (const InvolveHead *head)
{
  GString *out = g_string_new (INVOLVE_HEAD_FORMAT "\n");
  g_autofree char *entries = NULL;
  g_autofree char *time = NULL;
  gsize length;

  g_return_val_if_fail (head != NULL, NULL);

  entries = g_strdup_printf ("%" G_GINT64_FORMAT, head->entries);
  time = g_strdup_printf ("%" G_GINT64_FORMAT, head->time_usec);
  add_item (out, "register", head->register_id);
  add_item (out, "entries", entries);
  add_item (out, "hash", head->hash);
  add_item (out, "time", time);
  length = out->len;
  return g_bytes_new_take (g_string_free (out, FALSE), length);
}

char *
involve_format_count (gint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GINT64_FORMAT, n < 0 ? -n : n);
  GString *out = g_string_new (n < 0 ? "-" : "");
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

/* Signing */

/* The certificate a signed head carries, or NULL (INVALID) when unsigned. */
static InvolveCertificate *
head_certificate (const InvolveHead *head,
                  GError           **error)
{
  if (head->signature == NULL || head->certificate == NULL)
    {
      g_set_error_literal (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID,
                           _("The register head is not signed."));
      return NULL;
    }
  return involve_certificate_new_from_data (head->certificate, error);
}

gboolean
involve_head_check_signature (const InvolveHead *head,
                              GError           **error)
{
  g_autoptr(InvolveCertificate) certificate = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (head != NULL, FALSE);

  certificate = head_certificate (head, error);
  if (certificate == NULL)
    return FALSE;
  data = involve_head_dup_signed_data (head);
  /* The head's own time: a key that has expired since still vouches for it. */
  if (!involve_certificate_verify (certificate, data, head->signature, head->time_usec, &local_error))
    {
      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED,
                   _("The register head (%" PRId64 " audit entries) does not match its signature: it was altered after it was signed (%s)."),
                   head->entries, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
sign_head (InvolveHead     *head,
           InvolveIdentity *identity,
           GError         **error)
{
  g_autoptr(GBytes) data = involve_head_dup_signed_data (head);
  GBytes *signature = involve_identity_sign (identity, data, error);

  if (signature == NULL)
    return FALSE;
  head->signature = signature;
  head->certificate = g_bytes_ref (involve_certificate_get_der (involve_identity_get_certificate (identity)));
  return TRUE;
}

char *
involve_head_dup_description (const InvolveHead *head)
{
  g_autofree char *count = NULL;
  g_autofree char *signer = NULL;
  g_autoptr(InvolveCertificate) certificate = NULL;

  g_return_val_if_fail (head != NULL, NULL);

  count = involve_format_count (head->entries);
  if (head->signature != NULL && head->certificate != NULL)
    certificate = involve_certificate_new_from_data (head->certificate, NULL);
  if (certificate != NULL)
    {
      signer = involve_certificate_dup_description (certificate);
      return g_strdup_printf (_("%s audit entries, last hash %.16s…, register %s, signed by %s"),
                              count, head->hash, head->register_id, signer);
    }
  return g_strdup_printf (_("%s audit entries, last hash %.16s…, register %s, not signed (no key was unlocked)"),
                          count, head->hash, head->register_id);
}

/* The register's id and head */

static gboolean
sql_error (InvolveStore *self,
           GError      **error,
           const char   *doing)
{
  g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_FAILED, "%s: %s", doing,
               involve_db_errmsg (_involve_store_get_connection (self)));
  return FALSE;
}

static char *
query_text (InvolveStore *self,
            const char   *sql,
            const char   *arg)
{
  InvolveDbStmt *stmt = NULL;
  char *result = NULL;

  if (involve_db_prepare (_involve_store_get_connection (self), sql, FALSE, &stmt) == SQLITE_OK)
    {
      if (arg != NULL)
        involve_db_bind_text (stmt, 1, arg, -1, SQLITE_STATIC);
      if (involve_db_step (stmt) == SQLITE_ROW && involve_db_column_text (stmt, 0) != NULL)
        result = g_strdup ((const char *) involve_db_column_text (stmt, 0));
    }
  involve_db_finalize (stmt);
  return result;
}

gboolean
_involve_store_populate_anchors (InvolveStore *self,
                                 GError      **error)
{
  g_autofree char *id = g_uuid_string_random ();
  InvolveDbStmt *stmt = NULL;
  int rc;

  rc = involve_db_prepare (_involve_store_get_connection (self),
                           "INSERT INTO meta (key, value) VALUES ('register-id', ?1) ON CONFLICT DO NOTHING",
                           FALSE, &stmt);
  if (rc == SQLITE_OK)
    {
      involve_db_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      rc = involve_db_step (stmt);
    }
  involve_db_finalize (stmt);
  if (rc != SQLITE_DONE)
    return sql_error (self, error, _("Could not give the register its id"));
  return TRUE;
}

char *
involve_store_dup_register_id (InvolveStore *self,
                               GError      **error)
{
  INVOLVE_STORE_LOCKED (self);
  char *id;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);

  id = query_text (self, "SELECT value FROM meta WHERE key = 'register-id'", NULL);
  if (id == NULL)
    g_set_error_literal (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NOT_FOUND,
                         !_involve_store_has_anchors (self) ?
                         _("The register is in an older format without an id; open it with this version of Involve to update it.") :
                         _("The register has lost its id: it was changed outside Involve."));
  return id;
}

/* The unsigned head, inside the caller's lock. */
static InvolveHead *
current_head (InvolveStore *self,
              GError      **error)
{
  g_autoptr(InvolveHead) head = g_new0 (InvolveHead, 1);
  g_autoptr(GError) local_error = NULL;

  head->register_id = involve_store_dup_register_id (self, error);
  if (head->register_id == NULL)
    return NULL;
  if (!involve_store_get_audit_head (self, &head->entries, &head->hash, &local_error))
    {
      if (!g_error_matches (local_error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      head->entries = 0;
      head->hash = g_strdup (ZERO_HASH);
    }
  head->time_usec = g_get_real_time ();
  return g_steal_pointer (&head);
}

InvolveHead *
involve_store_dup_head (InvolveStore *self,
                        GError      **error)
{
  INVOLVE_STORE_LOCKED (self);
  g_autoptr(InvolveHead) head = NULL;
  g_autoptr(GError) save_error = NULL;
  InvolveIdentity *identity;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  head = current_head (self, error);
  if (head == NULL)
    return NULL;
  identity = involve_store_get_identity (self);
  if (identity != NULL && !sign_head (head, identity, error))
    return NULL;
  /* A head given out is one the register must never fall behind. */
  if (!involve_store_save_own_head (self, &save_error))
    g_warning ("Could not record the register’s head: %s", save_error->message);
  return g_steal_pointer (&head);
}

/* Entry @from on: numbered without gaps, each naming the one before and
 * hashing to what it says.  Returns the first broken id, or 0. */
static gint64
check_chain_from (InvolveStore *self,
                  gint64        from,
                  const char   *from_hash,
                  GError      **error)
{
  InvolveDbStmt *stmt = NULL;
  g_autofree char *prev_hash = g_strdup (from_hash);
  gint64 expected = from + 1;
  int rc;

  rc = involve_db_prepare (_involve_store_get_connection (self),
                           "SELECT id, time_usec, account, profile, kind, record_uuid, version,"
                           " field_id, old_value, new_value, details, prev_hash, hash"
                           " FROM audit WHERE id > ?1 ORDER BY id",
                           FALSE, &stmt);
  if (rc == SQLITE_OK)
    involve_db_bind_int64 (stmt, 1, from);
  while (rc == SQLITE_OK && (rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      InvolveAuditEntry entry = { 0 };
      g_autofree char *hash = NULL;

      rc = SQLITE_OK;
      entry.id = involve_db_column_int64 (stmt, 0);
      entry.time_usec = involve_db_column_int64 (stmt, 1);
      entry.account = (char *) involve_db_column_text (stmt, 2);
      entry.profile = (char *) involve_db_column_text (stmt, 3);
      entry.kind = (char *) involve_db_column_text (stmt, 4);
      entry.record_uuid = (char *) involve_db_column_text (stmt, 5);
      entry.version = (guint) involve_db_column_int64 (stmt, 6);
      entry.field_id = (char *) involve_db_column_text (stmt, 7);
      entry.old_value = (char *) involve_db_column_text (stmt, 8);
      entry.new_value = (char *) involve_db_column_text (stmt, 9);
      entry.details = (char *) involve_db_column_text (stmt, 10);
      entry.prev_hash = (char *) involve_db_column_text (stmt, 11);
      hash = involve_audit_entry_compute_hash (&entry);
      if (entry.id != expected || g_strcmp0 (entry.prev_hash, prev_hash) != 0 ||
          g_strcmp0 (hash, (const char *) involve_db_column_text (stmt, 12)) != 0)
        {
          involve_db_finalize (stmt);
          return expected;
        }
      g_free (prev_hash);
      prev_hash = g_steal_pointer (&hash);
      expected++;
    }
  involve_db_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      sql_error (self, error, _("Could not read the audit log"));
      return -1;
    }
  return 0;
}

static gboolean check_head (InvolveStore *self, const InvolveHead *head, const char *file_name,
                            gboolean own, gboolean walk, GError **error);

gboolean
involve_store_check_head (InvolveStore      *self,
                          const InvolveHead *head,
                          const char        *file_name,
                          GError           **error)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (head != NULL, FALSE);
  g_return_val_if_fail (file_name != NULL, FALSE);

  return check_head (self, head, file_name, FALSE, TRUE, error);
}

/* @own: @head is the register's own, recorded in the file @file_name.
 * @walk: also walk the chain from entry N to now. */
static gboolean
check_head (InvolveStore      *self,
            const InvolveHead *head,
            const char        *file_name,
            gboolean           own,
            gboolean           walk,
            GError           **error)
{
  INVOLVE_STORE_LOCKED (self);
  g_autoptr(InvolveHead) now = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *ours = NULL;
  g_autofree char *entry_hash = NULL;
  g_autofree char *n_text = NULL;
  gint64 broken;

  if (head->signature != NULL)
    {
      g_autoptr(GError) signature_error = NULL;

      if (!involve_head_check_signature (head, &signature_error))
        {
          g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED,
                       _("%s: %s"), file_name, signature_error->message);
          return FALSE;
        }
    }

  now = current_head (self, error);
  if (now == NULL)
    return FALSE;
  if (g_strcmp0 (now->register_id, head->register_id) != 0)
    {
      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID,
                   _("%s was written by another register (id %s), not by this one (id %s): it cannot vouch for this register."),
                   file_name, head->register_id, now->register_id);
      return FALSE;
    }

  theirs = involve_format_count (head->entries);
  ours = involve_format_count (now->entries);
  if (now->entries < head->entries && own)
    {
      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED,
                   _("This register has only %s audit entries but it had %s when it was last verified or exported (as recorded in %s): entries have been removed or the register was rolled back."),
                   ours, theirs, file_name);
      return FALSE;
    }
  if (now->entries < head->entries)
    {
      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED,
                   _("This register has only %s audit entries but %s was exported when it had %s: entries have been removed or the register was rolled back."),
                   ours, file_name, theirs);
      return FALSE;
    }

  n_text = g_strdup_printf ("%" G_GINT64_FORMAT, head->entries);
  entry_hash = head->entries == 0 ? g_strdup (ZERO_HASH)
                                  : query_text (self, "SELECT hash FROM audit WHERE id = ?1", n_text);
  if (g_strcmp0 (entry_hash, head->hash) != 0)
    {
      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED,
                   _("Audit entry %s of this register is not the one %s was exported after (hash %.16s…, not %.16s…): the audit log was rewritten from there, or the register was replaced by another copy."),
                   theirs, file_name, entry_hash != NULL ? entry_hash : "-", head->hash);
      return FALSE;
    }

  if (!walk)
    return TRUE;
  broken = check_chain_from (self, head->entries, head->hash, error);
  if (broken < 0)
    return FALSE;
  if (broken > 0)
    {
      g_autofree char *at = involve_format_count (broken);

      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED,
                   _("The audit log after entry %s, where %s was exported, is broken at entry %s: entries were altered, reordered or removed."),
                   theirs, file_name, at);
      return FALSE;
    }
  return TRUE;
}

/* Heads of other registers */

gboolean
involve_store_remember_head (InvolveStore      *self,
                             const InvolveHead *head,
                             const char        *source,
                             GError           **error)
{
  INVOLVE_STORE_LOCKED (self);
  g_autofree char *own_id = NULL;
  g_autofree char *text = NULL;
  g_autofree char *details = NULL;
  g_autofree char *signer = NULL;
  InvolveDbStmt *stmt = NULL;
  gint64 audit_id = 0;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (head != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (source == NULL)
    source = "-";
  own_id = involve_store_dup_register_id (self, error);
  if (own_id == NULL)
    return FALSE;
  if (g_str_equal (own_id, head->register_id) || !_involve_store_has_anchors (self))
    return TRUE;

  /* Only a head whose signature holds is worth keeping. */
  if (head->signature != NULL && !involve_head_check_signature (head, error))
    return FALSE;

  /* The same register cannot have two different entries N. */
  rc = involve_db_prepare (_involve_store_get_connection (self),
                           "SELECT hash, source FROM seen_heads WHERE register_id = ?1 AND entries = ?2",
                           FALSE, &stmt);
  if (rc == SQLITE_OK)
    {
      involve_db_bind_text (stmt, 1, head->register_id, -1, SQLITE_STATIC);
      involve_db_bind_int64 (stmt, 2, head->entries);
      while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
        {
          const char *hash = (const char *) involve_db_column_text (stmt, 0);

          if (g_strcmp0 (hash, head->hash) == 0)
            {
              involve_db_finalize (stmt);
              return TRUE;
            }
          g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED,
                       _("%s says register %s had audit entry %" PRId64 " with hash %.16s…, but %s said %.16s…: that register’s audit log was rewritten."),
                       source, head->register_id, head->entries, head->hash,
                       (const char *) involve_db_column_text (stmt, 1), hash);
          involve_db_finalize (stmt);
          return FALSE;
        }
    }
  involve_db_finalize (stmt);
  if (rc != SQLITE_DONE)
    return sql_error (self, error, _("Could not read the heads seen"));

  text = involve_head_to_string (head);
  if (head->certificate != NULL)
    {
      g_autoptr(InvolveCertificate) certificate = involve_certificate_new_from_data (head->certificate, NULL);

      if (certificate != NULL)
        signer = g_strdup (involve_certificate_get_fingerprint (certificate));
    }
  details = g_strdup_printf ("head of register %s: %" G_GINT64_FORMAT " entries, hash %s, %s, from %s",
                             head->register_id, head->entries, head->hash,
                             signer != NULL ? signer : "not signed", source);

  if (!involve_store_begin_batch (self, error))
    return FALSE;
  if (!involve_store_log_event (self, INVOLVE_AUDIT_SEEN_HEAD, NULL, 0, details, error) ||
      !involve_store_get_audit_head (self, &audit_id, NULL, error))
    goto fail;
  rc = involve_db_prepare (_involve_store_get_connection (self),
                           "INSERT INTO seen_heads (register_id, entries, hash, head_usec, signer, source,"
                           " seen_usec, audit_id, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                           FALSE, &stmt);
  if (rc == SQLITE_OK)
    {
      involve_db_bind_text (stmt, 1, head->register_id, -1, SQLITE_STATIC);
      involve_db_bind_int64 (stmt, 2, head->entries);
      involve_db_bind_text (stmt, 3, head->hash, -1, SQLITE_STATIC);
      involve_db_bind_int64 (stmt, 4, head->time_usec);
      involve_db_bind_text (stmt, 5, signer, -1, SQLITE_STATIC);
      involve_db_bind_text (stmt, 6, source, -1, SQLITE_STATIC);
      involve_db_bind_int64 (stmt, 7, g_get_real_time ());
      involve_db_bind_int64 (stmt, 8, audit_id);
      involve_db_bind_text (stmt, 9, text, -1, SQLITE_STATIC);
      rc = involve_db_step (stmt);
    }
  involve_db_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      sql_error (self, error, _("Could not keep the head seen"));
      goto fail;
    }
  return involve_store_commit_batch (self, error);

fail:
  involve_store_rollback_batch (self);
  return FALSE;
}

GPtrArray *
involve_store_list_seen_heads (InvolveStore *self,
                               GError      **error)
{
  INVOLVE_STORE_LOCKED (self);
  g_autoptr(GPtrArray) heads = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_head_free);
  InvolveDbStmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);

  if (!_involve_store_has_anchors (self))
    return g_steal_pointer (&heads);
  rc = involve_db_prepare (_involve_store_get_connection (self), "SELECT text FROM seen_heads ORDER BY id",
                           FALSE, &stmt);
  while (rc == SQLITE_OK && (rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      InvolveHead *head = involve_head_parse ((const char *) involve_db_column_text (stmt, 0), NULL);

      rc = SQLITE_OK;
      if (head != NULL)
        g_ptr_array_add (heads, head);
    }
  involve_db_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      sql_error (self, error, _("Could not read the heads seen"));
      return NULL;
    }
  return g_steal_pointer (&heads);
}

/* The register's own highest head, kept outside it */

static char *
own_head_path_beside (InvolveStore *self)
{
  /* A team register has no folder of its own: the data folder only. */
  if (involve_store_is_server (self))
    return NULL;
  return g_strconcat (involve_store_get_path (self), ".head", NULL);
}

static char *
own_head_path_in_data (const char *register_id)
{
  g_autofree char *data = involve_paths_get_data_dir ();
  g_autofree char *name = g_strconcat (register_id, ".head", NULL);

  return g_build_filename (data, "heads", name, NULL);
}

/* A head file: the head's line, then the register's path it was
 * recorded for (@register_path, may be NULL; NULL when absent). */
static InvolveHead *
read_head_file (const char  *path,
                char       **register_path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (register_path != NULL)
    *register_path = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  lines = g_strsplit (text, "\n", 3);
  if (lines[0] == NULL)
    return NULL;
  if (register_path != NULL && lines[1] != NULL && lines[1][0] != '\0')
    *register_path = g_strdup (lines[1]);
  return involve_head_parse (lines[0], NULL);
}

static char *
canonical_store_path (InvolveStore *self)
{
  /* Never a password in a file. */
  if (involve_store_is_server (self))
    return involve_store_dup_display_location (self);
  return g_canonicalize_filename (involve_store_get_path (self), NULL);
}

static gboolean
check_own_head (InvolveStore *self,
                gboolean      walk,
                GError      **error)
{
  INVOLVE_STORE_LOCKED (self);
  g_autofree char *register_id = NULL;
  char *paths[2] = { NULL, NULL };
  gboolean ok = TRUE;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);

  register_id = involve_store_dup_register_id (self, error);
  if (register_id == NULL)
    return FALSE;
  paths[0] = own_head_path_beside (self);
  paths[1] = own_head_path_in_data (register_id);
  for (guint i = 0; ok && i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *recorded_for = NULL;
      g_autofree char *here = canonical_store_path (self);
      g_autoptr(InvolveHead) head = NULL;
      g_autofree char *what = NULL;

      if (paths[i] == NULL)
        continue;
      head = read_head_file (paths[i], &recorded_for);

      /* A copy elsewhere (a backup being checked) is not the register
       * whose head was recorded. */
      if (head == NULL || g_strcmp0 (head->register_id, register_id) != 0 ||
          (recorded_for != NULL && g_strcmp0 (recorded_for, here) != 0))
        continue;
      what = g_strdup_printf ("“%s”", paths[i]);
      ok = check_head (self, head, what, TRUE, walk, error);
    }
  g_free (paths[0]);
  g_free (paths[1]);
  return ok;
}

gboolean
involve_store_check_own_head (InvolveStore *self,
                              GError      **error)
{
  return check_own_head (self, TRUE, error);
}

gboolean
involve_store_check_own_head_quick (InvolveStore *self,
                                    GError      **error)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);

  if (!_involve_store_has_anchors (self))
    return TRUE;
  return check_own_head (self, FALSE, error);
}

static gboolean
save_head_file (const char        *path,
                const InvolveHead *head,
                const char        *text,
                gboolean           lower,
                GError           **error)
{
  g_autoptr(InvolveHead) old = read_head_file (path, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  /* Never lower it (but after a restore): the highest head is the one that counts. */
  if (!lower && old != NULL && g_strcmp0 (old->register_id, head->register_id) == 0 &&
      old->entries >= head->entries)
    return TRUE;
  if (!involve_paths_ensure_dir (dir, error))
    return FALSE;
  return g_file_set_contents (path, text, -1, error);
}

static gboolean save_own_head (InvolveStore *self, gboolean lower, GError **error);

gboolean
involve_store_save_own_head (InvolveStore *self,
                             GError      **error)
{
  return save_own_head (self, FALSE, error);
}

gboolean
involve_store_reset_own_head (InvolveStore *self,
                              GError      **error)
{
  return save_own_head (self, TRUE, error);
}

static gboolean
save_own_head (InvolveStore *self,
               gboolean      lower,
               GError      **error)
{
  INVOLVE_STORE_LOCKED (self);
  g_autoptr(InvolveHead) head = NULL;
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;
  g_autofree char *beside = NULL;
  g_autofree char *in_data = NULL;
  gboolean ok;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);

  head = current_head (self, error);
  if (head == NULL)
    return FALSE;
  line = involve_head_to_string (head);
  {
    g_autofree char *here = canonical_store_path (self);

    text = g_strconcat (line, "\n", here, "\n", NULL);
  }
  beside = own_head_path_beside (self);
  in_data = own_head_path_in_data (head->register_id);
  /* Both, even when one fails: each alone still catches a rollback. */
  ok = save_head_file (in_data, head, text, lower, error);
  if (beside != NULL)
    ok = save_head_file (beside, head, text, lower, ok ? error : NULL) && ok;
  return ok;
}

/* Backups */

/* A copy's head, read from the copy itself so that it is exactly the
 * copy's, signed by @identity when not NULL. */
gboolean
_involve_store_stamp_backup_file (const char      *dest_path,
                                  InvolveIdentity *identity,
                                  GError         **error)
{
  g_autoptr(InvolveHead) head = g_new0 (InvolveHead, 1);
  g_autofree char *text = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_open_v2 (dest_path, &db, SQLITE_OPEN_READWRITE, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT (SELECT value FROM meta WHERE key = 'register-id'),"
                             " (SELECT id FROM audit ORDER BY id DESC LIMIT 1),"
                             " (SELECT hash FROM audit ORDER BY id DESC LIMIT 1)",
                             -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      rc = SQLITE_OK;
      head->register_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      head->entries = sqlite3_column_int64 (stmt, 1);
      head->hash = g_strdup (sqlite3_column_text (stmt, 2) != NULL ?
                             (const char *) sqlite3_column_text (stmt, 2) : ZERO_HASH);
      head->time_usec = g_get_real_time ();
    }
  sqlite3_finalize (stmt);
  stmt = NULL;
  /* A copy taken before the update to format 6 has no id to vouch with. */
  if (rc == SQLITE_OK && head->register_id == NULL)
    {
      sqlite3_close (db);
      return TRUE;
    }
  if (rc == SQLITE_OK && identity != NULL && !sign_head (head, identity, error))
    {
      sqlite3_close (db);
      return FALSE;
    }
  if (rc == SQLITE_OK)
    {
      text = involve_head_to_string (head);
      rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('backup-head', ?1)",
                               -1, &stmt, NULL);
    }
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode (db);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_IO,
                   _("Could not write the register’s head into the backup “%s”: %s"),
                   dest_path, sqlite3_errstr (rc));
      return FALSE;
    }
  return TRUE;
}

gboolean
_involve_store_stamp_backup (InvolveStore *self,
                             const char   *dest_path,
                             GError      **error)
{
  g_autoptr(GError) save_error = NULL;

  if (!_involve_store_has_anchors (self))
    return TRUE;
  if (!_involve_store_stamp_backup_file (dest_path, involve_store_get_identity (self), error))
    return FALSE;
  /* A head given out is one the register must never fall behind. */
  if (!involve_store_save_own_head (self, &save_error))
    g_warning ("Could not record the register’s head: %s", save_error->message);
  return TRUE;
}

InvolveHead *
involve_store_read_backup_head (const char *path,
                                GError    **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *text = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = 'backup-head'", -1, &stmt, NULL);
  if (rc == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  if (text == NULL)
    {
      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID,
                   _("“%s” is not a backup that carries a register head."), path);
      return NULL;
    }
  return involve_head_parse (text, error);
}

/* verify: every kept head still says what the entry that kept it says,
 * and no entry lost its head. */
gboolean
_involve_store_verify_seen_heads (InvolveStore *self,
                                  gint64       *first_broken_id,
                                  GError      **error)
{
  InvolveDb *db = _involve_store_get_connection (self);
  InvolveDbStmt *stmt = NULL;
  gint64 rows = 0;
  gint64 entries = 0;
  int rc;

  if (!_involve_store_has_anchors (self))
    return TRUE;

  rc = involve_db_prepare (db,
                           "SELECT s.audit_id, s.register_id, s.entries, s.hash, a.kind, a.details"
                           " FROM seen_heads s LEFT JOIN audit a ON a.id = s.audit_id ORDER BY s.id",
                           FALSE, &stmt);
  while (rc == SQLITE_OK && (rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      gint64 audit_id = involve_db_column_int64 (stmt, 0);
      g_autofree char *expected =
        g_strdup_printf ("head of register %s: %" G_GINT64_FORMAT " entries, hash %s, ",
                         (const char *) involve_db_column_text (stmt, 1), (gint64) involve_db_column_int64 (stmt, 2),
                         (const char *) involve_db_column_text (stmt, 3));
      const char *details = (const char *) involve_db_column_text (stmt, 5);

      rc = SQLITE_OK;
      rows++;
      if (g_strcmp0 ((const char *) involve_db_column_text (stmt, 4), INVOLVE_AUDIT_SEEN_HEAD) != 0 ||
          details == NULL || !g_str_has_prefix (details, expected))
        {
          involve_db_finalize (stmt);
          if (first_broken_id != NULL)
            *first_broken_id = audit_id;
          g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED,
                       _("The head of another register kept by audit entry %" PRId64 " no longer matches that entry: it was changed outside Involve."),
                       audit_id);
          return FALSE;
        }
    }
  involve_db_finalize (stmt);
  if (rc != SQLITE_DONE)
    return sql_error (self, error, _("Could not read the heads seen"));

  rc = involve_db_prepare (db, "SELECT COUNT (*) FROM audit WHERE kind = 'seen-head'", FALSE, &stmt);
  if (rc == SQLITE_OK && (rc = involve_db_step (stmt)) == SQLITE_ROW)
    entries = involve_db_column_int64 (stmt, 0);
  involve_db_finalize (stmt);
  if (rc != SQLITE_ROW)
    return sql_error (self, error, _("Could not read the audit log"));
  if (entries != rows)
    {
      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED,
                   _("The audit log kept %" PRId64 " heads of other registers, but %" PRId64 " are left: they were removed or added outside Involve."),
                   entries, rows);
      return FALSE;
    }
  return TRUE;
}
