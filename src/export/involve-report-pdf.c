/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-export"

#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>

#include "involve-definitions.h"
#include "involve-export.h"
#include "involve-export-file.h"
#include "involve-report-pdf.h"
#include "involve-store-involvement.h"

#define PAGE_WIDTH  595.276
#define PAGE_HEIGHT 841.890
#define MARGIN      56.0
#define BOTTOM      (PAGE_HEIGHT - MARGIN - 18.0)
#define TEXT_WIDTH  (PAGE_WIDTH - 2 * MARGIN)

static const double color_text[3] = { 0.10, 0.11, 0.13 };
static const double color_heading[3] = { 0.00, 0.25, 0.48 };
static const double color_muted[3] = { 0.36, 0.38, 0.42 };
static const double color_rule[3] = { 0.69, 0.72, 0.77 };
static const double color_shade[3] = { 0.91, 0.93, 0.96 };
/* Bars: dark enough for contrast on white (WCAG 3:1 for graphics). */
static const double color_bar[3] = { 0.00, 0.37, 0.72 };

/* A simple flow of blocks down A4 pages: each block is measured before it
 * is drawn, and starts a new page when it does not fit. */
typedef struct
{
  cairo_surface_t *surface;
  cairo_t         *cr;
  PangoContext    *context;
  double           y;
  guint            page;
  char            *footer;
} Flow;

static PangoLayout *
flow_layout (Flow       *flow,
             const char *text,
             const char *font,
             double      width)
{
  g_autoptr(PangoFontDescription) description = pango_font_description_from_string (font);
  PangoLayout *layout = pango_layout_new (flow->context);

  pango_layout_set_font_description (layout, description);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text != NULL ? text : "", -1);
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int w, h;

  pango_layout_get_size (layout, &w, &h);
  return (double) h / PANGO_SCALE;
}

static void
flow_footer (Flow *flow)
{
  g_autoptr(PangoLayout) layout = NULL;
  g_autofree char *text = g_strdup_printf (_("%s · page %u"), flow->footer, flow->page);

  layout = flow_layout (flow, text, "Sans 7", TEXT_WIDTH);
  cairo_set_source_rgb (flow->cr, color_muted[0], color_muted[1], color_muted[2]);
  cairo_move_to (flow->cr, MARGIN, PAGE_HEIGHT - MARGIN + 4);
  pango_cairo_show_layout (flow->cr, layout);
}

static void
flow_new_page (Flow *flow)
{
  flow_footer (flow);
  cairo_show_page (flow->cr);
  flow->page++;
  flow->y = MARGIN;
}

static void
flow_need (Flow   *flow,
           double  height)
{
  if (flow->y + height > BOTTOM && flow->y > MARGIN)
    flow_new_page (flow);
}

static void
flow_text (Flow         *flow,
           const char   *text,
           const char   *font,
           const double *color,
           double        indent,
           double        space_after)
{
  g_autoptr(PangoLayout) layout = flow_layout (flow, text, font, TEXT_WIDTH - indent);
  double height = layout_height (layout);
  PangoLayoutIter *iter;

  if (height <= BOTTOM - MARGIN)
    {
      flow_need (flow, height);
      cairo_set_source_rgb (flow->cr, color[0], color[1], color[2]);
      cairo_move_to (flow->cr, MARGIN + indent, flow->y);
      pango_cairo_show_layout (flow->cr, layout);
      flow->y += height + space_after;
      return;
    }

  /* Longer than a page: line by line, so nothing runs off the bottom. */
  iter = pango_layout_get_iter (layout);
  do
    {
      PangoLayoutLine *line = pango_layout_iter_get_line_readonly (iter);
      PangoRectangle logical;
      double line_height;

      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      line_height = (double) logical.height / PANGO_SCALE;
      flow_need (flow, line_height);
      cairo_set_source_rgb (flow->cr, color[0], color[1], color[2]);
      cairo_move_to (flow->cr, MARGIN + indent,
                     flow->y + (double) pango_layout_iter_get_baseline (iter) / PANGO_SCALE
                     - (double) logical.y / PANGO_SCALE);
      pango_cairo_show_layout_line (flow->cr, line);
      flow->y += line_height;
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
  flow->y += space_after;
}

static void
flow_heading (Flow       *flow,
              const char *text)
{
  /* Keep a heading with what follows it. */
  flow_need (flow, 80);
  flow->y += 8;
  flow_text (flow, text, "Sans Bold 13", color_heading, 0, 2);
  cairo_set_source_rgb (flow->cr, color_rule[0], color_rule[1], color_rule[2]);
  cairo_set_line_width (flow->cr, 0.6);
  cairo_move_to (flow->cr, MARGIN, flow->y);
  cairo_line_to (flow->cr, MARGIN + TEXT_WIDTH, flow->y);
  cairo_stroke (flow->cr);
  flow->y += 6;
}

/* One table row: cells of @widths (fractions of the text width). */
static void
flow_row (Flow               *flow,
          const char * const *cells,
          const double       *widths,
          guint               n,
          gboolean            header)
{
  PangoLayout *layouts[8];
  double height = 0, x = MARGIN;
  const char *font = header ? "Sans Bold 8" : "Sans 8";

  g_assert (n <= G_N_ELEMENTS (layouts));
  for (guint i = 0; i < n; i++)
    {
      layouts[i] = flow_layout (flow, cells[i], font, widths[i] * TEXT_WIDTH - 6);
      height = MAX (height, layout_height (layouts[i]));
    }
  height += 5;
  if (height > BOTTOM - MARGIN)
    {
      /* A row taller than a page: its cells one after another, each
       * flowing over pages, rather than cut off. */
      for (guint i = 0; i < n; i++)
        {
          flow_text (flow, cells[i], font, color_text, 0, 4);
          g_object_unref (layouts[i]);
        }
      return;
    }
  flow_need (flow, height);
  if (header)
    {
      cairo_set_source_rgb (flow->cr, color_shade[0], color_shade[1], color_shade[2]);
      cairo_rectangle (flow->cr, MARGIN, flow->y, TEXT_WIDTH, height);
      cairo_fill (flow->cr);
    }
  for (guint i = 0; i < n; i++)
    {
      cairo_set_source_rgb (flow->cr, color_text[0], color_text[1], color_text[2]);
      cairo_move_to (flow->cr, x + 3, flow->y + 2.5);
      pango_cairo_show_layout (flow->cr, layouts[i]);
      x += widths[i] * TEXT_WIDTH;
      g_object_unref (layouts[i]);
    }
  flow->y += height;
  cairo_set_source_rgb (flow->cr, color_rule[0], color_rule[1], color_rule[2]);
  cairo_set_line_width (flow->cr, 0.4);
  cairo_move_to (flow->cr, MARGIN, flow->y);
  cairo_line_to (flow->cr, MARGIN + TEXT_WIDTH, flow->y);
  cairo_stroke (flow->cr);
}

static gboolean
flow_begin (Flow        *flow,
            const char  *temp_path,
            const char  *title,
            const char  *footer)
{
  PangoFontMap *map;

  memset (flow, 0, sizeof *flow);
  flow->surface = cairo_pdf_surface_create (temp_path, PAGE_WIDTH, PAGE_HEIGHT);
  cairo_pdf_surface_set_metadata (flow->surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (flow->surface, CAIRO_PDF_METADATA_CREATOR, "Involve " PACKAGE_VERSION);
  flow->cr = cairo_create (flow->surface);
  map = pango_cairo_font_map_get_default ();
  flow->context = pango_font_map_create_context (map);
  pango_cairo_update_context (flow->cr, flow->context);
  flow->y = MARGIN;
  flow->page = 1;
  flow->footer = g_strdup (footer);
  return TRUE;
}

/* Finishes the document and moves it into place. */
static gboolean
flow_end (Flow        *flow,
          const char  *temp_path,
          const char  *path,
          GError     **error)
{
  cairo_status_t status;

  flow_footer (flow);
  cairo_show_page (flow->cr);
  status = cairo_status (flow->cr);
  cairo_destroy (flow->cr);
  cairo_surface_finish (flow->surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (flow->surface);
  cairo_surface_destroy (flow->surface);
  g_object_unref (flow->context);
  g_free (flow->footer);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FAILED,
                   _("Cannot write “%s”: %s"), path, cairo_status_to_string (status));
      g_unlink (temp_path);
      return FALSE;
    }
  return _involve_export_move_into_place (temp_path, path, error);
}

/* Charts */

/* A horizontal bar chart of @section's figures (all of them, or only
 * those with a count when @skip_zero), scaled to the largest. */
static void
flow_chart (Flow                      *flow,
            const InvolveAnnualReport *report,
            const char                *section,
            gboolean                   people,
            gboolean                   skip_zero)
{
  const double label_width = TEXT_WIDTH * 0.45;
  const double bar_left = MARGIN + label_width + 6;
  const double bar_max = TEXT_WIDTH - label_width - 6 - 84;   /* room for "999 (99999 people)" */
  gint64 largest = 0;

  for (guint i = 0; i < report->figures->len; i++)
    {
      const InvolveReportFigure *figure = report->figures->pdata[i];

      if (g_str_equal (figure->section, section))
        largest = MAX (largest, figure->count);
    }
  if (skip_zero && largest == 0)
    {
      flow_text (flow, _("None in the year."), "Sans 8", color_muted, 0, 6);
      return;
    }

  for (guint i = 0; i < report->figures->len; i++)
    {
      const InvolveReportFigure *figure = report->figures->pdata[i];
      g_autoptr(PangoLayout) label = NULL;
      g_autoptr(PangoLayout) value = NULL;
      g_autofree char *number = NULL;
      double height, bar;

      if (!g_str_equal (figure->section, section) || (skip_zero && figure->count == 0))
        continue;
      label = flow_layout (flow, figure->label, "Sans 8", label_width);
      if (people && figure->people > 0)
        number = g_strdup_printf (_("%" PRId64 " (%" PRId64 " people)"), figure->count, figure->people);
      else
        number = g_strdup_printf ("%" PRId64, figure->count);
      value = flow_layout (flow, number, "Sans Bold 8", 120);
      height = MAX (layout_height (label), 11) + 4;
      flow_need (flow, height);

      cairo_set_source_rgb (flow->cr, color_text[0], color_text[1], color_text[2]);
      cairo_move_to (flow->cr, MARGIN, flow->y);
      pango_cairo_show_layout (flow->cr, label);
      bar = largest > 0 ? bar_max * (double) figure->count / (double) largest : 0;
      cairo_set_source_rgb (flow->cr, color_shade[0], color_shade[1], color_shade[2]);
      cairo_rectangle (flow->cr, bar_left, flow->y + 1, bar_max, 9);
      cairo_fill (flow->cr);
      cairo_set_source_rgb (flow->cr, color_bar[0], color_bar[1], color_bar[2]);
      cairo_rectangle (flow->cr, bar_left, flow->y + 1, bar, 9);
      cairo_fill (flow->cr);
      cairo_set_source_rgb (flow->cr, color_text[0], color_text[1], color_text[2]);
      cairo_move_to (flow->cr, bar_left + bar + 4, flow->y);
      pango_cairo_show_layout (flow->cr, value);
      flow->y += height;
    }
  flow->y += 6;
}

static gint64
figure_count (const InvolveAnnualReport *report,
              const char                *id)
{
  const InvolveReportFigure *figure = involve_annual_report_lookup (report, id);

  return figure != NULL ? figure->count : 0;
}

static char *
join_references (const InvolveReportFigure *figure)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < figure->references->len; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      g_string_append (out, figure->references->pdata[i]);
    }
  return g_string_free (out, FALSE);
}

static char *
format_day (const char *iso)
{
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *with_time = g_strconcat (iso, "T00:00:00Z", NULL);

  when = g_date_time_new_from_iso8601 (with_time, NULL);
  return when != NULL ? g_date_time_format (when, "%-d %B %Y") : g_strdup (iso);
}

gboolean
involve_report_write_pdf (const InvolveAnnualReport *report,
                          const char                *path,
                          GError                   **error)
{
  g_autofree char *temp_path = NULL;
  g_autofree char *title = NULL;
  g_autofree char *footer = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autofree char *line = NULL;
  g_autofree char *computed = NULL;
  g_autoptr(GDateTime) computed_at = NULL;
  const double widths[] = { 0.50, 0.12, 0.38 };
  const char *sections[][3] = {
    { "outcome", N_("Decisions by outcome"), N_("Every decision signed off in the year, by the outcome of the three-step test.") },
    { "limb", N_("Where the duty applied, by limb"), N_("A decision may fall under more than one limb.") },
    { "does-not-apply", N_("Where the duty did not apply: was involvement still beneficial?"), NULL },
    { "involvement", N_("Involvement done and what came of it"), N_("Activities that started in the year; feedback, responses and evaluations of the records they belong to.") },
    { "method", N_("Activities by method"), N_("Number of activities (people reached).") },
    { "group", N_("Reach: seldom-heard groups"), N_("Activities that reached each group (people reached by them). Groups no activity reached are shown too.") },
    { "characteristic", N_("Reach: protected characteristics"), NULL },
    { "partner", N_("Partners"), NULL },
  };

  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  temp_path = _involve_export_make_temp (path, error);
  if (temp_path == NULL)
    return FALSE;

  title = g_strdup_printf (_("The duty to involve: annual report %s"), report->year);
  footer = g_strdup_printf (_("%s · %s · audit entry %" PRId64), title,
                            report->organisation != NULL ? report->organisation : _("all organisations"),
                            report->as_of_entry);
  {
    Flow flow;

    flow_begin (&flow, temp_path, title, footer);
    flow_text (&flow, title, "Sans Bold 18", color_heading, 0, 4);
    first = format_day (report->first_day);
    last = format_day (report->last_day);
    line = g_strdup_printf (_("Financial year %s to %s · %s"), first, last,
                            report->organisation != NULL ? report->organisation : _("All organisations in the register"));
    flow_text (&flow, line, "Sans 10", color_text, 0, 4);
    computed_at = g_date_time_new_from_unix_utc (report->computed_usec / G_USEC_PER_SEC);
    computed = g_date_time_format (computed_at, "%Y-%m-%d %H:%M UTC");
    g_free (line);
    line = g_strdup_printf (_("Computed on %s from the register as it stood at audit entry %" PRId64 " (hash %s). "
                              "Computed again at that entry (involve-cli report --as-of-entry %" PRId64 "), "
                              "it gives the same figures, whatever was changed since."),
                            computed, report->as_of_entry,
                            report->as_of_hash != NULL ? report->as_of_hash : "-", report->as_of_entry);
    flow_text (&flow, line, "Sans 8", color_muted, 0, 8);

    /* Key figures. */
    flow_heading (&flow, _("Summary"));
    {
      const char *key[][2] = {
        { "decisions", NULL }, { "outcome-applies", NULL }, { "outcome-does-not-apply", NULL },
        { "urgent", NULL }, { "notifiable-reconfiguration", NULL }, { "activities", NULL },
        { "you-said-we-did", NULL },
      };
      const char *header[] = { _("Figure"), _("Number"), _("Records behind it") };

      flow_row (&flow, header, widths, 3, TRUE);
      for (guint i = 0; i < G_N_ELEMENTS (key); i++)
        {
          const InvolveReportFigure *figure = involve_annual_report_lookup (report, key[i][0]);
          g_autofree char *number = NULL;
          g_autofree char *refs = NULL;
          const char *cells[3];

          if (figure == NULL)
            continue;
          number = figure->people > 0
                   ? g_strdup_printf (_("%" PRId64 " (%" PRId64 " people)"), figure->count, figure->people)
                   : g_strdup_printf ("%" PRId64, figure->count);
          refs = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u record (see the appendix)",
                                               "%u records (see the appendix)", figure->references->len),
                                  figure->references->len);
          cells[0] = figure->label;
          cells[1] = number;
          cells[2] = refs;
          flow_row (&flow, cells, widths, 3, FALSE);
        }
      flow.y += 6;
    }

    for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
      {
        gboolean people = g_str_equal (sections[s][0], "method") || g_str_equal (sections[s][0], "group") ||
                          g_str_equal (sections[s][0], "characteristic") || g_str_equal (sections[s][0], "partner") ||
                          g_str_equal (sections[s][0], "involvement");

        flow_heading (&flow, _(sections[s][1]));
        if (sections[s][2] != NULL)
          flow_text (&flow, _(sections[s][2]), "Sans 8", color_muted, 0, 4);
        flow_chart (&flow, report, sections[s][0], people, g_str_equal (sections[s][0], "method"));
      }

    flow_heading (&flow, _("Urgency and notifiable reconfigurations"));
    g_free (line);
    line = g_strdup_printf (_("Decisions where urgency was claimed: %" PRId64 " (where the duty applied: %" PRId64 "). "
                              "Notifiable reconfigurations: %" PRId64 "."),
                            figure_count (report, "urgent"), figure_count (report, "urgent-applies"),
                            figure_count (report, "notifiable-reconfiguration"));
    flow_text (&flow, line, "Sans 9", color_text, 0, 6);

    /* Appendix A: the records behind each figure. */
    flow_new_page (&flow);
    flow_heading (&flow, _("Appendix A: the records behind each figure"));
    {
      const double appendix_widths[] = { 0.38, 0.13, 0.49 };
      const char *header[] = { _("Figure"), _("Number"), _("Records") };

      flow_row (&flow, header, appendix_widths, 3, TRUE);
      for (guint i = 0; i < report->figures->len; i++)
        {
          const InvolveReportFigure *figure = report->figures->pdata[i];
          g_autofree char *number = g_strdup_printf ("%" PRId64, figure->count);
          g_autofree char *refs = NULL;
          const char *cells[3];

          if (figure->count == 0)
            continue;
          refs = join_references (figure);
          cells[0] = figure->label;
          cells[1] = number;
          cells[2] = refs;
          flow_row (&flow, cells, appendix_widths, 3, FALSE);
        }
    }

    /* Appendix B: each decision. */
    flow.y += 10;
    flow_heading (&flow, _("Appendix B: the decisions counted"));
    {
      const double decision_widths[] = { 0.18, 0.29, 0.14, 0.14, 0.25 };
      const char *header[] = { _("Record"), _("Title and organisation"), _("Decided"),
                               _("Outcome"), _("Notes") };

      flow_row (&flow, header, decision_widths, 5, TRUE);
      for (guint i = 0; i < report->decisions->len; i++)
        {
          const InvolveReportDecision *d = report->decisions->pdata[i];
          g_autofree char *record = g_strdup_printf (_("%s v%u"), d->reference, d->version);
          g_autofree char *what = g_strdup_printf ("%s\n— %s", d->title != NULL ? d->title : _("(untitled)"),
                                                   d->organisation != NULL ? d->organisation : "");
          g_autofree char *outcome = NULL;
          GString *notes = g_string_new (NULL);
          const char *cells[5];

          if (g_strcmp0 (d->outcome, "applies") == 0)
            outcome = d->limbs != NULL ? g_strdup_printf (_("Applies (limb %s)"), d->limbs) : g_strdup (_("Applies"));
          else if (g_strcmp0 (d->outcome, "does-not-apply") == 0)
            outcome = g_strdup (_("Does not apply"));
          else
            outcome = g_strdup (_("Not derived"));
          if (d->urgent)
            g_string_append_printf (notes, "%s\n", _("Urgency claimed."));
          if (d->notifiable_reconfiguration)
            g_string_append_printf (notes, "%s\n", _("Notifiable reconfiguration."));
          if (g_strcmp0 (d->beneficial, "yes") == 0)
            g_string_append_printf (notes, _("Involvement judged beneficial: %s\n"),
                                    d->beneficial_reason != NULL ? d->beneficial_reason : "");
          else if (g_strcmp0 (d->beneficial, "no") == 0)
            g_string_append_printf (notes, _("Involvement judged not beneficial: %s\n"),
                                    d->beneficial_reason != NULL ? d->beneficial_reason : "");
          if (d->n_activities > 0)
            g_string_append_printf (notes, _("Involvement in the year: %u activities (%s), %" PRId64 " people reached.\n"),
                                    d->n_activities, d->methods != NULL ? d->methods : "", d->people);
          else if (g_strcmp0 (d->outcome, "applies") == 0)
            g_string_append_printf (notes, "%s\n", _("No involvement logged in the year."));
          cells[0] = record;
          cells[1] = what;
          cells[2] = d->review_date;
          cells[3] = outcome;
          g_strchomp (notes->str);
          cells[4] = notes->str;
          flow_row (&flow, cells, decision_widths, 5, FALSE);
          g_string_free (notes, TRUE);
        }
      if (report->decisions->len == 0)
        flow_text (&flow, _("No decisions were signed off in the year."), "Sans 9", color_muted, 0, 4);
    }

    return flow_end (&flow, temp_path, path, error);
  }
}

gboolean
involve_report_write_csv (const InvolveAnnualReport *report,
                          const char                *path,
                          GError                   **error)
{
  g_autofree char *csv = involve_annual_report_to_csv (report);
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents (path, csv, -1, &local_error))
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_IO,
                   _("Cannot write “%s”: %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

InvolveAnnualReport *
involve_export_annual_report (InvolveStore  *store,
                              const char    *year,
                              const char    *organisation,
                              gint64         as_of_entry,
                              const char    *pdf_path,
                              const char    *csv_path,
                              GError       **error)
{
  g_autoptr(InvolveAnnualReport) report = NULL;
  g_autofree char *details = NULL;
  GString *written = g_string_new (NULL);

  g_return_val_if_fail (INVOLVE_IS_STORE (store), NULL);

  report = involve_store_compute_report (store, year, organisation, as_of_entry, error);
  if (report == NULL)
    {
      g_string_free (written, TRUE);
      return NULL;
    }
  if ((pdf_path != NULL && !involve_report_write_pdf (report, pdf_path, error)) ||
      (csv_path != NULL && !involve_report_write_csv (report, csv_path, error)))
    {
      g_string_free (written, TRUE);
      return NULL;
    }
  if (pdf_path != NULL)
    {
      g_autofree char *name = g_path_get_basename (pdf_path);

      g_string_append_printf (written, "“%s”", name);
    }
  if (csv_path != NULL)
    {
      g_autofree char *name = g_path_get_basename (csv_path);

      g_string_append_printf (written, "%s“%s”", written->len > 0 ? ", " : "", name);
    }
  details = g_strdup_printf (_("Annual report %s (%s) written to %s, computed at audit entry %" PRId64 " (%s)"),
                             report->year,
                             report->organisation != NULL ? report->organisation : _("all organisations"),
                             written->str, report->as_of_entry,
                             report->as_of_hash != NULL ? report->as_of_hash : "-");
  g_string_free (written, TRUE);
  if ((pdf_path != NULL || csv_path != NULL) &&
      !involve_store_log_event (store, INVOLVE_AUDIT_EXPORT, NULL, 0, details, error))
    return NULL;
  return g_steal_pointer (&report);
}

/* "You said, we did" */

static const char *
item_label (const char *list_id,
            const char *item_id)
{
  InvolveDefinitions *defs = involve_definitions_get_default (NULL);
  const InvolveReferenceList *list = defs != NULL ? involve_definitions_lookup_reference_list (defs, list_id) : NULL;
  const InvolveReferenceItem *item = list != NULL ? involve_reference_list_lookup_item (list, item_id) : NULL;

  return item != NULL ? item->label : item_id;
}

static char *
labels (const char *list_id,
        GStrv       items)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (out, "; ");
      g_string_append (out, item_label (list_id, items[i]));
    }
  return g_string_free (out, FALSE);
}

/* Entries in force: not superseded, not withdrawals. */
static GPtrArray *
current_entries (InvolveStore   *store,
                 const char     *uuid,
                 InvolveLogKind  kind,
                 GError        **error)
{
  g_autoptr(GPtrArray) all = involve_store_list_log_entries (store, uuid, kind, 0, error);
  GPtrArray *current;

  if (all == NULL)
    return NULL;
  current = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_log_entry_free);
  for (guint i = 0; i < all->len; i++)
    {
      InvolveLogEntry *entry = all->pdata[i];

      if (entry->superseded_by == 0 && !entry->retracted)
        g_ptr_array_add (current, involve_log_entry_copy (entry));
    }
  return current;
}

/* The id an entry's corrections trace back to, so a response that named
 * a theme still finds it after the theme was corrected. */
static const InvolveLogEntry *
find_current (GPtrArray *entries,
              GPtrArray *all,
              gint64     id)
{
  for (guint guard = 0; id != 0 && guard < 1000; guard++)
    {
      gint64 next = 0;

      for (guint i = 0; i < entries->len; i++)
        {
          const InvolveLogEntry *entry = entries->pdata[i];

          if (entry->id == id)
            return entry;
        }
      for (guint i = 0; i < all->len; i++)
        {
          const InvolveLogEntry *entry = all->pdata[i];

          if (entry->id == id)
            next = entry->superseded_by;
        }
      id = next;
    }
  return NULL;
}

gboolean
involve_export_you_said_we_did (InvolveStore  *store,
                                const char    *uuid,
                                const char    *path,
                                GError       **error)
{
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GPtrArray) activities = NULL;
  g_autoptr(GPtrArray) feedback = NULL;
  g_autoptr(GPtrArray) all_feedback = NULL;
  g_autoptr(GPtrArray) responses = NULL;
  g_autoptr(GPtrArray) evaluations = NULL;
  g_autofree char *temp_path = NULL;
  g_autofree char *title = NULL;
  g_autofree char *footer = NULL;
  g_autofree char *details = NULL;
  g_autofree char *basename = NULL;
  const char *record_title;
  const char *organisation;
  const char *description;
  guint version;
  Flow flow;

  g_return_val_if_fail (INVOLVE_IS_STORE (store), FALSE);
  g_return_val_if_fail (uuid != NULL && path != NULL, FALSE);

  version = involve_store_get_loggable_version (store, uuid, error);
  if (version == 0)
    return FALSE;
  record = involve_store_load_record (store, uuid, version, error);
  if (record == NULL)
    return FALSE;
  activities = current_entries (store, uuid, INVOLVE_LOG_ACTIVITY, error);
  feedback = activities != NULL ? current_entries (store, uuid, INVOLVE_LOG_FEEDBACK, error) : NULL;
  all_feedback = feedback != NULL ? involve_store_list_log_entries (store, uuid, INVOLVE_LOG_FEEDBACK, 0, error) : NULL;
  responses = all_feedback != NULL ? current_entries (store, uuid, INVOLVE_LOG_RESPONSE, error) : NULL;
  evaluations = responses != NULL ? current_entries (store, uuid, INVOLVE_LOG_EVALUATION, error) : NULL;
  if (evaluations == NULL)
    return FALSE;

  temp_path = _involve_export_make_temp (path, error);
  if (temp_path == NULL)
    return FALSE;

  record_title = involve_record_get_string (record, "title");
  organisation = involve_record_get_string (record, "organisation-name");
  description = involve_record_get_string (record, "b1-title-description");
  title = g_strdup_printf (_("You said, we did: %s"), record_title != NULL ? record_title : involve_record_get_reference (record));
  footer = g_strdup_printf (_("%s · %s"), involve_record_get_reference (record),
                            organisation != NULL ? organisation : "");

  flow_begin (&flow, temp_path, title, footer);
  flow_text (&flow, _("You said, we did"), "Sans Bold 20", color_heading, 0, 2);
  flow_text (&flow, record_title != NULL ? record_title : involve_record_get_reference (record),
             "Sans Bold 13", color_text, 0, 2);
  if (organisation != NULL)
    flow_text (&flow, organisation, "Sans 10", color_muted, 0, 2);
  if (description != NULL && g_strcmp0 (description, record_title) != 0)
    flow_text (&flow, description, "Sans 10", color_text, 0, 6);
  flow_text (&flow, _("Thank you to everybody who took part. This is what we heard, what we did about it, and what happened next."),
             "Sans 10", color_text, 0, 6);

  flow_heading (&flow, _("How we involved people"));
  if (activities->len == 0)
    flow_text (&flow, _("No activities have been recorded yet."), "Sans 9", color_muted, 0, 4);
  for (guint i = 0; i < activities->len; i++)
    {
      const InvolveLogEntry *a = activities->pdata[i];
      g_autofree char *when = NULL;
      g_autofree char *who = NULL;
      g_autofree char *partners = NULL;
      g_autofree char *line = NULL;

      when = a->end_date != NULL ? g_strdup_printf (_("%s to %s"), a->start_date, a->end_date) : g_strdup (a->start_date);
      line = g_strdup_printf (a->reach > 0 ? _("%s (%s): %" PRId64 " people took part") : _("%s (%s)"),
                              item_label (INVOLVE_LOG_LIST_METHODS, a->method), when, a->reach);
      flow_text (&flow, line, "Sans Bold 9", color_text, 0, 1);
      flow_text (&flow, a->description, "Sans 9", color_text, 10, 1);
      who = labels (INVOLVE_LOG_LIST_GROUPS, a->groups);
      if (*who != '\0')
        {
          g_autofree char *text = g_strdup_printf (_("We reached out to: %s"), who);

          flow_text (&flow, text, "Sans 8", color_muted, 10, 1);
        }
      partners = labels (INVOLVE_LOG_LIST_PARTNERS, a->partner_types);
      if (*partners != '\0' || a->partners != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("With: %s%s%s"), partners,
                                                   *partners != '\0' && a->partners != NULL ? " — " : "",
                                                   a->partners != NULL ? a->partners : "");

          flow_text (&flow, text, "Sans 8", color_muted, 10, 1);
        }
      flow.y += 5;
    }

  flow_heading (&flow, _("What you told us"));
  if (feedback->len == 0)
    flow_text (&flow, _("No feedback has been recorded yet."), "Sans 9", color_muted, 0, 4);
  for (guint i = 0; i < feedback->len; i++)
    {
      const InvolveLogEntry *f = feedback->pdata[i];
      g_autofree char *line = f->responses > 0
                              ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (%" PRId64 " person said this)",
                                                              "%s (%" PRId64 " people said this)", (gulong) f->responses),
                                                 f->theme, f->responses)
                              : g_strdup (f->theme);

      flow_text (&flow, line, "Sans Bold 9", color_text, 0, 1);
      if (f->summary != NULL)
        flow_text (&flow, f->summary, "Sans 9", color_text, 10, 5);
    }

  flow_heading (&flow, _("You said, we did"));
  if (responses->len == 0)
    flow_text (&flow, _("No responses have been recorded yet."), "Sans 9", color_muted, 0, 4);
  else
    {
      const double widths[] = { 0.5, 0.5 };
      const char *header[] = { _("You said"), _("We did") };

      flow_row (&flow, header, widths, 2, TRUE);
      for (guint i = 0; i < responses->len; i++)
        {
          const InvolveLogEntry *r = responses->pdata[i];
          g_autofree char *did = r->not_taken_reason != NULL
                                 ? g_strdup_printf (_("%s\nWhy we did not do what was asked: %s"), r->we_did, r->not_taken_reason)
                                 : g_strdup (r->we_did);
          const InvolveLogEntry *theme = find_current (feedback, all_feedback, r->feedback_id);
          g_autofree char *said = theme != NULL ? g_strdup_printf ("%s\n(%s)", r->you_said, theme->theme)
                                                : g_strdup (r->you_said);
          const char *cells[] = { said, did };

          flow_row (&flow, cells, widths, 2, FALSE);
        }
    }

  flow_heading (&flow, _("What difference it made"));
  if (evaluations->len == 0)
    flow_text (&flow, _("The impact has not been evaluated yet."), "Sans 9", color_muted, 0, 4);
  for (guint i = 0; i < evaluations->len; i++)
    {
      const InvolveLogEntry *e = evaluations->pdata[i];
      g_autofree char *line = g_strdup_printf (_("Evaluated on %s"), e->evaluated_on);

      flow_text (&flow, line, "Sans Bold 9", color_text, 0, 1);
      flow_text (&flow, e->impact, "Sans 9", color_text, 10, 5);
    }

  if (!flow_end (&flow, temp_path, path, error))
    return FALSE;

  basename = g_path_get_basename (path);
  details = g_strdup_printf (_("“You said, we did” PDF written to “%s”"), basename);
  return involve_store_log_event (store, INVOLVE_AUDIT_EXPORT, uuid, version, details, error);
}
