/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-export"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "involve-export.h"
#include "involve-export-heads.h"
#include "involve-pdf-head.h"
#include "involve-xml.h"

static InvolveHead *
parse_carried (const char *text,
               const char *name,
               GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  InvolveHead *head = involve_head_parse (text, &local_error);

  if (head == NULL)
    g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                 "%s: %s", name, local_error->message);
  return head;
}

InvolveHead *
involve_export_read_head (const char *path,
                          GError    **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;
  const char *data;

  g_return_val_if_fail (path != NULL, NULL);

  bytes = involve_export_read_file (path, error);
  if (bytes == NULL)
    return NULL;
  name = g_path_get_basename (path);
  data = g_bytes_get_data (bytes, &length);

  if (length >= 16 && memcmp (data, "SQLite format 3", 16) == 0)
    {
      g_autoptr(GError) local_error = NULL;
      InvolveHead *head = involve_store_read_backup_head (path, &local_error);

      if (head == NULL)
        g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_NOT_FOUND,
                     _("“%s” is an SQLite file but not a backup that carries a register head."), name);
      return head;
    }
  if (length >= 5 && memcmp (data, "%PDF-", 5) == 0)
    text = _involve_pdf_find_register_head (bytes);
  else
    {
      g_autoptr(GError) xml_error = NULL;

      text = involve_xml_read_register_head (bytes, name, &xml_error);
      if (text == NULL && xml_error != NULL)
        {
          g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                       _("“%s” is neither an evidence PDF, an exchange or sign-off file, nor a backup: %s"),
                       name, xml_error->message);
          return NULL;
        }
    }
  if (text == NULL)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_NOT_FOUND,
                   _("“%s” carries no register head: it was written by an older Involve or by another program."),
                   name);
      return NULL;
    }
  return parse_carried (text, name, error);
}

gboolean
involve_export_check_against (InvolveStore *store,
                              const char   *path,
                              char        **report,
                              GError      **error)
{
  g_autoptr(InvolveHead) head = NULL;
  g_autoptr(InvolveHead) now = NULL;
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  g_autofree char *count = NULL;

  g_return_val_if_fail (INVOLVE_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  head = involve_export_read_head (path, error);
  if (head == NULL)
    return FALSE;
  name = g_path_get_basename (path);
  if (!involve_store_check_head (store, head, name, error))
    return FALSE;
  if (report != NULL)
    {
      gint64 entries = 0;

      if (!involve_store_get_audit_head (store, &entries, NULL, NULL))
        entries = 0;
      description = involve_head_dup_description (head);
      count = involve_format_count (entries);
      *report = g_strdup_printf (_("%s was written when the register had %s. This register still holds every one of those entries unchanged, and its audit chain from there to now (%s entries) is intact."),
                                 name, description, count);
    }
  return TRUE;
}

char *
_involve_export_dup_head_text (InvolveStore *store,
                               char        **description,
                               GError      **error)
{
  g_autoptr(InvolveHead) head = involve_store_dup_head (store, error);

  if (head == NULL)
    return NULL;
  if (description != NULL)
    *description = involve_head_dup_description (head);
  return involve_head_to_string (head);
}

gboolean
_involve_export_note_head_text (InvolveStore *store,
                                const char   *head_text,
                                const char   *source,
                                GError      **error)
{
  g_autoptr(InvolveHead) head = NULL;

  if (head_text == NULL)
    return TRUE;
  head = parse_carried (head_text, source, error);
  return head != NULL && _involve_export_note_head (store, head, source, error);
}

gboolean
_involve_export_note_head (InvolveStore      *store,
                           const InvolveHead *head,
                           const char        *source,
                           GError           **error)
{
  g_autofree char *own = NULL;

  if (head == NULL)
    return TRUE;
  own = involve_store_dup_register_id (store, NULL);
  if (own != NULL && g_str_equal (own, head->register_id))
    return involve_store_check_head (store, head, source, error);
  return involve_store_remember_head (store, head, source, error);
}
