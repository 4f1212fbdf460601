/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-wizard"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "involve-assess.h"
#include "involve-field-editor.h"
#include "involve-fingerprint.h"
#include "involve-gui-util.h"
#include "involve-history-window.h"
#include "involve-involvement-window.h"
#include "involve-lifecycle.h"
#include "involve-signoff.h"
#include "involve-profile.h"
#include "involve-unlock-dialog.h"
#include "involve-validate.h"
#include "involve-wizard-export.h"
#include "involve-wizard-private.h"

#define TYPING_PAUSE_MS 250
#define REVIEW_PAGE_ID "review"

typedef struct
{
  const InvolveSection *section;
  GtkWidget            *box;
} SectionView;

typedef struct
{
  char      *id;
  char      *title;
  GPtrArray *sections;      /* SectionView* */
  GPtrArray *editors;       /* InvolveFieldEditor* on this page */
  GtkWidget *row;
  GtkWidget *row_icon;
  GtkWidget *row_subtitle;
  GtkWidget *page;
  char      *status;        /* "complete", "problems" (tests) */
} WizardPage;

struct _InvolveWizard
{
  GtkWidget           parent_instance;

  InvolveStore       *store;
  InvolveDefinitions *definitions;
  GSettings          *settings;
  InvolveRecord      *record;
  InvolveSignOffRequest *request;      /* a reviewer's request file, or NULL */
  GPtrArray          *pages;           /* WizardPage* */
  GHashTable         *editors;         /* field id -> GPtrArray of InvolveFieldEditor* */
  GPtrArray          *problems;        /* InvolveProblem* of the last validation */
  GHashTable         *pending;         /* field id -> GVariant* (or the empty marker) */
  guint               pending_id;
  guint               refresh_id;
  gboolean            show_problems;
  gboolean            building;
  gboolean            unsaved;         /* a new record not in the register until the first input */
  gboolean            opening_old;     /* the next record set is an earlier version */
  gboolean            viewing_old;     /* an earlier version from the history: read-only */
  gboolean            changed_elsewhere; /* another client changed the record shown */
  gboolean            save_failed;     /* typing on screen the register refused */
  guint               current_step;    /* the page shown; the list's focus may be elsewhere */
  guint               scroll_tick_id;  /* bringing the focused question into view */
  guint               scroll_frames;
  GtkWidget          *focus_root;      /* the window whose focus is followed (not a reference) */

  /* three-step test page */
  GtkWidget          *outcome_box;
  GtkWidget          *outcome_label;
  GtkWidget          *outcome_detail;
  GtkWidget          *outcome_toggle;
  /* review page */
  GtkWidget          *summary_grid;
  GtkWidget          *problems_title;
  GtkWidget          *problem_list;
  GtkWidget          *ready_label;
  GtkWidget          *submit_button;
  GtkWidget          *dialog;
  char               *kept_comments;   /* typed in a decision the register refused */
  guint               kept_kind;       /* DialogKind of kept_comments */

  /* template */
  GtkWidget          *header_bar;
  GtkWidget          *back_button;
  AdwWindowTitle     *window_title;
  GtkWidget          *record_menu_button;
  GtkWidget          *saved_label;
  GtkWidget          *banner_revealer;
  GtkWidget          *banner_box;
  GtkWidget          *banner_label;
  GtkWidget          *banner_toggle;
  GtkWidget          *sign_off_button;
  GtkWidget          *return_button;
  GtkWidget          *amend_button;
  GtkWidget          *error_revealer;
  GtkWidget          *error_label;
  GtkWidget          *changed_revealer;
  GtkWidget          *changed_label;
  GtkWidget          *changed_button;
  AdwLeaflet         *leaflet;
  GtkWidget          *sidebar;
  GtkWidget          *step_list;
  GtkWidget          *content_box;
  GtkWidget          *page_stack;
  GtkWidget          *previous_button;
  GtkWidget          *next_button;
};

enum {
  CLOSED,
  RECORD_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Marks a pending edit that clears the field. */
static GVariant *empty_marker;

G_DEFINE_FINAL_TYPE (InvolveWizard, involve_wizard, GTK_TYPE_WIDGET)

static void refresh_state   (InvolveWizard *self);
static void queue_refresh   (InvolveWizard *self);

static void
section_view_free (SectionView *view)
{
  g_free (view);
}

static void
wizard_page_free (WizardPage *page)
{
  g_free (page->id);
  g_free (page->title);
  g_free (page->status);
  g_ptr_array_unref (page->sections);
  g_ptr_array_unref (page->editors);
  g_free (page);
}

static gboolean
is_editable (InvolveWizard *self)
{
  return self->record != NULL && !self->viewing_old &&
         involve_status_is_editable (involve_record_get_status (self->record));
}

/* Messages */

static void
show_error (InvolveWizard *self,
            const char    *format,
            ...) G_GNUC_PRINTF (2, 3);

static void
show_error (InvolveWizard *self,
            const char    *format,
            ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  gtk_label_set_text (GTK_LABEL (self->error_label), message);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->error_revealer), TRUE);
}

static void
dismiss_error_clicked_cb (InvolveWizard *self)
{
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->error_revealer), FALSE);
}

/* Saving */

static void update_title (InvolveWizard *self);
static void update_actions (InvolveWizard *self);
static void update_changed_banner (InvolveWizard *self);

/* A new record is only written to the register once the person types or
 * chooses something: opening New Assessment and leaving again uses up no
 * reference and leaves no empty record to withdraw.  The record shown
 * (its editors follow it) takes the identity the register gives it. */
static gboolean
create_on_first_input (InvolveWizard *self,
                       const char    *field_id,
                       GVariant      *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveRecord) stored = NULL;

  involve_record_set_value (self->record, field_id, value);
  stored = involve_store_create_record_with_values (self->store, self->record, &error);
  if (stored == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->saved_label), _("Not saved"));
      gtk_widget_remove_css_class (self->saved_label, "dim-label");
      gtk_widget_add_css_class (self->saved_label, "error");
      show_error (self, _("The assessment could not be created: %s"), error->message);
      return FALSE;
    }
  involve_record_set_uuid (self->record, involve_record_get_uuid (stored));
  involve_record_set_reference (self->record, involve_record_get_reference (stored));
  involve_record_set_version (self->record, involve_record_get_version (stored));
  involve_record_set_status (self->record, involve_record_get_status (stored));
  involve_record_set_created_usec (self->record, involve_record_get_created_usec (stored));
  self->unsaved = FALSE;

  gtk_label_set_text (GTK_LABEL (self->saved_label), _("Saved"));
  gtk_widget_remove_css_class (self->saved_label, "error");
  gtk_widget_add_css_class (self->saved_label, "dim-label");
  update_title (self);
  update_actions (self);
  queue_refresh (self);
  g_signal_emit (self, signals[RECORD_CHANGED], 0);
  return TRUE;
}

static gboolean
save_value (InvolveWizard *self,
            const char    *field_id,
            GVariant      *value)
{
  g_autoptr(GError) error = NULL;

  if (!is_editable (self))
    return FALSE;

  if (self->unsaved)
    return create_on_first_input (self, field_id, value);

  if (!involve_store_set_value (self->store, self->record, field_id, value, &error))
    {
      self->save_failed = TRUE;
      gtk_label_set_text (GTK_LABEL (self->saved_label), _("Not saved"));
      gtk_widget_remove_css_class (self->saved_label, "dim-label");
      gtk_widget_add_css_class (self->saved_label, "error");
      if (g_error_matches (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_CONFLICT))
        {
          /* Their answer beside the typing kept on screen. */
          g_autofree char *message =
            involve_gui_dup_conflict_message (self->store, involve_record_get_uuid (self->record), field_id,
                                              error->message);

          show_error (self, _("Your last change could not be saved: %s"), message);
        }
      else
        show_error (self, _("Your last change could not be saved: %s"), error->message);
      return FALSE;
    }

  gtk_label_set_text (GTK_LABEL (self->saved_label), _("Saved"));
  gtk_widget_remove_css_class (self->saved_label, "error");
  gtk_widget_add_css_class (self->saved_label, "dim-label");
  queue_refresh (self);
  g_signal_emit (self, signals[RECORD_CHANGED], 0);
  return TRUE;
}

gboolean
involve_wizard_flush (InvolveWizard *self)
{
  g_autoptr(GHashTable) pending = NULL;
  GHashTableIter iter;
  gpointer key, value;
  gboolean ok = TRUE;

  g_return_val_if_fail (INVOLVE_IS_WIZARD (self), FALSE);

  g_clear_handle_id (&self->pending_id, g_source_remove);
  if (g_hash_table_size (self->pending) == 0)
    return TRUE;

  pending = g_steal_pointer (&self->pending);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_variant_unref);
  g_hash_table_iter_init (&iter, pending);
  while (g_hash_table_iter_next (&iter, &key, &value))
    ok &= save_value (self, key, value == empty_marker ? NULL : value);
  update_changed_banner (self);
  return ok;
}

static gboolean
typing_pause_cb (gpointer data)
{
  InvolveWizard *self = data;

  self->pending_id = 0;
  involve_wizard_flush (self);
  return G_SOURCE_REMOVE;
}

static void
editor_changed_cb (InvolveFieldEditor *editor,
                   const char         *field_id,
                   GVariant           *value,
                   gboolean            typing,
                   InvolveWizard      *self)
{
  if (self->building || !is_editable (self))
    return;

  if (!typing)
    {
      g_hash_table_remove (self->pending, field_id);
      save_value (self, field_id, value);
      return;
    }

  g_hash_table_insert (self->pending, g_strdup (field_id),
                       g_variant_ref (value != NULL ? value : empty_marker));
  if (self->changed_elsewhere && g_hash_table_size (self->pending) == 1)
    update_changed_banner (self);
  gtk_label_set_text (GTK_LABEL (self->saved_label), _("Saving…"));
  g_clear_handle_id (&self->pending_id, g_source_remove);
  self->pending_id = g_timeout_add (TYPING_PAUSE_MS, typing_pause_cb, self);
}

static void
editor_focus_left_cb (InvolveFieldEditor *editor,
                      InvolveWizard      *self)
{
  involve_wizard_flush (self);
}

/* Building the pages */

static GtkWidget *
wrap_label (const char *text,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

/* Banners stay short so that the questions stay in sight on a 600-pixel
 * screen: @lines lines, then "…"; the toggle shows the whole text, and is
 * there only when there is more to show. */
#define COLLAPSED_CHARS 160

static void
set_collapsed (GtkWidget *label,
               GtkWidget *toggle,
               gboolean   collapsed)
{
  int lines = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (label), "collapsed-lines"));
  const char *full = g_object_get_data (G_OBJECT (label), "full-text");

  /* Pango counts the lines of each paragraph: one paragraph when collapsed. */
  if (full != NULL)
    {
      g_autofree char *text = collapsed ? g_strdelimit (g_strdup (full), "\n", ' ') : g_strdup (full);

      gtk_label_set_text (GTK_LABEL (label), text);
    }
  gtk_label_set_lines (GTK_LABEL (label), collapsed ? lines : -1);
  gtk_label_set_ellipsize (GTK_LABEL (label), collapsed ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
  gtk_button_set_label (GTK_BUTTON (toggle), collapsed ? _("Show _More") : _("Show _Less"));
  gtk_accessible_update_state (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_STATE_EXPANDED, !collapsed, -1);
}

static void
collapse_toggled_cb (GtkToggleButton *toggle,
                     GtkWidget       *label)
{
  set_collapsed (label, GTK_WIDGET (toggle), !gtk_toggle_button_get_active (toggle));
}

static GtkWidget *
collapse_toggle_new (GtkWidget  *label,
                     int         lines,
                     const char *accessible_label)
{
  GtkWidget *toggle = gtk_toggle_button_new ();

  gtk_button_set_use_underline (GTK_BUTTON (toggle), TRUE);
  gtk_widget_add_css_class (toggle, "flat");
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, accessible_label, -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_RELATION_CONTROLS, label, NULL, -1);
  g_object_set_data (G_OBJECT (label), "collapsed-lines", GINT_TO_POINTER (lines));
  g_signal_connect (toggle, "toggled", G_CALLBACK (collapse_toggled_cb), label);
  set_collapsed (label, toggle, TRUE);
  return toggle;
}

/* Sets a collapsible label's text; long text collapses again. */
static void
set_collapsible_text (GtkWidget  *label,
                      GtkWidget  *toggle,
                      const char *text)
{
  gboolean long_text = g_utf8_strlen (text, -1) > COLLAPSED_CHARS || strchr (text, '\n') != NULL;

  if (g_strcmp0 (g_object_get_data (G_OBJECT (label), "full-text"), text) != 0)
    {
      g_object_set_data_full (G_OBJECT (label), "full-text", g_strdup (text), g_free);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), FALSE);
      set_collapsed (label, toggle, TRUE);
    }
  gtk_widget_set_visible (toggle, long_text);
}

static GtkWidget *
build_guidance (const InvolveSection *section)
{
  GtkWidget *expander;
  GtkWidget *box;
  g_autofree char *title = NULL;

  if (section->guidance == NULL && (section->examples == NULL || section->examples->len == 0))
    return NULL;

  title = section->guidance_ref != NULL
    ? g_strdup_printf (_("Guidance: %s"), section->guidance_ref)
    : g_strdup (_("Guidance"));
  expander = gtk_expander_new (NULL);
  gtk_expander_set_label_widget (GTK_EXPANDER (expander), wrap_label (title, NULL));
  gtk_widget_add_css_class (expander, "guidance");
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_add_css_class (box, "guidance-text");
  if (section->guidance != NULL)
    gtk_box_append (GTK_BOX (box), wrap_label (section->guidance, NULL));
  for (guint i = 0; section->examples != NULL && i < section->examples->len; i++)
    {
      const InvolveExample *example = g_ptr_array_index (section->examples, i);
      g_autofree char *heading = g_strdup_printf (_("Example: %s"), example->title);

      gtk_box_append (GTK_BOX (box), wrap_label (heading, "heading"));
      gtk_box_append (GTK_BOX (box), wrap_label (example->text, NULL));
    }
  gtk_expander_set_child (GTK_EXPANDER (expander), box);
  return expander;
}

/* Only the organisation type of the record's framework (frameworks.xml) is
 * offered, and the provider, whose duty is another: a CCG on an ICB record
 * would contradict the duty the record is assessed under.  A value already
 * recorded stays in sight, so that the problem it raises can be fixed. */
static void
limit_organisation_types (InvolveWizard      *self,
                          InvolveFieldEditor *editor)
{
  const InvolveFramework *own = involve_definitions_lookup_framework (self->definitions,
                                                                      involve_record_get_framework_id (self->record));
  GPtrArray *frameworks = involve_definitions_get_frameworks (self->definitions);
  const char *current = involve_record_get_string (self->record, "organisation-type");

  if (own == NULL)
    return;
  for (guint i = 0; i < frameworks->len; i++)
    {
      const InvolveFramework *framework = g_ptr_array_index (frameworks, i);

      if (g_strcmp0 (framework->organisation_type, own->organisation_type) != 0)
        involve_field_editor_set_option_visible (editor, framework->organisation_type,
                                                 g_strcmp0 (current, framework->organisation_type) == 0);
    }
}

static void
add_editor (InvolveWizard      *self,
            WizardPage         *page,
            GtkWidget          *box,
            const InvolveField *field)
{
  GtkWidget *editor;
  GPtrArray *list;

  /* Fixed fields (the form edition) are Involve's to set, never a person's:
   * the record's steps show their effect, the evidence PDF names them. */
  if (field->fixed)
    return;
  editor = involve_field_editor_new (field, self->record);
  list = g_hash_table_lookup (self->editors, field->id);

  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (self->editors, field->id, list);
    }
  g_ptr_array_add (list, editor);
  g_ptr_array_add (page->editors, editor);
  g_object_set_data (G_OBJECT (editor), "page", page);
  if (field->guidance_ref != NULL)
    {
      g_autofree char *ref = involve_definitions_dup_guidance_ref (self->definitions, field->guidance_ref,
                                                                   involve_record_get_framework_id (self->record));

      involve_field_editor_set_guidance_ref (INVOLVE_FIELD_EDITOR (editor), ref);
    }
  if (g_str_equal (field->id, "organisation-type"))
    limit_organisation_types (self, INVOLVE_FIELD_EDITOR (editor));
  involve_field_editor_set_editable (INVOLVE_FIELD_EDITOR (editor), is_editable (self));
  g_signal_connect (editor, "changed", G_CALLBACK (editor_changed_cb), self);
  g_signal_connect (editor, "focus-left", G_CALLBACK (editor_focus_left_cb), self);
  gtk_box_append (GTK_BOX (box), editor);
}

static void
add_section (InvolveWizard        *self,
             WizardPage           *page,
             GtkWidget            *page_box,
             const InvolveSection *section)
{
  SectionView *view = g_new0 (SectionView, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *guidance;

  gtk_widget_add_css_class (box, "form-section");
  /* A step made of one section already carries its title. */
  if (page->sections->len > 0 || !g_str_equal (page->id, section->id))
    gtk_box_append (GTK_BOX (box), wrap_label (section->title, "title-3"));
  if (section->intro != NULL)
    gtk_box_append (GTK_BOX (box), wrap_label (section->intro, NULL));
  guidance = build_guidance (section);
  if (guidance != NULL)
    gtk_box_append (GTK_BOX (box), guidance);
  for (guint i = 0; i < section->fields->len; i++)
    add_editor (self, page, box, g_ptr_array_index (section->fields, i));

  view->section = section;
  view->box = box;
  g_ptr_array_add (page->sections, view);
  gtk_box_append (GTK_BOX (page_box), box);
}

static GtkWidget *
page_scroller (GtkWidget **content)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 30);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 760);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), 600);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 36);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  *content = box;
  return scrolled;
}

static WizardPage *
add_page (InvolveWizard *self,
          const char    *id,
          const char    *title,
          const char    *intro,
          GtkWidget    **content)
{
  WizardPage *page = g_new0 (WizardPage, 1);
  GtkWidget *row_box, *text_box, *row_label;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrolled;

  page->id = g_strdup (id);
  page->title = g_strdup (title);
  page->sections = g_ptr_array_new_with_free_func ((GDestroyNotify) section_view_free);
  page->editors = g_ptr_array_new ();

  /* The side list's row. */
  row_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_top (row_box, 6);
  gtk_widget_set_margin_bottom (row_box, 6);
  page->row_icon = gtk_image_new ();
  gtk_widget_set_valign (page->row_icon, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (row_box), page->row_icon);
  text_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  row_label = wrap_label (title, NULL);
  gtk_box_append (GTK_BOX (text_box), row_label);
  page->row_subtitle = wrap_label ("", "caption");
  gtk_widget_add_css_class (page->row_subtitle, "dim-label");
  gtk_box_append (GTK_BOX (text_box), page->row_subtitle);
  gtk_box_append (GTK_BOX (row_box), text_box);
  page->row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (page->row), row_box);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (page->row),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, row_label, NULL,
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, page->row_subtitle, NULL,
                                  -1);
  gtk_list_box_append (GTK_LIST_BOX (self->step_list), page->row);

  /* The page. */
  scrolled = page_scroller (content);
  gtk_box_append (GTK_BOX (*content), wrap_label (title, "title-1"));
  if (intro != NULL)
    gtk_box_append (GTK_BOX (*content), wrap_label (intro, NULL));
  gtk_box_append (GTK_BOX (box), scrolled);
  page->page = box;
  gtk_stack_add_named (GTK_STACK (self->page_stack), box, id);

  g_ptr_array_add (self->pages, page);
  return page;
}

static void
build_outcome_box (InvolveWizard *self,
                   WizardPage    *page)
{
  GtkWidget *text_box;

  self->outcome_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (self->outcome_box, "outcome");
  text_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_hexpand (text_box, TRUE);
  self->outcome_label = wrap_label ("", "heading");
  gtk_label_set_selectable (GTK_LABEL (self->outcome_label), TRUE);
  self->outcome_detail = wrap_label ("", NULL);
  /* Selectable, so the keyboard can reach and read the reasons. */
  gtk_label_set_selectable (GTK_LABEL (self->outcome_detail), TRUE);
  /* Keep the questions in sight on a 600-pixel screen: two lines until
   * "Show More" opens the reasons in full. */
  self->outcome_toggle = collapse_toggle_new (self->outcome_detail, 2, _("Show the outcome's reasons in full"));
  gtk_box_append (GTK_BOX (text_box), self->outcome_label);
  gtk_box_append (GTK_BOX (text_box), self->outcome_detail);
  gtk_box_append (GTK_BOX (self->outcome_box), text_box);
  gtk_box_append (GTK_BOX (self->outcome_box), self->outcome_toggle);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->outcome_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Outcome of the three-step test"), -1);
  /* Above the scrolling questions, so that it is always in sight. */
  gtk_box_prepend (GTK_BOX (page->page), self->outcome_box);
}

static void
submit_clicked_cb (InvolveWizard *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.submit", NULL);
}

static void
problem_row_activated_cb (GtkListBox    *list,
                          GtkListBoxRow *row,
                          InvolveWizard *self)
{
  const char *field_id = g_object_get_data (G_OBJECT (row), "field-id");

  if (field_id != NULL)
    involve_wizard_focus_field (self, field_id);
}

static void
build_review_page (InvolveWizard *self)
{
  InvolveStatus status = involve_record_get_status (self->record);
  GtkWidget *content;
  GtkWidget *button_box;

  if (is_editable (self))
    add_page (self, REVIEW_PAGE_ID, _("Review and Submit"),
              _("Check the record before you send it for sign-off. Every problem links to its question."),
              &content);
  else if (status == INVOLVE_STATUS_AWAITING_SIGN_OFF)
    add_page (self, REVIEW_PAGE_ID, _("Review and Decide"),
              _("Read each step in the list on the left, then sign the record off or return it with comments, with the buttons at the top."),
              &content);
  else
    add_page (self, REVIEW_PAGE_ID, _("Summary"), NULL, &content);

  self->summary_grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (self->summary_grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (self->summary_grid), 18);
  gtk_widget_add_css_class (self->summary_grid, "card");
  gtk_widget_add_css_class (self->summary_grid, "summary");
  gtk_box_append (GTK_BOX (content), self->summary_grid);

  self->problems_title = wrap_label ("", "title-3");
  gtk_box_append (GTK_BOX (content), self->problems_title);
  self->problem_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->problem_list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->problem_list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->problem_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Problems to fix"), -1);
  g_signal_connect (self->problem_list, "row-activated", G_CALLBACK (problem_row_activated_cb), self);
  gtk_box_append (GTK_BOX (content), self->problem_list);
  self->ready_label = wrap_label ("", NULL);
  gtk_box_append (GTK_BOX (content), self->ready_label);

  button_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_halign (button_box, GTK_ALIGN_CENTER);
  self->submit_button = gtk_button_new_with_mnemonic (_("_Submit for Sign-off"));
  gtk_widget_add_css_class (self->submit_button, "suggested-action");
  gtk_widget_add_css_class (self->submit_button, "pill");
  g_signal_connect_swapped (self->submit_button, "clicked", G_CALLBACK (submit_clicked_cb), self);
  gtk_box_append (GTK_BOX (button_box), self->submit_button);
  gtk_box_append (GTK_BOX (content), button_box);
}

static void
clear_pages (InvolveWizard *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->step_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->step_list), child);
  while ((child = gtk_widget_get_first_child (self->page_stack)) != NULL)
    gtk_stack_remove (GTK_STACK (self->page_stack), child);
  g_ptr_array_set_size (self->pages, 0);
  g_hash_table_remove_all (self->editors);
  self->outcome_box = self->outcome_label = self->outcome_detail = self->outcome_toggle = NULL;
  self->problem_list = self->submit_button = self->summary_grid = NULL;
}

static void
build_pages (InvolveWizard *self)
{
  GPtrArray *forms = involve_definitions_get_forms (self->definitions);

  self->building = TRUE;
  clear_pages (self);

  for (guint f = 0; f < forms->len; f++)
    {
      InvolveForm *form = g_ptr_array_index (forms, f);
      GPtrArray *sections = involve_form_get_sections (form);
      const char *form_id = involve_form_get_id (form);
      GtkWidget *content = NULL;
      WizardPage *page = NULL;

      /* Only the forms of the record's own edition. */
      if (!involve_form_applies_to_record (form, self->record))
        continue;
      if (g_str_equal (form_id, INVOLVE_FORM_APPENDIX_B))
        {
          /* One step a section; the completer's block ends the last step. */
          for (guint s = 0; s < sections->len; s++)
            {
              const InvolveSection *section = g_ptr_array_index (sections, s);

              if (page == NULL || g_str_has_prefix (section->id, "b-step"))
                {
                  g_autofree char *title = g_strdup_printf (_("Appendix B: %s"), section->title);
                  page = add_page (self, section->id, title,
                                   s == 0 ? involve_form_get_intro (form) : NULL, &content);
                }
              add_section (self, page, content, section);
            }
          continue;
        }

      page = add_page (self, form_id, involve_form_get_title (form), involve_form_get_intro (form), &content);
      if (g_str_equal (form_id, INVOLVE_FORM_THREE_STEP_TEST))
        build_outcome_box (self, page);
      for (guint s = 0; s < sections->len; s++)
        add_section (self, page, content, g_ptr_array_index (sections, s));
    }

  build_review_page (self);
  self->building = FALSE;
}

/* Refreshing what depends on the answers */

static void
update_outcome (InvolveWizard *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveAssessment) assessment = NULL;
  g_autoptr(GString) detail = g_string_new (NULL);
  g_autoptr(GString) todo = g_string_new (NULL);
  g_autoptr(GString) wrong = g_string_new (NULL);
  InvolveAnswer opinion;

  if (self->outcome_label == NULL)
    return;

  gtk_widget_remove_css_class (self->outcome_box, "applies");
  gtk_widget_remove_css_class (self->outcome_box, "does-not-apply");

  assessment = involve_assess_record (self->record, self->definitions, &error);
  if (assessment == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->outcome_label), _("Outcome not known yet"));
      g_string_append (detail, error->message);
    }
  else if (assessment->outcome == INVOLVE_OUTCOME_APPLIES)
    {
      g_autofree char *citations = involve_assessment_dup_citations_string (assessment);
      g_autofree char *text = g_strdup_printf (_("The duty to involve applies: %s"), citations);

      gtk_label_set_text (GTK_LABEL (self->outcome_label), text);
      gtk_widget_add_css_class (self->outcome_box, "applies");
      for (guint i = 0; assessment->reasons != NULL && assessment->reasons[i] != NULL; i++)
        g_string_append_printf (detail, "%s%s", i ? " " : "", assessment->reasons[i]);
    }
  else
    {
      gtk_label_set_text (GTK_LABEL (self->outcome_label), _("The duty to involve does not apply"));
      gtk_widget_add_css_class (self->outcome_box, "does-not-apply");
      for (guint i = 0; assessment->reasons != NULL && assessment->reasons[i] != NULL; i++)
        g_string_append_printf (detail, "%s%s", i ? " " : "", assessment->reasons[i]);
      g_string_append_printf (detail, "%s%s", detail->len ? " " : "",
                              _("Keep the record, judge whether involving people would still be beneficial, and complete Appendix B steps 3 to 5."));
    }

  opinion = involve_record_get_answer (self->record, "duty-applies-opinion");
  if (assessment != NULL && opinion != INVOLVE_ANSWER_UNKNOWN
      && (opinion == INVOLVE_ANSWER_YES) != (assessment->outcome == INVOLVE_OUTCOME_APPLIES))
    g_string_append_printf (detail, "\n%s",
                            _("Your conclusion differs from this outcome: the guidance is statutory, so give the reason for departing from it."));

  /* What the three-step test still needs. */
  for (guint i = 0; self->problems != NULL && i < self->problems->len; i++)
    {
      const InvolveProblem *problem = g_ptr_array_index (self->problems, i);
      const InvolveField *field;

      if (g_strcmp0 (problem->form_id, INVOLVE_FORM_THREE_STEP_TEST) != 0 || problem->field_id == NULL)
        continue;
      field = involve_definitions_lookup_field (self->definitions, problem->field_id, NULL);
      if (field == NULL)
        continue;
      /* An answer given but wrong is not "still to record": say what is wrong. */
      if (!involve_value_is_empty (involve_record_get_value (self->record, problem->field_id)))
        g_string_append_printf (wrong, "\n%s", problem->message);
      else
        g_string_append_printf (todo, "%s%s", todo->len ? " · " : "", field->label);
    }
  if (todo->len > 0)
    g_string_append_printf (detail, "\n%s %s", _("Still to record:"), todo->str);
  g_string_append (detail, wrong->str);

  set_collapsible_text (self->outcome_detail, self->outcome_toggle, detail->str);
}

static void
grid_row (GtkWidget  *grid,
          int         row,
          const char *name,
          const char *value)
{
  GtkWidget *name_label = wrap_label (name, "dim-label");
  GtkWidget *value_label = wrap_label (value != NULL && value[0] ? value : _("Not given"), NULL);

  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_widget_set_hexpand (value_label, TRUE);
  gtk_grid_attach (GTK_GRID (grid), name_label, 0, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), value_label, 1, row, 1, 1);
}

static const char *
page_title_for_problem (InvolveWizard        *self,
                        const InvolveProblem *problem)
{
  for (guint i = 0; i < self->pages->len; i++)
    {
      WizardPage *page = g_ptr_array_index (self->pages, i);

      for (guint s = 0; s < page->sections->len; s++)
        {
          SectionView *view = g_ptr_array_index (page->sections, s);

          if (g_strcmp0 (view->section->id, problem->section_id) == 0)
            return page->title;
        }
    }
  return NULL;
}

static void
update_review (InvolveWizard *self)
{
  GtkWidget *child;
  const InvolveFramework *framework;
  g_autoptr(InvolveAssessment) assessment = NULL;
  g_autofree char *framework_text = NULL;
  g_autofree char *outcome_text = NULL;
  g_autofree char *version = NULL;
  const char *title = involve_record_get_string (self->record, "title");
  guint n = self->problems->len;
  gboolean editable = is_editable (self);
  int row = 0;

  while ((child = gtk_widget_get_first_child (self->summary_grid)) != NULL)
    gtk_grid_remove (GTK_GRID (self->summary_grid), child);

  framework = involve_definitions_lookup_framework (self->definitions,
                                                    involve_record_get_framework_id (self->record));
  if (framework != NULL)
    framework_text = g_strdup_printf (_("%s, section %s (guidance %s)"),
                                      framework->organisation_label, framework->section,
                                      framework->guidance_edition);
  assessment = involve_assess_record (self->record, self->definitions, NULL);
  if (assessment != NULL && assessment->outcome == INVOLVE_OUTCOME_APPLIES)
    {
      g_autofree char *citations = involve_assessment_dup_citations_string (assessment);
      outcome_text = g_strdup_printf (_("The duty applies: %s"), citations);
    }
  else if (assessment != NULL)
    outcome_text = g_strdup (_("The duty does not apply"));
  version = g_strdup_printf ("%u", involve_record_get_version (self->record));

  grid_row (self->summary_grid, row++, _("Reference"), involve_record_get_reference (self->record));
  grid_row (self->summary_grid, row++, _("Version"), version);
  grid_row (self->summary_grid, row++, _("Title"), title);
  grid_row (self->summary_grid, row++, _("Organisation"),
            involve_record_get_string (self->record, "organisation-name"));
  grid_row (self->summary_grid, row++, _("Legal framework"), framework_text);
  grid_row (self->summary_grid, row++, _("Outcome"), outcome_text ? outcome_text : _("Not known yet"));
  grid_row (self->summary_grid, row++, _("Status"),
            involve_status_get_label (involve_record_get_status (self->record)));
  grid_row (self->summary_grid, row++, _("Completed by"),
            involve_record_get_string (self->record, "completer-name"));
  if (!editable)
    {
      const InvolveSignOff *sign_off = involve_record_get_sign_off (self->record);
      g_autofree char *fingerprint = involve_fingerprint_compute (self->record);

      if (sign_off != NULL && sign_off->reviewer_name != NULL)
        {
          g_autofree char *reviewer = sign_off->reviewer_job_title
            ? g_strdup_printf ("%s, %s", sign_off->reviewer_name, sign_off->reviewer_job_title)
            : g_strdup (sign_off->reviewer_name);

          grid_row (self->summary_grid, row++,
                    g_strcmp0 (sign_off->decision, "returned") == 0 ? _("Returned by") : _("Signed off by"),
                    reviewer);
          grid_row (self->summary_grid, row++, _("Decision date"), sign_off->date);
          if (sign_off->comments != NULL && sign_off->comments[0] != '\0')
            grid_row (self->summary_grid, row++, _("Comments"), sign_off->comments);
        }
      grid_row (self->summary_grid, row++, _("Fingerprint (SHA-256)"), fingerprint);
    }

  while ((child = gtk_widget_get_first_child (self->problem_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->problem_list), child);

  for (guint i = 0; i < n; i++)
    {
      const InvolveProblem *problem = g_ptr_array_index (self->problems, i);
      GtkWidget *action_row = adw_action_row_new ();
      const char *page_title = page_title_for_problem (self, problem);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (action_row), problem->message);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (action_row), FALSE);
      if (page_title != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (action_row), page_title);
      if (problem->field_id != NULL)
        {
          adw_action_row_add_suffix (ADW_ACTION_ROW (action_row), gtk_image_new_from_icon_name ("go-next-symbolic"));
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (action_row), TRUE);
          g_object_set_data_full (G_OBJECT (action_row), "field-id", g_strdup (problem->field_id), g_free);
        }
      gtk_list_box_append (GTK_LIST_BOX (self->problem_list), action_row);
    }

  if (n > 0)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u problem to fix before submitting",
                                                         "%u problems to fix before submitting", n), n);
      gtk_label_set_text (GTK_LABEL (self->problems_title), text);
    }
  else
    gtk_label_set_text (GTK_LABEL (self->problems_title), _("Nothing left to fix"));
  gtk_widget_set_visible (self->problem_list, n > 0);
  gtk_widget_set_visible (self->problems_title, editable);

  if (editable)
    gtk_label_set_text (GTK_LABEL (self->ready_label),
                        n > 0 ? _("Submit becomes available once every problem above is fixed.")
                              : _("The record is complete. Submit it, and a senior reviewer can sign it off."));
  else if (self->request != NULL)
    /* The reviewer's register does not keep the record: say how to keep a copy. */
    gtk_label_set_text (GTK_LABEL (self->ready_label),
                        _("This version can no longer be edited. To keep a copy, export its evidence PDF or print it from the record menu."));
  else
    gtk_label_set_text (GTK_LABEL (self->ready_label),
                        _("This version can no longer be edited."));

  gtk_widget_set_visible (self->submit_button, editable);
  gtk_widget_set_sensitive (self->submit_button, editable && n == 0);
}

static void
update_steps (InvolveWizard *self)
{
  for (guint i = 0; i < self->pages->len; i++)
    {
      WizardPage *page = g_ptr_array_index (self->pages, i);
      guint n = 0;

      if (g_str_equal (page->id, REVIEW_PAGE_ID))
        {
          n = self->problems->len;
        }
      else
        {
          for (guint p = 0; p < self->problems->len; p++)
            {
              const InvolveProblem *problem = g_ptr_array_index (self->problems, p);
              gboolean here = FALSE;

              for (guint e = 0; !here && e < page->editors->len; e++)
                {
                  const InvolveField *field = involve_field_editor_get_field (g_ptr_array_index (page->editors, e));
                  here = g_strcmp0 (field->id, problem->field_id) == 0;
                }
              for (guint s = 0; !here && s < page->sections->len; s++)
                {
                  SectionView *view = g_ptr_array_index (page->sections, s);
                  here = problem->field_id == NULL && g_strcmp0 (view->section->id, problem->section_id) == 0;
                }
              n += here;
            }
        }

      g_free (page->status);
      if (n == 0)
        {
          page->status = g_strdup ("complete");
          gtk_image_set_from_icon_name (GTK_IMAGE (page->row_icon), "emblem-ok-symbolic");
          gtk_widget_remove_css_class (page->row_icon, "warning");
          gtk_widget_add_css_class (page->row_icon, "success");
          gtk_label_set_text (GTK_LABEL (page->row_subtitle),
                              g_str_equal (page->id, REVIEW_PAGE_ID) ? _("Ready") : _("Complete"));
        }
      else
        {
          g_autofree char *text = g_strdup_printf (ngettext ("%u to do", "%u to do", n), n);

          page->status = g_strdup ("problems");
          gtk_image_set_from_icon_name (GTK_IMAGE (page->row_icon), "dialog-warning-symbolic");
          gtk_widget_remove_css_class (page->row_icon, "success");
          gtk_widget_add_css_class (page->row_icon, "warning");
          gtk_label_set_text (GTK_LABEL (page->row_subtitle), text);
        }
    }
}

static void
update_fields (InvolveWizard *self)
{
  for (guint i = 0; i < self->pages->len; i++)
    {
      WizardPage *page = g_ptr_array_index (self->pages, i);

      for (guint e = 0; e < page->editors->len; e++)
        {
          InvolveFieldEditor *editor = g_ptr_array_index (page->editors, e);
          const InvolveField *field = involve_field_editor_get_field (editor);
          const InvolveProblem *problem = NULL;

          gtk_widget_set_visible (GTK_WIDGET (editor),
                                  involve_validate_field_shown (self->definitions, self->record, field->id));
          if (self->show_problems)
            problem = involve_problems_find_field (self->problems, field->id);
          involve_field_editor_set_problem (editor, problem ? problem->message : NULL);
        }

      for (guint s = 0; s < page->sections->len; s++)
        {
          SectionView *view = g_ptr_array_index (page->sections, s);
          gboolean shown = FALSE;

          for (guint f = 0; !shown && f < view->section->fields->len; f++)
            {
              const InvolveField *field = g_ptr_array_index (view->section->fields, f);
              shown = involve_validate_field_shown (self->definitions, self->record, field->id);
            }
          gtk_widget_set_visible (view->box, shown || view->section->fields->len == 0);
        }
    }
}

static void
update_banner (InvolveWizard *self)
{
  InvolveStatus status = involve_record_get_status (self->record);
  const InvolveSignOff *sign_off = involve_record_get_sign_off (self->record);
  const char *reason = involve_record_get_status_reason (self->record);
  g_autofree char *text = NULL;
  gboolean awaiting = status == INVOLVE_STATUS_AWAITING_SIGN_OFF;

  gtk_widget_remove_css_class (self->banner_box, "signed-off");
  switch (status)
    {
    case INVOLVE_STATUS_DRAFT:
      if (reason != NULL && involve_record_get_version (self->record) > 1)
        text = g_strdup_printf (_("Amendment (version %u): %s"), involve_record_get_version (self->record), reason);
      break;
    case INVOLVE_STATUS_AWAITING_SIGN_OFF:
      if (self->request != NULL)
        {
          g_autofree char *short_fp = involve_fingerprint_format_short (self->request->fingerprint);

          text = g_strdup_printf (_("Sign-off request from %s (fingerprint %s). Read the record, then sign it off or return it with comments: your decision is saved as a response file to send back."),
                                  self->request->requested_by ? self->request->requested_by : _("the officer"),
                                  short_fp);
        }
      else
        text = g_strdup (_("Awaiting sign-off. The record is read-only: a senior reviewer who did not complete it can sign it off or return it with comments."));
      break;
    case INVOLVE_STATUS_RETURNED:
      text = g_strdup_printf (_("Returned by %s with comments: %s"),
                              sign_off && sign_off->reviewer_name ? sign_off->reviewer_name : _("the reviewer"),
                              sign_off && sign_off->comments ? sign_off->comments : "");
      break;
    case INVOLVE_STATUS_SIGNED_OFF:
      text = g_strdup_printf (_("Signed off by %s on %s. This version is locked and can never change; amend it to make a new version."),
                              sign_off && sign_off->reviewer_name ? sign_off->reviewer_name : "",
                              sign_off && sign_off->date ? sign_off->date : "");
      gtk_widget_add_css_class (self->banner_box, "signed-off");
      break;
    case INVOLVE_STATUS_SUPERSEDED:
      text = g_strdup (_("Superseded: a later version of this record has been signed off. This version is kept as it was."));
      break;
    case INVOLVE_STATUS_WITHDRAWN:
      text = g_strdup_printf (_("Withdrawn: %s"), reason ? reason : "");
      break;
    default:
      break;
    }

  set_collapsible_text (self->banner_label, self->banner_toggle, text ? text : "");
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner_revealer), text != NULL);
  gtk_widget_set_visible (self->sign_off_button, awaiting);
  gtk_widget_set_visible (self->return_button, awaiting);
  gtk_widget_set_visible (self->amend_button, status == INVOLVE_STATUS_SIGNED_OFF);
}

static void
update_actions (InvolveWizard *self)
{
  InvolveStatus status = involve_record_get_status (self->record);
  guint step = involve_wizard_get_step (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.submit",
                                 is_editable (self) && self->problems->len == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.sign-off", status == INVOLVE_STATUS_AWAITING_SIGN_OFF);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.return", status == INVOLVE_STATUS_AWAITING_SIGN_OFF);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.export-request", status == INVOLVE_STATUS_AWAITING_SIGN_OFF);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.recall", status == INVOLVE_STATUS_AWAITING_SIGN_OFF);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.amend", status == INVOLVE_STATUS_SIGNED_OFF);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.withdraw",
                                 involve_lifecycle_can_apply (status, INVOLVE_TRANSITION_WITHDRAW));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.previous-step", step > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next-step", step + 1 < self->pages->len);

  /* A request file's record is not in this register: a decision, and its
   * evidence PDF or a printout made from the request. */
  if (self->request != NULL)
    {
      const char *store_actions[] = {
        "wizard.export-request", "wizard.recall", "wizard.withdraw", "wizard.export-xml", "wizard.history",
      };
      const char *request_actions[] = {
        "wizard.export-pdf", "wizard.export-public-pdf", "wizard.print",
      };

      for (guint i = 0; i < G_N_ELEMENTS (store_actions); i++)
        gtk_widget_action_set_enabled (GTK_WIDGET (self), store_actions[i], FALSE);
      for (guint i = 0; i < G_N_ELEMENTS (request_actions); i++)
        gtk_widget_action_set_enabled (GTK_WIDGET (self), request_actions[i], TRUE);
    }
  else
    {
      const char *export_actions[] = {
        "wizard.export-pdf", "wizard.export-public-pdf", "wizard.export-xml", "wizard.print", "wizard.history",
      };

      for (guint i = 0; i < G_N_ELEMENTS (export_actions); i++)
        gtk_widget_action_set_enabled (GTK_WIDGET (self), export_actions[i], !self->unsaved);
    }
  /* Nothing to withdraw, export or show the history of before it exists. */
  if (self->unsaved)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.withdraw", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.submit", FALSE);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.involvement",
                                 self->request == NULL && self->store != NULL &&
                                 involve_store_get_loggable_version (self->store, involve_record_get_uuid (self->record),
                                                                     NULL) > 0);
}

static void
refresh_state (InvolveWizard *self)
{
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->record == NULL)
    return;

  g_clear_pointer (&self->problems, g_ptr_array_unref);
  self->problems = involve_validate_record (self->definitions, self->record);

  update_fields (self);
  update_outcome (self);
  update_steps (self);
  update_review (self);
  update_banner (self);
  update_actions (self);
}

static gboolean
refresh_idle_cb (gpointer data)
{
  InvolveWizard *self = data;

  self->refresh_id = 0;
  refresh_state (self);
  return G_SOURCE_REMOVE;
}

static void
queue_refresh (InvolveWizard *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, refresh_idle_cb, self, NULL);
}

static void
update_title (InvolveWizard *self)
{
  const char *title = involve_record_get_string (self->record, "title");
  g_autofree char *subtitle = self->unsaved
    ? g_strdup (_("Not in the register until you type or choose something"))
    : g_strdup_printf (_("%s, version %u, %s"),
                       involve_record_get_reference (self->record),
                       involve_record_get_version (self->record),
                       involve_status_get_label (involve_record_get_status (self->record)));

  adw_window_title_set_title (self->window_title, title != NULL && title[0] ? title : _("New Assessment"));
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

static void
title_changed_cb (InvolveRecord *record,
                  const char    *field_id,
                  InvolveWizard *self)
{
  update_title (self);
}

/* Navigation */

guint
involve_wizard_get_n_steps (InvolveWizard *self)
{
  g_return_val_if_fail (INVOLVE_IS_WIZARD (self), 0);
  return self->pages->len;
}

guint
involve_wizard_get_step (InvolveWizard *self)
{
  g_return_val_if_fail (INVOLVE_IS_WIZARD (self), 0);
  return self->current_step;
}

static void show_step (InvolveWizard *self, guint step);

void
involve_wizard_set_step (InvolveWizard *self,
                         guint          step)
{
  g_return_if_fail (INVOLVE_IS_WIZARD (self));

  if (step < self->pages->len)
    show_step (self, step);
}

/* The step list moves the keyboard's focus with up and down; only Enter,
 * Space or a click opens a step (GTK_SELECTION_NONE), so that reading the
 * list does not switch pages under the person.  The open step is marked
 * "current-step" (style.css) and selected for screen readers. */
static void
mark_current_row (InvolveWizard *self)
{
  for (guint i = 0; i < self->pages->len; i++)
    {
      WizardPage *page = g_ptr_array_index (self->pages, i);

      if (i == self->current_step)
        gtk_widget_add_css_class (page->row, "current-step");
      else
        gtk_widget_remove_css_class (page->row, "current-step");
      gtk_accessible_update_state (GTK_ACCESSIBLE (page->row),
                                   GTK_ACCESSIBLE_STATE_SELECTED, i == self->current_step, -1);
    }
}

static void
show_step (InvolveWizard *self,
           guint          step)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  gboolean focus_in_page = focus != NULL && gtk_widget_is_ancestor (focus, self->page_stack);
  WizardPage *page = g_ptr_array_index (self->pages, step);

  involve_wizard_flush (self);
  self->current_step = step;
  mark_current_row (self);
  /* Focus must not stay in a page that is going away: keyboard users land
   * on the new step's first question, others stay where they were. */
  if (focus_in_page)
    gtk_widget_grab_focus (page->row);
  gtk_stack_set_visible_child (GTK_STACK (self->page_stack), page->page);
  if (focus_in_page && page->editors->len > 0)
    involve_field_editor_focus_input (g_ptr_array_index (page->editors, 0));
  if (g_str_equal (page->id, REVIEW_PAGE_ID) && !self->show_problems)
    {
      /* Once the person has looked at the review, questions show their problems. */
      self->show_problems = TRUE;
      queue_refresh (self);
    }
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  update_actions (self);
}

static void
step_activated_cb (InvolveWizard *self,
                   GtkListBoxRow *row)
{
  show_step (self, gtk_list_box_row_get_index (row));
}

/* Tab from the step list goes into the open page, not past it to the
 * footer: the page comes next in reading order. */
static gboolean
step_list_key_pressed_cb (GtkEventControllerKey *controller,
                          guint                  keyval,
                          guint                  keycode,
                          GdkModifierType        state,
                          InvolveWizard         *self)
{
  WizardPage *page;

  if ((keyval != GDK_KEY_Tab && keyval != GDK_KEY_KP_Tab) ||
      (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 ||
      self->current_step >= self->pages->len)
    return GDK_EVENT_PROPAGATE;

  page = g_ptr_array_index (self->pages, self->current_step);
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  return gtk_widget_child_focus (page->page, GTK_DIR_TAB_FORWARD) ? GDK_EVENT_STOP : GDK_EVENT_PROPAGATE;
}

/* Bringing the focused question into view */

static GtkWidget *
find_ancestor_scrolled (GtkWidget *widget,
                        GtkWidget *stop)
{
  for (GtkWidget *w = gtk_widget_get_parent (widget); w != NULL && w != stop; w = gtk_widget_get_parent (w))
    if (GTK_IS_SCROLLED_WINDOW (w))
      return w;
  return NULL;
}

/* Scrolls the page so that the focused widget, with its question's title
 * when that fits, is in sight.  Run after layout: a page just switched to,
 * as a problem link does, has no allocation before its first frame. */
static gboolean
scroll_to_focus_tick_cb (GtkWidget     *widget,
                         GdkFrameClock *clock,
                         gpointer       data)
{
  InvolveWizard *self = INVOLVE_WIZARD (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *scrolled, *content, *target;
  GtkAdjustment *adjustment;
  graphene_rect_t bounds, focus_bounds;
  double value, page_size, top, bottom;

  /* Again on the next frames: a page just shown is laid out only then. */
  if (++self->scroll_frames > 3)
    {
      self->scroll_tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  if (focus == NULL || !gtk_widget_is_ancestor (focus, self->page_stack))
    return G_SOURCE_CONTINUE;
  scrolled = find_ancestor_scrolled (focus, self->page_stack);
  /* The table's own list scrolls inside the page: use the page's scroller. */
  while (scrolled != NULL && find_ancestor_scrolled (scrolled, self->page_stack) != NULL)
    scrolled = find_ancestor_scrolled (scrolled, self->page_stack);
  if (scrolled == NULL)
    return G_SOURCE_CONTINUE;
  content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
  /* The viewport's child moves as it scrolls: measure in its coordinates. */
  if (GTK_IS_VIEWPORT (content))
    content = gtk_viewport_get_child (GTK_VIEWPORT (content));
  target = gtk_widget_get_ancestor (focus, INVOLVE_TYPE_FIELD_EDITOR);
  if (content == NULL || !gtk_widget_compute_bounds (focus, content, &focus_bounds))
    return G_SOURCE_CONTINUE;
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  value = gtk_adjustment_get_value (adjustment);
  page_size = gtk_adjustment_get_page_size (adjustment);
  top = focus_bounds.origin.y;
  bottom = top + MIN (focus_bounds.size.height, page_size);
  /* The whole question, title and help included, when it fits. */
  if (target != NULL && gtk_widget_compute_bounds (target, content, &bounds) &&
      bounds.size.height <= page_size && bounds.origin.y + bounds.size.height >= bottom)
    {
      top = MIN (top, bounds.origin.y);
      bottom = bounds.origin.y + bounds.size.height;
    }
  if (top < value)
    gtk_adjustment_set_value (adjustment, top);
  else if (bottom > value + page_size)
    gtk_adjustment_set_value (adjustment, MIN (top, bottom - page_size));
  return G_SOURCE_CONTINUE;
}

static void
queue_scroll_to_focus (InvolveWizard *self)
{
  self->scroll_frames = 0;
  if (self->scroll_tick_id == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->scroll_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_to_focus_tick_cb, NULL, NULL);
}

static void
focus_widget_changed_cb (GtkWindow     *window,
                         GParamSpec    *pspec,
                         InvolveWizard *self)
{
  GtkWidget *focus = gtk_window_get_focus (window);

  if (focus != NULL && gtk_widget_is_ancestor (focus, self->page_stack))
    queue_scroll_to_focus (self);
}

static void
involve_wizard_root (GtkWidget *widget)
{
  InvolveWizard *self = INVOLVE_WIZARD (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (involve_wizard_parent_class)->root (widget);
  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    {
      self->focus_root = GTK_WIDGET (root);
      g_signal_connect_object (root, "notify::focus-widget", G_CALLBACK (focus_widget_changed_cb), self, 0);
    }
}

static void
involve_wizard_unroot (GtkWidget *widget)
{
  InvolveWizard *self = INVOLVE_WIZARD (widget);

  if (self->focus_root != NULL)
    g_signal_handlers_disconnect_by_func (self->focus_root, focus_widget_changed_cb, self);
  self->focus_root = NULL;
  if (self->scroll_tick_id != 0)
    gtk_widget_remove_tick_callback (widget, self->scroll_tick_id);
  self->scroll_tick_id = 0;
  GTK_WIDGET_CLASS (involve_wizard_parent_class)->unroot (widget);
}

gboolean
involve_wizard_focus_field (InvolveWizard *self,
                            const char    *field_id)
{
  GPtrArray *list;
  InvolveFieldEditor *editor = NULL;
  const InvolveSection *section;
  InvolveForm *form = NULL;

  g_return_val_if_fail (INVOLVE_IS_WIZARD (self), FALSE);

  list = g_hash_table_lookup (self->editors, field_id);
  if (list == NULL || list->len == 0)
    return FALSE;

  /* Prefer the step of the section that defines the field. */
  involve_definitions_lookup_field (self->definitions, field_id, &form);
  section = form != NULL ? involve_form_find_field_section (form, field_id) : NULL;
  for (guint i = 0; editor == NULL && i < list->len; i++)
    {
      WizardPage *page = g_object_get_data (G_OBJECT (g_ptr_array_index (list, i)), "page");

      for (guint s = 0; section != NULL && s < page->sections->len; s++)
        if (((SectionView *) g_ptr_array_index (page->sections, s))->section == section)
          editor = g_ptr_array_index (list, i);
    }
  if (editor == NULL)
    editor = g_ptr_array_index (list, 0);

  for (guint i = 0; i < self->pages->len; i++)
    if (g_object_get_data (G_OBJECT (editor), "page") == g_ptr_array_index (self->pages, i))
      involve_wizard_set_step (self, i);

  involve_field_editor_focus_input (editor);
  queue_scroll_to_focus (self);
  return TRUE;
}

/* Life cycle */

static void
reload_record (InvolveWizard *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  guint step = involve_wizard_get_step (self);

  record = involve_store_load_record (self->store, involve_record_get_uuid (self->record), 0, &error);
  if (record == NULL)
    {
      show_error (self, _("The record could not be read again: %s"), error->message);
      return;
    }
  involve_wizard_set_record (self, record);
  involve_wizard_set_step (self, MIN (step, self->pages->len - 1));
  g_signal_emit (self, signals[RECORD_CHANGED], 0);
}

static gboolean
reload_idle_cb (gpointer data)
{
  InvolveWizard *self = data;

  if (self->record != NULL)
    reload_record (self);
  return G_SOURCE_REMOVE;
}

/* The pages are rebuilt once the button that asked for it has finished
 * handling its click: destroying it inside its own signal made GTK warn. */
static void
reload_record_later (InvolveWizard *self)
{
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, reload_idle_cb, g_object_ref (self), g_object_unref);
}

static void
do_submit (InvolveWizard *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  if (!involve_wizard_flush (self))
    return;
  self->show_problems = TRUE;
  if (!involve_store_submit (self->store, involve_record_get_uuid (self->record), &problems, &error))
    {
      refresh_state (self);
      show_error (self, _("The record was not submitted: %s"), error->message);
      return;
    }
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->error_revealer), FALSE);
  reload_record_later (self);
}

typedef enum
{
  DIALOG_SIGN_OFF,
  DIALOG_RETURN,
  DIALOG_AMEND,
  DIALOG_WITHDRAW,
} DialogKind;

static char *
dup_dialog_text (GtkWidget *dialog)
{
  GtkTextView *view = g_object_get_data (G_OBJECT (dialog), "text-view");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_strstrip (text);
  return text[0] != '\0' ? g_steal_pointer (&text) : NULL;
}

static void
dialog_text_changed_cb (GtkTextBuffer *buffer,
                        GtkWidget     *dialog)
{
  const char *response = g_object_get_data (G_OBJECT (dialog), "required-response");
  g_autofree char *text = dup_dialog_text (dialog);

  if (response != NULL)
    adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), response, text != NULL);
}

gboolean
_involve_wizard_write_response (InvolveWizard  *self,
                                const char     *decision,
                                const char     *comments,
                                const char     *path,
                                GError        **error)
{
  g_autoptr(InvolveSignOff) sign_off = involve_profile_dup_reviewer (self->settings);

  g_return_val_if_fail (self->request != NULL, FALSE);

  sign_off->decision = g_strdup (decision);
  sign_off->comments = g_strdup (comments);
  return involve_sign_off_response_write (self->request, sign_off,
                                          self->store != NULL ? involve_store_get_identity (self->store) : NULL,
                                          path, error);
}

static void
response_chosen_cb (GtkNativeDialog *chooser,
                    int              response,
                    InvolveWizard   *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->request != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      const char *decision = g_object_get_data (G_OBJECT (chooser), "decision");
      const char *comments = g_object_get_data (G_OBJECT (chooser), "comments");
      g_autoptr(GError) error = NULL;

      if (path == NULL || !_involve_wizard_write_response (self, decision, comments, path, &error))
        show_error (self, _("No response was written: %s"), error ? error->message : _("choose a local file"));
      else
        {
          g_autofree char *message = g_strdup_printf (_("Your decision was saved to %s. Send that file back to the officer, who imports it."), path);

          set_collapsible_text (self->banner_label, self->banner_toggle, message);
          gtk_widget_set_visible (self->sign_off_button, FALSE);
          gtk_widget_set_visible (self->return_button, FALSE);
          gtk_revealer_set_reveal_child (GTK_REVEALER (self->error_revealer), FALSE);
        }
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
save_response (InvolveWizard *self,
               const char    *decision,
               const char    *comments)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;
  g_autofree char *name = g_strdup_printf ("%s-v%u-sign-off-response.xml",
                                           involve_record_get_reference (self->record),
                                           involve_record_get_version (self->record));

  chooser = gtk_file_chooser_native_new (_("Save Sign-off Response"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data_full (G_OBJECT (chooser), "decision", g_strdup (decision), g_free);
  g_object_set_data_full (G_OBJECT (chooser), "comments", g_strdup (comments), g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (response_chosen_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
dialog_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    InvolveWizard    *self)
{
  DialogKind kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "kind"));
  const char *uuid = involve_record_get_uuid (self->record);
  g_autofree char *text = dup_dialog_text (GTK_WIDGET (dialog));
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  if (self->dialog == GTK_WIDGET (dialog))
    {
      g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->dialog);
      self->dialog = NULL;
    }

  if (g_str_equal (response, "preferences"))
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "app.preferences", NULL);
      return;
    }
  if (g_str_equal (response, "cancel") || g_str_equal (response, "close"))
    return;

  switch (kind)
    {
    case DIALOG_SIGN_OFF:
    case DIALOG_RETURN:
      if (self->request != NULL)
        {
          save_response (self, kind == DIALOG_SIGN_OFF ? "signed-off" : "returned", text);
          return;
        }
      {
        g_autoptr(InvolveSignOff) review = involve_profile_dup_reviewer (self->settings);

        review->comments = g_strdup (text);
        if (kind == DIALOG_SIGN_OFF)
          ok = involve_store_sign_off (self->store, uuid, review, &error);
        else
          ok = involve_store_return (self->store, uuid, review, &error);
        if (!ok)
          {
            /* Refused: what was typed comes back in the next such dialog. */
            g_free (self->kept_comments);
            self->kept_comments = g_steal_pointer (&text);
            self->kept_kind = kind;
            if (g_error_matches (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_SAME_PERSON))
              show_error (self, "%s", error->message);
            else
              show_error (self, kind == DIALOG_SIGN_OFF ? _("The record was not signed off: %s")
                                                        : _("The record was not returned: %s"),
                          error->message);
          }
        break;
      }

    case DIALOG_AMEND:
      {
        guint version = involve_store_amend (self->store, uuid, text, &error);

        ok = version != 0;
        if (!ok)
          show_error (self, _("The record was not amended: %s"), error->message);
        break;
      }

    case DIALOG_WITHDRAW:
      ok = involve_store_withdraw (self->store, uuid, text, &error);
      if (!ok)
        show_error (self, _("The record was not withdrawn: %s"), error->message);
      break;

    default:
      g_assert_not_reached ();
    }

  if (ok)
    {
      g_clear_pointer (&self->kept_comments, g_free);
      gtk_revealer_set_reveal_child (GTK_REVEALER (self->error_revealer), FALSE);
      reload_record (self);
      if (kind == DIALOG_AMEND)
        involve_wizard_set_step (self, 0);
    }
}

static void
open_dialog (InvolveWizard *self,
             DialogKind     kind)
{
  GtkWidget *dialog;
  GtkWidget *box, *frame, *view, *label;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  const char *reference = involve_record_get_reference (self->record);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  const char *prompt = NULL;
  const char *response = NULL;
  const char *response_label = NULL;
  gboolean required = FALSE;
  AdwResponseAppearance appearance = ADW_RESPONSE_SUGGESTED;

  if (!involve_wizard_flush (self))
    return;

  if ((kind == DIALOG_SIGN_OFF || kind == DIALOG_RETURN) && !involve_profile_is_set (self->settings))
    {
      dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                       _("Who Is Reviewing?"),
                                       _("A decision is recorded with the reviewer's name. Set your name, job title and e-mail address in Preferences first."));
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "preferences", _("_Open Preferences"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "preferences", ADW_RESPONSE_SUGGESTED);
      g_signal_connect_object (dialog, "response", G_CALLBACK (dialog_response_cb), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  switch (kind)
    {
    case DIALOG_SIGN_OFF:
      {
        g_autoptr(InvolveSignOff) reviewer = involve_profile_dup_reviewer (self->settings);

        heading = g_strdup_printf (_("Sign Off %s?"), reference);
        body = g_strdup_printf (_("You sign as %s%s%s. Once signed off, this version is locked and its fingerprint recorded."),
                                reviewer->reviewer_name,
                                reviewer->reviewer_job_title ? ", " : "",
                                reviewer->reviewer_job_title ? reviewer->reviewer_job_title : "");
        prompt = _("Comments (optional)");
        response = "sign-off";
        response_label = _("_Sign Off");
        break;
      }
    case DIALOG_RETURN:
      heading = g_strdup_printf (_("Return %s?"), reference);
      body = g_strdup (_("The officer gets the record back to change it. Say what needs to change."));
      prompt = _("Comments");
      response = "return";
      response_label = _("_Return");
      required = TRUE;
      break;
    case DIALOG_AMEND:
      heading = g_strdup_printf (_("Amend %s?"), reference);
      body = g_strdup (_("The signed-off version stays as it is. A new version is made for you to edit; it needs signing off again."));
      prompt = _("Reason for the amendment");
      response = "amend";
      response_label = _("_Amend");
      required = TRUE;
      break;
    case DIALOG_WITHDRAW:
      heading = g_strdup_printf (_("Withdraw %s?"), reference);
      body = g_strdup (_("The record is kept in the register, marked withdrawn, with your reason."));
      prompt = _("Reason for withdrawing");
      response = "withdraw";
      response_label = _("_Withdraw");
      required = TRUE;
      appearance = ADW_RESPONSE_DESTRUCTIVE;
      break;
    default:
      g_assert_not_reached ();
    }

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    response, response_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), response, appearance);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  label = wrap_label (prompt, "heading");
  gtk_box_append (GTK_BOX (box), label);
  frame = gtk_frame_new (NULL);
  view = gtk_text_view_new ();
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_widget_set_size_request (view, 320, 96);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, prompt, -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  gtk_box_append (GTK_BOX (box), frame);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  g_object_set_data (G_OBJECT (dialog), "text-view", view);
  g_object_set_data (G_OBJECT (dialog), "kind", GUINT_TO_POINTER (kind));
  if (self->kept_comments != NULL && self->kept_kind == kind)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), self->kept_comments, -1);
  if (required)
    {
      g_object_set_data (G_OBJECT (dialog), "required-response", (gpointer) response);
      {
        g_autofree char *kept = dup_dialog_text (dialog);

        adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), response, kept != NULL);
      }
      g_signal_connect (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "changed",
                        G_CALLBACK (dialog_text_changed_cb), dialog);
    }
  g_signal_connect_object (dialog, "response", G_CALLBACK (dialog_response_cb), self, 0);
  self->dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (view);
}

/* Signed acts: the person's key is unlocked first (once a session), so
 * that cancelling it loses nothing typed. */
#define ACT_SUBMIT (-1)

typedef struct
{
  InvolveWizard *self;
  int            act;    /* ACT_SUBMIT or a DialogKind */
} SignedAct;

static void
identity_unlocked_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      data)
{
  SignedAct *act = data;
  g_autoptr(InvolveWizard) self = act->self;
  g_autoptr(InvolveIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  int kind = act->act;

  g_free (act);
  identity = involve_unlock_identity_finish (result, &error);
  if (identity == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("Your signing key could not be unlocked: %s"), error->message);
      return;
    }
  if (self->record == NULL)
    return;
  if (kind == ACT_SUBMIT)
    do_submit (self);
  else
    open_dialog (self, (DialogKind) kind);
}

static void
with_identity (InvolveWizard *self,
               int            kind)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  const char *reference = involve_record_get_reference (self->record);
  g_autofree char *reason = NULL;
  SignedAct *act;

  if (kind == ACT_SUBMIT)
    reason = g_strdup_printf (_("Submitting %s for sign-off is signed with your key."), reference);
  else if (kind == DIALOG_SIGN_OFF)
    reason = g_strdup_printf (_("Signing off %s is signed with your key, as the reviewer."), reference);
  else
    reason = g_strdup_printf (_("Returning %s is signed with your key, as the reviewer."), reference);

  act = g_new0 (SignedAct, 1);
  act->self = g_object_ref (self);
  act->act = kind;
  involve_unlock_identity_async (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->store, self->settings,
                                 reason, NULL, identity_unlocked_cb, act);
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  with_identity (INVOLVE_WIZARD (widget), ACT_SUBMIT);
}

static void
sign_off_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  with_identity (INVOLVE_WIZARD (widget), DIALOG_SIGN_OFF);
}

static void
return_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  with_identity (INVOLVE_WIZARD (widget), DIALOG_RETURN);
}

static void
amend_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  open_dialog (INVOLVE_WIZARD (widget), DIALOG_AMEND);
}

static void
withdraw_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  open_dialog (INVOLVE_WIZARD (widget), DIALOG_WITHDRAW);
}

static void
recall_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  InvolveWizard *self = INVOLVE_WIZARD (widget);
  g_autoptr(GError) error = NULL;

  if (!involve_store_recall (self->store, involve_record_get_uuid (self->record), &error))
    show_error (self, _("The record was not recalled: %s"), error->message);
  else
    reload_record (self);
}

static void
next_step_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  InvolveWizard *self = INVOLVE_WIZARD (widget);
  guint step = involve_wizard_get_step (self);

  if (step + 1 < self->pages->len)
    involve_wizard_set_step (self, step + 1);
}

static void
previous_step_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  InvolveWizard *self = INVOLVE_WIZARD (widget);
  guint step = involve_wizard_get_step (self);

  if (step > 0)
    involve_wizard_set_step (self, step - 1);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  InvolveWizard *self = INVOLVE_WIZARD (widget);

  involve_wizard_flush (self);
  /* On a narrow window the steps and the page take turns: back from a page
   * goes to the list of steps first. */
  if (adw_leaflet_get_folded (self->leaflet)
      && adw_leaflet_get_visible_child (self->leaflet) == self->content_box)
    {
      adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
      return;
    }
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  InvolveWizard *self = INVOLVE_WIZARD (widget);

  involve_wizard_flush (self);
  _involve_wizard_export (widget, self->store, self->definitions, self->settings, self->record, self->request,
                          action_name);
}

/* An earlier version from the history, shown as it was: read-only, since
 * only a record's latest draft can change. */
static void
open_version_cb (GtkWidget     *history,
                 guint          version,
                 InvolveWizard *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveRecord) record = NULL;

  involve_wizard_flush (self);
  record = involve_store_load_record (self->store, involve_record_get_uuid (self->record), version, &error);
  if (record == NULL)
    {
      show_error (self, _("Version %u could not be read: %s"), version, error->message);
      return;
    }
  gtk_window_destroy (GTK_WINDOW (history));
  self->opening_old = TRUE;
  involve_wizard_set_record (self, record);
}

/* Read from the register, so the last change is flushed first: the trail
 * then ends with what the wizard shows. */
static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  InvolveWizard *self = INVOLVE_WIZARD (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GError) error = NULL;
  GtkWidget *window;

  if (self->record == NULL || self->request != NULL)
    return;
  involve_wizard_flush (self);
  window = involve_history_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                       self->store, self->definitions, self->record, &error);
  if (window == NULL)
    {
      show_error (self, _("The history could not be read: %s"), error->message);
      return;
    }
  g_signal_connect_object (window, "open-version", G_CALLBACK (open_version_cb), self, 0);
  gtk_window_present (GTK_WINDOW (window));
}

/* The involvement log of a signed-off record: a window of its own, so
 * the signed plan stays closed. */
static void
involvement_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  InvolveWizard *self = INVOLVE_WIZARD (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GError) error = NULL;
  GtkWidget *window;

  if (self->record == NULL || self->request != NULL)
    return;
  involve_wizard_flush (self);
  window = involve_involvement_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                           self->store, self->record, &error);
  if (window == NULL)
    {
      show_error (self, _("The involvement log cannot be opened: %s"), error->message);
      return;
    }
  gtk_window_present (GTK_WINDOW (window));
}

gboolean
_involve_wizard_export_file (InvolveWizard  *self,
                             const char     *action_name,
                             const char     *path,
                             GError        **error)
{
  g_return_val_if_fail (INVOLVE_IS_WIZARD (self), FALSE);

  involve_wizard_flush (self);
  return _involve_wizard_export_to_file (GTK_WIDGET (self), self->store, self->definitions, self->record,
                                         self->request, action_name, path, error);
}

/* The record */

/* Changes another client made (a team register on a server) */

/* Says that the record shown changed elsewhere: reload, or, with typing
 * not saved yet, save it first, so that nothing typed is lost. */
static void
update_changed_banner (InvolveWizard *self)
{
  gboolean typing;

  if (self->changed_revealer == NULL) /* disposed */
    return;
  typing = g_hash_table_size (self->pending) > 0;
  if (self->changed_elsewhere && self->save_failed && !typing)
    {
      /* Reloading would put the register's text over the refused typing. */
      gtk_label_set_text (GTK_LABEL (self->changed_label),
                          _("Someone else changed this record, and what you typed could not be saved. "
                            "Copy it before you reload: reloading shows the record as the register has it."));
      gtk_button_set_label (GTK_BUTTON (self->changed_button), _("_Reload Anyway"));
    }
  else if (self->changed_elsewhere && typing)
    {
      gtk_label_set_text (GTK_LABEL (self->changed_label),
                          _("Someone else changed this record. What you are typing is kept: save it, "
                            "then reload to see their changes."));
      gtk_button_set_label (GTK_BUTTON (self->changed_button), _("_Save and Reload"));
    }
  else if (self->changed_elsewhere)
    {
      gtk_label_set_text (GTK_LABEL (self->changed_label),
                          _("Someone else changed this record; reload to see their changes."));
      gtk_button_set_label (GTK_BUTTON (self->changed_button), _("_Reload"));
    }
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->changed_revealer), self->changed_elsewhere);
}

static void
changed_reload_clicked_cb (InvolveWizard *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  guint step = self->current_step;

  if (self->record == NULL || involve_record_get_uuid (self->record) == NULL)
    return;
  /* Typing that cannot be saved stays on screen, with the reason. */
  if (!involve_wizard_flush (self))
    return;
  record = involve_store_load_record (self->store, involve_record_get_uuid (self->record), 0, &error);
  if (record == NULL)
    {
      show_error (self, _("The record could not be reloaded: %s"), error->message);
      return;
    }
  involve_wizard_set_record (self, record);
  /* Where the person was, if the record still has that step. */
  involve_wizard_set_step (self, MIN (step, self->pages->len - 1));
  g_signal_emit (self, signals[RECORD_CHANGED], 0);
}

void
involve_wizard_note_changed_elsewhere (InvolveWizard *self,
                                       const char    *uuid)
{
  g_autoptr(InvolveRecord) stored = NULL;
  g_autofree char *ours = NULL;
  g_autofree char *theirs = NULL;
  const char *shown;

  g_return_if_fail (INVOLVE_IS_WIZARD (self));

  /* Only a record of this register, as it now stands, can be reloaded. */
  if (self->record == NULL || self->unsaved || self->request != NULL || self->viewing_old)
    return;
  shown = involve_record_get_uuid (self->record);
  if (shown == NULL || (uuid != NULL && g_strcmp0 (uuid, shown) != 0))
    return;

  /* Is it really different from what is shown (NULL: any record may have
   * changed)?  If the register cannot say, the banner is the safe side. */
  stored = involve_store_load_record (self->store, shown, 0, NULL);
  if (stored != NULL)
    {
      ours = involve_fingerprint_compute (self->record);
      theirs = involve_fingerprint_compute (stored);
      if (g_strcmp0 (ours, theirs) == 0
          && involve_record_get_version (stored) == involve_record_get_version (self->record)
          && involve_record_get_status (stored) == involve_record_get_status (self->record))
        return;
    }
  self->changed_elsewhere = TRUE;
  update_changed_banner (self);
}

gboolean
involve_wizard_get_changed_elsewhere (InvolveWizard *self)
{
  g_return_val_if_fail (INVOLVE_IS_WIZARD (self), FALSE);
  return self->changed_elsewhere;
}

void
involve_wizard_set_record (InvolveWizard *self,
                           InvolveRecord *record)
{
  g_return_if_fail (INVOLVE_IS_WIZARD (self));
  g_return_if_fail (INVOLVE_IS_RECORD (record));

  involve_wizard_flush (self);
  if (self->record != NULL)
    g_signal_handlers_disconnect_by_data (self->record, self);
  /* Comments kept from a refused decision belong to their record. */
  if (self->record == NULL || g_strcmp0 (involve_record_get_uuid (self->record), involve_record_get_uuid (record)) != 0)
    g_clear_pointer (&self->kept_comments, g_free);
  if (self->request != NULL && record != self->request->version)
    g_clear_pointer (&self->request, involve_sign_off_request_free);
  g_set_object (&self->record, record);
  g_signal_connect (record, "value-changed::title", G_CALLBACK (title_changed_cb), self);
  self->viewing_old = self->opening_old;
  self->opening_old = FALSE;
  /* Not from the register (involve_window_new_record ()): written on the first input. */
  self->unsaved = involve_record_get_reference (record) == NULL && self->request == NULL;

  self->show_problems = involve_record_get_status (record) == INVOLVE_STATUS_RETURNED;
  self->changed_elsewhere = FALSE;
  self->save_failed = FALSE;
  update_changed_banner (self);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->error_revealer), FALSE);
  gtk_label_set_text (GTK_LABEL (self->saved_label), is_editable (self) ? _("Saved") : _("Read-only"));
  build_pages (self);
  update_title (self);
  refresh_state (self);
  /* A record awaiting a decision opens on its review; others on step one. */
  involve_wizard_set_step (self, is_editable (self) ? 0 : self->pages->len - 1);
}

void
involve_wizard_set_request (InvolveWizard         *self,
                            InvolveSignOffRequest *request)
{
  g_return_if_fail (INVOLVE_IS_WIZARD (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (INVOLVE_IS_RECORD (request->version));

  if (self->request != NULL)
    involve_sign_off_request_free (self->request);
  self->request = request;
  involve_wizard_set_record (self, request->version);
}

InvolveRecord *
involve_wizard_get_record (InvolveWizard *self)
{
  g_return_val_if_fail (INVOLVE_IS_WIZARD (self), NULL);
  return self->record;
}

GtkWidget *
involve_wizard_new (InvolveStore       *store,
                    InvolveDefinitions *definitions,
                    GSettings          *settings)
{
  InvolveWizard *self;

  g_return_val_if_fail (INVOLVE_IS_STORE (store), NULL);
  g_return_val_if_fail (INVOLVE_IS_DEFINITIONS (definitions), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (INVOLVE_TYPE_WIZARD, NULL);
  self->store = g_object_ref (store);
  self->definitions = g_object_ref (definitions);
  self->settings = g_object_ref (settings);
  return GTK_WIDGET (self);
}

/* Test accessors */

GtkWidget *
_involve_wizard_get_editor (InvolveWizard *self,
                            const char    *field_id)
{
  GPtrArray *list = g_hash_table_lookup (self->editors, field_id);
  return list != NULL && list->len > 0 ? g_ptr_array_index (list, 0) : NULL;
}

GtkWidget *_involve_wizard_get_outcome_label (InvolveWizard *self) { return self->outcome_label; }
GtkWidget *_involve_wizard_get_outcome_detail (InvolveWizard *self) { return self->outcome_detail; }
GtkWidget *_involve_wizard_get_page_stack (InvolveWizard *self) { return self->page_stack; }
GtkWidget *_involve_wizard_get_problem_list (InvolveWizard *self) { return self->problem_list; }
GtkWidget *_involve_wizard_get_submit_button (InvolveWizard *self) { return self->submit_button; }
GtkWidget *_involve_wizard_get_banner_revealer (InvolveWizard *self) { return self->banner_revealer; }
GtkWidget *_involve_wizard_get_changed_revealer (InvolveWizard *self) { return self->changed_revealer; }
GtkWidget *_involve_wizard_get_changed_label (InvolveWizard *self) { return self->changed_label; }
GtkWidget *_involve_wizard_get_changed_button (InvolveWizard *self) { return self->changed_button; }
GtkWidget *_involve_wizard_get_banner_label (InvolveWizard *self) { return self->banner_label; }
GtkWidget *_involve_wizard_get_error_label (InvolveWizard *self) { return self->error_label; }
GtkWidget *_involve_wizard_get_error_revealer (InvolveWizard *self) { return self->error_revealer; }
GtkWidget *_involve_wizard_get_saved_label (InvolveWizard *self) { return self->saved_label; }
GtkWidget *_involve_wizard_get_sign_off_button (InvolveWizard *self) { return self->sign_off_button; }
GtkWidget *_involve_wizard_get_amend_button (InvolveWizard *self) { return self->amend_button; }
GtkWidget *_involve_wizard_get_dialog (InvolveWizard *self) { return self->dialog; }

GtkWidget *
_involve_wizard_get_step_row (InvolveWizard *self,
                              guint          step)
{
  return step < self->pages->len ? ((WizardPage *) g_ptr_array_index (self->pages, step))->row : NULL;
}

const char *
_involve_wizard_get_step_status (InvolveWizard *self,
                                 guint          step)
{
  return step < self->pages->len ? ((WizardPage *) g_ptr_array_index (self->pages, step))->status : NULL;
}

/* GObject */

static void
involve_wizard_dispose (GObject *object)
{
  InvolveWizard *self = INVOLVE_WIZARD (object);

  if (self->record != NULL)
    {
      involve_wizard_flush (self);
      g_signal_handlers_disconnect_by_data (self->record, self);
    }
  g_clear_handle_id (&self->pending_id, g_source_remove);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->dialog != NULL)
    {
      GtkWidget *dialog = self->dialog;

      g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->dialog);
      self->dialog = NULL;
      g_signal_handlers_disconnect_by_data (dialog, self);
      gtk_window_destroy (GTK_WINDOW (dialog));
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), INVOLVE_TYPE_WIZARD);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->editors, g_hash_table_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->request, involve_sign_off_request_free);
  g_clear_pointer (&self->kept_comments, g_free);
  g_clear_object (&self->record);
  g_clear_object (&self->store);
  g_clear_object (&self->definitions);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (involve_wizard_parent_class)->dispose (object);
}

static void
involve_wizard_class_init (InvolveWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = involve_wizard_dispose;
  widget_class->root = involve_wizard_root;
  widget_class->unroot = involve_wizard_unroot;

  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[RECORD_CHANGED] = g_signal_new ("record-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  empty_marker = g_variant_ref_sink (g_variant_new_string (""));

  gtk_widget_class_set_template_from_resource (widget_class, "/org/involve/Involve/ui/involve-wizard.ui");
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, header_bar);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, back_button);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, window_title);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, record_menu_button);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, saved_label);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, changed_revealer);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, changed_label);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, changed_button);
  gtk_widget_class_bind_template_callback (widget_class, changed_reload_clicked_cb);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, banner_box);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, banner_label);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, sign_off_button);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, return_button);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, amend_button);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, error_label);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, leaflet);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, sidebar);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, step_list);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, content_box);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, page_stack);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, previous_button);
  gtk_widget_class_bind_template_child (widget_class, InvolveWizard, next_button);
  gtk_widget_class_bind_template_callback (widget_class, step_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, dismiss_error_clicked_cb);

  gtk_widget_class_install_action (widget_class, "wizard.submit", NULL, submit_action);
  gtk_widget_class_install_action (widget_class, "wizard.sign-off", NULL, sign_off_action);
  gtk_widget_class_install_action (widget_class, "wizard.return", NULL, return_action);
  gtk_widget_class_install_action (widget_class, "wizard.amend", NULL, amend_action);
  gtk_widget_class_install_action (widget_class, "wizard.withdraw", NULL, withdraw_action);
  gtk_widget_class_install_action (widget_class, "wizard.recall", NULL, recall_action);
  gtk_widget_class_install_action (widget_class, "wizard.next-step", NULL, next_step_action);
  gtk_widget_class_install_action (widget_class, "wizard.previous-step", NULL, previous_step_action);
  gtk_widget_class_install_action (widget_class, "wizard.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "wizard.export-pdf", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "wizard.export-public-pdf", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "wizard.export-xml", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "wizard.export-request", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "wizard.print", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "wizard.history", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "wizard.involvement", NULL, involvement_action);


  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "involve-wizard");
}

/* The wizard's shortcuts act in the capture phase, before the focused
 * widget sees the key: a text view would otherwise take Ctrl+Page Down
 * (a page sideways) and the step would not change while typing. */
static void
add_shortcuts (InvolveWizard *self)
{
  const struct { guint key; GdkModifierType mods; const char *action; } shortcuts[] = {
    { GDK_KEY_Page_Down, GDK_CONTROL_MASK, "wizard.next-step" },
    { GDK_KEY_Page_Up, GDK_CONTROL_MASK, "wizard.previous-step" },
    { GDK_KEY_Page_Down, GDK_ALT_MASK, "wizard.next-step" },
    { GDK_KEY_Page_Up, GDK_ALT_MASK, "wizard.previous-step" },
    { GDK_KEY_e, GDK_CONTROL_MASK, "wizard.export-pdf" },
    { GDK_KEY_p, GDK_CONTROL_MASK, "wizard.print" },
    { GDK_KEY_h, GDK_CONTROL_MASK, "wizard.history" },
    { GDK_KEY_Left, GDK_ALT_MASK, "wizard.close" },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (shortcuts[i].key, shortcuts[i].mods),
                                                            gtk_named_action_new (shortcuts[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
involve_wizard_init (InvolveWizard *self)
{
  GtkLayoutManager *layout;
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));
  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);

  add_shortcuts (self);
  self->banner_toggle = collapse_toggle_new (self->banner_label, 2, _("Show the whole message"));
  gtk_box_insert_child_after (GTK_BOX (self->banner_box), self->banner_toggle, self->banner_label);
  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (step_list_key_pressed_cb), self);
  gtk_widget_add_controller (self->step_list, controller);

  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) wizard_page_free);
  self->editors = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_variant_unref);
  self->problems = g_ptr_array_new ();
}
