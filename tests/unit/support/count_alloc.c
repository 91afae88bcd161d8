/* count_alloc.c — wf_mem_alloc and wf_mem_free wrapped (ld --wrap) to count live blocks. */
#include "count_alloc.h"

void *__real_wf_mem_alloc(size_t size);
void __real_wf_mem_free(void *p);
void *__wrap_wf_mem_alloc(size_t size);
void __wrap_wf_mem_free(void *p);

/* Each block carries its size in front: 16 bytes keep what follows 16-byte aligned. */
#define COUNT_ALLOC_HEADER 16u

static uint64_t live_bytes, live_blocks;

size_t count_alloc_glibc_chunk(size_t size)
{
    size_t chunk = (size + 8 + 15) & ~(size_t)15;
    return chunk < 32 ? 32 : chunk;
}

void *__wrap_wf_mem_alloc(size_t size)
{
    unsigned char *p = __real_wf_mem_alloc(size + COUNT_ALLOC_HEADER);
    if (!p)
        return NULL;
    *(size_t *)(void *)p = size;
    __atomic_fetch_add(&live_bytes, count_alloc_glibc_chunk(size), __ATOMIC_RELAXED);
    __atomic_fetch_add(&live_blocks, 1, __ATOMIC_RELAXED);
    return p + COUNT_ALLOC_HEADER;
}

void __wrap_wf_mem_free(void *p)
{
    if (!p)
        return;
    unsigned char *block = (unsigned char *)p - COUNT_ALLOC_HEADER;
    size_t size = *(size_t *)(void *)block;
    __atomic_fetch_sub(&live_bytes, count_alloc_glibc_chunk(size), __ATOMIC_RELAXED);
    __atomic_fetch_sub(&live_blocks, 1, __ATOMIC_RELAXED);
    __real_wf_mem_free(block);
}

uint64_t count_alloc_live_bytes(void)
{
    return __atomic_load_n(&live_bytes, __ATOMIC_RELAXED);
}

uint64_t count_alloc_live_blocks(void)
{
    return __atomic_load_n(&live_blocks, __ATOMIC_RELAXED);
}
