/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "identity-test-util.h"
#include "involve-store.h"
#include "pg-test-util.h"

/*
 * Stores on a team register of the test's own (PgTestRegister), not the
 * engine suites' open_store () ones: logged in as a login of the test's
 * choosing, and watched for records-changed on the main loop.  Header
 * only: the test keys are each test program's own.
 */

/* Opens @reg as @login, acting with @who's key, no automatic backups. */
static inline InvolveStore *
server_store_open (PgTestRegister *reg,
                   const char     *login,
                   const char     *who)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conninfo = pg_test_register_conninfo (reg, login);
  InvolveStore *store = g_initable_new (INVOLVE_TYPE_STORE, NULL, &error, "path", conninfo,
                                        "auto-backup", FALSE, "profile-name", "Officer", NULL);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  involve_store_set_identity (store, test_identity (who));
  return store;
}

/* A "records-changed" handler: adds the record's UUID to the GPtrArray
 * @data (freeing strings), or "(any)" when anything may have changed. */
static inline void
server_store_changed_cb (InvolveStore *store,
                         const char   *uuid,
                         gpointer      data)
{
  GPtrArray *seen = data;

  g_ptr_array_add (seen, g_strdup (uuid != NULL ? uuid : "(any)"));
}

static inline gboolean
server_store_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @seen has @n entries or @timeout_ms pass. */
static inline void
server_store_wait_for (GPtrArray *seen,
                       guint      n,
                       guint      timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, server_store_timeout_cb, &timed_out);

  while (seen->len < n && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
}
