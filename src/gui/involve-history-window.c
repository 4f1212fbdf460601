/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-history"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "involve-audit-text.h"
#include "involve-history-window.h"
#include "involve-store-involvement.h"
#include "involve-store-anchors.h"

/* Entries are read and formatted a page at a time in a thread, so that a
 * record with thousands of entries, or answers of 100,000 words, opens at
 * once and never blocks the window. */
#define PAGE_SIZE 200
/* A value is shown up to this many characters; the rest is counted. */
#define VALUE_PREVIEW_CHARS 400

struct _InvolveHistoryWindow
{
  AdwWindow           parent_instance;

  InvolveDefinitions *definitions;
  InvolveStore       *store;
  char               *uuid;
  gint64              last_id;        /* the last entry shown */
  GCancellable       *cancellable;    /* the page being read */

  GtkWidget          *window_title;
  GtkWidget          *page;
  GtkWidget          *versions_group;
  GtkWidget          *audit_group;
  GtkWidget          *more_button;
  GtkWidget          *loading_label;
};

G_DEFINE_FINAL_TYPE (InvolveHistoryWindow, involve_history_window, ADW_TYPE_WINDOW)

enum {
  OPEN_VERSION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) time = NULL;

  if (usec <= 0)
    return g_strdup (_("unknown time"));
  time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S UTC");
}

/* At most VALUE_PREVIEW_CHARS characters of @text, saying how many more. */
static char *
preview (char *text)
{
  glong length = g_utf8_strlen (text, -1);
  g_autofree char *owned = text;
  const char *end;

  if (length <= VALUE_PREVIEW_CHARS)
    return g_steal_pointer (&owned);
  end = g_utf8_offset_to_pointer (text, VALUE_PREVIEW_CHARS);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%.*s… (and %ld more character)",
                                       "%.*s… (and %ld more characters)",
                                       (gulong) (length - VALUE_PREVIEW_CHARS)),
                          (int) (end - text), text, length - VALUE_PREVIEW_CHARS);
}

/* Rows show stored text as it is: never as markup. */
static GtkWidget *
new_row (const char *title,
         const char *subtitle,
         const char *prefix /* the entry's number, or NULL */)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (prefix == NULL)
    return row;
  label = gtk_label_new (prefix);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_label_set_width_chars (GTK_LABEL (label), 4);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), label);
  return row;
}

/* What one entry's row says; built in the thread that reads the page. */
typedef struct
{
  char *title;
  char *subtitle;
  char *number;
} EntryText;

static void
entry_text_free (EntryText *text)
{
  g_free (text->title);
  g_free (text->subtitle);
  g_free (text->number);
  g_free (text);
}

static EntryText *
describe_entry (InvolveDefinitions      *definitions,
                const InvolveAuditEntry *entry,
                const char              *number_prefix)
{
  const InvolveField *field = entry->field_id != NULL
                              ? involve_definitions_lookup_field (definitions, entry->field_id, NULL)
                              : NULL;
  EntryText *text = g_new0 (EntryText, 1);
  g_autofree char *when = format_time (entry->time_usec);
  g_autofree char *who = NULL;
  g_autofree char *details = NULL;
  g_autoptr(GString) subtitle = g_string_new (NULL);

  text->title = involve_audit_describe (entry, field);
  text->number = g_strdup_printf ("%s%" G_GINT64_FORMAT, number_prefix, entry->id);
  who = involve_audit_dup_actor (entry);
  if (*who == '\0')
    {
      g_free (who);
      who = g_strdup (_("unknown"));
    }

  if (entry->version > 0)
    g_string_append_printf (subtitle, _("%s · %s · version %u"), when, who, entry->version);
  else
    g_string_append_printf (subtitle, _("%s · %s"), when, who);
  if (g_strcmp0 (entry->kind, INVOLVE_AUDIT_INVOLVEMENT) == 0)
    {
      /* The log entry as written: one "key: value" a line. */
      g_autoptr(GVariant) value = entry->new_value != NULL
                                  ? g_variant_parse (G_VARIANT_TYPE_VARDICT, entry->new_value, NULL, NULL, NULL)
                                  : NULL;
      GVariantIter iter;
      const char *key;
      GVariant *item;

      if (value == NULL && entry->new_value != NULL)
        g_string_append_printf (subtitle, "\n%s", entry->new_value);
      if (value != NULL)
        {
          g_variant_iter_init (&iter, value);
          while (g_variant_iter_next (&iter, "{&sv}", &key, &item))
            {
              g_autofree char *shown = NULL;

              if (g_variant_is_of_type (item, G_VARIANT_TYPE_STRING))
                shown = g_variant_dup_string (item, NULL);
              else if (g_variant_is_of_type (item, G_VARIANT_TYPE_STRING_ARRAY))
                {
                  g_autofree const char **items = g_variant_get_strv (item, NULL);

                  shown = g_strjoinv (", ", (char **) items);
                }
              else
                shown = g_variant_print (item, FALSE);
              if (!g_str_equal (key, "record"))
                g_string_append_printf (subtitle, "\n%s: %s", key, shown);
              g_variant_unref (item);
            }
        }
    }
  else if (entry->field_id != NULL)
    {
      /* Worded as the evidence PDF words them, cut short. */
      g_autofree char *old_value = preview (involve_audit_format_value (definitions, field, entry->old_value));
      g_autofree char *new_value = preview (involve_audit_format_value (definitions, field, entry->new_value));

      g_string_append_c (subtitle, '\n');
      g_string_append_printf (subtitle, _("From: %s"), old_value);
      g_string_append_c (subtitle, '\n');
      g_string_append_printf (subtitle, _("To: %s"), new_value);
    }
  details = involve_audit_dup_details (definitions, entry);
  if (details != NULL)
    {
      g_autofree char *shown = preview (g_steal_pointer (&details));

      g_string_append_c (subtitle, '\n');
      g_string_append (subtitle, shown);
    }
  text->subtitle = g_string_free (g_steal_pointer (&subtitle), FALSE);
  return text;
}

static GtkWidget *
new_entry_row (InvolveHistoryWindow    *self,
               const InvolveAuditEntry *entry,
               const char              *number_prefix)
{
  EntryText *text = describe_entry (self->definitions, entry, number_prefix);
  GtkWidget *row = new_row (text->title, text->subtitle, text->number);

  entry_text_free (text);
  return row;
}

/* Reading a page of entries in a thread. */

typedef struct
{
  InvolveStore       *store;
  InvolveDefinitions *definitions;
  char               *uuid;
  gint64              after_id;
} PageRequest;

typedef struct
{
  GPtrArray *texts;     /* EntryText* */
  gint64     last_id;
  gboolean   more;      /* a full page: there may be more */
} Page;

static void
page_request_free (PageRequest *request)
{
  g_object_unref (request->store);
  g_object_unref (request->definitions);
  g_free (request->uuid);
  g_free (request);
}

static void
page_free (Page *page)
{
  g_ptr_array_unref (page->texts);
  g_free (page);
}

static void
read_page_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  PageRequest *request = data;
  g_autoptr(GPtrArray) entries = NULL;
  GError *error = NULL;
  Page *page;

  entries = involve_store_list_audit_page (request->store, request->uuid, request->after_id,
                                           PAGE_SIZE, &error);
  if (entries == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  page = g_new0 (Page, 1);
  page->texts = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_text_free);
  page->last_id = request->after_id;
  page->more = entries->len == PAGE_SIZE;
  g_debug ("read %u entries", entries->len);
  for (guint i = 0; i < entries->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      InvolveAuditEntry *entry = entries->pdata[i];

      g_ptr_array_add (page->texts, describe_entry (request->definitions, entry, ""));
      page->last_id = entry->id;
    }
  g_debug ("formatted %u entries", page->texts->len);
  g_task_return_pointer (task, page, (GDestroyNotify) page_free);
}

static void read_next_page (InvolveHistoryWindow *self);

static void
page_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  InvolveHistoryWindow *self = data;
  g_autoptr(GError) error = NULL;
  Page *page = g_task_propagate_pointer (G_TASK (result), &error);

  if (page == NULL)
    {
      /* Closed while reading: nothing to show it in. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("Could not read the history: %s"), error->message);

          gtk_label_set_text (GTK_LABEL (self->loading_label), message);
          gtk_widget_set_visible (self->loading_label, TRUE);
        }
      g_object_unref (self);
      return;
    }
  if (!g_cancellable_is_cancelled (self->cancellable))
    {
      gint64 start = g_get_monotonic_time ();

      for (guint i = 0; i < page->texts->len; i++)
        {
          EntryText *text = page->texts->pdata[i];

          adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->audit_group),
                                     new_row (text->title, text->subtitle, text->number));
        }
      self->last_id = page->last_id;
      gtk_widget_set_visible (self->loading_label, FALSE);
      gtk_widget_set_visible (self->more_button, page->more);
      gtk_widget_set_sensitive (self->more_button, TRUE);
      g_debug ("%u entries shown in %.0f ms", page->texts->len, (g_get_monotonic_time () - start) / 1000.0);
    }
  page_free (page);
  g_object_unref (self);
}

static void
read_next_page (InvolveHistoryWindow *self)
{
  PageRequest *request = g_new0 (PageRequest, 1);
  g_autoptr(GTask) task = NULL;

  request->store = g_object_ref (self->store);
  request->definitions = g_object_ref (self->definitions);
  request->uuid = g_strdup (self->uuid);
  request->after_id = self->last_id;

  gtk_widget_set_sensitive (self->more_button, FALSE);
  gtk_label_set_text (GTK_LABEL (self->loading_label), _("Reading the audit trail…"));
  gtk_widget_set_visible (self->loading_label, TRUE);
  task = g_task_new (NULL, self->cancellable, page_read_cb, g_object_ref (self));
  g_task_set_task_data (task, request, (GDestroyNotify) page_request_free);
  g_task_run_in_thread (task, read_page_thread);
}

static void
more_clicked_cb (InvolveHistoryWindow *self)
{
  read_next_page (self);
}

static void
version_row_activated_cb (AdwActionRow         *row,
                          InvolveHistoryWindow *self)
{
  guint version = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "version"));

  g_signal_emit (self, signals[OPEN_VERSION], 0, version);
}

/* An earlier version (superseded, returned, ...) opens read-only. */
static void
make_openable (InvolveHistoryWindow     *self,
               GtkWidget                *row,
               const InvolveVersionInfo *info)
{
  GtkWidget *icon = gtk_image_new_from_icon_name ("go-next-symbolic");

  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Open this version"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (row, _("Open this version, read-only"));
  g_object_set_data (G_OBJECT (row), "version", GUINT_TO_POINTER (info->version));
  g_signal_connect (row, "activated", G_CALLBACK (version_row_activated_cb), self);
}

static GtkWidget *
new_version_row (const InvolveVersionInfo *info)
{
  g_autofree char *title = g_strdup_printf (_("Version %u: %s"), info->version, involve_status_get_label (info->status));
  g_autofree char *created = format_time (info->created_usec);
  g_autoptr(GString) subtitle = g_string_new (NULL);

  g_string_append_printf (subtitle, _("Created %s"), created);
  if (info->status_reason != NULL)
    {
      g_string_append_c (subtitle, '\n');
      g_string_append_printf (subtitle, _("Reason: %s"), info->status_reason);
    }
  if (info->sign_off != NULL)
    {
      const InvolveSignOff *sign_off = info->sign_off;
      const char *reviewer = sign_off->reviewer_name != NULL ? sign_off->reviewer_name : _("unknown");
      const char *date = sign_off->date != NULL ? sign_off->date : "";

      g_string_append_c (subtitle, '\n');
      if (g_strcmp0 (sign_off->decision, "signed-off") == 0)
        g_string_append_printf (subtitle, _("Decision: signed off by %s on %s"), reviewer, date);
      else
        g_string_append_printf (subtitle, _("Decision: returned by %s on %s"), reviewer, date);
    }
  else
    {
      g_string_append_c (subtitle, '\n');
      g_string_append (subtitle, _("Decision: none yet"));
    }
  g_string_append_c (subtitle, '\n');
  if (info->fingerprint != NULL)
    g_string_append_printf (subtitle, _("Fingerprint: %s"), info->fingerprint);
  else
    g_string_append (subtitle, _("Fingerprint: none until submitted"));
  return new_row (title, subtitle->str, NULL);
}

static gboolean
load (InvolveHistoryWindow  *self,
      InvolveStore          *store,
      InvolveRecord         *record,
      GError               **error)
{
  const char *uuid = involve_record_get_uuid (record);
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GPtrArray) trails = NULL;

  versions = involve_store_list_versions (store, uuid, error);
  if (versions == NULL)
    return FALSE;
  trails = involve_store_list_imported_trails (store, uuid, error);
  if (trails == NULL)
    return FALSE;

  for (guint i = 0; i < versions->len; i++)
    {
      const InvolveVersionInfo *info = versions->pdata[i];
      GtkWidget *row = new_version_row (info);

      if (info->version != involve_record_get_version (record))
        make_openable (self, row, info);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->versions_group), row);
    }

  /* The register's own entries come a page at a time (read_next_page). */
  self->store = g_object_ref (store);
  self->uuid = g_strdup (uuid);
  read_next_page (self);

  /* Each kept trail under where it came from, numbered as its own register
   * numbered it, as involve-cli history shows them. */
  for (guint i = 0; i < trails->len; i++)
    {
      InvolveImportedTrail *trail = trails->pdata[i];
      g_autofree char *when = format_time (trail->imported_usec);
      g_autofree char *description = NULL;
      GtkWidget *group = adw_preferences_group_new ();

      description = g_strdup_printf (_("Kept as the source register recorded them: imported from %s on %s, "
                                       "bound into this register’s trail by entry %" PRId64 "."),
                                     trail->source != NULL ? trail->source : _("an unknown source"), when,
                                     trail->import_id);
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Entries from the Source Register"));
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
      for (guint j = 0; j < trail->entries->len; j++)
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), new_entry_row (self, trail->entries->pdata[j], "imported-"));
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (group));
    }
  return TRUE;
}

static void
involve_history_window_dispose (GObject *object)
{
  InvolveHistoryWindow *self = INVOLVE_HISTORY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), INVOLVE_TYPE_HISTORY_WINDOW);
  g_clear_object (&self->definitions);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->uuid, g_free);
  G_OBJECT_CLASS (involve_history_window_parent_class)->dispose (object);
}

static void
involve_history_window_class_init (InvolveHistoryWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = involve_history_window_dispose;

  signals[OPEN_VERSION] = g_signal_new ("open-version", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/involve/Involve/ui/involve-history-window.ui");
  gtk_widget_class_bind_template_child (widget_class, InvolveHistoryWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, InvolveHistoryWindow, page);
  gtk_widget_class_bind_template_child (widget_class, InvolveHistoryWindow, versions_group);
  gtk_widget_class_bind_template_child (widget_class, InvolveHistoryWindow, audit_group);
  gtk_widget_class_bind_template_child (widget_class, InvolveHistoryWindow, more_button);
  gtk_widget_class_bind_template_child (widget_class, InvolveHistoryWindow, loading_label);
  gtk_widget_class_bind_template_callback (widget_class, more_clicked_cb);

  /* A window to read and leave: Escape closes it, as a dialog would. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
involve_history_window_init (InvolveHistoryWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
involve_history_window_new (GtkWindow           *parent,
                            InvolveStore        *store,
                            InvolveDefinitions  *definitions,
                            InvolveRecord       *record,
                            GError             **error)
{
  InvolveHistoryWindow *self;
  g_autofree char *title = NULL;
  const char *record_title = involve_record_get_string (record, "title");

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (INVOLVE_IS_STORE (store), NULL);
  g_return_val_if_fail (INVOLVE_IS_DEFINITIONS (definitions), NULL);
  g_return_val_if_fail (INVOLVE_IS_RECORD (record), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (INVOLVE_TYPE_HISTORY_WINDOW, "transient-for", parent, NULL);
  self->definitions = g_object_ref (definitions);
  title = g_strdup_printf (_("History of %s"), involve_record_get_reference (record));
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (ADW_WINDOW_TITLE (self->window_title), title);
  adw_window_title_set_subtitle (ADW_WINDOW_TITLE (self->window_title), record_title != NULL ? record_title : "");
  if (!load (self, store, record, error))
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return NULL;
    }
  return GTK_WIDGET (self);
}
