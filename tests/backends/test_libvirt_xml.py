"""The libvirt backend's domain XML (golden files) and the element classes
of ``guestfs/backends/_domain_xml.py``; no VM is started.

Golden files live in ``tests/data/libvirt/``; refresh them with
``pytest --regenerate-output``.  Where libvirt-python is installed, each
golden document is also validated against libvirt's schema with the
``test:///default`` driver.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from typing import Any

import pytest

import guestfs
from guestfs.appliance import Appliance
from guestfs.backends._domain_xml import (
    DomainDisk,
    DomainSeclabel,
    DomainXML,
    XMLChildren,
    XMLElement,
    XMLProperty,
)
from guestfs.backends.context import LaunchContext
from guestfs.backends.libvirt import LibvirtBackend
from guestfs.drives import Drive
from guestfs.plugins import get_backends

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "libvirt")
RUNDIR = "/tmp/guestfs-golden/run1"
APPLIANCE = Appliance(kernel="/appliance/kernel", initrd="/appliance/initrd",
                      root="/appliance/root", kind="fixed", directory="/appliance")
ROOT_LABEL = DomainSeclabel(type="static", model="dac", relabel=False, label="+0:+0",
                            imagelabel="+0:+0")


def make_backend(drives: list[Drive], *, accel: str = "tcg", hv: str | None = None,
                 seclabels: tuple[DomainSeclabel, ...] = (ROOT_LABEL,),
                 **settings: Any) -> LibvirtBackend:
    """A libvirt backend in the state ``_pre_launch`` leaves, with fixed paths."""
    g = guestfs.GuestFS(environment=False)
    g._settings.update(settings)
    if hv:
        g._settings["hv"] = hv
    b = LibvirtBackend(LaunchContext.for_handle(g, RUNDIR))
    b.domname = "guestfs-golden"
    b.accel = accel
    b.seclabels = list(seclabels)
    b.overlays = {i: f"{RUNDIR}/overlay{i}.qcow2" for i, d in enumerate(drives) if d.readonly}
    b.formats = {i: "raw" for i, d in enumerate(drives) if not d.readonly and not d.format}
    b.appliance_overlay = f"{RUNDIR}/overlay{len(drives)}.qcow2"
    # _pre_launch makes them in a private directory of the sockdir.
    b.sockpath = f"{RUNDIR}/guestfsd.sock"
    b.console_path = f"{RUNDIR}/console.sock"
    return b


def check_golden(request: pytest.FixtureRequest, name: str, text: str) -> None:
    """Compare ``text`` with ``tests/data/libvirt/<name>.xml`` (or rewrite it)."""
    path = os.path.join(DATA, f"{name}.xml")
    if request.config.getoption("--regenerate-output"):
        os.makedirs(DATA, exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return
    if not os.path.exists(path):
        pytest.fail(f"golden file {path} is missing: run pytest --regenerate-output")
    with open(path) as f:
        assert text == f.read(), f"{path} differs (pytest --regenerate-output to refresh)"


CASES: dict[str, tuple[list[Drive], dict[str, Any]]] = {
    "no-drives": ([], {}),
    "basic": ([Drive("/images/disk.img", format="raw"),
               Drive("/images/guest.qcow2", readonly=True, format="qcow2")], {}),
    "options": ([Drive("/images/a & <b>.img", format="qcow2", cachemode="unsafe",
                       discard="enable", copyonread=True, blocksize=4096),
                 Drive("/images/probed.img"),
                 Drive("/images/virtio.img", format="raw", iface="virtio")],
                {"memsize": 1024, "smp": 2}),
    "network": ([Drive("/images/disk.img", format="raw")], {"network": True}),
    "kvm-selinux": ([Drive("/images/disk.img", format="raw")],
                    {"accel": "kvm", "hv": "/usr/local/bin/qemu-kvm",
                     "seclabels": (DomainSeclabel(type="none", model="selinux"),)}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_domain_xml(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
                           name: str) -> None:
    """The appliance domain for each case is byte for byte the golden one.

    The kernel command line is the direct backend's (tested below), so it is
    fixed here: changes to it need no new golden files."""
    monkeypatch.setattr("guestfs.backends.libvirt.kernel_cmdline",
                        lambda g, appliance: "console=ttyS0 root=/dev/sdX")
    drives, opts = CASES[name]
    kw = {k: opts[k] for k in ("accel", "hv", "seclabels") if k in opts}
    settings = {k: v for k, v in opts.items() if k not in kw}
    b = make_backend(drives, **kw, **settings)
    text = b.domain_xml(APPLIANCE, drives).to_xml()
    check_golden(request, name, text)


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_xml_passes_libvirt_schema(name: str) -> None:
    """libvirt's own schema accepts every golden document."""
    libvirt = pytest.importorskip("libvirt", reason="libvirt-python is not installed")
    path = os.path.join(DATA, f"{name}.xml")
    with open(path) as f:
        text = f.read()
    conn = libvirt.open("test:///default")
    try:
        dom = conn.defineXMLFlags(text, libvirt.VIR_DOMAIN_DEFINE_VALIDATE)
        dom.undefine()
    finally:
        conn.close()


def test_appliance_is_last_scsi_disk_and_tcg_by_default() -> None:
    drives = [Drive("/i/a", format="raw"), Drive("/i/b", readonly=True, format="raw")]
    dom = make_backend(drives).domain_xml(APPLIANCE, drives)
    assert dom.type == "qemu"
    assert dom.cpu is not None and dom.cpu.mode == "maximum"
    last = dom.disks[-1]
    assert (last.source_file, last.driver_type, last.target_dev) == (
        f"{RUNDIR}/overlay2.qcow2", "qcow2", "sdc")
    assert [d.address_target for d in dom.disks] == [0, 1, 2]
    assert dom.disks[1].source_file == f"{RUNDIR}/overlay1.qcow2"  # read-only → overlay
    assert dom.channels[0].target_name == "org.libguestfs.channel.0"
    assert dom.channels[0].source_mode == "connect"


def test_config_parameters_become_qemu_commandline() -> None:
    """``config`` reaches qemu through libvirt too, in order, valid for
    libvirt's schema."""
    g = guestfs.GuestFS(environment=False)
    g.config("-virtfs", "local,path=/srv,mount_tag=share,security_model=none")
    g.config("-no-hpet", None)
    b = make_backend([], hvparams=g._settings["hvparams"])
    text = b.domain_xml(APPLIANCE, []).to_xml()
    q = "{http://libvirt.org/schemas/domain/qemu/1.0}"
    el = ET.fromstring(text)
    args = [a.get("value") for a in el.iter(f"{q}arg")]
    assert args == ["-virtfs", "local,path=/srv,mount_tag=share,security_model=none", "-no-hpet"]
    libvirt = pytest.importorskip("libvirt", reason="libvirt-python is not installed")
    conn = libvirt.open("test:///default")
    try:
        conn.defineXMLFlags(text, libvirt.VIR_DOMAIN_DEFINE_VALIDATE).undefine()
    finally:
        conn.close()


def test_same_kernel_command_line_as_direct(monkeypatch: pytest.MonkeyPatch) -> None:
    from guestfs.backends.qemu import QemuBackend

    monkeypatch.setenv("TERM", "linux")
    b = make_backend([])
    q = QemuBackend(b.ctx)
    dom = b.domain_xml(APPLIANCE, [])
    assert dom.os is not None and dom.os.cmdline == q.kernel_cmdline(APPLIANCE)


def test_force_tcg_setting_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    from guestfs.backends import qemu

    monkeypatch.setattr(qemu, "kvm_usable", lambda: True)
    g = guestfs.GuestFS(environment=False)
    assert qemu.choose_accel(LaunchContext.for_handle(g, RUNDIR)) == "kvm"
    g.set_backend_setting("force_tcg", "1")
    assert qemu.choose_accel(LaunchContext.for_handle(g, RUNDIR)) == "tcg"


def test_backend_is_registered_with_optional_uri() -> None:
    backends = get_backends()
    assert backends.lookup("libvirt") == (LibvirtBackend, None)
    assert backends.lookup("libvirt:qemu:///system") == (LibvirtBackend, "qemu:///system")


# -- the element classes --------------------------------------------------

GUEST = """<domain type='kvm' id='3'>
  <name>guest</name>
  <uuid>0b6a2e4f-6f4e-4bd4-9fd3-7d1f2d3c4b5a</uuid>
  <memory unit='KiB'>1048576</memory>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='none'/>
      <source file='/var/lib/libvirt/images/guest.qcow2'/>
      <target dev='vda' bus='virtio'/>
      <blockio logical_block_size='4096' physical_block_size='4096'/>
    </disk>
    <disk type='block' device='disk'>
      <source dev='/dev/vg/data'/>
      <target dev='vdb' bus='virtio'/>
      <readonly/>
      <shareable/>
    </disk>
    <disk type='file' device='cdrom'>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
    <interface type='network'><source network='default'/></interface>
  </devices>
</domain>
"""


def test_reads_a_guests_disks() -> None:
    dom = DomainXML.from_xml(GUEST)
    assert (dom.type, dom.name, dom.memory, dom.memory_unit) == ("kvm", "guest", 1048576, "KiB")
    assert dom.emulator == "/usr/bin/qemu-system-x86_64"
    a, b, c = dom.disks
    assert (a.type, a.source_path, a.driver_type, a.blockio_logical, a.readonly) == (
        "file", "/var/lib/libvirt/images/guest.qcow2", "qcow2", 4096, None)
    assert (b.type, b.source_path, b.driver_type, b.readonly, b.shareable) == (
        "block", "/dev/vg/data", None, True, True)
    assert (c.device, c.source_path, c.readonly) == ("cdrom", None, True)


def test_reading_invents_no_defaults() -> None:
    dom = DomainXML.from_xml(GUEST)
    assert dom.on_reboot is None and dom.memballoon is None and dom.cpu is None
    assert dom.disks[1].driver_name is None


def test_round_trip_keeps_known_fields() -> None:
    dom = DomainXML.from_xml(GUEST)
    again = DomainXML.from_xml(dom.to_xml())
    assert again == dom
    assert [d.source_path for d in again.disks] == [d.source_path for d in dom.disks]


def test_set_defaults_keeps_explicit_values() -> None:
    dom = DomainXML(type="kvm", on_reboot="restart", vcpu=4)
    dom.disks.append(DomainDisk(type="block", source_dev="/dev/sdz"))
    dom.set_defaults()
    assert (dom.type, dom.on_reboot, dom.on_poweroff, dom.vcpu) == ("kvm", "restart", "destroy", 4)
    assert dom.cpu is not None and dom.cpu.mode == "host-passthrough"
    assert (dom.disks[0].type, dom.disks[0].driver_name) == ("block", "qemu")


def test_flag_property_written_only_when_true() -> None:
    assert "<readonly" in DomainDisk(readonly=True).to_xml()
    assert "readonly" not in DomainDisk(readonly=False).to_xml()


def test_bad_documents_are_refused() -> None:
    with pytest.raises(ValueError, match="expected a <domain>"):
        DomainXML.from_xml("<network/>")
    with pytest.raises(ValueError, match="cannot parse"):
        DomainXML.from_xml("<domain>")
    with pytest.raises(TypeError, match="no field 'nosuch'"):
        DomainXML(nosuch=1)


def test_a_new_element_class_is_just_declarations() -> None:
    class Hostdev(XMLElement):
        tag = "hostdev"
        mode = XMLProperty("@mode")
        managed = XMLProperty("@managed", "yesno")
        address = XMLProperty("source/address/@bus", "int")

    class Holder(XMLElement):
        tag = "devices"
        hostdevs = XMLChildren(Hostdev)

    h = Holder(hostdevs=[Hostdev(mode="subsystem", managed=True, address=3)])
    text = h.to_xml()
    assert '<hostdev mode="subsystem" managed="yes">' in text
    assert '<address bus="3" />' in text
    back = Holder.from_xml(text)
    assert (back.hostdevs[0].managed, back.hostdevs[0].address) == (True, 3)


def test_launch_without_libvirt_python_says_what_to_install(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """libvirt-python is optional: only this backend needs it, and says so."""
    import sys

    monkeypatch.setitem(sys.modules, "libvirt", None)  # import libvirt → ImportError
    fake = tmp_path / "appliance"
    fake.mkdir()
    for part in ("README.fixed", "kernel", "initrd", "root"):
        (fake / part).write_bytes(b"")
    g = guestfs.GuestFS(environment=False)
    try:
        g.set_path(str(fake))
        g.set_tmpdir(str(tmp_path))
        g.set_backend("libvirt")
        g.add_drive_scratch(1 << 20)
        with pytest.raises(RuntimeError, match="pip install libvirt-python"):
            g.launch()
    finally:
        g.close()
    assert sorted(os.listdir(tmp_path)) == ["appliance"]
