/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "a11y-check.h"

static gboolean
is_control (GtkAccessibleRole role)
{
  switch (role)
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_COMBO_BOX:
    case GTK_ACCESSIBLE_ROLE_LINK:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_SEARCH_BOX:
    case GTK_ACCESSIBLE_ROLE_SLIDER:
    case GTK_ACCESSIBLE_ROLE_SPIN_BUTTON:
    case GTK_ACCESSIBLE_ROLE_SWITCH:
    case GTK_ACCESSIBLE_ROLE_TEXT_BOX:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
is_shown (GtkWidget *widget)
{
  return gtk_widget_get_visible (widget) && gtk_widget_get_child_visible (widget);
}

/* Text a person would see inside @widget: a label with some text. */
static gboolean
has_visible_text (GtkWidget *widget)
{
  if (!is_shown (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));

      return text != NULL && *text != '\0';
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (has_visible_text (child))
        return TRUE;
    }
  return FALSE;
}

static gboolean
has_name (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    return TRUE;

  /*
   * GTK 4.8 makes a button "labelled by" whatever is inside it, an icon
   * included, so for buttons only text inside counts.  For everything else
   * the relation was set on purpose (a mnemonic label, a row's title).
   */
  if (gtk_accessible_get_accessible_role (accessible) == GTK_ACCESSIBLE_ROLE_BUTTON)
    return has_visible_text (widget);

  return gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

static gboolean
can_take_focus (GtkWidget *widget)
{
  if (!is_shown (widget) || !gtk_widget_is_sensitive (widget))
    return FALSE;
  if (gtk_widget_get_focusable (widget) && gtk_widget_get_can_focus (widget))
    return TRUE;
  if (!gtk_widget_get_can_focus (widget))
    return FALSE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (can_take_focus (child))
        return TRUE;
    }
  return FALSE;
}

/* The id a .ui file gave @widget (GTK gives some internal widgets their type
 * name as id: those say nothing). */
static const char *
ui_id (GtkWidget *widget)
{
  const char *id = gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget));

  if (id == NULL || g_str_equal (id, G_OBJECT_TYPE_NAME (widget)))
    return NULL;
  return id;
}

static char *
describe (GtkWidget *widget)
{
  GString *s = g_string_new (G_OBJECT_TYPE_NAME (widget));
  const char *id = ui_id (widget);

  if (id != NULL)
    g_string_append_printf (s, " \"%s\"", id);

  /* The nearest ancestor with a type name that says where we are. */
  for (GtkWidget *p = gtk_widget_get_parent (widget); p != NULL; p = gtk_widget_get_parent (p))
    {
      const char *pid = ui_id (p);

      if (pid != NULL)
        {
          g_string_append_printf (s, " in %s \"%s\"", G_OBJECT_TYPE_NAME (p), pid);
          break;
        }
    }
  return g_string_free (s, FALSE);
}

static guint
check (GtkWidget *widget,
       GString   *problems)
{
  GtkAccessibleRole role;
  guint n = 0;

  if (!is_shown (widget) || !gtk_widget_is_sensitive (widget))
    return 0;

  role = gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget));
  if (is_control (role))
    {
      g_autofree char *what = describe (widget);

      if (!has_name (widget))
        {
          g_string_append_printf (problems, "%s has no accessible name\n", what);
          n++;
        }
      if (!can_take_focus (widget))
        {
          g_string_append_printf (problems, "%s cannot be reached with the keyboard\n", what);
          n++;
        }
      /* What is inside a control is part of it (an entry's text, a
       * drop-down's button). */
      return n;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += check (child, problems);

  return n;
}

guint
involve_test_check_accessibility (GtkWidget *root,
                                  GString   *problems)
{
  g_return_val_if_fail (GTK_IS_WIDGET (root), 0);
  g_return_val_if_fail (problems != NULL, 0);

  return check (root, problems);
}
