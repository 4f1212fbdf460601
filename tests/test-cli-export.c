/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Runs the built involve-cli (path in $INVOLVE_CLI) the way a governance
 * lead or a script would: demo register, evidence PDFs, check-pdf, XML
 * export and import, hostile input, sign-off by file.
 */
#include "config.h"

#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "cli-test-util.h"
#include "common-test-util.h"
#include "identity-test-util.h"

static void
test_cli_journey (void)
{
  g_autofree char *dir = g_dir_make_tmp ("involve-cli-export-XXXXXX", NULL);
  g_autofree char *database = g_build_filename (dir, "register.sqlite", NULL);
  g_autofree char *other = g_build_filename (dir, "other.sqlite", NULL);
  g_autofree char *pdf = g_build_filename (dir, "evidence.pdf", NULL);
  g_autofree char *public_pdf = g_build_filename (dir, "public.pdf", NULL);
  g_autofree char *xml = g_build_filename (dir, "all.xml", NULL);
  g_autofree char *key = g_build_filename (dir, "exporter.pem", NULL);
  g_autofree char *certificate = g_build_filename (dir, "exporter-cert.pem", NULL);
  g_autofree char *request = g_build_filename (dir, "request.xml", NULL);
  g_autofree char *response = g_build_filename (dir, "response.xml", NULL);
  g_autofree char *xxe = g_test_build_filename (G_TEST_DIST, "data", "xml", "xxe.xml", NULL);
  g_autofree char *signed_ref = NULL;
  g_autofree char *awaiting_ref = NULL;
  g_autofree char *draft_ref = NULL;
  g_autofree char *kim_key = NULL;
  g_autofree char *kim_cert = NULL;
  g_autofree char *kim_pass = g_build_filename (dir, "kim-pass", NULL);
  g_autofree char *admin_pass = g_build_filename (dir, "admin-pass", NULL);
  g_autofree char *admin_key = g_build_filename (dir, "demo-keys", "demo-governance-administrator.pem", NULL);
  g_auto(CliRun) run = { 0 };

  cli_test_run (&run, "--database", database, "demo", NULL);
  g_assert_cmpint (run.status, ==, 0);
  /* Evidence PDFs are signed with the exporter's key. */
  g_setenv ("INVOLVE_PASSPHRASE", "exporter passphrase", TRUE);
  cli_test_run (&run, "key", "create", "--name", "Rhian Example-Exporter", "--email", "rhian@nhs.example",
                "--file", key, NULL);
  g_assert_cmpint (run.status, ==, 0);
  cli_test_run (&run, "--key", key, "key", "export-certificate", certificate, NULL);
  g_assert_cmpint (run.status, ==, 0);
  signed_ref = cli_test_find_reference (database, "signed-off");
  awaiting_ref = cli_test_find_reference (database, "awaiting-sign-off");
  draft_ref = cli_test_find_reference (database, "draft");

  /* Evidence PDFs, full and public, both checked against the register. */
  g_unsetenv ("INVOLVE_PASSPHRASE");
  cli_test_run (&run, "--database", database, "--key", key, "export", signed_ref, "--pdf", pdf, NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "passphrase"));
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_setenv ("INVOLVE_PASSPHRASE", "exporter passphrase", TRUE);
  cli_test_run (&run, "--database", database, "--key", key, "export", signed_ref, "--pdf", pdf, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
  cli_test_run (&run, "--database", database, "check-pdf", "--trust", certificate, pdf, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Rhian Example-Exporter"));
  g_assert_nonnull (strstr (run.out, "matches the register"));
  /* No register needed; but a signer nobody trusts is refused. */
  cli_test_run (&run, "check-pdf", "--trust", certificate, pdf, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, signed_ref));
  g_assert_nonnull (strstr (run.out, "Signed off"));
  g_assert_null (strstr (run.out, "matches the register"));
  cli_test_run (&run, "check-pdf", pdf, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "nothing says whether that certificate is trusted"));
  /* One byte changed in the middle, or a text file dressed as a PDF. */
  {
    g_autofree char *tampered = g_build_filename (dir, "tampered.pdf", NULL);
    g_autofree char *contents = NULL;
    gsize length = 0;

    g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
    contents[length / 3] ^= 0x01;
    g_assert_true (g_file_set_contents (tampered, contents, (gssize) length, NULL));
    cli_test_run (&run, "check-pdf", "--trust", certificate, tampered, NULL);
    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "The document was changed after it was signed."));
    g_assert_true (g_file_set_contents (tampered, "%PDF-1.7\nfingerprint=0\n", -1, NULL));
    cli_test_run (&run, "check-pdf", "--trust", certificate, tampered, NULL);
    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "is not a PDF file"));
  }

  cli_test_run (&run, "--database", database, "--key", key, "export", signed_ref, "--pdf", public_pdf, "--public", NULL);
  g_assert_cmpint (run.status, ==, 0);
  cli_test_run (&run, "--database", database, "check-pdf", "--trust", certificate, public_pdf, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "(public version)"));

  /* Not a PDF: a clear message, exit 1. */
  cli_test_run (&run, "--database", database, "check-pdf", database, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "not a PDF"));

  /* Usage errors: exit 2. */
  cli_test_run (&run, "--database", database, "export", signed_ref, NULL);
  g_assert_cmpint (run.status, ==, 2);
  cli_test_run (&run, "--database", database, "--key", key, "export", signed_ref, "--pdf", pdf, "--xml", xml, NULL);
  g_assert_cmpint (run.status, ==, 2);

  /* The whole register to XML, into an empty register, twice: a register
   * that is not there is refused until --create asks for a new one. */
  cli_test_run (&run, "--database", database, "export", "--all", "--xml", xml, NULL);
  g_assert_cmpint (run.status, ==, 0);
  cli_test_run (&run, "--database", other, "import", xml, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "There is no register"));
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  cli_test_run (&run, "--database", other, "--create", "import", xml, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "imported, 0 already there"));
  cli_test_run (&run, "--database", other, "import", xml, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "already in the register"));

  /* The PDF made from the first register checks out against the copy. */
  cli_test_run (&run, "--database", other, "check-pdf", "--trust", certificate, pdf, NULL);
  g_assert_cmpint (run.status, ==, 0);

  /* Hostile input: refused, nothing imported. */
  cli_test_run (&run, "--database", other, "import", xxe, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "document type declaration"));
  g_assert_nonnull (strstr (run.err, "Nothing was imported"));

  /* Sign-off by file. */
  cli_test_run (&run, "--database", database, "signoff-request", draft_ref, request, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "Submit it for sign-off first"));

  cli_test_run (&run, "--database", database, "signoff-request", awaiting_ref, request, NULL);
  g_assert_cmpint (run.status, ==, 0);
  /* The reviewer signs with their own key, which the register's
   * administrator (the demo's) trusts to sign off. */
  test_identity_named ("kim", "Dr Kim Reviewer", "kim.reviewer@example.org");
  kim_key = test_identity_save ("kim", dir, &kim_cert);
  g_assert_true (g_file_set_contents (kim_pass, "test passphrase\n", -1, NULL));
  g_assert_true (g_file_set_contents (admin_pass, "involve-demo", -1, NULL));

  cli_test_respond_signed_off (&run, request, kim_key, kim_pass, response);
  g_assert_cmpint (run.status, ==, 0);

  /* Not trusted yet: refused, and the refusal is in the audit trail. */
  cli_test_run (&run, "--database", database, "signoff-apply", response, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "is not trusted to sign off records in this register"));
  cli_test_run (&run, "--database", database, "history", awaiting_ref, NULL);
  g_assert_nonnull (strstr (run.out, "refused"));

  cli_test_run (&run, "--database", database, "trust", "add", kim_cert, "--role", "sign-off",
                "--key", admin_key, "--passphrase-file", admin_pass, NULL);
  g_assert_cmpint (run.status, ==, 0);
  cli_test_run (&run, "--database", database, "trust", "list", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "sign-off\tDr Kim Reviewer"));

  /* The response edited on the way: the visible decision is not the signed one. */
  {
    g_autofree char *contents = NULL;
    g_autofree char *edited = g_build_filename (dir, "edited.xml", NULL);
    char *found;

    g_assert_true (g_file_get_contents (response, &contents, NULL, NULL));
    found = strstr (contents, "Agreed.");
    g_assert_nonnull (found);
    memcpy (found, "Agreeed", 7);
    g_assert_true (g_file_set_contents (edited, contents, -1, NULL));
    cli_test_run (&run, "--database", database, "signoff-apply", edited, NULL);
    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "another decision than the one the reviewer signed"));
  }

  cli_test_run (&run, "--database", database, "signoff-apply", response, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "signed off by Dr Kim Reviewer"));
  cli_test_run (&run, "--database", database, "signoff-apply", response, NULL);
  g_assert_cmpint (run.status, ==, 1);

  /* The audit chain still verifies after all of it. */
  cli_test_run (&run, "--database", database, "verify", NULL);
  g_assert_cmpint (run.status, ==, 0);

  test_util_remove_tree (dir);
}

/* A record moved A -> B -> C: C's history shows A's entries, and verify
 * names an imported entry somebody edited behind Involve's back. */
static void
test_cli_imported_history (void)
{
  g_autofree char *dir = g_dir_make_tmp ("involve-cli-export-XXXXXX", NULL);
  g_autofree char *a = g_build_filename (dir, "a.sqlite", NULL);
  g_autofree char *b = g_build_filename (dir, "b.sqlite", NULL);
  g_autofree char *c = g_build_filename (dir, "c.sqlite", NULL);
  g_autofree char *a_xml = g_build_filename (dir, "a.xml", NULL);
  g_autofree char *b_xml = g_build_filename (dir, "b.xml", NULL);
  g_autofree char *reference = NULL;
  g_autofree char *expected = NULL;
  sqlite3 *db = NULL;
  g_auto(CliRun) run = { 0 };

  cli_test_run (&run, "--database", a, "demo", NULL);
  g_assert_cmpint (run.status, ==, 0);
  reference = cli_test_find_reference (a, "signed-off");
  cli_test_run (&run, "--database", a, "export", reference, "--xml", a_xml, NULL);
  g_assert_cmpint (run.status, ==, 0);
  cli_test_run (&run, "--database", b, "--create", "import", a_xml, NULL);
  g_assert_cmpint (run.status, ==, 0);
  cli_test_run (&run, "--database", b, "export", reference, "--xml", b_xml, NULL);
  g_assert_cmpint (run.status, ==, 0);
  cli_test_run (&run, "--database", c, "--create", "import", b_xml, NULL);
  g_assert_cmpint (run.status, ==, 0);

  cli_test_run (&run, "--database", c, "history", reference, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Entries from the source register, imported from XML exchange file “a.xml”"));
  g_assert_nonnull (strstr (run.out, "Entries from the source register, imported from XML exchange file “b.xml”"));
  /* (Numbered as the source numbered them: after its trust and head entries.) */
  g_assert_nonnull (strstr (run.out, "\nimported-"));
  cli_test_run (&run, "--database", c, "verify", NULL);
  g_assert_cmpint (run.status, ==, 0);

  /* The triggers dropped and an entry of A's trail edited. */
  g_assert_cmpint (sqlite3_open (c, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER imported_audit_no_update;"
                                     "UPDATE imported_audit SET details = 'edited' WHERE position = 2"
                                     " AND trail_id = (SELECT id FROM imported_trails WHERE source LIKE '%a.xml%');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  /* (A's record entries follow the demo's trust entries: its number there.) */
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT source_id FROM imported_audit WHERE position = 2"
                                             " AND trail_id = (SELECT id FROM imported_trails WHERE source LIKE '%a.xml%')",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    expected = g_strdup_printf ("first broken imported entry: %s imported-%lld\n", reference,
                                (long long) sqlite3_column_int64 (stmt, 0));
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);
  cli_test_run (&run, "--database", c, "verify", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.out, expected));

  test_util_remove_tree (dir);
}

/* export REF... --pdf DIR: one file a reference, a summary, and a record
 * that fails is named while the others are still written. */
static void
test_cli_export_many_pdfs (void)
{
  g_autofree char *dir = g_dir_make_tmp ("involve-cli-export-XXXXXX", NULL);
  g_autofree char *database = g_build_filename (dir, "register.sqlite", NULL);
  g_autofree char *out = g_build_filename (dir, "pdfs", NULL);
  g_autofree char *signed_ref = NULL;
  g_autofree char *draft_ref = NULL;
  g_autofree char *signed_pdf = NULL;
  g_autofree char *draft_pdf = NULL;
  g_autofree char *public_pdf = NULL;
  g_autofree char *blocker = NULL;
  g_autofree char *certificate = NULL;
  g_autofree char *key = test_identity_save ("officer", dir, &certificate);
  g_auto(CliRun) run = { 0 };

  cli_test_run (&run, "--database", database, "demo", NULL);
  g_assert_cmpint (run.status, ==, 0);
  signed_ref = cli_test_find_reference (database, "signed-off");
  draft_ref = cli_test_find_reference (database, "draft");
  signed_pdf = g_strdup_printf ("%s/%s.pdf", out, signed_ref);
  draft_pdf = g_strdup_printf ("%s/%s.pdf", out, draft_ref);
  public_pdf = g_strdup_printf ("%s/%s-public.pdf", out, signed_ref);
  /* Evidence PDFs, one or many, are signed with the exporter's key. */
  g_setenv ("INVOLVE_PASSPHRASE", "test passphrase", TRUE);

  /* Two records into a folder that does not exist yet. */
  cli_test_run (&run, "--database", database, "--key", key, "export", signed_ref, draft_ref, "--pdf", out, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Wrote 2 evidence PDFs to "));
  g_assert_true (g_file_test (signed_pdf, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (draft_pdf, G_FILE_TEST_IS_REGULAR));
  /* Not a terminal: no progress lines on stderr. */
  g_assert_null (strstr (run.err, "[1/2]"));
  g_assert_null (strstr (run.err, "\r"));
  cli_test_run (&run, "--database", database, "check-pdf", "--trust", certificate, draft_pdf, NULL);
  g_assert_cmpint (run.status, ==, 0);

  /* One reference and an existing folder: REF.pdf in it; --public names it so. */
  cli_test_run (&run, "--database", database, "--key", key, "export", signed_ref, "--pdf", out, "--public", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_file_test (public_pdf, G_FILE_TEST_IS_REGULAR));

  /* An unknown reference in the middle: named, the others written, exit 1. */
  g_assert_cmpint (g_remove (signed_pdf), ==, 0);
  g_assert_cmpint (g_remove (draft_pdf), ==, 0);
  cli_test_run (&run, "--database", database, "--key", key, "export", signed_ref, "INV-1999-9999", draft_ref,
                "--pdf", out, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "INV-1999-9999: "));
  g_assert_nonnull (strstr (run.out, "Wrote 2 evidence PDFs to "));
  g_assert_nonnull (strstr (run.out, "failed: INV-1999-9999"));
  g_assert_true (g_file_test (signed_pdf, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (draft_pdf, G_FILE_TEST_IS_REGULAR));

  /* A file in the way of one PDF: that record fails, the next is written. */
  g_assert_cmpint (g_remove (draft_pdf), ==, 0);
  g_assert_cmpint (g_remove (signed_pdf), ==, 0);
  g_assert_cmpint (g_mkdir (signed_pdf, 0700), ==, 0);
  blocker = g_build_filename (signed_pdf, "keep", NULL);
  g_assert_true (g_file_set_contents (blocker, "x", 1, NULL));
  cli_test_run (&run, "--database", database, "--key", key, "export", signed_ref, draft_ref, "--pdf", out, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (g_str_has_prefix (run.err, signed_ref));
  g_assert_nonnull (strstr (run.out, "Wrote 1 evidence PDF to "));
  g_assert_true (g_file_test (draft_pdf, G_FILE_TEST_IS_REGULAR));

  /* Usage: --version with many references, --all with --pdf, no reference. */
  cli_test_run (&run, "--database", database, "--key", key, "export", signed_ref, draft_ref, "--pdf", out,
                "--version", "1", NULL);
  g_assert_cmpint (run.status, ==, 2);
  cli_test_run (&run, "--database", database, "--key", key, "export", "--all", "--pdf", out, NULL);
  g_assert_cmpint (run.status, ==, 2);
  cli_test_run (&run, "--database", database, "--key", key, "export", "--pdf", out, NULL);
  g_assert_cmpint (run.status, ==, 2);

  g_unsetenv ("INVOLVE_PASSPHRASE");
  test_util_remove_tree (dir);
}

/* show prints when the version last changed, not when it was read. */
static void
test_cli_show_last_change (void)
{
  g_autofree char *dir = g_dir_make_tmp ("involve-cli-export-XXXXXX", NULL);
  g_autofree char *database = g_build_filename (dir, "register.sqlite", NULL);
  g_autofree char *draft_ref = NULL;
  g_autofree char *sql = NULL;
  g_auto(CliRun) run = { 0 };
  sqlite3 *db = NULL;

  cli_test_run (&run, "--database", database, "demo", NULL);
  g_assert_cmpint (run.status, ==, 0);
  draft_ref = cli_test_find_reference (database, "draft");

  /* 2020-09-13 12:26:40 UTC, on the draft's latest version. */
  sql = g_strdup_printf ("UPDATE versions SET modified_usec = 1600000000000000"
                         " WHERE record_id = (SELECT id FROM records WHERE reference = '%s')"
                         " AND version = (SELECT latest_version FROM records WHERE reference = '%s')",
                         draft_ref, draft_ref);
  g_assert_cmpint (sqlite3_open (database, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_close (db);

  cli_test_run (&run, "--database", database, "show", draft_ref, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Last change:             2020-09-13 12:26:40 UTC\n"));
  /* An ICB or NHS England record made today follows the 2022 form. */
  g_assert_true (strstr (run.out, "Form edition:            2022\n") != NULL ||
                 strstr (run.out, "Form edition:            2017\n") != NULL);

  test_util_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/export/journey", test_cli_journey);
  g_test_add_func ("/cli/export/imported-history", test_cli_imported_history);
  g_test_add_func ("/cli/export/many-pdfs", test_cli_export_many_pdfs);
  g_test_add_func ("/cli/show/last-change", test_cli_show_last_change);

  return g_test_run ();
}
