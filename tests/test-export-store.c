/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "involve-export-store.h"
#include "involve-fingerprint.h"
#include "involve-pdf-sign.h"
#include "common-test-util.h"
#include "export-test-util.h"
#include "identity-test-util.h"
#include "involve-store-trust.h"

typedef struct
{
  char         *dir;
  InvolveStore *store;
  char         *uuid;
} Fixture;

static char *
path_in (Fixture    *fixture,
         const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

static InvolveIdentity *
reviewer_key (void)
{
  return test_identity_named ("export-reviewer", EXPORT_TEST_REVIEWER_NAME, EXPORT_TEST_REVIEWER_EMAIL);
}

static InvolveStore *
open_register (Fixture    *fixture,
               const char *name)
{
  g_autofree char *path = path_in (fixture, name);
  g_autoptr(GError) error = NULL;
  InvolveStore *store = involve_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  involve_store_set_os_account (store, "awhitcombe");
  involve_store_set_profile_name (store, EXPORT_TEST_COMPLETER_NAME);
  /* The officer acts with their key. */
  involve_store_set_identity (store, test_identity ("officer"));
  return store;
}

/* The reviewer is trusted to sign off (by the officer, the first). */
static void
trust_reviewer (InvolveStore *store)
{
  g_autoptr(GError) error = NULL;
  guint roles = 0;

  g_assert_true (involve_store_trust_lookup (store, involve_certificate_get_fingerprint (
                                               involve_identity_get_certificate (reviewer_key ())),
                                             &roles, &error));
  if (roles != 0)
    return;
  g_assert_true (involve_store_trust_add (store, involve_identity_get_certificate (reviewer_key ()),
                                          INVOLVE_TRUST_SIGN_OFF, &error));
  g_assert_no_error (error);
}

/* A record typed into the register field by field, then submitted. */
static char *
add_submitted_record (InvolveStore *store)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autoptr(InvolveRecord) answers = export_test_make_record (definitions, "X", 20, 3);
  g_autoptr(InvolveRecord) record = NULL;
  g_auto(GStrv) field_ids = involve_record_dup_field_ids (answers);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  record = involve_store_create_record (store, "icb-14z45", &error);
  g_assert_no_error (error);
  for (guint i = 0; field_ids[i] != NULL; i++)
    {
      involve_store_set_value (store, record, field_ids[i],
                               involve_record_get_value (answers, field_ids[i]), &error);
      g_assert_no_error (error);
    }

  if (!involve_store_submit (store, involve_record_get_uuid (record), &problems, &error))
    g_error ("submit refused: %s", error->message);
  return g_strdup (involve_record_get_uuid (record));
}

static InvolveSignOff *
reviewer (void)
{
  InvolveSignOff *sign_off = involve_sign_off_new ();

  sign_off->reviewer_name = g_strdup (EXPORT_TEST_REVIEWER_NAME);
  sign_off->reviewer_job_title = g_strdup ("Director of Participation");
  sign_off->reviewer_email = g_strdup (EXPORT_TEST_REVIEWER_EMAIL);
  sign_off->reviewer_team = g_strdup ("Governance");
  sign_off->comments = g_strdup ("Proportionate.");
  return sign_off;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = export_test_make_tmpdir ();
  fixture->store = open_register (fixture, "register.sqlite");
  fixture->uuid = add_submitted_record (fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  test_util_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->uuid);
}

static void
sign_off (Fixture *fixture)
{
  g_autoptr(InvolveSignOff) decision = reviewer ();
  g_autoptr(GError) error = NULL;

  involve_store_set_os_account (fixture->store, "sokonkwo");
  involve_store_set_profile_name (fixture->store, EXPORT_TEST_REVIEWER_NAME);
  trust_reviewer (fixture->store);
  involve_store_set_identity (fixture->store, reviewer_key ());
  involve_store_sign_off (fixture->store, fixture->uuid, decision, &error);
  g_assert_no_error (error);
  involve_store_set_identity (fixture->store, test_identity ("officer"));
  involve_store_set_os_account (fixture->store, "awhitcombe");
  involve_store_set_profile_name (fixture->store, EXPORT_TEST_COMPLETER_NAME);
}

static guint
audit_length (InvolveStore *store)
{
  g_autoptr(GPtrArray) entries = involve_store_list_audit (store, NULL, NULL);

  g_assert_nonnull (entries);
  return entries->len;
}

static guint
record_count (InvolveStore *store)
{
  InvolveStoreQuery query;
  guint count = 0;

  involve_store_query_init (&query);
  g_assert_true (involve_store_count (store, &query, &count, NULL));
  return count;
}

static const InvolveAuditEntry *
last_entry (InvolveStore *store,
            GPtrArray   **keep)
{
  *keep = involve_store_list_audit (store, NULL, NULL);
  g_assert_nonnull (*keep);
  return g_ptr_array_index (*keep, (*keep)->len - 1);
}

static void
test_pdf_and_check (Fixture       *fixture,
                    gconstpointer  data)
{
  InvolveDefinitions *definitions = export_test_definitions ();
  g_autofree char *path = path_in (fixture, "evidence.pdf");
  g_autofree char *forged = path_in (fixture, "forged.pdf");
  g_autofree char *report = NULL;
  g_autoptr(GPtrArray) keep = NULL;
  g_autoptr(GPtrArray) trusted = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolveEvidenceDocument) document = NULL;
  g_autoptr(InvolveRecord) record = NULL;
  const InvolveAuditEntry *entry;

  sign_off (fixture);
  g_assert_true (involve_export_pdf (fixture->store, definitions, fixture->uuid, 0,
                                     INVOLVE_EVIDENCE_FULL, path, &error));
  g_assert_no_error (error);

  entry = last_entry (fixture->store, &keep);
  g_assert_cmpstr (entry->kind, ==, INVOLVE_AUDIT_EXPORT);
  g_assert_cmpstr (entry->record_uuid, ==, fixture->uuid);
  g_assert_nonnull (strstr (entry->details, "evidence.pdf"));

  /* The exporter's certificate is trusted: the PDF is signed with it. */
  trusted = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (trusted, g_bytes_ref (involve_certificate_get_der (test_certificate ("officer"))));
  g_assert_true (involve_export_check_signed_pdf (fixture->store, path, trusted, &report, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (report, "matches the register"));

  if (export_test_have_program ("pdftotext"))
    {
      g_autofree char *text = export_test_pdftotext (path, 0, 0);

      /* The register's own audit trail and sign-off are in the document. */
      g_assert_nonnull (strstr (text, "Signed off"));
      g_assert_nonnull (strstr (text, EXPORT_TEST_REVIEWER_NAME));
      g_assert_nonnull (strstr (text, "sokonkwo"));
    }

  /* A PDF claiming another fingerprint for the same version is caught. */
  record = involve_store_load_record (fixture->store, fixture->uuid, 0, &error);
  document = involve_evidence_document_new (definitions, record, INVOLVE_EVIDENCE_FULL);
  involve_evidence_document_set_fingerprint (document, "0123456789abcdef0123456789abcdef"
                                                       "0123456789abcdef0123456789abcdef");
  g_assert_true (involve_evidence_document_write_signed_pdf (document, forged, test_identity ("officer"),
                                                             NULL, &error));
  g_assert_false (involve_export_check_signed_pdf (fixture->store, forged, trusted, NULL, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT);
  g_clear_error (&error);

  /* … and one nobody signed proves nothing. */
  g_assert_true (involve_evidence_document_write_pdf (document, forged, &error));
  g_assert_false (involve_export_check_signed_pdf (fixture->store, forged, trusted, NULL, &error));
  g_assert_error (error, INVOLVE_PDF_SIGN_ERROR, INVOLVE_PDF_SIGN_ERROR_NOT_SIGNED);
}

static void
test_xml_round_trip (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *first = path_in (fixture, "first.xml");
  g_autofree char *second = path_in (fixture, "second.xml");
  g_autoptr(InvolveStore) other = NULL;
  g_autoptr(InvolveExchangeRecord) a = NULL;
  g_autoptr(InvolveExchangeRecord) b = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autofree char *summary = NULL;
  g_autoptr(GError) error = NULL;
  const char *uuids[] = { fixture->uuid, NULL };
  guint audit_before;

  sign_off (fixture);
  g_assert_true (involve_store_amend (fixture->store, fixture->uuid, "New travel data", &error) == 2);
  g_assert_no_error (error);

  g_assert_true (involve_export_xml (fixture->store, uuids, first, &error));
  g_assert_no_error (error);

  other = open_register (fixture, "empty.sqlite");
  g_assert_cmpuint (record_count (other), ==, 0);
  g_assert_true (involve_import_xml (other, first, &summary, &error));
  g_assert_no_error (error);
  g_test_message ("%s", summary);
  g_assert_cmpuint (record_count (other), ==, 1);

  g_assert_true (involve_export_xml (other, uuids, second, &error));
  g_assert_no_error (error);

  a = involve_export_collect_record (fixture->store, fixture->uuid, &error);
  b = involve_export_collect_record (other, fixture->uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->versions->len, ==, 2);
  g_assert_cmpuint (b->versions->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      InvolveRecord *va = g_ptr_array_index (a->versions, i);
      InvolveRecord *vb = g_ptr_array_index (b->versions, i);

      g_assert_cmpstr (g_ptr_array_index (a->fingerprints, i), ==, g_ptr_array_index (b->fingerprints, i));
      g_assert_cmpint (involve_record_get_status (va), ==, involve_record_get_status (vb));
    }

  back = involve_xml_read_file (second, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_ptr_array_index (((InvolveExchangeRecord *) g_ptr_array_index (back, 0))->fingerprints, 0),
                   ==, g_ptr_array_index (a->fingerprints, 0));

  /* Importing the same file again: already there, nothing written. */
  audit_before = audit_length (other);
  g_assert_false (involve_import_xml (other, first, NULL, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "already in the register"));
  g_assert_cmpuint (audit_length (other), ==, audit_before);
}

static InvolveExchangeRecord *
read_single (const char *path)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  records = involve_xml_read_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  return g_ptr_array_steal_index (records, 0);
}

static void
assert_same_entries (GPtrArray *expected,
                     GPtrArray *actual)
{
  g_assert_cmpuint (actual->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      const InvolveAuditEntry *a = g_ptr_array_index (expected, i);
      const InvolveAuditEntry *b = g_ptr_array_index (actual, i);

      g_assert_cmpint (a->id, ==, b->id);
      g_assert_cmpint (a->time_usec, ==, b->time_usec);
      g_assert_cmpstr (a->account, ==, b->account);
      g_assert_cmpstr (a->kind, ==, b->kind);
      g_assert_cmpstr (a->new_value, ==, b->new_value);
      g_assert_cmpstr (a->prev_hash, ==, b->prev_hash);
      g_assert_cmpstr (a->hash, ==, b->hash);
    }
}

/* The kept trail that came from @source_name. */
static const InvolveImportedTrail *
trail_from (GPtrArray  *trails,
            const char *source_name)
{
  for (guint i = 0; i < trails->len; i++)
    {
      const InvolveImportedTrail *trail = g_ptr_array_index (trails, i);

      if (strstr (trail->source, source_name) != NULL)
        return trail;
    }
  g_error ("no trail from %s", source_name);
  return NULL;
}

/* The fixture's record exported to a.xml, imported into register B and
 * exported from there to b.xml.  Returns B. */
static InvolveStore *
export_through_b (Fixture    *fixture,
                  const char *a_path,
                  const char *b_path)
{
  g_autoptr(GError) error = NULL;
  const char *uuids[] = { fixture->uuid, NULL };
  InvolveStore *b;

  g_assert_true (involve_export_xml (fixture->store, uuids, a_path, &error));
  g_assert_no_error (error);
  b = open_register (fixture, "b.sqlite");
  g_assert_true (involve_import_xml (b, a_path, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (involve_export_xml (b, uuids, b_path, &error));
  g_assert_no_error (error);
  return b;
}

/* A -> B -> C: C still holds A's entries, hashes and all, and can prove it. */
static void
test_xml_trail_travels (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *a_path = path_in (fixture, "a.xml");
  g_autofree char *b_path = path_in (fixture, "b.xml");
  g_autofree char *c_path = path_in (fixture, "c.xml");
  g_autoptr(InvolveStore) b = NULL;
  g_autoptr(InvolveStore) c = NULL;
  g_autoptr(InvolveExchangeRecord) from_a = NULL;
  g_autoptr(InvolveExchangeRecord) from_b = NULL;
  g_autoptr(InvolveExchangeRecord) from_c = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(GError) error = NULL;
  const char *uuids[] = { fixture->uuid, NULL };
  gint64 broken = -1;

  sign_off (fixture);
  b = export_through_b (fixture, a_path, b_path);
  from_a = read_single (a_path);
  g_assert_cmpuint (from_a->audit->len, >, 0);
  g_assert_cmpuint (from_a->imported_trails->len, ==, 0);
  from_b = read_single (b_path);
  g_assert_cmpuint (from_b->imported_trails->len, ==, 1);
  assert_same_entries (from_a->audit,
                       ((InvolveImportedTrail *) g_ptr_array_index (from_b->imported_trails, 0))->entries);

  c = open_register (fixture, "c.sqlite");
  g_assert_true (involve_import_xml (c, b_path, NULL, &error));
  g_assert_no_error (error);
  kept = involve_store_list_imported_trails (c, fixture->uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kept->len, ==, 2);
  assert_same_entries (from_a->audit, trail_from (kept, "a.xml")->entries);
  assert_same_entries (from_b->audit, trail_from (kept, "b.xml")->entries);
  g_assert_true (involve_store_verify (c, &broken, &error));
  g_assert_no_error (error);

  /* And on again from C: A's and B's trails both go with it, and the
   * versions keep their fingerprints all the way. */
  g_assert_true (involve_export_xml (c, uuids, c_path, &error));
  g_assert_no_error (error);
  from_c = read_single (c_path);
  g_assert_cmpuint (from_c->imported_trails->len, ==, 2);
  assert_same_entries (from_a->audit, trail_from (from_c->imported_trails, "a.xml")->entries);
  g_assert_cmpuint (from_c->fingerprints->len, ==, from_a->fingerprints->len);
  for (guint i = 0; i < from_a->fingerprints->len; i++)
    g_assert_cmpstr (g_ptr_array_index (from_c->fingerprints, i), ==,
                     g_ptr_array_index (from_a->fingerprints, i));

  /* C's evidence PDF prints A's entries under their own heading. */
  if (export_test_have_program ("pdftotext"))
    {
      g_autofree char *pdf = path_in (fixture, "c.pdf");
      g_autofree char *text = NULL;
      g_autofree char *squashed = NULL;

      g_assert_true (involve_export_pdf (c, export_test_definitions (), fixture->uuid, 0,
                                         INVOLVE_EVIDENCE_FULL, pdf, &error));
      g_assert_no_error (error);
      text = export_test_pdftotext (pdf, 0, 0);
      squashed = export_test_squash (text);
      g_assert_nonnull (strstr (squashed, "Entries from the source register"));
      g_assert_nonnull (strstr (squashed, "Imported from XML exchange file “a.xml”"));
      /* (A's first entries trust its people: the record's come after.) */
      {
        g_autofree char *first = g_strdup_printf ("imported-%" G_GINT64_FORMAT " ",
                                                  ((InvolveAuditEntry *) from_a->audit->pdata[0])->id);
        g_assert_nonnull (strstr (squashed, first));
      }
    }
}

/* A kept trail altered in the file, even re-hashed, is refused whole. */
static void
test_xml_altered_kept_trail_refused (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autofree char *a_path = path_in (fixture, "a.xml");
  g_autofree char *b_path = path_in (fixture, "b.xml");
  g_autofree char *forged_path = path_in (fixture, "forged.xml");
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_exchange_record_free);
  g_autoptr(InvolveStore) b = NULL;
  g_autoptr(InvolveStore) c = NULL;
  g_autoptr(GError) error = NULL;
  InvolveExchangeRecord *record;
  InvolveImportedTrail *trail;
  InvolveAuditEntry *entry;

  b = export_through_b (fixture, a_path, b_path);

  /* The newest entry of A's trail rewritten, with a hash to match it. */
  record = read_single (b_path);
  g_ptr_array_add (records, record);
  trail = g_ptr_array_index (record->imported_trails, 0);
  entry = g_ptr_array_index (trail->entries, trail->entries->len - 1);
  g_free (entry->details);
  entry->details = g_strdup ("Nothing happened here");
  g_free (entry->hash);
  entry->hash = involve_audit_entry_compute_hash (entry);
  g_assert_true (involve_xml_write_file (records, forged_path, &error));
  g_assert_no_error (error);

  c = open_register (fixture, "c.sqlite");
  g_assert_false (involve_import_xml (c, forged_path, NULL, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "nothing was imported"));
  g_assert_cmpuint (audit_length (c), ==, 0);
  g_assert_cmpuint (record_count (c), ==, 0);
  g_clear_error (&error);

  /* An entry in the middle altered without a new hash: its own hash fails. */
  entry = g_ptr_array_index (trail->entries, 2);
  g_free (entry->account);
  entry->account = g_strdup ("somebody-else");
  g_assert_true (involve_xml_write_file (records, forged_path, &error));
  g_assert_false (involve_import_xml (c, forged_path, NULL, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT);
  g_test_message ("%s", error->message);
  g_assert_cmpuint (audit_length (c), ==, 0);
}

/* The fuzz seed with a kept trail is a real file: every hash and the
 * digest, computed outside Involve from docs/fingerprint.md, hold. */
static void
test_xml_seed_with_kept_trail (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "fuzz", "corpus", "xml-import",
                                                 "exchange-imported-trail.xml", NULL);
  g_autoptr(InvolveStore) other = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(GError) error = NULL;
  const InvolveImportedTrail *from_a;
  gint64 broken = -1;

  other = open_register (fixture, "other.sqlite");
  g_assert_true (involve_import_xml (other, path, NULL, &error));
  g_assert_no_error (error);
  kept = involve_store_list_imported_trails (other, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kept->len, ==, 2);
  from_a = trail_from (kept, "“a.xml”");
  g_assert_cmpuint (from_a->entries->len, ==, 3);
  g_assert_cmpint (((InvolveAuditEntry *) g_ptr_array_index (from_a->entries, 2))->id, ==, 5);
  g_assert_true (involve_store_verify (other, &broken, &error));
  g_assert_no_error (error);
}

/* A record whose latest version is signed off: the commonest thing to move. */
static void
test_xml_signed_off_round_trip (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *path = path_in (fixture, "signed.xml");
  g_autoptr(InvolveStore) other = NULL;
  g_autoptr(InvolveExchangeRecord) a = NULL;
  g_autoptr(InvolveExchangeRecord) b = NULL;
  g_autoptr(GError) error = NULL;
  const char *uuids[] = { fixture->uuid, NULL };

  sign_off (fixture);
  g_assert_true (involve_export_xml (fixture->store, uuids, path, &error));
  g_assert_no_error (error);

  other = open_register (fixture, "empty.sqlite");
  g_assert_true (involve_import_xml (other, path, NULL, &error));
  g_assert_no_error (error);

  a = involve_export_collect_record (fixture->store, fixture->uuid, &error);
  b = involve_export_collect_record (other, fixture->uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_ptr_array_index (a->fingerprints, 0), ==, g_ptr_array_index (b->fingerprints, 0));
  g_assert_cmpint (involve_record_get_status (g_ptr_array_index (b->versions, 0)), ==,
                   INVOLVE_STATUS_SIGNED_OFF);
}

static void
test_hostile_import_changes_nothing (Fixture       *fixture,
                                     gconstpointer  data)
{
  const char *files[] = { "xxe.xml", "billion-laughs.xml", "external-dtd.xml", "deep-nesting.xml",
                          "bad-utf8.xml", "schema-invalid.xml", "not-well-formed.xml",
                          "utf16.xml", "xinclude.xml" };
  guint audit_before = audit_length (fixture->store);
  guint records_before = record_count (fixture->store);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "xml", files[i], NULL);
      g_autoptr(GError) error = NULL;

      g_assert_false (involve_import_xml (fixture->store, path, NULL, &error));
      g_assert_error (error, INVOLVE_EXPORT_ERROR, error->code);
      g_assert_cmpuint (audit_length (fixture->store), ==, audit_before);
      g_assert_cmpuint (record_count (fixture->store), ==, records_before);
    }
}

static void
test_conflict_never_overwrites (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *path = path_in (fixture, "conflict.xml");
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) involve_exchange_record_free);
  g_autoptr(InvolveRecord) signed_version = NULL;
  g_autoptr(InvolveRecord) forged = NULL;
  g_autoptr(InvolveRecord) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after_fingerprint = NULL;
  InvolveExchangeRecord *record = involve_exchange_record_new ();
  guint audit_before;

  sign_off (fixture);
  signed_version = involve_store_load_record (fixture->store, fixture->uuid, 1, &error);
  before = involve_fingerprint_compute (signed_version);

  /* Another register's version 1 of the same record, with other content and a matching fingerprint. */
  forged = involve_record_copy (signed_version);
  involve_record_set_string (forged, "b1-location", "Somewhere else entirely");
  involve_record_set_status (forged, INVOLVE_STATUS_DRAFT);
  involve_record_set_sign_off (forged, NULL);
  involve_exchange_record_add_version (record, forged);
  g_ptr_array_add (records, record);
  g_assert_true (involve_xml_write_file (records, path, &error));

  audit_before = audit_length (fixture->store);
  g_assert_false (involve_import_xml (fixture->store, path, NULL, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_CONFLICT);
  g_assert_cmpuint (audit_length (fixture->store), ==, audit_before);

  after = involve_store_load_record (fixture->store, fixture->uuid, 1, NULL);
  after_fingerprint = involve_fingerprint_compute (after);
  g_assert_cmpstr (after_fingerprint, ==, before);
  g_assert_cmpint (involve_record_get_status (after), ==, INVOLVE_STATUS_SIGNED_OFF);
}

static void
test_sign_off_by_file (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *request_path = path_in (fixture, "request.xml");
  g_autofree char *response_path = path_in (fixture, "response.xml");
  g_autoptr(InvolveSignOffRequest) request = NULL;
  g_autoptr(InvolveSignOff) decision = reviewer ();
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GPtrArray) keep = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *fingerprint = NULL;
  const InvolveSignOff *block;
  const InvolveAuditEntry *entry;

  g_assert_true (involve_export_sign_off_request (fixture->store, fixture->uuid, request_path, &error));
  g_assert_no_error (error);
  entry = last_entry (fixture->store, &keep);
  g_assert_cmpstr (entry->kind, ==, INVOLVE_AUDIT_EXPORT);
  g_assert_nonnull (strstr (entry->details, "Sign-off request"));
  g_clear_pointer (&keep, g_ptr_array_unref);

  /* On the reviewer's desktop: no register needed. */
  request = involve_sign_off_request_read (request_path, &error);
  g_assert_no_error (error);
  decision->decision = g_strdup ("signed-off");
  g_assert_true (involve_sign_off_response_write (request, decision, reviewer_key (), response_path, &error));
  trust_reviewer (fixture->store);
  g_assert_no_error (error);

  g_assert_true (involve_import_sign_off_response (fixture->store, response_path, &summary, &error));
  g_assert_no_error (error);
  g_test_message ("%s", summary);

  record = involve_store_load_record (fixture->store, fixture->uuid, 0, &error);
  fingerprint = involve_fingerprint_compute (record);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_SIGNED_OFF);
  block = involve_record_get_sign_off (record);
  g_assert_cmpstr (block->reviewer_name, ==, EXPORT_TEST_REVIEWER_NAME);
  g_assert_cmpstr (block->fingerprint, ==, fingerprint);

  entry = last_entry (fixture->store, &keep);
  g_assert_cmpstr (entry->kind, ==, INVOLVE_AUDIT_IMPORT);
  g_assert_nonnull (strstr (entry->details, "signed off by " EXPORT_TEST_REVIEWER_NAME));

  /* The same response twice: the version is signed off already, refused. */
  g_assert_false (involve_import_sign_off_response (fixture->store, response_path, NULL, &error));
  g_assert_nonnull (error);
}

/* A response with its signature cut out (as a hand-written one would be),
 * or answered by an untrusted reviewer: refused, nothing applied, the
 * refusal audited. */
static void
test_sign_off_unsigned_refused (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *request_path = path_in (fixture, "request.xml");
  g_autofree char *response_path = path_in (fixture, "response.xml");
  g_autofree char *unsigned_path = path_in (fixture, "unsigned.xml");
  g_autoptr(InvolveSignOffRequest) request = NULL;
  g_autoptr(InvolveSignOff) decision = reviewer ();
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GPtrArray) keep = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  const InvolveAuditEntry *entry;
  char *start, *end;

  g_assert_true (involve_export_sign_off_request (fixture->store, fixture->uuid, request_path, &error));
  request = involve_sign_off_request_read (request_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (request->act_data);
  decision->decision = g_strdup ("signed-off");
  g_assert_true (involve_sign_off_response_write (request, decision, reviewer_key (), response_path, &error));
  g_assert_no_error (error);

  /* Not trusted (yet) in the officer's register. */
  g_assert_false (involve_import_sign_off_response (fixture->store, response_path, NULL, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_UNTRUSTED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  entry = last_entry (fixture->store, &keep);
  g_assert_cmpstr (entry->kind, ==, INVOLVE_AUDIT_REFUSED);
  g_clear_pointer (&keep, g_ptr_array_unref);

  /* Without its signature. */
  trust_reviewer (fixture->store);
  g_assert_true (g_file_get_contents (response_path, &contents, NULL, NULL));
  start = strstr (contents, "<signed-act>");
  end = strstr (contents, "</signed-act>");
  g_assert_nonnull (start);
  g_assert_nonnull (end);
  memmove (start, end + strlen ("</signed-act>"), strlen (end + strlen ("</signed-act>")) + 1);
  g_assert_true (g_file_set_contents (unsigned_path, contents, -1, NULL));
  g_assert_false (involve_import_sign_off_response (fixture->store, unsigned_path, NULL, &error));
  g_assert_error (error, INVOLVE_STORE_ERROR, INVOLVE_STORE_ERROR_BAD_SIGNATURE);
  g_assert_nonnull (strstr (error->message, "not signed by the reviewer"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  record = involve_store_load_record (fixture->store, fixture->uuid, 0, &error);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);

  /* The signed one, now trusted, is applied. */
  g_assert_true (involve_import_sign_off_response (fixture->store, response_path, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (involve_store_verify (fixture->store, NULL, &error));
  g_assert_no_error (error);
}

static void
test_sign_off_mismatch_refused (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *request_path = path_in (fixture, "request.xml");
  g_autofree char *response_path = path_in (fixture, "response.xml");
  g_autoptr(InvolveSignOffRequest) request = NULL;
  g_autoptr(InvolveSignOff) decision = reviewer ();
  g_autoptr(InvolveRecord) record = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  guint audit_before;

  g_assert_true (involve_export_sign_off_request (fixture->store, fixture->uuid, request_path, &error));
  request = involve_sign_off_request_read (request_path, &error);
  decision->decision = g_strdup ("signed-off");
  g_assert_true (involve_sign_off_response_write (request, decision, reviewer_key (), response_path, &error));
  trust_reviewer (fixture->store);
  g_assert_no_error (error);

  /* Meanwhile the officer took the record back, changed an answer and submitted again. */
  g_assert_true (involve_store_recall (fixture->store, fixture->uuid, &error));
  record = involve_store_load_record (fixture->store, fixture->uuid, 0, &error);
  g_assert_true (involve_store_set_value (fixture->store, record, "b1-location",
                                          g_variant_new_string ("A later answer"), &error));
  g_assert_true (involve_store_submit (fixture->store, fixture->uuid, &problems, &error));
  g_assert_no_error (error);

  audit_before = audit_length (fixture->store);
  g_assert_false (involve_import_sign_off_response (fixture->store, response_path, NULL, &error));
  g_assert_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT);
  g_assert_nonnull (strstr (error->message, "different content"));
  g_assert_cmpuint (audit_length (fixture->store), ==, audit_before);

  g_clear_object (&record);
  record = involve_store_load_record (fixture->store, fixture->uuid, 0, NULL);
  g_assert_cmpint (involve_record_get_status (record), ==, INVOLVE_STATUS_AWAITING_SIGN_OFF);
}

static void
cancel_after_first (guint       done,
                    guint       total,
                    const char *reference,
                    gpointer    user_data)
{
  g_assert_cmpuint (total, ==, 3);
  if (done == 1)
    g_cancellable_cancel (user_data);
}

static void
test_batch_pdfs_cancel (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *second = add_submitted_record (fixture->store);
  g_autofree char *third = add_submitted_record (fixture->store);
  const char *uuids[] = { fixture->uuid, second, third, NULL };
  g_autofree char *out = path_in (fixture, "batch");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  guint n_files = 0;

  g_assert_cmpint (g_mkdir (out, 0700), ==, 0);
  g_assert_false (involve_export_pdfs (fixture->store, export_test_definitions (), uuids, out,
                                       INVOLVE_EVIDENCE_PUBLIC, cancellable, cancel_after_first,
                                       cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  dir = g_dir_open (out, 0, NULL);
  while (g_dir_read_name (dir) != NULL)
    n_files++;
  g_assert_cmpuint (n_files, ==, 1);
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_DIR));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/export/store/pdf-and-check-pdf", test_pdf_and_check);
  ADD ("/export/store/xml-round-trip-into-empty-register", test_xml_round_trip);
  ADD ("/export/store/xml-round-trip-signed-off", test_xml_signed_off_round_trip);
  ADD ("/export/store/xml-imported-trail-travels-a-b-c", test_xml_trail_travels);
  ADD ("/export/store/xml-altered-imported-trail-refused", test_xml_altered_kept_trail_refused);
  ADD ("/export/store/xml-seed-with-imported-trail", test_xml_seed_with_kept_trail);
  ADD ("/export/store/hostile-import-changes-nothing", test_hostile_import_changes_nothing);
  ADD ("/export/store/import-never-overwrites", test_conflict_never_overwrites);
  ADD ("/export/store/sign-off-by-file", test_sign_off_by_file);
  ADD ("/export/store/sign-off-response-for-other-content-refused", test_sign_off_mismatch_refused);
  ADD ("/export/store/sign-off-response-unsigned-or-untrusted-refused", test_sign_off_unsigned_refused);
  ADD ("/export/store/batch-pdfs-can-be-cancelled", test_batch_pdfs_cancel);
#undef ADD

  return g_test_run ();
}
