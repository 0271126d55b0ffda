#ifndef TOKENFORGE_CLIBCRYPTO_SHIM_H
#define TOKENFORGE_CLIBCRYPTO_SHIM_H

// OTP codes need HMAC with the padded key hashed once and the hash state copied per code
// (RFC 2104 §4). OpenSSL 3 still ships the SHA*_Init/Update/Final functions that expose that
// state, marked deprecated in favour of EVP, whose contexts cannot be copied without allocating.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/crypto.h>
#include <openssl/sha.h>

#endif
