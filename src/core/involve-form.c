/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-form"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>

#include "involve-form.h"
#include "involve-definitions-private.h"

G_DEFINE_QUARK (involve-form-error-quark, involve_form_error)

typedef struct
{
  InvolveSection *section;
  guint           index;   /* position among the section's fields and refs */
  char           *ref;
  guint           line;
} FieldRef;

struct _InvolveForm
{
  GObject     parent_instance;

  char       *id;
  char       *title;
  char       *source;
  char       *intro;
  char       *name;
  guint       version;
  guint       line;           /* of the root element */

  GPtrArray  *sections;       /* InvolveSection*, owned */
  GPtrArray  *own_fields;     /* InvolveField*, owned */
  GHashTable *fields;         /* id -> InvolveField*, own and resolved refs */
  GHashTable *field_sections; /* id -> InvolveSection* */
  GHashTable *lines;          /* field or section id -> line */
  GPtrArray  *refs;           /* FieldRef*, unresolved */
};

G_DEFINE_FINAL_TYPE (InvolveForm, involve_form, G_TYPE_OBJECT)

static const struct {
  const char *name;
  const char *variant_type;
} field_types[] = {
  [INVOLVE_FIELD_TEXT] = { "text", "s" },
  [INVOLVE_FIELD_LONG_TEXT] = { "long-text", "s" },
  [INVOLVE_FIELD_YES_NO] = { "yes-no", "b" },
  [INVOLVE_FIELD_CHOICE] = { "choice", "s" },
  [INVOLVE_FIELD_MULTI_CHOICE] = { "multi-choice", "as" },
  [INVOLVE_FIELD_DATE] = { "date", "s" },
  [INVOLVE_FIELD_TABLE] = { "table", "aas" },
};

const char *
involve_field_type_to_string (InvolveFieldType type)
{
  g_return_val_if_fail (type <= INVOLVE_FIELD_TABLE, NULL);
  return field_types[type].name;
}

gboolean
involve_field_type_from_string (const char       *string,
                                InvolveFieldType *type)
{
  g_return_val_if_fail (type != NULL, FALSE);

  if (string == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (field_types); i++)
    {
      if (g_str_equal (string, field_types[i].name))
        {
          *type = (InvolveFieldType) i;
          return TRUE;
        }
    }

  return FALSE;
}

const GVariantType *
involve_field_type_get_variant_type (InvolveFieldType type)
{
  g_return_val_if_fail (type <= INVOLVE_FIELD_TABLE, NULL);
  return G_VARIANT_TYPE (field_types[type].variant_type);
}

gboolean
involve_condition_is_set (const InvolveCondition *condition)
{
  return condition != NULL && condition->kind != INVOLVE_CONDITION_NONE;
}

const char *
involve_condition_kind_to_string (InvolveConditionKind kind)
{
  switch (kind)
    {
    case INVOLVE_CONDITION_NONE:
      return "none";
    case INVOLVE_CONDITION_FIELD_EQUALS:
      return "field-equals";
    case INVOLVE_CONDITION_OUTCOME:
      return "outcome";
    case INVOLVE_CONDITION_DEPARTS_FROM_OUTCOME:
      return "departs-from-outcome";
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Structs */

InvolveOption *
_involve_option_new (const char *id,
                     const char *label,
                     const char *help)
{
  InvolveOption *option = g_new0 (InvolveOption, 1);

  option->id = g_strdup (id);
  option->label = g_strdup (label);
  option->help = g_strdup (help);

  return option;
}

static void
option_free (gpointer data)
{
  InvolveOption *option = data;

  g_free (option->id);
  g_free (option->label);
  g_free (option->help);
  g_free (option);
}

static void
column_free (gpointer data)
{
  InvolveColumn *column = data;

  g_free (column->id);
  g_free (column->label);
  g_free (column);
}

static void
condition_clear (InvolveCondition *condition)
{
  g_clear_pointer (&condition->field_id, g_free);
  g_clear_pointer (&condition->value, g_free);
  condition->kind = INVOLVE_CONDITION_NONE;
}

static void
condition_free (gpointer data)
{
  condition_clear (data);
  g_free (data);
}

static void
field_free (gpointer data)
{
  InvolveField *field = data;

  g_free (field->id);
  g_free (field->label);
  g_free (field->help);
  g_free (field->guidance_ref);
  condition_clear (&field->required_when);
  g_clear_pointer (&field->required_when_also, g_ptr_array_unref);
  condition_clear (&field->shown_when);
  g_free (field->options_list);
  g_clear_pointer (&field->options, g_ptr_array_unref);
  g_clear_pointer (&field->columns, g_ptr_array_unref);
  g_free (field->form_id);
  g_free (field);
}

static void
example_free (gpointer data)
{
  InvolveExample *example = data;

  g_free (example->title);
  g_free (example->text);
  g_free (example);
}

static void
section_free (gpointer data)
{
  InvolveSection *section = data;

  g_free (section->id);
  g_free (section->title);
  g_free (section->intro);
  g_free (section->guidance);
  g_free (section->guidance_ref);
  g_clear_pointer (&section->examples, g_ptr_array_unref);
  g_clear_pointer (&section->fields, g_ptr_array_unref);
  condition_clear (&section->shown_when);
  g_free (section);
}

static void
field_ref_free (gpointer data)
{
  FieldRef *ref = data;

  g_free (ref->ref);
  g_free (ref);
}

/* XML helpers */

typedef struct
{
  char  *file;
  int    line;
  char  *message;
  guint  count;
} ErrorCollector;

static void
error_collector_clear (ErrorCollector *collector)
{
  g_clear_pointer (&collector->file, g_free);
  g_clear_pointer (&collector->message, g_free);
  collector->line = 0;
  collector->count = 0;
}

static void
collect_structured_error_cb (void        *user_data,
                             xmlErrorPtr  error)
{
  ErrorCollector *collector = user_data;

  if (error == NULL || error->level == XML_ERR_WARNING)
    return;

  /* Keep the first error: later ones are usually consequences. */
  if (collector->count++ > 0)
    return;

  collector->file = g_strdup (error->file);
  collector->line = error->line;
  if (error->line == 0 && error->node != NULL)
    collector->line = (int) xmlGetLineNo ((xmlNode *) error->node);
  collector->message = g_strstrip (g_strdup (error->message != NULL ? error->message : ""));
}

static GBytes *
lookup_schema (const char  *schema_name,
               GError     **error)
{
  g_autofree char *path = g_strconcat (INVOLVE_DATA_RESOURCE_PREFIX "/schemas/", schema_name, NULL);
  g_autoptr(GError) local_error = NULL;
  GBytes *bytes;

  bytes = g_resource_lookup_data (involve_data_get_resource (), path,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
  if (bytes == NULL)
    g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_NOT_FOUND,
                 _("Schema %s is missing: %s"), path, local_error->message);

  return bytes;
}

static guint
doctype_line (GBytes *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  const char *found = g_strstr_len (data, (gssize) size, "<!DOCTYPE");
  guint line = 1;

  for (const char *p = data; found != NULL && p < found; p++)
    if (*p == '\n')
      line++;

  return line;
}

xmlDoc *
_involve_xml_read (GBytes      *bytes,
                   const char  *name,
                   GError     **error)
{
  xmlStructuredErrorFunc old_handler = xmlStructuredError;
  void *old_context = xmlStructuredErrorContext;
  ErrorCollector collector = { 0, };
  xmlDoc *doc = NULL;
  const char *data;
  gsize size;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  data = g_bytes_get_data (bytes, &size);
  if (size > INVOLVE_DEFINITION_MAX_BYTES)
    {
      g_autofree char *size_text = g_format_size (size);

      g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_MALFORMED,
                   _("%s:1: the file is too large (%s)"), name, size_text);
      return NULL;
    }
  if (size == 0 || data == NULL)
    {
      g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_MALFORMED,
                   _("%s:1: the file is empty"), name);
      return NULL;
    }

  xmlSetStructuredErrorFunc (&collector, collect_structured_error_cb);

  /* No network, no DTD loading, no entity substitution. */
  doc = xmlReadMemory (data, (int) size, name, NULL, XML_PARSE_NONET | XML_PARSE_NOCDATA);

  xmlSetStructuredErrorFunc (old_context, old_handler);

  if (doc == NULL || collector.count > 0)
    {
      g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_MALFORMED,
                   _("%s:%d: not well-formed XML: %s"),
                   name, collector.line,
                   collector.message != NULL ? collector.message : _("unknown error"));
      g_clear_pointer (&doc, xmlFreeDoc);
    }
  else if (doc->intSubset != NULL || doc->extSubset != NULL)
    {
      g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_MALFORMED,
                   _("%s:%u: document type declarations are not allowed"),
                   name, doctype_line (bytes));
      g_clear_pointer (&doc, xmlFreeDoc);
    }

  error_collector_clear (&collector);
  return doc;
}

gboolean
_involve_xml_validate (xmlDoc      *doc,
                       const char  *name,
                       const char  *schema_name,
                       GError     **error)
{
  xmlStructuredErrorFunc old_handler = xmlStructuredError;
  void *old_context = xmlStructuredErrorContext;
  ErrorCollector collector = { 0, };
  g_autoptr(GBytes) schema_bytes = NULL;
  xmlRelaxNGParserCtxtPtr parser_context = NULL;
  xmlRelaxNGValidCtxtPtr valid_context = NULL;
  xmlRelaxNGPtr schema = NULL;
  gboolean ret = FALSE;

  g_return_val_if_fail (doc != NULL, FALSE);
  g_return_val_if_fail (schema_name != NULL, FALSE);

  schema_bytes = lookup_schema (schema_name, error);
  if (schema_bytes == NULL)
    return FALSE;

  /* Also catch anything libxml2 reports through the global handler. */
  xmlSetStructuredErrorFunc (&collector, collect_structured_error_cb);

  parser_context = xmlRelaxNGNewMemParserCtxt (g_bytes_get_data (schema_bytes, NULL),
                                               (int) g_bytes_get_size (schema_bytes));
  xmlRelaxNGSetParserStructuredErrors (parser_context, collect_structured_error_cb, &collector);
  schema = xmlRelaxNGParse (parser_context);
  if (schema == NULL)
    {
      g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_NOT_FOUND,
                   _("Schema %s cannot be read: %s"), schema_name,
                   collector.message != NULL ? collector.message : _("unknown error"));
      goto out;
    }

  error_collector_clear (&collector);
  valid_context = xmlRelaxNGNewValidCtxt (schema);
  xmlRelaxNGSetValidStructuredErrors (valid_context, collect_structured_error_cb, &collector);
  if (xmlRelaxNGValidateDoc (valid_context, doc) != 0)
    {
      g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                   _("%s:%d: does not match the schema %s: %s"),
                   name, collector.line, schema_name,
                   collector.message != NULL ? collector.message : _("unknown error"));
      goto out;
    }

  ret = TRUE;

out:
  g_clear_pointer (&valid_context, xmlRelaxNGFreeValidCtxt);
  g_clear_pointer (&schema, xmlRelaxNGFree);
  g_clear_pointer (&parser_context, xmlRelaxNGFreeParserCtxt);
  xmlSetStructuredErrorFunc (old_context, old_handler);
  error_collector_clear (&collector);

  return ret;
}

xmlDoc *
_involve_xml_read_validated (GBytes      *bytes,
                             const char  *name,
                             const char  *schema_name,
                             GError     **error)
{
  xmlDoc *doc = _involve_xml_read (bytes, name, error);

  if (doc != NULL && !_involve_xml_validate (doc, name, schema_name, error))
    g_clear_pointer (&doc, xmlFreeDoc);

  return doc;
}

char *
_involve_xml_dup_text (xmlNode *node)
{
  g_autoptr(GString) out = NULL;
  g_auto(GStrv) lines = NULL;
  xmlChar *content;
  gboolean paragraph_break = FALSE;

  if (node == NULL)
    return NULL;

  content = xmlNodeGetContent (node);
  if (content == NULL)
    return NULL;

  /* Lines are joined with a space; a blank line separates paragraphs. */
  lines = g_strsplit ((const char *) content, "\n", -1);
  xmlFree (content);

  out = g_string_new (NULL);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (*line == '\0')
        {
          paragraph_break = out->len > 0;
          continue;
        }

      if (out->len > 0)
        g_string_append (out, paragraph_break ? "\n\n" : " ");
      paragraph_break = FALSE;

      /* Collapse runs of spaces and tabs inside a line. */
      for (const char *p = line; *p != '\0'; p++)
        {
          if ((*p == ' ' || *p == '\t') && out->len > 0 && out->str[out->len - 1] == ' ')
            continue;
          g_string_append_c (out, *p == '\t' ? ' ' : *p);
        }
    }

  if (out->len == 0)
    return NULL;

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The msgid xgettext writes for a text: all whitespace collapsed. */
static char *
collapse_whitespace (const char *text)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          if (out->len > 0 && out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
        }
      else
        g_string_append_c (out, *p);
    }

  if (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
translate (char *text)
{
  g_autofree char *msgid = NULL;
  const char *translated;

  if (text == NULL)
    return NULL;

  msgid = collapse_whitespace (text);
  translated = g_dgettext (GETTEXT_PACKAGE, msgid);
  if (translated == msgid)
    return text;

  g_free (text);
  return g_strdup (translated);
}

char *
_involve_xml_dup_translated (xmlNode *node)
{
  return translate (_involve_xml_dup_text (node));
}

char *
_involve_xml_dup_translated_prop (xmlNode    *node,
                                  const char *name)
{
  return translate (_involve_xml_dup_prop (node, name));
}

char *
_involve_xml_dup_prop (xmlNode    *node,
                       const char *name)
{
  xmlChar *value;
  char *result;

  if (node == NULL)
    return NULL;

  value = xmlGetProp (node, (const xmlChar *) name);
  if (value == NULL)
    return NULL;

  result = g_strdup ((const char *) value);
  xmlFree (value);

  return g_strstrip (result);
}

gboolean
_involve_xml_get_boolean (xmlNode    *node,
                          const char *name,
                          gboolean    default_value)
{
  g_autofree char *value = _involve_xml_dup_prop (node, name);

  if (value == NULL)
    return default_value;

  return g_str_equal (value, "true") || g_str_equal (value, "1");
}

xmlNode *
_involve_xml_next_element (xmlNode *node)
{
  for (node = node != NULL ? node->next : NULL; node != NULL; node = node->next)
    if (node->type == XML_ELEMENT_NODE)
      return node;

  return NULL;
}

static xmlNode *
first_element (xmlNode *parent)
{
  for (xmlNode *node = parent != NULL ? parent->children : NULL; node != NULL; node = node->next)
    if (node->type == XML_ELEMENT_NODE)
      return node;

  return NULL;
}

static gboolean
node_is (xmlNode    *node,
         const char *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE &&
         xmlStrcmp (node->name, (const xmlChar *) name) == 0;
}

xmlNode *
_involve_xml_first_child (xmlNode    *node,
                          const char *name)
{
  for (xmlNode *child = first_element (node); child != NULL; child = _involve_xml_next_element (child))
    if (node_is (child, name))
      return child;

  return NULL;
}

static guint
node_line (xmlNode *node)
{
  long line = xmlGetLineNo (node);

  return line > 0 ? (guint) line : 0;
}

/* Parsing */

static void
parse_condition (xmlNode          *node,
                 InvolveCondition *condition)
{
  g_autofree char *field = _involve_xml_dup_prop (node, "field");
  g_autofree char *outcome = _involve_xml_dup_prop (node, "outcome");
  g_autofree char *departs = _involve_xml_dup_prop (node, "departs-from-outcome");

  if (field != NULL)
    {
      condition->kind = INVOLVE_CONDITION_FIELD_EQUALS;
      condition->field_id = g_steal_pointer (&field);
      condition->value = _involve_xml_dup_prop (node, "equals");
    }
  else if (outcome != NULL)
    {
      condition->kind = INVOLVE_CONDITION_OUTCOME;
      condition->value = g_steal_pointer (&outcome);
    }
  else if (departs != NULL)
    {
      condition->kind = INVOLVE_CONDITION_DEPARTS_FROM_OUTCOME;
      condition->field_id = g_steal_pointer (&departs);
    }
}

static gboolean
set_line_unique (InvolveForm  *self,
                 const char   *kind,
                 const char   *id,
                 xmlNode      *node,
                 GError      **error)
{
  gpointer first_line;

  if (g_hash_table_lookup_extended (self->lines, id, NULL, &first_line))
    {
      g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                   _("%s:%u: the id “%s” of this %s is already used on line %u"),
                   self->name, node_line (node), id, kind, GPOINTER_TO_UINT (first_line));
      return FALSE;
    }

  g_hash_table_insert (self->lines, g_strdup (id), GUINT_TO_POINTER (node_line (node)));
  return TRUE;
}

static InvolveField *
parse_field (InvolveForm  *self,
             xmlNode      *node,
             GError      **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *type = _involve_xml_dup_prop (node, "type");
  InvolveField *field = g_new0 (InvolveField, 1);
  xmlNode *help;

  field->id = _involve_xml_dup_prop (node, "id");
  field->form_id = g_strdup (self->id);
  field->required = _involve_xml_get_boolean (node, "required", FALSE);
  field->personal = _involve_xml_get_boolean (node, "personal", FALSE);
  field->options_list = _involve_xml_dup_prop (node, "options-list");
  field->options = g_ptr_array_new_with_free_func (option_free);
  field->columns = g_ptr_array_new_with_free_func (column_free);
  field->required_when_also = g_ptr_array_new_with_free_func (condition_free);

  if (field->id == NULL || !involve_field_type_from_string (type, &field->type))
    {
      /* The schema forbids this; keep a clear message anyway. */
      g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                   _("%s:%u: field without a valid id or type"), self->name, node_line (node));
      field_free (field);
      return NULL;
    }

  field->label = _involve_xml_dup_translated (_involve_xml_first_child (node, "label"));
  help = _involve_xml_first_child (node, "help");
  field->help = _involve_xml_dup_translated (help);
  field->guidance_ref = _involve_xml_dup_prop (help, "ref");

  for (xmlNode *child = first_element (node); child != NULL; child = _involve_xml_next_element (child))
    {
      if (node_is (child, "required-when") && involve_condition_is_set (&field->required_when))
        {
          /* Another alternative: required when any of them holds. */
          InvolveCondition *also = g_new0 (InvolveCondition, 1);

          parse_condition (child, also);
          g_ptr_array_add (field->required_when_also, also);
          g_hash_table_insert (self->lines,
                               g_strdup_printf ("%s#required-when-%u", field->id, field->required_when_also->len),
                               GUINT_TO_POINTER (node_line (child)));
        }
      else if (node_is (child, "required-when") || node_is (child, "shown-when"))
        {
          parse_condition (child, node_is (child, "required-when") ? &field->required_when
                                                                   : &field->shown_when);
          g_hash_table_insert (self->lines,
                               g_strdup_printf ("%s#%s", field->id, (const char *) child->name),
                               GUINT_TO_POINTER (node_line (child)));
        }
      else if (node_is (child, "option") || node_is (child, "column"))
        {
          g_autofree char *id = _involve_xml_dup_prop (child, "id");
          g_autofree char *label = _involve_xml_dup_translated (_involve_xml_first_child (child, "label"));

          if (g_hash_table_contains (seen, id))
            {
              g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                           _("%s:%u: field “%s” has two %ss with the id “%s”"),
                           self->name, node_line (child), field->id, (const char *) child->name, id);
              field_free (field);
              return NULL;
            }
          g_hash_table_add (seen, g_strdup (id));

          if (node_is (child, "option"))
            {
              g_autofree char *option_help = _involve_xml_dup_translated (_involve_xml_first_child (child, "help"));

              g_ptr_array_add (field->options, _involve_option_new (id, label, option_help));
            }
          else
            {
              InvolveColumn *column = g_new0 (InvolveColumn, 1);

              column->id = g_steal_pointer (&id);
              column->label = g_steal_pointer (&label);
              g_ptr_array_add (field->columns, column);
            }
        }
    }

  if (field->required && involve_condition_is_set (&field->required_when))
    {
      g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                   _("%s:%u: field “%s” is both always required and required-when"),
                   self->name, node_line (node), field->id);
      field_free (field);
      return NULL;
    }

  return field;
}

static InvolveSection *
parse_section (InvolveForm  *self,
               xmlNode      *node,
               GError      **error)
{
  g_autofree char *id = _involve_xml_dup_prop (node, "id");
  InvolveSection *section;
  xmlNode *guidance;
  guint index = 0;

  if (id == NULL)
    {
      g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                   _("%s:%u: section without an id"), self->name, node_line (node));
      return NULL;
    }

  if (!set_line_unique (self, "section", id, node, error))
    return NULL;

  section = g_new0 (InvolveSection, 1);
  section->id = g_steal_pointer (&id);
  section->title = _involve_xml_dup_translated (_involve_xml_first_child (node, "title"));
  section->intro = _involve_xml_dup_translated (_involve_xml_first_child (node, "intro"));
  guidance = _involve_xml_first_child (node, "guidance");
  section->guidance = _involve_xml_dup_translated (guidance);
  section->guidance_ref = _involve_xml_dup_prop (guidance, "ref");
  section->examples = g_ptr_array_new_with_free_func (example_free);
  section->fields = g_ptr_array_new ();
  g_ptr_array_add (self->sections, section);

  for (xmlNode *child = first_element (node); child != NULL; child = _involve_xml_next_element (child))
    {
      if (node_is (child, "example"))
        {
          InvolveExample *example = g_new0 (InvolveExample, 1);

          example->title = _involve_xml_dup_translated_prop (child, "title");
          example->text = _involve_xml_dup_translated (child);
          g_ptr_array_add (section->examples, example);
        }
      else if (node_is (child, "shown-when"))
        {
          parse_condition (child, &section->shown_when);
          g_hash_table_insert (self->lines, g_strdup_printf ("%s#shown-when", section->id),
                               GUINT_TO_POINTER (node_line (child)));
        }
      else if (node_is (child, "field"))
        {
          InvolveField *field = parse_field (self, child, error);

          if (field == NULL)
            return NULL;

          if (!set_line_unique (self, "field", field->id, child, error))
            {
              field_free (field);
              return NULL;
            }

          g_ptr_array_add (self->own_fields, field);
          g_ptr_array_add (section->fields, field);
          g_hash_table_insert (self->fields, field->id, field);
          g_hash_table_insert (self->field_sections, field->id, section);
          index++;
        }
      else if (node_is (child, "field-ref"))
        {
          FieldRef *ref = g_new0 (FieldRef, 1);

          ref->section = section;
          ref->index = index++;
          ref->ref = _involve_xml_dup_prop (child, "ref");
          ref->line = node_line (child);
          g_ptr_array_add (self->refs, ref);
        }
    }

  return section;
}

static gboolean
precheck_fields (InvolveForm  *self,
                 xmlNode      *node,
                 GError      **error)
{
  for (xmlNode *child = first_element (node); child != NULL; child = _involve_xml_next_element (child))
    {
      if (node_is (child, "section") || node_is (child, "field-ref"))
        {
          const char *attribute = node_is (child, "section") ? "id" : "ref";
          g_autofree char *id = _involve_xml_dup_prop (child, attribute);

          if (id == NULL || *id == '\0')
            {
              g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                           _("%s:%u: this %s has no %s attribute"),
                           self->name, node_line (child), (const char *) child->name, attribute);
              return FALSE;
            }
        }

      if (node_is (child, "section") && !precheck_fields (self, child, error))
        return FALSE;

      if (node_is (child, "field"))
        {
          g_autofree char *id = _involve_xml_dup_prop (child, "id");
          g_autofree char *type = _involve_xml_dup_prop (child, "type");
          g_autofree char *options_list = _involve_xml_dup_prop (child, "options-list");
          InvolveFieldType field_type;

          if (id == NULL || *id == '\0')
            {
              g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                           _("%s:%u: this field has no id attribute"),
                           self->name, node_line (child));
              return FALSE;
            }

          if (!involve_field_type_from_string (type, &field_type))
            {
              g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                           _("%s:%u: field “%s” has the unknown type “%s” (expected text, long-text, yes-no, choice, multi-choice, date or table)"),
                           self->name, node_line (child), id, type != NULL ? type : "");
              return FALSE;
            }

          if ((field_type == INVOLVE_FIELD_CHOICE || field_type == INVOLVE_FIELD_MULTI_CHOICE) &&
              options_list == NULL && _involve_xml_first_child (child, "option") == NULL)
            {
              g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                           _("%s:%u: field “%s” is a %s but has no <option> elements and no options-list"),
                           self->name, node_line (child), id, type);
              return FALSE;
            }

          if (field_type == INVOLVE_FIELD_TABLE && _involve_xml_first_child (child, "column") == NULL)
            {
              g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                           _("%s:%u: table field “%s” has no <column> elements"),
                           self->name, node_line (child), id);
              return FALSE;
            }
        }
    }

  return TRUE;
}

static gboolean
involve_form_parse (InvolveForm  *self,
                    GBytes       *bytes,
                    gboolean      validate,
                    GError      **error)
{
  g_autofree char *version = NULL;
  xmlDoc *doc;
  xmlNode *root;
  gboolean ret = FALSE;

  doc = _involve_xml_read (bytes, self->name, error);
  if (doc == NULL)
    return FALSE;

  /* The schema's messages for these common slips are vague; say exactly
   * what is wrong first. */
  if (!precheck_fields (self, xmlDocGetRootElement (doc), error) ||
      (validate && !_involve_xml_validate (doc, self->name, "form.rng", error)))
    {
      xmlFreeDoc (doc);
      return FALSE;
    }

  root = xmlDocGetRootElement (doc);
  self->line = node_line (root);
  self->id = _involve_xml_dup_prop (root, "id");
  version = _involve_xml_dup_prop (root, "version");
  self->version = version != NULL ? (guint) g_ascii_strtoull (version, NULL, 10) : 1;
  self->title = _involve_xml_dup_translated (_involve_xml_first_child (root, "title"));
  self->source = _involve_xml_dup_text (_involve_xml_first_child (root, "source"));
  self->intro = _involve_xml_dup_translated (_involve_xml_first_child (root, "intro"));

  for (xmlNode *child = first_element (root); child != NULL; child = _involve_xml_next_element (child))
    {
      if (node_is (child, "section") && parse_section (self, child, error) == NULL)
        goto out;
    }

  /* A section made only of unresolved refs is fine; an empty form is not. */
  if (self->sections->len == 0)
    {
      g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                   _("%s:%u: the form has no sections"), self->name, node_line (root));
      goto out;
    }

  ret = TRUE;

out:
  xmlFreeDoc (doc);
  return ret;
}

/* GObject */

static void
involve_form_finalize (GObject *object)
{
  InvolveForm *self = (InvolveForm *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->intro, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->field_sections, g_hash_table_unref);
  g_clear_pointer (&self->fields, g_hash_table_unref);
  g_clear_pointer (&self->lines, g_hash_table_unref);
  g_clear_pointer (&self->refs, g_ptr_array_unref);
  g_clear_pointer (&self->sections, g_ptr_array_unref);
  g_clear_pointer (&self->own_fields, g_ptr_array_unref);

  G_OBJECT_CLASS (involve_form_parent_class)->finalize (object);
}

static void
involve_form_class_init (InvolveFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = involve_form_finalize;
}

static void
involve_form_init (InvolveForm *self)
{
  self->sections = g_ptr_array_new_with_free_func (section_free);
  self->own_fields = g_ptr_array_new_with_free_func (field_free);
  self->fields = g_hash_table_new (g_str_hash, g_str_equal);
  self->field_sections = g_hash_table_new (g_str_hash, g_str_equal);
  self->lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->refs = g_ptr_array_new_with_free_func (field_ref_free);
}

static InvolveForm *
involve_form_new (GBytes      *bytes,
                  const char  *name,
                  gboolean     validate,
                  GError     **error)
{
  g_autoptr(InvolveForm) self = g_object_new (INVOLVE_TYPE_FORM, NULL);

  self->name = g_strdup (name);
  if (!involve_form_parse (self, bytes, validate, error))
    return NULL;

  return g_steal_pointer (&self);
}

InvolveForm *
involve_form_new_from_bytes (GBytes      *bytes,
                             const char  *name,
                             GError     **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return involve_form_new (bytes, name, TRUE, error);
}

InvolveForm *
_involve_form_new_from_trusted_bytes (GBytes      *bytes,
                                      const char  *name,
                                      GError     **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return involve_form_new (bytes, name, FALSE, error);
}

InvolveForm *
involve_form_new_from_file (GFile   *file,
                            GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  name = g_file_get_parse_name (file);
  bytes = g_file_load_bytes (file, NULL, NULL, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_NOT_FOUND,
                   _("%s: cannot be read: %s"), name, local_error->message);
      return NULL;
    }

  return involve_form_new_from_bytes (bytes, name, error);
}

const char *
involve_form_get_id (InvolveForm *self)
{
  g_return_val_if_fail (INVOLVE_IS_FORM (self), NULL);
  return self->id;
}

const char *
involve_form_get_title (InvolveForm *self)
{
  g_return_val_if_fail (INVOLVE_IS_FORM (self), NULL);
  return self->title;
}

const char *
involve_form_get_source (InvolveForm *self)
{
  g_return_val_if_fail (INVOLVE_IS_FORM (self), NULL);
  return self->source;
}

const char *
involve_form_get_intro (InvolveForm *self)
{
  g_return_val_if_fail (INVOLVE_IS_FORM (self), NULL);
  return self->intro;
}

guint
involve_form_get_version (InvolveForm *self)
{
  g_return_val_if_fail (INVOLVE_IS_FORM (self), 0);
  return self->version;
}

const char *
involve_form_get_name (InvolveForm *self)
{
  g_return_val_if_fail (INVOLVE_IS_FORM (self), NULL);
  return self->name;
}

GPtrArray *
involve_form_get_sections (InvolveForm *self)
{
  g_return_val_if_fail (INVOLVE_IS_FORM (self), NULL);
  return self->sections;
}

const InvolveSection *
involve_form_lookup_section (InvolveForm *self,
                             const char  *section_id)
{
  g_return_val_if_fail (INVOLVE_IS_FORM (self), NULL);
  g_return_val_if_fail (section_id != NULL, NULL);

  for (guint i = 0; i < self->sections->len; i++)
    {
      const InvolveSection *section = g_ptr_array_index (self->sections, i);

      if (g_str_equal (section->id, section_id))
        return section;
    }

  return NULL;
}

const InvolveField *
involve_form_lookup_field (InvolveForm *self,
                           const char  *field_id)
{
  g_return_val_if_fail (INVOLVE_IS_FORM (self), NULL);
  g_return_val_if_fail (field_id != NULL, NULL);

  return g_hash_table_lookup (self->fields, field_id);
}

const InvolveSection *
involve_form_find_field_section (InvolveForm *self,
                                 const char  *field_id)
{
  g_return_val_if_fail (INVOLVE_IS_FORM (self), NULL);
  g_return_val_if_fail (field_id != NULL, NULL);

  return g_hash_table_lookup (self->field_sections, field_id);
}

/* Private */

GPtrArray *
_involve_form_get_own_fields (InvolveForm *self)
{
  g_return_val_if_fail (INVOLVE_IS_FORM (self), NULL);
  return self->own_fields;
}

guint
_involve_form_get_line (InvolveForm *self,
                        const char  *id)
{
  g_return_val_if_fail (INVOLVE_IS_FORM (self), 0);

  if (id == NULL)
    return self->line;

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->lines, id));
}

gboolean
_involve_form_resolve_refs (InvolveForm             *self,
                            InvolveFieldLookupFunc   lookup,
                            gpointer                 user_data,
                            GError                 **error)
{
  g_return_val_if_fail (INVOLVE_IS_FORM (self), FALSE);
  g_return_val_if_fail (lookup != NULL, FALSE);

  /* Refs are in document order, so inserting each at its recorded index
   * rebuilds the section's order. */
  for (guint i = 0; i < self->refs->len; i++)
    {
      FieldRef *ref = g_ptr_array_index (self->refs, i);
      const InvolveField *field = lookup (user_data, ref->ref);

      if (field == NULL)
        {
          g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                       _("%s:%u: field-ref “%s” does not name a field of any form"),
                       self->name, ref->line, ref->ref);
          return FALSE;
        }

      if (g_hash_table_contains (self->fields, field->id))
        {
          g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                       _("%s:%u: field “%s” appears twice in this form"),
                       self->name, ref->line, ref->ref);
          return FALSE;
        }

      g_ptr_array_insert (ref->section->fields, (int) MIN (ref->index, ref->section->fields->len),
                          (gpointer) field);
      g_hash_table_insert (self->fields, field->id, (gpointer) field);
      g_hash_table_insert (self->field_sections, field->id, ref->section);
    }

  g_ptr_array_set_size (self->refs, 0);
  return TRUE;
}
