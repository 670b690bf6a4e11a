# Set-up, build and test entry points.  Every target installs what it needs,
# so `make demo` and `make check` work on a fresh Debian 12 machine as root.

PYTHON ?= python3
VENV ?= .venv
VPY := $(VENV)/bin/python
# rsync, tang, sasl2-bin and selinux-policy-default serve the tests (rsync and tang
# servers, a SASL libvirtd, a real SELinux policy to relabel a guest with).
APT_PACKAGES := qemu-system-x86 qemu-utils supermin linux-image-amd64 python3 python3-venv \
	tar gzip xz-utils zstd kmod libvirt-dev pkg-config gcc python3-dev libfuse3-dev fuse3 \
	systemd rsync tang sasl2-bin selinux-policy-default
# The stock libguestfs is a test peer and benchmark baseline only.
PEER_PACKAGES := libguestfs-tools python3-guestfs

.PHONY: all deps peer-deps libvirt venv appliance demo check test unit lint generate bench clean reliability conformance

all: appliance

deps: .stamp-deps
.stamp-deps: appliance/host-packages Makefile
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		$(APT_PACKAGES) $$(grep -v '^#' appliance/host-packages)
	touch $@

peer-deps: .stamp-peer-deps
.stamp-peer-deps: .stamp-deps
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(PEER_PACKAGES)
	touch $@

# libvirt's daemon and the Python binding, for the libvirt backend's tests.
libvirt: venv
	PYTHON=$(VPY) sh .ci/libvirt-setup.sh

venv: $(VENV)/.stamp
$(VENV)/.stamp: pyproject.toml .stamp-deps
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q -e '.[test,libvirt,fuse]'
	$(VPY) -m pip install -q -e examples/guestfs-example-backend
	touch $@

appliance: venv
	$(VPY) appliance/prepare.py

demo: appliance
	$(VPY) examples/demo.py

unit: venv
	$(VPY) -m pytest -q tests/unit

lint: venv
	$(VENV)/bin/ruff check guestfs daemon appliance tests bench examples
	$(VENV)/bin/mypy guestfs daemon
	$(VPY) -m guestfs.actions.codegen --check

# Rewrite the generated typed methods (guestfs/_methods.py) from the registry.
generate: venv
	$(VPY) -m guestfs.actions.codegen

check: appliance peer-deps libvirt lint
	$(VPY) -m pytest -q --durations=40 -m "not kvm and not reliability and not conformance"

# The long comparisons with stock (inspection of many guests, LUKS formats, whole tool
# runs: each a minute or more under TCG), left out of make check to keep CI under 45 min.
conformance: appliance peer-deps
	$(VPY) -m pytest -q -m "conformance and not kvm" tests

# The long runs (issue 11): every fuzzer at >= 100,000 inputs, every fault,
# the full leak counts; prints one table of figures (bench/reliability_report.py).
RELIABILITY_REPORT ?= bench/results/reliability.jsonl
reliability: appliance peer-deps libvirt
	mkdir -p $(dir $(RELIABILITY_REPORT)) && rm -f $(RELIABILITY_REPORT)
	GUESTFS_FUZZ_PROFILE=reliability GUESTFS_RELIABILITY_REPORT=$(abspath $(RELIABILITY_REPORT)) \
		GUESTFS_RELIABILITY_LEAK_SEQUENCE=50 GUESTFS_RELIABILITY_LEAK_PARALLEL=4 \
		$(VPY) -m pytest -q -m "not kvm" tests/fuzz tests/reliability tests/regressions; \
		status=$$?; $(VPY) bench/reliability_report.py $(RELIABILITY_REPORT); exit $$status

test: check

bench: appliance peer-deps
	$(VPY) bench/bench.py

clean:
	rm -rf appliance/build .stamp-deps .stamp-peer-deps
