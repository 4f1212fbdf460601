/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for the PostgreSQL engine's SQL rewriter: whatever
 * text comes in, it is rewritten or refused with a message, never a
 * crash, and what comes out is consistent (every name found again under
 * its own number, no number beyond the highest).
 *
 *   CC=clang meson setup _fuzz -Dfuzzing=true && ninja -C _fuzz
 *   _fuzz/fuzz/fuzz-pg-placeholders -max_total_time=300 -max_len=4096 \
 *       fuzz/corpus-run fuzz/corpus/pg-placeholders
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "involve-db-pg-sql.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *sql = g_strndup ((const char *) data, size);
  g_autofree char *message = NULL;
  g_autoptr(InvolveDbPgSql) parsed = _involve_db_pg_sql_rewrite (sql, &message);
  g_autoptr(GPtrArray) statements = _involve_db_pg_sql_split (sql);

  for (guint i = 0; i < statements->len; i++)
    {
      InvolveDbPgStmtKind kind = _involve_db_pg_sql_classify (g_ptr_array_index (statements, i));

      if (kind < INVOLVE_DB_PG_STMT_OTHER || kind > INVOLVE_DB_PG_STMT_TRANSACTION)
        abort ();
      if (*(const char *) g_ptr_array_index (statements, i) == '\0')
        abort ();
    }

  if (parsed == NULL)
    {
      if (message == NULL || *message == '\0')
        abort ();
      return 0;
    }
  if (message != NULL || parsed->sql == NULL)
    abort ();
  if (parsed->n_params < 0 || parsed->n_params > INVOLVE_DB_PG_MAX_PARAMS)
    abort ();
  /* Without parameters nothing is rewritten. */
  if (parsed->n_params == 0 && strcmp (parsed->sql, sql) != 0)
    abort ();
  if (parsed->n_params > 0 && !parsed->used[parsed->n_params])
    abort ();
  for (int i = 1; i <= parsed->n_params; i++)
    {
      if (parsed->used[i] > 1)
        abort ();
      if (parsed->names[i] != NULL &&
          _involve_db_pg_sql_param_index (parsed, parsed->names[i]) != i)
        abort ();
    }
  return 0;
}
