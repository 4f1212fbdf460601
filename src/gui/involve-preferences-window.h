/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "involve-definitions.h"
#include "involve-store.h"

G_BEGIN_DECLS

/* The profile (name, job title, e-mail, team, organisation and its type),
 * the default framework and the register's location, kept in GSettings;
 * and the person's signing key (involve_identity_dup_default_path ()). */
#define INVOLVE_TYPE_PREFERENCES_WINDOW (involve_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (InvolvePreferencesWindow, involve_preferences_window, INVOLVE, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *involve_preferences_window_new (GtkWindow          *parent,
                                           GSettings          *settings,
                                           InvolveDefinitions *definitions,
                                           const char         *register_path);
/* A key made or imported here is set on @store, unlocked for the session. */
void       involve_preferences_window_set_store (InvolvePreferencesWindow *self,
                                                 InvolveStore             *store);
/* For tests: what Export Certificate… does with the chosen file. */
gboolean   _involve_preferences_window_export_certificate (InvolvePreferencesWindow  *self,
                                                           const char                *path,
                                                           GError                   **error);

/* What pressing Enter in the connection string row does: saves a team
 * register's connection string (for the next start), or refuses one that
 * is not a connection string or holds a password; "" goes back to the
 * default register. */
gboolean   _involve_preferences_window_apply_server (InvolvePreferencesWindow  *self,
                                                     const char                *text,
                                                     GError                   **error);

G_END_DECLS
