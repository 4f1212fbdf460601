/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Logging in to a team register with a password.  The test cluster
 * (tools/pg-test-cluster) trusts loopback, except for members of the
 * group pwtest, who must give their password (scram-sha-256).  A wrong or
 * missing password is refused with a message that says what to check and
 * never repeats the password; the right one, kept in a password file
 * (PGPASSFILE), opens the register: that is the way docs/postgresql.md
 * recommends, since Preferences never stores a password in the string.
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "common-test-util.h"
#include "pg-test-util.h"
#include "store-test-util.h"

#define RIGHT_PASSWORD "Right-Horse-7:battery"
#define WRONG_PASSWORD "Wrong-Pony-3"

typedef struct
{
  PgTestRegister *reg;      /* NULL: no server, the test skips */
  TestDir        *dir;
  char           *login;
  char           *conninfo; /* as the login, no password */
  char           *passfile;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *sql = NULL;

  memset (f, 0, sizeof *f);
  if (!pg_test_available ())
    return;
  f->dir = test_dir_new ();
  f->reg = pg_test_register_new_with_person ("auth", "pwtest", INVOLVE_PG_ROLE_OFFICER, &f->login);
  /* The cluster asks members of pwtest for their password. */
  sql = g_strdup_printf ("ALTER ROLE %s PASSWORD '%s'; GRANT pwtest TO %s", f->login, RIGHT_PASSWORD, f->login);
  pg_test_register_exec (f->reg, sql);
  f->conninfo = pg_test_register_conninfo (f->reg, f->login);
  f->passfile = g_build_filename (f->dir->dir, "pgpass", NULL);
  /* No password from anywhere else (a ~/.pgpass of the person running). */
  g_setenv ("PGPASSFILE", f->passfile, TRUE);
  g_unsetenv ("PGPASSWORD");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_unsetenv ("PGPASSFILE");
  g_clear_pointer (&f->reg, pg_test_register_free);
  g_clear_pointer (&f->dir, test_dir_free);
  g_free (f->login);
  g_free (f->conninfo);
  g_free (f->passfile);
}

/* A password file with @password for any server, database and @login. */
static void
write_passfile (Fixture    *f,
                const char *password,
                int         mode)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) parts = g_strsplit (password, ":", -1);

  /* In the file a colon in a field is written \: */
  escaped = g_strjoinv ("\\:", parts);
  line = g_strdup_printf ("*:*:*:%s:%s\n", f->login, escaped);
  g_assert_true (g_file_set_contents (f->passfile, line, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (f->passfile, mode), ==, 0);
}

/* Opening as @conninfo is refused: a login problem, said as such. */
static void
check_refused (Fixture    *f,
               const char *conninfo)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", conninfo, NULL);

  g_assert_null (store);
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_IO);
  g_test_message ("refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, "did not let you log in"));
  g_assert_nonnull (strstr (error->message, "password file"));
  g_assert_nonnull (strstr (error->message, f->login));
  g_assert_null (strstr (error->message, WRONG_PASSWORD));
  g_assert_null (strstr (error->message, RIGHT_PASSWORD));
}

static void
test_wrong_password (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *with_password = NULL;
  g_autofree char *uri = NULL;

  if (f->reg == NULL)
    return;
  /* No password anywhere. */
  check_refused (f, f->conninfo);

  /* A wrong one in the string, key=value or URI. */
  with_password = g_strdup_printf ("%s password=%s", f->conninfo, WRONG_PASSWORD);
  check_refused (f, with_password);
  {
    PGconn *conn = pg_test_connect (f->reg->dbname, NULL);

    uri = g_strdup_printf ("postgresql://%s:%s@%s:%s/%s", f->login, WRONG_PASSWORD,
                           PQhost (conn), PQport (conn), f->reg->dbname);
    PQfinish (conn);
    check_refused (f, uri);
  }

  /* A wrong one in the password file. */
  write_passfile (f, WRONG_PASSWORD, 0600);
  check_refused (f, f->conninfo);
}

static void
test_password_file (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = NULL;
  g_autoptr(InvolveRecord) record = NULL;

  if (f->reg == NULL)
    return;
  /* libpq ignores a password file others may read: still refused. */
  write_passfile (f, RIGHT_PASSWORD, 0644);
  check_refused (f, f->conninfo);

  write_passfile (f, RIGHT_PASSWORD, 0600);
  store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", f->conninfo, NULL);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_true (involve_store_is_server (store));
  g_assert_cmpstr (involve_store_get_os_account (store), ==, f->login);
  act_as (store, "officer");
  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_no_error (error);
  set_string (store, record, "title", "Podiatry clinic move");
  g_assert_true (involve_store_verify (store, NULL, &error));
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store-server-auth/wrong-password", Fixture, NULL,
              fixture_setup, test_wrong_password, fixture_teardown);
  g_test_add ("/store-server-auth/password-file", Fixture, NULL,
              fixture_setup, test_password_file, fixture_teardown);

  return g_test_run ();
}
