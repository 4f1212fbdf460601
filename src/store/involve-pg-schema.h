/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

/*
 * The server side of a team register on PostgreSQL: its tables (the same
 * as a register file's, in the schema "involve"), its roles and the rules
 * the server enforces whoever connects (src/store/sql/postgresql/).
 *
 * One register a database.  Its roles are named after the register:
 *   NAME_owner     owns every object; cannot log in
 *   NAME_officer   completes records (edits drafts, submits)
 *   NAME_reviewer  signs off and returns records (never one they submitted)
 *   NAME_admin     keeps the trust list, imports decided versions
 * People log in as their own roles, members of those groups
 * (involve_pg_schema_add_person ()).
 *
 * A copy from a register file keeps its people and times: only a
 * superuser may write those, after "SET involve.copy = 'on'".
 */

/* The version of schema.sql, kept in meta as "schema-version". */
#define INVOLVE_PG_SCHEMA_VERSION 1

#define INVOLVE_PG_SCHEMA_ERROR (involve_pg_schema_error_quark ())

typedef enum
{
  INVOLVE_PG_SCHEMA_ERROR_INVALID_NAME,     /* a register or login name we refuse */
  INVOLVE_PG_SCHEMA_ERROR_OTHER_REGISTER,   /* the database holds something else */
  INVOLVE_PG_SCHEMA_ERROR_NOT_PERMITTED,    /* not connected as a superuser */
  INVOLVE_PG_SCHEMA_ERROR_UNSUPPORTED,      /* server too old, not UTF-8, newer schema */
  INVOLVE_PG_SCHEMA_ERROR_NOT_INSTALLED,    /* no register of that name here */
  INVOLVE_PG_SCHEMA_ERROR_FAILED,           /* the server refused; its message */
} InvolvePgSchemaError;

typedef enum
{
  INVOLVE_PG_ROLE_OFFICER  = 1 << 0,
  INVOLVE_PG_ROLE_REVIEWER = 1 << 1,
  INVOLVE_PG_ROLE_ADMIN    = 1 << 2,
} InvolvePgRoles;

GQuark    involve_pg_schema_error_quark        (void);

/* A register name: a lower-case letter, then up to 39 lower-case letters,
 * digits or underscores (it prefixes role names). */
gboolean  involve_pg_schema_check_register_name (const char     *register_name,
                                                 GError        **error);

/* "NAME_officer" and so on; @kind is "owner", "officer", "reviewer" or
 * "admin". */
char     *involve_pg_schema_dup_role_name      (const char     *register_name,
                                                const char     *kind);

/* Parses "officer,reviewer" (any order, "admin" too) into roles. */
gboolean  involve_pg_schema_parse_roles        (const char     *text,
                                                InvolvePgRoles *roles,
                                                GError        **error);

/* Installs register @register_name in the database @conn is connected
 * to, as a superuser: its roles, schema, rules and privileges, in one
 * transaction.  Idempotent: again on the same register it only puts the
 * roles and privileges right.  Refuses a database that holds another
 * register, or anything else in a schema called "involve". */
gboolean  involve_pg_schema_install            (PGconn         *conn,
                                                const char     *register_name,
                                                GError        **error);

/* Lets @login_role (made, without a password, when missing: passwords
 * and Kerberos are the server administrator's business) act in the
 * register as @roles.  Needs a superuser connection. */
gboolean  involve_pg_schema_add_person         (PGconn         *conn,
                                                const char     *register_name,
                                                const char     *login_role,
                                                InvolvePgRoles  roles,
                                                GError        **error);

G_END_DECLS
