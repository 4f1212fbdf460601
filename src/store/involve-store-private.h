/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "involve-store.h"

G_BEGIN_DECLS

/* For tests and benchmarks only. */

/* The open connection. */
sqlite3      *involve_store_get_db            (InvolveStore  *self);

/* Opens (creating) a register but migrates it only up to @schema_version,
 * to test migrations from older files.  No rolling backup. */
InvolveStore *involve_store_open_at_schema    (const char    *path,
                                               int            schema_version,
                                               GError       **error);

/* Replaces the hooks into the assessment engine (NULL restores the
 * built-in ones). */
typedef GPtrArray *(*InvolveStoreValidateFunc) (InvolveRecord *record,
                                                GError       **error);
typedef char      *(*InvolveStoreOutcomeFunc)  (InvolveRecord *record);
void          involve_store_set_engine_hooks  (InvolveStoreValidateFunc validate,
                                               InvolveStoreOutcomeFunc  outcome);

/* Registers larger than @bytes (64 MiB by default) are checked for damage
 * in a thread instead of while opening. */
void          involve_store_set_check_on_open_max (gint64 bytes);

/* The server processes of a team register's connections as the store
 * knows them (0 without one): the register's, and the change
 * follower's.  For tests that end them, as a server restart would. */
int           involve_store_server_get_backend_pid  (InvolveStore *self);
int           involve_store_server_get_listener_pid (InvolveStore *self);

G_END_DECLS
