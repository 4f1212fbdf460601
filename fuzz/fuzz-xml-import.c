/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for everything that reads Involve XML files: the
 * exchange format and the sign-off request and response.  Whatever is
 * accepted must write out again and read back with the same fingerprints.
 *
 *   CC=clang meson setup _fuzz -Dfuzzing=true && ninja -C _fuzz
 *   _fuzz/fuzz/fuzz-xml-import -max_total_time=300 -max_len=65536 \
 *       fuzz/corpus-run fuzz/corpus/xml-import
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <libxml/parser.h>

#include "involve-signoff.h"
#include "involve-xml.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
silence (const char     *log_domain,
         GLogLevelFlags  log_level,
         const char     *message,
         gpointer        user_data)
{
}

static void
check_round_trip (GPtrArray *records)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = involve_xml_serialise (records, &error);
  g_autoptr(GPtrArray) again = NULL;

  /* A file that contains control characters in values can be read but not written. */
  if (bytes == NULL)
    {
      if (!g_error_matches (error, INVOLVE_EXPORT_ERROR, INVOLVE_EXPORT_ERROR_INVALID))
        abort ();
      return;
    }

  again = involve_xml_parse (bytes, "round trip", &error);
  if (again == NULL || again->len != records->len)
    abort ();

  for (guint i = 0; i < records->len; i++)
    {
      InvolveExchangeRecord *a = g_ptr_array_index (records, i);
      InvolveExchangeRecord *b = g_ptr_array_index (again, i);

      if (a->fingerprints->len != b->fingerprints->len || a->audit->len != b->audit->len ||
          a->imported_trails->len != b->imported_trails->len)
        abort ();
      for (guint j = 0; j < a->imported_trails->len; j++)
        {
          InvolveImportedTrail *ta = g_ptr_array_index (a->imported_trails, j);
          InvolveImportedTrail *tb = g_ptr_array_index (b->imported_trails, j);
          g_autofree char *da = involve_imported_trail_compute_digest (ta);
          g_autofree char *db = involve_imported_trail_compute_digest (tb);

          /* Written out and read back, a kept trail must be the same trail. */
          if (ta->import_id != tb->import_id || g_strcmp0 (da, db) != 0)
            abort ();
        }
      for (guint j = 0; j < a->fingerprints->len; j++)
        if (g_strcmp0 (g_ptr_array_index (a->fingerprints, j), g_ptr_array_index (b->fingerprints, j)) != 0)
          abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialised = FALSE;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  InvolveSignOffRequest *request;
  InvolveSignOffResponse *response;

  if (!initialised)
    {
      g_log_set_default_handler (silence, NULL);
      initialised = TRUE;
    }

  bytes = g_bytes_new_static (data, size);

  records = involve_xml_parse (bytes, "fuzz", &error);
  if (records != NULL)
    check_round_trip (records);
  else if (error == NULL || error->domain != INVOLVE_EXPORT_ERROR)
    abort ();
  g_clear_error (&error);

  request = involve_sign_off_request_parse (bytes, "fuzz", &error);
  if (request == NULL && (error == NULL || error->domain != INVOLVE_EXPORT_ERROR))
    abort ();
  involve_sign_off_request_free (request);
  g_clear_error (&error);

  response = involve_sign_off_response_parse (bytes, "fuzz", &error);
  if (response == NULL && (error == NULL || error->domain != INVOLVE_EXPORT_ERROR))
    abort ();
  involve_sign_off_response_free (response);

  return 0;
}
