/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gtk/gtk.h>
#include <gsk/gl/gskglrenderer.h>

#include "a11y-check.h"
#include "gui-test-util.h"

void
gui_test_wait_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  do
    {
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  while (g_get_monotonic_time () < end);
}

void
gui_test_check_a11y (GtkWidget  *root,
                     const char *where)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  guint n;

  gui_test_wait_ms (60);
  n = involve_test_check_accessibility (root, problems);
  if (n > 0)
    g_test_message ("%s:\n%s", where, problems->str);
  g_assert_cmpuint (n, ==, 0);
}

static void
save_png (GtkWidget     *widget,
          GskRenderNode *node,
          int            width,
          int            height,
          const char    *path)
{
  g_autoptr(GskRenderer) gl = gsk_gl_renderer_new ();
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  const graphene_rect_t viewport = GRAPHENE_RECT_INIT (0, 0, width, height);

  if (!gsk_renderer_realize (gl, NULL, &error))
    {
      g_printerr ("screenshots taken with the window's own renderer, which may drop "
                  "the dot of an i: no GL renderer: %s\n", error->message);
      texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node, &viewport);
      gdk_texture_save_to_png (texture, path);
      return;
    }
  /* Saved while the renderer that made the texture is still there. */
  texture = gsk_renderer_render_texture (gl, node, &viewport);
  gdk_texture_save_to_png (texture, path);
  g_clear_object (&texture);
  gsk_renderer_unrealize (gl);
}

void
gui_test_screenshot (GtkWidget  *widget,
                     const char *name)
{
  const char *dir = g_getenv ("INVOLVE_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autofree char *path = NULL;
  int width, height;

  if (dir == NULL)
    return;
  gui_test_wait_ms (400);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  path = g_build_filename (dir, name, NULL);
  save_png (widget, node, width, height, path);
}

GtkWidget *
gui_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWidget *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (window))
        found = window;
    }
  return found;
}

GtkWidget *
gui_test_find_button (GtkWidget  *root,
                      const char *label)
{
  return gui_test_find_labelled (root, GTK_TYPE_BUTTON, label);
}

GtkWidget *
gui_test_find_labelled (GtkWidget  *root,
                        GType       type,
                        const char *text)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    {
      const char *label = GTK_IS_LABEL (root) ? gtk_label_get_text (GTK_LABEL (root))
                          : GTK_IS_BUTTON (root) ? gtk_button_get_label (GTK_BUTTON (root)) : NULL;

      if (g_strcmp0 (label, text) == 0)
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = gui_test_find_labelled (child, type, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
gui_test_find_row (GtkWidget  *root,
                   GType       type,
                   const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && ADW_IS_PREFERENCES_ROW (root) &&
      (title == NULL || g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = gui_test_find_row (child, type, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

void
gui_test_collect_widgets (GtkWidget *widget,
                          GType      type,
                          GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    {
      g_ptr_array_add (found, widget);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gui_test_collect_widgets (child, type, found);
}
