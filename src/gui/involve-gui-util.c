/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "involve-gui-util.h"

typedef struct
{
  GtkWindow          *owner;
  AdwToastOverlay    *toasts;
  InvolveGuiSaveFunc  save;
  gpointer            data;
} SaveAs;

static void
save_as_free (SaveAs *save_as)
{
  g_object_unref (save_as->owner);
  g_object_unref (save_as->toasts);
  g_free (save_as);
}

static void
save_as_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     SaveAs          *save_as)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *message = NULL;

      if (path == NULL)
        message = g_strdup (_("Choose a file on this computer."));
      else
        message = save_as->save (save_as->owner, path, save_as->data);
      if (message == NULL)
        message = g_strdup_printf (_("Saved “%s”"), path);
      adw_toast_overlay_add_toast (save_as->toasts, adw_toast_new (message));
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  save_as_free (save_as);
}

/**
 * involve_gui_save_as:
 * @owner: the window asking; the chooser is modal to it
 * @toasts: where to say whether it was saved
 * @title: the chooser's title
 * @name: the file name proposed
 * @save: called with the path chosen on this computer
 * @data: passed to @save
 *
 * Asks where to save something, saves it there with @save and shows
 * a toast with the outcome.
 */
void
involve_gui_save_as (GtkWindow          *owner,
                     AdwToastOverlay    *toasts,
                     const char         *title,
                     const char         *name,
                     InvolveGuiSaveFunc  save,
                     gpointer            data)
{
  GtkFileChooserNative *chooser;
  SaveAs *save_as = g_new0 (SaveAs, 1);

  save_as->owner = g_object_ref (owner);
  save_as->toasts = g_object_ref (toasts);
  save_as->save = save;
  save_as->data = data;
  chooser = gtk_file_chooser_native_new (title, owner, GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (save_as_response_cb), save_as);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
