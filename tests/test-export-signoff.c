/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "involve-fingerprint.h"
#include "involve-signoff.h"
#include "common-test-util.h"
#include "export-test-util.h"
#include "identity-test-util.h"

typedef struct
{
  char          *dir;
  char          *request_path;
  char          *response_path;
  InvolveRecord *record;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = export_test_make_tmpdir ();
  fixture->request_path = g_build_filename (fixture->dir, "request.involve-request.xml", NULL);
  fixture->response_path = g_build_filename (fixture->dir, "response.involve-response.xml", NULL);
  fixture->record = export_test_make_record (export_test_definitions (), "INV-2026-0042", 10, 3);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  test_util_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->request_path);
  g_free (fixture->response_path);
  g_clear_object (&fixture->record);
}

static InvolveSignOff *
reviewer_decision (const char *decision,
                   const char *comments)
{
  InvolveSignOff *sign_off = involve_sign_off_new ();

  sign_off->decision = g_strdup (decision);
  sign_off->reviewer_name = g_strdup (EXPORT_TEST_REVIEWER_NAME);
  sign_off->reviewer_job_title = g_strdup ("Director of Participation");
  sign_off->reviewer_email = g_strdup (EXPORT_TEST_REVIEWER_EMAIL);
  sign_off->reviewer_team = g_strdup ("Governance");
  sign_off->comments = g_strdup (comments);
  return sign_off;
}

/* The reviewer's key, named as the reviewer of the test records. */
static InvolveIdentity *
reviewer_identity (void)
{
  static InvolveIdentity *identity;

  if (identity == NULL)
    {
      g_autoptr(GError) error = NULL;

      identity = involve_identity_generate (EXPORT_TEST_REVIEWER_NAME, EXPORT_TEST_REVIEWER_EMAIL, NULL,
                                            INVOLVE_KEY_ECDSA_P256, 30, &error);
      g_assert_no_error (error);
    }
  return identity;
}

/* A request carrying the officer's signed submission, as the register
 * writes it. */
static gboolean
write_signed_request (Fixture     *fixture,
                      const char  *requested_by,
                      const char  *signer,
                      char       **request_id,
                      GError     **error)
{
  g_autoptr(InvolveAct) act = involve_act_new (INVOLVE_ACT_SUBMIT);
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) signature = NULL;

  act->register_id = g_strdup ("0123456789abcdef0123456789abcdef");
  act->record_uuid = g_strdup (involve_record_get_uuid (fixture->record));
  act->reference = g_strdup (involve_record_get_reference (fixture->record));
  act->version = involve_record_get_version (fixture->record);
  act->fingerprint = involve_fingerprint_compute (fixture->record);
  act->time_usec = g_get_real_time ();
  act->head_count = 41;
  act->head_hash = g_strdup ("00000000000000000000000000000000000000000000000000000000000000aa");
  act->signer = g_strdup (involve_certificate_get_fingerprint (test_certificate (signer)));
  data = involve_act_serialise (act);
  signature = involve_identity_sign (test_identity (signer), data, error);
  return signature != NULL &&
         involve_sign_off_request_write_signed (fixture->record, requested_by, data, signature,
                                                test_certificate (signer), fixture->request_path,
                                                request_id, error);
}

static void
test_happy_path (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(InvolveSignOffRequest) request = NULL;
  g_autoptr(InvolveSignOffResponse) response = NULL;
  g_autoptr(InvolveSignOff) decision = reviewer_decision ("signed-off", "Thorough.");
  g_autofree char *request_id = NULL;
  g_autofree char *fingerprint = involve_fingerprint_compute (fixture->record);
  g_autoptr(GError) error = NULL;

  g_assert_true (write_signed_request (fixture, "Alexandra", "officer", &request_id, &error));
  g_assert_no_error (error);

  /* The reviewer's Involve opens it: the whole version travels in the file. */
  request = involve_sign_off_request_read (fixture->request_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (request->request_id, ==, request_id);
  g_assert_cmpstr (request->requested_by, ==, "Alexandra");
  g_assert_cmpstr (request->fingerprint, ==, fingerprint);
  g_assert_cmpstr (involve_record_get_reference (request->version), ==, "INV-2026-0042");
  g_assert_cmpstr (involve_record_get_string (request->version, "b1-location"), ==,
                   "Qb1-location short answer");

  g_assert_true (involve_sign_off_response_write (request, decision, reviewer_identity (), fixture->response_path, &error));
  g_assert_no_error (error);

  response = involve_sign_off_response_read (fixture->response_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (response->request_id, ==, request_id);
  g_assert_cmpstr (response->uuid, ==, involve_record_get_uuid (fixture->record));
  g_assert_cmpuint (response->version, ==, 1);
  g_assert_cmpstr (response->fingerprint, ==, fingerprint);
  g_assert_cmpstr (response->sign_off->decision, ==, "signed-off");
  g_assert_cmpstr (response->sign_off->reviewer_name, ==, EXPORT_TEST_REVIEWER_NAME);
  g_assert_cmpstr (response->sign_off->comments, ==, "Thorough.");
  g_assert_cmpstr (response->sign_off->fingerprint, ==, fingerprint);
  g_assert_cmpint (response->sign_off->decided_at_usec, >, 0);
  g_assert_nonnull (response->sign_off->date);

  /* Signed by the reviewer, over what the file shows. */
  g_assert_nonnull (response->act_data);
  g_assert_true (involve_certificate_equal (response->reviewer,
                                            involve_identity_get_certificate (reviewer_identity ())));
  {
    g_autoptr(InvolveAct) act = involve_act_verify (response->act_data, response->act_signature,
                                                    response->reviewer, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (act->act, ==, INVOLVE_ACT_SIGN_OFF);
    g_assert_cmpstr (act->fingerprint, ==, fingerprint);
    g_assert_cmpstr (act->comments, ==, "Thorough.");
    g_assert_nonnull (act->request);
  }
}

/* The reviewer's side refuses requests it cannot trust, and their own. */
static void
test_unsigned_or_own_request (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(InvolveSignOffRequest) request = NULL;
  g_autoptr(InvolveSignOff) decision = reviewer_decision ("signed-off", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (involve_sign_off_request_write (fixture->record, NULL, fixture->request_path, NULL, &error));
  request = involve_sign_off_request_read (fixture->request_path, &error);
  g_assert_no_error (error);
  g_assert_false (involve_sign_off_response_write (request, decision, reviewer_identity (),
                                                   fixture->response_path, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not signed"));
  g_clear_error (&error);
  g_clear_pointer (&request, involve_sign_off_request_free);

  /* No key. */
  g_assert_true (write_signed_request (fixture, NULL, "officer", NULL, &error));
  request = involve_sign_off_request_read (fixture->request_path, &error);
  g_assert_false (involve_sign_off_response_write (request, decision, NULL, fixture->response_path, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "signing key"));
  g_clear_error (&error);

  /* The officer's own key, under the reviewer's name. */
  g_assert_false (involve_sign_off_response_write (request, decision, test_identity ("officer"),
                                                   fixture->response_path, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "your own signing key"));
  g_assert_false (g_file_test (fixture->response_path, G_FILE_TEST_EXISTS));
}

static void
test_only_awaiting_sign_off (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  involve_record_set_status (fixture->record, INVOLVE_STATUS_DRAFT);
  g_assert_false (involve_sign_off_request_write (fixture->record, NULL, fixture->request_path,
                                                  NULL, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID);
  g_assert_false (g_file_test (fixture->request_path, G_FILE_TEST_EXISTS));
}

static void
test_tampered_request (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *contents = NULL;
  g_autofree char *changed = NULL;
  g_autoptr(GError) error = NULL;
  char *found;

  g_assert_true (involve_sign_off_request_write (fixture->record, NULL, fixture->request_path,
                                                 NULL, &error));
  g_assert_true (g_file_get_contents (fixture->request_path, &contents, NULL, NULL));

  /* Someone edits an answer in the file on the way to the reviewer. */
  found = strstr (contents, "Qb1-location short answer");
  g_assert_nonnull (found);
  memcpy (found, "Qb1-location SHORT answer", strlen ("Qb1-location SHORT answer"));
  g_assert_true (g_file_set_contents (fixture->request_path, contents, -1, NULL));

  g_assert_null (involve_sign_off_request_read (fixture->request_path, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT);
  g_clear_error (&error);

  /* A response is not a request, and the other way round. */
  g_assert_null (involve_sign_off_response_read (fixture->request_path, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID);
}

static void
test_refusals (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(InvolveSignOffRequest) request = NULL;
  g_autoptr(InvolveSignOff) same_person = reviewer_decision ("signed-off", NULL);
  g_autoptr(InvolveSignOff) no_comments = reviewer_decision ("returned", "   ");
  g_autoptr(InvolveSignOff) bad = reviewer_decision ("maybe", NULL);
  g_autoptr(InvolveSignOff) nameless = reviewer_decision ("signed-off", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (write_signed_request (fixture, NULL, "officer", NULL, &error));
  request = involve_sign_off_request_read (fixture->request_path, &error);
  g_assert_no_error (error);

  g_free (same_person->reviewer_email);
  same_person->reviewer_email = g_strdup ("ALEXANDRA.whitcombe@example.nhs.uk ");
  g_assert_false (involve_sign_off_response_write (request, same_person, reviewer_identity (), fixture->response_path, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "different person"));
  g_clear_error (&error);

  g_assert_false (involve_sign_off_response_write (request, no_comments, reviewer_identity (), fixture->response_path, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (involve_sign_off_response_write (request, bad, reviewer_identity (), fixture->response_path, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID);
  g_clear_error (&error);

  g_clear_pointer (&nameless->reviewer_name, g_free);
  g_assert_false (involve_sign_off_response_write (request, nameless, reviewer_identity (), fixture->response_path, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID);

  g_assert_false (g_file_test (fixture->response_path, G_FILE_TEST_EXISTS));
}

static void
test_returned (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(InvolveSignOffRequest) request = NULL;
  g_autoptr(InvolveSignOffResponse) response = NULL;
  g_autoptr(InvolveSignOff) decision = reviewer_decision ("returned", "Step 3 needs the travel times.");
  g_autoptr(GError) error = NULL;

  g_assert_true (write_signed_request (fixture, NULL, "officer", NULL, &error));
  request = involve_sign_off_request_read (fixture->request_path, &error);
  g_assert_true (involve_sign_off_response_write (request, decision, reviewer_identity (), fixture->response_path, &error));
  response = involve_sign_off_response_read (fixture->response_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (response->sign_off->decision, ==, "returned");
  g_assert_cmpstr (response->sign_off->comments, ==, "Step 3 needs the travel times.");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/export/sign-off/happy-path", test_happy_path);
  ADD ("/export/sign-off/returned-with-comments", test_returned);
  ADD ("/export/sign-off/request-needs-awaiting-sign-off", test_only_awaiting_sign_off);
  ADD ("/export/sign-off/tampered-request-refused", test_tampered_request);
  ADD ("/export/sign-off/response-refusals", test_refusals);
  ADD ("/export/sign-off/unsigned-or-own-request-refused", test_unsigned_or_own_request);
#undef ADD

  return g_test_run ();
}
