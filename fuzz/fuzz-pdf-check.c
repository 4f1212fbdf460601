/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for check-pdf's reader: whatever bytes come in, a
 * signed evidence PDF is read or refused with an error, never a crash.
 * What it accepts must be whole: a signer, a fingerprint, a reference.
 *
 *   CC=clang meson setup _fuzz -Dfuzzing=true && ninja -C _fuzz
 *   _fuzz/fuzz/fuzz-pdf-check -max_total_time=300 -max_len=65536 \
 *       fuzz/corpus-run fuzz/corpus/pdf-check
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "involve-pdf-sign.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(InvolvePdfSignature) signature = involve_pdf_signature_read (bytes, "fuzz.pdf", &error);

  if (signature == NULL)
    {
      if (error == NULL || error->domain != INVOLVE_PDF_SIGN_ERROR)
        abort ();
      return 0;
    }
  if (error != NULL || signature->signer_der == NULL || signature->signer_fingerprint == NULL ||
      signature->reference == NULL || signature->fingerprint == NULL || signature->version == 0)
    abort ();
  return 0;
}
