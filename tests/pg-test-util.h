/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

#include "involve-pg-schema.h"

G_BEGIN_DECLS

/*
 * Team registers for tests, on the throw-away cluster INVOLVE_TEST_PG names
 * (a superuser's connection string; tools/run-tests starts one).  Without
 * it the calling test fails, saying how to start one, unless it is "skip":
 * then pg_test_available () is FALSE and the caller skips.
 */

typedef struct
{
  char *dbname;      /* a new database of its own */
  char *name;        /* the register name (roles NAME_officer ...) */
} PgTestRegister;

/* FALSE (after g_test_skip ()) only when INVOLVE_TEST_PG=skip. */
gboolean        pg_test_available          (void);
/* A new database with register @label_NNN installed. */
PgTestRegister *pg_test_register_new       (const char      *label);
/* Lets @login (made when missing, no password) act as @roles. */
void            pg_test_register_add_person (PgTestRegister *reg,
                                             const char     *login,
                                             InvolvePgRoles  roles);
/* A new login of @stem (pg_test_unique_login ()) acting on @reg as
 * @roles; returns the login. */
char           *pg_test_register_new_person (PgTestRegister *reg,
                                             const char     *stem,
                                             InvolvePgRoles  roles);
/* A new register @label with one new person of @stem acting as @roles,
 * whose login goes to @login. */
PgTestRegister *pg_test_register_new_with_person (const char     *label,
                                                  const char     *stem,
                                                  InvolvePgRoles  roles,
                                                  char          **login);
/* The connection string of @reg as @login (NULL: the superuser). */
char           *pg_test_register_conninfo  (PgTestRegister  *reg,
                                            const char      *login);
/* A login name unique to this test run, e.g. "officer_1a2b3c". */
char           *pg_test_unique_login       (const char      *stem);
/* Runs SQL as the superuser on @reg's database; fails the test on error. */
void            pg_test_register_exec      (PgTestRegister  *reg,
                                            const char      *sql);
/* A connection to @dbname (NULL: INVOLVE_TEST_PG's own) as @login (NULL:
 * the superuser), notices silenced; fails the test when it cannot log in. */
PGconn         *pg_test_connect            (const char      *dbname,
                                            const char      *login);
/* Runs @sql on @conn; fails the test on error. */
void            pg_test_exec               (PGconn          *conn,
                                            const char      *sql);
/* Runs @sql on @conn.  FALSE when the server refuses it: then @sqlstate
 * and @message (each may be NULL) receive the SQLSTATE and the primary
 * message. */
gboolean        pg_test_try_exec           (PGconn          *conn,
                                            const char      *sql,
                                            char           **sqlstate,
                                            char           **message);
/* Waits up to @timeout_ms for every session on @reg's database (but
 * the caller's own) to end, as the server ends a killed client's, rolling
 * back its transaction; returns how many are left (0: none). */
guint           pg_test_register_wait_for_sessions (PgTestRegister *reg,
                                                    guint           timeout_ms);
/* Drops the database (the roles stay: they are cluster-wide and unique). */
void            pg_test_register_free      (PgTestRegister  *reg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PgTestRegister, pg_test_register_free)

G_END_DECLS
