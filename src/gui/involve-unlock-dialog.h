/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "involve-identity.h"
#include "involve-store.h"

G_BEGIN_DECLS

/*
 * Asking for the acting person's key when a signed act needs it.
 *
 * involve_unlock_identity_async () finishes at once when @store holds an
 * identity already (unlocked earlier in the session).  Otherwise it asks for
 * the passphrase of the key file (involve_identity_dup_default_path ()) in a
 * modal dialog over @parent, saying why (@reason); a wrong passphrase is
 * shown in the dialog and may be tried again.  With no key file it offers to
 * create one.  On success the identity is set on @store, which keeps it for
 * the session.  Cancel fails with G_IO_ERROR_CANCELLED: the act is not
 * done, and nothing typed elsewhere is lost.
 */

#define INVOLVE_TYPE_UNLOCK_DIALOG (involve_unlock_dialog_get_type ())
G_DECLARE_FINAL_TYPE (InvolveUnlockDialog, involve_unlock_dialog, INVOLVE, UNLOCK_DIALOG, AdwWindow)

void             involve_unlock_identity_async   (GtkWindow            *parent,
                                                  InvolveStore         *store,
                                                  GSettings            *settings,
                                                  const char           *reason,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
InvolveIdentity *involve_unlock_identity_finish  (GAsyncResult         *result,
                                                  GError              **error);

/* For tests: the parts a person uses. */
GtkWidget       *_involve_unlock_dialog_get_passphrase_row (InvolveUnlockDialog *self);
GtkWidget       *_involve_unlock_dialog_get_unlock_button  (InvolveUnlockDialog *self);
GtkWidget       *_involve_unlock_dialog_get_cancel_button  (InvolveUnlockDialog *self);
GtkWidget       *_involve_unlock_dialog_get_error_label    (InvolveUnlockDialog *self);

G_END_DECLS
