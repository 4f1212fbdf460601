/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The app on a team register: the connection string in Preferences
 * (saved for the next start, refused with a password), and the register
 * window following changes another client made (the store's
 * records-changed signal, emitted here by hand on a register file that a
 * second InvolveStore changed).
 *
 * With INVOLVE_SCREENSHOT_DIR set, saves PNGs of what it shows.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "a11y-check.h"
#include "involve-application.h"
#include "involve-gui-util.h"
#include "involve-preferences-window.h"
#include "involve-settings.h"
#include "involve-window-private.h"
#include "involve-wizard-private.h"
#include "store-test-util.h"

typedef struct
{
  char               *dir;
  char               *path;
  InvolveStore       *store;
  InvolveDefinitions *definitions;
  GSettings          *settings;
} Fixture;

static void
wait_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
}

static void
check_a11y (GtkWidget  *widget,
            const char *where)
{
  g_autoptr(GString) problems = g_string_new (NULL);

  if (involve_test_check_accessibility (widget, problems) > 0)
    g_test_message ("%s:\n%s", where, problems->str);
  g_assert_cmpuint (problems->len, ==, 0);
}

static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  const char *dir = g_getenv ("INVOLVE_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  graphene_rect_t viewport;
  int width, height;

  if (dir == NULL)
    return;
  wait_ms (300);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  viewport = GRAPHENE_RECT_INIT (0, 0, width, height);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node, &viewport);
  path = g_build_filename (dir, name, NULL);
  gdk_texture_save_to_png (texture, path);
}

static GtkWidget *
find_row_titled (GtkWidget  *root,
                 GType       type,
                 const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && ADW_IS_PREFERENCES_ROW (child)
          && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0)
        return child;
      found = find_row_titled (child, type, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A shown label under @root whose text holds @text. */
static GtkWidget *
find_label_with (GtkWidget  *root,
                 const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && gtk_widget_get_visible (child)
          && strstr (gtk_label_get_text (GTK_LABEL (child)), text) != NULL)
        return child;
      found = find_label_with (child, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("involve-gui-team-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "register.sqlite", NULL);
  fixture->store = open_store (fixture->path, &error);
  g_assert_no_error (error);
  fixture->definitions = g_object_ref (involve_definitions_get_default (&error));
  g_assert_no_error (error);
  fixture->settings = involve_settings_new (&error);
  g_assert_no_error (error);
  g_settings_reset (fixture->settings, "register-path");
  g_settings_set_string (fixture->settings, "profile-name", "Officer");
  g_settings_set_int (fixture->settings, "window-width", 1200);
  g_settings_set_int (fixture->settings, "window-height", 700);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->definitions);
  g_clear_object (&fixture->settings);
  test_util_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

/* Preferences */

static void
test_password_detection (void)
{
  g_assert_true (involve_gui_location_has_password ("host=db password=x dbname=involve"));
  g_assert_true (involve_gui_location_has_password ("host=db PASSWORD = 'a b\\' c' dbname=involve"));
  g_assert_true (involve_gui_location_has_password ("postgresql://officer:x@db/involve"));
  g_assert_true (involve_gui_location_has_password ("postgresql://officer:@db/involve"));
  g_assert_true (involve_gui_location_has_password ("postgres://db/involve?sslmode=require&password=x"));
  g_assert_true (involve_gui_location_has_password ("postgresql://db/involve?%70assword=x"));

  g_assert_false (involve_gui_location_has_password ("host=db dbname=involve user=password"));
  g_assert_false (involve_gui_location_has_password ("host=db options='-c password=x' dbname=involve"));
  g_assert_false (involve_gui_location_has_password ("host=db passfile=/home/o/.pgpass dbname=involve"));
  g_assert_false (involve_gui_location_has_password ("postgresql://officer@db:5432/involve?sslmode=require"));
  g_assert_false (involve_gui_location_has_password ("postgresql://[::1]:5432/involve"));
  g_assert_false (involve_gui_location_has_password ("/home/o/register.involve"));
  g_assert_false (involve_gui_location_has_password (NULL));
  /* Hostile input ends. */
  g_assert_false (involve_gui_location_has_password ("= = =  '"));
  g_assert_true (involve_gui_location_has_password ("host='unterminated password=x"));
}

static void
test_application_redacts (void)
{
  g_autofree char *message =
    _involve_application_dup_redacted_message ("Could not reach “host=db password=s3cret dbname=i”: refused",
                                               "host=db password=s3cret dbname=i");
  g_autofree char *file =
    _involve_application_dup_redacted_message ("No register at “/tmp/password=x”", "/tmp/password=x");

  g_assert_cmpstr (message, ==, "Could not reach “host=db dbname=i”: refused");
  g_assert_cmpstr (file, ==, "No register at “/tmp/password=x”");
}

static void
apply_text (GtkWidget  *row,
            const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "apply");
  wait_ms (50);
}

static void
test_preferences_server (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkWidget *preferences;
  GtkWidget *row;
  GtkWidget *file_row;
  GtkWidget *page_register;
  g_autofree char *saved = NULL;

  preferences = involve_preferences_window_new (NULL, fixture->settings, fixture->definitions, fixture->path);
  gtk_window_set_default_size (GTK_WINDOW (preferences), 640, 900);
  gtk_window_present (GTK_WINDOW (preferences));
  page_register = gtk_widget_get_parent (find_row_titled (preferences, ADW_TYPE_COMBO_ROW, "Legal framework"));
  while (page_register != NULL && !ADW_IS_PREFERENCES_PAGE (page_register))
    page_register = gtk_widget_get_parent (page_register);
  g_assert_nonnull (page_register);
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (preferences), ADW_PREFERENCES_PAGE (page_register));
  wait_ms (100);

  row = find_row_titled (preferences, ADW_TYPE_ENTRY_ROW, "Connection string");
  file_row = find_row_titled (preferences, ADW_TYPE_ACTION_ROW, "Register file");
  g_assert_nonnull (row);
  g_assert_nonnull (file_row);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");
  check_a11y (preferences, "preferences, register page");

  /* A password is refused, whatever form it takes, and nothing is saved. */
  apply_text (row, "host=db.example.nhs.uk dbname=involve password=s3cret");
  g_assert_nonnull (find_label_with (preferences, "passwords are not stored"));
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  saved = g_settings_get_string (fixture->settings, "register-path");
  g_assert_cmpstr (saved, ==, "");
  g_clear_pointer (&saved, g_free);
  screenshot (preferences, "team-register-password-refused.png");

  apply_text (row, "postgresql://officer:s3cret@db.example.nhs.uk/involve");
  g_assert_nonnull (find_label_with (preferences, "passwords are not stored"));
  saved = g_settings_get_string (fixture->settings, "register-path");
  g_assert_cmpstr (saved, ==, "");
  g_clear_pointer (&saved, g_free);

  /* A file path is no connection string. */
  apply_text (row, "/home/officer/register.involve");
  g_assert_nonnull (find_label_with (preferences, "is not a connection string"));
  saved = g_settings_get_string (fixture->settings, "register-path");
  g_assert_cmpstr (saved, ==, "");
  g_clear_pointer (&saved, g_free);

  /* Typing again clears the message. */
  gtk_editable_set_text (GTK_EDITABLE (row), "host=db");
  wait_ms (20);
  g_assert_null (find_label_with (preferences, "is not a connection string"));
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  /* A good one is saved for the next start, and the file row says so. */
  apply_text (row, "  host=db.example.nhs.uk dbname=involve sslmode=require  ");
  saved = g_settings_get_string (fixture->settings, "register-path");
  g_assert_cmpstr (saved, ==, "host=db.example.nhs.uk dbname=involve sslmode=require");
  g_clear_pointer (&saved, g_free);
  g_assert_nonnull (find_label_with (preferences, "when it next starts"));
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (file_row)), "team register"));
  check_a11y (preferences, "preferences with a team register");
  screenshot (preferences, "team-register-preferences.png");
  gtk_window_destroy (GTK_WINDOW (preferences));

  /* Shown again next time. */
  preferences = involve_preferences_window_new (NULL, fixture->settings, fixture->definitions, fixture->path);
  gtk_window_present (GTK_WINDOW (preferences));
  row = find_row_titled (preferences, ADW_TYPE_ENTRY_ROW, "Connection string");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "host=db.example.nhs.uk dbname=involve sslmode=require");

  /* Emptied: back to the default register file. */
  apply_text (row, "");
  saved = g_settings_get_string (fixture->settings, "register-path");
  g_assert_cmpstr (saved, ==, "");
  g_clear_pointer (&saved, g_free);

  /* A register file chosen stays when the server row is emptied. */
  g_settings_set_string (fixture->settings, "register-path", "/srv/share/register.involve");
  g_assert_true (_involve_preferences_window_apply_server (INVOLVE_PREFERENCES_WINDOW (preferences), "", NULL));
  saved = g_settings_get_string (fixture->settings, "register-path");
  g_assert_cmpstr (saved, ==, "/srv/share/register.involve");
  gtk_window_destroy (GTK_WINDOW (preferences));
  wait_ms (50);
}

/* Live refresh */

typedef struct
{
  guint position;
  guint removed;
  guint added;
} Change;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GArray     *changes)
{
  Change change = { position, removed, added };

  g_array_append_val (changes, change);
}

static void
wait_refreshed (InvolveRegisterModel *model)
{
  for (guint i = 0; i < 400 && involve_register_model_is_refreshing (model); i++)
    wait_ms (10);
  g_assert_false (involve_register_model_is_refreshing (model));
  wait_ms (30);
}

static const char *
title_at (InvolveRegisterModel *model,
          guint                 position)
{
  g_autoptr(InvolveRegisterItem) item = g_list_model_get_item (G_LIST_MODEL (model), position);

  g_assert_nonnull (item);
  return involve_register_item_get_summary (item)->title;
}

static InvolveRecord *
make_record (InvolveStore *store,
             const char   *title)
{
  g_autoptr(GError) error = NULL;
  InvolveRecord *record = involve_store_create_record (store, "icb-14z45", &error);

  g_assert_no_error (error);
  set_string (store, record, "title", title);
  g_usleep (2000); /* a later change time for each */
  return record;
}

/* What the wizard's input for @field_id shows. */
static char *
dup_input_text (InvolveWizard *wizard,
                const char    *field_id)
{
  GtkWidget *editor = _involve_wizard_get_editor (wizard, field_id);
  GtkWidget *input;

  g_assert_nonnull (editor);
  input = involve_field_editor_get_input (INVOLVE_FIELD_EDITOR (editor));
  if (GTK_IS_EDITABLE (input))
    return g_strdup (gtk_editable_get_text (GTK_EDITABLE (input)));
  g_assert_true (GTK_IS_TEXT_VIEW (input));
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (input));
    GtkTextIter start, end;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  }
}

static void
test_records_changed (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) other = NULL;
  g_autoptr(InvolveRecord) first = make_record (fixture->store, "Clinic move");
  g_autoptr(InvolveRecord) second = make_record (fixture->store, "Minor injuries unit hours");
  g_autoptr(InvolveRecord) third = make_record (fixture->store, "Pharmacy opening times");
  g_autoptr(InvolveRecord) theirs = NULL;
  g_autoptr(InvolveRecord) reloaded = NULL;
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  InvolveWindow *window;
  InvolveWizard *wizard;
  InvolveRegisterModel *model;
  GtkWidget *revealer, *label, *button;
  const Change *change;

  window = involve_window_new (NULL, fixture->store, fixture->definitions, fixture->settings);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  wait_ms (200);
  model = _involve_window_get_model (window);
  wizard = _involve_window_get_wizard (window);
  revealer = _involve_wizard_get_changed_revealer (wizard);
  label = _involve_wizard_get_changed_label (wizard);
  button = _involve_wizard_get_changed_button (wizard);

  /* Newest change first. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);
  g_assert_cmpstr (title_at (model, 0), ==, "Pharmacy opening times");
  g_assert_cmpstr (title_at (model, 2), ==, "Clinic move");

  /* Another client, on the same register, changes the oldest record. */
  other = open_store (fixture->path, &error);
  g_assert_no_error (error);
  theirs = involve_store_load_record (other, involve_record_get_uuid (first), 0, &error);
  g_assert_no_error (error);
  set_string (other, theirs, "title", "Clinic move to the High Street");

  /* Not told yet: the list stands. */
  wait_ms (50);
  g_assert_cmpstr (title_at (model, 2), ==, "Clinic move");

  /* Told: the list follows, in a worker, moving the one row. */
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), changes);
  g_signal_emit_by_name (fixture->store, "records-changed", involve_record_get_uuid (first));
  g_assert_true (involve_register_model_is_refreshing (model));
  wait_refreshed (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);
  g_assert_cmpstr (title_at (model, 0), ==, "Clinic move to the High Street");
  g_assert_cmpstr (title_at (model, 1), ==, "Pharmacy opening times");
  g_assert_cmpstr (title_at (model, 2), ==, "Minor injuries unit hours");
  /* The rows between stay: one removal and one insertion. */
  g_assert_cmpuint (changes->len, ==, 2);
  change = &g_array_index (changes, Change, 0);
  g_assert_cmpuint (change->position, ==, 2);
  g_assert_cmpuint (change->removed, ==, 1);
  g_assert_cmpuint (change->added, ==, 0);
  change = &g_array_index (changes, Change, 1);
  g_assert_cmpuint (change->position, ==, 0);
  g_assert_cmpuint (change->removed, ==, 0);
  g_assert_cmpuint (change->added, ==, 1);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (_involve_window_get_list_stack (window))), ==, "list");

  /* Nothing changed: nothing announced. */
  g_array_set_size (changes, 0);
  g_signal_emit_by_name (fixture->store, "records-changed", NULL);
  wait_refreshed (model);
  g_assert_cmpuint (changes->len, ==, 0);

  /* A record added elsewhere comes in at the top. */
  {
    g_autoptr(InvolveRecord) added = make_record (other, "Community diagnostic centre");

    g_signal_emit_by_name (fixture->store, "records-changed", involve_record_get_uuid (added));
    wait_refreshed (model);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 4);
    g_assert_cmpstr (title_at (model, 0), ==, "Community diagnostic centre");
    g_assert_cmpuint (changes->len, ==, 1);
    change = &g_array_index (changes, Change, 0);
    g_assert_cmpuint (change->position, ==, 0);
    g_assert_cmpuint (change->removed, ==, 0);
    g_assert_cmpuint (change->added, ==, 1);
  }
  g_signal_handlers_disconnect_by_func (model, items_changed_cb, changes);

  /* The open record changed elsewhere: a banner offers to reload it. */
  g_assert_true (involve_window_open_record (window, involve_record_get_uuid (second)));
  wait_ms (100);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  /* Another record's change says nothing here. */
  g_signal_emit_by_name (fixture->store, "records-changed", involve_record_get_uuid (first));
  wait_refreshed (model);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  /* Nor does a change that leaves it as shown. */
  g_signal_emit_by_name (fixture->store, "records-changed", involve_record_get_uuid (second));
  wait_refreshed (model);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));

  g_clear_object (&theirs);
  theirs = involve_store_load_record (other, involve_record_get_uuid (second), 0, &error);
  g_assert_no_error (error);
  set_string (other, theirs, "title", "Minor injuries unit: new evening hours");
  g_signal_emit_by_name (fixture->store, "records-changed", involve_record_get_uuid (second));
  wait_refreshed (model);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "Someone else changed this record; reload"));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Reload");
  check_a11y (GTK_WIDGET (window), "record changed elsewhere");
  screenshot (GTK_WIDGET (window), "team-register-changed.png");
  /* What is shown is still the person's until they reload. */
  {
    g_autofree char *shown = dup_input_text (wizard, "title");

    g_assert_cmpstr (shown, ==, "Minor injuries unit hours");
  }
  g_signal_emit_by_name (button, "clicked");
  wait_ms (100);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  g_assert_cmpstr (involve_record_get_string (involve_wizard_get_record (wizard), "title"), ==,
                   "Minor injuries unit: new evening hours");
  {
    g_autofree char *shown = dup_input_text (wizard, "title");

    g_assert_cmpstr (shown, ==, "Minor injuries unit: new evening hours");
  }

  /* With typing not saved yet, nothing is lost: saved first, then reloaded. */
  g_clear_object (&theirs);
  theirs = involve_store_load_record (other, involve_record_get_uuid (second), 0, &error);
  g_assert_no_error (error);
  set_string (other, theirs, "title", "Minor injuries unit: evening and weekend hours");
  {
    GtkWidget *input = involve_field_editor_get_input (INVOLVE_FIELD_EDITOR (_involve_wizard_get_editor (wizard, "step1-explanation")));

    g_assert_true (GTK_IS_TEXT_VIEW (input));
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (input)),
                              "Opening the unit until 22:00 on weekdays.", -1);
  }
  /* At once, before the typing pause saves it. */
  g_signal_emit_by_name (fixture->store, "records-changed", involve_record_get_uuid (second));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "What you are typing is kept"));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Save and Reload");
  g_signal_emit_by_name (button, "clicked");
  wait_refreshed (model);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  reloaded = involve_store_load_record (other, involve_record_get_uuid (second), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (involve_record_get_string (reloaded, "step1-explanation"), ==,
                   "Opening the unit until 22:00 on weekdays.");
  g_assert_cmpstr (involve_record_get_string (reloaded, "title"), ==,
                   "Minor injuries unit: evening and weekend hours");
  g_assert_cmpstr (involve_record_get_string (involve_wizard_get_record (wizard), "title"), ==,
                   "Minor injuries unit: evening and weekend hours");
  g_assert_cmpstr (involve_record_get_string (involve_wizard_get_record (wizard), "step1-explanation"), ==,
                   "Opening the unit until 22:00 on weekdays.");

  /* Typing the register then refuses (withdrawn elsewhere) stays on
   * screen: the banner says to copy it, and only a second press reloads. */
  g_assert_true (involve_store_withdraw (other, involve_record_get_uuid (second), "A duplicate of another record", &error));
  g_assert_no_error (error);
  {
    GtkWidget *input = involve_field_editor_get_input (INVOLVE_FIELD_EDITOR (_involve_wizard_get_editor (wizard, "step1-explanation")));

    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (input)),
                              "Also opening on Saturday mornings.", -1);
  }
  g_signal_emit_by_name (fixture->store, "records-changed", involve_record_get_uuid (second));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Save and Reload");
  g_signal_emit_by_name (button, "clicked");
  wait_ms (100);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "could not be saved"));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Reload Anyway");
  {
    g_autofree char *shown = dup_input_text (wizard, "step1-explanation");

    g_assert_cmpstr (shown, ==, "Also opening on Saturday mornings.");
  }
  g_assert_cmpint (involve_record_get_status (involve_wizard_get_record (wizard)), ==, INVOLVE_STATUS_DRAFT);
  screenshot (GTK_WIDGET (window), "team-register-refused-typing.png");
  g_signal_emit_by_name (button, "clicked");
  wait_ms (100);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  g_assert_cmpint (involve_record_get_status (involve_wizard_get_record (wizard)), ==, INVOLVE_STATUS_WITHDRAWN);
  {
    g_autofree char *shown = dup_input_text (wizard, "step1-explanation");

    g_assert_cmpstr (shown, ==, "Opening the unit until 22:00 on weekdays.");
  }

  /* Back at the list, everything is there. */
  involve_window_show_register (window);
  wait_ms (50);
  g_assert_cmpstr (title_at (model, 0), ==, "Minor injuries unit: evening and weekend hours");

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  wait_ms (50);
}

/* Two people typed in the same answer: the second save is refused, and
 * the error banner says who changed it, when, and what their answer is,
 * with the refused typing still on screen. */
static void
test_conflict_banner (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) other = NULL;
  g_autoptr(InvolveRecord) record = make_record (fixture->store, "Podiatry clinic move");
  g_autoptr(InvolveRecord) theirs = NULL;
  g_autoptr(InvolveRecord) stored = NULL;
  g_autoptr(GDateTime) before = g_date_time_new_now_local ();
  g_autoptr(GDateTime) after = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *hour_before = g_date_time_format (before, "at %H:");
  g_autofree char *hour_after = NULL;
  InvolveWindow *window;
  InvolveWizard *wizard;
  GtkWidget *input;
  const char *message;

  window = involve_window_new (NULL, fixture->store, fixture->definitions, fixture->settings);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  wait_ms (200);
  wizard = _involve_window_get_wizard (window);
  g_assert_true (involve_window_open_record (window, involve_record_get_uuid (record)));
  wait_ms (100);

  /* Ben, on another desktop, saves a new title after this one opened it. */
  g_usleep (2000);
  other = open_store (fixture->path, &error);
  g_assert_no_error (error);
  involve_store_set_profile_name (other, "Ben");
  theirs = involve_store_load_record (other, involve_record_get_uuid (record), 0, &error);
  g_assert_no_error (error);
  set_string (other, theirs, "title", "Podiatry clinic relocation to Elm Street");
  after = g_date_time_new_now_local ();
  hour_after = g_date_time_format (after, "at %H:");

  input = involve_field_editor_get_input (INVOLVE_FIELD_EDITOR (_involve_wizard_get_editor (wizard, "title")));
  g_assert_true (GTK_IS_EDITABLE (input));
  gtk_editable_set_text (GTK_EDITABLE (input), "Podiatry move (my words)");
  g_assert_false (involve_wizard_flush (wizard));
  wait_ms (50);

  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (_involve_wizard_get_error_revealer (wizard))));
  message = gtk_label_get_text (GTK_LABEL (_involve_wizard_get_error_label (wizard)));
  g_test_message ("%s", message);
  g_assert_nonnull (strstr (message, "could not be saved"));
  g_assert_nonnull (strstr (message, "Ben (officer) changed this answer"));
  /* Today: the time alone (the hour may have turned meanwhile). */
  g_assert_true (strstr (message, hour_before) != NULL || strstr (message, hour_after) != NULL);
  {
    g_autofree char *date = g_date_time_format (after, " on %-d %B");

    g_assert_null (strstr (message, date));
  }
  g_assert_nonnull (strstr (message, "“Podiatry clinic relocation to Elm Street”"));
  g_assert_nonnull (strstr (message, "still on screen"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (_involve_wizard_get_saved_label (wizard))), ==, "Not saved");
  /* The typing stays; the register keeps Ben's answer. */
  shown = dup_input_text (wizard, "title");
  g_assert_cmpstr (shown, ==, "Podiatry move (my words)");
  stored = involve_store_load_record (other, involve_record_get_uuid (record), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (involve_record_get_string (stored, "title"), ==, "Podiatry clinic relocation to Elm Street");
  check_a11y (GTK_WIDGET (window), "conflict banner");
  screenshot (GTK_WIDGET (window), "team-register-conflict.png");

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  wait_ms (50);
}

/* A register larger than the rows fetched: only the fetched pages are
 * compared, and refreshes that overlap or go stale end right. */
static void
test_model_refresh_large (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) other = NULL;
  g_autoptr(InvolveRegisterModel) model = NULL;
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(InvolveRecord) theirs = NULL;
  g_autofree char *moved_uuid = NULL;
  g_autofree char *fifth = NULL;
  const Change *change;
  const guint n = 230;

  g_assert_true (involve_store_begin_batch (fixture->store, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("Record %03u", i);
      g_autoptr(InvolveRecord) record = make_record (fixture->store, title);
    }
  g_assert_true (involve_store_commit_batch (fixture->store, &error));
  g_assert_no_error (error);

  model = involve_register_model_new (fixture->store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, n);
  g_assert_cmpstr (title_at (model, 0), ==, "Record 229");
  g_assert_cmpstr (title_at (model, 3), ==, "Record 226");
  fifth = g_strdup (title_at (model, 4));
  {
    g_autoptr(InvolveRegisterItem) item = g_list_model_get_item (G_LIST_MODEL (model), 3);

    moved_uuid = g_strdup (involve_register_item_get_summary (item)->uuid);
  }
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), changes);

  /* Row 3 changes elsewhere and goes to the top: only rows 0 to 3 of the
   * fetched page change; the rest of the register is not fetched. */
  other = open_store (fixture->path, &error);
  g_assert_no_error (error);
  theirs = involve_store_load_record (other, moved_uuid, 0, &error);
  g_assert_no_error (error);
  set_string (other, theirs, "title", "Record 226, renamed");
  involve_register_model_refresh (model);
  wait_refreshed (model);
  g_assert_cmpuint (changes->len, ==, 1);
  change = &g_array_index (changes, Change, 0);
  g_assert_cmpuint (change->position, ==, 0);
  g_assert_cmpuint (change->removed, ==, 4);
  g_assert_cmpuint (change->added, ==, 4);
  g_assert_cmpstr (title_at (model, 0), ==, "Record 226, renamed");
  g_assert_cmpstr (title_at (model, 1), ==, "Record 229");
  g_assert_cmpstr (title_at (model, 4), ==, fifth);
  g_assert_cmpstr (title_at (model, 210), ==, "Record 019");

  /* Two changes, two calls while the first runs: the last state wins. */
  g_array_set_size (changes, 0);
  set_string (other, theirs, "title", "Record 226, renamed again");
  involve_register_model_refresh (model);
  g_assert_true (involve_register_model_is_refreshing (model));
  {
    g_autoptr(InvolveRecord) added = make_record (other, "Added elsewhere");
  }
  involve_register_model_refresh (model);
  wait_refreshed (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, n + 1);
  g_assert_cmpstr (title_at (model, 0), ==, "Added elsewhere");
  g_assert_cmpstr (title_at (model, 1), ==, "Record 226, renamed again");
  g_assert_cmpuint (changes->len, >=, 1);

  /* A search typed while a refresh runs wins over it. */
  involve_register_model_refresh (model);
  involve_register_model_set_query (model, "renamed again", 0, NULL, NULL, NULL);
  wait_refreshed (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  g_assert_cmpstr (title_at (model, 0), ==, "Record 226, renamed again");
  g_assert_null (involve_register_model_get_error (model));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = test_util_isolate_user_dirs ();
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/gui/team-register/password-detection", test_password_detection);
  g_test_add_func ("/gui/team-register/application-redacts", test_application_redacts);
  g_test_add ("/gui/team-register/preferences", Fixture, NULL, fixture_set_up, test_preferences_server, fixture_tear_down);
  g_test_add ("/gui/team-register/records-changed", Fixture, NULL, fixture_set_up, test_records_changed, fixture_tear_down);
  g_test_add ("/gui/team-register/conflict-banner", Fixture, NULL, fixture_set_up, test_conflict_banner, fixture_tear_down);
  g_test_add ("/gui/team-register/model-refresh-large", Fixture, NULL, fixture_set_up, test_model_refresh_large, fixture_tear_down);
  ret = g_test_run ();
  test_util_remove_tree (home);
  return ret;
}
