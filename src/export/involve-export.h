/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * Things every part of libinvolve-export shares: the error domain and the
 * plain view of an audit-trail entry that the evidence PDF prints and the
 * XML exchange format carries.
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

/*
 * One entry of a record's audit trail as the exports see it: the same
 * fields as the register's InvolveAuditEntry (involve-store.h), so that an
 * exported trail can be checked entry by entry.  Values are in GVariant
 * text form, NULL when the field had none.
 */
typedef struct
{
  gint64  id;
  gint64  time_usec;     /* system UTC time */
  char   *account;       /* OS account */
  char   *profile;       /* Involve profile name, or NULL */
  char   *kind;          /* "create", "value", "status", "sign-off", "export", ... */
  char   *record_uuid;
  guint   version;       /* 0 when not about one version */
  char   *field_id;
  char   *old_value;
  char   *new_value;
  char   *details;
  char   *prev_hash;
  char   *hash;
} InvolveAuditView;

#define INVOLVE_TYPE_AUDIT_VIEW (involve_audit_view_get_type ())
GType            involve_audit_view_get_type (void) G_GNUC_CONST;
InvolveAuditView *involve_audit_view_new     (void);
InvolveAuditView *involve_audit_view_copy    (const InvolveAuditView *entry);
void             involve_audit_view_free     (InvolveAuditView       *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveAuditView, involve_audit_view_free)

/* ISO 8601 UTC with microseconds, "2026-11-22T06:41:08.123456Z". */
char            *involve_export_format_usec  (gint64                  usec);
gboolean         involve_export_parse_usec   (const char             *text,
                                              gint64                 *usec);

G_END_DECLS
