/* sd_build.h — builds self-relative security descriptors from SID strings, for the tests. */
#ifndef WF_TEST_SD_BUILD_H
#define WF_TEST_SD_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SD_SE_DACL_PRESENT   0x0004u
#define SD_SE_SACL_PRESENT   0x0010u
#define SD_SE_DACL_AUTO_INHERITED 0x0400u
#define SD_SE_DACL_PROTECTED 0x1000u
#define SD_SE_SELF_RELATIVE  0x8000u

/* One ACE whose body is Mask then SID (allowed 0, denied 1, audit 2, …). */
typedef struct sd_ace {
    uint8_t type, flags;
    uint32_t mask;
    const char *sid;        /* "S-1-…" */
} sd_ace;

/* Writes a descriptor into buf and returns its size (the test fails if it does not fit):
   owner/group NULL leave them out; with dacl the DACL is present (dacl_null: a NULL DACL,
   otherwise an ACL of revision 2 with the count ACEs). control adds SE_* bits
   (SE_SELF_RELATIVE always). Layout: header, owner, group, DACL. */
size_t sd_build(uint8_t *buf, size_t cap, const char *owner, const char *group,
    uint16_t control, bool dacl, bool dacl_null, const sd_ace *aces, size_t count);

/* The offset of the DACL inside a descriptor sd_build made. */
size_t sd_dacl_offset(const uint8_t *sd);

#endif
