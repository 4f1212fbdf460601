/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-lifecycle"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "involve-lifecycle.h"

G_DEFINE_QUARK (involve-lifecycle-error-quark, involve_lifecycle_error)

static const struct {
  const char *id;
  const char *label;
} transition_names[INVOLVE_N_TRANSITIONS] = {
  [INVOLVE_TRANSITION_SUBMIT] = { "submit", N_("Submit for sign-off") },
  [INVOLVE_TRANSITION_RECALL] = { "recall", N_("Recall from sign-off") },
  [INVOLVE_TRANSITION_SIGN_OFF] = { "sign-off", N_("Sign off") },
  [INVOLVE_TRANSITION_RETURN] = { "return", N_("Return with comments") },
  [INVOLVE_TRANSITION_REOPEN] = { "reopen", N_("Reopen as draft") },
  [INVOLVE_TRANSITION_AMEND] = { "amend", N_("Amend") },
  [INVOLVE_TRANSITION_SUPERSEDE] = { "supersede", N_("Supersede") },
  [INVOLVE_TRANSITION_WITHDRAW] = { "withdraw", N_("Withdraw") },
};

const char *
involve_transition_to_string (InvolveTransition transition)
{
  g_return_val_if_fail (transition < INVOLVE_N_TRANSITIONS, NULL);
  return transition_names[transition].id;
}

gboolean
involve_transition_from_string (const char        *string,
                                InvolveTransition *transition)
{
  g_return_val_if_fail (transition != NULL, FALSE);

  if (string == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (transition_names); i++)
    {
      if (g_str_equal (string, transition_names[i].id))
        {
          *transition = (InvolveTransition) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
involve_transition_get_label (InvolveTransition transition)
{
  g_return_val_if_fail (transition < INVOLVE_N_TRANSITIONS, NULL);
  return g_dgettext (GETTEXT_PACKAGE, transition_names[transition].label);
}

gboolean
involve_status_is_editable (InvolveStatus status)
{
  return status == INVOLVE_STATUS_DRAFT || status == INVOLVE_STATUS_RETURNED;
}

gboolean
involve_status_is_final (InvolveStatus status)
{
  return status == INVOLVE_STATUS_SIGNED_OFF ||
         status == INVOLVE_STATUS_SUPERSEDED ||
         status == INVOLVE_STATUS_WITHDRAWN;
}

gboolean
involve_status_is_locked (InvolveStatus status)
{
  return status == INVOLVE_STATUS_SIGNED_OFF || status == INVOLVE_STATUS_SUPERSEDED;
}

/* The table of allowed moves; -1 = not allowed. */
static int
next_status (InvolveStatus     from,
             InvolveTransition transition)
{
  switch (transition)
    {
    case INVOLVE_TRANSITION_SUBMIT:
      if (from == INVOLVE_STATUS_DRAFT || from == INVOLVE_STATUS_RETURNED)
        return INVOLVE_STATUS_AWAITING_SIGN_OFF;
      break;
    case INVOLVE_TRANSITION_RECALL:
      if (from == INVOLVE_STATUS_AWAITING_SIGN_OFF)
        return INVOLVE_STATUS_DRAFT;
      break;
    case INVOLVE_TRANSITION_SIGN_OFF:
      if (from == INVOLVE_STATUS_AWAITING_SIGN_OFF)
        return INVOLVE_STATUS_SIGNED_OFF;
      break;
    case INVOLVE_TRANSITION_RETURN:
      if (from == INVOLVE_STATUS_AWAITING_SIGN_OFF)
        return INVOLVE_STATUS_RETURNED;
      break;
    case INVOLVE_TRANSITION_REOPEN:
      if (from == INVOLVE_STATUS_RETURNED)
        return INVOLVE_STATUS_DRAFT;
      break;
    case INVOLVE_TRANSITION_AMEND:
      if (from == INVOLVE_STATUS_SIGNED_OFF)
        return INVOLVE_STATUS_DRAFT;
      break;
    case INVOLVE_TRANSITION_SUPERSEDE:
      if (from == INVOLVE_STATUS_SIGNED_OFF)
        return INVOLVE_STATUS_SUPERSEDED;
      break;
    case INVOLVE_TRANSITION_WITHDRAW:
      if (!involve_status_is_final (from))
        return INVOLVE_STATUS_WITHDRAWN;
      break;
    default:
      break;
    }
  return -1;
}

gboolean
involve_lifecycle_can_apply (InvolveStatus     from,
                             InvolveTransition transition)
{
  g_return_val_if_fail (from < INVOLVE_N_STATUSES, FALSE);
  g_return_val_if_fail (transition < INVOLVE_N_TRANSITIONS, FALSE);

  return next_status (from, transition) >= 0;
}

/* Why a transition is not allowed, in words a person can act on. */
static char *
explain_refusal (InvolveStatus     from,
                 InvolveTransition transition)
{
  const char *status = involve_status_get_label (from);

  switch (transition)
    {
    case INVOLVE_TRANSITION_SUBMIT:
      if (from == INVOLVE_STATUS_AWAITING_SIGN_OFF)
        return g_strdup (_("This version has already been submitted and is awaiting sign-off."));
      return g_strdup_printf (_("Only a draft or a returned version can be submitted for sign-off; this version is “%s”."), status);
    case INVOLVE_TRANSITION_RECALL:
      return g_strdup_printf (_("Only a version awaiting sign-off can be recalled; this version is “%s”."), status);
    case INVOLVE_TRANSITION_SIGN_OFF:
      if (from == INVOLVE_STATUS_SIGNED_OFF || from == INVOLVE_STATUS_SUPERSEDED)
        return g_strdup (_("This version has already been signed off."));
      return g_strdup_printf (_("Only a version awaiting sign-off can be signed off; this version is “%s”. Submit it first."), status);
    case INVOLVE_TRANSITION_RETURN:
      return g_strdup_printf (_("Only a version awaiting sign-off can be returned; this version is “%s”."), status);
    case INVOLVE_TRANSITION_REOPEN:
      return g_strdup_printf (_("Only a returned version can be reopened as a draft; this version is “%s”."), status);
    case INVOLVE_TRANSITION_AMEND:
      return g_strdup_printf (_("Only a signed-off version can be amended; this version is “%s”. Edit it directly instead."), status);
    case INVOLVE_TRANSITION_SUPERSEDE:
      return g_strdup_printf (_("Only a signed-off version can be superseded; this version is “%s”."), status);
    case INVOLVE_TRANSITION_WITHDRAW:
      if (from == INVOLVE_STATUS_SIGNED_OFF)
        return g_strdup (_("A signed-off version cannot be withdrawn; it stays on the register as evidence. Amend it instead."));
      return g_strdup_printf (_("This version is “%s” and cannot be withdrawn."), status);
    default:
      break;
    }
  return g_strdup (_("This change of status is not allowed."));
}

gboolean
involve_lifecycle_apply (InvolveStatus      from,
                         InvolveTransition  transition,
                         const char        *reason,
                         InvolveStatus     *to,
                         GError           **error)
{
  int next;

  g_return_val_if_fail (from < INVOLVE_N_STATUSES, FALSE);
  g_return_val_if_fail (transition < INVOLVE_N_TRANSITIONS, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  next = next_status (from, transition);
  if (next < 0)
    {
      g_autofree char *message = explain_refusal (from, transition);

      g_set_error_literal (error, INVOLVE_LIFECYCLE_ERROR,
                           INVOLVE_LIFECYCLE_ERROR_INVALID_TRANSITION, message);
      return FALSE;
    }

  if (transition == INVOLVE_TRANSITION_AMEND && involve_text_is_blank (reason))
    {
      g_set_error_literal (error, INVOLVE_LIFECYCLE_ERROR,
                           INVOLVE_LIFECYCLE_ERROR_REASON_REQUIRED,
                           _("Say why the signed-off version is being amended."));
      return FALSE;
    }
  if (transition == INVOLVE_TRANSITION_WITHDRAW && involve_text_is_blank (reason))
    {
      g_set_error_literal (error, INVOLVE_LIFECYCLE_ERROR,
                           INVOLVE_LIFECYCLE_ERROR_REASON_REQUIRED,
                           _("Say why the record is being withdrawn."));
      return FALSE;
    }
  if (transition == INVOLVE_TRANSITION_RETURN && involve_text_is_blank (reason))
    {
      g_set_error_literal (error, INVOLVE_LIFECYCLE_ERROR,
                           INVOLVE_LIFECYCLE_ERROR_REASON_REQUIRED,
                           _("Add comments that tell the officer what to change before returning the record."));
      return FALSE;
    }

  if (to != NULL)
    *to = (InvolveStatus) next;
  return TRUE;
}

char *
involve_identity_normalise (const char *name)
{
  g_autofree char *normal = NULL;
  g_autofree char *folded = NULL;
  GString *out;
  gboolean space = FALSE;

  if (name == NULL)
    return NULL;
  if (!g_utf8_validate (name, -1, NULL))
    return g_strdup ("");

  normal = g_utf8_normalize (name, -1, G_NORMALIZE_NFKC);
  folded = g_utf8_casefold (normal, -1);
  out = g_string_new (NULL);
  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          space = TRUE;
          continue;
        }
      if (space && out->len > 0)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static gboolean
same_identity (const char *a,
               const char *b)
{
  g_autofree char *na = involve_identity_normalise (a);
  g_autofree char *nb = involve_identity_normalise (b);

  return na != NULL && nb != NULL && na[0] != '\0' && g_str_equal (na, nb);
}

gboolean
involve_lifecycle_check_reviewer (InvolveRecord        *record,
                                  const InvolveSignOff *sign_off,
                                  GError              **error)
{
  const char *completer_name;
  const char *completer_email;

  g_return_val_if_fail (INVOLVE_IS_RECORD (record), FALSE);
  g_return_val_if_fail (sign_off != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (involve_text_is_blank (sign_off->reviewer_name))
    {
      g_set_error_literal (error, INVOLVE_LIFECYCLE_ERROR,
                           INVOLVE_LIFECYCLE_ERROR_REVIEWER_REQUIRED,
                           _("The reviewer’s name is required. Set your name in your profile."));
      return FALSE;
    }

  completer_name = involve_record_get_string (record, "completer-name");
  completer_email = involve_record_get_string (record, "completer-email");

  if (same_identity (sign_off->reviewer_name, completer_name))
    {
      g_set_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_SAME_PERSON,
                   _("%s completed this assessment and cannot also sign it off. A different senior reviewer must sign it off."),
                   completer_name);
      return FALSE;
    }
  if (same_identity (sign_off->reviewer_email, completer_email))
    {
      g_set_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_SAME_PERSON,
                   _("The reviewer’s e-mail address (%s) is the completer’s. A different senior reviewer must sign it off."),
                   completer_email);
      return FALSE;
    }
  return TRUE;
}
