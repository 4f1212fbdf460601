/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include "involve-store-rooms.h"

/*
 * Import: records and their versions from another register's exchange
 * file, with the source's audit trail kept as it was.
 */

/* Each trail with its entries (the audit columns first, then position),
 * a trail left without any giving one row with those NULL. */
#define IMPORTED_TRAILS_QUERY \
  "SELECT a.source_id, a.time_usec, a.account, a.profile, a.kind, a.record_uuid," \
  " a.version, a.field_id, a.old_value, a.new_value, a.details, a.prev_hash, a.hash," \
  " a.position, t.id, t.record_uuid, t.import_audit_id, t.source, t.imported_usec," \
  " t.n_entries" \
  " FROM imported_trails t LEFT JOIN imported_audit a ON a.trail_id = t.id"

/* Kept trails, oldest first.  When @counts is not NULL, it receives each
 * trail's stored entry count and @gaps the index of its first entry out of
 * place (a position skipped), or -1: both for verify. */
GPtrArray *
_involve_store_read_imported_trails (InvolveStore *self,
                                     const char   *uuid,
                                     GArray       *counts,
                                     GArray       *gaps,
                                     GError      **error)
{
  g_autoptr(GPtrArray) trails = NULL;
  AUTO_STMT stmt = NULL;
  InvolveImportedTrail *trail = NULL;
  gint64 trail_id = 0;
  gint64 gap = -1;
  int rc;

  trails = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_imported_trail_free);
  /* A register not yet migrated (tests open old formats) keeps none. */
  if (self->schema_version < 5)
    return g_steal_pointer (&trails);

  /* One record's are found by its index ("?1 IS NULL OR ..." would scan
   * every trail). */
  if (uuid != NULL)
    stmt = prepare (self, IMPORTED_TRAILS_QUERY " WHERE t.record_uuid = ?1 ORDER BY t.id, a.position", error);
  else
    stmt = prepare (self, IMPORTED_TRAILS_QUERY " ORDER BY t.id, a.position", error);
  if (stmt == NULL)
    return NULL;
  if (uuid != NULL)
    bind_text (stmt, 1, uuid);

  while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      if (trail == NULL || involve_db_column_int64 (stmt, 14) != trail_id)
        {
          gint64 count = involve_db_column_int64 (stmt, 19);

          if (trail != NULL && gaps != NULL)
            g_array_append_val (gaps, gap);
          trail_id = involve_db_column_int64 (stmt, 14);
          trail = involve_imported_trail_new ((const char *) involve_db_column_text (stmt, 15),
                                              (const char *) involve_db_column_text (stmt, 17),
                                              involve_db_column_int64 (stmt, 18));
          trail->import_id = involve_db_column_int64 (stmt, 16);
          g_ptr_array_add (trails, trail);
          gap = -1;
          if (counts != NULL)
            g_array_append_val (counts, count);
        }
      if (involve_db_column_type (stmt, 13) == SQLITE_NULL)
        continue;
      if (gap < 0 && involve_db_column_int64 (stmt, 13) != (gint64) trail->entries->len + 1)
        gap = trail->entries->len;
      /* Same columns as the audit table, so the same reader. */
      g_ptr_array_add (trail->entries, _involve_store_audit_entry_from_row (stmt));
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("Could not read the audit log"));
      return NULL;
    }
  if (trail != NULL && gaps != NULL)
    g_array_append_val (gaps, gap);
  return g_steal_pointer (&trails);
}

GPtrArray *
involve_store_list_imported_trails (InvolveStore *self,
                                    const char   *uuid,
                                    GError      **error)
{
  STORE_LOCK (self);
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _involve_store_read_imported_trails (self, uuid, NULL, NULL, error);
}

/* Import */

static gboolean
parse_reference (const char *reference,
                 int        *year,
                 gint64     *number)
{
  g_auto(GStrv) parts = NULL;
  guint64 y, n;

  if (reference == NULL || !g_str_has_prefix (reference, "INV-"))
    return FALSE;
  parts = g_strsplit (reference + 4, "-", -1);
  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 1, 9999, &y, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, G_MAXINT64, &n, NULL))
    return FALSE;
  *year = (int) y;
  *number = (gint64) n;
  return TRUE;
}

static gboolean
import_version (InvolveStore  *self,
                gint64         record_id,
                InvolveRecord *version,
                const char    *source,
                gint64         now,
                GError       **error)
{
  const char *doing = _("Could not import the record");
  g_auto(GStrv) field_ids = involve_record_dup_field_ids (version);
  g_autofree char *fingerprint = involve_fingerprint_compute (version);
  g_autofree char *details = g_strdup_printf ("imported from %s", source ? source : "a file");
  g_autofree char *outcome = NULL;
  const InvolveSignOff *sign_off = involve_record_get_sign_off (version);
  InvolveStatus status = involve_record_get_status (version);
  gint64 version_id = 0;
  gint64 created = involve_record_get_created_usec (version);
  AUTO_STMT finish = NULL;
  AUTO_STMT latest = NULL;

  if (sign_off != NULL && g_strcmp0 (sign_off->decision, "signed-off") == 0 &&
      !involve_fingerprint_equal (sign_off->fingerprint, fingerprint))
    {
      g_autofree char *message =
        g_strdup_printf (_("Version %u of %s was signed off with fingerprint %s, but its content gives %s: it was altered after sign-off and was not imported."),
                         involve_record_get_version (version), involve_record_get_reference (version),
                         sign_off->fingerprint ? sign_off->fingerprint : "-", fingerprint);
      set_error_code (error, INVOLVE_STORE_ERROR_FINGERPRINT_MISMATCH, 0, message);
      return FALSE;
    }

  if (!_involve_store_insert_version_row (self, record_id, involve_record_get_version (version), INVOLVE_STATUS_DRAFT,
                                          NULL, created > 0 ? created : now, &version_id, error))
    return FALSE;

  for (guint i = 0; field_ids[i] != NULL; i++)
    {
      g_autofree char *text = _involve_store_print_value (involve_record_get_value (version, field_ids[i]));
      gint64 modified = involve_record_get_value_modified (version, field_ids[i]);
      AuditEvent event = { INVOLVE_AUDIT_VALUE, involve_record_get_uuid (version),
                           involve_record_get_version (version), field_ids[i], NULL, text, details };
      gint64 audit_id = 0;

      if (!_involve_store_append_event (self, &event, now, &audit_id, error) ||
          !_involve_store_write_value (self, version_id, field_ids[i], text, modified > 0 ? modified : now, audit_id, error))
        return FALSE;
    }

  finish = prepare (self,
                    "UPDATE versions SET status = ?2, status_reason = ?3, fingerprint = ?4,"
                    " reviewer_name = ?5, reviewer_job_title = ?6, reviewer_email = ?7, reviewer_team = ?8,"
                    " review_date = ?9, decision = ?10, review_comments = ?11, decided_fingerprint = ?12,"
                    " decided_usec = ?13, modified_usec = ?14, outcome = ?15 WHERE id = ?1",
                    error);
  latest = prepare (self,
                    "UPDATE records SET latest_version = MAX (latest_version, ?2),"
                    " status = CASE WHEN ?2 >= latest_version THEN ?3 ELSE status END,"
                    " modified_usec = MAX (modified_usec, ?4) WHERE id = ?1",
                    error);
  if (finish == NULL || latest == NULL)
    return FALSE;
  involve_db_bind_int64 (finish, 1, version_id);
  bind_text (finish, 2, involve_status_to_string (status));
  bind_text (finish, 3, involve_record_get_status_reason (version));
  bind_text (finish, 4, status == INVOLVE_STATUS_DRAFT || status == INVOLVE_STATUS_RETURNED ? NULL : fingerprint);
  if (sign_off != NULL)
    {
      bind_text (finish, 5, sign_off->reviewer_name);
      bind_text (finish, 6, sign_off->reviewer_job_title);
      bind_text (finish, 7, sign_off->reviewer_email);
      bind_text (finish, 8, sign_off->reviewer_team);
      bind_text (finish, 9, sign_off->date);
      bind_text (finish, 10, sign_off->decision);
      bind_text (finish, 11, sign_off->comments);
      bind_text (finish, 12, sign_off->fingerprint);
      involve_db_bind_int64 (finish, 13, sign_off->decided_at_usec);
    }
  involve_db_bind_int64 (finish, 14, MAX (involve_record_get_modified_usec (version), created));
  /* The outcome goes in now: once the status is final the lock trigger refuses any change. */
  outcome = _involve_store_compute_outcome (version);
  bind_text (finish, 15, outcome);
  if (!step_done (self, finish, doing, error))
    return FALSE;

  /* Branch anchors: the state it came with, which verify's replay checks. */
  {
    g_autofree char *state =
      _involve_store_format_imported_state (involve_status_to_string (status),
                                            involve_record_get_status_reason (version),
                                            sign_off != NULL ? sign_off->decision : NULL,
                                            sign_off != NULL ? sign_off->reviewer_name : NULL,
                                            sign_off != NULL ? sign_off->reviewer_job_title : NULL,
                                            sign_off != NULL ? sign_off->reviewer_email : NULL,
                                            sign_off != NULL ? sign_off->date : NULL,
                                            sign_off != NULL ? sign_off->fingerprint : NULL,
                                            sign_off != NULL ? sign_off->comments : NULL);
    AuditEvent state_event = { INVOLVE_AUDIT_IMPORT_VERSION, involve_record_get_uuid (version),
                               involve_record_get_version (version), NULL, NULL,
                               involve_status_to_string (status), state };

    if (!_involve_store_append_event (self, &state_event, now, NULL, error))
      return FALSE;
  }

  involve_db_bind_int64 (latest, 1, record_id);
  involve_db_bind_int64 (latest, 2, involve_record_get_version (version));
  bind_text (latest, 3, involve_status_to_string (status));
  involve_db_bind_int64 (latest, 4, now);
  return step_done (self, latest, doing, error);
}

/*
 * Keeps one trail from elsewhere inside the import's transaction: a local
 * import entry whose new value is the trail's digest binds it into the
 * local chain, then the trail and its entries are stored as they came.
 */
static gboolean
keep_imported_trail (InvolveStore               *self,
                     const InvolveImportedTrail *trail,
                     const char                 *uuid,
                     guint                       version,
                     gint64                      now,
                     GError                    **error)
{
  const char *doing = _("Could not import the record");
  InvolveImportedTrail view = *trail;
  const InvolveAuditEntry *first, *last;
  g_autofree char *digest = NULL;
  g_autofree char *details = NULL;
  AUTO_STMT known = NULL;
  AUTO_STMT insert_trail = NULL;
  AUTO_STMT insert_entry = NULL;
  AuditEvent event = { INVOLVE_AUDIT_IMPORT, uuid, version };
  gint64 audit_id = 0;
  gint64 trail_id;
  int rc;

  if (trail->entries->len == 0)
    return TRUE;
  if (trail->imported_usec <= 0)
    view.imported_usec = now;
  view.record_uuid = (char *) uuid;
  digest = involve_imported_trail_compute_digest (&view);

  /* The same trail from the same place, imported again: kept once. */
  known = prepare (self, "SELECT 1 FROM imported_trails WHERE record_uuid = ?1 AND digest = ?2", error);
  if (known == NULL)
    return FALSE;
  bind_text (known, 1, uuid);
  bind_text (known, 2, digest);
  rc = involve_db_step (known);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, doing);
      return FALSE;
    }

  first = g_ptr_array_index (trail->entries, 0);
  last = g_ptr_array_index (trail->entries, trail->entries->len - 1);
  details = g_strdup_printf ("audit trail from %s kept: %u entries, source entries %" PRId64 " to %" PRId64
                             ", last hash %s",
                             view.source != NULL ? view.source : "a file", trail->entries->len,
                             first->id, last->id, last->hash);
  event.new_value = digest;
  event.details = details;
  if (!_involve_store_append_event (self, &event, now, &audit_id, error))
    return FALSE;

  insert_trail = prepare (self,
                          "INSERT INTO imported_trails (record_uuid, import_audit_id, source, imported_usec,"
                          " n_entries, digest) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                          error);
  if (insert_trail == NULL)
    return FALSE;
  bind_text (insert_trail, 1, uuid);
  involve_db_bind_int64 (insert_trail, 2, audit_id);
  bind_text (insert_trail, 3, view.source != NULL ? view.source : "");
  involve_db_bind_int64 (insert_trail, 4, view.imported_usec);
  involve_db_bind_int64 (insert_trail, 5, trail->entries->len);
  bind_text (insert_trail, 6, digest);
  if (!step_done (self, insert_trail, doing, error))
    return FALSE;
  trail_id = involve_db_last_insert_rowid (self->db);

  insert_entry = prepare (self,
                          "INSERT INTO imported_audit (trail_id, position, source_id, time_usec, account,"
                          " profile, kind, record_uuid, version, field_id, old_value, new_value, details,"
                          " prev_hash, hash)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                          error);
  if (insert_entry == NULL)
    return FALSE;
  for (guint i = 0; i < trail->entries->len; i++)
    {
      const InvolveAuditEntry *entry = g_ptr_array_index (trail->entries, i);

      involve_db_reset (insert_entry);
      involve_db_bind_int64 (insert_entry, 1, trail_id);
      involve_db_bind_int64 (insert_entry, 2, i + 1);
      _involve_store_bind_audit_entry (insert_entry, 3, entry);
      if (!step_done (self, insert_entry, doing, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
involve_store_import_record (InvolveStore *self,
                             GPtrArray    *versions,
                             const char   *source,
                             GError      **error)
{
  return involve_store_import_record_full (self, versions, NULL, source, error);
}

gboolean
involve_store_import_record_full (InvolveStore *self,
                                  GPtrArray    *versions,
                                  GPtrArray    *trails,
                                  const char   *source,
                                  GError      **error)
{
  STORE_LOCK (self);
  const char *doing = _("Could not import the record");
  InvolveRecord *first;
  const char *uuid;
  g_auto(VersionRow) latest_row = { 0 };
  g_autoptr(GError) lookup_error = NULL;
  g_autofree char *details = NULL;
  gint64 record_id = 0;
  gint64 now = 0;
  guint imported = 0;
  guint latest_version = 0;
  gboolean known;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (versions != NULL && versions->len > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  first = g_ptr_array_index (versions, 0);
  uuid = involve_record_get_uuid (first);
  for (guint i = 0; i < versions->len; i++)
    {
      InvolveRecord *v = g_ptr_array_index (versions, i);

      if (g_strcmp0 (involve_record_get_uuid (v), uuid) != 0 ||
          g_strcmp0 (involve_record_get_reference (v), involve_record_get_reference (first)) != 0 ||
          involve_record_get_version (v) != involve_record_get_version (first) + i ||
          involve_record_get_reference (v) == NULL || uuid == NULL)
        {
          set_error_code (error, INVOLVE_STORE_ERROR_INVALID, 0,
                          _("The versions to import do not belong to one record, or are not numbered 1, 2, 3, … in order."));
          return FALSE;
        }
    }

  /* A broken trail is refused before anything is written. */
  for (guint i = 0; trails != NULL && i < trails->len; i++)
    {
      const InvolveImportedTrail *trail = g_ptr_array_index (trails, i);
      g_autoptr(GError) chain_error = NULL;

      if (trail->record_uuid != NULL && g_ascii_strcasecmp (trail->record_uuid, uuid) != 0)
        {
          set_error_code (error, INVOLVE_STORE_ERROR_INVALID, 0,
                          _("An audit trail to import belongs to another record."));
          return FALSE;
        }
      if (!involve_audit_entries_check_chain (trail->entries, uuid, NULL, &chain_error))
        {
          g_autofree char *message =
            g_strdup_printf (_("The audit trail of %s from %s is broken, so nothing was imported: %s"),
                             involve_record_get_reference (first),
                             trail->source != NULL ? trail->source : source != NULL ? source : "-",
                             chain_error->message);
          set_error_code (error, INVOLVE_STORE_ERROR_TAMPERED, 0, message);
          return FALSE;
        }
    }
  if (trails != NULL && trails->len > 0 && self->schema_version < 5)
    {
      set_error_code (error, INVOLVE_STORE_ERROR_INVALID, 0,
                      _("This register’s format is too old to keep imported audit trails."));
      return FALSE;
    }

  if (!txn_begin (self, error))
    return FALSE;
  if (!_involve_store_now_usec (self, &now, error))
    {
      txn_rollback (self);
      return FALSE;
    }

  known = _involve_store_fetch_version (self, uuid, 0, &latest_row, &lookup_error);
  if (!known && !g_error_matches (lookup_error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&lookup_error));
      goto fail;
    }

  if (known)
    {
      record_id = latest_row.record_id;
      latest_version = latest_row.version;
      if (g_ascii_strcasecmp (latest_row.reference, involve_record_get_reference (first)) != 0)
        {
          g_autofree char *message =
            g_strdup_printf (_("The register already holds this record under another reference (%s, not %s). Nothing was imported."),
                             latest_row.reference, involve_record_get_reference (first));
          set_error_code (error, INVOLVE_STORE_ERROR_EXISTS, 0, message);
          goto fail;
        }
    }
  else
    {
      g_autoptr(GError) taken_error = NULL;
      g_autofree char *taken = involve_store_lookup_reference (self, involve_record_get_reference (first), &taken_error);
      int year = 0;
      gint64 number = 0;
      AUTO_STMT counter = NULL;

      if (taken != NULL)
        {
          g_autofree char *message =
            g_strdup_printf (_("The reference %s is already used by another record in this register. Nothing was imported."),
                             involve_record_get_reference (first));
          set_error_code (error, INVOLVE_STORE_ERROR_EXISTS, 0, message);
          goto fail;
        }
      if (involve_record_get_version (first) != 1)
        {
          set_error_code (error, INVOLVE_STORE_ERROR_INVALID, 0,
                          _("The record is new to this register, so its import must start at version 1."));
          goto fail;
        }
      if (parse_reference (involve_record_get_reference (first), &year, &number))
        {
          counter = prepare (self,
                             "INSERT INTO reference_counters (year, last) VALUES (?1, ?2)"
                             " ON CONFLICT (year) DO UPDATE SET last = MAX (reference_counters.last, excluded.last)",
                             error);
          if (counter == NULL)
            goto fail;
          involve_db_bind_int (counter, 1, year);
          involve_db_bind_int64 (counter, 2, number);
          if (!step_done (self, counter, doing, error))
            goto fail;
        }
      else
        {
          /* A reference of another scheme: year 0, numbered in arrival order
           * (so the search index's key stays unique). */
          AUTO_STMT next = prepare (self, "SELECT COALESCE (max (ref_number), 0) + 1 FROM records WHERE ref_year = 0", error);

          if (next == NULL)
            goto fail;
          if (involve_db_step (next) != SQLITE_ROW)
            {
              set_sqlite_error (self, error, involve_db_errcode (self->db), doing);
              goto fail;
            }
          year = 0;
          number = involve_db_column_int64 (next, 0);
        }
      if (!_involve_store_insert_record_row (self, uuid, involve_record_get_reference (first), year, number,
                                             involve_record_get_framework_id (first),
                                             involve_record_get_created_usec (first) > 0 ? involve_record_get_created_usec (first) : now,
                                             &record_id, error))
        goto fail;
    }

  for (guint i = 0; i < versions->len; i++)
    {
      InvolveRecord *v = g_ptr_array_index (versions, i);
      guint number = involve_record_get_version (v);

      if (number <= latest_version)
        {
          g_auto(VersionRow) row = { 0 };
          g_autoptr(InvolveRecord) mine = NULL;
          g_autofree char *theirs_fp = involve_fingerprint_compute (v);
          g_autofree char *mine_fp = NULL;

          if (!_involve_store_fetch_version (self, uuid, number, &row, error) ||
              (mine = _involve_store_record_from_row (self, &row, error)) == NULL)
            goto fail;
          mine_fp = involve_fingerprint_compute (mine);
          if (!involve_fingerprint_equal (mine_fp, theirs_fp))
            {
              g_autofree char *message =
                g_strdup_printf (_("The register already holds a different version %u of %s (%s). It was not overwritten and nothing was imported."),
                                 number, row.reference, involve_status_get_label (row.status));
              set_error_code (error, INVOLVE_STORE_ERROR_EXISTS, 0, message);
              goto fail;
            }
          continue;
        }
      if (!import_version (self, record_id, v, source, now, error))
        goto fail;
      imported++;
    }

  if (imported == 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("The register already holds every version of %s; nothing new was imported."),
                         involve_record_get_reference (first));
      set_error_code (error, INVOLVE_STORE_ERROR_EXISTS, 0, message);
      goto fail;
    }

  /* Older signed-off versions are superseded by a newer signed-off one. */
  {
    AUTO_STMT supersede =
      prepare (self,
               "UPDATE versions SET status = 'superseded' WHERE record_id = ?1 AND status = 'signed-off'"
               " AND version < (SELECT max (version) FROM versions WHERE record_id = ?1"
               "                AND status IN ('signed-off', 'superseded'))",
               error);
    if (supersede == NULL)
      goto fail;
    involve_db_bind_int64 (supersede, 1, record_id);
    if (!step_done (self, supersede, doing, error))
      goto fail;
  }

  {
    g_auto(VersionRow) row = { 0 };
    g_autoptr(InvolveRecord) latest = NULL;
    AuditEvent event = { INVOLVE_AUDIT_IMPORT, uuid, 0 };

    if (!_involve_store_fetch_version (self, uuid, 0, &row, error) ||
        (latest = _involve_store_record_from_row (self, &row, error)) == NULL ||
        !_involve_store_refresh_summary (self, row.record_id, row.version_id, latest, now, SEARCH_NOW, error))
      goto fail;

    details = g_strdup_printf ("%u version(s) of %s imported from %s", imported, row.reference,
                               source ? source : "a file");
    event.version = row.version;
    event.details = details;
    if (!_involve_store_append_event (self, &event, now, NULL, error))
      goto fail;

    for (guint i = 0; trails != NULL && i < trails->len; i++)
      {
        if (!keep_imported_trail (self, g_ptr_array_index (trails, i), uuid, row.version, now, error))
          goto fail;
      }
  }

  if (!txn_commit (self, error))
    goto fail;
  return TRUE;

fail:
  txn_rollback (self);
  return FALSE;
}
