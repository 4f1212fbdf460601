/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "involve-form.h"
#include "involve-record.h"

G_BEGIN_DECLS

/*
 * One question of a form, built from its definition: the label, the help
 * text, an input suited to the field's type and a line for its problem.
 * The editor shows the record's value and follows it ("value-changed");
 * what the person enters is announced with ::changed, never written to the
 * record directly: the wizard saves it through the store.
 *
 * ::changed (const char *field_id, GVariant *value, gboolean typing):
 * @value may be NULL (cleared); @typing is TRUE for keystrokes that the
 * wizard should save after a short pause, FALSE for choices to save at once.
 * ::focus-left: focus left the editor; pending typing should be saved.
 */
#define INVOLVE_TYPE_FIELD_EDITOR (involve_field_editor_get_type ())
G_DECLARE_FINAL_TYPE (InvolveFieldEditor, involve_field_editor, INVOLVE, FIELD_EDITOR, GtkWidget)

GtkWidget          *involve_field_editor_new          (const InvolveField *field,
                                                       InvolveRecord      *record);
const InvolveField *involve_field_editor_get_field    (InvolveFieldEditor *self);
void                involve_field_editor_set_editable (InvolveFieldEditor *self,
                                                       gboolean            editable);
void                involve_field_editor_set_problem  (InvolveFieldEditor *self,
                                                       const char         *message);
/* Replaces the guidance pointer shown after the help text (the field's
 * own, with the record's framework's citations filled in). */
void                involve_field_editor_set_guidance_ref (InvolveFieldEditor *self,
                                                           const char         *ref);
/* Shows or hides one option of a choice (an answer not open to the record). */
void                involve_field_editor_set_option_visible (InvolveFieldEditor *self,
                                                             const char         *option_id,
                                                             gboolean            visible);
/* Moves the keyboard focus to the input. */
void                involve_field_editor_focus_input  (InvolveFieldEditor *self);
/* The value the editor holds now (NULL when empty). */
GVariant           *involve_field_editor_dup_value    (InvolveFieldEditor *self);
/* The main input widget (a GtkEntry, GtkTextView, ...), for tests. */
GtkWidget          *involve_field_editor_get_input    (InvolveFieldEditor *self);
/* Tests: toggle/check buttons by option id ("yes", "no" for yes/no). */
GtkWidget          *involve_field_editor_get_option_button (InvolveFieldEditor *self,
                                                            const char         *option_id);
/* Tests: the table's "Add row" button; a cell's GtkTextView (rows and
 * columns from 0), and a row's button ("up", "down", "remove"), or NULL. */
GtkWidget          *involve_field_editor_get_add_row_button (InvolveFieldEditor *self);
GtkWidget          *involve_field_editor_get_table_cell     (InvolveFieldEditor *self,
                                                             guint               row,
                                                             guint               column);
GtkWidget          *involve_field_editor_get_table_row_button (InvolveFieldEditor *self,
                                                               guint               row,
                                                               const char         *action);

G_END_DECLS
