# Wraps CMake: `make` builds into build/ (CLI at build/winfuse); `make check` runs every test.
BUILD ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all check clean sanitize cross bench wine-check

all: $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

check: all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize:
	$(MAKE) check BUILD=build-sanitize CMAKE_FLAGS="-DWF_SANITIZE=ON"

# WinFuse beside the Linux kernel's FUSE on memfs (mounts under /tmp: run as root);
# docs/performance.md says how to read it. Not a test: ctest does not run it.
bench: all
	$(BUILD)/winfuse-bench

# Proof that the engine is freestanding (no C library, only platform.h), right where long is
# 32 bits, and fit for the NT kernel with src/platform/nt.c (scripts/cross-check-engine.sh).
cross:
	scripts/cross-check-engine.sh

# The engine's unit tests and fuzz corpus replays as Windows x64 programs (mingw-w64, Win32
# synchronization), run under Wine in build-wine/; the script lists what cannot run there.
wine-check:
	scripts/wine-check.sh

clean:
	rm -rf build build-sanitize build-wine
