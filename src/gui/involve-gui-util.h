/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "involve-store.h"

G_BEGIN_DECLS

/* Saves to path; returns NULL when saved, else the message to show (transfer full). */
typedef char *(*InvolveGuiSaveFunc) (gpointer    owner,
                                     const char *path,
                                     gpointer    data);

void involve_gui_save_as (GtkWindow          *owner,
                          AdwToastOverlay    *toasts,
                          const char         *title,
                          const char         *name,
                          InvolveGuiSaveFunc  save,
                          gpointer            data);

/* Whether a server location (involve_db_location_is_server ()) carries a
 * password: user:password@ or ?password= in a URI, a password keyword in
 * a key=value connection string. */
gboolean involve_gui_location_has_password (const char *location);

/* What to say when saving @field_id of @uuid was refused because someone
 * else changed it (INVOLVE_STORE_ERROR_CONFLICT): who, when and what the
 * answer now is, read from @store; @fallback (the store's message) when
 * the register cannot say. */
char    *involve_gui_dup_conflict_message  (InvolveStore *store,
                                            const char   *uuid,
                                            const char   *field_id,
                                            const char   *fallback);

G_END_DECLS
