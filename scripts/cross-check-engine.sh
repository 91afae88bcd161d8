#!/bin/sh
# Compiles every engine file for x86_64-w64-mingw32, freestanding: proof that the engine uses
# nothing but platform.h and is correct where long is 32 bits.
set -eu
cd "$(dirname "$0")/.."
status=0
for f in src/engine/*.c; do
    x86_64-w64-mingw32-gcc -std=c11 -ffreestanding -Wall -Wextra -Werror \
        -Iinclude -Isrc -c "$f" -o /dev/null || { echo "cross-compile failed: $f"; status=1; }
done
[ $status -eq 0 ] && echo "engine cross-compiles for x86_64-w64-mingw32: $(ls src/engine/*.c | wc -l) files"
exit $status
