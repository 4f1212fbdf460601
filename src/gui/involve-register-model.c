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
  guint         generation; /* counts reloads: a refresh started before one is stale */
  guint         skip;       /* while a move is announced: the new row not there yet, or G_MAXUINT */
  gboolean      refreshing;
  gboolean      refresh_again;
  guint         count_all;  /* of the last refresh */
  GStrv         organisations; /* of the last refresh */
};

enum
{
  REFRESHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
  if (position >= self->skip)
    position++;
  page = position / PAGE_SIZE;
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
  self->generation++;
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

/* Refreshing in place, for changes other clients made */

typedef struct
{
  InvolveStore *store;
  char         *text;
  guint         status_mask;
  char         *organisation;
  char         *framework_id;
  char         *outcome;
  GArray       *page_numbers; /* guint: the pages fetched so far */
  guint         generation;

  /* results */
  guint         count;
  guint         count_all;
  GHashTable   *pages;        /* as InvolveRegisterModel's */
  GStrv         organisations;
} Refresh;

static void
refresh_free (Refresh *refresh)
{
  g_clear_object (&refresh->store);
  g_free (refresh->text);
  g_free (refresh->organisation);
  g_free (refresh->framework_id);
  g_free (refresh->outcome);
  g_array_unref (refresh->page_numbers);
  g_clear_pointer (&refresh->pages, g_hash_table_unref);
  g_strfreev (refresh->organisations);
  g_free (refresh);
}

static void
refresh_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Refresh *refresh = task_data;
  InvolveStoreQuery query;
  GError *error = NULL;

  involve_store_query_init (&query);
  if (!involve_store_count (refresh->store, &query, &refresh->count_all, &error))
    goto failed;
  refresh->organisations = involve_store_dup_organisations (refresh->store, &error);
  if (refresh->organisations == NULL)
    goto failed;

  query.text = refresh->text;
  query.status_mask = refresh->status_mask;
  query.organisation = refresh->organisation;
  query.framework_id = refresh->framework_id;
  query.outcome = refresh->outcome;
  query.sort = INVOLVE_STORE_SORT_MODIFIED;
  query.descending = TRUE;
  if (!involve_store_count (refresh->store, &query, &refresh->count, &error))
    goto failed;

  for (guint i = 0; i < refresh->page_numbers->len; i++)
    {
      guint page = g_array_index (refresh->page_numbers, guint, i);
      g_autoptr(GPtrArray) summaries = NULL;
      GPtrArray *items;

      if ((guint64) page * PAGE_SIZE >= refresh->count)
        continue;
      query.offset = page * PAGE_SIZE;
      query.limit = PAGE_SIZE;
      summaries = involve_store_list (refresh->store, &query, NULL, &error);
      if (summaries == NULL)
        goto failed;
      items = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint j = 0; j < summaries->len; j++)
        {
          InvolveRegisterItem *item = g_object_new (INVOLVE_TYPE_REGISTER_ITEM, NULL);

          item->summary = involve_record_summary_copy (g_ptr_array_index (summaries, j));
          g_ptr_array_add (items, item);
        }
      g_hash_table_insert (refresh->pages, GUINT_TO_POINTER (page), items);
    }
  g_task_return_boolean (task, TRUE);
  return;

failed:
  g_task_return_error (task, error);
}

/* The same row as far as anybody can see. */
static gboolean
same_row (InvolveRegisterItem *a,
          InvolveRegisterItem *b)
{
  const InvolveRecordSummary *x = a->summary;
  const InvolveRecordSummary *y = b->summary;

  return g_strcmp0 (x->uuid, y->uuid) == 0 && x->version == y->version && x->status == y->status
         && x->modified_usec == y->modified_usec && g_strcmp0 (x->title, y->title) == 0
         && g_strcmp0 (x->reference, y->reference) == 0 && g_strcmp0 (x->organisation, y->organisation) == 0
         && g_strcmp0 (x->outcome, y->outcome) == 0;
}

/* The item at @position in @pages, or NULL when its page is not there. */
static InvolveRegisterItem *
peek (GHashTable *pages,
      guint       position)
{
  GPtrArray *items = g_hash_table_lookup (pages, GUINT_TO_POINTER (position / PAGE_SIZE));

  if (items == NULL || position % PAGE_SIZE >= items->len)
    return NULL;
  return g_ptr_array_index (items, position % PAGE_SIZE);
}

/* How many rows from the top @pages hold without a gap. */
static guint
known_rows (GHashTable *pages,
            guint       n_items)
{
  guint known = 0;

  while (known < n_items && peek (pages, known) != NULL)
    known++;
  return known;
}

static gboolean
same_run (GHashTable *old_pages,
          guint       old_start,
          GHashTable *new_pages,
          guint       new_start,
          guint       length)
{
  for (guint i = 0; i < length; i++)
    if (!same_row (peek (old_pages, old_start + i), peek (new_pages, new_start + i)))
      return FALSE;
  return TRUE;
}

/* A row removed at @from and (changed, maybe) inserted at @to, as two
 * changes, each leaving the model as the list then believes it is. */
static void
announce_move (InvolveRegisterModel *self,
               guint                 from,
               guint                 to)
{
  guint n = self->n_items;

  self->skip = to;
  self->n_items = n - 1;
  g_list_model_items_changed (G_LIST_MODEL (self), from, 1, 0);
  self->skip = G_MAXUINT;
  self->n_items = n;
  g_list_model_items_changed (G_LIST_MODEL (self), to, 0, 1);
}

/*
 * Tells the list which rows changed between the old and the new pages,
 * changing as few as it can: the rows the list shows are kept, with the
 * keyboard focus and the scroll position, unless they changed.  Where
 * both sides are wholly known, a record that moved (the one just edited
 * goes to the top) is one removal and one insertion.
 */
static void
announce_changes (InvolveRegisterModel *self,
                  GHashTable           *old_pages,
                  guint                 old_n)
{
  GHashTable *new_pages = self->pages;
  guint new_n = self->n_items;
  guint old_known = known_rows (old_pages, old_n);
  guint new_known = known_rows (new_pages, new_n);
  guint prefix = 0;
  guint suffix = 0;
  guint old_mid, new_mid;

  while (prefix < old_known && prefix < new_known
         && same_row (peek (old_pages, prefix), peek (new_pages, prefix)))
    prefix++;

  if (old_known < old_n || new_known < new_n)
    {
      /* Not all fetched.  With as many rows as before, only the fetched
       * pages can be showing: each changes where it differs. */
      if (old_n == new_n)
        {
          GHashTableIter iter;
          gpointer key;

          g_hash_table_iter_init (&iter, old_pages);
          while (g_hash_table_iter_next (&iter, &key, NULL))
            {
              guint start = GPOINTER_TO_UINT (key) * PAGE_SIZE;
              guint first = G_MAXUINT, last = 0;

              for (guint i = start; i < start + PAGE_SIZE && i < old_n; i++)
                {
                  InvolveRegisterItem *before = peek (old_pages, i);
                  InvolveRegisterItem *now = peek (new_pages, i);

                  if (before != NULL && (now == NULL || !same_row (before, now)))
                    {
                      first = MIN (first, i);
                      last = i;
                    }
                }
              if (first != G_MAXUINT)
                g_list_model_items_changed (G_LIST_MODEL (self), first, last - first + 1, last - first + 1);
            }
        }
      else
        g_list_model_items_changed (G_LIST_MODEL (self), prefix, old_n - prefix, new_n - prefix);
      return;
    }

  while (suffix < old_n - prefix && suffix < new_n - prefix
         && same_row (peek (old_pages, old_n - 1 - suffix), peek (new_pages, new_n - 1 - suffix)))
    suffix++;
  old_mid = old_n - prefix - suffix;
  new_mid = new_n - prefix - suffix;
  if (old_mid == 0 && new_mid == 0)
    return;

  if (old_mid == new_mid && old_mid >= 2)
    {
      /* One row went up to the top of the run: the rest moved down by one.
       * Between the removal and the insertion the list sees the new rows
       * without the one inserted (the old rows without the one removed). */
      if (same_run (old_pages, prefix, new_pages, prefix + 1, old_mid - 1))
        {
          announce_move (self, prefix + old_mid - 1, prefix);
          return;
        }
      /* One row went down to the end of the run. */
      if (same_run (old_pages, prefix + 1, new_pages, prefix, old_mid - 1))
        {
          announce_move (self, prefix, prefix + old_mid - 1);
          return;
        }
    }
  g_list_model_items_changed (G_LIST_MODEL (self), prefix, old_mid, new_mid);
}

static void start_refresh (InvolveRegisterModel *self);

static void
refresh_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  InvolveRegisterModel *self = INVOLVE_REGISTER_MODEL (source);
  Refresh *refresh = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean stale = refresh->generation != self->generation;

  self->refreshing = FALSE;
  if (stale)
    ; /* reloaded since: what was fetched is stale, and the reload is newer */
  else if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_clear_error (&self->error);
      self->error = g_steal_pointer (&error);
    }
  else
    {
      g_autoptr(GHashTable) old_pages = g_steal_pointer (&self->pages);
      guint old_n = self->n_items;

      g_clear_error (&self->error);
      self->pages = g_steal_pointer (&refresh->pages);
      self->n_items = refresh->count;
      self->count_all = refresh->count_all;
      g_strfreev (self->organisations);
      self->organisations = g_steal_pointer (&refresh->organisations);
      announce_changes (self, old_pages, old_n);
    }

  if (self->refresh_again)
    start_refresh (self);
  else if (!stale)
    g_signal_emit (self, signals[REFRESHED], 0);
}

static void
start_refresh (InvolveRegisterModel *self)
{
  g_autoptr(GTask) task = NULL;
  Refresh *refresh = g_new0 (Refresh, 1);
  GHashTableIter iter;
  gpointer key;

  refresh->store = g_object_ref (self->store);
  refresh->text = g_strdup (self->text);
  refresh->status_mask = self->status_mask;
  refresh->organisation = g_strdup (self->organisation);
  refresh->framework_id = g_strdup (self->framework_id);
  refresh->outcome = g_strdup (self->outcome);
  refresh->generation = self->generation;
  refresh->page_numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint page = GPOINTER_TO_UINT (key);

      g_array_append_val (refresh->page_numbers, page);
    }
  refresh->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);

  self->refreshing = TRUE;
  self->refresh_again = FALSE;
  task = g_task_new (self, NULL, refresh_done_cb, NULL);
  g_task_set_source_tag (task, start_refresh);
  g_task_set_task_data (task, refresh, (GDestroyNotify) refresh_free);
  g_task_run_in_thread (task, refresh_thread);
}

void
involve_register_model_refresh (InvolveRegisterModel *self)
{
  g_return_if_fail (INVOLVE_IS_REGISTER_MODEL (self));

  /* Changes that come while one runs make one more, after it. */
  if (self->refreshing)
    self->refresh_again = TRUE;
  else
    start_refresh (self);
}

gboolean
involve_register_model_is_refreshing (InvolveRegisterModel *self)
{
  g_return_val_if_fail (INVOLVE_IS_REGISTER_MODEL (self), FALSE);
  return self->refreshing;
}

guint
involve_register_model_get_refreshed_count_all (InvolveRegisterModel *self)
{
  g_return_val_if_fail (INVOLVE_IS_REGISTER_MODEL (self), 0);
  return self->count_all;
}

const char * const *
involve_register_model_get_refreshed_organisations (InvolveRegisterModel *self)
{
  g_return_val_if_fail (INVOLVE_IS_REGISTER_MODEL (self), NULL);
  return (const char * const *) self->organisations;
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
  g_clear_pointer (&self->organisations, g_strfreev);
  G_OBJECT_CLASS (involve_register_model_parent_class)->finalize (object);
}

static void
involve_register_model_class_init (InvolveRegisterModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = involve_register_model_finalize;

  /**
   * InvolveRegisterModel::refreshed:
   *
   * A refresh (involve_register_model_refresh ()) has been applied, or
   * failed (involve_register_model_get_error ()); not when a reload came
   * in between and made it stale.
   */
  signals[REFRESHED] = g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
involve_register_model_init (InvolveRegisterModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->skip = G_MAXUINT;
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
