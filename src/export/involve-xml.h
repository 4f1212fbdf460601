/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "involve-export.h"
#include "involve-record.h"
#include "involve-store.h"

G_BEGIN_DECLS

/*
 * The XML exchange format (docs/xml-format.md, data/schemas/involve-exchange.rng):
 * records with all their versions (values with their modified times,
 * status, sign-off block, fingerprint) and their audit trails.
 *
 * Reading is defensive: files over INVOLVE_EXPORT_MAX_FILE_SIZE, input that
 * is not UTF-8, any document type declaration (so no external or expanding
 * entities), nesting deeper than INVOLVE_EXPORT_MAX_DEPTH, anything the
 * schema refuses and any version whose fingerprint does not match its
 * content are refused with a message naming the problem.
 */

#define INVOLVE_XML_NAMESPACE       "urn:involve:exchange:1"
#define INVOLVE_XML_FORMAT_VERSION  "1"

/* One record and its history. */
typedef struct
{
  GPtrArray *versions;      /* InvolveRecord*, by version number, from 1 */
  GPtrArray *fingerprints;  /* char*, the fingerprint of each version */
  GPtrArray *audit;         /* InvolveAuditEntry* (involve-store.h), oldest first */
  /* InvolveImportedTrail*: trails the exporting register kept from
   * elsewhere (import_id: its entry in @audit that binds each, or 0) */
  GPtrArray *imported_trails;
} InvolveExchangeRecord;

InvolveExchangeRecord *involve_exchange_record_new   (void);
void                   involve_exchange_record_free  (InvolveExchangeRecord *record);
/* Appends a version (a reference is taken) and computes its fingerprint. */
void                   involve_exchange_record_add_version (InvolveExchangeRecord *record,
                                                            InvolveRecord         *version);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveExchangeRecord, involve_exchange_record_free)

/* Serialises records (InvolveExchangeRecord*), checked against the schema. */
GBytes    *involve_xml_serialise     (GPtrArray   *records,
                                      GError     **error);
/* Serialises, validates and writes through a temporary file and a rename. */
gboolean   involve_xml_write_file    (GPtrArray   *records,
                                      const char  *path,
                                      GError     **error);
/* The same, the file carrying @register_head (docs/heads.md; may be NULL). */
GBytes    *involve_xml_serialise_full  (GPtrArray   *records,
                                        const char  *register_head,
                                        GError     **error);
gboolean   involve_xml_write_file_full (GPtrArray   *records,
                                        const char  *register_head,
                                        const char  *path,
                                        GError     **error);
/* The <register-head> an exchange or sign-off file carries, or NULL (and
 * no error) when it has none.  @name is what messages call it. */
char      *involve_xml_read_register_head (GBytes     *data,
                                           const char *name,
                                           GError    **error);
/*
 * Parses and checks an exchange document.  name is what messages call it.
 * Returns the records (InvolveExchangeRecord*) or NULL with @error set.
 */
GPtrArray *involve_xml_parse         (GBytes      *data,
                                      const char  *name,
                                      GError     **error);
GPtrArray *involve_xml_read_file     (const char  *path,
                                      GError     **error);

/* Writes bytes through a temporary file in the same folder and a rename. */
gboolean   involve_export_write_atomically (const char  *path,
                                            GBytes      *bytes,
                                            GError     **error);

/* Reads a whole file, refusing one over INVOLVE_EXPORT_MAX_FILE_SIZE unread. */
GBytes    *involve_export_read_file        (const char  *path,
                                            GError     **error);

G_END_DECLS
