/* format.h — how the shell shows NT values (times, attributes, file information, FUSE INIT
   flags) and reads times. */
#ifndef WINFUSE_TOOLS_FORMAT_H
#define WINFUSE_TOOLS_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "winfuse/winfsp_abi.h"

/* An NT time as ISO 8601 in UTC with its 100 ns digits: "2024-05-01T12:34:56.1234567Z";
   "-" for 0 (never set). */
void wf_format_time_iso(uint64_t nt_time, char *buffer, size_t size);
/* An NT time in local time as `dir` shows it: "2024-05-01  12:34". */
void wf_format_time_dir(uint64_t nt_time, char *buffer, size_t size);
/* FILE_ATTRIBUTE_* names separated by spaces ("READONLY ARCHIVE"), "-" for none; bits
   without a name are shown in hex. */
void wf_format_attributes(uint32_t attributes, char *buffer, size_t size);
/* Prints the fields of a file's information on stdout, one "Name:  value" line each, as
   `stat` and `nt queryinfo` show them. */
void wf_print_file_info(const FSP_FSCTL_FILE_INFO *info);
/* Reads an NT time: a number of 100 ns ticks since 1601 (-1 and -2 too, as the special
   values of FileBasicInformation), or ISO 8601 UTC "2024-05-01T12:34:56[.1234567]Z". */
bool wf_parse_time(const char *text, uint64_t *nt_time);
/* FUSE INIT flag names separated by spaces, without the FUSE_ prefix. */
void wf_format_fuse_flags(uint64_t flags, char *buffer, size_t size);

#endif
