/* fuzz_shell.c — libFuzzer target: the shell's line parser and what reads its words (paths,
   NT flag names, --as identities), against a reference splitter and round-trip properties. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_options.h"
#include "nt_names.h"
#include "path.h"
#include "shell_line.h"

#define MAX_WORDS 64
#define PATH_CAP 4096

static void fail(const char *what, const char *line)
{
    fprintf(stderr, "fuzz_shell: property violated: %s (line \"%.200s\")\n", what, line);
    abort();
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The splitting rules written as a separate character-by-character reader, words copied
   out: blanks separate, quotes group and are dropped, "" inside quotes is one quote. */
static int reference_split(const char *line, char words[][PATH_CAP + 1], int max)
{
    int count = 0;
    size_t i = 0;
    for (;;) {
        while (blank(line[i]))
            i++;
        if (!line[i])
            return count;
        if (count == max)
            return -1;
        size_t n = 0;
        bool quoted = false;
        while (line[i] && (quoted || !blank(line[i]))) {
            if (line[i] == '"' && quoted && line[i + 1] == '"') {
                words[count][n++] = '"';
                i += 2;
            } else if (line[i] == '"') {
                quoted = !quoted;
                i++;
            } else {
                words[count][n++] = line[i++];
            }
        }
        if (line[i])
            i++;        /* the blank that ended the word */
        words[count][n] = '\0';
        count++;
    }
}

/* A word quoted so that the splitter gives it back: "…" with each " doubled. */
static size_t quote_word(const char *word, char *out)
{
    size_t n = 0;
    out[n++] = '"';
    for (; *word; word++) {
        if (*word == '"')
            out[n++] = '"';
        out[n++] = *word;
    }
    out[n++] = '"';
    return n;
}

static void check_resolved(const char *path, const char *line)
{
    size_t n = strlen(path);
    if (path[0] != '\\')
        fail("a resolved path is not absolute", line);
    if (n > 1 && path[n - 1] == '\\')
        fail("a resolved path ends in a separator", line);
    if (strchr(path, '/') || strstr(path, "\\\\"))
        fail("a resolved path keeps / or an empty component", line);
    for (const char *c = path; (c = strchr(c, '\\')) != NULL; c++) {
        if ((c[1] == '.' && (c[2] == '\\' || !c[2])) ||
                (c[1] == '.' && c[2] == '.' && (c[3] == '\\' || !c[3])))
            fail("a resolved path keeps . or ..", line);
    }
}

static void check_path(const char *cwd, const char *word, const char *line)
{
    char out[PATH_CAP], again[PATH_CAP], parent[PATH_CAP], joined[PATH_CAP + 2];
    const char *name;
    if (!wf_path_resolve(cwd, word, out, sizeof out))
        return;
    check_resolved(out, line);
    /* Resolving is idempotent, whatever the current directory. */
    if (!wf_path_resolve("\\x\\y", out, again, sizeof again) || strcmp(out, again) != 0)
        fail("resolving a resolved path changes it", line);
    wf_path_split(out, parent, sizeof parent, &name);
    if (strchr(name, '\\'))
        fail("a split name holds a separator", line);
    snprintf(joined, sizeof joined, "%s%s%s", parent, strcmp(parent, "\\") ? "\\" : "", name);
    if (strcmp(out, "\\") != 0 && strcmp(joined, out) != 0)
        fail("parent and name do not join back to the path", line);
    (void)wf_path_has_wildcards(name);
    /* A tiny buffer refuses, never overruns. */
    char small[4];
    if (wf_path_resolve(cwd, word, small, sizeof small) && strlen(small) >= sizeof small)
        fail("resolve overran a small buffer", line);
}

static void check_nt_names(const char *word, const char *line)
{
    static const wf_nt_names *const tables[] = {
        &wf_nt_access_names, &wf_nt_share_names, &wf_nt_disposition_names,
        &wf_nt_option_names, &wf_nt_attribute_names, &wf_nt_information_names,
        &wf_nt_delete_flag_names, &wf_nt_rename_flag_names,
    };
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        uint32_t value, back;
        const char *bad = NULL;
        char text[2048];
        /* key=value words as the nt commands take them: the value part. */
        const char *eq = strchr(word, '=');
        const char *arg = eq ? eq + 1 : word;
        if (!wf_nt_parse(tables[t], arg, &value, &bad)) {
            if (bad == NULL || bad < arg || bad > arg + strlen(arg))
                fail("a refused flag list points outside its text", line);
            continue;
        }
        wf_nt_format(tables[t], value, text, sizeof text);
        if (!wf_nt_parse(tables[t], text, &back, &bad) || back != value)
            fail("formatted NT names parse to another value", line);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char words[MAX_WORDS][PATH_CAP + 1];
    char *argv[MAX_WORDS + 1];
    if (size > PATH_CAP)
        return 0;
    /* The shell hands the splitter a NUL-terminated line (getline's). */
    char *line = malloc(size + 1), *copy = malloc(size + 1);
    memcpy(line, data, size);
    line[size] = '\0';
    memcpy(copy, line, size + 1);

    int expected = reference_split(copy, words, MAX_WORDS);
    int argc = wf_shell_line_split(line, argv, MAX_WORDS);
    if (argc != expected)
        fail("the splitter and the reference count other words", copy);
    if (argc > 0) {
        char *joined = malloc(2 * size + 3 * (size_t)argc + 1);
        size_t n = 0;
        for (int i = 0; i < argc; i++) {
            if (argv[i] < line || argv[i] > line + size)
                fail("a word points outside the line", copy);
            if (strcmp(argv[i], words[i]) != 0)
                fail("the splitter and the reference give other words", copy);
            n += quote_word(argv[i], joined + n);
            joined[n++] = ' ';
        }
        joined[n] = '\0';
        /* Quoting every word and splitting again gives the same words. */
        char *again[MAX_WORDS + 1];
        if (wf_shell_line_split(joined, again, MAX_WORDS) != argc)
            fail("quoted words split into another count", copy);
        for (int i = 0; i < argc; i++)
            if (strcmp(again[i], words[i]) != 0)
                fail("a quoted word splits into another", copy);
        free(joined);

        char cwd[PATH_CAP];
        if (!wf_path_resolve("\\", argv[0], cwd, sizeof cwd))
            strcpy(cwd, "\\");
        for (int i = 0; i < argc; i++) {
            check_path(cwd, argv[i], copy);
            check_nt_names(argv[i], copy);
            wf_identity identity;
            (void)wf_cli_parse_identity(argv[i], &identity);
            if (identity.group_count > WF_IDENTITY_MAX_GROUPS)
                fail("--as gives more groups than fit", copy);
        }
    }
    free(copy);
    free(line);
    return 0;
}
