/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "involve-xml.h"
#include "export-test-util.h"

/*
 * The limits the streaming pass checks as it reads (involve-xml-limits.c):
 * each hostile file is refused as HOSTILE, naming the limit, and a file
 * just inside them is not refused for it.  How fast and small the refusal
 * of a 63 MiB file is, bench-xml-import measures.
 */

#define ROOT_OPEN "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
  "<involve-exchange xmlns=\"urn:involve:exchange:1\" format-version=\"1\">"
#define ROOT_CLOSE "</involve-exchange>\n"

static GBytes *
repeated (const char *open,
          const char *unit,
          guint       n,
          const char *close)
{
  GString *out = g_string_sized_new (strlen (unit) * n + 256);

  g_string_append (out, open);
  for (guint i = 0; i < n; i++)
    g_string_append (out, unit);
  g_string_append (out, close);
  return g_string_free_to_bytes (out);
}

static void
assert_hostile (GBytes     *bytes,
                const char *says)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = involve_xml_parse (bytes, "hostile.xml", &error);

  g_assert_null (records);
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_HOSTILE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, says));
}

/* Refused for the schema (an unknown element), not for a limit. */
static void
assert_not_hostile (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = involve_xml_parse (bytes, "inside.xml", &error);

  g_assert_null (records);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_false (g_error_matches (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_HOSTILE));
}

static void
test_too_many_elements (void)
{
  g_autoptr(GBytes) over = repeated (ROOT_OPEN, "<a/>", INVOLVE_EXPORT_MAX_ELEMENTS, ROOT_CLOSE);
  g_autoptr(GBytes) inside = repeated (ROOT_OPEN, "<a/>", 1000, ROOT_CLOSE);

  /* The root is one more element: one over the limit. */
  assert_hostile (over, "elements");
  assert_not_hostile (inside);
}

static void
test_too_deep (void)
{
  GString *deep = g_string_new (ROOT_OPEN);
  g_autoptr(GBytes) bytes = NULL;

  for (guint i = 0; i < INVOLVE_EXPORT_MAX_DEPTH; i++)
    g_string_append (deep, "<a>");
  for (guint i = 0; i < INVOLVE_EXPORT_MAX_DEPTH; i++)
    g_string_append (deep, "</a>");
  g_string_append (deep, ROOT_CLOSE);
  bytes = g_string_free_to_bytes (deep);
  assert_hostile (bytes, "deep");
}

static void
test_too_many_attributes (void)
{
  GString *element = g_string_new ("<a");
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *unit = NULL;

  for (guint i = 0; i <= INVOLVE_EXPORT_MAX_ATTRIBUTES; i++)
    g_string_append_printf (element, " x%u=\"1\"", i);
  g_string_append (element, "/>");
  unit = g_string_free (element, FALSE);
  bytes = repeated (ROOT_OPEN, unit, 1, ROOT_CLOSE);
  assert_hostile (bytes, "attributes");
}

static void
test_text_too_long (void)
{
  g_autofree char *text = g_strnfill (INVOLVE_EXPORT_MAX_TEXT_LENGTH + 1, 'x');
  g_autofree char *unit = g_strdup_printf ("<a>%s</a>", text);
  g_autoptr(GBytes) bytes = repeated (ROOT_OPEN, unit, 1, ROOT_CLOSE);
  g_autofree char *answer = g_strnfill (100000 * 7, 'y');
  g_autofree char *long_unit = g_strdup_printf ("<a>%s</a>", answer);
  g_autoptr(GBytes) long_answer = repeated (ROOT_OPEN, long_unit, 1, ROOT_CLOSE);

  assert_hostile (bytes, "longer than");
  /* A 100,000-word answer is not hostile. */
  assert_not_hostile (long_answer);
}

static void
test_doctype (void)
{
  g_autoptr(GBytes) bytes = repeated ("<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"aaaa\">]>\n"
                                      "<involve-exchange xmlns=\"urn:involve:exchange:1\">",
                                      "<a>&a;</a>", 10, ROOT_CLOSE);

  assert_hostile (bytes, "DTD");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/export/xml-limits/elements", test_too_many_elements);
  g_test_add_func ("/export/xml-limits/depth", test_too_deep);
  g_test_add_func ("/export/xml-limits/attributes", test_too_many_attributes);
  g_test_add_func ("/export/xml-limits/text", test_text_too_long);
  g_test_add_func ("/export/xml-limits/doctype", test_doctype);

  return g_test_run ();
}
