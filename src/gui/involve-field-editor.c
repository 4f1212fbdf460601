/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-field-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "involve-field-editor.h"

struct _InvolveFieldEditor
{
  GtkWidget           parent_instance;

  const InvolveField *field;
  InvolveRecord      *record;
  gulong              value_changed_id;

  GtkWidget          *title_label;
  GtkWidget          *help_label;
  GtkWidget          *input;          /* the outer widget holding the input */
  GtkWidget          *problem_label;

  GtkWidget          *entry;          /* text, date */
  GtkWidget          *text_view;      /* long text */
  GtkWidget          *calendar_button;
  GtkWidget          *calendar;
  GHashTable         *option_buttons; /* option id -> GtkToggleButton/GtkCheckButton */
  GtkWidget          *table_list;     /* table: a GtkListBox of rows */
  GtkWidget          *add_row_button;
  GPtrArray          *table_rows;     /* GPtrArray of GtkTextView* per row */
  GtkSizeGroup       *row_buttons;    /* each row's buttons and the header's gap above them */

  gboolean            updating;
  gboolean            editable;
};

enum {
  CHANGED,
  FOCUS_LEFT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (InvolveFieldEditor, involve_field_editor, GTK_TYPE_WIDGET)

/*
 * A text view that grows with its text outside a scrolled window.  GTK 4.8's
 * GtkTextView measures its text at the width it last had, with estimated
 * heights for lines it has not laid out yet, and lays out the lines in sight
 * while being allocated, when the resize that this asks for is lost: text
 * set before the view is shown, or rewrapped when the window gets narrower,
 * was cut off until the next keystroke.  Asking again after an allocation
 * that changed the width or the text's height fixes it; it settles once
 * every line is laid out.
 */
#define INVOLVE_TYPE_GROWING_TEXT_VIEW (involve_growing_text_view_get_type ())
G_DECLARE_FINAL_TYPE (InvolveGrowingTextView, involve_growing_text_view, INVOLVE, GROWING_TEXT_VIEW, GtkTextView)

struct _InvolveGrowingTextView
{
  GtkTextView parent_instance;
  int         width;
  int         text_height;
  guint       resize_id;
};

G_DEFINE_FINAL_TYPE (InvolveGrowingTextView, involve_growing_text_view, GTK_TYPE_TEXT_VIEW)

static gboolean
growing_text_view_resize_cb (gpointer data)
{
  InvolveGrowingTextView *self = data;

  self->resize_id = 0;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

static void
involve_growing_text_view_size_allocate (GtkWidget *widget,
                                         int        width,
                                         int        height,
                                         int        baseline)
{
  InvolveGrowingTextView *self = INVOLVE_GROWING_TEXT_VIEW (widget);
  GtkTextIter end;
  int y, line_height;

  GTK_WIDGET_CLASS (involve_growing_text_view_parent_class)->size_allocate (widget, width, height, baseline);
  gtk_text_buffer_get_end_iter (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)), &end);
  gtk_text_view_get_line_yrange (GTK_TEXT_VIEW (widget), &end, &y, &line_height);
  if ((width != self->width || y + line_height != self->text_height) && self->resize_id == 0)
    self->resize_id = g_idle_add (growing_text_view_resize_cb, self);
  self->width = width;
  self->text_height = y + line_height;
}

static void
involve_growing_text_view_dispose (GObject *object)
{
  InvolveGrowingTextView *self = INVOLVE_GROWING_TEXT_VIEW (object);

  g_clear_handle_id (&self->resize_id, g_source_remove);
  G_OBJECT_CLASS (involve_growing_text_view_parent_class)->dispose (object);
}

static void
involve_growing_text_view_class_init (InvolveGrowingTextViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = involve_growing_text_view_dispose;
  GTK_WIDGET_CLASS (klass)->size_allocate = involve_growing_text_view_size_allocate;
}

static void
involve_growing_text_view_init (InvolveGrowingTextView *self)
{
}

/* A growing text view in a frame, as long-text fields and table cells show
 * it: it wraps, and Tab moves on to the next control (Enter starts a new
 * line).  Returns the frame; *view_out is the text view. */
static GtkWidget *
framed_text_view_new (int         vertical_margin,
                      int         min_height,
                      GtkWidget **view_out)
{
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *view = g_object_new (INVOLVE_TYPE_GROWING_TEXT_VIEW, NULL);

  gtk_widget_add_css_class (frame, "long-text");
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), vertical_margin);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), vertical_margin);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_widget_set_size_request (view, -1, min_height);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  *view_out = view;
  return frame;
}

static void rebuild_table (InvolveFieldEditor *self, GVariant *value);

static void
emit_changed (InvolveFieldEditor *self,
              gboolean            typing)
{
  g_autoptr(GVariant) value = NULL;

  if (self->updating)
    return;
  value = involve_field_editor_dup_value (self);
  g_signal_emit (self, signals[CHANGED], 0, self->field->id, value, typing);
}

static char *
dup_text_view_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static GVariant *
string_or_null (const char *text)
{
  if (text == NULL)
    return NULL;
  /* Keep what was typed, spaces included, but an empty field has no value. */
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return g_variant_ref_sink (g_variant_new_string (text));
  return NULL;
}

GVariant *
involve_field_editor_dup_value (InvolveFieldEditor *self)
{
  g_return_val_if_fail (INVOLVE_IS_FIELD_EDITOR (self), NULL);

  switch (self->field->type)
    {
    case INVOLVE_FIELD_TEXT:
    case INVOLVE_FIELD_DATE:
      return string_or_null (gtk_editable_get_text (GTK_EDITABLE (self->entry)));

    case INVOLVE_FIELD_LONG_TEXT:
      {
        g_autofree char *text = dup_text_view_text (GTK_TEXT_VIEW (self->text_view));
        return string_or_null (text);
      }

    case INVOLVE_FIELD_YES_NO:
      {
        GtkToggleButton *yes = g_hash_table_lookup (self->option_buttons, "yes");
        GtkToggleButton *no = g_hash_table_lookup (self->option_buttons, "no");

        if (gtk_toggle_button_get_active (yes))
          return g_variant_ref_sink (g_variant_new_boolean (TRUE));
        if (gtk_toggle_button_get_active (no))
          return g_variant_ref_sink (g_variant_new_boolean (FALSE));
        return NULL;
      }

    case INVOLVE_FIELD_CHOICE:
      for (guint i = 0; self->field->options != NULL && i < self->field->options->len; i++)
        {
          const InvolveOption *option = g_ptr_array_index (self->field->options, i);
          GtkCheckButton *button = g_hash_table_lookup (self->option_buttons, option->id);

          if (gtk_check_button_get_active (button))
            return g_variant_ref_sink (g_variant_new_string (option->id));
        }
      return NULL;

    case INVOLVE_FIELD_MULTI_CHOICE:
      {
        g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("as"));
        guint n = 0;

        for (guint i = 0; self->field->options != NULL && i < self->field->options->len; i++)
          {
            const InvolveOption *option = g_ptr_array_index (self->field->options, i);
            GtkCheckButton *button = g_hash_table_lookup (self->option_buttons, option->id);

            if (gtk_check_button_get_active (button))
              {
                g_variant_builder_add (&builder, "s", option->id);
                n++;
              }
          }
        if (n == 0)
          return NULL;
        return g_variant_ref_sink (g_variant_builder_end (&builder));
      }

    case INVOLVE_FIELD_TABLE:
      {
        g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("aas"));

        if (self->table_rows->len == 0)
          return NULL;
        for (guint r = 0; r < self->table_rows->len; r++)
          {
            GPtrArray *cells = g_ptr_array_index (self->table_rows, r);

            g_variant_builder_open (&builder, G_VARIANT_TYPE ("as"));
            for (guint c = 0; c < cells->len; c++)
              {
                g_autofree char *text = dup_text_view_text (g_ptr_array_index (cells, c));

                g_variant_builder_add (&builder, "s", text);
              }
            g_variant_builder_close (&builder);
          }
        return g_variant_ref_sink (g_variant_builder_end (&builder));
      }

    default:
      g_assert_not_reached ();
    }
  return NULL;
}

/* Showing the record's value */

static gboolean
same_value (GVariant *a,
            GVariant *b)
{
  gboolean a_empty = a == NULL || involve_value_is_empty (a);
  gboolean b_empty = b == NULL || involve_value_is_empty (b);

  /* The register keeps no empty values (a table of blank rows, say): what
   * is still being filled in stays on screen. */
  if (a_empty || b_empty)
    return a_empty && b_empty;
  return g_variant_equal (a, b);
}

static void
show_value (InvolveFieldEditor *self,
            GVariant           *value)
{
  g_autoptr(GVariant) current = involve_field_editor_dup_value (self);

  if (value != NULL && !g_variant_is_of_type (value, involve_field_type_get_variant_type (self->field->type)))
    value = NULL;
  if (same_value (current, value))
    return;

  self->updating = TRUE;
  switch (self->field->type)
    {
    case INVOLVE_FIELD_TEXT:
    case INVOLVE_FIELD_DATE:
      gtk_editable_set_text (GTK_EDITABLE (self->entry), value ? g_variant_get_string (value, NULL) : "");
      break;

    case INVOLVE_FIELD_LONG_TEXT:
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view)),
                                value ? g_variant_get_string (value, NULL) : "", -1);
      break;

    case INVOLVE_FIELD_YES_NO:
      {
        GtkToggleButton *yes = g_hash_table_lookup (self->option_buttons, "yes");
        GtkToggleButton *no = g_hash_table_lookup (self->option_buttons, "no");

        gtk_toggle_button_set_active (yes, value != NULL && g_variant_get_boolean (value));
        gtk_toggle_button_set_active (no, value != NULL && !g_variant_get_boolean (value));
        break;
      }

    case INVOLVE_FIELD_CHOICE:
    case INVOLVE_FIELD_MULTI_CHOICE:
      {
        GHashTableIter iter;
        gpointer key, button;

        g_hash_table_iter_init (&iter, self->option_buttons);
        while (g_hash_table_iter_next (&iter, &key, &button))
          {
            gboolean active = FALSE;

            if (value != NULL && self->field->type == INVOLVE_FIELD_CHOICE)
              active = g_strcmp0 (g_variant_get_string (value, NULL), key) == 0;
            else if (value != NULL)
              {
                g_autofree const char **ids = g_variant_get_strv (value, NULL);
                active = g_strv_contains (ids, key);
              }
            gtk_check_button_set_active (button, active);
          }
        break;
      }

    case INVOLVE_FIELD_TABLE:
      rebuild_table (self, value);
      break;

    default:
      g_assert_not_reached ();
    }
  self->updating = FALSE;
}

static void
record_value_changed_cb (InvolveRecord      *record,
                         const char         *field_id,
                         InvolveFieldEditor *self)
{
  show_value (self, involve_record_get_value (record, self->field->id));
}

/* Inputs */

static void
entry_changed_cb (GtkEditable        *editable,
                  InvolveFieldEditor *self)
{
  if (self->field->type == INVOLVE_FIELD_DATE)
    {
      const char *text = gtk_editable_get_text (editable);
      gboolean ok = TRUE;

      if (text[0] != '\0')
        {
          g_autoptr(GDateTime) dt = NULL;
          g_autofree char *iso = g_strconcat (text, "T00:00:00Z", NULL);

          dt = strlen (text) == 10 ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
          ok = dt != NULL;
        }
      if (ok)
        gtk_widget_remove_css_class (self->entry, "error");
      else
        gtk_widget_add_css_class (self->entry, "error");
    }
  emit_changed (self, TRUE);
}

static void
buffer_changed_cb (GtkTextBuffer      *buffer,
                   InvolveFieldEditor *self)
{
  emit_changed (self, TRUE);
}

static void
toggled_cb (GtkWidget          *button,
            InvolveFieldEditor *self)
{
  /* A radio group emits twice (one off, one on): announce the final state. */
  if (GTK_IS_TOGGLE_BUTTON (button) && !gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)))
    return;
  if (GTK_IS_CHECK_BUTTON (button) && self->field->type == INVOLVE_FIELD_CHOICE
      && !gtk_check_button_get_active (GTK_CHECK_BUTTON (button)))
    return;
  emit_changed (self, FALSE);
}

static void
day_selected_cb (GtkCalendar        *calendar,
                 InvolveFieldEditor *self)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (calendar);
  g_autofree char *text = g_date_time_format (date, "%Y-%m-%d");

  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->calendar_button));
}

static void
focus_leave_cb (GtkEventControllerFocus *controller,
                InvolveFieldEditor      *self)
{
  g_signal_emit (self, signals[FOCUS_LEFT], 0);
}

static void
label_input (InvolveFieldEditor *self,
             GtkWidget          *widget)
{
  /* Both a name and the relation: the relation does not survive on a
   * GtkTextView in GTK 4.8, and screen readers take either. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->field->label,
                                  -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, self->title_label, NULL,
                                  -1);
  if (self->help_label != NULL)
    gtk_accessible_update_relation (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->help_label, NULL,
                                    -1);
}

/* Tables */

static void table_changed (InvolveFieldEditor *self, GVariant *value);

static void
table_cell_changed_cb (GtkTextBuffer      *buffer,
                       InvolveFieldEditor *self)
{
  emit_changed (self, TRUE);
}

/* The button of @action on @row, or NULL. */
static GtkWidget *
find_row_button (InvolveFieldEditor *self,
                 guint               row,
                 const char         *action)
{
  GtkListBoxRow *list_row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->table_list), row);
  GtkWidget *buttons;

  if (list_row == NULL)
    return NULL;
  buttons = gtk_widget_get_last_child (gtk_list_box_row_get_child (list_row));
  for (GtkWidget *child = gtk_widget_get_first_child (buttons); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (child), "action"), action) == 0)
      return child;
  return NULL;
}

static void
table_row_action_cb (GtkButton          *button,
                     InvolveFieldEditor *self)
{
  guint row = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "row"));
  const char *action = g_object_get_data (G_OBJECT (button), "action");
  g_autoptr(GVariant) value = involve_field_editor_dup_value (self);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("aas"));
  GVariant *new_value;

  for (gsize i = 0; value != NULL && i < g_variant_n_children (value); i++)
    g_ptr_array_add (rows, g_variant_get_child_value (value, i));

  if (g_str_equal (action, "remove") && row < rows->len)
    g_ptr_array_remove_index (rows, row);
  else if (g_str_equal (action, "up") && row > 0 && row < rows->len)
    {
      gpointer tmp = rows->pdata[row - 1];
      rows->pdata[row - 1] = rows->pdata[row];
      rows->pdata[row] = tmp;
    }
  else if (g_str_equal (action, "down") && row + 1 < rows->len)
    {
      gpointer tmp = rows->pdata[row + 1];
      rows->pdata[row + 1] = rows->pdata[row];
      rows->pdata[row] = tmp;
    }

  if (rows->len == 0)
    {
      table_changed (self, NULL);
      gtk_widget_grab_focus (self->add_row_button);
      return;
    }
  for (guint i = 0; i < rows->len; i++)
    g_variant_builder_add_value (&builder, g_ptr_array_index (rows, i));
  new_value = g_variant_ref_sink (g_variant_builder_end (&builder));
  table_changed (self, new_value);
  g_variant_unref (new_value);

  /* Keep the keyboard where it was: on the moved row's same button (the
   * other one once the row reaches an end), or after a removal on the
   * remove button of the next row (of the previous one when the last row
   * went), and on Add Row when no row is left. */
  if (g_str_equal (action, "up") || g_str_equal (action, "down"))
    {
      gboolean up = g_str_equal (action, "up");
      guint target = up ? row - 1 : row + 1;
      GtkWidget *same = find_row_button (self, target, action);
      GtkWidget *other = find_row_button (self, target, up ? "down" : "up");

      if (same != NULL && gtk_widget_get_sensitive (same))
        gtk_widget_grab_focus (same);
      else if (other != NULL)
        gtk_widget_grab_focus (other);
    }
  else
    {
      GtkWidget *next = find_row_button (self, MIN (row, rows->len - 1), "remove");

      gtk_widget_grab_focus (next != NULL ? next : self->add_row_button);
    }
}

static void
add_row_clicked_cb (GtkButton          *button,
                    InvolveFieldEditor *self)
{
  g_autoptr(GVariant) value = involve_field_editor_dup_value (self);
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("aas"));
  g_autoptr(GVariant) new_value = NULL;
  GPtrArray *cells;

  for (gsize i = 0; value != NULL && i < g_variant_n_children (value); i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (value, i);
      g_variant_builder_add_value (&builder, child);
    }
  g_variant_builder_open (&builder, G_VARIANT_TYPE ("as"));
  for (guint c = 0; c < self->field->columns->len; c++)
    g_variant_builder_add (&builder, "s", "");
  g_variant_builder_close (&builder);
  new_value = g_variant_ref_sink (g_variant_builder_end (&builder));
  table_changed (self, new_value);

  cells = g_ptr_array_index (self->table_rows, self->table_rows->len - 1);
  gtk_widget_grab_focus (g_ptr_array_index (cells, 0));
}

/* A radio group inside a flow box traps Tab: the flow box offers the next
 * option, and the radio hands the focus back to the chosen one.  Tab and
 * Shift+Tab first move to the group's last (first) shown option, from
 * where the window's own Tab handling leaves the group. */
static gboolean
choices_key_pressed_cb (GtkEventControllerKey *controller,
                        guint                  keyval,
                        guint                  keycode,
                        GdkModifierType        state,
                        InvolveFieldEditor    *self)
{
  gboolean back = keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK) != 0;
  GtkWidget *edge = NULL;

  if ((keyval != GDK_KEY_Tab && keyval != GDK_KEY_ISO_Left_Tab && keyval != GDK_KEY_KP_Tab) ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;

  for (GtkWidget *child = gtk_widget_get_first_child (self->input); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_visible (child) || gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child)) == NULL)
        continue;
      if (back && edge == NULL)
        edge = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      else if (!back)
        edge = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
    }
  if (edge != NULL && !gtk_widget_has_focus (edge))
    gtk_widget_grab_focus (edge);
  return GDK_EVENT_PROPAGATE;
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             const char *action,
             guint       row,
             InvolveFieldEditor *self)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_START);
  g_object_set_data (G_OBJECT (button), "row", GUINT_TO_POINTER (row));
  g_object_set_data (G_OBJECT (button), "action", (gpointer) action);
  g_signal_connect (button, "clicked", G_CALLBACK (table_row_action_cb), self);
  return button;
}

/* A table cell: a text view in a frame, like a long-text field's, that
 * wraps and grows with what is typed (risks and actions are sentences). */
static GtkWidget *
table_cell_new (InvolveFieldEditor  *self,
                const InvolveColumn *column,
                guint                row,
                const char          *text,
                GtkWidget          **view_out)
{
  GtkWidget *view;
  GtkWidget *frame = framed_text_view_new (6, 48, &view);
  g_autofree char *name = g_strdup_printf (_("%s, row %u"), column->label, row + 1);

  gtk_widget_set_hexpand (frame, TRUE);
  gtk_widget_set_valign (frame, GTK_ALIGN_START);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), self->editable);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (view), self->editable);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  GTK_ACCESSIBLE_PROPERTY_MULTI_LINE, TRUE,
                                  -1);
  g_signal_connect (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "changed",
                    G_CALLBACK (table_cell_changed_cb), self);
  *view_out = view;
  return frame;
}

static void
rebuild_table (InvolveFieldEditor *self,
               GVariant           *value)
{
  GtkWidget *child;
  guint n_rows = value != NULL ? g_variant_n_children (value) : 0;

  while ((child = gtk_widget_get_first_child (self->table_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->table_list), child);
  g_ptr_array_set_size (self->table_rows, 0);

  for (guint r = 0; r < n_rows; r++)
    {
      g_autoptr(GVariant) row_value = g_variant_get_child_value (value, r);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *cells_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      GPtrArray *cells = g_ptr_array_new ();
      GtkWidget *row_label;
      g_autofree char *number = g_strdup_printf ("%u", r + 1);

      gtk_widget_set_margin_top (box, 6);
      gtk_widget_set_margin_bottom (box, 6);
      gtk_widget_set_margin_start (box, 6);
      gtk_widget_set_margin_end (box, 6);
      row_label = gtk_label_new (number);
      gtk_widget_add_css_class (row_label, "dim-label");
      gtk_widget_set_size_request (row_label, 24, -1);
      gtk_widget_set_valign (row_label, GTK_ALIGN_START);
      gtk_widget_set_margin_top (row_label, 8);
      gtk_box_append (GTK_BOX (box), row_label);

      /* Columns of equal width, whatever their text. */
      gtk_box_set_homogeneous (GTK_BOX (cells_box), TRUE);
      gtk_widget_set_hexpand (cells_box, TRUE);
      for (guint c = 0; c < self->field->columns->len; c++)
        {
          const InvolveColumn *column = g_ptr_array_index (self->field->columns, c);
          const char *text = "";
          GtkWidget *view;

          if (c < g_variant_n_children (row_value))
            g_variant_get_child (row_value, c, "&s", &text);
          gtk_box_append (GTK_BOX (cells_box), table_cell_new (self, column, r, text, &view));
          g_ptr_array_add (cells, view);
        }
      gtk_box_append (GTK_BOX (box), cells_box);

      /* As tall as the cells, with the buttons at its top: GTK orders Tab
       * by the centres of the children, and a shorter box at the top came
       * before the cells, so Tab from the last cell skipped the buttons. */
      gtk_widget_set_valign (buttons, GTK_ALIGN_FILL);
      if (self->editable)
        {
          GtkWidget *up = icon_button ("go-up-symbolic", _("Move row up"), "up", r, self);
          GtkWidget *down = icon_button ("go-down-symbolic", _("Move row down"), "down", r, self);

          gtk_widget_set_sensitive (up, r > 0);
          gtk_widget_set_sensitive (down, r + 1 < n_rows);
          gtk_box_append (GTK_BOX (buttons), up);
          gtk_box_append (GTK_BOX (buttons), down);
          gtk_box_append (GTK_BOX (buttons), icon_button ("user-trash-symbolic", _("Remove row"), "remove", r, self));
        }
      gtk_size_group_add_widget (self->row_buttons, buttons);
      gtk_box_append (GTK_BOX (box), buttons);

      gtk_list_box_append (GTK_LIST_BOX (self->table_list), box);
      /* The row itself does nothing: Tab goes straight to its cells. */
      gtk_widget_set_focusable (gtk_widget_get_parent (box), FALSE);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (gtk_widget_get_parent (box)), FALSE);
      g_ptr_array_add (self->table_rows, cells);
    }

  gtk_widget_set_visible (self->table_list, n_rows > 0);
}

static void
table_changed (InvolveFieldEditor *self,
               GVariant           *value)
{
  self->updating = TRUE;
  rebuild_table (self, value);
  self->updating = FALSE;
  g_signal_emit (self, signals[CHANGED], 0, self->field->id, value, FALSE);
}

/* Construction */

static void
build_input (InvolveFieldEditor *self)
{
  const InvolveField *field = self->field;

  switch (field->type)
    {
    case INVOLVE_FIELD_TEXT:
      self->entry = self->input = gtk_entry_new ();
      g_signal_connect (self->entry, "changed", G_CALLBACK (entry_changed_cb), self);
      label_input (self, self->entry);
      break;

    case INVOLVE_FIELD_DATE:
      {
        GtkWidget *popover;

        self->input = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
        gtk_widget_add_css_class (self->input, "linked");
        gtk_widget_set_halign (self->input, GTK_ALIGN_START);
        self->entry = gtk_entry_new ();
        gtk_entry_set_placeholder_text (GTK_ENTRY (self->entry), _("YYYY-MM-DD"));
        gtk_editable_set_width_chars (GTK_EDITABLE (self->entry), 14);
        g_signal_connect (self->entry, "changed", G_CALLBACK (entry_changed_cb), self);
        label_input (self, self->entry);
        gtk_box_append (GTK_BOX (self->input), self->entry);

        self->calendar = gtk_calendar_new ();
        g_signal_connect (self->calendar, "day-selected", G_CALLBACK (day_selected_cb), self);
        popover = gtk_popover_new ();
        gtk_popover_set_child (GTK_POPOVER (popover), self->calendar);
        self->calendar_button = gtk_menu_button_new ();
        gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->calendar_button), "x-office-calendar-symbolic");
        gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->calendar_button), popover);
        gtk_widget_set_tooltip_text (self->calendar_button, _("Choose a date"));
        gtk_accessible_update_property (GTK_ACCESSIBLE (self->calendar_button),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, _("Choose a date"), -1);
        gtk_box_append (GTK_BOX (self->input), self->calendar_button);
        break;
      }

    case INVOLVE_FIELD_LONG_TEXT:
      self->input = framed_text_view_new (8, 72, &self->text_view);
      g_signal_connect (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view)), "changed",
                        G_CALLBACK (buffer_changed_cb), self);
      label_input (self, self->text_view);
      break;

    case INVOLVE_FIELD_YES_NO:
      {
        const char *ids[] = { "yes", "no" };
        const char *labels[] = { _("Yes"), _("No") };
        GtkWidget *first = NULL;

        self->input = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
        gtk_widget_add_css_class (self->input, "linked");
        gtk_widget_add_css_class (self->input, "yes-no");
        gtk_widget_set_halign (self->input, GTK_ALIGN_START);
        for (guint i = 0; i < 2; i++)
          {
            GtkWidget *button = gtk_toggle_button_new_with_label (labels[i]);
            g_autofree char *name = g_strdup_printf ("%s: %s", field->label, labels[i]);

            gtk_widget_set_size_request (button, 88, -1);
            if (first != NULL)
              gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), GTK_TOGGLE_BUTTON (first));
            else
              first = button;
            gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
            g_signal_connect (button, "toggled", G_CALLBACK (toggled_cb), self);
            g_hash_table_insert (self->option_buttons, (gpointer) ids[i], button);
            gtk_box_append (GTK_BOX (self->input), button);
          }
        break;
      }

    case INVOLVE_FIELD_CHOICE:
    case INVOLVE_FIELD_MULTI_CHOICE:
      {
        GtkWidget *group = NULL;
        gboolean multi = field->type == INVOLVE_FIELD_MULTI_CHOICE;
        guint n = field->options != NULL ? field->options->len : 0;

        self->input = gtk_flow_box_new ();
        if (!multi)
          {
            GtkEventController *keys = gtk_event_controller_key_new ();

            gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
            g_signal_connect (keys, "key-pressed", G_CALLBACK (choices_key_pressed_cb), self);
            gtk_widget_add_controller (self->input, keys);
          }
        gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->input), GTK_SELECTION_NONE);
        gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (self->input), TRUE);
        gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (self->input), 1);
        gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->input), n > 6 ? 2 : 1);
        gtk_widget_add_css_class (self->input, "choices");
        gtk_accessible_update_relation (GTK_ACCESSIBLE (self->input),
                                        GTK_ACCESSIBLE_RELATION_LABELLED_BY, self->title_label, NULL,
                                        -1);
        for (guint i = 0; i < n; i++)
          {
            const InvolveOption *option = g_ptr_array_index (field->options, i);
            GtkWidget *button = gtk_check_button_new ();
            GtkWidget *label = gtk_label_new (option->label);
            GtkWidget *child;

            /* Long options wrap rather than widen the page. */
            gtk_label_set_wrap (GTK_LABEL (label), TRUE);
            gtk_label_set_xalign (GTK_LABEL (label), 0);
            gtk_check_button_set_child (GTK_CHECK_BUTTON (button), label);
            gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                            GTK_ACCESSIBLE_PROPERTY_LABEL, option->label, -1);
            gtk_accessible_update_relation (GTK_ACCESSIBLE (button),
                                            GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);

            if (!multi)
              {
                if (group != NULL)
                  gtk_check_button_set_group (GTK_CHECK_BUTTON (button), GTK_CHECK_BUTTON (group));
                else
                  group = button;
              }
            if (option->help != NULL)
              gtk_widget_set_tooltip_text (button, option->help);
            g_signal_connect (button, "toggled", G_CALLBACK (toggled_cb), self);
            g_hash_table_insert (self->option_buttons, option->id, button);
            gtk_flow_box_append (GTK_FLOW_BOX (self->input), button);
            /* The flow box child needn't take the focus: the button does. */
            child = gtk_widget_get_parent (button);
            gtk_widget_set_focusable (child, FALSE);
          }
        break;
      }

    case INVOLVE_FIELD_TABLE:
      {
        GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
        GtkWidget *headings = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
        GtkWidget *gap = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

        self->input = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
        /* Laid out like a row, so that each heading sits over its column:
         * the row number's width, the cells, the buttons' width. */
        gtk_widget_set_margin_start (header, 36);
        gtk_widget_set_margin_end (header, 6);
        gtk_box_set_homogeneous (GTK_BOX (headings), TRUE);
        gtk_widget_set_hexpand (headings, TRUE);
        for (guint c = 0; c < field->columns->len; c++)
          {
            const InvolveColumn *column = g_ptr_array_index (field->columns, c);
            GtkWidget *label = gtk_label_new (column->label);

            gtk_label_set_xalign (GTK_LABEL (label), 0);
            gtk_label_set_wrap (GTK_LABEL (label), TRUE);
            gtk_widget_add_css_class (label, "heading");
            gtk_box_append (GTK_BOX (headings), label);
          }
        gtk_box_append (GTK_BOX (header), headings);
        self->row_buttons = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
        gtk_size_group_add_widget (self->row_buttons, gap);
        gtk_box_append (GTK_BOX (header), gap);
        gtk_box_append (GTK_BOX (self->input), header);
        self->table_list = gtk_list_box_new ();
        gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->table_list), GTK_SELECTION_NONE);
        gtk_widget_add_css_class (self->table_list, "boxed-list");
        gtk_accessible_update_relation (GTK_ACCESSIBLE (self->table_list),
                                        GTK_ACCESSIBLE_RELATION_LABELLED_BY, self->title_label, NULL,
                                        -1);
        gtk_box_append (GTK_BOX (self->input), self->table_list);
        self->add_row_button = gtk_button_new_with_mnemonic (_("_Add Row"));
        gtk_widget_set_halign (self->add_row_button, GTK_ALIGN_START);
        g_signal_connect (self->add_row_button, "clicked", G_CALLBACK (add_row_clicked_cb), self);
        gtk_box_append (GTK_BOX (self->input), self->add_row_button);
        break;
      }

    default:
      g_assert_not_reached ();
    }
}

GtkWidget *
involve_field_editor_new (const InvolveField *field,
                          InvolveRecord      *record)
{
  InvolveFieldEditor *self;
  GtkEventController *focus;
  g_autofree char *detailed = NULL;

  g_return_val_if_fail (field != NULL, NULL);
  g_return_val_if_fail (INVOLVE_IS_RECORD (record), NULL);

  self = g_object_new (INVOLVE_TYPE_FIELD_EDITOR, NULL);
  self->field = field;
  self->record = g_object_ref (record);

  self->title_label = gtk_label_new (field->label);
  gtk_label_set_wrap (GTK_LABEL (self->title_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->title_label), 0);
  gtk_widget_add_css_class (self->title_label, "field-title");
  gtk_widget_set_parent (self->title_label, GTK_WIDGET (self));

  if (field->help != NULL && field->help[0] != '\0')
    {
      g_autofree char *help = field->guidance_ref != NULL
        ? g_strdup_printf ("%s (%s)", field->help, field->guidance_ref)
        : g_strdup (field->help);

      self->help_label = gtk_label_new (help);
      gtk_label_set_wrap (GTK_LABEL (self->help_label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (self->help_label), 0);
      gtk_widget_add_css_class (self->help_label, "dim-label");
      gtk_widget_add_css_class (self->help_label, "caption");
      gtk_widget_set_parent (self->help_label, GTK_WIDGET (self));
    }

  build_input (self);
  gtk_widget_set_parent (self->input, GTK_WIDGET (self));

  self->problem_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->problem_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->problem_label), 0);
  gtk_widget_add_css_class (self->problem_label, "error");
  gtk_widget_add_css_class (self->problem_label, "caption");
  gtk_widget_set_visible (self->problem_label, FALSE);
  gtk_widget_set_parent (self->problem_label, GTK_WIDGET (self));

  focus = gtk_event_controller_focus_new ();
  g_signal_connect (focus, "leave", G_CALLBACK (focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);

  show_value (self, involve_record_get_value (record, field->id));
  detailed = g_strconcat ("value-changed::", field->id, NULL);
  self->value_changed_id = g_signal_connect (record, detailed,
                                             G_CALLBACK (record_value_changed_cb), self);
  return GTK_WIDGET (self);
}

const InvolveField *
involve_field_editor_get_field (InvolveFieldEditor *self)
{
  g_return_val_if_fail (INVOLVE_IS_FIELD_EDITOR (self), NULL);
  return self->field;
}

void
involve_field_editor_set_editable (InvolveFieldEditor *self,
                                   gboolean            editable)
{
  GHashTableIter iter;
  gpointer button;

  g_return_if_fail (INVOLVE_IS_FIELD_EDITOR (self));

  editable = !!editable;
  if (self->editable == editable)
    return;
  self->editable = editable;
  /* style.css keeps a read-only record's chosen answers at full strength. */
  if (editable)
    gtk_widget_remove_css_class (GTK_WIDGET (self), "read-only");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self), "read-only");

  if (self->entry != NULL)
    gtk_editable_set_editable (GTK_EDITABLE (self->entry), editable);
  if (self->calendar_button != NULL)
    gtk_widget_set_visible (self->calendar_button, editable);
  if (self->text_view != NULL)
    {
      gtk_text_view_set_editable (GTK_TEXT_VIEW (self->text_view), editable);
      gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (self->text_view), editable);
    }
  g_hash_table_iter_init (&iter, self->option_buttons);
  while (g_hash_table_iter_next (&iter, NULL, &button))
    gtk_widget_set_sensitive (button, editable);
  if (self->add_row_button != NULL)
    {
      g_autoptr(GVariant) value = involve_field_editor_dup_value (self);

      gtk_widget_set_visible (self->add_row_button, editable);
      self->updating = TRUE;
      rebuild_table (self, value);
      self->updating = FALSE;
    }
}

void
involve_field_editor_set_guidance_ref (InvolveFieldEditor *self,
                                       const char         *ref)
{
  g_autofree char *help = NULL;

  g_return_if_fail (INVOLVE_IS_FIELD_EDITOR (self));

  if (self->help_label == NULL)
    return;
  help = ref != NULL && ref[0] != '\0'
    ? g_strdup_printf ("%s (%s)", self->field->help, ref)
    : g_strdup (self->field->help);
  gtk_label_set_text (GTK_LABEL (self->help_label), help);
}

void
involve_field_editor_set_option_visible (InvolveFieldEditor *self,
                                         const char         *option_id,
                                         gboolean            visible)
{
  GtkWidget *button;

  g_return_if_fail (INVOLVE_IS_FIELD_EDITOR (self));

  button = g_hash_table_lookup (self->option_buttons, option_id);
  if (button == NULL)
    return;
  /* Choices sit in a flow box child; yes/no buttons directly in a box. */
  if (GTK_IS_FLOW_BOX_CHILD (gtk_widget_get_parent (button)))
    gtk_widget_set_visible (gtk_widget_get_parent (button), visible);
  else
    gtk_widget_set_visible (button, visible);
}

void
involve_field_editor_set_problem (InvolveFieldEditor *self,
                                  const char         *message)
{
  g_return_if_fail (INVOLVE_IS_FIELD_EDITOR (self));

  gtk_label_set_text (GTK_LABEL (self->problem_label), message ? message : "");
  gtk_widget_set_visible (self->problem_label, message != NULL);
}

void
involve_field_editor_focus_input (InvolveFieldEditor *self)
{
  g_return_if_fail (INVOLVE_IS_FIELD_EDITOR (self));

  if (self->entry != NULL)
    gtk_widget_grab_focus (self->entry);
  else if (self->text_view != NULL)
    gtk_widget_grab_focus (self->text_view);
  else if (self->add_row_button != NULL)
    gtk_widget_grab_focus (self->add_row_button);
  else
    {
      GtkWidget *child = gtk_widget_get_first_child (self->input);

      /* The first option button (inside a flow box child, for choices). */
      while (child != NULL && !gtk_widget_get_focusable (child))
        child = gtk_widget_get_first_child (child);
      gtk_widget_grab_focus (child != NULL ? child : self->input);
    }
}

GtkWidget *
involve_field_editor_get_input (InvolveFieldEditor *self)
{
  g_return_val_if_fail (INVOLVE_IS_FIELD_EDITOR (self), NULL);

  if (self->entry != NULL)
    return self->entry;
  if (self->text_view != NULL)
    return self->text_view;
  if (self->table_list != NULL)
    return self->table_list;
  return self->input;
}

GtkWidget *
involve_field_editor_get_option_button (InvolveFieldEditor *self,
                                        const char         *option_id)
{
  g_return_val_if_fail (INVOLVE_IS_FIELD_EDITOR (self), NULL);
  return g_hash_table_lookup (self->option_buttons, option_id);
}

GtkWidget *
involve_field_editor_get_table_cell (InvolveFieldEditor *self,
                                     guint               row,
                                     guint               column)
{
  GPtrArray *cells;

  g_return_val_if_fail (INVOLVE_IS_FIELD_EDITOR (self), NULL);

  if (row >= self->table_rows->len)
    return NULL;
  cells = g_ptr_array_index (self->table_rows, row);
  return column < cells->len ? g_ptr_array_index (cells, column) : NULL;
}

GtkWidget *
involve_field_editor_get_table_row_button (InvolveFieldEditor *self,
                                           guint               row,
                                           const char         *action)
{
  g_return_val_if_fail (INVOLVE_IS_FIELD_EDITOR (self), NULL);
  g_return_val_if_fail (self->table_list != NULL, NULL);

  return find_row_button (self, row, action);
}

GtkWidget *
involve_field_editor_get_add_row_button (InvolveFieldEditor *self)
{
  g_return_val_if_fail (INVOLVE_IS_FIELD_EDITOR (self), NULL);
  return self->add_row_button;
}

static void
involve_field_editor_dispose (GObject *object)
{
  InvolveFieldEditor *self = INVOLVE_FIELD_EDITOR (object);
  GtkWidget *child;

  g_clear_signal_handler (&self->value_changed_id, self->record);
  g_clear_object (&self->record);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->option_buttons, g_hash_table_unref);
  g_clear_pointer (&self->table_rows, g_ptr_array_unref);
  g_clear_object (&self->row_buttons);

  G_OBJECT_CLASS (involve_field_editor_parent_class)->dispose (object);
}

static void
involve_field_editor_class_init (InvolveFieldEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = involve_field_editor_dispose;

  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_VARIANT,
                  G_TYPE_BOOLEAN);
  signals[FOCUS_LEFT] =
    g_signal_new ("focus-left",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "involve-field");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
involve_field_editor_init (InvolveFieldEditor *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);
  self->option_buttons = g_hash_table_new (g_str_hash, g_str_equal);
  self->table_rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  self->editable = TRUE;
}
