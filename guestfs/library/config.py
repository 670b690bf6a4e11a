"""``set_*``/``get_*`` actions derived from the settings table, and the rest of
the handle's configuration calls (backend settings, state queries)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..actions import ACTIONS
from ..appliance import DEFAULT_PATH
from ..errors import GuestFSError
from ..settings import (
    SETTINGS,
    default_cachedir,
    default_hv,
    default_sockdir,
    default_tmpdir,
    find_backend_setting,
    read_environment,
)
from ..state import State
from . import LIBRARY_IMPLS

if TYPE_CHECKING:
    from ..handle import GuestFS


def _target(name: str) -> str:
    s = SETTINGS[name]
    return s.alias_of or name


def _make_setter(name: str) -> Any:
    target = _target(name)
    check = SETTINGS[target].check

    def setter(g: GuestFS, value: Any) -> None:
        if check is not None and value is not None:
            try:
                value = check(value)
            except ValueError as e:
                raise GuestFSError(str(e), "EINVAL") from None
        if target == "backend_settings":
            value = tuple(value)
        g._settings[target] = value
    return setter


def _make_getter(name: str) -> Any:
    target = _target(name)

    def getter(g: GuestFS) -> Any:
        v = g._settings[target]
        return list(v) if isinstance(v, tuple) else v
    return getter


def _derive() -> None:
    for name in SETTINGS:
        for prefix, make in (("set_", _make_setter), ("get_", _make_getter)):
            action = prefix + name
            if action in ACTIONS and action not in LIBRARY_IMPLS:
                LIBRARY_IMPLS[action] = make(name)


# Getters whose value in force differs from the stored one.
def _get_tmpdir(g: GuestFS) -> str:
    return default_tmpdir(g._settings["tmpdir"])


def _get_cachedir(g: GuestFS) -> str:
    return default_cachedir(g._settings["cachedir"])


def _get_sockdir(g: GuestFS) -> str:
    return default_sockdir(g._settings["sockdir"])


def _get_path(g: GuestFS) -> str:
    return g._settings["path"] or DEFAULT_PATH


def _get_hv(g: GuestFS) -> str:
    return g._settings["hv"] or default_hv()


def _backend_settings(g: GuestFS) -> list[str]:
    return list(g._settings["backend_settings"])


def _get_backend_setting(g: GuestFS, name: str) -> str:
    value = find_backend_setting(g._settings["backend_settings"], name)
    if value is None:
        raise GuestFSError("setting not found", "ESRCH")
    return value


def _set_backend_setting(g: GuestFS, name: str, val: str) -> None:
    _clear_backend_setting(g, name)
    g._settings["backend_settings"] = tuple(_backend_settings(g) + [f"{name}={val}"])


def _clear_backend_setting(g: GuestFS, name: str) -> int:
    old = _backend_settings(g)
    new = [s for s in old if s.partition("=")[0] != name]
    g._settings["backend_settings"] = tuple(new)
    return len(old) - len(new)


def _parse_environment(g: GuestFS) -> None:
    _apply_env(g, os.environ)


def _parse_environment_list(g: GuestFS, environment: list[str]) -> None:
    env = {}
    for item in environment:
        k, _, v = item.partition("=")
        env[k] = v
    _apply_env(g, env)


def _apply_env(g: GuestFS, env: Mapping[str, str]) -> None:
    """Take the settings ``env``'s variables give, in stock's order; a bad
    value fails the call with stock's message (the ones before it are set)."""
    try:
        read_environment(env, g._settings)
    except ValueError as e:
        raise GuestFSError(str(e), "EINVAL") from None


def _get_attach_method(g: GuestFS) -> str:
    """The backend under its old name: ``direct`` was called ``appliance``."""
    backend: str = g._settings["backend"]
    return "appliance" if backend == "direct" else backend


def _state_value(g: GuestFS) -> int:
    return int(g._state.value)


LIBRARY_IMPLS.update({
    "get_tmpdir": _get_tmpdir,
    "get_cachedir": _get_cachedir,
    "get_sockdir": _get_sockdir,
    "get_path": _get_path,
    "get_hv": _get_hv,
    "get_qemu": _get_hv,
    "get_backend_settings": _backend_settings,
    "get_backend_setting": _get_backend_setting,
    "set_backend_setting": _set_backend_setting,
    "clear_backend_setting": _clear_backend_setting,
    "parse_environment": _parse_environment,
    "parse_environment_list": _parse_environment_list,
    "get_state": _state_value,
    "is_config": lambda g: g._state is State.CONFIG,
    "is_launching": lambda g: g._state is State.LAUNCHING,
    "is_ready": lambda g: g._state is State.READY,
    "is_busy": lambda g: False,
    "wait_ready": lambda g: None,
    "get_attach_method": _get_attach_method,
})
_derive()


#: qemu options that the backend itself manages: ``config`` refuses them.
_RESERVED_HVPARAMS = frozenset({
    "-kernel", "-initrd", "-nographic", "-display", "-append", "-serial", "-chardev",
    "-machine", "-m", "-smp", "-nodefaults", "-no-reboot",
})


def _config(g: GuestFS, hvparam: str, hvvalue: str | None) -> None:
    """Add a raw qemu parameter to the command line of the next launch."""
    if not hvparam.startswith("-"):
        raise GuestFSError(f"parameter '{hvparam}' must begin with '-' character", "EINVAL")
    if hvparam in _RESERVED_HVPARAMS:
        raise GuestFSError(f"parameter '{hvparam}' isn't allowed", "EINVAL")
    g._settings.setdefault("hvparams", [])
    g._settings["hvparams"].append((hvparam, hvvalue))


LIBRARY_IMPLS["config"] = _config
