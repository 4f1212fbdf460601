/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "involve-record.h"

G_BEGIN_DECLS

#define INVOLVE_SETTINGS_SCHEMA_ID "org.involve.Involve"

/*
 * The app's settings.  Uses the installed schema when there is one, else the
 * schema compiled into the build folder, so that the app runs from there.
 * In portable mode (involve-paths.h) the values live in a key file in the
 * portable settings folder; otherwise in GSettings' default backend.
 * Returns NULL with @error when no schema can be found.
 */
GSettings      *involve_settings_new             (GError    **error);

/* The reviewer block the profile gives: name, job title, e-mail, team and
 * today's date; decision and comments are left empty. */
InvolveSignOff *involve_settings_dup_reviewer    (GSettings  *settings);
/* Whether the profile has at least a name. */
gboolean        involve_settings_has_profile     (GSettings  *settings);

G_END_DECLS
