/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "cli-commands.h"
#include "involve-store-trust.h"

/*
 * The register's trust list, and unlocking the acting person's key:
 *
 *   involve-cli trust add CERT.pem --role sign-off[,complete,administer] [--key FILE]
 *   involve-cli trust list
 *   involve-cli trust remove FINGERPRINT [--key FILE]
 *
 * The key is --key FILE, else $INVOLVE_KEY, else the default key file; its
 * passphrase --passphrase-file FILE (first line), else $INVOLVE_PASSPHRASE
 * (for scripts and tests), else asked on the terminal without echo.
 * (A minimal version kept on branch signed-acts until branch identity's
 * shared helper lands.)
 */

static char *
read_passphrase (const char  *passphrase_file,
                 const char  *key_path,
                 GError     **error)
{
  struct termios old_mode, quiet;
  char line[1024];
  char *newline;

  if (passphrase_file != NULL)
    {
      g_autofree char *contents = NULL;

      if (!g_file_get_contents (passphrase_file, &contents, NULL, error))
        return NULL;
      newline = strpbrk (contents, "\r\n");
      if (newline != NULL)
        *newline = '\0';
      return g_steal_pointer (&contents);
    }
  if (g_getenv ("INVOLVE_PASSPHRASE") != NULL)
    return g_strdup (g_getenv ("INVOLVE_PASSPHRASE"));
  if (!isatty (STDIN_FILENO))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The key “%s” needs its passphrase: give --passphrase-file FILE or set INVOLVE_PASSPHRASE."),
                   key_path);
      return NULL;
    }
  fprintf (stderr, _("Passphrase for %s: "), key_path);
  fflush (stderr);
  tcgetattr (STDIN_FILENO, &old_mode);
  quiet = old_mode;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
  newline = fgets (line, sizeof line, stdin);
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &old_mode);
  fprintf (stderr, "\n");
  if (newline == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("No passphrase was given."));
      return NULL;
    }
  line[strcspn (line, "\r\n")] = '\0';
  return g_strdup (line);
}

InvolveIdentity *
involve_cli_unlock_key (const char  *key_path,
                        const char  *passphrase_file,
                        GError     **error)
{
  g_autofree char *fallback = NULL;
  g_autofree char *passphrase = NULL;
  InvolveIdentity *identity;

  if (key_path == NULL)
    key_path = g_getenv ("INVOLVE_KEY");
  if (key_path == NULL)
    key_path = fallback = involve_identity_dup_default_path ();
  if (!g_file_test (key_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("There is no signing key at “%s”. Create one with “involve-cli key create” or name yours with --key FILE."),
                   key_path);
      return NULL;
    }
  passphrase = read_passphrase (passphrase_file, key_path, error);
  if (passphrase == NULL)
    return NULL;
  identity = involve_identity_load (key_path, passphrase, error);
  memset (passphrase, 0, strlen (passphrase));
  return identity;
}

static int
trust_add (InvolveStore *store,
           int           argc,
           char        **argv)
{
  g_autofree char *role_text = NULL;
  g_autofree char *key = NULL;
  g_autofree char *passphrase_file = NULL;
  const GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_text, N_("complete, sign-off, administer (comma-separated)"), N_("ROLES") },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key, N_("Your key file (an administrator’s)"), N_("FILE") },
    { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &passphrase_file, N_("Read the key’s passphrase from FILE"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("CERT.pem — trust a certificate in this register"));
  g_autoptr(InvolveCertificate) certificate = NULL;
  g_autoptr(InvolveIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *who = NULL;
  guint roles = 0;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = involve_cli_parse_options ("trust add", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc != 2 || role_text == NULL)
    return involve_cli_usage_error ("trust add", _("Give the certificate file and --role."));
  if (!involve_trust_roles_parse (role_text, &roles, &error))
    return involve_cli_usage_error ("trust add", "%s", error->message);

  certificate = involve_certificate_new_from_file (argv[1], &error);
  if (certificate == NULL)
    return involve_cli_fail (argv[1], error);
  identity = involve_cli_unlock_key (key, passphrase_file, &error);
  if (identity == NULL)
    return involve_cli_fail (NULL, error);
  involve_store_set_identity (store, identity);
  if (!involve_store_trust_add (store, certificate, roles, &error))
    return involve_cli_fail (NULL, error);
  who = involve_certificate_dup_description (certificate);
  printf (_("Trusted %s as %s.\n"), who, role_text);
  return 0;
}

static int
trust_remove (InvolveStore *store,
              int           argc,
              char        **argv)
{
  g_autofree char *key = NULL;
  g_autofree char *passphrase_file = NULL;
  const GOptionEntry entries[] = {
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key, N_("Your key file (an administrator’s)"), N_("FILE") },
    { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &passphrase_file, N_("Read the key’s passphrase from FILE"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FINGERPRINT — take every role from a certificate"));
  g_autoptr(InvolveIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = involve_cli_parse_options ("trust remove", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc != 2)
    return involve_cli_usage_error ("trust remove", _("Give the certificate’s fingerprint."));
  identity = involve_cli_unlock_key (key, passphrase_file, &error);
  if (identity == NULL)
    return involve_cli_fail (NULL, error);
  involve_store_set_identity (store, identity);
  if (!involve_store_trust_remove (store, argv[1], &error))
    return involve_cli_fail (NULL, error);
  printf (_("%s is no longer trusted.\n"), argv[1]);
  return 0;
}

static int
trust_list (InvolveStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = involve_store_trust_list (store, &error);

  if (list == NULL)
    return involve_cli_fail (NULL, error);
  if (list->len == 0)
    printf (_("Nobody is trusted in this register yet.\n"));
  for (guint i = 0; i < list->len; i++)
    {
      InvolveTrustEntry *entry = list->pdata[i];
      g_autofree char *roles = involve_trust_roles_to_string (entry->roles);

      printf ("%s\t%s\t%s\t%s\n", entry->fingerprint, roles,
              entry->name != NULL ? entry->name : "-", entry->email != NULL ? entry->email : "-");
    }
  return 0;
}

int
involve_cli_trust (const char  *database_path,
                   int          argc,
                   char       **argv)
{
  g_autoptr(InvolveStore) store = NULL;
  const char *usage = _("Usage: involve-cli trust add CERT.pem --role ROLES | list | remove FINGERPRINT");

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      printf ("%s\n", usage);
      return argc < 2 ? 2 : 0;
    }
  if (!g_str_equal (argv[1], "add") && !g_str_equal (argv[1], "list") && !g_str_equal (argv[1], "remove"))
    return involve_cli_usage_error ("trust", _("Unknown action “%s”: add, list or remove."), argv[1]);
  if (g_str_equal (argv[1], "list") && argc > 2)
    return involve_cli_usage_error ("trust", _("Unexpected argument “%s”."), argv[2]);

  store = involve_cli_open_store (database_path);
  if (store == NULL)
    return 1;
  if (g_str_equal (argv[1], "add"))
    return trust_add (store, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "remove"))
    return trust_remove (store, argc - 1, argv + 1);
  return trust_list (store);
}
