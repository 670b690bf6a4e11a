"""The same calls on stock libguestfs 1.48 and on our shared handle.

A test writes a script (a list of steps: method, positional arguments,
keyword arguments), runs it through the stock binding in a fresh handle
(:func:`run_script_on_stock`, through ``tests/helpers.py``'s runner) and
on our launched handle (:func:`run_script_on`), and compares every
step's outcome (:func:`assert_same_outcomes`): the value returned, or the
exception class and message.
"""

from __future__ import annotations

import json
from typing import Any

from tests.helpers import encode_json, require_stock, run_binding

#: A script step: (method, positional args, keyword args).
Step = tuple[str, list[Any], dict[str, Any]]

#: Environment for the stock library under TCG (no usable KVM here).
STOCK_TCG_ENV = {"LIBGUESTFS_BACKEND": "direct", "LIBGUESTFS_BACKEND_SETTINGS": "force_tcg"}


def _from_runner(v: Any) -> Any:
    """A value as the runner (``tests/helpers.py`` RUNNER) encoded it, back to Python."""
    if isinstance(v, dict):
        if "__bytes__" in v:
            return bytes.fromhex(v["__bytes__"])
        if "__dict__" in v:
            return {k: _from_runner(x) for k, x in v["__dict__"]}
        return {k: _from_runner(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_from_runner(x) for x in v]
    return v


def _outcome_name(e: BaseException) -> str:
    """The exception class name the runner reports (RuntimeError for GuestFSError)."""
    for cls in (TypeError, OverflowError, RuntimeError, ValueError):
        if isinstance(e, cls):
            return cls.__name__
    return type(e).__name__


def run_script_on_stock(setup: list[Step], script: list[Step],
                        timeout: float = 120) -> list[dict[str, Any]]:
    """Run ``setup`` then ``script`` with stock libguestfs 1.48 in a fresh handle
    (within ``timeout`` seconds, its launch included).

    :returns: one outcome per ``script`` step: ``{"ok": value}`` or
        ``{"error": class name, "message": text}``.
    :raises AssertionError: a ``setup`` step failed.
    """
    require_stock()
    # environment=True: the handle must read STOCK_TCG_ENV (the runner's
    # handles ignore the environment by default).
    case = {"return_dict": True, "environment": True, "calls": [list(s) for s in [*setup, *script]]}
    reply = run_binding({"cases": [encode_json(case)]}, stock=True, env=STOCK_TCG_ENV, timeout=timeout)
    results = [_from_runner(r) for r in reply["cases"][0]["results"]]
    failed = [(s, r) for s, r in zip(setup, results) if "ok" not in r]
    assert not failed, f"stock setup failed: {failed}"
    return results[len(setup):]


def run_script_on(g: Any, script: list[Step]) -> list[dict[str, Any]]:
    """Run ``script`` on our handle ``g``, outcomes shaped as :func:`run_script_on_stock`'s."""
    out: list[dict[str, Any]] = []
    for method, args, kwargs in script:
        try:
            r = getattr(g, method)(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - every failure is an outcome to compare
            out.append({"error": _outcome_name(e), "message": str(e)})
        else:
            out.append({"ok": _from_runner(json.loads(json.dumps(encode_json(r))))})
    return out


def assert_same_outcomes(script: list[Step], ours: list[dict[str, Any]],
                         stock: list[dict[str, Any]]) -> None:
    """Fail listing every step whose outcome differs between our library and stock."""
    diffs = [f"{m}{tuple(a)}{kw or ''}:\n   ours:  {o}\n   stock: {s}"
             for (m, a, kw), o, s in zip(script, ours, stock) if o != s]
    assert len(ours) == len(stock) == len(script)
    assert not diffs, "outcomes differ from stock libguestfs:\n" + "\n".join(diffs)
