"""The daemon's layering: action families (``daemon/impl/*.py``) import the
shared helpers (``daemon/lib/``) and the daemon's core modules, never each
other; the helpers never import a family.  Checked on the source with
``ast``, so an import hidden in a function counts too."""

from __future__ import annotations

import ast
import os
import pathlib

import pytest

DAEMON = os.path.join(os.path.dirname(__file__), "..", "..", "daemon")
IMPL = os.path.join(DAEMON, "impl")
LIB = os.path.join(DAEMON, "lib")
#: What a family may import from the daemon package (besides ``lib``).
CORE = frozenset({"context", "dispatch", "errors", "streams"})
#: The names the daemon package is imported by from outside (and its folder's).
PACKAGE_NAMES = ("guestfs_daemon", "daemon")


def _modules(folder: str) -> list[str]:
    return sorted(f[:-3] for f in os.listdir(folder) if f.endswith(".py") and f != "__init__.py")


def _daemon_imports(path: str, package: str) -> list[tuple[int, str]]:
    """``(line, name)`` for every import of a daemon module in a file of
    ``daemon/<package>/``, as a dotted path below the daemon package
    (``impl.files.real``, ``lib.programs``, ``context`` …)."""
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top, _, rest = alias.name.partition(".")
                if top in PACKAGE_NAMES and rest:
                    found.append((node.lineno, rest))
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                top, _, base = (node.module or "").partition(".")
                if top not in PACKAGE_NAMES:
                    continue
            elif node.level == 1:
                base = package + ("." + node.module if node.module else "")
            elif node.level == 2:
                base = node.module or ""
            else:
                base = "<outside the daemon package>"
            found += [(node.lineno, f"{base}.{a.name}".lstrip(".")) for a in node.names]
    return found


def _top(name: str) -> str:
    return name.partition(".")[0]


@pytest.mark.parametrize("family", _modules(IMPL))
def test_family_imports_no_other_family(family: str) -> None:
    path = os.path.join(IMPL, family + ".py")
    bad = [f"line {line}: {mod}" for line, mod in _daemon_imports(path, "impl")
           if _top(mod) != "lib" and _top(mod) not in CORE]
    assert not bad, (f"daemon/impl/{family}.py imports more than daemon/lib and "
                     f"{sorted(CORE)} (families never import each other): {bad}")


@pytest.mark.parametrize("helper", _modules(LIB))
def test_helpers_import_no_family(helper: str) -> None:
    path = os.path.join(LIB, helper + ".py")
    bad = [f"line {line}: {mod}" for line, mod in _daemon_imports(path, "lib")
           if _top(mod) in ("impl", "server", "dispatch")]
    assert not bad, f"daemon/lib/{helper}.py imports an action family or the server: {bad}"


def test_the_checks_see_every_form_of_import(tmp_path: pathlib.Path) -> None:
    """The parser catches each way of spelling an import of a sibling."""
    forms = ["from . import files", "from .files import real", "from ..impl import files",
             "from ..impl.files import real", "import guestfs_daemon.impl.files",
             "from guestfs_daemon.impl import files", "def f():\n    from .devices import kname"]
    for src in forms:
        p = tmp_path / "fam.py"
        p.write_text(src + "\n")
        mods = [m for _, m in _daemon_imports(str(p), "impl")]
        assert [_top(m) for m in mods] == ["impl"], (src, mods)
    p = tmp_path / "fam.py"
    p.write_text("from .. import context\nfrom ..lib import programs\nfrom ..lib.guestroot import real\n"
                 "from ..errors import DaemonError\nimport os\nfrom guestfs.actions import ACTIONS\n")
    assert [m for _, m in _daemon_imports(str(p), "impl")] == [
        "context", "lib.programs", "lib.guestroot.real", "errors.DaemonError"]


#: Calls that start a program; only ``lib/programs.py`` may make them.
_STARTERS = {("subprocess", n) for n in ("run", "Popen", "call", "check_call", "check_output",
                                          "getoutput", "getstatusoutput")} | \
    {("os", n) for n in ("system", "popen", "execv", "execve", "execvp", "execvpe", "execl",
                         "execlp", "execle", "execlpe", "spawnv", "spawnvp", "posix_spawn",
                         "posix_spawnp", "fork", "forkpty")}


def _program_starts(path: str) -> list[tuple[int, str]]:
    """``(line, "module.function")`` for each call that starts a program."""
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    return [(node.lineno, f"{node.func.value.id}.{node.func.attr}") for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and (node.func.value.id, node.func.attr) in _STARTERS]


def _daemon_sources() -> list[str]:
    out = []
    for dirpath, _, files in os.walk(DAEMON):
        out += [os.path.join(dirpath, f) for f in files if f.endswith(".py")]
    return sorted(out)


@pytest.mark.parametrize("path", _daemon_sources(), ids=lambda p: os.path.relpath(p, DAEMON))
def test_programs_start_only_through_lib_programs(path: str) -> None:
    """One way to run a program: ``lib/programs.py``'s run/out/spawn."""
    if os.path.samefile(path, os.path.join(LIB, "programs.py")):
        assert _program_starts(path), "programs.py itself starts programs"
        return
    assert _program_starts(path) == []


def test_the_program_check_sees_calls(tmp_path: pathlib.Path) -> None:
    src = tmp_path / "x.py"
    src.write_text("import subprocess, os\ndef f():\n    subprocess.Popen(['a'])\n    os.system('b')\n")
    assert _program_starts(str(src)) == [(3, "subprocess.Popen"), (4, "os.system")]
