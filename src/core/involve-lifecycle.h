/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "involve-record.h"

G_BEGIN_DECLS

/*
 * The life cycle of a record version (DESIGN.md, "Life cycle"):
 *
 *   draft ──submit──▶ awaiting-sign-off ──sign-off──▶ signed-off (locked)
 *     ▲  ◀──recall───┘        │                           │
 *     │                       └──return──▶ returned       amend (reason):
 *     └───────reopen────────────────────────┘  │          version N+1 is a new draft;
 *                      returned ──submit──▶ awaiting      N becomes superseded once
 *                                                         N+1 is signed off
 *   draft | awaiting-sign-off | returned ──withdraw (reason)──▶ withdrawn
 *
 * Values can be edited only in draft and returned versions.  Signed-off,
 * superseded and withdrawn are final: nothing leaves them except that an
 * amendment (which creates a new version) supersedes a signed-off one.
 */

typedef enum
{
  INVOLVE_TRANSITION_SUBMIT,     /* draft | returned -> awaiting-sign-off */
  INVOLVE_TRANSITION_RECALL,     /* awaiting-sign-off -> draft (the officer takes it back) */
  INVOLVE_TRANSITION_SIGN_OFF,   /* awaiting-sign-off -> signed-off */
  INVOLVE_TRANSITION_RETURN,     /* awaiting-sign-off -> returned (with comments) */
  INVOLVE_TRANSITION_REOPEN,     /* returned -> draft */
  INVOLVE_TRANSITION_AMEND,      /* signed-off -> (new version, draft); needs a reason */
  INVOLVE_TRANSITION_SUPERSEDE,  /* signed-off -> superseded, when the amendment is signed off */
  INVOLVE_TRANSITION_WITHDRAW,   /* draft | awaiting-sign-off | returned -> withdrawn; needs a reason */
} InvolveTransition;

#define INVOLVE_N_TRANSITIONS (INVOLVE_TRANSITION_WITHDRAW + 1)

#define INVOLVE_LIFECYCLE_ERROR (involve_lifecycle_error_quark ())
typedef enum
{
  INVOLVE_LIFECYCLE_ERROR_INVALID_TRANSITION, /* not allowed from this status */
  INVOLVE_LIFECYCLE_ERROR_REASON_REQUIRED,    /* amend and withdraw need a reason */
  INVOLVE_LIFECYCLE_ERROR_SAME_PERSON,        /* the reviewer is the completer */
  INVOLVE_LIFECYCLE_ERROR_REVIEWER_REQUIRED,  /* sign-off / return without a reviewer name */
} InvolveLifecycleError;
GQuark       involve_lifecycle_error_quark     (void);

const char  *involve_transition_to_string      (InvolveTransition  transition);
gboolean     involve_transition_from_string    (const char        *string,
                                                InvolveTransition *transition);
/* The verb for buttons and messages, translated: "Submit for sign-off". */
const char  *involve_transition_get_label      (InvolveTransition  transition);

/* draft and returned. */
gboolean     involve_status_is_editable        (InvolveStatus      status);
/* signed-off, superseded and withdrawn. */
gboolean     involve_status_is_final           (InvolveStatus      status);
/* signed-off and superseded: the values may never change again. */
gboolean     involve_status_is_locked          (InvolveStatus      status);

/*
 * Checks one transition.  On success stores the status the version moves to
 * in @to (for AMEND: the status of the *new* version, draft).  @reason is
 * the amendment or withdrawal reason (or return comments); it is required
 * for AMEND and WITHDRAW and must hold more than white space.  Otherwise
 * sets @error (INVOLVE_LIFECYCLE_ERROR) with a message a person can act on.
 */
gboolean     involve_lifecycle_apply           (InvolveStatus      from,
                                                InvolveTransition  transition,
                                                const char        *reason,
                                                InvolveStatus     *to,
                                                GError           **error);
gboolean     involve_lifecycle_can_apply       (InvolveStatus      from,
                                                InvolveTransition  transition);

/*
 * The reviewer must be a different person from the completer.  Compares
 * @sign_off's reviewer name and e-mail address with the record's
 * completer-name and completer-email fields (case, accents of composition
 * and runs of white space ignored).  A NULL or blank reviewer name is refused
 * (INVOLVE_LIFECYCLE_ERROR_REVIEWER_REQUIRED).  The store adds the check of
 * the acting OS account and profile on top of this.
 */
gboolean     involve_lifecycle_check_reviewer  (InvolveRecord        *record,
                                                const InvolveSignOff *sign_off,
                                                GError              **error);

/* Normalised form used for the comparisons above: NFKC, case-folded,
 * white space collapsed and trimmed.  NULL for NULL. */
char        *involve_identity_normalise        (const char        *name);

G_END_DECLS
