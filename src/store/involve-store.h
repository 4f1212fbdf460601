/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "involve-identity.h"
#include "involve-record.h"

G_BEGIN_DECLS

/*
 * The register: one SQLite file holding every record, its versions, their
 * field values (each with the system's UTC time of its last change), the
 * sign-off blocks, a full-text index and a hash-chained audit log.
 *
 * Every operation that writes is one short transaction and appends to the
 * audit log in the same transaction, so a crash never loses an acknowledged
 * change nor leaves a change without its audit entry.  Signed-off versions
 * and audit entries cannot be changed: triggers in the database refuse it.
 *
 * Records are addressed by uuid; life-cycle operations act on the record's
 * latest version.  Times are gint64 microseconds since the epoch, UTC.
 * A store may be used from several threads: each call holds the store's
 * lock (a batch, though, belongs to whichever thread is inside it).
 */

#define INVOLVE_STORE_ERROR (involve_store_error_quark ())
typedef enum
{
  INVOLVE_STORE_ERROR_FAILED,               /* anything else SQLite reports */
  INVOLVE_STORE_ERROR_NOT_A_REGISTER,       /* not SQLite, or SQLite but not ours */
  INVOLVE_STORE_ERROR_CORRUPT,              /* damaged or truncated */
  INVOLVE_STORE_ERROR_NEWER_SCHEMA,         /* written by a newer Involve */
  INVOLVE_STORE_ERROR_READ_ONLY,            /* file or folder can't be written */
  INVOLVE_STORE_ERROR_BUSY,                 /* locked by another program */
  INVOLVE_STORE_ERROR_FULL,                 /* disk full */
  INVOLVE_STORE_ERROR_IO,                   /* can't read/write/open the file */
  INVOLVE_STORE_ERROR_NOT_FOUND,            /* no such record / version */
  INVOLVE_STORE_ERROR_EXISTS,               /* import: the record or reference exists */
  INVOLVE_STORE_ERROR_LOCKED,               /* the version is not editable (signed off, ...) */
  INVOLVE_STORE_ERROR_INVALID,              /* bad argument: unknown field type, bad value */
  INVOLVE_STORE_ERROR_INCOMPLETE,           /* submit: validation found problems */
  INVOLVE_STORE_ERROR_FINGERPRINT_MISMATCH, /* sign-off response for another content */
  INVOLVE_STORE_ERROR_TAMPERED,             /* verify: the chain or a fingerprint is broken */
  INVOLVE_STORE_ERROR_NO_IDENTITY,          /* a signed act without an unlocked key */
  INVOLVE_STORE_ERROR_UNTRUSTED,            /* a certificate not trusted for the act */
  INVOLVE_STORE_ERROR_BAD_SIGNATURE,        /* unsigned, or a signature that does not verify */
  INVOLVE_STORE_ERROR_CONFLICT,             /* someone else changed the answer since it was read */
  INVOLVE_STORE_ERROR_CONNECTION_LOST,      /* a team register's server connection went away */
} InvolveStoreError;

GQuark       involve_store_error_quark           (void);
/* The SQLite (extended) result code behind an INVOLVE_STORE_ERROR, or 0. */
int          involve_store_error_get_sqlite_code (const GError *error);

/* One line of the register list. */
typedef struct
{
  char          *uuid;
  char          *reference;
  guint          version;        /* latest version */
  char          *title;          /* may be NULL */
  char          *organisation;   /* may be NULL */
  char          *framework_id;
  char          *outcome;        /* "applies", "does-not-apply" or NULL (not yet known) */
  InvolveStatus  status;         /* of the latest version */
  gint64         created_usec;   /* the record's creation */
  gint64         modified_usec;  /* last change of anything in the record */
} InvolveRecordSummary;

#define INVOLVE_TYPE_RECORD_SUMMARY (involve_record_summary_get_type ())
GType                 involve_record_summary_get_type (void) G_GNUC_CONST;
InvolveRecordSummary *involve_record_summary_copy     (const InvolveRecordSummary *summary);
void                  involve_record_summary_free     (InvolveRecordSummary       *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveRecordSummary, involve_record_summary_free)

/* One version in a record's history. */
typedef struct
{
  guint           version;
  InvolveStatus   status;
  char           *status_reason;   /* amendment / withdrawal reason, or NULL */
  gint64          created_usec;
  gint64          modified_usec;
  char           *fingerprint;     /* set once submitted; NULL for a draft */
  InvolveSignOff *sign_off;        /* last decision (signed-off or returned), or NULL */
} InvolveVersionInfo;

#define INVOLVE_TYPE_VERSION_INFO (involve_version_info_get_type ())
GType               involve_version_info_get_type (void) G_GNUC_CONST;
InvolveVersionInfo *involve_version_info_copy     (const InvolveVersionInfo *info);
void                involve_version_info_free     (InvolveVersionInfo       *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveVersionInfo, involve_version_info_free)

/* Event kinds in the audit log. */
#define INVOLVE_AUDIT_CREATE    "create"    /* a record was created (version 1) */
#define INVOLVE_AUDIT_VALUE     "value"     /* a field changed: field_id, old_value, new_value */
#define INVOLVE_AUDIT_STATUS    "status"    /* a transition: details "from -> to", reason */
#define INVOLVE_AUDIT_SIGN_OFF  "sign-off"  /* signed off; details: reviewer and fingerprint */
#define INVOLVE_AUDIT_RETURN    "return"    /* returned with comments */
#define INVOLVE_AUDIT_AMEND     "amend"     /* new version created with a reason */
#define INVOLVE_AUDIT_EXPORT    "export"    /* written by exporters via involve_store_log_event */
#define INVOLVE_AUDIT_IMPORT    "import"
#define INVOLVE_AUDIT_BACKUP    "backup"
#define INVOLVE_AUDIT_SUBMIT    "submit"    /* signed by the completer; new value: fingerprint */
#define INVOLVE_AUDIT_TRUST     "trust"     /* the trust list changed (signed by an administrator) */
#define INVOLVE_AUDIT_REFUSED   "refused"   /* a signed act was refused; details: who and why */

/* One audit entry.  Values are in GVariant text form (g_variant_print with
 * types), NULL when the field had no value. */
typedef struct
{
  gint64  id;              /* 1, 2, 3, ... without gaps */
  gint64  time_usec;       /* system UTC time */
  char   *account;         /* OS account (g_get_user_name ()) */
  char   *profile;         /* the Involve profile name, or NULL */
  char   *kind;            /* INVOLVE_AUDIT_* */
  char   *record_uuid;     /* NULL for register-wide events */
  guint   version;         /* 0 when not about one version */
  char   *field_id;
  char   *old_value;
  char   *new_value;
  char   *details;
  char   *prev_hash;       /* hex SHA-256 of the previous entry (64 zeros for the first) */
  char   *hash;            /* hex SHA-256 of this entry's canonical encoding */
} InvolveAuditEntry;

#define INVOLVE_TYPE_AUDIT_ENTRY (involve_audit_entry_get_type ())
GType              involve_audit_entry_get_type (void) G_GNUC_CONST;
InvolveAuditEntry *involve_audit_entry_copy     (const InvolveAuditEntry *entry);
void               involve_audit_entry_free     (InvolveAuditEntry       *entry);
/* hex SHA-256 of the entry's canonical encoding (see docs/fingerprint.md). */
char              *involve_audit_entry_compute_hash (const InvolveAuditEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveAuditEntry, involve_audit_entry_free)

/*
 * Checks audit entries as another register wrote them (an exchange file's
 * trail of one record, or a trail kept from one): each has a hash that is
 * right for its content, the numbers rise, an entry whose number follows
 * the one before names that one's hash as its prev_hash (entry 1 names 64
 * zeros), and each is about @record_uuid (when not NULL).  The entries are
 * a record's share of the source's chain, so gaps in the numbers are
 * expected.  FALSE with INVOLVE_STORE_ERROR_TAMPERED and @first_broken (may
 * be NULL) set to the number of the first entry that fails.
 */
gboolean           involve_audit_entries_check_chain (GPtrArray   *entries,
                                                      const char  *record_uuid,
                                                      gint64      *first_broken,
                                                      GError     **error);

/*
 * The audit trail of one record as another register kept it, carried in
 * by an import and kept beside the local log, never changed.  A local
 * "import" entry binds each kept trail: its new value is the trail's
 * digest (docs/fingerprint.md), so the local chain covers the trail too.
 */
typedef struct
{
  gint64     import_id;      /* the local audit entry that binds it; 0 until kept */
  char      *record_uuid;
  char      *source;         /* where it came from, e.g. XML exchange file “a.xml” */
  gint64     imported_usec;  /* when it was imported there; 0 = now, on import */
  GPtrArray *entries;        /* InvolveAuditEntry*, oldest first, ids the source's numbers */
} InvolveImportedTrail;

#define INVOLVE_TYPE_IMPORTED_TRAIL (involve_imported_trail_get_type ())
GType                 involve_imported_trail_get_type       (void) G_GNUC_CONST;
InvolveImportedTrail *involve_imported_trail_new            (const char                 *record_uuid,
                                                             const char                 *source,
                                                             gint64                      imported_usec);
InvolveImportedTrail *involve_imported_trail_copy           (const InvolveImportedTrail *trail);
void                  involve_imported_trail_free           (InvolveImportedTrail       *trail);
/* hex SHA-256 over the trail's identity, provenance and entry hashes
 * (format "involve-imported-trail-1", docs/fingerprint.md). */
char                 *involve_imported_trail_compute_digest (const InvolveImportedTrail *trail);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveImportedTrail, involve_imported_trail_free)

/* Lists and search.  Initialise with involve_store_query_init (). */
typedef enum
{
  INVOLVE_STORE_SORT_REFERENCE,   /* year, then number: INV-2026-0009 before INV-2026-0010 */
  INVOLVE_STORE_SORT_MODIFIED,    /* last change */
  INVOLVE_STORE_SORT_TITLE,
} InvolveStoreSort;

typedef struct
{
  const char       *text;           /* full-text search (prefix match on each word); NULL/"" for all */
  guint             status_mask;    /* 1 << InvolveStatus bits; 0 = any status */
  const char       *organisation;   /* exact organisation name, or NULL */
  const char       *framework_id;   /* or NULL */
  const char       *outcome;        /* "applies", "does-not-apply", "unknown" (not yet derived), or NULL */
  gint64            modified_from;  /* inclusive, usec; 0 = no lower bound */
  gint64            modified_until; /* exclusive, usec; 0 = no upper bound */
  InvolveStoreSort  sort;
  gboolean          descending;
  guint             offset;
  guint             limit;          /* 0 = no limit */
} InvolveStoreQuery;

void         involve_store_query_init            (InvolveStoreQuery *query);

#define INVOLVE_TYPE_STORE (involve_store_get_type ())
G_DECLARE_FINAL_TYPE (InvolveStore, involve_store, INVOLVE, STORE, GObject)

/*
 * Opening.  InvolveStore is a GInitable: g_initable_new (INVOLVE_TYPE_STORE,
 * NULL, &error, "path", path, ...) with the construct properties
 *   "path"          (string)  the register; NULL = involve_store_dup_default_path ()
 *   "busy-timeout"  (uint)    ms to wait for another program's lock (default 5000)
 *   "auto-backup"   (boolean) rolling backup on open (default TRUE)
 *   "defer-backup"  (boolean) with "auto-backup", leave the background one
 *                             (WAL) to involve_store_start_deferred_backup ()
 *                             (default FALSE)
 *   "journal-mode"  (string)  NULL = automatic: WAL on local disks, DELETE on
 *                             network drives or when WAL fails; or "wal"/"delete"
 *   "create"        (boolean) a missing (or zero-length) file becomes a new
 *                             register (default TRUE); FALSE refuses both
 *                             (NOT_FOUND, NOT_A_REGISTER) for a file a person
 *                             named, so a typo never starts an empty register
 * and the read-write properties
 *   "os-account"    (string)  the acting OS account recorded in the audit log
 *                             (default g_get_user_name ())
 *   "profile-name"  (string)  the acting Involve profile name, or NULL
 *
 * A missing file is created (and its folder) unless "create" is FALSE.  A
 * file that is not an SQLite database, belongs to another program, comes
 * from a newer Involve, is read-only, or is locked is refused with a clear
 * message and left exactly as it was.  Damage is judged by SQLite under its
 * own locks (never from a look at the file while another program writes):
 * a damaged register that can still be read is opened read-only
 * (involve_store_is_damaged ()), one that cannot is refused (CORRUPT); both
 * messages name the newest good backup and how to restore it.  An older schema is migrated (each
 * step one transaction; a backup is taken first).
 */
char          *involve_store_dup_default_path    (void);
InvolveStore  *involve_store_open                (const char    *path,
                                                  GError       **error);

const char    *involve_store_get_path            (InvolveStore  *self);
/* Whether the register is a team register on a PostgreSQL server (its
 * path is a connection string) rather than a file. */
gboolean       involve_store_is_server           (InvolveStore  *self);
/* On a team register opened by a superuser, acts from now on as @login:
 * "SET SESSION AUTHORIZATION" makes it the session user, with that
 * login's rights only, and the store takes it as the acting account.
 * For `involve-cli demo` (two demo people) and the tests. */
gboolean       involve_store_server_become       (InvolveStore  *self,
                                                  const char    *login,
                                                  GError       **error);
/* Where the register is, fit to show: the file, or the server's
 * connection string without any password. */
char          *involve_store_dup_display_location (InvolveStore *self);
/* On a team register, starts emitting InvolveStore::records-changed in
 * the thread-default main context when other clients change records
 * (through a second connection, LISTEN/NOTIFY).  Nothing for a file. */
gboolean       involve_store_follow_changes      (InvolveStore  *self,
                                                  GError       **error);
/* "wal" or "delete". */
const char    *involve_store_get_journal_mode    (InvolveStore  *self);
int            involve_store_get_schema_version  (InvolveStore  *self);
const char    *involve_store_get_os_account      (InvolveStore  *self);
void           involve_store_set_os_account      (InvolveStore  *self,
                                                  const char    *account);
const char    *involve_store_get_profile_name    (InvolveStore  *self);
void           involve_store_set_profile_name    (InvolveStore  *self,
                                                  const char    *profile_name);
/*
 * The acting person's unlocked key, or NULL.  Acts that must be signed
 * (submitting, signing off, returning, trusting a certificate) sign with it
 * and are refused without it; the register holds a reference until it is
 * replaced or cleared, never the passphrase.
 */
InvolveIdentity *involve_store_get_identity      (InvolveStore    *self);
void           involve_store_set_identity        (InvolveStore    *self,
                                                  InvolveIdentity *identity);
/* TRUE when the register was found damaged (on open, or by the check
 * before a backup): it is read-only, every write fails with CORRUPT.
 * A register over 64 MiB is checked in a thread started on open instead
 * of while opening (a quick check reads the whole file). */
gboolean       involve_store_is_damaged          (InvolveStore  *self);
/* What is damaged and how to restore the newest good backup, or NULL. */
char          *involve_store_dup_damage          (InvolveStore  *self);
/* Waits for the check of a large register started on open, if any. */
void           involve_store_wait_for_check      (InvolveStore  *self);
/* The schema version this build writes. */
int            involve_store_get_latest_schema_version (void);

/*
 * Batches: everything between begin and commit is one transaction (each
 * operation inside is a savepoint).  For demo data, imports, benchmarks.
 * Not needed for ordinary edits.  rollback_batch discards the lot.
 */
gboolean       involve_store_begin_batch         (InvolveStore  *self,
                                                  GError       **error);
gboolean       involve_store_commit_batch        (InvolveStore  *self,
                                                  GError       **error);
void           involve_store_rollback_batch      (InvolveStore  *self);

/* Records */

/* Creates a record (version 1, draft) with a new uuid and the next reference
 * of the current UTC year, INV-YYYY-NNNN.  Returns the loaded record. */
InvolveRecord *involve_store_create_record       (InvolveStore  *self,
                                                  const char    *framework_id,
                                                  GError       **error);
/* Like create_record, then fills in every value of @values (its framework
 * id is used) in the same transaction, one audit entry a value.  For demo
 * data, templates and benchmarks. */
InvolveRecord *involve_store_create_record_with_values (InvolveStore  *self,
                                                  InvolveRecord *values,
                                                  GError       **error);
/* @version 0 = the latest version.  The returned record carries uuid,
 * reference, version, status, status reason, framework, times, values with
 * their modification times and the sign-off block (if any). */
InvolveRecord *involve_store_load_record         (InvolveStore  *self,
                                                  const char    *uuid,
                                                  guint          version,
                                                  GError       **error);
InvolveRecord *involve_store_load_by_reference   (InvolveStore  *self,
                                                  const char    *reference,
                                                  guint          version,
                                                  GError       **error);
/* uuid for a reference (case-insensitive), or NULL with NOT_FOUND. */
char          *involve_store_lookup_reference    (InvolveStore  *self,
                                                  const char    *reference,
                                                  GError       **error);
/* InvolveVersionInfo*, oldest first. */
GPtrArray     *involve_store_list_versions       (InvolveStore  *self,
                                                  const char    *uuid,
                                                  GError       **error);

/*
 * Autosave: one transaction that writes @value (NULL clears the field) into
 * the latest version of @record, stamps it with the current UTC time,
 * appends an audit entry (field, old value, new value) and refreshes the
 * search index and the derived outcome.  Refused (LOCKED) unless the latest
 * version is editable (draft or returned) and is @record's version.
 * Refused (CONFLICT, saying who changed it and when) when someone else
 * changed the field after @record read it, so that a stale copy never
 * overwrites a newer answer; @value is not saved.  On
 * success @record itself is updated too.  Setting the value it already has
 * does nothing and succeeds.  A floating @value is sunk.
 */
gboolean       involve_store_set_value           (InvolveStore  *self,
                                                  InvolveRecord *record,
                                                  const char    *field_id,
                                                  GVariant      *value,
                                                  GError       **error);

/* Life cycle; each acts on the latest version of @uuid, refuses what the
 * state machine refuses (INVOLVE_LIFECYCLE_ERROR) and logs a status entry. */

/* Runs the validation of the assessment core.  When it finds problems, fails
 * with INVOLVE_STORE_ERROR_INCOMPLETE listing them and, if @problems is not
 * NULL, stores the validation's problem array there (InvolveProblem*; see
 * involve-validate.h).  On success stores the fingerprint of the version
 * and appends a "submit" entry signed by the acting identity (NO_IDENTITY
 * without one; UNTRUSTED, audited, when its certificate may not complete;
 * the first key in a register trusts itself: docs/signatures.md). */
gboolean       involve_store_submit              (InvolveStore  *self,
                                                  const char    *uuid,
                                                  GPtrArray    **problems,
                                                  GError       **error);
/* awaiting-sign-off -> draft. */
gboolean       involve_store_recall              (InvolveStore  *self,
                                                  const char    *uuid,
                                                  GError       **error);
/* returned -> draft (editing a returned version also works without this). */
gboolean       involve_store_reopen              (InvolveStore  *self,
                                                  const char    *uuid,
                                                  GError       **error);
/*
 * Signs off the version awaiting sign-off.  @sign_off gives the reviewer's
 * block (name required; job title, e-mail, team, date (YYYY-MM-DD, today if
 * NULL), comments); decision, fingerprint and decided_at_usec are filled in
 * by the store, the reviewer's name and e-mail from the acting identity's
 * certificate, which signs the decision.  Refused (NO_IDENTITY without a
 * key; UNTRUSTED when the certificate may not sign off;
 * INVOLVE_LIFECYCLE_ERROR_SAME_PERSON when it is the certificate that
 * submitted the version, whatever the names, or the reviewer's name or
 * e-mail is the completer's, or the acting OS account *and* profile are
 * those that submitted it); refusals by key are audited.  When the record
 * has an older signed-off version, that one becomes superseded.
 */
gboolean       involve_store_sign_off            (InvolveStore         *self,
                                                  const char           *uuid,
                                                  const InvolveSignOff *sign_off,
                                                  GError              **error);
/* Returns the version awaiting sign-off to the officer, with comments
 * (review->reviewer_name and review->comments required). */
gboolean       involve_store_return              (InvolveStore         *self,
                                                  const char           *uuid,
                                                  const InvolveSignOff *review,
                                                  GError              **error);
/* Creates version N+1 (draft, a copy of N's values) of a signed-off record,
 * with @reason.  Returns the new version number, 0 on error. */
guint          involve_store_amend               (InvolveStore  *self,
                                                  const char    *uuid,
                                                  const char    *reason,
                                                  GError       **error);
gboolean       involve_store_withdraw            (InvolveStore  *self,
                                                  const char    *uuid,
                                                  const char    *reason,
                                                  GError       **error);
/*
 * Unsigned sign-off by file: always refused now (BAD_SIGNATURE), since
 * anybody can write a response naming any reviewer; use
 * involve_store_apply_signed_response () (involve-store-trust.h).  What it
 * checked, the signed path checks too:
 * Sign-off by file: applies a reviewer's response (sign_off->decision
 * "signed-off" or "returned") to @version of @uuid only if that version is
 * the latest, awaits sign-off, and its fingerprint equals
 * @expected_fingerprint (the one in the request that was sent).  Otherwise
 * FINGERPRINT_MISMATCH / LOCKED / NOT_FOUND with a message.  The reviewer
 * must still not be the completer (name and e-mail; the OS account is not
 * compared, it is the officer's importing).  The response's
 * decided_at_usec (the reviewer's own clock) is kept when set; the audit
 * entry has the time of the import.
 */
gboolean       involve_store_apply_sign_off      (InvolveStore         *self,
                                                  const char           *uuid,
                                                  guint                 version,
                                                  const char           *expected_fingerprint,
                                                  const InvolveSignOff *sign_off,
                                                  GError              **error);

/*
 * Import of a record's versions from elsewhere (XML exchange).  @versions
 * holds InvolveRecord* of one uuid, oldest first, each with its status,
 * reason, sign-off block and values.  A new uuid is inserted as it is (the
 * reference must be free).  For a known uuid, versions already present must
 * have the same fingerprint (a signed-off version is never overwritten;
 * EXISTS otherwise) and newer versions are appended.  Logs an import entry
 * with @source (a file name, say).
 */
gboolean       involve_store_import_record       (InvolveStore  *self,
                                                  GPtrArray     *versions,
                                                  const char    *source,
                                                  GError       **error);
/*
 * Like involve_store_import_record (), and keeps @trails
 * (InvolveImportedTrail*, may be NULL) of the same record in the same
 * transaction: each is checked with involve_audit_entries_check_chain ()
 * first (TAMPERED, nothing written, when broken), empty ones and ones kept
 * already (same digest) are skipped, and each kept one gets a local import
 * entry that binds it.
 */
gboolean       involve_store_import_record_full  (InvolveStore  *self,
                                                  GPtrArray     *versions,
                                                  GPtrArray     *trails,
                                                  const char    *source,
                                                  GError       **error);
/* InvolveImportedTrail* kept for @uuid (NULL = every record), oldest first. */
GPtrArray     *involve_store_list_imported_trails (InvolveStore *self,
                                                  const char    *uuid,
                                                  GError       **error);

/* Search and lists */

/* InvolveRecordSummary*; @total (may be NULL) receives the number of all
 * matches, ignoring offset and limit. */
GPtrArray     *involve_store_list                (InvolveStore            *self,
                                                  const InvolveStoreQuery *query,
                                                  guint                   *total,
                                                  GError                 **error);
gboolean       involve_store_count               (InvolveStore            *self,
                                                  const InvolveStoreQuery *query,
                                                  guint                   *count,
                                                  GError                 **error);
/* Distinct organisation names, sorted, for filter menus. */
GStrv          involve_store_dup_organisations   (InvolveStore  *self,
                                                  GError       **error);

/* Audit log */

/* Appends an event (export, import, backup, ...).  @uuid may be NULL,
 * @version 0, @details free text. */
gboolean       involve_store_log_event           (InvolveStore  *self,
                                                  const char    *kind,
                                                  const char    *uuid,
                                                  guint          version,
                                                  const char    *details,
                                                  GError       **error);
/* InvolveAuditEntry*, oldest first; @uuid NULL = the whole register. */
GPtrArray     *involve_store_list_audit          (InvolveStore  *self,
                                                  const char    *uuid,
                                                  GError       **error);
/* A page of @uuid's entries: those numbered after @after_id, oldest first,
 * at most @limit (0 = all).  For showing a long history a page at a time
 * (from any thread). */
GPtrArray     *involve_store_list_audit_page     (InvolveStore  *self,
                                                  const char    *uuid,
                                                  gint64         after_id,
                                                  guint          limit,
                                                  GError       **error);
/* The newest entry's id and hash (for evidence documents); FALSE if empty. */
gboolean       involve_store_get_audit_head      (InvolveStore  *self,
                                                  gint64        *id,
                                                  char         **hash,
                                                  GError       **error);
/*
 * Checks the file's structure (PRAGMA quick_check; CORRUPT when damaged),
 * then walks the whole chain: ids without gaps, each entry's prev_hash equal to
 * the previous hash and its hash recomputed; every stored value matches the
 * audit entry that wrote it; every signed-off or superseded version's
 * stored fingerprint matches its values; every audit trail kept from
 * another register still holds (see involve_store_verify_full ()).
 * TRUE when all holds.  Otherwise
 * FALSE with INVOLVE_STORE_ERROR_TAMPERED naming what broke and
 * @first_broken_id (may be NULL) set to the first broken entry's id (for a
 * deleted entry, the missing id).  Other errors: first_broken_id is 0.
 */
gboolean       involve_store_verify              (InvolveStore  *self,
                                                  gint64        *first_broken_id,
                                                  GError       **error);
/*
 * involve_store_verify () that also says which kept (imported) trail broke:
 * every trail is re-walked as involve_audit_entries_check_chain () does,
 * none may lose or gain an entry, and each must still give the digest its
 * local import entry holds.  When a kept trail is broken, @broken_reference
 * (may be NULL) receives the record's reference and @broken_imported_entry
 * (may be NULL) the source's number of its first broken entry (or 0 when
 * the whole trail went), and @first_broken_id is 0 unless the local entry
 * binding it is the one missing its trail.
 */
gboolean       involve_store_verify_full         (InvolveStore  *self,
                                                  gint64        *first_broken_id,
                                                  char         **broken_reference,
                                                  gint64        *broken_imported_entry,
                                                  GError       **error);

/* Moving a register */

/*
 * Copies this register, which must verify, into @destination, a new and
 * empty register on either engine (a file, or a team register on a server
 * reached as a superuser): every version, audit entry, signature, trust
 * row, kept trail and involvement log row, exactly as they are, in one
 * transaction there; then verifies the copy.  Refuses a destination that
 * holds records or audit entries (EXISTS).  @n_rows (may be NULL) gets the
 * number of rows copied.
 */
gboolean       involve_store_copy_to             (InvolveStore  *self,
                                                  InvolveStore  *destination,
                                                  gint64        *n_rows,
                                                  GError       **error);

/* How much history a register holds: its records, versions and audit
 * entries (for saying what a copy moved). */
gboolean       involve_store_count_history       (InvolveStore  *self,
                                                  gint64        *n_records,
                                                  gint64        *n_versions,
                                                  gint64        *n_audit,
                                                  GError       **error);

/* Backups */

/* A consistent copy of the register at @dest_path (SQLite online backup),
 * written to a temporary file and renamed into place. */
gboolean       involve_store_backup              (InvolveStore  *self,
                                                  const char    *dest_path,
                                                  GError       **error);
/* The rolling backup: backups/register-YYYY-MM-DD.sqlite beside the
 * register, at most one a day, the newest five kept.  Returns TRUE (and
 * does nothing) if today's exists, or if another program (or store) is
 * making it: "<backup>.lock", created exclusively, says who does.  With "auto-backup" (the default),
 * opening the register starts it in a background thread (with its own
 * connection), so opening stays fast; disposing the store interrupts an
 * unfinished one (nothing half-written is left). */
gboolean       involve_store_rolling_backup      (InvolveStore  *self,
                                                  GError       **error);
/* With "defer-backup": starts the background backup that opening left
 * (the app waits for its first frame, so that copying the register does
 * not slow it down).  Does nothing otherwise, or a second time. */
void           involve_store_start_deferred_backup (InvolveStore *self);
/* Waits until the backup started on open (if any) has finished. */
void           involve_store_wait_for_backup     (InvolveStore  *self);
/* The "backups" folder beside the register file; NULL for a team
 * register (backing up or restoring one is refused: its server's job). */
char          *involve_store_dup_backup_dir      (InvolveStore  *self);
/* The newest backup of the register at @register_path (in its "backups"
 * folder) that is an Involve register and passes SQLite's quick check, or
 * NULL when there is none. */
char          *involve_store_find_good_backup    (const char    *register_path);
/*
 * Puts @backup_path back as the register at @register_path: the backup is
 * copied beside the register and checked (quick check and
 * involve_store_verify ()) first; only then is the register (with its
 * journal files) renamed to "<register>.damaged-YYYYMMDD-HHMMSS", kept
 * for the record, and the checked copy renamed into its place.  An audit
 * entry (backup) says what was restored.  @kept_path (may be NULL) receives
 * where the old file went (NULL when there was none).  Other programs must
 * have closed the register.
 */
gboolean       involve_store_restore_backup      (const char    *register_path,
                                                  const char    *backup_path,
                                                  char         **kept_path,
                                                  GError       **error);

G_END_DECLS
