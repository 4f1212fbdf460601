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

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

static void
run_cli (Run        *run,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("INVOLVE_CLI");
  int wait_status = 0;
  va_list args;

  g_assert_nonnull (cli);
  run_clear (run);
  g_ptr_array_add (argv, (char *) cli);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &run->out, &run->err, &wait_status, &error));
  g_assert_no_error (error);
  run->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : 128;
}

/* The reference of the first record in the list with this status. */
static char *
find_reference (const char *database,
                const char *status)
{
  Run run = { 0 };
  g_auto(GStrv) lines = NULL;
  char *found = NULL;

  run_cli (&run, "--database", database, "list", NULL);
  g_assert_cmpint (run.status, ==, 0);
  lines = g_strsplit (run.out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && found == NULL; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], "\t", 4);

      if (g_strv_length (cells) >= 2 && g_str_equal (cells[1], status))
        found = g_strdup (cells[0]);
    }
  run_clear (&run);
  g_assert_nonnull (found);
  return found;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      remove_tree (child);
    }
  g_rmdir (path);
}

static void
test_cli_journey (void)
{
  g_autofree char *dir = g_dir_make_tmp ("involve-cli-export-XXXXXX", NULL);
  g_autofree char *database = g_build_filename (dir, "register.sqlite", NULL);
  g_autofree char *other = g_build_filename (dir, "other.sqlite", NULL);
  g_autofree char *pdf = g_build_filename (dir, "evidence.pdf", NULL);
  g_autofree char *public_pdf = g_build_filename (dir, "public.pdf", NULL);
  g_autofree char *xml = g_build_filename (dir, "all.xml", NULL);
  g_autofree char *request = g_build_filename (dir, "request.xml", NULL);
  g_autofree char *response = g_build_filename (dir, "response.xml", NULL);
  g_autofree char *xxe = g_test_build_filename (G_TEST_DIST, "data", "xml", "xxe.xml", NULL);
  g_autofree char *signed_ref = NULL;
  g_autofree char *awaiting_ref = NULL;
  g_autofree char *draft_ref = NULL;
  Run run = { 0 };

  run_cli (&run, "--database", database, "demo", NULL);
  g_assert_cmpint (run.status, ==, 0);
  signed_ref = find_reference (database, "signed-off");
  awaiting_ref = find_reference (database, "awaiting-sign-off");
  draft_ref = find_reference (database, "draft");

  /* Evidence PDFs, full and public, both checked against the register. */
  run_cli (&run, "--database", database, "export", signed_ref, "--pdf", pdf, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
  run_cli (&run, "--database", database, "check-pdf", pdf, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "matches the register"));

  run_cli (&run, "--database", database, "export", signed_ref, "--pdf", public_pdf, "--public", NULL);
  g_assert_cmpint (run.status, ==, 0);
  run_cli (&run, "--database", database, "check-pdf", public_pdf, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "(public version)"));

  /* Not a PDF: a clear message, exit 1. */
  run_cli (&run, "--database", database, "check-pdf", database, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "not a PDF"));

  /* Usage errors: exit 2. */
  run_cli (&run, "--database", database, "export", signed_ref, NULL);
  g_assert_cmpint (run.status, ==, 2);
  run_cli (&run, "--database", database, "export", signed_ref, "--pdf", pdf, "--xml", xml, NULL);
  g_assert_cmpint (run.status, ==, 2);

  /* The whole register to XML, into an empty register, twice. */
  run_cli (&run, "--database", database, "export", "--all", "--xml", xml, NULL);
  g_assert_cmpint (run.status, ==, 0);
  run_cli (&run, "--database", other, "import", xml, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "imported, 0 already there"));
  run_cli (&run, "--database", other, "import", xml, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "already in the register"));

  /* The PDF made from the first register checks out against the copy. */
  run_cli (&run, "--database", other, "check-pdf", pdf, NULL);
  g_assert_cmpint (run.status, ==, 0);

  /* Hostile input: refused, nothing imported. */
  run_cli (&run, "--database", other, "import", xxe, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "document type declaration"));
  g_assert_nonnull (strstr (run.err, "Nothing was imported"));

  /* Sign-off by file. */
  run_cli (&run, "--database", database, "signoff-request", draft_ref, request, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "Submit it for sign-off first"));

  run_cli (&run, "--database", database, "signoff-request", awaiting_ref, request, NULL);
  g_assert_cmpint (run.status, ==, 0);
  run_cli (&run, "signoff-respond", request, "--decision", "signed-off", "--name", "Dr Kim Reviewer",
           "--job-title", "Director of Strategy", "--email", "kim.reviewer@example.org",
           "--team", "Strategy", "--comments", "Agreed.", "--out", response, NULL);
  g_assert_cmpint (run.status, ==, 0);
  run_cli (&run, "--database", database, "signoff-apply", response, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "signed off by Dr Kim Reviewer"));
  run_cli (&run, "--database", database, "signoff-apply", response, NULL);
  g_assert_cmpint (run.status, ==, 1);

  /* The audit chain still verifies after all of it. */
  run_cli (&run, "--database", database, "verify", NULL);
  g_assert_cmpint (run.status, ==, 0);

  run_clear (&run);
  remove_tree (dir);
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
  Run run = { 0 };

  run_cli (&run, "--database", a, "demo", NULL);
  g_assert_cmpint (run.status, ==, 0);
  reference = find_reference (a, "signed-off");
  run_cli (&run, "--database", a, "export", reference, "--xml", a_xml, NULL);
  g_assert_cmpint (run.status, ==, 0);
  run_cli (&run, "--database", b, "import", a_xml, NULL);
  g_assert_cmpint (run.status, ==, 0);
  run_cli (&run, "--database", b, "export", reference, "--xml", b_xml, NULL);
  g_assert_cmpint (run.status, ==, 0);
  run_cli (&run, "--database", c, "import", b_xml, NULL);
  g_assert_cmpint (run.status, ==, 0);

  run_cli (&run, "--database", c, "history", reference, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Entries from the source register, imported from XML exchange file “a.xml”"));
  g_assert_nonnull (strstr (run.out, "Entries from the source register, imported from XML exchange file “b.xml”"));
  g_assert_nonnull (strstr (run.out, "\nimported-1\t"));
  run_cli (&run, "--database", c, "verify", NULL);
  g_assert_cmpint (run.status, ==, 0);

  /* The triggers dropped and an entry of A's trail edited. */
  g_assert_cmpint (sqlite3_open (c, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER imported_audit_no_update;"
                                     "UPDATE imported_audit SET details = 'edited' WHERE position = 2"
                                     " AND trail_id = (SELECT id FROM imported_trails WHERE source LIKE '%a.xml%');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  run_cli (&run, "--database", c, "verify", NULL);
  g_assert_cmpint (run.status, ==, 1);
  expected = g_strdup_printf ("first broken imported entry: %s imported-2\n", reference);
  g_assert_nonnull (strstr (run.out, expected));

  run_clear (&run);
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/export/journey", test_cli_journey);
  g_test_add_func ("/cli/export/imported-history", test_cli_imported_history);

  return g_test_run ();
}
