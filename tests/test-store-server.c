/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store on a team register (PostgreSQL): the same register operations
 * as on a file, with people logged in as their own database roles.
 */
#include "config.h"

#include "pg-test-util.h"
#include "store-test-util.h"

static void
test_open_and_edit (void)
{
  g_autoptr(PgTestRegister) reg = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(InvolveRecord) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *officer = pg_test_unique_login ("officer");
  g_autofree char *conninfo = NULL;
  g_autofree char *shown = NULL;

  if (!pg_test_available ())
    return;
  reg = pg_test_register_new ("edit");
  pg_test_register_add_person (reg, officer, INVOLVE_PG_ROLE_OFFICER);
  conninfo = pg_test_register_conninfo (reg, officer);

  store = open_store (conninfo, &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_is_server (store));
  /* The acting person is the login, whatever the client claims. */
  g_assert_cmpstr (involve_store_get_os_account (store), ==, officer);
  involve_store_set_os_account (store, "somebody-else");
  g_assert_cmpstr (involve_store_get_os_account (store), ==, officer);

  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_set_value (store, record, "title", g_variant_new_string ("Podiatry clinic move"), &error));
  g_assert_no_error (error);

  loaded = involve_store_load_record (store, involve_record_get_uuid (record), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (involve_record_get_string (loaded, "title"), ==, "Podiatry clinic move");

  g_assert_true (involve_store_verify (store, NULL, &error));
  g_assert_no_error (error);

  shown = involve_store_dup_display_location (store);
  g_assert_nonnull (strstr (shown, reg->dbname));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store-server/open-and-edit", test_open_and_edit);

  return g_test_run ();
}
