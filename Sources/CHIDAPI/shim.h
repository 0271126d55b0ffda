#ifndef TOKENFORGE_CHIDAPI_SHIM_H
#define TOKENFORGE_CHIDAPI_SHIM_H
#include <hidapi/hidapi.h>
#endif
