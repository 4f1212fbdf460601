/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-involvement"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "involve-definitions.h"
#include "involve-gui-util.h"
#include "involve-involvement-window.h"
#include "involve-report-pdf.h"
#include "involve-unlock-dialog.h"

struct _InvolveInvolvementWindow
{
  AdwWindow      parent_instance;

  InvolveStore  *store;
  char          *uuid;
  char          *reference;
  GtkWidget     *form;        /* the open add / correct form, or NULL */

  GtkWidget     *toasts;
  GtkWidget     *window_title;
  GtkWidget     *page;
  GtkWidget     *groups[4];   /* by InvolveLogKind */
  GPtrArray     *rows[4];     /* the rows added to each group */
  GtkWidget     *add_buttons[4];
  GtkWidget     *export_button;
};

G_DEFINE_FINAL_TYPE (InvolveInvolvementWindow, involve_involvement_window, ADW_TYPE_WINDOW)

/* Labels of reference-list items */

static const InvolveReferenceList *
reference_list (const char *id)
{
  InvolveDefinitions *defs = involve_definitions_get_default (NULL);

  return defs != NULL ? involve_definitions_lookup_reference_list (defs, id) : NULL;
}

static const char *
item_label (const char *list_id,
            const char *item_id)
{
  const InvolveReferenceList *list = reference_list (list_id);
  const InvolveReferenceItem *item = list != NULL ? involve_reference_list_lookup_item (list, item_id) : NULL;

  return item != NULL ? item->label : item_id;
}

static char *
join_labels (const char *list_id,
             GStrv       items)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", item_label (list_id, items[i]));
  return g_string_free (out, FALSE);
}

/* The form: one dialog for adding or correcting an entry of any kind */

typedef enum
{
  FIELD_TEXT,
  FIELD_DATE,
  FIELD_NUMBER,
  FIELD_CHOICE,   /* one item of a reference list */
  FIELD_MULTI,    /* items of a reference list */
  FIELD_LINK,     /* an entry of another kind, or none */
} FieldType;

typedef struct
{
  const char *key;
  const char *label;     /* translatable, with a mnemonic */
  FieldType   type;
  const char *list;      /* reference list, or the linked kind's name */
  const char *hint;      /* placeholder, or NULL */
} FieldSpec;

static const FieldSpec activity_fields[] = {
  { "method", N_("_Method"), FIELD_CHOICE, INVOLVE_LOG_LIST_METHODS, NULL },
  { "description", N_("_What was done"), FIELD_TEXT, NULL, NULL },
  { "start", N_("_Start date"), FIELD_DATE, NULL, N_("YYYY-MM-DD") },
  { "end", N_("_End date (if more than one day)"), FIELD_DATE, NULL, N_("YYYY-MM-DD") },
  { "reach", N_("_People who took part"), FIELD_NUMBER, NULL, NULL },
  { "groups", N_("Seldom-heard _groups reached"), FIELD_MULTI, INVOLVE_LOG_LIST_GROUPS, NULL },
  { "characteristics", N_("Protected _characteristics reached"), FIELD_MULTI, INVOLVE_LOG_LIST_CHARACTERISTICS, NULL },
  { "partner-types", N_("Pa_rtners"), FIELD_MULTI, INVOLVE_LOG_LIST_PARTNERS, NULL },
  { "partners", N_("Partners’ _names"), FIELD_TEXT, NULL, N_("For example: Northshire Healthwatch") },
  { "documents", N_("_Documents"), FIELD_TEXT, NULL, N_("Survey, report, easy-read summary…") },
};

static const FieldSpec feedback_fields[] = {
  { "theme", N_("_Theme"), FIELD_TEXT, NULL, NULL },
  { "summary", N_("What people _said (no names or contact details)"), FIELD_TEXT, NULL, NULL },
  { "responses", N_("How many _people said it"), FIELD_NUMBER, NULL, NULL },
  { "activity", N_("From _activity"), FIELD_LINK, "activity", NULL },
};

static const FieldSpec response_fields[] = {
  { "you-said", N_("_You said"), FIELD_TEXT, NULL, NULL },
  { "we-did", N_("_We did"), FIELD_TEXT, NULL, NULL },
  { "not-taken", N_("Why an option people supported was _not taken (if so)"), FIELD_TEXT, NULL, NULL },
  { "feedback", N_("Answers _theme"), FIELD_LINK, "feedback", NULL },
};

static const FieldSpec evaluation_fields[] = {
  { "on", N_("_Evaluated on"), FIELD_DATE, NULL, N_("YYYY-MM-DD") },
  { "impact", N_("_Impact of the change"), FIELD_TEXT, NULL, NULL },
  { "response", N_("Of _response"), FIELD_LINK, "response", NULL },
};

static const FieldSpec correction_field = {
  "correction", N_("_Why it is corrected"), FIELD_TEXT, NULL, NULL
};

typedef struct
{
  InvolveInvolvementWindow *window;
  InvolveLogKind            kind;
  gint64                    supersedes;    /* correcting this entry, or 0 */
  gboolean                  withdraw;
  GHashTable               *widgets;       /* key -> control, or (multi) GPtrArray of check buttons */
  GHashTable               *ids;           /* key -> GPtrArray of item ids / GArray of entry ids */
  GtkWidget                *error_label;
} Form;

static void
form_free (Form *form)
{
  g_hash_table_unref (form->widgets);
  g_hash_table_unref (form->ids);
  g_free (form);
}

static const FieldSpec *
fields_of (InvolveLogKind kind,
           guint         *n)
{
  switch (kind)
    {
    case INVOLVE_LOG_ACTIVITY:
      *n = G_N_ELEMENTS (activity_fields);
      return activity_fields;
    case INVOLVE_LOG_FEEDBACK:
      *n = G_N_ELEMENTS (feedback_fields);
      return feedback_fields;
    case INVOLVE_LOG_RESPONSE:
      *n = G_N_ELEMENTS (response_fields);
      return response_fields;
    case INVOLVE_LOG_EVALUATION:
    default:
      *n = G_N_ELEMENTS (evaluation_fields);
      return evaluation_fields;
    }
}

static void
name_control (GtkWidget  *control,
              GtkWidget  *label,
              const char *name)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (control), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  if (label != NULL)
    gtk_accessible_update_relation (GTK_ACCESSIBLE (control), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
}

/* A short description of an entry, for rows and link choices. */
static char *
entry_title (const InvolveLogEntry *e)
{
  switch (e->kind)
    {
    case INVOLVE_LOG_ACTIVITY:
      return g_strdup_printf (_("%" PRId64 ". %s, %s"), e->id, item_label (INVOLVE_LOG_LIST_METHODS, e->method),
                              e->start_date);
    case INVOLVE_LOG_FEEDBACK:
      return g_strdup_printf (_("%" PRId64 ". %s"), e->id, e->theme);
    case INVOLVE_LOG_RESPONSE:
      return g_strdup_printf (_("%" PRId64 ". You said: %s"), e->id, e->you_said);
    case INVOLVE_LOG_EVALUATION:
    default:
      return g_strdup_printf (_("%" PRId64 ". Evaluated on %s"), e->id, e->evaluated_on);
    }
}

static GPtrArray *
current_entries (InvolveInvolvementWindow *self,
                 InvolveLogKind            kind)
{
  g_autoptr(GPtrArray) all = involve_store_list_log_entries (self->store, self->uuid, kind, 0, NULL);
  GPtrArray *current = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_log_entry_free);

  for (guint i = 0; all != NULL && i < all->len; i++)
    {
      InvolveLogEntry *e = all->pdata[i];

      if (e->superseded_by == 0 && !e->retracted)
        g_ptr_array_add (current, involve_log_entry_copy (e));
    }
  return current;
}

static GtkWidget *
build_field (Form            *form,
             const FieldSpec *spec,
             const char      *text,      /* prefill: text, date, number */
             GStrv            items,     /* prefill: choice (first) or multi */
             gint64           link)      /* prefill: link */
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *label = gtk_label_new_with_mnemonic (_(spec->label));
  GtkWidget *control = NULL;
  const char *name = NULL;

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);
  name = gtk_label_get_text (GTK_LABEL (label));

  switch (spec->type)
    {
    case FIELD_TEXT:
    case FIELD_DATE:
      control = gtk_entry_new ();
      if (spec->hint != NULL)
        gtk_entry_set_placeholder_text (GTK_ENTRY (control), _(spec->hint));
      if (text != NULL)
        gtk_editable_set_text (GTK_EDITABLE (control), text);
      gtk_entry_set_activates_default (GTK_ENTRY (control), TRUE);
      break;
    case FIELD_NUMBER:
      control = gtk_spin_button_new_with_range (0, 10000000, 1);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (control), text != NULL ? g_ascii_strtod (text, NULL) : 0);
      gtk_widget_set_halign (control, GTK_ALIGN_START);
      break;
    case FIELD_CHOICE:
      {
        const InvolveReferenceList *list = reference_list (spec->list);
        GtkStringList *labels = gtk_string_list_new (NULL);
        GPtrArray *ids = g_ptr_array_new ();
        guint selected = 0;

        for (guint i = 0; list != NULL && i < list->items->len; i++)
          {
            const InvolveReferenceItem *item = list->items->pdata[i];

            gtk_string_list_append (labels, item->label);
            g_ptr_array_add (ids, item->id);
            if (items != NULL && items[0] != NULL && g_str_equal (items[0], item->id))
              selected = i;
          }
        control = gtk_drop_down_new (G_LIST_MODEL (labels), NULL);
        gtk_drop_down_set_selected (GTK_DROP_DOWN (control), selected);
        g_hash_table_insert (form->ids, (gpointer) spec->key, ids);
        break;
      }
    case FIELD_MULTI:
      {
        const InvolveReferenceList *list = reference_list (spec->list);
        GtkWidget *flow = gtk_flow_box_new ();
        GPtrArray *checks = g_ptr_array_new ();
        GPtrArray *ids = g_ptr_array_new ();

        gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
        gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 2);
        gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (flow), 1);
        gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), TRUE);
        for (guint i = 0; list != NULL && i < list->items->len; i++)
          {
            const InvolveReferenceItem *item = list->items->pdata[i];
            GtkWidget *check = gtk_check_button_new_with_label (item->label);

            name_control (check, NULL, item->label);
            gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                         items != NULL && g_strv_contains ((const char * const *) items, item->id));
            gtk_flow_box_append (GTK_FLOW_BOX (flow), check);
            g_ptr_array_add (checks, check);
            g_ptr_array_add (ids, item->id);
          }
        /* The group's label names the list; each box names its item. */
        gtk_accessible_update_relation (GTK_ACCESSIBLE (flow), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
        gtk_label_set_mnemonic_widget (GTK_LABEL (label), checks->len > 0 ? checks->pdata[0] : flow);
        gtk_box_append (GTK_BOX (box), flow);
        g_hash_table_insert (form->widgets, (gpointer) spec->key, checks);
        g_hash_table_insert (form->ids, (gpointer) spec->key, ids);
        return box;
      }
    case FIELD_LINK:
      {
        InvolveLogKind kind;
        g_autoptr(GPtrArray) entries = NULL;
        GtkStringList *labels = gtk_string_list_new (NULL);
        GArray *ids = g_array_new (FALSE, TRUE, sizeof (gint64));
        gint64 none = 0;
        guint selected = 0;

        involve_log_kind_from_string (spec->list, &kind);
        entries = current_entries (form->window, kind);
        gtk_string_list_append (labels, _("None"));
        g_array_append_val (ids, none);
        for (guint i = 0; i < entries->len; i++)
          {
            const InvolveLogEntry *e = entries->pdata[i];
            g_autofree char *title = entry_title (e);

            gtk_string_list_append (labels, title);
            g_array_append_val (ids, e->id);
            if (e->id == link)
              selected = i + 1;
          }
        control = gtk_drop_down_new (G_LIST_MODEL (labels), NULL);
        gtk_drop_down_set_selected (GTK_DROP_DOWN (control), selected);
        g_hash_table_insert (form->ids, (gpointer) spec->key, ids);
        break;
      }
    default:
      g_assert_not_reached ();
    }

  gtk_label_set_mnemonic_widget (GTK_LABEL (label), control);
  name_control (control, label, name);
  gtk_box_append (GTK_BOX (box), control);
  g_hash_table_insert (form->widgets, (gpointer) spec->key, control);
  return box;
}

static char *
form_text (Form       *form,
           const char *key)
{
  GtkWidget *control = g_hash_table_lookup (form->widgets, key);
  const char *text;

  if (control == NULL)
    return NULL;
  text = gtk_editable_get_text (GTK_EDITABLE (control));
  return text != NULL && *text != '\0' ? g_strstrip (g_strdup (text)) : NULL;
}

static gint64
form_number (Form       *form,
             const char *key)
{
  GtkWidget *control = g_hash_table_lookup (form->widgets, key);

  if (control == NULL)
    return 0;
  gtk_spin_button_update (GTK_SPIN_BUTTON (control));
  return (gint64) gtk_spin_button_get_value (GTK_SPIN_BUTTON (control));
}

static char *
form_choice (Form       *form,
             const char *key)
{
  GtkWidget *control = g_hash_table_lookup (form->widgets, key);
  GPtrArray *ids = g_hash_table_lookup (form->ids, key);
  guint selected;

  if (control == NULL || ids == NULL)
    return NULL;
  selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (control));
  return selected < ids->len ? g_strdup (ids->pdata[selected]) : NULL;
}

static GStrv
form_multi (Form       *form,
            const char *key)
{
  GPtrArray *checks = g_hash_table_lookup (form->widgets, key);
  GPtrArray *ids = g_hash_table_lookup (form->ids, key);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = 0;

  for (guint i = 0; checks != NULL && i < checks->len; i++)
    {
      if (gtk_check_button_get_active (GTK_CHECK_BUTTON (checks->pdata[i])))
        {
          g_strv_builder_add (builder, ids->pdata[i]);
          n++;
        }
    }
  return n > 0 ? g_strv_builder_end (builder) : NULL;
}

static gint64
form_link (Form       *form,
           const char *key)
{
  GtkWidget *control = g_hash_table_lookup (form->widgets, key);
  GArray *ids = g_hash_table_lookup (form->ids, key);
  guint selected;

  if (control == NULL || ids == NULL)
    return 0;
  selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (control));
  return selected < ids->len ? g_array_index (ids, gint64, selected) : 0;
}

static void reload (InvolveInvolvementWindow *self);

static void form_save_cb (GtkWidget *button, Form *form);

/* Each entry is a signed act: the key is unlocked first (once a session),
 * and the form, still open with what was typed, is saved then. */
typedef struct
{
  InvolveInvolvementWindow *window;
  GtkWidget                *dialog;
  GtkWidget                *button;
} PendingSave;

static void
save_unlocked_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  PendingSave *pending = data;
  g_autoptr(InvolveInvolvementWindow) self = pending->window;
  g_autoptr(GtkWidget) dialog = pending->dialog;
  g_autoptr(GtkWidget) button = pending->button;
  g_autoptr(InvolveIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  Form *form;

  g_free (pending);
  identity = involve_unlock_identity_finish (result, &error);
  if (self->form != dialog)
    return;
  form = g_object_get_data (G_OBJECT (dialog), "involve-form");
  if (identity == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message =
            g_strdup_printf (_("Your signing key could not be unlocked: %s"), error->message);

          gtk_label_set_text (GTK_LABEL (form->error_label), message);
          gtk_widget_set_visible (form->error_label, TRUE);
        }
      return;
    }
  form_save_cb (button, form);
}

static void
form_save_cb (GtkWidget *button,
              Form      *form)
{
  InvolveInvolvementWindow *self = form->window;
  g_autoptr(InvolveLogEntry) entry = involve_log_entry_new (form->kind, self->uuid);
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog = GTK_WIDGET (gtk_widget_get_root (button));
  g_autofree char *message = NULL;

  if (involve_store_get_identity (self->store) == NULL)
    {
      PendingSave *pending = g_new0 (PendingSave, 1);
      g_autofree char *reason =
        g_strdup_printf (_("Adding to the involvement log of %s is signed with your key."), self->reference);

      pending->window = g_object_ref (self);
      pending->dialog = g_object_ref (dialog);
      pending->button = g_object_ref (button);
      involve_unlock_identity_async (GTK_WINDOW (dialog), self->store, NULL, reason, NULL,
                                     save_unlocked_cb, pending);
      return;
    }

  entry->supersedes = form->supersedes;
  entry->retracted = form->withdraw;
  entry->correction = form_text (form, "correction");
  switch (form->kind)
    {
    case INVOLVE_LOG_ACTIVITY:
      entry->method = form_choice (form, "method");
      entry->description = form_text (form, "description");
      entry->start_date = form_text (form, "start");
      entry->end_date = form_text (form, "end");
      entry->reach = form_number (form, "reach");
      entry->groups = form_multi (form, "groups");
      entry->characteristics = form_multi (form, "characteristics");
      entry->partner_types = form_multi (form, "partner-types");
      entry->partners = form_text (form, "partners");
      entry->documents = form_text (form, "documents");
      break;
    case INVOLVE_LOG_FEEDBACK:
      entry->theme = form_text (form, "theme");
      entry->summary = form_text (form, "summary");
      entry->responses = form_number (form, "responses");
      entry->activity_id = form_link (form, "activity");
      break;
    case INVOLVE_LOG_RESPONSE:
      entry->you_said = form_text (form, "you-said");
      entry->we_did = form_text (form, "we-did");
      entry->not_taken_reason = form_text (form, "not-taken");
      entry->feedback_id = form_link (form, "feedback");
      break;
    case INVOLVE_LOG_EVALUATION:
      entry->evaluated_on = form_text (form, "on");
      entry->impact = form_text (form, "impact");
      entry->response_id = form_link (form, "response");
      break;
    default:
      g_assert_not_reached ();
    }

  if (!involve_store_add_log_entry (self->store, entry, &error))
    {
      /* Stay open with what was typed; say what to fix. */
      gtk_label_set_text (GTK_LABEL (form->error_label), error->message);
      gtk_widget_set_visible (form->error_label, TRUE);
      return;
    }

  message = form->withdraw ? g_strdup_printf (_("Entry %" PRId64 " withdrawn"), form->supersedes)
                           : g_strdup_printf (_("Saved as entry %" PRId64 " (audit entry %" PRId64 ")"),
                                              entry->id, entry->audit_id);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toasts), adw_toast_new (message));
  gtk_window_destroy (GTK_WINDOW (dialog));
  reload (self);
}

static void
form_destroyed_cb (GtkWidget                *dialog,
                   InvolveInvolvementWindow *self)
{
  if (self->form == dialog)
    self->form = NULL;
}

static const char *
kind_heading (InvolveLogKind kind)
{
  switch (kind)
    {
    case INVOLVE_LOG_ACTIVITY:
      return _("Activity");
    case INVOLVE_LOG_FEEDBACK:
      return _("What People Said");
    case INVOLVE_LOG_RESPONSE:
      return _("You Said, We Did");
    case INVOLVE_LOG_EVALUATION:
    default:
      return _("Evaluation");
    }
}

/* Opens the form for a new entry of @kind, or for correcting (or, with
 * @withdraw, withdrawing) @source. */
static void
open_form (InvolveInvolvementWindow *self,
           InvolveLogKind            kind,
           const InvolveLogEntry    *source,
           gboolean                  withdraw)
{
  GtkWidget *dialog = adw_window_new ();
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *save = gtk_button_new_with_mnemonic (withdraw ? _("_Withdraw") : _("_Save"));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 14);
  GtkWidget *title_widget;
  g_autofree char *title = NULL;
  Form *form = g_new0 (Form, 1);
  const FieldSpec *fields;
  guint n_fields;

  form->window = self;
  form->kind = kind;
  form->supersedes = source != NULL ? source->id : 0;
  form->withdraw = withdraw;
  form->widgets = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, NULL);
  form->ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_object_set_data_full (G_OBJECT (dialog), "involve-form", form, (GDestroyNotify) form_free);

  if (withdraw)
    title = g_strdup_printf (_("Withdraw Entry %" PRId64), source->id);
  else if (source != NULL)
    title = g_strdup_printf (_("Correct Entry %" PRId64), source->id);
  else
    title = g_strdup_printf (_("Add: %s"), kind_heading (kind));
  gtk_window_set_title (GTK_WINDOW (dialog), title);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 640, kind == INVOLVE_LOG_ACTIVITY && !withdraw ? 720 : 480);

  title_widget = adw_window_title_new (title, self->reference);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title_widget);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), save);
  gtk_widget_add_css_class (save, withdraw ? "destructive-action" : "suggested-action");
  gtk_window_set_default_widget (GTK_WINDOW (dialog), save);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), dialog);
  g_signal_connect (save, "clicked", G_CALLBACK (form_save_cb), form);

  form->error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (form->error_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (form->error_label), 0);
  gtk_widget_add_css_class (form->error_label, "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (form->error_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Problem"), -1);
  gtk_widget_set_visible (form->error_label, FALSE);
  gtk_box_append (GTK_BOX (body), form->error_label);

  if (source != NULL)
    gtk_box_append (GTK_BOX (body), build_field (form, &correction_field, NULL, NULL, 0));

  fields = fields_of (kind, &n_fields);
  for (guint i = 0; !withdraw && i < n_fields; i++)
    {
      const FieldSpec *spec = &fields[i];
      const char *text = NULL;
      g_autofree char *number = NULL;
      GStrv items = NULL;
      const char *one[2] = { NULL, NULL };
      gint64 link = 0;

      if (source != NULL)
        {
          const InvolveLogEntry *s = source;

#define IS(k) g_str_equal (spec->key, k)
          if (IS ("method")) { one[0] = s->method; items = (GStrv) one; }
          else if (IS ("description")) text = s->description;
          else if (IS ("start")) text = s->start_date;
          else if (IS ("end")) text = s->end_date;
          else if (IS ("reach")) text = number = g_strdup_printf ("%" PRId64, s->reach);
          else if (IS ("groups")) items = s->groups;
          else if (IS ("characteristics")) items = s->characteristics;
          else if (IS ("partner-types")) items = s->partner_types;
          else if (IS ("partners")) text = s->partners;
          else if (IS ("documents")) text = s->documents;
          else if (IS ("theme")) text = s->theme;
          else if (IS ("summary")) text = s->summary;
          else if (IS ("responses")) text = number = g_strdup_printf ("%" PRId64, s->responses);
          else if (IS ("activity")) link = s->activity_id;
          else if (IS ("you-said")) text = s->you_said;
          else if (IS ("we-did")) text = s->we_did;
          else if (IS ("not-taken")) text = s->not_taken_reason;
          else if (IS ("feedback")) link = s->feedback_id;
          else if (IS ("on")) text = s->evaluated_on;
          else if (IS ("impact")) text = s->impact;
          else if (IS ("response")) link = s->response_id;
#undef IS
        }
      gtk_box_append (GTK_BOX (body), build_field (form, spec, text, items, link));
    }

  gtk_widget_set_margin_top (body, 18);
  gtk_widget_set_margin_bottom (body, 18);
  gtk_widget_set_margin_start (body, 18);
  gtk_widget_set_margin_end (body, 18);
  adw_clamp_set_child (ADW_CLAMP (clamp), body);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (content), header);
  gtk_box_append (GTK_BOX (content), scrolled);
  adw_window_set_content (ADW_WINDOW (dialog), content);

  /* Escape cancels, as in any dialog. */
  {
    GtkEventController *keys = gtk_shortcut_controller_new ();

    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                            gtk_named_action_new ("window.close")));
    gtk_widget_add_controller (dialog, keys);
  }

  self->form = dialog;
  g_signal_connect (dialog, "destroy", G_CALLBACK (form_destroyed_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The lists */

static char *
entry_subtitle (const InvolveLogEntry *e)
{
  GString *out = g_string_new (NULL);

  switch (e->kind)
    {
    case INVOLVE_LOG_ACTIVITY:
      {
        g_autofree char *groups = join_labels (INVOLVE_LOG_LIST_GROUPS, e->groups);
        g_autofree char *characteristics = join_labels (INVOLVE_LOG_LIST_CHARACTERISTICS, e->characteristics);
        g_autofree char *partners = join_labels (INVOLVE_LOG_LIST_PARTNERS, e->partner_types);

        g_string_append (out, e->description != NULL ? e->description : "");
        g_string_append_printf (out, _("\n%s%s%s · %" PRId64 " people"), e->start_date != NULL ? e->start_date : "",
                                e->end_date != NULL ? _(" to ") : "", e->end_date != NULL ? e->end_date : "", e->reach);
        if (*groups != '\0')
          g_string_append_printf (out, _("\nGroups: %s"), groups);
        if (*characteristics != '\0')
          g_string_append_printf (out, _("\nProtected characteristics: %s"), characteristics);
        if (*partners != '\0' || e->partners != NULL)
          g_string_append_printf (out, _("\nPartners: %s %s"), partners, e->partners != NULL ? e->partners : "");
        break;
      }
    case INVOLVE_LOG_FEEDBACK:
      g_string_append_printf (out, _("%s (%" PRId64 " people)"), e->summary != NULL ? e->summary : "", e->responses);
      break;
    case INVOLVE_LOG_RESPONSE:
      g_string_append_printf (out, _("We did: %s"), e->we_did != NULL ? e->we_did : "");
      if (e->not_taken_reason != NULL)
        g_string_append_printf (out, _("\nNot taken because: %s"), e->not_taken_reason);
      break;
    case INVOLVE_LOG_EVALUATION:
      g_string_append (out, e->impact != NULL ? e->impact : "");
      break;
    default:
      break;
    }
  if (e->supersedes != 0 && e->correction != NULL)
    g_string_append_printf (out, _("\nCorrects entry %" PRId64 ": %s"), e->supersedes, e->correction);
  if (e->superseded_by != 0)
    g_string_append_printf (out, _("\nSuperseded by entry %" PRId64), e->superseded_by);
  return g_string_free (out, FALSE);
}

static void
correct_clicked_cb (GtkButton                *button,
                    InvolveInvolvementWindow *self)
{
  const InvolveLogEntry *entry = g_object_get_data (G_OBJECT (button), "involve-entry");

  open_form (self, entry->kind, entry, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "involve-withdraw")));
}

static GtkWidget *
row_button (InvolveInvolvementWindow *self,
            const InvolveLogEntry    *entry,
            const char               *label,
            const char               *name,
            gboolean                  withdraw)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  name_control (button, NULL, name);
  g_object_set_data_full (G_OBJECT (button), "involve-entry", involve_log_entry_copy (entry),
                          (GDestroyNotify) involve_log_entry_free);
  g_object_set_data (G_OBJECT (button), "involve-withdraw", GINT_TO_POINTER (withdraw));
  g_signal_connect (button, "clicked", G_CALLBACK (correct_clicked_cb), self);
  return button;
}

static void
reload (InvolveInvolvementWindow *self)
{
  for (guint k = 0; k < G_N_ELEMENTS (self->groups); k++)
    {
      g_autoptr(GPtrArray) entries = involve_store_list_log_entries (self->store, self->uuid, (InvolveLogKind) k, 0, NULL);
      guint shown = 0;

      for (guint i = 0; i < self->rows[k]->len; i++)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->groups[k]), self->rows[k]->pdata[i]);
      g_ptr_array_set_size (self->rows[k], 0);

      for (guint i = 0; entries != NULL && i < entries->len; i++)
        {
          const InvolveLogEntry *e = entries->pdata[i];
          g_autofree char *title = NULL;
          g_autofree char *subtitle = NULL;
          GtkWidget *row;

          /* A withdrawal shows on the entry it withdrew. */
          if (e->retracted)
            continue;
          title = entry_title (e);
          subtitle = entry_subtitle (e);
          row = adw_action_row_new ();
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
          if (e->superseded_by != 0)
            gtk_widget_add_css_class (row, "dim-label");
          else
            {
              g_autofree char *correct = g_strdup_printf (_("Correct entry %" PRId64), e->id);
              g_autofree char *withdraw = g_strdup_printf (_("Withdraw entry %" PRId64), e->id);

              adw_action_row_add_suffix (ADW_ACTION_ROW (row), row_button (self, e, _("Correct…"), correct, FALSE));
              adw_action_row_add_suffix (ADW_ACTION_ROW (row), row_button (self, e, _("Withdraw…"), withdraw, TRUE));
            }
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->groups[k]), row);
          g_ptr_array_add (self->rows[k], row);
          shown++;
        }
      if (shown == 0)
        {
          GtkWidget *row = adw_action_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Nothing recorded yet"));
          gtk_widget_add_css_class (row, "dim-label");
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->groups[k]), row);
          g_ptr_array_add (self->rows[k], row);
        }
    }
}

static void
add_clicked_cb (GtkButton                *button,
                InvolveInvolvementWindow *self)
{
  for (guint k = 0; k < G_N_ELEMENTS (self->add_buttons); k++)
    {
      if (GTK_WIDGET (button) == self->add_buttons[k])
        open_form (self, (InvolveLogKind) k, NULL, FALSE);
    }
}

/* Export */

gboolean
_involve_involvement_window_export (InvolveInvolvementWindow *self,
                                    const char               *path,
                                    GError                  **error)
{
  return involve_export_you_said_we_did (self->store, self->uuid, path, error);
}

static char *
export_to (gpointer    owner,
           const char *path,
           gpointer    data)
{
  g_autoptr(GError) error = NULL;

  if (!_involve_involvement_window_export (INVOLVE_INVOLVEMENT_WINDOW (owner), path, &error))
    return g_strdup_printf (_("The PDF could not be saved: %s"), error->message);
  return NULL;
}

static void
export_clicked_cb (GtkButton                *button,
                   InvolveInvolvementWindow *self)
{
  g_autofree char *name = g_strdup_printf (_("%s you said we did.pdf"), self->reference);

  involve_gui_save_as (GTK_WINDOW (self), ADW_TOAST_OVERLAY (self->toasts), _("Export “You Said, We Did”"),
                       name, export_to, NULL);
}

GtkWidget *
_involve_involvement_window_get_form (InvolveInvolvementWindow *self)
{
  return self->form;
}

/* The type */

static void
involve_involvement_window_dispose (GObject *object)
{
  InvolveInvolvementWindow *self = INVOLVE_INVOLVEMENT_WINDOW (object);

  if (self->form != NULL)
    gtk_window_destroy (GTK_WINDOW (self->form));
  gtk_widget_dispose_template (GTK_WIDGET (self), INVOLVE_TYPE_INVOLVEMENT_WINDOW);
  g_clear_object (&self->store);
  for (guint k = 0; k < G_N_ELEMENTS (self->rows); k++)
    g_clear_pointer (&self->rows[k], g_ptr_array_unref);
  G_OBJECT_CLASS (involve_involvement_window_parent_class)->dispose (object);
}

static void
involve_involvement_window_finalize (GObject *object)
{
  InvolveInvolvementWindow *self = INVOLVE_INVOLVEMENT_WINDOW (object);

  g_free (self->uuid);
  g_free (self->reference);
  G_OBJECT_CLASS (involve_involvement_window_parent_class)->finalize (object);
}

static void
involve_involvement_window_class_init (InvolveInvolvementWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = involve_involvement_window_dispose;
  object_class->finalize = involve_involvement_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/involve/Involve/ui/involve-involvement-window.ui");
  gtk_widget_class_bind_template_child (widget_class, InvolveInvolvementWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, InvolveInvolvementWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, InvolveInvolvementWindow, page);
  gtk_widget_class_bind_template_child (widget_class, InvolveInvolvementWindow, export_button);
  gtk_widget_class_bind_template_child_full (widget_class, "activities_group", FALSE,
                                             G_STRUCT_OFFSET (InvolveInvolvementWindow, groups[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "feedback_group", FALSE,
                                             G_STRUCT_OFFSET (InvolveInvolvementWindow, groups[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "responses_group", FALSE,
                                             G_STRUCT_OFFSET (InvolveInvolvementWindow, groups[2]));
  gtk_widget_class_bind_template_child_full (widget_class, "evaluations_group", FALSE,
                                             G_STRUCT_OFFSET (InvolveInvolvementWindow, groups[3]));
  gtk_widget_class_bind_template_child_full (widget_class, "add_activity_button", FALSE,
                                             G_STRUCT_OFFSET (InvolveInvolvementWindow, add_buttons[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "add_feedback_button", FALSE,
                                             G_STRUCT_OFFSET (InvolveInvolvementWindow, add_buttons[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "add_response_button", FALSE,
                                             G_STRUCT_OFFSET (InvolveInvolvementWindow, add_buttons[2]));
  gtk_widget_class_bind_template_child_full (widget_class, "add_evaluation_button", FALSE,
                                             G_STRUCT_OFFSET (InvolveInvolvementWindow, add_buttons[3]));

  /* A window to work in and leave: Escape closes it, as a dialog would. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
involve_involvement_window_init (InvolveInvolvementWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint k = 0; k < G_N_ELEMENTS (self->rows); k++)
    {
      self->rows[k] = g_ptr_array_new ();
      g_signal_connect (self->add_buttons[k], "clicked", G_CALLBACK (add_clicked_cb), self);
    }
  g_signal_connect (self->export_button, "clicked", G_CALLBACK (export_clicked_cb), self);
}

GtkWidget *
involve_involvement_window_new (GtkWindow      *parent,
                                InvolveStore   *store,
                                InvolveRecord  *record,
                                GError        **error)
{
  InvolveInvolvementWindow *self;
  g_autofree char *title = NULL;
  const char *record_title = involve_record_get_string (record, "title");

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (INVOLVE_IS_STORE (store), NULL);
  g_return_val_if_fail (INVOLVE_IS_RECORD (record), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (involve_store_get_loggable_version (store, involve_record_get_uuid (record), error) == 0)
    return NULL;

  self = g_object_new (INVOLVE_TYPE_INVOLVEMENT_WINDOW, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->uuid = g_strdup (involve_record_get_uuid (record));
  self->reference = g_strdup (involve_record_get_reference (record));
  title = g_strdup_printf (_("Involvement in %s"), self->reference);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (ADW_WINDOW_TITLE (self->window_title), title);
  adw_window_title_set_subtitle (ADW_WINDOW_TITLE (self->window_title), record_title != NULL ? record_title : "");
  reload (self);
  return GTK_WIDGET (self);
}
