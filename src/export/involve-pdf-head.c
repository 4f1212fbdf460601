/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-export"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "involve-export.h"
#include "involve-pdf-head.h"

#define HEAD_KEY "/InvolveHead"

static const char *
find_last (const char *start,
           const char *end,
           const char *needle)
{
  gsize n = strlen (needle);

  if ((gsize) (end - start) < n)
    return NULL;
  for (const char *p = end - n; p >= start; p--)
    {
      if (*p == needle[0] && memcmp (p, needle, n) == 0)
        return p;
    }
  return NULL;
}

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
_involve_pdf_add_register_head (const char  *path,
                                const char  *head,
                                GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *info_text = NULL;
  g_autofree char *info = NULL;
  g_autofree char *trailer = NULL;
  g_autoptr(GString) update = g_string_new (NULL);
  const char *end, *p, *q, *dict_start, *dict_end;
  guint64 previous_xref, info_number;
  gsize length, object_offset, xref_offset;
  FILE *file;

  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;
  end = contents + length;

  p = find_last (contents, end, "startxref");
  if (p == NULL)
    goto malformed;
  previous_xref = g_ascii_strtoull (p + strlen ("startxref"), NULL, 10);

  p = find_last (contents, end, "trailer");
  q = p != NULL ? find_last (p, end, ">>") : NULL;
  if (p == NULL || q == NULL || (p = strstr (p, "<<")) == NULL || p > q)
    goto malformed;
  trailer = g_strndup (p + 2, q - (p + 2));
  p = strstr (trailer, "/Info");
  if (p == NULL)
    goto malformed;
  info_number = g_ascii_strtoull (p + strlen ("/Info"), NULL, 10);
  if (info_number == 0)
    goto malformed;

  /* The information dictionary: "N 0 obj << ... >> endobj". */
  info_text = g_strdup_printf ("\n%" G_GUINT64_FORMAT " 0 obj", info_number);
  p = find_last (contents, end, info_text);
  if (p == NULL)
    goto malformed;
  dict_start = strstr (p + strlen (info_text), "<<");
  q = strstr (p, "endobj");
  if (dict_start == NULL || q == NULL || dict_start > q)
    goto malformed;
  dict_end = find_last (dict_start, q, ">>");
  if (dict_end == NULL)
    goto malformed;
  info = g_strndup (dict_start + 2, dict_end - (dict_start + 2));
  if (strstr (info, HEAD_KEY) != NULL)
    goto malformed;

  object_offset = length + 1;
  g_string_append_printf (update, "\n%" G_GUINT64_FORMAT " 0 obj\n<<%s   " HEAD_KEY " ",
                          info_number, info);
  if (!append_literal (update, head))
    goto malformed;
  g_string_append (update, "\n>>\nendobj\n");
  xref_offset = length + update->len;
  g_string_append_printf (update, "xref\n%" G_GUINT64_FORMAT " 1\n%010" G_GSIZE_MODIFIER "u 00000 n \n"
                          "trailer\n<<%s   /Prev %" G_GUINT64_FORMAT "\n>>\n"
                          "startxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n",
                          info_number, object_offset, trailer, previous_xref, xref_offset);

  file = g_fopen (path, "ab");
  if (file == NULL || fwrite (update->str, 1, update->len, file) != update->len || fclose (file) != 0)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_IO,
                   _("Cannot write “%s”."), path);
      return FALSE;
    }
  return TRUE;

malformed:
  g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FAILED,
               _("The register head could not be added to the PDF’s document information."));
  return FALSE;
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
  p = find_last (contents, end, HEAD_KEY);
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
