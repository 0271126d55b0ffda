#ifndef TOKENFORGE_CQRENCODE_SHIM_H
#define TOKENFORGE_CQRENCODE_SHIM_H

// libqrencode (Debian: libqrencode-dev; pkg-config: libqrencode): QR Code symbols, ISO/IEC 18004.
#include <qrencode.h>

#endif
