/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Accessibility checks for GUI tests (run them with GTK_A11Y=test, as
 * tests/meson.build does).
 *
 * involve_test_check_accessibility() walks the visible widgets under @root
 * and appends one line to @problems for each control (button, entry, text
 * view, check box, switch, drop-down, search field, spin button, slider,
 * link) that
 *   - has no accessible name: no label property, and no "labelled by" a
 *     widget with text (a button may take its name from a label inside it;
 *     an icon alone is not a name), or
 *   - cannot be reached with the keyboard: neither it nor a widget inside it
 *     can take the focus.
 * Insensitive and hidden widgets are skipped: check each page as it is shown.
 *
 * Returns the number of problems found.
 */
guint involve_test_check_accessibility (GtkWidget *root,
                                        GString   *problems);

G_END_DECLS
