/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-definitions.h"
#include "involve-pdf.h"
#include "involve-signoff.h"
#include "involve-store.h"
#include "involve-xml.h"

G_BEGIN_DECLS

/*
 * The exports wired to the register.  Records are addressed by uuid
 * (involve_store_lookup_reference () turns a reference into one); version
 * 0 is the latest.  Every export and import is logged in the audit trail.
 */

/* The evidence document of a version, with its history, audit trail and outcome. */
InvolveEvidenceDocument *involve_export_evidence_document (InvolveStore        *store,
                                                           InvolveDefinitions  *definitions,
                                                           const char          *uuid,
                                                           guint                version,
                                                           InvolveEvidenceKind  kind,
                                                           GError             **error);
/* Writes the evidence PDF signed by the store's identity (none:
 * INVOLVE_PDF_SIGN_ERROR_NO_IDENTITY) and logs the export and its signer. */
gboolean   involve_export_pdf               (InvolveStore        *store,
                                             InvolveDefinitions  *definitions,
                                             const char          *uuid,
                                             guint                version,
                                             InvolveEvidenceKind  kind,
                                             const char          *path,
                                             GError             **error);
/* Called after each record of a batch; @done of @total, the reference just written. */
typedef void (*InvolveExportProgressFunc) (guint       done,
                                           guint       total,
                                           const char *reference,
                                           gpointer    user_data);

/*
 * Writes the evidence PDF of the latest version of each record into
 * @directory as REFERENCE.pdf (REFERENCE-public.pdf for the public
 * version), logging each export.  Checks @cancellable between records:
 * when cancelled it stops with G_IO_ERROR_CANCELLED and keeps the files
 * already written.  For the app's "export several records" with a progress
 * bar: run it in a worker thread (GTask) with a store of its own
 * (involve_store_open () on the same path) and forward @progress to the
 * main context.
 */
gboolean   involve_export_pdfs              (InvolveStore             *store,
                                             InvolveDefinitions       *definitions,
                                             const char * const       *uuids,
                                             const char               *directory,
                                             InvolveEvidenceKind       kind,
                                             GCancellable             *cancellable,
                                             InvolveExportProgressFunc progress,
                                             gpointer                  user_data,
                                             GError                  **error);
/*
 * Checks an evidence PDF: its signature covers every byte and verifies
 * (involve_pdf_signature_read ()), its signer is trusted, being one of
 * @trusted (GBytes DER, may be NULL) or on the register's trust list,
 * and, with a register (@store may be NULL), the version it names is in
 * the register with the same fingerprint (else
 * INVOLVE_EXPORT_ERROR_FINGERPRINT) and still current (else
 * INVOLVE_EXPORT_ERROR_CONFLICT).  @report (may be NULL) receives what
 * the document says and what was checked, a few lines.
 */
gboolean   involve_export_check_signed_pdf  (InvolveStore        *store,
                                             const char          *path,
                                             GPtrArray           *trusted,
                                             char               **report,
                                             GError             **error);
/* The same against @store's trust list only. */
gboolean   involve_export_check_pdf         (InvolveStore        *store,
                                             const char          *path,
                                             char               **report,
                                             GError             **error);

/* One record with all its versions and its audit trail, as the exchange format carries it. */
InvolveExchangeRecord *involve_export_collect_record (InvolveStore  *store,
                                                      const char    *uuid,
                                                      GError       **error);
/* Writes records (uuids; NULL = every record in the register) and logs each export. */
gboolean   involve_export_xml               (InvolveStore        *store,
                                             const char * const  *uuids,
                                             const char          *path,
                                             GError             **error);
/*
 * Imports an exchange file: every check of involve_xml_read_file (), each
 * audit entry's hash recomputed, then all records in one transaction.
 * Versions already there with the same fingerprint are skipped; a file
 * whose records are all there already is INVOLVE_EXPORT_ERROR_DUPLICATE
 * ("already in the register"); a version that differs from the register's
 * is INVOLVE_EXPORT_ERROR_CONFLICT (a signed-off version is never
 * overwritten).  On any error nothing is written.  @summary (may be NULL)
 * says what was imported.
 */
gboolean   involve_import_xml               (InvolveStore        *store,
                                             const char          *path,
                                             char               **summary,
                                             GError             **error);

/* Writes a sign-off request for the latest version (awaiting sign-off) and logs it. */
gboolean   involve_export_sign_off_request  (InvolveStore        *store,
                                             const char          *uuid,
                                             const char          *path,
                                             GError             **error);
/*
 * Applies a reviewer's response file through involve_store_apply_sign_off ()
 * only if its fingerprint is that of the version in the register; else
 * INVOLVE_EXPORT_ERROR_FINGERPRINT with a message.  Logs the import.
 */
gboolean   involve_import_sign_off_response (InvolveStore        *store,
                                             const char          *path,
                                             char               **summary,
                                             GError             **error);

G_END_DECLS
