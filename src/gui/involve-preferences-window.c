/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "involve-db.h"
#include "involve-gui-util.h"
#include "involve-identity.h"
#include "involve-key-dialog.h"
#include "involve-preferences-window.h"

struct _InvolvePreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  GPtrArray            *framework_ids;
  char                 *current_register;

  GtkWidget            *name_row;
  GtkWidget            *job_title_row;
  GtkWidget            *email_row;
  GtkWidget            *team_row;
  GtkWidget            *organisation_row;
  GtkWidget            *organisation_type_row;
  GtkWidget            *framework_row;
  GtkWidget            *register_row;
  GtkWidget            *reset_register_button;
  GtkWidget            *server_row;
  GtkWidget            *server_status_label;
  GtkWidget            *key_row;
  GtkWidget            *copy_fingerprint_button;
  GtkWidget            *export_certificate_button;

  InvolveStore         *store;
  char                 *key_path;
  char                 *fingerprint;
};

G_DEFINE_FINAL_TYPE (InvolvePreferencesWindow, involve_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* In the order of the organisation type row's items. */
static const char *organisation_types[] = { "icb", "ccg", "nhse", "provider" };

static void
organisation_type_selected_cb (InvolvePreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (self->organisation_type_row));

  if (selected < G_N_ELEMENTS (organisation_types))
    g_settings_set_string (self->settings, "profile-organisation-type", organisation_types[selected]);
}

static void
framework_selected_cb (InvolvePreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (self->framework_row));

  if (selected < self->framework_ids->len)
    g_settings_set_string (self->settings, "default-framework", g_ptr_array_index (self->framework_ids, selected));
}

static void
set_server_status (InvolvePreferencesWindow *self,
                   const char               *message,
                   gboolean                  is_error)
{
  gtk_label_set_text (GTK_LABEL (self->server_status_label), message);
  gtk_widget_set_visible (self->server_status_label, message != NULL && message[0] != '\0');
  if (is_error)
    {
      gtk_widget_add_css_class (self->server_row, "error");
      gtk_widget_add_css_class (self->server_status_label, "error");
      gtk_widget_remove_css_class (self->server_status_label, "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (self->server_row, "error");
      gtk_widget_remove_css_class (self->server_status_label, "error");
      gtk_widget_add_css_class (self->server_status_label, "dim-label");
    }
  /* Screen readers read the row's state with it. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->server_row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  message != NULL ? message : "", -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->server_row), GTK_ACCESSIBLE_STATE_INVALID,
                               is_error ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE, -1);
}

static void
update_register_row (InvolvePreferencesWindow *self)
{
  g_autofree char *path = g_settings_get_string (self->settings, "register-path");
  g_autofree char *subtitle = NULL;

  if (path[0] == '\0')
    subtitle = g_strdup_printf (_("Default location (now %s)"), self->current_register ? self->current_register : "");
  else if (involve_db_location_is_server (path))
    subtitle = g_strdup (_("Not used: the team register on a server below is chosen"));
  else
    subtitle = g_strdup (path);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->register_row), subtitle);
  gtk_widget_set_sensitive (self->reset_register_button, path[0] != '\0');

  if (involve_db_location_is_server (path))
    {
      /* Never holds a password (refused below), but shown as if it might. */
      g_autofree char *shown = involve_db_redact_location (path);

      if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->server_row)), shown) != 0)
        gtk_editable_set_text (GTK_EDITABLE (self->server_row), shown);
    }
  else if (gtk_editable_get_text (GTK_EDITABLE (self->server_row))[0] != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), "");
}

gboolean
_involve_preferences_window_apply_server (InvolvePreferencesWindow  *self,
                                          const char                *text,
                                          GError                   **error)
{
  g_autofree char *location = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *saved = g_settings_get_string (self->settings, "register-path");

  if (location[0] == '\0')
    {
      /* Emptied: back to the default register file. */
      if (involve_db_location_is_server (saved))
        g_settings_reset (self->settings, "register-path");
      return TRUE;
    }
  if (!involve_db_location_is_server (location))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a connection string. Write it as key=value pairs, such as "
                     "“host=db.example.nhs.uk dbname=involve”, or as a postgresql:// address; "
                     "choose a register file above instead."),
                   location);
      return FALSE;
    }
  if (involve_gui_location_has_password (location))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                           _("The connection string holds a password, and passwords are not stored. "
                             "Remove it, then sign in with single sign-on (Kerberos or GSSAPI) or "
                             "keep the password in a ~/.pgpass file; ask your IT department."));
      return FALSE;
    }
  g_settings_set_string (self->settings, "register-path", location);
  return TRUE;
}

static void
server_apply_cb (InvolvePreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->server_row));

  if (!_involve_preferences_window_apply_server (self, text, &error))
    {
      set_server_status (self, error->message, TRUE);
      return;
    }
  update_register_row (self);
  if (involve_db_location_is_server (text))
    set_server_status (self, _("Saved. Involve opens the team register when it next starts."), FALSE);
  else
    set_server_status (self, _("The default register file is used again when Involve next starts."), FALSE);
}

static void
server_changed_cb (InvolvePreferencesWindow *self)
{
  /* A message about the text before is stale once it changes. */
  if (gtk_widget_get_visible (self->server_status_label))
    set_server_status (self, NULL, FALSE);
}

static void
register_chosen_cb (GtkNativeDialog          *chooser,
                    int                       response,
                    InvolvePreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        g_settings_set_string (self->settings, "register-path", path);
      update_register_row (self);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
choose_register_clicked_cb (InvolvePreferencesWindow *self)
{
  GtkFileChooserNative *chooser;

  /* An existing register: a save dialog would offer to "replace" it.  A new
   * register is made with --database PATH. */
  chooser = gtk_file_chooser_native_new (_("Register Location"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (register_chosen_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
reset_register_clicked_cb (InvolvePreferencesWindow *self)
{
  g_settings_reset (self->settings, "register-path");
  update_register_row (self);
}

/* Signing key: the key file's certificate, read without the passphrase. */
static void
update_key_row (InvolvePreferencesWindow *self)
{
  g_autoptr(InvolveCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  g_clear_pointer (&self->fingerprint, g_free);
  if (g_file_test (self->key_path, G_FILE_TEST_EXISTS))
    cert = involve_identity_load_certificate (self->key_path, &error);

  if (cert != NULL)
    {
      g_autoptr(GDateTime) until = g_date_time_new_from_unix_utc (involve_certificate_get_not_after (cert) / G_USEC_PER_SEC);
      g_autofree char *until_text = until != NULL ? g_date_time_format (until, "%Y-%m-%d") : g_strdup ("-");
      g_autofree char *shortfp = involve_certificate_dup_short_fingerprint (cert);
      g_autofree char *type = involve_certificate_dup_key_description (cert);
      const char *name = involve_certificate_get_name (cert);
      const char *email = involve_certificate_get_email (cert);
      gboolean expired = g_get_real_time () > involve_certificate_get_not_after (cert);

      title = email != NULL ? g_strdup_printf ("%s <%s>", name ? name : "", email) : g_strdup (name ? name : "");
      /* TRANSLATORS: fingerprint, key type, then the last day of validity */
      subtitle = g_strdup_printf (expired ? _("SHA-256 %s · %s · expired on %s")
                                          : _("SHA-256 %s · %s · valid until %s"),
                                  shortfp, type, until_text);
      self->fingerprint = g_strdup (involve_certificate_get_fingerprint (cert));
    }
  else if (error != NULL)
    {
      title = g_strdup (_("The key file cannot be read"));
      subtitle = g_strdup (error->message);
    }
  else
    {
      title = g_strdup (_("No signing key yet"));
      subtitle = g_strdup (_("Create one, or import the one your organisation issued"));
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->key_row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->key_row), subtitle);
  gtk_widget_set_sensitive (self->copy_fingerprint_button, self->fingerprint != NULL);
  gtk_widget_set_sensitive (self->export_certificate_button, self->fingerprint != NULL);
}

static void
copy_fingerprint_clicked_cb (InvolvePreferencesWindow *self)
{
  if (self->fingerprint != NULL)
    {
      gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->fingerprint);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("Fingerprint copied")));
    }
}

static void
key_made_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(InvolvePreferencesWindow) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveIdentity) identity = involve_key_dialog_finish (result, &error);

  if (identity == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
      return;
    }
  /* Made or imported just now, so unlocked for this session. */
  if (self->store != NULL)
    involve_store_set_identity (self->store, identity);
  update_key_row (self);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (_("Your signing key is ready")));
}

static void
create_key_clicked_cb (InvolvePreferencesWindow *self)
{
  involve_key_dialog_create_async (GTK_WINDOW (self), self->settings, self->key_path, NULL,
                                   key_made_cb, g_object_ref (self));
}

static void
pkcs12_chosen_cb (GtkNativeDialog          *chooser,
                  int                       response,
                  InvolvePreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      involve_key_dialog_import_async (GTK_WINDOW (self), file, self->key_path, NULL,
                                       key_made_cb, g_object_ref (self));
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
import_key_clicked_cb (InvolvePreferencesWindow *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Import Signing Key"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PKCS#12 files"));
  gtk_file_filter_add_pattern (filter, "*.p12");
  gtk_file_filter_add_pattern (filter, "*.pfx");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (pkcs12_chosen_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

gboolean
_involve_preferences_window_export_certificate (InvolvePreferencesWindow  *self,
                                                const char                *path,
                                                GError                   **error)
{
  g_autoptr(InvolveCertificate) cert = involve_identity_load_certificate (self->key_path, error);
  g_autofree char *pem = NULL;

  if (cert == NULL)
    return FALSE;
  pem = involve_certificate_dup_pem (cert);
  return g_file_set_contents_full (path, pem, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

static void
certificate_chosen_cb (GtkNativeDialog          *chooser,
                       int                       response,
                       InvolvePreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (path == NULL)
        adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                          adw_toast_new (_("Choose a file on this computer")));
      else if (!_involve_preferences_window_export_certificate (self, path, &error))
        adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
      else
        adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (_("Certificate saved")));
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
export_certificate_clicked_cb (InvolvePreferencesWindow *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(InvolveCertificate) cert = involve_identity_load_certificate (self->key_path, NULL);
  g_autofree char *name = NULL;

  if (cert == NULL)
    return;
  name = g_strdup_printf ("%s.pem", involve_certificate_get_name (cert) ? involve_certificate_get_name (cert)
                                                                        : "certificate");
  g_strdelimit (name, "/\\:", '-');
  chooser = gtk_file_chooser_native_new (_("Export Certificate"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (certificate_chosen_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
involve_preferences_window_set_store (InvolvePreferencesWindow *self,
                                      InvolveStore             *store)
{
  g_return_if_fail (INVOLVE_IS_PREFERENCES_WINDOW (self));

  g_set_object (&self->store, store);
}

static void
involve_preferences_window_dispose (GObject *object)
{
  InvolvePreferencesWindow *self = INVOLVE_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), INVOLVE_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->framework_ids, g_ptr_array_unref);
  g_clear_pointer (&self->current_register, g_free);
  g_clear_object (&self->store);
  g_clear_pointer (&self->key_path, g_free);
  g_clear_pointer (&self->fingerprint, g_free);

  G_OBJECT_CLASS (involve_preferences_window_parent_class)->dispose (object);
}

static void
involve_preferences_window_class_init (InvolvePreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = involve_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/involve/Involve/ui/involve-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, InvolvePreferencesWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, InvolvePreferencesWindow, job_title_row);
  gtk_widget_class_bind_template_child (widget_class, InvolvePreferencesWindow, email_row);
  gtk_widget_class_bind_template_child (widget_class, InvolvePreferencesWindow, team_row);
  gtk_widget_class_bind_template_child (widget_class, InvolvePreferencesWindow, organisation_row);
  gtk_widget_class_bind_template_child (widget_class, InvolvePreferencesWindow, organisation_type_row);
  gtk_widget_class_bind_template_child (widget_class, InvolvePreferencesWindow, framework_row);
  gtk_widget_class_bind_template_child (widget_class, InvolvePreferencesWindow, register_row);
  gtk_widget_class_bind_template_child (widget_class, InvolvePreferencesWindow, reset_register_button);
  gtk_widget_class_bind_template_child (widget_class, InvolvePreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, InvolvePreferencesWindow, server_status_label);
  gtk_widget_class_bind_template_child (widget_class, InvolvePreferencesWindow, key_row);
  gtk_widget_class_bind_template_child (widget_class, InvolvePreferencesWindow, copy_fingerprint_button);
  gtk_widget_class_bind_template_child (widget_class, InvolvePreferencesWindow, export_certificate_button);
  gtk_widget_class_bind_template_callback (widget_class, copy_fingerprint_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, create_key_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, import_key_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_certificate_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_register_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, reset_register_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, server_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, server_changed_cb);
}

static void
involve_preferences_window_init (InvolvePreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->framework_ids = g_ptr_array_new_with_free_func (g_free);
  self->key_path = involve_identity_dup_default_path ();
}

GtkWidget *
involve_preferences_window_new (GtkWindow          *parent,
                                GSettings          *settings,
                                InvolveDefinitions *definitions,
                                const char         *register_path)
{
  InvolvePreferencesWindow *self;
  g_autoptr(GtkStringList) frameworks = gtk_string_list_new (NULL);
  GPtrArray *list = involve_definitions_get_frameworks (definitions);
  g_autofree char *org_type = NULL;
  g_autofree char *framework = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (INVOLVE_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
  self->settings = g_object_ref (settings);
  self->current_register = g_strdup (register_path);

  g_settings_bind (settings, "profile-name", self->name_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "profile-job-title", self->job_title_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "profile-email", self->email_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "profile-team", self->team_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "profile-organisation-name", self->organisation_row, "text", G_SETTINGS_BIND_DEFAULT);

  org_type = g_settings_get_string (settings, "profile-organisation-type");
  for (guint i = 0; i < G_N_ELEMENTS (organisation_types); i++)
    if (g_str_equal (org_type, organisation_types[i]))
      adw_combo_row_set_selected (ADW_COMBO_ROW (self->organisation_type_row), i);
  g_signal_connect_swapped (self->organisation_type_row, "notify::selected",
                            G_CALLBACK (organisation_type_selected_cb), self);

  framework = g_settings_get_string (settings, "default-framework");
  for (guint i = 0; i < list->len; i++)
    {
      const InvolveFramework *fw = g_ptr_array_index (list, i);
      g_autofree char *label = g_strdup_printf (_("%s, section %s"), fw->organisation_label, fw->section);

      gtk_string_list_append (frameworks, label);
      g_ptr_array_add (self->framework_ids, g_strdup (fw->id));
    }
  adw_combo_row_set_model (ADW_COMBO_ROW (self->framework_row), G_LIST_MODEL (frameworks));
  for (guint i = 0; i < self->framework_ids->len; i++)
    if (g_str_equal (framework, g_ptr_array_index (self->framework_ids, i)))
      adw_combo_row_set_selected (ADW_COMBO_ROW (self->framework_row), i);
  g_signal_connect_swapped (self->framework_row, "notify::selected", G_CALLBACK (framework_selected_cb), self);

  update_register_row (self);
  set_server_status (self, NULL, FALSE);
  update_key_row (self);
  return GTK_WIDGET (self);
}
