/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Two people editing one register at once, on a file (two InvolveStore on
 * it) and on a server (two logins): a stale copy of a record never saves
 * over a newer answer to the same question; everything else is saved.
 */
#include "config.h"

#include "common-test-util.h"
#include "involve-store-changes.h"
#include "pg-test-util.h"
#include "store-test-util.h"

typedef struct
{
  TestDir         *dir;
  PgTestRegister  *reg;
  InvolveStore    *first;
  InvolveStore    *second;
  char            *second_account;  /* what the audit trail names the second as */
} Pair;

static gboolean
pair_open (Pair     *pair,
           gboolean  server)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL, *b = NULL;

  memset (pair, 0, sizeof *pair);
  if (server)
    {
      g_autofree char *one = pg_test_unique_login ("officer");
      g_autofree char *two = pg_test_unique_login ("officer");

      if (!pg_test_available ())
        return FALSE;
      pair->reg = pg_test_register_new ("conflict");
      pg_test_register_add_person (pair->reg, one, INVOLVE_PG_ROLE_OFFICER);
      pg_test_register_add_person (pair->reg, two, INVOLVE_PG_ROLE_OFFICER);
      a = pg_test_register_conninfo (pair->reg, one);
      b = pg_test_register_conninfo (pair->reg, two);
      pair->second_account = g_strdup (two);
    }
  else
    {
      pair->dir = test_dir_new ();
      a = g_strdup (pair->dir->path);
      b = g_strdup (pair->dir->path);
    }
  pair->first = open_store (a, &error);
  g_assert_no_error (error);
  pair->second = open_store (b, &error);
  g_assert_no_error (error);
  if (!server)
    {
      involve_store_set_profile_name (pair->first, "Asha");
      involve_store_set_profile_name (pair->second, "Ben");
      pair->second_account = g_strdup (involve_store_get_os_account (pair->second));
    }
  return TRUE;
}

static void
pair_close (Pair *pair)
{
  g_clear_object (&pair->first);
  g_clear_object (&pair->second);
  g_clear_pointer (&pair->reg, pg_test_register_free);
  g_clear_pointer (&pair->dir, test_dir_free);
  g_free (pair->second_account);
}

static InvolveRecord *
load (InvolveStore  *store,
      InvolveRecord *record)
{
  g_autoptr(GError) error = NULL;
  InvolveRecord *loaded = involve_store_load_record (store, involve_record_get_uuid (record), 0, &error);

  g_assert_no_error (error);
  return loaded;
}

static void
save (InvolveStore  *store,
      InvolveRecord *record,
      const char    *field,
      const char    *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (involve_store_set_value (store, record, field, g_variant_new_string (text), &error));
  g_assert_no_error (error);
}

static void
run_conflicts (gboolean server)
{
  Pair pair;
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveRecord) mine = NULL, theirs = NULL, other = NULL, other_theirs = NULL;
  g_autoptr(InvolveRecord) check = NULL;
  g_autoptr(InvolveFieldChange) change = NULL;

  if (!pair_open (&pair, server))
    return;

  mine = involve_store_create_record (pair.first, "icb-14z45", &error);
  g_assert_no_error (error);
  other = involve_store_create_record (pair.first, "icb-14z45", &error);
  g_assert_no_error (error);
  save (pair.first, mine, "title", "Podiatry clinic move");

  /* Both open the records now. */
  theirs = load (pair.second, mine);
  other_theirs = load (pair.second, other);

  /* Different records: both saved. */
  save (pair.first, mine, "step1-explanation", "Moving the clinic to the health centre");
  save (pair.second, other_theirs, "title", "Stroke rehabilitation review");

  /* Same record, different fields: both saved. */
  save (pair.second, theirs, "organisation-name", "Clinic moves two miles");

  /* Same field: the one who saves second with a stale copy is refused. */
  save (pair.second, theirs, "title", "Podiatry clinic relocation");
  g_assert_false (involve_store_set_value (pair.first, mine, "title",
                                           g_variant_new_string ("Podiatry move (my words)"), &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "after you opened the record"));
  if (!server)
    g_assert_nonnull (strstr (error->message, "Ben"));
  else
    g_assert_nonnull (strstr (error->message, pair.second_account));
  g_clear_error (&error);

  /* What the caller shows beside the refused text: their answer, who and when. */
  change = involve_store_dup_field_change (pair.first, involve_record_get_uuid (mine), "title", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (change->field_id, ==, "title");
  g_assert_cmpuint (change->version, ==, 1);
  g_assert_nonnull (change->value);
  g_assert_cmpstr (g_variant_get_string (change->value, NULL), ==, "Podiatry clinic relocation");
  g_assert_cmpstr (change->account, ==, pair.second_account);
  if (!server)
    g_assert_cmpstr (change->profile, ==, "Ben");
  g_assert_cmpint (change->time_usec, >, involve_record_get_value_modified (mine, "title"));
  g_assert_cmpint (change->time_usec, <=, g_get_real_time () + G_USEC_PER_SEC);
  g_clear_pointer (&change, involve_field_change_free);
  /* An answer nobody wrote: no value, nobody, no time. */
  change = involve_store_dup_field_change (pair.first, involve_record_get_uuid (mine), "step2-explanation", &error);
  g_assert_no_error (error);
  g_assert_null (change->value);
  g_assert_null (change->account);
  g_assert_cmpint (change->time_usec, ==, 0);
  g_clear_pointer (&change, involve_field_change_free);
  /* No such record. */
  change = involve_store_dup_field_change (pair.first, "00000000-0000-4000-8000-000000000000", "title", &error);
  g_assert_null (change);
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Nothing lost: their title stays, every other save is there, and the
   * refused text is still in the caller's record to copy. */
  check = load (pair.first, mine);
  g_assert_cmpstr (involve_record_get_string (check, "title"), ==, "Podiatry clinic relocation");
  g_assert_cmpstr (involve_record_get_string (check, "step1-explanation"), ==, "Moving the clinic to the health centre");
  g_assert_cmpstr (involve_record_get_string (check, "organisation-name"), ==, "Clinic moves two miles");
  g_clear_object (&check);
  check = load (pair.first, other);
  g_assert_cmpstr (involve_record_get_string (check, "title"), ==, "Stroke rehabilitation review");

  /* A cleared answer counts as a change too. */
  g_clear_object (&mine);
  mine = load (pair.first, theirs);
  g_assert_true (involve_store_set_value (pair.second, theirs, "organisation-name", NULL, &error));
  g_assert_no_error (error);
  g_assert_false (involve_store_set_value (pair.first, mine, "organisation-name",
                                           g_variant_new_string ("Clinic moves"), &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  change = involve_store_dup_field_change (pair.first, involve_record_get_uuid (mine), "organisation-name", &error);
  g_assert_no_error (error);
  g_assert_null (change->value);
  g_assert_cmpstr (change->account, ==, pair.second_account);
  g_assert_cmpint (change->time_usec, >, 0);
  g_clear_pointer (&change, involve_field_change_free);

  /* Reloaded, the same person saves again, and again (their own newer
   * value is no conflict). */
  g_clear_object (&mine);
  mine = load (pair.first, theirs);
  save (pair.first, mine, "title", "Podiatry move (my words)");
  save (pair.first, mine, "title", "Podiatry move (my final words)");

  g_assert_true (involve_store_verify (pair.first, NULL, &error));
  g_assert_no_error (error);
  pair_close (&pair);
}

static void
test_file (void)
{
  run_conflicts (FALSE);
}

static void
test_server (void)
{
  run_conflicts (TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store-conflict/file", test_file);
  g_test_add_func ("/store-conflict/server", test_server);

  return g_test_run ();
}
