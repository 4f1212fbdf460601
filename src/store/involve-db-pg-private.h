/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-db.h"

G_BEGIN_DECLS

/* For tests and benchmarks of the PostgreSQL engine (involve-db-pg.c). */

/* Whether statements inside a transaction get their own savepoint (on by
 * default; off only to measure what it costs). */
void   _involve_db_pg_set_statement_savepoints (InvolveDb  *db,
                                                gboolean    enabled);
/* The server process serving @db (pg_backend_pid ()). */
int    _involve_db_pg_get_backend_pid          (InvolveDb  *db);
/* @message with every password of @conninfo replaced by asterisks. */
char  *_involve_db_pg_redact                   (const char *message,
                                                const char *conninfo);
/* @conninfo (key=value or a postgresql:// URI) as a key=value string
 * naming database @dbname instead; NULL with G_IO_ERROR_INVALID_ARGUMENT
 * when libpq cannot parse it. */
char  *_involve_db_pg_conninfo_with_dbname     (const char  *conninfo,
                                                const char  *dbname,
                                                GError     **error);

G_END_DECLS
