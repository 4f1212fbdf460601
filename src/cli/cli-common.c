/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-cli"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "cli-commands.h"

/* What the commands share. */

InvolveStore *
involve_cli_open_store (const char *database_path)
{
  g_autoptr(GError) error = NULL;
  InvolveStore *store;

  store = involve_store_open (database_path, &error);
  if (store == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return NULL;
    }
  if (g_getenv ("INVOLVE_PROFILE") != NULL)
    involve_store_set_profile_name (store, g_getenv ("INVOLVE_PROFILE"));
  return store;
}

int
involve_cli_fail (const char   *what,
                  const GError *error)
{
  if (what != NULL)
    fprintf (stderr, "%s: %s\n", what, error->message);
  else
    fprintf (stderr, "%s\n", error->message);
  return 1;
}
