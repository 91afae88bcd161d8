/* op_setinfo.c — SetInformation: one handler per information class. */
#include "engine/engine_internal.h"

wf_step wf_op_set_information(wf_op *op)
{
    const wf_file *file = wf_op_file(op->req->Req.SetInformation.UserContext2);

    /* A stream handle: its size and delete are the stream's (stream.c); its basic
       information is the file's. */
    if (file && file->stream &&
            op->req->Req.SetInformation.FileInformationClass != FileBasicInformation)
        return wf_stream_set_information(op);
    switch (op->req->Req.SetInformation.FileInformationClass) {
    case FileBasicInformation:
        return wf_setinfo_basic(op);
    case FileAllocationInformation:
        return wf_setinfo_allocation(op);
    case FileEndOfFileInformation:
        return wf_setinfo_end_of_file(op);
    case FileDispositionInformation:
    case FileDispositionInformationEx:
        return wf_setinfo_disposition(op);
    case FileRenameInformation:
    case FileRenameInformationEx:
        return wf_setinfo_rename(op);
    case FileLinkInformation:
        /* WinFsp's FSD does not pass this class; the stand-in (and a future FSD) uses the
           Rename layout: NewFileName, and AccessToken != 0 for ReplaceIfExists. */
        return wf_setinfo_link(op);
    default:
        op->status = STATUS_INVALID_INFO_CLASS;
        return WF_STEP_DONE;
    }
}
