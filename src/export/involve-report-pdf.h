/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-store.h"
#include "involve-store-report.h"

G_BEGIN_DECLS

/*
 * The annual report as a PDF (charts drawn with Cairo, an appendix listing
 * the records behind each figure and each decision counted) and the
 * public "you said, we did" PDF of one record (no staff names, no audit
 * actors, no contact details).
 */

gboolean involve_report_write_pdf            (const InvolveAnnualReport *report,
                                              const char                *path,
                                              GError                   **error);
gboolean involve_report_write_csv            (const InvolveAnnualReport *report,
                                              const char                *path,
                                              GError                   **error);
/*
 * Computes the report (see involve_store_compute_report ()), writes the
 * PDF and/or CSV (either path may be NULL) and logs one export entry
 * saying what was written at which audit head.  Returns the report.
 */
InvolveAnnualReport *involve_export_annual_report (InvolveStore  *store,
                                                   const char    *year,
                                                   const char    *organisation,
                                                   gint64         as_of_entry,
                                                   const char    *pdf_path,
                                                   const char    *csv_path,
                                                   GError       **error);

/* The public "you said, we did" PDF of @uuid's involvement log (as it
 * stands now); logs an export entry. */
gboolean involve_export_you_said_we_did      (InvolveStore  *store,
                                              const char    *uuid,
                                              const char    *path,
                                              GError       **error);

G_END_DECLS
