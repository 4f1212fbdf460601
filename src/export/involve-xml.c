/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-xml"

#include "config.h"

#include <inttypes.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/relaxng.h>
#include <libxml/SAX2.h>

#include "involve-fingerprint.h"
#include "involve-exchange-private.h"

#define SCHEMA_NAME     "involve-exchange.rng"
#define SCHEMA_RESOURCE "/org/involve/Involve/data/schemas/" SCHEMA_NAME

/* Records */

InvolveExchangeRecord *
involve_exchange_record_new (void)
{
  InvolveExchangeRecord *record = g_new0 (InvolveExchangeRecord, 1);

  record->versions = g_ptr_array_new_with_free_func (g_object_unref);
  record->fingerprints = g_ptr_array_new_with_free_func (g_free);
  record->audit = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_audit_entry_free);
  record->imported_trails = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_imported_trail_free);
  return record;
}

void
involve_exchange_record_free (InvolveExchangeRecord *record)
{
  if (record == NULL)
    return;

  g_clear_pointer (&record->versions, g_ptr_array_unref);
  g_clear_pointer (&record->fingerprints, g_ptr_array_unref);
  g_clear_pointer (&record->audit, g_ptr_array_unref);
  g_clear_pointer (&record->imported_trails, g_ptr_array_unref);
  g_free (record);
}

void
involve_exchange_record_add_version (InvolveExchangeRecord *record,
                                     InvolveRecord         *version)
{
  g_return_if_fail (record != NULL);
  g_return_if_fail (INVOLVE_IS_RECORD (version));

  g_ptr_array_add (record->versions, g_object_ref (version));
  g_ptr_array_add (record->fingerprints, involve_fingerprint_compute (version));
}

/* Small helpers */

xmlNodePtr
_involve_exchange_next (xmlNodePtr  node,
                   const char *name)
{
  for (; node != NULL; node = node->next)
    {
      if (node->type == XML_ELEMENT_NODE &&
          (name == NULL || xmlStrEqual (node->name, (const xmlChar *) name)))
        return node;
    }
  return NULL;
}

xmlNodePtr
_involve_exchange_child (xmlNodePtr  node,
                    const char *name)
{
  return node != NULL ? _involve_exchange_next (node->children, name) : NULL;
}

char *
_involve_exchange_prop (xmlNodePtr  node,
                   const char *name)
{
  xmlChar *value;
  char *copy;

  if (node == NULL)
    return NULL;
  value = xmlGetProp (node, (const xmlChar *) name);
  if (value == NULL)
    return NULL;
  copy = g_strdup ((const char *) value);
  xmlFree (value);
  return copy;
}

char *
_involve_exchange_text (xmlNodePtr node)
{
  xmlChar *value;
  char *copy;

  if (node == NULL)
    return NULL;
  value = xmlNodeGetContent (node);
  copy = g_strdup (value != NULL ? (const char *) value : "");
  xmlFree (value);
  return copy;
}

/* XML 1.0 cannot carry most control characters, even escaped. */
gboolean
_involve_exchange_text_is_valid (const char *text)
{
  if (text == NULL)
    return TRUE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0x9 || c == 0xA || c == 0xD)
        continue;
      if (c < 0x20 || (c >= 0xD800 && c <= 0xDFFF) || c == 0xFFFE || c == 0xFFFF)
        return FALSE;
    }
  return TRUE;
}

static xmlNodePtr
add_text_child (xmlNodePtr  parent,
                xmlNsPtr    ns,
                const char *name,
                const char *text)
{
  return xmlNewTextChild (parent, ns, (const xmlChar *) name, (const xmlChar *) text);
}

static void
set_prop (xmlNodePtr  node,
          const char *name,
          const char *value)
{
  xmlNewProp (node, (const xmlChar *) name, (const xmlChar *) value);
}

static void
set_time_prop (xmlNodePtr  node,
               const char *name,
               gint64      usec)
{
  g_autofree char *text = involve_export_format_usec (usec);
  set_prop (node, name, text);
}

static gboolean
get_time_prop (xmlNodePtr   node,
               const char  *name,
               gint64      *usec,
               GError     **error)
{
  g_autofree char *text = _involve_exchange_prop (node, name);

  if (text == NULL || !involve_export_parse_usec (text, usec))
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                   _("Line %ld: “%s” is not a valid time."), xmlGetLineNo (node),
                   text != NULL ? text : "");
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_text (const char  *text,
            const char  *what,
            GError     **error)
{
  if (_involve_exchange_text_is_valid (text))
    return TRUE;

  g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
               _("%s holds a control character that an XML file cannot carry."), what);
  return FALSE;
}

/* Writing */

void
_involve_exchange_add_sign_off (xmlNodePtr            parent,
                           xmlNsPtr              ns,
                           const InvolveSignOff *sign_off)
{
  xmlNodePtr node = xmlNewChild (parent, ns, (const xmlChar *) "sign-off", NULL);
  xmlNodePtr reviewer;

  set_prop (node, "decision", sign_off->decision);
  if (sign_off->decided_at_usec > 0)
    set_time_prop (node, "decided-at", sign_off->decided_at_usec);
  if (sign_off->fingerprint != NULL && *sign_off->fingerprint != '\0')
    {
      g_autofree char *lower = g_ascii_strdown (sign_off->fingerprint, -1);
      set_prop (node, "fingerprint", lower);
    }

  reviewer = xmlNewChild (node, ns, (const xmlChar *) "reviewer", NULL);
  add_text_child (reviewer, ns, "name", sign_off->reviewer_name != NULL ? sign_off->reviewer_name : "");
  if (sign_off->reviewer_job_title != NULL)
    add_text_child (reviewer, ns, "job-title", sign_off->reviewer_job_title);
  if (sign_off->reviewer_email != NULL)
    add_text_child (reviewer, ns, "email", sign_off->reviewer_email);
  if (sign_off->reviewer_team != NULL)
    add_text_child (reviewer, ns, "team", sign_off->reviewer_team);
  if (sign_off->date != NULL && *sign_off->date != '\0')
    add_text_child (node, ns, "date", sign_off->date);
  if (sign_off->comments != NULL)
    add_text_child (node, ns, "comments", sign_off->comments);
}

static gboolean
add_value (xmlNodePtr   values,
           xmlNsPtr     ns,
           const char  *field_id,
           GVariant    *value,
           gint64       modified_usec,
           GError     **error)
{
  g_autofree char *what = g_strdup_printf (_("The field “%s”"), field_id);
  xmlNodePtr node = xmlNewChild (values, ns, (const xmlChar *) "value", NULL);

  set_prop (node, "field", field_id);
  set_time_prop (node, "modified", modified_usec);

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      const char *text = g_variant_get_string (value, NULL);

      if (!check_text (text, what, error))
        return FALSE;
      add_text_child (node, ns, "text", text);
    }
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    {
      add_text_child (node, ns, "yes-no", g_variant_get_boolean (value) ? "yes" : "no");
    }
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      xmlNodePtr choices = xmlNewChild (node, ns, (const xmlChar *) "choices", NULL);
      gsize n = g_variant_n_children (value);

      for (gsize i = 0; i < n; i++)
        {
          const char *id = NULL;

          g_variant_get_child (value, i, "&s", &id);
          if (!check_text (id, what, error))
            return FALSE;
          add_text_child (choices, ns, "choice", id);
        }
    }
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE ("aas")))
    {
      xmlNodePtr table = xmlNewChild (node, ns, (const xmlChar *) "table", NULL);
      gsize n_rows = g_variant_n_children (value);

      for (gsize i = 0; i < n_rows; i++)
        {
          g_autoptr(GVariant) row_value = g_variant_get_child_value (value, i);
          xmlNodePtr row = xmlNewChild (table, ns, (const xmlChar *) "row", NULL);
          gsize n_cells = g_variant_n_children (row_value);

          for (gsize j = 0; j < n_cells; j++)
            {
              const char *cell = NULL;

              g_variant_get_child (row_value, j, "&s", &cell);
              if (!check_text (cell, what, error))
                return FALSE;
              add_text_child (row, ns, "cell", cell);
            }
        }
    }
  else
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                   _("The field “%s” holds a value of a type the exchange format does not know (%s)."),
                   field_id, g_variant_get_type_string (value));
      return FALSE;
    }

  return TRUE;
}

gboolean
_involve_exchange_add_version (xmlNodePtr      parent,
                          xmlNsPtr        ns,
                          InvolveRecord  *version,
                          const char     *fingerprint,
                          GError        **error)
{
  g_auto(GStrv) field_ids = involve_record_dup_field_ids (version);
  g_autofree char *number = g_strdup_printf ("%u", involve_record_get_version (version));
  const InvolveSignOff *sign_off = involve_record_get_sign_off (version);
  const char *reason = involve_record_get_status_reason (version);
  xmlNodePtr node, values;

  node = xmlNewChild (parent, ns, (const xmlChar *) "version", NULL);
  set_prop (node, "number", number);
  set_prop (node, "status", involve_status_to_string (involve_record_get_status (version)));
  set_time_prop (node, "created", involve_record_get_created_usec (version));
  set_prop (node, "fingerprint", fingerprint);

  if (reason != NULL)
    {
      if (!check_text (reason, _("The status reason"), error))
        return FALSE;
      add_text_child (node, ns, "status-reason", reason);
    }

  values = xmlNewChild (node, ns, (const xmlChar *) "values", NULL);
  for (guint i = 0; field_ids[i] != NULL; i++)
    {
      if (!add_value (values, ns, field_ids[i], involve_record_get_value (version, field_ids[i]),
                      involve_record_get_value_modified (version, field_ids[i]), error))
        return FALSE;
    }

  if (sign_off != NULL && sign_off->decision != NULL)
    {
      if (!check_text (sign_off->comments, _("The reviewer’s comments"), error) ||
          !check_text (sign_off->reviewer_name, _("The reviewer’s name"), error))
        return FALSE;
      _involve_exchange_add_sign_off (node, ns, sign_off);
    }

  return TRUE;
}

static void
add_audit_entry (xmlNodePtr              parent,
                 xmlNsPtr                ns,
                 const InvolveAuditEntry *entry)
{
  xmlNodePtr node = xmlNewChild (parent, ns, (const xmlChar *) "entry", NULL);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (entry->id, 1));

  set_prop (node, "id", id);
  set_time_prop (node, "at", entry->time_usec);
  set_prop (node, "kind", entry->kind != NULL ? entry->kind : "unknown");
  if (entry->record_uuid != NULL)
    set_prop (node, "record", entry->record_uuid);
  if (entry->version > 0)
    {
      g_autofree char *version = g_strdup_printf ("%u", entry->version);
      set_prop (node, "version", version);
    }
  if (entry->field_id != NULL)
    set_prop (node, "field", entry->field_id);
  if (entry->prev_hash != NULL)
    set_prop (node, "previous-hash", entry->prev_hash);
  if (entry->hash != NULL)
    set_prop (node, "hash", entry->hash);
  add_text_child (node, ns, "account", entry->account != NULL ? entry->account : "");
  if (entry->profile != NULL)
    add_text_child (node, ns, "profile", entry->profile);
  if (entry->old_value != NULL)
    add_text_child (node, ns, "old-value", entry->old_value);
  if (entry->new_value != NULL)
    add_text_child (node, ns, "new-value", entry->new_value);
  if (entry->details != NULL)
    add_text_child (node, ns, "details", entry->details);
}

static gboolean
check_audit_entry (const InvolveAuditEntry  *entry,
                   GError                 **error)
{
  const char *texts[] = { entry->account, entry->profile, entry->old_value, entry->new_value,
                          entry->details };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      if (!check_text (texts[i], _("An audit entry"), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
add_audit_entries (xmlNodePtr   parent,
                   xmlNsPtr     ns,
                   GPtrArray   *entries,
                   GError     **error)
{
  for (guint i = 0; i < entries->len; i++)
    {
      const InvolveAuditEntry *entry = g_ptr_array_index (entries, i);

      if (!check_audit_entry (entry, error))
        return FALSE;
      add_audit_entry (parent, ns, entry);
    }
  return TRUE;
}

static gboolean
add_record (xmlNodePtr              parent,
            xmlNsPtr                ns,
            InvolveExchangeRecord  *record,
            GError                **error)
{
  InvolveRecord *first;
  xmlNodePtr node, trail;

  if (record->versions->len == 0)
    {
      g_set_error_literal (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                           _("A record to export has no version."));
      return FALSE;
    }

  first = g_ptr_array_index (record->versions, 0);
  node = xmlNewChild (parent, ns, (const xmlChar *) "record", NULL);
  set_prop (node, "uuid", involve_record_get_uuid (first));
  set_prop (node, "reference", involve_record_get_reference (first));
  set_prop (node, "framework", involve_record_get_framework_id (first));

  for (guint i = 0; i < record->versions->len; i++)
    {
      InvolveRecord *version = g_ptr_array_index (record->versions, i);

      if (g_strcmp0 (involve_record_get_uuid (version), involve_record_get_uuid (first)) != 0)
        {
          g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                       _("Version %u of %s belongs to another record."),
                       involve_record_get_version (version), involve_record_get_reference (first));
          return FALSE;
        }
      if (!_involve_exchange_add_version (node, ns, version, g_ptr_array_index (record->fingerprints, i),
                                     error))
        return FALSE;
    }

  trail = xmlNewChild (node, ns, (const xmlChar *) "audit-trail", NULL);
  if (!add_audit_entries (trail, ns, record->audit, error))
    return FALSE;

  /* Trails from other registers travel on, so A -> B -> C keeps A's. */
  for (guint i = 0; i < record->imported_trails->len; i++)
    {
      const InvolveImportedTrail *kept = g_ptr_array_index (record->imported_trails, i);

      if (kept->entries->len == 0)
        continue;
      if (!check_text (kept->source, _("Where an audit trail came from"), error))
        return FALSE;
      trail = xmlNewChild (node, ns, (const xmlChar *) "imported-trail", NULL);
      set_time_prop (trail, "imported-at", kept->imported_usec);
      if (kept->import_id > 0)
        {
          g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, kept->import_id);
          set_prop (trail, "kept-by", id);
        }
      add_text_child (trail, ns, "source", kept->source != NULL ? kept->source : "");
      if (!add_audit_entries (trail, ns, kept->entries, error))
        return FALSE;
    }

  return TRUE;
}

/* The schema */

static GBytes *
load_schema_bytes (void)
{
  const char *data_dir = g_getenv ("INVOLVE_DATA_DIR");
  GBytes *bytes;
  const char *candidates[] = { data_dir, NULL, SOURCE_DATADIR, PKGDATADIR };

  if (data_dir != NULL)
    {
      g_autofree char *path = g_build_filename (data_dir, "schemas", SCHEMA_NAME, NULL);
      char *contents = NULL;
      gsize length;

      if (g_file_get_contents (path, &contents, &length, NULL))
        return g_bytes_new_take (contents, length);
    }

  bytes = g_resources_lookup_data (SCHEMA_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes != NULL)
    return bytes;

  for (guint i = 2; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *path = g_build_filename (candidates[i], "schemas", SCHEMA_NAME, NULL);
      char *contents = NULL;
      gsize length;

      if (g_file_get_contents (path, &contents, &length, NULL))
        return g_bytes_new_take (contents, length);
    }

  return NULL;
}

static xmlRelaxNGPtr
get_schema (GError **error)
{
  static gsize initialised = 0;
  static xmlRelaxNGPtr schema = NULL;

  if (g_once_init_enter (&initialised))
    {
      g_autoptr(GBytes) bytes = NULL;

      xmlInitParser ();
      bytes = load_schema_bytes ();
      if (bytes != NULL)
        {
          gsize length;
          const char *data = g_bytes_get_data (bytes, &length);
          xmlRelaxNGParserCtxtPtr parser = xmlRelaxNGNewMemParserCtxt (data, (int) length);

          schema = xmlRelaxNGParse (parser);
          xmlRelaxNGFreeParserCtxt (parser);
        }
      g_once_init_leave (&initialised, 1);
    }

  if (schema == NULL)
    g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FAILED,
                 _("The exchange format’s schema (%s) is missing or broken."), SCHEMA_NAME);
  return schema;
}

typedef struct
{
  GString *message;
  guint    count;
} Collector;

static void
collect_error (void        *data,
               xmlErrorPtr  error)
{
  Collector *collector = data;
  g_autofree char *message = g_strchomp (g_strdup (error->message != NULL ? error->message : "?"));

  if (collector->count++ == 0)
    g_string_append_printf (collector->message, _("line %d: %s"), error->line, message);
}

gboolean
_involve_exchange_validate (xmlDocPtr    doc,
                       const char  *name,
                       GError     **error)
{
  xmlRelaxNGPtr schema = get_schema (error);
  xmlRelaxNGValidCtxtPtr context;
  Collector collector = { g_string_new (NULL), 0 };
  int result;

  if (schema == NULL)
    {
      g_string_free (collector.message, TRUE);
      return FALSE;
    }

  context = xmlRelaxNGNewValidCtxt (schema);
  xmlRelaxNGSetValidStructuredErrors (context, collect_error, &collector);
  result = xmlRelaxNGValidateDoc (context, doc);
  xmlRelaxNGFreeValidCtxt (context);

  if (result != 0)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                   _("“%s” does not follow the Involve exchange format: %s"), name,
                   collector.count > 0 ? collector.message->str : _("unknown problem"));
      g_string_free (collector.message, TRUE);
      return FALSE;
    }

  g_string_free (collector.message, TRUE);
  return TRUE;
}

GBytes *
_involve_exchange_dump (xmlDocPtr   doc,
                   GError    **error)
{
  xmlChar *buffer = NULL;
  int length = 0;
  GBytes *bytes;

  /* Export validates before it writes: a file we make must be one we accept. */
  if (!_involve_exchange_validate (doc, _("the exported document"), error))
    return NULL;

  xmlDocDumpFormatMemoryEnc (doc, &buffer, &length, "UTF-8", 1);
  if (buffer == NULL)
    {
      g_set_error_literal (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FAILED,
                           _("The XML document could not be written out."));
      return NULL;
    }
  bytes = g_bytes_new (buffer, length);
  xmlFree (buffer);
  return bytes;
}

GBytes *
involve_xml_serialise (GPtrArray  *records,
                       GError    **error)
{
  xmlDocPtr doc;
  xmlNodePtr root;
  xmlNsPtr ns;
  GBytes *bytes = NULL;
  g_autofree char *generator = g_strdup_printf ("Involve %s", PACKAGE_VERSION);

  g_return_val_if_fail (records != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  xmlInitParser ();
  doc = xmlNewDoc ((const xmlChar *) "1.0");
  root = xmlNewNode (NULL, (const xmlChar *) "involve-exchange");
  ns = xmlNewNs (root, (const xmlChar *) INVOLVE_XML_NAMESPACE, NULL);
  xmlSetNs (root, ns);
  xmlDocSetRootElement (doc, root);
  set_prop (root, "format-version", INVOLVE_XML_FORMAT_VERSION);
  set_prop (root, "generator", generator);
  set_time_prop (root, "exported-at", g_get_real_time ());

  for (guint i = 0; i < records->len; i++)
    {
      if (!add_record (root, ns, g_ptr_array_index (records, i), error))
        goto out;
    }

  bytes = _involve_exchange_dump (doc, error);

out:
  xmlFreeDoc (doc);
  return bytes;
}

gboolean
involve_export_write_atomically (const char  *path,
                                 GBytes      *bytes,
                                 GError     **error)
{
  g_autofree char *temp_path = g_strdup_printf ("%s.XXXXXX", path);
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  int fd;

  fd = g_mkstemp_full (temp_path, O_RDWR, 0666);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_IO,
                   _("Cannot write “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  while (length > 0)
    {
      ssize_t written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        {
          int saved_errno = errno;
          g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_IO,
                       _("Cannot write “%s”: %s"), path, g_strerror (saved_errno));
          close (fd);
          g_unlink (temp_path);
          return FALSE;
        }
      data += written;
      length -= written;
    }

  if (fsync (fd) != 0 || close (fd) != 0 || g_rename (temp_path, path) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_IO,
                   _("Cannot write “%s”: %s"), path, g_strerror (saved_errno));
      g_unlink (temp_path);
      return FALSE;
    }

  return TRUE;
}

gboolean
involve_xml_write_file (GPtrArray   *records,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (records != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  bytes = involve_xml_serialise (records, error);
  if (bytes == NULL)
    return FALSE;
  return involve_export_write_atomically (path, bytes, error);
}

/* Reading safely */

typedef struct
{
  int      depth;
  gboolean too_deep;
  gboolean has_dtd;
} Guard;

static void
guard_internal_subset (void          *ctx,
                       const xmlChar *name,
                       const xmlChar *external_id,
                       const xmlChar *system_id)
{
  xmlParserCtxtPtr parser = ctx;
  Guard *guard = parser->_private;

  guard->has_dtd = TRUE;
  xmlStopParser (parser);
}

static void
guard_entity_decl (void          *ctx,
                   const xmlChar *name,
                   int            type,
                   const xmlChar *public_id,
                   const xmlChar *system_id,
                   xmlChar       *content)
{
  xmlParserCtxtPtr parser = ctx;
  Guard *guard = parser->_private;

  guard->has_dtd = TRUE;
  xmlStopParser (parser);
}

static void
guard_start_element (void           *ctx,
                     const xmlChar  *localname,
                     const xmlChar  *prefix,
                     const xmlChar  *uri,
                     int             n_namespaces,
                     const xmlChar **namespaces,
                     int             n_attributes,
                     int             n_defaulted,
                     const xmlChar **attributes)
{
  xmlParserCtxtPtr parser = ctx;
  Guard *guard = parser->_private;

  if (++guard->depth > INVOLVE_EXPORT_MAX_DEPTH)
    {
      guard->too_deep = TRUE;
      xmlStopParser (parser);
      return;
    }
  xmlSAX2StartElementNs (ctx, localname, prefix, uri, n_namespaces, namespaces,
                         n_attributes, n_defaulted, attributes);
}

static void
guard_end_element (void          *ctx,
                   const xmlChar *localname,
                   const xmlChar *prefix,
                   const xmlChar *uri)
{
  xmlParserCtxtPtr parser = ctx;
  Guard *guard = parser->_private;

  guard->depth--;
  xmlSAX2EndElementNs (ctx, localname, prefix, uri);
}

xmlDocPtr
_involve_exchange_parse_safely (GBytes      *data,
                           const char  *name,
                           GError     **error)
{
  Guard guard = { 0, FALSE, FALSE };
  xmlParserCtxtPtr parser;
  xmlDocPtr doc;
  gsize length;
  const char *bytes = g_bytes_get_data (data, &length);
  const char *end = NULL;

  if (length > INVOLVE_EXPORT_MAX_FILE_SIZE)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_HOSTILE,
                   _("“%s” is too large (%zu MiB; the limit is %d MiB)."),
                   name, length / (1024 * 1024), INVOLVE_EXPORT_MAX_FILE_SIZE / (1024 * 1024));
      return NULL;
    }

  if (length == 0)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_MALFORMED,
                   _("“%s” is empty."), name);
      return NULL;
    }

  /* Before anything reads the whole file. */
  if (!_involve_exchange_check_limits (bytes, length, name, error))
    return NULL;

  if (!g_utf8_validate (bytes, length, &end))
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_HOSTILE,
                   _("“%s” is not valid UTF-8 text (at byte %zu)."),
                   name, (gsize) (end - bytes));
      return NULL;
    }

  xmlInitParser ();
  parser = xmlNewParserCtxt ();
  if (parser == NULL)
    {
      g_set_error_literal (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FAILED,
                           _("Out of memory"));
      return NULL;
    }

  parser->_private = &guard;
  parser->sax->internalSubset = guard_internal_subset;
  parser->sax->entityDecl = guard_entity_decl;
  parser->sax->startElementNs = guard_start_element;
  parser->sax->endElementNs = guard_end_element;

  /* No entity substitution, no DTD loading, no network, no XInclude, no huge mode. */
  doc = xmlCtxtReadMemory (parser, bytes, (int) length, name, "UTF-8",
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                           XML_PARSE_NOCDATA);

  if (guard.has_dtd || (doc != NULL && (doc->intSubset != NULL || doc->extSubset != NULL)))
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_HOSTILE,
                   _("“%s” contains a document type declaration (DTD). Involve files never do; "
                     "it was refused because DTDs can reach outside files or expand without "
                     "limit."), name);
      g_clear_pointer (&doc, xmlFreeDoc);
    }
  else if (guard.too_deep)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_HOSTILE,
                   _("“%s” nests elements more than %d deep; it was refused."),
                   name, INVOLVE_EXPORT_MAX_DEPTH);
      g_clear_pointer (&doc, xmlFreeDoc);
    }
  else if (doc == NULL || !parser->wellFormed)
    {
      const xmlError *last = xmlCtxtGetLastError (parser);
      g_autofree char *message = g_strchomp (g_strdup (last != NULL && last->message != NULL ?
                                                       last->message : _("unknown error")));

      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_MALFORMED,
                   _("“%s” is not well-formed XML: line %d: %s"), name,
                   last != NULL ? last->line : 0, message);
      g_clear_pointer (&doc, xmlFreeDoc);
    }

  parser->_private = NULL;
  xmlFreeParserCtxt (parser);

  if (doc == NULL)
    return NULL;

  if (!_involve_exchange_validate (doc, name, error))
    {
      xmlFreeDoc (doc);
      return NULL;
    }

  return doc;
}

/* Reading the tree (already checked against the schema) */

InvolveSignOff *
_involve_exchange_read_sign_off (xmlNodePtr   node,
                            GError     **error)
{
  g_autoptr(InvolveSignOff) sign_off = involve_sign_off_new ();
  xmlNodePtr reviewer = _involve_exchange_child (node, "reviewer");
  g_autofree char *decided_at = _involve_exchange_prop (node, "decided-at");

  sign_off->decision = _involve_exchange_prop (node, "decision");
  sign_off->fingerprint = _involve_exchange_prop (node, "fingerprint");
  if (decided_at != NULL && !get_time_prop (node, "decided-at", &sign_off->decided_at_usec, error))
    return NULL;

  sign_off->reviewer_name = _involve_exchange_text (_involve_exchange_child (reviewer, "name"));
  sign_off->reviewer_job_title = _involve_exchange_text (_involve_exchange_child (reviewer, "job-title"));
  sign_off->reviewer_email = _involve_exchange_text (_involve_exchange_child (reviewer, "email"));
  sign_off->reviewer_team = _involve_exchange_text (_involve_exchange_child (reviewer, "team"));
  sign_off->date = _involve_exchange_text (_involve_exchange_child (node, "date"));
  sign_off->comments = _involve_exchange_text (_involve_exchange_child (node, "comments"));

  if (sign_off->date != NULL)
    {
      g_autoptr(GDateTime) parsed = NULL;
      g_autofree char *midnight = g_strdup_printf ("%sT00:00:00Z", sign_off->date);

      parsed = g_date_time_new_from_iso8601 (midnight, NULL);
      if (parsed == NULL)
        {
          g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                       _("Line %ld: “%s” is not a date."), xmlGetLineNo (node), sign_off->date);
          return NULL;
        }
    }

  return g_steal_pointer (&sign_off);
}

static GVariant *
read_value (xmlNodePtr   node,
            GError     **error)
{
  xmlNodePtr child = _involve_exchange_child (node, NULL);

  if (child == NULL)
    return NULL;

  if (xmlStrEqual (child->name, (const xmlChar *) "text"))
    {
      g_autofree char *text = _involve_exchange_text (child);
      return g_variant_new_string (text);
    }

  if (xmlStrEqual (child->name, (const xmlChar *) "yes-no"))
    {
      g_autofree char *text = _involve_exchange_text (child);
      return g_variant_new_boolean (g_strcmp0 (text, "yes") == 0);
    }

  if (xmlStrEqual (child->name, (const xmlChar *) "choices"))
    {
      GVariantBuilder builder;

      g_variant_builder_init (&builder, G_VARIANT_TYPE_STRING_ARRAY);
      for (xmlNodePtr choice = _involve_exchange_child (child, "choice"); choice != NULL;
           choice = _involve_exchange_next (choice->next, "choice"))
        {
          g_autofree char *text = _involve_exchange_text (choice);
          g_variant_builder_add (&builder, "s", text);
        }
      return g_variant_builder_end (&builder);
    }

  if (xmlStrEqual (child->name, (const xmlChar *) "table"))
    {
      GVariantBuilder builder;

      g_variant_builder_init (&builder, G_VARIANT_TYPE ("aas"));
      for (xmlNodePtr row = _involve_exchange_child (child, "row"); row != NULL;
           row = _involve_exchange_next (row->next, "row"))
        {
          g_variant_builder_open (&builder, G_VARIANT_TYPE_STRING_ARRAY);
          for (xmlNodePtr cell = _involve_exchange_child (row, "cell"); cell != NULL;
               cell = _involve_exchange_next (cell->next, "cell"))
            {
              g_autofree char *text = _involve_exchange_text (cell);
              g_variant_builder_add (&builder, "s", text);
            }
          g_variant_builder_close (&builder);
        }
      return g_variant_builder_end (&builder);
    }

  g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
               _("Line %ld: unknown value type “%s”."), xmlGetLineNo (child),
               (const char *) child->name);
  return NULL;
}

InvolveRecord *
_involve_exchange_read_version (xmlNodePtr   node,
                           const char  *uuid,
                           const char  *reference,
                           const char  *framework_id,
                           char       **fingerprint_out,
                           GError     **error)
{
  g_autoptr(InvolveRecord) record = g_object_new (INVOLVE_TYPE_RECORD, NULL);
  g_autofree char *number = _involve_exchange_prop (node, "number");
  g_autofree char *status_text = _involve_exchange_prop (node, "status");
  g_autofree char *fingerprint = _involve_exchange_prop (node, "fingerprint");
  g_autofree char *computed = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  xmlNodePtr reason = _involve_exchange_child (node, "status-reason");
  xmlNodePtr sign_off_node = _involve_exchange_child (node, "sign-off");
  InvolveStatus status;
  gint64 created = 0;
  guint64 version_number = 0;

  if (!g_ascii_string_to_unsigned (number, 10, 1, G_MAXUINT, &version_number, NULL) ||
      !involve_status_from_string (status_text, &status) ||
      !get_time_prop (node, "created", &created, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                     _("Line %ld: the version’s number or status is not valid."),
                     xmlGetLineNo (node));
      return NULL;
    }

  involve_record_set_uuid (record, uuid);
  involve_record_set_reference (record, reference);
  involve_record_set_framework_id (record, framework_id);
  involve_record_set_version (record, (guint) version_number);
  involve_record_set_status (record, status);
  involve_record_set_created_usec (record, created);

  if (reason != NULL)
    {
      g_autofree char *text = _involve_exchange_text (reason);
      involve_record_set_status_reason (record, text);
    }

  for (xmlNodePtr value = _involve_exchange_child (_involve_exchange_child (node, "values"), "value");
       value != NULL; value = _involve_exchange_next (value->next, "value"))
    {
      g_autofree char *field_id = _involve_exchange_prop (value, "field");
      g_autoptr(GVariant) variant = NULL;
      gint64 modified = 0;

      if (field_id == NULL || g_hash_table_contains (seen, field_id))
        {
          g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                       _("Line %ld: the field “%s” has two values in one version."),
                       xmlGetLineNo (value), field_id != NULL ? field_id : "");
          return NULL;
        }
      if (!get_time_prop (value, "modified", &modified, error))
        return NULL;
      variant = read_value (value, error);
      if (variant == NULL)
        return NULL;

      involve_record_set_value_full (record, field_id, g_variant_ref_sink (variant), modified);
      g_hash_table_add (seen, g_steal_pointer (&field_id));
    }

  if (sign_off_node != NULL)
    {
      g_autoptr(InvolveSignOff) sign_off = _involve_exchange_read_sign_off (sign_off_node, error);

      if (sign_off == NULL)
        return NULL;
      involve_record_set_sign_off (record, sign_off);
    }

  /* The fingerprint must be that of the content, for every version. */
  computed = involve_fingerprint_compute (record);
  if (!involve_fingerprint_equal (computed, fingerprint))
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT,
                   _("Line %ld: version %u of %s does not match its fingerprint: its content "
                     "was changed after it was exported."),
                   xmlGetLineNo (node), (guint) version_number, reference);
      return NULL;
    }

  if (status == INVOLVE_STATUS_SIGNED_OFF || status == INVOLVE_STATUS_SUPERSEDED)
    {
      const InvolveSignOff *sign_off = involve_record_get_sign_off (record);

      if (sign_off == NULL || g_strcmp0 (sign_off->decision, "signed-off") != 0 ||
          !involve_fingerprint_equal (sign_off->fingerprint, computed))
        {
          g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT,
                       _("Line %ld: version %u of %s is marked signed off, but its sign-off "
                         "is missing or was given for other content."),
                       xmlGetLineNo (node), (guint) version_number, reference);
          return NULL;
        }
    }

  if (fingerprint_out != NULL)
    *fingerprint_out = g_steal_pointer (&computed);
  return g_steal_pointer (&record);
}

static char *
optional_text (xmlNodePtr  node,
               const char *name)
{
  xmlNodePtr child = _involve_exchange_child (node, name);

  return child != NULL ? _involve_exchange_text (child) : NULL;
}

static InvolveAuditEntry *
read_audit_entry (xmlNodePtr   node,
                  GError     **error)
{
  g_autoptr(InvolveAuditEntry) entry = g_new0 (InvolveAuditEntry, 1);
  g_autofree char *id = _involve_exchange_prop (node, "id");
  g_autofree char *version = _involve_exchange_prop (node, "version");
  guint64 number = 0;

  if (!g_ascii_string_to_unsigned (id, 10, 1, G_MAXINT64, &number, NULL))
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                   _("Line %ld: “%s” is not an audit entry number."), xmlGetLineNo (node),
                   id != NULL ? id : "");
      return NULL;
    }
  entry->id = (gint64) number;

  if (version != NULL)
    {
      if (!g_ascii_string_to_unsigned (version, 10, 1, G_MAXUINT, &number, NULL))
        {
          g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                       _("Line %ld: “%s” is not a version number."), xmlGetLineNo (node), version);
          return NULL;
        }
      entry->version = (guint) number;
    }

  if (!get_time_prop (node, "at", &entry->time_usec, error))
    return NULL;

  entry->kind = _involve_exchange_prop (node, "kind");
  entry->record_uuid = _involve_exchange_prop (node, "record");
  entry->field_id = _involve_exchange_prop (node, "field");
  entry->prev_hash = _involve_exchange_prop (node, "previous-hash");
  entry->hash = _involve_exchange_prop (node, "hash");
  entry->account = optional_text (node, "account");
  entry->profile = optional_text (node, "profile");
  entry->old_value = optional_text (node, "old-value");
  entry->new_value = optional_text (node, "new-value");
  entry->details = optional_text (node, "details");
  return g_steal_pointer (&entry);
}

/* The <entry> children of @node, appended to @entries. */
static gboolean
read_audit_entries (xmlNodePtr   node,
                    GPtrArray   *entries,
                    GError     **error)
{
  for (xmlNodePtr entry = _involve_exchange_child (node, "entry"); entry != NULL;
       entry = _involve_exchange_next (entry->next, "entry"))
    {
      InvolveAuditEntry *view = read_audit_entry (entry, error);

      if (view == NULL)
        return FALSE;
      g_ptr_array_add (entries, view);
    }
  return TRUE;
}

static InvolveExchangeRecord *
read_record (xmlNodePtr   node,
             GError     **error)
{
  g_autoptr(InvolveExchangeRecord) record = involve_exchange_record_new ();
  g_autofree char *uuid = _involve_exchange_prop (node, "uuid");
  g_autofree char *reference = _involve_exchange_prop (node, "reference");
  g_autofree char *framework_id = _involve_exchange_prop (node, "framework");
  guint expected = 1;

  for (xmlNodePtr child = _involve_exchange_child (node, "version"); child != NULL;
       child = _involve_exchange_next (child->next, "version"))
    {
      char *fingerprint = NULL;
      InvolveRecord *version = _involve_exchange_read_version (child, uuid, reference, framework_id,
                                                          &fingerprint, error);

      if (version == NULL)
        return NULL;
      g_ptr_array_add (record->versions, version);
      g_ptr_array_add (record->fingerprints, fingerprint);

      if (involve_record_get_version (version) != expected)
        {
          g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                       _("Line %ld: %s should have version %u here, not %u."),
                       xmlGetLineNo (child), reference, expected,
                       involve_record_get_version (version));
          return NULL;
        }
      expected++;
    }

  if (!read_audit_entries (_involve_exchange_child (node, "audit-trail"), record->audit, error))
    return NULL;

  for (xmlNodePtr child = _involve_exchange_child (node, "imported-trail"); child != NULL;
       child = _involve_exchange_next (child->next, "imported-trail"))
    {
      g_autofree char *source = optional_text (child, "source");
      g_autofree char *kept_by = _involve_exchange_prop (child, "kept-by");
      g_autoptr(InvolveImportedTrail) trail = NULL;
      gint64 imported_at = 0;
      guint64 number = 0;

      if (!get_time_prop (child, "imported-at", &imported_at, error))
        return NULL;
      trail = involve_imported_trail_new (uuid, source, imported_at);
      if (kept_by != NULL)
        {
          if (!g_ascii_string_to_unsigned (kept_by, 10, 1, G_MAXINT64, &number, NULL))
            {
              g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                           _("Line %ld: “%s” is not an audit entry number."), xmlGetLineNo (child),
                           kept_by);
              return NULL;
            }
          trail->import_id = (gint64) number;
        }
      if (!read_audit_entries (child, trail->entries, error))
        return NULL;
      g_ptr_array_add (record->imported_trails, g_steal_pointer (&trail));
    }

  return g_steal_pointer (&record);
}

GPtrArray *
involve_xml_parse (GBytes      *data,
                   const char  *name,
                   GError     **error)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GHashTable) uuids = NULL;
  xmlDocPtr doc;
  xmlNodePtr root;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (name == NULL)
    name = _("the XML document");

  doc = _involve_exchange_parse_safely (data, name, error);
  if (doc == NULL)
    return NULL;

  root = xmlDocGetRootElement (doc);
  if (!xmlStrEqual (root->name, (const xmlChar *) "involve-exchange"))
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                   _("“%s” is an Involve %s file, not a register export."), name,
                   (const char *) root->name);
      xmlFreeDoc (doc);
      return NULL;
    }

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_exchange_record_free);
  uuids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (xmlNodePtr node = _involve_exchange_child (root, "record"); node != NULL;
       node = _involve_exchange_next (node->next, "record"))
    {
      InvolveExchangeRecord *record = read_record (node, error);
      const char *uuid;

      if (record == NULL)
        {
          xmlFreeDoc (doc);
          return NULL;
        }
      g_ptr_array_add (records, record);

      uuid = involve_record_get_uuid (g_ptr_array_index (record->versions, 0));
      if (!g_hash_table_add (uuids, g_ascii_strdown (uuid, -1)))
        {
          g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                       _("“%s” holds the record %s twice."), name, uuid);
          xmlFreeDoc (doc);
          return NULL;
        }
    }

  xmlFreeDoc (doc);
  return g_steal_pointer (&records);
}

GBytes *
involve_export_read_file (const char  *path,
                          GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  GStatBuf info;

  if (g_stat (path, &info) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_IO,
                   _("Cannot read “%s”: %s"), path, g_strerror (saved_errno));
      return NULL;
    }
  if (!S_ISREG (info.st_mode))
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_IO,
                   _("“%s” is not a regular file."), path);
      return NULL;
    }
  if (info.st_size > INVOLVE_EXPORT_MAX_FILE_SIZE)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_HOSTILE,
                   _("“%s” is too large (%lld MiB; the limit is %d MiB)."), path,
                   (long long) info.st_size / (1024 * 1024),
                   INVOLVE_EXPORT_MAX_FILE_SIZE / (1024 * 1024));
      return NULL;
    }

  mapped = g_mapped_file_new (path, FALSE, error);
  if (mapped == NULL)
    return NULL;
  return g_mapped_file_get_bytes (mapped);
}

GPtrArray *
involve_xml_read_file (const char  *path,
                       GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  bytes = involve_export_read_file (path, error);
  return bytes != NULL ? involve_xml_parse (bytes, path, error) : NULL;
}
