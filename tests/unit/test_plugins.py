"""The plugin manager: third-party plugins from the ``guestfs`` entry-point
group join like built-ins, a broken one is reported by name, plugins can be
blocked, and backend names resolve through the registry."""

from __future__ import annotations

import importlib.metadata
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import guestfs
from guestfs import plugins

PLUGIN_SOURCE = '''
from guestfs.backends.base import Backend
from guestfs.errors import GuestFSError
from guestfs.hookspecs import hookimpl


class FakeBackend(Backend):
    name = "fake"
    needs_appliance = False

    def _launch(self, appliance, drives):
        raise GuestFSError(f"fake backend launched with {len(drives)} drives, arg={self.arg}")


@hookimpl
def guestfs_register_backends(registry):
    registry.add("fake", FakeBackend)
'''


@pytest.fixture
def fake_entry_points(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Entry points of group ``guestfs`` that the test controls."""
    (tmp_path / "fake_guestfs_plugin.py").write_text(PLUGIN_SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))
    eps: list[Any] = []
    real = importlib.metadata.entry_points

    def entry_points(**kw: Any) -> Any:
        if kw.get("group") == "guestfs":
            return list(eps)
        return real(**kw)
    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    plugins.get_plugin_manager.cache_clear()
    plugins.get_backends.cache_clear()
    yield eps
    plugins.get_plugin_manager.cache_clear()
    plugins.get_backends.cache_clear()
    sys.modules.pop("fake_guestfs_plugin", None)


def ep(name: str, value: str) -> Any:
    return importlib.metadata.EntryPoint(name=name, value=value, group="guestfs")


def test_a_third_party_backend_is_selected_by_name(fake_entry_points: list[Any]) -> None:
    fake_entry_points.append(ep("fake", "fake_guestfs_plugin"))
    assert "fake" in plugins.get_backends().names()
    g = guestfs.GuestFS(environment=False)
    g.set_backend("fake:xyz")
    g.add_drive_scratch(1 << 20)  # a launch with no drive is refused first, as in stock
    with pytest.raises(RuntimeError, match=r"fake backend launched with 1 drives, arg=xyz"):
        g.launch()
    assert g.is_config()
    g.close()


def test_a_broken_plugin_is_reported_by_name(fake_entry_points: list[Any],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    fake_entry_points.append(ep("broken", "no_such_module_anywhere"))
    fake_entry_points.append(ep("fake", "fake_guestfs_plugin"))
    plugins.get_plugin_manager()
    err = capsys.readouterr().err
    assert "plugin 'broken' (no_such_module_anywhere) failed to load" in err
    assert "ModuleNotFoundError" in err
    assert "Traceback" not in err
    assert "fake" in plugins.get_backends().names()


def test_plugins_can_be_blocked(fake_entry_points: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    fake_entry_points.append(ep("fake", "fake_guestfs_plugin"))
    monkeypatch.setenv("GUESTFS_DISABLE_PLUGINS", "fake,guestfs.backends.libvirt")
    names = plugins.get_backends().names()
    assert "fake" not in names and "libvirt" not in names
    assert "direct" in names


def test_unknown_and_malformed_backends(fake_entry_points: list[Any]) -> None:
    fake_entry_points.append(ep("fake", "fake_guestfs_plugin"))
    g = guestfs.GuestFS(environment=False)
    # An unknown name is refused when set, as stock refuses it; the backend stays.
    for spec in ("nosuch", ":x", "", "DIRECT", "libvirtx:qemu:///system"):
        with pytest.raises(RuntimeError, match=f"^invalid backend: {re.escape(spec)}$"):
            g.set_backend(spec)
        assert g.get_backend() == "direct"
    g.set_backend("fake")  # a plugin's backend is known by its name
    g.set_backend("appliance")  # the old name of direct
    assert g.get_backend() == "direct"
    # A known name with a bad argument is refused at launch.
    for spec, pattern in [("unix", "needs an argument"), ("direct:", "missing argument")]:
        g.set_backend(spec)
        with pytest.raises(RuntimeError, match=pattern):
            g.launch()
        assert g.is_config()
    g.close()
