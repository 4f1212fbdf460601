/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "involve-definitions.h"
#include "involve-record.h"
#include "involve-signoff.h"
#include "involve-store.h"

G_BEGIN_DECLS

/*
 * The wizard for one record: a side list of steps (the three-step test,
 * Appendix B steps 1 to 5, the Appendix C plan, review and submit), pages
 * built from the form definitions, saving as the person types, and the
 * life-cycle actions (submit, sign off, return, amend, withdraw).
 *
 * ::closed: the person asked to go back to the register.
 * ::record-changed: the record was saved or changed state (the register
 * list should refresh).
 */
#define INVOLVE_TYPE_WIZARD (involve_wizard_get_type ())
G_DECLARE_FINAL_TYPE (InvolveWizard, involve_wizard, INVOLVE, WIZARD, GtkWidget)

GtkWidget     *involve_wizard_new            (InvolveStore       *store,
                                              InvolveDefinitions *definitions,
                                              GSettings          *settings);
void           involve_wizard_set_record     (InvolveWizard      *self,
                                              InvolveRecord      *record);
/* Shows the record of a sign-off request file, read-only, for a reviewer
 * whose register does not hold it: signing off or returning writes a
 * response file.  Takes @request. */
void           involve_wizard_set_request    (InvolveWizard      *self,
                                              InvolveSignOffRequest *request);
InvolveRecord *involve_wizard_get_record     (InvolveWizard      *self);
/* Saves edits still waiting for the typing pause.  FALSE if one failed. */
gboolean       involve_wizard_flush          (InvolveWizard      *self);
guint          involve_wizard_get_n_steps    (InvolveWizard      *self);
guint          involve_wizard_get_step       (InvolveWizard      *self);
void           involve_wizard_set_step       (InvolveWizard      *self,
                                              guint               step);
/* Another client of a team register changed records (@uuid, or NULL
 * for any): when the record shown differs from the register's, a banner
 * offers to reload it (after saving typing not saved yet). */
void           involve_wizard_note_changed_elsewhere (InvolveWizard *self,
                                                      const char    *uuid);
gboolean       involve_wizard_get_changed_elsewhere  (InvolveWizard *self);
/* Switches to the step showing @field_id and focuses its input. */
gboolean       involve_wizard_focus_field    (InvolveWizard      *self,
                                              const char         *field_id);

G_END_DECLS
