/* case_fold.h — the case folding of case-insensitive volumes, over UTF-8 FUSE names. */
#ifndef WINFUSE_CASE_FOLD_H
#define WINFUSE_CASE_FOLD_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* The simple upper case of a code point, for the ranges a volume's names mostly use:
   ASCII; Latin-1 (with U+00FF to U+0178 and U+00B5 to U+039C); the Latin Extended-A pairs
   (U+0100-U+017F, except the dotless i, kra, n preceded by apostrophe and long s, which have
   no simple upper case of their own in NT's table or in Unicode's); basic Greek (with the
   accented vowels and final sigma); basic Cyrillic (U+0430-U+045F); fullwidth Latin. Every
   other code point is its own fold: such names compare exactly. */
uint32_t wf_fold_char(uint32_t c);

/* Whether two names are equal under folding. Bytes that are not valid UTF-8 compare as
   themselves. */
bool wf_fold_equal(const char *a, size_t a_len, const char *b, size_t b_len);

/* A hash of the folded name, so that names equal under folding hash alike. */
uint32_t wf_fold_hash(uint32_t seed, const char *name, size_t len);

/* True when no other spelling of the name can fold to the same: ASCII without letters.
   A LOOKUP that misses such a name needs no directory scan. */
bool wf_fold_is_caseless(const char *name, size_t len);

#endif
