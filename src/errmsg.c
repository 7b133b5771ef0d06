#include "errmsg.h"

#include <stdio.h>
#include <string.h>

int errmsg_vset(char *err, size_t errlen, const char *fmt, va_list ap)
{
    if (!err || errlen == 0)
        return -1;
    /* The return value is checked, which is also what tells gcc that a
     * truncated message is expected here (-Wformat-truncation). */
    if (vsnprintf(err, errlen, fmt, ap) < 0) {
        strncpy(err, "error", errlen - 1);
        err[errlen - 1] = '\0';
    }
    return -1;
}

int errmsg_set(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    errmsg_vset(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}
