/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A record from new to submitted with the keyboard alone.  Every key is a
 * real key event: the X server's XTEST extension presses it, and GTK gets
 * it as it gets a person's, through the focus, the shortcut controllers and
 * the widgets' own key handling.  The test only reads the widgets (what is
 * focused, which step is open, which problems the review lists), as a
 * person looks at the screen; it never calls them to act.
 *
 * Covers the step list (up and down move the focus, Enter opens the step),
 * Tab from the list into the page, Ctrl+Page Down inside a multi-line
 * field, the review's problem links focusing their question in sight,
 * and Submit.  Skips without an X11 display.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>
#include <gdk/x11/gdkx.h>
#include <X11/Xlib.h>
#include <X11/keysym.h>
#include <X11/extensions/XTest.h>

#include "gui-test-util.h"
#include "involve-application.h"
#include "involve-field-editor.h"
#include "involve-lifecycle.h"
#include "involve-profile.h"
#include "involve-settings.h"
#include "involve-store.h"
#include "involve-window-private.h"
#include "involve-wizard-private.h"
#include "store-test-util.h"

typedef struct
{
  char               *dir;
  InvolveStore       *store;
  InvolveDefinitions *definitions;
  GSettings          *settings;
  InvolveWindow      *window;
  InvolveWizard      *wizard;
  Display            *xdisplay;
} Fixture;

/* Presses and releases @keysym with @modifiers (keysyms) held. */
static void
press (Fixture    *fixture,
       KeySym      keysym,
       const KeySym *modifiers,
       guint       n_modifiers)
{
  KeyCode code = XKeysymToKeycode (fixture->xdisplay, keysym);

  g_assert_cmpuint (code, !=, 0);
  for (guint i = 0; i < n_modifiers; i++)
    XTestFakeKeyEvent (fixture->xdisplay, XKeysymToKeycode (fixture->xdisplay, modifiers[i]), True, CurrentTime);
  XTestFakeKeyEvent (fixture->xdisplay, code, True, CurrentTime);
  XTestFakeKeyEvent (fixture->xdisplay, code, False, CurrentTime);
  for (guint i = n_modifiers; i > 0; i--)
    XTestFakeKeyEvent (fixture->xdisplay, XKeysymToKeycode (fixture->xdisplay, modifiers[i - 1]), False, CurrentTime);
  XFlush (fixture->xdisplay);
  gui_test_wait_ms (25);
}

static void
key (Fixture *fixture,
     KeySym   keysym)
{
  press (fixture, keysym, NULL, 0);
}

static void
ctrl_key (Fixture *fixture,
          KeySym   keysym)
{
  const KeySym control[] = { XK_Control_L };

  press (fixture, keysym, control, 1);
}

static void
shift_key (Fixture *fixture,
           KeySym   keysym)
{
  const KeySym shift[] = { XK_Shift_L };

  press (fixture, keysym, shift, 1);
}

/* Lower-case letters, digits, spaces, hyphens and full stops. */
static void
type (Fixture    *fixture,
      const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      KeySym keysym = *p == ' ' ? XK_space : *p == '-' ? XK_minus : *p == '.' ? XK_period : (KeySym) *p;

      g_assert_true (g_ascii_islower (*p) || g_ascii_isdigit (*p) || strchr (" -.", *p) != NULL);
      key (fixture, keysym);
    }
  gui_test_wait_ms (50);
}

static GtkWidget *
focus (Fixture *fixture)
{
  return gtk_root_get_focus (GTK_ROOT (fixture->window));
}

static gboolean
focus_in (Fixture   *fixture,
          GtkWidget *widget)
{
  GtkWidget *focused = focus (fixture);

  return focused != NULL && (focused == widget || gtk_widget_is_ancestor (focused, widget));
}

/* Tabs (Shift+Tab when @back) until the focus is on or in @widget. */
static void
tab_to (Fixture   *fixture,
        GtkWidget *widget,
        gboolean   back)
{
  for (guint i = 0; i < 400 && !focus_in (fixture, widget); i++)
    {
      if (back)
        shift_key (fixture, XK_Tab);
      else
        key (fixture, XK_Tab);
      if (g_getenv ("TRACE_FOCUS") != NULL && focus (fixture) != NULL)
        {
          GtkWidget *ed = gtk_widget_get_ancestor (focus (fixture), INVOLVE_TYPE_FIELD_EDITOR);
          g_printerr ("focus: %s %p in %s\n", G_OBJECT_TYPE_NAME (focus (fixture)), focus (fixture),
                      ed ? involve_field_editor_get_field (INVOLVE_FIELD_EDITOR (ed))->id : "-");
        }
    }
  if (!focus_in (fixture, widget))
    g_error ("Tab never reached %s (focus on %s)", G_OBJECT_TYPE_NAME (widget),
             focus (fixture) ? G_OBJECT_TYPE_NAME (focus (fixture)) : "nothing");
}

/* The focused widget lies within its page's visible part. */
static void
assert_focus_in_sight (Fixture *fixture)
{
  GtkWidget *focused = focus (fixture);
  GtkWidget *scrolled = gtk_widget_get_ancestor (focused, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds;

  g_assert_nonnull (scrolled);
  /* The page's own scroller, not a table's. */
  while (gtk_widget_get_ancestor (gtk_widget_get_parent (scrolled), GTK_TYPE_SCROLLED_WINDOW) != NULL &&
         gtk_widget_is_ancestor (scrolled, _involve_wizard_get_page_stack (fixture->wizard)) &&
         gtk_widget_is_ancestor (gtk_widget_get_ancestor (gtk_widget_get_parent (scrolled), GTK_TYPE_SCROLLED_WINDOW),
                                 _involve_wizard_get_page_stack (fixture->wizard)))
    scrolled = gtk_widget_get_ancestor (gtk_widget_get_parent (scrolled), GTK_TYPE_SCROLLED_WINDOW);
  gui_test_wait_ms (100);
  g_assert_true (gtk_widget_compute_bounds (focused, scrolled, &bounds));
  g_test_message ("focus %s at y %.0f, height %.0f, in a page %d high", G_OBJECT_TYPE_NAME (focused),
                  bounds.origin.y, bounds.size.height, gtk_widget_get_height (scrolled));
  g_assert_cmpfloat (bounds.origin.y, >=, 0);
  g_assert_cmpfloat (bounds.origin.y + MIN (bounds.size.height, 40), <=, gtk_widget_get_height (scrolled));
}

static void
new_action_cb (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       data)
{
  involve_window_new_record (INVOLVE_WINDOW (data));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GSimpleActionGroup) app = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) new_action = g_simple_action_new ("new", NULL);
  GtkEventController *shortcuts;
  GdkDisplay *display = gdk_display_get_default ();
  int event, error_base, major, minor;

  if (!GDK_IS_X11_DISPLAY (display))
    return;
  fixture->xdisplay = gdk_x11_display_get_xdisplay (display);
  if (!XTestQueryExtension (fixture->xdisplay, &event, &error_base, &major, &minor))
    {
      fixture->xdisplay = NULL;
      return;
    }

  fixture->dir = g_dir_make_tmp ("involve-keyboard-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "register.sqlite", NULL);
  fixture->store = involve_store_open (path, &error);
  g_assert_no_error (error);
  /* Submitting is signed: the officer's key is unlocked already. */
  {
    g_autoptr(InvolveIdentity) officer = involve_identity_generate ("Alex Officer", "alex.officer@example.org", NULL,
                                                                    INVOLVE_KEY_ECDSA_P256, 1, &error);

    g_assert_no_error (error);
    involve_store_set_identity (fixture->store, officer);
  }
  fixture->definitions = g_object_ref (involve_definitions_get_default (&error));
  g_assert_no_error (error);
  fixture->settings = involve_settings_new (&error);
  g_assert_no_error (error);
  g_settings_set_string (fixture->settings, "profile-name", "Alex Officer");
  g_settings_set_string (fixture->settings, "profile-email", "alex.officer@example.org");
  g_settings_set_string (fixture->settings, "profile-job-title", "Engagement manager");
  g_settings_set_string (fixture->settings, "profile-team", "Communications");
  g_settings_set_string (fixture->settings, "profile-organisation-name", "Example Integrated Care Board");
  g_settings_set_string (fixture->settings, "profile-organisation-type", "icb");
  g_settings_set_string (fixture->settings, "default-framework", "icb-14z45");
  g_settings_set_int (fixture->settings, "window-width", 1024);
  g_settings_set_int (fixture->settings, "window-height", 600);

  fixture->window = involve_window_new (NULL, fixture->store, fixture->definitions, fixture->settings);
  g_object_ref_sink (fixture->window);
  /* What InvolveApplication gives the window: app.new on Ctrl+N. */
  g_signal_connect (new_action, "activate", G_CALLBACK (new_action_cb), fixture->window);
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (new_action));
  gtk_widget_insert_action_group (GTK_WIDGET (fixture->window), "app", G_ACTION_GROUP (app));
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>n"),
                                                          gtk_named_action_new ("app.new")));
  gtk_widget_add_controller (GTK_WIDGET (fixture->window), shortcuts);

  gtk_window_present (GTK_WINDOW (fixture->window));
  fixture->wizard = _involve_window_get_wizard (fixture->window);
  gui_test_wait_ms (300);
  /* No window manager under Xvfb: give the window the keyboard. */
  XSetInputFocus (fixture->xdisplay, gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (fixture->window))),
                  RevertToParent, CurrentTime);
  XSync (fixture->xdisplay, False);
  gui_test_wait_ms (200);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (fixture->window));
      g_object_unref (fixture->window);
      gui_test_wait_ms (50);
    }
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->definitions);
  g_clear_object (&fixture->settings);
  if (fixture->dir != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, "register.sqlite", NULL);
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_remove (wal);
      g_remove (shm);
      g_remove (path);
      g_rmdir (fixture->dir);
      g_free (fixture->dir);
    }
}

/* Answers the question the focus is in, as a person would. */
static void
answer_focused (Fixture            *fixture,
                const InvolveField *field)
{
  switch (field->type)
    {
    case INVOLVE_FIELD_YES_NO:
    case INVOLVE_FIELD_CHOICE:
    case INVOLVE_FIELD_MULTI_CHOICE:
      /* The link focuses the first answer ("Yes"; the first option). */
      key (fixture, XK_space);
      break;
    case INVOLVE_FIELD_DATE:
      type (fixture, "2026-03-31");
      break;
    default:
      type (fixture, "written with the keyboard alone.");
      break;
    }
  gui_test_wait_ms (350);
}

static void
go_to_review (Fixture *fixture)
{
  guint review = involve_wizard_get_n_steps (fixture->wizard) - 1;

  for (guint i = 0; i < 10 && involve_wizard_get_step (fixture->wizard) < review; i++)
    {
      guint before = involve_wizard_get_step (fixture->wizard);

      ctrl_key (fixture, XK_Page_Down);
      gui_test_wait_ms (50);
      g_assert_cmpuint (involve_wizard_get_step (fixture->wizard), ==, before + 1);
    }
  g_assert_cmpuint (involve_wizard_get_step (fixture->wizard), ==, review);
  gui_test_wait_ms (200);
}

static void
test_new_to_submitted (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWidget *title, *problems, *row0, *row2, *submit;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  guint fixed = 0;

  if (fixture->xdisplay == NULL)
    {
      g_test_skip ("needs an X11 display with the XTEST extension");
      return;
    }

  /* Ctrl+N opens a new record. */
  ctrl_key (fixture, XK_n);
  gui_test_wait_ms (300);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (_involve_window_get_main_stack (fixture->window))), ==, "record");
  g_assert_cmpuint (involve_wizard_get_step (fixture->wizard), ==, 0);

  /* The step list: down moves the focus, not the page; Enter opens it. */
  row0 = _involve_wizard_get_step_row (fixture->wizard, 0);
  row2 = _involve_wizard_get_step_row (fixture->wizard, 2);
  tab_to (fixture, row0, FALSE);
  key (fixture, XK_Down);
  key (fixture, XK_Down);
  g_assert_true (focus (fixture) == row2);
  g_assert_cmpuint (involve_wizard_get_step (fixture->wizard), ==, 0);
  key (fixture, XK_Return);
  gui_test_wait_ms (100);
  g_assert_cmpuint (involve_wizard_get_step (fixture->wizard), ==, 2);
  /* Tab goes from the list into the open page, not to the footer. */
  key (fixture, XK_Tab);
  g_assert_true (focus_in (fixture, _involve_wizard_get_page_stack (fixture->wizard)));
  g_test_message ("Tab from the list: %s", G_OBJECT_TYPE_NAME (focus (fixture)));
  ctrl_key (fixture, XK_Page_Up);
  ctrl_key (fixture, XK_Page_Up);
  g_assert_cmpuint (involve_wizard_get_step (fixture->wizard), ==, 0);

  /* The title, typed. */
  title = involve_field_editor_get_input (INVOLVE_FIELD_EDITOR (_involve_wizard_get_editor (fixture->wizard, "title")));
  tab_to (fixture, title, FALSE);
  type (fixture, "moving the podiatry clinic");

  /* Ctrl+Page Down works inside a multi-line answer. */
  tab_to (fixture, involve_field_editor_get_input (INVOLVE_FIELD_EDITOR (_involve_wizard_get_editor (fixture->wizard, "step1-explanation"))), FALSE);
  g_assert_true (GTK_IS_TEXT_VIEW (focus (fixture)));
  type (fixture, "we commission it.");
  ctrl_key (fixture, XK_Page_Down);
  g_assert_cmpuint (involve_wizard_get_step (fixture->wizard), ==, 1);
  ctrl_key (fixture, XK_Page_Up);
  g_assert_cmpuint (involve_wizard_get_step (fixture->wizard), ==, 0);

  /* Everything else from the review's problem links: Enter on a problem
   * opens its question, focused and in sight; the keyboard answers it. */
  go_to_review (fixture);
  problems = _involve_wizard_get_problem_list (fixture->wizard);
  for (;;)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (problems), 0);
      const char *field_id;
      const InvolveField *field;

      if (row == NULL || !gtk_widget_get_visible (problems))
        break;
      field_id = g_object_get_data (G_OBJECT (row), "field-id");
      g_assert_nonnull (field_id);
      field = involve_definitions_lookup_field (fixture->definitions, field_id, NULL);
      g_test_message ("fixing %s: %s", field_id, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
      g_assert_cmpuint (++fixed, <, 60);
      tab_to (fixture, GTK_WIDGET (row), TRUE);
      key (fixture, XK_Return);
      gui_test_wait_ms (150);
      g_assert_true (focus_in (fixture, _involve_wizard_get_editor (fixture->wizard, field_id)));
      assert_focus_in_sight (fixture);
      answer_focused (fixture, field);
      go_to_review (fixture);
    }
  g_assert_cmpuint (fixed, >, 10);

  /* Submit. */
  submit = _involve_wizard_get_submit_button (fixture->wizard);
  g_assert_true (gtk_widget_get_sensitive (submit));
  tab_to (fixture, submit, TRUE);
  key (fixture, XK_Return);
  gui_test_wait_ms (500);
  record = involve_store_load_record (fixture->store, involve_record_get_uuid (involve_wizard_get_record (fixture->wizard)), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);
  g_assert_cmpstr (involve_record_get_string (record, "title"), ==, "moving the podiatry clinic");
}

/* The risk table: Add Row, both cells, then the row's buttons, each in
 * the Tab order; Enter on Remove removes the row. */
static void
test_risk_table (Fixture       *fixture,
                 gconstpointer  data)
{
  InvolveFieldEditor *risks;
  GtkWidget *add, *remove;

  if (fixture->xdisplay == NULL)
    {
      g_test_skip ("needs an X11 display with the XTEST extension");
      return;
    }
  ctrl_key (fixture, XK_n);
  gui_test_wait_ms (300);
  type (fixture, "risks");
  /* To Appendix C's step, however many steps the record's form edition has
   * before it (the 2022 edition adds one). */
  risks = INVOLVE_FIELD_EDITOR (_involve_wizard_get_editor (fixture->wizard, "c-risks"));
  for (guint i = 0; i < 12 && !gtk_widget_get_mapped (GTK_WIDGET (risks)); i++)
    {
      ctrl_key (fixture, XK_Page_Down);
      gui_test_wait_ms (50);
    }
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (risks)));
  add = involve_field_editor_get_add_row_button (risks);
  tab_to (fixture, add, FALSE);
  key (fixture, XK_Return);
  gui_test_wait_ms (100);
  g_assert_true (focus (fixture) == involve_field_editor_get_table_cell (risks, 0, 0));
  type (fixture, "low turnout");
  key (fixture, XK_Tab);
  g_assert_true (focus (fixture) == involve_field_editor_get_table_cell (risks, 0, 1));
  type (fixture, "extra sessions");
  key (fixture, XK_Tab);
  remove = involve_field_editor_get_table_row_button (risks, 0, "remove");
  g_test_message ("Tab from the last cell: %s (add row: %d)", focus (fixture) ? G_OBJECT_TYPE_NAME (focus (fixture)) : "nothing", focus (fixture) == add);
  g_assert_true (focus (fixture) == remove);
  assert_focus_in_sight (fixture);
  key (fixture, XK_Return);
  gui_test_wait_ms (400);
  g_assert_null (involve_field_editor_get_table_cell (risks, 0, 0));
}

/* Submit clicked with the pointer (a real button press and release): the
 * pages are rebuilt without a Gtk-CRITICAL (fatal in the GUI tests). */
static void
test_submit_by_pointer (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(InvolveRecord) submitted = NULL;
  GtkWidget *submit;
  graphene_point_t point;
  Window child;
  double sx, sy;
  int x, y;

  if (fixture->xdisplay == NULL)
    {
      g_test_skip ("needs an X11 display with the XTEST extension");
      return;
    }
  record = involve_store_create_record (fixture->store, "icb-14z45", &error);
  g_assert_no_error (error);
  fill_record (fixture->store, record, "Relocating the podiatry clinic");
  g_assert_true (involve_window_open_record (fixture->window, involve_record_get_uuid (record)));
  involve_wizard_set_step (fixture->wizard, involve_wizard_get_n_steps (fixture->wizard) - 1);
  gui_test_wait_ms (400);
  submit = _involve_wizard_get_submit_button (fixture->wizard);
  g_assert_true (gtk_widget_get_sensitive (submit));
  /* In sight on a 600-pixel screen: the focused widget is scrolled to. */
  gtk_widget_grab_focus (submit);
  gui_test_wait_ms (300);

  /* The button's middle, on the screen. */
  g_assert_true (gtk_widget_compute_point (submit, GTK_WIDGET (fixture->window),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (submit) / 2.0,
                                                                 gtk_widget_get_height (submit) / 2.0),
                                           &point));
  /* The surface has the window's shadow around it. */
  gtk_native_get_surface_transform (GTK_NATIVE (fixture->window), &sx, &sy);
  XTranslateCoordinates (fixture->xdisplay,
                         gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (fixture->window))),
                         DefaultRootWindow (fixture->xdisplay), (int) (point.x + sx), (int) (point.y + sy),
                         &x, &y, &child);
  g_test_message ("Submit at %d,%d on the screen", x, y);
  XTestFakeMotionEvent (fixture->xdisplay, -1, x, y, CurrentTime);
  XFlush (fixture->xdisplay);
  gui_test_wait_ms (200);
  XTestFakeButtonEvent (fixture->xdisplay, 1, True, CurrentTime);
  XFlush (fixture->xdisplay);
  gui_test_wait_ms (80);
  XTestFakeButtonEvent (fixture->xdisplay, 1, False, CurrentTime);
  XFlush (fixture->xdisplay);
  gui_test_wait_ms (600);

  submitted = involve_store_load_record (fixture->store, involve_record_get_uuid (record), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (involve_record_get_status (submitted), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);
  g_assert_cmpint (involve_record_get_status (involve_wizard_get_record (fixture->wizard)), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/gui/keyboard/new-to-submitted", Fixture, NULL, fixture_set_up, test_new_to_submitted, fixture_tear_down);
  g_test_add ("/gui/keyboard/submit-by-pointer", Fixture, NULL, fixture_set_up, test_submit_by_pointer, fixture_tear_down);
  g_test_add ("/gui/keyboard/risk-table", Fixture, NULL, fixture_set_up, test_risk_table, fixture_tear_down);
  return g_test_run ();
}
