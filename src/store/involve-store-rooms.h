/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <sqlite3.h>

#include "involve-assess.h"
#include "involve-db.h"
#include "involve-definitions.h"
#include "involve-fingerprint.h"
#include "involve-lifecycle.h"
#include "involve-paths.h"
#include "involve-validate.h"
#include "involve-store.h"
#include "involve-store-anchors.h"
#include "involve-store-internal.h"
#include "involve-store-private.h"
#include "involve-store-trust.h"

G_BEGIN_DECLS

/*
 * What the rooms of InvolveStore (involve-store.c, involve-store-sql.c,
 * -schema, -open, -audit, -records, -lifecycle, -search, -verify, -backup,
 * -import) share and nothing else sees: the instance structure, and the
 * helpers one room defines for the others.  The most used helpers keep
 * their short names here as inline calls of the _involve_store_ ones.
 */

/* 'Invl': PRAGMA application_id of every Involve register. */
#define INVOLVE_APPLICATION_ID 0x496E766C
#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"
#define DEFAULT_BUSY_TIMEOUT_MS 5000

/*
 * Search keyed by reference: the full-text row of a record has the rowid
 * ref_year * REF_KEY_FACTOR + ref_number, so the index itself yields
 * matches in reference order and a first page of results needs no sort.
 */
#define REF_KEY_FACTOR G_GINT64_CONSTANT (100000000)

typedef struct _RollingBackup RollingBackup;

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

  InvolveDb  *db;             /* the register's connection */
  GHashTable *statements;      /* SQL text -> InvolveDbStmt* */
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
  RollingBackup *backup_job;

  /* A team register on a server (involve-store-server.c). */
  gboolean    is_server;
  int         backend_pid;     /* the server process of self->db */
  char       *server_login;    /* set by involve_store_server_become (), or NULL */
  InvolveDb  *listener;        /* a second connection, for LISTEN */
  GSource    *listen_source;
  guint       listen_retry_id; /* connecting the listener again, after a loss */
  guint       listen_retry_ms; /* the back-off */
  GMainContext *listen_context;
};

/* Shared between rooms: the audit log's entries and their hashing
 * (involve-store-audit.c), a version's row (involve-store-records.c) and
 * how a write updates the full-text index (involve-store-search.c). */

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

#define AUDIT_COLUMNS "id, time_usec, account, profile, kind, record_uuid, version," \
                      " field_id, old_value, new_value, details, prev_hash, hash"

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

#define VERSION_COLUMNS \
  "r.id, v.id, r.uuid, r.reference, r.framework, v.version, r.latest_version, v.status," \
  " v.status_reason, v.created_usec, v.modified_usec, v.fingerprint, v.submitted_account," \
  " v.submitted_profile, v.reviewer_name, v.reviewer_job_title, v.reviewer_email," \
  " v.reviewer_team, v.review_date, v.decision, v.review_comments, v.decided_fingerprint," \
  " v.decided_usec"

typedef enum
{
  SEARCH_KEEP,    /* the text did not change */
  SEARCH_DEFER,   /* mark the record for re-indexing before the next search */
  SEARCH_NOW,     /* re-index it now */
} SearchUpdate;

/* involve-store-audit.c */

void _involve_store_audit_hasher_init (AuditHasher *hasher);
void _involve_store_audit_hasher_clear (AuditHasher *hasher);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AuditHasher, _involve_store_audit_hasher_clear)
void _involve_store_audit_fields_hash (const AuditFields *fields,
                                       AuditHasher       *hasher,
                                       char              *hash);
gboolean _involve_store_append_event (InvolveStore     *self,
                                      const AuditEvent *event,
                                      gint64            time_usec,
                                      gint64           *out_id,
                                      GError          **error);
void _involve_store_bind_audit_entry (InvolveDbStmt           *stmt,
                                      int                      first,
                                      const InvolveAuditEntry *entry);
InvolveAuditEntry *_involve_store_audit_entry_from_row (InvolveDbStmt *stmt);
/* Sets @first_broken_id and a TAMPERED error; returns FALSE. */
gboolean _involve_store_tampered (GError    **error,
                                  gint64     *first_broken_id,
                                  gint64      id,
                                  const char *message);

/* involve-store-records.c */

void _involve_store_version_row_clear (VersionRow *row);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VersionRow, _involve_store_version_row_clear)
gboolean _involve_store_fetch_version (InvolveStore *self,
                                       const char   *uuid,
                                       guint         version,
                                       VersionRow   *row,
                                       GError      **error);
InvolveRecord *_involve_store_record_from_row (InvolveStore *self,
                                               VersionRow   *row,
                                               GError      **error);
gboolean _involve_store_insert_record_row (InvolveStore *self,
                                           const char   *uuid,
                                           const char   *reference,
                                           int           ref_year,
                                           gint64        ref_number,
                                           const char   *framework_id,
                                           gint64        created_usec,
                                           gint64       *record_id,
                                           GError      **error);
gboolean _involve_store_insert_version_row (InvolveStore  *self,
                                            gint64         record_id,
                                            guint          version,
                                            InvolveStatus  status,
                                            const char    *reason,
                                            gint64         created_usec,
                                            gint64        *version_id,
                                            GError       **error);
char *_involve_store_print_value (GVariant *value);
gboolean _involve_store_write_value (InvolveStore *self,
                                     gint64        version_id,
                                     const char   *field_id,
                                     const char   *text,
                                     gint64        now,
                                     gint64        audit_id,
                                     GError      **error);

/* involve-store-search.c */

gboolean _involve_store_refresh_summary (InvolveStore  *self,
                                         gint64         record_id,
                                         gint64         version_id,
                                         InvolveRecord *record,
                                         gint64         now,
                                         SearchUpdate   search,
                                         GError       **error);
gboolean _involve_store_populate_search_index (InvolveStore *self,
                                               GError      **error);
gboolean _involve_store_value_has_text (GVariant *value);
const char *_involve_store_nonblank (const char *text);

/* involve-store-lifecycle.c */

char *_involve_store_today_utc (void);

/* involve-store-schema.c */

gboolean _involve_store_migrate (InvolveStore *self,
                                 int           target,
                                 GError      **error);

/* involve-store-open.c */

void _involve_store_initable_iface_init (GInitableIface *iface);
gboolean _involve_store_quick_check (sqlite3  *db,
                                     char    **problem,
                                     GError  **error);
char *_involve_store_damage_message (const char *path,
                                     const char *problem,
                                     gboolean    opened);
void _involve_store_stop_background_check (InvolveStore *self,
                                           gboolean      cancel);

/* involve-store-backup.c */

gboolean _involve_store_copy_database (sqlite3     *source,
                                       const char  *dest_path,
                                       gint        *cancel,
                                       gboolean     check,
                                       char       **problem,
                                       GError     **error);
void _involve_store_mark_damaged (InvolveStore *self,
                                  const char   *problem);
void _involve_store_start_rolling_backup (InvolveStore *self);
void _involve_store_stop_rolling_backup (InvolveStore *self,
                                         gboolean      cancel);

/* involve-store-import.c */

GPtrArray *_involve_store_read_imported_trails (InvolveStore *self,
                                                const char   *uuid,
                                                GArray       *counts,
                                                GArray       *gaps,
                                                GError      **error);

/* involve-store-sql.c */

/* Writes are refused once the register is known to be damaged
 * (involve-store-open.c). */
gboolean      _involve_store_check_not_damaged (InvolveStore *self,
                                                GError      **error);

#define STORE_LOCK(self) INVOLVE_STORE_LOCK (self)
#define AUTO_STMT INVOLVE_AUTO_STMT

void          _involve_store_set_error_code (GError       **error,
                                             int            code,
                                             int            sqlite_code,
                                             const char    *message);
/* The store error code for an engine's (SQLite) result code. */
int           _involve_store_error_code_for_sqlite (int rc);
/* Whether an I/O error came from a full disk (@db may be NULL). */
gboolean      _involve_store_disk_is_full   (sqlite3       *db,
                                             int            saved_errno,
                                             const char    *path);
void          _involve_store_bind_text      (InvolveDbStmt *stmt,
                                             int            index,
                                             const char    *text);
char         *_involve_store_column_dup     (InvolveDbStmt *stmt,
                                             int            column);
gboolean      _involve_store_exec_sql       (InvolveStore  *self,
                                             const char    *sql,
                                             const char    *doing,
                                             GError       **error);
/* The statement cache goes when the connection does. */
void          _involve_store_stmt_finalize  (gpointer       stmt);

static inline void
set_error_code (GError    **error,
                int         code,
                int         sqlite_code,
                const char *message)
{
  _involve_store_set_error_code (error, code, sqlite_code, message);
}

static inline void
set_sqlite_error (InvolveStore *self,
                  GError      **error,
                  int           rc,
                  const char   *doing)
{
  _involve_store_sqlite_error (self, error, rc, doing);
}

static inline InvolveDbStmt *
prepare (InvolveStore *self,
         const char   *sql,
         GError      **error)
{
  return _involve_store_prepare (self, sql, error);
}

static inline void
bind_text (InvolveDbStmt *stmt,
           int            index,
           const char    *text)
{
  _involve_store_bind_text (stmt, index, text);
}

static inline char *
column_dup (InvolveDbStmt *stmt,
            int            column)
{
  return _involve_store_column_dup (stmt, column);
}

static inline gboolean
step_done (InvolveStore  *self,
           InvolveDbStmt *stmt,
           const char    *doing,
           GError       **error)
{
  return _involve_store_step_done (self, stmt, doing, error);
}

static inline gboolean
exec_sql (InvolveStore *self,
          const char   *sql,
          const char   *doing,
          GError      **error)
{
  return _involve_store_exec_sql (self, sql, doing, error);
}

static inline gboolean
txn_begin (InvolveStore *self,
           GError      **error)
{
  return _involve_store_txn_begin (self, error);
}

static inline gboolean
txn_commit (InvolveStore *self,
            GError      **error)
{
  return _involve_store_txn_commit (self, error);
}

static inline void
txn_rollback (InvolveStore *self)
{
  _involve_store_txn_rollback (self);
}

/* involve-store-server.c: a team register on PostgreSQL. */

/* Opens self->path (a connection string) as a server register. */
gboolean      _involve_store_open_server    (InvolveStore  *self,
                                             GError       **error);
void          _involve_store_close_server   (InvolveStore  *self);
/* "SET SESSION AUTHORIZATION" for @login, quoted. */
char         *_involve_store_become_sql     (const char    *login);
/* Connects the change follower and watches it (self->listen_context). */
gboolean      _involve_store_listen         (InvolveStore  *self,
                                             GError       **error);

/* involve-store-reconnect.c: after a lost server connection. */

/* The error of an operation whose connection went away, saying what
 * that did to the change (involve_db_get_loss ()). */
void          _involve_store_connection_lost_error (InvolveStore *self,
                                                    GError      **error,
                                                    int           rc,
                                                    const char   *doing);
/* InvolveDbReconnectFunc: redoes the store's session set-up. */
gboolean      _involve_store_server_reconnected (InvolveDb  *db,
                                                 gpointer    data,
                                                 GError    **error);
/* The follower's connection went away: closes it and tries again on a
 * back-off timer; emits records-changed (NULL) once it is back. */
void          _involve_store_follow_lost    (InvolveStore  *self);
/* Stops trying (closing the store). */
void          _involve_store_follow_stop    (InvolveStore  *self);

G_END_DECLS
