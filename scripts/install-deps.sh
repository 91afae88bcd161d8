#!/bin/sh
# Installs the Debian packages that building and testing WinFuse need. Idempotent; run as root.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
    build-essential cmake pkg-config \
    libfuse3-dev fuse3 libcmocka-dev \
    mingw-w64 clang
