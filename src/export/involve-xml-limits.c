/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-xml"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libxml/xmlreader.h>

#include "involve-exchange-private.h"
#include "involve-export.h"

/*
 * The first, streaming pass over a file before any tree is built: an
 * xmlTextReader walks it node by node, keeping only the current one, and
 * the limits are checked as it reads, so that a hostile file is refused
 * after reading no more than it takes to break one (a file of 63 MiB of
 * empty elements: its first INVOLVE_EXPORT_MAX_ELEMENTS, a few MiB, in a
 * fraction of a second and a few MiB of memory, where building its tree
 * took 2 GB).  A file it lets through is bounded in every way the tree's
 * memory depends on.  What is not well-formed is left to the parse that
 * follows, which says where.
 */
gboolean
_involve_exchange_check_limits (const char  *bytes,
                                gsize        length,
                                const char  *name,
                                GError     **error)
{
  xmlTextReaderPtr reader;
  guint64 elements = 0;
  gboolean ok = TRUE;
  int rc;

  if (length > INVOLVE_EXPORT_MAX_FILE_SIZE)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_HOSTILE,
                   _("“%s” is too large (%zu MiB; the limit is %d MiB)."),
                   name, length / (1024 * 1024), INVOLVE_EXPORT_MAX_FILE_SIZE / (1024 * 1024));
      return FALSE;
    }

  xmlInitParser ();
  reader = xmlReaderForMemory (bytes, (int) length, name, "UTF-8",
                               XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                               XML_PARSE_NOCDATA);
  if (reader == NULL)
    {
      g_set_error_literal (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FAILED, _("Out of memory"));
      return FALSE;
    }

  while (ok && (rc = xmlTextReaderRead (reader)) == 1)
    {
      int type = xmlTextReaderNodeType (reader);

      switch (type)
        {
        case XML_READER_TYPE_DOCUMENT_TYPE:
          g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_HOSTILE,
                       _("“%s” contains a document type declaration (DTD). Involve files never do; "
                         "it was refused because DTDs can reach outside files or expand without "
                         "limit."), name);
          ok = FALSE;
          break;

        case XML_READER_TYPE_ELEMENT:
          if (xmlTextReaderDepth (reader) + 1 > INVOLVE_EXPORT_MAX_DEPTH)
            {
              g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_HOSTILE,
                           _("“%s” nests elements more than %d deep; it was refused."),
                           name, INVOLVE_EXPORT_MAX_DEPTH);
              ok = FALSE;
            }
          else if (++elements > INVOLVE_EXPORT_MAX_ELEMENTS)
            {
              g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_HOSTILE,
                           _("“%s” holds more than %d elements (stopped at line %d); no Involve file "
                             "within the size limit does, so it was refused."),
                           name, INVOLVE_EXPORT_MAX_ELEMENTS, xmlTextReaderGetParserLineNumber (reader));
              ok = FALSE;
            }
          else if (xmlTextReaderAttributeCount (reader) > INVOLVE_EXPORT_MAX_ATTRIBUTES)
            {
              g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_HOSTILE,
                           _("“%s”, line %d: an element has more than %d attributes; it was refused."),
                           name, xmlTextReaderGetParserLineNumber (reader), INVOLVE_EXPORT_MAX_ATTRIBUTES);
              ok = FALSE;
            }
          break;

        case XML_READER_TYPE_TEXT:
        case XML_READER_TYPE_CDATA:
        case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
        case XML_READER_TYPE_WHITESPACE:
        case XML_READER_TYPE_COMMENT:
          {
            const xmlChar *value = xmlTextReaderConstValue (reader);

            if (value != NULL && strlen ((const char *) value) > INVOLVE_EXPORT_MAX_TEXT_LENGTH)
              {
                g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_HOSTILE,
                             _("“%s”, line %d: a text is longer than %d MiB; no answer is that long, so it was refused."),
                             name, xmlTextReaderGetParserLineNumber (reader),
                             INVOLVE_EXPORT_MAX_TEXT_LENGTH / (1024 * 1024));
                ok = FALSE;
              }
          }
          break;

        default:
          break;
        }
    }
  xmlFreeTextReader (reader);
  return ok;
}
