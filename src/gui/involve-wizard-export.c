/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-wizard-export"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "involve-export-store.h"
#include "involve-pdf-sign.h"
#include "involve-unlock-dialog.h"
#include "involve-fingerprint.h"
#include "involve-wizard-export.h"

typedef struct
{
  GtkWidget          *wizard;
  InvolveStore       *store;
  InvolveDefinitions *definitions;
  InvolveRecord      *record;
  char               *request_fingerprint; /* the record came in a sign-off request */
  char               *action;
  char               *chooser_title; /* the file chooser's, once it is wanted */
  char               *chooser_name;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_object_unref (job->wizard);
  g_object_unref (job->store);
  g_object_unref (job->definitions);
  g_object_unref (job->record);
  g_free (job->request_fingerprint);
  g_free (job->action);
  g_free (job->chooser_title);
  g_free (job->chooser_name);
  g_free (job);
}

static ExportJob *
export_job_new (GtkWidget                   *wizard,
                InvolveStore                *store,
                InvolveDefinitions          *definitions,
                InvolveRecord               *record,
                const InvolveSignOffRequest *request,
                const char                  *action_name)
{
  ExportJob *job = g_new0 (ExportJob, 1);

  job->wizard = g_object_ref (wizard);
  job->store = g_object_ref (store);
  job->definitions = g_object_ref (definitions);
  /* A copy of what the request holds: the wizard may let go of it while a
   * file chooser is open. */
  job->record = g_object_ref (request != NULL ? request->version : record);
  job->request_fingerprint = request != NULL ? g_strdup (request->fingerprint) : NULL;
  job->action = g_strdup (action_name);
  return job;
}

/*
 * The evidence document of the record shown.  A reviewer's register does
 * not hold a record that came in a sign-off request, so its document is
 * made from the request alone: the one version, with the fingerprint the
 * request carries (checked against the content when the file was read)
 * and its outcome, but no history or audit trail, which the request does
 * not carry; the document says so.
 */
static InvolveEvidenceDocument *
dup_document (ExportJob            *job,
              InvolveEvidenceKind   kind,
              GError              **error)
{
  InvolveEvidenceDocument *document;

  if (job->request_fingerprint == NULL)
    return involve_export_evidence_document (job->store, job->definitions,
                                             involve_record_get_uuid (job->record),
                                             involve_record_get_version (job->record),
                                             kind, error);

  document = involve_evidence_document_new (job->definitions, job->record, kind);
  involve_evidence_document_set_fingerprint (document, job->request_fingerprint);
  involve_evidence_document_derive_assessment (document);
  return document;
}

/* The request's PDF, logged in the reviewer's register as a register-wide
 * event, since the record is not in it. */
static gboolean
write_request_pdf (ExportJob            *job,
                   InvolveEvidenceKind   kind,
                   const char           *path,
                   GError              **error)
{
  g_autoptr(InvolveEvidenceDocument) document = dup_document (job, kind, error);
  g_autofree char *basename = NULL;
  g_autofree char *details = NULL;

  InvolveIdentity *identity = involve_store_get_identity (job->store);
  InvolveCertificate *certificate;

  if (document == NULL ||
      !involve_evidence_document_write_signed_pdf (document, path, identity,
                                                   _("Evidence of a sign-off request"), error))
    return FALSE;
  certificate = involve_identity_get_certificate (identity);
  basename = g_path_get_basename (path);
  details = g_strdup_printf (kind == INVOLVE_EVIDENCE_PUBLIC
                             ? _("Evidence PDF, public version, of the sign-off request for %s version %u written to “%s” (%u pages, fingerprint %s), signed by certificate SHA-256 %s")
                             : _("Evidence PDF of the sign-off request for %s version %u written to “%s” (%u pages, fingerprint %s), signed by certificate SHA-256 %s"),
                             involve_record_get_reference (job->record), involve_record_get_version (job->record),
                             basename, involve_evidence_document_get_n_pages (document), job->request_fingerprint,
                             involve_certificate_get_fingerprint (certificate));
  return involve_store_log_event (job->store, INVOLVE_AUDIT_EXPORT, NULL, 0, details, error);
}

static void
show_result (GtkWidget  *wizard,
             const char *heading,
             const char *body)
{
  GtkRoot *root = gtk_widget_get_root (wizard);
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
write_file (ExportJob   *job,
            const char  *path,
            GError     **error)
{
  const char *uuid = involve_record_get_uuid (job->record);
  guint version = involve_record_get_version (job->record);

  if (job->request_fingerprint != NULL)
    {
      if (g_str_equal (job->action, "wizard.export-pdf"))
        return write_request_pdf (job, INVOLVE_EVIDENCE_FULL, path, error);
      if (g_str_equal (job->action, "wizard.export-public-pdf"))
        return write_request_pdf (job, INVOLVE_EVIDENCE_PUBLIC, path, error);
      /* The wizard disables the others for a request. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("A sign-off request can only be exported as PDF or printed."));
      return FALSE;
    }

  if (g_str_equal (job->action, "wizard.export-pdf"))
    return involve_export_pdf (job->store, job->definitions, uuid, version, INVOLVE_EVIDENCE_FULL, path, error);
  if (g_str_equal (job->action, "wizard.export-public-pdf"))
    return involve_export_pdf (job->store, job->definitions, uuid, version, INVOLVE_EVIDENCE_PUBLIC, path, error);
  if (g_str_equal (job->action, "wizard.export-xml"))
    {
      const char *uuids[] = { uuid, NULL };
      return involve_export_xml (job->store, uuids, path, error);
    }
  if (g_str_equal (job->action, "wizard.export-request"))
    return involve_export_sign_off_request (job->store, uuid, path, error);

  g_assert_not_reached ();
  return FALSE;
}

/*
 * Writing runs in a thread: the evidence PDF of a record with a
 * 100,000-word answer and 10,000 audit entries has some 2,000 pages and
 * takes a minute to lay out, which must not freeze the window.  The store
 * may be used from several threads; the job holds its own references.
 */
static void
write_file_thread (GTask        *task,
                   gpointer      source,
                   gpointer      data,
                   GCancellable *cancellable)
{
  ExportJob *job = data;
  const char *path = g_object_get_data (G_OBJECT (task), "path");
  GError *error = NULL;

  if (write_file (job, path, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
write_file_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  GTask *task = G_TASK (result);
  ExportJob *job = g_task_get_task_data (task);
  const char *path = g_object_get_data (G_OBJECT (task), "path");
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (task, &error))
    show_result (job->wizard, _("Export Failed"), error->message);
  else
    {
      g_autofree char *body = g_strdup_printf (_("Saved to %s"), path);
      show_result (job->wizard, _("Exported"), body);
    }
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     ExportJob       *job)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (path == NULL)
        show_result (job->wizard, _("Export Failed"), _("Choose a local file."));
      else
        {
          g_autoptr(GTask) task = g_task_new (NULL, NULL, write_file_done_cb, NULL);

          g_object_set_data_full (G_OBJECT (task), "path", g_steal_pointer (&path), g_free);
          g_task_set_task_data (task, g_steal_pointer (&job), (GDestroyNotify) export_job_free);
          g_task_run_in_thread (task, write_file_thread);
        }
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  if (job != NULL)
    export_job_free (job);
}

/* Printing: one drawing code for paper and PDF. */

static void
begin_print_cb (GtkPrintOperation       *operation,
                GtkPrintContext         *context,
                InvolveEvidenceDocument *document)
{
  g_autoptr(GError) error = NULL;

  if (!involve_evidence_document_layout (document,
                                         gtk_print_context_get_width (context),
                                         gtk_print_context_get_height (context),
                                         &error))
    {
      g_warning ("Laying out the document failed: %s", error->message);
      gtk_print_operation_cancel (operation);
      return;
    }
  gtk_print_operation_set_n_pages (operation, involve_evidence_document_get_n_pages (document));
}

static void
draw_page_cb (GtkPrintOperation       *operation,
              GtkPrintContext         *context,
              int                      page_nr,
              InvolveEvidenceDocument *document)
{
  involve_evidence_document_draw_page (document, gtk_print_context_get_cairo_context (context), page_nr);
}

/* A printout is evidence that left the register, like an exported PDF.  A
 * request's record is not in the reviewer's register: there the event is
 * register-wide, as write_request_pdf () logs it. */
static gboolean
log_printed (ExportJob                *job,
             InvolveEvidenceDocument  *document,
             GError                  **error)
{
  g_autofree char *details = NULL;
  guint n_pages = involve_evidence_document_get_n_pages (document);

  if (job->request_fingerprint != NULL)
    {
      details = g_strdup_printf (_("Evidence of the sign-off request for %s version %u printed (%u pages, fingerprint %s)"),
                                 involve_record_get_reference (job->record), involve_record_get_version (job->record),
                                 n_pages, job->request_fingerprint);
      return involve_store_log_event (job->store, INVOLVE_AUDIT_EXPORT, NULL, 0, details, error);
    }

  {
    g_autofree char *fingerprint = involve_fingerprint_compute (job->record);

    details = g_strdup_printf (_("Evidence printed (%u pages, fingerprint %s)"), n_pages, fingerprint);
  }
  return involve_store_log_event (job->store, INVOLVE_AUDIT_EXPORT, involve_record_get_uuid (job->record),
                                  involve_record_get_version (job->record), details, error);
}

/* With @export_path, prints to that PDF file without the print dialog
 * (tests); otherwise through the dialog.  @printed says whether the pages
 * went out, so that a failure to note it in the register is not reported
 * as a failed print. */
static gboolean
print_record (ExportJob   *job,
              const char  *export_path,
              gboolean    *printed,
              GError     **error)
{
  g_autoptr(InvolveEvidenceDocument) document = NULL;
  g_autoptr(GtkPrintOperation) operation = NULL;
  GtkPrintOperationResult result;
  GtkRoot *root = gtk_widget_get_root (job->wizard);

  *printed = FALSE;
  document = dup_document (job, INVOLVE_EVIDENCE_FULL, error);
  if (document == NULL)
    return FALSE;
  operation = gtk_print_operation_new ();
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_job_name (operation, involve_record_get_reference (job->record));
  if (export_path != NULL)
    gtk_print_operation_set_export_filename (operation, export_path);
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), document);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), document);
  result = gtk_print_operation_run (operation,
                                    export_path != NULL ? GTK_PRINT_OPERATION_ACTION_EXPORT
                                                        : GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                    GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    return FALSE;
  /* Cancelled in the dialog: nothing left the register. */
  if (result != GTK_PRINT_OPERATION_RESULT_APPLY)
    return TRUE;
  *printed = TRUE;
  return log_printed (job, document, error);
}

static void
show_chooser (ExportJob *job)
{
  GtkRoot *root = gtk_widget_get_root (job->wizard);
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (job->chooser_title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), job->chooser_name);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), job);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_unlocked_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  ExportJob *job = data;
  g_autoptr(InvolveIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;

  identity = involve_unlock_identity_finish (result, &error);
  if (identity == NULL)
    {
      /* Cancelled: nothing is exported, nothing is lost. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_result (job->wizard, _("Export Failed"), error->message);
      export_job_free (job);
      return;
    }
  show_chooser (job);
}

gboolean
_involve_wizard_export_to_file (GtkWidget                   *wizard,
                                InvolveStore                *store,
                                InvolveDefinitions          *definitions,
                                InvolveRecord               *record,
                                const InvolveSignOffRequest *request,
                                const char                  *action_name,
                                const char                  *path,
                                GError                     **error)
{
  ExportJob *job = export_job_new (wizard, store, definitions, record, request, action_name);
  gboolean ok;

  if (g_str_equal (action_name, "wizard.print"))
    {
      gboolean printed;

      ok = print_record (job, path, &printed, error);
    }
  else
    ok = write_file (job, path, error);
  export_job_free (job);
  return ok;
}

void
_involve_wizard_export (GtkWidget                   *wizard,
                        InvolveStore                *store,
                        InvolveDefinitions          *definitions,
                        GSettings                   *settings,
                        InvolveRecord               *record,
                        const InvolveSignOffRequest *request,
                        const char                  *action_name)
{
  ExportJob *job = export_job_new (wizard, store, definitions, record, request, action_name);
  GtkRoot *root = gtk_widget_get_root (wizard);
  g_autofree char *name = NULL;
  const char *title;
  const char *reference = involve_record_get_reference (job->record);

  if (g_str_equal (action_name, "wizard.print"))
    {
      g_autoptr(GError) error = NULL;
      gboolean printed;

      if (!print_record (job, NULL, &printed, &error))
        show_result (job->wizard,
                     printed ? _("Printed, but Not Noted in the Audit Trail") : _("Printing Failed"),
                     error->message);
      export_job_free (job);
      return;
    }

  if (g_str_equal (action_name, "wizard.export-pdf"))
    {
      title = _("Export Evidence PDF");
      name = g_strdup_printf ("%s-v%u.pdf", reference, involve_record_get_version (job->record));
    }
  else if (g_str_equal (action_name, "wizard.export-public-pdf"))
    {
      title = _("Export Public PDF");
      name = g_strdup_printf ("%s-v%u-public.pdf", reference, involve_record_get_version (job->record));
    }
  else if (g_str_equal (action_name, "wizard.export-xml"))
    {
      title = _("Export XML");
      name = g_strdup_printf ("%s.xml", reference);
    }
  else
    {
      title = _("Save Sign-off Request");
      name = g_strdup_printf ("%s-v%u-sign-off-request.xml", reference, involve_record_get_version (job->record));
    }

  job->chooser_title = g_strdup (title);
  job->chooser_name = g_steal_pointer (&name);

  /* An evidence PDF is signed with the exporter's key: unlock it first
   * (once a session), before a file is chosen. */
  if (g_str_equal (action_name, "wizard.export-pdf") || g_str_equal (action_name, "wizard.export-public-pdf"))
    {
      g_autofree char *reason = g_strdup_printf (_("The evidence PDF of %s is signed with your key, "
                                                   "so that anyone can check it was not changed."),
                                                 reference);

      involve_unlock_identity_async (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, store, settings,
                                     reason, NULL, export_unlocked_cb, job);
      return;
    }
  show_chooser (job);
}
