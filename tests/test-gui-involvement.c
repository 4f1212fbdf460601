/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The involvement log window and the annual report dialog, on the fixed
 * demo year: what they show, adding and withdrawing entries from the
 * keyboard-reachable forms (bad input kept and explained), the report's
 * figures and saving them at the head they were computed at.
 *
 * With INVOLVE_SCREENSHOT_DIR set, saves PNGs of the windows.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>
#include <glib/gstdio.h>

#include "common-test-util.h"
#include "gui-test-util.h"
#include "identity-test-util.h"
#include "involve-history-window.h"
#include "involve-involvement-window.h"
#include "involve-report-dialog.h"
#include "involve-settings.h"
#include "involve-unlock-dialog.h"
#include "involve-wizard.h"
#include "report-test-util.h"

typedef DemoYearFixture Fixture;

/* The control a form's label (its text without the mnemonic) names. */
static GtkWidget *
control (GtkWidget  *form,
         const char *label_text)
{
  GtkWidget *label = gui_test_find_labelled (form, GTK_TYPE_LABEL, label_text);

  if (label == NULL)
    g_error ("no label “%s” in the form", label_text);
  return gtk_label_get_mnemonic_widget (GTK_LABEL (label));
}

static void
type_into (GtkWidget  *form,
           const char *label_text,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (control (form, label_text)), text);
}

static GtkWidget *
save_button (GtkWidget *form,
             const char *label)
{
  GtkWidget *button = gui_test_find_labelled (form, GTK_TYPE_BUTTON, label);

  g_assert_nonnull (button);
  return button;
}

static guint
count_rows_with (GtkWidget  *root,
                 const char *title_prefix)
{
  guint n = 0;

  if (ADW_IS_ACTION_ROW (root) &&
      g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title_prefix))
    n++;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    n += count_rows_with (child, title_prefix);
  return n;
}

static gint64
head (Fixture *f)
{
  gint64 id = 0;

  g_assert_true (involve_store_get_audit_head (f->store, &id, NULL, NULL));
  return id;
}

static void
test_involvement_window (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveRecord) record = involve_store_load_record (f->store, f->demo.uuids[0], 0, &error);
  g_autoptr(InvolveRecord) draft = involve_store_load_record (f->store, f->demo.uuids[6], 0, &error);
  g_autoptr(GPtrArray) activities = NULL;
  g_autofree char *pdf = g_build_filename (f->td->dir, "ysd.pdf", NULL);
  GtkWidget *window, *form, *withdraw;
  gint64 before;

  /* Not for a plan that was never signed off. */
  g_assert_null (involve_involvement_window_new (NULL, f->store, draft, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_LOCKED);
  g_clear_error (&error);

  window = involve_involvement_window_new (NULL, f->store, record, &error);
  g_assert_no_error (error);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 760);
  gtk_window_present (GTK_WINDOW (window));
  gui_test_wait_ms (200);
  g_assert_cmpuint (count_rows_with (window, "1. Surveys"), ==, 1);
  g_assert_cmpuint (count_rows_with (window, "2. Events"), ==, 1);
  g_assert_cmpuint (count_rows_with (window, "1. Getting there by bus"), ==, 1);
  g_assert_cmpuint (count_rows_with (window, "2. You said: Keep the Saturday clinic"), ==, 1);
  gui_test_check_a11y (window, "involvement window");
  gui_test_screenshot (window, "involvement-01-log.png");

  /* Add an activity: refused while the description is missing, with
   * what was typed kept and nothing written. */
  g_signal_emit_by_name (gui_test_find_labelled (window, GTK_TYPE_BUTTON, "Add _Activity…"), "clicked");
  gui_test_wait_ms (200);
  form = _involve_involvement_window_get_form (INVOLVE_INVOLVEMENT_WINDOW (window));
  g_assert_nonnull (form);
  gui_test_check_a11y (form, "activity form");
  type_into (form, "Start date", "2025-09-10");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (control (form, "Method")), 8);   /* focus groups */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (control (form, "People who took part")), 17);
  /* The groups' label leads to the first box of its list. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (control (form, "Seldom-heard groups reached")), TRUE);
  before = head (f);
  g_signal_emit_by_name (save_button (form, "_Save"), "clicked");
  gui_test_wait_ms (100);
  g_assert_true (_involve_involvement_window_get_form (INVOLVE_INVOLVEMENT_WINDOW (window)) == form);
  g_assert_true (gtk_widget_get_visible (gui_test_find_labelled (form, GTK_TYPE_LABEL, "What was done is required.")));
  g_assert_cmpint (head (f), ==, before);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (form, "Start date"))), ==, "2025-09-10");
  gui_test_screenshot (form, "involvement-02-form-problem.png");

  type_into (form, "What was done", "A focus group with carers at the library.");
  /* Each entry is a signed act: with no key unlocked, the unlock dialog
   * asks first; cancelling it writes nothing and keeps the form. */
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    GtkWidget *unlock = NULL;
    g_autofree char *key_path = involve_identity_dup_default_path ();
    g_autofree char *key_dir = g_path_get_dirname (key_path);

    g_assert_cmpint (g_mkdir_with_parents (key_dir, 0700), ==, 0);
    g_assert_true (involve_identity_save (test_identity ("officer"), key_path, "test passphrase", &error));
    g_assert_no_error (error);
    involve_store_set_identity (f->store, NULL);
    g_signal_emit_by_name (save_button (form, "_Save"), "clicked");
    gui_test_wait_ms (200);
    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && unlock == NULL; i++)
      {
        g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

        if (INVOLVE_IS_UNLOCK_DIALOG (w) && gtk_widget_get_visible (w))
          unlock = w;
      }
    g_assert_nonnull (unlock);
    g_assert_cmpint (head (f), ==, before);
    g_signal_emit_by_name (_involve_unlock_dialog_get_cancel_button (INVOLVE_UNLOCK_DIALOG (unlock)), "clicked");
    gui_test_wait_ms (200);
    g_assert_true (_involve_involvement_window_get_form (INVOLVE_INVOLVEMENT_WINDOW (window)) == form);
    g_assert_cmpint (head (f), ==, before);
    g_assert_null (involve_store_get_identity (f->store));

    /* Unlocked this time: the form is saved with what was typed. */
    unlock = NULL;
    g_signal_emit_by_name (save_button (form, "_Save"), "clicked");
    gui_test_wait_ms (200);
    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && unlock == NULL; i++)
      {
        g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

        if (INVOLVE_IS_UNLOCK_DIALOG (w) && gtk_widget_get_visible (w))
          unlock = w;
      }
    g_assert_nonnull (unlock);
    gtk_editable_set_text (GTK_EDITABLE (_involve_unlock_dialog_get_passphrase_row (INVOLVE_UNLOCK_DIALOG (unlock))),
                           "test passphrase");
    g_signal_emit_by_name (_involve_unlock_dialog_get_unlock_button (INVOLVE_UNLOCK_DIALOG (unlock)), "clicked");
    /* The key is unlocked off the main thread: wait for the save. */
    for (guint i = 0; i < 100 && _involve_involvement_window_get_form (INVOLVE_INVOLVEMENT_WINDOW (window)) != NULL; i++)
      gui_test_wait_ms (100);
    g_assert_nonnull (involve_store_get_identity (f->store));
  }
  g_assert_null (_involve_involvement_window_get_form (INVOLVE_INVOLVEMENT_WINDOW (window)));
  activities = involve_store_list_log_entries (f->store, f->demo.uuids[0], INVOLVE_LOG_ACTIVITY, 0, &error);
  g_assert_cmpuint (activities->len, ==, 3);
  g_assert_cmpstr (((InvolveLogEntry *) activities->pdata[2])->method, ==, "focus-groups-interviews");
  g_assert_cmpint (((InvolveLogEntry *) activities->pdata[2])->reach, ==, 17);
  g_assert_cmpstr (((InvolveLogEntry *) activities->pdata[2])->groups[0], ==, "black-asian-minority-ethnic");
  {
    /* Entry numbers run through the register, per kind. */
    g_autofree char *title = g_strdup_printf ("%" G_GINT64_FORMAT ". Focus groups and interviews",
                                              ((InvolveLogEntry *) activities->pdata[2])->id);

    g_assert_cmpuint (count_rows_with (window, title), ==, 1);
  }

  /* Correct the survey: the form comes filled in with it. */
  g_signal_emit_by_name (gui_test_find_labelled (window, GTK_TYPE_BUTTON, "Correct…"), "clicked");
  gui_test_wait_ms (200);
  form = _involve_involvement_window_get_form (INVOLVE_INVOLVEMENT_WINDOW (window));
  gui_test_check_a11y (form, "correction form");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (form, "Start date"))), ==, "2025-06-02");
  g_assert_cmpint (gtk_spin_button_get_value (GTK_SPIN_BUTTON (control (form, "People who took part"))), ==, 120);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (control (form, "People who took part")), 130);
  before = head (f);
  g_signal_emit_by_name (save_button (form, "_Save"), "clicked");
  gui_test_wait_ms (100);
  g_assert_cmpint (head (f), ==, before);   /* no reason given */
  type_into (form, "Why it is corrected", "Ten paper forms came in late.");
  g_signal_emit_by_name (save_button (form, "_Save"), "clicked");
  gui_test_wait_ms (200);
  g_clear_pointer (&activities, g_ptr_array_unref);
  activities = involve_store_list_log_entries (f->store, f->demo.uuids[0], INVOLVE_LOG_ACTIVITY, 0, &error);
  g_assert_cmpuint (activities->len, ==, 4);
  {
    InvolveLogEntry *fixed = activities->pdata[3];

    g_assert_cmpint (fixed->supersedes, ==, ((InvolveLogEntry *) activities->pdata[0])->id);
    g_assert_cmpint (fixed->reach, ==, 130);
    g_assert_cmpstr (fixed->method, ==, "surveys-feedback-forms");
    g_assert_cmpuint (g_strv_length (fixed->groups), ==, 2);
    g_assert_cmpstr (fixed->partner_types[0], ==, "healthwatch");
  }

  /* Withdraw the next one (the event): a reason is needed. */
  withdraw = gui_test_find_labelled (window, GTK_TYPE_BUTTON, "Withdraw…");
  g_assert_nonnull (withdraw);
  g_signal_emit_by_name (withdraw, "clicked");
  gui_test_wait_ms (200);
  form = _involve_involvement_window_get_form (INVOLVE_INVOLVEMENT_WINDOW (window));
  gui_test_check_a11y (form, "withdraw form");
  before = head (f);
  g_signal_emit_by_name (save_button (form, "_Withdraw"), "clicked");
  gui_test_wait_ms (100);
  g_assert_cmpint (head (f), ==, before);
  type_into (form, "Why it is corrected", "Logged against the wrong record.");
  g_signal_emit_by_name (save_button (form, "_Withdraw"), "clicked");
  gui_test_wait_ms (200);
  g_assert_cmpint (head (f), ==, before + 1);
  g_assert_null (_involve_involvement_window_get_form (INVOLVE_INVOLVEMENT_WINDOW (window)));
  g_clear_pointer (&activities, g_ptr_array_unref);
  activities = involve_store_list_log_entries (f->store, f->demo.uuids[0], INVOLVE_LOG_ACTIVITY, 0, &error);
  g_assert_cmpuint (activities->len, ==, 5);
  g_assert_true (((InvolveLogEntry *) activities->pdata[4])->retracted);
  g_assert_cmpint (((InvolveLogEntry *) activities->pdata[1])->superseded_by, ==,
                   ((InvolveLogEntry *) activities->pdata[4])->id);

  g_assert_true (_involve_involvement_window_export (INVOLVE_INVOLVEMENT_WINDOW (window), pdf, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  gui_test_screenshot (window, "involvement-03-after.png");
  gtk_window_destroy (GTK_WINDOW (window));
  gui_test_wait_ms (100);
}

static void
test_report_dialog (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf = g_build_filename (f->td->dir, "report.pdf", NULL);
  g_autofree char *csv = g_build_filename (f->td->dir, "report.csv", NULL);
  g_autofree char *csv_text = NULL;
  g_autofree char *expected_head = NULL;
  const InvolveAnnualReport *report;
  GtkWidget *dialog;

  dialog = involve_report_dialog_new (NULL, f->store);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 900, 760);
  gtk_window_present (GTK_WINDOW (dialog));
  gui_test_wait_ms (200);
  gui_test_check_a11y (dialog, "report dialog");
  g_assert_null (_involve_report_dialog_get_report (INVOLVE_REPORT_DIALOG (dialog)));

  g_assert_true (_involve_report_dialog_compute (INVOLVE_REPORT_DIALOG (dialog), "2025-26", NULL, &error));
  g_assert_no_error (error);
  gui_test_wait_ms (200);
  report = _involve_report_dialog_get_report (INVOLVE_REPORT_DIALOG (dialog));
  g_assert_cmpint (involve_annual_report_lookup (report, "decisions")->count, ==, 5);
  g_assert_cmpuint (count_rows_with (dialog, "Decisions signed off in the year"), ==, 1);
  g_assert_cmpuint (count_rows_with (dialog, "Carers, including"), ==, 1);
  /* Reach lists leave out what nobody reached. */
  g_assert_cmpuint (count_rows_with (dialog, "Young men"), ==, 0);
  gui_test_check_a11y (dialog, "report dialog with figures");
  gui_test_screenshot (dialog, "report-01-figures.png");

  /* Logged after the figures were shown: the files still say what the
   * dialog said. */
  {
    g_autoptr(InvolveLogEntry) late = involve_log_entry_new (INVOLVE_LOG_ACTIVITY, f->demo.uuids[5]);

    late->method = g_strdup ("events");
    late->description = g_strdup ("A late event");
    late->start_date = g_strdup ("2025-10-10");
    g_assert_true (involve_store_add_log_entry (f->store, late, &error));
  }
  g_assert_true (_involve_report_dialog_save (INVOLVE_REPORT_DIALOG (dialog), pdf, csv, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv, &csv_text, NULL, NULL));
  expected_head = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", report->as_of_entry);
  g_assert_nonnull (strstr (csv_text, expected_head));
  g_assert_nonnull (strstr (csv_text, "\"activities\",\"Involvement activities in the year\",\"4\",\"215\""));

  /* Again at the head the first figures were computed at: the same
   * numbers, though an activity was logged since. */
  {
    g_autofree char *at = g_strdup_printf ("%" G_GINT64_FORMAT, report->as_of_entry);
    gint64 first_head = report->as_of_entry;

    g_assert_true (_involve_report_dialog_compute_at (INVOLVE_REPORT_DIALOG (dialog), "2025-26", NULL, "", &error));
    g_assert_cmpint (involve_annual_report_lookup (_involve_report_dialog_get_report (INVOLVE_REPORT_DIALOG (dialog)),
                                                   "activities")->count, ==, 5);
    g_assert_true (_involve_report_dialog_compute_at (INVOLVE_REPORT_DIALOG (dialog), "2025-26", NULL, at, &error));
    report = _involve_report_dialog_get_report (INVOLVE_REPORT_DIALOG (dialog));
    g_assert_cmpint (report->as_of_entry, ==, first_head);
    g_assert_cmpint (involve_annual_report_lookup (report, "activities")->count, ==, 4);
    g_assert_false (_involve_report_dialog_compute_at (INVOLVE_REPORT_DIALOG (dialog), "2025-26", NULL, "soon", &error));
    g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (_involve_report_dialog_compute_at (INVOLVE_REPORT_DIALOG (dialog), "2025-26", NULL, "99999999", &error));
    g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* A year with nothing in it is shown as such, not as an error. */
  g_assert_true (_involve_report_dialog_compute (INVOLVE_REPORT_DIALOG (dialog), "2019-20", NULL, &error));
  g_assert_cmpint (involve_annual_report_lookup (_involve_report_dialog_get_report (INVOLVE_REPORT_DIALOG (dialog)),
                                                 "decisions")->count, ==, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));
  gui_test_wait_ms (100);
}

/* The record menu's Involvement Log: there for a signed-off record, not
 * for a draft. */
static void
test_record_menu (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = NULL;
  InvolveDefinitions *definitions = NULL;
  g_autoptr(InvolveRecord) signed_record = NULL;
  g_autoptr(InvolveRecord) draft = NULL;
  GtkWidget *holder, *wizard, *window;

  settings = involve_settings_new (&error);
  g_assert_no_error (error);
  definitions = involve_definitions_get_default (&error);
  g_assert_no_error (error);
  signed_record = involve_store_load_record (f->store, f->demo.uuids[0], 0, &error);
  g_assert_no_error (error);
  draft = involve_store_load_record (f->store, f->demo.uuids[6], 0, &error);
  g_assert_no_error (error);
  holder = gtk_window_new ();
  wizard = involve_wizard_new (f->store, definitions, settings);
  gtk_window_set_child (GTK_WINDOW (holder), wizard);
  gtk_window_present (GTK_WINDOW (holder));
  involve_wizard_set_record (INVOLVE_WIZARD (wizard), draft);
  gui_test_wait_ms (200);
  gtk_widget_activate_action (wizard, "wizard.involvement", NULL);
  gui_test_wait_ms (200);
  g_assert_null (gui_test_find_toplevel (INVOLVE_TYPE_INVOLVEMENT_WINDOW));

  involve_wizard_set_record (INVOLVE_WIZARD (wizard), signed_record);
  gui_test_wait_ms (200);
  g_assert_true (gtk_widget_activate_action (wizard, "wizard.involvement", NULL));
  gui_test_wait_ms (300);
  window = gui_test_find_toplevel (INVOLVE_TYPE_INVOLVEMENT_WINDOW);
  g_assert_nonnull (window);
  g_assert_cmpuint (count_rows_with (window, "1. Surveys"), ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (holder));
  gui_test_wait_ms (100);
}

/* The record's History shows each log entry as written, readably. */
static void
test_history (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  InvolveDefinitions *definitions = NULL;
  GtkWidget *window, *row;
  const char *subtitle;

  record = involve_store_load_record (f->store, f->demo.uuids[0], 0, &error);
  g_assert_no_error (error);
  definitions = involve_definitions_get_default (&error);
  g_assert_no_error (error);
  window = involve_history_window_new (NULL, f->store, definitions, record, &error);
  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (window));
  gui_test_wait_ms (200);
  row = gui_test_find_row (window, ADW_TYPE_ACTION_ROW, "Involvement logged (activity)");
  g_assert_nonnull (row);
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  g_assert_nonnull (strstr (subtitle, "method: surveys-feedback-forms"));
  g_assert_nonnull (strstr (subtitle, "groups: carers, learning-disability"));
  g_assert_nonnull (strstr (subtitle, "activity 1"));
  g_assert_nonnull (gui_test_find_row (window, ADW_TYPE_ACTION_ROW, "Involvement logged (response)"));
  gtk_window_destroy (GTK_WINDOW (window));
  gui_test_wait_ms (100);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = test_util_isolate_user_dirs ();

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add ("/gui/involvement/window", Fixture, NULL, report_test_fixture_setup, test_involvement_window, report_test_fixture_teardown);
  g_test_add ("/gui/involvement/history", Fixture, NULL, report_test_fixture_setup, test_history, report_test_fixture_teardown);
  g_test_add ("/gui/involvement/record-menu", Fixture, NULL, report_test_fixture_setup, test_record_menu, report_test_fixture_teardown);
  g_test_add ("/gui/involvement/report-dialog", Fixture, NULL, report_test_fixture_setup, test_report_dialog, report_test_fixture_teardown);
  return g_test_run ();
}
