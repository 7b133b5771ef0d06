/* The environment as an array: see env.h. */
#include "env.h"

#include <string.h>

const char *env_get(char **env, const char *name)
{
    if (!env)
        return NULL;
    size_t nlen = strlen(name);
    for (char **e = env; *e; e++) {
        if (strncmp(*e, name, nlen) == 0 && (*e)[nlen] == '=') {
            const char *v = *e + nlen + 1;
            return v[0] ? v : NULL;
        }
    }
    return NULL;
}
