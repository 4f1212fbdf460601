/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "involve-record.h"

G_BEGIN_DECLS

/*
 * The person using Involve, from the settings (see involve-settings.h):
 * what new records are filled with and who signs off.
 */

/* The reviewer block the profile gives: name, job title, e-mail, team and
 * today's date; decision and comments are left empty. */
InvolveSignOff *involve_profile_dup_reviewer (GSettings *settings);
/* Whether the profile has at least a name. */
gboolean        involve_profile_is_set       (GSettings *settings);

G_END_DECLS
