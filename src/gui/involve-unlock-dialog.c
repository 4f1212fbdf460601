/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-unlock"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "involve-key-dialog.h"
#include "involve-unlock-dialog.h"

struct _InvolveUnlockDialog
{
  AdwWindow     parent_instance;

  GTask        *task;       /* until it has returned */
  char         *key_path;
  InvolveStore *store;

  GtkWidget    *cancel_button;
  GtkWidget    *unlock_button;
  GtkWidget    *reason_label;
  GtkWidget    *key_row;
  GtkWidget    *passphrase_row;
  GtkWidget    *error_label;
};

G_DEFINE_FINAL_TYPE (InvolveUnlockDialog, involve_unlock_dialog, ADW_TYPE_WINDOW)

static void
return_cancelled (InvolveUnlockDialog *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task != NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("The key was not unlocked: nothing was signed"));
}

static void
cancel_clicked_cb (InvolveUnlockDialog *self)
{
  return_cancelled (self);
  gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
escape_cb (GtkWidget *widget,
           GVariant  *args,
           gpointer   data)
{
  cancel_clicked_cb (INVOLVE_UNLOCK_DIALOG (widget));
  return TRUE;
}

static gboolean
involve_unlock_dialog_close_request (GtkWindow *window)
{
  return_cancelled (INVOLVE_UNLOCK_DIALOG (window));
  return GTK_WINDOW_CLASS (involve_unlock_dialog_parent_class)->close_request (window);
}

static void
show_error (InvolveUnlockDialog *self,
            const char          *message)
{
  gtk_label_set_text (GTK_LABEL (self->error_label), message);
  gtk_widget_set_visible (self->error_label, TRUE);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->passphrase_row), GTK_ACCESSIBLE_STATE_INVALID,
                               GTK_ACCESSIBLE_INVALID_TRUE, -1);
  gtk_widget_add_css_class (self->passphrase_row, "error");
}

static void
passphrase_changed_cb (InvolveUnlockDialog *self)
{
  gtk_widget_set_visible (self->error_label, FALSE);
  gtk_widget_remove_css_class (self->passphrase_row, "error");
  gtk_accessible_reset_state (GTK_ACCESSIBLE (self->passphrase_row), GTK_ACCESSIBLE_STATE_INVALID);
}

static void
unlock_clicked_cb (InvolveUnlockDialog *self)
{
  const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row));
  g_autoptr(InvolveIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  if (self->task == NULL)
    return;
  if (passphrase[0] == '\0')
    {
      show_error (self, _("Type the passphrase you chose when you made the key."));
      gtk_widget_grab_focus (self->passphrase_row);
      return;
    }

  identity = involve_identity_load (self->key_path, passphrase, &error);
  if (identity == NULL)
    {
      if (g_error_matches (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE))
        show_error (self, _("Wrong passphrase. Try again."));
      else
        show_error (self, error->message);
      /* Keep what was typed, selected, to type over. */
      gtk_widget_grab_focus (self->passphrase_row);
      gtk_editable_select_region (GTK_EDITABLE (self->passphrase_row), 0, -1);
      return;
    }

  if (self->store != NULL)
    involve_store_set_identity (self->store, identity);
  task = g_steal_pointer (&self->task);
  g_task_return_pointer (task, g_steal_pointer (&identity), g_object_unref);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
involve_unlock_dialog_dispose (GObject *object)
{
  InvolveUnlockDialog *self = INVOLVE_UNLOCK_DIALOG (object);

  return_cancelled (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), INVOLVE_TYPE_UNLOCK_DIALOG);
  g_clear_pointer (&self->key_path, g_free);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (involve_unlock_dialog_parent_class)->dispose (object);
}

static void
involve_unlock_dialog_class_init (InvolveUnlockDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = involve_unlock_dialog_dispose;
  window_class->close_request = involve_unlock_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/involve/Involve/ui/involve-unlock-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, InvolveUnlockDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, InvolveUnlockDialog, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, InvolveUnlockDialog, reason_label);
  gtk_widget_class_bind_template_child (widget_class, InvolveUnlockDialog, key_row);
  gtk_widget_class_bind_template_child (widget_class, InvolveUnlockDialog, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, InvolveUnlockDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, unlock_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, passphrase_changed_cb);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape_cb, NULL);
}

static void
involve_unlock_dialog_init (InvolveUnlockDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->passphrase_row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->error_label, NULL, -1);
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveIdentity) identity = involve_key_dialog_finish (result, &error);
  InvolveStore *store = g_task_get_task_data (task);

  if (identity == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (store != NULL)
    involve_store_set_identity (store, identity);
  g_task_return_pointer (task, g_steal_pointer (&identity), g_object_unref);
}

typedef struct
{
  GTask     *task;
  GSettings *settings;
  char      *key_path;
} NoKeyData;

static void
no_key_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    NoKeyData        *data)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));

  GCancellable *cancellable = g_task_get_cancellable (data->task);

  if (g_str_equal (response, "create"))
    involve_key_dialog_create_async (parent, data->settings, data->key_path, cancellable, created_cb,
                                     g_steal_pointer (&data->task));
  else
    g_task_return_new_error (data->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("There is no signing key: nothing was signed"));
  g_clear_object (&data->task);
  g_clear_object (&data->settings);
  g_free (data->key_path);
  g_free (data);
}

void
involve_unlock_identity_async (GtkWindow           *parent,
                               InvolveStore        *store,
                               GSettings           *settings,
                               const char          *reason,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *key_path = involve_identity_dup_default_path ();
  g_autoptr(InvolveCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  InvolveUnlockDialog *self;

  g_return_if_fail (store == NULL || INVOLVE_IS_STORE (store));

  g_task_set_source_tag (task, involve_unlock_identity_async);
  if (store != NULL)
    g_task_set_task_data (task, g_object_ref (store), g_object_unref);

  if (store != NULL && involve_store_get_identity (store) != NULL)
    {
      g_task_return_pointer (task, g_object_ref (involve_store_get_identity (store)), g_object_unref);
      return;
    }

  if (!g_file_test (key_path, G_FILE_TEST_EXISTS))
    {
      GtkWidget *dialog;
      NoKeyData *data = g_new0 (NoKeyData, 1);

      dialog = adw_message_dialog_new (parent, _("No Signing Key"),
                                       _("Submitting, signing off and returning are signed with your own key, "
                                         "so that nobody can act in your name. Create your key now; then give "
                                         "its certificate to whoever keeps the register’s list of trusted people."));
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "create", _("_Create Key…"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "create", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "create");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      data->task = g_steal_pointer (&task);
      data->settings = settings != NULL ? g_object_ref (settings) : NULL;
      data->key_path = g_steal_pointer (&key_path);
      g_signal_connect (dialog, "response", G_CALLBACK (no_key_response_cb), data);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  certificate = involve_identity_load_certificate (key_path, &error);
  if (certificate == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self = g_object_new (INVOLVE_TYPE_UNLOCK_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->task = g_steal_pointer (&task);
  self->key_path = g_steal_pointer (&key_path);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  gtk_label_set_text (GTK_LABEL (self->reason_label),
                      reason != NULL ? reason : _("This act is signed with your key."));
  {
    g_autofree char *shortfp = involve_certificate_dup_short_fingerprint (certificate);
    const char *name = involve_certificate_get_name (certificate);
    const char *email = involve_certificate_get_email (certificate);
    g_autofree char *title = email != NULL ? g_strdup_printf ("%s <%s>", name ? name : "", email)
                                           : g_strdup (name ? name : _("(no name)"));
    g_autofree char *subtitle = g_strdup_printf (_("SHA-256 %s"), shortfp);

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->key_row), title);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->key_row), subtitle);
  }
  gtk_window_present (GTK_WINDOW (self));
  gtk_widget_grab_focus (self->passphrase_row);
}

InvolveIdentity *
involve_unlock_identity_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GtkWidget *
_involve_unlock_dialog_get_passphrase_row (InvolveUnlockDialog *self)
{
  return self->passphrase_row;
}

GtkWidget *
_involve_unlock_dialog_get_unlock_button (InvolveUnlockDialog *self)
{
  return self->unlock_button;
}

GtkWidget *
_involve_unlock_dialog_get_cancel_button (InvolveUnlockDialog *self)
{
  return self->cancel_button;
}

GtkWidget *
_involve_unlock_dialog_get_error_label (InvolveUnlockDialog *self)
{
  return self->error_label;
}
