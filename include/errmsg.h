#ifndef S3BENCH_ERRMSG_H
#define S3BENCH_ERRMSG_H
/* One-line error messages written into a caller's buffer at the failing
 * call (the redis way): every module reports through these, only main
 * prints and exits. */
#include <stdarg.h>
#include <stddef.h>

/* Formats a message into err (when err is non-NULL and errlen > 0) and
 * returns -1, so a failure reads `return errmsg_set(err, errlen, ...)`. A
 * message cut short by a small buffer is still a useful message, so
 * truncation is accepted; an encoding failure leaves the text "error".
 * Callers pass names and static text here, never a credential. */
int errmsg_set(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* errmsg_set with a va_list. */
int errmsg_vset(char *err, size_t errlen, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
