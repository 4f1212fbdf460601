/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

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

void          _involve_store_stmt_reset    (sqlite3_stmt **stmt);
/* A cached statement that is reset when it goes out of scope. */
#define INVOLVE_AUTO_STMT __attribute__ ((cleanup (_involve_store_stmt_reset))) sqlite3_stmt *

sqlite3_stmt *_involve_store_prepare       (InvolveStore  *self,
                                            const char    *sql,
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

G_END_DECLS
