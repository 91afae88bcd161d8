/* fusermount_helper.h — where the tests find the winfuse-fusermount program they run. */
#ifndef WINFUSE_TEST_FUSERMOUNT_HELPER_H
#define WINFUSE_TEST_FUSERMOUNT_HELPER_H

#include <stdbool.h>
#include <stddef.h>

/* $WINFUSE_FUSERMOUNT, else the build's: the build directory holds it, and the unit tests
   sit in its tests/ (or beside it). False, after saying so on stderr, when none is there. */
bool wf_test_find_fusermount(char *path, size_t size);

#endif
