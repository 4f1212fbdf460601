/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The register head (docs/heads.md) in an evidence PDF's document
 * information, as the custom key /InvolveHead.  cairo 1.16 cannot write
 * custom keys, so it goes in an incremental update (a new information
 * dictionary, an xref section and a trailer pointing back), before the
 * PDF is signed.
 */
gboolean  _involve_pdf_add_register_head  (const char  *path,
                                           const char  *head,
                                           GError     **error);
/* The last /InvolveHead of @data, or NULL when there is none. */
char     *_involve_pdf_find_register_head (GBytes      *data);

G_END_DECLS
