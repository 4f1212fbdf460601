/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Where Involve keeps its files.
 *
 * Normally the register lives in the user's data folder
 * (g_get_user_data_dir ()/involve, ~/.local/share/involve on Linux) and the
 * settings in the user's configuration folder (~/.config/involve; GSettings
 * keeps its own values in dconf).
 *
 * In portable mode everything lives under one folder DIR, for a shared drive
 * or a USB stick: the register in DIR/data and the settings in DIR/settings.
 * Portable mode is switched on by `--portable DIR` (the programs call
 * involve_paths_set_portable_dir ()) or by the environment variable
 * INVOLVE_PORTABLE_DIR.  The command-line option wins.
 */

void         involve_paths_set_portable_dir      (const char  *dir);
const char  *involve_paths_get_portable_dir      (void);

char        *involve_paths_get_data_dir          (void);
char        *involve_paths_get_config_dir        (void);
char        *involve_paths_get_backup_dir        (void);
char        *involve_paths_get_default_register  (void);

gboolean     involve_paths_ensure_dir            (const char  *dir,
                                                  GError     **error);

G_END_DECLS
