#ifndef OPTRALIS_CCURL_SHIM_H
#define OPTRALIS_CCURL_SHIM_H
// curl_easy_setopt and curl_easy_getinfo are variadic macros that Swift cannot import:
// these typed static inline wrappers are imported instead (see NOTES-swift-stack.md).
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

typedef size_t (*optralis_curl_data_callback)(char *buffer, size_t size, size_t count, void *userdata);
typedef int (*optralis_curl_progress_callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode optralis_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode optralis_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode optralis_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode optralis_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode optralis_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode optralis_curl_setopt_callback(CURL *handle, CURLoption option, optralis_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode optralis_curl_setopt_progress(CURL *handle, optralis_curl_progress_callback value) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, value);
}
static inline CURLcode optralis_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode optralis_curl_getinfo_offset(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode optralis_curl_getinfo_certinfo(CURL *handle, struct curl_certinfo **value) {
    return curl_easy_getinfo(handle, CURLINFO_CERTINFO, value);
}
#endif
