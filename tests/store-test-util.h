/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "common-test-util.h"
#include "identity-test-util.h"
#include "involve-act.h"
#include "involve-fingerprint.h"
#include "involve-lifecycle.h"
#include "involve-store.h"
#include "involve-store-private.h"
#include "involve-store-trust.h"
#include "store-engine-test-util.h"

/* Acting as the officer, with their key unlocked (on a team register as
 * the officer's login: store-engine-test-util.h). */
static inline InvolveStore *
open_store (const char *path,
            GError    **error)
{
  InvolveStore *store = store_test_open_as (path, "officer", "Officer", error);

  if (store != NULL)
    involve_store_set_identity (store, test_identity ("officer"));
  return store;
}

/* Trusts the reviewer to sign off, signed by the acting identity (the
 * officer, the register's first and so administrator, by default). */
static inline void
trust_reviewer (InvolveStore *store)
{
  g_autoptr(GError) error = NULL;
  guint roles = 0;

  g_assert_true (involve_store_trust_lookup (store, involve_certificate_get_fingerprint (test_certificate ("reviewer")),
                                             &roles, &error));
  g_assert_no_error (error);
  if (roles & INVOLVE_TRUST_SIGN_OFF)
    return;
  g_assert_true (involve_store_trust_add (store, test_certificate ("reviewer"), INVOLVE_TRUST_SIGN_OFF, &error));
  g_assert_no_error (error);
}

/* Makes @who ("officer", "reviewer", "other") the acting person (on a
 * team register also its login); returns the identity that acted before
 * (not owned), for act_as_identity (). */
static inline InvolveIdentity *
act_as (InvolveStore *store,
        const char   *who)
{
  InvolveIdentity *before = involve_store_get_identity (store);

  involve_store_set_identity (store, who != NULL ? test_identity (who) : NULL);
  store_test_become (store, who);
  return before;
}

/* The test person whose key @identity is, or NULL.  (Here, not in
 * store-engine-test-util.c: each file has its own test keys.) */
static inline const char *
store_test_who (InvolveIdentity *identity)
{
  const char *people[] = { "officer", "reviewer", "other" };

  for (guint i = 0; identity != NULL && i < G_N_ELEMENTS (people); i++)
    if (identity == test_identity (people[i]))
      return people[i];
  return NULL;
}

/* Acts again as the test person whose key @identity is. */
static inline void
act_as_identity (InvolveStore    *store,
                 InvolveIdentity *identity)
{
  involve_store_set_identity (store, identity);
  store_test_become (store, store_test_who (identity));
}

static inline char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return g_strdup ("(missing)");
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

/* SQL straight into a register file (never a team register). */
static inline void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;
  int rc;

  g_assert_false (store_test_on_server ());
  rc = sqlite3_open (path, &db);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  rc = sqlite3_exec (db, sql, NULL, NULL, &message);
  if (rc != SQLITE_OK)
    g_error ("raw SQL failed: %s: %s", sql, message);
  sqlite3_close (db);
}

static inline void
set_string (InvolveStore  *store,
            InvolveRecord *record,
            const char    *field_id,
            const char    *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (involve_store_set_value (store, record, field_id, g_variant_new_string (text), &error));
  g_assert_no_error (error);
}

static inline void
set_bool (InvolveStore  *store,
          InvolveRecord *record,
          const char    *field_id,
          gboolean       yes)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (involve_store_set_value (store, record, field_id, g_variant_new_boolean (yes), &error));
  g_assert_no_error (error);
}

/* Answers every question the validation asks before submitting: a clinic
 * move where the duty applies under limb (c). */
static inline void
fill_record (InvolveStore  *store,
             InvolveRecord *record,
             const char    *title)
{
  g_autoptr(GError) error = NULL;
  const char *rows[][2] = { { "Low turnout", "Hold extra evening sessions" },
                            { "Legal challenge", "Keep this record" } };
  const char *operational[] = { "operational", NULL };
  GVariantBuilder table;

  g_variant_builder_init (&table, G_VARIANT_TYPE ("aas"));
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    g_variant_builder_add_value (&table, g_variant_new_strv (rows[i], 2));

  set_string (store, record, "title", title);
  set_string (store, record, "organisation-name", "Northshire ICB");
  set_string (store, record, "organisation-type", "icb");
  set_bool (store, record, "step1-commissioning", TRUE);
  set_string (store, record, "step1-explanation", "We commission the service.");
  g_assert_true (involve_store_set_value (store, record, "step2-activity-types",
                                          g_variant_new_strv (operational, -1), &error));
  set_string (store, record, "step2-explanation", "Where the clinic runs from is an operational decision.");
  set_bool (store, record, "step3-impact-delivery", TRUE);
  set_string (store, record, "step3-impact-delivery-details", "Patients would travel to another site.");
  set_bool (store, record, "step3-impact-range", FALSE);
  set_string (store, record, "step3-impact-range-details", "Nothing is added or removed.");
  set_bool (store, record, "duty-applies-opinion", TRUE);
  set_string (store, record, "duty-applies-reason", "The move changes how patients reach the clinic.");
  set_string (store, record, "b1-location", "Northshire");
  set_string (store, record, "b1-title-description", "Moving a clinic to the town health centre.");
  set_string (store, record, "b3-existing-arrangements", "Patient panel and the local Healthwatch.");
  set_string (store, record, "b3-insight-use", "Complaints and a patient survey shaped the options.");
  set_bool (store, record, "b4-additional-required", TRUE);
  set_string (store, record, "b4-approach", "Drop-in sessions and an online survey.");
  set_string (store, record, "b4-fair-proportionate", "Eight weeks, easy read and translated versions.");
  set_string (store, record, "b5-influence", "Findings go to the board before it decides.");
  set_string (store, record, "b5-feedback", "A report back to everybody who took part.");
  set_string (store, record, "b5-ongoing-impact", "A review one year after the move.");
  set_string (store, record, "completer-name", "Alex Officer");
  set_string (store, record, "completer-job-title", "Engagement manager");
  set_string (store, record, "completer-email", "alex.officer@example.org");
  set_string (store, record, "completer-team", "Communications");
  set_string (store, record, "completer-date", "2026-03-31");
  /* The duty applies: the plan's core is required. */
  set_string (store, record, "c-target-audiences", "Patients of the clinic and their carers.");
  set_string (store, record, "c-objectives", "Everyone affected knows of the move and can comment.");
  set_string (store, record, "c-methods", "Drop-in sessions, an online survey and letters.");
  set_string (store, record, "c-timescales", "Eight weeks from the first of May.");
  set_string (store, record, "c-feedback", "A report to everybody who took part.");
  g_assert_true (involve_store_set_value (store, record, "c-risks", g_variant_builder_end (&table), &error));
  g_assert_no_error (error);
}

static inline InvolveSignOff *
reviewer (const char *name,
          const char *email)
{
  InvolveSignOff *sign_off = involve_sign_off_new ();

  sign_off->reviewer_name = g_strdup (name);
  sign_off->reviewer_email = g_strdup (email);
  sign_off->reviewer_job_title = g_strdup ("Director of Engagement");
  sign_off->reviewer_team = g_strdup ("Governance");
  return sign_off;
}

/* Signs @uuid off as a different person from another desktop. */
static inline void
sign_off_as_reviewer (InvolveStore *store,
                      const char   *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveSignOff) sign_off = reviewer ("Sam Reviewer", "sam.reviewer@example.org");
  g_autofree char *account = g_strdup (involve_store_get_os_account (store));
  g_autofree char *profile = g_strdup (involve_store_get_profile_name (store));

  InvolveIdentity *before;

  trust_reviewer (store);
  before = act_as (store, "reviewer");
  involve_store_set_os_account (store, "reviewer");
  involve_store_set_profile_name (store, "Reviewer");
  involve_store_sign_off (store, uuid, sign_off, &error);
  g_assert_no_error (error);
  involve_store_set_os_account (store, account);
  involve_store_set_profile_name (store, profile);
  act_as_identity (store, before);
}

/* A signed response by @who to the signed request of @uuid's @version. */
static inline void
make_response (InvolveStore         *store,
               const char           *uuid,
               guint                 version,
               const char           *who,
               const InvolveSignOff *decision,
               gint64                decided_usec,
               GBytes              **data,
               GBytes              **signature)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) request_data = NULL;
  g_autoptr(GBytes) request_signature = NULL;
  g_autoptr(InvolveCertificate) completer = NULL;
  g_autoptr(InvolveAct) request = NULL;
  g_autoptr(InvolveAct) act = NULL;

  g_assert_true (involve_store_get_submit_act (store, uuid, version, &request_data, &request_signature,
                                               &completer, &error));
  g_assert_no_error (error);
  request = involve_act_parse (request_data, &error);
  g_assert_no_error (error);
  act = involve_act_new_response (request, request_signature, decision, test_certificate (who),
                                  decided_usec != 0 ? decided_usec : g_get_real_time ());
  *data = involve_act_serialise (act);
  *signature = involve_identity_sign (test_identity (who), *data, &error);
  g_assert_no_error (error);
}
