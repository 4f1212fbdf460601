/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-pg-schema"

#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "involve-pg-schema.h"
#include "involve-pg-schema-resources.h"

#define RESOURCE_PATH "/org/involve/Involve/store/postgresql/"

/* gen_random_uuid () and trusted unaccent came with PostgreSQL 13. */
#define MIN_SERVER_VERSION 130000

G_DEFINE_QUARK (involve-pg-schema-error-quark, involve_pg_schema_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

static const char *const role_kinds[] = { "owner", "officer", "reviewer", "admin" };

gboolean
involve_pg_schema_check_register_name (const char *register_name,
                                       GError    **error)
{
  gsize length = register_name != NULL ? strlen (register_name) : 0;

  if (length >= 1 && length <= 40 && g_ascii_islower (register_name[0]))
    {
      gsize i;

      for (i = 1; i < length; i++)
        if (!g_ascii_islower (register_name[i]) && !g_ascii_isdigit (register_name[i]) &&
            register_name[i] != '_')
          break;
      if (i == length)
        return TRUE;
    }
  g_set_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_INVALID_NAME,
               _("“%s” cannot name a register: use a lower-case letter, then up to 39 lower-case letters, digits or underscores, such as “north_icb”."),
               register_name != NULL ? register_name : "");
  return FALSE;
}

char *
involve_pg_schema_dup_role_name (const char *register_name,
                                 const char *kind)
{
  g_return_val_if_fail (register_name != NULL, NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  return g_strconcat (register_name, "_", kind, NULL);
}

gboolean
involve_pg_schema_parse_roles (const char     *text,
                               InvolvePgRoles *roles,
                               GError        **error)
{
  g_auto(GStrv) parts = g_strsplit (text != NULL ? text : "", ",", -1);
  InvolvePgRoles parsed = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);

      if (g_str_equal (part, "officer"))
        parsed |= INVOLVE_PG_ROLE_OFFICER;
      else if (g_str_equal (part, "reviewer"))
        parsed |= INVOLVE_PG_ROLE_REVIEWER;
      else if (g_str_equal (part, "admin"))
        parsed |= INVOLVE_PG_ROLE_ADMIN;
      else
        {
          g_set_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_INVALID_NAME,
                       _("“%s” is not a role in a register: use officer, reviewer or admin, separated by commas."),
                       part);
          return FALSE;
        }
    }
  if (parsed == 0)
    {
      g_set_error_literal (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_INVALID_NAME,
                           _("Give at least one role: officer, reviewer or admin."));
      return FALSE;
    }
  *roles = parsed;
  return TRUE;
}

/* Server helpers */

static void
set_server_error (GError        **error,
                  PGconn         *conn,
                  const PGresult *result,
                  const char     *doing)
{
  const char *message = result != NULL ? PQresultErrorMessage (result) : NULL;
  g_autofree char *trimmed = NULL;

  if (message == NULL || *message == '\0')
    message = PQerrorMessage (conn);
  trimmed = g_strstrip (g_strdup (message != NULL ? message : ""));
  g_set_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_FAILED,
               "%s: %s", doing, trimmed);
}

/* Runs @sql (one or more statements, no parameters). */
static gboolean
run (PGconn     *conn,
     const char *sql,
     const char *doing,
     GError    **error)
{
  g_autoptr(PGresult) result = PQexec (conn, sql);
  ExecStatusType status = PQresultStatus (result);

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return TRUE;
  set_server_error (error, conn, result, doing);
  return FALSE;
}

/* One row's first column (NULL when there is no row), with up to two
 * text parameters. */
static gboolean
query_text (PGconn     *conn,
            const char *sql,
            const char *param1,
            const char *param2,
            char      **value,
            const char *doing,
            GError    **error)
{
  const char *params[2] = { param1, param2 };
  int n_params = param2 != NULL ? 2 : param1 != NULL ? 1 : 0;
  g_autoptr(PGresult) result = PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, 0);

  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      set_server_error (error, conn, result, doing);
      return FALSE;
    }
  *value = PQntuples (result) > 0 && !PQgetisnull (result, 0, 0)
           ? g_strdup (PQgetvalue (result, 0, 0)) : NULL;
  return TRUE;
}

static gboolean
query_bool (PGconn     *conn,
            const char *sql,
            const char *param1,
            const char *param2,
            gboolean   *value,
            const char *doing,
            GError    **error)
{
  g_autofree char *text = NULL;

  if (!query_text (conn, sql, param1, param2, &text, doing, error))
    return FALSE;
  *value = g_strcmp0 (text, "t") == 0;
  return TRUE;
}

static char *
quote_identifier (PGconn     *conn,
                  const char *name)
{
  char *quoted = PQescapeIdentifier (conn, name, strlen (name));
  char *copy = g_strdup (quoted);

  PQfreemem (quoted);
  return copy;
}

static char *
quote_literal (PGconn     *conn,
               const char *text)
{
  char *quoted = PQescapeLiteral (conn, text, strlen (text));
  char *copy = g_strdup (quoted);

  PQfreemem (quoted);
  return copy;
}

static void
rollback (PGconn *conn)
{
  PGresult *result = PQexec (conn, "ROLLBACK");

  PQclear (result);
}

/* Superuser, and a server this schema runs on. */
static gboolean
check_server (PGconn     *conn,
              const char *doing,
              GError    **error)
{
  gboolean superuser = FALSE;

  if (PQstatus (conn) != CONNECTION_OK)
    {
      set_server_error (error, conn, NULL, doing);
      return FALSE;
    }
  /* Setting up commits: never the caller's transaction. */
  if (PQtransactionStatus (conn) != PQTRANS_IDLE)
    {
      g_set_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_FAILED,
                   _("%s: the connection is inside a transaction; use one of its own."), doing);
      return FALSE;
    }
  if (PQserverVersion (conn) < MIN_SERVER_VERSION)
    {
      g_set_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_UNSUPPORTED,
                   _("%s: the server runs PostgreSQL %d.%d; a team register needs version 13 or later."),
                   doing, PQserverVersion (conn) / 10000, PQserverVersion (conn) % 10000);
      return FALSE;
    }
  if (!query_bool (conn, "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user",
                   NULL, NULL, &superuser, doing, error))
    return FALSE;
  if (!superuser)
    {
      g_set_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_NOT_PERMITTED,
                   _("%s: connect as a superuser of the server (such as postgres) to set up a register or add people to it."),
                   doing);
      return FALSE;
    }
  return TRUE;
}

/* The register in this database: its name, or NULL when there is no
 * schema "involve".  Refuses a schema "involve" that is not a register. */
static gboolean
find_register (PGconn     *conn,
               char      **name,
               int        *version,
               const char *doing,
               GError    **error)
{
  g_autofree char *meta = NULL;
  g_autofree char *version_text = NULL;
  gboolean has_schema = FALSE;

  *name = NULL;
  *version = 0;
  if (!query_bool (conn, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'involve')",
                   NULL, NULL, &has_schema, doing, error))
    return FALSE;
  if (!has_schema)
    return TRUE;
  if (!query_text (conn, "SELECT to_regclass ('involve.meta')::text", NULL, NULL, &meta, doing, error))
    return FALSE;
  if (meta != NULL &&
      (!query_text (conn, "SELECT value FROM involve.meta WHERE key = 'register-name'",
                    NULL, NULL, name, doing, error) ||
       !query_text (conn, "SELECT value FROM involve.meta WHERE key = 'schema-version'",
                    NULL, NULL, &version_text, doing, error)))
    return FALSE;
  if (*name == NULL)
    {
      g_set_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_OTHER_REGISTER,
                   _("%s: this database already has a schema called “involve” that is not an Involve register; use another database."),
                   doing);
      return FALSE;
    }
  *version = version_text != NULL ? (int) g_ascii_strtoll (version_text, NULL, 10) : 0;
  return TRUE;
}

static gboolean
ensure_role (PGconn     *conn,
             const char *role,
             gboolean    login,
             const char *doing,
             GError    **error)
{
  g_autofree char *quoted = quote_identifier (conn, role);
  g_autofree char *sql = NULL;
  gboolean exists = FALSE;

  if (!query_bool (conn, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1)",
                   role, NULL, &exists, doing, error))
    return FALSE;
  if (exists)
    return TRUE;
  sql = g_strdup_printf ("CREATE ROLE %s %s", quoted, login ? "LOGIN" : "NOLOGIN");
  return run (conn, sql, doing, error);
}

/* @sql with each "@KEY@" of @keys replaced by the matching value. */
static char *
substitute (const char         *sql,
            const char *const  *keys,
            const char *const  *values)
{
  GString *out = g_string_sized_new (strlen (sql) + 1024);
  const char *p = sql;

  while (*p != '\0')
    {
      gboolean replaced = FALSE;

      if (*p == '@')
        for (guint i = 0; keys[i] != NULL; i++)
          {
            gsize length = strlen (keys[i]);

            if (strncmp (p, keys[i], length) == 0)
              {
                g_string_append (out, values[i]);
                p += length;
                replaced = TRUE;
                break;
              }
          }
      if (!replaced)
        g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}

static char *
load_sql (const char  *name,
          const char  *doing,
          GError     **error)
{
  g_autofree char *path = g_strconcat (RESOURCE_PATH, name, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;

  bytes = g_resource_lookup_data (involve_pg_schema_get_resource (), path,
                                 G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_FAILED,
                   "%s: %s", doing, local_error->message);
      return NULL;
    }
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static gboolean
install_locked (PGconn     *conn,
                const char *register_name,
                const char *doing,
                GError    **error)
{
  g_autofree char *existing = NULL;
  g_autofree char *encoding = NULL;
  g_autofree char *unaccent_schema = NULL;
  g_autoptr(GPtrArray) role_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) quoted_names = g_ptr_array_new_with_free_func (g_free);
  const char *const *roles;
  const char *const *quoted;
  g_autofree char *reviewer_literal = NULL;
  g_autofree char *admin_literal = NULL;
  g_autofree char *name_literal = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *text = NULL;
  int version = 0;

  /* Another install of the same register waits here, then finds it. */
  if (!run (conn, "SELECT pg_advisory_xact_lock (x'496e766f6c7665'::bigint + 1)", doing, error) ||
      !query_text (conn, "SELECT pg_catalog.pg_encoding_to_char (encoding) FROM pg_catalog.pg_database"
                   " WHERE datname = current_database ()", NULL, NULL, &encoding, doing, error) ||
      !find_register (conn, &existing, &version, doing, error))
    return FALSE;
  /* Audit hashes are over UTF-8 bytes, on the server as on the desktop. */
  if (g_strcmp0 (encoding, "UTF8") != 0)
    {
      g_set_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_UNSUPPORTED,
                   _("%s: the database’s encoding is %s; a register needs UTF8 (createdb --encoding=UTF8)."),
                   doing, encoding != NULL ? encoding : "?");
      return FALSE;
    }
  if (existing != NULL && g_strcmp0 (existing, register_name) != 0)
    {
      g_set_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_OTHER_REGISTER,
                   _("%s: this database already holds the register “%s”; use another database for “%s”."),
                   doing, existing, register_name);
      return FALSE;
    }
  if (existing != NULL && version != INVOLVE_PG_SCHEMA_VERSION)
    {
      g_set_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_UNSUPPORTED,
                   _("%s: the register “%s” has server format %d, which this version of Involve (format %d) cannot update."),
                   doing, existing, version, INVOLVE_PG_SCHEMA_VERSION);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (role_kinds); i++)
    {
      char *role = involve_pg_schema_dup_role_name (register_name, role_kinds[i]);

      g_ptr_array_add (role_names, role);
      g_ptr_array_add (quoted_names, quote_identifier (conn, role));
      if (!ensure_role (conn, role, FALSE, doing, error))
        return FALSE;
    }
  roles = (const char *const *) role_names->pdata;
  quoted = (const char *const *) quoted_names->pdata;
  reviewer_literal = quote_literal (conn, roles[2]);
  admin_literal = quote_literal (conn, roles[3]);
  name_literal = quote_literal (conn, register_name);

  if (existing == NULL)
    {
      g_autofree char *create = g_strdup_printf ("CREATE SCHEMA involve AUTHORIZATION %s;"
                                                 "CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA involve",
                                                 quoted[0]);
      if (!run (conn, create, doing, error))
        return FALSE;
    }
  /* regnamespace::text is quoted where it needs to be. */
  if (!query_text (conn, "SELECT extnamespace::regnamespace::text FROM pg_catalog.pg_extension"
                   " WHERE extname = 'unaccent'", NULL, NULL, &unaccent_schema, doing, error))
    return FALSE;
  if (unaccent_schema == NULL)
    {
      g_set_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_FAILED,
                   _("%s: the extension unaccent is missing from the server (Debian: postgresql-15)."),
                   doing);
      return FALSE;
    }

  {
    const char *keys[] = { "@OWNER@", "@OFFICER@", "@REVIEWER@", "@ADMIN@",
                           "@REVIEWER_NAME@", "@ADMIN_NAME@", "@REGISTER_NAME@", "@UNACCENT@", NULL };
    const char *values[] = { quoted[0], quoted[1], quoted[2], quoted[3],
                             reviewer_literal, admin_literal, name_literal, unaccent_schema, NULL };
    g_autofree char *set_role = g_strdup_printf ("SET LOCAL ROLE %s", quoted[0]);

    if (!run (conn, set_role, doing, error))
      return FALSE;
    if (existing == NULL)
      {
        text = load_sql ("schema.sql", doing, error);
        if (text == NULL)
          return FALSE;
        sql = substitute (text, keys, values);
        if (!run (conn, sql, doing, error))
          return FALSE;
        g_clear_pointer (&text, g_free);
        g_clear_pointer (&sql, g_free);
      }
    text = load_sql ("grants.sql", doing, error);
    if (text == NULL)
      return FALSE;
    sql = substitute (text, keys, values);
    if (!run (conn, sql, doing, error) ||
        !run (conn, "RESET ROLE", doing, error))
      return FALSE;
  }

  /* The database: the register's schema on everyone's search path, no
   * objects of anybody's own in public, no temporary tables, and only the
   * register's people may connect. */
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("DO $$ BEGIN"
                         " EXECUTE format ('ALTER DATABASE %%I SET search_path = involve', current_database ());"
                         " EXECUTE format ('REVOKE ALL ON DATABASE %%I FROM PUBLIC', current_database ());"
                         " EXECUTE format ('GRANT CONNECT ON DATABASE %%I TO %s, %s, %s', current_database ());"
                         " END $$;"
                         "REVOKE ALL ON SCHEMA public FROM PUBLIC;"
                         "GRANT USAGE ON SCHEMA %s TO %s, %s, %s",
                         quoted[1], quoted[2], quoted[3],
                         unaccent_schema, quoted[1], quoted[2], quoted[3]);
  return run (conn, sql, doing, error);
}

gboolean
involve_pg_schema_install (PGconn     *conn,
                           const char *register_name,
                           GError    **error)
{
  const char *doing = _("Could not set up the register on the server");

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!involve_pg_schema_check_register_name (register_name, error) ||
      !check_server (conn, doing, error) ||
      !run (conn, "BEGIN", doing, error))
    return FALSE;
  if (!install_locked (conn, register_name, doing, error) ||
      !run (conn, "COMMIT", doing, error))
    {
      rollback (conn);
      return FALSE;
    }
  g_debug ("Register %s installed (server format %d)", register_name, INVOLVE_PG_SCHEMA_VERSION);
  return TRUE;
}

gboolean
involve_pg_schema_add_person (PGconn         *conn,
                              const char     *register_name,
                              const char     *login_role,
                              InvolvePgRoles  roles,
                              GError        **error)
{
  const char *doing = _("Could not add the person to the register");
  static const struct { InvolvePgRoles role; const char *kind; } grants[] = {
    { INVOLVE_PG_ROLE_OFFICER, "officer" },
    { INVOLVE_PG_ROLE_REVIEWER, "reviewer" },
    { INVOLVE_PG_ROLE_ADMIN, "admin" },
  };
  g_autofree char *existing = NULL;
  g_autofree char *quoted_login = NULL;
  gboolean login_is_group = FALSE;
  int version = 0;

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!involve_pg_schema_check_register_name (register_name, error))
    return FALSE;
  if (login_role == NULL || *login_role == '\0' || strlen (login_role) > 63 ||
      g_str_has_prefix (login_role, "pg_") || !g_utf8_validate (login_role, -1, NULL))
    {
      g_set_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_INVALID_NAME,
                   _("“%s” cannot be a person’s login name on the server: give 1 to 63 bytes, not starting with “pg_”."),
                   login_role != NULL ? login_role : "");
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (role_kinds); i++)
    {
      g_autofree char *group = involve_pg_schema_dup_role_name (register_name, role_kinds[i]);

      if (g_str_equal (group, login_role))
        login_is_group = TRUE;
    }
  if (login_is_group)
    {
      g_set_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_INVALID_NAME,
                   _("“%s” is one of the register’s own roles, not a person."), login_role);
      return FALSE;
    }
  if ((roles & (INVOLVE_PG_ROLE_OFFICER | INVOLVE_PG_ROLE_REVIEWER | INVOLVE_PG_ROLE_ADMIN)) == 0)
    {
      g_set_error_literal (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_INVALID_NAME,
                           _("Give at least one role: officer, reviewer or admin."));
      return FALSE;
    }

  if (!check_server (conn, doing, error) ||
      !run (conn, "BEGIN", doing, error))
    return FALSE;
  if (!find_register (conn, &existing, &version, doing, error))
    goto fail;
  if (g_strcmp0 (existing, register_name) != 0)
    {
      g_set_error (error, INVOLVE_PG_SCHEMA_ERROR, INVOLVE_PG_SCHEMA_ERROR_NOT_INSTALLED,
                   _("%s: this database does not hold the register “%s”; set it up first (involve-cli server-setup)."),
                   doing, register_name);
      goto fail;
    }
  if (!ensure_role (conn, login_role, TRUE, doing, error))
    goto fail;
  quoted_login = quote_identifier (conn, login_role);
  for (guint i = 0; i < G_N_ELEMENTS (grants); i++)
    {
      g_autofree char *group = NULL;
      g_autofree char *quoted_group = NULL;
      g_autofree char *sql = NULL;

      if ((roles & grants[i].role) == 0)
        continue;
      group = involve_pg_schema_dup_role_name (register_name, grants[i].kind);
      quoted_group = quote_identifier (conn, group);
      sql = g_strdup_printf ("GRANT %s TO %s", quoted_group, quoted_login);
      if (!run (conn, sql, doing, error))
        goto fail;
    }
  if (!run (conn, "COMMIT", doing, error))
    goto fail;
  return TRUE;

fail:
  rollback (conn);
  return FALSE;
}
