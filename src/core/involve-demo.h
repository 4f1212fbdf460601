/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "involve-definitions.h"
#include "involve-record.h"

G_BEGIN_DECLS

/*
 * Sample records for demonstrations, tests and benchmarks.
 *
 * The sample set follows the worked examples of NHS England's guidance
 * (podiatry relocation, administrative office relocation, diabetes
 * commissioning policy, A&E reconfiguration, fracture clinic closure, GP
 * practice closure, GP retirement, GP contract re-award, dental contract
 * terminated on safety grounds) across the three frameworks.  Organisations,
 * people and addresses are invented; e-mail addresses use example.org.
 *
 * involve_demo_build_records () returns the records as they stand when they
 * are first submitted (or, for drafts, as far as the officer has got); the
 * plan at the same index says which life-cycle state each should end in and
 * the decisions that take it there.
 */

/* The state a sample record is taken to. */
typedef enum
{
  INVOLVE_DEMO_END_DRAFT,             /* created and partly filled, never submitted */
  INVOLVE_DEMO_END_AWAITING_SIGN_OFF, /* submitted */
  INVOLVE_DEMO_END_RETURNED,          /* submitted, returned with comments */
  INVOLVE_DEMO_END_SIGNED_OFF,        /* submitted, (returned once and resubmitted,) signed off */
  INVOLVE_DEMO_END_AMENDED,           /* version 1 signed off, version 2 a draft with a reason */
  INVOLVE_DEMO_END_SUPERSEDED,        /* version 1 signed off, amended, version 2 signed off */
  INVOLVE_DEMO_END_WITHDRAWN,         /* withdrawn with a reason */
} InvolveDemoEnd;

#define INVOLVE_DEMO_N_ENDS (INVOLVE_DEMO_END_WITHDRAWN + 1)

const char *involve_demo_end_to_string (InvolveDemoEnd end);

typedef struct
{
  char           *key;              /* stable, e.g. "icb-podiatry-relocation" */
  char           *example;          /* the worked example, e.g. "podiatry-relocation" */
  char           *framework_id;
  InvolveDemoEnd  end;

  /* What the three-step test should conclude for this record. */
  char           *expected_outcome; /* "applies" or "does-not-apply" */
  char           *expected_limbs;   /* limb ids, comma separated ("a", "b,c"); "" for none */
  gboolean        departs;          /* the assessor's opinion departs from the derived outcome */

  /* Whether the record is complete enough to submit (every end but drafts). */
  gboolean        submit;

  /* The completer (as in the record) and the reviewer, who is never the completer. */
  char           *completer_name;
  InvolveSignOff *reviewer;         /* name, job title, e-mail, team, typed date, comments */

  /* Returned ends, and signed-off ones that were returned once before. */
  char           *return_comments;
  char           *return_date;       /* the date the reviewer types when returning */
  char           *resubmit_field_id; /* what the officer changes before resubmitting */
  char           *resubmit_text;

  /* Amended and superseded ends: the new version's reason and change. */
  char           *amend_reason;
  char           *amend_field_id;
  char           *amend_text;
  InvolveSignOff *amend_reviewer;    /* who signs version 2 (superseded ends) */

  /* Withdrawn ends. */
  char           *withdraw_reason;
  gboolean        withdraw_after_submit;
} InvolveDemoPlan;

void             involve_demo_plan_free           (InvolveDemoPlan    *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveDemoPlan, involve_demo_plan_free)

/* The number of sample records. */
guint            involve_demo_get_n_records       (void);

/*
 * The sample records, freshly built (new UUIDs, status draft, version 1).
 * defs may be NULL; when given, values follow the field types it defines
 * and fields it does not know are left out.
 */
GPtrArray       *involve_demo_build_records       (InvolveDefinitions *defs);

/* The plans, in the same order as the records (InvolveDemoPlan*). */
GPtrArray       *involve_demo_build_plans         (void);

/* The plan of the record built from the same index; owned by the caller. */
InvolveDemoPlan *involve_demo_build_plan          (guint               index);

/*
 * Benchmark registers: record number index of a large, varied set,
 * deterministic for (seed, index).  Its status says where it should end:
 * draft, awaiting sign-off, returned, signed off or withdrawn; signed-off
 * and returned ones carry an InvolveSignOff with the decision.
 */
InvolveRecord   *involve_demo_build_large_record  (InvolveDefinitions *defs,
                                                   guint64             seed,
                                                   guint               index);

/* n such records (InvolveRecord*); for large n prefer one at a time. */
GPtrArray       *involve_demo_build_large         (InvolveDefinitions *defs,
                                                   guint               n,
                                                   guint64             seed);

G_END_DECLS
