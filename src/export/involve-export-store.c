/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-export-store"

#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>

#include "involve-export-heads.h"
#include "involve-export-store.h"
#include "involve-store-trust.h"
#include "involve-fingerprint.h"
#include "involve-pdf-sign.h"
#include "involve-store-trust.h"

InvolveExchangeRecord *
involve_export_collect_record (InvolveStore  *store,
                               const char    *uuid,
                               GError       **error)
{
  g_autoptr(InvolveExchangeRecord) record = involve_exchange_record_new ();
  g_autoptr(GPtrArray) infos = NULL;

  g_return_val_if_fail (INVOLVE_IS_STORE (store), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  infos = involve_store_list_versions (store, uuid, error);
  if (infos == NULL)
    return NULL;

  for (guint i = 0; i < infos->len; i++)
    {
      const InvolveVersionInfo *info = g_ptr_array_index (infos, i);
      g_autoptr(InvolveRecord) version = involve_store_load_record (store, uuid, info->version, error);

      if (version == NULL)
        return NULL;
      involve_exchange_record_add_version (record, version);
    }

  g_clear_pointer (&record->audit, g_ptr_array_unref);
  record->audit = involve_store_list_audit (store, uuid, error);
  if (record->audit == NULL)
    return NULL;

  g_clear_pointer (&record->imported_trails, g_ptr_array_unref);
  record->imported_trails = involve_store_list_imported_trails (store, uuid, error);
  if (record->imported_trails == NULL)
    return NULL;

  return g_steal_pointer (&record);
}

InvolveEvidenceDocument *
involve_export_evidence_document (InvolveStore        *store,
                                  InvolveDefinitions  *definitions,
                                  const char          *uuid,
                                  guint                version,
                                  InvolveEvidenceKind  kind,
                                  GError             **error)
{
  g_autoptr(InvolveExchangeRecord) history = NULL;
  g_autoptr(InvolveEvidenceDocument) document = NULL;
  g_autoptr(GPtrArray) fingerprints = NULL;
  g_autofree char *fingerprint = NULL;
  InvolveRecord *record = NULL;

  g_return_val_if_fail (INVOLVE_IS_STORE (store), NULL);
  g_return_val_if_fail (INVOLVE_IS_DEFINITIONS (definitions), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  history = involve_export_collect_record (store, uuid, error);
  if (history == NULL)
    return NULL;

  if (version == 0)
    version = history->versions->len;
  for (guint i = 0; i < history->versions->len; i++)
    {
      InvolveRecord *candidate = g_ptr_array_index (history->versions, i);

      if (involve_record_get_version (candidate) == version)
        record = candidate;
    }
  if (record == NULL)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_NOT_FOUND,
                   _("The record has no version %u."), version);
      return NULL;
    }

  /* Borrowed strings, NULL-terminated. */
  fingerprints = g_ptr_array_new ();
  for (guint i = 0; i < history->fingerprints->len; i++)
    g_ptr_array_add (fingerprints, g_ptr_array_index (history->fingerprints, i));
  g_ptr_array_add (fingerprints, NULL);

  document = involve_evidence_document_new (definitions, record, kind);
  fingerprint = involve_fingerprint_compute (record);
  involve_evidence_document_set_fingerprint (document, fingerprint);
  involve_evidence_document_derive_assessment (document);
  involve_evidence_document_set_history (document, history->versions,
                                         (const char * const *) fingerprints->pdata);
  involve_evidence_document_set_audit (document, history->audit);
  involve_evidence_document_set_imported_trails (document, history->imported_trails);
  return g_steal_pointer (&document);
}

/* "signed by NAME (certificate SHA-256 HEX)", for the audit trail. */
static char *
dup_signed_by (InvolveIdentity *identity)
{
  InvolveCertificate *certificate = involve_identity_get_certificate (identity);
  const char *name = involve_certificate_get_name (certificate);

  return g_strdup_printf (_("signed by %s (certificate SHA-256 %s)"), name != NULL ? name : "?",
                          involve_certificate_get_fingerprint (certificate));
}

gboolean
involve_export_pdf (InvolveStore        *store,
                    InvolveDefinitions  *definitions,
                    const char          *uuid,
                    guint                version,
                    InvolveEvidenceKind  kind,
                    const char          *path,
                    GError             **error)
{
  g_autoptr(InvolveEvidenceDocument) document = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *details = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *head = NULL;
  g_autofree char *head_description = NULL;
  g_autofree char *signed_by = NULL;
  InvolveIdentity *identity;

  g_return_val_if_fail (path != NULL, FALSE);

  identity = involve_store_get_identity (store);
  document = involve_export_evidence_document (store, definitions, uuid, version, kind, error);
  if (document == NULL)
    return FALSE;
  head = _involve_export_dup_head_text (store, &head_description, error);
  if (head == NULL)
    return FALSE;
  involve_evidence_document_set_register_head (document, head, head_description);
  if (!involve_evidence_document_write_signed_pdf (document, path, identity,
                                                   _("Evidence of an assessment of the duty to involve the public"),
                                                   error))
    return FALSE;

  record = involve_store_load_record (store, uuid, version, error);
  if (record == NULL)
    return FALSE;
  fingerprint = involve_fingerprint_compute (record);
  basename = g_path_get_basename (path);
  signed_by = dup_signed_by (identity);
  details = g_strdup_printf (kind == INVOLVE_EVIDENCE_PUBLIC ?
                             _("Evidence PDF, public version, written to “%s” (%u pages, fingerprint %s), %s") :
                             _("Evidence PDF written to “%s” (%u pages, fingerprint %s), %s"),
                             basename, involve_evidence_document_get_n_pages (document), fingerprint,
                             signed_by);
  return involve_store_log_event (store, INVOLVE_AUDIT_EXPORT, uuid,
                                  involve_record_get_version (record), details, error);
}

gboolean
involve_export_pdfs (InvolveStore              *store,
                     InvolveDefinitions        *definitions,
                     const char * const        *uuids,
                     const char                *directory,
                     InvolveEvidenceKind        kind,
                     GCancellable              *cancellable,
                     InvolveExportProgressFunc  progress,
                     gpointer                   user_data,
                     GError                   **error)
{
  guint total;

  g_return_val_if_fail (INVOLVE_IS_STORE (store), FALSE);
  g_return_val_if_fail (uuids != NULL, FALSE);
  g_return_val_if_fail (directory != NULL, FALSE);

  total = g_strv_length ((char **) uuids);
  for (guint i = 0; i < total; i++)
    {
      g_autoptr(InvolveRecord) record = NULL;
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      record = involve_store_load_record (store, uuids[i], 0, error);
      if (record == NULL)
        return FALSE;
      name = g_strdup_printf (kind == INVOLVE_EVIDENCE_PUBLIC ? "%s-public.pdf" : "%s.pdf",
                              involve_record_get_reference (record));
      path = g_build_filename (directory, name, NULL);
      if (!involve_export_pdf (store, definitions, uuids[i], 0, kind, path, error))
        return FALSE;
      if (progress != NULL)
        progress (i + 1, total, involve_record_get_reference (record), user_data);
    }
  return TRUE;
}

static char *
version_fingerprint (InvolveStore  *store,
                     const char    *uuid,
                     guint          version,
                     GError       **error)
{
  g_autoptr(InvolveRecord) record = involve_store_load_record (store, uuid, version, error);

  return record != NULL ? involve_fingerprint_compute (record) : NULL;
}

/* Whether the register's trust list names the signer: anyone trusted
 * with a role in the register (completing, signing off, administering). */
static gboolean
register_trusts (InvolveStore         *store,
                 InvolvePdfSignature  *signature,
                 gboolean             *trusted,
                 GError              **error)
{
  guint roles = 0;

  if (!involve_store_trust_lookup (store, signature->signer_fingerprint, &roles, error))
    return FALSE;
  *trusted = roles != 0;
  return TRUE;
}

/* The register's view of the version a signed PDF names. */
static gboolean
check_against_register (InvolveStore         *store,
                        InvolvePdfSignature  *signature,
                        const char           *name,
                        GString              *report,
                        GError              **error)
{
  g_autofree char *uuid = NULL;
  g_autofree char *registered = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  const InvolveVersionInfo *latest, *info = NULL;

  uuid = involve_store_lookup_reference (store, signature->reference, error);
  if (uuid == NULL)
    return FALSE;
  versions = involve_store_list_versions (store, uuid, error);
  if (versions == NULL)
    return FALSE;
  for (guint i = 0; i < versions->len; i++)
    {
      const InvolveVersionInfo *candidate = g_ptr_array_index (versions, i);

      if (candidate->version == signature->version)
        info = candidate;
    }
  if (info == NULL)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_NOT_FOUND,
                   _("“%s” is of version %u of %s, which the register does not hold."),
                   name, signature->version, signature->reference);
      return FALSE;
    }
  registered = version_fingerprint (store, uuid, signature->version, error);
  if (registered == NULL)
    return FALSE;
  if (!involve_fingerprint_equal (registered, signature->fingerprint))
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT,
                   _("“%s” does NOT match the register: it says version %u of %s has the "
                     "fingerprint %s, the register holds %s."),
                   name, signature->version, signature->reference, signature->fingerprint, registered);
      return FALSE;
    }
  latest = g_ptr_array_index (versions, versions->len - 1);
  if (info->status == INVOLVE_STATUS_SUPERSEDED || latest->version != info->version)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_CONFLICT,
                   _("“%s” matches version %u of %s in the register, but that version is no "
                     "longer current: version %u (%s) replaced it."),
                   name, info->version, signature->reference, latest->version,
                   involve_status_get_label (latest->status));
      return FALSE;
    }
  g_string_append_printf (report, _("It matches the register: version %u of %s is current, "
                                    "with the same fingerprint."),
                          info->version, signature->reference);
  if (signature->status != NULL &&
      !g_str_equal (signature->status, involve_status_to_string (info->status)))
    g_string_append_printf (report, _(" Its status has since changed: the register now says "
                                      "“%s”."), involve_status_get_label (info->status));
  g_string_append_c (report, '\n');
  return TRUE;
}

gboolean
involve_export_check_signed_pdf (InvolveStore  *store,
                                 const char    *path,
                                 GPtrArray     *trusted,
                                 char         **report,
                                 GError       **error)
{
  g_autoptr(InvolvePdfSignature) signature = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) trust_error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *when = NULL;
  gboolean is_trusted = FALSE;
  InvolveStatus status;

  g_return_val_if_fail (store == NULL || INVOLVE_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  name = g_filename_display_name (path);
  signature = involve_pdf_signature_read_file (path, error);
  if (signature == NULL)
    return FALSE;

  if (trusted != NULL && trusted->len > 0)
    is_trusted = involve_pdf_signature_check_trust (signature, trusted, &trust_error);
  if (!is_trusted && store != NULL)
    {
      g_clear_error (&trust_error);
      if (!register_trusts (store, signature, &is_trusted, error))
        return FALSE;
      if (!is_trusted)
        g_set_error (&trust_error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_UNTRUSTED,
                     _("The signature was made by a certificate that is not trusted: “%s” "
                       "(SHA-256 %s) is not on the register’s list of people who may sign."),
                     signature->signer_name, signature->signer_fingerprint);
    }
  if (!is_trusted)
    {
      if (trust_error == NULL)
        g_set_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_UNTRUSTED,
                     _("“%s” is intact and signed by “%s” (certificate SHA-256 %s), but nothing "
                       "says whether that certificate is trusted: give the trusted certificates "
                       "with --trust FILE, or check against the register with --database."),
                     name, signature->signer_name, signature->signer_fingerprint);
      else
        g_propagate_error (error, g_steal_pointer (&trust_error));
      return FALSE;
    }

  if (signature->signing_usec != 0)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (signature->signing_usec / G_USEC_PER_SEC);

      when = g_date_time_format (utc, "%Y-%m-%d %H:%M:%S UTC");
    }
  else
    when = g_strdup (_("not stated"));
  status = INVOLVE_STATUS_DRAFT;
  g_string_append_printf (text, _("“%s” is intact: it was signed by a trusted certificate and not "
                                  "changed since.\n"), name);
  g_string_append_printf (text, _("Reference:   %s\n"), signature->reference);
  g_string_append_printf (text, _("Version:     %u%s\n"), signature->version,
                          signature->is_public ? _(" (public version)") : "");
  g_string_append_printf (text, _("Status:      %s\n"),
                          signature->status != NULL && involve_status_from_string (signature->status, &status)
                          ? involve_status_get_label (status) : _("not stated"));
  g_string_append_printf (text, _("Fingerprint: %s\n"), signature->fingerprint);
  g_string_append_printf (text, _("Signed by:   %s (certificate SHA-256 %s)\n"),
                          signature->signer_name, signature->signer_fingerprint);
  g_string_append_printf (text, _("Signed at:   %s\n"), when);

  if (store != NULL && !check_against_register (store, signature, name, text, error))
    return FALSE;

  if (text->len > 0 && text->str[text->len - 1] == '\n')
    g_string_truncate (text, text->len - 1);
  if (report != NULL)
    *report = g_string_free (g_steal_pointer (&text), FALSE);
  return TRUE;
}

gboolean
involve_export_check_pdf (InvolveStore  *store,
                          const char    *path,
                          char         **report,
                          GError       **error)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (store), FALSE);

  return involve_export_check_signed_pdf (store, path, NULL, report, error);
}

gboolean
involve_export_xml (InvolveStore        *store,
                    const char * const  *uuids,
                    const char          *path,
                    GError             **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_exchange_record_free);
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *head = NULL;

  g_return_val_if_fail (INVOLVE_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (uuids == NULL)
    {
      InvolveStoreQuery query;

      involve_store_query_init (&query);
      all = involve_store_list (store, &query, NULL, error);
      if (all == NULL)
        return FALSE;
    }

  for (guint i = 0; uuids != NULL ? uuids[i] != NULL : i < all->len; i++)
    {
      const char *uuid = uuids != NULL ? uuids[i] :
                         ((InvolveRecordSummary *) g_ptr_array_index (all, i))->uuid;
      InvolveExchangeRecord *record = involve_export_collect_record (store, uuid, error);

      if (record == NULL)
        return FALSE;
      g_ptr_array_add (records, record);
    }

  head = _involve_export_dup_head_text (store, NULL, error);
  if (head == NULL || !involve_xml_write_file_full (records, head, path, error))
    return FALSE;

  basename = g_path_get_basename (path);
  for (guint i = 0; i < records->len; i++)
    {
      InvolveExchangeRecord *record = g_ptr_array_index (records, i);
      InvolveRecord *latest = g_ptr_array_index (record->versions, record->versions->len - 1);
      g_autofree char *details = g_strdup_printf (_("XML exchange file written to “%s” "
                                                    "(%u versions, %u audit entries)"),
                                                  basename, record->versions->len,
                                                  record->audit->len);

      if (!involve_store_log_event (store, INVOLVE_AUDIT_EXPORT, involve_record_get_uuid (latest),
                                    involve_record_get_version (latest), details, error))
        return FALSE;
    }
  return TRUE;
}

/*
 * The trails a record brings: the exporting register's own (kept here
 * from @source, now) and those it kept from elsewhere, as they came.
 */
static GPtrArray *
trails_to_keep (InvolveExchangeRecord *record,
                const char            *source)
{
  InvolveRecord *first = g_ptr_array_index (record->versions, 0);
  GPtrArray *trails = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_imported_trail_free);
  InvolveImportedTrail *own = involve_imported_trail_new (involve_record_get_uuid (first), source, 0);

  /* Read only from here on: the record's own entries, not copies. */
  g_ptr_array_unref (own->entries);
  own->entries = g_ptr_array_ref (record->audit);
  g_ptr_array_add (trails, own);
  for (guint i = 0; i < record->imported_trails->len; i++)
    g_ptr_array_add (trails, involve_imported_trail_copy (g_ptr_array_index (record->imported_trails, i)));
  return trails;
}

/*
 * Every trail in the file must hold together as its register wrote it
 * (hashes, links between neighbours), and a kept trail must still give the
 * digest that the exporting register's entry (kept-by) binds it with.
 */
static gboolean
check_audit_trails (InvolveExchangeRecord  *record,
                    const char             *path,
                    GError                **error)
{
  InvolveRecord *first = g_ptr_array_index (record->versions, 0);
  const char *uuid = involve_record_get_uuid (first);
  const char *reference = involve_record_get_reference (first);
  g_autoptr(GError) local_error = NULL;
  gint64 broken = 0;

  if (!involve_audit_entries_check_chain (record->audit, uuid, &broken, &local_error))
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT,
                   _("“%s”: the audit trail of %s is broken at entry %" PRId64 ", so nothing "
                     "was imported. %s"),
                   path, reference, broken, local_error->message);
      return FALSE;
    }

  for (guint i = 0; i < record->imported_trails->len; i++)
    {
      const InvolveImportedTrail *trail = g_ptr_array_index (record->imported_trails, i);
      const InvolveAuditEntry *binding = NULL;
      g_autofree char *digest = NULL;

      if (!involve_audit_entries_check_chain (trail->entries, uuid, &broken, &local_error))
        {
          g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT,
                       _("“%s”: the audit trail of %s from %s is broken at entry %" PRId64 ", so "
                         "nothing was imported. %s"),
                       path, reference, trail->source, broken, local_error->message);
          return FALSE;
        }
      if (trail->import_id == 0)
        continue;

      for (guint j = 0; j < record->audit->len && binding == NULL; j++)
        {
          const InvolveAuditEntry *entry = g_ptr_array_index (record->audit, j);

          if (entry->id == trail->import_id)
            binding = entry;
        }
      digest = involve_imported_trail_compute_digest (trail);
      if (binding == NULL || g_strcmp0 (binding->kind, INVOLVE_AUDIT_IMPORT) != 0 ||
          g_strcmp0 (binding->new_value, digest) != 0)
        {
          g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT,
                       _("“%s”: the audit trail of %s from %s does not match audit entry %" PRId64
                         " that kept it, so nothing was imported."),
                       path, reference, trail->source, trail->import_id);
          return FALSE;
        }
    }
  return TRUE;
}

/* How many of the record's versions the register holds already; a clash is an error. */
static gboolean
count_present (InvolveStore           *store,
               InvolveExchangeRecord  *record,
               guint                  *present,
               GError                **error)
{
  InvolveRecord *first = g_ptr_array_index (record->versions, 0);
  const char *uuid = involve_record_get_uuid (first);
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GError) local_error = NULL;

  *present = 0;
  infos = involve_store_list_versions (store, uuid, &local_error);
  if (infos == NULL)
    {
      if (g_error_matches (local_error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  for (guint i = 0; i < record->versions->len && i < infos->len; i++)
    {
      InvolveRecord *version = g_ptr_array_index (record->versions, i);
      const char *incoming = g_ptr_array_index (record->fingerprints, i);
      g_autofree char *held = version_fingerprint (store, uuid, involve_record_get_version (version),
                                                   error);

      if (held == NULL)
        return FALSE;
      if (!involve_fingerprint_equal (held, incoming))
        {
          g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_CONFLICT,
                       _("Version %u of %s in the file differs from the one in the register; "
                         "the register’s version is kept and nothing was imported."),
                       involve_record_get_version (version), involve_record_get_reference (version));
          return FALSE;
        }
      (*present)++;
    }
  return TRUE;
}

gboolean
involve_import_xml (InvolveStore  *store,
                    const char    *path,
                    char         **summary,
                    GError       **error)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GString) report = g_string_new (NULL);
  g_autofree char *basename = NULL;
  guint imported = 0, skipped = 0;

  g_return_val_if_fail (INVOLVE_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  records = involve_xml_read_file (path, error);
  if (records == NULL)
    return FALSE;

  /* Where the sending register stood: ours must still hold it, theirs is kept. */
  {
    g_autoptr(GError) head_error = NULL;
    g_autoptr(InvolveHead) head = involve_export_read_head (path, &head_error);
    g_autofree char *name = g_path_get_basename (path);

    if (head == NULL && !g_error_matches (head_error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_NOT_FOUND))
      {
        g_propagate_error (error, g_steal_pointer (&head_error));
        return FALSE;
      }
    if (!_involve_export_note_head (store, head, name, error))
      return FALSE;
  }

  for (guint i = 0; i < records->len; i++)
    {
      if (!check_audit_trails (g_ptr_array_index (records, i), path, error))
        return FALSE;
    }

  basename = g_path_get_basename (path);
  if (!involve_store_begin_batch (store, error))
    return FALSE;

  for (guint i = 0; i < records->len; i++)
    {
      InvolveExchangeRecord *record = g_ptr_array_index (records, i);
      InvolveRecord *first = g_ptr_array_index (record->versions, 0);
      g_autoptr(GPtrArray) trails = NULL;
      g_autofree char *source = NULL;
      guint present = 0;

      if (!count_present (store, record, &present, error))
        goto fail;

      if (present == record->versions->len)
        {
          g_string_append_printf (report, _("%s: already in the register (%u versions).\n"),
                                  involve_record_get_reference (first), present);
          skipped++;
          continue;
        }

      source = g_strdup_printf (_("XML exchange file “%s”"), basename);
      trails = trails_to_keep (record, source);
      if (!involve_store_import_record_full (store, record->versions, trails, source, error))
        goto fail;
      if (present + 1 == record->versions->len)
        g_string_append_printf (report, _("%s: imported version %u.\n"),
                                involve_record_get_reference (first), record->versions->len);
      else
        g_string_append_printf (report, _("%s: imported versions %u to %u.\n"),
                                involve_record_get_reference (first), present + 1,
                                record->versions->len);
      imported++;
    }

  if (imported == 0)
    {
      involve_store_rollback_batch (store);
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_DUPLICATE,
                   records->len == 0 ? _("“%s” holds no records.") :
                   _("Everything in “%s” is already in the register; nothing was imported."),
                   path);
      return FALSE;
    }

  if (!involve_store_commit_batch (store, error))
    goto fail;

  if (summary != NULL)
    {
      g_string_append_printf (report, _("%u imported, %u already there."), imported, skipped);
      *summary = g_string_free (g_steal_pointer (&report), FALSE);
    }
  return TRUE;

fail:
  involve_store_rollback_batch (store);
  return FALSE;
}

gboolean
involve_export_sign_off_request (InvolveStore  *store,
                                 const char    *uuid,
                                 const char    *path,
                                 GError       **error)
{
  g_autoptr(InvolveRecord) record = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *details = NULL;
  g_autofree char *head = NULL;
  const char *requested_by;

  g_return_val_if_fail (INVOLVE_IS_STORE (store), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  record = involve_store_load_record (store, uuid, 0, error);
  if (record == NULL)
    return FALSE;

  requested_by = involve_store_get_profile_name (store);
  if (requested_by == NULL)
    requested_by = involve_store_get_os_account (store);
  head = _involve_export_dup_head_text (store, NULL, error);
  if (head == NULL)
    return FALSE;
  {
    g_autoptr(GBytes) act_data = NULL;
    g_autoptr(GBytes) act_signature = NULL;
    g_autoptr(InvolveCertificate) completer = NULL;

    if (involve_record_get_status (record) == INVOLVE_STATUS_AWAITING_SIGN_OFF &&
        !involve_store_get_submit_act (store, uuid, involve_record_get_version (record),
                                       &act_data, &act_signature, &completer, error))
      return FALSE;
    if (!involve_sign_off_request_write_full (record, requested_by, act_data, act_signature, completer,
                                              head, path, &request_id, error))
      return FALSE;
  }

  basename = g_path_get_basename (path);
  details = g_strdup_printf (_("Sign-off request %s written to “%s”"), request_id, basename);
  return involve_store_log_event (store, INVOLVE_AUDIT_EXPORT, uuid,
                                  involve_record_get_version (record), details, error);
}

gboolean
involve_import_sign_off_response (InvolveStore  *store,
                                  const char    *path,
                                  char         **summary,
                                  GError       **error)
{
  g_autoptr(InvolveSignOffResponse) response = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *held = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *details = NULL;
  gboolean signed_off;

  g_return_val_if_fail (INVOLVE_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  response = involve_sign_off_response_read (path, error);
  if (response == NULL)
    return FALSE;

  /* It repeats the head of the request it answers: this register's, which
   * it must still hold (or another register's, which is kept). */
  {
    g_autofree char *name = g_path_get_basename (path);

    if (!_involve_export_note_head_text (store, response->register_head, name, error))
      return FALSE;
  }

  record = involve_store_load_record (store, response->uuid, response->version, &local_error);
  if (record == NULL)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_NOT_FOUND,
                   _("“%s” answers for version %u of %s, which this register does not hold: %s"),
                   path, response->version, response->reference, local_error->message);
      return FALSE;
    }

  held = involve_fingerprint_compute (record);
  if (!involve_fingerprint_equal (held, response->fingerprint))
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT,
                   _("The reviewer decided on different content from the register’s version %u "
                     "of %s (the response’s fingerprint is %s, the register’s %s). It was "
                     "refused; send a new sign-off request."),
                   response->version, response->reference, response->fingerprint, held);
      return FALSE;
    }

  if (response->act_data == NULL)
    {
      if (!involve_store_apply_sign_off (store, response->uuid, response->version,
                                         response->fingerprint, response->sign_off, error))
        return FALSE;
    }
  else
    {
      g_autoptr(InvolveAct) act = involve_act_parse (response->act_data, NULL);

      /* The file's visible block must be the one that was signed. */
      if (act == NULL || g_strcmp0 (act->record_uuid, response->uuid) != 0 ||
          act->version != response->version ||
          !involve_fingerprint_equal (act->fingerprint, response->fingerprint) ||
          g_strcmp0 (act->decision, response->sign_off->decision) != 0 ||
          g_strcmp0 (act->reviewer_name, response->sign_off->reviewer_name) != 0 ||
          g_strcmp0 (act->comments, response->sign_off->comments) != 0)
        {
          g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT,
                       _("“%s” shows another decision than the one the reviewer signed: it was altered. It was not applied."),
                       path);
          return FALSE;
        }
      if (!involve_store_apply_signed_response (store, response->act_data, response->act_signature,
                                                response->reviewer, error))
        return FALSE;
    }

  signed_off = g_strcmp0 (response->sign_off->decision, "signed-off") == 0;
  basename = g_path_get_basename (path);
  details = g_strdup_printf (signed_off ?
                             _("Sign-off response %s imported from “%s”: signed off by %s") :
                             _("Sign-off response %s imported from “%s”: returned by %s"),
                             response->request_id, basename, response->sign_off->reviewer_name);
  if (!involve_store_log_event (store, INVOLVE_AUDIT_IMPORT, response->uuid, response->version,
                                details, error))
    return FALSE;

  if (summary != NULL)
    *summary = g_strdup_printf (signed_off ? _("Version %u of %s is signed off by %s.") :
                                _("Version %u of %s was returned by %s with comments."),
                                response->version, response->reference,
                                response->sign_off->reviewer_name);
  return TRUE;
}
