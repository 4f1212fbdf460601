/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "involve-form.h"

G_BEGIN_DECLS

/*
 * Everything the product knows from the guidance, loaded from data:
 * the three forms, the legal frameworks and the reference lists.
 */

typedef struct
{
  char *id;            /* "a", "b", "c" */
  char *citation;      /* "section 14Z45(2)(a)" */
  char *summary;       /* plain words: "planning of the commissioning arrangements" */
  gboolean needs_impact;
} InvolveLimb;

typedef struct
{
  char *title;
  char *edition;       /* "2017" */
  char *publisher;
  char *from;          /* ISO date or NULL */
  char *until;         /* ISO date or NULL */
} InvolveGuidanceEdition;

/* Statutory wording quoted exactly, with where it was taken from. */
typedef struct
{
  char *citation;      /* "section 14Z2(2)" */
  char *text;
  char *source;
  char *date;          /* date of the text as quoted */
} InvolveQuotation;

typedef struct
{
  char      *id;                         /* "icb-14z45", "ccg-14z2", "nhse-13q" */
  char      *organisation_type;          /* "icb", "ccg", "nhse" */
  char      *organisation_label;         /* "Integrated care board" */
  char      *section;                    /* "14Z45" */
  char      *act;                        /* "National Health Service Act 2006" */
  char      *in_force_from;              /* ISO date */
  char      *in_force_until;             /* ISO date or NULL */
  char      *who_is_involved;            /* plain words */
  char      *guidance_title;
  char      *guidance_edition;           /* "2017", "2022" */
  char      *special_administrator_citation; /* "section 14Z45(6)" */
  char      *annual_report_citation;     /* "section 14Z58" */
  char      *health_inequalities_citation;
  GPtrArray *limbs;                      /* InvolveLimb*, a to c */
  /* Added by the forms loader: */
  char      *in_force_note;              /* plain words, may be NULL */
  gboolean   carers_and_representatives; /* the duty reaches carers and representatives too */
  char      *guidance_publisher;         /* of the current guidance: "NHS England" */
  GPtrArray *guidance_editions;          /* InvolveGuidanceEdition*, oldest first; the last is
                                          * current and is what guidance_title/edition hold */
  char      *special_administrator_summary;
  char      *annual_report_summary;
  char      *health_inequalities_summary;
  GPtrArray *quotations;                 /* InvolveQuotation*: exact statutory wording, may be empty */
} InvolveFramework;

typedef struct
{
  char *id;
  char *label;
  char *description;   /* may be NULL */
} InvolveReferenceItem;

typedef struct
{
  char      *id;       /* "protected-characteristics", "gunning-principles", ... */
  char      *title;
  char      *source;   /* where in the seeds it comes from */
  GPtrArray *items;    /* InvolveReferenceItem* */
} InvolveReferenceList;

#define INVOLVE_FORM_THREE_STEP_TEST "three-step-test"
#define INVOLVE_FORM_APPENDIX_B      "appendix-b"
#define INVOLVE_FORM_APPENDIX_C      "appendix-c"

#define INVOLVE_TYPE_DEFINITIONS (involve_definitions_get_type ())
G_DECLARE_FINAL_TYPE (InvolveDefinitions, involve_definitions, INVOLVE, DEFINITIONS, GObject)

/*
 * Loads from $INVOLVE_DATA_DIR when set (a folder laid out like data/),
 * checked against the RELAX NG schemas, otherwise from the resources
 * compiled into the core library, with every check but the schemas (the
 * tests check those).  The result is cached; the first failure is
 * returned every time.
 */
/* Transfer none: the default definitions live as long as the process. */
InvolveDefinitions         *involve_definitions_get_default     (GError            **error);
/* Always from the compiled-in resources, schemas included, never cached
 * (tests, involve-cli definitions check). */
InvolveDefinitions         *involve_definitions_new_from_resources (GError          **error);
InvolveDefinitions         *involve_definitions_new_from_directory (GFile           *directory,
                                                                  GError          **error);

/* Forms in wizard order: three-step test, Appendix B, Appendix C. */
GPtrArray                  *involve_definitions_get_forms        (InvolveDefinitions *self);
InvolveForm                *involve_definitions_get_form         (InvolveDefinitions *self,
                                                                  const char         *form_id);
const InvolveField         *involve_definitions_lookup_field     (InvolveDefinitions *self,
                                                                  const char         *field_id,
                                                                  InvolveForm       **form);
GPtrArray                  *involve_definitions_get_frameworks   (InvolveDefinitions *self);
const InvolveFramework     *involve_definitions_lookup_framework (InvolveDefinitions *self,
                                                                  const char         *framework_id);
GPtrArray                  *involve_definitions_get_reference_lists (InvolveDefinitions *self);
const InvolveReferenceList *involve_definitions_lookup_reference_list (InvolveDefinitions *self,
                                                                       const char         *list_id);
const InvolveReferenceItem *involve_reference_list_lookup_item (const InvolveReferenceList *list,
                                                                const char                 *item_id);
const InvolveLimb          *involve_framework_lookup_limb      (const InvolveFramework     *framework,
                                                                const char                 *limb_id);
/* A guidance pointer (a field's or section's ref) for a record under
 * @framework_id: "{special-administrator}" becomes that framework's citation
 * from frameworks.xml ("section 14Z45(6)"), "{duty}" its section ("section
 * 14Z45"); for an unknown framework, every framework's, joined.  Owned. */
char                       *involve_definitions_dup_guidance_ref (InvolveDefinitions *self,
                                                                  const char         *ref,
                                                                  const char         *framework_id);
/* The current guidance edition, e.g. "2022". */
const InvolveGuidanceEdition *involve_framework_get_current_guidance (const InvolveFramework *framework);

G_END_DECLS
