/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-wizard-export"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "involve-export.h"
#include "involve-fingerprint.h"
#include "involve-pdf.h"
#include "involve-signoff.h"
#include "involve-wizard-export.h"
#include "involve-xml.h"

typedef struct
{
  GtkWidget          *wizard;
  InvolveStore       *store;
  InvolveDefinitions *definitions;
  InvolveRecord      *record;
  char               *action;
  char               *requested_by;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_object_unref (job->wizard);
  g_object_unref (job->store);
  g_object_unref (job->definitions);
  g_object_unref (job->record);
  g_free (job->action);
  g_free (job->requested_by);
  g_free (job);
}

static InvolveAuditView *
audit_view_from_entry (const InvolveAuditEntry *entry)
{
  InvolveAuditView *view = involve_audit_view_new ();

  view->id = entry->id;
  view->time_usec = entry->time_usec;
  view->account = g_strdup (entry->account);
  view->profile = g_strdup (entry->profile);
  view->kind = g_strdup (entry->kind);
  view->record_uuid = g_strdup (entry->record_uuid);
  view->version = entry->version;
  view->field_id = g_strdup (entry->field_id);
  view->old_value = g_strdup (entry->old_value);
  view->new_value = g_strdup (entry->new_value);
  view->details = g_strdup (entry->details);
  view->prev_hash = g_strdup (entry->prev_hash);
  view->hash = g_strdup (entry->hash);
  return view;
}

/* Every version of the record and its audit trail, for documents. */
static gboolean
collect_history (InvolveStore  *store,
                 InvolveRecord *record,
                 GPtrArray    **versions_out,
                 GPtrArray    **audit_out,
                 GError       **error)
{
  const char *uuid = involve_record_get_uuid (record);
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) audit = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_audit_view_free);

  infos = involve_store_list_versions (store, uuid, error);
  if (infos == NULL)
    return FALSE;
  for (guint i = 0; i < infos->len; i++)
    {
      const InvolveVersionInfo *info = g_ptr_array_index (infos, i);
      InvolveRecord *version = involve_store_load_record (store, uuid, info->version, error);

      if (version == NULL)
        return FALSE;
      g_ptr_array_add (versions, version);
    }
  entries = involve_store_list_audit (store, uuid, error);
  if (entries == NULL)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (audit, audit_view_from_entry (g_ptr_array_index (entries, i)));

  *versions_out = g_steal_pointer (&versions);
  *audit_out = g_steal_pointer (&audit);
  return TRUE;
}

static InvolveEvidenceDocument *
make_document (InvolveStore       *store,
               InvolveDefinitions *definitions,
               InvolveRecord      *record,
               gboolean            public_version,
               GError            **error)
{
  g_autoptr(InvolveEvidenceDocument) document = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GPtrArray) fingerprints = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *fingerprint = involve_fingerprint_compute (record);

  if (!collect_history (store, record, &versions, &audit, error))
    return NULL;
  for (guint i = 0; i < versions->len; i++)
    g_ptr_array_add (fingerprints, involve_fingerprint_compute (g_ptr_array_index (versions, i)));
  g_ptr_array_add (fingerprints, NULL);

  document = involve_evidence_document_new (definitions, record,
                                            public_version ? INVOLVE_EVIDENCE_PUBLIC : INVOLVE_EVIDENCE_FULL);
  involve_evidence_document_set_fingerprint (document, fingerprint);
  involve_evidence_document_derive_assessment (document);
  involve_evidence_document_set_history (document, versions, (const char * const *) fingerprints->pdata);
  involve_evidence_document_set_audit (document, audit);
  return g_steal_pointer (&document);
}

gboolean
involve_gui_write_evidence_pdf (InvolveStore       *store,
                                InvolveDefinitions *definitions,
                                InvolveRecord      *record,
                                gboolean            public_version,
                                const char         *path,
                                GError            **error)
{
  g_autoptr(InvolveEvidenceDocument) document = NULL;
  g_autofree char *details = NULL;

  document = make_document (store, definitions, record, public_version, error);
  if (document == NULL || !involve_evidence_document_write_pdf (document, path, error))
    return FALSE;
  details = g_strdup_printf ("%s PDF: %s", public_version ? "public" : "evidence", path);
  return involve_store_log_event (store, INVOLVE_AUDIT_EXPORT, involve_record_get_uuid (record),
                                  involve_record_get_version (record), details, error);
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
  if (g_str_equal (job->action, "wizard.export-pdf") || g_str_equal (job->action, "wizard.export-public-pdf"))
    return involve_gui_write_evidence_pdf (job->store, job->definitions, job->record,
                                           g_str_equal (job->action, "wizard.export-public-pdf"), path, error);

  if (g_str_equal (job->action, "wizard.export-xml"))
    {
      g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_exchange_record_free);
      InvolveExchangeRecord *exchange = involve_exchange_record_new ();
      g_autoptr(GPtrArray) versions = NULL;
      g_autoptr(GPtrArray) audit = NULL;
      g_autofree char *details = g_strdup_printf ("XML: %s", path);

      g_ptr_array_add (records, exchange);
      if (!collect_history (job->store, job->record, &versions, &audit, error))
        return FALSE;
      for (guint i = 0; i < versions->len; i++)
        involve_exchange_record_add_version (exchange, g_ptr_array_index (versions, i));
      g_ptr_array_extend_and_steal (exchange->audit, g_steal_pointer (&audit));
      if (!involve_xml_write_file (records, path, error))
        return FALSE;
      return involve_store_log_event (job->store, INVOLVE_AUDIT_EXPORT, involve_record_get_uuid (job->record),
                                      0, details, error);
    }

  if (g_str_equal (job->action, "wizard.export-request"))
    {
      g_autofree char *details = g_strdup_printf ("sign-off request: %s", path);

      if (!involve_sign_off_request_write (job->record, job->requested_by, path, NULL, error))
        return FALSE;
      return involve_store_log_event (job->store, INVOLVE_AUDIT_EXPORT, involve_record_get_uuid (job->record),
                                      involve_record_get_version (job->record), details, error);
    }

  g_assert_not_reached ();
  return FALSE;
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
      g_autoptr(GError) error = NULL;

      if (path == NULL || !write_file (job, path, &error))
        show_result (job->wizard, _("Export Failed"), error ? error->message : _("Choose a local file."));
      else
        {
          g_autofree char *body = g_strdup_printf (_("Saved to %s"), path);
          show_result (job->wizard, _("Exported"), body);
        }
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
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

static void
print_record (ExportJob *job)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveEvidenceDocument) document = NULL;
  g_autoptr(GtkPrintOperation) operation = NULL;
  GtkRoot *root = gtk_widget_get_root (job->wizard);

  document = make_document (job->store, job->definitions, job->record, FALSE, &error);
  if (document == NULL)
    {
      show_result (job->wizard, _("Printing Failed"), error->message);
      return;
    }
  operation = gtk_print_operation_new ();
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_job_name (operation, involve_record_get_reference (job->record));
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), document);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), document);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, &error)
      == GTK_PRINT_OPERATION_RESULT_ERROR)
    show_result (job->wizard, _("Printing Failed"), error->message);
}

void
_involve_wizard_export (GtkWidget          *wizard,
                        InvolveStore       *store,
                        InvolveDefinitions *definitions,
                        GSettings          *settings,
                        InvolveRecord      *record,
                        const char         *action_name)
{
  ExportJob *job = g_new0 (ExportJob, 1);
  GtkFileChooserNative *chooser;
  GtkRoot *root = gtk_widget_get_root (wizard);
  g_autofree char *name = NULL;
  const char *title;
  const char *reference = involve_record_get_reference (record);

  job->wizard = g_object_ref (wizard);
  job->store = g_object_ref (store);
  job->definitions = g_object_ref (definitions);
  job->record = g_object_ref (record);
  job->action = g_strdup (action_name);
  job->requested_by = g_settings_get_string (settings, "profile-name");

  if (g_str_equal (action_name, "wizard.print"))
    {
      print_record (job);
      export_job_free (job);
      return;
    }

  if (g_str_equal (action_name, "wizard.export-pdf"))
    {
      title = _("Export Evidence PDF");
      name = g_strdup_printf ("%s-v%u.pdf", reference, involve_record_get_version (record));
    }
  else if (g_str_equal (action_name, "wizard.export-public-pdf"))
    {
      title = _("Export Public PDF");
      name = g_strdup_printf ("%s-v%u-public.pdf", reference, involve_record_get_version (record));
    }
  else if (g_str_equal (action_name, "wizard.export-xml"))
    {
      title = _("Export XML");
      name = g_strdup_printf ("%s.xml", reference);
    }
  else
    {
      title = _("Save Sign-off Request");
      name = g_strdup_printf ("%s-v%u-sign-off-request.xml", reference, involve_record_get_version (record));
    }

  chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), job);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
