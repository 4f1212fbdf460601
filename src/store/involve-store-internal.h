/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "involve-store.h"

G_BEGIN_DECLS

/*
 * Shared between the files of libinvolve-store; not for other components.
 * Functions that touch the database expect the caller to hold the store's
 * lock (the public ones in these files take it with _involve_store_lock ()).
 */

/* Locks the store (recursive); hand the result to g_rec_mutex_unlock (). */
GRecMutex *_involve_store_lock                 (InvolveStore  *self);

/* The outcome the assessment engine derives for @record, or NULL. */
char      *_involve_store_compute_outcome      (InvolveRecord *record);
/* The body text the full-text index holds for @record. */
char      *_involve_store_compute_search_body  (InvolveRecord *record);
/* The details of a sign-off or return audit entry (verify rebuilds them
 * from the version's reviewer block and compares). */
char      *_involve_store_format_decision      (gboolean       signing,
                                                const char    *reviewer_name,
                                                const char    *job_title,
                                                const char    *email,
                                                const char    *date,
                                                const char    *fingerprint,
                                                const char    *comments);

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
gboolean   _involve_store_stamp_backup_file    (const char      *dest_path,
                                                InvolveIdentity *identity,
                                                GError         **error);

static inline void
_involve_store_unlock (GRecMutex **lock)
{
  if (*lock != NULL)
    g_rec_mutex_unlock (*lock);
}

#define INVOLVE_STORE_LOCKED(self) \
  __attribute__ ((cleanup (_involve_store_unlock))) GRecMutex *G_PASTE (involve_locked_, __LINE__) G_GNUC_UNUSED = _involve_store_lock (self)

G_END_DECLS
