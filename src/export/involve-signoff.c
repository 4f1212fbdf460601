/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-signoff"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "involve-fingerprint.h"
#include "involve-signoff.h"
#include "involve-exchange-private.h"

void
involve_sign_off_request_free (InvolveSignOffRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->request_id);
  g_free (request->requested_by);
  g_clear_object (&request->version);
  g_free (request->fingerprint);
  g_clear_pointer (&request->act_data, g_bytes_unref);
  g_clear_pointer (&request->act_signature, g_bytes_unref);
  g_clear_object (&request->completer);
  g_free (request);
}

void
involve_sign_off_response_free (InvolveSignOffResponse *response)
{
  if (response == NULL)
    return;

  g_free (response->request_id);
  g_free (response->uuid);
  g_free (response->reference);
  g_free (response->framework_id);
  g_free (response->fingerprint);
  g_clear_pointer (&response->sign_off, involve_sign_off_free);
  g_clear_pointer (&response->act_data, g_bytes_unref);
  g_clear_pointer (&response->act_signature, g_bytes_unref);
  g_clear_object (&response->reviewer);
  g_free (response);
}

static xmlDocPtr
new_document (const char  *root_name,
              xmlNsPtr    *ns_out,
              const char  *request_id,
              gint64       created_usec)
{
  g_autofree char *generator = g_strdup_printf ("Involve %s", PACKAGE_VERSION);
  g_autofree char *created = involve_export_format_usec (created_usec);
  xmlDocPtr doc = xmlNewDoc ((const xmlChar *) "1.0");
  xmlNodePtr root = xmlNewNode (NULL, (const xmlChar *) root_name);
  xmlNsPtr ns = xmlNewNs (root, (const xmlChar *) INVOLVE_XML_NAMESPACE, NULL);

  xmlSetNs (root, ns);
  xmlDocSetRootElement (doc, root);
  xmlNewProp (root, (const xmlChar *) "format-version", (const xmlChar *) INVOLVE_XML_FORMAT_VERSION);
  xmlNewProp (root, (const xmlChar *) "generator", (const xmlChar *) generator);
  xmlNewProp (root, (const xmlChar *) "request-id", (const xmlChar *) request_id);
  xmlNewProp (root, (const xmlChar *) "created", (const xmlChar *) created);
  *ns_out = ns;
  return doc;
}

static void
set_identity (xmlNodePtr     node,
              InvolveRecord *version)
{
  xmlNewProp (node, (const xmlChar *) "uuid", (const xmlChar *) involve_record_get_uuid (version));
  xmlNewProp (node, (const xmlChar *) "reference",
              (const xmlChar *) involve_record_get_reference (version));
  xmlNewProp (node, (const xmlChar *) "framework",
              (const xmlChar *) involve_record_get_framework_id (version));
}

static gboolean
write_document (xmlDocPtr    doc,
                const char  *path,
                GError     **error)
{
  g_autoptr(GBytes) bytes = _involve_exchange_dump (doc, error);

  return bytes != NULL && involve_export_write_atomically (path, bytes, error);
}

static void
add_base64 (xmlNodePtr  parent,
            xmlNsPtr    ns,
            const char *name,
            GBytes     *bytes)
{
  gsize size = 0;
  const guchar *data = g_bytes_get_data (bytes, &size);
  g_autofree char *text = g_base64_encode (data, size);

  xmlNewTextChild (parent, ns, (const xmlChar *) name, (const xmlChar *) text);
}

static void
add_signed_act (xmlNodePtr          root,
                xmlNsPtr            ns,
                GBytes             *data,
                GBytes             *signature,
                InvolveCertificate *certificate)
{
  xmlNodePtr node = xmlNewChild (root, ns, (const xmlChar *) "signed-act", NULL);

  add_base64 (node, ns, "act", data);
  add_base64 (node, ns, "signature", signature);
  add_base64 (node, ns, "certificate", involve_certificate_get_der (certificate));
}

static GBytes *
read_base64 (xmlNodePtr  parent,
             const char *name)
{
  xmlNodePtr node = _involve_exchange_child (parent, name);
  g_autofree char *text = node != NULL ? _involve_exchange_text (node) : NULL;
  gsize size = 0;
  guchar *data;

  if (text == NULL)
    return NULL;
  data = g_base64_decode (g_strstrip (text), &size);
  return g_bytes_new_take (data, size);
}

/* The <signed-act> of @root, if any; FALSE only when it is damaged. */
static gboolean
read_signed_act (xmlNodePtr           root,
                 const char          *name,
                 GBytes             **data,
                 GBytes             **signature,
                 InvolveCertificate **certificate,
                 GError             **error)
{
  xmlNodePtr node = _involve_exchange_child (root, "signed-act");
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GError) local = NULL;

  if (node == NULL)
    return TRUE;
  *data = read_base64 (node, "act");
  *signature = read_base64 (node, "signature");
  der = read_base64 (node, "certificate");
  if (der != NULL)
    *certificate = involve_certificate_new_from_data (der, &local);
  if (*data == NULL || *signature == NULL || *certificate == NULL)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                   _("The signature in “%s” is damaged: %s"), name,
                   local != NULL ? local->message : _("a part is missing"));
      return FALSE;
    }
  return TRUE;
}

gboolean
involve_sign_off_request_write (InvolveRecord  *version,
                                const char     *requested_by,
                                const char     *path,
                                char          **request_id_out,
                                GError        **error)
{
  return involve_sign_off_request_write_signed (version, requested_by, NULL, NULL, NULL,
                                                path, request_id_out, error);
}

gboolean
involve_sign_off_request_write_signed (InvolveRecord      *version,
                                       const char         *requested_by,
                                       GBytes             *act_data,
                                       GBytes             *act_signature,
                                       InvolveCertificate *completer,
                                       const char         *path,
                                       char              **request_id_out,
                                       GError            **error)
{
  g_autofree char *request_id = g_uuid_string_random ();
  g_autofree char *fingerprint = NULL;
  xmlDocPtr doc;
  xmlNsPtr ns;
  xmlNodePtr record;
  gboolean ok;

  g_return_val_if_fail (INVOLVE_IS_RECORD (version), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (involve_record_get_status (version) != INVOLVE_STATUS_AWAITING_SIGN_OFF)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                   _("Version %u of %s is “%s”: only a version awaiting sign-off can be sent "
                     "to a reviewer. Submit it for sign-off first."),
                   involve_record_get_version (version), involve_record_get_reference (version),
                   involve_status_get_label (involve_record_get_status (version)));
      return FALSE;
    }

  fingerprint = involve_fingerprint_compute (version);
  doc = new_document ("sign-off-request", &ns, request_id, g_get_real_time ());
  if (requested_by != NULL && *requested_by != '\0')
    xmlNewTextChild (xmlDocGetRootElement (doc), ns, (const xmlChar *) "requested-by",
                     (const xmlChar *) requested_by);
  record = xmlNewChild (xmlDocGetRootElement (doc), ns, (const xmlChar *) "record", NULL);
  set_identity (record, version);

  ok = _involve_exchange_add_version (record, ns, version, fingerprint, error);
  if (ok && act_data != NULL && act_signature != NULL && completer != NULL)
    add_signed_act (xmlDocGetRootElement (doc), ns, act_data, act_signature, completer);
  ok = ok && write_document (doc, path, error);
  xmlFreeDoc (doc);

  if (ok && request_id_out != NULL)
    *request_id_out = g_steal_pointer (&request_id);
  return ok;
}

static xmlDocPtr
parse_kind (GBytes      *data,
            const char  *name,
            const char  *root_name,
            GError     **error)
{
  xmlDocPtr doc = _involve_exchange_parse_safely (data, name, error);
  xmlNodePtr root;

  if (doc == NULL)
    return NULL;

  root = xmlDocGetRootElement (doc);
  if (!xmlStrEqual (root->name, (const xmlChar *) root_name))
    {
      if (g_str_equal (root_name, "sign-off-request"))
        g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                     _("“%s” is not a sign-off request (it is an Involve “%s” file)."), name,
                     (const char *) root->name);
      else
        g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                     _("“%s” is not a sign-off response (it is an Involve “%s” file)."), name,
                     (const char *) root->name);
      xmlFreeDoc (doc);
      return NULL;
    }
  return doc;
}

/* The attributes new_document () puts on the root of both kinds of file. */
static void
read_root_attributes (xmlNodePtr   root,
                      char       **request_id,
                      gint64      *created_usec)
{
  g_autofree char *created = _involve_exchange_prop (root, "created");

  *request_id = _involve_exchange_prop (root, "request-id");
  if (!involve_export_parse_usec (created, created_usec))
    *created_usec = 0;
}

InvolveSignOffRequest *
involve_sign_off_request_parse (GBytes      *data,
                                const char  *name,
                                GError     **error)
{
  g_autoptr(InvolveSignOffRequest) request = g_new0 (InvolveSignOffRequest, 1);
  g_autofree char *uuid = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *framework_id = NULL;
  xmlDocPtr doc;
  xmlNodePtr root, record;

  g_return_val_if_fail (data != NULL, NULL);

  doc = parse_kind (data, name, "sign-off-request", error);
  if (doc == NULL)
    return NULL;

  root = xmlDocGetRootElement (doc);
  record = _involve_exchange_child (root, "record");
  read_root_attributes (root, &request->request_id, &request->created_usec);
  if (_involve_exchange_child (root, "requested-by") != NULL)
    request->requested_by = _involve_exchange_text (_involve_exchange_child (root, "requested-by"));

  uuid = _involve_exchange_prop (record, "uuid");
  reference = _involve_exchange_prop (record, "reference");
  framework_id = _involve_exchange_prop (record, "framework");
  request->version = _involve_exchange_read_version (_involve_exchange_child (record, "version"), uuid,
                                                reference, framework_id, &request->fingerprint,
                                                error);
  if (request->version != NULL &&
      !read_signed_act (root, name, &request->act_data, &request->act_signature,
                        &request->completer, error))
    g_clear_object (&request->version);
  xmlFreeDoc (doc);

  if (request->version == NULL)
    return NULL;

  if (involve_record_get_status (request->version) != INVOLVE_STATUS_AWAITING_SIGN_OFF)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                   _("“%s” asks for a decision on a version that is not awaiting sign-off."), name);
      return NULL;
    }

  return g_steal_pointer (&request);
}

InvolveSignOffRequest *
involve_sign_off_request_read (const char  *path,
                               GError     **error)
{
  g_autoptr(GBytes) bytes = involve_export_read_file (path, error);

  return bytes != NULL ? involve_sign_off_request_parse (bytes, path, error) : NULL;
}

static gboolean
same_text (const char *a,
           const char *b)
{
  g_autofree char *trimmed_a = NULL;
  g_autofree char *trimmed_b = NULL;
  g_autofree char *folded_a = NULL;
  g_autofree char *folded_b = NULL;

  if (involve_text_is_blank (a) || involve_text_is_blank (b))
    return FALSE;
  trimmed_a = g_strstrip (g_strdup (a));
  trimmed_b = g_strstrip (g_strdup (b));
  folded_a = g_utf8_casefold (trimmed_a, -1);
  folded_b = g_utf8_casefold (trimmed_b, -1);
  return g_str_equal (folded_a, folded_b);
}

gboolean
involve_sign_off_response_write (const InvolveSignOffRequest *request,
                                 const InvolveSignOff        *decision,
                                 InvolveIdentity             *reviewer,
                                 const char                  *path,
                                 GError                     **error)
{
  g_autoptr(InvolveSignOff) sign_off = NULL;
  g_autoptr(InvolveAct) request_act = NULL;
  g_autoptr(InvolveAct) act = NULL;
  g_autoptr(GBytes) act_data = NULL;
  g_autoptr(GBytes) act_signature = NULL;
  g_autoptr(GError) local = NULL;
  InvolveCertificate *certificate;
  g_autofree char *version_text = NULL;
  xmlDocPtr doc;
  xmlNsPtr ns;
  xmlNodePtr subject;
  gboolean ok;

  g_return_val_if_fail (request != NULL, FALSE);
  g_return_val_if_fail (decision != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (g_strcmp0 (decision->decision, "signed-off") != 0 &&
      g_strcmp0 (decision->decision, "returned") != 0)
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                   _("The decision must be “signed-off” or “returned”, not “%s”."),
                   decision->decision != NULL ? decision->decision : "");
      return FALSE;
    }
  if (involve_text_is_blank (decision->reviewer_name))
    {
      g_set_error_literal (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                           _("The reviewer’s name is required."));
      return FALSE;
    }
  if (g_str_equal (decision->decision, "returned") && involve_text_is_blank (decision->comments))
    {
      g_set_error_literal (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                           _("Say why the record is returned: comments are required."));
      return FALSE;
    }
  if (same_text (decision->reviewer_name,
                 involve_record_get_string (request->version, "completer-name")) ||
      same_text (decision->reviewer_email,
                 involve_record_get_string (request->version, "completer-email")))
    {
      g_set_error_literal (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                           _("The reviewer must be a different person from the one who "
                             "completed the record."));
      return FALSE;
    }

  if (reviewer == NULL)
    {
      g_set_error_literal (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                           _("Signing off needs your signing key. Create one in Preferences or with “involve-cli key create”, then unlock it."));
      return FALSE;
    }
  certificate = involve_identity_get_certificate (reviewer);
  if (request->act_data == NULL || request->completer == NULL)
    {
      g_set_error_literal (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                           _("The request is not signed by the officer who submitted the record, so nobody can tell who asked. Ask for a new request from a current version of Involve."));
      return FALSE;
    }
  request_act = involve_act_verify (request->act_data, request->act_signature, request->completer, &local);
  if (request_act == NULL ||
      g_strcmp0 (request_act->act, INVOLVE_ACT_SUBMIT) != 0 ||
      g_strcmp0 (request_act->record_uuid, involve_record_get_uuid (request->version)) != 0 ||
      request_act->version != involve_record_get_version (request->version) ||
      !involve_fingerprint_equal (request_act->fingerprint, request->fingerprint))
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT,
                   _("The officer’s signature on the request does not match what it asks you to decide on (%s): do not decide on it, ask for a new request."),
                   local != NULL ? local->message : _("another record, version or content"));
      return FALSE;
    }
  if (involve_certificate_equal (certificate, request->completer))
    {
      g_set_error_literal (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID,
                           _("This request was submitted with your own signing key: the reviewer must be a different person from the one who completed the record."));
      return FALSE;
    }

  sign_off = involve_sign_off_copy (decision);
  g_free (sign_off->fingerprint);
  sign_off->fingerprint = g_strdup (request->fingerprint);
  sign_off->decided_at_usec = g_get_real_time ();
  if (involve_text_is_blank (sign_off->date))
    {
      g_autoptr(GDateTime) today = g_date_time_new_now_local ();

      g_free (sign_off->date);
      sign_off->date = g_date_time_format (today, "%Y-%m-%d");
    }

  act = involve_act_new_response (request_act, request->act_signature, sign_off, certificate,
                                  sign_off->decided_at_usec);
  act_data = involve_act_serialise (act);
  act_signature = involve_identity_sign (reviewer, act_data, error);
  if (act_signature == NULL)
    return FALSE;
  /* What the XML shows is what was signed. */
  g_free (sign_off->reviewer_name);
  sign_off->reviewer_name = g_strdup (act->reviewer_name);
  g_free (sign_off->reviewer_email);
  sign_off->reviewer_email = g_strdup (act->reviewer_email);

  doc = new_document ("sign-off-response", &ns, request->request_id, sign_off->decided_at_usec);
  subject = xmlNewChild (xmlDocGetRootElement (doc), ns, (const xmlChar *) "subject", NULL);
  set_identity (subject, request->version);
  version_text = g_strdup_printf ("%u", involve_record_get_version (request->version));
  xmlNewProp (subject, (const xmlChar *) "version", (const xmlChar *) version_text);
  xmlNewProp (subject, (const xmlChar *) "fingerprint", (const xmlChar *) request->fingerprint);
  _involve_exchange_add_sign_off (xmlDocGetRootElement (doc), ns, sign_off);
  add_signed_act (xmlDocGetRootElement (doc), ns, act_data, act_signature, certificate);

  ok = write_document (doc, path, error);
  xmlFreeDoc (doc);
  return ok;
}

InvolveSignOffResponse *
involve_sign_off_response_parse (GBytes      *data,
                                 const char  *name,
                                 GError     **error)
{
  g_autoptr(InvolveSignOffResponse) response = g_new0 (InvolveSignOffResponse, 1);
  g_autofree char *version = NULL;
  guint64 number = 0;
  xmlDocPtr doc;
  xmlNodePtr root, subject;

  g_return_val_if_fail (data != NULL, NULL);

  doc = parse_kind (data, name, "sign-off-response", error);
  if (doc == NULL)
    return NULL;

  root = xmlDocGetRootElement (doc);
  subject = _involve_exchange_child (root, "subject");
  read_root_attributes (root, &response->request_id, &response->created_usec);
  response->uuid = _involve_exchange_prop (subject, "uuid");
  response->reference = _involve_exchange_prop (subject, "reference");
  response->framework_id = _involve_exchange_prop (subject, "framework");
  response->fingerprint = _involve_exchange_prop (subject, "fingerprint");
  version = _involve_exchange_prop (subject, "version");
  if (!g_ascii_string_to_unsigned (version, 10, 1, G_MAXUINT, &number, NULL))
    number = 0;
  response->version = (guint) number;
  response->sign_off = _involve_exchange_read_sign_off (_involve_exchange_child (root, "sign-off"), error);
  if (response->sign_off != NULL &&
      !read_signed_act (root, name, &response->act_data, &response->act_signature,
                        &response->reviewer, error))
    g_clear_pointer (&response->sign_off, involve_sign_off_free);
  xmlFreeDoc (doc);

  if (response->sign_off == NULL)
    return NULL;

  if (response->version == 0 ||
      !involve_fingerprint_equal (response->sign_off->fingerprint, response->fingerprint))
    {
      g_set_error (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_FINGERPRINT,
                   _("“%s” is inconsistent: the decision names another fingerprint than the "
                     "version it answers."), name);
      return NULL;
    }

  return g_steal_pointer (&response);
}

InvolveSignOffResponse *
involve_sign_off_response_read (const char  *path,
                                GError     **error)
{
  g_autoptr(GBytes) bytes = involve_export_read_file (path, error);

  return bytes != NULL ? involve_sign_off_response_parse (bytes, path, error) : NULL;
}
