/* format.h — how the shell shows NT values: times, attributes, FUSE INIT flags. */
#ifndef WINFUSE_TOOLS_FORMAT_H
#define WINFUSE_TOOLS_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* An NT time as ISO 8601 in UTC with its 100 ns digits: "2024-05-01T12:34:56.1234567Z";
   "-" for 0 (never set). */
void wf_format_time_iso(uint64_t nt_time, char *buffer, size_t size);
/* An NT time in local time as `dir` shows it: "2024-05-01  12:34". */
void wf_format_time_dir(uint64_t nt_time, char *buffer, size_t size);
/* FILE_ATTRIBUTE_* names separated by spaces ("READONLY ARCHIVE"), "-" for none; bits
   without a name are shown in hex. */
void wf_format_attributes(uint32_t attributes, char *buffer, size_t size);
/* FUSE INIT flag names separated by spaces, without the FUSE_ prefix. */
void wf_format_fuse_flags(uint64_t flags, char *buffer, size_t size);

#endif
