/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-key-dialog"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "involve-key-dialog.h"

#define MIN_PASSPHRASE_CHARS 8

struct _InvolveKeyDialog
{
  AdwWindow     parent_instance;

  GTask        *task;       /* until it has returned */
  char         *key_path;
  GBytes       *pkcs12;     /* import only */
  gboolean      busy;

  GtkWidget    *cancel_button;
  GtkWidget    *ok_button;
  GtkWidget    *person_group;
  GtkWidget    *name_row;
  GtkWidget    *email_row;
  GtkWidget    *organisation_row;
  GtkWidget    *type_row;
  GtkWidget    *import_group;
  GtkWidget    *file_row;
  GtkWidget    *pkcs12_row;
  GtkWidget    *passphrase_row;
  GtkWidget    *confirm_row;
  GtkWidget    *hint_label;
  GtkWidget    *error_label;
};

G_DEFINE_FINAL_TYPE (InvolveKeyDialog, involve_key_dialog, ADW_TYPE_WINDOW)

gboolean
involve_passphrase_check (const char  *passphrase,
                          const char **hint)
{
  glong n = passphrase != NULL ? g_utf8_strlen (passphrase, -1) : 0;
  gboolean lower = FALSE, upper = FALSE, digit = FALSE, other = FALSE, space = FALSE;
  guint classes;

  if (n == 0)
    {
      *hint = _("Choose a passphrase of at least 8 characters. A few unrelated words are easy to remember and hard to guess.");
      return FALSE;
    }
  if (n < MIN_PASSPHRASE_CHARS)
    {
      *hint = _("Too short: use at least 8 characters.");
      return FALSE;
    }
  for (const char *p = passphrase; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_islower (c))
        lower = TRUE;
      else if (g_unichar_isupper (c))
        upper = TRUE;
      else if (g_unichar_isdigit (c))
        digit = TRUE;
      else if (g_unichar_isspace (c))
        space = TRUE;
      else
        other = TRUE;
    }
  classes = lower + upper + digit + other + space;
  if (n >= 16 || (n >= 12 && classes >= 3))
    *hint = _("Strength: strong.");
  else if (n >= 10 && classes >= 2)
    *hint = _("Strength: fair. Longer is stronger: add another word.");
  else
    *hint = _("Strength: weak. Add another word or two.");
  return TRUE;
}

static gboolean
is_import (InvolveKeyDialog *self)
{
  return self->pkcs12 != NULL;
}

static void
show_error (InvolveKeyDialog *self,
            const char       *message)
{
  gtk_label_set_text (GTK_LABEL (self->error_label), message != NULL ? message : "");
  gtk_widget_set_visible (self->error_label, message != NULL);
}

static void
input_changed_cb (InvolveKeyDialog *self)
{
  const char *pass = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row));
  const char *again = gtk_editable_get_text (GTK_EDITABLE (self->confirm_row));
  const char *hint = NULL;
  gboolean ok = involve_passphrase_check (pass, &hint);

  if (ok && again[0] != '\0' && !g_str_equal (pass, again))
    {
      hint = _("The two passphrases differ.");
      ok = FALSE;
    }
  else if (ok && again[0] == '\0')
    ok = FALSE;
  gtk_label_set_text (GTK_LABEL (self->hint_label), hint);

  if (is_import (self))
    ok = ok && gtk_editable_get_text (GTK_EDITABLE (self->pkcs12_row))[0] != '\0';
  else
    {
      g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
      g_autofree char *email = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->email_row))));

      ok = ok && name[0] != '\0' && email[0] != '\0';
    }
  gtk_widget_set_sensitive (self->ok_button, ok && !self->busy);
  show_error (self, NULL);
}

static void
return_cancelled (InvolveKeyDialog *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task != NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("No key was made"));
}

static void
cancel_clicked_cb (InvolveKeyDialog *self)
{
  if (self->busy)
    return;
  return_cancelled (self);
  gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
escape_cb (GtkWidget *widget,
           GVariant  *args,
           gpointer   data)
{
  cancel_clicked_cb (INVOLVE_KEY_DIALOG (widget));
  return TRUE;
}

static gboolean
involve_key_dialog_close_request (GtkWindow *window)
{
  InvolveKeyDialog *self = INVOLVE_KEY_DIALOG (window);

  if (self->busy)
    return TRUE;
  return_cancelled (self);
  return GTK_WINDOW_CLASS (involve_key_dialog_parent_class)->close_request (window);
}

/* A key already at @path is kept, renamed, never overwritten. */
static gboolean
keep_old_key (const char  *path,
              GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *kept = g_strdup_printf ("%s.replaced-%s", path, stamp);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  for (guint i = 2; g_file_test (kept, G_FILE_TEST_EXISTS); i++)
    {
      g_free (kept);
      kept = g_strdup_printf ("%s.replaced-%s-%u", path, stamp, i);
    }
  if (g_rename (path, kept) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("The current key could not be set aside: %s"), g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  char          *name;
  char          *email;
  char          *organisation;
  InvolveKeyType type;
  char          *passphrase;
  char          *path;
} CreateJob;

static void
create_job_free (CreateJob *job)
{
  g_free (job->name);
  g_free (job->email);
  g_free (job->organisation);
  if (job->passphrase != NULL)
    memset (job->passphrase, 0, strlen (job->passphrase));
  g_free (job->passphrase);
  g_free (job->path);
  g_free (job);
}

/* In a thread: an RSA key takes a second or two. */
static void
create_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  CreateJob *job = data;
  g_autoptr(InvolveIdentity) identity = NULL;
  GError *error = NULL;

  identity = involve_identity_generate (job->name, job->email, job->organisation, job->type, 0, &error);
  if (identity == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!keep_old_key (job->path, &error) || !involve_identity_save (identity, job->path, job->passphrase, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&identity), g_object_unref);
}

static void
set_busy (InvolveKeyDialog *self,
          gboolean          busy)
{
  /* Only the buttons: GTK 4.8 warns when a focused entry is made
   * insensitive; what is typed meanwhile is not used. */
  self->busy = busy;
  gtk_widget_set_sensitive (self->cancel_button, !busy);
  gtk_widget_set_sensitive (self->ok_button, !busy);
  if (busy)
    gtk_label_set_text (GTK_LABEL (self->hint_label), _("Making the key…"));
}

static void
finish_with (InvolveKeyDialog *self,
             InvolveIdentity  *identity)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task != NULL)
    g_task_return_pointer (task, g_object_ref (identity), g_object_unref);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(InvolveKeyDialog) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveIdentity) identity = g_task_propagate_pointer (G_TASK (result), &error);

  set_busy (self, FALSE);
  if (identity == NULL)
    {
      input_changed_cb (self);
      show_error (self, error->message);
      return;
    }
  finish_with (self, identity);
}

static void
ok_clicked_cb (InvolveKeyDialog *self)
{
  const char *pass = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row));
  g_autoptr(GError) error = NULL;

  if (self->busy || !gtk_widget_get_sensitive (self->ok_button))
    return;

  if (is_import (self))
    {
      g_autoptr(InvolveIdentity) identity = NULL;

      identity = involve_identity_import_pkcs12 (self->pkcs12,
                                                 gtk_editable_get_text (GTK_EDITABLE (self->pkcs12_row)), &error);
      if (identity == NULL)
        {
          show_error (self, g_error_matches (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE)
                              ? _("Wrong password for the PKCS#12 file. Try again.") : error->message);
          gtk_widget_grab_focus (self->pkcs12_row);
          return;
        }
      if (!keep_old_key (self->key_path, &error) || !involve_identity_save (identity, self->key_path, pass, &error))
        {
          show_error (self, error->message);
          return;
        }
      finish_with (self, identity);
      return;
    }

  {
    g_autoptr(GTask) task = g_task_new (NULL, NULL, created_cb, g_object_ref (self));
    CreateJob *job = g_new0 (CreateJob, 1);

    job->name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
    job->email = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->email_row)));
    job->organisation = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->organisation_row)));
    job->type = adw_combo_row_get_selected (ADW_COMBO_ROW (self->type_row)) == 1
                ? INVOLVE_KEY_RSA_3072 : INVOLVE_KEY_ECDSA_P256;
    job->passphrase = g_strdup (pass);
    job->path = g_strdup (self->key_path);
    g_task_set_task_data (task, job, (GDestroyNotify) create_job_free);
    set_busy (self, TRUE);
    g_task_run_in_thread (task, create_thread);
  }
}

static void
involve_key_dialog_dispose (GObject *object)
{
  InvolveKeyDialog *self = INVOLVE_KEY_DIALOG (object);

  return_cancelled (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), INVOLVE_TYPE_KEY_DIALOG);
  g_clear_pointer (&self->key_path, g_free);
  g_clear_pointer (&self->pkcs12, g_bytes_unref);

  G_OBJECT_CLASS (involve_key_dialog_parent_class)->dispose (object);
}

static void
involve_key_dialog_class_init (InvolveKeyDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = involve_key_dialog_dispose;
  window_class->close_request = involve_key_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/involve/Involve/ui/involve-key-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, InvolveKeyDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, InvolveKeyDialog, ok_button);
  gtk_widget_class_bind_template_child (widget_class, InvolveKeyDialog, person_group);
  gtk_widget_class_bind_template_child (widget_class, InvolveKeyDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, InvolveKeyDialog, email_row);
  gtk_widget_class_bind_template_child (widget_class, InvolveKeyDialog, organisation_row);
  gtk_widget_class_bind_template_child (widget_class, InvolveKeyDialog, type_row);
  gtk_widget_class_bind_template_child (widget_class, InvolveKeyDialog, import_group);
  gtk_widget_class_bind_template_child (widget_class, InvolveKeyDialog, file_row);
  gtk_widget_class_bind_template_child (widget_class, InvolveKeyDialog, pkcs12_row);
  gtk_widget_class_bind_template_child (widget_class, InvolveKeyDialog, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, InvolveKeyDialog, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, InvolveKeyDialog, hint_label);
  gtk_widget_class_bind_template_child (widget_class, InvolveKeyDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, ok_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, input_changed_cb);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape_cb, NULL);
}

static void
involve_key_dialog_init (InvolveKeyDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->passphrase_row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->hint_label, NULL, -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->confirm_row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->hint_label, NULL, -1);
}

static InvolveKeyDialog *
dialog_new (GtkWindow           *parent,
            const char          *key_path,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  InvolveKeyDialog *self = g_object_new (INVOLVE_TYPE_KEY_DIALOG, "transient-for", parent, NULL);

  self->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, dialog_new);
  self->key_path = g_strdup (key_path);
  return self;
}

void
involve_key_dialog_create_async (GtkWindow           *parent,
                                 GSettings           *settings,
                                 const char          *key_path,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  InvolveKeyDialog *self = dialog_new (parent, key_path, cancellable, callback, user_data);

  if (settings != NULL)
    {
      g_autofree char *name = g_settings_get_string (settings, "profile-name");
      g_autofree char *email = g_settings_get_string (settings, "profile-email");
      g_autofree char *organisation = g_settings_get_string (settings, "profile-organisation-name");

      gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
      gtk_editable_set_text (GTK_EDITABLE (self->email_row), email);
      gtk_editable_set_text (GTK_EDITABLE (self->organisation_row), organisation);
    }
  input_changed_cb (self);
  gtk_window_present (GTK_WINDOW (self));
  gtk_widget_grab_focus (gtk_editable_get_text (GTK_EDITABLE (self->name_row))[0] == '\0'
                         ? self->name_row : self->passphrase_row);
}

void
involve_key_dialog_import_async (GtkWindow           *parent,
                                 GFile               *pkcs12,
                                 const char          *key_path,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  InvolveKeyDialog *self = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = g_file_load_bytes (pkcs12, cancellable, NULL, &error);
  g_autofree char *shown = g_file_get_parse_name (pkcs12);

  if (data == NULL)
    {
      g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self = dialog_new (parent, key_path, cancellable, callback, user_data);
  self->pkcs12 = g_steal_pointer (&data);
  gtk_window_set_title (GTK_WINDOW (self), _("Import Signing Key"));
  gtk_button_set_label (GTK_BUTTON (self->ok_button), _("_Import"));
  gtk_widget_set_visible (self->person_group, FALSE);
  gtk_widget_set_visible (self->import_group, TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->file_row), shown);
  input_changed_cb (self);
  gtk_window_present (GTK_WINDOW (self));
  gtk_widget_grab_focus (self->pkcs12_row);
}

InvolveIdentity *
involve_key_dialog_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GtkWidget *
_involve_key_dialog_get_row (InvolveKeyDialog *self,
                             const char       *name)
{
  if (g_str_equal (name, "name"))
    return self->name_row;
  if (g_str_equal (name, "email"))
    return self->email_row;
  if (g_str_equal (name, "organisation"))
    return self->organisation_row;
  if (g_str_equal (name, "type"))
    return self->type_row;
  if (g_str_equal (name, "pkcs12"))
    return self->pkcs12_row;
  if (g_str_equal (name, "passphrase"))
    return self->passphrase_row;
  if (g_str_equal (name, "confirm"))
    return self->confirm_row;
  if (g_str_equal (name, "hint"))
    return self->hint_label;
  return NULL;
}

GtkWidget *
_involve_key_dialog_get_ok_button (InvolveKeyDialog *self)
{
  return self->ok_button;
}

GtkWidget *
_involve_key_dialog_get_error_label (InvolveKeyDialog *self)
{
  return self->error_label;
}
