/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Writing a document through a temporary file beside @path (so the rename
 * stays on one disk): the old file, if any, stays until the new one is
 * complete, and a failure leaves nothing half-written behind.
 */

/* A new, empty temporary file "PATH.XXXXXX"; NULL with an error on failure. */
char     *_involve_export_make_temp       (const char  *path,
                                           GError     **error);
/* Renames @temp_path to @path; on failure removes @temp_path. */
gboolean  _involve_export_move_into_place (const char  *temp_path,
                                           const char  *path,
                                           GError     **error);

G_END_DECLS
