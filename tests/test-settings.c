/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "common-test-util.h"
#include "involve-paths.h"
#include "involve-settings.h"

static void
test_settings_default (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = involve_settings_new (&error);
  g_autofree char *framework = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) key = NULL;
  g_autoptr(GVariant) bad = NULL;
  g_autoptr(GVariant) good = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (settings);
  framework = g_settings_get_string (settings, "default-framework");
  g_assert_cmpstr (framework, ==, "icb-14z45");

  /* The schema refuses a framework that does not exist. */
  g_object_get (settings, "settings-schema", &schema, NULL);
  key = g_settings_schema_get_key (schema, "default-framework");
  bad = g_variant_ref_sink (g_variant_new_string ("icb-99"));
  good = g_variant_ref_sink (g_variant_new_string ("nhse-13q"));
  g_assert_false (g_settings_schema_key_range_check (key, bad));
  g_assert_true (g_settings_schema_key_range_check (key, good));
}

static void
test_settings_portable (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *ini = g_build_filename (td->dir, "settings", "settings.ini", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GSettings) again = NULL;

  involve_paths_set_portable_dir (td->dir);

  settings = involve_settings_new (&error);
  g_assert_no_error (error);
  g_assert_true (g_settings_set_string (settings, "profile-name", "Ada Lovelace"));
  g_settings_sync ();

  /* The value is in DIR/settings/settings.ini, nowhere else. */
  g_assert_true (g_file_get_contents (ini, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, "profile-name='Ada Lovelace'"));

  /* A second instance reads it back. */
  again = involve_settings_new (&error);
  g_assert_no_error (error);
  name = g_settings_get_string (again, "profile-name");
  g_assert_cmpstr (name, ==, "Ada Lovelace");

  involve_paths_set_portable_dir (NULL);
}

static void
test_settings_uninstalled (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSettings) settings = NULL;

      /* As when running ./_build/src/gui/involve with nothing installed and
       * no GSETTINGS_SCHEMA_DIR: the build folder's schema is found. */
      g_unsetenv ("GSETTINGS_SCHEMA_DIR");
      g_setenv ("XDG_DATA_DIRS", "/nonexistent", TRUE);
      settings = involve_settings_new (&error);
      g_assert_no_error (error);
      g_assert_nonnull (settings);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = test_util_isolate_user_dirs ();
  int status;
  g_unsetenv ("INVOLVE_PORTABLE_DIR");
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/settings/default", test_settings_default);
  g_test_add_func ("/settings/portable", test_settings_portable);
  g_test_add_func ("/settings/uninstalled", test_settings_uninstalled);

  status = g_test_run ();
  g_rmdir (home);
  return status;
}
