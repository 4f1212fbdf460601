/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-register-model"

#include "config.h"

#include "involve-register-model.h"

#define PAGE_SIZE 200

struct _InvolveRegisterItem
{
  GObject               parent_instance;
  InvolveRecordSummary *summary;
};

G_DEFINE_FINAL_TYPE (InvolveRegisterItem, involve_register_item, G_TYPE_OBJECT)

static void
involve_register_item_finalize (GObject *object)
{
  InvolveRegisterItem *self = INVOLVE_REGISTER_ITEM (object);

  g_clear_pointer (&self->summary, involve_record_summary_free);
  G_OBJECT_CLASS (involve_register_item_parent_class)->finalize (object);
}

static void
involve_register_item_class_init (InvolveRegisterItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = involve_register_item_finalize;
}

static void
involve_register_item_init (InvolveRegisterItem *self)
{
}

const InvolveRecordSummary *
involve_register_item_get_summary (InvolveRegisterItem *self)
{
  g_return_val_if_fail (INVOLVE_IS_REGISTER_ITEM (self), NULL);
  return self->summary;
}

struct _InvolveRegisterModel
{
  GObject       parent_instance;

  InvolveStore *store;
  char         *text;
  guint         status_mask;
  char         *organisation;
  char         *framework_id;
  char         *outcome;
  guint         n_items;
  GHashTable   *pages;      /* page number -> GPtrArray of InvolveRegisterItem */
  GError       *error;
};

static GType
involve_register_model_get_item_type (GListModel *model)
{
  return INVOLVE_TYPE_REGISTER_ITEM;
}

static guint
involve_register_model_get_n_items (GListModel *model)
{
  return INVOLVE_REGISTER_MODEL (model)->n_items;
}

static void
fill_query (InvolveRegisterModel *self,
            InvolveStoreQuery    *query)
{
  involve_store_query_init (query);
  query->text = self->text;
  query->status_mask = self->status_mask;
  query->organisation = self->organisation;
  query->framework_id = self->framework_id;
  query->outcome = self->outcome;
  query->sort = INVOLVE_STORE_SORT_MODIFIED;
  query->descending = TRUE;
}

static GPtrArray *
load_page (InvolveRegisterModel *self,
           guint                 page)
{
  InvolveStoreQuery query;
  g_autoptr(GPtrArray) summaries = NULL;
  GPtrArray *items;

  fill_query (self, &query);
  query.offset = page * PAGE_SIZE;
  query.limit = PAGE_SIZE;
  g_clear_error (&self->error);
  summaries = involve_store_list (self->store, &query, NULL, &self->error);
  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; summaries != NULL && i < summaries->len; i++)
    {
      InvolveRegisterItem *item = g_object_new (INVOLVE_TYPE_REGISTER_ITEM, NULL);

      item->summary = involve_record_summary_copy (g_ptr_array_index (summaries, i));
      g_ptr_array_add (items, item);
    }
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), items);
  return items;
}

static gpointer
involve_register_model_get_item (GListModel *model,
                                 guint       position)
{
  InvolveRegisterModel *self = INVOLVE_REGISTER_MODEL (model);
  guint page = position / PAGE_SIZE;
  GPtrArray *items;

  if (position >= self->n_items)
    return NULL;
  items = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (items == NULL)
    items = load_page (self, page);
  if (position % PAGE_SIZE >= items->len)
    {
      /* The register changed under us; a placeholder keeps the model sound
       * until the next reload. */
      InvolveRegisterItem *item = g_object_new (INVOLVE_TYPE_REGISTER_ITEM, NULL);
      item->summary = g_new0 (InvolveRecordSummary, 1);
      return item;
    }
  return g_object_ref (g_ptr_array_index (items, position % PAGE_SIZE));
}

static void
involve_register_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = involve_register_model_get_item_type;
  iface->get_n_items = involve_register_model_get_n_items;
  iface->get_item = involve_register_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (InvolveRegisterModel, involve_register_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, involve_register_model_list_model_init))

void
involve_register_model_reload (InvolveRegisterModel *self)
{
  InvolveStoreQuery query;
  guint old = self->n_items;
  guint count = 0;

  g_return_if_fail (INVOLVE_IS_REGISTER_MODEL (self));

  fill_query (self, &query);
  g_clear_error (&self->error);
  if (!involve_store_count (self->store, &query, &count, &self->error))
    count = 0;
  g_hash_table_remove_all (self->pages);
  self->n_items = count;
  if (old != 0 || count != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, count);
}

void
involve_register_model_set_query (InvolveRegisterModel *self,
                                  const char           *text,
                                  guint                 status_mask,
                                  const char           *organisation,
                                  const char           *framework_id,
                                  const char           *outcome)
{
  g_return_if_fail (INVOLVE_IS_REGISTER_MODEL (self));

  g_free (self->text);
  self->text = g_strdup (text);
  self->status_mask = status_mask;
  g_free (self->organisation);
  self->organisation = g_strdup (organisation);
  g_free (self->framework_id);
  self->framework_id = g_strdup (framework_id);
  g_free (self->outcome);
  self->outcome = g_strdup (outcome);
  involve_register_model_reload (self);
}

guint
involve_register_model_count_all (InvolveRegisterModel *self)
{
  InvolveStoreQuery query;
  guint count = 0;

  g_return_val_if_fail (INVOLVE_IS_REGISTER_MODEL (self), 0);

  involve_store_query_init (&query);
  if (!involve_store_count (self->store, &query, &count, NULL))
    return 0;
  return count;
}

GStrv
involve_register_model_dup_uuids (InvolveRegisterModel  *self,
                                  GError               **error)
{
  InvolveStoreQuery query;
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (INVOLVE_IS_REGISTER_MODEL (self), NULL);

  fill_query (self, &query);
  summaries = involve_store_list (self->store, &query, NULL, error);
  if (summaries == NULL)
    return NULL;
  for (guint i = 0; i < summaries->len; i++)
    g_strv_builder_add (builder, ((InvolveRecordSummary *) g_ptr_array_index (summaries, i))->uuid);
  return g_strv_builder_end (builder);
}

gboolean
involve_register_model_is_filtered (InvolveRegisterModel *self)
{
  g_return_val_if_fail (INVOLVE_IS_REGISTER_MODEL (self), FALSE);

  return (self->text != NULL && self->text[0] != '\0') || self->status_mask != 0
         || self->organisation != NULL || self->framework_id != NULL || self->outcome != NULL;
}

const GError *
involve_register_model_get_error (InvolveRegisterModel *self)
{
  g_return_val_if_fail (INVOLVE_IS_REGISTER_MODEL (self), NULL);
  return self->error;
}

static void
involve_register_model_finalize (GObject *object)
{
  InvolveRegisterModel *self = INVOLVE_REGISTER_MODEL (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->organisation, g_free);
  g_clear_pointer (&self->framework_id, g_free);
  g_clear_pointer (&self->outcome, g_free);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (involve_register_model_parent_class)->finalize (object);
}

static void
involve_register_model_class_init (InvolveRegisterModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = involve_register_model_finalize;
}

static void
involve_register_model_init (InvolveRegisterModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
}

InvolveRegisterModel *
involve_register_model_new (InvolveStore *store)
{
  InvolveRegisterModel *self;

  g_return_val_if_fail (INVOLVE_IS_STORE (store), NULL);

  self = g_object_new (INVOLVE_TYPE_REGISTER_MODEL, NULL);
  self->store = g_object_ref (store);
  involve_register_model_reload (self);
  return self;
}
