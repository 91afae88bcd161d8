/* ntstatus_names.c — the symbolic name of each NTSTATUS value in WF_NTSTATUS_LIST, for logs and tests. */
#include <stddef.h>
#include <stdint.h>

#include "winfuse/ntstatus.h"

typedef struct wf_ntstatus_entry {
    NTSTATUS status;
    const char *name;
} wf_ntstatus_entry;

#define WF_NTSTATUS_ENTRY(name) { name, #name },
static const wf_ntstatus_entry wf_ntstatus_table[] = {
    WF_NTSTATUS_LIST(WF_NTSTATUS_ENTRY)
};
#undef WF_NTSTATUS_ENTRY

/* A linear scan: about 125 entries, used for diagnostics, never on a hot path. */
const char *wf_ntstatus_name(NTSTATUS status)
{
    for (size_t i = 0; i < sizeof wf_ntstatus_table / sizeof wf_ntstatus_table[0]; i++)
        if (wf_ntstatus_table[i].status == status)
            return wf_ntstatus_table[i].name;
    return NULL;
}

const char *wf_ntstatus_text(NTSTATUS status, char buffer[16])
{
    static const char digits[] = "0123456789ABCDEF";
    const char *name = wf_ntstatus_name(status);
    uint32_t value = (uint32_t)status;

    if (name != NULL)
        return name;
    buffer[0] = '0';
    buffer[1] = 'x';
    for (int i = 0; i < 8; i++)
        buffer[2 + i] = digits[(value >> (28 - 4 * i)) & 0xfu];
    buffer[10] = '\0';
    return buffer;
}
