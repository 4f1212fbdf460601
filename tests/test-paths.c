/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "common-test-util.h"
#include "involve-paths.h"

static void
test_paths_default (void)
{
  g_autofree char *data = involve_paths_get_data_dir ();
  g_autofree char *config = involve_paths_get_config_dir ();
  g_autofree char *backups = involve_paths_get_backup_dir ();
  g_autofree char *reg = involve_paths_get_default_register ();
  g_autofree char *want_data = g_build_filename (g_get_user_data_dir (), "involve", NULL);
  g_autofree char *want_config = g_build_filename (g_get_user_config_dir (), "involve", NULL);
  g_autofree char *want_backups = g_build_filename (want_data, "backups", NULL);
  g_autofree char *want_reg = g_build_filename (want_data, "register.sqlite", NULL);

  g_assert_null (involve_paths_get_portable_dir ());
  g_assert_cmpstr (data, ==, want_data);
  g_assert_cmpstr (config, ==, want_config);
  g_assert_cmpstr (backups, ==, want_backups);
  g_assert_cmpstr (reg, ==, want_reg);
}

static void
test_paths_portable_option (void)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *want = g_build_filename (cwd, "stick", "involve", NULL);
  g_autofree char *want_data = g_build_filename (want, "data", NULL);
  g_autofree char *want_config = g_build_filename (want, "settings", NULL);
  g_autofree char *want_reg = g_build_filename (want_data, "register.sqlite", NULL);
  g_autofree char *data = NULL;
  g_autofree char *config = NULL;
  g_autofree char *reg = NULL;
  g_autofree char *back = NULL;
  g_autofree char *want_back = NULL;

  /* A relative folder is taken relative to where the program started. */
  involve_paths_set_portable_dir ("stick/./involve/");
  g_assert_cmpstr (involve_paths_get_portable_dir (), ==, want);
  data = involve_paths_get_data_dir ();
  config = involve_paths_get_config_dir ();
  reg = involve_paths_get_default_register ();
  g_assert_cmpstr (data, ==, want_data);
  g_assert_cmpstr (config, ==, want_config);
  g_assert_cmpstr (reg, ==, want_reg);

  /* NULL switches portable mode off again. */
  involve_paths_set_portable_dir (NULL);
  g_assert_null (involve_paths_get_portable_dir ());
  back = involve_paths_get_data_dir ();
  want_back = g_build_filename (g_get_user_data_dir (), "involve", NULL);
  g_assert_cmpstr (back, ==, want_back);
}

static void
test_paths_portable_env (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *data = NULL;
      g_autofree char *data2 = NULL;

      g_setenv ("INVOLVE_PORTABLE_DIR", "/media/stick/involve", TRUE);
      data = involve_paths_get_data_dir ();
      g_assert_cmpstr (data, ==, "/media/stick/involve/data");

      /* The command-line option wins over the environment. */
      involve_paths_set_portable_dir ("/srv/share/involve");
      data2 = involve_paths_get_data_dir ();
      g_assert_cmpstr (data2, ==, "/srv/share/involve/data");

      /* Going back to the environment's choice. */
      involve_paths_set_portable_dir (NULL);
      g_assert_cmpstr (involve_paths_get_portable_dir (), ==, "/media/stick/involve");
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_paths_portable_env_empty (void)
{
  if (g_test_subprocess ())
    {
      /* An empty variable is the same as none. */
      g_setenv ("INVOLVE_PORTABLE_DIR", "", TRUE);
      g_assert_null (involve_paths_get_portable_dir ());
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_paths_ensure_dir (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *nested = g_build_filename (td->dir, "a", "b", "c", NULL);
  g_autofree char *file = g_build_filename (td->dir, "file", NULL);
  GStatBuf st;

  g_assert_true (involve_paths_ensure_dir (nested, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (nested, &st), ==, 0);
  g_assert_true (S_ISDIR (st.st_mode));
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  /* Again: nothing to do, no error. */
  g_assert_true (involve_paths_ensure_dir (nested, &error));
  g_assert_no_error (error);

  /* A file in the way is an error that names the folder. */
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  g_assert_false (involve_paths_ensure_dir (file, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR);
  g_assert_nonnull (strstr (error->message, file));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = test_util_isolate_user_dirs ();
  int status;
  g_unsetenv ("INVOLVE_PORTABLE_DIR");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/paths/default", test_paths_default);
  g_test_add_func ("/paths/portable/option", test_paths_portable_option);
  g_test_add_func ("/paths/portable/env", test_paths_portable_env);
  g_test_add_func ("/paths/portable/env-empty", test_paths_portable_env_empty);
  g_test_add_func ("/paths/ensure-dir", test_paths_ensure_dir);

  status = g_test_run ();
  g_rmdir (home);
  return status;
}
