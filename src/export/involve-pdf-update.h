/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The one small PDF reader and incremental-update writer of the evidence
 * PDF: marking cairo's output as tagged, adding the register head, and
 * signing all append to a finished file this way (PDF 1.7, 7.5.6).
 *
 * It reads classic cross-reference tables, trailers and dictionaries,
 * which is all cairo writes and all we append.  Every offset read from
 * the file is checked against its length, nesting is bounded, and
 * anything else (xref streams, broken tables) is refused, never guessed
 * at: the input may be hostile.  Nothing here sets a GError: each caller
 * says in its own words what a refusal means.
 */

#define INVOLVE_PDF_MAX_DEPTH    32
#define INVOLVE_PDF_MAX_SECTIONS 64
#define INVOLVE_PDF_MAX_OBJECTS  10000000

typedef struct
{
  const char *data;
  gsize       len;
} InvolvePdf;

/* Bytes [start, end) of an InvolvePdf. */
typedef struct
{
  gsize start;
  gsize end;
} InvolvePdfSpan;

/* Lexical */
gboolean     _involve_pdf_is_space      (char               c);
gsize        _involve_pdf_skip_space    (const InvolvePdf  *pdf,
                                         gsize              p);
gsize        _involve_pdf_token_end     (const InvolvePdf  *pdf,
                                         gsize              p);
gboolean     _involve_pdf_match         (const InvolvePdf  *pdf,
                                         gsize              p,
                                         const char        *word);
gboolean     _involve_pdf_parse_uint    (const InvolvePdf  *pdf,
                                         gsize              start,
                                         gsize              end,
                                         guint64           *out);
/* Moves *p past one object (and "N G R" as one); FALSE when malformed. */
gboolean     _involve_pdf_skip_object   (const InvolvePdf  *pdf,
                                         gsize             *p,
                                         int                depth);
/* The value of /KEY at the top level of the dictionary starting at @dict. */
gboolean     _involve_pdf_dict_find     (const InvolvePdf  *pdf,
                                         gsize              dict,
                                         const char        *key,
                                         InvolvePdfSpan    *value);
gboolean     _involve_pdf_dict_get_uint (const InvolvePdf  *pdf,
                                         gsize              dict,
                                         const char        *key,
                                         guint64           *out);
/* The object number of "/KEY N 0 R". */
gboolean     _involve_pdf_dict_get_ref  (const InvolvePdf  *pdf,
                                         gsize              dict,
                                         const char        *key,
                                         guint64           *out);
/* A PDF text string, literal or hex, as UTF-8 (NULL when it is neither). */
char        *_involve_pdf_decode_string (const InvolvePdf  *pdf,
                                         InvolvePdfSpan     span);
/* The last @needle in [start, end), or NULL. */
const char  *_involve_pdf_find_last     (const char        *start,
                                         const char        *end,
                                         const char        *needle);

/* Cross-reference tables, newest revision first through /Prev */
typedef struct
{
  GHashTable *offsets;   /* object number → offset, the newest revision's (0: free) */
  gsize       trailer;   /* the newest trailer's dictionary */
  guint64     startxref; /* the newest xref section */
  guint64     size;      /* the newest trailer's /Size */
  guint64     root;      /* its /Root, 0 when absent */
  guint64     info;      /* its /Info, 0 when absent */
} InvolvePdfXref;

/* FALSE when the file is not laid out as above; @xref then holds nothing. */
gboolean     _involve_pdf_xref_read     (const InvolvePdf      *pdf,
                                         InvolvePdfXref        *xref);
void         _involve_pdf_xref_clear    (InvolvePdfXref        *xref);
/* The dictionary of object @number ("N 0 obj << … >>"), by the xref. */
gboolean     _involve_pdf_object_dict   (const InvolvePdf      *pdf,
                                         const InvolvePdfXref  *xref,
                                         guint64                number,
                                         InvolvePdfSpan        *dict);

/*
 * An incremental update to append to @pdf: new revisions of existing
 * objects, or new objects numbered from the old /Size on, then one xref
 * section and a trailer with /Size, /Root, /Info, /ID and /Prev.  The
 * update starts with a line end; an offset into the whole file is
 * pdf->len + the update's length so far.  @pdf's bytes must outlive it.
 */
typedef struct _InvolvePdfUpdate InvolvePdfUpdate;

InvolvePdfUpdate *_involve_pdf_update_new          (const InvolvePdf      *pdf,
                                                    const InvolvePdfXref  *xref);
void              _involve_pdf_update_free         (InvolvePdfUpdate      *update);
/* The next unused object number. */
guint64           _involve_pdf_update_new_number   (InvolvePdfUpdate      *update);
/* Starts object @number ("N 0 obj" and a line end); its content goes into
 * the buffer, ending in a line end, then _end_object (). */
void              _involve_pdf_update_begin_object (InvolvePdfUpdate      *update,
                                                    guint64                number);
void              _involve_pdf_update_end_object   (InvolvePdfUpdate      *update);
/* The entries of an old dictionary, without its << and >>. */
void              _involve_pdf_update_copy_entries (InvolvePdfUpdate      *update,
                                                    InvolvePdfSpan         dict);
/* What is appended so far; callers write objects' contents into it. */
GString          *_involve_pdf_update_get_buffer   (InvolvePdfUpdate      *update);
/* Whether any object was written. */
gboolean          _involve_pdf_update_is_empty     (InvolvePdfUpdate      *update);
/* Appends the xref section, trailer, startxref and %%EOF; the buffer is then complete. */
void              _involve_pdf_update_finish       (InvolvePdfUpdate      *update);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvolvePdfUpdate, _involve_pdf_update_free)

G_END_DECLS
