/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-profile"

#include "config.h"

#include "involve-profile.h"

static char *
dup_or_null (GSettings  *settings,
             const char *key)
{
  g_autofree char *value = g_settings_get_string (settings, key);

  g_strstrip (value);
  return value[0] != '\0' ? g_steal_pointer (&value) : NULL;
}

InvolveSignOff *
involve_profile_dup_reviewer (GSettings *settings)
{
  InvolveSignOff *sign_off;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  sign_off = involve_sign_off_new ();
  sign_off->reviewer_name = dup_or_null (settings, "profile-name");
  sign_off->reviewer_job_title = dup_or_null (settings, "profile-job-title");
  sign_off->reviewer_email = dup_or_null (settings, "profile-email");
  sign_off->reviewer_team = dup_or_null (settings, "profile-team");
  sign_off->date = g_date_time_format (now, "%Y-%m-%d");
  return sign_off;
}

gboolean
involve_profile_is_set (GSettings *settings)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);

  name = dup_or_null (settings, "profile-name");
  return name != NULL;
}
