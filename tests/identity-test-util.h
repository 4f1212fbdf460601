/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-identity.h"

/*
 * Test people, each a key and certificate made once a process (ECDSA
 * P-256: fast) and shared by every test in it:
 *   "officer"   Alex Officer, who completes records
 *   "reviewer"  Sam Reviewer, a senior reviewer
 *   "other"     Robin Other, somebody nobody trusts
 */
static inline InvolveIdentity *test_identity_named (const char *who, const char *name, const char *email);

static inline InvolveIdentity *
test_identity (const char *who)
{
  if (g_str_equal (who, "officer"))
    return test_identity_named (who, "Alex Officer", "alex.officer@example.org");
  if (g_str_equal (who, "reviewer"))
    return test_identity_named (who, "Sam Reviewer", "sam.reviewer@example.org");
  return test_identity_named (who, "Robin Other", "robin.other@example.org");
}

/* @who's key, made with @name and @email the first time it is asked for. */
static inline InvolveIdentity *
test_identity_named (const char *who,
                     const char *name,
                     const char *email)
{
  static GHashTable *cache;
  InvolveIdentity *identity;

  if (cache == NULL)
    cache = g_hash_table_new (g_str_hash, g_str_equal);
  identity = g_hash_table_lookup (cache, who);
  if (identity == NULL)
    {
      g_autoptr(GError) error = NULL;

      identity = involve_identity_generate (name, email, "Northshire ICB", INVOLVE_KEY_ECDSA_P256,
                                            365, &error);
      g_assert_no_error (error);
      g_hash_table_insert (cache, g_strdup (who), identity);
    }
  return identity;
}

static inline InvolveCertificate *
test_certificate (const char *who)
{
  return involve_identity_get_certificate (test_identity (who));
}

/* Writes @who's key file (passphrase "test passphrase") and certificate
 * (PEM) into @dir; returns the key file's path. */
static inline char *
test_identity_save (const char *who,
                    const char *dir,
                    char      **cert_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key_name = g_strdup_printf ("%s-key.pem", who);
  g_autofree char *cert_name = g_strdup_printf ("%s-cert.pem", who);
  char *key_path = g_build_filename (dir, key_name, NULL);
  g_autofree char *pem = involve_certificate_dup_pem (test_certificate (who));
  g_autofree char *cert = g_build_filename (dir, cert_name, NULL);

  g_assert_true (involve_identity_save (test_identity (who), key_path, "test passphrase", &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (cert, pem, -1, &error));
  g_assert_no_error (error);
  if (cert_path != NULL)
    *cert_path = g_steal_pointer (&cert);
  return key_path;
}
