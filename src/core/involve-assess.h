/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "involve-definitions.h"
#include "involve-record.h"

G_BEGIN_DECLS

/*
 * The three-step test of NHS England's guidance (seed 004, "A process for
 * assessing the benefits of participation and whether the legal duty to
 * involve applies"), as a pure function from the answers to an outcome:
 *
 *   1. Does the activity relate to commissioning responsibilities?
 *   2. What type of activity is it (planning, proposal for change,
 *      operational decision; several at once)?
 *   3. Would there be an impact on the manner in which services are
 *      delivered or on the range of services?  (Not asked for planning.)
 *
 * The limbs and their citations come from the pinned InvolveFramework, so a
 * 2019 CCG record keeps citing section 14Z2 whatever the date today.
 */

#define INVOLVE_ASSESS_ERROR (involve_assess_error_quark ())
typedef enum
{
  INVOLVE_ASSESS_ERROR_INCOMPLETE,    /* an answer the test needs is missing */
  INVOLVE_ASSESS_ERROR_CONTRADICTORY, /* answers that cannot all be true */
  INVOLVE_ASSESS_ERROR_INVALID,       /* an unknown framework, option or limb */
} InvolveAssessError;
GQuark involve_assess_error_quark (void);

typedef enum /*< flags >*/
{
  INVOLVE_ACTIVITY_NONE        = 0,
  INVOLVE_ACTIVITY_PLANNING    = 1 << 0, /* limb (a) */
  INVOLVE_ACTIVITY_PROPOSAL    = 1 << 1, /* limb (b) */
  INVOLVE_ACTIVITY_OPERATIONAL = 1 << 2, /* limb (c) */
} InvolveActivity;

#define INVOLVE_ACTIVITY_ALL (INVOLVE_ACTIVITY_PLANNING | INVOLVE_ACTIVITY_PROPOSAL | INVOLVE_ACTIVITY_OPERATIONAL)

/* "planning", "proposal", "operational" (the option ids of step2-activity-types). */
const char *involve_activity_to_string      (InvolveActivity  activity);
/* Parses "planning,operational" (commas, spaces allowed); FALSE on an unknown name. */
gboolean    involve_activity_parse          (const char      *string,
                                             InvolveActivity *activities,
                                             GError         **error);

/* The primary care co-commissioning models (seed 004, table near the end). */
typedef enum
{
  INVOLVE_CO_COMMISSIONING_NONE,
  INVOLVE_CO_COMMISSIONING_SEAT_AT_TABLE,   /* model 1 */
  INVOLVE_CO_COMMISSIONING_JOINT_COMMITTEE, /* model 2 */
  INVOLVE_CO_COMMISSIONING_DELEGATED,       /* model 3 */
  INVOLVE_CO_COMMISSIONING_DEVOLVED,        /* model 4 */
} InvolveCoCommissioning;

#define INVOLVE_N_CO_COMMISSIONING (INVOLVE_CO_COMMISSIONING_DEVOLVED + 1)

/* "none", "seat-at-table", "joint-committee", "delegated", "devolved". */
const char *involve_co_commissioning_to_string   (InvolveCoCommissioning  model);
gboolean    involve_co_commissioning_from_string (const char             *string,
                                                  InvolveCoCommissioning *model);

/*
 * The answers.  Zero-initialise (InvolveAssessInput input = { 0 };) and fill
 * in what is known: UNKNOWN answers and FALSE flags mean "not answered" and
 * "no" respectively.
 */
typedef struct
{
  const InvolveFramework *framework;          /* required; borrowed */
  /* Optional: NHS England's framework, to cite section 13Q in
   * co-commissioning notes when the record's framework is a CCG's or ICB's. */
  const InvolveFramework *nhs_england_framework;

  InvolveAnswer           commissioning;      /* step 1 */
  InvolveActivity         activities;         /* step 2 */
  InvolveAnswer           impact_delivery;    /* step 3: manner of delivery */
  InvolveAnswer           impact_range;       /* step 3: range of services */

  gboolean                urgent;
  gboolean                special_administrator;
  InvolveCoCommissioning  co_commissioning;

  /* Circumstances that weigh on the beneficial-involvement judgement and notes. */
  gboolean                significant_public_interest;
  gboolean                promise_to_consult;
  gboolean                precedent_to_consult;
  gboolean                scrutiny_substantial_variation;
  gboolean                notifiable_reconfiguration;

  /* The date the assessment is made, YYYY-MM-DD: picks the guidance edition
   * in force then and notes a duty that was not in force.  Empty: today's
   * guidance, no check.  involve_assess_input_from_record () uses the
   * record's creation date (UTC). */
  char                    assessed_on[11];
} InvolveAssessInput;

typedef enum
{
  INVOLVE_OUTCOME_APPLIES,
  INVOLVE_OUTCOME_DOES_NOT_APPLY,
} InvolveOutcome;

/* "applies", "does-not-apply"; FALSE for anything else. */
const char *involve_outcome_to_string   (InvolveOutcome  outcome);
gboolean    involve_outcome_from_string (const char     *string,
                                         InvolveOutcome *outcome);

/* Why the duty does not apply (NONE when it applies). */
typedef enum
{
  INVOLVE_NOT_APPLYING_NONE,
  INVOLVE_NOT_APPLYING_NOT_COMMISSIONING,     /* step 1 answered no (or model 1 for a CCG/ICB) */
  INVOLVE_NOT_APPLYING_NO_IMPACT,             /* step 3 answered no for every proposal/decision */
  INVOLVE_NOT_APPLYING_SPECIAL_ADMINISTRATOR, /* trust special administrator exclusion */
} InvolveNotApplying;

/* "", "not-commissioning", "no-impact", "special-administrator". */
const char *involve_not_applying_to_string (InvolveNotApplying kind);

typedef enum
{
  INVOLVE_ASSESS_NOTE_URGENCY,
  INVOLVE_ASSESS_NOTE_CO_COMMISSIONING,
  INVOLVE_ASSESS_NOTE_BENEFICIAL_INVOLVEMENT,
  INVOLVE_ASSESS_NOTE_PROMISE_TO_CONSULT,
  INVOLVE_ASSESS_NOTE_SCRUTINY,
  INVOLVE_ASSESS_NOTE_NOTIFIABLE_RECONFIGURATION,
  INVOLVE_ASSESS_NOTE_NOT_IN_FORCE,   /* the duty was not in force on assessed_on */
} InvolveAssessNoteKind;

typedef struct
{
  InvolveAssessNoteKind  kind;
  char                  *text;   /* translated, plain words */
} InvolveAssessNote;

/* Who should complete the assessment and planning form. */
typedef enum
{
  INVOLVE_FORM_BY_THIS_ORGANISATION, /* no co-commissioning */
  INVOLVE_FORM_BY_NHS_ENGLAND,       /* models 1 and 2 */
  INVOLVE_FORM_BY_LOCAL_COMMISSIONER,/* model 3: the CCG or ICB */
  INVOLVE_FORM_BY_RECEIVING_BODY,    /* model 4: whoever the function was transferred to */
} InvolveFormCompleter;

/*
 * The result.  Immutable once returned; reference counted.  Everything is
 * owned by the assessment (nothing borrowed from the framework).
 */
typedef struct
{
  InvolveOutcome        outcome;
  InvolveNotApplying    not_applying;
  char                 *framework_id;
  char                 *section;         /* "14Z45", from the framework */

  /* Every limb that applies, in order a, b, c, with parallel citations
   * ("section 14Z45(2)(a)").  Empty (never NULL) when the duty does not apply. */
  GStrv                 limb_ids;
  GStrv                 citations;

  GStrv                 reasons;         /* translated sentences, in test order */
  GPtrArray            *notes;           /* InvolveAssessNote* */

  /* Judgements the record must hold. */
  gboolean              beneficial_involvement_needed; /* the duty does not apply */
  gboolean              urgency_justification_needed;  /* urgent was claimed */

  /* Co-commissioning: which bodies' duties are engaged and who writes the form.
   * Without co-commissioning: only this organisation's duty. */
  gboolean              nhs_england_duty_engaged;
  gboolean              local_duty_engaged;            /* the CCG's or ICB's */
  InvolveFormCompleter  form_completer;
  gboolean              liability_transferred;         /* model 4 */

  /* The statutory guidance the organisation must have regard to, as in
   * force on the input's assessed_on date (or the current one). */
  char                 *guidance_title;
  char                 *guidance_edition;                /* "2017", "2022" */
} InvolveAssessment;

#define INVOLVE_TYPE_ASSESSMENT (involve_assessment_get_type ())
GType              involve_assessment_get_type (void) G_GNUC_CONST;
InvolveAssessment *involve_assessment_ref      (InvolveAssessment *assessment);
void               involve_assessment_unref    (InvolveAssessment *assessment);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveAssessment, involve_assessment_unref)

/*
 * Whether the answers are complete and consistent, without running the
 * test.  On failure, *field_id (when not NULL) is the three-step-test
 * field the message is about ("step3-impact-range"), for the wizard and
 * validation to point at.
 */
gboolean           involve_assess_input_check              (const InvolveAssessInput *input,
                                                            const char              **field_id,
                                                            GError                  **error);

/* Runs the test.  NULL with INVOLVE_ASSESS_ERROR_* when an answer is
 * missing or contradicts another; the message says which. */
InvolveAssessment *involve_assess                          (const InvolveAssessInput *input,
                                                            GError                  **error);

const char        *involve_assessment_get_outcome_string   (const InvolveAssessment  *assessment);
/* "section 14Z45(2)(a), section 14Z45(2)(c)" or NULL when none apply. */
char              *involve_assessment_dup_citations_string (const InvolveAssessment  *assessment);
gboolean           involve_assessment_has_limb             (const InvolveAssessment  *assessment,
                                                            const char               *limb_id);
const InvolveAssessNote *involve_assessment_find_note      (const InvolveAssessment  *assessment,
                                                            InvolveAssessNoteKind     kind);

/*
 * Reads the three-step test's answers from a record (field ids of the form
 * "three-step-test", see the team brief) and its pinned framework from defs.
 * Answers to questions that are not asked (step 2 when step 1 is "no") are
 * ignored.  Fails with INVOLVE_ASSESS_ERROR_INVALID for an unknown framework
 * or option id.  The input borrows frameworks from defs.
 */
gboolean           involve_assess_input_from_record        (InvolveRecord            *record,
                                                            InvolveDefinitions       *defs,
                                                            InvolveAssessInput       *input,
                                                            GError                  **error);
/* involve_assess_input_from_record () then involve_assess (). */
InvolveAssessment *involve_assess_record                   (InvolveRecord            *record,
                                                            InvolveDefinitions       *defs,
                                                            GError                  **error);

G_END_DECLS
