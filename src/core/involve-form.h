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

/* "text", "long-text", "yes-no", "choice", "multi-choice", "date", "table":
 * the type attribute's values in data/forms/NAME.xml. */
const char         *involve_field_type_to_string        (InvolveFieldType  type);
gboolean            involve_field_type_from_string      (const char       *string,
                                                         InvolveFieldType *type);
/* The GVariant a record holds for a field of this type: "s" for text, long
 * text, date (YYYY-MM-DD) and single choice (the option id), "b" for yes/no,
 * "as" for multiple choice, "aas" for a table (rows of cells, in column order). */
const GVariantType *involve_field_type_get_variant_type (InvolveFieldType  type);

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

/*
 * In the XML: <required-when field="urgent" equals="yes"/>,
 * <required-when outcome="does-not-apply"/>,
 * <required-when departs-from-outcome="duty-applies-opinion"/> (field_id is
 * the yes/no opinion field, value is NULL).  For OUTCOME, field_id is NULL.
 */
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
  GPtrArray        *required_when_also; /* InvolveCondition*: further <required-when>s;
                                         * required when any one of them holds */
  InvolveCondition  shown_when;    /* asked only when this holds (kind NONE: always) */
  char             *options_list;  /* id of a reference list giving the options, or NULL */
  GPtrArray        *options;       /* InvolveOption*, for choice and multiple choice; filled from
                                    * options_list when InvolveDefinitions loads the form */
  GPtrArray        *columns;       /* InvolveColumn*, for tables */
  gboolean          personal;      /* holds a person's name or contact details (public version) */
  char             *form_id;       /* the form that defines the field: a section may show a
                                    * field defined in another form (<field-ref>); the value is
                                    * shared, so validate and export it once, where it is defined */
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
  GPtrArray *fields;        /* InvolveField*, including fields referred to with <field-ref> */
  InvolveCondition shown_when; /* the whole section is asked only when this holds */
} InvolveSection;

#define INVOLVE_TYPE_FORM (involve_form_get_type ())
G_DECLARE_FINAL_TYPE (InvolveForm, involve_form, INVOLVE, FORM, GObject)

/*
 * Parses (safely: no network, no DTD, no entity substitution) and validates
 * a form against data/schemas/form.rng.  A form loaded on its own leaves its
 * <field-ref>s out of its sections and its options_list options empty;
 * InvolveDefinitions resolves both and checks the rules across forms.
 */
InvolveForm          *involve_form_new_from_file     (GFile        *file,
                                                      GError      **error);
/* name is what error messages call the document (a file or resource path). */
InvolveForm          *involve_form_new_from_bytes    (GBytes       *bytes,
                                                      const char   *name,
                                                      GError      **error);
const char           *involve_form_get_id            (InvolveForm  *self);
const char           *involve_form_get_title         (InvolveForm  *self);
const char           *involve_form_get_source        (InvolveForm  *self);
const char           *involve_form_get_intro         (InvolveForm  *self);
guint                 involve_form_get_version       (InvolveForm  *self);
/* What error messages call the document: a file path or a resource path. */
const char           *involve_form_get_name          (InvolveForm  *self);
GPtrArray            *involve_form_get_sections      (InvolveForm  *self);
const InvolveSection *involve_form_lookup_section    (InvolveForm  *self,
                                                      const char   *section_id);
/* Any field the form shows, including those of <field-ref>s resolved by
 * InvolveDefinitions; check field->form_id to tell them apart. */
const InvolveField   *involve_form_lookup_field      (InvolveForm  *self,
                                                      const char   *field_id);
/* The section holding field_id, or NULL. */
const InvolveSection *involve_form_find_field_section (InvolveForm *self,
                                                       const char  *field_id);

gboolean              involve_condition_is_set       (const InvolveCondition *condition);
const char           *involve_condition_kind_to_string (InvolveConditionKind kind);

G_END_DECLS
