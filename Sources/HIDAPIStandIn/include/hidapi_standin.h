/* TokenForge hidapi stand-in: a shared library with the hidapi 0.13 C API (<hidapi/hidapi.h>)
   that reaches tokenforge-emulator's virtual tokens over the Unix socket named by
   TOKENFORGE_EMULATOR_SOCKET (docs/emulator-socket.md). Programs use it through the hidapi API;
   this header only identifies the library. */
#ifndef TOKENFORGE_HIDAPI_STANDIN_H
#define TOKENFORGE_HIDAPI_STANDIN_H

#ifdef __cplusplus
extern "C" {
#endif

/* Names the stand-in, the hidapi version it implements and the socket protocol version it speaks. */
const char *tokenforge_hidapi_standin_version(void);

#ifdef __cplusplus
}
#endif

#endif
