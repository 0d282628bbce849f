#ifndef OPTRALIS_COPENSSL_SHIM_H
#define OPTRALIS_COPENSSL_SHIM_H
// System OpenSSL (libcrypto) for what swift-certificates lacks: certificate revocation lists.
// Function-like macros are not imported into Swift; these inline wrappers are.
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static inline long optralis_BIO_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }
static inline void optralis_OPENSSL_free(void *pointer) { OPENSSL_free(pointer); }
#endif
