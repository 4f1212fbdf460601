/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-paths"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "involve-paths.h"

#define REGISTER_FILE_NAME "register.sqlite"

static char     *portable_dir;
static gboolean  portable_dir_set;

G_LOCK_DEFINE_STATIC (portable_dir);

static char *
absolute_dir (const char *dir)
{
  if (dir == NULL || *dir == '\0')
    return NULL;
  return g_canonicalize_filename (dir, NULL);
}

/**
 * involve_paths_set_portable_dir:
 * @dir: (nullable): the portable folder, relative to the current folder or
 *   absolute; %NULL to go back to $INVOLVE_PORTABLE_DIR (or none)
 *
 * Switches portable mode on for this process.  Call it from main(), before
 * anything opens the register or the settings.
 */
void
involve_paths_set_portable_dir (const char *dir)
{
  G_LOCK (portable_dir);
  g_clear_pointer (&portable_dir, g_free);
  portable_dir = absolute_dir (dir);
  portable_dir_set = (portable_dir != NULL);
  G_UNLOCK (portable_dir);
}

/**
 * involve_paths_get_portable_dir:
 *
 * Returns: (nullable): the absolute portable folder, or %NULL when Involve is
 *   not in portable mode
 */
const char *
involve_paths_get_portable_dir (void)
{
  static char *from_env;
  static gsize from_env_read;
  const char *dir;

  if (g_once_init_enter (&from_env_read))
    {
      from_env = absolute_dir (g_getenv ("INVOLVE_PORTABLE_DIR"));
      g_once_init_leave (&from_env_read, 1);
    }

  G_LOCK (portable_dir);
  dir = portable_dir_set ? portable_dir : from_env;
  G_UNLOCK (portable_dir);

  return dir;
}

/**
 * involve_paths_get_data_dir:
 *
 * Returns: (transfer full): the folder of the register: DIR/data in portable
 *   mode, else the user's data folder/involve.  It may not exist yet.
 */
char *
involve_paths_get_data_dir (void)
{
  const char *portable = involve_paths_get_portable_dir ();

  if (portable != NULL)
    return g_build_filename (portable, "data", NULL);
  return g_build_filename (g_get_user_data_dir (), "involve", NULL);
}

/**
 * involve_paths_get_config_dir:
 *
 * Returns: (transfer full): the folder for settings: DIR/settings in portable
 *   mode, else the user's configuration folder/involve.  It may not exist yet.
 */
char *
involve_paths_get_config_dir (void)
{
  const char *portable = involve_paths_get_portable_dir ();

  if (portable != NULL)
    return g_build_filename (portable, "settings", NULL);
  return g_build_filename (g_get_user_config_dir (), "involve", NULL);
}

/**
 * involve_paths_get_backup_dir:
 *
 * Returns: (transfer full): the folder for the rolling automatic backups,
 *   "backups" inside the data folder
 */
char *
involve_paths_get_backup_dir (void)
{
  g_autofree char *data_dir = involve_paths_get_data_dir ();

  return g_build_filename (data_dir, "backups", NULL);
}

/**
 * involve_paths_get_default_register:
 *
 * Returns: (transfer full): the register file used when no --database is
 *   given: register.sqlite in the data folder
 */
char *
involve_paths_get_default_register (void)
{
  g_autofree char *data_dir = involve_paths_get_data_dir ();

  return g_build_filename (data_dir, REGISTER_FILE_NAME, NULL);
}

/**
 * involve_paths_ensure_dir:
 * @dir: a folder
 * @error: return location for a #GError in the %G_FILE_ERROR domain
 *
 * Creates @dir and its parents, readable by the user only, when missing.
 *
 * Returns: %TRUE when @dir exists as a folder afterwards
 */
gboolean
involve_paths_ensure_dir (const char  *dir,
                          GError     **error)
{
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not create the folder “%s”: %s"),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}
