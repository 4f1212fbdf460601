/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-cli"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "cli-commands.h"
#include "involve-assess.h"
#include "involve-db.h"
#include "involve-paths.h"
#include "involve-definitions.h"
#include "involve-demo.h"
#include "involve-store-involvement.h"
#include "involve-store-private.h"
#include "involve-store.h"
#include "involve-store-trust.h"

/*
 * involve-cli demo: fills an empty register with the sample records, each
 * taken through its life cycle by the store (created, filled field by
 * field, submitted, returned, signed off, amended, withdrawn), so the
 * register's audit trail is a real one.  The acting profile is switched to
 * the officer or the reviewer at each step, as if each sat at the desk.
 *
 *   involve-cli [--database PATH] demo [--force] [--large N [--seed S] [--life-cycle]]
 *
 * --large N adds N varied records for benchmarks instead: each is created
 * with all its values in one step, then submitted and decided as its
 * status says; --life-cycle fills them field by field like the samples.
 *
 * Signed acts need keys: every sample person gets a throw-away demo key
 * (ECDSA P-256, self-signed, organisation "Involve demo (not a real
 * key)"), saved in demo-keys/ beside the register under the passphrase
 * DEMO_PASSPHRASE, and trusted to complete and sign off by a demo
 * governance administrator, the register's first (docs/signatures.md).
 * The hundreds of generated people of --large keep theirs in memory only.
 */

#define DEMO_PASSPHRASE    "involve-demo"
#define DEMO_ORGANISATION  "Involve demo (not a real key)"

typedef struct
{
  InvolveStore       *store;
  InvolveDefinitions *defs;
  GHashTable         *people;   /* name -> InvolveIdentity* */
  InvolveIdentity    *admin;
  gboolean            keep_keys; /* save new people's keys in demo-keys/ */
  char               *officer;   /* on a team register: the logins acting */
  char               *reviewer;
} Demo;

static char *
demo_key_path (Demo       *demo,
               const char *name)
{
  /* Beside a register file; a team register on a server has no folder. */
  g_autofree char *dir = involve_store_is_server (demo->store) ? involve_paths_get_data_dir ()
                                                                : g_path_get_dirname (involve_store_get_path (demo->store));
  g_autofree char *slug = g_ascii_strdown (name, -1);
  g_autofree char *file = NULL;

  g_strcanon (slug, "abcdefghijklmnopqrstuvwxyz0123456789", '-');
  file = g_strdup_printf ("%s.pem", slug);
  return g_build_filename (dir, "demo-keys", file, NULL);
}

/* The demo key of @name: loaded from demo-keys/ or made and saved there. */
static InvolveIdentity *
demo_key (Demo        *demo,
          const char  *name,
          const char  *email,
          GError     **error)
{
  g_autofree char *path = demo_key_path (demo, name);
  g_autofree char *dir = g_path_get_dirname (path);
  InvolveIdentity *identity;

  identity = g_hash_table_lookup (demo->people, name);
  if (identity != NULL)
    return identity;
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    identity = involve_identity_load (path, DEMO_PASSPHRASE, error);
  else
    {
      identity = involve_identity_generate (name, email, DEMO_ORGANISATION, INVOLVE_KEY_ECDSA_P256,
                                            3650, error);
      /* --large makes hundreds of people: their keys stay in memory (an
       * encrypted key file costs a passphrase derivation and a sync). */
      if (identity != NULL && (demo->keep_keys || demo->admin == NULL) &&
          (g_mkdir_with_parents (dir, 0700) != 0 ||
           !involve_identity_save (identity, path, DEMO_PASSPHRASE, error)))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not create the folder %s"), dir);
          g_clear_object (&identity);
        }
    }
  if (identity == NULL)
    return NULL;
  g_hash_table_insert (demo->people, g_strdup (name), identity);
  return identity;
}

/*
 * Makes the keys of @samples' people before a batch begins.  On a server
 * every act of a batch carries the time its transaction began, which a
 * key made during the batch would not yet be valid at.
 */
static gboolean
make_keys (Demo       *demo,
           GPtrArray  *samples,
           GPtrArray  *plans,
           GError    **error)
{
  if (demo->admin == NULL)
    {
      demo->admin = demo_key (demo, "Demo Governance Administrator", "governance@example.org", error);
      if (demo->admin == NULL)
        return FALSE;
    }
  for (guint i = 0; i < samples->len; i++)
    {
      InvolveRecord *sample = g_ptr_array_index (samples, i);
      const InvolveSignOff *deciders[2] = { involve_record_get_sign_off (sample), NULL };

      if (plans != NULL)
        {
          InvolveDemoPlan *plan = g_ptr_array_index (plans, i);

          deciders[0] = plan->reviewer;
          deciders[1] = plan->amend_reviewer;
        }
      if (demo_key (demo, involve_record_get_string (sample, "completer-name"),
                    involve_record_get_string (sample, "completer-email"), error) == NULL)
        return FALSE;
      for (guint d = 0; d < G_N_ELEMENTS (deciders); d++)
        if (deciders[d] != NULL && deciders[d]->reviewer_name != NULL &&
            demo_key (demo, deciders[d]->reviewer_name, deciders[d]->reviewer_email, error) == NULL)
          return FALSE;
    }
  return TRUE;
}

/* On a team register, acts as the demo's officer or reviewer login. */
static gboolean
become (Demo        *demo,
        gboolean     deciding,
        GError     **error)
{
  if (demo->officer == NULL)
    return TRUE;
  return involve_store_server_become (demo->store, deciding ? demo->reviewer : demo->officer, error);
}

/* Acts as @name (profile and demo key), trusted to complete and sign off;
 * @deciding: to sign off or return (a reviewer's login on a server). */
static gboolean
act_as (Demo        *demo,
        const char  *name,
        const char  *email,
        gboolean     deciding,
        GError     **error)
{
  InvolveIdentity *identity;
  guint roles = 0;

  if (demo->admin == NULL)
    {
      demo->admin = demo_key (demo, "Demo Governance Administrator", "governance@example.org", error);
      if (demo->admin == NULL)
        return FALSE;
    }
  identity = demo_key (demo, name, email, error);
  if (identity == NULL ||
      !involve_store_trust_lookup (demo->store,
                                   involve_certificate_get_fingerprint (involve_identity_get_certificate (identity)),
                                   &roles, error))
    return FALSE;
  if ((roles & (INVOLVE_TRUST_COMPLETE | INVOLVE_TRUST_SIGN_OFF)) != (INVOLVE_TRUST_COMPLETE | INVOLVE_TRUST_SIGN_OFF))
    {
      involve_store_set_identity (demo->store, demo->admin);
      if (!become (demo, FALSE, error) ||
          !involve_store_trust_add (demo->store, involve_identity_get_certificate (identity),
                                    INVOLVE_TRUST_COMPLETE | INVOLVE_TRUST_SIGN_OFF, error))
        return FALSE;
    }
  involve_store_set_profile_name (demo->store, name);
  involve_store_set_identity (demo->store, identity);
  return become (demo, deciding, error);
}

static gboolean
set_values_from (Demo           *demo,
                 InvolveRecord  *target,
                 InvolveRecord  *source,
                 GError        **error)
{
  g_auto(GStrv) ids = involve_record_dup_field_ids (source);

  for (guint i = 0; ids[i] != NULL; i++)
    {
      /* The register pinned the form edition when it made the record. */
      if (g_str_equal (ids[i], INVOLVE_FIELD_FORM_EDITION) &&
          involve_record_has_value (target, INVOLVE_FIELD_FORM_EDITION))
        continue;
      if (!involve_store_set_value (demo->store, target, ids[i],
                                    involve_record_get_value (source, ids[i]), error))
        return FALSE;
    }
  return TRUE;
}

/*
 * A new record for @sample: the form edition is pinned when a record is
 * made, so a sample dated before the 2022 guidance keeps the 2017 form.
 */
static InvolveRecord *
create_like (Demo           *demo,
             InvolveRecord  *sample,
             const char     *framework_id,
             GError        **error)
{
  g_autoptr(InvolveRecord) initial = involve_record_new (framework_id);

  if (involve_record_has_value (sample, INVOLVE_FIELD_FORM_EDITION))
    involve_record_set_string (initial, INVOLVE_FIELD_FORM_EDITION, involve_record_get_form_edition (sample));
  return involve_store_create_record_with_values (demo->store, initial, error);
}

/* Edits one field of the latest version, as its officer. */
static gboolean
edit_latest (Demo        *demo,
             const char  *uuid,
             const char  *field_id,
             const char  *text,
             GError     **error)
{
  g_autoptr(InvolveRecord) latest = involve_store_load_record (demo->store, uuid, 0, error);

  if (latest == NULL)
    return FALSE;
  return involve_store_set_value (demo->store, latest, field_id, g_variant_new_string (text), error);
}

static gboolean
submit (Demo        *demo,
        const char  *uuid,
        GError     **error)
{
  g_autoptr(GPtrArray) problems = NULL;

  return involve_store_submit (demo->store, uuid, &problems, error);
}

/* Takes one sample record through its planned life cycle. */
static InvolveRecord *
add_sample (Demo            *demo,
            InvolveRecord   *sample,
            InvolveDemoPlan *plan,
            GError         **error)
{
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(InvolveSignOff) review = NULL;
  const char *uuid;

  const char *completer_email = involve_record_get_string (sample, "completer-email");

  if (!act_as (demo, plan->completer_name, completer_email, FALSE, error))
    return NULL;
  record = create_like (demo, sample, plan->framework_id, error);
  if (record == NULL || !set_values_from (demo, record, sample, error))
    return NULL;
  uuid = involve_record_get_uuid (record);

  if (plan->end == INVOLVE_DEMO_END_DRAFT)
    goto done;

  if (plan->end == INVOLVE_DEMO_END_WITHDRAWN && !plan->withdraw_after_submit)
    {
      if (!involve_store_withdraw (demo->store, uuid, plan->withdraw_reason, error))
        return NULL;
      goto done;
    }

  if (!submit (demo, uuid, error))
    return NULL;

  switch (plan->end)
    {
    case INVOLVE_DEMO_END_AWAITING_SIGN_OFF:
      goto done;

    case INVOLVE_DEMO_END_WITHDRAWN:
      if (!involve_store_withdraw (demo->store, uuid, plan->withdraw_reason, error))
        return NULL;
      goto done;

    case INVOLVE_DEMO_END_RETURNED:
    case INVOLVE_DEMO_END_SIGNED_OFF:
    case INVOLVE_DEMO_END_AMENDED:
    case INVOLVE_DEMO_END_SUPERSEDED:
      break;

    case INVOLVE_DEMO_END_DRAFT:
    default:
      g_assert_not_reached ();
    }

  /* Returned first (returned ends, and some that are signed off later). */
  if (plan->return_comments != NULL)
    {
      review = involve_sign_off_copy (plan->reviewer);
      g_free (review->comments);
      review->comments = g_strdup (plan->return_comments);
      g_free (review->date);
      review->date = g_strdup (plan->return_date);
      if (!act_as (demo, plan->reviewer->reviewer_name, plan->reviewer->reviewer_email, TRUE, error))
        return NULL;
      if (!involve_store_return (demo->store, uuid, review, error))
        return NULL;
      if (plan->end == INVOLVE_DEMO_END_RETURNED)
        goto done;

      if (!act_as (demo, plan->completer_name, completer_email, FALSE, error))
        return NULL;
      if (plan->resubmit_field_id != NULL &&
          !edit_latest (demo, uuid, plan->resubmit_field_id, plan->resubmit_text, error))
        return NULL;
      if (!submit (demo, uuid, error))
        return NULL;
    }

  if (!act_as (demo, plan->reviewer->reviewer_name, plan->reviewer->reviewer_email, TRUE, error) ||
      !involve_store_sign_off (demo->store, uuid, plan->reviewer, error))
    return NULL;
  if (plan->end == INVOLVE_DEMO_END_SIGNED_OFF)
    goto done;

  /* Amended: version 2 is a draft with a reason and one change. */
  if (!act_as (demo, plan->completer_name, completer_email, FALSE, error))
    return NULL;
  if (involve_store_amend (demo->store, uuid, plan->amend_reason, error) == 0)
    return NULL;
  if (!edit_latest (demo, uuid, plan->amend_field_id, plan->amend_text, error))
    return NULL;
  if (plan->end == INVOLVE_DEMO_END_AMENDED)
    goto done;

  /* Superseded: version 2 signed off too. */
  if (!submit (demo, uuid, error))
    return NULL;
  if (!act_as (demo, plan->amend_reviewer->reviewer_name, plan->amend_reviewer->reviewer_email, TRUE, error) ||
      !involve_store_sign_off (demo->store, uuid, plan->amend_reviewer, error))
    return NULL;

done:
  return involve_store_load_record (demo->store, uuid, 0, error);
}

/* A large record: created, filled, then taken to the status it carries. */
static gboolean
add_large (Demo          *demo,
           InvolveRecord *sample,
           gboolean       field_by_field,
           GError       **error)
{
  g_autoptr(InvolveRecord) record = NULL;
  const InvolveSignOff *decision = involve_record_get_sign_off (sample);
  InvolveStatus status = involve_record_get_status (sample);
  const char *uuid;

  if (!act_as (demo, involve_record_get_string (sample, "completer-name"),
               involve_record_get_string (sample, "completer-email"), FALSE, error))
    return FALSE;
  if (field_by_field)
    {
      record = create_like (demo, sample, involve_record_get_framework_id (sample), error);
      if (record == NULL || !set_values_from (demo, record, sample, error))
        return FALSE;
    }
  else
    {
      record = involve_store_create_record_with_values (demo->store, sample, error);
      if (record == NULL)
        return FALSE;
    }
  uuid = involve_record_get_uuid (record);

  switch (status)
    {
    case INVOLVE_STATUS_DRAFT:
      return TRUE;
    case INVOLVE_STATUS_WITHDRAWN:
      return involve_store_withdraw (demo->store, uuid, involve_record_get_status_reason (sample), error);
    case INVOLVE_STATUS_AWAITING_SIGN_OFF:
      return submit (demo, uuid, error);
    case INVOLVE_STATUS_RETURNED:
    case INVOLVE_STATUS_SIGNED_OFF:
      if (!submit (demo, uuid, error))
        return FALSE;
      if (!act_as (demo, decision->reviewer_name, decision->reviewer_email, TRUE, error))
        return FALSE;
      if (status == INVOLVE_STATUS_RETURNED)
        return involve_store_return (demo->store, uuid, decision, error);
      return involve_store_sign_off (demo->store, uuid, decision, error);
    case INVOLVE_STATUS_SUPERSEDED:
    default:
      g_assert_not_reached ();
    }
}

static int
run_large (Demo     *demo,
           guint     n,
           guint64   seed,
           gboolean  life_cycle)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  const guint batch = 500;

  for (guint i = 0; i < n; i += batch)
    {
      g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint j = i; j < MIN (n, i + batch); j++)
        g_ptr_array_add (samples, involve_demo_build_large_record (demo->defs, seed, j));
      if (!make_keys (demo, samples, NULL, &error) ||
          !involve_store_begin_batch (demo->store, &error))
        goto failed;
      for (guint j = 0; j < samples->len; j++)
        {
          InvolveRecord *sample = g_ptr_array_index (samples, j);

          if (!add_large (demo, sample, life_cycle, &error))
            {
              involve_store_rollback_batch (demo->store);
              goto failed;
            }
        }
      if (!involve_store_commit_batch (demo->store, &error))
        goto failed;
      if (isatty (fileno (stderr)))
        fprintf (stderr, "\r%u / %u", MIN (n, i + batch), n);
    }
  if (isatty (fileno (stderr)))
    fprintf (stderr, "\n");

  {
    g_autofree char *shown = involve_store_dup_display_location (demo->store);

    printf (_("Added %u generated records to %s in %.1f s.\n"), n,
            shown, (g_get_monotonic_time () - start) / 1e6);
  }
  return 0;

failed:
  fprintf (stderr, _("Could not add the generated records: %s\n"), error->message);
  return 1;
}

/* @date plus @days, YYYY-MM-DD. */
static char *
day_after (const char *date,
           guint       days)
{
  GDate day;
  char out[16];

  g_date_clear (&day, 1);
  if (date != NULL)
    g_date_set_parse (&day, date);
  if (!g_date_valid (&day))
    g_date_set_dmy (&day, 1, G_DATE_APRIL, 2025);
  g_date_add_days (&day, days);
  g_date_strftime (out, sizeof out, "%Y-%m-%d", &day);
  return g_strdup (out);
}

/*
 * What followed sign-off for the records where the duty applied and a
 * version is signed off: two activities, what people said, "you said, we
 * did" (one option not taken, with the reason) and an evaluation, dated
 * from the sign-off on, so the involvement window, the "you said, we did"
 * PDF and the annual report have something to show.
 */
static gboolean
add_involvement (Demo          *demo,
                 InvolveRecord *record,
                 GError       **error)
{
  const char *uuid = involve_record_get_uuid (record);
  g_autoptr(InvolveRecord) signed_version = NULL;
  g_autoptr(InvolveAssessment) assessment = NULL;
  g_autoptr(InvolveLogEntry) survey = involve_log_entry_new (INVOLVE_LOG_ACTIVITY, uuid);
  g_autoptr(InvolveLogEntry) drop_in = involve_log_entry_new (INVOLVE_LOG_ACTIVITY, uuid);
  g_autoptr(InvolveLogEntry) access = involve_log_entry_new (INVOLVE_LOG_FEEDBACK, uuid);
  g_autoptr(InvolveLogEntry) hours = involve_log_entry_new (INVOLVE_LOG_FEEDBACK, uuid);
  g_autoptr(InvolveLogEntry) said_access = involve_log_entry_new (INVOLVE_LOG_RESPONSE, uuid);
  g_autoptr(InvolveLogEntry) said_hours = involve_log_entry_new (INVOLVE_LOG_RESPONSE, uuid);
  g_autoptr(InvolveLogEntry) evaluation = involve_log_entry_new (INVOLVE_LOG_EVALUATION, uuid);
  const char *groups[] = { "carers", "housebound-older-people", "language-needs", NULL };
  const char *characteristics[] = { "age", "disability", "race", NULL };
  const char *partners[] = { "healthwatch", "vcse", NULL };
  const char *drop_in_groups[] = { "carers", "rural", NULL };
  const InvolveSignOff *sign_off;
  guint version;

  version = involve_store_get_loggable_version (demo->store, uuid, NULL);
  if (version == 0)
    return TRUE;
  signed_version = involve_store_load_record (demo->store, uuid, version, error);
  if (signed_version == NULL)
    return FALSE;
  assessment = involve_assess_record (signed_version, demo->defs, NULL);
  if (assessment == NULL || g_strcmp0 (involve_assessment_get_outcome_string (assessment), "applies") != 0)
    return TRUE;
  sign_off = involve_record_get_sign_off (signed_version);
  /* Each log entry is a signed act: the record's completer logs them. */
  if (!act_as (demo, involve_record_get_string (signed_version, "completer-name"),
               involve_record_get_string (signed_version, "completer-email"), FALSE, error))
    return FALSE;

  survey->method = g_strdup ("surveys-feedback-forms");
  survey->description = g_strdup ("An online and paper survey, with easy-read and translated versions, "
                                  "sent to everyone who used the service in the last two years.");
  survey->start_date = day_after (sign_off != NULL ? sign_off->date : NULL, 14);
  survey->end_date = day_after (sign_off != NULL ? sign_off->date : NULL, 70);
  survey->reach = 412;
  survey->groups = g_strdupv ((char **) groups);
  survey->characteristics = g_strdupv ((char **) characteristics);
  survey->partner_types = g_strdupv ((char **) partners);
  survey->partners = g_strdup ("The local Healthwatch and the carers' centre");
  survey->documents = g_strdup ("Survey questions; easy-read summary; results report");
  drop_in->method = g_strdup ("local-events-venues");
  drop_in->description = g_strdup ("Four drop-in sessions at libraries and a community centre, two of them in the evening.");
  drop_in->start_date = day_after (sign_off != NULL ? sign_off->date : NULL, 28);
  drop_in->end_date = day_after (sign_off != NULL ? sign_off->date : NULL, 49);
  drop_in->reach = 63;
  drop_in->groups = g_strdupv ((char **) drop_in_groups);
  if (!involve_store_add_log_entry (demo->store, survey, error) ||
      !involve_store_add_log_entry (demo->store, drop_in, error))
    return FALSE;

  access->activity_id = survey->id;
  access->theme = g_strdup ("Getting there");
  access->summary = g_strdup ("Many said the new site is hard to reach by bus, above all on Sundays, and that parking for disabled people is short.");
  access->responses = 138;
  hours->activity_id = drop_in->id;
  hours->theme = g_strdup ("Evening and weekend appointments");
  hours->summary = g_strdup ("Working carers asked to keep the Saturday clinic at the old site.");
  hours->responses = 41;
  if (!involve_store_add_log_entry (demo->store, access, error) ||
      !involve_store_add_log_entry (demo->store, hours, error))
    return FALSE;

  said_access->feedback_id = access->id;
  said_access->you_said = g_strdup ("The new site is hard to reach by bus, and there are too few disabled parking bays.");
  said_access->we_did = g_strdup ("We agreed a Sunday bus with the council and added six disabled bays by the entrance.");
  said_hours->feedback_id = hours->id;
  said_hours->you_said = g_strdup ("Keep the Saturday clinic at the old site.");
  said_hours->we_did = g_strdup ("Saturday appointments continue, at the new site.");
  said_hours->not_taken_reason = g_strdup ("The old building closes; no clinical room is left there.");
  if (!involve_store_add_log_entry (demo->store, said_access, error) ||
      !involve_store_add_log_entry (demo->store, said_hours, error))
    return FALSE;

  evaluation->response_id = said_access->id;
  evaluation->evaluated_on = day_after (sign_off != NULL ? sign_off->date : NULL, 240);
  evaluation->impact = g_strdup ("Missed appointments fell from 9% to 5% in the six months after the Sunday bus started.");
  return involve_store_add_log_entry (demo->store, evaluation, error);
}

static int
run_samples (Demo *demo)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = involve_demo_build_records (demo->defs);
  g_autoptr(GPtrArray) plans = involve_demo_build_plans ();
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  guint counts[INVOLVE_N_STATUSES] = { 0 };

  if (!make_keys (demo, samples, plans, &error) ||
      !involve_store_begin_batch (demo->store, &error))
    goto failed;
  for (guint i = 0; i < samples->len; i++)
    {
      InvolveDemoPlan *plan = g_ptr_array_index (plans, i);
      InvolveRecord *record = add_sample (demo, g_ptr_array_index (samples, i), plan, &error);

      if (record == NULL)
        {
          involve_store_rollback_batch (demo->store);
          g_prefix_error (&error, "%s: ", plan->key);
          goto failed;
        }
      g_ptr_array_add (added, record);
    }
  for (guint i = 0; i < added->len; i++)
    {
      if (!add_involvement (demo, g_ptr_array_index (added, i), &error))
        {
          involve_store_rollback_batch (demo->store);
          goto failed;
        }
    }
  if (!involve_store_commit_batch (demo->store, &error))
    goto failed;

  {
    g_autofree char *shown = involve_store_dup_display_location (demo->store);

    printf (_("Added %u sample records to %s:\n"), added->len, shown);
  }
  for (guint i = 0; i < added->len; i++)
    {
      InvolveRecord *record = g_ptr_array_index (added, i);
      InvolveStatus status = involve_record_get_status (record);

      g_autoptr(GPtrArray) versions = involve_store_list_versions (demo->store, involve_record_get_uuid (record), NULL);

      for (guint v = 0; versions != NULL && v < versions->len; v++)
        counts[((InvolveVersionInfo *) g_ptr_array_index (versions, v))->status]++;
      printf ("  %s\tv%u\t%-17s\t%-9s\t%s\n",
              involve_record_get_reference (record),
              involve_record_get_version (record),
              involve_status_to_string (status),
              involve_record_get_framework_id (record),
              involve_record_get_string (record, "title"));
    }
  printf (_("Versions by status:"));
  for (guint s = 0; s < INVOLVE_N_STATUSES; s++)
    printf (" %s %u%s", involve_status_to_string (s), counts[s], s + 1 < INVOLVE_N_STATUSES ? "," : "\n");
  return 0;

failed:
  fprintf (stderr, _("Could not add the sample records: %s\n"), error->message);
  return 1;
}

int
involve_cli_demo (const char  *database_path,
                  int          argc,
                  char       **argv)
{
  gboolean force = FALSE;
  int large = -1;
  gint64 seed = 1;
  gboolean life_cycle = FALSE;
  const GOptionEntry entries[] = {
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Add the records even if the register is not empty"), NULL },
    { "large", 0, 0, G_OPTION_ARG_INT, &large, N_("Add N generated records for benchmarks instead"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed for --large (the same seed gives the same records)"), "S" },
    { "life-cycle", 0, 0, G_OPTION_ARG_NONE, &life_cycle, N_("With --large: fill each record field by field, as the samples are (slower)"), NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = NULL;
  InvolveStoreQuery query;
  guint count = 0;
  Demo demo = { 0 };
  int status;

  g_option_context_set_summary (context, _("Fill the register with realistic sample records in every state."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  status = involve_cli_parse_options ("demo", context, &argc, &argv);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (argc > 1)
    return involve_cli_usage_error ("demo", _("Unexpected argument “%s”."), argv[1]);
  if (large == 0 || large < -1)
    return involve_cli_usage_error ("demo", _("--large needs a number of records greater than zero."));

  demo.defs = involve_definitions_get_default (&error);
  if (demo.defs == NULL)
    {
      fprintf (stderr, _("Could not load the form definitions: %s\n"), error->message);
      return 1;
    }

  /* Sample records go into an empty register, so asking for them asks
   * for a new one too (IT makes a team register on a server). */
  store = involve_cli_open_store_full (database_path, !involve_db_location_is_server (database_path));
  if (store == NULL)
    return 1;
  demo.store = store;

  involve_store_query_init (&query);
  if (!involve_store_count (store, &query, &count, &error))
    return involve_cli_fail (NULL, error);
  if (count > 0 && !force)
    {
      g_autofree char *shown = involve_store_dup_display_location (store);

      fprintf (stderr,
               g_dngettext (GETTEXT_PACKAGE,
                            "The register %s already holds %u record. The demo only fills an empty register; "
                            "use --force to add the sample records anyway.\n",
                            "The register %s already holds %u records. The demo only fills an empty register; "
                            "use --force to add the sample records anyway.\n", count),
               shown, count);
      return 1;
    }

  /* On a server, the demo's two people act (made now, after the
   * refusals above). */
  if (involve_store_is_server (store) &&
      !involve_cli_demo_server_people (database_path, &demo.officer, &demo.reviewer, &error))
    return involve_cli_fail (NULL, error);

  /* Only now: the refusals above return without the people. */
  demo.people = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  demo.keep_keys = large <= 0;
  if (large > 0)
    status = run_large (&demo, (guint) large, (guint64) seed, life_cycle);
  else
    status = run_samples (&demo);
  involve_store_set_identity (store, NULL);
  g_hash_table_unref (demo.people);
  g_free (demo.officer);
  g_free (demo.reviewer);
  return status;
}
