/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-gui"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "involve-gui-util.h"
#include "involve-store-changes.h"

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

static gboolean
is_password_key (const char *key,
                 gsize       length)
{
  g_autofree char *raw = g_strndup (key, length);
  /* A URI may spell the key with %-escapes. */
  g_autofree char *unescaped = g_uri_unescape_string (raw, NULL);
  const char *name = unescaped != NULL ? unescaped : raw;

  return g_ascii_strcasecmp (name, "password") == 0;
}

gboolean
involve_gui_location_has_password (const char *location)
{
  const char *p;

  if (location == NULL)
    return FALSE;

  p = strstr (location, "://");
  if (p != NULL && (g_str_has_prefix (location, "postgresql://") || g_str_has_prefix (location, "postgres://")))
    {
      const char *authority = p + 3;
      const char *end = authority + strcspn (authority, "/?");
      const char *at = g_strrstr_len (authority, end - authority, "@");
      const char *query = strchr (authority, '?');

      if (at != NULL && memchr (authority, ':', at - authority) != NULL)
        return TRUE;
      if (query != NULL)
        {
          g_auto(GStrv) params = g_strsplit (query + 1, "&", -1);

          for (guint i = 0; params[i] != NULL; i++)
            if (is_password_key (params[i], strcspn (params[i], "=")))
              return TRUE;
        }
      return FALSE;
    }

  /* key = value pairs; a value may be 'quoted', with \ escapes. */
  p = location;
  while (*p != '\0')
    {
      const char *key;
      gsize length;

      while (g_ascii_isspace (*p))
        p++;
      key = p;
      while (*p != '\0' && *p != '=' && !g_ascii_isspace (*p))
        p++;
      length = p - key;
      if (length == 0 && *p == '\0')
        break;
      if (length > 0 && is_password_key (key, length))
        return TRUE;
      while (g_ascii_isspace (*p))
        p++;
      if (*p != '=')
        {
          if (length == 0)
            p++;
          continue;
        }
      p++;
      while (g_ascii_isspace (*p))
        p++;
      if (*p == '\'')
        {
          const char *value = p;

          for (p++; *p != '\0' && *p != '\''; p++)
            if (*p == '\\' && p[1] != '\0')
              p++;
          if (*p == '\'')
            p++;
          else
            {
              /* Unterminated: what it swallowed may have been meant as a
               * password; better refused than kept. */
              g_autofree char *lower = g_ascii_strdown (value, -1);

              return strstr (lower, "password") != NULL;
            }
        }
      else
        while (*p != '\0' && !g_ascii_isspace (*p))
          p++;
    }
  return FALSE;
}

/* At most this many characters of the other person's answer are quoted. */
#define CONFLICT_QUOTE_MAX 400

static char *
dup_answer_text (GVariant *value)
{
  g_autofree char *text = NULL;

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    text = g_variant_dup_string (value, NULL);
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autofree const char **items = g_variant_get_strv (value, NULL);

      text = g_strjoinv (", ", (char **) items);
    }
  else
    text = g_variant_print (value, FALSE);
  if (g_utf8_strlen (text, -1) > CONFLICT_QUOTE_MAX)
    {
      char *cut = g_utf8_offset_to_pointer (text, CONFLICT_QUOTE_MAX);

      *cut = '\0';
      return g_strconcat (text, "…", NULL);
    }
  return g_steal_pointer (&text);
}

char *
involve_gui_dup_conflict_message (InvolveStore *store,
                                  const char   *uuid,
                                  const char   *field_id,
                                  const char   *fallback)
{
  g_autoptr(InvolveFieldChange) change = NULL;
  g_autofree char *who = NULL;
  g_autofree char *when = NULL;
  g_autofree char *answer = NULL;

  g_return_val_if_fail (INVOLVE_IS_STORE (store), NULL);

  if (uuid != NULL && field_id != NULL)
    change = involve_store_dup_field_change (store, uuid, field_id, NULL);
  if (change == NULL || change->account == NULL || change->time_usec == 0)
    return g_strdup (fallback);
  who = involve_field_change_dup_who (change);
  when = involve_field_change_dup_when (change);

  if (change->value == NULL)
    return g_strdup_printf (_("%s cleared this answer at %s, after you opened the record. What you typed was not "
                              "saved and is still on screen: copy it, reload the record and add it again "
                              "if it is still needed."),
                            who, when);
  answer = dup_answer_text (change->value);
  return g_strdup_printf (_("%s changed this answer at %s, after you opened the record. Their answer: “%s”. "
                            "What you typed was not saved over it and is still on screen: copy it, reload the "
                            "record and add it again."),
                          who, when, answer);
}
