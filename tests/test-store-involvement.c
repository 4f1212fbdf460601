/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "store-test-util.h"
#include "report-test-util.h"
#include "involve-store-internal.h"
#include "involve-store-involvement.h"

/* A register with one signed-off record (@uuid) and one draft (@draft). */
typedef struct
{
  TestDir      *td;
  InvolveStore *store;
  char         *uuid;
  char         *other;
  char         *draft;
} Fixture;

static char *
new_record (InvolveStore *store,
            gboolean      sign)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveRecord) record = involve_store_create_record (store, "icb-14z45", &error);

  g_assert_no_error (error);
  fill_record (store, record, "Moving the podiatry clinic");
  if (sign)
    {
      g_assert_true (involve_store_submit (store, involve_record_get_uuid (record), NULL, &error));
      g_assert_no_error (error);
      report_test_sign_off (store, involve_record_get_uuid (record), "2025-06-01");
    }
  return g_strdup (involve_record_get_uuid (record));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->td = test_dir_new ();
  f->store = open_store (f->td->path, &error);
  g_assert_no_error (error);
  f->uuid = new_record (f->store, TRUE);
  f->other = new_record (f->store, TRUE);
  f->draft = new_record (f->store, FALSE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  g_free (f->uuid);
  g_free (f->other);
  g_free (f->draft);
  test_dir_free (f->td);
}

static InvolveLogEntry *
make_activity (const char *uuid)
{
  InvolveLogEntry *entry = involve_log_entry_new (INVOLVE_LOG_ACTIVITY, uuid);
  const char *groups[] = { "rural", "carers", "carers", NULL };

  entry->method = g_strdup ("focus-groups-interviews");
  entry->description = g_strdup ("Three focus groups in village halls.");
  entry->start_date = g_strdup ("2025-07-01");
  entry->end_date = g_strdup ("2025-07-20");
  entry->reach = 42;
  entry->groups = g_strdupv ((char **) groups);
  entry->partner_types = g_strsplit ("healthwatch", " ", -1);
  entry->partners = g_strdup ("Northshire Healthwatch");
  return entry;
}

static void
assert_refused (Fixture         *f,
                InvolveLogEntry *entry,
                int              code,
                const char      *message_part)
{
  g_autoptr(GError) error = NULL;
  gint64 head_before = 0, head_after = 0;

  g_assert_true (involve_store_get_audit_head (f->store, &head_before, NULL, NULL));
  g_assert_false (involve_store_add_log_entry (f->store, entry, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, code);
  if (message_part != NULL && strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not say “%s”", error->message, message_part);
  /* Nothing written, not even an audit entry. */
  g_assert_true (involve_store_get_audit_head (f->store, &head_after, NULL, NULL));
  g_assert_cmpint (head_before, ==, head_after);
}

static void
test_add_and_list (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveLogEntry) entry = make_activity (f->uuid);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  InvolveLogEntry *read;
  InvolveAuditEntry *last;
  g_autofree char *text = NULL;

  g_assert_true (involve_store_add_log_entry (f->store, entry, &error));
  g_assert_no_error (error);
  g_assert_cmpint (entry->id, ==, 1);
  g_assert_cmpuint (entry->version, ==, 1);
  /* On a team register the account is the login, as the server says. */
  g_assert_cmpstr (entry->account, ==,
                   store_test_on_server () ? store_test_login (f->td->path, "officer") : "officer");

  list = involve_store_list_log_entries (f->store, f->uuid, INVOLVE_LOG_ACTIVITY, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  read = list->pdata[0];
  g_assert_cmpstr (read->method, ==, "focus-groups-interviews");
  g_assert_cmpint (read->reach, ==, 42);
  /* A set, sorted: the duplicate went. */
  g_assert_cmpuint (g_strv_length (read->groups), ==, 2);
  g_assert_cmpstr (read->groups[0], ==, "carers");
  g_assert_cmpstr (read->groups[1], ==, "rural");
  g_assert_cmpstr (read->partner_types[0], ==, "healthwatch");
  g_assert_null (read->characteristics);

  /* The audit entry holds the entry's text, read back the same. */
  audit = involve_store_list_audit (f->store, f->uuid, &error);
  last = audit->pdata[audit->len - 1];
  g_assert_cmpstr (last->kind, ==, INVOLVE_AUDIT_INVOLVEMENT);
  g_assert_cmpstr (last->field_id, ==, "activity");
  g_assert_cmpint (last->id, ==, read->audit_id);
  text = involve_log_entry_to_text (read);
  g_assert_cmpstr (last->new_value, ==, text);
  g_assert_true (involve_store_verify (f->store, NULL, &error));
  g_assert_no_error (error);

  /* Nothing of the other record's. */
  g_clear_pointer (&list, g_ptr_array_unref);
  list = involve_store_list_log_entries (f->store, f->other, INVOLVE_LOG_ACTIVITY, 0, &error);
  g_assert_cmpuint (list->len, ==, 0);
}

static void
test_not_signed_off (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(InvolveLogEntry) draft = make_activity (f->draft);
  g_autoptr(InvolveLogEntry) missing = make_activity ("00000000-0000-4000-8000-000000000000");
  g_autoptr(GError) error = NULL;

  assert_refused (f, draft, INVOLVE_STORE_ERROR_LOCKED, "not been signed off");
  assert_refused (f, missing, INVOLVE_STORE_ERROR_NOT_FOUND, NULL);

  /* Once amended, the log goes on against the signed-off version, and
   * the signed version is untouched. */
  g_assert_cmpuint (involve_store_amend (f->store, f->uuid, "New site", &error), ==, 2);
  {
    g_autoptr(InvolveLogEntry) entry = make_activity (f->uuid);

    g_assert_true (involve_store_add_log_entry (f->store, entry, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (entry->version, ==, 1);
  }
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(InvolveLogEntry) e = NULL;

#define REFUSE(setup, says) \
  G_STMT_START { \
    g_autoptr(InvolveLogEntry) entry = make_activity (f->uuid); \
    setup; \
    assert_refused (f, entry, INVOLVE_STORE_ERROR_INVALID, says); \
  } G_STMT_END

  REFUSE (g_free (entry->method); entry->method = g_strdup ("carrier-pigeon"), "carrier-pigeon");
  REFUSE (g_free (entry->method); entry->method = NULL, "method");
  REFUSE (g_free (entry->description); entry->description = g_strdup ("   "), "What was done");
  REFUSE (g_free (entry->start_date); entry->start_date = g_strdup ("2025-02-30"), "2025-02-30");
  REFUSE (g_free (entry->start_date); entry->start_date = g_strdup ("1/7/2025"), "YYYY-MM-DD");
  REFUSE (g_free (entry->end_date); entry->end_date = g_strdup ("2025-06-30"), "before the start");
  REFUSE (entry->reach = -5, "negative");
  REFUSE (g_strfreev (entry->groups); entry->groups = g_strsplit ("carers; DROP TABLE audit", "|", -1), "DROP TABLE");
  REFUSE (g_strfreev (entry->characteristics); entry->characteristics = g_strsplit ("age height", " ", -1), "height");
  REFUSE (g_free (entry->description); entry->description = g_strdup ("bad \xff utf-8"), "UTF-8");
  REFUSE (g_free (entry->description); entry->description = g_strdup ("bell \a"), "control");
  REFUSE (g_free (entry->description); entry->description = g_strnfill (30000, 'x'), "too long");
  REFUSE (entry->retracted = TRUE, "withdrawn");
  REFUSE (entry->supersedes = 1, "why");
#undef REFUSE

  /* Published feedback must not identify people. */
  e = involve_log_entry_new (INVOLVE_LOG_FEEDBACK, f->uuid);
  e->theme = g_strdup ("Parking");
  e->summary = g_strdup ("Write to jo.bloggs@example.org about it.");
  assert_refused (f, e, INVOLVE_STORE_ERROR_INVALID, "e-mail");
  g_free (e->summary);
  e->summary = g_strdup ("Call me on 01632 960 123 any time.");
  assert_refused (f, e, INVOLVE_STORE_ERROR_INVALID, "phone");
  g_free (e->summary);
  e->summary = g_strdup ("Over 2,500 people asked for it from 2025-04-01 to 2025-06-30.");
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (involve_store_add_log_entry (f->store, e, &error));
    g_assert_no_error (error);
  }
  g_clear_pointer (&e, involve_log_entry_free);

  e = involve_log_entry_new (INVOLVE_LOG_RESPONSE, f->uuid);
  e->you_said = g_strdup ("More evening sessions");
  assert_refused (f, e, INVOLVE_STORE_ERROR_INVALID, "We did");
  e->we_did = g_strdup ("Added two");
  e->feedback_id = 99;
  assert_refused (f, e, INVOLVE_STORE_ERROR_NOT_FOUND, "99");
  g_clear_pointer (&e, involve_log_entry_free);

  e = involve_log_entry_new (INVOLVE_LOG_EVALUATION, f->uuid);
  e->impact = g_strdup ("Fewer missed appointments");
  assert_refused (f, e, INVOLVE_STORE_ERROR_INVALID, "evaluation");
}

static void
test_corrections (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveLogEntry) first = make_activity (f->uuid);
  g_autoptr(InvolveLogEntry) other = make_activity (f->other);
  g_autoptr(InvolveLogEntry) fix = make_activity (f->uuid);
  g_autoptr(InvolveLogEntry) again = make_activity (f->uuid);
  g_autoptr(InvolveLogEntry) stray = make_activity (f->other);
  g_autoptr(InvolveLogEntry) withdraw = involve_log_entry_new (INVOLVE_LOG_ACTIVITY, f->uuid);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) before = NULL;
  gint64 head = 0;

  g_assert_true (involve_store_add_log_entry (f->store, first, &error));
  g_assert_true (involve_store_add_log_entry (f->store, other, &error));
  g_assert_no_error (error);
  g_assert_true (involve_store_get_audit_head (f->store, &head, NULL, NULL));

  fix->supersedes = first->id;
  fix->reach = 44;
  fix->correction = g_strdup ("Two more signed in late.");
  g_assert_true (involve_store_add_log_entry (f->store, fix, &error));
  g_assert_no_error (error);

  /* Only once; only within the record. */
  again->supersedes = first->id;
  again->correction = g_strdup ("Again");
  assert_refused (f, again, INVOLVE_STORE_ERROR_EXISTS, "already been corrected");
  stray->supersedes = first->id;
  stray->correction = g_strdup ("Wrong record");
  assert_refused (f, stray, INVOLVE_STORE_ERROR_NOT_FOUND, NULL);

  withdraw->supersedes = fix->id;
  withdraw->retracted = TRUE;
  withdraw->correction = g_strdup ("Logged twice.");
  g_assert_true (involve_store_add_log_entry (f->store, withdraw, &error));
  g_assert_no_error (error);

  list = involve_store_list_log_entries (f->store, f->uuid, INVOLVE_LOG_ACTIVITY, 0, &error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpint (((InvolveLogEntry *) list->pdata[0])->superseded_by, ==, fix->id);
  g_assert_cmpint (((InvolveLogEntry *) list->pdata[1])->superseded_by, ==, withdraw->id);
  g_assert_true (((InvolveLogEntry *) list->pdata[2])->retracted);
  g_assert_null (((InvolveLogEntry *) list->pdata[2])->method);

  /* As it stood before the correction. */
  before = involve_store_list_log_entries (f->store, f->uuid, INVOLVE_LOG_ACTIVITY, head, &error);
  g_assert_cmpuint (before->len, ==, 1);
  g_assert_cmpint (((InvolveLogEntry *) before->pdata[0])->superseded_by, ==, 0);
  g_assert_cmpint (((InvolveLogEntry *) before->pdata[0])->reach, ==, 42);

  g_assert_true (involve_store_verify (f->store, NULL, &error));
  g_assert_no_error (error);
}

/* On a team register each of its people (an officer who is also an
 * administrator, a reviewer, a plain officer) is refused @sql by the
 * server itself, for want of the privilege, whatever the client does. */
static void
assert_server_refuses (const char *path,
                       const char *sql)
{
  const char *people[] = { "officer", "reviewer", "other" };

  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *sqlstate = NULL;

      if (store_test_server_exec_as (path, people[i], sql, &sqlstate, &error))
        g_error ("the server let %s run “%s”", people[i], sql);
      if (g_strcmp0 (sqlstate, "42501") != 0)
        g_error ("%s running “%s”: SQLSTATE %s (%s), not 42501", people[i], sql, sqlstate, error->message);
    }
}

static void
test_append_only (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveLogEntry) entry = make_activity (f->uuid);
  sqlite3 *db;
  gint64 broken = 0;

  g_assert_true (involve_store_add_log_entry (f->store, entry, &error));
  g_assert_no_error (error);
  if (store_test_on_server ())
    {
      g_autoptr(InvolveLogEntry) feedback = involve_log_entry_new (INVOLVE_LOG_FEEDBACK, f->uuid);
      g_autoptr(GPtrArray) list = NULL;
      const char *attacks[] = {
        "UPDATE involvement_activities SET reach = 4200",
        "DELETE FROM involvement_activities",
        "DELETE FROM involvement_reach",
        "UPDATE involvement_reach SET item = 'young-men'",
        "UPDATE involvement_feedback SET responses = 0",
        "DELETE FROM involvement_feedback",
        "DELETE FROM involvement_responses",
        "DELETE FROM involvement_evaluations",
        "TRUNCATE involvement_activities CASCADE",
        /* What a file's attacker does first: the server's triggers are
         * its owner's. */
        "DROP TRIGGER involvement_activities_no_change ON involvement_activities",
        "ALTER TABLE involvement_activities DISABLE TRIGGER ALL",
      };

      feedback->theme = g_strdup ("Parking");
      feedback->summary = g_strdup ("Not enough spaces.");
      feedback->responses = 12;
      g_assert_true (involve_store_add_log_entry (f->store, feedback, &error));
      g_assert_no_error (error);
      for (guint i = 0; i < G_N_ELEMENTS (attacks); i++)
        assert_server_refuses (f->td->path, attacks[i]);
      /* Nothing changed: the log reads as written and verifies. */
      list = involve_store_list_log_entries (f->store, f->uuid, INVOLVE_LOG_ACTIVITY, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (list->len, ==, 1);
      g_assert_cmpint (((InvolveLogEntry *) list->pdata[0])->reach, ==, 42);
      g_assert_cmpuint (g_strv_length (((InvolveLogEntry *) list->pdata[0])->groups), ==, 2);
      g_assert_true (involve_store_verify (f->store, NULL, &error));
      g_assert_no_error (error);
      return;
    }

  db = involve_store_get_db (f->store);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE involvement_activities SET reach = 4200", NULL, NULL, NULL), !=, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM involvement_activities", NULL, NULL, NULL), !=, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM involvement_reach", NULL, NULL, NULL), !=, SQLITE_OK);
  g_assert_true (involve_store_verify (f->store, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&f->store);

  /* Someone drops the trigger and inflates the reach: verify says so. */
  raw_exec (f->td->path, "DROP TRIGGER involvement_activities_no_update;"
                         "UPDATE involvement_activities SET reach = 4200;");
  f->store = open_store (f->td->path, &error);
  g_assert_no_error (error);
  g_assert_false (involve_store_verify (f->store, &broken, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
  g_assert_nonnull (strstr (error->message, "involvement log"));
  g_assert_cmpint (broken, ==, entry->audit_id);
  g_clear_error (&error);
  g_clear_object (&f->store);

  /* ... or deletes a group it reached. */
  raw_exec (f->td->path, "UPDATE involvement_activities SET reach = 42;"
                         "DROP TRIGGER involvement_reach_no_delete;"
                         "DELETE FROM involvement_reach WHERE item = 'rural';");
  f->store = open_store (f->td->path, &error);
  g_assert_false (involve_store_verify (f->store, &broken, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
}

/* Issue 14: each entry is a signed act, so no key, no entry. */
static void
test_needs_key (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(InvolveLogEntry) entry = make_activity (f->uuid);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  involve_store_set_identity (f->store, NULL);
  assert_refused (f, entry, INVOLVE_STORE_ERROR_NO_IDENTITY, NULL);
  list = involve_store_list_log_entries (f->store, f->uuid, INVOLVE_LOG_ACTIVITY, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
}

/* The signed act binds the record, version and the entry's exact text. */
static void
test_signed_act (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveLogEntry) entry = make_activity (f->uuid);
  g_autoptr(InvolveAct) act = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) empty = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *with_empty = NULL;
  g_autofree char *suffix = NULL;
  InvolveDbStmt *stmt = NULL;
  gsize size = 0;

  g_assert_true (involve_store_add_log_entry (f->store, entry, &error));
  g_assert_no_error (error);
  /* Read back through the register's own connection, on either engine. */
  g_assert_cmpint (involve_db_prepare (_involve_store_get_connection (f->store),
                                       "SELECT s.data, a.new_value, a.field_id FROM audit_signatures s"
                                       " JOIN audit a ON a.id = s.audit_id WHERE s.audit_id = ?1",
                                       FALSE, &stmt), ==, SQLITE_OK);
  involve_db_bind_int64 (stmt, 1, entry->audit_id);
  g_assert_cmpint (involve_db_step (stmt), ==, SQLITE_ROW);
  bytes = g_bytes_new (involve_db_column_blob (stmt, 0), (gsize) involve_db_column_bytes (stmt, 0));
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, involve_db_column_text (stmt, 1), -1);
  g_assert_cmpstr (involve_db_column_text (stmt, 2), ==, "activity");
  involve_db_finalize (stmt);

  act = involve_act_parse (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (act->act, ==, INVOLVE_ACT_LOG);
  g_assert_cmpstr (act->record_uuid, ==, f->uuid);
  g_assert_cmpuint (act->version, ==, entry->version);
  g_assert_cmpstr (act->content, ==, hash);
  /* The optional item comes last, after signer. */
  suffix = g_strdup_printf ("\ncontent=64:%s\n", hash);
  size = g_bytes_get_size (bytes);
  g_assert_cmpuint (size, >, strlen (suffix));
  g_assert_cmpmem ((const char *) g_bytes_get_data (bytes, NULL) + size - strlen (suffix), strlen (suffix),
                   suffix, strlen (suffix));
  /* An empty content item is not canonical: acts without one have none. */
  with_empty = g_strdup_printf ("%.*scontent=0:\n", (int) size,
                                (const char *) g_bytes_get_data (bytes, NULL));
  empty = g_bytes_new (with_empty, strlen (with_empty));
  g_assert_null (involve_act_parse (empty, NULL));
}

/* An involvement entry's signature removed, or another entry's signed
 * act put in its place: verify says so. */
static void
test_signature_checked (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveLogEntry) first = make_activity (f->uuid);
  g_autoptr(InvolveLogEntry) second = make_activity (f->uuid);
  g_autofree char *sql = NULL;
  gint64 broken = 0;

  g_assert_true (involve_store_add_log_entry (f->store, first, &error));
  g_assert_no_error (error);
  g_free (second->description);
  second->description = g_strdup ("Two drop-in sessions.");
  g_assert_true (involve_store_add_log_entry (f->store, second, &error));
  g_assert_no_error (error);
  g_assert_true (involve_store_verify (f->store, NULL, &error));
  g_assert_no_error (error);

  if (store_test_on_server ())
    {
      /* The same swap and deletions, and the trigger's removal, are the
       * server's to refuse, whoever asks; the log still verifies. */
      sql = g_strdup_printf ("UPDATE audit_signatures SET"
                             " data = (SELECT data FROM audit_signatures WHERE audit_id = %" G_GINT64_FORMAT "),"
                             " signature = (SELECT signature FROM audit_signatures WHERE audit_id = %" G_GINT64_FORMAT ")"
                             " WHERE audit_id = %" G_GINT64_FORMAT,
                             first->audit_id, first->audit_id, second->audit_id);
      assert_server_refuses (f->td->path, sql);
      g_free (sql);
      sql = g_strdup_printf ("DELETE FROM audit_signatures WHERE audit_id IN (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")",
                             first->audit_id, second->audit_id);
      assert_server_refuses (f->td->path, sql);
      assert_server_refuses (f->td->path, "DROP TRIGGER audit_signatures_no_change ON audit_signatures");
      assert_server_refuses (f->td->path, "ALTER TABLE audit_signatures DISABLE TRIGGER ALL");
      assert_server_refuses (f->td->path, "TRUNCATE audit_signatures CASCADE");
      g_assert_true (involve_store_verify (f->store, &broken, &error));
      g_assert_no_error (error);
      return;
    }
  g_clear_object (&f->store);

  /* The second entry's signed act (and signature) swapped for the first's. */
  sql = g_strdup_printf ("DROP TRIGGER audit_signatures_no_update;"
                         "UPDATE audit_signatures SET"
                         " data = (SELECT data FROM audit_signatures WHERE audit_id = %" G_GINT64_FORMAT "),"
                         " signature = (SELECT signature FROM audit_signatures WHERE audit_id = %" G_GINT64_FORMAT ")"
                         " WHERE audit_id = %" G_GINT64_FORMAT ";",
                         first->audit_id, first->audit_id, second->audit_id);
  raw_exec (f->td->path, sql);
  f->store = open_store (f->td->path, &error);
  g_assert_no_error (error);
  g_assert_false (involve_store_verify (f->store, &broken, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
  g_assert_cmpint (broken, ==, second->audit_id);
  g_clear_error (&error);
  g_clear_object (&f->store);

  /* Both entries' signatures deleted: the first unsigned one is named. */
  g_free (sql);
  sql = g_strdup_printf ("DROP TRIGGER audit_signatures_no_delete;"
                         "DELETE FROM audit_signatures WHERE audit_id IN (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ");",
                         first->audit_id, second->audit_id);
  raw_exec (f->td->path, sql);
  f->store = open_store (f->td->path, &error);
  g_assert_no_error (error);
  g_assert_false (involve_store_verify (f->store, &broken, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
  g_assert_nonnull (strstr (error->message, "not signed"));
  g_assert_cmpint (broken, ==, first->audit_id);
}

static void
test_migration (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(GError) error = NULL;
  InvolveStore *store;
  int previous = involve_store_get_latest_schema_version () - 1;

  STORE_TEST_FILE_ONLY ("an older register file's migration; a team register is installed whole by server-setup");
  /* A register from before the log gets its tables on opening. */
  store = involve_store_open_at_schema (td->path, previous, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  store = open_store (td->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (involve_store_get_schema_version (store), ==, involve_store_get_latest_schema_version ());
  g_assert_true (involve_store_verify (store, NULL, &error));
  g_assert_no_error (error);
  g_object_unref (store);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = test_util_isolate_user_dirs ();

  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/involvement/add-and-list", test_add_and_list);
  ADD ("/involvement/not-signed-off", test_not_signed_off);
  ADD ("/involvement/bad-input", test_bad_input);
  ADD ("/involvement/corrections", test_corrections);
  ADD ("/involvement/append-only", test_append_only);
  ADD ("/involvement/needs-key", test_needs_key);
  ADD ("/involvement/signed-act", test_signed_act);
  ADD ("/involvement/signature-checked", test_signature_checked);
#undef ADD
  g_test_add_func ("/involvement/migration", test_migration);
  return g_test_run ();
}
