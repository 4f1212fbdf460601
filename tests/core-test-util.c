/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "core-test-util.h"

InvolveDefinitions *
core_test_load_source_definitions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) directory = g_file_new_for_path (g_getenv ("INVOLVE_SOURCE_DATADIR"));
  InvolveDefinitions *definitions;

  definitions = involve_definitions_new_from_directory (directory, &error);
  g_assert_no_error (error);
  g_assert_nonnull (definitions);
  return definitions;
}

InvolveDefinitions *
core_test_default_definitions (void)
{
  g_autoptr(GError) error = NULL;
  InvolveDefinitions *definitions = involve_definitions_get_default (&error);

  g_assert_no_error (error);
  g_assert_nonnull (definitions);
  return definitions;
}
