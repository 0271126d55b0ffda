/* UTF-8 to wchar_t conversion for the hidapi stand-in, independent of the C locale. */
#ifndef TOKENFORGE_STANDIN_WIDE_TEXT_H
#define TOKENFORGE_STANDIN_WIDE_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#ifndef TF_INTERNAL
#define TF_INTERNAL __attribute__((visibility("hidden")))
#endif

/* A new NUL-terminated wide string decoded from `length` bytes of UTF-8; invalid sequences become
   U+FFFD. NULL only when out of memory; the caller frees it. */
TF_INTERNAL wchar_t *tf_wide_from_utf8(const uint8_t *bytes, size_t length);

/* Decodes the NUL-terminated UTF-8 `text` into `out` (capacity in wchar_t, at least 1),
   truncating and always NUL-terminating. */
TF_INTERNAL void tf_wide_copy_utf8(wchar_t *out, size_t capacity, const char *text);

#endif
