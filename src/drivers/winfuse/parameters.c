/* parameters.c — the driver's tunables, read once from its service key's Parameters subkey. */
#include "device.h"

wf_nt_parameters wf_nt_params;

/* A REG_DWORD of the key, or nothing when it is absent or of another type. */
static void read_dword(HANDLE key, PCUNICODE_STRING name, UINT32 *value)
{
    union {
        KEY_VALUE_PARTIAL_INFORMATION info;
        UINT8 bytes[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(UINT32)];
    } buf;
    ULONG got = 0;
    if (NT_SUCCESS(ZwQueryValueKey(key, (PUNICODE_STRING)name, KeyValuePartialInformation, &buf,
            sizeof buf, &got)) && buf.info.Type == REG_DWORD &&
            buf.info.DataLength == sizeof(UINT32))
        RtlMoveMemory(value, buf.info.Data, sizeof(UINT32));
}

/* HKLM\System\CurrentControlSet\Services\winfuse\Parameters; every value is optional and
   an absent key leaves the defaults (the engine's own). */
void wf_nt_read_parameters(PUNICODE_STRING registry_path)
{
    static UNICODE_STRING parameters = RTL_CONSTANT_STRING(L"Parameters");
    static UNICODE_STRING forget_delay = RTL_CONSTANT_STRING(L"ForgetDelayMs");
    static UNICODE_STRING dos_attrib = RTL_CONSTANT_STRING(L"DosAttrib");
    static UNICODE_STRING named_streams = RTL_CONSTANT_STRING(L"NamedStreams");
    OBJECT_ATTRIBUTES attributes;
    HANDLE service, key;

    RtlZeroMemory(&wf_nt_params, sizeof wf_nt_params);
    wf_nt_params.dos_attrib = 1;
    wf_nt_params.named_streams = 1;
    InitializeObjectAttributes(&attributes, registry_path,
        OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    if (!NT_SUCCESS(ZwOpenKey(&service, KEY_READ, &attributes)))
        return;
    InitializeObjectAttributes(&attributes, &parameters,
        OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, service, NULL);
    if (NT_SUCCESS(ZwOpenKey(&key, KEY_READ, &attributes))) {
        read_dword(key, &forget_delay, &wf_nt_params.forget_delay_ms);
        read_dword(key, &dos_attrib, &wf_nt_params.dos_attrib);
        read_dword(key, &named_streams, &wf_nt_params.named_streams);
        ZwClose(key);
    }
    ZwClose(service);
}
