/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "involve-act.h"
#include "involve-db.h"
#include "involve-store.h"

G_BEGIN_DECLS

/*
 * The store's own helpers, shared by its files (involve-store-*.c) and
 * nothing else: the connection's lock, cached statements, transactions and
 * the audit chain.  Every write appends its audit entry in the same
 * transaction, as involve-store.c does.
 */

GRecMutex    *_involve_store_lock          (InvolveStore  *self);
void          _involve_store_unlock        (GRecMutex    **lock);
#define INVOLVE_STORE_LOCK(self) \
  __attribute__ ((cleanup (_involve_store_unlock))) GRecMutex *G_PASTE (involve_store_locked_, __LINE__) G_GNUC_UNUSED = _involve_store_lock (self)

void          _involve_store_stmt_reset    (InvolveDbStmt **stmt);
/* A cached statement that is reset when it goes out of scope. */
#define INVOLVE_AUTO_STMT __attribute__ ((cleanup (_involve_store_stmt_reset))) InvolveDbStmt *

InvolveDbStmt *_involve_store_prepare      (InvolveStore  *self,
                                            const char    *sql,
                                            GError       **error);
/* Whether the register has table @name (sqlite_master or the server's
 * catalogue); FALSE with @error set when it cannot tell. */
gboolean      _involve_store_has_table     (InvolveStore  *self,
                                            const char    *name,
                                            gboolean      *has,
                                            GError       **error);
void          _involve_store_sqlite_error  (InvolveStore  *self,
                                            GError       **error,
                                            int            rc,
                                            const char    *doing);
gboolean      _involve_store_txn_begin     (InvolveStore  *self,
                                            GError       **error);
gboolean      _involve_store_txn_commit    (InvolveStore  *self,
                                            GError       **error);
void          _involve_store_txn_rollback  (InvolveStore  *self);
/* Appends one audit entry inside the caller's transaction. */
gboolean      _involve_store_audit_append  (InvolveStore  *self,
                                            const char    *kind,
                                            const char    *record_uuid,
                                            guint          version,
                                            const char    *field_id,
                                            const char    *old_value,
                                            const char    *new_value,
                                            const char    *details,
                                            gint64         time_usec,
                                            gint64        *out_id,
                                            GError       **error);

/* involve-store-involvement.c: every involvement log row still matches the
 * audit entry that wrote it (part of involve_store_verify ()). */
gboolean      _involve_store_verify_involvement (InvolveStore  *self,
                                                 gint64        *first_broken_id,
                                                 GError       **error);

/* Branch signed-acts: more of the same, and the signed acts. */

sqlite3      *involve_store_get_db              (InvolveStore  *self);
/* The register's connection, for the store's own files. */
InvolveDb    *_involve_store_get_connection     (InvolveStore  *self);
gboolean      _involve_store_step_done          (InvolveStore  *self,
                                                 InvolveDbStmt *stmt,
                                                 const char    *doing,
                                                 GError       **error);
void          _involve_store_set_sqlite_error   (InvolveStore  *self,
                                                 GError       **error,
                                                 int            rc,
                                                 const char    *doing);
void          _involve_store_set_error          (GError       **error,
                                                 int            code,
                                                 const char    *message);
InvolveRecord *_involve_store_load_for_signing  (InvolveStore  *self,
                                                 const char    *uuid,
                                                 guint          version,
                                                 GError       **error);

#define INTERNAL_STORE_LOCK(self) INVOLVE_STORE_LOCK (self)
#define INTERNAL_AUTO_STMT INVOLVE_AUTO_STMT

/* Sign-off or return from a checked, signed response file. */
gboolean      _involve_store_decide_signed      (InvolveStore         *self,
                                                 const char           *uuid,
                                                 guint                 version,
                                                 const char           *expected_fingerprint,
                                                 const InvolveSignOff *sign_off,
                                                 GBytes               *signed_data,
                                                 GBytes               *signature,
                                                 InvolveCertificate   *certificate,
                                                 GError              **error);

/* Signed acts (involve-store-signing.c), inside the caller's transaction. */

/* The acting identity, or NULL with INVOLVE_STORE_ERROR_NO_IDENTITY saying
 * that @act_label (e.g. "Signing off") needs a key. */
InvolveIdentity *_involve_store_require_identity (InvolveStore       *self,
                                                  const char         *act_label,
                                                  GError            **error);
/* Refuses (UNTRUSTED) a certificate without @role (INVOLVE_TRUST_*).  When
 * nobody is trusted yet and @certificate is the acting identity's, trusts
 * it with every role first (trust on first use, a signed act). */
gboolean      _involve_store_check_role         (InvolveStore       *self,
                                                 InvolveCertificate *certificate,
                                                 guint               role,
                                                 GError            **error);
/*
 * Appends a signed audit entry.  With @data NULL, completes @act (register,
 * time = @time_usec, head, signer) and signs it with the acting identity;
 * otherwise @data, @signature and @certificate come from a response file
 * and were checked by the caller.  The entry's details are @details plus
 * the signer and the signature's digest.
 */
gboolean      _involve_store_append_signed      (InvolveStore       *self,
                                                 InvolveAct         *act,
                                                 GBytes             *data,
                                                 GBytes             *signature,
                                                 InvolveCertificate *certificate,
                                                 const char         *kind,
                                                 const char         *new_value,
                                                 const char         *details,
                                                 gint64              time_usec,
                                                 gint64             *out_id,
                                                 GError            **error);
/* The same, with the audit entry's field_id set to @field_id. */
gboolean      _involve_store_append_signed_field (InvolveStore       *self,
                                                  InvolveAct         *act,
                                                  const char         *kind,
                                                  const char         *field_id,
                                                  const char         *new_value,
                                                  const char         *details,
                                                  gint64              time_usec,
                                                  gint64             *out_id,
                                                  GError            **error);
/* In its own transaction, after the refused one was rolled back. */
void          _involve_store_log_refusal        (InvolveStore       *self,
                                                 const char         *record_uuid,
                                                 guint               version,
                                                 InvolveCertificate *certificate,
                                                 const GError       *why);
/* The verify step for signatures (involve-store-verify-signatures.c). */
gboolean      _involve_store_verify_signatures  (InvolveStore       *self,
                                                 gint64             *first_broken_id,
                                                 GError            **error);

/* Branch anchors. */

/* The outcome the assessment engine derives for @record, or NULL. */
char      *_involve_store_compute_outcome      (InvolveRecord *record);
/* The body text the full-text index holds for @record. */
char      *_involve_store_compute_search_body  (InvolveRecord *record);
/* The details of a sign-off or return audit entry, before the signer is
 * added (verify rebuilds them from the version's reviewer block). */
char      *_involve_store_format_decision      (gboolean       signing,
                                                const char    *reviewer_name,
                                                const char    *job_title,
                                                const char    *email,
                                                const char    *date,
                                                const char    *fingerprint,
                                                const char    *comments);
/* The details of an import-version entry: the state a version was
 * imported with (verify rebuilds them from the version's row). */
char      *_involve_store_format_imported_state (const char   *status,
                                                 const char   *reason,
                                                 const char   *decision,
                                                 const char   *reviewer_name,
                                                 const char   *job_title,
                                                 const char   *email,
                                                 const char   *date,
                                                 const char   *fingerprint,
                                                 const char   *comments);
/* Whether the register has the anchors' tables (seen_heads). */
gboolean   _involve_store_has_anchors          (InvolveStore  *self);

/* involve-store-verify-state.c: the tables replayed from the audit log. */
gboolean   _involve_store_verify_state         (InvolveStore  *self,
                                                gint64        *first_broken_id,
                                                GError       **error);

/* involve-store-anchors.c */
gboolean   _involve_store_populate_anchors     (InvolveStore  *self,
                                                GError       **error);
gboolean   _involve_store_stamp_backup         (InvolveStore  *self,
                                                const char    *dest_path,
                                                GError       **error);
gboolean   _involve_store_verify_seen_heads    (InvolveStore    *self,
                                                gint64          *first_broken_id,
                                                GError         **error);
gboolean   _involve_store_stamp_backup_file    (const char      *dest_path,
                                                InvolveIdentity *identity,
                                                GError         **error);

#define INVOLVE_STORE_LOCKED(self) INTERNAL_STORE_LOCK (self)

/* involve-store-server.c */

/* The time an audit entry or a row written now carries: this computer's
 * clock for a file; the server's, the same for the whole transaction, for
 * a server register (its rules refuse any other).  Call it inside the
 * transaction that writes.  FALSE when the server cannot say: the caller
 * writes nothing then (never this computer's clock instead). */
gboolean      _involve_store_now_usec       (InvolveStore  *self,
                                             gint64        *out_now,
                                             GError       **error);
/* A decision applied from a response file on a team register carries the
 * server's time (its rules refuse any other); the reviewer's own signed
 * time stays in their signed act, and the audit entry's details say it
 * with this note after the decision (before " [signed by …]").  Verify
 * takes the decision's time from the entry only when the note names the
 * act's own time; a file never writes it. */
char         *_involve_store_format_server_clock_note  (gint64      signed_usec);
/* The length of such a note at the start of @text; 0 if there is none. */
gsize         _involve_store_server_clock_note_length  (const char *text);
/* On a server, takes the lock that serialises appends to the audit trail
 * (held to the end of the transaction); nothing for a file, where the
 * write transaction already does. */
gboolean      _involve_store_lock_audit     (InvolveStore  *self,
                                             GError       **error);
/* Refuses (UNSUPPORTED-like INVALID) what only a register file can do,
 * such as backups and restores, on a server register. */
gboolean      _involve_store_check_file_only (InvolveStore *self,
                                              const char   *what,
                                              GError      **error);

G_END_DECLS
