/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "involve-store.h"

G_BEGIN_DECLS

/*
 * Anchors against truncation and rollback (docs/heads.md).
 *
 * A register's *head* is where its audit chain stands: its id (a random
 * UUID kept in the meta table), the number of entries N and the hash of
 * entry N.  Every file the register writes (exchange files, sign-off files,
 * evidence PDFs, backups) carries a head, signed by the acting person's
 * key when one is unlocked.  Later, any such file proves that the register
 * still contains that head: entry N is there with that hash and the chain
 * from it to today is intact.  A register truncated, or rolled back to an
 * older copy, cannot do that.
 */

typedef struct
{
  char   *register_id;   /* lower-case UUID */
  gint64  entries;       /* N: entries in the chain, 0 for an empty one */
  char   *hash;          /* lower-case hex SHA-256 of entry N (64 zeros when N = 0) */
  gint64  time_usec;     /* the system's UTC time when it was taken */
  GBytes *signature;     /* raw SHA-256 signature over the signed data, or NULL */
  GBytes *certificate;   /* DER of the signer's certificate, or NULL */
} InvolveHead;

#define INVOLVE_HEAD_FORMAT "involve-head-1"
/* Audit kind: a head of another register was read from a file. */
#define INVOLVE_AUDIT_SEEN_HEAD "seen-head"
/* Audit kind: one imported version and the state it came with (status,
 * reason, reviewer's block), for verify's replay. */
#define INVOLVE_AUDIT_IMPORT_VERSION "import-version"

InvolveHead *involve_head_copy             (const InvolveHead *head);
void         involve_head_free             (InvolveHead       *head);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveHead, involve_head_free)

/* One line: "involve-head-1 register=… entries=N hash=… time=USEC
 * [signature=BASE64 certificate=BASE64]". */
char        *involve_head_to_string        (const InvolveHead *head);
/* INVOLVE_STORE_ERROR_INVALID for anything else. */
InvolveHead *involve_head_parse            (const char        *text,
                                            GError           **error);
/* The canonical bytes the signature covers. */
GBytes      *involve_head_dup_signed_data  (const InvolveHead *head);
/* TRUE when the head is signed and the signature verifies with the
 * certificate it carries; an unsigned head is INVOLVE_STORE_ERROR_INVALID,
 * a bad signature INVOLVE_STORE_ERROR_TAMPERED. */
gboolean     involve_head_check_signature  (const InvolveHead *head,
                                            GError           **error);
/* "1,709 audit entries, last hash 3f2a9c41…, signed by NAME (SHA-256 ab12…)"
 * or "…, not signed". */
char        *involve_head_dup_description  (const InvolveHead *head);
/* 1709 -> "1,709". */
char        *involve_format_count          (gint64             n);

/* The register's id, made when the register is. */
char        *involve_store_dup_register_id (InvolveStore      *self,
                                            GError           **error);
/* The current head, signed with involve_store_get_identity () when set.
 * It is also remembered as a head given out (see
 * involve_store_check_own_head ()). */
InvolveHead *involve_store_dup_head        (InvolveStore      *self,
                                            GError           **error);
/*
 * Proves that this register still contains @head, which @file_name (for
 * messages) carries: same register, at least N entries, entry N has the
 * head's hash and every later entry follows from it.  A signed head's
 * signature must verify.  TAMPERED with a message saying what happened
 * (entries removed, rolled back, rewritten); INVALID for a head of another
 * register.
 */
gboolean     involve_store_check_head      (InvolveStore      *self,
                                            const InvolveHead *head,
                                            const char        *file_name,
                                            GError           **error);
/* Keeps the head of another register read from @source (append-only,
 * audited).  Nothing happens for this register's own heads or one kept
 * already. */
gboolean     involve_store_remember_head   (InvolveStore      *self,
                                            const InvolveHead *head,
                                            const char        *source,
                                            GError           **error);
/* Seen heads of other registers (InvolveHead*), oldest first. */
GPtrArray   *involve_store_list_seen_heads (InvolveStore      *self,
                                            GError           **error);
/*
 * The highest head this register has given out or been verified at is kept
 * outside it: in "REGISTER.head" beside it and in the user's data folder
 * (heads/REGISTER-ID.head), which an attacker holding only the register
 * file cannot change.  check_own_head () fails (TAMPERED) when the register
 * no longer contains either; save_own_head () records the current head.
 */
gboolean     involve_store_check_own_head  (InvolveStore      *self,
                                            GError           **error);
gboolean     involve_store_save_own_head   (InvolveStore      *self,
                                            GError           **error);
/* After a deliberate, audited restore from a backup: records the current
 * (lower) head in place of the higher one, so that verify passes again. */
gboolean     involve_store_reset_own_head  (InvolveStore      *self,
                                            GError           **error);
/* For opening: the same without walking the chain after entry N (verify
 * does that), so it stays fast on a large register. */
gboolean     involve_store_check_own_head_quick (InvolveStore *self,
                                                 GError      **error);
/* The head a backup made by involve_store_backup () carries, read
 * without opening it as a register. */
InvolveHead *involve_store_read_backup_head (const char       *path,
                                             GError          **error);

G_END_DECLS
