/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-assess.h"

G_BEGIN_DECLS

/* involve_assess_input_from_record (), also saying which field is at fault. */
gboolean _involve_assess_input_from_record (InvolveRecord       *record,
                                            InvolveDefinitions  *defs,
                                            InvolveAssessInput  *input,
                                            const char         **field_id,
                                            GError             **error);

/* A real calendar date written YYYY-MM-DD (at most 10 characters are read). */
gboolean _involve_is_iso_date (const char *text);

G_END_DECLS
