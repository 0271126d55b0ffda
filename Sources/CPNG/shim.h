#ifndef TOKENFORGE_CPNG_SHIM_H
#define TOKENFORGE_CPNG_SHIM_H

// libpng (Debian: libpng-dev; pkg-config: libpng). libpng reports errors by longjmp, which must
// not cross Swift frames: Swift reads images through the simplified png_image API, which returns
// errors instead, and writes them through the C function below, which catches the longjmp itself.
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/// Output of tokenforge_png_write_gray1; `data` is malloc'd (free() it) on success.
typedef struct {
    unsigned char *data;
    size_t size;
    size_t capacity;
    char message[128];
} tokenforge_png_output;

static void tokenforge_png_error(png_structp png, png_const_charp message) {
    tokenforge_png_output *output = (tokenforge_png_output *)png_get_error_ptr(png);
    strncpy(output->message, message, sizeof output->message - 1);
    output->message[sizeof output->message - 1] = 0;
    png_longjmp(png, 1);
}

static void tokenforge_png_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void tokenforge_png_append(png_structp png, png_bytep bytes, size_t count) {
    tokenforge_png_output *output = (tokenforge_png_output *)png_get_io_ptr(png);
    if (count > output->capacity - output->size) {
        size_t capacity = output->capacity * 2 > output->size + count ? output->capacity * 2 : output->size + count;
        unsigned char *grown = (unsigned char *)realloc(output->data, capacity);
        if (grown == NULL) png_error(png, "out of memory");
        output->data = grown;
        output->capacity = capacity;
    }
    memcpy(output->data + output->size, bytes, count);
    output->size += count;
}

static void tokenforge_png_flush(png_structp png) { (void)png; }

/// Writes a 1-bit grayscale PNG (bit 1 white, 0 black) from `height` rows of `row_bytes` packed
/// pixels each, most significant bit first, unfiltered, at zlib `compression_level`. Returns 1 and
/// fills `output` (its `data` to be freed with free()), or 0 with `output->message` set.
static inline int tokenforge_png_write_gray1(
    png_uint_32 width, png_uint_32 height, const unsigned char *rows, size_t row_bytes, int compression_level,
    size_t initial_capacity, tokenforge_png_output *output) {
    output->data = (unsigned char *)malloc(initial_capacity);
    output->size = 0;
    output->capacity = initial_capacity;
    output->message[0] = 0;
    if (output->data == NULL) {
        strcpy(output->message, "out of memory");
        return 0;
    }
    png_structp png = png_create_write_struct(
        PNG_LIBPNG_VER_STRING, output, tokenforge_png_error, tokenforge_png_warning);
    png_infop info = png == NULL ? NULL : png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        free(output->data);
        output->data = NULL;
        strcpy(output->message, "out of memory");
        return 0;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(output->data);
        output->data = NULL;
        return 0;
    }
    png_set_write_fn(png, output, tokenforge_png_append, tokenforge_png_flush);
    png_set_IHDR(png, info, width, height, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_set_compression_level(png, compression_level);
    png_write_info(png, info);
    for (png_uint_32 row = 0; row < height; row++) {
        png_write_row(png, rows + (size_t)row * row_bytes);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return 1;
}

#endif
