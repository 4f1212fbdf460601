/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "cli-commands.h"
#include "involve-identity.h"

/* involve-cli key: the person's own signing key (docs/keys.md). */

static const char key_usage[] =
  N_("Usage: involve-cli key COMMAND [OPTIONS…]\n"
     "\n"
     "Commands:\n"
     "  create --name NAME --email EMAIL [--organisation ORG] [--type ecdsa-p256|rsa-3072]\n"
     "                        Make a new key and certificate, protected by a passphrase\n"
     "  import FILE.p12        Take over an organisation-issued key (PKCS#12)\n"
     "  show                   Show the key’s certificate: name, e-mail, validity, fingerprint\n"
     "  export-certificate FILE\n"
     "                        Write the certificate (PEM, no secret) for the trust list\n"
     "  passwd                 Change the key’s passphrase\n"
     "  check                  Unlock the key (--key) and make a test signature\n"
     "\n"
     "Each takes --file PATH (default: --key, or identity.pem in the data folder).\n"
     "Passphrases come from --passphrase-file FILE, INVOLVE_PASSPHRASE or the terminal.");

typedef char SecretString;

static void
secret_free (SecretString *secret)
{
  if (secret != NULL)
    {
      memset (secret, 0, strlen (secret));
      g_free (secret);
    }
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SecretString, secret_free)

static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) time = NULL;

  if (usec == G_MININT64 || usec == G_MAXINT64)
    return g_strdup ("-");
  time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  if (time == NULL)
    return g_strdup ("-");
  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S UTC");
}

/* The key file to work on: --file, else --key, else the default. */
static char *
dup_path (const char *file_option,
          GError    **error)
{
  g_autofree char *path = file_option != NULL ? g_strdup (file_option) : involve_cli_dup_key_path ();

  if (g_str_has_prefix (path, "pkcs11:"))
    {
      g_set_error (error, INVOLVE_CLI_ERROR, INVOLVE_CLI_ERROR_USAGE,
                   _("A key on a smartcard is managed with the card’s own tools, not here"));
      return NULL;
    }
  return g_steal_pointer (&path);
}

static gboolean
refuse_overwrite (const char  *path,
                  gboolean     force,
                  GError     **error)
{
  g_autofree char *shown = NULL;

  if (force || !g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  shown = g_filename_display_name (path);
  g_set_error (error, INVOLVE_CLI_ERROR, INVOLVE_CLI_ERROR_FAILED,
               _("There is a key at “%s” already; signatures made with it stay valid only while "
                 "you keep it. Choose another --file, or give --force to replace it"), shown);
  return FALSE;
}

static void
print_created (InvolveIdentity *identity,
               const char      *path,
               const char      *verb)
{
  InvolveCertificate *cert = involve_identity_get_certificate (identity);
  g_autofree char *who = involve_certificate_dup_description (cert);
  g_autofree char *shown = g_filename_display_name (path);

  /* TRANSLATORS: "Created" or "Imported", then who the key belongs to */
  printf ("%s %s\n", verb, who);
  printf (_("File:        %s\n"), shown);
  printf (_("Fingerprint: %s\n"), involve_certificate_get_fingerprint (cert));
  printf ("%s\n", _("Give your certificate (involve-cli key export-certificate FILE) to whoever keeps "
                    "the register’s list of trusted people."));
}

/* Puts a new passphrase on the key and writes it to path. */
static int
save_new_key (InvolveIdentity *identity,
              const char      *path,
              const char      *verb)
{
  g_autoptr(SecretString) passphrase = NULL;
  g_autoptr(GError) error = NULL;

  passphrase = involve_cli_read_passphrase (involve_cli_get_passphrase_file (), "INVOLVE_PASSPHRASE",
                                            _("New passphrase for the key: "), TRUE, &error);
  if (passphrase == NULL)
    return involve_cli_fail (NULL, error);
  if (!involve_identity_save (identity, path, passphrase, &error))
    return involve_cli_fail (NULL, error);
  print_created (identity, path, verb);
  return 0;
}

/* The certificate of the key file chosen by --file (see dup_path ()); the
 * path is returned in out_path if that is not NULL. */
static InvolveCertificate *
load_key_certificate (const char  *file_option,
                      char       **out_path,
                      GError     **error)
{
  g_autofree char *path = dup_path (file_option, error);
  InvolveCertificate *cert;

  if (path == NULL)
    return NULL;
  cert = involve_identity_load_certificate (path, error);
  if (cert != NULL && out_path != NULL)
    *out_path = g_steal_pointer (&path);
  return cert;
}

static int
key_create (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autofree char *name = NULL;
  g_autofree char *email = NULL;
  g_autofree char *organisation = NULL;
  g_autofree char *type = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(InvolveIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  InvolveKeyType key_type = INVOLVE_KEY_ECDSA_P256;
  gboolean force = FALSE;
  int valid_days = 0;
  int status;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Your name, as others know you"), N_("NAME") },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_("Your work e-mail address"), N_("EMAIL") },
    { "organisation", 0, 0, G_OPTION_ARG_STRING, &organisation, N_("Your organisation"), N_("ORG") },
    { "type", 0, 0, G_OPTION_ARG_STRING, &type, N_("ecdsa-p256 (default) or rsa-3072"), N_("TYPE") },
    { "valid-days", 0, 0, G_OPTION_ARG_INT, &valid_days, N_("How long the certificate is valid (default: 3 years)"), N_("DAYS") },
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file, N_("Where to keep the key (default: the data folder)"), N_("PATH") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Replace an existing key file"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Make a new signing key and certificate, protected by a passphrase."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  involve_cli_add_key_options (context);
  status = involve_cli_parse_options ("key create", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc > 1)
    return involve_cli_usage_error ("key create", _("Unexpected argument “%s”."), argv[1]);
  if (name == NULL || *g_strstrip (name) == '\0')
    return involve_cli_usage_error ("key create", _("Give your name with --name NAME."));
  if (email == NULL || *g_strstrip (email) == '\0')
    return involve_cli_usage_error ("key create", _("Give your e-mail address with --email EMAIL."));
  if (type == NULL || g_str_equal (type, "ecdsa-p256"))
    key_type = INVOLVE_KEY_ECDSA_P256;
  else if (g_str_equal (type, "rsa-3072"))
    key_type = INVOLVE_KEY_RSA_3072;
  else
    return involve_cli_usage_error ("key create", _("Unknown key type “%s”: use ecdsa-p256 or rsa-3072."), type);
  if (valid_days < 0 || valid_days > 50 * 366)
    return involve_cli_usage_error ("key create", _("--valid-days must be between 1 and 18300."));

  path = dup_path (file, &error);
  if (path == NULL || !refuse_overwrite (path, force, &error))
    return involve_cli_fail (NULL, error);
  /* Check the answers before asking for a passphrase. */
  identity = involve_identity_generate (name, email, organisation, key_type, (guint) valid_days, &error);
  if (identity == NULL)
    return involve_cli_fail (NULL, error);
  return save_new_key (identity, path, _("Created a signing key for"));
}

static int
key_import (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE.p12"));
  g_autofree char *file = NULL;
  g_autofree char *p12_file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(SecretString) p12_pass = NULL;
  g_autoptr(InvolveIdentity) identity = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  gboolean force = FALSE;
  gsize size = 0;
  int status;
  const GOptionEntry entries[] = {
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file, N_("Where to keep the key (default: the data folder)"), N_("PATH") },
    { "pkcs12-passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &p12_file,
      N_("Read the PKCS#12 file’s password from FILE (or set INVOLVE_PKCS12_PASSPHRASE)"), N_("FILE") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Replace an existing key file"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Take over a key and certificate your organisation issued as a "
                                           "PKCS#12 file (.p12, .pfx); it is kept under a passphrase of yours."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  involve_cli_add_key_options (context);
  status = involve_cli_parse_options ("key import", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc < 2)
    return involve_cli_usage_error ("key import", _("Name the PKCS#12 file to import."));
  if (argc > 2)
    return involve_cli_usage_error ("key import", _("Unexpected argument “%s”."), argv[2]);

  path = dup_path (file, &error);
  if (path == NULL || !refuse_overwrite (path, force, &error))
    return involve_cli_fail (NULL, error);
  if (!g_file_get_contents (argv[1], &contents, &size, &error))
    return involve_cli_fail (NULL, error);
  data = g_bytes_new_take (g_steal_pointer (&contents), size);

  p12_pass = involve_cli_read_passphrase (p12_file, "INVOLVE_PKCS12_PASSPHRASE",
                                          _("Password of the PKCS#12 file: "), FALSE, &error);
  if (p12_pass == NULL)
    return involve_cli_fail (NULL, error);
  identity = involve_identity_import_pkcs12 (data, p12_pass, &error);
  if (identity == NULL)
    {
      g_autofree char *shown = g_filename_display_name (argv[1]);

      return involve_cli_fail (shown, error);
    }
  return save_new_key (identity, path, _("Imported the signing key of"));
}

static int
key_show (int    argc,
          char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;
  g_autofree char *type = NULL;
  g_autoptr(InvolveCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  int status;
  const GOptionEntry entries[] = {
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file, N_("The key file (default: --key, or the data folder’s)"), N_("PATH") },
    { NULL }
  };

  g_option_context_set_summary (context, _("Show whose key it is; needs no passphrase."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = involve_cli_parse_options ("key show", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc > 1)
    return involve_cli_usage_error ("key show", _("Unexpected argument “%s”."), argv[1]);

  cert = load_key_certificate (file, &path, &error);
  if (cert == NULL)
    return involve_cli_fail (NULL, error);

  shown = g_filename_display_name (path);
  from = format_time (involve_certificate_get_not_before (cert));
  until = format_time (involve_certificate_get_not_after (cert));
  type = involve_certificate_dup_key_description (cert);
  printf (_("Name:         %s\n"), involve_certificate_get_name (cert) ? involve_certificate_get_name (cert) : "-");
  printf (_("E-mail:       %s\n"), involve_certificate_get_email (cert) ? involve_certificate_get_email (cert) : "-");
  printf (_("Organisation: %s\n"),
          involve_certificate_get_organisation (cert) ? involve_certificate_get_organisation (cert) : "-");
  printf (_("Key type:     %s\n"), type);
  printf (_("Valid from:   %s\n"), from);
  printf (_("Valid until:  %s\n"), until);
  printf (_("Fingerprint:  %s\n"), involve_certificate_get_fingerprint (cert));
  printf (_("File:         %s\n"), shown);
  if (now > involve_certificate_get_not_after (cert))
    printf ("%s\n", _("This certificate has expired: signatures made with it now are refused."));
  else if (now < involve_certificate_get_not_before (cert))
    printf ("%s\n", _("This certificate is not valid yet: check the computer’s clock."));
  return 0;
}

static int
key_export_certificate (int    argc,
                        char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE"));
  g_autofree char *file = NULL;
  g_autofree char *pem = NULL;
  g_autoptr(InvolveCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  const GOptionEntry entries[] = {
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file, N_("The key file (default: --key, or the data folder’s)"), N_("PATH") },
    { NULL }
  };

  g_option_context_set_summary (context, _("Write the key’s certificate (PEM, no secret) to FILE, or to "
                                           "standard output for “-”, for the register’s trust list."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = involve_cli_parse_options ("key export-certificate", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc < 2)
    return involve_cli_usage_error ("key export-certificate", _("Name the file to write the certificate to."));
  if (argc > 2)
    return involve_cli_usage_error ("key export-certificate", _("Unexpected argument “%s”."), argv[2]);

  cert = load_key_certificate (file, NULL, &error);
  if (cert == NULL)
    return involve_cli_fail (NULL, error);
  pem = involve_certificate_dup_pem (cert);
  if (g_str_equal (argv[1], "-"))
    {
      fputs (pem, stdout);
      return 0;
    }
  if (!g_file_set_contents_full (argv[1], pem, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error))
    return involve_cli_fail (NULL, error);
  {
    g_autofree char *who = involve_certificate_dup_description (cert);
    g_autofree char *shown = g_filename_display_name (argv[1]);

    printf (_("Wrote the certificate of %s to %s\n"), who, shown);
  }
  return 0;
}

static int
key_passwd (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autofree char *file = NULL;
  g_autofree char *new_file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(SecretString) old_pass = NULL;
  g_autoptr(SecretString) new_pass = NULL;
  g_autoptr(InvolveIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  const GOptionEntry entries[] = {
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file, N_("The key file (default: --key, or the data folder’s)"), N_("PATH") },
    { "new-passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &new_file,
      N_("Read the new passphrase from FILE (or set INVOLVE_NEW_PASSPHRASE)"), N_("FILE") },
    { NULL }
  };

  g_option_context_set_summary (context, _("Change the key’s passphrase; the key and its certificate stay the same."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  involve_cli_add_key_options (context);
  status = involve_cli_parse_options ("key passwd", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc > 1)
    return involve_cli_usage_error ("key passwd", _("Unexpected argument “%s”."), argv[1]);

  path = dup_path (file, &error);
  if (path == NULL)
    return involve_cli_fail (NULL, error);
  shown = g_filename_display_name (path);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (&error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_NOT_FOUND,
                   _("There is no signing key at “%s”"), shown);
      return involve_cli_fail (NULL, error);
    }
  old_pass = involve_cli_read_passphrase (involve_cli_get_passphrase_file (), "INVOLVE_PASSPHRASE",
                                          _("Current passphrase: "), FALSE, &error);
  if (old_pass == NULL)
    return involve_cli_fail (NULL, error);
  identity = involve_identity_load (path, old_pass, &error);
  if (identity == NULL)
    return involve_cli_fail (NULL, error);
  new_pass = involve_cli_read_passphrase (new_file, "INVOLVE_NEW_PASSPHRASE",
                                          _("New passphrase: "), TRUE, &error);
  if (new_pass == NULL)
    return involve_cli_fail (NULL, error);
  if (!involve_identity_save (identity, path, new_pass, &error))
    return involve_cli_fail (NULL, error);
  printf (_("Changed the passphrase of %s\n"), shown);
  return 0;
}

/* Unlocks the key as every signed act does, and proves it signs. */
static int
key_check (int    argc,
           char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(InvolveIdentity) identity = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *who = NULL;
  g_autofree char *text = NULL;
  InvolveCertificate *cert;
  int status;

  g_option_context_set_summary (context, _("Unlock the signing key as a signed act would, and check that "
                                           "it makes signatures its certificate accepts."));
  involve_cli_add_key_options (context);
  status = involve_cli_parse_options ("key check", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc > 1)
    return involve_cli_usage_error ("key check", _("Unexpected argument “%s”."), argv[1]);

  identity = involve_cli_load_identity (&error);
  if (identity == NULL)
    return involve_cli_fail (NULL, error);
  cert = involve_identity_get_certificate (identity);
  text = g_strdup_printf ("involve-key-check-1\nfingerprint=64:%s\n", involve_certificate_get_fingerprint (cert));
  data = g_bytes_new (text, strlen (text));
  signature = involve_identity_sign (identity, data, &error);
  if (signature == NULL || !involve_certificate_verify (cert, data, signature, 0, &error))
    return involve_cli_fail (NULL, error);
  who = involve_certificate_dup_description (cert);
  printf (_("The key of %s is unlocked and signs.\n"), who);
  return 0;
}

int
involve_cli_key (const char  *database_path,
                 int          argc,
                 char       **argv)
{
  static const struct
  {
    const char *name;
    int (*run) (int argc, char **argv);
  } sub[] = {
    { "create", key_create },
    { "import", key_import },
    { "show", key_show },
    { "export-certificate", key_export_certificate },
    { "passwd", key_passwd },
    { "check", key_check },
  };

  if (argc < 2)
    return involve_cli_usage_error ("key", _("Name what to do: create, import, show, export-certificate, passwd or check."));
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      printf ("%s\n", _(key_usage));
      return 0;
    }
  if (argv[1][0] == '-')
    return involve_cli_usage_error ("key", _("Unknown option %s"), argv[1]);
  for (guint i = 0; i < G_N_ELEMENTS (sub); i++)
    if (g_str_equal (argv[1], sub[i].name))
      return sub[i].run (argc - 1, argv + 1);
  return involve_cli_usage_error ("key", _("Unknown key command “%s”."), argv[1]);
}
