/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include "involve-store-rooms.h"

/*
 * Records and their values: versions, loading, creating, allocating
 * references, and saving one value.
 */

G_DEFINE_BOXED_TYPE (InvolveVersionInfo, involve_version_info,
                     involve_version_info_copy, involve_version_info_free)

InvolveVersionInfo *
involve_version_info_copy (const InvolveVersionInfo *info)
{
  InvolveVersionInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_new0 (InvolveVersionInfo, 1);
  *copy = *info;
  copy->status_reason = g_strdup (info->status_reason);
  copy->fingerprint = g_strdup (info->fingerprint);
  copy->sign_off = info->sign_off ? involve_sign_off_copy (info->sign_off) : NULL;
  return copy;
}

void
involve_version_info_free (InvolveVersionInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->status_reason);
  g_free (info->fingerprint);
  g_clear_pointer (&info->sign_off, involve_sign_off_free);
  g_free (info);
}

/* Versions */

void
_involve_store_version_row_clear (VersionRow *row)
{
  g_free (row->uuid);
  g_free (row->reference);
  g_free (row->framework);
  g_free (row->status_reason);
  g_free (row->fingerprint);
  g_free (row->submitted_account);
  g_free (row->submitted_profile);
  g_clear_pointer (&row->sign_off, involve_sign_off_free);
  memset (row, 0, sizeof *row);
}

static void
version_row_from_stmt (VersionRow    *row,
                       InvolveDbStmt *stmt)
{
  InvolveStatus status = INVOLVE_STATUS_DRAFT;

  row->record_id = involve_db_column_int64 (stmt, 0);
  row->version_id = involve_db_column_int64 (stmt, 1);
  row->uuid = column_dup (stmt, 2);
  row->reference = column_dup (stmt, 3);
  row->framework = column_dup (stmt, 4);
  row->version = (guint) involve_db_column_int64 (stmt, 5);
  row->latest_version = (guint) involve_db_column_int64 (stmt, 6);
  involve_status_from_string ((const char *) involve_db_column_text (stmt, 7), &status);
  row->status = status;
  row->status_reason = column_dup (stmt, 8);
  row->created_usec = involve_db_column_int64 (stmt, 9);
  row->modified_usec = involve_db_column_int64 (stmt, 10);
  row->fingerprint = column_dup (stmt, 11);
  row->submitted_account = column_dup (stmt, 12);
  row->submitted_profile = column_dup (stmt, 13);
  if (involve_db_column_type (stmt, 19) != SQLITE_NULL)
    {
      row->sign_off = involve_sign_off_new ();
      row->sign_off->reviewer_name = column_dup (stmt, 14);
      row->sign_off->reviewer_job_title = column_dup (stmt, 15);
      row->sign_off->reviewer_email = column_dup (stmt, 16);
      row->sign_off->reviewer_team = column_dup (stmt, 17);
      row->sign_off->date = column_dup (stmt, 18);
      row->sign_off->decision = column_dup (stmt, 19);
      row->sign_off->comments = column_dup (stmt, 20);
      row->sign_off->fingerprint = column_dup (stmt, 21);
      row->sign_off->decided_at_usec = involve_db_column_int64 (stmt, 22);
    }
}

/* @version 0: the latest. */
gboolean
_involve_store_fetch_version (InvolveStore *self,
                              const char   *uuid,
                              guint         version,
                              VersionRow   *row,
                              GError      **error)
{
  AUTO_STMT stmt = NULL;
  int rc;

  stmt = prepare (self,
                  "SELECT " VERSION_COLUMNS " FROM records r JOIN versions v ON v.record_id = r.id"
                  " WHERE r.uuid = ?1 AND v.version = (CASE WHEN ?2 = 0 THEN r.latest_version ELSE ?2 END)",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  involve_db_bind_int64 (stmt, 2, version);

  rc = involve_db_step (stmt);
  if (rc == SQLITE_ROW)
    {
      version_row_from_stmt (row, stmt);
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("Could not read the record"));
      return FALSE;
    }
  if (version == 0)
    {
      g_autofree char *message = g_strdup_printf (_("There is no record %s in the register."), uuid);
      set_error_code (error, INVOLVE_STORE_ERROR_NOT_FOUND, 0, message);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("Record %s has no version %u."), uuid, version);
      set_error_code (error, INVOLVE_STORE_ERROR_NOT_FOUND, 0, message);
    }
  return FALSE;
}

static GVariant *
parse_value (InvolveStore *self,
             const char   *text,
             const char   *field_id,
             GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  GVariant *value;

  value = g_variant_parse (NULL, text, NULL, NULL, &local_error);
  if (value == NULL)
    {
      g_autofree char *shown = involve_db_redact_location (self->path);
      g_autofree char *message =
        g_strdup_printf (_("The register “%s” holds an unreadable value for “%s”: %s."),
                         shown, field_id, local_error->message);
      set_error_code (error, INVOLVE_STORE_ERROR_CORRUPT, 0, message);
    }
  return value;
}

static gboolean
load_values (InvolveStore  *self,
             gint64         version_id,
             InvolveRecord *record,
             GError       **error)
{
  AUTO_STMT stmt = NULL;
  int rc;

  stmt = prepare (self, "SELECT field_id, value, modified_usec FROM field_values WHERE version_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  involve_db_bind_int64 (stmt, 1, version_id);

  while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      const char *field_id = (const char *) involve_db_column_text (stmt, 0);
      g_autoptr(GVariant) value = NULL;

      value = parse_value (self, (const char *) involve_db_column_text (stmt, 1), field_id, error);
      if (value == NULL)
        return FALSE;
      involve_record_set_value_full (record, field_id, value, involve_db_column_int64 (stmt, 2));
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("Could not read the record"));
      return FALSE;
    }
  return TRUE;
}

InvolveRecord *
_involve_store_record_from_row (InvolveStore *self,
                                VersionRow   *row,
                                GError      **error)
{
  g_autoptr(InvolveRecord) record = involve_record_new (row->framework);

  involve_record_set_uuid (record, row->uuid);
  involve_record_set_reference (record, row->reference);
  involve_record_set_version (record, row->version);
  involve_record_set_created_usec (record, row->created_usec);
  if (!load_values (self, row->version_id, record, error))
    return NULL;
  /* Status and sign-off last: the record model may refuse edits otherwise. */
  involve_record_set_status_reason (record, row->status_reason);
  involve_record_set_sign_off (record, row->sign_off);
  involve_record_set_status (record, row->status);
  if (row->modified_usec > 0)
    involve_record_set_modified_usec (record, row->modified_usec);
  return g_steal_pointer (&record);
}

InvolveRecord *
involve_store_load_record (InvolveStore *self,
                           const char   *uuid,
                           guint         version,
                           GError      **error)
{
  STORE_LOCK (self);
  g_auto(VersionRow) row = { 0 };

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_involve_store_fetch_version (self, uuid, version, &row, error))
    return NULL;
  return _involve_store_record_from_row (self, &row, error);
}

char *
involve_store_lookup_reference (InvolveStore *self,
                                const char   *reference,
                                GError      **error)
{
  STORE_LOCK (self);
  AUTO_STMT stmt = NULL;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  g_return_val_if_fail (reference != NULL, NULL);

  stmt = prepare (self, "SELECT uuid FROM records WHERE reference = ?1", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, reference);
  rc = involve_db_step (stmt);
  if (rc == SQLITE_ROW)
    return column_dup (stmt, 0);
  if (rc != SQLITE_DONE)
    set_sqlite_error (self, error, rc, _("Could not read the register"));
  else
    {
      g_autofree char *message = g_strdup_printf (_("There is no record %s in the register."), reference);
      set_error_code (error, INVOLVE_STORE_ERROR_NOT_FOUND, 0, message);
    }
  return NULL;
}

InvolveRecord *
involve_store_load_by_reference (InvolveStore *self,
                                 const char   *reference,
                                 guint         version,
                                 GError      **error)
{
  STORE_LOCK (self);
  g_autofree char *uuid = NULL;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  g_return_val_if_fail (reference != NULL, NULL);

  uuid = involve_store_lookup_reference (self, reference, error);
  if (uuid == NULL)
    return NULL;
  return involve_store_load_record (self, uuid, version, error);
}

GPtrArray *
involve_store_list_versions (InvolveStore *self,
                             const char   *uuid,
                             GError      **error)
{
  STORE_LOCK (self);
  g_autoptr(GPtrArray) versions = NULL;
  AUTO_STMT stmt = NULL;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  stmt = prepare (self,
                  "SELECT " VERSION_COLUMNS " FROM records r JOIN versions v ON v.record_id = r.id"
                  " WHERE r.uuid = ?1 ORDER BY v.version",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, uuid);

  versions = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_version_info_free);
  while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      g_auto(VersionRow) row = { 0 };
      InvolveVersionInfo *info = g_new0 (InvolveVersionInfo, 1);

      version_row_from_stmt (&row, stmt);
      info->version = row.version;
      info->status = row.status;
      info->status_reason = g_steal_pointer (&row.status_reason);
      info->created_usec = row.created_usec;
      info->modified_usec = row.modified_usec;
      info->fingerprint = g_steal_pointer (&row.fingerprint);
      info->sign_off = g_steal_pointer (&row.sign_off);
      g_ptr_array_add (versions, info);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("Could not read the record"));
      return NULL;
    }
  if (versions->len == 0)
    {
      g_autofree char *message = g_strdup_printf (_("There is no record %s in the register."), uuid);
      set_error_code (error, INVOLVE_STORE_ERROR_NOT_FOUND, 0, message);
      return NULL;
    }
  return g_steal_pointer (&versions);
}

/* Records */

static gboolean
allocate_reference (InvolveStore *self,
                    int           year,
                    char        **reference,
                    gint64       *number,
                    GError      **error)
{
  const char *doing = _("Could not allocate a reference");
  AUTO_STMT next = NULL;
  AUTO_STMT taken = NULL;

  next = prepare (self,
                  "INSERT INTO reference_counters (year, last) VALUES (?1, 1)"
                  " ON CONFLICT (year) DO UPDATE SET last = reference_counters.last + 1 RETURNING last",
                  error);
  taken = prepare (self, "SELECT 1 FROM records WHERE reference = ?1", error);
  if (next == NULL || taken == NULL)
    return FALSE;

  for (;;)
    {
      g_autofree char *candidate = NULL;
      int rc;

      involve_db_reset (next);
      involve_db_bind_int (next, 1, year);
      rc = involve_db_step (next);
      if (rc != SQLITE_ROW)
        {
          set_sqlite_error (self, error, rc, doing);
          return FALSE;
        }
      *number = involve_db_column_int64 (next, 0);
      involve_db_step (next);

      candidate = g_strdup_printf ("INV-%04d-%04" G_GINT64_FORMAT, year, *number);
      involve_db_reset (taken);
      bind_text (taken, 1, candidate);
      rc = involve_db_step (taken);
      if (rc == SQLITE_DONE)
        {
          *reference = g_steal_pointer (&candidate);
          return TRUE;
        }
      if (rc != SQLITE_ROW)
        {
          set_sqlite_error (self, error, rc, doing);
          return FALSE;
        }
    }
}

/* Inserts the records row and version 1 (or any version for imports). */
gboolean
_involve_store_insert_record_row (InvolveStore *self,
                                  const char   *uuid,
                                  const char   *reference,
                                  int           ref_year,
                                  gint64        ref_number,
                                  const char   *framework_id,
                                  gint64        created_usec,
                                  gint64       *record_id,
                                  GError      **error)
{
  AUTO_STMT stmt = NULL;

  stmt = prepare (self,
                  "INSERT INTO records (uuid, reference, ref_year, ref_number, framework,"
                  " latest_version, status, created_usec, modified_usec)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, 1, 'draft', ?6, ?6)",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  bind_text (stmt, 2, reference);
  involve_db_bind_int (stmt, 3, ref_year);
  involve_db_bind_int64 (stmt, 4, ref_number);
  bind_text (stmt, 5, framework_id);
  involve_db_bind_int64 (stmt, 6, created_usec);
  if (!step_done (self, stmt, _("Could not create the record"), error))
    return FALSE;
  *record_id = involve_db_last_insert_rowid (self->db);
  return TRUE;
}

gboolean
_involve_store_insert_version_row (InvolveStore  *self,
                                   gint64         record_id,
                                   guint          version,
                                   InvolveStatus  status,
                                   const char    *reason,
                                   gint64         created_usec,
                                   gint64        *version_id,
                                   GError       **error)
{
  AUTO_STMT stmt = NULL;

  stmt = prepare (self,
                  "INSERT INTO versions (record_id, version, status, status_reason, created_usec, modified_usec)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                  error);
  if (stmt == NULL)
    return FALSE;
  involve_db_bind_int64 (stmt, 1, record_id);
  involve_db_bind_int64 (stmt, 2, version);
  bind_text (stmt, 3, involve_status_to_string (status));
  bind_text (stmt, 4, reason);
  involve_db_bind_int64 (stmt, 5, created_usec);
  if (!step_done (self, stmt, _("Could not create the version"), error))
    return FALSE;
  *version_id = involve_db_last_insert_rowid (self->db);
  return TRUE;
}

static InvolveRecord *
create_record (InvolveStore  *self,
               const char    *framework_id,
               InvolveRecord *values,
               GError       **error)
{
  g_autoptr(GDateTime) now_dt = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *reference = NULL;
  g_autofree char *details = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(InvolveRecord) initial = NULL;
  AuditEvent event = { INVOLVE_AUDIT_CREATE, uuid, 1, NULL, NULL, NULL, NULL };
  gint64 now = 0;
  gint64 number = 0;
  gint64 record_id = 0;
  gint64 version_id = 0;

  if (!txn_begin (self, error))
    return NULL;
  now = _involve_store_now_usec (self);
  now_dt = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);

  if (!allocate_reference (self, g_date_time_get_year (now_dt), &reference, &number, error) ||
      !_involve_store_insert_record_row (self, uuid, reference, g_date_time_get_year (now_dt), number,
                                         framework_id, now, &record_id, error) ||
      !_involve_store_insert_version_row (self, record_id, 1, INVOLVE_STATUS_DRAFT, NULL, now, &version_id, error))
    goto fail;

  details = g_strdup_printf ("reference %s, framework %s", reference, framework_id);
  event.details = details;
  if (!_involve_store_append_event (self, &event, now, NULL, error))
    goto fail;

  record = involve_record_new (framework_id);
  involve_record_set_uuid (record, uuid);
  involve_record_set_reference (record, reference);
  involve_record_set_version (record, 1);
  involve_record_set_created_usec (record, now);

  /* A new record pins the form edition of its duty's guidance in force
   * today, as a value the fingerprint covers; a caller may give it. */
  initial = values != NULL ? involve_record_copy (values) : involve_record_new (framework_id);
  if (!involve_record_has_value (initial, INVOLVE_FIELD_FORM_EDITION))
    {
      InvolveDefinitions *definitions = involve_definitions_get_default (NULL);

      if (definitions != NULL)
        involve_record_set_string (initial, INVOLVE_FIELD_FORM_EDITION,
                                   involve_definitions_form_edition_for (definitions, framework_id, now));
    }

    {
      g_auto(GStrv) field_ids = involve_record_dup_field_ids (initial);

      for (guint i = 0; field_ids[i] != NULL; i++)
        {
          GVariant *value = involve_record_get_value (initial, field_ids[i]);
          g_autofree char *text = _involve_store_print_value (value);
          AuditEvent value_event = { INVOLVE_AUDIT_VALUE, uuid, 1, field_ids[i], NULL, text, NULL };
          gint64 audit_id = 0;

          if (!_involve_store_append_event (self, &value_event, now, &audit_id, error) ||
              !_involve_store_write_value (self, version_id, field_ids[i], text, now, audit_id, error))
            goto fail;
          involve_record_set_value_full (record, field_ids[i], value, now);
        }
    }

  if (!_involve_store_refresh_summary (self, record_id, version_id, record, now, SEARCH_NOW, error) ||
      !txn_commit (self, error))
    goto fail;

  return g_steal_pointer (&record);

fail:
  txn_rollback (self);
  return NULL;
}

InvolveRecord *
involve_store_create_record (InvolveStore *self,
                             const char   *framework_id,
                             GError      **error)
{
  STORE_LOCK (self);
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  g_return_val_if_fail (framework_id != NULL && *framework_id != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return create_record (self, framework_id, NULL, error);
}

InvolveRecord *
involve_store_create_record_with_values (InvolveStore  *self,
                                         InvolveRecord *values,
                                         GError       **error)
{
  STORE_LOCK (self);
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  g_return_val_if_fail (INVOLVE_IS_RECORD (values), NULL);
  g_return_val_if_fail (involve_record_get_framework_id (values) != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return create_record (self, involve_record_get_framework_id (values), values, error);
}

char *
_involve_store_print_value (GVariant *value)
{
  return value != NULL ? g_variant_print (value, TRUE) : NULL;
}

/* Writes or clears one value inside the caller's transaction. */
gboolean
_involve_store_write_value (InvolveStore *self,
                            gint64        version_id,
                            const char   *field_id,
                            const char   *text,
                            gint64        now,
                            gint64        audit_id,
                            GError      **error)
{
  const char *doing = _("Could not save the change");
  AUTO_STMT stmt = NULL;

  if (text != NULL)
    {
      stmt = prepare (self,
                      "INSERT INTO field_values (version_id, field_id, value, modified_usec, audit_id)"
                      " VALUES (?1, ?2, ?3, ?4, ?5)"
                      " ON CONFLICT (version_id, field_id) DO UPDATE"
                      " SET value = excluded.value, modified_usec = excluded.modified_usec,"
                      " audit_id = excluded.audit_id",
                      error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 3, text);
      involve_db_bind_int64 (stmt, 4, now);
      involve_db_bind_int64 (stmt, 5, audit_id);
    }
  else
    {
      stmt = prepare (self, "DELETE FROM field_values WHERE version_id = ?1 AND field_id = ?2", error);
      if (stmt == NULL)
        return FALSE;
    }
  involve_db_bind_int64 (stmt, 1, version_id);
  bind_text (stmt, 2, field_id);
  return step_done (self, stmt, doing, error);
}

static void
set_locked_error (GError       **error,
                  const VersionRow *row)
{
  g_autofree char *message = NULL;

  switch (row->status)
    {
    case INVOLVE_STATUS_SIGNED_OFF:
    case INVOLVE_STATUS_SUPERSEDED:
      message = g_strdup_printf (_("%s version %u has been signed off and can no longer be changed. Amend it to make a new version."),
                                 row->reference, row->version);
      break;
    case INVOLVE_STATUS_AWAITING_SIGN_OFF:
      message = g_strdup_printf (_("%s version %u is awaiting sign-off and cannot be changed. Recall it from sign-off first."),
                                 row->reference, row->version);
      break;
    case INVOLVE_STATUS_WITHDRAWN:
      message = g_strdup_printf (_("%s version %u has been withdrawn and cannot be changed."),
                                 row->reference, row->version);
      break;
    default:
      message = g_strdup_printf (_("%s version %u cannot be changed."), row->reference, row->version);
      break;
    }
  set_error_code (error, INVOLVE_STORE_ERROR_LOCKED, 0, message);
}

/* Whether someone changed @field_id of the version in @row after @record
 * read it: the stored value differs from the one @record holds and was
 * written later (a cleared field is found through its audit entry).  The
 * times are the register's own on both engines. */
static gboolean
check_conflict (InvolveStore  *self,
                const VersionRow *row,
                InvolveRecord *record,
                const char    *field_id,
                const char    *stored_text,
                GError       **error)
{
  g_autofree char *mine_text = _involve_store_print_value (involve_record_get_value (record, field_id));
  gint64 mine_usec = involve_record_get_value_modified (record, field_id);
  g_autofree char *who = NULL;
  g_autofree char *when = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GDateTime) local = NULL;
  gint64 changed_usec;
  AUTO_STMT stmt = NULL;

  if (g_strcmp0 (mine_text, stored_text) == 0)
    return TRUE;
  /* The latest value entry of this field in this version says who and when. */
  stmt = prepare (self,
                  "SELECT time_usec, account, profile FROM audit"
                  " WHERE record_uuid = ?1 AND version = ?2 AND field_id = ?3 AND kind = ?4"
                  " ORDER BY id DESC LIMIT 1",
                  error);
  if (stmt == NULL)
    return FALSE;
  involve_db_bind_text (stmt, 1, row->uuid, -1, SQLITE_TRANSIENT);
  involve_db_bind_int64 (stmt, 2, row->version);
  involve_db_bind_text (stmt, 3, field_id, -1, SQLITE_TRANSIENT);
  involve_db_bind_text (stmt, 4, INVOLVE_AUDIT_VALUE, -1, SQLITE_STATIC);
  if (involve_db_step (stmt) != SQLITE_ROW)
    return TRUE;   /* never written through the register: nothing to lose */
  changed_usec = involve_db_column_int64 (stmt, 0);
  if (changed_usec <= mine_usec)
    return TRUE;   /* @record has seen it, or changed it itself since */

  if (involve_db_column_type (stmt, 2) == SQLITE_TEXT && *involve_db_column_text (stmt, 2) != '\0')
    who = g_strdup (involve_db_column_text (stmt, 2));
  else
    who = g_strdup (involve_db_column_text (stmt, 1));
  local = g_date_time_new_from_unix_local (changed_usec / G_USEC_PER_SEC);
  when = local != NULL ? g_date_time_format (local, "%H:%M") : g_strdup ("?");
  message = g_strdup_printf (_("%s changed this answer at %s after you opened the record; your text was not saved "
                               "over theirs — copy it, reload the record and add it again."),
                             who, when);
  set_error_code (error, INVOLVE_STORE_ERROR_CONFLICT, 0, message);
  return FALSE;
}

gboolean
involve_store_set_value (InvolveStore  *self,
                         InvolveRecord *record,
                         const char    *field_id,
                         GVariant      *value,
                         GError       **error)
{
  STORE_LOCK (self);
  g_autoptr(GVariant) sunk = NULL;
  g_auto(VersionRow) row = { 0 };
  g_autoptr(InvolveRecord) current = NULL;
  g_autofree char *new_text = NULL;
  g_autofree char *old_text = NULL;
  GVariant *old_value;
  gint64 now = 0;
  gint64 audit_id = 0;
  AuditEvent event = { INVOLVE_AUDIT_VALUE, NULL, 0, field_id, NULL, NULL, NULL };

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (INVOLVE_IS_RECORD (record), FALSE);
  g_return_val_if_fail (field_id != NULL && *field_id != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (value != NULL)
    sunk = g_variant_ref_sink (value);

  if (!txn_begin (self, error))
    return FALSE;
  now = _involve_store_now_usec (self);

  if (!_involve_store_fetch_version (self, involve_record_get_uuid (record), 0, &row, error))
    goto fail;

  if (!involve_status_is_editable (row.status))
    {
      set_locked_error (error, &row);
      goto fail;
    }
  if (row.version != involve_record_get_version (record))
    {
      g_autofree char *message =
        g_strdup_printf (_("%s version %u is not the current version (%u); reopen the record to edit it."),
                         row.reference, involve_record_get_version (record), row.version);
      set_error_code (error, INVOLVE_STORE_ERROR_LOCKED, 0, message);
      goto fail;
    }

  /* The whole current version: for the old value, the index and the outcome. */
  current = _involve_store_record_from_row (self, &row, error);
  if (current == NULL)
    goto fail;

  old_value = involve_record_get_value (current, field_id);
  old_text = _involve_store_print_value (old_value);
  new_text = _involve_store_print_value (sunk);

  /* The form edition is pinned when the record is made: a record keeps its form. */
  if (g_str_equal (field_id, INVOLVE_FIELD_FORM_EDITION) && old_value != NULL &&
      g_strcmp0 (old_text, new_text) != 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("%s keeps the form edition it was made with (%s); it cannot be changed."),
                         row.reference, involve_record_get_form_edition (current));
      set_error_code (error, INVOLVE_STORE_ERROR_INVALID, 0, message);
      goto fail;
    }

  if (g_strcmp0 (old_text, new_text) != 0 &&
      !check_conflict (self, &row, record, field_id, old_text, error))
    goto fail;

  if (g_strcmp0 (old_text, new_text) != 0)
    {
      gboolean text_changed = _involve_store_value_has_text (old_value) || _involve_store_value_has_text (sunk) ||
                              g_str_equal (field_id, "title");

      event.record_uuid = row.uuid;
      event.version = row.version;
      event.old_value = old_text;
      event.new_value = new_text;
      if (!_involve_store_append_event (self, &event, now, &audit_id, error) ||
          !_involve_store_write_value (self, row.version_id, field_id, new_text, now, audit_id, error))
        goto fail;

      {
        AUTO_STMT touch = prepare (self,
                                   "UPDATE versions SET modified_usec = ?2, fingerprint = NULL WHERE id = ?1",
                                   error);
        if (touch == NULL)
          goto fail;
        involve_db_bind_int64 (touch, 1, row.version_id);
        involve_db_bind_int64 (touch, 2, now);
        if (!step_done (self, touch, _("Could not save the change"), error))
          goto fail;
      }

      involve_record_set_value_full (current, field_id, sunk, now);
      if (!_involve_store_refresh_summary (self, row.record_id, row.version_id, current, now,
                                           text_changed ? SEARCH_DEFER : SEARCH_KEEP, error) ||
          !txn_commit (self, error))
        goto fail;
    }
  else
    {
      txn_rollback (self);
    }

  /* Keep the caller's model in step (no signal when it is already there). */
  if (sunk != NULL)
    {
      GVariant *mine = involve_record_get_value (record, field_id);

      if (mine == NULL || !g_variant_equal (mine, sunk))
        involve_record_set_value_full (record, field_id, sunk, now);
    }
  else if (involve_record_has_value (record, field_id))
    {
      involve_record_set_value_full (record, field_id, NULL, now);
    }
  return TRUE;

fail:
  txn_rollback (self);
  return FALSE;
}

InvolveRecord *
_involve_store_load_for_signing (InvolveStore *self,
                                 const char   *uuid,
                                 guint         version,
                                 GError      **error)
{
  g_auto(VersionRow) row = { 0 };

  if (!_involve_store_fetch_version (self, uuid, version, &row, error))
    return NULL;
  return _involve_store_record_from_row (self, &row, error);
}
