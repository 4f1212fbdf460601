/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "involve-definitions.h"
#include "involve-store.h"

G_BEGIN_DECLS

/*
 * The audit trail as a reader of the evidence PDF needs it: field labels
 * instead of ids, stored values (GVariant text) as words, and the many
 * entries that typing into one field writes folded into one row.
 */

/* Entries of one person on one field further apart than this start a new row. */
#define INVOLVE_AUDIT_SESSION_GAP_USEC (10 * G_TIME_SPAN_MINUTE)

typedef struct
{
  gint64  first_id;      /* the entries the row stands for: first_id..last_id */
  gint64  last_id;
  gint64  first_usec;
  gint64  last_usec;
  guint   n_entries;
  guint   version;       /* 0 when not about one version */
  char   *kind;          /* INVOLVE_AUDIT_* */
  char   *field_id;      /* value changes only, else NULL */
  char   *actor;         /* "account (profile)" */
  char   *what;          /* e.g. "Changed “Location”", "Signed off" */
  char   *old_text;      /* value changes: the value before the first entry, as words */
  char   *new_text;      /* value changes: the value after the last entry, as words */
  char   *details;       /* other entries: their details, statuses as words; may be NULL */
} InvolveAuditRow;

void             involve_audit_row_free      (InvolveAuditRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveAuditRow, involve_audit_row_free)

/*
 * A stored value as words: choice labels, "Yes"/"No", dates as "14 February
 * 2023", a table a row a line.  @field may be NULL (a field the definitions
 * no longer know); @stored NULL or empty is "(empty)".  Never shortens.
 */
char            *involve_audit_format_value  (InvolveDefinitions      *definitions,
                                              const InvolveField      *field,
                                              const char              *stored);

/* What an entry did, in words, naming the field's label (@field may be NULL). */
char            *involve_audit_describe      (const InvolveAuditEntry *entry,
                                              const InvolveField      *field);
/*
 * An entry's details in words: a status change as "Draft → Awaiting
 * sign-off: reason", a record's creation with its duty named; others as
 * stored.  NULL when there are none.
 */
char            *involve_audit_dup_details   (InvolveDefinitions      *definitions,
                                              const InvolveAuditEntry *entry);
/* Who acted: "account (profile)", or the account alone. */
char            *involve_audit_dup_actor     (const InvolveAuditEntry *entry);

/*
 * Folds @entries (InvolveAuditEntry*, oldest first) into rows: consecutive
 * value entries by the same person on the same field and version, none more
 * than @session_gap_usec after the one before, become one row from the first
 * entry's old value to the last one's new value.  Every other entry is a row
 * of its own.  Returns InvolveAuditRow*.
 */
GPtrArray       *involve_audit_fold          (InvolveDefinitions      *definitions,
                                              GPtrArray               *entries,
                                              gint64                   session_gap_usec);

G_END_DECLS
