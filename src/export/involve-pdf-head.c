/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-export"

#include "config.h"

#include <string.h>

#include "involve-pdf-head.h"

#define HEAD_KEY "/InvolveHead"

/* A PDF literal string: ( ) and \ escaped, nothing but printable ASCII. */
static gboolean
append_literal (GString    *out,
                const char *text)
{
  g_string_append_c (out, '(');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p < 0x20 || *p > 0x7e)
        return FALSE;
      if (*p == '(' || *p == ')' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, ')');
  return TRUE;
}

gboolean
_involve_pdf_add_register_head (InvolvePdfUpdate     *update,
                                const InvolvePdf     *pdf,
                                const InvolvePdfXref *xref,
                                const char           *head)
{
  g_autoptr(GString) literal = g_string_new (NULL);
  GString *out = _involve_pdf_update_get_buffer (update);
  InvolvePdfSpan info, old_head;

  if (xref->info == 0 || !_involve_pdf_object_dict (pdf, xref, xref->info, &info) ||
      _involve_pdf_dict_find (pdf, info.start, HEAD_KEY + 1, &old_head) ||
      !append_literal (literal, head))
    return FALSE;

  /* A new revision of the information dictionary, the head added. */
  _involve_pdf_update_begin_object (update, xref->info);
  g_string_append (out, "<<");
  _involve_pdf_update_copy_entries (update, info);
  g_string_append_printf (out, "   " HEAD_KEY " %s\n>>\n", literal->str);
  _involve_pdf_update_end_object (update);
  return TRUE;
}

char *
_involve_pdf_find_register_head (GBytes *data)
{
  gsize length = 0;
  const char *contents = g_bytes_get_data (data, &length);
  const char *end = contents + length;
  const char *p;
  GString *out;

  if (contents == NULL)
    return NULL;
  p = _involve_pdf_find_last (contents, end, HEAD_KEY);
  if (p == NULL)
    return NULL;
  p += strlen (HEAD_KEY);
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r'))
    p++;
  if (p >= end || *p != '(')
    return NULL;
  out = g_string_new (NULL);
  for (p++; p < end && *p != ')'; p++)
    {
      if (*p == '\\' && p + 1 < end)
        p++;
      if (out->len > 16384)
        break;
      g_string_append_c (out, *p);
    }
  if (p >= end || *p != ')')
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}
