/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "involve-lifecycle.h"

static void
test_allowed_moves (void)
{
  /* from, transition, to; everything not listed is refused. */
  static const struct { InvolveStatus from; InvolveTransition t; InvolveStatus to; } allowed[] = {
    { INVOLVE_STATUS_DRAFT, INVOLVE_TRANSITION_SUBMIT, INVOLVE_STATUS_AWAITING_SIGN_OFF },
    { INVOLVE_STATUS_RETURNED, INVOLVE_TRANSITION_SUBMIT, INVOLVE_STATUS_AWAITING_SIGN_OFF },
    { INVOLVE_STATUS_AWAITING_SIGN_OFF, INVOLVE_TRANSITION_RECALL, INVOLVE_STATUS_DRAFT },
    { INVOLVE_STATUS_AWAITING_SIGN_OFF, INVOLVE_TRANSITION_SIGN_OFF, INVOLVE_STATUS_SIGNED_OFF },
    { INVOLVE_STATUS_AWAITING_SIGN_OFF, INVOLVE_TRANSITION_RETURN, INVOLVE_STATUS_RETURNED },
    { INVOLVE_STATUS_RETURNED, INVOLVE_TRANSITION_REOPEN, INVOLVE_STATUS_DRAFT },
    { INVOLVE_STATUS_SIGNED_OFF, INVOLVE_TRANSITION_AMEND, INVOLVE_STATUS_DRAFT },
    { INVOLVE_STATUS_SIGNED_OFF, INVOLVE_TRANSITION_SUPERSEDE, INVOLVE_STATUS_SUPERSEDED },
    { INVOLVE_STATUS_DRAFT, INVOLVE_TRANSITION_WITHDRAW, INVOLVE_STATUS_WITHDRAWN },
    { INVOLVE_STATUS_AWAITING_SIGN_OFF, INVOLVE_TRANSITION_WITHDRAW, INVOLVE_STATUS_WITHDRAWN },
    { INVOLVE_STATUS_RETURNED, INVOLVE_TRANSITION_WITHDRAW, INVOLVE_STATUS_WITHDRAWN },
  };

  for (guint from = 0; from < INVOLVE_N_STATUSES; from++)
    for (guint t = 0; t < INVOLVE_N_TRANSITIONS; t++)
      {
        g_autoptr(GError) error = NULL;
        InvolveStatus to = INVOLVE_N_STATUSES;
        int expected = -1;
        gboolean ok;

        for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
          if (allowed[i].from == from && allowed[i].t == t)
            expected = allowed[i].to;

        ok = involve_lifecycle_apply (from, t, "a reason", &to, &error);
        g_assert_cmpint (involve_lifecycle_can_apply (from, t), ==, ok);
        if (expected < 0)
          {
            g_assert_false (ok);
            g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_INVALID_TRANSITION);
            g_assert_cmpuint (strlen (error->message), >, 20);
          }
        else
          {
            g_assert_no_error (error);
            g_assert_true (ok);
            g_assert_cmpint (to, ==, expected);
          }
      }
}

static void
test_reasons_required (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (involve_lifecycle_apply (INVOLVE_STATUS_SIGNED_OFF, INVOLVE_TRANSITION_AMEND, NULL, NULL, &error));
  g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  g_assert_false (involve_lifecycle_apply (INVOLVE_STATUS_DRAFT, INVOLVE_TRANSITION_WITHDRAW, " \n", NULL, &error));
  g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  g_assert_false (involve_lifecycle_apply (INVOLVE_STATUS_AWAITING_SIGN_OFF, INVOLVE_TRANSITION_RETURN, "", NULL, &error));
  g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  g_assert_true (involve_lifecycle_apply (INVOLVE_STATUS_DRAFT, INVOLVE_TRANSITION_SUBMIT, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_status_predicates (void)
{
  g_assert_true (involve_status_is_editable (INVOLVE_STATUS_DRAFT));
  g_assert_true (involve_status_is_editable (INVOLVE_STATUS_RETURNED));
  g_assert_false (involve_status_is_editable (INVOLVE_STATUS_AWAITING_SIGN_OFF));
  g_assert_false (involve_status_is_editable (INVOLVE_STATUS_SIGNED_OFF));
  g_assert_true (involve_status_is_locked (INVOLVE_STATUS_SUPERSEDED));
  g_assert_false (involve_status_is_locked (INVOLVE_STATUS_WITHDRAWN));
  g_assert_true (involve_status_is_final (INVOLVE_STATUS_WITHDRAWN));
}

static void
test_transition_names (void)
{
  for (guint t = 0; t < INVOLVE_N_TRANSITIONS; t++)
    {
      InvolveTransition back;

      g_assert_true (involve_transition_from_string (involve_transition_to_string (t), &back));
      g_assert_cmpint (back, ==, t);
      g_assert_nonnull (involve_transition_get_label (t));
    }
}

static void
test_reviewer_check (void)
{
  g_autoptr(InvolveRecord) record = involve_record_new ("icb-14z45");
  g_autoptr(InvolveSignOff) sign_off = involve_sign_off_new ();
  g_autoptr(GError) error = NULL;

  involve_record_set_string (record, "completer-name", "Siân  Jones");
  involve_record_set_string (record, "completer-email", "sian.jones@example.org");

  sign_off->reviewer_name = g_strdup ("SIA\xcc\x82N JONES");  /* decomposed, upper case */
  g_assert_false (involve_lifecycle_check_reviewer (record, sign_off, &error));
  g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_SAME_PERSON);
  g_clear_error (&error);

  g_free (sign_off->reviewer_name);
  sign_off->reviewer_name = g_strdup ("Priya Patel");
  sign_off->reviewer_email = g_strdup (" SIAN.JONES@example.org ");
  g_assert_false (involve_lifecycle_check_reviewer (record, sign_off, &error));
  g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_SAME_PERSON);
  g_clear_error (&error);

  g_free (sign_off->reviewer_email);
  sign_off->reviewer_email = g_strdup ("priya.patel@example.org");
  g_assert_true (involve_lifecycle_check_reviewer (record, sign_off, &error));
  g_assert_no_error (error);

  g_free (sign_off->reviewer_name);
  sign_off->reviewer_name = g_strdup ("  ");
  g_assert_false (involve_lifecycle_check_reviewer (record, sign_off, &error));
  g_assert_error (error, INVOLVE_LIFECYCLE_ERROR, INVOLVE_LIFECYCLE_ERROR_REVIEWER_REQUIRED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/lifecycle/allowed-moves", test_allowed_moves);
  g_test_add_func ("/core/lifecycle/reasons-required", test_reasons_required);
  g_test_add_func ("/core/lifecycle/status-predicates", test_status_predicates);
  g_test_add_func ("/core/lifecycle/transition-names", test_transition_names);
  g_test_add_func ("/core/lifecycle/reviewer-is-not-completer", test_reviewer_check);

  return g_test_run ();
}
