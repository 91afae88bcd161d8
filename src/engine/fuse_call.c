/* fuse_call.c — FUSE requests described once: building them, writing them out, and
   checking every reply against what was asked before any byte of it is used. */
#include "engine/engine_internal.h"

_Static_assert(sizeof(struct fuse_in_header) == 40 &&
    offsetof(struct fuse_in_header, padding) + sizeof(uint16_t) == 40,
    "wf_call_serialize sets each field of fuse_in_header: a new one must be set there");
_Static_assert(sizeof(wf_fuse_call) - (offsetof(wf_fuse_call, out_size) + sizeof(uint32_t)) <
    sizeof(uint64_t),
    "wf_call_begin sets wf_fuse_call field by field: a new field must be set there");

void wf_call_begin(wf_op *op, uint32_t opcode, uint64_t nodeid)
{
    /* Field by field, not cleared whole: in[] and out[] are read only below their counts. */
    wf_fuse_call *call = &op->call;
    call->opcode = opcode;
    call->nodeid = nodeid;
    call->in_count = 0;
    call->out_count = 0;
    call->out_variable = false;
    call->no_reply = false;
    call->error = 0;
    call->out_size = 0;
}

void wf_call_in(wf_op *op, const void *value, uint32_t size)
{
    wf_fuse_call *call = &op->call;
    call->in[call->in_count].value = value;
    call->in[call->in_count].size = size;
    call->in_count++;
}

void wf_call_out(wf_op *op, void *value, uint32_t size)
{
    wf_fuse_call *call = &op->call;
    call->out[call->out_count].value = value;
    call->out[call->out_count].size = size;
    call->out_count++;
}

uint32_t wf_call_serialize(const wf_fuse_call *call, uint64_t unique,
    uint32_t uid, uint32_t gid, uint32_t pid, void *buf, size_t cap)
{
    size_t len = sizeof(struct fuse_in_header);
    for (uint32_t i = 0; i < call->in_count; i++)
        len += call->in[i].size;
    if (len > cap || len > UINT32_MAX)
        return 0;

    /* Every field set (the struct has no padding of its own): no clearing call. */
    struct fuse_in_header header;
    header.len = (uint32_t)len;
    header.opcode = call->opcode;
    header.unique = unique;
    header.nodeid = call->nodeid;
    header.uid = uid;
    header.gid = gid;
    header.pid = pid;
    header.total_extlen = 0;
    header.padding = 0;

    uint8_t *p = buf;
    wf_mem_copy(p, &header, sizeof header);
    p += sizeof header;
    for (uint32_t i = 0; i < call->in_count; i++) {
        wf_mem_copy(p, call->in[i].value, call->in[i].size);
        p += call->in[i].size;
    }
    return (uint32_t)len;
}

NTSTATUS wf_call_deliver(wf_fuse_call *call, const struct fuse_out_header *header,
    const uint8_t *body, uint32_t body_size)
{
    call->out_size = 0;
    if (header->error) {
        /* An error reply has no body, and its errno is a small positive number. */
        if (body_size || header->error > 0 || header->error <= -4096) {
            call->error = 0;
            return STATUS_INVALID_PARAMETER;
        }
        call->error = -header->error;
        return STATUS_SUCCESS;
    }
    call->error = 0;

    uint32_t expected = 0;
    for (uint32_t i = 0; i < call->out_count; i++)
        expected += call->out[i].size;
    if (call->out_variable ? body_size > expected : body_size != expected)
        return STATUS_INVALID_PARAMETER;

    uint32_t left = body_size;
    for (uint32_t i = 0; i < call->out_count && left; i++) {
        uint32_t n = call->out[i].size < left ? call->out[i].size : left;
        wf_mem_copy(call->out[i].value, body, n);
        body += n;
        left -= n;
    }
    call->out_size = body_size;
    return STATUS_SUCCESS;
}
