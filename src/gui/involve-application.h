/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "involve-store.h"

G_BEGIN_DECLS

#define INVOLVE_TYPE_APPLICATION (involve_application_get_type ())
G_DECLARE_FINAL_TYPE (InvolveApplication, involve_application, INVOLVE, APPLICATION, AdwApplication)

InvolveApplication *involve_application_new          (void);
/* NULL until the register is open. */
InvolveStore       *involve_application_get_store    (InvolveApplication *self);
GSettings          *involve_application_get_settings (InvolveApplication *self);
/* Version, licence (GPL-3.0-or-later) and credits. */
GtkWidget          *involve_about_window_new         (GtkWindow          *parent);
/* @message with every copy of @location replaced by its form without a
 * password (for a team register's connection string). */
char               *_involve_application_dup_redacted_message (const char *message,
                                                               const char *location);

G_END_DECLS
