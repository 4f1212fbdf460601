/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-export"

#include "config.h"

#include <string.h>

#include "involve-pdf-update.h"

gboolean
_involve_pdf_is_space (char c)
{
  return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static gboolean
is_delimiter (char c)
{
  return strchr ("()<>[]{}/%", c) != NULL && c != '\0';
}

gsize
_involve_pdf_skip_space (const InvolvePdf *pdf,
                         gsize             p)
{
  while (p < pdf->len)
    {
      if (_involve_pdf_is_space (pdf->data[p]))
        p++;
      else if (pdf->data[p] == '%')
        {
          while (p < pdf->len && pdf->data[p] != '\n' && pdf->data[p] != '\r')
            p++;
        }
      else
        break;
    }
  return p;
}

gsize
_involve_pdf_token_end (const InvolvePdf *pdf,
                        gsize             p)
{
  while (p < pdf->len && !_involve_pdf_is_space (pdf->data[p]) && !is_delimiter (pdf->data[p]))
    p++;
  return p;
}

static gboolean
is_digits (const InvolvePdf *pdf,
           gsize             start,
           gsize             end)
{
  if (start >= end)
    return FALSE;
  for (gsize i = start; i < end; i++)
    if (!g_ascii_isdigit (pdf->data[i]))
      return FALSE;
  return TRUE;
}

/* Moves *p past one object (and "N G R" as one); FALSE when malformed. */
gboolean
_involve_pdf_skip_object (const InvolvePdf *pdf,
                          gsize            *p,
                          int               depth)
{
  gsize q = _involve_pdf_skip_space (pdf, *p);
  char c;

  if (depth > INVOLVE_PDF_MAX_DEPTH || q >= pdf->len)
    return FALSE;
  c = pdf->data[q];

  if (c == '(')
    {
      int nesting = 0;

      for (; q < pdf->len; q++)
        {
          if (pdf->data[q] == '\\')
            q++;
          else if (pdf->data[q] == '(')
            nesting++;
          else if (pdf->data[q] == ')' && --nesting == 0)
            {
              *p = q + 1;
              return TRUE;
            }
        }
      return FALSE;
    }
  if (c == '<' && q + 1 < pdf->len && pdf->data[q + 1] == '<')
    {
      q += 2;
      for (;;)
        {
          q = _involve_pdf_skip_space (pdf, q);
          if (q + 1 < pdf->len && pdf->data[q] == '>' && pdf->data[q + 1] == '>')
            {
              *p = q + 2;
              return TRUE;
            }
          if (!_involve_pdf_skip_object (pdf, &q, depth + 1))
            return FALSE;
        }
    }
  if (c == '<')
    {
      for (q++; q < pdf->len && pdf->data[q] != '>'; q++)
        if (!g_ascii_isxdigit (pdf->data[q]) && !_involve_pdf_is_space (pdf->data[q]))
          return FALSE;
      if (q >= pdf->len)
        return FALSE;
      *p = q + 1;
      return TRUE;
    }
  if (c == '[')
    {
      q++;
      for (;;)
        {
          q = _involve_pdf_skip_space (pdf, q);
          if (q < pdf->len && pdf->data[q] == ']')
            {
              *p = q + 1;
              return TRUE;
            }
          if (!_involve_pdf_skip_object (pdf, &q, depth + 1))
            return FALSE;
        }
    }
  if (c == '/')
    {
      *p = _involve_pdf_token_end (pdf, q + 1);
      return TRUE;
    }
  if (is_delimiter (c))
    return FALSE;

  /* A number, a keyword, or the first number of "N G R". */
  {
    gsize end = _involve_pdf_token_end (pdf, q);
    gsize g_start, g_end, r_start;

    if (is_digits (pdf, q, end))
      {
        g_start = _involve_pdf_skip_space (pdf, end);
        g_end = _involve_pdf_token_end (pdf, g_start);
        if (is_digits (pdf, g_start, g_end))
          {
            r_start = _involve_pdf_skip_space (pdf, g_end);
            if (r_start < pdf->len && pdf->data[r_start] == 'R' &&
                _involve_pdf_token_end (pdf, r_start) == r_start + 1)
              end = r_start + 1;
          }
      }
    *p = end;
    return TRUE;
  }
}

/* The value of /KEY at the top level of the dictionary starting at @dict. */
gboolean
_involve_pdf_dict_find (const InvolvePdf *pdf,
                        gsize             dict,
                        const char       *key,
                        InvolvePdfSpan   *value)
{
  gsize key_len = strlen (key);
  gsize q = _involve_pdf_skip_space (pdf, dict);

  if (q + 1 >= pdf->len || pdf->data[q] != '<' || pdf->data[q + 1] != '<')
    return FALSE;
  q += 2;
  for (;;)
    {
      gsize name_start, name_end;

      q = _involve_pdf_skip_space (pdf, q);
      if (q >= pdf->len || pdf->data[q] != '/')
        return FALSE;   /* the end ">>", or malformed */
      name_start = q + 1;
      name_end = _involve_pdf_token_end (pdf, name_start);
      q = name_end;
      if (!_involve_pdf_skip_object (pdf, &q, 1))
        return FALSE;
      if (name_end - name_start == key_len && memcmp (pdf->data + name_start, key, key_len) == 0)
        {
          value->start = _involve_pdf_skip_space (pdf, name_end);
          value->end = q;
          return TRUE;
        }
    }
}

gboolean
_involve_pdf_parse_uint (const InvolvePdf *pdf,
                         gsize             start,
                         gsize             end,
                         guint64          *out)
{
  guint64 value = 0;

  if (!is_digits (pdf, start, end) || end - start > 15)
    return FALSE;
  for (gsize i = start; i < end; i++)
    value = value * 10 + (guint64) (pdf->data[i] - '0');
  *out = value;
  return TRUE;
}

gboolean
_involve_pdf_dict_get_uint (const InvolvePdf *pdf,
                            gsize             dict,
                            const char       *key,
                            guint64          *out)
{
  InvolvePdfSpan span;

  return _involve_pdf_dict_find (pdf, dict, key, &span) &&
         _involve_pdf_parse_uint (pdf, span.start, _involve_pdf_token_end (pdf, span.start), out);
}

/* The object number of "/KEY N 0 R". */
gboolean
_involve_pdf_dict_get_ref (const InvolvePdf *pdf,
                           gsize             dict,
                           const char       *key,
                           guint64          *out)
{
  InvolvePdfSpan span;

  return _involve_pdf_dict_find (pdf, dict, key, &span) &&
         pdf->data[span.end - 1] == 'R' &&
         _involve_pdf_parse_uint (pdf, span.start, _involve_pdf_token_end (pdf, span.start), out);
}

/* A PDF text string, literal or hex, PDFDocEncoding taken as Latin-1 or
 * UTF-16BE with its byte order mark, as UTF-8. */
char *
_involve_pdf_decode_string (const InvolvePdf *pdf,
                            InvolvePdfSpan    span)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  const char *p = pdf->data + span.start;
  const char *end = pdf->data + span.end;

  if (p >= end)
    return NULL;
  if (*p == '(')
    {
      for (p++; p < end - 1; p++)
        {
          guint8 byte = (guint8) *p;

          if (*p == '\\' && p + 1 < end - 1)
            {
              p++;
              switch (*p)
                {
                case 'n': byte = '\n'; break;
                case 'r': byte = '\r'; break;
                case 't': byte = '\t'; break;
                case 'b': byte = '\b'; break;
                case 'f': byte = '\f'; break;
                default:
                  if (*p >= '0' && *p <= '7')
                    {
                      int value = 0;

                      for (int i = 0; i < 3 && p < end - 1 && *p >= '0' && *p <= '7'; i++, p++)
                        value = value * 8 + (*p - '0');
                      p--;
                      byte = (guint8) value;
                    }
                  else
                    byte = (guint8) *p;
                }
            }
          g_byte_array_append (bytes, &byte, 1);
        }
    }
  else if (*p == '<')
    {
      int high = -1;

      for (p++; p < end && *p != '>'; p++)
        {
          int digit = g_ascii_xdigit_value (*p);

          if (digit < 0)
            continue;
          if (high < 0)
            high = digit;
          else
            {
              guint8 byte = (guint8) (high * 16 + digit);

              g_byte_array_append (bytes, &byte, 1);
              high = -1;
            }
        }
    }
  else
    return NULL;

  if (bytes->len >= 2 && bytes->data[0] == 0xfe && bytes->data[1] == 0xff)
    return g_convert ((const char *) bytes->data + 2, bytes->len - 2, "UTF-8", "UTF-16BE",
                      NULL, NULL, NULL);
  if (g_utf8_validate ((const char *) bytes->data, bytes->len, NULL))
    return g_strndup ((const char *) bytes->data, bytes->len);
  return g_convert ((const char *) bytes->data, bytes->len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
}

/* Cross-reference tables */

void
_involve_pdf_xref_clear (InvolvePdfXref *xref)
{
  g_clear_pointer (&xref->offsets, g_hash_table_unref);
}

const char *
_involve_pdf_find_last (const char *start,
                        const char *end,
                        const char *needle)
{
  gsize n = strlen (needle);

  if ((gsize) (end - start) < n)
    return NULL;
  for (const char *p = end - n; p >= start; p--)
    if (*p == needle[0] && memcmp (p, needle, n) == 0)
      return p;
  return NULL;
}

gboolean
_involve_pdf_match (const InvolvePdf *pdf,
                    gsize             p,
                    const char       *word)
{
  gsize n = strlen (word);

  return p + n <= pdf->len && memcmp (pdf->data + p, word, n) == 0;
}

static gboolean
read_xref_sections (const InvolvePdf *pdf,
                    InvolvePdfXref   *xref)
{
  const char *tail_start = pdf->data + (pdf->len > 1024 ? pdf->len - 1024 : 0);
  const char *startxref = _involve_pdf_find_last (tail_start, pdf->data + pdf->len, "startxref");
  g_autoptr(GArray) visited = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint64 offset;
  gsize p;

  memset (xref, 0, sizeof *xref);
  if (startxref == NULL)
    return FALSE;
  p = _involve_pdf_skip_space (pdf, (gsize) (startxref - pdf->data) + strlen ("startxref"));
  if (!_involve_pdf_parse_uint (pdf, p, _involve_pdf_token_end (pdf, p), &offset))
    return FALSE;
  xref->startxref = offset;
  xref->offsets = g_hash_table_new (g_direct_hash, g_direct_equal);

  for (guint section = 0;; section++)
    {
      guint64 prev;
      gsize trailer;

      if (section >= INVOLVE_PDF_MAX_SECTIONS || offset >= pdf->len)
        return FALSE;
      for (guint i = 0; i < visited->len; i++)
        if ((guint64) g_array_index (visited, gint64, i) == offset)
          return FALSE;
      g_array_append_val (visited, offset);

      p = (gsize) offset;
      /* An xref stream (PDF 1.5 compressed) is not what we write or read. */
      if (!_involve_pdf_match (pdf, p, "xref"))
        return FALSE;
      p += 4;
      for (;;)
        {
          guint64 first, count;
          gsize end;

          p = _involve_pdf_skip_space (pdf, p);
          if (_involve_pdf_match (pdf, p, "trailer"))
            break;
          end = _involve_pdf_token_end (pdf, p);
          if (!_involve_pdf_parse_uint (pdf, p, end, &first))
            return FALSE;
          p = _involve_pdf_skip_space (pdf, end);
          end = _involve_pdf_token_end (pdf, p);
          if (!_involve_pdf_parse_uint (pdf, p, end, &count) || count > INVOLVE_PDF_MAX_OBJECTS || first > INVOLVE_PDF_MAX_OBJECTS)
            return FALSE;
          /* Entries are 20 bytes; the line end after the count may be one or two. */
          p = end;
          while (p < pdf->len && (pdf->data[p] == ' ' || pdf->data[p] == '\r' || pdf->data[p] == '\n'))
            p++;
          if (count * 20 > pdf->len - p)
            return FALSE;
          for (guint64 i = 0; i < count; i++, p += 20)
            {
              guint64 entry_offset;
              gpointer key = GSIZE_TO_POINTER ((gsize) (first + i));

              if (!_involve_pdf_parse_uint (pdf, p, p + 10, &entry_offset) || pdf->data[p + 10] != ' ')
                return FALSE;
              if (pdf->data[p + 17] != 'n' && pdf->data[p + 17] != 'f')
                return FALSE;
              /* The first revision read is the newest: it wins. */
              if (!g_hash_table_contains (xref->offsets, key) && pdf->data[p + 17] == 'n')
                {
                  if (entry_offset >= pdf->len)
                    return FALSE;
                  g_hash_table_insert (xref->offsets, key, GSIZE_TO_POINTER ((gsize) entry_offset));
                }
              else if (!g_hash_table_contains (xref->offsets, key))
                g_hash_table_insert (xref->offsets, key, GSIZE_TO_POINTER ((gsize) 0));
            }
        }
      trailer = _involve_pdf_skip_space (pdf, p + strlen ("trailer"));
      {
        gsize q = trailer;

        if (!_involve_pdf_skip_object (pdf, &q, 0) || pdf->data[trailer] != '<')
          return FALSE;
      }
      if (section == 0)
        {
          xref->trailer = trailer;
          if (!_involve_pdf_dict_get_uint (pdf, trailer, "Size", &xref->size))
            return FALSE;
        }
      if (!_involve_pdf_dict_get_uint (pdf, trailer, "Prev", &prev))
        break;
      offset = prev;
    }
  return TRUE;
}

gboolean
_involve_pdf_xref_read (const InvolvePdf *pdf,
                        InvolvePdfXref   *xref)
{
  if (!read_xref_sections (pdf, xref))
    {
      _involve_pdf_xref_clear (xref);
      return FALSE;
    }
  /* Both are optional here; whoever needs one checks for 0. */
  if (!_involve_pdf_dict_get_ref (pdf, xref->trailer, "Root", &xref->root))
    xref->root = 0;
  if (!_involve_pdf_dict_get_ref (pdf, xref->trailer, "Info", &xref->info))
    xref->info = 0;
  return TRUE;
}

/* The dictionary of object @number ("N 0 obj << … >>"), by the xref. */
gboolean
_involve_pdf_object_dict (const InvolvePdf     *pdf,
                          const InvolvePdfXref *xref,
                          guint64               number,
                          InvolvePdfSpan       *dict)
{
  gpointer value;
  gsize p, end;
  guint64 found;

  if (!g_hash_table_lookup_extended (xref->offsets, GSIZE_TO_POINTER ((gsize) number), NULL, &value))
    return FALSE;
  p = GPOINTER_TO_SIZE (value);
  if (p == 0)
    return FALSE;
  p = _involve_pdf_skip_space (pdf, p);
  end = _involve_pdf_token_end (pdf, p);
  if (!_involve_pdf_parse_uint (pdf, p, end, &found) || found != number)
    return FALSE;
  p = _involve_pdf_skip_space (pdf, end);
  p = _involve_pdf_skip_space (pdf, _involve_pdf_token_end (pdf, p));
  if (!_involve_pdf_match (pdf, p, "obj"))
    return FALSE;
  p = _involve_pdf_skip_space (pdf, p + 3);
  if (!_involve_pdf_match (pdf, p, "<<"))
    return FALSE;
  dict->start = p;
  if (!_involve_pdf_skip_object (pdf, &p, 0))
    return FALSE;
  dict->end = p;
  return TRUE;
}
/* Incremental updates */

typedef struct
{
  guint64 number;
  gsize   offset;
} NewObject;

struct _InvolvePdfUpdate
{
  const char *data;   /* the PDF appended to, not ours */
  gsize    base;      /* its length */
  GString *buffer;
  GArray  *objects;   /* NewObject */
  guint64  size;      /* the next unused number */
  guint64  root;
  guint64  info;
  guint64  prev;
  char    *id;        /* the old trailer's /ID value, or NULL */
  gboolean finished;
};

InvolvePdfUpdate *
_involve_pdf_update_new (const InvolvePdf     *pdf,
                         const InvolvePdfXref *xref)
{
  InvolvePdfUpdate *update = g_new0 (InvolvePdfUpdate, 1);
  InvolvePdfSpan id;

  update->data = pdf->data;
  update->base = pdf->len;
  update->buffer = g_string_new ("\n");
  update->objects = g_array_new (FALSE, FALSE, sizeof (NewObject));
  update->size = xref->size;
  update->root = xref->root;
  update->info = xref->info;
  update->prev = xref->startxref;
  if (_involve_pdf_dict_find (pdf, xref->trailer, "ID", &id))
    update->id = g_strndup (pdf->data + id.start, id.end - id.start);
  return update;
}

void
_involve_pdf_update_free (InvolvePdfUpdate *update)
{
  if (update == NULL)
    return;
  g_string_free (update->buffer, TRUE);
  g_array_unref (update->objects);
  g_free (update->id);
  g_free (update);
}

guint64
_involve_pdf_update_new_number (InvolvePdfUpdate *update)
{
  return update->size++;
}

void
_involve_pdf_update_begin_object (InvolvePdfUpdate *update,
                                  guint64           number)
{
  NewObject object = { number, update->base + update->buffer->len };

  g_return_if_fail (!update->finished);
  g_array_append_val (update->objects, object);
  if (number >= update->size)
    update->size = number + 1;
  g_string_append_printf (update->buffer, "%" G_GUINT64_FORMAT " 0 obj\n", number);
}

void
_involve_pdf_update_end_object (InvolvePdfUpdate *update)
{
  g_string_append (update->buffer, "endobj\n");
}

void
_involve_pdf_update_copy_entries (InvolvePdfUpdate *update,
                                  InvolvePdfSpan    dict)
{
  /* The span runs from "<<" to just past ">>". */
  g_return_if_fail (dict.end >= dict.start + 4 && dict.end <= update->base);
  g_string_append_len (update->buffer, update->data + dict.start + 2, dict.end - 2 - (dict.start + 2));
}

GString *
_involve_pdf_update_get_buffer (InvolvePdfUpdate *update)
{
  return update->buffer;
}

gboolean
_involve_pdf_update_is_empty (InvolvePdfUpdate *update)
{
  return update->objects->len == 0;
}

static int
compare_objects (gconstpointer a,
                 gconstpointer b)
{
  guint64 x = ((const NewObject *) a)->number, y = ((const NewObject *) b)->number;

  return x < y ? -1 : x > y;
}

void
_involve_pdf_update_finish (InvolvePdfUpdate *update)
{
  GString *out = update->buffer;
  gsize xref_offset = update->base + out->len;

  g_return_if_fail (!update->finished);
  update->finished = TRUE;

  /* One subsection an object: readers need no runs worked out. */
  g_array_sort (update->objects, compare_objects);
  g_string_append (out, "xref\n");
  for (guint i = 0; i < update->objects->len; i++)
    {
      const NewObject *entry = &g_array_index (update->objects, NewObject, i);

      g_string_append_printf (out, "%" G_GUINT64_FORMAT " 1\n%010" G_GSIZE_MODIFIER "u 00000 n \n",
                              entry->number, entry->offset);
    }
  g_string_append_printf (out, "trailer\n<< /Size %" G_GUINT64_FORMAT "\n", update->size);
  if (update->root != 0)
    g_string_append_printf (out, "   /Root %" G_GUINT64_FORMAT " 0 R\n", update->root);
  if (update->info != 0)
    g_string_append_printf (out, "   /Info %" G_GUINT64_FORMAT " 0 R\n", update->info);
  if (update->id != NULL)
    g_string_append_printf (out, "   /ID %s\n", update->id);
  g_string_append_printf (out, "   /Prev %" G_GUINT64_FORMAT "\n>>\nstartxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n",
                          update->prev, xref_offset);
}
