/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A team register whose server connection goes away (a restart, the
 * network, an idle timeout), made here by ending the store's server
 * process as the superuser: the store says what happened to the change,
 * nothing half-written is left, the next operation connects again, and
 * the change follower comes back and says that anything may have changed.
 */
#include "config.h"

#include <string.h>

#include "involve-db.h"
#include "pg-test-util.h"
#include "server-store-test-util.h"
#include "store-test-util.h"

typedef struct
{
  PgTestRegister *reg;
  char           *officer;
  InvolveDb      *admin;      /* the superuser, on the register's database */
  InvolveStore   *store;      /* logged in as the officer */
  InvolveRecord  *record;     /* titled "Before" */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *admin = NULL;

  if (!pg_test_available ())
    return;
  f->reg = pg_test_register_new_with_person ("reconnect", "officer", INVOLVE_PG_ROLE_OFFICER, &f->officer);
  admin = pg_test_register_conninfo (f->reg, NULL);
  f->admin = involve_db_connect_postgresql (admin, &error);
  g_assert_no_error (error);
  f->store = server_store_open (f->reg, f->officer, "officer");
  f->record = involve_store_create_record (f->store, "icb-14z45", &error);
  g_assert_no_error (error);
  set_string (f->store, f->record, "title", "Before");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->record);
  g_clear_object (&f->store);
  g_clear_pointer (&f->admin, involve_db_close);
  g_clear_pointer (&f->reg, pg_test_register_free);
  g_free (f->officer);
}

#define SKIP_WITHOUT_SERVER(f) G_STMT_START { if ((f)->store == NULL) return; } G_STMT_END

static gint64
admin_int (Fixture    *f,
           const char *sql)
{
  g_autoptr(InvolveDbStmt) stmt = NULL;

  g_assert_cmpint (involve_db_prepare (f->admin, sql, FALSE, &stmt), ==, SQLITE_OK);
  if (involve_db_step (stmt) != SQLITE_ROW)
    g_error ("%s: %s", sql, involve_db_errmsg (f->admin));
  return involve_db_column_int64 (stmt, 0);
}

/* Ends server process @pid and waits until it is gone. */
static void
terminate (Fixture *f,
           int      pid)
{
  g_autofree char *kill = g_strdup_printf ("SELECT pg_terminate_backend (%d)::int", pid);
  g_autofree char *alive = g_strdup_printf ("SELECT count(*) FROM pg_stat_activity WHERE pid = %d", pid);

  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (admin_int (f, kill), ==, 1);
  for (guint i = 0; i < 500 && admin_int (f, alive) > 0; i++)
    g_usleep (10000);
  g_assert_cmpint (admin_int (f, alive), ==, 0);
}

static void
assert_alive (Fixture *f,
              int      pid)
{
  g_autofree char *alive = g_strdup_printf ("SELECT count(*) FROM pg_stat_activity WHERE pid = %d", pid);

  g_assert_cmpint (admin_int (f, alive), ==, 1);
}

static char *
dup_title (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveRecord) loaded = involve_store_load_record (f->store, involve_record_get_uuid (f->record), 0, &error);

  g_assert_no_error (error);
  return g_strdup (involve_record_get_string (loaded, "title"));
}

static guint
audit_length (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = involve_store_list_audit (f->store, NULL, &error);

  g_assert_no_error (error);
  return entries->len;
}

static void
assert_verifies (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (involve_store_verify (f->store, NULL, &error));
  g_assert_no_error (error);
}

/* Lost between two operations: the next one connects again by itself
 * (a read or the start of a write had changed nothing), with the new
 * session's process and the same person. */
static void
test_between_operations (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  int pid;

  SKIP_WITHOUT_SERVER (f);
  pid = involve_store_server_get_backend_pid (f->store);
  terminate (f, pid);
  title = dup_title (f);
  g_assert_cmpstr (title, ==, "Before");
  g_assert_cmpint (involve_store_server_get_backend_pid (f->store), !=, pid);
  assert_alive (f, involve_store_server_get_backend_pid (f->store));
  g_assert_cmpstr (involve_store_get_os_account (f->store), ==, f->officer);

  terminate (f, involve_store_server_get_backend_pid (f->store));
  g_assert_true (involve_store_set_value (f->store, f->record, "title", g_variant_new_string ("After"), &error));
  g_assert_no_error (error);
  g_clear_pointer (&title, g_free);
  title = dup_title (f);
  g_assert_cmpstr (title, ==, "After");
  assert_verifies (f);
}

/* Lost in the middle of a transaction (a batch of changes): the server
 * rolled it back, the store says so, and nothing of it is there. */
static void
test_mid_transaction (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  guint entries = audit_length (f);

  SKIP_WITHOUT_SERVER (f);
  g_assert_true (involve_store_begin_batch (f->store, &error));
  g_assert_no_error (error);
  g_assert_true (involve_store_set_value (f->store, f->record, "title", g_variant_new_string ("Half"), &error));
  g_assert_no_error (error);
  terminate (f, involve_store_server_get_backend_pid (f->store));

  g_assert_false (involve_store_set_value (f->store, f->record, "step1-explanation",
                                           g_variant_new_string ("The other half"), &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CONNECTION_LOST);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "connection to the team register was lost"));
  g_assert_nonnull (strstr (error->message, "nothing of this change is in the register"));
  g_clear_error (&error);
  /* Nothing meant for the batch runs outside it. */
  g_assert_false (involve_store_set_value (f->store, f->record, "title", g_variant_new_string ("Stray"), &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CONNECTION_LOST);
  g_clear_error (&error);
  g_assert_false (involve_store_commit_batch (f->store, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CONNECTION_LOST);
  g_clear_error (&error);
  involve_store_rollback_batch (f->store);

  title = dup_title (f);
  g_assert_cmpstr (title, ==, "Before");
  g_assert_cmpuint (audit_length (f), ==, entries);
  assert_verifies (f);
  g_assert_true (involve_store_set_value (f->store, f->record, "title", g_variant_new_string ("Whole"), &error));
  g_assert_no_error (error);
  g_clear_pointer (&title, g_free);
  title = dup_title (f);
  g_assert_cmpstr (title, ==, "Whole");
  g_assert_cmpuint (audit_length (f), ==, entries + 1);
  assert_verifies (f);
}

/* Lost while the server commits (here it ends the session itself while
 * checking a deferred rule): saved or not, nobody can tell, and the
 * store says to check the record; it does not write it again. */
static void
test_during_commit (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  guint entries = audit_length (f);

  SKIP_WITHOUT_SERVER (f);
  pg_test_register_exec (f->reg,
                         "CREATE FUNCTION involve.test_end_session () RETURNS trigger LANGUAGE plpgsql AS $$ "
                         "BEGIN IF NEW.new_value LIKE '%End the session%' THEN "
                         "PERFORM pg_terminate_backend (pg_backend_pid ()); PERFORM pg_sleep (10); END IF; "
                         "RETURN NULL; END $$; "
                         "CREATE CONSTRAINT TRIGGER test_end_session AFTER INSERT ON involve.audit "
                         "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION involve.test_end_session ()");

  g_assert_false (involve_store_set_value (f->store, f->record, "title",
                                           g_variant_new_string ("End the session"), &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CONNECTION_LOST);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "cannot tell whether it was saved"));
  g_assert_nonnull (strstr (error->message, "Check the record"));
  g_clear_error (&error);

  /* Here the server had not committed: the record is as it was. */
  title = dup_title (f);
  g_assert_cmpstr (title, ==, "Before");
  g_assert_cmpuint (audit_length (f), ==, entries);
  assert_verifies (f);
  g_assert_true (involve_store_set_value (f->store, f->record, "title", g_variant_new_string ("Checked"), &error));
  g_assert_no_error (error);
  assert_verifies (f);
}

/* The server does not let the person in again: the operation says so,
 * and the one after the server relents works. */
static void
test_unreachable (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *nologin = NULL;
  g_autofree char *login = NULL;

  SKIP_WITHOUT_SERVER (f);
  nologin = g_strdup_printf ("ALTER ROLE %s NOLOGIN", f->officer);
  login = g_strdup_printf ("ALTER ROLE %s LOGIN", f->officer);
  pg_test_register_exec (f->reg, nologin);
  terminate (f, involve_store_server_get_backend_pid (f->store));
  g_assert_false (involve_store_set_value (f->store, f->record, "title", g_variant_new_string ("Locked out"), &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CONNECTION_LOST);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "could not be made again"));
  g_assert_nonnull (strstr (error->message, "not permitted to log in"));
  g_clear_error (&error);

  pg_test_register_exec (f->reg, login);
  g_assert_true (involve_store_set_value (f->store, f->record, "title", g_variant_new_string ("Back in"), &error));
  g_assert_no_error (error);
  assert_verifies (f);
}

/* A store that became another login (the test suites' superuser
 * connection) is that login again on the new connection: its audit
 * entries carry the same account. */
static void
test_become_again (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *admin = NULL;
  InvolveAuditEntry *last;

  SKIP_WITHOUT_SERVER (f);
  admin = pg_test_register_conninfo (f->reg, NULL);
  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", admin, NULL);
  g_assert_no_error (error);
  g_assert_true (involve_store_server_become (store, f->officer, &error));
  g_assert_no_error (error);
  involve_store_set_identity (store, test_identity ("officer"));
  record = involve_store_load_record (store, involve_record_get_uuid (f->record), 0, &error);
  g_assert_no_error (error);

  terminate (f, involve_store_server_get_backend_pid (store));
  g_assert_true (involve_store_set_value (store, record, "title", g_variant_new_string ("As the officer"), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (involve_store_get_os_account (store), ==, f->officer);
  entries = involve_store_list_audit (store, NULL, &error);
  g_assert_no_error (error);
  last = entries->pdata[entries->len - 1];
  g_assert_cmpstr (last->account, ==, f->officer);
  assert_verifies (f);
}

/* The change follower's connection goes: it comes back on a timer, says
 * that anything may have changed meanwhile, and follows again. */
static void
test_follower (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(InvolveStore) other = NULL;
  g_autoptr(InvolveRecord) theirs = NULL;
  g_autofree char *second = NULL;
  int pid;

  SKIP_WITHOUT_SERVER (f);
  second = pg_test_register_new_person (f->reg, "officer", INVOLVE_PG_ROLE_OFFICER);
  other = server_store_open (f->reg, second, "other");

  g_signal_connect (f->store, "records-changed", G_CALLBACK (server_store_changed_cb), seen);
  g_assert_true (involve_store_follow_changes (f->store, &error));
  g_assert_no_error (error);
  pid = involve_store_server_get_listener_pid (f->store);

  /* Changed while the follower is away. */
  terminate (f, pid);
  theirs = involve_store_load_record (other, involve_record_get_uuid (f->record), 0, &error);
  g_assert_no_error (error);
  set_string (other, theirs, "title", "Changed while away");

  server_store_wait_for (seen, 1, 15000);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (seen->pdata[0], ==, "(any)");
  g_assert_cmpint (involve_store_server_get_listener_pid (f->store), !=, pid);
  assert_alive (f, involve_store_server_get_listener_pid (f->store));

  /* And follows again. */
  set_string (other, theirs, "title", "Changed once it was back");
  server_store_wait_for (seen, 2, 10000);
  g_assert_cmpuint (seen->len, ==, 2);
  g_assert_cmpstr (seen->pdata[1], ==, involve_record_get_uuid (f->record));

  /* The register's own connection going leaves the follower alone. */
  pid = involve_store_server_get_listener_pid (f->store);
  terminate (f, involve_store_server_get_backend_pid (f->store));
  set_string (f->store, f->record, "step1-explanation", "Own change");
  set_string (other, theirs, "title", "Their change");
  server_store_wait_for (seen, 3, 10000);
  g_assert_cmpuint (seen->len, ==, 3);
  g_assert_cmpstr (seen->pdata[2], ==, involve_record_get_uuid (f->record));
  g_assert_cmpint (involve_store_server_get_listener_pid (f->store), ==, pid);
  /* Its own saves, on the new connection, are still not news to it. */
  server_store_wait_for (seen, 4, 500);
  g_assert_cmpuint (seen->len, ==, 3);
}

/* How many times the follower tried to connect again and failed (its
 * debug message, seen whatever G_MESSAGES_DEBUG says). */
static guint follow_failures;

static GLogWriterOutput
count_writer (GLogLevelFlags   level,
              const GLogField *fields,
              gsize            n_fields,
              gpointer         data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0 &&
        strstr (fields[i].value, "trying again in") != NULL)
      g_atomic_int_inc (&follow_failures);
  return g_log_writer_default (level, fields, n_fields, data);
}

/* While the server keeps the follower out it tries again on a growing
 * back-off, not in a busy loop, and follows again once let in. */
static void
test_follower_back_off (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *nologin = NULL;
  g_autofree char *login = NULL;
  guint failures;

  SKIP_WITHOUT_SERVER (f);
  g_signal_connect (f->store, "records-changed", G_CALLBACK (server_store_changed_cb), seen);
  g_assert_true (involve_store_follow_changes (f->store, &error));
  g_assert_no_error (error);
  nologin = g_strdup_printf ("ALTER ROLE %s NOLOGIN", f->officer);
  login = g_strdup_printf ("ALTER ROLE %s LOGIN", f->officer);
  pg_test_register_exec (f->reg, nologin);
  g_atomic_int_set (&follow_failures, 0);
  terminate (f, involve_store_server_get_listener_pid (f->store));

  /* Tries at about 0.5 s and 1.5 s; the next not before 3.5 s. */
  server_store_wait_for (seen, 1, 3000);
  failures = g_atomic_int_get (&follow_failures);
  g_test_message ("%u failed attempts in 3 s", failures);
  g_assert_cmpuint (seen->len, ==, 0);
  g_assert_cmpuint (failures, >=, 1);
  g_assert_cmpuint (failures, <=, 3);
  g_assert_cmpint (involve_store_server_get_listener_pid (f->store), ==, 0);
  /* Following again does nothing while it waits: the timer brings it back. */
  g_assert_true (involve_store_follow_changes (f->store, &error));
  g_assert_no_error (error);

  pg_test_register_exec (f->reg, login);
  server_store_wait_for (seen, 1, 15000);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (seen->pdata[0], ==, "(any)");
  g_assert_cmpint (involve_store_server_get_listener_pid (f->store), >, 0);
}

int
main (int    argc,
      char **argv)
{
  g_log_set_writer_func (count_writer, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store-reconnect/between-operations", test_between_operations);
  ADD ("/store-reconnect/mid-transaction", test_mid_transaction);
  ADD ("/store-reconnect/during-commit", test_during_commit);
  ADD ("/store-reconnect/unreachable", test_unreachable);
  ADD ("/store-reconnect/become-again", test_become_again);
  ADD ("/store-reconnect/follower", test_follower);
  ADD ("/store-reconnect/follower-back-off", test_follower_back_off);
#undef ADD

  return g_test_run ();
}
