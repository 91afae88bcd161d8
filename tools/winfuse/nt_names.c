/* nt_names.c — NT flag and value names as Windows spells them, for parsing and printing. */
#include "nt_names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "winfuse/nt_constants.h"

#define WF_N(x) { #x, (uint32_t)(x), true }        /* printed */
#define WF_A(x) { #x, (uint32_t)(x), false }       /* accepted, not printed */
#define WF_ALIAS(s, x) { s, (uint32_t)(x), false }
#define WF_TABLE(id, what_text, is_flags) \
    const wf_nt_names id = { what_text, id##_table, sizeof id##_table / sizeof id##_table[0], \
        is_flags }

/* Generic and composite rights first among the accepted-only ones: the printed names are
   the specific bits the I/O manager maps them to. */
static const wf_nt_name wf_nt_access_names_table[] = {
    WF_N(FILE_READ_DATA), WF_N(FILE_WRITE_DATA), WF_N(FILE_APPEND_DATA), WF_N(FILE_READ_EA),
    WF_N(FILE_WRITE_EA), WF_N(FILE_EXECUTE), WF_N(FILE_DELETE_CHILD),
    WF_N(FILE_READ_ATTRIBUTES), WF_N(FILE_WRITE_ATTRIBUTES), WF_N(DELETE), WF_N(READ_CONTROL),
    WF_N(WRITE_DAC), WF_N(WRITE_OWNER), WF_N(SYNCHRONIZE), WF_N(ACCESS_SYSTEM_SECURITY),
    WF_N(MAXIMUM_ALLOWED), WF_N(GENERIC_ALL), WF_N(GENERIC_EXECUTE), WF_N(GENERIC_WRITE),
    WF_N(GENERIC_READ),
    WF_A(FILE_LIST_DIRECTORY), WF_A(FILE_ADD_FILE), WF_A(FILE_ADD_SUBDIRECTORY),
    WF_A(FILE_TRAVERSE), WF_A(FILE_ALL_ACCESS), WF_A(FILE_GENERIC_READ),
    WF_A(FILE_GENERIC_WRITE), WF_A(FILE_GENERIC_EXECUTE), WF_A(STANDARD_RIGHTS_REQUIRED),
    WF_A(STANDARD_RIGHTS_READ), WF_A(STANDARD_RIGHTS_WRITE), WF_A(STANDARD_RIGHTS_EXECUTE),
    WF_A(STANDARD_RIGHTS_ALL),
};
WF_TABLE(wf_nt_access_names, "access", true);

static const wf_nt_name wf_nt_share_names_table[] = {
    WF_N(FILE_SHARE_READ), WF_N(FILE_SHARE_WRITE), WF_N(FILE_SHARE_DELETE),
    WF_A(FILE_SHARE_VALID_FLAGS),
};
WF_TABLE(wf_nt_share_names, "share", true);

static const wf_nt_name wf_nt_disposition_names_table[] = {
    WF_N(FILE_SUPERSEDE), WF_N(FILE_OPEN), WF_N(FILE_CREATE), WF_N(FILE_OPEN_IF),
    WF_N(FILE_OVERWRITE), WF_N(FILE_OVERWRITE_IF),
};
WF_TABLE(wf_nt_disposition_names, "disposition", false);

static const wf_nt_name wf_nt_option_names_table[] = {
    WF_N(FILE_DIRECTORY_FILE), WF_N(FILE_WRITE_THROUGH), WF_N(FILE_SEQUENTIAL_ONLY),
    WF_N(FILE_NO_INTERMEDIATE_BUFFERING), WF_N(FILE_SYNCHRONOUS_IO_ALERT),
    WF_N(FILE_SYNCHRONOUS_IO_NONALERT), WF_N(FILE_NON_DIRECTORY_FILE),
    WF_N(FILE_CREATE_TREE_CONNECTION), WF_N(FILE_COMPLETE_IF_OPLOCKED),
    WF_N(FILE_NO_EA_KNOWLEDGE), WF_N(FILE_OPEN_REMOTE_INSTANCE), WF_N(FILE_RANDOM_ACCESS),
    WF_N(FILE_DELETE_ON_CLOSE), WF_N(FILE_OPEN_BY_FILE_ID), WF_N(FILE_OPEN_FOR_BACKUP_INTENT),
    WF_N(FILE_NO_COMPRESSION), WF_N(FILE_OPEN_REQUIRING_OPLOCK), WF_N(FILE_RESERVE_OPFILTER),
    WF_N(FILE_OPEN_REPARSE_POINT), WF_N(FILE_OPEN_NO_RECALL),
    WF_N(FILE_OPEN_FOR_FREE_SPACE_QUERY),
};
WF_TABLE(wf_nt_option_names, "options", true);

static const wf_nt_name wf_nt_attribute_names_table[] = {
    WF_N(FILE_ATTRIBUTE_READONLY), WF_N(FILE_ATTRIBUTE_HIDDEN), WF_N(FILE_ATTRIBUTE_SYSTEM),
    WF_N(FILE_ATTRIBUTE_DIRECTORY), WF_N(FILE_ATTRIBUTE_ARCHIVE), WF_N(FILE_ATTRIBUTE_DEVICE),
    WF_N(FILE_ATTRIBUTE_NORMAL), WF_N(FILE_ATTRIBUTE_TEMPORARY),
    WF_N(FILE_ATTRIBUTE_SPARSE_FILE), WF_N(FILE_ATTRIBUTE_REPARSE_POINT),
    WF_N(FILE_ATTRIBUTE_COMPRESSED), WF_N(FILE_ATTRIBUTE_OFFLINE),
    WF_N(FILE_ATTRIBUTE_NOT_CONTENT_INDEXED), WF_N(FILE_ATTRIBUTE_ENCRYPTED),
    WF_N(FILE_ATTRIBUTE_INTEGRITY_STREAM), WF_N(FILE_ATTRIBUTE_VIRTUAL),
    WF_N(FILE_ATTRIBUTE_NO_SCRUB_DATA), WF_N(FILE_ATTRIBUTE_EA), WF_N(FILE_ATTRIBUTE_PINNED),
    WF_N(FILE_ATTRIBUTE_UNPINNED), WF_N(FILE_ATTRIBUTE_RECALL_ON_DATA_ACCESS),
    WF_A(FILE_ATTRIBUTE_RECALL_ON_OPEN),
};
WF_TABLE(wf_nt_attribute_names, "attributes", true);

static const wf_nt_name wf_nt_information_names_table[] = {
    WF_N(FILE_SUPERSEDED), WF_N(FILE_OPENED), WF_N(FILE_CREATED), WF_N(FILE_OVERWRITTEN),
    WF_N(FILE_EXISTS), WF_N(FILE_DOES_NOT_EXIST),
};
WF_TABLE(wf_nt_information_names, "information", false);

static const wf_nt_name wf_nt_delete_flag_names_table[] = {
    WF_N(FILE_DISPOSITION_DELETE), WF_N(FILE_DISPOSITION_POSIX_SEMANTICS),
    WF_N(FILE_DISPOSITION_FORCE_IMAGE_SECTION_CHECK), WF_N(FILE_DISPOSITION_ON_CLOSE),
    WF_N(FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE), WF_A(FILE_DISPOSITION_DO_NOT_DELETE),
    WF_ALIAS("delete", FILE_DISPOSITION_DELETE),
    WF_ALIAS("posix", FILE_DISPOSITION_POSIX_SEMANTICS),
    WF_ALIAS("ignore_readonly", FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE),
    WF_ALIAS("on_close", FILE_DISPOSITION_ON_CLOSE),
};
WF_TABLE(wf_nt_delete_flag_names, "disposition flags", true);

static const wf_nt_name wf_nt_rename_flag_names_table[] = {
    WF_N(FILE_RENAME_REPLACE_IF_EXISTS), WF_N(FILE_RENAME_POSIX_SEMANTICS),
    WF_N(FILE_RENAME_SUPPRESS_PIN_STATE_INHERITANCE),
    WF_N(FILE_RENAME_SUPPRESS_STORAGE_RESERVE_INHERITANCE),
    WF_N(FILE_RENAME_NO_INCREASE_AVAILABLE_SPACE), WF_N(FILE_RENAME_NO_DECREASE_AVAILABLE_SPACE),
    WF_N(FILE_RENAME_IGNORE_READONLY_ATTRIBUTE), WF_N(FILE_RENAME_FORCE_RESIZE_TARGET_SR),
    WF_N(FILE_RENAME_FORCE_RESIZE_SOURCE_SR),
    WF_ALIAS("replace", FILE_RENAME_REPLACE_IF_EXISTS),
    WF_ALIAS("posix", FILE_RENAME_POSIX_SEMANTICS),
    WF_ALIAS("ignore_readonly", FILE_RENAME_IGNORE_READONLY_ATTRIBUTE),
};
WF_TABLE(wf_nt_rename_flag_names, "rename flags", true);

static const wf_nt_name wf_nt_notify_filter_names_table[] = {
    WF_N(FILE_NOTIFY_CHANGE_FILE_NAME), WF_N(FILE_NOTIFY_CHANGE_DIR_NAME),
    WF_N(FILE_NOTIFY_CHANGE_ATTRIBUTES), WF_N(FILE_NOTIFY_CHANGE_SIZE),
    WF_N(FILE_NOTIFY_CHANGE_LAST_WRITE), WF_N(FILE_NOTIFY_CHANGE_LAST_ACCESS),
    WF_N(FILE_NOTIFY_CHANGE_CREATION), WF_N(FILE_NOTIFY_CHANGE_EA),
    WF_N(FILE_NOTIFY_CHANGE_SECURITY), WF_N(FILE_NOTIFY_CHANGE_STREAM_NAME),
    WF_N(FILE_NOTIFY_CHANGE_STREAM_SIZE), WF_N(FILE_NOTIFY_CHANGE_STREAM_WRITE),
    WF_A(FILE_NOTIFY_VALID_MASK), WF_ALIAS("all", FILE_NOTIFY_VALID_MASK),
};
WF_TABLE(wf_nt_notify_filter_names, "notify filter", true);

static const wf_nt_name wf_nt_notify_action_names_table[] = {
    WF_N(FILE_ACTION_ADDED), WF_N(FILE_ACTION_REMOVED), WF_N(FILE_ACTION_MODIFIED),
    WF_N(FILE_ACTION_RENAMED_OLD_NAME), WF_N(FILE_ACTION_RENAMED_NEW_NAME),
};
WF_TABLE(wf_nt_notify_action_names, "notify action", false);

/* FILE_INFORMATION_CLASS values (wdm.h, ntifs.h); in the DDK they are enumerators, so they
   are spelled out here. */
static const wf_nt_name wf_nt_info_class_names_table[] = {
    { "FileBasicInformation", 4, true }, { "FileStandardInformation", 5, true },
    { "FileInternalInformation", 6, true }, { "FileEaInformation", 7, true },
    { "FileNameInformation", 9, true }, { "FileAllInformation", 18, true },
    { "FileStreamInformation", 22, true }, { "FileNetworkOpenInformation", 34, true },
    { "FileAttributeTagInformation", 35, true },
    WF_ALIAS("basic", 4), WF_ALIAS("standard", 5), WF_ALIAS("internal", 6),
    WF_ALIAS("ea", 7), WF_ALIAS("name", 9), WF_ALIAS("all", 18), WF_ALIAS("stream", 22),
    WF_ALIAS("networkopen", 34), WF_ALIAS("attributetag", 35),
};
WF_TABLE(wf_nt_info_class_names, "information class", false);

/* One name or number of n characters. */
static bool wf_nt_parse_one(const wf_nt_names *names, const char *text, size_t n,
    uint32_t *value)
{
    size_t i;

    if (n == 0)
        return false;
    if (text[0] >= '0' && text[0] <= '9') {
        char number[24], *end;
        unsigned long long v;
        if (n >= sizeof number)
            return false;
        memcpy(number, text, n);
        number[n] = '\0';
        v = strtoull(number, &end, 0);
        if (*end != '\0' || v > UINT32_MAX)
            return false;
        *value = (uint32_t)v;
        return true;
    }
    for (i = 0; i < names->count; i++) {
        if (strlen(names->names[i].name) == n &&
            strncasecmp(names->names[i].name, text, n) == 0) {
            *value = names->names[i].value;
            return true;
        }
    }
    return false;
}

bool wf_nt_parse(const wf_nt_names *names, const char *text, uint32_t *value,
    const char **bad)
{
    const char *part = text;
    uint32_t result = 0;

    *bad = text;
    for (;;) {
        size_t n = strcspn(part, "|");
        uint32_t one;
        if (!wf_nt_parse_one(names, part, n, &one)) {
            *bad = part;
            return false;
        }
        result |= one;
        if (part[n] == '\0')
            break;
        if (!names->flags) {
            *bad = part + n + 1;        /* one value only: what follows the | is extra */
            return false;
        }
        part += n + 1;
    }
    *value = result;
    return true;
}

void wf_nt_format(const wf_nt_names *names, uint32_t value, char *buffer, size_t size)
{
    size_t i, len = 0;
    uint32_t rest = value;

    if (size == 0)
        return;
    buffer[0] = '\0';
    if (!names->flags) {
        for (i = 0; i < names->count; i++) {
            if (names->names[i].shown && names->names[i].value == value) {
                snprintf(buffer, size, "%s", names->names[i].name);
                return;
            }
        }
        snprintf(buffer, size, "%u", (unsigned)value);
        return;
    }
    if (value == 0) {
        snprintf(buffer, size, "0");
        return;
    }
    for (i = 0; i < names->count && rest != 0; i++) {
        const wf_nt_name *n = &names->names[i];
        if (!n->shown || n->value == 0 || (rest & n->value) != n->value)
            continue;
        rest &= ~n->value;
        len += (size_t)snprintf(buffer + len, len < size ? size - len : 0, "%s%s",
            len ? "|" : "", n->name);
        if (len >= size)
            return;
    }
    if (rest != 0)
        snprintf(buffer + len, len < size ? size - len : 0, "%s0x%x", len ? "|" : "",
            (unsigned)rest);
}
