/* fuzz_script.h — the fuzz targets' input, read front to back as a script of little-endian
   numbers and bytes; reads past its end give zeros, so every input is a complete script. */
#ifndef WINFUSE_FUZZ_SCRIPT_H
#define WINFUSE_FUZZ_SCRIPT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct script {
    const uint8_t *p;
    size_t n;
} script;

static inline uint8_t get8(script *s)
{
    if (!s->n)
        return 0;
    s->n--;
    return *s->p++;
}

static inline uint16_t get16(script *s)
{
    return (uint16_t)(get8(s) | get8(s) << 8);
}

static inline uint32_t get32(script *s)
{
    return get16(s) | (uint32_t)get16(s) << 16;
}

static inline uint64_t get64(script *s)
{
    return get32(s) | (uint64_t)get32(s) << 32;
}

static inline void get_bytes(script *s, void *dst, size_t len)
{
    size_t take = len < s->n ? len : s->n;
    memcpy(dst, s->p, take);
    memset((uint8_t *)dst + take, 0, len - take);
    s->p += take;
    s->n -= take;
}

#endif
