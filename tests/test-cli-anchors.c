/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "cli-test-util.h"
#include "involve-store-anchors.h"
#include "store-test-util.h"

/*
 * involve-cli verify --against FILE: every export carries the register's
 * head, and an earlier file catches a register cut short or rolled back.
 * With INVOLVE_TEST_ENGINE=postgresql on team registers, as the officer's
 * login; what is about files (backups, a file put back) skips there.
 */

static int
run_cli (const char  *path,
         const char  *args,
         char       **out)
{
  g_autofree char *database = store_test_cli_database (path, "officer");
  g_autofree char *line = g_strdup_printf ("--database '%s' %s", database, args);
  g_auto(CliRun) run = { 0 };

  cli_test_run_line (&run, line);
  g_test_message ("%s -> %d\n%s%s", args, run.status, run.out, run.err);
  g_free (*out);
  *out = g_strconcat (run.out, run.err, NULL);
  return run.status;
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” not in “%s”", part, text);
}

typedef struct
{
  TestDir *td;
  char    *reference;
  char    *draft_uuid;
  char    *early_xml;
  char    *early_pdf;
  char    *early_backup;
  char    *late_xml;
  char    *late_pdf;
  char    *key;
  char    *passphrase_file;
} Fixture;

static void
add_entries (Fixture *f,
             guint    n)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) draft = NULL;
  g_autoptr(GError) error = NULL;

  store = open_store (f->td->path, &error);
  g_assert_no_error (error);
  draft = involve_store_load_record (store, f->draft_uuid, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("Dental contract, draft %u", i);

      set_string (store, draft, "title", title);
    }
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) signed_record = NULL;
  g_autoptr(InvolveRecord) draft = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *args = NULL;

  f->td = test_dir_new ();
  f->early_xml = g_build_filename (f->td->dir, "early.xml", NULL);
  f->early_pdf = g_build_filename (f->td->dir, "early.pdf", NULL);
  f->early_backup = g_build_filename (f->td->dir, "early-backup.sqlite", NULL);
  f->late_xml = g_build_filename (f->td->dir, "late.xml", NULL);
  f->late_pdf = g_build_filename (f->td->dir, "report.pdf", NULL);
  /* Evidence PDFs are signed with the exporter's key. */
  f->key = test_identity_save ("officer", f->td->dir, NULL);
  f->passphrase_file = g_build_filename (f->td->dir, "passphrase", NULL);
  g_assert_true (g_file_set_contents (f->passphrase_file, "test passphrase\n", -1, NULL));

  store = open_store (f->td->path, &error);
  g_assert_no_error (error);
  signed_record = involve_store_create_record (store, "icb-14z45", &error);
  fill_record (store, signed_record, "Podiatry clinic relocation");
  g_assert_true (involve_store_submit (store, involve_record_get_uuid (signed_record), NULL, &error));
  sign_off_as_reviewer (store, involve_record_get_uuid (signed_record));
  f->reference = g_strdup (involve_record_get_reference (signed_record));
  draft = involve_store_create_record (store, "nhse-13q", &error);
  f->draft_uuid = g_strdup (involve_record_get_uuid (draft));
  g_clear_object (&store);

  /* A team register has no backup file of its own (its server's). */
  if (!store_test_on_server ())
    {
      args = g_strdup_printf ("backup '%s'", f->early_backup);
      g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 0);
      g_free (args);
    }
  args = g_strdup_printf ("export --xml '%s' %s", f->early_xml, f->reference);
  g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 0);
  g_free (args);
  args = g_strdup_printf ("--key '%s' --passphrase-file '%s' export --pdf '%s' %s",
                          f->key, f->passphrase_file, f->early_pdf, f->reference);
  g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 0);

  add_entries (f, 12);
  g_free (args);
  args = g_strdup_printf ("export --xml '%s' --all", f->late_xml);
  g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 0);
  g_free (args);
  args = g_strdup_printf ("--key '%s' --passphrase-file '%s' export --pdf '%s' %s",
                          f->key, f->passphrase_file, f->late_pdf, f->reference);
  g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 0);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  test_dir_free (f->td);
  g_free (f->reference);
  g_free (f->draft_uuid);
  g_free (f->early_xml);
  g_free (f->early_pdf);
  g_free (f->early_backup);
  g_free (f->late_xml);
  g_free (f->late_pdf);
  g_free (f->key);
  g_free (f->passphrase_file);
}

static gint64
head_of (const char *path)
{
  g_autoptr(InvolveStore) store = open_store (path, NULL);
  gint64 n = 0;

  g_assert_nonnull (store);
  g_assert_true (involve_store_get_audit_head (store, &n, NULL, NULL));
  return n;
}

/* What an attacker holding the register file cannot reach, removed to
 * show that an earlier file alone is enough. */
static void
forget_own_heads (const char *path)
{
  g_autoptr(InvolveStore) store = open_store (path, NULL);
  g_autofree char *beside = g_strconcat (path, ".head", NULL);
  g_autofree char *id = involve_store_dup_register_id (store, NULL);
  g_autofree char *name = g_strconcat (id, ".head", NULL);
  g_autofree char *data = g_build_filename (g_get_user_data_dir (), "involve", "heads", name, NULL);

  g_assert_cmpint (g_unlink (beside), ==, 0);
  g_assert_cmpint (g_unlink (data), ==, 0);
}

static void
test_against_happy_path (Fixture      *f,
                         gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *args = NULL;

  if (store_test_on_server ())
    args = g_strdup_printf ("verify --against '%s' --against '%s' --against '%s' --against '%s'",
                            f->early_xml, f->early_pdf, f->late_xml, f->late_pdf);
  else
    args = g_strdup_printf ("verify --against '%s' --against '%s' --against '%s'"
                            " --against '%s' --against '%s'",
                            f->early_xml, f->early_pdf, f->early_backup,
                            f->late_xml, f->late_pdf);
  g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 0);
  assert_contains (out, "early.xml was written when the register had ");
  assert_contains (out, "report.pdf was written when the register had ");
  if (!store_test_on_server ())
    assert_contains (out, "early-backup.sqlite was written when the register had ");
  assert_contains (out, "This register still holds every one of those entries unchanged");
  assert_contains (out, "not signed");
  assert_contains (out, "OK: ");
}

static void
test_against_rollback (Fixture      *f,
                       gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *args = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *late_count = NULL;
  g_autofree char *old_count = NULL;
  gint64 late;
  gsize length = 0;

  STORE_TEST_FILE_ONLY ("puts an earlier register file back in place");
  late = head_of (f->td->path);

  /* The early backup put back in the register's place. */
  g_assert_true (g_file_get_contents (f->early_backup, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (f->td->path, contents, length, NULL));

  g_assert_cmpint (run_cli (f->td->path, "verify", &out), ==, 1);
  assert_contains (out, "rolled back");

  forget_own_heads (f->td->path);
  g_assert_cmpint (run_cli (f->td->path, "verify", &out), ==, 0);
  args = g_strdup_printf ("verify --against '%s'", f->late_pdf);
  g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 1);
  /* The late PDF's head was taken before its own export entry. */
  late_count = g_strdup_printf ("%" G_GINT64_FORMAT, late - 1);
  old_count = g_strdup_printf ("%" G_GINT64_FORMAT, head_of (f->td->path));
  expected = g_strdup_printf ("This register has only %s audit entries but report.pdf was exported when it had %s: "
                              "entries have been removed or the register was rolled back.",
                              old_count, late_count);
  assert_contains (out, expected);
  g_free (args);
  args = g_strdup_printf ("verify --against '%s'", f->late_xml);
  g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 1);
  assert_contains (out, "late.xml was exported when it had");
  g_free (args);
  args = g_strdup_printf ("verify --against '%s'", f->early_backup);
  g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 0);
}

static void
test_against_truncation (Fixture      *f,
                         gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *args = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveHead) early = NULL;

  if (store_test_on_server ())
    {
      const char *people[] = { "officer", "reviewer" };

      /* Cutting the log short is refused to every login of the register
       * (the officer is its administrator too); the early files still
       * vouch for it. */
      sql = g_strdup_printf ("DELETE FROM audit WHERE id >= (SELECT MIN(id) FROM audit WHERE record_uuid = '%s')",
                             f->draft_uuid);
      for (guint i = 0; i < G_N_ELEMENTS (people); i++)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *sqlstate = NULL;

          g_assert_false (store_test_server_exec_as (f->td->path, people[i], sql, &sqlstate, &error));
          g_assert_cmpstr (sqlstate, ==, "42501");
        }
      args = g_strdup_printf ("verify --against '%s' --against '%s'", f->early_xml, f->early_pdf);
      g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 0);
      assert_contains (out, "This register still holds every one of those entries unchanged");
      return;
    }
  early = involve_store_read_backup_head (f->early_backup, NULL);
  g_assert_nonnull (early);
  /* The tail of the log deleted, and the draft it was about with it: from
   * the draft's creation on, which may take more than one entry (a new
   * record's fixed fields, such as its form edition, are entries too). */
  sql = g_strdup_printf ("DROP TRIGGER audit_no_delete;"
                         "DELETE FROM audit WHERE id >= (SELECT MIN(id) FROM audit WHERE record_uuid = '%s');"
                         "DELETE FROM field_values WHERE version_id IN (SELECT v.id FROM versions v"
                         "  JOIN records r ON r.id = v.record_id WHERE r.uuid = '%s');"
                         "DELETE FROM versions WHERE record_id IN (SELECT id FROM records WHERE uuid = '%s');"
                         "DELETE FROM search_text WHERE reference = (SELECT reference FROM records WHERE uuid = '%s');"
                         "DELETE FROM records WHERE uuid = '%s';",
                         f->draft_uuid, f->draft_uuid, f->draft_uuid, f->draft_uuid, f->draft_uuid);
  raw_exec (f->td->path, sql);
  forget_own_heads (f->td->path);

  g_assert_cmpint (run_cli (f->td->path, "verify", &out), ==, 0);
  args = g_strdup_printf ("verify --against '%s'", f->early_xml);
  g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 1);
  assert_contains (out, "FAILED");
  assert_contains (out, "early.xml was exported when it had");
  assert_contains (out, "entries have been removed or the register was rolled back.");
  g_free (args);
  args = g_strdup_printf ("verify --against '%s'", f->early_pdf);
  g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 1);
  assert_contains (out, "early.pdf was exported when it had");
}

static void
test_against_forged_number (Fixture      *f,
                            gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *args = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *forged = g_build_filename (f->td->dir, "forged.xml", NULL);
  g_autoptr(GRegex) entries = g_regex_new ("entries=([0-9]+)", 0, 0, NULL);
  g_autofree char *changed = NULL;

  /* A smaller number in the file: entry N then has another hash. */
  g_assert_true (g_file_get_contents (f->late_xml, &contents, NULL, NULL));
  changed = g_regex_replace_literal (entries, contents, -1, 0, "entries=3", 0, NULL);
  g_assert_cmpstr (changed, !=, contents);
  g_assert_true (g_file_set_contents (forged, changed, -1, NULL));
  args = g_strdup_printf ("verify --against '%s'", forged);
  g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 1);
  assert_contains (out, "Audit entry 3 of this register is not the one forged.xml was exported after");
}

/* With a key unlocked, the head is signed: a changed number is refused
 * even where entry N's hash would not show it. */
static void
test_against_forged_signed (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr(TestDir) other = test_dir_new ();
  g_autofree char *out = NULL;
  g_autofree char *args = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *number = NULL;
  g_autofree char *smaller = NULL;
  g_autofree char *signed_xml = g_build_filename (f->td->dir, "signed.xml", NULL);
  g_autofree char *forged = g_build_filename (f->td->dir, "forged-signed.xml", NULL);
  g_autoptr(GRegex) entries = g_regex_new ("entries=([0-9]+)", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_setenv ("INVOLVE_PASSPHRASE", "a long enough passphrase", TRUE);
  g_assert_cmpint (run_cli (f->td->path, "key create --name 'Alex Officer' --email alex.officer@example.org",
                            &out), ==, 0);
  args = g_strdup_printf ("export --xml '%s' %s", signed_xml, f->reference);
  g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 0);
  g_unsetenv ("INVOLVE_PASSPHRASE");

  g_free (args);
  args = g_strdup_printf ("verify --against '%s'", signed_xml);
  g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 0);
  assert_contains (out, "signed by Alex Officer");

  g_assert_true (g_file_get_contents (signed_xml, &contents, NULL, NULL));
  assert_contains (contents, " signature=");
  g_assert_true (g_regex_match (entries, contents, 0, &match));
  number = g_match_info_fetch (match, 1);
  smaller = g_strdup_printf ("entries=%" G_GINT64_FORMAT, g_ascii_strtoll (number, NULL, 10) - 1);
  changed = g_regex_replace_literal (entries, contents, -1, 0, smaller, 0, NULL);
  g_assert_true (g_file_set_contents (forged, changed, -1, NULL));

  g_free (args);
  args = g_strdup_printf ("verify --against '%s'", forged);
  g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 1);
  assert_contains (out, "does not match its signature");
  /* Nor does another register take it in. */
  g_free (args);
  args = g_strdup_printf ("%simport '%s'", store_test_on_server () ? "" : "--create ", forged);
  g_assert_cmpint (run_cli (other->path, args, &out), ==, 1);
  assert_contains (out, "does not match its signature");
}

static void
test_against_bad_files (Fixture      *f,
                        gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *args = NULL;
  g_autofree char *fake = g_build_filename (f->td->dir, "fake.pdf", NULL);
  g_autofree char *text = g_build_filename (f->td->dir, "notes.txt", NULL);
  g_autofree char *missing = g_build_filename (f->td->dir, "missing.pdf", NULL);
  g_autofree char *other = g_build_filename (f->td->dir, "other.sqlite", NULL);
  g_autofree char *other_xml = g_build_filename (f->td->dir, "other.xml", NULL);

  g_assert_true (g_file_set_contents (fake, "%PDF-1.7\nnot really\n", -1, NULL));
  g_assert_true (g_file_set_contents (text, "hello\n", -1, NULL));

  args = g_strdup_printf ("verify --against '%s'", fake);
  g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 1);
  assert_contains (out, "fake.pdf” carries no register head");
  g_free (args);
  args = g_strdup_printf ("verify --against '%s'", text);
  g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 1);
  assert_contains (out, "notes.txt” is neither an evidence PDF");
  g_free (args);
  args = g_strdup_printf ("verify --against '%s'", missing);
  g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 1);
  assert_contains (out, "missing.pdf");

  /* Another register's file vouches for nothing here. */
  {
    g_autoptr(InvolveStore) store = open_store (other, NULL);
    g_autoptr(InvolveRecord) record = involve_store_create_record (store, "icb-14z45", NULL);

    g_assert_nonnull (record);
  }
  g_free (args);
  args = g_strdup_printf ("export --xml '%s' --all", other_xml);
  g_assert_cmpint (run_cli (other, args, &out), ==, 0);
  g_free (args);
  args = g_strdup_printf ("verify --against '%s'", other_xml);
  g_assert_cmpint (run_cli (f->td->path, args, &out), ==, 1);
  assert_contains (out, "was written by another register");

  g_assert_cmpint (run_cli (f->td->path, "verify extra", &out), ==, 2);
  g_assert_cmpint (run_cli (f->td->path, "verify --against", &out), ==, 2);
}

/* A response repeats its request's head: applying it to a register that
 * has since been put back to an older copy is refused. */
static void
test_response_after_rollback (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *out = NULL;
  g_autofree char *args = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *early = g_build_filename (td->dir, "early.sqlite", NULL);
  g_autofree char *kept = g_build_filename (td->dir, "kept.sqlite", NULL);
  g_autofree char *request = g_build_filename (td->dir, "request.xml", NULL);
  g_autofree char *response = g_build_filename (td->dir, "response.xml", NULL);
  g_autofree char *pass = g_build_filename (td->dir, "reviewer.pass", NULL);
  g_autofree char *reviewer_key = NULL;
  g_autofree char *reviewer_cert = NULL;
  gsize length = 0;

  STORE_TEST_FILE_ONLY ("puts an earlier register file back in place");
  store = open_store (td->path, &error);
  g_assert_no_error (error);
  record = involve_store_create_record (store, "icb-14z45", &error);
  fill_record (store, record, "Podiatry clinic relocation");
  g_assert_true (involve_store_submit (store, involve_record_get_uuid (record), NULL, &error));
  g_assert_no_error (error);
  reference = g_strdup (involve_record_get_reference (record));
  g_clear_object (&store);

  args = g_strdup_printf ("backup '%s'", early);
  g_assert_cmpint (run_cli (td->path, args, &out), ==, 0);
  g_free (args);
  args = g_strdup_printf ("signoff-request %s '%s'", reference, request);
  g_assert_cmpint (run_cli (td->path, args, &out), ==, 0);
  g_assert_true (g_file_get_contents (request, &contents, NULL, NULL));
  assert_contains (contents, "<register-head>involve-head-1 ");
  g_free (args);
  /* The reviewer answers with their own key. */
  reviewer_key = test_identity_save ("reviewer", td->dir, &reviewer_cert);
  g_assert_true (g_file_set_contents (pass, "test passphrase\n", -1, NULL));
  args = g_strdup_printf ("signoff-respond '%s' --decision returned --key '%s' --passphrase-file '%s'"
                          " --comments 'Say which venue.' --out '%s'", request, reviewer_key, pass, response);
  g_assert_cmpint (run_cli (td->path, args, &out), ==, 0);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (response, &contents, NULL, NULL));
  assert_contains (contents, "<register-head>involve-head-1 ");

  /* The register as it was holds the head the response repeats (whether
   * the response is then applied is up to its signature). */
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (td->path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (kept, contents, length, NULL));
  g_free (args);
  args = g_strdup_printf ("signoff-apply '%s'", response);
  run_cli (kept, args, &out);
  g_assert_null (strstr (out, "rolled back"));
  g_assert_null (strstr (out, "register head"));

  /* Put back to the copy from before the request: refused. */
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (early, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (td->path, contents, length, NULL));
  forget_own_heads (td->path);
  g_assert_cmpint (run_cli (td->path, args, &out), ==, 1);
  assert_contains (out, "response.xml was exported when it had");
  assert_contains (out, "rolled back");
}

static void
test_import_remembers_head (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr(TestDir) other = test_dir_new ();
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autofree char *out = NULL;
  /* (A team register is never made with --create: it is there.) */
  g_autofree char *args = g_strdup_printf ("%simport '%s'", store_test_on_server () ? "" : "--create ",
                                           f->late_xml);

  g_assert_cmpint (run_cli (other->path, args, &out), ==, 0);
  store = open_store (other->path, NULL);
  seen = involve_store_list_seen_heads (store, NULL);
  g_assert_cmpuint (seen->len, ==, 1);
  audit = involve_store_list_audit (store, NULL, NULL);
  g_assert_cmpstr (((InvolveAuditEntry *) audit->pdata[0])->kind, ==, "seen-head");
  g_assert_true (involve_store_verify (store, NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = test_util_isolate_user_dirs ();
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/cli/anchors/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("happy-path", test_against_happy_path);
  ADD ("rollback", test_against_rollback);
  ADD ("truncation", test_against_truncation);
  ADD ("forged-number", test_against_forged_number);
  ADD ("forged-signed", test_against_forged_signed);
  ADD ("bad-files", test_against_bad_files);
  ADD ("import-remembers-head", test_import_remembers_head);
#undef ADD
  g_test_add_func ("/cli/anchors/response-after-rollback", test_response_after_rollback);

  status = g_test_run ();
  test_util_remove_tree (home);
  return status;
}
