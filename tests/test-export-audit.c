/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The audit trail as the evidence PDF prints it for a solicitor: labels and
 * words instead of field ids and stored values, keystrokes folded into one
 * row per field and editing session, long texts whole in an appendix.
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "involve-audit-text.h"
#include "involve-fingerprint.h"
#include "involve-pdf.h"
#include "involve-store-anchors.h"
#include "involve-store-involvement.h"
#include "common-test-util.h"
#include "export-test-util.h"

#define T0 1763800000000000

static InvolveAuditEntry *
add_entry (GPtrArray  *audit,
           gint64      seconds,
           const char *account,
           const char *kind,
           const char *field_id,
           const char *old_value,
           const char *new_value)
{
  InvolveAuditEntry *entry = g_new0 (InvolveAuditEntry, 1);

  entry->id = audit->len + 1;
  entry->time_usec = T0 + seconds * G_USEC_PER_SEC;
  entry->account = g_strdup (account);
  entry->kind = g_strdup (kind);
  entry->version = 1;
  entry->field_id = g_strdup (field_id);
  entry->old_value = g_strdup (old_value);
  entry->new_value = g_strdup (new_value);
  g_ptr_array_add (audit, entry);
  return entry;
}

static GPtrArray *
new_audit (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) involve_audit_entry_free);
}

/* Typing "Leeds" into one field, a pause, another person, other kinds. */
static GPtrArray *
make_typing_audit (void)
{
  GPtrArray *audit = new_audit ();
  const char *steps[] = { "'L'", "'Le'", "'Lee'", "'Leed'", "'Leeds'" };
  InvolveAuditEntry *entry;

  entry = add_entry (audit, 0, "officer", INVOLVE_AUDIT_CREATE, NULL, NULL, NULL);
  entry->details = g_strdup ("reference INV-2026-0077, framework icb-14z45");
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    add_entry (audit, 10 + i, "officer", INVOLVE_AUDIT_VALUE, "b1-location",
               i == 0 ? NULL : steps[i - 1], steps[i]);
  /* Eleven minutes later: a new session of the same field. */
  add_entry (audit, 15 + 11 * 60, "officer", INVOLVE_AUDIT_VALUE, "b1-location", "'Leeds'",
             "'Leeds North'");
  /* Someone else, straight after. */
  add_entry (audit, 16 + 11 * 60, "colleague", INVOLVE_AUDIT_VALUE, "b1-location",
             "'Leeds North'", "'Leeds North and West'");
  add_entry (audit, 20 + 11 * 60, "officer", INVOLVE_AUDIT_VALUE, "step2-activity-types",
             NULL, "['proposal']");
  add_entry (audit, 21 + 11 * 60, "officer", INVOLVE_AUDIT_VALUE, "b4-additional-required",
             NULL, "true");
  add_entry (audit, 22 + 11 * 60, "officer", INVOLVE_AUDIT_VALUE, "completer-date",
             NULL, "'2023-02-14'");
  entry = add_entry (audit, 30 + 11 * 60, "officer", INVOLVE_AUDIT_STATUS, NULL, NULL, NULL);
  entry->details = g_strdup ("draft -> awaiting-sign-off");
  return audit;
}

static void
test_fold_sessions (void)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(GPtrArray) audit = make_typing_audit ();
  g_autoptr(GPtrArray) rows = involve_audit_fold (definitions, audit, INVOLVE_AUDIT_SESSION_GAP_USEC);
  const InvolveAuditRow *row;

  g_assert_cmpuint (rows->len, ==, 8);

  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (row->what, ==, "Record created");
  g_assert_cmpstr (row->details, ==, "reference INV-2026-0077; duty: section 14Z45 of the National Health "
                                     "Service Act 2006 (Integrated care board)");

  /* Five keystrokes: one row, from nothing to the whole word. */
  row = g_ptr_array_index (rows, 1);
  g_assert_cmpint (row->first_id, ==, 2);
  g_assert_cmpint (row->last_id, ==, 6);
  g_assert_cmpuint (row->n_entries, ==, 5);
  g_assert_cmpstr (row->what, ==, "Changed “Location” in “Step 1: The activity”");
  g_assert_cmpstr (row->old_text, ==, "(empty)");
  g_assert_cmpstr (row->new_text, ==, "Leeds");
  g_assert_cmpint (row->last_usec - row->first_usec, ==, 4 * G_USEC_PER_SEC);

  /* The pause and the other person each start a row. */
  row = g_ptr_array_index (rows, 2);
  g_assert_cmpint (row->first_id, ==, 7);
  g_assert_cmpuint (row->n_entries, ==, 1);
  g_assert_cmpstr (row->old_text, ==, "Leeds");
  g_assert_cmpstr (row->new_text, ==, "Leeds North");
  row = g_ptr_array_index (rows, 3);
  g_assert_cmpint (row->first_id, ==, 8);
  g_assert_cmpstr (row->actor, ==, "colleague");
  g_assert_cmpstr (row->new_text, ==, "Leeds North and West");

  /* Choices, yes/no and dates in words. */
  row = g_ptr_array_index (rows, 4);
  g_assert_cmpstr (row->new_text, ==, "Developing or considering proposals for change");
  g_assert_null (strstr (row->what, "step2-activity-types"));
  row = g_ptr_array_index (rows, 5);
  g_assert_cmpstr (row->new_text, ==, "Yes");
  row = g_ptr_array_index (rows, 6);
  g_assert_cmpstr (row->new_text, ==, "14 February 2023");

  row = g_ptr_array_index (rows, 7);
  g_assert_cmpstr (row->details, ==, "Draft → Awaiting sign-off");
}

/* Values that are not what the field expects are printed, never a crash. */
static void
test_format_odd_values (void)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  const InvolveField *date = involve_definitions_lookup_field (definitions, "completer-date", NULL);
  const InvolveField *risks = involve_definitions_lookup_field (definitions, "c-risks", NULL);
  g_autofree char *bad_date = involve_audit_format_value (definitions, date, "'2023-02-31'");
  g_autofree char *typed_date = involve_audit_format_value (definitions, date, "'next Tuesday'");
  g_autofree char *garbage = involve_audit_format_value (definitions, date, "[[[ not a variant");
  g_autofree char *unknown = involve_audit_format_value (definitions, NULL, "['x', 'y']");
  g_autofree char *table = involve_audit_format_value (definitions, risks,
                                                       "[['Low turnout', 'More sessions'], ['Cost', 'Budget']]");
  g_autofree char *empty = involve_audit_format_value (definitions, NULL, NULL);

  g_assert_cmpstr (bad_date, ==, "2023-02-31");
  g_assert_cmpstr (typed_date, ==, "next Tuesday");
  g_assert_cmpstr (garbage, ==, "[[[ not a variant");
  g_assert_cmpstr (unknown, ==, "x; y");
  g_assert_cmpstr (table, ==, "1. Risk: Low turnout; Mitigating action: More sessions\n"
                              "2. Risk: Cost; Mitigating action: Budget");
  g_assert_cmpstr (empty, ==, "(empty)");
}

static gboolean
need_poppler (void)
{
  if (export_test_have_program ("pdftotext"))
    return TRUE;
  g_test_skip ("pdftotext (poppler-utils) is not installed");
  return FALSE;
}

static char *
write_pdf (InvolveRecord       *record,
           GPtrArray           *audit,
           InvolveEvidenceKind  kind,
           const char          *path)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveEvidenceDocument) document = involve_evidence_document_new (definitions, record, kind);
  g_autofree char *fingerprint = involve_fingerprint_compute (record);
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };
  int status = 1;
  g_autofree char *text = NULL;

  involve_evidence_document_set_fingerprint (document, fingerprint);
  involve_evidence_document_derive_assessment (document);
  involve_evidence_document_set_audit (document, audit);

  involve_evidence_document_write_pdf (document, path, &error);
  g_assert_no_error (error);
  /* In reading order, not laid out: a cell's lines stay together. */
  text = export_test_run (argv, &status);
  g_assert_cmpint (status, ==, 0);
  return g_steal_pointer (&text);
}

/* The printed trail: no ids, no GVariant text, nothing shortened. */
static void
test_pdf_audit_readable (void)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveRecord) record = export_test_make_record (definitions, "INV-2026-0077", 0, 1);
  g_autoptr(GPtrArray) audit = make_typing_audit ();
  g_autofree char *dir = export_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "audit.pdf", NULL);
  g_autofree char *long_text = export_test_words ("lt", 600);
  g_autofree char *stored = NULL;
  g_autofree char *text = NULL;
  g_autofree char *squashed = NULL;
  g_autofree char *trail = NULL;
  const char *appendix;

  {
    g_autoptr(GVariant) value = g_variant_ref_sink (g_variant_new_string (long_text));

    stored = g_variant_print (value, FALSE);
  }
  add_entry (audit, 2000, "officer", INVOLVE_AUDIT_VALUE, "b1-objectives", NULL, stored);
  add_entry (audit, 3000, "officer", INVOLVE_AUDIT_VALUE, "b1-objectives", stored, "'Short now'");

  if (!need_poppler ())
    return;
  text = write_pdf (record, audit, INVOLVE_EVIDENCE_FULL, path);
  g_assert_nonnull (text);
  squashed = export_test_squash (text);
  trail = g_strdup (strstr (squashed, "Audit trail Every change"));
  g_assert_nonnull (trail);

  /* Labels and words, not ids and stored values. */
  g_assert_null (strstr (trail, "step2-activity-types"));
  g_assert_null (strstr (trail, "b4-additional-required"));
  g_assert_null (strstr (trail, "['proposal']"));
  g_assert_null (strstr (trail, "'2023-02-14'"));
  g_assert_null (strstr (trail, "-> "));
  g_assert_nonnull (strstr (trail, "Developing or considering proposals for change"));
  g_assert_nonnull (strstr (trail, "14 February 2023"));
  g_assert_nonnull (strstr (trail, "Draft → Awaiting sign-off"));

  /* The five keystrokes are one row. */
  g_assert_nonnull (strstr (trail, "5 entries in one editing session"));
  g_assert_null (strstr (trail, "To: Leed "));

  /* The long text: never "shortened", whole in the appendix, named once. */
  g_assert_null (strstr (squashed, "(shortened)"));
  g_assert_nonnull (strstr (trail, "the whole text is T1"));
  g_assert_null (strstr (trail, "the whole text is T2"));
  appendix = strstr (trail, "Full texts of the audit trail Values too long");
  g_assert_nonnull (appendix);
  g_assert_nonnull (strstr (appendix, "lt00001"));
  g_assert_nonnull (strstr (appendix, "lt00600"));
  g_assert_nonnull (strstr (appendix, "lt00300"));

  test_util_remove_tree (dir);
}

/* The public version folds the same way and prints no personal values or actors. */
static void
test_pdf_audit_public (void)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveRecord) record = export_test_make_record (definitions, "INV-2026-0078", 0, 1);
  g_autoptr(GPtrArray) audit = make_typing_audit ();
  g_autofree char *dir = export_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "public.pdf", NULL);
  g_autofree char *long_email = g_strnfill (500, 'e');
  g_autofree char *stored = g_strdup_printf ("'%s@example.org'", long_email);
  g_autofree char *text = NULL;

  add_entry (audit, 2000, "officer", INVOLVE_AUDIT_VALUE, "completer-email", NULL, stored);
  if (!need_poppler ())
    return;
  text = write_pdf (record, audit, INVOLVE_EVIDENCE_PUBLIC, path);
  g_assert_nonnull (text);
  g_assert_null (strstr (text, "officer"));
  g_assert_null (strstr (text, "colleague"));
  g_assert_null (strstr (text, "eeeeeeeeee"));
  g_assert_null (strstr (text, "Full texts of the audit trail"));

  test_util_remove_tree (dir);
}

/* Every kind the register writes has words, the same for the PDF and the
 * History window (which both call these). */
static void
test_describe_every_kind (void)
{
  const char *kinds[] = {
    INVOLVE_AUDIT_CREATE, INVOLVE_AUDIT_VALUE, INVOLVE_AUDIT_STATUS, INVOLVE_AUDIT_SIGN_OFF,
    INVOLVE_AUDIT_RETURN, INVOLVE_AUDIT_AMEND, INVOLVE_AUDIT_EXPORT, INVOLVE_AUDIT_IMPORT,
    INVOLVE_AUDIT_BACKUP, INVOLVE_AUDIT_SUBMIT, INVOLVE_AUDIT_TRUST, INVOLVE_AUDIT_REFUSED,
    INVOLVE_AUDIT_INVOLVEMENT, INVOLVE_AUDIT_IMPORT_VERSION, INVOLVE_AUDIT_SEEN_HEAD,
  };
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(GPtrArray) audit = new_audit ();
  InvolveAuditEntry *entry;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *what = NULL;

      entry = add_entry (audit, i, "officer", kinds[i], "activity", NULL, NULL);
      what = involve_audit_describe (entry, NULL);
      /* Words, never the bare id. */
      g_assert_cmpstr (what, !=, kinds[i]);
      g_assert_true (g_unichar_isupper (g_utf8_get_char (what)));
    }
  /* A kind a newer release writes is shown as it is, not dropped. */
  entry = add_entry (audit, 99, "officer", "future-kind", NULL, NULL, NULL);
  {
    g_autofree char *what = involve_audit_describe (entry, NULL);
    g_autofree char *none = involve_audit_dup_details (definitions, entry);
    g_autofree char *actor = involve_audit_dup_actor (entry);

    g_assert_cmpstr (what, ==, "future-kind");
    g_assert_null (none);
    g_assert_cmpstr (actor, ==, "officer");
  }

  /* Details in words: statuses by their labels, the reason kept. */
  entry = add_entry (audit, 100, "officer", INVOLVE_AUDIT_STATUS, NULL, NULL, NULL);
  entry->details = g_strdup ("awaiting-sign-off -> returned: fix section B");
  entry->profile = g_strdup ("Alex Officer");
  {
    g_autofree char *details = involve_audit_dup_details (definitions, entry);
    g_autofree char *actor = involve_audit_dup_actor (entry);
    g_autofree char *expected = g_strdup_printf ("%s → %s: fix section B",
                                                 involve_status_get_label (INVOLVE_STATUS_AWAITING_SIGN_OFF),
                                                 involve_status_get_label (INVOLVE_STATUS_RETURNED));

    g_assert_cmpstr (details, ==, expected);
    g_assert_cmpstr (actor, ==, "officer (Alex Officer)");
  }
  /* Empty details are none. */
  entry = add_entry (audit, 101, "officer", INVOLVE_AUDIT_EXPORT, NULL, NULL, NULL);
  entry->details = g_strdup ("");
  {
    g_autofree char *details = involve_audit_dup_details (definitions, entry);

    g_assert_null (details);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/export/audit/fold-sessions", test_fold_sessions);
  g_test_add_func ("/export/audit/format-odd-values", test_format_odd_values);
  g_test_add_func ("/export/audit/describe-every-kind", test_describe_every_kind);
  g_test_add_func ("/export/audit/pdf-readable", test_pdf_audit_readable);
  g_test_add_func ("/export/audit/pdf-public", test_pdf_audit_public);

  return g_test_run ();
}
