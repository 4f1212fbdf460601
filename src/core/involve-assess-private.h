/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-assess.h"

G_BEGIN_DECLS

/*
 * Checks that the answers are complete and consistent.  On failure,
 * *field_id (when not NULL) is the three-step-test field the message is
 * about, so validation can put the problem next to it.
 */
gboolean _involve_assess_input_check (const InvolveAssessInput  *input,
                                      const char               **field_id,
                                      GError                   **error);

G_END_DECLS
