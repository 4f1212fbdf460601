/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "cli-commands.h"
#include "involve-db.h"
#include "involve-paths.h"

/* Add a command: declare its function here and list it in commands[]. */

static const InvolveCliCommand commands[] = {
  { "export", N_("Export a record as an evidence PDF (--pdf) or records as XML (--xml)"), involve_cli_export },
  { "import", N_("Import an XML exchange file"), involve_cli_import },
  { "check-pdf", N_("Check that an evidence PDF matches the register"), involve_cli_check_pdf },
  { "signoff-request", N_("Write a sign-off request file for a reviewer elsewhere"), involve_cli_signoff_request },
  { "signoff-respond", N_("Sign off or return a sign-off request; write the response file"), involve_cli_signoff_respond },
  { "signoff-apply", N_("Apply a reviewer's sign-off response file"), involve_cli_signoff_apply },
  { "list", N_("List the register: reference, status, outcome, title"), involve_cli_list },
  { "show", N_("Show one record: fields, versions, sign-off"), involve_cli_show },
  { "history", N_("Show the audit trail of one record, or of the whole register"), involve_cli_history },
  { "log", N_("Add an activity, feedback, response or evaluation to a signed-off record's involvement log"), involve_cli_log },
  { "involvement", N_("Show a record's involvement log, or write its “you said, we did” PDF"), involve_cli_involvement },
  { "report", N_("The annual report for a financial year, as a PDF and CSV"), involve_cli_report },
  { "verify", N_("Check the audit chain and the fingerprints of signed-off versions"), involve_cli_verify },
  { "backup", N_("Write a consistent copy of the register to a new file"), involve_cli_backup },
  { "copy", N_("Copy a register with its whole history between a file and a team server"), involve_cli_copy },
  { "create", N_("Start a new, empty register at --database PATH"), involve_cli_create },
  { "restore", N_("Put a backup back in place of a damaged register, keeping the damaged file"), involve_cli_restore },
  { "assess", N_("Run the three-step test: does the duty to involve apply?"), involve_cli_assess },
  { "paths", N_("Show where the register, backups and settings are kept"), involve_cli_paths },
  { "definitions", N_("Check or list the form definitions, frameworks and reference lists"), involve_cli_definitions },
  { "trust", N_("Trust certificates to complete, sign off or administer; list or remove them"), involve_cli_trust },
  { "server-setup", N_("Set up a team register on a PostgreSQL server (for IT departments)"), involve_cli_server_setup },
  { "server-add-person", N_("Let a person's login role act in a team register on a server"), involve_cli_server_add_person },
  { "demo", N_("Fill an empty register with sample records in every state"), involve_cli_demo },
  { "key", N_("Create, import, show or export your signing key"), involve_cli_key },
  { NULL, NULL, NULL },
};

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n", _("Usage: involve-cli [--portable DIR] [--database PATH [--create]] [--key FILE] [--passphrase-file FILE] COMMAND [ARGUMENTS…]"));
  fprintf (stream, "%s\n\n", _("PATH is a register file, or a team register's connection string (“host=… dbname=…” or “postgresql://…”)."));
  fprintf (stream, "%s\n", _("Commands:"));
  for (guint i = 0; commands[i].name != NULL; i++)
    fprintf (stream, "  %-16s %s\n", commands[i].name, _(commands[i].summary));
}

int
main (int   argc,
      char *argv[])
{
  const char *database_path = NULL;
  gboolean create = FALSE;
  int first = 1;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* --key and --passphrase-file, for every command that acts. */
  if (!involve_cli_take_key_options (&argc, argv))
    return 2;

  /* Global options come before the command. */
  while (first < argc && g_str_has_prefix (argv[first], "-"))
    {
      if (g_str_equal (argv[first], "--database") && first + 1 < argc)
        {
          database_path = argv[first + 1];
          first += 2;
        }
      else if (g_str_has_prefix (argv[first], "--database="))
        {
          database_path = argv[first] + strlen ("--database=");
          first += 1;
        }
      else if (g_str_equal (argv[first], "--portable") && first + 1 < argc)
        {
          involve_paths_set_portable_dir (argv[first + 1]);
          first += 2;
        }
      else if (g_str_has_prefix (argv[first], "--portable="))
        {
          involve_paths_set_portable_dir (argv[first] + strlen ("--portable="));
          first += 1;
        }
      else if (g_str_equal (argv[first], "--create"))
        {
          create = TRUE;
          first += 1;
        }
      else if (g_str_equal (argv[first], "--help") || g_str_equal (argv[first], "-h"))
        {
          print_usage (stdout);
          return 0;
        }
      else if (g_str_equal (argv[first], "--version"))
        {
          printf ("involve-cli %s\n", PACKAGE_VERSION);
          return 0;
        }
      else
        {
          fprintf (stderr, _("Unknown option “%s”.\n"), argv[first]);
          print_usage (stderr);
          return 2;
        }
    }

  if (first >= argc)
    {
      print_usage (stderr);
      return 2;
    }
  /* A connection string is taken as it is: it names no file. */
  if (create && involve_db_location_is_server (database_path))
    {
      involve_cli_refuse_server_create ();
      return 2;
    }
  involve_cli_set_create (create);

  for (guint i = 0; commands[i].name != NULL; i++)
    {
      if (g_str_equal (commands[i].name, argv[first]))
        return commands[i].run (database_path, argc - first, argv + first);
    }

  fprintf (stderr, _("Unknown command “%s”.\n"), argv[first]);
  print_usage (stderr);
  return 2;
}
