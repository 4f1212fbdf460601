/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-cli"

#include "config.h"

#include <stdio.h>
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
 * Changing the list is signed with the acting person's key (--key FILE,
 * --passphrase-file FILE or $INVOLVE_PASSPHRASE: cli-common.c), which must
 * be an administrator's, or the register's first.
 */

static int
trust_add (InvolveStore *store,
           int           argc,
           char        **argv)
{
  g_autofree char *role_text = NULL;
  const GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_text, N_("complete, sign-off, administer (comma-separated)"), N_("ROLES") },
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
  involve_cli_add_key_options (context);
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
  identity = involve_cli_load_identity (&error);
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
  const GOptionEntry entries[] = {
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FINGERPRINT — take every role from a certificate"));
  g_autoptr(InvolveIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  involve_cli_add_key_options (context);
  status = involve_cli_parse_options ("trust remove", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc != 2)
    return involve_cli_usage_error ("trust remove", _("Give the certificate’s fingerprint."));
  identity = involve_cli_load_identity (&error);
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
