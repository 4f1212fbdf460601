/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-window"

#include "config.h"

#include <glib/gi18n.h>

#include "involve-export-heads.h"
#include "involve-export-store.h"
#include "involve-lifecycle.h"
#include "involve-register-model.h"
#include "involve-report-dialog.h"
#include "involve-signoff.h"
#include "involve-unlock-dialog.h"
#include "involve-profile.h"
#include "involve-window-private.h"
#include "involve-wizard.h"

struct _InvolveWindow
{
  AdwApplicationWindow  parent_instance;

  InvolveStore         *store;
  InvolveDefinitions   *definitions;
  GSettings            *settings;
  InvolveRegisterModel *model;
  GtkSliceListModel    *first_rows;      /* the model as the column view sees it */
  GtkWidget            *wizard;
  GPtrArray            *framework_ids;   /* filter index -> id (NULL = any) */
  GStrv                 organisations;   /* filter index - 1 -> name */
  gboolean              filling_filters; /* a filter's list is being replaced */

  /* template */
  GtkWidget            *main_stack;
  GtkWidget            *register_page;
  GtkWidget            *new_button;
  AdwWindowTitle       *register_title;
  GtkWidget            *filter_bar;
  GtkWidget            *search_entry;
  GtkWidget            *status_filter;
  GtkWidget            *organisation_filter;
  GtkWidget            *framework_filter;
  GtkWidget            *outcome_filter;
  GtkWidget            *list_stack;
  GtkWidget            *column_view;
  GtkWidget            *empty_page;
  GtkWidget            *error_page;
};

G_DEFINE_FINAL_TYPE (InvolveWindow, involve_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  FIRST_FRAME,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* No row of the list is shorter than this (a line of text and padding). */
#define MIN_ROW_HEIGHT 24

static const InvolveStatus status_filter_values[] = {
  INVOLVE_STATUS_DRAFT,
  INVOLVE_STATUS_AWAITING_SIGN_OFF,
  INVOLVE_STATUS_RETURNED,
  INVOLVE_STATUS_SIGNED_OFF,
  INVOLVE_STATUS_SUPERSEDED,
  INVOLVE_STATUS_WITHDRAWN,
};

static const char *outcome_filter_values[] = { NULL, "applies", "does-not-apply", "unknown" };

static void
show_message (InvolveWindow *self,
              const char    *heading,
              const char    *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The list */

/* @all: the records in the register, or G_MAXUINT to count them. */
static void
update_list_page_counted (InvolveWindow *self,
                          guint          all)
{
  const GError *error = involve_register_model_get_error (self->model);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  g_autofree char *subtitle = NULL;

  if (!involve_register_model_is_filtered (self->model))
    all = n;
  else if (all == G_MAXUINT)
    all = involve_register_model_count_all (self->model);

  if (error != NULL)
    {
      adw_status_page_set_description (ADW_STATUS_PAGE (self->error_page), error->message);
      gtk_stack_set_visible_child_name (GTK_STACK (self->list_stack), "error");
    }
  else if (all == 0)
    gtk_stack_set_visible_child_name (GTK_STACK (self->list_stack), "empty");
  else if (n == 0)
    gtk_stack_set_visible_child_name (GTK_STACK (self->list_stack), "no-results");
  else
    gtk_stack_set_visible_child_name (GTK_STACK (self->list_stack), "list");

  gtk_widget_set_visible (self->filter_bar, all > 0);
  if (n == all)
    subtitle = g_strdup_printf (ngettext ("%u assessment", "%u assessments", all), all);
  else
    subtitle = g_strdup_printf (ngettext ("%u of %u assessment", "%u of %u assessments", all), n, all);
  /* Which register this is: a team register says so, never with a password. */
  if (involve_store_is_server (self->store))
    {
      g_autofree char *shown = involve_store_dup_display_location (self->store);
      g_autofree char *counted = g_steal_pointer (&subtitle);

      /* TRANSLATORS: the number of assessments, then the server's connection string */
      subtitle = g_strdup_printf (_("%s · team register %s"), counted, shown);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->register_title), shown);
    }
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->register_title), involve_store_get_path (self->store));
  adw_window_title_set_subtitle (self->register_title, subtitle);
}

static void
update_list_page (InvolveWindow *self)
{
  update_list_page_counted (self, G_MAXUINT);
}

/* The organisation chosen in the filter (its first item is all of them),
 * or NULL. */
static const char *
chosen_organisation (InvolveWindow *self)
{
  guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->organisation_filter));

  if (self->organisations == NULL || selected == 0 || selected > g_strv_length (self->organisations))
    return NULL;
  return self->organisations[selected - 1];
}

void
_involve_window_apply_filters (InvolveWindow *self)
{
  guint status = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->status_filter));
  guint framework = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->framework_filter));
  guint outcome = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->outcome_filter));
  guint mask = 0;

  if (self->model == NULL)
    return;
  if (status != GTK_INVALID_LIST_POSITION && status > 0 && status <= G_N_ELEMENTS (status_filter_values))
    mask = 1u << status_filter_values[status - 1];
  involve_register_model_set_query (self->model,
                                    gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                                    mask,
                                    chosen_organisation (self),
                                    framework < self->framework_ids->len
                                      ? g_ptr_array_index (self->framework_ids, framework) : NULL,
                                    outcome < G_N_ELEMENTS (outcome_filter_values)
                                      ? outcome_filter_values[outcome] : NULL);
  update_list_page (self);
}

static void
filters_changed_cb (InvolveWindow *self)
{
  if (!self->filling_filters)
    _involve_window_apply_filters (self);
}

/*
 * The organisation filter lists the organisations the register holds now:
 * refreshed whenever the list is shown again, since records are created,
 * renamed and imported in between.  The chosen organisation stays chosen
 * while it is there; otherwise the filter goes back to all of them, and
 * this returns TRUE (the list needs its query again).  Takes @names.
 */
static gboolean
set_organisations (InvolveWindow *self,
                   GStrv          names)
{
  g_autoptr(GtkStringList) list = NULL;
  const char *chosen;
  guint position = 0;

  if (self->organisations != NULL && g_strv_equal ((const char * const *) names,
                                                   (const char * const *) self->organisations))
    {
      g_strfreev (names);
      return FALSE;
    }

  chosen = chosen_organisation (self);
  list = gtk_string_list_new (NULL);
  gtk_string_list_append (list, _("All organisations"));
  for (guint i = 0; names[i] != NULL; i++)
    {
      gtk_string_list_append (list, names[i]);
      if (g_strcmp0 (names[i], chosen) == 0)
        position = i + 1;
    }

  self->filling_filters = TRUE;
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->organisation_filter), G_LIST_MODEL (list));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->organisation_filter), position);
  self->filling_filters = FALSE;
  g_strfreev (self->organisations);
  self->organisations = names;
  return chosen != NULL && position == 0;
}

static void
refresh_organisation_filter (InvolveWindow *self)
{
  g_autoptr(GError) error = NULL;
  GStrv names = involve_store_dup_organisations (self->store, &error);

  if (names == NULL)
    {
      /* The list shows the register's error; keep the filter as it is. */
      g_debug ("Could not list the organisations: %s", error->message);
      return;
    }
  set_organisations (self, names);
}

/* Refreshes the filters' lists, then the list itself. */
static void
reload_register (InvolveWindow *self)
{
  refresh_organisation_filter (self);
  _involve_window_apply_filters (self);
}

/* Another client of a team register changed records: the list follows in
 * place, without waiting on the server (involve_register_model_refresh ()),
 * and an open record that changed says so. */
static void
records_changed_cb (InvolveStore  *store,
                    const char    *uuid,
                    InvolveWindow *self)
{
  g_debug ("Records changed elsewhere: %s", uuid != NULL ? uuid : "(several)");
  if (self->model != NULL)
    involve_register_model_refresh (self->model);
  /* A record is loaded afresh whenever it is opened: only one open now
   * can be out of date. */
  if (self->wizard != NULL
      && g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (self->main_stack)), "record") == 0)
    involve_wizard_note_changed_elsewhere (INVOLVE_WIZARD (self->wizard), uuid);
}

static void
model_refreshed_cb (InvolveRegisterModel *model,
                    InvolveWindow        *self)
{
  const char * const *names = involve_register_model_get_refreshed_organisations (model);

  if (involve_register_model_get_error (model) == NULL && names != NULL
      && set_organisations (self, g_strdupv ((GStrv) names)))
    {
      /* The organisation chosen has gone: the list shows all of them. */
      _involve_window_apply_filters (self);
      return;
    }
  update_list_page_counted (self, involve_register_model_get_error (model) == NULL
                                    ? involve_register_model_get_refreshed_count_all (model) : G_MAXUINT);
}

static void
row_activated_cb (InvolveWindow *self,
                  guint          position)
{
  g_autoptr(InvolveRegisterItem) item = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  const InvolveRecordSummary *summary = item ? involve_register_item_get_summary (item) : NULL;

  if (summary != NULL && summary->uuid != NULL)
    involve_window_open_record (self, summary->uuid);
}

typedef enum
{
  COLUMN_REFERENCE,
  COLUMN_TITLE,
  COLUMN_ORGANISATION,
  COLUMN_OUTCOME,
  COLUMN_STATUS,
  COLUMN_MODIFIED,
} Column;

/* Titles and organisation names are often longer than their column: the
 * whole text shows in a tooltip where it is cut short. */
static gboolean
cell_query_tooltip_cb (GtkLabel   *label,
                       int         x,
                       int         y,
                       gboolean    keyboard,
                       GtkTooltip *tooltip,
                       gpointer    data)
{
  if (!pango_layout_is_ellipsized (gtk_label_get_layout (label)))
    return FALSE;
  gtk_tooltip_set_text (tooltip, gtk_label_get_text (label));
  return TRUE;
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  data)
{
  Column column = GPOINTER_TO_UINT (data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (column == COLUMN_TITLE || column == COLUMN_ORGANISATION)
    {
      gtk_widget_set_has_tooltip (label, TRUE);
      g_signal_connect (label, "query-tooltip", G_CALLBACK (cell_query_tooltip_cb), NULL);
    }
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  data)
{
  Column column = GPOINTER_TO_UINT (data);
  InvolveRegisterItem *item = gtk_list_item_get_item (list_item);
  const InvolveRecordSummary *summary = involve_register_item_get_summary (item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autofree char *owned = NULL;
  const char *text = NULL;

  gtk_widget_remove_css_class (label, "dim-label");
  switch (column)
    {
    case COLUMN_REFERENCE:
      if (summary->version > 1)
        text = owned = g_strdup_printf (_("%s (v%u)"), summary->reference, summary->version);
      else
        text = summary->reference;
      break;
    case COLUMN_TITLE:
      text = summary->title != NULL && summary->title[0] ? summary->title : _("Untitled");
      break;
    case COLUMN_ORGANISATION:
      text = summary->organisation;
      break;
    case COLUMN_OUTCOME:
      if (g_strcmp0 (summary->outcome, "applies") == 0)
        text = _("Duty applies");
      else if (g_strcmp0 (summary->outcome, "does-not-apply") == 0)
        text = _("Does not apply");
      else
        {
          text = _("Not known yet");
          gtk_widget_add_css_class (label, "dim-label");
        }
      break;
    case COLUMN_STATUS:
      text = involve_status_get_label (summary->status);
      break;
    case COLUMN_MODIFIED:
      if (summary->modified_usec > 0)
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (summary->modified_usec / G_USEC_PER_SEC);
          g_autoptr(GDateTime) local = g_date_time_to_local (utc);
          text = owned = g_date_time_format (local, "%Y-%m-%d %H:%M");
        }
      break;
    default:
      g_assert_not_reached ();
    }
  gtk_label_set_text (GTK_LABEL (label), text ? text : "");
}

static void
add_column (InvolveWindow *self,
            const char    *title,
            Column         column,
            gboolean       expand,
            int            width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), GUINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), GUINT_TO_POINTER (column));
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  if (width > 0)
    gtk_column_view_column_set_fixed_width (view_column, width);
  gtk_column_view_append_column (GTK_COLUMN_VIEW (self->column_view), view_column);
  g_object_unref (view_column);
}

/* Organisation and framework names are long: a filter's button ellipsizes
 * the chosen one, so that choosing one does not squeeze the search field
 * or widen the window, and its list shows them whole. */
static void
setup_ellipsized_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 20);
  gtk_label_set_width_chars (GTK_LABEL (label), 8);
  gtk_list_item_set_child (list_item, label);
}

/* The list shows names whole, with a check mark by the chosen one, as
 * GtkDropDown's own list does. */
static void
setup_whole_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), check);
  gtk_list_item_set_child (list_item, box);
}

static void
update_check_mark (GtkListItem *list_item,
                   GtkDropDown *drop_down)
{
  GtkWidget *check = gtk_widget_get_last_child (gtk_list_item_get_child (list_item));
  gpointer item = gtk_list_item_get_item (list_item);

  gtk_widget_set_opacity (check, item != NULL && item == gtk_drop_down_get_selected_item (drop_down) ? 1.0 : 0.0);
}

static void
selected_item_changed_cb (GtkDropDown *drop_down,
                          GParamSpec  *pspec,
                          GtkListItem *list_item)
{
  update_check_mark (list_item, drop_down);
}

static void
bind_whole_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               GtkDropDown              *drop_down)
{
  GtkStringObject *item = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_widget_get_first_child (gtk_list_item_get_child (list_item));

  gtk_label_set_text (GTK_LABEL (label), gtk_string_object_get_string (item));
  g_signal_connect (drop_down, "notify::selected-item", G_CALLBACK (selected_item_changed_cb), list_item);
  update_check_mark (list_item, drop_down);
}

static void
unbind_whole_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 GtkDropDown              *drop_down)
{
  g_signal_handlers_disconnect_by_func (drop_down, selected_item_changed_cb, list_item);
}

static void
bind_string_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  data)
{
  GtkStringObject *item = gtk_list_item_get_item (list_item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), gtk_string_object_get_string (item));
}

static void
setup_filter_factories (GtkDropDown *drop_down)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkListItemFactory) list_factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_ellipsized_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_string_cb), NULL);
  g_signal_connect (list_factory, "setup", G_CALLBACK (setup_whole_cb), NULL);
  g_signal_connect (list_factory, "bind", G_CALLBACK (bind_whole_cb), drop_down);
  g_signal_connect (list_factory, "unbind", G_CALLBACK (unbind_whole_cb), drop_down);
  gtk_drop_down_set_factory (drop_down, factory);
  gtk_drop_down_set_list_factory (drop_down, list_factory);
}

static void
setup_filters (InvolveWindow *self)
{
  g_autoptr(GtkStringList) statuses = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) frameworks = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) outcomes = gtk_string_list_new (NULL);
  g_autoptr(GtkExpression) expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  GPtrArray *list = involve_definitions_get_frameworks (self->definitions);

  gtk_string_list_append (statuses, _("Any status"));
  for (guint i = 0; i < G_N_ELEMENTS (status_filter_values); i++)
    gtk_string_list_append (statuses, involve_status_get_label (status_filter_values[i]));

  gtk_string_list_append (frameworks, _("Any framework"));
  g_ptr_array_add (self->framework_ids, NULL);
  for (guint i = 0; i < list->len; i++)
    {
      const InvolveFramework *framework = g_ptr_array_index (list, i);
      g_autofree char *label = g_strdup_printf ("%s (%s)", framework->organisation_label, framework->section);

      gtk_string_list_append (frameworks, label);
      g_ptr_array_add (self->framework_ids, g_strdup (framework->id));
    }

  gtk_string_list_append (outcomes, _("Any outcome"));
  gtk_string_list_append (outcomes, _("Duty applies"));
  gtk_string_list_append (outcomes, _("Does not apply"));
  gtk_string_list_append (outcomes, _("Not known yet"));

  setup_filter_factories (GTK_DROP_DOWN (self->status_filter));
  setup_filter_factories (GTK_DROP_DOWN (self->organisation_filter));
  setup_filter_factories (GTK_DROP_DOWN (self->framework_filter));
  setup_filter_factories (GTK_DROP_DOWN (self->outcome_filter));
  /* A register may hold many organisations: typing finds one. */
  gtk_drop_down_set_expression (GTK_DROP_DOWN (self->organisation_filter), expression);
  gtk_drop_down_set_enable_search (GTK_DROP_DOWN (self->organisation_filter), TRUE);

  gtk_drop_down_set_model (GTK_DROP_DOWN (self->status_filter), G_LIST_MODEL (statuses));
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->framework_filter), G_LIST_MODEL (frameworks));
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->outcome_filter), G_LIST_MODEL (outcomes));
}

/* Records */

static void
wizard_closed_cb (InvolveWizard *wizard,
                  InvolveWindow *self)
{
  involve_window_show_register (self);
}

static void
wizard_record_changed_cb (InvolveWizard *wizard,
                          InvolveWindow *self)
{
  /* The list is refreshed when the person goes back to it. */
}

void
involve_window_show_register (InvolveWindow *self)
{
  g_return_if_fail (INVOLVE_IS_WINDOW (self));

  if (self->wizard != NULL)
    involve_wizard_flush (INVOLVE_WIZARD (self->wizard));
  reload_register (self);
  gtk_stack_set_visible_child_name (GTK_STACK (self->main_stack), "register");
  gtk_widget_grab_focus (self->column_view);
}

static void
show_record (InvolveWindow *self,
             InvolveRecord *record)
{
  involve_wizard_set_record (INVOLVE_WIZARD (self->wizard), record);
  gtk_stack_set_visible_child_name (GTK_STACK (self->main_stack), "record");
}

gboolean
involve_window_open_record (InvolveWindow *self,
                            const char    *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveRecord) record = NULL;

  g_return_val_if_fail (INVOLVE_IS_WINDOW (self), FALSE);

  record = involve_store_load_record (self->store, uuid, 0, &error);
  if (record == NULL)
    {
      show_message (self, _("The Record Could Not Be Opened"), error->message);
      return FALSE;
    }
  show_record (self, record);
  return TRUE;
}

static void
prefill (InvolveWindow *self,
         InvolveRecord *record,
         const char    *field_id,
         const char    *key)
{
  g_autofree char *value = g_settings_get_string (self->settings, key);

  g_strstrip (value);
  if (value[0] != '\0')
    involve_record_set_value (record, field_id, g_variant_new_string (value));
}

/* The new record is only in memory: the wizard writes it to the register
 * on the first input, so that opening and leaving uses up no reference. */
gboolean
involve_window_new_record (InvolveWindow *self)
{
  g_autoptr(InvolveRecord) record = NULL;
  g_autofree char *framework = NULL;
  g_autofree char *org_type = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

  g_return_val_if_fail (INVOLVE_IS_WINDOW (self), FALSE);

  if (self->wizard != NULL)
    involve_wizard_flush (INVOLVE_WIZARD (self->wizard));

  framework = g_settings_get_string (self->settings, "default-framework");
  if (involve_definitions_lookup_framework (self->definitions, framework) == NULL)
    {
      g_free (framework);
      framework = g_strdup ("icb-14z45");
    }
  record = involve_record_new (framework);
  /* The form edition the register will pin when it makes the record, so
   * that the wizard shows that edition's steps from the start. */
  involve_record_set_string (record, INVOLVE_FIELD_FORM_EDITION,
                             involve_definitions_form_edition_for (self->definitions, framework,
                                                                   g_get_real_time ()));

  /* What the profile already knows. */
  prefill (self, record, "organisation-name", "profile-organisation-name");
  org_type = g_settings_get_string (self->settings, "profile-organisation-type");
  if (org_type[0] != '\0')
    involve_record_set_value (record, "organisation-type", g_variant_new_string (org_type));
  prefill (self, record, "completer-name", "profile-name");
  prefill (self, record, "completer-job-title", "profile-job-title");
  prefill (self, record, "completer-email", "profile-email");
  prefill (self, record, "completer-team", "profile-team");
  involve_record_set_value (record, "completer-date", g_variant_new_string (today));

  show_record (self, record);
  /* Ready to type the title. */
  involve_wizard_focus_field (INVOLVE_WIZARD (self->wizard), "title");
  return TRUE;
}

void
involve_window_flush (InvolveWindow *self)
{
  g_return_if_fail (INVOLVE_IS_WINDOW (self));

  if (self->wizard != NULL)
    involve_wizard_flush (INVOLVE_WIZARD (self->wizard));
}

/* Sign-off by file */

gboolean
_involve_window_apply_response_file (InvolveWindow *self,
                                     const char    *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;

  if (!involve_import_sign_off_response (self->store, path, &summary, &error))
    {
      show_message (self, _("The Response Was Not Applied"), error->message);
      return FALSE;
    }
  show_message (self, _("Response Applied"), summary);
  reload_register (self);
  return TRUE;
}

gboolean
_involve_window_import_xml_file (InvolveWindow *self,
                                 const char    *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;

  if (!involve_import_xml (self->store, path, &summary, &error))
    {
      show_message (self, _("Nothing Was Imported"), error->message);
      return FALSE;
    }
  show_message (self, _("Imported"), summary);
  reload_register (self);
  return TRUE;
}

gboolean
_involve_window_open_request_file (InvolveWindow *self,
                                   const char    *path)
{
  g_autoptr(GError) error = NULL;
  InvolveSignOffRequest *request = involve_sign_off_request_read (path, &error);

  if (request == NULL)
    {
      show_message (self, _("The Request Could Not Be Read"), error->message);
      return FALSE;
    }
  /* Where the requesting register stood is kept (docs/heads.md); a head
   * that fails its signature is worth saying, not worth stopping for. */
  {
    g_autofree char *name = g_path_get_basename (path);

    if (!_involve_export_note_head_text (self->store, request->register_head, name, &error))
      show_message (self, _("The Request’s Register Head Does Not Hold"), error->message);
  }
  involve_wizard_set_request (INVOLVE_WIZARD (self->wizard), request);
  gtk_stack_set_visible_child_name (GTK_STACK (self->main_stack), "record");
  return TRUE;
}

static void
open_chooser_cb (GtkNativeDialog *chooser,
                 int              response,
                 InvolveWindow   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      const char *kind = g_object_get_data (G_OBJECT (chooser), "kind");

      if (path != NULL && g_str_equal (kind, "request"))
        _involve_window_open_request_file (self, path);
      else if (path != NULL && g_str_equal (kind, "xml"))
        _involve_window_import_xml_file (self, path);
      else if (path != NULL)
        _involve_window_apply_response_file (self, path);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
open_file_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  InvolveWindow *self = INVOLVE_WINDOW (widget);
  gboolean request = g_str_equal (action_name, "register.open-request");
  gboolean xml = g_str_equal (action_name, "register.import-xml");
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (request ? _("Open Sign-off Request")
                                         : xml ? _("Import Records")
                                         : _("Import Sign-off Response"),
                                         GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("XML files"));
  gtk_file_filter_add_pattern (filter, "*.xml");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_set_data (G_OBJECT (chooser), "kind", (gpointer) (request ? "request" : xml ? "xml" : "response"));
  g_signal_connect (chooser, "response", G_CALLBACK (open_chooser_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Exporting the listed records, in a worker thread with a progress bar */

typedef struct
{
  gatomicrefcount     ref_count;
  InvolveWindow      *window;
  InvolveDefinitions *definitions;
  char               *store_path;
  char               *profile_name;
  InvolveIdentity    *identity;      /* signs the PDFs; may be NULL */
  GStrv               uuids;
  char               *directory;
  GCancellable       *cancellable;
  GtkWidget          *dialog;
  GtkWidget          *progress;
} BatchExport;

typedef struct
{
  BatchExport *batch;
  guint        done;
  guint        total;
  char        *reference;
} BatchProgress;

static BatchExport *
batch_export_ref (BatchExport *batch)
{
  g_atomic_ref_count_inc (&batch->ref_count);
  return batch;
}

static void
batch_export_unref (BatchExport *batch)
{
  if (!g_atomic_ref_count_dec (&batch->ref_count))
    return;
  g_object_unref (batch->window);
  g_object_unref (batch->definitions);
  g_free (batch->store_path);
  g_free (batch->profile_name);
  g_clear_object (&batch->identity);
  g_strfreev (batch->uuids);
  g_free (batch->directory);
  g_object_unref (batch->cancellable);
  g_free (batch);
}

static gboolean
batch_progress_idle_cb (gpointer data)
{
  BatchProgress *progress = data;
  BatchExport *batch = progress->batch;

  if (batch->progress != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("%u of %u: %s"), progress->done, progress->total,
                                               progress->reference ? progress->reference : "");

      gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (batch->progress),
                                     progress->total ? (double) progress->done / progress->total : 1.0);
      gtk_progress_bar_set_text (GTK_PROGRESS_BAR (batch->progress), text);
    }
  batch_export_unref (batch);
  g_free (progress->reference);
  g_free (progress);
  return G_SOURCE_REMOVE;
}

/* Called in the worker thread. */
static void
batch_progress_cb (guint       done,
                   guint       total,
                   const char *reference,
                   gpointer    user_data)
{
  BatchProgress *progress = g_new0 (BatchProgress, 1);

  progress->batch = batch_export_ref (user_data);
  progress->done = done;
  progress->total = total;
  progress->reference = g_strdup (reference);
  g_idle_add (batch_progress_idle_cb, progress);
}

static void
batch_export_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  BatchExport *batch = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveStore) store = involve_store_open (batch->store_path, &error);

  /* The audit trail names who exported, as the window's register does. */
  if (store != NULL)
    {
      involve_store_set_profile_name (store, batch->profile_name);
      involve_store_set_identity (store, batch->identity);
    }
  if (store == NULL
      || !involve_export_pdfs (store, batch->definitions, (const char * const *) batch->uuids,
                               batch->directory, INVOLVE_EVIDENCE_FULL, cancellable,
                               batch_progress_cb, batch, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
batch_export_done_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  BatchExport *batch = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (batch->dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (batch->dialog, batch);
      gtk_window_destroy (GTK_WINDOW (batch->dialog));
      batch->dialog = NULL;
      batch->progress = NULL;
    }
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (batch->window, _("Export Cancelled"),
                      _("The files already written were kept."));
      else
        show_message (batch->window, _("Export Failed"), error->message);
    }
  else
    {
      g_autofree char *body = g_strdup_printf (ngettext ("%u evidence PDF was written to %s.",
                                                         "%u evidence PDFs were written to %s.",
                                                         g_strv_length (batch->uuids)),
                                               g_strv_length (batch->uuids), batch->directory);
      show_message (batch->window, _("Export Finished"), body);
    }
}

static void
batch_dialog_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          BatchExport      *batch)
{
  batch->dialog = NULL;
  batch->progress = NULL;
  g_cancellable_cancel (batch->cancellable);
}

void
_involve_window_export_listed (InvolveWindow *self,
                               const char    *directory)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  g_auto(GStrv) uuids = involve_register_model_dup_uuids (self->model, &error);
  g_autofree char *heading = NULL;
  BatchExport *batch;

  if (uuids == NULL)
    {
      show_message (self, _("Export Failed"), error->message);
      return;
    }
  if (uuids[0] == NULL)
    {
      show_message (self, _("Nothing to Export"), _("No record in the list."));
      return;
    }

  batch = g_new0 (BatchExport, 1);
  g_atomic_ref_count_init (&batch->ref_count);
  batch->window = g_object_ref (self);
  batch->definitions = g_object_ref (self->definitions);
  batch->store_path = g_strdup (involve_store_get_path (self->store));
  batch->profile_name = g_strdup (involve_store_get_profile_name (self->store));
  if (involve_store_get_identity (self->store) != NULL)
    batch->identity = g_object_ref (involve_store_get_identity (self->store));
  batch->uuids = g_steal_pointer (&uuids);
  batch->directory = g_strdup (directory);
  batch->cancellable = g_cancellable_new ();

  heading = g_strdup_printf (ngettext ("Exporting %u Record", "Exporting %u Records", g_strv_length (batch->uuids)),
                             g_strv_length (batch->uuids));
  batch->dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, directory);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (batch->dialog), "cancel", _("_Cancel"));
  batch->progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (batch->progress), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (batch->progress), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Export progress"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (batch->dialog), batch->progress);
  g_signal_connect (batch->dialog, "response", G_CALLBACK (batch_dialog_response_cb), batch);
  gtk_window_present (GTK_WINDOW (batch->dialog));

  task = g_task_new (NULL, batch->cancellable, batch_export_done_cb, NULL);
  g_task_set_task_data (task, batch, (GDestroyNotify) batch_export_unref);
  g_task_run_in_thread (task, batch_export_thread);
}

static void
export_folder_chosen_cb (GtkNativeDialog *chooser,
                         int              response,
                         InvolveWindow   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        _involve_window_export_listed (self, path);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
choose_export_folder (InvolveWindow *self)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Export the Listed Records"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (export_folder_chosen_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_unlocked_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  g_autoptr(InvolveWindow) self = data;
  g_autoptr(InvolveIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;

  identity = involve_unlock_identity_finish (result, &error);
  if (identity != NULL)
    choose_export_folder (self);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_message (self, _("Export Failed"), error->message);
}

/* The PDFs are signed with the exporter's key: unlock it first. */
static void
export_listed_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  InvolveWindow *self = INVOLVE_WINDOW (widget);

  involve_unlock_identity_async (GTK_WINDOW (self), self->store, self->settings,
                                 _("The evidence PDFs are signed with your key, so that anyone can "
                                   "check they were not changed."),
                                 NULL, export_unlocked_cb, g_object_ref (self));
}

static void
annual_report_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  InvolveWindow *self = INVOLVE_WINDOW (widget);

  gtk_window_present (GTK_WINDOW (involve_report_dialog_new (GTK_WINDOW (self), self->store)));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  InvolveWindow *self = INVOLVE_WINDOW (widget);

  involve_window_show_register (self);
  gtk_widget_grab_focus (self->search_entry);
}

/* Window */

static void
profile_name_changed_cb (GSettings     *settings,
                         const char    *key,
                         InvolveWindow *self)
{
  g_autofree char *name = g_settings_get_string (settings, "profile-name");

  involve_store_set_profile_name (self->store, name[0] != '\0' ? name : NULL);
}

static gboolean
involve_window_close_request (GtkWindow *window)
{
  InvolveWindow *self = INVOLVE_WINDOW (window);
  int width, height;

  involve_window_flush (self);
  if (self->settings != NULL)
    {
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
    }
  return GTK_WINDOW_CLASS (involve_window_parent_class)->close_request (window);
}

static void
involve_window_dispose (GObject *object)
{
  InvolveWindow *self = INVOLVE_WINDOW (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), INVOLVE_TYPE_WINDOW);
  g_clear_object (&self->first_rows);
  g_clear_object (&self->model);
  g_clear_object (&self->store);
  g_clear_object (&self->definitions);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->framework_ids, g_ptr_array_unref);
  g_clear_pointer (&self->organisations, g_strfreev);

  G_OBJECT_CLASS (involve_window_parent_class)->dispose (object);
}

static void
involve_window_class_init (InvolveWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = involve_window_dispose;

  /* Once, when the window's first frame has been painted: work that can
   * wait connects here rather than delaying it. */
  signals[FIRST_FRAME] = g_signal_new ("first-frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  window_class->close_request = involve_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/involve/Involve/ui/involve-window.ui");
  gtk_widget_class_bind_template_child (widget_class, InvolveWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, InvolveWindow, register_page);
  gtk_widget_class_bind_template_child (widget_class, InvolveWindow, new_button);
  gtk_widget_class_bind_template_child (widget_class, InvolveWindow, register_title);
  gtk_widget_class_bind_template_child (widget_class, InvolveWindow, filter_bar);
  gtk_widget_class_bind_template_child (widget_class, InvolveWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, InvolveWindow, status_filter);
  gtk_widget_class_bind_template_child (widget_class, InvolveWindow, organisation_filter);
  gtk_widget_class_bind_template_child (widget_class, InvolveWindow, framework_filter);
  gtk_widget_class_bind_template_child (widget_class, InvolveWindow, outcome_filter);
  gtk_widget_class_bind_template_child (widget_class, InvolveWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, InvolveWindow, column_view);
  gtk_widget_class_bind_template_child (widget_class, InvolveWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, InvolveWindow, error_page);
  gtk_widget_class_bind_template_callback (widget_class, filters_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_install_action (widget_class, "register.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "register.open-request", NULL, open_file_action);
  gtk_widget_class_install_action (widget_class, "register.import-response", NULL, open_file_action);
  gtk_widget_class_install_action (widget_class, "register.import-xml", NULL, open_file_action);
  gtk_widget_class_install_action (widget_class, "register.export-listed", NULL, export_listed_action);
  gtk_widget_class_install_action (widget_class, "register.annual-report", NULL, annual_report_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "register.search", NULL);
}

static void
involve_window_init (InvolveWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->framework_ids = g_ptr_array_new_with_free_func (g_free);
}

/* The rest of the rows, once the first frame is on screen */

/* Enough rows to fill the window at its first size, whatever it is. */
static guint
rows_to_fill (InvolveWindow *self)
{
  int width = 0, height = 0;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (g_settings_get_boolean (self->settings, "window-maximized") || height <= 0)
    {
      GListModel *monitors = gdk_display_get_monitors (gtk_widget_get_display (GTK_WIDGET (self)));

      for (guint i = 0; i < g_list_model_get_n_items (monitors); i++)
        {
          g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, i);
          GdkRectangle geometry;

          gdk_monitor_get_geometry (monitor, &geometry);
          height = MAX (height, geometry.height);
        }
    }
  if (height <= 0)
    height = 2160;
  return height / MIN_ROW_HEIGHT + 1;
}

/* A few dozen rows at a time, so that no frame waits long for them; past
 * the 200 rows a list view makes, the rest come at no cost. */
static gboolean
show_more_rows_cb (gpointer data)
{
  InvolveWindow *self = data;
  guint size;

  if (self->first_rows == NULL) /* disposed */
    return G_SOURCE_REMOVE;
  size = gtk_slice_list_model_get_size (self->first_rows);
  if (size >= 200)
    {
      gtk_slice_list_model_set_size (self->first_rows, G_MAXUINT);
      return G_SOURCE_REMOVE;
    }
  gtk_slice_list_model_set_size (self->first_rows, size + 50);
  return G_SOURCE_CONTINUE;
}

static void
first_frame_painted_cb (GdkFrameClock *clock,
                        InvolveWindow *self)
{
  g_signal_handlers_disconnect_by_func (clock, first_frame_painted_cb, self);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, show_more_rows_cb, g_object_ref (self), g_object_unref);
  g_signal_emit (self, signals[FIRST_FRAME], 0);
}

static void
window_mapped_cb (InvolveWindow *self)
{
  g_signal_handlers_disconnect_by_func (self, window_mapped_cb, NULL);
  g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                           G_CALLBACK (first_frame_painted_cb), self, 0);
}

InvolveWindow *
involve_window_new (GtkApplication     *application,
                    InvolveStore       *store,
                    InvolveDefinitions *definitions,
                    GSettings          *settings)
{
  InvolveWindow *self;
  g_autoptr(GtkNoSelection) selection = NULL;

  g_return_val_if_fail (INVOLVE_IS_STORE (store), NULL);
  g_return_val_if_fail (INVOLVE_IS_DEFINITIONS (definitions), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  /* AdwApplication loads the style sheet itself; without one (tests), do it here. */
  if (!ADW_IS_APPLICATION (application))
    {
      static gboolean loaded;

      if (!loaded)
        {
          g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

          gtk_css_provider_load_from_resource (provider, "/org/involve/Involve/style.css");
          gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                                      GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
          loaded = TRUE;
        }
    }

  self = g_object_new (INVOLVE_TYPE_WINDOW, "application", application, NULL);
  self->store = g_object_ref (store);
  self->definitions = g_object_ref (definitions);
  self->settings = g_object_ref (settings);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_signal_connect (settings, "changed::profile-name", G_CALLBACK (profile_name_changed_cb), self);
  profile_name_changed_cb (settings, "profile-name", self);

  self->wizard = involve_wizard_new (store, definitions, settings);
  g_signal_connect (self->wizard, "closed", G_CALLBACK (wizard_closed_cb), self);
  g_signal_connect (self->wizard, "record-changed", G_CALLBACK (wizard_record_changed_cb), self);
  gtk_stack_add_named (GTK_STACK (self->main_stack), self->wizard, "record");

  add_column (self, _("Reference"), COLUMN_REFERENCE, FALSE, 150);
  add_column (self, _("Title"), COLUMN_TITLE, TRUE, -1);
  add_column (self, _("Organisation"), COLUMN_ORGANISATION, FALSE, 220);
  add_column (self, _("Outcome"), COLUMN_OUTCOME, FALSE, 140);
  add_column (self, _("Status"), COLUMN_STATUS, FALSE, 150);
  add_column (self, _("Last Change"), COLUMN_MODIFIED, FALSE, 140);

  /* Filters first: setting their models must not reload the list. */
  setup_filters (self);
  self->model = involve_register_model_new (store);
  g_signal_connect (self->model, "refreshed", G_CALLBACK (model_refreshed_cb), self);
  g_signal_connect (store, "records-changed", G_CALLBACK (records_changed_cb), self);
  refresh_organisation_filter (self);
  /* A list view makes rows for up to 200 items, whatever its height, and
   * each costs a bound, measured row of six cells.  The first frame shows
   * the rows the window can hold, and the list takes the rest after it. */
  self->first_rows = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->model)), 0, rows_to_fill (self));
  g_signal_connect (self, "map", G_CALLBACK (window_mapped_cb), NULL);
  /* No selection model that searches the items: GtkSingleSelection looks
   * for its selected item among all new rows of a reload, which would
   * fetch every page of a large register. */
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->first_rows)));
  gtk_column_view_set_model (GTK_COLUMN_VIEW (self->column_view), GTK_SELECTION_MODEL (selection));
  update_list_page (self);
  return self;
}

/* Test accessors */

InvolveWizard *_involve_window_get_wizard (InvolveWindow *self) { return INVOLVE_WIZARD (self->wizard); }
InvolveRegisterModel *_involve_window_get_model (InvolveWindow *self) { return self->model; }
GtkWidget *_involve_window_get_search_entry (InvolveWindow *self) { return self->search_entry; }
GtkWidget *_involve_window_get_list_stack (InvolveWindow *self) { return self->list_stack; }
GtkWidget *_involve_window_get_main_stack (InvolveWindow *self) { return self->main_stack; }
GtkWidget *_involve_window_get_status_filter (InvolveWindow *self) { return self->status_filter; }
GtkWidget *_involve_window_get_column_view (InvolveWindow *self) { return self->column_view; }
GtkWidget *_involve_window_get_organisation_filter (InvolveWindow *self) { return self->organisation_filter; }
