/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The signing key in the GUI: made from Preferences, unlocked with a wrong
 * then the right passphrase when an act needs it, cancelled without harm,
 * and asked for by the wizard before it submits.
 *
 * With INVOLVE_SCREENSHOT_DIR set, saves PNGs of the dialogs.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "common-test-util.h"
#include "gui-test-util.h"
#include "involve-identity.h"
#include "involve-key-dialog.h"
#include "involve-preferences-window.h"
#include "involve-settings.h"
#include "involve-store.h"
#include "involve-unlock-dialog.h"

typedef struct
{
  char               *dir;
  InvolveStore       *store;
  InvolveDefinitions *definitions;
  GSettings          *settings;
  char               *key_path;
} Fixture;

static void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_is_visible (button));
  g_signal_emit_by_name (button, "clicked");
  gui_test_wait_ms (60);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("involve-gui-keys-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "register.sqlite", NULL);
  fixture->store = involve_store_open (path, &error);
  g_assert_no_error (error);
  fixture->definitions = g_object_ref (involve_definitions_get_default (&error));
  g_assert_no_error (error);
  fixture->settings = involve_settings_new (&error);
  g_assert_no_error (error);
  g_settings_set_string (fixture->settings, "profile-name", "Alex Officer");
  g_settings_set_string (fixture->settings, "profile-email", "alex.officer@example.org");
  g_settings_set_string (fixture->settings, "profile-organisation-name", "Example Integrated Care Board");
  fixture->key_path = involve_identity_dup_default_path ();
  g_assert_true (g_str_has_prefix (fixture->key_path, g_get_user_data_dir ()));
  g_remove (fixture->key_path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->definitions);
  g_clear_object (&fixture->settings);
  g_remove (fixture->key_path);
  g_free (fixture->key_path);
  test_util_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static void
save_key (Fixture    *fixture,
          const char *passphrase)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveIdentity) identity =
    involve_identity_generate ("Alex Officer", "alex.officer@example.org", NULL, INVOLVE_KEY_ECDSA_P256, 10, &error);

  g_assert_no_error (error);
  g_assert_true (involve_identity_save (identity, fixture->key_path, passphrase, &error));
}

static void
test_create_from_preferences (Fixture       *fixture,
                              gconstpointer  data)
{
  GtkWidget *preferences;
  GtkWidget *create;
  InvolveKeyDialog *dialog;
  GtkWidget *ok, *hint, *key_row;
  g_autoptr(InvolveCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *exported = g_build_filename (fixture->dir, "alex.pem", NULL);
  GStatBuf st;

  preferences = involve_preferences_window_new (NULL, fixture->settings, fixture->definitions,
                                                "/tmp/register.sqlite");
  involve_preferences_window_set_store (INVOLVE_PREFERENCES_WINDOW (preferences), fixture->store);
  gtk_window_set_default_size (GTK_WINDOW (preferences), 560, 760);
  gtk_window_present (GTK_WINDOW (preferences));
  gui_test_wait_ms (300);
  gui_test_check_a11y (preferences, "preferences without a key");

  key_row = gui_test_find_row (preferences, ADW_TYPE_ACTION_ROW, "No signing key yet");
  g_assert_nonnull (key_row);
  g_assert_false (gtk_widget_get_sensitive (gui_test_find_button (preferences, "E_xport Certificate…")));

  create = gui_test_find_button (preferences, "C_reate Key…");
  g_assert_nonnull (create);
  click (create);
  dialog = INVOLVE_KEY_DIALOG (gui_test_find_toplevel (INVOLVE_TYPE_KEY_DIALOG));
  g_assert_nonnull (dialog);
  ok = _involve_key_dialog_get_ok_button (dialog);
  hint = _involve_key_dialog_get_row (dialog, "hint");

  /* Filled from the profile. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (_involve_key_dialog_get_row (dialog, "name"))), ==,
                   "Alex Officer");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (_involve_key_dialog_get_row (dialog, "email"))), ==,
                   "alex.officer@example.org");
  g_assert_false (gtk_widget_get_sensitive (ok));
  gui_test_check_a11y (GTK_WIDGET (dialog), "create key dialog");

  /* Too short; then different; then right. */
  gtk_editable_set_text (GTK_EDITABLE (_involve_key_dialog_get_row (dialog, "passphrase")), "short");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (hint)), "Too short"));
  g_assert_false (gtk_widget_get_sensitive (ok));
  gtk_editable_set_text (GTK_EDITABLE (_involve_key_dialog_get_row (dialog, "passphrase")), "Purple Heron 42 lake");
  gtk_editable_set_text (GTK_EDITABLE (_involve_key_dialog_get_row (dialog, "confirm")), "Purple Heron 42 laka");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (hint)), "differ"));
  g_assert_false (gtk_widget_get_sensitive (ok));
  gtk_editable_set_text (GTK_EDITABLE (_involve_key_dialog_get_row (dialog, "confirm")), "Purple Heron 42 lake");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (hint)), "strong"));
  g_assert_true (gtk_widget_get_sensitive (ok));
  gui_test_screenshot (GTK_WIDGET (dialog), "keys-01-create-dialog.png");

  /* An e-mail address that is not one: refused in the dialog, which stays. */
  gtk_editable_set_text (GTK_EDITABLE (_involve_key_dialog_get_row (dialog, "email")), "alex at example");
  click (ok);
  for (guint i = 0; i < 200 && !gtk_widget_get_visible (_involve_key_dialog_get_error_label (dialog)); i++)
    gui_test_wait_ms (25);
  g_assert_true (gtk_widget_get_visible (_involve_key_dialog_get_error_label (dialog)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (_involve_key_dialog_get_error_label (dialog))),
                            "not an e-mail address"));
  g_assert_false (g_file_test (fixture->key_path, G_FILE_TEST_EXISTS));
  gtk_editable_set_text (GTK_EDITABLE (_involve_key_dialog_get_row (dialog, "email")), "alex.officer@example.org");

  click (ok);
  for (guint i = 0; i < 400 && gui_test_find_toplevel (INVOLVE_TYPE_KEY_DIALOG) != NULL; i++)
    gui_test_wait_ms (25);
  g_assert_null (gui_test_find_toplevel (INVOLVE_TYPE_KEY_DIALOG));

  /* Saved, private, and unlocked on the register for this session. */
  g_assert_cmpint (g_stat (fixture->key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  cert = involve_identity_load_certificate (fixture->key_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (involve_certificate_get_name (cert), ==, "Alex Officer");
  g_assert_cmpstr (involve_certificate_get_organisation (cert), ==, "Example Integrated Care Board");
  g_assert_nonnull (involve_store_get_identity (fixture->store));
  g_assert_true (involve_certificate_equal (cert, involve_identity_get_certificate (involve_store_get_identity (fixture->store))));

  /* The row shows it. */
  key_row = gui_test_find_row (preferences, ADW_TYPE_ACTION_ROW, "Alex Officer <alex.officer@example.org>");
  g_assert_nonnull (key_row);
  g_assert_true (gtk_widget_get_sensitive (gui_test_find_button (preferences, "E_xport Certificate…")));

  /* Opened again, it reads the key file.  (Without the toast just shown,
   * whose close button libadwaita 1.2 leaves unnamed.) */
  {
    GtkWidget *again = involve_preferences_window_new (NULL, fixture->settings, fixture->definitions,
                                                       "/tmp/register.sqlite");
    g_autofree char *shortfp = involve_certificate_dup_short_fingerprint (cert);

    gtk_window_set_default_size (GTK_WINDOW (again), 560, 760);
    gtk_window_present (GTK_WINDOW (again));
    gui_test_wait_ms (300);
    key_row = gui_test_find_row (again, ADW_TYPE_ACTION_ROW, "Alex Officer <alex.officer@example.org>");
    g_assert_nonnull (key_row);
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (key_row)), shortfp));
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (key_row)), "ECDSA P-256"));
    gui_test_check_a11y (again, "preferences with a key");
    gui_test_screenshot (again, "keys-02-preferences.png");
    gtk_window_destroy (GTK_WINDOW (again));
  }

  /* The certificate for the trust list. */
  g_assert_true (_involve_preferences_window_export_certificate (INVOLVE_PREFERENCES_WINDOW (preferences),
                                                                 exported, &error));
  g_assert_no_error (error);
  {
    g_autoptr(InvolveCertificate) again = involve_certificate_new_from_file (exported, &error);

    g_assert_no_error (error);
    g_assert_true (involve_certificate_equal (again, cert));
  }

  /* Creating another key keeps the first one, set aside. */
  click (create);
  dialog = INVOLVE_KEY_DIALOG (gui_test_find_toplevel (INVOLVE_TYPE_KEY_DIALOG));
  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (_involve_key_dialog_get_row (dialog, "passphrase")), "another passphrase");
  gtk_editable_set_text (GTK_EDITABLE (_involve_key_dialog_get_row (dialog, "confirm")), "another passphrase");
  click (_involve_key_dialog_get_ok_button (dialog));
  for (guint i = 0; i < 400 && gui_test_find_toplevel (INVOLVE_TYPE_KEY_DIALOG) != NULL; i++)
    gui_test_wait_ms (25);
  {
    g_autofree char *dir = g_path_get_dirname (fixture->key_path);
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    guint kept = 0;

    while ((name = g_dir_read_name (d)) != NULL)
      if (g_str_has_prefix (name, "identity.pem.replaced-"))
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_autoptr(InvolveCertificate) old = involve_identity_load_certificate (path, &error);

          g_assert_no_error (error);
          g_assert_true (involve_certificate_equal (old, cert));
          g_remove (path);
          kept++;
        }
    g_assert_cmpuint (kept, ==, 1);
  }
  gtk_window_destroy (GTK_WINDOW (preferences));
}

typedef struct
{
  gboolean         done;
  InvolveIdentity *identity;
  GError          *error;
} Result;

static void
unlocked_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Result *r = data;

  r->identity = involve_unlock_identity_finish (result, &r->error);
  r->done = TRUE;
}

static void
test_unlock_wrong_then_right (Fixture       *fixture,
                              gconstpointer  data)
{
  Result r = { 0 };
  InvolveUnlockDialog *dialog;
  GtkWidget *row, *error_label;
  g_autoptr(InvolveCertificate) cert = NULL;

  save_key (fixture, "the right one");
  cert = involve_identity_load_certificate (fixture->key_path, NULL);
  g_assert_null (involve_store_get_identity (fixture->store));

  involve_unlock_identity_async (NULL, fixture->store, fixture->settings, "Signing off INV-2026-0001 is signed with your key.",
                                 NULL, unlocked_cb, &r);
  gui_test_wait_ms (200);
  g_assert_false (r.done);
  dialog = INVOLVE_UNLOCK_DIALOG (gui_test_find_toplevel (INVOLVE_TYPE_UNLOCK_DIALOG));
  g_assert_nonnull (dialog);
  row = _involve_unlock_dialog_get_passphrase_row (dialog);
  error_label = _involve_unlock_dialog_get_error_label (dialog);
  g_assert_false (gtk_widget_get_visible (error_label));
  gui_test_check_a11y (GTK_WIDGET (dialog), "unlock dialog");
  /* Whose key it is, so that nobody types a passphrase into the wrong one. */
  g_assert_nonnull (gui_test_find_row (GTK_WIDGET (dialog), ADW_TYPE_ACTION_ROW,
                                     "Alex Officer <alex.officer@example.org>"));

  /* Nothing typed. */
  click (_involve_unlock_dialog_get_unlock_button (dialog));
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_false (r.done);

  /* Wrong: told so, the dialog stays for another try. */
  gtk_editable_set_text (GTK_EDITABLE (row), "the wrong one");
  g_assert_false (gtk_widget_get_visible (error_label));
  click (_involve_unlock_dialog_get_unlock_button (dialog));
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), ==, "Wrong passphrase. Try again.");
  g_assert_false (r.done);
  g_assert_null (involve_store_get_identity (fixture->store));
  g_assert_true (gui_test_find_toplevel (INVOLVE_TYPE_UNLOCK_DIALOG) == GTK_WIDGET (dialog));
  gui_test_check_a11y (GTK_WIDGET (dialog), "unlock dialog with an error");
  gui_test_screenshot (GTK_WIDGET (dialog), "keys-03-unlock-wrong.png");

  /* Right, with Enter in the row as a keyboard user would. */
  gtk_editable_set_text (GTK_EDITABLE (row), "the right one");
  g_signal_emit_by_name (row, "entry-activated");
  for (guint i = 0; i < 100 && !r.done; i++)
    gui_test_wait_ms (20);
  g_assert_true (r.done);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.identity);
  g_assert_true (involve_certificate_equal (involve_identity_get_certificate (r.identity), cert));
  g_assert_true (involve_store_get_identity (fixture->store) == r.identity);
  g_assert_null (gui_test_find_toplevel (INVOLVE_TYPE_UNLOCK_DIALOG));
  g_clear_object (&r.identity);

  /* Kept for the session: no second question. */
  memset (&r, 0, sizeof r);
  involve_unlock_identity_async (NULL, fixture->store, fixture->settings, NULL, NULL, unlocked_cb, &r);
  gui_test_wait_ms (100);
  g_assert_true (r.done);
  g_assert_nonnull (r.identity);
  g_assert_null (gui_test_find_toplevel (INVOLVE_TYPE_UNLOCK_DIALOG));
  g_clear_object (&r.identity);
}

static void
test_unlock_cancel (Fixture       *fixture,
                    gconstpointer  data)
{
  Result r = { 0 };
  InvolveUnlockDialog *dialog;

  save_key (fixture, "the right one");
  involve_unlock_identity_async (NULL, fixture->store, fixture->settings, NULL, NULL, unlocked_cb, &r);
  gui_test_wait_ms (200);
  dialog = INVOLVE_UNLOCK_DIALOG (gui_test_find_toplevel (INVOLVE_TYPE_UNLOCK_DIALOG));
  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (_involve_unlock_dialog_get_passphrase_row (dialog)), "the right one");
  click (_involve_unlock_dialog_get_cancel_button (dialog));
  gui_test_wait_ms (100);
  g_assert_true (r.done);
  g_assert_null (r.identity);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (involve_store_get_identity (fixture->store));
  g_assert_null (gui_test_find_toplevel (INVOLVE_TYPE_UNLOCK_DIALOG));
  g_clear_error (&r.error);

  /* Closing the window is Cancel too. */
  memset (&r, 0, sizeof r);
  involve_unlock_identity_async (NULL, fixture->store, fixture->settings, NULL, NULL, unlocked_cb, &r);
  gui_test_wait_ms (200);
  dialog = INVOLVE_UNLOCK_DIALOG (gui_test_find_toplevel (INVOLVE_TYPE_UNLOCK_DIALOG));
  g_assert_nonnull (dialog);
  gtk_window_close (GTK_WINDOW (dialog));
  gui_test_wait_ms (100);
  g_assert_true (r.done);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
}

static void
key_made_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Result *r = data;

  r->identity = involve_key_dialog_finish (result, &r->error);
  r->done = TRUE;
}

/* An organisation's PKCS#12 (made here with openssl), under a new passphrase. */
static void
test_import_pkcs12 (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *org_key = g_build_filename (fixture->dir, "org.pem", NULL);
  g_autofree char *p12 = g_build_filename (fixture->dir, "issued.p12", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (p12);
  g_autoptr(InvolveIdentity) issued = NULL;
  g_autoptr(InvolveIdentity) loaded = NULL;
  g_autoptr(GError) error = NULL;
  InvolveKeyDialog *dialog;
  GtkWidget *error_label;
  Result r = { 0 };
  int status = 0;
  const char *argv[] = { "openssl", "pkcs12", "-export", "-in", org_key, "-inkey", org_key, "-passin", "pass:pw",
                         "-passout", "pass:org secret", "-out", p12, NULL };

  issued = involve_identity_generate ("Morgan Issued", "morgan@example.org", "Example ICB", INVOLVE_KEY_RSA_3072,
                                      30, &error);
  g_assert_no_error (error);
  g_assert_true (involve_identity_save (issued, org_key, "pw", &error));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  involve_key_dialog_import_async (NULL, file, fixture->key_path, NULL, key_made_cb, &r);
  gui_test_wait_ms (200);
  dialog = INVOLVE_KEY_DIALOG (gui_test_find_toplevel (INVOLVE_TYPE_KEY_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_false (gtk_widget_is_visible (_involve_key_dialog_get_row (dialog, "name")));
  g_assert_true (gtk_widget_is_visible (_involve_key_dialog_get_row (dialog, "pkcs12")));
  gui_test_check_a11y (GTK_WIDGET (dialog), "import dialog");
  error_label = _involve_key_dialog_get_error_label (dialog);

  gtk_editable_set_text (GTK_EDITABLE (_involve_key_dialog_get_row (dialog, "pkcs12")), "a guess");
  gtk_editable_set_text (GTK_EDITABLE (_involve_key_dialog_get_row (dialog, "passphrase")), "my own passphrase");
  gtk_editable_set_text (GTK_EDITABLE (_involve_key_dialog_get_row (dialog, "confirm")), "my own passphrase");
  click (_involve_key_dialog_get_ok_button (dialog));
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), ==, "Wrong password for the PKCS#12 file. Try again.");
  g_assert_false (r.done);
  g_assert_false (g_file_test (fixture->key_path, G_FILE_TEST_EXISTS));
  gui_test_screenshot (GTK_WIDGET (dialog), "keys-04-import-wrong.png");

  gtk_editable_set_text (GTK_EDITABLE (_involve_key_dialog_get_row (dialog, "pkcs12")), "org secret");
  click (_involve_key_dialog_get_ok_button (dialog));
  for (guint i = 0; i < 100 && !r.done; i++)
    gui_test_wait_ms (20);
  g_assert_true (r.done);
  g_assert_no_error (r.error);
  g_assert_true (involve_certificate_equal (involve_identity_get_certificate (r.identity),
                                            involve_identity_get_certificate (issued)));
  loaded = involve_identity_load (fixture->key_path, "my own passphrase", &error);
  g_assert_no_error (error);
  g_assert_true (involve_certificate_equal (involve_identity_get_certificate (loaded),
                                            involve_identity_get_certificate (issued)));
  g_clear_object (&r.identity);
}

/* No key yet: the act offers to make one, then goes on with it. */
static void
test_unlock_without_key (Fixture       *fixture,
                         gconstpointer  data)
{
  Result r = { 0 };
  GtkWidget *message;
  InvolveKeyDialog *dialog;

  involve_unlock_identity_async (NULL, fixture->store, fixture->settings, NULL, NULL, unlocked_cb, &r);
  gui_test_wait_ms (200);
  message = gui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (message);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (message)), ==, "No Signing Key");
  gui_test_check_a11y (message, "no key message");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (message), "create");
  gtk_window_destroy (GTK_WINDOW (message));
  gui_test_wait_ms (100);
  dialog = INVOLVE_KEY_DIALOG (gui_test_find_toplevel (INVOLVE_TYPE_KEY_DIALOG));
  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (_involve_key_dialog_get_row (dialog, "passphrase")), "a long passphrase");
  gtk_editable_set_text (GTK_EDITABLE (_involve_key_dialog_get_row (dialog, "confirm")), "a long passphrase");
  click (_involve_key_dialog_get_ok_button (dialog));
  for (guint i = 0; i < 400 && !r.done; i++)
    gui_test_wait_ms (25);
  g_assert_true (r.done);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.identity);
  g_assert_true (involve_store_get_identity (fixture->store) == r.identity);
  g_assert_true (g_file_test (fixture->key_path, G_FILE_TEST_EXISTS));
  g_clear_object (&r.identity);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = test_util_isolate_user_dirs ();
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/gui/keys/create-from-preferences", Fixture, NULL, fixture_set_up, test_create_from_preferences,
              fixture_tear_down);
  g_test_add ("/gui/keys/unlock-wrong-then-right", Fixture, NULL, fixture_set_up, test_unlock_wrong_then_right,
              fixture_tear_down);
  g_test_add ("/gui/keys/import-pkcs12", Fixture, NULL, fixture_set_up, test_import_pkcs12, fixture_tear_down);
  g_test_add ("/gui/keys/unlock-cancel", Fixture, NULL, fixture_set_up, test_unlock_cancel, fixture_tear_down);
  g_test_add ("/gui/keys/unlock-without-key", Fixture, NULL, fixture_set_up, test_unlock_without_key,
              fixture_tear_down);

  ret = g_test_run ();
  test_util_remove_tree (home);
  return ret;
}
