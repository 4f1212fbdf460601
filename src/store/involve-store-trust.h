/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-store.h"

G_BEGIN_DECLS

/*
 * The register's trust list: which certificates may complete (submit),
 * sign off (and return), and administer the list.  Each change is an
 * audited act signed by an administrator already on the list; the first
 * certificate trusted in a register is trusted by itself, as
 * administrator (trust on first use; docs/signatures.md).
 */

typedef enum
{
  INVOLVE_TRUST_COMPLETE   = 1 << 0,
  INVOLVE_TRUST_SIGN_OFF   = 1 << 1,
  INVOLVE_TRUST_ADMINISTER = 1 << 2,
} InvolveTrustRoles;

#define INVOLVE_TRUST_ALL (INVOLVE_TRUST_COMPLETE | INVOLVE_TRUST_SIGN_OFF | INVOLVE_TRUST_ADMINISTER)

/* "complete,sign-off,administer" (any order, no repeats) <-> flags. */
gboolean  involve_trust_roles_parse     (const char  *text,
                                         guint       *roles,
                                         GError     **error);
char     *involve_trust_roles_to_string (guint        roles);

typedef struct
{
  char   *fingerprint;     /* of the certificate */
  char   *name;            /* from the certificate, may be NULL */
  char   *email;           /* from the certificate, may be NULL */
  guint   roles;           /* InvolveTrustRoles */
  gint64  audit_id;        /* the signed act that gave them */
  gint64  time_usec;
  char   *added_by;        /* fingerprint of the administrator who signed */
} InvolveTrustEntry;

#define INVOLVE_TYPE_TRUST_ENTRY (involve_trust_entry_get_type ())
GType              involve_trust_entry_get_type (void) G_GNUC_CONST;
InvolveTrustEntry *involve_trust_entry_copy     (const InvolveTrustEntry *entry);
void               involve_trust_entry_free     (InvolveTrustEntry       *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveTrustEntry, involve_trust_entry_free)

/* Gives @certificate exactly @roles (replacing any it had), signed by the
 * acting identity, which must be an administrator (or the first). */
gboolean           involve_store_trust_add      (InvolveStore        *self,
                                                 InvolveCertificate  *certificate,
                                                 guint                roles,
                                                 GError             **error);
/* Takes every role from the certificate (hex SHA-256, any case); the last
 * administrator cannot be removed. */
gboolean           involve_store_trust_remove   (InvolveStore        *self,
                                                 const char          *fingerprint,
                                                 GError             **error);
/* InvolveTrustEntry* of every certificate with a role, oldest first. */
GPtrArray         *involve_store_trust_list     (InvolveStore        *self,
                                                 GError             **error);
/* The roles of @fingerprint now (0 = none; FALSE only on errors). */
gboolean           involve_store_trust_lookup   (InvolveStore        *self,
                                                 const char          *fingerprint,
                                                 guint               *roles,
                                                 GError             **error);
/* A certificate the register has seen (trusted, or signed something). */
InvolveCertificate *involve_store_dup_certificate (InvolveStore      *self,
                                                 const char          *fingerprint,
                                                 GError             **error);
/* The signed act data, signature and signer of @version's submission (the
 * sign-off request carries them); FALSE with NOT_FOUND when unsigned. */
gboolean           involve_store_get_submit_act (InvolveStore        *self,
                                                 const char          *uuid,
                                                 guint                version,
                                                 GBytes             **data,
                                                 GBytes             **signature,
                                                 InvolveCertificate **certificate,
                                                 GError             **error);
/*
 * Sign-off by file, signed: @data is the reviewer's involve-act-1 act
 * (sign-off or return, naming the request it answers), @signature their
 * signature over it and @certificate theirs.  Refused (nothing applied,
 * the refusal audited) unless the signature verifies, the certificate is
 * trusted to sign off and is not the completer's, the act names the
 * signed submission of this very version (its request) and was decided
 * after it; then applied as involve_store_apply_sign_off () describes,
 * with the reviewer's block taken from the act.
 */
gboolean           involve_store_apply_signed_response (InvolveStore       *self,
                                                 GBytes              *data,
                                                 GBytes              *signature,
                                                 InvolveCertificate  *certificate,
                                                 GError             **error);

G_END_DECLS
