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

/* The reference of the first record in @database's list with @status;
 * fails the test when there is none. */
char *cli_test_find_reference (const char         *database,
                               const char         *status);

/* Answers sign-off @request as signed off ("Agreed.", Director of
 * Strategy, Strategy) with @key, unlocked by @passphrase_file, into
 * @response; @run has the outcome. */
void cli_test_respond_signed_off (CliRun          *run,
                                  const char      *request,
                                  const char      *key,
                                  const char      *passphrase_file,
                                  const char      *response);

G_END_DECLS
