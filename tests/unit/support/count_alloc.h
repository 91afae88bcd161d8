/* count_alloc.h — a counting allocator under wf_mem_alloc, for tests that measure what the
   engine keeps on the heap. The program links with -Wl,--wrap=wf_mem_alloc and
   -Wl,--wrap=wf_mem_free (tests/CMakeLists.txt, scripts/wine-check.sh). */
#ifndef WF_TEST_COUNT_ALLOC_H
#define WF_TEST_COUNT_ALLOC_H

#include <stddef.h>
#include <stdint.h>

/* The heap a block of size bytes takes from glibc's malloc on x86-64: the size and the
   chunk's 8-byte size field, rounded up to 16, at least 32 (request2size in malloc.c). */
size_t count_alloc_glibc_chunk(size_t size);

/* The blocks allocated through wf_mem_alloc and not yet freed, each counted as
   count_alloc_glibc_chunk(its size), whatever the platform's allocator really takes. */
uint64_t count_alloc_live_bytes(void);
uint64_t count_alloc_live_blocks(void);

#endif
