"""list_9p's reading of the 9pnet_virtio driver's sysfs entries
(daemon/impl/ninep.py), on a fake sysfs tree shaped like the kernel's."""

from __future__ import annotations

from pathlib import Path

import pytest

from guestfs_daemon.impl import ninep


def test_mount_tag_loses_the_kernels_trailing_nul_and_newline() -> None:
    assert ninep.parse_mount_tag(b"mytag\0") == "mytag"
    assert ninep.parse_mount_tag(b"mytag\n") == "mytag"
    assert ninep.parse_mount_tag(b"my tag\0\0") == "my tag"
    assert ninep.parse_mount_tag(b"tag") == "tag"
    assert ninep.parse_mount_tag(b"") == ""


def _fake_sysfs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                devices: dict[str, str], bound: dict[str, bytes] | None) -> None:
    """``devices``: virtio device → modalias; ``bound``: driver entry → mount_tag bytes
    (None: the driver is not loaded)."""
    devdir = tmp_path / "devices"
    devdir.mkdir()
    for name, alias in devices.items():
        (devdir / name).mkdir()
        (devdir / name / "modalias").write_text(alias + "\n")
    drv = tmp_path / "9pnet_virtio"
    if bound is not None:
        drv.mkdir()
        for entry, tag in bound.items():
            (drv / entry).mkdir()
            if tag is not None:
                (drv / entry / "mount_tag").write_bytes(tag)
        (drv / "bind").write_text("")  # the driver's own files are not devices
        (drv / "uevent").write_text("")
    monkeypatch.setattr(ninep, "DEVICES_DIR", str(devdir))
    monkeypatch.setattr(ninep, "DRIVER_DIR", str(drv))


def test_tags_are_listed_sorted_without_the_drivers_own_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_sysfs(tmp_path, monkeypatch, {"virtio3": "virtio:d00000009v00001AF4"},
                {"virtio3": b"zshare\0", "virtio1": b"ashare\0", "virtio2": b"m\0"})
    assert ninep.list_9p() == ["ashare", "m", "zshare"]


def test_no_driver_and_no_9p_device_is_an_empty_list(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_sysfs(tmp_path, monkeypatch, {"virtio0": "virtio:d00000008v00001AF4"}, None)
    ran: list[list[str]] = []
    monkeypatch.setattr(ninep, "run", lambda argv, **kw: ran.append(argv))
    assert ninep.list_9p() == []
    assert ran == []  # nothing to load without a 9p device


def test_the_driver_is_loaded_when_a_9p_device_is_unbound(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_sysfs(tmp_path, monkeypatch, {"virtio0": "virtio:d00000002v00001AF4",
                                        "virtio1": "virtio:d00000009v00001AF4"}, None)
    ran: list[list[str]] = []
    monkeypatch.setattr(ninep, "run", lambda argv, **kw: ran.append(argv))
    assert ninep.list_9p() == []
    assert ran == [["modprobe", "9pnet_virtio"]]
