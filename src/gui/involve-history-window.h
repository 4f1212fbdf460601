/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "involve-definitions.h"
#include "involve-record.h"
#include "involve-store.h"

G_BEGIN_DECLS

/* A record's history, read-only: its versions, its audit trail in this
 * register and the trails kept from the registers it was imported from.
 * Activating an earlier version's row emits ::open-version (guint version)
 * for the caller to show that version, read-only. */
#define INVOLVE_TYPE_HISTORY_WINDOW (involve_history_window_get_type ())
G_DECLARE_FINAL_TYPE (InvolveHistoryWindow, involve_history_window, INVOLVE, HISTORY_WINDOW, AdwWindow)

GtkWidget *involve_history_window_new (GtkWindow           *parent,
                                       InvolveStore        *store,
                                       InvolveDefinitions  *definitions,
                                       InvolveRecord       *record,
                                       GError             **error);

G_END_DECLS
