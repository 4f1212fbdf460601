/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "involve-db.h"
#include "involve-db-pg-private.h"

/* Which register locations name a server, and what is shown of them. */

static void
test_location_is_server (void)
{
  g_assert_true (involve_db_location_is_server ("postgresql://db.example.nhs.uk/involve"));
  g_assert_true (involve_db_location_is_server ("postgres://localhost"));
  g_assert_true (involve_db_location_is_server ("host=db dbname=involve"));
  g_assert_true (involve_db_location_is_server ("dbname=involve"));

  g_assert_false (involve_db_location_is_server (NULL));
  g_assert_false (involve_db_location_is_server (""));
  g_assert_false (involve_db_location_is_server ("/home/officer/register.involve"));
  g_assert_false (involve_db_location_is_server ("register.involve"));
  g_assert_false (involve_db_location_is_server ("C:\\Users\\officer\\register.involve"));
  g_assert_false (involve_db_location_is_server ("./a=b.involve"));
  g_assert_false (involve_db_location_is_server ("=dbname"));
  g_assert_false (involve_db_location_is_server ("file:register.involve"));
}

static void
check_redacted (const char *location,
                const char *expected)
{
  g_autofree char *shown = involve_db_redact_location (location);

  g_assert_cmpstr (shown, ==, expected);
  g_assert_null (strstr (shown, "s3cret"));
}

static void
test_redact (void)
{
  check_redacted ("/tmp/register.involve", "/tmp/register.involve");
  check_redacted ("postgresql://officer:s3cret@db.example/involve",
                  "postgresql://officer@db.example/involve");
  check_redacted ("postgresql://officer@db.example/involve?sslmode=require&password=s3cret",
                  "postgresql://officer@db.example/involve?sslmode=require");
  check_redacted ("postgresql://db.example/involve?password=s3cret&sslmode=require",
                  "postgresql://db.example/involve?sslmode=require");
  check_redacted ("host=db password=s3cret dbname=involve", "host=db dbname=involve");
  check_redacted ("host=db password = 's3cret with \\' quote' dbname=involve", "host=db dbname=involve");
  check_redacted ("PASSWORD=s3cret", "");
  /* Hostile input ends cleanly. */
  check_redacted ("host='unterminated", "host='unterminated");
  check_redacted ("password='s3cret", "");
}

/* bench-concurrent --server-admin: the same server, another database,
 * whether it was given as key=value or as a URI. */
static void
test_with_dbname (void)
{
  g_autoptr(GError) error = NULL;
  char *given;

  given = _involve_db_pg_conninfo_with_dbname ("host=127.0.0.1 port=5433 user=admin dbname=postgres",
                                               "involve_bench", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (given, ==, "user='admin' host='127.0.0.1' port='5433' dbname='involve_bench'");
  g_free (given);

  given = _involve_db_pg_conninfo_with_dbname ("postgresql://admin:it's%5Cme@db.example:5433/postgres?sslmode=require",
                                               "involve_bench", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (given, ==, "user='admin' password='it\\'s\\\\me' host='db.example' port='5433' sslmode='require' dbname='involve_bench'");
  g_free (given);

  given = _involve_db_pg_conninfo_with_dbname ("postgresql://db.example", "involve_bench", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (given, ==, "host='db.example' dbname='involve_bench'");
  g_free (given);

  /* Not a connection string: refused, the password not repeated. */
  given = _involve_db_pg_conninfo_with_dbname ("host=db password=s3cret nonsense", "x", &error);
  g_assert_null (given);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (strstr (error->message, "s3cret"));
  g_clear_error (&error);
  given = _involve_db_pg_conninfo_with_dbname ("postgresql://db.example/x?nosuch=1", "x", &error);
  g_assert_null (given);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/db/location/is-server", test_location_is_server);
  g_test_add_func ("/db/location/redact", test_redact);
  g_test_add_func ("/db/location/with-dbname", test_with_dbname);

  return g_test_run ();
}
