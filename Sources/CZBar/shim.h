#ifndef TOKENFORGE_CZBAR_SHIM_H
#define TOKENFORGE_CZBAR_SHIM_H

// ZBar (Debian: libzbar-dev; pkg-config: zbar): reads QR codes and barcodes from images.
#include <zbar.h>

#endif
