/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "involve-pdf-update.h"

G_BEGIN_DECLS

/*
 * The register head (docs/heads.md) in an evidence PDF's document
 * information, as the custom key /InvolveHead.  cairo 1.16 cannot write
 * custom keys, so it goes in an incremental update (a new revision of
 * the information dictionary in @update), before the PDF is signed.
 * FALSE, with @update unchanged, when @pdf has no information
 * dictionary, has a head already, or @head is not printable ASCII.
 */
gboolean  _involve_pdf_add_register_head  (InvolvePdfUpdate     *update,
                                           const InvolvePdf     *pdf,
                                           const InvolvePdfXref *xref,
                                           const char           *head);
/* The last /InvolveHead of @data, or NULL when there is none. */
char     *_involve_pdf_find_register_head (GBytes               *data);

G_END_DECLS
