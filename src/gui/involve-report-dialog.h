/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "involve-store.h"
#include "involve-store-report.h"

G_BEGIN_DECLS

/*
 * The annual report on the duty to involve: choose a financial year and
 * an organisation, see the figures and the records behind them, and save
 * the PDF and the CSV, computed at the audit entry the figures shown were.
 */
#define INVOLVE_TYPE_REPORT_DIALOG (involve_report_dialog_get_type ())
G_DECLARE_FINAL_TYPE (InvolveReportDialog, involve_report_dialog, INVOLVE, REPORT_DIALOG, AdwWindow)

GtkWidget *involve_report_dialog_new (GtkWindow    *parent,
                                      InvolveStore *store);

/* For tests: choose the year and organisation (NULL = all) and compute;
 * the report shown (NULL before); saving without the file chooser. */
gboolean   _involve_report_dialog_compute (InvolveReportDialog  *self,
                                           const char           *year,
                                           const char           *organisation,
                                           GError              **error);
/* The same, at audit entry @as_of_entry as the dialog's field gives it
 * ("" = now). */
gboolean   _involve_report_dialog_compute_at (InvolveReportDialog  *self,
                                              const char           *year,
                                              const char           *organisation,
                                              const char           *as_of_entry,
                                              GError              **error);
const InvolveAnnualReport *_involve_report_dialog_get_report (InvolveReportDialog *self);
gboolean   _involve_report_dialog_save    (InvolveReportDialog  *self,
                                           const char           *pdf_path,
                                           const char           *csv_path,
                                           GError              **error);

G_END_DECLS
