/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-report"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <stdlib.h>

#include "involve-gui-util.h"
#include "involve-report-dialog.h"
#include "involve-report-pdf.h"

#define FIRST_YEAR 2013   /* CCGs began in April 2013 */
#define MAX_REFERENCES_SHOWN 12

struct _InvolveReportDialog
{
  AdwWindow            parent_instance;

  InvolveStore        *store;
  InvolveAnnualReport *report;      /* what is shown, or NULL */
  GStrv                years;       /* the year drop-down's items */
  GStrv                organisations;  /* the organisation drop-down's items after "All" */
  GPtrArray           *groups;      /* the groups of figures shown */

  GtkWidget           *toasts;
  GtkWidget           *year_drop_down;
  GtkWidget           *organisation_drop_down;
  GtkWidget           *as_of_entry;
  GtkWidget           *compute_button;
  GtkWidget           *save_pdf_button;
  GtkWidget           *save_csv_button;
  GtkWidget           *page;
  GtkWidget           *figures_group;
};

G_DEFINE_FINAL_TYPE (InvolveReportDialog, involve_report_dialog, ADW_TYPE_WINDOW)

static void
toast (InvolveReportDialog *self,
       const char          *message)
{
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toasts), adw_toast_new (message));
}

static const char *
section_title (const char *section)
{
  static const char *titles[][2] = {
    { "decisions", N_("Decisions") },
    { "outcome", N_("By Outcome") },
    { "limb", N_("Where the Duty Applied, by Limb") },
    { "does-not-apply", N_("Where It Did Not Apply") },
    { "urgency", N_("Urgency") },
    { "reconfiguration", N_("Notifiable Reconfigurations") },
    { "involvement", N_("Involvement Done") },
    { "method", N_("Activities by Method") },
    { "group", N_("Reach: Seldom-Heard Groups") },
    { "characteristic", N_("Reach: Protected Characteristics") },
    { "partner", N_("Partners") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      if (g_str_equal (titles[i][0], section))
        return _(titles[i][1]);
    }
  return section;
}

static char *
references_text (const InvolveReportFigure *figure)
{
  GString *out = g_string_new (NULL);
  guint n = figure->references->len;

  for (guint i = 0; i < n && i < MAX_REFERENCES_SHOWN; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", (const char *) figure->references->pdata[i]);
  if (n > MAX_REFERENCES_SHOWN)
    g_string_append_printf (out, ngettext (" and %u more (all in the PDF and CSV)",
                                           " and %u more (all in the PDF and CSV)", n - MAX_REFERENCES_SHOWN),
                            n - MAX_REFERENCES_SHOWN);
  return g_string_free (out, FALSE);
}

static void
show_report (InvolveReportDialog *self)
{
  const InvolveAnnualReport *report = self->report;
  GtkWidget *group = NULL;
  const char *section = NULL;
  g_autofree char *description = NULL;

  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (ADW_PREFERENCES_PAGE (self->page), self->groups->pdata[i]);
  g_ptr_array_set_size (self->groups, 0);

  description = g_strdup_printf (_("%s to %s, %s. Computed from the register as it stood at audit entry %" PRId64 "; "
                                   "saved files are computed at the same entry."),
                                 report->first_day, report->last_day,
                                 report->organisation != NULL ? report->organisation : _("all organisations"),
                                 report->as_of_entry);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->figures_group), description);

  for (guint i = 0; i < report->figures->len; i++)
    {
      const InvolveReportFigure *figure = report->figures->pdata[i];
      gboolean list_section = g_str_equal (figure->section, "method") || g_str_equal (figure->section, "group") ||
                              g_str_equal (figure->section, "characteristic") || g_str_equal (figure->section, "partner");
      g_autofree char *count = NULL;
      g_autofree char *refs = NULL;
      GtkWidget *row, *label;

      if (list_section && figure->count == 0)
        continue;
      if (g_strcmp0 (section, figure->section) != 0)
        {
          section = figure->section;
          group = adw_preferences_group_new ();
          adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), section_title (section));
          adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (group));
          g_ptr_array_add (self->groups, group);
        }
      count = figure->people > 0
              ? g_strdup_printf (_("%" PRId64 " (%" PRId64 " people)"), figure->count, figure->people)
              : g_strdup_printf ("%" PRId64, figure->count);
      refs = references_text (figure);
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), figure->label);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), refs);
      label = gtk_label_new (count);
      gtk_widget_add_css_class (label, "numeric");
      gtk_widget_add_css_class (label, "title-3");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  gtk_widget_set_sensitive (self->save_pdf_button, TRUE);
  gtk_widget_set_sensitive (self->save_csv_button, TRUE);
}

gboolean
_involve_report_dialog_compute (InvolveReportDialog  *self,
                                const char           *year,
                                const char           *organisation,
                                GError              **error)
{
  return _involve_report_dialog_compute_at (self, year, organisation, "", error);
}

gboolean
_involve_report_dialog_compute_at (InvolveReportDialog  *self,
                                   const char           *year,
                                   const char           *organisation,
                                   const char           *as_of_entry,
                                   GError              **error)
{
  InvolveAnnualReport *report;
  g_autofree char *as_of_text = g_strstrip (g_strdup (as_of_entry != NULL ? as_of_entry : ""));
  guint64 as_of = 0;

  gtk_editable_set_text (GTK_EDITABLE (self->as_of_entry), as_of_text);
  if (*as_of_text != '\0' &&
      !g_ascii_string_to_unsigned (as_of_text, 10, 1, G_MAXINT64, &as_of, NULL))
    {
      g_set_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_INVALID,
                   _("“%s” is not an audit entry number: give a whole number of 1 or more, or leave it empty for now."),
                   as_of_text);
      return FALSE;
    }

  for (guint i = 0; year != NULL && self->years[i] != NULL; i++)
    {
      if (g_str_equal (self->years[i], year))
        gtk_drop_down_set_selected (GTK_DROP_DOWN (self->year_drop_down), i);
    }
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->organisation_drop_down), 0);
  for (guint i = 0; organisation != NULL && self->organisations[i] != NULL; i++)
    {
      if (g_str_equal (self->organisations[i], organisation))
        gtk_drop_down_set_selected (GTK_DROP_DOWN (self->organisation_drop_down), i + 1);
    }

  report = involve_store_compute_report (self->store, year, organisation, (gint64) as_of, error);
  if (report == NULL)
    return FALSE;
  g_clear_pointer (&self->report, involve_annual_report_free);
  self->report = report;
  show_report (self);
  return TRUE;
}

const InvolveAnnualReport *
_involve_report_dialog_get_report (InvolveReportDialog *self)
{
  return self->report;
}

/* Saved at the head the figures shown were computed at, so the files say
 * what the dialog said, whatever was logged since. */
gboolean
_involve_report_dialog_save (InvolveReportDialog  *self,
                             const char           *pdf_path,
                             const char           *csv_path,
                             GError              **error)
{
  g_autoptr(InvolveAnnualReport) saved = NULL;

  g_return_val_if_fail (self->report != NULL, FALSE);
  saved = involve_export_annual_report (self->store, self->report->year, self->report->organisation,
                                        self->report->as_of_entry, pdf_path, csv_path, error);
  return saved != NULL;
}

static void
compute_clicked_cb (GtkButton           *button,
                    InvolveReportDialog *self)
{
  guint year = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->year_drop_down));
  guint organisation = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->organisation_drop_down));
  g_autoptr(GError) error = NULL;

  if (year >= g_strv_length (self->years))
    return;
  if (!_involve_report_dialog_compute_at (self, self->years[year],
                                          organisation > 0 ? self->organisations[organisation - 1] : NULL,
                                          gtk_editable_get_text (GTK_EDITABLE (self->as_of_entry)), &error))
    {
      g_autofree char *message = g_strdup_printf (_("The report could not be computed: %s"), error->message);

      toast (self, message);
    }
}

static char *
save_to (gpointer    owner,
         const char *path,
         gpointer    data)
{
  gboolean csv = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;

  if (!_involve_report_dialog_save (INVOLVE_REPORT_DIALOG (owner), csv ? NULL : path, csv ? path : NULL, &error))
    return g_strdup_printf (_("The report could not be saved: %s"), error->message);
  return NULL;
}

static void
save_clicked_cb (GtkButton           *button,
                 InvolveReportDialog *self)
{
  gboolean csv = GTK_WIDGET (button) == self->save_csv_button;
  g_autofree char *name = NULL;

  if (self->report == NULL)
    return;
  name = g_strdup_printf (csv ? _("Involvement annual report %s.csv") : _("Involvement annual report %s.pdf"),
                          self->report->year);
  involve_gui_save_as (GTK_WINDOW (self), ADW_TOAST_OVERLAY (self->toasts),
                       csv ? _("Save the Report as CSV") : _("Save the Report as PDF"),
                       name, save_to, GINT_TO_POINTER (csv));
}

static void
involve_report_dialog_dispose (GObject *object)
{
  InvolveReportDialog *self = INVOLVE_REPORT_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), INVOLVE_TYPE_REPORT_DIALOG);
  g_clear_object (&self->store);
  g_clear_pointer (&self->report, involve_annual_report_free);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  G_OBJECT_CLASS (involve_report_dialog_parent_class)->dispose (object);
}

static void
involve_report_dialog_finalize (GObject *object)
{
  InvolveReportDialog *self = INVOLVE_REPORT_DIALOG (object);

  g_strfreev (self->years);
  g_strfreev (self->organisations);
  G_OBJECT_CLASS (involve_report_dialog_parent_class)->finalize (object);
}

static void
involve_report_dialog_class_init (InvolveReportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = involve_report_dialog_dispose;
  object_class->finalize = involve_report_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/involve/Involve/ui/involve-report-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, InvolveReportDialog, toasts);
  gtk_widget_class_bind_template_child (widget_class, InvolveReportDialog, year_drop_down);
  gtk_widget_class_bind_template_child (widget_class, InvolveReportDialog, organisation_drop_down);
  gtk_widget_class_bind_template_child (widget_class, InvolveReportDialog, as_of_entry);
  gtk_widget_class_bind_template_child (widget_class, InvolveReportDialog, compute_button);
  gtk_widget_class_bind_template_child (widget_class, InvolveReportDialog, save_pdf_button);
  gtk_widget_class_bind_template_child (widget_class, InvolveReportDialog, save_csv_button);
  gtk_widget_class_bind_template_child (widget_class, InvolveReportDialog, page);
  gtk_widget_class_bind_template_child (widget_class, InvolveReportDialog, figures_group);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
involve_report_dialog_init (InvolveReportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->groups = g_ptr_array_new ();
  g_signal_connect (self->compute_button, "clicked", G_CALLBACK (compute_clicked_cb), self);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->compute_button);
  g_signal_connect (self->save_pdf_button, "clicked", G_CALLBACK (save_clicked_cb), self);
  g_signal_connect (self->save_csv_button, "clicked", G_CALLBACK (save_clicked_cb), self);
}

GtkWidget *
involve_report_dialog_new (GtkWindow    *parent,
                           InvolveStore *store)
{
  InvolveReportDialog *self;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *current = involve_financial_year_of (today);
  g_autoptr(GStrvBuilder) years = g_strv_builder_new ();
  g_autoptr(GtkStringList) organisations = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) year_list = NULL;
  int current_start = current != NULL ? atoi (current) : FIRST_YEAR;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (INVOLVE_IS_STORE (store), NULL);

  self = g_object_new (INVOLVE_TYPE_REPORT_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);

  /* Newest first; the year just ended is the one to report on. */
  for (int y = current_start; y >= FIRST_YEAR; y--)
    {
      g_autofree char *year = g_strdup_printf ("%04d-%02d", y, (y + 1) % 100);

      g_strv_builder_add (years, year);
    }
  self->years = g_strv_builder_end (years);
  year_list = gtk_string_list_new ((const char * const *) self->years);
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->year_drop_down), G_LIST_MODEL (year_list));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->year_drop_down), self->years[1] != NULL ? 1 : 0);

  self->organisations = involve_store_dup_organisations (store, NULL);
  if (self->organisations == NULL)
    self->organisations = g_new0 (char *, 1);
  gtk_string_list_append (organisations, _("All organisations"));
  for (guint i = 0; self->organisations[i] != NULL; i++)
    gtk_string_list_append (organisations, self->organisations[i]);
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->organisation_drop_down), G_LIST_MODEL (organisations));
  return GTK_WIDGET (self);
}
