/* fuzz_sddl.c — libFuzzer target: SDDL, SID and uidmap= text and binary forms, asserting
   that whatever parses formats back to text (or bytes) that parses to the same thing. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "winfuse/sddl.h"
#include "winfuse/security.h"

#define SD_CAP 65536u
#define TEXT_CAP 65536u

static void fail(const char *what, const uint8_t *data, size_t size)
{
    fprintf(stderr, "fuzz_sddl: property violated: %s (input %zu bytes: \"%.*s\")\n", what,
        size, (int)(size < 200 ? size : 200), (const char *)data);
    abort();
}

/* SID text: parse → format → parse is the same SID, and the format is a fixed point. */
static void sid_text(const uint8_t *data, size_t size)
{
    wf_sid a, b;
    char t1[WF_SID_STRING_MAX], t2[WF_SID_STRING_MAX];
    size_t n1, n2;
    if (wf_sid_from_string((const char *)data, size, &a) != STATUS_SUCCESS)
        return;
    if (wf_sid_to_string(&a, t1, sizeof t1, &n1) != STATUS_SUCCESS || n1 != strlen(t1))
        fail("a parsed SID does not format", data, size);
    if (wf_sid_from_string(t1, n1, &b) != STATUS_SUCCESS || !wf_sid_equal(&a, &b))
        fail("a formatted SID parses to another", data, size);
    if (wf_sid_to_string(&b, t2, sizeof t2, &n2) != STATUS_SUCCESS || strcmp(t1, t2) != 0)
        fail("SID text is not canonical after one round", data, size);
    /* A buffer one short must say so, never overrun. */
    if (wf_sid_to_string(&a, t2, n1, NULL) != STATUS_BUFFER_TOO_SMALL)
        fail("SID text into a short buffer", data, size);
}

/* Binary SID: parse → write gives back the same bytes; the mapping both ways holds. */
static void sid_binary(const uint8_t *data, size_t size)
{
    wf_sid a, b;
    uint8_t out[WF_SID_MAX_SIZE];
    if (wf_sid_from_bytes(data, size, &a) != STATUS_SUCCESS)
        return;
    size_t n = wf_sid_size(&a);
    if (n > size || wf_sid_to_bytes(&a, out, sizeof out) != n || memcmp(out, data, n) != 0)
        fail("a binary SID does not write back as read", data, size);
    if (wf_sid_to_bytes(&a, out, n - 1) != 0)
        fail("a binary SID into a short buffer", data, size);
    if (wf_sid_from_bytes(out, n, &b) != STATUS_SUCCESS || !wf_sid_equal(&a, &b))
        fail("a written SID reads back as another", data, size);
    /* A SID that maps to a uid maps back from it (the table refuses aliases). */
    wf_id_map map;
    memset(&map, 0, sizeof map);
    uint32_t uid;
    if (wf_sid_to_uid(&map, &a, &uid)) {
        wf_uid_to_sid(&map, uid, false, &b);
        wf_sid gsid;
        wf_uid_to_sid(&map, uid, true, &gsid);
        if (!wf_sid_equal(&a, &b) && !wf_sid_equal(&a, &gsid))
            fail("SID -> uid -> SID is another SID", data, size);
    }
}

/* uid → SID → uid holds for every uid (sid_map.h promises it). */
static void uid_round(const uint8_t *data, size_t size)
{
    wf_id_map map;
    memset(&map, 0, sizeof map);
    uint32_t uid = 0;
    memcpy(&uid, data, size < 4 ? size : 4);
    if (size > 4 && (data[4] & 1)) {
        map.domain[0] = 1;
        map.domain[1] = 2;
        map.domain[2] = 3;
    }
    for (int group = 0; group < 2; group++) {
        wf_sid sid;
        uint32_t back = 0;
        wf_uid_to_sid(&map, uid, group, &sid);
        wf_sid_to_uid(&map, &sid, &back);
        if (back != uid)
            fail("uid -> SID -> uid is another uid", data, size);
    }
}

/* uidmap= text: parse → format (UID:SID;...) → parse is the same map. */
static void uidmap_text(const uint8_t *data, size_t size)
{
    wf_id_map a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    NTSTATUS status = wf_id_map_parse_uidmap(&a, (const char *)data, size);
    if (status != STATUS_SUCCESS) {
        if (a.uidmap_count)
            fail("a refused uidmap= leaves entries behind", data, size);
        return;
    }
    if (a.uidmap_count > WF_UIDMAP_MAX)
        fail("uidmap= holds more than its maximum", data, size);
    char text[WF_UIDMAP_MAX * (12 + WF_SID_STRING_MAX)];
    size_t len = 0;
    for (uint32_t i = 0; i < a.uidmap_count; i++) {
        size_t n;
        len += (size_t)snprintf(text + len, sizeof text - len, "%s%u:", i ? ";" : "",
            a.uidmap[i].uid);
        if (wf_sid_to_string(&a.uidmap[i].sid, text + len, sizeof text - len, &n) !=
                STATUS_SUCCESS)
            fail("a uidmap SID does not format", data, size);
        len += n;
    }
    if (wf_id_map_parse_uidmap(&b, text, len) != STATUS_SUCCESS)
        fail("a formatted uidmap= does not parse", data, size);
    if (b.uidmap_count != a.uidmap_count)
        fail("a formatted uidmap= has another count", data, size);
    for (uint32_t i = 0; i < a.uidmap_count; i++)
        if (a.uidmap[i].uid != b.uidmap[i].uid || !wf_sid_equal(&a.uidmap[i].sid,
                &b.uidmap[i].sid))
            fail("a formatted uidmap= has another entry", data, size);
}

/* SDDL text: parse → valid descriptor → SDDL → parse describes the same descriptor (the
   same SDDL again: the layout follows the text's order, so bytes may differ once), and
   from then on text and bytes are fixed points. */
static void sddl_text(const uint8_t *data, size_t size, uint8_t *sd1, uint8_t *sd2,
    char *text1, char *text2)
{
    size_t len1, len2, len3, tlen1, tlen2, need;
    wf_sddl_error error = { 0, NULL };
    NTSTATUS status = wf_sd_from_sddl((const char *)data, size, sd1, SD_CAP, &len1, &error);
    if (status != STATUS_SUCCESS) {
        if (status == STATUS_INVALID_PARAMETER && (!error.reason || error.offset > size))
            fail("an SDDL error without a reason or beyond the text", data, size);
        return;
    }
    /* Sizing call: the same length, nothing written. */
    if (wf_sd_from_sddl((const char *)data, size, NULL, 0, &need, NULL) !=
            STATUS_BUFFER_TOO_SMALL || need != len1)
        fail("SDDL sizing call disagrees", data, size);
    if (wf_sd_validate(sd1, len1) != STATUS_SUCCESS)
        fail("parsed SDDL is not a valid descriptor", data, size);
    if (wf_sd_to_sddl(sd1, len1, text1, TEXT_CAP, &tlen1) != STATUS_SUCCESS)
        fail("a parsed descriptor does not format as SDDL", data, size);
    if (wf_sd_from_sddl(text1, tlen1, sd2, SD_CAP, &len2, NULL) != STATUS_SUCCESS)
        fail("formatted SDDL does not parse", data, size);
    if (len2 != len1)
        fail("formatted SDDL parses to a descriptor of another size", data, size);
    if (wf_sd_to_sddl(sd2, len2, text2, TEXT_CAP, &tlen2) != STATUS_SUCCESS ||
            tlen2 != tlen1 || memcmp(text1, text2, tlen1) != 0)
        fail("formatted SDDL parses to another descriptor", data, size);
    if (wf_sd_from_sddl(text2, tlen2, sd1, SD_CAP, &len3, NULL) != STATUS_SUCCESS ||
            len3 != len2 || memcmp(sd1, sd2, len2) != 0)
        fail("canonical SDDL is not a fixed point", data, size);
    uint32_t uid = 7, gid = 7, mode = 0, present = 0;
    wf_id_map map;
    memset(&map, 0, sizeof map);
    if (wf_sd_to_posix(&map, sd1, len1, &uid, &gid, &mode, &present) != STATUS_SUCCESS)
        fail("a valid descriptor does not map to POSIX", data, size);
}

/* Raw bytes as a descriptor: validation decides, and what it accepts every reader takes. */
static void sd_binary(const uint8_t *data, size_t size, uint8_t *out, char *text)
{
    wf_id_map map;
    memset(&map, 0, sizeof map);
    uint32_t uid = 0, gid = 0, mode = 0, present = 0;
    size_t n;
    NTSTATUS valid = wf_sd_validate(data, size);
    NTSTATUS posix = wf_sd_to_posix(&map, data, size, &uid, &gid, &mode, &present);
    if (valid == STATUS_SUCCESS && posix != STATUS_SUCCESS)
        fail("a valid descriptor does not map to POSIX", data, size);
    if (valid != STATUS_SUCCESS && posix == STATUS_SUCCESS)
        fail("an invalid descriptor maps to POSIX", data, size);
    if (posix == STATUS_SUCCESS && (mode & ~01777u))
        fail("POSIX mode from a descriptor has more than permission bits", data, size);
    NTSTATUS sddl = wf_sd_to_sddl(data, size, text, TEXT_CAP, &n);
    if (valid != STATUS_SUCCESS && sddl == STATUS_SUCCESS)
        fail("an invalid descriptor formats as SDDL", data, size);
    /* SetSecurity's merge with itself and with a descriptor of our own. */
    uint8_t own[WF_SD_FROM_POSIX_MAX];
    size_t own_len;
    if (wf_sd_from_posix(&map, 1000, 1000, 0644, false, own, sizeof own, &own_len) !=
            STATUS_SUCCESS)
        fail("wf_sd_from_posix failed", data, size);
    uint32_t info = size ? data[0] & 0xf : 0;
    size_t merged;
    NTSTATUS m = wf_sd_merge(own, own_len, data, size, info, out, SD_CAP, &merged);
    if (m == STATUS_SUCCESS && wf_sd_validate(out, merged) != STATUS_SUCCESS)
        fail("a merge gives an invalid descriptor", data, size);
    m = wf_sd_merge(data, size, own, own_len, info, out, SD_CAP, &merged);
    if (m == STATUS_SUCCESS && wf_sd_validate(out, merged) != STATUS_SUCCESS)
        fail("a merge gives an invalid descriptor", data, size);
}

/* POSIX → descriptor → POSIX gives back owner, group and permissions (mapped uids). */
static void posix_round(const uint8_t *data, size_t size, char *text, uint8_t *sd2)
{
    uint8_t b[8] = { 0 };
    memcpy(b, data, size < sizeof b ? size : sizeof b);
    static const uint32_t ids[] = { 0, 18, 545, 1000, 65534, 0x30000 + 1001, 197121, 4242 };
    uint32_t uid = ids[b[0] % 8], gid = ids[(b[0] >> 3) % 8];
    uint32_t mode = (uint32_t)(b[1] | b[2] << 8) & 07777;
    bool dir = b[3] & 1;
    wf_id_map map;
    memset(&map, 0, sizeof map);
    uint8_t sd[WF_SD_FROM_POSIX_MAX];
    size_t len, tlen, len2;
    if (wf_sd_from_posix(&map, uid, gid, mode, dir, sd, sizeof sd, &len) != STATUS_SUCCESS)
        fail("wf_sd_from_posix failed", data, size);
    if (wf_sd_validate(sd, len) != STATUS_SUCCESS)
        fail("wf_sd_from_posix made an invalid descriptor", data, size);
    uint32_t u = 1, g = 1, m = 0, present = 0;
    if (wf_sd_to_posix(&map, sd, len, &u, &g, &m, &present) != STATUS_SUCCESS)
        fail("our own descriptor does not map back", data, size);
    if (u != uid || g != gid)
        fail("POSIX -> descriptor -> POSIX changes owner or group", data, size);
    /* The sticky bit only shows on a directory, and only where it limits someone. */
    if ((m & 0777) != (mode & 0777))
        fail("POSIX -> descriptor -> POSIX changes permissions", data, size);
    if (wf_sd_to_sddl(sd, len, text, TEXT_CAP, &tlen) != STATUS_SUCCESS)
        fail("our own descriptor does not format as SDDL", data, size);
    if (wf_sd_from_sddl(text, tlen, sd2, SD_CAP, &len2, NULL) != STATUS_SUCCESS ||
            len2 != len || memcmp(sd, sd2, len) != 0)
        fail("our own descriptor's SDDL parses to another", data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    data++;
    size--;
    /* The text is not NUL-terminated: a copy without the terminator makes ASan see any
       read past len. */
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    uint8_t *sd1 = malloc(SD_CAP), *sd2 = malloc(SD_CAP);
    char *text1 = malloc(TEXT_CAP), *text2 = malloc(TEXT_CAP);
    switch (mode % 6) {
    case 0: sddl_text(copy, size, sd1, sd2, text1, text2); break;
    case 1: sid_text(copy, size); break;
    case 2: sid_binary(copy, size); break;
    case 3: uidmap_text(copy, size); break;
    case 4: sd_binary(copy, size, sd1, text1); break;
    default:
        uid_round(copy, size);
        posix_round(copy, size, text1, sd2);
        break;
    }
    free(text2);
    free(text1);
    free(sd2);
    free(sd1);
    free(copy);
    return 0;
}
