/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store on a team register (PostgreSQL): the same register operations
 * as on a file, with people logged in as their own database roles.
 */
#include "config.h"

#include "involve-store-involvement.h"
#include "involve-store-report.h"
#include "pg-test-util.h"
#include "server-store-test-util.h"
#include "store-test-util.h"

static void
test_open_and_edit (void)
{
  g_autoptr(PgTestRegister) reg = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(InvolveRecord) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *officer = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *shown = NULL;

  if (!pg_test_available ())
    return;
  reg = pg_test_register_new_with_person ("edit", "officer", INVOLVE_PG_ROLE_OFFICER, &officer);
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

  involve_store_verify (store, NULL, &error);
  g_assert_no_error (error);

  shown = involve_store_dup_display_location (store);
  g_assert_nonnull (strstr (shown, reg->dbname));
}

/* Opens @reg as @login, acting with @who's key. */
static InvolveStore *
open_as (PgTestRegister *reg,
         const char     *login,
         const char     *who)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conninfo = pg_test_register_conninfo (reg, login);
  InvolveStore *store = open_store (conninfo, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  act_as (store, who);
  return store;
}

/* Two people on one register, each with a store of their own. */
typedef struct
{
  const char     *label;         /* of the register's name */
  InvolvePgRoles  first_roles;   /* the first acts with the officer's key */
  const char     *second_stem;   /* of the second's login */
  InvolvePgRoles  second_roles;
  const char     *second_key;    /* whose key the second acts with */
} TwoPeopleSetup;

typedef struct
{
  PgTestRegister *reg;           /* NULL: no server, the test skips */
  char           *first_login;
  char           *second_login;
  InvolveStore   *first;
  InvolveStore   *second;
} TwoPeople;

static void
two_people_setup (TwoPeople     *f,
                  gconstpointer  data)
{
  const TwoPeopleSetup *setup = data;

  memset (f, 0, sizeof *f);
  if (!pg_test_available ())
    return;
  f->reg = pg_test_register_new_with_person (setup->label, "officer", setup->first_roles, &f->first_login);
  f->second_login = pg_test_register_new_person (f->reg, setup->second_stem, setup->second_roles);
  f->first = open_as (f->reg, f->first_login, "officer");
  f->second = open_as (f->reg, f->second_login, setup->second_key);
}

static void
two_people_teardown (TwoPeople     *f,
                     gconstpointer  data)
{
  g_clear_object (&f->first);
  g_clear_object (&f->second);
  g_clear_pointer (&f->reg, pg_test_register_free);
  g_free (f->first_login);
  g_free (f->second_login);
}

#define REQUIRE_SERVER(f) G_STMT_START { if ((f)->reg == NULL) return; } G_STMT_END

static const TwoPeopleSetup officer_and_reviewer = {
  "two", INVOLVE_PG_ROLE_OFFICER | INVOLVE_PG_ROLE_ADMIN, "reviewer", INVOLVE_PG_ROLE_REVIEWER, "reviewer"
};
static const TwoPeopleSetup officer_with_reviewer_key = {
  "officer", INVOLVE_PG_ROLE_OFFICER | INVOLVE_PG_ROLE_ADMIN, "other", INVOLVE_PG_ROLE_OFFICER, "reviewer"
};
static const TwoPeopleSetup two_officers = {
  "follow", INVOLVE_PG_ROLE_OFFICER, "officer", INVOLVE_PG_ROLE_OFFICER, "other"
};

static guint
count_matching (InvolveStore *store,
                const char   *text,
                guint         status_mask)
{
  g_autoptr(GError) error = NULL;
  InvolveStoreQuery query;
  guint count = 0;

  involve_store_query_init (&query);
  query.text = text;
  query.status_mask = status_mask;
  g_assert_true (involve_store_count (store, &query, &count, &error));
  g_assert_no_error (error);
  return count;
}

static void
test_search (void)
{
  g_autoptr(PgTestRegister) reg = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) first = NULL;
  g_autoptr(InvolveRecord) second = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *officer = NULL;
  g_auto(GStrv) organisations = NULL;
  InvolveStoreQuery query;
  guint total = 0;

  if (!pg_test_available ())
    return;
  reg = pg_test_register_new_with_person ("search", "officer", INVOLVE_PG_ROLE_OFFICER, &officer);
  store = open_as (reg, officer, "officer");

  first = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_no_error (error);
  set_string (store, first, "title", "Hôpital de jour: podiatry move");
  set_string (store, first, "organisation-name", "Northshire ICB");
  second = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_no_error (error);
  set_string (store, second, "title", "Dermatology waiting list");
  set_string (store, second, "organisation-name", "Southshire ICB");

  /* Accents and case as on a file: "hopital" finds "Hôpital", prefixes match. */
  g_assert_cmpuint (count_matching (store, "hopital", 0), ==, 1);
  g_assert_cmpuint (count_matching (store, "HÔPITAL", 0), ==, 1);
  g_assert_cmpuint (count_matching (store, "podia", 0), ==, 1);
  g_assert_cmpuint (count_matching (store, "dermatology wait", 0), ==, 1);
  g_assert_cmpuint (count_matching (store, "nothing-like-this", 0), ==, 0);
  /* Words a query language would take as operators are plain words. */
  g_assert_cmpuint (count_matching (store, "move OR \"list", 0), ==, 0);
  g_assert_cmpuint (count_matching (store, "'; DROP TABLE records; --", 0), ==, 0);
  g_assert_cmpuint (count_matching (store, NULL, 0), ==, 2);
  g_assert_cmpuint (count_matching (store, NULL, 1u << INVOLVE_STATUS_DRAFT), ==, 2);
  g_assert_cmpuint (count_matching (store, NULL, 1u << INVOLVE_STATUS_SIGNED_OFF), ==, 0);

  involve_store_query_init (&query);
  query.sort = INVOLVE_STORE_SORT_TITLE;
  query.limit = 1;
  listed = involve_store_list (store, &query, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 2);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (((InvolveRecordSummary *) listed->pdata[0])->uuid, ==, involve_record_get_uuid (second));
  g_clear_pointer (&listed, g_ptr_array_unref);

  query.organisation = "Northshire ICB";
  query.limit = 0;
  listed = involve_store_list (store, &query, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (((InvolveRecordSummary *) listed->pdata[0])->uuid, ==, involve_record_get_uuid (first));

  organisations = involve_store_dup_organisations (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (organisations), ==, 2);
  g_assert_cmpstr (organisations[0], ==, "Northshire ICB");
}

static InvolveStatus
status_of (InvolveStore *store,
           const char   *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveRecord) record = involve_store_load_record (store, uuid, 0, &error);

  g_assert_no_error (error);
  return involve_record_get_status (record);
}

static char *
submitted_record (InvolveStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(InvolveRecord) record = involve_store_create_record (store, "icb-14z45", &error);

  g_assert_no_error (error);
  fill_record (store, record, "Podiatry clinic move");
  g_assert_true (involve_store_submit (store, involve_record_get_uuid (record), &problems, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status_of (store, involve_record_get_uuid (record)), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);
  return g_strdup (involve_record_get_uuid (record));
}

static void
test_two_people (TwoPeople     *f,
                 gconstpointer  data)
{
  g_autoptr(InvolveSignOff) sign_off = reviewer ("Sam Reviewer", "sam.reviewer@example.org");
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;

  REQUIRE_SERVER (f);
  uuid = submitted_record (f->first);
  trust_reviewer (f->first);
  g_assert_true (involve_store_sign_off (f->second, uuid, sign_off, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status_of (f->first, uuid), ==, INVOLVE_STATUS_SIGNED_OFF);
  g_assert_cmpint (status_of (f->second, uuid), ==, INVOLVE_STATUS_SIGNED_OFF);

  g_assert_true (involve_store_verify (f->first, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (involve_store_verify (f->second, NULL, &error));
  g_assert_no_error (error);
}

/* The client's checks pass (the key is the trusted reviewer's), but the
 * login submitted the record: the server refuses. */
static void
test_self_sign_off (void)
{
  g_autoptr(PgTestRegister) reg = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveSignOff) sign_off = reviewer ("Sam Reviewer", "sam.reviewer@example.org");
  g_autoptr(GError) error = NULL;
  g_autofree char *both = NULL;
  g_autofree char *uuid = NULL;

  if (!pg_test_available ())
    return;
  reg = pg_test_register_new_with_person ("self", "both",
                                          INVOLVE_PG_ROLE_OFFICER | INVOLVE_PG_ROLE_REVIEWER | INVOLVE_PG_ROLE_ADMIN,
                                          &both);
  store = open_as (reg, both, "officer");
  uuid = submitted_record (store);
  trust_reviewer (store);
  act_as (store, "reviewer");
  /* Another profile, so that the client's own same-person check passes. */
  involve_store_set_profile_name (store, "Reviewer");

  g_assert_false (involve_store_sign_off (store, uuid, sign_off, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_UNTRUSTED);
  g_test_message ("refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, "submitted"));
  g_assert_null (strstr (error->message, "SQLite"));
  g_clear_error (&error);
  g_assert_cmpint (status_of (store, uuid), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);
  g_assert_true (involve_store_verify (store, NULL, &error));
  g_assert_no_error (error);
}

static void
test_officer_cannot_sign_off (TwoPeople     *f,
                              gconstpointer  data)
{
  g_autoptr(InvolveSignOff) sign_off = reviewer ("Sam Reviewer", "sam.reviewer@example.org");
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;

  REQUIRE_SERVER (f);
  uuid = submitted_record (f->first);
  trust_reviewer (f->first);

  /* Another officer holding the trusted reviewer's key: not a reviewer
   * on the server. */
  g_assert_false (involve_store_sign_off (f->second, uuid, sign_off, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_UNTRUSTED);
  g_test_message ("refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, "reviewer"));
  g_clear_error (&error);
  g_assert_cmpint (status_of (f->first, uuid), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);
}

static void
test_records_changed (TwoPeople     *f,
                      gconstpointer  data)
{
  InvolveStore *a = f->first;
  InvolveStore *b = f->second;
  g_autoptr(InvolveRecord) own = NULL;
  g_autoptr(InvolveRecord) theirs = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  REQUIRE_SERVER (f);
  g_signal_connect (a, "records-changed", G_CALLBACK (server_store_changed_cb), seen);
  g_assert_true (involve_store_follow_changes (a, &error));
  g_assert_no_error (error);

  /* A's own saves are not news to A. */
  own = involve_store_create_record (a, "icb-14z45", &error);
  g_assert_no_error (error);
  set_string (a, own, "title", "Mine");
  server_store_wait_for (seen, 1, 1000);
  g_assert_cmpuint (seen->len, ==, 0);

  theirs = involve_store_load_record (b, involve_record_get_uuid (own), 0, &error);
  g_assert_no_error (error);
  set_string (b, theirs, "title", "Changed by B");
  server_store_wait_for (seen, 1, 5000);
  g_assert_cmpuint (seen->len, >=, 1);
  g_assert_cmpstr (seen->pdata[0], ==, involve_record_get_uuid (own));

  record = involve_store_load_record (a, involve_record_get_uuid (own), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (involve_record_get_string (record, "title"), ==, "Changed by B");
}

/* Backups are the server's job: refused, and no "backups" folder appears
 * (a connection string's "folder" would be the current one). */
static void
test_no_backups (void)
{
  g_autoptr(PgTestRegister) reg = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *officer = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *here = g_get_current_dir ();
  g_autofree char *dir = g_dir_make_tmp ("involve-pg-XXXXXX", &error);
  g_autofree char *backups = NULL;
  g_autofree char *dest = NULL;

  if (!pg_test_available ())
    return;
  g_assert_no_error (error);
  reg = pg_test_register_new_with_person ("backups", "officer", INVOLVE_PG_ROLE_OFFICER, &officer);
  conninfo = pg_test_register_conninfo (reg, officer);
  g_assert_cmpint (g_chdir (dir), ==, 0);

  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", conninfo, "auto-backup", TRUE, NULL);
  g_assert_no_error (error);
  involve_store_start_deferred_backup (store);
  involve_store_wait_for_backup (store);
  g_assert_null (involve_store_dup_backup_dir (store));

  dest = g_build_filename (dir, "copy.involve", NULL);
  g_assert_false (involve_store_backup (store, dest, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "server"));
  g_clear_error (&error);
  g_assert_false (involve_store_rolling_backup (store, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (involve_store_restore_backup (conninfo, dest, NULL, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (involve_store_find_good_backup (conninfo));
  g_clear_object (&store);

  backups = g_build_filename (dir, "backups", NULL);
  g_assert_false (g_file_test (backups, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_chdir (here), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* After sign-off on a server: the officer logs an activity, the reviewer
 * reads it, both verify, and the year's report counts the decision. */
static void
test_involvement_and_report (TwoPeople     *f,
                             gconstpointer  data)
{
  g_autoptr(InvolveSignOff) sign_off = reviewer ("Sam Reviewer", "sam.reviewer@example.org");
  g_autoptr(InvolveLogEntry) entry = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(InvolveAnnualReport) report = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *year = involve_financial_year_of (today);
  g_autofree char *uuid = NULL;
  InvolveStore *officer_store;
  InvolveStore *reviewer_store;
  const InvolveReportDecision *decision;

  REQUIRE_SERVER (f);
  officer_store = f->first;
  reviewer_store = f->second;
  uuid = submitted_record (officer_store);
  trust_reviewer (officer_store);
  g_assert_true (involve_store_sign_off (reviewer_store, uuid, sign_off, &error));
  g_assert_no_error (error);

  entry = involve_log_entry_new (INVOLVE_LOG_ACTIVITY, uuid);
  entry->method = g_strdup ("letters-emails");
  entry->description = g_strdup ("Letters to every patient of the clinic");
  entry->start_date = g_strdup (today);
  entry->reach = 120;
  g_assert_true (involve_store_add_log_entry (officer_store, entry, &error));
  g_assert_no_error (error);
  /* The server's account, not the client's claim. */
  g_assert_cmpstr (entry->account, ==, f->first_login);

  entries = involve_store_list_log_entries (reviewer_store, uuid, INVOLVE_LOG_ACTIVITY, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpint (((InvolveLogEntry *) entries->pdata[0])->reach, ==, 120);

  g_assert_true (involve_store_verify (officer_store, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (involve_store_verify (reviewer_store, NULL, &error));
  g_assert_no_error (error);

  report = involve_store_compute_report (reviewer_store, year, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->decisions->len, ==, 1);
  decision = report->decisions->pdata[0];
  g_assert_cmpstr (decision->uuid, ==, uuid);
  g_assert_cmpuint (decision->n_activities, ==, 1);
  g_assert_cmpint (decision->people, ==, 120);
}

/* Without the server's clock nothing is written: never this computer's
 * time in its place. */
static void
test_no_clock_no_write (void)
{
  g_autoptr(PgTestRegister) reg = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *officer = NULL;
  g_autofree char *conninfo = NULL;
  guint entries;

  if (!pg_test_available ())
    return;
  reg = pg_test_register_new_with_person ("clock", "officer", INVOLVE_PG_ROLE_OFFICER, &officer);
  conninfo = pg_test_register_conninfo (reg, officer);
  store = open_store (conninfo, &error);
  g_assert_no_error (error);
  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_no_error (error);
  audit = involve_store_list_audit (store, NULL, &error);
  g_assert_no_error (error);
  entries = audit->len;
  g_clear_pointer (&audit, g_ptr_array_unref);

  /* The clock out of the officer's reach (the audit trigger, run as the
   * register's owner, still reads it). */
  pg_test_register_exec (reg, "REVOKE EXECUTE ON FUNCTION involve.now_usec () FROM PUBLIC");
  g_assert_null (involve_store_create_record (store, "icb-14z45", &error));
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "Could not read the team register’s clock"));
  g_clear_error (&error);
  g_assert_false (involve_store_set_value (store, record, "title", g_variant_new_string ("Moved clinic"), &error));
  g_assert_nonnull (strstr (error->message, "Could not read the team register’s clock"));
  g_clear_error (&error);
  g_assert_false (involve_store_log_event (store, INVOLVE_AUDIT_EXPORT, NULL, 0, "an export", &error));
  g_assert_nonnull (strstr (error->message, "Could not read the team register’s clock"));
  g_clear_error (&error);

  /* Nothing was written; with the clock back, all goes on as before. */
  pg_test_register_exec (reg, "GRANT EXECUTE ON FUNCTION involve.now_usec () TO PUBLIC");
  audit = involve_store_list_audit (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, ==, entries);
  g_assert_true (involve_store_set_value (store, record, "title", g_variant_new_string ("Moved clinic"), &error));
  g_assert_no_error (error);
  g_assert_true (involve_store_verify (store, NULL, &error));
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store-server/open-and-edit", test_open_and_edit);
  g_test_add_func ("/store-server/search", test_search);
  g_test_add ("/store-server/two-people", TwoPeople, &officer_and_reviewer,
              two_people_setup, test_two_people, two_people_teardown);
  g_test_add_func ("/store-server/self-sign-off", test_self_sign_off);
  g_test_add ("/store-server/officer-cannot-sign-off", TwoPeople, &officer_with_reviewer_key,
              two_people_setup, test_officer_cannot_sign_off, two_people_teardown);
  g_test_add ("/store-server/records-changed", TwoPeople, &two_officers,
              two_people_setup, test_records_changed, two_people_teardown);
  g_test_add_func ("/store-server/no-backups", test_no_backups);
  g_test_add ("/store-server/involvement-and-report", TwoPeople, &officer_and_reviewer,
              two_people_setup, test_involvement_and_report, two_people_teardown);
  g_test_add_func ("/store-server/no-clock-no-write", test_no_clock_no_write);

  return g_test_run ();
}
