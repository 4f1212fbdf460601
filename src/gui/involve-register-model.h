/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "involve-store.h"

G_BEGIN_DECLS

/* One row of the register list: a record's summary. */
#define INVOLVE_TYPE_REGISTER_ITEM (involve_register_item_get_type ())
G_DECLARE_FINAL_TYPE (InvolveRegisterItem, involve_register_item, INVOLVE, REGISTER_ITEM, GObject)

const InvolveRecordSummary *involve_register_item_get_summary (InvolveRegisterItem *self);

/*
 * The register as a GListModel of InvolveRegisterItem: the store's list for
 * a query (search text and filters), fetched a page at a time as rows are
 * shown, so that a register of 100,000 records opens at once.
 */
#define INVOLVE_TYPE_REGISTER_MODEL (involve_register_model_get_type ())
G_DECLARE_FINAL_TYPE (InvolveRegisterModel, involve_register_model, INVOLVE, REGISTER_MODEL, GObject)

InvolveRegisterModel *involve_register_model_new          (InvolveStore          *store);
/* Search text ("" for all) and filters (NULL for any; status_mask 0 for any;
 * @organisation is an exact name, as involve_store_dup_organisations () gives).
 * Reloads. */
void                  involve_register_model_set_query    (InvolveRegisterModel  *self,
                                                           const char            *text,
                                                           guint                  status_mask,
                                                           const char            *organisation,
                                                           const char            *framework_id,
                                                           const char            *outcome);
/* Counts again and drops cached rows (after a change). */
void                  involve_register_model_reload       (InvolveRegisterModel  *self);
/* All records in the register, ignoring the query. */
guint                 involve_register_model_count_all    (InvolveRegisterModel  *self);
/* The uuids of every record the query matches, in list order. */
GStrv                 involve_register_model_dup_uuids    (InvolveRegisterModel  *self,
                                                           GError               **error);
/* Whether a search text or a filter is set. */
gboolean              involve_register_model_is_filtered  (InvolveRegisterModel  *self);
/* Fetches the count and the rows fetched so far again, in a thread, and
 * then tells the list only what changed (rows shown, the focus and the
 * scroll position stay); for changes another client made.  Emits
 * ::refreshed when done; calls while one runs make one more after it. */
void                  involve_register_model_refresh      (InvolveRegisterModel  *self);
gboolean              involve_register_model_is_refreshing (InvolveRegisterModel *self);
/* What the last refresh found: all records, ignoring the query, and the
 * organisations (as involve_store_dup_organisations ()), or NULL. */
guint                 involve_register_model_get_refreshed_count_all (InvolveRegisterModel *self);
const char * const   *involve_register_model_get_refreshed_organisations (InvolveRegisterModel *self);
/* The last error, or NULL. */
const GError         *involve_register_model_get_error    (InvolveRegisterModel  *self);

G_END_DECLS
