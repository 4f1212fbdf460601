/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "involve-record.h"

G_BEGIN_DECLS

/*
 * The content fingerprint of a record version: lower-case hex SHA-256 over
 * the canonical serialisation documented in docs/fingerprint.md and in
 * involve-fingerprint.c.  It covers the uuid, reference, version number,
 * framework id and every non-empty field value; it does not cover the
 * status, the sign-off block, the status reason or any time stamp, so it is
 * the same before and after sign-off, on any machine, after an XML round
 * trip.
 */

#define INVOLVE_FINGERPRINT_FORMAT  "involve-fingerprint-1"
#define INVOLVE_FINGERPRINT_LENGTH  64  /* hex digits */

/*
 * The seal of a decided version (format "involve-fingerprint-2"): the
 * content of format 1 plus the sign-off block, with the reviewer's
 * certificate fingerprint, so that no part of the decision can change
 * unnoticed.  Versions decided before it existed have none and keep
 * verifying with format 1.
 */
#define INVOLVE_FINGERPRINT_FORMAT_SEALED "involve-fingerprint-2"

/* The exact bytes that are hashed. */
GBytes     *involve_fingerprint_serialise        (InvolveRecord *record);
/* SHA-256 hex (64 lower-case digits) of the serialisation.  Never NULL. */
char       *involve_fingerprint_compute          (InvolveRecord *record);
GBytes     *involve_fingerprint_serialise_sealed (InvolveRecord        *record,
                                                  const InvolveSignOff *sign_off,
                                                  const char           *reviewer_certificate);
char       *involve_fingerprint_compute_sealed   (InvolveRecord        *record,
                                                  const InvolveSignOff *sign_off,
                                                  const char           *reviewer_certificate);
/* Canonical encoding of one value, as used inside the serialisation:
 * "s<len>:<NFC UTF-8>", "b1"/"b0", "a<n>:" followed by each element. */
void        involve_fingerprint_append_value     (GString       *out,
                                                  GVariant      *value);
/* Short form for page footers: the first 16 hex digits in groups of four,
 * "3f2a 9c01 77de 0b4e".  NULL for NULL. */
char       *involve_fingerprint_format_short     (const char    *fingerprint);
/* Whether @string is 64 hex digits (either case). */
gboolean    involve_fingerprint_is_valid         (const char    *string);
/* Case-insensitive comparison of two fingerprints; FALSE if either is NULL. */
gboolean    involve_fingerprint_equal            (const char    *a,
                                                  const char    *b);

G_END_DECLS
