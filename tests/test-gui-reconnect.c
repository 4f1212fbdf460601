/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The window on a team register whose connection goes away while the
 * person types: the save error says so where save errors are shown, the
 * typing stays on screen, and once the server lets the person in again
 * the next save writes it.
 *
 * With INVOLVE_SCREENSHOT_DIR set, saves a PNG of what it shows.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "common-test-util.h"
#include "gui-test-util.h"
#include "identity-test-util.h"
#include "involve-db.h"
#include "involve-field-editor.h"
#include "involve-settings.h"
#include "involve-store-private.h"
#include "involve-window-private.h"
#include "involve-wizard-private.h"
#include "pg-test-util.h"
#include "server-store-test-util.h"

static gint64
admin_int (InvolveDb  *admin,
           const char *sql)
{
  g_autoptr(InvolveDbStmt) stmt = NULL;

  g_assert_cmpint (involve_db_prepare (admin, sql, FALSE, &stmt), ==, SQLITE_OK);
  g_assert_cmpint (involve_db_step (stmt), ==, SQLITE_ROW);
  return involve_db_column_int64 (stmt, 0);
}

static void
set_typed_text (InvolveWizard *wizard,
                const char    *field_id,
                const char    *text)
{
  GtkWidget *input = involve_field_editor_get_input (INVOLVE_FIELD_EDITOR (_involve_wizard_get_editor (wizard, field_id)));

  g_assert_true (GTK_IS_TEXT_VIEW (input));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (input)), text, -1);
}

static char *
dup_typed_text (InvolveWizard *wizard,
                const char    *field_id)
{
  GtkWidget *input = involve_field_editor_get_input (INVOLVE_FIELD_EDITOR (_involve_wizard_get_editor (wizard, field_id)));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (input));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
test_lost_while_typing (void)
{
  g_autoptr(PgTestRegister) reg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveDefinitions) definitions = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(InvolveRecord) stored = NULL;
  g_autofree char *officer = NULL;
  g_autofree char *admin_conninfo = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *shown = NULL;
  InvolveDb *admin;
  InvolveWindow *window;
  InvolveWizard *wizard;
  GtkWidget *error_revealer, *error_label, *saved_label;

  if (!pg_test_available ())
    return;
  reg = pg_test_register_new_with_person ("gui_reconnect", "officer", INVOLVE_PG_ROLE_OFFICER, &officer);
  admin_conninfo = pg_test_register_conninfo (reg, NULL);
  admin = involve_db_connect_postgresql (admin_conninfo, &error);
  g_assert_no_error (error);
  store = server_store_open (reg, officer, "officer");
  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_set_value (store, record, "title", g_variant_new_string ("Clinic move"), &error));
  g_assert_no_error (error);

  definitions = g_object_ref (involve_definitions_get_default (&error));
  g_assert_no_error (error);
  settings = involve_settings_new (&error);
  g_assert_no_error (error);
  g_settings_set_string (settings, "profile-name", "Officer");
  g_settings_set_int (settings, "window-width", 1200);
  g_settings_set_int (settings, "window-height", 700);

  window = involve_window_new (NULL, store, definitions, settings);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  gui_test_wait_ms (200);
  wizard = _involve_window_get_wizard (window);
  error_revealer = _involve_wizard_get_error_revealer (wizard);
  error_label = _involve_wizard_get_error_label (wizard);
  saved_label = _involve_wizard_get_saved_label (wizard);
  g_assert_true (involve_window_open_record (window, involve_record_get_uuid (record)));
  gui_test_wait_ms (100);

  /* The server goes, and will not let the officer back in for now. */
  sql = g_strdup_printf ("ALTER ROLE %s NOLOGIN", officer);
  pg_test_register_exec (reg, sql);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT pg_terminate_backend (%d)::int", involve_store_server_get_backend_pid (store));
  g_assert_cmpint (admin_int (admin, sql), ==, 1);
  gui_test_wait_ms (200);

  set_typed_text (wizard, "step1-explanation", "Moving the clinic to the health centre on Station Road.");
  g_assert_false (involve_wizard_flush (wizard));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (error_revealer)));
  g_test_message ("%s", gtk_label_get_text (GTK_LABEL (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "Your last change could not be saved"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "connection to the team register was lost"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (saved_label)), ==, "Not saved");
  shown = dup_typed_text (wizard, "step1-explanation");
  g_assert_cmpstr (shown, ==, "Moving the clinic to the health centre on Station Road.");
  gui_test_check_a11y (GTK_WIDGET (window), "connection lost");
  gui_test_screenshot (GTK_WIDGET (window), "team-register-connection-lost.png");

  /* Back: the next save connects again and writes what is on screen. */
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("ALTER ROLE %s LOGIN", officer);
  pg_test_register_exec (reg, sql);
  set_typed_text (wizard, "step1-explanation", "Moving the clinic to the health centre on Station Road, in May.");
  g_assert_true (involve_wizard_flush (wizard));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (saved_label)), ==, "Saved");
  stored = involve_store_load_record (store, involve_record_get_uuid (record), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (involve_record_get_string (stored, "step1-explanation"), ==,
                   "Moving the clinic to the health centre on Station Road, in May.");
  g_assert_true (involve_store_verify (store, NULL, &error));
  g_assert_no_error (error);

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  gui_test_wait_ms (50);
  involve_db_close (admin);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = test_util_isolate_user_dirs ();
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/gui/reconnect/lost-while-typing", test_lost_while_typing);
  ret = g_test_run ();
  test_util_remove_tree (home);
  return ret;
}
