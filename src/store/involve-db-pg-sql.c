/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "involve-db"
#include "config.h"

#include <string.h>

#include "involve-db-pg-sql.h"

/* A small lexer that knows just enough of PostgreSQL's to tell where
 * literals, quoted names and comments start and end.  Its messages are
 * SQLite-style diagnostics for programmers, not translated. */

static gboolean
is_ident_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '$' || (guchar) c >= 0x80;
}

static gboolean
is_ident_start (char c)
{
  return g_ascii_isalpha (c) || c == '_' || (guchar) c >= 0x80;
}

/* Where a dollar quote's opening tag ("$$" or "$tag$") at @p ends, or NULL. */
static const char *
dollar_tag_end (const char *p)
{
  const char *q = p + 1;

  if (*q == '$')
    return q + 1;
  if (!is_ident_start (*q))
    return NULL;
  while (is_ident_char (*q) && *q != '$')
    q++;
  return *q == '$' ? q + 1 : NULL;
}

/* If @p (in @start) starts a literal, quoted identifier or comment, the
 * position just after it; NULL if it starts none.  *@unterminated is set
 * when it runs to the end of the text. */
static const char *
skip_quoted (const char *start,
             const char *p,
             gboolean   *unterminated)
{
  gboolean prev_ident = p > start && is_ident_char (p[-1]);

  *unterminated = FALSE;

  if (p[0] == '-' && p[1] == '-')
    {
      const char *end = strchr (p, '\n');
      return end != NULL ? end + 1 : p + strlen (p);
    }
  if (p[0] == '/' && p[1] == '*')
    {
      /* PostgreSQL's block comments nest. */
      int depth = 1;

      p += 2;
      while (*p != '\0')
        {
          if (p[0] == '/' && p[1] == '*')
            depth++, p += 2;
          else if (p[0] == '*' && p[1] == '/')
            {
              p += 2;
              if (--depth == 0)
                return p;
            }
          else
            p++;
        }
      *unterminated = TRUE;
      return p;
    }
  if (*p == '\'' || *p == '"' ||
      ((*p == 'E' || *p == 'e') && p[1] == '\'' && !prev_ident))
    {
      gboolean backslashes = *p == 'E' || *p == 'e';
      char quote;

      if (backslashes)
        p++;
      quote = *p++;
      while (*p != '\0')
        {
          if (backslashes && *p == '\\' && p[1] != '\0')
            p += 2;
          else if (*p == quote && p[1] == quote)
            p += 2;
          else if (*p == quote)
            return p + 1;
          else
            p++;
        }
      *unterminated = TRUE;
      return p;
    }
  if (*p == '$' && !prev_ident)
    {
      const char *tag_end = dollar_tag_end (p);
      const char *close;
      g_autofree char *tag = NULL;

      if (tag_end == NULL)
        return NULL;
      tag = g_strndup (p, tag_end - p);
      close = strstr (tag_end, tag);
      if (close == NULL)
        {
          *unterminated = TRUE;
          return tag_end + strlen (tag_end);
        }
      return close + strlen (tag);
    }
  return NULL;
}

void
_involve_db_pg_sql_free (InvolveDbPgSql *parsed)
{
  if (parsed == NULL)
    return;
  g_free (parsed->sql);
  if (parsed->names != NULL)
    for (int i = 0; i <= parsed->n_params; i++)
      g_free (parsed->names[i]);
  g_free (parsed->names);
  g_free (parsed->used);
  g_free (parsed);
}

/* Gives @name the number @index in @names (grown as needed). */
static void
name_param (GPtrArray  *names,
            int         index,
            const char *name)
{
  while ((int) names->len <= index)
    g_ptr_array_add (names, NULL);
  if (g_ptr_array_index (names, index) == NULL && name != NULL)
    g_ptr_array_index (names, index) = g_strdup (name);
}

static int
find_name (GPtrArray  *names,
           const char *name)
{
  for (guint i = 1; i < names->len; i++)
    if (g_strcmp0 (g_ptr_array_index (names, i), name) == 0)
      return (int) i;
  return 0;
}

/* 2 for a number the SQL uses; grown with zeros (unused) as needed. */
static void
mark_used (GByteArray *used,
           int         index)
{
  guint8 zero = 0;

  while ((int) used->len <= index)
    g_byte_array_append (used, &zero, 1);
  used->data[index] = 2;
}

static void
append_param (GString *out,
              int      index,
              char     next)
{
  /* "x$1" would be one identifier to PostgreSQL, and "$1x" junk. */
  if (out->len > 0 && is_ident_char (out->str[out->len - 1]))
    g_string_append_c (out, ' ');
  g_string_append_printf (out, "$%d", index);
  if (is_ident_char (next))
    g_string_append_c (out, ' ');
}

InvolveDbPgSql *
_involve_db_pg_sql_rewrite (const char  *sql,
                            char       **errmsg)
{
  g_autoptr(GString) out = g_string_sized_new (strlen (sql) + 16);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  InvolveDbPgSql *parsed;
  g_autoptr(GByteArray) used_array = g_byte_array_new ();
  g_autofree guint8 *used = NULL;
  const char *p = sql;
  int highest = 0;

  g_return_val_if_fail (sql != NULL, NULL);

  if (errmsg != NULL)
    *errmsg = NULL;
  g_ptr_array_add (names, NULL);   /* no parameter 0 */

  while (*p != '\0')
    {
      gboolean unterminated;
      const char *end = skip_quoted (sql, p, &unterminated);

      if (end != NULL)
        {
          if (unterminated)
            {
              if (errmsg != NULL)
                *errmsg = g_strdup_printf ("unterminated quoted text or comment near \"%.20s\"", p);
              return NULL;
            }
          g_string_append_len (out, p, end - p);
          p = end;
          continue;
        }

      if (*p == ':' && p[1] == ':')
        {
          /* A cast, and the type name after it is not a parameter. */
          g_string_append (out, "::");
          p += 2;
          continue;
        }

      if (*p == '?')
        {
          int index;

          if (g_ascii_isdigit (p[1]))
            {
              const char *digits = p + 1;
              const char *q = digits;
              g_autofree char *name = NULL;
              guint64 number = 0;

              while (g_ascii_isdigit (*q) && number <= INVOLVE_DB_PG_MAX_PARAMS)
                number = number * 10 + (guint64) (*q++ - '0');
              if (number < 1 || number > INVOLVE_DB_PG_MAX_PARAMS || g_ascii_isdigit (*q))
                {
                  if (errmsg != NULL)
                    *errmsg = g_strdup_printf ("variable number must be between ?1 and ?%d",
                                               INVOLVE_DB_PG_MAX_PARAMS);
                  return NULL;
                }
              index = (int) number;
              name = g_strndup (p, q - p);
              name_param (names, index, name);
              p = q;
            }
          else
            {
              index = highest + 1;
              p++;
            }
          if (index > INVOLVE_DB_PG_MAX_PARAMS)
            {
              if (errmsg != NULL)
                *errmsg = g_strdup ("too many SQL variables");
              return NULL;
            }
          highest = MAX (highest, index);
          name_param (names, index, NULL);
          mark_used (used_array, index);
          append_param (out, index, *p);
          continue;
        }

      if ((*p == ':' || *p == '@' || *p == '$') && is_ident_char (p[1]) && p[1] != '$' &&
          !(*p == '$' && p > sql && is_ident_char (p[-1])))
        {
          const char *q = p + 1;
          g_autofree char *name = NULL;
          int index;

          while (is_ident_char (*q) && *q != '$')
            q++;
          name = g_strndup (p, q - p);
          index = find_name (names, name);
          if (index == 0)
            {
              index = highest + 1;
              if (index > INVOLVE_DB_PG_MAX_PARAMS)
                {
                  if (errmsg != NULL)
                    *errmsg = g_strdup ("too many SQL variables");
                  return NULL;
                }
              highest = index;
              name_param (names, index, name);
            }
          mark_used (used_array, index);
          append_param (out, index, *q);
          p = q;
          continue;
        }

      /* A whole identifier or number at once, so that "e'" inside a name
       * and "$" inside one are seen for what they are. */
      if (is_ident_char (*p))
        {
          const char *q = p;

          while (is_ident_char (*q))
            q++;
          /* Ends just before a quote that starts an E'' string? Not
           * possible: "e" followed by a quote inside a name is that name
           * followed by a literal, as in PostgreSQL. */
          g_string_append_len (out, p, q - p);
          p = q;
          continue;
        }

      g_string_append_c (out, *p++);
    }

  name_param (names, highest, NULL);
  if (used_array->len == 0)
    g_byte_array_set_size (used_array, 1);
  used = g_byte_array_free (g_steal_pointer (&used_array), FALSE);
  used[0] = 0;
  for (int i = 1; i <= highest; i++)
    used[i] = used[i] == 2;
  parsed = g_new0 (InvolveDbPgSql, 1);
  parsed->n_params = highest;
  parsed->used = g_steal_pointer (&used);
  parsed->sql = g_string_free (g_steal_pointer (&out), FALSE);
  g_ptr_array_set_free_func (names, NULL);
  parsed->names = (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
  return parsed;
}

int
_involve_db_pg_sql_param_index (const InvolveDbPgSql *parsed,
                                const char           *name)
{
  if (parsed == NULL || name == NULL)
    return 0;
  for (int i = 1; i <= parsed->n_params; i++)
    if (g_strcmp0 (parsed->names[i], name) == 0)
      return i;
  return 0;
}

GPtrArray *
_involve_db_pg_sql_split (const char *sql)
{
  GPtrArray *statements = g_ptr_array_new_with_free_func (g_free);
  const char *start = sql;
  const char *p = sql;

  for (;;)
    {
      gboolean unterminated;
      const char *end = *p != '\0' ? skip_quoted (sql, p, &unterminated) : NULL;

      if (end != NULL)
        {
          p = end;
          continue;
        }
      if (*p == ';' || *p == '\0')
        {
          g_autofree char *one = g_strstrip (g_strndup (start, p - start));

          if (*one != '\0')
            g_ptr_array_add (statements, g_steal_pointer (&one));
          if (*p == '\0')
            break;
          start = ++p;
          continue;
        }
      /* Names whole, so "$" inside one never starts a dollar quote. */
      if (is_ident_char (*p))
        {
          while (is_ident_char (*p))
            p++;
          continue;
        }
      p++;
    }
  return statements;
}

/* The next word of @p in upper case, skipping space and comments. */
static char *
next_word (const char **p)
{
  const char *q = *p;
  const char *start;

  for (;;)
    {
      gboolean unterminated;
      const char *end;

      while (g_ascii_isspace (*q))
        q++;
      if ((q[0] == '-' && q[1] == '-') || (q[0] == '/' && q[1] == '*'))
        {
          end = skip_quoted (q, q, &unterminated);
          q = end;
          continue;
        }
      break;
    }
  start = q;
  while (g_ascii_isalpha (*q) || *q == '_')
    q++;
  *p = q;
  return g_ascii_strup (start, q - start);
}

InvolveDbPgStmtKind
_involve_db_pg_sql_classify (const char *statement)
{
  const char *p = statement;
  g_autofree char *first = next_word (&p);

  if (g_str_equal (first, "BEGIN"))
    {
      g_autofree char *second = next_word (&p);

      if (g_str_equal (second, "IMMEDIATE") || g_str_equal (second, "EXCLUSIVE"))
        return INVOLVE_DB_PG_STMT_BEGIN_IMMEDIATE;
      if (g_str_equal (second, "DEFERRED") || g_str_equal (second, "TRANSACTION") ||
          *second == '\0')
        return INVOLVE_DB_PG_STMT_BEGIN;
      /* PostgreSQL's own BEGIN ISOLATION LEVEL ... passes as it is. */
      return INVOLVE_DB_PG_STMT_TRANSACTION;
    }
  if (g_str_equal (first, "START") || g_str_equal (first, "COMMIT") ||
      g_str_equal (first, "END") || g_str_equal (first, "ROLLBACK") ||
      g_str_equal (first, "ABORT") || g_str_equal (first, "SAVEPOINT") ||
      g_str_equal (first, "RELEASE"))
    return INVOLVE_DB_PG_STMT_TRANSACTION;
  if (g_str_equal (first, "SET") || g_str_equal (first, "PREPARE"))
    {
      g_autofree char *second = next_word (&p);

      /* SET TRANSACTION must not run in a savepoint; nor PREPARE TRANSACTION. */
      if (g_str_equal (second, "TRANSACTION"))
        return INVOLVE_DB_PG_STMT_TRANSACTION;
    }
  return INVOLVE_DB_PG_STMT_OTHER;
}
