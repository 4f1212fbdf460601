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
/* Prints why --create does not make a team register on a server. */
void          involve_cli_refuse_server_create (void);
/* @message with every copy of @location replaced by its form without a
 * password (involve_db_redact_location ()). */
char         *involve_cli_dup_redacted_message (const char *message,
                                                const char *location);
/* Prints "WHAT: message" (or the message alone) on stderr; returns 1, or
 * 2 for INVOLVE_CLI_ERROR_USAGE. */
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

/* The acting person's key (cli-common.c).
 *
 * --key FILE|URL and --passphrase-file FILE may be given anywhere before a
 * "--" on any command line; main () takes them out before the command runs,
 * so a command that acts only calls involve_cli_unlock_identity ().  The key
 * is FILE (default: the default key file, involve_identity_dup_default_path
 * ()), or a "pkcs11:" URL of a key on a smartcard.  Its passphrase (or PIN)
 * is the first line of --passphrase-file, else $INVOLVE_PASSPHRASE, else
 * asked on the terminal without echo.  With none of these and no terminal,
 * the error is INVOLVE_CLI_ERROR_USAGE, which involve_cli_fail () turns into
 * exit status 2. */

#define INVOLVE_CLI_ERROR (involve_cli_error_quark ())
typedef enum
{
  INVOLVE_CLI_ERROR_FAILED,
  INVOLVE_CLI_ERROR_USAGE,        /* a missing answer: exit status 2 */
} InvolveCliError;
GQuark           involve_cli_error_quark          (void);

/* Takes --key and --passphrase-file out of @argv (up to a "--"); FALSE
 * (after printing why) when one lacks its value. */
gboolean         involve_cli_take_key_options     (int              *argc,
                                                   char            **argv);
/* --key as given, or NULL. */
const char      *involve_cli_get_key_option       (void);
const char      *involve_cli_get_passphrase_file  (void);
/* Adds --key and --passphrase-file to a command's --help (main () has
 * parsed them already). */
void             involve_cli_add_key_options      (GOptionContext   *context);
/* The key file --key names, or the default key file. */
char            *involve_cli_dup_key_path         (void);
/* A passphrase: the first line of @file, else $@env_name, else asked on
 * the terminal with @prompt (twice when @confirm).  Never empty. */
char            *involve_cli_read_passphrase      (const char       *file,
                                                   const char       *env_name,
                                                   const char       *prompt,
                                                   gboolean          confirm,
                                                   GError          **error);
/* The acting person's key, unlocked once a process (see above). */
InvolveIdentity *involve_cli_load_identity        (GError          **error);
/* Loads it and sets it on @store (involve_store_set_identity ()). */
/* For exports, whose register head is signed when a key is at hand: unlocks
 * the key only when one was asked for (--key, --passphrase-file, or the
 * INVOLVE_PASSPHRASE variable when the default key file exists); otherwise
 * the head goes unsigned. */
gboolean         involve_cli_unlock_identity_if_asked (InvolveStore *store,
                                                       GError      **error);
gboolean         involve_cli_unlock_identity      (InvolveStore     *store,
                                                   GError          **error);

/* cli-key.c */
int involve_cli_key (const char  *database_path,
                     int          argc,
                     char       **argv);

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

/* cli-copy.c */
int involve_cli_copy (const char  *database_path,
                      int          argc,
                      char       **argv);

/* cli-server.c */
int involve_cli_server_setup      (const char  *database_path,
                                   int          argc,
                                   char       **argv);
int involve_cli_server_add_person (const char  *database_path,
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

/* cli-trust.c */
int involve_cli_trust (const char  *database_path,
                       int          argc,
                       char       **argv);

/* cli-demo-server.c: the demo's two people on a team register (as a
 * superuser), NAME_demo_officer and NAME_demo_reviewer, made when missing. */
gboolean involve_cli_demo_server_people (const char  *conninfo,
                                         char       **officer,
                                         char       **reviewer,
                                         GError     **error);

/* cli-demo.c */
int involve_cli_demo (const char  *database_path,
                      int          argc,
                      char       **argv);

G_END_DECLS
