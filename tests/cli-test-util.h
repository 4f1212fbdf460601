/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs the built involve-cli (its path in $INVOLVE_CLI) as a script would. */

typedef struct
{
  int   status;   /* the exit status */
  char *out;
  char *err;
} CliRun;

void cli_run_clear      (CliRun             *run);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliRun, cli_run_clear)

/* involve-cli ARGS (NULL-terminated); frees what @run held before. */
void cli_test_run_argv  (CliRun             *run,
                         const char * const *args);
void cli_test_run       (CliRun             *run,
                         const char         *first,
                         ...) G_GNUC_NULL_TERMINATED;
/* involve-cli with @line split as a shell would. */
void cli_test_run_line  (CliRun             *run,
                         const char         *line);

G_END_DECLS
