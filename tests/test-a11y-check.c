/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "a11y-check.h"

/* The checker must pass good widgets and catch each kind of bad one, or the
 * GUI tests that use it prove nothing. */

static GtkWidget *
labelled_entry (const char *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new_with_mnemonic (text);
  GtkWidget *entry = gtk_entry_new ();

  gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), entry);
  return box;
}

static GtkWidget *
show_in_window (GtkWidget *child)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return window;
}

static void
test_a11y_check_good (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *row, *sw, *icon_button, *window;
  g_autoptr(GString) problems = g_string_new (NULL);

  gtk_box_append (GTK_BOX (box), gtk_button_new_with_mnemonic ("_New assessment"));
  gtk_box_append (GTK_BOX (box), labelled_entry ("_Title"));
  gtk_box_append (GTK_BOX (box), gtk_check_button_new_with_label ("Planning"));

  icon_button = gtk_button_new_from_icon_name ("list-add-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Add a risk", -1);
  gtk_box_append (GTK_BOX (box), icon_button);

  row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), "Your name");
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), "Urgent");
  sw = gtk_switch_new ();
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  gtk_box_append (GTK_BOX (box), list);

  /* Hidden and insensitive widgets are not checked. */
  {
    GtkWidget *hidden = gtk_entry_new ();
    GtkWidget *off = gtk_entry_new ();

    gtk_widget_set_visible (hidden, FALSE);
    gtk_widget_set_sensitive (off, FALSE);
    gtk_box_append (GTK_BOX (box), hidden);
    gtk_box_append (GTK_BOX (box), off);
  }

  window = show_in_window (box);
  g_assert_cmpuint (involve_test_check_accessibility (window, problems), ==, 0);
  g_assert_cmpstr (problems->str, ==, "");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_a11y_check_bad (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *unfocusable = gtk_button_new_with_label ("Sign off");
  GtkWidget *window;
  g_autoptr(GString) problems = g_string_new (NULL);
  const char *names[] = { "a", "b", NULL };
  guint n;

  gtk_box_append (GTK_BOX (box), gtk_entry_new ());                                /* no name */
  gtk_box_append (GTK_BOX (box), gtk_button_new_from_icon_name ("list-add-symbolic")); /* icon only */
  gtk_box_append (GTK_BOX (box), gtk_text_view_new ());                            /* no name */
  gtk_box_append (GTK_BOX (box), gtk_drop_down_new_from_strings (names));          /* no name */
  gtk_widget_set_focusable (unfocusable, FALSE);                                   /* no keyboard */
  gtk_box_append (GTK_BOX (box), unfocusable);

  window = show_in_window (box);
  n = involve_test_check_accessibility (window, problems);
  g_test_message ("%s", problems->str);
  g_assert_cmpuint (n, ==, 5);
  g_assert_nonnull (strstr (problems->str, "GtkEntry has no accessible name"));
  g_assert_nonnull (strstr (problems->str, "GtkButton has no accessible name"));
  g_assert_nonnull (strstr (problems->str, "GtkTextView has no accessible name"));
  g_assert_nonnull (strstr (problems->str, "GtkDropDown has no accessible name"));
  g_assert_nonnull (strstr (problems->str, "GtkButton cannot be reached with the keyboard"));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run, as tools/run-tests does)\n");
      return 0;
    }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/a11y-check/good-widgets-pass", test_a11y_check_good);
  g_test_add_func ("/a11y-check/bad-widgets-are-caught", test_a11y_check_bad);

  return g_test_run ();
}
