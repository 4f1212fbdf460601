/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "involve-definitions.h"
#include "involve-record.h"

G_BEGIN_DECLS

/*
 * What a record still needs before it can be submitted for sign-off.
 *
 * Driven by the form definitions: a field is checked only where it is
 * shown (its section's and its own shown_when hold); it must have a value
 * when it is required or its required_when holds.  Conditions on the
 * three-step test's outcome use the outcome the engine derives from the
 * record's answers (involve-assess.h).  Values must also fit their field:
 * the right GVariant type, a real date written YYYY-MM-DD, option ids the
 * field knows, table rows with one cell a column.  Finally the engine's
 * own complaints (a proposal with no answer on impact, say) are reported
 * against the field they concern.
 *
 * A field shown in two forms (<field-ref>) is checked once, where it is
 * defined.  At most one problem is reported a field.
 */

typedef struct
{
  char *form_id;     /* "appendix-b" */
  char *section_id;  /* "b-step3" */
  char *field_id;    /* "b3-existing-arrangements"; NULL for a record-wide problem */
  char *message;     /* translated; names the form, the step and the field's label */
} InvolveProblem;

#define INVOLVE_TYPE_PROBLEM (involve_problem_get_type ())
GType           involve_problem_get_type (void) G_GNUC_CONST;
InvolveProblem *involve_problem_new      (const char           *form_id,
                                          const char           *section_id,
                                          const char           *field_id,
                                          const char           *message);
InvolveProblem *involve_problem_copy     (const InvolveProblem *problem);
void            involve_problem_free     (InvolveProblem       *problem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveProblem, involve_problem_free)

/*
 * Returns a new array of InvolveProblem* (it frees them), in form, section
 * and field order; empty when the record is ready to submit.
 */
GPtrArray            *involve_validate_record       (InvolveDefinitions *defs,
                                                     InvolveRecord      *record);

/* The problem about field_id in problems, or NULL. */
const InvolveProblem *involve_problems_find_field   (GPtrArray          *problems,
                                                     const char         *field_id);

/*
 * Whether field_id is asked of this record (its section's and its own
 * shown_when hold, following chains of conditions).  FALSE for an unknown
 * field.  The wizard uses this to show and hide questions.
 */
gboolean              involve_validate_field_shown  (InvolveDefinitions *defs,
                                                     InvolveRecord      *record,
                                                     const char         *field_id);

G_END_DECLS
