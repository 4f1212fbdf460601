/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "involve-fingerprint.h"
#include "involve-store-internal.h"
#include "involve-store-involvement.h"
#include "involve-store-trust.h"

/*
 * The signature half of verify (docs/signatures.md): every signed entry's
 * signature verifies with its certificate and says what its entry says
 * (kind, record, version, time and the audit head it was made on); every
 * signed-off version has a signed sign-off entry that matches the version
 * row and its seal; every trust change was signed by an administrator of
 * the time.  Whoever rewrites the chain without the keys cannot make the
 * signatures inside it fit again.
 */

static gboolean
broken (GError    **error,
        gint64     *first_broken_id,
        gint64      id,
        const char *message)
{
  if (first_broken_id != NULL)
    *first_broken_id = id;
  _involve_store_set_error (error, INVOLVE_STORE_ERROR_TAMPERED, message);
  return FALSE;
}

static GBytes *
column_bytes (InvolveDbStmt *stmt,
              int            column)
{
  if (involve_db_column_type (stmt, column) == SQLITE_NULL)
    return NULL;
  return g_bytes_new (involve_db_column_blob (stmt, column), involve_db_column_bytes (stmt, column));
}

static const char *
column_text (InvolveDbStmt *stmt,
             int            column)
{
  return (const char *) involve_db_column_text (stmt, column);
}

static const char *
entry_kind_for_act (const char *act)
{
  if (g_strcmp0 (act, INVOLVE_ACT_SUBMIT) == 0)
    return INVOLVE_AUDIT_SUBMIT;
  if (g_strcmp0 (act, INVOLVE_ACT_SIGN_OFF) == 0)
    return INVOLVE_AUDIT_SIGN_OFF;
  if (g_strcmp0 (act, INVOLVE_ACT_RETURN) == 0)
    return INVOLVE_AUDIT_RETURN;
  if (g_strcmp0 (act, INVOLVE_ACT_TRUST) == 0 || g_strcmp0 (act, INVOLVE_ACT_UNTRUST) == 0)
    return INVOLVE_AUDIT_TRUST;
  if (g_strcmp0 (act, INVOLVE_ACT_LOG) == 0)
    return INVOLVE_AUDIT_INVOLVEMENT;
  return NULL;
}

static char *
hash_of_entry (InvolveStore *self,
               gint64        id)
{
  INTERNAL_AUTO_STMT stmt = _involve_store_prepare (self, "SELECT hash FROM audit WHERE id = ?1", NULL);

  if (stmt == NULL)
    return NULL;
  if (id == 0)
    return g_strdup ("0000000000000000000000000000000000000000000000000000000000000000");
  involve_db_bind_int64 (stmt, 1, id);
  if (involve_db_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup (column_text (stmt, 0));
}

/* Each signed entry on its own. */
static gboolean
verify_entries (InvolveStore *self,
                const char   *register_id,
                gint64       *first_signed,
                gint64       *first_broken_id,
                GError      **error)
{
  INTERNAL_AUTO_STMT stmt = NULL;
  int rc;

  stmt = _involve_store_prepare (self,
                                 "SELECT a.id, a.time_usec, a.kind, a.record_uuid, a.version, a.details,"
                                 " a.prev_hash, s.signer, s.data, s.signature, c.der, a.new_value"
                                 " FROM audit_signatures s LEFT JOIN audit a ON a.id = s.audit_id"
                                 " LEFT JOIN certificates c ON c.fingerprint = s.signer ORDER BY s.audit_id",
                                 error);
  if (stmt == NULL)
    return FALSE;
  *first_signed = 0;
  while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = involve_db_column_int64 (stmt, 0);
      gint64 time_usec = involve_db_column_int64 (stmt, 1);
      const char *kind = column_text (stmt, 2);
      const char *record_uuid = column_text (stmt, 3);
      guint version = (guint) involve_db_column_int64 (stmt, 4);
      const char *details = column_text (stmt, 5);
      const char *prev_hash = column_text (stmt, 6);
      const char *signer = column_text (stmt, 7);
      g_autoptr(GBytes) data = column_bytes (stmt, 8);
      g_autoptr(GBytes) signature = column_bytes (stmt, 9);
      g_autoptr(GBytes) der = column_bytes (stmt, 10);
      const char *new_value = column_text (stmt, 11);
      g_autofree char *content = NULL;
      g_autoptr(InvolveCertificate) certificate = NULL;
      g_autoptr(InvolveAct) act = NULL;
      g_autoptr(GError) local = NULL;
      g_autofree char *digest = NULL;
      g_autofree char *suffix = NULL;
      g_autofree char *message = NULL;

      if (kind == NULL)
        {
          message = g_strdup_printf (_("A signature is kept for audit entry %" PRId64 ", which is not in the audit log."), id);
          return broken (error, first_broken_id, id, message);
        }
      if (*first_signed == 0)
        *first_signed = id;
      if (der != NULL)
        certificate = involve_certificate_new_from_data (der, &local);
      if (certificate == NULL ||
          g_ascii_strcasecmp (involve_certificate_get_fingerprint (certificate), signer) != 0)
        {
          message = g_strdup_printf (_("Audit entry %" PRId64 " is signed by certificate %s, which the register does not hold intact."),
                                     id, signer);
          return broken (error, first_broken_id, id, message);
        }
      act = involve_act_verify (data, signature, certificate, &local);
      if (act == NULL)
        {
          g_autofree char *who = involve_certificate_dup_description (certificate);

          message = g_strdup_printf (_("The signature of audit entry %" PRId64 " by %s does not verify (%s): the signed act was altered."),
                                     id, who, local->message);
          return broken (error, first_broken_id, id, message);
        }
      digest = involve_act_dup_signature_digest (signature);
      suffix = g_strdup_printf ("[signed by %s; signature sha256 %s]", signer, digest);
      if (details == NULL || !g_str_has_suffix (details, suffix) ||
          g_strcmp0 (entry_kind_for_act (act->act), kind) != 0 ||
          g_strcmp0 (act->record_uuid, record_uuid) != 0 || act->version != version ||
          (act->register_id != NULL && g_strcmp0 (act->register_id, register_id) != 0) ||
          (act->content != NULL) != g_str_equal (kind, INVOLVE_AUDIT_INVOLVEMENT))
        {
          message = g_strdup_printf (_("Audit entry %" PRId64 " does not say what its signed act says: the entry or its signature was swapped."),
                                     id);
          return broken (error, first_broken_id, id, message);
        }
      if (act->content != NULL)
        {
          /* A log entry: the signed hash is that of the entry's text. */
          content = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                   new_value != NULL ? new_value : "", -1);
          if (g_ascii_strcasecmp (content, act->content) != 0)
            {
              message = g_strdup_printf (_("The text of audit entry %" PRId64 " is not the text that was signed: the entry was altered."),
                                         id);
              return broken (error, first_broken_id, id, message);
            }
        }
      if (act->request == NULL)
        {
          /* Signed here: at the entry's time, on the head just before it. */
          if (act->time_usec != time_usec || act->head_count != id - 1 ||
              g_strcmp0 (act->head_hash, prev_hash) != 0)
            {
              message = g_strdup_printf (_("Audit entry %" PRId64 " was signed at another place in the audit log or at another time than it now stands: the log was rewritten."),
                                         id);
              return broken (error, first_broken_id, id, message);
            }
        }
      else
        {
          /* Signed by file: the head it names is that of its request. */
          g_autofree char *hash = act->head_count < id ? hash_of_entry (self, act->head_count) : NULL;

          if (hash == NULL || g_strcmp0 (hash, act->head_hash) != 0)
            {
              message = g_strdup_printf (_("Audit entry %" PRId64 " answers a request made on an audit log this register no longer has: the log was rewritten."),
                                         id);
              return broken (error, first_broken_id, id, message);
            }
        }
    }
  if (rc != SQLITE_DONE)
    {
      _involve_store_set_sqlite_error (self, error, rc, _("Could not verify the register"));
      return FALSE;
    }
  return TRUE;
}

/* Every involvement-log entry since signed acts began is signed. */
static gboolean
verify_involvement_signed (InvolveStore *self,
                           gint64        since,
                           gint64       *first_broken_id,
                           GError      **error)
{
  INTERNAL_AUTO_STMT stmt = NULL;
  int rc;

  stmt = _involve_store_prepare (self,
                                 "SELECT a.id FROM audit a LEFT JOIN audit_signatures s ON s.audit_id = a.id"
                                 " WHERE a.kind = ?1 AND a.id > ?2 AND s.audit_id IS NULL ORDER BY a.id LIMIT 1",
                                 error);
  if (stmt == NULL)
    return FALSE;
  involve_db_bind_text (stmt, 1, INVOLVE_AUDIT_INVOLVEMENT, -1, SQLITE_STATIC);
  involve_db_bind_int64 (stmt, 2, since);
  rc = involve_db_step (stmt);
  if (rc == SQLITE_ROW)
    {
      gint64 id = involve_db_column_int64 (stmt, 0);
      g_autofree char *message =
        g_strdup_printf (_("Involvement-log entry %" PRId64 " in the audit log is not signed: its signature was removed."),
                         id);
      return broken (error, first_broken_id, id, message);
    }
  if (rc != SQLITE_DONE)
    {
      _involve_store_set_sqlite_error (self, error, rc, _("Could not verify the register"));
      return FALSE;
    }
  return TRUE;
}

/* Each trust change was signed by an administrator of its time. */
static gboolean
verify_trust (InvolveStore *self,
              gint64       *first_broken_id,
              GError      **error)
{
  g_autoptr(GHashTable) roles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  INTERNAL_AUTO_STMT stmt = NULL;
  int rc;

  stmt = _involve_store_prepare (self,
                                 "SELECT t.fingerprint, t.roles, t.audit_id, s.data FROM trust t"
                                 " LEFT JOIN audit_signatures s ON s.audit_id = t.audit_id ORDER BY t.id",
                                 error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      const char *fingerprint = column_text (stmt, 0);
      const char *role_text = column_text (stmt, 1);
      gint64 id = involve_db_column_int64 (stmt, 2);
      g_autoptr(GBytes) data = column_bytes (stmt, 3);
      g_autoptr(InvolveAct) act = data != NULL ? involve_act_parse (data, NULL) : NULL;
      g_autofree char *message = NULL;
      guint signer_roles;
      guint new_roles = 0;

      if (act == NULL || g_strcmp0 (act->subject, fingerprint) != 0 ||
          g_strcmp0 (act->roles != NULL ? act->roles : "", role_text) != 0)
        {
          message = g_strdup_printf (_("The trust list gives %s the roles “%s”, but no signed act of audit entry %" PRId64 " says so: the trust list was altered."),
                                     fingerprint, role_text, id);
          return broken (error, first_broken_id, id, message);
        }
      signer_roles = GPOINTER_TO_UINT (g_hash_table_lookup (roles, act->signer));
      if ((signer_roles & INVOLVE_TRUST_ADMINISTER) == 0 &&
          !(g_hash_table_size (roles) == 0 && g_strcmp0 (act->signer, fingerprint) == 0))
        {
          message = g_strdup_printf (_("Audit entry %" PRId64 " changed the trust list, signed by %s, who was not an administrator of the register then."),
                                     id, act->signer);
          return broken (error, first_broken_id, id, message);
        }
      if (*role_text != '\0' && !involve_trust_roles_parse (role_text, &new_roles, NULL))
        new_roles = 0;
      g_hash_table_replace (roles, g_strdup (fingerprint), GUINT_TO_POINTER (new_roles));
    }
  if (rc != SQLITE_DONE)
    {
      _involve_store_set_sqlite_error (self, error, rc, _("Could not verify the register"));
      return FALSE;
    }
  return TRUE;
}

/* When a decision by file should have been recorded: at the reviewer's
 * signed time, as a file records it, or at its entry's time when the
 * entry (hash-chained) carries the team register's note naming that
 * signed time exactly after the decision it logs. */
static gboolean
decided_on_server_clock (InvolveStore         *self,
                         gint64                entry_id,
                         const InvolveAct     *act,
                         const InvolveSignOff *block,
                         const char           *fingerprint,
                         gint64               *decided,
                         GError              **error)
{
  INTERNAL_AUTO_STMT stmt = NULL;
  g_autofree char *rebuilt = NULL;
  g_autofree char *note = NULL;
  g_autofree char *expected = NULL;
  int rc;

  stmt = _involve_store_prepare (self, "SELECT time_usec, details FROM audit WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  involve_db_bind_int64 (stmt, 1, entry_id);
  rc = involve_db_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _involve_store_set_sqlite_error (self, error, rc, _("Could not verify the register"));
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return TRUE;
  rebuilt = _involve_store_format_decision (g_strcmp0 (block->decision, "signed-off") == 0,
                                            block->reviewer_name, block->reviewer_job_title,
                                            block->reviewer_email, block->date, fingerprint,
                                            block->comments);
  note = _involve_store_format_server_clock_note (act->time_usec);
  expected = g_strconcat (rebuilt, note, " [signed by ", NULL);
  if (g_str_has_prefix (column_text (stmt, 1) != NULL ? column_text (stmt, 1) : "", expected))
    *decided = involve_db_column_int64 (stmt, 0);
  return TRUE;
}

/* Every signed-off version has a signed sign-off that matches it. */
static gboolean
verify_decisions (InvolveStore *self,
                  gint64        signed_since,
                  gint64       *first_broken_id,
                  GError      **error)
{
  INTERNAL_AUTO_STMT stmt = NULL;
  int rc;

  stmt = _involve_store_prepare (self,
                                 "SELECT r.uuid, r.reference, v.version, v.fingerprint, v.decision, v.review_comments,"
                                 " v.reviewer_name, v.reviewer_job_title, v.reviewer_email, v.reviewer_team,"
                                 " v.review_date, v.decided_usec, v.reviewer_certificate, v.seal,"
                                 " (SELECT a.id FROM audit a WHERE a.record_uuid = r.uuid AND a.version = v.version"
                                 "   AND a.kind IN ('sign-off', 'return') ORDER BY a.id DESC LIMIT 1),"
                                 " (SELECT a.kind FROM audit a WHERE a.record_uuid = r.uuid AND a.version = v.version"
                                 "   AND a.kind IN ('sign-off', 'return') ORDER BY a.id DESC LIMIT 1),"
                                 " (SELECT s.signer FROM audit a JOIN audit_signatures s ON s.audit_id = a.id"
                                 "   WHERE a.record_uuid = r.uuid AND a.version = v.version AND a.kind = 'submit'"
                                 "   ORDER BY a.id DESC LIMIT 1),"
                                 " (SELECT COUNT (*) FROM audit a WHERE a.record_uuid = r.uuid AND a.kind = 'import')"
                                 " FROM versions v JOIN records r ON r.id = v.record_id"
                                 " WHERE v.status IN ('signed-off', 'superseded') ORDER BY r.id, v.version",
                                 error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      const char *uuid = column_text (stmt, 0);
      const char *reference = column_text (stmt, 1);
      guint version = (guint) involve_db_column_int64 (stmt, 2);
      gint64 entry_id = involve_db_column_int64 (stmt, 14);
      const char *entry_kind = column_text (stmt, 15);
      const char *submitter = column_text (stmt, 16);
      gboolean imported = involve_db_column_int64 (stmt, 17) > 0;
      g_autofree char *message = NULL;
      INTERNAL_AUTO_STMT sig = NULL;
      g_autoptr(GBytes) data = NULL;
      g_autoptr(InvolveAct) act = NULL;
      g_autoptr(InvolveRecord) record = NULL;
      g_autoptr(InvolveSignOff) block = NULL;
      g_autofree char *seal = NULL;
      gint64 decided = 0;

      if (entry_kind == NULL)
        {
          /* Versions imported from another register were signed there. */
          if (imported)
            continue;
          message = g_strdup_printf (_("%s version %u is marked signed off, but the audit log holds no sign-off for it: its status was changed behind the register’s back."),
                                     reference, version);
          return broken (error, first_broken_id, 0, message);
        }
      if (!g_str_equal (entry_kind, INVOLVE_AUDIT_SIGN_OFF))
        {
          message = g_strdup_printf (_("%s version %u is marked signed off, but its last decision in the audit log (entry %" PRId64 ") returned it: its status was changed behind the register’s back."),
                                     reference, version, entry_id);
          return broken (error, first_broken_id, entry_id, message);
        }

      sig = _involve_store_prepare (self, "SELECT data FROM audit_signatures WHERE audit_id = ?1", error);
      if (sig == NULL)
        return FALSE;
      involve_db_bind_int64 (sig, 1, entry_id);
      if (involve_db_step (sig) == SQLITE_ROW)
        data = column_bytes (sig, 0);
      if (data == NULL)
        {
          /* Registers from before signed acts keep their unsigned ones. */
          if (entry_id <= signed_since)
            continue;
          message = g_strdup_printf (_("The sign-off of %s version %u (audit entry %" PRId64 ") is not signed: it was not made by a reviewer’s key."),
                                     reference, version, entry_id);
          return broken (error, first_broken_id, entry_id, message);
        }
      act = involve_act_parse (data, NULL);
      decided = act != NULL ? act->time_usec : 0;
      block = involve_sign_off_new ();
      block->decision = g_strdup (column_text (stmt, 4));
      block->comments = g_strdup (column_text (stmt, 5));
      block->reviewer_name = g_strdup (column_text (stmt, 6));
      block->reviewer_job_title = g_strdup (column_text (stmt, 7));
      block->reviewer_email = g_strdup (column_text (stmt, 8));
      block->reviewer_team = g_strdup (column_text (stmt, 9));
      block->date = g_strdup (column_text (stmt, 10));
      block->decided_at_usec = involve_db_column_int64 (stmt, 11);
      if (act != NULL && act->request != NULL &&
          !decided_on_server_clock (self, entry_id, act, block, column_text (stmt, 3), &decided, error))
        return FALSE;
      if (act == NULL ||
          g_strcmp0 (act->fingerprint, column_text (stmt, 3)) != 0 ||
          g_strcmp0 (act->decision, block->decision) != 0 ||
          g_strcmp0 (act->comments, block->comments) != 0 ||
          g_strcmp0 (act->reviewer_name, block->reviewer_name) != 0 ||
          g_strcmp0 (act->reviewer_job_title, block->reviewer_job_title) != 0 ||
          g_strcmp0 (act->reviewer_email, block->reviewer_email) != 0 ||
          g_strcmp0 (act->reviewer_team, block->reviewer_team) != 0 ||
          g_strcmp0 (act->review_date, block->date) != 0 ||
          g_strcmp0 (act->signer, column_text (stmt, 12)) != 0 ||
          decided != block->decided_at_usec)
        {
          message = g_strdup_printf (_("The sign-off block of %s version %u no longer matches the reviewer’s signed decision (audit entry %" PRId64 "): it was altered."),
                                     reference, version, entry_id);
          return broken (error, first_broken_id, entry_id, message);
        }
      if (submitter != NULL && g_strcmp0 (submitter, act->signer) == 0)
        {
          message = g_strdup_printf (_("%s version %u was signed off with the key that submitted it (audit entry %" PRId64 "): the completer signed off their own work."),
                                     reference, version, entry_id);
          return broken (error, first_broken_id, entry_id, message);
        }
      record = _involve_store_load_for_signing (self, uuid, version, error);
      if (record == NULL)
        return FALSE;
      seal = involve_fingerprint_compute_sealed (record, block, act->signer);
      if (g_strcmp0 (seal, column_text (stmt, 13)) != 0)
        {
          message = g_strdup_printf (_("%s version %u no longer gives the seal it was signed off with (audit entry %" PRId64 "): its answers or sign-off block were changed."),
                                     reference, version, entry_id);
          return broken (error, first_broken_id, entry_id, message);
        }
    }
  if (rc != SQLITE_DONE)
    {
      _involve_store_set_sqlite_error (self, error, rc, _("Could not verify the register"));
      return FALSE;
    }
  return TRUE;
}

gboolean
_involve_store_verify_signatures (InvolveStore *self,
                                  gint64       *first_broken_id,
                                  GError      **error)
{
  g_autofree char *register_id = NULL;
  g_autofree char *since_text = NULL;
  gint64 since = 0, first_signed = 0;

  {
    INTERNAL_AUTO_STMT meta = _involve_store_prepare (self, "SELECT key, value FROM meta"
                                                      " WHERE key IN ('register-id', 'signed-acts-since')",
                                                      error);
    if (meta == NULL)
      return FALSE;
    while (involve_db_step (meta) == SQLITE_ROW)
      {
        if (g_strcmp0 (column_text (meta, 0), "register-id") == 0)
          register_id = g_strdup (column_text (meta, 1));
        else
          since_text = g_strdup (column_text (meta, 1));
      }
  }
  if (since_text == NULL || !g_ascii_string_to_signed (since_text, 10, 0, G_MAXINT64, &since, NULL))
    return broken (error, first_broken_id, 0,
                   _("The register no longer records from when its acts are signed: it was altered."));

  if (!verify_entries (self, register_id, &first_signed, first_broken_id, error) ||
      !verify_trust (self, first_broken_id, error) ||
      !verify_involvement_signed (self, since, first_broken_id, error))
    return FALSE;
  /* Unsigned decisions are only believed before the first signed entry. */
  if (first_signed > 0 && first_signed - 1 < since)
    since = first_signed - 1;
  return verify_decisions (self, since, first_broken_id, error);
}
