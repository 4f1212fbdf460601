/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include <inttypes.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/statvfs.h>
#ifdef __linux__
#include <sys/vfs.h>
#endif
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <gnutls/crypto.h>

#include "involve-assess.h"
#include "involve-definitions.h"
#include "involve-fingerprint.h"
#include "involve-db.h"
#include "involve-store-internal.h"
#include "involve-store-trust.h"
#include "involve-lifecycle.h"
#include "involve-paths.h"
#include "involve-store.h"
#include "involve-store-internal.h"
#include "involve-store-private.h"
#include "involve-store-anchors.h"
#include "involve-store-internal.h"
#include "involve-validate.h"

/* 'Invl': PRAGMA application_id of every Involve register. */
#define INVOLVE_APPLICATION_ID 0x496E766C
#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"
#define BACKUPS_KEPT 5
/* A rolling backup's lock file older than this was left by a process that died. */
#define BACKUP_LOCK_STALE_SEC (60 * 60)
#define DEFAULT_BUSY_TIMEOUT_MS 5000
/* Larger registers are checked for damage in a thread, not while opening. */
static gint64 check_on_open_max_bytes = G_GINT64_CONSTANT (64) * 1024 * 1024;

/* Errors that keep SQLite's result code */

typedef struct
{
  int sqlite_code;
} InvolveStoreErrorPrivate;

static void
involve_store_error_private_init (InvolveStoreErrorPrivate *priv)
{
  priv->sqlite_code = 0;
}

static void
involve_store_error_private_copy (const InvolveStoreErrorPrivate *src,
                                  InvolveStoreErrorPrivate       *dest)
{
  dest->sqlite_code = src->sqlite_code;
}

static void
involve_store_error_private_clear (InvolveStoreErrorPrivate *priv)
{
}

G_DEFINE_EXTENDED_ERROR (InvolveStoreError, involve_store_error)

int
involve_store_error_get_sqlite_code (const GError *error)
{
  if (error == NULL || error->domain != INVOLVE_STORE_ERROR)
    return 0;
  return involve_store_error_get_private (error)->sqlite_code;
}

/* Boxed types */

G_DEFINE_BOXED_TYPE (InvolveRecordSummary, involve_record_summary,
                     involve_record_summary_copy, involve_record_summary_free)

InvolveRecordSummary *
involve_record_summary_copy (const InvolveRecordSummary *summary)
{
  InvolveRecordSummary *copy;

  g_return_val_if_fail (summary != NULL, NULL);

  copy = g_new0 (InvolveRecordSummary, 1);
  *copy = *summary;
  copy->uuid = g_strdup (summary->uuid);
  copy->reference = g_strdup (summary->reference);
  copy->title = g_strdup (summary->title);
  copy->organisation = g_strdup (summary->organisation);
  copy->framework_id = g_strdup (summary->framework_id);
  copy->outcome = g_strdup (summary->outcome);
  return copy;
}

void
involve_record_summary_free (InvolveRecordSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->uuid);
  g_free (summary->reference);
  g_free (summary->title);
  g_free (summary->organisation);
  g_free (summary->framework_id);
  g_free (summary->outcome);
  g_free (summary);
}

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
/*
 * This runs once an entry when the log is written and for every entry when
 * it is verified (millions), so it builds the encoding with plain appends
 * into a reused buffer and hashes with GnuTLS (which uses the processor's
 * SHA instructions): no formatting, no allocation an entry.
 */
typedef struct
{
  GString          *scratch;
  gnutls_hash_hd_t  sha256;    /* NULL if GnuTLS would not: GChecksum then */
} AuditHasher;

static void
audit_hasher_init (AuditHasher *hasher)
{
  hasher->scratch = g_string_sized_new (4096);
  if (gnutls_hash_init (&hasher->sha256, GNUTLS_DIG_SHA256) < 0)
    hasher->sha256 = NULL;
}

static void
audit_hasher_clear (AuditHasher *hasher)
{
  if (hasher->scratch != NULL)
    g_string_free (hasher->scratch, TRUE);
  if (hasher->sha256 != NULL)
    gnutls_hash_deinit (hasher->sha256, NULL);
  hasher->scratch = NULL;
  hasher->sha256 = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AuditHasher, audit_hasher_clear)

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

typedef struct
{
  gint64      id;
  gint64      time_usec;
  const char *account;
  const char *profile;
  const char *kind;
  const char *record_uuid;
  gint64      version;
  const char *field_id;
  const char *old_value;
  const char *new_value;
  const char *details;
  const char *prev_hash;
} AuditFields;

/* Writes the hex hash into @hash (65 bytes). */
static void
audit_fields_hash (const AuditFields *fields,
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

  audit_hasher_init (&hasher);
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
  audit_fields_hash (&fields, &hasher, hash);
  return g_strdup (hash);
}

/* Audit trails kept from other registers */

static void set_error_code (GError    **error,
                            int         code,
                            int         sqlite_code,
                            const char *message);

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

static gboolean
tampered (GError    **error,
          gint64     *first_broken_id,
          gint64      id,
          const char *message)
{
  if (first_broken_id != NULL)
    *first_broken_id = id;
  set_error_code (error, INVOLVE_STORE_ERROR_TAMPERED, 0, message);
  return FALSE;
}

/* tampered (), taking @message. */
static gboolean
chain_broken (GError    **error,
              gint64     *first_broken,
              gint64      id,
              char       *message)
{
  g_autofree char *owned = message;

  return tampered (error, first_broken, id, owned);
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

void
involve_store_query_init (InvolveStoreQuery *query)
{
  g_return_if_fail (query != NULL);

  memset (query, 0, sizeof *query);
  query->sort = INVOLVE_STORE_SORT_REFERENCE;
}

/* Hooks into the assessment engine */

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

/* The object */

struct _InvolveStore
{
  GObject     parent_instance;

  char       *path;
  guint       busy_timeout;
  gboolean    auto_backup;
  gboolean    defer_backup;    /* the thread waits for start_deferred_backup */
  char       *requested_journal_mode;
  char       *os_account;
  char       *profile_name;
  GObject    *identity;     /* InvolveIdentity, or NULL */
  int         target_schema;   /* 0 = latest */

  sqlite3    *db;
  GHashTable *statements;      /* SQL text -> sqlite3_stmt* */
  char       *journal_mode;
  int         schema_version;
  guint       batch_depth;
  guint       savepoint_serial;

  GRecMutex   lock;            /* serialises calls from several threads */
  GThread    *backup_thread;   /* the rolling backup started on open */
  gboolean    create;          /* a missing file may become a new register */
  GThread    *check_thread;    /* the quick check of a large register */
  gpointer    check_job;
  char       *damage;          /* why the register is read-only, or NULL */
  struct _RollingBackup *backup_job;
};

static void involve_store_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (InvolveStore, involve_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      involve_store_initable_iface_init))

enum {
  PROP_0,
  PROP_PATH,
  PROP_BUSY_TIMEOUT,
  PROP_AUTO_BACKUP,
  PROP_DEFER_BACKUP,
  PROP_JOURNAL_MODE,
  PROP_OS_ACCOUNT,
  PROP_PROFILE_NAME,
  PROP_TARGET_SCHEMA,
  PROP_CREATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_RECORDS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* SQLite helpers */

static inline void
stmt_cleanup (sqlite3_stmt **stmt)
{
  if (*stmt != NULL)
    {
      sqlite3_reset (*stmt);
      sqlite3_clear_bindings (*stmt);
    }
}

/* Held for the whole of each public call that uses the connection;
 * declared first so that it is released after every other cleanup. */
static inline GRecMutex *
store_lock (InvolveStore *self)
{
  if (!INVOLVE_IS_STORE (self))
    return NULL;
  g_rec_mutex_lock (&self->lock);
  return &self->lock;
}

static inline void
store_unlock (GRecMutex **lock)
{
  if (*lock != NULL)
    g_rec_mutex_unlock (*lock);
}

#define STORE_LOCK(self) \
  __attribute__ ((cleanup (store_unlock))) GRecMutex *G_PASTE (store_locked_, __LINE__) G_GNUC_UNUSED = store_lock (self)

/* A cached statement that is reset when it goes out of scope. */
#define AUTO_STMT __attribute__ ((cleanup (stmt_cleanup))) sqlite3_stmt *

static void
set_error_code (GError    **error,
                int         code,
                int         sqlite_code,
                const char *message)
{
  GError *local;

  if (error == NULL)
    return;
  local = g_error_new_literal (INVOLVE_STORE_ERROR, code, message);
  involve_store_error_get_private (local)->sqlite_code = sqlite_code;
  g_propagate_error (error, local);
}

static int
error_code_for_sqlite (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return INVOLVE_STORE_ERROR_BUSY;
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return INVOLVE_STORE_ERROR_READ_ONLY;
    case SQLITE_FULL:
      return INVOLVE_STORE_ERROR_FULL;
    case SQLITE_NOTADB:
      return INVOLVE_STORE_ERROR_NOT_A_REGISTER;
    case SQLITE_CORRUPT:
      return INVOLVE_STORE_ERROR_CORRUPT;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return INVOLVE_STORE_ERROR_IO;
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_TRIGGER)
        return INVOLVE_STORE_ERROR_LOCKED;
      return INVOLVE_STORE_ERROR_FAILED;
    default:
      return INVOLVE_STORE_ERROR_FAILED;
    }
}

/*
 * Whether an I/O error came from a full disk: the system error SQLite
 * kept says so (it keeps one only for errors inside a statement), or
 * errno does just after the failure, or the disk has next to no room left.
 */
static gboolean
disk_is_full (sqlite3    *db,
              int         saved_errno,
              const char *path)
{
  int system_errno = db != NULL ? sqlite3_system_errno (db) : 0;
  g_autofree char *dir = NULL;
  struct statvfs st;

  if (system_errno == ENOSPC || system_errno == EDQUOT ||
      saved_errno == ENOSPC || saved_errno == EDQUOT)
    return TRUE;
  if (path == NULL)
    return FALSE;
  dir = g_path_get_dirname (path);
  return statvfs (dir, &st) == 0 && (guint64) st.f_bavail * st.f_frsize < 256 * 1024;
}

/* "What we were doing: why it failed.  What to do." */
static void
set_sqlite_error (InvolveStore *self,
                  GError      **error,
                  int           rc,
                  const char   *doing)
{
  const char *path = self->path != NULL ? self->path : "";
  const char *detail = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);
  int saved_errno = errno;
  g_autofree char *message = NULL;
  int code = error_code_for_sqlite (rc);

  /* A full disk shows as an I/O error where SQLite extends a file other
   * than by writing to it (the WAL index, a truncate, a sync): say what
   * it is. */
  if (code == INVOLVE_STORE_ERROR_IO && disk_is_full (self->db, saved_errno, self->path))
    code = INVOLVE_STORE_ERROR_FULL;

  switch (code)
    {
    case INVOLVE_STORE_ERROR_BUSY:
      message = g_strdup_printf (_("%s: the register “%s” is in use by another program and stayed locked for %u seconds. Close the other program (or wait for it to finish) and try again."),
                                 doing, path, (self->busy_timeout + 999) / 1000);
      break;
    case INVOLVE_STORE_ERROR_READ_ONLY:
      message = g_strdup_printf (_("%s: the register “%s” or its folder cannot be written (%s). Check that you may write to it, or open a copy."),
                                 doing, path, detail);
      break;
    case INVOLVE_STORE_ERROR_FULL:
      message = g_strdup_printf (_("%s: the disk holding the register “%s” is full. Nothing of this change was saved and the register was left as it was. Free some space and try again."),
                                 doing, path);
      break;
    case INVOLVE_STORE_ERROR_NOT_A_REGISTER:
      message = g_strdup_printf (_("%s: “%s” is not an Involve register (%s). It was left untouched."),
                                 doing, path, detail);
      break;
    case INVOLVE_STORE_ERROR_CORRUPT:
      message = g_strdup_printf (_("%s: the register “%s” is damaged (%s). It was left untouched; restore it from a backup in the “backups” folder beside it."),
                                 doing, path, detail);
      break;
    case INVOLVE_STORE_ERROR_IO:
      message = g_strdup_printf (_("%s: the register “%s” could not be read or written (%s). Check that the drive is still there."),
                                 doing, path, detail);
      break;
    case INVOLVE_STORE_ERROR_LOCKED:
      message = g_strdup_printf (_("%s: %s."), doing, detail);
      break;
    default:
      message = g_strdup_printf (_("%s: %s (SQLite error %d)."), doing, detail, rc);
      break;
    }
  set_error_code (error, code, rc, message);
}

static sqlite3_stmt *
prepare (InvolveStore *self,
         const char   *sql,
         GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc, _("Could not read the register"));
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup (text) : NULL;
}

/* Steps a statement that returns no rows (or ignores them). */
static gboolean
step_done (InvolveStore *self,
           sqlite3_stmt *stmt,
           const char   *doing,
           GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  set_sqlite_error (self, error, rc, doing);
  return FALSE;
}

static gboolean
exec_sql (InvolveStore *self,
          const char   *sql,
          const char   *doing,
          GError      **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc, doing);
      return FALSE;
    }
  return TRUE;
}

/* Transactions: one per operation, or a savepoint inside a batch. */

static gboolean check_not_damaged (InvolveStore *self,
                                   GError      **error);

static gboolean
txn_begin (InvolveStore *self,
           GError      **error)
{
  if (!check_not_damaged (self, error))
    return FALSE;
  if (self->batch_depth > 0)
    return exec_sql (self, "SAVEPOINT involve_op", _("Could not save"), error);
  return exec_sql (self, "BEGIN IMMEDIATE", _("Could not save"), error);
}

static gboolean
txn_commit (InvolveStore *self,
            GError      **error)
{
  if (self->batch_depth > 0)
    return exec_sql (self, "RELEASE involve_op", _("Could not save"), error);
  if (!exec_sql (self, "COMMIT", _("Could not save"), error))
    {
      /* A failed COMMIT (disk full, I/O) may leave the transaction open. */
      if (!sqlite3_get_autocommit (self->db))
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

static void
txn_rollback (InvolveStore *self)
{
  if (self->batch_depth > 0)
    {
      sqlite3_exec (self->db, "ROLLBACK TO involve_op; RELEASE involve_op", NULL, NULL, NULL);
      return;
    }
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
involve_store_begin_batch (InvolveStore *self,
                           GError      **error)
{
  STORE_LOCK (self);
  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_not_damaged (self, error))
    return FALSE;
  if (self->batch_depth == 0 &&
      !exec_sql (self, "BEGIN IMMEDIATE", _("Could not start saving"), error))
    return FALSE;
  self->batch_depth++;
  return TRUE;
}

gboolean
involve_store_commit_batch (InvolveStore *self,
                            GError      **error)
{
  STORE_LOCK (self);
  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->batch_depth > 0, FALSE);

  if (--self->batch_depth > 0)
    return TRUE;
  if (!exec_sql (self, "COMMIT", _("Could not save"), error))
    {
      if (!sqlite3_get_autocommit (self->db))
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

void
involve_store_rollback_batch (InvolveStore *self)
{
  STORE_LOCK (self);
  g_return_if_fail (INVOLVE_IS_STORE (self));

  /* Nothing to do after a failed commit: it rolled back already. */
  if (self->batch_depth == 0)
    return;
  self->batch_depth = 0;
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Schema and migrations
 *
 * Each step runs in BEGIN IMMEDIATE ... COMMIT and sets PRAGMA user_version;
 * a failure rolls the step back and leaves the file at the previous version.
 * Never edit a step once released: add a new one.
 */

static gboolean populate_search_index (InvolveStore *self, GError **error);

static const char schema_v1[] =
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT"
  ");"
  "CREATE TABLE reference_counters ("
  "  year INTEGER PRIMARY KEY,"
  "  last INTEGER NOT NULL"
  ");"
  /* One row a record: identity plus a summary of its latest version, kept
   * up to date by the store so that lists never touch the values. */
  "CREATE TABLE records ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  reference TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  ref_year INTEGER NOT NULL,"
  "  ref_number INTEGER NOT NULL,"
  "  framework TEXT NOT NULL,"
  "  organisation TEXT,"
  "  title TEXT,"
  "  latest_version INTEGER NOT NULL DEFAULT 1,"
  "  status TEXT NOT NULL DEFAULT 'draft',"
  "  outcome TEXT,"
  "  created_usec INTEGER NOT NULL,"
  "  modified_usec INTEGER NOT NULL"
  ");"
  "CREATE TABLE versions ("
  "  id INTEGER PRIMARY KEY,"
  "  record_id INTEGER NOT NULL REFERENCES records (id),"
  "  version INTEGER NOT NULL CHECK (version >= 1),"
  "  status TEXT NOT NULL CHECK (status IN ('draft', 'awaiting-sign-off', 'returned',"
  "                                          'signed-off', 'superseded', 'withdrawn')),"
  "  status_reason TEXT,"
  "  created_usec INTEGER NOT NULL,"
  "  modified_usec INTEGER NOT NULL,"
  "  fingerprint TEXT,"
  "  outcome TEXT,"
  "  submitted_account TEXT,"
  "  submitted_profile TEXT,"
  "  reviewer_name TEXT,"
  "  reviewer_job_title TEXT,"
  "  reviewer_email TEXT,"
  "  reviewer_team TEXT,"
  "  review_date TEXT,"
  "  decision TEXT,"
  "  review_comments TEXT,"
  "  decided_fingerprint TEXT,"
  "  decided_usec INTEGER,"
  "  UNIQUE (record_id, version)"
  ");"
  "CREATE TABLE audit ("
  "  id INTEGER PRIMARY KEY,"
  "  time_usec INTEGER NOT NULL,"
  "  account TEXT NOT NULL,"
  "  profile TEXT,"
  "  kind TEXT NOT NULL,"
  "  record_uuid TEXT,"
  "  version INTEGER NOT NULL DEFAULT 0,"
  "  field_id TEXT,"
  "  old_value TEXT,"
  "  new_value TEXT,"
  "  details TEXT,"
  "  prev_hash TEXT NOT NULL,"
  "  hash TEXT NOT NULL"
  ");"
  "CREATE INDEX audit_by_record ON audit (record_uuid, id);"
  /* Values in GVariant text form (g_variant_print with types); audit_id is
   * the audit entry that wrote the value, for verify's cross-check. */
  "CREATE TABLE field_values ("
  "  version_id INTEGER NOT NULL REFERENCES versions (id),"
  "  field_id TEXT NOT NULL,"
  "  value TEXT NOT NULL,"
  "  modified_usec INTEGER NOT NULL,"
  "  audit_id INTEGER NOT NULL REFERENCES audit (id),"
  "  PRIMARY KEY (version_id, field_id)"
  ") WITHOUT ROWID;"
  /* Immutability, enforced by the database itself. */
  "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
  "BEGIN SELECT RAISE (ABORT, 'audit entries are append-only and cannot be changed'); END;"
  "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
  "BEGIN SELECT RAISE (ABORT, 'audit entries are append-only and cannot be deleted'); END;"
  "CREATE TRIGGER values_locked_insert BEFORE INSERT ON field_values "
  "WHEN (SELECT status FROM versions WHERE id = NEW.version_id) IN ('signed-off', 'superseded', 'withdrawn') "
  "BEGIN SELECT RAISE (ABORT, 'the values of a signed-off or withdrawn version cannot be changed'); END;"
  "CREATE TRIGGER values_locked_update BEFORE UPDATE ON field_values "
  "WHEN (SELECT status FROM versions WHERE id = OLD.version_id) IN ('signed-off', 'superseded', 'withdrawn') "
  "  OR (SELECT status FROM versions WHERE id = NEW.version_id) IN ('signed-off', 'superseded', 'withdrawn') "
  "BEGIN SELECT RAISE (ABORT, 'the values of a signed-off or withdrawn version cannot be changed'); END;"
  "CREATE TRIGGER values_locked_delete BEFORE DELETE ON field_values "
  "WHEN (SELECT status FROM versions WHERE id = OLD.version_id) IN ('signed-off', 'superseded', 'withdrawn') "
  "BEGIN SELECT RAISE (ABORT, 'the values of a signed-off or withdrawn version cannot be changed'); END;"
  /* A signed-off version may only become superseded; nothing else in it changes. */
  "CREATE TRIGGER versions_locked_update BEFORE UPDATE ON versions "
  "WHEN OLD.status IN ('signed-off', 'superseded', 'withdrawn') AND NOT ("
  "  OLD.status = 'signed-off' AND NEW.status = 'superseded'"
  "  AND NEW.id IS OLD.id AND NEW.record_id IS OLD.record_id AND NEW.version IS OLD.version"
  "  AND NEW.status_reason IS OLD.status_reason AND NEW.created_usec IS OLD.created_usec"
  "  AND NEW.fingerprint IS OLD.fingerprint AND NEW.outcome IS OLD.outcome"
  "  AND NEW.reviewer_name IS OLD.reviewer_name AND NEW.reviewer_job_title IS OLD.reviewer_job_title"
  "  AND NEW.reviewer_email IS OLD.reviewer_email AND NEW.reviewer_team IS OLD.reviewer_team"
  "  AND NEW.review_date IS OLD.review_date AND NEW.decision IS OLD.decision"
  "  AND NEW.review_comments IS OLD.review_comments"
  "  AND NEW.decided_fingerprint IS OLD.decided_fingerprint AND NEW.decided_usec IS OLD.decided_usec) "
  "BEGIN SELECT RAISE (ABORT, 'a signed-off or withdrawn version cannot be changed'); END;"
  "CREATE TRIGGER versions_locked_delete BEFORE DELETE ON versions "
  "WHEN OLD.status IN ('signed-off', 'superseded', 'withdrawn') "
  "BEGIN SELECT RAISE (ABORT, 'a signed-off or withdrawn version cannot be deleted'); END;"
  "INSERT INTO meta (key, value) VALUES ('created-by', 'Involve');";

/* Search and fast lists. */
static const char schema_v2[] =
  "CREATE INDEX records_by_reference ON records (ref_year, ref_number);"
  "CREATE INDEX records_by_modified ON records (modified_usec);"
  "CREATE INDEX records_by_title ON records (title COLLATE NOCASE);"
  "CREATE INDEX records_by_status ON records (status, ref_year, ref_number);"
  "CREATE INDEX records_by_status_modified ON records (status, modified_usec);"
  "CREATE INDEX records_by_organisation ON records (organisation, ref_year, ref_number);"
  "CREATE INDEX records_by_framework ON records (framework, ref_year, ref_number);"
  "CREATE INDEX records_by_outcome ON records (outcome, ref_year, ref_number);"
  "CREATE INDEX versions_by_status ON versions (status);"
  "CREATE VIRTUAL TABLE record_text USING fts5 ("
  "  reference, title, organisation, body,"
  "  tokenize = 'unicode61 remove_diacritics 2'"
  ");";

/*
 * Search keyed by reference: the full-text row of a record has the rowid
 * ref_year * REF_KEY_FACTOR + ref_number, so the index itself yields
 * matches in reference order and a first page of results needs no sort.
 */
#define REF_KEY_FACTOR G_GINT64_CONSTANT (100000000)

static const char schema_v3[] =
  "DROP TABLE record_text;"
  "CREATE VIRTUAL TABLE search_text USING fts5 ("
  "  reference, title, organisation, body,"
  "  tokenize = 'unicode61 remove_diacritics 2'"
  ");"
  "CREATE INDEX records_by_framework_status ON records (framework, status, ref_year, ref_number);"
  "CREATE INDEX records_by_outcome_status ON records (outcome, status, ref_year, ref_number);";

/* Saving a keystroke does not re-index the record: it marks it stale, and
 * the next search brings stale records up to date first. */
static const char schema_v4[] =
  "ALTER TABLE records ADD COLUMN search_stale INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX records_search_stale ON records (id) WHERE search_stale;";

/*
 * Audit trails kept from other registers by imports: one imported_trails
 * row a trail (its record, where and when it was imported, and the local
 * audit entry that binds it), one imported_audit row an entry exactly as
 * the source register wrote it, hashes included.  Append-only, like audit.
 */
static const char schema_v5[] =
  "CREATE TABLE imported_trails ("
  "  id INTEGER PRIMARY KEY,"
  "  record_uuid TEXT NOT NULL,"
  "  import_audit_id INTEGER NOT NULL UNIQUE REFERENCES audit (id),"
  "  source TEXT NOT NULL,"
  "  imported_usec INTEGER NOT NULL,"
  "  n_entries INTEGER NOT NULL,"
  "  digest TEXT NOT NULL"
  ");"
  "CREATE INDEX imported_trails_by_record ON imported_trails (record_uuid, id);"
  "CREATE TABLE imported_audit ("
  "  trail_id INTEGER NOT NULL REFERENCES imported_trails (id),"
  "  position INTEGER NOT NULL CHECK (position >= 1),"
  "  source_id INTEGER NOT NULL,"
  "  time_usec INTEGER NOT NULL,"
  /* Nullable where the source's were: kept as they were hashed. */
  "  account TEXT,"
  "  profile TEXT,"
  "  kind TEXT,"
  "  record_uuid TEXT,"
  "  version INTEGER NOT NULL DEFAULT 0,"
  "  field_id TEXT,"
  "  old_value TEXT,"
  "  new_value TEXT,"
  "  details TEXT,"
  "  prev_hash TEXT NOT NULL,"
  "  hash TEXT NOT NULL,"
  "  PRIMARY KEY (trail_id, position)"
  ") WITHOUT ROWID;"
  "CREATE TRIGGER imported_trails_no_update BEFORE UPDATE ON imported_trails "
  "BEGIN SELECT RAISE (ABORT, 'imported audit trails are append-only and cannot be changed'); END;"
  "CREATE TRIGGER imported_trails_no_delete BEFORE DELETE ON imported_trails "
  "BEGIN SELECT RAISE (ABORT, 'imported audit trails are append-only and cannot be deleted'); END;"
  "CREATE TRIGGER imported_audit_no_update BEFORE UPDATE ON imported_audit "
  "BEGIN SELECT RAISE (ABORT, 'imported audit entries are append-only and cannot be changed'); END;"
  "CREATE TRIGGER imported_audit_no_delete BEFORE DELETE ON imported_audit "
  "BEGIN SELECT RAISE (ABORT, 'imported audit entries are append-only and cannot be deleted'); END;";

/*
 * Branch signed-acts: signed acts and the trust list.  Certificates by
 * fingerprint; trust rows are events (the newest row of a certificate
 * holds its roles, "" once removed), each bound to its signed audit
 * entry; audit_signatures keeps the signed bytes and signature of a signed
 * entry (the entry's details name the signer and the signature's digest,
 * so the chain covers them); versions remember who submitted and who
 * decided (certificate fingerprints) and the seal (involve-fingerprint-2).
 */
static const char schema_v6[] =
  "INSERT OR IGNORE INTO meta (key, value) VALUES ('register-id', lower (hex (randomblob (16))));"
  /* Decisions after this audit entry must be signed (verify). */
  "INSERT OR REPLACE INTO meta (key, value) VALUES ('signed-acts-since',"
  " (SELECT COALESCE (MAX (id), 0) FROM audit));"
  "CREATE TRIGGER meta_signed_since_no_update BEFORE UPDATE ON meta WHEN OLD.key = 'signed-acts-since' "
  "BEGIN SELECT RAISE (ABORT, 'the start of signed acts cannot be changed'); END;"
  "CREATE TRIGGER meta_signed_since_no_delete BEFORE DELETE ON meta WHEN OLD.key = 'signed-acts-since' "
  "BEGIN SELECT RAISE (ABORT, 'the start of signed acts cannot be changed'); END;"
  "CREATE TABLE certificates ("
  "  fingerprint TEXT PRIMARY KEY,"
  "  der BLOB NOT NULL,"
  "  subject TEXT"
  ");"
  "CREATE TABLE trust ("
  "  id INTEGER PRIMARY KEY,"
  "  fingerprint TEXT NOT NULL REFERENCES certificates (fingerprint),"
  "  roles TEXT NOT NULL,"
  "  audit_id INTEGER NOT NULL UNIQUE REFERENCES audit (id)"
  ");"
  "CREATE INDEX trust_by_fingerprint ON trust (fingerprint, id);"
  "CREATE TABLE audit_signatures ("
  "  audit_id INTEGER PRIMARY KEY REFERENCES audit (id),"
  "  signer TEXT NOT NULL REFERENCES certificates (fingerprint),"
  "  data BLOB NOT NULL,"
  "  signature BLOB NOT NULL"
  ");"
  "ALTER TABLE versions ADD COLUMN submitter_certificate TEXT;"
  "ALTER TABLE versions ADD COLUMN reviewer_certificate TEXT;"
  "ALTER TABLE versions ADD COLUMN fingerprint_format TEXT;"
  "ALTER TABLE versions ADD COLUMN seal TEXT;"
  "CREATE TRIGGER certificates_no_update BEFORE UPDATE ON certificates "
  "BEGIN SELECT RAISE (ABORT, 'certificates are append-only and cannot be changed'); END;"
  "CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates "
  "BEGIN SELECT RAISE (ABORT, 'certificates are append-only and cannot be deleted'); END;"
  "CREATE TRIGGER trust_no_update BEFORE UPDATE ON trust "
  "BEGIN SELECT RAISE (ABORT, 'the trust list is append-only and cannot be changed'); END;"
  "CREATE TRIGGER trust_no_delete BEFORE DELETE ON trust "
  "BEGIN SELECT RAISE (ABORT, 'the trust list is append-only and cannot be deleted'); END;"
  "CREATE TRIGGER audit_signatures_no_update BEFORE UPDATE ON audit_signatures "
  "BEGIN SELECT RAISE (ABORT, 'signatures are append-only and cannot be changed'); END;"
  "CREATE TRIGGER audit_signatures_no_delete BEFORE DELETE ON audit_signatures "
  "BEGIN SELECT RAISE (ABORT, 'signatures are append-only and cannot be deleted'); END;"
  "CREATE TRIGGER versions_signed_locked BEFORE UPDATE OF submitter_certificate,"
  " reviewer_certificate, fingerprint_format, seal ON versions "
  "WHEN OLD.status IN ('signed-off', 'superseded', 'withdrawn') "
  "BEGIN SELECT RAISE (ABORT, 'a signed-off or withdrawn version cannot be changed'); END;";

/*
 * Branch involvement-log: the involvement log kept after sign-off
 * (involve-store-involvement.c).  One table each for activities, feedback
 * themes, "you said, we did" responses and evaluations, and one for the
 * reference-list items an activity reached.  Each row names the audit
 * entry that wrote it; rows are never changed or deleted: a correction is
 * a new row that supersedes the old one (at most once).
 */
static const char schema_involvement_log[] =
  "CREATE TABLE involvement_activities ("
  "  id INTEGER PRIMARY KEY,"
  "  record_uuid TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  audit_id INTEGER NOT NULL UNIQUE REFERENCES audit (id),"
  "  supersedes INTEGER UNIQUE REFERENCES involvement_activities (id),"
  "  retracted INTEGER NOT NULL DEFAULT 0,"
  "  correction TEXT,"
  "  method TEXT,"
  "  description TEXT,"
  "  start_date TEXT,"
  "  end_date TEXT,"
  "  reach INTEGER NOT NULL DEFAULT 0,"
  "  partners TEXT,"
  "  documents TEXT"
  ");"
  "CREATE INDEX involvement_activities_by_record ON involvement_activities (record_uuid, id);"
  "CREATE INDEX involvement_activities_by_start ON involvement_activities (start_date);"
  "CREATE TABLE involvement_reach ("
  "  activity_id INTEGER NOT NULL REFERENCES involvement_activities (id),"
  "  list TEXT NOT NULL,"
  "  item TEXT NOT NULL,"
  "  PRIMARY KEY (activity_id, list, item)"
  ") WITHOUT ROWID;"
  "CREATE TABLE involvement_feedback ("
  "  id INTEGER PRIMARY KEY,"
  "  record_uuid TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  audit_id INTEGER NOT NULL UNIQUE REFERENCES audit (id),"
  "  supersedes INTEGER UNIQUE REFERENCES involvement_feedback (id),"
  "  retracted INTEGER NOT NULL DEFAULT 0,"
  "  correction TEXT,"
  "  activity_id INTEGER REFERENCES involvement_activities (id),"
  "  theme TEXT,"
  "  summary TEXT,"
  "  responses INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX involvement_feedback_by_record ON involvement_feedback (record_uuid, id);"
  "CREATE TABLE involvement_responses ("
  "  id INTEGER PRIMARY KEY,"
  "  record_uuid TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  audit_id INTEGER NOT NULL UNIQUE REFERENCES audit (id),"
  "  supersedes INTEGER UNIQUE REFERENCES involvement_responses (id),"
  "  retracted INTEGER NOT NULL DEFAULT 0,"
  "  correction TEXT,"
  "  feedback_id INTEGER REFERENCES involvement_feedback (id),"
  "  you_said TEXT,"
  "  we_did TEXT,"
  "  not_taken_reason TEXT"
  ");"
  "CREATE INDEX involvement_responses_by_record ON involvement_responses (record_uuid, id);"
  "CREATE TABLE involvement_evaluations ("
  "  id INTEGER PRIMARY KEY,"
  "  record_uuid TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  audit_id INTEGER NOT NULL UNIQUE REFERENCES audit (id),"
  "  supersedes INTEGER UNIQUE REFERENCES involvement_evaluations (id),"
  "  retracted INTEGER NOT NULL DEFAULT 0,"
  "  correction TEXT,"
  "  response_id INTEGER REFERENCES involvement_responses (id),"
  "  evaluated_on TEXT,"
  "  impact TEXT"
  ");"
  "CREATE INDEX involvement_evaluations_by_record ON involvement_evaluations (record_uuid, id);"
  /* The annual report finds each version's sign-off, import and withdrawal. */
  "CREATE INDEX audit_by_kind ON audit (kind, record_uuid, version, id);"
  "CREATE TRIGGER involvement_activities_no_update BEFORE UPDATE ON involvement_activities "
  "BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be changed: add a correction'); END;"
  "CREATE TRIGGER involvement_activities_no_delete BEFORE DELETE ON involvement_activities "
  "BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be deleted: add a correction'); END;"
  "CREATE TRIGGER involvement_reach_no_update BEFORE UPDATE ON involvement_reach "
  "BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be changed: add a correction'); END;"
  "CREATE TRIGGER involvement_reach_no_delete BEFORE DELETE ON involvement_reach "
  "BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be deleted: add a correction'); END;"
  "CREATE TRIGGER involvement_feedback_no_update BEFORE UPDATE ON involvement_feedback "
  "BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be changed: add a correction'); END;"
  "CREATE TRIGGER involvement_feedback_no_delete BEFORE DELETE ON involvement_feedback "
  "BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be deleted: add a correction'); END;"
  "CREATE TRIGGER involvement_responses_no_update BEFORE UPDATE ON involvement_responses "
  "BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be changed: add a correction'); END;"
  "CREATE TRIGGER involvement_responses_no_delete BEFORE DELETE ON involvement_responses "
  "BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be deleted: add a correction'); END;"
  "CREATE TRIGGER involvement_evaluations_no_update BEFORE UPDATE ON involvement_evaluations "
  "BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be changed: add a correction'); END;"
  "CREATE TRIGGER involvement_evaluations_no_delete BEFORE DELETE ON involvement_evaluations "
  "BEGIN SELECT RAISE (ABORT, 'involvement log entries cannot be deleted: add a correction'); END;";

/*
 * Branch anchors: the heads (audit entry count and head hash) of other
 * registers, read from their files (exchange files, sign-off files), kept
 * so that a later file from the same register can be checked against
 * them.  Append-only; each row bound by a local audit entry.
 */
static const char schema_anchors[] =
  "CREATE TABLE seen_heads ("
  "  id INTEGER PRIMARY KEY,"
  "  register_id TEXT NOT NULL,"
  "  entries INTEGER NOT NULL,"
  "  hash TEXT NOT NULL,"
  "  head_usec INTEGER NOT NULL,"
  "  signer TEXT,"
  "  source TEXT NOT NULL,"
  "  seen_usec INTEGER NOT NULL,"
  "  audit_id INTEGER NOT NULL REFERENCES audit (id),"
  "  text TEXT NOT NULL"
  ");"
  "CREATE INDEX seen_heads_by_register ON seen_heads (register_id, entries);"
  "CREATE TRIGGER seen_heads_no_update BEFORE UPDATE ON seen_heads "
  "BEGIN SELECT RAISE (ABORT, 'seen heads are append-only and cannot be changed'); END;"
  "CREATE TRIGGER seen_heads_no_delete BEFORE DELETE ON seen_heads "
  "BEGIN SELECT RAISE (ABORT, 'seen heads are append-only and cannot be deleted'); END;";

typedef struct
{
  const char *sql;
  gboolean  (*populate) (InvolveStore *self, GError **error);
} Migration;

static const Migration migrations[] = {
  { schema_v1, NULL },
  { schema_v2, NULL },
  { schema_v3, populate_search_index },
  { schema_v4, NULL },
  { schema_v5, NULL },
  { schema_v6, NULL },  /* branch signed-acts */
  { schema_involvement_log, NULL },   /* involvement log; after the signing steps when they land */
  /* Branch anchors: the register's id and the heads seen in others' files. */
  { schema_anchors, _involve_store_populate_anchors },
};

#define LATEST_SCHEMA ((int) G_N_ELEMENTS (migrations))

int
involve_store_get_latest_schema_version (void)
{
  return LATEST_SCHEMA;
}

static gboolean
migrate (InvolveStore *self,
         int           target,
         GError      **error)
{
  for (int next = self->schema_version + 1; next <= target; next++)
    {
      const Migration *step = &migrations[next - 1];
      g_autofree char *pragmas = NULL;
      g_autofree char *doing = g_strdup_printf (_("Could not update the register to format %d"), next);

      if (!exec_sql (self, "BEGIN IMMEDIATE", doing, error))
        return FALSE;

      pragmas = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                                 INVOLVE_APPLICATION_ID, next);
      if (!exec_sql (self, step->sql, doing, error) ||
          (step->populate != NULL && !step->populate (self, error)) ||
          !exec_sql (self, pragmas, doing, error) ||
          !exec_sql (self, "COMMIT", doing, error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
      self->schema_version = next;
      g_debug ("Register %s migrated to schema %d", self->path, next);
    }
  return TRUE;
}

/* Opening */

char *
involve_store_dup_default_path (void)
{
  /* The user's data folder, or DIR/data in portable mode (involve-paths.h). */
  return involve_paths_get_default_register ();
}

/* The size of a file, or -1 when there is none. */
static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : -1;
}


/*
 * Looks at the file before SQLite does, so that foreign files are refused
 * without SQLite writing anything (a journal roll-back, a WAL header).
 * Only what never changes while others write is read here (the type of
 * the file, its first 16 bytes): whether it is damaged is for SQLite to
 * judge, under its own locks, once it is open (another process may be
 * checkpointing right now, and the size and header read here without a
 * lock can disagree for a moment).  A missing file is fine when the
 * register may be created ("create"); a zero-length one too, then, but
 * never when the person named an existing file.
 */
static gboolean
check_file_before_open (InvolveStore *self,
                        gboolean     *exists,
                        GError      **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  GStatBuf st;
  guint8 header[16];
  FILE *file;
  size_t n;

  *exists = FALSE;

  if (g_stat (self->path, &st) != 0)
    {
      int saved = errno;

      if (saved != ENOENT)
        {
          g_autofree char *message =
            g_strdup_printf (_("Could not open the register “%s”: %s."), self->path, g_strerror (saved));
          set_error_code (error, saved == EACCES ? INVOLVE_STORE_ERROR_READ_ONLY : INVOLVE_STORE_ERROR_IO,
                          0, message);
          return FALSE;
        }
      if (!self->create)
        {
          g_autofree char *message =
            g_strdup_printf (_("There is no register at “%s”. Check the name and the folder. To start a new, empty register there, ask for one: involve-cli --database “%s” create."),
                             self->path, self->path);
          set_error_code (error, INVOLVE_STORE_ERROR_NOT_FOUND, 0, message);
          return FALSE;
        }
      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          g_autofree char *message =
            g_strdup_printf (_("Could not create the folder “%s” for the register: %s."), dir, g_strerror (errno));
          set_error_code (error, INVOLVE_STORE_ERROR_READ_ONLY, 0, message);
          return FALSE;
        }
    }
  else
    {
      *exists = TRUE;
      if (!S_ISREG (st.st_mode))
        {
          g_autofree char *message =
            g_strdup_printf (_("“%s” is not a file, so it cannot be an Involve register."), self->path);
          set_error_code (error, INVOLVE_STORE_ERROR_NOT_A_REGISTER, 0, message);
          return FALSE;
        }
      if (st.st_size == 0 && !self->create)
        {
          g_autofree char *message =
            g_strdup_printf (_("“%s” is empty (0 bytes), so it is not an Involve register: perhaps a copy or a download did not finish. It was left untouched. Open the register you meant, or restore it from a backup."),
                             self->path);
          set_error_code (error, INVOLVE_STORE_ERROR_NOT_A_REGISTER, 0, message);
          return FALSE;
        }
    }

  /* SQLite needs to create its journal files beside the register. */
  if (g_access (dir, W_OK) != 0 || (*exists && g_access (self->path, W_OK) != 0))
    {
      g_autofree char *message =
        g_strdup_printf (_("The register “%s” cannot be opened for writing: the file or its folder is read-only. Ask for write access, or copy the register to a folder you can write to."),
                         self->path);
      set_error_code (error, INVOLVE_STORE_ERROR_READ_ONLY, 0, message);
      return FALSE;
    }

  if (!*exists || st.st_size == 0)
    return TRUE;

  file = g_fopen (self->path, "rb");
  if (file == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("Could not open the register “%s”: %s."), self->path, g_strerror (errno));
      set_error_code (error, INVOLVE_STORE_ERROR_IO, 0, message);
      return FALSE;
    }
  n = fread (header, 1, sizeof header, file);
  fclose (file);

  if (n < sizeof header || memcmp (header, "SQLite format 3", 16) != 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("“%s” is not an Involve register (it is not an SQLite database). It was left untouched."),
                         self->path);
      set_error_code (error, INVOLVE_STORE_ERROR_NOT_A_REGISTER, SQLITE_NOTADB, message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
query_int (InvolveStore *self,
           const char   *sql,
           int          *value,
           const char   *doing,
           GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int (stmt, 0);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        {
          *value = 0;
          rc = SQLITE_OK;
        }
    }
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc, doing);
      sqlite3_finalize (stmt);
      return FALSE;
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

/*
 * Whether the register's folder is on a network file system.  On Linux the
 * file system's type from statfs () says so directly, the types GIO counts
 * as remote and FUSE (sshfs, rclone; a mapped file is not safe there
 * either); elsewhere GIO is asked.  (GIO loads its modules for that, which
 * costs time on every open and leaves an object LeakSanitizer reports.)
 */
static gboolean
path_is_remote (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
#ifdef __linux__
  static const guint32 remote_types[] = {
    0x6969,       /* NFS */
    0x517B,       /* SMB */
    0xFF534D42,   /* CIFS */
    0xFE534D42,   /* SMB2/3 */
    0x73757245,   /* Coda */
    0x564C,       /* NCP */
    0x5346414F,   /* AFS */
    0x00C36400,   /* Ceph */
    0x01021997,   /* 9P */
    0x01161970,   /* GFS2 */
    0x7461636F,   /* OCFS2 */
    0x0BD00BD0,   /* Lustre */
    0x65735546,   /* FUSE */
  };
  struct statfs st;

  if (statfs (dir, &st) != 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (remote_types); i++)
    if ((guint32) st.f_type == remote_types[i])
      return TRUE;
  return FALSE;
#else
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GFileInfo) info = NULL;

  info = g_file_query_filesystem_info (file, G_FILE_ATTRIBUTE_FILESYSTEM_REMOTE, NULL, NULL);
  return info != NULL && g_file_info_get_attribute_boolean (info, G_FILE_ATTRIBUTE_FILESYSTEM_REMOTE);
#endif
}

/*
 * WAL on local disks: fast, and readers never wait for the writer.  Network
 * drives (SMB, NFS) cannot share WAL's memory map between machines, so
 * there, or when WAL cannot be switched on, the classic rollback journal.
 */
static gboolean
set_journal_mode (InvolveStore *self,
                  GError      **error)
{
  const char *wanted = self->requested_journal_mode;
  const char *doing = _("Could not open the register");
  sqlite3_stmt *stmt = NULL;
  const char *sql;
  int rc;

  if (wanted == NULL)
    wanted = path_is_remote (self->path) ? "delete" : "wal";
  sql = g_ascii_strcasecmp (wanted, "wal") == 0 ? "PRAGMA journal_mode = WAL" : "PRAGMA journal_mode = DELETE";

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_free (self->journal_mode);
      self->journal_mode = g_ascii_strdown ((const char *) sqlite3_column_text (stmt, 0), -1);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc, doing);
      return FALSE;
    }

  if (!g_str_equal (self->journal_mode, "wal") && !g_str_equal (self->journal_mode, "delete"))
    {
      /* WAL refused (no shared memory here, say): fall back. */
      if (!exec_sql (self, "PRAGMA journal_mode = DELETE", doing, error))
        return FALSE;
      g_free (self->journal_mode);
      self->journal_mode = g_strdup ("delete");
    }
  return TRUE;
}

/*
 * PRAGMA quick_check (1) on @db, in its own read transaction: @problem is
 * NULL when the file is sound, else SQLite's first finding.  FALSE (with a
 * store error) only when the check itself could not run.
 */
static gboolean
quick_check (sqlite3  *db,
             char    **problem,
             GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *problem = NULL;
  rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check (1)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *result = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (result, "ok") != 0)
        {
          *problem = g_strdup (result != NULL ? result : "?");
          g_strdelimit (*problem, "\n", ' ');
        }
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    {
      g_autofree char *message =
        g_strdup_printf (_("Could not check the register: %s."), sqlite3_errstr (rc));
      set_error_code (error, error_code_for_sqlite (rc), rc, message);
      return FALSE;
    }
  return TRUE;
}

static char *
damage_message (const char *path,
                const char *problem,
                gboolean    opened)
{
  g_autofree char *backup = involve_store_find_good_backup (path);
  g_autofree char *parent = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *first = NULL;

  if (opened)
    first = g_strdup_printf (_("The register “%s” is damaged (%s). It was opened read-only so that nothing more is lost: you can read and export what is still readable, but not change it."),
                             path, problem);
  else
    first = g_strdup_printf (_("The register “%s” is damaged (%s) and cannot be read. It was left untouched."),
                             path, problem);
  if (backup != NULL)
    return g_strdup_printf (_("%s The newest good backup is “%s”. To go back to it, close Involve and run: involve-cli --database “%s” restore “%s” (the damaged file is kept beside it)."),
                            first, backup, path, backup);
  parent = g_path_get_dirname (path);
  dir = g_build_filename (parent, "backups", NULL);
  return g_strdup_printf (_("%s No good backup was found in “%s”. Keep the file as it is and ask your IT service to recover it."),
                          first, dir);
}

/*
 * A damaged register is opened read-only, so that what can still be read
 * can be, while nothing is written to it (or backed up from it, pushing a
 * good backup out).  When SQLite cannot read it at all, opening fails; both
 * messages name the newest good backup and how to restore it.
 */
static gboolean
open_damaged (InvolveStore *self,
              const char   *problem,
              GError      **error)
{
  g_autofree char *detail = g_strdup (problem);
  int application_id = 0;
  int n_objects = 0;
  int rc;

  g_debug ("Register %s is damaged: %s", self->path, detail);
  g_hash_table_remove_all (self->statements);
  g_clear_pointer (&self->db, sqlite3_close_v2);

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (self->db, 1);
      sqlite3_busy_timeout (self->db, (int) self->busy_timeout);
    }
  if (rc != SQLITE_OK ||
      !query_int (self, "PRAGMA application_id", &application_id, "", NULL) ||
      !query_int (self, "PRAGMA user_version", &self->schema_version, "", NULL) ||
      !query_int (self, "SELECT count(*) FROM sqlite_master", &n_objects, "", NULL) ||
      application_id != INVOLVE_APPLICATION_ID ||
      self->schema_version < 1 || self->schema_version > LATEST_SCHEMA)
    {
      g_autofree char *message = damage_message (self->path, detail, FALSE);

      set_error_code (error, INVOLVE_STORE_ERROR_CORRUPT, SQLITE_CORRUPT, message);
      g_hash_table_remove_all (self->statements);
      g_clear_pointer (&self->db, sqlite3_close_v2);
      return FALSE;
    }
  g_free (self->journal_mode);
  self->journal_mode = g_strdup ("delete");
  self->damage = damage_message (self->path, detail, TRUE);
  return TRUE;
}

/* Writes are refused once the register is known to be damaged. */
static gboolean
check_not_damaged (InvolveStore *self,
                   GError      **error)
{
  if (self->damage == NULL)
    return TRUE;
  set_error_code (error, INVOLVE_STORE_ERROR_CORRUPT, SQLITE_CORRUPT, self->damage);
  return FALSE;
}

gboolean
involve_store_is_damaged (InvolveStore *self)
{
  STORE_LOCK (self);
  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  return self->damage != NULL;
}

char *
involve_store_dup_damage (InvolveStore *self)
{
  STORE_LOCK (self);
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  return g_strdup (self->damage);
}

/* The register and its WAL: what a quick check has to read. */
static gint64
register_size (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  GStatBuf st;
  gint64 size = 0;

  if (g_stat (path, &st) == 0)
    size += st.st_size;
  if (g_stat (wal, &st) == 0)
    size += st.st_size;
  return size;
}

static void mark_damaged (InvolveStore *self,
                          const char   *problem);

typedef struct
{
  InvolveStore *store;    /* unowned: it joins the thread before it goes */
  char         *path;
  gint          cancel;
} BackgroundCheck;

static int
check_progress_cb (void *data)
{
  BackgroundCheck *check = data;

  return g_atomic_int_get (&check->cancel);
}

static gpointer
background_check_thread (gpointer data)
{
  BackgroundCheck *check = data;
  g_autofree char *problem = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  gint64 start = g_get_monotonic_time ();

  if (sqlite3_open_v2 (check->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL) == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, DEFAULT_BUSY_TIMEOUT_MS);
      sqlite3_progress_handler (db, 10000, check_progress_cb, check);
      if (!quick_check (db, &problem, &error))
        {
          if (g_error_matches (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CORRUPT))
            problem = g_strdup (sqlite3_errstr (SQLITE_CORRUPT));
          else if (!g_atomic_int_get (&check->cancel))
            g_debug ("Could not check %s: %s", check->path, error->message);
        }
    }
  sqlite3_close (db);
  if (problem != NULL && !g_atomic_int_get (&check->cancel))
    {
      g_message ("The register %s is damaged: %s", check->path, problem);
      mark_damaged (check->store, problem);
    }
  g_debug ("Background check of %s took %.1f s", check->path,
           (g_get_monotonic_time () - start) / 1e6);
  return NULL;
}

static void
start_background_check (InvolveStore *self)
{
  BackgroundCheck *check = g_new0 (BackgroundCheck, 1);

  check->store = self;
  check->path = g_strdup (self->path);
  self->check_job = check;
  self->check_thread = g_thread_new ("involve-check", background_check_thread, check);
}

static void
stop_background_check (InvolveStore *self,
                       gboolean      cancel)
{
  BackgroundCheck *check = self->check_job;

  if (self->check_thread == NULL)
    return;
  if (cancel)
    g_atomic_int_set (&check->cancel, 1);
  g_thread_join (g_steal_pointer (&self->check_thread));
  g_free (check->path);
  g_clear_pointer (&self->check_job, g_free);
}

void
involve_store_set_check_on_open_max (gint64 bytes)
{
  check_on_open_max_bytes = bytes;
}

void
involve_store_wait_for_check (InvolveStore *self)
{
  g_return_if_fail (INVOLVE_IS_STORE (self));
  stop_background_check (self, FALSE);
}

static gboolean copy_database (sqlite3     *source,
                               const char  *dest_path,
                               gint        *cancel,
                               gboolean     check,
                               char       **problem,
                               GError     **error);

typedef struct _RollingBackup RollingBackup;
static void start_rolling_backup (InvolveStore *self);
static void stop_rolling_backup  (InvolveStore *self,
                                  gboolean      cancel);

static gboolean
involve_store_initable_init (GInitable     *initable,
                             GCancellable  *cancellable,
                             GError       **error)
{
  InvolveStore *self = INVOLVE_STORE (initable);
  const char *doing = _("Could not open the register");
  gboolean exists = FALSE;
  g_autoptr(GError) local_error = NULL;
  gboolean check_in_background = FALSE;
  int application_id = 0;
  int n_objects = 0;
  int target;
  int rc;

  if (self->path == NULL)
    self->path = involve_store_dup_default_path ();

  if (!check_file_before_open (self, &exists, error))
    return FALSE;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE) |
                        SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc, doing);
      goto fail;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, (int) self->busy_timeout);

  if (sqlite3_db_readonly (self->db, "main") == 1)
    {
      set_sqlite_error (self, error, SQLITE_READONLY, doing);
      goto fail;
    }

  /* Only reads until we know the file is ours and not from the future.
   * SQLite reads under its shared lock, so a file shorter than its header
   * says is damaged (CORRUPT), never merely being checkpointed. */
  if (!query_int (self, "PRAGMA application_id", &application_id, doing, &local_error) ||
      !query_int (self, "PRAGMA user_version", &self->schema_version, doing, &local_error) ||
      !query_int (self, "SELECT count(*) FROM sqlite_master", &n_objects, doing, &local_error))
    {
      if (g_error_matches (local_error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CORRUPT))
        return open_damaged (self, sqlite3_errstr (SQLITE_CORRUPT), error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto fail;
    }

  if (application_id != INVOLVE_APPLICATION_ID &&
      !(application_id == 0 && self->schema_version == 0 && n_objects == 0))
    {
      g_autofree char *message =
        g_strdup_printf (_("“%s” is an SQLite database of another program, not an Involve register. It was left untouched."),
                         self->path);
      set_error_code (error, INVOLVE_STORE_ERROR_NOT_A_REGISTER, 0, message);
      goto fail;
    }

  if (self->schema_version > LATEST_SCHEMA)
    {
      g_autofree char *message =
        g_strdup_printf (_("The register “%s” was written by a newer version of Involve (register format %d; this version knows up to %d). It was left untouched; open it with the newer Involve."),
                         self->path, self->schema_version, LATEST_SCHEMA);
      set_error_code (error, INVOLVE_STORE_ERROR_NEWER_SCHEMA, 0, message);
      goto fail;
    }

  /* Overwritten pages open fine: SQLite's own quick check finds them, in
   * one read transaction, before anything is written to the file.  It
   * reads the whole file, so a large register is checked in a thread
   * instead (start_background_check ()), which makes it read-only when it
   * finds damage; the check before each backup covers it too. */
  if (n_objects > 0 && register_size (self->path) > check_on_open_max_bytes)
    check_in_background = TRUE;
  else if (n_objects > 0)
    {
      g_autofree char *problem = NULL;

      if (!quick_check (self->db, &problem, &local_error))
        {
          if (g_error_matches (local_error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CORRUPT))
            return open_damaged (self, sqlite3_errstr (SQLITE_CORRUPT), error);
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto fail;
        }
      if (problem != NULL)
        return open_damaged (self, problem, error);
    }

  if (!set_journal_mode (self, error))
    goto fail;

  if (!exec_sql (self,
                 "PRAGMA synchronous = FULL;"
                 "PRAGMA foreign_keys = ON;"
                 "PRAGMA cache_size = -32768;"
                 "PRAGMA trusted_schema = OFF;",
                 doing, error))
    goto fail;

  target = self->target_schema > 0 ? MIN (self->target_schema, LATEST_SCHEMA) : LATEST_SCHEMA;
  if (self->schema_version < target)
    {
      /* Keep a copy of the old file before changing its format. */
      if (self->schema_version > 0)
        {
          g_autofree char *dir = involve_store_dup_backup_dir (self);
          g_autofree char *stem = g_path_get_basename (self->path);
          g_autofree char *name = g_strdup_printf ("%s.before-format-%d", stem, target);
          g_autofree char *dest = g_build_filename (dir, name, NULL);

          if (g_mkdir_with_parents (dir, 0700) != 0 ||
              !copy_database (self->db, dest, NULL, FALSE, NULL, error))
            goto fail;
        }
      if (!migrate (self, target, error))
        goto fail;
    }

  if (check_in_background)
    start_background_check (self);

  if (self->auto_backup && self->target_schema == 0 && self->damage == NULL)
    {
      /* With a rollback journal (network drives) a long reader would block
       * every save, so there the backup is done now, before any editing. */
      if (g_str_equal (self->journal_mode, "wal"))
        {
          if (!self->defer_backup)
            start_rolling_backup (self);
        }
      else
        {
          g_autoptr(GError) backup_error = NULL;

          if (!involve_store_rolling_backup (self, &backup_error))
            g_message ("Automatic backup of %s failed: %s", self->path, backup_error->message);
        }
    }

  return TRUE;

fail:
  g_hash_table_remove_all (self->statements);
  g_clear_pointer (&self->db, sqlite3_close_v2);
  /* A register this open was creating (the disk filled up, say) is not
   * left behind as an empty file, which the next open would refuse.  Only
   * while the file is still empty: another program may have created the
   * same register at the same moment, and SQLite writes a register's first
   * page to the file itself (a WAL beside an empty file, SQLite discards). */
  if (!exists && file_size (self->path) == 0)
    {
      static const char * const suffixes[] = { "-wal", "-shm", "-journal", "" };

      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *name = g_strconcat (self->path, suffixes[i], NULL);

          g_unlink (name);
        }
    }
  return FALSE;
}

static void
involve_store_initable_iface_init (GInitableIface *iface)
{
  iface->init = involve_store_initable_init;
}

InvolveStore *
involve_store_open (const char *path,
                    GError    **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (INVOLVE_TYPE_STORE, NULL, error, "path", path, NULL);
}

InvolveStore *
involve_store_open_at_schema (const char *path,
                              int         schema_version,
                              GError    **error)
{
  return g_initable_new (INVOLVE_TYPE_STORE, NULL, error,
                         "path", path,
                         "auto-backup", FALSE,
                         "target-schema-version", schema_version,
                         NULL);
}

/* Branch anchors: whether the step that adds seen_heads has run. */
gboolean
_involve_store_has_anchors (InvolveStore *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
    {
      if (migrations[i].sql == schema_anchors)
        return self->schema_version >= (int) i + 1;
    }
  return FALSE;
}

sqlite3 *
involve_store_get_db (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  return self->db;
}

static void
involve_store_finalize (GObject *object)
{
  InvolveStore *self = (InvolveStore *) object;

  /* Closing the register interrupts an unfinished daily backup. */
  stop_rolling_backup (self, TRUE);
  stop_background_check (self, TRUE);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    {
      if (self->batch_depth > 0 && !sqlite3_get_autocommit (self->db))
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->requested_journal_mode, g_free);
  g_clear_pointer (&self->journal_mode, g_free);
  g_clear_pointer (&self->damage, g_free);
  g_clear_pointer (&self->os_account, g_free);
  g_clear_pointer (&self->profile_name, g_free);
  g_clear_object (&self->identity);
  g_rec_mutex_clear (&self->lock);

  G_OBJECT_CLASS (involve_store_parent_class)->finalize (object);
}

static void
involve_store_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  InvolveStore *self = INVOLVE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_BUSY_TIMEOUT:
      g_value_set_uint (value, self->busy_timeout);
      break;
    case PROP_AUTO_BACKUP:
      g_value_set_boolean (value, self->auto_backup);
      break;
    case PROP_DEFER_BACKUP:
      g_value_set_boolean (value, self->defer_backup);
      break;
    case PROP_JOURNAL_MODE:
      g_value_set_string (value, self->journal_mode != NULL ? self->journal_mode : self->requested_journal_mode);
      break;
    case PROP_OS_ACCOUNT:
      g_value_set_string (value, self->os_account);
      break;
    case PROP_PROFILE_NAME:
      g_value_set_string (value, self->profile_name);
      break;
    case PROP_TARGET_SCHEMA:
      g_value_set_int (value, self->target_schema);
      break;
    case PROP_CREATE:
      g_value_set_boolean (value, self->create);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
involve_store_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  InvolveStore *self = INVOLVE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      break;
    case PROP_BUSY_TIMEOUT:
      self->busy_timeout = g_value_get_uint (value);
      break;
    case PROP_AUTO_BACKUP:
      self->auto_backup = g_value_get_boolean (value);
      break;
    case PROP_DEFER_BACKUP:
      self->defer_backup = g_value_get_boolean (value);
      break;
    case PROP_JOURNAL_MODE:
      g_free (self->requested_journal_mode);
      self->requested_journal_mode = g_value_dup_string (value);
      break;
    case PROP_OS_ACCOUNT:
      involve_store_set_os_account (self, g_value_get_string (value));
      break;
    case PROP_PROFILE_NAME:
      involve_store_set_profile_name (self, g_value_get_string (value));
      break;
    case PROP_TARGET_SCHEMA:
      self->target_schema = g_value_get_int (value);
      break;
    case PROP_CREATE:
      self->create = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
involve_store_class_init (InvolveStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = involve_store_finalize;
  object_class->get_property = involve_store_get_property;
  object_class->set_property = involve_store_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY_TIMEOUT] =
    g_param_spec_uint ("busy-timeout", NULL, NULL, 0, G_MAXINT, DEFAULT_BUSY_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTO_BACKUP] =
    g_param_spec_boolean ("auto-backup", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEFER_BACKUP] =
    g_param_spec_boolean ("defer-backup", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_JOURNAL_MODE] =
    g_param_spec_string ("journal-mode", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OS_ACCOUNT] =
    g_param_spec_string ("os-account", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROFILE_NAME] =
    g_param_spec_string ("profile-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TARGET_SCHEMA] =
    g_param_spec_int ("target-schema-version", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATE] =
    g_param_spec_boolean ("create", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * InvolveStore::records-changed:
   * @uuid: (nullable): the record another client changed, or %NULL when
   *   several may have changed
   *
   * Another client of the same team register saved, created or decided a
   * record.  Emitted in the main context; only server registers emit it.
   */
  signals[SIGNAL_RECORDS_CHANGED] =
    g_signal_new ("records-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
stmt_finalize (gpointer data)
{
  sqlite3_finalize (data);
}

static void
involve_store_init (InvolveStore *self)
{
  self->busy_timeout = DEFAULT_BUSY_TIMEOUT_MS;
  self->auto_backup = TRUE;
  self->create = TRUE;
  self->os_account = g_strdup (g_get_user_name ());
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, stmt_finalize);
  g_rec_mutex_init (&self->lock);
}

const char *
involve_store_get_path (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  return self->path;
}

gboolean
involve_store_is_server (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);

  return involve_db_location_is_server (self->path);
}

char *
involve_store_dup_display_location (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);

  return involve_db_redact_location (self->path);
}

const char *
involve_store_get_journal_mode (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  return self->journal_mode;
}

int
involve_store_get_schema_version (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), 0);
  return self->schema_version;
}

const char *
involve_store_get_os_account (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  return self->os_account;
}

void
involve_store_set_os_account (InvolveStore *self,
                              const char   *account)
{
  g_return_if_fail (INVOLVE_IS_STORE (self));

  if (account == NULL)
    account = g_get_user_name ();
  if (g_strcmp0 (self->os_account, account) == 0)
    return;
  g_free (self->os_account);
  self->os_account = g_strdup (account);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OS_ACCOUNT]);
}

const char *
involve_store_get_profile_name (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  return self->profile_name;
}

void
involve_store_set_profile_name (InvolveStore *self,
                                const char   *profile_name)
{
  g_return_if_fail (INVOLVE_IS_STORE (self));

  if (g_strcmp0 (self->profile_name, profile_name) == 0)
    return;
  g_free (self->profile_name);
  self->profile_name = g_strdup (profile_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE_NAME]);
}

InvolveIdentity *
involve_store_get_identity (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);

  return (InvolveIdentity *) self->identity;
}

void
involve_store_set_identity (InvolveStore    *self,
                            InvolveIdentity *identity)
{
  g_return_if_fail (INVOLVE_IS_STORE (self));
  g_return_if_fail (identity == NULL || G_IS_OBJECT (identity));

  g_set_object (&self->identity, (GObject *) identity);
}

/* The audit log */

typedef struct
{
  const char *kind;
  const char *record_uuid;
  guint       version;
  const char *field_id;
  const char *old_value;
  const char *new_value;
  const char *details;
} AuditEvent;

/* Binds an entry's thirteen columns, in the order of AUDIT_COLUMNS, from
 * parameter @first on. */
static void
bind_audit_entry (sqlite3_stmt            *stmt,
                  int                      first,
                  const InvolveAuditEntry *entry)
{
  sqlite3_bind_int64 (stmt, first, entry->id);
  sqlite3_bind_int64 (stmt, first + 1, entry->time_usec);
  bind_text (stmt, first + 2, entry->account);
  bind_text (stmt, first + 3, entry->profile);
  bind_text (stmt, first + 4, entry->kind);
  bind_text (stmt, first + 5, entry->record_uuid);
  sqlite3_bind_int64 (stmt, first + 6, entry->version);
  bind_text (stmt, first + 7, entry->field_id);
  bind_text (stmt, first + 8, entry->old_value);
  bind_text (stmt, first + 9, entry->new_value);
  bind_text (stmt, first + 10, entry->details);
  bind_text (stmt, first + 11, entry->prev_hash);
  bind_text (stmt, first + 12, entry->hash);
}

/* Appends one entry inside the caller's transaction. */
static gboolean
audit_append (InvolveStore     *self,
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

  head = prepare (self, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", error);
  if (head == NULL)
    return FALSE;
  rc = sqlite3_step (head);
  if (rc == SQLITE_ROW)
    {
      prev_id = sqlite3_column_int64 (head, 0);
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
  bind_audit_entry (insert, 1, &entry);
  if (!step_done (self, insert, doing, error))
    return FALSE;

  if (out_id != NULL)
    *out_id = entry.id;
  return TRUE;
}

/* The helpers involve-store-internal.h shares with the store's other files. */

GRecMutex *
_involve_store_lock (InvolveStore *self)
{
  return store_lock (self);
}

void
_involve_store_unlock (GRecMutex **lock)
{
  store_unlock (lock);
}

void
_involve_store_stmt_reset (sqlite3_stmt **stmt)
{
  stmt_cleanup (stmt);
}

sqlite3_stmt *
_involve_store_prepare (InvolveStore *self,
                        const char   *sql,
                        GError      **error)
{
  return prepare (self, sql, error);
}

void
_involve_store_sqlite_error (InvolveStore *self,
                             GError      **error,
                             int           rc,
                             const char   *doing)
{
  set_sqlite_error (self, error, rc, doing);
}

gboolean
_involve_store_txn_begin (InvolveStore *self,
                          GError      **error)
{
  return txn_begin (self, error);
}

gboolean
_involve_store_txn_commit (InvolveStore *self,
                           GError      **error)
{
  return txn_commit (self, error);
}

void
_involve_store_txn_rollback (InvolveStore *self)
{
  txn_rollback (self);
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

  return audit_append (self, &event, time_usec, out_id, error);
}

static InvolveAuditEntry *
audit_entry_from_row (sqlite3_stmt *stmt)
{
  InvolveAuditEntry *entry = g_new0 (InvolveAuditEntry, 1);

  entry->id = sqlite3_column_int64 (stmt, 0);
  entry->time_usec = sqlite3_column_int64 (stmt, 1);
  entry->account = column_dup (stmt, 2);
  entry->profile = column_dup (stmt, 3);
  entry->kind = column_dup (stmt, 4);
  entry->record_uuid = column_dup (stmt, 5);
  entry->version = (guint) sqlite3_column_int64 (stmt, 6);
  entry->field_id = column_dup (stmt, 7);
  entry->old_value = column_dup (stmt, 8);
  entry->new_value = column_dup (stmt, 9);
  entry->details = column_dup (stmt, 10);
  entry->prev_hash = column_dup (stmt, 11);
  entry->hash = column_dup (stmt, 12);
  return entry;
}

#define AUDIT_COLUMNS "id, time_usec, account, profile, kind, record_uuid, version," \
                      " field_id, old_value, new_value, details, prev_hash, hash"

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

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (kind != NULL && *kind != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!txn_begin (self, error))
    return FALSE;
  if (!audit_append (self, &event, g_get_real_time (), NULL, error) ||
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
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, audit_entry_from_row (stmt));
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
  sqlite3_bind_int64 (stmt, 2, after_id);
  sqlite3_bind_int64 (stmt, 3, limit > 0 ? (gint64) limit : -1);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_audit_entry_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, audit_entry_from_row (stmt));
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
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (id != NULL)
        *id = sqlite3_column_int64 (stmt, 0);
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
static GPtrArray *
read_imported_trails (InvolveStore *self,
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

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (trail == NULL || sqlite3_column_int64 (stmt, 14) != trail_id)
        {
          gint64 count = sqlite3_column_int64 (stmt, 19);

          if (trail != NULL && gaps != NULL)
            g_array_append_val (gaps, gap);
          trail_id = sqlite3_column_int64 (stmt, 14);
          trail = involve_imported_trail_new ((const char *) sqlite3_column_text (stmt, 15),
                                              (const char *) sqlite3_column_text (stmt, 17),
                                              sqlite3_column_int64 (stmt, 18));
          trail->import_id = sqlite3_column_int64 (stmt, 16);
          g_ptr_array_add (trails, trail);
          gap = -1;
          if (counts != NULL)
            g_array_append_val (counts, count);
        }
      if (sqlite3_column_type (stmt, 13) == SQLITE_NULL)
        continue;
      if (gap < 0 && sqlite3_column_int64 (stmt, 13) != (gint64) trail->entries->len + 1)
        gap = trail->entries->len;
      /* Same columns as the audit table, so the same reader. */
      g_ptr_array_add (trail->entries, audit_entry_from_row (stmt));
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

  return read_imported_trails (self, uuid, NULL, NULL, error);
}

/* Versions */

typedef struct
{
  gint64          record_id;
  gint64          version_id;
  char           *uuid;
  char           *reference;
  char           *framework;
  guint           version;
  guint           latest_version;
  InvolveStatus   status;
  char           *status_reason;
  gint64          created_usec;
  gint64          modified_usec;
  char           *fingerprint;
  char           *submitted_account;
  char           *submitted_profile;
  InvolveSignOff *sign_off;
} VersionRow;

static void
version_row_clear (VersionRow *row)
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

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VersionRow, version_row_clear)

#define VERSION_COLUMNS \
  "r.id, v.id, r.uuid, r.reference, r.framework, v.version, r.latest_version, v.status," \
  " v.status_reason, v.created_usec, v.modified_usec, v.fingerprint, v.submitted_account," \
  " v.submitted_profile, v.reviewer_name, v.reviewer_job_title, v.reviewer_email," \
  " v.reviewer_team, v.review_date, v.decision, v.review_comments, v.decided_fingerprint," \
  " v.decided_usec"

static void
version_row_from_stmt (VersionRow   *row,
                       sqlite3_stmt *stmt)
{
  InvolveStatus status = INVOLVE_STATUS_DRAFT;

  row->record_id = sqlite3_column_int64 (stmt, 0);
  row->version_id = sqlite3_column_int64 (stmt, 1);
  row->uuid = column_dup (stmt, 2);
  row->reference = column_dup (stmt, 3);
  row->framework = column_dup (stmt, 4);
  row->version = (guint) sqlite3_column_int64 (stmt, 5);
  row->latest_version = (guint) sqlite3_column_int64 (stmt, 6);
  involve_status_from_string ((const char *) sqlite3_column_text (stmt, 7), &status);
  row->status = status;
  row->status_reason = column_dup (stmt, 8);
  row->created_usec = sqlite3_column_int64 (stmt, 9);
  row->modified_usec = sqlite3_column_int64 (stmt, 10);
  row->fingerprint = column_dup (stmt, 11);
  row->submitted_account = column_dup (stmt, 12);
  row->submitted_profile = column_dup (stmt, 13);
  if (sqlite3_column_type (stmt, 19) != SQLITE_NULL)
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
      row->sign_off->decided_at_usec = sqlite3_column_int64 (stmt, 22);
    }
}

/* @version 0: the latest. */
static gboolean
fetch_version (InvolveStore *self,
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
  sqlite3_bind_int64 (stmt, 2, version);

  rc = sqlite3_step (stmt);
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
      g_autofree char *message =
        g_strdup_printf (_("The register “%s” holds an unreadable value for “%s”: %s."),
                         self->path, field_id, local_error->message);
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
  sqlite3_bind_int64 (stmt, 1, version_id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *field_id = (const char *) sqlite3_column_text (stmt, 0);
      g_autoptr(GVariant) value = NULL;

      value = parse_value (self, (const char *) sqlite3_column_text (stmt, 1), field_id, error);
      if (value == NULL)
        return FALSE;
      involve_record_set_value_full (record, field_id, value, sqlite3_column_int64 (stmt, 2));
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("Could not read the record"));
      return FALSE;
    }
  return TRUE;
}

static InvolveRecord *
record_from_row (InvolveStore *self,
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

  if (!fetch_version (self, uuid, version, &row, error))
    return NULL;
  return record_from_row (self, &row, error);
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
  rc = sqlite3_step (stmt);
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
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
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

/* Summaries and the search index */

static void
collect_text (GVariant *value,
              GString  *out)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      const char *text = g_variant_get_string (value, NULL);

      if (*text != '\0')
        {
          if (out->len > 0)
            g_string_append_c (out, '\n');
          g_string_append (out, text);
        }
    }
  else if (g_variant_is_container (value))
    {
      gsize n = g_variant_n_children (value);

      for (gsize i = 0; i < n; i++)
        {
          g_autoptr(GVariant) child = g_variant_get_child_value (value, i);

          collect_text (child, out);
        }
    }
}

/* The full-text index's body: every answer's text but the title and organisation. */
char *
_involve_store_compute_search_body (InvolveRecord *record)
{
  g_auto(GStrv) field_ids = involve_record_dup_field_ids (record);
  GString *body = g_string_new (NULL);

  for (guint i = 0; field_ids[i] != NULL; i++)
    {
      if (g_str_equal (field_ids[i], "title") || g_str_equal (field_ids[i], "organisation-name"))
        continue;
      collect_text (involve_record_get_value (record, field_ids[i]), body);
    }
  return g_string_free (body, FALSE);
}

static gboolean
value_has_text (GVariant *value)
{
  if (value == NULL)
    return FALSE;
  return !g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN);
}

static const char *
nonblank (const char *text)
{
  if (text == NULL)
    return NULL;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return text;
    }
  return NULL;
}

typedef enum
{
  SEARCH_KEEP,    /* the text did not change */
  SEARCH_DEFER,   /* mark the record for re-indexing before the next search */
  SEARCH_NOW,     /* re-index it now */
} SearchUpdate;

/*
 * Brings the records row (title, organisation, outcome, modified), the
 * version's outcome and, as @search says, the full-text row up to date
 * with @record, the latest version.
 */
static gboolean
refresh_summary (InvolveStore  *self,
                 gint64         record_id,
                 gint64         version_id,
                 InvolveRecord *record,
                 gint64         now,
                 SearchUpdate   search,
                 GError       **error)
{
  /* Registers before format 4 cannot mark records stale. */
  gboolean text_changed = search == SEARCH_NOW || (search == SEARCH_DEFER && self->schema_version < 4);
  const char *doing = _("Could not update the register’s index");
  const char *title = nonblank (involve_record_get_string (record, "title"));
  const char *organisation = nonblank (involve_record_get_string (record, "organisation-name"));
  g_autofree char *outcome = outcome_hook (record);
  AUTO_STMT update_version = NULL;
  /* One statement a column, each writing only when the value changes, so
   * that a save rewrites only the indexes it must (every indexed column in
   * an UPDATE's SET list costs an index rewrite, changed or not). */
  static const char * const updates[] = {
    "UPDATE records SET modified_usec = ?2 WHERE id = ?1 AND modified_usec < ?2",
    "UPDATE records SET title = ?2 WHERE id = ?1 AND title IS NOT ?2",
    "UPDATE records SET organisation = ?2 WHERE id = ?1 AND organisation IS NOT ?2",
    "UPDATE records SET outcome = ?2 WHERE id = ?1 AND outcome IS NOT ?2",
    "UPDATE records SET search_stale = ?2 WHERE id = ?1 AND search_stale IS NOT ?2",
  };

  for (guint i = 0; i < G_N_ELEMENTS (updates); i++)
    {
      AUTO_STMT update = NULL;

      if (i == 4 && (self->schema_version < 4 || search == SEARCH_KEEP))
        continue;
      update = prepare (self, updates[i], error);
      if (update == NULL)
        return FALSE;
      sqlite3_bind_int64 (update, 1, record_id);
      switch (i)
        {
        case 0:
          sqlite3_bind_int64 (update, 2, now);
          break;
        case 1:
          bind_text (update, 2, title);
          break;
        case 2:
          bind_text (update, 2, organisation);
          break;
        case 3:
          bind_text (update, 2, outcome);
          break;
        default:
          sqlite3_bind_int (update, 2, search == SEARCH_DEFER ? 1 : 0);
          break;
        }
      if (!step_done (self, update, doing, error))
        return FALSE;
    }

  update_version = prepare (self, "UPDATE versions SET outcome = ?2 WHERE id = ?1 AND outcome IS NOT ?2", error);
  if (update_version == NULL)
    return FALSE;
  sqlite3_bind_int64 (update_version, 1, version_id);
  bind_text (update_version, 2, outcome);
  if (!step_done (self, update_version, doing, error))
    return FALSE;

  if (text_changed && self->schema_version >= 3)
    {
      g_autofree char *body = _involve_store_compute_search_body (record);
      AUTO_STMT key = NULL;
      AUTO_STMT remove = NULL;
      AUTO_STMT insert = NULL;
      gint64 ref_key;
      int rc;

      key = prepare (self, "SELECT ref_year * 100000000 + ref_number FROM records WHERE id = ?1", error);
      if (key == NULL)
        return FALSE;
      sqlite3_bind_int64 (key, 1, record_id);
      rc = sqlite3_step (key);
      if (rc != SQLITE_ROW)
        {
          set_sqlite_error (self, error, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, doing);
          return FALSE;
        }
      ref_key = sqlite3_column_int64 (key, 0);

      remove = prepare (self, "DELETE FROM search_text WHERE rowid = ?1", error);
      if (remove == NULL)
        return FALSE;
      sqlite3_bind_int64 (remove, 1, ref_key);
      if (!step_done (self, remove, doing, error))
        return FALSE;

      insert = prepare (self,
                        "INSERT INTO search_text (rowid, reference, title, organisation, body)"
                        " VALUES (?1, ?2, ?3, ?4, ?5)",
                        error);
      if (insert == NULL)
        return FALSE;
      sqlite3_bind_int64 (insert, 1, ref_key);
      bind_text (insert, 2, involve_record_get_reference (record));
      bind_text (insert, 3, title);
      bind_text (insert, 4, organisation);
      bind_text (insert, 5, body);
      if (!step_done (self, insert, doing, error))
        return FALSE;
    }
  return TRUE;
}

/* Migration 3: index what older registers hold. */
static gboolean
populate_search_index (InvolveStore *self,
                       GError      **error)
{
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "SELECT uuid FROM records ORDER BY id", -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (uuids, column_dup (stmt, 0));
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc, _("Could not index the register"));
      return FALSE;
    }

  /* refresh_summary () looks at the schema version to know FTS exists. */
  self->schema_version = 3;
  for (guint i = 0; i < uuids->len; i++)
    {
      g_auto(VersionRow) row = { 0 };
      g_autoptr(InvolveRecord) record = NULL;

      if (!fetch_version (self, uuids->pdata[i], 0, &row, error) ||
          (record = record_from_row (self, &row, error)) == NULL ||
          !refresh_summary (self, row.record_id, row.version_id, record, row.modified_usec, SEARCH_NOW, error))
        {
          self->schema_version = 2;
          return FALSE;
        }
    }
  self->schema_version = 2;
  return TRUE;
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
                  " ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last",
                  error);
  taken = prepare (self, "SELECT 1 FROM records WHERE reference = ?1", error);
  if (next == NULL || taken == NULL)
    return FALSE;

  for (;;)
    {
      g_autofree char *candidate = NULL;
      int rc;

      sqlite3_reset (next);
      sqlite3_bind_int (next, 1, year);
      rc = sqlite3_step (next);
      if (rc != SQLITE_ROW)
        {
          set_sqlite_error (self, error, rc, doing);
          return FALSE;
        }
      *number = sqlite3_column_int64 (next, 0);
      sqlite3_step (next);

      candidate = g_strdup_printf ("INV-%04d-%04" G_GINT64_FORMAT, year, *number);
      sqlite3_reset (taken);
      bind_text (taken, 1, candidate);
      rc = sqlite3_step (taken);
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
static gboolean
insert_record_row (InvolveStore *self,
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
  sqlite3_bind_int (stmt, 3, ref_year);
  sqlite3_bind_int64 (stmt, 4, ref_number);
  bind_text (stmt, 5, framework_id);
  sqlite3_bind_int64 (stmt, 6, created_usec);
  if (!step_done (self, stmt, _("Could not create the record"), error))
    return FALSE;
  *record_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

static gboolean
insert_version_row (InvolveStore  *self,
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
  sqlite3_bind_int64 (stmt, 1, record_id);
  sqlite3_bind_int64 (stmt, 2, version);
  bind_text (stmt, 3, involve_status_to_string (status));
  bind_text (stmt, 4, reason);
  sqlite3_bind_int64 (stmt, 5, created_usec);
  if (!step_done (self, stmt, _("Could not create the version"), error))
    return FALSE;
  *version_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

static char *print_value (GVariant *value);
static gboolean write_value (InvolveStore *self, gint64 version_id, const char *field_id,
                             const char *text, gint64 now, gint64 audit_id, GError **error);

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
  gint64 now = g_get_real_time ();
  gint64 number = 0;
  gint64 record_id = 0;
  gint64 version_id = 0;

  now_dt = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);

  if (!txn_begin (self, error))
    return NULL;

  if (!allocate_reference (self, g_date_time_get_year (now_dt), &reference, &number, error) ||
      !insert_record_row (self, uuid, reference, g_date_time_get_year (now_dt), number,
                          framework_id, now, &record_id, error) ||
      !insert_version_row (self, record_id, 1, INVOLVE_STATUS_DRAFT, NULL, now, &version_id, error))
    goto fail;

  details = g_strdup_printf ("reference %s, framework %s", reference, framework_id);
  event.details = details;
  if (!audit_append (self, &event, now, NULL, error))
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
          g_autofree char *text = print_value (value);
          AuditEvent value_event = { INVOLVE_AUDIT_VALUE, uuid, 1, field_ids[i], NULL, text, NULL };
          gint64 audit_id = 0;

          if (!audit_append (self, &value_event, now, &audit_id, error) ||
              !write_value (self, version_id, field_ids[i], text, now, audit_id, error))
            goto fail;
          involve_record_set_value_full (record, field_ids[i], value, now);
        }
    }

  if (!refresh_summary (self, record_id, version_id, record, now, SEARCH_NOW, error) ||
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

static char *
print_value (GVariant *value)
{
  return value != NULL ? g_variant_print (value, TRUE) : NULL;
}

/* Writes or clears one value inside the caller's transaction. */
static gboolean
write_value (InvolveStore *self,
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
      sqlite3_bind_int64 (stmt, 4, now);
      sqlite3_bind_int64 (stmt, 5, audit_id);
    }
  else
    {
      stmt = prepare (self, "DELETE FROM field_values WHERE version_id = ?1 AND field_id = ?2", error);
      if (stmt == NULL)
        return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, version_id);
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
  gint64 now = g_get_real_time ();
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

  if (!fetch_version (self, involve_record_get_uuid (record), 0, &row, error))
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
  current = record_from_row (self, &row, error);
  if (current == NULL)
    goto fail;

  old_value = involve_record_get_value (current, field_id);
  old_text = print_value (old_value);
  new_text = print_value (sunk);

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

  if (g_strcmp0 (old_text, new_text) != 0)
    {
      gboolean text_changed = value_has_text (old_value) || value_has_text (sunk) ||
                              g_str_equal (field_id, "title");

      event.record_uuid = row.uuid;
      event.version = row.version;
      event.old_value = old_text;
      event.new_value = new_text;
      if (!audit_append (self, &event, now, &audit_id, error) ||
          !write_value (self, row.version_id, field_id, new_text, now, audit_id, error))
        goto fail;

      {
        AUTO_STMT touch = prepare (self,
                                   "UPDATE versions SET modified_usec = ?2, fingerprint = NULL WHERE id = ?1",
                                   error);
        if (touch == NULL)
          goto fail;
        sqlite3_bind_int64 (touch, 1, row.version_id);
        sqlite3_bind_int64 (touch, 2, now);
        if (!step_done (self, touch, _("Could not save the change"), error))
          goto fail;
      }

      involve_record_set_value_full (current, field_id, sunk, now);
      if (!refresh_summary (self, row.record_id, row.version_id, current, now,
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

  sqlite3_bind_int64 (version_stmt, 1, row->version_id);
  bind_text (version_stmt, 2, involve_status_to_string (to));
  bind_text (version_stmt, 3, reason);
  sqlite3_bind_int64 (version_stmt, 4, now);
  if (!step_done (self, version_stmt, doing, error))
    return FALSE;

  sqlite3_bind_int64 (record_stmt, 1, row->record_id);
  bind_text (record_stmt, 2, involve_status_to_string (to));
  sqlite3_bind_int64 (record_stmt, 3, now);
  sqlite3_bind_int64 (record_stmt, 4, row->version);
  if (!step_done (self, record_stmt, doing, error))
    return FALSE;

  details = g_strdup_printf ("%s -> %s%s%s", involve_status_to_string (row->status),
                             involve_status_to_string (to),
                             reason != NULL ? ": " : "", reason != NULL ? reason : "");
  event.details = details;
  if (!audit_append (self, &event, now, NULL, error))
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

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!txn_begin (self, error))
    return FALSE;
  if (!fetch_version (self, uuid, 0, &row, error))
    goto fail;
  if (!involve_lifecycle_apply (row.status, transition, reason, &to, &lifecycle))
    {
      lifecycle_error (error, lifecycle);
      goto fail;
    }
  if (!update_status (self, &row, to, transition == INVOLVE_TRANSITION_WITHDRAW ? reason : NULL,
                      g_get_real_time (), error) ||
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
  gint64 now = g_get_real_time ();
  InvolveStatus to;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (problems != NULL)
    *problems = NULL;

  if (!txn_begin (self, error))
    return FALSE;
  if (!fetch_version (self, uuid, 0, &row, error))
    goto fail;
  if (!involve_lifecycle_apply (row.status, INVOLVE_TRANSITION_SUBMIT, NULL, &to, &lifecycle))
    {
      lifecycle_error (error, lifecycle);
      goto fail;
    }

  record = record_from_row (self, &row, error);
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
  sqlite3_bind_int64 (stmt, 1, row.version_id);
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

static char *
today_utc (void)
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
  sqlite3_bind_int64 (stmt, 1, version_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return column_dup (stmt, 0);
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
  gint64 now = g_get_real_time ();
  InvolveStatus to;
  g_autoptr(InvolveSignOff) block = NULL;
  g_autoptr(InvolveAct) act = NULL;
  g_autoptr(GError) refusal = NULL;
  g_autofree char *submitter = NULL;
  g_autofree char *seal = NULL;
  InvolveCertificate *certificate = response_certificate;
  gint64 decided;

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
  if (!fetch_version (self, uuid, 0, &row, error))
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

  record = record_from_row (self, &row, error);
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
  if (!signing && (input->reviewer_name == NULL || nonblank (input->reviewer_name) == NULL))
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

  date = input->date != NULL && *input->date != '\0' ? g_strdup (input->date) : today_utc ();
  /* By file, the reviewer decided on their own desktop, earlier. */
  decided = expected_fingerprint != NULL && input->decided_at_usec > 0 ? input->decided_at_usec : now;
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
  sqlite3_bind_int64 (stmt, 1, row.version_id);
  bind_text (stmt, 2, input->reviewer_name);
  bind_text (stmt, 3, input->reviewer_job_title);
  bind_text (stmt, 4, input->reviewer_email);
  bind_text (stmt, 5, input->reviewer_team);
  bind_text (stmt, 6, date);
  bind_text (stmt, 7, signing ? "signed-off" : "returned");
  bind_text (stmt, 8, input->comments);
  bind_text (stmt, 9, fingerprint);
  sqlite3_bind_int64 (stmt, 10, decided);
  bind_text (stmt, 11, involve_certificate_get_fingerprint (certificate));
  bind_text (stmt, 12, INVOLVE_FINGERPRINT_FORMAT_SEALED);
  bind_text (stmt, 13, seal);
  if (!step_done (self, stmt, doing, error))
    goto fail;

  details = _involve_store_format_decision (signing, input->reviewer_name, input->reviewer_job_title,
                                            input->reviewer_email, date, fingerprint, input->comments);
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
      sqlite3_bind_int64 (find, 1, row.record_id);
      sqlite3_bind_int64 (find, 2, row.version);
      while ((rc = sqlite3_step (find)) == SQLITE_ROW)
        {
          guint v = (guint) sqlite3_column_int64 (find, 0);
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

          if (!fetch_version (self, uuid, g_array_index (older, guint, i), &old_row, error) ||
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
  gint64 now = g_get_real_time ();
  gint64 version_id = 0;
  guint next;
  InvolveStatus to;
  AuditEvent event = { INVOLVE_AUDIT_AMEND };

  g_return_val_if_fail (INVOLVE_IS_STORE (self), 0);
  g_return_val_if_fail (uuid != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (!txn_begin (self, error))
    return 0;
  if (!fetch_version (self, uuid, 0, &row, error))
    goto fail;
  if (!involve_lifecycle_apply (row.status, INVOLVE_TRANSITION_AMEND, reason, &to, &lifecycle))
    {
      lifecycle_error (error, lifecycle);
      goto fail;
    }

  next = row.version + 1;
  if (!insert_version_row (self, row.record_id, next, to, reason, now, &version_id, error))
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
  sqlite3_bind_int64 (copy, 1, row.version_id);
  sqlite3_bind_int64 (copy, 2, version_id);
  if (!step_done (self, copy, doing, error))
    goto fail;
  {
    AUTO_STMT outcome = prepare (self,
                                 "UPDATE versions SET outcome = (SELECT outcome FROM versions WHERE id = ?1)"
                                 " WHERE id = ?2",
                                 error);
    if (outcome == NULL)
      goto fail;
    sqlite3_bind_int64 (outcome, 1, row.version_id);
    sqlite3_bind_int64 (outcome, 2, version_id);
    if (!step_done (self, outcome, doing, error))
      goto fail;
  }
  sqlite3_bind_int64 (latest, 1, row.record_id);
  sqlite3_bind_int64 (latest, 2, next);
  bind_text (latest, 3, involve_status_to_string (to));
  sqlite3_bind_int64 (latest, 4, now);
  if (!step_done (self, latest, doing, error))
    goto fail;

  event.record_uuid = row.uuid;
  event.version = next;
  event.details = reason;
  if (!audit_append (self, &event, now, NULL, error))
    goto fail;

  if (!txn_commit (self, error))
    goto fail;
  return next;

fail:
  txn_rollback (self);
  return 0;
}

/* Search and lists */

/*
 * What the user typed becomes an FTS5 query: each word a quoted phrase (so
 * no word is taken as an operator), all of them required, the last one as
 * a prefix because it may still be being typed:
 *   «podiatry clinic reloc»  ->  "podiatry" "clinic" "reloc"*
 */
static char *
make_match_expression (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \t\n\r", -1);
  GString *out = g_string_new (NULL);
  int last = -1;

  for (int i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] != '\0')
        last = i;
    }

  for (int i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, '"');
      for (const char *p = words[i]; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append (out, i == last ? "\"*" : "\"");
    }
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* The filters other than the text. */
static char *
build_where (const InvolveStoreQuery *query)
{
  GString *where = g_string_new (" WHERE 1");

  if (query->status_mask != 0)
    {
      gboolean first = TRUE;

      g_string_append (where, " AND r.status IN (");
      for (guint s = 0; s < INVOLVE_N_STATUSES; s++)
        {
          if (!(query->status_mask & (1u << s)))
            continue;
          g_string_append_printf (where, "%s'%s'", first ? "" : ", ", involve_status_to_string (s));
          first = FALSE;
        }
      if (first)
        g_string_append (where, "NULL");
      g_string_append (where, ")");
    }
  if (query->organisation != NULL)
    g_string_append (where, " AND r.organisation = :organisation");
  if (query->framework_id != NULL)
    g_string_append (where, " AND r.framework = :framework");
  if (query->outcome != NULL)
    {
      if (g_str_equal (query->outcome, "unknown"))
        g_string_append (where, " AND r.outcome IS NULL");
      else
        g_string_append (where, " AND r.outcome = :outcome");
    }
  if (query->modified_from != 0)
    g_string_append (where, " AND r.modified_usec >= :from");
  if (query->modified_until != 0)
    g_string_append (where, " AND r.modified_usec < :until");
  return g_string_free (where, FALSE);
}

static gboolean
query_has_filters (const InvolveStoreQuery *query)
{
  return query->status_mask != 0 || query->organisation != NULL || query->framework_id != NULL ||
         query->outcome != NULL || query->modified_from != 0 || query->modified_until != 0;
}

/* Full-text matches joined to their records, in reference order. */
#define MATCHES_ASC \
  " FROM (SELECT rowid AS k FROM search_text WHERE search_text MATCH :match ORDER BY rowid) m" \
  " JOIN records r ON r.ref_year = m.k / 100000000 AND r.ref_number = m.k % 100000000"
#define MATCHES_DESC \
  " FROM (SELECT rowid AS k FROM search_text WHERE search_text MATCH :match ORDER BY rowid DESC) m" \
  " JOIN records r ON r.ref_year = m.k / 100000000 AND r.ref_number = m.k % 100000000"

static void
bind_query (sqlite3_stmt            *stmt,
            const InvolveStoreQuery *query,
            const char              *match)
{
  int index;

  if ((index = sqlite3_bind_parameter_index (stmt, ":match")) > 0)
    bind_text (stmt, index, match);
  if ((index = sqlite3_bind_parameter_index (stmt, ":organisation")) > 0)
    bind_text (stmt, index, query->organisation);
  if ((index = sqlite3_bind_parameter_index (stmt, ":framework")) > 0)
    bind_text (stmt, index, query->framework_id);
  if ((index = sqlite3_bind_parameter_index (stmt, ":outcome")) > 0)
    bind_text (stmt, index, query->outcome);
  if ((index = sqlite3_bind_parameter_index (stmt, ":from")) > 0)
    sqlite3_bind_int64 (stmt, index, query->modified_from);
  if ((index = sqlite3_bind_parameter_index (stmt, ":until")) > 0)
    sqlite3_bind_int64 (stmt, index, query->modified_until);
  if ((index = sqlite3_bind_parameter_index (stmt, ":limit")) > 0)
    sqlite3_bind_int64 (stmt, index, query->limit > 0 ? (gint64) query->limit : -1);
  if ((index = sqlite3_bind_parameter_index (stmt, ":offset")) > 0)
    sqlite3_bind_int64 (stmt, index, query->offset);
}

/*
 * Re-indexes the records whose text changed since they were last indexed
 * (saving only marks them).  Usually one or two: those being edited.  A
 * register that cannot be written just searches the index it has.
 */
static void
refresh_stale_search (InvolveStore *self)
{
  if (self->schema_version < 4)
    return;

  for (;;)
    {
      g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GError) error = NULL;
      AUTO_STMT find = NULL;
      int rc;

      find = prepare (self, "SELECT uuid FROM records WHERE search_stale LIMIT 200", &error);
      if (find == NULL)
        break;
      while ((rc = sqlite3_step (find)) == SQLITE_ROW)
        g_ptr_array_add (uuids, column_dup (find, 0));
      sqlite3_reset (find);
      if (rc != SQLITE_DONE || uuids->len == 0)
        break;

      if (!txn_begin (self, &error))
        break;
      for (guint i = 0; i < uuids->len; i++)
        {
          g_auto(VersionRow) row = { 0 };
          g_autoptr(InvolveRecord) record = NULL;

          if (!fetch_version (self, uuids->pdata[i], 0, &row, &error) ||
              (record = record_from_row (self, &row, &error)) == NULL ||
              !refresh_summary (self, row.record_id, row.version_id, record, row.modified_usec, SEARCH_NOW, &error))
            break;
        }
      if (error != NULL || !txn_commit (self, &error))
        {
          txn_rollback (self);
          g_debug ("Could not bring the search index of %s up to date: %s", self->path, error->message);
          break;
        }
    }
}

/* A search the user cannot have meant as syntax never fails: FTS5 errors
 * (there should be none with quoted words) read as "no matches". */
static gboolean
is_match_syntax_error (InvolveStore *self,
                       int           rc)
{
  return rc == SQLITE_ERROR && strstr (sqlite3_errmsg (self->db), "fts5") != NULL;
}

gboolean
involve_store_count (InvolveStore            *self,
                     const InvolveStoreQuery *query,
                     guint                   *count,
                     GError                 **error)
{
  STORE_LOCK (self);
  InvolveStoreQuery all;
  g_autofree char *match = NULL;
  g_autofree char *where = NULL;
  g_autofree char *sql = NULL;
  AUTO_STMT stmt = NULL;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (count != NULL, FALSE);

  if (query == NULL)
    {
      involve_store_query_init (&all);
      query = &all;
    }
  if (query->text != NULL)
    match = make_match_expression (query->text);
  if (match != NULL)
    refresh_stale_search (self);
  where = build_where (query);

  if (match != NULL && !query_has_filters (query))
    sql = g_strdup ("SELECT count(*) FROM search_text WHERE search_text MATCH :match");
  else if (match != NULL)
    sql = g_strconcat ("SELECT count(*)", MATCHES_ASC, where, NULL);
  else
    sql = g_strconcat ("SELECT count(*) FROM records r", where, NULL);

  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  bind_query (stmt, query, match);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (is_match_syntax_error (self, rc))
        {
          *count = 0;
          return TRUE;
        }
      set_sqlite_error (self, error, rc, _("Could not search the register"));
      return FALSE;
    }
  *count = (guint) sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

#define SUMMARY_COLUMNS "SELECT r.uuid, r.reference, r.latest_version, r.title, r.organisation, r.framework," \
                        " r.outcome, r.status, r.created_usec, r.modified_usec"

GPtrArray *
involve_store_list (InvolveStore            *self,
                    const InvolveStoreQuery *query,
                    guint                   *total,
                    GError                 **error)
{
  STORE_LOCK (self);
  InvolveStoreQuery all;
  g_autoptr(GPtrArray) result = NULL;
  g_autofree char *match = NULL;
  g_autofree char *where = NULL;
  g_autofree char *sql = NULL;
  const char *order;
  const char *from;
  AUTO_STMT stmt = NULL;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (query == NULL)
    {
      involve_store_query_init (&all);
      query = &all;
    }
  if (query->text != NULL)
    match = make_match_expression (query->text);
  if (match != NULL)
    refresh_stale_search (self);

  switch (query->sort)
    {
    case INVOLVE_STORE_SORT_MODIFIED:
      order = query->descending ? " ORDER BY r.modified_usec DESC, r.id DESC" : " ORDER BY r.modified_usec, r.id";
      break;
    case INVOLVE_STORE_SORT_TITLE:
      order = query->descending ? " ORDER BY r.title COLLATE NOCASE DESC, r.id DESC" : " ORDER BY r.title COLLATE NOCASE, r.id";
      break;
    case INVOLVE_STORE_SORT_REFERENCE:
    default:
      if (match != NULL)
        order = query->descending ? " ORDER BY m.k DESC" : " ORDER BY m.k";
      else
        order = query->descending ? " ORDER BY r.ref_year DESC, r.ref_number DESC" : " ORDER BY r.ref_year, r.ref_number";
      break;
    }

  /* A search in reference order streams from the full-text index, so
   * the first page comes at once however many records match. */
  if (match == NULL)
    from = " FROM records r";
  else if (query->sort == INVOLVE_STORE_SORT_REFERENCE)
    from = query->descending ? MATCHES_DESC : MATCHES_ASC;
  else
    from = MATCHES_ASC;

  where = build_where (query);
  sql = g_strconcat (SUMMARY_COLUMNS, from, where, order, " LIMIT :limit OFFSET :offset", NULL);
  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  bind_query (stmt, query, match);

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_record_summary_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      InvolveRecordSummary *summary = g_new0 (InvolveRecordSummary, 1);
      InvolveStatus status = INVOLVE_STATUS_DRAFT;

      summary->uuid = column_dup (stmt, 0);
      summary->reference = column_dup (stmt, 1);
      summary->version = (guint) sqlite3_column_int64 (stmt, 2);
      summary->title = column_dup (stmt, 3);
      summary->organisation = column_dup (stmt, 4);
      summary->framework_id = column_dup (stmt, 5);
      summary->outcome = column_dup (stmt, 6);
      involve_status_from_string ((const char *) sqlite3_column_text (stmt, 7), &status);
      summary->status = status;
      summary->created_usec = sqlite3_column_int64 (stmt, 8);
      summary->modified_usec = sqlite3_column_int64 (stmt, 9);
      g_ptr_array_add (result, summary);
    }
  if (rc != SQLITE_DONE && !is_match_syntax_error (self, rc))
    {
      set_sqlite_error (self, error, rc, _("Could not search the register"));
      return NULL;
    }

  if (total != NULL)
    {
      if (query->offset == 0 && (query->limit == 0 || result->len < query->limit))
        *total = result->len;
      else if (!involve_store_count (self, query, total, error))
        return NULL;
    }
  return g_steal_pointer (&result);
}

GStrv
involve_store_dup_organisations (InvolveStore *self,
                                 GError      **error)
{
  STORE_LOCK (self);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  AUTO_STMT stmt = NULL;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);

  /* One index seek per organisation rather than a scan of every record:
   * the window fills its filter with these as it opens. */
  stmt = prepare (self,
                  "WITH RECURSIVE o(name) AS ("
                  " SELECT min(organisation) FROM records"
                  " UNION ALL"
                  " SELECT (SELECT min(organisation) FROM records WHERE organisation > o.name)"
                  " FROM o WHERE o.name IS NOT NULL)"
                  " SELECT name FROM o WHERE name IS NOT NULL ORDER BY name COLLATE NOCASE",
                  error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("Could not read the register"));
      return NULL;
    }
  return g_strv_builder_end (builder);
}

/* Verification */

static gboolean
verify_chain (InvolveStore *self,
              gint64       *first_broken_id,
              GError      **error)
{
  g_auto(AuditHasher) hasher = { NULL, NULL };
  char prev_hash[65] = ZERO_HASH;
  char hash[65];
  sqlite3_stmt *stmt = NULL;
  gint64 expected = 1;
  int rc;

  audit_hasher_init (&hasher);
  rc = sqlite3_prepare_v2 (self->db, "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY id", -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *message = NULL;
      const char *stored_hash = (const char *) sqlite3_column_text (stmt, 12);
      AuditFields fields;

      fields.id = sqlite3_column_int64 (stmt, 0);
      fields.time_usec = sqlite3_column_int64 (stmt, 1);
      fields.account = (const char *) sqlite3_column_text (stmt, 2);
      fields.profile = (const char *) sqlite3_column_text (stmt, 3);
      fields.kind = (const char *) sqlite3_column_text (stmt, 4);
      fields.record_uuid = (const char *) sqlite3_column_text (stmt, 5);
      fields.version = sqlite3_column_int64 (stmt, 6);
      fields.field_id = (const char *) sqlite3_column_text (stmt, 7);
      fields.old_value = (const char *) sqlite3_column_text (stmt, 8);
      fields.new_value = (const char *) sqlite3_column_text (stmt, 9);
      fields.details = (const char *) sqlite3_column_text (stmt, 10);
      fields.prev_hash = (const char *) sqlite3_column_text (stmt, 11);

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
          sqlite3_finalize (stmt);
          return tampered (error, first_broken_id, expected, message);
        }
      if (g_strcmp0 (fields.prev_hash, prev_hash) != 0)
        {
          message = g_strdup_printf (_("Audit entry %" PRId64 " does not follow entry %" PRId64 ": entries were altered, reordered or removed."),
                                     fields.id, fields.id - 1);
          sqlite3_finalize (stmt);
          return tampered (error, first_broken_id, fields.id, message);
        }
      audit_fields_hash (&fields, &hasher, hash);
      if (g_strcmp0 (hash, stored_hash) != 0)
        {
          message = g_strdup_printf (_("Audit entry %" PRId64 " (%s, %s) was altered after it was written: its content no longer matches its hash."),
                                     fields.id, fields.kind ? fields.kind : "", fields.field_id ? fields.field_id : "");
          sqlite3_finalize (stmt);
          return tampered (error, first_broken_id, fields.id, message);
        }

      /* The next entry must name this one's stored hash (equal to @hash). */
      memcpy (prev_hash, hash, sizeof hash);
      expected++;
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
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
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT fv.audit_id, r.reference, v.version, fv.field_id"
                           " FROM field_values fv"
                           " JOIN versions v ON v.id = fv.version_id"
                           " JOIN records r ON r.id = v.record_id"
                           " LEFT JOIN audit a ON a.id = fv.audit_id"
                           " WHERE a.id IS NULL OR a.record_uuid IS NOT r.uuid"
                           "    OR a.field_id IS NOT fv.field_id OR a.new_value IS NOT fv.value"
                           " ORDER BY fv.audit_id LIMIT 1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_autofree char *message =
        g_strdup_printf (_("The value of “%s” in %s version %d does not match audit entry %" PRId64 " that recorded it: it was changed outside Involve."),
                         (const char *) sqlite3_column_text (stmt, 3),
                         (const char *) sqlite3_column_text (stmt, 1),
                         sqlite3_column_int (stmt, 2),
                         (gint64) sqlite3_column_int64 (stmt, 0));
      gint64 id = sqlite3_column_int64 (stmt, 0);

      sqlite3_finalize (stmt);
      return tampered (error, first_broken_id, id, message);
    }
  sqlite3_finalize (stmt);
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
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT r.uuid, v.version FROM versions v JOIN records r ON r.id = v.record_id"
                           " WHERE v.status IN ('signed-off', 'superseded') ORDER BY v.id",
                           -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint version = (guint) sqlite3_column_int64 (stmt, 1);

      g_ptr_array_add (uuids, column_dup (stmt, 0));
      g_array_append_val (versions, version);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
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

      if (!fetch_version (self, uuids->pdata[i], g_array_index (versions, guint, i), &row, error))
        return FALSE;
      record = record_from_row (self, &row, error);
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
          sqlite3_bind_int64 (find, 2, row.version);
          if (sqlite3_step (find) == SQLITE_ROW)
            id = sqlite3_column_int64 (find, 0);

          message = g_strdup_printf (_("%s version %u was signed off with fingerprint %s, but its values now give %s: they were changed after sign-off (sign-off is audit entry %" PRId64 ")."),
                                     row.reference, row.version, row.fingerprint ? row.fingerprint : "-",
                                     fingerprint, id);
          return tampered (error, first_broken_id, id, message);
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
  return tampered (error, NULL, 0, owned);
}

static char *
reference_or_uuid (InvolveStore *self,
                   const char   *uuid)
{
  AUTO_STMT stmt = prepare (self, "SELECT reference FROM records WHERE uuid = ?1", NULL);

  if (stmt != NULL)
    {
      bind_text (stmt, 1, uuid);
      if (sqlite3_step (stmt) == SQLITE_ROW)
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
  sqlite3_stmt *orphans = NULL;
  int rc;

  if (self->schema_version < 5)
    return TRUE;

  trails = read_imported_trails (self, NULL, counts, gaps, error);
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
      sqlite3_bind_int64 (binding, 1, trail->import_id);
      if (sqlite3_step (binding) == SQLITE_ROW)
        bound = g_strcmp0 ((const char *) sqlite3_column_text (binding, 0), INVOLVE_AUDIT_IMPORT) == 0 &&
                g_strcmp0 ((const char *) sqlite3_column_text (binding, 1), trail->record_uuid) == 0 &&
                g_strcmp0 ((const char *) sqlite3_column_text (binding, 2), digest) == 0;
      if (!bound)
        {
          reference = reference_or_uuid (self, trail->record_uuid);
          return imported_broken (error, broken_reference, broken_entry, reference, 0,
                                  g_strdup_printf (_("The audit trail of %s kept from %s no longer matches audit entry %" PRId64 " that kept it: its entries or where it came from were changed."),
                                                   reference, trail->source, trail->import_id));
        }
    }

  /* An import entry holding a digest kept a trail: it must still be there. */
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT a.id, a.record_uuid FROM audit a"
                           " LEFT JOIN imported_trails t ON t.import_audit_id = a.id"
                           " WHERE a.kind = 'import' AND a.new_value IS NOT NULL AND t.id IS NULL"
                           " ORDER BY a.id LIMIT 1",
                           -1, &orphans, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (orphans);
  if (rc == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (orphans, 0);
      g_autofree char *reference = reference_or_uuid (self, (const char *) sqlite3_column_text (orphans, 1));

      sqlite3_finalize (orphans);
      if (first_broken_id != NULL)
        *first_broken_id = id;
      return imported_broken (error, broken_reference, broken_entry, reference, 0,
                              g_strdup_printf (_("The audit trail of %s that audit entry %" PRId64 " kept was removed."),
                                               reference, id));
    }
  sqlite3_finalize (orphans);
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
  sqlite3_stmt *stmt = NULL;
  g_autofree char *problem = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA quick_check (1)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *result = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (result, "ok") != 0)
        {
          problem = g_strdup (result);
          g_strdelimit (problem, "\n", ' ');
        }
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
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
    sqlite3_exec (self->db, "PRAGMA mmap_size = " G_STRINGIFY (VERIFY_MMAP_SIZE), NULL, NULL, NULL);

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
  sqlite3_exec (self->db, self->batch_depth > 0 ? "RELEASE involve_verify" : "COMMIT", NULL, NULL, NULL);
  if (g_str_equal (self->journal_mode, "wal"))
    sqlite3_exec (self->db, "PRAGMA mmap_size = 0", NULL, NULL, NULL);
  /* Outside the snapshot: a head recorded by another program after it was
   * taken was committed before it was recorded, so a fresh read holds it. */
  ok = ok && (!_involve_store_has_anchors (self) || involve_store_check_own_head (self, error));
  VERIFY_STEP_DONE ("recorded head");
  return ok;
}

/* Backups */

/*
 * A backup is only worth keeping when it is sound: the copy passes SQLite's
 * quick check (@problem gets its finding when not) and involve_store_verify
 * (the audit chain, values, fingerprints).  Otherwise it would push a good
 * backup out of the rotation.
 */
static gboolean
check_backup_copy (sqlite3     *copy,
                   const char  *partial,
                   const char  *dest_path,
                   char       **problem,
                   GError     **error)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!quick_check (copy, problem, error))
    return FALSE;
  if (*problem != NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("Did not back up the register to “%s”: the register is damaged (%s). The backups already there were kept."),
                         dest_path, *problem);
      set_error_code (error, INVOLVE_STORE_ERROR_CORRUPT, SQLITE_CORRUPT, message);
      return FALSE;
    }

  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &local_error,
                          "path", partial, "create", FALSE, "auto-backup", FALSE,
                          "journal-mode", "delete", NULL);
  /* verify () below runs the quick check itself. */
  if (store != NULL)
    stop_background_check (store, TRUE);
  if (store != NULL && store->damage != NULL)
    *problem = g_strdup (sqlite3_errstr (SQLITE_CORRUPT));
  if (store == NULL || store->damage != NULL ||
      !involve_store_verify (store, NULL, &local_error))
    {
      g_autofree char *message =
        g_strdup_printf (_("Did not back up the register to “%s”: it failed its check (%s). The backups already there were kept."),
                         dest_path, local_error != NULL ? local_error->message : *problem);
      set_error_code (error,
                      local_error != NULL ? local_error->code : INVOLVE_STORE_ERROR_CORRUPT,
                      local_error != NULL ? involve_store_error_get_sqlite_code (local_error) : SQLITE_CORRUPT,
                      message);
      return FALSE;
    }
  return TRUE;
}

/*
 * Copies @source into a new file at @dest_path (via "<dest>.partial",
 * renamed into place when complete and, with @check, checked by
 * check_backup_copy (); @problem as there).  @cancel, when not NULL, is
 * polled between steps; a cancelled or failed copy leaves nothing behind.
 */
static gboolean
copy_database (sqlite3     *source,
               const char  *dest_path,
               gint        *cancel,
               gboolean     check,
               char       **problem,
               GError     **error)
{
  g_autofree char *partial = g_strconcat (dest_path, ".partial", NULL);
  sqlite3 *dest = NULL;
  sqlite3_backup *backup;
  int rc;

  if (problem != NULL)
    *problem = NULL;
  g_unlink (partial);
  rc = sqlite3_open_v2 (partial, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (dest, 1);
      backup = sqlite3_backup_init (dest, "main", source, "main");
      if (backup == NULL)
        rc = sqlite3_errcode (dest);
      else
        {
          do
            {
              rc = sqlite3_backup_step (backup, cancel != NULL ? 4096 : -1);
              if (cancel != NULL && g_atomic_int_get (cancel))
                {
                  rc = SQLITE_INTERRUPT;
                  break;
                }
              if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
                sqlite3_sleep (50);
            }
          while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
          sqlite3_backup_finish (backup);
          if (rc == SQLITE_DONE)
            rc = sqlite3_extended_errcode (dest);
        }
    }
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (dest, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      int saved_errno = errno;
      int code = error_code_for_sqlite (rc);
      g_autofree char *message = NULL;

      if (code == INVOLVE_STORE_ERROR_IO && disk_is_full (dest, saved_errno, dest_path))
        code = INVOLVE_STORE_ERROR_FULL;
      if (code == INVOLVE_STORE_ERROR_FULL)
        message = g_strdup_printf (_("Could not back up the register to “%s”: the disk is full. Free some space and try again; nothing was written and the register was not changed."),
                                   dest_path);
      else
        message = g_strdup_printf (_("Could not back up the register to “%s”: %s."), dest_path,
                                   rc == SQLITE_INTERRUPT ? _("interrupted") :
                                   dest != NULL ? sqlite3_errmsg (dest) : sqlite3_errstr (rc));
      set_error_code (error, code, rc, message);
      sqlite3_close (dest);
      g_unlink (partial);
      return FALSE;
    }

  if (check)
    {
      g_autofree char *found = NULL;
      gboolean ok = check_backup_copy (dest, partial, dest_path, &found, error);

      if (problem != NULL)
        *problem = g_steal_pointer (&found);
      if (!ok)
        {
          sqlite3_close (dest);
          g_unlink (partial);
          return FALSE;
        }
    }
  sqlite3_close (dest);

  if (g_rename (partial, dest_path) != 0)
    {
      int saved = errno;
      g_autofree char *message =
        g_strdup_printf (_("Could not back up the register to “%s”: %s."), dest_path, g_strerror (saved));
      set_error_code (error, saved == ENOSPC ? INVOLVE_STORE_ERROR_FULL : INVOLVE_STORE_ERROR_IO, 0, message);
      g_unlink (partial);
      return FALSE;
    }
  return TRUE;
}

/* Marks the register damaged after the check before a backup found it so. */
static void
mark_damaged (InvolveStore *self,
              const char   *problem)
{
  g_autofree char *message = damage_message (self->path, problem, TRUE);

  g_rec_mutex_lock (&self->lock);
  if (self->damage == NULL)
    self->damage = g_steal_pointer (&message);
  g_rec_mutex_unlock (&self->lock);
}

gboolean
involve_store_backup (InvolveStore *self,
                      const char   *dest_path,
                      GError      **error)
{
  STORE_LOCK (self);
  g_autofree char *problem = NULL;
  gboolean ok;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (dest_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->damage != NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("Did not back up the register to “%s”: %s"), dest_path, self->damage);

      set_error_code (error, INVOLVE_STORE_ERROR_CORRUPT, SQLITE_CORRUPT, message);
      return FALSE;
    }
  ok = copy_database (self->db, dest_path, NULL, TRUE, &problem, error);
  if (!ok && problem != NULL)
    mark_damaged (self, problem);
  return ok && _involve_store_stamp_backup (self, dest_path, error);
}

char *
involve_store_dup_backup_dir (InvolveStore *self)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);

  dir = g_path_get_dirname (self->path);
  return g_build_filename (dir, "backups", NULL);
}

static char *
backup_stem (InvolveStore *self)
{
  g_autofree char *base = g_path_get_basename (self->path);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_steal_pointer (&base);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

struct _RollingBackup
{
  char *path;      /* the register */
  char *dir;       /* its backups folder */
  char *stem;      /* "register" */
  gint  cancel;
  InvolveStore *store;  /* unowned: it joins the thread before it goes */
};


static void
rolling_backup_free (RollingBackup *job)
{
  g_free (job->path);
  g_free (job->dir);
  g_free (job->stem);
  g_free (job);
}

static RollingBackup *
rolling_backup_new (InvolveStore *self)
{
  RollingBackup *job = g_new0 (RollingBackup, 1);

  job->path = g_strdup (self->path);
  job->dir = involve_store_dup_backup_dir (self);
  job->stem = backup_stem (self);
  job->store = self;
  return job;
}

static char *
rolling_backup_dest (RollingBackup *job)
{
  g_autofree char *today = today_utc ();
  g_autofree char *name = g_strdup_printf ("%s-%s.sqlite", job->stem, today);

  return g_build_filename (job->dir, name, NULL);
}

static gboolean
backup_lock_is_stale (const char *lock)
{
  GStatBuf st;

  return g_stat (lock, &st) == 0 &&
         g_get_real_time () / G_USEC_PER_SEC - (gint64) st.st_mtime > BACKUP_LOCK_STALE_SEC;
}

/*
 * Only one process backs a register up at a time: whoever creates
 * "<dest>.lock" (O_EXCL, so exactly one) does it, the others skip quietly.
 * Returns TRUE holding the lock, or FALSE with @held set when somebody else
 * holds it, or with @error.  A lock older than BACKUP_LOCK_STALE_SEC was
 * left by a process that died mid-backup and is taken over.
 */
static gboolean
take_backup_lock (const char  *lock,
                  gboolean    *held,
                  GError     **error)
{
  *held = FALSE;
  for (guint attempt = 0; attempt < 2; attempt++)
    {
      int fd = g_open (lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

      if (fd >= 0)
        {
          g_autofree char *owner = g_strdup_printf ("%s %d\n", g_get_host_name (), (int) getpid ());

          /* Who holds it, for a person looking; nothing reads it. */
          if (write (fd, owner, strlen (owner)) < 0)
            g_debug ("Could not write %s: %s", lock, g_strerror (errno));
          close (fd);
          return TRUE;
        }
      if (errno != EEXIST)
        {
          int saved = errno;
          g_autofree char *message =
            g_strdup_printf (_("Could not start the backup of the register: “%s”: %s."), lock, g_strerror (saved));
          set_error_code (error, INVOLVE_STORE_ERROR_IO, 0, message);
          return FALSE;
        }
      if (attempt == 0 && backup_lock_is_stale (lock))
        {
          g_unlink (lock);
          continue;
        }
      break;
    }
  *held = TRUE;
  return FALSE;
}

/* Copies the register with its own read-only connection (so it can run in
 * a thread while the register is in use), then keeps the newest few. */
static gboolean
rolling_backup_copy (RollingBackup *job,
                     const char    *dest,
                     GError       **error)
{
  g_autoptr(GPtrArray) existing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) listing = NULL;
  g_autofree char *problem = NULL;
  sqlite3 *source = NULL;
  const char *entry;
  gboolean ok;
  int rc;

  rc = sqlite3_open_v2 (job->path, &source, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (source, DEFAULT_BUSY_TIMEOUT_MS);
      /* One read transaction: a consistent snapshot while others write. */
      rc = sqlite3_exec (source, "BEGIN; SELECT count(*) FROM sqlite_master;", NULL, NULL, NULL);
    }
  if (rc != SQLITE_OK)
    {
      g_autofree char *message =
        g_strdup_printf (_("Could not back up the register to “%s”: %s."), dest,
                         source != NULL ? sqlite3_errmsg (source) : sqlite3_errstr (rc));
      set_error_code (error, error_code_for_sqlite (rc), rc, message);
      sqlite3_close (source);
      return FALSE;
    }
  ok = copy_database (source, dest, &job->cancel, TRUE, &problem, error);
  sqlite3_exec (source, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (source);
  if (!ok)
    {
      /* Damaged: no backup, none rotated out, and no more writes. */
      if (problem != NULL)
        mark_damaged (job->store, problem);
      return FALSE;
    }
  /* Unsigned: no key is used from the background thread. */
  if (!_involve_store_stamp_backup_file (dest, NULL, error))
    return FALSE;

  /* Keep the newest few: names sort by date. */
  listing = g_dir_open (job->dir, 0, NULL);
  while (listing != NULL && (entry = g_dir_read_name (listing)) != NULL)
    {
      const char *rest;

      if (!g_str_has_prefix (entry, job->stem))
        continue;
      if (g_str_has_suffix (entry, ".sqlite.lock"))
        {
          g_autofree char *lock = g_build_filename (job->dir, entry, NULL);

          /* A lock a crashed process left on another day. */
          if (backup_lock_is_stale (lock))
            g_unlink (lock);
          continue;
        }
      if (!g_str_has_suffix (entry, ".sqlite"))
        continue;
      rest = entry + strlen (job->stem);
      /* "-YYYY-MM-DD.sqlite" */
      if (strlen (rest) != strlen ("-YYYY-MM-DD.sqlite") || rest[0] != '-' ||
          !g_ascii_isdigit (rest[1]) || rest[5] != '-' || rest[8] != '-')
        continue;
      g_ptr_array_add (existing, g_strdup (entry));
    }
  /* Only now that a checked backup is in place; never the newest. */
  g_ptr_array_sort (existing, compare_strings);
  for (guint i = 0; existing->len > BACKUPS_KEPT && i < existing->len - BACKUPS_KEPT; i++)
    {
      g_autofree char *old = g_build_filename (job->dir, existing->pdata[i], NULL);

      if (g_strcmp0 (old, dest) != 0)
        g_unlink (old);
    }
  return TRUE;
}

static gboolean
rolling_backup_run (RollingBackup *job,
                    GError       **error)
{
  g_autofree char *dest = rolling_backup_dest (job);
  g_autofree char *lock = g_strconcat (dest, ".lock", NULL);
  gboolean held = FALSE;
  gboolean ok;

  if (g_file_test (dest, G_FILE_TEST_EXISTS))
    return TRUE;

  if (g_mkdir_with_parents (job->dir, 0700) != 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("Could not create the backup folder “%s”: %s."), job->dir, g_strerror (errno));
      set_error_code (error, INVOLVE_STORE_ERROR_IO, 0, message);
      return FALSE;
    }

  if (!take_backup_lock (lock, &held, error))
    {
      if (!held)
        return FALSE;
      g_debug ("Another program is backing up %s; not backing it up too", job->path);
      return TRUE;
    }
  /* It may have finished between the first look and taking the lock. */
  ok = g_file_test (dest, G_FILE_TEST_EXISTS) || rolling_backup_copy (job, dest, error);
  g_unlink (lock);
  return ok;
}

gboolean
involve_store_rolling_backup (InvolveStore *self,
                              GError      **error)
{
  RollingBackup *job;
  gboolean ok;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  job = rolling_backup_new (self);
  ok = rolling_backup_run (job, error);
  rolling_backup_free (job);
  return ok;
}

static gpointer
rolling_backup_thread (gpointer data)
{
  RollingBackup *job = data;
  g_autoptr(GError) error = NULL;

  /* A failed backup must not keep anybody from their register. */
  if (!rolling_backup_run (job, &error) && !g_atomic_int_get (&job->cancel))
    g_message ("Automatic backup of %s failed: %s", job->path, error->message);
  return NULL;
}

/* On open: today's backup, if missing, in a thread so opening stays fast. */
static void
start_rolling_backup (InvolveStore *self)
{
  RollingBackup *job = rolling_backup_new (self);
  g_autofree char *dest = rolling_backup_dest (job);

  if (g_file_test (dest, G_FILE_TEST_EXISTS))
    {
      rolling_backup_free (job);
      return;
    }
  self->backup_job = job;
  self->backup_thread = g_thread_new ("involve-backup", rolling_backup_thread, job);
}

static void
stop_rolling_backup (InvolveStore *self,
                     gboolean      cancel)
{
  if (self->backup_thread == NULL)
    return;
  if (cancel)
    g_atomic_int_set (&self->backup_job->cancel, 1);
  g_thread_join (g_steal_pointer (&self->backup_thread));
  g_clear_pointer (&self->backup_job, rolling_backup_free);
}

void
involve_store_start_deferred_backup (InvolveStore *self)
{
  g_return_if_fail (INVOLVE_IS_STORE (self));

  if (!self->defer_backup || !self->auto_backup || self->target_schema != 0 ||
      self->db == NULL || !g_str_equal (self->journal_mode, "wal"))
    return;
  self->defer_backup = FALSE;
  start_rolling_backup (self);
}

void
involve_store_wait_for_backup (InvolveStore *self)
{
  g_return_if_fail (INVOLVE_IS_STORE (self));
  stop_rolling_backup (self, FALSE);
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

  if (!insert_version_row (self, record_id, involve_record_get_version (version), INVOLVE_STATUS_DRAFT,
                           NULL, created > 0 ? created : now, &version_id, error))
    return FALSE;

  for (guint i = 0; field_ids[i] != NULL; i++)
    {
      g_autofree char *text = print_value (involve_record_get_value (version, field_ids[i]));
      gint64 modified = involve_record_get_value_modified (version, field_ids[i]);
      AuditEvent event = { INVOLVE_AUDIT_VALUE, involve_record_get_uuid (version),
                           involve_record_get_version (version), field_ids[i], NULL, text, details };
      gint64 audit_id = 0;

      if (!audit_append (self, &event, now, &audit_id, error) ||
          !write_value (self, version_id, field_ids[i], text, modified > 0 ? modified : now, audit_id, error))
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
  sqlite3_bind_int64 (finish, 1, version_id);
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
      sqlite3_bind_int64 (finish, 13, sign_off->decided_at_usec);
    }
  sqlite3_bind_int64 (finish, 14, MAX (involve_record_get_modified_usec (version), created));
  /* The outcome goes in now: once the status is final the lock trigger refuses any change. */
  outcome = outcome_hook (version);
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

    if (!audit_append (self, &state_event, now, NULL, error))
      return FALSE;
  }

  sqlite3_bind_int64 (latest, 1, record_id);
  sqlite3_bind_int64 (latest, 2, involve_record_get_version (version));
  bind_text (latest, 3, involve_status_to_string (status));
  sqlite3_bind_int64 (latest, 4, now);
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
  rc = sqlite3_step (known);
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
  if (!audit_append (self, &event, now, &audit_id, error))
    return FALSE;

  insert_trail = prepare (self,
                          "INSERT INTO imported_trails (record_uuid, import_audit_id, source, imported_usec,"
                          " n_entries, digest) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                          error);
  if (insert_trail == NULL)
    return FALSE;
  bind_text (insert_trail, 1, uuid);
  sqlite3_bind_int64 (insert_trail, 2, audit_id);
  bind_text (insert_trail, 3, view.source != NULL ? view.source : "");
  sqlite3_bind_int64 (insert_trail, 4, view.imported_usec);
  sqlite3_bind_int64 (insert_trail, 5, trail->entries->len);
  bind_text (insert_trail, 6, digest);
  if (!step_done (self, insert_trail, doing, error))
    return FALSE;
  trail_id = sqlite3_last_insert_rowid (self->db);

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

      sqlite3_reset (insert_entry);
      sqlite3_bind_int64 (insert_entry, 1, trail_id);
      sqlite3_bind_int64 (insert_entry, 2, i + 1);
      bind_audit_entry (insert_entry, 3, entry);
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
  gint64 now = g_get_real_time ();
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

  known = fetch_version (self, uuid, 0, &latest_row, &lookup_error);
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
                             " ON CONFLICT (year) DO UPDATE SET last = MAX (last, excluded.last)",
                             error);
          if (counter == NULL)
            goto fail;
          sqlite3_bind_int (counter, 1, year);
          sqlite3_bind_int64 (counter, 2, number);
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
          if (sqlite3_step (next) != SQLITE_ROW)
            {
              set_sqlite_error (self, error, sqlite3_errcode (self->db), doing);
              goto fail;
            }
          year = 0;
          number = sqlite3_column_int64 (next, 0);
        }
      if (!insert_record_row (self, uuid, involve_record_get_reference (first), year, number,
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

          if (!fetch_version (self, uuid, number, &row, error) ||
              (mine = record_from_row (self, &row, error)) == NULL)
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
    sqlite3_bind_int64 (supersede, 1, record_id);
    if (!step_done (self, supersede, doing, error))
      goto fail;
  }

  {
    g_auto(VersionRow) row = { 0 };
    g_autoptr(InvolveRecord) latest = NULL;
    AuditEvent event = { INVOLVE_AUDIT_IMPORT, uuid, 0 };

    if (!fetch_version (self, uuid, 0, &row, error) ||
        (latest = record_from_row (self, &row, error)) == NULL ||
        !refresh_summary (self, row.record_id, row.version_id, latest, now, SEARCH_NOW, error))
      goto fail;

    details = g_strdup_printf ("%u version(s) of %s imported from %s", imported, row.reference,
                               source ? source : "a file");
    event.version = row.version;
    event.details = details;
    if (!audit_append (self, &event, now, NULL, error))
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

/* For the store's other files (involve-store-internal.h). */


gboolean
_involve_store_step_done (InvolveStore *self,
                          sqlite3_stmt *stmt,
                          const char   *doing,
                          GError      **error)
{
  return step_done (self, stmt, doing, error);
}

void
_involve_store_set_sqlite_error (InvolveStore *self,
                                 GError      **error,
                                 int           rc,
                                 const char   *doing)
{
  set_sqlite_error (self, error, rc, doing);
}

void
_involve_store_set_error (GError    **error,
                          int         code,
                          const char *message)
{
  set_error_code (error, code, 0, message);
}






InvolveRecord *
_involve_store_load_for_signing (InvolveStore *self,
                                 const char   *uuid,
                                 guint         version,
                                 GError      **error)
{
  g_auto(VersionRow) row = { 0 };

  if (!fetch_version (self, uuid, version, &row, error))
    return NULL;
  return record_from_row (self, &row, error);
}
