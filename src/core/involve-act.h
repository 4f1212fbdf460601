/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "involve-identity.h"
#include "involve-record.h"

G_BEGIN_DECLS

/*
 * Signed acts (format "involve-act-1", docs/signatures.md): the canonical
 * bytes a person signs when they submit, sign off, return or change the
 * trust list.  One line an item, NAME "=" LENGTH ":" VALUE "\n", in the
 * order of the fields below, every item always present (absent = empty).
 * The signature is a raw SHA-256 signature by the signer's key over these
 * bytes (openssl dgst -sha256 -verify checks it).
 */

#define INVOLVE_ACT_FORMAT "involve-act-1"

#define INVOLVE_ACT_SUBMIT   "submit"
#define INVOLVE_ACT_SIGN_OFF "sign-off"
#define INVOLVE_ACT_RETURN   "return"
#define INVOLVE_ACT_TRUST    "trust"     /* subject gains roles */
#define INVOLVE_ACT_UNTRUST  "untrust"   /* subject loses every role */
#define INVOLVE_ACT_LOG      "log-entry" /* an involvement-log entry */

typedef struct
{
  char   *act;                 /* INVOLVE_ACT_* */
  char   *register_id;         /* the register's id, or NULL (sign-off by file) */
  char   *record_uuid;
  char   *reference;
  guint   version;
  char   *fingerprint;         /* the version's content fingerprint */
  char   *decision;            /* "signed-off" or "returned" */
  char   *comments;
  char   *reviewer_name;
  char   *reviewer_job_title;
  char   *reviewer_email;
  char   *reviewer_team;
  char   *review_date;
  char   *subject;             /* trust acts: the certificate's fingerprint */
  char   *roles;               /* trust acts: "complete,sign-off,administer" */
  char   *request;             /* by file: hex SHA-256 of the request's signature */
  gint64  time_usec;           /* the signer's system UTC time */
  gint64  head_count;          /* the audit head when signing: entries ... */
  char   *head_hash;           /* ... and the hash of the last one */
  char   *signer;              /* the signer's certificate fingerprint */
  char   *content;             /* optional, after signer and only when set:
                                * hex SHA-256 of the text the act writes
                                * (log-entry acts) */
} InvolveAct;

InvolveAct *involve_act_new       (const char       *act);
void        involve_act_free      (InvolveAct       *act);
InvolveAct *involve_act_copy      (const InvolveAct *act);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveAct, involve_act_free)

GBytes     *involve_act_serialise (const InvolveAct *act);
/* Strict: only the exact bytes involve_act_serialise () makes. */
InvolveAct *involve_act_parse     (GBytes           *data,
                                   GError          **error);
/* Parses @data, checks that its signer is @certificate and that
 * @signature verifies over @data at the act's time. */
InvolveAct *involve_act_verify    (GBytes             *data,
                                   GBytes             *signature,
                                   InvolveCertificate *certificate,
                                   GError            **error);
/*
 * The reviewer's answer to a sign-off request (by file): the act of
 * @request (a submit act) with @decision's block, the reviewer's name and
 * e-mail from @reviewer, decided at @time_usec, naming the request by the
 * digest of @request_signature.  Sign it with the reviewer's key.
 */
InvolveAct *involve_act_new_response (const InvolveAct    *request,
                                      GBytes              *request_signature,
                                      const InvolveSignOff *decision,
                                      InvolveCertificate  *reviewer,
                                      gint64               time_usec);
/* hex SHA-256 of a signature, how one act names another. */
char       *involve_act_dup_signature_digest (GBytes *signature);

G_END_DECLS
