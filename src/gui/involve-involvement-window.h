/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "involve-record.h"
#include "involve-store.h"
#include "involve-store-involvement.h"

G_BEGIN_DECLS

/*
 * The involvement log of a signed-off record: what was done, what people
 * said, "you said, we did" and evaluations, added and corrected without
 * reopening the signed plan; and the public "you said, we did" PDF.
 */
#define INVOLVE_TYPE_INVOLVEMENT_WINDOW (involve_involvement_window_get_type ())
G_DECLARE_FINAL_TYPE (InvolveInvolvementWindow, involve_involvement_window, INVOLVE, INVOLVEMENT_WINDOW, AdwWindow)

/* NULL with an error (LOCKED) when the record has no signed-off version. */
GtkWidget *involve_involvement_window_new (GtkWindow      *parent,
                                           InvolveStore   *store,
                                           InvolveRecord  *record,
                                           GError        **error);

/* For tests: the form the add / correct buttons open (NULL when none),
 * and writing the public PDF without the file chooser. */
GtkWidget *_involve_involvement_window_get_form   (InvolveInvolvementWindow *self);
gboolean   _involve_involvement_window_export     (InvolveInvolvementWindow *self,
                                                   const char               *path,
                                                   GError                  **error);

G_END_DECLS
