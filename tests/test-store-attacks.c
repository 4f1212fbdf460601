/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The attacks of issue 10 on sign-off, each with the message a user sees:
 * self sign-off under another name (renamed profile, homoglyph, zero-width
 * space) with the same key; an untrusted key; hand-written, forged,
 * request-less and backdated responses; the one-UPDATE status change; a
 * chain rehashed after changing a signed answer; stripped signatures; a
 * trust list edited behind the register's back.  And a third party's
 * check of a signed act with openssl alone.
 *
 * On a team register the tampering is tried by the register's own people
 * on the server (server-attack-test-util.h): the server refuses each, and
 * verify still passes because nothing changed.
 */
#include "config.h"

#include <string.h>

#include "server-attack-test-util.h"
#include "store-test-util.h"

#define DROP_TRIGGERS \
  "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;" \
  "DROP TRIGGER IF EXISTS values_locked_insert; DROP TRIGGER IF EXISTS values_locked_update;" \
  "DROP TRIGGER IF EXISTS values_locked_delete; DROP TRIGGER IF EXISTS versions_locked_update;" \
  "DROP TRIGGER IF EXISTS versions_locked_delete; DROP TRIGGER IF EXISTS versions_signed_locked;" \
  "DROP TRIGGER IF EXISTS audit_signatures_no_update; DROP TRIGGER IF EXISTS audit_signatures_no_delete;" \
  "DROP TRIGGER IF EXISTS trust_no_update; DROP TRIGGER IF EXISTS trust_no_delete;"

/* A filled record submitted by the officer; the reviewer is trusted. */
static char *
submitted_record (InvolveStore *store)
{
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_no_error (error);
  fill_record (store, record, "Moving the podiatry clinic");
  g_assert_true (involve_store_submit (store, involve_record_get_uuid (record), NULL, &error));
  g_assert_no_error (error);
  trust_reviewer (store);
  return g_strdup (involve_record_get_uuid (record));
}

static InvolveStatus
status_of (InvolveStore *store,
           const char   *uuid)
{
  g_autoptr(InvolveRecord) record = involve_store_load_record (store, uuid, 0, NULL);

  return involve_record_get_status (record);
}

/* The newest audit entry of @uuid (or of the register). */
static InvolveAuditEntry *
last_entry (InvolveStore *store,
            const char   *uuid)
{
  g_autoptr(GPtrArray) entries = involve_store_list_audit (store, uuid, NULL);

  g_assert_nonnull (entries);
  g_assert_cmpuint (entries->len, >, 0);
  return involve_audit_entry_copy (entries->pdata[entries->len - 1]);
}

static void
assert_refusal_logged (InvolveStore *store,
                       const char   *uuid,
                       const char   *who)
{
  g_autoptr(InvolveAuditEntry) entry = last_entry (store, uuid);

  g_assert_cmpstr (entry->kind, ==, INVOLVE_AUDIT_REFUSED);
  g_assert_cmpstr (entry->new_value, ==, involve_certificate_get_fingerprint (test_certificate (who)));
  g_test_message ("audit: %s", entry->details);
}

static void
test_self_sign_off_other_names (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = open_store (td->path, &error);
  g_autofree char *uuid = submitted_record (store);
  /* A renamed profile, a Greek omicron, a zero-width space. */
  const char *names[] = { "Sam Reviewer", "\xce\x9f. Pritchard", "Alex\xe2\x80\x8b Officer" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(InvolveSignOff) block = reviewer (names[i], "someone.else@example.org");

      involve_store_set_profile_name (store, names[i]);
      involve_store_set_os_account (store, "someone-else");
      g_assert_false (involve_store_sign_off (store, uuid, block, &error));
      g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_SAME_PERSON);
      g_assert_nonnull (strstr (error->message, "same signing key"));
      g_test_message ("%s: %s", names[i], error->message);
      g_clear_error (&error);
      assert_refusal_logged (store, uuid, "officer");
      g_assert_cmpint (status_of (store, uuid), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);
    }
  g_assert_true (involve_store_verify (store, NULL, &error));
  g_assert_no_error (error);
}

static void
test_untrusted_key (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = open_store (td->path, &error);
  g_autofree char *uuid = submitted_record (store);
  g_autoptr(InvolveSignOff) block = reviewer ("Robin Other", NULL);

  act_as (store, "other");
  g_assert_false (involve_store_sign_off (store, uuid, block, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_UNTRUSTED);
  g_assert_nonnull (strstr (error->message, "is not trusted to sign off records"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  assert_refusal_logged (store, uuid, "other");

  /* Nor may they trust themselves: only an administrator changes the list. */
  g_assert_false (involve_store_trust_add (store, test_certificate ("other"), INVOLVE_TRUST_SIGN_OFF, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_UNTRUSTED);
  g_clear_error (&error);

  /* Nor submit what they were not trusted to complete. */
  {
    g_autoptr(InvolveRecord) record = involve_store_create_record (store, "icb-14z45", &error);

    fill_record (store, record, "Their own");
    g_assert_false (involve_store_submit (store, involve_record_get_uuid (record), NULL, &error));
    g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_UNTRUSTED);
    g_assert_nonnull (strstr (error->message, "not trusted to complete records"));
    g_clear_error (&error);
  }

  /* Without a key at all. */
  act_as (store, NULL);
  g_assert_false (involve_store_sign_off (store, uuid, block, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_NO_IDENTITY);
  g_assert_nonnull (strstr (error->message, "Signing off needs your signing key"));
  g_clear_error (&error);
  g_assert_cmpint (status_of (store, uuid), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);
}

static void
test_forged_responses (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = open_store (td->path, &error);
  g_autofree char *uuid = submitted_record (store);
  g_autoptr(InvolveRecord) record = involve_store_load_record (store, uuid, 0, NULL);
  g_autofree char *fingerprint = involve_fingerprint_compute (record);
  g_autoptr(InvolveSignOff) block = reviewer ("Sam Reviewer", "sam.reviewer@example.org");

  block->decision = g_strdup ("signed-off");

  /* Hand-written, naming any reviewer: no signature. */
  g_assert_false (involve_store_apply_sign_off (store, uuid, 1, fingerprint, block, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_BAD_SIGNATURE);
  g_assert_nonnull (strstr (error->message, "not signed by the reviewer"));
  g_clear_error (&error);

  /* Signed, then its decision changed: the signature no longer fits. */
  {
    g_autoptr(GBytes) data = NULL;
    g_autoptr(GBytes) signature = NULL;
    g_autofree char *text = NULL;
    g_autoptr(GBytes) altered = NULL;
    char *found;

    block->comments = g_strdup ("Agreed.");
    make_response (store, uuid, 1, "reviewer", block, 0, &data, &signature);
    text = g_strndup (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
    found = strstr (text, "Agreed.");
    g_assert_nonnull (found);
    found[0] = 'a';
    altered = g_bytes_new (text, strlen (text));
    g_assert_false (involve_store_apply_signed_response (store, altered, signature, test_certificate ("reviewer"), &error));
    g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_BAD_SIGNATURE);
    g_assert_nonnull (strstr (error->message, "does not verify"));
    g_test_message ("%s", error->message);
    g_clear_error (&error);

    /* The right act with another person's certificate attached. */
    g_assert_false (involve_store_apply_signed_response (store, data, signature, test_certificate ("other"), &error));
    g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_BAD_SIGNATURE);
    g_clear_error (&error);
  }

  /* Properly signed by a key nobody trusted. */
  {
    g_autoptr(GBytes) data = NULL;
    g_autoptr(GBytes) signature = NULL;

    make_response (store, uuid, 1, "other", block, 0, &data, &signature);
    g_assert_false (involve_store_apply_signed_response (store, data, signature, test_certificate ("other"), &error));
    g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_UNTRUSTED);
    g_clear_error (&error);
    assert_refusal_logged (store, uuid, "other");
  }

  /* Signed by the completer's own key. */
  {
    g_autoptr(GBytes) data = NULL;
    g_autoptr(GBytes) signature = NULL;

    make_response (store, uuid, 1, "officer", block, 0, &data, &signature);
    g_assert_false (involve_store_apply_signed_response (store, data, signature, test_certificate ("officer"), &error));
    g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_SAME_PERSON);
    g_clear_error (&error);
  }
  g_assert_cmpint (status_of (store, uuid), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);
}

/* A response signed by the trusted reviewer, with its act changed by
 * @edit before signing. */
static void
signed_edited_response (InvolveStore         *store,
                        const char           *uuid,
                        const InvolveSignOff *block,
                        void                (*edit) (InvolveAct *act),
                        GBytes              **data,
                        GBytes              **signature)
{
  g_autoptr(GBytes) original = NULL;
  g_autoptr(GBytes) original_signature = NULL;
  g_autoptr(InvolveAct) act = NULL;
  g_autoptr(GError) error = NULL;

  make_response (store, uuid, 1, "reviewer", block, 0, &original, &original_signature);
  act = involve_act_parse (original, &error);
  g_assert_no_error (error);
  edit (act);
  *data = involve_act_serialise (act);
  *signature = involve_identity_sign (test_identity ("reviewer"), *data, &error);
  g_assert_no_error (error);
}

static void
no_request (InvolveAct *act)
{
  g_free (act->request);
  act->request = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "no such request", -1);
}

static void
backdated (InvolveAct *act)
{
  /* Before the submission, yet while the reviewer's key was valid. */
  act->time_usec -= 20 * G_USEC_PER_SEC;
}

static void
test_request_and_time (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = open_store (td->path, &error);
  g_autofree char *uuid = submitted_record (store);
  g_autoptr(InvolveSignOff) block = reviewer ("Sam Reviewer", "sam.reviewer@example.org");
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) signature = NULL;

  block->decision = g_strdup ("signed-off");

  signed_edited_response (store, uuid, block, no_request, &data, &signature);
  g_assert_false (involve_store_apply_signed_response (store, data, signature, test_certificate ("reviewer"), &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_FINGERPRINT_MISMATCH);
  g_assert_nonnull (strstr (error->message, "no matching request"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_clear_pointer (&data, g_bytes_unref);
  g_clear_pointer (&signature, g_bytes_unref);

  signed_edited_response (store, uuid, block, backdated, &data, &signature);
  g_assert_false (involve_store_apply_signed_response (store, data, signature, test_certificate ("reviewer"), &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_FINGERPRINT_MISMATCH);
  g_assert_nonnull (strstr (error->message, "backdated"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* A version never submitted with a signature has no request at all. */
  {
    g_autoptr(InvolveRecord) record = involve_store_create_record (store, "icb-14z45", &error);
    g_autoptr(InvolveAct) act = NULL;

    act = involve_act_parse (data, NULL);
    g_free (act->record_uuid);
    act->record_uuid = g_strdup (involve_record_get_uuid (record));
    g_clear_pointer (&data, g_bytes_unref);
    g_clear_pointer (&signature, g_bytes_unref);
    data = involve_act_serialise (act);
    signature = involve_identity_sign (test_identity ("reviewer"), data, NULL);
    g_assert_false (involve_store_apply_signed_response (store, data, signature, test_certificate ("reviewer"), &error));
    g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_FINGERPRINT_MISMATCH);
    g_assert_nonnull (strstr (error->message, "no matching request"));
    g_clear_error (&error);
  }
  g_assert_cmpint (status_of (store, uuid), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);

  /* On a team register a decision carries the server's time alone: no
   * login writes the response's own (here backdated) time as the time of
   * the decision, and only a reviewer decides at all. */
  if (store_test_on_server ())
    {
      g_autoptr(InvolveAct) act = involve_act_parse (data, NULL);
      g_autofree char *sql =
        g_strdup_printf ("UPDATE versions SET decision = 'signed-off', decided_usec = %" G_GINT64_FORMAT
                         " WHERE record_id = (SELECT id FROM records WHERE uuid = '%s')",
                         act->time_usec, uuid);
      const struct { const char *who; const char *words; } logins[] = {
        { "officer", "only a reviewer of this register can sign off" },
        { "reviewer", "a decision carries the server's time" },
      };

      for (guint i = 0; i < G_N_ELEMENTS (logins); i++)
        {
          g_autofree char *state = NULL;

          g_assert_false (store_test_server_exec_as (td->path, logins[i].who, sql, &state, &error));
          g_test_message ("%s: %s", logins[i].who, error->message);
          g_assert_cmpstr (state, ==, "42501");
          g_assert_nonnull (strstr (error->message, logins[i].words));
          g_clear_error (&error);
        }
      g_assert_cmpint (status_of (store, uuid), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);
      g_assert_true (involve_store_verify (store, NULL, &error));
      g_assert_no_error (error);
    }
}

static void
expect_tampered (const char *path,
                 const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = open_store (path, &error);

  g_assert_no_error (error);
  g_assert_false (involve_store_verify (store, NULL, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_TAMPERED);
  g_test_message ("verify: %s", error->message);
  g_assert_nonnull (strstr (error->message, words));
}

static void
test_one_update_status (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;

  {
    g_autoptr(InvolveStore) store = open_store (td->path, &error);
    uuid = submitted_record (store);
  }
  if (store_test_on_server ())
    {
      g_autofree char *before = server_digest (td->path);
      const char *sign_off = "UPDATE versions SET status = 'signed-off', reviewer_name = 'Sam Reviewer',"
                             " decision = 'signed-off', decided_fingerprint = fingerprint";
      g_autofree char *both = g_strconcat (sign_off, "; UPDATE records SET status = 'signed-off'", NULL);

      assert_server_keeps_triggers (td->path);
      /* Only a reviewer decides. */
      assert_server_refuses (td->path, "officer", both, "42501", "only a reviewer");
      assert_server_refuses (td->path, "other", both, "42501", "only a reviewer");
      /* A reviewer's decision carries the server's time, in the
       * transaction that writes it. */
      assert_server_refuses (td->path, "reviewer", both, "23000", "written in the same transaction");
      /* The list's summary alone: it must say what the version is. */
      assert_server_refuses_all (td->path, "UPDATE records SET status = 'signed-off'", "23000",
                                 "but that version is awaiting-sign-off");
      assert_server_untouched (td->path, before);

      /* The reviewer may decide, so the server takes a decision with its
       * time; without the signed act, verify tells. */
      {
        g_autoptr(GError) sql_error = NULL;

        g_assert_true (store_test_server_exec_as (td->path, "reviewer",
                                                  "UPDATE versions SET reviewer_name = 'Sam Reviewer',"
                                                  " decision = 'signed-off', decided_fingerprint = fingerprint,"
                                                  " decided_usec = involve.now_usec ();"
                                                  " UPDATE versions SET status = 'signed-off';"
                                                  " UPDATE records SET status = 'signed-off'",
                                                  NULL, &sql_error));
        g_assert_no_error (sql_error);
        expect_tampered (td->path, "holds no sign-off for it");
      }
      return;
    }
  /* Triggers dropped, then one UPDATE: a draft "signed off". */
  raw_exec (td->path, DROP_TRIGGERS
            "UPDATE versions SET status = 'signed-off', reviewer_name = 'Sam Reviewer', decision = 'signed-off',"
            " decided_fingerprint = fingerprint;"
            "UPDATE records SET status = 'signed-off';");
  expect_tampered (td->path, "holds no sign-off for it");
}

/* Recomputes every audit hash in order, as somebody without the keys can. */
static void
rehash_chain (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GString) sql = g_string_new (DROP_TRIGGERS);
  g_autofree char *prev = g_strnfill (64, '0');

  store = open_store (path, &error);
  entries = involve_store_list_audit (store, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  for (guint i = 0; i < entries->len; i++)
    {
      InvolveAuditEntry *entry = entries->pdata[i];
      g_autofree char *hash = NULL;

      g_free (entry->prev_hash);
      entry->prev_hash = g_strdup (prev);
      hash = involve_audit_entry_compute_hash (entry);
      g_string_append_printf (sql, "UPDATE audit SET prev_hash = '%s', hash = '%s' WHERE id = %" G_GINT64_FORMAT ";",
                              prev, hash, entry->id);
      g_free (prev);
      prev = g_steal_pointer (&hash);
    }
  raw_exec (path, sql->str);
}

static void
test_rehashed_chain (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *sql = NULL;

  {
    g_autoptr(InvolveStore) store = open_store (td->path, &error);
    g_autoptr(InvolveRecord) record = NULL;

    uuid = submitted_record (store);
    sign_off_as_reviewer (store, uuid);
    g_assert_true (involve_store_verify (store, NULL, &error));
    g_assert_no_error (error);

    /* What the signed answer will say, and the fingerprint it will give. */
    record = involve_store_load_record (store, uuid, 0, &error);
    involve_record_set_value (record, "title", g_variant_new_string ("Closing the podiatry clinic"));
    fingerprint = involve_fingerprint_compute (record);
  }

  if (store_test_on_server ())
    {
      g_autofree char *before = server_digest (td->path);
      g_autofree char *fingerprints = g_strdup_printf ("UPDATE versions SET fingerprint = '%s', decided_fingerprint = '%s'",
                                                       fingerprint, fingerprint);

      assert_server_keeps_triggers (td->path);
      assert_server_refuses_all (td->path, "UPDATE field_values SET value = '''Closing the podiatry clinic'''"
                                           " WHERE field_id = 'title'",
                                 "23000", "the values of a signed-off version cannot be changed");
      assert_server_refuses_all (td->path, fingerprints, "23000", "a signed-off or withdrawn version cannot be changed");
      /* The log is append-only: no UPDATE privilege, whoever asks. */
      assert_server_refuses_all (td->path, "UPDATE audit SET new_value = '''Closing the podiatry clinic'''"
                                           " WHERE field_id = 'title'",
                                 "42501", "permission denied for table audit");
      assert_server_refuses_all (td->path, "UPDATE audit SET prev_hash = hash", "42501",
                                 "permission denied for table audit");
      /* Nor is an entry written again in place of the last. */
      assert_server_refuses_all (td->path, "INSERT INTO audit (id, time_usec, account, kind, prev_hash, hash)"
                                           " SELECT id, time_usec, account, 'sign-off', prev_hash, hash FROM audit"
                                           " ORDER BY id DESC LIMIT 1",
                                 "23000", "does not follow the last entry");
      assert_server_untouched (td->path, before);
      return;
    }

  /* The answer, its audit entry, every stored fingerprint changed to match,
   * then the whole chain rehashed: only the signatures still tell. */
  sql = g_strdup_printf (DROP_TRIGGERS
                         "UPDATE field_values SET value = '''Closing the podiatry clinic''' WHERE field_id = 'title';"
                         "UPDATE audit SET new_value = '''Closing the podiatry clinic''' WHERE field_id = 'title';"
                         "UPDATE versions SET fingerprint = '%s', decided_fingerprint = '%s';"
                         "UPDATE audit SET new_value = '%s' WHERE kind IN ('submit', 'sign-off');",
                         fingerprint, fingerprint, fingerprint);
  raw_exec (td->path, sql);
  rehash_chain (td->path);
  expect_tampered (td->path, "the log was rewritten");
}

static void
test_stripped_signatures (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;

  {
    g_autoptr(InvolveStore) store = open_store (td->path, &error);

    uuid = submitted_record (store);
    sign_off_as_reviewer (store, uuid);
  }
  if (store_test_on_server ())
    {
      g_autofree char *before = server_digest (td->path);

      assert_server_keeps_triggers (td->path);
      assert_server_refuses_all (td->path, "DELETE FROM audit_signatures", "42501",
                                 "permission denied for table audit_signatures");
      assert_server_refuses_all (td->path, "TRUNCATE audit_signatures", "42501",
                                 "permission denied for table audit_signatures");
      assert_server_refuses_all (td->path, "DELETE FROM trust", "42501", "permission denied for table trust");
      assert_server_refuses_all (td->path, "UPDATE audit SET details = substr (details, 1, strpos (details, ' [signed by') - 1)"
                                           " WHERE details LIKE '% [signed by %'",
                                 "42501", "permission denied for table audit");
      assert_server_refuses_all (td->path, "DELETE FROM audit", "42501", "permission denied for table audit");
      assert_server_untouched (td->path, before);
      return;
    }
  /* The signatures, their mention and the trust list removed, the chain
   * rehashed: as if from before signed acts. */
  raw_exec (td->path, DROP_TRIGGERS
            "DELETE FROM audit_signatures; DELETE FROM trust;"
            "UPDATE audit SET details = substr (details, 1, instr (details, ' [signed by') - 1)"
            " WHERE details LIKE '% [signed by %';");
  rehash_chain (td->path);
  expect_tampered (td->path, "is not signed");
}

static void
test_trust_list_edited (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  {
    g_autoptr(InvolveStore) store = open_store (td->path, &error);
    g_autofree char *uuid = submitted_record (store);
    g_autoptr(GPtrArray) list = involve_store_trust_list (store, &error);

    /* The officer trusted themselves first, then the reviewer. */
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 2);
    g_assert_cmpuint (((InvolveTrustEntry *) list->pdata[0])->roles, ==, INVOLVE_TRUST_ALL);
    g_assert_cmpuint (((InvolveTrustEntry *) list->pdata[1])->roles, ==, INVOLVE_TRUST_SIGN_OFF);
    g_assert_true (involve_store_verify (store, NULL, &error));
    g_assert_no_error (error);
  }
  if (store_test_on_server ())
    {
      g_autofree char *before = server_digest (td->path);

      assert_server_keeps_triggers (td->path);
      assert_server_refuses_all (td->path, "UPDATE trust SET roles = 'complete,sign-off,administer' WHERE id = 2",
                                 "42501", "permission denied for table trust");
      /* Only an administrator adds to the list (with a signed act). */
      for (guint i = 0; i < G_N_ELEMENTS (server_attackers); i++)
        {
          if (g_str_equal (server_attackers[i], "officer"))
            continue;
          assert_server_refuses (td->path, server_attackers[i],
                                 "INSERT INTO trust (fingerprint, roles, audit_id)"
                                 " SELECT fingerprint, 'complete,sign-off,administer', (SELECT max (id) FROM audit)"
                                 " FROM trust WHERE id = 2",
                                 "42501", "permission denied for table trust");
        }
      assert_server_untouched (td->path, before);
      return;
    }
  /* The reviewer made an administrator behind the register's back. */
  raw_exec (td->path, DROP_TRIGGERS
            "UPDATE trust SET roles = 'complete,sign-off,administer' WHERE id = 2;");
  expect_tampered (td->path, "the trust list was altered");
}

static void
test_trust_remove (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = open_store (td->path, &error);
  g_autofree char *uuid = submitted_record (store);
  const char *officer = involve_certificate_get_fingerprint (test_certificate ("officer"));
  const char *reviewer_fp = involve_certificate_get_fingerprint (test_certificate ("reviewer"));
  g_autoptr(InvolveSignOff) block = reviewer ("Sam Reviewer", NULL);
  guint roles = 99;

  /* The last administrator stays. */
  g_assert_false (involve_store_trust_remove (store, officer, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (involve_store_trust_remove (store, reviewer_fp, &error));
  g_assert_no_error (error);
  g_assert_true (involve_store_trust_lookup (store, reviewer_fp, &roles, &error));
  g_assert_cmpuint (roles, ==, 0);
  act_as (store, "reviewer");
  g_assert_false (involve_store_sign_off (store, uuid, block, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_UNTRUSTED);
  g_clear_error (&error);
  g_assert_true (involve_store_verify (store, NULL, &error));
  g_assert_no_error (error);
}

/* What a third party does with openssl alone (docs/signatures.md). */
static void
test_openssl_verifies_act (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = open_store (td->path, &error);
  g_autofree char *uuid = submitted_record (store);
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(InvolveCertificate) certificate = NULL;
  g_autofree char *dir = g_path_get_dirname (td->path);
  g_autofree char *data_path = g_build_filename (dir, "act", NULL);
  g_autofree char *sig_path = g_build_filename (dir, "act.sig", NULL);
  g_autofree char *cert_path = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *pem = NULL;
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  int status = -1;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  g_assert_true (involve_store_get_submit_act (store, uuid, 1, &data, &signature, &certificate, &error));
  g_assert_no_error (error);
  pem = involve_certificate_dup_pem (certificate);
  g_assert_true (g_file_set_contents (data_path, g_bytes_get_data (data, NULL), g_bytes_get_size (data), NULL));
  g_assert_true (g_file_set_contents (sig_path, g_bytes_get_data (signature, NULL), g_bytes_get_size (signature), NULL));
  g_assert_true (g_file_set_contents (cert_path, pem, -1, NULL));
  command = g_strdup_printf ("sh -c 'openssl x509 -in \"%s\" -pubkey -noout > \"%s.pub\" &&"
                             " openssl dgst -sha256 -verify \"%s.pub\" -signature \"%s\" \"%s\"'",
                             cert_path, cert_path, cert_path, sig_path, data_path);
  g_assert_true (g_spawn_command_line_sync (command, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (out, "Verified OK"));
  g_assert_true (g_str_has_prefix (g_bytes_get_data (data, NULL), "format=13:involve-act-1\nact=6:submit\n"));

  /* One byte changed: openssl says so too. */
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
    g_autofree char *again = NULL;

    text[strlen (text) - 2] ^= 1;
    g_assert_true (g_file_set_contents (data_path, text, g_bytes_get_size (data), NULL));
    g_assert_true (g_spawn_command_line_sync (command, &again, NULL, &status, &error));
    g_assert_null (strstr (again, "Verified OK"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/attacks/self-sign-off-other-names", test_self_sign_off_other_names);
  g_test_add_func ("/store/attacks/untrusted-key", test_untrusted_key);
  g_test_add_func ("/store/attacks/forged-responses", test_forged_responses);
  g_test_add_func ("/store/attacks/response-request-and-time", test_request_and_time);
  g_test_add_func ("/store/attacks/one-update-status", test_one_update_status);
  g_test_add_func ("/store/attacks/rehashed-chain", test_rehashed_chain);
  g_test_add_func ("/store/attacks/stripped-signatures", test_stripped_signatures);
  g_test_add_func ("/store/attacks/trust-list-edited", test_trust_list_edited);
  g_test_add_func ("/store/trust/remove", test_trust_remove);
  g_test_add_func ("/store/signatures/openssl-verifies-act", test_openssl_verifies_act);

  return g_test_run ();
}
