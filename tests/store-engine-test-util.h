/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-store.h"
#include "pg-test-util.h"

G_BEGIN_DECLS

/*
 * One store suite, two engines.  With INVOLVE_TEST_ENGINE=postgresql a
 * test's register path stands for a team register of its own on the test
 * cluster (INVOLVE_TEST_PG), made the first time the path is opened and
 * dropped when the test program ends.  Its people are logins of their own:
 *   "officer"   officer and administrator (the first person of a file)
 *   "reviewer"  reviewer
 *   anybody else an officer
 * The store connects as the cluster's superuser and becomes each person
 * with SET SESSION AUTHORIZATION: the session user is then that login,
 * with that login's rights only, exactly what the server checks.  An
 * attack is made with store_test_server_exec_as (), on a connection that
 * really logged in as the person.
 */

/* TRUE when the tests run on a team register. */
gboolean      store_test_on_server         (void);

/* What to open for the register at @path: @path itself, or the
 * superuser's connection string of its team register. */
const char   *store_test_location          (const char    *path);

/* Opens the register at @path acting as @who (its key set by the
 * caller). */
InvolveStore *store_test_open_as           (const char    *path,
                                            const char    *who,
                                            const char    *profile_name,
                                            GError       **error);

/* On a team register, @store acts as @who's login from now on; nothing
 * on a file (the key and account say who acts there). */
void          store_test_become            (InvolveStore  *store,
                                            const char    *who);

/* The team register behind @path (NULL on files). */
PgTestRegister *store_test_server_register (const char    *path);

/* The login @who has on @path's team register. */
const char   *store_test_login             (const char    *path,
                                            const char    *who);

/* What a program that opens its own register (involve-cli --database)
 * is given for @path, acting as @who: @path itself on files, or the
 * connection string of @who's login on @path's team register.  Free it. */
char         *store_test_cli_database      (const char    *path,
                                            const char    *who);

/* Runs @sql on @path's team register on a connection logged in as
 * @who.  FALSE when the server refuses it: @error holds its message and
 * @sqlstate (may be NULL) its SQLSTATE. */
gboolean      store_test_server_exec_as    (const char    *path,
                                            const char    *who,
                                            const char    *sql,
                                            char         **sqlstate,
                                            GError       **error);

/* For a case that needs a register file (its bytes, SQLite itself,
 * backups): on a team register it skips, saying @why; returns TRUE then. */
gboolean      store_test_skip_on_server    (const char    *why);

#define STORE_TEST_FILE_ONLY(why) \
  G_STMT_START { if (store_test_skip_on_server (why)) return; } G_STMT_END

G_END_DECLS
