/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-settings"
#define G_SETTINGS_ENABLE_BACKEND

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gsettingsbackend.h>

#include "involve-paths.h"
#include "involve-settings.h"

static GSettingsSchema *
lookup_schema (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  const char *dirs[] = { INVOLVE_BUILD_SCHEMA_DIR, INVOLVE_INSTALLED_SCHEMA_DIR };
  GSettingsSchema *schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, INVOLVE_SETTINGS_SCHEMA_ID, TRUE);
  if (schema != NULL)
    return schema;

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autoptr(GSettingsSchemaSource) dir_source = NULL;
      g_autofree char *compiled = g_build_filename (dirs[i], "gschemas.compiled", NULL);

      if (!g_file_test (compiled, G_FILE_TEST_IS_REGULAR))
        continue;
      dir_source = g_settings_schema_source_new_from_directory (dirs[i], source, FALSE, NULL);
      if (dir_source == NULL)
        continue;
      schema = g_settings_schema_source_lookup (dir_source, INVOLVE_SETTINGS_SCHEMA_ID, FALSE);
      if (schema != NULL)
        return schema;
    }

  return NULL;
}

GSettings *
involve_settings_new (GError **error)
{
  g_autoptr(GSettingsSchema) schema = lookup_schema ();
  g_autoptr(GSettingsBackend) backend = NULL;

  if (schema == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The settings schema “%s” is not installed. Run Involve from its build folder or install it."),
                   INVOLVE_SETTINGS_SCHEMA_ID);
      return NULL;
    }

  /* Portable mode keeps settings beside the register, in a key file; the
   * tests' memory backend (GSETTINGS_BACKEND) wins over it. */
  if (involve_paths_get_portable_dir () != NULL && g_getenv ("GSETTINGS_BACKEND") == NULL)
    {
      g_autofree char *dir = involve_paths_get_config_dir ();
      g_autofree char *file = g_build_filename (dir, "settings.ini", NULL);

      if (!involve_paths_ensure_dir (dir, error))
        return NULL;
      backend = g_keyfile_settings_backend_new (file, "/org/involve/Involve/", NULL);
    }

  return g_settings_new_full (schema, backend, NULL);
}

static char *
dup_or_null (GSettings  *settings,
             const char *key)
{
  g_autofree char *value = g_settings_get_string (settings, key);

  g_strstrip (value);
  return value[0] != '\0' ? g_steal_pointer (&value) : NULL;
}

InvolveSignOff *
involve_settings_dup_reviewer (GSettings *settings)
{
  InvolveSignOff *sign_off;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  sign_off = involve_sign_off_new ();
  sign_off->reviewer_name = dup_or_null (settings, "profile-name");
  sign_off->reviewer_job_title = dup_or_null (settings, "profile-job-title");
  sign_off->reviewer_email = dup_or_null (settings, "profile-email");
  sign_off->reviewer_team = dup_or_null (settings, "profile-team");
  sign_off->date = g_date_time_format (now, "%Y-%m-%d");
  return sign_off;
}

gboolean
involve_settings_has_profile (GSettings *settings)
{
  g_autofree char *name = dup_or_null (settings, "profile-name");

  return name != NULL;
}
