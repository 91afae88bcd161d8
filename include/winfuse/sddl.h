/* sddl.h — security descriptors as SDDL text and back (src/sddl: the CLI and the tests, not the engine). */
#ifndef WINFUSE_SDDL_H
#define WINFUSE_SDDL_H

#include <stddef.h>
#include <stdint.h>

#include "winfuse/ntstatus.h"
#include "winfuse/security.h"

/* The descriptor as SDDL text, e.g. "O:S-1-5-21-…-1001G:BUD:P(A;;FA;;;S-1-…)(A;;0x1200a9;;;WD)":
   SIDs by their SDDL abbreviation where one exists (WD, SY, BA, BU, AU, CO, …), rights as
   FA/FR/FW/FX/GA/GR/GW/GX when the mask is exactly that, else 0x-hex. NUL-terminated;
   STATUS_BUFFER_TOO_SMALL when cap is short; STATUS_INVALID_SECURITY_DESCR if malformed. */
NTSTATUS wf_sd_to_sddl(const void *sd, size_t len, char *out, size_t cap, size_t *out_len);

/* Where SDDL text stopped making sense: the offset of the first character not understood,
   and what was expected there (a static string). */
typedef struct wf_sddl_error {
    size_t offset;
    const char *reason;
} wf_sddl_error;

/* SDDL text[0..len) → a self-relative descriptor, strictly, for the subset wf_sd_to_sddl
   writes and the common hand-written forms: "O:SID", "G:SID" and "D:FLAGS ACES", each at
   most once, in any order (laid out in that order). SID: "S-1-…" or a two-letter
   abbreviation (WD, SY, BA, BU, AU, CO, …). FLAGS: P, AR, AI; "NO_ACCESS_CONTROL" is a NULL
   DACL, "D:" alone an empty one. ACE: "(A;FLAGS;RIGHTS;;;SID)" or "(D;…)" — allow or deny
   only; ACE flags OI CI NP IO ID; RIGHTS one number (0x-hex, or decimal without a leading
   0) or two-letter rights in a row (FA FR FW FX, GA GR GW GX, SD RC WD WO, CC DC LC SW RP WP
   DT LO CR). Keywords are upper case; no white space; no SACL. Anything else is
   STATUS_INVALID_PARAMETER with *error (optional) saying where and why. cap short (or out
   NULL): STATUS_BUFFER_TOO_SMALL with *out_len the size needed. */
NTSTATUS wf_sd_from_sddl(const char *text, size_t len, void *out, size_t cap, size_t *out_len,
    wf_sddl_error *error);

#endif
