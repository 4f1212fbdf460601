/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-definitions"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libxml/tree.h>

#include "involve-definitions.h"
#include "involve-definitions-private.h"

struct _InvolveDefinitions
{
  GObject    parent_instance;

  GPtrArray *forms;       /* InvolveForm*, wizard order */
  GPtrArray *frameworks;  /* InvolveFramework* */
  GPtrArray *lists;       /* InvolveReferenceList* */
};

G_DEFINE_FINAL_TYPE (InvolveDefinitions, involve_definitions, G_TYPE_OBJECT)

static const char * const form_ids[] = {
  INVOLVE_FORM_THREE_STEP_TEST,
  INVOLVE_FORM_APPENDIX_B,
  INVOLVE_FORM_APPENDIX_C,
};

/* Where the data comes from: a folder laid out like data/, or the resources. */
typedef struct
{
  GFile    *directory; /* NULL: resources */
  gboolean  validate;  /* against the RELAX NG schemas */
} Loader;

static xmlDoc *
loader_parse (Loader      *loader,
              GBytes      *bytes,
              const char  *name,
              const char  *schema_name,
              GError     **error)
{
  if (loader->validate)
    return _involve_xml_read_validated (bytes, name, schema_name, error);
  return _involve_xml_read (bytes, name, error);
}

static GBytes *
loader_read (Loader      *loader,
             const char  *relative_path,
             char       **name,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GBytes *bytes;

  if (loader->directory != NULL)
    {
      g_autoptr(GFile) file = g_file_resolve_relative_path (loader->directory, relative_path);

      *name = g_file_get_parse_name (file);
      bytes = g_file_load_bytes (file, NULL, NULL, &local_error);
    }
  else
    {
      g_autofree char *path = g_strconcat (INVOLVE_DATA_RESOURCE_PREFIX "/", relative_path, NULL);

      *name = g_strconcat ("resource://", path, NULL);
      bytes = g_resource_lookup_data (involve_data_get_resource (), path,
                                      G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
    }

  if (bytes == NULL)
    g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_NOT_FOUND,
                 _("%s: cannot be read: %s"), *name, local_error->message);

  return bytes;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Sorted names of the *.xml files in reference/. */
static GPtrArray *
loader_list_reference (Loader  *loader,
                       GError **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;

  if (loader->directory != NULL)
    {
      g_autoptr(GFile) folder = g_file_get_child (loader->directory, "reference");
      g_autoptr(GFileEnumerator) enumerator = NULL;
      GFileInfo *info;

      enumerator = g_file_enumerate_children (folder, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                              G_FILE_QUERY_INFO_NONE, NULL, &local_error);
      if (enumerator == NULL)
        {
          g_autofree char *name = g_file_get_parse_name (folder);

          g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_NOT_FOUND,
                       _("%s: cannot be read: %s"), name, local_error->message);
          return NULL;
        }

      while ((info = g_file_enumerator_next_file (enumerator, NULL, &local_error)) != NULL)
        {
          const char *name = g_file_info_get_name (info);

          if (g_str_has_suffix (name, ".xml"))
            g_ptr_array_add (names, g_strdup (name));
          g_object_unref (info);
        }

      if (local_error != NULL)
        {
          g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_NOT_FOUND,
                       "%s", local_error->message);
          return NULL;
        }
    }
  else
    {
      g_auto(GStrv) children = NULL;

      children = g_resource_enumerate_children (involve_data_get_resource (),
                                                INVOLVE_DATA_RESOURCE_PREFIX "/reference/",
                                                G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
      if (children == NULL)
        {
          g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_NOT_FOUND,
                       "%s", local_error->message);
          return NULL;
        }

      for (guint i = 0; children[i] != NULL; i++)
        if (g_str_has_suffix (children[i], ".xml"))
          g_ptr_array_add (names, g_strdup (children[i]));
    }

  g_ptr_array_sort (names, compare_strings);
  return g_steal_pointer (&names);
}

/* Frees */

static void
limb_free (gpointer data)
{
  InvolveLimb *limb = data;

  g_free (limb->id);
  g_free (limb->citation);
  g_free (limb->summary);
  g_free (limb);
}

static void
guidance_edition_free (gpointer data)
{
  InvolveGuidanceEdition *edition = data;

  g_free (edition->title);
  g_free (edition->edition);
  g_free (edition->publisher);
  g_free (edition->from);
  g_free (edition->until);
  g_free (edition);
}

static void
quotation_free (gpointer data)
{
  InvolveQuotation *quotation = data;

  g_free (quotation->citation);
  g_free (quotation->text);
  g_free (quotation->source);
  g_free (quotation->date);
  g_free (quotation);
}

static void
framework_free (gpointer data)
{
  InvolveFramework *framework = data;

  g_free (framework->id);
  g_free (framework->organisation_type);
  g_free (framework->organisation_label);
  g_free (framework->section);
  g_free (framework->act);
  g_free (framework->in_force_from);
  g_free (framework->in_force_until);
  g_free (framework->who_is_involved);
  g_free (framework->guidance_title);
  g_free (framework->guidance_edition);
  g_free (framework->special_administrator_citation);
  g_free (framework->annual_report_citation);
  g_free (framework->health_inequalities_citation);
  g_clear_pointer (&framework->limbs, g_ptr_array_unref);
  g_free (framework->in_force_note);
  g_free (framework->guidance_publisher);
  g_clear_pointer (&framework->guidance_editions, g_ptr_array_unref);
  g_free (framework->special_administrator_summary);
  g_free (framework->annual_report_summary);
  g_free (framework->health_inequalities_summary);
  g_clear_pointer (&framework->quotations, g_ptr_array_unref);
  g_free (framework);
}

static void
reference_item_free (gpointer data)
{
  InvolveReferenceItem *item = data;

  g_free (item->id);
  g_free (item->label);
  g_free (item->description);
  g_free (item);
}

static void
reference_list_free (gpointer data)
{
  InvolveReferenceList *list = data;

  g_free (list->id);
  g_free (list->title);
  g_free (list->source);
  g_clear_pointer (&list->items, g_ptr_array_unref);
  g_free (list);
}

/* Frameworks */

static guint
line_of (xmlNode *node)
{
  long line = xmlGetLineNo (node);

  return line > 0 ? (guint) line : 0;
}

static InvolveFramework *
parse_framework (xmlNode     *node,
                 const char  *name,
                 GError     **error)
{
  InvolveFramework *framework = g_new0 (InvolveFramework, 1);
  xmlNode *child;
  static const char * const expected_limbs[] = { "a", "b", "c" };

  framework->id = _involve_xml_dup_prop (node, "id");
  framework->limbs = g_ptr_array_new_with_free_func (limb_free);
  framework->guidance_editions = g_ptr_array_new_with_free_func (guidance_edition_free);
  framework->quotations = g_ptr_array_new_with_free_func (quotation_free);

  child = _involve_xml_first_child (node, "organisation");
  framework->organisation_type = _involve_xml_dup_prop (child, "type");
  framework->organisation_label = _involve_xml_dup_translated (child);

  child = _involve_xml_first_child (node, "duty");
  framework->section = _involve_xml_dup_prop (child, "section");
  framework->act = _involve_xml_dup_prop (child, "act");

  child = _involve_xml_first_child (node, "in-force");
  framework->in_force_from = _involve_xml_dup_prop (child, "from");
  framework->in_force_until = _involve_xml_dup_prop (child, "until");
  framework->in_force_note = _involve_xml_dup_translated (child);

  child = _involve_xml_first_child (node, "who-is-involved");
  framework->who_is_involved = _involve_xml_dup_translated (child);
  framework->carers_and_representatives = _involve_xml_get_boolean (child, "carers-and-representatives", FALSE);

  child = _involve_xml_first_child (node, "special-administrator");
  framework->special_administrator_citation = _involve_xml_dup_prop (child, "citation");
  framework->special_administrator_summary = _involve_xml_dup_translated (child);

  child = _involve_xml_first_child (node, "annual-report");
  framework->annual_report_citation = _involve_xml_dup_prop (child, "citation");
  framework->annual_report_summary = _involve_xml_dup_translated (child);

  child = _involve_xml_first_child (node, "health-inequalities");
  framework->health_inequalities_citation = _involve_xml_dup_prop (child, "citation");
  framework->health_inequalities_summary = _involve_xml_dup_translated (child);

  for (child = node->children; child != NULL; child = child->next)
    {
      if (child->type != XML_ELEMENT_NODE)
        continue;

      if (xmlStrcmp (child->name, (const xmlChar *) "guidance") == 0)
        {
          InvolveGuidanceEdition *edition = g_new0 (InvolveGuidanceEdition, 1);

          edition->title = _involve_xml_dup_text (child);
          edition->edition = _involve_xml_dup_prop (child, "edition");
          edition->publisher = _involve_xml_dup_prop (child, "publisher");
          edition->from = _involve_xml_dup_prop (child, "from");
          edition->until = _involve_xml_dup_prop (child, "until");
          g_ptr_array_add (framework->guidance_editions, edition);
        }
      else if (xmlStrcmp (child->name, (const xmlChar *) "limb") == 0)
        {
          InvolveLimb *limb = g_new0 (InvolveLimb, 1);

          limb->id = _involve_xml_dup_prop (child, "id");
          limb->citation = _involve_xml_dup_prop (child, "citation");
          limb->summary = _involve_xml_dup_translated (child);
          limb->needs_impact = _involve_xml_get_boolean (child, "needs-impact", TRUE);
          g_ptr_array_add (framework->limbs, limb);

          if (limb->id == NULL || framework->limbs->len > G_N_ELEMENTS (expected_limbs) ||
              !g_str_equal (limb->id, expected_limbs[framework->limbs->len - 1]))
            {
              g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                           _("%s:%u: framework “%s” must list the limbs a, b and c once each, in order"),
                           name, line_of (child), framework->id);
              framework_free (framework);
              return NULL;
            }
        }
      else if (xmlStrcmp (child->name, (const xmlChar *) "quotation") == 0)
        {
          InvolveQuotation *quotation = g_new0 (InvolveQuotation, 1);

          quotation->citation = _involve_xml_dup_prop (child, "citation");
          quotation->source = _involve_xml_dup_prop (child, "source");
          quotation->date = _involve_xml_dup_prop (child, "date");
          quotation->text = _involve_xml_dup_text (child);
          g_ptr_array_add (framework->quotations, quotation);
        }
    }

  if (framework->limbs->len != G_N_ELEMENTS (expected_limbs))
    {
      g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                   _("%s:%u: framework “%s” must list the limbs a, b and c once each, in order"),
                   name, line_of (node), framework->id);
      framework_free (framework);
      return NULL;
    }

  if (framework->guidance_editions->len > 0)
    {
      const InvolveGuidanceEdition *current =
        g_ptr_array_index (framework->guidance_editions, framework->guidance_editions->len - 1);

      framework->guidance_title = g_strdup (current->title);
      framework->guidance_edition = g_strdup (current->edition);
      framework->guidance_publisher = g_strdup (current->publisher);
    }

  return framework;
}

static gboolean
load_frameworks (InvolveDefinitions  *self,
                 Loader              *loader,
                 GError             **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;
  xmlDoc *doc;
  gboolean ret = TRUE;

  bytes = loader_read (loader, "frameworks.xml", &name, error);
  if (bytes == NULL)
    return FALSE;

  doc = loader_parse (loader, bytes, name, "frameworks.rng", error);
  if (doc == NULL)
    return FALSE;

  for (xmlNode *node = _involve_xml_first_child (xmlDocGetRootElement (doc), "framework");
       node != NULL;
       node = _involve_xml_next_element (node))
    {
      InvolveFramework *framework = parse_framework (node, name, error);

      if (framework == NULL)
        {
          ret = FALSE;
          break;
        }

      if (involve_definitions_lookup_framework (self, framework->id) != NULL)
        {
          g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                       _("%s:%u: framework id “%s” is used twice"),
                       name, line_of (node), framework->id);
          framework_free (framework);
          ret = FALSE;
          break;
        }

      g_ptr_array_add (self->frameworks, framework);
    }

  xmlFreeDoc (doc);
  return ret;
}

/* Reference lists */

static gboolean
load_reference_list (InvolveDefinitions  *self,
                     Loader              *loader,
                     const char          *file_name,
                     GError             **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *name = NULL;
  g_autofree char *relative_path = g_strconcat ("reference/", file_name, NULL);
  InvolveReferenceList *list;
  xmlDoc *doc;
  xmlNode *root;

  bytes = loader_read (loader, relative_path, &name, error);
  if (bytes == NULL)
    return FALSE;

  doc = loader_parse (loader, bytes, name, "reference.rng", error);
  if (doc == NULL)
    return FALSE;

  root = xmlDocGetRootElement (doc);
  list = g_new0 (InvolveReferenceList, 1);
  list->id = _involve_xml_dup_prop (root, "id");
  list->title = _involve_xml_dup_translated (_involve_xml_first_child (root, "title"));
  list->source = _involve_xml_dup_text (_involve_xml_first_child (root, "source"));
  list->items = g_ptr_array_new_with_free_func (reference_item_free);

  if (involve_definitions_lookup_reference_list (self, list->id) != NULL)
    {
      g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                   _("%s:%u: reference list id “%s” is used by another file"),
                   name, line_of (root), list->id);
      goto fail;
    }

  for (xmlNode *node = _involve_xml_first_child (root, "item");
       node != NULL;
       node = _involve_xml_next_element (node))
    {
      InvolveReferenceItem *item = g_new0 (InvolveReferenceItem, 1);

      item->id = _involve_xml_dup_prop (node, "id");
      item->label = _involve_xml_dup_translated (_involve_xml_first_child (node, "label"));
      item->description = _involve_xml_dup_translated (_involve_xml_first_child (node, "description"));
      g_ptr_array_add (list->items, item);

      if (!g_hash_table_add (seen, item->id))
        {
          g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                       _("%s:%u: item id “%s” is used twice in this list"),
                       name, line_of (node), item->id);
          goto fail;
        }
    }

  g_ptr_array_add (self->lists, list);
  xmlFreeDoc (doc);
  return TRUE;

fail:
  reference_list_free (list);
  xmlFreeDoc (doc);
  return FALSE;
}

static gboolean
load_reference_lists (InvolveDefinitions  *self,
                      Loader              *loader,
                      GError             **error)
{
  g_autoptr(GPtrArray) names = loader_list_reference (loader, error);

  if (names == NULL)
    return FALSE;

  for (guint i = 0; i < names->len; i++)
    if (!load_reference_list (self, loader, g_ptr_array_index (names, i), error))
      return FALSE;

  return TRUE;
}

/* Forms and the rules across them */

static const InvolveField *
lookup_own_field_cb (gpointer    user_data,
                     const char *field_id)
{
  InvolveDefinitions *self = user_data;

  for (guint i = 0; i < self->forms->len; i++)
    {
      InvolveForm *form = g_ptr_array_index (self->forms, i);
      const InvolveField *field = involve_form_lookup_field (form, field_id);

      if (field != NULL && g_strcmp0 (field->form_id, involve_form_get_id (form)) == 0)
        return field;
    }

  return NULL;
}

static gboolean
load_forms (InvolveDefinitions  *self,
            Loader              *loader,
            GError             **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (form_ids); i++)
    {
      g_autofree char *relative_path = g_strconcat ("forms/", form_ids[i], ".xml", NULL);
      g_autofree char *name = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(InvolveForm) form = NULL;

      bytes = loader_read (loader, relative_path, &name, error);
      if (bytes == NULL)
        return FALSE;

      if (loader->validate)
        form = involve_form_new_from_bytes (bytes, name, error);
      else
        form = _involve_form_new_from_trusted_bytes (bytes, name, error);
      if (form == NULL)
        return FALSE;

      if (!g_str_equal (involve_form_get_id (form), form_ids[i]))
        {
          g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                       _("%s:%u: the form id is “%s”, expected “%s”"),
                       name, _involve_form_get_line (form, NULL), involve_form_get_id (form), form_ids[i]);
          return FALSE;
        }

      g_ptr_array_add (self->forms, g_steal_pointer (&form));
    }

  return TRUE;
}

static gboolean
check_unique_ids (InvolveDefinitions  *self,
                  GError             **error)
{
  g_autoptr(GHashTable) owners = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < self->forms->len; i++)
    {
      InvolveForm *form = g_ptr_array_index (self->forms, i);
      GPtrArray *sections = involve_form_get_sections (form);
      GPtrArray *fields = _involve_form_get_own_fields (form);
      g_autoptr(GPtrArray) ids = g_ptr_array_new ();

      for (guint j = 0; j < sections->len; j++)
        g_ptr_array_add (ids, ((InvolveSection *) g_ptr_array_index (sections, j))->id);
      for (guint j = 0; j < fields->len; j++)
        g_ptr_array_add (ids, ((InvolveField *) g_ptr_array_index (fields, j))->id);

      for (guint j = 0; j < ids->len; j++)
        {
          const char *id = g_ptr_array_index (ids, j);
          InvolveForm *owner = g_hash_table_lookup (owners, id);

          if (owner != NULL && owner != form)
            {
              g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                           _("%s:%u: the id “%s” is already used in %s, line %u; ids must be unique across all forms"),
                           involve_form_get_name (form), _involve_form_get_line (form, id), id,
                           involve_form_get_name (owner), _involve_form_get_line (owner, id));
              return FALSE;
            }

          g_hash_table_insert (owners, (gpointer) id, form);
        }
    }

  return TRUE;
}

static gboolean
fill_options_from_lists (InvolveDefinitions  *self,
                         GError             **error)
{
  for (guint i = 0; i < self->forms->len; i++)
    {
      InvolveForm *form = g_ptr_array_index (self->forms, i);
      GPtrArray *fields = _involve_form_get_own_fields (form);

      for (guint j = 0; j < fields->len; j++)
        {
          InvolveField *field = g_ptr_array_index (fields, j);
          const InvolveReferenceList *list;

          if (field->options_list == NULL)
            continue;

          list = involve_definitions_lookup_reference_list (self, field->options_list);
          if (list == NULL)
            {
              g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                           _("%s:%u: field “%s” takes its options from “%s”, which is not a reference list"),
                           involve_form_get_name (form), _involve_form_get_line (form, field->id),
                           field->id, field->options_list);
              return FALSE;
            }

          g_ptr_array_set_size (field->options, 0);
          for (guint k = 0; k < list->items->len; k++)
            {
              const InvolveReferenceItem *item = g_ptr_array_index (list->items, k);

              g_ptr_array_add (field->options,
                               _involve_option_new (item->id, item->label, item->description));
            }
        }
    }

  return TRUE;
}

static gboolean
field_has_option (const InvolveField *field,
                  const char         *option_id)
{
  for (guint i = 0; i < field->options->len; i++)
    if (g_str_equal (((InvolveOption *) g_ptr_array_index (field->options, i))->id, option_id))
      return TRUE;

  return FALSE;
}

static gboolean
check_condition (InvolveDefinitions      *self,
                 InvolveForm             *form,
                 const char              *owner_id,
                 const char              *what,
                 const InvolveCondition  *condition,
                 GError                 **error)
{
  g_autofree char *key = g_strdup_printf ("%s#%s", owner_id, what);
  const InvolveField *target;
  guint line = _involve_form_get_line (form, key);

  if (line == 0)
    line = _involve_form_get_line (form, owner_id);

  if (condition->kind == INVOLVE_CONDITION_NONE || condition->kind == INVOLVE_CONDITION_OUTCOME)
    return TRUE;

  target = involve_definitions_lookup_field (self, condition->field_id, NULL);
  if (target == NULL)
    {
      g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                   _("%s:%u: the %s condition of “%s” names “%s”, which is not a field"),
                   involve_form_get_name (form), line, what, owner_id, condition->field_id);
      return FALSE;
    }

  if (condition->kind == INVOLVE_CONDITION_DEPARTS_FROM_OUTCOME)
    {
      if (target->type != INVOLVE_FIELD_YES_NO)
        {
          g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                       _("%s:%u: the %s condition of “%s” compares “%s” with the outcome, but it is not a yes/no field"),
                       involve_form_get_name (form), line, what, owner_id, condition->field_id);
          return FALSE;
        }
      return TRUE;
    }

  switch (target->type)
    {
    case INVOLVE_FIELD_YES_NO:
      if (g_strcmp0 (condition->value, "yes") == 0 || g_strcmp0 (condition->value, "no") == 0)
        return TRUE;
      g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                   _("%s:%u: the %s condition of “%s” compares the yes/no field “%s” with “%s”; use yes or no"),
                   involve_form_get_name (form), line, what, owner_id, condition->field_id,
                   condition->value);
      return FALSE;

    case INVOLVE_FIELD_CHOICE:
    case INVOLVE_FIELD_MULTI_CHOICE:
      if (condition->value != NULL && field_has_option (target, condition->value))
        return TRUE;
      g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                   _("%s:%u: the %s condition of “%s” names “%s”, which is not an option of “%s”"),
                   involve_form_get_name (form), line, what, owner_id, condition->value,
                   condition->field_id);
      return FALSE;

    case INVOLVE_FIELD_TEXT:
    case INVOLVE_FIELD_LONG_TEXT:
    case INVOLVE_FIELD_DATE:
    case INVOLVE_FIELD_TABLE:
    default:
      g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                   _("%s:%u: the %s condition of “%s” depends on “%s”, a %s field; conditions need a yes/no or choice field"),
                   involve_form_get_name (form), line, what, owner_id, condition->field_id,
                   involve_field_type_to_string (target->type));
      return FALSE;
    }
}

static char *expand_guidance_ref (InvolveDefinitions *self, const char *ref,
                                  const char *framework_id, char **unknown);

static gboolean
check_conditions (InvolveDefinitions  *self,
                  GError             **error)
{
  for (guint i = 0; i < self->forms->len; i++)
    {
      InvolveForm *form = g_ptr_array_index (self->forms, i);
      GPtrArray *sections = involve_form_get_sections (form);
      GPtrArray *fields = _involve_form_get_own_fields (form);

      for (guint j = 0; j < sections->len; j++)
        {
          const InvolveSection *section = g_ptr_array_index (sections, j);

          if (!check_condition (self, form, section->id, "shown-when", &section->shown_when, error))
            return FALSE;
        }

      for (guint j = 0; j < fields->len; j++)
        {
          const InvolveField *field = g_ptr_array_index (fields, j);

          if (field->guidance_ref != NULL && strchr (field->guidance_ref, '{') != NULL)
            {
              g_autofree char *unknown = NULL;
              g_autofree char *text = expand_guidance_ref (self, field->guidance_ref, NULL, &unknown);

              if (text == NULL)
                {
                  g_set_error (error, INVOLVE_FORM_ERROR, INVOLVE_FORM_ERROR_INVALID,
                               _("%s:%u: the guidance reference of “%s” names “{%s}”; use {duty} or {special-administrator}"),
                               involve_form_get_name (form), _involve_form_get_line (form, field->id),
                               field->id, unknown != NULL ? unknown : "");
                  return FALSE;
                }
            }
          if (!check_condition (self, form, field->id, "required-when", &field->required_when, error) ||
              !check_condition (self, form, field->id, "shown-when", &field->shown_when, error))
            return FALSE;
          for (guint k = 0; field->required_when_also != NULL && k < field->required_when_also->len; k++)
            {
              g_autofree char *what = g_strdup_printf ("required-when-%u", k + 1);

              if (!check_condition (self, form, field->id, what, g_ptr_array_index (field->required_when_also, k), error))
                return FALSE;
            }
        }
    }

  return TRUE;
}

static InvolveDefinitions *
involve_definitions_load (Loader  *loader,
                          GError **error)
{
  g_autoptr(InvolveDefinitions) self = g_object_new (INVOLVE_TYPE_DEFINITIONS, NULL);

  if (!load_frameworks (self, loader, error) ||
      !load_reference_lists (self, loader, error) ||
      !load_forms (self, loader, error) ||
      !check_unique_ids (self, error))
    return NULL;

  for (guint i = 0; i < self->forms->len; i++)
    if (!_involve_form_resolve_refs (g_ptr_array_index (self->forms, i), lookup_own_field_cb, self, error))
      return NULL;

  if (!fill_options_from_lists (self, error) ||
      !check_conditions (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* GObject */

static void
involve_definitions_finalize (GObject *object)
{
  InvolveDefinitions *self = (InvolveDefinitions *) object;

  g_clear_pointer (&self->forms, g_ptr_array_unref);
  g_clear_pointer (&self->frameworks, g_ptr_array_unref);
  g_clear_pointer (&self->lists, g_ptr_array_unref);

  G_OBJECT_CLASS (involve_definitions_parent_class)->finalize (object);
}

static void
involve_definitions_class_init (InvolveDefinitionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = involve_definitions_finalize;
}

static void
involve_definitions_init (InvolveDefinitions *self)
{
  self->forms = g_ptr_array_new_with_free_func (g_object_unref);
  self->frameworks = g_ptr_array_new_with_free_func (framework_free);
  self->lists = g_ptr_array_new_with_free_func (reference_list_free);
}

InvolveDefinitions *
involve_definitions_new_from_directory (GFile   *directory,
                                        GError **error)
{
  Loader loader = { directory, TRUE };

  g_return_val_if_fail (G_IS_FILE (directory), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return involve_definitions_load (&loader, error);
}

InvolveDefinitions *
involve_definitions_new_from_resources (GError **error)
{
  Loader loader = { NULL, TRUE };

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return involve_definitions_load (&loader, error);
}

InvolveDefinitions *
involve_definitions_get_default (GError **error)
{
  static GMutex mutex;
  static InvolveDefinitions *definitions;
  static GError *load_error;
  InvolveDefinitions *ret;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_mutex_lock (&mutex);

  if (definitions == NULL && load_error == NULL)
    {
      const char *data_dir = g_getenv ("INVOLVE_DATA_DIR");

      if (data_dir != NULL && *data_dir != '\0')
        {
          g_autoptr(GFile) directory = g_file_new_for_path (data_dir);

          definitions = involve_definitions_new_from_directory (directory, &load_error);
        }
      else
        {
          /* The compiled-in data passed the schemas in the tests that
           * came with them (and involve_definitions_new_from_resources()
           * still checks them); parsing them again with RELAX NG at every
           * start was most of the loading time.  Every other check stays. */
          Loader loader = { NULL, FALSE };

          definitions = involve_definitions_load (&loader, &load_error);
        }
    }

  ret = definitions;
  if (ret == NULL)
    g_propagate_error (error, g_error_copy (load_error));

  g_mutex_unlock (&mutex);

  return ret;
}

GPtrArray *
involve_definitions_get_forms (InvolveDefinitions *self)
{
  g_return_val_if_fail (INVOLVE_IS_DEFINITIONS (self), NULL);
  return self->forms;
}

InvolveForm *
involve_definitions_get_form (InvolveDefinitions *self,
                              const char         *form_id)
{
  g_return_val_if_fail (INVOLVE_IS_DEFINITIONS (self), NULL);
  g_return_val_if_fail (form_id != NULL, NULL);

  for (guint i = 0; i < self->forms->len; i++)
    {
      InvolveForm *form = g_ptr_array_index (self->forms, i);

      if (g_str_equal (involve_form_get_id (form), form_id))
        return form;
    }

  return NULL;
}

/* Finds the form that defines field_id (not one that only refers to it). */
const InvolveField *
involve_definitions_lookup_field (InvolveDefinitions  *self,
                                  const char          *field_id,
                                  InvolveForm        **form)
{
  g_return_val_if_fail (INVOLVE_IS_DEFINITIONS (self), NULL);
  g_return_val_if_fail (field_id != NULL, NULL);

  for (guint i = 0; i < self->forms->len; i++)
    {
      InvolveForm *candidate = g_ptr_array_index (self->forms, i);
      const InvolveField *field = involve_form_lookup_field (candidate, field_id);

      if (field != NULL && g_strcmp0 (field->form_id, involve_form_get_id (candidate)) == 0)
        {
          if (form != NULL)
            *form = candidate;
          return field;
        }
    }

  if (form != NULL)
    *form = NULL;
  return NULL;
}

GPtrArray *
involve_definitions_get_frameworks (InvolveDefinitions *self)
{
  g_return_val_if_fail (INVOLVE_IS_DEFINITIONS (self), NULL);
  return self->frameworks;
}

const InvolveFramework *
involve_definitions_lookup_framework (InvolveDefinitions *self,
                                      const char         *framework_id)
{
  g_return_val_if_fail (INVOLVE_IS_DEFINITIONS (self), NULL);

  if (framework_id == NULL)
    return NULL;

  for (guint i = 0; i < self->frameworks->len; i++)
    {
      const InvolveFramework *framework = g_ptr_array_index (self->frameworks, i);

      if (g_strcmp0 (framework->id, framework_id) == 0)
        return framework;
    }

  return NULL;
}

/* NULL for a placeholder that is not known. */
static char *
dup_framework_citation (const InvolveFramework *framework,
                        const char             *key)
{
  if (g_str_equal (key, "special-administrator"))
    return g_strdup (framework->special_administrator_citation != NULL
                     ? framework->special_administrator_citation
                     : framework->section);
  if (g_str_equal (key, "duty"))
    return g_strdup_printf ("section %s", framework->section);
  return NULL;
}

/* Fills @ref's {placeholders}; NULL, with @unknown set, when one is not known. */
static char *
expand_guidance_ref (InvolveDefinitions *self,
                     const char         *ref,
                     const char         *framework_id,
                     char              **unknown)
{
  const InvolveFramework *framework = involve_definitions_lookup_framework (self, framework_id);
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p = ref;

  while (*p != '\0')
    {
      const char *open = strchr (p, '{');
      const char *close = open != NULL ? strchr (open, '}') : NULL;
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;

      if (open == NULL || close == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, open - p);
      key = g_strndup (open + 1, close - open - 1);
      if (framework != NULL)
        value = dup_framework_citation (framework, key);
      else
        {
          /* Not pinned to a known framework: name each. */
          g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_free);

          for (guint i = 0; i < self->frameworks->len; i++)
            {
              char *one = dup_framework_citation (g_ptr_array_index (self->frameworks, i), key);

              if (one == NULL)
                break;
              g_ptr_array_add (all, one);
            }
          if (all->len == self->frameworks->len && all->len > 0)
            {
              g_ptr_array_add (all, NULL);
              value = g_strjoinv (", ", (char **) all->pdata);
            }
        }
      if (value == NULL)
        {
          if (unknown != NULL)
            *unknown = g_steal_pointer (&key);
          return NULL;
        }
      g_string_append (out, value);
      p = close + 1;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
involve_definitions_dup_guidance_ref (InvolveDefinitions *self,
                                      const char         *ref,
                                      const char         *framework_id)
{
  char *text;

  g_return_val_if_fail (INVOLVE_IS_DEFINITIONS (self), NULL);

  if (ref == NULL)
    return NULL;
  text = expand_guidance_ref (self, ref, framework_id, NULL);
  /* The check on loading rejects unknown placeholders; keep the text anyway. */
  return text != NULL ? text : g_strdup (ref);
}

GPtrArray *
involve_definitions_get_reference_lists (InvolveDefinitions *self)
{
  g_return_val_if_fail (INVOLVE_IS_DEFINITIONS (self), NULL);
  return self->lists;
}

const InvolveReferenceList *
involve_definitions_lookup_reference_list (InvolveDefinitions *self,
                                           const char         *list_id)
{
  g_return_val_if_fail (INVOLVE_IS_DEFINITIONS (self), NULL);

  if (list_id == NULL)
    return NULL;

  for (guint i = 0; i < self->lists->len; i++)
    {
      const InvolveReferenceList *list = g_ptr_array_index (self->lists, i);

      if (g_strcmp0 (list->id, list_id) == 0)
        return list;
    }

  return NULL;
}

const InvolveReferenceItem *
involve_reference_list_lookup_item (const InvolveReferenceList *list,
                                    const char                 *item_id)
{
  g_return_val_if_fail (list != NULL, NULL);

  for (guint i = 0; item_id != NULL && i < list->items->len; i++)
    {
      const InvolveReferenceItem *item = g_ptr_array_index (list->items, i);

      if (g_str_equal (item->id, item_id))
        return item;
    }

  return NULL;
}

const InvolveLimb *
involve_framework_lookup_limb (const InvolveFramework *framework,
                               const char             *limb_id)
{
  g_return_val_if_fail (framework != NULL, NULL);

  for (guint i = 0; limb_id != NULL && i < framework->limbs->len; i++)
    {
      const InvolveLimb *limb = g_ptr_array_index (framework->limbs, i);

      if (g_str_equal (limb->id, limb_id))
        return limb;
    }

  return NULL;
}

const InvolveGuidanceEdition *
involve_framework_get_current_guidance (const InvolveFramework *framework)
{
  g_return_val_if_fail (framework != NULL, NULL);

  if (framework->guidance_editions == NULL || framework->guidance_editions->len == 0)
    return NULL;

  return g_ptr_array_index (framework->guidance_editions, framework->guidance_editions->len - 1);
}
