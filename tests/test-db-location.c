/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "involve-db.h"

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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/db/location/is-server", test_location_is_server);
  g_test_add_func ("/db/location/redact", test_redact);

  return g_test_run ();
}
