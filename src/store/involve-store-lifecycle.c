/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include "involve-store-rooms.h"

/*
 * The life cycle: recall, reopen, withdraw, submit, sign off or return, and
 * amend, each a signed act where the law needs one, and the hooks into the
 * assessment engine.
 */

/*
 * The assessment core: submitting runs involve_validate_record (), and
 * every change refreshes the outcome the three-step test derives (kept in
 * the version and records rows so lists can filter on it).  Tests can
 * replace both with involve_store_set_engine_hooks ().
 */
static GPtrArray *
builtin_validate (InvolveRecord *record,
                  GError       **error)
{
  InvolveDefinitions *defs = involve_definitions_get_default (error);

  if (defs == NULL)
    return NULL;
  return involve_validate_record (defs, record);
}

static char *
builtin_outcome (InvolveRecord *record)
{
  InvolveDefinitions *defs = involve_definitions_get_default (NULL);
  g_autoptr(InvolveAssessment) assessment = NULL;

  if (defs == NULL)
    return NULL;
  /* Incomplete or contradictory answers: no outcome yet. */
  assessment = involve_assess_record (record, defs, NULL);
  if (assessment == NULL)
    return NULL;
  return g_strdup (involve_assessment_get_outcome_string (assessment));
}

static InvolveStoreValidateFunc validate_hook = builtin_validate;
static InvolveStoreOutcomeFunc outcome_hook = builtin_outcome;

char *
_involve_store_compute_outcome (InvolveRecord *record)
{
  return outcome_hook (record);
}

void
involve_store_set_engine_hooks (InvolveStoreValidateFunc validate,
                                InvolveStoreOutcomeFunc  outcome)
{
  validate_hook = validate != NULL ? validate : builtin_validate;
  outcome_hook = outcome != NULL ? outcome : builtin_outcome;
}

/* The life cycle */

static gboolean
lifecycle_error (GError **error,
                 GError  *lifecycle)
{
  g_propagate_error (error, lifecycle);
  return FALSE;
}

/* Moves @row to @to, logs it; inside the caller's transaction. */
static gboolean
update_status (InvolveStore  *self,
               VersionRow    *row,
               InvolveStatus  to,
               const char    *reason,
               gint64         now,
               GError       **error)
{
  const char *doing = _("Could not change the status");
  g_autofree char *details = NULL;
  AUTO_STMT version_stmt = NULL;
  AUTO_STMT record_stmt = NULL;
  AuditEvent event = { INVOLVE_AUDIT_STATUS, row->uuid, row->version, NULL,
                       involve_status_to_string (row->status), involve_status_to_string (to), NULL };

  version_stmt = prepare (self,
                          "UPDATE versions SET status = ?2, status_reason = COALESCE (?3, status_reason),"
                          " modified_usec = ?4 WHERE id = ?1",
                          error);
  record_stmt = prepare (self,
                         "UPDATE records SET status = ?2, modified_usec = MAX (modified_usec, ?3)"
                         " WHERE id = ?1 AND latest_version = ?4",
                         error);
  if (version_stmt == NULL || record_stmt == NULL)
    return FALSE;

  involve_db_bind_int64 (version_stmt, 1, row->version_id);
  bind_text (version_stmt, 2, involve_status_to_string (to));
  bind_text (version_stmt, 3, reason);
  involve_db_bind_int64 (version_stmt, 4, now);
  if (!step_done (self, version_stmt, doing, error))
    return FALSE;

  involve_db_bind_int64 (record_stmt, 1, row->record_id);
  bind_text (record_stmt, 2, involve_status_to_string (to));
  involve_db_bind_int64 (record_stmt, 3, now);
  involve_db_bind_int64 (record_stmt, 4, row->version);
  if (!step_done (self, record_stmt, doing, error))
    return FALSE;

  details = g_strdup_printf ("%s -> %s%s%s", involve_status_to_string (row->status),
                             involve_status_to_string (to),
                             reason != NULL ? ": " : "", reason != NULL ? reason : "");
  event.details = details;
  if (!_involve_store_append_event (self, &event, now, NULL, error))
    return FALSE;

  row->status = to;
  return TRUE;
}

/* recall, reopen and withdraw: a status change and nothing else. */
static gboolean
simple_transition (InvolveStore      *self,
                   const char        *uuid,
                   InvolveTransition  transition,
                   const char        *reason,
                   GError           **error)
{
  STORE_LOCK (self);
  g_auto(VersionRow) row = { 0 };
  GError *lifecycle = NULL;
  InvolveStatus to;
  gint64 now = 0;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!txn_begin (self, error))
    return FALSE;
  if (!_involve_store_fetch_version (self, uuid, 0, &row, error))
    goto fail;
  if (!involve_lifecycle_apply (row.status, transition, reason, &to, &lifecycle))
    {
      lifecycle_error (error, lifecycle);
      goto fail;
    }
  if (!_involve_store_now_usec (self, &now, error) ||
      !update_status (self, &row, to, transition == INVOLVE_TRANSITION_WITHDRAW ? reason : NULL, now, error) ||
      !txn_commit (self, error))
    goto fail;
  return TRUE;

fail:
  txn_rollback (self);
  return FALSE;
}

gboolean
involve_store_recall (InvolveStore *self,
                      const char   *uuid,
                      GError      **error)
{
  return simple_transition (self, uuid, INVOLVE_TRANSITION_RECALL, NULL, error);
}

gboolean
involve_store_reopen (InvolveStore *self,
                      const char   *uuid,
                      GError      **error)
{
  return simple_transition (self, uuid, INVOLVE_TRANSITION_REOPEN, NULL, error);
}

gboolean
involve_store_withdraw (InvolveStore *self,
                        const char   *uuid,
                        const char   *reason,
                        GError      **error)
{
  return simple_transition (self, uuid, INVOLVE_TRANSITION_WITHDRAW, reason, error);
}

/* Whether @certificate holds @role.  Not holding it is a refusal, which
 * the caller records in the audit log; a register that cannot be read or
 * written (a full disk while the first key is made administrator) is an
 * ordinary error in @error, reported as it is and recorded nowhere. */
static gboolean
check_role (InvolveStore        *self,
            InvolveCertificate  *certificate,
            guint                role,
            GError             **refusal,
            GError             **error)
{
  g_autoptr(GError) local = NULL;

  if (_involve_store_check_role (self, certificate, role, &local))
    return TRUE;
  if (g_error_matches (local, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_UNTRUSTED))
    g_propagate_error (refusal, g_steal_pointer (&local));
  else
    g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

gboolean
involve_store_submit (InvolveStore *self,
                      const char   *uuid,
                      GPtrArray   **problems,
                      GError      **error)
{
  STORE_LOCK (self);
  g_auto(VersionRow) row = { 0 };
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *details = NULL;
  g_autoptr(InvolveAct) act = NULL;
  g_autoptr(GError) refusal = NULL;
  InvolveIdentity *identity;
  InvolveCertificate *certificate = NULL;
  GError *lifecycle = NULL;
  AUTO_STMT stmt = NULL;
  gint64 now = 0;
  InvolveStatus to;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (problems != NULL)
    *problems = NULL;

  if (!txn_begin (self, error))
    return FALSE;
  if (!_involve_store_now_usec (self, &now, error) ||
      !_involve_store_fetch_version (self, uuid, 0, &row, error))
    goto fail;
  if (!involve_lifecycle_apply (row.status, INVOLVE_TRANSITION_SUBMIT, NULL, &to, &lifecycle))
    {
      lifecycle_error (error, lifecycle);
      goto fail;
    }

  record = _involve_store_record_from_row (self, &row, error);
  if (record == NULL)
    goto fail;

  found = validate_hook (record, error);
  if (found == NULL)
    goto fail;
  if (found->len > 0)
    {
      g_autofree char *message =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%s is not ready for sign-off: %u answer is missing or needs attention.",
                                      "%s is not ready for sign-off: %u answers are missing or need attention.",
                                      found->len),
                         row.reference, found->len);
      if (validate_hook == builtin_validate)
        {
          g_autoptr(GString) list = g_string_new (message);

          for (guint i = 0; i < found->len && i < 10; i++)
            g_string_append_printf (list, "\n• %s", ((InvolveProblem *) found->pdata[i])->message);
          if (found->len > 10)
            g_string_append (list, "\n• …");
          g_free (message);
          message = g_string_free (g_steal_pointer (&list), FALSE);
        }
      set_error_code (error, INVOLVE_STORE_ERROR_INCOMPLETE, 0, message);
      if (problems != NULL)
        *problems = g_steal_pointer (&found);
      goto fail;
    }

  fingerprint = involve_fingerprint_compute (record);

  /* The completer signs what they submit, with a key trusted to complete. */
  identity = _involve_store_require_identity (self, _("Submitting for sign-off"), error);
  if (identity == NULL)
    goto fail;
  certificate = involve_identity_get_certificate (identity);
  if (!check_role (self, certificate, INVOLVE_TRUST_COMPLETE, &refusal, error))
    goto fail;
  act = involve_act_new (INVOLVE_ACT_SUBMIT);
  act->record_uuid = g_strdup (row.uuid);
  act->reference = g_strdup (row.reference);
  act->version = row.version;
  act->fingerprint = g_strdup (fingerprint);
  details = g_strdup_printf ("submitted %s version %u, fingerprint %s", row.reference, row.version, fingerprint);

  stmt = prepare (self,
                  "UPDATE versions SET fingerprint = ?2, submitted_account = ?3, submitted_profile = ?4,"
                  " submitter_certificate = ?5 WHERE id = ?1",
                  error);
  if (stmt == NULL)
    goto fail;
  involve_db_bind_int64 (stmt, 1, row.version_id);
  bind_text (stmt, 2, fingerprint);
  bind_text (stmt, 3, self->os_account);
  bind_text (stmt, 4, self->profile_name);
  bind_text (stmt, 5, involve_certificate_get_fingerprint (certificate));
  if (!step_done (self, stmt, _("Could not submit the record"), error) ||
      !_involve_store_append_signed (self, act, NULL, NULL, NULL, INVOLVE_AUDIT_SUBMIT,
                                     fingerprint, details, now, NULL, error) ||
      !update_status (self, &row, to, NULL, now, error) ||
      !txn_commit (self, error))
    goto fail;
  return TRUE;

fail:
  txn_rollback (self);
  if (refusal != NULL)
    {
      _involve_store_log_refusal (self, row.uuid, row.version, certificate, refusal);
      g_propagate_error (error, g_steal_pointer (&refusal));
    }
  return FALSE;
}

char *
_involve_store_today_utc (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%d");
}

static char *
dup_submitter_certificate (InvolveStore *self,
                           gint64        version_id,
                           GError      **error)
{
  AUTO_STMT stmt = prepare (self, "SELECT submitter_certificate FROM versions WHERE id = ?1", error);

  if (stmt == NULL)
    return NULL;
  involve_db_bind_int64 (stmt, 1, version_id);
  if (involve_db_step (stmt) != SQLITE_ROW)
    return NULL;
  return column_dup (stmt, 0);
}

/* On a team register whoever applies a response file writes the decision,
 * so the server holds that login to a reviewer's rules. */
static gboolean
refused_by_server (GError **error)
{
  g_autofree char *message = NULL;

  if (!g_error_matches (*error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_UNTRUSTED))
    return FALSE;
  message = g_strdup_printf (_("On a team register the decision is written by whoever applies the response file, "
                               "so a reviewer of the register who did not submit the record must apply it "
                               "with their own login. It was not applied. (%s)"),
                             (*error)->message);
  g_free ((*error)->message);
  (*error)->message = g_steal_pointer (&message);
  return TRUE;
}

/* Sign off or return, from this register or from a response file. */
static gboolean
decide (InvolveStore         *self,
        const char           *uuid,
        guint                 version,
        const char           *expected_fingerprint,
        const InvolveSignOff *input,
        gboolean              signing,
        gboolean              check_account,
        GBytes               *signed_data,
        GBytes               *signature,
        InvolveCertificate   *response_certificate,
        GError              **error)
{
  const char *doing = signing ? _("Could not sign off the record") : _("Could not return the record");
  g_auto(VersionRow) row = { 0 };
  g_autoptr(InvolveRecord) record = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *date = NULL;
  g_autofree char *details = NULL;
  GError *lifecycle = NULL;
  AUTO_STMT stmt = NULL;
  gint64 now = 0;
  InvolveStatus to;
  g_autoptr(InvolveSignOff) block = NULL;
  g_autoptr(InvolveAct) act = NULL;
  g_autoptr(GError) refusal = NULL;
  g_autofree char *submitter = NULL;
  g_autofree char *seal = NULL;
  InvolveCertificate *certificate = response_certificate;
  gint64 decided;
  gint64 signed_at;
  gboolean by_file;

  /* The reviewer signs: here with the unlocked key, by file in the response. */
  if (certificate == NULL)
    {
      InvolveIdentity *identity =
        _involve_store_require_identity (self, signing ? _("Signing off") : _("Returning a record"), error);

      if (identity == NULL)
        return FALSE;
      certificate = involve_identity_get_certificate (identity);
    }

  if (!txn_begin (self, error))
    return FALSE;
  if (!_involve_store_now_usec (self, &now, error) ||
      !_involve_store_fetch_version (self, uuid, 0, &row, error))
    goto fail;

  if (version != 0 && version != row.version)
    {
      g_autofree char *message =
        g_strdup_printf (_("The response is for %s version %u, but the record is now at version %u. It was not applied."),
                         row.reference, version, row.version);
      set_error_code (error, INVOLVE_STORE_ERROR_FINGERPRINT_MISMATCH, 0, message);
      goto fail;
    }

  if (!involve_lifecycle_apply (row.status, signing ? INVOLVE_TRANSITION_SIGN_OFF : INVOLVE_TRANSITION_RETURN,
                                input->comments, &to, &lifecycle))
    {
      lifecycle_error (error, lifecycle);
      goto fail;
    }

  record = _involve_store_record_from_row (self, &row, error);
  if (record == NULL)
    goto fail;
  fingerprint = involve_fingerprint_compute (record);

  if (!involve_fingerprint_equal (fingerprint, row.fingerprint))
    {
      g_autofree char *message =
        g_strdup_printf (_("The content of %s version %u no longer matches the fingerprint it was submitted with; run “verify” on the register."),
                         row.reference, row.version);
      set_error_code (error, INVOLVE_STORE_ERROR_TAMPERED, 0, message);
      goto fail;
    }
  if (expected_fingerprint != NULL && !involve_fingerprint_equal (expected_fingerprint, fingerprint))
    {
      g_autofree char *message =
        g_strdup_printf (_("The response was made for other content (fingerprint %s) than %s version %u holds (fingerprint %s). It was not applied; send the reviewer a new sign-off request."),
                         expected_fingerprint, row.reference, row.version, fingerprint);
      set_error_code (error, INVOLVE_STORE_ERROR_FINGERPRINT_MISMATCH, 0, message);
      goto fail;
    }

  /* Only a key trusted to sign off decides, and never the completer's:
   * a different person is a different key, whatever names are typed. */
  if (!check_role (self, certificate, INVOLVE_TRUST_SIGN_OFF, &refusal, error))
    goto fail;
  submitter = dup_submitter_certificate (self, row.version_id, error);
  if (submitter == NULL && error != NULL && *error != NULL)
    goto fail;
  if (signing && submitter != NULL &&
      g_ascii_strcasecmp (submitter, involve_certificate_get_fingerprint (certificate)) == 0)
    {
      g_set_error (&refusal, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_SAME_PERSON,
                   _("%s was submitted with this same signing key, so its holder cannot also sign it off, whatever name is given: a different senior reviewer must sign it off with their own key."),
                   row.reference);
      goto fail;
    }

  /* The reviewer's name and e-mail are those of their certificate. */
  block = involve_sign_off_copy (input);
  if (involve_certificate_get_name (certificate) != NULL)
    {
      g_free (block->reviewer_name);
      block->reviewer_name = g_strdup (involve_certificate_get_name (certificate));
    }
  if (involve_certificate_get_email (certificate) != NULL)
    {
      g_free (block->reviewer_email);
      block->reviewer_email = g_strdup (involve_certificate_get_email (certificate));
    }
  input = block;

  /* Only signing off needs a different person; anybody named may return. */
  if (signing && !involve_lifecycle_check_reviewer (record, input, &lifecycle))
    {
      lifecycle_error (error, lifecycle);
      goto fail;
    }
  if (!signing && (input->reviewer_name == NULL || _involve_store_nonblank (input->reviewer_name) == NULL))
    {
      g_set_error_literal (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_REVIEWER_REQUIRED,
                           _("The reviewer’s name is required. Set your name in your profile."));
      goto fail;
    }
  if (signing && check_account &&
      g_strcmp0 (self->os_account, row.submitted_account) == 0 &&
      g_strcmp0 (self->profile_name, row.submitted_profile) == 0)
    {
      g_set_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_SAME_PERSON,
                   _("You submitted %s for sign-off, so you cannot sign it off yourself. A different senior reviewer must sign it off."),
                   row.reference);
      goto fail;
    }

  date = input->date != NULL && *input->date != '\0' ? g_strdup (input->date) : _involve_store_today_utc ();
  /* By file, the reviewer decided on their own desktop, earlier, and a
   * file keeps that time.  A team register records every decision at its
   * own time, by whoever applies the file; the reviewer's time stays in
   * their signed act, and the entry says it. */
  by_file = expected_fingerprint != NULL && input->decided_at_usec > 0;
  signed_at = input->decided_at_usec;
  decided = by_file && !self->is_server ? signed_at : now;
  g_free (block->date);
  block->date = g_strdup (date);
  g_free (block->decision);
  block->decision = g_strdup (signing ? "signed-off" : "returned");
  g_free (block->fingerprint);
  block->fingerprint = g_strdup (fingerprint);
  block->decided_at_usec = decided;
  seal = involve_fingerprint_compute_sealed (record, block, involve_certificate_get_fingerprint (certificate));

  stmt = prepare (self,
                  "UPDATE versions SET reviewer_name = ?2, reviewer_job_title = ?3, reviewer_email = ?4,"
                  " reviewer_team = ?5, review_date = ?6, decision = ?7, review_comments = ?8,"
                  " decided_fingerprint = ?9, decided_usec = ?10, reviewer_certificate = ?11,"
                  " fingerprint_format = ?12, seal = ?13 WHERE id = ?1",
                  error);
  if (stmt == NULL)
    goto fail;
  involve_db_bind_int64 (stmt, 1, row.version_id);
  bind_text (stmt, 2, input->reviewer_name);
  bind_text (stmt, 3, input->reviewer_job_title);
  bind_text (stmt, 4, input->reviewer_email);
  bind_text (stmt, 5, input->reviewer_team);
  bind_text (stmt, 6, date);
  bind_text (stmt, 7, signing ? "signed-off" : "returned");
  bind_text (stmt, 8, input->comments);
  bind_text (stmt, 9, fingerprint);
  involve_db_bind_int64 (stmt, 10, decided);
  bind_text (stmt, 11, involve_certificate_get_fingerprint (certificate));
  bind_text (stmt, 12, INVOLVE_FINGERPRINT_FORMAT_SEALED);
  bind_text (stmt, 13, seal);
  if (!step_done (self, stmt, doing, &refusal))
    {
      /* The server's refusal is recorded like the register's own. */
      if (!by_file || !self->is_server || !refused_by_server (&refusal))
        g_propagate_error (error, g_steal_pointer (&refusal));
      goto fail;
    }

  details = _involve_store_format_decision (signing, input->reviewer_name, input->reviewer_job_title,
                                            input->reviewer_email, date, fingerprint, input->comments);
  if (by_file && self->is_server)
    {
      g_autofree char *note = _involve_store_format_server_clock_note (signed_at);
      char *noted = g_strconcat (details, note, NULL);

      g_free (details);
      details = noted;
    }
  act = involve_act_new (signing ? INVOLVE_ACT_SIGN_OFF : INVOLVE_ACT_RETURN);
  act->record_uuid = g_strdup (row.uuid);
  act->reference = g_strdup (row.reference);
  act->version = row.version;
  act->fingerprint = g_strdup (fingerprint);
  act->decision = g_strdup (block->decision);
  act->comments = g_strdup (block->comments);
  act->reviewer_name = g_strdup (block->reviewer_name);
  act->reviewer_job_title = g_strdup (block->reviewer_job_title);
  act->reviewer_email = g_strdup (block->reviewer_email);
  act->reviewer_team = g_strdup (block->reviewer_team);
  act->review_date = g_strdup (block->date);
  if (!_involve_store_append_signed (self, act, signed_data, signature, certificate,
                                     signing ? INVOLVE_AUDIT_SIGN_OFF : INVOLVE_AUDIT_RETURN,
                                     fingerprint, details, now, NULL, error) ||
      !update_status (self, &row, to, NULL, now, error))
    goto fail;

  /* The amendment is signed: the version it replaces is superseded. */
  if (signing)
    {
      g_autoptr(GArray) older = g_array_new (FALSE, FALSE, sizeof (guint));
      AUTO_STMT find = prepare (self,
                                "SELECT version FROM versions WHERE record_id = ?1 AND version < ?2"
                                " AND status = 'signed-off' ORDER BY version",
                                error);
      int rc;

      if (find == NULL)
        goto fail;
      involve_db_bind_int64 (find, 1, row.record_id);
      involve_db_bind_int64 (find, 2, row.version);
      while ((rc = involve_db_step (find)) == SQLITE_ROW)
        {
          guint v = (guint) involve_db_column_int64 (find, 0);
          g_array_append_val (older, v);
        }
      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (self, error, rc, doing);
          goto fail;
        }
      for (guint i = 0; i < older->len; i++)
        {
          g_auto(VersionRow) old_row = { 0 };

          if (!_involve_store_fetch_version (self, uuid, g_array_index (older, guint, i), &old_row, error) ||
              !update_status (self, &old_row, INVOLVE_STATUS_SUPERSEDED, NULL, now, error))
            goto fail;
        }
    }

  if (!txn_commit (self, error))
    goto fail;
  return TRUE;

fail:
  txn_rollback (self);
  if (refusal != NULL)
    {
      _involve_store_log_refusal (self, row.uuid, row.version, certificate, refusal);
      g_propagate_error (error, g_steal_pointer (&refusal));
    }
  return FALSE;
}

gboolean
involve_store_sign_off (InvolveStore         *self,
                        const char           *uuid,
                        const InvolveSignOff *sign_off,
                        GError              **error)
{
  STORE_LOCK (self);
  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);
  g_return_val_if_fail (sign_off != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return decide (self, uuid, 0, NULL, sign_off, TRUE, TRUE, NULL, NULL, NULL, error);
}

gboolean
involve_store_return (InvolveStore         *self,
                      const char           *uuid,
                      const InvolveSignOff *review,
                      GError              **error)
{
  STORE_LOCK (self);
  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);
  g_return_val_if_fail (review != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return decide (self, uuid, 0, NULL, review, FALSE, FALSE, NULL, NULL, NULL, error);
}

gboolean
involve_store_apply_sign_off (InvolveStore         *self,
                              const char           *uuid,
                              guint                 version,
                              const char           *expected_fingerprint,
                              const InvolveSignOff *sign_off,
                              GError              **error)
{
  STORE_LOCK (self);
  gboolean signing;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);
  g_return_val_if_fail (version > 0, FALSE);
  g_return_val_if_fail (sign_off != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!involve_fingerprint_is_valid (expected_fingerprint))
    {
      set_error_code (error, INVOLVE_STORE_ERROR_FINGERPRINT_MISMATCH, 0,
                      _("The response does not carry a valid fingerprint (64 hexadecimal digits). It was not applied."));
      return FALSE;
    }
  if (g_strcmp0 (sign_off->decision, "signed-off") == 0)
    signing = TRUE;
  else if (g_strcmp0 (sign_off->decision, "returned") == 0)
    signing = FALSE;
  else
    {
      g_autofree char *message =
        g_strdup_printf (_("The response’s decision “%s” is neither “signed-off” nor “returned”. It was not applied."),
                         sign_off->decision ? sign_off->decision : "");
      set_error_code (error, INVOLVE_STORE_ERROR_INVALID, 0, message);
      return FALSE;
    }

  /* Anybody can write a response file naming any reviewer: only a signed
   * one counts (involve_store_apply_signed_response ()). */
  set_error_code (error, INVOLVE_STORE_ERROR_BAD_SIGNATURE, 0,
                  signing ? _("The response is not signed by the reviewer, so it cannot prove who signed off. It was not applied; ask the reviewer to sign their decision with their key.")
                          : _("The response is not signed by the reviewer, so it cannot prove who returned the record. It was not applied; ask the reviewer to sign their decision with their key."));
  return FALSE;
}

gboolean
_involve_store_decide_signed (InvolveStore         *self,
                              const char           *uuid,
                              guint                 version,
                              const char           *expected_fingerprint,
                              const InvolveSignOff *sign_off,
                              GBytes               *signed_data,
                              GBytes               *signature,
                              InvolveCertificate   *certificate,
                              GError              **error)
{
  STORE_LOCK (self);

  return decide (self, uuid, version, expected_fingerprint, sign_off,
                 g_strcmp0 (sign_off->decision, "signed-off") == 0, FALSE,
                 signed_data, signature, certificate, error);
}

guint
involve_store_amend (InvolveStore *self,
                     const char   *uuid,
                     const char   *reason,
                     GError      **error)
{
  STORE_LOCK (self);
  const char *doing = _("Could not amend the record");
  g_auto(VersionRow) row = { 0 };
  GError *lifecycle = NULL;
  AUTO_STMT copy = NULL;
  AUTO_STMT latest = NULL;
  gint64 now = 0;
  gint64 version_id = 0;
  guint next;
  InvolveStatus to;
  AuditEvent event = { INVOLVE_AUDIT_AMEND };

  g_return_val_if_fail (INVOLVE_IS_STORE (self), 0);
  g_return_val_if_fail (uuid != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (!txn_begin (self, error))
    return 0;
  if (!_involve_store_now_usec (self, &now, error) ||
      !_involve_store_fetch_version (self, uuid, 0, &row, error))
    goto fail;
  if (!involve_lifecycle_apply (row.status, INVOLVE_TRANSITION_AMEND, reason, &to, &lifecycle))
    {
      lifecycle_error (error, lifecycle);
      goto fail;
    }

  next = row.version + 1;
  if (!_involve_store_insert_version_row (self, row.record_id, next, to, reason, now, &version_id, error))
    goto fail;

  copy = prepare (self,
                  "INSERT INTO field_values (version_id, field_id, value, modified_usec, audit_id)"
                  " SELECT ?2, field_id, value, modified_usec, audit_id FROM field_values WHERE version_id = ?1",
                  error);
  latest = prepare (self,
                    "UPDATE records SET latest_version = ?2, status = ?3, modified_usec = ?4 WHERE id = ?1",
                    error);
  if (copy == NULL || latest == NULL)
    goto fail;
  involve_db_bind_int64 (copy, 1, row.version_id);
  involve_db_bind_int64 (copy, 2, version_id);
  if (!step_done (self, copy, doing, error))
    goto fail;
  {
    AUTO_STMT outcome = prepare (self,
                                 "UPDATE versions SET outcome = (SELECT outcome FROM versions WHERE id = ?1)"
                                 " WHERE id = ?2",
                                 error);
    if (outcome == NULL)
      goto fail;
    involve_db_bind_int64 (outcome, 1, row.version_id);
    involve_db_bind_int64 (outcome, 2, version_id);
    if (!step_done (self, outcome, doing, error))
      goto fail;
  }
  involve_db_bind_int64 (latest, 1, row.record_id);
  involve_db_bind_int64 (latest, 2, next);
  bind_text (latest, 3, involve_status_to_string (to));
  involve_db_bind_int64 (latest, 4, now);
  if (!step_done (self, latest, doing, error))
    goto fail;

  event.record_uuid = row.uuid;
  event.version = next;
  event.details = reason;
  if (!_involve_store_append_event (self, &event, now, NULL, error))
    goto fail;

  if (!txn_commit (self, error))
    goto fail;
  return next;

fail:
  txn_rollback (self);
  return 0;
}
