/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include "involve-store-rooms.h"

/*
 * Summaries, the full-text index and the lists: what the register window
 * shows and searches, kept up to date with each write.
 */

G_DEFINE_BOXED_TYPE (InvolveRecordSummary, involve_record_summary,
                     involve_record_summary_copy, involve_record_summary_free)

InvolveRecordSummary *
involve_record_summary_copy (const InvolveRecordSummary *summary)
{
  InvolveRecordSummary *copy;

  g_return_val_if_fail (summary != NULL, NULL);

  copy = g_new0 (InvolveRecordSummary, 1);
  *copy = *summary;
  copy->uuid = g_strdup (summary->uuid);
  copy->reference = g_strdup (summary->reference);
  copy->title = g_strdup (summary->title);
  copy->organisation = g_strdup (summary->organisation);
  copy->framework_id = g_strdup (summary->framework_id);
  copy->outcome = g_strdup (summary->outcome);
  return copy;
}

void
involve_record_summary_free (InvolveRecordSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->uuid);
  g_free (summary->reference);
  g_free (summary->title);
  g_free (summary->organisation);
  g_free (summary->framework_id);
  g_free (summary->outcome);
  g_free (summary);
}

void
involve_store_query_init (InvolveStoreQuery *query)
{
  g_return_if_fail (query != NULL);

  memset (query, 0, sizeof *query);
  query->sort = INVOLVE_STORE_SORT_REFERENCE;
}

/* Summaries and the search index */

static void
collect_text (GVariant *value,
              GString  *out)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      const char *text = g_variant_get_string (value, NULL);

      if (*text != '\0')
        {
          if (out->len > 0)
            g_string_append_c (out, '\n');
          g_string_append (out, text);
        }
    }
  else if (g_variant_is_container (value))
    {
      gsize n = g_variant_n_children (value);

      for (gsize i = 0; i < n; i++)
        {
          g_autoptr(GVariant) child = g_variant_get_child_value (value, i);

          collect_text (child, out);
        }
    }
}

/* The full-text index's body: every answer's text but the title and organisation. */
char *
_involve_store_compute_search_body (InvolveRecord *record)
{
  g_auto(GStrv) field_ids = involve_record_dup_field_ids (record);
  GString *body = g_string_new (NULL);

  for (guint i = 0; field_ids[i] != NULL; i++)
    {
      if (g_str_equal (field_ids[i], "title") || g_str_equal (field_ids[i], "organisation-name"))
        continue;
      collect_text (involve_record_get_value (record, field_ids[i]), body);
    }
  return g_string_free (body, FALSE);
}

gboolean
_involve_store_value_has_text (GVariant *value)
{
  if (value == NULL)
    return FALSE;
  return !g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN);
}

const char *
_involve_store_nonblank (const char *text)
{
  if (text == NULL)
    return NULL;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return text;
    }
  return NULL;
}

/*
 * Brings the records row (title, organisation, outcome, modified), the
 * version's outcome and, as @search says, the full-text row up to date
 * with @record, the latest version.
 */
gboolean
_involve_store_refresh_summary (InvolveStore  *self,
                                gint64         record_id,
                                gint64         version_id,
                                InvolveRecord *record,
                                gint64         now,
                                SearchUpdate   search,
                                GError       **error)
{
  /* Registers before format 4 cannot mark records stale. */
  gboolean text_changed = search == SEARCH_NOW || (search == SEARCH_DEFER && self->schema_version < 4);
  const char *doing = _("Could not update the register’s index");
  const char *title = _involve_store_nonblank (involve_record_get_string (record, "title"));
  const char *organisation = _involve_store_nonblank (involve_record_get_string (record, "organisation-name"));
  g_autofree char *outcome = _involve_store_compute_outcome (record);
  AUTO_STMT update_version = NULL;
  /* One statement a column, each writing only when the value changes, so
   * that a save rewrites only the indexes it must (every indexed column in
   * an UPDATE's SET list costs an index rewrite, changed or not). */
  static const char * const updates[] = {
    "UPDATE records SET modified_usec = ?2 WHERE id = ?1 AND modified_usec < ?2",
    "UPDATE records SET title = ?2 WHERE id = ?1 AND title IS DISTINCT FROM ?2",
    "UPDATE records SET organisation = ?2 WHERE id = ?1 AND organisation IS DISTINCT FROM ?2",
    "UPDATE records SET outcome = ?2 WHERE id = ?1 AND outcome IS DISTINCT FROM ?2",
    "UPDATE records SET search_stale = ?2 WHERE id = ?1 AND search_stale IS DISTINCT FROM ?2",
  };

  for (guint i = 0; i < G_N_ELEMENTS (updates); i++)
    {
      AUTO_STMT update = NULL;

      if (i == 4 && (self->schema_version < 4 || search == SEARCH_KEEP))
        continue;
      update = prepare (self, updates[i], error);
      if (update == NULL)
        return FALSE;
      involve_db_bind_int64 (update, 1, record_id);
      switch (i)
        {
        case 0:
          involve_db_bind_int64 (update, 2, now);
          break;
        case 1:
          bind_text (update, 2, title);
          break;
        case 2:
          bind_text (update, 2, organisation);
          break;
        case 3:
          bind_text (update, 2, outcome);
          break;
        default:
          involve_db_bind_int (update, 2, search == SEARCH_DEFER ? 1 : 0);
          break;
        }
      if (!step_done (self, update, doing, error))
        return FALSE;
    }

  update_version = prepare (self, "UPDATE versions SET outcome = ?2 WHERE id = ?1 AND outcome IS DISTINCT FROM ?2", error);
  if (update_version == NULL)
    return FALSE;
  involve_db_bind_int64 (update_version, 1, version_id);
  bind_text (update_version, 2, outcome);
  if (!step_done (self, update_version, doing, error))
    return FALSE;

  if (text_changed && self->schema_version >= 3)
    {
      g_autofree char *body = _involve_store_compute_search_body (record);
      AUTO_STMT key = NULL;
      AUTO_STMT remove = NULL;
      AUTO_STMT insert = NULL;
      gint64 ref_key;
      int rc;

      key = prepare (self, "SELECT ref_year * 100000000 + ref_number FROM records WHERE id = ?1", error);
      if (key == NULL)
        return FALSE;
      involve_db_bind_int64 (key, 1, record_id);
      rc = involve_db_step (key);
      if (rc != SQLITE_ROW)
        {
          set_sqlite_error (self, error, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, doing);
          return FALSE;
        }
      ref_key = involve_db_column_int64 (key, 0);

      remove = prepare (self, "DELETE FROM search_text WHERE rowid = ?1", error);
      if (remove == NULL)
        return FALSE;
      involve_db_bind_int64 (remove, 1, ref_key);
      if (!step_done (self, remove, doing, error))
        return FALSE;

      insert = prepare (self,
                        "INSERT INTO search_text (rowid, reference, title, organisation, body)"
                        " VALUES (?1, ?2, ?3, ?4, ?5)",
                        error);
      if (insert == NULL)
        return FALSE;
      involve_db_bind_int64 (insert, 1, ref_key);
      bind_text (insert, 2, involve_record_get_reference (record));
      bind_text (insert, 3, title);
      bind_text (insert, 4, organisation);
      bind_text (insert, 5, body);
      if (!step_done (self, insert, doing, error))
        return FALSE;
    }
  return TRUE;
}

/* Migration 3: index what older registers hold. */
gboolean
_involve_store_populate_search_index (InvolveStore *self,
                                      GError      **error)
{
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  InvolveDbStmt *stmt = NULL;
  int rc;

  rc = involve_db_prepare (self->db, "SELECT uuid FROM records ORDER BY id", FALSE, &stmt);
  while (rc == SQLITE_OK && (rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (uuids, column_dup (stmt, 0));
      rc = SQLITE_OK;
    }
  involve_db_finalize (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc, _("Could not index the register"));
      return FALSE;
    }

  /* _involve_store_refresh_summary () looks at the schema version to know FTS exists. */
  self->schema_version = 3;
  for (guint i = 0; i < uuids->len; i++)
    {
      g_auto(VersionRow) row = { 0 };
      g_autoptr(InvolveRecord) record = NULL;

      if (!_involve_store_fetch_version (self, uuids->pdata[i], 0, &row, error) ||
          (record = _involve_store_record_from_row (self, &row, error)) == NULL ||
          !_involve_store_refresh_summary (self, row.record_id, row.version_id, record, row.modified_usec, SEARCH_NOW, error))
        {
          self->schema_version = 2;
          return FALSE;
        }
    }
  self->schema_version = 2;
  return TRUE;
}

/* Search and lists */

/*
 * What the user typed becomes an FTS5 query: each word a quoted phrase (so
 * no word is taken as an operator), all of them required, the last one as
 * a prefix because it may still be being typed:
 *   «podiatry clinic reloc»  ->  "podiatry" "clinic" "reloc"*
 */
static char *
make_match_expression (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \t\n\r", -1);
  GString *out = g_string_new (NULL);
  int last = -1;

  for (int i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] != '\0')
        last = i;
    }

  for (int i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, '"');
      for (const char *p = words[i]; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append (out, i == last ? "\"*" : "\"");
    }
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* The filters other than the text. */
static char *
build_where (const InvolveStoreQuery *query)
{
  GString *where = g_string_new (" WHERE 1");

  if (query->status_mask != 0)
    {
      gboolean first = TRUE;

      g_string_append (where, " AND r.status IN (");
      for (guint s = 0; s < INVOLVE_N_STATUSES; s++)
        {
          if (!(query->status_mask & (1u << s)))
            continue;
          g_string_append_printf (where, "%s'%s'", first ? "" : ", ", involve_status_to_string (s));
          first = FALSE;
        }
      if (first)
        g_string_append (where, "NULL");
      g_string_append (where, ")");
    }
  if (query->organisation != NULL)
    g_string_append (where, " AND r.organisation = :organisation");
  if (query->framework_id != NULL)
    g_string_append (where, " AND r.framework = :framework");
  if (query->outcome != NULL)
    {
      if (g_str_equal (query->outcome, "unknown"))
        g_string_append (where, " AND r.outcome IS NULL");
      else
        g_string_append (where, " AND r.outcome = :outcome");
    }
  if (query->modified_from != 0)
    g_string_append (where, " AND r.modified_usec >= :from");
  if (query->modified_until != 0)
    g_string_append (where, " AND r.modified_usec < :until");
  return g_string_free (where, FALSE);
}

static gboolean
query_has_filters (const InvolveStoreQuery *query)
{
  return query->status_mask != 0 || query->organisation != NULL || query->framework_id != NULL ||
         query->outcome != NULL || query->modified_from != 0 || query->modified_until != 0;
}

/* Full-text matches joined to their records, in reference order. */
#define MATCHES_ASC \
  " FROM (SELECT rowid AS k FROM search_text WHERE search_text MATCH :match ORDER BY rowid) m" \
  " JOIN records r ON r.ref_year = m.k / 100000000 AND r.ref_number = m.k % 100000000"
#define MATCHES_DESC \
  " FROM (SELECT rowid AS k FROM search_text WHERE search_text MATCH :match ORDER BY rowid DESC) m" \
  " JOIN records r ON r.ref_year = m.k / 100000000 AND r.ref_number = m.k % 100000000"

static void
bind_query (InvolveDbStmt           *stmt,
            const InvolveStoreQuery *query,
            const char              *match)
{
  int index;

  if ((index = involve_db_bind_parameter_index (stmt, ":match")) > 0)
    bind_text (stmt, index, match);
  if ((index = involve_db_bind_parameter_index (stmt, ":organisation")) > 0)
    bind_text (stmt, index, query->organisation);
  if ((index = involve_db_bind_parameter_index (stmt, ":framework")) > 0)
    bind_text (stmt, index, query->framework_id);
  if ((index = involve_db_bind_parameter_index (stmt, ":outcome")) > 0)
    bind_text (stmt, index, query->outcome);
  if ((index = involve_db_bind_parameter_index (stmt, ":from")) > 0)
    involve_db_bind_int64 (stmt, index, query->modified_from);
  if ((index = involve_db_bind_parameter_index (stmt, ":until")) > 0)
    involve_db_bind_int64 (stmt, index, query->modified_until);
  if ((index = involve_db_bind_parameter_index (stmt, ":limit")) > 0)
    involve_db_bind_int64 (stmt, index, query->limit > 0 ? (gint64) query->limit : G_MAXINT64);
  if ((index = involve_db_bind_parameter_index (stmt, ":offset")) > 0)
    involve_db_bind_int64 (stmt, index, query->offset);
}

/*
 * Re-indexes the records whose text changed since they were last indexed
 * (saving only marks them).  Usually one or two: those being edited.  A
 * register that cannot be written just searches the index it has.
 */
static void
refresh_stale_search (InvolveStore *self)
{
  if (self->schema_version < 4)
    return;

  for (;;)
    {
      g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GError) error = NULL;
      AUTO_STMT find = NULL;
      int rc;

      find = prepare (self, "SELECT uuid FROM records WHERE search_stale LIMIT 200", &error);
      if (find == NULL)
        break;
      while ((rc = involve_db_step (find)) == SQLITE_ROW)
        g_ptr_array_add (uuids, column_dup (find, 0));
      involve_db_reset (find);
      if (rc != SQLITE_DONE || uuids->len == 0)
        break;

      if (!txn_begin (self, &error))
        break;
      for (guint i = 0; i < uuids->len; i++)
        {
          g_auto(VersionRow) row = { 0 };
          g_autoptr(InvolveRecord) record = NULL;

          if (!_involve_store_fetch_version (self, uuids->pdata[i], 0, &row, &error) ||
              (record = _involve_store_record_from_row (self, &row, &error)) == NULL ||
              !_involve_store_refresh_summary (self, row.record_id, row.version_id, record, row.modified_usec, SEARCH_NOW, &error))
            break;
        }
      if (error != NULL || !txn_commit (self, &error))
        {
          txn_rollback (self);
          g_debug ("Could not bring the search index of %s up to date: %s", self->path, error->message);
          break;
        }
    }
}

/* A search the user cannot have meant as syntax never fails: FTS5 errors
 * (there should be none with quoted words) read as "no matches". */
static gboolean
is_match_syntax_error (InvolveStore *self,
                       int           rc)
{
  return rc == SQLITE_ERROR && strstr (involve_db_errmsg (self->db), "fts5") != NULL;
}

gboolean
involve_store_count (InvolveStore            *self,
                     const InvolveStoreQuery *query,
                     guint                   *count,
                     GError                 **error)
{
  STORE_LOCK (self);
  InvolveStoreQuery all;
  g_autofree char *match = NULL;
  g_autofree char *where = NULL;
  g_autofree char *sql = NULL;
  AUTO_STMT stmt = NULL;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);
  g_return_val_if_fail (count != NULL, FALSE);

  if (query == NULL)
    {
      involve_store_query_init (&all);
      query = &all;
    }
  if (query->text != NULL)
    match = make_match_expression (query->text);
  if (match != NULL)
    refresh_stale_search (self);
  where = build_where (query);

  if (match != NULL && !query_has_filters (query))
    sql = g_strdup ("SELECT count(*) FROM search_text WHERE search_text MATCH :match");
  else if (match != NULL)
    sql = g_strconcat ("SELECT count(*)", MATCHES_ASC, where, NULL);
  else
    sql = g_strconcat ("SELECT count(*) FROM records r", where, NULL);

  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  bind_query (stmt, query, match);
  rc = involve_db_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (is_match_syntax_error (self, rc))
        {
          *count = 0;
          return TRUE;
        }
      set_sqlite_error (self, error, rc, _("Could not search the register"));
      return FALSE;
    }
  *count = (guint) involve_db_column_int64 (stmt, 0);
  return TRUE;
}

#define SUMMARY_COLUMNS "SELECT r.uuid, r.reference, r.latest_version, r.title, r.organisation, r.framework," \
                        " r.outcome, r.status, r.created_usec, r.modified_usec"

GPtrArray *
involve_store_list (InvolveStore            *self,
                    const InvolveStoreQuery *query,
                    guint                   *total,
                    GError                 **error)
{
  STORE_LOCK (self);
  InvolveStoreQuery all;
  g_autoptr(GPtrArray) result = NULL;
  g_autofree char *match = NULL;
  g_autofree char *where = NULL;
  g_autofree char *sql = NULL;
  const char *order;
  const char *from;
  AUTO_STMT stmt = NULL;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (query == NULL)
    {
      involve_store_query_init (&all);
      query = &all;
    }
  if (query->text != NULL)
    match = make_match_expression (query->text);
  if (match != NULL)
    refresh_stale_search (self);

  switch (query->sort)
    {
    case INVOLVE_STORE_SORT_MODIFIED:
      order = query->descending ? " ORDER BY r.modified_usec DESC, r.id DESC" : " ORDER BY r.modified_usec, r.id";
      break;
    case INVOLVE_STORE_SORT_TITLE:
      order = query->descending ? " ORDER BY r.title COLLATE NOCASE DESC, r.id DESC" : " ORDER BY r.title COLLATE NOCASE, r.id";
      break;
    case INVOLVE_STORE_SORT_REFERENCE:
    default:
      if (match != NULL)
        order = query->descending ? " ORDER BY m.k DESC" : " ORDER BY m.k";
      else
        order = query->descending ? " ORDER BY r.ref_year DESC, r.ref_number DESC" : " ORDER BY r.ref_year, r.ref_number";
      break;
    }

  /* A search in reference order streams from the full-text index, so
   * the first page comes at once however many records match. */
  if (match == NULL)
    from = " FROM records r";
  else if (query->sort == INVOLVE_STORE_SORT_REFERENCE)
    from = query->descending ? MATCHES_DESC : MATCHES_ASC;
  else
    from = MATCHES_ASC;

  where = build_where (query);
  sql = g_strconcat (SUMMARY_COLUMNS, from, where, order, " LIMIT :limit OFFSET :offset", NULL);
  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  bind_query (stmt, query, match);

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_record_summary_free);
  while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
    {
      InvolveRecordSummary *summary = g_new0 (InvolveRecordSummary, 1);
      InvolveStatus status = INVOLVE_STATUS_DRAFT;

      summary->uuid = column_dup (stmt, 0);
      summary->reference = column_dup (stmt, 1);
      summary->version = (guint) involve_db_column_int64 (stmt, 2);
      summary->title = column_dup (stmt, 3);
      summary->organisation = column_dup (stmt, 4);
      summary->framework_id = column_dup (stmt, 5);
      summary->outcome = column_dup (stmt, 6);
      involve_status_from_string ((const char *) involve_db_column_text (stmt, 7), &status);
      summary->status = status;
      summary->created_usec = involve_db_column_int64 (stmt, 8);
      summary->modified_usec = involve_db_column_int64 (stmt, 9);
      g_ptr_array_add (result, summary);
    }
  if (rc != SQLITE_DONE && !is_match_syntax_error (self, rc))
    {
      set_sqlite_error (self, error, rc, _("Could not search the register"));
      return NULL;
    }

  if (total != NULL)
    {
      if (query->offset == 0 && (query->limit == 0 || result->len < query->limit))
        *total = result->len;
      else if (!involve_store_count (self, query, total, error))
        return NULL;
    }
  return g_steal_pointer (&result);
}

GStrv
involve_store_dup_organisations (InvolveStore *self,
                                 GError      **error)
{
  STORE_LOCK (self);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  AUTO_STMT stmt = NULL;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);

  /* One index seek per organisation rather than a scan of every record:
   * the window fills its filter with these as it opens. */
  stmt = prepare (self,
                  "WITH RECURSIVE o(name) AS ("
                  " SELECT min(organisation) FROM records"
                  " UNION ALL"
                  " SELECT (SELECT min(organisation) FROM records WHERE organisation > o.name)"
                  " FROM o WHERE o.name IS NOT NULL)"
                  " SELECT name FROM o WHERE name IS NOT NULL ORDER BY name COLLATE NOCASE",
                  error);
  if (stmt == NULL)
    return NULL;
  while ((rc = involve_db_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) involve_db_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("Could not read the register"));
      return NULL;
    }
  return g_strv_builder_end (builder);
}
