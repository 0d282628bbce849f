#ifndef OPTRALIS_CHIREDIS_SHIM_H
#define OPTRALIS_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#include <sys/time.h>

/// `struct timeval` built from milliseconds, so Swift never fills the struct field by field.
static inline struct timeval optralis_timeval_ms(long ms) {
    struct timeval tv;
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    return tv;
}
#endif
