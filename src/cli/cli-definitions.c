/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-cli"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "cli-commands.h"
#include "involve-definitions.h"

/*
 * involve-cli definitions check|fields [FORM]|frameworks|lists
 *
 * Loads the form definitions, frameworks and reference lists the app uses
 * (from $INVOLVE_DATA_DIR when set, otherwise the built-in ones) and checks
 * or lists them.  "check" is what an administrator runs after editing a
 * copy of data/: it prints the first problem with its file and line.
 * Listings are tab-separated, untranslated keys first, for scripts.
 */

static const char *
condition_to_string (const InvolveCondition *condition,
                     char                  **owned)
{
  switch (condition->kind)
    {
    case INVOLVE_CONDITION_FIELD_EQUALS:
      return *owned = g_strdup_printf ("%s=%s", condition->field_id, condition->value);
    case INVOLVE_CONDITION_OUTCOME:
      return *owned = g_strdup_printf ("outcome=%s", condition->value);
    case INVOLVE_CONDITION_DEPARTS_FROM_OUTCOME:
      return *owned = g_strdup_printf ("%s departs from outcome", condition->field_id);
    case INVOLVE_CONDITION_NONE:
    default:
      return "-";
    }
}

static void
print_fields (InvolveForm *form)
{
  GPtrArray *sections = involve_form_get_sections (form);

  for (guint i = 0; i < sections->len; i++)
    {
      const InvolveSection *section = g_ptr_array_index (sections, i);

      for (guint j = 0; j < section->fields->len; j++)
        {
          const InvolveField *field = g_ptr_array_index (section->fields, j);
          g_autofree char *required_owned = NULL;
          g_autofree char *shown_owned = NULL;
          const char *required;

          if (field->required)
            required = "required";
          else if (involve_condition_is_set (&field->required_when))
            {
              required = condition_to_string (&field->required_when, &required_owned);
              /* Alternatives, "A or B": required when any holds. */
              for (guint k = 0; field->required_when_also != NULL && k < field->required_when_also->len; k++)
                {
                  g_autofree char *also_owned = NULL;
                  const char *also = condition_to_string (g_ptr_array_index (field->required_when_also, k), &also_owned);
                  char *joined = g_strdup_printf ("%s or %s", required, also);

                  g_free (required_owned);
                  required = required_owned = joined;
                }
            }
          else
            required = "optional";

          printf ("%s\t%s\t%s\t%s\t%s\t%s%s%s\n",
                  involve_form_get_id (form), section->id, field->id,
                  involve_field_type_to_string (field->type),
                  required,
                  condition_to_string (&field->shown_when, &shown_owned),
                  field->personal ? "\tpersonal" : "",
                  g_strcmp0 (field->form_id, involve_form_get_id (form)) != 0 ? "\tshared" : "");
        }
    }
}

int
involve_cli_definitions (const char  *database_path,
                         int          argc,
                         char       **argv)
{
  g_autoptr(GError) error = NULL;
  const char *what = argc > 1 ? argv[1] : "check";
  InvolveDefinitions *definitions;
  GPtrArray *forms;
  GPtrArray *lists;
  int status;

  status = involve_cli_check_arguments ("definitions",
                                        _("Usage: involve-cli definitions [check|fields [FORM]|frameworks|lists]"),
                                        argc, argv, 2);
  if (status != INVOLVE_CLI_CONTINUE)
    return status;
  if (!g_str_equal (what, "check") && !g_str_equal (what, "fields") &&
      !g_str_equal (what, "frameworks") && !g_str_equal (what, "lists"))
    return involve_cli_usage_error ("definitions", _("Unknown action “%s”: use check, fields, frameworks or lists."),
                                    what);
  if (argc == 3 && !g_str_equal (what, "fields"))
    return involve_cli_usage_error ("definitions", _("Unexpected argument “%s”."), argv[2]);

  definitions = involve_definitions_get_default (&error);
  if (definitions == NULL)
    {
      fprintf (stderr, _("The form definitions cannot be used: %s\n"), error->message);
      return 1;
    }

  forms = involve_definitions_get_forms (definitions);

  if (g_str_equal (what, "check"))
    {
      const char *data_dir = g_getenv ("INVOLVE_DATA_DIR");
      guint n_fields = 0;

      /* The app takes the built-in definitions without the schemas; a
       * check checks those too. */
      if (data_dir == NULL || *data_dir == '\0')
        {
          g_autoptr(InvolveDefinitions) checked = involve_definitions_new_from_resources (&error);

          if (checked == NULL)
            {
              fprintf (stderr, _("The form definitions cannot be used: %s\n"), error->message);
              return 1;
            }
        }

      for (guint i = 0; i < forms->len; i++)
        {
          InvolveForm *form = g_ptr_array_index (forms, i);
          GPtrArray *sections = involve_form_get_sections (form);

          for (guint j = 0; j < sections->len; j++)
            {
              GPtrArray *fields = ((InvolveSection *) g_ptr_array_index (sections, j))->fields;

              for (guint k = 0; k < fields->len; k++)
                if (g_strcmp0 (((InvolveField *) g_ptr_array_index (fields, k))->form_id,
                               involve_form_get_id (form)) == 0)
                  n_fields++;
            }
        }

      printf ("definitions: ok\n");
      printf (_("%u forms with %u fields, %u frameworks, %u reference lists\n"),
              forms->len, n_fields,
              involve_definitions_get_frameworks (definitions)->len,
              involve_definitions_get_reference_lists (definitions)->len);
      return 0;
    }

  if (g_str_equal (what, "fields"))
    {
      if (argc == 3)
        {
          InvolveForm *form = involve_definitions_get_form (definitions, argv[2]);

          if (form == NULL)
            return involve_cli_usage_error ("definitions", _("There is no form “%s” (try three-step-test, appendix-b or appendix-c)."), argv[2]);
          print_fields (form);
          return 0;
        }

      for (guint i = 0; i < forms->len; i++)
        print_fields (g_ptr_array_index (forms, i));
      return 0;
    }

  if (g_str_equal (what, "frameworks"))
    {
      GPtrArray *frameworks = involve_definitions_get_frameworks (definitions);

      for (guint i = 0; i < frameworks->len; i++)
        {
          const InvolveFramework *framework = g_ptr_array_index (frameworks, i);

          printf ("%s\t%s\tsection %s\t%s to %s\tguidance %s",
                  framework->id, framework->organisation_type, framework->section,
                  framework->in_force_from,
                  framework->in_force_until != NULL ? framework->in_force_until : "now",
                  framework->guidance_edition);
          for (guint j = 0; j < framework->limbs->len; j++)
            printf ("\t%s", ((InvolveLimb *) g_ptr_array_index (framework->limbs, j))->citation);
          printf ("\n");
        }
      return 0;
    }

  /* "lists", the one word left. */
  lists = involve_definitions_get_reference_lists (definitions);
  for (guint i = 0; i < lists->len; i++)
    {
      const InvolveReferenceList *list = g_ptr_array_index (lists, i);

      printf ("%s\t%u\t%s\n", list->id, list->items->len, list->title);
    }
  return 0;
}
