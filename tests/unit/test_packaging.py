"""pyproject.toml against the tree: every package folder is listed, the
daemon and the appliance recipe install under names of their own, the pytest
plugin is opt-in."""

from __future__ import annotations

import os
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

with open(os.path.join(ROOT, "pyproject.toml"), "rb") as _f:
    PYPROJECT = tomllib.load(_f)
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def _folder(package: str) -> str:
    """The source folder of an installed package name, through package-dir."""
    top, _, rest = package.partition(".")
    base = SETUPTOOLS.get("package-dir", {}).get(top, top)
    return os.path.join(ROOT, base, *rest.split(".")) if rest else os.path.join(ROOT, base)


def _package_folders() -> set[str]:
    """Every folder with an ``__init__.py`` under the shipped trees."""
    found = set()
    for top in ("guestfs", "daemon", "appliance"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, top)):
            dirnames[:] = [d for d in dirnames if d not in ("__pycache__", "build")]
            if "__init__.py" in filenames:
                found.add(os.path.normpath(dirpath))
    return found


def test_every_package_folder_is_listed() -> None:
    listed = {os.path.normpath(_folder(p)) for p in SETUPTOOLS["packages"]}
    missing = _package_folders() - listed
    assert not missing, f"package folders not in [tool.setuptools] packages: {sorted(missing)}"
    for p in SETUPTOOLS["packages"]:
        assert os.path.isdir(_folder(p)), f"{p}: no folder {_folder(p)} (a fresh clone could not install)"


def test_no_top_level_daemon_package() -> None:
    # "daemon" would clash with python-daemon in site-packages.
    assert not any(p == "daemon" or p.startswith("daemon.") for p in SETUPTOOLS["packages"])
    assert SETUPTOOLS["package-dir"]["guestfs_daemon"] == "daemon"


def test_appliance_inputs_are_package_data() -> None:
    data = SETUPTOOLS["package-data"]["guestfs_appliance"]
    for name in ("packages", "init", "host-packages"):
        assert name in data
        assert os.path.isfile(os.path.join(ROOT, "appliance", name))


def test_pytest_plugin_is_opt_in() -> None:
    entry_points = PYPROJECT["project"].get("entry-points", {})
    assert "pytest11" not in entry_points, "the fixtures would load into every project's pytest"


def test_license_is_an_spdx_expression() -> None:
    assert PYPROJECT["project"]["license"] == "LGPL-2.1-or-later"


def test_console_scripts_resolve() -> None:
    import importlib

    for name, target in PYPROJECT["project"]["scripts"].items():
        module, _, func = target.partition(":")
        assert callable(getattr(importlib.import_module(module), func)), name
