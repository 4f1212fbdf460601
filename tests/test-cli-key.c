/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <pty.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "common-test-util.h"

/*
 * involve-cli key …, and the --key / --passphrase-file / INVOLVE_PASSPHRASE
 * / terminal prompt that every signed act unlocks the key with.
 */

typedef struct
{
  char *dir;          /* XDG_DATA_HOME and HOME */
  char *default_key;  /* the default key file */
  GStrv env;
  int status;
  char *out;
  char *err;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("involve-cli-key-XXXXXX", &error);
  g_assert_no_error (error);
  f->default_key = g_build_filename (f->dir, "involve", "identity.pem", NULL);
  f->env = g_get_environ ();
  f->env = g_environ_setenv (f->env, "HOME", f->dir, TRUE);
  f->env = g_environ_setenv (f->env, "XDG_DATA_HOME", f->dir, TRUE);
  f->env = g_environ_setenv (f->env, "LC_ALL", "C.UTF-8", TRUE);
  f->env = g_environ_unsetenv (f->env, "INVOLVE_PASSPHRASE");
  f->env = g_environ_unsetenv (f->env, "INVOLVE_NEW_PASSPHRASE");
  f->env = g_environ_unsetenv (f->env, "INVOLVE_PKCS12_PASSPHRASE");
  f->env = g_environ_unsetenv (f->env, "INVOLVE_PORTABLE_DIR");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  test_util_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->default_key);
  g_strfreev (f->env);
  g_free (f->out);
  g_free (f->err);
}

static void
set_env (Fixture    *f,
         const char *name,
         const char *value)
{
  if (value != NULL)
    f->env = g_environ_setenv (f->env, name, value, TRUE);
  else
    f->env = g_environ_unsetenv (f->env, name);
}

/* involve-cli ARGS… with standard input from /dev/null (no terminal). */
static void
run (Fixture    *f,
     const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int wait_status = 0;
  va_list ap;

  g_ptr_array_add (argv, (char *) g_getenv ("INVOLVE_CLI"));
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_clear_pointer (&f->out, g_free);
  g_clear_pointer (&f->err, g_free);
  g_assert_true (g_spawn_sync (f->dir, (char **) argv->pdata, f->env, G_SPAWN_STDIN_FROM_DEV_NULL,
                               NULL, NULL, &f->out, &f->err, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  f->status = WEXITSTATUS (wait_status);
  g_test_message ("exit %d\nout: %s\nerr: %s", f->status, f->out, f->err);
}

static char *
tool_output (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int wait_status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
  return out;
}

static char *
line_value (const char *text,
            const char *label)
{
  const char *p = strstr (text, label);
  const char *end;

  g_assert_nonnull (p);
  p += strlen (label);
  while (*p == ' ')
    p++;
  end = strchr (p, '\n');
  return g_strndup (p, end != NULL ? (gsize) (end - p) : strlen (p));
}

static void
create_default (Fixture *f)
{
  set_env (f, "INVOLVE_PASSPHRASE", "first passphrase");
  run (f, "key", "create", "--name", "Olwen Pritchard", "--email", "olwen.pritchard@nhs.example",
       "--organisation", "NHS Example ICB", NULL);
  g_assert_cmpint (f->status, ==, 0);
  set_env (f, "INVOLVE_PASSPHRASE", NULL);
}

static void
test_create_show_export (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *fingerprint = NULL;
  g_autofree char *cert_path = g_build_filename (f->dir, "olwen.pem", NULL);
  g_autofree char *pem = NULL;
  GStatBuf st;

  create_default (f);
  g_assert_nonnull (strstr (f->out, "Olwen Pritchard <olwen.pritchard@nhs.example>"));
  g_assert_nonnull (strstr (f->out, f->default_key));
  g_assert_cmpint (g_stat (f->default_key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  fingerprint = line_value (f->out, "Fingerprint:");
  g_assert_cmpuint (strlen (fingerprint), ==, 64);

  /* show needs no passphrase. */
  run (f, "key", "show", NULL);
  g_assert_cmpint (f->status, ==, 0);
  {
    g_autofree char *name = line_value (f->out, "Name:");
    g_autofree char *email = line_value (f->out, "E-mail:");
    g_autofree char *org = line_value (f->out, "Organisation:");
    g_autofree char *type = line_value (f->out, "Key type:");
    g_autofree char *shown_fp = line_value (f->out, "Fingerprint:");
    g_autofree char *until = line_value (f->out, "Valid until:");

    g_assert_cmpstr (name, ==, "Olwen Pritchard");
    g_assert_cmpstr (email, ==, "olwen.pritchard@nhs.example");
    g_assert_cmpstr (org, ==, "NHS Example ICB");
    g_assert_cmpstr (type, ==, "ECDSA P-256");
    g_assert_cmpstr (shown_fp, ==, fingerprint);
    g_assert_true (g_str_has_suffix (until, " UTC"));
  }

  /* The exported certificate is public, and openssl agrees on the
   * fingerprint. */
  run (f, "key", "export-certificate", cert_path, NULL);
  g_assert_cmpint (f->status, ==, 0);
  g_file_get_contents (cert_path, &pem, NULL, NULL);
  g_assert_true (g_str_has_prefix (pem, "-----BEGIN CERTIFICATE-----"));
  g_assert_null (strstr (pem, "PRIVATE"));
  {
    const char *argv[] = { "openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", cert_path, NULL };
    g_autofree char *out = tool_output (argv);
    g_autoptr(GString) hex = g_string_new (NULL);

    for (const char *p = strchr (out, '=') + 1; *p != '\0'; p++)
      if (g_ascii_isxdigit (*p))
        g_string_append_c (hex, g_ascii_tolower (*p));
    g_assert_cmpstr (hex->str, ==, fingerprint);
  }
  run (f, "key", "export-certificate", "-", NULL);
  g_assert_cmpint (f->status, ==, 0);
  g_assert_cmpstr (f->out, ==, pem);

  /* An RSA key elsewhere, named by --file and by --key. */
  set_env (f, "INVOLVE_PASSPHRASE", "rsa passphrase");
  run (f, "key", "create", "--name", "Rhodri Evans", "--email", "rhodri@nhs.example", "--type", "rsa-3072",
       "--file", "rhodri.pem", NULL);
  g_assert_cmpint (f->status, ==, 0);
  run (f, "key", "show", "--file", "rhodri.pem", NULL);
  g_assert_cmpint (f->status, ==, 0);
  g_assert_nonnull (strstr (f->out, "RSA-3072"));
  run (f, "--key", "rhodri.pem", "key", "check", NULL);
  g_assert_cmpint (f->status, ==, 0);
  g_assert_nonnull (strstr (f->out, "Rhodri Evans"));
  run (f, "key", "check", "--key=rhodri.pem", NULL);
  g_assert_cmpint (f->status, ==, 0);
  g_assert_nonnull (strstr (f->out, "Rhodri Evans"));
}

static void
test_create_refusals (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  /* No passphrase and no terminal: a clear message, exit 2, no file. */
  run (f, "key", "create", "--name", "Olwen Pritchard", "--email", "o@nhs.example", NULL);
  g_assert_cmpint (f->status, ==, 2);
  g_assert_nonnull (strstr (f->err, "--passphrase-file"));
  g_assert_nonnull (strstr (f->err, "INVOLVE_PASSPHRASE"));
  g_assert_false (g_file_test (f->default_key, G_FILE_TEST_EXISTS));

  set_env (f, "INVOLVE_PASSPHRASE", "pw");
  run (f, "key", "create", "--email", "o@nhs.example", NULL);
  g_assert_cmpint (f->status, ==, 2);
  g_assert_nonnull (strstr (f->err, "--name"));
  run (f, "key", "create", "--name", "O", NULL);
  g_assert_cmpint (f->status, ==, 2);
  g_assert_nonnull (strstr (f->err, "--email"));
  run (f, "key", "create", "--name", "O", "--email", "o@x", "--type", "dsa", NULL);
  g_assert_cmpint (f->status, ==, 2);
  g_assert_nonnull (strstr (f->err, "dsa"));
  run (f, "key", "create", "--name", "O", "--email", "not an address", NULL);
  g_assert_cmpint (f->status, ==, 1);
  g_assert_nonnull (strstr (f->err, "not an e-mail address"));
  run (f, "key", "nonsense", NULL);
  g_assert_cmpint (f->status, ==, 2);
  run (f, "key", NULL);
  g_assert_cmpint (f->status, ==, 2);
  run (f, "--key", NULL);
  g_assert_cmpint (f->status, ==, 2);
  g_assert_nonnull (strstr (f->err, "--key needs a value"));
  g_assert_false (g_file_test (f->default_key, G_FILE_TEST_EXISTS));

  /* An existing key is never replaced by accident. */
  create_default (f);
  g_file_get_contents (f->default_key, &before, NULL, NULL);
  set_env (f, "INVOLVE_PASSPHRASE", "pw");
  run (f, "key", "create", "--name", "Mallory", "--email", "m@nhs.example", NULL);
  g_assert_cmpint (f->status, ==, 1);
  g_assert_nonnull (strstr (f->err, "--force"));
  g_file_get_contents (f->default_key, &after, NULL, NULL);
  g_assert_cmpstr (before, ==, after);

  run (f, "key", "create", "--name", "Mallory", "--email", "m@nhs.example", "--force", NULL);
  g_assert_cmpint (f->status, ==, 0);
  run (f, "key", "show", NULL);
  g_assert_nonnull (strstr (f->out, "Mallory"));
}

static void
test_passphrase_sources (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *pass_file = g_build_filename (f->dir, "pass.txt", NULL);
  g_autofree char *empty_file = g_build_filename (f->dir, "empty.txt", NULL);

  create_default (f);

  /* Nothing to unlock with, no terminal. */
  run (f, "key", "check", NULL);
  g_assert_cmpint (f->status, ==, 2);
  g_assert_nonnull (strstr (f->err, "no terminal"));

  /* Wrong, then right, through the environment. */
  set_env (f, "INVOLVE_PASSPHRASE", "wrong");
  run (f, "key", "check", NULL);
  g_assert_cmpint (f->status, ==, 1);
  g_assert_nonnull (strstr (f->err, "Wrong passphrase"));
  g_assert_nonnull (strstr (f->err, f->default_key));
  set_env (f, "INVOLVE_PASSPHRASE", "first passphrase");
  run (f, "key", "check", NULL);
  g_assert_cmpint (f->status, ==, 0);
  g_assert_nonnull (strstr (f->out, "unlocked"));

  /* The file's first line wins over the environment. */
  g_file_set_contents (pass_file, "first passphrase\nsecond line\n", -1, NULL);
  set_env (f, "INVOLVE_PASSPHRASE", "wrong");
  run (f, "--passphrase-file", pass_file, "key", "check", NULL);
  g_assert_cmpint (f->status, ==, 0);
  run (f, "key", "check", "--passphrase-file", pass_file, NULL);
  g_assert_cmpint (f->status, ==, 0);
  g_file_set_contents (pass_file, "first passphrase\r\n", -1, NULL);
  run (f, "key", "check", "--passphrase-file=pass.txt", NULL);
  g_assert_cmpint (f->status, ==, 0);

  g_file_set_contents (empty_file, "\nfirst passphrase\n", -1, NULL);
  run (f, "key", "check", "--passphrase-file", empty_file, NULL);
  g_assert_cmpint (f->status, ==, 1);
  g_assert_nonnull (strstr (f->err, "empty"));
  run (f, "key", "check", "--passphrase-file", "no-such-file", NULL);
  g_assert_cmpint (f->status, ==, 1);
  g_assert_nonnull (strstr (f->err, "passphrase file"));

  /* No key at all. */
  set_env (f, "INVOLVE_PASSPHRASE", "first passphrase");
  run (f, "--key", "missing.pem", "key", "check", NULL);
  g_assert_cmpint (f->status, ==, 1);
  g_assert_nonnull (strstr (f->err, "key create"));

  /* A foreign file named as the key. */
  g_file_set_contents (empty_file, "%PDF-1.7\n", -1, NULL);
  run (f, "--key", empty_file, "key", "check", NULL);
  g_assert_cmpint (f->status, ==, 1);
  g_assert_nonnull (strstr (f->err, "empty.txt"));

  /* A token that is not there. */
  run (f, "--key", "pkcs11:token=No%20Such%20Card;object=sign;type=private", "key", "check", NULL);
  g_assert_cmpint (f->status, ==, 1);
  g_assert_nonnull (strstr (f->err, "No%20Such%20Card"));

  /* After "--", --key is an argument, not the option. */
  run (f, "key", "check", "--", "--key", "x", NULL);
  g_assert_cmpint (f->status, ==, 2);
}

static void
test_passwd (Fixture       *f,
             gconstpointer  data)
{
  create_default (f);

  set_env (f, "INVOLVE_PASSPHRASE", "not it");
  set_env (f, "INVOLVE_NEW_PASSPHRASE", "second passphrase");
  run (f, "key", "passwd", NULL);
  g_assert_cmpint (f->status, ==, 1);
  g_assert_nonnull (strstr (f->err, "Wrong passphrase"));

  set_env (f, "INVOLVE_PASSPHRASE", "first passphrase");
  set_env (f, "INVOLVE_NEW_PASSPHRASE", NULL);
  run (f, "key", "passwd", NULL);
  g_assert_cmpint (f->status, ==, 2);

  set_env (f, "INVOLVE_NEW_PASSPHRASE", "second passphrase");
  run (f, "key", "passwd", NULL);
  g_assert_cmpint (f->status, ==, 0);

  run (f, "key", "check", NULL);
  g_assert_cmpint (f->status, ==, 1);
  set_env (f, "INVOLVE_PASSPHRASE", "second passphrase");
  run (f, "key", "check", NULL);
  g_assert_cmpint (f->status, ==, 0);
}

static void
test_import_pkcs12 (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *p12 = g_build_filename (f->dir, "org.p12", NULL);
  g_autofree char *fingerprint = NULL;

  create_default (f);
  fingerprint = line_value (f->out, "Fingerprint:");
  {
    const char *argv[] = { "openssl", "pkcs12", "-export", "-in", f->default_key, "-inkey", f->default_key,
                           "-passin", "pass:first passphrase", "-passout", "pass:org secret", "-out", p12, NULL };
    g_autofree char *o = tool_output (argv);
  }

  set_env (f, "INVOLVE_PASSPHRASE", "mine");
  set_env (f, "INVOLVE_PKCS12_PASSPHRASE", "guess");
  run (f, "key", "import", p12, "--file", "imported.pem", NULL);
  g_assert_cmpint (f->status, ==, 1);
  g_assert_nonnull (strstr (f->err, "Wrong password"));
  g_assert_nonnull (strstr (f->err, "org.p12"));

  run (f, "key", "import", "--file", "imported.pem", NULL);
  g_assert_cmpint (f->status, ==, 2);
  run (f, "key", "import", f->default_key, "--file", "imported.pem", NULL);
  g_assert_cmpint (f->status, ==, 1);
  g_assert_nonnull (strstr (f->err, "PKCS#12"));

  set_env (f, "INVOLVE_PKCS12_PASSPHRASE", "org secret");
  run (f, "key", "import", p12, NULL);
  g_assert_cmpint (f->status, ==, 1);  /* the default key exists */
  run (f, "key", "import", p12, "--file", "imported.pem", NULL);
  g_assert_cmpint (f->status, ==, 0);
  run (f, "key", "show", "--file", "imported.pem", NULL);
  g_assert_nonnull (strstr (f->out, fingerprint));
  run (f, "--key", "imported.pem", "key", "check", NULL);
  g_assert_cmpint (f->status, ==, 0);
}

/* The prompt on a terminal: the passphrase is not echoed. */
static void
test_terminal_prompt (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GString) seen = g_string_new (NULL);
  const char *cli = g_getenv ("INVOLVE_CLI");
  gboolean answered = FALSE;
  int master = -1;
  int wait_status = 0;
  pid_t pid;

  create_default (f);

  pid = forkpty (&master, NULL, NULL, NULL);
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      if (chdir (f->dir) != 0)
        _exit (127);
      execve (cli, (char *[]) { (char *) cli, "key", "check", NULL }, f->env);
      _exit (127);
    }

  for (;;)
    {
      char buf[512];
      ssize_t n = read (master, buf, sizeof buf);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      g_string_append_len (seen, buf, n);
      if (!answered && strstr (seen->str, "Passphrase for the key of Olwen Pritchard") != NULL
          && g_str_has_suffix (seen->str, ": "))
        {
          g_assert_cmpint (write (master, "first passphrase\n", 17), ==, 17);
          answered = TRUE;
        }
    }
  close (master);
  g_assert_cmpint (waitpid (pid, &wait_status, 0), ==, pid);
  g_test_message ("%s", seen->str);
  g_assert_true (answered);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 0);
  g_assert_nonnull (strstr (seen->str, "unlocked"));
  g_assert_null (strstr (seen->str, "first passphrase"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli/key/create-show-export", Fixture, NULL, fixture_set_up, test_create_show_export,
              fixture_tear_down);
  g_test_add ("/cli/key/create-refusals", Fixture, NULL, fixture_set_up, test_create_refusals,
              fixture_tear_down);
  g_test_add ("/cli/key/passphrase-sources", Fixture, NULL, fixture_set_up, test_passphrase_sources,
              fixture_tear_down);
  g_test_add ("/cli/key/passwd", Fixture, NULL, fixture_set_up, test_passwd, fixture_tear_down);
  g_test_add ("/cli/key/import-pkcs12", Fixture, NULL, fixture_set_up, test_import_pkcs12, fixture_tear_down);
  g_test_add ("/cli/key/terminal-prompt", Fixture, NULL, fixture_set_up, test_terminal_prompt,
              fixture_tear_down);

  return g_test_run ();
}
