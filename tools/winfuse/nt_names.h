/* nt_names.h — NT flag and value names as Windows spells them, for parsing and printing. */
#ifndef WINFUSE_TOOLS_NT_NAMES_H
#define WINFUSE_TOOLS_NT_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct wf_nt_name {
    const char *name;
    uint32_t value;
    bool shown;         /* printed by wf_nt_format_flags (not an alias nor a composite) */
} wf_nt_name;

typedef struct wf_nt_names {
    const char *what;               /* "access", "share", …: for error messages */
    const wf_nt_name *names;
    size_t count;
    bool flags;                     /* a bit set (names combine with |), or one value */
} wf_nt_names;

extern const wf_nt_names wf_nt_access_names;        /* DesiredAccess */
extern const wf_nt_names wf_nt_share_names;         /* ShareAccess */
extern const wf_nt_names wf_nt_disposition_names;   /* CreateDisposition */
extern const wf_nt_names wf_nt_option_names;        /* CreateOptions */
extern const wf_nt_names wf_nt_attribute_names;     /* FILE_ATTRIBUTE_* */
extern const wf_nt_names wf_nt_information_names;   /* Create's IoStatus.Information */
extern const wf_nt_names wf_nt_delete_flag_names;   /* FILE_DISPOSITION_* (+ delete, posix…) */
extern const wf_nt_names wf_nt_rename_flag_names;   /* FILE_RENAME_* (+ replace, posix…) */
extern const wf_nt_names wf_nt_notify_filter_names; /* FILE_NOTIFY_CHANGE_* (+ all) */
extern const wf_nt_names wf_nt_notify_action_names; /* FILE_ACTION_* */
extern const wf_nt_names wf_nt_info_class_names;    /* FILE_INFORMATION_CLASS (+ basic, …) */

/* Parses "NAME|NAME|0x10|7": names (any case) and numbers (decimal, 0x hex) joined by |.
   A value table (not flags) takes exactly one name or number. On failure *bad points at
   the part that is not understood (or at text). */
bool wf_nt_parse(const wf_nt_names *names, const char *text, uint32_t *value,
    const char **bad);

/* The names of the bits of value joined by |, the bits without a name in hex; "0" for 0.
   For a value table: its name, or the number. */
void wf_nt_format(const wf_nt_names *names, uint32_t value, char *buffer, size_t size);

#endif
