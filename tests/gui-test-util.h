/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* What the GUI tests share: waiting for the main loop, finding widgets,
 * the accessibility check and screenshots. */

/* Runs the main loop for @ms milliseconds (at least one pass). */
void       gui_test_wait_ms          (guint        ms);
/* Fails on an input under @root without an accessible name or out of the
 * keyboard's reach (a11y-check.h), after letting the window settle;
 * @where says which page in the message. */
void       gui_test_check_a11y       (GtkWidget   *root,
                                      const char  *where);
/*
 * With INVOLVE_SCREENSHOT_DIR set, saves a PNG of @widget as it is now as
 * DIR/@name.  The widgets still draw with the cairo renderer the tests run
 * with (tests/meson.build), but the PNG is rendered with the GL renderer
 * (Mesa's llvmpipe under Xvfb): GTK 4.8's cairo renderer, rendering to a
 * texture, drops parts of some glyphs, such as the dot of an i.
 */
void       gui_test_screenshot       (GtkWidget   *widget,
                                      const char  *name);

/* The last shown toplevel window of @type, or NULL. */
GtkWidget *gui_test_find_toplevel    (GType        type);
/* The first button under @root (or @root) labelled @label, or NULL. */
GtkWidget *gui_test_find_button      (GtkWidget   *root,
                                      const char  *label);
/* The first widget of @type under @root whose label (a label's text, a
 * button's label) is @text, or NULL. */
GtkWidget *gui_test_find_labelled    (GtkWidget   *root,
                                      GType        type,
                                      const char  *text);
/* The first preferences row of @type under @root titled @title (NULL:
 * any), or NULL. */
GtkWidget *gui_test_find_row         (GtkWidget   *root,
                                      GType        type,
                                      const char  *title);
/* Adds the widgets of @type under @widget to @found, in order, but not
 * those inside them. */
void       gui_test_collect_widgets  (GtkWidget   *widget,
                                      GType        type,
                                      GPtrArray   *found);

G_END_DECLS
