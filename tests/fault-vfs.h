/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A fault-injecting SQLite VFS for tests: a shim over the default VFS that
 * becomes the default itself, so every connection the store opens goes
 * through it.  Disarmed it only passes calls on.  Armed, it lets @budget
 * more bytes be written (to any file: the register, its journal or WAL, a
 * backup) and then fails every write as a full disk would
 * (FAULT_VFS_FULL: SQLITE_FULL, errno ENOSPC), or as SQLite's own unix
 * VFS reports some full-disk cases (FAULT_VFS_IO_ENOSPC: an I/O error with
 * errno ENOSPC), or as a vanished drive (FAULT_VFS_IO: an I/O error, EIO).
 * Syncs and truncations fail the same way once the budget is spent.
 */
typedef enum
{
  FAULT_VFS_FULL,
  FAULT_VFS_IO_ENOSPC,
  FAULT_VFS_IO,
} FaultVfsKind;

void     fault_vfs_install (void);
void     fault_vfs_arm     (FaultVfsKind kind,
                            gint64       budget);
void     fault_vfs_disarm  (void);
/* Whether a write failed since it was last armed. */
gboolean fault_vfs_fired   (void);

G_END_DECLS
