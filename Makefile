# Wraps CMake: `make` builds into build/ (CLI at build/winfuse); `make check` runs every test.
BUILD ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all check clean sanitize cross bench instructions wine-check nt nt-check nt-sign

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
# BENCH_ARGS: winfuse-bench options (e.g. --runs 11, --only random); see docs/performance.md.
bench: all
	BUILD=$(BUILD) scripts/bench-run.sh $(BENCH_ARGS)
	$(BUILD)/winfuse-mount-bench

# The engine's instructions per WinFsp request on a warm cache, counted by callgrind (no
# mount, no root, no timing: the same on any machine); docs/performance.md. Twice: as the
# CMake default builds the engine (with its WF_DEBUG coroutine checks, which the tests
# rely on), then as it ships (without them, as `make nt` builds the driver), in
# $(SHIPPED) with only the benchmark built.
SHIPPED ?= $(BUILD)-shipped
instructions: all
	@echo "== engine with its debug checks (WF_DEBUG, the CMake default: $(BUILD)/)"
	$(BUILD)/winfuse-bench --instructions
	cmake -S . -B $(SHIPPED) -DWF_DEBUG=OFF >/dev/null
	cmake --build $(SHIPPED) -j $(JOBS) --target winfuse-bench
	@echo "== engine as shipped (WF_DEBUG off, as the NT driver is built: $(SHIPPED)/)"
	$(SHIPPED)/winfuse-bench --instructions

# Proof that the engine is freestanding (no C library, only platform.h), right where long is
# 32 bits, and fit for the NT kernel with src/platform/nt.c (scripts/cross-check-engine.sh).
cross:
	scripts/cross-check-engine.sh

# The engine's unit tests and fuzz corpus replays as Windows x64 programs (mingw-w64, Win32
# synchronization), run under Wine in build-wine/ (the script lists what cannot run there);
# install.cmd under Wine; and winfuse-x64.sys end to end under Wine behind a WinFsp stand-in
# (scripts/wine-driver-check.sh).
wine-check: nt
	scripts/wine-check.sh

# winfuse-x64.sys, the NT kernel driver (a WinFsp file-system extension): the engine, nt.c and
# src/drivers/winfuse cross-built with mingw-w64 and the kernel flags (docs/windows.md).
NT_BUILD := build-nt
MINGW := x86_64-w64-mingw32
NT_CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror -ffreestanding -fno-stack-protector \
    -mno-stack-arg-probe -mgeneral-regs-only -Wframe-larger-than=1024 -fno-strict-aliasing \
    -ffunction-sections -fdata-sections -D_KERNEL_MODE -I/usr/$(MINGW)/include/ddk -Iinclude
NT_LDFLAGS := -nostdlib -Wl,--subsystem,native -Wl,--dynamicbase -Wl,--nxcompat \
    -Wl,--gc-sections -Wl,--disable-auto-import -Wl,--disable-runtime-pseudo-reloc -e DriverEntry
NT_OBJ := $(patsubst src/%.c,$(NT_BUILD)/%.o,$(wildcard src/engine/*.c) src/platform/nt.c \
    $(wildcard src/drivers/winfuse/*.c))

nt: $(NT_BUILD)/winfuse-x64.sys $(NT_BUILD)/standin/winfsp-x64.sys

# src/ is the engine's and the platform's own include path (as in CMakeLists.txt); the
# driver sees include/ and its own directory.
$(NT_BUILD)/engine/%.o $(NT_BUILD)/platform/%.o: NT_PRIVATE := -Isrc

$(NT_BUILD)/%.o: src/%.c
	@mkdir -p $(@D)
	$(MINGW)-gcc $(NT_CFLAGS) $(NT_PRIVATE) -MMD -MP -c $< -o $@

-include $(NT_OBJ:.o=.d)

# Our own import library: WinFsp's shipped winfsp-x64.lib links but leaves an empty import
# descriptor (docs/windows.md).
$(NT_BUILD)/libwinfsp-x64.a: src/drivers/winfuse/winfsp-x64.def
	@mkdir -p $(@D)
	$(MINGW)-dlltool -m i386:x86-64 -d $< -l $@ -k

$(NT_BUILD)/winfuse-x64.sys: $(NT_OBJ) $(NT_BUILD)/libwinfsp-x64.a
	$(MINGW)-gcc $(NT_LDFLAGS) -o $@ $(NT_OBJ) -L$(NT_BUILD) -lwinfsp-x64 -lntoskrnl

# The WinFsp stand-in that runs winfuse-x64.sys under Wine (tests/nt): a driver named as
# WinFsp's, so that the provider's imports bind to it.
$(NT_BUILD)/standin/winfsp_standin.o: tests/nt/winfsp_standin.c
	@mkdir -p $(@D)
	$(MINGW)-gcc $(NT_CFLAGS) -Isrc/drivers/winfuse -Itests/nt -MMD -MP -c $< -o $@

-include $(NT_BUILD)/standin/winfsp_standin.d

$(NT_BUILD)/standin/winfsp-x64.sys: $(NT_BUILD)/standin/winfsp_standin.o
	$(MINGW)-gcc $(NT_LDFLAGS) -o $@ $< -lntoskrnl

# The driver image check (scripts/check-driver-image.sh) on a fresh build.
nt-check: nt
	scripts/check-driver-image.sh $(NT_BUILD)/winfuse-x64.sys

# A test-signed copy of the driver, for a Windows machine in test-signing mode (docs/windows.md,
# "Installing"). The certificate and its key are made here, in build-nt/, and never committed.
# osslsigncode recomputes the PE checksum; the image check proves it.
NT_CERT := $(NT_BUILD)/winfuse-test.crt
NT_KEY := $(NT_BUILD)/winfuse-test.key

$(NT_CERT):
	@mkdir -p $(@D)
	openssl req -x509 -newkey rsa:3072 -nodes -sha256 -days 365 \
	    -subj "/CN=WinFuse test signing (made by make nt-sign)" \
	    -addext extendedKeyUsage=codeSigning -addext keyUsage=digitalSignature \
	    -keyout $(NT_KEY) -out $@ 2>/dev/null

$(NT_BUILD)/winfuse-x64-testsigned.sys: $(NT_BUILD)/winfuse-x64.sys $(NT_CERT)
	rm -f $@
	osslsigncode sign -certs $(NT_CERT) -key $(NT_KEY) -h sha256 -n "WinFuse" -in $< -out $@

nt-sign: $(NT_BUILD)/winfuse-x64-testsigned.sys
	osslsigncode verify -in $< -CAfile $(NT_CERT)
	scripts/check-driver-image.sh $<

clean:
	rm -rf build build-sanitize build-wine build-nt build-shipped
