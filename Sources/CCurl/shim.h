#ifndef TOKENFORGE_CCURL_SHIM_H
#define TOKENFORGE_CCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic and CURL_GLOBAL_DEFAULT is a macro, which
// Swift cannot call or import: one typed wrapper per kind of argument TokenForge passes.

static inline CURLcode tokenforge_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef size_t (*tokenforge_curl_write_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode tokenforge_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tokenforge_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tokenforge_curl_set_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tokenforge_curl_set_headers(CURL *handle, struct curl_slist *headers) {
    return curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
}

static inline CURLcode tokenforge_curl_set_write_function(CURL *handle, tokenforge_curl_write_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}

static inline CURLcode tokenforge_curl_response_code(CURL *handle, long *code) {
    return curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, code);
}

#endif
