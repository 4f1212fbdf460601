/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-fingerprint"

#include "config.h"

#include <string.h>

#include "involve-fingerprint.h"

/*
 * Canonical serialisation of a record version, format "involve-fingerprint-1"
 * (also in docs/fingerprint.md, which is the reference for anybody who wants
 * to check a fingerprint without Involve).
 *
 * The serialisation is a sequence of bytes made of items.  An item is
 *
 *     NAME "=" LENGTH ":" CONTENT "\n"
 *
 * where NAME is ASCII, LENGTH is the byte length of CONTENT in decimal ASCII
 * without leading zeros, and CONTENT is raw bytes.  The items come in this
 * order:
 *
 *     format=21:involve-fingerprint-1
 *     uuid=…         the record's uuid, lower case
 *     reference=…    e.g. INV-2026-0042
 *     version=…      the version number in decimal, e.g. "1"
 *     framework=…    e.g. icb-14z45
 *     then, for every field that has a non-empty value (see
 *     involve_value_is_empty (): blank strings, empty lists and tables of
 *     blank cells count as no value), in bytewise order of the field id:
 *     field=…        the field id
 *     value=…        the value's canonical encoding
 *
 * All text is UTF-8 normalised to NFC.  The canonical encoding of a value:
 *
 *     string ("s")          "s" LENGTH ":" NFC-BYTES
 *     boolean ("b")         "b1" for yes, "b0" for no
 *     array ("as", "aas")   "a" COUNT ":" then each element's encoding
 *     integers              "i" DECIMAL   (not used by the forms today)
 *     anything else         "v" LENGTH ":" g_variant_print (value, TRUE)
 *
 * So a table with rows ("late","mitigate") and ("x","") encodes as
 * a2:a2:s4:lates8:mitigatea2:s1:xs0:
 *
 * Not covered: the status, status reason, sign-off block, and every time
 * stamp, so that signing off, exporting and importing do not change it.
 * The fingerprint is the SHA-256 of these bytes in lower-case hex.
 */

/* @text in NFC; "" for NULL, and invalid UTF-8 made valid first. */
static char *
dup_normalised (const char *text)
{
  char *normal = NULL;

  if (text == NULL)
    text = "";
  if (g_utf8_validate (text, -1, NULL))
    normal = g_utf8_normalize (text, -1, G_NORMALIZE_NFC);
  if (normal == NULL)
    normal = g_utf8_make_valid (text, -1);
  return normal;
}

static void
append_text (GString    *out,
             const char *text)
{
  g_autofree char *normal = dup_normalised (text);

  g_string_append_printf (out, "%" G_GSIZE_FORMAT ":", strlen (normal));
  g_string_append (out, normal);
}

void
involve_fingerprint_append_value (GString  *out,
                                  GVariant *value)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (value != NULL);

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING) ||
      g_variant_is_of_type (value, G_VARIANT_TYPE_OBJECT_PATH) ||
      g_variant_is_of_type (value, G_VARIANT_TYPE_SIGNATURE))
    {
      g_string_append_c (out, 's');
      append_text (out, g_variant_get_string (value, NULL));
    }
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    {
      g_string_append (out, g_variant_get_boolean (value) ? "b1" : "b0");
    }
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_ARRAY))
    {
      gsize n = g_variant_n_children (value);

      g_string_append_printf (out, "a%" G_GSIZE_FORMAT ":", n);
      for (gsize i = 0; i < n; i++)
        {
          g_autoptr(GVariant) child = g_variant_get_child_value (value, i);

          involve_fingerprint_append_value (out, child);
        }
    }
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
    {
      g_string_append_printf (out, "i%" G_GINT32_FORMAT, g_variant_get_int32 (value));
    }
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    {
      g_string_append_printf (out, "i%" G_GINT64_FORMAT, g_variant_get_int64 (value));
    }
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    {
      g_string_append_printf (out, "i%" G_GUINT32_FORMAT, g_variant_get_uint32 (value));
    }
  else
    {
      g_autofree char *printed = g_variant_print (value, TRUE);

      g_string_append_c (out, 'v');
      append_text (out, printed);
    }
}

static void
append_item (GString    *out,
             const char *name,
             const char *content,
             gssize      length)
{
  if (length < 0)
    length = strlen (content);
  g_string_append_printf (out, "%s=%" G_GSSIZE_FORMAT ":", name, length);
  g_string_append_len (out, content, length);
  g_string_append_c (out, '\n');
}

static void
append_text_item (GString    *out,
                  const char *name,
                  const char *text)
{
  g_autofree char *normal = dup_normalised (text);

  append_item (out, name, normal, -1);
}

static GString *
serialise_content (InvolveRecord *record,
                   const char    *format)
{
  g_auto(GStrv) field_ids = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *version = NULL;
  GString *out;

  out = g_string_new (NULL);
  uuid = g_ascii_strdown (involve_record_get_uuid (record) ? involve_record_get_uuid (record) : "", -1);
  version = g_strdup_printf ("%u", involve_record_get_version (record));

  append_item (out, "format", format, -1);
  append_text_item (out, "uuid", uuid);
  append_text_item (out, "reference", involve_record_get_reference (record));
  append_item (out, "version", version, -1);
  append_text_item (out, "framework", involve_record_get_framework_id (record));

  /* involve_record_dup_field_ids () sorts bytewise already. */
  field_ids = involve_record_dup_field_ids (record);
  for (guint i = 0; field_ids[i] != NULL; i++)
    {
      GVariant *value = involve_record_get_value (record, field_ids[i]);
      g_autoptr(GString) encoded = NULL;

      if (involve_value_is_empty (value))
        continue;

      encoded = g_string_new (NULL);
      involve_fingerprint_append_value (encoded, value);
      append_text_item (out, "field", field_ids[i]);
      append_item (out, "value", encoded->str, encoded->len);
    }
  return out;
}

GBytes *
involve_fingerprint_serialise (InvolveRecord *record)
{
  g_return_val_if_fail (INVOLVE_IS_RECORD (record), NULL);

  return g_string_free_to_bytes (serialise_content (record, INVOLVE_FINGERPRINT_FORMAT));
}

/*
 * Format "involve-fingerprint-2" seals a decided version: the items of
 * format 1 (with this format id), then the sign-off block in this order,
 * each as text (absent = empty):
 *
 *     reviewer-certificate=…  SHA-256 of the reviewer's certificate (hex)
 *     decision=…              "signed-off" or "returned"
 *     reviewer-name=… reviewer-job-title=… reviewer-email=… reviewer-team=…
 *     review-date=…           YYYY-MM-DD as typed
 *     comments=…
 *     decided=…               the decision's UTC time, microseconds, decimal
 */
GBytes *
involve_fingerprint_serialise_sealed (InvolveRecord        *record,
                                      const InvolveSignOff *sign_off,
                                      const char           *reviewer_certificate)
{
  g_autofree char *decided = NULL;
  g_autofree char *certificate = NULL;
  GString *out;

  g_return_val_if_fail (INVOLVE_IS_RECORD (record), NULL);
  g_return_val_if_fail (sign_off != NULL, NULL);

  out = serialise_content (record, INVOLVE_FINGERPRINT_FORMAT_SEALED);
  certificate = g_ascii_strdown (reviewer_certificate != NULL ? reviewer_certificate : "", -1);
  decided = g_strdup_printf ("%" G_GINT64_FORMAT, sign_off->decided_at_usec);
  append_item (out, "reviewer-certificate", certificate, -1);
  append_text_item (out, "decision", sign_off->decision);
  append_text_item (out, "reviewer-name", sign_off->reviewer_name);
  append_text_item (out, "reviewer-job-title", sign_off->reviewer_job_title);
  append_text_item (out, "reviewer-email", sign_off->reviewer_email);
  append_text_item (out, "reviewer-team", sign_off->reviewer_team);
  append_text_item (out, "review-date", sign_off->date);
  append_text_item (out, "comments", sign_off->comments);
  append_item (out, "decided", decided, -1);
  return g_string_free_to_bytes (out);
}

char *
involve_fingerprint_compute_sealed (InvolveRecord        *record,
                                    const InvolveSignOff *sign_off,
                                    const char           *reviewer_certificate)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (INVOLVE_IS_RECORD (record), NULL);
  g_return_val_if_fail (sign_off != NULL, NULL);

  bytes = involve_fingerprint_serialise_sealed (record, sign_off, reviewer_certificate);
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

char *
involve_fingerprint_compute (InvolveRecord *record)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (INVOLVE_IS_RECORD (record), NULL);

  bytes = involve_fingerprint_serialise (record);
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

char *
involve_fingerprint_format_short (const char *fingerprint)
{
  GString *out;

  if (fingerprint == NULL)
    return NULL;

  out = g_string_new (NULL);
  for (guint i = 0; i < 16 && fingerprint[i] != '\0'; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, g_ascii_tolower (fingerprint[i]));
    }
  return g_string_free (out, FALSE);
}

gboolean
involve_fingerprint_is_valid (const char *string)
{
  if (string == NULL)
    return FALSE;
  for (guint i = 0; i < INVOLVE_FINGERPRINT_LENGTH; i++)
    {
      if (!g_ascii_isxdigit (string[i]))
        return FALSE;
    }
  return string[INVOLVE_FINGERPRINT_LENGTH] == '\0';
}

gboolean
involve_fingerprint_equal (const char *a,
                           const char *b)
{
  if (a == NULL || b == NULL)
    return FALSE;
  return g_ascii_strcasecmp (a, b) == 0;
}
