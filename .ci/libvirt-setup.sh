#!/bin/sh
# Install libvirt and its Python binding, then make sure libvirtd (and
# virtlogd) run.  Idempotent; works with or without a running systemd.
set -eu

PYTHON=${PYTHON:-python3}

PACKAGES="libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients python3-libvirt
          libvirt-dev pkg-config gcc"
# shellcheck disable=SC2086  # word splitting of the package list is wanted
if ! dpkg -s $PACKAGES >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $PACKAGES
fi

# The project's Python (PYTHON, e.g. .venv/bin/python) may not be Debian's:
# build the binding for it too (from source, against libvirt-dev).
if ! "$PYTHON" -c 'import libvirt' >/dev/null 2>&1; then
    "$PYTHON" -m pip install -q libvirt-python
fi

answers() { virsh -c qemu:///system version >/dev/null 2>&1; }
running() { pgrep -x "$1" >/dev/null 2>&1; }

if ! answers && command -v systemctl >/dev/null 2>&1 && \
   systemctl is-system-running 2>/dev/null | grep -Eq 'running|degraded|starting'; then
    systemctl start virtlogd.socket libvirtd.socket libvirtd.service || true
fi
# No systemd (containers, CI): run the daemons ourselves.  qemu's output
# goes through virtlogd, so it must run too (its socket exists when it runs
# or when systemd activates it on demand).
if [ ! -S /run/libvirt/virtlogd-sock ] && ! running virtlogd; then
    /usr/sbin/virtlogd -d
fi
if ! answers && ! running libvirtd; then
    /usr/sbin/libvirtd -d
fi

i=0
until answers; do
    i=$((i + 1))
    if [ "$i" -gt 50 ]; then
        echo "libvirt-setup: libvirtd does not answer on qemu:///system" >&2
        exit 1
    fi
    sleep 0.2
done
echo "libvirt-setup: libvirtd ready ($(virsh -c qemu:///system version --daemon 2>/dev/null \
    | sed -n 's/^Running against daemon: *//p'))"
