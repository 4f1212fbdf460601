/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libxml/tree.h>

#include "involve-xml.h"

G_BEGIN_DECLS

/* Shared by the exchange format and the sign-off files. */

/* A <version> element for one record version, its fingerprint attached. */
gboolean       _involve_exchange_add_version      (xmlNodePtr      parent,
                                              xmlNsPtr        ns,
                                              InvolveRecord  *version,
                                              const char     *fingerprint,
                                              GError        **error);
/* Reads a <version> element into a record with the given identity. */
InvolveRecord *_involve_exchange_read_version     (xmlNodePtr      node,
                                              const char     *uuid,
                                              const char     *reference,
                                              const char     *framework_id,
                                              char          **fingerprint,
                                              GError        **error);
void           _involve_exchange_add_sign_off     (xmlNodePtr      parent,
                                              xmlNsPtr        ns,
                                              const InvolveSignOff *sign_off);
InvolveSignOff *_involve_exchange_read_sign_off   (xmlNodePtr      node,
                                              GError        **error);

/*
 * Parses bytes with every defence on and validates them against the
 * exchange schema.  Returns the document or NULL with @error set.
 */
xmlDocPtr      _involve_exchange_parse_safely     (GBytes         *data,
                                              const char     *name,
                                              GError        **error);
/* The streaming pass before the parse: depth, element count, attributes,
 * text length and size checked as it reads (involve-xml-limits.c).
 * FALSE with INVOLVE_EXPORT_ERROR_HOSTILE when a limit is broken; a file
 * that is not well-formed passes, for the parse to say where. */
gboolean       _involve_exchange_check_limits     (const char     *bytes,
                                              gsize           length,
                                              const char     *name,
                                              GError        **error);
/* Validates a document against the exchange schema. */
gboolean       _involve_exchange_validate         (xmlDocPtr       doc,
                                              const char     *name,
                                              GError        **error);
/* Validates and dumps a document as UTF-8. */
GBytes        *_involve_exchange_dump             (xmlDocPtr       doc,
                                              GError        **error);

/* Helpers: the first element child named @name, an attribute as a string. */
xmlNodePtr     _involve_exchange_child            (xmlNodePtr      node,
                                              const char     *name);
xmlNodePtr     _involve_exchange_next             (xmlNodePtr      node,
                                              const char     *name);
char          *_involve_exchange_prop             (xmlNodePtr      node,
                                              const char     *name);
char          *_involve_exchange_text             (xmlNodePtr      node);
gboolean       _involve_exchange_text_is_valid    (const char     *text);

G_END_DECLS
