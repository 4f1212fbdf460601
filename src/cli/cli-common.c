/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-cli"

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "cli-commands.h"

/* What every command shares: the register, option parsing, usage errors. */

static gboolean create_requested;

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

  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error,
                          "path", database_path, "create", create, NULL);
  if (store == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return NULL;
    }
  /* Reading a damaged register still works; say so before anything else. */
  damage = involve_store_dup_damage (store);
  if (damage != NULL)
    fprintf (stderr, "%s\n", damage);
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

int
involve_cli_fail (const char   *what,
                  const GError *error)
{
  if (what != NULL)
    fprintf (stderr, "%s: %s\n", what, error->message);
  else
    fprintf (stderr, "%s\n", error->message);
  return 1;
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
