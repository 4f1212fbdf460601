/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "report-test-util.h"
#include "involve-lifecycle.h"
#include "involve-store-trust.h"
#include "identity-test-util.h"
#include "store-test-util.h"

typedef enum { APPLIES_C, APPLIES_AB_URGENT, NOT_APPLIES_BENEFICIAL, NOT_APPLIES_NOT_BENEFICIAL } Shape;

static void
set (InvolveRecord *values,
     const char    *field,
     GVariant      *value)
{
  involve_record_set_value (values, field, value);
}

static InvolveRecord *
demo_values (Shape       shape,
             const char *title,
             const char *organisation)
{
  InvolveRecord *values = involve_record_new ("icb-14z45");
  const char *operational[] = { "operational", NULL };
  const char *planning_proposal[] = { "planning", "proposal", NULL };
  const char *rows[] = { "Low turnout", "Hold extra evening sessions" };
  GVariantBuilder table;
  gboolean applies = shape == APPLIES_C || shape == APPLIES_AB_URGENT;

  set (values, "title", g_variant_new_string (title));
  set (values, "organisation-name", g_variant_new_string (organisation));
  set (values, "organisation-type", g_variant_new_string ("icb"));
  set (values, "step1-commissioning", g_variant_new_boolean (TRUE));
  set (values, "step1-explanation", g_variant_new_string ("We commission the service."));
  set (values, "step2-activity-types",
       g_variant_new_strv (shape == APPLIES_AB_URGENT ? planning_proposal : operational, -1));
  set (values, "step2-explanation", g_variant_new_string ("As the activity types say."));
  set (values, "step3-impact-delivery", g_variant_new_boolean (applies));
  set (values, "step3-impact-delivery-details", g_variant_new_string ("How patients receive the service."));
  set (values, "step3-impact-range", g_variant_new_boolean (shape == APPLIES_AB_URGENT));
  set (values, "step3-impact-range-details", g_variant_new_string ("The range of services."));
  set (values, "duty-applies-opinion", g_variant_new_boolean (applies));
  set (values, "duty-applies-reason", g_variant_new_string ("As the test found."));
  if (shape == APPLIES_AB_URGENT)
    {
      set (values, "urgent", g_variant_new_boolean (TRUE));
      set (values, "urgency-justification", g_variant_new_string ("A provider failed without notice."));
      set (values, "urgency-limited-involvement", g_variant_new_string ("Letters to every patient affected."));
      set (values, "notifiable-reconfiguration", g_variant_new_boolean (TRUE));
      /* The 2022 edition asks, for a notifiable reconfiguration, who tells
       * the Secretary of State and when. */
      set (values, "p22-notification",
           g_variant_new_string ("The ICB notifies the Secretary of State once the business case is agreed."));
    }
  if (!applies)
    {
      set (values, "beneficial-involvement", g_variant_new_boolean (shape == NOT_APPLIES_BENEFICIAL));
      set (values, "beneficial-involvement-reason",
           g_variant_new_string (shape == NOT_APPLIES_BENEFICIAL ? "Public interest is high: we will tell people and listen."
                                                                 : "An internal change nobody notices."));
    }
  set (values, "b1-location", g_variant_new_string ("Northshire"));
  set (values, "b1-title-description", g_variant_new_string (title));
  set (values, "b3-existing-arrangements", g_variant_new_string ("Patient panel and the local Healthwatch."));
  set (values, "b3-insight-use", g_variant_new_string ("Complaints and a patient survey shaped the options."));
  set (values, "b4-additional-required", g_variant_new_boolean (TRUE));
  set (values, "b4-approach", g_variant_new_string ("Drop-in sessions and an online survey."));
  set (values, "b4-fair-proportionate", g_variant_new_string ("Eight weeks, easy read and translated versions."));
  set (values, "b5-influence", g_variant_new_string ("Findings go to the board before it decides."));
  set (values, "b5-feedback", g_variant_new_string ("A report back to everybody who took part."));
  set (values, "b5-ongoing-impact", g_variant_new_string ("A review one year after the change."));
  set (values, "completer-name", g_variant_new_string ("Alex Officer"));
  set (values, "completer-job-title", g_variant_new_string ("Engagement manager"));
  set (values, "completer-email", g_variant_new_string ("alex.officer@example.org"));
  set (values, "completer-team", g_variant_new_string ("Communications"));
  set (values, "completer-date", g_variant_new_string ("2025-04-01"));
  /* More involvement is planned (Step 4): the plan's core is required. */
  set (values, "c-target-audiences", g_variant_new_string ("Patients of the service and their carers."));
  set (values, "c-objectives", g_variant_new_string ("Everyone affected knows of the change and can comment."));
  set (values, "c-methods", g_variant_new_string ("Drop-in sessions and an online survey."));
  set (values, "c-timescales", g_variant_new_string ("Eight weeks from the first of May."));
  set (values, "c-feedback", g_variant_new_string ("A report to everybody who took part."));
  g_variant_builder_init (&table, G_VARIANT_TYPE ("aas"));
  g_variant_builder_add_value (&table, g_variant_new_strv (rows, 2));
  set (values, "c-risks", g_variant_builder_end (&table));
  return values;
}

void
report_test_sign_off (InvolveStore *store,
                      const char   *uuid,
                      const char   *date)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveSignOff) sign_off = involve_sign_off_new ();
  g_autofree char *account = g_strdup (involve_store_get_os_account (store));
  g_autofree char *profile = g_strdup (involve_store_get_profile_name (store));

  sign_off->reviewer_name = g_strdup ("Sam Reviewer");
  sign_off->reviewer_email = g_strdup ("sam.reviewer@example.org");
  sign_off->reviewer_job_title = g_strdup ("Director of Engagement");
  sign_off->date = g_strdup (date);
  g_autoptr(InvolveIdentity) before = involve_store_get_identity (store) != NULL ?
                                      g_object_ref (involve_store_get_identity (store)) : NULL;
  guint roles = 0;

  /* The reviewer signs with their own key, trusted to sign off by the
   * officer (the register's first, so its administrator). */
  if (before == NULL)
    involve_store_set_identity (store, test_identity ("officer"));
  g_assert_true (involve_store_trust_lookup (store, involve_certificate_get_fingerprint (test_certificate ("reviewer")),
                                             &roles, &error));
  if (roles == 0)
    g_assert_true (involve_store_trust_add (store, test_certificate ("reviewer"), INVOLVE_TRUST_SIGN_OFF, &error));
  g_assert_no_error (error);
  act_as (store, "reviewer");
  involve_store_set_os_account (store, "reviewer");
  involve_store_set_profile_name (store, "Reviewer");
  g_assert_true (involve_store_sign_off (store, uuid, sign_off, &error));
  g_assert_no_error (error);
  involve_store_set_os_account (store, account);
  involve_store_set_profile_name (store, profile);
  involve_store_set_identity (store, before != NULL ? before : test_identity ("officer"));
  /* Back to the officer's login, who builds the demo year (@before may be
   * another file's copy of the officer's key: not one store_test_who ()
   * knows). */
  store_test_become (store, "officer");
}

static char *
make (InvolveStore *store,
      Shape         shape,
      const char   *title,
      const char   *organisation,
      const char   *date,
      char        **reference)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveRecord) values = demo_values (shape, title, organisation);
  g_autoptr(InvolveRecord) record = involve_store_create_record_with_values (store, values, &error);
  g_autoptr(GPtrArray) problems = NULL;

  g_assert_no_error (error);
  *reference = g_strdup (involve_record_get_reference (record));
  if (date != NULL)
    {
      if (!involve_store_submit (store, involve_record_get_uuid (record), &problems, &error))
        g_error ("submit %s: %s", title, error->message);
      report_test_sign_off (store, involve_record_get_uuid (record), date);
    }
  return g_strdup (involve_record_get_uuid (record));
}

static gint64
add (InvolveStore    *store,
     InvolveLogEntry *entry)
{
  g_autoptr(GError) error = NULL;

  if (!involve_store_add_log_entry (store, entry, &error))
    g_error ("add %s: %s", involve_log_kind_to_string (entry->kind), error->message);
  return entry->id;
}

static gint64
activity (InvolveStore *store,
          const char   *uuid,
          const char   *method,
          const char   *start,
          gint64        reach,
          const char   *groups,
          const char   *characteristics,
          const char   *partner_types,
          gint64        supersedes)
{
  g_autoptr(InvolveLogEntry) entry = involve_log_entry_new (INVOLVE_LOG_ACTIVITY, uuid);

  entry->method = g_strdup (method);
  entry->description = g_strdup_printf ("%s from %s", method, start);
  entry->start_date = g_strdup (start);
  entry->reach = reach;
  entry->groups = groups != NULL ? g_strsplit (groups, " ", -1) : NULL;
  entry->characteristics = characteristics != NULL ? g_strsplit (characteristics, " ", -1) : NULL;
  entry->partner_types = partner_types != NULL ? g_strsplit (partner_types, " ", -1) : NULL;
  entry->partners = partner_types != NULL ? g_strdup ("Northshire Healthwatch") : NULL;
  entry->supersedes = supersedes;
  if (supersedes != 0)
    entry->correction = g_strdup ("The sign-in sheets were counted again.");
  return add (store, entry);
}

void
report_test_build_demo_year (InvolveStore *store,
                             DemoYear     *demo)
{
  g_autoptr(GError) error = NULL;
  gint64 a1, a_wrong, a_withdrawn, f1, f2, r1;

  demo->uuids[0] = make (store, APPLIES_C, "Moving the podiatry clinic", "Northshire ICB", "2025-05-12", &demo->refs[0]);
  demo->uuids[1] = make (store, APPLIES_AB_URGENT, "Replacing the failed dental contract", "Northshire ICB", "2025-11-03", &demo->refs[1]);
  demo->uuids[2] = make (store, NOT_APPLIES_BENEFICIAL, "Renaming the wheelchair service", "Southvale ICB", "2026-03-31", &demo->refs[2]);
  demo->uuids[3] = make (store, NOT_APPLIES_NOT_BENEFICIAL, "Changing the invoicing system", "Northshire ICB", "2025-04-01", &demo->refs[3]);
  demo->uuids[4] = make (store, APPLIES_C, "Extending pharmacy hours", "Northshire ICB", "2026-04-01", &demo->refs[4]);
  demo->uuids[5] = make (store, APPLIES_C, "Moving the stroke unit", "Northshire ICB", "2025-06-01", &demo->refs[5]);
  demo->uuids[6] = make (store, APPLIES_C, "A plan still in draft", "Northshire ICB", NULL, &demo->refs[6]);
  demo->uuids[7] = make (store, APPLIES_C, "Last year's maternity review", "Southvale ICB", "2024-12-01", &demo->refs[7]);

  /* R6: amended and signed off again in the year. */
  g_assert_cmpuint (involve_store_amend (store, demo->uuids[5], "The new site changed.", &error), ==, 2);
  g_assert_no_error (error);
  g_assert_true (involve_store_submit (store, demo->uuids[5], NULL, &error));
  g_assert_no_error (error);
  report_test_sign_off (store, demo->uuids[5], "2025-09-01");

  /* R1: two activities, what people said and what changed. */
  a1 = activity (store, demo->uuids[0], "surveys-feedback-forms", "2025-06-02", 120,
                 "carers learning-disability", "age disability", "healthwatch", 0);
  activity (store, demo->uuids[0], "events", "2025-06-20", 30, "carers", "age", NULL, 0);
  {
    g_autoptr(InvolveLogEntry) entry = involve_log_entry_new (INVOLVE_LOG_FEEDBACK, demo->uuids[0]);

    entry->activity_id = a1;
    entry->theme = g_strdup ("Getting there by bus");
    entry->summary = g_strdup ("The new site has no bus on Sundays.");
    entry->responses = 48;
    f1 = add (store, entry);
  }
  {
    g_autoptr(InvolveLogEntry) entry = involve_log_entry_new (INVOLVE_LOG_FEEDBACK, demo->uuids[0]);

    entry->theme = g_strdup ("Keeping the Saturday clinic");
    entry->summary = g_strdup ("Working carers can only come at weekends.");
    entry->responses = 21;
    f2 = add (store, entry);
  }
  {
    g_autoptr(InvolveLogEntry) entry = involve_log_entry_new (INVOLVE_LOG_RESPONSE, demo->uuids[0]);

    entry->feedback_id = f1;
    entry->you_said = g_strdup ("There is no bus to the new site on Sundays.");
    entry->we_did = g_strdup ("We agreed a Sunday shuttle with the bus company.");
    r1 = add (store, entry);
  }
  {
    g_autoptr(InvolveLogEntry) entry = involve_log_entry_new (INVOLVE_LOG_RESPONSE, demo->uuids[0]);

    entry->feedback_id = f2;
    entry->you_said = g_strdup ("Keep the Saturday clinic at the old site.");
    entry->we_did = g_strdup ("We kept Saturday appointments, at the new site.");
    entry->not_taken_reason = g_strdup ("The old building closes in March; no clinical room is left there.");
    add (store, entry);
  }
  {
    g_autoptr(InvolveLogEntry) entry = involve_log_entry_new (INVOLVE_LOG_EVALUATION, demo->uuids[0]);

    entry->response_id = r1;
    entry->evaluated_on = g_strdup ("2026-02-15");
    entry->impact = g_strdup ("Missed appointments fell from 9% to 5% after the shuttle started.");
    add (store, entry);
  }

  /* R2: one kept, one corrected, one withdrawn, one next year. */
  activity (store, demo->uuids[1], "letters-emails", "2026-02-01", 50, "carers", NULL, "vcse", 0);
  a_wrong = activity (store, demo->uuids[1], "events", "2025-12-01", 10, "homeless", NULL, NULL, 0);
  activity (store, demo->uuids[1], "events", "2025-12-01", 15, "homeless", NULL, "vcse", a_wrong);
  a_withdrawn = activity (store, demo->uuids[1], "social-media", "2025-12-05", 999, "young-men", NULL, NULL, 0);
  {
    g_autoptr(InvolveLogEntry) entry = involve_log_entry_new (INVOLVE_LOG_ACTIVITY, demo->uuids[1]);

    entry->supersedes = a_withdrawn;
    entry->retracted = TRUE;
    entry->correction = g_strdup ("Logged against the wrong record.");
    add (store, entry);
  }
  activity (store, demo->uuids[1], "formal-consultation", "2026-04-10", 400, "carers", NULL, NULL, 0);
}

void
report_test_demo_year_clear (DemoYear *demo)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo->refs); i++)
    {
      g_clear_pointer (&demo->refs[i], g_free);
      g_clear_pointer (&demo->uuids[i], g_free);
    }
}

void
report_test_fixture_setup (DemoYearFixture *f,
                           gconstpointer    data)
{
  g_autoptr(GError) error = NULL;

  f->td = test_dir_new ();
  f->store = open_store (f->td->path, &error);
  g_assert_no_error (error);
  report_test_build_demo_year (f->store, &f->demo);
}

void
report_test_fixture_teardown (DemoYearFixture *f,
                              gconstpointer    data)
{
  g_clear_object (&f->store);
  report_test_demo_year_clear (&f->demo);
  test_dir_free (f->td);
}
