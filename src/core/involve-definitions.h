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
 * otherwise from the resources compiled into the core library.  The result
 * is cached; the first failure is returned every time.
 */
InvolveDefinitions         *involve_definitions_get_default     (GError            **error);
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

G_END_DECLS
