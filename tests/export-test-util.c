/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "core-test-util.h"
#include "involve-fingerprint.h"
#include "export-test-util.h"

InvolveDefinitions *
export_test_definitions (void)
{
  return core_test_default_definitions ();
}

char *
export_test_marker (const char *field_id)
{
  return g_strdup_printf ("Q%s", field_id);
}

static GVariant *
make_value (InvolveDefinitions *definitions,
            const InvolveField *field,
            guint               extra_words,
            guint               risk_rows)
{
  g_autofree char *marker = export_test_marker (field->id);

  if (g_str_equal (field->id, "completer-name"))
    return g_variant_new_string (EXPORT_TEST_COMPLETER_NAME);
  if (g_str_equal (field->id, "completer-email"))
    return g_variant_new_string (EXPORT_TEST_COMPLETER_EMAIL);
  if (g_str_equal (field->id, "c-project-lead"))
    return g_variant_new_string (EXPORT_TEST_LEAD_NAME);
  if (g_str_equal (field->id, "organisation-name"))
    return g_variant_new_string ("Example Integrated Care Board");
  if (g_str_equal (field->id, "special-administrator"))
    return g_variant_new_boolean (FALSE);
  if (g_str_equal (field->id, "title"))
    return g_variant_new_string ("Qtitle Relocating the community podiatry clinic");
  /* An integrated care board's record made today: the 2022 form, all of it. */
  if (g_str_equal (field->id, INVOLVE_FIELD_FORM_EDITION))
    return g_variant_new_string ("2022");

  switch (field->type)
    {
    case INVOLVE_FIELD_TEXT:
      if (field->personal)
        return g_variant_new_string ("Jordan Personal-Detail");
      return g_variant_new_printf ("%s short answer", marker);

    case INVOLVE_FIELD_LONG_TEXT:
      {
        GString *text = g_string_new (NULL);

        g_string_append_printf (text, "%s The answer in the officer’s own words, "
                                "with Welsh (Ymgysylltu â’r cyhoedd), Polish (Zaangażowanie "
                                "społeczności), Urdu (عوامی شمولیت) and Chinese (公众参与) text.",
                                marker);
        if (extra_words > 0)
          {
            g_autofree char *words = export_test_words ("w", extra_words);
            g_string_append_printf (text, " %s", words);
          }
        if (field->personal)
          g_string_append (text, " Contact: " EXPORT_TEST_COMPLETER_NAME);
        return g_variant_new_take_string (g_string_free (text, FALSE));
      }

    case INVOLVE_FIELD_DATE:
      return g_variant_new_string ("2026-11-02");

    case INVOLVE_FIELD_YES_NO:
      return g_variant_new_boolean (TRUE);

    case INVOLVE_FIELD_CHOICE:
      if (field->options != NULL && field->options->len > 0)
        return g_variant_new_string (((InvolveOption *) g_ptr_array_index (field->options, 0))->id);
      return g_variant_new_string (marker);

    case INVOLVE_FIELD_MULTI_CHOICE:
      {
        GVariantBuilder builder;

        g_variant_builder_init (&builder, G_VARIANT_TYPE_STRING_ARRAY);
        if (field->options != NULL)
          for (guint i = 0; i < field->options->len; i++)
            g_variant_builder_add (&builder, "s",
                                   ((InvolveOption *) g_ptr_array_index (field->options, i))->id);
        else if (field->options_list != NULL)
          {
            const InvolveReferenceList *list =
              involve_definitions_lookup_reference_list (definitions, field->options_list);
            for (guint i = 0; list != NULL && i < list->items->len && i < 3; i++)
              g_variant_builder_add (&builder, "s",
                                     ((InvolveReferenceItem *) g_ptr_array_index (list->items, i))->id);
          }
        return g_variant_builder_end (&builder);
      }

    case INVOLVE_FIELD_TABLE:
      {
        GVariantBuilder builder;
        guint n_columns = field->columns != NULL ? MAX (field->columns->len, 1) : 2;

        g_variant_builder_init (&builder, G_VARIANT_TYPE ("aas"));
        for (guint r = 0; r < risk_rows; r++)
          {
            g_variant_builder_open (&builder, G_VARIANT_TYPE_STRING_ARRAY);
            for (guint c = 0; c < n_columns; c++)
              {
                if (r == 0 && c == 0)
                  g_variant_builder_add (&builder, "s", marker);
                else
                  g_variant_builder_add_value (&builder,
                                               g_variant_new_printf ("R%03uC%u %s", r + 1, c + 1,
                                                                     c == 0 ? "Some patients may not hear about the change in time"
                                                                            : "Letters to every registered patient and notices in the clinic"));
              }
            g_variant_builder_close (&builder);
          }
        return g_variant_builder_end (&builder);
      }

    default:
      g_assert_not_reached ();
    }
}

InvolveRecord *
export_test_make_record (InvolveDefinitions *definitions,
                         const char         *reference,
                         guint               extra_words,
                         guint               risk_rows)
{
  InvolveRecord *record = involve_record_new ("icb-14z45");
  GPtrArray *forms = involve_definitions_get_forms (definitions);
  gint64 when = 1763800000000000; /* fixed times: reproducible output */

  involve_record_set_uuid (record, "2f1c7a52-3b7e-4c55-9d7a-0d4c8f6e9a11");
  involve_record_set_reference (record, reference);
  involve_record_set_version (record, 1);
  involve_record_set_created_usec (record, when);
  involve_record_set_status (record, INVOLVE_STATUS_AWAITING_SIGN_OFF);

  for (guint i = 0; i < forms->len; i++)
    {
      GPtrArray *sections = involve_form_get_sections (g_ptr_array_index (forms, i));

      for (guint j = 0; j < sections->len; j++)
        {
          const InvolveSection *section = g_ptr_array_index (sections, j);

          for (guint k = 0; k < section->fields->len; k++)
            {
              const InvolveField *field = g_ptr_array_index (section->fields, k);

              if (involve_record_has_value (record, field->id))
                continue;
              involve_record_set_value_full (record, field->id,
                                             make_value (definitions, field, extra_words, risk_rows),
                                             when + (gint64) (i * 1000 + j * 100 + k) * G_USEC_PER_SEC);
            }
        }
    }

  return record;
}

void
export_test_sign (InvolveRecord *record)
{
  g_autoptr(InvolveSignOff) sign_off = involve_sign_off_new ();

  sign_off->reviewer_name = g_strdup (EXPORT_TEST_REVIEWER_NAME);
  sign_off->reviewer_job_title = g_strdup ("Director of Participation");
  sign_off->reviewer_email = g_strdup (EXPORT_TEST_REVIEWER_EMAIL);
  sign_off->reviewer_team = g_strdup ("Governance");
  sign_off->date = g_strdup ("2026-11-20");
  sign_off->decision = g_strdup ("signed-off");
  sign_off->comments = g_strdup ("Proportionate and well evidenced.");
  sign_off->fingerprint = involve_fingerprint_compute (record);
  sign_off->decided_at_usec = 1763900000000000;
  involve_record_set_sign_off (record, sign_off);
  involve_record_set_status (record, INVOLVE_STATUS_SIGNED_OFF);
}

char *
export_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("involve-export-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

gboolean
export_test_have_program (const char *program)
{
  g_autofree char *path = g_find_program_in_path (program);
  return path != NULL;
}

char *
export_test_run (const char * const *argv,
                 int                *exit_status)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, &error))
    {
      g_test_message ("cannot run %s: %s", argv[0], error->message);
      return NULL;
    }
  if (exit_status != NULL)
    *exit_status = g_spawn_check_wait_status (status, NULL) ? 0 : 1;
  return out;
}

char *
export_test_words (const char *prefix,
                   guint       n_words)
{
  GString *text = g_string_new (NULL);

  for (guint i = 1; i <= n_words; i++)
    {
      if (i > 1)
        g_string_append (text, i % 400 == 1 ? "\n\n" : " ");
      g_string_append_printf (text, "%s%05u", prefix, i);
    }
  return g_string_free (text, FALSE);
}

char *
export_test_pdftotext (const char *path,
                       guint       first,
                       guint       last)
{
  g_autofree char *first_text = g_strdup_printf ("%u", first);
  g_autofree char *last_text = g_strdup_printf ("%u", last);
  const char *all[] = { "pdftotext", "-layout", "-enc", "UTF-8", path, "-", NULL };
  const char *range[] = { "pdftotext", "-layout", "-enc", "UTF-8", "-f", first_text, "-l",
                          last_text, path, "-", NULL };
  int status = 1;
  char *out = export_test_run (first > 0 ? range : all, &status);

  if (status != 0)
    g_clear_pointer (&out, g_free);
  return out;
}

char *
export_test_squash (const char *text)
{
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        space = TRUE;
      else
        {
          if (space && out->len > 0)
            g_string_append_c (out, ' ');
          space = FALSE;
          g_string_append_c (out, *p);
        }
    }
  return g_string_free (out, FALSE);
}
