# numaplace: BPF programs -> skeletons -> one agent binary, plus tests and the VM test bed.
#
#   make            build build/numaplace (installs missing build packages: scripts/deps.sh)
#   make check      all tests: unit, CLI + fixtures, host BPF, fuzzers (a few seconds each),
#                   VM scenarios (check, demo, bench and fuzz install the test packages first)
#   make fuzz       the libFuzzer harnesses, FUZZ_SECONDS (60) each; FUZZ=NAME runs one
#   make bench      BPF cost per event, traced/untraced slowdown, and placement speed in the
#                   2-node guest against AutoNUMA and numad (figures, not pass/fail)
#   make demo       boot the 2-node test VM and show what numaplace sees there
#   make image      the container image (dist/Containerfile) with podman, base made here
#   make image-test that image built and run as the DaemonSet runs it (tests/dist-image.sh)
#   make vmlinux    regenerate vmlinux/$(ARCH)/vmlinux.h from this kernel's BTF
#   make install    binary, man page, systemd unit, and the example config when there is none
#                   (PREFIX=/usr/local, DESTDIR for staging); make uninstall stops the service
#                   and removes them
#   make deb        build/numaplace_<version>_<arch>.deb (scripts/deb.sh), for apt install
#   V=1             show every command
.DELETE_ON_ERROR:
.SUFFIXES:

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' -e 's/ppc64le/powerpc/')
BUILD := build
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= gcc
# One home for the version (scripts/version.sh: from git describe), for the binary and the
# Debian package alike; evaluated once here, not at every use
VERSION ?= $(shell scripts/version.sh)
VERSION := $(VERSION)

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

VMLINUX := vmlinux/$(ARCH)/vmlinux.h
BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))

# agent/ has one folder per pipeline stage (README, Architecture); tests/layering.sh keeps
# every file to headers of its own or an earlier stage.
AGENT_SRCS := $(filter-out agent/cli/main.c,$(wildcard agent/*/*.c))
AGENT_OBJS := $(patsubst agent/%.c,$(BUILD)/agent/%.o,$(AGENT_SRCS))
TEST_SRCS := $(wildcard tests/unit/*.c)
TEST_OBJS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%.o,$(TEST_SRCS))

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Iagent -Iinclude -I$(BUILD) -MMD -MP
LDLIBS := -lbpf -lelf -lz -lnuma -ljson-c -linih -lpcre2-8
# top's interactive view: ncurses (Debian's libncurses-dev), the wide build where there is one
LDLIBS += $(shell pkg-config --libs ncursesw 2>/dev/null || pkg-config --libs ncurses 2>/dev/null || echo -lncurses)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Ivmlinux/$(ARCH) -Iinclude \
	-Wall -Werror -Wno-unused-function

# Packages are checked once per build tree and group; deps.sh itself installs only what is
# missing. Building needs the build group only; tests, the VM test bed, fuzzing and make deb
# add theirs.
DEPS_OK := $(BUILD)/.deps-build-ok
DEPS_TEST := $(BUILD)/.deps-test-ok

# Keep BPF objects and skeletons: make would otherwise delete them as intermediates.
.SECONDARY: $(BPF_OBJS) $(SKELS)

all: $(BUILD)/numaplace

$(BUILD)/.deps-%-ok: scripts/deps.sh
	$(Q)mkdir -p $(@D)
	$(Q)scripts/deps.sh --$*
	$(Q)touch $@

# BPF object: CO-RE against the committed vmlinux.h
$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(VMLINUX) $(wildcard include/*_shared.h) | $(DEPS_OK)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# Skeleton: the BPF object embedded in a header the agent includes
$(BUILD)/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(BUILD)/agent/%.o: agent/%.c | $(DEPS_OK)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# Only the objects that embed a skeleton wait for it (and are rebuilt when its BPF changes);
# -MMD records it for later builds, these lines make the first build find it.
$(BUILD)/agent/sample/sampler.o: $(BUILD)/sample.skel.h
$(BUILD)/agent/sample/bpf_ready.o: $(BUILD)/probe.skel.h

# The version in the binary (lib/version.c). The file build/version changes only when the
# version does (written as the Makefile is read, so that `make -n` sees no change), and only
# version.o depends on it.
$(shell mkdir -p $(BUILD) && { echo '$(VERSION)' | cmp -s - $(BUILD)/version || \
	echo '$(VERSION)' >$(BUILD)/version; })
$(BUILD)/agent/lib/version.o: $(BUILD)/version
$(BUILD)/agent/lib/version.o: CFLAGS += -DNP_VERSION='"$(VERSION)"'

$(BUILD)/libnumaplace.a: $(AGENT_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/numaplace: $(BUILD)/agent/cli/main.o $(BUILD)/libnumaplace.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%.o: tests/unit/%.c | $(DEPS_OK)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itests/unit -c $< -o $@

# Test workload: inference-like readers streaming a buffer (used inside the VM)
$(BUILD)/np-stream: tests/workload/np-stream.c $(BUILD)/libnumaplace.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libnumaplace.a -lpthread

# Test workloads in the shapes of real servers (vLLM workers, Ollama runners, llama.cpp
# replicas; tests/vm/scenarios/engine-*.sh), sharing tests/workload/engine.c
ENGINES := $(BUILD)/np-vllm $(BUILD)/np-ollama $(BUILD)/np-llama
$(ENGINES): $(BUILD)/np-%: tests/workload/np-%.c tests/workload/engine.c tests/workload/engine.h | $(DEPS_OK)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< tests/workload/engine.c -lnuma -lpthread

# Test driver: the IRQ act layer on its own, in the VM (tests/vm/scenarios/irqs-2node.sh)
$(BUILD)/np-irq: tests/tools/np-irq.c $(BUILD)/libnumaplace.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libnumaplace.a $(LDLIBS)

# Test driver: the daemon's snapshots under thread churn, on this host (tests/host-bpf.sh)
$(BUILD)/np-snap: tests/tools/np-snap.c $(BUILD)/libnumaplace.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libnumaplace.a $(LDLIBS)

# Reference mover for the placement figures (used inside the VM by make bench)
$(BUILD)/np-move: tests/bench/np-move.c | $(DEPS_OK)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< -lnuma -lpthread

# The daemon's cost to other processes between its sampling windows (make bench)
$(BUILD)/np-duty: tests/bench/np-duty.c tests/bench/loops.h | $(DEPS_OK)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< -lpthread

$(BUILD)/np-bench: tests/bench/np-bench.c tests/bench/loops.h $(BUILD)/libnumaplace.a $(BUILD)/floor.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libnumaplace.a $(LDLIBS) -lpthread

# NVML test double (tests/nvml/): libnvidia-ml.so.1 by its soname, answering from a state file,
# for hosts without NVIDIA hardware; never installed. np-nvml-check drives numaplace's NVML code
# against it (tests/nvml.sh).
NVML_DOUBLE := $(BUILD)/tests/nvml/libnvidia-ml.so.1
$(NVML_DOUBLE): tests/nvml/nvml_double.c | $(DEPS_OK)
	$(call msg,CC-SO,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden \
		-Wl,-soname,libnvidia-ml.so.1 -o $@ $<

nvml-double: $(NVML_DOUBLE)

$(BUILD)/np-nvml-check: tests/nvml/np-nvml-check.c $(BUILD)/libnumaplace.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libnumaplace.a $(LDLIBS)

# -lpthread: the journal tests fork children with a second thread
$(BUILD)/unit-tests: $(TEST_OBJS) $(BUILD)/libnumaplace.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lpthread

# Fuzzing (tests/fuzz/): a libFuzzer harness per parser of outside input, built with clang
# and the sanitizers against the agent sources it needs, compiled apart from the gcc objects
# (build/fuzz/). `make fuzz` runs each for FUZZ_SECONDS (FUZZ=NAME: that one only); new corpus
# entries go to build/fuzz/corpus/NAME, never into the tree.
FUZZ_SECONDS ?= 60
FUZZ ?=
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_NAMES))
# the stages the parsers live in (the linker takes from the archive only what a harness uses)
FUZZ_AGENT := $(wildcard $(patsubst %,agent/%/*.c,lib topo model policy config)) \
	agent/output/metrics_http.c agent/output/json_text.c agent/output/status_json.c \
	agent/output/status_read.c agent/output/status_text.c agent/output/json_doc.c
FUZZ_OBJS := $(patsubst agent/%.c,$(BUILD)/fuzz/agent/%.o,$(FUZZ_AGENT))
# UBSan findings abort like ASan's, so that libFuzzer counts them as crashes
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-std=gnu11 -Wall -Wextra -Iagent -Iinclude -I$(BUILD) -MMD -MP

$(BUILD)/fuzz/agent/%.o: agent/%.c | $(DEPS_OK) $(DEPS_TEST)
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

$(BUILD)/fuzz/libagent.a: $(FUZZ_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/fuzz/libagent.a
	$(call msg,CC-FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Werror -Itests/fuzz -o $@ $< $(BUILD)/fuzz/libagent.a $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz.sh $(FUZZ)

# VM test bed: Debian's kernel (fetched, not installed) and an initramfs with numaplace in it
VM_INITRD := $(BUILD)/vm/initramfs.cpio.gz
$(VM_INITRD): $(BUILD)/numaplace $(BUILD)/np-stream $(BUILD)/np-irq $(BUILD)/np-move $(ENGINES) \
		$(NVML_DOUBLE) tests/lib.sh $(wildcard tests/vm/init tests/vm/*.sh tests/vm/scenarios/*.sh tests/vm/demo/*.sh tests/vm/lib/*.sh tests/vm/bench/*.sh tests/bench/footprint.sh) \
		| $(DEPS_TEST)
	$(call msg,INITRD,$@)
	$(Q)tests/vm/mkinitramfs.sh "$$(scripts/guest-kernel.sh)" $@

vm-image: $(VM_INITRD)

check: $(BUILD)/numaplace $(BUILD)/unit-tests $(BUILD)/np-snap $(NVML_DOUBLE) $(BUILD)/np-nvml-check \
	$(FUZZ_BINS) $(VM_INITRD) | $(DEPS_TEST)
	$(Q)tests/run-all.sh

# Container image (dist/Containerfile): podman, a Debian 12 base debootstrapped from the mirror
# (no registry needed); minutes, so not part of check
image:
	$(Q)scripts/image.sh

image-test:
	$(Q)tests/dist-image.sh

demo: $(VM_INITRD)
	$(Q)tests/vm/demo.sh

bench: $(BUILD)/np-bench $(BUILD)/np-duty $(VM_INITRD)
	$(Q)tests/bench/run.sh

vmlinux:
	$(call msg,GEN,$(VMLINUX))
	$(Q)mkdir -p $(dir $(VMLINUX))
	$(Q){ printf '/* Generated by `make vmlinux` from the BTF of Linux %s (%s):\n' \
		"$$(uname -r)" "$(ARCH)"; \
	  printf ' * bpftool btf dump file /sys/kernel/btf/vmlinux format c. CO-RE relocations\n'; \
	  printf ' * adapt the programs to other kernels at load time. */\n'; \
	  $(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c; } > $(VMLINUX)

# Installation. The configuration is the operator's: installed only where none exists, and
# removed by uninstall only when it is still the example.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
CONF := $(DESTDIR)$(SYSCONFDIR)/numaplace/numaplace.conf

install: $(BUILD)/numaplace
	$(call msg,INSTALL,$(DESTDIR)$(SBINDIR)/numaplace)
	$(Q)install -D -m 0755 $(BUILD)/numaplace $(DESTDIR)$(SBINDIR)/numaplace
	$(call msg,INSTALL,$(DESTDIR)$(MANDIR)/man8/numaplace.8)
	$(Q)install -D -m 0644 dist/numaplace.8 $(DESTDIR)$(MANDIR)/man8/numaplace.8
	$(call msg,INSTALL,$(DESTDIR)$(UNITDIR)/numaplace.service)
	$(Q)install -d -m 0755 $(DESTDIR)$(UNITDIR)
	$(Q)sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		dist/numaplace.service > $(DESTDIR)$(UNITDIR)/numaplace.service
	$(Q)chmod 0644 $(DESTDIR)$(UNITDIR)/numaplace.service
	$(Q)if [ -e $(CONF) ]; then \
		printf '  %-8s %s\n' KEEP "$(CONF) (exists; the example is dist/numaplace.conf)"; \
	else \
		printf '  %-8s %s\n' INSTALL "$(CONF)"; \
		install -D -m 0644 dist/numaplace.conf $(CONF); \
	fi

# The service is stopped first (where systemd runs it), so that the daemon undoes its placements
# while its binary is still there; nothing to do without systemd or under DESTDIR.
uninstall:
	$(Q)if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ] && \
		systemctl --quiet is-active numaplace.service 2>/dev/null; then \
		printf '  %-8s %s\n' STOP numaplace.service; systemctl stop numaplace.service; \
	fi
	$(call msg,REMOVE,$(DESTDIR)$(SBINDIR)/numaplace)
	$(Q)rm -f $(DESTDIR)$(SBINDIR)/numaplace $(DESTDIR)$(MANDIR)/man8/numaplace.8 \
		$(DESTDIR)$(UNITDIR)/numaplace.service
	$(Q)if cmp -s dist/numaplace.conf $(CONF); then \
		rm -f $(CONF); rmdir $(dir $(CONF)) 2>/dev/null || true; \
	elif [ -e $(CONF) ]; then \
		printf '  %-8s %s\n' KEEP "$(CONF) (changed from the example)"; \
	fi

# Debian package (scripts/deb.sh): the binary built again in build/hardened with Debian's
# hardening flags (dpkg-buildflags: stack protector, _FORTIFY_SOURCE, relro, bindnow), packaged
# with dpkg-deb; dpkg-shlibdeps gives its Depends
DEB_BIN := $(BUILD)/hardened/numaplace
deb: | $(BUILD)/.deps-deb-ok
	$(Q)eval "$$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)" && \
		CFLAGS="$$CFLAGS $$CPPFLAGS" $(MAKE) --no-print-directory BUILD=$(BUILD)/hardened $(DEB_BIN)
	$(Q)out=$$(scripts/deb.sh '$(VERSION)' $(BUILD) $(DEB_BIN)) && \
		printf '  %-8s %s\n' DEB "$${out#$(CURDIR)/}"

# Format the lines changed since FORMAT_BASE (HEAD: what is not committed yet; main~3: the last
# three commits), not whole files: clang-format 14 lays out some untouched code differently
# from how it was written, and a whole-tree pass is a change of its own.
FORMAT_BASE ?= HEAD
format:
	git clang-format --force --extensions c,h $(FORMAT_BASE) -- agent include bpf tests/unit tests/fuzz tests/tools tests/workload tests/bench

clean:
	rm -rf $(BUILD)

.PHONY: all bench check deb demo fuzz fuzz-build image image-test nvml-double vm-image vmlinux \
	install uninstall format clean

-include $(wildcard $(BUILD)/agent/*/*.d $(BUILD)/tests/*.d $(BUILD)/fuzz/agent/*/*.d \
	$(BUILD)/fuzz/*.d)
