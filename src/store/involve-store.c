/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-store"

#include "config.h"

#include "involve-store-rooms.h"

/*
 * The InvolveStore object: its type, properties and signals, and what it
 * is told (who acts, under which account and profile).  What it does is in
 * the rooms beside this file (involve-store-rooms.h lists them).
 */

G_DEFINE_FINAL_TYPE_WITH_CODE (InvolveStore, involve_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      _involve_store_initable_iface_init))

enum {
  PROP_0,
  PROP_PATH,
  PROP_BUSY_TIMEOUT,
  PROP_AUTO_BACKUP,
  PROP_DEFER_BACKUP,
  PROP_JOURNAL_MODE,
  PROP_OS_ACCOUNT,
  PROP_PROFILE_NAME,
  PROP_TARGET_SCHEMA,
  PROP_CREATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_RECORDS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
involve_store_finalize (GObject *object)
{
  InvolveStore *self = (InvolveStore *) object;

  /* Closing the register interrupts an unfinished daily backup. */
  _involve_store_stop_rolling_backup (self, TRUE);
  _involve_store_stop_background_check (self, TRUE);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    {
      if (self->batch_depth > 0 && !involve_db_get_autocommit (self->db))
        involve_db_exec (self->db, "ROLLBACK", NULL);
      g_clear_pointer (&self->db, involve_db_close);
    }
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->requested_journal_mode, g_free);
  g_clear_pointer (&self->journal_mode, g_free);
  g_clear_pointer (&self->damage, g_free);
  g_clear_pointer (&self->os_account, g_free);
  g_clear_pointer (&self->profile_name, g_free);
  g_clear_object (&self->identity);
  g_rec_mutex_clear (&self->lock);

  G_OBJECT_CLASS (involve_store_parent_class)->finalize (object);
}

static void
involve_store_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  InvolveStore *self = INVOLVE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_BUSY_TIMEOUT:
      g_value_set_uint (value, self->busy_timeout);
      break;
    case PROP_AUTO_BACKUP:
      g_value_set_boolean (value, self->auto_backup);
      break;
    case PROP_DEFER_BACKUP:
      g_value_set_boolean (value, self->defer_backup);
      break;
    case PROP_JOURNAL_MODE:
      g_value_set_string (value, self->journal_mode != NULL ? self->journal_mode : self->requested_journal_mode);
      break;
    case PROP_OS_ACCOUNT:
      g_value_set_string (value, self->os_account);
      break;
    case PROP_PROFILE_NAME:
      g_value_set_string (value, self->profile_name);
      break;
    case PROP_TARGET_SCHEMA:
      g_value_set_int (value, self->target_schema);
      break;
    case PROP_CREATE:
      g_value_set_boolean (value, self->create);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
involve_store_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  InvolveStore *self = INVOLVE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      break;
    case PROP_BUSY_TIMEOUT:
      self->busy_timeout = g_value_get_uint (value);
      break;
    case PROP_AUTO_BACKUP:
      self->auto_backup = g_value_get_boolean (value);
      break;
    case PROP_DEFER_BACKUP:
      self->defer_backup = g_value_get_boolean (value);
      break;
    case PROP_JOURNAL_MODE:
      g_free (self->requested_journal_mode);
      self->requested_journal_mode = g_value_dup_string (value);
      break;
    case PROP_OS_ACCOUNT:
      involve_store_set_os_account (self, g_value_get_string (value));
      break;
    case PROP_PROFILE_NAME:
      involve_store_set_profile_name (self, g_value_get_string (value));
      break;
    case PROP_TARGET_SCHEMA:
      self->target_schema = g_value_get_int (value);
      break;
    case PROP_CREATE:
      self->create = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
involve_store_class_init (InvolveStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = involve_store_finalize;
  object_class->get_property = involve_store_get_property;
  object_class->set_property = involve_store_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY_TIMEOUT] =
    g_param_spec_uint ("busy-timeout", NULL, NULL, 0, G_MAXINT, DEFAULT_BUSY_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTO_BACKUP] =
    g_param_spec_boolean ("auto-backup", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEFER_BACKUP] =
    g_param_spec_boolean ("defer-backup", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_JOURNAL_MODE] =
    g_param_spec_string ("journal-mode", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OS_ACCOUNT] =
    g_param_spec_string ("os-account", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROFILE_NAME] =
    g_param_spec_string ("profile-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TARGET_SCHEMA] =
    g_param_spec_int ("target-schema-version", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATE] =
    g_param_spec_boolean ("create", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * InvolveStore::records-changed:
   * @uuid: (nullable): the record another client changed, or %NULL when
   *   several may have changed
   *
   * Another client of the same team register saved, created or decided a
   * record.  Emitted in the main context; only server registers emit it.
   */
  signals[SIGNAL_RECORDS_CHANGED] =
    g_signal_new ("records-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
involve_store_init (InvolveStore *self)
{
  self->busy_timeout = DEFAULT_BUSY_TIMEOUT_MS;
  self->auto_backup = TRUE;
  self->create = TRUE;
  self->os_account = g_strdup (g_get_user_name ());
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            _involve_store_stmt_finalize);
  g_rec_mutex_init (&self->lock);
}

const char *
involve_store_get_path (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  return self->path;
}

gboolean
involve_store_is_server (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), FALSE);

  return involve_db_location_is_server (self->path);
}

char *
involve_store_dup_display_location (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);

  return involve_db_redact_location (self->path);
}

const char *
involve_store_get_journal_mode (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  return self->journal_mode;
}

int
involve_store_get_schema_version (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), 0);
  return self->schema_version;
}

const char *
involve_store_get_os_account (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  return self->os_account;
}

void
involve_store_set_os_account (InvolveStore *self,
                              const char   *account)
{
  g_return_if_fail (INVOLVE_IS_STORE (self));

  if (account == NULL)
    account = g_get_user_name ();
  if (g_strcmp0 (self->os_account, account) == 0)
    return;
  g_free (self->os_account);
  self->os_account = g_strdup (account);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OS_ACCOUNT]);
}

const char *
involve_store_get_profile_name (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);
  return self->profile_name;
}

void
involve_store_set_profile_name (InvolveStore *self,
                                const char   *profile_name)
{
  g_return_if_fail (INVOLVE_IS_STORE (self));

  if (g_strcmp0 (self->profile_name, profile_name) == 0)
    return;
  g_free (self->profile_name);
  self->profile_name = g_strdup (profile_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE_NAME]);
}

InvolveIdentity *
involve_store_get_identity (InvolveStore *self)
{
  g_return_val_if_fail (INVOLVE_IS_STORE (self), NULL);

  return (InvolveIdentity *) self->identity;
}

void
involve_store_set_identity (InvolveStore    *self,
                            InvolveIdentity *identity)
{
  g_return_if_fail (INVOLVE_IS_STORE (self));
  g_return_if_fail (identity == NULL || G_IS_OBJECT (identity));

  g_set_object (&self->identity, (GObject *) identity);
}

