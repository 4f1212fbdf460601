/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-store.h"

G_BEGIN_DECLS

/*
 * The involvement log of a signed-off record: what involvement actually
 * happened (activities), what people said (anonymised feedback themes),
 * what changed because of it ("you said, we did") and whether it worked
 * (evaluations).  It is kept beside the signed plan, never in it, so
 * logging does not reopen the signed version.
 *
 * Entries are evidence: each is written with an audit entry (kind
 * INVOLVE_AUDIT_INVOLVEMENT, field_id the entry kind, new value the
 * entry's canonical text) in the same transaction, and is never changed.
 * A correction is a new entry that supersedes an earlier one of the same
 * kind and record (each at most once), with a reason; a retraction is a
 * correction that withdraws the entry.
 */

#define INVOLVE_AUDIT_INVOLVEMENT "involvement"

typedef enum
{
  INVOLVE_LOG_ACTIVITY,     /* an involvement activity that took place */
  INVOLVE_LOG_FEEDBACK,     /* a theme of what people said */
  INVOLVE_LOG_RESPONSE,     /* "you said, we did" */
  INVOLVE_LOG_EVALUATION,   /* the impact of the change, assessed later */
} InvolveLogKind;

/* "activity", "feedback", "response", "evaluation". */
const char *involve_log_kind_to_string   (InvolveLogKind  kind);
gboolean    involve_log_kind_from_string (const char     *text,
                                          InvolveLogKind *kind);

/* Reference lists an activity's reach is counted against. */
#define INVOLVE_LOG_LIST_GROUPS          "seldom-heard-groups"
#define INVOLVE_LOG_LIST_CHARACTERISTICS "protected-characteristics"
#define INVOLVE_LOG_LIST_PARTNERS        "partner-types"
#define INVOLVE_LOG_LIST_METHODS         "engagement-methods"

typedef struct
{
  gint64          id;               /* set by the store; unique within the kind */
  InvolveLogKind  kind;
  char           *record_uuid;
  guint           version;          /* set by the store: the signed-off version it follows */
  gint64          audit_id;         /* set by the store */
  gint64          time_usec;        /* set by the store: when it was logged */
  char           *account;          /* set by the store */
  gint64          supersedes;       /* 0, or the id of the entry (same kind) this corrects */
  gboolean        retracted;        /* with supersedes: withdraws that entry */
  char           *correction;       /* why, required with supersedes */
  gint64          superseded_by;    /* read back: 0, or the entry that corrects this one */

  /* INVOLVE_LOG_ACTIVITY */
  char           *method;           /* engagement-methods item id (required) */
  char           *description;      /* what was done (required) */
  char           *start_date;       /* YYYY-MM-DD (required) */
  char           *end_date;         /* YYYY-MM-DD, or NULL (one day) */
  gint64          reach;            /* people reached, >= 0 */
  GStrv           groups;           /* seldom-heard-groups item ids */
  GStrv           characteristics;  /* protected-characteristics item ids */
  GStrv           partner_types;    /* partner-types item ids */
  char           *partners;         /* the partners' names, free text */
  char           *documents;        /* documents, one a line */

  /* INVOLVE_LOG_FEEDBACK */
  gint64          activity_id;      /* 0, or the activity it came from */
  char           *theme;            /* required */
  char           *summary;          /* anonymised: no e-mail addresses or phone numbers */
  gint64          responses;        /* how many said it, >= 0 */

  /* INVOLVE_LOG_RESPONSE */
  gint64          feedback_id;      /* 0, or the theme it answers */
  char           *you_said;         /* required, anonymised */
  char           *we_did;          /* required */
  char           *not_taken_reason; /* why an option people supported was not taken, or NULL */

  /* INVOLVE_LOG_EVALUATION */
  gint64          response_id;      /* 0, or the change it evaluates */
  char           *evaluated_on;     /* YYYY-MM-DD (required) */
  char           *impact;           /* required */
} InvolveLogEntry;

#define INVOLVE_TYPE_LOG_ENTRY (involve_log_entry_get_type ())
GType            involve_log_entry_get_type (void) G_GNUC_CONST;
InvolveLogEntry *involve_log_entry_new      (InvolveLogKind         kind,
                                             const char            *record_uuid);
InvolveLogEntry *involve_log_entry_copy     (const InvolveLogEntry *entry);
void             involve_log_entry_free     (InvolveLogEntry       *entry);
/* The canonical text the audit entry holds: a GVariant a{sv} in text form
 * of the fields that belong to the kind. */
char            *involve_log_entry_to_text  (const InvolveLogEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveLogEntry, involve_log_entry_free)

/*
 * Checks @entry without writing: required fields, dates, counts, the ids
 * of the reference lists, the text of feedback and "you said" being free
 * of e-mail addresses and phone numbers (it is published).  FALSE with
 * INVOLVE_STORE_ERROR_INVALID and a message saying what to fix.
 */
gboolean         involve_log_entry_check    (const InvolveLogEntry *entry,
                                             GError               **error);

/*
 * Writes @entry to the log of its record: the one function every
 * involvement log write goes through (signing will be added here).  The
 * record must have a signed-off version (LOCKED otherwise, or when it is
 * withdrawn); supersedes, activity_id, feedback_id and response_id must
 * name entries of the same record (NOT_FOUND / INVALID), a superseded
 * entry cannot be superseded again (EXISTS).  On success fills in id,
 * version, audit_id, time_usec and account of @entry.
 */
gboolean         involve_store_add_log_entry (InvolveStore    *self,
                                              InvolveLogEntry *entry,
                                              GError         **error);

/* InvolveLogEntry* of @uuid of @kind, oldest first, superseded ones
 * included (with superseded_by set).  @as_of_entry > 0 reads the log as
 * it stood at that audit entry. */
GPtrArray       *involve_store_list_log_entries (InvolveStore   *self,
                                                 const char     *uuid,
                                                 InvolveLogKind  kind,
                                                 gint64          as_of_entry,
                                                 GError        **error);

/* The signed-off version involvement follows, or 0 with LOCKED / NOT_FOUND. */
guint            involve_store_get_loggable_version (InvolveStore *self,
                                                     const char   *uuid,
                                                     GError      **error);

G_END_DECLS
