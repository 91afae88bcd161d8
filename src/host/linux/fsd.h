/* fsd.h — the FSD stand-in: what WinFsp's FSD and the NT I/O manager do before a request
   reaches WinFuse, behind an NT-style call API that returns NTSTATUS. */
#ifndef WINFUSE_HOST_FSD_H
#define WINFUSE_HOST_FSD_H

#include <stdbool.h>
#include <stdint.h>

#include "winfuse/ntstatus.h"
#include "winfuse/winfsp_abi.h"

typedef struct wf_fsd wf_fsd;
typedef struct wf_fsd_file wf_fsd_file;

/* Where the stand-in sends each request it builds; the response must come back through
   wf_fsd_complete (from any thread, before or after submit returns). */
typedef void wf_fsd_submit_fn(void *ctx, const FSP_FSCTL_TRANSACT_REQ *request);

wf_fsd *wf_fsd_create(wf_fsd_submit_fn *submit, void *ctx);
/* Frees the stand-in; every file must have been closed. */
void wf_fsd_delete(wf_fsd *fsd);
/* The response to a request this stand-in submitted (an engine completion callback). */
void wf_fsd_complete(wf_fsd *fsd, const FSP_FSCTL_TRANSACT_RSP *response);

/* Paths are Windows style and UTF-8 encoded: "\\dir\\file". The stand-in converts them to
   UTF-16 for the request, as the I/O manager hands them to WinFsp. */
NTSTATUS wf_fsd_create_file(wf_fsd *fsd, const char *path,
    uint32_t desired_access, uint32_t file_attributes, uint32_t share_access,
    uint32_t create_disposition, uint32_t create_options, uint64_t allocation_size,
    wf_fsd_file **file, uint32_t *information);
NTSTATUS wf_fsd_read(wf_fsd_file *file, void *buffer, uint64_t offset, uint32_t length,
    uint32_t *bytes_read);
NTSTATUS wf_fsd_query_info(wf_fsd_file *file, FSP_FSCTL_FILE_INFO *info);
/* Calls entry for each directory entry that matches pattern (NULL or "*" for all), with its
   name in UTF-8; entry returns false to stop early. */
typedef bool wf_fsd_dir_entry_fn(void *ctx, const char *name, const FSP_FSCTL_FILE_INFO *info);
NTSTATUS wf_fsd_query_directory(wf_fsd_file *file, const char *pattern,
    wf_fsd_dir_entry_fn *entry, void *ctx);
NTSTATUS wf_fsd_query_volume(wf_fsd *fsd, FSP_FSCTL_VOLUME_INFO *info);
/* Cleanup, then Close, as the I/O manager does when the last handle goes. */
NTSTATUS wf_fsd_close(wf_fsd_file *file);

#endif
