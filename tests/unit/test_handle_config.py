"""The ``GuestFS`` handle without a VM (``guestfs/handle.py``, ``guestfs/settings.py``,
``guestfs/library/config.py`` and ``drives.py``): settings, environment,
validation, argument checking, state and close, compared with the stock
libguestfs 1.48 binding where it is installed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

import guestfs
from guestfs.actions import ACTIONS, Action
from guestfs.handle import State
from tests.helpers import ConnectionPair, fake_impls, require_stock, run_binding, sample_arg

#: Every variable the handle reads, cleared so the developer's shell cannot leak in.
ENV_VARS = ("LIBGUESTFS_DEBUG", "LIBGUESTFS_TRACE", "LIBGUESTFS_PATH", "LIBGUESTFS_BACKEND",
            "LIBGUESTFS_ATTACH_METHOD", "LIBGUESTFS_BACKEND_SETTINGS", "LIBGUESTFS_HV",
            "LIBGUESTFS_QEMU", "LIBGUESTFS_MEMSIZE", "LIBGUESTFS_CACHEDIR", "LIBGUESTFS_TMPDIR",
            "LIBGUESTFS_APPEND", "XDG_RUNTIME_DIR", "TMPDIR")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def g() -> Iterator[guestfs.GuestFS]:
    h = guestfs.GuestFS(environment=False)
    yield h
    if not h._closed:
        h.close()


# -- set_/get_ of every setting ------------------------------------------------------

def _setting_calls(tmp: str) -> list[list[Any]]:
    """set_X value, get_X for every setting (values valid for both bindings)."""
    values: dict[str, list[Any]] = {
        "verbose": [True, False], "trace": [False], "autosync": [False, True],
        "memsize": [256, 4096], "smp": [4, 1], "append": ["console=ttyS0 x=y", None],
        "path": ["/opt/appliance"], "cachedir": [tmp], "tmpdir": [tmp],
        "backend": ["libvirt", "direct", "appliance", "libvirt:qemu:///session"],
        "backend_settings": [["force_tcg", "a=b", "a=c"], []], "hv": ["/bin/true"],
        "qemu": ["/bin/false"], "program": ["prog name"], "identifier": ["id_1-x", ""],
        "network": [True, False], "selinux": [True], "recovery_proc": [False, True],
        "pgroup": [True], "direct": [True, False], "attach_method": ["appliance", "libvirt"],
    }
    calls = []
    for name, vals in values.items():
        for v in vals:
            calls += [[f"set_{name}", [v], {}], [f"get_{name}", [], {}]]
    calls += [["get_backend", [], {}]]
    return calls


def test_every_setting_has_a_test() -> None:
    """Every set_X/get_X pair of the registry appears in _setting_calls."""
    pairs = {n[4:] for n, a in ACTIONS.items()
             if n.startswith("set_") and not a.daemon and f"get_{n[4:]}" in ACTIONS}
    # Not plain settings: an auth answer, and the keyed one (test_backend_settings).
    pairs -= {"libvirt_requested_credential", "backend_setting"}
    tested = {c[0][4:] for c in _setting_calls("/tmp") if c[0].startswith("set_")}
    assert pairs == tested


def test_settings_round_trip(g: guestfs.GuestFS, tmp_path: Any) -> None:
    for method, args, _ in _setting_calls(str(tmp_path)):
        if method.startswith("set_"):
            value = args[0]
            getattr(g, method)(value)
            continue
        got = getattr(g, method)()
        name = method[4:]
        if name in ("backend", "attach_method") and value == "appliance":
            want: Any = "appliance" if name == "attach_method" else "direct"
        elif name in ("verbose", "trace", "autosync", "network", "selinux", "recovery_proc",
                      "pgroup", "direct"):
            want = int(value)
        else:
            want = value
        assert got == want, method


def test_defaults(g: guestfs.GuestFS) -> None:
    assert (g.get_verbose(), g.get_trace(), g.get_autosync(), g.get_network()) == (0, 0, 1, 0)
    assert (g.get_smp(), g.get_append(), g.get_identifier()) == (1, None, "")
    assert g.get_backend() == "direct" and g.get_attach_method() == "appliance"
    assert g.get_backend_settings() == []
    assert g.get_memsize() >= 256
    assert g.get_tmpdir() == "/tmp" and g.get_cachedir() == "/var/tmp"
    assert os.path.isabs(g.get_path()) and os.path.isabs(g.get_hv())
    assert (g.get_state(), g.is_config(), g.is_launching(), g.is_ready(), g.is_busy()) == (0, 1, 0, 0, 0)


def test_settings_match_stock(tmp_path: Any) -> None:
    require_stock()
    request = {"cases": [{"calls": _setting_calls(str(tmp_path))}]}
    ours = run_binding(request, stock=False)["cases"][0]["results"]
    stock = run_binding(request, stock=True)["cases"][0]["results"]
    assert len(ours) == len(stock) == len(request["cases"][0]["calls"])
    for call, a, b in zip(request["cases"][0]["calls"], ours, stock):
        assert a == b, call


# -- backend settings ---------------------------------------------------------------------

def test_backend_settings(g: guestfs.GuestFS) -> None:
    g.set_backend_settings(["force_tcg", "a=b", "a=c"])
    assert g.get_backend_setting("force_tcg") == "1"
    assert g.get_backend_setting("a") == "b"  # the first one wins
    with pytest.raises(RuntimeError, match="^setting not found$"):
        g.get_backend_setting("nope")
    assert g.clear_backend_setting("a") == 2
    assert g.clear_backend_setting("a") == 0
    g.set_backend_setting("x", "1")
    g.set_backend_setting("x", "2")
    assert g.get_backend_settings() == ["force_tcg", "x=2"]
    g.set_backend_settings([])
    assert g.get_backend_settings() == []


# -- the environment --------------------------------------------------------------------

ENV_CASES: list[tuple[str, str, str, Any]] = [
    ("LIBGUESTFS_DEBUG", "1", "get_verbose", 1),
    ("LIBGUESTFS_DEBUG", "yes", "get_verbose", 1),
    ("LIBGUESTFS_DEBUG", "no", "get_verbose", 0),
    ("LIBGUESTFS_DEBUG", "0", "get_verbose", 0),
    ("LIBGUESTFS_TRACE", "1", "get_trace", 1),
    ("LIBGUESTFS_TRACE", "off", "get_trace", 0),
    ("LIBGUESTFS_PATH", "/opt/guestfs", "get_path", "/opt/guestfs"),
    ("LIBGUESTFS_BACKEND", "libvirt", "get_backend", "libvirt"),
    ("LIBGUESTFS_ATTACH_METHOD", "appliance", "get_backend", "direct"),
    ("LIBGUESTFS_BACKEND_SETTINGS", "force_tcg:gdb=1", "get_backend_settings", ["force_tcg", "gdb=1"]),
    ("LIBGUESTFS_HV", "/bin/true", "get_hv", "/bin/true"),
    ("LIBGUESTFS_QEMU", "/bin/false", "get_hv", "/bin/false"),
    ("LIBGUESTFS_MEMSIZE", "1024", "get_memsize", 1024),
    ("LIBGUESTFS_APPEND", "console=ttyS0 quiet", "get_append", "console=ttyS0 quiet"),
    ("LIBGUESTFS_CACHEDIR", "/usr", "get_cachedir", "/usr"),
    ("LIBGUESTFS_TMPDIR", "/usr", "get_tmpdir", "/usr"),
]


@pytest.mark.parametrize(("var", "value", "getter", "want"), ENV_CASES,
                         ids=[f"{v}={x}" for v, x, _, _ in ENV_CASES])
def test_environment_honoured(monkeypatch: pytest.MonkeyPatch, var: str, value: str, getter: str,
                              want: Any) -> None:
    default = getattr(guestfs.GuestFS(environment=False), getter)()
    monkeypatch.setenv(var, value)
    assert getattr(guestfs.GuestFS(), getter)() == want
    assert getattr(guestfs.GuestFS(environment=True), getter)() == want
    assert getattr(guestfs.GuestFS(environment=False), getter)() == default


def test_a_bad_environment_value_is_reported_and_ends_the_reading(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # As stock: the handle is made, the error goes to stderr, and the
    # variables read after the bad one (LIBGUESTFS_MEMSIZE after DEBUG) are not.
    monkeypatch.setenv("LIBGUESTFS_TRACE", "y")
    monkeypatch.setenv("LIBGUESTFS_DEBUG", "maybe")
    monkeypatch.setenv("LIBGUESTFS_MEMSIZE", "2000")
    h = guestfs.GuestFS()
    assert capsys.readouterr().err == "libguestfs: error: LIBGUESTFS_DEBUG=maybe: non-boolean value\n"
    assert (h.get_trace(), h.get_verbose(), h.get_memsize()) == (1, 0, 1280)
    h.close()


#: parse_environment_list calls whose outcome (and the settings after) are stock's.
BAD_ENVIRONMENTS: list[list[str]] = [
    *[[f"LIBGUESTFS_TRACE={w}"] for w in ("y", "n", "t", "F", "On", "2", "", "true ")],
    ["LIBGUESTFS_TMPDIR=/nonexistent"], ["LIBGUESTFS_TMPDIR=/tmp/../tmp/"], ["LIBGUESTFS_TMPDIR=rel"],
    ["LIBGUESTFS_CACHEDIR="], ["LIBGUESTFS_APPEND="], ["XDG_RUNTIME_DIR=rel"], ["TMPDIR=rel"],
    *[[f"LIBGUESTFS_MEMSIZE={m}"] for m in ("", "300x", "0x200", " 300", "abc", "10", "1280",
                                            "99999999999999")],
    ["LIBGUESTFS_BACKEND=nosuch"], ["LIBGUESTFS_BACKEND=appliance"], ["LIBGUESTFS_BACKEND="],
    ["LIBGUESTFS_ATTACH_METHOD=libvirt"], ["LIBGUESTFS_BACKEND=direct", "LIBGUESTFS_ATTACH_METHOD=x"],
    ["LIBGUESTFS_MEMSIZE=2000", "LIBGUESTFS_DEBUG=zz"], ["LIBGUESTFS_MEMSIZE=3000", "LIBGUESTFS_BACKEND=zz"],
    ["LIBGUESTFS_TRACE=x", "LIBGUESTFS_TMPDIR=rel"], ["LIBGUESTFS_CACHEDIR=rel", "LIBGUESTFS_TMPDIR=rel2"],
]
ENV_GETTERS = ("get_trace", "get_verbose", "get_tmpdir", "get_cachedir", "get_memsize", "get_backend",
               "get_append", "get_sockdir")


def test_bad_environment_values_as_stock() -> None:
    require_stock()
    request = {"cases": [{"environment": False, "calls": [
        ["set_memsize", [500], {}], ["parse_environment_list", [env], {}],
        *[[getter, [], {}] for getter in ENV_GETTERS]]} for env in BAD_ENVIRONMENTS]}
    ours = run_binding(request, stock=False)
    stock = run_binding(request, stock=True)
    assert ours["cases"] == stock["cases"]
    # Not all accepted: the comparison covers refusals too.
    assert sum("ok" not in case["results"][1] for case in ours["cases"]) >= 10


def test_parse_environment_list(g: guestfs.GuestFS) -> None:
    g.parse_environment_list(["LIBGUESTFS_MEMSIZE=2048", "LIBGUESTFS_DEBUG=1", "UNRELATED=x",
                              "LIBGUESTFS_BACKEND_SETTINGS=a:b=c"])
    assert (g.get_memsize(), g.get_verbose(), g.get_backend_settings()) == (2048, 1, ["a", "b=c"])


def test_parse_environment_list_takes_names_no_environment_could_hold(g: guestfs.GuestFS) -> None:
    # Found by the argument fuzzer: an empty name made
    # the handle's temporary swap of os.environ raise OSError. The list is
    # read as it is, as stock reads it, and the process environment is untouched.
    before = dict(os.environ)
    g.parse_environment_list(["", "=x", "==", "LIBGUESTFS_MEMSIZE=777", "LIBGUESTFS_DEBUG=1"])
    assert (g.get_memsize(), g.get_verbose()) == (777, 1)
    assert dict(os.environ) == before


def test_parse_environment(g: guestfs.GuestFS, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIBGUESTFS_HV", "/usr/bin/env")
    assert g.get_hv() != "/usr/bin/env"
    g.parse_environment()
    assert g.get_hv() == "/usr/bin/env"


def test_environment_matches_stock() -> None:
    require_stock()
    # One value per variable (the first case of each), without the old aliases.
    env: dict[str, str] = {}
    for var, value, _, _ in ENV_CASES:
        if var not in ("LIBGUESTFS_QEMU", "LIBGUESTFS_ATTACH_METHOD"):
            env.setdefault(var, value)
    getters = [["get_" + g[4:], [], {}] for g in sorted({getter for _, _, getter, _ in ENV_CASES})]
    parse = ["parse_environment_list", [[f"{k}={v}" for k, v in env.items()]], {}]
    request = {"cases": [{"environment": True, "calls": getters},
                         {"environment": False, "calls": [parse, *getters]}]}
    ours = run_binding(request, stock=False, env=env)
    stock = run_binding(request, stock=True, env=env)
    assert ours["cases"] == stock["cases"]
    assert {"ok": ["force_tcg", "gdb=1"]} in ours["cases"][0]["results"]
    assert {"ok": 1024} in ours["cases"][1]["results"]


# -- validation -----------------------------------------------------------------------------

VALIDATION_CALLS: list[list[Any]] = [
    ["set_memsize", [255], {}], ["set_memsize", [256], {}], ["set_identifier", ["a b"], {}],
    ["set_identifier", ["x/y"], {}], ["set_smp", [0], {}], ["set_smp", [-1], {}],
    ["set_backend", [""], {}], ["set_backend", ["nosuch"], {}], ["set_backend", ["appliance"], {}],
    ["get_backend", [], {}], ["set_tmpdir", ["rel"], {}], ["set_cachedir", ["/nonexistent"], {}],
    ["set_tmpdir", ["/tmp/../tmp"], {}], ["get_tmpdir", [], {}],
    ["get_backend_setting", ["nope"], {}], ["get_memsize", [], {}],
    ["add_drive_scratch", [0], {}], ["add_drive_scratch", [-1], {}],
    ["set_smp", [255], {}], ["set_smp", [256], {}], ["get_smp", [], {}],
    ["launch", [], {}],  # no drive added: refused before anything starts
]


def test_validation_errors(g: guestfs.GuestFS) -> None:
    with pytest.raises(RuntimeError, match=r"^too small value for memsize \(must be at least 256\)$"):
        g.set_memsize(255)
    with pytest.raises(RuntimeError, match="^identifier must contain only alphanumeric characters"):
        g.set_identifier("a b")
    with pytest.raises(RuntimeError, match="^invalid smp parameter: 0$"):
        g.set_smp(0)
    with pytest.raises(RuntimeError, match="^invalid backend: $"):
        g.set_backend("")
    g.set_memsize(300)
    with pytest.raises(RuntimeError):
        g.set_memsize(1)
    assert g.get_memsize() == 300  # a refused value changes nothing


def _add_drive_calls(image: str) -> list[list[Any]]:
    return [
        ["add_drive", [image + ".missing"], {}],
        ["add_drive", [""], {}],
        ["add_drive", [image], {"format": "qc ow"}],
        ["add_drive", [image], {"format": ""}],
        ["add_drive", [image], {"iface": "foo bar"}],
        ["add_drive", [image], {"iface": ""}],
        ["add_drive", [image], {"cachemode": "none"}],
        ["add_drive", [image], {"discard": "maybe"}],
        ["add_drive", [image], {"readonly": True, "discard": "enable"}],
        ["add_drive", [image], {"label": ""}],
        ["add_drive", [image], {"label": "a/b"}],
        ["add_drive", [image], {"label": "x" * 21}],
        ["add_drive", [image], {"blocksize": 1000}],
        ["add_drive", [image], {"blocksize": 8192}],
        ["add_drive", [image], {"server": ["host"]}],
        ["add_drive", ["/dev/null"], {"format": "qcow2"}],
        ["add_drive", ["/dev/null"], {"format": "raw"}],
        ["add_drive_opts", [image], {"format": "raw", "iface": "virtio", "label": "lbl",
                                     "cachemode": "unsafe", "discard": "besteffort", "blocksize": 4096,
                                     "copyonread": True}],
        ["add_drive_ro", [image], {}],
        ["add_drive", [image], {"readonly": True, "format": "raw", "discard": "disable"}],
    ]


@pytest.fixture
def image(tmp_path: Any) -> str:
    path = tmp_path / "disk.img"
    path.write_bytes(b"\0" * 65536)
    return str(path)


def test_add_drive_errors(g: guestfs.GuestFS, image: str) -> None:
    outcomes: list[str | None] = []
    for method, args, kw in _add_drive_calls(image):
        try:
            getattr(g, method)(*args, **kw)
            outcomes.append(None)
        except RuntimeError as e:
            outcomes.append(str(e))
    assert outcomes[0] == f"{image}.missing: No such file or directory"
    assert outcomes[1] == ": No such file or directory"
    assert outcomes[2] == outcomes[3] == "format parameter is empty or contains disallowed characters"
    assert outcomes[4] == outcomes[5] == "iface parameter is empty or contains disallowed characters"
    assert outcomes[6] and "cachemode" in outcomes[6]
    assert outcomes[7] and "discard" in outcomes[7]
    assert outcomes[8] == "discard support cannot be enabled on read-only drives"
    assert outcomes[9] == outcomes[10] == outcomes[11] == \
        "label parameter is empty, too long, or contains disallowed characters"
    assert outcomes[12] == outcomes[13] == "blocksize parameter is invalid"
    assert outcomes[14] == "you cannot specify a server with file-backed disks"
    assert outcomes[15] == "for device ‘/dev/null’, format must be ‘raw’"
    assert outcomes[16:] == [None, None, None, None]
    assert len(g.debug_drives()) == 4  # only the good ones were added


def test_add_drive_and_validation_match_stock(image: str) -> None:
    require_stock()
    request = {"cases": [{"calls": _add_drive_calls(image)}, {"calls": VALIDATION_CALLS}]}
    ours = run_binding(request, stock=False)
    stock = run_binding(request, stock=True)
    for case in (0, 1):
        calls = request["cases"][case]["calls"]
        assert len(ours["cases"][case]["results"]) == len(calls)
        for call, a, b in zip(calls, ours["cases"][case]["results"], stock["cases"][case]["results"]):
            assert a == b, call


def test_add_drive_scratch_file_removed_by_close() -> None:
    h = guestfs.GuestFS(environment=False)
    h.add_drive_scratch(1024 * 1024)
    h.add_drive_scratch(2 * 1024 * 1024, label="scratch")
    paths = [line.split()[0].removeprefix("path=") for line in h.debug_drives()]
    assert len(paths) == 2
    assert [os.path.getsize(p) for p in paths] == [1024 * 1024, 2 * 1024 * 1024]
    h.close()
    assert not any(os.path.exists(p) for p in paths)
    assert not os.path.exists(os.path.dirname(paths[0]))


def test_add_drive_scratch_removed_on_garbage_collection() -> None:
    import gc
    h = guestfs.GuestFS(environment=False)
    h.add_drive_scratch(4096)
    path = h.debug_drives()[0].split()[0].removeprefix("path=")
    assert os.path.exists(path)
    del h
    gc.collect()
    assert not os.path.exists(path)


# -- state ----------------------------------------------------------------------------------

DAEMON = sorted((a for a in ACTIONS.values() if a.daemon), key=lambda a: a.name)


def _args(act: Action) -> list[Any]:
    return [sample_arg(a.kind) if a.kind != "Pointer" else None for a in act.args]


def test_daemon_calls_before_launch(g: guestfs.GuestFS) -> None:
    """Every daemon action, before launch: RuntimeError naming the call, as libguestfs."""
    for act in DAEMON:
        with pytest.raises(RuntimeError) as e:
            getattr(g, act.name)(*_args(act))
        assert str(e.value) == (f"{act.name}: call launch before using this function\n"
                                "(in guestfish, don't forget to use the 'run' command)")
    assert g.is_config()


def test_library_calls_needing_the_daemon_before_launch(g: guestfs.GuestFS) -> None:
    for call in (lambda: g.read_file("/etc/hostname"), lambda: g.ls("/"), lambda: g.cat("/x")):
        with pytest.raises(RuntimeError, match="call launch before using this function"):
            call()


@pytest.fixture
def ready() -> Iterator[tuple[guestfs.GuestFS, ConnectionPair]]:
    """A handle in the READY state, its client talking to an in-memory daemon."""
    h = guestfs.GuestFS(environment=False)
    pair = ConnectionPair()
    h._client = pair.client
    h._state = State.READY
    yield h, pair
    if not h._closed:
        h.close()
    pair.close()


def test_config_only_calls_refused_when_ready(ready: tuple[guestfs.GuestFS, ConnectionPair],
                                              image: str) -> None:
    h, _ = ready
    config_only = sorted(a.name for a in ACTIONS.values() if a.config_only)
    assert "set_memsize" in config_only and "add_drive_ro" in config_only
    for name in config_only:
        act = ACTIONS[name]
        msg = f"^{name}: this function can only be called in the config state$"
        with pytest.raises(RuntimeError, match=msg):
            getattr(h, name)(*_args(act))
    assert h.get_memsize() > 0  # getters still work
    assert (h.get_state(), h.is_ready(), h.is_config()) == (2, 1, 0)


def test_ready_handle_calls_the_daemon(ready: tuple[guestfs.GuestFS, ConnectionPair]) -> None:
    h, _ = ready
    with fake_impls({"echo_daemon": lambda words: " ".join(words)}):
        assert h.echo_daemon(["hello", "world"]) == "hello world"
    with fake_impls({"echo_daemon": None}):
        with pytest.raises(RuntimeError, match="^echo_daemon: .*not supported"):
            h.echo_daemon(["x"])


def test_close_of_ready_handle_goes_back_to_nothing(ready: tuple[guestfs.GuestFS, ConnectionPair]) -> None:
    h, pair = ready
    synced = []
    with fake_impls({"internal_autosync": lambda: synced.append(1)}):
        h.close()
    assert synced == [1]
    pair.thread.join(10)
    assert not pair.thread.is_alive()


# -- closed handles, argument types ---------------------------------------------------------

def test_closed_handle() -> None:
    h = guestfs.GuestFS(environment=False)
    h.close()
    for act in ACTIONS.values():
        with pytest.raises(guestfs.ClosedHandle, match="^GuestFS: method called on closed handle$"):
            getattr(h, act.name)(*_args(act))
    with pytest.raises(guestfs.ClosedHandle):
        h.close()
    with pytest.raises(guestfs.ClosedHandle):
        h.set_event_callback(lambda *a: None, guestfs.EVENT_CLOSE)
    with pytest.raises(ValueError):  # ClosedHandle is a ValueError, as in the binding
        h.get_memsize()


def test_context_manager_closes() -> None:
    with guestfs.GuestFS(environment=False) as h:
        h.set_memsize(512)
    with pytest.raises(guestfs.ClosedHandle):
        h.get_memsize()


class _Odd:
    """A value of no argument kind."""


WITH_ARGS = [a for a in ACTIONS.values() if a.args and a.args[0].kind != "Pointer"]
WITH_OPTARGS = [a for a in ACTIONS.values() if a.optargs]


def test_wrong_argument_types_raise_type_error(g: guestfs.GuestFS) -> None:
    for act in WITH_ARGS:
        args = _args(act)
        args[0] = _Odd()
        with pytest.raises(TypeError):
            getattr(g, act.name)(*args)
    for act in WITH_OPTARGS:
        with pytest.raises(TypeError):
            getattr(g, act.name)(*_args(act), **{act.optargs[0].name: _Odd()})
    assert g.get_memsize() == guestfs.GuestFS(environment=False).get_memsize()


@pytest.mark.parametrize(("method", "args", "kwargs"), [
    ("set_memsize", ["1024"], {}),
    ("set_memsize", [1.5], {}),
    ("set_verbose", ["yes"], {}),
    ("set_verbose", [None], {}),
    ("set_append", [5], {}),
    ("set_backend_settings", ["a"], {}),
    ("set_backend_settings", [[1]], {}),
    ("internal_test_rstring", [b"bytes"], {}),
    ("add_drive", ["/dev/null"], {"readonly": "yes"}),
    ("add_drive", ["/dev/null"], {"nosuch": 1}),
    ("add_drive", [], {}),
    ("set_memsize", [], {}),
    ("set_memsize", [1, 2], {}),
    ("get_memsize", [1], {}),
])
def test_type_errors(g: guestfs.GuestFS, method: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        getattr(g, method)(*args, **kwargs)


def test_out_of_range_integers(g: guestfs.GuestFS) -> None:
    with pytest.raises(OverflowError):
        g.set_memsize(2**31)
    with pytest.raises(OverflowError):
        g.internal_test("s", None, [], False, 0, 2**63, "", "", b"")


def test_bool_accepts_integers(g: guestfs.GuestFS) -> None:
    g.set_verbose(5)
    assert g.get_verbose() == 1
    g.set_verbose(0)
    assert g.get_verbose() == 0


def test_deprecated_calls_warn_like_the_stock_binding() -> None:
    g = guestfs.GuestFS(environment=False)
    with pytest.warns(DeprecationWarning, match=r"use GuestFS\.set_hv\(\) instead of GuestFS\.set_qemu\(\)"):
        g.set_qemu(None)
    g.close()


def test_version_is_the_api_level_implemented() -> None:
    g = guestfs.GuestFS(environment=False)
    assert g.version() == {"major": 1, "minor": 48, "release": 6, "extra": ""}
    g.close()


def test_config_adds_qemu_parameters_and_refuses_managed_ones(tmp_path: Any) -> None:
    from guestfs.appliance import Appliance
    from guestfs.backends.context import LaunchContext
    from guestfs.backends.qemu import QemuBackend

    g = guestfs.GuestFS(environment=False)
    g.config("-no-hpet", None)
    g.config("-global", "kvm-pit.lost_tick_policy=discard")
    with pytest.raises(RuntimeError, match="parameter '-kernel' isn't allowed"):
        g.config("-kernel", "/x")
    with pytest.raises(RuntimeError, match="must begin with '-'"):
        g.config("nodash", None)
    qb = QemuBackend(LaunchContext.for_handle(g, str(tmp_path)))
    argv = qb.command_line(Appliance("/k", "/i", "/r", "fixed", "/"), [])
    assert argv[-3:] == ["-no-hpet", "-global", "kvm-pit.lost_tick_policy=discard"]
    assert argv.count("-kernel") == 1
    g.close()


def test_network_adds_user_networking_and_tells_the_appliance(tmp_path: Any) -> None:
    from guestfs.appliance import Appliance
    from guestfs.backends.context import LaunchContext
    from guestfs.backends.qemu import QemuBackend

    g = guestfs.GuestFS(environment=False)
    appliance = Appliance("/k", "/i", "/r", "fixed", "/")
    off = QemuBackend(LaunchContext.for_handle(g, str(tmp_path)))
    assert "-netdev" not in off.command_line(appliance, [])
    assert "guestfs_network=1" not in off.kernel_cmdline(appliance).split()
    g.set_network(True)
    on = QemuBackend(LaunchContext.for_handle(g, str(tmp_path)))
    argv = on.command_line(appliance, [])
    i = argv.index("-netdev")
    assert argv[i:i + 4] == ["-netdev", "user,id=usernet,net=169.254.0.0/16",
                             "-device", "virtio-net-pci,netdev=usernet"]
    assert "guestfs_network=1" in on.kernel_cmdline(appliance).split()
    g.close()


def test_selinux_boots_the_appliance_permissive_as_libguestfs_asks(tmp_path: Any) -> None:
    from guestfs.appliance import Appliance
    from guestfs.backends.context import LaunchContext
    from guestfs.backends.qemu import QemuBackend, kernel_cmdline

    g = guestfs.GuestFS(environment=False)
    appliance = Appliance("/k", "/i", "/r", "fixed", "/")
    off = QemuBackend(LaunchContext.for_handle(g, str(tmp_path))).kernel_cmdline(appliance).split()
    assert off.count("selinux=0") == 1
    assert "selinux=1" not in off and "enforcing=0" not in off
    with pytest.warns(DeprecationWarning):
        g.set_selinux(True)
    ctx = LaunchContext.for_handle(g, str(tmp_path))
    on = QemuBackend(ctx).kernel_cmdline(appliance).split()
    # The libvirt backend puts the same function's answer in its <cmdline>.
    assert kernel_cmdline(ctx, appliance).split() == on
    assert "selinux=0" not in on
    i = on.index("selinux=1")
    assert on[i:i + 2] == ["selinux=1", "enforcing=0"]
    assert on[i - 1].startswith("root=")  # where libguestfs puts them, before quiet/TERM
    g.set_append("selinux=0")  # the user's append still comes last and wins
    last = QemuBackend(LaunchContext.for_handle(g, str(tmp_path))).kernel_cmdline(appliance).split()[-1]
    assert last == "selinux=0"
    g.close()


def test_optional_percentages_come_back_as_none() -> None:
    act = ACTIONS["lvs_full"]
    lv = {"lv_name": "lv", "lv_uuid": "u" * 32, "lv_attr": "", "lv_major": 0, "lv_minor": 0,
          "lv_kernel_major": 0, "lv_kernel_minor": 0, "lv_size": 1, "seg_count": 1,
          "origin": "", "snap_percent": -1.0, "copy_percent": 50.0, "move_pv": "",
          "lv_tags": "", "mirror_log": "", "modules": ""}
    out = act.ret.to_caller([dict(lv)], None, False)
    assert out[0]["snap_percent"] is None
    assert out[0]["copy_percent"] == 50.0
