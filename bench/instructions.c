/* instructions.c — winfuse-bench --instructions: the engine's instructions per WinFsp request on a warm cache, counted by callgrind around each engine call of a driver that answers from memory. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "winfuse/engine.h"
#include "winfuse/fuse_abi.h"
#include "winfuse/linux_errno.h"

/* The file the driver's file system holds, and what it answers with. */
#define WF_INSTR_NODE 2u
#define WF_INSTR_FH 7u
#define WF_INSTR_FILE_SIZE (64u * 1024u)
#define WF_INSTR_BLOCK 4096u
#define WF_INSTR_TTL_S 3600u
#define WF_INSTR_MAX_MESSAGE ((1u << 20) + 4096u)
/* Two runs that differ only in iterations: their difference is the loop's cost alone
   (engine creation, INIT and the warm-up pass cancel out). */
#define WF_INSTR_N_SHORT 200u
#define WF_INSTR_N_LONG 2200u

typedef struct wf_instr {
    wf_engine *engine;
    uint8_t *out;                       /* the FUSE request handed out */
    uint8_t reply[sizeof(struct fuse_out_header) + WF_INSTR_BLOCK];
    FSP_FSCTL_TRANSACT_RSP rsp;         /* the last response (without Buffer[]) */
    bool responded;
    uint64_t next_hint;
} wf_instr;

typedef struct wf_instr_workload {
    const char *name;
    const char *what;
    unsigned requests;                  /* WinFsp requests per iteration */
    unsigned target;                    /* instructions per request, from issue 11 */
} wf_instr_workload;

static const wf_instr_workload wf_instr_workloads[] = {
    { "stat", "warm stat: Create (attributes only), QueryInformation, Cleanup, Close; no FUSE "
        "request", 4, 1500 },
    { "open", "warm open: Create (FILE_GENERIC_READ), Cleanup, Close; OPEN, FLUSH, RELEASE", 3,
        2000 },
    { "read", "4 KiB Read of an open file, copy included; one READ", 1, 2500 },
};
#define WF_INSTR_WORKLOADS (sizeof wf_instr_workloads / sizeof wf_instr_workloads[0])

/* The only code callgrind counts (--toggle-collect=wf_counted_*): each engine call, and
   what the engine calls back (the completion) during it. Not inlined, or there would be
   nothing to toggle on. */
__attribute__((noinline)) static void wf_counted_submit(wf_engine *engine,
    const FSP_FSCTL_TRANSACT_REQ *req, void *buf, size_t cap, size_t *len)
{
    wf_engine_submit_transact(engine, req, buf, cap, len);
}

__attribute__((noinline)) static NTSTATUS wf_counted_transact(wf_engine *engine,
    const void *reply, size_t reply_len, void *buf, size_t cap, size_t *len)
{
    return wf_engine_transact(engine, reply, reply_len, buf, cap, len, 0);
}

static uint64_t wf_instr_clock(void *host)
{
    (void)host;
    return 1000000u;            /* stands still: nothing expires, no timer fires */
}

static void wf_instr_complete(void *host, const FSP_FSCTL_TRANSACT_RSP *rsp)
{
    wf_instr *s = host;
    memcpy(&s->rsp, rsp, sizeof s->rsp);
    s->responded = true;
}

static void wf_instr_die(const char *what, uint64_t value)
{
    fprintf(stderr, "winfuse-bench: instructions: %s (%" PRIu64 ")\n", what, value);
    exit(1);
}

static struct fuse_attr wf_instr_attr(void)
{
    struct fuse_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.ino = WF_INSTR_NODE;
    attr.mode = 0100644;
    attr.nlink = 1;
    attr.uid = attr.gid = 1000;
    attr.size = WF_INSTR_FILE_SIZE;
    attr.blocks = WF_INSTR_FILE_SIZE / 512u;
    attr.blksize = 4096;
    return attr;
}

/* The file system: answers the request in s->out from memory; returns the reply's length. */
static uint32_t wf_instr_answer(wf_instr *s, size_t len)
{
    struct fuse_in_header in;
    struct fuse_out_header out = { sizeof out, 0, 0 };
    uint8_t *body = s->reply + sizeof out;
    uint32_t size = 0;

    if (len < sizeof in)
        wf_instr_die("short FUSE request", len);
    memcpy(&in, s->out, sizeof in);
    out.unique = in.unique;
    switch (in.opcode) {
    case FUSE_INIT: {
        struct fuse_init_out init;
        memset(&init, 0, sizeof init);
        init.major = FUSE_KERNEL_VERSION;
        init.minor = 31;
        init.max_readahead = 128u * 1024u;
        init.max_write = 128u * 1024u;
        init.max_pages = 32;
        init.time_gran = 1;
        memcpy(body, &init, sizeof init);
        size = sizeof init;
        break;
    }
    case FUSE_LOOKUP: {
        struct fuse_entry_out entry;
        memset(&entry, 0, sizeof entry);
        entry.nodeid = WF_INSTR_NODE;
        entry.entry_valid = entry.attr_valid = WF_INSTR_TTL_S;
        entry.attr = wf_instr_attr();
        memcpy(body, &entry, sizeof entry);
        size = sizeof entry;
        break;
    }
    case FUSE_GETATTR: {
        struct fuse_attr_out attr;
        memset(&attr, 0, sizeof attr);
        attr.attr_valid = WF_INSTR_TTL_S;
        attr.attr = wf_instr_attr();
        if (in.nodeid == FUSE_ROOT_ID) {
            attr.attr.ino = FUSE_ROOT_ID;
            attr.attr.mode = 040755;
        }
        memcpy(body, &attr, sizeof attr);
        size = sizeof attr;
        break;
    }
    case FUSE_OPEN: {
        struct fuse_open_out open;
        memset(&open, 0, sizeof open);
        open.fh = WF_INSTR_FH;
        memcpy(body, &open, sizeof open);
        size = sizeof open;
        break;
    }
    case FUSE_FLUSH:
    case FUSE_RELEASE:
        break;
    case FUSE_GETXATTR:
        /* The file has no user.DOSATTRIB yet, as on a fresh file system; the engine keeps
           that answer while the file's ctime stands, so the warm loop asks once. */
        out.error = -WF_ENODATA;
        break;
    case FUSE_READ: {
        struct fuse_read_in read;
        if (len < sizeof in + sizeof read)
            wf_instr_die("short READ", len);
        memcpy(&read, s->out + sizeof in, sizeof read);
        if (read.size > WF_INSTR_BLOCK || read.fh != WF_INSTR_FH)
            wf_instr_die("unexpected READ size", read.size);
        /* Byte j of the file is j mod 251, as memfs's file0000. */
        for (uint32_t i = 0; i < read.size; i++)
            body[i] = (uint8_t)((read.offset + i) % 251u);
        size = read.size;
        break;
    }
    default:
        wf_instr_die("unexpected FUSE opcode", in.opcode);
    }
    out.len += size;
    memcpy(s->reply, &out, sizeof out);
    return out.len;
}

/* One WinFsp request through the engine, and every FUSE request it makes answered. */
static const FSP_FSCTL_TRANSACT_RSP *wf_instr_do(wf_instr *s, FSP_FSCTL_TRANSACT_REQ *req)
{
    size_t len = 0;

    req->Hint = s->next_hint++;
    s->responded = false;
    wf_counted_submit(s->engine, req, s->out, WF_INSTR_MAX_MESSAGE, &len);
    if (len == 0 && !s->responded)
        wf_counted_transact(s->engine, NULL, 0, s->out, WF_INSTR_MAX_MESSAGE, &len);
    while (len != 0) {
        uint32_t n = wf_instr_answer(s, len);
        len = 0;
        NTSTATUS status = wf_counted_transact(s->engine, s->reply, n, s->out,
            WF_INSTR_MAX_MESSAGE, &len);
        if (status != STATUS_SUCCESS)
            wf_instr_die("reply refused", status);
    }
    if (!s->responded || s->rsp.Hint != req->Hint)
        wf_instr_die("no response to WinFsp request of kind", req->Kind);
    if (s->rsp.IoStatus.Status != STATUS_SUCCESS)
        wf_instr_die("WinFsp request failed with NTSTATUS", s->rsp.IoStatus.Status);
    return &s->rsp;
}

static FSP_FSCTL_TRANSACT_REQ *wf_instr_req(uint32_t kind)
{
    FSP_FSCTL_TRANSACT_REQ *req = calloc(1, FSP_FSCTL_TRANSACT_REQ_SIZEMAX);
    if (req == NULL)
        wf_instr_die("out of memory", 0);
    req->Version = sizeof *req;
    req->Size = sizeof *req;
    req->Kind = kind;
    return req;
}

/* Create of \file0000 (ASCII, NUL-terminated as WinFsp sends names). */
static FSP_FSCTL_TRANSACT_REQ *wf_instr_create(uint32_t access, uint32_t options)
{
    static const char path[] = "\\file0000";
    FSP_FSCTL_TRANSACT_REQ *req = wf_instr_req(FspFsctlTransactCreateKind);
    uint16_t name[sizeof path];

    for (size_t i = 0; i < sizeof path; i++)
        name[i] = (uint8_t)path[i];
    memcpy(req->Buffer, name, sizeof name);
    req->FileName.Offset = 0;
    req->FileName.Size = sizeof name;
    req->Size = (uint16_t)(req->Size + FSP_FSCTL_DEFAULT_ALIGN_UP(sizeof name));
    req->Req.Create.CreateOptions = ((uint32_t)FILE_OPEN << 24) | options;
    req->Req.Create.DesiredAccess = access;
    req->Req.Create.ShareAccess = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;
    req->Req.Create.UserMode = 1;
    req->Req.Create.CaseSensitive = 1;
    return req;
}

/* One iteration of a workload; the same requests are reused (the engine copies them). */
typedef struct wf_instr_reqs {
    FSP_FSCTL_TRANSACT_REQ *create, *query, *cleanup, *close, *read;
    uint8_t *data;
    uint64_t read_handle;
    unsigned reads;
} wf_instr_reqs;

static void wf_instr_open_close(wf_instr *s, wf_instr_reqs *r, bool query)
{
    uint64_t handle = wf_instr_do(s, r->create)->Rsp.Create.Opened.UserContext2;
    if (query) {
        r->query->Req.QueryInformation.UserContext2 = handle;
        const FSP_FSCTL_TRANSACT_RSP *rsp = wf_instr_do(s, r->query);
        if (rsp->Rsp.QueryInformation.FileInfo.FileSize != WF_INSTR_FILE_SIZE)
            wf_instr_die("wrong size", rsp->Rsp.QueryInformation.FileInfo.FileSize);
    }
    r->cleanup->Req.Cleanup.UserContext2 = handle;
    wf_instr_do(s, r->cleanup);
    r->close->Req.Close.UserContext2 = handle;
    wf_instr_do(s, r->close);
}

static void wf_instr_read(wf_instr *s, wf_instr_reqs *r)
{
    uint64_t offset = (uint64_t)(r->reads++ % (WF_INSTR_FILE_SIZE / WF_INSTR_BLOCK)) *
        WF_INSTR_BLOCK;
    r->read->Req.Read.Offset = offset;
    const FSP_FSCTL_TRANSACT_RSP *rsp = wf_instr_do(s, r->read);
    if (rsp->IoStatus.Information != WF_INSTR_BLOCK)
        wf_instr_die("short read", rsp->IoStatus.Information);
    for (uint32_t i = 0; i < WF_INSTR_BLOCK; i++)
        if (r->data[i] != (uint8_t)((offset + i) % 251u))
            wf_instr_die("wrong byte at offset", offset + i);
}

int wf_instructions_run(const char *workload, unsigned iterations)
{
    wf_instr s = { .next_hint = 1 };
    wf_instr_reqs r = { 0 };
    wf_engine_params params = {
        .max_message = WF_INSTR_MAX_MESSAGE,
        .max_readahead = 128u * 1024u,
        .uid = 1000, .gid = 1000, .pid = 42,
        .umask = 022,
        .complete = wf_instr_complete,
        .host = &s,
        .clock = wf_instr_clock,
    };
    size_t len = 0;
    unsigned kind;

    for (kind = 0; kind < WF_INSTR_WORKLOADS; kind++)
        if (strcmp(workload, wf_instr_workloads[kind].name) == 0)
            break;
    if (kind == WF_INSTR_WORKLOADS)
        wf_instr_die("no such workload", 0);
    s.out = malloc(WF_INSTR_MAX_MESSAGE);
    r.data = malloc(WF_INSTR_BLOCK);
    if (s.out == NULL || r.data == NULL)
        wf_instr_die("out of memory", 0);
    if (wf_engine_create(&params, &s.engine) != STATUS_SUCCESS)
        wf_instr_die("wf_engine_create failed", 0);
    /* INIT. */
    wf_engine_transact(s.engine, NULL, 0, s.out, WF_INSTR_MAX_MESSAGE, &len, 0);
    if (len == 0)
        wf_instr_die("no INIT", 0);
    uint32_t n = wf_instr_answer(&s, len);
    len = 0;
    wf_engine_transact(s.engine, s.reply, n, s.out, WF_INSTR_MAX_MESSAGE, &len, 0);
    if (len != 0)
        wf_instr_die("a request after INIT", len);

    r.query = wf_instr_req(FspFsctlTransactQueryInformationKind);
    r.cleanup = wf_instr_req(FspFsctlTransactCleanupKind);
    r.close = wf_instr_req(FspFsctlTransactCloseKind);
    if (kind == 0)
        r.create = wf_instr_create(FILE_READ_ATTRIBUTES | SYNCHRONIZE, FILE_OPEN_REPARSE_POINT);
    else
        r.create = wf_instr_create(FILE_GENERIC_READ,
            FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT |
            (kind == 2 ? FILE_NO_INTERMEDIATE_BUFFERING : 0));
    if (kind == 2) {
        r.read_handle = wf_instr_do(&s, r.create)->Rsp.Create.Opened.UserContext2;
        r.read = wf_instr_req(FspFsctlTransactReadKind);
        r.read->Req.Read.UserContext2 = r.read_handle;
        r.read->Req.Read.Address = (uint64_t)(uintptr_t)r.data;
        r.read->Req.Read.Length = WF_INSTR_BLOCK;
    }

    /* One pass to warm the cache (the LOOKUP), then the counted ones. */
    for (unsigned i = 0; i <= iterations; i++) {
        if (kind == 2)
            wf_instr_read(&s, &r);
        else
            wf_instr_open_close(&s, &r, kind == 0);
    }
    if (kind == 2) {
        r.cleanup->Req.Cleanup.UserContext2 = r.read_handle;
        wf_instr_do(&s, r.cleanup);
        r.close->Req.Close.UserContext2 = r.read_handle;
        wf_instr_do(&s, r.close);
    }
    wf_engine_delete(s.engine);
    free(r.create);
    free(r.query);
    free(r.cleanup);
    free(r.close);
    free(r.read);
    free(r.data);
    free(s.out);
    return 0;
}

/* Runs this program's driver under callgrind; returns the instructions it counted. */
static bool wf_instr_count(const char *self, const char *workload, unsigned iterations,
    uint64_t *count)
{
    char log[] = "/tmp/winfuse-instr-XXXXXX", n[16], log_arg[64];
    int fd = mkstemp(log);
    if (fd < 0) {
        fprintf(stderr, "winfuse-bench: mkstemp: %s\n", strerror(errno));
        return false;
    }
    close(fd);
    snprintf(n, sizeof n, "%u", iterations);
    snprintf(log_arg, sizeof log_arg, "--log-file=%s", log);
    pid_t pid = fork();
    if (pid == 0) {
        execlp("valgrind", "valgrind", "--tool=callgrind", "--collect-atstart=no",
            "--toggle-collect=wf_counted_*", "--callgrind-out-file=/dev/null", log_arg,
            self, "--instructions-run", workload, n, (char *)NULL);
        fprintf(stderr, "winfuse-bench: cannot run valgrind: %s\n", strerror(errno));
        _exit(127);
    }
    int status = 0;
    bool ok = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
        WEXITSTATUS(status) == 0;
    FILE *f = fopen(log, "r");
    char line[512];
    bool found = false;
    while (ok && f != NULL && fgets(line, sizeof line, f) != NULL) {
        const char *p = strstr(line, "Collected :");
        if (p != NULL)
            found = sscanf(p, "Collected : %" SCNu64, count) == 1;
    }
    if (f != NULL)
        fclose(f);
    if (!ok || !found)
        fprintf(stderr, "winfuse-bench: callgrind run of %s failed (see %s)\n", workload, log);
    else
        unlink(log);
    return ok && found;
}

int wf_instructions_main(const char *self)
{
    bool met = true;

    printf("Engine instructions per WinFsp request, warm cache (callgrind, counted inside the "
        "engine's\ncalls only; runs of %u and %u iterations, the difference divided):\n\n",
        WF_INSTR_N_LONG, WF_INSTR_N_SHORT);
    printf("| workload | WinFsp requests | instructions per request | target |\n");
    printf("|---|---:|---:|---:|\n");
    for (unsigned k = 0; k < WF_INSTR_WORKLOADS; k++) {
        const wf_instr_workload *w = &wf_instr_workloads[k];
        uint64_t short_run, long_run;
        if (!wf_instr_count(self, w->name, WF_INSTR_N_SHORT, &short_run) ||
            !wf_instr_count(self, w->name, WF_INSTR_N_LONG, &long_run))
            return 1;
        double per = ((double)long_run - (double)short_run) /
            (double)(WF_INSTR_N_LONG - WF_INSTR_N_SHORT) / (double)w->requests;
        printf("| %s | %u | %.0f | %u |\n", w->what, w->requests, per, w->target);
        fflush(stdout);
        met = met && per <= w->target;
    }
    printf("\n%s\n", met ? "every target met" : "not every target met");
    return 0;
}
