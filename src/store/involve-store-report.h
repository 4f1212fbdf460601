/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-store.h"

G_BEGIN_DECLS

/*
 * The annual report on the duty to involve for one financial year
 * (1 April to 31 March): what was decided (by outcome and limb), where the
 * duty applied and what involvement was done, does-not-apply decisions and
 * their beneficial-involvement judgement, urgency cases, notifiable
 * reconfigurations and whom the involvement reached.
 *
 * It is computed from the register as it stood at one audit entry (the
 * head by default), and only from what cannot change afterwards: signed-off
 * versions, and the audit entries and involvement log entries up to that
 * one.  Computed again at the same entry it gives the same numbers, however
 * the register has changed since.
 *
 * A record counts in the year of its decision (the reviewer's sign-off
 * date); when it was signed off more than once in the year, its latest
 * decision counts.  An activity counts in the year it started; feedback,
 * responses and evaluations count with the records whose activities do.
 */

typedef struct
{
  char      *section;     /* "decisions", "outcome", "limb", "does-not-apply", "urgency",
                           * "reconfiguration", "involvement", "method", "group",
                           * "characteristic", "partner" */
  char      *id;          /* unique in the report, e.g. "limb-a", "group-carers" */
  char      *label;       /* translated */
  gint64     count;       /* records, or activities for method / group / ... */
  gint64     people;      /* people reached, where it applies; else 0 */
  GPtrArray *references;  /* char*: the records behind the figure, sorted */
} InvolveReportFigure;

/* One decision counted in the year (the PDF's appendix). */
typedef struct
{
  char    *reference;
  char    *uuid;
  guint    version;
  char    *title;
  char    *organisation;
  char    *review_date;
  char    *outcome;               /* "applies", "does-not-apply", or NULL */
  char    *limbs;                 /* e.g. "a, c"; NULL when none */
  gboolean urgent;
  gboolean notifiable_reconfiguration;
  char    *beneficial;            /* "yes", "no" or NULL (does-not-apply only) */
  char    *beneficial_reason;
  guint    n_activities;          /* in the year */
  char    *methods;               /* their methods' labels, "Surveys and feedback forms; Events", or NULL */
  gint64   people;                /* reached by them */
} InvolveReportDecision;

typedef struct
{
  char      *year;            /* "2025-26" */
  char      *first_day;       /* "2025-04-01" */
  char      *last_day;        /* "2026-03-31" */
  char      *organisation;    /* the filter, or NULL for all */
  gint64     as_of_entry;     /* the audit entry it was computed at (0: empty register) */
  char      *as_of_hash;      /* that entry's hash */
  gint64     computed_usec;
  GPtrArray *figures;         /* InvolveReportFigure*, in report order */
  GPtrArray *decisions;       /* InvolveReportDecision*, by reference */
} InvolveAnnualReport;

#define INVOLVE_TYPE_ANNUAL_REPORT (involve_annual_report_get_type ())
GType                      involve_annual_report_get_type (void) G_GNUC_CONST;
InvolveAnnualReport       *involve_annual_report_copy     (const InvolveAnnualReport *report);
void                       involve_annual_report_free     (InvolveAnnualReport       *report);
/* The figure @id, or NULL. */
const InvolveReportFigure *involve_annual_report_lookup   (const InvolveAnnualReport *report,
                                                           const char                *id);
/* Every figure as CSV (RFC 4180, a header line, CRLF), each row saying the
 * year, filter and audit head it was computed at. */
char                      *involve_annual_report_to_csv   (const InvolveAnnualReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveAnnualReport, involve_annual_report_free)

/* "2025-26" -> first and last day; FALSE with INVOLVE_STORE_ERROR_INVALID. */
gboolean             involve_financial_year_parse (const char  *year,
                                                   char       **first_day,
                                                   char       **last_day,
                                                   GError     **error);
/* The financial year a YYYY-MM-DD date falls in ("2025-26"), or NULL. */
char                *involve_financial_year_of    (const char  *date);

/*
 * Computes the report for @year ("2025-26"), for @organisation (exact
 * organisation name of the signed-off version; NULL for all), as the
 * register stood at audit entry @as_of_entry (0 = now).  An entry beyond
 * the head is NOT_FOUND.
 */
InvolveAnnualReport *involve_store_compute_report (InvolveStore  *self,
                                                   const char    *year,
                                                   const char    *organisation,
                                                   gint64         as_of_entry,
                                                   GError       **error);

G_END_DECLS
