/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "involve-act.h"
#include "involve-export.h"
#include "involve-record.h"
#include "involve-xml.h"

G_BEGIN_DECLS

/*
 * Sign-off by file, for reviewers on another desktop (DESIGN.md, "Sign-off
 * without a shared server").  Both files follow data/schemas/involve-exchange.rng:
 *
 *   request   one self-contained file: the record version awaiting sign-off
 *             and its fingerprint (<sign-off-request>)
 *   response  the reviewer's decision (signed-off or returned), reviewer
 *             block, comments and the fingerprint of the version decided on
 *             (<sign-off-response>)
 *
 * The register applies a response only when that fingerprint is the
 * fingerprint of the version it holds (see involve-export-store.h).
 */

typedef struct
{
  char          *request_id;    /* a UUID that the response repeats */
  gint64         created_usec;
  char          *requested_by;  /* may be NULL */
  InvolveRecord *version;       /* the version to decide on */
  char          *fingerprint;   /* its fingerprint, checked against its content */
  /* The completer's signed submission (NULL in unsigned, older requests). */
  GBytes             *act_data;
  GBytes             *act_signature;
  InvolveCertificate *completer;
} InvolveSignOffRequest;

typedef struct
{
  char           *request_id;
  gint64          created_usec;
  char           *uuid;
  char           *reference;
  char           *framework_id;
  guint           version;
  char           *fingerprint;  /* of the version decided on */
  InvolveSignOff *sign_off;     /* decision, reviewer, date, comments, fingerprint, time */
  /* The reviewer's signed decision (NULL when the file is unsigned). */
  GBytes             *act_data;
  GBytes             *act_signature;
  InvolveCertificate *reviewer;
} InvolveSignOffResponse;

void                    involve_sign_off_request_free   (InvolveSignOffRequest  *request);
void                    involve_sign_off_response_free  (InvolveSignOffResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveSignOffRequest, involve_sign_off_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveSignOffResponse, involve_sign_off_response_free)

/*
 * Writes a request for @version, which must be awaiting sign-off.
 * @request_id (out, optional) receives the request's id.
 */
gboolean                involve_sign_off_request_write  (InvolveRecord          *version,
                                                         const char             *requested_by,
                                                         const char             *path,
                                                         char                  **request_id,
                                                         GError                **error);
/* The same, carrying the completer's signed submission of @version
 * (involve_store_get_submit_act ()). */
gboolean                involve_sign_off_request_write_signed (InvolveRecord      *version,
                                                         const char             *requested_by,
                                                         GBytes                 *act_data,
                                                         GBytes                 *act_signature,
                                                         InvolveCertificate     *completer,
                                                         const char             *path,
                                                         char                  **request_id,
                                                         GError                **error);
InvolveSignOffRequest  *involve_sign_off_request_parse  (GBytes                 *data,
                                                         const char             *name,
                                                         GError                **error);
InvolveSignOffRequest  *involve_sign_off_request_read   (const char             *path,
                                                         GError                **error);

/*
 * The reviewer's side: checks the decision (a reviewer name; comments when
 * returning; the reviewer is not the completer, by key and by name), signs
 * it with @reviewer (their unlocked key; name and e-mail come from its
 * certificate) and writes the response.  The request must carry the
 * completer's signature, which is checked.  decision->decision is
 * "signed-off" or "returned"; its fingerprint and time are filled in here.
 */
gboolean                involve_sign_off_response_write (const InvolveSignOffRequest *request,
                                                         const InvolveSignOff        *decision,
                                                         InvolveIdentity             *reviewer,
                                                         const char                  *path,
                                                         GError                     **error);
InvolveSignOffResponse *involve_sign_off_response_parse (GBytes                 *data,
                                                         const char             *name,
                                                         GError                **error);
InvolveSignOffResponse *involve_sign_off_response_read  (const char             *path,
                                                         GError                **error);

G_END_DECLS
