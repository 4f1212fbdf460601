/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-store.h"

G_BEGIN_DECLS

/* Opens --database (NULL: the default register), printing any error;
 * sets the profile name from $INVOLVE_PROFILE.  For every command that
 * needs the register (export, demo, ...). */
InvolveStore *involve_cli_open_store (const char *database_path);

int involve_cli_list    (const char *database_path, int argc, char **argv);
int involve_cli_show    (const char *database_path, int argc, char **argv);
int involve_cli_verify  (const char *database_path, int argc, char **argv);
int involve_cli_backup  (const char *database_path, int argc, char **argv);
int involve_cli_history (const char *database_path, int argc, char **argv);

G_END_DECLS
