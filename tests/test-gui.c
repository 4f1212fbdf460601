/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Drives the real widgets through a whole journey: a new record, the
 * three-step test with its live outcome, Appendix B and C, validation
 * problems shown and fixed, submitting with the officer's own key (unlocked
 * with a wrong, then the right passphrase), a refused sign-off with that
 * same key (even under another name) and by an untrusted key, a sign-off
 * with a trusted reviewer's key, then read-only.
 * Checks what the widgets show, and the register behind them.
 *
 * With INVOLVE_SCREENSHOT_DIR set, saves PNGs of the window on the way.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "a11y-check.h"
#include "common-test-util.h"
#include "export-test-util.h"
#include "gui-test-util.h"
#include "involve-application.h"
#include "involve-field-editor.h"
#include "involve-fingerprint.h"
#include "involve-audit-text.h"
#include "involve-history-window.h"
#include "involve-export-store.h"
#include "involve-pdf-sign.h"
#include "involve-unlock-dialog.h"
#include "involve-lifecycle.h"
#include "involve-preferences-window.h"
#include "involve-profile.h"
#include "involve-settings.h"
#include "involve-store.h"
#include "involve-store-trust.h"
#include "involve-unlock-dialog.h"
#include "involve-window-private.h"
#include "involve-wizard-private.h"

typedef struct
{
  char               *dir;
  InvolveStore       *store;
  InvolveDefinitions *definitions;
  GSettings          *settings;
  InvolveWindow      *window;
  InvolveWizard      *wizard;
} Fixture;

static void
settle (void)
{
  gui_test_wait_ms (60);
}

/* A click, as a pointer or the keyboard would make it (activating a
 * GtkButton only clicks it after a short animation). */
static void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_is_visible (button));
  if (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)) != NULL)
    g_assert_true (gtk_widget_activate_action (button, gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), NULL));
  else
    g_signal_emit_by_name (button, "clicked");
}

/* With INVOLVE_SCREENSHOT_DIR set, a PNG of the main window (see
 * gui-test-util.h).  data/screenshots/three-step-test.png, review.png and
 * signed-off.png are 02-three-step-test.png, 05-review-problems.png and
 * 08-signed-off.png of a run on a 1366x768 screen:
 *   INVOLVE_SCREENSHOT_DIR=/tmp/shots dbus-run-session -- \
 *     xvfb-run -a -s '-screen 0 1366x768x24' meson test -C _build test-gui
 * register.png is not from this test: it is the demo register (involve-cli
 * demo) captured from a 1366x768 Xvfb screen with import -window root, as
 * tools/run-app does. */
static void
screenshot (Fixture    *fixture,
            const char *name)
{
  gui_test_screenshot (GTK_WIDGET (fixture->window), name);
}

static void
check_a11y (Fixture    *fixture,
            const char *where)
{
  gui_test_check_a11y (GTK_WIDGET (fixture->window), where);
}

static InvolveFieldEditor *
editor (Fixture    *fixture,
        const char *field_id)
{
  GtkWidget *widget = _involve_wizard_get_editor (fixture->wizard, field_id);

  g_assert_nonnull (widget);
  return INVOLVE_FIELD_EDITOR (widget);
}

static void
type_text (Fixture    *fixture,
           const char *field_id,
           const char *text)
{
  GtkWidget *input = involve_field_editor_get_input (editor (fixture, field_id));

  if (GTK_IS_TEXT_VIEW (input))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (input)), text, -1);
  else
    gtk_editable_set_text (GTK_EDITABLE (input), text);
}

static void
choose (Fixture    *fixture,
        const char *field_id,
        const char *option_id)
{
  GtkWidget *button = involve_field_editor_get_option_button (editor (fixture, field_id), option_id);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_sensitive (button));
  if (GTK_IS_TOGGLE_BUTTON (button))
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
  else
    gtk_check_button_set_active (GTK_CHECK_BUTTON (button), TRUE);
  settle ();
}

static gboolean
shown (Fixture    *fixture,
       const char *field_id)
{
  return gtk_widget_get_visible (GTK_WIDGET (editor (fixture, field_id)));
}

static const char *
label_text (GtkWidget *label)
{
  return gtk_label_get_text (GTK_LABEL (label));
}

static guint
count_children (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

static InvolveRecord *
reload (Fixture *fixture)
{
  InvolveRecord *record = involve_wizard_get_record (fixture->wizard);
  g_autoptr(GError) error = NULL;
  InvolveRecord *loaded = involve_store_load_record (fixture->store, involve_record_get_uuid (record), 0, &error);

  g_assert_no_error (error);
  return loaded;
}

static void
set_profile (Fixture    *fixture,
             const char *name,
             const char *email)
{
  g_settings_set_string (fixture->settings, "profile-name", name);
  g_settings_set_string (fixture->settings, "profile-email", email);
  g_settings_set_string (fixture->settings, "profile-job-title", "Head of Engagement");
  g_settings_set_string (fixture->settings, "profile-team", "Communications and Engagement");
}

static void
respond (Fixture    *fixture,
         const char *response,
         const char *text)
{
  GtkWidget *dialog = _involve_wizard_get_dialog (fixture->wizard);
  GtkTextView *view;

  g_assert_nonnull (dialog);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  view = g_object_get_data (G_OBJECT (dialog), "text-view");
  g_assert_nonnull (view);
  if (text != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), response));
  g_object_ref (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
  settle ();
}

/* A sign-off request carrying the officer's signed submission. */
static gboolean
write_request (Fixture       *fixture,
               InvolveRecord *record,
               const char    *path,
               GError       **error)
{
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(InvolveCertificate) completer = NULL;

  return involve_store_get_submit_act (fixture->store, involve_record_get_uuid (record),
                                       involve_record_get_version (record), &data, &signature,
                                       &completer, error) &&
         involve_sign_off_request_write_signed (record, "Alex Officer", NULL, data, signature, completer,
                                                path, NULL, error);
}

/* Signed acts need an unlocked key: each register acts as one person. */
static void
give_identity (InvolveStore *store,
               const char   *name,
               const char   *email)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveIdentity) identity = NULL;

  if (involve_store_get_identity (store) != NULL)
    return;
  identity = involve_identity_generate (name, email, NULL, INVOLVE_KEY_ECDSA_P256, 1, &error);
  g_assert_no_error (error);
  involve_store_set_identity (store, identity);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("involve-gui-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "register.sqlite", NULL);
  fixture->store = involve_store_open (path, &error);
  g_assert_no_error (error);
  give_identity (fixture->store, "Alex Officer", "alex.officer@example.org");
  fixture->definitions = g_object_ref (involve_definitions_get_default (&error));
  g_assert_no_error (error);
  fixture->settings = involve_settings_new (&error);
  g_assert_no_error (error);
  set_profile (fixture, "Alex Officer", "alex.officer@example.org");
  g_settings_set_string (fixture->settings, "profile-organisation-name", "Example Integrated Care Board");
  g_settings_set_string (fixture->settings, "profile-organisation-type", "icb");
  g_settings_set_string (fixture->settings, "default-framework", "icb-14z45");
  g_settings_set_int (fixture->settings, "window-width", 1366);
  g_settings_set_int (fixture->settings, "window-height", 768);

  fixture->window = involve_window_new (NULL, fixture->store, fixture->definitions, fixture->settings);
  g_object_ref_sink (fixture->window);
  gtk_window_present (GTK_WINDOW (fixture->window));
  fixture->wizard = _involve_window_get_wizard (fixture->window);
  gui_test_wait_ms (200);
}

/* A window on another register, such as a reviewer's, shown. */
static InvolveWindow *
other_window_new (Fixture      *fixture,
                  InvolveStore *store)
{
  InvolveWindow *window;

  give_identity (store, "Sam Reviewer", "sam.reviewer@example.org");
  window = involve_window_new (NULL, store, fixture->definitions, fixture->settings);

  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  settle ();
  return window;
}

static void
other_window_close (InvolveWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  settle ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  settle ();
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->definitions);
  test_util_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static void
fill_three_step_test (Fixture *fixture)
{
  GtkWidget *outcome = _involve_wizard_get_outcome_label (fixture->wizard);

  g_assert_cmpstr (label_text (outcome), ==, "Outcome not known yet");
  /* The profile filled the organisation in. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (involve_field_editor_get_input (editor (fixture, "organisation-name")))),
                   ==, "Example Integrated Care Board");

  type_text (fixture, "title", "Relocating the community podiatry service");
  choose (fixture, "step1-commissioning", "yes");
  type_text (fixture, "step1-explanation", "The board commissions the podiatry service.");
  g_assert_true (shown (fixture, "step2-activity-types"));
  choose (fixture, "step2-activity-types", "proposal");
  type_text (fixture, "step2-explanation", "A proposal to move the clinic to another town.");
  choose (fixture, "step3-impact-delivery", "yes");
  type_text (fixture, "step3-impact-delivery-details", "Patients would travel further; bus links are poor.");
  choose (fixture, "step3-impact-range", "no");
  type_text (fixture, "step3-impact-range-details", "The same podiatry services stay available.");
  gui_test_wait_ms (400);

  /* The outcome follows the answers. */
  g_test_message ("outcome: %s", label_text (outcome));
  g_assert_true (g_str_has_prefix (label_text (outcome), "The duty to involve applies: section 14Z45(2)(b)"));

  /* Departing from the outcome asks for a reason. */
  g_assert_false (shown (fixture, "departure-reason"));
  choose (fixture, "duty-applies-opinion", "no");
  gui_test_wait_ms (100);
  g_assert_true (shown (fixture, "departure-reason"));
  choose (fixture, "duty-applies-opinion", "yes");
  gui_test_wait_ms (100);
  g_assert_false (shown (fixture, "departure-reason"));
  type_text (fixture, "duty-applies-reason", "Moving the clinic changes how patients reach the service.");

  /* Urgency brings its own questions. */
  g_assert_false (shown (fixture, "urgency-justification"));
  choose (fixture, "urgent", "yes");
  g_assert_true (shown (fixture, "urgency-justification"));
  choose (fixture, "urgent", "no");
  g_assert_false (shown (fixture, "urgency-justification"));
}

static void
fill_appendix_b (Fixture *fixture)
{
  type_text (fixture, "b1-location", "Riverside Health Centre");
  type_text (fixture, "b1-title-description", "Moving the podiatry clinic to the new health centre.");
  type_text (fixture, "b3-existing-arrangements", "Patient reference group and the practice participation groups.");
  type_text (fixture, "b3-insight-use", "Complaints about parking and a survey of 300 patients.");
  choose (fixture, "b4-additional-required", "yes");
  g_assert_true (shown (fixture, "b4-approach"));
  type_text (fixture, "b4-approach", "Drop-in sessions at both sites and an online survey.");
  type_text (fixture, "b4-fair-proportionate", "Eight weeks, with easy-read and translated materials.");
  type_text (fixture, "b5-influence", "Findings go to the board before the decision.");
  type_text (fixture, "b5-feedback", "A 'you said, we did' report on the website and at the clinic.");
  /* b5-ongoing-impact is left for the review to find. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (involve_field_editor_get_input (editor (fixture, "completer-name")))),
                   ==, "Alex Officer");
}

/* Types into a text view as the keyboard would: at the cursor, a few
 * characters at a time. */
static void
type_into (GtkWidget  *view,
           const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));

  gtk_widget_grab_focus (view);
  for (const char *p = text; *p != '\0';)
    {
      const char *next = g_utf8_offset_to_pointer (p, MIN (4, g_utf8_strlen (p, -1)));

      gtk_text_buffer_insert_at_cursor (buffer, p, next - p);
      p = next;
      gui_test_wait_ms (5);
    }
}

static char *
dup_buffer_text (GtkWidget *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* A text view outside a scrolled window is tall enough for all its lines. */
static void
assert_whole_text_shown (GtkWidget *view)
{
  GtkTextIter end;
  int y, height, needed;

  gui_test_wait_ms (300);
  gtk_text_buffer_get_end_iter (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), &end);
  gtk_text_view_get_line_yrange (GTK_TEXT_VIEW (view), &end, &y, &height);
  needed = gtk_text_view_get_top_margin (GTK_TEXT_VIEW (view)) + y + height
           + gtk_text_view_get_bottom_margin (GTK_TEXT_VIEW (view));
  g_test_message ("text view: %d pixels of text, %d high", needed, gtk_widget_get_height (view));
  g_assert_cmpint (y + height, >, 0);
  g_assert_cmpint (gtk_widget_get_height (view), >=, needed);
}

static void
assert_accessible_label (GtkWidget  *widget,
                         const char *label)
{
  g_autofree char *problem = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label);

  if (problem != NULL)
    g_error ("accessible label: %s", problem);
}

/* The register holds @expected in a cell of the risk table of @n_rows rows. */
static void
assert_saved_risk (Fixture    *fixture,
                   guint       n_rows,
                   guint       row,
                   guint       column,
                   const char *expected)
{
  g_autoptr(InvolveRecord) record = reload (fixture);
  GVariant *value = involve_record_get_value (record, "c-risks");
  g_autoptr(GVariant) cells = NULL;
  const char *cell = NULL;

  g_assert_nonnull (value);
  g_assert_cmpuint (g_variant_n_children (value), ==, n_rows);
  cells = g_variant_get_child_value (value, row);
  g_variant_get_child (cells, column, "&s", &cell);
  g_assert_cmpstr (cell, ==, expected);
}

#define LONG_RISK "Older patients and carers who do not use the internet may not hear about the drop-in " \
                  "sessions in time, so their views on travelling to the new site are missed. Those who " \
                  "rely on community transport, or who care for someone at home, are the least likely " \
                  "to come to a daytime session, and the practice lists do not say who they are."

/* What the plan needs when the duty applies or more involvement is planned. */
static void
fill_plan_core (Fixture *fixture)
{
  type_text (fixture, "c-target-audiences", "Patients of the clinic, their carers and the practices.");
  type_text (fixture, "c-objectives", "Everyone affected knows of the move and can comment.");
  type_text (fixture, "c-methods", "Drop-in sessions, an online survey and letters.");
  type_text (fixture, "c-timescales", "Eight weeks from the first of May.");
  type_text (fixture, "c-feedback", "A report to everybody who took part.");
}

static void
fill_appendix_c (Fixture *fixture)
{
  InvolveFieldEditor *risks = editor (fixture, "c-risks");
  GtkWidget *add = involve_field_editor_get_add_row_button (risks);
  GtkWidget *risk2, *action2;
  int one_line;

  type_text (fixture, "c-background", "The lease on the current clinic ends next year.");
  type_text (fixture, "c-key-messages", "The service stays local; the building changes.");

  g_assert_true (gtk_widget_get_visible (add));
  click (add);
  settle ();
  /* Adding a row puts the keyboard in its first cell. */
  g_assert_true (gtk_widget_has_focus (involve_field_editor_get_table_cell (risks, 0, 0)));
  click (add);
  settle ();
  g_assert_null (involve_field_editor_get_table_cell (risks, 2, 0));

  /* The cells are multi-line text views, each named for screen readers. */
  risk2 = involve_field_editor_get_table_cell (risks, 1, 0);
  action2 = involve_field_editor_get_table_cell (risks, 1, 1);
  g_assert_true (GTK_IS_TEXT_VIEW (risk2));
  g_assert_true (GTK_IS_TEXT_VIEW (action2));
  g_assert_cmpint (gtk_text_view_get_wrap_mode (GTK_TEXT_VIEW (risk2)), !=, GTK_WRAP_NONE);
  g_assert_false (gtk_text_view_get_accepts_tab (GTK_TEXT_VIEW (risk2)));
  assert_accessible_label (risk2, "Risk, row 2");
  assert_accessible_label (action2, "Mitigating action, row 2");
  g_assert_true (gtk_widget_has_focus (involve_field_editor_get_table_cell (risks, 1, 0)));

  /* Type into the cells of both rows: row 1 and row 2, risk and action. */
  type_into (involve_field_editor_get_table_cell (risks, 0, 0), "Low turnout from older patients");
  type_into (involve_field_editor_get_table_cell (risks, 0, 1), "Sessions at the day centre");
  settle ();
  one_line = gtk_widget_get_height (risk2);
  type_into (risk2, "Misinformation on social media");
  type_into (action2, "Publish a question-and-answer page");
  gui_test_wait_ms (400);

  /* Saved as typed, without leaving the cell. */
  assert_saved_risk (fixture, 2, 0, 0, "Low turnout from older patients");
  assert_saved_risk (fixture, 2, 1, 0, "Misinformation on social media");
  assert_saved_risk (fixture, 2, 1, 1, "Publish a question-and-answer page");

  /* A sentence wraps and the cell grows to show it whole. */
  {
    g_autofree char *text = NULL;

    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (risk2)), "", -1);
    type_into (risk2, LONG_RISK);
    gui_test_wait_ms (400);
    g_test_message ("risk cell: %d pixels high with one line, %d with a sentence",
                    one_line, gtk_widget_get_height (risk2));
    g_assert_cmpint (gtk_widget_get_height (risk2), >, one_line);
    assert_whole_text_shown (risk2);
    assert_saved_risk (fixture, 2, 1, 0, LONG_RISK);
    text = dup_buffer_text (risk2);
    g_assert_cmpstr (text, ==, LONG_RISK);
  }

  /* A row added by mistake goes again; the keyboard stays on the rows'
   * remove buttons. */
  gtk_widget_grab_focus (add);
  click (add);
  settle ();
  g_assert_true (gtk_widget_has_focus (involve_field_editor_get_table_cell (risks, 2, 0)));
  click (involve_field_editor_get_table_row_button (risks, 2, "remove"));
  settle ();
  g_assert_null (involve_field_editor_get_table_cell (risks, 2, 0));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (fixture->window))
                 == involve_field_editor_get_table_row_button (risks, 1, "remove"));
  gui_test_wait_ms (300);
  assert_saved_risk (fixture, 2, 1, 0, LONG_RISK);

  /* Move the second row up, from the keyboard's point of view: the focus
   * stays on the moved row's buttons. */
  {
    GtkWidget *up = involve_field_editor_get_table_row_button (risks, 1, "up");
    GtkWidget *focus;

    g_assert_nonnull (up);
    g_assert_cmpstr (gtk_widget_get_tooltip_text (up), ==, "Move row up");
    gtk_widget_grab_focus (up);
    click (up);
    settle ();
    focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
    g_assert_true (focus == involve_field_editor_get_table_row_button (risks, 0, "down"));
  }

  assert_saved_risk (fixture, 2, 0, 0, LONG_RISK);
  /* ...and the rebuilt rows show it, with names that follow the rows. */
  {
    g_autofree char *text = dup_buffer_text (involve_field_editor_get_table_cell (risks, 0, 0));

    g_assert_cmpstr (text, ==, LONG_RISK);
    /* A new cell with its text set at once grows too. */
    assert_whole_text_shown (involve_field_editor_get_table_cell (risks, 0, 0));
    assert_accessible_label (involve_field_editor_get_table_cell (risks, 0, 0), "Risk, row 1");
  }
}

/* A person's key, saved as the default key file, as on their desktop. */
static InvolveIdentity *
person_key (const char *name,
            const char *email,
            const char *passphrase)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = involve_identity_dup_default_path ();
  InvolveIdentity *identity = involve_identity_generate (name, email, "Example Integrated Care Board",
                                                         INVOLVE_KEY_ECDSA_P256, 30, &error);

  g_assert_no_error (error);
  g_remove (path);
  g_assert_true (involve_identity_save (identity, path, passphrase, &error));
  g_assert_no_error (error);
  return identity;
}

static GtkWidget *
find_action_row (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (ADW_IS_ACTION_ROW (child))
        return child;
      found = find_action_row (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The passphrase dialog an act opens: checks whose key it asks for, tries
 * @wrong (when given) and then @right. */
static void
unlock_key (Fixture    *fixture,
            const char *who,
            const char *wrong,
            const char *right)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  InvolveUnlockDialog *dialog = NULL;
  GtkWidget *row, *error_label;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (INVOLVE_IS_UNLOCK_DIALOG (window) && gtk_widget_get_visible (window))
        dialog = INVOLVE_UNLOCK_DIALOG (window);
    }
  g_assert_nonnull (dialog);
  g_assert_true (g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (find_action_row (GTK_WIDGET (dialog)))),
                                   who));
  row = _involve_unlock_dialog_get_passphrase_row (dialog);
  error_label = _involve_unlock_dialog_get_error_label (dialog);
  if (wrong != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (row), wrong);
      click (_involve_unlock_dialog_get_unlock_button (dialog));
      settle ();
      g_assert_true (gtk_widget_get_visible (error_label));
      g_test_message ("unlock refused: %s", gtk_label_get_text (GTK_LABEL (error_label)));
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), ==, "Wrong passphrase. Try again.");
      gui_test_screenshot (GTK_WIDGET (dialog), "06b-unlock-wrong-passphrase.png");
    }
  gtk_editable_set_text (GTK_EDITABLE (row), right);
  click (_involve_unlock_dialog_get_unlock_button (dialog));
  settle ();
}

static void
test_journey (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(InvolveIdentity) officer = NULL;
  g_autoptr(InvolveIdentity) reviewer = NULL;
  g_autoptr(InvolveIdentity) other = NULL;
  GtkWidget *main_stack = _involve_window_get_main_stack (fixture->window);
  GtkWidget *list_stack = _involve_window_get_list_stack (fixture->window);
  GtkWidget *saved;
  GtkWidget *submit;
  GtkWidget *problems;
  guint review, n_problems;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  /* An empty register says what to do first. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (list_stack)), ==, "empty");
  screenshot (fixture, "01-empty-register.png");

  /* The officer has a key of their own, not unlocked yet this session. */
  involve_store_set_identity (fixture->store, NULL);
  officer = person_key ("Alex Officer", "alex.officer@example.org", "officer passphrase");

  g_assert_true (involve_window_new_record (fixture->window));
  settle ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (main_stack)), ==, "record");
  /* An ICB record made today has the 2022 form: its own step before Appendix C. */
  g_assert_cmpuint (involve_wizard_get_n_steps (fixture->wizard), ==, 9);
  review = involve_wizard_get_n_steps (fixture->wizard) - 1;
  /* The pinned form edition is Involve's to set: no question asks it. */
  g_assert_null (_involve_wizard_get_editor (fixture->wizard, "form-edition"));

  /* Saving as you type: a quiet indicator, then the value is in the register. */
  saved = _involve_wizard_get_saved_label (fixture->wizard);
  type_text (fixture, "title", "Relocating");
  g_assert_cmpstr (label_text (saved), ==, "Saving…");
  gui_test_wait_ms (400);
  g_assert_cmpstr (label_text (saved), ==, "Saved");
  record = reload (fixture);
  g_assert_cmpstr (involve_record_get_string (record, "title"), ==, "Relocating");
  g_clear_object (&record);

  fill_three_step_test (fixture);
  screenshot (fixture, "02-three-step-test.png");

  /* Steps move with the keyboard's next-step action. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->wizard), "wizard.next-step", NULL);
  settle ();
  g_assert_cmpuint (involve_wizard_get_step (fixture->wizard), ==, 1);

  fill_appendix_b (fixture);
  involve_wizard_set_step (fixture->wizard, 4);
  screenshot (fixture, "03-appendix-b-step4.png");
  involve_wizard_set_step (fixture->wizard, 7);
  fill_appendix_c (fixture);
  screenshot (fixture, "04-appendix-c-plan.png");

  /* The review lists what is missing; submitting is not possible yet. */
  involve_wizard_set_step (fixture->wizard, review);
  gui_test_wait_ms (300);
  problems = _involve_wizard_get_problem_list (fixture->wizard);
  submit = _involve_wizard_get_submit_button (fixture->wizard);
  n_problems = count_children (problems);
  for (guint i = 0; i < n_problems; i++)
    g_test_message ("problem: %s",
                    adw_preferences_row_get_title (ADW_PREFERENCES_ROW (gtk_list_box_get_row_at_index (GTK_LIST_BOX (problems), i))));
  g_assert_cmpuint (n_problems, >=, 1);
  g_assert_true (gtk_widget_get_visible (problems));
  g_assert_false (gtk_widget_get_sensitive (submit));
  g_assert_cmpstr (_involve_wizard_get_step_status (fixture->wizard, review), ==, "problems");
  g_assert_cmpstr (_involve_wizard_get_step_status (fixture->wizard, 5), ==, "problems");
  g_assert_cmpstr (_involve_wizard_get_step_status (fixture->wizard, 0), ==, "complete");
  /* The duty applies and Step 4 plans more: a plan without its core is not
   * complete.  The plan is step 7: the 2022 form's step comes before it. */
  g_assert_cmpstr (_involve_wizard_get_step_status (fixture->wizard, 7), ==, "problems");
  screenshot (fixture, "05-review-problems.png");

  /* Each problem jumps to its question. */
  {
    GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (problems), 0);
    const char *field_id = g_object_get_data (G_OBJECT (row), "field-id");
    GtkWidget *input;

    g_assert_cmpstr (field_id, ==, "b5-ongoing-impact");
    g_signal_emit_by_name (problems, "row-activated", row);
    settle ();
    g_assert_cmpuint (involve_wizard_get_step (fixture->wizard), ==, 5);
    input = involve_field_editor_get_input (editor (fixture, "b5-ongoing-impact"));
    g_assert_true (gtk_widget_has_focus (input));
    /* The question shows its problem too. */
    g_assert_true (gtk_widget_get_visible (gtk_widget_get_last_child (GTK_WIDGET (editor (fixture, "b5-ongoing-impact")))));
  }
  type_text (fixture, "b5-ongoing-impact", "Quarterly review of attendance and complaints.");
  fill_plan_core (fixture);
  gui_test_wait_ms (400);
  g_assert_cmpstr (_involve_wizard_get_step_status (fixture->wizard, 7), ==, "complete");

  involve_wizard_set_step (fixture->wizard, review);
  gui_test_wait_ms (300);
  for (guint i = 0; i < count_children (problems); i++)
    g_test_message ("problem left: %s",
                    adw_preferences_row_get_title (ADW_PREFERENCES_ROW (gtk_list_box_get_row_at_index (GTK_LIST_BOX (problems), i))));
  g_assert_cmpuint (count_children (problems), ==, 0);
  g_assert_false (gtk_widget_get_visible (problems));
  g_assert_true (gtk_widget_get_sensitive (submit));
  g_assert_cmpstr (_involve_wizard_get_step_status (fixture->wizard, review), ==, "complete");
  screenshot (fixture, "06-review-ready.png");

  /* Submit: the act asks for the officer's passphrase first. */
  click (submit);
  settle ();
  record = reload (fixture);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_DRAFT);
  g_clear_object (&record);
  unlock_key (fixture, "Alex Officer", "officer passphrase?", "officer passphrase");
  g_assert_nonnull (involve_store_get_identity (fixture->store));
  g_assert_true (involve_certificate_equal (involve_identity_get_certificate (involve_store_get_identity (fixture->store)),
                                            involve_identity_get_certificate (officer)));
  record = reload (fixture);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);
  g_clear_object (&record);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (_involve_wizard_get_banner_revealer (fixture->wizard))));
  g_assert_true (gtk_widget_get_visible (_involve_wizard_get_sign_off_button (fixture->wizard)));
  /* The pages were rebuilt read-only. */
  submit = _involve_wizard_get_submit_button (fixture->wizard);
  g_assert_false (gtk_widget_get_visible (submit));
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (involve_field_editor_get_input (editor (fixture, "title")))));
  g_assert_false (gtk_widget_get_sensitive (involve_field_editor_get_option_button (editor (fixture, "step1-commissioning"), "yes")));
  /* Read-only answers are marked for style.css, which keeps the chosen ones readable. */
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (editor (fixture, "step1-commissioning")), "read-only"));
  /* Rebuilt with their text already in them, the risk cells still show it whole. */
  involve_wizard_set_step (fixture->wizard, 7);
  assert_whole_text_shown (involve_field_editor_get_table_cell (editor (fixture, "c-risks"), 0, 0));
  involve_wizard_set_step (fixture->wizard, review);

  /* The submission is signed with the officer's key. */
  {
    g_autoptr(GBytes) act = NULL;
    g_autoptr(GBytes) signature = NULL;
    g_autoptr(InvolveCertificate) signer = NULL;

    record = reload (fixture);
    g_assert_true (involve_store_get_submit_act (fixture->store, involve_record_get_uuid (record), 1,
                                                 &act, &signature, &signer, &error));
    g_assert_no_error (error);
    g_assert_true (involve_certificate_equal (signer, involve_identity_get_certificate (officer)));
    g_assert_true (involve_certificate_verify (signer, act, signature, 0, &error));
    g_assert_no_error (error);
    g_clear_object (&record);
  }

  /* The person who completed it cannot sign it off with the same key: not
   * under their own name, nor under the reviewer's. */
  for (guint attempt = 0; attempt < 2; attempt++)
    {
      if (attempt == 1)
        set_profile (fixture, "Sam Reviewer", "sam.reviewer@example.org");
      click (_involve_wizard_get_sign_off_button (fixture->wizard));
      settle ();
      respond (fixture, "sign-off", NULL);
      g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (_involve_wizard_get_error_revealer (fixture->wizard))));
      g_test_message ("refusal: %s", label_text (_involve_wizard_get_error_label (fixture->wizard)));
      g_assert_nonnull (strstr (label_text (_involve_wizard_get_error_label (fixture->wizard)),
                               "same signing key"));
      record = reload (fixture);
      g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);
      g_clear_object (&record);
      if (attempt == 0)
        screenshot (fixture, "07-refused-same-person.png");
    }

  /* Somebody whose key nobody trusted cannot either. */
  other = involve_identity_generate ("Sam Reviewer", "sam.reviewer@example.org", NULL,
                                     INVOLVE_KEY_ECDSA_P256, 30, &error);
  g_assert_no_error (error);
  involve_store_set_identity (fixture->store, other);
  click (_involve_wizard_get_sign_off_button (fixture->wizard));
  settle ();
  respond (fixture, "sign-off", "Checked every step; the plan is proportionate.");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (_involve_wizard_get_error_revealer (fixture->wizard))));
  g_test_message ("refusal: %s", label_text (_involve_wizard_get_error_label (fixture->wizard)));
  g_assert_nonnull (strstr (label_text (_involve_wizard_get_error_label (fixture->wizard)),
                           "not trusted to sign off"));
  record = reload (fixture);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);
  g_clear_object (&record);

  /* The officer, the register's first administrator, trusts the reviewer's
   * certificate to sign off. */
  reviewer = person_key ("Sam Reviewer", "sam.reviewer@example.org", "reviewer passphrase");
  involve_store_set_identity (fixture->store, officer);
  g_assert_true (involve_store_trust_add (fixture->store, involve_identity_get_certificate (reviewer),
                                          INVOLVE_TRUST_SIGN_OFF, &error));
  g_assert_no_error (error);

  /* The reviewer, at their desk, signs off with their own key; the refused
   * comment was kept. */
  involve_store_set_identity (fixture->store, NULL);
  click (_involve_wizard_get_sign_off_button (fixture->wizard));
  settle ();
  g_assert_null (_involve_wizard_get_dialog (fixture->wizard));
  unlock_key (fixture, "Sam Reviewer", NULL, "reviewer passphrase");
  g_assert_true (involve_certificate_equal (involve_identity_get_certificate (involve_store_get_identity (fixture->store)),
                                            involve_identity_get_certificate (reviewer)));
  {
    GtkTextView *view = g_object_get_data (G_OBJECT (_involve_wizard_get_dialog (fixture->wizard)), "text-view");
    g_autofree char *kept = dup_buffer_text (GTK_WIDGET (view));

    /* The comment typed before the refusal was kept. */
    g_assert_cmpstr (kept, ==, "Checked every step; the plan is proportionate.");
  }
  respond (fixture, "sign-off", "Proportionate plan; agreed.");
  record = reload (fixture);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_SIGNED_OFF);
  g_assert_cmpstr (involve_record_get_sign_off (record)->reviewer_name, ==, "Sam Reviewer");
  g_clear_object (&record);

  /* Read-only, with a banner and an Amend button. */
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (_involve_wizard_get_error_revealer (fixture->wizard))));
  g_assert_true (g_str_has_prefix (label_text (_involve_wizard_get_banner_label (fixture->wizard)),
                                   "Signed off by Sam Reviewer on "));
  g_assert_true (gtk_widget_get_visible (_involve_wizard_get_amend_button (fixture->wizard)));
  g_assert_false (gtk_widget_get_visible (_involve_wizard_get_sign_off_button (fixture->wizard)));
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (involve_field_editor_get_input (editor (fixture, "title")))));
  g_assert_false (gtk_widget_get_visible (involve_field_editor_get_add_row_button (editor (fixture, "c-risks"))));
  screenshot (fixture, "08-signed-off.png");

  /* The register lists it; search finds it or not. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->wizard), "wizard.close", NULL);
  settle ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (main_stack)), ==, "register");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (list_stack)), ==, "list");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (_involve_window_get_model (fixture->window))), ==, 1);
  screenshot (fixture, "09-register.png");
  gtk_editable_set_text (GTK_EDITABLE (_involve_window_get_search_entry (fixture->window)), "zebra");
  _involve_window_apply_filters (fixture->window);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (list_stack)), ==, "no-results");
  gtk_editable_set_text (GTK_EDITABLE (_involve_window_get_search_entry (fixture->window)), "podiatry");
  _involve_window_apply_filters (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (_involve_window_get_model (fixture->window))), ==, 1);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (_involve_window_get_status_filter (fixture->window)), 1); /* drafts */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (_involve_window_get_model (fixture->window))), ==, 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (_involve_window_get_status_filter (fixture->window)), 0);

  /* Amending makes version 2, a draft again, with the reason shown. */
  {
    InvolveRecordSummary *summary;
    g_autoptr(GPtrArray) list = NULL;
    InvolveStoreQuery query;

    involve_store_query_init (&query);
    list = involve_store_list (fixture->store, &query, NULL, &error);
    g_assert_no_error (error);
    summary = g_ptr_array_index (list, 0);
    g_assert_true (involve_window_open_record (fixture->window, summary->uuid));
  }
  settle ();
  click (_involve_wizard_get_amend_button (fixture->wizard));
  settle ();
  respond (fixture, "amend", "The new site's opening hours changed.");
  record = reload (fixture);
  g_assert_cmpuint (involve_record_get_version (record), ==, 2);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_DRAFT);
  g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (involve_field_editor_get_input (editor (fixture, "title")))));
  g_assert_true (strstr (label_text (_involve_wizard_get_banner_label (fixture->wizard)), "opening hours") != NULL);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (editor (fixture, "step1-commissioning")), "read-only"));
}

static void
test_return_with_comments (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  InvolveRecord *shown_record;

  /* A record returned by a reviewer opens editable with the comments in sight. */
  g_assert_true (involve_window_new_record (fixture->window));
  settle ();
  /* The first input creates it in the register. */
  type_text (fixture, "title", "Closing the fracture clinic");
  g_assert_true (involve_wizard_flush (fixture->wizard));
  shown_record = involve_wizard_get_record (fixture->wizard);
  record = g_object_ref (shown_record);
  g_assert_nonnull (involve_record_get_reference (record));

  /* Without the required answers, Submit stays off and the action refuses. */
  involve_wizard_set_step (fixture->wizard, involve_wizard_get_n_steps (fixture->wizard) - 1);
  settle ();
  g_assert_false (gtk_widget_get_sensitive (_involve_wizard_get_submit_button (fixture->wizard)));

  /* Withdrawing needs a reason. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->wizard), "wizard.withdraw", NULL);
  settle ();
  {
    GtkWidget *dialog = _involve_wizard_get_dialog (fixture->wizard);
    g_assert_nonnull (dialog);
    g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "withdraw"));
  }
  respond (fixture, "withdraw", "The proposal was dropped by the board.");
  g_clear_object (&record);
  record = reload (fixture);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_WITHDRAWN);
  g_assert_true (g_str_has_prefix (label_text (_involve_wizard_get_banner_label (fixture->wizard)), "Withdrawn: "));
}

/* A new record filled in and submitted through the window; returns it as
 * the register holds it, awaiting sign-off. */
static InvolveRecord *
submit_filled_record (Fixture *fixture)
{
  InvolveRecord *record;

  g_assert_true (involve_window_new_record (fixture->window));
  settle ();
  fill_three_step_test (fixture);
  fill_appendix_b (fixture);
  type_text (fixture, "b5-ongoing-impact", "Quarterly review of attendance and complaints.");
  fill_plan_core (fixture);
  gui_test_wait_ms (400);
  involve_wizard_set_step (fixture->wizard, involve_wizard_get_n_steps (fixture->wizard) - 1);
  settle ();
  click (_involve_wizard_get_submit_button (fixture->wizard));
  settle ();
  record = reload (fixture);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);
  return record;
}

static void
test_sign_off_by_file (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveRecord) record = submit_filled_record (fixture);
  g_autofree char *request_path = g_build_filename (fixture->dir, "request.xml", NULL);
  g_autofree char *response_path = g_build_filename (fixture->dir, "response.xml", NULL);
  g_autoptr(InvolveIdentity) officer = NULL;
  g_autoptr(InvolveIdentity) reviewer = NULL;

  /* The officer sends a request; the reviewer's Involve answers it. */
  g_assert_true (write_request (fixture, record, request_path, &error));
  g_assert_no_error (error);
  /* The reviewer opens the request: the record, read-only, with the
   * request's banner. */
  g_assert_true (_involve_window_open_request_file (fixture->window, request_path));
  settle ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (_involve_window_get_main_stack (fixture->window))),
                   ==, "record");
  g_assert_true (g_str_has_prefix (label_text (_involve_wizard_get_banner_label (fixture->wizard)),
                                   "Sign-off request from Alex Officer"));
  g_assert_true (gtk_widget_get_visible (_involve_wizard_get_sign_off_button (fixture->wizard)));
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (involve_field_editor_get_input (editor (fixture, "title")))));
  screenshot (fixture, "11-sign-off-request.png");

  /* Not by the person who completed it. */
  g_assert_false (_involve_wizard_write_response (fixture->wizard, "signed-off", NULL, response_path, &error));
  g_assert_nonnull (error);
  g_test_message ("refused: %s", error->message);
  g_clear_error (&error);
  g_assert_false (g_file_test (response_path, G_FILE_TEST_EXISTS));

  /* The reviewer signs the response with their own key, which the
   * officer's register trusts to sign off. */
  officer = g_object_ref (involve_store_get_identity (fixture->store));
  reviewer = involve_identity_generate ("Sam Reviewer", "sam.reviewer@example.org", NULL,
                                        INVOLVE_KEY_ECDSA_P256, 30, &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_trust_add (fixture->store, involve_identity_get_certificate (reviewer),
                                          INVOLVE_TRUST_SIGN_OFF, &error));
  g_assert_no_error (error);
  involve_store_set_identity (fixture->store, reviewer);
  set_profile (fixture, "Sam Reviewer", "sam.reviewer@example.org");
  g_assert_true (_involve_wizard_write_response (fixture->wizard, "signed-off", "Agreed.", response_path, &error));
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (fixture->wizard), "wizard.close", NULL);
  settle ();

  /* The officer imports the response: the record is signed off. */
  involve_store_set_identity (fixture->store, officer);
  set_profile (fixture, "Alex Officer", "alex.officer@example.org");
  g_assert_true (_involve_window_apply_response_file (fixture->window, response_path));
  g_clear_object (&record);
  record = reload (fixture);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_SIGNED_OFF);
  g_assert_cmpstr (involve_record_get_sign_off (record)->reviewer_name, ==, "Sam Reviewer");

  /* A second import of the same response is refused. */
  g_assert_false (_involve_window_apply_response_file (fixture->window, response_path));
}

static void
test_request_evidence (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *request_path = g_build_filename (fixture->dir, "request.xml", NULL);
  g_autofree char *pdf_path = g_build_filename (fixture->dir, "evidence.pdf", NULL);
  g_autofree char *public_path = g_build_filename (fixture->dir, "evidence-public.pdf", NULL);
  g_autofree char *print_path = g_build_filename (fixture->dir, "printed.pdf", NULL);
  g_autofree char *other_path = g_build_filename (fixture->dir, "reviewer.sqlite", NULL);
  g_autoptr(InvolveRecord) record = submit_filled_record (fixture);
  g_autoptr(InvolveStore) other = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = involve_fingerprint_compute (record);
  g_autofree char *pdf_reference = NULL;
  g_autofree char *pdf_fingerprint = NULL;
  const char *reference = involve_record_get_reference (record);
  InvolveWindow *window;
  InvolveWizard *wizard;
  guint n_exports = 0;
  guint n_printed = 0;

  g_assert_true (involve_sign_off_request_write (record, "Alex Officer", request_path, NULL, &error));
  g_assert_no_error (error);

  /* The reviewer sits on another desktop: their register is empty. */
  other = involve_store_open (other_path, &error);
  g_assert_no_error (error);
  set_profile (fixture, "Sam Reviewer", "sam.reviewer@example.org");
  window = other_window_new (fixture, other);
  g_assert_true (_involve_window_open_request_file (window, request_path));
  settle ();
  wizard = _involve_window_get_wizard (window);
  g_assert_true (g_str_has_prefix (label_text (_involve_wizard_get_banner_label (wizard)),
                                   "Sign-off request from Alex Officer"));
  gui_test_check_a11y (GTK_WIDGET (window), "a request in the reviewer's window");

  /* The evidence PDF of the request's version, from the record menu's action. */
  g_assert_true (_involve_wizard_export_file (wizard, "wizard.export-pdf", pdf_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (pdf_path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (involve_evidence_pdf_read_identity (pdf_path, &pdf_reference, NULL, &pdf_fingerprint, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (pdf_reference, ==, reference);
  g_assert_cmpstr (pdf_fingerprint, ==, fingerprint);
  g_assert_true (_involve_wizard_export_file (wizard, "wizard.export-public-pdf", public_path, &error));
  g_assert_no_error (error);
  /* Printing draws the same pages; here into a PDF file instead of a printer. */
  g_assert_true (_involve_wizard_export_file (wizard, "wizard.print", print_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (print_path, G_FILE_TEST_IS_REGULAR));

  /* The reviewer's register notes the exports, and still holds no record. */
  audit = involve_store_list_audit (other, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      const InvolveAuditEntry *entry = g_ptr_array_index (audit, i);

      if (g_str_equal (entry->kind, INVOLVE_AUDIT_EXPORT))
        {
          g_assert_null (entry->record_uuid);
          g_assert_nonnull (strstr (entry->details, reference));
          if (strstr (entry->details, " printed (") != NULL)
            n_printed++;
          n_exports++;
        }
    }
  /* Both PDFs and the printout. */
  g_assert_cmpuint (n_exports, ==, 3);
  g_assert_cmpuint (n_printed, ==, 1);
  g_assert_true (involve_store_verify (other, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (involve_register_model_count_all (_involve_window_get_model (window)), ==, 0);

  if (export_test_have_program ("pdftotext"))
    {
      g_autofree char *text = export_test_pdftotext (pdf_path, 0, 0);
      g_autofree char *public_text = export_test_pdftotext (public_path, 0, 0);
      g_autofree char *printed = export_test_pdftotext (print_path, 0, 0);

      g_assert_nonnull (text);
      g_assert_nonnull (strstr (text, reference));
      g_assert_nonnull (strstr (text, "Relocating the community podiatry service"));
      g_assert_nonnull (strstr (text, "Alex Officer"));
      g_assert_nonnull (public_text);
      g_assert_nonnull (strstr (public_text, reference));
      g_assert_null (strstr (public_text, "Alex Officer"));
      g_assert_nonnull (printed);
      g_assert_nonnull (strstr (printed, reference));
      g_assert_nonnull (strstr (printed, "Relocating the community podiatry service"));
    }
  else
    g_test_message ("pdftotext is not installed: the PDFs' text was not checked");

  other_window_close (window);
}

/* What a group's rows say: title and subtitle, one row a line. */
static GPtrArray *
group_rows (GtkWidget  *window,
            const char *title)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) groups = g_ptr_array_new ();

  gui_test_collect_widgets (window, ADW_TYPE_PREFERENCES_GROUP, groups);
  for (guint i = 0; i < groups->len; i++)
    {
      AdwPreferencesGroup *group = groups->pdata[i];
      g_autoptr(GPtrArray) widgets = g_ptr_array_new ();

      if (g_strcmp0 (adw_preferences_group_get_title (group), title) != 0)
        continue;
      gui_test_collect_widgets (GTK_WIDGET (group), ADW_TYPE_ACTION_ROW, widgets);
      for (guint j = 0; j < widgets->len; j++)
        g_ptr_array_add (rows, g_strdup_printf ("%s\n%s",
                                                adw_preferences_row_get_title (widgets->pdata[j]),
                                                adw_action_row_get_subtitle (widgets->pdata[j])));
    }
  return rows;
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type,
             const char *group_title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type)
      && (group_title == NULL
          || g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)), group_title) == 0))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, group_title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Scrolls the history so that the group titled @title is at the top (for
 * its screenshot). */
static void
scroll_to_group (GtkWidget  *window,
                 const char *title)
{
  GtkWidget *scrolled = find_widget (window, GTK_TYPE_SCROLLED_WINDOW, NULL);
  GtkWidget *group = find_widget (window, ADW_TYPE_PREFERENCES_GROUP, title);
  GtkAdjustment *adjustment;
  graphene_point_t point;

  g_assert_nonnull (scrolled);
  g_assert_nonnull (group);
  g_assert_true (gtk_widget_compute_point (group, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                           &GRAPHENE_POINT_INIT (0, 0), &point));
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + point.y - 24);
  settle ();
}

static gboolean
rows_contain (GPtrArray  *rows,
              const char *text)
{
  for (guint i = 0; i < rows->len; i++)
    if (strstr (rows->pdata[i], text) != NULL)
      return TRUE;
  return FALSE;
}

static GtkWidget *
open_history (InvolveWizard *wizard)
{
  GtkWidget *window;

  g_assert_null (gui_test_find_toplevel (INVOLVE_TYPE_HISTORY_WINDOW));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.history", NULL));
  gui_test_wait_ms (300);
  window = gui_test_find_toplevel (INVOLVE_TYPE_HISTORY_WINDOW);
  g_assert_nonnull (window);
  return window;
}

/* Escape is bound to closing the window; closing it as Escape would. */
static void
close_history (GtkWidget *window)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (window);
  gboolean escape_closes = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !escape_closes; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));
          g_autofree char *action = gtk_shortcut_action_to_string (gtk_shortcut_get_action (shortcut));

          if (g_str_equal (trigger, "Escape") && g_str_equal (action, "action(window.close)"))
            escape_closes = TRUE;
        }
    }
  g_assert_true (escape_closes);
  g_assert_true (gtk_widget_activate_action (window, "window.close", NULL));
  settle ();
  g_assert_null (gui_test_find_toplevel (INVOLVE_TYPE_HISTORY_WINDOW));
}

static void
test_history (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(InvolveRecord) record = submit_filled_record (fixture);
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *version_title = NULL;
  g_autofree char *status_words = NULL;
  g_autofree char *fingerprint = involve_fingerprint_compute (record);
  GtkWidget *window;

  audit = involve_store_list_audit (fixture->store, involve_record_get_uuid (record), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, >, 5);

  window = open_history (fixture->wizard);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (window)) == GTK_WINDOW (fixture->window));
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (window)), involve_record_get_reference (record)));

  versions = group_rows (window, "Versions");
  g_assert_cmpuint (versions->len, ==, 1);
  version_title = g_strdup_printf ("Version 1: %s", involve_status_get_label (INVOLVE_STATUS_AWAITING_SIGN_OFF));
  g_assert_true (g_str_has_prefix (versions->pdata[0], version_title));
  g_assert_true (rows_contain (versions, fingerprint));

  /* One row an audit entry, in the register's order, each with its number. */
  entries = group_rows (window, "Audit Trail");
  g_assert_cmpuint (entries->len, ==, audit->len);
  g_assert_true (g_str_has_prefix (entries->pdata[0], "Record created\n"));
  g_assert_true (rows_contain (entries, "To: Relocating the community podiatry service"));
  /* A choice says its label, not the id it is stored as. */
  g_assert_true (rows_contain (entries, "To: Integrated care board"));
  g_assert_false (rows_contain (entries, "To: icb"));
  g_assert_true (rows_contain (entries, "Alex Officer"));
  g_assert_true (rows_contain (entries, " UTC"));
  g_assert_true (g_str_has_prefix (entries->pdata[entries->len - 1], "Status changed\n"));
  /* Worded as the evidence PDF words the same entries (involve-audit-text). */
  status_words = g_strdup_printf ("%s → %s", involve_status_get_label (INVOLVE_STATUS_DRAFT),
                                  involve_status_get_label (INVOLVE_STATUS_AWAITING_SIGN_OFF));
  g_assert_true (rows_contain (entries, status_words));
  g_assert_false (rows_contain (entries, "draft -> awaiting-sign-off"));
  for (guint i = 0; i < audit->len; i++)
    {
      g_autofree char *what = involve_audit_describe (audit->pdata[i], NULL);

      if (g_strcmp0 (((InvolveAuditEntry *) audit->pdata[i])->kind, INVOLVE_AUDIT_VALUE) != 0)
        g_assert_true (g_str_has_prefix (entries->pdata[i], what));
    }
  /* Nothing was imported. */
  imported = group_rows (window, "Entries from the Source Register");
  g_assert_cmpuint (imported->len, ==, 0);

  gui_test_check_a11y (window, "history window");
  gui_test_screenshot (window, "13-history.png");
  close_history (window);
}

/* Waits (up to 20 s) until the audit trail shows @n rows. */
static GPtrArray *
wait_for_rows (GtkWidget *window,
               guint      n)
{
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GPtrArray) rows = group_rows (window, "Audit Trail");

      if (rows->len >= n)
        return g_steal_pointer (&rows);
      gui_test_wait_ms (100);
    }
  return group_rows (window, "Audit Trail");
}

/* A long history (450 entries, one answer of 100,000 words) opens at once
 * and comes a page at a time, each value cut short. */
static void
test_history_long (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) essay = g_string_new (NULL);
  g_autoptr(GPtrArray) audit = NULL;
  GtkWidget *window;
  GtkWidget *more;
  gint64 start;

  /* A new record in the window is only written on its first input, so
   * the long record is made in the register and then opened. */
  record = involve_store_create_record (fixture->store, "icb-14z45", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 100000; i++)
    g_string_append (essay, i % 12 == 11 ? "patients. " : "words ");
  g_assert_true (involve_store_set_value (fixture->store, record, "b1-objectives",
                                          g_variant_new_string (essay->str), &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 448; i++)
    {
      g_autofree char *title = g_strdup_printf ("Title %u", i);

      g_assert_true (involve_store_set_value (fixture->store, record, "title",
                                              g_variant_new_string (title), &error));
      g_assert_no_error (error);
    }

  audit = involve_store_list_audit (fixture->store, involve_record_get_uuid (record), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, >, 400);
  g_assert_true (involve_window_open_record (fixture->window, involve_record_get_uuid (record)));
  settle ();

  start = g_get_monotonic_time ();
  window = open_history (fixture->wizard);
  g_test_message ("history window open in %.0f ms", (g_get_monotonic_time () - start) / 1000.0 - 300);
  rows = wait_for_rows (window, 200);
  g_assert_cmpuint (rows->len, ==, 200);
  /* The 100,000-word answer is cut, and says how much more there is. */
  g_assert_true (rows_contain (rows, "more characters)"));
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpuint (strlen (rows->pdata[i]), <, 4000);

  more = gui_test_find_button (window, "Show _More Entries");
  g_assert_nonnull (more);
  g_assert_true (gtk_widget_get_visible (more));
  gui_test_check_a11y (window, "history window with more entries");
  gui_test_screenshot (window, "15-history-long.png");

  g_signal_emit_by_name (more, "clicked");
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = wait_for_rows (window, 400);
  g_assert_cmpuint (rows->len, ==, 400);
  g_signal_emit_by_name (more, "clicked");
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = wait_for_rows (window, audit->len);
  g_assert_cmpuint (rows->len, ==, audit->len);
  settle ();
  g_assert_false (gtk_widget_get_visible (more));
  g_assert_true (g_str_has_prefix (rows->pdata[0], "Record created\n"));
  g_assert_true (rows_contain (rows, "To: Title 447"));
  close_history (window);
}

static void become_reviewer (Fixture *fixture);

/* An earlier version opens from the history, read-only, as it was. */
static void
test_history_open_version (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(InvolveRecord) record = submit_filled_record (fixture);
  const char *uuid = involve_record_get_uuid (record);
  g_autoptr(InvolveSignOff) review = involve_sign_off_new ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *group, *old_row = NULL, *title;
  InvolveRecord *shown_record;
  g_autoptr(InvolveIdentity) officer = NULL;
  g_autoptr(InvolveIdentity) reviewer = NULL;

  review->reviewer_name = g_strdup ("Sam Reviewer");
  review->reviewer_email = g_strdup ("sam.reviewer@example.org");
  involve_store_set_profile_name (fixture->store, "Sam Reviewer");
  officer = g_object_ref (involve_store_get_identity (fixture->store));
  become_reviewer (fixture);
  reviewer = g_object_ref (involve_store_get_identity (fixture->store));
  g_assert_true (involve_store_sign_off (fixture->store, uuid, review, &error));
  g_assert_no_error (error);
  involve_store_set_identity (fixture->store, officer);
  involve_store_set_profile_name (fixture->store, "Alex Officer");
  g_assert_cmpuint (involve_store_amend (fixture->store, uuid, "A new site was found", &error), ==, 2);
  g_assert_no_error (error);
  g_assert_true (involve_store_submit (fixture->store, uuid, NULL, &error));
  g_assert_no_error (error);
  involve_store_set_profile_name (fixture->store, "Sam Reviewer");
  involve_store_set_identity (fixture->store, reviewer);
  g_assert_true (involve_store_sign_off (fixture->store, uuid, review, &error));
  g_assert_no_error (error);

  g_assert_true (involve_window_open_record (fixture->window, uuid));
  settle ();
  g_assert_cmpuint (involve_record_get_version (involve_wizard_get_record (fixture->wizard)), ==, 2);

  window = open_history (fixture->wizard);
  group = find_widget (window, ADW_TYPE_PREFERENCES_GROUP, "Versions");
  g_assert_nonnull (group);
  gui_test_collect_widgets (group, ADW_TYPE_ACTION_ROW, rows);
  g_assert_cmpuint (rows->len, ==, 2);
  for (guint i = 0; i < rows->len; i++)
    {
      gboolean openable = gtk_list_box_row_get_activatable (rows->pdata[i]);

      /* The version shown is not offered again. */
      g_assert_cmpint (openable, ==, GPOINTER_TO_UINT (g_object_get_data (rows->pdata[i], "version")) == 1);
      if (openable)
        old_row = rows->pdata[i];
    }
  g_assert_nonnull (old_row);
  gtk_widget_activate (old_row);
  gui_test_wait_ms (300);
  g_assert_null (gui_test_find_toplevel (INVOLVE_TYPE_HISTORY_WINDOW));

  shown_record = involve_wizard_get_record (fixture->wizard);
  g_assert_cmpuint (involve_record_get_version (shown_record), ==, 1);
  g_assert_cmpint (involve_record_get_status (shown_record), ==, INVOLVE_STATUS_SUPERSEDED);
  g_assert_true (g_str_has_prefix (label_text (_involve_wizard_get_banner_label (fixture->wizard)), "Superseded"));
  title = involve_field_editor_get_input (editor (fixture, "title"));
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (title)));
  screenshot (fixture, "14-superseded-version.png");
}

/* A record imported from another register shows the entries kept from it. */
static void
test_history_imported (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *xml = g_build_filename (fixture->dir, "records.xml", NULL);
  g_autofree char *other_path = g_build_filename (fixture->dir, "other.sqlite", NULL);
  g_autoptr(InvolveStore) other = NULL;
  g_autoptr(GPtrArray) source_audit = NULL;
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  InvolveWindow *window;
  GtkWidget *history;

  g_assert_true (involve_window_new_record (fixture->window));
  settle ();
  type_text (fixture, "title", "Closing the fracture clinic");
  involve_wizard_flush (fixture->wizard);
  type_text (fixture, "title", "Closing the fracture clinic at night");
  involve_wizard_flush (fixture->wizard);
  uuid = g_strdup (involve_record_get_uuid (involve_wizard_get_record (fixture->wizard)));
  source_audit = involve_store_list_audit (fixture->store, uuid, &error);
  g_assert_no_error (error);
  g_assert_true (involve_export_xml (fixture->store, NULL, xml, &error));
  g_assert_no_error (error);

  other = involve_store_open (other_path, &error);
  g_assert_no_error (error);
  window = other_window_new (fixture, other);
  g_assert_true (_involve_window_import_xml_file (window, xml));
  settle ();
  g_assert_true (involve_window_open_record (window, uuid));
  settle ();

  history = open_history (_involve_window_get_wizard (window));
  imported = group_rows (history, "Entries from the Source Register");
  g_assert_cmpuint (imported->len, ==, source_audit->len);
  g_assert_true (g_str_has_prefix (imported->pdata[0], "Record created\n"));
  g_assert_true (rows_contain (imported, "To: Closing the fracture clinic at night"));
  /* This register's own trail says it was imported. */
  entries = group_rows (history, "Audit Trail");
  g_assert_true (rows_contain (entries, "Imported\n"));
  gui_test_check_a11y (history, "history window of an imported record");
  scroll_to_group (history, "Entries from the Source Register");
  gui_test_screenshot (history, "14-history-imported.png");
  close_history (history);

  other_window_close (window);
}

/* Printing a record of the register leaves an export entry in its trail. */
static void
test_print_audited (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *print_path = g_build_filename (fixture->dir, "printed.pdf", NULL);
  g_autoptr(InvolveRecord) record = submit_filled_record (fixture);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = involve_fingerprint_compute (record);
  const InvolveAuditEntry *last;

  before = involve_store_list_audit (fixture->store, involve_record_get_uuid (record), &error);
  g_assert_no_error (error);
  g_assert_true (_involve_wizard_export_file (fixture->wizard, "wizard.print", print_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (print_path, G_FILE_TEST_IS_REGULAR));

  after = involve_store_list_audit (fixture->store, involve_record_get_uuid (record), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, before->len + 1);
  last = g_ptr_array_index (after, after->len - 1);
  g_assert_cmpstr (last->kind, ==, INVOLVE_AUDIT_EXPORT);
  g_assert_cmpstr (last->record_uuid, ==, involve_record_get_uuid (record));
  g_assert_cmpuint (last->version, ==, involve_record_get_version (record));
  g_assert_true (g_str_has_prefix (last->details, "Evidence printed ("));
  g_assert_nonnull (strstr (last->details, fingerprint));
  g_assert_true (involve_store_verify (fixture->store, NULL, &error));
  g_assert_no_error (error);
}

/* Sam Reviewer acts on this register with their own key, trusted to sign
 * off by the officer (its first administrator). */
static void
become_reviewer (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveIdentity) reviewer =
    involve_identity_generate ("Sam Reviewer", "sam.reviewer@example.org", NULL, INVOLVE_KEY_ECDSA_P256, 30, &error);

  g_assert_no_error (error);
  g_assert_true (involve_store_trust_add (fixture->store, involve_identity_get_certificate (reviewer),
                                          INVOLVE_TRUST_SIGN_OFF, &error));
  g_assert_no_error (error);
  involve_store_set_identity (fixture->store, reviewer);
  set_profile (fixture, "Sam Reviewer", "sam.reviewer@example.org");
}

static void
test_returned_with_comments (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(InvolveRecord) record = submit_filled_record (fixture);
  GtkWidget *title_input;

  /* Returning needs comments. */
  become_reviewer (fixture);
  gtk_widget_activate_action (GTK_WIDGET (fixture->wizard), "wizard.return", NULL);
  settle ();
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (_involve_wizard_get_dialog (fixture->wizard)),
                                                           "return"));
  respond (fixture, "return", "Say how carers will be reached.");

  g_clear_object (&record);
  record = reload (fixture);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_RETURNED);
  g_assert_cmpstr (label_text (_involve_wizard_get_banner_label (fixture->wizard)), ==,
                   "Returned by Sam Reviewer with comments: Say how carers will be reached.");
  /* The officer can edit it again, and submit it again. */
  title_input = involve_field_editor_get_input (editor (fixture, "title"));
  g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (title_input)));
  g_assert_true (gtk_widget_get_visible (_involve_wizard_get_submit_button (fixture->wizard)));
  g_assert_true (gtk_widget_get_sensitive (_involve_wizard_get_submit_button (fixture->wizard)));
}

static void
test_export_listed (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *out = g_build_filename (fixture->dir, "pdfs", NULL);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  InvolveStoreQuery query;
  gint64 deadline;
  guint found = 0;

  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (involve_window_new_record (fixture->window));
      settle ();
      type_text (fixture, "title", i ? "Closing the fracture clinic" : "Relocating the podiatry clinic");
      gtk_widget_activate_action (GTK_WIDGET (fixture->wizard), "wizard.close", NULL);
      settle ();
    }
  g_assert_cmpint (g_mkdir (out, 0700), ==, 0);
  /* The PDFs are signed with the unlocked key, in the worker thread too. */
  _involve_window_export_listed (fixture->window, out);

  involve_store_query_init (&query);
  list = involve_store_list (fixture->store, &query, NULL, &error);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (found < list->len && g_get_monotonic_time () < deadline)
    {
      gui_test_wait_ms (100);
      found = 0;
      for (guint i = 0; i < list->len; i++)
        {
          const InvolveRecordSummary *summary = g_ptr_array_index (list, i);
          g_autofree char *name = g_strconcat (summary->reference, ".pdf", NULL);
          g_autofree char *path = g_build_filename (out, name, NULL);

          found += g_file_test (path, G_FILE_TEST_IS_REGULAR);
        }
    }
  g_assert_cmpuint (found, ==, 2);
  gui_test_wait_ms (300);
  for (guint i = 0; i < list->len; i++)
    {
      const InvolveRecordSummary *summary = g_ptr_array_index (list, i);
      g_autofree char *name = g_strconcat (summary->reference, ".pdf", NULL);
      g_autofree char *path = g_build_filename (out, name, NULL);
      g_autoptr(InvolvePdfSignature) signature = involve_pdf_signature_read_file (path, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (signature->signer_name, ==, "Alex Officer");
      g_assert_cmpstr (signature->status, ==, "draft");
    }
}

/* No key unlocked: exporting a PDF asks for it first, and cancelling
 * exports nothing. */
static void
test_export_asks_to_unlock (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *key_path = involve_identity_dup_default_path ();
  g_autofree char *key_dir = g_path_get_dirname (key_path);
  g_autoptr(InvolveIdentity) key = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWidget *dialog = NULL;

  key = involve_identity_generate ("Alex Officer", "alex.officer@example.org", NULL,
                                   INVOLVE_KEY_ECDSA_P256, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (key_dir, 0700), ==, 0);
  g_assert_true (involve_identity_save (key, key_path, "export passphrase", &error));
  g_assert_no_error (error);

  g_assert_true (involve_window_new_record (fixture->window));
  settle ();
  type_text (fixture, "title", "Closing the fracture clinic");
  /* The first input creates the record after the typing pause; until then
   * there is nothing to export and the action is off. */
  g_assert_true (involve_wizard_flush (fixture->wizard));
  g_assert_nonnull (involve_record_get_reference (involve_wizard_get_record (fixture->wizard)));
  involve_store_set_identity (fixture->store, NULL);

  gtk_widget_activate_action (GTK_WIDGET (fixture->wizard), "wizard.export-pdf", NULL);
  gui_test_wait_ms (200);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (INVOLVE_IS_UNLOCK_DIALOG (window) && gtk_widget_get_visible (window))
        dialog = window;
    }
  g_assert_nonnull (dialog);
  gui_test_check_a11y (dialog, "unlocking the key to export a PDF");
  gui_test_screenshot (dialog, "20-export-unlock.png");
  click (_involve_unlock_dialog_get_cancel_button (INVOLVE_UNLOCK_DIALOG (dialog)));
  settle ();
  g_assert_null (involve_store_get_identity (fixture->store));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      /* No file was asked for: nothing is exported unsigned. */
      g_assert_false (GTK_IS_FILE_CHOOSER_DIALOG (window) && gtk_widget_get_visible (window));
      g_assert_false (INVOLVE_IS_UNLOCK_DIALOG (window) && gtk_widget_get_visible (window));
    }
}

static InvolveRecord *
add_record (Fixture    *fixture,
            const char *title,
            const char *organisation)
{
  g_autoptr(GError) error = NULL;
  InvolveRecord *record = involve_store_create_record (fixture->store, "icb-14z45", &error);

  g_assert_no_error (error);
  g_assert_true (involve_store_set_value (fixture->store, record, "title", g_variant_new_string (title), &error));
  g_assert_no_error (error);
  if (organisation != NULL)
    g_assert_true (involve_store_set_value (fixture->store, record, "organisation-name",
                                            g_variant_new_string (organisation), &error));
  g_assert_no_error (error);
  return record;
}

/* The texts of the labels a widget shows, one a line. */
static void
collect_labels (GtkWidget *widget,
                GString   *out)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, out);
}

static guint
find_string (GListModel *model,
             const char *text)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (gtk_string_object_get_string (item), text) == 0)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
test_filter_by_organisation (Fixture       *fixture,
                             gconstpointer  data)
{
  GtkWidget *filter = _involve_window_get_organisation_filter (fixture->window);
  GListModel *model = G_LIST_MODEL (_involve_window_get_model (fixture->window));
  GtkWidget *column_view = NULL;
  GListModel *names;
  g_autoptr(GString) shown = g_string_new (NULL);
  g_autoptr(InvolveRecord) a = add_record (fixture, "Closing the fracture clinic", "Westshire CCG");
  g_autoptr(InvolveRecord) b = add_record (fixture, "Relocating the podiatry clinic", "Northshire ICB");
  g_autoptr(InvolveRecord) c = add_record (fixture, "Moving the diabetes service", "Northshire ICB");
  g_autoptr(InvolveRecord) d = add_record (fixture, "A record without an organisation", NULL);
  guint northshire;

  /* Going back to the list brings the register's organisations into the filter. */
  involve_window_show_register (fixture->window);
  settle ();
  names = gtk_drop_down_get_model (GTK_DROP_DOWN (filter));
  g_assert_cmpuint (g_list_model_get_n_items (names), ==, 3);
  g_assert_cmpuint (find_string (names, "All organisations"), ==, 0);
  g_assert_cmpuint (find_string (names, "Northshire ICB"), ==, 1);
  g_assert_cmpuint (find_string (names, "Westshire CCG"), ==, 2);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (filter)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);

  /* Choosing one lists its records only, and the rows show them. */
  northshire = find_string (names, "Northshire ICB");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (filter), northshire);
  settle ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(InvolveRegisterItem) item = g_list_model_get_item (model, i);

      g_assert_cmpstr (involve_register_item_get_summary (item)->organisation, ==, "Northshire ICB");
    }
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (_involve_window_get_list_stack (fixture->window))),
                   ==, "list");
  column_view = gtk_stack_get_visible_child (GTK_STACK (_involve_window_get_list_stack (fixture->window)));
  gui_test_wait_ms (200);
  collect_labels (column_view, shown);
  g_test_message ("rows shown:\n%s", shown->str);
  g_assert_nonnull (strstr (shown->str, involve_record_get_reference (b)));
  g_assert_nonnull (strstr (shown->str, involve_record_get_reference (c)));
  g_assert_nonnull (strstr (shown->str, "Relocating the podiatry clinic"));
  g_assert_nonnull (strstr (shown->str, "Moving the diabetes service"));
  g_assert_null (strstr (shown->str, involve_record_get_reference (a)));
  g_assert_null (strstr (shown->str, "Closing the fracture clinic"));
  g_assert_null (strstr (shown->str, "Westshire CCG"));
  g_assert_null (strstr (shown->str, involve_record_get_reference (d)));
  screenshot (fixture, "12-filter-by-organisation.png");
  check_a11y (fixture, "register filtered by organisation");

  /* Combined with the search text. */
  gtk_editable_set_text (GTK_EDITABLE (_involve_window_get_search_entry (fixture->window)), "diabetes");
  _involve_window_apply_filters (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  gtk_editable_set_text (GTK_EDITABLE (_involve_window_get_search_entry (fixture->window)), "");
  _involve_window_apply_filters (fixture->window);

  /* A new organisation joins the filter; the chosen one stays chosen. */
  {
    g_autoptr(InvolveRecord) e = add_record (fixture, "Community dental services", "Eastshire ICB");

    involve_window_show_register (fixture->window);
    settle ();
    names = gtk_drop_down_get_model (GTK_DROP_DOWN (filter));
    g_assert_cmpuint (g_list_model_get_n_items (names), ==, 4);
    g_assert_cmpuint (find_string (names, "Eastshire ICB"), ==, 1);
    g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (filter)), ==, find_string (names, "Northshire ICB"));
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  }

  /* When no record is of the chosen organisation any more, the filter
   * goes back to all of them. */
  g_assert_true (involve_store_set_value (fixture->store, b, "organisation-name", g_variant_new_string ("Westshire CCG"), NULL));
  g_assert_true (involve_store_set_value (fixture->store, c, "organisation-name", g_variant_new_string ("Westshire CCG"), NULL));
  involve_window_show_register (fixture->window);
  settle ();
  names = gtk_drop_down_get_model (GTK_DROP_DOWN (filter));
  g_assert_cmpuint (find_string (names, "Northshire ICB"), ==, GTK_INVALID_LIST_POSITION);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (filter)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 5);
}

static void
test_import_xml (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *xml = g_build_filename (fixture->dir, "records.xml", NULL);
  g_autofree char *other_path = g_build_filename (fixture->dir, "other.sqlite", NULL);
  g_autoptr(InvolveStore) other = NULL;
  g_autoptr(GError) error = NULL;
  InvolveWindow *window;

  /* A record written to an exchange file... */
  g_assert_true (involve_window_new_record (fixture->window));
  settle ();
  type_text (fixture, "title", "Closing the fracture clinic");
  involve_wizard_flush (fixture->wizard);
  g_assert_true (involve_export_xml (fixture->store, NULL, xml, &error));
  g_assert_no_error (error);

  /* ...is imported into another register from its window. */
  other = involve_store_open (other_path, &error);
  g_assert_no_error (error);
  window = other_window_new (fixture, other);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (_involve_window_get_list_stack (window))), ==, "empty");
  g_assert_true (_involve_window_import_xml_file (window, xml));
  settle ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (_involve_window_get_model (window))), ==, 1);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (_involve_window_get_list_stack (window))), ==, "list");
  /* Importing it again adds nothing, and says so. */
  g_assert_false (_involve_window_import_xml_file (window, xml));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (_involve_window_get_model (window))), ==, 1);
  other_window_close (window);
}

/* The first frame of a large register has only the rows the window shows;
 * the column view reaches every record after it. */
static void
test_large_register_rows (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "large.sqlite", NULL);
  g_autoptr(InvolveStore) large = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *rows;
  InvolveWindow *window;

  large = involve_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_begin_batch (large, &error));
  for (guint i = 0; i < 300; i++)
    {
      g_autoptr(InvolveRecord) record = involve_store_create_record (large, "icb-14z45", &error);

      g_assert_no_error (error);
    }
  g_assert_true (involve_store_commit_batch (large, &error));

  window = involve_window_new (NULL, large, fixture->definitions, fixture->settings);
  g_object_ref_sink (window);
  rows = G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (_involve_window_get_column_view (window))));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (_involve_window_get_model (window))), ==, 300);
  g_assert_cmpuint (g_list_model_get_n_items (rows), <, 300);
  g_assert_cmpuint (g_list_model_get_n_items (rows), >=, 768 / 40);

  gtk_window_present (GTK_WINDOW (window));
  for (guint i = 0; i < 100 && g_list_model_get_n_items (rows) < 300; i++)
    gui_test_wait_ms (20);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 300);

  /* Positions in the view are positions in the register. */
  {
    g_autoptr(InvolveRegisterItem) first = g_list_model_get_item (rows, 0);
    g_autoptr(InvolveRegisterItem) last = g_list_model_get_item (rows, 299);
    g_autoptr(InvolveRegisterItem) model_last = g_list_model_get_item (G_LIST_MODEL (_involve_window_get_model (window)), 299);

    g_assert_nonnull (involve_register_item_get_summary (first)->uuid);
    g_assert_cmpstr (involve_register_item_get_summary (last)->uuid, ==,
                     involve_register_item_get_summary (model_last)->uuid);
  }

  other_window_close (window);
}

static void
test_accessibility (Fixture       *fixture,
                    gconstpointer  data)
{
  guint n_steps;

  check_a11y (fixture, "empty register");
  g_assert_true (involve_window_new_record (fixture->window));
  settle ();
  /* Show every conditional question, so that each is checked. */
  choose (fixture, "step1-commissioning", "yes");
  choose (fixture, "urgent", "yes");
  choose (fixture, "b4-additional-required", "yes");
  click (involve_field_editor_get_add_row_button (editor (fixture, "c-risks")));
  n_steps = involve_wizard_get_n_steps (fixture->wizard);
  for (guint i = 0; i < n_steps; i++)
    {
      g_autofree char *where = g_strdup_printf ("step %u", i);

      involve_wizard_set_step (fixture->wizard, i);
      check_a11y (fixture, where);
    }
  gtk_widget_activate_action (GTK_WIDGET (fixture->wizard), "wizard.withdraw", NULL);
  settle ();
  {
    GtkWidget *dialog = _involve_wizard_get_dialog (fixture->wizard);
    g_autoptr(GString) problems = g_string_new (NULL);

    g_assert_nonnull (dialog);
    if (involve_test_check_accessibility (dialog, problems) > 0)
      g_test_message ("withdraw dialog:\n%s", problems->str);
    g_assert_cmpuint (problems->len, ==, 0);
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  gtk_widget_activate_action (GTK_WIDGET (fixture->wizard), "wizard.close", NULL);
  check_a11y (fixture, "register with a record");

  /* Preferences show the profile and write it to the settings. */
  {
    GtkWidget *preferences = involve_preferences_window_new (GTK_WINDOW (fixture->window), fixture->settings,
                                                             fixture->definitions, "/tmp/register.sqlite");
    g_autoptr(GString) problems = g_string_new (NULL);
    g_autofree char *name = NULL;

    gtk_window_set_default_size (GTK_WINDOW (preferences), 560, 700);
    gtk_window_present (GTK_WINDOW (preferences));
    gui_test_wait_ms (300);
    if (involve_test_check_accessibility (preferences, problems) > 0)
      g_test_message ("preferences:\n%s", problems->str);
    g_assert_cmpuint (problems->len, ==, 0);
    gui_test_screenshot (preferences, "10-preferences.png");
    /* Typing a name in its row changes the profile. */
    {
      GtkWidget *row = NULL;
      GtkWidget *w = preferences;

      /* Find the first entry row (the name). */
      while (w != NULL && !ADW_IS_ENTRY_ROW (w))
        {
          GtkWidget *next = gtk_widget_get_first_child (w);

          while (next == NULL && w != NULL)
            {
              next = gtk_widget_get_next_sibling (w);
              if (next == NULL)
                w = gtk_widget_get_parent (w);
            }
          w = next;
        }
      row = w;
      g_assert_nonnull (row);
      gtk_editable_set_text (GTK_EDITABLE (row), "Jordan Lee");
      name = g_settings_get_string (fixture->settings, "profile-name");
      g_assert_cmpstr (name, ==, "Jordan Lee");
    }
    gtk_window_destroy (GTK_WINDOW (preferences));
  }
}

static void
test_about_and_shortcuts (Fixture       *fixture,
                          gconstpointer  data)
{
  GtkWidget *about = involve_about_window_new (GTK_WINDOW (fixture->window));
  g_autoptr(GtkBuilder) builder = NULL;
  GObject *overlay;

  g_assert_true (ADW_IS_ABOUT_WINDOW (about));
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==, GTK_LICENSE_GPL_3_0);
  gtk_window_present (GTK_WINDOW (about));
  settle ();
  gtk_window_destroy (GTK_WINDOW (about));

  /* The shortcuts window (Ctrl+?) builds from its resource. */
  builder = gtk_builder_new_from_resource ("/org/involve/Involve/gtk/help-overlay.ui");
  overlay = gtk_builder_get_object (builder, "help_overlay");
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  gtk_window_destroy (GTK_WINDOW (overlay));
}

static guint
count_records (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  InvolveStoreQuery query;
  guint count = 0;

  involve_store_query_init (&query);
  g_assert_true (involve_store_count (fixture->store, &query, &count, &error));
  g_assert_no_error (error);
  return count;
}

/* New Assessment writes nothing until the first input: leaving at once
 * uses up no reference and leaves no empty record behind. */
static void
test_new_record_on_first_input (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(InvolveRecord) record = NULL;

  g_assert_true (involve_window_new_record (fixture->window));
  settle ();
  g_assert_cmpuint (count_records (fixture), ==, 0);
  /* The profile's answers are shown, not yet written. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (involve_field_editor_get_input (editor (fixture, "completer-name")))),
                   ==, "Alex Officer");
  /* Nothing to withdraw yet. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->wizard), "wizard.withdraw", NULL);
  settle ();
  g_assert_null (_involve_wizard_get_dialog (fixture->wizard));
  gtk_widget_activate_action (GTK_WIDGET (fixture->wizard), "wizard.close", NULL);
  settle ();
  g_assert_cmpuint (count_records (fixture), ==, 0);

  /* The first keystrokes create it, with the profile's answers. */
  g_assert_true (involve_window_new_record (fixture->window));
  settle ();
  type_text (fixture, "title", "Relocating");
  gui_test_wait_ms (400);
  g_assert_cmpuint (count_records (fixture), ==, 1);
  record = reload (fixture);
  g_assert_cmpstr (involve_record_get_string (record, "title"), ==, "Relocating");
  g_assert_cmpstr (involve_record_get_string (record, "completer-name"), ==, "Alex Officer");
  g_assert_true (g_str_has_prefix (involve_record_get_reference (record), "INV-"));
  /* What the outcome still asks for follows the first input too. */
  g_assert_null (strstr (g_object_get_data (G_OBJECT (_involve_wizard_get_outcome_detail (fixture->wizard)), "full-text"),
                         "Title of the activity"));
  /* Later input goes to the same record. */
  type_text (fixture, "b1-location", "Riverside");
  gui_test_wait_ms (400);
  g_assert_cmpuint (count_records (fixture), ==, 1);
}

static const char *
help_text (InvolveFieldEditor *field_editor)
{
  /* The title, then the help. */
  GtkWidget *help = gtk_widget_get_next_sibling (gtk_widget_get_first_child (GTK_WIDGET (field_editor)));

  g_assert_true (GTK_IS_LABEL (help));
  return gtk_label_get_text (GTK_LABEL (help));
}

/* The special-administrator question cites its own framework's subsection,
 * from frameworks.xml; only the framework's organisation type is offered,
 * and a contradicting type is a problem to fix, not "still to record". */
static void
test_citations_and_organisation_type (Fixture       *fixture,
                                      gconstpointer  data)
{
  const struct { const char *framework, *citation, *type; } cases[] = {
    { "icb-14z45", "section 14Z45(6)", "icb" },
    { "ccg-14z2", "section 14Z2(7)", "ccg" },
    { "nhse-13q", "section 13Q(4)", "nhse" },
  };
  const char *citations[] = { "14Z45(6)", "14Z2(7)", "13Q(4)" };
  const char *types[] = { "icb", "ccg", "nhse" };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(InvolveRecord) record = involve_store_create_record (fixture->store, cases[c].framework, &error);
      InvolveFieldEditor *org;
      const char *help;

      g_assert_no_error (error);
      involve_wizard_set_record (fixture->wizard, record);
      settle ();
      help = help_text (editor (fixture, "special-administrator"));
      g_test_message ("%s: %s", cases[c].framework, help);
      g_assert_nonnull (strstr (help, cases[c].citation));
      for (guint i = 0; i < G_N_ELEMENTS (citations); i++)
        if (i != c)
          g_assert_null (strstr (help, citations[i]));

      org = editor (fixture, "organisation-type");
      for (guint i = 0; i < G_N_ELEMENTS (types); i++)
        {
          GtkWidget *button = involve_field_editor_get_option_button (org, types[i]);

          g_assert_cmpint (gtk_widget_is_visible (button), ==, g_str_equal (types[i], cases[c].type));
        }
      g_assert_true (gtk_widget_is_visible (involve_field_editor_get_option_button (org, "provider")));
    }

  /* An ICB record that says CCG (imported, or from before): the type shows,
   * and the outcome says what is wrong instead of asking for it again. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(InvolveRecord) record = involve_store_create_record (fixture->store, "icb-14z45", &error);
    const char *detail;

    g_assert_no_error (error);
    g_assert_true (involve_store_set_value (fixture->store, record, "organisation-type",
                                            g_variant_new_string ("ccg"), &error));
    involve_wizard_set_record (fixture->wizard, record);
    settle ();
    g_assert_true (gtk_widget_is_visible (involve_field_editor_get_option_button (editor (fixture, "organisation-type"), "ccg")));
    {
      /* Collapsed to two lines; "Show More" (a button, so the keyboard
       * reaches it) gives the reasons in full, not only in a tooltip. */
      GtkWidget *label = _involve_wizard_get_outcome_detail (fixture->wizard);
      GtkWidget *toggle = gtk_widget_get_next_sibling (gtk_widget_get_parent (label));

      g_assert_true (GTK_IS_TOGGLE_BUTTON (toggle));
      g_assert_true (gtk_widget_get_visible (toggle));
      g_assert_true (gtk_widget_get_focusable (toggle));
      g_assert_cmpint (gtk_label_get_lines (GTK_LABEL (label)), ==, 2);
      g_assert_cmpint (gtk_label_get_ellipsize (GTK_LABEL (label)), ==, PANGO_ELLIPSIZE_END);
      g_assert_null (gtk_widget_get_tooltip_text (label));
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), TRUE);
      g_assert_cmpint (gtk_label_get_ellipsize (GTK_LABEL (label)), ==, PANGO_ELLIPSIZE_NONE);
      detail = label_text (label);
    }
    g_test_message ("outcome: %s", detail);
    g_assert_nonnull (strstr (detail, "section 14Z45"));
    {
      const char *todo = strstr (detail, "Still to record:");
      g_autofree char *line = todo != NULL ? g_strndup (todo, strcspn (todo, "\n")) : NULL;

      g_assert_true (line == NULL || strstr (line, "Type of organisation") == NULL);
      g_assert_nonnull (strstr (detail, "is “Clinical commissioning group”, but the record is assessed under section 14Z45"));
    }
  }
}

int
main (int   argc,
      char *argv[])
{
  /* Key files go to the data folder: a private one. */
  g_autofree char *home = test_util_isolate_user_dirs ();
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/gui/journey/new-to-signed-off", Fixture, NULL, fixture_set_up, test_journey, fixture_tear_down);
  g_test_add ("/gui/journey/withdraw-needs-reason", Fixture, NULL, fixture_set_up, test_return_with_comments, fixture_tear_down);
  g_test_add ("/gui/journey/returned-with-comments", Fixture, NULL, fixture_set_up, test_returned_with_comments, fixture_tear_down);
  g_test_add ("/gui/register/export-listed", Fixture, NULL, fixture_set_up, test_export_listed, fixture_tear_down);
  g_test_add ("/gui/export/asks-to-unlock", Fixture, NULL, fixture_set_up, test_export_asks_to_unlock, fixture_tear_down);
  g_test_add ("/gui/register/filter-by-organisation", Fixture, NULL, fixture_set_up, test_filter_by_organisation, fixture_tear_down);
  g_test_add ("/gui/register/import-xml", Fixture, NULL, fixture_set_up, test_import_xml, fixture_tear_down);
  g_test_add ("/gui/register/large-first-rows", Fixture, NULL, fixture_set_up, test_large_register_rows, fixture_tear_down);
  g_test_add ("/gui/sign-off/by-file", Fixture, NULL, fixture_set_up, test_sign_off_by_file, fixture_tear_down);
  g_test_add ("/gui/history/versions-and-trail", Fixture, NULL, fixture_set_up, test_history, fixture_tear_down);
  g_test_add ("/gui/history/open-version", Fixture, NULL, fixture_set_up, test_history_open_version, fixture_tear_down);
  g_test_add ("/gui/history/imported", Fixture, NULL, fixture_set_up, test_history_imported, fixture_tear_down);
  g_test_add ("/gui/history/long", Fixture, NULL, fixture_set_up, test_history_long, fixture_tear_down);
  g_test_add ("/gui/print/audited", Fixture, NULL, fixture_set_up, test_print_audited, fixture_tear_down);
  g_test_add ("/gui/sign-off/request-evidence-pdf", Fixture, NULL, fixture_set_up, test_request_evidence, fixture_tear_down);
  g_test_add ("/gui/about-and-shortcuts", Fixture, NULL, fixture_set_up, test_about_and_shortcuts, fixture_tear_down);
  g_test_add ("/gui/three-step/citations-and-organisation-type", Fixture, NULL, fixture_set_up,
              test_citations_and_organisation_type, fixture_tear_down);
  g_test_add ("/gui/journey/new-record-on-first-input", Fixture, NULL, fixture_set_up,
              test_new_record_on_first_input, fixture_tear_down);
  g_test_add ("/gui/a11y/every-step", Fixture, NULL, fixture_set_up, test_accessibility, fixture_tear_down);
  ret = g_test_run ();
  test_util_remove_tree (home);
  return ret;
}
