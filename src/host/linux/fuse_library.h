/* fuse_library.h — which libfuse a FUSE file system program links, read from its ELF dynamic section. */
#ifndef WINFUSE_HOST_FUSE_LIBRARY_H
#define WINFUSE_HOST_FUSE_LIBRARY_H

#include <stddef.h>

typedef enum wf_fuse_library {
    WF_FUSE_LIBRARY_UNKNOWN,    /* not an ELF program of ours, static, a script, ... */
    WF_FUSE_LIBRARY_FUSE2,      /* needs libfuse.so.2 */
    WF_FUSE_LIBRARY_FUSE3,      /* needs libfuse3.so.3 */
    /* A Go program (its Go build ID note), needing neither: its FUSE library (go-fuse,
       bazil/fuse) speaks the protocol itself and runs the fusermount3 it finds in PATH. */
    WF_FUSE_LIBRARY_GO,
} wf_fuse_library;

/* The libfuse an open ELF file names in its DT_NEEDED entries (only its own, not those of
   the libraries it loads), else whether it is a Go program (a PT_NOTE holding the Go
   linker's build ID note). Every offset and size read from the file is checked. */
wf_fuse_library wf_fuse_library_of_fd(int fd);

/* The same for a command, found as execvp finds it (in PATH when it has no slash).
   resolved, when not NULL, receives the path looked at ("" when none was found). */
wf_fuse_library wf_fuse_library_of(const char *command, char *resolved, size_t resolved_size);

const char *wf_fuse_library_name(wf_fuse_library library);

#endif
