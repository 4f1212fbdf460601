/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "involve-definitions.h"

G_BEGIN_DECLS

/* The profile (name, job title, e-mail, team, organisation and its type),
 * the default framework and the register's location, kept in GSettings. */
#define INVOLVE_TYPE_PREFERENCES_WINDOW (involve_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (InvolvePreferencesWindow, involve_preferences_window, INVOLVE, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *involve_preferences_window_new (GtkWindow          *parent,
                                           GSettings          *settings,
                                           InvolveDefinitions *definitions,
                                           const char         *register_path);

G_END_DECLS
