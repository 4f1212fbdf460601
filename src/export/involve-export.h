/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * Things every part of libinvolve-export shares: the error domain, the
 * limits on what is read and the time format.  Audit entries are the
 * register's own InvolveAuditEntry (involve-store.h).
 */

#define INVOLVE_EXPORT_ERROR (involve_export_error_quark ())
typedef enum
{
  INVOLVE_EXPORT_ERROR_FAILED,      /* drawing or writing went wrong */
  INVOLVE_EXPORT_ERROR_IO,          /* the file could not be read or written */
  INVOLVE_EXPORT_ERROR_HOSTILE,     /* DTD, entities, too deep, too big, not UTF-8 */
  INVOLVE_EXPORT_ERROR_MALFORMED,   /* not well-formed XML */
  INVOLVE_EXPORT_ERROR_INVALID,     /* breaks the schema or a rule it cannot say */
  INVOLVE_EXPORT_ERROR_FINGERPRINT, /* a fingerprint does not match its content */
  INVOLVE_EXPORT_ERROR_DUPLICATE,   /* already in the register, nothing to do */
  INVOLVE_EXPORT_ERROR_CONFLICT,    /* would overwrite a signed-off version */
  INVOLVE_EXPORT_ERROR_NOT_FOUND,
} InvolveExportError;
GQuark involve_export_error_quark (void);

/* Files larger than this are refused before they are parsed. */
#define INVOLVE_EXPORT_MAX_FILE_SIZE   (64 * 1024 * 1024)
/* Elements nested deeper than this are refused. */
#define INVOLVE_EXPORT_MAX_DEPTH       32
/* Checked while reading, before any tree is built (involve-xml-limits.c).
 * Involve's own files average over 40 bytes an element, so one within the
 * size limit holds fewer elements than this; a 100,000-word answer is
 * well under 1 MiB of text. */
#define INVOLVE_EXPORT_MAX_ELEMENTS    2000000
#define INVOLVE_EXPORT_MAX_ATTRIBUTES  32
#define INVOLVE_EXPORT_MAX_TEXT_LENGTH (8 * 1024 * 1024)

/* ISO 8601 UTC with microseconds, "2026-11-22T06:41:08.123456Z". */
char            *involve_export_format_usec  (gint64                  usec);
gboolean         involve_export_parse_usec   (const char             *text,
                                              gint64                 *usec);

G_END_DECLS
