/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "involve-definitions.h"
#include "involve-record.h"
#include "involve-signoff.h"
#include "involve-store.h"

G_BEGIN_DECLS

/* Evidence PDF (full or public), XML, printing and sign-off requests for the
 * record a wizard shows.  @action_name is the wizard action that asked:
 * "wizard.export-pdf", "wizard.export-public-pdf", "wizard.export-xml",
 * "wizard.print" or "wizard.export-request".  With @request (a reviewer's
 * sign-off request file, whose record is not in @store), the evidence PDF
 * and printing are made from the request's version; @record is ignored. */
void      _involve_wizard_export          (GtkWidget                   *wizard,
                                           InvolveStore                *store,
                                           InvolveDefinitions          *definitions,
                                           GSettings                   *settings,
                                           InvolveRecord               *record,
                                           const InvolveSignOffRequest *request,
                                           const char                  *action_name);
/* The same without the file chooser or print dialog, for tests: writes
 * @path ("wizard.print" prints to a PDF file there). */
gboolean  _involve_wizard_export_to_file  (GtkWidget                   *wizard,
                                           InvolveStore                *store,
                                           InvolveDefinitions          *definitions,
                                           InvolveRecord               *record,
                                           const InvolveSignOffRequest *request,
                                           const char                  *action_name,
                                           const char                  *path,
                                           GError                     **error);

G_END_DECLS
