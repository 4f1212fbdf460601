/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-validate"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "involve-assess-private.h"
#include "involve-validate.h"

/* Conditions may refer to fields whose own visibility depends on others;
 * definitions are checked for sense when loaded, this only stops loops. */
#define MAX_CONDITION_DEPTH 16

/* ------------------------------------------------------------------ */
/* Problems                                                             */

InvolveProblem *
involve_problem_new (const char *form_id,
                     const char *section_id,
                     const char *field_id,
                     const char *message)
{
  InvolveProblem *problem = g_new0 (InvolveProblem, 1);

  problem->form_id = g_strdup (form_id);
  problem->section_id = g_strdup (section_id);
  problem->field_id = g_strdup (field_id);
  problem->message = g_strdup (message);
  return problem;
}

InvolveProblem *
involve_problem_copy (const InvolveProblem *problem)
{
  g_return_val_if_fail (problem != NULL, NULL);

  return involve_problem_new (problem->form_id, problem->section_id,
                              problem->field_id, problem->message);
}

void
involve_problem_free (InvolveProblem *problem)
{
  if (problem == NULL)
    return;

  g_free (problem->form_id);
  g_free (problem->section_id);
  g_free (problem->field_id);
  g_free (problem->message);
  g_free (problem);
}

G_DEFINE_BOXED_TYPE (InvolveProblem, involve_problem, involve_problem_copy, involve_problem_free)

const InvolveProblem *
involve_problems_find_field (GPtrArray  *problems,
                             const char *field_id)
{
  g_return_val_if_fail (problems != NULL, NULL);
  g_return_val_if_fail (field_id != NULL, NULL);

  for (guint i = 0; i < problems->len; i++)
    {
      const InvolveProblem *problem = g_ptr_array_index (problems, i);

      if (g_strcmp0 (problem->field_id, field_id) == 0)
        return problem;
    }
  return NULL;
}

/* ------------------------------------------------------------------ */
/* The context: where each field is defined, and the derived outcome    */

typedef struct
{
  InvolveForm          *form;
  const InvolveSection *section;
  const InvolveField   *field;
} FieldPlace;

typedef struct
{
  InvolveDefinitions *defs;
  InvolveRecord      *record;
  GHashTable         *places;        /* field id -> FieldPlace*, where it is defined */
  GPtrArray          *ordered;       /* the same places, in the order of the forms */

  InvolveAssessment  *assessment;    /* NULL when the test cannot be run yet */
  char               *engine_field;  /* the field the engine's complaint is about */
  char               *engine_message;
} Context;

static gboolean
field_defined_here (const InvolveField *field,
                    InvolveForm        *form)
{
  return field->form_id == NULL || g_strcmp0 (field->form_id, involve_form_get_id (form)) == 0;
}

static void
context_init (Context            *ctx,
              InvolveDefinitions *defs,
              InvolveRecord      *record)
{
  GPtrArray *forms = involve_definitions_get_forms (defs);

  ctx->defs = defs;
  ctx->record = record;
  ctx->places = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  ctx->ordered = g_ptr_array_new ();

  for (guint i = 0; i < forms->len; i++)
    {
      InvolveForm *form = g_ptr_array_index (forms, i);
      GPtrArray *sections = involve_form_get_sections (form);

      for (guint j = 0; j < sections->len; j++)
        {
          const InvolveSection *section = g_ptr_array_index (sections, j);

          for (guint k = 0; k < section->fields->len; k++)
            {
              const InvolveField *field = g_ptr_array_index (section->fields, k);
              FieldPlace *place;

              if (!field_defined_here (field, form) ||
                  g_hash_table_contains (ctx->places, field->id))
                continue;

              place = g_new0 (FieldPlace, 1);
              place->form = form;
              place->section = section;
              place->field = field;
              g_hash_table_insert (ctx->places, field->id, place);
              g_ptr_array_add (ctx->ordered, place);
            }
        }
    }
}

static void
context_run_engine (Context *ctx)
{
  InvolveAssessInput input;
  g_autoptr(GError) error = NULL;
  const char *field_id = NULL;

  if (!_involve_assess_input_from_record (ctx->record, ctx->defs, &input, &field_id, &error))
    {
      ctx->engine_field = g_strdup (field_id);
      ctx->engine_message = g_strdup (error->message);
      return;
    }

  if (!involve_assess_input_check (&input, &field_id, &error))
    {
      ctx->engine_field = g_strdup (field_id != NULL ? field_id : "step1-commissioning");
      ctx->engine_message = g_strdup (error->message);
      return;
    }

  ctx->assessment = involve_assess (&input, &error);
  if (ctx->assessment == NULL)
    {
      ctx->engine_field = g_strdup ("step1-commissioning");
      ctx->engine_message = g_strdup (error->message);
    }
}

static void
context_clear (Context *ctx)
{
  g_clear_pointer (&ctx->ordered, g_ptr_array_unref);
  g_clear_pointer (&ctx->places, g_hash_table_unref);
  g_clear_pointer (&ctx->assessment, involve_assessment_unref);
  g_clear_pointer (&ctx->engine_field, g_free);
  g_clear_pointer (&ctx->engine_message, g_free);
}

/* ------------------------------------------------------------------ */
/* Conditions                                                           */

static gboolean place_shown (Context          *ctx,
                             const FieldPlace *place,
                             guint             depth);

/* A field's value as far as conditions are concerned: nothing if the field
 * is not asked. */
static GVariant *
visible_value (Context    *ctx,
               const char *field_id,
               guint       depth)
{
  const FieldPlace *place = g_hash_table_lookup (ctx->places, field_id);

  if (place != NULL && !place_shown (ctx, place, depth + 1))
    return NULL;
  return involve_record_get_value (ctx->record, field_id);
}

static gboolean
condition_holds (Context                *ctx,
                 const InvolveCondition *condition,
                 gboolean                if_none,
                 guint                   depth)
{
  GVariant *value;

  if (depth > MAX_CONDITION_DEPTH)
    return FALSE;

  switch (condition->kind)
    {
    case INVOLVE_CONDITION_NONE:
      return if_none;

    case INVOLVE_CONDITION_FIELD_EQUALS:
      if (condition->field_id == NULL || condition->value == NULL)
        return FALSE;
      value = visible_value (ctx, condition->field_id, depth);
      if (value == NULL)
        return FALSE;
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
        return g_str_equal (condition->value, g_variant_get_boolean (value) ? "yes" : "no");
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        return g_str_equal (condition->value, g_variant_get_string (value, NULL));
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
        {
          g_autofree const char **ids = g_variant_get_strv (value, NULL);

          return g_strv_contains ((const char * const *) ids, condition->value);
        }
      return FALSE;

    case INVOLVE_CONDITION_OUTCOME:
      return ctx->assessment != NULL &&
             g_strcmp0 (condition->value, involve_assessment_get_outcome_string (ctx->assessment)) == 0;

    case INVOLVE_CONDITION_DEPARTS_FROM_OUTCOME:
      if (ctx->assessment == NULL)
        return FALSE;
      value = visible_value (ctx, condition->field_id != NULL ? condition->field_id : "duty-applies-opinion", depth);
      if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
        return FALSE;
      return g_variant_get_boolean (value) != (ctx->assessment->outcome == INVOLVE_OUTCOME_APPLIES);

    default:
      return FALSE;
    }
}

static gboolean
place_shown (Context          *ctx,
             const FieldPlace *place,
             guint             depth)
{
  return condition_holds (ctx, &place->section->shown_when, TRUE, depth) &&
         condition_holds (ctx, &place->field->shown_when, TRUE, depth);
}

/* ------------------------------------------------------------------ */
/* Messages                                                             */

static const char *
option_label (const InvolveField *field,
              const char         *option_id)
{
  if (field->options == NULL)
    return NULL;

  for (guint i = 0; i < field->options->len; i++)
    {
      const InvolveOption *option = g_ptr_array_index (field->options, i);

      if (g_strcmp0 (option->id, option_id) == 0)
        return option->label;
    }
  return NULL;
}

/* "Assessment and planning form, Step 3: Existing arrangements and insight — " + text */
static char *
place_message (const FieldPlace *place,
               const char       *text)
{
  /* TRANSLATORS: form title, section title, what is wrong. */
  return g_strdup_printf (_("%s, %s — %s"),
                          involve_form_get_title (place->form),
                          place->section->title, text);
}

/* The first of the field's <required-when>s that holds, or NULL. */
static const InvolveCondition *
required_condition (Context            *ctx,
                    const InvolveField *field)
{
  if (condition_holds (ctx, &field->required_when, FALSE, 0))
    return &field->required_when;
  for (guint i = 0; field->required_when_also != NULL && i < field->required_when_also->len; i++)
    if (condition_holds (ctx, g_ptr_array_index (field->required_when_also, i), FALSE, 0))
      return g_ptr_array_index (field->required_when_also, i);
  return NULL;
}

static char *
required_text (Context            *ctx,
               const InvolveField *field)
{
  const InvolveCondition *when = required_condition (ctx, field);

  if (when == NULL)
    when = &field->required_when;

  if (field->required || when->kind == INVOLVE_CONDITION_NONE)
    return g_strdup_printf (_("“%s” is required."), field->label);

  switch (when->kind)
    {
    case INVOLVE_CONDITION_FIELD_EQUALS:
      {
        const FieldPlace *other = g_hash_table_lookup (ctx->places, when->field_id);
        const char *other_label = other != NULL ? other->field->label : when->field_id;
        const char *value_label = NULL;

        if (other != NULL && other->field->type == INVOLVE_FIELD_YES_NO)
          value_label = g_strcmp0 (when->value, "yes") == 0 ? _("Yes") : _("No");
        else if (other != NULL)
          value_label = option_label (other->field, when->value);

        return g_strdup_printf (_("“%s” is required when the answer to “%s” is “%s”."),
                                field->label, other_label,
                                value_label != NULL ? value_label : when->value);
      }

    case INVOLVE_CONDITION_OUTCOME:
      if (g_strcmp0 (when->value, "does-not-apply") == 0)
        return g_strdup_printf (_("“%s” is required because the three-step test finds that the duty to involve does not apply."),
                                field->label);
      return g_strdup_printf (_("“%s” is required because the three-step test finds that the duty to involve applies."),
                              field->label);

    case INVOLVE_CONDITION_DEPARTS_FROM_OUTCOME:
      if (ctx->assessment != NULL && ctx->assessment->outcome == INVOLVE_OUTCOME_APPLIES)
        return g_strdup_printf (_("“%s” is required because your conclusion departs from the three-step test, which finds that the duty to involve applies."),
                                field->label);
      return g_strdup_printf (_("“%s” is required because your conclusion departs from the three-step test, which finds that the duty to involve does not apply."),
                              field->label);

    case INVOLVE_CONDITION_NONE:
    default:
      return g_strdup_printf (_("“%s” is required."), field->label);
    }
}

/* ------------------------------------------------------------------ */
/* Value checks                                                         */

static gboolean
field_has_option (const InvolveField *field,
                  const char         *option_id)
{
  /* A field whose options are not known cannot be checked. */
  if (field->options == NULL || field->options->len == 0)
    return TRUE;
  return option_label (field, option_id) != NULL;
}

/* NULL when the value fits the field. */
static char *
value_problem (const InvolveField *field,
               GVariant           *value)
{
  const GVariantType *expected = involve_field_type_get_variant_type (field->type);

  if (expected != NULL && !g_variant_is_of_type (value, expected))
    return g_strdup_printf (_("“%s” holds a value of the wrong kind for this question."),
                            field->label);

  switch (field->type)
    {
    case INVOLVE_FIELD_DATE:
      {
        const char *text = g_variant_get_string (value, NULL);

        if (*text != '\0' && !_involve_is_iso_date (text))
          return g_strdup_printf (_("“%s” must be a real date written as year-month-day (YYYY-MM-DD), not “%s”."),
                                  field->label, text);
      }
      break;

    case INVOLVE_FIELD_CHOICE:
      {
        const char *id = g_variant_get_string (value, NULL);

        if (*id != '\0' && !field_has_option (field, id))
          return g_strdup_printf (_("“%s” holds “%s”, which is not one of its options."),
                                  field->label, id);
      }
      break;

    case INVOLVE_FIELD_MULTI_CHOICE:
      {
        g_autofree const char **ids = g_variant_get_strv (value, NULL);

        for (guint i = 0; ids[i] != NULL; i++)
          {
            if (!field_has_option (field, ids[i]))
              return g_strdup_printf (_("“%s” holds “%s”, which is not one of its options."),
                                      field->label, ids[i]);
          }
      }
      break;

    case INVOLVE_FIELD_TABLE:
      if (field->columns != NULL && field->columns->len > 0)
        {
          gsize n_rows = g_variant_n_children (value);

          for (gsize i = 0; i < n_rows; i++)
            {
              g_autoptr(GVariant) row = g_variant_get_child_value (value, i);

              if (g_variant_n_children (row) != field->columns->len)
                {
                  guint n_cells = (guint) g_variant_n_children (row);

                  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                       "“%s”: row %u has %u cell, but the table has %u columns.",
                                                       "“%s”: row %u has %u cells, but the table has %u columns.",
                                                       n_cells),
                                          field->label, (guint) i + 1, n_cells,
                                          field->columns->len);
                }
            }
        }
      break;

    case INVOLVE_FIELD_TEXT:
    case INVOLVE_FIELD_LONG_TEXT:
    case INVOLVE_FIELD_YES_NO:
    default:
      break;
    }

  return NULL;
}

/* The organisation type answered must be the one the framework is for. */
static char *
organisation_problem (Context            *ctx,
                      const InvolveField *field,
                      GVariant           *value)
{
  const char *framework_id = involve_record_get_framework_id (ctx->record);
  const InvolveFramework *framework;
  const char *type;

  if (framework_id == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return NULL;
  framework = involve_definitions_lookup_framework (ctx->defs, framework_id);
  type = g_variant_get_string (value, NULL);
  if (framework == NULL || *type == '\0' || g_str_equal (type, "provider") ||
      g_strcmp0 (type, framework->organisation_type) == 0)
    return NULL;

  return g_strdup_printf (_("“%s” is “%s”, but the record is assessed under section %s, the duty of an organisation of type “%s”."),
                          field->label,
                          option_label (field, type) != NULL ? option_label (field, type) : type,
                          framework->section, framework->organisation_label);
}

/*
 * Under any co-commissioning model the guidance wants it formally
 * documented who holds day-to-day responsibility for involvement.  The
 * definitions' conditions cannot say "any option but none", so the rule
 * lives here.
 */
static char *
co_commissioning_problem (Context            *ctx,
                          const InvolveField *field)
{
  const char *model = involve_record_get_string (ctx->record, "co-commissioning-model");

  if (model == NULL || *model == '\0' || g_str_equal (model, "none"))
    return NULL;

  return g_strdup_printf (_("“%s” is required when the activity is commissioned with another body: the guidance asks for it to be formally documented."),
                          field->label);
}

/* ------------------------------------------------------------------ */
/* Validation                                                           */

static void
add_problem (GPtrArray        *problems,
             const FieldPlace *place,
             char             *text)
{
  g_autofree char *message = place_message (place, text);

  g_free (text);
  g_ptr_array_add (problems,
                   involve_problem_new (involve_form_get_id (place->form), place->section->id,
                                        place->field->id, message));
}

static void
check_place (Context          *ctx,
             const FieldPlace *place,
             GPtrArray        *problems)
{
  const InvolveField *field = place->field;
  GVariant *value;
  char *text = NULL;

  if (!place_shown (ctx, place, 0))
    return;

  value = involve_record_get_value (ctx->record, field->id);

  if (involve_value_is_empty (value))
    {
      if (field->required || required_condition (ctx, field) != NULL)
        text = required_text (ctx, field);
      else if (g_str_equal (field->id, "day-to-day-responsibility"))
        text = co_commissioning_problem (ctx, field);
    }
  else
    {
      text = value_problem (field, value);
      if (text == NULL && g_str_equal (field->id, "organisation-type"))
        text = organisation_problem (ctx, field, value);
    }

  if (text == NULL && g_strcmp0 (ctx->engine_field, field->id) == 0)
    text = g_strdup (ctx->engine_message);

  if (text != NULL)
    add_problem (problems, place, text);
}

GPtrArray *
involve_validate_record (InvolveDefinitions *defs,
                         InvolveRecord      *record)
{
  g_autoptr(GPtrArray) problems = NULL;
  Context ctx = { 0 };

  g_return_val_if_fail (INVOLVE_IS_DEFINITIONS (defs), NULL);
  g_return_val_if_fail (INVOLVE_IS_RECORD (record), NULL);

  problems = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_problem_free);

  context_init (&ctx, defs, record);
  context_run_engine (&ctx);

  /* Each field once, where it is defined. */
  for (guint i = 0; i < ctx.ordered->len; i++)
    check_place (&ctx, g_ptr_array_index (ctx.ordered, i), problems);

  /* The engine complained about something no field check placed. */
  if (ctx.engine_message != NULL &&
      (ctx.engine_field == NULL || involve_problems_find_field (problems, ctx.engine_field) == NULL))
    {
      const FieldPlace *place = ctx.engine_field != NULL ? g_hash_table_lookup (ctx.places, ctx.engine_field) : NULL;

      if (place != NULL)
        add_problem (problems, place, g_strdup (ctx.engine_message));
      else
        g_ptr_array_add (problems,
                         involve_problem_new (INVOLVE_FORM_THREE_STEP_TEST, NULL, ctx.engine_field,
                                              ctx.engine_message));
    }

  context_clear (&ctx);

  return g_steal_pointer (&problems);
}

gboolean
involve_validate_field_shown (InvolveDefinitions *defs,
                              InvolveRecord      *record,
                              const char         *field_id)
{
  Context ctx = { 0 };
  const FieldPlace *place;
  gboolean shown = FALSE;

  g_return_val_if_fail (INVOLVE_IS_DEFINITIONS (defs), FALSE);
  g_return_val_if_fail (INVOLVE_IS_RECORD (record), FALSE);
  g_return_val_if_fail (field_id != NULL, FALSE);

  context_init (&ctx, defs, record);
  place = g_hash_table_lookup (ctx.places, field_id);
  if (place != NULL)
    {
      context_run_engine (&ctx);
      shown = place_shown (&ctx, place, 0);
    }
  context_clear (&ctx);

  return shown;
}
