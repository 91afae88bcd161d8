#!/bin/sh
# Installs the Debian packages that building and testing WinFuse need. Idempotent; run as root.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
    build-essential cmake pkg-config \
    libfuse3-dev fuse3 libcmocka-dev \
    mingw-w64 clang
# make instructions (winfuse-bench --instructions) counts the engine's instructions with
# valgrind's callgrind.
apt-get install -y --no-install-recommends valgrind
# make bench draws its chart of WinFuse / kernel per workload (scripts/bench-chart.sh).
apt-get install -y --no-install-recommends gnuplot-nox
# make cross checks the NT kernel imports against Wine's ntoskrnl.exe export table; make
# wine-check runs the engine's tests under it (wine64 and wineserver are in /usr/lib/wine;
# its compiler, x86_64-w64-mingw32-gcc-posix, comes with mingw-w64).
apt-get install -y --no-install-recommends wine64
# make nt-sign: a throwaway code-signing certificate (openssl) and the Authenticode signature
# (osslsigncode; 2.5 of bookworm and 2.9 both recompute the PE checksum).
apt-get install -y --no-install-recommends openssl osslsigncode
# The fuzz targets (scripts/fuzz.sh): libFuzzer and the sanitizer runtimes for clang, and
# llvm-profdata / llvm-cov for scripts/fuzz-coverage.sh.
apt-get install -y --no-install-recommends libclang-rt-14-dev llvm
# The compatibility matrix (docs/compatibility.md, tests/e2e/compat): third-party FUSE file
# systems and what their tests make fixtures with and inspect them by. sshd is only run by
# the sshfs test, on 127.0.0.1, with a config of its own; strace watches the splice path;
# python3 reads `winfuse check --json` (scripts/compat-table.py, test_check.sh).
apt-get install -y --no-install-recommends \
    sshfs openssh-server openssh-client \
    squashfuse squashfs-tools \
    fuse2fs e2fsprogs \
    bindfs \
    fuse-zip zip unzip \
    rclone gocryptfs \
    attr xxd strace procps python3
# The matrix's second half: union and overlay file systems over plain directories, two
# encrypting ones run non-interactively, tar archives, and ntfs-3g on an image made by mkntfs
# (ntfsfix, ntfsinfo and ntfscat read it afterwards).
apt-get install -y --no-install-recommends \
    ntfs-3g \
    mergerfs unionfs-fuse fuse-overlayfs \
    encfs securefs \
    archivemount tar
# Samba reads back what WinFuse stores (tests/e2e/samba_lib.sh, test_samba_*.sh): smbd on
# 127.0.0.1 with a config of the test's own, streams_xattr from samba-vfs-modules, smbclient;
# ss (iproute2) finds a free port.
apt-get install -y --no-install-recommends samba samba-vfs-modules smbclient iproute2
# `winfuse mount` (docs/mount.md, tests/e2e/test_mount*.sh): the Linux programs run through
# it (git, rsync, tar, setpriv of util-linux), and fio and stress-ng as its POSIX stress
# clients.
apt-get install -y --no-install-recommends git rsync util-linux fio stress-ng
