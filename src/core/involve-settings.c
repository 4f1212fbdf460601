/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-settings"
#define G_SETTINGS_ENABLE_BACKEND

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gsettingsbackend.h>

#include "involve-paths.h"
#include "involve-settings.h"

static GSettingsSchema *
lookup_schema (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchemaSource) build_source = NULL;
  GSettingsSchema *schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, INVOLVE_SETTINGS_SCHEMA_ID, TRUE);
  if (schema != NULL)
    return schema;

  /* Not installed: running from the build folder. */
  build_source = g_settings_schema_source_new_from_directory (BUILD_SCHEMA_DIR, source,
                                                              FALSE, NULL);
  if (build_source != NULL)
    schema = g_settings_schema_source_lookup (build_source, INVOLVE_SETTINGS_SCHEMA_ID, FALSE);
  if (schema != NULL)
    g_debug ("Using the settings schema compiled in %s", BUILD_SCHEMA_DIR);
  return schema;
}

/**
 * involve_settings_new:
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the settings, or %NULL with @error set
 */
GSettings *
involve_settings_new (GError **error)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsBackend) backend = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  schema = lookup_schema ();
  if (schema == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The settings schema “%s” is not installed. Install Involve, or run it "
                     "from its build folder with GSETTINGS_SCHEMA_DIR set to the folder of the "
                     "compiled schema."),
                   INVOLVE_SETTINGS_SCHEMA_ID);
      return NULL;
    }

  if (involve_paths_get_portable_dir () != NULL)
    {
      g_autofree char *dir = involve_paths_get_config_dir ();
      g_autofree char *file = NULL;

      if (!involve_paths_ensure_dir (dir, error))
        return NULL;
      file = g_build_filename (dir, "settings.ini", NULL);
      backend = g_keyfile_settings_backend_new (file, "/org/involve/Involve/", "involve");
      g_debug ("Portable mode: settings in %s", file);
    }

  return g_settings_new_full (schema, backend, NULL);
}
