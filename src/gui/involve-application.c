/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-application"

#include "config.h"

#include <time.h>
#include <glib/gi18n.h>

#include "involve-application.h"
#include "involve-db.h"
#include "involve-definitions.h"
#include "involve-paths.h"
#include "involve-preferences-window.h"
#include "involve-profile.h"
#include "involve-settings.h"
#include "involve-store-anchors.h"
#include "involve-window.h"

struct _InvolveApplication
{
  AdwApplication      parent_instance;

  char               *database_path;
  InvolveStore       *store;
  GSettings          *settings;
  InvolveDefinitions *definitions;
};

G_DEFINE_FINAL_TYPE (InvolveApplication, involve_application, ADW_TYPE_APPLICATION)

static InvolveWindow *
get_window (InvolveApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  return INVOLVE_IS_WINDOW (window) ? INVOLVE_WINDOW (window) : NULL;
}

char *
_involve_application_dup_redacted_message (const char *message,
                                           const char *location)
{
  g_autoptr(GString) text = g_string_new (message);

  /* The store's messages may quote the location; a password stays out. */
  if (involve_db_location_is_server (location))
    {
      g_autofree char *shown = involve_db_redact_location (location);

      g_string_replace (text, location, shown, 0);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
fatal_error (InvolveApplication *self,
             const char         *heading,
             const char         *message)
{
  GtkWidget *dialog;

  g_printerr ("%s: %s\n", heading, message);
  dialog = adw_message_dialog_new (NULL, heading, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Quit"));
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

/*
 * Milestones of a start, for bench/bench-gui-startup: it runs the app with
 * G_MESSAGES_DEBUG=involve-application and reads these lines.  The
 * monotonic clock is the whole system's, so it compares them with the time
 * it started the process; the CPU time the process used so far tells work
 * from waiting on a busy machine.
 */
static void
startup_mark (const char *what)
{
  struct timespec cpu = { 0, };

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu);
  g_debug ("Startup: %s at %" G_GINT64_FORMAT " us (monotonic), CPU %" G_GINT64_FORMAT " us",
           what, g_get_monotonic_time (), (gint64) cpu.tv_sec * G_USEC_PER_SEC + cpu.tv_nsec / 1000);
}

static gboolean
start_backup_cb (gpointer data)
{
  InvolveApplication *self = data;

  if (self->store != NULL)
    involve_store_start_deferred_backup (self->store);
  return G_SOURCE_REMOVE;
}

static void
first_frame_cb (InvolveWindow      *window,
                InvolveApplication *self)
{
  startup_mark ("first frame painted");
  /* The first start of a day copies the whole register: on a large one
   * that competed with the first frame for the processor and the disk. */
  g_idle_add_full (G_PRIORITY_LOW, start_backup_cb, g_object_ref (self), g_object_unref);
}

static void
involve_application_activate (GApplication *app)
{
  InvolveApplication *self = INVOLVE_APPLICATION (app);
  g_autoptr(GError) error = NULL;
  InvolveWindow *window = get_window (self);
  g_autofree char *path = NULL;
  g_autofree char *damage = NULL;
  gboolean create = FALSE;

  if (window != NULL)
    {
      gtk_window_present (GTK_WINDOW (window));
      return;
    }

  startup_mark ("GTK ready");
  self->definitions = involve_definitions_get_default (&error);
  if (self->definitions == NULL)
    {
      fatal_error (self, _("The Form Definitions Are Broken"), error->message);
      return;
    }
  g_object_ref (self->definitions);
  startup_mark ("definitions loaded");

  self->settings = involve_settings_new (&error);
  if (self->settings == NULL)
    {
      fatal_error (self, _("Settings Are Missing"), error->message);
      return;
    }

  /* --database wins over the preference, which wins over the default. */
  path = g_strdup (self->database_path);
  if (path == NULL)
    {
      path = g_settings_get_string (self->settings, "register-path");
      if (path[0] == '\0')
        g_clear_pointer (&path, g_free);
    }
  /* Only the default register is created (on the first start): a named
   * one that is missing or empty is a mistake to report, never a new,
   * empty register that would hide the real one. */
  if (path == NULL)
    {
      path = involve_paths_get_default_register ();
      create = TRUE;
    }

  /* Today's backup waits for the first frame (see first_frame_cb). */
  self->store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", path,
                                "defer-backup", TRUE, "create", create, NULL);
  if (self->store == NULL)
    {
      g_autofree char *reason = _involve_application_dup_redacted_message (error->message, path);
      g_autofree char *message = NULL;

      if (involve_db_location_is_server (path))
        message = g_strdup_printf (_("%s\n\nCheck the connection string, that the server is running and that your "
                                     "account may use the register; ask your IT department."),
                                   reason);
      else
        message = g_strdup_printf (_("%s\n\nThe file was left as it was. Choose another register with --database PATH."),
                                   reason);
      fatal_error (self, _("The Register Could Not Be Opened"), message);
      return;
    }
  startup_mark ("register open");

  /* On a team register, other people's changes refresh the window. */
  if (!involve_store_follow_changes (self->store, &error))
    {
      g_message ("%s", error->message);
      g_clear_error (&error);
    }

  window = involve_window_new (GTK_APPLICATION (self), self->store, self->definitions, self->settings);
  startup_mark ("window built");
  g_signal_connect_object (window, "first-frame", G_CALLBACK (first_frame_cb), self, 0);
  gtk_window_present (GTK_WINDOW (window));

  /* A damaged register is open read-only: say so before anybody types. */
  damage = involve_store_dup_damage (self->store);
  if (damage != NULL)
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (window), _("The Register Is Damaged"), damage);

      g_printerr ("%s\n", damage);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Read Only"));
      gtk_window_present (GTK_WINDOW (dialog));
    }

  /* A register cut short or put back to an older copy says so at once. */
  if (!involve_store_check_own_head_quick (self->store, &error) &&
      g_error_matches (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED))
    {
      g_autofree char *body =
        g_strdup_printf (_("%s\n\nRun “involve-cli verify” on the register, and restore it from the newest backup if it was not restored on purpose."),
                         error->message);
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (window), _("The Register Has Lost Entries"), body);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
  g_clear_error (&error);
}

static int
involve_application_handle_local_options (GApplication *app,
                                          GVariantDict *options)
{
  InvolveApplication *self = INVOLVE_APPLICATION (app);
  const char *path = NULL;
  const char *portable = NULL;

  if (g_variant_dict_lookup (options, "version", "b", NULL))
    {
      g_print ("involve %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_lookup (options, "portable", "^&ay", &portable))
    involve_paths_set_portable_dir (portable);
  if (g_variant_dict_lookup (options, "database", "^&ay", &path))
    {
      /* A team register's connection string is no file name: as given. */
      if (involve_db_location_is_server (path))
        self->database_path = g_strdup (path);
      else
        {
          g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
          self->database_path = g_file_get_path (file);
        }
    }
  return -1;
}

static void
new_action (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       data)
{
  InvolveWindow *window = get_window (INVOLVE_APPLICATION (data));

  if (window != NULL)
    involve_window_new_record (window);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       data)
{
  InvolveApplication *self = INVOLVE_APPLICATION (data);
  g_autofree char *shown = NULL;
  GtkWidget *preferences;

  if (self->settings == NULL)
    return;
  shown = self->store != NULL ? involve_store_dup_display_location (self->store) : NULL;
  preferences = involve_preferences_window_new (GTK_WINDOW (get_window (self)), self->settings, self->definitions,
                                                shown);
  involve_preferences_window_set_store (INVOLVE_PREFERENCES_WINDOW (preferences), self->store);
  gtk_window_present (GTK_WINDOW (preferences));
}

GtkWidget *
involve_about_window_new (GtkWindow *parent)
{
  const char *developers[] = { _("The Involve developers"), NULL };
  const char *guidance[] = { _("NHS England statutory guidance on patient and public participation in commissioning"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", parent != NULL,
                        "application-name", _("Involve"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Involve developers"),
                        "comments", _("Assess whether the duty to involve the public applies to an NHS commissioning activity, plan the involvement, and keep signed-off records as evidence."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", _("© 2026 The Involve developers"),
                        "developers", developers,
                        NULL);
  adw_about_window_add_credit_section (ADW_ABOUT_WINDOW (about), _("Guidance"), guidance);
  adw_about_window_add_legal_section (ADW_ABOUT_WINDOW (about), _("Guidance text"),
                                      NULL, GTK_LICENSE_CUSTOM,
                                      _("Help text paraphrases NHS England's statutory guidance; statutory wording is quoted with its source. Contains public sector information licensed under the Open Government Licence v3.0."));
  return about;
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       data)
{
  InvolveApplication *self = INVOLVE_APPLICATION (data);
  GtkWidget *about = involve_about_window_new (GTK_WINDOW (get_window (self)));

  /* For IT support: where the register is, never with a password. */
  if (self->store != NULL)
    {
      g_autofree char *shown = involve_store_dup_display_location (self->store);
      g_autofree char *info = g_strdup_printf ("%s %s\n%s: %s\n", _("Involve"), PACKAGE_VERSION,
                                               involve_store_is_server (self->store) ? _("Team register") : _("Register file"),
                                               shown);

      adw_about_window_set_debug_info (ADW_ABOUT_WINDOW (about), info);
    }
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       data)
{
  InvolveApplication *self = INVOLVE_APPLICATION (data);
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (GList *l = windows; l != NULL; l = l->next)
    if (INVOLVE_IS_WINDOW (l->data))
      involve_window_flush (INVOLVE_WINDOW (l->data));
  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "new", new_action, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_action, NULL, NULL, NULL, { 0 } },
  { "about", about_action, NULL, NULL, NULL, { 0 } },
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
};

static void
involve_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (involve_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.new", (const char *[]) { "<Control>n", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", (const char *[]) { "<Control>comma", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "register.search", (const char *[]) { "<Control>f", NULL });
}

static void
involve_application_shutdown (GApplication *app)
{
  InvolveApplication *self = INVOLVE_APPLICATION (app);
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (GList *l = windows; l != NULL; l = l->next)
    if (INVOLVE_IS_WINDOW (l->data))
      involve_window_flush (INVOLVE_WINDOW (l->data));

  G_APPLICATION_CLASS (involve_application_parent_class)->shutdown (app);
}

static void
involve_application_finalize (GObject *object)
{
  InvolveApplication *self = INVOLVE_APPLICATION (object);

  g_clear_pointer (&self->database_path, g_free);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->definitions);

  G_OBJECT_CLASS (involve_application_parent_class)->finalize (object);
}

static void
involve_application_class_init (InvolveApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = involve_application_finalize;
  app_class->activate = involve_application_activate;
  app_class->startup = involve_application_startup;
  app_class->shutdown = involve_application_shutdown;
  app_class->handle_local_options = involve_application_handle_local_options;
}

static void
involve_application_init (InvolveApplication *self)
{
  const GOptionEntry entries[] = {
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Open the register file at PATH, or the team register a PostgreSQL connection string names"), N_("PATH") },
    { "portable", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Keep the register and settings in DIR (for a shared drive or USB stick)"), N_("DIR") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

InvolveApplication *
involve_application_new (void)
{
  return g_object_new (INVOLVE_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/org/involve/Involve",
                       NULL);
}

InvolveStore *
involve_application_get_store (InvolveApplication *self)
{
  g_return_val_if_fail (INVOLVE_IS_APPLICATION (self), NULL);
  return self->store;
}

GSettings *
involve_application_get_settings (InvolveApplication *self)
{
  g_return_val_if_fail (INVOLVE_IS_APPLICATION (self), NULL);
  return self->settings;
}
