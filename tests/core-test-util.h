/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-definitions.h"

G_BEGIN_DECLS

/* Helpers for the tests of libinvolve-core (core_test_util in tests/meson.build). */

/* The definitions in the source tree's data/ ($INVOLVE_SOURCE_DATADIR);
 * fails the test when they do not load.  Free with g_object_unref (). */
InvolveDefinitions *core_test_load_source_definitions (void);
/* The built-in definitions, as the app loads them (not owned). */
InvolveDefinitions *core_test_default_definitions     (void);

G_END_DECLS
