/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-record"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "involve-record.h"

typedef struct
{
  GVariant *value;
  gint64    modified_usec;
} FieldValue;

struct _InvolveRecord
{
  GObject         parent_instance;

  char           *uuid;
  char           *reference;
  guint           version;
  InvolveStatus   status;
  char           *framework_id;
  gint64          created_usec;
  gint64          modified_usec;
  char           *status_reason;
  InvolveSignOff *sign_off;

  GHashTable     *values; /* field id -> FieldValue */
};

G_DEFINE_FINAL_TYPE (InvolveRecord, involve_record, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_UUID,
  PROP_REFERENCE,
  PROP_VERSION,
  PROP_STATUS,
  PROP_FRAMEWORK_ID,
  N_PROPS
};

enum {
  VALUE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const struct {
  const char *id;
  const char *label;
} status_names[INVOLVE_N_STATUSES] = {
  [INVOLVE_STATUS_DRAFT] = { "draft", N_("Draft") },
  [INVOLVE_STATUS_AWAITING_SIGN_OFF] = { "awaiting-sign-off", N_("Awaiting sign-off") },
  [INVOLVE_STATUS_RETURNED] = { "returned", N_("Returned") },
  [INVOLVE_STATUS_SIGNED_OFF] = { "signed-off", N_("Signed off") },
  [INVOLVE_STATUS_SUPERSEDED] = { "superseded", N_("Superseded") },
  [INVOLVE_STATUS_WITHDRAWN] = { "withdrawn", N_("Withdrawn") },
};

const char *
involve_status_to_string (InvolveStatus status)
{
  g_return_val_if_fail (status < INVOLVE_N_STATUSES, NULL);
  return status_names[status].id;
}

gboolean
involve_status_from_string (const char    *string,
                            InvolveStatus *status)
{
  g_return_val_if_fail (status != NULL, FALSE);

  if (string == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    {
      if (g_str_equal (string, status_names[i].id))
        {
          *status = (InvolveStatus) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
involve_status_get_label (InvolveStatus status)
{
  g_return_val_if_fail (status < INVOLVE_N_STATUSES, NULL);
  return g_dgettext (GETTEXT_PACKAGE, status_names[status].label);
}

/* Sign-off block */

G_DEFINE_BOXED_TYPE (InvolveSignOff, involve_sign_off, involve_sign_off_copy, involve_sign_off_free)

InvolveSignOff *
involve_sign_off_new (void)
{
  return g_new0 (InvolveSignOff, 1);
}

InvolveSignOff *
involve_sign_off_copy (const InvolveSignOff *sign_off)
{
  InvolveSignOff *copy;

  g_return_val_if_fail (sign_off != NULL, NULL);

  copy = involve_sign_off_new ();
  copy->reviewer_name = g_strdup (sign_off->reviewer_name);
  copy->reviewer_job_title = g_strdup (sign_off->reviewer_job_title);
  copy->reviewer_email = g_strdup (sign_off->reviewer_email);
  copy->reviewer_team = g_strdup (sign_off->reviewer_team);
  copy->date = g_strdup (sign_off->date);
  copy->decision = g_strdup (sign_off->decision);
  copy->comments = g_strdup (sign_off->comments);
  copy->fingerprint = g_strdup (sign_off->fingerprint);
  copy->decided_at_usec = sign_off->decided_at_usec;
  return copy;
}

void
involve_sign_off_free (InvolveSignOff *sign_off)
{
  if (sign_off == NULL)
    return;

  g_free (sign_off->reviewer_name);
  g_free (sign_off->reviewer_job_title);
  g_free (sign_off->reviewer_email);
  g_free (sign_off->reviewer_team);
  g_free (sign_off->date);
  g_free (sign_off->decision);
  g_free (sign_off->comments);
  g_free (sign_off->fingerprint);
  g_free (sign_off);
}

/* Record */

static void
field_value_free (gpointer data)
{
  FieldValue *field_value = data;

  g_clear_pointer (&field_value->value, g_variant_unref);
  g_free (field_value);
}

static void
involve_record_finalize (GObject *object)
{
  InvolveRecord *self = (InvolveRecord *) object;

  g_clear_pointer (&self->uuid, g_free);
  g_clear_pointer (&self->reference, g_free);
  g_clear_pointer (&self->framework_id, g_free);
  g_clear_pointer (&self->status_reason, g_free);
  g_clear_pointer (&self->sign_off, involve_sign_off_free);
  g_clear_pointer (&self->values, g_hash_table_unref);

  G_OBJECT_CLASS (involve_record_parent_class)->finalize (object);
}

static void
involve_record_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  InvolveRecord *self = INVOLVE_RECORD (object);

  switch (prop_id)
    {
    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;
    case PROP_REFERENCE:
      g_value_set_string (value, self->reference);
      break;
    case PROP_VERSION:
      g_value_set_uint (value, self->version);
      break;
    case PROP_STATUS:
      g_value_set_int (value, self->status);
      break;
    case PROP_FRAMEWORK_ID:
      g_value_set_string (value, self->framework_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
involve_record_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  InvolveRecord *self = INVOLVE_RECORD (object);

  switch (prop_id)
    {
    case PROP_UUID:
      involve_record_set_uuid (self, g_value_get_string (value));
      break;
    case PROP_REFERENCE:
      involve_record_set_reference (self, g_value_get_string (value));
      break;
    case PROP_VERSION:
      involve_record_set_version (self, g_value_get_uint (value));
      break;
    case PROP_STATUS:
      involve_record_set_status (self, g_value_get_int (value));
      break;
    case PROP_FRAMEWORK_ID:
      involve_record_set_framework_id (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
involve_record_class_init (InvolveRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = involve_record_finalize;
  object_class->get_property = involve_record_get_property;
  object_class->set_property = involve_record_set_property;

  properties[PROP_UUID] =
    g_param_spec_string ("uuid", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFERENCE] =
    g_param_spec_string ("reference", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERSION] =
    g_param_spec_uint ("version", NULL, NULL, 1, G_MAXUINT, 1,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_int ("status", NULL, NULL, 0, INVOLVE_N_STATUSES - 1, INVOLVE_STATUS_DRAFT,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRAMEWORK_ID] =
    g_param_spec_string ("framework-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * InvolveRecord::value-changed:
   * @field_id: the field whose value changed
   *
   * Emitted, with the field id as detail, after a field's value changed.
   */
  signals[VALUE_CHANGED] =
    g_signal_new ("value-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
involve_record_init (InvolveRecord *self)
{
  self->version = 1;
  self->status = INVOLVE_STATUS_DRAFT;
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, field_value_free);
}

InvolveRecord *
involve_record_new (const char *framework_id)
{
  InvolveRecord *self = g_object_new (INVOLVE_TYPE_RECORD, NULL);

  self->uuid = g_uuid_string_random ();
  self->framework_id = g_strdup (framework_id);
  self->created_usec = g_get_real_time ();
  self->modified_usec = self->created_usec;
  return self;
}

InvolveRecord *
involve_record_copy (InvolveRecord *self)
{
  InvolveRecord *copy;
  GHashTableIter iter;
  gpointer key, data;

  g_return_val_if_fail (INVOLVE_IS_RECORD (self), NULL);

  copy = g_object_new (INVOLVE_TYPE_RECORD, NULL);
  copy->uuid = g_strdup (self->uuid);
  copy->reference = g_strdup (self->reference);
  copy->version = self->version;
  copy->status = self->status;
  copy->framework_id = g_strdup (self->framework_id);
  copy->created_usec = self->created_usec;
  copy->modified_usec = self->modified_usec;
  copy->status_reason = g_strdup (self->status_reason);
  if (self->sign_off != NULL)
    copy->sign_off = involve_sign_off_copy (self->sign_off);

  g_hash_table_iter_init (&iter, self->values);
  while (g_hash_table_iter_next (&iter, &key, &data))
    {
      const FieldValue *field_value = data;
      FieldValue *copied = g_new0 (FieldValue, 1);

      copied->value = g_variant_ref (field_value->value);
      copied->modified_usec = field_value->modified_usec;
      g_hash_table_insert (copy->values, g_strdup (key), copied);
    }

  return copy;
}

#define DEFINE_STRING_ACCESSORS(name, prop)                                      \
  const char *                                                                   \
  involve_record_get_##name (InvolveRecord *self)                                \
  {                                                                              \
    g_return_val_if_fail (INVOLVE_IS_RECORD (self), NULL);                       \
    return self->name;                                                           \
  }                                                                              \
  void                                                                           \
  involve_record_set_##name (InvolveRecord *self,                                \
                             const char    *name)                                \
  {                                                                              \
    g_return_if_fail (INVOLVE_IS_RECORD (self));                                 \
    if (g_set_str (&self->name, name) && prop != PROP_0)                         \
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);              \
  }

/* g_set_str() is GLib 2.76; keep our own until Debian 12 is gone. */
static inline gboolean
involve_set_str (char       **str_pointer,
                 const char  *new_str)
{
  char *copy;

  if (*str_pointer == new_str || g_strcmp0 (*str_pointer, new_str) == 0)
    return FALSE;

  copy = g_strdup (new_str);
  g_free (*str_pointer);
  *str_pointer = copy;
  return TRUE;
}
#define g_set_str involve_set_str

DEFINE_STRING_ACCESSORS (uuid, PROP_UUID)
DEFINE_STRING_ACCESSORS (reference, PROP_REFERENCE)
DEFINE_STRING_ACCESSORS (framework_id, PROP_FRAMEWORK_ID)
DEFINE_STRING_ACCESSORS (status_reason, PROP_0)

#undef g_set_str

guint
involve_record_get_version (InvolveRecord *self)
{
  g_return_val_if_fail (INVOLVE_IS_RECORD (self), 0);
  return self->version;
}

void
involve_record_set_version (InvolveRecord *self,
                            guint          version)
{
  g_return_if_fail (INVOLVE_IS_RECORD (self));

  if (self->version != version)
    {
      self->version = version;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
    }
}

InvolveStatus
involve_record_get_status (InvolveRecord *self)
{
  g_return_val_if_fail (INVOLVE_IS_RECORD (self), INVOLVE_STATUS_DRAFT);
  return self->status;
}

void
involve_record_set_status (InvolveRecord *self,
                           InvolveStatus  status)
{
  g_return_if_fail (INVOLVE_IS_RECORD (self));
  g_return_if_fail (status < INVOLVE_N_STATUSES);

  if (self->status != status)
    {
      self->status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
}

gint64
involve_record_get_created_usec (InvolveRecord *self)
{
  g_return_val_if_fail (INVOLVE_IS_RECORD (self), 0);
  return self->created_usec;
}

void
involve_record_set_created_usec (InvolveRecord *self,
                                 gint64         usec)
{
  GHashTableIter iter;
  gpointer data;

  g_return_if_fail (INVOLVE_IS_RECORD (self));
  self->created_usec = usec;

  /* The last change is never older than the record, and no newer than its
   * values say: not the time this object was made. */
  self->modified_usec = usec;
  g_hash_table_iter_init (&iter, self->values);
  while (g_hash_table_iter_next (&iter, NULL, &data))
    self->modified_usec = MAX (self->modified_usec, ((FieldValue *) data)->modified_usec);
}

const char *
involve_record_get_form_edition (InvolveRecord *self)
{
  const char *edition;

  g_return_val_if_fail (INVOLVE_IS_RECORD (self), INVOLVE_FORM_EDITION_DEFAULT);
  edition = involve_record_get_string (self, INVOLVE_FIELD_FORM_EDITION);
  return edition != NULL && *edition != '\0' ? edition : INVOLVE_FORM_EDITION_DEFAULT;
}

void
involve_record_set_modified_usec (InvolveRecord *self,
                                  gint64         usec)
{
  g_return_if_fail (INVOLVE_IS_RECORD (self));
  self->modified_usec = usec;
}

gint64
involve_record_get_modified_usec (InvolveRecord *self)
{
  g_return_val_if_fail (INVOLVE_IS_RECORD (self), 0);
  return self->modified_usec;
}

const InvolveSignOff *
involve_record_get_sign_off (InvolveRecord *self)
{
  g_return_val_if_fail (INVOLVE_IS_RECORD (self), NULL);
  return self->sign_off;
}

void
involve_record_set_sign_off (InvolveRecord        *self,
                             const InvolveSignOff *sign_off)
{
  g_return_if_fail (INVOLVE_IS_RECORD (self));

  g_clear_pointer (&self->sign_off, involve_sign_off_free);
  if (sign_off != NULL)
    self->sign_off = involve_sign_off_copy (sign_off);
}

GVariant *
involve_record_get_value (InvolveRecord *self,
                          const char    *field_id)
{
  const FieldValue *field_value;

  g_return_val_if_fail (INVOLVE_IS_RECORD (self), NULL);
  g_return_val_if_fail (field_id != NULL, NULL);

  field_value = g_hash_table_lookup (self->values, field_id);
  return field_value != NULL ? field_value->value : NULL;
}

gint64
involve_record_get_value_modified (InvolveRecord *self,
                                   const char    *field_id)
{
  const FieldValue *field_value;

  g_return_val_if_fail (INVOLVE_IS_RECORD (self), 0);
  g_return_val_if_fail (field_id != NULL, 0);

  field_value = g_hash_table_lookup (self->values, field_id);
  return field_value != NULL ? field_value->modified_usec : 0;
}

gboolean
involve_record_has_value (InvolveRecord *self,
                          const char    *field_id)
{
  g_return_val_if_fail (INVOLVE_IS_RECORD (self), FALSE);
  g_return_val_if_fail (field_id != NULL, FALSE);

  return g_hash_table_contains (self->values, field_id);
}

void
involve_record_set_value_full (InvolveRecord *self,
                               const char    *field_id,
                               GVariant      *value,
                               gint64         modified_usec)
{
  g_autoptr(GVariant) sunk = NULL;
  FieldValue *current;

  g_return_if_fail (INVOLVE_IS_RECORD (self));
  g_return_if_fail (field_id != NULL);

  if (value != NULL)
    sunk = g_variant_ref_sink (value);

  current = g_hash_table_lookup (self->values, field_id);

  /* Only real changes count: no signal, no new time stamp otherwise. */
  if (current == NULL && sunk == NULL)
    return;
  if (current != NULL && sunk != NULL && g_variant_equal (current->value, sunk))
    return;

  if (sunk == NULL)
    {
      g_hash_table_remove (self->values, field_id);
    }
  else
    {
      FieldValue *field_value = g_new0 (FieldValue, 1);

      field_value->value = g_steal_pointer (&sunk);
      field_value->modified_usec = modified_usec;
      g_hash_table_insert (self->values, g_strdup (field_id), field_value);
    }

  self->modified_usec = MAX (self->modified_usec, modified_usec);
  g_signal_emit (self, signals[VALUE_CHANGED], g_quark_from_string (field_id), field_id);
}

void
involve_record_set_value (InvolveRecord *self,
                          const char    *field_id,
                          GVariant      *value)
{
  involve_record_set_value_full (self, field_id, value, g_get_real_time ());
}

static int
compare_field_ids (const void *a,
                   const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

GStrv
involve_record_dup_field_ids (InvolveRecord *self)
{
  g_autofree const char **keys = NULL;
  guint n_keys = 0;
  GStrv ids;

  g_return_val_if_fail (INVOLVE_IS_RECORD (self), NULL);

  keys = (const char **) g_hash_table_get_keys_as_array (self->values, &n_keys);
  ids = g_new0 (char *, n_keys + 1);
  for (guint i = 0; i < n_keys; i++)
    ids[i] = g_strdup (keys[i]);

  /* Byte order, not locale order, so that every machine agrees. */
  qsort (ids, n_keys, sizeof (char *), compare_field_ids);
  return ids;
}

const char *
involve_record_get_string (InvolveRecord *self,
                           const char    *field_id)
{
  GVariant *value = involve_record_get_value (self, field_id);

  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return NULL;
  return g_variant_get_string (value, NULL);
}

void
involve_record_set_string (InvolveRecord *self,
                           const char    *field_id,
                           const char    *value)
{
  involve_record_set_value (self, field_id, value != NULL ? g_variant_new_string (value) : NULL);
}

InvolveAnswer
involve_record_get_answer (InvolveRecord *self,
                           const char    *field_id)
{
  GVariant *value = involve_record_get_value (self, field_id);

  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return INVOLVE_ANSWER_UNKNOWN;
  return g_variant_get_boolean (value) ? INVOLVE_ANSWER_YES : INVOLVE_ANSWER_NO;
}

void
involve_record_set_answer (InvolveRecord *self,
                           const char    *field_id,
                           InvolveAnswer  answer)
{
  GVariant *value = NULL;

  if (answer != INVOLVE_ANSWER_UNKNOWN)
    value = g_variant_new_boolean (answer == INVOLVE_ANSWER_YES);
  involve_record_set_value (self, field_id, value);
}

gboolean
involve_record_has_choice (InvolveRecord *self,
                           const char    *field_id,
                           const char    *option_id)
{
  GVariant *value = involve_record_get_value (self, field_id);

  g_return_val_if_fail (option_id != NULL, FALSE);

  if (value == NULL)
    return FALSE;

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_str_equal (g_variant_get_string (value, NULL), option_id);

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autofree const char **options = g_variant_get_strv (value, NULL);

      return options != NULL && g_strv_contains ((const char * const *) options, option_id);
    }

  return FALSE;
}

gboolean
involve_text_is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return FALSE;
    }
  return TRUE;
}

gboolean
involve_value_is_empty (GVariant *value)
{
  if (value == NULL)
    return TRUE;

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return involve_text_is_blank (g_variant_get_string (value, NULL));

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return FALSE;

  /* Arrays: multiple choice and tables. A table of blank rows is empty. */
  if (g_variant_is_of_type (value, G_VARIANT_TYPE ("aas")))
    {
      gsize n_rows = g_variant_n_children (value);

      for (gsize i = 0; i < n_rows; i++)
        {
          g_autoptr(GVariant) row = g_variant_get_child_value (value, i);
          gsize n_cells = g_variant_n_children (row);

          for (gsize j = 0; j < n_cells; j++)
            {
              g_autoptr(GVariant) cell = g_variant_get_child_value (row, j);

              if (!involve_text_is_blank (g_variant_get_string (cell, NULL)))
                return FALSE;
            }
        }
      return TRUE;
    }

  if (g_variant_is_container (value))
    return g_variant_n_children (value) == 0;

  return FALSE;
}
