/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-cli"

#include "config.h"

#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "cli-commands.h"
#include "involve-export-store.h"
#include "involve-paths.h"
#include "involve-pdf-sign.h"

/*
 * Export and import: evidence PDFs, XML exchange files and sign-off by file.
 *   export REF --pdf FILE [--public] [--version N]
 *   export REF... --pdf DIR [--public]
 *   export REF... --xml FILE        (or --all)
 *   import FILE
 *   check-pdf [--trust CERTS.pem] FILE
 *   signoff-request REF FILE
 *   signoff-respond REQUEST --decision signed-off|returned --name NAME ... --out RESPONSE
 *   signoff-apply RESPONSE
 */

/* A reference as a file name: anything but letters, digits, "-" and "_" becomes "_". */
static char *
dup_file_name (const char *reference,
               gboolean    public_version)
{
  g_autofree char *safe = g_strdup (reference);

  for (char *p = safe; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        *p = '_';
    }
  if (*safe == '\0' || *safe == '-')
    {
      g_autofree char *prefixed = g_strconcat ("_", safe, NULL);
      g_free (safe);
      safe = g_steal_pointer (&prefixed);
    }
  return g_strdup_printf (public_version ? "%s-public.pdf" : "%s.pdf", safe);
}

/*
 * export REF... --pdf DIR: one PDF a record, named by its reference.  A
 * record that fails is named and skipped; the rest are still written, and
 * the exit status is 1 when any failed.
 */
static int
export_pdfs (InvolveStore       *store,
             const char         *directory,
             gboolean            public_version,
             guint               version,
             int                 n_references,
             const char * const *references)
{
  InvolveDefinitions *definitions;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) failed = g_ptr_array_new ();
  g_autoptr(GHashTable) written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean progress = isatty (fileno (stderr));
  int n_written = 0;

  definitions = involve_definitions_get_default (&error);
  if (definitions == NULL)
    return involve_cli_fail (NULL, error);
  if (g_mkdir_with_parents (directory, 0700) != 0 || !g_file_test (directory, G_FILE_TEST_IS_DIR))
    {
      int saved_errno = errno;

      fprintf (stderr, _("Could not create the folder “%s”: %s\n"), directory,
               g_strerror (saved_errno));
      return 1;
    }

  for (int i = 0; i < n_references; i++)
    {
      const char *reference = references[i];
      g_autofree char *uuid = NULL;
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;
      g_autoptr(GError) local_error = NULL;

      if (progress)
        {
          fprintf (stderr, _("\r[%d/%d] %s…"), i + 1, n_references, reference);
          fprintf (stderr, "\033[K");
          fflush (stderr);
        }

      uuid = involve_store_lookup_reference (store, reference, &local_error);
      if (uuid != NULL)
        {
          name = dup_file_name (reference, public_version);
          path = g_build_filename (directory, name, NULL);
          /* The same record named twice is written once. */
          if (g_hash_table_contains (written, path))
            continue;
          if (involve_export_pdf (store, definitions, uuid, version,
                                  public_version ? INVOLVE_EVIDENCE_PUBLIC : INVOLVE_EVIDENCE_FULL,
                                  path, &local_error))
            {
              g_hash_table_add (written, g_steal_pointer (&path));
              n_written++;
              continue;
            }
        }

      if (progress)
        fprintf (stderr, "\r\033[K");
      fprintf (stderr, "%s: %s\n", reference, local_error->message);
      g_ptr_array_add (failed, (gpointer) reference);
    }
  if (progress)
    fprintf (stderr, "\r\033[K");

  if (failed->len == 0)
    {
      printf (g_dngettext (GETTEXT_PACKAGE, "Wrote %d evidence PDF to %s\n",
                           "Wrote %d evidence PDFs to %s\n", (gulong) n_written),
              n_written, directory);
      return 0;
    }

  g_ptr_array_add (failed, NULL);
  {
    g_autofree char *names = g_strjoinv (", ", (char **) failed->pdata);

    printf (g_dngettext (GETTEXT_PACKAGE, "Wrote %d evidence PDF to %s; failed: %s\n",
                         "Wrote %d evidence PDFs to %s; failed: %s\n", (gulong) n_written),
            n_written, directory, names);
  }
  return 1;
}

int
involve_cli_export (const char  *database_path,
                    int          argc,
                    char       **argv)
{
  g_autofree char *pdf_path = NULL;
  g_autofree char *xml_path = NULL;
  gboolean public_version = FALSE;
  gboolean all = FALSE;
  int version = 0;
  const GOptionEntry entries[] = {
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf_path,
      N_("Write the evidence PDF to FILE, or one PDF a record into the folder DIR"), N_("FILE|DIR") },
    { "public", 0, 0, G_OPTION_ARG_NONE, &public_version,
      N_("The public version: without staff names and contact details"), NULL },
    { "version", 0, 0, G_OPTION_ARG_INT, &version, N_("Which version (default: the latest)"), N_("N") },
    { "xml", 0, 0, G_OPTION_ARG_FILENAME, &xml_path,
      N_("Write the records with their history to an XML exchange FILE"), N_("FILE") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("With --xml: every record in the register"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("REF… — export records"));
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  involve_cli_add_key_options (context);
  status = involve_cli_parse_options ("export", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;

  if ((pdf_path == NULL) == (xml_path == NULL))
    return involve_cli_usage_error ("export", _("Give either --pdf FILE or --xml FILE."));
  if (pdf_path != NULL && all)
    return involve_cli_usage_error ("export", _("--all works with --xml only; give the references to export."));
  if (pdf_path != NULL && argc < 2)
    return involve_cli_usage_error ("export", _("Give the references of the records to export."));
  if (pdf_path != NULL && argc > 2 && version != 0)
    return involve_cli_usage_error ("export", _("--version works with one reference only."));
  if (xml_path != NULL && argc < 2 && !all)
    return involve_cli_usage_error ("export", _("Give the references to export, or --all."));
  if (version < 0)
    return involve_cli_usage_error ("export", _("--version must be a positive number."));

  store = involve_cli_open_store (database_path);
  if (store == NULL)
    return 1;
  /* The register head the file carries is signed when a key is given;
   * an evidence PDF, one or many, is always signed with the exporter's key. */
  if (pdf_path != NULL ? !involve_cli_unlock_identity (store, &error)
                       : !involve_cli_unlock_identity_if_asked (store, &error))
    return involve_cli_fail (NULL, error);

  /* One reference and a path that is not a folder: that file, as before. */
  if (pdf_path != NULL && argc == 2 && !g_file_test (pdf_path, G_FILE_TEST_IS_DIR))
    {
      InvolveDefinitions *definitions = involve_definitions_get_default (&error);
      g_autofree char *uuid = NULL;

      if (definitions == NULL)
        return involve_cli_fail (NULL, error);
      uuid = involve_store_lookup_reference (store, argv[1], &error);
      if (uuid == NULL)
        return involve_cli_fail (argv[1], error);
      if (!involve_export_pdf (store, definitions, uuid, (guint) version,
                               public_version ? INVOLVE_EVIDENCE_PUBLIC : INVOLVE_EVIDENCE_FULL,
                               pdf_path, &error))
        return involve_cli_fail (NULL, error);
      printf (_("Wrote %s\n"), pdf_path);
      return 0;
    }
  if (pdf_path != NULL)
    return export_pdfs (store, pdf_path, public_version, (guint) version, argc - 1,
                        (const char * const *) argv + 1);
  else
    {
      g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);

      for (int i = 1; i < argc; i++)
        {
          char *uuid = involve_store_lookup_reference (store, argv[i], &error);

          if (uuid == NULL)
            return involve_cli_fail (argv[i], error);
          g_ptr_array_add (uuids, uuid);
        }
      g_ptr_array_add (uuids, NULL);

      if (!involve_export_xml (store, all ? NULL : (const char * const *) uuids->pdata, xml_path,
                               &error))
        return involve_cli_fail (NULL, error);
      printf (_("Wrote %s\n"), xml_path);
      return 0;
    }
}

/* What import, check-pdf and signoff-apply do with their one file. */
typedef gboolean (*FileAction) (InvolveStore  *store,
                                const char    *path,
                                char         **summary,
                                GError       **error);

/* Parses a command that takes one file, opens the register, runs @action
 * on the file and prints its summary. */
static int
run_on_file (const char  *command,
             const char  *parameters,
             const char  *missing,
             FileAction   action,
             const char  *database_path,
             int          argc,
             char       **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  int status;

  status = involve_cli_parse_options (command, context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc != 2)
    return involve_cli_usage_error (command, "%s", missing);

  store = involve_cli_open_store (database_path);
  if (store == NULL)
    return 1;
  /* The register head the file carries is signed when a key is given. */
  if (!involve_cli_unlock_identity_if_asked (store, &error))
    return involve_cli_fail (NULL, error);

  if (!action (store, argv[1], &summary, &error))
    return involve_cli_fail (NULL, error);
  printf ("%s\n", summary);
  return 0;
}

static gboolean
import_xml (InvolveStore  *store,
            const char    *path,
            char         **summary,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (involve_import_xml (store, path, summary, &local_error))
    return TRUE;
  /* Not a failure: what the file holds is there. */
  if (g_error_matches (local_error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_DUPLICATE))
    {
      *summary = g_strdup (local_error->message);
      return TRUE;
    }
  g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s\n", _("Nothing was imported."));
  return FALSE;
}

int
involve_cli_import (const char  *database_path,
                    int          argc,
                    char       **argv)
{
  return run_on_file ("import", _("FILE — import an XML exchange file"), _("Give one file to import."),
                      import_xml, database_path, argc, argv);
}

int
involve_cli_check_pdf (const char  *database_path,
                       int          argc,
                       char       **argv)
{
  g_autofree char *trust_path = NULL;
  const GOptionEntry entries[] = {
    { "trust", 0, 0, G_OPTION_ARG_FILENAME, &trust_path,
      N_("Trust the signers whose certificates (PEM or DER) are in FILE, or are issued by one of them"),
      N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("FILE — check an evidence PDF’s signature, and that it matches the register"));
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GPtrArray) trusted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;
  int status;

  g_option_context_set_description (context,
    _("Without --database or --portable no register is needed: the signature is checked "
      "against the certificates given with --trust. With a register, its trust list counts "
      "too, and the version the PDF names must be in the register, unchanged and current."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = involve_cli_parse_options ("check-pdf", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc != 2)
    return involve_cli_usage_error ("check-pdf", "%s", _("Give one PDF file."));

  if (trust_path != NULL)
    {
      trusted = involve_pdf_read_certificates (trust_path, &error);
      if (trusted == NULL)
        return involve_cli_fail (NULL, error);
    }
  /* The default register only when one was asked for: a PDF can be
   * checked anywhere, by anyone. */
  if (database_path != NULL || involve_paths_get_portable_dir () != NULL)
    {
      store = involve_cli_open_store (database_path);
      if (store == NULL)
        return 1;
    }

  if (!involve_export_check_signed_pdf (store, argv[1], trusted, &report, &error))
    return involve_cli_fail (NULL, error);
  printf ("%s\n", report);
  return 0;
}

int
involve_cli_signoff_request (const char  *database_path,
                             int          argc,
                             char       **argv)
{
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("REF FILE — write a sign-off request for a reviewer elsewhere"));
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  int status;

  status = involve_cli_parse_options ("signoff-request", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc != 3)
    return involve_cli_usage_error ("signoff-request", _("Give the record’s reference and the file to write."));

  store = involve_cli_open_store (database_path);
  if (store == NULL)
    return 1;
  /* The register head the file carries is signed when a key is given. */
  if (!involve_cli_unlock_identity_if_asked (store, &error))
    return involve_cli_fail (NULL, error);
  uuid = involve_store_lookup_reference (store, argv[1], &error);
  if (uuid == NULL)
    return involve_cli_fail (argv[1], error);

  if (!involve_export_sign_off_request (store, uuid, argv[2], &error))
    return involve_cli_fail (NULL, error);
  printf (_("Wrote %s: send it to the reviewer.\n"), argv[2]);
  return 0;
}

int
involve_cli_signoff_respond (const char  *database_path,
                             int          argc,
                             char       **argv)
{
  g_autofree char *decision = NULL;
  g_autofree char *name = NULL;
  g_autofree char *job_title = NULL;
  g_autofree char *email = NULL;
  g_autofree char *team = NULL;
  g_autofree char *comments = NULL;
  g_autofree char *date = NULL;
  g_autofree char *out = NULL;
  g_autoptr(InvolveIdentity) identity = NULL;
  const GOptionEntry entries[] = {
    { "decision", 0, 0, G_OPTION_ARG_STRING, &decision, N_("signed-off or returned"), N_("DECISION") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The reviewer’s name (your certificate’s is used)"), N_("NAME") },
    { "job-title", 0, 0, G_OPTION_ARG_STRING, &job_title, N_("The reviewer’s job title"), N_("TITLE") },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_("The reviewer’s e-mail address"), N_("ADDRESS") },
    { "team", 0, 0, G_OPTION_ARG_STRING, &team, N_("The reviewer’s team"), N_("TEAM") },
    { "comments", 0, 0, G_OPTION_ARG_STRING, &comments,
      N_("Comments (required when returning)"), N_("TEXT") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("The date of the decision (default: today)"),
      N_("YYYY-MM-DD") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Where to write the response"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("REQUEST — decide on a sign-off request and write the response"));
  g_autoptr(InvolveSignOffRequest) request = NULL;
  g_autoptr(InvolveSignOff) sign_off = involve_sign_off_new ();
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  involve_cli_add_key_options (context);
  status = involve_cli_parse_options ("signoff-respond", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc != 2)
    return involve_cli_usage_error ("signoff-respond", _("Give the sign-off request file."));
  if (decision == NULL || out == NULL)
    return involve_cli_usage_error ("signoff-respond", _("--decision and --out are required."));
  if (date != NULL && !g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", date, 0, 0))
    return involve_cli_usage_error ("signoff-respond", _("--date must be YYYY-MM-DD."));

  /* The reviewer's side needs no register: the request holds the whole version. */
  request = involve_sign_off_request_read (argv[1], &error);
  if (request == NULL)
    return involve_cli_fail (NULL, error);

  sign_off->decision = g_steal_pointer (&decision);
  sign_off->reviewer_name = g_steal_pointer (&name);
  sign_off->reviewer_job_title = g_steal_pointer (&job_title);
  sign_off->reviewer_email = g_steal_pointer (&email);
  sign_off->reviewer_team = g_steal_pointer (&team);
  sign_off->comments = g_steal_pointer (&comments);
  sign_off->date = g_steal_pointer (&date);

  identity = involve_cli_load_identity (&error);
  if (identity == NULL)
    return involve_cli_fail (NULL, error);
  if (sign_off->reviewer_name == NULL)
    sign_off->reviewer_name = g_strdup (involve_certificate_get_name (involve_identity_get_certificate (identity)));
  if (!involve_sign_off_response_write (request, sign_off, identity, out, &error))
    return involve_cli_fail (NULL, error);

  printf (_("Version %u of %s (fingerprint %s): %s. Wrote %s: send it back to the officer.\n"),
          involve_record_get_version (request->version),
          involve_record_get_reference (request->version), request->fingerprint,
          sign_off->decision, out);
  return 0;
}

int
involve_cli_signoff_apply (const char  *database_path,
                           int          argc,
                           char       **argv)
{
  return run_on_file ("signoff-apply", _("RESPONSE — apply a reviewer’s sign-off response"),
                      _("Give the response file."), involve_import_sign_off_response,
                      database_path, argc, argv);
}
