/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-store.h"

G_BEGIN_DECLS

/*
 * Who last changed one answer and what it says now: what a caller shows
 * beside the person's own text after involve_store_set_value () refused
 * to save over someone else's (INVOLVE_STORE_ERROR_CONFLICT).
 */
typedef struct
{
  char     *field_id;
  guint     version;     /* the record's latest version */
  GVariant *value;       /* the stored answer now; NULL: none (cleared) */
  gint64    time_usec;   /* when it was last changed (the register's UTC time); 0: unknown */
  char     *account;     /* by whom: the login on a server, the account on a file; NULL: unknown */
  char     *profile;     /* the profile name they worked under, or NULL */
} InvolveFieldChange;

void                involve_field_change_free       (InvolveFieldChange *change);
/* Who, as people read it: "profile (account)", or the account alone. */
char               *involve_field_change_dup_who    (const InvolveFieldChange *change);
/* When, in local time: "14:32" today, else "14:32 on 3 December 2026". */
char               *involve_field_change_dup_when   (const InvolveFieldChange *change);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveFieldChange, involve_field_change_free)

/* The answer to @field_id in the latest version of @uuid as the register
 * holds it, and the audit entry that last wrote it (unknown for an answer
 * that came in with an imported record).  NOT_FOUND for no such record. */
InvolveFieldChange *involve_store_dup_field_change  (InvolveStore  *self,
                                                     const char    *uuid,
                                                     const char    *field_id,
                                                     GError       **error);

G_END_DECLS
