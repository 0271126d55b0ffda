#include "wide_text.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(wchar_t) == 4, "hidapi strings on Linux are UTF-32 wchar_t");

#define REPLACEMENT_CHARACTER 0xFFFDu

/* Decodes one code point from `bytes` (length >= 1) into `*code_point`; returns the bytes it used.
   A malformed sequence yields U+FFFD and consumes its longest valid prefix (at least one byte),
   as Unicode §3.9 "maximal subpart" recommends. */
static size_t decode_one(const uint8_t *bytes, size_t length, uint32_t *code_point)
{
    uint8_t lead = bytes[0];
    size_t continuation_count;
    uint32_t value;
    uint8_t second_low = 0x80, second_high = 0xBF;

    if (lead < 0x80) {
        *code_point = lead;
        return 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
        continuation_count = 1;
        value = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        continuation_count = 2;
        value = lead & 0x0Fu;
        if (lead == 0xE0) second_low = 0xA0;  /* no overlong forms */
        if (lead == 0xED) second_high = 0x9F; /* no UTF-16 surrogates */
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        continuation_count = 3;
        value = lead & 0x07u;
        if (lead == 0xF0) second_low = 0x90;  /* no overlong forms */
        if (lead == 0xF4) second_high = 0x8F; /* nothing above U+10FFFF */
    } else {
        *code_point = REPLACEMENT_CHARACTER;
        return 1;
    }

    for (size_t index = 1; index <= continuation_count; index++) {
        uint8_t low = index == 1 ? second_low : 0x80;
        uint8_t high = index == 1 ? second_high : 0xBF;
        if (index >= length || bytes[index] < low || bytes[index] > high) {
            *code_point = REPLACEMENT_CHARACTER;
            return index;
        }
        value = (value << 6) | (bytes[index] & 0x3Fu);
    }
    *code_point = value;
    return continuation_count + 1;
}

/* Decodes into `out`, which holds `capacity` >= 1 wide characters including the terminator. */
static void decode_into(wchar_t *out, size_t capacity, const uint8_t *bytes, size_t length)
{
    size_t written = 0, offset = 0;
    while (offset < length && written + 1 < capacity) {
        uint32_t code_point;
        offset += decode_one(bytes + offset, length - offset, &code_point);
        out[written++] = (wchar_t)code_point;
    }
    out[written] = L'\0';
}

wchar_t *tf_wide_from_utf8(const uint8_t *bytes, size_t length)
{
    /* Every code point takes at least one byte, so `length` + 1 wide characters always suffice. */
    wchar_t *wide = malloc((length + 1) * sizeof *wide);
    if (wide != NULL) decode_into(wide, length + 1, bytes, length);
    return wide;
}

void tf_wide_copy_utf8(wchar_t *out, size_t capacity, const char *text)
{
    decode_into(out, capacity, (const uint8_t *)text, strlen(text));
}
