"""Recommended qemu machine options and kernel arguments for booting our appliance.

Measured under TCG (no KVM) on 2-core hosts, qemu 7.2, Debian kernel 6.1
booted as a PVH ``vmlinux`` (``_kernel.py``) with a trimmed initrd
(``_initrd.py``).  What mattered, largest first:

- the PVH ``vmlinux`` instead of the bzImage (~2.3 s) and loading 21
  modules in the initrd instead of 52 (~0.5 s);
- qboot instead of SeaBIOS as firmware (~0.3 s from qemu start to kernel);
- a CPU model without AVX (``Nehalem``): ~10 % less host CPU than ``max``,
  because glibc's AVX2 string functions are costly to emulate;
- ``cryptomgr.notests`` (the crypto self-tests take ~0.3 s), then
  ``rodata=off`` (skips the W+X page-table walk), ``mitigations=off``,
  ``init_on_alloc=0`` and ``audit=0``: together ~0.2 s of guest CPU.

``q35`` boots slightly faster than ``pc`` here.  The direct backend
imports these; nothing in the appliance depends on them (stock libguestfs
boots it with its own command line).
"""

from __future__ import annotations

import os

#: qemu ``-machine`` type and properties, without ``accel=`` (the backend adds it).
#: SMM and vmport only cost emulation time; nothing in the appliance uses them.
MACHINE = "q35"
MACHINE_PROPERTIES: tuple[str, ...] = ("smm=off", "vmport=off")

#: ``-cpu`` under TCG (with KVM use ``host``).
TCG_CPU = "Nehalem"

#: qboot: minimal firmware that jumps straight to the kernel; SeaBIOS otherwise.
QBOOT = "/usr/share/qemu/qboot.rom"

#: Kernel command line for every launch (the backend adds ``root=``,
#: ``quiet`` or ``guestfs_verbose=1``, ``TERM=`` and the user's ``append``).
KERNEL_ARGS: tuple[str, ...] = (
    "panic=1",              # reboot (so qemu with -no-reboot exits) on a panic
    "console=ttyS0",
    "8250.nr_uarts=1",      # probe one serial port, not 32
    "edd=off",
    "no_timer_check",
    "tsc=reliable",         # no clocksource watchdog: TCG timing is jittery
    "printk.time=1",
    "cgroup_disable=memory",
    "usbcore.nousb",
    "cryptomgr.notests",    # the crypto self-tests take ~0.3 s under TCG
    "rodata=off",           # skips the W+X page-table walk at boot
    "mitigations=off",      # a throw-away VM: no side channels to defend
    "init_on_alloc=0",      # Debian zeroes every page it allocates by default
    "random.trust_cpu=on",
    "audit=0",
    "nowatchdog",
    "selinux=0",
)


def firmware_args() -> list[str]:
    """``-bios qboot.rom`` where qboot is installed, else nothing (SeaBIOS)."""
    return ["-bios", QBOOT] if os.path.exists(QBOOT) else []


def machine_arg(accel: str) -> str:
    """The full ``-machine`` value for ``accel`` (``tcg`` or ``kvm``)."""
    return ",".join((MACHINE, f"accel={accel}", *MACHINE_PROPERTIES))
