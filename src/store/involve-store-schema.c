/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include <string.h>

#include "involve-store-rooms.h"
#include "involve-store-sqlite-resources.h"

/*
 * Schema and migrations (SQLite).
 *
 * Each step runs in BEGIN IMMEDIATE ... COMMIT and sets PRAGMA user_version;
 * a failure rolls the step back and leaves the file at the previous version.
 * Never edit a step once released: add a new one.
 *
 * A step's SQL is a file in src/store/sql/sqlite/, compiled in as a
 * resource, or (as branches add them, until they are moved to a file) a
 * string here.  SQLite keeps the text of every CREATE as it was written,
 * so the files are read exactly as the strings were: lines starting with
 * "--" are comments and dropped, the other lines joined without their line
 * breaks (tests/test-store-schema checks the result byte for byte).
 */

#define SQLITE_STEPS "/org/involve/Involve/store/sqlite/"

typedef struct
{
  const char *file;   /* under SQLITE_STEPS, or NULL */
  const char *sql;    /* when there is no file */
  gboolean  (*populate) (InvolveStore *self, GError **error);
} Migration;

static const Migration migrations[] = {
  { "01-base.sql", NULL, NULL },
  { "02-search.sql", NULL, NULL },
  { "03-search-by-reference.sql", NULL, _involve_store_populate_search_index },
  { "04-search-stale.sql", NULL, NULL },
  { "05-imported-trails.sql", NULL, NULL },
  { "06-signed-acts.sql", NULL, NULL },  /* branch signed-acts */
  { "07-involvement-log.sql", NULL, NULL },   /* involvement log; after the signing steps when they land */
  /* Branch anchors: the register's id and the heads seen in others' files. */
  { "08-anchors.sql", NULL, _involve_store_populate_anchors },
};

#define LATEST_SCHEMA ((int) G_N_ELEMENTS (migrations))

int
involve_store_get_latest_schema_version (void)
{
  return LATEST_SCHEMA;
}

/* The SQL of a step, as SQLite is to see it. */
static char *
step_sql (const Migration *step,
          GError         **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *text = NULL;
  GString *sql;

  if (step->file == NULL)
    return g_strdup (step->sql);

  path = g_strconcat (SQLITE_STEPS, step->file, NULL);
  bytes = g_resource_lookup_data (involve_store_sqlite_get_resource (), path,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  lines = g_strsplit (text, "\n", -1);
  sql = g_string_sized_new (g_bytes_get_size (bytes));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      while (*line == ' ')
        line++;
      if (!g_str_has_prefix (line, "--"))
        g_string_append (sql, lines[i]);
    }
  return g_string_free (sql, FALSE);
}

gboolean
_involve_store_migrate (InvolveStore *self,
                        int           target,
                        GError      **error)
{
  for (int next = self->schema_version + 1; next <= target; next++)
    {
      const Migration *step = &migrations[next - 1];
      g_autofree char *pragmas = NULL;
      g_autofree char *doing = g_strdup_printf (_("Could not update the register to format %d"), next);
      g_autofree char *sql = NULL;
      g_autoptr(GError) local_error = NULL;

      sql = step_sql (step, &local_error);
      if (sql == NULL)
        {
          /* Built in, so only a broken build gets here. */
          g_autofree char *message = g_strdup_printf ("%s: %s", doing, local_error->message);

          set_error_code (error, INVOLVE_STORE_ERROR_FAILED, 0, message);
          return FALSE;
        }

      if (!exec_sql (self, "BEGIN IMMEDIATE", doing, error))
        return FALSE;

      pragmas = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                                 INVOLVE_APPLICATION_ID, next);
      if (!exec_sql (self, sql, doing, error) ||
          (step->populate != NULL && !step->populate (self, error)) ||
          !exec_sql (self, pragmas, doing, error) ||
          !exec_sql (self, "COMMIT", doing, error))
        {
          involve_db_exec (self->db, "ROLLBACK", NULL);
          return FALSE;
        }
      self->schema_version = next;
      g_debug ("Register %s migrated to schema %d", self->path, next);
    }
  return TRUE;
}

/* Branch anchors: whether the step that adds seen_heads has run. */
gboolean
_involve_store_has_anchors (InvolveStore *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
    {
      if (g_strcmp0 (migrations[i].file, "08-anchors.sql") == 0)
        return self->schema_version >= (int) i + 1;
    }
  return FALSE;
}
