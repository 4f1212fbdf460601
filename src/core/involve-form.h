/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Form definitions are data (data/forms/NAME.xml, checked against
 * data/schemas/form.rng).  One definition drives the wizard, validation,
 * the PDF and the XML exchange format.  The structs below are read-only
 * views owned by their InvolveForm.
 */

#define INVOLVE_FORM_ERROR (involve_form_error_quark ())
typedef enum
{
  INVOLVE_FORM_ERROR_MALFORMED,   /* not well-formed XML; message names file and line */
  INVOLVE_FORM_ERROR_INVALID,     /* breaks the schema or a rule the schema cannot say */
  INVOLVE_FORM_ERROR_NOT_FOUND,
} InvolveFormError;
GQuark involve_form_error_quark (void);

typedef enum
{
  INVOLVE_FIELD_TEXT,
  INVOLVE_FIELD_LONG_TEXT,
  INVOLVE_FIELD_YES_NO,
  INVOLVE_FIELD_CHOICE,
  INVOLVE_FIELD_MULTI_CHOICE,
  INVOLVE_FIELD_DATE,
  INVOLVE_FIELD_TABLE,
} InvolveFieldType;

const char         *involve_field_type_to_string   (InvolveFieldType type);
const GVariantType *involve_field_type_get_variant_type (InvolveFieldType type);

typedef enum
{
  INVOLVE_CONDITION_NONE,
  /* field_id's value equals value: "yes"/"no" for yes/no fields, the option
   * id for single choice; for multiple choice, the option is among those chosen. */
  INVOLVE_CONDITION_FIELD_EQUALS,
  /* The three-step test's derived outcome is value ("applies" / "does-not-apply"). */
  INVOLVE_CONDITION_OUTCOME,
  /* The assessor's own conclusion differs from the derived outcome. */
  INVOLVE_CONDITION_DEPARTS_FROM_OUTCOME,
} InvolveConditionKind;

typedef struct
{
  InvolveConditionKind  kind;
  char                 *field_id;
  char                 *value;
} InvolveCondition;

typedef struct
{
  char *id;
  char *label;
  char *help;        /* may be NULL */
} InvolveOption;

typedef struct
{
  char *id;
  char *label;
} InvolveColumn;

typedef struct
{
  char             *id;            /* unique across all forms, e.g. "b-step2-impact-delivery" */
  InvolveFieldType  type;
  char             *label;
  char             *help;          /* our own words */
  char             *guidance_ref;  /* where seed 004 says it, e.g. "Appendix B, step 2(a)" */
  gboolean          required;      /* always required before submitting */
  InvolveCondition  required_when; /* required only when this holds (kind NONE: never) */
  InvolveCondition  shown_when;    /* asked only when this holds (kind NONE: always) */
  char             *options_list;  /* id of a reference list giving the options, or NULL */
  GPtrArray        *options;       /* InvolveOption*, for choice and multiple choice */
  GPtrArray        *columns;       /* InvolveColumn*, for tables */
  gboolean          personal;      /* holds a person's name or contact details (public version) */
} InvolveField;

typedef struct
{
  char     *title;
  char     *text;
} InvolveExample;

typedef struct
{
  char      *id;            /* e.g. "b-step2" */
  char      *title;
  char      *intro;         /* shown above the fields; may be NULL */
  char      *guidance;      /* the guidance in plain words, for the help panel; may be NULL */
  char      *guidance_ref;
  GPtrArray *examples;      /* InvolveExample*, worked examples from the guidance */
  GPtrArray *fields;        /* InvolveField* */
} InvolveSection;

#define INVOLVE_TYPE_FORM (involve_form_get_type ())
G_DECLARE_FINAL_TYPE (InvolveForm, involve_form, INVOLVE, FORM, GObject)

InvolveForm          *involve_form_new_from_file     (GFile        *file,
                                                      GError      **error);
/* name is what error messages call the document (a file or resource path). */
InvolveForm          *involve_form_new_from_bytes    (GBytes       *bytes,
                                                      const char   *name,
                                                      GError      **error);
const char           *involve_form_get_id            (InvolveForm  *self);
const char           *involve_form_get_title         (InvolveForm  *self);
const char           *involve_form_get_source        (InvolveForm  *self);
GPtrArray            *involve_form_get_sections      (InvolveForm  *self);
const InvolveSection *involve_form_lookup_section    (InvolveForm  *self,
                                                      const char   *section_id);
const InvolveField   *involve_form_lookup_field      (InvolveForm  *self,
                                                      const char   *field_id);
/* The section holding field_id, or NULL. */
const InvolveSection *involve_form_find_field_section (InvolveForm *self,
                                                       const char  *field_id);

G_END_DECLS
