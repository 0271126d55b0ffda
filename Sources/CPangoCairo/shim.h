#ifndef TOKENFORGE_CPANGOCAIRO_SHIM_H
#define TOKENFORGE_CPANGOCAIRO_SHIM_H

// cairo (Debian: libcairo2-dev; pkg-config: cairo) draws the pages and writes the PDF; pango
// (libpango1.0-dev; pkg-config: pangocairo, which requires cairo) lays out and shapes the text.
// One module for both, so the cairo types pango uses are the same Swift types.
#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#endif
