/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "involve-store-anchors.h"
#include "involve-store-internal.h"
#include "involve-store-private.h"

/*
 * verify, second half: the tables must be what the audit log says they
 * are.  One pass over the log rebuilds, for every record and version, the
 * status and its reason, the last decision, the times, and for each field
 * the audit entry whose value stands (a cleared field has none); then the
 * tables are read once and compared.  Values are compared by the entry
 * that wrote them (verify_values () has already checked each stored value
 * against its entry), so a value deleted, or put back to an earlier one,
 * by SQL with the triggers dropped is caught.
 *
 * Versions imported from another register came with their state from the
 * file, not from local entries: their status and reviewer block are taken
 * as they are until a local entry changes them.
 */

typedef struct
{
  guint       version;
  gboolean    local;          /* created here (create or amend entry) */
  gboolean    status_known;   /* a local entry set the status */
  gboolean    values_known;   /* local, or imported values were logged */
  char       *status;
  char       *reason;
  gint64      created_usec;
  gint64      modified_usec;  /* the last entry that changed it */
  gint64      decision_id;    /* the last sign-off or return entry, or 0 */
  char       *decision_kind;
  char       *decision_details;
  gint64      decision_usec;
  gint64      imported_id;    /* the import-version entry whose state stands, or 0 */
  char       *imported_state;
  GHashTable *values;         /* interned field id -> entry id (GSIZE_TO_POINTER) */
  guint       matched;        /* values found in the table (second pass) */
  gboolean    seen;           /* a table row exists (second pass) */
} VersionState;

typedef struct
{
  char       *uuid;
  gboolean    local;          /* a create entry */
  gboolean    imported;       /* an import entry names it */
  gint64      created_usec;
  gint64      changed_usec;   /* the last create/value/status/decision/amend entry */
  gint64      first_id;       /* its first entry, for messages */
  GPtrArray  *versions;       /* VersionState*, index version - 1, NULL gaps */
} RecordState;

static void
version_state_free (gpointer data)
{
  VersionState *v = data;

  if (v == NULL)
    return;
  g_free (v->status);
  g_free (v->reason);
  g_free (v->decision_kind);
  g_free (v->decision_details);
  g_free (v->imported_state);
  g_hash_table_unref (v->values);
  g_free (v);
}

static void
record_state_free (gpointer data)
{
  RecordState *r = data;

  g_free (r->uuid);
  g_ptr_array_unref (r->versions);
  g_free (r);
}

static RecordState *
record_state (GHashTable *records,
              const char *uuid,
              gint64      entry_id)
{
  RecordState *r = g_hash_table_lookup (records, uuid);

  if (r == NULL)
    {
      r = g_new0 (RecordState, 1);
      r->uuid = g_strdup (uuid);
      r->first_id = entry_id;
      r->versions = g_ptr_array_new_with_free_func (version_state_free);
      g_hash_table_insert (records, r->uuid, r);
    }
  return r;
}

static VersionState *
version_state (RecordState *r,
               guint        version)
{
  VersionState *v;

  if (version == 0)
    return NULL;
  if (r->versions->len < version)
    g_ptr_array_set_size (r->versions, version);
  v = g_ptr_array_index (r->versions, version - 1);
  if (v == NULL)
    {
      v = g_new0 (VersionState, 1);
      v->version = version;
      v->values = g_hash_table_new (g_direct_hash, g_direct_equal);
      r->versions->pdata[version - 1] = v;
    }
  return v;
}

static VersionState *
find_version (RecordState *r,
              guint        version)
{
  if (r == NULL || version == 0 || version > r->versions->len)
    return NULL;
  return g_ptr_array_index (r->versions, version - 1);
}

static void
set_str (char      **slot,
         const char *value)
{
  g_free (*slot);
  *slot = g_strdup (value);
}

/* "from -> to: reason" gives the reason, or NULL. */
static const char *
status_reason_from_details (const char *details,
                            const char *from,
                            const char *to)
{
  gsize skip;

  if (details == NULL || from == NULL || to == NULL)
    return NULL;
  skip = strlen (from) + strlen (" -> ") + strlen (to);
  if (strlen (details) > skip && g_str_has_prefix (details + skip, ": "))
    return details + skip + 2;
  return NULL;
}

static gboolean
replay_log (InvolveStore *self,
            GHashTable   *records,
            GError      **error)
{
  InvolveDbStmt *stmt = NULL;
  int rc;

  rc = involve_db_prepare (_involve_store_get_connection (self),
                           "SELECT id, time_usec, kind, record_uuid, version, field_id, old_value,"
                           " new_value, details FROM audit WHERE record_uuid IS NOT NULL ORDER BY id",
                           FALSE, &stmt);
  while (rc == SQLITE_OK && (rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = involve_db_column_int64 (stmt, 0);
      gint64 time = involve_db_column_int64 (stmt, 1);
      const char *kind = (const char *) involve_db_column_text (stmt, 2);
      const char *uuid = (const char *) involve_db_column_text (stmt, 3);
      guint version = (guint) involve_db_column_int64 (stmt, 4);
      const char *field_id = (const char *) involve_db_column_text (stmt, 5);
      const char *old_value = (const char *) involve_db_column_text (stmt, 6);
      const char *new_value = (const char *) involve_db_column_text (stmt, 7);
      const char *details = (const char *) involve_db_column_text (stmt, 8);
      RecordState *r;
      VersionState *v;
      gboolean change = TRUE;

      rc = SQLITE_OK;
      if (kind == NULL)
        continue;
      r = record_state (records, uuid, id);

      if (g_str_equal (kind, INVOLVE_AUDIT_CREATE))
        {
          r->local = TRUE;
          r->created_usec = time;
          v = version_state (r, MAX (version, 1));
          v->local = v->status_known = v->values_known = TRUE;
          set_str (&v->status, "draft");
          v->created_usec = time;
        }
      else if (g_str_equal (kind, INVOLVE_AUDIT_VALUE) && field_id != NULL)
        {
          v = version_state (r, version);
          if (v == NULL)
            continue;
          v->values_known = TRUE;
          if (new_value != NULL)
            g_hash_table_insert (v->values, (gpointer) g_intern_string (field_id), GSIZE_TO_POINTER ((gsize) id));
          else
            g_hash_table_remove (v->values, g_intern_string (field_id));
        }
      else if (g_str_equal (kind, INVOLVE_AUDIT_STATUS))
        {
          const char *reason = status_reason_from_details (details, old_value, new_value);

          v = version_state (r, version);
          if (v == NULL || new_value == NULL)
            continue;
          v->status_known = TRUE;
          set_str (&v->status, new_value);
          if (reason != NULL)
            set_str (&v->reason, reason);
          /* From here on the local entries say what the state is. */
          v->imported_id = 0;
        }
      else if (g_str_equal (kind, INVOLVE_AUDIT_IMPORT_VERSION))
        {
          v = version_state (r, version);
          if (v == NULL || new_value == NULL)
            continue;
          r->imported = TRUE;
          v->status_known = TRUE;
          set_str (&v->status, new_value);
          v->imported_id = id;
          set_str (&v->imported_state, details);
        }
      else if (g_str_equal (kind, INVOLVE_AUDIT_SIGN_OFF) || g_str_equal (kind, INVOLVE_AUDIT_RETURN))
        {
          v = version_state (r, version);
          if (v == NULL)
            continue;
          v->decision_id = id;
          v->decision_usec = time;
          v->imported_id = 0;
          set_str (&v->decision_kind, kind);
          set_str (&v->decision_details, details);
        }
      else if (g_str_equal (kind, INVOLVE_AUDIT_AMEND))
        {
          VersionState *previous = find_version (r, version - 1);
          GHashTableIter iter;
          gpointer key, value;

          v = version_state (r, version);
          if (v == NULL)
            continue;
          v->local = v->status_known = v->values_known = TRUE;
          set_str (&v->status, "draft");
          set_str (&v->reason, details);
          v->created_usec = time;
          g_hash_table_remove_all (v->values);
          if (previous != NULL)
            {
              g_hash_table_iter_init (&iter, previous->values);
              while (g_hash_table_iter_next (&iter, &key, &value))
                g_hash_table_insert (v->values, key, value);
            }
        }
      else
        {
          if (g_str_equal (kind, INVOLVE_AUDIT_IMPORT))
            r->imported = TRUE;
          change = FALSE;
          v = NULL;
        }

      if (change)
        {
          r->changed_usec = MAX (r->changed_usec, time);
          if (v != NULL)
            v->modified_usec = MAX (v->modified_usec, time);
        }
    }
  involve_db_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_FAILED,
                   _("Could not read the audit log: %s"), sqlite3_errstr (rc));
      return FALSE;
    }
  return TRUE;
}

static gboolean
mismatch (GError    **error,
          gint64     *first_broken_id,
          gint64      entry_id,
          char       *message)
{
  g_autofree char *owned = message;

  if (first_broken_id != NULL)
    *first_broken_id = entry_id;
  g_set_error_literal (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED, owned);
  return FALSE;
}

static gboolean
sql_failed (GError     **error,
            int          rc)
{
  g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_FAILED,
               _("Could not read the register: %s"), sqlite3_errstr (rc));
  return FALSE;
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return FALSE;
    }
  return TRUE;
}

/* A signed entry's details go on with " [signed by …]" (the signature
 * itself is checked by the signatures step of verify), after the team
 * register's note on a decision by file (whose time that step checks). */
static gboolean
same_decision_details (const char *rebuilt,
                       const char *logged)
{
  gsize length;

  if (rebuilt == NULL || logged == NULL || !g_str_has_prefix (logged, rebuilt))
    return FALSE;
  length = strlen (rebuilt);
  length += _involve_store_server_clock_note_length (logged + length);
  return logged[length] == '\0' || g_str_has_prefix (logged + length, " [signed by ");
}

static const char *
or_none (const char *text)
{
  return text != NULL ? text : _("(none)");
}

/* Versions: status, reason, reviewer block, times. */
static gboolean
check_versions (InvolveStore *self,
                GHashTable   *records,
                GHashTable   *references,
                gint64       *first_broken_id,
                GError      **error)
{
  InvolveDbStmt *stmt = NULL;
  int rc;

  rc = involve_db_prepare (_involve_store_get_connection (self),
                           "SELECT r.uuid, r.reference, v.version, v.status, v.status_reason,"
                           " v.created_usec, v.modified_usec, v.reviewer_name, v.reviewer_job_title,"
                           " v.reviewer_email, v.review_date, v.decision, v.review_comments,"
                           " v.decided_fingerprint, v.decided_usec"
                           " FROM versions v JOIN records r ON r.id = v.record_id ORDER BY v.id",
                           FALSE, &stmt);
  while (rc == SQLITE_OK && (rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      const char *uuid = (const char *) involve_db_column_text (stmt, 0);
      const char *reference = (const char *) involve_db_column_text (stmt, 1);
      guint version = (guint) involve_db_column_int64 (stmt, 2);
      const char *status = (const char *) involve_db_column_text (stmt, 3);
      const char *reason = (const char *) involve_db_column_text (stmt, 4);
      gint64 created = involve_db_column_int64 (stmt, 5);
      gint64 modified = involve_db_column_int64 (stmt, 6);
      const char *decision = (const char *) involve_db_column_text (stmt, 11);
      RecordState *r = g_hash_table_lookup (records, uuid);
      VersionState *v = find_version (r, version);
      char *message = NULL;
      gint64 entry = 0;

      rc = SQLITE_OK;
      if (!g_hash_table_contains (references, uuid))
        g_hash_table_insert (references, g_strdup (uuid), g_strdup (reference));
      if (v == NULL)
        {
          /* An imported version without values leaves no entry of its own. */
          if (r != NULL && r->imported)
            continue;
          message = g_strdup_printf (_("%s version %u is in the register but not in the audit log: it was added outside Involve."),
                                     reference, version);
        }
      else
        {
          v->seen = TRUE;
          entry = v->decision_id;
          if (v->status_known && g_strcmp0 (status, v->status) != 0)
            message = g_strdup_printf (_("%s version %u: the register says its status is “%s”, but the audit log says “%s”: it was changed outside Involve."),
                                       reference, version, status, v->status);
          else if (v->status_known && v->local && g_strcmp0 (reason, v->reason) != 0)
            message = g_strdup_printf (_("%s version %u: the register gives the reason “%s”, but the audit log says “%s”: it was changed outside Involve."),
                                       reference, version, or_none (reason), or_none (v->reason));
          else if (v->local && created != v->created_usec)
            message = g_strdup_printf (_("%s version %u: its creation time in the register is not the time the audit log gives: it was changed outside Involve."),
                                       reference, version);
          else if (v->local && modified != v->modified_usec)
            message = g_strdup_printf (_("%s version %u: its last-change time in the register is not the time of its last audit entry: it was changed outside Involve."),
                                       reference, version);
          else if (v->decision_id > 0)
            {
              gboolean signing = g_strcmp0 (decision, "signed-off") == 0;
              g_autofree char *details =
                _involve_store_format_decision (signing,
                                                (const char *) involve_db_column_text (stmt, 7),
                                                (const char *) involve_db_column_text (stmt, 8),
                                                (const char *) involve_db_column_text (stmt, 9),
                                                (const char *) involve_db_column_text (stmt, 10),
                                                (const char *) involve_db_column_text (stmt, 13),
                                                (const char *) involve_db_column_text (stmt, 12));
              const char *expected_decision = g_str_equal (v->decision_kind, INVOLVE_AUDIT_SIGN_OFF) ?
                                              "signed-off" : "returned";

              if (g_strcmp0 (decision, expected_decision) != 0 ||
                  !same_decision_details (details, v->decision_details))
                message = g_strdup_printf (_("%s version %u: the reviewer’s block in the register (decision, reviewer, date, comments or fingerprint) is not what audit entry %" PRId64 " recorded: it was changed outside Involve."),
                                           reference, version, v->decision_id);
              /* The decision time is the reviewer's own clock when decided
               * by file (the team register's, with a note saying so): the
               * signed act vouches for it (verify's signature step), not
               * the entry's time. */
            }
          else if (v->imported_id > 0)
            {
              g_autofree char *state =
                _involve_store_format_imported_state (status, reason, decision,
                                                      (const char *) involve_db_column_text (stmt, 7),
                                                      (const char *) involve_db_column_text (stmt, 8),
                                                      (const char *) involve_db_column_text (stmt, 9),
                                                      (const char *) involve_db_column_text (stmt, 10),
                                                      (const char *) involve_db_column_text (stmt, 13),
                                                      (const char *) involve_db_column_text (stmt, 12));

              entry = v->imported_id;
              if (g_strcmp0 (state, v->imported_state) != 0)
                message = g_strdup_printf (_("%s version %u: its status reason or reviewer’s block in the register is not what audit entry %" PRId64 " recorded when it was imported: it was changed outside Involve."),
                                           reference, version, v->imported_id);
            }
          else if (v->local && decision != NULL)
            message = g_strdup_printf (_("%s version %u carries a reviewer’s decision (“%s”) that the audit log never recorded: it was added outside Involve."),
                                       reference, version, decision);
        }
      if (message != NULL)
        {
          involve_db_finalize (stmt);
          return mismatch (error, first_broken_id, entry, message);
        }
    }
  involve_db_finalize (stmt);
  if (rc != SQLITE_DONE)
    return sql_failed (error, rc);
  return TRUE;
}

/* Versions and records the log knows that the tables lost. */
static gboolean
check_missing (GHashTable *records,
               GHashTable *references,
               gint64     *first_broken_id,
               GError    **error)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, records);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      RecordState *r = value;
      const char *reference = g_hash_table_lookup (references, r->uuid);

      if (reference == NULL)
        {
          if (!r->local)
            continue;
          return mismatch (error, first_broken_id, r->first_id,
                           g_strdup_printf (_("The record created by audit entry %" PRId64 " (%s) is no longer in the register: it was deleted outside Involve."),
                                            r->first_id, r->uuid));
        }
      for (guint i = 0; i < r->versions->len; i++)
        {
          VersionState *v = g_ptr_array_index (r->versions, i);

          if (v != NULL && !v->seen && (v->local || g_hash_table_size (v->values) > 0))
            return mismatch (error, first_broken_id, 0,
                             g_strdup_printf (_("%s version %u is in the audit log but no longer in the register: it was deleted outside Involve."),
                                              reference, v->version));
        }
    }
  return TRUE;
}

/* Each field's value must come from the last entry that set it, and no
 * field the log set may be missing. */
static gboolean
check_values (InvolveStore *self,
              GHashTable   *records,
              GHashTable   *references,
              gint64       *first_broken_id,
              GError      **error)
{
  InvolveDbStmt *stmt = NULL;
  GHashTableIter iter;
  gpointer value;
  int rc;

  rc = involve_db_prepare (_involve_store_get_connection (self),
                           "SELECT r.uuid, r.reference, v.version, fv.field_id, fv.audit_id"
                           " FROM field_values fv JOIN versions v ON v.id = fv.version_id"
                           " JOIN records r ON r.id = v.record_id",
                           FALSE, &stmt);
  while (rc == SQLITE_OK && (rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      const char *reference = (const char *) involve_db_column_text (stmt, 1);
      guint version = (guint) involve_db_column_int64 (stmt, 2);
      const char *field_id = (const char *) involve_db_column_text (stmt, 3);
      gint64 audit_id = involve_db_column_int64 (stmt, 4);
      VersionState *v = find_version (g_hash_table_lookup (records, involve_db_column_text (stmt, 0)), version);
      gpointer expected = NULL;
      char *message = NULL;

      rc = SQLITE_OK;
      if (v == NULL || !v->values_known || field_id == NULL)
        continue;
      if (!g_hash_table_lookup_extended (v->values, g_intern_string (field_id), NULL, &expected))
        message = g_strdup_printf (_("“%s” in %s version %u has a value, but the audit log says it was cleared or never set: it was changed outside Involve."),
                                   field_id, reference, version);
      else if ((gint64) GPOINTER_TO_SIZE (expected) != audit_id)
        message = g_strdup_printf (_("“%s” in %s version %u holds the value of audit entry %" PRId64 ", but audit entry %" PRId64 " changed it since: it was put back or changed outside Involve."),
                                   field_id, reference, version, audit_id, (gint64) GPOINTER_TO_SIZE (expected));
      if (message != NULL)
        {
          involve_db_finalize (stmt);
          return mismatch (error, first_broken_id, (gint64) GPOINTER_TO_SIZE (expected), message);
        }
      v->matched++;
    }
  involve_db_finalize (stmt);
  if (rc != SQLITE_DONE)
    return sql_failed (error, rc);

  g_hash_table_iter_init (&iter, records);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      RecordState *r = value;

      for (guint i = 0; i < r->versions->len; i++)
        {
          VersionState *v = g_ptr_array_index (r->versions, i);
          GHashTableIter fields;
          gpointer key, id;

          if (v == NULL || !v->seen || !v->values_known || v->matched == g_hash_table_size (v->values))
            continue;
          /* Find which one went: the table has fewer than the log set. */
          g_hash_table_iter_init (&fields, v->values);
          while (g_hash_table_iter_next (&fields, &key, &id))
            {
              InvolveDbStmt *find = NULL;
              gboolean present = FALSE;

              if (involve_db_prepare (_involve_store_get_connection (self),
                                      "SELECT 1 FROM field_values fv JOIN versions v ON v.id = fv.version_id"
                                      " JOIN records r ON r.id = v.record_id"
                                      " WHERE r.uuid = ?1 AND v.version = ?2 AND fv.field_id = ?3",
                                      FALSE, &find) == SQLITE_OK)
                {
                  involve_db_bind_text (find, 1, r->uuid, -1, SQLITE_STATIC);
                  involve_db_bind_int64 (find, 2, v->version);
                  involve_db_bind_text (find, 3, key, -1, SQLITE_STATIC);
                  present = involve_db_step (find) == SQLITE_ROW;
                }
              involve_db_finalize (find);
              if (!present)
                return mismatch (error, first_broken_id, (gint64) GPOINTER_TO_SIZE (id),
                                 g_strdup_printf (_("“%s” in %s version %u is empty, but audit entry %" PRId64 " gave it a value: it was deleted outside Involve."),
                                                  (const char *) key,
                                                  (const char *) g_hash_table_lookup (references, r->uuid),
                                                  v->version, (gint64) GPOINTER_TO_SIZE (id)));
            }
        }
    }
  return TRUE;
}

/* The records rows (the list's summary) and the full-text index, rebuilt
 * from each record's latest version. */
static gboolean
check_summaries (InvolveStore *self,
                 GHashTable   *records,
                 gint64       *first_broken_id,
                 GError      **error)
{
  int schema = involve_store_get_schema_version (self);
  InvolveDb *db = _involve_store_get_connection (self);
  InvolveDbStmt *stmt = NULL;
  InvolveDbStmt *text = NULL;
  g_autofree char *sql = NULL;
  gint64 n_records = 0;
  int rc;

  sql = g_strdup_printf ("SELECT r.uuid, r.reference, r.latest_version, r.status, r.outcome, r.title,"
                         " r.organisation, r.created_usec, r.modified_usec, %s,"
                         " (SELECT status FROM versions v WHERE v.record_id = r.id AND v.version = r.latest_version),"
                         " (SELECT MAX (version) FROM versions v WHERE v.record_id = r.id),"
                         " r.ref_year * 100000000 + r.ref_number"
                         " FROM records r ORDER BY r.id",
                         schema >= 4 ? "r.search_stale" : "1");
  rc = involve_db_prepare (db, sql, FALSE, &stmt);
  if (rc == SQLITE_OK && schema >= 3)
    rc = involve_db_prepare (db, "SELECT reference, title, organisation, body FROM search_text WHERE rowid = ?1",
                             FALSE, &text);
  while (rc == SQLITE_OK && (rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      const char *uuid = (const char *) involve_db_column_text (stmt, 0);
      const char *reference = (const char *) involve_db_column_text (stmt, 1);
      guint latest = (guint) involve_db_column_int64 (stmt, 2);
      const char *status = (const char *) involve_db_column_text (stmt, 3);
      gint64 modified = involve_db_column_int64 (stmt, 8);
      RecordState *r = g_hash_table_lookup (records, uuid);
      g_autoptr(InvolveRecord) record = NULL;
      g_autoptr(GError) load_error = NULL;
      g_autofree char *outcome = NULL;
      char *message = NULL;
      const char *title;
      const char *organisation;

      rc = SQLITE_OK;
      n_records++;
      if (latest != (guint) involve_db_column_int64 (stmt, 11))
        message = g_strdup_printf (_("%s: the register list says its latest version is %u, but it has version %u: it was changed outside Involve."),
                                   reference, latest, (guint) involve_db_column_int64 (stmt, 11));
      else if (g_strcmp0 (status, (const char *) involve_db_column_text (stmt, 10)) != 0)
        message = g_strdup_printf (_("%s: the register list says its status is “%s”, but version %u is “%s”: it was changed outside Involve."),
                                   reference, status, latest, or_none ((const char *) involve_db_column_text (stmt, 10)));
      else if (r != NULL && r->local && involve_db_column_int64 (stmt, 7) != r->created_usec)
        message = g_strdup_printf (_("%s: its creation time in the register is not the time of its creation entry: it was changed outside Involve."),
                                   reference);
      else if (r != NULL && (modified < r->changed_usec || (!r->imported && modified != r->changed_usec)))
        message = g_strdup_printf (_("%s: its last-change time in the register list is not the time of its last audit entry: it was changed outside Involve."),
                                   reference);
      if (message != NULL)
        goto failed;

      record = involve_store_load_record (self, uuid, latest, &load_error);
      if (record == NULL)
        {
          involve_db_finalize (stmt);
          involve_db_finalize (text);
          g_propagate_error (error, g_steal_pointer (&load_error));
          return FALSE;
        }
      title = involve_record_get_string (record, "title");
      organisation = involve_record_get_string (record, "organisation-name");
      outcome = _involve_store_compute_outcome (record);
      /* The list shows nothing for an answer of spaces. */
      if (is_blank (title))
        title = NULL;
      if (is_blank (organisation))
        organisation = NULL;
      if (g_strcmp0 (title, (const char *) involve_db_column_text (stmt, 5)) != 0)
        message = g_strdup_printf (_("%s: the title in the register list is not the one its answers give: it was changed outside Involve."),
                                   reference);
      else if (g_strcmp0 (organisation, (const char *) involve_db_column_text (stmt, 6)) != 0)
        message = g_strdup_printf (_("%s: the organisation in the register list is not the one its answers give: it was changed outside Involve."),
                                   reference);
      else if (g_strcmp0 (outcome, (const char *) involve_db_column_text (stmt, 4)) != 0)
        message = g_strdup_printf (_("%s: the register list gives the outcome “%s”, but its answers give “%s”: it was changed outside Involve."),
                                   reference, or_none ((const char *) involve_db_column_text (stmt, 4)), or_none (outcome));
      else if (text != NULL && involve_db_column_int (stmt, 9) == 0)
        {
          g_autofree char *body = _involve_store_compute_search_body (record);

          involve_db_reset (text);
          involve_db_bind_int64 (text, 1, involve_db_column_int64 (stmt, 12));
          if (involve_db_step (text) != SQLITE_ROW ||
              g_strcmp0 ((const char *) involve_db_column_text (text, 0), reference) != 0 ||
              g_strcmp0 ((const char *) involve_db_column_text (text, 1), title) != 0 ||
              g_strcmp0 ((const char *) involve_db_column_text (text, 2), organisation) != 0 ||
              g_strcmp0 ((const char *) involve_db_column_text (text, 3), body) != 0)
            message = g_strdup_printf (_("%s: the search index does not hold what its answers say, so searches would miss or wrongly find it: it was changed outside Involve."),
                                       reference);
        }
      if (message != NULL)
        goto failed;
      continue;

    failed:
      involve_db_finalize (stmt);
      involve_db_finalize (text);
      return mismatch (error, first_broken_id, 0, message);
    }
  involve_db_finalize (stmt);
  involve_db_finalize (text);
  if (rc != SQLITE_DONE)
    return sql_failed (error, rc);

  /* Rows in the index for records that are not there. */
  if (schema >= 3)
    {
      gint64 rows = 0;

      rc = involve_db_prepare (db, "SELECT COUNT (*) FROM search_text", FALSE, &stmt);
      if (rc == SQLITE_OK && (rc = involve_db_step (stmt)) == SQLITE_ROW)
        rows = involve_db_column_int64 (stmt, 0);
      involve_db_finalize (stmt);
      if (rc != SQLITE_ROW)
        return sql_failed (error, rc);
      if (rows != n_records)
        return mismatch (error, first_broken_id, 0,
                         g_strdup_printf (_("The search index holds %" PRId64 " records but the register %" PRId64 ": it was changed outside Involve."),
                                          rows, n_records));
    }
  return TRUE;
}

gboolean
_involve_store_verify_state (InvolveStore *self,
                             gint64       *first_broken_id,
                             GError      **error)
{
  g_autoptr(GHashTable) records = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, record_state_free);
  g_autoptr(GHashTable) references = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  /* The most telling first: a changed status or answer before the list
   * and the index that follow from it. */
  return replay_log (self, records, error) &&
         check_versions (self, records, references, first_broken_id, error) &&
         check_values (self, records, references, first_broken_id, error) &&
         check_missing (records, references, first_broken_id, error) &&
         check_summaries (self, records, first_broken_id, error);
}

char *
_involve_store_format_decision (gboolean    signing,
                                const char *reviewer_name,
                                const char *job_title,
                                const char *email,
                                const char *date,
                                const char *fingerprint,
                                const char *comments)
{
  return g_strdup_printf ("%s by %s%s%s%s%s, date %s, fingerprint %s%s%s",
                          signing ? "signed off" : "returned",
                          reviewer_name ? reviewer_name : "(null)",
                          job_title ? ", " : "", job_title ? job_title : "",
                          email ? ", " : "", email ? email : "",
                          date ? date : "(null)", fingerprint ? fingerprint : "(null)",
                          comments ? "; comments: " : "", comments ? comments : "");
}

char *
_involve_store_format_imported_state (const char *status,
                                      const char *reason,
                                      const char *decision,
                                      const char *reviewer_name,
                                      const char *job_title,
                                      const char *email,
                                      const char *date,
                                      const char *fingerprint,
                                      const char *comments)
{
  GString *out = g_string_new ("imported as ");

  g_string_append (out, status != NULL ? status : "(null)");
  if (reason != NULL)
    g_string_append_printf (out, "; reason: %s", reason);
  if (decision != NULL)
    {
      g_autofree char *block = _involve_store_format_decision (g_str_equal (decision, "signed-off"),
                                                               reviewer_name, job_title, email,
                                                               date, fingerprint, comments);

      g_string_append_printf (out, "; decision %s: %s", decision, block);
    }
  return g_string_free (out, FALSE);
}
