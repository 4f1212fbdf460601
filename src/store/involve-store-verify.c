/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include "involve-store-rooms.h"

/*
 * Verify: the whole register checked against its audit log (chain, values,
 * fingerprints, imported trails, the file itself); the other checks are
 * in involve-store-verify-*.c.
 */

static gboolean
verify_chain (InvolveStore *self,
              gint64       *first_broken_id,
              GError      **error)
{
  g_auto(AuditHasher) hasher = { NULL, NULL };
  char prev_hash[65] = ZERO_HASH;
  char hash[65];
  InvolveDbStmt *stmt = NULL;
  gint64 expected = 1;
  int rc;

  _involve_store_audit_hasher_init (&hasher);
  rc = involve_db_prepare (self->db, "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY id", FALSE, &stmt);
  while (rc == SQLITE_OK && (rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *message = NULL;
      const char *stored_hash = (const char *) involve_db_column_text (stmt, 12);
      AuditFields fields;

      fields.id = involve_db_column_int64 (stmt, 0);
      fields.time_usec = involve_db_column_int64 (stmt, 1);
      fields.account = (const char *) involve_db_column_text (stmt, 2);
      fields.profile = (const char *) involve_db_column_text (stmt, 3);
      fields.kind = (const char *) involve_db_column_text (stmt, 4);
      fields.record_uuid = (const char *) involve_db_column_text (stmt, 5);
      fields.version = involve_db_column_int64 (stmt, 6);
      fields.field_id = (const char *) involve_db_column_text (stmt, 7);
      fields.old_value = (const char *) involve_db_column_text (stmt, 8);
      fields.new_value = (const char *) involve_db_column_text (stmt, 9);
      fields.details = (const char *) involve_db_column_text (stmt, 10);
      fields.prev_hash = (const char *) involve_db_column_text (stmt, 11);

      if (fields.id != expected)
        {
          g_autofree char *missing = NULL;

          if (fields.id == expected + 1)
            missing = g_strdup_printf (_("Audit entry %" PRId64 " is missing"), expected);
          else
            missing = g_strdup_printf (_("Audit entries %" PRId64 " to %" PRId64 " are missing"),
                                       expected, fields.id - 1);
          if (expected == 1)
            message = g_strdup_printf (_("%s: the log starts at entry %" PRId64 "."), missing, fields.id);
          else
            message = g_strdup_printf (_("%s: the log jumps from entry %" PRId64 " to %" PRId64 "."),
                                       missing, expected - 1, fields.id);
          involve_db_finalize (stmt);
          return _involve_store_tampered (error, first_broken_id, expected, message);
        }
      if (g_strcmp0 (fields.prev_hash, prev_hash) != 0)
        {
          message = g_strdup_printf (_("Audit entry %" PRId64 " does not follow entry %" PRId64 ": entries were altered, reordered or removed."),
                                     fields.id, fields.id - 1);
          involve_db_finalize (stmt);
          return _involve_store_tampered (error, first_broken_id, fields.id, message);
        }
      _involve_store_audit_fields_hash (&fields, &hasher, hash);
      if (g_strcmp0 (hash, stored_hash) != 0)
        {
          message = g_strdup_printf (_("Audit entry %" PRId64 " (%s, %s) was altered after it was written: its content no longer matches its hash."),
                                     fields.id, fields.kind ? fields.kind : "", fields.field_id ? fields.field_id : "");
          involve_db_finalize (stmt);
          return _involve_store_tampered (error, first_broken_id, fields.id, message);
        }

      /* The next entry must name this one's stored hash (equal to @hash). */
      memcpy (prev_hash, hash, sizeof hash);
      expected++;
      rc = SQLITE_OK;
    }
  involve_db_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("Could not read the audit log"));
      return FALSE;
    }
  return TRUE;
}

/* Every stored value must be what the audit entry that wrote it says. */
static gboolean
verify_values (InvolveStore *self,
               gint64       *first_broken_id,
               GError      **error)
{
  InvolveDbStmt *stmt = NULL;
  int rc;

  rc = involve_db_prepare (self->db,
                           "SELECT fv.audit_id, r.reference, v.version, fv.field_id"
                           " FROM field_values fv"
                           " JOIN versions v ON v.id = fv.version_id"
                           " JOIN records r ON r.id = v.record_id"
                           " LEFT JOIN audit a ON a.id = fv.audit_id"
                           " WHERE a.id IS NULL OR a.record_uuid IS DISTINCT FROM r.uuid"
                           "    OR a.field_id IS DISTINCT FROM fv.field_id OR a.new_value IS DISTINCT FROM fv.value"
                           " ORDER BY fv.audit_id LIMIT 1",
                           FALSE, &stmt);
  if (rc == SQLITE_OK)
    rc = involve_db_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_autofree char *message =
        g_strdup_printf (_("The value of “%s” in %s version %d does not match audit entry %" PRId64 " that recorded it: it was changed outside Involve."),
                         (const char *) involve_db_column_text (stmt, 3),
                         (const char *) involve_db_column_text (stmt, 1),
                         involve_db_column_int (stmt, 2),
                         (gint64) involve_db_column_int64 (stmt, 0));
      gint64 id = involve_db_column_int64 (stmt, 0);

      involve_db_finalize (stmt);
      return _involve_store_tampered (error, first_broken_id, id, message);
    }
  involve_db_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("Could not read the register"));
      return FALSE;
    }
  return TRUE;
}

/* Signed-off versions: their values must still give the signed fingerprint. */
static gboolean
verify_fingerprints (InvolveStore *self,
                     gint64       *first_broken_id,
                     GError      **error)
{
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) versions = g_array_new (FALSE, FALSE, sizeof (guint));
  InvolveDbStmt *stmt = NULL;
  int rc;

  rc = involve_db_prepare (self->db,
                           "SELECT r.uuid, v.version FROM versions v JOIN records r ON r.id = v.record_id"
                           " WHERE v.status IN ('signed-off', 'superseded') ORDER BY v.id",
                           FALSE, &stmt);
  while (rc == SQLITE_OK && (rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      guint version = (guint) involve_db_column_int64 (stmt, 1);

      g_ptr_array_add (uuids, column_dup (stmt, 0));
      g_array_append_val (versions, version);
      rc = SQLITE_OK;
    }
  involve_db_finalize (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc, _("Could not read the register"));
      return FALSE;
    }

  for (guint i = 0; i < uuids->len; i++)
    {
      g_auto(VersionRow) row = { 0 };
      g_autoptr(InvolveRecord) record = NULL;
      g_autofree char *fingerprint = NULL;

      if (!_involve_store_fetch_version (self, uuids->pdata[i], g_array_index (versions, guint, i), &row, error))
        return FALSE;
      record = _involve_store_record_from_row (self, &row, error);
      if (record == NULL)
        return FALSE;
      fingerprint = involve_fingerprint_compute (record);
      if (!involve_fingerprint_equal (fingerprint, row.fingerprint) ||
          (row.sign_off != NULL && !involve_fingerprint_equal (fingerprint, row.sign_off->fingerprint)))
        {
          g_autofree char *message = NULL;
          AUTO_STMT find = NULL;
          gint64 id = 0;

          find = prepare (self,
                          "SELECT id FROM audit WHERE record_uuid = ?1 AND version = ?2 AND kind = 'sign-off'"
                          " ORDER BY id DESC LIMIT 1",
                          error);
          if (find == NULL)
            return FALSE;
          bind_text (find, 1, row.uuid);
          involve_db_bind_int64 (find, 2, row.version);
          if (involve_db_step (find) == SQLITE_ROW)
            id = involve_db_column_int64 (find, 0);

          message = g_strdup_printf (_("%s version %u was signed off with fingerprint %s, but its values now give %s: they were changed after sign-off (sign-off is audit entry %" PRId64 ")."),
                                     row.reference, row.version, row.fingerprint ? row.fingerprint : "-",
                                     fingerprint, id);
          return _involve_store_tampered (error, first_broken_id, id, message);
        }
    }
  return TRUE;
}

static gboolean
imported_broken (GError    **error,
                 char      **broken_reference,
                 gint64     *broken_entry,
                 const char *reference,
                 gint64      entry,
                 char       *message)
{
  g_autofree char *owned = message;

  if (broken_reference != NULL)
    {
      g_free (*broken_reference);
      *broken_reference = g_strdup (reference);
    }
  if (broken_entry != NULL)
    *broken_entry = entry;
  return _involve_store_tampered (error, NULL, 0, owned);
}

static char *
reference_or_uuid (InvolveStore *self,
                   const char   *uuid)
{
  AUTO_STMT stmt = prepare (self, "SELECT reference FROM records WHERE uuid = ?1", NULL);

  if (stmt != NULL)
    {
      bind_text (stmt, 1, uuid);
      if (involve_db_step (stmt) == SQLITE_ROW)
        return column_dup (stmt, 0);
    }
  return g_strdup (uuid);
}

/*
 * Each kept trail: its entries in place and chained as they came, as many
 * as were kept, and still giving the digest its local import entry holds.
 * Then no import entry that bound a trail may have lost it.
 */
static gboolean
verify_imported (InvolveStore *self,
                 gint64       *first_broken_id,
                 char        **broken_reference,
                 gint64       *broken_entry,
                 GError      **error)
{
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) trails = NULL;
  InvolveDbStmt *orphans = NULL;
  int rc;

  if (self->schema_version < 5)
    return TRUE;

  trails = _involve_store_read_imported_trails (self, NULL, counts, gaps, error);
  if (trails == NULL)
    return FALSE;

  for (guint i = 0; i < trails->len; i++)
    {
      const InvolveImportedTrail *trail = g_ptr_array_index (trails, i);
      g_autofree char *reference = NULL; /* looked up when the trail is broken */
      g_autofree char *digest = NULL;
      g_autoptr(GError) chain_error = NULL;
      gint64 gap = g_array_index (gaps, gint64, i);
      gint64 count = g_array_index (counts, gint64, i);
      gint64 chain_id = 0;
      AUTO_STMT binding = NULL;
      gboolean bound = FALSE;

      if (!involve_audit_entries_check_chain (trail->entries, trail->record_uuid, &chain_id, &chain_error))
        {
          gboolean before_gap = gap < 0;

          for (gint64 j = 0; !before_gap && j < gap; j++)
            before_gap = ((InvolveAuditEntry *) g_ptr_array_index (trail->entries, j))->id == chain_id;
          if (before_gap)
            {
              reference = reference_or_uuid (self, trail->record_uuid);
              return imported_broken (error, broken_reference, broken_entry, reference, chain_id,
                                      g_strdup_printf (_("The audit trail of %s kept from %s (audit entry %" PRId64 "): imported entry %" PRId64 " is broken: %s"),
                                                       reference, trail->source, trail->import_id, chain_id,
                                                       chain_error->message));
            }
        }
      if (gap >= 0)
        {
          const InvolveAuditEntry *after = g_ptr_array_index (trail->entries, gap);

          reference = reference_or_uuid (self, trail->record_uuid);
          return imported_broken (error, broken_reference, broken_entry, reference, after->id,
                                  g_strdup_printf (_("The audit trail of %s kept from %s (audit entry %" PRId64 "): an imported entry before entry %" PRId64 " was removed."),
                                                   reference, trail->source, trail->import_id, after->id));
        }
      if ((gint64) trail->entries->len != count)
        {
          const InvolveAuditEntry *last = trail->entries->len > 0 ?
                                          g_ptr_array_index (trail->entries, trail->entries->len - 1) : NULL;

          reference = reference_or_uuid (self, trail->record_uuid);
          return imported_broken (error, broken_reference, broken_entry, reference,
                                  last != NULL ? last->id : 0,
                                  g_strdup_printf (_("The audit trail of %s kept from %s (audit entry %" PRId64 ") holds %u entries, not the %" PRId64 " that were imported: entries after entry %" PRId64 " were removed or added."),
                                                   reference, trail->source, trail->import_id,
                                                   trail->entries->len, count,
                                                   last != NULL ? last->id : (gint64) 0));
        }

      digest = involve_imported_trail_compute_digest (trail);
      binding = prepare (self, "SELECT kind, record_uuid, new_value FROM audit WHERE id = ?1", error);
      if (binding == NULL)
        return FALSE;
      involve_db_bind_int64 (binding, 1, trail->import_id);
      if (involve_db_step (binding) == SQLITE_ROW)
        bound = g_strcmp0 ((const char *) involve_db_column_text (binding, 0), INVOLVE_AUDIT_IMPORT) == 0 &&
                g_strcmp0 ((const char *) involve_db_column_text (binding, 1), trail->record_uuid) == 0 &&
                g_strcmp0 ((const char *) involve_db_column_text (binding, 2), digest) == 0;
      if (!bound)
        {
          reference = reference_or_uuid (self, trail->record_uuid);
          return imported_broken (error, broken_reference, broken_entry, reference, 0,
                                  g_strdup_printf (_("The audit trail of %s kept from %s no longer matches audit entry %" PRId64 " that kept it: its entries or where it came from were changed."),
                                                   reference, trail->source, trail->import_id));
        }
    }

  /* An import entry holding a digest kept a trail: it must still be there. */
  rc = involve_db_prepare (self->db,
                           "SELECT a.id, a.record_uuid FROM audit a"
                           " LEFT JOIN imported_trails t ON t.import_audit_id = a.id"
                           " WHERE a.kind = 'import' AND a.new_value IS NOT NULL AND t.id IS NULL"
                           " ORDER BY a.id LIMIT 1",
                           FALSE, &orphans);
  if (rc == SQLITE_OK)
    rc = involve_db_step (orphans);
  if (rc == SQLITE_ROW)
    {
      gint64 id = involve_db_column_int64 (orphans, 0);
      g_autofree char *reference = reference_or_uuid (self, (const char *) involve_db_column_text (orphans, 1));

      involve_db_finalize (orphans);
      if (first_broken_id != NULL)
        *first_broken_id = id;
      return imported_broken (error, broken_reference, broken_entry, reference, 0,
                              g_strdup_printf (_("The audit trail of %s that audit entry %" PRId64 " kept was removed."),
                                               reference, id));
    }
  involve_db_finalize (orphans);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("Could not read the audit log"));
      return FALSE;
    }
  return TRUE;
}

/* SQLite's own check of the file's structure (pages, indexes). */
static gboolean
verify_file (InvolveStore *self,
             GError      **error)
{
  InvolveDbStmt *stmt = NULL;
  g_autofree char *problem = NULL;
  int rc;

  /* A server checks its own files. */
  if (involve_db_get_engine (self->db) != INVOLVE_DB_ENGINE_SQLITE)
    return TRUE;
  rc = involve_db_prepare (self->db, "PRAGMA quick_check (1)", FALSE, &stmt);
  if (rc == SQLITE_OK)
    rc = involve_db_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *result = (const char *) involve_db_column_text (stmt, 0);

      if (g_strcmp0 (result, "ok") != 0)
        {
          problem = g_strdup (result);
          g_strdelimit (problem, "\n", ' ');
        }
      rc = SQLITE_OK;
    }
  involve_db_finalize (stmt);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc, _("Could not check the register"));
      return FALSE;
    }
  if (problem != NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("The register “%s” is damaged (%s). Restore it from a backup in the “backups” folder beside it."),
                         self->path, problem);
      set_error_code (error, INVOLVE_STORE_ERROR_CORRUPT, SQLITE_CORRUPT, message);
      return FALSE;
    }
  return TRUE;
}

gboolean
involve_store_verify (InvolveStore *self,
                      gint64       *first_broken_id,
                      GError      **error)
{
  return involve_store_verify_full (self, first_broken_id, NULL, NULL, error);
}

/* SQLite caps it at its compile-time maximum (2 GB on Debian). */
#define VERIFY_MMAP_SIZE 2147418112

/* Wall and CPU time: on a busy machine only the second says much. */
static gint64
thread_cpu_usec (void)
{
  struct timespec cpu = { 0, };

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &cpu);
  return (gint64) cpu.tv_sec * G_USEC_PER_SEC + cpu.tv_nsec / 1000;
}

#define VERIFY_STEP_DONE(what) \
  G_STMT_START { \
    gint64 now = g_get_monotonic_time (); \
    gint64 cpu_now = thread_cpu_usec (); \
    g_debug ("verify %s: %s, %.3f s (CPU %.3f s)", self->path, what, \
             (now - start) / 1e6, (cpu_now - cpu_start) / 1e6); \
    start = now; \
    cpu_start = cpu_now; \
  } G_STMT_END

gboolean
involve_store_verify_full (InvolveStore *self,
                           gint64       *first_broken_id,
                           char        **broken_reference,
                           gint64       *broken_imported_entry,
                           GError      **error)
{
  STORE_LOCK (self);
  gboolean ok;
  gint64 start;
  gint64 cpu_start;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (first_broken_id != NULL)
    *first_broken_id = 0;
  if (broken_reference != NULL)
    *broken_reference = NULL;
  if (broken_imported_entry != NULL)
    *broken_imported_entry = 0;

  /* Verify reads every page: mapped into memory, SQLite reads them
   * without a system call and a copy each (most of its time, before).
   * Local disks only: a mapped file on a network drive is not safe. */
  if (g_str_equal (self->journal_mode, "wal"))
    involve_db_exec (self->db, "PRAGMA mmap_size = " G_STRINGIFY (VERIFY_MMAP_SIZE), NULL);

  /* One read transaction: a consistent snapshot while others write. */
  if (!exec_sql (self, self->batch_depth > 0 ? "SAVEPOINT involve_verify" : "BEGIN",
                 _("Could not verify the register"), error))
    return FALSE;
  /* Each step's time is logged, for bench-store --verify-only. */
  start = g_get_monotonic_time ();
  cpu_start = thread_cpu_usec ();
  ok = verify_file (self, error);
  VERIFY_STEP_DONE ("file check");
  ok = ok && verify_chain (self, first_broken_id, error);
  VERIFY_STEP_DONE ("audit chain");
  ok = ok && verify_imported (self, first_broken_id, broken_reference, broken_imported_entry, error);
  VERIFY_STEP_DONE ("imported trails");
  ok = ok && verify_values (self, first_broken_id, error);
  VERIFY_STEP_DONE ("values");
  ok = ok && verify_fingerprints (self, first_broken_id, error);
  VERIFY_STEP_DONE ("fingerprints");
  ok = ok && _involve_store_verify_involvement (self, first_broken_id, error);
  VERIFY_STEP_DONE ("involvement log");
  ok = ok && _involve_store_verify_signatures (self, first_broken_id, error);
  VERIFY_STEP_DONE ("signatures");
  ok = ok && _involve_store_verify_state (self, first_broken_id, error) &&
       _involve_store_verify_seen_heads (self, first_broken_id, error);
  VERIFY_STEP_DONE ("tables against the log");
  involve_db_exec (self->db, self->batch_depth > 0 ? "RELEASE involve_verify" : "COMMIT", NULL);
  if (g_str_equal (self->journal_mode, "wal"))
    involve_db_exec (self->db, "PRAGMA mmap_size = 0", NULL);
  /* Outside the snapshot: a head recorded by another program after it was
   * taken was committed before it was recorded, so a fresh read holds it. */
  ok = ok && (!_involve_store_has_anchors (self) || involve_store_check_own_head (self, error));
  VERIFY_STEP_DONE ("recorded head");
  return ok;
}
