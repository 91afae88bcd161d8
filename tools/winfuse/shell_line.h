/* shell_line.h — the shell's line parser: a command line split into words. */
#ifndef WINFUSE_TOOLS_SHELL_LINE_H
#define WINFUSE_TOOLS_SHELL_LINE_H

/* Splits line in place into words: blanks separate, double quotes group (and are
   dropped), two double quotes within quotes are one literal quote ("a""b" is a"b, for the
   DOS_DOT wildcard); backslashes are ordinary characters, as paths are full of them.
   Fills argv[0..max) with pointers into line; returns the word count, or -1 when there
   are more than max words. */
int wf_shell_line_split(char *line, char **argv, int max);

#endif
