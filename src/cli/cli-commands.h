/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "involve-store.h"

G_BEGIN_DECLS

/*
 * One function a sub-command.  argv[0] is the sub-command's name; global
 * options (--database, --portable) have been taken out already.  Returns
 * the process exit status: 0 success, 1 failure, 2 bad usage or missing
 * answers.
 */
typedef int (*InvolveCliCommandFunc) (const char *database_path,
                                      int         argc,
                                      char      **argv);

typedef struct
{
  const char            *name;
  const char            *summary;
  InvolveCliCommandFunc  run;
} InvolveCliCommand;

/* cli-common.c: what the commands share. */

/* Returned by the checks below when the command should go on. */
#define INVOLVE_CLI_CONTINUE (-1)

/* Opens the register --database names (NULL: the default one, which
 * --portable moves), printing any error and, when it is damaged (and so
 * read-only), what to do; sets the acting profile from $INVOLVE_PROFILE.
 * A missing or empty file is refused unless it is the default register
 * or --create was given (involve_cli_set_create ()). */
InvolveStore *involve_cli_open_store      (const char      *database_path);
/* The same, creating a missing register only when @create. */
InvolveStore *involve_cli_open_store_full (const char      *database_path,
                                           gboolean         create);
void          involve_cli_set_create      (gboolean         create);
/* Prints "WHAT: message" (or the message alone) on stderr; returns 1. */
int           involve_cli_fail            (const char      *what,
                                           const GError    *error);
/* Prints "involve-cli COMMAND: message" and a pointer to --help on
 * stderr; returns 2. */
int           involve_cli_usage_error     (const char      *command,
                                           const char      *format,
                                           ...) G_GNUC_PRINTF (2, 3);
/* For a command with options: parses them with @context.  --help prints
 * the usage on stdout (returns 0); a bad option is a usage error
 * (returns 2); otherwise returns INVOLVE_CLI_CONTINUE. */
int           involve_cli_parse_options   (const char      *command,
                                           GOptionContext  *context,
                                           int             *argc,
                                           char          ***argv);
/* For a command that takes only arguments: --help prints @usage on stdout
 * (returns 0); an option or more than @max_arguments arguments is a usage
 * error (returns 2); otherwise returns INVOLVE_CLI_CONTINUE. */
int           involve_cli_check_arguments (const char      *command,
                                           const char      *usage,
                                           int              argc,
                                           char           **argv,
                                           int              max_arguments);

/* cli-export.c */
int involve_cli_export          (const char  *database_path,
                                 int          argc,
                                 char       **argv);
int involve_cli_import          (const char  *database_path,
                                 int          argc,
                                 char       **argv);
int involve_cli_check_pdf       (const char  *database_path,
                                 int          argc,
                                 char       **argv);
int involve_cli_signoff_request (const char  *database_path,
                                 int          argc,
                                 char       **argv);
int involve_cli_signoff_respond (const char  *database_path,
                                 int          argc,
                                 char       **argv);
int involve_cli_signoff_apply   (const char  *database_path,
                                 int          argc,
                                 char       **argv);

/* cli-involvement.c */
int involve_cli_log             (const char  *database_path,
                                 int          argc,
                                 char       **argv);
int involve_cli_involvement     (const char  *database_path,
                                 int          argc,
                                 char       **argv);
int involve_cli_report          (const char  *database_path,
                                 int          argc,
                                 char       **argv);
/* cli-store.c */
int involve_cli_list    (const char  *database_path,
                         int          argc,
                         char       **argv);
int involve_cli_show    (const char  *database_path,
                         int          argc,
                         char       **argv);
int involve_cli_history (const char  *database_path,
                         int          argc,
                         char       **argv);
int involve_cli_verify  (const char  *database_path,
                         int          argc,
                         char       **argv);
int involve_cli_backup  (const char  *database_path,
                         int          argc,
                         char       **argv);

/* cli-register.c */
int involve_cli_create  (const char  *database_path,
                         int          argc,
                         char       **argv);
int involve_cli_restore (const char  *database_path,
                         int          argc,
                         char       **argv);

/* cli-assess.c */
int involve_cli_assess (const char  *database_path,
                        int          argc,
                        char       **argv);

/* cli-paths.c */
int involve_cli_paths (const char  *database_path,
                       int          argc,
                       char       **argv);

/* cli-definitions.c */
int involve_cli_definitions (const char  *database_path,
                             int          argc,
                             char       **argv);

/* cli-demo.c */
int involve_cli_demo (const char  *database_path,
                      int          argc,
                      char       **argv);

G_END_DECLS
