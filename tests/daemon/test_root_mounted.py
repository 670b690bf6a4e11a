"""The daemon's "is something mounted on the sysroot" answer, kept between
calls until the mount table may have changed (a program started, a mount
system call), so a run of file calls spends no system call on it.

Run on the host, as root, with a temporary directory as the sysroot and a
tmpfs mounted on it by mount(8) through the daemon's own program runner.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from guestfs_daemon import context
from guestfs_daemon.lib import programs

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")


@pytest.fixture
def sysroot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    root = str(tmp_path / "sysroot")
    os.mkdir(root)
    monkeypatch.setattr(context, "SYSROOT", root)
    yield root
    if os.path.ismount(root):
        os.system(f"umount -l '{root}'")


def _count_stats(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the paths os.stat is called on from now on."""
    seen: list[str] = []
    real = os.stat

    def counting(path: Any, *a: Any, **kw: Any) -> os.stat_result:
        seen.append(os.fspath(path))
        return real(path, *a, **kw)
    monkeypatch.setattr(os, "stat", counting)
    return seen


def test_mount_and_umount_through_programs_are_seen(sysroot: str) -> None:
    assert context.is_root_mounted() is False
    programs.run(["mount", "-t", "tmpfs", "none", sysroot])
    assert context.is_root_mounted() is True
    programs.run(["umount", sysroot])
    assert context.is_root_mounted() is False


def test_the_answer_is_kept_until_the_mount_table_may_change(sysroot: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    programs.run(["mount", "-t", "tmpfs", "none", sysroot])
    assert context.is_root_mounted() is True
    stats = _count_stats(monkeypatch)
    for _ in range(5):
        assert context.is_root_mounted() is True
    assert sysroot not in stats
    context.mounts_may_change()
    assert context.is_root_mounted() is True
    assert stats.count(sysroot) == 1


def test_a_mount_below_an_unmounted_sysroot_counts(sysroot: str) -> None:
    below = os.path.join(sysroot, "sqsh")
    os.mkdir(below)
    assert context.is_root_mounted() is False
    programs.run(["mount", "-t", "tmpfs", "none", below])
    try:
        assert context.is_root_mounted() is True
    finally:
        programs.run(["umount", below])
    assert context.is_root_mounted() is False


def test_another_sysroot_is_looked_at_afresh(sysroot: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    programs.run(["mount", "-t", "tmpfs", "none", sysroot])
    assert context.is_root_mounted() is True
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.setattr(context, "SYSROOT", str(other))
    assert context.is_root_mounted() is False
