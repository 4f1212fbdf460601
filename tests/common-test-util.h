/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Helpers any test may link (common_test_util in tests/meson.build). */

/* A fresh temporary folder, and the path of a register in it (not created). */
typedef struct
{
  char *dir;
  char *path;
} TestDir;

/* For a GTest fixture of type TestDir. */
void     test_dir_init                (TestDir    *td);
/* Removes the folder with everything in it. */
void     test_dir_clear               (TestDir    *td);
TestDir *test_dir_new                 (void);
void     test_dir_free                (TestDir    *td);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestDir, test_dir_free)

/* Removes a file, or a folder with everything in it; links are removed,
 * never followed. */
void     test_util_remove_tree        (const char *path);

/* Points HOME and the XDG_*_HOME folders at a new temporary folder, which
 * it returns; call it before g_test_init ().  (Not
 * G_TEST_OPTION_ISOLATE_DIRS: GLib 2.74 leaks the folders it replaces, and
 * LeakSanitizer cannot be told so cheaply.) */
char    *test_util_isolate_user_dirs  (void);

G_END_DECLS
