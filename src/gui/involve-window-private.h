/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-register-model.h"
#include "involve-signoff.h"
#include "involve-window.h"
#include "involve-wizard.h"

G_BEGIN_DECLS

/* For tests. */
InvolveWizard        *_involve_window_get_wizard       (InvolveWindow *self);
InvolveRegisterModel *_involve_window_get_model        (InvolveWindow *self);
GtkWidget            *_involve_window_get_search_entry (InvolveWindow *self);
GtkWidget            *_involve_window_get_list_stack   (InvolveWindow *self);
GtkWidget            *_involve_window_get_main_stack   (InvolveWindow *self);
GtkWidget            *_involve_window_get_status_filter (InvolveWindow *self);
GtkWidget            *_involve_window_get_column_view  (InvolveWindow *self);
/* A GtkDropDown of GtkStringObject: "All organisations", then each name. */
GtkWidget            *_involve_window_get_organisation_filter (InvolveWindow *self);
/* Applies the search entry now instead of after its delay. */
void                  _involve_window_apply_filters    (InvolveWindow *self);
/* Sign-off by file, without the file choosers: a reviewer opens a request
 * (shown read-only in the wizard), and the officer imports a response. */
gboolean              _involve_window_open_request_file (InvolveWindow *self,
                                                         const char    *path);
gboolean              _involve_window_apply_response_file (InvolveWindow *self,
                                                           const char    *path);
/* Writes the evidence PDF of every listed record into @directory, in a
 * worker thread, with a progress dialog that can cancel it. */
void                  _involve_window_export_listed    (InvolveWindow *self,
                                                        const char    *directory);
/* Imports records from an exchange (XML) file. */
gboolean              _involve_window_import_xml_file  (InvolveWindow *self,
                                                        const char    *path);

G_END_DECLS
