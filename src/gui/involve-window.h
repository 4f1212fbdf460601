/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "involve-definitions.h"
#include "involve-store.h"

G_BEGIN_DECLS

/*
 * The main window: the register list (search, filters, empty state) and,
 * for one record, the wizard.
 */
#define INVOLVE_TYPE_WINDOW (involve_window_get_type ())
G_DECLARE_FINAL_TYPE (InvolveWindow, involve_window, INVOLVE, WINDOW, AdwApplicationWindow)

/* Signal "first-frame" (no arguments): emitted once, when the window's
 * first frame has been painted. */

/* @application may be NULL (tests). */
InvolveWindow *involve_window_new          (GtkApplication     *application,
                                            InvolveStore       *store,
                                            InvolveDefinitions *definitions,
                                            GSettings          *settings);
/* Creates a record under the default framework, filled from the profile,
 * and opens it.  FALSE (with a message shown) on failure. */
gboolean       involve_window_new_record   (InvolveWindow      *self);
gboolean       involve_window_open_record  (InvolveWindow      *self,
                                            const char         *uuid);
void           involve_window_show_register (InvolveWindow     *self);
/* Saves what is waiting for the typing pause. */
void           involve_window_flush        (InvolveWindow      *self);

G_END_DECLS
