/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include "involve-store-rooms.h"

/*
 * The audit log: entries and their hash chain, appending one inside the
 * caller's transaction, and reading the log.
 */

G_DEFINE_BOXED_TYPE (InvolveAuditEntry, involve_audit_entry,
                     involve_audit_entry_copy, involve_audit_entry_free)

InvolveAuditEntry *
involve_audit_entry_copy (const InvolveAuditEntry *entry)
{
  InvolveAuditEntry *copy;

  g_return_val_if_fail (entry != NULL, NULL);

  copy = g_new0 (InvolveAuditEntry, 1);
  *copy = *entry;
  copy->account = g_strdup (entry->account);
  copy->profile = g_strdup (entry->profile);
  copy->kind = g_strdup (entry->kind);
  copy->record_uuid = g_strdup (entry->record_uuid);
  copy->field_id = g_strdup (entry->field_id);
  copy->old_value = g_strdup (entry->old_value);
  copy->new_value = g_strdup (entry->new_value);
  copy->details = g_strdup (entry->details);
  copy->prev_hash = g_strdup (entry->prev_hash);
  copy->hash = g_strdup (entry->hash);
  return copy;
}

void
involve_audit_entry_free (InvolveAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->account);
  g_free (entry->profile);
  g_free (entry->kind);
  g_free (entry->record_uuid);
  g_free (entry->field_id);
  g_free (entry->old_value);
  g_free (entry->new_value);
  g_free (entry->details);
  g_free (entry->prev_hash);
  g_free (entry->hash);
  g_free (entry);
}

/*
 * The canonical encoding of an audit entry (format "involve-audit-1"), the
 * same item syntax as the record fingerprint (docs/fingerprint.md):
 *   NAME "=" LENGTH ":" BYTES "\n"   or, for a missing (NULL) value,
 *   NAME "=-\n"
 * with the items format, id, time, account, profile, kind, record, version,
 * field, old, new, details, prev in that order; numbers in decimal.  The
 * hash is SHA-256 of it in lower-case hex.  Including prev (the previous
 * entry's hash) chains the entries; including id pins each one's place.
 */
void
_involve_store_audit_hasher_init (AuditHasher *hasher)
{
  hasher->scratch = g_string_sized_new (4096);
  if (gnutls_hash_init (&hasher->sha256, GNUTLS_DIG_SHA256) < 0)
    hasher->sha256 = NULL;
}

void
_involve_store_audit_hasher_clear (AuditHasher *hasher)
{
  if (hasher->scratch != NULL)
    g_string_free (hasher->scratch, TRUE);
  if (hasher->sha256 != NULL)
    gnutls_hash_deinit (hasher->sha256, NULL);
  hasher->scratch = NULL;
  hasher->sha256 = NULL;
}

/* @number in decimal at the end of @buffer; returns where it starts. */
static inline const char *
format_decimal (char    buffer[24],
                gint64  number,
                gsize  *length)
{
  int i = 24;
  guint64 magnitude = number < 0 ? -(guint64) number : (guint64) number;

  do
    {
      buffer[--i] = (char) ('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude > 0);
  if (number < 0)
    buffer[--i] = '-';
  *length = 24 - i;
  return buffer + i;
}

/* NAME "=" LENGTH ":" VALUE "\n", or NAME "=-\n" for NULL. */
static inline void
audit_item_len (GString    *out,
                const char *name,
                gsize       name_len,
                const char *value,
                gsize       value_len)
{
  char buffer[24];
  const char *digits;
  gsize digits_len;

  g_string_append_len (out, name, name_len);
  if (value == NULL)
    {
      g_string_append_len (out, "=-\n", 3);
      return;
    }
  digits = format_decimal (buffer, (gint64) value_len, &digits_len);
  g_string_append_c (out, '=');
  g_string_append_len (out, digits, digits_len);
  g_string_append_c (out, ':');
  g_string_append_len (out, value, value_len);
  g_string_append_c (out, '\n');
}

static void
audit_item (GString    *out,
            const char *name,
            const char *value)
{
  audit_item_len (out, name, strlen (name), value, value != NULL ? strlen (value) : 0);
}

static inline void
audit_number_item_len (GString    *out,
                       const char *name,
                       gsize       name_len,
                       gint64      number)
{
  char buffer[24];
  gsize length;
  const char *digits = format_decimal (buffer, number, &length);

  audit_item_len (out, name, name_len, digits, length);
}

#define AUDIT_ITEM(out, name, value) \
  audit_item_len (out, name, sizeof name - 1, value, (value) != NULL ? strlen (value) : 0)
#define AUDIT_NUMBER_ITEM(out, name, number) audit_number_item_len (out, name, sizeof name - 1, number)

/* Writes the hex hash into @hash (65 bytes). */
void
_involve_store_audit_fields_hash (const AuditFields *fields,
                                  AuditHasher       *hasher,
                                  char              *hash)
{
  static const char hex[] = "0123456789abcdef";
  GString *scratch = hasher->scratch;
  guint8 digest[32];

  g_string_truncate (scratch, 0);
  AUDIT_ITEM (scratch, "format", "involve-audit-1");
  AUDIT_NUMBER_ITEM (scratch, "id", fields->id);
  AUDIT_NUMBER_ITEM (scratch, "time", fields->time_usec);
  AUDIT_ITEM (scratch, "account", fields->account);
  AUDIT_ITEM (scratch, "profile", fields->profile);
  AUDIT_ITEM (scratch, "kind", fields->kind);
  AUDIT_ITEM (scratch, "record", fields->record_uuid);
  AUDIT_NUMBER_ITEM (scratch, "version", fields->version);
  AUDIT_ITEM (scratch, "field", fields->field_id);
  AUDIT_ITEM (scratch, "old", fields->old_value);
  AUDIT_ITEM (scratch, "new", fields->new_value);
  AUDIT_ITEM (scratch, "details", fields->details);
  AUDIT_ITEM (scratch, "prev", fields->prev_hash);

  if (hasher->sha256 != NULL)
    {
      gnutls_hash (hasher->sha256, scratch->str, scratch->len);
      gnutls_hash_output (hasher->sha256, digest);   /* and resets it */
    }
  else
    {
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
      gsize length = sizeof digest;

      g_checksum_update (checksum, (const guchar *) scratch->str, scratch->len);
      g_checksum_get_digest (checksum, digest, &length);
    }
  for (guint i = 0; i < sizeof digest; i++)
    {
      hash[2 * i] = hex[digest[i] >> 4];
      hash[2 * i + 1] = hex[digest[i] & 0xf];
    }
  hash[64] = '\0';
}

char *
involve_audit_entry_compute_hash (const InvolveAuditEntry *entry)
{
  g_auto(AuditHasher) hasher = { NULL, NULL };
  AuditFields fields;
  char hash[65];

  g_return_val_if_fail (entry != NULL, NULL);

  _involve_store_audit_hasher_init (&hasher);
  fields.id = entry->id;
  fields.time_usec = entry->time_usec;
  fields.account = entry->account;
  fields.profile = entry->profile;
  fields.kind = entry->kind;
  fields.record_uuid = entry->record_uuid;
  fields.version = entry->version;
  fields.field_id = entry->field_id;
  fields.old_value = entry->old_value;
  fields.new_value = entry->new_value;
  fields.details = entry->details;
  fields.prev_hash = entry->prev_hash;
  _involve_store_audit_fields_hash (&fields, &hasher, hash);
  return g_strdup (hash);
}

gboolean
_involve_store_tampered (GError    **error,
                         gint64     *first_broken_id,
                         gint64      id,
                         const char *message)
{
  if (first_broken_id != NULL)
    *first_broken_id = id;
  set_error_code (error, INVOLVE_STORE_ERROR_TAMPERED, 0, message);
  return FALSE;
}

/* _involve_store_tampered (), taking @message. */
static gboolean
chain_broken (GError    **error,
              gint64     *first_broken,
              gint64      id,
              char       *message)
{
  g_autofree char *owned = message;

  return _involve_store_tampered (error, first_broken, id, owned);
}

gboolean
involve_audit_entries_check_chain (GPtrArray   *entries,
                                   const char  *record_uuid,
                                   gint64      *first_broken,
                                   GError     **error)
{
  const InvolveAuditEntry *previous = NULL;

  g_return_val_if_fail (entries != NULL, FALSE);

  if (first_broken != NULL)
    *first_broken = 0;

  for (guint i = 0; i < entries->len; i++)
    {
      const InvolveAuditEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *computed = NULL;

      if (entry->hash == NULL || entry->prev_hash == NULL)
        return chain_broken (error, first_broken, entry->id,
                             g_strdup_printf (_("Audit entry %" PRId64 " carries no hash, so it cannot be checked."),
                                              entry->id));
      if (previous != NULL && entry->id <= previous->id)
        return chain_broken (error, first_broken, entry->id,
                             g_strdup_printf (_("Audit entry %" PRId64 " comes after entry %" PRId64 ": the entries are out of order."),
                                              entry->id, previous->id));
      if (record_uuid != NULL && entry->record_uuid != NULL &&
          g_ascii_strcasecmp (entry->record_uuid, record_uuid) != 0)
        return chain_broken (error, first_broken, entry->id,
                             g_strdup_printf (_("Audit entry %" PRId64 " is about another record (%s)."),
                                              entry->id, entry->record_uuid));
      computed = involve_audit_entry_compute_hash (entry);
      if (g_ascii_strcasecmp (computed, entry->hash) != 0)
        return chain_broken (error, first_broken, entry->id,
                             g_strdup_printf (_("Audit entry %" PRId64 " (%s, %s) was altered: its content no longer matches its hash."),
                                              entry->id, entry->kind ? entry->kind : "",
                                              entry->field_id ? entry->field_id : ""));
      /* Only neighbours in the source's chain can be linked here. */
      if ((entry->id == 1 && g_ascii_strcasecmp (entry->prev_hash, ZERO_HASH) != 0) ||
          (previous != NULL && entry->id == previous->id + 1 &&
           g_ascii_strcasecmp (entry->prev_hash, previous->hash) != 0))
        return chain_broken (error, first_broken, entry->id,
                             g_strdup_printf (_("Audit entry %" PRId64 " does not follow the entry before it: entries were altered, reordered or removed."),
                                              entry->id));
      previous = entry;
    }
  return TRUE;
}

/* The audit log */

/* Binds an entry's thirteen columns, in the order of AUDIT_COLUMNS, from
 * parameter @first on. */
void
_involve_store_bind_audit_entry (InvolveDbStmt           *stmt,
                                 int                      first,
                                 const InvolveAuditEntry *entry)
{
  involve_db_bind_int64 (stmt, first, entry->id);
  involve_db_bind_int64 (stmt, first + 1, entry->time_usec);
  bind_text (stmt, first + 2, entry->account);
  bind_text (stmt, first + 3, entry->profile);
  bind_text (stmt, first + 4, entry->kind);
  bind_text (stmt, first + 5, entry->record_uuid);
  involve_db_bind_int64 (stmt, first + 6, entry->version);
  bind_text (stmt, first + 7, entry->field_id);
  bind_text (stmt, first + 8, entry->old_value);
  bind_text (stmt, first + 9, entry->new_value);
  bind_text (stmt, first + 10, entry->details);
  bind_text (stmt, first + 11, entry->prev_hash);
  bind_text (stmt, first + 12, entry->hash);
}

/* Appends one entry inside the caller's transaction. */
gboolean
_involve_store_append_event (InvolveStore     *self,
                             const AuditEvent *event,
                             gint64            time_usec,
                             gint64           *out_id,
                             GError          **error)
{
  const char *doing = _("Could not write the audit log");
  AUTO_STMT head = NULL;
  AUTO_STMT insert = NULL;
  g_autofree char *prev_hash = NULL;
  g_autofree char *hash = NULL;
  InvolveAuditEntry entry = { 0 };
  gint64 prev_id = 0;
  int rc;

  /* On a server, others append too: hold the head until commit. */
  if (!_involve_store_lock_audit (self, error))
    return FALSE;
  head = prepare (self, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", error);
  if (head == NULL)
    return FALSE;
  rc = involve_db_step (head);
  if (rc == SQLITE_ROW)
    {
      prev_id = involve_db_column_int64 (head, 0);
      prev_hash = column_dup (head, 1);
    }
  else if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, doing);
      return FALSE;
    }

  entry.id = prev_id + 1;
  entry.time_usec = time_usec;
  entry.account = self->os_account;
  entry.profile = self->profile_name;
  entry.kind = (char *) event->kind;
  entry.record_uuid = (char *) event->record_uuid;
  entry.version = event->version;
  entry.field_id = (char *) event->field_id;
  entry.old_value = (char *) event->old_value;
  entry.new_value = (char *) event->new_value;
  entry.details = (char *) event->details;
  entry.prev_hash = prev_hash != NULL ? prev_hash : (char *) ZERO_HASH;
  hash = involve_audit_entry_compute_hash (&entry);

  insert = prepare (self,
                    "INSERT INTO audit (id, time_usec, account, profile, kind, record_uuid, version,"
                    " field_id, old_value, new_value, details, prev_hash, hash)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                    error);
  if (insert == NULL)
    return FALSE;
  entry.hash = hash;
  _involve_store_bind_audit_entry (insert, 1, &entry);
  if (!step_done (self, insert, doing, error))
    return FALSE;

  if (out_id != NULL)
    *out_id = entry.id;
  return TRUE;
}

gboolean
_involve_store_audit_append (InvolveStore *self,
                             const char   *kind,
                             const char   *record_uuid,
                             guint         version,
                             const char   *field_id,
                             const char   *old_value,
                             const char   *new_value,
                             const char   *details,
                             gint64        time_usec,
                             gint64       *out_id,
                             GError      **error)
{
  AuditEvent event = { kind, record_uuid, version, field_id, old_value, new_value, details };

  return _involve_store_append_event (self, &event, time_usec, out_id, error);
}

InvolveAuditEntry *
_involve_store_audit_entry_from_row (InvolveDbStmt *stmt)
{
  InvolveAuditEntry *entry = g_new0 (InvolveAuditEntry, 1);

  entry->id = involve_db_column_int64 (stmt, 0);
  entry->time_usec = involve_db_column_int64 (stmt, 1);
  entry->account = column_dup (stmt, 2);
  entry->profile = column_dup (stmt, 3);
  entry->kind = column_dup (stmt, 4);
  entry->record_uuid = column_dup (stmt, 5);
  entry->version = (guint) involve_db_column_int64 (stmt, 6);
  entry->field_id = column_dup (stmt, 7);
  entry->old_value = column_dup (stmt, 8);
  entry->new_value = column_dup (stmt, 9);
  entry->details = column_dup (stmt, 10);
  entry->prev_hash = column_dup (stmt, 11);
  entry->hash = column_dup (stmt, 12);
  return entry;
}

gboolean
involve_store_log_event (InvolveStore *self,
                         const char   *kind,
                         const char   *uuid,
                         guint         version,
                         const char   *details,
                         GError      **error)
{
  STORE_LOCK (self);
  AuditEvent event = { kind, uuid, version, NULL, NULL, NULL, details };
  gint64 now = 0;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (kind != NULL && *kind != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!txn_begin (self, error))
    return FALSE;
  if (!_involve_store_now_usec (self, &now, error) ||
      !_involve_store_append_event (self, &event, now, NULL, error) ||
      !txn_commit (self, error))
    {
      txn_rollback (self);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
involve_store_list_audit (InvolveStore *self,
                          const char   *uuid,
                          GError      **error)
{
  STORE_LOCK (self);
  g_autoptr(GPtrArray) entries = NULL;
  AUTO_STMT stmt = NULL;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (uuid != NULL)
    stmt = prepare (self, "SELECT " AUDIT_COLUMNS " FROM audit WHERE record_uuid = ?1 ORDER BY id", error);
  else
    stmt = prepare (self, "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  if (uuid != NULL)
    bind_text (stmt, 1, uuid);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_audit_entry_free);
  while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, _involve_store_audit_entry_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("Could not read the audit log"));
      return NULL;
    }
  return g_steal_pointer (&entries);
}

GPtrArray *
involve_store_list_audit_page (InvolveStore *self,
                               const char   *uuid,
                               gint64        after_id,
                               guint         limit,
                               GError      **error)
{
  STORE_LOCK (self);
  g_autoptr(GPtrArray) entries = NULL;
  AUTO_STMT stmt = NULL;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* audit_by_record (record_uuid, id): a page is a range of the index. */
  stmt = prepare (self, "SELECT " AUDIT_COLUMNS " FROM audit WHERE record_uuid = ?1 AND id > ?2"
                  " ORDER BY id LIMIT ?3", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, uuid);
  involve_db_bind_int64 (stmt, 2, after_id);
  involve_db_bind_int64 (stmt, 3, limit > 0 ? (gint64) limit : G_MAXINT64);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_audit_entry_free);
  while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, _involve_store_audit_entry_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("Could not read the audit log"));
      return NULL;
    }
  return g_steal_pointer (&entries);
}

gboolean
involve_store_get_audit_head (InvolveStore *self,
                              gint64       *id,
                              char        **hash,
                              GError      **error)
{
  STORE_LOCK (self);
  AUTO_STMT stmt = NULL;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);

  stmt = prepare (self, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  rc = involve_db_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (id != NULL)
        *id = involve_db_column_int64 (stmt, 0);
      if (hash != NULL)
        *hash = column_dup (stmt, 1);
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    set_sqlite_error (self, error, rc, _("Could not read the audit log"));
  else
    set_error_code (error, INVOLVE_STORE_ERROR_NOT_FOUND, 0, _("The audit log is empty."));
  return FALSE;
}

/* Audit trails kept from other registers */

G_DEFINE_BOXED_TYPE (InvolveImportedTrail, involve_imported_trail,
                     involve_imported_trail_copy, involve_imported_trail_free)

InvolveImportedTrail *
involve_imported_trail_new (const char *record_uuid,
                            const char *source,
                            gint64      imported_usec)
{
  InvolveImportedTrail *trail = g_new0 (InvolveImportedTrail, 1);

  trail->record_uuid = g_strdup (record_uuid);
  trail->source = g_strdup (source);
  trail->imported_usec = imported_usec;
  trail->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_audit_entry_free);
  return trail;
}

InvolveImportedTrail *
involve_imported_trail_copy (const InvolveImportedTrail *trail)
{
  InvolveImportedTrail *copy;

  g_return_val_if_fail (trail != NULL, NULL);

  copy = involve_imported_trail_new (trail->record_uuid, trail->source, trail->imported_usec);
  copy->import_id = trail->import_id;
  for (guint i = 0; i < trail->entries->len; i++)
    g_ptr_array_add (copy->entries, involve_audit_entry_copy (g_ptr_array_index (trail->entries, i)));
  return copy;
}

void
involve_imported_trail_free (InvolveImportedTrail *trail)
{
  if (trail == NULL)
    return;
  g_free (trail->record_uuid);
  g_free (trail->source);
  g_clear_pointer (&trail->entries, g_ptr_array_unref);
  g_free (trail);
}

/*
 * Format "involve-imported-trail-1": the items format, record, source,
 * imported (usec), count, then id and hash of every entry in order, in the
 * audit entries' item syntax.  Each entry's hash covers its content, so
 * this covers the whole trail: an entry altered, added, removed or moved
 * changes it.
 */
char *
involve_imported_trail_compute_digest (const InvolveImportedTrail *trail)
{
  g_autoptr(GString) out = g_string_new (NULL);
  char number[32];

  g_return_val_if_fail (trail != NULL, NULL);

  audit_item (out, "format", "involve-imported-trail-1");
  audit_item (out, "record", trail->record_uuid);
  audit_item (out, "source", trail->source);
  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, trail->imported_usec);
  audit_item (out, "imported", number);
  g_snprintf (number, sizeof number, "%u", trail->entries->len);
  audit_item (out, "count", number);
  for (guint i = 0; i < trail->entries->len; i++)
    {
      const InvolveAuditEntry *entry = g_ptr_array_index (trail->entries, i);

      g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, entry->id);
      audit_item (out, "id", number);
      audit_item (out, "hash", entry->hash);
    }
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) out->str, out->len);
}
