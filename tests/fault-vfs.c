/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sqlite3.h>

#include "fault-vfs.h"

/* See fault-vfs.h.  Tests only: never linked into the programs. */

typedef struct
{
  sqlite3_file  base;
  sqlite3_file *real;    /* the default VFS's file, allocated after this */
} FaultFile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;
static sqlite3_io_methods fault_methods;

static gint armed;
static FaultVfsKind fault_kind;
static gint64 budget;
static gint fired;
static gint last_errno;

/* Whether a write of @amount bytes may go through (and spends it). */
static gboolean
may_write (gint64 amount)
{
  if (!g_atomic_int_get (&armed))
    return TRUE;
  if (budget >= amount)
    {
      budget -= amount;
      return TRUE;
    }
  budget = 0;
  g_atomic_int_set (&fired, 1);
  return FALSE;
}

/* Sets errno as the system call that failed would have. */
static int
fault_code (int io_code)
{
  switch (fault_kind)
    {
    case FAULT_VFS_FULL:
      last_errno = errno = ENOSPC;
      return SQLITE_FULL;
    case FAULT_VFS_IO_ENOSPC:
      last_errno = errno = ENOSPC;
      return io_code;
    case FAULT_VFS_IO:
    default:
      last_errno = errno = EIO;
      return io_code;
    }
}

#define REAL(file) (((FaultFile *) (file))->real)

static int
f_close (sqlite3_file *file)
{
  int rc = REAL (file)->pMethods != NULL ? REAL (file)->pMethods->xClose (REAL (file)) : SQLITE_OK;

  g_free (REAL (file));
  return rc;
}

static int
f_read (sqlite3_file *file, void *buffer, int amount, sqlite3_int64 offset)
{
  return REAL (file)->pMethods->xRead (REAL (file), buffer, amount, offset);
}

static int
f_write (sqlite3_file *file, const void *buffer, int amount, sqlite3_int64 offset)
{
  if (!may_write (amount))
    return fault_code (SQLITE_IOERR_WRITE);
  return REAL (file)->pMethods->xWrite (REAL (file), buffer, amount, offset);
}

static int
f_truncate (sqlite3_file *file, sqlite3_int64 size)
{
  if (g_atomic_int_get (&armed) && g_atomic_int_get (&fired))
    return fault_code (SQLITE_IOERR_TRUNCATE);
  return REAL (file)->pMethods->xTruncate (REAL (file), size);
}

static int
f_sync (sqlite3_file *file, int flags)
{
  if (g_atomic_int_get (&armed) && g_atomic_int_get (&fired))
    return fault_code (SQLITE_IOERR_FSYNC);
  return REAL (file)->pMethods->xSync (REAL (file), flags);
}

static int
f_file_size (sqlite3_file *file, sqlite3_int64 *size)
{
  return REAL (file)->pMethods->xFileSize (REAL (file), size);
}

static int
f_lock (sqlite3_file *file, int level)
{
  return REAL (file)->pMethods->xLock (REAL (file), level);
}

static int
f_unlock (sqlite3_file *file, int level)
{
  return REAL (file)->pMethods->xUnlock (REAL (file), level);
}

static int
f_check_reserved_lock (sqlite3_file *file, int *out)
{
  return REAL (file)->pMethods->xCheckReservedLock (REAL (file), out);
}

static int
f_file_control (sqlite3_file *file, int op, void *arg)
{
  /* Growing a file in advance is a write too. */
  if (op == SQLITE_FCNTL_SIZE_HINT && g_atomic_int_get (&armed) && g_atomic_int_get (&fired))
    return fault_code (SQLITE_IOERR_WRITE);
  return REAL (file)->pMethods->xFileControl (REAL (file), op, arg);
}

static int
f_sector_size (sqlite3_file *file)
{
  return REAL (file)->pMethods->xSectorSize (REAL (file));
}

static int
f_device_characteristics (sqlite3_file *file)
{
  return REAL (file)->pMethods->xDeviceCharacteristics (REAL (file));
}

static int
f_shm_map (sqlite3_file *file, int page, int size, int extend, void volatile **out)
{
  return REAL (file)->pMethods->xShmMap (REAL (file), page, size, extend, out);
}

static int
f_shm_lock (sqlite3_file *file, int offset, int n, int flags)
{
  return REAL (file)->pMethods->xShmLock (REAL (file), offset, n, flags);
}

static void
f_shm_barrier (sqlite3_file *file)
{
  REAL (file)->pMethods->xShmBarrier (REAL (file));
}

static int
f_shm_unmap (sqlite3_file *file, int delete_flag)
{
  return REAL (file)->pMethods->xShmUnmap (REAL (file), delete_flag);
}

static int
f_fetch (sqlite3_file *file, sqlite3_int64 offset, int amount, void **out)
{
  return REAL (file)->pMethods->xFetch (REAL (file), offset, amount, out);
}

static int
f_unfetch (sqlite3_file *file, sqlite3_int64 offset, void *page)
{
  return REAL (file)->pMethods->xUnfetch (REAL (file), offset, page);
}

static int
f_open (sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
  FaultFile *self = (FaultFile *) file;
  int rc;

  self->real = g_malloc0 (real_vfs->szOsFile);
  rc = real_vfs->xOpen (real_vfs, name, self->real, flags, out_flags);
  /* SQLite calls xClose even when xOpen fails, if pMethods is set. */
  self->base.pMethods = &fault_methods;
  return rc;
}

static int
f_delete (sqlite3_vfs *vfs, const char *name, int sync_dir)
{
  return real_vfs->xDelete (real_vfs, name, sync_dir);
}

static int
f_access (sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
  return real_vfs->xAccess (real_vfs, name, flags, out);
}

static int
f_full_pathname (sqlite3_vfs *vfs, const char *name, int n, char *out)
{
  return real_vfs->xFullPathname (real_vfs, name, n, out);
}

static void *
f_dl_open (sqlite3_vfs *vfs, const char *name)
{
  return real_vfs->xDlOpen (real_vfs, name);
}

static void
f_dl_error (sqlite3_vfs *vfs, int n, char *message)
{
  real_vfs->xDlError (real_vfs, n, message);
}

static void (*f_dl_sym (sqlite3_vfs *vfs, void *handle, const char *symbol)) (void)
{
  return real_vfs->xDlSym (real_vfs, handle, symbol);
}

static void
f_dl_close (sqlite3_vfs *vfs, void *handle)
{
  real_vfs->xDlClose (real_vfs, handle);
}

static int
f_randomness (sqlite3_vfs *vfs, int n, char *out)
{
  return real_vfs->xRandomness (real_vfs, n, out);
}

static int
f_sleep (sqlite3_vfs *vfs, int usec)
{
  return real_vfs->xSleep (real_vfs, usec);
}

static int
f_current_time (sqlite3_vfs *vfs, double *out)
{
  return real_vfs->xCurrentTime (real_vfs, out);
}

static int
f_get_last_error (sqlite3_vfs *vfs, int n, char *out)
{
  if (g_atomic_int_get (&fired))
    return last_errno;
  return real_vfs->xGetLastError (real_vfs, n, out);
}

static int
f_current_time_int64 (sqlite3_vfs *vfs, sqlite3_int64 *out)
{
  return real_vfs->xCurrentTimeInt64 (real_vfs, out);
}

void
fault_vfs_install (void)
{
  if (real_vfs != NULL)
    return;
  sqlite3_initialize ();
  real_vfs = sqlite3_vfs_find (NULL);
  g_assert_nonnull (real_vfs);
  g_assert_cmpint (real_vfs->iVersion, >=, 2);

  fault_methods = (sqlite3_io_methods) {
    3, f_close, f_read, f_write, f_truncate, f_sync, f_file_size, f_lock, f_unlock,
    f_check_reserved_lock, f_file_control, f_sector_size, f_device_characteristics,
    f_shm_map, f_shm_lock, f_shm_barrier, f_shm_unmap, f_fetch, f_unfetch,
  };
  fault_vfs = (sqlite3_vfs) {
    2, sizeof (FaultFile), real_vfs->mxPathname, NULL, "involve-fault", NULL,
    f_open, f_delete, f_access, f_full_pathname, f_dl_open, f_dl_error, f_dl_sym,
    f_dl_close, f_randomness, f_sleep, f_current_time, f_get_last_error,
    f_current_time_int64, NULL, NULL, NULL,
  };
  g_assert_cmpint (sqlite3_vfs_register (&fault_vfs, 1), ==, SQLITE_OK);
}

void
fault_vfs_arm (FaultVfsKind kind,
               gint64       bytes)
{
  fault_kind = kind;
  budget = bytes;
  g_atomic_int_set (&fired, 0);
  g_atomic_int_set (&armed, 1);
}

void
fault_vfs_disarm (void)
{
  g_atomic_int_set (&armed, 0);
  g_atomic_int_set (&fired, 0);
}

gboolean
fault_vfs_fired (void)
{
  return g_atomic_int_get (&fired);
}
