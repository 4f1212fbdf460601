/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-act"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "involve-act.h"

InvolveAct *
involve_act_new (const char *act)
{
  InvolveAct *self = g_new0 (InvolveAct, 1);

  self->act = g_strdup (act);
  return self;
}

void
involve_act_free (InvolveAct *act)
{
  if (act == NULL)
    return;
  g_free (act->act);
  g_free (act->register_id);
  g_free (act->record_uuid);
  g_free (act->reference);
  g_free (act->fingerprint);
  g_free (act->decision);
  g_free (act->comments);
  g_free (act->reviewer_name);
  g_free (act->reviewer_job_title);
  g_free (act->reviewer_email);
  g_free (act->reviewer_team);
  g_free (act->review_date);
  g_free (act->subject);
  g_free (act->roles);
  g_free (act->request);
  g_free (act->head_hash);
  g_free (act->signer);
  g_free (act->content);
  g_free (act);
}

InvolveAct *
involve_act_copy (const InvolveAct *act)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (act != NULL, NULL);
  bytes = involve_act_serialise (act);
  return involve_act_parse (bytes, NULL);
}

/* The items in their order; text items point into the struct. */
typedef enum { ITEM_TEXT, ITEM_UINT, ITEM_INT64 } ItemType;

typedef struct
{
  const char *name;
  ItemType    type;
  gsize       offset;
} Item;

#define TEXT(name, field) { name, ITEM_TEXT, G_STRUCT_OFFSET (InvolveAct, field) }
static const Item items[] = {
  TEXT ("act", act),
  TEXT ("register", register_id),
  TEXT ("record", record_uuid),
  TEXT ("reference", reference),
  { "version", ITEM_UINT, G_STRUCT_OFFSET (InvolveAct, version) },
  TEXT ("fingerprint", fingerprint),
  TEXT ("decision", decision),
  TEXT ("comments", comments),
  TEXT ("reviewer-name", reviewer_name),
  TEXT ("reviewer-job-title", reviewer_job_title),
  TEXT ("reviewer-email", reviewer_email),
  TEXT ("reviewer-team", reviewer_team),
  TEXT ("review-date", review_date),
  TEXT ("subject", subject),
  TEXT ("roles", roles),
  TEXT ("request", request),
  { "time", ITEM_INT64, G_STRUCT_OFFSET (InvolveAct, time_usec) },
  { "head-count", ITEM_INT64, G_STRUCT_OFFSET (InvolveAct, head_count) },
  TEXT ("head-hash", head_hash),
  TEXT ("signer", signer),
};
#undef TEXT

static void
append_item (GString    *out,
             const char *name,
             const char *value)
{
  g_string_append_printf (out, "%s=%" G_GSIZE_FORMAT ":%s\n", name, strlen (value), value);
}

GBytes *
involve_act_serialise (const InvolveAct *act)
{
  GString *out;

  g_return_val_if_fail (act != NULL, NULL);

  out = g_string_new (NULL);
  append_item (out, "format", INVOLVE_ACT_FORMAT);
  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      const guint8 *base = (const guint8 *) act + items[i].offset;
      char number[32];

      switch (items[i].type)
        {
        case ITEM_TEXT:
          {
            const char *text = *(char * const *) base;

            /* Invalid UTF-8 cannot be signed faithfully: made valid. */
            if (text != NULL && !g_utf8_validate (text, -1, NULL))
              {
                g_autofree char *valid = g_utf8_make_valid (text, -1);

                append_item (out, items[i].name, valid);
              }
            else
              append_item (out, items[i].name, text != NULL ? text : "");
          }
          break;
        case ITEM_UINT:
          g_snprintf (number, sizeof number, "%u", *(const guint *) base);
          append_item (out, items[i].name, number);
          break;
        case ITEM_INT64:
          g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, *(const gint64 *) base);
          append_item (out, items[i].name, number);
          break;
        }
    }
  /* Optional, so that acts without it keep their exact bytes. */
  if (act->content != NULL && *act->content != '\0')
    append_item (out, "content", act->content);
  return g_string_free_to_bytes (out);
}

static gboolean
invalid (GError    **error,
         const char *detail)
{
  g_set_error (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_INVALID,
               _("The signed data is not an Involve act (%s)."), detail);
  return FALSE;
}

/* Reads NAME=LEN:VALUE\n at *pos; the value is returned owned. */
static gboolean
read_item (const char  *data,
           gsize        size,
           gsize       *pos,
           const char  *name,
           char       **value,
           GError     **error)
{
  gsize name_len = strlen (name);
  guint64 length;
  const char *p = data + *pos;
  const char *end = data + size;
  char *stop = NULL;

  if ((gsize) (end - p) < name_len + 3 || memcmp (p, name, name_len) != 0 || p[name_len] != '=')
    return invalid (error, name);
  p += name_len + 1;
  if (!g_ascii_isdigit (*p) || (*p == '0' && p + 1 < end && g_ascii_isdigit (p[1])))
    return invalid (error, name);
  length = g_ascii_strtoull (p, &stop, 10);
  if (stop == NULL || stop >= end || *stop != ':' || length > (guint64) (end - stop - 2))
    return invalid (error, name);
  p = stop + 1;
  if (p[length] != '\n' || memchr (p, '\0', length) != NULL)
    return invalid (error, name);
  *value = g_strndup (p, length);
  if (!g_utf8_validate (*value, -1, NULL))
    {
      g_clear_pointer (value, g_free);
      return invalid (error, name);
    }
  *pos = (gsize) (p + length + 1 - data);
  return TRUE;
}

static gboolean
parse_number (const char *text,
              gint64      min,
              gint64      max,
              gint64     *out)
{
  return g_ascii_string_to_signed (text, 10, min, max, out, NULL);
}

InvolveAct *
involve_act_parse (GBytes  *data,
                   GError **error)
{
  g_autoptr(InvolveAct) act = g_new0 (InvolveAct, 1);
  g_autofree char *format = NULL;
  g_autoptr(GBytes) again = NULL;
  const char *bytes;
  gsize size = 0, pos = 0;

  g_return_val_if_fail (data != NULL, NULL);

  bytes = g_bytes_get_data (data, &size);
  if (bytes == NULL || !read_item (bytes, size, &pos, "format", &format, error))
    return NULL;
  if (!g_str_equal (format, INVOLVE_ACT_FORMAT))
    {
      invalid (error, format);
      return NULL;
    }
  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      guint8 *base = (guint8 *) act + items[i].offset;
      g_autofree char *value = NULL;
      gint64 number;

      if (!read_item (bytes, size, &pos, items[i].name, &value, error))
        return NULL;
      switch (items[i].type)
        {
        case ITEM_TEXT:
          *(char **) base = *value != '\0' ? g_steal_pointer (&value) : NULL;
          break;
        case ITEM_UINT:
          if (!parse_number (value, 0, G_MAXUINT, &number))
            {
              invalid (error, items[i].name);
              return NULL;
            }
          *(guint *) base = (guint) number;
          break;
        case ITEM_INT64:
          if (!parse_number (value, G_MININT64, G_MAXINT64, &number))
            {
              invalid (error, items[i].name);
              return NULL;
            }
          *(gint64 *) base = number;
          break;
        }
    }
  if (pos != size && !read_item (bytes, size, &pos, "content", &act->content, error))
    return NULL;
  if (pos != size || act->act == NULL || act->signer == NULL)
    {
      invalid (error, pos != size ? "trailing data" : "act or signer missing");
      return NULL;
    }
  /* Only one encoding of each act: "01" or "+1" would make two. */
  again = involve_act_serialise (act);
  if (!g_bytes_equal (again, data))
    {
      invalid (error, "not canonical");
      return NULL;
    }
  return g_steal_pointer (&act);
}

InvolveAct *
involve_act_verify (GBytes              *data,
                    GBytes              *signature,
                    InvolveCertificate  *certificate,
                    GError             **error)
{
  g_autoptr(InvolveAct) act = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (certificate), NULL);

  act = involve_act_parse (data, error);
  if (act == NULL)
    return NULL;
  if (g_ascii_strcasecmp (act->signer, involve_certificate_get_fingerprint (certificate)) != 0)
    {
      g_set_error_literal (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_SIGNATURE,
                           _("The act names another signer than the certificate that came with it."));
      return NULL;
    }
  if (signature == NULL || g_bytes_get_size (signature) == 0)
    {
      g_set_error_literal (error, INVOLVE_IDENTITY_ERROR, INVOLVE_IDENTITY_ERROR_BAD_SIGNATURE,
                           _("The act is not signed."));
      return NULL;
    }
  if (!involve_certificate_verify (certificate, data, signature, act->time_usec, error))
    return NULL;
  return g_steal_pointer (&act);
}

char *
involve_act_dup_signature_digest (GBytes *signature)
{
  g_return_val_if_fail (signature != NULL, NULL);
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, signature);
}

InvolveAct *
involve_act_new_response (const InvolveAct     *request,
                          GBytes               *request_signature,
                          const InvolveSignOff *decision,
                          InvolveCertificate   *reviewer,
                          gint64                time_usec)
{
  gboolean signing;
  InvolveAct *act;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (request_signature != NULL, NULL);
  g_return_val_if_fail (decision != NULL, NULL);
  g_return_val_if_fail (INVOLVE_IS_CERTIFICATE (reviewer), NULL);

  signing = g_strcmp0 (decision->decision, "signed-off") == 0;
  act = involve_act_new (signing ? INVOLVE_ACT_SIGN_OFF : INVOLVE_ACT_RETURN);
  act->register_id = g_strdup (request->register_id);
  act->record_uuid = g_strdup (request->record_uuid);
  act->reference = g_strdup (request->reference);
  act->version = request->version;
  act->fingerprint = g_strdup (request->fingerprint);
  act->decision = g_strdup (signing ? "signed-off" : "returned");
  act->comments = g_strdup (decision->comments);
  act->reviewer_name = g_strdup (involve_certificate_get_name (reviewer) != NULL
                                 ? involve_certificate_get_name (reviewer) : decision->reviewer_name);
  act->reviewer_job_title = g_strdup (decision->reviewer_job_title);
  act->reviewer_email = g_strdup (involve_certificate_get_email (reviewer) != NULL
                                  ? involve_certificate_get_email (reviewer) : decision->reviewer_email);
  act->reviewer_team = g_strdup (decision->reviewer_team);
  act->review_date = g_strdup (decision->date);
  act->request = involve_act_dup_signature_digest (request_signature);
  act->time_usec = time_usec;
  act->head_count = request->head_count;
  act->head_hash = g_strdup (request->head_hash);
  act->signer = g_strdup (involve_certificate_get_fingerprint (reviewer));
  return act;
}
