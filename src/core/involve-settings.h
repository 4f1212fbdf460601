/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define INVOLVE_SETTINGS_SCHEMA_ID "org.involve.Involve"

/*
 * The app's settings (org.involve.Involve, data/org.involve.Involve.gschema.xml).
 *
 * - Finds the schema where it is installed, or, when Involve runs from its
 *   build folder, in the build folder's compiled schemas: no installation
 *   needed.
 * - In portable mode (see involve-paths.h) the values are kept in
 *   DIR/settings/settings.ini instead of the user's dconf database.
 *
 * Fails with G_IO_ERROR_NOT_FOUND when the schema cannot be found, or with a
 * G_FILE_ERROR when the portable settings folder cannot be created.
 */
GSettings *involve_settings_new (GError **error);

G_END_DECLS
