/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "common-test-util.h"
#include "involve-identity.h"
#include "involve-paths.h"

/* Keys made once: RSA-3072 takes a while. */
static InvolveIdentity *ecdsa_identity;
static InvolveIdentity *rsa_identity;

static InvolveIdentity *
get_ecdsa (void)
{
  if (ecdsa_identity == NULL)
    {
      g_autoptr(GError) error = NULL;

      ecdsa_identity = involve_identity_generate ("Olwen Pritchard", "olwen.pritchard@nhs.example",
                                                  "NHS Example ICB", INVOLVE_KEY_ECDSA_P256, 30, &error);
      g_assert_no_error (error);
    }
  return ecdsa_identity;
}

static InvolveIdentity *
get_rsa (void)
{
  if (rsa_identity == NULL)
    {
      g_autoptr(GError) error = NULL;

      rsa_identity = involve_identity_generate ("Rhodri Evans", "rhodri.evans@nhs.example",
                                                NULL, INVOLVE_KEY_RSA_3072, 0, &error);
      g_assert_no_error (error);
    }
  return rsa_identity;
}

/* Runs a third-party tool; its standard output, and the exit status. */
static char *
run_tool (const char * const *argv,
          int                *status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int wait_status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, &err, &wait_status, &error));
  g_assert_no_error (error);
  *status = g_spawn_check_wait_status (wait_status, NULL) ? 0 : 1;
  if (*status != 0)
    g_test_message ("%s: %s", argv[0], err);
  return g_steal_pointer (&out);
}

static char *
run_tool_ok (const char * const *argv)
{
  int status = 0;
  char *out = run_tool (argv, &status);

  g_assert_cmpint (status, ==, 0);
  return out;
}

static void
write_file (const char *path,
            const void *data,
            gsize       size)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, (gssize) size, &error);
  g_assert_no_error (error);
}

static char *
write_cert (TestDir            *td,
            InvolveCertificate *cert,
            const char         *name)
{
  char *path = g_build_filename (td->dir, name, NULL);
  g_autofree char *pem = involve_certificate_dup_pem (cert);

  write_file (path, pem, strlen (pem));
  return path;
}

/* The fingerprint openssl reports, as lower-case hex without colons. */
static char *
openssl_fingerprint (const char *cert_path)
{
  const char *argv[] = { "openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", cert_path, NULL };
  g_autofree char *out = run_tool_ok (argv);
  const char *eq = strchr (out, '=');
  GString *hex = g_string_new (NULL);

  g_assert_nonnull (eq);
  for (const char *p = eq + 1; *p != '\0'; p++)
    if (g_ascii_isxdigit (*p))
      g_string_append_c (hex, g_ascii_tolower (*p));
  return g_string_free (hex, FALSE);
}

static void
check_certificate_fields (gconstpointer data)
{
  gboolean rsa = GPOINTER_TO_INT (data);
  InvolveIdentity *id = rsa ? get_rsa () : get_ecdsa ();
  InvolveCertificate *cert = involve_identity_get_certificate (id);
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *path = write_cert (td, cert, "cert.pem");
  g_autofree char *fp = openssl_fingerprint (path);
  g_autofree char *keydesc = involve_certificate_dup_key_description (cert);
  g_autofree char *desc = involve_certificate_dup_description (cert);
  const char *text_argv[] = { "openssl", "x509", "-noout", "-text", "-in", path, NULL };
  g_autofree char *text = run_tool_ok (text_argv);
  gint64 now = g_get_real_time ();

  g_assert_cmpstr (involve_certificate_get_fingerprint (cert), ==, fp);
  g_assert_cmpuint (strlen (fp), ==, 64);
  g_assert_true (g_str_has_prefix (desc, rsa ? "Rhodri Evans <rhodri.evans@nhs.example>, SHA-256 "
                                             : "Olwen Pritchard <olwen.pritchard@nhs.example>, SHA-256 "));
  {
    g_autofree char *start = g_strndup (fp, 16);

    g_assert_nonnull (strstr (desc, start));
  }

  if (rsa)
    {
      g_assert_cmpstr (involve_certificate_get_name (cert), ==, "Rhodri Evans");
      g_assert_null (involve_certificate_get_organisation (cert));
      g_assert_cmpstr (keydesc, ==, "RSA-3072");
      g_assert_nonnull (strstr (text, "Public-Key: (3072 bit)"));
      /* Three years by default. */
      g_assert_cmpint (involve_certificate_get_not_after (cert) - now, >, (gint64) 1094 * G_TIME_SPAN_DAY);
      g_assert_cmpint (involve_certificate_get_not_after (cert) - now, <, (gint64) 1096 * G_TIME_SPAN_DAY);
    }
  else
    {
      g_assert_cmpstr (involve_certificate_get_name (cert), ==, "Olwen Pritchard");
      g_assert_cmpstr (involve_certificate_get_email (cert), ==, "olwen.pritchard@nhs.example");
      g_assert_cmpstr (involve_certificate_get_organisation (cert), ==, "NHS Example ICB");
      g_assert_cmpstr (keydesc, ==, "ECDSA P-256");
      g_assert_nonnull (strstr (text, "prime256v1"));
      g_assert_cmpint (involve_certificate_get_not_after (cert) - now, >, 29 * G_TIME_SPAN_DAY);
      g_assert_cmpint (involve_certificate_get_not_after (cert) - now, <, 31 * G_TIME_SPAN_DAY);
    }
  g_assert_cmpint (involve_certificate_get_not_before (cert), <=, now);
  g_assert_cmpint (involve_certificate_get_not_before (cert), >, now - 5 * G_TIME_SPAN_MINUTE);

  /* What PDF readers and mail programs look for. */
  g_assert_nonnull (strstr (text, "Version: 3"));
  g_assert_nonnull (strstr (text, rsa ? "sha256WithRSAEncryption" : "ecdsa-with-SHA256"));
  g_assert_nonnull (strstr (text, "CA:FALSE"));
  g_assert_nonnull (strstr (text, "Digital Signature, Non Repudiation"));
  g_assert_nonnull (strstr (text, "E-mail Protection"));
  g_assert_nonnull (strstr (text, "Subject Key Identifier"));

  /* The PEM reads back to the same certificate, and so does the DER. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(InvolveCertificate) again = involve_certificate_new_from_file (path, &error);
    g_autoptr(InvolveCertificate) from_der = NULL;

    g_assert_no_error (error);
    g_assert_true (involve_certificate_equal (cert, again));
    from_der = involve_certificate_new_from_data (involve_certificate_get_der (cert), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (involve_certificate_get_fingerprint (from_der), ==, fp);
  }
}

/* A signature made here is checked by openssl, as a third party would. */
static void
check_openssl_verifies (gconstpointer data)
{
  gboolean rsa = GPOINTER_TO_INT (data);
  InvolveIdentity *id = rsa ? get_rsa () : get_ecdsa ();
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *cert_path = write_cert (td, involve_identity_get_certificate (id), "cert.pem");
  g_autofree char *pub_path = g_build_filename (td->dir, "pub.pem", NULL);
  g_autofree char *data_path = g_build_filename (td->dir, "data", NULL);
  g_autofree char *sig_path = g_build_filename (td->dir, "sig", NULL);
  const char *text = "involve-act-1\nact=7:sign-off\nreference=13:INV-2026-0042\n";
  g_autoptr(GBytes) signed_data = g_bytes_new_static (text, strlen (text));
  g_autoptr(GBytes) sig = NULL;
  g_autoptr(GError) error = NULL;
  const char *pub_argv[] = { "openssl", "x509", "-noout", "-pubkey", "-in", cert_path, "-out", pub_path, NULL };
  const char *verify_argv[] = { "openssl", "dgst", "-sha256", "-verify", pub_path,
                                "-signature", sig_path, data_path, NULL };
  g_autofree char *ignored = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  sig = involve_identity_sign (id, signed_data, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (sig), >, 0);
  if (rsa)
    g_assert_cmpuint (g_bytes_get_size (sig), ==, 384);
  else
    g_assert_cmpuint (((const guint8 *) g_bytes_get_data (sig, NULL))[0], ==, 0x30); /* DER SEQUENCE */

  ignored = run_tool_ok (pub_argv);
  write_file (data_path, text, strlen (text));
  write_file (sig_path, g_bytes_get_data (sig, NULL), g_bytes_get_size (sig));
  out = run_tool (verify_argv, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Verified OK"));

  /* One byte changed: openssl refuses it too. */
  write_file (data_path, "involve-act-1\nact=7:sign-of!\nreference=13:INV-2026-0042\n", strlen (text));
  g_clear_pointer (&out, g_free);
  out = run_tool (verify_argv, &status);
  g_assert_cmpint (status, !=, 0);

  /* And we check it ourselves. */
  involve_certificate_verify (involve_identity_get_certificate (id), signed_data, sig, 0, &error);
  g_assert_no_error (error);
}

/* And the other way round: openssl signs, we verify. */
static void
check_verify_openssl_signature (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *key_path = g_build_filename (td->dir, "key.pem", NULL);
  g_autofree char *cert_path = g_build_filename (td->dir, "cert.pem", NULL);
  g_autofree char *data_path = g_build_filename (td->dir, "data", NULL);
  g_autofree char *sig_path = g_build_filename (td->dir, "sig", NULL);
  const char *req_argv[] = { "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                             "-nodes", "-keyout", key_path, "-out", cert_path, "-days", "2",
                             "-subj", "/CN=Third Party", NULL };
  const char *sign_argv[] = { "openssl", "dgst", "-sha256", "-sign", key_path, "-out", sig_path, data_path, NULL };
  g_autofree char *o1 = NULL, *o2 = NULL;
  g_autoptr(InvolveCertificate) cert = NULL;
  g_autoptr(GBytes) data = g_bytes_new_static ("hello", 5);
  g_autoptr(GBytes) other = g_bytes_new_static ("hellO", 5);
  g_autoptr(GBytes) sig = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sig_data = NULL;
  gsize sig_size = 0;

  o1 = run_tool_ok (req_argv);
  write_file (data_path, "hello", 5);
  o2 = run_tool_ok (sign_argv);
  g_file_get_contents (sig_path, &sig_data, &sig_size, &error);
  g_assert_no_error (error);
  sig = g_bytes_new (sig_data, sig_size);
  cert = involve_certificate_new_from_file (cert_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (involve_certificate_get_name (cert), ==, "Third Party");
  g_assert_null (involve_certificate_get_email (cert));
  g_assert_true (involve_certificate_verify (cert, data, sig, 0, &error));
  g_assert_no_error (error);
  g_assert_false (involve_certificate_verify (cert, other, sig, 0, &error));
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_SIGNATURE);
}

static void
check_bad_signatures (void)
{
  InvolveIdentity *id = get_ecdsa ();
  InvolveCertificate *cert = involve_identity_get_certificate (id);
  g_autoptr(GBytes) data = g_bytes_new_static ("decision=9:signed-off\n", 22);
  g_autoptr(GBytes) changed = g_bytes_new_static ("decision=9:withdrawn\n", 21);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) sig = NULL;
  g_autoptr(GBytes) flipped = NULL;
  g_autoptr(GError) error = NULL;
  guint8 *raw;
  gsize size = 0;

  sig = involve_identity_sign (id, data, &error);
  g_assert_no_error (error);
  g_assert_true (involve_certificate_verify (cert, data, sig, 0, &error));

  /* Changed data. */
  g_assert_false (involve_certificate_verify (cert, changed, sig, 0, &error));
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_SIGNATURE);
  g_assert_nonnull (strstr (error->message, "Olwen Pritchard"));
  g_clear_error (&error);

  /* A changed signature. */
  size = g_bytes_get_size (sig);
  raw = g_memdup2 (g_bytes_get_data (sig, NULL), size);
  raw[size - 1] ^= 0x01;
  flipped = g_bytes_new_take (raw, size);
  g_assert_false (involve_certificate_verify (cert, data, flipped, 0, &error));
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);

  g_assert_false (involve_certificate_verify (cert, data, empty, 0, &error));
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);

  /* Somebody else's certificate, though the same name. */
  {
    g_autoptr(InvolveIdentity) twin = involve_identity_generate ("Olwen Pritchard", "olwen.pritchard@nhs.example",
                                                                 "NHS Example ICB", INVOLVE_KEY_ECDSA_P256, 30,
                                                                 &error);
    g_assert_no_error (error);
    g_assert_false (involve_certificate_equal (cert, involve_identity_get_certificate (twin)));
    g_assert_cmpstr (involve_certificate_get_fingerprint (cert), !=,
                     involve_certificate_get_fingerprint (involve_identity_get_certificate (twin)));
    g_assert_false (involve_certificate_verify (involve_identity_get_certificate (twin), data, sig, 0, &error));
    g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_SIGNATURE);
    g_clear_error (&error);
  }

  /* An RSA signature checked against an ECDSA certificate. */
  {
    g_autoptr(GBytes) rsa_sig = involve_identity_sign (get_rsa (), data, &error);

    g_assert_no_error (error);
    g_assert_false (involve_certificate_verify (cert, data, rsa_sig, 0, &error));
    g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_SIGNATURE);
    g_clear_error (&error);
  }

  /* A good signature at a time the certificate does not cover. */
  g_assert_false (involve_certificate_verify (cert, data, sig,
                                              involve_certificate_get_not_after (cert) + G_TIME_SPAN_DAY,
                                              &error));
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_EXPIRED);
  g_clear_error (&error);
  g_assert_false (involve_certificate_verify (cert, data, sig,
                                              involve_certificate_get_not_before (cert) - G_TIME_SPAN_DAY,
                                              &error));
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_EXPIRED);
  g_clear_error (&error);
}

static void
check_save_load (gconstpointer data)
{
  gboolean rsa = GPOINTER_TO_INT (data);
  InvolveIdentity *id = rsa ? get_rsa () : get_ecdsa ();
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *path = g_build_filename (td->dir, "sub", "dir", "identity.pem", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(InvolveIdentity) loaded = NULL;
  g_autoptr(InvolveCertificate) cert_only = NULL;
  g_autoptr(GBytes) msg = g_bytes_new_static ("x", 1);
  g_autoptr(GBytes) sig = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_true (involve_identity_save (id, path, "correct horse", &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
  g_assert_null (strstr (contents, "BEGIN PRIVATE KEY"));
  g_assert_nonnull (strstr (contents, "-----BEGIN CERTIFICATE-----"));

  /* openssl reads it: PBES2 with AES-256, the passphrase opens it. */
  {
    const char *argv[] = { "openssl", "pkcs8", "-in", path, "-passin", "pass:correct horse", "-nocrypt",
                           "-topk8", "-out", "/dev/null", NULL };
    const char *info_argv[] = { "openssl", "asn1parse", "-in", path, NULL };
    const char *bad_argv[] = { "openssl", "pkey", "-in", path, "-passin", "pass:wrong", "-noout", NULL };
    g_autofree char *o1 = run_tool_ok (argv);
    g_autofree char *info = run_tool_ok (info_argv);
    g_autofree char *o3 = NULL;
    int status = 0;

    g_assert_nonnull (strstr (info, "PBES2"));
    g_assert_nonnull (strstr (info, "aes-256-cbc"));
    o3 = run_tool (bad_argv, &status);
    g_assert_cmpint (status, !=, 0);
  }

  loaded = involve_identity_load (path, "correct horse", &error);
  g_assert_no_error (error);
  g_assert_true (involve_certificate_equal (involve_identity_get_certificate (id),
                                            involve_identity_get_certificate (loaded)));
  g_assert_cmpuint (involve_identity_get_chain (loaded)->len, ==, 0);
  sig = involve_identity_sign (loaded, msg, &error);
  g_assert_no_error (error);
  g_assert_true (involve_certificate_verify (involve_identity_get_certificate (id), msg, sig, 0, &error));
  g_assert_no_error (error);

  cert_only = involve_identity_load_certificate (path, &error);
  g_assert_no_error (error);
  g_assert_true (involve_certificate_equal (cert_only, involve_identity_get_certificate (id)));

  /* Saving again replaces the file atomically, still 0600. */
  g_assert_true (involve_identity_save (loaded, path, "new passphrase", &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_clear_object (&loaded);
  loaded = involve_identity_load (path, "correct horse", &error);
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE);
  g_clear_error (&error);
  loaded = involve_identity_load (path, "new passphrase", &error);
  g_assert_no_error (error);
}

static void
check_passphrases (void)
{
  InvolveIdentity *id = get_ecdsa ();
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *path = g_build_filename (td->dir, "identity.pem", NULL);
  g_autoptr(InvolveIdentity) loaded = NULL;
  g_autoptr(GError) error = NULL;

  /* A key is never written unencrypted. */
  g_assert_false (involve_identity_save (id, path, "", &error));
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE);
  g_clear_error (&error);
  g_assert_false (involve_identity_save (id, path, NULL, &error));
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE);
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Non-ASCII passphrases work. */
  g_assert_true (involve_identity_save (id, path, "Llŷr’s ключ 鍵", &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 20; i++)
    {
      /* Many wrong passphrases, all told apart from damage. */
      g_autofree char *wrong = g_strdup_printf ("wrong %u", i);

      loaded = involve_identity_load (path, wrong, &error);
      g_assert_null (loaded);
      g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE);
      g_assert_nonnull (strstr (error->message, path));
      g_clear_error (&error);
    }
  loaded = involve_identity_load (path, "", &error);
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE);
  g_clear_error (&error);
  loaded = involve_identity_load (path, "Llŷr’s ключ 鍵", &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
}

static void
check_damaged_files (void)
{
  InvolveIdentity *id = get_ecdsa ();
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *path = g_build_filename (td->dir, "identity.pem", NULL);
  g_autofree char *bad = g_build_filename (td->dir, "bad.pem", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveIdentity) loaded = NULL;
  g_autoptr(InvolveCertificate) cert = NULL;
  char *cert_start;
  gsize len = 0;

  g_assert_true (involve_identity_save (id, path, "pw", &error));
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);

  /* Missing. */
  loaded = involve_identity_load (bad, "pw", &error);
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "bad.pem"));
  g_clear_error (&error);

  /* Somebody else's file: text, binary, empty, a %PDF-. */
  {
    const char *foreign[] = { "hello world\n", "%PDF-1.7\n%%EOF\n", "", "\x30\x82\x01\x00garbage" };

    for (guint i = 0; i < G_N_ELEMENTS (foreign); i++)
      {
        write_file (bad, foreign[i], strlen (foreign[i]));
        loaded = involve_identity_load (bad, "pw", &error);
        g_assert_null (loaded);
        g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID);
        g_assert_nonnull (strstr (error->message, "bad.pem"));
        g_clear_error (&error);
        cert = involve_identity_load_certificate (bad, &error);
        g_assert_null (cert);
        g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID);
        g_assert_nonnull (strstr (error->message, "bad.pem"));
        g_clear_error (&error);
      }
  }

  /* The key block's base64 damaged near its start (the structure). */
  {
    g_autofree char *damaged = g_strdup (contents);
    char *body = strchr (damaged, '\n') + 1;

    body[2] = body[2] == 'A' ? 'B' : 'A';
    body[3] = body[3] == 'A' ? 'B' : 'A';
    write_file (bad, damaged, len);
    loaded = involve_identity_load (bad, "pw", &error);
    g_assert_null (loaded);
    g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "bad.pem"));
    g_clear_error (&error);
  }

  /* The key block cut short. */
  write_file (bad, contents, 120);
  loaded = involve_identity_load (bad, "pw", &error);
  g_assert_null (loaded);
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID);
  g_clear_error (&error);

  /* The certificate missing. */
  cert_start = strstr (contents, "-----BEGIN CERTIFICATE-----");
  g_assert_nonnull (cert_start);
  write_file (bad, contents, (gsize) (cert_start - contents));
  loaded = involve_identity_load (bad, "pw", &error);
  g_assert_null (loaded);
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "bad.pem"));
  g_clear_error (&error);

  /* Another person's certificate put next to this key. */
  {
    g_autofree char *other_pem = involve_certificate_dup_pem (involve_identity_get_certificate (get_rsa ()));
    g_autofree char *swapped = g_strdup_printf ("%.*s%s", (int) (cert_start - contents), contents, other_pem);
    write_file (bad, swapped, strlen (swapped));
    loaded = involve_identity_load (bad, "pw", &error);
    g_assert_null (loaded);
    g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "does not belong"));
    g_clear_error (&error);
  }

  /* An unencrypted key, as openssl makes by default, is refused. */
  {
    const char *argv[] = { "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                           "-out", bad, NULL };
    g_autofree char *o = run_tool_ok (argv);

    loaded = involve_identity_load (bad, "pw", &error);
    g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "not encrypted"));
    g_clear_error (&error);
  }
}

static void
check_generate_input (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveIdentity) id = NULL;
  const char *bad_names[] = { "", "   ", "Two\nLines", "\xff\xfe" };
  const char *bad_emails[] = { "no-at-sign", "a b@c", "o.pritchard@nhs\nexample", "ö@nhs.example" };

  for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      id = involve_identity_generate (bad_names[i], NULL, NULL, INVOLVE_KEY_ECDSA_P256, 1, &error);
      g_assert_null (id);
      g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID);
      g_clear_error (&error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_emails); i++)
    {
      id = involve_identity_generate ("A Person", bad_emails[i], NULL, INVOLVE_KEY_ECDSA_P256, 1, &error);
      g_assert_null (id);
      g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID);
      g_clear_error (&error);
    }

  /* Welsh and Greek letters survive, normalised to NFC. */
  id = involve_identity_generate ("Siân Ο\xcc\x81lwen", NULL, NULL, INVOLVE_KEY_ECDSA_P256, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (involve_certificate_get_name (involve_identity_get_certificate (id)), ==, "Siân Όlwen");
  g_assert_null (involve_certificate_get_email (involve_identity_get_certificate (id)));
}

/* An organisation's PKCS#12: made by openssl from our key, and by certtool. */
static void
check_pkcs12 (void)
{
  InvolveIdentity *id = get_ecdsa ();
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *key_path = g_build_filename (td->dir, "identity.pem", NULL);
  g_autofree char *p12_path = g_build_filename (td->dir, "org.p12", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveIdentity) imported = NULL;
  g_autoptr(GBytes) p12 = NULL;
  g_autoptr(GBytes) msg = g_bytes_new_static ("m", 1);
  g_autoptr(GBytes) sig = NULL;
  g_autofree char *data = NULL;
  gsize size = 0;
  const char *argv[] = { "openssl", "pkcs12", "-export", "-in", key_path, "-inkey", key_path,
                         "-passin", "pass:pw", "-passout", "pass:p12 secret", "-out", p12_path, NULL };
  g_autofree char *o = NULL;

  g_assert_true (involve_identity_save (id, key_path, "pw", &error));
  o = run_tool_ok (argv);
  g_file_get_contents (p12_path, &data, &size, &error);
  g_assert_no_error (error);
  p12 = g_bytes_new (data, size);

  imported = involve_identity_import_pkcs12 (p12, "wrong", &error);
  g_assert_null (imported);
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE);
  g_clear_error (&error);
  imported = involve_identity_import_pkcs12 (p12, NULL, &error);
  g_assert_null (imported);
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE);
  g_clear_error (&error);

  imported = involve_identity_import_pkcs12 (p12, "p12 secret", &error);
  g_assert_no_error (error);
  g_assert_true (involve_certificate_equal (involve_identity_get_certificate (id),
                                            involve_identity_get_certificate (imported)));
  sig = involve_identity_sign (imported, msg, &error);
  g_assert_no_error (error);
  g_assert_true (involve_certificate_verify (involve_identity_get_certificate (id), msg, sig, 0, &error));

  /* It can be kept as an ordinary key file. */
  g_assert_true (involve_identity_save (imported, key_path, "kept", &error));
  g_assert_no_error (error);

  /* Not a PKCS#12 at all. */
  {
    g_autoptr(GBytes) junk = g_bytes_new_static ("%PDF-1.4\n", 9);
    g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

    g_assert_null (involve_identity_import_pkcs12 (junk, "p12 secret", &error));
    g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_null (involve_identity_import_pkcs12 (empty, "p12 secret", &error));
    g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID);
    g_clear_error (&error);
  }
}

/* certtool: an RSA key whose certificate expired long ago, with a CA chain. */
static void
check_pkcs12_certtool_expired (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *ca_key = g_build_filename (td->dir, "ca-key.pem", NULL);
  g_autofree char *ca_cert = g_build_filename (td->dir, "ca.pem", NULL);
  g_autofree char *ca_tmpl = g_build_filename (td->dir, "ca.tmpl", NULL);
  g_autofree char *key = g_build_filename (td->dir, "key.pem", NULL);
  g_autofree char *cert = g_build_filename (td->dir, "cert.pem", NULL);
  g_autofree char *tmpl = g_build_filename (td->dir, "cert.tmpl", NULL);
  g_autofree char *p12_path = g_build_filename (td->dir, "old.p12", NULL);
  const char *ca_t = "cn = \"Example ICB Issuing CA\"\nca\ncert_signing_key\nexpiration_days = 3650\n";
  const char *t = "cn = \"Gwen Old\"\nemail = \"gwen.old@nhs.example\"\n"
                  "activation_date = \"2001-01-01 00:00:00\"\nexpiration_date = \"2002-01-01 00:00:00\"\n"
                  "signing_key\n";
  const char *a1[] = { "certtool", "--generate-privkey", "--key-type", "rsa", "--bits", "2048",
                       "--outfile", ca_key, NULL };
  const char *a2[] = { "certtool", "--generate-self-signed", "--load-privkey", ca_key, "--template", ca_tmpl,
                       "--outfile", ca_cert, NULL };
  const char *a3[] = { "certtool", "--generate-privkey", "--key-type", "rsa", "--bits", "2048",
                       "--outfile", key, NULL };
  const char *a4[] = { "certtool", "--generate-certificate", "--load-privkey", key, "--load-ca-privkey", ca_key,
                       "--load-ca-certificate", ca_cert, "--template", tmpl, "--outfile", cert, NULL };
  g_autofree char *chain = NULL;
  g_autofree char *chain_path = g_build_filename (td->dir, "chain.pem", NULL);
  const char *a5[] = { "certtool", "--to-p12", "--load-privkey", key, "--load-certificate", chain_path,
                       "--password", "old pw", "--p12-name", "gwen", "--outder", "--outfile", p12_path, NULL };
  g_autofree char *o1 = NULL, *o2 = NULL, *o3 = NULL, *o4 = NULL, *o5 = NULL;
  g_autofree char *c1 = NULL, *c2 = NULL, *p12_data = NULL;
  g_autoptr(GBytes) p12 = NULL;
  g_autoptr(InvolveIdentity) id = NULL;
  g_autoptr(GBytes) msg = g_bytes_new_static ("m", 1);
  g_autoptr(GBytes) sig = NULL;
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  InvolveCertificate *mine;

  write_file (ca_tmpl, ca_t, strlen (ca_t));
  write_file (tmpl, t, strlen (t));
  o1 = run_tool_ok (a1);
  o2 = run_tool_ok (a2);
  o3 = run_tool_ok (a3);
  o4 = run_tool_ok (a4);
  g_file_get_contents (cert, &c1, NULL, &error);
  g_file_get_contents (ca_cert, &c2, NULL, &error);
  g_assert_no_error (error);
  chain = g_strconcat (c1, c2, NULL);
  write_file (chain_path, chain, strlen (chain));
  o5 = run_tool_ok (a5);
  g_file_get_contents (p12_path, &p12_data, &size, &error);
  g_assert_no_error (error);
  p12 = g_bytes_new (p12_data, size);

  id = involve_identity_import_pkcs12 (p12, "old pw", &error);
  g_assert_no_error (error);
  mine = involve_identity_get_certificate (id);
  g_assert_cmpstr (involve_certificate_get_name (mine), ==, "Gwen Old");
  g_assert_cmpstr (involve_certificate_get_email (mine), ==, "gwen.old@nhs.example");
  g_assert_cmpuint (involve_identity_get_chain (id)->len, ==, 1);
  g_assert_cmpstr (involve_certificate_get_name (g_ptr_array_index (involve_identity_get_chain (id), 0)), ==,
                   "Example ICB Issuing CA");

  /* It signs, but the signature does not count today: the certificate
   * expired in 2002. */
  sig = involve_identity_sign (id, msg, &error);
  g_assert_no_error (error);
  g_assert_false (involve_certificate_verify (mine, msg, sig, 0, &error));
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_EXPIRED);
  g_assert_nonnull (strstr (error->message, "2002-01-01"));
  g_clear_error (&error);
  /* At a time it covered, it verifies. */
  g_assert_true (involve_certificate_verify (mine, msg, sig, (gint64) 1000000000 * G_USEC_PER_SEC, &error));
  g_assert_no_error (error);

  /* The chain is kept in the key file. */
  {
    g_autofree char *path = g_build_filename (td->dir, "identity.pem", NULL);
    g_autoptr(InvolveIdentity) again = NULL;

    g_assert_true (involve_identity_save (id, path, "new pw", &error));
    again = involve_identity_load (path, "new pw", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (involve_identity_get_chain (again)->len, ==, 1);
  }
}

static void
check_bundle (void)
{
  g_autofree char *a = involve_certificate_dup_pem (involve_identity_get_certificate (get_ecdsa ()));
  g_autofree char *b = involve_certificate_dup_pem (involve_identity_get_certificate (get_rsa ()));
  g_autofree char *text = g_strconcat ("# trusted reviewers\n", a, "\n", b, NULL);
  g_autoptr(GBytes) bundle = g_bytes_new (text, strlen (text));
  g_autoptr(GBytes) none = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) junk = g_bytes_new_static ("\x01\x02\x03", 3);
  g_autoptr(GPtrArray) certs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveCertificate) first = NULL;

  certs = involve_certificates_load_bundle (bundle, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (certs->len, ==, 2);
  g_assert_true (involve_certificate_equal (g_ptr_array_index (certs, 0),
                                            involve_identity_get_certificate (get_ecdsa ())));
  g_assert_true (involve_certificate_equal (g_ptr_array_index (certs, 1),
                                            involve_identity_get_certificate (get_rsa ())));
  first = involve_certificate_new_from_data (bundle, &error);
  g_assert_no_error (error);
  g_assert_true (involve_certificate_equal (first, involve_identity_get_certificate (get_ecdsa ())));

  g_clear_pointer (&certs, g_ptr_array_unref);
  certs = involve_certificates_load_bundle (none, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (certs->len, ==, 0);

  g_clear_pointer (&certs, g_ptr_array_unref);
  certs = involve_certificates_load_bundle (junk, &error);
  g_assert_null (certs);
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (involve_certificate_new_from_data (junk, &error));
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID);
}

/* No token here: the errors must be clear, never a crash. */
static void
check_url_errors (void)
{
  const char *urls[] = { "pkcs11:token=No%20Such%20Card;object=signing;type=private",
                         "pkcs11:model=nothing;manufacturer=nobody;object=x",
                         "not a url", "https://example.invalid/key", "" };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(InvolveIdentity) id = involve_identity_open_url (urls[i], "1234", &error);

      g_assert_null (id);
      g_assert_nonnull (error);
      g_assert_true (error->domain == INVOLVE_IDENTITY_ERROR);
      g_assert_true (error->code == INVOLVE_IDENTITY_ERROR_NOT_FOUND
                     || error->code == INVOLVE_IDENTITY_ERROR_INVALID
                     || error->code == INVOLVE_IDENTITY_ERROR_FAILED);
      if (*urls[i] != '\0')
        g_assert_nonnull (strstr (error->message, urls[i]));
      g_test_message ("%s: %s", urls[i], error->message);
      g_clear_error (&error);
    }
}

/* A software smartcard (SoftHSM 2) holding a key and its certificate, set
 * up in main () before GnuTLS first loads the PKCS#11 modules. */
static char *token_dir;
static InvolveIdentity *token_identity;
#define TOKEN_URL "pkcs11:token=involve-test;object=signer;type=private"

static gboolean
run_quiet (const char * const *argv,
           const char * const *envp)
{
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, (char **) envp,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

static void
set_up_token (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *tokens = NULL;
  g_autofree char *text = NULL;
  g_autofree char *key = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *pem = NULL;
  g_auto(GStrv) env = NULL;

  g_autofree char *softhsm = g_find_program_in_path ("softhsm2-util");
  g_autofree char *p11tool = g_find_program_in_path ("p11tool");

  if (softhsm == NULL || p11tool == NULL)
    return;
  token_dir = g_dir_make_tmp ("involve-token-XXXXXX", NULL);
  conf = g_build_filename (token_dir, "softhsm2.conf", NULL);
  tokens = g_build_filename (token_dir, "tokens", NULL);
  key = g_build_filename (token_dir, "key.pem", NULL);
  plain = g_build_filename (token_dir, "plain.pem", NULL);
  cert = g_build_filename (token_dir, "cert.pem", NULL);
  g_mkdir (tokens, 0700);
  text = g_strdup_printf ("directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", tokens);
  g_file_set_contents (conf, text, -1, NULL);
  g_setenv ("SOFTHSM2_CONF", conf, TRUE);
  env = g_environ_setenv (g_get_environ (), "GNUTLS_PIN", "1234", TRUE);

  token_identity = involve_identity_generate ("Card Holder", "card.holder@nhs.example", NULL,
                                              INVOLVE_KEY_ECDSA_P256, 30, &error);
  g_assert_no_error (error);
  g_assert_true (involve_identity_save (token_identity, key, "pw", &error));
  pem = involve_certificate_dup_pem (involve_identity_get_certificate (token_identity));
  g_file_set_contents (cert, pem, -1, NULL);
  {
    const char *init[] = { "softhsm2-util", "--init-token", "--free", "--label", "involve-test",
                           "--pin", "1234", "--so-pin", "5678", NULL };
    const char *decrypt[] = { "openssl", "pkey", "-in", key, "-passin", "pass:pw", "-out", plain, NULL };
    const char *write_key[] = { "p11tool", "--login", "--write", "--load-privkey", plain, "--label", "signer",
                                "--id", "01", "pkcs11:token=involve-test", NULL };
    const char *write_cert[] = { "p11tool", "--login", "--write", "--load-certificate", cert, "--label", "signer",
                                 "--id", "01", "pkcs11:token=involve-test", NULL };

    if (!run_quiet (init, (const char * const *) env) || !run_quiet (decrypt, NULL)
        || !run_quiet (write_key, (const char * const *) env) || !run_quiet (write_cert, (const char * const *) env))
      g_clear_object (&token_identity);
  }
  g_remove (plain);
}

static void
check_url_token (void)
{
  g_autoptr(InvolveIdentity) id = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = g_bytes_new_static ("involve-act-1\n", 14);
  g_autoptr(GBytes) sig = NULL;

  if (token_identity == NULL)
    {
      g_test_skip ("no SoftHSM 2 token (softhsm2 and gnutls-bin are in .ci/install-deps)");
      return;
    }

  /* A wrong PIN, or none, is told as such: never tried twice. */
  id = involve_identity_open_url (TOKEN_URL, "0000", &error);
  g_assert_null (id);
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  id = involve_identity_open_url (TOKEN_URL, NULL, &error);
  g_assert_null (id);
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_PASSPHRASE);
  g_clear_error (&error);
  id = involve_identity_open_url ("pkcs11:token=involve-test;object=nobody;type=private", "1234", &error);
  g_assert_null (id);
  g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  id = involve_identity_open_url (TOKEN_URL, "1234", &error);
  g_assert_no_error (error);
  g_assert_true (involve_certificate_equal (involve_identity_get_certificate (id),
                                            involve_identity_get_certificate (token_identity)));
  sig = involve_identity_sign (id, data, &error);
  g_assert_no_error (error);
  g_assert_true (involve_certificate_verify (involve_identity_get_certificate (token_identity), data, sig, 0, &error));
  g_assert_no_error (error);
  g_assert_nonnull (involve_identity_get_gnutls_privkey (id));

  /* The key never leaves the card. */
  {
    g_autofree char *path = g_build_filename (token_dir, "copy.pem", NULL);

    g_assert_false (involve_identity_save (id, path, "pw", &error));
    g_assert_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_UNSUPPORTED);
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  }
}

static void
check_default_path (void)
{
  g_autoptr(TestDir) td = test_dir_new ();
  g_autofree char *normal = involve_identity_dup_default_path ();
  g_autofree char *want = g_build_filename (g_get_user_data_dir (), "involve", "identity.pem", NULL);
  g_autofree char *portable = NULL;
  g_autofree char *want_portable = g_build_filename (td->dir, "data", "identity.pem", NULL);

  g_assert_cmpstr (normal, ==, want);
  involve_paths_set_portable_dir (td->dir);
  portable = involve_identity_dup_default_path ();
  involve_paths_set_portable_dir (NULL);
  g_assert_cmpstr (portable, ==, want_portable);
}

int
main (int argc, char **argv)
{
  g_autofree char *home = test_util_isolate_user_dirs ();
  int ret;

  g_test_init (&argc, &argv, NULL);
  set_up_token ();

  g_test_add_data_func ("/identity/certificate/ecdsa", GINT_TO_POINTER (FALSE), check_certificate_fields);
  g_test_add_data_func ("/identity/certificate/rsa", GINT_TO_POINTER (TRUE), check_certificate_fields);
  g_test_add_data_func ("/identity/sign/openssl-ecdsa", GINT_TO_POINTER (FALSE), check_openssl_verifies);
  g_test_add_data_func ("/identity/sign/openssl-rsa", GINT_TO_POINTER (TRUE), check_openssl_verifies);
  g_test_add_func ("/identity/sign/verify-openssl", check_verify_openssl_signature);
  g_test_add_func ("/identity/sign/refused", check_bad_signatures);
  g_test_add_data_func ("/identity/file/round-trip-ecdsa", GINT_TO_POINTER (FALSE), check_save_load);
  g_test_add_data_func ("/identity/file/round-trip-rsa", GINT_TO_POINTER (TRUE), check_save_load);
  g_test_add_func ("/identity/file/passphrases", check_passphrases);
  g_test_add_func ("/identity/file/damaged", check_damaged_files);
  g_test_add_func ("/identity/generate/input", check_generate_input);
  g_test_add_func ("/identity/pkcs12/openssl", check_pkcs12);
  g_test_add_func ("/identity/pkcs12/certtool-expired", check_pkcs12_certtool_expired);
  g_test_add_func ("/identity/certificate/bundle", check_bundle);
  g_test_add_func ("/identity/url/errors", check_url_errors);
  g_test_add_func ("/identity/url/softhsm", check_url_token);
  g_test_add_func ("/identity/default-path", check_default_path);

  ret = g_test_run ();
  g_clear_object (&ecdsa_identity);
  g_clear_object (&rsa_identity);
  g_clear_object (&token_identity);
  if (token_dir != NULL)
    test_util_remove_tree (token_dir);
  g_free (token_dir);
  test_util_remove_tree (home);
  return ret;
}
