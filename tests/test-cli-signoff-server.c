/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Sign-off by file on a team register, through involve-cli as people run
 * it: the officer sends a request, the reviewer answers it offline with
 * their key, and the response file is applied on the server.  Whoever
 * applies it writes the decision there, so the server itself refuses the
 * officer's login and lets a reviewer's; the decision carries the server's
 * time, its audit entry names the reviewer's signed time, and verify and
 * the evidence PDF take it as it is.
 */
#include "config.h"

#include <string.h>
#include <glib.h>

#include "cli-test-util.h"
#include "common-test-util.h"
#include "identity-test-util.h"
#include "pg-test-util.h"

static void
test_apply_on_server (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(PgTestRegister) reg = NULL;
  g_autofree char *demo = g_build_filename (td->dir, "demo.sqlite", NULL);
  g_autofree char *admin_key = g_build_filename (td->dir, "demo-keys", "demo-governance-administrator.pem", NULL);
  g_autofree char *admin_pass = g_build_filename (td->dir, "admin-pass", NULL);
  g_autofree char *kim_pass = g_build_filename (td->dir, "kim-pass", NULL);
  g_autofree char *request = g_build_filename (td->dir, "request.xml", NULL);
  g_autofree char *response = g_build_filename (td->dir, "response.xml", NULL);
  g_autofree char *exporter = g_build_filename (td->dir, "exporter.pem", NULL);
  g_autofree char *exporter_cert = g_build_filename (td->dir, "exporter-cert.pem", NULL);
  g_autofree char *pdf = g_getenv ("SIGNOFF_SERVER_PDF") != NULL ? g_strdup (g_getenv ("SIGNOFF_SERVER_PDF"))
                                                                 : g_build_filename (td->dir, "evidence.pdf", NULL);
  g_autofree char *officer_login = NULL;
  g_autofree char *reviewer_login = NULL;
  g_autofree char *superuser = NULL;
  g_autofree char *officer = NULL;
  g_autofree char *reviewer = NULL;
  g_autofree char *awaiting = NULL;
  g_autofree char *kim_key = NULL;
  g_autofree char *kim_cert = NULL;
  g_auto(CliRun) run = { 0 };

  if (!pg_test_available ())
    return;
  reg = pg_test_register_new_with_person ("signoff", "officer", INVOLVE_PG_ROLE_OFFICER | INVOLVE_PG_ROLE_ADMIN,
                                          &officer_login);
  reviewer_login = pg_test_register_new_person (reg, "reviewer", INVOLVE_PG_ROLE_REVIEWER);
  superuser = pg_test_register_conninfo (reg, NULL);
  officer = pg_test_register_conninfo (reg, officer_login);
  reviewer = pg_test_register_conninfo (reg, reviewer_login);

  /* A register with a version awaiting sign-off, moved onto the server
   * by the IT department. */
  cli_test_run (&run, "--database", demo, "demo", NULL);
  g_assert_cmpint (run.status, ==, 0);
  cli_test_run (&run, "copy", "--from", demo, "--to", superuser, NULL);
  g_assert_cmpint (run.status, ==, 0);
  awaiting = cli_test_find_reference (officer, "awaiting-sign-off");

  /* The officer sends the request; the reviewer answers it offline. */
  cli_test_run (&run, "--database", officer, "signoff-request", awaiting, request, NULL);
  g_assert_cmpint (run.status, ==, 0);
  test_identity_named ("kim", "Dr Kim Reviewer", "kim.reviewer@example.org");
  kim_key = test_identity_save ("kim", td->dir, &kim_cert);
  g_assert_true (g_file_set_contents (kim_pass, "test passphrase\n", -1, NULL));
  g_assert_true (g_file_set_contents (admin_pass, "involve-demo", -1, NULL));
  cli_test_respond_signed_off (&run, request, kim_key, kim_pass, response);
  g_assert_cmpint (run.status, ==, 0);
  cli_test_run (&run, "--database", officer, "trust", "add", kim_cert, "--role", "sign-off",
                "--key", admin_key, "--passphrase-file", admin_pass, NULL);
  g_assert_cmpint (run.status, ==, 0);

  /* The officer applying it would write the decision: the server refuses
   * that login, and the message says who must apply it. */
  cli_test_run (&run, "--database", officer, "signoff-apply", response, NULL);
  g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "a reviewer of the register who did not submit the record must apply it"));
  g_assert_nonnull (strstr (run.err, "only a reviewer of this register can sign off or return a record"));
  {
    g_autofree char *still = cli_test_find_reference (officer, "awaiting-sign-off");

    g_assert_cmpstr (still, ==, awaiting);
  }
  cli_test_run (&run, "--database", officer, "history", awaiting, NULL);
  g_assert_nonnull (strstr (run.out, "refused"));

  /* A reviewer's login applies it, at the server's time. */
  cli_test_run (&run, "--database", reviewer, "signoff-apply", response, NULL);
  g_test_message ("%s%s", run.out, run.err);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "signed off by Dr Kim Reviewer"));
  cli_test_run (&run, "--database", reviewer, "signoff-apply", response, NULL);
  g_assert_cmpint (run.status, ==, 1);
  cli_test_run (&run, "--database", officer, "history", awaiting, NULL);
  g_assert_nonnull (strstr (run.out, "response signed by the reviewer at "));
  g_assert_nonnull (strstr (run.out, "recorded at the team register's time"));

  /* Verify and the evidence PDF find nothing amiss. */
  cli_test_run (&run, "--database", officer, "verify", NULL);
  g_test_message ("%s%s", run.out, run.err);
  g_assert_cmpint (run.status, ==, 0);
  g_setenv ("INVOLVE_PASSPHRASE", "exporter passphrase", TRUE);
  cli_test_run (&run, "key", "create", "--name", "Rhian Example-Exporter", "--email", "rhian@nhs.example",
                "--file", exporter, NULL);
  g_assert_cmpint (run.status, ==, 0);
  cli_test_run (&run, "--key", exporter, "key", "export-certificate", exporter_cert, NULL);
  g_assert_cmpint (run.status, ==, 0);
  cli_test_run (&run, "--database", officer, "--key", exporter, "export", awaiting, "--pdf", pdf, NULL);
  g_test_message ("%s%s", run.out, run.err);
  g_assert_cmpint (run.status, ==, 0);
  cli_test_run (&run, "--database", officer, "check-pdf", "--trust", exporter_cert, pdf, NULL);
  g_test_message ("%s%s", run.out, run.err);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Signed off"));
  g_assert_nonnull (strstr (run.out, "matches the register"));
  g_unsetenv ("INVOLVE_PASSPHRASE");

  /* The same register copied back to a file verifies there too. */
  {
    g_autofree char *back = g_build_filename (td->dir, "back.sqlite", NULL);

    cli_test_run (&run, "copy", "--from", superuser, "--to", back, NULL);
    g_test_message ("%s%s", run.out, run.err);
    g_assert_cmpint (run.status, ==, 0);
    cli_test_run (&run, "--database", back, "verify", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli-signoff-server/apply", test_apply_on_server);
  return g_test_run ();
}
