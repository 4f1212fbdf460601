/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib-object.h>

#include "involve-definitions.h"
#include "involve-export.h"
#include "involve-record.h"
#include "involve-store.h"

G_BEGIN_DECLS

/*
 * The evidence document of one record version.  It is laid out once
 * (Pango, in points, paginated by measured height) and drawn one page at a
 * time by involve_evidence_document_draw_page (), which serves both the
 * PDF export below and GtkPrintOperation in the app:
 *
 *   begin-print:  gtk_print_operation_set_unit (op, GTK_UNIT_POINTS);
 *                 gtk_print_operation_set_use_full_page (op, TRUE);
 *                 involve_evidence_document_layout (doc,
 *                     gtk_print_context_get_width (ctx),
 *                     gtk_print_context_get_height (ctx), NULL);
 *                 gtk_print_operation_set_n_pages (op, n_pages);
 *   draw-page:    involve_evidence_document_draw_page (doc,
 *                     gtk_print_context_get_cairo_context (ctx), page_nr);
 *
 * Labels and structure come from the form definitions; only fields whose
 * condition holds or that hold a value are printed.
 */

#define INVOLVE_EVIDENCE_A4_WIDTH  595.276
#define INVOLVE_EVIDENCE_A4_HEIGHT 841.890

typedef enum
{
  INVOLVE_EVIDENCE_FULL,
  /* Without personal fields, staff names and e-mail addresses, audit actors. */
  INVOLVE_EVIDENCE_PUBLIC,
} InvolveEvidenceKind;

#define INVOLVE_TYPE_EVIDENCE_DOCUMENT (involve_evidence_document_get_type ())
G_DECLARE_FINAL_TYPE (InvolveEvidenceDocument, involve_evidence_document,
                      INVOLVE, EVIDENCE_DOCUMENT, GObject)

InvolveEvidenceDocument *involve_evidence_document_new (InvolveDefinitions      *definitions,
                                                        InvolveRecord           *record,
                                                        InvolveEvidenceKind      kind);

/* The fingerprint of the record version (hex SHA-256); required. */
void     involve_evidence_document_set_fingerprint     (InvolveEvidenceDocument *self,
                                                        const char              *fingerprint);
/*
 * The three-step test's derived outcome ("applies" / "does-not-apply"),
 * the citations of the limbs that apply and the reasons, each may be NULL.
 */
void     involve_evidence_document_set_assessment      (InvolveEvidenceDocument *self,
                                                        const char              *outcome,
                                                        const char * const      *citations,
                                                        const char * const      *reasons);
/*
 * Runs the three-step test engine on the record and sets its outcome,
 * citations, reasons and notes.  When the answers are incomplete the
 * document says the outcome was not derived, and why.
 */
void     involve_evidence_document_derive_assessment   (InvolveEvidenceDocument *self);
/* All versions of the record (InvolveRecord*), oldest first, and their fingerprints. */
void     involve_evidence_document_set_history         (InvolveEvidenceDocument *self,
                                                        GPtrArray               *versions,
                                                        const char * const      *fingerprints);
/* The record's audit trail (InvolveAuditEntry*), oldest first. */
void     involve_evidence_document_set_audit           (InvolveEvidenceDocument *self,
                                                        GPtrArray               *entries);
/* The audit trails the register kept from the registers the record was
 * imported from (InvolveImportedTrail*), printed after its own. */
void     involve_evidence_document_set_imported_trails (InvolveEvidenceDocument *self,
                                                        GPtrArray               *trails);
/* The register head (docs/heads.md) the PDF carries as /InvolveHead in its
 * document information, with @description on the "How to verify" page;
 * NULL for none. */
void     involve_evidence_document_set_register_head   (InvolveEvidenceDocument *self,
                                                        const char              *head,
                                                        const char              *description);
/* When the document was made (system UTC usec); defaults to now. */
void     involve_evidence_document_set_generated_usec  (InvolveEvidenceDocument *self,
                                                        gint64                   usec);

/* Lays the document out on pages of this size in points (A4 by default). */
gboolean involve_evidence_document_layout              (InvolveEvidenceDocument *self,
                                                        double                   page_width,
                                                        double                   page_height,
                                                        GError                 **error);
guint    involve_evidence_document_get_n_pages         (InvolveEvidenceDocument *self);
/* Draws page page_nr (from 0) with the origin at the page's top left, in points. */
void     involve_evidence_document_draw_page           (InvolveEvidenceDocument *self,
                                                        cairo_t                 *cr,
                                                        guint                    page_nr);

/*
 * Lays out on A4 if not laid out yet and writes a PDF with metadata,
 * bookmarks and structure tags.  Writes a temporary file next to path and
 * renames it, so a failed export never leaves a half-written file.
 */
gboolean involve_evidence_document_write_pdf           (InvolveEvidenceDocument *self,
                                                        const char              *path,
                                                        GError                 **error);

/* The title the document carries in its metadata. */
char    *involve_evidence_document_dup_title           (InvolveEvidenceDocument *self);

/*
 * Reads what an evidence PDF says about itself: the keywords of its
 * metadata carry "reference=REF version=N fingerprint=HEX".  Any of the
 * out arguments may be NULL.
 */
gboolean involve_evidence_pdf_read_identity            (const char              *path,
                                                        char                   **reference,
                                                        guint                   *version,
                                                        char                   **fingerprint,
                                                        gboolean                *is_public,
                                                        GError                 **error);

G_END_DECLS
