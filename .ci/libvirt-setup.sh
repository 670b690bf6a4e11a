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
# A socket file can outlive its daemon (a /run kept from an earlier boot or
# session): only a socket that accepts a connection counts.
listening() {
    /usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(2)
s.connect(sys.argv[1])' "$1" >/dev/null 2>&1
}
wait_for() {  # wait_for WHAT COMMAND...: up to 10 s
    what=$1; shift
    i=0
    until "$@"; do
        i=$((i + 1))
        if [ "$i" -gt 50 ]; then
            echo "libvirt-setup: $what does not answer" >&2
            exit 1
        fi
        sleep 0.2
    done
}

if ! answers && command -v systemctl >/dev/null 2>&1 && \
   systemctl is-system-running 2>/dev/null | grep -Eq 'running|degraded|starting'; then
    systemctl start virtlogd.socket libvirtd.socket libvirtd.service || true
fi
# No systemd (containers, CI): run the daemons ourselves.  qemu's output
# goes through virtlogd, so it must run too.
VIRTLOGD_SOCK=/run/libvirt/virtlogd-sock
if ! listening "$VIRTLOGD_SOCK"; then
    pkill -x virtlogd 2>/dev/null || true
    rm -f "$VIRTLOGD_SOCK" /run/libvirt/virtlogd-admin-sock /run/virtlogd.pid
    /usr/sbin/virtlogd -d
    wait_for virtlogd listening "$VIRTLOGD_SOCK"
fi
if ! answers; then
    pkill -x libvirtd 2>/dev/null || true
    rm -f /run/libvirtd.pid
    /usr/sbin/libvirtd -d
fi
wait_for "libvirtd (qemu:///system)" answers
echo "libvirt-setup: libvirtd ready ($(virsh -c qemu:///system version --daemon 2>/dev/null \
    | sed -n 's/^Running against daemon: *//p'))"
