/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "involve-definitions.h"
#include "involve-record.h"
#include "involve-store.h"

G_BEGIN_DECLS

/* Evidence PDF (full or public), XML, printing and sign-off requests for the
 * record a wizard shows.  @action_name is the wizard action that asked:
 * "wizard.export-pdf", "wizard.export-public-pdf", "wizard.export-xml",
 * "wizard.print" or "wizard.export-request". */
void      _involve_wizard_export          (GtkWidget          *wizard,
                                           InvolveStore       *store,
                                           InvolveDefinitions *definitions,
                                           GSettings          *settings,
                                           InvolveRecord      *record,
                                           const char         *action_name);

G_END_DECLS
