/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "common-test-util.h"

void
test_util_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) || !g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      test_util_remove_tree (child);
    }
  g_rmdir (path);
}

char *
test_util_isolate_user_dirs (void)
{
  g_autoptr(GError) error = NULL;
  char *tmp = g_dir_make_tmp ("involve-test-home-XXXXXX", &error);

  g_assert_no_error (error);
  g_setenv ("HOME", tmp, TRUE);
  g_setenv ("XDG_DATA_HOME", tmp, TRUE);
  g_setenv ("XDG_CONFIG_HOME", tmp, TRUE);
  g_setenv ("XDG_CACHE_HOME", tmp, TRUE);
  return tmp;
}

void
test_dir_init (TestDir *td)
{
  g_autoptr(GError) error = NULL;

  td->dir = g_dir_make_tmp ("involve-test-XXXXXX", &error);
  g_assert_no_error (error);
  td->path = g_build_filename (td->dir, "register.sqlite", NULL);
}

void
test_dir_clear (TestDir *td)
{
  /* Some tests take the write permission away. */
  g_chmod (td->dir, 0700);
  test_util_remove_tree (td->dir);
  g_clear_pointer (&td->dir, g_free);
  g_clear_pointer (&td->path, g_free);
}

TestDir *
test_dir_new (void)
{
  TestDir *td = g_new0 (TestDir, 1);

  test_dir_init (td);
  return td;
}

void
test_dir_free (TestDir *td)
{
  test_dir_clear (td);
  g_free (td);
}
