/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-cli"

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "cli-commands.h"
#include "involve-db.h"
#include "involve-identity.h"

/* What every command shares: the register, option parsing, usage errors. */

static gboolean create_requested;
/* The register last opened, so that later messages quoting it are shown
 * without a server's password. */
static char *opened_location;

void
involve_cli_set_create (gboolean create)
{
  create_requested = create;
}

InvolveStore *
involve_cli_open_store_full (const char *database_path,
                             gboolean    create)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *damage = NULL;
  InvolveStore *store;

  if (create && involve_db_location_is_server (database_path))
    {
      involve_cli_refuse_server_create ();
      return NULL;
    }
  g_free (opened_location);
  opened_location = g_strdup (database_path);
  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error,
                          "path", database_path, "create", create, NULL);
  if (store == NULL)
    {
      g_autofree char *message = involve_cli_dup_redacted_message (error->message, database_path);

      fprintf (stderr, "%s\n", message);
      return NULL;
    }
  /* Reading a damaged register still works; say so before anything else. */
  damage = involve_store_dup_damage (store);
  if (damage != NULL)
    {
      g_autofree char *shown = involve_cli_dup_redacted_message (damage, database_path);

      fprintf (stderr, "%s\n", shown);
    }
  if (g_getenv ("INVOLVE_PROFILE") != NULL)
    involve_store_set_profile_name (store, g_getenv ("INVOLVE_PROFILE"));
  return store;
}

InvolveStore *
involve_cli_open_store (const char *database_path)
{
  /* The default register is created on first use; a named one only when
   * --create asks, so that a mistyped name is not a new, empty register. */
  return involve_cli_open_store_full (database_path, database_path == NULL || create_requested);
}

void
involve_cli_refuse_server_create (void)
{
  fprintf (stderr, "%s\n",
           _("A team register on a server is not made with --create: IT sets it up on the server "
             "with “involve-cli server-setup” (see README), then gives you its connection string."));
}

char *
involve_cli_dup_redacted_message (const char *message,
                                  const char *location)
{
  g_autoptr(GString) text = g_string_new (message);
  g_autofree char *shown = NULL;

  /* Messages may quote the location whole; a server's may hold a password. */
  if (involve_db_location_is_server (location))
    {
      shown = involve_db_redact_location (location);
      g_string_replace (text, location, shown, 0);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

int
involve_cli_fail (const char   *what,
                  const GError *error)
{
  g_autofree char *message = involve_cli_dup_redacted_message (error->message, opened_location);

  if (what != NULL)
    fprintf (stderr, "%s: %s\n", what, message);
  else
    fprintf (stderr, "%s\n", message);
  return g_error_matches (error, INVOLVE_CLI_ERROR, INVOLVE_CLI_ERROR_USAGE) ? 2 : 1;
}

int
involve_cli_usage_error (const char *command,
                         const char *format,
                         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "involve-cli %s: %s\n", command, message);
  fprintf (stderr, _("Run “involve-cli %s --help” for its usage.\n"), command);
  return 2;
}

int
involve_cli_parse_options (const char       *command,
                           GOptionContext   *context,
                           int              *argc,
                           char           ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("involve-cli %s", command);
  gboolean help = FALSE;
  const GOptionEntry help_entries[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, N_("Show this help"), NULL },
    { NULL }
  };

  /* Our own --help rather than GLib's, which calls exit() in the middle of
   * the command; the program name puts the command in the usage line. */
  g_set_prgname (prgname);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, help_entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error))
    return involve_cli_usage_error (command, "%s", error->message);
  if (help)
    {
      g_autofree char *text = g_option_context_get_help (context, TRUE, NULL);

      fputs (text, stdout);
      return 0;
    }
  return INVOLVE_CLI_CONTINUE;
}

int
involve_cli_check_arguments (const char  *command,
                             const char  *usage,
                             int          argc,
                             char       **argv,
                             int          max_arguments)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          printf ("%s\n", usage);
          return 0;
        }
      /* An option is never taken for a file name or a reference. */
      if (argv[i][0] == '-' && argv[i][1] != '\0')
        return involve_cli_usage_error (command, _("Unknown option %s"), argv[i]);
    }
  if (argc - 1 > max_arguments)
    return involve_cli_usage_error (command, _("Unexpected argument “%s”."), argv[max_arguments + 1]);
  return INVOLVE_CLI_CONTINUE;
}

/* The acting person's key.  Passphrases are wiped from memory once used. */

G_DEFINE_QUARK (involve-cli-error-quark, involve_cli_error)

static char *key_option;
static char *passphrase_file_option;
static InvolveIdentity *unlocked_identity;

static void
secret_free (char *secret)
{
  if (secret != NULL)
    {
      memset (secret, 0, strlen (secret));
      g_free (secret);
    }
}

typedef char SecretString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SecretString, secret_free)

gboolean
involve_cli_take_key_options (int   *argc,
                              char **argv)
{
  const char *names[] = { "--key", "--passphrase-file" };
  char **targets[] = { &key_option, &passphrase_file_option };
  int out = 1;
  int i;

  for (i = 1; i < *argc; i++)
    {
      gboolean taken = FALSE;

      if (g_str_equal (argv[i], "--"))
        break;
      for (guint n = 0; n < G_N_ELEMENTS (names) && !taken; n++)
        {
          gsize len = strlen (names[n]);

          if (g_str_equal (argv[i], names[n]))
            {
              if (i + 1 >= *argc || argv[i + 1][0] == '\0')
                {
                  fprintf (stderr, _("involve-cli: %s needs a value.\n"), names[n]);
                  return FALSE;
                }
              g_free (*targets[n]);
              *targets[n] = g_strdup (argv[++i]);
              taken = TRUE;
            }
          else if (g_str_has_prefix (argv[i], names[n]) && argv[i][len] == '=')
            {
              if (argv[i][len + 1] == '\0')
                {
                  fprintf (stderr, _("involve-cli: %s needs a value.\n"), names[n]);
                  return FALSE;
                }
              g_free (*targets[n]);
              *targets[n] = g_strdup (argv[i] + len + 1);
              taken = TRUE;
            }
        }
      if (!taken)
        argv[out++] = argv[i];
    }
  for (; i < *argc; i++)
    argv[out++] = argv[i];
  argv[out] = NULL;
  *argc = out;
  return TRUE;
}

const char *
involve_cli_get_key_option (void)
{
  return key_option;
}

const char *
involve_cli_get_passphrase_file (void)
{
  return passphrase_file_option;
}

void
involve_cli_add_key_options (GOptionContext *context)
{
  /* Shown in --help only: main () has taken the values out already. */
  static char *key_shown, *file_shown;
  const GOptionEntry entries[] = {
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_shown,
      N_("The signing key: a key file (default: identity.pem in the data folder) or a pkcs11: URL"),
      N_("FILE") },
    { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &file_shown,
      N_("Read the key’s passphrase from the first line of FILE (or set INVOLVE_PASSPHRASE)"),
      N_("FILE") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

char *
involve_cli_dup_key_path (void)
{
  if (key_option != NULL)
    return g_strdup (key_option);
  return involve_identity_dup_default_path ();
}

static char *
read_first_line (const char  *file,
                 GError     **error)
{
  g_autoptr(SecretString) contents = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *shown = g_filename_display_name (file);
  char *end;

  if (!g_file_get_contents (file, &contents, NULL, &local))
    {
      g_set_error (error, INVOLVE_CLI_ERROR, INVOLVE_CLI_ERROR_FAILED,
                   _("Cannot read the passphrase file: %s"), local->message);
      return NULL;
    }
  end = strpbrk (contents, "\r\n");
  if (end != NULL)
    *end = '\0';
  if (contents[0] == '\0')
    {
      g_set_error (error, INVOLVE_CLI_ERROR, INVOLVE_CLI_ERROR_FAILED,
                   _("The first line of the passphrase file “%s” is empty"), shown);
      return NULL;
    }
  return g_strdup (contents);
}

/* One line from the terminal without echo, or NULL at end of input. */
static char *
prompt_no_echo (const char *prompt)
{
  struct termios saved, quiet;
  gboolean restore = FALSE;
  char buf[1024];
  char *line = NULL;

  /* Echo off before the prompt shows, so that nothing typed at once
   * appears on the screen. */
  if (tcgetattr (STDIN_FILENO, &saved) == 0)
    {
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      quiet.c_lflag |= ECHONL;
      restore = tcsetattr (STDIN_FILENO, TCSANOW, &quiet) == 0;
    }
  fprintf (stderr, "%s", prompt);
  fflush (stderr);
  if (fgets (buf, sizeof buf, stdin) != NULL)
    {
      buf[strcspn (buf, "\r\n")] = '\0';
      line = g_strdup (buf);
    }
  memset (buf, 0, sizeof buf);
  if (restore)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  return line;
}

char *
involve_cli_read_passphrase (const char  *file,
                             const char  *env_name,
                             const char  *prompt,
                             gboolean     confirm,
                             GError     **error)
{
  g_autoptr(SecretString) first = NULL;
  g_autoptr(SecretString) again = NULL;
  const char *env = env_name != NULL ? g_getenv (env_name) : NULL;

  if (file != NULL)
    return read_first_line (file, error);
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (!isatty (STDIN_FILENO))
    {
      if (env_name != NULL)
        g_set_error (error, INVOLVE_CLI_ERROR, INVOLVE_CLI_ERROR_USAGE,
                     _("A passphrase is needed and there is no terminal to ask on: "
                       "give --passphrase-file FILE or set %s"), env_name);
      else
        g_set_error (error, INVOLVE_CLI_ERROR, INVOLVE_CLI_ERROR_USAGE,
                     _("A passphrase is needed and there is no terminal to ask on: "
                       "give --passphrase-file FILE"));
      return NULL;
    }

  first = prompt_no_echo (prompt);
  if (first == NULL || *first == '\0')
    {
      g_set_error (error, INVOLVE_CLI_ERROR, INVOLVE_CLI_ERROR_USAGE,
                   _("No passphrase given"));
      return NULL;
    }
  if (confirm)
    {
      again = prompt_no_echo (_("The same passphrase again: "));
      if (again == NULL || !g_str_equal (first, again))
        {
          g_set_error (error, INVOLVE_CLI_ERROR, INVOLVE_CLI_ERROR_FAILED,
                       _("The two passphrases differ; nothing was changed"));
          return NULL;
        }
    }
  return g_steal_pointer (&first);
}

InvolveIdentity *
involve_cli_load_identity (GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *prompt = NULL;
  g_autoptr(SecretString) passphrase = NULL;
  g_autoptr(InvolveCertificate) certificate = NULL;
  g_autoptr(GError) local = NULL;
  InvolveIdentity *identity;

  if (unlocked_identity != NULL)
    return g_object_ref (unlocked_identity);

  path = involve_cli_dup_key_path ();
  if (g_str_has_prefix (path, "pkcs11:"))
    {
      /* A token may need no PIN: ask only when one can be asked for. */
      prompt = g_strdup_printf (_("PIN for %s: "), path);
      passphrase = involve_cli_read_passphrase (passphrase_file_option, "INVOLVE_PASSPHRASE",
                                                prompt, FALSE, &local);
      if (passphrase == NULL && !g_error_matches (local, INVOLVE_CLI_ERROR, INVOLVE_CLI_ERROR_USAGE))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      identity = involve_identity_open_url (path, passphrase, error);
    }
  else
    {
      certificate = involve_identity_load_certificate (path, &local);
      if (certificate == NULL)
        {
          if (g_error_matches (local, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_NOT_FOUND))
            {
              g_autofree char *shown = g_filename_display_name (path);

              g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_NOT_FOUND,
                           _("There is no signing key at “%s”: make one with “involve-cli key create”, "
                             "or name yours with --key FILE"), shown);
            }
          else
            g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      {
        g_autofree char *who = involve_certificate_dup_description (certificate);

        prompt = g_strdup_printf (_("Passphrase for the key of %s: "), who);
      }
      passphrase = involve_cli_read_passphrase (passphrase_file_option, "INVOLVE_PASSPHRASE",
                                                prompt, FALSE, error);
      if (passphrase == NULL)
        return NULL;
      identity = involve_identity_load (path, passphrase, error);
    }
  if (identity == NULL)
    return NULL;
  unlocked_identity = g_object_ref (identity);
  return identity;
}

gboolean
involve_cli_unlock_identity_if_asked (InvolveStore *store,
                                      GError      **error)
{
  if (key_option == NULL && passphrase_file_option == NULL)
    {
      g_autofree char *path = NULL;

      if (g_getenv ("INVOLVE_PASSPHRASE") == NULL)
        return TRUE;
      /* The variable alone names no key: it asks for the default one only
       * when there is one, so that a script that set it to unlock another
       * key (--key on an earlier command) can still export unsigned. */
      path = involve_identity_dup_default_path ();
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return TRUE;
    }
  return involve_cli_unlock_identity (store, error);
}

gboolean
involve_cli_unlock_identity (InvolveStore  *store,
                             GError       **error)
{
  g_autoptr(InvolveIdentity) identity = NULL;

  g_return_val_if_fail (INVOLVE_IS_STORE (store), FALSE);

  identity = involve_cli_load_identity (error);
  if (identity == NULL)
    return FALSE;
  involve_store_set_identity (store, identity);
  return TRUE;
}
