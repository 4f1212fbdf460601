/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-pdf"

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "involve-assess.h"
#include "involve-export-file.h"
#include "involve-pdf-head.h"
#include "involve-pdf.h"
#include "involve-audit-text.h"

/*
 * How it works: build_blocks () turns the record into a list of blocks
 * (headings, paragraphs, table rows), each made of one or more cells
 * holding a Pango layout measured in points.  paginate () places them on
 * pages, cutting a block between two lines when it does not fit and
 * repeating a table's header row after a break.  draw_page () then draws
 * each placed slice line by line, so nothing is drawn twice and a PDF
 * text extractor sees every line exactly once, in reading order.
 */

#define MARGIN_X        56.0
#define MARGIN_TOP      62.0
#define MARGIN_BOTTOM   58.0
/* The signature box that involve-pdf-sign.c puts at the foot of the cover
 * reaches 100 pt above the page's bottom edge: the cover's text stops above it. */
#define COVER_BOTTOM    108.0
#define HEADER_BASE     34.0
#define FOOTER_OFFSET   30.0
#define CELL_PAD        4.0
#define MIN_SPLIT       24.0
/* Typed and system dates further apart than this are flagged on the cover. */
#define DATE_GAP_DAYS   3
/* A soft page break is skipped while the page is less full than this. */
#define SOFT_BREAK_FILL 0.35

#define FONT_SANS       "Noto Sans, DejaVu Sans, Sans"
#define FONT_MONO       "Noto Sans Mono, DejaVu Sans Mono, Monospace"

typedef struct
{
  double           top;
  double           bottom;
  double           baseline;
  double           x;
  PangoLayoutLine *line;
} LineInfo;

typedef struct
{
  PangoLayout *layout;
  double       x;       /* from the content's left edge */
  double       width;
  gboolean     header;  /* a TH rather than a TD */
  GArray      *lines;   /* LineInfo, y from the block's top */
} Cell;

typedef enum
{
  BLOCK_TEXT,
  BLOCK_ROW,
  BLOCK_PAGE_BREAK,
} BlockKind;

typedef struct _Block Block;
struct _Block
{
  BlockKind   kind;
  const char *tag;              /* structure tag of a text block */
  GPtrArray  *cells;            /* Cell* */
  double      height;
  double      space_before;
  double      rgb[3];
  gboolean    keep_with_next;
  gboolean    soft;             /* a page break skipped when the page is nearly empty */
  guint       table_id;         /* rows of one table share it */
  Block      *header;           /* the row to repeat after a page break */
  gboolean    is_header;
  gboolean    bordered;
  gboolean    rule_below;
  int         outline_level;    /* 0: not a bookmark */
  char       *outline_title;
};

typedef struct
{
  Block  *block;
  double  y0;        /* slice of the block, in the block's coordinates */
  double  y1;
  double  page_y;    /* where the slice starts on the page */
} Placement;

struct _InvolveEvidenceDocument
{
  GObject              parent_instance;

  InvolveDefinitions  *definitions;
  InvolveRecord       *record;
  InvolveEvidenceKind  kind;
  char                *fingerprint;
  char                *outcome;
  GStrv                citations;
  GStrv                reasons;
  GPtrArray           *versions;       /* InvolveRecord* */
  GStrv                version_fingerprints;
  GPtrArray           *audit;          /* InvolveAuditEntry* */
  GPtrArray           *imported_trails; /* InvolveImportedTrail* */
  gint64               generated_usec;
  char                *register_head;
  char                *register_head_description;

  PangoContext        *context;
  double               page_width;
  double               page_height;
  double               content_width;
  GPtrArray           *blocks;         /* Block* */
  GPtrArray           *pages;          /* GArray of Placement */
  GRegex              *redactions;     /* public version only */
  guint                next_table_id;
  gboolean             laid_out;
};

G_DEFINE_FINAL_TYPE (InvolveEvidenceDocument, involve_evidence_document, G_TYPE_OBJECT)

static const double color_text[3] = { 0.10, 0.11, 0.13 };
static const double color_heading[3] = { 0.00, 0.25, 0.48 };
static const double color_muted[3] = { 0.36, 0.38, 0.42 };
static const double color_rule[3] = { 0.69, 0.72, 0.77 };
static const double color_shade[3] = { 0.91, 0.93, 0.96 };
static const double color_warning[3] = { 0.70, 0.09, 0.09 };

/* Blocks and cells */

static void
cell_free (gpointer data)
{
  Cell *cell = data;

  g_clear_object (&cell->layout);
  g_clear_pointer (&cell->lines, g_array_unref);
  g_free (cell);
}

static void
block_free (gpointer data)
{
  Block *block = data;

  g_clear_pointer (&block->cells, g_ptr_array_unref);
  g_free (block->outline_title);
  g_free (block);
}

static void
measure_cell (Cell   *cell,
              double  pad)
{
  PangoLayoutIter *iter;

  cell->lines = g_array_new (FALSE, FALSE, sizeof (LineInfo));
  iter = pango_layout_get_iter (cell->layout);
  do
    {
      PangoRectangle logical;
      LineInfo info;
      int top, bottom;

      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      pango_layout_iter_get_line_yrange (iter, &top, &bottom);
      info.top = pad + (double) top / PANGO_SCALE;
      info.bottom = pad + (double) bottom / PANGO_SCALE;
      info.baseline = pad + (double) pango_layout_iter_get_baseline (iter) / PANGO_SCALE;
      info.x = pad + (double) logical.x / PANGO_SCALE;
      info.line = pango_layout_iter_get_line_readonly (iter);
      g_array_append_val (cell->lines, info);
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

/*
 * The public version: names and e-mail addresses of the people in the
 * record (completer, reviewers, the accounts and profiles in the audit
 * trail, every personal field) are removed wherever they appear, and so is
 * anything that looks like an e-mail address.
 */
static void
add_sensitive (GPtrArray  *words,
               const char *text)
{
  g_autofree char *trimmed = NULL;

  if (text == NULL)
    return;
  trimmed = g_strstrip (g_strdup (text));
  /* Very short strings would blank out ordinary words. */
  if (g_utf8_strlen (trimmed, -1) < 3)
    return;
  g_ptr_array_add (words, g_regex_escape_string (trimmed, -1));
}

static void
add_sensitive_value (GPtrArray *words,
                     GVariant  *value)
{
  if (value == NULL)
    return;
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    add_sensitive (words, g_variant_get_string (value, NULL));
  else if (g_variant_is_container (value))
    {
      gsize n = g_variant_n_children (value);

      for (gsize i = 0; i < n; i++)
        {
          g_autoptr(GVariant) child = g_variant_get_child_value (value, i);
          add_sensitive_value (words, child);
        }
    }
}

static int
compare_longest_first (gconstpointer a,
                       gconstpointer b)
{
  return (int) strlen (*(char * const *) b) - (int) strlen (*(char * const *) a);
}

static void
collect_personal_words (InvolveEvidenceDocument *self,
                        GPtrArray               *words,
                        InvolveRecord           *record)
{
  const InvolveSignOff *sign_off = involve_record_get_sign_off (record);
  g_auto(GStrv) field_ids = involve_record_dup_field_ids (record);

  for (guint i = 0; field_ids[i] != NULL; i++)
    {
      const InvolveField *field =
        involve_definitions_lookup_field (self->definitions, field_ids[i], NULL);

      if (field != NULL && field->personal)
        add_sensitive_value (words, involve_record_get_value (record, field_ids[i]));
    }
  if (sign_off != NULL)
    {
      add_sensitive (words, sign_off->reviewer_name);
      add_sensitive (words, sign_off->reviewer_email);
    }
}

static void
build_redactions (InvolveEvidenceDocument *self)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) pattern = g_string_new (NULL);

  collect_personal_words (self, words, self->record);
  for (guint i = 0; self->versions != NULL && i < self->versions->len; i++)
    collect_personal_words (self, words, g_ptr_array_index (self->versions, i));
  for (guint i = 0; self->audit != NULL && i < self->audit->len; i++)
    {
      const InvolveAuditEntry *entry = g_ptr_array_index (self->audit, i);

      add_sensitive (words, entry->account);
      add_sensitive (words, entry->profile);
    }
  for (guint i = 0; self->imported_trails != NULL && i < self->imported_trails->len; i++)
    {
      const InvolveImportedTrail *trail = g_ptr_array_index (self->imported_trails, i);

      for (guint j = 0; j < trail->entries->len; j++)
        {
          const InvolveAuditEntry *entry = g_ptr_array_index (trail->entries, j);

          add_sensitive (words, entry->account);
          add_sensitive (words, entry->profile);
        }
    }

  g_ptr_array_sort (words, compare_longest_first);
  g_string_append (pattern, "[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
  for (guint i = 0; i < words->len; i++)
    g_string_append_printf (pattern, "|\\b%s\\b", (const char *) g_ptr_array_index (words, i));

  g_clear_pointer (&self->redactions, g_regex_unref);
  self->redactions = g_regex_new (pattern->str, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
}

static char *
redact (InvolveEvidenceDocument *self,
        const char              *text)
{
  char *result = g_regex_replace_literal (self->redactions, text, -1, 0, _("[removed]"), 0, NULL);

  return result != NULL ? result : g_strdup (text);
}

static Cell *
make_cell (InvolveEvidenceDocument *self,
           const char              *text,
           gboolean                 is_markup,
           const char              *font,
           double                   x,
           double                   width,
           double                   pad)
{
  g_autoptr(PangoFontDescription) description = pango_font_description_from_string (font);
  Cell *cell = g_new0 (Cell, 1);

  cell->x = x;
  cell->width = width;
  cell->layout = pango_layout_new (self->context);
  pango_layout_set_font_description (cell->layout, description);
  pango_layout_set_width (cell->layout, (int) ((width - 2 * pad) * PANGO_SCALE));
  pango_layout_set_wrap (cell->layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_auto_dir (cell->layout, TRUE);
  if (is_markup)
    pango_layout_set_markup (cell->layout, text, -1);
  else if (self->redactions != NULL && text != NULL)
    {
      g_autofree char *redacted = redact (self, text);
      pango_layout_set_text (cell->layout, redacted, -1);
    }
  else
    pango_layout_set_text (cell->layout, text != NULL ? text : "", -1);

  measure_cell (cell, pad);
  return cell;
}

static double
cell_height (Cell   *cell,
             double  pad)
{
  const LineInfo *last;

  if (cell->lines->len == 0)
    return 2 * pad;
  last = &g_array_index (cell->lines, LineInfo, cell->lines->len - 1);
  return last->bottom + pad;
}

static Block *
add_block (InvolveEvidenceDocument *self,
           BlockKind                kind)
{
  Block *block = g_new0 (Block, 1);

  block->kind = kind;
  block->cells = g_ptr_array_new_with_free_func (cell_free);
  memcpy (block->rgb, color_text, sizeof block->rgb);
  g_ptr_array_add (self->blocks, block);
  return block;
}

static Block *
add_text (InvolveEvidenceDocument *self,
          const char              *tag,
          const char              *text,
          gboolean                 is_markup,
          const char              *font,
          const double             rgb[3],
          double                   space_before)
{
  Block *block = add_block (self, BLOCK_TEXT);
  Cell *cell = make_cell (self, text, is_markup, font, 0, self->content_width, 0);

  block->tag = tag;
  block->space_before = space_before;
  memcpy (block->rgb, rgb, sizeof block->rgb);
  g_ptr_array_add (block->cells, cell);
  block->height = cell_height (cell, 0);
  return block;
}

/* Always a new page; nothing needs one now, every break is soft. */
G_GNUC_UNUSED static void
add_page_break (InvolveEvidenceDocument *self)
{
  add_block (self, BLOCK_PAGE_BREAK);
}

/* A new page unless the one so far holds only a few lines: then what
 * follows goes on it rather than leaving it nearly empty. */
static void
add_soft_page_break (InvolveEvidenceDocument *self)
{
  add_block (self, BLOCK_PAGE_BREAK)->soft = TRUE;
}

static void
add_heading (InvolveEvidenceDocument *self,
             int                      level,
             const char              *title)
{
  static const char *tags[] = { NULL, "H1", "H2", "H3" };
  static const char *fonts[] = { NULL, FONT_SANS " Bold 16", FONT_SANS " Bold 12.5",
                                 FONT_SANS " Bold 10.5" };
  static const double spaces[] = { 0, 20, 14, 10 };
  Block *block;

  g_assert (level >= 1 && level <= 3);

  block = add_text (self, tags[level], title, FALSE, fonts[level], color_heading, spaces[level]);
  block->keep_with_next = TRUE;
  block->rule_below = (level == 1);
  if (level < 3)
    {
      block->outline_level = level;
      block->outline_title = g_strdup (title);
    }
}

static void
add_paragraph (InvolveEvidenceDocument *self,
               const char              *text)
{
  add_text (self, "P", text, FALSE, FONT_SANS " 10", color_text, 6);
}

/*
 * A table: widths are fractions of the content width.  Returns the table
 * id to pass to add_row ().
 */
static Block *
add_row_full (InvolveEvidenceDocument *self,
              guint                    table_id,
              Block                   *header,
              const double            *widths,
              guint                    n_cells,
              const char * const      *texts,
              gboolean                 first_is_header,
              gboolean                 bordered,
              const char              *first_font,
              const char              *font)
{
  Block *block = add_block (self, BLOCK_ROW);
  double x = 0;

  block->table_id = table_id;
  block->header = header;
  block->bordered = bordered;
  block->space_before = (header == NULL && !first_is_header) ? 8 : 0;
  for (guint i = 0; i < n_cells; i++)
    {
      double width = widths[i] * self->content_width;
      Cell *cell = make_cell (self, texts[i] != NULL ? texts[i] : "", FALSE,
                              i == 0 ? first_font : font, x, width, CELL_PAD);

      cell->header = (i == 0 && first_is_header);
      g_ptr_array_add (block->cells, cell);
      block->height = MAX (block->height, cell_height (cell, CELL_PAD));
      x += width;
    }
  return block;
}

static Block *
add_row (InvolveEvidenceDocument *self,
         guint                    table_id,
         Block                   *header,
         const double            *widths,
         guint                    n_cells,
         const char * const      *texts,
         gboolean                 first_is_header,
         gboolean                 bordered,
         const char              *font)
{
  return add_row_full (self, table_id, header, widths, n_cells, texts, first_is_header,
                       bordered, font, font);
}

/* A label and a fingerprint in monospace. */
static void
add_fingerprint_pair (InvolveEvidenceDocument *self,
                      guint                    table_id,
                      const char              *label,
                      const char              *fingerprint)
{
  static const double widths[] = { 0.27, 0.73 };
  const char *texts[] = { label, fingerprint != NULL ? fingerprint : "" };

  add_row_full (self, table_id, NULL, widths, 2, texts, TRUE, FALSE, FONT_SANS " 9.5",
                FONT_MONO " 8.5")->space_before = 0;
}

static Block *
add_table_header (InvolveEvidenceDocument *self,
                  guint                    table_id,
                  const double            *widths,
                  guint                    n_cells,
                  const char * const      *texts)
{
  Block *block = add_row (self, table_id, NULL, widths, n_cells, texts, FALSE, TRUE,
                          FONT_SANS " Bold 9");

  for (guint i = 0; i < block->cells->len; i++)
    ((Cell *) g_ptr_array_index (block->cells, i))->header = TRUE;
  block->is_header = TRUE;
  block->keep_with_next = TRUE;
  block->header = block;
  block->space_before = 8;
  return block;
}

/* A label and its value, as a two-column row without borders. */
static void
add_pair (InvolveEvidenceDocument *self,
          guint                    table_id,
          const char              *label,
          const char              *value)
{
  static const double widths[] = { 0.27, 0.73 };
  const char *texts[] = { label, value };
  Block *block = add_row (self, table_id, NULL, widths, 2, texts, TRUE, FALSE, FONT_SANS " 9.5");

  block->space_before = 0;
}

/* Values as words */

static char *
format_usec (gint64 usec)
{
  g_autoptr(GDateTime) utc = NULL;

  if (usec <= 0)
    return g_strdup (_("not recorded"));
  utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  if (utc == NULL)
    return g_strdup (_("not recorded"));
  /* Translators: a system time in the evidence PDF, see g_date_time_format () */
  return g_date_time_format (utc, _("%-d %B %Y, %H:%M:%S UTC"));
}

static char *
format_usec_short (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  if (utc == NULL)
    return g_strdup ("?");
  return g_date_time_format (utc, "%Y-%m-%d %H:%M:%S");
}

static const char *
option_label (InvolveEvidenceDocument *self,
              const InvolveField      *field,
              const char              *option_id)
{
  if (field->options != NULL)
    {
      for (guint i = 0; i < field->options->len; i++)
        {
          const InvolveOption *option = g_ptr_array_index (field->options, i);

          if (g_strcmp0 (option->id, option_id) == 0)
            return option->label;
        }
    }

  if (field->options_list != NULL)
    {
      const InvolveReferenceList *list =
        involve_definitions_lookup_reference_list (self->definitions, field->options_list);

      for (guint i = 0; list != NULL && list->items != NULL && i < list->items->len; i++)
        {
          const InvolveReferenceItem *item = g_ptr_array_index (list->items, i);

          if (g_strcmp0 (item->id, option_id) == 0)
            return item->label;
        }
    }

  return option_id;
}

static char *
value_to_text (InvolveEvidenceDocument *self,
               const InvolveField      *field,
               GVariant                *value)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (g_variant_get_boolean (value) ? _("Yes") : _("No"));

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      const char *text = g_variant_get_string (value, NULL);

      if (field->type == INVOLVE_FIELD_CHOICE)
        return g_strdup (option_label (self, field, text));
      return g_strdup (text);
    }

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autoptr(GString) text = g_string_new (NULL);
      gsize n = g_variant_n_children (value);

      for (gsize i = 0; i < n; i++)
        {
          const char *id = NULL;

          g_variant_get_child (value, i, "&s", &id);
          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append (text, "• ");
          g_string_append (text, option_label (self, field, id));
        }
      return g_string_free (g_steal_pointer (&text), FALSE);
    }

  return g_variant_print (value, FALSE);
}

static gboolean
condition_holds (InvolveEvidenceDocument *self,
                 const InvolveCondition  *condition)
{
  GVariant *value;

  switch (condition->kind)
    {
    case INVOLVE_CONDITION_NONE:
      return TRUE;

    case INVOLVE_CONDITION_OUTCOME:
      return self->outcome == NULL || g_strcmp0 (self->outcome, condition->value) == 0;

    case INVOLVE_CONDITION_DEPARTS_FROM_OUTCOME:
      return FALSE;

    case INVOLVE_CONDITION_FIELD_EQUALS:
      value = involve_record_get_value (self->record, condition->field_id);
      if (value == NULL)
        return FALSE;
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
        return g_strcmp0 (condition->value, g_variant_get_boolean (value) ? "yes" : "no") == 0;
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        return g_strcmp0 (condition->value, g_variant_get_string (value, NULL)) == 0;
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
        return involve_record_has_choice (self->record, condition->field_id, condition->value);
      return FALSE;

    default:
      return TRUE;
    }
}

static gboolean
is_public (InvolveEvidenceDocument *self)
{
  return self->kind == INVOLVE_EVIDENCE_PUBLIC;
}

static const char *
removed_text (void)
{
  return _("[Removed from the public version]");
}

/* Content */

static void
add_field_label (InvolveEvidenceDocument *self,
                 const InvolveField      *field)
{
  g_autofree char *label = g_markup_escape_text (field->label != NULL ? field->label : field->id, -1);
  g_autofree char *markup = NULL;

  if (field->guidance_ref != NULL && *field->guidance_ref != '\0')
    {
      /* The citations of the record's own framework (frameworks.xml), and the guidance's year. */
      g_autofree char *expanded = involve_definitions_dup_guidance_ref (self->definitions, field->guidance_ref,
                                                                        involve_record_get_framework_id (self->record));
      InvolveForm *form = field->form_id != NULL ?
                          involve_definitions_get_form (self->definitions, field->form_id) : NULL;
      const char *edition = form != NULL ? involve_form_get_source_edition (form) : NULL;
      /* Translators: a question's pointer into the guidance, and the guidance's year */
      g_autofree char *cited = edition != NULL ?
                               g_strdup_printf (_("%s · %s guidance"), expanded, edition) :
                               g_strdup (expanded);
      g_autofree char *reference = g_markup_escape_text (cited, -1);

      markup = g_strdup_printf ("%s  <span weight=\"normal\" size=\"small\" foreground=\"#5c6169\">%s</span>",
                                label, reference);
    }
  else
    markup = g_steal_pointer (&label);

  add_text (self, "H3", markup, TRUE, FONT_SANS " Bold 9.5", color_heading, 9)->keep_with_next = TRUE;
}

static void
add_table_field (InvolveEvidenceDocument *self,
                 const InvolveField      *field,
                 GVariant                *value)
{
  guint n_columns = field->columns != NULL ? field->columns->len : 0;
  g_autofree double *widths = NULL;
  g_autofree const char **texts = NULL;
  gsize n_rows = g_variant_n_children (value);
  guint table_id = ++self->next_table_id;
  Block *header;

  if (n_columns == 0)
    {
      /* A table whose columns the definition does not name: cells as they come. */
      n_columns = 1;
      for (gsize i = 0; i < n_rows; i++)
        {
          g_autoptr(GVariant) row = g_variant_get_child_value (value, i);
          n_columns = MAX (n_columns, (guint) g_variant_n_children (row));
        }
    }

  widths = g_new0 (double, n_columns + 1);
  texts = g_new0 (const char *, n_columns + 1);

  /* A narrow number column, then the columns in equal parts. */
  widths[0] = 0.06;
  for (guint i = 0; i < n_columns; i++)
    {
      const InvolveColumn *column = field->columns != NULL && i < field->columns->len ?
                                    g_ptr_array_index (field->columns, i) : NULL;

      widths[i + 1] = 0.94 / n_columns;
      texts[i + 1] = column != NULL ? column->label : "";
    }
  texts[0] = "#";
  header = add_table_header (self, table_id, widths, n_columns + 1, texts);

  for (gsize i = 0; i < n_rows; i++)
    {
      g_autoptr(GVariant) row = g_variant_get_child_value (value, i);
      g_autofree char *number = g_strdup_printf ("%" G_GSIZE_FORMAT, i + 1);
      g_autofree const char **cells = g_new0 (const char *, n_columns + 1);

      cells[0] = number;
      for (guint j = 0; j < n_columns; j++)
        {
          if (j < g_variant_n_children (row))
            g_variant_get_child (row, j, "&s", &cells[j + 1]);
          else
            cells[j + 1] = "";
        }
      add_row (self, table_id, header, widths, n_columns + 1, cells, FALSE, TRUE, FONT_SANS " 9");
    }
}

static void
add_field (InvolveEvidenceDocument *self,
           const InvolveField      *field)
{
  GVariant *value = involve_record_get_value (self->record, field->id);
  gboolean empty = involve_value_is_empty (value);

  /* A question that was not asked (its condition does not hold) and not answered is left out. */
  if (empty && !condition_holds (self, &field->shown_when))
    return;

  add_field_label (self, field);
  if (field->prompt != NULL)
    {
      /* What the guidance's template asked under this heading. */
      g_autofree char *prompt = g_strdup_printf (_("The guidance asks: “%s”"), field->prompt);

      add_text (self, "P", prompt, FALSE, FONT_SANS " Italic 9", color_muted, 1)->keep_with_next = TRUE;
    }

  if (is_public (self) && field->personal)
    {
      add_text (self, "P", removed_text (), FALSE, FONT_SANS " Italic 10", color_muted, 2);
      return;
    }

  if (empty)
    {
      add_text (self, "P", _("Not answered"), FALSE, FONT_SANS " Italic 10", color_muted, 2);
      return;
    }

  if (g_variant_is_of_type (value, G_VARIANT_TYPE ("aas")))
    {
      add_table_field (self, field, value);
    }
  else
    {
      g_autofree char *text = value_to_text (self, field, value);
      add_text (self, "P", text, FALSE, FONT_SANS " 10", color_text, 2);
    }
}

static void
add_section (InvolveEvidenceDocument *self,
             const InvolveSection    *section)
{
  add_heading (self, 2, section->title != NULL ? section->title : section->id);
  for (guint i = 0; section->fields != NULL && i < section->fields->len; i++)
    add_field (self, g_ptr_array_index (section->fields, i));
}

static const char *
field_text (InvolveEvidenceDocument *self,
            const char              *field_id)
{
  const char *text = involve_record_get_string (self->record, field_id);

  return text != NULL && *text != '\0' ? text : NULL;
}

static gboolean
field_is_personal (InvolveEvidenceDocument *self,
                   const char              *field_id)
{
  const InvolveField *field;

  if (field_id == NULL)
    return FALSE;
  field = involve_definitions_lookup_field (self->definitions, field_id, NULL);
  return field != NULL && field->personal;
}

/* The words a person's details print as: removed in the public version. */
static const char *
personal (InvolveEvidenceDocument *self,
          const char              *text)
{
  if (text == NULL || *text == '\0')
    return NULL;
  return is_public (self) ? removed_text () : text;
}

static char *
dup_person (InvolveEvidenceDocument *self,
            const char              *name,
            const char              *job_title,
            const char              *team)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (name == NULL || *name == '\0')
    return g_strdup (_("Not recorded"));

  if (!is_public (self))
    g_string_append (text, name);
  if (job_title != NULL && *job_title != '\0')
    g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "", job_title);
  if (team != NULL && *team != '\0')
    g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "", team);
  if (is_public (self))
    g_string_append_printf (text, " %s", _("(name removed from the public version)"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const InvolveFramework *
get_framework (InvolveEvidenceDocument *self)
{
  const char *id = involve_record_get_framework_id (self->record);

  return id != NULL ? involve_definitions_lookup_framework (self->definitions, id) : NULL;
}

static char *
dup_framework_text (const InvolveFramework *framework)
{
  if (framework == NULL)
    return g_strdup (_("Not recorded"));
  return g_strdup_printf (_("Section %s of the %s (%s)"),
                          framework->section, framework->act, framework->organisation_label);
}

static char *
dup_guidance_text (const InvolveFramework *framework)
{
  if (framework == NULL || framework->guidance_title == NULL)
    return g_strdup (_("Not recorded"));
  return g_strdup_printf (_("%s (%s edition)"), framework->guidance_title,
                          framework->guidance_edition != NULL ? framework->guidance_edition : "?");
}

/* When an answer last changed: the newest of the values' own times. */
static gint64
last_answer_usec (InvolveRecord *record)
{
  g_auto(GStrv) field_ids = involve_record_dup_field_ids (record);
  gint64 newest = involve_record_get_created_usec (record);

  for (guint i = 0; field_ids[i] != NULL; i++)
    newest = MAX (newest, involve_record_get_value_modified (record, field_ids[i]));
  return newest;
}

static char *
dup_outcome_text (InvolveEvidenceDocument *self)
{
  g_autofree char *citations = NULL;

  if (self->outcome == NULL)
    return g_strdup (_("Not derived"));
  if (!g_str_equal (self->outcome, "applies"))
    return g_strdup (_("The duty to involve does not apply"));
  if (self->citations == NULL || self->citations[0] == NULL)
    return g_strdup (_("The duty to involve applies"));
  citations = g_strjoinv ("; ", self->citations);
  return g_strdup_printf (_("The duty to involve applies: %s"), citations);
}

/* The record's pinned form edition, as the form-edition field's option says it. */
static const char *
form_edition_text (InvolveEvidenceDocument *self)
{
  const char *edition = involve_record_get_form_edition (self->record);
  const InvolveField *field = involve_definitions_lookup_field (self->definitions,
                                                                INVOLVE_FIELD_FORM_EDITION, NULL);

  return field != NULL ? option_label (self, field, edition) : edition;
}

/* When this version was last submitted for sign-off, from the audit trail; 0 if never. */
static gint64
submitted_usec (InvolveEvidenceDocument *self)
{
  guint version = involve_record_get_version (self->record);
  gint64 when = 0;

  for (guint i = 0; self->audit != NULL && i < self->audit->len; i++)
    {
      const InvolveAuditEntry *entry = g_ptr_array_index (self->audit, i);

      if (g_strcmp0 (entry->kind, INVOLVE_AUDIT_STATUS) == 0 && entry->version == version &&
          entry->details != NULL && strstr (entry->details, "-> awaiting-sign-off") != NULL)
        when = entry->time_usec;
    }
  return when;
}

/*
 * Days from a date a person typed (YYYY-MM-DD) to the UTC day of a system
 * time: positive when the system time is later.  FALSE when either is
 * missing or the typed text is not a date.
 */
static gboolean
days_between (const char *typed,
              gint64      usec,
              gint64     *days)
{
  g_autoptr(GDateTime) typed_day = NULL;
  g_autoptr(GDateTime) system = NULL;
  g_autoptr(GDateTime) system_day = NULL;
  int year, month, day;

  if (typed == NULL || usec <= 0 || strlen (typed) != 10 ||
      sscanf (typed, "%4d-%2d-%2d", &year, &month, &day) != 3)
    return FALSE;
  typed_day = g_date_time_new_utc (year, month, day, 0, 0, 0);
  system = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  if (typed_day == NULL || system == NULL)
    return FALSE;
  system_day = g_date_time_new_utc (g_date_time_get_year (system), g_date_time_get_month (system),
                                    g_date_time_get_day_of_month (system), 0, 0, 0);
  *days = g_date_time_difference (system_day, typed_day) / G_TIME_SPAN_DAY;
  return TRUE;
}

/* A row of the cover's dates table: what, the typed date, the system time, the gap. */
static void
add_date_row (InvolveEvidenceDocument *self,
              guint                    table_id,
              Block                   *header,
              const char              *what,
              const char              *typed,
              gint64                   usec,
              const char              *usec_what)
{
  static const double widths[] = { 0.27, 0.19, 0.30, 0.24 };
  g_autofree char *system = NULL;
  g_autofree char *gap = NULL;
  gint64 days = 0;

  if (usec > 0)
    {
      g_autofree char *when = format_usec (usec);
      system = g_strdup_printf ("%s\n(%s)", when, usec_what);
    }
  else
    system = g_strdup (_("Not recorded"));

  if (!days_between (typed, usec, &days))
    gap = g_strdup ("—");
  else if (ABS (days) <= DATE_GAP_DAYS)
    gap = ABS (days) == 0 ? g_strdup (_("Same day")) :
          g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRId64 " day apart",
                                        "%" PRId64 " days apart", (gulong) ABS (days)),
                           (gint64) ABS (days));
  else if (days > 0)
    gap = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "CHECK: the typed date is %" PRId64 " day before the system time",
                                        "CHECK: the typed date is %" PRId64 " days before the system time",
                                        (gulong) days),
                           days);
  else
    gap = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "CHECK: the typed date is %" PRId64 " day after the system time",
                                        "CHECK: the typed date is %" PRId64 " days after the system time",
                                        (gulong) -days),
                           -days);

  add_row (self, table_id, header, widths, G_N_ELEMENTS (widths),
           (const char *[]) { what, typed != NULL ? typed : _("Not given"), system, gap },
           FALSE, TRUE, FONT_SANS " 8.5");
}

/* The dates people typed beside the times the system recorded, gaps flagged. */
static void
add_cover_dates (InvolveEvidenceDocument *self)
{
  static const double widths[] = { 0.27, 0.19, 0.30, 0.24 };
  const char *header_texts[] = { _("Date"), _("Typed on the form"), _("Recorded by the system"),
                                 _("Difference") };
  const InvolveSignOff *sign_off = involve_record_get_sign_off (self->record);
  guint table_id = ++self->next_table_id;
  gint64 submitted = submitted_usec (self);
  g_autofree char *note = NULL;
  Block *header;

  header = add_table_header (self, table_id, widths, G_N_ELEMENTS (widths), header_texts);
  header->space_before = 12;
  if (submitted > 0)
    add_date_row (self, table_id, header, _("Form completed (Appendix B)"),
                  field_text (self, "completer-date"), submitted, _("submitted for sign-off"));
  else
    add_date_row (self, table_id, header, _("Form completed (Appendix B)"),
                  field_text (self, "completer-date"), last_answer_usec (self->record),
                  _("last change to an answer"));
  if (field_text (self, "c-date-produced") != NULL)
    add_date_row (self, table_id, header, _("Plan produced (Appendix C)"),
                  field_text (self, "c-date-produced"),
                  involve_record_get_value_modified (self->record, "c-date-produced"),
                  _("date entered"));
  if (sign_off != NULL && sign_off->decision != NULL)
    add_date_row (self, table_id, header,
                  g_str_equal (sign_off->decision, "signed-off") ? _("Signed off") : _("Returned"),
                  sign_off->date, sign_off->decided_at_usec, _("decision recorded"));

  note = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "People type the dates on the form; the system records its own "
                                       "times, which nobody can change. A difference of more than %d day "
                                       "is marked CHECK: it may have a good reason, such as a form "
                                       "completed on paper first, but it should be explained.",
                                       "People type the dates on the form; the system records its own "
                                       "times, which nobody can change. A difference of more than %d days "
                                       "is marked CHECK: it may have a good reason, such as a form "
                                       "completed on paper first, but it should be explained.",
                                       DATE_GAP_DAYS),
                          DATE_GAP_DAYS);
  add_text (self, "P", note, FALSE, FONT_SANS " 8.5", color_muted, 4);
}

/* The version's amendment reason: the amend entry of the trail, else the status reason. */
static const char *
version_reason (InvolveEvidenceDocument *self,
                InvolveRecord           *version)
{
  guint number = involve_record_get_version (version);

  for (guint i = 0; self->audit != NULL && i < self->audit->len; i++)
    {
      const InvolveAuditEntry *entry = g_ptr_array_index (self->audit, i);

      if (g_strcmp0 (entry->kind, INVOLVE_AUDIT_AMEND) == 0 && entry->version == number &&
          entry->details != NULL && *entry->details != '\0')
        return entry->details;
    }
  return involve_record_get_status_reason (version);
}

static char *
dup_version_summary (InvolveEvidenceDocument *self,
                     guint                    index)
{
  InvolveRecord *version = g_ptr_array_index (self->versions, index);
  const InvolveSignOff *sign_off = involve_record_get_sign_off (version);
  const char *fingerprint = self->version_fingerprints != NULL &&
                            index < g_strv_length (self->version_fingerprints) ?
                            self->version_fingerprints[index] : NULL;
  g_autofree char *created = format_usec (involve_record_get_created_usec (version));
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, _("Version %u, created %s; %s"), involve_record_get_version (version),
                          created, involve_status_get_label (involve_record_get_status (version)));
  if (sign_off != NULL && g_strcmp0 (sign_off->decision, "signed-off") == 0 && sign_off->date != NULL)
    g_string_append_printf (text, _(", signed off on %s"), sign_off->date);
  if (fingerprint != NULL)
    g_string_append_printf (text, _("; fingerprint %.16s…"), fingerprint);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* What this version supersedes and what superseded it, with the reasons. */
static void
add_cover_versions (InvolveEvidenceDocument *self,
                    guint                    table_id)
{
  guint number = involve_record_get_version (self->record);
  gboolean found = FALSE;
  guint index = 0;

  for (guint i = 0; self->versions != NULL && i < self->versions->len; i++)
    {
      if (involve_record_get_version (g_ptr_array_index (self->versions, i)) == number)
        {
          found = TRUE;
          index = i;
        }
    }

  if (found && index > 0)
    {
      g_autofree char *previous = dup_version_summary (self, index - 1);
      const char *reason = version_reason (self, self->record);
      g_autofree char *text = g_strdup_printf (_("%s\nWhy this version was made: %s"), previous,
                                               reason != NULL ? reason : _("not recorded"));

      add_pair (self, table_id, _("Supersedes"), text);
    }
  else if (!found && number > 1)
    {
      g_autofree char *text = g_strdup_printf (_("Version %u (the version history was not given)"),
                                               number - 1);
      add_pair (self, table_id, _("Supersedes"), text);
    }

  if (found && index + 1 < self->versions->len)
    {
      InvolveRecord *next = g_ptr_array_index (self->versions, index + 1);
      g_autofree char *later = dup_version_summary (self, index + 1);
      const char *reason = version_reason (self, next);
      g_autofree char *text = g_strdup_printf (_("%s\nWhy it was made: %s"), later,
                                               reason != NULL ? reason : _("not recorded"));

      add_pair (self, table_id, _("Superseded by"), text);
    }
  else if (involve_record_get_status (self->record) == INVOLVE_STATUS_SUPERSEDED)
    add_pair (self, table_id, _("Superseded by"),
              _("A later version (the version history was not given)"));
}

static void
add_cover (InvolveEvidenceDocument *self)
{
  const InvolveFramework *framework = get_framework (self);
  const InvolveSignOff *sign_off = involve_record_get_sign_off (self->record);
  const char *title = field_text (self, "title");
  const char *organisation = field_text (self, "organisation-name");
  g_autofree char *version = g_strdup_printf ("%u", involve_record_get_version (self->record));
  g_autofree char *framework_text = dup_framework_text (framework);
  g_autofree char *guidance_text = dup_guidance_text (framework);
  g_autofree char *completer = dup_person (self, field_text (self, "completer-name"),
                                           field_text (self, "completer-job-title"),
                                           field_text (self, "completer-team"));
  g_autofree char *reviewer = NULL;
  g_autofree char *created = format_usec (involve_record_get_created_usec (self->record));
  g_autofree char *modified = format_usec (last_answer_usec (self->record));
  g_autofree char *generated = format_usec (self->generated_usec);
  g_autofree char *status = NULL;
  g_autofree char *outcome = dup_outcome_text (self);
  guint table_id = ++self->next_table_id;
  Block *block;

  add_text (self, "P", _("Involve · Evidence of a participation assessment"), FALSE,
            FONT_SANS " 10", color_muted, 0);
  add_text (self, "H1", title != NULL ? title : _("Untitled assessment"), FALSE,
            FONT_SANS " Bold 22", color_heading, 8);
  block = add_text (self, "P", involve_record_get_reference (self->record), FALSE,
                    FONT_SANS " 14", color_heading, 4);
  block->rule_below = TRUE;
  if (is_public (self))
    add_text (self, "P",
              _("Public version: staff names, contact details and other personal details "
                "have been removed."),
              FALSE, FONT_SANS " Bold 10", color_muted, 10);

  status = g_strdup (involve_status_get_label (involve_record_get_status (self->record)));
  if (sign_off != NULL && sign_off->reviewer_name != NULL)
    reviewer = dup_person (self, sign_off->reviewer_name, sign_off->reviewer_job_title,
                           sign_off->reviewer_team);

  add_pair (self, table_id, _("Reference"), involve_record_get_reference (self->record));
  ((Block *) g_ptr_array_index (self->blocks, self->blocks->len - 1))->space_before = 16;
  add_pair (self, table_id, _("Version"), version);
  add_pair (self, table_id, _("Title"), title != NULL ? title : _("Not recorded"));
  add_pair (self, table_id, _("Organisation"), organisation != NULL ? organisation : _("Not recorded"));
  add_pair (self, table_id, _("Legal framework"), framework_text);
  add_pair (self, table_id, _("Guidance"), guidance_text);
  add_pair (self, table_id, _("Form edition"), form_edition_text (self));
  add_pair (self, table_id, _("Status"), status);
  add_pair (self, table_id, _("Outcome of the three-step test"), outcome);
  add_pair (self, table_id, _("Completed by"), completer);
  add_pair (self, table_id, _("Reviewer"), reviewer != NULL ? reviewer : _("Not yet decided"));
  add_cover_versions (self, table_id);
  add_pair (self, table_id, _("Record created"), created);
  add_pair (self, table_id, _("Last change to an answer"), modified);
  add_pair (self, table_id, _("Document produced"), generated);

  add_fingerprint_pair (self, table_id, _("Fingerprint (SHA-256)"), self->fingerprint);
  add_cover_dates (self);

  add_text (self, "P",
            _("The fingerprint identifies exactly this version of the record: any change to "
              "any answer gives a different fingerprint. The last section of this document "
              "says how to check it."),
            FALSE, FONT_SANS " 9", color_muted, 14);
  add_soft_page_break (self);
}

static void
add_outcome (InvolveEvidenceDocument *self)
{
  const InvolveFramework *framework = get_framework (self);

  add_heading (self, 2, _("Outcome and legal basis"));

  if (self->outcome == NULL)
    {
      add_paragraph (self, _("The outcome of the three-step test was not derived for this document."));
      for (guint i = 0; self->reasons != NULL && self->reasons[i] != NULL; i++)
        add_paragraph (self, self->reasons[i]);
      return;
    }

  if (g_str_equal (self->outcome, "applies"))
    add_text (self, "P", _("The duty to involve applies."), FALSE, FONT_SANS " Bold 11",
              color_text, 6);
  else
    add_text (self, "P", _("The duty to involve does not apply."), FALSE, FONT_SANS " Bold 11",
              color_text, 6);

  if (self->citations != NULL && self->citations[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv ("\n", self->citations);
      g_autofree char *text = NULL;

      if (framework != NULL)
        text = g_strdup_printf (_("Legal basis (%s):\n%s"), framework->act, joined);
      else
        text = g_strdup_printf (_("Legal basis:\n%s"), joined);
      add_paragraph (self, text);
    }

  for (guint i = 0; self->reasons != NULL && self->reasons[i] != NULL; i++)
    {
      g_autofree char *item = g_strdup_printf ("• %s", self->reasons[i]);
      add_text (self, "P", item, FALSE, FONT_SANS " 10", color_text, 3);
    }
}

/* Which guidance the form, and the references beside its questions, come from. */
static void
add_form_source (InvolveEvidenceDocument *self,
                 InvolveForm             *form)
{
  const InvolveFramework *framework = get_framework (self);
  const char *source = involve_form_get_source (form);
  g_autofree char *text = NULL;

  if (source == NULL)
    return;
  if (framework != NULL && framework->guidance_title != NULL && framework->guidance_edition != NULL &&
      g_strcmp0 (involve_form_get_source_edition (form), framework->guidance_edition) != 0)
    text = g_strdup_printf (_("Form and the references beside its questions: %s. The guidance "
                              "current for this record’s duty, named on the cover, is %s (%s "
                              "edition)."),
                            source, framework->guidance_title,
                            framework->guidance_edition != NULL ? framework->guidance_edition : "?");
  else
    text = g_strdup_printf (_("Form and the references beside its questions: %s."), source);
  add_text (self, "P", text, FALSE, FONT_SANS " Italic 8.5", color_muted, 4);
}

static void
add_forms (InvolveEvidenceDocument *self)
{
  GPtrArray *forms = involve_definitions_get_forms (self->definitions);

  for (guint i = 0; forms != NULL && i < forms->len; i++)
    {
      InvolveForm *form = g_ptr_array_index (forms, i);
      GPtrArray *sections = involve_form_get_sections (form);

      if (!involve_form_applies_to_record (form, self->record))
        continue;
      if (i > 0)
        add_soft_page_break (self);
      add_heading (self, 1, involve_form_get_title (form));
      add_form_source (self, form);

      for (guint j = 0; sections != NULL && j < sections->len; j++)
        add_section (self, g_ptr_array_index (sections, j));

      if (g_strcmp0 (involve_form_get_id (form), INVOLVE_FORM_THREE_STEP_TEST) == 0)
        add_outcome (self);
    }
}

static void
add_sign_off (InvolveEvidenceDocument *self)
{
  const InvolveSignOff *sign_off = involve_record_get_sign_off (self->record);
  guint table_id = ++self->next_table_id;

  add_soft_page_break (self);
  add_heading (self, 1, _("Sign-off"));

  if (sign_off == NULL || sign_off->decision == NULL)
    {
      add_paragraph (self, _("No reviewer has decided on this version yet."));
      return;
    }
  else
    {
      g_autofree char *decided = format_usec (sign_off->decided_at_usec);
      const char *decision = g_str_equal (sign_off->decision, "signed-off") ?
                             _("Signed off") : g_str_equal (sign_off->decision, "returned") ?
                             _("Returned with comments") : sign_off->decision;
      const char *name = personal (self, sign_off->reviewer_name);
      const char *email = personal (self, sign_off->reviewer_email);

      add_pair (self, table_id, _("Decision"), decision);
      ((Block *) g_ptr_array_index (self->blocks, self->blocks->len - 1))->space_before = 8;
      add_pair (self, table_id, _("Reviewer"), name != NULL ? name : _("Not recorded"));
      add_pair (self, table_id, _("Job title"), sign_off->reviewer_job_title);
      add_pair (self, table_id, _("E-mail"), email);
      add_pair (self, table_id, _("Team"), sign_off->reviewer_team);
      add_pair (self, table_id, _("Date given by the reviewer"), sign_off->date);
      add_pair (self, table_id, _("Recorded by the system"), decided);
      add_pair (self, table_id, _("Comments"),
                sign_off->comments != NULL && *sign_off->comments != '\0' ?
                sign_off->comments : _("None"));
      add_fingerprint_pair (self, table_id, _("Fingerprint signed"), sign_off->fingerprint);

      if (sign_off->fingerprint != NULL && self->fingerprint != NULL &&
          g_ascii_strcasecmp (sign_off->fingerprint, self->fingerprint) != 0)
        add_text (self, "P",
                  _("Warning: the fingerprint signed is not the fingerprint of this version."),
                  FALSE, FONT_SANS " Bold 10", color_heading, 8);
    }
}

static void
add_history (InvolveEvidenceDocument *self)
{
  static const double widths[] = { 0.09, 0.15, 0.21, 0.21, 0.34 };
  const char *header_texts[] = { _("Version"), _("Status"), _("Created"),
                                 _("Decision"), _("Fingerprint and reason") };
  guint table_id;
  Block *header;

  add_heading (self, 1, _("Version history"));

  if (self->versions == NULL || self->versions->len == 0)
    {
      add_paragraph (self, _("This document was made from one version only; no history was given."));
      return;
    }

  table_id = ++self->next_table_id;
  header = add_table_header (self, table_id, widths, G_N_ELEMENTS (widths), header_texts);
  for (guint i = 0; i < self->versions->len; i++)
    {
      InvolveRecord *version = g_ptr_array_index (self->versions, i);
      const InvolveSignOff *sign_off = involve_record_get_sign_off (version);
      const char *fingerprint = self->version_fingerprints != NULL &&
                                i < g_strv_length (self->version_fingerprints) ?
                                self->version_fingerprints[i] : NULL;
      g_autofree char *number = g_strdup_printf ("%u", involve_record_get_version (version));
      g_autofree char *created = format_usec (involve_record_get_created_usec (version));
      g_autofree char *decided = NULL;
      g_autofree char *detail = NULL;
      const char *reason = involve_record_get_status_reason (version);

      if (sign_off != NULL && sign_off->decision != NULL)
        {
          g_autofree char *when = format_usec (sign_off->decided_at_usec);
          const char *what = g_str_equal (sign_off->decision, "signed-off") ? _("Signed off") :
                             g_str_equal (sign_off->decision, "returned") ? _("Returned") :
                             sign_off->decision;

          decided = g_strdup_printf ("%s\n%s", what, when);
        }
      if (reason != NULL)
        detail = g_strdup_printf (_("%s\nReason: %s"), fingerprint != NULL ? fingerprint : "", reason);
      else
        detail = g_strdup (fingerprint != NULL ? fingerprint : "");
      add_row (self, table_id, header, widths, G_N_ELEMENTS (widths),
               (const char *[]) { number,
                                  involve_status_get_label (involve_record_get_status (version)),
                                  created, decided != NULL ? decided : "—", detail },
               FALSE, TRUE, FONT_SANS " 8.5");
    }
}

/*
 * Texts too long for a row of the audit table go, whole, into an appendix
 * after it: the row shows how the text begins and names it (T1, T2…).
 * The same text is printed once however many rows refer to it.
 */
typedef struct
{
  GPtrArray  *texts;     /* char*, T1 first */
  GPtrArray  *captions;  /* char*, what each text is */
  GHashTable *numbers;   /* text -> GUINT_TO_POINTER (number) */
} FullTexts;

#define AUDIT_TEXT_LIMIT   400
#define AUDIT_TEXT_PREVIEW 160

static void
full_texts_clear (FullTexts *full)
{
  g_clear_pointer (&full->texts, g_ptr_array_unref);
  g_clear_pointer (&full->captions, g_ptr_array_unref);
  g_clear_pointer (&full->numbers, g_hash_table_unref);
}

/* @text as a row shows it: whole, or its beginning and the name of the full text. */
static char *
dup_audit_value (FullTexts  *full,
                 const char *text,
                 const char *caption)
{
  g_autofree char *head = NULL;
  const char *cut;
  guint number;

  if (text == NULL)
    return g_strdup (_("(empty)"));
  if (g_utf8_strlen (text, -1) <= AUDIT_TEXT_LIMIT)
    return g_strdup (text);

  number = GPOINTER_TO_UINT (g_hash_table_lookup (full->numbers, text));
  if (number == 0)
    {
      g_ptr_array_add (full->texts, g_strdup (text));
      g_ptr_array_add (full->captions, g_strdup (caption));
      number = full->texts->len;
      g_hash_table_insert (full->numbers, g_strdup (text), GUINT_TO_POINTER (number));
    }

  /* The beginning, ended at a word. */
  head = g_utf8_substring (text, 0, AUDIT_TEXT_PREVIEW);
  cut = strrchr (head, ' ');
  if (cut != NULL && cut - head > AUDIT_TEXT_PREVIEW / 2)
    head[cut - head] = '\0';
  return g_strdup_printf (_("%s … [%" PRId64 " characters: the whole text is T%u in “Full texts of "
                            "the audit trail”]"),
                          head, (gint64) g_utf8_strlen (text, -1), number);
}

static char *
dup_entry_numbers (const InvolveAuditRow *row,
                   const char            *prefix)
{
  if (row->first_id == row->last_id)
    return g_strdup_printf ("%s%" G_GINT64_FORMAT, prefix, row->first_id);
  return g_strdup_printf ("%s%" G_GINT64_FORMAT "–\n%s%" G_GINT64_FORMAT, prefix, row->first_id,
                          prefix, row->last_id);
}

/* One table of audit entries; @prefix goes before each entry's number. */
static void
add_audit_table (InvolveEvidenceDocument *self,
                 GPtrArray               *entries,
                 const char              *prefix,
                 FullTexts               *full)
{
  static const double own_widths[] = { 0.08, 0.14, 0.15, 0.25, 0.38 };
  /* Room for "imported-NNN" in the first column. */
  static const double prefixed_widths[] = { 0.14, 0.13, 0.13, 0.23, 0.37 };
  const double *widths = *prefix != '\0' ? prefixed_widths : own_widths;
  const char *header_texts[] = { "#", _("Time (UTC)"), _("Who"), _("What"), _("Detail") };
  g_autoptr(GPtrArray) rows = involve_audit_fold (self->definitions, entries,
                                                  INVOLVE_AUDIT_SESSION_GAP_USEC);
  guint table_id;
  Block *header;

  G_STATIC_ASSERT (G_N_ELEMENTS (own_widths) == G_N_ELEMENTS (prefixed_widths));
  table_id = ++self->next_table_id;
  header = add_table_header (self, table_id, widths, G_N_ELEMENTS (own_widths), header_texts);
  for (guint i = 0; i < rows->len; i++)
    {
      const InvolveAuditRow *row = g_ptr_array_index (rows, i);
      g_autofree char *number = dup_entry_numbers (row, prefix);
      g_autofree char *first = format_usec_short (row->first_usec);
      g_autofree char *when = NULL;
      g_autofree char *what = NULL;
      g_autofree char *detail = NULL;
      const char *actor = row->actor;

      if (row->first_usec / G_USEC_PER_SEC != row->last_usec / G_USEC_PER_SEC)
        {
          g_autofree char *last = format_usec_short (row->last_usec);
          when = g_strdup_printf (_("%s\nto %s"), first, last);
        }
      else
        when = g_steal_pointer (&first);

      if (row->n_entries > 1)
        what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%s (v%u; %u entry in one editing session)",
                                             "%s (v%u; %u entries in one editing session)",
                                             row->n_entries),
                                row->what, row->version, row->n_entries);
      else if (row->version > 0)
        what = g_strdup_printf (_("%s (v%u)"), row->what, row->version);
      else
        what = g_strdup (row->what);

      if (is_public (self) && field_is_personal (self, row->field_id))
        detail = g_strdup (removed_text ());
      else if (row->field_id != NULL)
        {
          g_autofree char *label = NULL;
          g_autofree char *caption_from = NULL;
          g_autofree char *caption_to = NULL;
          g_autofree char *from = NULL;
          g_autofree char *to = NULL;
          g_autofree char *numbers = dup_entry_numbers (row, prefix);

          label = g_strdup (row->what);
          caption_from = g_strdup_printf (_("Entry %s, %s: before"), numbers, label);
          caption_to = g_strdup_printf (_("Entry %s, %s: after"), numbers, label);
          from = dup_audit_value (full, row->old_text, caption_from);
          to = dup_audit_value (full, row->new_text, caption_to);
          detail = g_strdup_printf (_("From: %s\nTo: %s"), from, to);
          if (row->details != NULL)
            {
              g_autofree char *more = g_strdup_printf ("%s\n%s", detail, row->details);
              g_free (detail);
              detail = g_steal_pointer (&more);
            }
        }
      else if (row->details != NULL)
        {
          g_autofree char *numbers = dup_entry_numbers (row, prefix);
          g_autofree char *caption = g_strdup_printf (_("Entry %s, %s"), numbers, row->what);

          detail = dup_audit_value (full, row->details, caption);
        }

      if (is_public (self))
        actor = _("[removed]");

      add_row (self, table_id, header, widths, G_N_ELEMENTS (own_widths),
               (const char *[]) { number, when, actor != NULL ? actor : "",
                                  what, detail != NULL ? detail : "" },
               FALSE, TRUE, FONT_SANS " 8");
    }
}

static void
add_full_texts (InvolveEvidenceDocument *self,
                FullTexts               *full)
{
  if (full->texts->len == 0)
    return;

  add_heading (self, 2, _("Full texts of the audit trail"));
  add_paragraph (self,
                 _("Values too long for a row of the table above, printed whole. Each is "
                   "named by the row that refers to it."));
  for (guint i = 0; i < full->texts->len; i++)
    {
      g_autofree char *title = g_strdup_printf ("T%u · %s", i + 1,
                                                (const char *) g_ptr_array_index (full->captions, i));

      add_text (self, "H3", title, FALSE, FONT_SANS " Bold 9", color_heading, 8)->keep_with_next = TRUE;
      add_text (self, "P", g_ptr_array_index (full->texts, i), FALSE, FONT_SANS " 9", color_text, 2);
    }
}

static void
add_audit (InvolveEvidenceDocument *self)
{
  FullTexts full = { g_ptr_array_new_with_free_func (g_free),
                     g_ptr_array_new_with_free_func (g_free),
                     g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };

  add_heading (self, 1, _("Audit trail"));

  if (self->audit == NULL || self->audit->len == 0)
    add_paragraph (self, _("No audit trail was given for this document."));
  else
    {
      add_paragraph (self,
                     _("Every change, state change, sign-off, export and import of the record, "
                       "as the register logged it. Each entry holds the hash of the one before "
                       "it, so a removed or altered entry breaks the chain. Answers are shown "
                       "with the labels of the form; the entries one person made while editing "
                       "one field, with no pause longer than ten minutes, share a row that shows "
                       "the value before the first of them and after the last."));
      add_audit_table (self, self->audit, "", &full);
    }

  /* History the record brought from registers it was imported from. */
  for (guint i = 0; self->imported_trails != NULL && i < self->imported_trails->len; i++)
    {
      const InvolveImportedTrail *trail = g_ptr_array_index (self->imported_trails, i);
      g_autofree char *when = format_usec_short (trail->imported_usec);
      g_autofree char *provenance = NULL;

      if (trail->entries->len == 0)
        continue;
      add_heading (self, 2, _("Entries from the source register"));
      provenance = g_strdup_printf (_("Imported from %s on %s (UTC); kept by this register’s audit "
                                      "entry %" PRId64 ". These entries were written by the register "
                                      "the record came from, with its own numbers (shown as "
                                      "imported-N) and hashes; they were checked when imported, "
                                      "cannot be changed here, and “involve-cli verify” checks "
                                      "them again."),
                                    trail->source, when, trail->import_id);
      add_paragraph (self, provenance);
      add_audit_table (self, trail->entries, "imported-", &full);
    }

  add_full_texts (self, &full);
  full_texts_clear (&full);
}

static void
add_how_to_verify (InvolveEvidenceDocument *self)
{
  g_autofree char *keywords = NULL;
  g_autofree char *command = NULL;

  add_soft_page_break (self);
  add_heading (self, 1, _("How to verify this document"));

  add_paragraph (self,
                 _("This document shows one version of a record held in an Involve register. "
                   "The fingerprint printed on the cover and, shortened, at the top of every page "
                   "is a SHA-256 hash of the version’s content in a documented canonical form: "
                   "every answer, its field and the version’s identity. Changing any answer, "
                   "even by one character, changes the fingerprint."));
  add_paragraph (self,
                 _("To check that this document matches the register, ask the register’s "
                   "keeper to run the following command on this PDF file. It reads the "
                   "fingerprint from the document’s metadata and compares it with the "
                   "fingerprint of the same version in the register:"));
  command = g_strdup ("involve-cli --database REGISTER check-pdf FILE.pdf");
  add_text (self, "Code", command, FALSE, FONT_MONO " 9", color_text, 6);
  add_paragraph (self,
                 _("The file is digitally signed by the person who exported it (the box at the "
                   "foot of the first page). The signature covers every byte of the file: a PDF "
                   "reader’s signature panel, “pdfsig FILE.pdf” or “involve-cli check-pdf "
                   "--trust CERTIFICATES.pem FILE.pdf” shows who signed it and whether anything "
                   "was changed afterwards, without the register."));
  add_paragraph (self,
                 _("The register also keeps an audit trail in which each entry holds the hash of "
                   "the one before it; “involve-cli verify” walks the chain and names the first "
                   "broken entry. A signed-off version can never be changed: an amendment "
                   "creates a new version, and the version history above lists them all."));
  if (is_public (self))
    add_paragraph (self,
                   _("This is the public version: personal details were removed from the "
                     "printed text only. The fingerprint is that of the full record, so the "
                     "check above works for this version too."));

  keywords = g_strdup_printf (_("The document’s metadata (keywords) also carries: reference=%s "
                                "version=%u fingerprint=%s"),
                              involve_record_get_reference (self->record),
                              involve_record_get_version (self->record),
                              self->fingerprint);
  add_text (self, "P", keywords, FALSE, FONT_SANS " 9", color_muted, 8);

  if (self->register_head_description != NULL)
    {
      g_autofree char *anchor =
        g_strdup_printf (_("When this document was written, the register’s audit trail stood at: %s. "
                           "The document’s information (InvolveHead) carries this head in full. "
                           "“involve-cli --database REGISTER verify --against FILE.pdf” proves that the "
                           "register still holds every entry up to it: a register cut short or put back "
                           "to an older copy fails that check."),
                         self->register_head_description);

      add_paragraph (self, anchor);
    }
}

static void
build_blocks (InvolveEvidenceDocument *self)
{
  add_cover (self);
  add_forms (self);
  add_sign_off (self);
  add_history (self);
  add_audit (self);
  add_how_to_verify (self);
}

/* Pagination */

typedef struct
{
  InvolveEvidenceDocument *self;
  GArray                  *page;
  double                   top;
  double                   bottom;
  double                   y;
} Pager;

static void
pager_new_page (Pager *pager)
{
  pager->page = g_array_new (FALSE, FALSE, sizeof (Placement));
  g_ptr_array_add (pager->self->pages, pager->page);
  pager->y = pager->top;
  pager->bottom = pager->self->page_height -
                  (pager->self->pages->len == 1 ? COVER_BOTTOM : MARGIN_BOTTOM);
}

static void
pager_place (Pager  *pager,
             Block  *block,
             double  y0,
             double  y1,
             double  space_before)
{
  Placement placement = { block, y0, y1, pager->y + space_before };

  g_array_append_val (pager->page, placement);
  pager->y += space_before + (y1 - y0);
}

/*
 * Where to cut a block so that its part from y0 fits in avail points: the
 * top of the first line (of any cell) that would cross the limit.  Returns
 * y0 when not even one line fits.
 */
static double
find_cut (Block  *block,
          double  y0,
          double  avail)
{
  double limit = y0 + avail;
  double cut = block->height;

  for (guint i = 0; i < block->cells->len; i++)
    {
      Cell *cell = g_ptr_array_index (block->cells, i);

      for (guint j = 0; j < cell->lines->len; j++)
        {
          const LineInfo *line = &g_array_index (cell->lines, LineInfo, j);

          if (line->top < y0)
            continue;
          if (line->bottom > limit)
            {
              cut = MIN (cut, line->top);
              break;
            }
        }
    }
  return cut;
}

/* The first line's bottom at or after y0: the least a slice can hold. */
static double
first_line_end (Block  *block,
                double  y0)
{
  double end = block->height;

  for (guint i = 0; i < block->cells->len; i++)
    {
      Cell *cell = g_ptr_array_index (block->cells, i);

      for (guint j = 0; j < cell->lines->len; j++)
        {
          const LineInfo *line = &g_array_index (cell->lines, LineInfo, j);

          if (line->top >= y0)
            {
              end = MIN (end, line->bottom);
              break;
            }
        }
    }
  return MAX (end, y0 + 1);
}

static gboolean
page_has_header_of (GArray *page,
                    Block  *header)
{
  for (guint i = 0; i < page->len; i++)
    {
      if (g_array_index (page, Placement, i).block == header)
        return TRUE;
    }
  return FALSE;
}

static void
paginate (InvolveEvidenceDocument *self)
{
  Pager pager = { self, NULL, MARGIN_TOP, self->page_height - MARGIN_BOTTOM, 0 };
  double page_room = pager.bottom - pager.top;

  pager_new_page (&pager);

  for (guint i = 0; i < self->blocks->len; i++)
    {
      Block *block = g_ptr_array_index (self->blocks, i);
      Block *next = i + 1 < self->blocks->len ? g_ptr_array_index (self->blocks, i + 1) : NULL;
      double y0 = 0;

      if (block->kind == BLOCK_PAGE_BREAK)
        {
          if (pager.page->len > 0 &&
              !(block->soft && pager.y - pager.top < SOFT_BREAK_FILL * page_room))
            pager_new_page (&pager);
          continue;
        }

      while (y0 < block->height)
        {
          gboolean at_top = pager.y <= pager.top;
          double space = (at_top || y0 > 0) ? 0 : block->space_before;
          double avail;
          double rest = block->height - y0;
          double cut;

          /* A table continued on a new page starts with its header row again. */
          if (at_top && block->header != NULL && block->header != block &&
              !page_has_header_of (pager.page, block->header))
            {
              pager_place (&pager, block->header, 0, block->header->height, 0);
              continue;
            }

          avail = pager.bottom - pager.y - space;

          if (rest <= avail)
            {
              /* Keep headings, labels and header rows with the start of what follows. */
              if (block->keep_with_next && next != NULL && next->kind != BLOCK_PAGE_BREAK &&
                  !at_top)
                {
                  double need = next->space_before + MIN (next->height,
                                                          first_line_end (next, 0) + MIN_SPLIT);
                  if (pager.y + space + rest + need > pager.bottom)
                    {
                      pager_new_page (&pager);
                      continue;
                    }
                }
              pager_place (&pager, block, y0, block->height, space);
              break;
            }

          /* It does not fit: rows and short blocks move whole when they can. */
          if (!at_top && y0 == 0 &&
              (block->keep_with_next || (block->kind == BLOCK_ROW && rest <= page_room) ||
               avail < MIN_SPLIT))
            {
              pager_new_page (&pager);
              continue;
            }

          cut = find_cut (block, y0, avail);
          if (cut <= y0 || (cut - y0 < MIN_SPLIT && !at_top))
            {
              if (!at_top)
                {
                  pager_new_page (&pager);
                  continue;
                }
              /* One line taller than a page: give it the page. */
              cut = first_line_end (block, y0);
            }

          pager_place (&pager, block, y0, cut, space);
          y0 = cut;
          pager_new_page (&pager);
        }
    }

  /* No empty last page. */
  if (self->pages->len > 1 && pager.page->len == 0)
    g_ptr_array_remove_index (self->pages, self->pages->len - 1);
}

/* Drawing */

static void
draw_cell_slice (cairo_t *cr,
                 Cell    *cell,
                 double   x,
                 double   page_y,
                 double   y0,
                 double   y1)
{
  for (guint i = 0; i < cell->lines->len; i++)
    {
      const LineInfo *line = &g_array_index (cell->lines, LineInfo, i);

      if (line->top < y0)
        continue;
      if (line->top >= y1)
        break;
      cairo_move_to (cr, x + cell->x + line->x, page_y + line->baseline - y0);
      pango_cairo_show_layout_line (cr, line->line);
    }
}

static void
draw_placement (InvolveEvidenceDocument *self,
                cairo_t                 *cr,
                const Placement         *placement)
{
  Block *block = placement->block;
  double height = placement->y1 - placement->y0;

  if (block->kind == BLOCK_TEXT)
    {
      Cell *cell = g_ptr_array_index (block->cells, 0);

      cairo_tag_begin (cr, block->tag, NULL);
      cairo_set_source_rgb (cr, block->rgb[0], block->rgb[1], block->rgb[2]);
      draw_cell_slice (cr, cell, MARGIN_X, placement->page_y, placement->y0, placement->y1);
      cairo_tag_end (cr, block->tag);

      if (block->rule_below && placement->y1 >= block->height)
        {
          cairo_set_source_rgb (cr, color_rule[0], color_rule[1], color_rule[2]);
          cairo_set_line_width (cr, 0.8);
          cairo_move_to (cr, MARGIN_X, placement->page_y + height + 3);
          cairo_line_to (cr, MARGIN_X + self->content_width, placement->page_y + height + 3);
          cairo_stroke (cr);
        }
      return;
    }

  /* A table row. */
  if (block->is_header)
    {
      cairo_set_source_rgb (cr, color_shade[0], color_shade[1], color_shade[2]);
      cairo_rectangle (cr, MARGIN_X, placement->page_y, self->content_width, height);
      cairo_fill (cr);
    }

  cairo_tag_begin (cr, "TR", NULL);
  for (guint i = 0; i < block->cells->len; i++)
    {
      Cell *cell = g_ptr_array_index (block->cells, i);
      const char *tag = cell->header ? "TH" : "TD";

      cairo_tag_begin (cr, tag, NULL);
      if (cell->header && !block->is_header)
        cairo_set_source_rgb (cr, color_muted[0], color_muted[1], color_muted[2]);
      else
        cairo_set_source_rgb (cr, color_text[0], color_text[1], color_text[2]);
      draw_cell_slice (cr, cell, MARGIN_X, placement->page_y, placement->y0, placement->y1);
      cairo_tag_end (cr, tag);

      if (block->bordered)
        {
          cairo_set_source_rgb (cr, color_rule[0], color_rule[1], color_rule[2]);
          cairo_set_line_width (cr, 0.5);
          cairo_rectangle (cr, MARGIN_X + cell->x, placement->page_y, cell->width, height);
          cairo_stroke (cr);
        }
    }
  cairo_tag_end (cr, "TR");

  if (!block->bordered)
    {
      cairo_set_source_rgb (cr, color_shade[0], color_shade[1], color_shade[2]);
      cairo_set_line_width (cr, 0.5);
      cairo_move_to (cr, MARGIN_X, placement->page_y + height);
      cairo_line_to (cr, MARGIN_X + self->content_width, placement->page_y + height);
      cairo_stroke (cr);
    }
}

static PangoLayout *
simple_layout (InvolveEvidenceDocument *self,
               const char              *text,
               const char              *font)
{
  g_autoptr(PangoFontDescription) description = pango_font_description_from_string (font);
  PangoLayout *layout = pango_layout_new (self->context);

  pango_layout_set_font_description (layout, description);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static void
show_at (cairo_t     *cr,
         PangoLayout *layout,
         double       x,
         double       baseline,
         double       align)   /* 0 left, 0.5 centre, 1 right of x */
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  cairo_move_to (cr, x - align * logical.width / PANGO_SCALE,
                 baseline - (double) pango_layout_get_baseline (layout) / PANGO_SCALE);
  pango_cairo_show_layout (cr, layout);
}

static char *
dup_short_fingerprint (const char *fingerprint)
{
  if (fingerprint == NULL)
    return g_strdup ("—");
  return g_strndup (fingerprint, 16);
}

static void
draw_furniture (InvolveEvidenceDocument *self,
                cairo_t                 *cr,
                guint                    page_nr)
{
  g_autofree char *left = g_strdup_printf (_("%s · Version %u"),
                                           involve_record_get_reference (self->record),
                                           involve_record_get_version (self->record));
  g_autofree char *short_fingerprint = dup_short_fingerprint (self->fingerprint);
  g_autofree char *right = g_strdup_printf (_("Fingerprint %s…"), short_fingerprint);
  g_autofree char *page = g_strdup_printf (_("Page %u of %u"), page_nr + 1, self->pages->len);
  g_autofree char *generated = format_usec (self->generated_usec);
  g_autofree char *footer = g_strdup_printf (_("Involve evidence record · produced %s"), generated);
  InvolveStatus status = involve_record_get_status (self->record);
  const InvolveSignOff *decision = involve_record_get_sign_off (self->record);
  gboolean was_signed_off = decision != NULL && g_strcmp0 (decision->decision, "signed-off") == 0;
  g_autofree char *draft = NULL;

  /* TRANSLATORS: in every page's header of a version that is not signed off
   * (or no longer is: superseded); %s is its status. */
  if (status != INVOLVE_STATUS_SIGNED_OFF)
    draft = g_strdup_printf (was_signed_off ? _("NO LONGER CURRENT – %s") : _("NOT SIGNED OFF – %s"),
                             involve_status_get_label (status));
  double right_x = self->page_width - MARGIN_X;
  double footer_y = self->page_height - FOOTER_OFFSET;
  g_autoptr(PangoLayout) layout = NULL;

  cairo_save (cr);
  cairo_set_source_rgb (cr, color_muted[0], color_muted[1], color_muted[2]);

  layout = simple_layout (self, left, FONT_SANS " 8");
  show_at (cr, layout, MARGIN_X, HEADER_BASE, 0);
  g_clear_object (&layout);

  if (is_public (self))
    {
      cairo_set_source_rgb (cr, color_heading[0], color_heading[1], color_heading[2]);
      layout = simple_layout (self, _("PUBLIC VERSION"), FONT_SANS " Bold 8");
      show_at (cr, layout, self->page_width / 2, HEADER_BASE - (draft != NULL ? 10 : 0), 0.5);
      g_clear_object (&layout);
      cairo_set_source_rgb (cr, color_muted[0], color_muted[1], color_muted[2]);
    }

  /* A version nobody signed off must never pass for a final one. */
  if (draft != NULL)
    {
      cairo_set_source_rgb (cr, color_warning[0], color_warning[1], color_warning[2]);
      layout = simple_layout (self, draft, FONT_SANS " Bold 9");
      show_at (cr, layout, self->page_width / 2, HEADER_BASE, 0.5);
      g_clear_object (&layout);
      cairo_set_source_rgb (cr, color_muted[0], color_muted[1], color_muted[2]);
    }

  layout = simple_layout (self, right, FONT_SANS " 8");
  show_at (cr, layout, right_x, HEADER_BASE, 1);
  g_clear_object (&layout);

  layout = simple_layout (self, footer, FONT_SANS " 7.5");
  show_at (cr, layout, MARGIN_X, footer_y, 0);
  g_clear_object (&layout);

  layout = simple_layout (self, page, FONT_SANS " 8");
  show_at (cr, layout, right_x, footer_y, 1);
  g_clear_object (&layout);

  cairo_set_source_rgb (cr, color_rule[0], color_rule[1], color_rule[2]);
  cairo_set_line_width (cr, 0.5);
  cairo_move_to (cr, MARGIN_X, HEADER_BASE + 6);
  cairo_line_to (cr, right_x, HEADER_BASE + 6);
  cairo_move_to (cr, MARGIN_X, footer_y - 12);
  cairo_line_to (cr, right_x, footer_y - 12);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
involve_evidence_document_draw_page (InvolveEvidenceDocument *self,
                                     cairo_t                 *cr,
                                     guint                    page_nr)
{
  GArray *page;
  guint open_table = 0;

  g_return_if_fail (INVOLVE_IS_EVIDENCE_DOCUMENT (self));
  g_return_if_fail (cr != NULL);
  g_return_if_fail (self->laid_out);
  g_return_if_fail (page_nr < self->pages->len);

  page = g_ptr_array_index (self->pages, page_nr);

  cairo_save (cr);
  draw_furniture (self, cr, page_nr);

  for (guint i = 0; i < page->len; i++)
    {
      const Placement *placement = &g_array_index (page, Placement, i);
      guint table_id = placement->block->kind == BLOCK_ROW ? placement->block->table_id : 0;

      if (table_id != open_table)
        {
          if (open_table != 0)
            cairo_tag_end (cr, "Table");
          if (table_id != 0)
            cairo_tag_begin (cr, "Table", NULL);
          open_table = table_id;
        }
      draw_placement (self, cr, placement);
    }
  if (open_table != 0)
    cairo_tag_end (cr, "Table");

  cairo_restore (cr);
}

/* The object */

static void
involve_evidence_document_finalize (GObject *object)
{
  InvolveEvidenceDocument *self = (InvolveEvidenceDocument *) object;

  g_clear_object (&self->definitions);
  g_clear_object (&self->record);
  g_clear_pointer (&self->fingerprint, g_free);
  g_clear_pointer (&self->register_head, g_free);
  g_clear_pointer (&self->register_head_description, g_free);
  g_clear_pointer (&self->outcome, g_free);
  g_clear_pointer (&self->citations, g_strfreev);
  g_clear_pointer (&self->reasons, g_strfreev);
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  g_clear_pointer (&self->version_fingerprints, g_strfreev);
  g_clear_pointer (&self->audit, g_ptr_array_unref);
  g_clear_pointer (&self->imported_trails, g_ptr_array_unref);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  g_clear_object (&self->context);
  g_clear_pointer (&self->redactions, g_regex_unref);

  G_OBJECT_CLASS (involve_evidence_document_parent_class)->finalize (object);
}

static void
involve_evidence_document_class_init (InvolveEvidenceDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = involve_evidence_document_finalize;
}

static void
involve_evidence_document_init (InvolveEvidenceDocument *self)
{
  self->generated_usec = g_get_real_time ();
  self->page_width = INVOLVE_EVIDENCE_A4_WIDTH;
  self->page_height = INVOLVE_EVIDENCE_A4_HEIGHT;
}

InvolveEvidenceDocument *
involve_evidence_document_new (InvolveDefinitions  *definitions,
                               InvolveRecord       *record,
                               InvolveEvidenceKind  kind)
{
  InvolveEvidenceDocument *self;

  g_return_val_if_fail (INVOLVE_IS_DEFINITIONS (definitions), NULL);
  g_return_val_if_fail (INVOLVE_IS_RECORD (record), NULL);

  self = g_object_new (INVOLVE_TYPE_EVIDENCE_DOCUMENT, NULL);
  self->definitions = g_object_ref (definitions);
  self->record = g_object_ref (record);
  self->kind = kind;
  return self;
}

static void
invalidate (InvolveEvidenceDocument *self)
{
  self->laid_out = FALSE;
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
}

void
involve_evidence_document_set_fingerprint (InvolveEvidenceDocument *self,
                                           const char              *fingerprint)
{
  g_return_if_fail (INVOLVE_IS_EVIDENCE_DOCUMENT (self));

  g_free (self->fingerprint);
  self->fingerprint = g_ascii_strdown (fingerprint != NULL ? fingerprint : "", -1);
  invalidate (self);
}

void
involve_evidence_document_set_assessment (InvolveEvidenceDocument *self,
                                          const char              *outcome,
                                          const char * const      *citations,
                                          const char * const      *reasons)
{
  g_return_if_fail (INVOLVE_IS_EVIDENCE_DOCUMENT (self));

  g_free (self->outcome);
  self->outcome = g_strdup (outcome);
  g_strfreev (self->citations);
  self->citations = g_strdupv ((char **) citations);
  g_strfreev (self->reasons);
  self->reasons = g_strdupv ((char **) reasons);
  invalidate (self);
}

void
involve_evidence_document_derive_assessment (InvolveEvidenceDocument *self)
{
  g_autoptr(InvolveAssessment) assessment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) reasons = NULL;

  g_return_if_fail (INVOLVE_IS_EVIDENCE_DOCUMENT (self));

  assessment = involve_assess_record (self->record, self->definitions, &error);
  if (assessment == NULL)
    {
      g_autofree char *why = g_strdup_printf (_("The outcome could not be derived: %s"),
                                              error->message);
      const char *only[] = { why, NULL };

      involve_evidence_document_set_assessment (self, NULL, NULL, only);
      return;
    }

  reasons = g_ptr_array_new ();
  for (guint i = 0; assessment->reasons != NULL && assessment->reasons[i] != NULL; i++)
    g_ptr_array_add (reasons, assessment->reasons[i]);
  for (guint i = 0; assessment->notes != NULL && i < assessment->notes->len; i++)
    g_ptr_array_add (reasons, ((InvolveAssessNote *) g_ptr_array_index (assessment->notes, i))->text);
  g_ptr_array_add (reasons, NULL);

  involve_evidence_document_set_assessment (self, involve_assessment_get_outcome_string (assessment),
                                            (const char * const *) assessment->citations,
                                            (const char * const *) reasons->pdata);
}

void
involve_evidence_document_set_history (InvolveEvidenceDocument *self,
                                       GPtrArray               *versions,
                                       const char * const      *fingerprints)
{
  g_return_if_fail (INVOLVE_IS_EVIDENCE_DOCUMENT (self));

  g_clear_pointer (&self->versions, g_ptr_array_unref);
  if (versions != NULL)
    self->versions = g_ptr_array_ref (versions);
  g_strfreev (self->version_fingerprints);
  self->version_fingerprints = g_strdupv ((char **) fingerprints);
  invalidate (self);
}

void
involve_evidence_document_set_audit (InvolveEvidenceDocument *self,
                                     GPtrArray               *entries)
{
  g_return_if_fail (INVOLVE_IS_EVIDENCE_DOCUMENT (self));

  g_clear_pointer (&self->audit, g_ptr_array_unref);
  if (entries != NULL)
    self->audit = g_ptr_array_ref (entries);
  invalidate (self);
}

void
involve_evidence_document_set_imported_trails (InvolveEvidenceDocument *self,
                                               GPtrArray               *trails)
{
  g_return_if_fail (INVOLVE_IS_EVIDENCE_DOCUMENT (self));

  g_clear_pointer (&self->imported_trails, g_ptr_array_unref);
  if (trails != NULL)
    self->imported_trails = g_ptr_array_ref (trails);
  invalidate (self);
}

void
involve_evidence_document_set_register_head (InvolveEvidenceDocument *self,
                                             const char              *head,
                                             const char              *description)
{
  g_return_if_fail (INVOLVE_IS_EVIDENCE_DOCUMENT (self));

  g_free (self->register_head);
  self->register_head = g_strdup (head);
  g_free (self->register_head_description);
  self->register_head_description = g_strdup (description);
  invalidate (self);
}

void
involve_evidence_document_set_generated_usec (InvolveEvidenceDocument *self,
                                              gint64                   usec)
{
  g_return_if_fail (INVOLVE_IS_EVIDENCE_DOCUMENT (self));

  self->generated_usec = usec;
  invalidate (self);
}

static PangoContext *
create_context (void)
{
  PangoFontMap *font_map = pango_cairo_font_map_get_default ();
  PangoContext *context = pango_font_map_create_context (font_map);
  cairo_font_options_t *options = cairo_font_options_create ();

  /* Measure and draw alike on every surface: points, no hinting. */
  pango_cairo_context_set_resolution (context, 72.0);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
  pango_context_set_round_glyph_positions (context, FALSE);
  pango_context_set_language (context, pango_language_from_string ("en-gb"));
  return context;
}

gboolean
involve_evidence_document_layout (InvolveEvidenceDocument *self,
                                  double                   page_width,
                                  double                   page_height,
                                  GError                 **error)
{
  g_return_val_if_fail (INVOLVE_IS_EVIDENCE_DOCUMENT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (page_width < 4 * MARGIN_X || page_height < 2 * (MARGIN_TOP + MARGIN_BOTTOM))
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FAILED,
                   _("The page (%.0f × %.0f points) is too small for the evidence document."),
                   page_width, page_height);
      return FALSE;
    }

  if (self->fingerprint == NULL || *self->fingerprint == '\0')
    {
      g_set_error_literal (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FAILED,
                           _("The evidence document needs the record’s fingerprint."));
      return FALSE;
    }

  if (self->laid_out && self->page_width == page_width && self->page_height == page_height)
    return TRUE;

  invalidate (self);
  if (self->context == NULL)
    self->context = create_context ();

  self->page_width = page_width;
  self->page_height = page_height;
  self->content_width = page_width - 2 * MARGIN_X;
  self->next_table_id = 0;
  self->blocks = g_ptr_array_new_with_free_func (block_free);
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  if (is_public (self))
    build_redactions (self);
  build_blocks (self);
  paginate (self);
  self->laid_out = TRUE;
  return TRUE;
}

guint
involve_evidence_document_get_n_pages (InvolveEvidenceDocument *self)
{
  g_return_val_if_fail (INVOLVE_IS_EVIDENCE_DOCUMENT (self), 0);
  g_return_val_if_fail (self->laid_out, 0);

  return self->pages->len;
}

char *
involve_evidence_document_dup_title (InvolveEvidenceDocument *self)
{
  const char *title;

  g_return_val_if_fail (INVOLVE_IS_EVIDENCE_DOCUMENT (self), NULL);

  title = field_text (self, "title");
  return g_strdup_printf (is_public (self) ? _("%s version %u: %s (public version)")
                                           : _("%s version %u: %s"),
                          involve_record_get_reference (self->record),
                          involve_record_get_version (self->record),
                          title != NULL ? title : _("Untitled assessment"));
}

static void
set_metadata (InvolveEvidenceDocument *self,
              cairo_surface_t         *surface)
{
  const InvolveFramework *framework = get_framework (self);
  const char *organisation = field_text (self, "organisation-name");
  g_autofree char *title = involve_evidence_document_dup_title (self);
  g_autofree char *subject = NULL;
  g_autofree char *keywords = NULL;
  g_autofree char *creator = g_strdup_printf ("Involve %s", PACKAGE_VERSION);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (self->generated_usec / G_USEC_PER_SEC);
  g_autofree char *date = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");

  if (framework != NULL)
    subject = g_strdup_printf (_("Assessment of the duty to involve the public, section %s of the %s"),
                               framework->section, framework->act);
  else
    subject = g_strdup (_("Assessment of the duty to involve the public"));

  /* Machine-readable: check-pdf reads these back. */
  keywords = g_strdup_printf ("Involve; reference=%s; version=%u; status=%s; fingerprint=%s; public=%s",
                              involve_record_get_reference (self->record),
                              involve_record_get_version (self->record),
                              involve_status_to_string (involve_record_get_status (self->record)),
                              self->fingerprint, is_public (self) ? "yes" : "no");

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  if (organisation != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR, organisation);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_SUBJECT, subject);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_KEYWORDS, keywords);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, creator);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_MOD_DATE, date);
}

static void
add_outline (InvolveEvidenceDocument *self,
             cairo_surface_t         *surface)
{
  int parent = CAIRO_PDF_OUTLINE_ROOT;

  for (guint p = 0; p < self->pages->len; p++)
    {
      GArray *page = g_ptr_array_index (self->pages, p);

      for (guint i = 0; i < page->len; i++)
        {
          const Placement *placement = &g_array_index (page, Placement, i);
          const Block *block = placement->block;
          g_autofree char *link = NULL;
          int id;

          if (block->outline_level == 0 || placement->y0 > 0)
            continue;

          link = g_strdup_printf ("page=%u pos=[%d %d]", p + 1, (int) MARGIN_X,
                                  (int) placement->page_y);
          id = cairo_pdf_surface_add_outline (surface,
                                              block->outline_level == 1 ? CAIRO_PDF_OUTLINE_ROOT
                                                                        : parent,
                                              block->outline_title, link,
                                              block->outline_level == 1 ?
                                              CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
          if (block->outline_level == 1)
            parent = id;
        }
    }
}

/*
 * cairo 1.16 writes the structure tree but neither /MarkInfo nor the
 * document language, so readers do not treat the file as tagged.  A new
 * revision of the catalog adds /MarkInfo, /Lang and /ViewerPreferences;
 * nothing cairo wrote is changed.
 */
static gboolean
mark_tagged (InvolvePdfUpdate     *update,
             const InvolvePdf     *pdf,
             const InvolvePdfXref *xref,
             const char           *language)
{
  InvolvePdfSpan catalog, mark_info;

  if (xref->root == 0 || !_involve_pdf_object_dict (pdf, xref, xref->root, &catalog))
    return FALSE;
  if (_involve_pdf_dict_find (pdf, catalog.start, "MarkInfo", &mark_info))
    return TRUE;

  _involve_pdf_update_begin_object (update, xref->root);
  g_string_append (_involve_pdf_update_get_buffer (update), "<<");
  _involve_pdf_update_copy_entries (update, catalog);
  g_string_append_printf (_involve_pdf_update_get_buffer (update),
                          "   /MarkInfo << /Marked true >>\n"
                          "   /Lang (%s)\n"
                          "   /ViewerPreferences << /DisplayDocTitle true >>\n"
                          ">>\n", language);
  _involve_pdf_update_end_object (update);
  return TRUE;
}

/* What cairo cannot write (tagging, the register head; @head may be
 * NULL), in one incremental update appended to the PDF at @path. */
static gboolean
finish_pdf (const char  *path,
            const char  *language,
            const char  *head,
            GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(InvolvePdfUpdate) update = NULL;
  InvolvePdfXref xref;
  InvolvePdf pdf;
  GString *bytes;
  gboolean tagged, headed, written;
  FILE *file;

  if (!g_file_get_contents (path, &contents, &pdf.len, error))
    return FALSE;
  pdf.data = contents;
  if (!_involve_pdf_xref_read (&pdf, &xref))
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FAILED,
                   _("The PDF cairo wrote has an unexpected layout; it cannot be marked as tagged."));
      return FALSE;
    }
  update = _involve_pdf_update_new (&pdf, &xref);
  tagged = mark_tagged (update, &pdf, &xref, language);
  headed = tagged && (head == NULL || _involve_pdf_add_register_head (update, &pdf, &xref, head));
  _involve_pdf_xref_clear (&xref);
  if (!tagged)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FAILED,
                   _("The PDF cairo wrote has an unexpected layout; it cannot be marked as tagged."));
      return FALSE;
    }
  if (!headed)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FAILED,
                   _("The register head could not be added to the PDF’s document information."));
      return FALSE;
    }
  if (_involve_pdf_update_is_empty (update))
    return TRUE;
  _involve_pdf_update_finish (update);

  bytes = _involve_pdf_update_get_buffer (update);
  file = g_fopen (path, "ab");
  written = file != NULL && fwrite (bytes->str, 1, bytes->len, file) == bytes->len;
  if (file != NULL && fclose (file) != 0)
    written = FALSE;
  if (!written)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_IO,
                   _("Cannot write “%s”."), path);
      return FALSE;
    }
  return TRUE;
}

gboolean
involve_evidence_document_write_pdf (InvolveEvidenceDocument *self,
                                     const char              *path,
                                     GError                 **error)
{
  g_autofree char *temp_path = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (INVOLVE_IS_EVIDENCE_DOCUMENT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!self->laid_out &&
      !involve_evidence_document_layout (self, INVOLVE_EVIDENCE_A4_WIDTH,
                                         INVOLVE_EVIDENCE_A4_HEIGHT, error))
    return FALSE;

  temp_path = _involve_export_make_temp (path, error);
  if (temp_path == NULL)
    return FALSE;

  surface = cairo_pdf_surface_create (temp_path, self->page_width, self->page_height);
  set_metadata (self, surface);
  cr = cairo_create (surface);

  for (guint i = 0; i < self->pages->len; i++)
    {
      involve_evidence_document_draw_page (self, cr, i);
      cairo_show_page (cr);
    }
  add_outline (self, surface);

  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FAILED,
                   _("Cannot write “%s”: %s"), path, cairo_status_to_string (status));
      g_unlink (temp_path);
      return FALSE;
    }

  if (!finish_pdf (temp_path, "en-GB", self->register_head, error))
    {
      g_unlink (temp_path);
      return FALSE;
    }

  return _involve_export_move_into_place (temp_path, path, error);
}

/* Reading a PDF's identity back */

gboolean
involve_evidence_pdf_read_identity (const char  *path,
                                    char       **reference,
                                    guint       *version,
                                    char       **fingerprint,
                                    gboolean    *public_version,
                                    GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autofree char *keywords = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *found_reference = NULL;
  g_autofree char *found_fingerprint = NULL;
  guint found_version = 0;
  gboolean found_public = FALSE;
  const char *data, *end, *p = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, FALSE);

  mapped = g_mapped_file_new (path, FALSE, error);
  if (mapped == NULL)
    return FALSE;

  data = g_mapped_file_get_contents (mapped);
  length = g_mapped_file_get_length (mapped);
  end = data + length;

  if (length < 5 || memcmp (data, "%PDF-", 5) != 0)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                   _("“%s” is not a PDF file."), path);
      return FALSE;
    }

  /* The document information dictionary is near the end; take the last
   * one, without trusting the xref: this also reads a damaged file. */
  p = _involve_pdf_find_last (data, end, "/Keywords");
  if (p != NULL)
    {
      InvolvePdf pdf = { data, length };
      InvolvePdfSpan value;

      value.start = _involve_pdf_skip_space (&pdf, (gsize) (p - data) + strlen ("/Keywords"));
      value.end = value.start;
      if (_involve_pdf_skip_object (&pdf, &value.end, 0))
        keywords = _involve_pdf_decode_string (&pdf, value);
    }

  if (keywords == NULL || strstr (keywords, "fingerprint=") == NULL)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_NOT_FOUND,
                   _("“%s” carries no Involve fingerprint: it was not made by Involve, or "
                     "its metadata was changed."), path);
      return FALSE;
    }

  parts = g_strsplit_set (keywords, "; ", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (g_str_has_prefix (parts[i], "reference="))
        {
          g_free (found_reference);
          found_reference = g_strdup (parts[i] + strlen ("reference="));
        }
      else if (g_str_has_prefix (parts[i], "version="))
        found_version = (guint) g_ascii_strtoull (parts[i] + strlen ("version="), NULL, 10);
      else if (g_str_has_prefix (parts[i], "fingerprint="))
        {
          g_free (found_fingerprint);
          found_fingerprint = g_strdup (parts[i] + strlen ("fingerprint="));
        }
      else if (g_str_has_prefix (parts[i], "public="))
        found_public = g_str_equal (parts[i] + strlen ("public="), "yes");
    }

  if (found_reference == NULL || found_fingerprint == NULL || found_version == 0)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                   _("The Involve metadata of “%s” is incomplete."), path);
      return FALSE;
    }

  if (reference != NULL)
    *reference = g_steal_pointer (&found_reference);
  if (version != NULL)
    *version = found_version;
  if (fingerprint != NULL)
    *fingerprint = g_steal_pointer (&found_fingerprint);
  if (public_version != NULL)
    *public_version = found_public;
  return TRUE;
}
