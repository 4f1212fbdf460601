/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-history"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "involve-history-window.h"

struct _InvolveHistoryWindow
{
  AdwWindow           parent_instance;

  InvolveDefinitions *definitions;

  GtkWidget          *window_title;
  GtkWidget          *page;
  GtkWidget          *versions_group;
  GtkWidget          *audit_group;
};

G_DEFINE_FINAL_TYPE (InvolveHistoryWindow, involve_history_window, ADW_TYPE_WINDOW)

static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) time = NULL;

  if (usec <= 0)
    return g_strdup (_("unknown time"));
  time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S UTC");
}

/* A choice as its label says it, not its stored id. */
static const char *
option_label (const InvolveField *field,
              const char         *id)
{
  for (guint i = 0; field != NULL && field->options != NULL && i < field->options->len; i++)
    {
      const InvolveOption *option = g_ptr_array_index (field->options, i);

      if (g_strcmp0 (option->id, id) == 0 && option->label != NULL)
        return option->label;
    }
  return id;
}

/* A stored value (GVariant text form) as a person reads it. */
static char *
format_value (const InvolveField *field,
              const char         *text)
{
  g_autoptr(GVariant) value = NULL;

  if (text == NULL)
    return g_strdup (_("(empty)"));
  value = g_variant_parse (NULL, text, NULL, NULL, NULL);
  if (value == NULL)
    return g_strdup (text);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      const char *string = g_variant_get_string (value, NULL);
      return g_strdup (string[0] != '\0' ? option_label (field, string) : _("(empty)"));
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (g_variant_get_boolean (value) ? _("yes") : _("no"));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autofree const char **items = g_variant_get_strv (value, NULL);

      for (guint i = 0; items[i] != NULL; i++)
        items[i] = option_label (field, items[i]);
      return g_strjoinv (", ", (char **) items);
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE ("aas")))
    {
      GString *out = g_string_new (NULL);
      gsize n = g_variant_n_children (value);

      for (gsize i = 0; i < n; i++)
        {
          g_autoptr(GVariant) row = g_variant_get_child_value (value, i);
          g_autofree const char **cells = g_variant_get_strv (row, NULL);
          g_autofree char *joined = g_strjoinv (" | ", (char **) cells);

          g_string_append_printf (out, "%s%s", i > 0 ? "; " : "", joined);
        }
      return g_string_free (out, FALSE);
    }
  return g_variant_print (value, FALSE);
}

/* What happened, in words; the kind's own name when it is a new one.
 * @field is the entry's, or NULL. */
static char *
describe_kind (const InvolveAuditEntry *entry,
               const InvolveField      *field)
{
  const char *kind = entry->kind != NULL ? entry->kind : "";

  if (g_str_equal (kind, INVOLVE_AUDIT_CREATE))
    return g_strdup (_("Record created"));
  if (g_str_equal (kind, INVOLVE_AUDIT_VALUE))
    return g_strdup_printf (_("Changed “%s”"), field != NULL ? field->label
                                                 : entry->field_id != NULL ? entry->field_id : "");
  if (g_str_equal (kind, INVOLVE_AUDIT_STATUS))
    return g_strdup (_("Status changed"));
  if (g_str_equal (kind, INVOLVE_AUDIT_SIGN_OFF))
    return g_strdup (_("Signed off"));
  if (g_str_equal (kind, INVOLVE_AUDIT_RETURN))
    return g_strdup (_("Returned with comments"));
  if (g_str_equal (kind, INVOLVE_AUDIT_AMEND))
    return g_strdup (_("Amended"));
  if (g_str_equal (kind, INVOLVE_AUDIT_EXPORT))
    return g_strdup (_("Exported"));
  if (g_str_equal (kind, INVOLVE_AUDIT_IMPORT))
    return g_strdup (_("Imported"));
  if (g_str_equal (kind, INVOLVE_AUDIT_BACKUP))
    return g_strdup (_("Backed up"));
  if (g_str_equal (kind, INVOLVE_AUDIT_SUBMIT))
    return g_strdup (_("Submitted for sign-off (signed)"));
  if (g_str_equal (kind, INVOLVE_AUDIT_TRUST))
    return g_strdup (_("Trust list changed (signed)"));
  if (g_str_equal (kind, INVOLVE_AUDIT_REFUSED))
    return g_strdup (_("Refused"));
  return g_strdup (kind);
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

static GtkWidget *
new_entry_row (InvolveHistoryWindow    *self,
               const InvolveAuditEntry *entry,
               const char              *number_prefix)
{
  const InvolveField *field = entry->field_id != NULL
                              ? involve_definitions_lookup_field (self->definitions, entry->field_id, NULL)
                              : NULL;
  g_autofree char *what = describe_kind (entry, field);
  g_autofree char *when = format_time (entry->time_usec);
  g_autofree char *who = NULL;
  g_autofree char *number = g_strdup_printf ("%s%" G_GINT64_FORMAT, number_prefix, entry->id);
  g_autoptr(GString) subtitle = g_string_new (NULL);

  if (entry->profile != NULL && entry->account != NULL)
    who = g_strdup_printf (_("%s (account %s)"), entry->profile, entry->account);
  else
    who = g_strdup (entry->profile != NULL ? entry->profile : entry->account != NULL ? entry->account : _("unknown"));

  if (entry->version > 0)
    g_string_append_printf (subtitle, _("%s · %s · version %u"), when, who, entry->version);
  else
    g_string_append_printf (subtitle, _("%s · %s"), when, who);
  if (entry->field_id != NULL)
    {
      g_autofree char *old_value = format_value (field, entry->old_value);
      g_autofree char *new_value = format_value (field, entry->new_value);

      g_string_append_c (subtitle, '\n');
      g_string_append_printf (subtitle, _("From: %s"), old_value);
      g_string_append_c (subtitle, '\n');
      g_string_append_printf (subtitle, _("To: %s"), new_value);
    }
  if (entry->details != NULL && entry->details[0] != '\0')
    {
      g_string_append_c (subtitle, '\n');
      g_string_append (subtitle, entry->details);
    }
  return new_row (what, subtitle->str, number);
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
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) trails = NULL;

  versions = involve_store_list_versions (store, uuid, error);
  if (versions == NULL)
    return FALSE;
  entries = involve_store_list_audit (store, uuid, error);
  if (entries == NULL)
    return FALSE;
  trails = involve_store_list_imported_trails (store, uuid, error);
  if (trails == NULL)
    return FALSE;

  for (guint i = 0; i < versions->len; i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->versions_group), new_version_row (versions->pdata[i]));
  for (guint i = 0; i < entries->len; i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->audit_group), new_entry_row (self, entries->pdata[i], ""));

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

  gtk_widget_dispose_template (GTK_WIDGET (self), INVOLVE_TYPE_HISTORY_WINDOW);
  g_clear_object (&self->definitions);
  G_OBJECT_CLASS (involve_history_window_parent_class)->dispose (object);
}

static void
involve_history_window_class_init (InvolveHistoryWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = involve_history_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/involve/Involve/ui/involve-history-window.ui");
  gtk_widget_class_bind_template_child (widget_class, InvolveHistoryWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, InvolveHistoryWindow, page);
  gtk_widget_class_bind_template_child (widget_class, InvolveHistoryWindow, versions_group);
  gtk_widget_class_bind_template_child (widget_class, InvolveHistoryWindow, audit_group);

  /* A window to read and leave: Escape closes it, as a dialog would. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
involve_history_window_init (InvolveHistoryWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
