/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "involve-identity.h"

G_BEGIN_DECLS

/*
 * Making a signing key (name and e-mail from the profile in @settings, key
 * type, passphrase twice with a strength hint), or importing an
 * organisation-issued PKCS#12 file under a new passphrase.  The key is
 * saved to @key_path; a key already there is kept beside it, renamed
 * (identity.pem.replaced-DATE), never lost.  Finishes with the new
 * identity, unlocked, or G_IO_ERROR_CANCELLED.
 */

#define INVOLVE_TYPE_KEY_DIALOG (involve_key_dialog_get_type ())
G_DECLARE_FINAL_TYPE (InvolveKeyDialog, involve_key_dialog, INVOLVE, KEY_DIALOG, AdwWindow)

void             involve_key_dialog_create_async (GtkWindow            *parent,
                                                  GSettings            *settings,
                                                  const char           *key_path,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
void             involve_key_dialog_import_async (GtkWindow            *parent,
                                                  GFile                *pkcs12,
                                                  const char           *key_path,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
InvolveIdentity *involve_key_dialog_finish       (GAsyncResult         *result,
                                                  GError              **error);

/* A hint for people choosing a passphrase; FALSE when it is too weak to
 * accept. */
gboolean         involve_passphrase_check        (const char           *passphrase,
                                                  const char          **hint);

/* For tests: the dialog's rows and buttons. */
GtkWidget       *_involve_key_dialog_get_row     (InvolveKeyDialog     *self,
                                                  const char           *name);
GtkWidget       *_involve_key_dialog_get_ok_button (InvolveKeyDialog   *self);
GtkWidget       *_involve_key_dialog_get_error_label (InvolveKeyDialog *self);

G_END_DECLS
