/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-field-editor.h"
#include "involve-wizard.h"

G_BEGIN_DECLS

/* For tests: what the wizard shows. */
GtkWidget *_involve_wizard_get_editor          (InvolveWizard *self,
                                                const char    *field_id);
GtkWidget *_involve_wizard_get_outcome_label   (InvolveWizard *self);
GtkWidget *_involve_wizard_get_outcome_detail  (InvolveWizard *self);
GtkWidget *_involve_wizard_get_page_stack      (InvolveWizard *self);
GtkWidget *_involve_wizard_get_step_row        (InvolveWizard *self,
                                                guint          step);
const char *_involve_wizard_get_step_status    (InvolveWizard *self,
                                                guint          step);
GtkWidget *_involve_wizard_get_problem_list    (InvolveWizard *self);
GtkWidget *_involve_wizard_get_submit_button   (InvolveWizard *self);
GtkWidget *_involve_wizard_get_banner_revealer (InvolveWizard *self);
GtkWidget *_involve_wizard_get_banner_label    (InvolveWizard *self);
/* The banner saying another client changed the record, and its button. */
GtkWidget *_involve_wizard_get_changed_revealer (InvolveWizard *self);
GtkWidget *_involve_wizard_get_changed_label   (InvolveWizard *self);
GtkWidget *_involve_wizard_get_changed_button  (InvolveWizard *self);
GtkWidget *_involve_wizard_get_error_label     (InvolveWizard *self);
GtkWidget *_involve_wizard_get_error_revealer  (InvolveWizard *self);
GtkWidget *_involve_wizard_get_saved_label     (InvolveWizard *self);
GtkWidget *_involve_wizard_get_sign_off_button (InvolveWizard *self);
GtkWidget *_involve_wizard_get_amend_button    (InvolveWizard *self);
/* The dialog open now (sign off, return, amend, withdraw), or NULL.  Its
 * text view is its "text-view" data. */
GtkWidget *_involve_wizard_get_dialog          (InvolveWizard *self);
/* The reviewer's response to the request shown (involve_wizard_set_request ()),
 * with the profile's identity, written to @path without the file chooser. */
gboolean   _involve_wizard_write_response      (InvolveWizard *self,
                                                const char    *decision,
                                                const char    *comments,
                                                const char    *path,
                                                GError       **error);

/* What the record menu's export actions ("wizard.export-pdf",
 * "wizard.export-public-pdf", "wizard.print", ...) do, to @path without
 * the file chooser; printing writes a PDF through the print operation. */
gboolean   _involve_wizard_export_file         (InvolveWizard *self,
                                                const char    *action_name,
                                                const char    *path,
                                                GError       **error);

G_END_DECLS
