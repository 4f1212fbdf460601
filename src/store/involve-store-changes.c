/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include "involve-store-changes.h"
#include "involve-store-rooms.h"

void
involve_field_change_free (InvolveFieldChange *change)
{
  if (change == NULL)
    return;
  g_free (change->field_id);
  g_clear_pointer (&change->value, g_variant_unref);
  g_free (change->account);
  g_free (change->profile);
  g_free (change);
}

char *
involve_field_change_dup_who (const InvolveFieldChange *change)
{
  g_return_val_if_fail (change != NULL, NULL);

  /* The profile is what they called themselves; the account (on a
   * server, the login) is who the register knows them as. */
  if (change->profile != NULL && *change->profile != '\0' && g_strcmp0 (change->profile, change->account) != 0)
    /* TRANSLATORS: a profile name and, in brackets, the account behind it */
    return g_strdup_printf (_("%s (%s)"), change->profile, change->account != NULL ? change->account : "?");
  return g_strdup (change->account != NULL ? change->account : "?");
}

char *
involve_field_change_dup_when (const InvolveFieldChange *change)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_return_val_if_fail (change != NULL, NULL);

  local = g_date_time_new_from_unix_local (change->time_usec / G_USEC_PER_SEC);
  if (local == NULL)
    return g_strdup ("?");
  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    return g_date_time_format (local, "%H:%M");
  /* TRANSLATORS: a time and a date, for example 14:32 on 3 December 2026 */
  return g_date_time_format (local, _("%H:%M on %-d %B %Y"));
}

InvolveFieldChange *
involve_store_dup_field_change (InvolveStore  *self,
                                const char    *uuid,
                                const char    *field_id,
                                GError       **error)
{
  STORE_LOCK (self);
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(InvolveFieldChange) change = NULL;
  GVariant *value;
  AUTO_STMT stmt = NULL;
  int rc;

  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);
  g_return_val_if_fail (field_id != NULL && *field_id != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* The answer as stored, read the way every record is. */
  record = involve_store_load_record (self, uuid, 0, error);
  if (record == NULL)
    return NULL;
  change = g_new0 (InvolveFieldChange, 1);
  change->field_id = g_strdup (field_id);
  change->version = involve_record_get_version (record);
  value = involve_record_get_value (record, field_id);
  change->value = value != NULL ? g_variant_ref (value) : NULL;

  /* The latest value entry of this field in this version says who and
   * when, as the conflict check reads it. */
  stmt = prepare (self,
                  "SELECT time_usec, account, profile FROM audit"
                  " WHERE record_uuid = ?1 AND version = ?2 AND field_id = ?3 AND kind = ?4"
                  " ORDER BY id DESC LIMIT 1",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, uuid);
  involve_db_bind_int64 (stmt, 2, change->version);
  bind_text (stmt, 3, field_id);
  bind_text (stmt, 4, INVOLVE_AUDIT_VALUE);
  rc = involve_db_step (stmt);
  if (rc == SQLITE_ROW)
    {
      change->time_usec = involve_db_column_int64 (stmt, 0);
      change->account = column_dup (stmt, 1);
      change->profile = column_dup (stmt, 2);
      if (change->profile != NULL && *change->profile == '\0')
        g_clear_pointer (&change->profile, g_free);
    }
  else if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("Could not read who changed the answer"));
      return NULL;
    }
  return g_steal_pointer (&change);
}
