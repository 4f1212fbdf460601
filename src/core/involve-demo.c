/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-demo"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "involve-demo.h"

/*
 * Sample records.  The content is written once per worked example with
 * tokens ({body}, {place}, ...) and filled per record from the case table,
 * so the same example reads naturally for an ICB, a CCG or NHS England.
 */

#define MAX_RISKS 6

typedef struct
{
  const char *id;
  const char *outcome;
  const char *limbs;

  const char *title;
  const char *step1;
  const char *step1_explanation;
  const char *activity_types;
  const char *step2_explanation;
  const char *impact_delivery;
  const char *impact_delivery_details;
  const char *impact_range;
  const char *impact_range_details;
  const char *impact_other;
  const char *urgent;
  const char *urgency_justification;
  const char *urgency_limited;
  const char *scrutiny;
  const char *notifiable;
  const char *public_interest;
  const char *promise;
  const char *precedent;
  const char *promise_precedent_details;
  const char *opinion;
  const char *opinion_reason;
  const char *beneficial;
  const char *beneficial_reason;

  const char *b1_description;
  const char *b1_objectives;
  const char *b3_existing;
  const char *b3_insight;
  const char *b3_sources;          /* option ids, comma separated */
  const char *b3_sources_details;
  const char *b3_previous;
  const char *b4_required;
  const char *b4_approach;         /* or, when b4_required is "no", why none is needed */
  const char *b4_seldom;
  const char *b4_protected;
  const char *b4_hi;
  const char *b4_methods;
  const char *b4_fair;
  const char *b5_influence;
  const char *b5_feedback;
  const char *b5_ongoing;

  const char *c_background;
  const char *c_proposal;
  const char *c_key_messages;
  const char *c_audiences;
  const char *c_objectives;
  const char *c_budget;
  const char *c_methods;
  const char *c_timescales;
  const char *c_equality;
  const char *c_partners;
  const char *c_evaluation;
  const char *c_feedback;
  const char *risks[MAX_RISKS][2];
} DemoExample;

#include "involve-demo-examples.inc"

typedef enum
{
  EX_PODIATRY,
  EX_ADMIN_OFFICE,
  EX_DIABETES,
  EX_AE,
  EX_FRACTURE,
  EX_GP_CLOSURE,
  EX_GP_RETIREMENT,
  EX_GP_REAWARD,
  EX_DENTAL,
  N_EXAMPLES
} DemoExampleId;

G_STATIC_ASSERT (G_N_ELEMENTS (examples) == N_EXAMPLES);

typedef struct
{
  const char *name;
  const char *type;         /* organisation-type option */
  const char *framework_id;
  const char *area;
  const char *domain;       /* for invented e-mail addresses */
} DemoOrganisation;

static const DemoOrganisation organisations[] = {
  { "NHS Northfield Integrated Care Board", "icb", "icb-14z45", "Northfield", "northfield-icb.example.org" },
  { "NHS Greywater and Eastmoor Integrated Care Board", "icb", "icb-14z45", "Greywater and Eastmoor", "greywater-eastmoor-icb.example.org" },
  { "NHS Westbridge Clinical Commissioning Group", "ccg", "ccg-14z2", "Westbridge", "westbridge-ccg.example.org" },
  { "NHS Ashcombe Vale Clinical Commissioning Group", "ccg", "ccg-14z2", "Ashcombe Vale", "ashcombe-vale-ccg.example.org" },
  { "NHS England (Eastmoor and Dales)", "nhse", "nhse-13q", "Eastmoor and Dales", "england.example.org" },
};

typedef struct
{
  const char *name;
  const char *job_title;
  const char *team;
  guint       organisation;
} DemoPerson;

enum
{
  P_OKAFOR, P_HADLEY, P_MARSH, P_VARMA,
  P_LLOYD, P_REID, P_QUAYLE,
  P_PICKERING, P_OSEI, P_ELLISON,
  P_FAIRBAIRN, P_SIDDIQUI,
  P_WHITCOMBE, P_LINDQVIST, P_BRENNAN, P_PRITCHARD,
  P_NONE = -1,
};

static const DemoPerson people[] = {
  [P_OKAFOR] = { "Amira Okafor", "Senior Engagement Manager", "Communications and Engagement", 0 },
  [P_HADLEY] = { "Tom Hadley", "Primary Care Contracts Manager", "Primary Care Commissioning", 0 },
  [P_MARSH] = { "Dr Helen Marsh", "Director of Strategy and Partnerships", "Executive Team", 0 },
  [P_VARMA] = { "Rajesh Varma", "Head of Corporate Governance", "Corporate Governance", 0 },
  [P_LLOYD] = { "Bethan Lloyd", "Programme Manager", "Urgent and Emergency Care", 1 },
  [P_REID] = { "Callum Reid", "Head of Communications and Engagement", "Communications and Engagement", 1 },
  [P_QUAYLE] = { "Dr Sarah Quayle", "Chief Medical Officer", "Executive Team", 1 },
  [P_PICKERING] = { "Joanne Pickering", "Engagement Lead", "Patient Experience and Engagement", 2 },
  [P_OSEI] = { "Daniel Osei", "Commissioning Manager", "Planned and Long-term Care", 2 },
  [P_ELLISON] = { "Margaret Ellison", "Director of Commissioning", "Senior Management Team", 2 },
  [P_FAIRBAIRN] = { "Kirsty Fairbairn", "Primary Care Manager", "Primary Care", 3 },
  [P_SIDDIQUI] = { "Dr Imran Siddiqui", "Clinical Chair", "Governing Body", 3 },
  [P_WHITCOMBE] = { "Laura Whitcombe", "Senior Dental Commissioning Manager", "Primary Care and Dental Commissioning", 4 },
  [P_LINDQVIST] = { "Peter Lindqvist", "Head of Primary Care", "Primary Care and Dental Commissioning", 4 },
  [P_BRENNAN] = { "Naomi Brennan", "Engagement Manager", "Regional Communications and Engagement", 4 },
  [P_PRITCHARD] = { "Owen Pritchard", "Primary Care Contracts Manager", "Primary Care and Dental Commissioning", 4 },
};

typedef struct
{
  const char     *key;
  DemoExampleId   example;
  guint           organisation;
  const char     *site;
  const char     *place;
  const char     *practice;
  const char     *provider;
  const char     *date;            /* the completer's date, as typed */
  int             completer;
  int             reviewer;
  int             amend_reviewer;
  InvolveDemoEnd  end;
  const char     *co_model;
  const char     *day_to_day;
  const char     *notifiable;      /* overrides the example when set */
  const char     *return_comments;
  const char     *resubmit_field_id;
  const char     *resubmit_text;
  const char     *amend_reason;
  const char     *amend_field_id;
  const char     *amend_text;
  const char     *withdraw_reason;
  gboolean        withdraw_after_submit;
  const char     *draft_missing;   /* fields a draft has not reached yet, space separated */
  /* Field overrides: pairs of field id and text, NULL terminated. */
  const char     *overrides[24];
} DemoCase;

#define PRIMARY_CARE_DELEGATED "{org}'s primary care team, under the delegation agreement with NHS England."

static const DemoCase cases[] = {
  /* Integrated care boards, section 14Z45, after 1 July 2022. */
  {
    .key = "icb-podiatry-relocation", .example = EX_PODIATRY, .organisation = 0,
    .site = "Marrowgate", .place = "Hollinbrook", .provider = "Northfield Community Health NHS Trust",
    .date = "2023-02-14", .completer = P_OKAFOR, .reviewer = P_MARSH, .amend_reviewer = P_VARMA,
    .end = INVOLVE_DEMO_END_SUPERSEDED,
    .amend_reason = "The diabetes forum asked for two more evening drop-in sessions; the engagement period and dates are updated.",
    .amend_field_id = "c-timescales",
    .amend_text = "Engagement opens in {month1} and runs for eight weeks, with two extra evening drop-ins at {place} Health Centre; findings reported in {month2}; committee decision in {month3}; the move no earlier than three months after the decision.",
  },
  {
    .key = "icb-admin-office-relocation", .example = EX_ADMIN_OFFICE, .organisation = 0,
    .site = "Ridgeway", .place = "Kelsworth",
    .date = "2023-09-05", .completer = P_VARMA, .reviewer = P_MARSH, .amend_reviewer = P_NONE,
    .end = INVOLVE_DEMO_END_SIGNED_OFF,
  },
  {
    .key = "icb-diabetes-policy", .example = EX_DIABETES, .organisation = 1,
    .date = "2024-01-22", .completer = P_REID, .reviewer = P_QUAYLE, .amend_reviewer = P_QUAYLE,
    .end = INVOLVE_DEMO_END_AMENDED,
    .amend_reason = "The board asked that people with diabetes in the local prison and people experiencing homelessness are reached directly; the methods are revised and need a new sign-off.",
    .amend_field_id = "c-methods",
    .amend_text = "Co-design workshops, community conversations led by trusted partners, survey, forum sessions, social media and GP practice text messages; sessions with the prison healthcare team and with the homeless health outreach service.",
  },
  {
    .key = "icb-ae-reconfiguration", .example = EX_AE, .organisation = 1,
    .site = "Greywater", .place = "Eastmoor", .provider = "Greywater and Eastmoor Hospitals NHS Foundation Trust",
    .date = "2025-05-12", .completer = P_LLOYD, .reviewer = P_QUAYLE, .amend_reviewer = P_NONE,
    .end = INVOLVE_DEMO_END_AWAITING_SIGN_OFF,
    .notifiable = "yes",
  },
  {
    .key = "icb-fracture-clinic-closure", .example = EX_FRACTURE, .organisation = 1,
    .site = "Thornby", .place = "Eastmoor", .provider = "Greywater and Eastmoor Hospitals NHS Foundation Trust",
    .date = "2025-08-18", .completer = P_LLOYD, .reviewer = P_QUAYLE, .amend_reviewer = P_NONE,
    .end = INVOLVE_DEMO_END_RETURNED,
    .return_comments = "Please say what transport support will be offered while the engagement runs, and add a risk for patients who cannot use video follow-ups. Add the scrutiny committee's view once it is received.",
  },
  {
    .key = "icb-gp-practice-closure", .example = EX_GP_CLOSURE, .organisation = 0,
    .site = "Hollinbrook", .place = "Kelsworth", .practice = "Brookside Surgery",
    .date = "2024-06-03", .completer = P_HADLEY, .reviewer = P_MARSH, .amend_reviewer = P_NONE,
    .end = INVOLVE_DEMO_END_SIGNED_OFF,
    .co_model = "delegated", .day_to_day = PRIMARY_CARE_DELEGATED,
    .return_comments = "Step 4 does not say how patients who are housebound or in care homes will be reached. Please add this before I sign.",
    .resubmit_field_id = "b4-approach",
    .resubmit_text = "Eight weeks of engagement on the options: letters to every registered household, a survey, two public meetings in {site}, sessions with the patient participation group, and targeted contact with housebound patients, care homes and patients on the learning disability register. Community nurses and care home managers will go through the options with residents and record their views; the practice will telephone housebound patients.",
  },
  {
    .key = "icb-gp-retirement", .example = EX_GP_RETIREMENT, .organisation = 0,
    .practice = "Elm Tree Medical Practice",
    .date = "2025-10-20", .completer = P_HADLEY, .reviewer = P_NONE, .amend_reviewer = P_NONE,
    .end = INVOLVE_DEMO_END_DRAFT,
    .co_model = "delegated", .day_to_day = PRIMARY_CARE_DELEGATED,
    .draft_missing = "c-evaluation c-feedback c-risks c-equality b5-ongoing-impact",
  },
  {
    .key = "icb-gp-contract-reaward", .example = EX_GP_REAWARD, .organisation = 1,
    .site = "Greywater", .practice = "Castle Street Medical Centre",
    .date = "2024-11-11", .completer = P_REID, .reviewer = P_NONE, .amend_reviewer = P_NONE,
    .end = INVOLVE_DEMO_END_WITHDRAWN,
    .co_model = "delegated", .day_to_day = PRIMARY_CARE_DELEGATED,
    .withdraw_reason = "The procurement is paused: the provider accepted a two-year extension of the current contract, so no award decision will be taken. A new assessment will be made before any future procurement.",
    .withdraw_after_submit = TRUE,
  },
  {
    .key = "icb-dental-contract-termination", .example = EX_DENTAL, .organisation = 0,
    .site = "Marrowgate", .place = "Kelsworth", .practice = "Riverside Dental Practice",
    .date = "2023-11-27", .completer = P_HADLEY, .reviewer = P_VARMA, .amend_reviewer = P_NONE,
    .end = INVOLVE_DEMO_END_SIGNED_OFF,
    .co_model = "delegated", .day_to_day = "{org}'s dental commissioning team, under the delegation agreement with NHS England for dental services.",
  },

  /* Clinical commissioning groups, section 14Z2, 2018 to 2021. */
  {
    .key = "ccg-podiatry-relocation", .example = EX_PODIATRY, .organisation = 2,
    .site = "Fenwick Road", .place = "Westbridge Central", .provider = "Westbridge Community Services NHS Trust",
    .date = "2018-05-09", .completer = P_PICKERING, .reviewer = P_ELLISON, .amend_reviewer = P_NONE,
    .end = INVOLVE_DEMO_END_SIGNED_OFF,
  },
  {
    .key = "ccg-admin-office-relocation", .example = EX_ADMIN_OFFICE, .organisation = 3,
    .site = "Vale", .place = "Ashcombe",
    .date = "2019-02-18", .completer = P_FAIRBAIRN, .reviewer = P_NONE, .amend_reviewer = P_NONE,
    .end = INVOLVE_DEMO_END_WITHDRAWN,
    .withdraw_reason = "The landlord offered a five-year extension of the lease on better terms; the move will not go ahead.",
  },
  {
    .key = "ccg-diabetes-policy", .example = EX_DIABETES, .organisation = 2,
    .date = "2019-06-24", .completer = P_OSEI, .reviewer = P_ELLISON, .amend_reviewer = P_ELLISON,
    .end = INVOLVE_DEMO_END_SUPERSEDED,
    .amend_reason = "Engagement extended by four weeks to reach communities that were under-represented in the first responses.",
    .amend_field_id = "c-timescales",
    .amend_text = "Engagement from {month1}, extended by four weeks for targeted outreach; draft policy in {month2}; governing body decision in {month3}.",
  },
  {
    .key = "ccg-ae-reconfiguration", .example = EX_AE, .organisation = 2,
    .site = "Westbridge", .place = "Castlemere", .provider = "Westbridge and Castlemere Hospitals NHS Trust",
    .date = "2020-01-13", .completer = P_OSEI, .reviewer = P_ELLISON, .amend_reviewer = P_ELLISON,
    .end = INVOLVE_DEMO_END_AMENDED,
    .amend_reason = "The consultation was postponed because of the COVID-19 pandemic; timescales and methods must be revised and signed off again before it starts.",
    .amend_field_id = "c-timescales",
    .amend_text = "Consultation postponed. New dates to be agreed with the scrutiny committee; public meetings will be replaced or supplemented by online events while restrictions last.",
  },
  {
    .key = "ccg-fracture-clinic-closure", .example = EX_FRACTURE, .organisation = 3,
    .site = "Ashcombe", .place = "Stourley", .provider = "Ashcombe Vale Hospitals NHS Trust",
    .date = "2021-03-08", .completer = P_FAIRBAIRN, .reviewer = P_SIDDIQUI, .amend_reviewer = P_NONE,
    .end = INVOLVE_DEMO_END_RETURNED,
    .return_comments = "The equality section does not mention people who are shielding. Please also confirm the dates with the trust before this comes back.",
  },
  {
    .key = "ccg-gp-practice-closure", .example = EX_GP_CLOSURE, .organisation = 3,
    .site = "Little Ashcombe", .place = "Ashcombe", .practice = "The Old Forge Surgery",
    .date = "2018-10-01", .completer = P_FAIRBAIRN, .reviewer = P_SIDDIQUI, .amend_reviewer = P_NONE,
    .end = INVOLVE_DEMO_END_AWAITING_SIGN_OFF,
    .co_model = "delegated", .day_to_day = "{org}, under delegated commissioning arrangements with NHS England.",
  },
  {
    .key = "ccg-gp-retirement", .example = EX_GP_RETIREMENT, .organisation = 2,
    .practice = "Station Road Surgery",
    .date = "2020-09-14", .completer = P_PICKERING, .reviewer = P_NONE, .amend_reviewer = P_NONE,
    .end = INVOLVE_DEMO_END_DRAFT,
    .co_model = "delegated", .day_to_day = "{org}, under delegated commissioning arrangements with NHS England.",
    .draft_missing = "b3-insight-use b4-fair-proportionate b5-influence b5-feedback b5-ongoing-impact c-objectives c-budget c-methods c-timescales c-equality c-partners c-key-contacts c-risks c-evaluation c-feedback",
  },
  {
    .key = "ccg-gp-contract-reaward", .example = EX_GP_REAWARD, .organisation = 2,
    .site = "Westbridge", .practice = "Millfield Health Centre",
    .date = "2021-02-01", .completer = P_PICKERING, .reviewer = P_ELLISON, .amend_reviewer = P_NONE,
    .end = INVOLVE_DEMO_END_SIGNED_OFF,
    .co_model = "delegated", .day_to_day = "{org}, under delegated commissioning arrangements with NHS England.",
    .overrides = {
      "precedent-to-consult", "yes",
      "promise-precedent-details", "Patients of this practice were consulted at each of the last two re-procurements, and the patient participation group has asked to be involved again.",
      "duty-applies-opinion", "yes",
      "duty-applies-reason", "We are treating the duty as applying to this re-procurement: see the reason for departing from the test's outcome.",
      "departure-reason", "The test finds no impact on services, but patients were consulted at each earlier re-procurement of this practice and expect to be again. Departing from the outcome costs little and avoids any suggestion that a precedent was ignored.",
      "b4-additional-required", "yes",
      "b4-no-additional-reason", NULL,
      "b4-approach", "A four-week engagement with the practice's patients: a letter to every household about the procurement, a survey on what matters most in the new contract, and a meeting with the patient participation group. The results are built into the tender's quality questions.",
      "b4-methods", "letters-emails,surveys-feedback-forms,vcse-healthwatch-ppg",
      "b4-fair-proportionate", "The specification does not change, so a short engagement with the practice's own patients and their representatives is proportionate; it runs before the tender is issued, while the quality questions can still change.",
      NULL,
    },
  },

  /* NHS England, section 13Q. */
  {
    .key = "nhse-admin-office-relocation", .example = EX_ADMIN_OFFICE, .organisation = 4,
    .site = "Abbey", .place = "Dalesford",
    .date = "2021-07-12", .completer = P_BRENNAN, .reviewer = P_LINDQVIST, .amend_reviewer = P_NONE,
    .end = INVOLVE_DEMO_END_SIGNED_OFF,
  },
  {
    .key = "nhse-gp-practice-closure", .example = EX_GP_CLOSURE, .organisation = 4,
    .site = "Upper Dalesford", .place = "Dalesford", .practice = "Moorside Surgery",
    .date = "2019-04-15", .completer = P_PRITCHARD, .reviewer = P_LINDQVIST, .amend_reviewer = P_LINDQVIST,
    .end = INVOLVE_DEMO_END_SUPERSEDED,
    .co_model = "joint-committee", .day_to_day = "NHS England's primary care team for Eastmoor and Dales; decisions are taken by the primary care joint committee with the local CCG, and NHS England completes this form.",
    .amend_reason = "Two neighbouring practices confirmed they can take the list; the dispersal option and the risks are updated.",
    .amend_field_id = "b1-title-description",
    .amend_text = "The partners of {practice}, {site}, have given six months' notice to end their contract. Options: disperse the list to the two neighbouring practices in {place}, which have confirmed capacity, or procure a caretaker provider. A merger is no longer possible.",
  },
  {
    .key = "nhse-gp-practice-closure-withdrawn", .example = EX_GP_CLOSURE, .organisation = 4,
    .site = "Fellside", .place = "Dalesford", .practice = "Fellside Medical Group",
    .date = "2021-11-08", .completer = P_PRITCHARD, .reviewer = P_NONE, .amend_reviewer = P_NONE,
    .end = INVOLVE_DEMO_END_WITHDRAWN,
    .co_model = "seat-at-table", .day_to_day = "NHS England's primary care team for Eastmoor and Dales; the local CCG has a seat at the table.",
    .withdraw_reason = "The partners withdrew their notice after a new partner joined; the practice stays open and no decision is needed.",
    .withdraw_after_submit = TRUE,
  },
  {
    .key = "nhse-gp-retirement", .example = EX_GP_RETIREMENT, .organisation = 4,
    .practice = "Church View Practice",
    .date = "2022-05-09", .completer = P_PRITCHARD, .reviewer = P_LINDQVIST, .amend_reviewer = P_NONE,
    .end = INVOLVE_DEMO_END_AWAITING_SIGN_OFF,
    .co_model = "seat-at-table", .day_to_day = "NHS England's primary care team for Eastmoor and Dales.",
  },
  {
    .key = "nhse-gp-contract-reaward", .example = EX_GP_REAWARD, .organisation = 4,
    .site = "Dalesford", .practice = "Harbour Lane Surgery",
    .date = "2022-01-17", .completer = P_PRITCHARD, .reviewer = P_LINDQVIST, .amend_reviewer = P_NONE,
    .end = INVOLVE_DEMO_END_RETURNED,
    .co_model = "seat-at-table", .day_to_day = "NHS England's primary care team for Eastmoor and Dales.",
    .return_comments = "The draft tender adds online consultations, so the specification is not quite unchanged. Please check whether that changes the way services are delivered and revisit step 3 before resubmitting.",
  },
  {
    .key = "nhse-dental-contract-termination", .example = EX_DENTAL, .organisation = 4,
    .site = "Dalesford", .place = "Kirkholm", .practice = "Dalesford Dental Care",
    .date = "2020-08-03", .completer = P_WHITCOMBE, .reviewer = P_LINDQVIST, .amend_reviewer = P_LINDQVIST,
    .end = INVOLVE_DEMO_END_AMENDED,
    .co_model = "none", .day_to_day = "NHS England's dental commissioning team for Eastmoor and Dales.",
    .amend_reason = "The longer-term engagement is rescheduled after the helpline review; timescales updated.",
    .amend_field_id = "c-timescales",
    .amend_text = "Letters sent within a week of the termination in {month1}; helpline review completed; long-term engagement rescheduled to start in {month3}.",
  },
  {
    .key = "nhse-dental-contract-termination-draft", .example = EX_DENTAL, .organisation = 4,
    .site = "Eastmoor", .place = "Kirkholm", .practice = "High Street Dental Surgery",
    .date = "2022-02-21", .completer = P_WHITCOMBE, .reviewer = P_NONE, .amend_reviewer = P_NONE,
    .end = INVOLVE_DEMO_END_DRAFT,
    .co_model = "none", .day_to_day = "NHS England's dental commissioning team for Eastmoor and Dales.",
    .draft_missing = "urgency-limited-involvement b4-approach b4-fair-proportionate b5-influence b5-feedback b5-ongoing-impact c-budget c-risks c-evaluation c-feedback completer-date",
  },
};

typedef struct
{
  const char *framework_id;
  const char *body;
  const char *body_capitalised;
  const char *section;
  const char *health_inequalities;
  const char *annual_report;
  const char *people;
} DemoFramework;

static const DemoFramework frameworks[] = {
  { "icb-14z45", "the ICB", "The ICB", "section 14Z45", "section 14Z35", "section 14Z58",
    "patients, their carers and representatives" },
  { "ccg-14z2", "the CCG", "The CCG", "section 14Z2", "section 14T", "section 14Z15", "patients" },
  { "nhse-13q", "NHS England", "NHS England", "section 13Q", "section 13G", "section 13U", "patients" },
};

static const DemoFramework *
lookup_framework (const char *framework_id)
{
  for (guint i = 0; i < G_N_ELEMENTS (frameworks); i++)
    {
      if (g_str_equal (frameworks[i].framework_id, framework_id))
        return &frameworks[i];
    }
  g_assert_not_reached ();
}

static const char * const month_names[] = {
  "January", "February", "March", "April", "May", "June", "July",
  "August", "September", "October", "November", "December",
};

static void
parse_date (const char *iso,
            GDate      *date)
{
  guint year = 0, month = 0, day = 0;

  g_date_clear (date, 1);
  if (sscanf (iso, "%4u-%2u-%2u", &year, &month, &day) != 3 ||
      !g_date_valid_dmy (day, month, year))
    g_assert_not_reached ();
  g_date_set_dmy (date, day, month, year);
}

static char *
format_iso (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date),
                          g_date_get_month (date), g_date_get_day (date));
}

static char *
date_plus_days (const char *iso,
                guint       days)
{
  GDate date;

  parse_date (iso, &date);
  g_date_add_days (&date, days);
  return format_iso (&date);
}

static char *
month_after (const char *iso,
             guint       months)
{
  GDate date;

  parse_date (iso, &date);
  g_date_add_months (&date, months);
  return g_strdup_printf ("%s %u", month_names[g_date_get_month (&date) - 1], g_date_get_year (&date));
}

/* "Dr Helen Marsh" -> "helen.marsh@domain" */
static char *
person_email (const DemoPerson *person)
{
  const char *name = person->name;
  g_autofree char *lower = NULL;

  if (g_str_has_prefix (name, "Dr "))
    name += 3;
  lower = g_ascii_strdown (name, -1);
  g_strdelimit (lower, " ", '.');
  return g_strdup_printf ("%s@%s", lower, organisations[person->organisation].domain);
}

typedef struct
{
  const DemoCase         *demo_case;
  const DemoExample      *example;
  const DemoOrganisation *organisation;
  const DemoFramework    *framework;
  GHashTable             *tokens;
} DemoContext;

static void
demo_context_init (DemoContext *ctx,
                   guint        index)
{
  const DemoCase *c = &cases[index];
  const DemoPerson *completer = &people[c->completer];
  g_autofree char *guidance = NULL;
  GDate date;

  ctx->demo_case = c;
  ctx->example = &examples[c->example];
  ctx->organisation = &organisations[c->organisation];
  ctx->framework = lookup_framework (ctx->organisation->framework_id);
  ctx->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  parse_date (c->date, &date);

  /* NHS England worked under the 2017 guidance until the 2022 guidance replaced it. */
  if (g_str_equal (ctx->framework->framework_id, "icb-14z45") || strcmp (c->date, "2022-07-01") >= 0)
    guidance = g_strdup ("Working in partnership with people and communities (2022)");
  else
    guidance = g_strdup ("Patient and public participation in commissioning health and care (2017)");

#define TOKEN(name, value) g_hash_table_insert (ctx->tokens, (gpointer) name, g_strdup (value))
  TOKEN ("org", ctx->organisation->name);
  TOKEN ("body", ctx->framework->body);
  TOKEN ("Body", ctx->framework->body_capitalised);
  TOKEN ("area", ctx->organisation->area);
  TOKEN ("site", c->site != NULL ? c->site : ctx->organisation->area);
  TOKEN ("place", c->place != NULL ? c->place : ctx->organisation->area);
  TOKEN ("practice", c->practice != NULL ? c->practice : "the practice");
  TOKEN ("provider", c->provider != NULL ? c->provider : "the provider");
  TOKEN ("section", ctx->framework->section);
  TOKEN ("hi", ctx->framework->health_inequalities);
  TOKEN ("report", ctx->framework->annual_report);
  TOKEN ("people", ctx->framework->people);
  TOKEN ("guidance", guidance);
  if (c->site != NULL && !g_str_equal (c->site, ctx->organisation->area))
    g_hash_table_insert (ctx->tokens, (gpointer) "location",
                         g_strdup_printf ("%s, %s", c->site, ctx->organisation->area));
  else
    TOKEN ("location", ctx->organisation->area);
  TOKEN ("lead", completer->name);
  TOKEN ("lead_title", completer->job_title);
  g_hash_table_insert (ctx->tokens, (gpointer) "year", g_strdup_printf ("%u", g_date_get_year (&date)));
  g_hash_table_insert (ctx->tokens, (gpointer) "month1", month_after (c->date, 1));
  g_hash_table_insert (ctx->tokens, (gpointer) "month2", month_after (c->date, 3));
  g_hash_table_insert (ctx->tokens, (gpointer) "month3", month_after (c->date, 5));
#undef TOKEN
}

static void
demo_context_clear (DemoContext *ctx)
{
  g_clear_pointer (&ctx->tokens, g_hash_table_unref);
}

/* Fills {tokens}; unknown tokens are a bug in the sample text. */
static char *
expand (DemoContext *ctx,
        const char  *template)
{
  GString *out;
  const char *p;

  if (template == NULL)
    return NULL;

  out = g_string_sized_new (strlen (template) + 64);
  for (p = template; *p != '\0';)
    {
      const char *close;

      if (*p == '{' && (close = strchr (p, '}')) != NULL)
        {
          g_autofree char *name = g_strndup (p + 1, close - p - 1);
          const char *value = g_hash_table_lookup (ctx->tokens, name);

          g_assert (value != NULL);
          g_string_append (out, value);
          p = close + 1;
        }
      else
        {
          g_string_append_c (out, *p);
          p++;
        }
    }

  return g_string_free (out, FALSE);
}

/* Field types where no definitions are given (the brief fixes them). */
static const char * const yes_no_fields[] = {
  "step1-commissioning", "step3-impact-delivery", "step3-impact-range",
  "special-administrator", "urgent", "scrutiny-substantial-variation",
  "notifiable-reconfiguration", "significant-public-interest", "promise-to-consult",
  "precedent-to-consult", "duty-applies-opinion", "beneficial-involvement",
  "b4-additional-required", NULL,
};

static const char * const multi_choice_fields[] = {
  "step2-activity-types", "b3-insight-sources", "b4-seldom-heard-groups",
  "b4-protected-characteristics", "b4-methods", "p22-principles-applied", NULL,
};

/*
 * Sets field_id from text, following the field's type: yes/no from "yes" or
 * "no", multiple choice from a comma-separated list of option ids, anything
 * else a string.  With definitions, a field they do not know is left out.
 */
static void
set_text (InvolveRecord      *record,
          InvolveDefinitions *defs,
          const char         *field_id,
          const char         *text)
{
  InvolveFieldType type = INVOLVE_FIELD_TEXT;
  GVariant *value;

  if (text == NULL)
    return;

  if (defs != NULL)
    {
      const InvolveField *field = involve_definitions_lookup_field (defs, field_id, NULL);

      if (field == NULL)
        {
          g_debug ("Sample field “%s” is not in the form definitions; left out", field_id);
          return;
        }
      type = field->type;
    }
  else if (g_strv_contains (yes_no_fields, field_id))
    type = INVOLVE_FIELD_YES_NO;
  else if (g_strv_contains (multi_choice_fields, field_id))
    type = INVOLVE_FIELD_MULTI_CHOICE;

  switch (type)
    {
    case INVOLVE_FIELD_YES_NO:
      g_assert (g_str_equal (text, "yes") || g_str_equal (text, "no"));
      value = g_variant_new_boolean (g_str_equal (text, "yes"));
      break;

    case INVOLVE_FIELD_MULTI_CHOICE:
      {
        g_auto(GStrv) options = g_strsplit (text, ",", -1);

        value = g_variant_new_strv ((const char * const *) options, -1);
      }
      break;

    case INVOLVE_FIELD_TABLE:
      g_assert_not_reached ();

    case INVOLVE_FIELD_TEXT:
    case INVOLVE_FIELD_LONG_TEXT:
    case INVOLVE_FIELD_CHOICE:
    case INVOLVE_FIELD_DATE:
    default:
      value = g_variant_new_string (text);
      break;
    }

  involve_record_set_value (record, field_id, value);
}

static void
set_expanded (InvolveRecord      *record,
              InvolveDefinitions *defs,
              DemoContext        *ctx,
              const char         *field_id,
              const char         *template)
{
  g_autofree char *text = expand (ctx, template);

  set_text (record, defs, field_id, text);
}

static GVariant *
build_risks (DemoContext *ctx)
{
  GVariantBuilder rows;

  g_variant_builder_init (&rows, G_VARIANT_TYPE ("aas"));
  for (guint i = 0; i < MAX_RISKS && ctx->example->risks[i][0] != NULL; i++)
    {
      g_autofree char *risk = expand (ctx, ctx->example->risks[i][0]);
      g_autofree char *action = expand (ctx, ctx->example->risks[i][1]);
      const char *cells[] = { risk, action, NULL };

      g_variant_builder_add_value (&rows, g_variant_new_strv (cells, -1));
    }
  return g_variant_builder_end (&rows);
}

static char *
key_contacts (DemoContext *ctx)
{
  const DemoCase *c = ctx->demo_case;
  GString *out = g_string_new (NULL);
  int ids[] = { c->completer, c->reviewer };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *email = NULL;

      if (ids[i] == P_NONE)
        continue;
      email = person_email (&people[ids[i]]);
      g_string_append_printf (out, "%s%s, %s (%s)", out->len > 0 ? "; " : "",
                              people[ids[i]].name, people[ids[i]].job_title, email);
    }
  return g_string_free (out, FALSE);
}

/*
 * The form edition a record made on @date (YYYY-MM-DD, the sample's own
 * date) under @framework_id would have pinned: as the store does, from the
 * guidance in force that day.
 */
static const char *
sample_form_edition (InvolveDefinitions *defs,
                     const char         *framework_id,
                     const char         *date)
{
  g_autoptr(GDateTime) time = NULL;
  int year, month, day;

  if (date == NULL || sscanf (date, "%d-%d-%d", &year, &month, &day) != 3)
    return INVOLVE_FORM_EDITION_DEFAULT;
  /* Without definitions (the same samples either way): ICBs, and NHS
   * England from 1 July 2022, follow the 2022 guidance, as frameworks.xml says. */
  if (defs == NULL)
    return g_str_equal (framework_id, "icb-14z45") || g_strcmp0 (date, "2022-07-01") >= 0 ?
           "2022" : INVOLVE_FORM_EDITION_DEFAULT;
  time = g_date_time_new_utc (year, month, day, 12, 0, 0);
  if (time == NULL)
    return INVOLVE_FORM_EDITION_DEFAULT;
  return involve_definitions_form_edition_for (defs, framework_id,
                                               g_date_time_to_unix (time) * G_USEC_PER_SEC);
}

/* What an officer answers on the 2022 edition's extra questions. */
static void
set_partnership_2022 (InvolveRecord      *record,
                      InvolveDefinitions *defs,
                      DemoContext        *ctx)
{
#define SET22(field, template) set_expanded (record, defs, ctx, field, template)
  SET22 ("p22-carers-representatives", "Carers are invited alongside patients to every session and through the local carers' centre; advocates support people who need help to take part, and carers can reply for the person they look after.");
  SET22 ("p22-healthwatch", "{area} Healthwatch is told before the engagement starts, reviews the questions and materials, and gives its independent view, which goes to the decision makers with the findings.");
  SET22 ("p22-vcse-partners", "The council for voluntary service, faith and community groups in {area} and charities for the conditions concerned help reach people who rarely take part; small grants cover their costs.");
  SET22 ("p22-principles-applied", "every-stage-feedback,understand-needs,excluded-groups,healthwatch-vcse,clear-public-information");
  SET22 ("p22-principles-details", "People are involved from the first options to the review after the change and told at each stage what difference they made. Co-producing a redesigned service is not proportionate to this activity; community development continues through existing partnerships.");
  SET22 ("p22-eqhia-status", "complete");
  SET22 ("p22-eqhia-findings", "Older people, disabled people and people on low incomes are the most likely to be affected. The involvement is aimed at them first, and the assessment will be updated with what they say before the decision.");
  SET22 ("p22-health-inequalities-regard", "The decision paper will show how each option affects access and outcomes in the most deprived neighbourhoods of {area} and for the groups with the poorest health, and what would be done about any widening gap.");
  if (involve_record_get_answer (record, "scrutiny-substantial-variation") == INVOLVE_ANSWER_YES)
    SET22 ("p22-scrutiny-consultation", "The council's health overview and scrutiny committee is briefed before the engagement starts and formally consulted on the proposal; the letter gives the date for its response and the date of the decision.");
  if (involve_record_get_answer (record, "notifiable-reconfiguration") == INVOLVE_ANSWER_YES)
    SET22 ("p22-notification", "{Body} notifies the Secretary of State once the decision-making business case is agreed, with the engagement report and the scrutiny committee's response.");
#undef SET22
}

static InvolveRecord *
build_record (InvolveDefinitions *defs,
              guint               index)
{
  DemoContext ctx = { 0 };
  const DemoExample *ex;
  const DemoCase *c;
  const DemoPerson *completer;
  InvolveRecord *record;
  g_autofree char *email = NULL;
  g_autofree char *contacts = NULL;
  g_autofree char *lead = NULL;

  demo_context_init (&ctx, index);
  ex = ctx.example;
  c = ctx.demo_case;
  completer = &people[c->completer];
  record = involve_record_new (ctx.organisation->framework_id);

#define SET(field, template) set_expanded (record, defs, &ctx, field, template)
  /* Three-step test. */
  SET ("title", ex->title);
  SET ("organisation-name", ctx.organisation->name);
  SET ("organisation-type", ctx.organisation->type);
  SET ("step1-commissioning", ex->step1);
  SET ("step1-explanation", ex->step1_explanation);
  if (g_str_equal (ex->step1, "yes"))
    {
      SET ("step2-activity-types", ex->activity_types);
      SET ("step2-explanation", ex->step2_explanation);
    }
  SET ("step3-impact-delivery", ex->impact_delivery);
  SET ("step3-impact-delivery-details", ex->impact_delivery_details);
  SET ("step3-impact-range", ex->impact_range);
  SET ("step3-impact-range-details", ex->impact_range_details);
  SET ("step3-impact-other", ex->impact_other);
  SET ("special-administrator", "no");
  SET ("urgent", ex->urgent);
  SET ("urgency-justification", ex->urgency_justification);
  SET ("urgency-limited-involvement", ex->urgency_limited);
  SET ("co-commissioning-model", c->co_model != NULL ? c->co_model : "none");
  SET ("day-to-day-responsibility", c->day_to_day != NULL ? c->day_to_day : "{org}");
  SET ("scrutiny-substantial-variation", ex->scrutiny);
  SET ("notifiable-reconfiguration", c->notifiable != NULL ? c->notifiable : ex->notifiable);
  SET ("significant-public-interest", ex->public_interest);
  SET ("promise-to-consult", ex->promise);
  SET ("precedent-to-consult", ex->precedent);
  SET ("promise-precedent-details", ex->promise_precedent_details);
  SET ("duty-applies-opinion", ex->opinion);
  SET ("duty-applies-reason", ex->opinion_reason);
  SET ("beneficial-involvement", ex->beneficial);
  SET ("beneficial-involvement-reason", ex->beneficial_reason);

  /* Appendix B. */
  SET ("b1-location", "{location}");
  SET ("b1-title-description", ex->b1_description);
  SET ("b1-objectives", ex->b1_objectives);
  SET ("b3-existing-arrangements", ex->b3_existing);
  SET ("b3-insight-use", ex->b3_insight);
  SET ("b3-insight-sources", ex->b3_sources);
  SET ("b3-insight-sources-details", ex->b3_sources_details);
  SET ("b3-previous-involvement", ex->b3_previous);
  SET ("b4-additional-required", ex->b4_required);
  if (g_str_equal (ex->b4_required, "yes"))
    {
      SET ("b4-approach", ex->b4_approach);
      SET ("b4-seldom-heard-groups", ex->b4_seldom);
      SET ("b4-protected-characteristics", ex->b4_protected);
      SET ("b4-health-inequalities", ex->b4_hi);
      SET ("b4-methods", ex->b4_methods);
    }
  else
    {
      SET ("b4-no-additional-reason", ex->b4_approach);
    }
  SET ("b4-fair-proportionate", ex->b4_fair);
  SET ("b5-influence", ex->b5_influence);
  SET ("b5-feedback", ex->b5_feedback);
  SET ("b5-ongoing-impact", ex->b5_ongoing);
  email = person_email (completer);
  set_text (record, defs, "completer-name", completer->name);
  set_text (record, defs, "completer-job-title", completer->job_title);
  set_text (record, defs, "completer-email", email);
  set_text (record, defs, "completer-team", completer->team);
  set_text (record, defs, "completer-date", c->date);

  /* Appendix C. */
  lead = g_strdup_printf ("%s, %s", completer->name, completer->job_title);
  contacts = key_contacts (&ctx);
  set_text (record, defs, "c-date-produced", c->date);
  set_text (record, defs, "c-project-lead", lead);
  SET ("c-background", ex->c_background);
  SET ("c-proposal", ex->c_proposal);
  SET ("c-key-messages", ex->c_key_messages);
  SET ("c-target-audiences", ex->c_audiences);
  SET ("c-objectives", ex->c_objectives);
  SET ("c-budget", ex->c_budget);
  SET ("c-methods", ex->c_methods);
  SET ("c-timescales", ex->c_timescales);
  SET ("c-equality", ex->c_equality);
  SET ("c-partners", ex->c_partners);
  set_text (record, defs, "c-key-contacts", contacts);
  if (defs == NULL || involve_definitions_lookup_field (defs, "c-risks", NULL) != NULL)
    involve_record_set_value (record, "c-risks", build_risks (&ctx));
  SET ("c-evaluation", ex->c_evaluation);
  SET ("c-feedback", ex->c_feedback);

  /* The form edition the record would have pinned on its own date. */
  set_text (record, defs, INVOLVE_FIELD_FORM_EDITION,
            sample_form_edition (defs, ctx.organisation->framework_id, c->date));
  if (g_str_equal (involve_record_get_form_edition (record), "2022"))
    set_partnership_2022 (record, defs, &ctx);

  /* Case-specific answers. */
  for (guint i = 0; c->overrides[i] != NULL; i += 2)
    {
      if (c->overrides[i + 1] == NULL)
        involve_record_set_value (record, c->overrides[i], NULL);
      else
        SET (c->overrides[i], c->overrides[i + 1]);
    }
#undef SET

  /* A draft stops where the officer has got to. */
  if (c->draft_missing != NULL)
    {
      g_auto(GStrv) missing = g_strsplit (c->draft_missing, " ", -1);

      for (guint i = 0; missing[i] != NULL; i++)
        involve_record_set_value (record, missing[i], NULL);
    }

  demo_context_clear (&ctx);
  return record;
}

const char *
involve_demo_end_to_string (InvolveDemoEnd end)
{
  static const char * const names[INVOLVE_DEMO_N_ENDS] = {
    "draft", "awaiting-sign-off", "returned", "signed-off", "amended", "superseded", "withdrawn",
  };

  g_return_val_if_fail (end < INVOLVE_DEMO_N_ENDS, NULL);
  return names[end];
}

guint
involve_demo_get_n_records (void)
{
  return G_N_ELEMENTS (cases);
}

GPtrArray *
involve_demo_build_records (InvolveDefinitions *defs)
{
  GPtrArray *records = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (defs == NULL || INVOLVE_IS_DEFINITIONS (defs), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_ptr_array_add (records, build_record (defs, i));
  return records;
}

void
involve_demo_plan_free (InvolveDemoPlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->key);
  g_free (plan->example);
  g_free (plan->framework_id);
  g_free (plan->expected_outcome);
  g_free (plan->expected_limbs);
  g_free (plan->completer_name);
  g_clear_pointer (&plan->reviewer, involve_sign_off_free);
  g_free (plan->return_comments);
  g_free (plan->return_date);
  g_free (plan->resubmit_field_id);
  g_free (plan->resubmit_text);
  g_free (plan->amend_reason);
  g_free (plan->amend_field_id);
  g_free (plan->amend_text);
  g_clear_pointer (&plan->amend_reviewer, involve_sign_off_free);
  g_free (plan->withdraw_reason);
  g_free (plan);
}

static InvolveSignOff *
build_sign_off (int         person,
                const char *date)
{
  InvolveSignOff *sign_off;

  if (person == P_NONE)
    return NULL;

  sign_off = involve_sign_off_new ();
  sign_off->reviewer_name = g_strdup (people[person].name);
  sign_off->reviewer_job_title = g_strdup (people[person].job_title);
  sign_off->reviewer_email = person_email (&people[person]);
  sign_off->reviewer_team = g_strdup (people[person].team);
  sign_off->date = g_strdup (date);
  return sign_off;
}

static gboolean
case_departs (const DemoCase *c)
{
  for (guint i = 0; c->overrides[i] != NULL; i += 2)
    {
      if (g_str_equal (c->overrides[i], "departure-reason"))
        return TRUE;
    }
  return FALSE;
}

InvolveDemoPlan *
involve_demo_build_plan (guint index)
{
  DemoContext ctx = { 0 };
  InvolveDemoPlan *plan;
  const DemoCase *c;
  g_autofree char *decided = NULL;
  g_autofree char *amended = NULL;

  g_return_val_if_fail (index < G_N_ELEMENTS (cases), NULL);

  demo_context_init (&ctx, index);
  c = ctx.demo_case;
  /* A record returned first is decided a week after it comes back. */
  decided = date_plus_days (c->date, c->return_comments != NULL && c->end != INVOLVE_DEMO_END_RETURNED ? 16 : 9);
  amended = date_plus_days (c->date, 75);

  plan = g_new0 (InvolveDemoPlan, 1);
  plan->key = g_strdup (c->key);
  plan->example = g_strdup (ctx.example->id);
  plan->framework_id = g_strdup (ctx.organisation->framework_id);
  plan->end = c->end;
  plan->expected_outcome = g_strdup (ctx.example->outcome);
  plan->expected_limbs = g_strdup (ctx.example->limbs);
  plan->departs = case_departs (c);
  plan->submit = c->end != INVOLVE_DEMO_END_DRAFT &&
                 !(c->end == INVOLVE_DEMO_END_WITHDRAWN && !c->withdraw_after_submit);
  plan->completer_name = g_strdup (people[c->completer].name);
  plan->reviewer = build_sign_off (c->reviewer, decided);
  if (plan->reviewer != NULL && c->end != INVOLVE_DEMO_END_RETURNED &&
      c->end != INVOLVE_DEMO_END_AWAITING_SIGN_OFF)
    plan->reviewer->comments = g_strdup ("Assessment and plan are proportionate. Signed off.");
  plan->return_comments = g_strdup (c->return_comments);
  if (c->return_comments != NULL)
    plan->return_date = date_plus_days (c->date, 9);
  plan->resubmit_field_id = g_strdup (c->resubmit_field_id);
  plan->resubmit_text = expand (&ctx, c->resubmit_text);
  plan->amend_reason = g_strdup (c->amend_reason);
  plan->amend_field_id = g_strdup (c->amend_field_id);
  plan->amend_text = expand (&ctx, c->amend_text);
  plan->amend_reviewer = build_sign_off (c->amend_reviewer, amended);
  if (plan->amend_reviewer != NULL)
    plan->amend_reviewer->comments = g_strdup ("Amendment agreed.");
  plan->withdraw_reason = g_strdup (c->withdraw_reason);
  plan->withdraw_after_submit = c->withdraw_after_submit;

  demo_context_clear (&ctx);
  return plan;
}

GPtrArray *
involve_demo_build_plans (void)
{
  GPtrArray *plans = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_demo_plan_free);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_ptr_array_add (plans, involve_demo_build_plan (i));
  return plans;
}

/* ------------------------------------------------------------------------
 * Large registers for benchmarks: many varied records, fast and repeatable.
 * ------------------------------------------------------------------------ */

typedef struct
{
  const char *name;
  const char *type;
  const char *framework_id;
  const char *area;
  const char *domain;
} LargeOrganisation;

static const LargeOrganisation large_organisations[] = {
  { "NHS Northfield Integrated Care Board", "icb", "icb-14z45", "Northfield", "northfield-icb.example.org" },
  { "NHS Greywater and Eastmoor Integrated Care Board", "icb", "icb-14z45", "Greywater and Eastmoor", "greywater-eastmoor-icb.example.org" },
  { "NHS Southmere Integrated Care Board", "icb", "icb-14z45", "Southmere", "southmere-icb.example.org" },
  { "NHS Lowther Coast Integrated Care Board", "icb", "icb-14z45", "Lowther Coast", "lowther-coast-icb.example.org" },
  { "NHS Westbridge Clinical Commissioning Group", "ccg", "ccg-14z2", "Westbridge", "westbridge-ccg.example.org" },
  { "NHS Ashcombe Vale Clinical Commissioning Group", "ccg", "ccg-14z2", "Ashcombe Vale", "ashcombe-vale-ccg.example.org" },
  { "NHS Harrowdene Clinical Commissioning Group", "ccg", "ccg-14z2", "Harrowdene", "harrowdene-ccg.example.org" },
  { "NHS Millbrook and Fenner Clinical Commissioning Group", "ccg", "ccg-14z2", "Millbrook and Fenner", "millbrook-fenner-ccg.example.org" },
  { "NHS England (Eastmoor and Dales)", "nhse", "nhse-13q", "Eastmoor and Dales", "england.example.org" },
  { "NHS England (Southmere and Coast)", "nhse", "nhse-13q", "Southmere and Coast", "england.example.org" },
};

static const char * const large_services[] = {
  "community podiatry", "musculoskeletal physiotherapy", "phlebotomy", "adult audiology",
  "community dermatology", "wheelchair services", "stroke rehabilitation", "minor injuries",
  "community mental health", "memory assessment", "diabetic eye screening", "sexual health",
  "children's speech and language therapy", "district nursing", "out-of-hours GP",
  "cataract surgery", "community ophthalmology", "orthotics", "anticoagulation monitoring",
  "continence", "lymphoedema", "weight management", "stop smoking support", "urgent dental care",
  "community cardiology", "pulmonary rehabilitation", "falls prevention", "end of life care",
  "perinatal mental health", "eating disorders", "respiratory physiology", "hospice at home",
};

static const char * const large_places[] = {
  "Ashby Marsh", "Bexfield", "Carrowby", "Dunmore Heath", "Eastwick", "Fairholme", "Garthwaite",
  "Hollinbrook", "Kelsworth", "Langmere", "Marrowgate", "Netherby Cross", "Oldcastle Green",
  "Pennington Vale", "Quarrybank", "Ridgeway", "Stourley", "Thornby", "Upperwood", "Wexham Fold",
  "Yarrowfield", "Brackenhurst", "Cinderford Lea", "Dalesford", "Kirkholm", "Fellside",
};

static const char * const large_first_names[] = {
  "Amira", "Tom", "Helen", "Rajesh", "Bethan", "Callum", "Sarah", "Joanne", "Daniel", "Margaret",
  "Kirsty", "Imran", "Laura", "Peter", "Naomi", "Owen", "Priya", "Gareth", "Chloe", "Samuel",
  "Aisha", "Martin", "Fiona", "Kwame", "Ruth", "Declan", "Harriet", "Yusuf", "Eleanor", "Marek",
};

static const char * const large_last_names[] = {
  "Okafor", "Hadley", "Marsh", "Varma", "Lloyd", "Reid", "Quayle", "Pickering", "Osei", "Ellison",
  "Fairbairn", "Siddiqui", "Whitcombe", "Lindqvist", "Brennan", "Pritchard", "Nair", "Hughes",
  "Adeyemi", "Kowalski", "McAllister", "Thornton", "Begum", "Ashworth", "Chaudhry", "Holloway",
};

static const char * const large_jobs[] = {
  "Commissioning Manager", "Senior Engagement Manager", "Primary Care Manager", "Programme Manager",
  "Head of Communications and Engagement", "Director of Commissioning", "Head of Governance",
  "Chief Nursing Officer", "Director of Strategy", "Contracts Manager",
};

static const char * const large_teams[] = {
  "Communications and Engagement", "Primary Care Commissioning", "Planned Care", "Urgent and Emergency Care",
  "Mental Health and Learning Disabilities", "Community Services", "Corporate Governance", "Executive Team",
};

typedef enum
{
  LARGE_RELOCATION,
  LARGE_CLOSURE,
  LARGE_REPROCUREMENT,
  LARGE_POLICY,
  LARGE_OPTIONS,
  LARGE_EXTENDED_HOURS,
  LARGE_DECOMMISSION,
  LARGE_OFFICE,
  LARGE_URGENT_SUSPENSION,
  N_LARGE_KINDS
} LargeKind;

typedef struct
{
  const char *title;       /* %1$s service, %2$s place */
  gboolean    commissioning;
  const char *types;
  gboolean    delivery;
  gboolean    range;
  gboolean    urgent;
  const char *limbs;
} LargeKindInfo;

static const LargeKindInfo large_kinds[N_LARGE_KINDS] = {
  [LARGE_RELOCATION] = { "Relocation of %s from %s", TRUE, "operational", TRUE, FALSE, FALSE, "c" },
  [LARGE_CLOSURE] = { "Closure of the %s clinic at %s", TRUE, "operational", TRUE, TRUE, FALSE, "c" },
  [LARGE_REPROCUREMENT] = { "Re-procurement of %s in %s with an unchanged specification", TRUE, "operational", FALSE, FALSE, FALSE, "" },
  [LARGE_POLICY] = { "Commissioning policy for %s across %s", TRUE, "planning", FALSE, FALSE, FALSE, "a" },
  [LARGE_OPTIONS] = { "Options for the future of %s in %s", TRUE, "proposal", TRUE, TRUE, FALSE, "b" },
  [LARGE_EXTENDED_HOURS] = { "Extended evening and weekend hours for %s at %s", TRUE, "proposal,operational", TRUE, FALSE, FALSE, "b,c" },
  [LARGE_DECOMMISSION] = { "Decommissioning %s of limited clinical benefit in %s", TRUE, "proposal", FALSE, TRUE, FALSE, "b" },
  [LARGE_OFFICE] = { "Moving the %s commissioning team's office to %s", FALSE, NULL, FALSE, FALSE, FALSE, "" },
  [LARGE_URGENT_SUSPENSION] = { "Urgent suspension of %s at %s on patient-safety grounds", TRUE, "operational", TRUE, FALSE, TRUE, "c" },
};

/* splitmix64: a fast, well-mixed sequence from any 64-bit state. */
static guint64
large_next (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static guint
large_pick (guint64 *state,
            guint    n)
{
  return (guint) (large_next (state) % n);
}

#define PICK(state, array) (array[large_pick (state, G_N_ELEMENTS (array))])

static char *
large_person_email (const char *first,
                    const char *last,
                    const char *domain)
{
  g_autofree char *name = g_strdup_printf ("%s.%s", first, last);
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_strdup_printf ("%s@%s", lower, domain);
}

static char *
large_date (guint64    *state,
            const char *framework_id)
{
  GDate date;
  guint first_year, years;

  if (g_str_equal (framework_id, "icb-14z45"))
    first_year = 2023, years = 4;   /* 2023-2026 (after July 2022) */
  else if (g_str_equal (framework_id, "ccg-14z2"))
    first_year = 2018, years = 4;   /* 2018-2021 */
  else
    first_year = 2016, years = 11;  /* 2016-2026 */

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 1, 1, first_year);
  g_date_add_days (&date, large_pick (state, 365 * years - 60));
  return format_iso (&date);
}

/* The title pattern's two "%s" are the service and the place. */
static char *
fill_title (const char *pattern,
            const char *service,
            const char *place)
{
  g_auto(GStrv) parts = g_strsplit (pattern, "%s", 3);

  g_assert (g_strv_length (parts) == 3);
  return g_strconcat (parts[0], service, parts[1], place, parts[2], NULL);
}

InvolveRecord *
involve_demo_build_large_record (InvolveDefinitions *defs,
                                 guint64             seed,
                                 guint               index)
{
  guint64 state = seed ^ (G_GUINT64_CONSTANT (0xD1B54A32D192ED03) * (index + 1));
  const LargeOrganisation *org = &PICK (&state, large_organisations);
  LargeKind kind = large_pick (&state, N_LARGE_KINDS);
  const LargeKindInfo *info = &large_kinds[kind];
  const char *service = PICK (&state, large_services);
  const char *place = PICK (&state, large_places);
  const char *first = PICK (&state, large_first_names);
  const char *last = PICK (&state, large_last_names);
  const char *reviewer_first = PICK (&state, large_first_names);
  const char *reviewer_last = PICK (&state, large_last_names);
  const DemoFramework *framework = lookup_framework (org->framework_id);
  gboolean applies;
  InvolveRecord *record;
  guint roll;
  g_autofree char *title = NULL;
  g_autofree char *date = NULL;
  g_autofree char *name = NULL;
  g_autofree char *email = NULL;
  GVariantBuilder rows;

  record = involve_record_new (org->framework_id);
  title = fill_title (info->title, service, place);
  date = large_date (&state, org->framework_id);
  name = g_strdup_printf ("%s %s", first, last);
  email = large_person_email (first, last, org->domain);
  applies = info->commissioning && (g_str_equal (info->limbs, "") == FALSE);

#define SETF(field, ...)                                                \
  G_STMT_START {                                                        \
    g_autofree char *text_ = g_strdup_printf (__VA_ARGS__);             \
    set_text (record, defs, field, text_);                              \
  } G_STMT_END

  set_text (record, defs, "title", title);
  set_text (record, defs, "organisation-name", org->name);
  set_text (record, defs, "organisation-type", org->type);
  set_text (record, defs, "step1-commissioning", info->commissioning ? "yes" : "no");
  if (info->commissioning)
    {
      SETF ("step1-explanation", "%s in %s is commissioned by %s.", service, place, framework->body);
      set_text (record, defs, "step2-activity-types", info->types);
      SETF ("step2-explanation", "The activity is %s about %s.",
            g_str_equal (info->types, "planning") ? "planning of the commissioning arrangements"
                                                  : "a proposal or decision", service);
    }
  else
    {
      SETF ("step1-explanation", "An office move for %s's own staff; no commissioned service in %s changes.",
            framework->body, place);
    }
  set_text (record, defs, "step3-impact-delivery", info->delivery ? "yes" : "no");
  SETF ("step3-impact-delivery-details", info->delivery
          ? "Patients using %s in %s would travel further or attend at different times."
          : "Patients using %s in %s would see no change in where or how they are treated.",
        service, place);
  set_text (record, defs, "step3-impact-range", info->range ? "yes" : "no");
  SETF ("step3-impact-range-details", info->range
          ? "The range of %s available locally would change."
          : "The range of %s available stays the same.", service);
  SETF ("step3-impact-other", "About %u people a year use %s in %s.",
        200 + large_pick (&state, 9800), service, place);
  set_text (record, defs, "special-administrator", "no");
  set_text (record, defs, "urgent", info->urgent ? "yes" : "no");
  if (info->urgent)
    {
      SETF ("urgency-justification", "An inspection of %s at %s found a genuine risk to patients' safety.",
            service, place);
      SETF ("urgency-limited-involvement", "Letters to every patient of %s at %s and a helpline.", service, place);
    }
  set_text (record, defs, "co-commissioning-model", "none");
  SETF ("day-to-day-responsibility", "%s", org->name);
  set_text (record, defs, "scrutiny-substantial-variation", kind == LARGE_OPTIONS ? "yes" : "no");
  set_text (record, defs, "notifiable-reconfiguration", "no");
  set_text (record, defs, INVOLVE_FIELD_FORM_EDITION, sample_form_edition (defs, org->framework_id, date));
  if (kind == LARGE_OPTIONS && g_str_equal (involve_record_get_form_edition (record), "2022"))
    SETF ("p22-scrutiny-consultation", "The scrutiny committee is consulted on the options for %s in %s.",
          service, place);
  set_text (record, defs, "significant-public-interest", large_pick (&state, 4) == 0 ? "yes" : "no");
  set_text (record, defs, "promise-to-consult", "no");
  set_text (record, defs, "precedent-to-consult", large_pick (&state, 6) == 0 ? "yes" : "no");
  SETF ("promise-precedent-details", "No promise to consult on %s has been made.", service);
  set_text (record, defs, "duty-applies-opinion", applies ? "yes" : "no");
  if (applies)
    SETF ("duty-applies-reason", "The duty applies under %s(2)(%s).", framework->section, info->limbs);
  else
    {
      SETF ("duty-applies-reason", "The duty does not apply: %s.",
            info->commissioning ? "no impact on delivery or range" : "not a commissioning responsibility");
      set_text (record, defs, "beneficial-involvement", "yes");
      SETF ("beneficial-involvement-reason", "Users of %s in %s will be told about the change.", service, place);
    }

  SETF ("b1-location", "%s, %s", place, org->area);
  SETF ("b1-title-description", "%s, commissioned by %s.", title, org->name);
  SETF ("b1-objectives", "A sustainable, accessible %s service for %s.", service, org->area);
  SETF ("b3-existing-arrangements", "Patient experience feedback on %s; %s Healthwatch; the citizens' panel.",
        service, org->area);
  SETF ("b3-insight-use", "Insight about %s in %s shapes the questions we ask.", service, place);
  set_text (record, defs, "b4-additional-required", applies ? "yes" : "no");
  if (applies)
    {
      SETF ("b4-approach", "A %u-week engagement with users of %s, their carers and seldom-heard groups in %s.",
            4 + large_pick (&state, 9), service, place);
      set_text (record, defs, "b4-methods", "surveys-feedback-forms,events,vcse-healthwatch-ppg");
    }
  else
    {
      SETF ("b4-no-additional-reason", "Existing feedback on %s covers what is needed; users in %s are informed.",
            service, place);
    }
  SETF ("b4-fair-proportionate", "Proportionate to the number of people affected by the change to %s.", service);
  SETF ("b5-influence", "Findings are reported to the committee that decides on %s.", service);
  SETF ("b5-feedback", "A 'you said, we did' summary for everyone involved in %s.", place);
  SETF ("b5-ongoing-impact", "Patient experience and complaints about %s monitored for six months.", service);
  set_text (record, defs, "completer-name", name);
  set_text (record, defs, "completer-job-title", PICK (&state, large_jobs));
  set_text (record, defs, "completer-email", email);
  set_text (record, defs, "completer-team", PICK (&state, large_teams));
  set_text (record, defs, "completer-date", date);

  set_text (record, defs, "c-date-produced", date);
  set_text (record, defs, "c-project-lead", name);
  SETF ("c-background", "Background to %s in %s.", service, place);
  SETF ("c-proposal", "%s.", title);
  SETF ("c-key-messages", "Your views on %s matter; tell us how the change would affect you.", service);
  SETF ("c-target-audiences", "Users of %s, carers, GP practices and Healthwatch in %s.", service, org->area);
  SETF ("c-objectives", "Reach users of %s in %s.", service, place);
  SETF ("c-budget", "£%u", 500 + 250 * large_pick (&state, 40));
  SETF ("c-methods", "Survey, drop-in sessions in %s and meetings with patient groups.", place);
  SETF ("c-timescales", "Starting %s.", date);
  SETF ("c-equality", "Equality and health inequalities analysis for %s completed.", service);
  SETF ("c-partners", "%s Healthwatch; voluntary organisations in %s.", org->area, place);
  SETF ("c-key-contacts", "%s (%s)", name, email);
  g_variant_builder_init (&rows, G_VARIANT_TYPE ("aas"));
  for (guint i = 0, n = 2 + large_pick (&state, 3); i < n; i++)
    {
      g_autofree char *risk = g_strdup_printf ("Risk %u for %s", i + 1, service);
      g_autofree char *action = g_strdup_printf ("Mitigation %u in %s", i + 1, place);
      const char *cells[] = { risk, action, NULL };

      g_variant_builder_add_value (&rows, g_variant_new_strv (cells, -1));
    }
  involve_record_set_value (record, "c-risks", g_variant_builder_end (&rows));
  SETF ("c-evaluation", "Responses counted by group for %s.", service);
  SETF ("c-feedback", "Summary published for %s.", place);
#undef SETF

  /* Where it ends: 45% signed off, 20% drafts, 15% awaiting, 10% returned, 10% withdrawn. */
  roll = large_pick (&state, 100);
  if (roll < 45 || roll >= 80)
    {
      g_autoptr(InvolveSignOff) sign_off = involve_sign_off_new ();

      if (g_str_equal (reviewer_first, first) && g_str_equal (reviewer_last, last))
        reviewer_last = g_str_equal (last, "Okafor") ? "Hughes" : "Okafor";
      sign_off->reviewer_name = g_strdup_printf ("%s %s", reviewer_first, reviewer_last);
      sign_off->reviewer_job_title = g_strdup ("Director of Commissioning");
      sign_off->reviewer_email = large_person_email (reviewer_first, reviewer_last, org->domain);
      sign_off->reviewer_team = g_strdup ("Executive Team");
      sign_off->date = date_plus_days (date, 7 + large_pick (&state, 30));
      if (roll < 45)
        {
          sign_off->decision = g_strdup ("signed-off");
          involve_record_set_status (record, INVOLVE_STATUS_SIGNED_OFF);
        }
      else if (roll < 90)
        {
          sign_off->decision = g_strdup ("returned");
          sign_off->comments = g_strdup_printf ("Please say more about how users of %s will be reached.", service);
          involve_record_set_status (record, INVOLVE_STATUS_RETURNED);
        }
      else
        {
          g_clear_pointer (&sign_off, involve_sign_off_free);
          involve_record_set_status (record, INVOLVE_STATUS_WITHDRAWN);
          involve_record_set_status_reason (record, "The activity will not go ahead.");
        }
      if (sign_off != NULL)
        involve_record_set_sign_off (record, sign_off);
    }
  else if (roll < 65)
    {
      involve_record_set_status (record, INVOLVE_STATUS_DRAFT);
    }
  else
    {
      involve_record_set_status (record, INVOLVE_STATUS_AWAITING_SIGN_OFF);
    }

  return record;
}

GPtrArray *
involve_demo_build_large (InvolveDefinitions *defs,
                          guint               n,
                          guint64             seed)
{
  GPtrArray *records = g_ptr_array_new_full (n, g_object_unref);

  g_return_val_if_fail (defs == NULL || INVOLVE_IS_DEFINITIONS (defs), NULL);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (records, involve_demo_build_large_record (defs, seed, i));
  return records;
}
