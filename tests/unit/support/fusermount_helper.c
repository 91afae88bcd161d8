/* fusermount_helper.c — where the tests find the winfuse-fusermount program they run. */
#define _GNU_SOURCE
#include "fusermount_helper.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mount_ns.h"

bool wf_test_find_fusermount(char *path, size_t size)
{
    static const char *const places[] = { "/../", "/" };
    const char *env = getenv(WF_MOUNT_NS_ENV_HELPER);
    char self[PATH_MAX];
    ssize_t n;

    if (env && *env) {
        if ((size_t)snprintf(path, size, "%s", env) < size && access(path, X_OK) == 0)
            return true;
        fprintf(stderr, "%s=%s is not an executable\n", WF_MOUNT_NS_ENV_HELPER, env);
        return false;
    }
    n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        *strrchr(self, '/') = '\0';
        for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
            int len = snprintf(path, size, "%s%s%s", self, places[i], WF_MOUNT_NS_HELPER_NAME);
            if (len > 0 && (size_t)len < size && access(path, X_OK) == 0)
                return true;
        }
    }
    fprintf(stderr, "no %s beside this test: build it, or name it in %s\n",
        WF_MOUNT_NS_HELPER_NAME, WF_MOUNT_NS_ENV_HELPER);
    return false;
}
