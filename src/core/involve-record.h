/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The life cycle of one record version (see DESIGN.md). */
typedef enum
{
  INVOLVE_STATUS_DRAFT,
  INVOLVE_STATUS_AWAITING_SIGN_OFF,
  INVOLVE_STATUS_RETURNED,
  INVOLVE_STATUS_SIGNED_OFF,
  INVOLVE_STATUS_SUPERSEDED,
  INVOLVE_STATUS_WITHDRAWN,
} InvolveStatus;

#define INVOLVE_N_STATUSES (INVOLVE_STATUS_WITHDRAWN + 1)

const char *involve_status_to_string   (InvolveStatus  status);
gboolean    involve_status_from_string (const char    *string,
                                        InvolveStatus *status);
const char *involve_status_get_label   (InvolveStatus  status);

/* Answers to yes/no questions; a question not yet answered is UNKNOWN. */
typedef enum
{
  INVOLVE_ANSWER_UNKNOWN,
  INVOLVE_ANSWER_YES,
  INVOLVE_ANSWER_NO,
} InvolveAnswer;

/*
 * The reviewer's block and decision.  Dates typed by people (date) are kept
 * apart from the system's UTC time of the event (signed_at_usec).
 */
typedef struct
{
  char   *reviewer_name;
  char   *reviewer_job_title;
  char   *reviewer_email;
  char   *reviewer_team;
  char   *date;            /* as typed, ISO 8601 YYYY-MM-DD */
  char   *decision;        /* "signed-off" or "returned" */
  char   *comments;
  char   *fingerprint;     /* hex SHA-256 of the version that was decided on */
  gint64  decided_at_usec; /* system UTC time, microseconds since the epoch */
} InvolveSignOff;

#define INVOLVE_TYPE_SIGN_OFF (involve_sign_off_get_type ())
GType           involve_sign_off_get_type (void) G_GNUC_CONST;
InvolveSignOff *involve_sign_off_new      (void);
InvolveSignOff *involve_sign_off_copy     (const InvolveSignOff *sign_off);
void            involve_sign_off_free     (InvolveSignOff       *sign_off);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolveSignOff, involve_sign_off_free)

#define INVOLVE_TYPE_RECORD (involve_record_get_type ())
G_DECLARE_FINAL_TYPE (InvolveRecord, involve_record, INVOLVE, RECORD, GObject)

/*
 * Values are GVariants keyed by field id; the field's type (see
 * involve-form.h) fixes the variant type:
 *   text, long text, date (YYYY-MM-DD), single choice (option id)  "s"
 *   yes/no                                                          "b"
 *   multiple choice (option ids)                                     "as"
 *   table (rows of cells, one cell a column)                         "aas"
 * A field with no value has not been answered.
 */
InvolveRecord        *involve_record_new                  (const char    *framework_id);
InvolveRecord        *involve_record_copy                 (InvolveRecord *self);

const char           *involve_record_get_uuid             (InvolveRecord *self);
void                  involve_record_set_uuid             (InvolveRecord *self,
                                                           const char    *uuid);
const char           *involve_record_get_reference        (InvolveRecord *self);
void                  involve_record_set_reference        (InvolveRecord *self,
                                                           const char    *reference);
guint                 involve_record_get_version          (InvolveRecord *self);
void                  involve_record_set_version          (InvolveRecord *self,
                                                           guint          version);
InvolveStatus         involve_record_get_status           (InvolveRecord *self);
void                  involve_record_set_status           (InvolveRecord *self,
                                                           InvolveStatus  status);
const char           *involve_record_get_framework_id     (InvolveRecord *self);
void                  involve_record_set_framework_id     (InvolveRecord *self,
                                                           const char    *framework_id);
gint64                involve_record_get_created_usec     (InvolveRecord *self);
void                  involve_record_set_created_usec     (InvolveRecord *self,
                                                           gint64         usec);
/* The last change to the version (system time): a value, its status or its
 * sign-off.  Setting the created time resets it to the newest of that and
 * the values' own times; the store then sets what the register holds. */
gint64                involve_record_get_modified_usec    (InvolveRecord *self);
void                  involve_record_set_modified_usec    (InvolveRecord *self,
                                                           gint64         usec);
/* Why this version exists (amendment) or was withdrawn; NULL if none. */
const char           *involve_record_get_status_reason    (InvolveRecord *self);
void                  involve_record_set_status_reason    (InvolveRecord *self,
                                                           const char    *reason);
const InvolveSignOff *involve_record_get_sign_off         (InvolveRecord *self);
void                  involve_record_set_sign_off         (InvolveRecord *self,
                                                           const InvolveSignOff *sign_off);

GVariant             *involve_record_get_value            (InvolveRecord *self,
                                                           const char    *field_id);
gint64                involve_record_get_value_modified   (InvolveRecord *self,
                                                           const char    *field_id);
void                  involve_record_set_value            (InvolveRecord *self,
                                                           const char    *field_id,
                                                           GVariant      *value);
void                  involve_record_set_value_full       (InvolveRecord *self,
                                                           const char    *field_id,
                                                           GVariant      *value,
                                                           gint64         modified_usec);
gboolean              involve_record_has_value            (InvolveRecord *self,
                                                           const char    *field_id);
GStrv                 involve_record_dup_field_ids        (InvolveRecord *self);

/*
 * The form edition the record follows (a guidance year, "2017" or "2022"):
 * the value of the fixed field form-edition, pinned when the record is
 * created and covered by the fingerprint.  A record without one (made
 * before editions existed) follows the 2017 form.
 */
#define INVOLVE_FIELD_FORM_EDITION   "form-edition"
#define INVOLVE_FORM_EDITION_DEFAULT "2017"
const char           *involve_record_get_form_edition     (InvolveRecord *self);

/* Typed conveniences; each returns the "unset" answer for a missing value. */
const char           *involve_record_get_string           (InvolveRecord *self,
                                                           const char    *field_id);
void                  involve_record_set_string           (InvolveRecord *self,
                                                           const char    *field_id,
                                                           const char    *value);
InvolveAnswer         involve_record_get_answer           (InvolveRecord *self,
                                                           const char    *field_id);
void                  involve_record_set_answer           (InvolveRecord *self,
                                                           const char    *field_id,
                                                           InvolveAnswer  answer);
gboolean              involve_record_has_choice           (InvolveRecord *self,
                                                           const char    *field_id,
                                                           const char    *option_id);

/* Whether a value holds anything a person typed or chose. */
gboolean              involve_value_is_empty              (GVariant      *value);
/* Whether @text is NULL, empty or white space only. */
gboolean              involve_text_is_blank               (const char    *text);

G_END_DECLS
