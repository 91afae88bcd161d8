/* check_report.c — how `winfuse check` reports: a line per case and a summary, or one JSON
   document (written by a tiny emitter that escapes every string). */
#include <stdio.h>
#include <string.h>

#include "check.h"

static const char *wf_check_result_label(wf_check_result result)
{
    switch (result) {
    case WF_CHECK_PASS: return "PASS";
    case WF_CHECK_FAIL: return "FAIL";
    case WF_CHECK_READ_ONLY: return "READ-ONLY";
    case WF_CHECK_SKIP: return "SKIP";
    }
    return "?";
}

static const char *wf_check_result_json(wf_check_result result)
{
    switch (result) {
    case WF_CHECK_PASS: return "pass";
    case WF_CHECK_FAIL: return "fail";
    case WF_CHECK_READ_ONLY: return "read-only";
    case WF_CHECK_SKIP: return "skip";
    }
    return "?";
}

void wf_check_print_line(FILE *out, const wf_check_outcome *outcome)
{
    fprintf(out, "%-10s %s", wf_check_result_label(outcome->result), outcome->name);
    if (outcome->result == WF_CHECK_FAIL && outcome->expected[0] != '\0') {
        fprintf(out, "  expected %s, got %s", outcome->expected, outcome->actual);
        if (outcome->detail[0] != '\0')
            fprintf(out, " (%s)", outcome->detail);
    } else if (outcome->detail[0] != '\0') {
        fprintf(out, "  %s", outcome->detail);
    }
    fputc('\n', out);
}

void wf_check_print_summary(FILE *out, const wf_check_totals *totals, bool read_only,
    const char *read_only_status)
{
    fprintf(out, "%u passed, %u failed, %u read-only, %u skipped", totals->passed,
        totals->failed, totals->read_only, totals->skipped);
    if (read_only)
        fprintf(out, " (read-only for this check: a new directory in the root gave %s;"
            " read-only limits are not failures)", read_only_status);
    fputc('\n', out);
}

/* ---- JSON ------------------------------------------------------------------------------- */

/* The length of the well-formed UTF-8 sequence at text, 0 when it is not one. */
static size_t wf_json_utf8_length(const unsigned char *text)
{
    unsigned char c = text[0];
    size_t length;
    uint32_t code;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        length = 2;
        code = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        length = 3;
        code = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        length = 4;
        code = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < length; i++) {
        if ((text[i] & 0xc0) != 0x80)
            return 0;
        code = code << 6 | (text[i] & 0x3f);
    }
    /* Overlong forms, surrogates and what lies past U+10FFFF are not UTF-8. */
    if ((length == 3 && (code < 0x800 || (code >= 0xd800 && code <= 0xdfff))) ||
        (length == 4 && (code < 0x10000 || code > 0x10ffff)))
        return 0;
    return length;
}

/* A JSON string: quotes, backslashes and control characters escaped; bytes that are not
   UTF-8 become U+FFFD, so that the document always parses. NULL is null. */
static void wf_json_string(FILE *out, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;

    if (text == NULL) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    while (*p != '\0') {
        size_t length = wf_json_utf8_length(p);

        if (length == 0) {
            fputs("\\ufffd", out);
            p++;
            continue;
        }
        if (length > 1) {
            fwrite(p, 1, length, out);
            p += length;
            continue;
        }
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
        p++;
    }
    fputc('"', out);
}

/* "name": value, where an empty or NULL value is null; sep is written first. */
static void wf_json_field(FILE *out, const char *sep, const char *name, const char *value)
{
    fprintf(out, "%s\"%s\": ", sep, name);
    wf_json_string(out, value != NULL && value[0] != '\0' ? value : NULL);
}

void wf_check_print_json(FILE *out, const char *filesystem, const char *mount,
    bool read_only, const char *read_only_status, const wf_check_outcome *outcomes,
    size_t count, const wf_check_totals *totals)
{
    wf_json_field(out, "{\n  ", "filesystem", filesystem);
    wf_json_field(out, ",\n  ", "mount", mount);
    fprintf(out, ",\n  \"read_only\": %s", read_only ? "true" : "false");
    wf_json_field(out, ",\n  ", "read_only_status", read_only ? read_only_status : NULL);
    fputs(",\n  \"cases\": [", out);
    for (size_t i = 0; i < count; i++) {
        const wf_check_outcome *o = &outcomes[i];

        wf_json_field(out, i ? ",\n    {" : "\n    {", "name", o->name);
        wf_json_field(out, ", ", "result", wf_check_result_json(o->result));
        wf_json_field(out, ", ", "behaviour", o->behaviour);
        wf_json_field(out, ", ", "expected", o->expected);
        wf_json_field(out, ", ", "actual", o->actual);
        wf_json_field(out, ", ", "detail", o->detail);
        fputc('}', out);
    }
    fprintf(out, "%s],\n  \"totals\": {\"passed\": %u, \"failed\": %u, \"read_only\": %u, "
        "\"skipped\": %u, \"total\": %zu}\n}\n", count ? "\n  " : "", totals->passed,
        totals->failed, totals->read_only, totals->skipped, count);
}
