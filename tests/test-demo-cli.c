/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "cli-test-util.h"
#include "common-test-util.h"

#include "involve-demo.h"
#include "involve-store.h"
#include "store-engine-test-util.h"

/*
 * involve-cli demo, end to end: the register it fills holds records in
 * every state under every framework, each taken there through the store's
 * life cycle, and the audit chain verifies.  With
 * INVOLVE_TEST_ENGINE=postgresql into a team register, run (as it must
 * be there) by a superuser.
 */

/* The fixture: a temporary folder and a register path in it. */
typedef TestDir Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  test_dir_init (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  test_dir_clear (fixture);
}

/* Runs involve-cli --database LOCATION demo ARGS...; returns the exit
 * status.  @location: the register (a path, or a team register's
 * connection string). */
static int
run_demo_at (const char  *location,
             char       **out,
             char       **err,
             va_list      ap)
{
  g_auto(CliRun) run = { 0 };
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  g_ptr_array_add (args, (char *) "--database");
  g_ptr_array_add (args, (char *) location);
  g_ptr_array_add (args, (char *) "demo");
  for (const char *arg = va_arg (ap, const char *); arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  g_ptr_array_add (args, NULL);

  cli_test_run_argv (&run, (const char * const *) args->pdata);
  g_test_message ("demo -> %d\n%s%s", run.status, run.out, run.err);
  if (out != NULL)
    *out = g_steal_pointer (&run.out);
  if (err != NULL)
    *err = g_steal_pointer (&run.err);
  return run.status;
}

/* The demo into the register at @path (on a server, as its superuser). */
static int
run_demo (const char  *path,
          char       **out,
          char       **err,
          ...)
{
  va_list ap;
  int status;

  va_start (ap, err);
  status = run_demo_at (store_test_location (path), out, err, ap);
  va_end (ap);
  return status;
}

static InvolveStore *
open_register (const char *path)
{
  g_autoptr(GError) error = NULL;
  InvolveStore *store = involve_store_open (store_test_location (path), &error);

  g_assert_no_error (error);
  return store;
}

/* The register verifies: the chain holds and signed versions match. */
static void
assert_verifies (InvolveStore *store)
{
  g_autoptr(GError) error = NULL;
  gint64 broken = -1;

  involve_store_verify (store, &broken, &error);
  g_assert_no_error (error);
  g_assert_cmpint (broken, ==, 0);
}

static guint
count_records (InvolveStore *store)
{
  g_autoptr(GError) error = NULL;
  InvolveStoreQuery query;
  guint count = 0;

  involve_store_query_init (&query);
  g_assert_true (involve_store_count (store, &query, &count, &error));
  g_assert_no_error (error);
  return count;
}

static int
framework_index (const char *framework_id)
{
  const char *ids[] = { "icb-14z45", "ccg-14z2", "nhse-13q" };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    if (g_str_equal (ids[i], framework_id))
      return i;
  g_assert_not_reached ();
}

static void
test_demo_cli_fills_register (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(GPtrArray) plans = involve_demo_build_plans ();
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GHashTable) kinds = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean seen[3][INVOLVE_DEMO_N_ENDS] = { { 0 } };
  InvolveStoreQuery query;
  int status;

  status = run_demo (fixture->path, &out, &err, NULL);
  g_test_message ("%s%s", out, err);
  g_assert_cmpint (status, ==, 0);

  store = open_register (fixture->path);

  involve_store_query_init (&query);
  query.sort = INVOLVE_STORE_SORT_REFERENCE;
  summaries = involve_store_list (store, &query, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summaries->len, ==, plans->len);

  /* References are handed out in creation order, which is the plans' order. */
  for (guint i = 0; i < summaries->len; i++)
    {
      const InvolveRecordSummary *summary = g_ptr_array_index (summaries, i);
      const InvolveDemoPlan *plan = g_ptr_array_index (plans, i);
      g_autoptr(GPtrArray) versions = involve_store_list_versions (store, summary->uuid, &error);
      g_autoptr(InvolveRecord) record = involve_store_load_record (store, summary->uuid, 0, &error);
      const InvolveVersionInfo *v1, *last;
      InvolveStatus expected = INVOLVE_STATUS_DRAFT;
      guint expected_versions = 1;

      g_assert_no_error (error);
      g_assert_cmpstr (summary->framework_id, ==, plan->framework_id);
      /* The register derives the same outcome with the engine. */
      g_assert_cmpstr (summary->outcome, ==, plan->expected_outcome);
      seen[framework_index (summary->framework_id)][plan->end] = TRUE;

      switch (plan->end)
        {
        case INVOLVE_DEMO_END_DRAFT:             expected = INVOLVE_STATUS_DRAFT; break;
        case INVOLVE_DEMO_END_AWAITING_SIGN_OFF: expected = INVOLVE_STATUS_AWAITING_SIGN_OFF; break;
        case INVOLVE_DEMO_END_RETURNED:          expected = INVOLVE_STATUS_RETURNED; break;
        case INVOLVE_DEMO_END_SIGNED_OFF:        expected = INVOLVE_STATUS_SIGNED_OFF; break;
        case INVOLVE_DEMO_END_AMENDED:           expected = INVOLVE_STATUS_DRAFT; expected_versions = 2; break;
        case INVOLVE_DEMO_END_SUPERSEDED:        expected = INVOLVE_STATUS_SIGNED_OFF; expected_versions = 2; break;
        case INVOLVE_DEMO_END_WITHDRAWN:         expected = INVOLVE_STATUS_WITHDRAWN; break;
        default: g_assert_not_reached ();
        }
      g_assert_cmpint (summary->status, ==, expected);
      g_assert_cmpuint (versions->len, ==, expected_versions);
      v1 = g_ptr_array_index (versions, 0);
      last = g_ptr_array_index (versions, versions->len - 1);

      if (plan->end == INVOLVE_DEMO_END_AMENDED)
        g_assert_cmpint (v1->status, ==, INVOLVE_STATUS_SIGNED_OFF);
      if (plan->end == INVOLVE_DEMO_END_SUPERSEDED)
        g_assert_cmpint (v1->status, ==, INVOLVE_STATUS_SUPERSEDED);
      if (expected_versions == 2)
        {
          g_assert_cmpstr (last->status_reason, ==, plan->amend_reason);
          g_assert_cmpstr (involve_record_get_string (record, plan->amend_field_id), ==, plan->amend_text);
        }
      if (plan->end == INVOLVE_DEMO_END_WITHDRAWN)
        g_assert_cmpstr (last->status_reason, ==, plan->withdraw_reason);
      if (plan->end == INVOLVE_DEMO_END_RETURNED)
        {
          g_assert_nonnull (last->sign_off);
          g_assert_cmpstr (last->sign_off->decision, ==, "returned");
          g_assert_cmpstr (last->sign_off->comments, ==, plan->return_comments);
        }

      /* Every signed version: a reviewer who is not the completer, and a fingerprint. */
      for (guint v = 0; v < versions->len; v++)
        {
          const InvolveVersionInfo *info = g_ptr_array_index (versions, v);

          if (info->status != INVOLVE_STATUS_SIGNED_OFF && info->status != INVOLVE_STATUS_SUPERSEDED)
            continue;
          g_assert_nonnull (info->sign_off);
          g_assert_cmpstr (info->sign_off->decision, ==, "signed-off");
          g_assert_cmpstr (info->sign_off->reviewer_name, !=, plan->completer_name);
          g_assert_nonnull (info->fingerprint);
          g_assert_cmpuint (strlen (info->fingerprint), ==, 64);
        }
    }

  for (guint f = 0; f < 3; f++)
    for (guint e = 0; e < INVOLVE_DEMO_N_ENDS; e++)
      g_assert_true (seen[f][e]);

  /* The audit trail is the real one: every kind of event, and it verifies. */
  audit = involve_store_list_audit (store, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    g_hash_table_add (kinds, ((InvolveAuditEntry *) g_ptr_array_index (audit, i))->kind);
  g_assert_true (g_hash_table_contains (kinds, INVOLVE_AUDIT_CREATE));
  g_assert_true (g_hash_table_contains (kinds, INVOLVE_AUDIT_VALUE));
  g_assert_true (g_hash_table_contains (kinds, INVOLVE_AUDIT_STATUS));
  g_assert_true (g_hash_table_contains (kinds, INVOLVE_AUDIT_SIGN_OFF));
  g_assert_true (g_hash_table_contains (kinds, INVOLVE_AUDIT_RETURN));
  g_assert_true (g_hash_table_contains (kinds, INVOLVE_AUDIT_AMEND));
  /* What followed sign-off, for the involvement window and the report. */
  g_assert_true (g_hash_table_contains (kinds, "involvement"));
  g_assert_cmpuint (audit->len, >, 24 * 40);

  /* On a server, the server wrote who acted: a decision is the demo
   * reviewer's, a record and its values the demo officer's. */
  if (store_test_on_server ())
    {
      const char *name = store_test_server_register (fixture->path)->name;
      g_autofree char *officer = g_strdup_printf ("%s_demo_officer", name);
      g_autofree char *reviewer = g_strdup_printf ("%s_demo_reviewer", name);

      for (guint i = 0; i < audit->len; i++)
        {
          const InvolveAuditEntry *entry = g_ptr_array_index (audit, i);
          gboolean decision = g_str_equal (entry->kind, INVOLVE_AUDIT_SIGN_OFF) ||
                              g_str_equal (entry->kind, INVOLVE_AUDIT_RETURN);

          gboolean writing = g_str_equal (entry->kind, INVOLVE_AUDIT_CREATE) ||
                             g_str_equal (entry->kind, INVOLVE_AUDIT_VALUE);

          if (decision)
            g_assert_cmpstr (entry->account, ==, reviewer);
          else if (writing)
            g_assert_cmpstr (entry->account, ==, officer);
          else
            g_assert_true (g_str_equal (entry->account, officer) || g_str_equal (entry->account, reviewer));
        }
    }

  assert_verifies (store);
}

static void
test_demo_cli_refuses_non_empty (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *err2 = NULL;
  g_autoptr(InvolveStore) store = NULL;
  guint n = involve_demo_get_n_records ();

  g_assert_cmpint (run_demo (fixture->path, NULL, NULL, NULL), ==, 0);

  /* A second run is refused and changes nothing. */
  g_assert_cmpint (run_demo (fixture->path, &out, &err, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "--force"));
  store = open_register (fixture->path);
  g_assert_cmpuint (count_records (store), ==, n);
  g_clear_object (&store);

  /* --force adds them again. */
  g_assert_cmpint (run_demo (fixture->path, &out2, &err2, "--force", NULL), ==, 0);
  store = open_register (fixture->path);
  g_assert_cmpuint (count_records (store), ==, 2 * n);
  assert_verifies (store);
}

static void
test_demo_cli_bad_usage (Fixture       *fixture,
                         gconstpointer  data)
{
  g_assert_cmpint (run_demo (fixture->path, NULL, NULL, "--large", "0", NULL), ==, 2);
  g_assert_cmpint (run_demo (fixture->path, NULL, NULL, "surplus", NULL), ==, 2);
  g_assert_cmpint (run_demo (fixture->path, NULL, NULL, "--no-such-option", NULL), ==, 2);
}

static void
test_demo_cli_large (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = NULL;
  InvolveStoreQuery query;
  guint count = 0;

  /* Fewer on a server, where each act is a round trip (the same code runs). */
  guint n = store_test_on_server () ? 120 : 300;
  g_autofree char *large = g_strdup_printf ("%u", n);

  g_assert_cmpint (run_demo (fixture->path, NULL, NULL, "--large", large, "--seed", "5", NULL), ==, 0);
  store = open_register (fixture->path);
  g_assert_cmpuint (count_records (store), ==, n);

  involve_store_query_init (&query);
  query.status_mask = 1 << INVOLVE_STATUS_SIGNED_OFF;
  g_assert_true (involve_store_count (store, &query, &count, &error));
  g_assert_cmpuint (count, >, n / 6);
  assert_verifies (store);
}

/* On a team register the demo acts as two demo people, which only a
 * superuser may do: anybody else is told so, and nothing is written. */
static void
test_demo_cli_server_needs_superuser (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autofree char *officer = NULL;
  g_autofree char *err = NULL;
  g_autofree char *demo_officer = NULL;

  if (!store_test_on_server ())
    {
      g_test_skip ("about a team register (INVOLVE_TEST_ENGINE=postgresql)");
      return;
    }
  officer = store_test_cli_database (fixture->path, "officer");
  {
    g_auto(CliRun) run = { 0 };

    cli_test_run (&run, "--database", officer, "demo", NULL);
    g_assert_cmpint (run.status, ==, 1);
    err = g_steal_pointer (&run.err);
  }
  g_assert_nonnull (strstr (err, "Only a superuser may act as them"));
  store = open_register (fixture->path);
  g_assert_cmpuint (count_records (store), ==, 0);
  g_clear_object (&store);

  /* Once made, the demo people cannot log in. */
  g_assert_cmpint (run_demo (fixture->path, NULL, NULL, NULL), ==, 0);
  demo_officer = g_strdup_printf ("%s_demo_officer", store_test_server_register (fixture->path)->name);
  {
    g_autofree char *conninfo = pg_test_register_conninfo (store_test_server_register (fixture->path), demo_officer);
    g_auto(CliRun) run = { 0 };

    cli_test_run (&run, "--database", conninfo, "list", NULL);
    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "not permitted to log in"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/demo/cli/fills-register", test_demo_cli_fills_register);
  ADD ("/demo/cli/refuses-non-empty", test_demo_cli_refuses_non_empty);
  ADD ("/demo/cli/bad-usage", test_demo_cli_bad_usage);
  ADD ("/demo/cli/large", test_demo_cli_large);
  ADD ("/demo/cli/server-needs-superuser", test_demo_cli_server_needs_superuser);
#undef ADD

  return g_test_run ();
}
