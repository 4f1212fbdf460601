/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-store.h"
#include "involve-store-anchors.h"

G_BEGIN_DECLS

/*
 * The register head every export carries (docs/heads.md), read back from
 * any of them: an evidence PDF (/InvolveHead), an exchange file or a
 * sign-off file (<register-head>), a backup (its meta table).
 */

/* INVOLVE_EXPORT_ERROR_NOT_FOUND when the file carries none. */
InvolveHead *involve_export_read_head      (const char    *path,
                                            GError       **error);
/*
 * `verify --against FILE`: the head @path carries must still be in
 * @store (involve_store_check_head ()).  @report (may be NULL) receives
 * what was proved.
 */
gboolean     involve_export_check_against  (InvolveStore  *store,
                                            const char    *path,
                                            char         **report,
                                            GError       **error);

/* For the exports: the store's head as the files carry it, and the line
 * people read (may be NULL). */
char        *_involve_export_dup_head_text (InvolveStore  *store,
                                            char         **description,
                                            GError       **error);
/* For the imports: a head read from @source (may be NULL: nothing to do).
 * This register's own must still be in it; another's is remembered. */
gboolean     _involve_export_note_head     (InvolveStore      *store,
                                            const InvolveHead *head,
                                            const char        *source,
                                            GError           **error);
/* The same for the text of a head (may be NULL). */
gboolean     _involve_export_note_head_text (InvolveStore *store,
                                             const char   *head_text,
                                             const char   *source,
                                             GError      **error);

G_END_DECLS
