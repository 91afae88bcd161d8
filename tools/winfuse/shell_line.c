/* shell_line.c — the shell's line parser: a command line split into words, apart from the
   shell so that the fuzz target links it alone. */
#include "shell_line.h"

#include <stdbool.h>

int wf_shell_line_split(char *line, char **argv, int max)
{
    int argc = 0;
    char *in = line;

    while (*in != '\0') {
        char *out;
        bool quoted = false;

        while (*in == ' ' || *in == '\t' || *in == '\r' || *in == '\n')
            in++;
        if (*in == '\0')
            break;
        if (argc == max)
            return -1;
        argv[argc++] = out = in;
        for (; *in != '\0'; in++) {
            if (*in == '"') {
                if (quoted && in[1] == '"') {
                    *out++ = *in++;     /* "" within quotes: a literal quote */
                    continue;
                }
                quoted = !quoted;
                continue;
            }
            if (!quoted && (*in == ' ' || *in == '\t' || *in == '\r' || *in == '\n')) {
                in++;
                break;
            }
            *out++ = *in;
        }
        *out = '\0';
    }
    return argc;
}
