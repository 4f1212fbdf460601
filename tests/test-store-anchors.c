/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * verify binds the tables to the audit log, and heads anchor a register
 * against truncation and rollback.  Each attack is made with sqlite3
 * directly (triggers dropped), as somebody holding only the file would.
 * On a team register the register's people try it on the server, which
 * refuses what they may not do; what they may (a draft's summary in the
 * list is theirs to write) and what the server's superuser does behind
 * the application (server-attack-test-util.h), verify must tell as it
 * does for a file.
 */
#include "config.h"

#include <string.h>

#include "involve-store-anchors.h"
#include "server-attack-test-util.h"
#include "store-test-util.h"

#define DROP_TRIGGERS \
  "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;" \
  "DROP TRIGGER values_locked_insert; DROP TRIGGER values_locked_update;" \
  "DROP TRIGGER values_locked_delete; DROP TRIGGER versions_locked_update;" \
  "DROP TRIGGER versions_locked_delete;"

/* A filled draft (searched once, so its index row is current). */
static char *
draft_record (const char *path,
              const char *title)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  InvolveStoreQuery query;

  store = open_store (path, &error);
  g_assert_no_error (error);
  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_no_error (error);
  fill_record (store, record, title);
  involve_store_query_init (&query);
  query.text = "clinic";
  found = involve_store_list (store, &query, NULL, &error);
  g_assert_no_error (error);
  return g_strdup (involve_record_get_uuid (record));
}

static char *
signed_record (const char *path)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = draft_record (path, "Signed assessment");

  store = open_store (path, &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_submit (store, uuid, NULL, &error));
  g_assert_no_error (error);
  sign_off_as_reviewer (store, uuid);
  return g_steal_pointer (&uuid);
}

/* verify on @path: OK, or TAMPERED with a message holding each of @words. */
static void
expect_verify (const char         *path,
               gboolean            ok,
               const char * const *words)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 broken = -1;

  store = open_store (path, &error);
  g_assert_no_error (error);
  if (ok)
    {
      g_assert_true (involve_store_verify (store, &broken, &error));
      g_assert_no_error (error);
      return;
    }
  g_assert_false (involve_store_verify (store, &broken, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
  g_test_message ("verify: %s", error->message);
  for (guint i = 0; words != NULL && words[i] != NULL; i++)
    {
      if (strstr (error->message, words[i]) == NULL)
        g_error ("“%s” not in “%s”", words[i], error->message);
    }
}

static gint64
query_id (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;

  if (store_test_on_server ())
    return server_query_int64 (path, sql);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return id;
}

/* On a team register: @sql, tried by each of the register's people, is
 * refused with @sqlstate and a message holding @refusal, and changes
 * nothing; made by the server's superuser with the triggers off, verify
 * tells with @words, as for a file. */
static void
server_refuses (const char         *path,
                const char         *sql,
                const char         *sqlstate,
                const char         *refusal,
                const char * const *words)
{
  g_autofree char *before = server_digest (path);

  assert_server_refuses_all (path, sql, sqlstate, refusal);
  assert_server_untouched (path, before);
  server_superuser_tamper (path, sql);
  expect_verify (path, FALSE, words);
}

/* On a team register: @who may change a draft's summary in the register
 * list and its search index (not its values: the server wants the audit
 * entry that writes one), so the server lets @sql through; verify tells it
 * was done outside Involve, with @words. */
static void
server_allows (const char         *path,
               const char         *who,
               const char         *sql,
               const char * const *words)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (store_test_server_exec_as (path, who, sql, NULL, &error));
  g_assert_no_error (error);
  expect_verify (path, FALSE, words);
}

/* The state replayed from the log */

static void
test_state_happy_path (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *signed_uuid = signed_record (td->path);
  g_autofree char *draft = draft_record (td->path, "Still a draft");
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveSignOff) review = reviewer ("Sam Reviewer", "sam.reviewer@example.org");
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  store = open_store (td->path, &error);
  g_assert_no_error (error);
  /* Amended, returned, edited (a field cleared too), withdrawn. */
  g_assert_cmpuint (involve_store_amend (store, signed_uuid, "New venue", &error), ==, 2);
  g_assert_no_error (error);
  record = involve_store_load_record (store, signed_uuid, 0, &error);
  set_string (store, record, "title", "Signed assessment, amended");
  g_assert_true (involve_store_set_value (store, record, "b4-approach", NULL, &error));
  set_string (store, record, "b4-approach", "Drop-in sessions only.");
  g_assert_true (involve_store_submit (store, signed_uuid, NULL, &error));
  g_assert_no_error (error);
  review->comments = g_strdup ("Say which venue.");
  involve_store_set_os_account (store, "reviewer");
  {
    /* A reviewer returns it (on a server, nobody else may). */
    InvolveIdentity *officer = act_as (store, "reviewer");

    g_assert_true (involve_store_return (store, signed_uuid, review, &error));
    g_assert_no_error (error);
    act_as_identity (store, officer);
  }
  g_assert_true (involve_store_withdraw (store, draft, "Not needed", &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  expect_verify (td->path, TRUE, NULL);
}

static void
test_state_status_update (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *uuid = draft_record (td->path, "A draft");
  const char * const words[] = { "INV-", "version 1", NULL };
  const char * const awaiting[] = { "INV-", "version 1", "“awaiting-sign-off”", "“draft”", NULL };

  expect_verify (td->path, TRUE, NULL);
  if (store_test_on_server ())
    {
      assert_server_keeps_triggers (td->path);
      server_refuses (td->path, "UPDATE versions SET status = 'signed-off'; UPDATE records SET status = 'signed-off'",
                      "23000", "a decision is recorded only on a version awaiting sign-off, not on a draft one", words);
      server_superuser_tamper (td->path, "UPDATE versions SET status = 'awaiting-sign-off';"
                                         " UPDATE records SET status = 'awaiting-sign-off'");
      expect_verify (td->path, FALSE, awaiting);
      return;
    }
  /* One UPDATE: a draft becomes "signed off" (no trigger stops it). */
  raw_exec (td->path, "UPDATE versions SET status = 'signed-off';"
                      "UPDATE records SET status = 'signed-off';");
  expect_verify (td->path, FALSE, words);
  raw_exec (td->path, DROP_TRIGGERS "UPDATE versions SET status = 'awaiting-sign-off';"
                      "UPDATE records SET status = 'awaiting-sign-off';");
  expect_verify (td->path, FALSE, awaiting);
}

static void
test_state_list_status (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *uuid = draft_record (td->path, "A draft");
  const char * const words[] = { "register list", "status", NULL };

  if (store_test_on_server ())
    {
      server_refuses (td->path, "UPDATE records SET status = 'signed-off'", "23000",
                      "says its version 1 is signed-off, but that version is draft", words);
      return;
    }
  raw_exec (td->path, "UPDATE records SET status = 'signed-off';");
  expect_verify (td->path, FALSE, words);
}

static void
test_state_value_deleted (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *uuid = draft_record (td->path, "A draft");
  const char * const words[] = { "“b4-approach”", "version 1", "deleted", NULL };

  if (store_test_on_server ())
    {
      server_refuses (td->path, "DELETE FROM field_values WHERE field_id = 'b4-approach'", "23000",
                      "b4-approach of version 1 is cleared only with the audit entry that records it", words);
      return;
    }
  raw_exec (td->path, "DELETE FROM field_values WHERE field_id = 'b4-approach';");
  expect_verify (td->path, FALSE, words);
}

static void
test_state_value_reverted (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = draft_record (td->path, "A draft");
  g_autofree char *sql = NULL;
  const char * const words[] = { "“b5-feedback”", "version 1", NULL };
  gint64 first;

  store = open_store (td->path, &error);
  record = involve_store_load_record (store, uuid, 0, &error);
  g_assert_no_error (error);
  set_string (store, record, "b5-feedback", "No report back after all.");
  g_clear_object (&store);
  first = query_id (td->path, "SELECT MIN (id) FROM audit WHERE field_id = 'b5-feedback'");

  /* The earlier value and the entry that wrote it: each checks by itself. */
  sql = g_strdup_printf ("UPDATE field_values SET value = (SELECT new_value FROM audit WHERE id = %" G_GINT64_FORMAT "),"
                         " audit_id = %" G_GINT64_FORMAT " WHERE field_id = 'b5-feedback';", first, first);
  if (store_test_on_server ())
    {
      server_refuses (td->path, sql, "23000",
                      "b5-feedback of version 1 is written only with the audit entry that records it", words);
      return;
    }
  raw_exec (td->path, sql);
  expect_verify (td->path, FALSE, words);
}

static void
test_state_cleared_value_restored (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = draft_record (td->path, "A draft");
  g_autofree char *sql = NULL;
  const char * const words[] = { "“b5-feedback”", "cleared", NULL };
  gint64 first;

  store = open_store (td->path, &error);
  record = involve_store_load_record (store, uuid, 0, &error);
  g_assert_true (involve_store_set_value (store, record, "b5-feedback", NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  first = query_id (td->path, "SELECT MIN (id) FROM audit WHERE field_id = 'b5-feedback'");
  sql = g_strdup_printf ("INSERT INTO field_values SELECT 1, field_id, new_value, time_usec, id FROM audit"
                         " WHERE id = %" G_GINT64_FORMAT ";", first);
  if (store_test_on_server ())
    {
      server_refuses (td->path, sql, "23000",
                      "b5-feedback of version 1 is written only with the audit entry that records it", words);
      return;
    }
  raw_exec (td->path, sql);
  expect_verify (td->path, FALSE, words);
}

static void
test_state_reviewer_block (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *uuid = signed_record (td->path);
  const char * const words[] = { "reviewer", "version 1", NULL };

  expect_verify (td->path, TRUE, NULL);
  if (store_test_on_server ())
    {
      server_refuses (td->path, "UPDATE versions SET reviewer_name = 'Pat Director'", "23000",
                      "a signed-off or withdrawn version cannot be changed", words);
      return;
    }
  raw_exec (td->path, DROP_TRIGGERS "UPDATE versions SET reviewer_name = 'Pat Director';");
  expect_verify (td->path, FALSE, words);
}

static void
test_state_decision_added (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *uuid = draft_record (td->path, "A draft");
  const char * const words[] = { "decision", NULL };

  if (store_test_on_server ())
    {
      server_refuses (td->path, "UPDATE versions SET decision = 'signed-off', reviewer_name = 'Pat Director'",
                      "23000", "a decision is recorded only on a version awaiting sign-off, not on a draft one",
                      words);
      return;
    }
  raw_exec (td->path, "UPDATE versions SET decision = 'signed-off', reviewer_name = 'Pat Director';");
  expect_verify (td->path, FALSE, words);
}

static void
test_state_summary (void)
{
  /* On a team register: what the server says to the register's people
   * (NULL: it lets them, as the draft is theirs to change). */
  const struct
  {
    const char *sql;
    const char *word;
    const char *sqlstate;
    const char *refusal;
  } cases[] = {
    { "UPDATE records SET title = 'Something else';", "title", NULL, NULL },
    { "UPDATE records SET organisation = 'Other ICB';", "organisation", NULL, NULL },
    { "UPDATE records SET outcome = 'does-not-apply';", "outcome", NULL, NULL },
    { "UPDATE records SET modified_usec = modified_usec - 1000000;", "last-change", NULL, NULL },
    { "UPDATE versions SET created_usec = created_usec - 1000000;", "creation",
      "42501", "permission denied for table versions" },
    { "UPDATE records SET latest_version = 3;", "latest version",
      "23000", "says its version 3 is draft, but that version is missing" },
    { "UPDATE search_text SET body = 'nothing to see';", "search index", NULL, NULL },
    { "DELETE FROM search_text;", "search index", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TestDir) td = test_dir_new ();
      g_autofree char *uuid = draft_record (td->path, "A draft");
      const char * const words[] = { "INV-", cases[i].word, NULL };

      if (store_test_on_server () && cases[i].sqlstate != NULL)
        server_refuses (td->path, cases[i].sql, cases[i].sqlstate, cases[i].refusal, words);
      else if (store_test_on_server ())
        server_allows (td->path, "other", cases[i].sql, words);
      else
        {
          raw_exec (td->path, cases[i].sql);
          expect_verify (td->path, FALSE, words);
        }
    }
}

static void
test_state_version_deleted (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *uuid = draft_record (td->path, "A draft");
  const char * const words[] = { "deleted", NULL };

  if (store_test_on_server ())
    {
      /* Versions and records are never deleted; a value only with its entry. */
      assert_server_refuses_all (td->path, "DELETE FROM versions", "42501", "permission denied for table versions");
      assert_server_refuses_all (td->path, "DELETE FROM records", "42501", "permission denied for table records");
      server_refuses (td->path, "DELETE FROM field_values; DELETE FROM versions; DELETE FROM search_text;"
                                " DELETE FROM records",
                      "23000", "is cleared only with the audit entry that records it", words);
      return;
    }
  raw_exec (td->path, "DELETE FROM field_values; DELETE FROM versions; DELETE FROM search_text;"
                      "DELETE FROM records;");
  expect_verify (td->path, FALSE, words);
}

/* Versions imported from another register: the state they came with is
 * in the log (import-version entries) and checked like any other. */
static void
test_state_imported (void)
{
  g_autoptr(TestDir) source = test_dir_new ();
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *uuid = draft_record (source->path, "Sent elsewhere");
  g_autoptr(InvolveStore) from = NULL;
  g_autoptr(InvolveStore) to = NULL;
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  const char * const status_words[] = { "version 1", "“withdrawn”", NULL };
  const char * const reason_words[] = { "version 1", "imported", NULL };

  from = open_store (source->path, &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_submit (from, uuid, NULL, &error));
  g_assert_no_error (error);
  g_ptr_array_add (versions, involve_store_load_record (from, uuid, 1, &error));
  g_assert_no_error (error);
  to = open_store (td->path, &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_import_record (to, versions, "sent.xml", &error));
  g_assert_no_error (error);
  g_assert_true (involve_store_verify (to, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&to);

  if (store_test_on_server ())
    {
      /* What it came with stays as it came, awaiting sign-off. */
      server_refuses (td->path, "UPDATE versions SET status_reason = 'Not needed', fingerprint = NULL",
                      "23000", "a version awaiting sign-off cannot be changed: recall it first", reason_words);
      return;
    }
  raw_exec (td->path, "UPDATE versions SET status = 'withdrawn'; UPDATE records SET status = 'withdrawn';");
  expect_verify (td->path, FALSE, status_words);
  raw_exec (td->path, DROP_TRIGGERS
            "UPDATE versions SET status = 'awaiting-sign-off', status_reason = 'Not needed';"
            "UPDATE records SET status = 'awaiting-sign-off';");
  expect_verify (td->path, FALSE, reason_words);
}

/* Heads */

static InvolveStore *
open_or_die (const char *path)
{
  g_autoptr(GError) error = NULL;
  InvolveStore *store = open_store (path, &error);

  g_assert_no_error (error);
  return store;
}

static void
remove_own_heads (InvolveStore *store)
{
  g_autofree char *beside = g_strconcat (involve_store_get_path (store), ".head", NULL);
  g_autofree char *id = involve_store_dup_register_id (store, NULL);
  g_autofree char *name = g_strconcat (id, ".head", NULL);
  g_autofree char *data = g_build_filename (g_get_user_data_dir (), "involve", "heads", name, NULL);

  g_unlink (beside);
  g_unlink (data);
}

static void
test_head_format (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *uuid = draft_record (td->path, "A draft");
  g_autoptr(InvolveStore) store = open_or_die (td->path);
  g_autoptr(InvolveHead) head = NULL;
  g_autoptr(InvolveHead) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GBytes) data = NULL;
  gint64 n = 0;

  /* Nobody's key unlocked: the head goes unsigned and says so. */
  involve_store_set_identity (store, NULL);
  head = involve_store_dup_head (store, &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_get_audit_head (store, &n, &hash, &error));
  g_assert_cmpint (head->entries, ==, n);
  g_assert_cmpstr (head->hash, ==, hash);
  g_assert_cmpuint (strlen (head->register_id), >=, 16);
  g_assert_null (head->signature);

  text = involve_head_to_string (head);
  g_assert_true (g_str_has_prefix (text, "involve-head-1 register="));
  parsed = involve_head_parse (text, &error);
  g_assert_no_error (error);
  again = involve_head_to_string (parsed);
  g_assert_cmpstr (text, ==, again);
  description = involve_head_dup_description (head);
  g_assert_nonnull (strstr (description, "not signed"));

  data = involve_head_dup_signed_data (head);
  {
    g_autofree char *start = g_strdup_printf ("involve-head-1\nregister=%zu:%s\nentries=",
                                              strlen (head->register_id), head->register_id);

    g_assert_true (g_str_has_prefix (g_bytes_get_data (data, NULL), start));
  }

  /* Bad input is refused, never half-read. */
  {
    const char *bad[] = { "", "involve-head-2 register=x", "involve-head-1 entries=1",
                          "involve-head-1 register=not-a-uuid entries=1 hash=00 time=1",
                          "involve-head-1 register=9b2f0c3e-6a47-4d1c-8e0f-2a5b7c9d1e3f entries=-1 hash="
                          "0000000000000000000000000000000000000000000000000000000000000000 time=1",
                          "involve-head-1 register=9b2f0c3e-6a47-4d1c-8e0f-2a5b7c9d1e3f entries=1 hash="
                          "0000000000000000000000000000000000000000000000000000000000000000 time=1 signature=AAAA" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GError) bad_error = NULL;

        g_assert_null (involve_head_parse (bad[i], &bad_error));
        g_assert_error (bad_error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID);
      }
  }

  g_assert_true (involve_store_check_head (store, head, "a.xml", &error));
  g_assert_no_error (error);
  g_assert_true (involve_store_log_event (store, INVOLVE_AUDIT_EXPORT, NULL, 0, "later", &error));
  g_assert_true (involve_store_check_head (store, head, "a.xml", &error));
  g_assert_no_error (error);
}

static void
test_head_truncation (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *first = draft_record (td->path, "First");
  g_autofree char *second = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveHead) early = NULL;
  g_autoptr(InvolveHead) late = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  gint64 keep;

  store = open_or_die (td->path);
  early = involve_store_dup_head (store, &error);
  g_assert_no_error (error);
  keep = early->entries;
  g_clear_object (&store);
  second = draft_record (td->path, "Second");
  store = open_or_die (td->path);
  late = involve_store_dup_head (store, &error);   /* as an exported PDF would */
  g_assert_no_error (error);
  g_clear_object (&store);
  expect_verify (td->path, TRUE, NULL);

  /* The tail of the log goes, with the record it was about. */
  sql = g_strdup_printf ("%s"
                         "DELETE FROM audit WHERE id > %" G_GINT64_FORMAT ";"
                         "DELETE FROM field_values WHERE version_id IN (SELECT v.id FROM versions v"
                         "  JOIN records r ON r.id = v.record_id WHERE r.uuid = '%s');"
                         "DELETE FROM versions WHERE record_id IN (SELECT id FROM records WHERE uuid = '%s');"
                         "DELETE FROM search_text WHERE reference = (SELECT reference FROM records WHERE uuid = '%s');"
                         "DELETE FROM records WHERE uuid = '%s';",
                         store_test_on_server () ? "" : DROP_TRIGGERS, keep, second, second, second, second);
  if (store_test_on_server ())
    {
      g_autofree char *before = server_digest (td->path);

      /* Nobody in the register may; the server's superuser may (as a
       * restore of an old dump would). */
      assert_server_refuses_all (td->path, sql, "42501", "permission denied for table audit");
      assert_server_untouched (td->path, before);
      server_superuser_tamper (td->path, sql);
    }
  else
    raw_exec (td->path, sql);

  /* The head recorded beside it and in the user's folder catches it. */
  {
    g_autofree char *count = involve_format_count (keep);
    const char * const words[] = { count, "rolled back", NULL };

    expect_verify (td->path, FALSE, words);
  }

  /* Even without those, the file exported earlier does. */
  store = open_or_die (td->path);
  remove_own_heads (store);
  g_assert_true (involve_store_verify (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (involve_store_check_head (store, early, "early.xml", &error));
  g_assert_no_error (error);
  g_assert_false (involve_store_check_head (store, late, "report.pdf", &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
  g_test_message ("%s", error->message);
  {
    g_autofree char *ours = involve_format_count (keep);
    g_autofree char *theirs = involve_format_count (late->entries);
    g_autofree char *expected =
      g_strdup_printf ("This register has only %s audit entries but report.pdf was exported when it had %s: "
                       "entries have been removed or the register was rolled back.", ours, theirs);

    g_assert_cmpstr (error->message, ==, expected);
  }
}

static void
test_head_rollback (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *first = draft_record (td->path, "First");
  g_autofree char *second = NULL;
  g_autofree char *copy = g_build_filename (td->dir, "old-backup.sqlite", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveHead) late = NULL;
  g_autoptr(InvolveHead) in_backup = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  STORE_TEST_FILE_ONLY ("an old backup file put in the register file's place; "
                        "an old dump restored on a server is head/truncation's case");
  store = open_or_die (td->path);
  g_assert_true (involve_store_backup (store, copy, &error));
  g_assert_no_error (error);
  in_backup = involve_store_read_backup_head (copy, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  second = draft_record (td->path, "Second");
  store = open_or_die (td->path);
  late = involve_store_dup_head (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (late->entries, >, in_backup->entries);
  g_assert_cmpstr (late->register_id, ==, in_backup->register_id);
  g_clear_object (&store);

  /* The old backup put in the register's place. */
  g_assert_true (g_file_get_contents (copy, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (td->path, contents, length, NULL));
  {
    const char * const words[] = { "rolled back", NULL };

    expect_verify (td->path, FALSE, words);
  }
  store = open_or_die (td->path);
  g_assert_true (involve_store_check_head (store, in_backup, "old-backup.sqlite", &error));
  g_assert_no_error (error);
  g_assert_false (involve_store_check_head (store, late, "INV-2026-0002.xml", &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
  g_assert_nonnull (strstr (error->message, "rolled back"));
}

static void
test_head_rolling_backup (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *first = draft_record (td->path, "First");
  g_autoptr(InvolveStore) store = open_or_die (td->path);
  g_autoptr(InvolveHead) head = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *backups = involve_store_dup_backup_dir (store);
  g_autofree char *copy = NULL;
  const char *name;
  gint64 n = 0;

  STORE_TEST_FILE_ONLY ("rolling backups are files beside a register file; "
                        "a team register is backed up with the server's own tools");
  g_assert_true (involve_store_rolling_backup (store, &error));
  g_assert_no_error (error);
  dir = g_dir_open (backups, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_suffix (name, ".sqlite"))
        copy = g_build_filename (backups, name, NULL);
    }
  g_assert_nonnull (copy);
  head = involve_store_read_backup_head (copy, &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_get_audit_head (store, &n, NULL, NULL));
  g_assert_cmpint (head->entries, ==, n);
  g_assert_null (head->signature);
  g_assert_true (involve_store_check_head (store, head, name != NULL ? name : "backup", &error));
  g_assert_no_error (error);
}

/* A backup checked where it lies is not the register; a deliberate,
 * audited restore moves the recorded head back with it. */
static void
test_head_backup_and_restore (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *first = draft_record (td->path, "First");
  g_autofree char *second = NULL;
  g_autofree char *copy = g_build_filename (td->dir, "copy.sqlite", NULL);
  g_autoptr(InvolveStore) store = open_or_die (td->path);
  g_autoptr(InvolveStore) backup = NULL;
  g_autoptr(InvolveHead) late = NULL;
  g_autoptr(GError) error = NULL;

  STORE_TEST_FILE_ONLY ("a backup file restored in the register file's place; "
                        "a team register is restored with the server's own tools");
  g_assert_true (involve_store_backup (store, copy, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  second = draft_record (td->path, "Second");
  store = open_or_die (td->path);
  late = involve_store_dup_head (store, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  backup = open_or_die (copy);
  g_assert_true (involve_store_verify (backup, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&backup);

  g_assert_true (involve_store_restore_backup (td->path, copy, NULL, &error));
  g_assert_no_error (error);
  expect_verify (td->path, TRUE, NULL);
}

static void
test_head_rewritten (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *first = draft_record (td->path, "First");
  g_autoptr(InvolveStore) store = open_or_die (td->path);
  g_autoptr(InvolveHead) head = NULL;
  g_autoptr(GError) error = NULL;

  involve_store_set_identity (store, NULL);
  head = involve_store_dup_head (store, &error);
  g_assert_no_error (error);
  /* Another copy of the register, or one rewritten from entry N. */
  memset (head->hash, 'a', 64);
  g_assert_false (involve_store_check_head (store, head, "a.xml", &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
  g_assert_nonnull (strstr (error->message, "rewritten"));
  g_clear_error (&error);

  /* A head of another register proves nothing here. */
  g_free (head->register_id);
  head->register_id = g_uuid_string_random ();
  g_assert_false (involve_store_check_head (store, head, "a.xml", &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID);
}

static void
test_head_signed (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *first = draft_record (td->path, "First");
  g_autoptr(InvolveStore) store = open_or_die (td->path);
  g_autoptr(InvolveIdentity) identity = NULL;
  g_autoptr(InvolveHead) head = NULL;
  g_autoptr(InvolveHead) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *description = NULL;

  identity = involve_identity_generate ("Alex Officer", "alex.officer@example.org", "Northshire ICB",
                                        INVOLVE_KEY_ECDSA_P256, 30, &error);
  g_assert_no_error (error);
  involve_store_set_identity (store, identity);
  head = involve_store_dup_head (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (head->signature);
  g_assert_true (involve_head_check_signature (head, &error));
  g_assert_no_error (error);
  description = involve_head_dup_description (head);
  g_assert_nonnull (strstr (description, "Alex Officer"));

  text = involve_head_to_string (head);
  parsed = involve_head_parse (text, &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_check_head (store, parsed, "a.xml", &error));
  g_assert_no_error (error);

  /* The number changed in the file: the signature no longer holds. */
  parsed->entries -= 1;
  g_assert_false (involve_store_check_head (store, parsed, "a.xml", &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
  g_assert_nonnull (strstr (error->message, "signature"));
  g_test_message ("%s", error->message);
}

static char *
head_field (const char *line,
            const char *name)
{
  g_auto(GStrv) words = g_strsplit (line, " ", -1);
  g_autofree char *prefix = g_strconcat (name, "=", NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (g_str_has_prefix (words[i], prefix))
        return g_strdup (words[i] + strlen (prefix));
    }
  return NULL;
}

/* A third party with openssl alone, following docs/heads.md. */
static void
test_head_openssl (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *first = draft_record (td->path, "First");
  g_autoptr(InvolveStore) store = open_or_die (td->path);
  g_autoptr(InvolveIdentity) identity = NULL;
  g_autoptr(InvolveHead) head = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *register_id = NULL, *entries = NULL, *hash = NULL, *time = NULL;
  g_autofree char *signature = NULL, *certificate = NULL;
  g_autofree char *data = NULL;
  g_autofree guchar *signature_der = NULL;
  g_autofree guchar *certificate_der = NULL;
  g_autofree char *data_path = g_build_filename (td->dir, "head.data", NULL);
  g_autofree char *sig_path = g_build_filename (td->dir, "head.sig", NULL);
  g_autofree char *cert_path = g_build_filename (td->dir, "signer.der", NULL);
  g_autofree char *pub_path = g_build_filename (td->dir, "signer.pub", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gsize signature_len = 0, certificate_len = 0;
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  int status = -1;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  identity = involve_identity_generate ("Alex Officer", NULL, NULL, INVOLVE_KEY_ECDSA_P256, 30, &error);
  g_assert_no_error (error);
  involve_store_set_identity (store, identity);
  head = involve_store_dup_head (store, &error);
  g_assert_no_error (error);
  line = involve_head_to_string (head);

  register_id = head_field (line, "register");
  entries = head_field (line, "entries");
  hash = head_field (line, "hash");
  time = head_field (line, "time");
  signature = head_field (line, "signature");
  certificate = head_field (line, "certificate");
  g_assert_nonnull (signature);
  g_assert_nonnull (certificate);
  data = g_strdup_printf ("involve-head-1\nregister=%zu:%s\nentries=%zu:%s\nhash=%zu:%s\ntime=%zu:%s\n",
                          strlen (register_id), register_id, strlen (entries), entries,
                          strlen (hash), hash, strlen (time), time);
  signature_der = g_base64_decode (signature, &signature_len);
  certificate_der = g_base64_decode (certificate, &certificate_len);
  g_assert_true (g_file_set_contents (data_path, data, -1, NULL));
  g_assert_true (g_file_set_contents (sig_path, (const char *) signature_der, signature_len, NULL));
  g_assert_true (g_file_set_contents (cert_path, (const char *) certificate_der, certificate_len, NULL));

  {
    const char *x509[] = { "openssl", "x509", "-inform", "DER", "-in", cert_path, "-pubkey", "-noout",
                           "-out", pub_path, NULL };
    const char *dgst[] = { "openssl", "dgst", "-sha256", "-verify", pub_path, "-signature", sig_path,
                           data_path, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) x509, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_cmpint (status, ==, 0);
    g_assert_true (g_spawn_sync (NULL, (char **) dgst, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
    g_test_message ("openssl: %s%s", out, err);
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpstr (out, ==, "Verified OK\n");

    /* One digit changed: openssl refuses it too. */
    data[strlen (data) - 3] ^= 1;
    g_assert_true (g_file_set_contents (data_path, data, -1, NULL));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_true (g_spawn_sync (NULL, (char **) dgst, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_cmpint (status, !=, 0);
  }
}

static void
test_head_seen (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(TestDir) other_td = test_dir_new ();
  g_autofree char *first = draft_record (td->path, "First");
  g_autofree char *theirs = draft_record (other_td->path, "Theirs");
  g_autoptr(InvolveStore) store = open_or_die (td->path);
  g_autoptr(InvolveStore) other = open_or_die (other_td->path);
  g_autoptr(InvolveHead) head = NULL;
  g_autoptr(InvolveHead) own = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before = 0;
  gint64 after = 0;
  sqlite3 *db = involve_store_get_db (store);

  /* Unsigned, so that the forged one below fails on its hash alone. */
  involve_store_set_identity (other, NULL);
  head = involve_store_dup_head (other, &error);
  g_assert_no_error (error);
  own = involve_store_dup_head (store, &error);
  g_assert_no_error (error);
  g_assert_true (involve_store_get_audit_head (store, &before, NULL, NULL));

  g_assert_true (involve_store_remember_head (store, own, "mine.xml", &error));
  g_assert_true (involve_store_remember_head (store, head, "theirs.xml", &error));
  g_assert_no_error (error);
  g_assert_true (involve_store_remember_head (store, head, "theirs-again.xml", &error));
  g_assert_no_error (error);
  g_assert_true (involve_store_get_audit_head (store, &after, NULL, NULL));
  g_assert_cmpint (after, ==, before + 1);   /* once, and not our own */

  seen = involve_store_list_seen_heads (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (((InvolveHead *) seen->pdata[0])->hash, ==, head->hash);
  audit = involve_store_list_audit (store, NULL, &error);
  g_assert_cmpstr (((InvolveAuditEntry *) audit->pdata[audit->len - 1])->kind, ==, INVOLVE_AUDIT_SEEN_HEAD);

  /* That register cannot have had another entry N. */
  memset (head->hash, 'b', 64);
  g_assert_false (involve_store_remember_head (store, head, "forged.xml", &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
  g_assert_nonnull (strstr (error->message, "rewritten"));
  g_clear_error (&error);

  if (store_test_on_server ())
    {
      /* Append-only for the register's people; what the server's
       * superuser does behind it, verify catches. */
      g_autofree char *digest = server_digest (td->path);

      assert_server_refuses_all (td->path, "UPDATE seen_heads SET entries = 1", "42501",
                                 "permission denied for table seen_heads");
      assert_server_refuses_all (td->path, "DELETE FROM seen_heads", "42501",
                                 "permission denied for table seen_heads");
      assert_server_untouched (td->path, digest);
      g_assert_true (involve_store_verify (store, NULL, &error));
      g_assert_no_error (error);
      server_superuser_tamper (td->path, "UPDATE seen_heads SET entries = 1");
      g_assert_false (involve_store_verify (store, NULL, &error));
      g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
      g_assert_nonnull (strstr (error->message, "kept by audit entry"));
      g_clear_error (&error);
      server_superuser_tamper (td->path, "DELETE FROM seen_heads");
      g_assert_false (involve_store_verify (store, NULL, &error));
      g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
      g_assert_nonnull (strstr (error->message, "are left"));
      return;
    }

  /* Append-only; and verify catches the triggers dropped. */
  g_assert_cmpint (sqlite3_exec (db, "UPDATE seen_heads SET entries = 1", NULL, NULL, NULL), !=, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM seen_heads", NULL, NULL, NULL), !=, SQLITE_OK);
  g_assert_true (involve_store_verify (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER seen_heads_no_update; UPDATE seen_heads SET entries = 1",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_false (involve_store_verify (store, NULL, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
  g_assert_nonnull (strstr (error->message, "kept by audit entry"));
  g_clear_error (&error);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER seen_heads_no_delete; DELETE FROM seen_heads",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_false (involve_store_verify (store, NULL, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
  g_assert_nonnull (strstr (error->message, "are left"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = test_util_isolate_user_dirs ();

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anchors/state/happy-path", test_state_happy_path);
  g_test_add_func ("/anchors/state/status-update", test_state_status_update);
  g_test_add_func ("/anchors/state/list-status", test_state_list_status);
  g_test_add_func ("/anchors/state/value-deleted", test_state_value_deleted);
  g_test_add_func ("/anchors/state/value-reverted", test_state_value_reverted);
  g_test_add_func ("/anchors/state/cleared-value-restored", test_state_cleared_value_restored);
  g_test_add_func ("/anchors/state/reviewer-block", test_state_reviewer_block);
  g_test_add_func ("/anchors/state/decision-added", test_state_decision_added);
  g_test_add_func ("/anchors/state/summary", test_state_summary);
  g_test_add_func ("/anchors/state/version-deleted", test_state_version_deleted);
  g_test_add_func ("/anchors/state/imported", test_state_imported);
  g_test_add_func ("/anchors/head/format", test_head_format);
  g_test_add_func ("/anchors/head/truncation", test_head_truncation);
  g_test_add_func ("/anchors/head/rollback", test_head_rollback);
  g_test_add_func ("/anchors/head/rolling-backup", test_head_rolling_backup);
  g_test_add_func ("/anchors/head/backup-and-restore", test_head_backup_and_restore);
  g_test_add_func ("/anchors/head/rewritten", test_head_rewritten);
  g_test_add_func ("/anchors/head/signed", test_head_signed);
  g_test_add_func ("/anchors/head/openssl", test_head_openssl);
  g_test_add_func ("/anchors/head/seen", test_head_seen);

  {
    int status = g_test_run ();

    test_util_remove_tree (home);
    return status;
  }
}
